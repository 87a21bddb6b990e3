//! Finding a project's root: walk up from a file or a directory to the nearest directory that
//! holds a `charter.toml`; without one, the directory given (a file's own directory), which is
//! what Charter did before projects had manifests.

use std::path::{Component, Path, PathBuf};

use crate::manifest::{self, Manifest};

/// Directories never searched for sources: build output and dependency folders (hidden
/// folders such as `.git` are skipped too).
pub const SKIPPED_DIRECTORIES: &[&str] = &["target", "node_modules", "out"];

/// Whether a directory of this name is never searched for sources.
pub fn is_skipped_name(name: &str) -> bool {
    name.starts_with('.') || SKIPPED_DIRECTORIES.contains(&name)
}

/// A project's root directory and its manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectRoot {
    /// The directory that holds the manifest, or the directory given when there is none.
    pub root: PathBuf,
    /// The parsed manifest; `None` without one.
    pub manifest: Option<Manifest>,
    /// The manifest's ignored folders, joined to `root`.
    ignored: Vec<PathBuf>,
}

impl ProjectRoot {
    /// A project rooted at `root` with `manifest`.
    pub fn new(root: PathBuf, manifest: Option<Manifest>) -> ProjectRoot {
        let ignored = manifest
            .as_ref()
            .map(|manifest| {
                manifest
                    .ignored()
                    .iter()
                    .map(|folder| root.join(folder))
                    .collect()
            })
            .unwrap_or_default();
        ProjectRoot {
            root,
            manifest,
            ignored,
        }
    }

    /// Whether the project has a manifest (its root was found, not assumed).
    pub fn has_manifest(&self) -> bool {
        self.manifest.is_some()
    }

    /// The manifest's path, when there is one.
    pub fn manifest_path(&self) -> Option<PathBuf> {
        self.manifest.as_ref().map(|_| self.root.join(FILE))
    }

    /// Whether `path` (a file or directory under the root) is left out of the project: it is
    /// inside a skipped folder (hidden, `target`, `node_modules`, `out`) below the root, or
    /// inside a folder the manifest's `ignore` lists.
    pub fn ignores(&self, path: &Path) -> bool {
        if self.ignored.iter().any(|folder| path.starts_with(folder)) {
            return true;
        }
        let Ok(relative) = path.strip_prefix(&self.root) else {
            return false;
        };
        let mut parts: Vec<Component> = relative.components().collect();
        // The file itself is judged by its folders only.
        if path.extension().is_some_and(|e| e == "charter") {
            parts.pop();
        }
        parts.iter().any(|part| match part {
            Component::Normal(name) => name.to_str().is_some_and(is_skipped_name),
            _ => false,
        })
    }

    /// Whether `directory` is the root of another project nested inside this one (it holds a
    /// manifest of its own), so its sources belong there and not here.
    pub fn is_nested_project(&self, directory: &Path) -> bool {
        directory != self.root && directory.join(FILE).is_file()
    }
}

const FILE: &str = manifest::FILE_NAME;

/// The directory of `path`: itself when it is a directory, its parent otherwise.
fn directory_of(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.to_path_buf()
    } else {
        match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }
}

/// The nearest directory at or above `path`'s directory that holds a `charter.toml`.
pub fn find_manifest_dir(path: &Path) -> Option<PathBuf> {
    let start = directory_of(path);
    // Walking up needs an absolute path (`..` of a relative one is lexical); the root found is
    // given back relative to where the walk started when it can be, so messages keep the
    // user's spelling.
    let absolute = std::path::absolute(&start).ok()?;
    for (depth, directory) in absolute.ancestors().enumerate() {
        if directory.join(FILE).is_file() {
            if depth == 0 {
                return Some(start);
            }
            let mut relative = start.clone();
            for _ in 0..depth {
                relative.push("..");
            }
            return Some(if start.is_absolute() {
                directory.to_path_buf()
            } else {
                lexical_normal(&relative)
            });
        }
    }
    None
}

/// A relative path without `.` and with `x/..` pairs removed: `a/b/../..` is `.`, `a/b/..`
/// is `a`, `./..` is `..` (every part names a real directory, so this is exact).
fn lexical_normal(path: &Path) -> PathBuf {
    let mut parts: Vec<Component> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                _ => parts.push(component),
            },
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return PathBuf::from(".");
    }
    parts.iter().collect()
}

/// The project that holds `path` (a `.charter` file or a directory): the nearest directory at
/// or above it with a `charter.toml`, with that manifest; without one, `path`'s directory and
/// no manifest. A manifest that cannot be read or parsed is an error naming the file, line and
/// column.
pub fn discover(path: &Path) -> Result<ProjectRoot, String> {
    match find_manifest_dir(path) {
        Some(root) => {
            let manifest = manifest::load(&root)?;
            Ok(ProjectRoot::new(root, manifest))
        }
        None => Ok(ProjectRoot::new(directory_of(path), None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn walks_up_to_the_nearest_manifest_and_falls_back_to_the_directory() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let root = dir.path();
        write(&root.join("a/charter.toml"), "[project]\nname = \"a\"\n");
        write(&root.join("a/workloads/x.charter"), "");
        write(
            &root.join("a/inner/charter.toml"),
            "[project]\nname = \"inner\"\n",
        );
        write(&root.join("a/inner/y.charter"), "");
        write(&root.join("loose/z.charter"), "");

        let found = discover(&root.join("a/workloads/x.charter")).expect("discovered");
        assert_eq!(found.root, root.join("a"));
        assert_eq!(
            found.manifest.and_then(|m| m.project.name).as_deref(),
            Some("a")
        );
        let inner = discover(&root.join("a/inner")).expect("discovered");
        assert_eq!(inner.root, root.join("a/inner"));
        let loose = discover(&root.join("loose/z.charter")).expect("discovered");
        assert_eq!(loose.root, root.join("loose"));
        assert!(!loose.has_manifest());
        let outer = discover(&root.join("a")).expect("discovered");
        assert!(outer.is_nested_project(&root.join("a/inner")));
        assert!(!outer.is_nested_project(&root.join("a/workloads")));
    }

    #[test]
    fn a_relative_start_gives_a_relative_root() {
        assert_eq!(lexical_normal(Path::new("a/b/../..")), PathBuf::from("."));
        assert_eq!(lexical_normal(Path::new("a/b/..")), PathBuf::from("a"));
        assert_eq!(lexical_normal(Path::new("./..")), PathBuf::from(".."));
    }

    #[test]
    fn skipped_and_ignored_folders() {
        let manifest = manifest::parse("[project]\nignore = [\"drafts\", \"old/v1/\"]\n")
            .expect("a valid manifest");
        let project = ProjectRoot::new(PathBuf::from("/p"), Some(manifest));
        assert!(project.ignores(Path::new("/p/drafts/a.charter")));
        assert!(project.ignores(Path::new("/p/old/v1/deep/a.charter")));
        assert!(!project.ignores(Path::new("/p/old/v2/a.charter")));
        assert!(project.ignores(Path::new("/p/out/a.charter")));
        assert!(project.ignores(Path::new("/p/x/.git/a.charter")));
        assert!(!project.ignores(Path::new("/p/policies/a.charter")));
        // A root that is itself inside `out/` or a hidden folder is not ignored for that.
        let inside = ProjectRoot::new(PathBuf::from("/work/.hidden/out/p"), None);
        assert!(!inside.ignores(Path::new("/work/.hidden/out/p/a.charter")));
    }
}
