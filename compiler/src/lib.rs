//! Charter's middle end: the embedded standard library, name resolution across the files of a
//! project, type checking against the schema, the governance checks, and lowering to the IR.
//!
//! Pure: text in, values out. The CLI and the language server read files and the clock and
//! hand them over as [`Document`]s and [`Options`].

pub mod codes;

use charter_syntax::{ast, Diagnostic, FileId};

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

/// Compiles the project files (given with ids `0..n`) together with the embedded stdlib.
pub fn compile(project_files: Vec<Document>, _options: &Options) -> Compilation {
    let mut diagnostics = Vec::new();
    let mut trees = Vec::new();
    for document in &project_files {
        let parsed = charter_syntax::parse(document.id, &document.text);
        diagnostics.extend(parsed.diagnostics);
        trees.push(parsed.file);
    }
    Compilation {
        documents: project_files,
        trees,
        diagnostics,
        project: charter_ir::Project::default(),
    }
}
