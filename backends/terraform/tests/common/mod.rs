//! Hand-built IR projects for the Terraform backend's tests.

#![allow(dead_code)]

use charter_ir::*;

pub fn filter(name: &str, harm: Threshold, blocklists: &[&str]) -> Filter {
    let mut settings = Vec::new();
    for side in [Side::Prompt, Side::Completion] {
        for category in Category::ALL {
            if !category.applies_to(side) {
                continue;
            }
            let level = if category.is_harm() {
                Level::Severity(harm)
            } else if category == Category::IndirectAttack
                || category == Category::ProtectedMaterialCode
            {
                Level::Shield(ShieldMode::Annotate)
            } else {
                Level::Shield(ShieldMode::Block)
            };
            settings.push(FilterSetting {
                side,
                category,
                level,
            });
        }
    }
    Filter {
        name: name.to_string(),
        description: String::new(),
        settings,
        blocklists: blocklists
            .iter()
            .flat_map(|name| {
                [Side::Prompt, Side::Completion].map(|side| BlocklistUse {
                    name: name.to_string(),
                    side,
                })
            })
            .collect(),
        mode: FilterMode::Default,
    }
}

/// Where the checker would store the definitions of a policy without `definitions_at:`: its
/// only management group or subscription; `None` (the deployment's subscription) for one
/// assigned only at resource groups. Tests with several such scopes set it themselves.
pub fn inferred_definitions_scope(scopes: &[Scope]) -> Option<Scope> {
    match scopes {
        [scope @ (Scope::ManagementGroup(_) | Scope::Subscription(_))] => Some(scope.clone()),
        _ => None,
    }
}

pub fn policy(name: &str, scopes: Vec<Scope>) -> Policy {
    Policy {
        name: name.to_string(),
        display_name: format!("{name} guardrails"),
        description: String::new(),
        definitions_scope: inferred_definitions_scope(&scopes),
        scopes,
        effect: Effect::Deny,
        allowed_models: Some(vec![AllowedModel {
            name: "gpt-4.1".into(),
            format: "OpenAI".into(),
            versions: vec!["2025-04-14".into()],
            fine_tuned: false,
        }]),
        minimum_filter: Some(filter("baseline", Threshold::Medium, &["profanity"])),
        approved_filters: vec!["strict".into()],
        allowed_regions: Some(vec![
            "eastus2".into(),
            "swedencentral".into(),
            "westeurope".into(),
        ]),
        max_capacity: Some(300),
        max_provisioned: None,
        allowed_deployment_types: None,
        local_auth: Some(Toggle::Disabled),
        public_network: Some(Toggle::Disabled),
        retirement_warning_days: 90,
        owner_tag: "charter-workload".into(),
        exemptions: Vec::new(),
    }
}

pub fn endpoint(name: &str, regions: &[&str], redundancy: Redundancy, filter: Filter) -> Endpoint {
    Endpoint {
        name: name.to_string(),
        description: String::new(),
        model: ModelRef {
            name: "gpt-4.1".into(),
            version: "2025-04-14".into(),
            format: "OpenAI".into(),
            fine_tuned: None,
        },
        deployment_type: DeploymentType::GlobalStandard,
        capacity: 100,
        filter,
        regions: regions.iter().map(|s| s.to_string()).collect(),
        redundancy,
        standby_capacity: None,
        serves: Vec::new(),
    }
}

pub fn workload(
    name: &str,
    policy: &str,
    resource_group: &str,
    endpoints: Vec<Endpoint>,
) -> Workload {
    Workload {
        name: name.to_string(),
        description: String::new(),
        policy: policy.to_string(),
        environment: Environment::Prod,
        resource_group: resource_group.to_string(),
        subscription: None,
        data_zone: None,
        apps: Vec::new(),
        budget: None,
        endpoints,
    }
}

/// The realistic project: two workloads, multi-region active_passive and active_active
/// endpoints, budgets, a policy with exemptions at management group scope and another at
/// subscription scope.
pub fn realistic() -> Project {
    let strict = Filter {
        description: "For customer-facing assistants.".into(),
        ..filter("strict", Threshold::Low, &["profanity"])
    };
    let baseline = filter("baseline", Threshold::Medium, &["profanity"]);

    let mut contoso = policy(
        "contoso_ai",
        vec![Scope::ManagementGroup("contoso-ai".into())],
    );
    contoso.display_name = "Contoso AI guardrails".into();
    contoso.description = "Organisation-wide rules for AI endpoints.".into();
    contoso.exemptions = vec![
        Exemption {
            scope: Scope::ResourceGroup("rg-ai-sandbox".into()),
            assignment_scope: Scope::ManagementGroup("contoso-ai".into()),
            expires: Date {
                year: 2027,
                month: 1,
                day: 31,
            },
            category: ExemptionCategory::Waiver,
            reason: "Sandbox experiments".into(),
        },
        Exemption {
            scope: Scope::Subscription("00000000-1111-2222-3333-444444444444".into()),
            assignment_scope: Scope::ManagementGroup("contoso-ai".into()),
            expires: Date {
                year: 2026,
                month: 12,
                day: 31,
            },
            category: ExemptionCategory::Mitigated,
            reason: "Legacy subscription, filtered by the gateway".into(),
        },
    ];

    let mut research = policy("research_ai", vec![Scope::Subscription("research".into())]);
    research.effect = Effect::Audit;
    research.local_auth = None;
    research.public_network = None;
    research.owner_tag = "owner-workload".into();
    research.approved_filters = vec!["baseline".into()];

    let mut support_chat = endpoint(
        "support_chat",
        &["swedencentral", "westeurope"],
        Redundancy::ActivePassive,
        strict.clone(),
    );
    support_chat.description = "Chat assistant for customers.".into();
    support_chat.standby_capacity = Some(20);
    let mut support_embed = endpoint(
        "support_embeddings",
        &["swedencentral"],
        Redundancy::None,
        strict.clone(),
    );
    support_embed.model = ModelRef {
        name: "text-embedding-3-large".into(),
        version: "1".into(),
        format: "OpenAI".into(),
        fine_tuned: None,
    };
    support_embed.deployment_type = DeploymentType::Standard;
    support_embed.capacity = 50;

    let mut support = workload(
        "customer_support",
        "contoso_ai",
        "rg-support-ai",
        vec![support_chat, support_embed],
    );
    support.description = "Customer support assistants.".into();
    support.budget = Some(Budget {
        amount: "2000".into(),
        currency: "USD".into(),
        period: BudgetPeriod::Monthly,
        alert_thresholds: vec![50, 80, 100],
        contacts: vec!["ai-finops@contoso.com".into()],
    });

    let mut analysis = endpoint(
        "analysis",
        &["eastus2", "swedencentral"],
        Redundancy::ActiveActive,
        baseline.clone(),
    );
    analysis.deployment_type = DeploymentType::DataZoneStandard;
    analysis.capacity = 150;
    let mut research_workload =
        workload("research", "research_ai", "rg-research-ai", vec![analysis]);
    research_workload.environment = Environment::Dev;
    research_workload.budget = Some(Budget {
        amount: "1500.50".into(),
        currency: "EUR".into(),
        period: BudgetPeriod::Quarterly,
        alert_thresholds: vec![80, 100],
        contacts: vec![
            "research-leads@contoso.com".into(),
            "finops@contoso.com".into(),
        ],
    });

    Project {
        policies: vec![contoso, research],
        workloads: vec![support, research_workload],
        filters: vec![baseline, strict],
        ..Default::default()
    }
}
