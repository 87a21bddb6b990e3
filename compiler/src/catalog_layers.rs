//! The three layers of the model catalog, lowest first:
//!
//! 1. the embedded catalog (the stdlib's `models.charter`, dated by its header);
//! 2. a catalog pulled from Azure by `charter catalog pull`: a project file whose first line is
//!    [`PULLED_MARKER`]; its models replace the embedded entries of the same name, since Azure's
//!    answer is newer than the embedded research;
//! 3. local extensions: a project's `model "NAME"` block whose name the catalog already has adds
//!    versions and regions to that entry. A field it states must agree with the catalog's value;
//!    a disagreement is E0311 (the catalog entry wins, and the help says how to settle it).
//!
//! See docs/catalog.md.

use charter_ir::Date;
use charter_syntax::Diagnostic;

use crate::codes;

use crate::catalog::{Catalog, Model, ModelVersion};
use crate::typeck::TypedBlock;

/// The first line of a catalog written by `charter catalog pull`, followed by
/// `as of YYYY-MM-DD`.
pub const PULLED_MARKER: &str = "// charter catalog pull:";

/// Where the embedded catalog records its date, in its header comment.
const EMBEDDED_DATE_MARKER: &str = "research date ";

/// How old the catalog may get before `check` suggests `charter catalog pull`.
pub const STALE_AFTER_DAYS: i64 = 90;

/// The date the catalog describes Azure as of, and where that date comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CatalogDate {
    pub date: Date,
    /// Whether a catalog pulled from Azure gave the date (the embedded one otherwise).
    pub pulled: bool,
}

impl CatalogDate {
    /// Days from the catalog's date to `today`.
    pub fn age_days(self, today: Date) -> i64 {
        crate::dates::days_between(self.date, today)
    }

    /// Whether the catalog is old enough that `check` suggests pulling it again.
    pub fn is_stale(self, today: Date) -> bool {
        self.age_days(today) > STALE_AFTER_DAYS
    }

    /// `embedded catalog as of 2026-11-22` or `catalog pulled from Azure on 2026-12-04`.
    pub fn describe(self) -> String {
        if self.pulled {
            format!("catalog pulled from Azure on {}", self.date)
        } else {
            format!("embedded catalog as of {}", self.date)
        }
    }
}

/// The date of the embedded catalog (its research date).
pub fn embedded_date() -> Option<Date> {
    let (_, models) = crate::STDLIB.iter().find(|(name, _)| *name == "models")?;
    models
        .lines()
        .take_while(|line| line.starts_with("//"))
        .find_map(|line| {
            let start = line.find(EMBEDDED_DATE_MARKER)? + EMBEDDED_DATE_MARKER.len();
            Date::parse(line.get(start..start + "YYYY-MM-DD".len())?).ok()
        })
}

/// The date of a pulled catalog, when `text` is one (its first line is the marker).
pub fn pulled_date(text: &str) -> Option<Date> {
    let first = text.lines().next()?.trim_end();
    let rest = first.strip_prefix(PULLED_MARKER)?;
    let start = rest.find("as of ")? + "as of ".len();
    Date::parse(rest.get(start..start + "YYYY-MM-DD".len())?).ok()
}

/// Whether `text` is a catalog written by `charter catalog pull`.
pub fn is_pulled(text: &str) -> bool {
    text.starts_with(PULLED_MARKER)
}

/// How the resolver reads a `version` block.
pub(crate) type VersionOf = fn(&TypedBlock<'_>) -> Option<ModelVersion>;

/// The catalog's date: the latest pulled catalog's, else the embedded one's.
pub(crate) fn dated(pulled: impl Iterator<Item = Date>) -> Option<CatalogDate> {
    pulled
        .max()
        .map(|date| CatalogDate { date, pulled: true })
        .or_else(|| {
            embedded_date().map(|date| CatalogDate {
                date,
                pulled: false,
            })
        })
}

/// A model as its block declares it.
pub(crate) fn model_of(
    block: &TypedBlock<'_>,
    is_stdlib: bool,
    version_of: VersionOf,
) -> Option<Model> {
    let (name, name_span) = block.label()?;
    let text = |field: &str| {
        block
            .head(field)
            .and_then(|v| v.as_str())
            .map(|(s, _)| s.to_string())
    };
    Some(Model {
        name: name.to_string(),
        format: text("format"),
        publisher: text("publisher"),
        kind: block
            .head("kind")
            .and_then(|v| v.as_keyword())
            .map(str::to_string),
        versions: block.blocks("version").filter_map(version_of).collect(),
        doc: block.doc().map(str::to_string),
        name_span,
        span: block.ast.span,
        is_stdlib,
        fine_tuned_from: None,
    })
}

/// A pulled catalog's model: it replaces the embedded entry of that name (or adds a model the
/// embedded catalog lacks). It counts as Azure's entry, as the embedded one does.
pub(crate) fn replace_with_pulled(
    catalog: &mut Catalog,
    block: &TypedBlock<'_>,
    version_of: VersionOf,
) {
    if let Some(model) = model_of(block, true, version_of) {
        catalog.insert_model(model);
    }
}

/// A project's `model` block whose name the catalog already has: its new versions and regions
/// are added to the catalog's entry; a field that disagrees with the catalog is E0311.
pub(crate) fn extend(
    catalog: &mut Catalog,
    block: &TypedBlock<'_>,
    version_of: VersionOf,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(local) = model_of(block, false, version_of) else {
        return;
    };
    let Some(entry) = catalog.model_mut(&local.name) else {
        return;
    };
    let origin = entry.name_span;
    for (field, theirs, ours) in [
        ("format", &entry.format, &local.format),
        ("publisher", &entry.publisher, &local.publisher),
        ("kind", &entry.kind, &local.kind),
    ] {
        if let (Some(theirs), Some(ours)) = (theirs, ours) {
            if theirs != ours {
                let span = block.field(field).map_or(local.name_span, |(f, _)| f.span);
                diagnostics.push(codes::catalog::contradicts_catalog(
                    (&local.name, None),
                    (field, &format!("`{ours}`"), &format!("`{theirs}`")),
                    span,
                    origin,
                ));
            }
        }
    }
    for (version_block, ours) in block.blocks("version").zip(&local.versions) {
        let Some(theirs) = entry
            .versions
            .iter_mut()
            .find(|v| v.version.eq_ignore_ascii_case(&ours.version))
        else {
            entry.versions.push(ours.clone());
            continue;
        };
        let span_of = |field: &str| {
            version_block
                .field(field)
                .map_or(ours.name_span, |(f, _)| f.span)
        };
        for (field, stated, mine, catalog_value) in version_fields(version_block, ours, theirs) {
            if stated && mine != catalog_value {
                diagnostics.push(codes::catalog::contradicts_catalog(
                    (&local.name, Some(&ours.version)),
                    (field, &mine, &catalog_value),
                    span_of(field),
                    theirs.name_span,
                ));
            }
        }
        // Regions add to the catalog's: a region availability Azure has and the catalog lacks.
        for (kind, regions) in &ours.availability {
            match theirs.availability.iter_mut().find(|(k, _)| k == kind) {
                Some((_, known)) => {
                    for region in regions {
                        if !known.contains(region) {
                            known.push(region.clone());
                        }
                    }
                }
                None => theirs.availability.push((*kind, regions.clone())),
            }
        }
        theirs.availability_complete &= ours.availability_complete;
    }
}

/// Each field a local version may state: (name, stated, local value, catalog value), as text.
fn version_fields(
    block: &TypedBlock<'_>,
    ours: &ModelVersion,
    theirs: &ModelVersion,
) -> Vec<(&'static str, bool, String, String)> {
    let date = |d: Option<Date>| d.map_or_else(|| "none".to_string(), |d| d.to_string());
    let successor = |v: &ModelVersion| {
        v.successor
            .as_ref()
            .map_or_else(|| "none".to_string(), ToString::to_string)
    };
    let stated = |field: &str| block.field(field).is_some();
    vec![
        (
            "lifecycle",
            stated("lifecycle"),
            format!("`{}`", ours.lifecycle.keyword()),
            format!("`{}`", theirs.lifecycle.keyword()),
        ),
        (
            "deprecation",
            stated("deprecation"),
            date(ours.deprecation),
            date(theirs.deprecation),
        ),
        (
            "retirement",
            stated("retirement"),
            date(ours.retirement),
            date(theirs.retirement),
        ),
        (
            "retirement_not_before",
            stated("retirement_not_before"),
            date(ours.retirement_not_before),
            date(theirs.retirement_not_before),
        ),
        (
            "successor",
            stated("successor"),
            successor(ours),
            successor(theirs),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pulled_header_gives_the_date() {
        let text = "// charter catalog pull: as of 2026-12-04 from https://management.azure.com\nmodel \"x\" {}\n";
        assert!(is_pulled(text));
        assert_eq!(pulled_date(text), Date::parse("2026-12-04").ok());
        assert_eq!(
            pulled_date("// charter catalog pull: as of 2026-13-04\n"),
            None
        );
        assert!(!is_pulled(
            "model \"x\" {}\n// charter catalog pull: as of 2026-12-04\n"
        ));
    }

    #[test]
    fn the_embedded_catalog_is_dated_and_ages() {
        let date = embedded_date().expect("the embedded catalog has a date");
        let dated = CatalogDate {
            date,
            pulled: false,
        };
        assert!(!dated.is_stale(date));
        let later = Date {
            year: date.year + 1,
            ..date
        };
        assert!(dated.is_stale(later));
        assert!(dated.describe().starts_with("embedded catalog as of "));
    }
}
