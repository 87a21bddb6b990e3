//! Charter's middle end: the embedded standard library, name resolution across the files of a
//! project, type checking against the schema, the governance checks, and lowering to the IR.
//!
//! Pure: text in, values out. The CLI and the language server read files and the clock and
//! hand them over as [`Document`]s and [`Options`].

mod analysis;
pub mod catalog;
pub mod catalog_layers;
pub mod catalog_query;
mod checks;
pub mod codes;
mod dates;
mod exempt_scope;
pub mod hierarchy;
mod lower;
pub mod model;
mod resolve;
pub mod schema;
pub mod suggest;
pub mod symbols;
mod typeck;

use charter_syntax::{ast, Diagnostic, FileId, Parsed};

/// The embedded standard library: `(module name, source)`, in the order they get file ids.
pub const STDLIB: &[(&str, &str)] = &[
    ("filters", include_str!("../../stdlib/filters.charter")),
    ("models", include_str!("../../stdlib/models.charter")),
    ("regions", include_str!("../../stdlib/regions.charter")),
];

/// One source document of a compilation.
#[derive(Clone, Debug)]
pub struct Document {
    pub id: FileId,
    /// The path as the user sees it (relative to the project root), or `std/NAME.charter` for
    /// an embedded stdlib file.
    pub path: String,
    pub text: String,
    /// Whether this is an embedded stdlib file (read-only in editors).
    pub is_stdlib: bool,
}

/// What a compilation depends on besides the sources.
#[derive(Clone, Debug)]
pub struct Options {
    /// The date retirement checks compare against (`--today`, or the system date).
    pub today: charter_ir::Date,
    /// How Azure names are made globally unique (the project manifest's `name_prefix`).
    pub naming: charter_ir::Naming,
}

impl Options {
    /// Options for `today`, with no naming prefix.
    pub fn new(today: charter_ir::Date) -> Options {
        Options {
            today,
            naming: charter_ir::Naming::default(),
        }
    }
}

/// The result of compiling a project: every document (project files first, then the stdlib),
/// their syntax trees, the diagnostics, and the lowered project.
#[derive(Clone, Debug)]
pub struct Compilation {
    pub documents: Vec<Document>,
    /// Syntax trees, indexed like `documents`.
    pub trees: Vec<ast::SourceFile>,
    /// Sorted by file, then position.
    pub diagnostics: Vec<Diagnostic>,
    /// The lowered model; complete only when there are no errors.
    pub project: charter_ir::Project,
    /// Every declaration and reference, for the language server.
    pub symbols: symbols::SymbolIndex,
    /// The model and region catalog (stdlib plus the project's own entries).
    pub catalog: catalog::Catalog,
    /// The resolved model: every declaration with its references resolved and its values
    /// typed, with their spans, for the language server.
    pub model: model::Model,
}

impl Compilation {
    pub fn document(&self, id: FileId) -> Option<&Document> {
        self.documents.iter().find(|document| document.id == id)
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == charter_syntax::Severity::Error)
    }
}

/// Compiles the project files (given with ids `0..n`) together with the embedded stdlib, which
/// gets the ids after them (paths `std/NAME.charter`).
pub fn compile(project_files: Vec<Document>, options: &Options) -> Compilation {
    let parsed = project_files
        .into_iter()
        .map(|document| {
            let parsed = charter_syntax::parse(document.id, &document.text);
            (document, parsed)
        })
        .collect();
    compile_parsed(parsed, options)
}

/// The stdlib's syntax trees in `charter_syntax::codec`'s binary form, indexed like
/// [`STDLIB`]: build.rs parsed the sources when the compiler was built.
const PREPARED_STDLIB: &[&[u8]] = &[
    include_bytes!(concat!(env!("OUT_DIR"), "/filters.tree")),
    include_bytes!(concat!(env!("OUT_DIR"), "/models.tree")),
    include_bytes!(concat!(env!("OUT_DIR"), "/regions.tree")),
];

/// The stdlib's syntax trees with file ids from `first_id`.
///
/// Parsing the embedded catalog costs more than checking a large project, and every run of the
/// CLI and every edit in the language server needs the trees: they are decoded from the form
/// build.rs prepared, which costs about as much as copying them (parsed again only if the
/// prepared form could not be read, which would be a build bug).
fn parsed_stdlib(first_id: u32) -> Vec<Parsed> {
    STDLIB
        .iter()
        .zip(PREPARED_STDLIB)
        .enumerate()
        .map(|(offset, ((_, text), prepared))| {
            let id = FileId(first_id + offset as u32);
            match charter_syntax::codec::decode(prepared, id) {
                Some(file) => Parsed {
                    file,
                    diagnostics: Vec::new(),
                },
                None => charter_syntax::parse(id, text),
            }
        })
        .collect()
}

/// Like [`compile`], for project files already parsed (each with its parse of its own text,
/// with spans in its own file id): the language server parses incrementally and hands the trees
/// over, so that an edit does not parse the whole project again.
pub fn compile_parsed(project_files: Vec<(Document, Parsed)>, options: &Options) -> Compilation {
    suggest::reset_budget();
    let project_count = project_files.len();
    let mut documents = Vec::with_capacity(project_count + STDLIB.len());
    let mut diagnostics = Vec::new();
    let mut trees = Vec::with_capacity(project_count + STDLIB.len());
    // INVARIANT: `trees` is indexed like `documents`: the caller's files, then the stdlib.
    for (document, parsed) in project_files {
        documents.push(document);
        diagnostics.extend(parsed.diagnostics);
        trees.push(parsed.file);
    }
    let first_stdlib_id = documents.iter().map(|d| d.id.0 + 1).max().unwrap_or(0);
    for (offset, (name, text)) in STDLIB.iter().enumerate() {
        documents.push(Document {
            id: FileId(first_stdlib_id + offset as u32),
            path: format!("std/{name}.charter"),
            text: (*text).to_string(),
            is_stdlib: true,
        });
    }
    for parsed in parsed_stdlib(first_stdlib_id) {
        diagnostics.extend(parsed.diagnostics);
        trees.push(parsed.file);
    }
    let analysis = analysis::analyze(&documents, &trees, options);
    diagnostics.extend(analysis.diagnostics);
    // INVARIANT: diagnostics are sorted by file, then position, so every renderer agrees.
    diagnostics.sort_by_key(|d| {
        (
            d.primary.span.file,
            d.primary.span.start,
            d.primary.span.end,
        )
    });
    Compilation {
        documents,
        trees,
        diagnostics,
        project: analysis.project,
        symbols: analysis.symbols,
        catalog: analysis.catalog,
        model: analysis.model,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The trees build.rs prepared are the trees the parser gives today, spans and comments
    /// included (compared by their debug form: `==` on trees ignores positions).
    #[test]
    fn the_prepared_stdlib_is_the_parsed_stdlib() {
        for first_id in [0, 7] {
            let prepared = parsed_stdlib(first_id);
            assert_eq!(prepared.len(), STDLIB.len());
            for (offset, ((name, text), prepared)) in STDLIB.iter().zip(&prepared).enumerate() {
                let parsed = charter_syntax::parse(FileId(first_id + offset as u32), text);
                assert!(parsed.diagnostics.is_empty(), "std/{name}.charter");
                assert!(
                    charter_syntax::codec::decode(PREPARED_STDLIB[offset], FileId(0)).is_some(),
                    "std/{name}.charter was prepared"
                );
                assert_eq!(
                    format!("{:?}", prepared.file),
                    format!("{:?}", parsed.file),
                    "std/{name}.charter"
                );
            }
        }
    }
}
