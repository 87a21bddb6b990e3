//! The proof finds each kind of conflict: one planted conflict per rule of the initiative, on
//! the example project, and the E08xx examples of `charter explain`.

use super::*;
use charter_compiler::{codes, compile, Document, Options};
use charter_governance::estate::{self, Estate};
use charter_ir::{
    Category, DeploymentType, FilterMode, Level, ShieldMode, Side, Threshold, Toggle,
};
use charter_syntax::FileId;

use charter_test_support::TODAY;

/// examples/contoso, as its files are.
const CONTOSO: &[(&str, &str)] = &[
    (
        "blocklists.charter",
        include_str!("../../examples/contoso/blocklists.charter"),
    ),
    (
        "filters.charter",
        include_str!("../../examples/contoso/filters.charter"),
    ),
    (
        "fine-tuned.charter",
        include_str!("../../examples/contoso/fine-tuned.charter"),
    ),
    (
        "operations.charter",
        include_str!("../../examples/contoso/operations.charter"),
    ),
    (
        "policy.charter",
        include_str!("../../examples/contoso/policy.charter"),
    ),
    (
        "workloads/research.charter",
        include_str!("../../examples/contoso/workloads/research.charter"),
    ),
    (
        "workloads/support.charter",
        include_str!("../../examples/contoso/workloads/support.charter"),
    ),
    (
        "agent-filters.charter",
        include_str!("../../examples/contoso/agent-filters.charter"),
    ),
    (
        "workloads/agents.charter",
        include_str!("../../examples/contoso/workloads/agents.charter"),
    ),
    (
        "hierarchy.charter",
        include_str!("../../examples/contoso/hierarchy.charter"),
    ),
    (
        "business-units.charter",
        include_str!("../../examples/contoso/business-units.charter"),
    ),
];

fn compiled(files: &[(&str, &str)]) -> Compilation {
    let documents = files
        .iter()
        .enumerate()
        .map(|(index, (path, text))| Document {
            id: FileId(index as u32),
            path: (*path).to_string(),
            text: (*text).to_string(),
            is_stdlib: false,
        })
        .collect();
    let mut options = Options::new(TODAY);
    options.naming.prefix = Some("contoso".to_string());
    let mut compilation = compile(documents, &options);
    check(&mut compilation, TODAY);
    compilation
}

fn contoso() -> Project {
    let compilation = compiled(CONTOSO);
    assert!(
        compilation.diagnostics.is_empty(),
        "examples/contoso checks clean: {:?}",
        compilation
            .diagnostics
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
    compilation.project
}

/// The references of the rules that flag anything in `estate` under `project`'s initiative.
fn flagged(project: &Project, estate: &Estate) -> Vec<String> {
    let mut references: Vec<String> = prove_estate(project, estate, TODAY)
        .into_iter()
        .map(|finding| finding.reference_id)
        .collect();
    references.sort();
    references.dedup();
    references
}

/// Plants a conflict by changing the project the estate is built from, and returns what the
/// proof flags.
fn flagged_after(change: impl FnOnce(&mut Project)) -> Vec<String> {
    let project = contoso();
    let mut changed = project.clone();
    change(&mut changed);
    flagged(&project, &estate::estate(&changed))
}

fn first_endpoint(project: &mut Project) -> &mut charter_ir::Endpoint {
    &mut project.workloads[0].endpoints[0]
}

#[test]
fn the_example_project_proves_clean() {
    let project = contoso();
    assert_eq!(
        flagged(&project, &estate::estate(&project)),
        Vec::<String>::new()
    );
    // The proof looked at every resource: accounts, blocklists and items, filters,
    // deployments, resource groups, budgets.
    let resources = estate::estate(&project).resources().len();
    assert!(resources > 60, "{resources} resources");
}

#[test]
fn the_resources_are_listed_in_a_vector_of_their_number() {
    let estate = estate::estate(&contoso());
    let resources = estate.resources();
    // The example has every kind: business units, gateways, monitoring, blocklists.
    assert!(!estate.foundry.is_empty() && !estate.gateways.is_empty());
    assert!(!estate.monitoring.is_empty());
    assert_eq!(resources.capacity(), resources.len());
}

#[test]
fn regions_deploying_the_same_capacity_share_one_payload() {
    let estate = estate::estate(&contoso());
    let deployments = |endpoint: &str| -> Vec<&estate::Deployment> {
        estate
            .accounts
            .iter()
            .filter(|account| account.endpoint == endpoint)
            .filter_map(|account| account.deployment.as_ref())
            .collect()
    };
    // research.charter: `redundancy active_active` in two regions.
    let active = deployments("summarizer_ft");
    assert_eq!(active.len(), 2, "{active:?}");
    assert!(std::sync::Arc::ptr_eq(
        &active[0].payload,
        &active[1].payload
    ));
    // `standby 15` deploys another capacity: its own payload.
    let passive = deployments("reasoning");
    assert_eq!(passive.len(), 2, "{passive:?}");
    assert_ne!(passive[0].capacity, passive[1].capacity);
    assert!(!std::sync::Arc::ptr_eq(
        &passive[0].payload,
        &passive[1].payload
    ));
    assert_eq!(passive[1].payload["sku"]["capacity"], 15);
}

/// Plants `change` and holds the proof (grouped by shapes first) to the findings of grouping by
/// values alone; returns the findings with each finding's resource's payload.
fn same_findings_either_way(change: impl FnOnce(&mut Project)) -> Vec<(Finding, Value)> {
    let project = contoso();
    let mut changed = project.clone();
    change(&mut changed);
    let estate = estate::estate(&changed);
    let findings = prove_estate(&project, &estate, TODAY);
    assert_eq!(
        findings,
        crate::prove_estate_by_values(&project, &estate, TODAY)
    );
    let resources = estate.resources();
    findings
        .into_iter()
        .map(|finding| {
            let payload = resources
                .iter()
                .find(|resource| resource.id == finding.id)
                .map(|resource| resource.payload.clone())
                .unwrap_or_default();
            (finding, payload)
        })
        .collect()
}

#[test]
fn grouping_by_shape_finds_what_grouping_by_value_finds() {
    assert!(same_findings_either_way(|_| {}).is_empty());
    // Every deployment names a filter of its own the policy did not approve: they share a
    // shape, and each finding still shows its own deployment's filter.
    let findings = same_findings_either_way(|p| {
        for (w, workload) in p.workloads.iter_mut().enumerate() {
            for (e, endpoint) in workload.endpoints.iter_mut().enumerate() {
                endpoint.filter.name = format!("unreviewed-{w}-{e}");
            }
        }
    });
    let approvals: Vec<&(Finding, Value)> = findings
        .iter()
        .filter(|(f, _)| f.reference_id == "approvedContentFilter")
        .collect();
    assert!(approvals.len() > 2, "{} findings", approvals.len());
    for (finding, payload) in &approvals {
        let filter = payload["properties"]["raiPolicyName"]
            .as_str()
            .unwrap_or_default();
        assert!(filter.starts_with("unreviewed-"), "{payload}");
        assert!(
            finding.trace.contains(&format!("\"{filter}\"")),
            "the trace of {} shows its own filter `{filter}`: {}",
            finding.id,
            finding.trace
        );
    }
    // Mistakes in one endpoint only, and in several at once.
    assert!(
        !same_findings_either_way(|p| first_endpoint(p).model.version = "2025-08-07".into())
            .is_empty()
    );
    assert!(
        !same_findings_either_way(|p| first_endpoint(p).regions[0] = "westeurope".into())
            .is_empty()
    );
    assert!(!same_findings_either_way(|p| {
        p.workloads[0].endpoints[0].capacity = 61;
        p.workloads[0].endpoints[1].capacity = 201;
        p.policies[0].owner_tag = "team".into();
    })
    .is_empty());
    assert!(!same_findings_either_way(|p| p.policies[0].public_network = None).is_empty());
}

#[test]
fn an_account_without_its_diagnostic_setting_is_caught() {
    let project = contoso();
    let mut estate = estate::estate(&project);
    // The proof sees the gateway and monitoring resources too.
    assert!(!estate.gateways.is_empty() && !estate.monitoring.is_empty());
    let removed = estate.monitoring[0].diagnostic_settings.remove(0);
    let account = estate.accounts[removed.account].id.clone();
    let findings = prove_estate(&project, &estate, TODAY);
    let flagged: Vec<(&str, &str, &str)> = findings
        .iter()
        .map(|f| (f.id.as_str(), f.reference_id.as_str(), f.effect.as_str()))
        .collect();
    assert_eq!(
        flagged,
        [(account.as_str(), "diagnosticLogs", "auditIfNotExists")]
    );
}

#[test]
fn every_region_of_a_routed_endpoint_is_in_its_pool_with_the_same_deployment_name() {
    let project = contoso();
    let estate = estate::estate(&project);
    let mut pools = 0;
    for gateway in &estate.gateways {
        for pool in &gateway.pools {
            pools += 1;
            let accounts: Vec<&estate::Account> = estate
                .accounts
                .iter()
                .filter(|a| a.workload == pool.workload && a.endpoint == pool.endpoint)
                .collect();
            assert_eq!(pool.members.len(), accounts.len(), "{}", pool.name);
            for account in accounts {
                assert!(
                    pool.members.iter().any(|(backend, _, _)| {
                        *backend == charter_governance::operations::backend_name(account)
                    }),
                    "{} lacks {}",
                    pool.name,
                    account.region
                );
                let deployment = account.deployment.as_ref().map(|d| d.name.as_str());
                assert_eq!(deployment, Some(pool.endpoint.as_str()));
            }
            // Active-active: one priority; active-passive: the primary first.
            let endpoint = project
                .workloads
                .iter()
                .flat_map(|w| &w.endpoints)
                .find(|e| e.name == pool.endpoint)
                .map(|e| e.redundancy);
            let priorities: Vec<u32> = pool.members.iter().map(|(_, p, _)| *p).collect();
            match endpoint {
                Some(charter_ir::Redundancy::ActivePassive) => {
                    assert_eq!(priorities[0], 1);
                    assert!(priorities[1..].iter().all(|&p| p == 2));
                }
                _ => assert!(priorities.iter().all(|&p| p == 1)),
            }
        }
    }
    assert_eq!(pools, 5, "support's three endpoints and research's two");
}

#[test]
fn a_diagnostic_setting_on_another_resource_does_not_count() {
    let project = contoso();
    let mut estate = estate::estate(&project);
    let setting = &mut estate.monitoring[0].diagnostic_settings[0];
    setting.id = setting.id.replace("/accounts/", "/accounts/elsewhere-");
    assert_eq!(flagged(&project, &estate), ["diagnosticLogs"]);
}

#[test]
fn a_model_version_the_policy_does_not_allow_is_caught() {
    assert_eq!(
        flagged_after(|p| first_endpoint(p).model.version = "2025-08-07".into()),
        ["allowedModels"]
    );
}

#[test]
fn a_filter_the_policy_did_not_approve_is_caught() {
    assert_eq!(
        flagged_after(|p| first_endpoint(p).filter.name = "unreviewed".into()),
        ["approvedContentFilter"]
    );
}

#[test]
fn a_weaker_harm_threshold_is_caught() {
    let flagged = flagged_after(|p| {
        for setting in &mut first_endpoint(p).filter.settings {
            if setting.side == Side::Completion && setting.category == Category::Violence {
                setting.level = Level::Severity(Threshold::High);
            }
        }
    });
    assert_eq!(flagged, ["raiViolenceCompletion"]);
}

#[test]
fn a_tool_response_shield_left_out_is_caught() {
    let flagged = flagged_after(|p| {
        first_endpoint(p).filter.settings.retain(|setting| {
            !(setting.side == Side::ToolResponse && setting.category == Category::IndirectAttack)
        });
    });
    assert_eq!(flagged, ["raiIndirectAttackPostToolCall"]);
}

#[test]
fn a_tool_response_shield_without_action_is_caught() {
    let flagged = flagged_after(|p| {
        for setting in &mut first_endpoint(p).filter.settings {
            if setting.side == Side::ToolResponse && setting.category == Category::IndirectAttack {
                setting.level = Level::Shield(ShieldMode::Off);
            }
        }
    });
    assert_eq!(flagged, ["raiIndirectAttackPostToolCall"]);
}

#[test]
fn a_safety_provider_the_minimum_calls_is_caught_where_it_is_missing() {
    let mut project = contoso();
    let minimum = project.policies[0]
        .minimum_filter
        .as_mut()
        .expect("the example has a minimum filter");
    minimum
        .safety_providers
        .push(charter_ir::SafetyProviderUse {
            name: "contoso-dlp".into(),
            side: Side::ToolCall,
        });
    let estate = estate::estate(&project);
    let findings = prove_estate(&project, &estate, TODAY);
    // Every content filter but the triage agent's, which calls the provider.
    assert!(findings
        .iter()
        .all(|f| f.reference_id == "raiSafetyProvider1"));
    let agent_filter_flagged = findings
        .iter()
        .any(|f| f.id.contains("triage-agent") && f.id.contains("raiPolicies"));
    assert!(!agent_filter_flagged);
    assert!(!findings.is_empty());
}

#[test]
fn a_shield_turned_off_is_caught() {
    let flagged = flagged_after(|p| {
        for setting in &mut first_endpoint(p).filter.settings {
            if setting.category == Category::Jailbreak {
                setting.level = Level::Shield(ShieldMode::Off);
            }
        }
    });
    assert_eq!(flagged, ["raiJailbreakPrompt"]);
}

#[test]
fn a_missing_blocklist_is_caught_per_side() {
    let flagged = flagged_after(|p| {
        first_endpoint(p)
            .filter
            .blocklists
            .retain(|b| b.side == Side::Prompt)
    });
    assert_eq!(flagged, ["raiBlocklist2"]);
    let flagged = flagged_after(|p| first_endpoint(p).filter.blocklists.clear());
    assert_eq!(flagged, ["raiBlocklist1", "raiBlocklist2"]);
}

#[test]
fn an_asynchronous_filter_is_caught() {
    assert_eq!(
        flagged_after(|p| first_endpoint(p).filter.mode = FilterMode::Asynchronous),
        ["raiMode"]
    );
}

#[test]
fn a_region_the_policy_does_not_allow_is_caught() {
    assert_eq!(
        flagged_after(|p| first_endpoint(p).regions[0] = "westeurope".into()),
        ["accountRegions"]
    );
}

#[test]
fn capacity_over_either_cap_is_caught() {
    // The research workload's first endpoint is provisioned, the second pay-per-token.
    assert_eq!(
        flagged_after(|p| p.workloads[0].endpoints[0].capacity = 61),
        ["provisionedCapacity"]
    );
    assert_eq!(
        flagged_after(|p| p.workloads[0].endpoints[1].capacity = 201),
        ["deploymentCapacity"]
    );
}

#[test]
fn a_deployment_type_the_policy_does_not_allow_is_caught() {
    assert_eq!(
        flagged_after(
            |p| p.workloads[1].endpoints[0].deployment_type = DeploymentType::GlobalStandard
        ),
        // Customer support's data is confidential, which forbids global processing too.
        ["classifiedNoGlobalDeployments", "deploymentTypes"]
    );
}

#[test]
fn keys_public_access_and_a_missing_owner_tag_are_caught() {
    assert_eq!(
        flagged_after(|p| p.policies[0].local_auth = Some(Toggle::Enabled)),
        ["localAuthDisabled"]
    );
    assert_eq!(
        flagged_after(|p| p.policies[0].public_network = None),
        // Both workloads' data is classified internal or above, which requires it too.
        ["classifiedPrivateNetwork", "publicNetworkDisabled"]
    );
    assert_eq!(
        flagged_after(|p| p.policies[0].owner_tag = "team".into()),
        ["ownerTag"]
    );
}

#[test]
fn a_deployment_that_upgrades_itself_is_caught() {
    let project = contoso();
    let mut estate = estate::estate(&project);
    let deployment = estate.accounts[0]
        .deployment
        .as_mut()
        .expect("the first account has a deployment");
    std::sync::Arc::make_mut(&mut deployment.payload)["properties"]["versionUpgradeOption"] =
        "OnceNewDefaultVersionAvailable".into();
    assert_eq!(flagged(&project, &estate), ["noAutoUpgrade"]);
    let deployment = estate.accounts[0].deployment.as_mut().expect("still there");
    if let Some(properties) =
        std::sync::Arc::make_mut(&mut deployment.payload)["properties"].as_object_mut()
    {
        properties.remove("versionUpgradeOption");
    }
    assert_eq!(flagged(&project, &estate), ["noAutoUpgrade"]);
}

#[test]
fn findings_point_at_the_source_that_caused_them() {
    let compilation = compiled(CONTOSO);
    let mut changed = compilation.project.clone();
    first_endpoint(&mut changed).filter.mode = FilterMode::Asynchronous;
    let findings = prove_estate(&compilation.project, &estate::estate(&changed), TODAY);
    let finding = findings.first().expect("a finding");
    let diagnostic = finding
        .diagnostic(&compilation.symbols)
        .expect("a diagnostic at the source");
    assert_eq!(diagnostic.code, DENIED);
    let document = &compilation.documents[diagnostic.primary.span.file.0 as usize];
    assert_eq!(document.path, "filters.charter");
    assert_eq!(
        &document.text[diagnostic.primary.span.range()],
        "research_agents"
    );
    assert!(
        diagnostic.message.contains("RAI policy `research_agents`"),
        "{}",
        diagnostic.message
    );
    assert!(
        diagnostic.notes.iter().any(|note| note
            .contains("azapi_resource.foundry__research_lab__eastus2__filter__research_agents")),
        "{:?}",
        diagnostic.notes
    );
}

#[test]
fn the_build_codes_examples_trigger_exactly_their_code() {
    let mut failures = Vec::new();
    for info in codes::BUILD {
        let failing = compiled(&[("example.charter", info.failing_example)]);
        let mut found: Vec<&str> = failing.diagnostics.iter().map(|d| d.code).collect();
        found.dedup();
        if found != [info.code] {
            failures.push(format!("{}: failing example reports {found:?}", info.code));
        }
        let fixed = compiled(&[("example.charter", info.fixed_example)]);
        if !fixed.diagnostics.is_empty() {
            let found: Vec<&str> = fixed.diagnostics.iter().map(|d| d.code).collect();
            failures.push(format!("{}: fixed example reports {found:?}", info.code));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn classified_resources_that_break_their_level_are_caught() {
    // Research (internal) raised to restricted: its filter is weaker than the level's minimum.
    assert_eq!(
        flagged_after(|p| p.workloads[0].classification = Some("restricted".into())),
        ["classifiedContentFilter4"]
    );
    // Public network access on accounts holding internal data, the policy still disabling it
    // for everyone else.
    assert_eq!(
        flagged_after(|p| p.workloads[0].public_network = Some(Toggle::Enabled)),
        ["classifiedPrivateNetwork", "publicNetworkDisabled"]
    );
    // A global deployment of confidential customer data.
    let flagged = flagged_after(|p| {
        p.workloads[1].endpoints[0].deployment_type = DeploymentType::GlobalStandard;
    });
    assert!(
        flagged.contains(&"classifiedNoGlobalDeployments".to_string()),
        "{flagged:?}"
    );
}

#[test]
fn role_assignments_are_part_of_the_estate() {
    let project = contoso();
    let estate = estate::estate(&project);
    let assignments: Vec<(&str, &str)> = estate
        .role_assignments
        .iter()
        .map(|a| (a.role.name, a.workloads[0].as_str()))
        .collect();
    assert_eq!(
        assignments,
        [
            ("Cognitive Services Contributor", "research"),
            ("Cognitive Services OpenAI User", "research"),
            ("Cognitive Services Contributor", "customer_support"),
            ("Cognitive Services OpenAI User", "customer_support"),
        ]
    );
    // Both support workloads are managed by one group, on their business unit's resource
    // group: each role once, for both.
    assert_eq!(
        estate.role_assignments[2].workloads,
        ["customer_support", "support_agents"]
    );
    assert!(estate.role_assignments[2]
        .id
        .contains("/resourceGroups/rg-foundry-customer-service/"));
    assert_eq!(
        estate
            .resources()
            .iter()
            .filter(|r| r.noun == "role assignment"
                && matches!(
                    r.origin,
                    charter_governance::estate::Origin::Authority { .. }
                ))
            .count(),
        assignments.len()
    );
}

#[test]
fn a_business_units_foundry_resource_is_governed_like_any_account() {
    let project = contoso();
    let mut estate = estate::estate(&project);
    // Contoso's workloads are projects of their business units' Foundry resources.
    assert!(!estate.foundry.is_empty());
    assert!(estate.foundry.iter().all(|f| !f.projects.is_empty()));
    // Keys turned on in one Foundry resource are caught, as in any account.
    estate.foundry[0].payload["properties"]["disableLocalAuth"] = serde_json::json!(false);
    let findings = prove_estate(&project, &estate, TODAY);
    assert!(
        findings.iter().any(|f| f.id == estate.foundry[0].id),
        "{:?}",
        findings
            .iter()
            .map(|f| (&f.id, &f.reference_id))
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_business_units_resource_keeps_the_strictest_network_and_the_most_sensitive_level() {
    let project = contoso();
    let estate = estate::estate(&project);
    for foundry in &estate.foundry {
        let properties = &foundry.payload["properties"];
        assert_eq!(properties["allowProjectManagement"], true);
        assert_eq!(foundry.payload["kind"], "AIServices");
        assert_eq!(foundry.payload["identity"]["type"], "SystemAssigned");
        assert_eq!(properties["publicNetworkAccess"], "Disabled");
    }
    let support = estate
        .foundry
        .iter()
        .find(|f| f.business_unit == "customer_service" && f.region == "swedencentral")
        .expect("customer service has a resource in Sweden Central");
    assert_eq!(
        support.payload["tags"]["charter-data-classification"],
        "confidential"
    );
    // Two projects share it, each with its workload's tags.
    let projects: Vec<&str> = support.projects.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(projects, ["customer-support", "support-agents"]);
    // Every deployment of its workloads lives in it, once per endpoint.
    let deployments: Vec<&str> = estate
        .accounts
        .iter()
        .filter(|a| a.foundry.is_some() && a.id == support.id)
        .filter_map(|a| a.deployment.as_ref().map(|d| d.id.as_str()))
        .collect();
    assert!(deployments.len() >= 3, "{deployments:?}");
    assert!(deployments.iter().all(|id| id.starts_with(&support.id)));
}

/// A workload outside any business unit, with one endpoint in two regions: two accounts in one
/// resource group, the first exempted from the key rule by a resource-level exemption.
const ONE_ACCOUNT_EXEMPT: &str = r#"
management_group "contoso" {
  management_group "contoso-prod" {
    environment: prod
    subscription "shop-prod" {
      id: "1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71"
      resource_groups: ["rg-shop"]
    }
  }
}
policy guardrails {
  scope: management_group("contoso-prod")
  regions: ["swedencentral", "germanywestcentral"]
  local_auth: disabled
  exempt resource(resource_group("rg-shop"), "Microsoft.CognitiveServices/accounts", "contoso-shop-chat-swedencentral") until 2027-06-30 as waiver "A legacy client needs keys" only [local_auth] ticket "RISK-1"
}
workload shop {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-shop"
  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: data_zone_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral", "germanywestcentral"] redundancy active_active
  }
}
"#;

#[test]
fn a_resource_level_exemption_exempts_that_resource_only() {
    let compilation = compiled(&[("main.charter", ONE_ACCOUNT_EXEMPT)]);
    assert!(
        !compilation.has_errors(),
        "{:?}",
        compilation
            .diagnostics
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
    let project = compilation.project;
    assert_eq!(project.policies[0].exemptions.len(), 1);
    // Planted: the accounts are built as if the policy allowed keys.
    let mut keys_allowed = project.clone();
    keys_allowed.policies[0].local_auth = None;
    let estate = estate::estate(&keys_allowed);
    let flagged_accounts = |project: &Project| -> Vec<String> {
        let mut ids: Vec<String> = prove_estate(project, &estate, TODAY)
            .into_iter()
            .filter(|finding| finding.reference_id == "localAuthDisabled")
            .map(|finding| finding.name)
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    // Without the exemption both accounts are caught...
    let mut unexempted = project.clone();
    unexempted.policies[0].exemptions.clear();
    assert_eq!(
        flagged_accounts(&unexempted),
        [
            "contoso-shop-chat-germanywestcentral",
            "contoso-shop-chat-swedencentral"
        ]
    );
    // ...with it, only the account it does not name, in the same resource group.
    assert_eq!(
        flagged_accounts(&project),
        ["contoso-shop-chat-germanywestcentral"]
    );
}

/// Two endpoints whose names fold to one account name and one set of Terraform addresses.
fn folding_endpoints() -> String {
    let endpoint = |name: &str| {
        format!(
            "  endpoint {name} {{\n    model \"gpt-5.6-sol\" version \"2026-07-09\"\n    deployment: global_standard capacity 10\n    filter: std.filters.default\n    regions: [\"swedencentral\"]\n  }}\n"
        )
    };
    format!(
        "policy guardrails {{\n  scope: subscription(\"prod\")\n}}\n\nworkload a__b {{\n  governed_by: guardrails\n  environment: prod\n  resource_group: \"rg-one\"\n{}}}\n\nworkload a {{\n  governed_by: guardrails\n  environment: prod\n  resource_group: \"rg-two\"\n{}}}\n",
        endpoint("c"),
        endpoint("b__c")
    )
}

/// Two endpoints whose Terraform addresses fold together (`a__b`'s `c` and `a`'s `b__c`):
/// their account name and every resource they share an address for are reported once, naming
/// both endpoints.
#[test]
fn endpoints_whose_addresses_fold_together_are_named_once_per_address() {
    let compilation = compiled(&[("main.charter", &folding_endpoints())]);
    let accounts: Vec<&str> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.code == COLLISION && d.message.contains("AI account name"))
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        accounts,
        ["endpoint `c` of `a__b` in swedencentral and endpoint `b__c` of `a` in swedencentral both become the AI account name `contoso-a-b-c-swedencentral`"]
    );
    let addresses: Vec<&str> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.code == COLLISION && d.message.contains("Terraform address"))
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        addresses,
        [
            "endpoint `c` of `a__b` in swedencentral and endpoint `b__c` of `a` in swedencentral both become the Terraform address `azurerm_cognitive_account.a__b__c__swedencentral`",
            "endpoint `c` of `a__b` in swedencentral and endpoint `b__c` of `a` in swedencentral both become the Terraform address `azapi_resource.a__b__c__swedencentral__filter`",
            "endpoint `c` of `a__b` in swedencentral and endpoint `b__c` of `a` in swedencentral both become the Terraform address `azapi_resource.a__b__c__swedencentral__deployment`",
        ]
    );
}

/// Names that differ only in letter case meet too, and the help says so.
#[test]
fn names_that_differ_only_in_case_collide_and_the_help_says_so() {
    let workload = |name: &str, group: &str| {
        format!(
            "workload {name} {{\n  governed_by: guardrails\n  environment: prod\n  resource_group: \"{group}\"\n  endpoint chat {{\n    model \"gpt-5.6-sol\" version \"2026-07-09\"\n    deployment: global_standard capacity 10\n    filter: std.filters.default\n    regions: [\"swedencentral\"]\n  }}\n}}\n"
        )
    };
    let source = format!(
        "policy guardrails {{\n  scope: subscription(\"prod\")\n}}\n\n{}\n{}",
        workload("Shop", "rg-one"),
        workload("shop", "rg-two")
    );
    let compilation = compiled(&[("main.charter", &source)]);
    let account = compilation
        .diagnostics
        .iter()
        .find(|d| d.code == COLLISION && d.message.contains("AI account name"))
        .expect("an E0803 for the account name");
    assert!(
        account
            .help
            .as_deref()
            .is_some_and(|help| help.contains("letter case")),
        "{account:?}"
    );
}

#[test]
fn the_compared_part_of_an_id_ends_before_the_slash_after_its_segments() {
    let id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a";
    assert_eq!(super::cut(id, 0), ("", false));
    assert_eq!(
        super::cut(id, 3),
        ("/subscriptions/s/resourceGroups", false)
    );
    assert_eq!(
        super::cut(id, 4),
        ("/subscriptions/s/resourceGroups/rg", false)
    );
    assert_eq!(super::cut(id, 40), (id, true));
    assert_eq!(super::cut("", 2), ("", true));
}

#[test]
fn resources_stand_as_the_compared_part_of_their_id_says_one_after_another() {
    let scopes = vec![
        "/subscriptions/s/resourceGroups/rg".to_string(),
        "/subscriptions/s".to_string(),
    ];
    let mut standings = Standings::new(&scopes);
    let rule = PlacementRule {
        subscription: None,
        management_group: None,
    };
    let account =
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a";
    let deployment = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a/deployments/d";
    let other =
        "/subscriptions/s/resourceGroups/rg2/providers/Microsoft.CognitiveServices/accounts/b";
    let group = "/subscriptions/s/resourceGroups/rg";
    let longer = "/subscriptions/s/resourceGroups/rg2";
    let inside = standings.around(account, &rule);
    assert_eq!(standings.around(deployment, &rule), inside);
    let outside = standings.around(other, &rule);
    assert_ne!(outside, inside);
    // The group itself is cut whole; a group whose name it begins is another.
    assert_eq!(standings.around(group, &rule), inside);
    assert_eq!(standings.around(longer, &rule), outside);
    assert_eq!(standings.around(account, &rule), inside);
    // Placed by two rules in turn, each keeps its own.
    let under_group = PlacementRule {
        subscription: None,
        management_group: Some("ai"),
    };
    let grouped = standings.around(account, &under_group);
    assert_ne!(grouped, inside);
    assert_eq!(standings.around(deployment, &rule), inside);
    assert_eq!(standings.around(deployment, &under_group), grouped);
    assert_eq!(
        standings.around(other, &under_group),
        standings.around(other, &under_group)
    );
    assert_ne!(standings.around(other, &under_group), grouped);
}

/// A management group's scope reads none of an id: resources of two resource groups of one
/// subscription stand alike under it and a subscription's scope, and apart under a resource
/// group's.
#[test]
fn a_management_groups_scope_compares_no_segment_of_an_id() {
    let scopes = vec![
        "/providers/Microsoft.Management/managementGroups/ai".to_string(),
        "/subscriptions/s".to_string(),
    ];
    let mut standings = Standings::new(&scopes);
    assert_eq!(standings.segments, "/subscriptions/s".split('/').count());
    let rule = PlacementRule {
        subscription: None,
        management_group: Some("ai"),
    };
    let one = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a";
    let two =
        "/subscriptions/s/resourceGroups/rg2/providers/Microsoft.CognitiveServices/accounts/b";
    let elsewhere =
        "/subscriptions/t/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/c";
    let inside = standings.around(one, &rule);
    assert_eq!(standings.around(two, &rule), inside);
    assert_ne!(standings.around(elsewhere, &rule), inside);
    let scopes = vec![
        "/providers/Microsoft.Management/managementGroups/ai".to_string(),
        "/subscriptions/s/resourceGroups/rg".to_string(),
    ];
    let mut standings = Standings::new(&scopes);
    assert_ne!(standings.around(one, &rule), standings.around(two, &rule));
}

#[test]
fn resource_groups_whose_subscriptions_fold_together_are_named_with_their_subscriptions() {
    let workload = |name: &str, subscription: &str| {
        format!(
            "workload {name} {{\n  governed_by: guardrails\n  environment: prod\n  subscription: \"{subscription}\"\n  resource_group: \"rg-chatbot\"\n  endpoint {name}_chat {{\n    model \"gpt-5.6-sol\" version \"2026-07-09\"\n    deployment: global_standard capacity 10\n    filter: std.filters.default\n    regions: [\"swedencentral\"]\n  }}\n}}\n"
        )
    };
    let source = format!(
        "policy guardrails {{\n  scope: subscription(\"demo-prod-sub\")\n}}\n\n{}\n{}",
        workload("one", "demo-prod-sub"),
        workload("two", "demo_prod.sub")
    );
    let compilation = compiled(&[("main.charter", &source)]);
    let group = compilation
        .diagnostics
        .iter()
        .find(|d| d.code == COLLISION && d.message.contains("resource group"))
        .expect("an E0803 for the resource groups' Terraform address");
    assert!(
        group.message.contains("of subscription `demo-prod-sub`")
            && group.message.contains("of subscription `demo_prod.sub`"),
        "{group:?}"
    );
}

/// A policy assigned only at a management group where no workload of the hierarchy lives flags
/// nothing: contoso's policy is assigned at prod, dev and sandbox, and the hierarchy says where
/// each workload's subscription is.
#[test]
fn a_policy_where_no_workload_lives_flags_nothing() {
    let lockdown = |group: &str| {
        format!(
            "policy lockdown {{\n  scope: management_group(\"{group}\")\n  effect: audit\n  models {{\n    allow \"gpt-5.4-mini\" versions [\"2026-03-17\"]\n  }}\n}}\n"
        )
    };
    let flagged_workloads = |group: &str| {
        let extra = lockdown(group);
        let mut files = CONTOSO.to_vec();
        files.push(("lockdown.charter", extra.as_str()));
        let compilation = compiled(&files);
        let mut found: Vec<String> = prove(&compilation.project, TODAY)
            .into_iter()
            .filter(|finding| finding.assignment == "lockdown")
            .flat_map(|finding| finding.origin.workloads().to_vec())
            .collect();
        found.sort();
        found.dedup();
        found
    };
    assert_eq!(
        flagged_workloads("contoso-ai-sandbox"),
        Vec::<String>::new()
    );
    // At dev, only the workloads whose subscriptions sit under dev.
    let dev = flagged_workloads("contoso-ai-dev");
    let project = contoso();
    for workload in &dev {
        let place = project
            .workloads
            .iter()
            .find(|w| &w.name == workload)
            .and_then(|w| w.subscription.as_deref())
            .map(|subscription| project.hierarchy.management_groups_above(subscription));
        assert!(
            place.is_some_and(|above| above.contains(&"contoso-ai-dev")),
            "{workload} is not under contoso-ai-dev: {dev:?}"
        );
    }
    assert!(
        !dev.is_empty(),
        "the dev workloads break lockdown's model list"
    );
}

/// The pass that holds one account's payloads at a time hands over each account as the estate
/// builds it, and keeps each one's ids (and nothing of its payloads).
#[test]
fn accounts_handed_over_one_by_one_are_the_estates_accounts() {
    let project = contoso();
    let full = estate::estate(&project);
    let mut handed: Vec<estate::Account> = Vec::new();
    let thin_estate = estate::estate_account_by_account(&project, &mut |_, account| {
        handed.push(account.clone());
    });
    assert_eq!(handed, full.accounts);
    let (full, thin) = (full.resources(), thin_estate.resources());
    assert_eq!(full.len(), thin.len());
    let mut nulls = 0;
    for (full, thin) in full.iter().zip(&thin) {
        assert_eq!(
            (full.noun, full.id, &full.origin),
            (thin.noun, thin.id, &thin.origin)
        );
        if thin.payload.is_null() {
            nulls += 1;
        } else {
            assert_eq!(full.payload, thin.payload);
        }
    }
    let in_accounts: usize = handed
        .iter()
        .map(|account| {
            let mut resources = Vec::new();
            account.resources(&mut resources);
            resources.len()
        })
        .sum();
    assert_eq!(nulls, in_accounts);
    // Besides the accounts', the same resources in the same order.
    let full = estate::estate(&project);
    let account_ids: Vec<&str> = handed
        .iter()
        .flat_map(|account| {
            let mut resources = Vec::new();
            account.resources(&mut resources);
            resources.into_iter().map(|r| r.id).collect::<Vec<_>>()
        })
        .collect();
    let others: Vec<&str> = full
        .resources()
        .into_iter()
        .map(|r| r.id)
        .filter(|id| !account_ids.contains(id))
        .collect();
    let besides: Vec<&str> = thin_estate
        .resources_besides_accounts()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(besides, others);
}

/// Whether the proof finds something in `project`, holding that the first pass account by
/// account agrees (clean exactly when nothing is found, and the same diagnostics as the full
/// proof), and noting which way the first pass went in `passes`.
fn agree_with(
    project: &Project,
    symbols: &SymbolIndex,
    passes: &std::cell::RefCell<Vec<&'static str>>,
) -> bool {
    let finds =
        !prove(project, TODAY).is_empty() || !derived_name_collisions(project, symbols).is_empty();
    let first = first_pass(project, symbols, TODAY);
    assert_eq!(matches!(first, FirstPass::Clean), !finds);
    passes.borrow_mut().push(match first {
        FirstPass::Clean => "clean",
        FirstPass::Collides => "collides",
        FirstPass::Flagged(_) => "flagged",
    });
    let messages =
        |found: &[Diagnostic]| -> Vec<String> { found.iter().map(|d| format!("{d:?}")).collect() };
    assert_eq!(
        messages(&diagnostics(project, symbols, TODAY)),
        messages(&diagnostics_and_estate(project, symbols, TODAY).0)
    );
    finds
}

/// The first pass account by account says a project is clean exactly when the full proof and
/// the derived-name check find nothing in it, and what it flags gives the full proof's
/// diagnostics, with mistakes planted in its accounts, deployments, filters and names.
#[test]
fn the_pass_account_by_account_is_clean_exactly_when_the_proof_finds_nothing() {
    let compilation = compiled(CONTOSO);
    let (project, symbols) = (&compilation.project, &compilation.symbols);
    let passes = std::cell::RefCell::new(Vec::new());
    let agree = |changed: &Project| agree_with(changed, symbols, &passes);
    assert!(!agree(project));
    let changes: [fn(&mut Project); 6] = [
        |p| first_endpoint(p).model.version = "2025-08-07".into(),
        |p| first_endpoint(p).regions[0] = "westeurope".into(),
        |p| first_endpoint(p).capacity = 100_000,
        |p| p.workloads[1].endpoints[0].filter.mode = FilterMode::Asynchronous,
        |p| p.workloads[0].public_network = Some(Toggle::Enabled),
        // Two endpoints whose names fold to one address.
        |p| {
            let mut twin = p.workloads[0].endpoints[0].clone();
            twin.name = format!("{}_", twin.name);
            p.workloads[0].endpoints.push(twin);
        },
    ];
    let mut found = 0;
    for change in &changes {
        let mut changed = project.clone();
        change(&mut changed);
        if agree(&changed) {
            found += 1;
        }
    }
    assert!(found >= 4, "{found} of the planted mistakes found");
    // Names that fold together (their symbols are in their own compilation).
    let folded = compiled(&[("main.charter", &folding_endpoints())]);
    assert!(agree_with(&folded.project, &folded.symbols, &passes));
    let passes = passes.into_inner();
    assert!(
        ["clean", "collides", "flagged"]
            .iter()
            .all(|pass| passes.contains(pass)),
        "{passes:?}"
    );
}

#[test]
fn an_address_clashes_only_when_another_thing_claims_it() {
    let payload = serde_json::json!({ "type": estate::types::BUDGET, "name": "b" });
    let budget = |workload: &str| estate::EstateResource {
        noun: "budget",
        id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Consumption/budgets/b",
        payload: &payload,
        origin: Origin::Budget {
            workload: workload.to_string(),
        },
    };
    let mut addresses = names::Addresses::default();
    assert!(!addresses.clashes(&budget("shop")));
    // The same thing again is the same resource.
    assert!(!addresses.clashes(&budget("shop")));
    // `Shop` becomes the same address, but is another workload.
    assert!(addresses.clashes(&budget("Shop")));
}

/// An account's addresses, all at once, are each of its resources' own, in order.
#[test]
fn an_accounts_addresses_are_its_resources_addresses() {
    let mut project = contoso();
    // Accounts of their own (not in a business unit's resource) create their blocklists.
    let mut accounts = estate::estate(&project).accounts;
    for workload in &mut project.workloads {
        workload.business_unit = None;
    }
    accounts.extend(estate::estate(&project).accounts);
    let mut items = 0;
    for account in &accounts {
        let mut resources = Vec::new();
        account.resources(&mut resources);
        items += resources
            .iter()
            .filter(|r| r.payload["type"] == estate::types::BLOCKLIST_ITEM)
            .count();
        let one_by_one: Vec<String> = resources.iter().map(charter_terraform::address).collect();
        let mut at_once = Vec::new();
        charter_terraform::account_addresses(account, |address| at_once.push(address.to_string()));
        assert_eq!(at_once, one_by_one);
    }
    assert!(items > 0, "the example's accounts have blocklist items");
}
