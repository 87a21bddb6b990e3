//! Finds and reads the `.charter` files of a project: one file, or every `.charter` file under
//! a directory (recursively, in a stable order), compiled together.

use charter_compiler::Document;
use charter_syntax::FileId;
use std::path::{Path, PathBuf};

/// Why a project could not be read (exit code 2).
#[derive(Debug)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The files of a project, read from disk.
#[derive(Debug)]
pub struct Project {
    /// The directory the project was loaded from (the file's directory for a single file).
    pub root: PathBuf,
    /// On-disk paths, indexed like `documents`.
    pub paths: Vec<PathBuf>,
    pub documents: Vec<Document>,
}

/// Directories never searched for sources: build output, VCS and dependency folders.
const SKIPPED_DIRECTORIES: &[&str] = &["target", "node_modules", "out"];

/// Lists the `.charter` files of `path` (a file or a directory), sorted.
pub fn find_sources(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let metadata = std::fs::metadata(path)
        .map_err(|error| LoadError(format!("cannot read `{}`: {error}", path.display())))?;
    if metadata.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    collect(path, &mut files)?;
    files.sort();
    if files.is_empty() {
        return Err(LoadError(format!(
            "no `.charter` files in `{}`: point at a project directory or a `.charter` file",
            path.display()
        )));
    }
    Ok(files)
}

fn collect(directory: &Path, files: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let entries = std::fs::read_dir(directory)
        .map_err(|error| LoadError(format!("cannot read `{}`: {error}", directory.display())))?;
    for entry in entries {
        let entry = entry.map_err(|error| {
            LoadError(format!("cannot read `{}`: {error}", directory.display()))
        })?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let file_type = entry
            .file_type()
            .map_err(|error| LoadError(format!("cannot read `{}`: {error}", path.display())))?;
        if file_type.is_dir() {
            if !name.starts_with('.') && !SKIPPED_DIRECTORIES.contains(&name.as_ref()) {
                collect(&path, files)?;
            }
        } else if name.ends_with(".charter") {
            files.push(path);
        }
    }
    Ok(())
}

/// Reads a project: every source as UTF-8, with the path shown to the user.
pub fn load(path: &Path) -> Result<Project, LoadError> {
    let paths = find_sources(path)?;
    let root = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let mut documents = Vec::with_capacity(paths.len());
    for (index, file) in paths.iter().enumerate() {
        let text = read_utf8(file)?;
        documents.push(Document {
            id: FileId(index as u32),
            path: display_path(file),
            text,
            is_stdlib: false,
        });
    }
    Ok(Project {
        root,
        paths,
        documents,
    })
}

/// Reads a file that must be UTF-8; the error names the file and the first bad byte.
pub fn read_utf8(file: &Path) -> Result<String, LoadError> {
    let bytes = std::fs::read(file)
        .map_err(|error| LoadError(format!("cannot read `{}`: {error}", file.display())))?;
    String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        LoadError(format!(
            "`{}` is not valid UTF-8: invalid byte at offset {offset}; Charter sources must be UTF-8 text",
            file.display()
        ))
    })
}

/// The path as the user wrote it, with `/` separators, without a leading `./`.
fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}
