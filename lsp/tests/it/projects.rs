//! Several projects in one workspace (issue 13): each file is checked with its own project,
//! the nearest `charter.toml` above it, as the CLI finds it; diagnostics never leak from one
//! project to another; `out/` and the manifest's `ignore` folders are left out; a file opened
//! from a project outside the workspace folders is checked with its whole project.

use std::path::Path;

use serde_json::{json, Value};

use crate::client::{file_uri, Client};

/// A filter every project below declares, so that two projects compiled together would
/// report it declared twice (E0102).
const SHARED: &str = "filter shared extends std.filters.default {\n}\n";
/// Refers to `shared`, declared in another file of the same project.
const USES: &str = "filter strict extends shared {\n  prompt { hate: low }\n}\n";

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write a fixture");
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn two_projects_side_by_side_are_checked_independently() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for name in ["alpha", "beta"] {
        let root = dir.path().join(name);
        write(
            &root.join("charter.toml"),
            &format!("[project]\nname = \"{name}\"\nignore = [\"drafts\"]\n"),
        );
        write(&root.join("shared.charter"), SHARED);
        write(&root.join("policies/uses.charter"), USES);
        // Build output and an ignored folder: a third `shared` in each would clash.
        write(&root.join("out/stale.charter"), SHARED);
        write(&root.join("drafts/draft.charter"), SHARED);
    }
    let mut client = Client::start(Some(dir.path()));
    for name in ["alpha", "beta"] {
        for file in ["shared.charter", "policies/uses.charter"] {
            let uri = file_uri(&dir.path().join(name).join(file));
            let diagnostics = client.diagnostics(&uri);
            assert!(
                diagnostics.is_empty(),
                "{name}/{file}: {:?}",
                codes(&diagnostics)
            );
        }
    }
    // Requests are answered by the document's own project: go to definition of `shared` in
    // beta lands in beta.
    let uses = file_uri(&dir.path().join("beta/policies/uses.charter"));
    let definition = client.result(
        "textDocument/definition",
        json!({"textDocument": {"uri": uses}, "position": {"line": 0, "character": 24}}),
    );
    let target = definition
        .as_array()
        .and_then(|list| list.first())
        .cloned()
        .unwrap_or(definition.clone());
    assert_eq!(
        target["uri"],
        file_uri(&dir.path().join("beta/shared.charter")),
        "{definition}"
    );
    // The ignored files were never checked: nothing was published for them.
    for name in ["alpha", "beta"] {
        for file in ["out/stale.charter", "drafts/draft.charter"] {
            let uri = file_uri(&dir.path().join(name).join(file));
            assert!(
                !client
                    .notifications
                    .iter()
                    .any(|n| n["params"]["uri"] == uri.as_str()),
                "{name}/{file} was checked"
            );
        }
    }
    // An edit that breaks one project shows only in that project.
    let alpha_shared = file_uri(&dir.path().join("alpha/shared.charter"));
    client.open(
        &alpha_shared,
        "filter shared extends std.filters.nope {\n}\n",
    );
    let broken = client.diagnostics_where(&alpha_shared, |d| !d.is_empty());
    assert!(!broken.is_empty());
    let beta_shared = file_uri(&dir.path().join("beta/shared.charter"));
    assert!(
        !client
            .notifications
            .iter()
            .any(|n| n["params"]["uri"] == beta_shared.as_str()
                && n["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| !d.is_empty())),
        "beta got alpha's diagnostics"
    );
    assert!(client.shutdown());
}

#[test]
fn a_file_opened_outside_the_workspace_is_checked_with_its_whole_project() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path().join("project");
    write(&root.join("charter.toml"), "[project]\nname = \"p\"\n");
    write(&root.join("shared.charter"), SHARED);
    write(&root.join("policies/uses.charter"), USES);
    // No workspace folder: the editor opened one file (as Neovim does without a root marker).
    let mut client = Client::start(None);
    let uses = file_uri(&root.join("policies/uses.charter"));
    client.open(&uses, USES);
    // At first `shared` may be unknown (E0101); once the project's root is scanned it is found.
    let settled = client.diagnostics_where(&uses, |d| d.is_empty());
    assert!(settled.is_empty());
    assert!(client.shutdown());
}

#[test]
fn a_broken_manifest_is_shown_and_its_project_still_checked() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    write(
        &dir.path().join("charter.toml"),
        "[project]\nowner = \"not-a-guid\"\n",
    );
    write(&dir.path().join("shared.charter"), SHARED);
    write(&dir.path().join("policies/uses.charter"), USES);
    let mut client = Client::start(Some(dir.path()));
    let message = client.notification("window/showMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.contains("charter.toml:2:1: invalid `owner`"))
    });
    assert!(
        message["message"]
            .as_str()
            .is_some_and(|m| m.contains("checked without its manifest")),
        "{message}"
    );
    let uses = file_uri(&dir.path().join("policies/uses.charter"));
    assert!(client.diagnostics(&uses).is_empty());
    assert!(client.shutdown());
}
