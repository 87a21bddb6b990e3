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
    pub name: &'a str,
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
    pub references: &'a [Reference],
}

/// What [`Index::build`] works out that borrows nothing from the analysis: found once per
/// analysis (`Analysis::index_parts`), so that hover, completion and the other requests do
/// not walk every syntax tree (the stdlib's 8,600 lines included) again.
#[derive(Debug, Default)]
pub struct IndexParts {
    /// By the compiler's declaration ids.
    symbols: Vec<SymbolPart>,
    references: Vec<Reference>,
}

#[derive(Debug)]
struct SymbolPart {
    file: usize,
    container: Option<usize>,
    block: Option<BlockPath>,
}

/// Where a block is: its document, its top-level item, then its position among the entries of
/// the enclosing block at each level.
#[derive(Clone, Debug)]
struct BlockPath {
    tree: usize,
    item: usize,
    nested: Vec<u32>,
}

impl BlockPath {
    fn find<'a>(&self, analysis: &'a Analysis) -> Option<&'a Block> {
        let tree = analysis.compilation.trees.get(self.tree)?;
        let Item::Block(top) = tree.items.get(self.item)? else {
            return None;
        };
        let mut block = top;
        for position in &self.nested {
            let Entry::Block(nested) = block.entries.get(*position as usize)? else {
                return None;
            };
            block = nested;
        }
        Some(block)
    }
}

impl IndexParts {
    /// Joins the compiler's symbol index with the declaring blocks of the syntax trees.
    pub fn build(analysis: &Analysis) -> IndexParts {
        let compilation = &analysis.compilation;
        // Every labelled block, by where its label starts, to find a declaration's block.
        let mut blocks_by_label: HashMap<(charter_syntax::FileId, u32), BlockPath> = HashMap::new();
        fn walk(
            block: &Block,
            path: &mut BlockPath,
            out: &mut HashMap<(charter_syntax::FileId, u32), BlockPath>,
        ) {
            if let Some(label) = &block.label {
                let span = label.span();
                out.insert((span.file, span.start), path.clone());
            }
            for (position, entry) in block.entries.iter().enumerate() {
                if let Entry::Block(child) = entry {
                    path.nested.push(position as u32);
                    walk(child, path, out);
                    path.nested.pop();
                }
            }
        }
        for (tree_index, tree) in compilation.trees.iter().enumerate() {
            for (item_index, item) in tree.items.iter().enumerate() {
                if let Item::Block(block) = item {
                    let mut path = BlockPath {
                        tree: tree_index,
                        item: item_index,
                        nested: Vec::new(),
                    };
                    walk(block, &mut path, &mut blocks_by_label);
                }
            }
        }
        let declarations = &analysis.symbols().declarations;
        let mut parts = IndexParts::default();
        for declaration in declarations {
            // INVARIANT: keep symbol numbers equal to the compiler's declaration ids, so a
            // declaration in no known document still takes its slot (with file `usize::MAX`).
            let file = analysis.index_of_id(declaration.name_span.file);
            let block = file.and_then(|_| {
                blocks_by_label
                    .get(&(declaration.name_span.file, declaration.name_span.start))
                    .cloned()
            });
            parts.symbols.push(SymbolPart {
                file: file.unwrap_or(usize::MAX),
                container: None,
                block,
            });
        }
        // Containers are named; the container of an endpoint or app is the workload of that
        // name, of a version the model of that name (the first declared, as the checker
        // resolves duplicates).
        let mut containers: HashMap<(SymbolKind, &str), usize> = HashMap::new();
        for (position, declaration) in declarations.iter().enumerate() {
            if matches!(declaration.kind, SymbolKind::Model | SymbolKind::Workload) {
                containers
                    .entry((declaration.kind, declaration.name.as_str()))
                    .or_insert(position);
            }
        }
        for (part, declaration) in parts.symbols.iter_mut().zip(declarations) {
            let Some(container) = declaration.container.as_deref() else {
                continue;
            };
            let container_kind = match declaration.kind {
                SymbolKind::ModelVersion => SymbolKind::Model,
                _ => SymbolKind::Workload,
            };
            part.container = containers.get(&(container_kind, container)).copied();
        }
        for reference in &analysis.symbols().references {
            let target = reference.target.0 as usize;
            if let (Some(file), true) = (
                analysis.index_of_id(reference.span.file),
                target < parts.symbols.len(),
            ) {
                parts.references.push(Reference {
                    file,
                    span: reference.span,
                    target,
                });
            }
        }
        parts
    }
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
    /// The index of an analysis: the parts found once per analysis
    /// (`Analysis::index_parts`), joined with the names and blocks they point at.
    pub fn build(analysis: &'a Analysis) -> Index<'a> {
        let parts = analysis.index_parts();
        let symbols = parts
            .symbols
            .iter()
            .zip(&analysis.symbols().declarations)
            .map(|(part, declaration)| Symbol {
                kind: declaration.kind,
                name: &declaration.name,
                container: part.container,
                file: part.file,
                name_span: declaration.name_span,
                block: part.block.as_ref().and_then(|path| path.find(analysis)),
                doc: if part.file == usize::MAX {
                    None
                } else {
                    declaration.doc.as_deref()
                },
            })
            .collect();
        Index {
            symbols,
            references: &parts.references,
        }
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
