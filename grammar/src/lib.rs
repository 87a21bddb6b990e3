//! Charter's front end: the pest grammar, the lossless syntax tree, the parser with error
//! recovery, and the formatter.
//!
//! Parsing never fails: [`parse`] returns a tree plus diagnostics, with error nodes where the
//! source did not parse, so the checker and the language server keep working on broken files.

// pest is built without its `std` feature: that feature checks the call depth on every rule,
// which the scanner's nesting cap makes redundant (about 15% of parsing). The parser pest
// derives then names the `alloc` crate.
extern crate alloc;

pub mod ast;
pub mod codec;
pub mod codes;
pub mod diagnostic;
pub mod format;
pub mod incremental;
mod parser;
pub mod span;

pub use diagnostic::{Code, CodeInfo, Diagnostic, Edit, Fix, Label, Severity};
/// The keywords that start a top-level block, which error recovery and its help know.
pub use parser::scan::TOP_LEVEL_KEYWORDS;
pub use span::{FileId, LineIndex, Span};

/// A parsed document and what went wrong while parsing it.
#[derive(Clone, Debug)]
pub struct Parsed {
    pub file: ast::SourceFile,
    pub diagnostics: Vec<diagnostic::Diagnostic>,
}

/// Parses one document. Never panics, whatever the input; syntax errors become diagnostics
/// and error nodes, and the rest of the document is still parsed.
pub fn parse(file: FileId, text: &str) -> Parsed {
    parser::parse(file, text)
}

/// The parser with a choice of paths, for the differential tests: [`parse`] tries a
/// hand-written parser on each item before pest, and both must give the same result.
#[doc(hidden)]
pub mod differential {
    pub use crate::parser::{parse_with, FastPathStats, Paths};
}
