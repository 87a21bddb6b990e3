//! Hostile and unlucky conditions, against the real binary: special files where sources and
//! fixtures should be, builds killed at random points or run at the same time, and output a
//! terminal would interpret. (docs/security.md states what these tests hold Charter to.)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use charter::corpus;

use charter_test_support::TODAY_FLAG as TODAY;

fn charter(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run charter")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn text(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("list").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
}

/// Every entry under `root` (not following links): files by contents, directories by mode,
/// symbolic links by target.
fn snapshot(root: &Path) -> BTreeMap<String, String> {
    let mut entries = BTreeMap::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let Ok(listing) = std::fs::read_dir(root.join(&relative)) else {
            continue;
        };
        for entry in listing.flatten() {
            let relative = relative.join(entry.file_name());
            let key = relative.to_string_lossy().into_owned();
            let metadata = std::fs::symlink_metadata(entry.path()).expect("stat");
            if metadata.is_dir() {
                entries.insert(key, format!("directory {:o}", mode(&metadata)));
                pending.push(relative);
            } else if metadata.file_type().is_symlink() {
                let target = std::fs::read_link(entry.path()).expect("readlink");
                entries.insert(key, format!("link {}", target.display()));
            } else {
                let bytes = std::fs::read(entry.path()).expect("read");
                entries.insert(key, format!("{} bytes {:x}", bytes.len(), fnv(&bytes)));
            }
        }
    }
    entries
}

#[cfg(unix)]
fn mode(metadata: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode(_metadata: &std::fs::Metadata) -> u32 {
    0
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A small deterministic generator (xorshift), so that a failing run can be repeated with
/// `CHARTER_KILL_SEED`.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound.max(1)
    }
}

/// Files and directories a user keeps in the output directory, which every build must carry
/// over unchanged.
#[cfg(unix)]
fn add_user_files(out: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(out.join("notes/empty")).expect("mkdir");
    std::fs::write(out.join("notes/deploy.md"), "how we deploy\n").expect("write");
    std::fs::write(out.join("azure-policy/OWNERS"), "ai-platform\n").expect("write");
    std::os::unix::fs::symlink("notes/deploy.md", out.join("DEPLOY")).expect("symlink");
    std::fs::set_permissions(out.join("notes"), std::fs::Permissions::from_mode(0o750))
        .expect("chmod");
    std::fs::set_permissions(out, std::fs::Permissions::from_mode(0o751)).expect("chmod");
}

/// Runs charter, failing the test if it has not finished within a minute (a FIFO or a device
/// read without limit never ends).
fn charter_with_deadline(args: &[&str]) -> Output {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run charter");
    // Read both streams while waiting, so that a long report cannot fill a pipe and stall.
    let drain = |stream: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut stream) = stream {
                let _ = stream.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("`charter {}` hangs", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().expect("stdout"),
        stderr: stderr.join().expect("stderr"),
    }
}

/// A copy of the example project, whose test suite passes.
fn example_project(dir: &Path) -> PathBuf {
    let project = dir.join("project");
    copy_tree(&repo().join("examples/contoso"), &project);
    project
}

#[cfg(unix)]
#[test]
fn special_files_as_sources_are_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = example_project(dir.path());
    let fifo = project.join("pipe.charter");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let cases = [
        (fifo.clone(), "a named pipe (FIFO)"),
        (project.join("zero.charter"), "a device"),
        (project.join("random.charter"), "a device"),
    ];
    std::os::unix::fs::symlink("/dev/zero", &cases[1].0).expect("symlink");
    std::os::unix::fs::symlink("/dev/urandom", &cases[2].0).expect("symlink");
    for (file, kind) in &cases {
        for target in [file.as_path(), project.as_path()] {
            let output = charter_with_deadline(&["check", text(target), TODAY]);
            assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
            let message = stderr(&output);
            assert!(
                message.contains(&format!("it is {kind}")) && message.contains("regular file"),
                "{message}"
            );
        }
        std::fs::remove_file(file).expect("remove");
    }
    // Larger than the limit: refused before it is read (the file is sparse).
    let huge = std::fs::File::create(project.join("huge.charter")).expect("create");
    huge.set_len(charter::project::MAX_SOURCE_BYTES + 1)
        .expect("set length");
    let output = charter_with_deadline(&["check", text(&project), TODAY]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("larger than 16 MiB"),
        "{}",
        stderr(&output)
    );
}

#[cfg(unix)]
#[test]
fn special_files_as_test_fixtures_are_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = example_project(dir.path());
    let fixture = project.join("tests/zz.json");
    for device in ["/dev/zero", "/dev/urandom"] {
        std::os::unix::fs::symlink(device, &fixture).expect("symlink");
        let output = charter_with_deadline(&["test", text(&project), TODAY]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("it is a device"),
            "{}",
            stderr(&output)
        );
        std::fs::remove_file(&fixture).expect("remove");
    }
    let made = Command::new("mkfifo")
        .arg(&fixture)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let output = charter_with_deadline(&["test", text(&project), TODAY]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("it is a named pipe (FIFO)"),
        "{}",
        stderr(&output)
    );
    std::fs::remove_file(&fixture).expect("remove");
    let huge = std::fs::File::create(&fixture).expect("create");
    huge.set_len(charter::project::MAX_FIXTURE_BYTES + 1)
        .expect("set length");
    let output = charter_with_deadline(&["test", text(&project), TODAY]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("larger than 32 MiB"),
        "{}",
        stderr(&output)
    );
}

#[cfg(unix)]
#[test]
fn building_into_the_current_directory_replaces_only_charters_entries() {
    // The current directory cannot be swapped for a new one (a shell working in it would be
    // left in the deleted tree), so it is replaced entry by entry: the path a mount point
    // (a container volume) takes too.
    let dir = tempfile::tempdir().expect("temp dir");
    let project = example_project(dir.path());
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("notes/empty")).expect("mkdir");
    std::fs::write(out.join("notes/keep.md"), "mine").expect("write");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_charter"))
            .args(["build", text(&project), "-o", ".", TODAY])
            .current_dir(&out)
            .output()
            .expect("run charter")
    };
    let first = run();
    assert!(first.status.success(), "{}", stderr(&first));
    std::fs::write(out.join("azure-policy/OWNERS"), "mine").expect("write");
    let policy = project.join("policy.charter");
    let source = std::fs::read_to_string(&policy).expect("read");
    std::fs::write(&policy, source.replace("contoso-workload", "contoso-owner")).expect("write");
    let second = run();
    assert!(second.status.success(), "{}", stderr(&second));
    let seen = snapshot(&out);
    assert!(seen.contains_key("notes/empty"));
    assert!(seen.contains_key("notes/keep.md"));
    assert!(seen.contains_key("azure-policy/OWNERS"));
    assert!(std::fs::read_to_string(out.join("manifest.json"))
        .expect("manifest")
        .contains("azure-policy/"));
    let terraform = std::fs::read_to_string(out.join("terraform/policy.tf")).expect("read");
    assert!(
        terraform.contains("contoso-owner"),
        "the second build's output is in place"
    );
    assert!(
        !seen.keys().any(|name| name.starts_with(".charter")),
        "staging left behind: {seen:?}"
    );
}

/// Builds `project` into `out`; fails the test when the build fails.
fn build(project: &Path, out: &Path) {
    let output = charter(&["build", text(project), "-o", text(out), TODAY]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[cfg(unix)]
#[test]
fn a_build_killed_at_any_point_leaves_the_previous_or_the_new_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Two projects whose outputs differ in contents and in their set of files.
    let first = dir.path().join("first");
    let second = dir.path().join("second");
    corpus::write(&first, &corpus::generate(4_000, None)).expect("write a project");
    corpus::write(&second, &corpus::generate(2_000, None)).expect("write a project");

    // The trees a reader may see: either build, with the user's files carried over.
    let mut expected = Vec::new();
    let mut durations = Vec::new();
    for project in [&first, &second] {
        let out = dir.path().join("expected").join(expected.len().to_string());
        build(project, &out);
        add_user_files(&out);
        let started = Instant::now();
        build(project, &out);
        durations.push(started.elapsed());
        expected.push(snapshot(&out));
    }
    assert_ne!(expected[0], expected[1]);

    let home = dir.path().join("home");
    let out = home.join("out");
    build(&first, &out);
    add_user_files(&out);
    assert_eq!(snapshot(&out), expected[0]);

    let seed = std::env::var("CHARTER_KILL_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or(0x5eed_cafe_u64);
    let mut random = Random(seed);
    // The window the kill falls in. The builds were timed while other tests of this binary
    // ran too; when a later build ends before its kill, the machine is less loaded than it was
    // then, and the window shrinks so that later rounds still kill builds mid-way.
    let mut window = durations.iter().max().copied().unwrap_or_default();
    let mut killed_during_a_build = 0;
    for round in 0..24 {
        let project = if round % 2 == 0 { &second } else { &first };
        let mut child = Command::new(env!("CARGO_BIN_EXE_charter"))
            .args(["build", text(project), "-o", text(&out), TODAY])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start a build");
        // Anywhere in the build, more often near its end, where the output is replaced.
        let micros = window.as_micros() as u64;
        let delay = micros / 3 + random.below(micros);
        std::thread::sleep(Duration::from_micros(delay));
        if child.try_wait().expect("poll").is_none() {
            killed_during_a_build += 1;
        } else {
            window = window * 2 / 3;
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        let seen = snapshot(&out);
        assert!(
            seen == expected[0] || seen == expected[1],
            "round {round} (seed {seed}, killed after {delay} µs): the output is neither build:\n{}",
            difference(&seen, &expected[0], &expected[1])
        );
    }
    assert!(
        killed_during_a_build > 0,
        "no build was killed while running"
    );

    // The next build cleans up whatever the killed ones left, and builds at the same time wait
    // for each other.
    let builds: Vec<_> = (0..4)
        .map(|index| {
            let project = if index % 2 == 0 { &first } else { &second };
            Command::new(env!("CARGO_BIN_EXE_charter"))
                .args(["build", text(project), "-o", text(&out), TODAY])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start a build")
        })
        .collect();
    for mut build in builds {
        assert!(build.wait().expect("wait").success());
    }
    let seen = snapshot(&out);
    assert!(seen == expected[0] || seen == expected[1]);
    build(&first, &out);
    assert_eq!(snapshot(&out), expected[0]);
    let left: Vec<String> = std::fs::read_dir(&home)
        .expect("list")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, vec!["out".to_string()], "staging left behind");
}

/// What differs between a tree and the two it should equal, briefly.
fn difference(
    seen: &BTreeMap<String, String>,
    first: &BTreeMap<String, String>,
    second: &BTreeMap<String, String>,
) -> String {
    let mut lines = Vec::new();
    for (name, expected) in [("first", first), ("second", second)] {
        let missing: Vec<&String> = expected.keys().filter(|k| !seen.contains_key(*k)).collect();
        let extra: Vec<&String> = seen.keys().filter(|k| !expected.contains_key(*k)).collect();
        let changed: Vec<&String> = seen
            .iter()
            .filter(|(k, v)| expected.get(*k).is_some_and(|e| e != *v))
            .map(|(k, _)| k)
            .collect();
        lines.push(format!(
            "against the {name} build: missing {missing:?}, extra {extra:?}, changed {changed:?}"
        ));
    }
    lines.join("\n")
}

/// `exit` without `shutdown`: the protocol's exit code is 1 (not the usage-error 2).
#[test]
fn charter_lsp_exits_with_1_after_exit_without_shutdown() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["lsp", "--stdio"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start charter lsp");
    let messages = [
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{},"rootUri":null}}"#,
        r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
        r#"{"jsonrpc":"2.0","method":"exit"}"#,
    ];
    let mut stdin = child.stdin.take().expect("stdin");
    for message in messages {
        let framed = format!("Content-Length: {}\r\n\r\n{message}", message.len());
        stdin.write_all(framed.as_bytes()).expect("write");
    }
    drop(stdin);
    let output = child.wait_with_output().expect("wait");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
}

/// A copy of the example project with one more fixture: a content filter with 16,000
/// entries (the first example case's entries, repeated) that the case wrongly expects to be
/// denied, so that the report explains the evaluation.
fn project_with_a_huge_fixture(dir: &Path) -> PathBuf {
    let project = example_project(dir);
    let cases: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(project.join("tests/content-filters.json")).expect("read"),
    )
    .expect("JSON");
    let mut case = cases[0].clone();
    let filters = case["resource"]["properties"]["contentFilters"]
        .as_array()
        .cloned()
        .expect("content filters");
    let many: Vec<serde_json::Value> = filters.iter().cycle().take(16_000).cloned().collect();
    case["resource"]["properties"]["contentFilters"] = serde_json::Value::Array(many);
    case["expect"] = serde_json::json!("deny");
    case["description"] = serde_json::json!("16,000 content filter entries");
    std::fs::write(project.join("tests/huge.json"), case.to_string()).expect("write");
    project
}

#[test]
fn charter_test_on_a_16000_element_fixture_explains_it_briefly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = project_with_a_huge_fixture(dir.path());
    let output = charter_with_deadline(&["test", text(&project), TODAY]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        report.contains("FAIL") && report.contains("16,000 content filter entries"),
        "{report}"
    );
    assert!(
        report.contains("more members evaluated, not shown"),
        "{report}"
    );
    // Each evaluation shows 20 members (about 80 lines per rule the case meets, 26 rules of
    // the example's initiative); without that, 16,000 members times every rule.
    let lines = report.lines().count();
    let evaluations = report.matches("more members evaluated, not shown").count();
    assert!(
        lines < 100 * evaluations.max(1) + 200,
        "{lines} lines of report for {evaluations} evaluations"
    );
    // Three assignments of the example's policy (production, development, sandbox) each
    // evaluate the case.
    assert!(lines < 3_500, "{lines} lines of report");
}

#[test]
fn control_characters_in_fixture_names_and_descriptions_never_reach_the_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = example_project(dir.path());
    let hostile = "\u{1b}]0;owned\u{7}\u{1b}[2J\rgone";
    let cases: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(project.join("tests/content-filters.json")).expect("read"),
    )
    .expect("JSON");
    let mut case = cases[1].clone();
    case["description"] = serde_json::json!(format!("looks fine{hostile}"));
    case["expect"] = serde_json::json!("compliant");
    case["assignment"] = serde_json::json!(format!("no such{hostile}"));
    std::fs::write(
        project.join(format!("tests/a{hostile}.json")),
        case.to_string(),
    )
    .expect("write");
    let output = charter_with_deadline(&["test", text(&project), TODAY]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = stdout_text(&output);
    assert!(report.contains("looks fine"), "{report}");
    for (stream, name) in [(report.clone(), "stdout"), (stderr(&output), "stderr")] {
        assert!(
            !stream.chars().any(|ch| ch.is_control() && ch != '\n'),
            "{name} carries control characters: {stream:?}"
        );
    }
    // A fixture that does not parse: its name in the error is escaped too.
    std::fs::write(project.join(format!("tests/b{hostile}.json")), "{ not json").expect("write");
    let output = charter_with_deadline(&["test", text(&project), TODAY]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("is not valid JSON"), "{message}");
    assert!(
        !message.chars().any(|ch| ch.is_control() && ch != '\n'),
        "{message:?}"
    );
}

fn stdout_text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}
