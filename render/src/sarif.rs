//! SARIF 2.1.0, as GitHub code scanning reads it: one rule per error code, one result per
//! diagnostic, secondary labels as related locations.
//!
//! What makes a log that GitHub and Microsoft's SARIF validator (`sarif-multitool validate`)
//! accept without warnings: artifact URIs relative to the `%SRCROOT%` base (the repository
//! root) and percent-encoded (SARIF 2.1.0 §3.4.3, RFC 3986); `partialFingerprints`, so that an
//! alert keeps its identity when lines move (GitHub, "SARIF support for code scanning",
//! "Preventing duplicate alerts using fingerprints"); the tool's version and `informationUri`
//! and a `helpUri` per rule (validator rules SARIF2005 and SARIF2012) when the package names
//! its repository; Pascal-case rule names (SARIF2012); rule tags; and the text of each region
//! and of its lines (`snippet`, `contextRegion`: SARIF2010, SARIF2011).

use super::ci::RepositoryPaths;
use super::SourceMap;
use charter_syntax::{CodeInfo, Diagnostic, Severity, Span};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The base the artifact URIs are relative to.
const SRCROOT: &str = "%SRCROOT%";

/// Characters left as they are in a URI path: RFC 3986's unreserved characters and `/`.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// Where the log's paths are relative to, and what the tool's pages are.
#[derive(Debug, Default)]
pub struct Options<'a> {
    /// The repository root, as the absolute base of `%SRCROOT%` (`originalUriBaseIds`).
    pub root: Option<&'a Path>,
    /// The documents' paths relative to the root; a document missing here keeps its path.
    pub paths: RepositoryPaths,
    /// The tool's home page (`informationUri`); each rule's `helpUri` is its section of
    /// `docs/errors.md` there. `None`: neither is written.
    pub repository: Option<&'a str>,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A relative path as a URI reference: each byte outside the unreserved set percent-encoded.
fn uri(path: &str) -> String {
    utf8_percent_encode(&path.replace('\\', "/"), PATH).to_string()
}

fn relative_path(sources: &SourceMap, options: &Options, span: Span) -> String {
    options
        .paths
        .get(&span.file)
        .cloned()
        .unwrap_or_else(|| sources.path(span).to_string())
}

fn physical_location(sources: &SourceMap, options: &Options, span: Span) -> Value {
    let start = sources.position_utf16(span.file, span.start);
    let end = sources.position_utf16(span.file, span.end);
    let mut region = json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    });
    let mut location = json!({
        "artifactLocation": {
            "uri": uri(&relative_path(sources, options, span)),
            "uriBaseId": SRCROOT,
        },
    });
    if let (Some(text), Some(index)) = (
        sources.printable_text(span.file),
        sources.line_index(span.file),
    ) {
        let range = span.start as usize..span.end as usize;
        if let Some(snippet) = text.get(range) {
            region["snippet"] = json!({ "text": snippet });
        }
        // The whole lines the region is on.
        let first = index.line_of(span.start as usize);
        let last = index.line_of(span.end as usize);
        let from = index.line_start(first).unwrap_or(0);
        let to = index.line_start(last + 1).unwrap_or(text.len());
        if let Some(lines) = text.get(from..to) {
            location["contextRegion"] = json!({
                "startLine": first + 1,
                "endLine": last + 1,
                "snippet": { "text": lines },
            });
        }
    }
    location["region"] = region;
    location
}

/// Tags by code range, the areas of `CONTRIBUTING.md`'s list.
fn tags(code: &str) -> Vec<&'static str> {
    let area = match code.get(..3) {
        Some("E00") => "syntax",
        Some("E01") => "names",
        Some("E02") => "types",
        Some("E03") => "catalog",
        Some("E04") => "policy",
        Some("E05") => "content-filters",
        Some("E06") => "sharing-and-redundancy",
        Some("E07") => "exemptions",
        Some("E08") => "self-compliance",
        _ => "other",
    };
    vec!["charter", "governance", area]
}

fn rule(info: &CodeInfo, repository: Option<&str>) -> Value {
    let mut rule = json!({
        "id": info.code,
        "name": rule_name(info.title),
        "shortDescription": { "text": info.title },
        "fullDescription": { "text": info.explanation.lines().next().unwrap_or(info.title) },
        "help": {
            "text": info.explanation,
            "markdown": format!(
                "{}\n\nFailing example:\n\n```\n{}\n```\n\nFixed:\n\n```\n{}\n```",
                info.explanation, info.failing_example.trim_end(), info.fixed_example.trim_end()
            ),
        },
        "defaultConfiguration": { "level": level(info.severity) },
        "properties": {
            "tags": tags(info.code),
            // GitHub's severity of a non-security alert.
            "problem.severity": level(info.severity),
        },
    });
    if let Some(repository) = repository {
        rule["helpUri"] = json!(help_uri(repository, info.code));
    }
    rule
}

/// The section of `docs/errors.md` that explains a code (its heading's anchor).
fn help_uri(repository: &str, code: &str) -> String {
    format!(
        "{}/blob/main/docs/errors.md#{}",
        repository.trim_end_matches('/'),
        code.to_ascii_lowercase()
    )
}

/// `unknown model` → `UnknownModel`, SARIF's convention for rule names: Pascal case, each word
/// at least two letters (`Charter's own resource` → `ChartersOwnResource`, `in a string` →
/// `InString`), as the validator's rule SARIF2012 reads it.
fn rule_name(title: &str) -> String {
    title
        .replace("'s", "s")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| word.len() > 1)
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A fingerprint that survives moving the diagnostic to another line: the code, the file, the
/// message and the text the primary label covers. Identical ones in one file are numbered.
fn fingerprint(
    sources: &SourceMap,
    options: &Options,
    diagnostic: &Diagnostic,
    seen: &mut HashMap<String, usize>,
) -> String {
    let span = diagnostic.primary.span;
    let text = sources
        .document(span.file)
        .and_then(|document| document.text.get(span.start as usize..span.end as usize))
        .unwrap_or_default();
    let mut hasher = Sha256::new();
    for part in [
        diagnostic.code,
        &relative_path(sources, options, span),
        &diagnostic.message,
        text,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let hex: String = hasher.finalize()[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let count = seen.entry(hex.clone()).or_insert(0);
    *count += 1;
    format!("{hex}:{count}")
}

/// The SARIF log for one run, with the document paths as they are.
pub fn to_string(sources: &SourceMap, diagnostics: &[Diagnostic], rules: &[&CodeInfo]) -> String {
    to_string_with(sources, diagnostics, rules, &Options::default())
}

/// The SARIF log for one run.
pub fn to_string_with(
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    rules: &[&CodeInfo],
    options: &Options,
) -> String {
    let mut seen = HashMap::new();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|diagnostic| {
            let mut text = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                text.push_str(&format!("\nhelp: {help}"));
            }
            let mut result = json!({
                "ruleId": diagnostic.code,
                "level": level(diagnostic.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": physical_location(sources, options, diagnostic.primary.span),
                    "message": { "text": diagnostic.primary.message },
                }],
                "relatedLocations": diagnostic.secondary.iter().enumerate().map(|(index, label)| json!({
                    "id": index + 1,
                    "physicalLocation": physical_location(sources, options, label.span),
                    "message": { "text": label.message },
                })).collect::<Vec<_>>(),
                "partialFingerprints": {
                    "charterDiagnostic/v1": fingerprint(sources, options, diagnostic, &mut seen),
                },
            });
            if let Some(index) = rules.iter().position(|info| info.code == diagnostic.code) {
                result["ruleIndex"] = json!(index);
            }
            result
        })
        .collect();
    let mut driver = json!({
        "name": "charter",
        "fullName": "Charter policy-as-code checker",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rules.iter().map(|info| rule(info, options.repository)).collect::<Vec<_>>(),
    });
    if let Some(repository) = options.repository {
        driver["informationUri"] = json!(repository);
    }
    let mut run = json!({
        "tool": { "driver": driver },
        "columnKind": "utf16CodeUnits",
        "results": results,
    });
    if let Some(root) = options.root {
        let mut bases = Map::new();
        bases.insert(
            SRCROOT.to_string(),
            json!({ "uri": format!("file://{}/", uri(&root.to_string_lossy()).trim_end_matches('/')) }),
        );
        run["originalUriBaseIds"] = Value::Object(bases);
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_percent_encoded_uri_references() {
        assert_eq!(
            uri("policies/prod ai/é#1.charter"),
            "policies/prod%20ai/%C3%A9%231.charter"
        );
        assert_eq!(uri("a-b_c.d~e/f"), "a-b_c.d~e/f");
    }

    #[test]
    fn rule_names_are_pascal_case_words() {
        assert_eq!(
            rule_name("invalid escape in a string"),
            "InvalidEscapeInString"
        );
        assert_eq!(
            rule_name("Charter's own resource denied by its own initiative"),
            "ChartersOwnResourceDeniedByItsOwnInitiative"
        );
    }

    #[test]
    fn help_uris_name_the_section_of_the_code() {
        assert_eq!(
            help_uri("https://example.org/charter/", "E0102"),
            "https://example.org/charter/blob/main/docs/errors.md#e0102"
        );
    }
}
