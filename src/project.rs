//! Finds and reads the `.charter` files of a project, compiled together. The project is found
//! as `charter-project` finds it (the nearest `charter.toml` at or above the path given, so the
//! editor and the CLI agree): with a manifest, every `.charter` file under its root except in
//! ignored folders and in nested projects; without one, the file given, or every `.charter`
//! file under the directory given (recursively, in a stable order).

use charter_compiler::Document;
use charter_project::ProjectRoot;
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
    /// The sources; empty after [`compile_keeping`] with [`Trees::Free`], which moves them
    /// into the compilation (its `documents`, project files first) rather than copying them.
    pub documents: Vec<Document>,
    /// The project's root and manifest, as discovered.
    pub project: ProjectRoot,
}

/// Directories never searched for sources: build output, VCS and dependency folders.
pub use charter_project::SKIPPED_DIRECTORIES;

/// The largest `.charter` source Charter reads (about 400,000 lines): a policy file is a few
/// hundred lines, and a limit keeps a runaway generator or a hostile file from exhausting memory.
pub const MAX_SOURCE_BYTES: u64 = 16 * 1024 * 1024;

/// The largest `tests/*.json` fixture `charter test` reads: resource payloads can be long lists.
pub const MAX_FIXTURE_BYTES: u64 = 32 * 1024 * 1024;

/// Lists the `.charter` files of `path` (a file or a directory), sorted: every one under a
/// directory, nested projects included (`charter fmt` formats them all).
pub fn find_sources(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
    find_project_sources(path, None, false)
}

/// Lists the `.charter` files of `path` (a file or a directory), sorted, leaving out the
/// folders `project` ignores and, with `split`, the projects nested in it (a folder with its
/// own manifest).
fn find_project_sources(
    path: &Path,
    project: Option<&ProjectRoot>,
    split: bool,
) -> Result<Vec<PathBuf>, LoadError> {
    let metadata = std::fs::metadata(path)
        .map_err(|error| LoadError(format!("cannot read `{}`: {error}", shown(path))))?;
    if metadata.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    if !metadata.is_dir() {
        return Err(LoadError(format!(
            "cannot read `{}`: it is {}, not a regular file or a directory; point at a `.charter` file or a project directory",
            shown(path),
            kind_of(&metadata.file_type())
        )));
    }
    let mut files = Vec::new();
    let mut nested = Vec::new();
    collect(path, path, project, split, &mut files, &mut nested)?;
    files.sort();
    if files.is_empty() {
        if !nested.is_empty() {
            nested.sort();
            let names: Vec<String> = nested.iter().map(|p| format!("`{}`", shown(p))).collect();
            return Err(LoadError(format!(
                "`{}` has no `.charter` files of its own, but holds {} project{} ({}), each checked on its own: run `charter check {}`",
                shown(path),
                nested.len(),
                if nested.len() == 1 { "" } else { "s" },
                names.join(", "),
                shown(&nested[0])
            )));
        }
        return Err(LoadError(format!(
            "no `.charter` files in `{}`: point at a project directory or a `.charter` file",
            shown(path)
        )));
    }
    Ok(files)
}

fn collect(
    start: &Path,
    directory: &Path,
    project: Option<&ProjectRoot>,
    split: bool,
    files: &mut Vec<PathBuf>,
    nested: &mut Vec<PathBuf>,
) -> Result<(), LoadError> {
    let entries = std::fs::read_dir(directory)
        .map_err(|error| LoadError(format!("cannot read `{}`: {error}", shown(directory))))?;
    for entry in entries {
        let entry = entry
            .map_err(|error| LoadError(format!("cannot read `{}`: {error}", shown(directory))))?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let file_type = entry
            .file_type()
            .map_err(|error| LoadError(format!("cannot read `{}`: {error}", shown(&path))))?;
        // A symbolic link is not followed into a directory (it could loop, or lead out of the
        // project); a link named `.charter` is read like a file, and must lead to a regular one.
        if file_type.is_dir() {
            if charter_project::is_skipped_name(&name)
                || project.is_some_and(|project| project.ignores(&path))
            {
                continue;
            }
            // Another project's sources are its own: never compiled with this one.
            if split && path != start && path.join(charter_project::FILE_NAME).is_file() {
                nested.push(path);
                continue;
            }
            collect(start, &path, project, split, files, nested)?;
        } else if name.ends_with(".charter") {
            files.push(path);
        }
    }
    Ok(())
}

/// Reads a project: every source as UTF-8, with the path shown to the user. The project is
/// the one whose manifest is nearest at or above `path`; without a manifest, `path` itself.
pub fn load(path: &Path) -> Result<Project, LoadError> {
    std::fs::metadata(path)
        .map_err(|error| LoadError(format!("cannot read `{}`: {error}", shown(path))))?;
    let project = charter_project::discover(path).map_err(LoadError)?;
    let paths = if project.has_manifest() {
        if project.ignores(path) {
            return Err(LoadError(format!(
                "`{}` is in a folder the project `{}` leaves out (hidden, `target`, `node_modules`, `out`, or its manifest's `ignore`)",
                shown(path),
                shown(&project.root)
            )));
        }
        find_project_sources(&project.root, Some(&project), true)?
    } else {
        find_project_sources(path, None, true)?
    };
    let root = project.root.clone();
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
        project,
    })
}

/// Reads a source file that must be UTF-8; the error names the file and the first bad byte.
pub fn read_utf8(file: &Path) -> Result<String, LoadError> {
    read_text(file, MAX_SOURCE_BYTES, "Charter sources must be UTF-8 text")
}

/// Reads a `tests/*.json` fixture of `charter test` (UTF-8, at most [`MAX_FIXTURE_BYTES`]).
pub fn read_fixture(file: &Path) -> Result<String, LoadError> {
    read_text(file, MAX_FIXTURE_BYTES, "test fixtures must be UTF-8 JSON")
}

fn read_text(file: &Path, limit: u64, what_is_expected: &str) -> Result<String, LoadError> {
    let bytes = read_regular_file(file, limit)?;
    String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        LoadError(format!(
            "`{}` is not valid UTF-8: invalid byte at offset {offset}; {what_is_expected}",
            shown(file)
        ))
    })
}

/// Reads a regular file of at most `limit` bytes. A FIFO, a device such as `/dev/zero` or
/// `/dev/urandom`, a socket or a directory (also behind a symbolic link) is refused with an
/// error rather than read: it could block forever or never end.
pub fn read_regular_file(file: &Path, limit: u64) -> Result<Vec<u8>, LoadError> {
    use std::io::Read;
    let cannot_read =
        |error: std::io::Error| LoadError(format!("cannot read `{}`: {error}", shown(file)));
    let not_regular = |file_type: &std::fs::FileType| {
        LoadError(format!(
            "cannot read `{}`: it is {}, not a regular file; Charter reads only regular files",
            shown(file),
            kind_of(file_type)
        ))
    };
    let too_large = || {
        LoadError(format!(
            "cannot read `{}`: it is larger than {} MiB, the most Charter reads from one file",
            shown(file),
            limit / (1024 * 1024)
        ))
    };
    let metadata = std::fs::metadata(file).map_err(cannot_read)?;
    if !metadata.is_file() {
        return Err(not_regular(&metadata.file_type()));
    }
    if metadata.len() > limit {
        return Err(too_large());
    }
    let handle = open_without_blocking(file).map_err(cannot_read)?;
    // The path may have been replaced between the check and the open: check what was opened.
    let opened = handle.metadata().map_err(cannot_read)?;
    if !opened.is_file() {
        return Err(not_regular(&opened.file_type()));
    }
    // The file may grow while it is read, or report no size (`/proc`): never read past the limit.
    let mut bytes = Vec::with_capacity(opened.len().min(limit) as usize);
    handle
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Opens a file for reading without waiting for a writer: opening a FIFO that has none would
/// block. (Reading a regular file is unaffected by the flag.)
#[cfg(unix)]
fn open_without_blocking(file: &Path) -> std::io::Result<std::fs::File> {
    use rustix::fs::{Mode, OFlags};
    let descriptor = rustix::fs::open(
        file,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    Ok(std::fs::File::from(descriptor))
}

#[cfg(not(unix))]
fn open_without_blocking(file: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(file)
}

/// What kind of file a non-regular file is, for messages.
fn kind_of(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// A path as shown in a message: control characters and terminal escapes in a file name (it
/// may come from a pull request) are replaced, so that they do not reach the terminal.
pub fn shown(path: &Path) -> String {
    charter_syntax::diagnostic::sanitize(&path.display().to_string())
}

/// The path as the user wrote it, with `/` separators, without a leading `./`.
fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}

/// What a command reads of a compilation besides its model, symbols, catalog and diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trees {
    /// The syntax trees of the project's files and the resolved model are kept (`charter doc`
    /// and `charter audit` read where things are written).
    Keep,
    /// They are freed before the self-compliance proof runs (`check` and `build` read neither):
    /// at 100,000 lines that lowers a check's peak memory by about a fifth
    /// (docs/performance.md). The sources are moved into the compilation, not copied: the
    /// loaded [`Project::documents`] is left empty (count the files by [`Project::paths`]).
    Free,
}

/// Loads the project at `path` with its manifest and compiles it the way every command does:
/// the checks, then the self-compliance proof of what the build would emit.
pub fn compile(
    path: &Path,
    today: charter_ir::Date,
) -> Result<(Project, charter_compiler::Compilation), String> {
    compile_keeping(path, today, Trees::Keep)
}

/// [`compile`], saying whether the syntax trees are kept.
pub fn compile_keeping(
    path: &Path,
    today: charter_ir::Date,
    trees: Trees,
) -> Result<(Project, charter_compiler::Compilation), String> {
    compile_loaded(path, today, trees, false).map(|(loaded, compilation, _)| (loaded, compilation))
}

/// A loaded project, its compilation, and the estate its self-compliance proof evaluated
/// (`None` when the compilation has errors).
pub type Compiled = (
    Project,
    charter_compiler::Compilation,
    Option<charter_governance::estate::Estate>,
);

/// [`compile_keeping`] for `charter build`: the syntax trees are freed, and the estate the
/// self-compliance proof evaluated is given back (`None` when the compilation has errors), so
/// that the Terraform is written from it rather than from a second one.
pub fn compile_for_build(path: &Path, today: charter_ir::Date) -> Result<Compiled, String> {
    compile_loaded(path, today, Trees::Free, true)
}

/// Loads and compiles the project at `path`, with the estate its proof evaluated when
/// `keep_estate` (otherwise the proof holds one account's payloads at a time, and `None`).
fn compile_loaded(
    path: &Path,
    today: charter_ir::Date,
    trees: Trees,
    keep_estate: bool,
) -> Result<Compiled, String> {
    let mut loaded = load(path).map_err(|error| error.to_string())?;
    let naming = loaded
        .project
        .manifest
        .as_ref()
        .map(|m| m.naming())
        .unwrap_or_default();
    let documents = match trees {
        Trees::Keep => loaded.documents.clone(),
        Trees::Free => std::mem::take(&mut loaded.documents),
    };
    let (compilation, estate) = compile_sources(documents, naming, today, trees, keep_estate);
    Ok((loaded, compilation, estate))
}

/// Compiles sources that are already in memory (`charter diff` reads them out of git) the way
/// every command does: the checks, then the self-compliance proof.
pub fn compile_documents(
    documents: Vec<Document>,
    naming: charter_ir::Naming,
    today: charter_ir::Date,
) -> charter_compiler::Compilation {
    compile_sources(documents, naming, today, Trees::Keep, false).0
}

fn compile_sources(
    documents: Vec<Document>,
    naming: charter_ir::Naming,
    today: charter_ir::Date,
    trees: Trees,
    keep_estate: bool,
) -> (
    charter_compiler::Compilation,
    Option<charter_governance::estate::Estate>,
) {
    let options = charter_compiler::Options { today, naming };
    let mut compilation = charter_compiler::compile(documents, &options);
    if trees == Trees::Free {
        compilation.trees = Vec::new();
        compilation.model = charter_compiler::model::Model::default();
    }
    // Every build proves that what it emits deploys and enforces what the source says.
    if !keep_estate {
        charter_compliance::check(&mut compilation, options.today);
        return (compilation, None);
    }
    let estate = charter_compliance::check_keeping_estate(&mut compilation, options.today);
    (compilation, estate)
}
