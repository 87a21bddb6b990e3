//! The resolver: from the type-checked blocks of every document to the resolved [`Model`], the
//! catalog and the symbol index.
//!
//! It is the only code that names fields by string (the schema declares them): everything
//! after it reads typed values with their spans. It resolves every reference, recording each
//! declaration and use in the symbol index, and reports what does not resolve (unknown and
//! duplicate names, unknown catalog entries, `extends` cycles). It checks nothing else: the
//! governance checks read the model it builds.
//!
//! One pass per kind of declaration, in dependency order (the catalog, fine-tuned models,
//! blocklists, the top-level names, filters, policies, apps, workloads): the order in which
//! declarations and references enter the symbol index, which the language server shows.

mod catalog;
mod filters;
mod hierarchy;
mod operations;
mod policies;
mod workloads;

use std::borrow::Cow;

use rustc_hash::{FxBuildHasher, FxHashMap};

use charter_syntax::{ast, Diagnostic, FileId, Span};
use indexmap::IndexMap;

use crate::catalog::Catalog;
use crate::codes;
use crate::model::{Field, Item, Model};
use crate::schema::{BlockKind, RefKind};
use crate::symbols::{DeclId, Declaration, SymbolIndex, SymbolKind};
use crate::typeck::{TypedBlock, TypedPhrase};
use crate::Document;

/// What resolution produces.
pub(crate) struct Resolved {
    pub model: Model,
    pub catalog: Catalog,
    pub symbols: SymbolIndex,
    pub diagnostics: Vec<Diagnostic>,
}

/// What a top-level name declares.
#[derive(Clone, Copy, Debug)]
enum Target {
    Filter(usize),
    Policy(usize),
    Workload,
    BusinessUnit(usize),
}

fn target_kind(target: Target) -> RefKind {
    match target {
        Target::Filter(_) => RefKind::Filter,
        Target::Policy(_) => RefKind::Policy,
        Target::Workload => RefKind::Workload,
        Target::BusinessUnit(_) => RefKind::BusinessUnit,
    }
}

struct Resolver<'t, 'a> {
    documents: &'a [Document],
    diagnostics: Vec<Diagnostic>,
    symbols: SymbolIndex,
    catalog: Catalog,
    model: Model,
    /// Top-level names (filters, policies, workloads), stdlib ones as `std.MODULE.NAME`.
    names: FxHashMap<String, (Target, DeclId)>,
    model_decls: FxHashMap<String, DeclId>,
    version_decls: FxHashMap<(String, String), DeclId>,
    region_decls: FxHashMap<String, DeclId>,
    /// The text of top-level items that did not parse: a name declared there is not reported
    /// as unknown, since the syntax error already explains it.
    broken_items: Vec<&'a str>,
    /// Declared blocklists: index into `model.blocklists`, by name.
    blocklists: IndexMap<String, usize, FxBuildHasher>,
    /// The blocks of `model.filters` and `model.policies`, by the same index.
    filter_blocks: Vec<&'t TypedBlock<'a>>,
    policy_blocks: Vec<&'t TypedBlock<'a>>,
    /// The declaration of each workload block that got one, by its span.
    workload_decls: FxHashMap<(FileId, u32, u32), DeclId>,
    /// The sorted names of each kind, the candidates for "did you mean": built on the first
    /// unknown name of the kind, not once per unknown name (thousands of them would make
    /// resolution quadratic), and dropped whenever a name is declared.
    suggestion_candidates: FxHashMap<RefKind, crate::suggest::Candidates>,
}

/// The catalog of the stdlib's `model` and `region` blocks alone, and what adding them
/// reported: the same in every compilation (the stdlib's blocks and ids are), so built once per
/// process; each compilation's catalog starts from a copy that shares its entries.
pub(crate) struct StdlibCatalog {
    catalog: Catalog,
    diagnostics: Vec<Diagnostic>,
}

/// Builds the [`StdlibCatalog`] from the stdlib's type-checked blocks, in their order.
pub(crate) fn stdlib_catalog(blocks: &[&TypedBlock<'_>]) -> StdlibCatalog {
    let mut resolver = Resolver::new(&[], Vec::new());
    for block in blocks {
        resolver.add_stdlib_entry(block);
    }
    StdlibCatalog {
        catalog: resolver.catalog,
        diagnostics: resolver.diagnostics,
    }
}

/// Resolves the type-checked top-level blocks (`typed`, each with the index of its document).
/// With `stdlib_catalog`, the catalog starts from it instead of adding the stdlib's blocks
/// again (it must be built from the same stdlib blocks `typed` holds).
pub(crate) fn resolve<'a>(
    documents: &'a [Document],
    typed: &[(usize, &TypedBlock<'a>)],
    broken_items: Vec<&'a str>,
    stdlib_catalog: Option<&StdlibCatalog>,
) -> Resolved {
    let mut resolver = Resolver::new(documents, broken_items);
    resolver.build_catalog(typed, stdlib_catalog);
    resolver.declare_fine_tuned(typed);
    resolver.declare_blocklists(typed);
    resolver.declare_names(typed);
    resolver.declare_hierarchy(typed);
    resolver.resolve_filters();
    resolver.resolve_blocklist_references();
    resolver.resolve_catalog_entries(typed);
    resolver.resolve_policies();
    resolver.resolve_workloads(typed);
    resolver.resolve_exempt_endpoints();
    resolver.resolve_operations(typed);
    resolver.index_items();
    Resolved {
        model: resolver.model,
        catalog: resolver.catalog,
        symbols: resolver.symbols,
        diagnostics: resolver.diagnostics,
    }
}

impl<'t, 'a> Resolver<'t, 'a> {
    fn new(documents: &'a [Document], broken_items: Vec<&'a str>) -> Resolver<'t, 'a> {
        Resolver {
            documents,
            diagnostics: Vec::new(),
            symbols: SymbolIndex::default(),
            catalog: Catalog::default(),
            model: Model::default(),
            names: FxHashMap::default(),
            model_decls: FxHashMap::default(),
            version_decls: FxHashMap::default(),
            region_decls: FxHashMap::default(),
            broken_items,
            blocklists: IndexMap::default(),
            filter_blocks: Vec::new(),
            policy_blocks: Vec::new(),
            workload_decls: FxHashMap::default(),
            suggestion_candidates: FxHashMap::default(),
        }
    }

    fn is_stdlib(&self, file: FileId) -> bool {
        self.document(file).is_some_and(|d| d.is_stdlib)
    }

    fn document(&self, file: FileId) -> Option<&'a Document> {
        // Ids are usually the documents' positions; fall back to a search when they are not.
        match self.documents.get(file.0 as usize) {
            Some(document) if document.id == file => Some(document),
            _ => self.documents.iter().find(|d| d.id == file),
        }
    }

    /// The stdlib module of a file (`filters` for `std/filters.charter`).
    fn module_of(&self, file: FileId) -> Option<String> {
        let document = self.document(file).filter(|d| d.is_stdlib)?;
        let stem = document.path.rsplit('/').next().unwrap_or(&document.path);
        Some(stem.trim_end_matches(".charter").to_string())
    }

    /// Declares filters, policies and workloads, reporting duplicates.
    fn declare_names(&mut self, typed: &'t [(usize, &'t TypedBlock<'a>)]) {
        // Filters and policies are large: their vectors are sized once rather than grown (and
        // copied) as they are declared; the names table likewise.
        let count_of = |kind: BlockKind| {
            typed
                .iter()
                .filter(|(_, block)| block.schema.kind == kind)
                .count()
        };
        let (filters, policies) = (count_of(BlockKind::Filter), count_of(BlockKind::Policy));
        self.model.filters.reserve(filters);
        self.filter_blocks.reserve(filters);
        self.model.policies.reserve(policies);
        self.policy_blocks.reserve(policies);
        self.names.reserve(typed.len());
        for (_, block) in typed {
            let kind = match block.schema.kind {
                BlockKind::Filter => SymbolKind::Filter,
                BlockKind::Policy => SymbolKind::Policy,
                BlockKind::Workload => SymbolKind::Workload,
                BlockKind::BusinessUnit => SymbolKind::BusinessUnit,
                _ => continue,
            };
            let Some((short, name_span)) = block.label() else {
                continue;
            };
            let file = block.ast.span.file;
            let name = match self.module_of(file) {
                Some(module) => format!("std.{module}.{short}"),
                None => short.to_string(),
            };
            if let Some((_, existing)) = self.names.get(&name) {
                let first = self
                    .symbols
                    .declaration(*existing)
                    .map(|d| (d.name_span, d.kind));
                self.diagnostics.push(codes::names::duplicate_top_level(
                    (&name, kind.noun(), name_span),
                    first.map(|(span, first_kind)| (span, first_kind.noun())),
                ));
                continue;
            }
            let decl = self.symbols.declare(Declaration {
                kind,
                name: name.clone(),
                container: None,
                name_span,
                span: block.ast.span,
                doc: block.doc().map(str::to_string),
                is_stdlib: self.is_stdlib(file),
            });
            let target = match kind {
                SymbolKind::Filter => {
                    let filter = self.filter(block, name.clone(), name_span, decl);
                    self.model.filters.push(filter);
                    self.filter_blocks.push(block);
                    Target::Filter(self.model.filters.len() - 1)
                }
                SymbolKind::Policy => {
                    let policy = self.policy(block, name.clone(), name_span, decl);
                    self.model.policies.push(policy);
                    self.policy_blocks.push(block);
                    Target::Policy(self.model.policies.len() - 1)
                }
                SymbolKind::BusinessUnit => {
                    self.model.business_units.push(crate::model::BusinessUnit {
                        name: name.clone(),
                        name_span,
                        span: block.ast.span,
                        doc: block.doc().map(str::to_string),
                        decl,
                        resource_group: field(block, "resource_group", policies::string_with_span),
                        subscription: field(block, "subscription", policies::string_with_span),
                    });
                    Target::BusinessUnit(self.model.business_units.len() - 1)
                }
                _ => {
                    self.workload_decls.insert(span_key(block.ast.span), decl);
                    Target::Workload
                }
            };
            self.names.insert(name, (target, decl));
            self.suggestion_candidates.clear();
        }
    }

    /// Resolves a reference to a top-level name, recording it in the symbol index.
    fn resolve(&mut self, path: &ast::Path, expected: RefKind) -> Option<Target> {
        // Most references are one word: look those up as written, without joining segments.
        let text: Cow<'_, str> = match path.as_ident() {
            Some(ident) => Cow::Borrowed(&ident.name),
            None => Cow::Owned(path.text()),
        };
        let mut found = self.names.get(text.as_ref()).copied();
        if found.is_none() {
            // Inside a stdlib module, its own names are visible unqualified.
            if let Some(module) = self.module_of(path.span.file) {
                found = self.names.get(&format!("std.{module}.{text}")).copied();
            }
        }
        let Some((target, decl)) = found else {
            if self.declared_in_broken_item(&text) {
                return None;
            }
            let names = &self.names;
            let candidates = self
                .suggestion_candidates
                .entry(expected)
                .or_insert_with(|| {
                    let mut candidates: Vec<String> = names
                        .iter()
                        .filter(|(_, (target, _))| target_kind(*target) == expected)
                        .map(|(name, _)| name.clone())
                        .collect();
                    candidates.sort();
                    crate::suggest::Candidates::new(candidates)
                });
            let noun = expected.noun();
            let keyword = expected.keyword();
            self.diagnostics.push(codes::names::unknown_name(
                (noun, &format!("no {noun}")),
                (&text, path.span),
                candidates.plausible(&text),
                |name| format!("declare `{keyword} {name} {{ ... }}` in any file of the project"),
            ));
            return None;
        };
        self.symbols.refer(path.span, decl);
        if target_kind(target) != expected {
            let actual = self
                .symbols
                .declaration(decl)
                .map(|d| (d.kind.noun(), d.name_span));
            self.diagnostics.push(codes::names::wrong_kind_of_name(
                (&text, path.span),
                expected.noun(),
                actual,
            ));
            return None;
        }
        Some(target)
    }

    /// Resolves a reference that must name a filter.
    fn resolve_filter(&mut self, path: &ast::Path) -> Option<crate::model::FilterId> {
        match self.resolve(path, RefKind::Filter) {
            Some(Target::Filter(index)) => Some(crate::model::FilterId(index)),
            _ => None,
        }
    }

    /// Whether `name` appears as a word in a top-level item that did not parse.
    fn declared_in_broken_item(&self, name: &str) -> bool {
        let is_word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        self.broken_items.iter().any(|text| {
            text.match_indices(name).any(|(at, _)| {
                let before = at.checked_sub(1).and_then(|i| text.as_bytes().get(i));
                let after = text.as_bytes().get(at + name.len());
                !before.is_some_and(|&b| is_word_byte(b))
                    && !after.is_some_and(|&b| is_word_byte(b))
            })
        })
    }

    /// Records what each declaration is, for [`Model::item`].
    fn index_items(&mut self) {
        let model = &mut self.model;
        let mut items = FxHashMap::default();
        for (index, filter) in model.filters.iter().enumerate() {
            items.insert(filter.decl, Item::Filter(crate::model::FilterId(index)));
        }
        for (index, policy) in model.policies.iter().enumerate() {
            items.insert(policy.decl, Item::Policy(crate::model::PolicyId(index)));
        }
        for (index, workload) in model.workloads.iter().enumerate() {
            let id = crate::model::WorkloadId(index);
            if let Some(decl) = workload.decl {
                items.insert(decl, Item::Workload(id));
            }
            for (app, declared) in workload.apps.iter().enumerate() {
                items.insert(declared.decl, Item::App(id, app));
            }
            for (endpoint, declared) in workload.endpoints.iter().enumerate() {
                items.insert(declared.decl, Item::Endpoint(id, endpoint));
            }
        }
        for (index, blocklist) in model.blocklists.iter().enumerate() {
            items.insert(blocklist.decl, Item::Blocklist(index));
        }
        for (index, unit) in model.business_units.iter().enumerate() {
            items.insert(unit.decl, Item::BusinessUnit(index));
        }
        model.items = items;
    }
}

/// Field `name` of a block, as written, with its value read by `read`.
fn field<'p, 'b: 'p, T>(
    block: &'p TypedBlock<'b>,
    name: &'static str,
    read: impl FnOnce(&'p TypedPhrase<'b>) -> T,
) -> Option<Field<T>> {
    let (written, phrase) = block.field(name)?;
    Some(Field {
        key: name,
        key_span: written.key.span,
        span: written.span,
        phrase_span: written.value.span,
        value: read(phrase),
    })
}

/// The first clause `name` of a block, as written, with its value read by `read`.
fn clause<'p, 'b: 'p, T>(
    block: &'p TypedBlock<'b>,
    name: &'static str,
    read: impl FnOnce(&'p TypedPhrase<'b>) -> T,
) -> Option<Field<T>> {
    let (written, phrase) = block.clauses(name).next()?;
    Some(Field {
        key: name,
        key_span: written.keyword.span,
        span: written.span,
        phrase_span: written.phrase.span,
        value: read(phrase),
    })
}

/// A span as a map key (spans leave positions out of equality on purpose).
fn span_key(span: Span) -> (FileId, u32, u32) {
    (span.file, span.start, span.end)
}
