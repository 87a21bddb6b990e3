//! The names of a compiled project, as the compiler's checker resolved them
//! (`Compilation::symbols`), joined with the syntax tree of each declaration so hover and
//! inlay hints can read its fields. Hover, definition, references, rename, workspace symbols,
//! semantic tokens and completion all read this one index; the server never resolves a name
//! itself.

use std::collections::HashMap;

use charter_syntax::ast::{Block, Entry, Field, Item, Value};
use charter_syntax::Span;

use crate::workspace::Analysis;

/// What a declared name is: the compiler's kinds, so the server never keeps a second list.
pub use charter_compiler::symbols::SymbolKind;

/// One declaration.
#[derive(Debug)]
pub struct Symbol<'a> {
    pub kind: SymbolKind,
    /// The name as references spell it: `baseline`, `std.filters.default`, `gpt-4o`, `2024-11-20`.
    pub name: String,
    /// The enclosing symbol: the workload of an endpoint or app, the model of a version.
    pub container: Option<usize>,
    /// The document (index into the analysis's documents).
    pub file: usize,
    /// Where the name is written (for a string label, the string with its quotes).
    pub name_span: Span,
    /// The declaring block, when the declaration is a block.
    pub block: Option<&'a Block>,
    pub doc: Option<&'a str>,
}

/// One use of a declared name.
#[derive(Clone, Copy, Debug)]
pub struct Reference {
    pub file: usize,
    pub span: Span,
    pub target: usize,
}

/// Every declaration and reference of an analysis.
#[derive(Debug, Default)]
pub struct Index<'a> {
    pub symbols: Vec<Symbol<'a>>,
    pub references: Vec<Reference>,
}

/// What is under a cursor.
#[derive(Clone, Copy, Debug)]
pub enum Occurrence {
    /// The name of a declaration.
    Declaration(usize),
    /// A use of a declaration, with the span of the use.
    Reference(usize, Span),
}

impl Occurrence {
    /// The declaration the occurrence is about.
    pub fn symbol(self) -> usize {
        match self {
            Occurrence::Declaration(symbol) | Occurrence::Reference(symbol, _) => symbol,
        }
    }
}

impl<'a> Index<'a> {
    /// Joins the compiler's symbol index with the declaring blocks of the syntax trees.
    pub fn build(analysis: &'a Analysis) -> Index<'a> {
        let compilation = &analysis.compilation;
        // Every labelled block, by where its label starts, to find a declaration's block.
        let mut blocks_by_label: HashMap<(charter_syntax::FileId, u32), &'a Block> = HashMap::new();
        fn walk<'t>(block: &'t Block, out: &mut HashMap<(charter_syntax::FileId, u32), &'t Block>) {
            if let Some(label) = &block.label {
                let span = label.span();
                out.insert((span.file, span.start), block);
            }
            for child in blocks(&block.entries) {
                walk(child, out);
            }
        }
        for tree in &compilation.trees {
            for item in &tree.items {
                if let Item::Block(block) = item {
                    walk(block, &mut blocks_by_label);
                }
            }
        }
        let declarations = &compilation.symbols.declarations;
        let mut index = Index::default();
        for declaration in declarations {
            let Some(file) = analysis.index_of_id(declaration.name_span.file) else {
                // INVARIANT: keep symbol numbers equal to the compiler's declaration ids, so a
                // declaration in no known document still takes its slot.
                index.symbols.push(Symbol {
                    kind: declaration.kind,
                    name: declaration.name.clone(),
                    container: None,
                    file: usize::MAX,
                    name_span: declaration.name_span,
                    block: None,
                    doc: None,
                });
                continue;
            };
            let block = blocks_by_label
                .get(&(declaration.name_span.file, declaration.name_span.start))
                .copied();
            index.symbols.push(Symbol {
                kind: declaration.kind,
                name: declaration.name.clone(),
                container: None,
                file,
                name_span: declaration.name_span,
                block,
                doc: declaration.doc.as_deref(),
            });
        }
        // Containers are named; the container of an endpoint or app is the workload of that
        // name, of a version the model of that name (the first declared, as the checker
        // resolves duplicates).
        let mut containers: HashMap<(SymbolKind, &str), usize> = HashMap::new();
        for (position, symbol) in index.symbols.iter().enumerate() {
            if matches!(symbol.kind, SymbolKind::Model | SymbolKind::Workload) {
                containers
                    .entry((symbol.kind, symbol.name.as_str()))
                    .or_insert(position);
            }
        }
        let resolved: Vec<Option<usize>> = declarations
            .iter()
            .map(|declaration| {
                let container = declaration.container.as_deref()?;
                let container_kind = match declaration.kind {
                    SymbolKind::ModelVersion => SymbolKind::Model,
                    _ => SymbolKind::Workload,
                };
                containers.get(&(container_kind, container)).copied()
            })
            .collect();
        for (symbol, container) in index.symbols.iter_mut().zip(resolved) {
            symbol.container = container;
        }
        for reference in &compilation.symbols.references {
            let target = reference.target.0 as usize;
            if let (Some(file), true) = (
                analysis.index_of_id(reference.span.file),
                target < index.symbols.len(),
            ) {
                index.references.push(Reference {
                    file,
                    span: reference.span,
                    target,
                });
            }
        }
        index
    }

    /// The declaration or reference at a byte offset of a document.
    pub fn occurrence_at(&self, file: usize, offset: usize) -> Option<Occurrence> {
        if let Some(reference) = self
            .references
            .iter()
            .filter(|r| {
                r.file == file
                    && r.span.contains(offset)
                    && self.symbols[r.target].file != usize::MAX
            })
            .min_by_key(|r| r.span.len())
        {
            return Some(Occurrence::Reference(reference.target, reference.span));
        }
        self.symbols
            .iter()
            .enumerate()
            .filter(|(_, s)| s.file == file && s.name_span.contains(offset))
            .min_by_key(|(_, s)| s.name_span.len())
            .map(|(i, _)| Occurrence::Declaration(i))
    }

    /// Every reference to a declaration.
    pub fn references_to(&self, symbol: usize) -> impl Iterator<Item = &Reference> {
        self.references.iter().filter(move |r| r.target == symbol)
    }

    /// A declaration by kind and name within a container (`None` for top-level names).
    pub fn find(&self, kind: SymbolKind, name: &str, container: Option<usize>) -> Option<usize> {
        self.symbols
            .iter()
            .position(|s| s.kind == kind && s.name == name && s.container == container)
    }

    /// The declarations of a kind, inside `within` when given.
    pub fn of_kind(
        &self,
        kind: SymbolKind,
        within: Option<usize>,
    ) -> impl Iterator<Item = (usize, &Symbol<'a>)> {
        self.symbols.iter().enumerate().filter(move |(_, s)| {
            s.kind == kind && s.file != usize::MAX && (within.is_none() || s.container == within)
        })
    }
}

/// The nested blocks of a block body.
pub fn blocks(entries: &[Entry]) -> impl Iterator<Item = &Block> {
    entries.iter().filter_map(|entry| match entry {
        Entry::Block(block) => Some(block),
        _ => None,
    })
}

/// The fields of a block body.
pub fn fields(entries: &[Entry]) -> impl Iterator<Item = &Field> {
    entries.iter().filter_map(|entry| match entry {
        Entry::Field(field) => Some(field),
        _ => None,
    })
}

/// The elements of the lists among `values`.
pub fn list_values(values: &[Value]) -> impl Iterator<Item = &Value> {
    values.iter().flat_map(|value| match value {
        Value::List(list) => list
            .items
            .iter()
            .map(|item| &item.value)
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    })
}
