//! SARIF 2.1.0, as GitHub code scanning reads it: one rule per error code, one result per
//! diagnostic, secondary labels as related locations.

use super::SourceMap;
use charter_syntax::{CodeInfo, Diagnostic, Severity, Span};
use serde_json::{json, Value};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn physical_location(sources: &SourceMap, span: Span) -> Value {
    let start = sources.position_utf16(span.file, span.start);
    let end = sources.position_utf16(span.file, span.end);
    json!({
        "artifactLocation": { "uri": sources.path(span), "uriBaseId": "%SRCROOT%" },
        "region": {
            "startLine": start.line,
            "startColumn": start.column,
            "endLine": end.line,
            "endColumn": end.column,
        },
    })
}

fn rule(info: &CodeInfo) -> Value {
    json!({
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
    })
}

/// `unknown model` → `UnknownModel`, SARIF's convention for rule names.
fn rule_name(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The SARIF log for one run.
pub fn to_string(sources: &SourceMap, diagnostics: &[Diagnostic], rules: &[&CodeInfo]) -> String {
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
                    "physicalLocation": physical_location(sources, diagnostic.primary.span),
                    "message": { "text": diagnostic.primary.message },
                }],
                "relatedLocations": diagnostic.secondary.iter().enumerate().map(|(index, label)| json!({
                    "id": index + 1,
                    "physicalLocation": physical_location(sources, label.span),
                    "message": { "text": label.message },
                })).collect::<Vec<_>>(),
            });
            if let Some(index) = rules.iter().position(|info| info.code == diagnostic.code) {
                result["ruleIndex"] = json!(index);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "charter",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules.iter().map(|info| rule(info)).collect::<Vec<_>>(),
                },
            },
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}
