//! Human-readable diagnostics in codespan-reporting's style.

use super::SourceMap;
use charter_syntax::{Diagnostic, FileId, Severity};
use codespan_reporting::diagnostic::{Diagnostic as Report, Label, LabelStyle};
use codespan_reporting::files::{Error, Files};
use codespan_reporting::term::{self, termcolor::WriteColor, Config};
use std::ops::Range;

/// Adapts the compilation's documents to codespan-reporting's `Files`.
struct CodespanFiles<'a> {
    sources: &'a SourceMap<'a>,
}

impl<'a> Files<'a> for CodespanFiles<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, Error> {
        self.sources.printable_name(id).ok_or(Error::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, Error> {
        self.sources.printable_text(id).ok_or(Error::FileMissing)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, Error> {
        let text = self.source(id)?;
        let index = self.sources.line_index(id).ok_or(Error::FileMissing)?;
        Ok(index.line_of(byte_index.min(text.len())))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, Error> {
        let text = self.source(id)?;
        let index = self.sources.line_index(id).ok_or(Error::FileMissing)?;
        let start = index.line_start(line_index).ok_or(Error::LineTooLarge {
            given: line_index,
            max: index.line_count() - 1,
        })?;
        let end = index.line_start(line_index + 1).unwrap_or(text.len());
        Ok(start..end)
    }
}

fn to_report(diagnostic: &Diagnostic) -> Report<FileId> {
    let report = match diagnostic.severity {
        Severity::Error => Report::error(),
        Severity::Warning => Report::warning(),
    };
    let mut labels = vec![Label::new(
        LabelStyle::Primary,
        diagnostic.primary.span.file,
        diagnostic.primary.span.range(),
    )
    .with_message(&diagnostic.primary.message)];
    labels.extend(diagnostic.secondary.iter().map(|label| {
        Label::new(LabelStyle::Secondary, label.span.file, label.span.range())
            .with_message(&label.message)
    }));
    let mut notes: Vec<String> = diagnostic
        .notes
        .iter()
        .map(|note| format!("note: {note}"))
        .collect();
    if let Some(help) = &diagnostic.help {
        notes.push(format!("help: {help}"));
    }
    report
        .with_code(diagnostic.code)
        .with_message(&diagnostic.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// At most this many diagnostics are drawn with source excerpts; a person does not read more,
/// and a file with thousands of errors on one long line would print hundreds of megabytes.
/// `--format json` lists them all.
pub const MAX_RENDERED: usize = 200;

/// Writes the diagnostics (at most [`MAX_RENDERED`]) to a (possibly coloured) stream.
pub fn emit(
    writer: &mut dyn WriteColor,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
) -> std::io::Result<()> {
    let files = CodespanFiles { sources };
    let config = Config::default();
    for diagnostic in diagnostics.iter().take(MAX_RENDERED) {
        let report = to_report(diagnostic);
        if term::emit_to_write_style(writer, &config, &files, &report).is_err() {
            // A label outside its file would be a compiler bug; still say what was wrong.
            writeln!(
                writer,
                "{}[{}]: {}",
                diagnostic.severity.as_str(),
                diagnostic.code,
                diagnostic.message
            )?;
        }
    }
    if diagnostics.len() > MAX_RENDERED {
        writeln!(
            writer,
            "... and {} more not shown; `--format json` lists every diagnostic\n",
            diagnostics.len() - MAX_RENDERED
        )?;
    }
    Ok(())
}

/// Writes what `charter check` prints for these diagnostics: each of them (see [`emit`]), then
/// the [`summary`] line when there is any.
pub fn emit_report(
    writer: &mut dyn WriteColor,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
) -> std::io::Result<()> {
    emit(writer, sources, diagnostics)?;
    if !diagnostics.is_empty() {
        writeln!(writer, "{}", summary(diagnostics))?;
    }
    Ok(())
}

/// [`emit_report`] without colour: exactly the text `charter check --color never` prints on
/// standard error, which is what the tests snapshot.
pub fn to_string(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let mut buffer = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
    // Writing into memory cannot fail.
    let _ = emit_report(&mut buffer, sources, diagnostics);
    String::from_utf8_lossy(&buffer.into_inner()).into_owned()
}

/// `2 errors, 1 warning` (or `no problems`).
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => "no problems".to_string(),
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}
