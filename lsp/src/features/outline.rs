//! The outline of a document (its blocks, nested) and the project-wide symbol search.

use charter_syntax::ast::{Block, Entry, Item, SourceFile};
use charter_syntax::Span;

use super::index::{Index, SymbolKind};

/// What an outline entry is, so the editor can pick an icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutlineKind {
    /// A declaration of a name.
    Symbol(SymbolKind),
    /// An unnamed section such as `prompt { }` or `models { }`.
    Section,
}

/// One entry of a document's outline.
#[derive(Clone, Debug)]
pub struct OutlineItem {
    pub name: String,
    /// `extends baseline`, or the block keyword of a section.
    pub detail: Option<String>,
    pub kind: OutlineKind,
    pub span: Span,
    /// The part to select when the entry is picked: the label, or the keyword.
    pub selection: Span,
    pub children: Vec<OutlineItem>,
}

/// The blocks of a document, nested as written.
pub fn outline(tree: &SourceFile) -> Vec<OutlineItem> {
    tree.items
        .iter()
        .filter_map(|item| match item {
            Item::Block(block) => Some(outline_block(block)),
            Item::Error(_) => None,
        })
        .collect()
}

fn outline_block(block: &Block) -> OutlineItem {
    let keyword = block.keyword.name.as_str();
    let kind = match keyword {
        "filter" => OutlineKind::Symbol(SymbolKind::Filter),
        "policy" => OutlineKind::Symbol(SymbolKind::Policy),
        "workload" => OutlineKind::Symbol(SymbolKind::Workload),
        "endpoint" => OutlineKind::Symbol(SymbolKind::Endpoint),
        "app" => OutlineKind::Symbol(SymbolKind::App),
        "model" => OutlineKind::Symbol(SymbolKind::Model),
        "version" => OutlineKind::Symbol(SymbolKind::ModelVersion),
        "region" => OutlineKind::Symbol(SymbolKind::Region),
        _ => OutlineKind::Section,
    };
    let (name, selection) = match &block.label {
        Some(label) => (label.text().to_string(), label.span()),
        None => (keyword.to_string(), block.keyword.span),
    };
    let detail = match (&block.extends, &block.label) {
        (Some(parent), _) => Some(format!("{keyword} extends {}", parent.text())),
        (None, Some(_)) => Some(keyword.to_string()),
        (None, None) => None,
    };
    let children = block
        .entries
        .iter()
        .filter_map(|entry| match entry {
            Entry::Block(child) => Some(outline_block(child)),
            _ => None,
        })
        .collect();
    OutlineItem {
        // Editors reject empty names; a half-typed label has none yet.
        name: if name.is_empty() {
            keyword.to_string()
        } else {
            name
        },
        detail,
        kind,
        span: block.span,
        selection,
        children,
    }
}

/// A match of the workspace symbol search.
#[derive(Clone, Debug)]
pub struct SymbolMatch {
    pub name: String,
    pub kind: SymbolKind,
    /// The enclosing declaration's name (the workload of an endpoint).
    pub container: Option<String>,
    pub file: usize,
    pub span: Span,
}

/// The most matches the symbol search returns; editors show only the first screenful anyway.
const MAX_SYMBOL_MATCHES: usize = 256;

/// Declarations whose name matches the query (case-insensitive): exact matches first, then
/// prefixes, then substrings, then names holding the query's characters in order; project
/// names before the stdlib's; catalog versions only when the query is not empty.
pub fn workspace_symbols(
    index: &Index<'_>,
    query: &str,
    is_stdlib: impl Fn(usize) -> bool,
) -> Vec<SymbolMatch> {
    let query = query.to_lowercase();
    let mut matches: Vec<((u8, bool), SymbolMatch)> = index
        .symbols
        .iter()
        .filter(|symbol| symbol.file != usize::MAX)
        .filter(|symbol| !(query.is_empty() && symbol.kind == SymbolKind::ModelVersion))
        .filter_map(|symbol| {
            let name = symbol.name.to_lowercase();
            let rank = if name == query {
                0
            } else if name.starts_with(&query) {
                1
            } else if name.contains(&query) {
                2
            } else if is_subsequence(&query, &name) {
                3
            } else {
                return None;
            };
            Some((
                (rank, is_stdlib(symbol.file)),
                SymbolMatch {
                    name: symbol.name.to_string(),
                    kind: symbol.kind,
                    container: symbol.container.map(|c| index.symbols[c].name.to_string()),
                    file: symbol.file,
                    span: symbol.name_span,
                },
            ))
        })
        .collect();
    matches.sort_by_key(|(rank, _)| *rank);
    matches
        .into_iter()
        .take(MAX_SYMBOL_MATCHES)
        .map(|(_, m)| m)
        .collect()
}

fn is_subsequence(needle: &str, haystack: &str) -> bool {
    let mut rest = haystack.chars();
    needle.chars().all(|wanted| rest.any(|ch| ch == wanted))
}
