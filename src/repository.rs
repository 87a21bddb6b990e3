//! Where a project's files are relative to the root of the repository they are in: CI systems
//! (GitHub code scanning and annotations, Azure Pipelines issues) place a problem on a pull
//! request's line by that path, wherever in the repository the command ran.

use crate::render::ci::RepositoryPaths;
use charter_compiler::Document;
use std::path::{Component, Path, PathBuf};

/// The root of the repository `start` is in: the nearest directory, from `start` up, that holds
/// `.git` (a directory, or a file in a worktree or submodule). `None` outside a repository.
pub fn root(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let mut directory = if start.is_dir() {
        start
    } else {
        start.parent()?.to_path_buf()
    };
    loop {
        if directory.join(".git").exists() {
            return Some(directory);
        }
        directory = directory.parent()?.to_path_buf();
    }
}

/// `path` relative to `root`, `/`-separated; `None` when it is not under `root`.
pub fn relative(path: &Path, root: &Path) -> Option<String> {
    let absolute = std::fs::canonicalize(path).ok()?;
    let rest = absolute.strip_prefix(root).ok()?;
    let parts: Vec<String> = rest
        .components()
        .filter_map(|component| match component {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    Some(parts.join("/"))
}

/// The repository root of the sources (or the current directory outside a repository) and the
/// path of each document relative to it. Documents not on disk (the stdlib) keep their paths.
pub fn paths(documents: &[Document]) -> (Option<PathBuf>, RepositoryPaths) {
    let first = documents
        .iter()
        .find(|document| !document.is_stdlib)
        .map(|document| PathBuf::from(&document.path))
        .unwrap_or_else(|| PathBuf::from("."));
    let root = root(&first).or_else(|| std::env::current_dir().ok());
    let mut out = RepositoryPaths::new();
    if let Some(root) = &root {
        for document in documents.iter().filter(|document| !document.is_stdlib) {
            if let Some(path) = relative(Path::new(&document.path), root) {
                out.insert(document.id, path);
            }
        }
    }
    (root, out)
}
