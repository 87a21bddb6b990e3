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
    // The slug of the parts joined with `-`, written in one pass (an account is named per
    // endpoint and region: a large estate names thousands).
    let mut out = String::with_capacity(
        prefix.map_or(0, |p| p.len() + 1) + workload.len() + endpoint.len() + region.len() + 2,
    );
    for (index, part) in prefix
        .into_iter()
        .chain([workload, endpoint, region])
        .enumerate()
    {
        if index > 0 {
            push_slug(&mut out, "-");
        }
        push_slug(&mut out, part);
    }
    if out.ends_with('-') {
        out.pop();
    }
    if out.len() <= MAX_ACCOUNT_NAME {
        return out;
    }
    fit(&out, MAX_ACCOUNT_NAME)
}

/// A Charter name (`contoso_ai`) as a resource-name fragment (`contoso-ai`).
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    push_slug(&mut out, name);
    if out.ends_with('-') {
        out.pop();
    }
    out
}

/// Appends `name` to the slug `out` is writing: letters and digits in lower case, anything else
/// `-`, runs collapsed so `a__b` and `a.b` read as `a-b`, none at the start. (A character
/// outside ASCII is several bytes, each of which becomes the same one `-`.)
fn push_slug(out: &mut String, name: &str) {
    for &byte in name.as_bytes() {
        if byte.is_ascii_alphanumeric() {
            out.push(char::from(byte.to_ascii_lowercase()));
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The slug as it was written first, character by character, for comparison.
    fn slug_by_chars(name: &str) -> String {
        let mut out = String::new();
        for c in name.chars() {
            let c = if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            };
            if !(c == '-' && out.ends_with('-')) {
                out.push(c);
            }
        }
        out.trim_matches('-').to_owned()
    }

    #[test]
    fn slugs_and_account_names_are_the_joined_parts_slugged() {
        let names = [
            "",
            "-",
            "a",
            "A__b",
            "_lead",
            "trail_",
            "a.b",
            "ünïcödé_x",
            "__",
            "x--y",
            "Sweden Central",
        ];
        for name in names {
            assert_eq!(slug(name), slug_by_chars(name), "{name:?}");
        }
        for prefix in [None, Some("contoso"), Some("_"), Some("")] {
            for workload in names {
                for endpoint in ["chat", "_", "é"] {
                    let parts: Vec<&str> = prefix
                        .into_iter()
                        .chain([workload, endpoint, "swedencentral"])
                        .collect();
                    assert_eq!(
                        account(prefix, workload, endpoint, "swedencentral"),
                        fit(&slug_by_chars(&parts.join("-")), MAX_ACCOUNT_NAME),
                        "{parts:?}"
                    );
                }
            }
        }
        let long = "w".repeat(80);
        assert_eq!(
            account(None, &long, "chat", "swedencentral"),
            fit(
                &slug_by_chars(&format!("{long}-chat-swedencentral")),
                MAX_ACCOUNT_NAME
            )
        );
    }
}
