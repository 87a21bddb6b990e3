//! The catalog of models and regions: the resolver builds it from the stdlib's `model` and
//! `region` blocks, the project's own and its `fine_tuned` models, keyed by their string names.
//! The checks validate endpoints against it; the language server reads it for hover and
//! completion inside strings.

use charter_ir::{Date, DeploymentType};
use charter_syntax::Span;
use std::sync::Arc;

use indexmap::IndexMap;
use rustc_hash::FxBuildHasher;

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
///
/// Entries are shared (`Arc`): the stdlib's part is built once per process and every
/// compilation's catalog starts as a copy of it that copies no entry (an entry a project
/// extends is copied when it changes).
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    /// Keyed by the model name as declared. (Hashed with Fx: every endpoint looks its model
    /// and regions up, and the order is the insertion order whatever the hasher.)
    models: IndexMap<String, Arc<Model>, FxBuildHasher>,
    /// Keyed by the region name as declared.
    regions: IndexMap<String, Arc<Region>, FxBuildHasher>,
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

charter_ir::keywords! {
    /// Where a model version is in its lifecycle.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Lifecycle {
        Preview => "preview",
        Ga => "ga",
        Legacy => "legacy",
        Deprecated => "deprecated",
        Retired => "retired",
    }
}

impl Lifecycle {
    /// The keyword as written in Charter (`ga`).
    pub const fn keyword(self) -> &'static str {
        self.charter_name()
    }
}

charter_ir::keywords! {
    /// What a catalog model does.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum ModelKind {
        Chat => "chat",
        Completions => "completions",
        Embeddings => "embeddings",
        Image => "image",
        Audio => "audio",
        Video => "video",
        Realtime => "realtime",
        Other => "other",
    }
}

charter_ir::keywords! {
    /// Who may use a catalog region.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum RegionAccess {
        General => "general",
        Restricted => "restricted",
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

charter_ir::keywords! {
    /// The data zone a region belongs to.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum RegionDataZone {
        Eu => "eu",
        Us => "us",
        Apac => "apac",
    }
}

impl RegionDataZone {
    /// The keyword as written in Charter (`eu`).
    pub const fn keyword(self) -> &'static str {
        self.charter_name()
    }

    /// The data zone of the regions a workload's data zone allows.
    pub const fn of_workload(zone: charter_ir::DataZone) -> RegionDataZone {
        match zone {
            charter_ir::DataZone::Eu => RegionDataZone::Eu,
            charter_ir::DataZone::Us => RegionDataZone::Us,
        }
    }
}

/// A catalog region.
#[derive(Clone, Debug)]
pub struct Region {
    pub name: String,
    pub display_name: Option<String>,
    pub geography: Option<String>,
    /// Where its datacenters are (`Virginia`): regions at one location share a failure domain.
    pub location: Option<String>,
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
        self.models.get(name).map(|model| &**model)
    }

    /// The region named `name`.
    pub fn region(&self, name: &str) -> Option<&Region> {
        self.regions.get(name).map(|region| &**region)
    }

    /// Every model, stdlib first, in declaration order.
    pub fn models(&self) -> impl Iterator<Item = &Model> {
        self.models.values().map(|model| &**model)
    }

    /// Every region, in declaration order.
    pub fn regions(&self) -> impl Iterator<Item = &Region> {
        self.regions.values().map(|region| &**region)
    }

    /// Model names, for suggestions and completion.
    pub fn model_names(&self) -> impl Iterator<Item = &str> {
        self.models.keys().map(String::as_str)
    }

    /// Region names, for suggestions and completion.
    pub fn region_names(&self) -> impl Iterator<Item = &str> {
        self.regions.keys().map(String::as_str)
    }

    /// The date the catalog describes Azure as of: a pulled catalog's, else the embedded one's.
    pub fn dated(&self) -> Option<crate::catalog_layers::CatalogDate> {
        self.dated
    }

    /// The model named `name`, to extend it with a project's local entry.
    pub(crate) fn model_mut(&mut self, name: &str) -> Option<&mut Model> {
        self.models.get_mut(name).map(Arc::make_mut)
    }

    /// Adds a model (the resolver has checked that its name is free).
    pub(crate) fn insert_model(&mut self, model: Model) {
        self.models.insert(model.name.clone(), Arc::new(model));
    }

    /// Adds a region (the resolver has checked that its name is free).
    pub(crate) fn insert_region(&mut self, region: Region) {
        self.regions.insert(region.name.clone(), Arc::new(region));
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
            Arc::new(Model {
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
            }),
        );
        true
    }
}

/// The deployment type a Charter keyword names.
pub fn deployment_type(keyword: &str) -> Option<DeploymentType> {
    DeploymentType::from_charter_name(keyword)
}
