//! The project as the editor sees it: every `.charter` file under the workspace folders, with
//! open buffers taking precedence over the disk, compiled together by the compiler's one front
//! end into an [`Analysis`] that every feature reads.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use charter_compiler::{Compilation, Document, Options};
use charter_ir::Date;
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
    /// A per-process temporary directory where the embedded stdlib (read-only) and the error
    /// explanations are written, so that editors can open them as ordinary files.
    scratch_dir: PathBuf,
    /// The stdlib copies already written by this process, with their line indexes (the
    /// embedded text never changes while the server runs).
    stdlib_files: BTreeMap<String, (DocKey, Uri, LineIndex)>,
    /// The error codes whose explanation page was written.
    explained: BTreeMap<String, Option<Uri>>,
    /// The parsed top-level items of every project document, so that an edit re-parses only
    /// the items it touched; one cache per document, dropped when the document leaves.
    parse_caches: BTreeMap<DocKey, ItemCache>,
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
}

impl Analysis {
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
            scratch_dir: std::env::temp_dir().join(format!(
                "charter-lsp-{}-{}",
                env!("CARGO_PKG_VERSION"),
                std::process::id()
            )),
            stdlib_files: BTreeMap::new(),
            explained: BTreeMap::new(),
            parse_caches: BTreeMap::new(),
        };
        workspace.rescan();
        remove_stale_scratch_dirs();
        workspace
    }

    /// Re-reads every `.charter` file under the roots (after a save, a close, or a change the
    /// client's file watcher reported).
    pub fn rescan(&mut self) {
        let mut disk = BTreeMap::new();
        for root in &self.roots {
            let walker = walkdir::WalkDir::new(root)
                .follow_links(false)
                .into_iter()
                .filter_entry(|entry| !is_ignored_dir(entry));
            for entry in walker.flatten() {
                let path = entry.path();
                if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "charter") {
                    continue;
                }
                let Some(key) = key_of_path(path) else {
                    continue;
                };
                if let Ok(text) = std::fs::read_to_string(path) {
                    disk.insert(key, (path.to_path_buf(), text));
                }
            }
        }
        self.disk = disk;
    }

    /// Adds and removes workspace folders, then rescans.
    pub fn change_roots(&mut self, added: Vec<PathBuf>, removed: &[PathBuf]) {
        self.roots.retain(|root| !removed.contains(root));
        for root in added {
            if !self.roots.contains(&root) {
                self.roots.push(root);
            }
        }
        self.rescan();
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
            if let Ok(fresh) = std::fs::read_to_string(&*path) {
                *text = fresh;
            }
        }
    }

    /// Compiles the project: the files on disk, overlaid by open buffers, plus open buffers
    /// outside the roots (so a lone file still gets diagnostics), then the stdlib.
    pub fn analyze(&mut self) -> Analysis {
        let mut keys: Vec<&DocKey> = self.disk.keys().chain(self.open.keys()).collect();
        keys.sort();
        keys.dedup();
        let mut documents = Vec::with_capacity(keys.len());
        let mut files = Vec::with_capacity(keys.len());
        // Caches of documents that left the project are dropped with this map.
        let mut previous_caches = std::mem::take(&mut self.parse_caches);
        for (index, key) in keys.into_iter().enumerate() {
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
        let mut compilation = charter_compiler::compile_parsed(documents, &Options::new(today));
        charter_compliance::check(&mut compilation, today);
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
        Analysis {
            compilation,
            files,
            today,
        }
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
        let path = self.scratch_dir.join(relative);
        write_read_only(&path, &document.text);
        let key = key_of_path(&path).unwrap_or_else(|| format!("charter-std:{relative}"));
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

    fn write_explanation(&self, code: &str) -> Option<Uri> {
        let info = charter_compiler::codes::lookup(code)?;
        let path = self
            .scratch_dir
            .join("explain")
            .join(format!("{}.md", info.code));
        if !path.exists() {
            let page = format!(
                "# {}: {}\n\n{}\n\n## Example\n\n```charter\n{}\n```\n\n## Fixed\n\n```charter\n{}\n```\n",
                info.code,
                info.title,
                info.explanation,
                info.failing_example.trim_end(),
                info.fixed_example.trim_end()
            );
            write_read_only(&path, &page);
        }
        uri_of_key(&key_of_path(&path)?)
    }
}

/// Removes the files written for this process.
impl Drop for Workspace {
    fn drop(&mut self) {
        if self.scratch_dir.exists() {
            make_writable(&self.scratch_dir);
            let _ = std::fs::remove_dir_all(&self.scratch_dir);
        }
    }
}

/// Removes the scratch directories of servers that were killed before they could clean up
/// (an editor may end its server with a signal). Only directories named like ours whose
/// process no longer exists are touched; where `/proc` is missing nothing is removed.
fn remove_stale_scratch_dirs() {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(rest) = name.strip_prefix("charter-lsp-") else {
            continue;
        };
        let Some(pid) = rest
            .rsplit('-')
            .next()
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let dir = entry.path();
            make_writable(&dir);
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

/// Writes `text` to `path` unless it is already there, and marks the file read-only (these are
/// copies of embedded text: editing them would change nothing).
fn write_read_only(path: &Path, text: &str) {
    if std::fs::read_to_string(path).is_ok_and(|on_disk| on_disk == text) {
        return;
    }
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    // A previous write left it read-only; make it writable to refresh it.
    if let Ok(metadata) = std::fs::metadata(path) {
        let mut permissions = metadata.permissions();
        #[expect(
            clippy::permissions_set_readonly_false,
            reason = "refreshing our own temp file"
        )]
        permissions.set_readonly(false);
        let _ = std::fs::set_permissions(path, permissions);
    }
    if std::fs::write(path, text).is_ok() {
        if let Ok(metadata) = std::fs::metadata(path) {
            let mut permissions = metadata.permissions();
            permissions.set_readonly(true);
            let _ = std::fs::set_permissions(path, permissions);
        }
    }
}

fn make_writable(dir: &Path) {
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if let Ok(metadata) = entry.metadata() {
            let mut permissions = metadata.permissions();
            #[expect(
                clippy::permissions_set_readonly_false,
                reason = "removing our own temp files"
            )]
            permissions.set_readonly(false);
            let _ = std::fs::set_permissions(entry.path(), permissions);
        }
    }
}

fn is_ignored_dir(entry: &walkdir::DirEntry) -> bool {
    entry.depth() > 0
        && entry.file_type().is_dir()
        && entry
            .file_name()
            .to_str()
            .is_some_and(|name| name.starts_with('.') || name == "target" || name == "node_modules")
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
        for (version, text) in edits.iter().enumerate() {
            workspace.open(uri.clone(), text.clone(), version as i32 + 2);
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
}
