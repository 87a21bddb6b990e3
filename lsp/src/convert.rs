//! The edge where byte offsets become LSP positions (UTF-16) and domain values become LSP
//! types, and back. Nothing else in the server converts positions.

use charter_syntax::{Diagnostic, Severity, Span};
use lsp_types as lsp;

use crate::workspace::Analysis;

/// The LSP position of a byte offset in document `index`.
pub fn position(analysis: &Analysis, index: usize, offset: usize) -> lsp::Position {
    let file = &analysis.files[index];
    let (line, character) = file.line_index.line_col_utf16(analysis.text(index), offset);
    lsp::Position::new(line as u32, character as u32)
}

/// The byte offset of an LSP position in document `index`; positions past the end of a line
/// or of the document clamp to it.
pub fn offset(analysis: &Analysis, index: usize, position: lsp::Position) -> usize {
    analysis.files[index].line_index.offset_utf16(
        analysis.text(index),
        position.line as usize,
        position.character as usize,
    )
}

/// The byte offset of an LSP position (0-based line, UTF-16 column) in `text`, as
/// `LineIndex::offset_utf16` gives it, without building a line index: an edit's range is
/// converted once, and indexing every line of a large buffer for it cost more than the search
/// for the lines it names.
pub fn offset_in_text(text: &str, line: usize, column: usize) -> usize {
    let start = match line.checked_sub(1) {
        None => 0,
        Some(newlines) => match text.match_indices('\n').nth(newlines) {
            Some((newline, _)) => newline + 1,
            None => return text.len(),
        },
    };
    let end = text[start..]
        .find('\n')
        .map_or(text.len(), |newline| start + newline);
    charter_syntax::span::utf16_column_offset(text, start, end, column)
}

/// The LSP range of a span, in the document the span belongs to; `None` when the span names
/// no document of this analysis.
pub fn range(analysis: &Analysis, span: Span) -> Option<(usize, lsp::Range)> {
    let index = analysis.index_of_id(span.file)?;
    Some((index, range_in(analysis, index, span)))
}

/// The LSP range of a span known to be in document `index`.
pub fn range_in(analysis: &Analysis, index: usize, span: Span) -> lsp::Range {
    lsp::Range::new(
        position(analysis, index, span.start as usize),
        position(analysis, index, span.end as usize),
    )
}

/// The LSP location of a span.
pub fn location(analysis: &Analysis, span: Span) -> Option<lsp::Location> {
    let (index, range) = range(analysis, span)?;
    Some(lsp::Location::new(analysis.files[index].uri.clone(), range))
}

/// Renders one compiler diagnostic for the editor with the same words as the CLI: the
/// message, then the notes and the help; secondary labels become related information; the
/// code links to its explanation (`code_description`) and `data` carries the code and the
/// fix, so a client can show the explanation or apply the fix without asking again.
pub fn diagnostic(
    analysis: &Analysis,
    diagnostic: &Diagnostic,
    explanation: Option<lsp::Uri>,
) -> Option<lsp::Diagnostic> {
    let (index, range) = range(analysis, diagnostic.primary.span)?;
    let mut message = diagnostic.message.clone();
    if !diagnostic.primary.message.is_empty() {
        message.push_str(&format!("\n{}", diagnostic.primary.message));
    }
    for note in &diagnostic.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    if let Some(help) = &diagnostic.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = diagnostic
        .secondary
        .iter()
        .filter_map(|label| {
            Some(lsp::DiagnosticRelatedInformation {
                location: location(analysis, label.span)?,
                message: label.message.clone(),
            })
        })
        .collect();
    let fix = diagnostic.fix.as_ref().map(|fix| {
        serde_json::json!({
            "title": fix.title,
            "edits": fix.edits.iter().filter_map(|edit| {
                let (edit_index, range) = self::range(analysis, edit.span)?;
                (edit_index == index).then(|| serde_json::json!({"range": range, "newText": edit.new_text}))
            }).collect::<Vec<_>>(),
        })
    });
    Some(lsp::Diagnostic {
        range,
        severity: Some(match diagnostic.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(diagnostic.code.to_string())),
        code_description: explanation.map(|href| lsp::CodeDescription { href }),
        source: Some("charter".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(serde_json::json!({ "code": diagnostic.code, "fix": fix })),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The edit-range conversion agrees with the line index's, positions past the end of a
    /// line or of the text, line breaks of both kinds and characters outside the BMP included.
    #[test]
    fn offsets_in_text_are_the_line_index_offsets() {
        for text in [
            "",
            "\n",
            "abc",
            "policy a {\n  deny x\n}\n",
            "a\r\nbé\r\n\r\nc😀d\n",
            "😀\n\nx",
        ] {
            let index = charter_syntax::LineIndex::new(text);
            for line in 0..6 {
                for column in 0..8 {
                    assert_eq!(
                        offset_in_text(text, line, column),
                        index.offset_utf16(text, line, column),
                        "{text:?} line {line} column {column}"
                    );
                }
            }
        }
    }
    use charter_syntax::FileId;

    #[test]
    fn diagnostics_carry_code_notes_help_and_related_information() {
        let mut workspace = crate::workspace::Workspace::new(
            Vec::new(),
            Some(charter_ir::Date {
                year: 2026,
                month: 11,
                day: 22,
            }),
        );
        let uri: lsp::Uri = "file:///tmp/x.charter".parse().expect("valid uri");
        workspace.open(uri, "a é\nb €😀 c\n".to_string(), 1);
        let analysis = workspace.analyze();
        let text = analysis.text(0).to_string();
        let c = text.find(" c").unwrap_or(0) + 1;
        let compiler_diagnostic = Diagnostic::error(
            "E0101",
            "unknown name `c`",
            Span::new(FileId(0), c, c + 1),
            "not declared",
        )
        .with_secondary(Span::new(FileId(0), 0, 1), "declared here")
        .with_help("did you mean `a`?");
        let rendered = diagnostic(&analysis, &compiler_diagnostic, None).expect("in the document");
        assert_eq!(
            rendered.range,
            lsp::Range::new(lsp::Position::new(1, 6), lsp::Position::new(1, 7))
        );
        assert_eq!(
            rendered.message,
            "unknown name `c`\nnot declared\nhelp: did you mean `a`?"
        );
        let related = rendered.related_information.unwrap_or_default();
        assert_eq!(related.len(), 1);
        assert_eq!(related[0].message, "declared here");
    }
}
