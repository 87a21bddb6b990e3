//! Runs the independent Azure Policy checker (`azure_policy_check.py`, beside the repository)
//! on the artifacts of every fixture and of the bundled example: the REST bodies with
//! `--form rest`, the ARM templates with the default ARM form. Without the checker the test
//! says SKIPPED, except in CI.

#![expect(
    clippy::disallowed_methods,
    reason = "this test writes the artifacts to a temp dir for the checker; IO is fine in tests"
)]

use std::path::Path;
use std::process::Command;

use crate::snapshots::is_template;

/// Fails with instructions when the provisioned Python cannot import jsonschema.
fn require_jsonschema(python: &Path) {
    let probe = Command::new(python)
        .args(["-c", "import jsonschema"])
        .output();
    match probe {
        Err(error) => panic!(
            "python3 is needed to run azure_policy_check.py ({error}); install Python 3 and \
             `pip install 'jsonschema==4.26.0'`"
        ),
        Ok(output) if !output.status.success() => panic!(
            "python3 cannot import jsonschema; install it with `pip install 'jsonschema==4.26.0'`\n{}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Ok(_) => {}
    }
}

fn write(dir: &Path, artifacts: &[charter_ir::Artifact], keep: impl Fn(&str) -> bool) {
    for artifact in artifacts.iter().filter(|a| keep(&a.path)) {
        let path = dir.join(&artifact.path);
        std::fs::create_dir_all(path.parent().expect("artifact paths have a folder"))
            .expect("create the artifact folder");
        std::fs::write(&path, &artifact.contents).expect("write the artifact");
    }
}

fn check(python: &Path, tool: &Path, dir: &Path, form: &str) -> (bool, String) {
    let output = Command::new(python)
        .arg(tool)
        .args(["--form", form])
        .arg(dir.join("azure-policy"))
        .output()
        .expect("run python3");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn nested_templates(path: &str, contents: &str) -> Vec<charter_ir::Artifact> {
    let template: serde_json::Value = serde_json::from_str(contents).expect("template is JSON");
    let resources = template["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    resources
        .iter()
        .filter(|r| r["type"] == "Microsoft.Resources/deployments")
        .enumerate()
        .map(|(index, deployment)| charter_ir::Artifact {
            path: format!("{}.nested-{index}.json", path.trim_end_matches(".json")),
            contents: serde_json::to_string_pretty(&deployment["properties"]["template"])
                .expect("serialise"),
        })
        .collect()
}

#[test]
fn every_fixture_passes_the_azure_policy_checker() {
    let Some(tool) = charter_test_support::require_shared_tool("azure_policy_check.py") else {
        return;
    };
    let Some(python) = charter_test_support::require_python() else {
        return;
    };
    require_jsonschema(&python);
    let mut failures = Vec::new();
    for (name, project) in crate::projects() {
        let artifacts = charter_azure_policy::artifacts(&project);
        let rest = tempfile::tempdir().expect("temp dir");
        write(rest.path(), &artifacts, |p| !is_template(p));
        let (ok, output) = check(&python, &tool, rest.path(), "rest");
        if !ok {
            failures.push(format!("{name} (REST bodies, --form rest):\n{output}"));
        }
        let arm = tempfile::tempdir().expect("temp dir");
        write(arm.path(), &artifacts, is_template);
        // The checker reads a template's top-level resources only: give it each nested
        // deployment's inner template as a file of its own, beside the outer template, so
        // that their assignments and exemptions are checked (and resolve) too.
        let nested: Vec<charter_ir::Artifact> = artifacts
            .iter()
            .filter(|a| is_template(&a.path))
            .flat_map(|a| nested_templates(&a.path, &a.contents))
            .collect();
        write(arm.path(), &nested, |_| true);
        let (ok, output) = check(&python, &tool, arm.path(), "arm");
        if !ok {
            failures.push(format!("{name} (ARM template):\n{output}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
