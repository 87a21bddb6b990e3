//! What the pages need to know about models and regions beyond the IR: lifecycle, retirement,
//! successors and where each version is offered. The CLI fills it from the compiler's catalog;
//! this crate keeps its own plain copy so that it depends on the IR only, like every backend.

use charter_ir::{Date, DeploymentType};
use serde::Serialize;

/// The models and regions a project can name (the standard library's and the project's own).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    pub models: Vec<Model>,
    pub regions: Vec<Region>,
}

impl Catalog {
    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|model| model.name == name)
    }

    /// A version of a model; versions compare case-insensitively, as the checker does.
    pub fn version(&self, model: &str, version: &str) -> Option<&Version> {
        self.model(model)?
            .versions
            .iter()
            .find(|candidate| candidate.version.eq_ignore_ascii_case(version))
    }

    pub fn region(&self, name: &str) -> Option<&Region> {
        self.regions.iter().find(|region| region.name == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Model {
    pub name: String,
    pub publisher: Option<String>,
    /// `chat`, `embeddings`, ...
    pub kind: Option<String>,
    /// Declared by the project (a fine-tuned or custom model) rather than the standard library.
    pub declared_by_project: bool,
    /// For a fine-tuned model: the base model and version it was trained from.
    pub fine_tuned_from: Option<(String, String)>,
    pub versions: Vec<Version>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub version: String,
    pub lifecycle: Lifecycle,
    /// After this date the version is deprecated (Azure's "deprecation" date).
    pub deprecation: Option<Date>,
    pub retirement: Option<Date>,
    /// The sources only say the version retires no earlier than this.
    pub retirement_not_before: Option<Date>,
    pub successor: Option<Successor>,
    /// Regions per deployment type.
    pub availability: Vec<(DeploymentType, Vec<String>)>,
}

impl Version {
    /// Whether the version is retired on `today`: declared retired, or past its retirement date.
    pub fn is_retired(&self, today: Date) -> bool {
        self.lifecycle == Lifecycle::Retired || self.retirement.is_some_and(|date| date <= today)
    }

    /// Whether `deployment` is offered in `region`.
    pub fn available(&self, deployment: DeploymentType, region: &str) -> bool {
        self.availability
            .iter()
            .any(|(kind, regions)| *kind == deployment && regions.iter().any(|r| r == region))
    }

    /// The deployment types the catalog lists, in [`DeploymentType::ALL`] order.
    pub fn deployment_types(&self) -> Vec<DeploymentType> {
        DeploymentType::ALL
            .into_iter()
            .filter(|kind| self.availability.iter().any(|(k, _)| k == kind))
            .collect()
    }

    /// The regions offering `deployment`, sorted.
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
}

/// Where a version is in its lifecycle, as the catalog says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    Preview,
    Ga,
    Legacy,
    Deprecated,
    Retired,
}

impl Lifecycle {
    /// Reads the catalog's keyword (`ga`); anything unknown reads as generally available.
    pub fn from_keyword(keyword: &str) -> Lifecycle {
        match keyword {
            "preview" => Lifecycle::Preview,
            "legacy" => Lifecycle::Legacy,
            "deprecated" => Lifecycle::Deprecated,
            "retired" => Lifecycle::Retired,
            _ => Lifecycle::Ga,
        }
    }

    /// How the pages name it.
    pub fn label(self) -> &'static str {
        match self {
            Lifecycle::Preview => "preview",
            Lifecycle::Ga => "generally available",
            Lifecycle::Legacy => "legacy",
            Lifecycle::Deprecated => "deprecated",
            Lifecycle::Retired => "retired",
        }
    }
}

/// The recommended replacement of a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Successor {
    pub model: String,
    pub version: Option<String>,
}

impl std::fmt::Display for Successor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.version {
            Some(version) => write!(f, "{} {version}", self.model),
            None => f.write_str(&self.model),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    pub name: String,
    pub display_name: Option<String>,
    pub geography: Option<String>,
    /// `eu`, `us` or `apac`: where Azure's data-zone deployment types keep data.
    pub data_zone: Option<String>,
    pub availability_zones: bool,
    /// The region needs an access request before use.
    pub restricted: bool,
}
