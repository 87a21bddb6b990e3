//! Fixture tests: every `tests/fixtures/*.charter` is compiled (with the stdlib, today =
//! 2026-11-22) and its rendered diagnostics are snapshotted as a document:
//! `----- SOURCE` then `----- DIAGNOSTICS`.
//!
//! A fixture named after a code (`E0301.charter`, `E0301_versions.charter`) must report that
//! code; a fixture named `ok_*.charter` must compile without any diagnostic, and one named
//! `cascade_*.charter` (one mistake) with exactly one. A multi-file
//! fixture marks each file with a `// --- file: NAME.charter` line.

#![expect(
    clippy::disallowed_methods,
    reason = "tests read their fixtures from disk"
)]

use charter_compiler::{compile, Compilation, Document, Options};
use charter_syntax::{FileId, Severity};
use codespan_reporting::diagnostic::{Diagnostic as Rendered, Label as RenderedLabel};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;

const TODAY: charter_ir::Date = charter_ir::Date {
    year: 2026,
    month: 11,
    day: 22,
};

/// Splits a fixture into documents at `// --- file: NAME` lines.
fn split(name: &str, text: &str) -> Vec<Document> {
    let mut documents: Vec<Document> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.trim_end().strip_prefix("// --- file: ") {
            if let Some((path, text)) = current.take() {
                documents.push(document(documents.len(), path, text));
            }
            current = Some((path.to_string(), String::new()));
            continue;
        }
        match &mut current {
            Some((_, text)) => text.push_str(line),
            None => current = Some((format!("{name}.charter"), line.to_string())),
        }
    }
    if let Some((path, text)) = current {
        documents.push(document(documents.len(), path, text));
    }
    documents
}

fn document(index: usize, path: String, text: String) -> Document {
    Document {
        id: FileId(index as u32),
        path,
        text,
        is_stdlib: false,
    }
}

/// Renders diagnostics as codespan-reporting does, without colour.
pub fn render(compilation: &Compilation) -> String {
    let mut files = SimpleFiles::new();
    for document in &compilation.documents {
        files.add(document.path.clone(), document.text.clone());
    }
    let config = term::Config::default();
    let mut out = String::new();
    for diagnostic in &compilation.diagnostics {
        let file = diagnostic.primary.span.file.0 as usize;
        let severity = match diagnostic.severity {
            Severity::Error => codespan_reporting::diagnostic::Severity::Error,
            Severity::Warning => codespan_reporting::diagnostic::Severity::Warning,
        };
        let mut labels = vec![
            RenderedLabel::primary(file, diagnostic.primary.span.range())
                .with_message(diagnostic.primary.message.clone()),
        ];
        for secondary in &diagnostic.secondary {
            labels.push(
                RenderedLabel::secondary(secondary.span.file.0 as usize, secondary.span.range())
                    .with_message(secondary.message.clone()),
            );
        }
        let mut notes: Vec<String> = diagnostic.notes.clone();
        if let Some(help) = &diagnostic.help {
            notes.push(format!("help: {help}"));
        }
        if let Some(fix) = &diagnostic.fix {
            notes.push(format!("fix: {}", fix.title));
        }
        let rendered = Rendered::new(severity)
            .with_code(diagnostic.code)
            .with_message(diagnostic.message.clone())
            .with_labels(labels)
            .with_notes(notes);
        match term::emit_into_string(&config, &files, &rendered) {
            Ok(text) => out.push_str(&text),
            Err(error) => out.push_str(&format!("<render error: {error}>\n")),
        }
    }
    out
}

fn options() -> Options {
    Options::new(TODAY)
}

#[test]
fn fixtures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures exists")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "charter"))
        .collect();
    paths.sort();
    let mut failures = Vec::new();
    let mut snapshots = Vec::new();
    for path in paths {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("fixture names are UTF-8")
            .to_string();
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        let compilation = compile(split(&name, &text), &options());
        let rendered = render(&compilation);
        let codes: Vec<&str> = compilation.diagnostics.iter().map(|d| d.code).collect();
        if name.starts_with("ok_") {
            if !codes.is_empty() {
                failures.push(format!(
                    "{name}: expected no diagnostics, got {codes:?}\n{rendered}"
                ));
            }
        } else if name.starts_with("cascade_") {
            // One mistake, one diagnostic: the root cause, never what follows from it.
            if codes.len() != 1 {
                failures.push(format!(
                    "{name}: expected exactly one diagnostic, got {codes:?}\n{rendered}"
                ));
            }
        } else {
            let code = &name[..5.min(name.len())];
            if !codes.contains(&code) {
                failures.push(format!(
                    "{name}: expected {code}, got {codes:?}\n{rendered}"
                ));
            }
        }
        snapshots.push((
            name,
            format!("----- SOURCE\n{text}\n----- DIAGNOSTICS\n{rendered}"),
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    for (name, snapshot) in snapshots {
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name, snapshot);
        });
    }
}

/// Applies a fix's edits to one document's text, last edit first so offsets stay valid.
fn apply(text: &str, fix: &charter_syntax::Fix) -> String {
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|edit| std::cmp::Reverse(edit.span.start));
    let mut out = text.to_string();
    for edit in edits {
        out.replace_range(edit.span.range(), &edit.new_text);
    }
    out
}

#[test]
fn every_fix_removes_its_diagnostic_without_a_syntax_error() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut failures = Vec::new();
    let mut applied = 0;
    for entry in std::fs::read_dir(&dir)
        .expect("tests/fixtures exists")
        .flatten()
    {
        let path = entry.path();
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        if text.contains("// --- file: ") {
            continue;
        }
        let compilation = compile(split(&name, &text), &options());
        for diagnostic in &compilation.diagnostics {
            let Some(fix) = &diagnostic.fix else { continue };
            if fix.edits.iter().any(|edit| edit.span.file != FileId(0)) {
                failures.push(format!(
                    "{name}: {} fix edits another file",
                    diagnostic.code
                ));
                continue;
            }
            let fixed = apply(&text, fix);
            let after = compile(split(&name, &fixed), &options());
            let same_place = after.diagnostics.iter().any(|d| {
                d.code == diagnostic.code
                    && d.primary.span.start == diagnostic.primary.span.start
                    && d.message == diagnostic.message
            });
            let syntax = after.diagnostics.iter().any(|d| d.code.starts_with("E00"));
            if same_place || syntax {
                failures.push(format!(
                    "{name}: fix `{}` for {} did not work:\n{fixed}\n{}",
                    fix.title,
                    diagnostic.code,
                    render(&after)
                ));
            }
            applied += 1;
        }
    }
    assert!(applied > 10, "only {applied} fixes were tried");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
