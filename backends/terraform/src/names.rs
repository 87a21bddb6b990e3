//! Names: Terraform addresses derived from Charter names. Azure's names and spellings
//! themselves (accounts, RAI policies, blocklists) come from [`charter_governance::names`], so
//! the deployed resources and the policy rules that approve them cannot drift apart.
//!
//! Addresses are derived from names only (never from list positions), so adding a workload,
//! an endpoint or a region never renames an existing resource.

/// A Terraform identifier for a name: letters, digits and `_` kept, anything else becomes `_`,
/// and a leading digit gets a `_` in front (identifiers must start with a letter or `_`).
pub fn identifier(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 1);
    push_identifier(&mut out, name);
    out
}

/// Appends [`identifier`] of `name` to `out`.
pub(crate) fn push_identifier(out: &mut String, name: &str) {
    let bytes = name.as_bytes();
    // Most names already are identifiers (`team_7`, `swedencentral`): copy them as they are.
    let plain = bytes
        .first()
        .is_some_and(|first| first.is_ascii_lowercase() || *first == b'_')
        && bytes.iter().all(|byte| KEPT[usize::from(*byte)]);
    if plain {
        out.push_str(name);
        return;
    }
    // Every other character maps to a letter or `_`: only a leading digit (or nothing) needs one.
    if bytes.first().is_none_or(u8::is_ascii_digit) {
        out.push('_');
    }
    let mapped = |c: char| {
        if c.is_ascii_alphanumeric() || c == '_' {
            c.to_ascii_lowercase()
        } else {
            '_'
        }
    };
    if !name.is_ascii() {
        out.extend(name.chars().map(mapped));
        return;
    }
    // An ASCII name is mapped byte by byte on the stack and copied in whole: pushing its
    // characters one by one cost more than mapping them.
    let mut buffer = [0u8; 64];
    for chunk in bytes.chunks(buffer.len()) {
        let chunk_mapped = &mut buffer[..chunk.len()];
        for (slot, byte) in chunk_mapped.iter_mut().zip(chunk) {
            *slot = mapped(char::from(*byte)) as u8;
        }
        // INVARIANT: the mapped bytes are ASCII letters, digits and `_`: valid UTF-8.
        out.push_str(std::str::from_utf8(chunk_mapped).unwrap_or_default());
    }
}

/// The bytes an identifier keeps as they are (lower-case letters, digits and `_`), as a table:
/// one load per byte.
static KEPT: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_';
        byte += 1;
    }
    table
};

/// Whether `name` is spelled as Azure names a RAI policy or blocklist already (ASCII letters,
/// digits, `_`, `.` and `-`, starting with a letter or digit), so that
/// [`charter_governance::names::rai_blocklist`] would give it back unchanged.
pub(crate) fn spelled_as_rai_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes
            .iter()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.' | b'-'))
}

/// The identifier of one endpoint's resources in one region. `__` separates the parts, since
/// Charter names may contain single underscores.
pub(crate) fn endpoint_region(workload: &str, endpoint: &str, region: &str) -> String {
    let mut out = String::with_capacity(workload.len() + endpoint.len() + region.len() + 8);
    push_endpoint_region(&mut out, workload, endpoint, region);
    out
}

/// Appends [`endpoint_region`] to `out`.
pub(crate) fn push_endpoint_region(out: &mut String, workload: &str, endpoint: &str, region: &str) {
    push_identifier(out, workload);
    out.push_str("__");
    push_identifier(out, endpoint);
    out.push_str("__");
    push_identifier(out, region);
}

/// The identifier of a resource group's `azurerm_resource_group`: its name, after its
/// subscription's when the project names one (the same group name may exist in two
/// subscriptions). Several workloads in one group share it.
pub(crate) fn resource_group_address(group: &str, subscription: Option<&str>) -> String {
    match subscription {
        // A subscription id (from a hierarchy, or written) by its first eight digits, as its
        // provider alias names it: readable, and the same wherever the address is made.
        Some(subscription) if charter_governance::names::is_subscription_id(subscription) => {
            format!(
                "subscription_{}__{}",
                identifier(&subscription[..8]),
                identifier(group)
            )
        }
        Some(subscription) => format!("{}__{}", identifier(subscription), identifier(group)),
        None => identifier(group),
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
        assert_eq!(identifier("-x.Y"), "_x_y");
        assert_eq!(identifier("é"), "_");
        assert_eq!(identifier(""), "_");
        assert_eq!(
            endpoint_region("support", "chat", "swedencentral"),
            "support__chat__swedencentral"
        );
    }

    #[test]
    fn identifiers_of_names_with_other_characters_map_each_character_once() {
        assert_eq!(identifier("Internal-Codenames"), "internal_codenames");
        assert_eq!(identifier("_Team"), "_team");
        assert_eq!(identifier("7-up"), "_7_up");
        assert_eq!(identifier("Zürich-1"), "z_rich_1");
        assert_eq!(identifier("über"), "_ber");
        assert_eq!(identifier("a--b"), "a__b");
        assert_eq!(identifier("-"), "_");
        assert_eq!(identifier("Team 7."), "team_7_");
        let long = "Ab-".repeat(30);
        assert_eq!(identifier(&long), "ab_".repeat(30));
        let mut out = "azapi_resource.".to_string();
        push_identifier(&mut out, "Customer-IDs");
        assert_eq!(out, "azapi_resource.customer_ids");
    }

    #[test]
    fn rai_names_are_recognised_exactly_when_azure_spelling_leaves_them_alone() {
        for name in [
            "internal-codenames",
            "Customer.IDs_2",
            "9lives",
            "-x",
            "_x",
            ".x",
            "",
            "a b",
            "é",
            "a/b",
        ] {
            let unchanged = charter_governance::names::rai_blocklist(name) == name;
            assert_eq!(spelled_as_rai_name(name), unchanged, "{name:?}");
        }
    }

    #[test]
    fn resource_groups_are_addressed_by_name_and_subscription() {
        assert_eq!(
            resource_group_address("rg-support-ai", None),
            "rg_support_ai"
        );
        assert_eq!(
            resource_group_address("rg-support-ai", Some("contoso-prod")),
            "contoso_prod__rg_support_ai"
        );
    }
}
