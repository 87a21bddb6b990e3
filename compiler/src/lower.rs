//! Lowering: the resolved model to the IR, with every inherited setting made explicit.
//!
//! Lowering reads only the model and the catalog; it never reports. It is complete only when
//! the checks found no errors; what did not check is left out or given its default, so
//! lowering never fails.

use std::cell::RefCell;

use charter_ir as ir;
use charter_ir::{Category, DeploymentType, Level, Redundancy, ShieldMode, Side, Threshold};

use crate::catalog::Catalog;
use crate::hierarchy::{placed, ExemptionPlace, Hierarchy, Place};
use crate::model::{
    self, value_of, DefinitionsLocation, Endpoint, ExemptionAssignment, FilterComparisons,
    FilterId, Model, Policy, PolicyId, ServedApp, Workload, DEFAULT_OWNER_TAG,
};
use crate::Options;

/// Lowers the model to the IR. Complete only when there are no errors; what did not check is
/// left out or given its default, so lowering never fails.
pub(crate) fn lower(
    model: &Model,
    catalog: &Catalog,
    options: &Options,
    comparisons: &FilterComparisons<'_>,
) -> ir::Project {
    let lowered_filters = LoweredFilters::new(model);
    let workloads: Vec<ir::Workload> = model
        .workloads
        .iter()
        .map(|workload| lower_workload(model, catalog, &lowered_filters, workload))
        .collect();
    let mut used_filters: Vec<&str> = Vec::new();
    for workload in &workloads {
        used_filters.extend(workload.endpoints.iter().map(|e| e.filter.name.as_str()));
        used_filters.extend(workload.apps.iter().filter_map(|a| a.filter.as_deref()));
    }
    let minimum_uses = |name: &str| {
        model.policies.iter().any(|p| {
            value_of(&p.minimum).is_some_and(|minimum| model.filter(minimum.target).name == name)
                || value_of(&p.guardrail)
                    .is_some_and(|guardrail| model.filter(guardrail.target).name == name)
        })
    };
    let filters = model
        .filters
        .iter()
        .enumerate()
        .filter(|(_, filter)| {
            !filter.is_stdlib
                || used_filters.contains(&filter.name.as_str())
                || minimum_uses(&filter.name)
        })
        .map(|(index, _)| lowered_filters.get(FilterId(index)))
        .collect();
    let policies = model
        .policies
        .iter()
        .enumerate()
        .map(|(index, policy)| {
            lower_policy(
                model,
                catalog,
                comparisons,
                &lowered_filters,
                (PolicyId(index), policy),
                &workloads,
                &options.naming,
            )
        })
        .collect();
    let mut blocklists: Vec<ir::Blocklist> = model.blocklists.iter().map(lower_blocklist).collect();
    blocklists.sort_by(|a, b| a.name.cmp(&b.name));
    ir::Project {
        policies,
        workloads,
        filters,
        blocklists,
        naming: options.naming.clone(),
        gateways: model
            .gateways
            .iter()
            .map(|g| lower_gateway(model, g))
            .collect(),
        monitoring: model
            .monitoring
            .iter()
            .map(|m| lower_monitoring(model, m))
            .collect(),
        business_units: model
            .business_units
            .iter()
            .enumerate()
            .map(|(index, unit)| ir::BusinessUnit {
                name: unit.name.clone(),
                description: unit.doc.clone().unwrap_or_default(),
                resource_group: value_of(&unit.resource_group)
                    .map(|(group, _)| group.clone())
                    .unwrap_or_default(),
                subscription: business_unit_subscription(model, index, unit),
            })
            .collect(),
        hierarchy: lower_hierarchy(&model.hierarchy),
    }
}

/// The hierarchy for the backends: every subscription by its id, environments inherited.
fn lower_hierarchy(hierarchy: &Hierarchy) -> ir::Hierarchy {
    ir::Hierarchy {
        management_groups: hierarchy
            .groups
            .iter()
            .enumerate()
            .map(|(index, group)| ir::ManagementGroup {
                name: group.name.clone(),
                display_name: group.display_name.clone(),
                parent: group
                    .parent
                    .map(|parent| hierarchy.groups[parent].name.clone()),
                environment: hierarchy.environment(&Place::Group(index)).map(|(e, _)| e),
            })
            .collect(),
        subscriptions: hierarchy
            .subscriptions
            .iter()
            .enumerate()
            .map(|(index, subscription)| ir::SubscriptionPlace {
                name: subscription.name.clone(),
                id: hierarchy.subscription_id(index),
                management_group: hierarchy.groups[subscription.parent].name.clone(),
                environment: hierarchy
                    .environment(&Place::Subscription(index))
                    .map(|(e, _)| e),
                resource_groups: subscription
                    .resource_groups
                    .iter()
                    .map(|(group, _)| group.clone())
                    .collect(),
            })
            .collect(),
    }
}

/// The subscription of a business unit's Foundry resources: the one it names (by its id when
/// the hierarchy places it); else the one its resource group is declared in; else the one all
/// its workloads live in, when they agree (`None`: the deployment's own).
fn business_unit_subscription(
    model: &Model,
    index: usize,
    unit: &model::BusinessUnit,
) -> Option<String> {
    let written = value_of(&unit.subscription).map(|(name, _)| name.as_str());
    let group = value_of(&unit.resource_group).map(|(name, _)| name.as_str());
    if let Some(found) = subscription_of(model, written, group) {
        return Some(found);
    }
    let mut theirs = model
        .workloads
        .iter()
        .filter(|workload| {
            value_of(&workload.business_unit).is_some_and(|unit| unit.target == index)
        })
        .map(|workload| {
            subscription_of(
                model,
                value_of(&workload.subscription).map(|(name, _)| name.as_str()),
                value_of(&workload.resource_group).map(|(name, _)| name.as_str()),
            )
        });
    let first = theirs.next()??;
    theirs
        .all(|other| other.as_deref() == Some(first.as_str()))
        .then_some(first)
}

/// The subscription of something in `resource_group` (and `subscription`, as written): its id
/// when the hierarchy places it, else as written (`None`: the deployment's own).
fn subscription_of(
    model: &Model,
    subscription: Option<&str>,
    resource_group: Option<&str>,
) -> Option<String> {
    match placed(&model.hierarchy, subscription, resource_group) {
        Some(Place::Subscription(index) | Place::ResourceGroup(index, _)) => {
            Some(model.hierarchy.subscription_id(index))
        }
        _ => subscription.map(str::to_string),
    }
}

/// A scope with a subscription by its id when the hierarchy has it.
fn resolved(model: &Model, scope: &ir::Scope) -> ir::Scope {
    if let ir::Scope::Resource(resource) = scope {
        // The resource group's subscription, by its id, once the hierarchy places it.
        let mut resource = resource.clone();
        if let Ok(Place::ResourceGroup(subscription, _)) = model.hierarchy.place(scope) {
            resource.subscription = Some(model.hierarchy.subscription_id(subscription));
        }
        return ir::Scope::Resource(resource);
    }
    match model.hierarchy.place(scope) {
        Ok(place) if model.hierarchy.is_declared() => model.hierarchy.scope_of(&place),
        _ => scope.clone(),
    }
}

/// The text of a string field, empty when it was not written.
fn text_of(field: &Option<model::Field<Option<model::Text>>>) -> String {
    value_of(field)
        .map(|(text, _)| text.clone())
        .unwrap_or_default()
}

fn lower_gateway(model: &Model, gateway: &model::Gateway) -> ir::Gateway {
    let mut workloads: Vec<String> = Vec::new();
    for routed in gateway.routed() {
        let name = &model.workload(routed.target).name;
        if !workloads.contains(name) {
            workloads.push(name.clone());
        }
    }
    ir::Gateway {
        name: gateway.name.clone(),
        description: gateway.doc.clone().unwrap_or_default(),
        service: text_of(&gateway.service),
        management: gateway.management(),
        resource_group: text_of(&gateway.resource_group),
        subscription: subscription_of(
            model,
            value_of(&gateway.subscription).map(|(text, _)| text.as_str()),
            value_of(&gateway.resource_group).map(|(text, _)| text.as_str()),
        ),
        regions: gateway
            .region_names()
            .into_iter()
            .map(str::to_string)
            .collect(),
        sku: gateway.sku(),
        publisher: value_of(&gateway.publisher).map(|(text, _)| text.clone()),
        workloads,
    }
}

fn lower_monitoring(model: &Model, monitoring: &model::Monitoring) -> ir::Monitoring {
    let workloads = model
        .workloads
        .iter()
        .enumerate()
        .filter(|(index, workload)| {
            workload.decl.is_some() && monitoring.covers(model::WorkloadId(*index))
        })
        .map(|(_, workload)| workload.name.clone())
        .collect();
    ir::Monitoring {
        name: monitoring.name.clone(),
        description: monitoring.doc.clone().unwrap_or_default(),
        workspace: text_of(&monitoring.workspace),
        management: monitoring.management(),
        resource_group: text_of(&monitoring.resource_group),
        subscription: subscription_of(
            model,
            value_of(&monitoring.subscription).map(|(text, _)| text.as_str()),
            value_of(&monitoring.resource_group).map(|(text, _)| text.as_str()),
        ),
        region: value_of(&monitoring.region).map(|(text, _)| text.clone()),
        retention_days: value_of(&monitoring.retention).copied().unwrap_or(30),
        workloads,
        usage_alert_percent: value_of(&monitoring.usage_alert).copied().unwrap_or(80),
        throttling_alert: value_of(&monitoring.throttling_alert)
            .copied()
            .unwrap_or(10),
        contacts: monitoring
            .contacts
            .as_ref()
            .map(|field| field.value.iter().map(|(c, _)| c.clone()).collect())
            .unwrap_or_default(),
    }
}

/// Every filter lowered once: each endpoint carries its filter in the IR, and endpoints share
/// a few filters, so the others are copies.
struct LoweredFilters<'m> {
    model: &'m Model,
    lowered: RefCell<Vec<Option<ir::Filter>>>,
}

impl<'m> LoweredFilters<'m> {
    fn new(model: &'m Model) -> Self {
        LoweredFilters {
            model,
            lowered: RefCell::new(vec![None; model.filters.len()]),
        }
    }

    /// The filter `id`, lowered.
    fn get(&self, id: FilterId) -> ir::Filter {
        let mut lowered = self.lowered.borrow_mut();
        match lowered.get_mut(id.0) {
            Some(slot) => slot
                .get_or_insert_with(|| lower_filter(self.model, id))
                .clone(),
            // Filter ids come from the model, so each has its slot; lowering the filter
            // again is the behaviour of a missing slot all the same.
            None => lower_filter(self.model, id),
        }
    }
}

fn lower_filter(model: &Model, id: FilterId) -> ir::Filter {
    let filter = model.filter(id);
    let effective = &filter.effective;
    // The controls the RAI policy has an entry for: every required one, and an optional one
    // (any on an agent's side) only when a filter of the chain sets it (otherwise it is left
    // to Azure).
    let listed = |side: Side, category: Category| {
        let optional = side.agents_only() || !category.required();
        category.applies_to(side) && (!optional || effective.setting(side, category).is_some())
    };
    // Counted first: the vector is sized once (filters live in the IR to the end of the run).
    let count = Side::ALL
        .into_iter()
        .flat_map(|side| {
            Category::ALL
                .into_iter()
                .map(move |category| (side, category))
        })
        .filter(|&(side, category)| listed(side, category))
        .count();
    let mut settings = Vec::with_capacity(count);
    for side in Side::ALL {
        for category in Category::ALL {
            if !listed(side, category) {
                continue;
            }
            let level = effective
                .setting(side, category)
                .map(|s| s.level)
                .unwrap_or(if category.is_harm() {
                    Level::Severity(Threshold::Off)
                } else {
                    Level::Shield(ShieldMode::Off)
                });
            settings.push(ir::FilterSetting {
                side,
                category,
                level,
            });
        }
    }
    let mut blocklists: Vec<ir::BlocklistUse> = effective
        .blocklists
        .iter()
        .map(|b| ir::BlocklistUse {
            name: b.name.clone(),
            side: b.side,
        })
        .collect();
    blocklists.sort();
    blocklists.dedup();
    let mut safety_providers: Vec<ir::SafetyProviderUse> = effective
        .safety_providers
        .iter()
        .map(|p| ir::SafetyProviderUse {
            name: p.name.clone(),
            side: p.side,
        })
        .collect();
    safety_providers.sort();
    safety_providers.dedup();
    ir::Filter {
        name: filter.name.clone(),
        description: filter.doc.clone().unwrap_or_default(),
        settings,
        blocklists,
        safety_providers,
        mode: effective.mode(),
    }
}

fn lower_workload(
    model: &Model,
    catalog: &Catalog,
    lowered_filters: &LoweredFilters<'_>,
    workload: &Workload,
) -> ir::Workload {
    let environment = workload.environment();
    let policy = workload.policy().map(|id| model.policy(id));
    let authority = workload
        .authority(policy)
        .map(|(managed_by, _)| ir::WorkloadAuthority {
            managed_by,
            team: value_of(&workload.team).map(|(team, _)| team.clone()),
            central_team: policy
                .and_then(|policy| value_of(&policy.central_team))
                .map(|(group, _)| group.clone()),
        });
    ir::Workload {
        authority,
        classification: value_of(&workload.classification).map(|(level, _)| level.clone()),
        public_network: value_of(&workload.public_network).copied(),
        business_unit: value_of(&workload.business_unit)
            .map(|unit| model.business_units[unit.target].name.clone()),
        name: workload.name.clone(),
        description: workload.doc.clone().unwrap_or_default(),
        policy: workload
            .policy()
            .map(|p| model.policy(p).name.clone())
            .unwrap_or_default(),
        environment,
        resource_group: value_of(&workload.resource_group)
            .map(|(group, _)| group.clone())
            .unwrap_or_default(),
        subscription: subscription_of(
            model,
            value_of(&workload.subscription).map(|(name, _)| name.as_str()),
            value_of(&workload.resource_group).map(|(name, _)| name.as_str()),
        ),
        data_zone: workload.data_zone().map(|(zone, _)| zone),
        apps: workload
            .apps
            .iter()
            .map(|app| ir::App {
                name: app.name.clone(),
                environment: app.environment().unwrap_or(environment),
                filter: app.filter().map(|f| model.filter(f.target).name.clone()),
            })
            .collect(),
        budget: workload
            .budget
            .as_ref()
            .and_then(|field| lower_budget(&field.value)),
        endpoints: workload
            .endpoints
            .iter()
            .map(|endpoint| lower_endpoint(model, catalog, lowered_filters, endpoint))
            .collect(),
    }
}

fn lower_endpoint(
    model: &Model,
    catalog: &Catalog,
    lowered_filters: &LoweredFilters<'_>,
    endpoint: &Endpoint,
) -> ir::Endpoint {
    let used = endpoint.model.as_ref().map(|field| &field.value);
    let model_name = used.and_then(|used| used.model.as_ref());
    let version = used.and_then(|used| used.version.as_ref());
    // The format is known only when the model and the version are.
    let format = match (endpoint.known_model(), endpoint.known_version()) {
        (Some(known), Some(_)) => catalog
            .model(&known.name)
            .map(|entry| entry.format.clone().unwrap_or_default())
            .unwrap_or_default(),
        _ => String::new(),
    };
    let (capacity, _) = endpoint.capacity();
    let redundancy = endpoint.redundancy();
    ir::Endpoint {
        name: endpoint.name.clone(),
        description: endpoint.doc.clone().unwrap_or_default(),
        model: ir::ModelRef {
            name: model_name.map(|m| m.name.clone()).unwrap_or_default(),
            version: version
                .map(|v| {
                    // Lower the catalog's spelling of the version, which Azure expects.
                    model_name
                        .and_then(|m| catalog.model(&m.name))
                        .and_then(|entry| entry.version(&v.name))
                        .map_or_else(|| v.name.clone(), |found| found.version.clone())
                })
                .unwrap_or_default(),
            format,
            fine_tuned: model_name.and_then(|m| lower_fine_tuned(model, &m.name)),
        },
        deployment_type: endpoint
            .deployment_type()
            .map_or(DeploymentType::Standard, |(kind, _)| kind),
        capacity,
        filter: endpoint
            .filter()
            .map(|f| lowered_filters.get(f.target))
            .unwrap_or(ir::Filter {
                name: String::new(),
                description: String::new(),
                settings: Vec::new(),
                blocklists: Vec::new(),
                safety_providers: Vec::new(),
                mode: ir::FilterMode::Default,
            }),
        regions: endpoint.regions().map(|r| r.name.clone()).collect(),
        redundancy,
        standby_capacity: match redundancy {
            Redundancy::ActivePassive => {
                Some(endpoint.standby().map_or(capacity, |(standby, _)| standby))
            }
            _ => None,
        },
        serves: endpoint
            .serves
            .iter()
            .flat_map(|field| field.value.iter().flatten())
            .filter_map(|served| match served.app {
                ServedApp::Own(_) => Some(served.name.clone()),
                _ => None,
            })
            .collect(),
        agents: endpoint.serves_agents(),
    }
}

/// What a deployable fine-tuned model is made from and where it lives.
fn lower_fine_tuned(model: &Model, name: &str) -> Option<ir::FineTuned> {
    let fine_tuned = model.deployable_fine_tuned(name)?;
    let (base_model, base_version) = fine_tuned.base_entry.clone()?;
    let (account, _) = fine_tuned.trained_in.clone()?;
    Some(ir::FineTuned {
        base_model,
        base_version,
        source_account: account,
    })
}

fn lower_budget(budget: &model::Budget) -> Option<ir::Budget> {
    let amount = budget.amount.as_ref()?;
    let mut alert_thresholds: Vec<u32> = budget
        .alert_at
        .as_ref()
        .map(|list| list.items.iter().map(|(value, _)| *value).collect())
        .unwrap_or_default();
    alert_thresholds.sort_unstable();
    alert_thresholds.dedup();
    Some(ir::Budget {
        amount: amount.amount.clone(),
        currency: amount.currency.clone(),
        period: budget.period.unwrap_or(ir::BudgetPeriod::Monthly),
        alert_thresholds,
        contacts: budget
            .notify
            .as_ref()
            .map(|list| {
                list.items
                    .iter()
                    .map(|(contact, _)| contact.clone())
                    .collect()
            })
            .unwrap_or_default(),
    })
}

fn lower_blocklist(blocklist: &model::Blocklist) -> ir::Blocklist {
    ir::Blocklist {
        name: blocklist.name.clone(),
        description: blocklist.description(),
        management: if blocklist.is_external() {
            ir::BlocklistManagement::External
        } else {
            ir::BlocklistManagement::Charter {
                items: blocklist
                    .entries()
                    .into_iter()
                    .filter(|(_, _, _, class)| *class == model::BlocklistEntry::Valid)
                    .map(|(pattern, is_regex, _, _)| ir::BlocklistItem {
                        pattern: pattern.to_string(),
                        is_regex,
                    })
                    .collect(),
            }
        },
    }
}

fn lower_policy(
    model: &Model,
    catalog: &Catalog,
    comparisons: &FilterComparisons<'_>,
    lowered_filters: &LoweredFilters<'_>,
    (id, policy): (PolicyId, &Policy),
    workloads: &[ir::Workload],
    naming: &ir::Naming,
) -> ir::Policy {
    let scopes: Vec<ir::Scope> = policy
        .scopes()
        .iter()
        .map(|(scope, _)| resolved(model, scope))
        .collect();
    // With a hierarchy, the lowest management group (or subscription) above every scope.
    let computed = || {
        let places: Vec<Place> = model
            .policy_places(policy)
            .into_iter()
            .map(|(_, place)| place)
            .collect();
        (model.hierarchy.is_declared() && places.len() == scopes.len())
            .then(|| model.hierarchy.lowest_common(&places))
            .flatten()
            .map(|place| model.hierarchy.scope_of(&place))
    };
    let definitions_scope = match policy.definitions_location() {
        DefinitionsLocation::Stored(scope) => Some(resolved(model, &scope)),
        _ => computed(),
    }
    .or_else(|| {
        resource_groups_subscription(&policy.name, &scopes, workloads).map(ir::Scope::Subscription)
    });
    // The filters of the endpoints this policy governs that meet its minimum: the approved
    // content filters. (Names are copied once each, after duplicates are dropped: many
    // endpoints share a filter.)
    let mut approved: Vec<&str> = Vec::new();
    for workload in model.workloads.iter().filter(|w| w.policy() == Some(id)) {
        for endpoint in &workload.endpoints {
            let Some(filter) = endpoint.filter() else {
                continue;
            };
            let meets = value_of(&policy.minimum)
                .is_none_or(|minimum| comparisons.meets(filter.target, minimum.target));
            if meets {
                approved.push(&model.filter(filter.target).name);
            }
        }
    }
    approved.sort_unstable();
    approved.dedup();
    let approved: Vec<String> = approved.into_iter().map(str::to_string).collect();
    let classifications = (0..policy.classifications.len())
        .map(|index| {
            let requirements = policy.level_requirements(index);
            let mut minimum_filters: Vec<String> = requirements
                .minimum_filters
                .iter()
                .map(|(filter, _, _)| model.filter(*filter).name.clone())
                .collect();
            minimum_filters.dedup();
            let mut approved_filters: Vec<&str> = Vec::new();
            if !requirements.minimum_filters.is_empty() {
                for workload in model.workloads.iter().filter(|w| w.policy() == Some(id)) {
                    for endpoint in &workload.endpoints {
                        let Some(filter) = endpoint.filter() else {
                            continue;
                        };
                        let meets = requirements
                            .minimum_filters
                            .iter()
                            .all(|(minimum, _, _)| comparisons.meets(filter.target, *minimum));
                        if meets {
                            approved_filters.push(&model.filter(filter.target).name);
                        }
                    }
                }
                approved_filters.sort_unstable();
                approved_filters.dedup();
            }
            ir::Classification {
                approved_filters: approved_filters.into_iter().map(str::to_string).collect(),
                name: policy.classifications[index].name.clone(),
                private_network: requirements.private_network.is_some(),
                no_global_deployments: requirements.no_global_deployments.is_some(),
                minimum_filters,
            }
        })
        .collect();
    ir::Policy {
        central_team: value_of(&policy.central_team).map(|(group, _)| group.clone()),
        classifications,
        name: policy.name.clone(),
        display_name: value_of(&policy.display_name)
            .cloned()
            .unwrap_or_else(|| policy.name.clone()),
        description: value_of(&policy.description)
            .cloned()
            .unwrap_or_else(|| policy.doc.clone().unwrap_or_default()),
        scopes,
        definitions_scope,
        effect: value_of(&policy.effect)
            .copied()
            .unwrap_or(ir::Effect::Deny),
        allowed_models: policy.models.as_ref().map(|models| {
            models
                .allowed()
                .map(|allow| {
                    let entry = catalog.model(&allow.model.name);
                    ir::AllowedModel {
                        name: allow.model.name.clone(),
                        format: entry.and_then(|m| m.format.clone()).unwrap_or_default(),
                        versions: allow
                            .versions
                            .iter()
                            .map(|v| {
                                entry
                                    .and_then(|m| m.version(&v.name))
                                    .map_or_else(|| v.name.clone(), |found| found.version.clone())
                            })
                            .collect(),
                        fine_tuned: entry.is_some_and(|m| m.fine_tuned_from.is_some()),
                    }
                })
                .collect()
        }),
        minimum_filter: value_of(&policy.minimum)
            .map(|minimum| lowered_filters.get(minimum.target)),
        guardrail: value_of(&policy.guardrail)
            .map(|guardrail| lowered_filters.get(guardrail.target)),
        agent_sides: value_of(&policy.agent_sides)
            .map(|sides| sides.iter().map(|(side, _)| *side).collect())
            .unwrap_or_default(),
        approved_filters: approved,
        allowed_regions: policy
            .regions
            .as_ref()
            .map(|field| field.value.iter().map(|r| r.name.clone()).collect()),
        max_capacity: Policy::cap(&policy.max_capacity).map(|(cap, _)| cap),
        max_provisioned: Policy::cap(&policy.max_provisioned).map(|(cap, _)| cap),
        allowed_deployment_types: policy.allowed_deployment_types().map(|(types, _)| types),
        local_auth: value_of(&policy.local_auth).copied(),
        public_network: value_of(&policy.public_network).copied(),
        retirement_warning_days: policy.retirement_warning_days(),
        owner_tag: value_of(&policy.owner_tag)
            .cloned()
            .unwrap_or_else(|| DEFAULT_OWNER_TAG.to_string()),
        exemptions: policy
            .exemptions
            .iter()
            .filter_map(|exemption| {
                let (scope, _) = exemption.scope.clone()?;
                let scope = resolved(model, &scope);
                let accounts = exempted_accounts(model, exemption, workloads, naming);
                // With a hierarchy, the policy scope that contains the exempted one; an
                // unresolved assignment was reported (E0703, E0704, E0904).
                let assignment_scope = match model.exemption_place(policy, exemption) {
                    ExemptionPlace::Assignment(place) => model.hierarchy.scope_of(&place),
                    _ => {
                        let ExemptionAssignment::Scope(assignment_scope) =
                            policy.exemption_assignment(exemption)
                        else {
                            return None;
                        };
                        resolved(model, &assignment_scope)
                    }
                };
                let (expires, _) = exemption.until?;
                let reason = exemption.reason.as_ref().map(|modifier| &modifier.value);
                Some(ir::Exemption {
                    scope,
                    assignment_scope,
                    expires,
                    category: reason
                        .and_then(|reason| reason.category)
                        .map_or(ir::ExemptionCategory::Waiver, |(category, _)| category),
                    reason: reason
                        .and_then(|reason| reason.text.as_ref())
                        .map(|(text, _)| text.clone())
                        .unwrap_or_default(),
                    rules: {
                        let mut rules: Vec<ir::ExemptRule> = exemption
                            .only
                            .as_ref()
                            .and_then(|only| only.value.as_ref())
                            .map(|rules| rules.iter().map(|(rule, _)| *rule).collect())
                            .unwrap_or_default();
                        rules.sort();
                        rules.dedup();
                        rules
                    },
                    owner: exemption
                        .owner
                        .as_ref()
                        .and_then(|owner| owner.value.as_ref())
                        .map(|(text, _)| text.clone()),
                    ticket: exemption
                        .ticket
                        .as_ref()
                        .and_then(|ticket| ticket.value.as_ref())
                        .map(|(text, _)| text.clone()),
                })
                .map(|lowered| match (&lowered.scope, accounts) {
                    // `endpoint(...)`: one exemption per account of the endpoint.
                    (ir::Scope::Resource(resource), Some(accounts)) => accounts
                        .into_iter()
                        .map(|name| ir::Exemption {
                            scope: ir::Scope::Resource(ir::ResourceScope {
                                name,
                                ..resource.clone()
                            }),
                            ..lowered.clone()
                        })
                        .collect(),
                    _ => vec![lowered],
                })
            })
            .flatten()
            .collect(),
    }
}

/// The accounts Charter creates for the endpoint an exemption names
/// (`endpoint(WORKLOAD.ENDPOINT)`), one per region, named as the backends name them;
/// `None` when the exemption names no endpoint.
fn exempted_accounts(
    model: &Model,
    exemption: &model::Exemption,
    workloads: &[ir::Workload],
    naming: &ir::Naming,
) -> Option<Vec<String>> {
    let (workload, endpoint) = exemption.endpoint.as_ref()?.target?;
    let workload = model.workload(workload);
    let endpoint = &workload.endpoints.get(endpoint)?.name;
    let workload = &workload.name;
    let lowered = workloads
        .iter()
        .find(|w| &w.name == workload)?
        .endpoints
        .iter()
        .find(|e| &e.name == endpoint)?;
    Some(
        lowered
            .regions
            .iter()
            .map(|region| ir::names::account(naming.prefix.as_deref(), workload, endpoint, region))
            .collect(),
    )
}

/// The subscription of a policy assigned only at resource groups, taken from the workloads in
/// them (those the policy governs first): `None` when no workload there names its subscription
/// (the deployment's own subscription is meant) or when the policy has other scopes.
fn resource_groups_subscription(
    policy: &str,
    scopes: &[ir::Scope],
    workloads: &[ir::Workload],
) -> Option<String> {
    if scopes
        .iter()
        .any(|scope| !matches!(scope, ir::Scope::ResourceGroup(_) | ir::Scope::Resource(_)))
    {
        return None;
    }
    scopes.iter().find_map(|scope| {
        let ir::Scope::ResourceGroup(group) = scope else {
            return None;
        };
        workloads
            .iter()
            .filter(|workload| &workload.resource_group == group && workload.subscription.is_some())
            // Prefer the workloads this policy governs; any workload in the group will do.
            .max_by_key(|workload| workload.policy == policy)
            .and_then(|workload| workload.subscription.clone())
    })
}
