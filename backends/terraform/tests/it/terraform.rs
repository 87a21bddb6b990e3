//! The Terraform backend end to end: what the output must hold whatever the input, and the
//! offline checks (azurerm schema, `terraform fmt`, `terraform validate`) on every fixture.

use std::path::{Path, PathBuf};
use std::process::Command;

use charter_ir::*;
use charter_test_support::lower;

use crate::{contoso, fixture, render, section};

/// The `endpoint` fixture with a resource group name full of Terraform template syntax (the
/// checker does not limit names; the HCL writer must escape them).
fn injection_project() -> Project {
    let mut project = fixture("endpoint");
    project.workloads[0].resource_group =
        "rg-${var.secret}-%{ if true }x%{ endif }-\"quoted\"".into();
    project
}

#[test]
fn user_text_cannot_inject_interpolations() {
    let project = injection_project();
    let text = render(&project);
    let endpoints = section(&text, "terraform/endpoints.tf");
    assert!(
        endpoints
            .contains(r#"name     = "rg-$${var.secret}-%%{ if true }x%%{ endif }-\"quoted\"""#),
        "{endpoints}"
    );
}

/// A standby of zero capacity (which the checker refuses, E0208, but the IR can hold) creates
/// the standby region's account and no deployment there.
#[test]
fn a_zero_standby_creates_the_account_but_no_deployment() {
    let mut project = fixture("non_openai_model");
    project.workloads[0].endpoints[0].standby_capacity = Some(0);
    let endpoints = section(&render(&project), "terraform/endpoints.tf");
    assert!(
        endpoints.contains("resource \"azurerm_cognitive_account\" \"w__llama__swedencentral\""),
        "{endpoints}"
    );
    assert!(
        endpoints.contains("\"w__llama__eastus2__deployment\""),
        "{endpoints}"
    );
    assert!(
        !endpoints.contains("\"w__llama__swedencentral__deployment\""),
        "{endpoints}"
    );
}

#[test]
fn empty_project_still_pins_the_provider() {
    let paths: Vec<String> = charter_terraform::artifacts(&Project::default())
        .into_iter()
        .map(|artifact| artifact.path)
        .collect();
    assert_eq!(paths, ["terraform/variables.tf", "terraform/versions.tf"]);
}

#[test]
fn an_exemption_references_the_assignment_at_its_assignment_scope() {
    let project = lower(
        r#"
policy contoso_ai {
  scope: [management_group("contoso-ai-prod"), management_group("contoso-ai-dev")]
  definitions_at: management_group("contoso-ai")
  effect: deny
  regions: ["eastus2"]
  exempt resource_group("rg-ai-sandbox") under management_group("contoso-ai-dev") until 2027-03-31 as waiver "Prompt-engineering sandbox"
}
"#,
    );
    let dev = Scope::ManagementGroup("contoso-ai-dev".into());
    let governance = charter_governance::governance(&project);
    let dev_assignment = governance
        .assignments
        .iter()
        .find(|a| a.scope == dev)
        .expect("an assignment at the dev management group");
    let policy_tf = section(&render(&project), "terraform/policy.tf");
    let exemption = policy_tf
        .split("\nresource ")
        .find(|block| block.starts_with("\"azurerm_resource_group_policy_exemption\""))
        .expect("a resource-group exemption");
    let reference = exemption
        .lines()
        .find(|line| line.trim_start().starts_with("policy_assignment_id"))
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "));
    assert_eq!(
        reference,
        Some(format!(
            "policy_assignment_id = azurerm_management_group_policy_assignment.{}.id",
            dev_assignment.name.replace('-', "_")
        )),
        "{exemption}"
    );
}

// ---------------------------------------------------------------- properties

#[test]
fn artifacts_are_sorted_and_under_terraform() {
    let artifacts = charter_terraform::artifacts(&contoso());
    let paths: Vec<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    for expected in [
        "terraform/budgets.tf",
        "terraform/endpoints.tf",
        "terraform/outputs.tf",
        "terraform/variables.tf",
        "terraform/versions.tf",
    ] {
        assert!(
            paths.contains(&expected),
            "{expected} missing from {paths:?}"
        );
    }
}

#[test]
fn output_is_byte_identical_across_builds() {
    let first = charter_terraform::artifacts(&contoso());
    let second = charter_terraform::artifacts(&contoso().clone());
    assert_eq!(first, second);
}

#[test]
fn addresses_do_not_depend_on_the_order_of_other_workloads() {
    let project = contoso();
    let mut reversed = project.clone();
    reversed.workloads.reverse();
    let addresses = |project: &Project| {
        let mut found: Vec<String> = charter_terraform::artifacts(project)
            .iter()
            .flat_map(|artifact| {
                artifact
                    .contents
                    .lines()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .filter(|line| line.starts_with("resource "))
            .collect();
        found.sort();
        found
    };
    assert_eq!(addresses(&project), addresses(&reversed));
}

// ---------------------------------------------------------------- offline tools

/// Writes a build into a fresh temporary directory and returns it.
#[expect(
    clippy::disallowed_methods,
    reason = "the test writes the files the tools read"
)]
fn write_build(project: &Project, label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "charter-terraform-test-{label}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    for artifact in charter_terraform::artifacts(project) {
        let name = artifact
            .path
            .strip_prefix("terraform/")
            .expect("every artifact is under terraform/");
        std::fs::write(dir.join(name), artifact.contents).expect("write artifact");
    }
    dir
}

fn remove_build(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

/// Every project the offline tools check: each fixture, the bundled example, and the
/// injection project.
fn fixtures() -> Vec<(String, Project)> {
    let mut projects = crate::projects();
    projects.push(("injection".to_owned(), injection_project()));
    projects
}

fn run(command: &mut Command) -> (i32, String) {
    let output = command
        .output()
        .expect("python3 and terraform run from PATH: install python3 to run the Terraform checks");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), text)
}

/// Fails with the install command when a tool reports a missing Python package.
fn require_python_dependency(rc: i32, text: &str, package: &str) {
    if rc == 2 && text.contains("is not installed") {
        panic!(
            "a Python dependency of the Terraform checks is missing: run `pip install '{package}'`\n{text}"
        );
    }
}

#[test]
fn output_matches_the_azurerm_schema() {
    let Some(tool) = charter_test_support::require_shared_tool("tf_schema_check.py") else {
        return;
    };
    let Some(python) = charter_test_support::require_python() else {
        return;
    };
    for (label, project) in fixtures() {
        let dir = write_build(&project, &format!("schema-{label}"));
        let (rc, text) = run(Command::new(&python).arg(&tool).arg(&dir));
        require_python_dependency(rc, &text, "python-hcl2==8.1.4");
        assert_eq!(
            rc, 0,
            "tf_schema_check.py found problems in {label}:\n{text}"
        );
        assert!(text.contains(" 0 problems"), "{text}");
        remove_build(&dir);
    }
}

#[test]
fn terraform_fmt_leaves_the_output_unchanged() {
    if !charter_test_support::require_program("terraform", &["version"]) {
        return;
    }
    for (label, project) in fixtures() {
        let dir = write_build(&project, &format!("fmt-{label}"));
        let (rc, text) = run(Command::new("terraform")
            .args(["fmt", "-check", "-diff", "-no-color"])
            .arg(&dir)
            .env("TF_CLI_CONFIG_FILE", "/dev/null"));
        assert_eq!(rc, 0, "terraform fmt would change {label}:\n{text}");
        remove_build(&dir);
    }
}

#[test]
fn terraform_validate_accepts_the_output() {
    let Some(tool) = charter_test_support::require_shared_tool("tf_offline_validate.py") else {
        return;
    };
    if !charter_test_support::require_program("terraform", &["version"]) {
        return;
    }
    let Some(python) = charter_test_support::require_python() else {
        return;
    };
    for (label, project) in fixtures() {
        let dir = write_build(&project, &format!("validate-{label}"));
        let (rc, text) = run(Command::new(&python).arg(&tool).arg(&dir));
        require_python_dependency(rc, &text, "tf==1.2.0");
        assert_eq!(rc, 0, "terraform validate rejected {label}:\n{text}");
        remove_build(&dir);
    }
}

/// `charter_terraform::address` (what E0803, the proof's findings and the audit of a plan call
/// a resource) names a resource the Terraform declares, for every resource of every fixture's
/// estate and the bundled example's: `TYPE.NAME`, or `TYPE.NAME["key"]` for a `for_each` one.
#[test]
fn every_resource_of_the_estate_is_declared_at_its_address() {
    for (name, project) in crate::projects() {
        let text = crate::render(&project);
        let estate = charter_governance::estate::estate(&project);
        for resource in estate.resources() {
            let address = charter_terraform::address(&resource);
            let (kind, rest) = address
                .split_once('.')
                .unwrap_or_else(|| panic!("{name}: `{address}` has no type"));
            let (block, key) = match rest.split_once('[') {
                Some((block, key)) => (block, Some(key.trim_end_matches(']'))),
                None => (rest, None),
            };
            let declaration = format!("resource \"{kind}\" \"{block}\" {{");
            assert!(
                text.contains(&declaration),
                "{name}: {} `{}` is at `{address}`, which the Terraform does not declare",
                resource.noun,
                resource.id
            );
            if let Some(key) = key {
                assert!(
                    text.contains(key),
                    "{name}: the key {key} of `{address}` is not in the Terraform"
                );
            }
        }
    }
}
