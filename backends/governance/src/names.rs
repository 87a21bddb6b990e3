//! Charter values in Azure's exact spellings, and the resource names Charter gives its Azure
//! resources.
//!
//! The Terraform backend reuses these functions, so that an RAI policy it creates and the Azure
//! Policy rule that approves it agree on every name and every enum value.

use charter_ir::{
    Category, Date, DeploymentType, Effect, ExemptionCategory, ShieldMode, Side, Threshold,
};
use sha2::{Digest, Sha256};

pub use charter_ir::names::{account, fit, short_hash, slug, MAX_ACCOUNT_NAME};

/// The content filter name the RAI policy API uses for a category (`contentFilters[*].name`).
///
/// Spellings from the REST examples `ListRaiContentFilters.json` (2025-09-01, `properties.name`)
/// and `PutRaiPolicy.json` (2025-06-01) in Azure/azure-rest-api-specs (docs/azure-policy.md,
/// "Content filter spellings").
pub fn category(category: Category) -> &'static str {
    category.azure_name()
}

/// The `contentFilters[*].source` value for a side (docs/azure-policy.md, "Content filter
/// spellings" and "Agent guardrails"); from the table `ir/data/controls.tsv`.
pub fn source(side: Side) -> &'static str {
    side.azure_source()
}

/// The `contentFilters[*].action` value for a shield mode (docs/azure-policy.md, "Agent
/// guardrails"); from the table `ir/data/controls.tsv`.
pub fn action(mode: ShieldMode) -> &'static str {
    mode.azure_action()
}

/// The `severityThreshold` value for a threshold (docs/azure-policy.md, "Content filter
/// spellings"); `None` for `off`, which
/// Azure expresses as `enabled: false` rather than as a threshold.
pub fn severity(threshold: Threshold) -> Option<&'static str> {
    match threshold {
        Threshold::Low => Some("Low"),
        Threshold::Medium => Some("Medium"),
        Threshold::High => Some("High"),
        Threshold::Off => None,
    }
}

/// The RAI policy modes that filter asynchronously, after content is streamed:
/// `Asynchronous_filter`, and `Deferred`, its name before API version 2025-06-01.
pub const ASYNCHRONOUS_RAI_MODES: [&str; 2] = ["Asynchronous_filter", "Deferred"];

/// The RAI policy `mode` for a filter mode.
pub fn rai_mode(mode: charter_ir::FilterMode) -> &'static str {
    match mode {
        charter_ir::FilterMode::Default => "Default",
        charter_ir::FilterMode::Asynchronous => "Asynchronous_filter",
    }
}

/// Every `severityThreshold` value, strictest first.
pub const SEVERITIES: [&str; 3] = ["Low", "Medium", "High"];

/// The thresholds that are at least as strict as `minimum`, in [`SEVERITIES`] order.
///
/// `low` blocks low, medium and high, so a baseline of `medium` accepts `Low` and `Medium`.
pub fn severities_at_least(minimum: Threshold) -> Vec<&'static str> {
    match minimum {
        Threshold::Low => vec!["Low"],
        Threshold::Medium => vec!["Low", "Medium"],
        Threshold::High | Threshold::Off => SEVERITIES.to_vec(),
    }
}

/// The deployment SKU name (`sku.name`) of a deployment type (docs/azure-policy.md,
/// "Deployment types and capacity").
pub fn sku(deployment_type: DeploymentType) -> &'static str {
    deployment_type.sku_name()
}

/// The Azure Policy effect value, capitalised as the built-ins' `allowedValues` spell it.
pub fn effect(effect: Effect) -> &'static str {
    match effect {
        Effect::Deny => "Deny",
        Effect::Audit => "Audit",
        Effect::Disabled => "Disabled",
    }
}

/// The `exemptionCategory` value (docs/azure-policy.md, "Exemptions").
pub fn exemption_category(category: ExemptionCategory) -> &'static str {
    match category {
        ExemptionCategory::Waiver => "Waiver",
        ExemptionCategory::Mitigated => "Mitigated",
    }
}

/// The exemption's `expiresOn`: the end of the `until` day, in UTC (docs/azure-policy.md,
/// "Exemptions").
pub fn expires_on(date: Date) -> String {
    format!("{date}T23:59:59Z")
}

/// An Azure location name (`swedencentral`): lower case, no spaces.
pub fn location(region: &str) -> String {
    // Catalog regions already are location names: copied as they are.
    if region
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return region.to_string();
    }
    region
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The name of the RAI policy (`Microsoft.CognitiveServices/accounts/raiPolicies`) a Charter
/// filter is deployed as, and that deployments name in `raiPolicyName`.
///
/// RAI policy names match `^[a-zA-Z0-9][a-zA-Z0-9_.-]*$` (docs/azure-policy.md, "Content filter
/// spellings"), so Charter names
/// (`strict`, `std.filters.default`) are kept as they are; any other character becomes `-`.
pub fn rai_policy(filter: &str) -> String {
    let mut name: String = filter
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        name.insert(0, 'f');
    }
    name
}

/// The name of the custom blocklist (`Microsoft.CognitiveServices/accounts/raiBlocklists`) a
/// Charter blocklist is deployed as, and that RAI policies list in `customBlocklists`: the same
/// character rules as [`rai_policy`].
pub fn rai_blocklist(blocklist: &str) -> String {
    rai_policy(blocklist)
}

/// Whether a subscription is written as its id (a GUID) rather than a name; only an id can go
/// where Azure wants one, so both backends turn names into a parameter or a variable.
pub fn is_subscription_id(text: &str) -> bool {
    charter_ir::is_guid(text)
}

/// The tag key that records the owning workload when a policy names none.
pub const DEFAULT_OWNER_TAG: &str = "charter-workload";

/// Azure's longest budget name.
pub const MAX_BUDGET_NAME: usize = 63;

/// The name of a workload's budget.
pub fn budget(workload: &str) -> String {
    fit(&slug(&format!("{workload}-budget")), MAX_BUDGET_NAME)
}

/// The name of a blocklist item: its kind and a hash of its text, so that adding or removing an
/// item never renames another (item names match `^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`).
pub fn blocklist_item(item: &charter_ir::BlocklistItem) -> String {
    let kind = if item.is_regex { "pattern" } else { "term" };
    format!(
        "{kind}-{}",
        short_hash(&format!("{kind}\n{}", item.pattern))
    )
}

/// The subscription segment of an ARM id: the id itself, or a placeholder the deployment
/// fills in: `{subscriptionId}` for the deployment's own subscription, and
/// `{subscriptionId:NAME}` for one the project names but whose id it does not know.
pub fn subscription_placeholder(subscription: Option<&str>) -> String {
    subscription_segment(subscription.unwrap_or(crate::CURRENT_SUBSCRIPTION))
}

/// The subscription segment of an ARM id for a subscription as the project writes it: an id as
/// written, the deployment's own subscription as `{subscriptionId}`, and a name as
/// `{subscriptionId:NAME}`, so that no id ever carries a name where Azure needs a GUID.
pub fn subscription_segment(written: &str) -> String {
    if written == crate::CURRENT_SUBSCRIPTION || is_subscription_id(written) {
        written.to_string()
    } else {
        format!("{{subscriptionId:{written}}}")
    }
}

/// The subscription a segment written by [`subscription_segment`] stands for: the id, or the
/// name inside `{subscriptionId:NAME}`; `None` for the deployment's own subscription.
pub fn subscription_of_segment(segment: &str) -> Option<&str> {
    if segment == crate::CURRENT_SUBSCRIPTION {
        return None;
    }
    Some(
        segment
            .strip_prefix("{subscriptionId:")
            .and_then(|rest| rest.strip_suffix('}'))
            .unwrap_or(segment),
    )
}

/// Azure's longest name for definitions, sets, assignments and exemptions (docs/azure-policy.md,
/// "Names and limits").
pub const MAX_NAME: usize = 64;

/// Azure's longest assignment name at management-group scope (docs/azure-policy.md, "Names
/// and limits").
pub const MAX_MANAGEMENT_GROUP_ASSIGNMENT_NAME: usize = 24;

/// The tag that records the data classification of a workload's AI resources, which the
/// classification rules read at deploy time.
pub const CLASSIFICATION_TAG: &str = "charter-data-classification";

/// The name of a role assignment: Azure requires a GUID. Derived from what the assignment is
/// (scope, role, principal), so the same assignment keeps its name across builds and two
/// different ones never share it: the SHA-256 of the three, laid out as an RFC 9562 version 8
/// (custom) UUID.
pub fn role_assignment(scope: &str, role_definition: &str, principal: &str) -> String {
    let digest = Sha256::digest(format!("{scope}|{role_definition}|{principal}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_use_the_api_spellings() {
        let names: Vec<_> = Category::ALL.iter().map(|c| category(*c)).collect();
        assert_eq!(
            names,
            [
                "Hate",
                "Sexual",
                "Violence",
                "Selfharm",
                "Jailbreak",
                "Indirect Attack",
                "Protected Material Text",
                "Protected Material Code",
                "Task Adherence",
                "Indirect Attack Spotlighting"
            ]
        );
        let sources: Vec<_> = Side::ALL.iter().map(|s| source(*s)).collect();
        assert_eq!(
            sources,
            [
                "Prompt",
                "Completion",
                "PreToolCall",
                "PostToolCall",
                "PreRun",
                "PostRun"
            ]
        );
        let actions: Vec<_> = ShieldMode::ALL.iter().map(|m| action(*m)).collect();
        assert_eq!(actions, ["BLOCKING", "HITL", "RETRY", "ANNOTATING", "None"]);
        assert_eq!(sku(DeploymentType::GlobalStandard), "GlobalStandard");
    }

    #[test]
    fn severities_at_least_accept_only_stricter_thresholds() {
        assert_eq!(severities_at_least(Threshold::Low), ["Low"]);
        assert_eq!(severities_at_least(Threshold::Medium), ["Low", "Medium"]);
        assert_eq!(
            severities_at_least(Threshold::High),
            ["Low", "Medium", "High"]
        );
    }

    #[test]
    fn long_names_are_cut_with_a_stable_hash() {
        assert_eq!(fit("contoso-ai", 24), "contoso-ai");
        let long = "a-very-long-policy-name-for-contoso";
        let fitted = fit(long, 24);
        assert_eq!(fitted.len(), 24);
        assert_eq!(fitted, fit(long, 24));
        assert!(fitted.starts_with("a-very-long-pol"));
        assert_ne!(
            fit("a-very-long-policy-name-x", 24),
            fit("a-very-long-policy-name-y", 24)
        );
    }

    #[test]
    fn names_are_sanitised() {
        assert_eq!(slug("contoso_ai"), "contoso-ai");
        assert_eq!(slug("rg-ai.Sandbox"), "rg-ai-sandbox");
        assert_eq!(rai_policy("std.filters.default"), "std.filters.default");
        assert_eq!(rai_policy("_x y"), "f_x-y");
        assert_eq!(location("Sweden Central"), "swedencentral");
        assert_eq!(location("swedencentral"), "swedencentral");
        assert_eq!(location("SwedenCentral2"), "swedencentral2");
        assert_eq!(
            expires_on(Date {
                year: 2027,
                month: 1,
                day: 31
            }),
            "2027-01-31T23:59:59Z"
        );
    }
}
