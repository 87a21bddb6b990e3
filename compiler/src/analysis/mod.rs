//! Name resolution, the governance checks and lowering to the IR, over the typed blocks of
//! every document of a project and of the stdlib.
//!
//! One pass per kind of declaration, in dependency order: the catalog, then the names, then
//! filters (effective settings, `extends` cycles, weakening), then policies, then workloads
//! and their endpoints. Each pass reports what it finds and lowers what it can, so an error in
//! one place never hides the checks of another.

mod blocklists;
mod budgets;
mod fine_tuned;

use std::collections::HashMap;

use charter_ir as ir;
use charter_ir::{Category, Date, DeploymentType, Level, Redundancy, ShieldMode, Side, Threshold};
use charter_syntax::diagnostic::sanitize;
use charter_syntax::{ast, Diagnostic, FileId, Span};
use indexmap::IndexMap;

use crate::catalog::{self, Catalog, RegionDataZone};
use crate::dates;
use crate::schema::RefKind;
use crate::symbols::{DeclId, Declaration, SymbolIndex, SymbolKind};
use crate::typeck::{self, Typed, TypedBlock};
use crate::{Document, Options};

/// The default `retirement_warning` of a policy.
const DEFAULT_RETIREMENT_WARNING_DAYS: u32 = 90;
/// The default `owner_tag` of a policy.
const DEFAULT_OWNER_TAG: &str = "charter-workload";

/// What analysis produces besides the syntax trees.
pub(crate) struct Analysis {
    pub diagnostics: Vec<Diagnostic>,
    pub project: ir::Project,
    pub symbols: SymbolIndex,
    pub catalog: Catalog,
}

/// Number of (side, category) slots: two sides of eight categories, some unused.
const SLOTS: usize = 16;

fn slot(side: Side, category: Category) -> usize {
    let side_index = match side {
        Side::Prompt => 0,
        Side::Completion => 8,
    };
    side_index
        + Category::ALL
            .iter()
            .position(|c| *c == category)
            .unwrap_or(0)
}

fn side_word(side: Side) -> &'static str {
    match side {
        Side::Prompt => "prompt",
        Side::Completion => "completion",
    }
}

fn level_word(level: Level) -> &'static str {
    match level {
        Level::Severity(Threshold::Low) => "low",
        Level::Severity(Threshold::Medium) => "medium",
        Level::Severity(Threshold::High) => "high",
        Level::Severity(Threshold::Off) | Level::Shield(ShieldMode::Off) => "off",
        Level::Shield(ShieldMode::Block) => "block",
        Level::Shield(ShieldMode::Annotate) => "annotate",
    }
}

fn level_of(word: &str) -> Option<Level> {
    Some(match word {
        "low" => Level::Severity(Threshold::Low),
        "medium" => Level::Severity(Threshold::Medium),
        "high" => Level::Severity(Threshold::High),
        "block" => Level::Shield(ShieldMode::Block),
        "annotate" => Level::Shield(ShieldMode::Annotate),
        "off" => return None,
        _ => return None,
    })
}

/// One category setting and where it was written.
#[derive(Clone, Copy, Debug)]
struct Setting {
    level: Level,
    /// The level keyword in the filter that set it.
    span: Span,
    /// The filter that set it (index into `filters`).
    filter: usize,
}

#[derive(Clone, Debug, Default)]
struct Effective {
    settings: [Option<Setting>; SLOTS],
    /// Every blocklist the filter applies, per side, with where it was listed; a filter that
    /// extends another adds to its base's blocklists and cannot take one away.
    blocklists: Vec<BlocklistSetting>,
    /// The `mode`, when the filter or one it extends states it.
    mode: Option<ModeSetting>,
}

/// A blocklist a filter applies on one side, and where it was listed.
#[derive(Clone, Debug)]
struct BlocklistSetting {
    name: String,
    side: Side,
    span: Span,
}

/// A filter's stated `mode`, and where it was stated.
#[derive(Clone, Copy, Debug)]
struct ModeSetting {
    mode: ir::FilterMode,
    span: Span,
    /// The filter that stated it (index into `filters`).
    filter: usize,
}

impl Effective {
    /// The mode content is filtered in: as stated, else Azure's default.
    fn mode(&self) -> ir::FilterMode {
        self.mode.map_or(ir::FilterMode::Default, |m| m.mode)
    }
}

/// One way a filter is less strict than another.
#[derive(Clone, Debug)]
enum Weakness {
    /// A category on a side is set less strictly.
    Setting {
        side: Side,
        category: Category,
        level: Level,
        required: Level,
        /// Where the weaker level was set.
        span: Option<Span>,
    },
    /// A blocklist the other applies on a side is missing.
    Blocklist {
        name: String,
        side: Side,
        /// Where the other filter lists it.
        required_at: Span,
    },
    /// Content is filtered asynchronously where the other filters before streaming.
    Mode {
        mode: ir::FilterMode,
        required: ir::FilterMode,
        /// Where the weaker mode was stated.
        span: Option<Span>,
    },
}

impl Weakness {
    /// What is weaker, for a message: ``prompt `hate` is `high`, the minimum is `medium` ``.
    fn describe(&self, required_word: &str) -> String {
        match self {
            Weakness::Setting {
                side,
                category,
                level,
                required,
                ..
            } => format!(
                "{} `{}` is `{}`, {required_word} `{}`",
                side_word(*side),
                category.charter_name(),
                level_word(*level),
                level_word(*required),
            ),
            Weakness::Blocklist { name, side, .. } => format!(
                "blocklist `{}` is not applied to the {}, {required_word} applies it",
                sanitize(name),
                side_word(*side),
            ),
            Weakness::Mode { mode, required, .. } => format!(
                "mode is `{}`, {required_word} `{}`",
                mode.charter_name(),
                required.charter_name(),
            ),
        }
    }

    /// The weaker value as written (`high`, `asynchronous`), or the blocklist's name.
    fn actual_word(&self) -> String {
        match self {
            Weakness::Setting { level, .. } => level_word(*level).to_string(),
            Weakness::Mode { mode, .. } => mode.charter_name().to_string(),
            Weakness::Blocklist { name, .. } => sanitize(name),
        }
    }

    /// Where the weaker setting was written, when it was.
    fn span(&self) -> Option<Span> {
        match self {
            Weakness::Setting { span, .. } | Weakness::Mode { span, .. } => *span,
            Weakness::Blocklist { .. } => None,
        }
    }
}

struct FilterInfo<'t, 'a> {
    block: &'t TypedBlock<'a>,
    /// The name other code uses: `strict`, or `std.filters.strict` for a stdlib filter.
    name: String,
    name_span: Span,
    file: FileId,
    /// The resolved `extends` target.
    extends: Option<usize>,
    explicit: Vec<(Side, Category, Level, Span)>,
    effective: Option<Effective>,
}

struct PolicyInfo<'t, 'a> {
    block: &'t TypedBlock<'a>,
    name: String,
    minimum_filter: Option<usize>,
    minimum_span: Option<Span>,
    retirement_warning_days: u32,
    allowed: Option<Vec<Allow>>,
    models_span: Option<Span>,
    regions: Option<Vec<String>>,
    regions_span: Option<Span>,
    max_capacity: Option<(u32, Span)>,
    /// The cap on provisioned deployments, in PTUs.
    max_provisioned: Option<(u32, Span)>,
    /// The deployment types deployments may use.
    deployment_types: Option<(Vec<DeploymentType>, Span)>,
    /// Names of the filters used by governed endpoints that meet the minimum.
    approved_filters: Vec<String>,
    /// For each `exempt` clause, in source order: the scope of the assignment it exempts, when
    /// the checker could resolve it.
    exemption_assignments: Vec<Option<ir::Scope>>,
    /// Where the policy's definitions are stored, when the checker could tell: the
    /// `definitions_at:` scope, else the only management group or subscription it is assigned
    /// at. `None` for a policy assigned only at resource groups (their subscription is found
    /// when lowering, from the workloads) and for one whose location was reported (E0211).
    definitions_at: Option<ir::Scope>,
}

struct Allow {
    model: String,
    clause_span: Span,
    versions: Vec<String>,
    /// Whether the model and every version are in the catalog and the clause typed cleanly.
    /// When not (reported at the policy), "not allowed" at an endpoint may only echo it.
    in_catalog: bool,
}

struct AppInfo {
    name: String,
    decl: DeclId,
    span: Span,
    environment: Option<ir::Environment>,
    filter: Option<usize>,
    filter_span: Option<Span>,
}

#[derive(Clone, Copy, Debug)]
enum Target {
    Filter(usize),
    Policy(usize),
    Workload,
}

struct Checker<'t, 'a> {
    documents: &'a [Document],
    options: &'a Options,
    diagnostics: Vec<Diagnostic>,
    symbols: SymbolIndex,
    catalog: Catalog,
    filters: Vec<FilterInfo<'t, 'a>>,
    policies: Vec<PolicyInfo<'t, 'a>>,
    /// Top-level names (filters, policies, workloads), stdlib ones as `std.MODULE.NAME`.
    names: HashMap<String, (Target, DeclId)>,
    model_decls: HashMap<String, DeclId>,
    version_decls: HashMap<(String, String), DeclId>,
    region_decls: HashMap<String, DeclId>,
    /// The text of top-level items that did not parse: a name declared there is not reported
    /// as unknown, since the syntax error already explains it.
    broken_items: Vec<&'a str>,
    /// Declared blocklists, by name.
    blocklists: IndexMap<String, blocklists::BlocklistInfo>,
    /// Fine-tuned models that checked cleanly, by name.
    fine_tuned: HashMap<String, ir::FineTuned>,
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

    let mut checker = Checker {
        documents,
        options,
        diagnostics,
        symbols: SymbolIndex::default(),
        catalog: Catalog::default(),
        filters: Vec::new(),
        policies: Vec::new(),
        names: HashMap::new(),
        model_decls: HashMap::new(),
        version_decls: HashMap::new(),
        region_decls: HashMap::new(),
        broken_items,
        blocklists: IndexMap::new(),
        fine_tuned: HashMap::new(),
    };
    checker.build_catalog(&typed);
    checker.declare_fine_tuned(&typed);
    checker.declare_blocklists(&typed);
    checker.declare_names(&typed);
    checker.check_filters();
    checker.check_blocklist_references();
    checker.check_catalog_entries(&typed);
    checker.check_policies();
    let workloads = checker.check_workloads(&typed);

    let mut project = ir::Project {
        workloads,
        ..ir::Project::default()
    };
    let used_filters = used_filter_names(&project.workloads);
    for info in &checker.filters {
        let is_stdlib = checker.is_stdlib(info.file);
        if !is_stdlib || used_filters.contains(&info.name) || checker.minimum_uses(&info.name) {
            project.filters.push(checker.lower_filter(info));
        }
    }
    project.policies = checker.lower_policies(&project.workloads);
    project.blocklists = checker.lower_blocklists();
    project.naming = options.naming.clone();
    Analysis {
        diagnostics: checker.diagnostics,
        project,
        symbols: checker.symbols,
        catalog: checker.catalog,
    }
}

/// The filters that endpoints use and apps require.
fn used_filter_names(workloads: &[ir::Workload]) -> Vec<String> {
    let mut names = Vec::new();
    for workload in workloads {
        names.extend(workload.endpoints.iter().map(|e| e.filter.name.clone()));
        names.extend(workload.apps.iter().filter_map(|a| a.filter.clone()));
    }
    names
}

impl<'t, 'a> Checker<'t, 'a> {
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

    fn minimum_uses(&self, name: &str) -> bool {
        self.policies.iter().any(|p| {
            p.minimum_filter
                .is_some_and(|f| self.filters[f].name == name)
        })
    }

    fn build_catalog(&mut self, typed: &[(usize, TypedBlock<'a>)]) {
        // The stdlib's entries go in first, whatever the file order: a project that declares a
        // name the catalog already has is then the duplicate, so the error points at the
        // project's file and the catalog keeps Azure's entry.
        let is_stdlib = |index: usize| self.documents.get(index).is_some_and(|d| d.is_stdlib);
        let (stdlib, project): (Vec<_>, Vec<_>) =
            typed.iter().partition(|(index, _)| is_stdlib(*index));
        // Then a catalog pulled from Azure, then local extensions (see `catalog_layers`).
        let pulled_date = |index: usize| {
            self.documents
                .get(index)
                .and_then(|d| crate::catalog_layers::pulled_date(&d.text))
        };
        let (pulled, project): (Vec<_>, Vec<_>) = project
            .into_iter()
            .partition(|(index, _)| pulled_date(*index).is_some());
        self.catalog.dated = pulled
            .iter()
            .filter_map(|(index, _)| pulled_date(*index))
            .max()
            .map(|date| crate::catalog_layers::CatalogDate { date, pulled: true })
            .or_else(|| {
                crate::catalog_layers::embedded_date().map(|date| {
                    crate::catalog_layers::CatalogDate {
                        date,
                        pulled: false,
                    }
                })
            });
        for (index, block) in stdlib
            .into_iter()
            .chain(pulled.iter().copied())
            .chain(project)
        {
            let is_stdlib = self.documents.get(*index).is_some_and(|d| d.is_stdlib);
            let layer_model = block.label().and_then(|(name, _)| self.catalog.model(name));
            match block.schema.kind {
                crate::schema::BlockKind::Model if pulled_date(*index).is_some() => {
                    crate::catalog_layers::replace_with_pulled(&mut self.catalog, block)
                }
                crate::schema::BlockKind::Model
                    if !is_stdlib && layer_model.is_some_and(|m| m.is_stdlib) =>
                {
                    crate::catalog_layers::extend(&mut self.catalog, block, &mut self.diagnostics)
                }
                crate::schema::BlockKind::Model => {
                    self.catalog
                        .add_model(block, is_stdlib, &mut self.diagnostics)
                }
                crate::schema::BlockKind::Region => {
                    self.catalog
                        .add_region(block, is_stdlib, &mut self.diagnostics)
                }
                _ => {}
            }
        }
        let mut models = Vec::new();
        for model in self.catalog.models() {
            let versions: Vec<(String, Span, Span, Option<String>)> = model
                .versions
                .iter()
                .map(|v| (v.version.clone(), v.name_span, v.span, v.doc.clone()))
                .collect();
            models.push((
                model.name.clone(),
                model.name_span,
                model.span,
                model.doc.clone(),
                model.is_stdlib,
                versions,
            ));
        }
        for (name, name_span, span, doc, is_stdlib, versions) in models {
            let id = self.symbols.declare(Declaration {
                kind: SymbolKind::Model,
                name: name.clone(),
                container: None,
                name_span,
                span,
                doc,
                is_stdlib,
            });
            self.model_decls.insert(name.clone(), id);
            for (version, version_name_span, version_span, version_doc) in versions {
                let id = self.symbols.declare(Declaration {
                    kind: SymbolKind::ModelVersion,
                    name: version.clone(),
                    container: Some(name.clone()),
                    name_span: version_name_span,
                    span: version_span,
                    doc: version_doc,
                    is_stdlib,
                });
                self.version_decls
                    .insert((name.clone(), version.to_lowercase()), id);
            }
        }
        let mut regions = Vec::new();
        for region in self.catalog.regions() {
            regions.push((
                region.name.clone(),
                region.name_span,
                region.span,
                region.doc.clone(),
                region.is_stdlib,
            ));
        }
        for (name, name_span, span, doc, is_stdlib) in regions {
            let id = self.symbols.declare(Declaration {
                kind: SymbolKind::Region,
                name: name.clone(),
                container: None,
                name_span,
                span,
                doc,
                is_stdlib,
            });
            self.region_decls.insert(name, id);
        }
    }

    /// Declares filters, policies and workloads, reporting duplicates.
    fn declare_names(&mut self, typed: &'t [(usize, TypedBlock<'a>)]) {
        for (_, block) in typed {
            let kind = match block.schema.kind {
                crate::schema::BlockKind::Filter => SymbolKind::Filter,
                crate::schema::BlockKind::Policy => SymbolKind::Policy,
                crate::schema::BlockKind::Workload => SymbolKind::Workload,
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
                let mut diagnostic = Diagnostic::error(
                    "E0102",
                    format!("`{}` is declared twice", sanitize(&name)),
                    name_span,
                    format!("{} declared again here", kind.noun()),
                )
                .with_help("every top-level name must be unique across the project's files; rename one of them");
                if let Some((span, first_kind)) = first {
                    diagnostic = diagnostic.with_secondary(
                        span,
                        format!(
                            "first declared here, as {}",
                            typeck::with_article(first_kind.noun())
                        ),
                    );
                }
                self.diagnostics.push(diagnostic);
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
                    self.filters.push(FilterInfo {
                        block,
                        name: name.clone(),
                        name_span,
                        file,
                        extends: None,
                        explicit: explicit_settings(block),
                        effective: None,
                    });
                    Target::Filter(self.filters.len() - 1)
                }
                SymbolKind::Policy => {
                    self.policies.push(PolicyInfo {
                        block,
                        name: name.clone(),
                        minimum_filter: None,
                        minimum_span: None,
                        retirement_warning_days: DEFAULT_RETIREMENT_WARNING_DAYS,
                        allowed: None,
                        models_span: None,
                        regions: None,
                        regions_span: None,
                        max_capacity: None,
                        max_provisioned: None,
                        deployment_types: None,
                        approved_filters: Vec::new(),
                        exemption_assignments: Vec::new(),
                        definitions_at: None,
                    });
                    Target::Policy(self.policies.len() - 1)
                }
                _ => Target::Workload,
            };
            self.names.insert(name, (target, decl));
        }
    }

    /// Resolves a reference to a top-level name, recording it in the symbol index.
    fn resolve(&mut self, path: &ast::Path, expected: RefKind) -> Option<Target> {
        let text = path.text();
        let mut found = self.names.get(&text).copied();
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
            let candidates: Vec<String> = self
                .names
                .iter()
                .filter(|(_, (target, _))| target_kind(*target) == expected)
                .map(|(name, _)| name.clone())
                .collect();
            let mut sorted = candidates;
            sorted.sort();
            let diagnostic = Diagnostic::error(
                "E0101",
                format!("unknown {} `{}`", expected.noun(), sanitize(&text)),
                path.span,
                format!("no {} has this name", expected.noun()),
            );
            let diagnostic = typeck::with_suggestion(
                diagnostic,
                &text,
                sorted.iter().map(String::as_str),
                path.span,
                "",
            );
            let diagnostic = if diagnostic.help.is_none() {
                diagnostic.with_help(format!(
                    "declare `{} {} {{ ... }}` in any file of the project",
                    expected.noun(),
                    sanitize(&text)
                ))
            } else {
                diagnostic
            };
            self.diagnostics.push(diagnostic);
            return None;
        };
        self.symbols.refer(path.span, decl);
        if target_kind(target) != expected {
            let actual = self
                .symbols
                .declaration(decl)
                .map(|d| (d.kind.noun(), d.name_span));
            let mut diagnostic = Diagnostic::error(
                "E0104",
                format!(
                    "expected {}, found {} `{}`",
                    typeck::with_article(expected.noun()),
                    actual.map_or("name", |a| a.0),
                    sanitize(&text)
                ),
                path.span,
                format!("not {}", typeck::with_article(expected.noun())),
            );
            if let Some((noun, span)) = actual {
                diagnostic = diagnostic.with_secondary(
                    span,
                    format!("declared here as {}", typeck::with_article(noun)),
                );
            }
            self.diagnostics.push(diagnostic.with_help(format!(
                "name {} here",
                typeck::with_article(expected.noun())
            )));
            return None;
        }
        Some(target)
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

    fn check_filters(&mut self) {
        // Resolve `extends`.
        for index in 0..self.filters.len() {
            let Some(path) = self.filters[index].block.ast.extends.as_ref() else {
                continue;
            };
            if let Some(Target::Filter(base)) = self.resolve(path, RefKind::Filter) {
                self.filters[index].extends = Some(base);
            }
        }
        self.break_cycles();
        for index in 0..self.filters.len() {
            self.compute_effective(index);
        }
        // A filter that extends another may only make it stricter. Blocklists cannot be taken
        // away by `extends` (they accumulate), so only settings and the mode can weaken.
        for index in 0..self.filters.len() {
            let Some(base) = self.filters[index].extends else {
                continue;
            };
            let Some(base_effective) = self.filters[base].effective.clone() else {
                continue;
            };
            for &(side, category, level, span) in &self.filters[index].explicit {
                let Some(inherited) = base_effective.settings[slot(side, category)] else {
                    continue;
                };
                if level.strictness() >= inherited.level.strictness() {
                    continue;
                }
                let filter = &self.filters[index];
                let base_name = &self.filters[base].name;
                let diagnostic = Diagnostic::error(
                    "E0501",
                    format!(
                        "filter `{}` weakens `{}`: {} `{}` is `{}`, weaker than `{}`",
                        filter.name,
                        base_name,
                        side_word(side),
                        category.charter_name(),
                        level_word(level),
                        level_word(inherited.level),
                    ),
                    span,
                    format!("weaker than `{base_name}`"),
                )
                .with_secondary(
                    inherited.span,
                    format!("`{}` sets `{}` here", self.filters[inherited.filter].name, level_word(inherited.level)),
                )
                .with_help(format!(
                    "a filter that extends another may only make it stricter: set `{}: {}` or stricter, or do not extend `{base_name}`",
                    category.charter_name(),
                    level_word(inherited.level)
                ))
                .with_fix(format!("use `{}`", level_word(inherited.level)), span, level_word(inherited.level));
                self.diagnostics.push(diagnostic);
            }
            let own_mode = self.filters[index]
                .effective
                .as_ref()
                .and_then(|e| e.mode)
                .filter(|m| m.filter == index);
            if let (Some(own), Some(inherited)) = (own_mode, base_effective.mode) {
                if own.mode.strictness() < inherited.mode.strictness() {
                    let filter = &self.filters[index];
                    let base_name = &self.filters[base].name;
                    let required = inherited.mode.charter_name();
                    self.diagnostics.push(
                        Diagnostic::error(
                            "E0501",
                            format!(
                                "filter `{}` weakens `{}`: mode is `{}`, weaker than `{required}`",
                                filter.name,
                                base_name,
                                own.mode.charter_name(),
                            ),
                            own.span,
                            format!("weaker than `{base_name}`"),
                        )
                        .with_secondary(
                            inherited.span,
                            format!("`{}` sets `{required}` here", self.filters[inherited.filter].name),
                        )
                        .with_note("an asynchronous filter streams the completion before it is checked, so harmful text can reach the caller")
                        .with_help(format!("use `mode: {required}`, or do not extend `{base_name}`"))
                        .with_fix(format!("use `{required}`"), own.span, required),
                    );
                }
            }
        }
    }

    /// Finds `extends` cycles, reports each once, and cuts them so the rest can be checked.
    fn break_cycles(&mut self) {
        // 0: not visited, 1: on the current chain, 2: done.
        let mut state = vec![0u8; self.filters.len()];
        for start in 0..self.filters.len() {
            let mut chain = Vec::new();
            let mut current = Some(start);
            while let Some(index) = current {
                match state[index] {
                    2 => break,
                    1 => {
                        let position = chain.iter().position(|&i| i == index).unwrap_or(0);
                        let cycle: Vec<usize> = chain[position..].to_vec();
                        self.report_cycle(&cycle);
                        for &member in &cycle {
                            self.filters[member].extends = None;
                        }
                        break;
                    }
                    _ => {
                        state[index] = 1;
                        chain.push(index);
                        current = self.filters[index].extends;
                    }
                }
            }
            for index in chain {
                state[index] = 2;
            }
        }
    }

    fn report_cycle(&mut self, cycle: &[usize]) {
        let Some(&first) = cycle
            .iter()
            .min_by_key(|&&i| (self.filters[i].file, self.filters[i].name_span.start))
        else {
            return;
        };
        // Start the chain at the first filter in source order and follow `extends` around.
        let start = cycle.iter().position(|&i| i == first).unwrap_or(0);
        let mut names: Vec<String> = cycle[start..]
            .iter()
            .chain(cycle[..start].iter())
            .map(|&i| format!("`{}`", self.filters[i].name))
            .collect();
        names.push(format!("`{}`", self.filters[first].name));
        let Some(extends) = self.filters[first].block.ast.extends.as_ref() else {
            return;
        };
        let mut diagnostic = Diagnostic::error(
            "E0103",
            format!("cycle in `extends`: {}", names.join(" → ")),
            extends.span,
            "this `extends` closes a cycle",
        );
        for &member in cycle {
            if member == first {
                continue;
            }
            if let Some(path) = self.filters[member].block.ast.extends.as_ref() {
                diagnostic = diagnostic.with_secondary(
                    path.span,
                    format!("`{}` extends this", self.filters[member].name),
                );
            }
        }
        self.diagnostics.push(diagnostic.with_help(
            "remove one `extends` so that the chain ends in a filter that sets every category",
        ));
    }

    fn compute_effective(&mut self, index: usize) {
        // Walk up the `extends` chain first and fill it in from its root down: a chain can be
        // thousands of filters long, and recursing once per link would overflow the stack.
        // The length bound stops at a cycle (reported elsewhere).
        let mut chain = Vec::new();
        let mut current = Some(index);
        while let Some(at) = current {
            if self.filters[at].effective.is_some() || chain.len() > self.filters.len() {
                break;
            }
            chain.push(at);
            current = self.filters[at].extends;
        }
        for &at in chain.iter().rev() {
            self.compute_one_effective(at);
        }
    }

    /// Computes one filter's effective settings from its base's, which are already known.
    fn compute_one_effective(&mut self, index: usize) {
        if self.filters[index].effective.is_some() {
            return;
        }
        let mut effective = match self.filters[index].extends {
            Some(base) => self.filters[base].effective.clone().unwrap_or_default(),
            None => Effective::default(),
        };
        for &(side, category, level, span) in &self.filters[index].explicit {
            effective.settings[slot(side, category)] = Some(Setting {
                level,
                span,
                filter: index,
            });
        }
        let block = self.filters[index].block;
        let mut listed: Vec<(&Typed<'_>, &[Side])> = Vec::new();
        if let Some(list) = block.head("blocklists") {
            listed.push((list, &[Side::Prompt, Side::Completion]));
        }
        for (keyword, side) in [
            ("prompt", &[Side::Prompt]),
            ("completion", &[Side::Completion]),
        ] {
            for nested in block.blocks(keyword) {
                if let Some(list) = nested.head("blocklists") {
                    listed.push((list, side));
                }
            }
        }
        for (list, sides) in listed {
            for item in list.items() {
                let Some((name, span)) = item.as_str() else {
                    continue;
                };
                for &side in sides {
                    if !effective
                        .blocklists
                        .iter()
                        .any(|b| b.name == name && b.side == side)
                    {
                        effective.blocklists.push(BlocklistSetting {
                            name: name.to_string(),
                            side,
                            span,
                        });
                    }
                }
            }
        }
        if let Some(value) = block.head("mode") {
            let mode = match value.as_keyword() {
                Some("asynchronous") => Some(ir::FilterMode::Asynchronous),
                Some("default") => Some(ir::FilterMode::Default),
                _ => None,
            };
            if let Some(mode) = mode {
                effective.mode = Some(ModeSetting {
                    mode,
                    span: value.span(),
                    filter: index,
                });
            }
        }
        self.filters[index].effective = Some(effective);
    }

    fn lower_filter(&self, info: &FilterInfo<'_, '_>) -> ir::Filter {
        let effective = info.effective.clone().unwrap_or_default();
        let mut settings = Vec::new();
        for side in [Side::Prompt, Side::Completion] {
            for category in Category::ALL {
                if !category.applies_to(side) {
                    continue;
                }
                let level = effective.settings[slot(side, category)]
                    .map(|s| s.level)
                    .unwrap_or(if category.is_harm() {
                        Level::Severity(Threshold::Off)
                    } else {
                        Level::Shield(ShieldMode::Off)
                    });
                settings.push(ir::FilterSetting {
                    side,
                    category,
                    level,
                });
            }
        }
        let mut blocklists: Vec<ir::BlocklistUse> = effective
            .blocklists
            .iter()
            .map(|b| ir::BlocklistUse {
                name: b.name.clone(),
                side: b.side,
            })
            .collect();
        blocklists.sort();
        blocklists.dedup();
        ir::Filter {
            name: info.name.clone(),
            description: info.block.doc().unwrap_or_default().to_string(),
            settings,
            blocklists,
            mode: effective.mode(),
        }
    }

    /// Catalog entries the project declares: successors and regions must exist. (The stdlib's
    /// are generated from the reference data and trusted.)
    fn check_catalog_entries(&mut self, typed: &'t [(usize, TypedBlock<'a>)]) {
        for (index, block) in typed {
            if self.documents.get(*index).is_some_and(|d| d.is_stdlib) {
                continue;
            }
            if block.schema.kind != crate::schema::BlockKind::Model {
                continue;
            }
            {
                {
                    for version in block.blocks("version") {
                        if let Some((_, phrase)) = version.field("successor") {
                            if let Some((model, span)) =
                                phrase.head.as_ref().and_then(|v| v.as_str())
                            {
                                if self.check_model_name(model, span) {
                                    if let Some((v, v_span)) =
                                        phrase.modifier_arg("version").and_then(|v| v.as_str())
                                    {
                                        self.check_version_name(model, v, v_span);
                                    }
                                }
                            }
                        }
                        for (_, phrase) in version.clauses("available") {
                            if let Some(list) = phrase.positional(0) {
                                for item in list.items() {
                                    if let Some((region, span)) = item.as_str() {
                                        self.check_region_name(region, span);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Checks a model name against the catalog; records the reference; false when unknown.
    fn check_model_name(&mut self, model: &str, span: Span) -> bool {
        if let Some(&decl) = self.model_decls.get(model) {
            self.symbols.refer(span, decl);
            return true;
        }
        let diagnostic = Diagnostic::error(
            "E0301",
            format!("unknown model `{}`", sanitize(model)),
            span,
            "not in the model catalog",
        );
        let diagnostic =
            typeck::with_suggestion(diagnostic, model, self.catalog.model_names(), span, "\"");
        let diagnostic = if diagnostic.help.is_none() {
            diagnostic.with_help("declare it with `model \"NAME\" { ... }` if it is your own (fine-tuned or custom) model")
        } else {
            diagnostic
        };
        self.diagnostics.push(diagnostic);
        false
    }

    /// Checks a version of a known model; records the reference; false when unknown.
    fn check_version_name(&mut self, model: &str, version: &str, span: Span) -> bool {
        let Some(entry) = self.catalog.model(model) else {
            return false;
        };
        if let Some(found) = entry.version(version) {
            if let Some(&decl) = self
                .version_decls
                .get(&(model.to_string(), found.version.to_lowercase()))
            {
                self.symbols.refer(span, decl);
            }
            return true;
        }
        let versions: Vec<&str> = entry.versions.iter().map(|v| v.version.as_str()).collect();
        let diagnostic = Diagnostic::error(
            "E0302",
            format!(
                "unknown version `{}` of model `{}`",
                sanitize(version),
                model
            ),
            span,
            "not a version of this model in the catalog",
        );
        let mut diagnostic =
            typeck::with_suggestion(diagnostic, version, versions.iter().copied(), span, "\"");
        if diagnostic.help.is_none() {
            diagnostic = if versions.is_empty() {
                diagnostic.with_help(format!("the catalog lists no versions of `{model}`"))
            } else {
                let listing: Vec<String> = versions.iter().map(|v| format!("`{v}`")).collect();
                diagnostic.with_help(format!("known versions: {}", listing.join(", ")))
            };
        }
        self.diagnostics.push(diagnostic);
        false
    }

    /// Checks a region name against the catalog; records the reference; false when unknown.
    fn check_region_name(&mut self, region: &str, span: Span) -> bool {
        if let Some(&decl) = self.region_decls.get(region) {
            self.symbols.refer(span, decl);
            return true;
        }
        let diagnostic = Diagnostic::error(
            "E0303",
            format!("unknown region `{}`", sanitize(region)),
            span,
            "not in the region catalog",
        );
        let diagnostic =
            typeck::with_suggestion(diagnostic, region, self.catalog.region_names(), span, "\"");
        let diagnostic = if diagnostic.help.is_none() {
            diagnostic.with_help(
                "regions are written as Azure's programmatic names, such as `swedencentral`",
            )
        } else {
            diagnostic
        };
        self.diagnostics.push(diagnostic);
        false
    }

    fn check_policies(&mut self) {
        for index in 0..self.policies.len() {
            let block = self.policies[index].block;
            if let Some((field, phrase)) = block.field("filters") {
                if let Some(path) = phrase.positional(0).and_then(|v| v.as_ref()) {
                    if let Some(Target::Filter(filter)) = self.resolve(path, RefKind::Filter) {
                        self.policies[index].minimum_filter = Some(filter);
                        self.policies[index].minimum_span = Some(field.span);
                    }
                }
            }
            if let Some(Typed::Duration { days, .. }) = block.head("retirement_warning") {
                self.policies[index].retirement_warning_days = *days;
            }
            if let Some(models) = block.blocks("models").next() {
                let mut allowed = Vec::new();
                for (clause, phrase) in models.clauses("allow") {
                    let Some((model, span)) = phrase.head.as_ref().and_then(|v| v.as_str()) else {
                        continue;
                    };
                    let known = self.check_model_name(model, span);
                    let mut in_catalog = known;
                    let mut versions = Vec::new();
                    if let Some(list) = phrase.modifier_arg("versions") {
                        for item in list.items() {
                            if let Some((version, span)) = item.as_str() {
                                if known {
                                    in_catalog &= self.check_version_name(model, version, span);
                                }
                                versions.push(version.to_string());
                            }
                        }
                    } else if phrase.modifier("versions").is_some() {
                        // `versions` written with an invalid list: its versions are unknown.
                        in_catalog = false;
                    }
                    // Only the first `allow` of a model would count; say so rather than
                    // silently ignore the second one's versions.
                    if let Some(first) = allowed.iter().find(|a: &&Allow| a.model == model) {
                        self.diagnostics
                            .push(duplicate_allow(model, span, first, &versions));
                        continue;
                    }
                    allowed.push(Allow {
                        model: model.to_string(),
                        clause_span: clause.span,
                        versions,
                        in_catalog,
                    });
                }
                self.policies[index].allowed = Some(allowed);
                self.policies[index].models_span = Some(models.ast.keyword.span);
            }
            if let Some((field, phrase)) = block.field("regions") {
                let mut regions = Vec::new();
                if let Some(list) = &phrase.head {
                    for item in list.items() {
                        if let Some((region, span)) = item.as_str() {
                            self.check_region_name(region, span);
                            regions.push(region.to_string());
                        }
                    }
                }
                self.policies[index].regions = Some(regions);
                self.policies[index].regions_span = Some(field.span);
            }
            if let Some((field, phrase)) = block.field("max_capacity") {
                if let Some(cap) = phrase.head.as_ref().and_then(Typed::as_int) {
                    self.policies[index].max_capacity = Some((cap, field.span));
                }
            }
            if let Some((field, phrase)) = block.field("max_provisioned") {
                if let Some(cap) = phrase.head.as_ref().and_then(Typed::as_int) {
                    self.policies[index].max_provisioned = Some((cap, field.span));
                }
            }
            if let Some((field, phrase)) = block.field("deployment_types") {
                let mut types: Vec<DeploymentType> = Vec::new();
                let mut complete = true;
                for item in phrase.head.as_ref().map(Typed::items).unwrap_or_default() {
                    match item.as_keyword().and_then(catalog::deployment_type) {
                        Some(kind) if types.contains(&kind) => {
                            self.diagnostics.push(
                                Diagnostic::error(
                                    "E0205",
                                    format!(
                                        "deployment type `{}` is listed twice",
                                        kind.charter_name()
                                    ),
                                    item.span(),
                                    "listed again here",
                                )
                                .with_help("list each deployment type once")
                                .with_fix(
                                    "remove the duplicate",
                                    item.span(),
                                    "",
                                ),
                            );
                        }
                        Some(kind) => types.push(kind),
                        None => complete = false,
                    }
                }
                // A misspelt type was reported; without it the list would deny what was meant.
                if complete && phrase.head.is_some() {
                    self.policies[index].deployment_types = Some((types, field.span));
                }
            }
            let scopes: Vec<(ir::Scope, Span)> = block
                .head("scope")
                .map(|value| {
                    value
                        .items()
                        .iter()
                        .filter_map(|item| match item {
                            Typed::Scope { scope, span } => Some((scope.clone(), *span)),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default();
            let name = self.policies[index].name.clone();
            self.policies[index].definitions_at = self.resolve_definitions_location(index, &scopes);
            for (clause, phrase) in block.clauses("exempt") {
                self.check_exemption(clause, phrase);
                let assignment = self.resolve_exemption_assignment(&name, &scopes, phrase);
                self.policies[index].exemption_assignments.push(assignment);
            }
        }
    }

    /// Where a policy's definitions and initiative are stored: its `definitions_at:` scope,
    /// else its only management group or subscription. Azure assigns an initiative only at or
    /// below the place it is stored, and Charter does not know the management-group hierarchy,
    /// so with several management groups or subscriptions (or one of them beside resource
    /// groups) the user must say where (E0211) rather than Charter guessing. `None` also for a
    /// policy assigned only at resource groups: their subscription is found when lowering.
    fn resolve_definitions_location(
        &mut self,
        index: usize,
        scopes: &[(ir::Scope, Span)],
    ) -> Option<ir::Scope> {
        let block = self.policies[index].block;
        let policy = self.policies[index].name.clone();
        if let Some((field, phrase)) = block.field("definitions_at") {
            let (scope, span) = match phrase.head.as_ref()? {
                Typed::Scope { scope, span } => (scope, *span),
                _ => return None,
            };
            return self.check_definitions_at(&policy, scope, span, field, scopes);
        }
        let containers: Vec<&ir::Scope> = scopes
            .iter()
            .map(|(scope, _)| scope)
            .filter(|scope| !matches!(scope, ir::Scope::ResourceGroup(_)))
            .collect();
        match (containers.as_slice(), scopes.len()) {
            ([], _) => None,
            ([only], 1) => Some((*only).clone()),
            _ => {
                self.report_ambiguous_location(&policy, block, scopes);
                None
            }
        }
    }

    /// Checks an explicit `definitions_at:` scope: definitions cannot be stored at a resource
    /// group (E0203), the id must be given (E0203), and a subscription cannot hold an
    /// initiative assigned at a management group or at another subscription (E0212). Whether
    /// a management group contains the scopes is the user's word: Charter cannot see it.
    fn check_definitions_at(
        &mut self,
        policy: &str,
        scope: &ir::Scope,
        span: Span,
        field: &ast::Field,
        scopes: &[(ir::Scope, Span)],
    ) -> Option<ir::Scope> {
        if let ir::Scope::ResourceGroup(_) = scope {
            self.diagnostics.push(
                Diagnostic::error(
                    "E0203",
                    format!(
                        "expected a management group or subscription, found `{}`",
                        sanitize(&scope_source(scope))
                    ),
                    span,
                    "definitions cannot be stored at a resource group",
                )
                .with_help("name the subscription that contains the resource group: `subscription(\"id\")`, or a management group above it")
                .with_note(format!("`{}` takes `management_group(\"id\")` or `subscription(\"id\")`", field.key.name)),
            );
            return None;
        }
        if scope_name(scope).trim().is_empty() {
            self.diagnostics.push(
                Diagnostic::error(
                    "E0203",
                    "expected a management group or subscription id, found an empty string",
                    span,
                    "the id is empty",
                )
                .with_help("name the management group or subscription that contains every scope of the policy"),
            );
            return None;
        }
        if let ir::Scope::Subscription(subscription) = scope {
            let outside: Vec<&(ir::Scope, Span)> = scopes
                .iter()
                .filter(|(assigned, _)| match assigned {
                    ir::Scope::ManagementGroup(_) => true,
                    ir::Scope::Subscription(other) => other != subscription,
                    ir::Scope::ResourceGroup(_) => false,
                })
                .collect();
            if let Some((first, _)) = outside.first() {
                let mut diagnostic = Diagnostic::error(
                    "E0212",
                    format!(
                        "policy `{policy}` cannot store its definitions at `{}`",
                        sanitize(&scope_source(scope))
                    ),
                    span,
                    format!(
                        "a subscription does not contain `{}`",
                        sanitize(&scope_source(first))
                    ),
                );
                for (_, scope_span) in &outside {
                    diagnostic =
                        diagnostic.with_secondary(*scope_span, "the policy is assigned here");
                }
                diagnostic = diagnostic
                    .with_help("store the definitions at a management group above every scope of the policy: `definitions_at: management_group(\"id\")`")
                    .with_note("Azure assigns an initiative only at or below the management group or subscription where it is stored");
                self.diagnostics.push(diagnostic);
                return None;
            }
        }
        Some(scope.clone())
    }

    /// Reports a policy whose definitions location Charter cannot tell (E0211), with a fix
    /// that adds `definitions_at: management_group("")` after `scope:`: the id is left empty
    /// (and reported as such) because only the user knows which group contains the scopes.
    fn report_ambiguous_location(
        &mut self,
        policy: &str,
        block: &TypedBlock<'_>,
        scopes: &[(ir::Scope, Span)],
    ) {
        let Some((field, _)) = block.field("scope") else {
            return;
        };
        let mut diagnostic = Diagnostic::error(
            "E0211",
            format!(
                "policy `{policy}` is assigned at {} scopes: say where its definitions are stored",
                scopes.len()
            ),
            field.key.span,
            "the definitions and initiative need one place above these scopes",
        );
        for (_, span) in scopes {
            diagnostic = diagnostic.with_secondary(*span, "the policy is assigned here");
        }
        let (at, before, after) = self.line_after(field);
        let at = Span::new(field.span.file, at, at);
        diagnostic = diagnostic
            .with_help("add `definitions_at: management_group(\"...\")` naming a management group above all of them")
            .with_note("Azure assigns an initiative only at or below the management group or subscription where it is stored, and Charter cannot know which management group contains which scope")
            .with_fix(
                "add `definitions_at: management_group(\"\")`",
                at,
                format!("{before}definitions_at: management_group(\"\"){after}"),
            );
        self.diagnostics.push(diagnostic);
    }

    /// Where to insert a new entry on the line after `field`, at its indentation, and the text
    /// to write before and after the entry: at the start of the next line when the field ends
    /// its line (after any `//` comment, which stays with the field), else right after the
    /// field (`{ scope: x, effect: deny }`).
    fn line_after(&self, field: &ast::Field) -> (usize, String, String) {
        let end = field.span.end as usize;
        let text = self
            .document(field.span.file)
            .map_or("", |d| d.text.as_str());
        let start = field.span.start as usize;
        let line_start = text
            .get(..start)
            .and_then(|before| before.rfind('\n'))
            .map_or(0, |i| i + 1);
        let indent = text
            .get(line_start..start)
            .filter(|indent| indent.chars().all(|c| c == ' ' || c == '\t'))
            .unwrap_or("  ")
            .to_string();
        let next_line = text.get(end..).and_then(|rest| {
            let newline = rest.find('\n')?;
            let tail = rest[..newline].trim();
            (tail.is_empty() || tail.starts_with("//")).then_some(end + newline + 1)
        });
        match next_line {
            Some(at) => (at, indent, "\n".to_string()),
            None => (end, format!("\n{indent}"), String::new()),
        }
    }

    fn check_exemption(&mut self, clause: &ast::Clause, phrase: &typeck::TypedPhrase<'_>) {
        let today = self.options.today;
        if let Some(Typed::Date { date, span }) = phrase.modifier_arg("until") {
            if *date < today {
                self.diagnostics.push(
                    Diagnostic::error(
                        "E0701",
                        format!("exemption expired on {date}"),
                        *span,
                        format!("in the past (today is {today})"),
                    )
                    .with_help("remove the exemption, or renew it with a new date if it is still needed")
                    .with_note("an expired exemption no longer exempts anything; keeping it hides that the scope must now comply"),
                );
            }
        }
        let reason = phrase
            .modifier("as")
            .and_then(|m| m.args.get(1))
            .and_then(|a| a.as_ref())
            .and_then(|v| v.as_str());
        match reason {
            Some((text, _)) if !text.trim().is_empty() => {}
            Some((_, span)) => self.diagnostics.push(
                Diagnostic::error(
                    "E0702",
                    "exemption without a reason",
                    span,
                    "the reason is empty",
                )
                .with_help("say why the scope is exempt, for the audit trail"),
            ),
            None => {
                let end = Span::new(
                    clause.span.file,
                    clause.span.end as usize,
                    clause.span.end as usize,
                );
                let (label_span, fix) = match phrase.modifier("as") {
                    Some(modifier) => (
                        modifier
                            .args
                            .first()
                            .and_then(|a| a.as_ref())
                            .map_or(modifier.word_span, Typed::span),
                        Some((end, " \"REASON\"")),
                    ),
                    None => (clause.keyword.span, Some((end, " as waiver \"REASON\""))),
                };
                let mut diagnostic = Diagnostic::error("E0702", "exemption without a reason", label_span, "no reason given")
                    .with_help("add `as waiver \"why\"` or `as mitigated \"how\"`: the reason is kept for the audit trail");
                if let Some((span, text)) = fix {
                    diagnostic = diagnostic.with_fix("add a reason", span, text);
                }
                self.diagnostics.push(diagnostic);
            }
        }
    }

    /// The scope of the assignment an exemption exempts: the exempted scope itself when the
    /// policy is assigned there, else the `under` scope, else the policy's only scope. Reports
    /// an `under` that names no scope of the policy (E0704) and, when the policy has several
    /// scopes, a missing `under` (E0703): Charter does not know the management-group hierarchy,
    /// and an exemption must sit at or below the assignment it exempts.
    fn resolve_exemption_assignment(
        &mut self,
        policy: &str,
        scopes: &[(ir::Scope, Span)],
        phrase: &typeck::TypedPhrase<'_>,
    ) -> Option<ir::Scope> {
        let (exempted, exempted_span) = match phrase.head.as_ref()? {
            Typed::Scope { scope, span } => (scope, *span),
            _ => return None,
        };
        if let Some(modifier) = phrase.modifier("under") {
            let (under, under_span) = match modifier.args.first()?.as_ref()? {
                Typed::Scope { scope, span } => (scope, *span),
                _ => return None,
            };
            if scopes.iter().any(|(scope, _)| scope == under) {
                return Some(under.clone());
            }
            if scopes.is_empty() {
                // The missing `scope:` is reported already; there is nothing to compare with.
                return None;
            }
            let listing: Vec<String> = scopes
                .iter()
                .map(|(scope, _)| format!("`{}`", sanitize(&scope_source(scope))))
                .collect();
            let mut diagnostic = Diagnostic::error(
                "E0704",
                format!(
                    "policy `{policy}` is not assigned at `{}`",
                    sanitize(&scope_source(under))
                ),
                under_span,
                "not one of the policy's scopes",
            );
            for (_, span) in scopes {
                diagnostic = diagnostic.with_secondary(*span, "the policy is assigned here");
            }
            // Names are compared among scopes of the same kind: every management group's source
            // text starts alike, so comparing whole calls would suggest one for any typo.
            let same_kind: Vec<&ir::Scope> = scopes
                .iter()
                .map(|(scope, _)| scope)
                .filter(|scope| std::mem::discriminant(*scope) == std::mem::discriminant(under))
                .collect();
            let closest = crate::suggest::closest(
                scope_name(under),
                same_kind.iter().map(|scope| scope_name(scope)),
            )
            .and_then(|name| same_kind.iter().find(|scope| scope_name(scope) == name))
            .map(|scope| scope_source(scope));
            diagnostic = match closest.as_deref() {
                Some(best) => diagnostic
                    .with_help(format!(
                        "did you mean `{}`? `under` names one of the policy's scopes: {}",
                        sanitize(best),
                        schema_join(&listing)
                    ))
                    .with_fix(format!("write `{}`", sanitize(best)), under_span, best),
                None => diagnostic.with_help(format!(
                    "`under` names one of the policy's scopes: {}",
                    schema_join(&listing)
                )),
            };
            self.diagnostics.push(diagnostic);
            return None;
        }
        if scopes.iter().any(|(scope, _)| scope == exempted) {
            return Some(exempted.clone());
        }
        match scopes {
            [] => None,
            [(only, _)] => Some(only.clone()),
            [(first, _), ..] => {
                let mut diagnostic = Diagnostic::error(
                    "E0703",
                    format!(
                        "exemption of `{}` is ambiguous: policy `{policy}` is assigned at {} scopes",
                        sanitize(&scope_source(exempted)),
                        scopes.len()
                    ),
                    exempted_span,
                    "not one of the policy's scopes",
                );
                for (_, span) in scopes {
                    diagnostic = diagnostic.with_secondary(*span, "the policy is assigned here");
                }
                let at = Span::new(
                    exempted_span.file,
                    exempted_span.end as usize,
                    exempted_span.end as usize,
                );
                let first = scope_source(first);
                diagnostic = diagnostic
                    .with_help(format!(
                        "say which assignment it exempts with `under SCOPE`, naming the policy scope that contains `{}`",
                        sanitize(&scope_source(exempted))
                    ))
                    .with_note("an exemption must sit at or below the assignment it exempts, and Charter cannot know which management group or subscription contains the scope")
                    .with_fix(format!("add `under {}`", sanitize(&first)), at, format!(" under {first}"));
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

    fn check_workloads(&mut self, typed: &'t [(usize, TypedBlock<'a>)]) -> Vec<ir::Workload> {
        let workloads: Vec<&'t TypedBlock<'a>> = typed
            .iter()
            .filter(|(_, b)| {
                b.schema.kind == crate::schema::BlockKind::Workload && b.label().is_some()
            })
            .map(|(_, b)| b)
            .collect();
        // Apps first, for every workload, so that `serves` can find apps of other workloads.
        let mut apps: Vec<IndexMap<String, AppInfo>> = Vec::new();
        for block in &workloads {
            let apps_of = self.declare_apps(block);
            apps.push(apps_of);
        }
        let mut lowered = Vec::new();
        for (index, block) in workloads.iter().enumerate() {
            lowered.push(self.check_workload(block, index, &apps));
        }
        lowered
    }

    fn declare_apps(&mut self, block: &'t TypedBlock<'a>) -> IndexMap<String, AppInfo> {
        let workload = block
            .label()
            .map(|(name, _)| name.to_string())
            .unwrap_or_default();
        let mut apps: IndexMap<String, AppInfo> = IndexMap::new();
        // `app NAME { ... }` blocks are the declarations; names in `apps: [...]` without a block
        // declare themselves.
        let mut blocks: Vec<&TypedBlock<'a>> = block.blocks("app").collect();
        blocks.retain(|b| b.label().is_some());
        for app in &blocks {
            let Some((name, span)) = app.label() else {
                continue;
            };
            if let Some(existing) = apps.get(name) {
                self.diagnostics.push(
                    Diagnostic::error(
                        "E0102",
                        format!("app `{}` is declared twice", sanitize(name)),
                        span,
                        "declared again here",
                    )
                    .with_secondary(existing.span, "first declared here")
                    .with_help("keep one `app` block per app"),
                );
                continue;
            }
            let decl = self.symbols.declare(Declaration {
                kind: SymbolKind::App,
                name: name.to_string(),
                container: Some(workload.clone()),
                name_span: span,
                span: app.ast.span,
                doc: app.doc().map(str::to_string),
                is_stdlib: false,
            });
            let environment = app
                .head("environment")
                .and_then(Typed::as_keyword)
                .and_then(environment_of);
            let mut filter = None;
            let mut filter_span = None;
            if let Some(path) = app.head("filter").and_then(Typed::as_ref) {
                if let Some(Target::Filter(index)) = self.resolve(path, RefKind::Filter) {
                    filter = Some(index);
                    filter_span = Some(path.span);
                }
            }
            apps.insert(
                name.to_string(),
                AppInfo {
                    name: name.to_string(),
                    decl,
                    span,
                    environment,
                    filter,
                    filter_span,
                },
            );
        }
        if let Some(Typed::List { items, .. }) = block.head("apps") {
            let mut listed: Vec<(String, Span)> = Vec::new();
            for item in items {
                let Some(path) = item.as_ref() else { continue };
                let name = path.text();
                if let Some((_, first)) = listed.iter().find(|(n, _)| *n == name) {
                    self.diagnostics.push(
                        Diagnostic::error(
                            "E0102",
                            format!("app `{}` is listed twice", sanitize(&name)),
                            path.span,
                            "listed again here",
                        )
                        .with_secondary(*first, "first listed here")
                        .with_help("list each app once")
                        .with_fix("remove the duplicate", path.span, ""),
                    );
                    continue;
                }
                listed.push((name.clone(), path.span));
                if let Some(existing) = apps.get(&name) {
                    self.symbols.refer(path.span, existing.decl);
                    continue;
                }
                let decl = self.symbols.declare(Declaration {
                    kind: SymbolKind::App,
                    name: name.clone(),
                    container: Some(workload.clone()),
                    name_span: path.span,
                    span: path.span,
                    doc: None,
                    is_stdlib: false,
                });
                apps.insert(
                    name.clone(),
                    AppInfo {
                        name,
                        decl,
                        span: path.span,
                        environment: None,
                        filter: None,
                        filter_span: None,
                    },
                );
            }
        }
        apps
    }

    fn check_workload(
        &mut self,
        block: &'t TypedBlock<'a>,
        index: usize,
        apps: &[IndexMap<String, AppInfo>],
    ) -> ir::Workload {
        let (name, _) = block.label().unwrap_or(("", block.ast.keyword.span));
        let policy = block
            .head("governed_by")
            .and_then(Typed::as_ref)
            .and_then(|path| match self.resolve(path, RefKind::Policy) {
                Some(Target::Policy(policy)) => Some(policy),
                _ => None,
            });
        let environment = block
            .head("environment")
            .and_then(Typed::as_keyword)
            .and_then(environment_of)
            .unwrap_or(ir::Environment::Dev);
        if let Some((group, span)) = block.head("resource_group").and_then(|v| v.as_str()) {
            self.diagnostics.extend(typeck::azure_name_problem(
                typeck::AzureName::ResourceGroup,
                group,
                span,
            ));
        }
        if let Some((_, phrase)) = block.field("budget") {
            self.check_budget(phrase);
        }
        if let Some((subscription, span)) = block.head("subscription").and_then(|v| v.as_str()) {
            self.diagnostics.extend(typeck::azure_name_problem(
                typeck::AzureName::Subscription,
                subscription,
                span,
            ));
        }
        let data_zone = block.field("data_zone").and_then(|(field, phrase)| {
            let zone = match phrase.head.as_ref()?.as_keyword()? {
                "eu" => ir::DataZone::Eu,
                _ => ir::DataZone::Us,
            };
            Some((zone, field.span))
        });
        let context = WorkloadContext {
            name,
            index,
            policy,
            environment,
            data_zone,
        };
        let mut endpoints = Vec::new();
        let mut endpoint_names: Vec<(&str, Span)> = Vec::new();
        for endpoint in block.blocks("endpoint") {
            let Some((endpoint_name, span)) = endpoint.label() else {
                continue;
            };
            if let Some((_, first)) = endpoint_names.iter().find(|(n, _)| *n == endpoint_name) {
                self.diagnostics.push(
                    Diagnostic::error(
                        "E0102",
                        format!(
                            "endpoint `{}` is declared twice in workload `{name}`",
                            sanitize(endpoint_name)
                        ),
                        span,
                        "declared again here",
                    )
                    .with_secondary(*first, "first declared here")
                    .with_help("rename one of them"),
                );
                continue;
            }
            endpoint_names.push((endpoint_name, span));
            self.symbols.declare(Declaration {
                kind: SymbolKind::Endpoint,
                name: endpoint_name.to_string(),
                container: Some(name.to_string()),
                name_span: span,
                span: endpoint.ast.span,
                doc: endpoint.doc().map(str::to_string),
                is_stdlib: false,
            });
            endpoints.push(self.check_endpoint(endpoint, &context, apps));
        }

        let own_apps = apps.get(index);
        let lowered_apps = own_apps
            .map(|apps| {
                apps.values()
                    .map(|app| ir::App {
                        name: app.name.clone(),
                        environment: app.environment.unwrap_or(environment),
                        filter: app.filter.map(|f| self.filters[f].name.clone()),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let text = |field: &str| {
            block
                .head(field)
                .and_then(|v| v.as_str())
                .map(|(s, _)| s.to_string())
        };
        ir::Workload {
            name: name.to_string(),
            description: block.doc().unwrap_or_default().to_string(),
            policy: policy
                .map(|p| self.policies[p].name.clone())
                .unwrap_or_default(),
            environment,
            resource_group: text("resource_group").unwrap_or_default(),
            subscription: text("subscription"),
            data_zone: data_zone.map(|(zone, _)| zone),
            apps: lowered_apps,
            budget: block
                .field("budget")
                .and_then(|(_, phrase)| lower_budget(phrase)),
            endpoints,
        }
    }

    fn check_endpoint(
        &mut self,
        block: &TypedBlock<'a>,
        context: &WorkloadContext<'_>,
        apps: &[IndexMap<String, AppInfo>],
    ) -> ir::Endpoint {
        let (name, _) = block.label().unwrap_or(("", block.ast.keyword.span));
        let today = self.options.today;
        let horizon = context.policy.map_or(DEFAULT_RETIREMENT_WARNING_DAYS, |p| {
            self.policies[p].retirement_warning_days
        });

        // The model and version, against the catalog.
        let model_clause = block.clauses("model").next();
        let model = model_clause
            .and_then(|(_, p)| p.head.as_ref())
            .and_then(|v| v.as_str());
        let version = model_clause
            .and_then(|(_, p)| p.modifier_arg("version"))
            .and_then(|v| v.as_str());
        let mut known_model = false;
        let mut known_version = false;
        if let Some((model_name, span)) = model {
            known_model = self.check_model_name(model_name, span);
            if known_model {
                if let Some((version_name, version_span)) = version {
                    known_version = self.check_version_name(model_name, version_name, version_span);
                }
            }
        }

        let deployment = block.field("deployment");
        let deployment_type = deployment
            .and_then(|(_, p)| p.head.as_ref())
            .and_then(Typed::as_keyword)
            .and_then(catalog::deployment_type);
        let capacity_value = deployment.and_then(|(_, p)| p.modifier_arg("capacity"));
        let capacity = capacity_value.and_then(Typed::as_int).unwrap_or(1);
        let capacity_span = capacity_value
            .map(Typed::span)
            .or(deployment.map(|(f, _)| f.span));

        let filter_path = block.head("filter").and_then(Typed::as_ref);
        let filter = filter_path.and_then(|path| match self.resolve(path, RefKind::Filter) {
            Some(Target::Filter(index)) => Some(index),
            _ => None,
        });

        let regions_field = block.field("regions");
        let mut regions: Vec<(String, Span, bool)> = Vec::new();
        if let Some(list) = regions_field.and_then(|(_, p)| p.head.as_ref()) {
            for item in list.items() {
                if let Some((region, span)) = item.as_str() {
                    if let Some((_, first, _)) = regions.iter().find(|(r, _, _)| r == region) {
                        self.diagnostics.push(
                            Diagnostic::error(
                                "E0609",
                                format!("region `{}` is listed twice", sanitize(region)),
                                span,
                                "listed again here",
                            )
                            .with_secondary(*first, "first listed here")
                            .with_note("each region of an endpoint gets its own AI account and deployment; a region listed twice would be created twice")
                            .with_help("list each region once; for more capacity in one region, raise the deployment's capacity")
                            .with_fix("remove the duplicate", span, ""),
                        );
                        continue;
                    }
                    let known = self.check_region_name(region, span);
                    regions.push((region.to_string(), span, known));
                }
            }
        }
        let redundancy_value = regions_field.and_then(|(_, p)| p.modifier_arg("redundancy"));
        let redundancy = match redundancy_value.and_then(Typed::as_keyword) {
            Some("active_passive") => Redundancy::ActivePassive,
            Some("active_active") => Redundancy::ActiveActive,
            _ => Redundancy::None,
        };
        let standby_value = regions_field.and_then(|(_, p)| p.modifier_arg("standby"));
        let standby = standby_value.and_then(Typed::as_int);

        // Redundancy needs two distinct regions.
        if let (Some(value), Some((field, _))) = (redundancy_value, regions_field) {
            let mut distinct: Vec<&str> = regions.iter().map(|(r, _, _)| r.as_str()).collect();
            distinct.sort_unstable();
            distinct.dedup();
            if redundancy != Redundancy::None && distinct.len() < 2 {
                self.diagnostics.push(
                    Diagnostic::error(
                        "E0603",
                        format!(
                            "redundancy `{}` needs at least two distinct regions, found {}",
                            value.as_keyword().unwrap_or(""),
                            distinct.len()
                        ),
                        value.span(),
                        "needs a second region",
                    )
                    .with_secondary(
                        field_head_span(regions_field).unwrap_or(field.value.span),
                        "the endpoint's regions",
                    )
                    .with_help("add a second region (its paired region is a good choice), or use `redundancy none`"),
                );
            }
        }
        // A misspelt redundancy mode was reported; which mode was meant is unknown, so whether
        // `standby` applies is too.
        let redundancy_invalid = regions_field
            .and_then(|(_, p)| p.modifier("redundancy"))
            .is_some_and(|modifier| modifier.args.iter().any(Option::is_none));
        if standby.is_some() && redundancy != Redundancy::ActivePassive && !redundancy_invalid {
            if let Some(value) = standby_value {
                self.diagnostics.push(
                    Diagnostic::warning(
                        "E0607",
                        "`standby` has no effect without `redundancy active_passive`",
                        value.span(),
                        "ignored",
                    )
                    .with_help(
                        "remove `standby N`, or make the endpoint `redundancy active_passive`",
                    ),
                );
            }
        }

        // Data zones.
        if let Some((zone, zone_span)) = context.data_zone {
            let wanted = match zone {
                ir::DataZone::Eu => RegionDataZone::Eu,
                ir::DataZone::Us => RegionDataZone::Us,
            };
            for (region, span, known) in &regions {
                if !known {
                    continue;
                }
                let actual = self.catalog.region(region).and_then(|r| r.data_zone);
                if actual != Some(wanted) {
                    let where_it_is = match actual {
                        Some(actual) => format!("in the `{}` data zone", actual.keyword()),
                        None => "in no data zone".to_string(),
                    };
                    self.diagnostics.push(
                        Diagnostic::error(
                            "E0604",
                            format!(
                                "region `{region}` is outside the workload's data zone `{}`",
                                wanted.keyword()
                            ),
                            *span,
                            where_it_is,
                        )
                        .with_secondary(zone_span, "the workload's data zone")
                        .with_help(format!(
                            "use regions of the `{}` data zone",
                            wanted.keyword()
                        )),
                    );
                }
            }
        }
        if let (Some(kind), Some((zone, zone_span))) = (deployment_type, context.data_zone) {
            if kind.is_global() {
                let kind_span = deployment
                    .and_then(|(_, p)| p.head.as_ref())
                    .map(Typed::span);
                if let Some(span) = kind_span {
                    let zone_word = match zone {
                        ir::DataZone::Eu => "eu",
                        ir::DataZone::Us => "us",
                    };
                    let data_zone_type = match kind {
                        DeploymentType::GlobalProvisioned => DeploymentType::DataZoneProvisioned,
                        DeploymentType::GlobalBatch => DeploymentType::DataZoneBatch,
                        _ => DeploymentType::DataZoneStandard,
                    };
                    self.diagnostics.push(
                        Diagnostic::error(
                            "E0608",
                            format!(
                                "a `{}` deployment may process data outside the workload's data zone `{zone_word}`",
                                kind.charter_name()
                            ),
                            span,
                            "processed in any Azure region",
                        )
                        .with_secondary(zone_span, "the workload's data zone")
                        .with_note("global deployment types route each request to whichever region has capacity, anywhere in the world; only data-zone and regional types keep data within a data zone")
                        .with_help(format!(
                            "use `{}` (within the data zone) or a regional type",
                            data_zone_type.charter_name()
                        ))
                        .with_fix(
                            format!("use `{}`", data_zone_type.charter_name()),
                            span,
                            data_zone_type.charter_name(),
                        ),
                    );
                }
            }
        }
        if let Some(kind) = deployment_type {
            if matches!(
                kind,
                DeploymentType::DataZoneStandard
                    | DeploymentType::DataZoneProvisioned
                    | DeploymentType::DataZoneBatch
            ) {
                let zones: Vec<(Option<RegionDataZone>, &str, Span)> = regions
                    .iter()
                    .filter(|(_, _, known)| *known)
                    .map(|(r, s, _)| {
                        (
                            self.catalog.region(r).and_then(|r| r.data_zone),
                            r.as_str(),
                            *s,
                        )
                    })
                    .collect();
                let deployment_span = deployment
                    .and_then(|(_, p)| p.head.as_ref())
                    .map(Typed::span);
                if let Some((_, region, span)) = zones.iter().find(|(zone, _, _)| zone.is_none()) {
                    let mut diagnostic = Diagnostic::error(
                        "E0605",
                        format!("region `{region}` is in no data zone, so it cannot take a `{}` deployment", kind.charter_name()),
                        *span,
                        "in no data zone",
                    )
                    .with_help("use a region of a data zone, or a `standard` or `global_*` deployment type");
                    if let Some(s) = deployment_span {
                        diagnostic = diagnostic.with_secondary(s, "a data-zone deployment type");
                    }
                    self.diagnostics.push(diagnostic);
                } else if let Some(((first_zone, first_region, first_span), rest)) =
                    zones.split_first()
                {
                    if let Some((zone, region, span)) =
                        rest.iter().find(|(z, _, _)| z != first_zone)
                    {
                        let mut diagnostic = Diagnostic::error(
                            "E0605",
                            format!(
                                "a `{}` endpoint spans data zones: `{region}` is in `{}`, `{first_region}` in `{}`",
                                kind.charter_name(),
                                zone.map_or("", RegionDataZone::keyword),
                                first_zone.map_or("", RegionDataZone::keyword),
                            ),
                            *span,
                            "in another data zone",
                        )
                        .with_secondary(
                            *first_span,
                            format!("in the `{}` data zone", first_zone.map_or("", RegionDataZone::keyword)),
                        )
                        .with_help("keep a data-zone deployment within one data zone");
                        if let Some(s) = deployment_span {
                            diagnostic =
                                diagnostic.with_secondary(s, "a data-zone deployment type");
                        }
                        self.diagnostics.push(diagnostic);
                    }
                }
            }
        }

        // Availability and lifecycle, against the catalog.
        let mut format = String::new();
        if let (true, true, Some((model_name, _)), Some((version_name, version_span))) =
            (known_model, known_version, model, version)
        {
            if let Some(entry) = self.catalog.model(model_name) {
                format = entry.format.clone().unwrap_or_default();
                if let Some(found) = entry.version(version_name) {
                    let found = found.clone();
                    // A project's availability data with a mistake in it (reported there) is
                    // partial: "not available here" would blame the endpoint for it.
                    let availability_trusted = found.availability_complete
                        && (entry.is_stdlib
                            || found.availability.iter().all(|(_, regions)| {
                                regions.iter().all(|r| self.catalog.region(r).is_some())
                            }));
                    if let (Some(kind), true) = (deployment_type, availability_trusted) {
                        if found.has_availability() {
                            for (region, span, known) in &regions {
                                if *known && !found.available(kind, region) {
                                    self.diagnostics.push(unavailable(
                                        model_name, &found, kind, region, *span, deployment,
                                    ));
                                }
                            }
                        }
                    }
                    let clause_phrase_span = model_clause.map(|(c, p)| (c, p.span));
                    self.check_lifecycle(
                        model_name,
                        &found,
                        version_span,
                        clause_phrase_span.map(|(_, s)| s),
                        today,
                        horizon,
                        context,
                    );
                }
            }
        }

        // The governing policy. An unknown model or version was reported against the catalog;
        // "not allowed" would only repeat that mistake, so only known ones are checked.
        if let Some(policy_index) = context.policy {
            self.check_against_policy(
                policy_index,
                model.filter(|_| known_model),
                version.filter(|_| known_version),
                &regions,
                deployment_type.zip(
                    deployment
                        .and_then(|(_, p)| p.head.as_ref())
                        .map(Typed::span),
                ),
                capacity,
                capacity_span,
                redundancy,
                standby.map(|s| (s, standby_value.map(Typed::span))),
                filter,
                filter_path.map(|p| p.span),
            );
        }

        // Apps served.
        let serves = self.check_serves(block, context, apps, filter, filter_path.map(|p| p.span));

        let effective_filter = filter
            .map(|f| self.lower_filter(&self.filters[f]))
            .unwrap_or(ir::Filter {
                name: String::new(),
                description: String::new(),
                settings: Vec::new(),
                blocklists: Vec::new(),
                mode: ir::FilterMode::Default,
            });
        if let (Some(policy_index), Some(filter_index)) = (context.policy, filter) {
            let meets = self.policies[policy_index]
                .minimum_filter
                .is_none_or(|minimum| self.weaker_settings(filter_index, minimum).is_empty());
            if meets {
                let filter_name = self.filters[filter_index].name.clone();
                self.policies[policy_index]
                    .approved_filters
                    .push(filter_name);
            }
        }
        ir::Endpoint {
            name: name.to_string(),
            description: block.doc().unwrap_or_default().to_string(),
            model: ir::ModelRef {
                name: model.map(|(m, _)| m.to_string()).unwrap_or_default(),
                version: version
                    .map(|(v, _)| {
                        // Lower the catalog's spelling of the version, which Azure expects.
                        model
                            .and_then(|(m, _)| self.catalog.model(m))
                            .and_then(|entry| entry.version(v))
                            .map_or_else(|| v.to_string(), |found| found.version.clone())
                    })
                    .unwrap_or_default(),
                format,
                fine_tuned: model.and_then(|(m, _)| self.fine_tuned_info(m)),
            },
            deployment_type: deployment_type.unwrap_or(DeploymentType::Standard),
            capacity,
            filter: effective_filter,
            regions: regions.iter().map(|(r, _, _)| r.clone()).collect(),
            redundancy,
            standby_capacity: match redundancy {
                Redundancy::ActivePassive => Some(standby.unwrap_or(capacity)),
                _ => None,
            },
            serves,
        }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "the lifecycle check reads one endpoint's parts"
    )]
    fn check_lifecycle(
        &mut self,
        model: &str,
        version: &catalog::ModelVersion,
        version_span: Span,
        phrase_span: Option<Span>,
        today: Date,
        horizon: u32,
        context: &WorkloadContext<'_>,
    ) {
        let successor_fix = |diagnostic: Diagnostic| -> Diagnostic {
            match (&version.successor, phrase_span) {
                (Some(successor), Some(phrase_span)) => match &successor.version {
                    Some(successor_version) if successor.model == model => diagnostic.with_fix(
                        format!("use version `{successor_version}`"),
                        version_span,
                        format!("\"{successor_version}\""),
                    ),
                    Some(successor_version) => diagnostic.with_fix(
                        format!("use `{}` version `{successor_version}`", successor.model),
                        phrase_span,
                        format!("\"{}\" version \"{successor_version}\"", successor.model),
                    ),
                    None => diagnostic,
                },
                _ => diagnostic,
            }
        };
        let successor_help = match (&version.successor, self.fine_tuned_successor_help(model)) {
            (_, Some(fine_tuned)) => fine_tuned,
            (Some(successor), None) => format!("move to its successor, {successor}"),
            (None, None) => "move to a current version of the model".to_string(),
        };
        if version.is_retired(today) {
            let when = match version.retirement {
                Some(date) => format!(" on {date}"),
                None => String::new(),
            };
            let diagnostic = Diagnostic::error(
                "E0304",
                format!(
                    "version `{}` of `{model}` was retired{when}",
                    version.version
                ),
                version_span,
                "retired: deployments of it no longer work",
            )
            .with_help(successor_help);
            self.diagnostics.push(successor_fix(diagnostic));
            return;
        }
        let retiring = version.retirement.map(|date| (date, "on ")).or(version
            .retirement_not_before
            .map(|date| (date, "no earlier than ")));
        if let Some((date, qualifier)) = retiring {
            let days = dates::days_between(today, date);
            if days >= 0 && days <= i64::from(horizon) {
                let diagnostic = Diagnostic::warning(
                    "E0305",
                    format!(
                        "version `{}` of `{model}` retires {qualifier}{date}, in {days} days",
                        version.version
                    ),
                    version_span,
                    format!("retires within the policy's {horizon}-day warning"),
                )
                .with_help(successor_help);
                self.diagnostics.push(successor_fix(diagnostic));
                return;
            }
        }
        if version.lifecycle == catalog::Lifecycle::Deprecated {
            let retires = match (version.retirement, version.retirement_not_before) {
                (Some(date), _) => format!("; it retires on {date}"),
                (None, Some(date)) => format!("; it retires no earlier than {date}"),
                (None, None) => String::new(),
            };
            let diagnostic = Diagnostic::warning(
                "E0309",
                format!(
                    "version `{}` of `{model}` is deprecated{retires}",
                    version.version
                ),
                version_span,
                "deprecated: closed to new deployments",
            )
            .with_note("Azure no longer lets new customers deploy a deprecated version, and existing deployments stop working when it retires")
            .with_help(successor_help);
            self.diagnostics.push(successor_fix(diagnostic));
            return;
        }
        if version.lifecycle == catalog::Lifecycle::Preview
            && context.environment == ir::Environment::Prod
        {
            self.diagnostics.push(
                Diagnostic::warning(
                    "E0308",
                    format!("version `{}` of `{model}` is a preview, deployed in production", version.version),
                    version_span,
                    "a preview version",
                )
                .with_help("previews may change or go away without the usual notice; use a generally available version in `prod`"),
            );
        }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "the policy check reads one endpoint's parts"
    )]
    fn check_against_policy(
        &mut self,
        policy_index: usize,
        model: Option<(&str, Span)>,
        version: Option<(&str, Span)>,
        regions: &[(String, Span, bool)],
        deployment: Option<(DeploymentType, Span)>,
        capacity: u32,
        capacity_span: Option<Span>,
        redundancy: Redundancy,
        standby: Option<(u32, Option<Span>)>,
        filter: Option<usize>,
        filter_span: Option<Span>,
    ) {
        let policy = &self.policies[policy_index];
        let policy_name = policy.name.clone();
        let mut found = Vec::new();
        if let (Some(allowed), Some((model_name, model_span))) = (&policy.allowed, model) {
            // An `allow` of an unknown model close to this one (`gpt-5.4-mni`), or one whose
            // name did not check, was reported at the policy and may be the one meant for this
            // endpoint: "not allowed" would blame the endpoint for the policy's typo.
            let allow_list_broken = allowed
                .iter()
                .filter(|a| self.catalog.model(&a.model).is_none())
                .any(|a| crate::suggest::closest(&a.model, [model_name]).is_some())
                || policy
                    .block
                    .blocks("models")
                    .flat_map(|models| models.clauses("allow"))
                    .any(|(_, phrase)| phrase.head.is_none());
            match allowed.iter().find(|a| a.model == model_name) {
                None if allow_list_broken => {}
                None => {
                    let listing: Vec<String> =
                        allowed.iter().map(|a| format!("`{}`", a.model)).collect();
                    let mut diagnostic = Diagnostic::error(
                        "E0401",
                        format!("model `{}` is not allowed by policy `{policy_name}`", sanitize(model_name)),
                        model_span,
                        "not allowed",
                    )
                    .with_help(if listing.is_empty() {
                        format!("policy `{policy_name}` allows no models; add `allow \"{}\"` to its `models` block", sanitize(model_name))
                    } else {
                        format!("use an allowed model ({}), or allow this one in the policy", listing.join(", "))
                    });
                    if let Some(span) = policy.models_span {
                        diagnostic = diagnostic
                            .with_secondary(span, format!("the models `{policy_name}` allows"));
                    }
                    found.push(diagnostic);
                }
                Some(allow) => {
                    if let Some((version_name, version_span)) = version {
                        if allow.in_catalog
                            && !allow.versions.is_empty()
                            && !allow
                                .versions
                                .iter()
                                .any(|v| v.eq_ignore_ascii_case(version_name))
                        {
                            let listing: Vec<String> =
                                allow.versions.iter().map(|v| format!("`{v}`")).collect();
                            let mut diagnostic = Diagnostic::error(
                                "E0401",
                                format!(
                                    "version `{}` of `{model_name}` is not allowed by policy `{policy_name}`",
                                    sanitize(version_name)
                                ),
                                version_span,
                                "not allowed",
                            )
                            .with_secondary(allow.clause_span, "the versions the policy allows")
                            .with_help(format!("use an allowed version: {}", listing.join(", ")));
                            if let [only] = allow.versions.as_slice() {
                                diagnostic = diagnostic.with_fix(
                                    format!("use version `{only}`"),
                                    version_span,
                                    format!("\"{only}\""),
                                );
                            }
                            found.push(diagnostic);
                        }
                    }
                }
            }
        }
        if let Some(allowed_regions) = &policy.regions {
            for (region, span, known) in regions {
                // An unknown region was reported already; "not allowed" would repeat it.
                if *known && !allowed_regions.contains(region) {
                    let listing: Vec<String> =
                        allowed_regions.iter().map(|r| format!("`{r}`")).collect();
                    let mut diagnostic = Diagnostic::error(
                        "E0402",
                        format!(
                            "region `{}` is not allowed by policy `{policy_name}`",
                            sanitize(region)
                        ),
                        *span,
                        "not allowed",
                    )
                    .with_help(format!("use an allowed region: {}", listing.join(", ")));
                    if let Some(regions_span) = policy.regions_span {
                        diagnostic = diagnostic
                            .with_secondary(regions_span, "the regions the policy allows");
                    }
                    found.push(diagnostic);
                }
            }
        }
        if let (Some((kind, kind_span)), Some((allowed_types, types_span))) =
            (deployment, &policy.deployment_types)
        {
            if !allowed_types.contains(&kind) {
                let listing: Vec<String> = allowed_types
                    .iter()
                    .map(|t| format!("`{}`", t.charter_name()))
                    .collect();
                let mut diagnostic = Diagnostic::error(
                    "E0405",
                    format!(
                        "deployment type `{}` is not allowed by policy `{policy_name}`",
                        kind.charter_name()
                    ),
                    kind_span,
                    "not allowed",
                )
                .with_secondary(*types_span, "the deployment types the policy allows")
                .with_help(if listing.is_empty() {
                    format!("policy `{policy_name}` allows no deployment type; add `{}` to its `deployment_types`", kind.charter_name())
                } else {
                    format!("use an allowed deployment type ({}), or allow this one in the policy", listing.join(", "))
                });
                if let [only] = allowed_types.as_slice() {
                    diagnostic = diagnostic.with_fix(
                        format!("use `{}`", only.charter_name()),
                        kind_span,
                        only.charter_name(),
                    );
                }
                found.push(diagnostic);
            }
        }
        // Pay-per-token capacity (1,000 tokens per minute a unit) and provisioned throughput
        // units are different things with different prices: each has its own cap.
        let provisioned = deployment.is_some_and(|(kind, _)| kind.is_provisioned());
        let (cap, field_name, unit) = if provisioned {
            (policy.max_provisioned, "max_provisioned", "PTUs")
        } else {
            (policy.max_capacity, "max_capacity", "units")
        };
        if let Some((cap, cap_span)) = cap {
            if capacity > cap {
                if let Some(span) = capacity_span {
                    found.push(
                        Diagnostic::error(
                            "E0403",
                            format!("capacity {capacity} is over the cap of {cap} {unit} set by policy `{policy_name}`"),
                            span,
                            format!("{capacity} {unit}"),
                        )
                        .with_secondary(cap_span, "the cap")
                        .with_help(format!("use at most {cap} {unit} per deployment, or raise the policy's `{field_name}`"))
                        .with_fix(format!("use capacity {cap}"), span, cap.to_string()),
                    );
                }
            }
            if redundancy == Redundancy::ActivePassive {
                if let Some((standby, Some(span))) = standby {
                    if standby > cap {
                        found.push(
                            Diagnostic::error(
                                "E0403",
                                format!("standby capacity {standby} is over the cap of {cap} {unit} set by policy `{policy_name}`"),
                                span,
                                format!("{standby} {unit}"),
                            )
                            .with_secondary(cap_span, "the cap")
                            .with_help(format!("the standby deployment is a deployment too: use at most {cap} {unit}"))
                            .with_fix(format!("use standby {cap}"), span, cap.to_string()),
                        );
                    }
                }
            }
        } else if provisioned {
            if let (Some((_, token_cap_span)), Some(span)) = (policy.max_capacity, capacity_span) {
                found.push(
                    Diagnostic::warning(
                        "E0406",
                        format!("policy `{policy_name}` caps pay-per-token capacity but not provisioned throughput"),
                        span,
                        format!("{capacity} PTUs, uncapped"),
                    )
                    .with_secondary(token_cap_span, "caps only pay-per-token deployments")
                    .with_note("`max_capacity` counts units of 1,000 tokens per minute; provisioned deployments count provisioned throughput units (PTUs), which cost far more each")
                    .with_help("add `max_provisioned: N units` to the policy to cap provisioned deployments too"),
                );
            }
        }
        if let (Some(minimum), Some(filter_index), Some(filter_span)) =
            (policy.minimum_filter, filter, filter_span)
        {
            let weaker = self.weaker_settings(filter_index, minimum);
            if let Some(first) = weaker.first() {
                let filter_name = &self.filters[filter_index].name;
                let minimum_name = &self.filters[minimum].name;
                let mut diagnostic = Diagnostic::error(
                    "E0404",
                    format!(
                        "filter `{filter_name}` is weaker than policy `{policy_name}` requires: {}",
                        first.describe("the minimum is"),
                    ),
                    filter_span,
                    format!("weaker than `{minimum_name}`"),
                )
                .with_help(format!(
                    "use a filter at least as strict as `{minimum_name}` (for example `{minimum_name}` itself, or one that extends it)"
                ));
                if let Some(span) = first.span() {
                    diagnostic = diagnostic.with_secondary(
                        span,
                        format!("`{filter_name}` sets `{}` here", first.actual_word()),
                    );
                }
                if let Weakness::Blocklist { required_at, .. } = first {
                    diagnostic = diagnostic
                        .with_secondary(*required_at, format!("`{minimum_name}` applies it here"));
                }
                if let Some(span) = policy.minimum_span {
                    diagnostic = diagnostic.with_secondary(span, "the policy's minimum");
                }
                for other in weaker.iter().skip(1) {
                    diagnostic = diagnostic
                        .with_note(format!("also weaker: {}", other.describe("the minimum is")));
                }
                found.push(diagnostic);
            }
        }
        self.diagnostics.extend(found);
    }

    /// Every way `filter` is less strict than `minimum`: category settings, blocklists on each
    /// side, and the mode.
    fn weaker_settings(&self, filter: usize, minimum: usize) -> Vec<Weakness> {
        let (Some(actual), Some(required)) = (
            &self.filters[filter].effective,
            &self.filters[minimum].effective,
        ) else {
            return Vec::new();
        };
        let mut weaker = Vec::new();
        for side in [Side::Prompt, Side::Completion] {
            for category in Category::ALL {
                if !category.applies_to(side) {
                    continue;
                }
                let index = slot(side, category);
                let Some(required) = required.settings[index] else {
                    continue;
                };
                // A setting that is missing was reported where it is missing (an unknown base,
                // a cycle, a missing field); comparing it as `off` would only repeat that.
                let Some(setting) = actual.settings[index] else {
                    continue;
                };
                if setting.level.strictness() < required.level.strictness() {
                    weaker.push(Weakness::Setting {
                        side,
                        category,
                        level: setting.level,
                        required: required.level,
                        span: Some(setting.span),
                    });
                }
            }
        }
        for listed in &required.blocklists {
            if !actual
                .blocklists
                .iter()
                .any(|b| b.name == listed.name && b.side == listed.side)
            {
                weaker.push(Weakness::Blocklist {
                    name: listed.name.clone(),
                    side: listed.side,
                    required_at: listed.span,
                });
            }
        }
        if actual.mode().strictness() < required.mode().strictness() {
            weaker.push(Weakness::Mode {
                mode: actual.mode(),
                required: required.mode(),
                span: actual.mode.map(|m| m.span),
            });
        }
        weaker
    }

    fn check_serves(
        &mut self,
        block: &TypedBlock<'a>,
        context: &WorkloadContext<'_>,
        apps: &[IndexMap<String, AppInfo>],
        filter: Option<usize>,
        filter_span: Option<Span>,
    ) -> Vec<String> {
        let Some((field, phrase)) = block.field("serves") else {
            return Vec::new();
        };
        let Some(list) = &phrase.head else {
            return Vec::new();
        };
        let endpoint_name = block.label().map_or("", |(n, _)| n);
        let mut served: Vec<(&AppInfo, Span)> = Vec::new();
        let mut names = Vec::new();
        for item in list.items() {
            let Some(path) = item.as_ref() else { continue };
            let app_name = path.text();
            if let Some(app) = apps.get(context.index).and_then(|a| a.get(&app_name)) {
                self.symbols.refer(path.span, app.decl);
                served.push((app, path.span));
                names.push(app_name);
                continue;
            }
            // An app of another workload: sharing an endpoint across workloads is the mistake.
            let elsewhere = apps
                .iter()
                .enumerate()
                .find_map(|(index, map)| map.get(&app_name).map(|app| (index, app)))
                .filter(|(index, _)| *index != context.index);
            if let Some((_, app)) = elsewhere {
                self.symbols.refer(path.span, app.decl);
                let owner = self
                    .symbols
                    .declaration(app.decl)
                    .and_then(|d| d.container.clone())
                    .unwrap_or_default();
                self.diagnostics.push(
                    Diagnostic::error(
                        "E0601",
                        format!(
                            "endpoint `{endpoint_name}` of workload `{}` serves app `{}` of workload `{owner}`",
                            context.name,
                            sanitize(&app_name)
                        ),
                        path.span,
                        format!("an app of `{owner}`"),
                    )
                    .with_secondary(app.span, format!("declared in workload `{owner}`"))
                    .with_help(format!(
                        "share an endpoint only within one workload: give `{owner}` its own endpoint for `{}`",
                        sanitize(&app_name)
                    ))
                    .with_note("a shared endpoint mixes quotas, costs and content filters of teams that govern them separately"),
                );
                continue;
            }
            let candidates: Vec<&str> = apps
                .get(context.index)
                .map(|a| a.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let diagnostic = Diagnostic::error(
                "E0101",
                format!("unknown app `{}`", sanitize(&app_name)),
                path.span,
                format!("no app of workload `{}` has this name", context.name),
            );
            let diagnostic =
                typeck::with_suggestion(diagnostic, &app_name, candidates, path.span, "");
            let diagnostic = if diagnostic.help.is_none() {
                diagnostic.with_help(format!(
                    "declare it in the workload's `apps: [...]`, or with `app {} {{ ... }}`",
                    sanitize(&app_name)
                ))
            } else {
                diagnostic
            };
            self.diagnostics.push(diagnostic);
        }

        // Apps whose governance differs must not share an endpoint.
        let with_filters: Vec<(&AppInfo, usize, Span)> = served
            .iter()
            .filter_map(|(app, _)| Some((*app, app.filter?, app.filter_span?)))
            .collect();
        if let Some(((first, first_filter, first_span), rest)) = with_filters.split_first() {
            if let Some((other, other_filter, other_span)) =
                rest.iter().find(|(_, f, _)| f != first_filter)
            {
                self.diagnostics.push(
                    Diagnostic::error(
                        "E0602",
                        format!(
                            "endpoint `{endpoint_name}` serves apps that require different filters: `{}` requires `{}`, `{}` requires `{}`",
                            first.name,
                            self.filters[*first_filter].name,
                            other.name,
                            self.filters[*other_filter].name
                        ),
                        field.value.span,
                        "apps with different content filters",
                    )
                    .with_secondary(*first_span, format!("`{}` requires this filter", first.name))
                    .with_secondary(*other_span, format!("`{}` requires this filter", other.name))
                    .with_help("give each group of apps with the same filter its own endpoint"),
                );
            }
        }
        // The endpoint's filter must be at least as strict as what each app requires.
        if let (Some(filter), Some(filter_span)) = (filter, filter_span) {
            for (app, required, required_span) in &with_filters {
                let weaker = self.weaker_settings(filter, *required);
                if let Some(first) = weaker.first() {
                    self.diagnostics.push(
                        Diagnostic::error(
                            "E0502",
                            format!(
                                "filter `{}` is weaker than `{}`, which app `{}` requires: {}",
                                self.filters[filter].name,
                                self.filters[*required].name,
                                app.name,
                                first.describe("not"),
                            ),
                            filter_span,
                            format!("weaker than `{}`", self.filters[*required].name),
                        )
                        .with_secondary(
                            *required_span,
                            format!("`{}` requires this filter", app.name),
                        )
                        .with_help(format!(
                            "use `{}` or a stricter filter for this endpoint",
                            self.filters[*required].name
                        ))
                        .with_fix(
                            format!("use `{}`", self.filters[*required].name),
                            filter_span,
                            self.filters[*required].name.clone(),
                        ),
                    );
                }
            }
        }
        // Sandbox and the other environments do not mix.
        let endpoint_sandbox = context.environment == ir::Environment::Sandbox;
        for (app, span) in &served {
            let app_environment = app.environment.unwrap_or(context.environment);
            if (app_environment == ir::Environment::Sandbox) != endpoint_sandbox {
                let (endpoint_word, app_word) = if endpoint_sandbox {
                    (
                        "sandbox",
                        format!("a `{}` app", environment_word(app_environment)),
                    )
                } else {
                    (
                        environment_word(context.environment),
                        "a sandbox app".to_string(),
                    )
                };
                self.diagnostics.push(
                    Diagnostic::error(
                        "E0606",
                        format!("`{endpoint_word}` endpoint `{endpoint_name}` serves {app_word}, `{}`", app.name),
                        *span,
                        app_word.clone(),
                    )
                    .with_secondary(app.span, format!("`{}` is declared here", app.name))
                    .with_help("keep sandbox experiments on sandbox endpoints, apart from dev, test and prod"),
                );
            }
        }
        names
    }

    fn lower_policies(&self, workloads: &[ir::Workload]) -> Vec<ir::Policy> {
        self.policies
            .iter()
            .map(|policy| {
                let block = policy.block;
                let text = |field: &str| {
                    block
                        .head(field)
                        .and_then(|v| v.as_str())
                        .map(|(s, _)| s.to_string())
                };
                let scopes: Vec<ir::Scope> = block
                    .head("scope")
                    .map(|value| {
                        value
                            .items()
                            .iter()
                            .filter_map(|item| match item {
                                Typed::Scope { scope, .. } => Some(scope.clone()),
                                _ => None,
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let definitions_scope = policy.definitions_at.clone().or_else(|| {
                    resource_groups_subscription(&policy.name, &scopes, workloads)
                        .map(ir::Scope::Subscription)
                });
                let toggle = |field: &str| {
                    block
                        .head(field)
                        .and_then(Typed::as_keyword)
                        .map(|word| match word {
                            "enabled" => ir::Toggle::Enabled,
                            _ => ir::Toggle::Disabled,
                        })
                };
                let mut approved = policy.approved_filters.clone();
                approved.sort();
                approved.dedup();
                ir::Policy {
                    name: policy.name.clone(),
                    display_name: text("display_name").unwrap_or_else(|| policy.name.clone()),
                    description: text("description")
                        .unwrap_or_else(|| block.doc().unwrap_or_default().to_string()),
                    scopes,
                    definitions_scope,
                    effect: match block.head("effect").and_then(Typed::as_keyword) {
                        Some("audit") => ir::Effect::Audit,
                        Some("disabled") => ir::Effect::Disabled,
                        _ => ir::Effect::Deny,
                    },
                    allowed_models: policy.allowed.as_ref().map(|allowed| {
                        allowed
                            .iter()
                            .map(|allow| {
                                let entry = self.catalog.model(&allow.model);
                                ir::AllowedModel {
                                    name: allow.model.clone(),
                                    format: entry
                                        .and_then(|m| m.format.clone())
                                        .unwrap_or_default(),
                                    versions: allow
                                        .versions
                                        .iter()
                                        .map(|v| {
                                            entry.and_then(|m| m.version(v)).map_or_else(
                                                || v.clone(),
                                                |found| found.version.clone(),
                                            )
                                        })
                                        .collect(),
                                    fine_tuned: entry.is_some_and(|m| m.fine_tuned_from.is_some()),
                                }
                            })
                            .collect()
                    }),
                    minimum_filter: policy
                        .minimum_filter
                        .map(|f| self.lower_filter(&self.filters[f])),
                    approved_filters: approved,
                    allowed_regions: policy.regions.clone(),
                    max_capacity: policy.max_capacity.map(|(cap, _)| cap),
                    max_provisioned: policy.max_provisioned.map(|(cap, _)| cap),
                    allowed_deployment_types: policy
                        .deployment_types
                        .as_ref()
                        .map(|(types, _)| types.clone()),
                    local_auth: toggle("local_auth"),
                    public_network: toggle("public_network"),
                    retirement_warning_days: policy.retirement_warning_days,
                    owner_tag: text("owner_tag").unwrap_or_else(|| DEFAULT_OWNER_TAG.to_string()),
                    exemptions: block
                        .clauses("exempt")
                        .zip(&policy.exemption_assignments)
                        .filter_map(|((_, phrase), assignment_scope)| {
                            let scope = match phrase.head.as_ref()? {
                                Typed::Scope { scope, .. } => scope.clone(),
                                _ => return None,
                            };
                            // An unresolved assignment was reported (E0703, E0704).
                            let assignment_scope = assignment_scope.clone()?;
                            let expires = phrase.modifier_arg("until")?.as_date()?;
                            let category_and_reason = phrase.modifier("as");
                            let category = match category_and_reason
                                .and_then(|m| m.args.first())
                                .and_then(|a| a.as_ref())
                                .and_then(Typed::as_keyword)
                            {
                                Some("mitigated") => ir::ExemptionCategory::Mitigated,
                                _ => ir::ExemptionCategory::Waiver,
                            };
                            let reason = category_and_reason
                                .and_then(|m| m.args.get(1))
                                .and_then(|a| a.as_ref())
                                .and_then(|v| v.as_str())
                                .map(|(s, _)| s.to_string())
                                .unwrap_or_default();
                            Some(ir::Exemption {
                                scope,
                                assignment_scope,
                                expires,
                                category,
                                reason,
                            })
                        })
                        .collect(),
                }
            })
            .collect()
    }
}

/// The subscription of a policy assigned only at resource groups, taken from the workloads in
/// them (those the policy governs first): `None` when no workload there names its subscription
/// (the deployment's own subscription is meant) or when the policy has other scopes.
fn resource_groups_subscription(
    policy: &str,
    scopes: &[ir::Scope],
    workloads: &[ir::Workload],
) -> Option<String> {
    if scopes
        .iter()
        .any(|scope| !matches!(scope, ir::Scope::ResourceGroup(_)))
    {
        return None;
    }
    scopes.iter().find_map(|scope| {
        let ir::Scope::ResourceGroup(group) = scope else {
            return None;
        };
        workloads
            .iter()
            .filter(|workload| &workload.resource_group == group && workload.subscription.is_some())
            // Prefer the workloads this policy governs; any workload in the group will do.
            .max_by_key(|workload| workload.policy == policy)
            .and_then(|workload| workload.subscription.clone())
    })
}

/// The name or id a scope is written with.
/// A second `allow` of the same model in a policy's `models` block.
fn duplicate_allow(model: &str, span: Span, first: &Allow, versions: &[String]) -> Diagnostic {
    let model = sanitize(model);
    let diagnostic = Diagnostic::error(
        "E0205",
        format!("model `{model}` is allowed twice"),
        span,
        "allowed again here",
    )
    .with_secondary(first.clause_span, "first allowed here");
    // Without `versions`, an `allow` admits every version, so the merged clause does too.
    if first.versions.is_empty() || versions.is_empty() {
        return diagnostic.with_help(format!(
            "keep one `allow \"{model}\"`; one without `versions` allows every version"
        ));
    }
    let mut merged: Vec<String> = Vec::new();
    for version in first.versions.iter().chain(versions) {
        let quoted = format!("\"{}\"", sanitize(version));
        if !merged.contains(&quoted) {
            merged.push(quoted);
        }
    }
    diagnostic.with_help(format!(
        "keep one clause: `allow \"{model}\" versions [{}]`",
        merged.join(", ")
    ))
}

fn scope_name(scope: &ir::Scope) -> &str {
    match scope {
        ir::Scope::ManagementGroup(name)
        | ir::Scope::Subscription(name)
        | ir::Scope::ResourceGroup(name) => name,
    }
}

/// A scope as Charter writes it: `management_group("contoso-ai-prod")`.
fn scope_source(scope: &ir::Scope) -> String {
    let (function, name) = match scope {
        ir::Scope::ManagementGroup(name) => ("management_group", name),
        ir::Scope::Subscription(name) => ("subscription", name),
        ir::Scope::ResourceGroup(name) => ("resource_group", name),
    };
    let mut literal = String::with_capacity(name.len() + 2);
    for ch in name.chars() {
        match ch {
            '"' => literal.push_str("\\\""),
            '\\' => literal.push_str("\\\\"),
            '\n' => literal.push_str("\\n"),
            '\t' => literal.push_str("\\t"),
            ch if ch.is_control() => literal.push_str(&format!("\\u{{{:x}}}", u32::from(ch))),
            ch => literal.push(ch),
        }
    }
    format!("{function}(\"{literal}\")")
}

struct WorkloadContext<'n> {
    name: &'n str,
    index: usize,
    policy: Option<usize>,
    environment: ir::Environment,
    data_zone: Option<(ir::DataZone, Span)>,
}

fn target_kind(target: Target) -> RefKind {
    match target {
        Target::Filter(_) => RefKind::Filter,
        Target::Policy(_) => RefKind::Policy,
        // Workloads are never referenced; any kind that is not expected works here.
        Target::Workload => RefKind::App,
    }
}

fn off_level(category: Category) -> Level {
    if category.is_harm() {
        Level::Severity(Threshold::Off)
    } else {
        Level::Shield(ShieldMode::Off)
    }
}

fn environment_of(word: &str) -> Option<ir::Environment> {
    Some(match word {
        "sandbox" => ir::Environment::Sandbox,
        "dev" => ir::Environment::Dev,
        "test" => ir::Environment::Test,
        "prod" => ir::Environment::Prod,
        _ => return None,
    })
}

fn environment_word(environment: ir::Environment) -> &'static str {
    match environment {
        ir::Environment::Sandbox => "sandbox",
        ir::Environment::Dev => "dev",
        ir::Environment::Test => "test",
        ir::Environment::Prod => "prod",
    }
}

/// The category settings a filter writes itself, from its `prompt` and `completion` blocks.
fn explicit_settings(block: &TypedBlock<'_>) -> Vec<(Side, Category, Level, Span)> {
    let mut settings = Vec::new();
    for (side, name) in [(Side::Prompt, "prompt"), (Side::Completion, "completion")] {
        for side_block in block.blocks(name) {
            for category in Category::ALL {
                if !category.applies_to(side) {
                    continue;
                }
                if let Some(Typed::Keyword { word, span }) =
                    side_block.head(category.charter_name())
                {
                    let level = level_of(word).unwrap_or(off_level(category));
                    settings.push((side, category, level, *span));
                }
            }
        }
    }
    settings
}

fn unavailable(
    model: &str,
    version: &catalog::ModelVersion,
    kind: DeploymentType,
    region: &str,
    span: Span,
    deployment: Option<(&ast::Field, &typeck::TypedPhrase<'_>)>,
) -> Diagnostic {
    let other_kinds = version.deployment_types_in(region);
    let deployment_span = deployment
        .and_then(|(_, p)| p.head.as_ref())
        .map(Typed::span);
    let mut diagnostic = if other_kinds.is_empty() {
        let elsewhere = version.regions_for(kind);
        let help = if elsewhere.is_empty() {
            format!(
                "the catalog offers no `{}` deployments of this version anywhere",
                kind.charter_name()
            )
        } else {
            let listing: Vec<String> = elsewhere.iter().take(8).map(|r| format!("`{r}`")).collect();
            let more = if elsewhere.len() > 8 { ", ..." } else { "" };
            format!(
                "`{}` deployments of it are available in {}{more}",
                kind.charter_name(),
                listing.join(", ")
            )
        };
        Diagnostic::error(
            "E0306",
            format!(
                "`{model}` version `{}` is not available in `{region}`",
                version.version
            ),
            span,
            "not available here",
        )
        .with_help(help)
    } else {
        let listing: Vec<String> = other_kinds
            .iter()
            .map(|k| format!("`{}`", k.charter_name()))
            .collect();
        Diagnostic::error(
            "E0307",
            format!(
                "`{model}` version `{}` is not available as `{}` in `{region}`",
                version.version,
                kind.charter_name()
            ),
            span,
            format!("no `{}` here", kind.charter_name()),
        )
        .with_help(format!(
            "in `{region}` it is available as {}",
            schema_join(&listing)
        ))
    };
    if let Some(s) = deployment_span {
        diagnostic = diagnostic.with_secondary(s, "the deployment type");
    }
    diagnostic
}

fn field_head_span(field: Option<(&ast::Field, &typeck::TypedPhrase<'_>)>) -> Option<Span> {
    field
        .and_then(|(_, phrase)| phrase.head.as_ref())
        .map(Typed::span)
}

fn schema_join(words: &[String]) -> String {
    crate::schema::join_or(words)
}

fn lower_budget(phrase: &typeck::TypedPhrase<'_>) -> Option<ir::Budget> {
    let (amount, currency) = match phrase.head.as_ref()? {
        Typed::Money {
            amount, currency, ..
        } => (amount.to_string(), currency.to_string()),
        _ => return None,
    };
    let period = match phrase.positional(0).and_then(Typed::as_keyword) {
        Some("quarterly") => ir::BudgetPeriod::Quarterly,
        Some("annually") => ir::BudgetPeriod::Annually,
        _ => ir::BudgetPeriod::Monthly,
    };
    let mut alert_thresholds: Vec<u32> = phrase
        .modifier_arg("alert_at")
        .map(|list| {
            list.items()
                .iter()
                .filter_map(|item| match item {
                    Typed::Percent { value, .. } => Some(*value),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    alert_thresholds.sort_unstable();
    alert_thresholds.dedup();
    let contacts = phrase
        .modifier_arg("notify")
        .map(|list| {
            list.items()
                .iter()
                .filter_map(|i| i.as_str().map(|(s, _)| s.to_string()))
                .collect()
        })
        .unwrap_or_default();
    Some(ir::Budget {
        amount,
        currency,
        period,
        alert_thresholds,
        contacts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_written_back_as_charter_source() {
        assert_eq!(
            scope_source(&ir::Scope::ManagementGroup("contoso-ai-dev".to_string())),
            r#"management_group("contoso-ai-dev")"#
        );
        assert_eq!(
            scope_source(&ir::Scope::ResourceGroup("rg \"a\"\\b\n".to_string())),
            r#"resource_group("rg \"a\"\\b\n")"#
        );
        assert_eq!(
            scope_name(&ir::Scope::Subscription("prod".to_string())),
            "prod"
        );
    }
}
