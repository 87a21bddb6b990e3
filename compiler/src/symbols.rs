//! The symbol index: every declaration and every reference of a compilation, for the language
//! server's go-to-definition, references, rename, hover and document/workspace symbols.

use charter_syntax::{FileId, Span};

/// What a declaration declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Filter,
    Policy,
    Workload,
    /// An endpoint of a workload (`container` names the workload).
    Endpoint,
    /// An app of a workload (`container` names the workload).
    App,
    /// A catalog model (`model "gpt-4.1"`).
    Model,
    /// A version of a catalog model (`container` names the model).
    ModelVersion,
    /// A catalog region.
    Region,
    /// A custom blocklist (`blocklist "contoso-banned-terms"`).
    Blocklist,
    /// A business unit (`business_unit customer_service`).
    BusinessUnit,
}

impl SymbolKind {
    /// The domain word (`filter`).
    pub fn noun(self) -> &'static str {
        match self {
            SymbolKind::Filter => "filter",
            SymbolKind::Policy => "policy",
            SymbolKind::Workload => "workload",
            SymbolKind::Endpoint => "endpoint",
            SymbolKind::App => "app",
            SymbolKind::Model => "model",
            SymbolKind::ModelVersion => "model version",
            SymbolKind::Region => "region",
            SymbolKind::Blocklist => "blocklist",
            SymbolKind::BusinessUnit => "business unit",
        }
    }

    /// The keyword that declares it (`version` for a model version).
    pub fn keyword(self) -> &'static str {
        match self {
            SymbolKind::ModelVersion => "version",
            SymbolKind::BusinessUnit => "business_unit",
            other => other.noun(),
        }
    }

    /// Whether names of this kind are identifiers (renamable) rather than catalog strings.
    pub fn is_identifier(self) -> bool {
        !matches!(
            self,
            SymbolKind::Model
                | SymbolKind::ModelVersion
                | SymbolKind::Region
                | SymbolKind::Blocklist
        )
    }
}

/// Identifies a declaration in [`SymbolIndex::declarations`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeclId(pub u32);

/// One declaration.
#[derive(Clone, Debug)]
pub struct Declaration {
    pub kind: SymbolKind,
    /// The name as other code refers to it: `strict`, `std.filters.default`, `gpt-4.1`, or the
    /// version string for a model version.
    pub name: String,
    /// The enclosing declaration's name, for endpoints, apps and model versions.
    pub container: Option<String>,
    /// The name in the source (for a string label, the string literal with its quotes).
    pub name_span: Span,
    /// The whole block (or, for an app declared only in `apps: [...]`, the name).
    pub span: Span,
    /// The `///` doc comment.
    pub doc: Option<String>,
    pub is_stdlib: bool,
}

/// One use of a declared name.
#[derive(Clone, Copy, Debug)]
pub struct Reference {
    /// The reference as written (a path, or a string literal with its quotes).
    pub span: Span,
    pub target: DeclId,
}

/// Every declaration and every resolved reference of a compilation.
#[derive(Clone, Debug, Default)]
pub struct SymbolIndex {
    pub declarations: Vec<Declaration>,
    /// In the order the checker resolved them; not sorted.
    pub references: Vec<Reference>,
}

impl SymbolIndex {
    pub(crate) fn declare(&mut self, declaration: Declaration) -> DeclId {
        let id = DeclId(self.declarations.len() as u32);
        self.declarations.push(declaration);
        id
    }

    pub(crate) fn refer(&mut self, span: Span, target: DeclId) {
        self.references.push(Reference { span, target });
    }

    /// The declaration with this id.
    pub fn declaration(&self, id: DeclId) -> Option<&Declaration> {
        self.declarations.get(id.0 as usize)
    }

    /// The declaration whose name is at `offset` in `file`, or that a reference at `offset`
    /// points to: what go-to-definition, hover and rename start from.
    pub fn symbol_at(&self, file: FileId, offset: usize) -> Option<DeclId> {
        let declared = self
            .declarations
            .iter()
            .position(|d| d.name_span.file == file && d.name_span.contains(offset))
            .map(|index| DeclId(index as u32));
        declared.or_else(|| {
            self.references
                .iter()
                .find(|r| r.span.file == file && r.span.contains(offset))
                .map(|r| r.target)
        })
    }

    /// Every reference to `target`.
    pub fn references_to(&self, target: DeclId) -> impl Iterator<Item = &Reference> {
        self.references.iter().filter(move |r| r.target == target)
    }

    /// The declarations of one file, in source order (document symbols).
    pub fn declarations_in(&self, file: FileId) -> impl Iterator<Item = (DeclId, &Declaration)> {
        self.declarations
            .iter()
            .enumerate()
            .filter(move |(_, d)| d.name_span.file == file)
            .map(|(index, d)| (DeclId(index as u32), d))
    }

    /// Top-level declarations of `kind` with exactly this name.
    pub fn find(&self, kind: SymbolKind, name: &str) -> Option<DeclId> {
        self.declarations
            .iter()
            .position(|d| d.kind == kind && d.name == name)
            .map(|index| DeclId(index as u32))
    }
}
