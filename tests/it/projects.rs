//! Projects on disk (issue 13): the CLI finds a project by walking up to the nearest
//! `charter.toml`, two projects side by side check independently, ignored folders are left
//! out, and `charter init` makes a project that checks and builds.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn charter(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .arg("--today")
        .arg(charter_test_support::TODAY_TEXT)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("run charter")
}

fn init(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .arg("init")
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run charter init")
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const SHARED: &str = "filter shared extends std.filters.default {\n}\n";
const USES: &str = "filter strict extends shared {\n  prompt { hate: low }\n}\n";

/// Two projects in one folder, each declaring `shared`, with a file deep inside using it and
/// a third `shared` in `out/` and in an ignored folder.
fn two_projects() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for name in ["alpha", "beta"] {
        let root = dir.path().join(name);
        write(
            &root.join("charter.toml"),
            &format!("[project]\nname = \"{name}\"\nignore = [\"drafts\"]\n"),
        );
        write(&root.join("shared.charter"), SHARED);
        write(&root.join("policies/deep/uses.charter"), USES);
        write(&root.join("out/stale.charter"), SHARED);
        write(&root.join("drafts/draft.charter"), SHARED);
    }
    let path = dir.path().to_path_buf();
    (dir, path)
}

#[test]
fn a_file_deep_in_a_project_is_checked_with_its_project_from_anywhere() {
    let (_dir, root) = two_projects();
    for (args, cwd) in [
        (
            vec!["check", "alpha/policies/deep/uses.charter"],
            root.clone(),
        ),
        (vec!["check", "."], root.join("alpha/policies/deep")),
        (
            vec!["check", "uses.charter"],
            root.join("beta/policies/deep"),
        ),
        (vec!["check", "beta"], root.clone()),
    ] {
        let output = charter(&args, &cwd);
        assert!(
            output.status.success(),
            "{args:?} in {cwd:?}: {}",
            stderr(&output)
        );
        // Two files each: `out/` and `drafts/` are not part of the project.
        assert!(
            stderr(&output).contains("(2 files): no problems"),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn a_folder_of_projects_names_them_rather_than_merging_them() {
    let (_dir, root) = two_projects();
    let output = charter(&["check", "."], &root);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("holds 2 projects"), "{text}");
    assert!(text.contains("alpha") && text.contains("beta"), "{text}");
    assert!(!text.contains("E0102"), "{text}");
}

#[test]
fn a_path_inside_an_ignored_folder_is_refused() {
    let (_dir, root) = two_projects();
    let output = charter(&["check", "alpha/drafts/draft.charter"], &root);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("leaves out"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_broken_manifest_is_a_usage_error_naming_its_line() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    write(
        &dir.path().join("charter.toml"),
        "[project]\nowner = \"not-a-guid\"\n",
    );
    write(&dir.path().join("a.charter"), SHARED);
    let output = charter(&["check", "a.charter"], dir.path());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("charter.toml:2:1: invalid `owner`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn init_writes_a_manifest_and_a_starter_that_builds_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let output = init(&["new-project"], dir.path());
    assert!(output.status.success(), "{}", stderr(&output));
    let root = dir.path().join("new-project");
    let manifest = std::fs::read_to_string(root.join("charter.toml")).expect("a manifest");
    let parsed = charter::manifest::parse(&manifest).expect("a valid manifest");
    assert_eq!(parsed.project.name.as_deref(), Some("new-project"));
    let owner = parsed.project.owner.expect("an owner id");
    assert_eq!(owner.len(), 36, "{owner}");
    assert_eq!(
        parsed.azure.cloud,
        Some(charter::manifest::Cloud::AzureCloud)
    );

    let output = charter(&["check", "new-project"], dir.path());
    assert!(output.status.success(), "{}", stderr(&output));
    let output = charter(&["build", "new-project", "-o", "build"], dir.path());
    assert!(output.status.success(), "{}", stderr(&output));

    // A second init changes nothing: the owner id is written once.
    let output = init(&["new-project"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("already initialised"),
        "{}",
        stderr(&output)
    );
    let again = std::fs::read_to_string(root.join("charter.toml")).expect("a manifest");
    assert_eq!(again, manifest);

    // Two inits, two owners.
    let other = init(&["other"], dir.path());
    assert!(other.status.success());
    let other = std::fs::read_to_string(dir.path().join("other/charter.toml")).expect("read");
    assert_ne!(
        charter::manifest::parse(&other)
            .expect("valid")
            .project
            .owner,
        Some(owner)
    );
}
