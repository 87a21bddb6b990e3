//! IR fixtures built by hand: one focused project per rule kind and a realistic one.

#![allow(dead_code)]

use charter_ir::{
    AllowedModel, BlocklistUse, Category, Date, DeploymentType, Effect, Endpoint, Environment,
    Exemption, ExemptionCategory, Filter, FilterMode, FilterSetting, Level, ModelRef, Policy,
    Project, Redundancy, Scope, ShieldMode, Side, Threshold, Toggle, Workload,
};

/// A filter with every category set: harm categories at `harm`, shields at `shield`.
pub fn filter(name: &str, harm: Threshold, shield: ShieldMode) -> Filter {
    let mut settings = Vec::new();
    for side in [Side::Prompt, Side::Completion] {
        for category in Category::ALL {
            if !category.applies_to(side) {
                continue;
            }
            let level = if category.is_harm() {
                Level::Severity(harm)
            } else {
                Level::Shield(shield)
            };
            settings.push(FilterSetting {
                side,
                category,
                level,
            });
        }
    }
    Filter {
        name: name.to_owned(),
        description: String::new(),
        settings,
        blocklists: Vec::new(),
        mode: FilterMode::Default,
    }
}

/// A policy with nothing but a name, a management-group scope (which also stores its
/// definitions) and an effect.
pub fn bare_policy(name: &str) -> Policy {
    Policy {
        name: name.to_owned(),
        display_name: String::new(),
        description: String::new(),
        scopes: vec![Scope::ManagementGroup("contoso-ai".to_owned())],
        definitions_scope: Some(Scope::ManagementGroup("contoso-ai".to_owned())),
        effect: Effect::Deny,
        allowed_models: None,
        minimum_filter: None,
        approved_filters: Vec::new(),
        allowed_regions: None,
        max_capacity: None,
        max_provisioned: None,
        allowed_deployment_types: None,
        local_auth: None,
        public_network: None,
        retirement_warning_days: 90,
        owner_tag: String::new(),
        exemptions: Vec::new(),
    }
}

pub fn project(policy: Policy) -> Project {
    Project {
        policies: vec![policy],
        workloads: Vec::new(),
        filters: Vec::new(),
        ..Default::default()
    }
}

pub fn models_only() -> Project {
    let mut policy = bare_policy("models_only");
    policy.allowed_models = Some(vec![
        AllowedModel {
            name: "gpt-4.1".to_owned(),
            format: "OpenAI".to_owned(),
            versions: vec!["2025-04-14".to_owned()],
            fine_tuned: false,
        },
        AllowedModel {
            name: "text-embedding-3-large".to_owned(),
            format: "OpenAI".to_owned(),
            versions: Vec::new(),
            fine_tuned: false,
        },
    ]);
    project(policy)
}

pub fn filters_only() -> Project {
    let mut policy = bare_policy("filters_only");
    let mut baseline = filter("baseline", Threshold::Medium, ShieldMode::Block);
    // Completion-side hate is left off and indirect attacks only annotated, to show that a
    // side the baseline does not require gets no rule.
    for setting in &mut baseline.settings {
        if setting.category == Category::Hate && setting.side == Side::Completion {
            setting.level = Level::Severity(Threshold::Off);
        }
        if setting.category == Category::IndirectAttack {
            setting.level = Level::Shield(ShieldMode::Annotate);
        }
    }
    baseline.blocklists = [Side::Prompt, Side::Completion]
        .map(|side| BlocklistUse {
            name: "competitor-names".to_owned(),
            side,
        })
        .to_vec();
    policy.minimum_filter = Some(baseline);
    policy.approved_filters = vec!["strict".to_owned(), "std.filters.default".to_owned()];
    project(policy)
}

pub fn regions_only() -> Project {
    let mut policy = bare_policy("regions_only");
    policy.effect = Effect::Audit;
    policy.allowed_regions = Some(vec!["swedencentral".to_owned(), "eastus2".to_owned()]);
    project(policy)
}

pub fn capacity_only() -> Project {
    let mut policy = bare_policy("capacity_only");
    policy.scopes = vec![Scope::Subscription(
        "00000000-0000-0000-0000-000000000001".to_owned(),
    )];
    policy.definitions_scope = policy.scopes.first().cloned();
    policy.max_capacity = Some(300);
    project(policy)
}

pub fn network_and_auth() -> Project {
    let mut policy = bare_policy("network_and_auth");
    policy.local_auth = Some(Toggle::Disabled);
    policy.public_network = Some(Toggle::Disabled);
    project(policy)
}

pub fn owner_tag_only() -> Project {
    let mut policy = bare_policy("owner_tag_only");
    policy.scopes = vec![Scope::ResourceGroup("rg-ai".to_owned())];
    // No workload names the group's subscription: the deployment's own.
    policy.definitions_scope = None;
    policy.owner_tag = "charter-workload".to_owned();
    project(policy)
}

fn endpoint(name: &str, model: &str, version: &str, filter: Filter, regions: &[&str]) -> Endpoint {
    Endpoint {
        name: name.to_owned(),
        description: String::new(),
        model: ModelRef {
            name: model.to_owned(),
            version: version.to_owned(),
            format: "OpenAI".to_owned(),
            fine_tuned: None,
        },
        deployment_type: DeploymentType::GlobalStandard,
        capacity: 100,
        filter,
        regions: regions.iter().map(|r| (*r).to_owned()).collect(),
        redundancy: Redundancy::None,
        standby_capacity: None,
        serves: Vec::new(),
    }
}

/// The design document's example: one management-group policy with every rule, two
/// workloads, two filters and an exemption.
pub fn contoso() -> Project {
    let baseline = filter("baseline", Threshold::Medium, ShieldMode::Block);
    let mut strict = filter("strict", Threshold::Medium, ShieldMode::Block);
    for setting in &mut strict.settings {
        if matches!(setting.category, Category::Hate | Category::Sexual) {
            setting.level = Level::Severity(Threshold::Low);
        }
    }
    let policy = Policy {
        name: "contoso_ai".to_owned(),
        display_name: "Contoso AI guardrails".to_owned(),
        description: "Guardrails for every AI workload at Contoso.".to_owned(),
        scopes: vec![Scope::ManagementGroup("contoso-ai".to_owned())],
        definitions_scope: Some(Scope::ManagementGroup("contoso-ai".to_owned())),
        effect: Effect::Deny,
        allowed_models: Some(vec![
            AllowedModel {
                name: "gpt-5.6-sol".to_owned(),
                format: "OpenAI".to_owned(),
                versions: vec!["2026-07-09".to_owned()],
                fine_tuned: false,
            },
            AllowedModel {
                name: "gpt-4.1".to_owned(),
                format: "OpenAI".to_owned(),
                versions: vec!["2025-04-14".to_owned()],
                fine_tuned: false,
            },
            AllowedModel {
                name: "text-embedding-3-large".to_owned(),
                format: "OpenAI".to_owned(),
                versions: Vec::new(),
                fine_tuned: false,
            },
        ]),
        minimum_filter: Some(baseline.clone()),
        approved_filters: vec!["baseline".to_owned(), "strict".to_owned()],
        allowed_regions: Some(vec![
            "eastus2".to_owned(),
            "swedencentral".to_owned(),
            "westeurope".to_owned(),
        ]),
        max_capacity: Some(300),
        max_provisioned: None,
        allowed_deployment_types: None,
        local_auth: Some(Toggle::Disabled),
        public_network: Some(Toggle::Disabled),
        retirement_warning_days: 90,
        owner_tag: "charter-workload".to_owned(),
        exemptions: vec![Exemption {
            scope: Scope::ResourceGroup("rg-ai-sandbox".to_owned()),
            assignment_scope: Scope::ManagementGroup("contoso-ai".to_owned()),
            expires: Date {
                year: 2027,
                month: 1,
                day: 31,
            },
            category: ExemptionCategory::Waiver,
            reason: "Sandbox experiments".to_owned(),
        }],
    };
    let support = Workload {
        name: "customer_support".to_owned(),
        description: String::new(),
        policy: "contoso_ai".to_owned(),
        environment: Environment::Prod,
        resource_group: "rg-support-ai".to_owned(),
        subscription: None,
        data_zone: None,
        apps: Vec::new(),
        budget: None,
        endpoints: vec![endpoint(
            "support_chat",
            "gpt-5.6-sol",
            "2026-07-09",
            strict.clone(),
            &["swedencentral", "westeurope"],
        )],
    };
    let sandbox = Workload {
        name: "research_sandbox".to_owned(),
        description: String::new(),
        policy: "contoso_ai".to_owned(),
        environment: Environment::Sandbox,
        resource_group: "rg-ai-sandbox".to_owned(),
        subscription: Some("11111111-2222-3333-4444-555555555555".to_owned()),
        data_zone: None,
        apps: Vec::new(),
        budget: None,
        endpoints: vec![endpoint(
            "embeddings",
            "text-embedding-3-large",
            "1",
            baseline.clone(),
            &["eastus2"],
        )],
    };
    Project {
        policies: vec![policy],
        workloads: vec![support, sandbox],
        filters: vec![baseline, strict],
        ..Default::default()
    }
}

/// A policy assigned at three scopes of different kinds, with a resource group (one of its
/// scopes, whose subscription the project does not name) exempted from two assignments: the
/// management group's (`under management_group("contoso-ai")`) and its own.
pub fn multi_scope() -> Project {
    let mut policy = bare_policy("multi_scope");
    policy.scopes = vec![
        Scope::ManagementGroup("contoso-ai".to_owned()),
        Scope::Subscription("00000000-0000-0000-0000-000000000002".to_owned()),
        Scope::ResourceGroup("rg-unknown-sub".to_owned()),
    ];
    policy.effect = Effect::Audit;
    policy.max_capacity = Some(50);
    let exemption = |assignment_scope: Scope| Exemption {
        scope: Scope::ResourceGroup("rg-unknown-sub".to_owned()),
        assignment_scope,
        expires: Date {
            year: 2026,
            month: 12,
            day: 31,
        },
        category: ExemptionCategory::Mitigated,
        reason: "Capacity is capped by the team's own quota".to_owned(),
    };
    policy.exemptions = vec![
        exemption(Scope::ManagementGroup("contoso-ai".to_owned())),
        exemption(Scope::ResourceGroup("rg-unknown-sub".to_owned())),
    ];
    project(policy)
}

/// Every fixture, by name.
pub fn all() -> Vec<(&'static str, Project)> {
    vec![
        ("models_only", models_only()),
        ("filters_only", filters_only()),
        ("regions_only", regions_only()),
        ("capacity_only", capacity_only()),
        ("network_and_auth", network_and_auth()),
        ("owner_tag_only", owner_tag_only()),
        ("multi_scope", multi_scope()),
        ("contoso", contoso()),
    ]
}
