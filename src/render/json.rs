//! Machine-readable diagnostics: one JSON object with `diagnostics[]` and a `summary`
//! (DESIGN.md section 4). Lines and columns are 1-based; columns count chars.

use super::SourceMap;
use charter_syntax::{Diagnostic, Severity, Span};
use serde_json::{json, Value};

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

/// The whole report, pretty-printed.
pub fn to_string(sources: &SourceMap, diagnostics: &[Diagnostic], files_checked: usize) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let report = json!({
        "diagnostics": diagnostics.iter().map(|d| diagnostic_json(sources, d)).collect::<Vec<_>>(),
        "summary": {
            "errors": errors,
            "warnings": diagnostics.len() - errors,
            "files": files_checked,
        },
    });
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}
