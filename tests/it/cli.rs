//! End-to-end tests of the `charter` binary: exit codes, output formats, robustness on hostile
//! input, `fmt` and `build` on disk.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn charter(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run charter")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write fixture");
    path
}

use charter_test_support::TODAY_FLAG as TODAY;

#[test]
fn the_example_project_checks_clean() {
    let example = repo().join("examples/contoso");
    let output = charter(&["check", example.to_str().unwrap_or_default(), TODAY]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn the_example_project_is_formatted() {
    let example = repo().join("examples/contoso");
    let output = charter(&["fmt", "--check", example.to_str().unwrap_or_default()]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn invalid_utf8_names_the_file_and_the_byte_offset() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "bad.charter", b"filter a {\n \xff\xfe }\n");
    let output = charter(&["check", file.to_str().unwrap_or_default()]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("bad.charter"), "{message}");
    assert!(message.contains("offset 12"), "{message}");
}

#[test]
fn an_empty_directory_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = charter(&["check", dir.path().to_str().unwrap_or_default()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no `.charter` files"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let output = charter(&["check", "/definitely/not/here.charter"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn hostile_inputs_never_crash() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut junk = Vec::new();
    let mut state: u32 = 0x9E37_79B9;
    for _ in 0..20_000 {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        junk.push((state % 95 + 32) as u8);
    }
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("junk.charter", junk),
        (
            "nested.charter",
            format!("filter a {{ x: {} }}", "[".repeat(10_000)).into_bytes(),
        ),
        ("braces.charter", "{".repeat(10_000).into_bytes()),
        ("closers.charter", "}]) ".repeat(1_000).into_bytes()),
        ("nul.charter", b"policy \0 { }".to_vec()),
        (
            "big.charter",
            "// filler comment line\n".repeat(450_000).into_bytes(),
        ),
    ];
    for (name, contents) in cases {
        let file = write(dir.path(), name, contents);
        let output = charter(&["check", file.to_str().unwrap_or_default(), TODAY]);
        let code = output.status.code();
        assert!(
            matches!(code, Some(0) | Some(1)),
            "{name}: exit {code:?}\n{}",
            stderr(&output)
        );
        let output = charter(&["fmt", "--check", file.to_str().unwrap_or_default()]);
        let code = output.status.code();
        assert!(
            matches!(code, Some(0) | Some(1)),
            "fmt {name}: exit {code:?}\n{}",
            stderr(&output)
        );
    }
}

#[test]
fn json_output_has_diagnostics_and_a_summary() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(
        dir.path(),
        "broken.charter",
        "filter a {\n  prompt {\n    hate: \n  }\n}\n",
    );
    let output = charter(&[
        "check",
        file.to_str().unwrap_or_default(),
        "--format",
        "json",
        TODAY,
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json report");
    let first = &report["diagnostics"][0];
    assert!(
        first["code"].as_str().unwrap_or_default().starts_with('E'),
        "{report}"
    );
    assert!(
        first["start"]["line"].as_u64().unwrap_or(0) >= 1,
        "{report}"
    );
    assert!(
        first["start"]["column"].as_u64().unwrap_or(0) >= 1,
        "{report}"
    );
    assert!(
        report["summary"]["errors"].as_u64().unwrap_or(0) >= 1,
        "{report}"
    );
}

#[test]
fn sarif_output_has_one_rule_per_code() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(
        dir.path(),
        "broken.charter",
        "filter a {\n  prompt {\n    hate: \n  }\n}\n",
    );
    let output = charter(&[
        "check",
        file.to_str().unwrap_or_default(),
        "--format",
        "sarif",
        TODAY,
    ]);
    assert_eq!(output.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("sarif log");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    let count = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), count, "duplicate rule ids");
    let result = &run["results"][0];
    let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(rules[index]["id"], result["ruleId"]);
}

#[test]
fn explain_prints_every_code_and_rejects_unknown_ones() {
    let list = charter(&["explain", "--list"]);
    assert!(list.status.success());
    let codes: Vec<String> = stdout(&list)
        .lines()
        .filter_map(|line| line.split_whitespace().next().map(str::to_string))
        .collect();
    assert!(codes.len() > 20, "{codes:?}");
    for code in &codes {
        let output = charter(&["explain", code]);
        assert!(output.status.success(), "{code}");
        assert!(stdout(&output).contains("Fixed:"), "{code}");
    }
    let unknown = charter(&["explain", "E9999"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn docs_errors_md_is_generated_from_the_code_catalogue() {
    let generated = charter(&["explain", "--markdown"]);
    assert!(generated.status.success());
    let committed = std::fs::read_to_string(repo().join("docs/errors.md")).unwrap_or_default();
    assert!(
        committed == stdout(&generated),
        "docs/errors.md is stale: run `cargo run -- explain --markdown > docs/errors.md`"
    );
}

#[test]
fn fmt_rewrites_files_and_refuses_files_that_do_not_parse() {
    let dir = tempfile::tempdir().expect("temp dir");
    let messy = "filter   a extends std.filters.default{\nprompt{hate:low}\n}\n";
    let file = write(dir.path(), "messy.charter", messy);
    let broken = write(
        dir.path(),
        "broken.charter",
        "filter b {\n  prompt { hate: }\n",
    );

    let output = charter(&["fmt", "--check", dir.path().to_str().unwrap_or_default()]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&file).unwrap_or_default(), messy);

    let output = charter(&["fmt", dir.path().to_str().unwrap_or_default()]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a file that does not parse fails the run"
    );
    let formatted = std::fs::read_to_string(&file).unwrap_or_default();
    assert_ne!(formatted, messy);
    assert!(
        stderr(&output).contains("broken.charter"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(&broken).unwrap_or_default(),
        "filter b {\n  prompt { hate: }\n",
        "a file that does not parse is never touched"
    );

    let again = charter(&["fmt", "--check", file.to_str().unwrap_or_default()]);
    assert!(
        again.status.success(),
        "formatting is idempotent: {}",
        stderr(&again)
    );
}

#[test]
fn build_is_deterministic_and_refuses_on_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let example = repo().join("examples/contoso");
    let first = dir.path().join("first");
    let second = dir.path().join("second");
    for out in [&first, &second] {
        let output = charter(&[
            "build",
            example.to_str().unwrap_or_default(),
            "-o",
            out.to_str().unwrap_or_default(),
            TODAY,
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let manifest_a = std::fs::read_to_string(first.join("manifest.json")).unwrap_or_default();
    let manifest_b = std::fs::read_to_string(second.join("manifest.json")).unwrap_or_default();
    assert!(manifest_a.contains("azure-policy/"), "{manifest_a}");
    assert!(manifest_a.contains("terraform/"), "{manifest_a}");
    assert_eq!(manifest_a, manifest_b, "same sources, same bytes");

    let broken = tempfile::tempdir().expect("temp dir");
    write(
        broken.path(),
        "bad.charter",
        "workload w { governed_by: nowhere }\n",
    );
    let output = charter(&[
        "build",
        broken.path().to_str().unwrap_or_default(),
        "-o",
        first.to_str().unwrap_or_default(),
        TODAY,
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(first.join("manifest.json")).unwrap_or_default(),
        manifest_a,
        "a failed build leaves the previous output intact"
    );
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("list").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

#[test]
fn the_example_test_suite_passes_and_a_weakened_policy_fails_it() {
    let example = repo().join("examples/contoso");
    let output = charter(&["test", example.to_str().unwrap_or_default(), TODAY]);
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).contains(" passed, 0 failed"),
        "{}",
        stdout(&output)
    );

    // Raise the capacity cap to 1000: the case that expects 500 units to be denied must now fail
    // (and the one with 1500 units in its older shape still passes).
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&example, dir.path());
    let policy = dir.path().join("policy.charter");
    let text = std::fs::read_to_string(&policy).unwrap_or_default();
    assert!(
        text.contains("max_capacity: 200 units"),
        "the example's cap moved: update this test"
    );
    std::fs::write(
        &policy,
        text.replace("max_capacity: 200 units", "max_capacity: 1000 units"),
    )
    .expect("write policy");
    let output = charter(&["test", dir.path().to_str().unwrap_or_default(), TODAY]);
    let report = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{report}{}", stderr(&output));
    let failure = report
        .lines()
        .find(|line| line.starts_with("FAIL"))
        .unwrap_or_default();
    assert!(failure.contains("capacity"), "{report}");
    assert!(report.contains("1 failed"), "{report}");
}

/// DESIGN.md section 3, end to end: a project with one of each mistake yields exactly those
/// diagnostics, each pointing at the right place and saying how to fix it.
#[test]
fn the_mistakes_project_reports_each_mistake_once() {
    let output = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["check", "examples/mistakes", TODAY, "--color=never"])
        .current_dir(repo())
        .output()
        .expect("run charter");
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(format!(
        "----- charter check examples/mistakes\n{}",
        stderr(&output)
    ));

    let json = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["check", "examples/mistakes", TODAY, "--format=json"])
        .current_dir(repo())
        .output()
        .expect("run charter");
    let report: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("json");
    let mut codes: Vec<String> = report["diagnostics"]
        .as_array()
        .map(|all| {
            all.iter()
                .filter_map(|d| d["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let total = codes.len();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), total, "a mistake was reported twice: {report}");
}

#[test]
fn a_file_of_a_project_is_checked_with_its_project() {
    // examples/contoso has a `charter.toml`: the workload's file is checked with the policy
    // and filters it refers to.
    let output = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args([
            "check",
            "examples/contoso/workloads/research.charter",
            TODAY,
        ])
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .output()
        .expect("run charter");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("(11 files): no problems"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_file_checked_alone_points_at_its_project() {
    // Without a manifest, a file is checked on its own; its unknown names get a hint.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let example = repo().join("examples/contoso");
    for name in [
        "policy.charter",
        "filters.charter",
        "blocklists.charter",
        "fine-tuned.charter",
    ] {
        std::fs::copy(example.join(name), dir.path().join(name)).expect("copy");
    }
    std::fs::create_dir(dir.path().join("workloads")).expect("mkdir");
    std::fs::copy(
        example.join("workloads/research.charter"),
        dir.path().join("workloads/research.charter"),
    )
    .expect("copy");
    let file = dir.path().join("workloads/research.charter");
    let output = charter(&["check", &file.to_string_lossy(), TODAY]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains(&format!(
            "run `charter check {}` to check them together",
            dir.path().display()
        )),
        "{}",
        stderr(&output)
    );
}

/// Inputs the fuzzing and hostile-input work found (`fuzz/regressions/`): each must check
/// without crashing, and human output stays bounded however many diagnostics there are.
#[test]
fn fuzz_regressions_check_without_crashing() {
    let dir = repo().join("fuzz/regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|path| path.extension().is_some_and(|ext| ext == "charter"));
    files.sort();
    assert!(!files.is_empty(), "no regressions in {}", dir.display());
    for file in files {
        let output = charter(&["check", file.to_str().unwrap_or_default(), TODAY]);
        let code = output.status.code();
        assert!(
            matches!(code, Some(0) | Some(1)),
            "{}: exit {code:?}\n{}",
            file.display(),
            stderr(&output).chars().take(2_000).collect::<String>()
        );
        assert!(
            output.stderr.len() < 20_000_000,
            "{}: {} bytes of diagnostics",
            file.display(),
            output.stderr.len()
        );
    }
}

fn lsp_message(body: &str) -> String {
    format!("Content-Length: {}\r\n\r\n{body}", body.len())
}

/// `charter lsp` as editors start it: VS Code's client adds `--stdio`.
#[test]
fn the_language_server_starts_from_the_cli_and_exits_cleanly() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["lsp", "--stdio"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start charter lsp");
    let messages = [
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{},"rootUri":null}}"#,
        r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
        r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#,
        r#"{"jsonrpc":"2.0","method":"exit"}"#,
    ];
    let mut stdin = child.stdin.take().expect("stdin");
    for message in messages {
        stdin
            .write_all(lsp_message(message).as_bytes())
            .expect("write");
    }
    drop(stdin);
    let output = child.wait_with_output().expect("wait");
    let replies = stdout(&output);
    assert!(output.status.success(), "{replies}\n{}", stderr(&output));
    assert!(replies.contains("\"capabilities\""), "{replies}");
    assert!(replies.contains("\"hoverProvider\""), "{replies}");
}

/// A build says what must exist before its output is deployed: a blocklist another team
/// creates, and subscriptions the REST bodies know only by name. The Terraform reads the
/// external blocklist before the content filter that uses it, and the naming prefix of
/// `charter.toml` reaches the account names.
#[test]
fn build_names_its_prerequisites_and_uses_the_manifest_prefix() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "charter.toml",
        "[project]\nname = \"lab\"\n\n[azure]\nname_prefix = \"fabrikam\"\n",
    );
    write(
        dir.path(),
        "main.charter",
        r#"blocklist "legal-hold" {
  managed: external
}

filter held extends std.filters.default {
  completion { blocklists: ["legal-hold"] }
}

policy guardrails {
  scope: subscription("lab")
  filters: at_least held
}

workload lab {
  governed_by: guardrails
  environment: dev
  subscription: "lab"
  resource_group: "rg-lab"

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: held
    regions: ["swedencentral"]
  }
}
"#,
    );
    let out = dir.path().join("out");
    let output = charter(&[
        "build",
        dir.path().to_str().unwrap_or_default(),
        "-o",
        out.to_str().unwrap_or_default(),
        TODAY,
    ]);
    let messages = stderr(&output);
    assert!(output.status.success(), "{messages}");
    assert!(
        messages.contains(
            "note: blocklist `legal-hold` is managed outside Charter: it must exist in the AI account before `terraform apply` reaches their content filters (fabrikam-lab-chat-swedencentral)"
        ),
        "{messages}"
    );
    assert!(messages.contains("({subscriptionId:lab})"), "{messages}");
    let endpoints = std::fs::read_to_string(out.join("terraform/endpoints.tf")).unwrap_or_default();
    assert!(
        endpoints
            .contains(r#"data "azapi_resource" "lab__chat__swedencentral__blocklist__legal_hold""#),
        "{endpoints}"
    );
    assert!(
        endpoints.contains(
            "depends_on = [data.azapi_resource.lab__chat__swedencentral__blocklist__legal_hold]"
        ),
        "{endpoints}"
    );
    let assignment = std::fs::read_dir(out.join("azure-policy/assignments"))
        .expect("assignments")
        .flatten()
        .map(|entry| std::fs::read_to_string(entry.path()).unwrap_or_default())
        .collect::<String>();
    assert!(
        assignment.contains("/subscriptions/{subscriptionId:lab}/providers/Microsoft.Authorization/policyAssignments/"),
        "{assignment}"
    );

    // A manifest that breaks a rule is a usage error naming the file, line and column.
    write(
        dir.path(),
        "charter.toml",
        "[azure]\nname_prefix = \"Fabrikam_AI\"\n",
    );
    let output = charter(&["check", dir.path().to_str().unwrap_or_default(), TODAY]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("charter.toml:2:1: invalid `name_prefix` `Fabrikam_AI`"),
        "{}",
        stderr(&output)
    );
}
