//! The Terraform addresses of an account's resources, all at once: what the self-compliance
//! proof of `charter check` claims for every account of a large estate (E0803), where folding
//! the endpoint's identifier once per resource was most of the work.

use charter_governance::estate::{types, Account, RAI_POLICY_NOUN};

use crate::names::{push_endpoint_region, push_identifier};

/// The address of each resource of `account`, in the order
/// [`Account::each_resource`] lists them, written in turn into one buffer: the same text
/// [`crate::address`] gives each resource, with the endpoint's identifier folded once.
pub fn account_addresses(account: &Account, mut each: impl FnMut(&str)) {
    let mut endpoint = String::with_capacity(
        account.workload.len() + account.endpoint.len() + account.region.len() + 4,
    );
    push_endpoint_region(
        &mut endpoint,
        &account.workload,
        &account.endpoint,
        &account.region,
    );
    let mut out = String::with_capacity(endpoint.len() + 96);
    // The last blocklist's part of its resources' addresses (its items follow it).
    let mut blocklist_part: Option<(*const String, String)> = None;
    account.each_resource(|noun, _, payload, blocklist| {
        out.clear();
        let kind = match (noun, blocklist) {
            (_, Some(_)) | (RAI_POLICY_NOUN, None) => "azapi_resource",
            _ if payload["type"].as_str() == Some(types::DEPLOYMENT) => "azapi_resource",
            _ => "azurerm_cognitive_account",
        };
        out.push_str(kind);
        out.push('.');
        out.push_str(&endpoint);
        match (noun, blocklist) {
            (_, Some(blocklist)) => {
                let name = std::ptr::from_ref(&blocklist.name);
                let part = match &blocklist_part {
                    Some((last, part)) if *last == name => part,
                    _ => {
                        let mut part = String::from("__blocklist__");
                        push_identifier(
                            &mut part,
                            &charter_governance::names::rai_blocklist(&blocklist.name),
                        );
                        &blocklist_part.insert((name, part)).1
                    }
                };
                out.push_str(part);
                if payload["type"].as_str() == Some(types::BLOCKLIST_ITEM) {
                    out.push_str("__items[");
                    out.push_str(&crate::hcl::quote(
                        payload["name"].as_str().unwrap_or_default(),
                    ));
                    out.push(']');
                }
            }
            (RAI_POLICY_NOUN, None) => out.push_str("__filter"),
            _ if kind == "azapi_resource" => out.push_str("__deployment"),
            _ => {}
        }
        each(&out);
    });
}
