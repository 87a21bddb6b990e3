//! `charter doc`: hands the compiled project and the compiler's catalog to the documentation
//! backend (`charter-docs`), then writes the pages (through [`crate::output`], atomically, like
//! `charter build`) or, with `--check`, compares them with what is on disk.

use std::path::Path;

use charter_compiler::{catalog, Compilation};
use charter_ir::{Artifact, Date};

/// The documentation backend's copy of the catalog: every model and region the compiler knows.
pub fn docs_catalog(catalog: &catalog::Catalog) -> charter_docs::Catalog {
    charter_docs::Catalog {
        models: catalog
            .models()
            .map(|model| charter_docs::Model {
                name: model.name.clone(),
                publisher: model.publisher.clone(),
                kind: model.kind.clone(),
                declared_by_project: !model.is_stdlib,
                fine_tuned_from: model.fine_tuned_from.clone(),
                versions: model
                    .versions
                    .iter()
                    .map(|version| charter_docs::Version {
                        version: version.version.clone(),
                        lifecycle: charter_docs::Lifecycle::from_keyword(
                            version.lifecycle.keyword(),
                        ),
                        deprecation: version.deprecation,
                        retirement: version.retirement,
                        retirement_not_before: version.retirement_not_before,
                        successor: version.successor.as_ref().map(|successor| {
                            charter_docs::Successor {
                                model: successor.model.clone(),
                                version: successor.version.clone(),
                            }
                        }),
                        availability: version.availability.clone(),
                    })
                    .collect(),
            })
            .collect(),
        regions: catalog
            .regions()
            .map(|region| charter_docs::Region {
                name: region.name.clone(),
                display_name: region.display_name.clone(),
                geography: region.geography.clone(),
                data_zone: region.data_zone.map(|zone| zone.keyword().to_owned()),
                availability_zones: region.availability_zones,
                restricted: region.restricted,
            })
            .collect(),
    }
}

/// `(filter, the filter it extends)` for every filter of the project's own files that extends
/// another, as written (`std.filters.default`): the IR keeps only effective settings.
pub fn filter_extends(compilation: &Compilation) -> Vec<(String, String)> {
    // INVARIANT: compiled with `project::Trees::Keep`, so every document has its tree.
    debug_assert_eq!(
        compilation.trees.len(),
        compilation.documents.len(),
        "the documentation needs the syntax trees"
    );
    let mut pairs = Vec::new();
    for (document, tree) in compilation.documents.iter().zip(&compilation.trees) {
        if document.is_stdlib {
            continue;
        }
        for item in &tree.items {
            let charter_syntax::ast::Item::Block(block) = item else {
                continue;
            };
            if block.keyword.name != "filter" {
                continue;
            }
            let (Some(charter_syntax::ast::Label::Name(name)), Some(parent)) =
                (&block.label, &block.extends)
            else {
                continue;
            };
            pairs.push((name.name.clone(), parent.text()));
        }
    }
    pairs
}

/// Every file of the documentation site.
pub fn site(compilation: &Compilation, today: Date) -> Vec<Artifact> {
    let catalog = docs_catalog(&compilation.catalog);
    let extends = filter_extends(compilation);
    charter_docs::site(&charter_docs::Input {
        project: &compilation.project,
        catalog: &catalog,
        extends: &extends,
        today,
    })
}

/// The date the pages in `out` were generated for, when it holds a site.
pub fn published_as_of(out: &Path) -> Option<Date> {
    let text = std::fs::read_to_string(out.join(charter_docs::CATALOG_FILE)).ok()?;
    charter_docs::as_of(&text)
}

/// Why a file on disk differs from what `charter doc` would write.
#[derive(Debug, PartialEq, Eq)]
pub enum Staleness {
    Missing,
    Changed,
    /// Written by an earlier run (listed in its manifest) and no longer generated.
    Removed,
}

impl Staleness {
    pub fn describe(&self) -> &'static str {
        match self {
            Staleness::Missing => "missing",
            Staleness::Changed => "out of date",
            Staleness::Removed => "no longer generated",
        }
    }
}

/// Compares the site with what is in `out` (including the manifest); lists every difference,
/// sorted by path. Files Charter did not write are ignored.
pub fn stale_files(out: &Path, artifacts: &[Artifact]) -> Vec<(String, Staleness)> {
    let mut all: Vec<Artifact> = artifacts.to_vec();
    all.push(crate::output::manifest(artifacts));
    let mut stale = Vec::new();
    for artifact in &all {
        match std::fs::read(out.join(&artifact.path)) {
            Ok(bytes) if bytes == artifact.contents.as_bytes() => {}
            Ok(_) => stale.push((artifact.path.clone(), Staleness::Changed)),
            Err(_) => stale.push((artifact.path.clone(), Staleness::Missing)),
        }
    }
    // Files an earlier run wrote that this one would remove.
    if let Ok(text) = std::fs::read_to_string(out.join(crate::output::MANIFEST)) {
        if let Ok(manifest) = serde_json::from_str::<serde_json::Value>(&text) {
            for path in manifest["files"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|file| file["path"].as_str())
            {
                let produced = all.iter().any(|a| a.path == path);
                if !produced && out.join(path).is_file() {
                    stale.push((path.to_owned(), Staleness::Removed));
                }
            }
        }
    }
    stale.sort_by(|a, b| a.0.cmp(&b.0));
    stale.dedup_by(|a, b| a.0 == b.0);
    stale
}
