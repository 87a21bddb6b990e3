//! The names Charter gives Azure resources that both the compiler (an exemption of an
//! endpoint's account, `endpoint(WORKLOAD.ENDPOINT)`) and the backends need.

use sha2::{Digest, Sha256};

/// Azure's longest AI account name, which is also the custom subdomain's (2 to 64 characters).
pub const MAX_ACCOUNT_NAME: usize = 64;

/// The name of the AI account (and its custom subdomain, a DNS name shared by every Azure
/// customer) of one endpoint in one region: `<prefix>-<workload>-<endpoint>-<region>`, lower
/// case, with `_` as `-`. A name too long for Azure keeps its start and ends in a hash of the
/// whole, so two long names never become one by truncation.
pub fn account(prefix: Option<&str>, workload: &str, endpoint: &str, region: &str) -> String {
    let mut parts: Vec<&str> = Vec::with_capacity(4);
    parts.extend(prefix);
    parts.extend([workload, endpoint, region]);
    fit(&slug(&parts.join("-")), MAX_ACCOUNT_NAME)
}

/// A Charter name (`contoso_ai`) as a resource-name fragment (`contoso-ai`).
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '-'
        };
        // Collapse runs so `a__b` and `a.b` read as `a-b`.
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out.trim_matches('-').to_owned()
}

/// `name` when it fits in `max` characters; otherwise its start and an 8-digit hash of the whole
/// name, so that long names stay readable, distinct and the same on every machine.
pub fn fit(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_owned();
    }
    let hash = short_hash(name);
    let keep = max.saturating_sub(hash.len() + 1);
    // Names are ASCII (built by `slug`), so any byte index is a char boundary; `get` keeps this
    // safe even if a caller passes something else.
    let head = name
        .get(..keep)
        .unwrap_or("")
        .trim_end_matches(['-', '.', ' ']);
    if head.is_empty() {
        hash
    } else {
        format!("{head}-{hash}")
    }
}

/// The first 8 hex digits of the SHA-256 of `text`.
pub fn short_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest
        .iter()
        .take(4)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
