//! What the pages derive from the IR and the catalog: which model versions a policy approves and
//! its workloads use, where each stands in its lifecycle on the given day, and plain-language
//! names for Charter's keywords.

use charter_ir::{
    Category, DataZone, Date, DeploymentType, Effect, Environment, Level, Policy, Project,
    Redundancy, Scope, Side, Threshold, Toggle,
};

use crate::catalog::{Catalog, Model, Version};

/// One model version a policy approves or one of its workloads deploys.
#[derive(Clone, Debug)]
pub(crate) struct VersionFacts<'a> {
    pub model: String,
    pub version: String,
    /// Approved because the policy allows every version of the model.
    pub any_version: bool,
    /// Whether the policy's `models` block approves it (false: deployed but not approved).
    pub approved: bool,
    pub catalog_model: Option<&'a Model>,
    pub catalog: Option<&'a Version>,
    pub status: Status,
    /// `(workload, endpoint)` pairs that deploy it.
    pub used_by: Vec<(String, String)>,
}

impl VersionFacts<'_> {
    /// `gpt-5.5 2026-04-24`: how the timeline and the tables name a version.
    pub fn label(&self) -> String {
        format!("{} {}", self.model, self.version)
    }

    pub fn retirement(&self) -> Option<Date> {
        self.catalog.and_then(|version| version.retirement)
    }
}

/// Where a version stands on the day the pages are generated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    /// Retired: deployments stop working.
    Retired,
    /// Retires within the policy's warning horizon.
    RetiresSoon { days: i64 },
    /// The catalog gives only a "not before" date, and it is within the horizon.
    MayRetireSoon { days: i64 },
    /// Nothing to act on within the horizon.
    Current,
    /// The catalog does not list the version.
    NotInCatalog,
}

impl Status {
    /// A short phrase for tables.
    pub fn phrase(self) -> String {
        match self {
            Status::Retired => "retired".to_owned(),
            Status::RetiresSoon { days } => format!("retires {}", in_days(days)),
            Status::MayRetireSoon { days } => format!("may retire {}", in_days(days)),
            Status::Current => "current".to_owned(),
            Status::NotInCatalog => "not in the catalog".to_owned(),
        }
    }

    pub fn needs_attention(self) -> bool {
        matches!(
            self,
            Status::Retired | Status::RetiresSoon { .. } | Status::MayRetireSoon { .. }
        )
    }
}

/// The date from which Azure offers a version only to subscriptions that already deployed it
/// ("deprecation", no new customers). The lifecycle stage is the current word: a past date
/// beside a stage other than `deprecated` comes from an older source, and is not shown.
pub(crate) fn no_new_customers_from(version: &Version, today: Date) -> Option<Date> {
    let date = version.deprecation?;
    (version.lifecycle == crate::catalog::Lifecycle::Deprecated || date > today).then_some(date)
}

/// Days from `from` to `to` (negative when `to` is earlier).
pub(crate) fn days_between(from: Date, to: Date) -> i64 {
    to.days_since_epoch() - from.days_since_epoch()
}

/// `in 12 days`, `tomorrow`, `today`, `3 days ago`.
pub(crate) fn in_days(days: i64) -> String {
    match days {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        -1 => "yesterday".to_owned(),
        d if d > 1 => format!("in {d} days"),
        d => format!("{} days ago", -d),
    }
}

pub(crate) fn status(version: Option<&Version>, today: Date, horizon_days: u32) -> Status {
    let Some(version) = version else {
        return Status::NotInCatalog;
    };
    if version.is_retired(today) {
        return Status::Retired;
    }
    let horizon = i64::from(horizon_days);
    if let Some(retirement) = version.retirement {
        let days = days_between(today, retirement);
        if days <= horizon {
            return Status::RetiresSoon { days };
        }
    } else if let Some(not_before) = version.retirement_not_before {
        let days = days_between(today, not_before);
        if days <= horizon {
            return Status::MayRetireSoon { days };
        }
    }
    Status::Current
}

/// The model versions a policy approves, in the order of its `models` block (a model approved
/// in every version lists the catalog's versions that are not retired), then the versions its
/// workloads deploy without approval. `None` for a policy without a `models` block: then the
/// versions its workloads deploy.
pub(crate) fn policy_versions<'a>(
    project: &Project,
    policy: &Policy,
    catalog: &'a Catalog,
    today: Date,
) -> Vec<VersionFacts<'a>> {
    let mut rows: Vec<VersionFacts<'a>> = Vec::new();
    let make = |model: &str, version: &str, any_version: bool, approved: bool| {
        let catalog_version = catalog.version(model, version);
        VersionFacts {
            model: model.to_owned(),
            version: version.to_owned(),
            any_version,
            approved,
            catalog_model: catalog.model(model),
            catalog: catalog_version,
            status: status(catalog_version, today, policy.retirement_warning_days),
            used_by: Vec::new(),
        }
    };
    if let Some(allowed) = &policy.allowed_models {
        for model in allowed {
            if model.versions.is_empty() {
                let current: Vec<&str> = catalog
                    .model(&model.name)
                    .map(|entry| {
                        entry
                            .versions
                            .iter()
                            .filter(|v| !v.is_retired(today))
                            .map(|v| v.version.as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                for version in current {
                    rows.push(make(&model.name, version, true, true));
                }
            } else {
                for version in &model.versions {
                    rows.push(make(&model.name, version, false, true));
                }
            }
        }
    }
    for workload in project.workloads.iter().filter(|w| w.policy == policy.name) {
        for endpoint in &workload.endpoints {
            let position = rows.iter().position(|row| {
                row.model == endpoint.model.name
                    && row.version.eq_ignore_ascii_case(&endpoint.model.version)
            });
            let index = match position {
                Some(index) => index,
                None => {
                    let approved = policy.allowed_models.is_none();
                    rows.push(make(
                        &endpoint.model.name,
                        &endpoint.model.version,
                        approved,
                        approved,
                    ));
                    rows.len() - 1
                }
            };
            rows[index]
                .used_by
                .push((workload.name.clone(), endpoint.name.clone()));
        }
    }
    rows
}

/// The policies' names for a scope: `management group contoso-ai-prod`.
pub(crate) fn scope_kind(scope: &Scope) -> &'static str {
    match scope {
        Scope::ManagementGroup(_) => "management group",
        Scope::Subscription(_) => "subscription",
        Scope::ResourceGroup(_) => "resource group",
        Scope::Resource(_) => "resource",
    }
}

/// A scope's name; one resource's is its id below the subscription
/// (`resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/name`).
pub(crate) fn scope_name(scope: &Scope) -> String {
    match scope {
        Scope::ManagementGroup(name) | Scope::Subscription(name) | Scope::ResourceGroup(name) => {
            name.clone()
        }
        Scope::Resource(resource) => format!(
            "resourceGroups/{}/{}",
            resource.resource_group,
            resource.provider_path()
        ),
    }
}

pub(crate) fn effect_phrase(effect: Effect) -> &'static str {
    match effect {
        Effect::Deny => "deny: Azure rejects a request that breaks a rule",
        Effect::Audit => {
            "audit: Azure allows the request and reports the resource as non-compliant"
        }
        Effect::Disabled => "disabled: the rules are assigned but not evaluated",
    }
}

pub(crate) fn toggle_requirement(toggle: Option<Toggle>) -> &'static str {
    match toggle {
        Some(Toggle::Disabled) => "must be disabled",
        Some(Toggle::Enabled) => "may be enabled",
        None => "no requirement",
    }
}

pub(crate) fn environment(environment: Environment) -> &'static str {
    match environment {
        Environment::Sandbox => "sandbox",
        Environment::Dev => "dev",
        Environment::Test => "test",
        Environment::Prod => "prod",
    }
}

pub(crate) fn data_zone(zone: DataZone) -> &'static str {
    match zone {
        DataZone::Eu => "EU",
        DataZone::Us => "US",
    }
}

/// A catalog data-zone keyword as the pages show it (`eu` is `EU`).
pub(crate) fn data_zone_keyword(keyword: &str) -> String {
    keyword.to_ascii_uppercase()
}

pub(crate) fn redundancy(redundancy: Redundancy) -> &'static str {
    match redundancy {
        Redundancy::None => "none",
        Redundancy::ActivePassive => "active/passive",
        Redundancy::ActiveActive => "active/active",
    }
}

/// Azure's name of a deployment type, as the portal shows it.
pub(crate) fn deployment_type(kind: DeploymentType) -> &'static str {
    match kind {
        DeploymentType::GlobalStandard => "Global Standard",
        DeploymentType::DataZoneStandard => "Data Zone Standard",
        DeploymentType::Standard => "Standard",
        DeploymentType::GlobalProvisioned => "Global Provisioned",
        DeploymentType::DataZoneProvisioned => "Data Zone Provisioned",
        DeploymentType::Provisioned => "Provisioned",
        DeploymentType::GlobalBatch => "Global Batch",
        DeploymentType::DataZoneBatch => "Data Zone Batch",
        DeploymentType::Developer => "Developer",
    }
}

/// Whether a deployment type's capacity is provisioned throughput units rather than
/// tokens-per-minute units.
pub(crate) fn is_provisioned(kind: DeploymentType) -> bool {
    matches!(
        kind,
        DeploymentType::GlobalProvisioned
            | DeploymentType::DataZoneProvisioned
            | DeploymentType::Provisioned
    )
}

pub(crate) fn side(side: Side) -> &'static str {
    side.charter_name()
}

/// A category as the pages name it.
pub(crate) fn category(category: Category) -> &'static str {
    match category {
        Category::Hate => "Hate",
        Category::Sexual => "Sexual",
        Category::Violence => "Violence",
        Category::SelfHarm => "Self-harm",
        Category::Jailbreak => "Jailbreak (prompt shield)",
        Category::IndirectAttack => "Indirect attack (prompt shield)",
        Category::ProtectedMaterialText => "Protected material: text",
        Category::ProtectedMaterialCode => "Protected material: code",
        // Controls added to the table `ir/data/controls.tsv` later: Azure's name.
        _ => category.azure_name(),
    }
}

/// A setting as written in Charter (`medium`, `block`).
pub(crate) fn level(level: Level) -> &'static str {
    match level {
        Level::Severity(Threshold::Low) => "low",
        Level::Severity(Threshold::Medium) => "medium",
        Level::Severity(Threshold::High) => "high",
        Level::Severity(Threshold::Off) => "off",
        Level::Shield(mode) => mode.charter_name(),
    }
}

/// `2,000`: an amount as written, with thousands separators in its whole part.
pub(crate) fn group_thousands(amount: &str) -> String {
    let (whole, fraction) = match amount.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (amount, None),
    };
    if !whole.chars().all(|c| c.is_ascii_digit()) {
        return amount.to_owned();
    }
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{grouped}.{fraction}"),
        None => grouped,
    }
}

/// `percent`% of an amount written as a decimal, rounded to cents; `None` when the amount
/// does not read as a number.
pub(crate) fn share_of(amount: &str, percent: u32) -> Option<String> {
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
        || fraction.len() > 2
        || whole.len() > 15
    {
        return None;
    }
    let cents: u128 =
        whole.parse::<u128>().ok()? * 100 + format!("{fraction:0<2}").parse::<u128>().unwrap_or(0);
    let share = (cents * u128::from(percent) + 50) / 100;
    let (units, cents) = (share / 100, share % 100);
    let text = if cents == 0 {
        units.to_string()
    } else {
        format!("{units}.{cents:02}")
    };
    Some(group_thousands(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_like_money() {
        assert_eq!(group_thousands("2000"), "2,000");
        assert_eq!(group_thousands("1234567.5"), "1,234,567.5");
        assert_eq!(group_thousands("999"), "999");
        assert_eq!(share_of("2000", 80).as_deref(), Some("1,600"));
        assert_eq!(share_of("1500.50", 50).as_deref(), Some("750.25"));
        assert_eq!(share_of("abc", 50), None);
    }

    #[test]
    fn day_counts_read_naturally() {
        assert_eq!(in_days(0), "today");
        assert_eq!(in_days(1), "tomorrow");
        assert_eq!(in_days(45), "in 45 days");
        assert_eq!(in_days(-3), "3 days ago");
    }
}
