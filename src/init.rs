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
