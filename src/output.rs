//! Writes a build's artifacts so that a failure never leaves a half-written or mixed tree, and
//! removes what an earlier build wrote and this one no longer produces (tracked in
//! `manifest.json` with content hashes) without ever deleting a file Charter did not write.
//!
//! How: every file is first written into a staging directory beside the output directory.
//! When the output directory holds only files of the previous manifest (the usual case), the
//! staging directory replaces it with two renames. When it also holds files Charter did not
//! write, each file is renamed into place instead (each rename is atomic), stale files of the
//! old manifest are removed, and the manifest is written last.

use charter_ir::Artifact;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

pub const MANIFEST: &str = "manifest.json";

/// What a build wrote.
#[derive(Debug, Default)]
pub struct WriteReport {
    pub written: usize,
    pub unchanged: usize,
    pub removed: Vec<String>,
}

/// The manifest: every file with its SHA-256, sorted by path. No timestamps, so that the same
/// sources give byte-identical output.
pub fn manifest(artifacts: &[Artifact]) -> Artifact {
    let files: Vec<Value> = artifacts
        .iter()
        .map(|artifact| {
            json!({
                "path": artifact.path,
                "sha256": hex(&Sha256::digest(artifact.contents.as_bytes())),
                "bytes": artifact.contents.len(),
            })
        })
        .collect();
    let value = json!({
        "generator": format!("charter {}", env!("CARGO_PKG_VERSION")),
        "files": files,
    });
    let mut contents = serde_json::to_string_pretty(&value).unwrap_or_default();
    contents.push('\n');
    Artifact {
        path: MANIFEST.to_string(),
        contents,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Paths listed in the manifest of an earlier build, if there is one.
fn previous_files(out_dir: &Path) -> BTreeSet<String> {
    let Ok(text) = std::fs::read_to_string(out_dir.join(MANIFEST)) else {
        return BTreeSet::new();
    };
    let Ok(value) = serde_json::from_str::<Value>(&text) else {
        return BTreeSet::new();
    };
    value["files"]
        .as_array()
        .map(|files| {
            files
                .iter()
                .filter_map(|file| file["path"].as_str())
                .filter(|path| is_safe_relative(path))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Refuses paths that could leave the output directory (a manifest may have been edited).
fn is_safe_relative(path: &str) -> bool {
    let path = Path::new(path);
    !path.as_os_str().is_empty()
        && path
            .components()
            .all(|component| matches!(component, Component::Normal(_)))
}

/// Every file under `dir`, relative, with `/` separators.
fn files_under(dir: &Path) -> std::io::Result<BTreeSet<String>> {
    let mut found = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                found.insert(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    Ok(found)
}

/// Writes `artifacts` (plus the manifest) into `out_dir`.
pub fn write(out_dir: &Path, artifacts: &[Artifact]) -> std::io::Result<WriteReport> {
    let mut all: Vec<Artifact> = artifacts.to_vec();
    for artifact in &all {
        if !is_safe_relative(&artifact.path) || artifact.path == MANIFEST {
            return Err(std::io::Error::other(format!(
                "refusing to write `{}`: not a plain relative path",
                artifact.path
            )));
        }
    }
    all.push(manifest(artifacts));

    let parent = match out_dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let staging = tempfile::Builder::new()
        .prefix(".charter-build-")
        .tempdir_in(&parent)?;
    for artifact in &all {
        let target = staging.path().join(&artifact.path);
        if let Some(directory) = target.parent() {
            std::fs::create_dir_all(directory)?;
        }
        let mut file = std::fs::File::create(&target)?;
        file.write_all(artifact.contents.as_bytes())?;
        file.sync_all()?;
    }

    let previous = previous_files(out_dir);
    let mut report = WriteReport::default();
    for artifact in &all {
        let unchanged = std::fs::read(out_dir.join(&artifact.path))
            .map(|old| old == artifact.contents.as_bytes())
            .unwrap_or(false);
        if unchanged {
            report.unchanged += 1;
        } else {
            report.written += 1;
        }
    }
    let produced: BTreeSet<String> = all.iter().map(|a| a.path.clone()).collect();
    report.removed = previous
        .iter()
        .filter(|path| !produced.contains(*path) && out_dir.join(path).exists())
        .cloned()
        .collect();

    let existing = if out_dir.exists() {
        Some(files_under(out_dir)?)
    } else {
        None
    };
    let only_ours = existing
        .as_ref()
        .map(|files| files.iter().all(|f| previous.contains(f) || f == MANIFEST))
        .unwrap_or(true);

    if only_ours {
        swap_directories(staging, out_dir)?;
    } else {
        replace_file_by_file(staging.path(), out_dir, &all)?;
        for stale in &report.removed {
            std::fs::remove_file(out_dir.join(stale))?;
            remove_empty_parents(out_dir, &out_dir.join(stale));
        }
        // The manifest goes last: until it is replaced, it still lists every file written.
        std::fs::rename(staging.path().join(MANIFEST), out_dir.join(MANIFEST))?;
    }
    Ok(report)
}

/// Replaces `out_dir` with the staging directory: rename the old one aside, move the new one
/// in, then delete the old one. A crash between the renames leaves the old tree beside it.
fn swap_directories(staging: tempfile::TempDir, out_dir: &Path) -> std::io::Result<()> {
    let staged = staging.keep();
    if out_dir.exists() {
        let parent = out_dir.parent().unwrap_or(Path::new("."));
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        let aside = tempfile::Builder::new()
            .prefix(".charter-previous-")
            .tempdir_in(parent)?;
        let aside_path = aside.path().join("out");
        std::fs::rename(out_dir, &aside_path)?;
        if let Err(error) = std::fs::rename(&staged, out_dir) {
            // Put the previous output back rather than leave nothing.
            let _ = std::fs::rename(&aside_path, out_dir);
            let _ = std::fs::remove_dir_all(&staged);
            return Err(error);
        }
        drop(aside);
    } else if let Err(error) = std::fs::rename(&staged, out_dir) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(error);
    }
    Ok(())
}

fn replace_file_by_file(staging: &Path, out_dir: &Path, all: &[Artifact]) -> std::io::Result<()> {
    for artifact in all.iter().filter(|a| a.path != MANIFEST) {
        let target = out_dir.join(&artifact.path);
        if let Some(directory) = target.parent() {
            std::fs::create_dir_all(directory)?;
        }
        std::fs::rename(staging.join(&artifact.path), target)?;
    }
    Ok(())
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut current = file.parent();
    while let Some(directory) = current {
        if directory == root || std::fs::remove_dir(directory).is_err() {
            break;
        }
        current = directory.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn artifact(path: &str, contents: &str) -> Artifact {
        Artifact {
            path: path.to_string(),
            contents: contents.to_string(),
        }
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_default()
    }

    #[test]
    fn writes_then_replaces_and_removes_stale_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out");
        write(
            &out,
            &[artifact("a/one.json", "1"), artifact("two.tf", "2")],
        )
        .expect("first build");
        assert_eq!(read(&out.join("a/one.json")), "1");

        let report = write(&out, &[artifact("two.tf", "2b")]).expect("second build");
        assert_eq!(report.removed, vec!["a/one.json".to_string()]);
        assert!(!out.join("a/one.json").exists());
        assert_eq!(read(&out.join("two.tf")), "2b");
        assert!(read(&out.join(MANIFEST)).contains("two.tf"));
    }

    #[test]
    fn never_deletes_files_it_did_not_write() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out");
        write(&out, &[artifact("old.json", "old")]).expect("first build");
        std::fs::write(out.join("NOTES.md"), "mine").expect("user file");

        let report = write(&out, &[artifact("new.json", "new")]).expect("second build");
        assert_eq!(report.removed, vec!["old.json".to_string()]);
        assert_eq!(read(&out.join("NOTES.md")), "mine");
        assert_eq!(read(&out.join("new.json")), "new");
        assert!(!out.join("old.json").exists());
    }

    #[test]
    fn a_build_that_fails_midway_leaves_the_previous_output_intact() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out");
        write(&out, &[artifact("keep.json", "previous")]).expect("first build");
        let before = read(&out.join(MANIFEST));

        // `x` is a file, so `x/y.json` cannot be created: the write fails after `x` was staged.
        let result = write(
            &out,
            &[artifact("x", "file"), artifact("x/y.json", "nested")],
        );
        assert!(result.is_err());
        assert_eq!(read(&out.join("keep.json")), "previous");
        assert_eq!(read(&out.join(MANIFEST)), before);
        assert!(!out.join("x").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(Result::ok)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name != "out")
            .collect();
        assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
    }

    #[test]
    fn refuses_paths_outside_the_output_directory() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out");
        assert!(write(&out, &[artifact("../escape.json", "x")]).is_err());
        assert!(!dir.path().join("escape.json").exists());
    }
}
