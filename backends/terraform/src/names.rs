//! Names: Terraform addresses derived from Charter names, and how a filter level reads as an
//! azurerm `content_filter` block. Azure's spellings themselves (categories, sources,
//! severities, RAI policy names) come from [`charter_governance::names`], so the deployed
//! filters and the policy rules that approve them cannot drift apart.
//!
//! Addresses are derived from names only (never from list positions), so adding a workload,
//! an endpoint or a region never renames an existing resource.

use charter_governance::names::severity;
use charter_ir::{Level, ShieldMode};

/// A Terraform identifier for a name: letters, digits and `_` kept, anything else becomes `_`,
/// and a leading digit gets a `_` in front (identifiers must start with a letter or `_`).
pub(crate) fn identifier(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

/// The identifier of one endpoint's resources in one region. `__` separates the parts, since
/// Charter names may contain single underscores.
pub(crate) fn endpoint_region(workload: &str, endpoint: &str, region: &str) -> String {
    format!(
        "{}__{}__{}",
        identifier(workload),
        identifier(endpoint),
        identifier(region)
    )
}

/// An Azure resource name from Charter names: lower-case letters, digits and `-` (Charter's `_`
/// becomes `-`), at most `max` characters.
pub(crate) fn azure_name(parts: &[&str], max: usize) -> String {
    let joined = parts.join("-");
    let mut out: String = joined
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    out.truncate(max);
    out.trim_matches('-').to_string()
}

/// How one Charter filter level reads as an azurerm `content_filter` block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ContentFilterSetting {
    pub(crate) filter_enabled: bool,
    pub(crate) block_enabled: bool,
    /// `Low`, `Medium` or `High`. azurerm 4.x requires one on every entry, also where the
    /// service ignores it (shields, disabled categories).
    pub(crate) severity_threshold: &'static str,
}

/// The threshold written where the service ignores it: the least strict one, so that a reader
/// never mistakes it for a stricter setting.
const IGNORED_THRESHOLD: &str = "High";

pub(crate) fn content_filter_setting(level: Level) -> ContentFilterSetting {
    let (filter_enabled, block_enabled, severity_threshold) = match level {
        Level::Severity(threshold) => match severity(threshold) {
            Some(spelling) => (true, true, spelling),
            None => (false, false, IGNORED_THRESHOLD),
        },
        Level::Shield(ShieldMode::Block) => (true, true, IGNORED_THRESHOLD),
        Level::Shield(ShieldMode::Annotate) => (true, false, IGNORED_THRESHOLD),
        Level::Shield(ShieldMode::Off) => (false, false, IGNORED_THRESHOLD),
    };
    ContentFilterSetting {
        filter_enabled,
        block_enabled,
        severity_threshold,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_valid_terraform_names() {
        assert_eq!(identifier("contoso_ai"), "contoso_ai");
        assert_eq!(
            identifier("Charter-Allowed.Models"),
            "charter_allowed_models"
        );
        assert_eq!(identifier("9lives"), "_9lives");
        assert_eq!(
            endpoint_region("support", "chat", "swedencentral"),
            "support__chat__swedencentral"
        );
    }

    #[test]
    fn azure_names_use_hyphens_and_respect_the_limit() {
        assert_eq!(
            azure_name(&["customer_support", "chat", "westeurope"], 64),
            "customer-support-chat-westeurope"
        );
        assert_eq!(azure_name(&["abc_def"], 4), "abc");
    }
}
