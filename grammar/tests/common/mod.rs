//! Helpers shared by the integration tests: fixture discovery and diagnostic rendering.
#![allow(dead_code, reason = "each test file uses a subset")]

use std::path::{Path, PathBuf};

use charter_syntax::{Diagnostic, Severity};
use codespan_reporting::diagnostic::{Diagnostic as Rendered, Label, LabelStyle};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;

/// The repository root (the workspace directory).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.charter` file under `dir`, recursively, sorted.
pub fn charter_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "charter") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The syntax-error fixtures.
pub fn syntax_fixtures() -> Vec<PathBuf> {
    charter_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/syntax"))
}

/// Every `.charter` file of the repository that the formatter must handle: the examples, the
/// stdlib and this crate's fixtures.
pub fn repository_sources() -> Vec<PathBuf> {
    let root = repo_root();
    let mut files = charter_files(&root.join("examples"));
    files.extend(charter_files(&root.join("stdlib")));
    files.extend(charter_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
    ));
    files
}

/// Renders diagnostics the way the CLI does, without colour.
pub fn render(name: &str, text: &str, diagnostics: &[Diagnostic]) -> String {
    let mut files = SimpleFiles::new();
    let file = files.add(name.to_string(), text.to_string());
    let config = term::Config::default();
    let mut out = String::new();
    for diagnostic in diagnostics {
        let severity = match diagnostic.severity {
            Severity::Error => codespan_reporting::diagnostic::Severity::Error,
            Severity::Warning => codespan_reporting::diagnostic::Severity::Warning,
        };
        let mut labels =
            vec![
                Label::new(LabelStyle::Primary, file, diagnostic.primary.span.range())
                    .with_message(diagnostic.primary.message.clone()),
            ];
        for secondary in &diagnostic.secondary {
            labels.push(
                Label::new(LabelStyle::Secondary, file, secondary.span.range())
                    .with_message(secondary.message.clone()),
            );
        }
        let mut notes = diagnostic.notes.clone();
        if let Some(help) = &diagnostic.help {
            notes.push(format!("help: {help}"));
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
