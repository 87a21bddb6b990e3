//! Navigation: the declaration of the name under the cursor and every use of it, in the project
//! and in the stdlib (served as read-only files), from the compiler's symbol index.

use charter_syntax::Span;

use super::index::Index;
use crate::workspace::Analysis;

/// Where the name at `offset` of document `file` is declared.
pub fn definition(analysis: &Analysis, file: usize, offset: usize) -> Option<Span> {
    let names = Index::build(analysis);
    let symbol = names.occurrence_at(file, offset)?.symbol();
    Some(names.symbols[symbol].name_span)
}

/// Every use of the name at `offset` of document `file`, after its declaration when
/// `include_declaration` is set.
pub fn references(
    analysis: &Analysis,
    file: usize,
    offset: usize,
    include_declaration: bool,
) -> Option<Vec<Span>> {
    let names = Index::build(analysis);
    let symbol = names.occurrence_at(file, offset)?.symbol();
    let mut spans = Vec::new();
    if include_declaration {
        spans.push(names.symbols[symbol].name_span);
    }
    spans.extend(names.references_to(symbol).map(|r| r.span));
    Some(spans)
}
