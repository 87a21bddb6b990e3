//! What each fixture's build looks like, one document per fixture: `----- SOURCE` (the
//! fixture), then the Terraform files it is about ([`SHOWN`]) under their paths.
//!
//! The policy definitions' JSON inside `policy.tf`'s heredocs is the Azure Policy backend's
//! (snapshotted there, and compared with it for every fixture by [`crate::policy_rules`]):
//! here each heredoc is collapsed to a line count, so the snapshot shows the resources'
//! structure. Every file of every fixture goes through the offline checks
//! ([`crate::terraform`]).

/// The files each fixture is about.
const SHOWN: &[(&str, &[&str])] = &[
    (
        "business_units",
        &["authority.tf", "endpoints.tf", "outputs.tf"],
    ),
    ("content_filter", &["endpoints.tf"]),
    (
        "endpoint",
        &["endpoints.tf", "outputs.tf", "variables.tf", "versions.tf"],
    ),
    ("non_openai_model", &["endpoints.tf"]),
    (
        "operations_external",
        &["budgets.tf", "gateways.tf", "monitoring.tf"],
    ),
    ("policy_scopes", &["policy.tf"]),
    (
        "redundancy_and_budget",
        &["budgets.tf", "endpoints.tf", "versions.tf"],
    ),
];

fn shown(fixture: &str, path: &str) -> bool {
    let shown = SHOWN
        .iter()
        .find(|(name, _)| *name == fixture)
        .unwrap_or_else(|| panic!("add the fixture `{fixture}` to SHOWN"));
    shown
        .1
        .iter()
        .any(|file| path.strip_prefix("terraform/") == Some(file))
}

/// The build's files as one document, as [`crate::render`] writes it, without the files
/// [`shown`] leaves out.
fn document(fixture: &str, project: &charter_ir::Project) -> String {
    let mut out = String::new();
    for artifact in charter_terraform::artifacts(project) {
        if shown(fixture, &artifact.path) {
            out.push_str(&format!("----- {}\n{}\n", artifact.path, artifact.contents));
        }
    }
    out
}

/// The text with each heredoc's body replaced by a line count.
fn collapse_heredocs(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        if line.ends_with("<<-JSON") {
            for (count, inner) in lines.by_ref().enumerate() {
                if inner.trim() == "JSON" {
                    let indent = &inner[..inner.len() - inner.trim_start().len()];
                    out.push_str(&format!("{indent}  … {count} lines of JSON\n{inner}\n"));
                    break;
                }
            }
        }
    }
    out
}

#[test]
fn every_fixture() {
    let fixtures = crate::fixtures();
    assert!(fixtures.len() >= 5, "a fixture per part of the build");
    for fixture in fixtures {
        let document = format!(
            "----- SOURCE\n{}\n{}",
            fixture.text,
            collapse_heredocs(&document(&fixture.name, &fixture.lower()))
        );
        insta::with_settings!({ prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(fixture.name, document);
        });
    }
}
