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
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{self, Write};
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

#[derive(Serialize)]
struct Text<T> {
    text: T,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ContextRegion<'s> {
    start_line: usize,
    end_line: usize,
    snippet: Text<&'s str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region<'s> {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text<&'s str>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'s> {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    context_region: Option<ContextRegion<'s>>,
    region: Region<'s>,
}

fn physical_location<'s>(
    sources: &'s SourceMap,
    options: &Options,
    span: Span,
) -> PhysicalLocation<'s> {
    let start = sources.position_utf16(span.file, span.start);
    let end = sources.position_utf16(span.file, span.end);
    let mut region = Region {
        start_line: start.line,
        start_column: start.column,
        end_line: end.line,
        end_column: end.column,
        snippet: None,
    };
    let mut context_region = None;
    if let (Some(text), Some(index)) = (
        sources.printable_text(span.file),
        sources.line_index(span.file),
    ) {
        let range = span.start as usize..span.end as usize;
        region.snippet = text.get(range).map(|snippet| Text { text: snippet });
        // The whole lines the region is on.
        let first = index.line_of(span.start as usize);
        let last = index.line_of(span.end as usize);
        let from = index.line_start(first).unwrap_or(0);
        let to = index.line_start(last + 1).unwrap_or(text.len());
        context_region = text.get(from..to).map(|lines| ContextRegion {
            start_line: first + 1,
            end_line: last + 1,
            snippet: Text { text: lines },
        });
    }
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: uri(&relative_path(sources, options, span)),
            uri_base_id: SRCROOT,
        },
        context_region,
        region,
    }
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LocationJson<'s> {
    physical_location: PhysicalLocation<'s>,
    message: Text<&'s str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation<'s> {
    id: usize,
    physical_location: PhysicalLocation<'s>,
    message: Text<&'s str>,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "charterDiagnostic/v1")]
    diagnostic: String,
}

/// One result, serialised straight from its diagnostic.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultJson<'s> {
    rule_id: &'s str,
    level: &'static str,
    message: Text<String>,
    locations: [LocationJson<'s>; 1],
    related_locations: Vec<RelatedLocation<'s>>,
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
}

/// The results, each built when the writer reaches it.
struct Results<'s, 'a> {
    sources: &'s SourceMap<'a>,
    diagnostics: &'s [Diagnostic],
    rules: &'s [&'s CodeInfo],
    options: &'s Options<'s>,
}

impl Serialize for Results<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (sources, options) = (self.sources, self.options);
        let mut rule_index: HashMap<&str, usize> = HashMap::new();
        for (index, info) in self.rules.iter().enumerate() {
            rule_index.entry(info.code).or_insert(index);
        }
        let mut seen = HashMap::new();
        serializer.collect_seq(self.diagnostics.iter().map(|diagnostic| {
            let mut text = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            ResultJson {
                rule_id: diagnostic.code,
                level: level(diagnostic.severity),
                message: Text { text },
                locations: [LocationJson {
                    physical_location: physical_location(sources, options, diagnostic.primary.span),
                    message: Text {
                        text: &diagnostic.primary.message,
                    },
                }],
                related_locations: diagnostic
                    .secondary
                    .iter()
                    .enumerate()
                    .map(|(index, label)| RelatedLocation {
                        id: index + 1,
                        physical_location: physical_location(sources, options, label.span),
                        message: Text {
                            text: &label.message,
                        },
                    })
                    .collect(),
                partial_fingerprints: Fingerprints {
                    diagnostic: fingerprint(sources, options, diagnostic, &mut seen),
                },
                rule_index: rule_index.get(diagnostic.code).copied(),
            }
        }))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'s> {
    name: &'static str,
    full_name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'s str>,
}

#[derive(Serialize)]
struct Tool<'s> {
    driver: Driver<'s>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'s, 'a> {
    tool: Tool<'s>,
    column_kind: &'static str,
    results: Results<'s, 'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<Value>,
}

/// The runs: Charter's own, then those the command adds.
struct Runs<'s, 'a> {
    first: Run<'s, 'a>,
    more: &'s [Value],
}

impl Serialize for Runs<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(1 + self.more.len()))?;
        seq.serialize_element(&self.first)?;
        for run in self.more {
            seq.serialize_element(run)?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct Log<'s, 'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Runs<'s, 'a>,
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
    let mut text = Vec::new();
    // Writing into memory cannot fail, and every key is a string.
    let _ = write(&mut text, sources, diagnostics, rules, options, &[]);
    String::from_utf8(text).unwrap_or_default()
}

/// Writes the SARIF log, pretty-printed with a final newline (the text of [`to_string_with`]),
/// to `writer` as it is serialised: each result is built when the writer reaches it, so a run
/// with tens of thousands of diagnostics never holds them all as JSON. `more_runs` follow
/// Charter's own run (the cases of `charter test`).
pub fn write(
    writer: &mut dyn Write,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    rules: &[&CodeInfo],
    options: &Options,
    more_runs: &[Value],
) -> io::Result<()> {
    let original_uri_base_ids = options.root.map(|root| {
        let mut bases = Map::new();
        bases.insert(
            SRCROOT.to_string(),
            json!({ "uri": format!("file://{}/", uri(&root.to_string_lossy()).trim_end_matches('/')) }),
        );
        Value::Object(bases)
    });
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: Runs {
            first: Run {
                tool: Tool {
                    driver: Driver {
                        name: "charter",
                        full_name: "Charter policy-as-code checker",
                        version: env!("CARGO_PKG_VERSION"),
                        semantic_version: env!("CARGO_PKG_VERSION"),
                        rules: rules
                            .iter()
                            .map(|info| rule(info, options.repository))
                            .collect(),
                        information_uri: options.repository,
                    },
                },
                column_kind: "utf16CodeUnits",
                results: Results {
                    sources,
                    diagnostics,
                    rules,
                    options,
                },
                original_uri_base_ids,
            },
            more: more_runs,
        },
    };
    let mut writer = io::BufWriter::with_capacity(64 * 1024, writer);
    serde_json::to_writer_pretty(&mut writer, &log)?;
    writer.write_all(b"\n")?;
    writer.flush()
}

/// The SARIF log as a value (for a caller that adds to it; [`write`] streams the same text).
pub fn to_value(
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    rules: &[&CodeInfo],
    options: &Options,
) -> Value {
    serde_json::from_str(&to_string_with(sources, diagnostics, rules, options))
        .unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    // The value tree this module built before it wrote the log as it serialised it, kept as
    // the oracle the writer must match byte for byte.
    fn old_physical_location(sources: &SourceMap, options: &Options, span: Span) -> Value {
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

    fn old_to_string_with(
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
                        "physicalLocation": old_physical_location(sources, options, diagnostic.primary.span),
                        "message": { "text": diagnostic.primary.message },
                    }],
                    "relatedLocations": diagnostic.secondary.iter().enumerate().map(|(index, label)| json!({
                        "id": index + 1,
                        "physicalLocation": old_physical_location(sources, options, label.span),
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

    #[test]
    fn the_written_log_is_the_value_tree_it_replaced() {
        let sources = SourceMap::new(fixture::sources());
        let infos = [
            CodeInfo {
                code: "E0605",
                severity: Severity::Warning,
                title: "unknown environment",
                explanation: "The environment is not declared.\n\nDeclare it.",
                failing_example: "a",
                fixed_example: "b",
            },
            CodeInfo {
                code: "E0102",
                severity: Severity::Error,
                title: "Charter's own unknown model",
                explanation: "The model is not in the catalog.",
                failing_example: "c\n",
                fixed_example: "d",
            },
        ];
        let rules: Vec<&CodeInfo> = infos.iter().collect();
        let root = Path::new("/home/me/my repo");
        let mut paths = RepositoryPaths::new();
        paths.insert(
            charter_syntax::FileId(1),
            "project/workloads/support.charter".into(),
        );
        let options = [
            Options::default(),
            Options {
                root: Some(root),
                paths,
                repository: Some("https://example.org/charter/"),
            },
        ];
        for options in &options {
            for count in [0, 1, 40, 400] {
                let diagnostics = fixture::diagnostics(count);
                let expected = old_to_string_with(&sources, &diagnostics, &rules, options);
                assert_eq!(
                    to_string_with(&sources, &diagnostics, &rules, options),
                    expected
                );
                // With runs added after Charter's own, as `charter test` does.
                let more = [
                    json!({ "tool": { "driver": { "name": "more" } } }),
                    json!({}),
                ];
                let mut log: Value = serde_json::from_str(&expected).unwrap_or(Value::Null);
                if let Some(Value::Array(runs)) = log.get_mut("runs") {
                    runs.extend(more.iter().cloned());
                }
                let mut text = Vec::new();
                assert!(write(&mut text, &sources, &diagnostics, &rules, options, &more).is_ok());
                let mut expected = serde_json::to_string_pretty(&log).unwrap_or_default();
                expected.push('\n');
                assert_eq!(String::from_utf8_lossy(&text), expected);
            }
        }
    }

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
