//! Writes a build's artifacts so that whoever reads the output directory, at any moment and
//! after any failure or kill, finds either the previous build or the new one, complete; and
//! removes what an earlier build wrote and this one no longer produces (tracked in
//! `manifest.json` with content hashes) without ever deleting a file Charter did not write.
//!
//! How (docs/security.md states the guarantees):
//!
//! 1. A lock on the output's parent directory serialises builds into it: a second build waits.
//! 2. What a killed build left behind is cleaned up: staging directories (`.charter-stage-*`),
//!    and an output directory moved aside (`.charter-aside-NAME`) goes back into place.
//! 3. The new tree, manifest included, is written into a staging directory beside the output
//!    (so on the same file system). Whatever the output holds that Charter did not write (files,
//!    symbolic links, directories with their modes, empty ones too) is hard-linked (or copied)
//!    into it at the same paths, and the output directory's own mode is copied.
//! 4. The staging directory and the output directory are exchanged in one step
//!    (`renameat2(RENAME_EXCHANGE)` on Linux, `renameatx_np(RENAME_SWAP)` on macOS); where the
//!    file system cannot, by two renames, which a kill between them leaves for the next build
//!    to undo. A file the user replaced in the old tree meanwhile is moved into the new one;
//!    then the old tree is deleted.
//!
//! When the output directory itself cannot be replaced (a mount point such as a container
//! volume, a parent directory that is not writable, or the current directory), the staging
//! directory is made inside it and each of Charter's top-level entries (`azure-policy/`,
//! `terraform/`) is exchanged in turn, the manifest last: there, a kill between two exchanges
//! leaves a mix that the next build replaces.

use charter_ir::Artifact;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

pub const MANIFEST: &str = "manifest.json";

/// The prefix of staging directories, beside the output directory or inside it.
const STAGING_PREFIX: &str = ".charter-stage-";

/// The prefix of the name an output directory (or one of its entries) is moved to while it is
/// replaced by two renames; a kill in between leaves it there, and the next build moves it back.
const ASIDE_PREFIX: &str = ".charter-aside-";

/// The prefix earlier versions of Charter gave their staging directories.
const LEGACY_STAGING_PREFIX: &str = ".charter-build-";

/// What a build wrote.
#[derive(Debug, Default)]
pub struct WriteReport {
    pub written: usize,
    pub unchanged: usize,
    pub removed: Vec<String>,
}

/// Why a build's output could not be written, and whether the previous output is intact.
#[derive(Debug)]
pub struct WriteError {
    pub error: io::Error,
    /// True when the output directory still holds the previous build, untouched.
    pub output_unchanged: bool,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.output_unchanged {
            write!(f, "{}; the previous output is unchanged", self.error)
        } else {
            write!(
                f,
                "{}; the output directory may now mix the previous build and this one: build again",
                self.error
            )
        }
    }
}

impl From<io::Error> for WriteError {
    fn from(error: io::Error) -> WriteError {
        WriteError {
            error,
            output_unchanged: true,
        }
    }
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

/// Writes `artifacts` (plus the manifest) into `out_dir`, replacing an earlier build's output.
pub fn write(out_dir: &Path, artifacts: &[Artifact]) -> Result<WriteReport, WriteError> {
    let mut all: Vec<Artifact> = artifacts.to_vec();
    for artifact in &all {
        if !is_safe_relative(&artifact.path) || artifact.path == MANIFEST {
            return Err(io::Error::other(format!(
                "refusing to write `{}`: not a plain relative path",
                artifact.path
            ))
            .into());
        }
    }
    all.push(manifest(artifacts));

    // `-o LINK` writes where the link points and keeps the link.
    let resolved = resolve_links(out_dir)?;
    let target = match resolved.file_name() {
        Some(name) => {
            let parent = parent_of(&resolved);
            std::fs::create_dir_all(&parent)?;
            std::fs::canonicalize(&parent)?.join(name)
        }
        // `.`, `..` or `/`.
        None => std::fs::canonicalize(&resolved)?,
    };
    let parent = parent_of(&target);
    let _lock = BuildLock::acquire(&parent)?;
    recover_interrupted_builds(&parent, &target);
    let exists = match std::fs::symlink_metadata(&target) {
        Ok(metadata) if metadata.is_dir() => true,
        Ok(_) => {
            return Err(io::Error::other(format!(
                "`{}` exists and is not a directory",
                target.display()
            ))
            .into())
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => false,
        Err(error) => return Err(error.into()),
    };

    let plan = Plan::new(&target, &all);
    let report = plan.report(&target);
    if exists && report.written == 0 && report.removed.is_empty() {
        // Every file is already as this build would write it.
        return Ok(report);
    }
    if !exists {
        create(&parent, &target, &plan)?;
    } else if can_replace_whole(&parent, &target) {
        match replace_whole(&parent, &target, &plan) {
            Err(Attempt::CannotReplaceDirectory) => replace_entries(&target, &plan)?,
            Err(Attempt::Failed(error)) => return Err(error),
            Ok(()) => {}
        }
    } else {
        replace_entries(&target, &plan)?;
    }
    Ok(report)
}

/// What a build writes, and what the previous one wrote.
struct Plan<'a> {
    all: &'a [Artifact],
    /// Paths of the previous manifest: files Charter wrote, which this build replaces or drops.
    previous: BTreeSet<String>,
    /// Paths this build writes (the manifest included).
    produced: BTreeSet<String>,
    /// The directories that hold them.
    produced_directories: BTreeSet<String>,
}

impl Plan<'_> {
    fn new<'a>(target: &Path, all: &'a [Artifact]) -> Plan<'a> {
        let produced: BTreeSet<String> = all.iter().map(|a| a.path.clone()).collect();
        let mut produced_directories = BTreeSet::new();
        for path in &produced {
            let mut current = Path::new(path).parent();
            while let Some(directory) = current.filter(|d| !d.as_os_str().is_empty()) {
                produced_directories.insert(key(directory));
                current = directory.parent();
            }
        }
        Plan {
            all,
            previous: previous_files(target),
            produced,
            produced_directories,
        }
    }

    fn report(&self, target: &Path) -> WriteReport {
        let mut report = WriteReport::default();
        for artifact in self.all {
            let unchanged = std::fs::read(target.join(&artifact.path))
                .map(|old| old == artifact.contents.as_bytes())
                .unwrap_or(false);
            if unchanged {
                report.unchanged += 1;
            } else {
                report.written += 1;
            }
        }
        report.removed = self
            .previous
            .iter()
            .filter(|path| !self.produced.contains(*path) && target.join(path).exists())
            .cloned()
            .collect();
        report
    }

    /// The top-level names this build or the previous one wrote (`azure-policy`, `terraform`,
    /// `manifest.json`): what replacing entry by entry replaces.
    fn top_level_entries(&self) -> BTreeSet<OsString> {
        self.produced
            .iter()
            .chain(&self.previous)
            .filter_map(|path| Path::new(path).components().next())
            .map(|component| component.as_os_str().to_os_string())
            .collect()
    }

    /// Whether an entry of the old tree at `relative` was written by Charter (or stands where
    /// this build writes), so that it is not carried into the new tree.
    fn replaces(&self, relative: &str) -> bool {
        relative == MANIFEST
            || self.previous.contains(relative)
            || self.produced.contains(relative)
            || self.produced_directories.contains(relative)
            || self.under_an_artifact(relative)
    }

    /// Whether some ancestor of `relative` is a file this build writes (so it cannot exist).
    fn under_an_artifact(&self, relative: &str) -> bool {
        let mut current = Path::new(relative).parent();
        while let Some(directory) = current.filter(|d| !d.as_os_str().is_empty()) {
            if self.produced.contains(&key(directory)) {
                return true;
            }
            current = directory.parent();
        }
        false
    }

    /// Writes every artifact under `root`.
    fn stage(&self, root: &Path) -> io::Result<()> {
        for artifact in self.all {
            let path = root.join(&artifact.path);
            if let Some(directory) = path.parent() {
                std::fs::create_dir_all(directory)?;
            }
            let mut file = std::fs::File::create(&path)?;
            file.write_all(artifact.contents.as_bytes())?;
            file.sync_all()?;
        }
        Ok(())
    }

    /// Links into `stage` what the old tree at `old_root` holds that Charter did not write, at
    /// the same paths, and gives the staged directories the modes of the old ones (creating
    /// the old tree's empty directories). With `only`, just those top-level entries are looked
    /// at. Directories that held only files of the previous build are not recreated.
    fn carry_over(
        &self,
        old_root: &Path,
        stage: &Path,
        only: Option<&BTreeSet<OsString>>,
    ) -> io::Result<()> {
        let mut directories = Vec::new();
        let mut pending = vec![PathBuf::new()];
        while let Some(relative) = pending.pop() {
            let mut empty = true;
            for entry in std::fs::read_dir(old_root.join(&relative))? {
                let entry = entry?;
                empty = false;
                let name = entry.file_name();
                if relative.as_os_str().is_empty()
                    && (is_ours(&name) || only.is_some_and(|only| !only.contains(&name)))
                {
                    continue;
                }
                let entry_relative = relative.join(&name);
                let entry_key = key(&entry_relative);
                if entry.file_type()?.is_dir() {
                    if self.produced.contains(&entry_key) || self.under_an_artifact(&entry_key) {
                        return Err(io::Error::other(format!(
                            "the directory `{entry_key}` is where this build writes a file; move it out of the output directory"
                        )));
                    }
                    pending.push(entry_relative);
                } else if !self.replaces(&entry_key) {
                    link_or_copy(&entry.path(), &stage.join(&entry_relative))?;
                }
            }
            let permissions = std::fs::metadata(old_root.join(&relative))?.permissions();
            directories.push((relative, permissions, empty));
        }
        // Deepest first, so that a read-only directory is filled before its mode is set.
        directories
            .sort_by_key(|(relative, _, _)| std::cmp::Reverse(relative.components().count()));
        for (relative, permissions, empty) in directories {
            if relative.as_os_str().is_empty() {
                continue;
            }
            let staged = stage.join(&relative);
            if std::fs::symlink_metadata(&staged).is_err() {
                if !empty {
                    continue;
                }
                std::fs::create_dir_all(&staged)?;
            }
            std::fs::set_permissions(&staged, permissions)?;
        }
        Ok(())
    }

    /// After a swap, moves into the new tree any file of the old tree that is not there: one
    /// the user created or replaced (an editor saving by rename) after it was linked.
    fn rescue(&self, old_root: &Path, new_root: &Path, only: Option<&BTreeSet<OsString>>) {
        let mut pending = vec![PathBuf::new()];
        while let Some(relative) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(old_root.join(&relative)) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name();
                if relative.as_os_str().is_empty()
                    && (is_ours(&name) || only.is_some_and(|only| !only.contains(&name)))
                {
                    continue;
                }
                let entry_relative = relative.join(&name);
                let entry_key = key(&entry_relative);
                let Ok(file_type) = entry.file_type() else {
                    continue;
                };
                if file_type.is_dir() {
                    pending.push(entry_relative);
                } else if !self.replaces(&entry_key) {
                    let destination = new_root.join(&entry_relative);
                    if !same_entry(&entry.path(), &destination) {
                        if let Some(directory) = destination.parent() {
                            let _ = std::fs::create_dir_all(directory);
                        }
                        let _ = std::fs::rename(entry.path(), &destination);
                    }
                }
            }
        }
    }
}

/// A relative path as the manifest spells it (`/` separators).
fn key(relative: &Path) -> String {
    relative.to_string_lossy().replace('\\', "/")
}

/// Whether a top-level name is one of the build's own working directories.
fn is_ours(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with(STAGING_PREFIX) || name.starts_with(ASIDE_PREFIX)
}

/// Whether two paths name the same file (not following symbolic links).
fn same_entry(a: &Path, b: &Path) -> bool {
    match (std::fs::symlink_metadata(a), std::fs::symlink_metadata(b)) {
        (Ok(a), Ok(b)) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                a.dev() == b.dev() && a.ino() == b.ino()
            }
            #[cfg(not(unix))]
            {
                a.len() == b.len() && a.modified().ok() == b.modified().ok()
            }
        }
        _ => false,
    }
}

/// Puts a file of the old tree into the new one: a hard link (the same file, so nothing is
/// copied and edits through either name agree), else a copy of a regular file or a new
/// symbolic link with the same target.
fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(directory) = to.parent() {
        std::fs::create_dir_all(directory)?;
    }
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    let metadata = std::fs::symlink_metadata(from)?;
    if metadata.file_type().is_symlink() {
        #[cfg(unix)]
        return std::os::unix::fs::symlink(std::fs::read_link(from)?, to);
    }
    if metadata.is_file() {
        return std::fs::copy(from, to).map(|_| ());
    }
    Err(io::Error::other(format!(
        "cannot carry `{}` over into the new output: it cannot be linked or copied",
        from.display()
    )))
}

/// Follows symbolic links at the end of `path`, so that `-o LINK` writes into the directory
/// the link points to rather than replacing the link.
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    // Without a trailing `/` or `.`, which would make the file system follow the link itself.
    let mut current: PathBuf = path.components().collect();
    if current.as_os_str().is_empty() {
        current = PathBuf::from(".");
    }
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let destination = std::fs::read_link(&current)?;
                current = parent_of(&current).join(destination).components().collect();
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other(format!(
        "`{}`: too many levels of symbolic links",
        path.display()
    )))
}

/// The directory that holds `path` (`.` for a bare name).
fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A lock that serialises builds into the same parent directory, held until dropped.
struct BuildLock {
    _file: Option<std::fs::File>,
}

impl BuildLock {
    fn acquire(parent: &Path) -> io::Result<BuildLock> {
        // On Unix the directory itself is locked (`flock`), so no lock file is left behind.
        #[cfg(unix)]
        let opened = std::fs::File::open(parent);
        #[cfg(not(unix))]
        let opened = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(parent.join(".charter-build.lock"));
        let file = match opened {
            Ok(file) => file,
            Err(error) => return Ok(BuildLock::without(parent, &error)),
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                eprintln!(
                    "note: waiting for another `charter build` into `{}` to finish",
                    parent.display()
                );
                file.lock()?;
            }
            // Some network file systems cannot lock a directory.
            Err(std::fs::TryLockError::Error(error)) => {
                return Ok(BuildLock::without(parent, &error))
            }
        }
        Ok(BuildLock { _file: Some(file) })
    }

    /// No lock (the directory cannot be opened or locked): build anyway, and say so.
    fn without(parent: &Path, error: &io::Error) -> BuildLock {
        eprintln!(
            "warning: cannot lock `{}` ({error}): builds running at the same time may interleave",
            parent.display()
        );
        BuildLock { _file: None }
    }
}

/// Undoes what a killed build left behind (run under the lock): an output directory or entry
/// moved aside goes back where it was when nothing replaced it, and is deleted otherwise;
/// staging directories are deleted.
fn recover_interrupted_builds(parent: &Path, target: &Path) {
    for directory in [parent, target] {
        let Ok(entries) = std::fs::read_dir(directory) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let path = entry.path();
            if let Some(original) = name.strip_prefix(ASIDE_PREFIX) {
                let original = directory.join(original);
                if std::fs::symlink_metadata(&original).is_err() {
                    let _ = std::fs::rename(&path, &original);
                    continue;
                }
                remove_tree(&path);
            } else if name.starts_with(STAGING_PREFIX)
                || (directory == parent && name.starts_with(LEGACY_STAGING_PREFIX))
            {
                remove_tree(&path);
            }
        }
    }
}

/// Deletes a tree Charter moved or staged (never following symbolic links), first making
/// its directories writable so that read-only ones carried over can be emptied.
fn remove_tree(path: &Path) {
    let Ok(metadata) = std::fs::symlink_metadata(path) else {
        return;
    };
    if !metadata.is_dir() {
        let _ = std::fs::remove_file(path);
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut pending = vec![path.to_path_buf()];
        while let Some(directory) = pending.pop() {
            if let Ok(metadata) = std::fs::symlink_metadata(&directory) {
                if metadata.is_dir() {
                    let mode = metadata.permissions().mode();
                    if mode & 0o700 != 0o700 {
                        let _ = std::fs::set_permissions(
                            &directory,
                            std::fs::Permissions::from_mode(mode | 0o700),
                        );
                    }
                    if let Ok(entries) = std::fs::read_dir(&directory) {
                        for entry in entries.flatten() {
                            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                                pending.push(entry.path());
                            }
                        }
                    }
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(path);
}

/// How an attempt to replace the whole output directory ended, when it did not succeed.
enum Attempt {
    /// The directory cannot be renamed (a mount point) or nothing can be made beside it: try
    /// entry by entry inside it. Nothing was changed.
    CannotReplaceDirectory,
    Failed(WriteError),
}

impl From<io::Error> for Attempt {
    fn from(error: io::Error) -> Attempt {
        Attempt::Failed(error.into())
    }
}

/// Whether the output directory may be replaced as a whole: not the current directory or one
/// of its ancestors (processes working there would be left in the deleted tree), and not a
/// mount point (a directory on another device than its parent cannot be renamed).
fn can_replace_whole(parent: &Path, target: &Path) -> bool {
    if target.parent().is_none() {
        return false;
    }
    if std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .is_ok_and(|current| current.starts_with(target))
    {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(outer), Ok(inner)) = (std::fs::metadata(parent), std::fs::metadata(target)) {
            return outer.dev() == inner.dev();
        }
    }
    let _ = parent;
    true
}

/// Whether an error means the directory cannot be replaced by renaming (rather than that
/// something is wrong): it is a mount point, or its parent is read-only or not ours.
fn cannot_replace_directory(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::PermissionDenied
            | io::ErrorKind::ReadOnlyFilesystem
            | io::ErrorKind::ResourceBusy
            | io::ErrorKind::CrossesDevices
    )
}

/// Whether an exchange failed only because the system or file system cannot exchange.
fn exchange_unsupported(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::Unsupported || unsupported_errno(error)
}

#[cfg(unix)]
fn unsupported_errno(error: &io::Error) -> bool {
    use rustix::io::Errno;
    let code = error.raw_os_error();
    [Errno::INVAL, Errno::NOSYS, Errno::OPNOTSUPP, Errno::NOTSUP]
        .iter()
        .any(|errno| Some(errno.raw_os_error()) == code)
}

#[cfg(not(unix))]
fn unsupported_errno(_error: &io::Error) -> bool {
    false
}

/// Exchanges two directory entries in one step.
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
    {
        let _ = (a, b);
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }
}

/// Puts `new` at `current` and the previous `current` at `new`: in one step where the system
/// can, else by moving `current` to `aside` first (a kill then leaves it for the next build to
/// move back).
fn swap(new: &Path, current: &Path, aside: &Path) -> io::Result<()> {
    match exchange(new, current) {
        Ok(()) => Ok(()),
        Err(error) if exchange_unsupported(&error) => {
            std::fs::rename(current, aside)?;
            if let Err(error) = std::fs::rename(new, current) {
                let _ = std::fs::rename(aside, current);
                return Err(error);
            }
            std::fs::rename(aside, new)
        }
        Err(error) => Err(error),
    }
}

/// The name an entry is moved to while it is swapped by two renames.
fn aside_path(directory: &Path, name: &std::ffi::OsStr) -> PathBuf {
    let mut aside = OsString::from(ASIDE_PREFIX);
    aside.push(name);
    directory.join(aside)
}

fn staging_directory(directory: &Path) -> io::Result<PathBuf> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(STAGING_PREFIX);
    // The usual mode of a new directory (0o777 less the umask), not tempfile's private one:
    // the staging directory becomes the output directory.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o777));
    }
    Ok(builder.tempdir_in(directory)?.keep())
}

/// The first build: stage beside the output directory, then rename it into place.
fn create(parent: &Path, target: &Path, plan: &Plan<'_>) -> io::Result<()> {
    let staging = staging_directory(parent)?;
    let result = plan
        .stage(&staging)
        .and_then(|()| std::fs::rename(&staging, target));
    if result.is_err() {
        remove_tree(&staging);
    }
    result
}

/// Replaces the output directory as a whole (see the module documentation).
fn replace_whole(parent: &Path, target: &Path, plan: &Plan<'_>) -> Result<(), Attempt> {
    let staging = match staging_directory(parent) {
        Ok(staging) => staging,
        Err(error) if cannot_replace_directory(&error) => {
            return Err(Attempt::CannotReplaceDirectory)
        }
        Err(error) => return Err(error.into()),
    };
    let prepared = plan
        .stage(&staging)
        .and_then(|()| plan.carry_over(target, &staging, None))
        .and_then(|()| {
            std::fs::set_permissions(&staging, std::fs::metadata(target)?.permissions())
        });
    if let Err(error) = prepared {
        remove_tree(&staging);
        return Err(error.into());
    }
    let name = target.file_name().unwrap_or_default();
    if let Err(error) = swap(&staging, target, &aside_path(parent, name)) {
        remove_tree(&staging);
        if cannot_replace_directory(&error) {
            return Err(Attempt::CannotReplaceDirectory);
        }
        return Err(error.into());
    }
    // `staging` now holds the previous tree.
    plan.rescue(&staging, target, None);
    remove_tree(&staging);
    Ok(())
}

/// Replaces Charter's top-level entries inside the output directory one by one, the
/// manifest last (see the module documentation).
fn replace_entries(target: &Path, plan: &Plan<'_>) -> Result<(), WriteError> {
    let staging = staging_directory(target)?;
    let entries = plan.top_level_entries();
    let prepared = plan
        .stage(&staging)
        .and_then(|()| plan.carry_over(target, &staging, Some(&entries)));
    if let Err(error) = prepared {
        remove_tree(&staging);
        return Err(error.into());
    }
    let mut changed_anything = false;
    let mut swap_entries = || -> io::Result<()> {
        let manifest = OsString::from(MANIFEST);
        for name in entries.iter().filter(|name| **name != manifest) {
            let new = staging.join(name);
            let current = target.join(name);
            let new_exists = std::fs::symlink_metadata(&new).is_ok();
            let current_exists = std::fs::symlink_metadata(&current).is_ok();
            match (new_exists, current_exists) {
                (true, true) => swap(&new, &current, &aside_path(target, name))?,
                (true, false) => std::fs::rename(&new, &current)?,
                // An entry of the previous build that this one no longer writes.
                (false, true) => std::fs::rename(&current, &new)?,
                (false, false) => continue,
            }
            changed_anything = true;
        }
        std::fs::rename(staging.join(MANIFEST), target.join(MANIFEST))
    };
    let swapped = swap_entries();
    if let Err(error) = swapped {
        remove_tree(&staging);
        return Err(WriteError {
            error,
            output_unchanged: !changed_anything,
        });
    }
    // `staging` now holds the previous entries.
    plan.rescue(&staging, target, Some(&entries));
    remove_tree(&staging);
    Ok(())
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

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::symlink_metadata(path)
            .map(|m| m.permissions().mode() & 0o7777)
            .unwrap_or(0)
    }

    #[cfg(unix)]
    fn set_mode(path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("list")
            .filter_map(Result::ok)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[cfg(unix)]
    #[test]
    fn an_output_path_that_is_a_symbolic_link_stays_a_link() {
        let dir = tempfile::tempdir().expect("temp dir");
        let real = dir.path().join("real");
        std::fs::create_dir(&real).expect("mkdir");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("real", &link).expect("symlink");
        write(&link, &[artifact("a.json", "1")]).expect("first build");
        write(&link, &[artifact("a.json", "2")]).expect("second build");
        assert!(std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink());
        assert_eq!(read(&real.join("a.json")), "2");
        assert_eq!(names(dir.path()), vec!["link", "real"]);
    }

    #[cfg(unix)]
    #[test]
    fn user_directories_keep_their_modes_and_empty_ones_survive() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out");
        write(&out, &[artifact("azure-policy/a.json", "1")]).expect("first build");
        std::fs::create_dir_all(out.join("notes/empty")).expect("mkdir");
        std::fs::write(out.join("notes/todo.md"), "mine").expect("user file");
        std::fs::write(out.join("azure-policy/README.md"), "mine too").expect("user file");
        std::os::unix::fs::symlink("../notes/todo.md", out.join("azure-policy/todo"))
            .expect("symlink");
        set_mode(&out.join("notes"), 0o750);
        set_mode(&out.join("notes/empty"), 0o700);
        set_mode(&out.join("azure-policy"), 0o711);
        set_mode(&out, 0o701);
        let inode = |path: &Path| {
            use std::os::unix::fs::MetadataExt;
            std::fs::metadata(path).map(|m| m.ino()).unwrap_or(0)
        };
        let todo = inode(&out.join("notes/todo.md"));

        write(&out, &[artifact("azure-policy/b.json", "2")]).expect("second build");
        assert_eq!(read(&out.join("azure-policy/b.json")), "2");
        assert!(!out.join("azure-policy/a.json").exists());
        assert_eq!(read(&out.join("notes/todo.md")), "mine");
        assert_eq!(inode(&out.join("notes/todo.md")), todo, "the same file");
        assert_eq!(read(&out.join("azure-policy/README.md")), "mine too");
        assert_eq!(read(&out.join("azure-policy/todo")), "mine");
        assert!(out.join("notes/empty").is_dir());
        assert_eq!(mode(&out.join("notes")), 0o750);
        assert_eq!(mode(&out.join("notes/empty")), 0o700);
        assert_eq!(mode(&out.join("azure-policy")), 0o711);
        assert_eq!(mode(&out), 0o701);
        assert_eq!(names(dir.path()), vec!["out"], "nothing left beside it");
    }

    #[test]
    fn directories_that_held_only_stale_files_go_away() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out");
        write(
            &out,
            &[artifact("a/b/c.json", "1"), artifact("d.json", "1")],
        )
        .expect("first");
        std::fs::write(out.join("mine.txt"), "x").expect("user file");
        write(&out, &[artifact("d.json", "2")]).expect("second");
        assert_eq!(names(&out), vec!["d.json", "manifest.json", "mine.txt"]);
    }

    #[test]
    fn what_a_killed_build_left_is_cleaned_or_put_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out");
        write(&out, &[artifact("a.json", "1")]).expect("first build");
        // A staging directory beside the output, and one inside it (entry by entry).
        std::fs::create_dir_all(dir.path().join(".charter-stage-abc/azure-policy")).expect("mkdir");
        std::fs::create_dir_all(out.join(".charter-stage-def")).expect("mkdir");
        std::fs::create_dir_all(dir.path().join(".charter-build-old")).expect("mkdir");
        // A build killed between the two renames of a swap: the output is aside.
        std::fs::rename(&out, dir.path().join(".charter-aside-out")).expect("move aside");

        write(&out, &[artifact("a.json", "1")]).expect("second build");
        assert_eq!(names(dir.path()), vec!["out"]);
        assert_eq!(names(&out), vec!["a.json", "manifest.json"]);
    }

    #[test]
    fn replacing_entry_by_entry_keeps_other_files_and_writes_the_manifest_last() {
        // What a build into a mount point does (the directory itself cannot be renamed).
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out");
        write(
            &out,
            &[
                artifact("azure-policy/a.json", "1"),
                artifact("old/x.tf", "1"),
            ],
        )
        .expect("first build");
        std::fs::write(out.join("notes.md"), "mine").expect("user file");
        std::fs::write(out.join("azure-policy/keep.md"), "mine").expect("user file");
        let all = [
            artifact("azure-policy/a.json", "2"),
            manifest(&[artifact("azure-policy/a.json", "2")]),
        ];
        let plan = Plan::new(&out, &all);
        replace_entries(&out, &plan).expect("replace entry by entry");
        assert_eq!(read(&out.join("azure-policy/a.json")), "2");
        assert_eq!(read(&out.join("azure-policy/keep.md")), "mine");
        assert_eq!(read(&out.join("notes.md")), "mine");
        assert!(!out.join("old").exists());
        assert_eq!(
            names(&out),
            vec!["azure-policy", "manifest.json", "notes.md"]
        );
        assert!(read(&out.join(MANIFEST)).contains("azure-policy/a.json"));
    }

    #[test]
    fn an_unchanged_build_touches_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out");
        write(&out, &[artifact("a.json", "1")]).expect("first build");
        let report = write(&out, &[artifact("a.json", "1")]).expect("second build");
        assert_eq!(report.written, 0);
        assert_eq!(report.unchanged, 2);
    }

    #[test]
    fn a_user_directory_where_a_file_goes_is_an_error_not_a_loss() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out");
        write(&out, &[artifact("a.json", "1")]).expect("first build");
        std::fs::create_dir_all(out.join("b.json")).expect("mkdir");
        std::fs::write(out.join("b.json/mine"), "x").expect("user file");
        let error = write(&out, &[artifact("b.json", "2")]).expect_err("in the way");
        assert!(error.output_unchanged);
        assert!(error.to_string().contains("b.json"), "{error}");
        assert_eq!(read(&out.join("b.json/mine")), "x");
    }
}
