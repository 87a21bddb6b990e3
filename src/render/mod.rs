//! How the CLI shows what it found: the diagnostic renderers of `charter-render` (human, JSON,
//! SARIF, and the annotations of CI systems: GitHub Actions, Azure Pipelines; the same functions
//! the tests snapshot with), when to colour ([`color`]), and writing to standard output without
//! panicking on a closed pipe or a full disk ([`stream`]).

pub mod color;
pub mod stream;

pub use charter_render::{azure_devops, ci, github, human, json, sarif, Source, SourceMap};

use charter_compiler::Document;

/// The renderers' view of a compilation's documents.
pub fn sources(documents: &[Document]) -> SourceMap<'_> {
    SourceMap::new(documents.iter().map(|document| Source {
        id: document.id,
        path: &document.path,
        text: &document.text,
    }))
}
