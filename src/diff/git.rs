//! Reading a version of a project out of git: the `.charter` files and `charter.toml` under a
//! path at a commit, without touching the working tree, the index or any ref.
//!
//! Through the `git` program rather than a library: whoever has a repository to compare has
//! git, and the program reads the repository exactly as the user's git does (worktrees,
//! alternates, partial clones that fetch missing objects, `safe.directory`, SHA-256
//! repositories), which a second implementation would have to keep up with. Three plumbing
//! commands do it: `rev-parse` (the repository and the commit), `ls-tree` (the files and their
//! sizes) and `cat-file --batch` (their contents, in one process).

use crate::project::{MAX_SOURCE_BYTES, SKIPPED_DIRECTORIES};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// A git repository, by its top-level directory.
#[derive(Debug, Clone)]
pub struct Repository {
    /// The working tree's top level, as git reports it (symbolic links resolved).
    pub root: PathBuf,
}

/// One file read from a commit: its path relative to the repository root, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// What a commit holds under a path.
#[derive(Debug, Default)]
pub struct Tree {
    /// The `.charter` files and the project's `charter.toml`, sorted by path.
    pub files: Vec<File>,
    /// Entries that look like sources but cannot be read from git as files (symbolic links,
    /// submodules), relative to the repository root.
    pub skipped: Vec<String>,
}

fn git(directory: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(directory)
        // Never ask for credentials (a partial clone fetching a missing object).
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null());
    command
}

/// Runs git and returns its standard output, or an error with what git said.
fn run(mut command: Command, what: &str) -> Result<Vec<u8>, String> {
    let output = command.output().map_err(|error| {
        if error.kind() == std::io::ErrorKind::NotFound {
            "git is not installed (or not on PATH): comparing revisions needs it".to_string()
        } else {
            format!("cannot run git to {what}: {error}")
        }
    })?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        let said = charter_syntax::diagnostic::sanitize(said.trim());
        return Err(format!("git cannot {what}: {said}"));
    }
    Ok(output.stdout)
}

impl Repository {
    /// The repository `directory` is in, or `None` when it is in none (or git is missing).
    pub fn discover(directory: &Path) -> Option<Repository> {
        let mut command = git(directory);
        command.args(["rev-parse", "--show-toplevel"]);
        let output = command.output().ok()?;
        if !output.status.success() {
            return None;
        }
        let root = String::from_utf8(output.stdout).ok()?;
        Some(Repository {
            root: PathBuf::from(root.trim_end_matches(['\n', '\r'])),
        })
    }

    /// The commit a revision names (`main`, `HEAD~2`, `v1.4`, a hash), or `None` when it names
    /// no commit here.
    pub fn resolve(&self, revision: &str) -> Option<String> {
        // A revision never starts with `-`: it would be read as an option.
        if revision.is_empty() || revision.starts_with('-') {
            return None;
        }
        let mut command = git(&self.root);
        command.args([
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{revision}^{{commit}}"),
        ]);
        let output = command.output().ok()?;
        if !output.status.success() {
            return None;
        }
        let commit = String::from_utf8(output.stdout).ok()?.trim().to_string();
        (!commit.is_empty()).then_some(commit)
    }

    /// `path` (absolute) relative to the repository root, with `/` separators; `None` when it
    /// is outside the repository. Symbolic links in the part of the path that exists are
    /// resolved, as git resolved them in the root.
    pub fn relative(&self, path: &Path) -> Option<String> {
        let absolute = resolve_existing_prefix(path);
        let root = std::fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        let rest = absolute.strip_prefix(&root).ok()?;
        let parts: Vec<String> = rest
            .components()
            .filter_map(|component| match component {
                Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        Some(parts.join("/"))
    }

    /// The project files at `commit` under `prefix` (a directory or a `.charter` file, relative
    /// to the root; empty for the root).
    pub fn read_tree(&self, commit: &str, prefix: &str) -> Result<Tree, String> {
        let entries = self.list(commit, prefix)?;
        let mut tree = Tree::default();
        let mut wanted: Vec<(String, String)> = Vec::new();
        let single_file = entries.len() == 1 && entries[0].path == prefix && !prefix.is_empty();
        let project_root = if single_file {
            prefix.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("")
        } else {
            prefix
        };
        let mut candidates = entries;
        if single_file {
            let manifest = join(project_root, crate::manifest::FILE_NAME);
            candidates.extend(
                self.list(commit, &manifest)?
                    .into_iter()
                    .filter(|entry| entry.path == manifest),
            );
        }
        for entry in candidates {
            let relative = if entry.path == prefix {
                entry.path.rsplit('/').next().unwrap_or("").to_string()
            } else if project_root.is_empty() {
                entry.path.clone()
            } else {
                match entry.path.strip_prefix(&format!("{project_root}/")) {
                    Some(rest) => rest.to_string(),
                    None => continue,
                }
            };
            let (directories, name) = match relative.rsplit_once('/') {
                Some((directories, name)) => (Some(directories), name),
                None => (None, relative.as_str()),
            };
            let is_manifest = directories.is_none() && name == crate::manifest::FILE_NAME;
            if !(name.ends_with(".charter") || is_manifest) {
                continue;
            }
            // The directories `charter check` skips on disk are skipped here too.
            let skipped_directory = directories.is_some_and(|directories| {
                directories
                    .split('/')
                    .any(|part| part.starts_with('.') || SKIPPED_DIRECTORIES.contains(&part))
            });
            if skipped_directory {
                continue;
            }
            if entry.kind != "blob" || entry.mode == "120000" {
                tree.skipped.push(entry.path);
                continue;
            }
            if entry.size > MAX_SOURCE_BYTES {
                return Err(format!(
                    "`{}` at {} is larger than {} MiB, the most Charter reads from one file",
                    entry.path,
                    short(commit),
                    MAX_SOURCE_BYTES / (1024 * 1024)
                ));
            }
            wanted.push((entry.object, entry.path));
        }
        let contents = self.read_blobs(wanted.iter().map(|(object, _)| object.as_str()))?;
        tree.files = wanted
            .into_iter()
            .zip(contents)
            .map(|((_, path), bytes)| File { path, bytes })
            .collect();
        tree.files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(tree)
    }

    fn list(&self, commit: &str, prefix: &str) -> Result<Vec<Entry>, String> {
        let mut command = git(&self.root);
        command.args(["ls-tree", "-r", "-z", "-l", "--full-tree", commit]);
        if !prefix.is_empty() {
            command.args(["--", prefix]);
        }
        let output = run(command, &format!("list the files of {}", short(commit)))?;
        let text = String::from_utf8_lossy(&output);
        let mut entries = Vec::new();
        for record in text.split('\0').filter(|record| !record.is_empty()) {
            // `<mode> SP <type> SP <object> SP+ <size>\t<path>`
            let Some((meta, path)) = record.split_once('\t') else {
                continue;
            };
            let fields: Vec<&str> = meta.split_whitespace().collect();
            let [mode, kind, object, size] = fields.as_slice() else {
                continue;
            };
            let inside =
                prefix.is_empty() || path == prefix || path.starts_with(&format!("{prefix}/"));
            if !inside {
                continue;
            }
            entries.push(Entry {
                mode: mode.to_string(),
                kind: kind.to_string(),
                object: object.to_string(),
                size: size.parse().unwrap_or(0),
                path: path.to_string(),
            });
        }
        Ok(entries)
    }

    /// The contents of blobs, in the order given, through one `git cat-file --batch`.
    fn read_blobs<'a>(
        &self,
        objects: impl Iterator<Item = &'a str>,
    ) -> Result<Vec<Vec<u8>>, String> {
        let objects: Vec<String> = objects.map(str::to_string).collect();
        if objects.is_empty() {
            return Ok(Vec::new());
        }
        let mut command = git(&self.root);
        command
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let cannot = |error: std::io::Error| format!("cannot read the files from git: {error}");
        let mut child = command.spawn().map_err(cannot)?;
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| "cannot write to git cat-file".to_string())?;
        // Written from another thread: git answers while it reads, and a pipe holds only so
        // much of the answer.
        let request: String = objects.iter().map(|object| format!("{object}\n")).collect();
        let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| "cannot read from git cat-file".to_string())?;
        let mut reader = BufReader::new(stdout);
        let mut contents = Vec::with_capacity(objects.len());
        for object in &objects {
            let mut header = String::new();
            reader.read_line(&mut header).map_err(cannot)?;
            // `<object> blob <size>`, or `<object> missing`.
            let size: Option<usize> = header
                .trim_end()
                .strip_prefix(object.as_str())
                .and_then(|rest| rest.strip_prefix(" blob "))
                .and_then(|size| size.parse().ok());
            let Some(size) = size else {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "git cannot read object {object}: {}",
                    charter_syntax::diagnostic::sanitize(header.trim())
                ));
            };
            let mut bytes = vec![0; size];
            reader.read_exact(&mut bytes).map_err(cannot)?;
            let mut newline = [0u8; 1];
            reader.read_exact(&mut newline).map_err(cannot)?;
            contents.push(bytes);
        }
        drop(reader);
        let _ = writer.join();
        let _ = child.wait();
        Ok(contents)
    }
}

#[derive(Debug)]
struct Entry {
    mode: String,
    kind: String,
    object: String,
    size: u64,
    path: String,
}

/// The first 12 hex digits of a commit, as people quote it.
pub fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

fn join(directory: &str, name: &str) -> String {
    if directory.is_empty() {
        name.to_string()
    } else {
        format!("{directory}/{name}")
    }
}

/// `path` made absolute, `.` and `..` applied, with the longest prefix that exists resolved
/// through its symbolic links (the rest may not exist in the working tree: a project that a
/// revision has and the working tree does not).
pub fn resolve_existing_prefix(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut normal = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    let mut existing = normal.clone();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(&existing) {
            let mut out = real;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (
            existing.file_name().map(|name| name.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return normal,
        }
    }
}
