//! The middle of the pipeline after parsing, in order: type checking (`typeck`), resolution to
//! the model (`resolve`), the governance checks (`checks`), and lowering to the IR (`lower`).

use charter_ir as ir;
use charter_syntax::{ast, Diagnostic};

use crate::catalog::Catalog;
use crate::checks;
use crate::lower;
use crate::model::{FilterComparisons, Model};
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

/// The catalog of the stdlib's blocks (see [`resolve::StdlibCatalog`]), built once per process.
fn stdlib_catalog() -> &'static resolve::StdlibCatalog {
    static CATALOG: std::sync::OnceLock<resolve::StdlibCatalog> = std::sync::OnceLock::new();
    CATALOG.get_or_init(|| {
        let blocks: Vec<&TypedBlock<'static>> =
            stdlib_typed().0.iter().map(|(_, block)| block).collect();
        resolve::stdlib_catalog(&blocks)
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
    let resolved = resolve::resolve(documents, &typed, broken_items, Some(stdlib_catalog()));
    // The typed blocks are read by resolution only: freed before the checks and lowering, which
    // read the model (at 100,000 lines they are a third of what the compiler holds).
    drop(typed);
    drop(project_typed);
    diagnostics.extend(resolved.diagnostics);
    let comparisons = FilterComparisons::new(&resolved.model);
    diagnostics.extend(checks::run(
        documents,
        options,
        &resolved.model,
        &resolved.catalog,
        &comparisons,
    ));
    let project = lower::lower(&resolved.model, &resolved.catalog, options, &comparisons);
    drop(comparisons);
    let mut symbols = resolved.symbols;
    // The index outlives the compilation's other parts (the proof reads it): no growth slack.
    symbols.declarations.shrink_to_fit();
    symbols.references.shrink_to_fit();
    Analysis {
        diagnostics,
        project,
        symbols,
        catalog: resolved.catalog,
        model: resolved.model,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Resolution from the stdlib catalog prepared once per process is resolution that adds
    /// the stdlib's blocks again: the same catalog, symbols, model and diagnostics, on projects
    /// that extend, replace (a pulled catalog), redeclare and fine-tune the stdlib's entries.
    #[test]
    fn the_prepared_stdlib_catalog_resolves_as_the_stdlib_blocks_do() {
        let fixtures = [
            include_str!("../tests/fixtures/E0310.charter"),
            include_str!("../tests/fixtures/E0311.charter"),
            include_str!("../tests/fixtures/ok_catalog_pulled_precedence.charter"),
            include_str!("../tests/fixtures/ok_catalog_local_extension.charter"),
            include_str!("../tests/fixtures/ok_fine_tuned_copies.charter"),
            include_str!("../tests/fixtures/cascade_stdlib_model_redeclared.charter"),
            include_str!("../tests/fixtures/cascade_availability_typo.charter"),
            include_str!("../../examples/contoso/fine-tuned.charter"),
        ];
        let options = Options::new(charter_ir::Date::parse("2026-11-22").expect("a date"));
        let mut own_models = 0;
        for (index, text) in fixtures.iter().enumerate() {
            let document = Document {
                id: charter_syntax::FileId(0),
                path: "main.charter".to_string(),
                text: (*text).to_string(),
                is_stdlib: false,
            };
            let compilation = crate::compile(vec![document], &options);
            let documents = &compilation.documents;
            let mut project_typed = Vec::new();
            let mut diagnostics = Vec::new();
            for item in &compilation.trees[0].items {
                if let ast::Item::Block(block) = item {
                    if let Some(block) = typeck::check_top_level(block, text, &mut diagnostics) {
                        project_typed.push((0, block));
                    }
                }
            }
            let typed: Vec<(usize, &TypedBlock<'_>)> = project_typed
                .iter()
                .map(|(index, block)| (*index, block))
                .chain(
                    stdlib_typed()
                        .0
                        .iter()
                        .map(|(offset, block)| (offset + 1, block)),
                )
                .collect();
            let prepared = resolve::resolve(documents, &typed, Vec::new(), Some(stdlib_catalog()));
            let rebuilt = resolve::resolve(documents, &typed, Vec::new(), None);
            assert_eq!(
                format!("{:?}", prepared.catalog),
                format!("{:?}", rebuilt.catalog),
                "fixture {index}: catalog"
            );
            assert_eq!(
                format!("{:?}", prepared.symbols),
                format!("{:?}", rebuilt.symbols),
                "fixture {index}: symbols"
            );
            let (mut prepared, mut rebuilt) = (prepared, rebuilt);
            // (`items` is a hash map: compared in a fixed order.)
            let items = |model: &mut crate::model::Model| {
                let mut items: Vec<String> = std::mem::take(&mut model.items)
                    .into_iter()
                    .map(|entry| format!("{entry:?}"))
                    .collect();
                items.sort();
                items
            };
            assert_eq!(
                items(&mut prepared.model),
                items(&mut rebuilt.model),
                "fixture {index}: items"
            );
            assert_eq!(
                format!("{:?}", prepared.model),
                format!("{:?}", rebuilt.model),
                "fixture {index}: model"
            );
            assert_eq!(
                format!("{:?}", prepared.diagnostics),
                format!("{:?}", rebuilt.diagnostics),
                "fixture {index}: diagnostics"
            );
            own_models += prepared
                .catalog
                .models()
                .filter(|model| !model.is_stdlib)
                .count();
        }
        assert!(own_models > 0, "the fixtures declare models of their own");
    }
}
