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
        found.extend(placeholders(
            path.strip_prefix(out.path()).unwrap_or(path),
            &text,
        ));
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
    for form in [
        "{subscriptionId",
        "subscriptionId_",
        "_subscription_id\"",
        "has no default",
    ] {
        assert!(
            found.iter().any(|f| f.contains(form)),
            "{form} not found in {found:#?}"
        );
    }
    // Without a hierarchy the build says how to remove them.
    let stderr = String::from_utf8_lossy(&output.stderr);
    // A warning, as `charter explain E0910` lists it.
    assert!(stderr.contains("warning[E0910]"), "{stderr}");
    let explained = charter(&["explain", "E0910"]);
    assert!(
        String::from_utf8_lossy(&explained.stdout).contains("warning"),
        "{}",
        String::from_utf8_lossy(&explained.stdout)
    );
    assert!(stderr.contains("management_group"), "{stderr}");
    // With --deny-warnings the same build fails, as a check with a warning does.
    let denied = tempfile::tempdir().expect("a temporary directory");
    let build_denying = |more: &[&str]| {
        let mut args = vec![
            "build",
            dir.path().to_str().expect("a UTF-8 path"),
            "-o",
            denied.path().to_str().expect("a UTF-8 path"),
            "--today",
            "2026-11-22",
            "--deny-warnings",
        ];
        args.extend_from_slice(more);
        charter(&args)
    };
    let output = build_denying(&[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("warning[E0910]"), "{stderr}");
    assert!(
        stderr.contains("error: warning E0910 denied by --deny-warnings"),
        "{stderr}"
    );
    // The JSON report says why the run failed.
    let json = build_denying(&["--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value =
        serde_json::from_slice(&json.stdout).expect("a JSON report on stdout");
    assert_eq!(
        report["error"]["message"],
        "warning E0910 denied by --deny-warnings"
    );
    assert_eq!(report["build"]["warnings"][0]["code"], "E0910");
}

/// An AI account that breaks contoso's region rule, in `subscription`.
fn legacy_account(subscription: &str) -> serde_json::Value {
    serde_json::json!({
        "id": format!("/subscriptions/{subscription}/resourceGroups/rg-legacy-ai/providers/Microsoft.CognitiveServices/accounts/legacy"),
        "name": "legacy",
        "type": "microsoft.cognitiveservices/accounts",
        "kind": "OpenAI",
        "location": "eastus",
        "resourceGroup": "rg-legacy-ai",
        "subscriptionId": subscription,
        "tags": {},
        "properties": { "disableLocalAuth": true, "publicNetworkAccess": "Disabled" }
    })
}

/// `charter audit` places a resource by its subscription id through the hierarchy; `--under`
/// places what the hierarchy does not.
#[test]
fn audit_places_resources_through_the_hierarchy() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let resources = dir.path().join("resources.json");
    // contoso-support-prod (hierarchy.charter), and a subscription the hierarchy does not have.
    let placed = "6c1e9a4f-2b7d-4e3a-9f8c-1d5b7e2a4c90";
    let unknown = "0c9e8d7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f";
    let export = serde_json::json!({
        "count": 2,
        "data": [legacy_account(placed), legacy_account(unknown)]
    });
    std::fs::write(&resources, export.to_string()).expect("write the export");
    let audit = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec![
            "audit",
            "examples/contoso",
            "--today",
            "2026-11-22",
            "--resources",
            resources.to_str().expect("a UTF-8 path"),
            "--format",
            "json",
            "--fail-on",
            "never",
        ];
        args.extend_from_slice(extra);
        let output = Command::new(env!("CARGO_BIN_EXE_charter"))
            .args(&args)
            .current_dir(repo())
            .env("NO_COLOR", "1")
            .output()
            .expect("run charter");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("one JSON document")
    };
    let verdict = |document: &serde_json::Value, subscription: &str| {
        document["resources"]
            .as_array()
            .and_then(|all| {
                all.iter()
                    .find(|r| r["id"].as_str().is_some_and(|id| id.contains(subscription)))
            })
            .map(|r| r["verdict"].as_str().unwrap_or_default().to_string())
            .unwrap_or_default()
    };
    // The assignments that deny a resource.
    let assignments = |document: &serde_json::Value, subscription: &str| -> Vec<String> {
        let mut found: Vec<String> = document["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["id"].as_str().is_some_and(|id| id.contains(subscription)))
            .flat_map(|r| r["rules"].as_array().cloned().unwrap_or_default())
            .filter_map(|rule| rule["assignment"].as_str().map(str::to_string))
            .collect();
        found.sort();
        found.dedup();
        found
    };
    let document = audit(&[]);
    assert_eq!(verdict(&document, placed), "deny", "{document:#}");
    assert_eq!(verdict(&document, unknown), "not_evaluated", "{document:#}");
    let by_hierarchy = assignments(&document, placed);
    assert_eq!(by_hierarchy.len(), 1, "{document:#}");
    // `--under` places the rest, and never moves what the hierarchy places: the production
    // assignment denies the support account, the sandbox's the unknown one.
    let document = audit(&["--under", "contoso-ai-sandbox"]);
    assert_eq!(assignments(&document, placed), by_hierarchy, "{document:#}");
    assert_eq!(verdict(&document, unknown), "deny", "{document:#}");
    let sandbox = assignments(&document, unknown);
    assert_eq!(sandbox.len(), 1, "{document:#}");
    assert_ne!(sandbox, by_hierarchy, "{document:#}");
}
