//! The protocol: initialization, the message loop, decoding requests and notifications (in
//! this one place), and turning the feature modules' domain answers into LSP replies.
//!
//! The loop is synchronous. Edits only mark the workspace dirty; the project is recompiled
//! when no message is waiting (so a burst of edits costs one compilation) or before a request
//! is answered, and then diagnostics are published for every project file.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::convert;
use crate::features;
use crate::transport::log;
use crate::workspace::{self, Analysis, DocKey, Workspace};

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
    let (id, params) = connection
        .initialize_start()
        .map_err(|error| format!("initialization failed: {error}"))?;
    let settings = Settings::from_initialize_params(&params);
    let result = lsp::InitializeResult {
        capabilities: capabilities(),
        server_info: Some(lsp::ServerInfo {
            name: "charter".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|error| error.to_string())?;
    connection
        .initialize_finish(id, result)
        .map_err(|error| format!("initialization failed: {error}"))?;
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
    let mut server = Server {
        workspace: Workspace::new(settings.roots, settings.today),
        connection,
        analysis: None,
        dirty: true,
        published: BTreeMap::new(),
        shutdown_requested: false,
        trace: std::env::var_os("CHARTER_LSP_TRACE").is_some_and(|v| v != "0"),
    };
    server.main_loop()
}

/// What the client told us in `initialize`, read leniently (a field of the wrong type is
/// ignored rather than failing the session).
struct Settings {
    roots: Vec<PathBuf>,
    /// Whether the client can watch files for us (dynamic registration).
    watch_files: bool,
    today: Option<charter_ir::Date>,
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
        Settings {
            roots,
            watch_files,
            today,
        }
    }
}

struct Server {
    connection: Connection,
    workspace: Workspace,
    /// The latest compilation; `None` only before the first.
    analysis: Option<Analysis>,
    /// Whether an edit arrived since `analysis` was computed.
    dirty: bool,
    /// What was last published per document, so unchanged diagnostics are not re-sent and
    /// vanished files are cleared.
    published: BTreeMap<DocKey, (lsp::Uri, Vec<lsp::Diagnostic>)>,
    shutdown_requested: bool,
    /// Whether to log how long each check takes (`CHARTER_LSP_TRACE=1`).
    trace: bool,
}

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
        // Check the project once up front, so its diagnostics show before any file is opened.
        self.refresh();
        loop {
            let message = match self.connection.receiver.recv() {
                Ok(message) => message,
                Err(_) => return Err("the client closed the connection without `exit`".to_string()),
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
        if method == "shutdown" {
            self.shutdown_requested = true;
            self.send(Response::new_ok(id, Value::Null));
            return;
        }
        if self.dirty {
            self.refresh();
        }
        let started = std::time::Instant::now();
        let reply = match self.analysis.as_ref() {
            Some(analysis) => answer(analysis, &method, params),
            None => Err(RequestError {
                code: ErrorCode::InternalError,
                message: "the project has not been compiled yet".to_string(),
            }),
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
                self.workspace
                    .open(document.uri, document.text, document.version);
                self.dirty = true;
            }),
            "textDocument/didChange" => {
                decode(params).map(|p: lsp::DidChangeTextDocumentParams| {
                    self.apply_changes(p);
                    self.dirty = true;
                })
            }
            "textDocument/didClose" => decode(params).map(|p: lsp::DidCloseTextDocumentParams| {
                self.workspace.close(&p.text_document.uri);
                self.dirty = true;
            }),
            "textDocument/didSave" | "workspace/didChangeWatchedFiles" => {
                self.workspace.rescan();
                self.dirty = true;
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
                    self.dirty = true;
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
                    let index = charter_syntax::LineIndex::new(&buffer.text);
                    let start = index.offset_utf16(
                        &buffer.text,
                        range.start.line as usize,
                        range.start.character as usize,
                    );
                    let end = index.offset_utf16(
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

    /// Recompiles the project and publishes what changed.
    fn refresh(&mut self) {
        let started = std::time::Instant::now();
        self.dirty = false;
        // The compiler must never panic; if it does on some input, keep the last good analysis
        // and go on serving rather than take the editor's server down with it.
        let workspace = &mut self.workspace;
        let analysis = match catch_unwind(AssertUnwindSafe(|| workspace.analyze())) {
            Ok(analysis) => analysis,
            Err(_) => {
                log("the checker panicked on the current sources; keeping the previous results");
                return;
            }
        };
        let compiled = started.elapsed();
        if catch_unwind(AssertUnwindSafe(|| self.publish(&analysis))).is_err() {
            log("publishing diagnostics panicked; they may be stale");
        }
        if self.trace {
            log(&format!(
                "checked {} documents in {:.2} ms, published in {:.2} ms",
                analysis.files.len(),
                compiled.as_secs_f64() * 1000.0,
                (started.elapsed() - compiled).as_secs_f64() * 1000.0
            ));
        }
        self.analysis = Some(analysis);
    }

    /// Publishes diagnostics for every project file whose diagnostics or version changed, and
    /// clears files that left the project.
    fn publish(&mut self, analysis: &Analysis) {
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
        let mut published = BTreeMap::new();
        for (index, diagnostics) in per_file {
            let file = &analysis.files[index];
            let previous = self.published.remove(&file.key);
            let edited = file.version.is_some()
                && self
                    .analysis
                    .as_ref()
                    .and_then(|a| a.index_of_key(&file.key).map(|i| a.files[i].version))
                    != Some(file.version);
            if edited || previous.as_ref().map(|(_, d)| d) != Some(&diagnostics) {
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
