//! Renderers for the one diagnostic type: human (codespan-reporting), JSON and SARIF. Each is
//! small and has its own snapshot test; the language server has its own in `lsp/`.

pub mod human;
pub mod json;
pub mod sarif;

use charter_compiler::Document;
use charter_syntax::{FileId, LineIndex, Span};
use std::collections::HashMap;

/// The documents of a compilation with their line indexes, looked up by file id.
pub struct SourceMap<'a> {
    documents: HashMap<FileId, (&'a Document, LineIndex)>,
}

/// A 1-based line and column (in chars) of a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl<'a> SourceMap<'a> {
    pub fn new(documents: &'a [Document]) -> SourceMap<'a> {
        let documents = documents
            .iter()
            .map(|document| (document.id, (document, LineIndex::new(&document.text))))
            .collect();
        SourceMap { documents }
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

    pub fn path(&self, span: Span) -> &str {
        self.document(span.file)
            .map(|document| document.path.as_str())
            .unwrap_or("<unknown>")
    }
}
