//! Questions to the model catalog, answered the same way for `charter catalog` and the
//! language server: which versions match a capability, deployment type, region and lifecycle;
//! where a version is available; and the retirement calendar of the versions a project uses.

use charter_ir::{Date, DeploymentType};

use crate::catalog::{Catalog, Lifecycle, Model, ModelVersion, Successor};

/// The lifecycle a Charter keyword names (`ga`).
pub fn lifecycle(keyword: &str) -> Option<Lifecycle> {
    [
        Lifecycle::Preview,
        Lifecycle::Ga,
        Lifecycle::Legacy,
        Lifecycle::Deprecated,
        Lifecycle::Retired,
    ]
    .into_iter()
    .find(|stage| stage.keyword() == keyword)
}

/// The lifecycle a version is in on `today`: `retired` once its retirement date has passed,
/// whatever the catalog's word.
pub fn lifecycle_on(version: &ModelVersion, today: Date) -> Lifecycle {
    if version.is_retired(today) {
        Lifecycle::Retired
    } else {
        version.lifecycle
    }
}

/// What `charter catalog models` filters on; `None` matches anything.
#[derive(Clone, Debug, Default)]
pub struct VersionFilter {
    /// The model's kind (`chat`, `embeddings`, ...).
    pub capability: Option<String>,
    pub deployment: Option<DeploymentType>,
    pub region: Option<String>,
    pub lifecycle: Option<Lifecycle>,
}

/// One version that matched, with what the filters read.
#[derive(Clone, Debug)]
pub struct VersionRow<'c> {
    pub model: &'c Model,
    pub version: &'c ModelVersion,
    /// The lifecycle on the query's date.
    pub lifecycle: Lifecycle,
}

/// Every catalog version that matches `filter` on `today`, in catalog order.
pub fn versions<'c>(
    catalog: &'c Catalog,
    filter: &VersionFilter,
    today: Date,
) -> Vec<VersionRow<'c>> {
    let mut rows = Vec::new();
    for model in catalog.models() {
        if let Some(capability) = &filter.capability {
            if model.kind.as_deref() != Some(capability.as_str()) {
                continue;
            }
        }
        for version in &model.versions {
            let stage = lifecycle_on(version, today);
            let offered = match (filter.deployment, &filter.region) {
                (Some(kind), Some(region)) => version.available(kind, region),
                (Some(kind), None) => !version.regions_for(kind).is_empty(),
                (None, Some(region)) => !version.deployment_types_in(region).is_empty(),
                (None, None) => true,
            };
            if offered && filter.lifecycle.is_none_or(|wanted| wanted == stage) {
                rows.push(VersionRow {
                    model,
                    version,
                    lifecycle: stage,
                });
            }
        }
    }
    rows
}

/// Where the versions of `model` are available (one version when `version` is given):
/// `None` when the catalog lacks the model or that version.
pub fn availability<'c>(
    catalog: &'c Catalog,
    model: &str,
    version: Option<&str>,
) -> Option<Vec<&'c ModelVersion>> {
    let entry = catalog.model(model)?;
    match version {
        Some(version) => entry.version(version).map(|found| vec![found]),
        None => Some(entry.versions.iter().collect()),
    }
}

/// The deployment types of a version with their regions, sorted, for display.
pub fn regions_by_type(version: &ModelVersion) -> Vec<(DeploymentType, Vec<&str>)> {
    let mut kinds: Vec<DeploymentType> = version.availability.iter().map(|(k, _)| *k).collect();
    kinds.sort();
    kinds.dedup();
    kinds
        .into_iter()
        .map(|kind| (kind, version.regions_for(kind)))
        .collect()
}

/// One version a project deploys, in the retirement calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarEntry {
    pub model: String,
    pub version: String,
    pub lifecycle: Lifecycle,
    pub retirement: Option<Date>,
    /// Set when only a lower bound of the retirement is known.
    pub retirement_not_before: Option<Date>,
    /// Days from the query's date to the retirement (negative once past).
    pub days_left: Option<i64>,
    pub successor: Option<Successor>,
    /// `workload.endpoint` of every endpoint that deploys the version, sorted.
    pub endpoints: Vec<String>,
}

/// Every version the project's endpoints deploy, soonest retirement first (versions with no
/// known date last), with their successors and the endpoints that use them.
pub fn calendar(
    catalog: &Catalog,
    project: &charter_ir::Project,
    today: Date,
) -> Vec<CalendarEntry> {
    let mut entries: Vec<CalendarEntry> = Vec::new();
    for workload in &project.workloads {
        for endpoint in &workload.endpoints {
            let user = format!("{}.{}", workload.name, endpoint.name);
            let (model, version) = (&endpoint.model.name, &endpoint.model.version);
            if let Some(entry) = entries
                .iter_mut()
                .find(|e| &e.model == model && e.version.eq_ignore_ascii_case(version))
            {
                entry.endpoints.push(user);
                continue;
            }
            let found = catalog.model(model).and_then(|m| m.version(version));
            let retirement = found.and_then(|v| v.retirement);
            let not_before = found.and_then(|v| v.retirement_not_before);
            entries.push(CalendarEntry {
                model: model.clone(),
                version: found.map_or_else(|| version.clone(), |v| v.version.clone()),
                lifecycle: found.map_or(Lifecycle::Ga, |v| lifecycle_on(v, today)),
                retirement,
                retirement_not_before: not_before,
                days_left: retirement
                    .or(not_before)
                    .map(|date| crate::dates::days_between(today, date)),
                successor: found.and_then(|v| v.successor.clone()),
                endpoints: vec![user],
            });
        }
    }
    for entry in &mut entries {
        entry.endpoints.sort();
        entry.endpoints.dedup();
    }
    entries.sort_by(|a, b| {
        let key = |e: &CalendarEntry| {
            (
                e.retirement.or(e.retirement_not_before).is_none(),
                e.retirement.or(e.retirement_not_before),
            )
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.model.cmp(&b.model))
            .then_with(|| a.version.cmp(&b.version))
    });
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{compile, Document, Options};
    use charter_syntax::FileId;

    fn today() -> Date {
        Date {
            year: 2026,
            month: 11,
            day: 22,
        }
    }

    fn catalog_of(source: &str) -> crate::Compilation {
        compile(
            vec![Document {
                id: FileId(0),
                path: "main.charter".into(),
                text: source.into(),
                is_stdlib: false,
            }],
            &Options::new(today()),
        )
    }

    #[test]
    fn filters_combine() {
        let compilation = catalog_of("");
        let all = versions(&compilation.catalog, &VersionFilter::default(), today()).len();
        let filter = VersionFilter {
            capability: Some("embeddings".into()),
            deployment: Some(DeploymentType::GlobalStandard),
            region: Some("swedencentral".into()),
            lifecycle: Some(Lifecycle::Ga),
        };
        let rows = versions(&compilation.catalog, &filter, today());
        assert!(!rows.is_empty() && rows.len() < all);
        for row in rows {
            assert_eq!(row.model.kind.as_deref(), Some("embeddings"));
            assert!(row
                .version
                .available(DeploymentType::GlobalStandard, "swedencentral"));
            assert_eq!(row.lifecycle, Lifecycle::Ga);
        }
    }

    #[test]
    fn a_version_past_its_retirement_is_retired_whatever_the_catalog_says() {
        let compilation = catalog_of(
            "model \"acme-chat\" {\n  kind: chat\n\n  version \"1\" {\n    lifecycle: ga\n    retirement: 2026-01-01\n  }\n}\n",
        );
        let filter = VersionFilter {
            lifecycle: Some(Lifecycle::Retired),
            capability: Some("chat".into()),
            ..VersionFilter::default()
        };
        let rows = versions(&compilation.catalog, &filter, today());
        assert!(rows.iter().any(|row| row.model.name == "acme-chat"));
        assert_eq!(lifecycle("ga"), Some(Lifecycle::Ga));
        assert_eq!(lifecycle("gone"), None);
    }

    #[test]
    fn unknown_models_and_versions_have_no_availability() {
        let compilation = catalog_of("");
        assert!(availability(&compilation.catalog, "no-such-model", None).is_none());
        assert!(availability(&compilation.catalog, "gpt-5.5", Some("0000")).is_none());
        let found =
            availability(&compilation.catalog, "gpt-5.5", Some("2026-04-24")).expect("known");
        assert_eq!(found.len(), 1);
        assert!(!regions_by_type(found[0]).is_empty());
    }
}
