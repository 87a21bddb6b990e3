//! `charter init`: a new project, with its manifest (a fresh owner id, written once) and a
//! starter policy that checks and builds as it is.

use std::path::Path;

use crate::manifest;
use crate::project::shown;

/// The starter policy: one policy over one subscription and one workload it governs.
pub const STARTER: &str = include_str!("init/starter.charter");

/// The starter's file name.
pub const STARTER_FILE: &str = "policy.charter";

/// Makes the project at `directory`: `charter.toml`, and `policy.charter` unless the directory
/// already holds `.charter` sources. Refuses (and writes nothing) when a manifest exists.
/// Returns what was done, for the user.
pub fn run(directory: &Path, name: Option<&str>) -> Result<String, String> {
    let manifest_path = directory.join(manifest::FILE_NAME);
    if manifest_path.exists() {
        return Err(format!(
            "`{}` exists: the project is already initialised (its owner id is written once and kept)",
            shown(&manifest_path)
        ));
    }
    std::fs::create_dir_all(directory)
        .map_err(|error| format!("cannot create `{}`: {error}", shown(directory)))?;
    let name = match name {
        Some(name) => name.to_string(),
        None => std::path::absolute(directory)
            .ok()
            .and_then(|path| path.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "charter-project".to_string()),
    };
    let has_sources = crate::project::find_sources(directory).is_ok();
    write_new(
        &manifest_path,
        &manifest::starter(&name, &manifest::new_owner_id()),
    )?;
    let mut written = vec![format!("`{}`", shown(&manifest_path))];
    if !has_sources {
        let starter = directory.join(STARTER_FILE);
        write_new(&starter, STARTER)?;
        written.push(format!("`{}`", shown(&starter)));
    }
    Ok(format!(
        "Initialised project `{name}`: wrote {}; next: `charter check {}`",
        written.join(" and "),
        shown(directory)
    ))
}

/// Writes a file that must not exist yet.
fn write_new(path: &Path, text: &str) -> Result<(), String> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|error| format!("cannot create `{}`: {error}", shown(path)))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|error| format!("cannot write `{}`: {error}", shown(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The starter as `charter check` sees it on `today`.
    fn checked(today: charter_ir::Date) -> charter_compiler::Compilation {
        let documents = vec![charter_compiler::Document {
            id: charter_syntax::FileId(0),
            path: STARTER_FILE.to_string(),
            text: STARTER.to_string(),
            is_stdlib: false,
        }];
        let mut compilation =
            charter_compiler::compile(documents, &charter_compiler::Options::new(today));
        charter_compliance::check(&mut compilation, today);
        compilation
    }

    /// A new user's first `charter check` says nothing to fix: no error and no warning, on the
    /// day the embedded catalog describes and for half a year after (the model retires
    /// later than that, beyond the default 90-day retirement warning).
    #[test]
    fn the_starter_checks_clean_with_no_warnings() {
        let catalog_date = checked(charter_ir::Date::from_days_since_epoch(0))
            .catalog
            .dated()
            .expect("the embedded catalog is dated")
            .date;
        for days in [0, 30, 90, 180] {
            let today =
                charter_ir::Date::from_days_since_epoch(catalog_date.days_since_epoch() + days);
            let compilation = checked(today);
            let found: Vec<String> = compilation
                .diagnostics
                .iter()
                .map(|d| format!("{}: {}", d.code, d.message))
                .collect();
            assert!(found.is_empty(), "on {today}: {found:?}");
        }
    }

    /// Every version the starter deploys is generally available and not deprecated by the
    /// embedded catalog's date: Azure closes deprecated versions to new customers.
    #[test]
    fn the_starter_deploys_a_current_version() {
        let compilation = checked(charter_ir::Date::from_days_since_epoch(0));
        let catalog = &compilation.catalog;
        let as_of = catalog.dated().expect("dated").date;
        let endpoints: Vec<&charter_ir::Endpoint> = compilation
            .project
            .workloads
            .iter()
            .flat_map(|w| &w.endpoints)
            .collect();
        assert!(!endpoints.is_empty());
        for endpoint in endpoints {
            let version = catalog
                .model(&endpoint.model.name)
                .and_then(|m| m.version(&endpoint.model.version))
                .expect("in the catalog");
            assert_eq!(
                version.lifecycle,
                charter_compiler::catalog::Lifecycle::Ga,
                "{}",
                endpoint.model.name
            );
            assert!(
                version.deprecation.is_none_or(|date| date > as_of),
                "{} {} is deprecated on {:?}",
                endpoint.model.name,
                endpoint.model.version,
                version.deprecation
            );
        }
    }
}
