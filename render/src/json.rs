//! Machine-readable diagnostics: one JSON object with `diagnostics[]` and a `summary`
//! (DESIGN.md section 4). Lines and columns are 1-based; columns count chars.
//!
//! Every JSON document the CLI prints starts with `schema_version` (bumped when a field is
//! removed or changes meaning; new fields do not bump it) and `charter_version`, and a command
//! prints exactly one document per invocation: `build` and `test` add their results to the
//! same object (`build`, `tests`), and a usage or I/O error is an `error` object.

use super::SourceMap;
use charter_syntax::{Diagnostic, Severity, Span};
use serde_json::{json, Map, Value};

/// The version of the layout of the CLI's JSON documents.
pub const SCHEMA_VERSION: u32 = 1;

/// The fields every JSON document starts with.
pub fn envelope() -> Map<String, Value> {
    let mut document = Map::new();
    document.insert("schema_version".to_string(), json!(SCHEMA_VERSION));
    document.insert(
        "charter_version".to_string(),
        json!(env!("CARGO_PKG_VERSION")),
    );
    document
}

/// A document for a run that could not get as far as diagnostics (exit code 2).
pub fn error_document(message: &str) -> Value {
    let mut document = envelope();
    document.insert("error".to_string(), json!({ "message": message }));
    Value::Object(document)
}

/// Pretty-prints a document with a final newline.
pub fn pretty(document: &Value) -> String {
    let mut text = serde_json::to_string_pretty(document).unwrap_or_default();
    text.push('\n');
    text
}

fn location(sources: &SourceMap, span: Span) -> Value {
    let start = sources.position(span.file, span.start);
    let end = sources.position(span.file, span.end);
    json!({
        "file": sources.path(span),
        "start": { "line": start.line, "column": start.column },
        "end": { "line": end.line, "column": end.column },
    })
}

fn diagnostic_json(sources: &SourceMap, diagnostic: &Diagnostic) -> Value {
    let primary = location(sources, diagnostic.primary.span);
    let mut labels = vec![json!({
        "primary": true,
        "message": diagnostic.primary.message,
        "location": primary,
    })];
    labels.extend(diagnostic.secondary.iter().map(|label| {
        json!({
            "primary": false,
            "message": label.message,
            "location": location(sources, label.span),
        })
    }));
    let fix = diagnostic.fix.as_ref().map(|fix| {
        json!({
            "title": fix.title,
            "edits": fix.edits.iter().map(|edit| json!({
                "location": location(sources, edit.span),
                "new_text": edit.new_text,
            })).collect::<Vec<_>>(),
        })
    });
    json!({
        "code": diagnostic.code,
        "severity": diagnostic.severity.as_str(),
        "message": diagnostic.message,
        "file": primary["file"],
        "start": primary["start"],
        "end": primary["end"],
        "labels": labels,
        "notes": diagnostic.notes,
        "help": diagnostic.help,
        "fix": fix,
    })
}

/// The report: the [`envelope`], `diagnostics` and `summary`.
pub fn report(sources: &SourceMap, diagnostics: &[Diagnostic], files_checked: usize) -> Value {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let mut document = envelope();
    document.insert(
        "diagnostics".to_string(),
        diagnostics
            .iter()
            .map(|d| diagnostic_json(sources, d))
            .collect(),
    );
    document.insert(
        "summary".to_string(),
        json!({
            "errors": errors,
            "warnings": diagnostics.len() - errors,
            "files": files_checked,
        }),
    );
    Value::Object(document)
}

/// The whole report, pretty-printed.
pub fn to_string(sources: &SourceMap, diagnostics: &[Diagnostic], files_checked: usize) -> String {
    pretty(&report(sources, diagnostics, files_checked))
}
