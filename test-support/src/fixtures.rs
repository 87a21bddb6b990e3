//! Fixture files: found on disk, split into documents, and compiled with the stdlib for
//! [`TODAY`](crate::TODAY).

use std::path::{Path, PathBuf};

use charter_compiler::{compile, Compilation, Document};
use charter_syntax::FileId;

/// The line that starts another file of a multi-file fixture: `// --- file: NAME.charter`.
pub const FILE_MARKER: &str = "// --- file: ";

/// A fixture file: its name (the file stem), where it is, and its text.
#[derive(Clone, Debug)]
pub struct Fixture {
    /// The file name without `.charter`: `E0301_versions`.
    pub name: String,
    pub path: PathBuf,
    pub text: String,
}

impl Fixture {
    /// Whether the fixture holds several files (see [`documents`]).
    pub fn is_multi_file(&self) -> bool {
        self.text.lines().any(|line| line.starts_with(FILE_MARKER))
    }

    /// The fixture compiled (see [`compile_fixture`]).
    pub fn compile(&self) -> Compilation {
        compile_fixture(&self.name, &self.text)
    }

    /// The IR of a fixture that must compile without any diagnostic (see [`lower`]).
    pub fn lower(&self) -> charter_ir::Project {
        let compilation = self.compile();
        assert!(
            compilation.diagnostics.is_empty(),
            "the fixture {} does not compile clean:\n{}",
            self.path.display(),
            crate::render(&compilation)
        );
        compilation.project
    }
}

/// Every `*.charter` file directly in `dir`, read, sorted by name. Panics when `dir` cannot be
/// read: a test whose fixtures are missing must fail, not pass with nothing to check.
pub fn fixtures(dir: &Path) -> Vec<Fixture> {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot list the fixtures in {}: {error}", dir.display()));
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_file() && path.extension().is_some_and(|ext| ext == "charter"))
        .collect();
    paths.sort();
    paths.into_iter().map(read_fixture).collect()
}

fn read_fixture(path: PathBuf) -> Fixture {
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read the fixture {}: {error}", path.display()));
    let name = path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or_else(|| panic!("the fixture name {} is not UTF-8", path.display()))
        .to_string();
    Fixture { name, path, text }
}

/// Every `.charter` file under `dir`, recursively, sorted (none when `dir` does not exist).
pub fn charter_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "charter") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The `.charter` files of a project directory as the CLI hands them to the compiler: paths
/// relative to `dir`, sorted, with ids `0..n`.
pub fn read_project(dir: &Path) -> Vec<Document> {
    charter_files(dir)
        .iter()
        .enumerate()
        .map(|(index, path)| Document {
            id: FileId(index as u32),
            path: path
                .strip_prefix(dir)
                .map(|relative| relative.display().to_string())
                .unwrap_or_default(),
            text: std::fs::read_to_string(path)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display())),
            is_stdlib: false,
        })
        .collect()
}

/// A project directory compiled as `charter check DIR` compiles it, for [`TODAY`](crate::TODAY).
pub fn compile_project(dir: &Path) -> Compilation {
    compile(read_project(dir), &crate::options())
}

/// The IR of a project directory that must compile without any diagnostic (the bundled
/// examples). Panics with the rendered diagnostics otherwise.
pub fn lower_project(dir: &Path) -> charter_ir::Project {
    let compilation = compile_project(dir);
    assert!(
        compilation.diagnostics.is_empty(),
        "{} does not compile clean:\n{}",
        dir.display(),
        crate::render(&compilation)
    );
    compilation.project
}

/// Splits a fixture into documents at its `// --- file: NAME.charter` lines (the marker lines
/// themselves belong to no document). Text before the first marker, or a fixture without one,
/// is the document `{name}.charter`.
pub fn documents(name: &str, text: &str) -> Vec<Document> {
    let mut documents: Vec<Document> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.trim_end().strip_prefix(FILE_MARKER) {
            if let Some((path, text)) = current.take() {
                documents.push(document(documents.len(), path, text));
            }
            current = Some((path.to_string(), String::new()));
            continue;
        }
        match &mut current {
            Some((_, text)) => text.push_str(line),
            None => current = Some((format!("{name}.charter"), line.to_string())),
        }
    }
    if let Some((path, text)) = current {
        documents.push(document(documents.len(), path, text));
    }
    documents
}

fn document(index: usize, path: String, text: String) -> Document {
    Document {
        id: FileId(index as u32),
        path,
        text,
        is_stdlib: false,
    }
}

/// A fixture compiled with the stdlib for [`TODAY`](crate::TODAY); its documents are named as
/// [`documents`] names them.
pub fn compile_fixture(name: &str, text: &str) -> Compilation {
    compile(documents(name, text), &crate::options())
}

/// One source compiled as the file `main.charter`.
pub fn compile_source(text: &str) -> Compilation {
    compile_fixture("main", text)
}

/// The IR of a source (or multi-file fixture) that must compile without any diagnostic: the
/// input of a backend test, written in Charter. Panics with the rendered diagnostics otherwise.
pub fn lower(text: &str) -> charter_ir::Project {
    let compilation = compile_source(text);
    assert!(
        compilation.diagnostics.is_empty(),
        "the input does not compile clean:\n{}",
        crate::render(&compilation)
    );
    compilation.project
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixture_without_markers_is_one_file() {
        let documents = documents("E0101", "policy p {}\n");
        assert_eq!(documents.len(), 1);
        assert_eq!(documents[0].path, "E0101.charter");
        assert_eq!(documents[0].text, "policy p {}\n");
    }

    #[test]
    fn markers_split_a_fixture_into_files() {
        let text = "// --- file: a.charter\npolicy p {}\n// --- file: b.charter\nfilter f {}\n";
        let documents = documents("multi", text);
        let shown: Vec<(&str, &str, u32)> = documents
            .iter()
            .map(|d| (d.path.as_str(), d.text.as_str(), d.id.0))
            .collect();
        assert_eq!(
            shown,
            [
                ("a.charter", "policy p {}\n", 0),
                ("b.charter", "filter f {}\n", 1)
            ]
        );
    }

    #[test]
    fn lower_gives_the_ir_of_a_clean_source() {
        let project = lower("filter f extends std.filters.default {}\n");
        assert_eq!(project.filters.len(), 1);
    }
}
