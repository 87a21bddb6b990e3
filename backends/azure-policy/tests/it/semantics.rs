//! What the compiled governance means, asserted directly (the snapshots show how it reads).

use charter_governance::{governance, SetReference};
use serde_json::json;

use charter_test_support::lower;

use crate::fixture;

/// A policy assigned at two sibling management groups, with its definitions stored at their
/// parent, and a sandbox resource group (whose workload names its subscription) exempted from
/// the dev group's assignment.
const SIBLINGS: &str = r#"
policy contoso_ai {
  scope: [management_group("contoso-ai-prod"), management_group("contoso-ai-dev")]
  definitions_at: management_group("contoso-ai")
  effect: deny
  regions: ["eastus2"]
  exempt resource_group("rg-ai-sandbox") under management_group("contoso-ai-dev") until 2027-01-31 as waiver "Sandbox experiments"
}

workload research_sandbox {
  governed_by: contoso_ai
  environment: sandbox
  resource_group: "rg-ai-sandbox"
  subscription: "11111111-2222-3333-4444-555555555555"
  apps: [lab]

  endpoint embeddings {
    model "text-embedding-3-large" version "1"
    deployment: standard capacity 10
    filter: std.filters.default
    regions: ["eastus2"]
    serves: [lab]
  }
}
"#;

fn reference<'a>(references: &'a [SetReference], id: &str) -> Option<&'a SetReference> {
    references.iter().find(|r| r.reference_id == id)
}

#[test]
fn a_side_the_baseline_turns_off_gets_no_rule() {
    let governance = governance(&fixture("content_filters"));
    let references = &governance.sets[0].references;
    assert!(reference(references, "raiHatePrompt").is_some());
    assert!(reference(references, "raiHateCompletion").is_none());
}

#[test]
fn annotating_shields_do_not_require_blocking() {
    let governance = governance(&fixture("content_filters"));
    let references = &governance.sets[0].references;
    let indirect = reference(references, "raiIndirectAttackPrompt").expect("indirect attack rule");
    assert_eq!(
        indirect.parameters["requireBlocking"],
        json!({ "value": false })
    );
    let jailbreak = reference(references, "raiJailbreakPrompt").expect("jailbreak rule");
    assert_eq!(
        jailbreak.parameters["requireBlocking"],
        json!({ "value": true })
    );
}

#[test]
fn a_medium_baseline_accepts_low_and_medium_thresholds() {
    let governance = governance(&fixture("content_filters"));
    let assignment = &governance.assignments[0];
    assert_eq!(
        assignment.parameters["hatePromptSeverities"],
        json!({ "value": ["Low", "Medium"] })
    );
    assert_eq!(
        assignment.parameters["approvedContentFilters"],
        json!({ "value": ["strict"] })
    );
}

#[test]
fn audit_policies_stay_enforced_in_audit_mode() {
    let governance = governance(&fixture("regions"));
    let assignment = &governance.assignments[0];
    assert_eq!(assignment.enforcement_mode, "Default");
    assert_eq!(assignment.parameters["effect"], json!({ "value": "Audit" }));
}

#[test]
fn messages_and_exemptions_cover_exactly_the_resource_manager_members() {
    for (name, project) in crate::projects() {
        let governance = governance(&project);
        for set in &governance.sets {
            let resource_manager: Vec<&str> = set
                .references
                .iter()
                .filter(|r| r.resource_manager_mode)
                .map(|r| r.reference_id.as_str())
                .collect();
            for assignment in governance.assignments.iter().filter(|a| a.set == set.name) {
                let messages = assignment
                    .non_compliance_messages
                    .as_array()
                    .expect("messages are an array");
                let targets: Vec<&str> = messages
                    .iter()
                    .map(|m| {
                        m["policyDefinitionReferenceId"]
                            .as_str()
                            .expect("every message names its member")
                    })
                    .collect();
                assert_eq!(targets, resource_manager, "{name}: {}", assignment.name);
            }
            for exemption in governance.exemptions.iter().filter(|e| {
                governance
                    .assignments
                    .iter()
                    .any(|a| a.name == e.assignment && a.set == set.name)
            }) {
                // `only [RULES]` limits an exemption to the members its rules make.
                let rules = project
                    .policies
                    .iter()
                    .filter(|policy| policy.name == set.policy)
                    .flat_map(|policy| &policy.exemptions)
                    .find(|source| source.scope == exemption.scope)
                    .map(|source| source.rules.clone())
                    .unwrap_or_default();
                let expected: Vec<&str> = resource_manager
                    .iter()
                    .copied()
                    .filter(|id| {
                        rules.is_empty()
                            || charter_governance::policy_field(id).is_some_and(|field| {
                                rules.iter().any(|r| r.charter_name() == field)
                            })
                    })
                    .collect();
                assert_eq!(
                    exemption.reference_ids, expected,
                    "{name}: {}",
                    exemption.name
                );
            }
        }
    }
}

#[test]
fn each_exemption_exempts_only_the_assignment_at_its_assignment_scope() {
    let project = fixture("scopes");
    let governance = governance(&project);
    // One exemption per clause, each of the assignment the checker resolved, and none of the
    // subscription's assignment, which no clause names.
    assert_eq!(governance.exemptions.len(), 2);
    for (exemption, source) in governance
        .exemptions
        .iter()
        .zip(&project.policies[0].exemptions)
    {
        let assignment = governance
            .assignments
            .iter()
            .find(|a| a.scope == source.assignment_scope)
            .expect("an assignment at the exemption's assignment scope");
        assert_eq!(exemption.assignment, assignment.name);
        assert_eq!(
            exemption.assignment_id,
            format!(
                "{}/providers/Microsoft.Authorization/policyAssignments/{}",
                assignment.scope_id, assignment.name
            )
        );
        assert_eq!(exemption.expires_on, "2026-12-31T23:59:59Z");
        assert_eq!(exemption.category, "Mitigated");
    }
    assert!(governance.exemptions.iter().all(|e| !e
        .assignment_id
        .starts_with("/subscriptions/00000000-0000-0000-0000-000000000002/")));
}

#[test]
fn an_exemption_under_the_second_management_group_exempts_its_assignment() {
    let governance = governance(&lower(SIBLINGS));
    assert_eq!(governance.exemptions.len(), 1);
    let exemption = &governance.exemptions[0];
    let dev_assignment = governance
        .assignments
        .iter()
        .find(|a| a.scope_id.ends_with("/managementGroups/contoso-ai-dev"))
        .expect("assignment at the dev management group");
    assert_eq!(exemption.assignment, dev_assignment.name);
    assert_eq!(
        exemption.assignment_id,
        format!(
            "/providers/Microsoft.Management/managementGroups/contoso-ai-dev\
             /providers/Microsoft.Authorization/policyAssignments/{}",
            dev_assignment.name
        )
    );
}

#[test]
fn a_resource_group_takes_the_subscription_of_its_workload() {
    let governance = governance(&lower(SIBLINGS));
    // The exemption stays at the resource group it exempts, in its workload's subscription.
    assert_eq!(
        governance.exemptions[0].scope_id,
        "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-ai-sandbox"
    );
}

#[test]
fn sibling_management_groups_use_the_initiative_stored_at_their_parent() {
    // `scope: [management_group("contoso-ai-prod"), management_group("contoso-ai-dev")]` with
    // `definitions_at: management_group("contoso-ai")`: Azure assigns an initiative only at or
    // below where it is stored, so both assignments must reference the one at the parent.
    let project = lower(SIBLINGS);
    let parent = "/providers/Microsoft.Management/managementGroups/contoso-ai";
    let set_id = format!(
        "{parent}/providers/Microsoft.Authorization/policySetDefinitions/charter-contoso-ai"
    );
    let governance = governance(&project);
    assert_eq!(governance.sets[0].location.id(), parent);

    let artifacts = charter_azure_policy::artifacts(&project);
    let body = |path: &str| -> serde_json::Value {
        let artifact = artifacts
            .iter()
            .find(|a| a.path == path)
            .unwrap_or_else(|| panic!("{path} is emitted"));
        serde_json::from_str(&artifact.contents).expect("artifacts are JSON")
    };
    let set = body("azure-policy/set-definitions/charter-contoso-ai.json");
    assert_eq!(set["id"], json!(set_id));
    for member in set["properties"]["policyDefinitions"]
        .as_array()
        .expect("members")
    {
        let id = member["policyDefinitionId"].as_str().expect("an id");
        assert!(
            id.starts_with(parent) || id.starts_with("/providers/Microsoft.Authorization/"),
            "custom definitions are stored with the set: {id}"
        );
    }
    assert_eq!(governance.assignments.len(), 2);
    for assignment in &governance.assignments {
        let rest = body(&format!(
            "azure-policy/assignments/{}.json",
            assignment.name
        ));
        assert_eq!(rest["properties"]["policyDefinitionId"], json!(set_id));
    }
    // One template, at the parent group, with a nested deployment per child group whose
    // assignment references the set at the parent by its full id.
    let template = body("azure-policy/template.json").to_string();
    for group in ["contoso-ai-prod", "contoso-ai-dev"] {
        assert!(
            template.contains(&format!("Microsoft.Management/managementGroups/{group}")),
            "a deployment at {group}"
        );
    }
    assert!(template.contains(&set_id), "{template}");
}

/// Issue 13: `only [...]` exempts from those rules' members alone, and the owner and ticket
/// go into the exemption's metadata, in the REST body Azure receives.
#[test]
fn a_per_rule_exemption_names_only_its_rules_members_and_carries_owner_and_ticket() {
    let project = lower(
        r#"
policy guardrails {
  scope: subscription("prod")
  regions: ["swedencentral"]
  local_auth: disabled
  public_network: disabled
  exempt resource_group("rg-lab") until 2027-01-31 as waiver "Lab" only [regions, local_auth] owner "ai-coe@contoso.com" ticket "RISK-1042"
  exempt resource_group("rg-other") until 2027-01-31 as waiver "Other"
}
"#,
    );
    let governance = governance(&project);
    let [limited, whole] = governance.exemptions.as_slice() else {
        panic!("two exemptions: {:?}", governance.exemptions);
    };
    assert_eq!(
        limited.reference_ids,
        ["accountRegions", "localAuthDisabled"]
    );
    assert!(whole.reference_ids.len() > 2, "{:?}", whole.reference_ids);
    assert!(whole
        .reference_ids
        .contains(&"publicNetworkDisabled".to_string()));
    assert_eq!(limited.metadata["owner"], "ai-coe@contoso.com");
    assert_eq!(limited.metadata["ticket"], "RISK-1042");
    assert!(whole.metadata.get("owner").is_none());
    let bodies = charter_azure_policy::rest_bodies(&governance);
    let text = serde_json::to_string(&bodies).expect("serialisable");
    assert!(text.contains("\"RISK-1042\""), "{text}");
}
