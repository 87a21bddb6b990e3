//! What a change to a project means for its governance: two checked projects (their IR)
//! compared declaration by declaration, each difference classified as tightening, loosening or
//! neutral, with the workloads and endpoints it affects.
//!
//! Pure: it compares values and does no IO. Everything it reads is in the IR, where inherited
//! settings are explicit (a filter's effective settings after `extends`), so a formatting-only
//! or `//`-comment-only change gives no difference at all. Doc comments (`///`) are
//! descriptions, which Azure and `charter doc` show: a changed one is a neutral change.

use charter_ir::{
    Budget, BudgetPeriod, DeploymentType, Effect, Endpoint, Exemption, Filter, Level, Policy,
    Project, Redundancy, Scope, Side, Threshold, Toggle, Workload,
};
use serde::Serialize;
use std::collections::BTreeSet;

/// Whether a change makes the governance stricter, weaker, or neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    /// Something is allowed that was not, or a control was weakened or removed.
    Loosening,
    /// Something is refused that was allowed, or a control was added or strengthened.
    Tightening,
    /// A change of meaning that neither allows nor refuses more (a renamed tag key, a new
    /// endpoint the policy governs, a description).
    Neutral,
}

impl Classification {
    /// The stable name used in JSON and the other formats.
    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Loosening => "loosening",
            Classification::Tightening => "tightening",
            Classification::Neutral => "neutral",
        }
    }

    /// Tightening when `after` is stricter than `before`, loosening when weaker.
    fn of_strictness(before: u8, after: u8) -> Classification {
        match after.cmp(&before) {
            std::cmp::Ordering::Greater => Classification::Tightening,
            std::cmp::Ordering::Less => Classification::Loosening,
            std::cmp::Ordering::Equal => Classification::Neutral,
        }
    }
}

/// The workloads and endpoints (`workload.endpoint`) a change affects, in either version.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Affects {
    pub workloads: Vec<String>,
    pub endpoints: Vec<String>,
}

impl Affects {
    fn add_endpoint(&mut self, workload: &Workload, endpoint: &Endpoint) {
        push_unique(&mut self.workloads, &workload.name);
        push_unique(
            &mut self.endpoints,
            &format!("{}.{}", workload.name, endpoint.name),
        );
    }

    fn add_workload(&mut self, workload: &Workload) {
        push_unique(&mut self.workloads, &workload.name);
        for endpoint in &workload.endpoints {
            self.add_endpoint(workload, endpoint);
        }
    }

    fn merge(&mut self, other: Affects) {
        for workload in other.workloads {
            push_unique(&mut self.workloads, &workload);
        }
        for endpoint in other.endpoints {
            push_unique(&mut self.endpoints, &endpoint);
        }
    }
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|existing| existing == item) {
        list.push(item.to_string());
    }
}

/// One difference in meaning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub classification: Classification,
    /// A stable identifier of what changed, for tools: `filter.setting`,
    /// `policy.allowed_model`, `policy.exemption`, `endpoint.redundancy`, ...
    pub kind: &'static str,
    /// The declaration that changed, as Charter names it: `policy contoso_ai`,
    /// `filter baseline`, `endpoint customer_support.support_chat`.
    pub subject: String,
    /// One line for a person, in Charter's words, values in backticks.
    pub message: String,
    /// The value before and after, when the change has one (`medium`, `2027-03-31`).
    pub before: Option<String>,
    pub after: Option<String>,
    pub affects: Affects,
}

/// Every difference in meaning from `base` to `head`, loosening first, then tightening, then
/// neutral; within each, in the order of the declarations (policies, filters, blocklists,
/// workloads, project settings).
pub fn compare(base: &Project, head: &Project) -> Vec<Change> {
    let context = Context { base, head };
    let mut changes = Vec::new();
    context.policies(&mut changes);
    context.filters(&mut changes);
    context.blocklists(&mut changes);
    context.workloads(&mut changes);
    if base.naming != head.naming {
        let mut affects = Affects::default();
        for workload in &head.workloads {
            affects.add_workload(workload);
        }
        changes.push(Change {
            classification: Classification::Neutral,
            kind: "project.name_prefix",
            subject: "project".into(),
            message: "the naming prefix of Azure resources changed: every AI account is renamed (replaced)".into(),
            before: base.naming.prefix.clone(),
            after: head.naming.prefix.clone(),
            affects,
        });
    }
    changes.sort_by_key(|change| change.classification);
    changes
}

/// Counts per classification.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub loosening: usize,
    pub tightening: usize,
    pub neutral: usize,
}

/// Counts the changes per classification.
pub fn summarize(changes: &[Change]) -> Summary {
    let mut summary = Summary::default();
    for change in changes {
        match change.classification {
            Classification::Loosening => summary.loosening += 1,
            Classification::Tightening => summary.tightening += 1,
            Classification::Neutral => summary.neutral += 1,
        }
    }
    summary
}

struct Context<'p> {
    base: &'p Project,
    head: &'p Project,
}

/// The projects, head first: what a change affects is looked up in both versions (a removed
/// endpoint is affected too).
fn both<'p>(context: &Context<'p>) -> [&'p Project; 2] {
    [context.head, context.base]
}

impl Context<'_> {
    /// The workloads a policy governs, with all their endpoints (when `endpoint` says so).
    fn governed(&self, policy: &str, endpoint: impl Fn(&Endpoint) -> bool) -> Affects {
        let mut affects = Affects::default();
        for project in both(self) {
            for workload in project.workloads.iter().filter(|w| w.policy == policy) {
                push_unique(&mut affects.workloads, &workload.name);
                for candidate in workload.endpoints.iter().filter(|e| endpoint(e)) {
                    affects.add_endpoint(workload, candidate);
                }
            }
        }
        affects
    }

    /// The endpoints that deploy a filter (by name), the workloads whose apps require it, and
    /// every endpoint governed by a policy whose minimum it is.
    fn using_filter(&self, filter: &str) -> Affects {
        let mut affects = Affects::default();
        for project in both(self) {
            for workload in &project.workloads {
                for endpoint in workload
                    .endpoints
                    .iter()
                    .filter(|e| e.filter.name == filter)
                {
                    affects.add_endpoint(workload, endpoint);
                }
                if workload
                    .apps
                    .iter()
                    .any(|app| app.filter.as_deref() == Some(filter))
                {
                    push_unique(&mut affects.workloads, &workload.name);
                }
            }
            for policy in &project.policies {
                if policy
                    .minimum_filter
                    .as_ref()
                    .is_some_and(|minimum| minimum.name == filter)
                {
                    affects.merge(self.governed(&policy.name, |_| true));
                }
            }
        }
        affects
    }

    /// The endpoints whose filter applies a blocklist.
    fn using_blocklist(&self, blocklist: &str) -> Affects {
        let mut affects = Affects::default();
        for project in both(self) {
            for workload in &project.workloads {
                for endpoint in workload
                    .endpoints
                    .iter()
                    .filter(|e| e.filter.blocklists.iter().any(|b| b.name == blocklist))
                {
                    affects.add_endpoint(workload, endpoint);
                }
            }
        }
        affects
    }

    /// The workloads in an exempted scope, with their endpoints. A management group may hold
    /// any of the policy's workloads (the project does not know the hierarchy): all of them.
    fn exempted(&self, policy: &str, scope: &Scope) -> Affects {
        let mut affects = Affects::default();
        for project in both(self) {
            for workload in project.workloads.iter().filter(|w| w.policy == policy) {
                let inside = match scope {
                    Scope::ResourceGroup(group) => &workload.resource_group == group,
                    Scope::Subscription(subscription) => {
                        workload.subscription.as_ref() == Some(subscription)
                    }
                    Scope::ManagementGroup(_) => true,
                    // One resource: the endpoint whose account it is, if Charter creates it.
                    Scope::Resource(resource) => {
                        for endpoint in &workload.endpoints {
                            let owns = workload.resource_group == resource.resource_group
                                && endpoint.regions.iter().any(|region| {
                                    charter_ir::names::account(
                                        project.naming.prefix.as_deref(),
                                        &workload.name,
                                        &endpoint.name,
                                        region,
                                    ) == resource.name
                                });
                            if owns {
                                affects.add_endpoint(workload, endpoint);
                            }
                        }
                        false
                    }
                };
                if inside {
                    affects.add_workload(workload);
                }
            }
        }
        affects
    }

    fn policies(&self, out: &mut Vec<Change>) {
        for policy in &self.base.policies {
            if !self.head.policies.iter().any(|p| p.name == policy.name) {
                out.push(Change {
                    classification: Classification::Loosening,
                    kind: "policy.removed",
                    subject: format!("policy {}", policy.name),
                    message: format!(
                        "policy `{}` is removed: nothing it enforced is enforced any more",
                        policy.name
                    ),
                    before: None,
                    after: None,
                    affects: self.governed(&policy.name, |_| true),
                });
            }
        }
        for policy in &self.head.policies {
            match self.base.policies.iter().find(|p| p.name == policy.name) {
                None => out.push(Change {
                    classification: Classification::Tightening,
                    kind: "policy.added",
                    subject: format!("policy {}", policy.name),
                    message: format!(
                        "policy `{}` is added, assigned at {}",
                        policy.name,
                        list(
                            policy
                                .scopes
                                .iter()
                                .map(|scope| format!("`{}`", scope_text(scope)))
                        )
                    ),
                    before: None,
                    after: None,
                    affects: self.governed(&policy.name, |_| true),
                }),
                Some(old) => self.policy(old, policy, out),
            }
        }
    }

    fn policy(&self, old: &Policy, new: &Policy, out: &mut Vec<Change>) {
        let subject = format!("policy {}", new.name);
        let name = &new.name;
        let change = |classification, kind, message: String, before, after, affects| Change {
            classification,
            kind,
            subject: subject.clone(),
            message,
            before,
            after,
            affects,
        };
        let all = || self.governed(name, |_| true);

        for scope in &old.scopes {
            if !new.scopes.contains(scope) {
                out.push(change(
                    Classification::Loosening,
                    "policy.scope",
                    format!(
                        "policy `{name}` is no longer assigned at `{}`",
                        scope_text(scope)
                    ),
                    Some(scope_text(scope)),
                    None,
                    all(),
                ));
            }
        }
        for scope in &new.scopes {
            if !old.scopes.contains(scope) {
                out.push(change(
                    Classification::Tightening,
                    "policy.scope",
                    format!(
                        "policy `{name}` is also assigned at `{}`",
                        scope_text(scope)
                    ),
                    None,
                    Some(scope_text(scope)),
                    all(),
                ));
            }
        }
        if old.effect != new.effect {
            out.push(change(
                Classification::of_strictness(
                    effect_strictness(old.effect),
                    effect_strictness(new.effect),
                ),
                "policy.effect",
                format!(
                    "policy `{name}`: effect {} -> {}",
                    effect_name(old.effect),
                    effect_name(new.effect)
                ),
                Some(effect_name(old.effect).into()),
                Some(effect_name(new.effect).into()),
                all(),
            ));
        }
        self.allowed_models(old, new, out);
        self.minimum_filter(old, new, out);

        // Regions.
        let in_region = |region: &str| {
            let region = region.to_string();
            move |endpoint: &Endpoint| endpoint.regions.contains(&region)
        };
        match (&old.allowed_regions, &new.allowed_regions) {
            (Some(before), Some(after)) => {
                for region in after.iter().filter(|r| !before.contains(r)) {
                    out.push(change(
                        Classification::Loosening,
                        "policy.allowed_region",
                        format!("policy `{name}` allows region `{region}`"),
                        None,
                        Some(region.clone()),
                        self.governed(name, in_region(region)),
                    ));
                }
                for region in before.iter().filter(|r| !after.contains(r)) {
                    out.push(change(
                        Classification::Tightening,
                        "policy.allowed_region",
                        format!("policy `{name}` no longer allows region `{region}`"),
                        Some(region.clone()),
                        None,
                        self.governed(name, in_region(region)),
                    ));
                }
            }
            (Some(before), None) => out.push(change(
                Classification::Loosening,
                "policy.allowed_regions",
                format!(
                    "policy `{name}` allows every region (it allowed {})",
                    code_list(before)
                ),
                Some(before.join(", ")),
                None,
                all(),
            )),
            (None, Some(after)) => out.push(change(
                Classification::Tightening,
                "policy.allowed_regions",
                format!(
                    "policy `{name}` allows only the regions {}",
                    code_list(after)
                ),
                None,
                Some(after.join(", ")),
                all(),
            )),
            (None, None) => {}
        }

        // Capacity caps: a higher cap, or none, loosens.
        let caps = [
            (
                "policy.max_capacity",
                "capacity cap",
                old.max_capacity,
                new.max_capacity,
                false,
            ),
            (
                "policy.max_provisioned",
                "provisioned capacity cap (PTUs)",
                old.max_provisioned,
                new.max_provisioned,
                true,
            ),
        ];
        for (kind, what, before, after, provisioned) in caps {
            if before == after {
                continue;
            }
            let classification = match (before, after) {
                (Some(b), Some(a)) if a > b => Classification::Loosening,
                (Some(_), Some(_)) => Classification::Tightening,
                (Some(_), None) => Classification::Loosening,
                (None, _) => Classification::Tightening,
            };
            let show = |cap: Option<u32>| cap.map_or("none".to_string(), |c| format!("{c} units"));
            out.push(change(
                classification,
                kind,
                format!(
                    "policy `{name}`: {what} {} -> {}",
                    show(before),
                    show(after)
                ),
                before.map(|c| c.to_string()),
                after.map(|c| c.to_string()),
                self.governed(name, |e| e.deployment_type.is_provisioned() == provisioned),
            ));
        }

        // Deployment types.
        let of_type =
            |ty: DeploymentType| move |endpoint: &Endpoint| endpoint.deployment_type == ty;
        match (&old.allowed_deployment_types, &new.allowed_deployment_types) {
            (Some(before), Some(after)) => {
                for ty in after.iter().filter(|t| !before.contains(t)) {
                    out.push(change(
                        Classification::Loosening,
                        "policy.deployment_type",
                        format!(
                            "policy `{name}` allows deployment type `{}`",
                            ty.charter_name()
                        ),
                        None,
                        Some(ty.charter_name().into()),
                        self.governed(name, of_type(*ty)),
                    ));
                }
                for ty in before.iter().filter(|t| !after.contains(t)) {
                    out.push(change(
                        Classification::Tightening,
                        "policy.deployment_type",
                        format!(
                            "policy `{name}` no longer allows deployment type `{}`",
                            ty.charter_name()
                        ),
                        Some(ty.charter_name().into()),
                        None,
                        self.governed(name, of_type(*ty)),
                    ));
                }
            }
            (Some(before), None) => out.push(change(
                Classification::Loosening,
                "policy.deployment_types",
                format!(
                    "policy `{name}` allows every deployment type (it allowed {})",
                    code_list(before.iter().map(|t| t.charter_name()))
                ),
                None,
                None,
                all(),
            )),
            (None, Some(after)) => out.push(change(
                Classification::Tightening,
                "policy.deployment_types",
                format!(
                    "policy `{name}` allows only the deployment types {}",
                    code_list(after.iter().map(|t| t.charter_name()))
                ),
                None,
                None,
                all(),
            )),
            (None, None) => {}
        }

        for (kind, field, before, after, requirement) in [
            (
                "policy.local_auth",
                "local_auth",
                old.local_auth,
                new.local_auth,
                "Microsoft Entra ID authentication (no API keys)",
            ),
            (
                "policy.public_network",
                "public_network",
                old.public_network,
                new.public_network,
                "private network access",
            ),
        ] {
            if before == after {
                continue;
            }
            let strictness = |toggle: Option<Toggle>| u8::from(toggle == Some(Toggle::Disabled));
            let classification =
                Classification::of_strictness(strictness(before), strictness(after));
            let show = |toggle: Option<Toggle>| match toggle {
                Some(Toggle::Disabled) => "disabled",
                Some(Toggle::Enabled) => "enabled",
                None => "not enforced",
            };
            let meaning = match classification {
                Classification::Loosening => format!(", {requirement} is no longer required"),
                Classification::Tightening => format!(", {requirement} is required"),
                Classification::Neutral => String::new(),
            };
            out.push(change(
                classification,
                kind,
                format!(
                    "policy `{name}`: {field} {} -> {}{meaning}",
                    show(before),
                    show(after)
                ),
                Some(show(before).into()),
                Some(show(after).into()),
                all(),
            ));
        }

        if old.retirement_warning_days != new.retirement_warning_days {
            out.push(change(
                if new.retirement_warning_days > old.retirement_warning_days {
                    Classification::Tightening
                } else {
                    Classification::Loosening
                },
                "policy.retirement_warning",
                format!(
                    "policy `{name}`: retirement warnings {} -> {} days ahead",
                    old.retirement_warning_days, new.retirement_warning_days
                ),
                Some(old.retirement_warning_days.to_string()),
                Some(new.retirement_warning_days.to_string()),
                all(),
            ));
        }
        if old.owner_tag != new.owner_tag {
            out.push(change(
                Classification::Neutral,
                "policy.owner_tag",
                format!(
                    "policy `{name}`: owner tag `{}` -> `{}` (accounts and deployments are retagged)",
                    old.owner_tag, new.owner_tag
                ),
                Some(old.owner_tag.clone()),
                Some(new.owner_tag.clone()),
                all(),
            ));
        }
        if old.definitions_scope != new.definitions_scope {
            let show = |scope: &Option<Scope>| {
                scope
                    .as_ref()
                    .map_or("the deployment's subscription".to_string(), |scope| {
                        format!("`{}`", scope_text(scope))
                    })
            };
            out.push(change(
                Classification::Neutral,
                "policy.definitions_at",
                format!(
                    "policy `{name}`: definitions stored at {} -> {} (definitions and initiative are recreated there)",
                    show(&old.definitions_scope),
                    show(&new.definitions_scope)
                ),
                Some(show(&old.definitions_scope)),
                Some(show(&new.definitions_scope)),
                all(),
            ));
        }
        for (kind, field, before, after) in [
            (
                "policy.display_name",
                "display name",
                &old.display_name,
                &new.display_name,
            ),
            (
                "policy.description",
                "description",
                &old.description,
                &new.description,
            ),
        ] {
            if before != after {
                out.push(change(
                    Classification::Neutral,
                    kind,
                    format!("policy `{name}`: {field} changed"),
                    Some(before.clone()),
                    Some(after.clone()),
                    Affects::default(),
                ));
            }
        }
        self.exemptions(old, new, out);
    }

    fn allowed_models(&self, old: &Policy, new: &Policy, out: &mut Vec<Change>) {
        let name = &new.name;
        let subject = format!("policy {name}");
        let using = |model: &str| {
            let model = model.to_string();
            self.governed(name, move |endpoint: &Endpoint| {
                endpoint.model.name == model
            })
        };
        let versions_text = |versions: &[String]| {
            if versions.is_empty() {
                "every version that is not retired".to_string()
            } else {
                format!("versions {}", code_list(versions))
            }
        };
        match (&old.allowed_models, &new.allowed_models) {
            (None, None) => {}
            (Some(_), None) => out.push(Change {
                classification: Classification::Loosening,
                kind: "policy.allowed_models",
                subject,
                message: format!(
                    "policy `{name}` allows every model (its `models` block is removed)"
                ),
                before: None,
                after: None,
                affects: self.governed(name, |_| true),
            }),
            (None, Some(models)) => out.push(Change {
                classification: Classification::Tightening,
                kind: "policy.allowed_models",
                subject,
                message: format!(
                    "policy `{name}` allows only the models {}",
                    code_list(models.iter().map(|m| m.name.as_str()))
                ),
                before: None,
                after: None,
                affects: self.governed(name, |_| true),
            }),
            (Some(before), Some(after)) => {
                for model in after {
                    let Some(previous) = before.iter().find(|m| m.name == model.name) else {
                        out.push(Change {
                            classification: Classification::Loosening,
                            kind: "policy.allowed_model",
                            subject: subject.clone(),
                            message: format!(
                                "policy `{name}` allows model `{}` ({})",
                                model.name,
                                versions_text(&model.versions)
                            ),
                            before: None,
                            after: Some(model.name.clone()),
                            affects: using(&model.name),
                        });
                        continue;
                    };
                    // An empty list is every version: the widest there is.
                    match (previous.versions.is_empty(), model.versions.is_empty()) {
                        (true, true) => {}
                        (false, true) => out.push(Change {
                            classification: Classification::Loosening,
                            kind: "policy.allowed_version",
                            subject: subject.clone(),
                            message: format!(
                                "policy `{name}` allows every version of model `{}` that is not retired (it allowed {})",
                                model.name,
                                versions_text(&previous.versions)
                            ),
                            before: Some(previous.versions.join(", ")),
                            after: None,
                            affects: using(&model.name),
                        }),
                        (true, false) => out.push(Change {
                            classification: Classification::Tightening,
                            kind: "policy.allowed_version",
                            subject: subject.clone(),
                            message: format!(
                                "policy `{name}` allows only {} of model `{}` (it allowed every version)",
                                versions_text(&model.versions),
                                model.name
                            ),
                            before: None,
                            after: Some(model.versions.join(", ")),
                            affects: using(&model.name),
                        }),
                        (false, false) => {
                            for version in model.versions.iter().filter(|v| !previous.versions.contains(v)) {
                                out.push(Change {
                                    classification: Classification::Loosening,
                                    kind: "policy.allowed_version",
                                    subject: subject.clone(),
                                    message: format!(
                                        "policy `{name}` allows version `{version}` of model `{}`",
                                        model.name
                                    ),
                                    before: None,
                                    after: Some(version.clone()),
                                    affects: using(&model.name),
                                });
                            }
                            for version in previous.versions.iter().filter(|v| !model.versions.contains(v)) {
                                out.push(Change {
                                    classification: Classification::Tightening,
                                    kind: "policy.allowed_version",
                                    subject: subject.clone(),
                                    message: format!(
                                        "policy `{name}` no longer allows version `{version}` of model `{}`",
                                        model.name
                                    ),
                                    before: Some(version.clone()),
                                    after: None,
                                    affects: using(&model.name),
                                });
                            }
                        }
                    }
                }
                for model in before
                    .iter()
                    .filter(|m| !after.iter().any(|n| n.name == m.name))
                {
                    out.push(Change {
                        classification: Classification::Tightening,
                        kind: "policy.allowed_model",
                        subject: subject.clone(),
                        message: format!("policy `{name}` no longer allows model `{}`", model.name),
                        before: Some(model.name.clone()),
                        after: None,
                        affects: using(&model.name),
                    });
                }
            }
        }
    }

    /// The `filters: at_least X` baseline. A change inside the same filter is reported once,
    /// as a change of that filter (whose affects include this policy's endpoints); here only a
    /// different filter, or none, is compared.
    fn minimum_filter(&self, old: &Policy, new: &Policy, out: &mut Vec<Change>) {
        let name = &new.name;
        let subject = format!("policy {name}");
        match (&old.minimum_filter, &new.minimum_filter) {
            (None, None) => {}
            (Some(before), None) => out.push(Change {
                classification: Classification::Loosening,
                kind: "policy.minimum_filter",
                subject,
                message: format!(
                    "policy `{name}` no longer requires filters at least as strict as `{}`",
                    before.name
                ),
                before: Some(before.name.clone()),
                after: None,
                affects: self.governed(name, |_| true),
            }),
            (None, Some(after)) => out.push(Change {
                classification: Classification::Tightening,
                kind: "policy.minimum_filter",
                subject,
                message: format!(
                    "policy `{name}` requires every filter to be at least as strict as `{}`",
                    after.name
                ),
                before: None,
                after: Some(after.name.clone()),
                affects: self.governed(name, |_| true),
            }),
            (Some(before), Some(after)) if before.name != after.name => {
                let (classification, details) = compare_filters(before, after);
                out.push(Change {
                    classification,
                    kind: "policy.minimum_filter",
                    subject,
                    message: format!(
                        "policy `{name}`: minimum filter `{}` -> `{}`{details}",
                        before.name, after.name
                    ),
                    before: Some(before.name.clone()),
                    after: Some(after.name.clone()),
                    affects: self.governed(name, |_| true),
                });
            }
            (Some(_), Some(_)) => {}
        }
    }

    fn exemptions(&self, old: &Policy, new: &Policy, out: &mut Vec<Change>) {
        let name = &new.name;
        let subject = format!("policy {name}");
        let same = |a: &Exemption, b: &Exemption| {
            a.scope == b.scope && a.assignment_scope == b.assignment_scope
        };
        let describe = |exemption: &Exemption| {
            format!(
                "`{}` (from the assignment at `{}`)",
                scope_text(&exemption.scope),
                scope_text(&exemption.assignment_scope)
            )
        };
        for exemption in &new.exemptions {
            let affects = self.exempted(name, &exemption.scope);
            let Some(previous) = old.exemptions.iter().find(|e| same(e, exemption)) else {
                out.push(Change {
                    classification: Classification::Loosening,
                    kind: "policy.exemption",
                    subject: subject.clone(),
                    message: format!(
                        "policy `{name}` exempts {} until {}",
                        describe(exemption),
                        exemption.expires
                    ),
                    before: None,
                    after: Some(exemption.expires.to_string()),
                    affects,
                });
                continue;
            };
            if previous.expires != exemption.expires {
                let extended = exemption.expires > previous.expires;
                out.push(Change {
                    classification: if extended {
                        Classification::Loosening
                    } else {
                        Classification::Tightening
                    },
                    kind: "policy.exemption_expiry",
                    subject: subject.clone(),
                    message: format!(
                        "policy `{name}`: the exemption of {} is {}: {} -> {}",
                        describe(exemption),
                        if extended { "extended" } else { "shortened" },
                        previous.expires,
                        exemption.expires
                    ),
                    before: Some(previous.expires.to_string()),
                    after: Some(exemption.expires.to_string()),
                    affects: affects.clone(),
                });
            }
            if previous.category != exemption.category || previous.reason != exemption.reason {
                let category = |e: &Exemption| match e.category {
                    charter_ir::ExemptionCategory::Waiver => "waiver",
                    charter_ir::ExemptionCategory::Mitigated => "mitigated",
                };
                out.push(Change {
                    classification: Classification::Neutral,
                    kind: "policy.exemption_reason",
                    subject: subject.clone(),
                    message: format!(
                        "policy `{name}`: the exemption of {} is now {} `{}`",
                        describe(exemption),
                        category(exemption),
                        exemption.reason
                    ),
                    before: Some(format!("{} {}", category(previous), previous.reason)),
                    after: Some(format!("{} {}", category(exemption), exemption.reason)),
                    affects,
                });
            }
        }
        for exemption in old
            .exemptions
            .iter()
            .filter(|e| !new.exemptions.iter().any(|n| same(n, e)))
        {
            out.push(Change {
                classification: Classification::Tightening,
                kind: "policy.exemption",
                subject: subject.clone(),
                message: format!(
                    "policy `{name}` no longer exempts {} (it did until {})",
                    describe(exemption),
                    exemption.expires
                ),
                before: Some(exemption.expires.to_string()),
                after: None,
                affects: self.exempted(name, &exemption.scope),
            });
        }
    }

    fn filters(&self, out: &mut Vec<Change>) {
        for filter in &self.head.filters {
            let Some(old) = self.base.filters.iter().find(|f| f.name == filter.name) else {
                out.push(Change {
                    classification: Classification::Neutral,
                    kind: "filter.added",
                    subject: format!("filter {}", filter.name),
                    message: format!("filter `{}` is added", filter.name),
                    before: None,
                    after: None,
                    affects: self.using_filter(&filter.name),
                });
                continue;
            };
            let subject = format!("filter {}", filter.name);
            let affects = self.using_filter(&filter.name);
            for setting in &filter.settings {
                let Some(before) = old.level(setting.side, setting.category) else {
                    continue;
                };
                if before == setting.level {
                    continue;
                }
                let classification =
                    Classification::of_strictness(before.strictness(), setting.level.strictness());
                let (before_text, after_text) = (level_name(before), level_name(setting.level));
                out.push(Change {
                    classification,
                    kind: "filter.setting",
                    subject: subject.clone(),
                    message: format!(
                        "filter `{}`, {} `{}`: {before_text} -> {after_text}, {}",
                        filter.name,
                        side_name(setting.side),
                        setting.category.charter_name(),
                        strength_word(classification)
                    ),
                    before: Some(before_text.into()),
                    after: Some(after_text.into()),
                    affects: affects.clone(),
                });
            }
            for blocklist in &filter.blocklists {
                if !old.blocklists.contains(blocklist) {
                    out.push(Change {
                        classification: Classification::Tightening,
                        kind: "filter.blocklist",
                        subject: subject.clone(),
                        message: format!(
                            "filter `{}` applies blocklist `{}` on the {} side",
                            filter.name,
                            blocklist.name,
                            side_name(blocklist.side)
                        ),
                        before: None,
                        after: Some(blocklist.name.clone()),
                        affects: affects.clone(),
                    });
                }
            }
            for blocklist in old
                .blocklists
                .iter()
                .filter(|b| !filter.blocklists.contains(b))
            {
                out.push(Change {
                    classification: Classification::Loosening,
                    kind: "filter.blocklist",
                    subject: subject.clone(),
                    message: format!(
                        "filter `{}` no longer applies blocklist `{}` on the {} side",
                        filter.name,
                        blocklist.name,
                        side_name(blocklist.side)
                    ),
                    before: Some(blocklist.name.clone()),
                    after: None,
                    affects: affects.clone(),
                });
            }
            if old.mode != filter.mode {
                let classification =
                    Classification::of_strictness(old.mode.strictness(), filter.mode.strictness());
                out.push(Change {
                    classification,
                    kind: "filter.mode",
                    subject: subject.clone(),
                    message: format!(
                        "filter `{}`: mode {} -> {}, {}",
                        filter.name,
                        old.mode.charter_name(),
                        filter.mode.charter_name(),
                        strength_word(classification)
                    ),
                    before: Some(old.mode.charter_name().into()),
                    after: Some(filter.mode.charter_name().into()),
                    affects: affects.clone(),
                });
            }
            if old.description != filter.description {
                out.push(Change {
                    classification: Classification::Neutral,
                    kind: "filter.description",
                    subject,
                    message: format!("filter `{}`: description changed", filter.name),
                    before: Some(old.description.clone()),
                    after: Some(filter.description.clone()),
                    affects: Affects::default(),
                });
            }
        }
        for filter in self
            .base
            .filters
            .iter()
            .filter(|f| !self.head.filters.iter().any(|n| n.name == f.name))
        {
            out.push(Change {
                classification: Classification::Neutral,
                kind: "filter.removed",
                subject: format!("filter {}", filter.name),
                message: format!("filter `{}` is removed", filter.name),
                before: None,
                after: None,
                affects: self.using_filter(&filter.name),
            });
        }
    }

    fn blocklists(&self, out: &mut Vec<Change>) {
        use charter_ir::BlocklistManagement;
        for blocklist in &self.head.blocklists {
            let subject = format!("blocklist {}", blocklist.name);
            let affects = self.using_blocklist(&blocklist.name);
            let Some(old) = self
                .base
                .blocklists
                .iter()
                .find(|b| b.name == blocklist.name)
            else {
                out.push(Change {
                    classification: Classification::Neutral,
                    kind: "blocklist.added",
                    subject,
                    message: format!("blocklist `{}` is added", blocklist.name),
                    before: None,
                    after: None,
                    affects,
                });
                continue;
            };
            match (&old.management, &blocklist.management) {
                (
                    BlocklistManagement::Charter { items: before },
                    BlocklistManagement::Charter { items: after },
                ) => {
                    let show = |item: &charter_ir::BlocklistItem| {
                        format!(
                            "{} `{}`",
                            if item.is_regex { "pattern" } else { "term" },
                            item.pattern
                        )
                    };
                    for item in after.iter().filter(|i| !before.contains(i)) {
                        out.push(Change {
                            classification: Classification::Tightening,
                            kind: "blocklist.item",
                            subject: subject.clone(),
                            message: format!(
                                "blocklist `{}` blocks {}",
                                blocklist.name,
                                show(item)
                            ),
                            before: None,
                            after: Some(item.pattern.clone()),
                            affects: affects.clone(),
                        });
                    }
                    for item in before.iter().filter(|i| !after.contains(i)) {
                        out.push(Change {
                            classification: Classification::Loosening,
                            kind: "blocklist.item",
                            subject: subject.clone(),
                            message: format!(
                                "blocklist `{}` no longer blocks {}",
                                blocklist.name,
                                show(item)
                            ),
                            before: Some(item.pattern.clone()),
                            after: None,
                            affects: affects.clone(),
                        });
                    }
                }
                (before, after) if before != after => out.push(Change {
                    classification: Classification::Neutral,
                    kind: "blocklist.management",
                    subject: subject.clone(),
                    message: format!(
                        "blocklist `{}` is now {}",
                        blocklist.name,
                        match after {
                            BlocklistManagement::External => "managed outside Charter",
                            BlocklistManagement::Charter { .. } => "created by Charter",
                        }
                    ),
                    before: None,
                    after: None,
                    affects: affects.clone(),
                }),
                _ => {}
            }
        }
        for blocklist in self
            .base
            .blocklists
            .iter()
            .filter(|b| !self.head.blocklists.iter().any(|n| n.name == b.name))
        {
            out.push(Change {
                classification: Classification::Neutral,
                kind: "blocklist.removed",
                subject: format!("blocklist {}", blocklist.name),
                message: format!("blocklist `{}` is removed", blocklist.name),
                before: None,
                after: None,
                affects: self.using_blocklist(&blocklist.name),
            });
        }
    }

    fn workloads(&self, out: &mut Vec<Change>) {
        for workload in &self.head.workloads {
            let Some(old) = self.base.workloads.iter().find(|w| w.name == workload.name) else {
                let mut affects = Affects::default();
                affects.add_workload(workload);
                out.push(Change {
                    classification: Classification::Neutral,
                    kind: "workload.added",
                    subject: format!("workload {}", workload.name),
                    message: format!(
                        "workload `{}` is added, governed by `{}`, with {} endpoint{}",
                        workload.name,
                        workload.policy,
                        workload.endpoints.len(),
                        plural(workload.endpoints.len())
                    ),
                    before: None,
                    after: None,
                    affects,
                });
                continue;
            };
            self.workload(old, workload, out);
        }
        for workload in self
            .base
            .workloads
            .iter()
            .filter(|w| !self.head.workloads.iter().any(|n| n.name == w.name))
        {
            let mut affects = Affects::default();
            affects.add_workload(workload);
            out.push(Change {
                classification: Classification::Neutral,
                kind: "workload.removed",
                subject: format!("workload {}", workload.name),
                message: format!(
                    "workload `{}` is removed with its {} endpoint{}",
                    workload.name,
                    workload.endpoints.len(),
                    plural(workload.endpoints.len())
                ),
                before: None,
                after: None,
                affects,
            });
        }
    }

    fn workload(&self, old: &Workload, new: &Workload, out: &mut Vec<Change>) {
        let name = &new.name;
        let subject = format!("workload {name}");
        let mut whole = Affects::default();
        whole.add_workload(old);
        whole.add_workload(new);
        let neutral = |kind, message: String, before: String, after: String| Change {
            classification: Classification::Neutral,
            kind,
            subject: subject.clone(),
            message,
            before: Some(before),
            after: Some(after),
            affects: whole.clone(),
        };
        if old.policy != new.policy {
            out.push(neutral(
                "workload.policy",
                format!(
                    "workload `{name}` is governed by `{}` instead of `{}`",
                    new.policy, old.policy
                ),
                old.policy.clone(),
                new.policy.clone(),
            ));
        }
        if old.environment != new.environment {
            out.push(neutral(
                "workload.environment",
                format!(
                    "workload `{name}`: environment {} -> {}",
                    environment_name(old.environment),
                    environment_name(new.environment)
                ),
                environment_name(old.environment).into(),
                environment_name(new.environment).into(),
            ));
        }
        if old.resource_group != new.resource_group || old.subscription != new.subscription {
            let place = |w: &Workload| match &w.subscription {
                Some(subscription) => format!("{} in {subscription}", w.resource_group),
                None => w.resource_group.clone(),
            };
            out.push(neutral(
                "workload.resource_group",
                format!(
                    "workload `{name}` moves from `{}` to `{}`: its resources are recreated there",
                    place(old),
                    place(new)
                ),
                place(old),
                place(new),
            ));
        }
        if old.data_zone != new.data_zone {
            let show = |zone: Option<charter_ir::DataZone>| match zone {
                Some(charter_ir::DataZone::Eu) => "eu",
                Some(charter_ir::DataZone::Us) => "us",
                None => "none",
            };
            let classification = match (old.data_zone, new.data_zone) {
                (Some(_), None) => Classification::Loosening,
                (None, Some(_)) => Classification::Tightening,
                _ => Classification::Neutral,
            };
            out.push(Change {
                classification,
                kind: "workload.data_zone",
                subject: subject.clone(),
                message: format!(
                    "workload `{name}`: data zone {} -> {}",
                    show(old.data_zone),
                    show(new.data_zone)
                ),
                before: Some(show(old.data_zone).into()),
                after: Some(show(new.data_zone).into()),
                affects: whole.clone(),
            });
        }
        if old.description != new.description {
            out.push(neutral(
                "workload.description",
                format!("workload `{name}`: description changed"),
                old.description.clone(),
                new.description.clone(),
            ));
        }
        self.apps(old, new, &whole, out);
        budget(name, old.budget.as_ref(), new.budget.as_ref(), &whole, out);
        for endpoint in &new.endpoints {
            let mut affects = Affects::default();
            affects.add_endpoint(new, endpoint);
            match old.endpoints.iter().find(|e| e.name == endpoint.name) {
                None => out.push(Change {
                    classification: Classification::Neutral,
                    kind: "endpoint.added",
                    subject: format!("endpoint {name}.{}", endpoint.name),
                    message: format!(
                        "endpoint `{name}.{}` is added: `{}` version `{}`, {} capacity {}, filter `{}`, in {}",
                        endpoint.name,
                        endpoint.model.name,
                        endpoint.model.version,
                        endpoint.deployment_type.charter_name(),
                        endpoint.capacity,
                        endpoint.filter.name,
                        code_list(&endpoint.regions)
                    ),
                    before: None,
                    after: None,
                    affects,
                }),
                Some(previous) => endpoint_changes(name, previous, endpoint, &affects, out),
            }
        }
        for endpoint in old
            .endpoints
            .iter()
            .filter(|e| !new.endpoints.iter().any(|n| n.name == e.name))
        {
            let mut affects = Affects::default();
            affects.add_endpoint(old, endpoint);
            out.push(Change {
                classification: Classification::Neutral,
                kind: "endpoint.removed",
                subject: format!("endpoint {name}.{}", endpoint.name),
                message: format!("endpoint `{name}.{}` is removed", endpoint.name),
                before: None,
                after: None,
                affects,
            });
        }
    }

    /// The apps of a workload, and the filter each requires.
    fn apps(&self, old: &Workload, new: &Workload, whole: &Affects, out: &mut Vec<Change>) {
        let name = &new.name;
        let subject = format!("workload {name}");
        for app in &new.apps {
            let Some(previous) = old.apps.iter().find(|a| a.name == app.name) else {
                out.push(Change {
                    classification: Classification::Neutral,
                    kind: "app.added",
                    subject: subject.clone(),
                    message: format!("workload `{name}` has a new app `{}`", app.name),
                    before: None,
                    after: Some(app.name.clone()),
                    affects: whole.clone(),
                });
                continue;
            };
            if previous.filter == app.filter {
                continue;
            }
            let find = |project: &Project, filter: &Option<String>| {
                filter
                    .as_ref()
                    .and_then(|name| project.filters.iter().find(|f| &f.name == name).cloned())
            };
            let (classification, details) = match (
                find(self.base, &previous.filter),
                find(self.head, &app.filter),
            ) {
                (Some(before), Some(after)) => compare_filters(&before, &after),
                (Some(_), None) => (Classification::Loosening, String::new()),
                (None, Some(_)) => (Classification::Tightening, String::new()),
                (None, None) => (Classification::Neutral, String::new()),
            };
            let show = |filter: &Option<String>| filter.clone().unwrap_or_else(|| "none".into());
            out.push(Change {
                classification,
                kind: "app.filter",
                subject: subject.clone(),
                message: format!(
                    "app `{name}.{}` requires filter `{}` instead of `{}`{details}",
                    app.name,
                    show(&app.filter),
                    show(&previous.filter)
                ),
                before: previous.filter.clone(),
                after: app.filter.clone(),
                affects: whole.clone(),
            });
        }
        for app in old
            .apps
            .iter()
            .filter(|a| !new.apps.iter().any(|n| n.name == a.name))
        {
            out.push(Change {
                classification: Classification::Neutral,
                kind: "app.removed",
                subject: subject.clone(),
                message: format!("workload `{name}` no longer has app `{}`", app.name),
                before: Some(app.name.clone()),
                after: None,
                affects: whole.clone(),
            });
        }
    }
}

fn endpoint_changes(
    workload: &str,
    old: &Endpoint,
    new: &Endpoint,
    affects: &Affects,
    out: &mut Vec<Change>,
) {
    let label = format!("{workload}.{}", new.name);
    let subject = format!("endpoint {label}");
    let change = |classification, kind, message: String, before: String, after: String| Change {
        classification,
        kind,
        subject: subject.clone(),
        message,
        before: Some(before),
        after: Some(after),
        affects: affects.clone(),
    };
    if old.model != new.model {
        let show = |e: &Endpoint| format!("{} {}", e.model.name, e.model.version);
        out.push(change(
            Classification::Neutral,
            "endpoint.model",
            format!(
                "endpoint `{label}`: model `{}` version `{}` -> `{}` version `{}`",
                old.model.name, old.model.version, new.model.name, new.model.version
            ),
            show(old),
            show(new),
        ));
    }
    if old.deployment_type != new.deployment_type || old.capacity != new.capacity {
        let show = |e: &Endpoint| {
            format!(
                "{} capacity {}",
                e.deployment_type.charter_name(),
                e.capacity
            )
        };
        out.push(change(
            Classification::Neutral,
            "endpoint.deployment",
            format!("endpoint `{label}`: {} -> {}", show(old), show(new)),
            show(old),
            show(new),
        ));
    }
    if old.filter != new.filter {
        let (classification, details) = compare_filters(&old.filter, &new.filter);
        let message = if old.filter.name == new.filter.name {
            // The filter itself changed: reported once, under the filter.
            None
        } else {
            Some(format!(
                "endpoint `{label}`: filter `{}` -> `{}`{details}",
                old.filter.name, new.filter.name
            ))
        };
        if let Some(message) = message {
            out.push(change(
                classification,
                "endpoint.filter",
                message,
                old.filter.name.clone(),
                new.filter.name.clone(),
            ));
        }
    }
    if old.regions != new.regions
        || old.redundancy != new.redundancy
        || old.standby_capacity != new.standby_capacity
    {
        let distinct = |e: &Endpoint| e.regions.iter().collect::<BTreeSet<_>>().len() as u8;
        let mode = Classification::of_strictness(
            redundancy_strictness(old.redundancy),
            redundancy_strictness(new.redundancy),
        );
        let count = Classification::of_strictness(distinct(old), distinct(new));
        // Fewer regions or a weaker redundancy loosens availability, even if the other grew.
        let classification =
            if mode == Classification::Loosening || count == Classification::Loosening {
                Classification::Loosening
            } else if mode == Classification::Tightening || count == Classification::Tightening {
                Classification::Tightening
            } else {
                Classification::Neutral
            };
        let show = |e: &Endpoint| {
            let mut text = format!(
                "{} redundancy {}",
                e.regions.join(", "),
                redundancy_name(e.redundancy)
            );
            if let Some(standby) = e.standby_capacity {
                text.push_str(&format!(" standby {standby}"));
            }
            text
        };
        out.push(change(
            classification,
            "endpoint.redundancy",
            format!(
                "endpoint `{label}`: regions {} redundancy {} -> {} redundancy {}",
                code_list(&old.regions),
                redundancy_name(old.redundancy),
                code_list(&new.regions),
                redundancy_name(new.redundancy)
            ),
            show(old),
            show(new),
        ));
    }
    if old.serves != new.serves {
        out.push(change(
            Classification::Neutral,
            "endpoint.serves",
            format!(
                "endpoint `{label}` serves {} (it served {})",
                code_list(&new.serves),
                code_list(&old.serves)
            ),
            old.serves.join(", "),
            new.serves.join(", "),
        ));
    }
    if old.description != new.description {
        out.push(change(
            Classification::Neutral,
            "endpoint.description",
            format!("endpoint `{label}`: description changed"),
            old.description.clone(),
            new.description.clone(),
        ));
    }
}

fn budget(
    workload: &str,
    old: Option<&Budget>,
    new: Option<&Budget>,
    affects: &Affects,
    out: &mut Vec<Change>,
) {
    let subject = format!("workload {workload}");
    let show = |b: &Budget| format!("{} {} {}", b.amount, b.currency, period_name(b.period));
    let mut push =
        |classification, kind, message: String, before: Option<String>, after: Option<String>| {
            out.push(Change {
                classification,
                kind,
                subject: subject.clone(),
                message,
                before,
                after,
                affects: affects.clone(),
            })
        };
    let (old, new) = match (old, new) {
        (None, None) => return,
        (Some(before), None) => {
            return push(
                Classification::Loosening,
                "budget.removed",
                format!(
                    "workload `{workload}` no longer has a budget (it had {})",
                    show(before)
                ),
                Some(show(before)),
                None,
            )
        }
        (None, Some(after)) => {
            return push(
                Classification::Tightening,
                "budget.added",
                format!("workload `{workload}` has a budget of {}", show(after)),
                None,
                Some(show(after)),
            )
        }
        (Some(old), Some(new)) => (old, new),
    };
    if old.amount != new.amount || old.currency != new.currency || old.period != new.period {
        // Compared per month, in one currency: 3000 USD quarterly is less than 2000 USD monthly.
        let monthly = |b: &Budget| {
            b.amount.parse::<f64>().ok().map(|amount| {
                amount
                    / match b.period {
                        BudgetPeriod::Monthly => 1.0,
                        BudgetPeriod::Quarterly => 3.0,
                        BudgetPeriod::Annually => 12.0,
                    }
            })
        };
        let classification = match (monthly(old), monthly(new)) {
            (Some(before), Some(after)) if old.currency == new.currency && after > before => {
                Classification::Loosening
            }
            (Some(before), Some(after)) if old.currency == new.currency && after < before => {
                Classification::Tightening
            }
            _ => Classification::Neutral,
        };
        push(
            classification,
            "budget.amount",
            format!(
                "workload `{workload}`: budget {} -> {}",
                show(old),
                show(new)
            ),
            Some(show(old)),
            Some(show(new)),
        );
    }
    if old.alert_thresholds != new.alert_thresholds {
        let show = |thresholds: &[u32]| {
            thresholds
                .iter()
                .map(|t| format!("{t}%"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let classification = match new.alert_thresholds.len().cmp(&old.alert_thresholds.len()) {
            std::cmp::Ordering::Less => Classification::Loosening,
            std::cmp::Ordering::Greater => Classification::Tightening,
            std::cmp::Ordering::Equal => {
                let pairs = || old.alert_thresholds.iter().zip(&new.alert_thresholds);
                if pairs().all(|(before, after)| after >= before) {
                    Classification::Loosening
                } else if pairs().all(|(before, after)| after <= before) {
                    Classification::Tightening
                } else {
                    Classification::Neutral
                }
            }
        };
        push(
            classification,
            "budget.alerts",
            format!(
                "workload `{workload}`: budget alerts at {} -> {}",
                show(&old.alert_thresholds),
                show(&new.alert_thresholds)
            ),
            Some(show(&old.alert_thresholds)),
            Some(show(&new.alert_thresholds)),
        );
    }
    for contact in new.contacts.iter().filter(|c| !old.contacts.contains(c)) {
        push(
            Classification::Tightening,
            "budget.contact",
            format!("workload `{workload}`: budget alerts also notify `{contact}`"),
            None,
            Some(contact.clone()),
        );
    }
    for contact in old.contacts.iter().filter(|c| !new.contacts.contains(c)) {
        push(
            Classification::Loosening,
            "budget.contact",
            format!("workload `{workload}`: budget alerts no longer notify `{contact}`"),
            Some(contact.clone()),
            None,
        );
    }
}

/// How `after` compares with `before`, category by category: loosening when any setting is
/// weaker (a reviewer must see it even when others got stronger), tightening when some are
/// stronger and none weaker; and the settings that differ, as `: weaker: prompt hate (low ->
/// medium)`.
fn compare_filters(before: &Filter, after: &Filter) -> (Classification, String) {
    let mut weaker = Vec::new();
    let mut stronger = Vec::new();
    for setting in &after.settings {
        let Some(old) = before.level(setting.side, setting.category) else {
            continue;
        };
        if old == setting.level {
            continue;
        }
        let text = format!(
            "{} {} ({} -> {})",
            side_name(setting.side),
            setting.category.charter_name(),
            level_name(old),
            level_name(setting.level)
        );
        if setting.level.strictness() < old.strictness() {
            weaker.push(text);
        } else {
            stronger.push(text);
        }
    }
    for blocklist in &before.blocklists {
        if !after.blocklists.contains(blocklist) {
            weaker.push(format!(
                "blocklist {} on the {} side",
                blocklist.name,
                side_name(blocklist.side)
            ));
        }
    }
    for blocklist in &after.blocklists {
        if !before.blocklists.contains(blocklist) {
            stronger.push(format!(
                "blocklist {} on the {} side",
                blocklist.name,
                side_name(blocklist.side)
            ));
        }
    }
    match after.mode.strictness().cmp(&before.mode.strictness()) {
        std::cmp::Ordering::Less => weaker.push(format!("mode ({})", after.mode.charter_name())),
        std::cmp::Ordering::Greater => {
            stronger.push(format!("mode ({})", after.mode.charter_name()))
        }
        std::cmp::Ordering::Equal => {}
    }
    let classification = if !weaker.is_empty() {
        Classification::Loosening
    } else if !stronger.is_empty() {
        Classification::Tightening
    } else {
        Classification::Neutral
    };
    let mut details = String::new();
    if !weaker.is_empty() {
        details.push_str(&format!("; weaker: {}", weaker.join(", ")));
    }
    if !stronger.is_empty() {
        details.push_str(&format!("; stronger: {}", stronger.join(", ")));
    }
    (classification, details)
}

fn strength_word(classification: Classification) -> &'static str {
    match classification {
        Classification::Loosening => "weaker",
        Classification::Tightening => "stricter",
        Classification::Neutral => "as strict",
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Severity(Threshold::Low) => "low",
        Level::Severity(Threshold::Medium) => "medium",
        Level::Severity(Threshold::High) => "high",
        Level::Severity(Threshold::Off) => "off",
        Level::Shield(mode) => mode.charter_name(),
    }
}

fn side_name(side: Side) -> &'static str {
    side.charter_name()
}

fn effect_name(effect: Effect) -> &'static str {
    match effect {
        Effect::Deny => "deny",
        Effect::Audit => "audit",
        Effect::Disabled => "disabled",
    }
}

fn effect_strictness(effect: Effect) -> u8 {
    match effect {
        Effect::Disabled => 0,
        Effect::Audit => 1,
        Effect::Deny => 2,
    }
}

fn redundancy_name(redundancy: Redundancy) -> &'static str {
    match redundancy {
        Redundancy::None => "none",
        Redundancy::ActivePassive => "active_passive",
        Redundancy::ActiveActive => "active_active",
    }
}

fn redundancy_strictness(redundancy: Redundancy) -> u8 {
    match redundancy {
        Redundancy::None => 0,
        Redundancy::ActivePassive => 1,
        Redundancy::ActiveActive => 2,
    }
}

fn environment_name(environment: charter_ir::Environment) -> &'static str {
    match environment {
        charter_ir::Environment::Sandbox => "sandbox",
        charter_ir::Environment::Dev => "dev",
        charter_ir::Environment::Test => "test",
        charter_ir::Environment::Prod => "prod",
    }
}

fn period_name(period: BudgetPeriod) -> &'static str {
    match period {
        BudgetPeriod::Monthly => "monthly",
        BudgetPeriod::Quarterly => "quarterly",
        BudgetPeriod::Annually => "annually",
    }
}

/// `management_group("contoso-ai")`, as Charter writes a scope.
fn scope_text(scope: &Scope) -> String {
    match scope {
        Scope::ManagementGroup(name) => format!("management_group(\"{name}\")"),
        Scope::Subscription(name) => format!("subscription(\"{name}\")"),
        Scope::ResourceGroup(name) => format!("resource_group(\"{name}\")"),
        Scope::Resource(resource) => format!(
            "resource(resource_group(\"{}\"), \"{}\", \"{}\")",
            resource.resource_group, resource.resource_type, resource.name
        ),
    }
}

fn list(items: impl IntoIterator<Item = String>) -> String {
    items.into_iter().collect::<Vec<_>>().join(", ")
}

/// `` `a`, `b` ``.
fn code_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    list(items.into_iter().map(|item| format!("`{}`", item.as_ref())))
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use charter_ir::{Category, FilterMode, FilterSetting};

    fn filter(name: &str, hate: Threshold, violence: Threshold) -> Filter {
        Filter {
            name: name.into(),
            description: String::new(),
            settings: vec![
                FilterSetting {
                    side: Side::Prompt,
                    category: Category::Hate,
                    level: Level::Severity(hate),
                },
                FilterSetting {
                    side: Side::Prompt,
                    category: Category::Violence,
                    level: Level::Severity(violence),
                },
            ],
            blocklists: Vec::new(),
            safety_providers: Vec::new(),
            mode: FilterMode::Default,
        }
    }

    #[test]
    fn a_filter_weaker_anywhere_loosens_even_if_stronger_elsewhere() {
        let before = filter("a", Threshold::Medium, Threshold::Medium);
        let after = filter("b", Threshold::Low, Threshold::High);
        let (classification, details) = compare_filters(&before, &after);
        assert_eq!(classification, Classification::Loosening);
        assert_eq!(
            details,
            "; weaker: prompt violence (medium -> high); stronger: prompt hate (medium -> low)"
        );
        let stricter = filter("c", Threshold::Low, Threshold::Medium);
        assert_eq!(
            compare_filters(&before, &stricter).0,
            Classification::Tightening
        );
    }

    #[test]
    fn budgets_compare_per_month() {
        let budget = |amount: &str, period| Budget {
            amount: amount.into(),
            currency: "USD".into(),
            period,
            alert_thresholds: vec![50, 100],
            contacts: Vec::new(),
        };
        let mut out = Vec::new();
        let monthly = budget("2000", BudgetPeriod::Monthly);
        let quarterly = budget("3000", BudgetPeriod::Quarterly);
        budget_changes(&monthly, &quarterly, &mut out);
        assert_eq!(out[0].classification, Classification::Tightening);
        assert_eq!(out[0].kind, "budget.amount");
    }

    fn budget_changes(old: &Budget, new: &Budget, out: &mut Vec<Change>) {
        budget("w", Some(old), Some(new), &Affects::default(), out);
    }

    #[test]
    fn nothing_changed_is_no_change() {
        let project = Project::default();
        assert_eq!(compare(&project, &project), Vec::new());
    }
}
