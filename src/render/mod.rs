//! Renderers for the one diagnostic type: human (codespan-reporting), JSON, SARIF, and the
//! annotations of CI systems (GitHub Actions, Azure Pipelines: [`ci`]). Each is
//! small and has its own snapshot test; the language server has its own in `lsp/`. Also the
//! plumbing every command's output goes through: when to colour ([`color`]) and writing to
//! standard output without panicking on a closed pipe or a full disk ([`stream`]).

pub mod azure_devops;
pub mod ci;
pub mod color;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod stream;

use charter_compiler::Document;
use charter_syntax::{FileId, LineIndex, Span};
use std::collections::HashMap;

/// The documents of a compilation with their line indexes, looked up by file id.
pub struct SourceMap<'a> {
    documents: HashMap<FileId, (&'a Document, LineIndex)>,
    /// File names safe to print in a terminal, where they differ from the documents' paths.
    printable_names: HashMap<FileId, String>,
    /// Source text safe to print in a terminal, where it differs from the document's.
    printable: HashMap<FileId, String>,
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
    pub fn new(documents: &'a [Document]) -> SourceMap<'a> {
        let printable = documents
            .iter()
            .filter_map(|document| Some((document.id, printable_same_length(&document.text)?)))
            .collect();
        let printable_names = documents
            .iter()
            .filter(|document| document.path.chars().any(char::is_control))
            .map(|document| {
                (
                    document.id,
                    charter_syntax::diagnostic::sanitize(&document.path),
                )
            })
            .collect();
        let documents = documents
            .iter()
            .map(|document| (document.id, (document, LineIndex::new(&document.text))))
            .collect();
        SourceMap {
            documents,
            printable_names,
            printable,
        }
    }

    /// The text to show in excerpts: the document's, with control characters replaced.
    pub fn printable_text(&self, id: FileId) -> Option<&str> {
        match self.printable.get(&id) {
            Some(text) => Some(text),
            None => self.document(id).map(|document| document.text.as_str()),
        }
    }

    /// The document's path as a terminal may show it: control characters and escape
    /// sequences in a file name are replaced.
    pub fn printable_name(&self, id: FileId) -> Option<&str> {
        match self.printable_names.get(&id) {
            Some(name) => Some(name),
            None => self.document(id).map(|document| document.path.as_str()),
        }
    }

    pub fn document(&self, id: FileId) -> Option<&'a Document> {
        self.documents.get(&id).map(|(document, _)| *document)
    }

    /// 1-based line and char column of a byte offset.
    pub fn position(&self, id: FileId, offset: u32) -> Position {
        match self.documents.get(&id) {
            Some((document, index)) => {
                let (line, column) = index.line_col_chars(&document.text, offset as usize);
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
            Some((document, index)) => {
                let (line, column) = index.line_col_utf16(&document.text, offset as usize);
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
        self.documents.get(&id).map(|(_, index)| index)
    }

    pub fn path(&self, span: Span) -> &str {
        self.document(span.file)
            .map(|document| document.path.as_str())
            .unwrap_or("<unknown>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
