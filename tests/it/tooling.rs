//! The repository's own tooling, run as a contributor or CI runs it: the stdlib generator's
//! `--check` and the pre-commit hook definitions.

use charter_test_support::{require_program, require_shared_reference, workspace_root};
use std::process::{Command, Output};

fn generate_check(reference: &std::path::Path, ci: Option<&str>) -> Output {
    let mut command = Command::new("python3");
    command
        .arg(workspace_root().join("stdlib/generate.py"))
        .arg("--check")
        .env("CHARTER_REFERENCE_DIR", reference)
        .env_remove("CI");
    if let Some(ci) = ci {
        command.env("CI", ci);
    }
    command.output().expect("run python3 stdlib/generate.py")
}

#[test]
fn the_stdlib_check_skips_without_the_reference_folder() {
    if !require_program("python3", &["--version"]) {
        return;
    }
    let missing = workspace_root().join("target/no-reference-here");
    let output = generate_check(&missing, None);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(
        stdout.starts_with("SKIPPED: the reference folder "),
        "{stdout}"
    );
}

#[test]
fn the_stdlib_check_fails_without_the_reference_folder_in_ci() {
    if !require_program("python3", &["--version"]) {
        return;
    }
    let missing = workspace_root().join("target/no-reference-here");
    let output = generate_check(&missing, Some("true"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        stderr.contains("cannot be generated without it"),
        "{stderr}"
    );
}

#[test]
fn the_embedded_stdlib_matches_the_reference_folder() {
    let Some(reference) = require_shared_reference("") else {
        return;
    };
    if !require_program("python3", &["--version"]) {
        return;
    }
    let output = generate_check(&reference, Some("true"));
    assert!(
        output.status.success(),
        "stdlib/generate.py --check: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// One hook of `.pre-commit-hooks.yaml`, with the keys pre-commit requires.
struct Hook {
    id: String,
    entry: String,
    pass_filenames: bool,
}

fn hooks() -> Vec<Hook> {
    use yaml_rust2::{Yaml, YamlLoader};
    let text = std::fs::read_to_string(workspace_root().join(".pre-commit-hooks.yaml"))
        .expect("read .pre-commit-hooks.yaml");
    let documents = YamlLoader::load_from_str(&text).expect(".pre-commit-hooks.yaml is YAML");
    let Some(Yaml::Array(list)) = documents.first() else {
        panic!(".pre-commit-hooks.yaml must be a list of hooks");
    };
    list.iter()
        .map(|hook| {
            let text = |key: &str| {
                hook[key]
                    .as_str()
                    .unwrap_or_else(|| panic!("hook without `{key}`: {hook:?}"))
                    .to_string()
            };
            // pre-commit's required keys, and how it finds the files and builds the hook.
            let id = text("id");
            assert!(!text("name").is_empty(), "{id}");
            assert_eq!(text("language"), "rust", "{id}: built with cargo install");
            assert_eq!(text("files"), "\\.charter$", "{id}");
            Hook {
                id,
                entry: text("entry"),
                pass_filenames: hook["pass_filenames"].as_bool().unwrap_or(true),
            }
        })
        .collect()
}

/// Runs a hook as pre-commit does: its `entry` (with the built `charter`) plus the staged
/// `.charter` files, unless `pass_filenames: false`, in the repository's root.
fn run_hook(hook: &Hook, root: &std::path::Path, files: &[&str]) -> Output {
    let mut words = hook.entry.split_whitespace();
    assert_eq!(words.next(), Some("charter"), "{}", hook.id);
    let mut command = Command::new(env!("CARGO_BIN_EXE_charter"));
    command.args(words).current_dir(root).env("NO_COLOR", "1");
    if hook.pass_filenames {
        command.args(files);
    }
    command.output().expect("run the hook")
}

#[test]
fn the_pre_commit_hooks_run_as_pre_commit_runs_them() {
    let hooks = hooks();
    let ids: Vec<&str> = hooks.iter().map(|hook| hook.id.as_str()).collect();
    assert_eq!(ids, ["charter-fmt", "charter-fmt-check", "charter-check"]);
    let messy = "filter   a extends std.filters.default{\nprompt{hate:low}\n}\n";
    let staged = ["a.charter", "b.charter"];

    let fresh = || {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in staged {
            std::fs::write(
                dir.path().join(name),
                messy.replace(" a ", &format!(" {} ", &name[..1])),
            )
            .expect("write");
        }
        dir
    };
    let read = |dir: &tempfile::TempDir, name: &str| {
        std::fs::read_to_string(dir.path().join(name)).unwrap_or_default()
    };

    // charter-fmt rewrites the staged files (pre-commit fails the commit because they changed).
    let repo = fresh();
    let output = run_hook(&hooks[0], repo.path(), &staged);
    assert!(output.status.success(), "{output:?}");
    assert!(read(&repo, "a.charter").starts_with("filter a extends std.filters.default {\n"));
    assert!(read(&repo, "b.charter").starts_with("filter b extends std.filters.default {\n"));

    // charter-fmt-check changes nothing and fails with a diff.
    let repo = fresh();
    let output = run_hook(&hooks[1], repo.path(), &staged);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("+++ b/b.charter"));
    assert_eq!(read(&repo, "a.charter"), messy);

    // charter-check checks the whole project (the repository root) once.
    let output = run_hook(&hooks[2], repo.path(), &staged);
    assert!(output.status.success(), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("(2 files): no problems"));
}
