//! The Terraform backend end to end: snapshots of hand-built projects, determinism, and the
//! offline checks (azurerm schema, `terraform fmt`, `terraform validate`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use charter_ir::*;
use common::*;

/// All files of a build as one document, `----- path` before each file.
fn render(project: &Project) -> String {
    let mut out = String::new();
    for artifact in charter_terraform::artifacts(project) {
        out.push_str(&format!("----- {}\n", artifact.path));
        out.push_str(&artifact.contents);
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------- snapshots

#[test]
fn realistic_project() {
    // The JSON inside the heredocs is the Azure Policy backend's (compared in policy_rules.rs
    // and checked by the tools below); collapsed here so the snapshot shows the structure.
    insta::assert_snapshot!(collapse_heredocs(&render(&realistic())));
}

fn single_region_project() -> Project {
    let mut open = policy("open_ai", vec![Scope::Subscription("research".into())]);
    open.local_auth = None;
    open.public_network = Some(Toggle::Enabled);
    Project {
        policies: vec![open],
        workloads: vec![workload(
            "lab",
            "open_ai",
            "rg-lab",
            vec![endpoint(
                "playground",
                &["eastus2"],
                Redundancy::None,
                filter("std.filters.default", Threshold::Medium, &[]),
            )],
        )],
        filters: Vec::new(),
        ..Default::default()
    }
}

#[test]
fn single_region_endpoint_without_policy_requirements() {
    let project = single_region_project();
    insta::assert_snapshot!(collapse_heredocs(&render(&project)));
}

fn lenient_filter_project() -> Project {
    let mut lenient = filter("lenient", Threshold::High, &[]);
    for setting in &mut lenient.settings {
        if setting.category == Category::Violence && setting.side == Side::Completion {
            setting.level = Level::Severity(Threshold::Off);
        }
        if setting.category == Category::Jailbreak {
            setting.level = Level::Shield(ShieldMode::Off);
        }
    }
    Project {
        policies: vec![policy("p", vec![Scope::ManagementGroup("mg".into())])],
        workloads: vec![workload(
            "w",
            "p",
            "rg-w",
            vec![endpoint("e", &["westeurope"], Redundancy::None, lenient)],
        )],
        filters: Vec::new(),
        ..Default::default()
    }
}

#[test]
fn filter_with_off_and_annotate_levels() {
    let project = lenient_filter_project();
    let text = render(&project);
    let endpoints = section(&text, "terraform/endpoints.tf");
    insta::assert_snapshot!(endpoints);
}

fn named_subscription_project() -> Project {
    let mut w = workload(
        "payments",
        "p",
        "rg-payments",
        vec![endpoint(
            "fraud",
            &["swedencentral", "westeurope"],
            Redundancy::ActivePassive,
            filter("strict", Threshold::Low, &[]),
        )],
    );
    w.subscription = Some("payments-prod".into());
    w.budget = Some(Budget {
        amount: "300".into(),
        currency: "USD".into(),
        period: BudgetPeriod::Annually,
        alert_thresholds: vec![90],
        contacts: Vec::new(),
    });
    Project {
        policies: vec![policy("p", vec![Scope::ManagementGroup("mg".into())])],
        workloads: vec![w],
        filters: Vec::new(),
        ..Default::default()
    }
}

#[test]
fn workload_in_a_named_subscription_uses_an_aliased_provider() {
    let project = named_subscription_project();
    insta::assert_snapshot!(collapse_heredocs(&render(&project)));
}

fn non_openai_project() -> Project {
    let mut e = endpoint(
        "llama",
        &["eastus2", "swedencentral"],
        Redundancy::ActivePassive,
        filter("strict", Threshold::Low, &[]),
    );
    e.model = ModelRef {
        name: "Llama-3.3-70B-Instruct".into(),
        version: "4".into(),
        format: "Meta".into(),
        fine_tuned: None,
    };
    e.standby_capacity = Some(0);
    Project {
        policies: vec![policy("p", vec![Scope::ManagementGroup("mg".into())])],
        workloads: vec![workload("w", "p", "rg-w", vec![e])],
        filters: Vec::new(),
        ..Default::default()
    }
}

#[test]
fn non_openai_model_gets_an_ai_services_account_and_zero_standby_skips_the_deployment() {
    let project = non_openai_project();
    let text = render(&project);
    insta::assert_snapshot!(section(&text, "terraform/endpoints.tf"));
}

fn injection_project() -> Project {
    let mut w = workload(
        "w",
        "p",
        "rg-w",
        vec![endpoint(
            "e",
            &["westeurope"],
            Redundancy::None,
            filter("strict", Threshold::Low, &[]),
        )],
    );
    w.resource_group = "rg-${var.secret}-%{ if true }x%{ endif }-\"quoted\"".into();
    Project {
        policies: vec![policy("p", vec![Scope::ManagementGroup("mg".into())])],
        workloads: vec![w],
        filters: Vec::new(),
        ..Default::default()
    }
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

#[test]
fn empty_project_still_pins_the_provider() {
    let paths: Vec<String> = charter_terraform::artifacts(&Project::default())
        .into_iter()
        .map(|artifact| artifact.path)
        .collect();
    assert_eq!(paths, ["terraform/variables.tf", "terraform/versions.tf"]);
}

fn scopes_project() -> Project {
    let mut local = policy(
        "team_ai",
        vec![
            Scope::ResourceGroup("rg-w".into()),
            Scope::ResourceGroup("rg-shared".into()),
        ],
    );
    local.effect = Effect::Audit;
    local.exemptions = vec![Exemption {
        scope: Scope::ResourceGroup("rg-shared".into()),
        assignment_scope: Scope::ResourceGroup("rg-shared".into()),
        expires: Date {
            year: 2027,
            month: 6,
            day: 30,
        },
        category: ExemptionCategory::Mitigated,
        reason: "Shared group, reviewed by hand".into(),
    }];
    let mut corp = policy("corp_ai", vec![Scope::ManagementGroup("corp".into())]);
    corp.exemptions = vec![Exemption {
        scope: Scope::ManagementGroup("corp-sandbox".into()),
        assignment_scope: Scope::ManagementGroup("corp".into()),
        expires: Date {
            year: 2027,
            month: 1,
            day: 31,
        },
        category: ExemptionCategory::Waiver,
        reason: "Sandbox management group".into(),
    }];
    Project {
        policies: vec![local, corp],
        workloads: vec![workload(
            "w",
            "team_ai",
            "rg-w",
            vec![endpoint(
                "e",
                &["westeurope"],
                Redundancy::None,
                filter("strict", Threshold::Low, &[]),
            )],
        )],
        filters: Vec::new(),
        ..Default::default()
    }
}

#[test]
fn policies_at_resource_group_and_management_group_scopes() {
    let project = scopes_project();
    let text = render(&project);
    insta::assert_snapshot!(collapse_heredocs(&section(&text, "terraform/policy.tf")));
}

#[test]
fn an_exemption_references_the_assignment_at_its_assignment_scope() {
    let prod = Scope::ManagementGroup("contoso-ai-prod".into());
    let dev = Scope::ManagementGroup("contoso-ai-dev".into());
    let mut contoso = policy("contoso_ai", vec![prod, dev.clone()]);
    contoso.definitions_scope = Some(Scope::ManagementGroup("contoso-ai".into()));
    contoso.exemptions = vec![Exemption {
        scope: Scope::ResourceGroup("rg-ai-sandbox".into()),
        assignment_scope: dev.clone(),
        expires: Date {
            year: 2027,
            month: 3,
            day: 31,
        },
        category: ExemptionCategory::Waiver,
        reason: "Prompt-engineering sandbox".into(),
    }];
    let project = Project {
        policies: vec![contoso],
        workloads: Vec::new(),
        filters: Vec::new(),
        ..Default::default()
    };
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

/// The text with each heredoc's body replaced by a line count, so that a snapshot shows the
/// resources' structure (the JSON itself is the Azure Policy backend's, tested there and in
/// `policy_rules.rs`).
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

/// One file's text out of [`render`]'s document.
fn section(text: &str, path: &str) -> String {
    let header = format!("----- {path}\n");
    let start = text
        .find(&header)
        .map(|at| at + header.len())
        .unwrap_or(text.len());
    let end = text[start..]
        .find("\n----- ")
        .map(|at| start + at)
        .unwrap_or(text.len());
    text[start..end].to_string()
}

// ---------------------------------------------------------------- properties

#[test]
fn artifacts_are_sorted_and_under_terraform() {
    let artifacts = charter_terraform::artifacts(&realistic());
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
    let first = charter_terraform::artifacts(&realistic());
    let second = charter_terraform::artifacts(&realistic().clone());
    assert_eq!(first, second);
}

#[test]
fn addresses_do_not_depend_on_the_order_of_other_workloads() {
    let project = realistic();
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

/// Every project the snapshots show, for the offline checks.
fn remove_build(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

fn fixtures() -> Vec<(&'static str, Project)> {
    let mut realistic_named = realistic();
    realistic_named.workloads[0].subscription = Some("support-prod".into());
    vec![
        ("realistic", realistic()),
        ("realistic-named-subscription", realistic_named),
        ("single-region", single_region_project()),
        ("lenient-filter", lenient_filter_project()),
        ("named-subscription", named_subscription_project()),
        ("non-openai", non_openai_project()),
        ("injection", injection_project()),
        ("scopes", scopes_project()),
    ]
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
