//! `charter` behaves the way its users' other command-line tools do: `fmt` as formatters are
//! used (several paths, `-` for stdin, `--check` with a diff, symlinks kept), output into a
//! closed pipe or a full disk, colour conventions, `--version`, shell completions and man
//! pages, and one versioned JSON document per invocation.

use charter_test_support::{require_path, skip_or_fail, workspace_root};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use charter_test_support::TODAY_FLAG as TODAY;

/// `charter ARGS` with colour variables cleared, so that the caller's environment cannot leak in.
fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_charter"));
    command
        .args(args)
        .current_dir(workspace_root())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE");
    command
}

fn charter(args: &[&str]) -> Output {
    command(args).output().expect("run charter")
}

/// `charter ARGS < input`.
fn charter_with_stdin(args: &[&str], input: &str) -> Output {
    let mut child = command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run charter");
    let mut stdin = child.stdin.take().expect("stdin");
    // The formatter may exit before reading everything (it never does today); ignore EPIPE.
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    child.wait_with_output().expect("wait for charter")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn path(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

const MESSY: &str = "filter   a extends std.filters.default{\nprompt{hate:low}\n}\n";
const TIDY: &str = "filter a extends std.filters.default {\n  prompt {\n    hate: low\n  }\n}\n";

// ------------------------------------------------------------------------------------ fmt

#[test]
fn fmt_dash_formats_standard_input_to_standard_output() {
    let output = charter_with_stdin(&["fmt", "-"], MESSY);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), TIDY);

    let output = charter_with_stdin(&["fmt", "-"], TIDY);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        TIDY,
        "formatted input comes back unchanged"
    );

    // Editors replace the buffer with stdout: a source that does not parse prints nothing there.
    let output = charter_with_stdin(&["fmt", "-"], "filter b {\n  prompt { hate: }\n");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    assert!(stderr(&output).contains("<stdin>"), "{}", stderr(&output));
}

#[test]
fn fmt_dash_check_prints_a_diff_of_standard_input() {
    let output = charter_with_stdin(&["fmt", "--check", "-"], MESSY);
    assert_eq!(output.status.code(), Some(1));
    let diff = stdout(&output);
    assert!(
        diff.starts_with("--- a/<stdin>\n+++ b/<stdin>\n@@ "),
        "{diff}"
    );
    assert!(diff.contains("\n+  prompt {\n"), "{diff}");

    let output = charter_with_stdin(&["fmt", "--check", "-"], TIDY);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "");
}

#[test]
fn fmt_dash_cannot_be_combined_with_paths() {
    let output = charter_with_stdin(&["fmt", "-", "examples/contoso"], MESSY);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot be combined"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn fmt_check_takes_several_paths_shows_the_diff_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let a = dir.path().join("a.charter");
    let b = dir.path().join("b.charter");
    let tidy = dir.path().join("tidy.charter");
    std::fs::write(&a, MESSY).expect("write a");
    std::fs::write(&b, MESSY.replace("filter   a", "filter   b")).expect("write b");
    std::fs::write(&tidy, TIDY).expect("write tidy");

    let output = charter(&["fmt", "--check", path(&a), path(&b), path(&tidy)]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let diff = stdout(&output);
    for file in [&a, &b] {
        let name = path(file);
        assert!(
            diff.contains(&format!("--- a/{name}\n+++ b/{name}\n")),
            "{diff}"
        );
    }
    assert!(!diff.contains("tidy.charter"), "{diff}");
    assert!(diff.contains("\n-prompt{hate:low}\n"), "{diff}");
    assert!(
        stderr(&output).contains("2 files not formatted"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read_to_string(&a).unwrap_or_default(), MESSY);

    // As pre-commit runs it: several files, rewritten in place; then --check passes.
    let output = charter(&["fmt", path(&a), path(&b), path(&tidy)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&a).unwrap_or_default(), TIDY);
    let output = charter(&["fmt", "--check", path(&a), path(&b)]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(stdout(&output), "");
}

#[test]
fn fmt_check_colours_the_diff_only_when_asked() {
    let output = charter_with_stdin(&["fmt", "--check", "-", "--color=always"], MESSY);
    assert!(
        stdout(&output).contains("\u{1b}[32m+  prompt {"),
        "{:?}",
        stdout(&output)
    );
    let output = charter_with_stdin(&["fmt", "--check", "-"], MESSY);
    assert!(!stdout(&output).contains('\u{1b}'));
}

#[cfg(unix)]
#[test]
fn fmt_writes_through_a_symlink_and_keeps_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("sources")).expect("mkdir");
    let real = dir.path().join("sources/real.charter");
    std::fs::write(&real, MESSY).expect("write");
    let link = dir.path().join("link.charter");
    std::os::unix::fs::symlink("sources/real.charter", &link).expect("symlink");

    let output = charter(&["fmt", path(&link)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let metadata = std::fs::symlink_metadata(&link).expect("link metadata");
    assert!(
        metadata.file_type().is_symlink(),
        "the symlink was replaced"
    );
    assert_eq!(std::fs::read_to_string(&real).unwrap_or_default(), TIDY);
}

#[cfg(unix)]
#[test]
fn fmt_never_renames_over_dev_stdin() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("redirected.charter");
    std::fs::write(&file, MESSY).expect("write");
    let Some(dev_stdin) = require_path(PathBuf::from("/dev/stdin"), "no /dev/stdin here") else {
        return;
    };
    let output = command(&["fmt", path(&dev_stdin)])
        .stdin(std::fs::File::open(&file).expect("open"))
        .output()
        .expect("run charter");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is not a regular file (use `charter fmt -`"),
        "{}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains("Formatted"));
    assert_eq!(std::fs::read_to_string(&file).unwrap_or_default(), MESSY);
    assert!(dev_stdin.exists());
}

/// A directory nothing can be written into, even by root (`chmod` does not stop root;
/// `chattr +i` does on ext4 and XFS). Undone when dropped.
struct Unwritable(PathBuf);

impl Unwritable {
    fn new(directory: &Path) -> Option<Unwritable> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(directory, std::fs::Permissions::from_mode(0o555));
        }
        let guard = Unwritable(directory.to_path_buf());
        if guard.refuses_writes() {
            return Some(guard);
        }
        let _ = Command::new("chattr").arg("+i").arg(directory).output();
        if guard.refuses_writes() {
            return Some(guard);
        }
        skip_or_fail("cannot make a directory unwritable here (not root, or no chattr +i)");
        None
    }

    fn refuses_writes(&self) -> bool {
        let probe = self.0.join(".probe");
        let refused = std::fs::write(&probe, "").is_err();
        let _ = std::fs::remove_file(probe);
        refused
    }
}

impl Drop for Unwritable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).output();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o755));
        }
    }
}

#[test]
fn fmt_reports_a_failed_write_and_never_says_formatted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).expect("mkdir");
    let file = locked.join("messy.charter");
    std::fs::write(&file, MESSY).expect("write");
    let Some(_guard) = Unwritable::new(&locked) else {
        return;
    };
    let output = charter(&["fmt", path(&file)]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(message.contains("error: cannot write"), "{message}");
    assert!(!message.contains("Formatted"), "{message}");
    assert_eq!(std::fs::read_to_string(&file).unwrap_or_default(), MESSY);
}

// -------------------------------------------------------------- pipes, full disks, read errors

/// Every command and format that writes to stdout, with the exit status it has when its
/// reader keeps reading.
fn stdout_commands() -> Vec<Vec<&'static str>> {
    let mut commands: Vec<Vec<&str>> = Vec::new();
    for format in ["human", "json", "sarif"] {
        commands.push(vec![
            "check",
            "examples/mistakes",
            TODAY,
            "--format",
            format,
        ]);
        commands.push(vec!["check", "examples/contoso", TODAY, "--format", format]);
        commands.push(vec!["test", "examples/contoso", TODAY, "--format", format]);
    }
    commands.push(vec![
        "build",
        "examples/mistakes",
        TODAY,
        "--format",
        "json",
        "-o",
        "target/never-written",
    ]);
    commands.push(vec!["explain", "--list"]);
    commands.push(vec!["explain", "--markdown"]);
    commands.push(vec!["explain", "E0101"]);
    commands.push(vec![
        "fmt",
        "--check",
        "examples/mistakes",
        "fuzz/regressions",
    ]);
    commands.push(vec!["completions", "bash"]);
    commands.push(vec!["completions", "zsh"]);
    commands.push(vec!["man"]);
    commands.push(vec!["--help"]);
    commands.push(vec!["--version"]);
    commands
}

#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    for args in stdout_commands() {
        let expected = charter(&args).status.code();
        for close_stderr_too in [false, true] {
            let mut child = command(&args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("run charter");
            // The reader goes away before charter writes anything, as `| head -0` would.
            drop(child.stdout.take());
            if close_stderr_too {
                drop(child.stderr.take());
            }
            let output = child.wait_with_output().expect("wait");
            let message = stderr(&output);
            assert!(!message.contains("panicked"), "{args:?}: {message}");
            assert_ne!(output.status.code(), Some(101), "{args:?}: {message}");
            assert_eq!(output.status.code(), expected, "{args:?}: {message}");
            assert!(!close_stderr_too || message.is_empty());
            assert!(
                close_stderr_too || !message.contains("cannot write"),
                "{args:?}: a closed pipe is not an error: {message}"
            );
        }
    }
}

#[test]
fn a_full_disk_is_a_clear_error_with_exit_2() {
    let Some(full) = require_path(PathBuf::from("/dev/full"), "no /dev/full here") else {
        return;
    };
    let mut commands = stdout_commands();
    commands.push(vec!["fmt", "-"]);
    // Human diagnostics go to stderr: only what writes to stdout can fill the disk.
    commands.retain(|args| !charter_with_stdin(args, MESSY).stdout.is_empty());
    assert!(commands.len() > 10, "{commands:?}");
    for args in commands {
        let sink = std::fs::OpenOptions::new()
            .write(true)
            .open(&full)
            .expect("open /dev/full");
        let mut child = command(&args)
            .stdin(Stdio::piped())
            .stdout(sink)
            .stderr(Stdio::piped())
            .spawn()
            .expect("run charter");
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(MESSY.as_bytes());
        }
        let output = child.wait_with_output().expect("wait");
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
        assert!(
            message.contains("error: cannot write to standard output: No space left on device"),
            "{args:?}: {message}"
        );
        assert!(!message.contains("panicked"), "{args:?}: {message}");
    }
}

#[test]
fn an_unwritable_output_directory_is_exit_2_with_the_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").expect("write");
    let inside_a_file = file.join("out");
    let output = charter(&[
        "build",
        "examples/contoso",
        TODAY,
        "-o",
        path(&inside_a_file),
    ]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(message.contains("error: cannot write `"), "{message}");
    assert!(!message.contains("panicked"), "{message}");

    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).expect("mkdir");
    let Some(_guard) = Unwritable::new(&locked) else {
        return;
    };
    let output = charter(&[
        "build",
        "examples/contoso",
        TODAY,
        "-o",
        path(&locked.join("out")),
    ]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(message.contains("error: cannot write `"), "{message}");
}

#[test]
fn a_read_error_is_exit_2_with_the_reason() {
    // Reading a directory fails (EISDIR) after it was opened: a real read error, not a
    // missing file.
    let dir = tempfile::tempdir().expect("temp dir");
    let output = command(&["fmt", "-"])
        .stdin(std::fs::File::open(dir.path()).expect("open the directory"))
        .output()
        .expect("run charter");
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(
        message.contains("error: cannot read standard input: "),
        "{message}"
    );

    let output = charter(&["check", "/definitely/not/here.charter"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cannot read `/definitely/not/here.charter`"));
}

// ------------------------------------------------------------------------------------ colour

/// Whether `charter check examples/mistakes ARGS` (stderr is a pipe) writes colour.
fn coloured(args: &[&str], environment: &[(&str, &str)]) -> bool {
    let mut command = command(&["check", "examples/mistakes", TODAY]);
    command.args(args);
    for (name, value) in environment {
        command.env(name, value);
    }
    let output = command.output().expect("run charter");
    assert_eq!(output.status.code(), Some(1));
    stderr(&output).contains('\u{1b}')
}

#[test]
fn colour_follows_the_flag_and_the_conventions() {
    assert!(!coloured(&[], &[]), "a pipe gets no colour");
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&[], &[("CLICOLOR_FORCE", "0")]));
    assert!(
        coloured(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")]),
        "an empty NO_COLOR is unset"
    );
    assert!(!coloured(
        &[],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    ));
    assert!(
        coloured(&["--color=always"], &[("NO_COLOR", "1")]),
        "the flag wins"
    );
    assert!(!coloured(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
}

#[test]
fn color_is_accepted_before_and_after_the_subcommand() {
    for args in [
        vec!["--color=always", "check", "examples/mistakes", TODAY],
        vec!["check", "--color=always", "examples/mistakes", TODAY],
        vec!["check", "examples/mistakes", TODAY, "--color", "always"],
    ] {
        let output = charter(&args);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(stderr(&output).contains('\u{1b}'), "{args:?}");
    }
    let output = charter(&["--color", "never", "fmt", "--check", "examples/contoso"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

// ------------------------------------------------------------------ version, completions, man

#[test]
fn version_names_the_embedded_catalog_date() {
    // The date stdlib/generate.py writes into the catalog it generates.
    let script = std::fs::read_to_string(workspace_root().join("stdlib/generate.py"))
        .expect("read stdlib/generate.py");
    let date = script
        .lines()
        .find_map(|line| line.strip_prefix("RESEARCH_DATE = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("RESEARCH_DATE in stdlib/generate.py");
    let output = charter(&["--version"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        format!(
            "charter {} (model catalog as of {date})\n",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn help_names_the_completions_and_man_commands() {
    let help = stdout(&charter(&["--help"]));
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert!(commands.contains(&"completions"), "{help}");
    assert!(commands.contains(&"man"), "{help}");
}

#[test]
fn completions_are_generated_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = charter(&["completions", shell]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{shell}: {}",
            stderr(&output)
        );
        let script = stdout(&output);
        for word in ["charter", "fmt", "completions", "format", "color"] {
            assert!(script.contains(word), "{shell} completions lack `{word}`");
        }
    }
    // Bash can at least parse its script.
    let script = stdout(&charter(&["completions", "bash"]));
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("charter.bash");
    std::fs::write(&file, &script).expect("write");
    if charter_test_support::require_program("bash", &["--version"]) {
        let parsed = Command::new("bash")
            .arg("-n")
            .arg(&file)
            .output()
            .expect("bash -n");
        assert!(parsed.status.success(), "{}", stderr(&parsed));
        // Sourcing it registers the completion function.
        let registered = Command::new("bash")
            .arg("-c")
            .arg(format!("source {} && complete -p charter", path(&file)))
            .output()
            .expect("bash");
        assert!(
            stdout(&registered).contains("charter"),
            "{}",
            stderr(&registered)
        );
    }
}

#[test]
fn the_man_page_describes_every_command() {
    let output = charter(&["man"]);
    assert_eq!(output.status.code(), Some(0));
    let page = stdout(&output);
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH charter 1"),
        "{page}"
    );
    assert!(page.contains(".TH charter 1"), "{page}");
    for command in [
        "check",
        "build",
        "fmt",
        "explain",
        "test",
        "lsp",
        "completions",
        "man",
    ] {
        assert!(
            page.contains(&format!("charter\\-{command}(1)")),
            "{command}: {page}"
        );
    }
    assert!(
        page.contains("NO_COLOR"),
        "the environment section is in the page"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let pages = dir.path().join("man1");
    let output = charter(&["man", "--out-dir", path(&pages)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for name in [
        "charter.1",
        "charter-check.1",
        "charter-fmt.1",
        "charter-completions.1",
    ] {
        let text = std::fs::read_to_string(pages.join(name)).unwrap_or_default();
        assert!(text.contains(".TH charter"), "{name}: {text}");
    }
    let fmt_page = std::fs::read_to_string(pages.join("charter-fmt.1")).unwrap_or_default();
    assert!(fmt_page.contains("\\-\\-check"), "{fmt_page}");
}

// ------------------------------------------------------------------------------------- JSON

/// Parses stdout as exactly one JSON document with the schema and Charter versions.
fn one_document(output: &Output) -> serde_json::Value {
    let text = stdout(output);
    let document: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("not one JSON document ({error}):\n{text}"));
    assert_eq!(document["schema_version"], 1, "{text}");
    assert_eq!(
        document["charter_version"],
        env!("CARGO_PKG_VERSION"),
        "{text}"
    );
    document
}

#[test]
fn every_json_output_is_one_versioned_document() {
    let document = one_document(&charter(&[
        "check",
        "examples/mistakes",
        TODAY,
        "--format=json",
    ]));
    assert!(document["summary"]["errors"].as_u64().unwrap_or(0) > 0);

    let document = one_document(&charter(&[
        "test",
        "examples/contoso",
        TODAY,
        "--format=json",
    ]));
    assert_eq!(document["summary"]["errors"], 0);
    assert!(
        document["tests"]["passed"].as_u64().unwrap_or(0) > 0,
        "{document}"
    );
    assert_eq!(document["tests"]["failed"], 0);

    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let document = one_document(&charter(&[
        "build",
        "examples/contoso",
        TODAY,
        "--format=json",
        "-o",
        path(&out),
    ]));
    assert_eq!(document["build"]["out"], path(&out));
    assert!(
        document["build"]["files"].as_u64().unwrap_or(0) > 5,
        "{document}"
    );

    let output = charter(&[
        "build",
        "examples/mistakes",
        TODAY,
        "--format=json",
        "-o",
        path(&out),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(one_document(&output)["build"], serde_json::Value::Null);

    let output = charter(&["check", "/definitely/not/here", "--format=json"]);
    assert_eq!(output.status.code(), Some(2));
    let document = one_document(&output);
    assert!(
        document["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("cannot read"),
        "{document}"
    );
}

#[test]
fn sarif_output_is_one_document_even_from_test() {
    let output = charter(&["test", "examples/contoso", TODAY, "--format=sarif"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let log: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("one SARIF log");
    assert_eq!(log["version"], "2.1.0");
    assert!(
        stderr(&output).contains("passed, 0 failed"),
        "{}",
        stderr(&output)
    );
}
