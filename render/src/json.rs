//! Machine-readable diagnostics: one JSON object with `diagnostics[]` and a `summary`
//! (DESIGN.md section 4). Lines and columns are 1-based; columns count chars.
//!
//! Every JSON document the CLI prints starts with `schema_version` (bumped when a field is
//! removed or changes meaning; new fields do not bump it) and `charter_version`, and a command
//! prints exactly one document per invocation: `build` and `test` add their results to the
//! same object (`build`, `tests`), and a usage or I/O error is an `error` object.

use super::{Position, SourceMap};
use charter_syntax::{Diagnostic, Severity, Span};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::io::{self, Write};

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

/// A 1-based line and column, as `{ "line": .., "column": .. }`.
#[derive(Serialize)]
struct Point {
    line: usize,
    column: usize,
}

impl From<Position> for Point {
    fn from(position: Position) -> Point {
        Point {
            line: position.line,
            column: position.column,
        }
    }
}

#[derive(Serialize)]
struct Location<'a> {
    file: &'a str,
    start: Point,
    end: Point,
}

fn location<'a>(sources: &SourceMap<'a>, span: Span) -> Location<'a> {
    Location {
        file: sources.path(span),
        start: sources.position(span.file, span.start).into(),
        end: sources.position(span.file, span.end).into(),
    }
}

#[derive(Serialize)]
struct LabelJson<'a> {
    primary: bool,
    message: &'a str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct EditJson<'a> {
    location: Location<'a>,
    new_text: &'a str,
}

#[derive(Serialize)]
struct FixJson<'a> {
    title: &'a str,
    edits: Vec<EditJson<'a>>,
}

/// One diagnostic as the JSON document lists it, serialised straight from the diagnostic.
#[derive(Serialize)]
struct DiagnosticJson<'a> {
    code: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    start: Point,
    end: Point,
    labels: Vec<LabelJson<'a>>,
    notes: &'a [String],
    help: Option<&'a str>,
    fix: Option<FixJson<'a>>,
}

impl<'a> DiagnosticJson<'a> {
    fn new(sources: &SourceMap<'a>, diagnostic: &'a Diagnostic) -> DiagnosticJson<'a> {
        let primary = location(sources, diagnostic.primary.span);
        let mut labels = Vec::with_capacity(1 + diagnostic.secondary.len());
        labels.push(LabelJson {
            primary: true,
            message: &diagnostic.primary.message,
            location: location(sources, diagnostic.primary.span),
        });
        labels.extend(diagnostic.secondary.iter().map(|label| LabelJson {
            primary: false,
            message: &label.message,
            location: location(sources, label.span),
        }));
        let fix = diagnostic.fix.as_ref().map(|fix| FixJson {
            title: &fix.title,
            edits: fix
                .edits
                .iter()
                .map(|edit| EditJson {
                    location: location(sources, edit.span),
                    new_text: &edit.new_text,
                })
                .collect(),
        });
        DiagnosticJson {
            code: diagnostic.code,
            severity: diagnostic.severity.as_str(),
            message: &diagnostic.message,
            file: primary.file,
            start: primary.start,
            end: primary.end,
            labels,
            notes: &diagnostic.notes,
            help: diagnostic.help.as_deref(),
            fix,
        }
    }
}

/// The diagnostics as a JSON array, each serialised when the writer reaches it.
struct Diagnostics<'s, 'a> {
    sources: &'s SourceMap<'a>,
    diagnostics: &'a [Diagnostic],
}

impl Serialize for Diagnostics<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.diagnostics
                .iter()
                .map(|diagnostic| DiagnosticJson::new(self.sources, diagnostic)),
        )
    }
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    files: usize,
}

/// The report as one JSON object: the envelope's fields, `diagnostics`, `summary`, then the
/// command's own `members` in their order. Written by a serializer as it goes, so that a run
/// with tens of thousands of diagnostics never holds their JSON in memory (as a value or as
/// text): [`write`] streams it.
pub struct Report<'s, 'a> {
    pub sources: &'s SourceMap<'a>,
    pub diagnostics: &'a [Diagnostic],
    pub files_checked: usize,
    /// What the command adds after `summary` (`build`, `tests`, `catalog`, ...).
    pub members: &'s Map<String, Value>,
}

impl Serialize for Report<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let errors = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        const OWN: [&str; 4] = [
            "schema_version",
            "charter_version",
            "diagnostics",
            "summary",
        ];
        let mut map = serializer.serialize_map(None)?;
        // As in a JSON object that a member is inserted into: a member named like one of the
        // report's own keys replaces its value in its place.
        let member = |key: &str| self.members.get(key);
        match member("schema_version") {
            Some(value) => map.serialize_entry("schema_version", value)?,
            None => map.serialize_entry("schema_version", &SCHEMA_VERSION)?,
        }
        match member("charter_version") {
            Some(value) => map.serialize_entry("charter_version", value)?,
            None => map.serialize_entry("charter_version", env!("CARGO_PKG_VERSION"))?,
        }
        match member("diagnostics") {
            Some(value) => map.serialize_entry("diagnostics", value)?,
            None => map.serialize_entry(
                "diagnostics",
                &Diagnostics {
                    sources: self.sources,
                    diagnostics: self.diagnostics,
                },
            )?,
        }
        match member("summary") {
            Some(value) => map.serialize_entry("summary", value)?,
            None => map.serialize_entry(
                "summary",
                &Summary {
                    errors,
                    warnings: self.diagnostics.len() - errors,
                    files: self.files_checked,
                },
            )?,
        }
        for (key, value) in self.members {
            if !OWN.contains(&key.as_str()) {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

/// Writes the report, pretty-printed with a final newline (the text of [`to_string`]), to
/// `writer` as it is serialised.
pub fn write(writer: &mut dyn Write, report: &Report) -> io::Result<()> {
    let mut writer = io::BufWriter::with_capacity(64 * 1024, writer);
    serde_json::to_writer_pretty(&mut writer, report)?;
    writer.write_all(b"\n")?;
    writer.flush()
}

/// The report: the [`envelope`], `diagnostics` and `summary`, as a value (for a caller that
/// adds to it; [`write`] streams the same text).
pub fn report(sources: &SourceMap, diagnostics: &[Diagnostic], files_checked: usize) -> Value {
    let members = Map::new();
    let report = Report {
        sources,
        diagnostics,
        files_checked,
        members: &members,
    };
    serde_json::to_value(&report).unwrap_or(Value::Null)
}

/// The whole report, pretty-printed.
pub fn to_string(sources: &SourceMap, diagnostics: &[Diagnostic], files_checked: usize) -> String {
    let members = Map::new();
    let report = Report {
        sources,
        diagnostics,
        files_checked,
        members: &members,
    };
    let mut text = Vec::new();
    // Writing into memory cannot fail, and every key is a string.
    let _ = write(&mut text, &report);
    String::from_utf8(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    // The value tree this module built before it wrote the report as it serialised it, kept
    // as the oracle the writer must match byte for byte.
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

    fn old_report(sources: &SourceMap, diagnostics: &[Diagnostic], files_checked: usize) -> Value {
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

    #[test]
    fn the_written_report_is_the_value_tree_it_replaced() {
        let sources = SourceMap::new(fixture::sources());
        for count in [0, 1, 40, 400] {
            let diagnostics = fixture::diagnostics(count);
            let expected = pretty(&old_report(&sources, &diagnostics, 4));
            assert_eq!(to_string(&sources, &diagnostics, 4), expected);
            assert_eq!(pretty(&report(&sources, &diagnostics, 4)), expected);
        }
    }

    #[test]
    fn members_follow_the_summary_and_replace_their_namesakes_in_place() {
        let sources = SourceMap::new(fixture::sources());
        let diagnostics = fixture::diagnostics(3);
        let mut expected = old_report(&sources, &diagnostics, 2);
        let mut members = Map::new();
        for (key, value) in [
            ("build", Value::Null),
            ("summary", json!({ "replaced": true })),
            ("tests", json!([1, 2])),
        ] {
            members.insert(key.to_string(), value.clone());
            if let Value::Object(document) = &mut expected {
                document.insert(key.to_string(), value);
            }
        }
        let mut text = Vec::new();
        let report = Report {
            sources: &sources,
            diagnostics: &diagnostics,
            files_checked: 2,
            members: &members,
        };
        assert!(write(&mut text, &report).is_ok());
        assert_eq!(String::from_utf8_lossy(&text), pretty(&expected));
    }
}
