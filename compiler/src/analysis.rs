//! The middle of the pipeline after parsing, in order: type checking (`typeck`), resolution to
//! the model (`resolve`), the governance checks (`checks`), and lowering to the IR (`lower`).

use charter_ir as ir;
use charter_syntax::{ast, Diagnostic};

use crate::catalog::Catalog;
use crate::checks;
use crate::lower;
use crate::model::Model;
use crate::resolve;
use crate::symbols::SymbolIndex;
use crate::typeck::{self, TypedBlock};
use crate::{Document, Options};

/// What analysis produces besides the syntax trees.
pub(crate) struct Analysis {
    pub diagnostics: Vec<Diagnostic>,
    pub project: ir::Project,
    pub symbols: SymbolIndex,
    pub catalog: Catalog,
    pub model: Model,
}

/// Checks and lowers a parsed project; `trees` is indexed like `documents`.
pub(crate) fn analyze(
    documents: &[Document],
    trees: &[ast::SourceFile],
    options: &Options,
) -> Analysis {
    let mut diagnostics = Vec::new();
    // Type-check every top-level block of every document against the schema.
    let mut typed: Vec<(usize, TypedBlock<'_>)> = Vec::new();
    let mut broken_items = Vec::new();
    for (index, tree) in trees.iter().enumerate() {
        let text = documents.get(index).map_or("", |d| d.text.as_str());
        for item in &tree.items {
            match item {
                ast::Item::Block(block) => {
                    if let Some(block) = typeck::check_top_level(block, text, &mut diagnostics) {
                        typed.push((index, block));
                    }
                }
                ast::Item::Error(error) => broken_items.extend(text.get(error.span.range())),
            }
        }
    }
    let resolved = resolve::resolve(documents, &typed, broken_items);
    diagnostics.extend(resolved.diagnostics);
    diagnostics.extend(checks::run(
        documents,
        options,
        &resolved.model,
        &resolved.catalog,
    ));
    let project = lower::lower(&resolved.model, &resolved.catalog, options);
    Analysis {
        diagnostics,
        project,
        symbols: resolved.symbols,
        catalog: resolved.catalog,
        model: resolved.model,
    }
}
