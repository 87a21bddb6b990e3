//! Renderers for the one diagnostic type, [`charter_syntax::Diagnostic`]: human
//! ([`human`], codespan-reporting's style), JSON ([`json`]), SARIF ([`sarif`]), and the
//! annotations of CI systems ([`ci`], written by [`github`] and [`azure_devops`]). Each is
//! small and has its own snapshot test; the language server has its own in `lsp/`.
//!
//! The `charter` CLI prints diagnostics with these functions, and every test that snapshots
//! diagnostics renders them with the same functions, so a snapshot shows exactly what a user
//! sees. Pure: text and values in, text out (the CLI decides colour and writes the streams).

pub mod azure_devops;
pub mod ci;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use charter_syntax::{FileId, LineIndex, Span};
use std::collections::HashMap;
use std::sync::OnceLock;

/// One source document as the renderers need it: its file id, the path to show, its text.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    pub id: FileId,
    /// The path as the user sees it (relative to the project root).
    pub path: &'a str,
    pub text: &'a str,
}

/// The documents of a compilation, looked up by file id. What the renderers derive from a
/// document's text (its line index, its printable form) is computed the first time a
/// diagnostic is rendered from it: most documents of a run (the stdlib's, every clean file)
/// never are, and scanning them cost more than the rest of a small check.
pub struct SourceMap<'a> {
    documents: HashMap<FileId, Document<'a>>,
    /// File names safe to print in a terminal, where they differ from the documents' paths.
    printable_names: HashMap<FileId, String>,
}

/// One document and what is derived from its text, once it is needed.
struct Document<'a> {
    source: Source<'a>,
    index: OnceLock<LineIndex>,
    /// Source text safe to print in a terminal, where it differs from the document's.
    printable: OnceLock<Option<String>>,
}

impl Document<'_> {
    fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(self.source.text))
    }
}

/// Replaces control characters (other than newline, tab, and a carriage return that ends a
/// line before its newline) with `?` or `¿`, keeping every byte offset where it was: sources
/// come from pull requests, and a CI log renders the escape sequences a source line would
/// carry into an excerpt; a lone carriage return would let a later part of the line print over
/// an earlier one.
pub fn printable_same_length(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let is_hostile = |at: usize, ch: char| {
        ch.is_control()
            && ch != '\n'
            && ch != '\t'
            && !(ch == '\r' && bytes.get(at + 1) == Some(&b'\n'))
    };
    if !text.char_indices().any(|(at, ch)| is_hostile(at, ch)) {
        return None;
    }
    Some(
        text.char_indices()
            .map(|(at, ch)| match ch {
                ch if !is_hostile(at, ch) => ch,
                // One byte in UTF-8, like every C0 control and DEL.
                ch if ch.len_utf8() == 1 => '?',
                // C1 controls are two bytes, like `¿`.
                _ => '¿',
            })
            .collect(),
    )
}

/// A 1-based line and column (in chars) of a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl<'a> SourceMap<'a> {
    /// The map of these documents (a compilation's, or one file's).
    pub fn new(documents: impl IntoIterator<Item = Source<'a>>) -> SourceMap<'a> {
        let mut printable_names = HashMap::new();
        let documents = documents
            .into_iter()
            .map(|source| {
                if source.path.chars().any(char::is_control) {
                    printable_names
                        .insert(source.id, charter_syntax::diagnostic::sanitize(source.path));
                }
                let document = Document {
                    source,
                    index: OnceLock::new(),
                    printable: OnceLock::new(),
                };
                (source.id, document)
            })
            .collect();
        SourceMap {
            documents,
            printable_names,
        }
    }

    /// The text to show in excerpts: the document's, with control characters replaced.
    pub fn printable_text(&self, id: FileId) -> Option<&str> {
        let document = self.documents.get(&id)?;
        let printable = document
            .printable
            .get_or_init(|| printable_same_length(document.source.text));
        Some(printable.as_deref().unwrap_or(document.source.text))
    }

    /// The document's path as a terminal may show it: control characters and escape
    /// sequences in a file name are replaced.
    pub fn printable_name(&self, id: FileId) -> Option<&str> {
        match self.printable_names.get(&id) {
            Some(name) => Some(name),
            None => self.document(id).map(|document| document.path),
        }
    }

    /// The document with this id.
    pub fn document(&self, id: FileId) -> Option<Source<'a>> {
        self.documents.get(&id).map(|document| document.source)
    }

    /// 1-based line and char column of a byte offset.
    pub fn position(&self, id: FileId, offset: u32) -> Position {
        match self.documents.get(&id) {
            Some(document) => {
                let (line, column) = document
                    .index()
                    .line_col_chars(document.source.text, offset as usize);
                Position {
                    line: line + 1,
                    column: column + 1,
                }
            }
            None => Position { line: 1, column: 1 },
        }
    }

    /// 1-based line and UTF-16 column of a byte offset (SARIF's default column unit).
    pub fn position_utf16(&self, id: FileId, offset: u32) -> Position {
        match self.documents.get(&id) {
            Some(document) => {
                let (line, column) = document
                    .index()
                    .line_col_utf16(document.source.text, offset as usize);
                Position {
                    line: line + 1,
                    column: column + 1,
                }
            }
            None => Position { line: 1, column: 1 },
        }
    }

    /// The line index of a document.
    pub fn line_index(&self, id: FileId) -> Option<&LineIndex> {
        self.documents.get(&id).map(Document::index)
    }

    /// The path of the document a span is in, as the user sees it.
    pub fn path(&self, span: Span) -> &'a str {
        self.document(span.file)
            .map(|document| document.path)
            .unwrap_or("<unknown>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use charter_syntax::{CodeInfo, Diagnostic, Severity};

    /// Two files, one with non-ASCII text before a span on its line (columns count chars for
    /// people and JSON, UTF-16 units for SARIF; the text need not parse), and two diagnostics:
    /// an error with every part, a warning.
    const POLICY: &str = "policy contoso_ai {\n  models {\n    é😀 allow \"gpt-4o-mni\"\n  }\n}\n";
    const WORKLOAD: &str =
        "workload support {\n  governed_by: contoso_ai\n  environment: production\n}\n";

    fn sources() -> [Source<'static>; 2] {
        [
            Source {
                id: FileId(0),
                path: "policies/prod.charter",
                text: POLICY,
            },
            Source {
                id: FileId(1),
                path: "workloads/support.charter",
                text: WORKLOAD,
            },
        ]
    }

    fn span_of(file: u32, text: &str, needle: &str) -> Span {
        let start = text.find(needle).unwrap_or_default();
        Span::new(FileId(file), start, start + needle.len())
    }

    fn diagnostics() -> Vec<Diagnostic> {
        vec![
            Diagnostic::error(
                "E0102",
                "unknown model `gpt-4o-mni`",
                span_of(0, POLICY, "\"gpt-4o-mni\""),
                "not in the model catalog",
            )
            .with_secondary(
                span_of(1, WORKLOAD, "contoso_ai"),
                "the workload governed by it",
            )
            .with_note("the catalog is the stdlib's `models` module plus the project's own")
            .with_help("did you mean `gpt-4o-mini`?")
            .with_fix(
                "replace with `gpt-4o-mini`",
                span_of(0, POLICY, "\"gpt-4o-mni\""),
                "\"gpt-4o-mini\"",
            ),
            Diagnostic::warning(
                "E0605",
                "environment `production` is not one of the project's environments",
                span_of(1, WORKLOAD, "production"),
                "unknown environment",
            ),
        ]
    }

    const RULES: [CodeInfo; 1] = [CodeInfo {
        code: "E0102",
        severity: Severity::Error,
        title: "unknown model",
        explanation: "The model is not in the catalog.\n\nUse a model the catalog lists.",
        failing_example: "policy p { models { allow \"gpt-4o-mni\" } }",
        fixed_example: "policy p { models { allow \"gpt-4o-mini\" } }",
    }];

    #[test]
    fn human_is_what_charter_check_prints() {
        let sources = sources();
        insta::assert_snapshot!(human::to_string(&SourceMap::new(sources), &diagnostics()));
    }

    #[test]
    fn json_has_every_part_with_char_columns() {
        let sources = sources();
        insta::assert_snapshot!(json::to_string(&SourceMap::new(sources), &diagnostics(), 2));
    }

    #[test]
    fn sarif_has_rules_and_utf16_columns() {
        let sources = sources();
        let rules: Vec<&CodeInfo> = RULES.iter().collect();
        insta::assert_snapshot!(sarif::to_string(
            &SourceMap::new(sources),
            &diagnostics(),
            &rules
        ));
    }

    #[test]
    fn no_diagnostics_print_nothing() {
        assert_eq!(human::to_string(&SourceMap::new(sources()), &[]), "");
        assert_eq!(human::summary(&[]), "no problems");
    }

    #[test]
    fn printable_text_keeps_offsets() {
        let text = "a\u{1b}[31mb\u{85}c\n\u{7}";
        let printable = printable_same_length(text).unwrap_or_default();
        assert_eq!(printable.len(), text.len());
        assert_eq!(printable, "a?[31mb¿c\n?");
        assert_eq!(printable_same_length("plain\ttext\n"), None);
        assert_eq!(printable_same_length("windows\r\nlines\r\n"), None);
        assert_eq!(
            printable_same_length("// hidden\rpolicy\r\n").as_deref(),
            Some("// hidden?policy\r\n")
        );
    }
}

/// Many diagnostics of every shape, over documents with non-ASCII text, control characters in
/// a text and in a file name, and a path that needs percent-encoding: what the JSON and SARIF
/// writers are compared on with the value trees they replaced.
#[cfg(test)]
pub(crate) mod fixture {
    use charter_syntax::{Diagnostic, FileId, Span};

    pub const DOCUMENTS: [(&str, &str); 4] = [
        (
            "policies/prod.charter",
            "policy contoso_ai {\n  models {\n    é😀 allow \"gpt-4o-mni\"\n  }\n}\n",
        ),
        (
            "workloads/support.charter",
            "workload support {\n  governed_by: contoso_ai\n  environment: production\n}\n",
        ),
        (
            "odd\u{7}name.charter",
            "a\u{1b}[31m bad\rline\nsecond \u{85} line\t x\r\nthird\n",
        ),
        ("dir with space/é#1.charter", "x"),
    ];

    /// `count` diagnostics cycling through the documents, positions and parts.
    pub fn diagnostics(count: usize) -> Vec<Diagnostic> {
        let boundaries: Vec<Vec<usize>> = DOCUMENTS
            .iter()
            .map(|(_, text)| {
                let mut at: Vec<usize> = text.char_indices().map(|(at, _)| at).collect();
                at.push(text.len());
                at
            })
            .collect();
        let span = |i: usize, width: usize| {
            let file = i % DOCUMENTS.len();
            let at = &boundaries[file];
            let start = (i * 7) % at.len();
            let end = (start + width).min(at.len() - 1);
            Span::new(FileId(file as u32), at[start], at[end])
        };
        let codes = ["E0102", "E0605", "E0999"];
        let mut diagnostics = Vec::new();
        for i in 0..count {
            let code = codes[i % codes.len()];
            let message = format!("problem {} with `é` and \"quotes\"\tand\\", i % 11);
            let mut diagnostic = if i % 3 == 0 {
                Diagnostic::warning(code, message, span(i, i % 6), "")
            } else {
                Diagnostic::error(code, message, span(i, i % 6), format!("label {i}"))
            };
            for k in 0..(i % 4) {
                diagnostic = diagnostic.with_secondary(span(i + k + 1, k), format!("also {k}"));
            }
            if i % 5 == 1 {
                diagnostic = diagnostic.with_note("a note\nover two lines");
            }
            if i % 2 == 0 {
                diagnostic = diagnostic.with_help(format!("did you mean `x{i}`?"));
            }
            if i % 7 == 2 {
                diagnostic = diagnostic.with_fix("replace", span(i, 1), "\"new\"");
            }
            diagnostics.push(diagnostic);
        }
        // A span in a document the map does not have, and the same diagnostic twice (SARIF
        // numbers identical fingerprints).
        diagnostics.push(Diagnostic::error(
            "E0102",
            "nowhere",
            Span::new(FileId(99), 3, 5),
            "x",
        ));
        diagnostics.extend(diagnostics.first().cloned());
        diagnostics
    }

    pub fn sources() -> Vec<super::Source<'static>> {
        DOCUMENTS
            .iter()
            .enumerate()
            .map(|(id, (path, text))| super::Source {
                id: FileId(id as u32),
                path,
                text,
            })
            .collect()
    }
}
