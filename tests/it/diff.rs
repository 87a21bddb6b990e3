//! `charter diff` end to end: a temporary git repository holding examples/contoso, a few
//! commits that each change its meaning in one way (tighten a filter, allow a model, extend an
//! exemption) or not at all (reformat a file, edit a comment), and the classification of each.

use charter_test_support::require_program;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use charter_test_support::TODAY_FLAG as TODAY;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn charter_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run charter")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs git with a fixed identity and clock, so that commit ids (and the snapshots that show
/// them) are the same on every machine.
fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Charter Tests")
        .env("GIT_AUTHOR_EMAIL", "tests@example.org")
        .env("GIT_COMMITTER_NAME", "Charter Tests")
        .env("GIT_COMMITTER_EMAIL", "tests@example.org")
        .env("GIT_AUTHOR_DATE", "2026-11-22T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-11-22T12:00:00Z")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A repository whose first commit holds examples/contoso in `contoso/`.
fn repository() -> Option<tempfile::TempDir> {
    if !require_program("git", &["--version"]) {
        return None;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    git(dir.path(), &["init", "--quiet", "--initial-branch=main"]);
    copy_dir(
        &repo().join("examples/contoso"),
        &dir.path().join("contoso"),
    );
    commit(dir.path(), "the example as it is");
    Some(dir)
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join("contoso").join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "`{from}` is not in {file}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "--all"]);
    git(dir, &["commit", "--quiet", "--message", message]);
}

/// `charter diff HEAD~1 HEAD contoso --format json`: the interface CI drives.
fn last_commit_changes(dir: &Path, extra: &[&str]) -> (Output, Value) {
    let mut args = vec![
        "diff", "HEAD~1", "HEAD", "contoso", "--format", "json", TODAY,
    ];
    args.extend_from_slice(extra);
    let output = charter_in(dir, &args);
    let document: Value = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|error| panic!("one JSON document: {error}\n{}", stderr(&output)));
    (output, document)
}

fn classifications(document: &Value) -> Vec<(String, String)> {
    document["changes"]
        .as_array()
        .map(|changes| {
            changes
                .iter()
                .map(|change| {
                    (
                        change["classification"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                        change["kind"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn each_commit_of_the_history_is_classified() {
    let Some(dir) = repository() else { return };
    let dir = dir.path();

    // Tighten a filter: research agents' prompts block hate from low severity.
    edit(
        dir,
        "filters.charter",
        "  prompt {\n    indirect_attack: block",
        "  prompt {\n    hate: low\n    indirect_attack: block",
    );
    commit(dir, "tighten a filter");
    let (output, document) = last_commit_changes(dir, &["--fail-on", "loosening"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        classifications(&document),
        pairs(&[("tightening", "filter.setting")])
    );
    let change = &document["changes"][0];
    assert_eq!(change["before"], "medium");
    assert_eq!(change["after"], "low");
    assert_eq!(
        change["affects"]["workloads"],
        serde_json::json!(["research"])
    );
    assert_eq!(
        change["affects"]["endpoints"],
        serde_json::json!(["research.reasoning", "research.summarizer_ft"])
    );

    // Allow a model.
    edit(
        dir,
        "policy.charter",
        "    allow \"gpt-5.5\" versions [\"2026-04-24\"]\n",
        "    allow \"gpt-5.5\" versions [\"2026-04-24\"]\n    allow \"gpt-4.1\" versions [\"2025-04-14\"]\n",
    );
    commit(dir, "allow a model");
    let (output, document) = last_commit_changes(dir, &["--fail-on", "loosening"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a loosening change fails the gate"
    );
    assert_eq!(
        classifications(&document),
        pairs(&[("loosening", "policy.allowed_model")])
    );
    assert_eq!(document["fail_on"]["failed"], true);
    assert_eq!(
        document["changes"][0]["affects"]["workloads"],
        serde_json::json!(["support_agents", "research", "customer_support"])
    );

    // Extend an exemption.
    edit(
        dir,
        "policy.charter",
        "until 2027-03-31",
        "until 2027-09-30",
    );
    commit(dir, "extend an exemption");
    let (output, document) = last_commit_changes(dir, &[]);
    assert_eq!(output.status.code(), Some(0), "without --fail-on, exit 0");
    assert_eq!(
        classifications(&document),
        pairs(&[("loosening", "policy.exemption_expiry")])
    );
    assert_eq!(document["changes"][0]["before"], "2027-03-31");
    assert_eq!(document["changes"][0]["after"], "2027-09-30");
    let objects = document["azure_objects"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(objects.len(), 1, "{objects:?}");
    assert_eq!(objects[0]["kind"], "exemption");
    assert_eq!(objects[0]["action"], "update");
    assert_eq!(objects[0]["properties"], serde_json::json!(["expiresOn"]));

    // Widen an exemption to one more rule: a loosening, although only its rules changed.
    edit(
        dir,
        "policy.charter",
        "    public_network,\n  ] owner \"ai-platform@contoso.com\"",
        "    public_network,\n    regions,\n  ] owner \"ai-platform@contoso.com\"",
    );
    commit(dir, "widen an exemption");
    let (output, document) = last_commit_changes(dir, &["--fail-on", "loosening"]);
    assert_eq!(output.status.code(), Some(1), "widening fails the gate");
    assert_eq!(
        classifications(&document),
        pairs(&[("loosening", "policy.exemption_rules")])
    );
    assert_eq!(
        document["changes"][0]["before"],
        "only [local_auth, public_network]"
    );
    assert_eq!(
        document["changes"][0]["after"],
        "only [local_auth, public_network, regions]"
    );

    // Drop `only` from it: every rule is exempted, a loosening too; then narrow it back.
    edit(
        dir,
        "policy.charter",
        " only [\n    local_auth,\n    public_network,\n    regions,\n  ] owner \"ai-platform",
        " owner \"ai-platform",
    );
    commit(dir, "exempt every rule");
    let (_, document) = last_commit_changes(dir, &[]);
    assert_eq!(
        classifications(&document),
        pairs(&[("loosening", "policy.exemption_rules")])
    );
    assert_eq!(document["changes"][0]["after"], "every rule");
    edit(
        dir,
        "policy.charter",
        "Private Link\" owner \"ai-platform",
        "Private Link\" only [local_auth] owner \"ai-platform",
    );
    commit(dir, "narrow the exemption");
    let (_, document) = last_commit_changes(dir, &[]);
    assert_eq!(
        classifications(&document),
        pairs(&[("tightening", "policy.exemption_rules")])
    );

    // Reformat a file and edit a comment: no change in meaning, nothing to publish.
    let policy = dir.join("contoso/policy.charter");
    let text = std::fs::read_to_string(&policy).expect("read");
    // More indentation, wider gaps after colons (not inside strings or doc comments), more
    // blank lines, and a different `//` comment.
    let reformatted: String = text
        .lines()
        .map(|line| {
            let code = !line.contains('"') && !line.trim_start().starts_with("//");
            let line = if code {
                line.replace(": ", ":    ")
            } else {
                line.to_string()
            };
            format!("{}\n", line.replacen("  ", "      ", 1))
        })
        .collect::<String>()
        .replace(
            "// Embeddings change rarely",
            "// Embedding models change rarely",
        )
        .replace("\n\n", "\n\n\n");
    assert_ne!(text, reformatted);
    std::fs::write(&policy, reformatted).expect("write");
    commit(dir, "reformat a file");
    let (output, document) = last_commit_changes(dir, &["--fail-on", "any"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(classifications(&document), pairs(&[]));
    assert_eq!(document["azure_objects"], serde_json::json!([]));
}

/// The whole history at once, in the three formats a person or a pull request reads.
#[test]
fn the_formats_read_as_documents() {
    let Some(dir) = repository() else { return };
    let dir = dir.path();
    edit(
        dir,
        "filters.charter",
        "  prompt {\n    indirect_attack: block",
        "  prompt {\n    hate: low\n    indirect_attack: block",
    );
    edit(
        dir,
        "policy.charter",
        "    allow \"gpt-5.5\" versions [\"2026-04-24\"]\n",
        "    allow \"gpt-5.5\" versions [\"2026-04-24\"]\n    allow \"gpt-4.1\" versions [\"2025-04-14\"]\n",
    );
    edit(
        dir,
        "policy.charter",
        "until 2027-03-31",
        "until 2027-09-30",
    );
    edit(dir, "policy.charter", "effect: deny", "effect: audit");
    edit(
        dir,
        "workloads/support.charter",
        "budget: 2000 USD monthly alert_at [50%, 80%, 100%]",
        "budget: 2500 USD monthly alert_at [80%, 100%]",
    );
    commit(dir, "several changes");
    // Commit ids change whenever examples/contoso does: the snapshots name them by role.
    let ids = Command::new("git")
        .args(["rev-parse", "HEAD~1", "HEAD"])
        .current_dir(dir)
        .output()
        .expect("git rev-parse");
    let ids = String::from_utf8_lossy(&ids.stdout).into_owned();
    let ids: Vec<&str> = ids.lines().collect();
    for format in ["human", "markdown", "json"] {
        let output = charter_in(
            dir,
            &[
                "diff", "HEAD~1", "HEAD", "contoso", "--format", format, TODAY,
            ],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let mut text = stdout(&output);
        for (id, role) in ids.iter().zip(["<base commit>", "<head commit>"]) {
            text = text.replace(id, role).replace(&id[..12], role);
        }
        insta::assert_snapshot!(format!("diff_{format}"), text);
    }
}

#[test]
fn head_defaults_to_the_working_tree_and_path_may_come_second() {
    let Some(dir) = repository() else { return };
    let dir = dir.path();
    edit(
        dir,
        "policy.charter",
        "max_capacity: 200 units",
        "max_capacity: 150 units",
    );
    // Not committed: `charter diff HEAD contoso` compares the commit with the working tree.
    let output = charter_in(dir, &["diff", "HEAD", "contoso", "--format", "json", TODAY]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document: Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(document["head"]["kind"], "working_tree");
    assert_eq!(
        classifications(&document),
        pairs(&[("tightening", "policy.max_capacity")])
    );
    // From inside the project, PATH defaults to the current directory.
    let output = charter_in(
        &dir.join("contoso"),
        &["diff", "HEAD", "--format", "json", TODAY],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document: Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(
        classifications(&document),
        pairs(&[("tightening", "policy.max_capacity")])
    );
}

#[test]
fn two_directories_need_no_git() {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&repo().join("examples/contoso"), &dir.path().join("old"));
    copy_dir(&repo().join("examples/contoso"), &dir.path().join("new"));
    let filters = dir.path().join("new/filters.charter");
    let text = std::fs::read_to_string(&filters).expect("read");
    std::fs::write(
        &filters,
        text.replace("mode: default", "mode: asynchronous"),
    )
    .expect("write");
    let output = charter_in(
        dir.path(),
        &["diff", "old", "new", "--format", "json", TODAY],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document: Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(document["base"]["kind"], "directory");
    // The baseline's mode reaches every filter that extends it.
    let kinds = classifications(&document);
    assert!(!kinds.is_empty());
    assert!(
        kinds
            .iter()
            .all(|(classification, kind)| classification == "loosening" && kind == "filter.mode"),
        "{kinds:?}"
    );
    // A second directory that does not exist is named as such, not asked for again.
    let output = charter_in(dir.path(), &["diff", "old", "missing", TODAY]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`missing` is not a directory"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_project_added_by_the_change_is_compared_with_nothing() {
    let Some(dir) = repository() else { return };
    let dir = dir.path();
    copy_dir(&dir.join("contoso"), &dir.join("second"));
    commit(dir, "a second project");
    let output = charter_in(
        dir,
        &[
            "diff", "HEAD~1", "HEAD", "second", "--format", "json", TODAY,
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("compared with an empty project"),
        "{}",
        stderr(&output)
    );
    let document: Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(document["base"]["exists"], false);
    let kinds = classifications(&document);
    assert!(
        kinds.contains(&("tightening".into(), "policy.added".into())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("neutral".into(), "workload.added".into())),
        "{kinds:?}"
    );
}

#[test]
fn mistakes_are_usage_errors_with_one_json_document() {
    let Some(dir) = repository() else { return };
    let dir = dir.path();
    // An unknown revision.
    let output = charter_in(
        dir,
        &["diff", "no-such-branch", "contoso", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(2));
    let document: Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert!(
        document["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("is not a revision"),
        "{document}"
    );
    // Outside a repository, a revision cannot be read.
    let outside = tempfile::tempdir().expect("temp dir");
    let output = charter_in(outside.path(), &["diff", "main"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not in a git repository"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_version_that_does_not_check_is_reported_not_compared() {
    let Some(dir) = repository() else { return };
    let dir = dir.path();
    edit(dir, "policy.charter", "effect: deny", "effect: forbid");
    let output = charter_in(dir, &["diff", "HEAD", "contoso", TODAY]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("does not check"), "{message}");
    // The diagnostics name the file as it is on disk (the working tree).
    assert!(message.contains("contoso/policy.charter"), "{message}");
}
