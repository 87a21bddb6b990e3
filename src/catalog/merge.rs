//! The pure half of `charter catalog pull`: the previous catalog plus what Azure's models list
//! says per location gives the new catalog (as Charter source), and the changes between the two
//! with the project's endpoints each one affects.

use charter_azure::models::{AzureLifecycle, OfferedVersion};
use charter_compiler::catalog::{Catalog, Lifecycle, Successor};
use charter_ir::{Date, DeploymentType};
use std::collections::{BTreeMap, BTreeSet};

/// One model of the new catalog.
#[derive(Clone, Debug, PartialEq)]
pub struct PulledModel {
    pub name: String,
    pub format: Option<String>,
    pub publisher: Option<String>,
    pub kind: Option<String>,
    pub doc: Option<String>,
    pub versions: Vec<PulledVersion>,
}

/// One version of the new catalog.
#[derive(Clone, Debug, PartialEq)]
pub struct PulledVersion {
    pub version: String,
    pub lifecycle: Lifecycle,
    pub deprecation: Option<Date>,
    pub retirement: Option<Date>,
    pub retirement_not_before: Option<Date>,
    pub successor: Option<Successor>,
    pub availability: BTreeMap<DeploymentType, BTreeSet<String>>,
    pub doc: Option<String>,
}

/// The deployment type of an Azure SKU name (`GlobalStandard`).
pub fn deployment_type_of_sku(sku: &str) -> Option<DeploymentType> {
    DeploymentType::ALL
        .into_iter()
        .find(|kind| kind.sku_name().eq_ignore_ascii_case(sku))
}

/// The catalog `kind` of a model Azure describes by its capabilities.
fn kind_of(capabilities: &[String]) -> Option<String> {
    let kind = capabilities.iter().find_map(|c| match c.as_str() {
        "chatCompletion" | "responses" => Some("chat"),
        "completion" => Some("completions"),
        "embeddings" => Some("embeddings"),
        "imageGenerations" => Some("image"),
        "audio" | "realtime" => Some("audio"),
        "videoGenerations" => Some("video"),
        _ => None,
    })?;
    Some(kind.to_string())
}

/// The lifecycle the new catalog states, from Azure's status and what the catalog said before.
/// Azure has no `legacy` status (it reports such versions as generally available), so a legacy
/// version stays legacy; a version retired by its date stays retired.
fn lifecycle_of(
    azure: Option<AzureLifecycle>,
    before: Option<&PulledVersion>,
    today: Date,
) -> Lifecycle {
    let previous = before.map(|v| v.lifecycle);
    let past_retirement = before
        .and_then(|v| v.retirement)
        .is_some_and(|d| d <= today);
    match azure {
        Some(AzureLifecycle::Preview) => Lifecycle::Preview,
        Some(AzureLifecycle::Deprecating) => Lifecycle::Deprecated,
        Some(AzureLifecycle::Deprecated) => Lifecycle::Retired,
        Some(AzureLifecycle::GenerallyAvailable) => match previous {
            Some(Lifecycle::Legacy) => Lifecycle::Legacy,
            Some(Lifecycle::Retired) if past_retirement => Lifecycle::Retired,
            _ => Lifecycle::Ga,
        },
        None => previous.unwrap_or(Lifecycle::Ga),
    }
}

/// The catalog's models as the starting point (fine-tuned models are the project's, not
/// Azure's catalog, and are left out).
pub fn from_catalog(catalog: &Catalog) -> Vec<PulledModel> {
    catalog
        .models()
        .filter(|model| model.fine_tuned_from.is_none() && model.is_stdlib)
        .map(|model| PulledModel {
            name: model.name.clone(),
            format: model.format.clone(),
            publisher: model.publisher.clone(),
            kind: model.kind.clone(),
            doc: model.doc.clone(),
            versions: model
                .versions
                .iter()
                .map(|version| PulledVersion {
                    version: version.version.clone(),
                    lifecycle: version.lifecycle,
                    deprecation: version.deprecation,
                    retirement: version.retirement,
                    retirement_not_before: version.retirement_not_before,
                    successor: version.successor.clone(),
                    availability: version.availability.iter().fold(
                        BTreeMap::new(),
                        |mut map: BTreeMap<DeploymentType, BTreeSet<String>>, (kind, regions)| {
                            map.entry(*kind)
                                .or_default()
                                .extend(regions.iter().cloned());
                            map
                        },
                    ),
                    doc: version.doc.clone(),
                })
                .collect(),
        })
        .collect()
}

/// Applies Azure's answers (per location) to `models`: the pulled locations' availability is
/// replaced by Azure's, other locations keep what the catalog said; lifecycle and retirement
/// come from Azure for every version it lists; versions and models it lists that the catalog
/// lacks are added.
pub fn apply(
    models: &mut Vec<PulledModel>,
    offered: &BTreeMap<String, Vec<OfferedVersion>>,
    today: Date,
) {
    for location in offered.keys() {
        for model in models.iter_mut() {
            for version in &mut model.versions {
                for regions in version.availability.values_mut() {
                    regions.remove(location);
                }
                version
                    .availability
                    .retain(|_, regions| !regions.is_empty());
            }
        }
    }
    for (location, versions) in offered {
        for found in versions {
            let index = match models.iter().position(|m| m.name == found.name) {
                Some(index) => index,
                None => {
                    models.push(PulledModel {
                        name: found.name.clone(),
                        format: found.format.clone(),
                        publisher: found.publisher.clone(),
                        kind: kind_of(&found.capabilities),
                        doc: None,
                        versions: Vec::new(),
                    });
                    models.len() - 1
                }
            };
            let model = &mut models[index];
            if model.format.is_none() {
                model.format.clone_from(&found.format);
            }
            if model.kind.is_none() {
                model.kind = kind_of(&found.capabilities);
            }
            let position = model
                .versions
                .iter()
                .position(|v| v.version.eq_ignore_ascii_case(&found.version));
            let before = position.map(|i| model.versions[i].clone());
            let version = match position {
                Some(i) => &mut model.versions[i],
                None => {
                    model.versions.push(PulledVersion {
                        version: found.version.clone(),
                        lifecycle: Lifecycle::Ga,
                        deprecation: None,
                        retirement: None,
                        retirement_not_before: None,
                        successor: None,
                        availability: BTreeMap::new(),
                        doc: None,
                    });
                    model.versions.last_mut().expect("just pushed")
                }
            };
            version.lifecycle = lifecycle_of(found.lifecycle, before.as_ref(), today);
            if let Some(date) = found.retirement {
                version.retirement = Some(date);
                version.retirement_not_before = None;
            }
            // Past its retirement date a version is retired, whatever stage Azure still lists
            // (the embedded catalog reads its sources the same way).
            if version.retirement.is_some_and(|date| date <= today) {
                version.lifecycle = Lifecycle::Retired;
            }
            for sku in &found.skus {
                if let Some(kind) = deployment_type_of_sku(sku) {
                    version
                        .availability
                        .entry(kind)
                        .or_default()
                        .insert(location.clone());
                }
            }
        }
    }
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn doc_lines(out: &mut String, doc: Option<&str>, indent: &str) {
    if let Some(doc) = doc {
        for line in doc.lines() {
            out.push_str(&format!("{indent}/// {}\n", line.trim_end()).replace("///  ", "/// "));
        }
    }
}

/// The new catalog as Charter source (not yet formatted: the caller runs the formatter).
pub fn render(models: &[PulledModel], header: &[String]) -> String {
    let mut out = String::new();
    for line in header {
        out.push_str(&format!("// {line}\n").replace("// // ", "// "));
    }
    for model in models {
        out.push('\n');
        doc_lines(&mut out, model.doc.as_deref(), "");
        out.push_str(&format!("model {} {{\n", quoted(&model.name)));
        if let Some(format) = &model.format {
            out.push_str(&format!("  format: {}\n", quoted(format)));
        }
        if let Some(publisher) = &model.publisher {
            out.push_str(&format!("  publisher: {}\n", quoted(publisher)));
        }
        if let Some(kind) = &model.kind {
            out.push_str(&format!("  kind: {kind}\n"));
        }
        for version in &model.versions {
            out.push('\n');
            doc_lines(&mut out, version.doc.as_deref(), "  ");
            out.push_str(&format!("  version {} {{\n", quoted(&version.version)));
            out.push_str(&format!("    lifecycle: {}\n", version.lifecycle.keyword()));
            for (field, date) in [
                ("deprecation", version.deprecation),
                ("retirement", version.retirement),
                ("retirement_not_before", version.retirement_not_before),
            ] {
                if let Some(date) = date {
                    out.push_str(&format!("    {field}: {date}\n"));
                }
            }
            if let Some(successor) = &version.successor {
                out.push_str(&format!("    successor: {}", quoted(&successor.model)));
                if let Some(v) = &successor.version {
                    out.push_str(&format!(" version {}", quoted(v)));
                }
                out.push('\n');
            }
            for (kind, regions) in &version.availability {
                let list: Vec<String> = regions.iter().map(|r| quoted(r)).collect();
                out.push_str(&format!(
                    "    available {} [{}]\n",
                    kind.charter_name(),
                    list.join(", ")
                ));
            }
            out.push_str("  }\n");
        }
        out.push_str("}\n");
    }
    out
}

/// What changed for one version between two catalogs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    NewModel,
    NewVersion,
    Retirement {
        from: Option<Date>,
        to: Option<Date>,
    },
    Lifecycle {
        from: Lifecycle,
        to: Lifecycle,
    },
    RegionsAdded {
        deployment: DeploymentType,
        regions: Vec<String>,
    },
    RegionsRemoved {
        deployment: DeploymentType,
        regions: Vec<String>,
    },
}

/// One change, with the project's endpoints (`workload.endpoint`) it affects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub model: String,
    pub version: Option<String>,
    pub kind: ChangeKind,
    pub endpoints: Vec<String>,
}

/// The changes from `before` to `after`, in catalog order, each with the endpoints of
/// `project` it affects: those deploying the version (any version, for a new one), and for a
/// region change only those deploying that type in one of the regions.
pub fn changes(
    before: &[PulledModel],
    after: &[PulledModel],
    project: &charter_ir::Project,
) -> Vec<Change> {
    let users =
        |model: &str, version: Option<&str>, regions: Option<(DeploymentType, &[String])>| {
            let mut found = Vec::new();
            for workload in &project.workloads {
                for endpoint in &workload.endpoints {
                    let same_version =
                        version.is_none_or(|v| endpoint.model.version.eq_ignore_ascii_case(v));
                    let in_regions = regions.is_none_or(|(kind, regions)| {
                        endpoint.deployment_type == kind
                            && endpoint.regions.iter().any(|r| regions.contains(r))
                    });
                    if endpoint.model.name == model && same_version && in_regions {
                        found.push(format!("{}.{}", workload.name, endpoint.name));
                    }
                }
            }
            found.sort();
            found
        };
    let mut out = Vec::new();
    for model in after {
        let Some(old) = before.iter().find(|m| m.name == model.name) else {
            out.push(Change {
                model: model.name.clone(),
                version: None,
                kind: ChangeKind::NewModel,
                endpoints: Vec::new(),
            });
            continue;
        };
        for version in &model.versions {
            let push = |out: &mut Vec<Change>, kind: ChangeKind, endpoints: Vec<String>| {
                out.push(Change {
                    model: model.name.clone(),
                    version: Some(version.version.clone()),
                    kind,
                    endpoints,
                })
            };
            let Some(was) = old
                .versions
                .iter()
                .find(|v| v.version.eq_ignore_ascii_case(&version.version))
            else {
                push(
                    &mut out,
                    ChangeKind::NewVersion,
                    users(&model.name, None, None),
                );
                continue;
            };
            let affected = || users(&model.name, Some(&version.version), None);
            let (from, to) = (
                was.retirement.or(was.retirement_not_before),
                version.retirement.or(version.retirement_not_before),
            );
            if from != to {
                push(&mut out, ChangeKind::Retirement { from, to }, affected());
            }
            if was.lifecycle != version.lifecycle {
                push(
                    &mut out,
                    ChangeKind::Lifecycle {
                        from: was.lifecycle,
                        to: version.lifecycle,
                    },
                    affected(),
                );
            }
            let kinds: BTreeSet<DeploymentType> = was
                .availability
                .keys()
                .chain(version.availability.keys())
                .copied()
                .collect();
            for kind in kinds {
                let empty = BTreeSet::new();
                let old_regions = was.availability.get(&kind).unwrap_or(&empty);
                let new_regions = version.availability.get(&kind).unwrap_or(&empty);
                let added: Vec<String> = new_regions.difference(old_regions).cloned().collect();
                let removed: Vec<String> = old_regions.difference(new_regions).cloned().collect();
                if !added.is_empty() {
                    let endpoints =
                        users(&model.name, Some(&version.version), Some((kind, &added)));
                    push(
                        &mut out,
                        ChangeKind::RegionsAdded {
                            deployment: kind,
                            regions: added,
                        },
                        endpoints,
                    );
                }
                if !removed.is_empty() {
                    let endpoints =
                        users(&model.name, Some(&version.version), Some((kind, &removed)));
                    push(
                        &mut out,
                        ChangeKind::RegionsRemoved {
                            deployment: kind,
                            regions: removed,
                        },
                        endpoints,
                    );
                }
            }
        }
    }
    out
}

impl Change {
    /// `retirement moved from 2027-10-26 to 2026-12-01`.
    pub fn describe(&self) -> String {
        let date = |d: &Option<Date>| d.map_or_else(|| "none".to_string(), |d| d.to_string());
        match &self.kind {
            ChangeKind::NewModel => "new model".to_string(),
            ChangeKind::NewVersion => "new version".to_string(),
            ChangeKind::Retirement { from, to } => {
                format!("retirement moved from {} to {}", date(from), date(to))
            }
            ChangeKind::Lifecycle { from, to } => {
                format!("lifecycle {} → {}", from.keyword(), to.keyword())
            }
            ChangeKind::RegionsAdded {
                deployment,
                regions,
            } => format!(
                "{} added in {}",
                deployment.charter_name(),
                regions.join(", ")
            ),
            ChangeKind::RegionsRemoved {
                deployment,
                regions,
            } => format!(
                "{} removed from {}",
                deployment.charter_name(),
                regions.join(", ")
            ),
        }
    }

    /// A short machine name of the change (`retirement`, `regions_added`, ...).
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            ChangeKind::NewModel => "new_model",
            ChangeKind::NewVersion => "new_version",
            ChangeKind::Retirement { .. } => "retirement",
            ChangeKind::Lifecycle { .. } => "lifecycle",
            ChangeKind::RegionsAdded { .. } => "regions_added",
            ChangeKind::RegionsRemoved { .. } => "regions_removed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offered(name: &str, version: &str, retirement: &str, skus: &[&str]) -> OfferedVersion {
        OfferedVersion {
            name: name.into(),
            version: version.into(),
            format: Some("OpenAI".into()),
            publisher: None,
            lifecycle: Some(AzureLifecycle::GenerallyAvailable),
            retirement: Date::parse(retirement).ok(),
            skus: skus.iter().map(|s| s.to_string()).collect(),
            capabilities: vec!["chatCompletion".into()],
        }
    }

    fn version(name: &str, retirement: &str, regions: &[(DeploymentType, &str)]) -> PulledVersion {
        let mut availability: BTreeMap<DeploymentType, BTreeSet<String>> = BTreeMap::new();
        for (kind, region) in regions {
            availability
                .entry(*kind)
                .or_default()
                .insert(region.to_string());
        }
        PulledVersion {
            version: name.into(),
            lifecycle: Lifecycle::Ga,
            deprecation: None,
            retirement: Date::parse(retirement).ok(),
            retirement_not_before: None,
            successor: None,
            availability,
            doc: None,
        }
    }

    #[test]
    fn pulled_locations_are_replaced_and_others_kept() {
        let before = vec![PulledModel {
            name: "m".into(),
            format: Some("OpenAI".into()),
            publisher: None,
            kind: Some("chat".into()),
            doc: None,
            versions: vec![version(
                "1",
                "2027-01-01",
                &[
                    (DeploymentType::Standard, "eastus"),
                    (DeploymentType::Standard, "westus"),
                    (DeploymentType::GlobalStandard, "eastus"),
                ],
            )],
        }];
        let mut after = before.clone();
        let mut answers = BTreeMap::new();
        answers.insert(
            "eastus".to_string(),
            vec![
                offered("m", "1", "2026-12-01", &["GlobalStandard"]),
                offered("m", "2", "2028-01-01", &["GlobalStandard"]),
                offered("brand-new", "1", "", &["Standard", "NoSuchSku"]),
            ],
        );
        let today = Date::parse("2026-11-22").expect("a date");
        apply(&mut after, &answers, today);
        let m = &after[0];
        assert_eq!(m.versions[0].retirement, Date::parse("2026-12-01").ok());
        assert_eq!(
            m.versions[0].availability[&DeploymentType::Standard],
            BTreeSet::from(["westus".to_string()])
        );
        assert_eq!(m.versions[1].version, "2");
        assert_eq!(after[1].kind.as_deref(), Some("chat"));
        let found = changes(&before, &after, &charter_ir::Project::default());
        let kinds: Vec<&str> = found.iter().map(Change::kind_name).collect();
        assert_eq!(
            kinds,
            ["retirement", "regions_removed", "new_version", "new_model"]
        );
        assert_eq!(
            found[0].describe(),
            "retirement moved from 2027-01-01 to 2026-12-01"
        );
    }

    #[test]
    fn legacy_and_past_retirements_survive_a_generally_available_answer() {
        let today = Date::parse("2026-11-22").expect("a date");
        let mut legacy = version("1", "2027-01-01", &[]);
        legacy.lifecycle = Lifecycle::Legacy;
        let ga = Some(AzureLifecycle::GenerallyAvailable);
        assert_eq!(lifecycle_of(ga, Some(&legacy), today), Lifecycle::Legacy);
        let mut retired = version("1", "2026-01-01", &[]);
        retired.lifecycle = Lifecycle::Retired;
        assert_eq!(lifecycle_of(ga, Some(&retired), today), Lifecycle::Retired);
        assert_eq!(
            lifecycle_of(Some(AzureLifecycle::Deprecating), None, today),
            Lifecycle::Deprecated
        );
        assert_eq!(
            deployment_type_of_sku("provisionedmanaged"),
            Some(DeploymentType::Provisioned)
        );
    }
}
