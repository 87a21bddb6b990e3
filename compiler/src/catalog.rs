//! The catalog of models and regions: built from the stdlib's `model` and `region` blocks and
//! the project's own, keyed by their string names. The checker validates endpoints against it;
//! the language server reads it for hover and completion inside strings.

use charter_ir::{Date, DeploymentType};
use charter_syntax::{ast, Diagnostic, Span};
use indexmap::IndexMap;

use crate::typeck::TypedBlock;

/// A fine-tuned model as its declaration gives it (see [`Catalog::add_fine_tuned`]).
pub(crate) struct FineTunedEntry {
    pub(crate) name: String,
    pub(crate) name_span: Span,
    /// The whole `fine_tuned` block.
    pub(crate) span: Span,
    pub(crate) doc: Option<String>,
    /// Its own `available` clauses, when it has any.
    pub(crate) availability: Option<Availability>,
}

/// Where a version can be deployed, per deployment type.
pub(crate) struct Availability {
    pub(crate) regions: Vec<(DeploymentType, Vec<String>)>,
    /// Whether every `available` clause was valid (see [`ModelVersion::availability_complete`]).
    pub(crate) complete: bool,
}

/// The version Azure gives every fine-tuned model.
pub const FINE_TUNED_VERSION: &str = "1";

/// Every model and region a project can name.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    /// Keyed by the model name as declared.
    models: IndexMap<String, Model>,
    /// Keyed by the region name as declared.
    regions: IndexMap<String, Region>,
    /// The date the catalog describes Azure as of (see `catalog_layers`).
    pub(crate) dated: Option<crate::catalog_layers::CatalogDate>,
}

/// A catalog model.
#[derive(Clone, Debug)]
pub struct Model {
    pub name: String,
    /// The deployment format Azure expects (`OpenAI`); `None` when the catalog does not know it.
    pub format: Option<String>,
    pub publisher: Option<String>,
    /// `chat`, `embeddings`, ... (`None` when not declared).
    pub kind: Option<String>,
    pub versions: Vec<ModelVersion>,
    pub doc: Option<String>,
    /// The span of the model's name in its `model "NAME"` block.
    pub name_span: Span,
    /// The whole `model` block.
    pub span: Span,
    pub is_stdlib: bool,
    /// For a fine-tuned model (`fine_tuned "NAME" { ... }`): the base model and version it was
    /// trained from, whose lifecycle its one version `1` carries.
    pub fine_tuned_from: Option<(String, String)>,
}

impl Model {
    /// The version named `version`, compared case-insensitively (Azure capitalises some
    /// preview versions: `1106-Preview`).
    pub fn version(&self, version: &str) -> Option<&ModelVersion> {
        self.versions
            .iter()
            .find(|candidate| candidate.version.eq_ignore_ascii_case(version))
    }
}

/// Where a model version is in its lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    Preview,
    Ga,
    Legacy,
    Deprecated,
    Retired,
}

impl Lifecycle {
    fn from_keyword(word: &str) -> Lifecycle {
        match word {
            "preview" => Lifecycle::Preview,
            "legacy" => Lifecycle::Legacy,
            "deprecated" => Lifecycle::Deprecated,
            "retired" => Lifecycle::Retired,
            _ => Lifecycle::Ga,
        }
    }

    /// The keyword as written in Charter (`ga`).
    pub fn keyword(self) -> &'static str {
        match self {
            Lifecycle::Preview => "preview",
            Lifecycle::Ga => "ga",
            Lifecycle::Legacy => "legacy",
            Lifecycle::Deprecated => "deprecated",
            Lifecycle::Retired => "retired",
        }
    }
}

/// The recommended replacement of a version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Successor {
    pub model: String,
    pub version: Option<String>,
}

impl std::fmt::Display for Successor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.version {
            Some(version) => write!(f, "`{}` version `{}`", self.model, version),
            None => write!(f, "`{}`", self.model),
        }
    }
}

/// One version of a catalog model.
#[derive(Clone, Debug)]
pub struct ModelVersion {
    pub version: String,
    pub lifecycle: Lifecycle,
    pub deprecation: Option<Date>,
    pub retirement: Option<Date>,
    pub retirement_not_before: Option<Date>,
    pub successor: Option<Successor>,
    /// Regions per deployment type, in declaration order.
    pub availability: Vec<(DeploymentType, Vec<String>)>,
    /// Whether every `available` clause was valid. When one was not (reported where it is
    /// written), `availability` is partial, and "not available" at an endpoint may be wrong.
    pub availability_complete: bool,
    pub doc: Option<String>,
    pub name_span: Span,
    /// The whole `version` block.
    pub span: Span,
}

impl ModelVersion {
    /// Whether the catalog says anything about where the version is available.
    pub fn has_availability(&self) -> bool {
        !self.availability.is_empty()
    }

    /// Whether the version can be deployed as `deployment` in `region`.
    pub fn available(&self, deployment: DeploymentType, region: &str) -> bool {
        self.availability
            .iter()
            .any(|(kind, regions)| *kind == deployment && regions.iter().any(|r| r == region))
    }

    /// The deployment types offered in `region`.
    pub fn deployment_types_in(&self, region: &str) -> Vec<DeploymentType> {
        let mut kinds: Vec<DeploymentType> = self
            .availability
            .iter()
            .filter(|(_, regions)| regions.iter().any(|r| r == region))
            .map(|(kind, _)| *kind)
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }

    /// The regions where `deployment` is offered.
    pub fn regions_for(&self, deployment: DeploymentType) -> Vec<&str> {
        let mut regions: Vec<&str> = self
            .availability
            .iter()
            .filter(|(kind, _)| *kind == deployment)
            .flat_map(|(_, regions)| regions.iter().map(String::as_str))
            .collect();
        regions.sort_unstable();
        regions.dedup();
        regions
    }

    /// Whether the version is retired on `today`: declared retired, or past its retirement date.
    pub fn is_retired(&self, today: Date) -> bool {
        self.lifecycle == Lifecycle::Retired || self.retirement.is_some_and(|date| date <= today)
    }
}

/// The data zone a region belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegionDataZone {
    Eu,
    Us,
    Apac,
}

impl RegionDataZone {
    /// The keyword as written in Charter (`eu`).
    pub fn keyword(self) -> &'static str {
        match self {
            RegionDataZone::Eu => "eu",
            RegionDataZone::Us => "us",
            RegionDataZone::Apac => "apac",
        }
    }
}

/// A catalog region.
#[derive(Clone, Debug)]
pub struct Region {
    pub name: String,
    pub display_name: Option<String>,
    pub geography: Option<String>,
    pub paired: Option<String>,
    pub data_zone: Option<RegionDataZone>,
    pub availability_zones: bool,
    /// Whether the region needs an access request before use.
    pub restricted: bool,
    pub doc: Option<String>,
    pub name_span: Span,
    /// The whole `region` block.
    pub span: Span,
    pub is_stdlib: bool,
}

impl Catalog {
    /// The model named `name` (exact match, as Azure compares model names).
    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models.get(name)
    }

    /// The region named `name`.
    pub fn region(&self, name: &str) -> Option<&Region> {
        self.regions.get(name)
    }

    /// Every model, stdlib first, in declaration order.
    pub fn models(&self) -> impl Iterator<Item = &Model> {
        self.models.values()
    }

    /// Every region, in declaration order.
    pub fn regions(&self) -> impl Iterator<Item = &Region> {
        self.regions.values()
    }

    /// The date the catalog describes Azure as of: a pulled catalog's, else the embedded one's.
    pub fn dated(&self) -> Option<crate::catalog_layers::CatalogDate> {
        self.dated
    }

    /// The model named `name`, to extend it with a project's local entry.
    pub(crate) fn model_mut(&mut self, name: &str) -> Option<&mut Model> {
        self.models.get_mut(name)
    }

    /// Puts `model` in the catalog, replacing an entry of the same name in place.
    pub(crate) fn put_model(&mut self, model: Model) {
        self.models.insert(model.name.clone(), model);
    }

    /// Model names, for suggestions and completion.
    pub fn model_names(&self) -> impl Iterator<Item = &str> {
        self.models.keys().map(String::as_str)
    }

    /// Region names, for suggestions and completion.
    pub fn region_names(&self) -> impl Iterator<Item = &str> {
        self.regions.keys().map(String::as_str)
    }

    /// Adds a `model` block; a duplicate name is reported and the first declaration kept.
    pub(crate) fn add_model(
        &mut self,
        block: &TypedBlock<'_>,
        is_stdlib: bool,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let Some((name, name_span)) = block.label() else {
            return;
        };
        if let Some(existing) = self.models.get(name) {
            // A project's model of a catalog name extends the entry (`catalog_layers`), so the
            // duplicate is always two declarations of the same layer.
            let diagnostic = duplicate(
                "model",
                name,
                name_span,
                existing.name_span,
                existing.is_stdlib,
            );
            diagnostics.push(diagnostic);
            return;
        }
        let text = |field: &str| {
            block
                .head(field)
                .and_then(|v| v.as_str())
                .map(|(s, _)| s.to_string())
        };
        let versions = block.blocks("version").filter_map(version_of).collect();
        self.models.insert(
            name.to_string(),
            Model {
                name: name.to_string(),
                format: text("format"),
                publisher: text("publisher"),
                kind: block
                    .head("kind")
                    .and_then(|v| v.as_keyword())
                    .map(str::to_string),
                versions,
                doc: block.doc().map(str::to_string),
                name_span,
                span: block.ast.span,
                is_stdlib,
                fine_tuned_from: None,
            },
        );
    }

    /// Adds a fine-tuned model: one version, `1` (the version Azure gives every fine-tuned
    /// model), with the lifecycle and retirement of the base version it was trained from, and
    /// its own availability when it declares one (the base's otherwise). Returns `false` when the name is already taken (the caller reports it).
    pub(crate) fn add_fine_tuned(
        &mut self,
        entry: FineTunedEntry,
        base: &Model,
        base_version: &ModelVersion,
    ) -> bool {
        let FineTunedEntry {
            name,
            name_span,
            span,
            doc,
            availability,
        } = entry;
        if self.models.contains_key(&name) {
            return false;
        }
        let (availability, availability_complete) = match availability {
            Some(declared) => (declared.regions, declared.complete),
            None => (
                base_version.availability.clone(),
                base_version.availability_complete,
            ),
        };
        let version = ModelVersion {
            version: FINE_TUNED_VERSION.to_string(),
            availability,
            availability_complete,
            // A fine-tuned model has no successor of its own: it is trained again from the
            // base's successor, which the checker names.
            successor: None,
            doc: None,
            name_span,
            span,
            ..base_version.clone()
        };
        self.models.insert(
            name.clone(),
            Model {
                name,
                format: base.format.clone(),
                publisher: base.publisher.clone(),
                kind: base.kind.clone(),
                versions: vec![version],
                doc,
                name_span,
                span,
                is_stdlib: false,
                fine_tuned_from: Some((base.name.clone(), base_version.version.clone())),
            },
        );
        true
    }

    /// Adds a `region` block; a duplicate name is reported and the first declaration kept.
    pub(crate) fn add_region(
        &mut self,
        block: &TypedBlock<'_>,
        is_stdlib: bool,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let Some((name, name_span)) = block.label() else {
            return;
        };
        if let Some(existing) = self.regions.get(name) {
            let diagnostic = if existing.is_stdlib && !is_stdlib {
                // Regions are Azure's: there is no other name to give one, only the entry to use.
                already_in_stdlib("region", name, name_span, existing.name_span).with_help(
                    "remove this declaration and use the catalog's entry; \
                     a project declares only regions the catalog lacks",
                )
            } else {
                duplicate(
                    "region",
                    name,
                    name_span,
                    existing.name_span,
                    existing.is_stdlib,
                )
            };
            diagnostics.push(diagnostic);
            return;
        }
        let text = |field: &str| {
            block
                .head(field)
                .and_then(|v| v.as_str())
                .map(|(s, _)| s.to_string())
        };
        let data_zone =
            block
                .head("data_zone")
                .and_then(|v| v.as_keyword())
                .map(|word| match word {
                    "eu" => RegionDataZone::Eu,
                    "us" => RegionDataZone::Us,
                    _ => RegionDataZone::Apac,
                });
        let availability_zones = matches!(
            block.head("availability_zones"),
            Some(crate::typeck::Typed::Bool { value: true, .. })
        );
        self.regions.insert(
            name.to_string(),
            Region {
                name: name.to_string(),
                display_name: text("display_name"),
                geography: text("geography"),
                paired: text("paired"),
                data_zone,
                availability_zones,
                restricted: block.head("access").and_then(|v| v.as_keyword()) == Some("restricted"),
                doc: block.doc().map(str::to_string),
                name_span,
                span: block.ast.span,
                is_stdlib,
            },
        );
    }
}

pub(crate) fn version_of(block: &TypedBlock<'_>) -> Option<ModelVersion> {
    let (version, name_span) = block.label()?;
    let date = |field: &str| block.head(field).and_then(|v| v.as_date());
    let successor = block.field("successor").and_then(|(_, phrase)| {
        let (model, _) = phrase.head.as_ref()?.as_str()?;
        Some(Successor {
            model: model.to_string(),
            version: phrase
                .modifier_arg("version")
                .and_then(|v| v.as_str())
                .map(|(v, _)| v.to_string()),
        })
    });
    let availability = availability_of(block);
    Some(ModelVersion {
        version: version.to_string(),
        lifecycle: Lifecycle::from_keyword(
            block
                .head("lifecycle")
                .and_then(|v| v.as_keyword())
                .unwrap_or("ga"),
        ),
        deprecation: date("deprecation"),
        retirement: date("retirement"),
        retirement_not_before: date("retirement_not_before"),
        successor,
        availability,
        availability_complete: availability_complete(block),
        doc: block.doc().map(str::to_string),
        name_span,
        span: block.ast.span,
    })
}

/// The `available TYPE ["region", ...]` clauses of a block, in order.
pub(crate) fn availability_of(block: &TypedBlock<'_>) -> Vec<(DeploymentType, Vec<String>)> {
    block
        .clauses("available")
        .filter_map(|(_, phrase)| {
            let kind = deployment_type(phrase.head.as_ref()?.as_keyword()?)?;
            let regions = phrase
                .positional(0)?
                .items()
                .iter()
                .filter_map(|item| item.as_str().map(|(s, _)| s.to_string()))
                .collect();
            Some((kind, regions))
        })
        .collect()
}

/// Whether every `available` clause of a `version` block checked: a known deployment type and
/// a list whose every region is a string. A clause lost to a syntax error or written in the
/// wrong shape counts as invalid too.
pub(crate) fn availability_complete(block: &TypedBlock<'_>) -> bool {
    let written = block
        .ast
        .entries
        .iter()
        .filter(|entry| match entry {
            ast::Entry::Field(field) => field.key.name == "available",
            ast::Entry::Clause(clause) => clause.keyword.name == "available",
            ast::Entry::Block(nested) => nested.keyword.name == "available",
            ast::Entry::Error(_) => true,
        })
        .count();
    let mut valid = 0;
    for (clause, phrase) in block.clauses("available") {
        let kind_valid = phrase
            .head
            .as_ref()
            .and_then(|v| v.as_keyword())
            .and_then(deployment_type)
            .is_some();
        let written_regions = match clause.phrase.values.get(1) {
            Some(ast::Value::List(list)) => Some(list.items.len()),
            _ => None,
        };
        let regions_valid = phrase
            .positional(0)
            .is_some_and(|list| Some(list.items().len()) == written_regions);
        if kind_valid && regions_valid {
            valid += 1;
        }
    }
    valid == written
}

/// The deployment type a Charter keyword names.
pub fn deployment_type(keyword: &str) -> Option<DeploymentType> {
    DeploymentType::ALL
        .into_iter()
        .find(|kind| kind.charter_name() == keyword)
}

/// A project's `model` or `region` whose name the standard library's catalog already has.
fn already_in_stdlib(what: &str, name: &str, span: Span, stdlib_entry: Span) -> Diagnostic {
    Diagnostic::error(
        "E0102",
        format!(
            "{what} `{}` is already in the standard library's catalog",
            charter_syntax::diagnostic::sanitize(name)
        ),
        span,
        "already in the catalog",
    )
    .with_secondary(stdlib_entry, "the standard library's entry")
}

fn duplicate(what: &str, name: &str, span: Span, first: Span, first_in_stdlib: bool) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        "E0102",
        format!(
            "{what} `{}` is declared twice",
            charter_syntax::diagnostic::sanitize(name)
        ),
        span,
        "declared again here",
    )
    .with_secondary(
        first,
        if first_in_stdlib {
            "first declared in the standard library"
        } else {
            "first declared here"
        },
    );
    if what == "model" {
        // Never suggest another name: a model's name is Azure's, and renaming it would deploy
        // a model Azure does not know.
        diagnostic.with_help("declare each model once: put all its versions in one `model` block")
    } else if first_in_stdlib {
        diagnostic.with_help(format!(
            "the standard library already declares this {what}; rename yours or remove it"
        ))
    } else {
        diagnostic.with_help("rename one of them or remove it")
    }
}
