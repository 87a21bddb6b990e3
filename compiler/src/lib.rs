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

use std::sync::{Arc, OnceLock};

use charter_syntax::{ast, Diagnostic, FileId, Parsed};

/// The embedded standard library: `(module name, source)`, in the order they get file ids.
pub const STDLIB: &[(&str, &str)] = &[
    ("filters", include_str!("../../stdlib/filters.charter")),
    ("models", include_str!("../../stdlib/models.charter")),
    ("regions", include_str!("../../stdlib/regions.charter")),
];

/// The file id of the first stdlib document; the others follow it in the order of [`STDLIB`].
///
/// The stdlib's ids are the same in every compilation, far above any project's (project files
/// have ids `0..n`), so that its syntax trees, whose spans carry their file id, are prepared
/// once per process and shared by every compilation (every edit in the language server).
pub const STDLIB_FIRST_ID: u32 = 1 << 30;

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
    /// Syntax trees, indexed like `documents`; the stdlib's are shared by every compilation of
    /// the process.
    pub trees: Vec<Arc<ast::SourceFile>>,
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
/// gets the ids from [`STDLIB_FIRST_ID`] (paths `std/NAME.charter`).
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

/// The stdlib's syntax trees in `charter_syntax::codec`'s binary form (each tree's bytes and
/// its texts, the latter a `str` checked once when the compiler is built), indexed like
/// [`STDLIB`]: build.rs parsed the sources when the compiler was built.
const PREPARED_STDLIB: &[(&[u8], &str)] = &[
    (
        include_bytes!(concat!(env!("OUT_DIR"), "/filters.tree")),
        include_str!(concat!(env!("OUT_DIR"), "/filters.strings")),
    ),
    (
        include_bytes!(concat!(env!("OUT_DIR"), "/models.tree")),
        include_str!(concat!(env!("OUT_DIR"), "/models.strings")),
    ),
    (
        include_bytes!(concat!(env!("OUT_DIR"), "/regions.tree")),
        include_str!(concat!(env!("OUT_DIR"), "/regions.strings")),
    ),
];

/// The stdlib's syntax trees with file ids from `first_id`.
///
/// Parsing the embedded catalog costs more than checking a large project: the trees are
/// decoded from the form build.rs prepared (parsed again only if the prepared form could not be
/// read, which would be a build bug).
fn parsed_stdlib(first_id: u32) -> Vec<Parsed> {
    STDLIB
        .iter()
        .zip(PREPARED_STDLIB)
        .enumerate()
        .map(|(offset, ((_, text), (tree, strings)))| {
            let id = FileId(first_id + offset as u32);
            match charter_syntax::codec::decode(tree, strings, id) {
                Some(file) => Parsed {
                    file,
                    diagnostics: Vec::new(),
                },
                None => charter_syntax::parse(id, text),
            }
        })
        .collect()
}

/// The stdlib of every compilation of the process: its documents and trees, with the ids from
/// [`STDLIB_FIRST_ID`], decoded on first use and never again (the CLI compiles once; the
/// language server compiles on every edit and shares these).
struct PreparedStdlib {
    trees: Vec<Arc<ast::SourceFile>>,
    diagnostics: Vec<Diagnostic>,
}

fn prepared_stdlib() -> &'static PreparedStdlib {
    static PREPARED: OnceLock<PreparedStdlib> = OnceLock::new();
    PREPARED.get_or_init(|| {
        let mut trees = Vec::with_capacity(STDLIB.len());
        let mut diagnostics = Vec::new();
        for parsed in parsed_stdlib(STDLIB_FIRST_ID) {
            diagnostics.extend(parsed.diagnostics);
            trees.push(Arc::new(parsed.file));
        }
        PreparedStdlib { trees, diagnostics }
    })
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
        // INVARIANT: project ids are below the stdlib's (callers number files `0..n`).
        debug_assert!(
            document.id.0 < STDLIB_FIRST_ID,
            "project file id {:?}",
            document.id
        );
        documents.push(document);
        diagnostics.extend(parsed.diagnostics);
        trees.push(Arc::new(parsed.file));
    }
    for (offset, (name, text)) in STDLIB.iter().enumerate() {
        documents.push(Document {
            id: FileId(STDLIB_FIRST_ID + offset as u32),
            path: format!("std/{name}.charter"),
            text: (*text).to_string(),
            is_stdlib: true,
        });
    }
    let stdlib = prepared_stdlib();
    diagnostics.extend(stdlib.diagnostics.iter().cloned());
    trees.extend(stdlib.trees.iter().cloned());
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
        for first_id in [0, 7, STDLIB_FIRST_ID] {
            let prepared = parsed_stdlib(first_id);
            assert_eq!(prepared.len(), STDLIB.len());
            for (offset, ((name, text), prepared)) in STDLIB.iter().zip(&prepared).enumerate() {
                let parsed = charter_syntax::parse(FileId(first_id + offset as u32), text);
                assert!(parsed.diagnostics.is_empty(), "std/{name}.charter");
                assert!(
                    charter_syntax::codec::decode(
                        PREPARED_STDLIB[offset].0,
                        PREPARED_STDLIB[offset].1,
                        FileId(0)
                    )
                    .is_some(),
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

    /// Every compilation shares the stdlib's trees (decoded once per process), with the ids
    /// from `STDLIB_FIRST_ID` whatever the number of project files.
    #[test]
    fn compilations_share_the_stdlib() {
        let document = |id: u32| Document {
            id: FileId(id),
            path: format!("f{id}.charter"),
            text: "filter x extends std.filters.default {}\n".to_string(),
            is_stdlib: false,
        };
        let options = Options::new(charter_ir::Date::parse("2026-11-22").expect("a date"));
        let one = compile(vec![document(0)], &options);
        let two = compile(vec![document(0), document(1)], &options);
        let stdlib = |compilation: &Compilation| {
            compilation
                .documents
                .iter()
                .zip(&compilation.trees)
                .filter(|(document, _)| document.is_stdlib)
                .map(|(document, tree)| (document.id, Arc::clone(tree)))
                .collect::<Vec<_>>()
        };
        let (one, two) = (stdlib(&one), stdlib(&two));
        assert_eq!(one.len(), STDLIB.len());
        for (offset, ((id_one, tree_one), (id_two, tree_two))) in one.iter().zip(&two).enumerate() {
            assert_eq!(*id_one, FileId(STDLIB_FIRST_ID + offset as u32));
            assert_eq!(id_one, id_two);
            assert!(Arc::ptr_eq(tree_one, tree_two), "the same tree, not a copy");
            assert_eq!(tree_one.span.file, *id_one);
        }
    }
}
