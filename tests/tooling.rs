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
