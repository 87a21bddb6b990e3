//! The projects as the editor sees them: every `.charter` file under the workspace folders
//! (and under the project root of every open file), with open buffers taking precedence over
//! the disk. Each file belongs to the project `charter-project` finds for it (the nearest
//! `charter.toml` above it, as the CLI finds it; without one, the workspace folder that holds
//! it), and each project is compiled on its own by the compiler's one front end into an
//! [`Analysis`] that every feature reads: diagnostics never leak from one project to another.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use charter_compiler::{Compilation, Document, Options};
use charter_ir::Date;
use charter_project::ProjectRoot;
use charter_syntax::incremental::{parse_with_cache, ItemCache};
use charter_syntax::{FileId, LineIndex};
use lsp_types::Uri;

/// A document's identity: its URI in canonical spelling (for `file:` URIs, the spelling
/// `url::Url::from_file_path` gives), so that the disk scan and the editor agree.
pub type DocKey = String;

/// An open editor buffer.
#[derive(Clone, Debug)]
pub struct OpenBuffer {
    /// The URI as the client spells it, used when replying about this document.
    pub uri: Uri,
    pub text: String,
    pub version: i32,
}

/// The files of the project and what compiling them depends on.
#[derive(Debug)]
pub struct Workspace {
    roots: Vec<PathBuf>,
    disk: BTreeMap<DocKey, (PathBuf, String)>,
    open: BTreeMap<DocKey, OpenBuffer>,
    /// The date from the `today` initialization option; without one, the system date at each
    /// check (a server left running over midnight moves on to the new day).
    today: Option<Date>,
    /// A private temporary directory (mode 0700, a fresh random name, created by this process)
    /// where the embedded stdlib (read-only) and the error explanations are written, so that
    /// editors can open them as ordinary files; made on first use, removed when the server
    /// stops. `None` until then, or when it cannot be made (then `charter-std:` URIs stand in).
    scratch_dir: Option<tempfile::TempDir>,
    /// Whether making the scratch directory failed (it is not tried again).
    scratch_failed: bool,
    /// The files written into the scratch directory.
    scratch_files: Vec<PathBuf>,
    /// The stdlib copies already written by this process, with their line indexes (the
    /// embedded text never changes while the server runs).
    stdlib_files: BTreeMap<String, (DocKey, Uri, LineIndex)>,
    /// The error codes whose explanation page was written.
    explained: BTreeMap<String, Option<Uri>>,
    /// The parsed top-level items of every project document, so that an edit re-parses only
    /// the items it touched; one cache per document, dropped when the document leaves.
    parse_caches: BTreeMap<DocKey, ItemCache>,
    /// The project of each directory that holds a document, as discovered (cleared by a new
    /// scan, since a manifest may have come or gone).
    projects: BTreeMap<PathBuf, ProjectRoot>,
    /// Roots of projects (with a manifest) that hold an open file but lie outside every
    /// workspace folder: scanned too, so that a file opened alone sees its whole project.
    project_roots: Vec<PathBuf>,
    /// Manifests that could not be read, with why (shown to the user by the server).
    pub manifest_errors: BTreeMap<PathBuf, String>,
}

/// One document of an [`Analysis`]: how to name it to the client and convert its positions.
#[derive(Debug)]
pub struct FileInfo {
    pub key: DocKey,
    pub uri: Uri,
    pub line_index: LineIndex,
    pub is_stdlib: bool,
    /// The buffer version the analysis saw, for open documents.
    pub version: Option<i32>,
}

/// A compiled snapshot of the workspace: the compiler's result plus, for every document (in
/// the order of `compilation.documents`), its URI and line index.
#[derive(Debug)]
pub struct Analysis {
    pub compilation: Compilation,
    pub files: Vec<FileInfo>,
    pub today: Date,
    /// What the requests' name index needs from the trees, found on the first request that
    /// needs it and kept for every later one until the next analysis.
    index_parts: std::sync::OnceLock<crate::features::index::IndexParts>,
    /// The compilation's lowered project and symbol index, moved out of `compilation` (whose
    /// fields are left empty) and shared with the self-compliance proof's thread, so that
    /// handing them over copies nothing. Read them with [`Analysis::project`] and
    /// [`Analysis::symbols`].
    proof_model: Arc<crate::proof::Model>,
}

impl Analysis {
    /// An analysis of a compilation.
    pub fn new(mut compilation: Compilation, files: Vec<FileInfo>, today: Date) -> Analysis {
        let proof_model = Arc::new(crate::proof::Model {
            project: std::mem::take(&mut compilation.project),
            symbols: std::mem::take(&mut compilation.symbols),
        });
        Analysis {
            compilation,
            files,
            today,
            index_parts: std::sync::OnceLock::new(),
            proof_model,
        }
    }

    /// The compilation's lowered project.
    pub fn project(&self) -> &charter_ir::Project {
        &self.proof_model.project
    }

    /// The compilation's symbol index.
    pub fn symbols(&self) -> &charter_compiler::symbols::SymbolIndex {
        &self.proof_model.symbols
    }

    /// The project and symbol index, shared, for the self-compliance proof.
    pub fn proof_model(&self) -> Arc<crate::proof::Model> {
        Arc::clone(&self.proof_model)
    }

    /// Parses again the project files' trees that [`Workspace::reclaim`] took, for an analysis
    /// that must go on serving after all (the next one could not be made).
    pub fn restore_trees(&mut self) {
        let compilation = &mut self.compilation;
        for (document, tree) in compilation.documents.iter().zip(&mut compilation.trees) {
            if !document.is_stdlib && tree.items.is_empty() && !document.text.trim().is_empty() {
                *tree = Arc::new(charter_syntax::parse(document.id, &document.text).file);
            }
        }
    }

    /// The parts of the name index (`features::index`), found once per analysis.
    pub fn index_parts(&self) -> &crate::features::index::IndexParts {
        self.index_parts
            .get_or_init(|| crate::features::index::IndexParts::build(self))
    }

    /// The index (into `compilation.documents` and `files`) of a document.
    pub fn index_of_key(&self, key: &str) -> Option<usize> {
        self.files.iter().position(|file| file.key == key)
    }

    /// The index of the document with a given file id.
    pub fn index_of_id(&self, id: FileId) -> Option<usize> {
        self.compilation
            .documents
            .iter()
            .position(|document| document.id == id)
    }

    /// The text of the document at `index`.
    pub fn text(&self, index: usize) -> &str {
        &self.compilation.documents[index].text
    }
}

impl Workspace {
    /// A workspace over `roots` (possibly none: then only open buffers form the project).
    pub fn new(roots: Vec<PathBuf>, today: Option<Date>) -> Workspace {
        let mut workspace = Workspace {
            roots,
            disk: BTreeMap::new(),
            open: BTreeMap::new(),
            today,
            scratch_dir: None,
            scratch_failed: false,
            scratch_files: Vec::new(),
            stdlib_files: BTreeMap::new(),
            explained: BTreeMap::new(),
            parse_caches: BTreeMap::new(),
            projects: BTreeMap::new(),
            project_roots: Vec::new(),
            manifest_errors: BTreeMap::new(),
        };
        // Callers that do not scan in the background (tests) see the disk at once.
        if !workspace.roots.is_empty() {
            let scan = scan(&workspace.roots, &ScanBudget::default(), &|| false);
            workspace.set_disk(scan.files);
        }
        workspace
    }

    /// The folders to scan: the workspace folders, and the roots of projects holding an open
    /// file outside them.
    pub fn scan_roots(&self) -> Vec<PathBuf> {
        let mut roots = self.roots.clone();
        for root in &self.project_roots {
            if !roots.contains(root) {
                roots.push(root.clone());
            }
        }
        roots
    }

    /// Replaces the files read from disk with the result of a [`scan`].
    pub fn set_disk(&mut self, files: BTreeMap<DocKey, (PathBuf, String)>) {
        self.disk = files;
        // A manifest may have been added, changed or removed since the projects were found.
        self.projects.clear();
        self.manifest_errors.clear();
    }

    /// The project of a file on disk (cached per directory).
    fn project_of(&mut self, path: &Path) -> ProjectRoot {
        let directory = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if let Some(project) = self.projects.get(&directory) {
            return project.clone();
        }
        let project = match charter_project::discover(path) {
            Ok(project) if project.has_manifest() => project,
            Ok(_) => self.folder_project(&directory),
            Err(why) => {
                let root = charter_project::discover::find_manifest_dir(path)
                    .unwrap_or_else(|| directory.clone());
                self.manifest_errors.insert(root.clone(), why);
                ProjectRoot::new(root, None)
            }
        };
        self.projects.insert(directory, project.clone());
        project
    }

    /// Without a manifest, a file's project is the workspace folder that holds it (the
    /// innermost), or its own directory outside every folder.
    fn folder_project(&self, directory: &Path) -> ProjectRoot {
        let root = self
            .roots
            .iter()
            .filter(|root| directory.starts_with(root))
            .max_by_key(|root| root.components().count())
            .cloned()
            .unwrap_or_else(|| directory.to_path_buf());
        ProjectRoot::new(root, None)
    }

    /// Notes the project of a newly opened file; `true` when its root is a project with a
    /// manifest outside every scanned folder, so that the caller scans again to read the
    /// project's other files.
    pub fn note_project_of(&mut self, uri: &Uri) -> bool {
        let Some(path) = path_of_uri(uri) else {
            return false;
        };
        let project = self.project_of(&path);
        if !project.has_manifest() {
            return false;
        }
        let root = std::path::absolute(&project.root).unwrap_or(project.root);
        let scanned = self
            .scan_roots()
            .iter()
            .any(|scanned| root.starts_with(scanned));
        if scanned {
            return false;
        }
        self.project_roots.push(root);
        true
    }

    /// Adds and removes workspace folders; the caller rescans.
    pub fn change_roots(&mut self, added: Vec<PathBuf>, removed: &[PathBuf]) {
        self.roots.retain(|root| !removed.contains(root));
        for root in added {
            if !self.roots.contains(&root) {
                self.roots.push(root);
            }
        }
    }

    /// Opens or replaces a buffer.
    pub fn open(&mut self, uri: Uri, text: String, version: i32) {
        self.open
            .insert(key_of_uri(&uri), OpenBuffer { uri, text, version });
    }

    /// The open buffer for a URI.
    pub fn buffer_mut(&mut self, uri: &Uri) -> Option<&mut OpenBuffer> {
        self.open.get_mut(&key_of_uri(uri))
    }

    /// Closes a buffer: the file's disk contents (if any) count again.
    pub fn close(&mut self, uri: &Uri) {
        let key = key_of_uri(uri);
        self.open.remove(&key);
        if let Some((path, text)) = self.disk.get_mut(&key) {
            if let Ok(fresh) = read_source(path) {
                *text = fresh;
            }
        }
    }

    /// Hands the project files' syntax trees of an analysis that is about to be replaced back
    /// to their parse caches, so that the next analysis moves the items an edit left alone
    /// instead of copying them. The analysis keeps its documents but loses those trees (a tree
    /// shared elsewhere is left in place); [`Analysis::restore_trees`] parses them again if it
    /// must go on serving.
    pub fn reclaim(&mut self, analysis: &mut Analysis) {
        let Analysis {
            compilation, files, ..
        } = analysis;
        for ((file, document), tree) in files
            .iter()
            .zip(&compilation.documents)
            .zip(compilation.trees.iter_mut())
        {
            if file.is_stdlib {
                continue;
            }
            let (Some(cache), Some(tree)) =
                (self.parse_caches.get_mut(&file.key), Arc::get_mut(tree))
            else {
                continue;
            };
            let span = tree.span;
            let tree = std::mem::replace(
                tree,
                charter_syntax::ast::SourceFile {
                    items: Vec::new(),
                    dangling_comments: Vec::new(),
                    span,
                },
            );
            cache.reclaim(&document.text, tree);
        }
    }

    /// Compiles the first project (for tests of one project); see [`Workspace::analyze_all`].
    #[cfg(test)]
    pub fn analyze(&mut self) -> Analysis {
        let mut analyses = self.analyze_all();
        analyses.swap_remove(0)
    }

    /// Compiles every project on its own: the files on disk, overlaid by open buffers, plus
    /// open buffers outside the roots (so a lone file still gets diagnostics), grouped by the
    /// project each belongs to; files in a folder their project ignores are left out. Never
    /// empty: with no documents, one analysis of the stdlib alone.
    pub fn analyze_all(&mut self) -> Vec<Analysis> {
        let mut keys: Vec<DocKey> = self.disk.keys().chain(self.open.keys()).cloned().collect();
        keys.sort();
        keys.dedup();
        let mut groups: BTreeMap<PathBuf, (ProjectRoot, Vec<DocKey>)> = BTreeMap::new();
        for key in keys {
            let path = self
                .disk
                .get(&key)
                .map(|(path, _)| path.clone())
                .or_else(|| path_of_key(&key));
            let project = match &path {
                Some(path) => self.project_of(path),
                // An untitled buffer has no folder: it is a project of its own.
                None => ProjectRoot::new(PathBuf::from(&key), None),
            };
            if path.as_deref().is_some_and(|path| project.ignores(path)) {
                continue;
            }
            groups
                .entry(project.root.clone())
                .or_insert_with(|| (project, Vec::new()))
                .1
                .push(key);
        }
        // Caches of documents that left every project are dropped with this map.
        let mut previous_caches = std::mem::take(&mut self.parse_caches);
        let mut analyses: Vec<Analysis> = groups
            .into_values()
            .map(|(project, keys)| self.analyze_project(&project, &keys, &mut previous_caches))
            .collect();
        if analyses.is_empty() {
            let empty = ProjectRoot::new(PathBuf::new(), None);
            analyses.push(self.analyze_project(&empty, &[], &mut previous_caches));
        }
        analyses
    }

    /// Compiles one project's documents, then the stdlib.
    fn analyze_project(
        &mut self,
        project: &ProjectRoot,
        keys: &[DocKey],
        previous_caches: &mut BTreeMap<DocKey, ItemCache>,
    ) -> Analysis {
        let mut documents = Vec::with_capacity(keys.len());
        let mut files = Vec::with_capacity(keys.len());
        for (index, key) in keys.iter().enumerate() {
            // A buffer too large to check in editor time is left out (the server said so).
            if self
                .open
                .get(key)
                .is_some_and(|buffer| buffer.text.len() > MAX_DOCUMENT_BYTES)
            {
                continue;
            }
            let (uri, text, version, path) = match (self.open.get(key), self.disk.get(key)) {
                (Some(buffer), disk) => (
                    buffer.uri.clone(),
                    buffer.text.clone(),
                    Some(buffer.version),
                    disk.map(|(path, _)| path.clone())
                        .or_else(|| path_of_key(key)),
                ),
                (None, Some((path, text))) => match uri_of_key(key) {
                    Some(uri) => (uri, text.clone(), None, Some(path.clone())),
                    None => continue,
                },
                (None, None) => continue,
            };
            let display_path = path
                .as_deref()
                .map(|path| self.display_path(path))
                .unwrap_or_else(|| key.clone());
            files.push(FileInfo {
                key: key.clone(),
                uri,
                line_index: LineIndex::new(&text),
                is_stdlib: false,
                version,
            });
            let id = FileId(index as u32);
            let mut cache = previous_caches.remove(key).unwrap_or_default();
            let parsed = parse_with_cache(id, &text, &mut cache);
            self.parse_caches.insert(key.clone(), cache);
            documents.push((
                Document {
                    id,
                    path: display_path,
                    text,
                    is_stdlib: false,
                },
                parsed,
            ));
        }
        let today = self.today.unwrap_or_else(system_today);
        let options = Options {
            today,
            naming: project
                .manifest
                .as_ref()
                .map(|manifest| manifest.naming())
                .unwrap_or_default(),
        };
        // The self-compliance proof is not run here: the server runs it on its own thread.
        let compilation = charter_compiler::compile_parsed(documents, &options);
        for document in compilation.documents.iter().skip(files.len()) {
            let (key, uri, line_index) = self.stdlib_location(document);
            files.push(FileInfo {
                key,
                uri,
                line_index,
                is_stdlib: true,
                version: None,
            });
        }
        Analysis::new(compilation, files, today)
    }

    /// The path shown in messages: relative to the workspace folder that holds the file.
    fn display_path(&self, path: &Path) -> String {
        self.roots
            .iter()
            .find_map(|root| path.strip_prefix(root).ok())
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }

    /// Writes an embedded stdlib document to a per-version temporary directory (read-only), so
    /// "go to definition" lands in a real file any editor can open, and returns its URI.
    fn stdlib_location(&mut self, document: &Document) -> (DocKey, Uri, LineIndex) {
        if let Some((key, uri, line_index)) = self.stdlib_files.get(&document.path) {
            return (key.clone(), uri.clone(), line_index.clone());
        }
        let relative = document.path.trim_start_matches('/');
        let key = self
            .write_scratch_file(Path::new(relative), &document.text)
            .and_then(|path| key_of_path(&path))
            .unwrap_or_else(|| format!("charter-std:{relative}"));
        let uri = uri_of_key(&key).unwrap_or_else(|| fallback_uri(relative));
        let line_index = LineIndex::new(&document.text);
        self.stdlib_files.insert(
            document.path.clone(),
            (key.clone(), uri.clone(), line_index.clone()),
        );
        (key, uri, line_index)
    }

    /// A `file:` URI of a markdown page with the long explanation of an error code (what
    /// `charter explain CODE` prints), written on first use; diagnostics link to it.
    pub fn explanation_uri(&mut self, code: &str) -> Option<Uri> {
        if let Some(uri) = self.explained.get(code) {
            return uri.clone();
        }
        let uri = self.write_explanation(code);
        self.explained.insert(code.to_string(), uri.clone());
        uri
    }

    fn write_explanation(&mut self, code: &str) -> Option<Uri> {
        let info = charter_compiler::codes::lookup(code)?;
        let page = format!(
            "# {}: {}\n\n{}\n\n## Example\n\n```charter\n{}\n```\n\n## Fixed\n\n```charter\n{}\n```\n",
            info.code,
            info.title,
            info.explanation,
            info.failing_example.trim_end(),
            info.fixed_example.trim_end()
        );
        let relative = Path::new("explain").join(format!("{}.md", info.code));
        let path = self.write_scratch_file(&relative, &page)?;
        uri_of_key(&key_of_path(&path)?)
    }

    /// Writes `text` to `relative` inside the scratch directory (making it on first use) and
    /// marks the file read-only: these are copies of embedded text, and editing them would
    /// change nothing. Each file is written once per process.
    fn write_scratch_file(&mut self, relative: &Path, text: &str) -> Option<PathBuf> {
        if self.scratch_dir.is_none() && !self.scratch_failed {
            self.scratch_dir = make_scratch_dir();
            self.scratch_failed = self.scratch_dir.is_none();
        }
        let path = self.scratch_dir.as_ref()?.path().join(relative);
        if self.scratch_files.contains(&path) {
            return Some(path);
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).ok()?;
        }
        // `create_new`: the directory is ours alone, so the file cannot exist yet; if it does,
        // something is wrong and nothing is overwritten.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .ok()?;
        std::io::Write::write_all(&mut file, text.as_bytes()).ok()?;
        let mut permissions = file.metadata().ok()?.permissions();
        permissions.set_readonly(true);
        let _ = file.set_permissions(permissions);
        self.scratch_files.push(path.clone());
        Some(path)
    }
}

/// Removes the scratch directory this process made (and nothing else).
impl Drop for Workspace {
    fn drop(&mut self) {
        // Windows refuses to delete read-only files; elsewhere this changes nothing that
        // matters, since the directory is about to go. Only files this process wrote, through
        // their open handles' paths inside its own private directory, are touched.
        for path in &self.scratch_files {
            if let Ok(metadata) = std::fs::symlink_metadata(path) {
                if metadata.is_file() {
                    let mut permissions = metadata.permissions();
                    #[expect(
                        clippy::permissions_set_readonly_false,
                        reason = "deleting a file this process wrote in its private directory"
                    )]
                    permissions.set_readonly(false);
                    let _ = std::fs::set_permissions(path, permissions);
                }
            }
        }
        // `TempDir` removes the directory without following symbolic links.
        self.scratch_dir.take();
    }
}

/// A fresh private directory in the system's temporary directory: a random name created with
/// `mkdir` (which fails rather than reuse anything another user made), mode 0700.
fn make_scratch_dir() -> Option<tempfile::TempDir> {
    let mut builder = tempfile::Builder::new();
    builder.prefix("charter-lsp-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    match builder.tempdir() {
        Ok(dir) => Some(dir),
        Err(error) => {
            crate::transport::log(&format!(
                "cannot make a private temporary directory ({error}); the standard library opens as `charter-std:` documents"
            ));
            None
        }
    }
}

/// The largest document the server checks (about 100,000 lines); larger ones are left out of
/// the project, and the user is told, so that typing stays responsive.
pub const MAX_DOCUMENT_BYTES: usize = 4 * 1024 * 1024;

/// What a workspace scan may cost: a folder such as `/` or a home directory must not take the
/// server's memory or time.
#[derive(Clone, Debug)]
pub struct ScanBudget {
    /// Directory entries looked at.
    pub entries: usize,
    /// `.charter` files read.
    pub files: usize,
    /// Bytes of `.charter` files read.
    pub bytes: usize,
}

impl Default for ScanBudget {
    fn default() -> ScanBudget {
        ScanBudget {
            entries: 100_000,
            files: 5_000,
            bytes: 64 * 1024 * 1024,
        }
    }
}

/// The result of a scan: the `.charter` files found, and what the user should be told.
#[derive(Debug, Default)]
pub struct Scan {
    pub files: BTreeMap<DocKey, (PathBuf, String)>,
    pub warnings: Vec<String>,
}

/// Reads every `.charter` file under `roots`, within `budget`: directories named `target`,
/// `node_modules` or `out`, hidden ones (`.git`), and build output (a directory with Charter's
/// `manifest.json`) are skipped; symbolic links are not followed; only regular files are read.
/// `cancelled` is polled so that a scan made stale by a newer one stops early.
pub fn scan(roots: &[PathBuf], budget: &ScanBudget, cancelled: &dyn Fn() -> bool) -> Scan {
    let mut result = Scan::default();
    let mut entries = 0usize;
    let mut bytes = 0usize;
    'roots: for root in roots {
        let walker = walkdir::WalkDir::new(root)
            .follow_links(false)
            .into_iter()
            .filter_entry(|entry| !is_ignored_dir(entry));
        for entry in walker.flatten() {
            entries += 1;
            if entries > budget.entries {
                result.warnings.push(format!(
                    "stopped looking for `.charter` files after {} entries under `{}`; only the files found so far are checked: open the project's own folder instead",
                    budget.entries,
                    shown(root)
                ));
                break 'roots;
            }
            if entries.is_multiple_of(1024) && cancelled() {
                break 'roots;
            }
            let path = entry.path();
            if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "charter") {
                continue;
            }
            let Some(key) = key_of_path(path) else {
                continue;
            };
            if result.files.len() >= budget.files {
                result.warnings.push(format!(
                    "the workspace has more than {} `.charter` files; only the first ones are checked: open the project's own folder instead",
                    budget.files
                ));
                break 'roots;
            }
            match read_source(path) {
                Ok(text) if bytes + text.len() > budget.bytes => {
                    result.warnings.push(format!(
                        "the workspace's `.charter` files exceed {} MiB; only the first ones are checked: open the project's own folder instead",
                        budget.bytes / (1024 * 1024)
                    ));
                    break 'roots;
                }
                Ok(text) => {
                    bytes += text.len();
                    result.files.insert(key, (path.to_path_buf(), text));
                }
                Err(why) => result.warnings.push(why),
            }
        }
    }
    result
}

/// Reads a `.charter` file from disk: only a regular file (a FIFO would block, a device never
/// end), at most [`MAX_DOCUMENT_BYTES`], as UTF-8. The error says why, for the user.
pub fn read_source(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let why = |reason: String| format!("`{}` is not checked: {reason}", shown(path));
    let metadata = std::fs::metadata(path).map_err(|error| why(error.to_string()))?;
    if !metadata.is_file() {
        return Err(why("it is not a regular file".to_string()));
    }
    let too_large = || {
        why(format!(
            "it is larger than {} MiB",
            MAX_DOCUMENT_BYTES / (1024 * 1024)
        ))
    };
    if metadata.len() > MAX_DOCUMENT_BYTES as u64 {
        return Err(too_large());
    }
    let file = open_without_blocking(path).map_err(|error| why(error.to_string()))?;
    if !file
        .metadata()
        .map_err(|error| why(error.to_string()))?
        .is_file()
    {
        return Err(why("it is not a regular file".to_string()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_DOCUMENT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| why(error.to_string()))?;
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|_| why("it is not UTF-8 text".to_string()))
}

/// Opens a file without waiting for a writer (opening a FIFO that has none would block).
/// The CLI reads sources the same way (`src/project.rs`).
#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use rustix::fs::{Mode, OFlags};
    let descriptor = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    Ok(std::fs::File::from(descriptor))
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// A path for a message, with control characters replaced.
fn shown(path: &Path) -> String {
    charter_syntax::diagnostic::sanitize(&path.display().to_string())
}

/// Directories the scan does not enter: hidden ones (`.git`), build and dependency folders,
/// and Charter's own build output.
fn is_ignored_dir(entry: &walkdir::DirEntry) -> bool {
    if entry.depth() == 0 || !entry.file_type().is_dir() {
        return false;
    }
    let named = entry.file_name().to_str().is_some_and(|name| {
        name.starts_with('.') || name == "target" || name == "node_modules" || name == "out"
    });
    named || is_build_output(entry.path())
}

/// Whether a directory holds the `manifest.json` of a Charter build.
fn is_build_output(directory: &Path) -> bool {
    use std::io::Read;
    let manifest = directory.join("manifest.json");
    if !std::fs::symlink_metadata(&manifest).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut start = [0u8; 256];
    let read = open_without_blocking(&manifest)
        .and_then(|mut file| file.read(&mut start))
        .unwrap_or(0);
    String::from_utf8_lossy(&start[..read]).contains("\"generator\": \"charter")
}

fn fallback_uri(relative: &str) -> Uri {
    // INVARIANT: `charter-std:` followed by a relative path of URI-safe characters parses.
    Uri::from_str(&format!("charter-std:{relative}"))
        .unwrap_or_else(|_| Uri::from_str("charter-std:std").expect("a constant URI parses"))
}

/// The canonical key of a URI: `file:` URIs re-spelled from their path, others as given.
pub fn key_of_uri(uri: &Uri) -> DocKey {
    url::Url::parse(uri.as_str())
        .ok()
        .filter(|url| url.scheme() == "file")
        .and_then(|url| url.to_file_path().ok())
        .and_then(|path| key_of_path(&path))
        .unwrap_or_else(|| uri.as_str().to_string())
}

/// The key of a file path.
pub fn key_of_path(path: &Path) -> Option<DocKey> {
    url::Url::from_file_path(path).ok().map(String::from)
}

/// The file path of a key, when it is a `file:` URI.
pub fn path_of_key(key: &str) -> Option<PathBuf> {
    url::Url::parse(key).ok()?.to_file_path().ok()
}

/// The file path of a client URI, when it is a `file:` URI.
pub fn path_of_uri(uri: &Uri) -> Option<PathBuf> {
    path_of_key(uri.as_str())
}

fn uri_of_key(key: &str) -> Option<Uri> {
    Uri::from_str(key).ok()
}

/// Today's date from the system clock (UTC), for retirement checks.
pub fn system_today() -> Date {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0);
    Date::from_days_since_epoch((seconds / 86_400) as i64)
}

/// Parses `YYYY-MM-DD` (the `today` initialization option), checking the day exists.
pub fn parse_date(text: &str) -> Option<Date> {
    Date::parse(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_option_is_validated() {
        assert_eq!(
            parse_date("2026-02-28").map(|d| d.to_string()),
            Some("2026-02-28".into())
        );
        assert_eq!(parse_date("2026-02-29"), None);
        assert_eq!(parse_date("soon"), None);
    }

    /// The analysis after each edit, from cached parses, is what a fresh compile gives.
    #[test]
    fn edits_analyzed_from_cached_parses_match_a_fresh_compile() {
        let today = Date {
            year: 2026,
            month: 11,
            day: 22,
        };
        let mut workspace = Workspace::new(Vec::new(), Some(today));
        let uri = Uri::from_str("file:///tmp/charter-incremental/a.charter").expect("valid uri");
        let other = Uri::from_str("file:///tmp/charter-incremental/b.charter").expect("valid uri");
        workspace.open(
            other.clone(),
            "filter base extends std.filters.default {\n  prompt { hate: low }\n}\n".into(),
            1,
        );
        let original = "/// Careful.\nfilter careful extends base {\n  prompt { hate: low }\n}\n\n\
                        policy guard {\n  scope: subscription(\"prod\")\n  filters: at_least careful\n}\n";
        let edits = [
            original.to_string(),
            original.replace("at_least careful", "at_least carefull"),
            original.replace("hate: low", "hate: lo"),
            original.replace("}\n\npolicy", "\n\npolicy"),
            format!("// header\n\n{original}"),
            original.to_string(),
        ];
        let mut previous: Option<Analysis> = None;
        for (version, text) in edits.iter().enumerate() {
            workspace.open(uri.clone(), text.clone(), version as i32 + 2);
            // As the server does: the previous analysis's trees go back to the caches.
            if let Some(mut previous) = previous.take() {
                workspace.reclaim(&mut previous);
            }
            let analysis = workspace.analyze();
            let documents = analysis
                .compilation
                .documents
                .iter()
                .filter(|document| !document.is_stdlib)
                .cloned()
                .collect();
            let fresh = charter_compiler::compile(documents, &Options::new(today));
            assert_eq!(
                format!("{:?}", analysis.compilation.trees),
                format!("{:?}", fresh.trees),
                "trees after edit {version}"
            );
            assert_eq!(
                format!("{:?}", analysis.compilation.diagnostics),
                format!("{:?}", fresh.diagnostics),
                "diagnostics after edit {version}"
            );
            previous = Some(analysis);
        }
        assert_eq!(workspace.parse_caches.len(), 2);
        workspace.close(&other);
        workspace.analyze();
        assert_eq!(
            workspace.parse_caches.len(),
            1,
            "the closed file's cache is dropped"
        );
    }

    #[test]
    fn keys_agree_between_disk_and_client_spelling() {
        let key = key_of_path(Path::new("/tmp/a b/é.charter")).unwrap_or_default();
        let client = Uri::from_str("file:///tmp/a%20b/%C3%A9.charter").expect("valid uri");
        assert_eq!(key_of_uri(&client), key);
        assert_eq!(path_of_key(&key), Some(PathBuf::from("/tmp/a b/é.charter")));
    }

    fn names(scan: &Scan) -> Vec<String> {
        scan.files
            .values()
            .map(|(path, _)| {
                path.file_name()
                    .map(|name| name.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
            .collect()
    }

    #[cfg(unix)]
    #[test]
    fn the_scan_skips_build_output_dependencies_hidden_folders_and_special_files() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let root = dir.path();
        for folder in ["target", "node_modules", ".git", "out", "build", "policies"] {
            std::fs::create_dir_all(root.join(folder)).expect("mkdir");
            std::fs::write(
                root.join(folder).join(format!("{folder}.charter")),
                "filter {",
            )
            .expect("write");
        }
        std::fs::write(
            root.join("build/manifest.json"),
            "{\n  \"generator\": \"charter 0.1.0\",\n  \"files\": []\n}\n",
        )
        .expect("write");
        std::fs::write(root.join("main.charter"), "filter {").expect("write");
        std::os::unix::fs::symlink("/dev/zero", root.join("zero.charter")).expect("symlink");
        let fifo = std::process::Command::new("mkfifo")
            .arg(root.join("pipe.charter"))
            .status()
            .expect("mkfifo");
        assert!(fifo.success());
        let huge = std::fs::File::create(root.join("huge.charter")).expect("create");
        huge.set_len(MAX_DOCUMENT_BYTES as u64 + 1)
            .expect("set length");

        let scan = scan(&[root.to_path_buf()], &ScanBudget::default(), &|| false);
        assert_eq!(names(&scan), vec!["main.charter", "policies.charter"]);
        assert_eq!(scan.warnings.len(), 1, "{:?}", scan.warnings);
        assert!(
            scan.warnings[0].contains("huge.charter")
                && scan.warnings[0].contains("larger than 4 MiB")
        );
        // Opening a FIFO directly (a buffer closed over it) does not block either.
        assert!(read_source(&root.join("pipe.charter"))
            .is_err_and(|why| why.contains("not a regular file")));
    }

    #[test]
    fn the_scan_stays_within_its_budget_and_says_so() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        for index in 0..40 {
            std::fs::write(dir.path().join(format!("f{index:02}.charter")), "// x\n")
                .expect("write");
        }
        let roots = [dir.path().to_path_buf()];
        let budgets = [
            (
                ScanBudget {
                    entries: 10,
                    ..ScanBudget::default()
                },
                "after 10 entries",
            ),
            (
                ScanBudget {
                    files: 5,
                    ..ScanBudget::default()
                },
                "more than 5 `.charter` files",
            ),
            (
                ScanBudget {
                    bytes: 50,
                    ..ScanBudget::default()
                },
                "exceed 0 MiB",
            ),
        ];
        for (budget, warning) in budgets {
            let scan = scan(&roots, &budget, &|| false);
            assert!(scan.files.len() < 40, "{}", scan.files.len());
            assert_eq!(scan.warnings.len(), 1);
            assert!(scan.warnings[0].contains(warning), "{:?}", scan.warnings);
        }
        let scan = scan(&roots, &ScanBudget::default(), &|| false);
        assert_eq!(scan.files.len(), 40);
        assert!(scan.warnings.is_empty());
    }
}
