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

/// The stdlib's type-checked top-level blocks, each with its file's position among the stdlib
/// files, and what checking them reported: the same in every compilation (the stdlib's trees
/// and ids are), so checked once per process.
type StdlibTyped = (Vec<(usize, TypedBlock<'static>)>, Vec<Diagnostic>);

fn stdlib_typed() -> &'static StdlibTyped {
    static TYPED: std::sync::OnceLock<StdlibTyped> = std::sync::OnceLock::new();
    TYPED.get_or_init(|| {
        let mut typed = Vec::new();
        let mut diagnostics = Vec::new();
        for (offset, (tree, (_, text))) in crate::prepared_stdlib()
            .trees
            .iter()
            .zip(crate::STDLIB)
            .enumerate()
        {
            let tree: &'static ast::SourceFile = tree;
            for item in &tree.items {
                if let ast::Item::Block(block) = item {
                    if let Some(block) = typeck::check_top_level(block, text, &mut diagnostics) {
                        typed.push((offset, block));
                    }
                }
            }
        }
        (typed, diagnostics)
    })
}

/// Checks and lowers a parsed project; `trees` is indexed like `documents`. The stdlib's
/// documents are the prepared ones (`crate::prepared_stdlib`), whose blocks are type-checked
/// once per process.
pub(crate) fn analyze(
    documents: &[Document],
    trees: &[std::sync::Arc<ast::SourceFile>],
    options: &Options,
) -> Analysis {
    let mut diagnostics = Vec::new();
    // Type-check every top-level block of every project document against the schema.
    let mut project_typed: Vec<(usize, TypedBlock<'_>)> = Vec::new();
    let mut broken_items = Vec::new();
    let mut stdlib_indexes = Vec::new();
    for (index, tree) in trees.iter().enumerate() {
        let document = documents.get(index);
        if document.is_some_and(|d| d.is_stdlib) {
            stdlib_indexes.push(index);
            continue;
        }
        let text = document.map_or("", |d| d.text.as_str());
        for item in &tree.items {
            match item {
                ast::Item::Block(block) => {
                    if let Some(block) = typeck::check_top_level(block, text, &mut diagnostics) {
                        project_typed.push((index, block));
                    }
                }
                ast::Item::Error(error) => broken_items.extend(text.get(error.span.range())),
            }
        }
    }
    // INVARIANT: the stdlib's documents come last, in the order of `STDLIB`, so `typed` keeps
    // the order of the documents.
    let (stdlib, stdlib_diagnostics) = stdlib_typed();
    diagnostics.extend(stdlib_diagnostics.iter().cloned());
    let typed: Vec<(usize, &TypedBlock<'_>)> =
        project_typed
            .iter()
            .map(|(index, block)| (*index, block))
            .chain(stdlib.iter().filter_map(|(offset, block)| {
                stdlib_indexes.get(*offset).map(|index| (*index, block))
            }))
            .collect();
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
