//! The management-group hierarchy end to end: `examples/contoso` declares its hierarchy
//! (`hierarchy.charter`), so its build names every subscription by its id and leaves nothing
//! for the user to fill in; a project without one keeps today's placeholders and is told how
//! to remove them (E0910).

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

/// Every form of placeholder the backends write for a subscription they cannot name:
/// `{subscriptionId}` and `{subscriptionId:NAME}` in the REST bodies
/// (`names::subscription_segment`), `subscriptionId_NAME` parameters and the deployment's own
/// `subscription().id` in the ARM templates (`render.rs`), and in Terraform a
/// `NAME_subscription_id` variable or a subscription variable without a default
/// (`context.rs`).
fn placeholders(path: &Path, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for pattern in [
        "{subscriptionId",
        "subscriptionId_",
        "subscription().id",
        "_subscription_id\"",
    ] {
        if text.contains(pattern) {
            found.push(format!("{}: `{pattern}`", path.display()));
        }
    }
    // A Terraform variable about a subscription that has no default must be given at apply.
    let mut rest = text;
    while let Some(start) = rest.find("variable \"") {
        let block = &rest[start..];
        let end = block.find("\n}").unwrap_or(block.len());
        let variable = &block[..end];
        if variable.contains("subscription") && !variable.contains("default") {
            let name = variable.lines().next().unwrap_or_default();
            found.push(format!("{}: {name} has no default", path.display()));
        }
        rest = &block[end.min(block.len())..];
        if end == block.len() {
            break;
        }
    }
    found
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read the build's output") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn build(project: &Path) -> (tempfile::TempDir, Output) {
    let out = tempfile::tempdir().expect("a temporary directory");
    let output = charter(&[
        "build",
        project.to_str().expect("a UTF-8 path"),
        "-o",
        out.path().to_str().expect("a UTF-8 path"),
        "--today",
        "2026-11-22",
    ]);
    (out, output)
}

#[test]
fn contoso_builds_with_no_placeholder_anywhere() {
    let (out, output) = build(&repo().join("examples/contoso"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut paths = Vec::new();
    files(out.path(), &mut paths);
    assert!(paths.len() > 20, "the build wrote {} files", paths.len());
    let mut found = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("a UTF-8 artifact");
        found.extend(placeholders(path.strip_prefix(out.path()).unwrap_or(path), &text));
    }
    assert!(found.is_empty(), "placeholders:\n{}", found.join("\n"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("E0910"), "{stderr}");
    // The sandbox exemption, once dropped from the ARM template, is in it, in its subscription.
    let template =
        std::fs::read_to_string(out.path().join("azure-policy/template.json")).expect("template");
    assert!(template.contains("contoso-ai-exempt-rg-ai-sandbox"));
    assert!(template.contains("\"subscriptionId\": \"2a6f9d3e-7c1b-4d8a-9e5f-0b3c7a1d6e94\""));
}

#[test]
fn the_placeholder_test_finds_every_form_the_backends_write() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path().join("policy.charter"),
        r#"policy guardrails {
  scope: [subscription("prod"), resource_group("rg-lab")]
  definitions_at: management_group("contoso")
  exempt resource_group("rg-lab") until 2027-01-31 as waiver "Lab experiments"
}
"#,
    )
    .expect("write the project");
    let (out, output) = build(dir.path());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut paths = Vec::new();
    files(out.path(), &mut paths);
    let mut found = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("a UTF-8 artifact");
        found.extend(placeholders(path, &text));
    }
    for form in ["{subscriptionId", "subscriptionId_", "_subscription_id\"", "has no default"] {
        assert!(
            found.iter().any(|f| f.contains(form)),
            "{form} not found in {found:#?}"
        );
    }
    // Without a hierarchy the build says how to remove them.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("E0910"), "{stderr}");
    assert!(stderr.contains("management_group"), "{stderr}");
}
