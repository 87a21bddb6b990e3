//! The protocol: initialization, the message loop, decoding requests and notifications (in
//! this one place), and turning the feature modules' domain answers into LSP replies.
//!
//! The loop is synchronous. Edits only mark the workspace dirty; the project is recompiled
//! when no message is waiting (so a burst of edits costs one compilation) or before a request
//! is answered, and then diagnostics are published for every project file. The
//! self-compliance proof of each compilation runs on a thread of its own (`proof`); its
//! findings are merged, and published again, when they come.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, OnceLock};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::convert;
use crate::features;
use crate::proof::{self, Prover};
use crate::transport::log;
use crate::workspace::{self, Analysis, DocKey, Scan, ScanBudget, Workspace};

/// What the server tells the client it can do.
pub fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(lsp::PositionEncodingKind::UTF16),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec!["\"".into(), ":".into(), ".".into(), " ".into()]),
            ..Default::default()
        }),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..Default::default()
            },
        )),
        semantic_tokens_provider: Some(
            lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                lsp::SemanticTokensOptions {
                    legend: lsp::SemanticTokensLegend {
                        token_types: features::semantic_tokens::LEGEND_TYPES.to_vec(),
                        token_modifiers: features::semantic_tokens::LEGEND_MODIFIERS.to_vec(),
                    },
                    full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                    range: None,
                    work_done_progress_options: Default::default(),
                },
            ),
        ),
        inlay_hint_provider: Some(lsp::OneOf::Left(true)),
        document_highlight_provider: Some(lsp::OneOf::Left(true)),
        workspace: Some(lsp::WorkspaceServerCapabilities {
            workspace_folders: Some(lsp::WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(lsp::OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
        ..Default::default()
    }
}

/// Runs the server on a connection until the client sends `exit`. Returns an error when the
/// client exits without `shutdown` or initialization fails.
pub fn run(connection: Connection) -> Result<(), String> {
    run_with_scanner(connection, Arc::new(workspace::scan))
}

/// How the workspace folders are scanned (see [`workspace::scan`]); tests put in a scanner
/// they control.
pub type Scanner = Arc<dyn Fn(&[PathBuf], &ScanBudget, &dyn Fn() -> bool) -> Scan + Send + Sync>;

fn run_with_scanner(connection: Connection, scanner: Scanner) -> Result<(), String> {
    let (id, params) = wait_for_initialize(&connection)?;
    let settings = Settings::from_initialize_params(&params);
    let result = lsp::InitializeResult {
        capabilities: capabilities(),
        server_info: Some(lsp::ServerInfo {
            name: "charter".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|error| error.to_string())?;
    // The `initialized` notification is not waited for: whatever the client sends first is
    // handled as usual (lsp-server's `initialize_finish` ended the session on anything else).
    let _ = connection.sender.send(Response::new_ok(id, result).into());
    if settings.watch_files {
        // Ask the client to report `.charter` files created, changed or deleted on disk (a
        // `git checkout`, a generator), so the project stays in step with the folder.
        let registration = lsp::RegistrationParams {
            registrations: vec![lsp::Registration {
                id: "charter-watch-files".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(
                    lsp::DidChangeWatchedFilesRegistrationOptions {
                        watchers: vec![lsp::FileSystemWatcher {
                            glob_pattern: lsp::GlobPattern::String("**/*.charter".to_string()),
                            kind: None,
                        }],
                    },
                )
                .ok(),
            }],
        };
        let _ = connection.sender.send(Message::Request(Request::new(
            RequestId::from("charter-register-watchers".to_string()),
            "client/registerCapability".to_string(),
            registration,
        )));
    }
    let (scan_sender, scan_results) = crossbeam_channel::unbounded();
    let mut server = Server {
        workspace: Workspace::new(Vec::new(), settings.today),
        connection,
        analyses: Vec::new(),
        dirty: true,
        published: BTreeMap::new(),
        shutdown_requested: false,
        trace: std::env::var_os("CHARTER_LSP_TRACE").is_some_and(|v| v != "0"),
        scan_sender,
        scan_results,
        scan_generation: Arc::new(AtomicU64::new(0)),
        scan_budget: ScanBudget::default(),
        scanner,
        warned: BTreeSet::new(),
        too_large: BTreeSet::new(),
        prover: Prover::start(),
        proof_patience: settings.proof_patience,
        generation: 0,
        proof_pending: false,
        last_proof_fit: None,
        deferred_proof: None,
        proof_published: BTreeMap::new(),
    };
    server.workspace.change_roots(settings.roots, &[]);
    server.start_scan();
    server.main_loop()
}

/// Answers everything before `initialize` with `ServerNotInitialized` (without repeating the
/// request back), and returns the `initialize` request.
fn wait_for_initialize(connection: &Connection) -> Result<(RequestId, Value), String> {
    loop {
        let message = connection
            .receiver
            .recv()
            .map_err(|_| "the client closed the connection before `initialize`".to_string())?;
        match message {
            Message::Request(request) if request.method == "initialize" => {
                return Ok((request.id, request.params));
            }
            Message::Request(request) => {
                log(&format!(
                    "refused `{}` before `initialize`",
                    charter_syntax::diagnostic::sanitize(&request.method)
                ));
                let _ = connection.sender.send(
                    Response::new_err(
                        request.id,
                        ErrorCode::ServerNotInitialized as i32,
                        "the server is not initialized: send `initialize` first".to_string(),
                    )
                    .into(),
                );
            }
            Message::Notification(notification) if notification.method == "exit" => {
                return Err("the client sent `exit` before `initialize`".to_string());
            }
            // Other notifications before `initialize` are dropped, as the protocol says.
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
}

/// What the client told us in `initialize`, read leniently (a field of the wrong type is
/// ignored rather than failing the session).
struct Settings {
    roots: Vec<PathBuf>,
    /// Whether the client can watch files for us (dynamic registration).
    watch_files: bool,
    today: Option<charter_ir::Date>,
    /// How long a check waits for its proof before publishing without it
    /// (`initializationOptions.proofPatienceMs`).
    proof_patience: std::time::Duration,
}

impl Settings {
    fn from_initialize_params(params: &Value) -> Settings {
        let mut roots: Vec<PathBuf> = params
            .get("workspaceFolders")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|folder| folder.get("uri")?.as_str())
            .filter_map(workspace::path_of_key)
            .collect();
        if roots.is_empty() {
            if let Some(root) = params
                .get("rootUri")
                .and_then(Value::as_str)
                .and_then(workspace::path_of_key)
            {
                roots.push(root);
            } else if let Some(root) = params.get("rootPath").and_then(Value::as_str) {
                roots.push(PathBuf::from(root));
            }
        }
        let today = params
            .pointer("/initializationOptions/today")
            .and_then(Value::as_str)
            .and_then(workspace::parse_date);
        let watch_files = params
            .pointer("/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let proof_patience = params
            .pointer("/initializationOptions/proofPatienceMs")
            .and_then(Value::as_u64)
            .map_or(proof::PATIENCE, |ms| {
                std::time::Duration::from_millis(ms.min(10_000))
            });
        Settings {
            roots,
            watch_files,
            proof_patience,
            today,
        }
    }
}

struct Server {
    connection: Connection,
    workspace: Workspace,
    /// The latest compilation of every project (each file is in exactly one); empty only
    /// before the first.
    analyses: Vec<Analysis>,
    /// Whether an edit arrived since `analysis` was computed.
    dirty: bool,
    /// What was last published per document, so unchanged diagnostics are not re-sent and
    /// vanished files are cleared.
    published: BTreeMap<DocKey, (lsp::Uri, Vec<lsp::Diagnostic>)>,
    shutdown_requested: bool,
    /// Whether to log how long each check takes (`CHARTER_LSP_TRACE=1`).
    trace: bool,
    /// Workspace scans run on their own thread, so that the open documents are answered
    /// meanwhile; each sends its generation and result here.
    scan_sender: crossbeam_channel::Sender<(u64, Scan)>,
    scan_results: crossbeam_channel::Receiver<(u64, Scan)>,
    /// The generation of the latest scan; an older scan stops early and its result is dropped.
    scan_generation: Arc<AtomicU64>,
    scan_budget: ScanBudget,
    scanner: Scanner,
    /// Warnings already shown to the user, so that each is shown once.
    warned: BTreeSet<String>,
    /// Open documents too large to check (the user was told).
    too_large: BTreeSet<DocKey>,
    /// Runs the self-compliance proof off the main loop.
    prover: Prover,
    proof_patience: std::time::Duration,
    /// The number of the latest compilation; a proof of an older one is dropped.
    generation: u64,
    /// Whether the latest compilation's proof is still running.
    proof_pending: bool,
    /// Whether the last proof finished within the patience (`None` before the first): a check
    /// waits for its proof only when it did, so a project whose proof is slow gets its compiler
    /// diagnostics at once instead of after the whole patience.
    last_proof_fit: Option<bool>,
    /// The proof's diagnostics per file, as last published. While a proof runs, those of files
    /// that did not change since are published again (their places still hold), so that
    /// findings do not flicker off and on with every edit elsewhere.
    proof_published: BTreeMap<DocKey, Vec<lsp::Diagnostic>>,
    /// A proof not waited for, handed to the prover only once the editor has been quiet until
    /// the instant (each edit replaces it and moves the instant): while the user types, the
    /// proof's thread does not compete with the next edit's check for the cores.
    deferred_proof: Option<(proof::Job, std::time::Instant)>,
}

/// How long the editor must be quiet before a proof that is not waited for starts.
const PROOF_QUIET: std::time::Duration = std::time::Duration::from_millis(150);

/// Why a request got an error reply.
pub struct RequestError {
    code: ErrorCode,
    message: String,
}

impl RequestError {
    fn invalid_params(message: impl Into<String>) -> RequestError {
        RequestError {
            code: ErrorCode::InvalidParams,
            message: message.into(),
        }
    }
}

impl Server {
    fn main_loop(&mut self) -> Result<(), String> {
        // Check the open documents (none yet) at once; the project's files join when the
        // workspace scan is done.
        self.refresh();
        loop {
            let quiet = match &self.deferred_proof {
                Some((_, at)) => crossbeam_channel::at(*at),
                None => crossbeam_channel::never(),
            };
            let message = crossbeam_channel::select! {
                recv(quiet) -> _ => {
                    if let Some((job, _)) = self.deferred_proof.take() {
                        self.prover.submit(job);
                    }
                    continue;
                }
                recv(self.connection.receiver) -> message => match message {
                    Ok(message) => message,
                    Err(_) => {
                        return Err("the client closed the connection without `exit`".to_string())
                    }
                },
                recv(self.prover.outcomes) -> outcome => {
                    if let Ok(outcome) = outcome {
                        self.on_proof(outcome);
                    }
                    continue;
                }
                recv(self.scan_results) -> scan => {
                    if let Ok((generation, scan)) = scan {
                        self.on_scan(generation, scan);
                    }
                    if self.dirty && self.connection.receiver.is_empty() {
                        self.refresh();
                    }
                    continue;
                }
            };
            match message {
                Message::Request(request) => self.on_request(request),
                Message::Notification(notification) if notification.method == "exit" => {
                    return if self.shutdown_requested {
                        Ok(())
                    } else {
                        Err("the client sent `exit` before `shutdown`".to_string())
                    };
                }
                Message::Notification(notification) => self.on_notification(notification),
                // We send no requests that need an answer.
                Message::Response(_) => {}
            }
            // Coalesce edits: recompile only once nothing else is waiting.
            if self.dirty && self.connection.receiver.is_empty() {
                self.refresh();
            }
        }
    }

    /// Starts scanning the workspace folders on a thread; a scan still running is cancelled.
    fn start_scan(&mut self) {
        let generation = self.scan_generation.fetch_add(1, Ordering::SeqCst) + 1;
        let roots = self.workspace.scan_roots();
        if roots.is_empty() {
            self.on_scan(generation, Scan::default());
            return;
        }
        let latest = Arc::clone(&self.scan_generation);
        let budget = self.scan_budget.clone();
        let results = self.scan_sender.clone();
        let scanner = Arc::clone(&self.scanner);
        let spawned = std::thread::Builder::new()
            .name("charter-lsp-scan".to_string())
            .spawn(move || {
                let cancelled = || latest.load(Ordering::SeqCst) != generation;
                let scan = catch_unwind(AssertUnwindSafe(|| scanner(&roots, &budget, &cancelled)))
                    .unwrap_or_default();
                let _ = results.send((generation, scan));
            });
        if spawned.is_err() {
            log("cannot start a thread to scan the workspace; scanning here");
            let roots = self.workspace.scan_roots();
            let scan = (self.scanner)(&roots, &self.scan_budget, &|| false);
            self.on_scan(generation, scan);
        }
    }

    /// Takes the result of the latest scan.
    fn on_scan(&mut self, generation: u64, scan: Scan) {
        if generation != self.scan_generation.load(Ordering::SeqCst) {
            return;
        }
        for warning in &scan.warnings {
            self.warn(warning);
        }
        self.workspace.set_disk(scan.files);
        self.dirty = true;
    }

    /// Shows a warning to the user once (and logs it).
    fn warn(&mut self, message: &str) {
        log(message);
        if self.warned.insert(message.to_string()) {
            self.send(Notification::new(
                "window/showMessage".to_string(),
                lsp::ShowMessageParams {
                    typ: lsp::MessageType::WARNING,
                    message: format!("Charter: {message}"),
                },
            ));
        }
    }

    /// Tells the user when an open document is too large to check, once per document.
    fn check_document_size(&mut self, uri: &lsp::Uri) {
        let key = workspace::key_of_uri(uri);
        let size = self
            .workspace
            .buffer_mut(uri)
            .map_or(0, |buffer| buffer.text.len());
        if size <= workspace::MAX_DOCUMENT_BYTES {
            self.too_large.remove(&key);
            return;
        }
        if self.too_large.insert(key) {
            let message = format!(
                "`{}` is {:.1} MiB; documents over {} MiB are not checked, so that typing stays responsive",
                charter_syntax::diagnostic::sanitize(uri.as_str()),
                size as f64 / (1024.0 * 1024.0),
                workspace::MAX_DOCUMENT_BYTES / (1024 * 1024)
            );
            log(&message);
            self.send(Notification::new(
                "window/showMessage".to_string(),
                lsp::ShowMessageParams {
                    typ: lsp::MessageType::WARNING,
                    message: format!("Charter: {message}"),
                },
            ));
        }
    }

    fn send(&self, message: impl Into<Message>) {
        // A send fails only when the writer thread is gone, and then the loop ends with the
        // input anyway.
        let _ = self.connection.sender.send(message.into());
    }

    fn on_request(&mut self, request: Request) {
        let Request { id, method, params } = request;
        if self.shutdown_requested {
            self.send(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".to_string(),
            ));
            return;
        }
        if method == crate::transport::INVALID_MESSAGE {
            let why = params
                .as_str()
                .unwrap_or("not a JSON-RPC message")
                .to_string();
            self.send(Response::new_err(id, ErrorCode::InvalidRequest as i32, why));
            return;
        }
        if method == "initialize" {
            self.send(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is already initialized".to_string(),
            ));
            return;
        }
        if method == "shutdown" {
            self.shutdown_requested = true;
            self.send(Response::new_ok(id, Value::Null));
            return;
        }
        if self.dirty {
            self.refresh();
        }
        let started = std::time::Instant::now();
        let reply = if self.analyses.is_empty() {
            Err(RequestError {
                code: ErrorCode::InternalError,
                message: "the project has not been compiled yet".to_string(),
            })
        } else if method == "workspace/symbol" {
            // Every project's symbols, one list.
            let mut symbols = Vec::new();
            let mut reply = Ok(Value::Null);
            for analysis in &self.analyses {
                match answer(analysis, &method, params.clone()) {
                    Ok(Value::Array(found)) => symbols.extend(found),
                    Ok(_) => {}
                    Err(error) => reply = Err(error),
                }
            }
            reply.map(|_| Value::Array(symbols))
        } else {
            // A request about a document is answered by that document's project.
            let key = params
                .pointer("/textDocument/uri")
                .and_then(Value::as_str)
                .and_then(|uri| lsp::Uri::from_str(uri).ok())
                .map(|uri| workspace::key_of_uri(&uri));
            let analysis = key
                .and_then(|key| {
                    self.analyses
                        .iter()
                        .find(|analysis| analysis.index_of_key(&key).is_some())
                })
                .unwrap_or(&self.analyses[0]);
            answer(analysis, &method, params)
        };
        if self.trace {
            log(&format!(
                "answered `{method}` in {:.2} ms",
                started.elapsed().as_secs_f64() * 1000.0
            ));
        }
        self.send(reply_to(id, reply));
    }

    fn on_notification(&mut self, notification: Notification) {
        let Notification { method, params } = notification;
        let outcome = match method.as_str() {
            "textDocument/didOpen" => decode(params).map(|p: lsp::DidOpenTextDocumentParams| {
                let document = p.text_document;
                let uri = document.uri.clone();
                self.workspace
                    .open(document.uri, document.text, document.version);
                self.check_document_size(&uri);
                // A file of a project outside the workspace folders: read the project's other
                // files too, so that its names resolve.
                if self.workspace.note_project_of(&uri) {
                    self.start_scan();
                }
                self.dirty = true;
            }),
            "textDocument/didChange" => {
                decode(params).map(|p: lsp::DidChangeTextDocumentParams| {
                    let uri = p.text_document.uri.clone();
                    self.apply_changes(p);
                    self.check_document_size(&uri);
                    self.dirty = true;
                })
            }
            "textDocument/didClose" => decode(params).map(|p: lsp::DidCloseTextDocumentParams| {
                self.workspace.close(&p.text_document.uri);
                self.dirty = true;
            }),
            "textDocument/didSave" | "workspace/didChangeWatchedFiles" => {
                self.start_scan();
                Ok(())
            }
            crate::transport::OVERSIZED_MESSAGE => {
                let bytes = params.as_u64().unwrap_or(0);
                self.warn(&format!(
                    "the editor sent a message of {:.1} MiB, over the {} MiB the server reads; it was skipped (a document that large is not checked)",
                    bytes as f64 / (1024.0 * 1024.0),
                    crate::transport::MAX_MESSAGE_BYTES / (1024 * 1024)
                ));
                Ok(())
            }
            "workspace/didChangeWorkspaceFolders" => {
                decode(params).map(|p: lsp::DidChangeWorkspaceFoldersParams| {
                    let added = p
                        .event
                        .added
                        .iter()
                        .filter_map(|f| workspace::path_of_uri(&f.uri));
                    let removed: Vec<PathBuf> = p
                        .event
                        .removed
                        .iter()
                        .filter_map(|f| workspace::path_of_uri(&f.uri))
                        .collect();
                    self.workspace.change_roots(added.collect(), &removed);
                    self.start_scan();
                })
            }
            // Requests are answered in order, so a cancelled one is already answered.
            _ => Ok(()),
        };
        if let Err(error) = outcome {
            log(&format!("ignored `{method}`: {}", error.message));
        }
    }

    /// Applies incremental (or whole-text) changes to an open buffer, converting each range
    /// with the buffer's text as it is after the previous change.
    fn apply_changes(&mut self, params: lsp::DidChangeTextDocumentParams) {
        let Some(buffer) = self.workspace.buffer_mut(&params.text_document.uri) else {
            log("ignored a change to a document that is not open");
            return;
        };
        for change in params.content_changes {
            match change.range {
                None => buffer.text = change.text,
                Some(range) => {
                    let start = convert::offset_in_text(
                        &buffer.text,
                        range.start.line as usize,
                        range.start.character as usize,
                    );
                    let end = convert::offset_in_text(
                        &buffer.text,
                        range.end.line as usize,
                        range.end.character as usize,
                    );
                    if start > end {
                        // A reversed range is malformed; applying it anyway would replace text
                        // the client did not mean to touch.
                        log("ignored a change whose range ends before it starts");
                        continue;
                    }
                    buffer.text.replace_range(start..end, &change.text);
                }
            }
        }
        buffer.version = params.text_document.version;
    }

    /// Recompiles every project and publishes what changed. The proofs of the new compilations
    /// are handed to their thread; if they are back within the proof patience their findings
    /// are published with the rest, otherwise they follow in a second publication.
    fn refresh(&mut self) {
        let started = std::time::Instant::now();
        self.dirty = false;
        // The compiler must never panic; if it does on some input, keep the last good analysis
        // and go on serving rather than take the editor's server down with it.
        let workspace = &mut self.workspace;
        // The previous analyses' trees go back to the parse caches, so that the new ones move
        // the items an edit left alone instead of copying them.
        for previous in &mut self.analyses {
            workspace.reclaim(previous);
        }
        let mut analyses = match catch_unwind(AssertUnwindSafe(|| workspace.analyze_all())) {
            Ok(analyses) => analyses,
            Err(_) => {
                log("the checker panicked on the current sources; keeping the previous results");
                for previous in &mut self.analyses {
                    previous.restore_trees();
                }
                return;
            }
        };
        let compiled = started.elapsed();
        let manifest_errors: Vec<String> =
            self.workspace.manifest_errors.values().cloned().collect();
        for why in manifest_errors {
            self.warn(&format!(
                "{why}; the project is checked without its manifest"
            ));
        }
        self.generation += 1;
        self.carry_proof_forward(&analyses);
        // A compilation with errors is not proved: its model is incomplete, and the errors
        // already say what to fix. Each project is proved on its own.
        let proved: Vec<bool> = analyses
            .iter()
            .map(|analysis| !analysis.compilation.has_errors())
            .collect();
        self.proof_pending = proved.iter().any(|proved| *proved);
        let job = |analyses: &[Analysis], generation| proof::Job {
            generation,
            models: analyses
                .iter()
                .zip(&proved)
                .map(|(analysis, proved)| proved.then(|| analysis.proof_model()))
                .collect(),
            today: analyses[0].today,
        };
        // Wait for the proof (publishing once, complete) only if the last one took no longer
        // than the patience; otherwise publish the compiler's diagnostics first and copy the
        // model for the proof after.
        let patient = !self.proof_patience.is_zero() && self.last_proof_fit != Some(false);
        let mut submit_after_publish = false;
        if self.proof_pending && patient {
            self.prover.submit(job(&analyses, self.generation));
            // (A channel's wait spins and yields before it sleeps, long enough for a small
            // proof to finish.)
            match self.prover.outcomes.recv_timeout(self.proof_patience) {
                Ok(outcome) => {
                    self.last_proof_fit = Some(outcome.elapsed <= self.proof_patience);
                    if outcome.generation == self.generation {
                        self.merge_proof(&mut analyses, outcome);
                    }
                }
                Err(_) => self.last_proof_fit = Some(false),
            }
        } else if self.proof_pending {
            submit_after_publish = true;
        } else {
            self.proof_published.clear();
        }
        let previous = self.versions();
        if catch_unwind(AssertUnwindSafe(|| self.publish(&analyses, &previous))).is_err() {
            log("publishing diagnostics panicked; they may be stale");
        }
        // A newer compilation's proof replaces one not started yet.
        self.deferred_proof = submit_after_publish.then(|| {
            (
                job(&analyses, self.generation),
                std::time::Instant::now() + PROOF_QUIET,
            )
        });
        if self.trace {
            log(&format!(
                "checked {} documents in {} project{} in {:.2} ms, published in {:.2} ms{}",
                analyses.iter().map(|a| a.files.len()).sum::<usize>(),
                analyses.len(),
                if analyses.len() == 1 { "" } else { "s" },
                compiled.as_secs_f64() * 1000.0,
                (started.elapsed() - compiled).as_secs_f64() * 1000.0,
                if self.proof_pending {
                    ", proof still running"
                } else {
                    ""
                }
            ));
        }
        for previous in std::mem::replace(&mut self.analyses, analyses) {
            drop_elsewhere(previous);
        }
    }

    /// The proofs of a compilation are back: if they are the latest, their findings join the
    /// analyses (so hover and code actions see them) and are published.
    fn on_proof(&mut self, outcome: proof::Outcome) {
        self.last_proof_fit = Some(outcome.elapsed <= self.proof_patience);
        if outcome.generation != self.generation || !self.proof_pending {
            return;
        }
        let mut analyses = std::mem::take(&mut self.analyses);
        let previous = versions_of(&analyses);
        self.merge_proof(&mut analyses, outcome);
        if catch_unwind(AssertUnwindSafe(|| self.publish(&analyses, &previous))).is_err() {
            log("publishing diagnostics panicked; they may be stale");
        }
        self.analyses = analyses;
    }

    fn merge_proof(&mut self, analyses: &mut [Analysis], outcome: proof::Outcome) {
        self.proof_pending = false;
        if self.trace {
            log(&format!(
                "proved in {:.2} ms",
                outcome.elapsed.as_secs_f64() * 1000.0
            ));
        }
        self.proof_published.clear();
        for (analysis, found) in analyses.iter_mut().zip(outcome.diagnostics) {
            for diagnostic in &found {
                let explanation = self.workspace.explanation_uri(diagnostic.code);
                let Some(index) = analysis.index_of_id(diagnostic.primary.span.file) else {
                    continue;
                };
                if let Some(rendered) = convert::diagnostic(analysis, diagnostic, explanation) {
                    self.proof_published
                        .entry(analysis.files[index].key.clone())
                        .or_default()
                        .push(rendered);
                }
            }
            let diagnostics = &mut analysis.compilation.diagnostics;
            diagnostics.extend(found);
            charter_compliance::sort(diagnostics);
        }
    }

    /// Keeps the last proof's diagnostics of the files whose text did not change (and that
    /// point at no file that did), to publish while the new proof runs.
    fn carry_proof_forward(&mut self, analyses: &[Analysis]) {
        if self.analyses.is_empty() {
            self.proof_published.clear();
            return;
        }
        let previous = &self.analyses;
        let unchanged = |key: &DocKey| match (text_of(previous, key), text_of(analyses, key)) {
            (Some(old), Some(new)) => old == new,
            _ => false,
        };
        let changed_uris: BTreeSet<&str> = analyses
            .iter()
            .flat_map(|analysis| analysis.files.iter())
            .filter(|file| !unchanged(&file.key))
            .map(|file| file.uri.as_str())
            .collect();
        self.proof_published.retain(|key, diagnostics| {
            diagnostics.retain(|diagnostic| {
                diagnostic
                    .related_information
                    .iter()
                    .flatten()
                    .all(|related| !changed_uris.contains(related.location.uri.as_str()))
            });
            unchanged(key) && !diagnostics.is_empty()
        });
    }

    /// The version of every file of the current analyses, to tell which were edited.
    fn versions(&self) -> BTreeMap<DocKey, Option<i32>> {
        versions_of(&self.analyses)
    }

    /// Publishes diagnostics for every project file whose diagnostics or version changed, and
    /// clears files that left every project. Each project's diagnostics go to its own files.
    /// While the proof runs, the findings it made before in files that did not change are
    /// published again. `previous` holds the versions last published.
    fn publish(&mut self, analyses: &[Analysis], previous: &BTreeMap<DocKey, Option<i32>>) {
        let mut published = BTreeMap::new();
        for analysis in analyses {
            self.publish_project(analysis, previous, &mut published);
        }
        for (uri, diagnostics) in std::mem::take(&mut self.published).into_values() {
            if !diagnostics.is_empty() {
                self.send(Notification::new(
                    "textDocument/publishDiagnostics".to_string(),
                    lsp::PublishDiagnosticsParams {
                        uri,
                        diagnostics: Vec::new(),
                        version: None,
                    },
                ));
            }
        }
        self.published = published;
    }

    /// Publishes one project's diagnostics, moving what it publishes from `self.published`
    /// into `published`.
    fn publish_project(
        &mut self,
        analysis: &Analysis,
        previous: &BTreeMap<DocKey, Option<i32>>,
        published: &mut BTreeMap<DocKey, (lsp::Uri, Vec<lsp::Diagnostic>)>,
    ) {
        let mut per_file: BTreeMap<usize, Vec<lsp::Diagnostic>> = BTreeMap::new();
        for (index, file) in analysis.files.iter().enumerate() {
            if !file.is_stdlib {
                per_file.insert(index, Vec::new());
            }
        }
        for diagnostic in &analysis.compilation.diagnostics {
            let explanation = self.workspace.explanation_uri(diagnostic.code);
            if let Some(rendered) = convert::diagnostic(analysis, diagnostic, explanation) {
                if let Some(index) = analysis.index_of_id(diagnostic.primary.span.file) {
                    if let Some(list) = per_file.get_mut(&index) {
                        list.push(rendered);
                    }
                }
            }
        }
        if self.proof_pending {
            for (index, list) in per_file.iter_mut() {
                if let Some(carried) = self.proof_published.get(&analysis.files[*index].key) {
                    list.extend(carried.iter().cloned());
                }
            }
        }
        for (index, diagnostics) in per_file {
            let file = &analysis.files[index];
            let last = self.published.remove(&file.key);
            let edited = file.version.is_some() && previous.get(&file.key) != Some(&file.version);
            if edited || last.as_ref().map(|(_, d)| d) != Some(&diagnostics) {
                self.send(Notification::new(
                    "textDocument/publishDiagnostics".to_string(),
                    lsp::PublishDiagnosticsParams {
                        uri: file.uri.clone(),
                        diagnostics: diagnostics.clone(),
                        version: file.version,
                    },
                ));
            }
            published.insert(file.key.clone(), (file.uri.clone(), diagnostics));
        }
    }
}

/// The text of a document in whichever analysis holds it.
fn text_of<'a>(analyses: &'a [Analysis], key: &str) -> Option<&'a str> {
    analyses
        .iter()
        .find_map(|analysis| analysis.index_of_key(key).map(|index| analysis.text(index)))
}

fn reply_to(id: RequestId, reply: Result<Value, RequestError>) -> Response {
    match reply {
        Ok(value) => Response::new_ok(id, value),
        Err(error) => Response::new_err(id, error.code as i32, error.message),
    }
}

fn decode<P: DeserializeOwned>(params: Value) -> Result<P, RequestError> {
    serde_json::from_value(params)
        .map_err(|error| RequestError::invalid_params(format!("invalid params: {error}")))
}

/// Decodes a request's params, answers it, and encodes the answer; a panic in the feature
/// becomes an `InternalError` reply and the server goes on.
fn handle<P: DeserializeOwned, R: Serialize>(
    params: Value,
    answer: impl FnOnce(P) -> R,
) -> Result<Value, RequestError> {
    handle_fallible(params, |params| Ok::<R, String>(answer(params)))
}

/// Like [`handle`], for features that may refuse: the refusal becomes a `RequestFailed`
/// reply with its reason (a rename to an invalid name, a formatter that refused).
fn handle_fallible<P: DeserializeOwned, R: Serialize>(
    params: Value,
    answer: impl FnOnce(P) -> Result<R, String>,
) -> Result<Value, RequestError> {
    let params = decode(params)?;
    let result = catch_unwind(AssertUnwindSafe(|| answer(params))).map_err(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        log(&format!("a request panicked: {what}"));
        RequestError {
            code: ErrorCode::InternalError,
            message: format!("internal error: {what}"),
        }
    })?;
    let result = result.map_err(|why| RequestError {
        code: ErrorCode::RequestFailed,
        message: why,
    })?;
    serde_json::to_value(result).map_err(|error| RequestError {
        code: ErrorCode::InternalError,
        message: error.to_string(),
    })
}

/// The one place where request methods are decoded and dispatched to the features.
fn answer(analysis: &Analysis, method: &str, params: Value) -> Result<Value, RequestError> {
    use crate::protocol as p;
    match method {
        "textDocument/formatting" => handle_fallible(params, |q: lsp::DocumentFormattingParams| {
            p::formatting(analysis, q)
        }),
        "textDocument/documentSymbol" => handle(params, |q: lsp::DocumentSymbolParams| {
            p::document_symbols(analysis, q)
        }),
        "workspace/symbol" => handle(params, |q: lsp::WorkspaceSymbolParams| {
            p::workspace_symbols(analysis, q)
        }),
        "textDocument/hover" => handle(params, |q: lsp::HoverParams| p::hover(analysis, q)),
        "textDocument/definition" => handle(params, |q: lsp::GotoDefinitionParams| {
            p::definition(analysis, q)
        }),
        "textDocument/references" => {
            handle(params, |q: lsp::ReferenceParams| p::references(analysis, q))
        }
        "textDocument/prepareRename" => handle(params, |q: lsp::TextDocumentPositionParams| {
            p::prepare_rename(analysis, q)
        }),
        "textDocument/rename" => {
            handle_fallible(params, |q: lsp::RenameParams| p::rename(analysis, q))
        }
        "textDocument/completion" => handle(params, |q: lsp::CompletionParams| {
            p::completion(analysis, q)
        }),
        "textDocument/codeAction" => handle(params, |q: lsp::CodeActionParams| {
            p::code_actions(analysis, q)
        }),
        "textDocument/semanticTokens/full" => handle(params, |q: lsp::SemanticTokensParams| {
            p::semantic_tokens(analysis, q)
        }),
        "textDocument/documentHighlight" => handle(params, |q: lsp::DocumentHighlightParams| {
            p::document_highlights(analysis, q)
        }),
        "textDocument/foldingRange" => handle(params, |q: lsp::FoldingRangeParams| {
            p::folding_ranges(analysis, q)
        }),
        "textDocument/inlayHint" => handle(params, |q: lsp::InlayHintParams| {
            p::inlay_hints(analysis, q)
        }),
        _ => Err(RequestError {
            code: ErrorCode::MethodNotFound,
            message: format!("unknown method `{method}`"),
        }),
    }
}

/// The version of every file of some analyses.
fn versions_of(analyses: &[Analysis]) -> BTreeMap<DocKey, Option<i32>> {
    analyses
        .iter()
        .flat_map(|analysis| analysis.files.iter())
        .map(|file| (file.key.clone(), file.version))
        .collect()
}

/// Frees an analysis on a thread of its own. Dropping a project's trees, model and catalog
/// takes a few milliseconds on a large project, and nothing needs to wait for it: done on the
/// main loop, it delayed the reply to the next request. Dropped here if the thread cannot be
/// started.
fn drop_elsewhere(analysis: Analysis) {
    static DROPPER: OnceLock<Option<Sender<Analysis>>> = OnceLock::new();
    let dropper = DROPPER.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel::<Analysis>();
        std::thread::Builder::new()
            .name("charter-drop".to_string())
            .spawn(move || receiver.into_iter().for_each(drop))
            .ok()
            .map(|_| sender)
    });
    let Some(sender) = dropper else {
        return;
    };
    // If the thread is gone the analysis comes back in the error and is dropped here.
    let _ = sender.send(analysis);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::{mpsc, Mutex};

    /// Receives messages until one satisfies `wanted`; the others are returned too.
    fn receive_until(client: &Connection, wanted: impl Fn(&Message) -> bool) -> Vec<Message> {
        let mut seen = Vec::new();
        loop {
            let message = client
                .receiver
                .recv_timeout(std::time::Duration::from_secs(30))
                .expect("the server answers");
            let done = wanted(&message);
            seen.push(message);
            if done {
                return seen;
            }
        }
    }

    fn is_response(message: &Message, id: i32) -> bool {
        matches!(message, Message::Response(response) if response.id == RequestId::from(id))
    }

    fn publishes_for(message: &Message, file: &str) -> bool {
        matches!(message, Message::Notification(n)
            if n.method == "textDocument/publishDiagnostics"
                && n.params["uri"].as_str().is_some_and(|uri| uri.ends_with(file)))
    }

    #[test]
    fn the_open_document_is_answered_while_the_workspace_scan_runs() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::write(dir.path().join("on-disk.charter"), "filter {").expect("write");
        let (started, scan_started) = mpsc::channel::<()>();
        let (release, released) = mpsc::channel::<()>();
        let started = Mutex::new(started);
        let released = Mutex::new(released);
        // A scan that waits until the test lets it finish.
        let scanner: Scanner = Arc::new(move |roots, budget, cancelled| {
            if let Ok(started) = started.lock() {
                let _ = started.send(());
            }
            if let Ok(released) = released.lock() {
                let _ = released.recv();
            }
            workspace::scan(roots, budget, cancelled)
        });
        let (server, client) = Connection::memory();
        let running = std::thread::spawn(move || run_with_scanner(server, scanner));
        let root = workspace::key_of_path(dir.path()).expect("a file URI");
        let initialize = Request::new(
            RequestId::from(1),
            "initialize".to_string(),
            json!({"processId": null, "rootUri": root, "capabilities": {},
                   "initializationOptions": {"today": "2026-11-22"}}),
        );
        client.sender.send(initialize.into()).expect("send");
        receive_until(&client, |m| is_response(m, 1));
        scan_started
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("the scan starts");

        let uri = "file:///tmp/charter-open/open.charter";
        let text = "filter base extends std.filters.default {\n  prompt { hate: low }\n}\n";
        client
            .sender
            .send(
                Notification::new(
                    "textDocument/didOpen".to_string(),
                    json!({"textDocument": {"uri": uri, "languageId": "charter", "version": 1, "text": text}}),
                )
                .into(),
            )
            .expect("send");
        let hover = Request::new(
            RequestId::from(2),
            "textDocument/hover".to_string(),
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 8}}),
        );
        client.sender.send(hover.into()).expect("send");
        let seen = receive_until(&client, |m| is_response(m, 2));
        let Some(Message::Response(reply)) = seen.last() else {
            panic!("no hover reply");
        };
        assert!(
            reply.response_result.as_ref().is_ok_and(|r| !r.is_null()),
            "{reply:?}"
        );
        assert!(
            !seen.iter().any(|m| publishes_for(m, "on-disk.charter")),
            "the scan has not finished, so the disk file is not checked yet"
        );

        release.send(()).expect("release the scan");
        receive_until(&client, |m| publishes_for(m, "on-disk.charter"));
        let shutdown = Request::new(RequestId::from(3), "shutdown".to_string(), Value::Null);
        client.sender.send(shutdown.into()).expect("send");
        receive_until(&client, |m| is_response(m, 3));
        client
            .sender
            .send(Notification::new("exit".to_string(), Value::Null).into())
            .expect("send");
        let outcome = running.join().expect("the server thread");
        assert_eq!(outcome, Ok(()));
    }
}
