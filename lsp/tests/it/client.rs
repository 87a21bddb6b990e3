//! A minimal LSP client that drives the server in one of two ways: in this process, over
//! lsp-server's in-memory connection (the default: no process to start, and the server's code
//! runs where a debugger and a panic's backtrace see it), or as the real `charter-lsp` binary
//! over stdio, for what only a process has: bytes on the wire, an exit code, an environment.
#![allow(
    dead_code,
    reason = "the tests and the round-trip benchmark each use a part of the client"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub use charter_test_support::TODAY_TEXT as TODAY;

/// How long a test waits for one message before failing (the server answers in milliseconds;
/// this only guards against a hang).
const PATIENCE: Duration = Duration::from_secs(30);

/// Where the server runs.
enum Server {
    /// `charter_lsp::run_connection` on a thread of the test, over an in-memory connection.
    InProcess {
        /// Dropped to end the input, as closing stdin does.
        sender: Option<crossbeam_channel::Sender<lsp_server::Message>>,
        thread: Option<JoinHandle<Result<(), String>>>,
        /// The outcome once the thread has ended.
        outcome: Option<Result<(), String>>,
    },
    /// The `charter-lsp` binary over stdio.
    Process {
        child: Child,
        stdin: Option<ChildStdin>,
    },
}

pub struct Client {
    server: Server,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for something else.
    pub notifications: Vec<Value>,
}

impl Client {
    /// Starts the server in this process and initializes it with `root` as the workspace
    /// folder.
    pub fn start(root: Option<&Path>) -> Client {
        Client::start_with(root, json!({}))
    }

    /// Starts the server in this process with these client capabilities.
    pub fn start_with(root: Option<&Path>, capabilities: Value) -> Client {
        Client::in_process().initialized(root, capabilities)
    }

    /// Starts the `charter-lsp` binary and initializes it with `root` as the workspace folder.
    pub fn start_process(root: Option<&Path>) -> Client {
        Client::spawn().initialized(root, json!({}))
    }

    /// Starts the server in this process with these `initializationOptions` besides `today`.
    pub fn start_with_options(root: Option<&Path>, options: Value) -> Client {
        Client::in_process().initialized_with(root, json!({}), options)
    }

    fn initialized(self, root: Option<&Path>, capabilities: Value) -> Client {
        self.initialized_with(root, capabilities, json!({}))
    }

    fn initialized_with(
        mut self,
        root: Option<&Path>,
        capabilities: Value,
        options: Value,
    ) -> Client {
        let root_uri = root.map(file_uri);
        let mut initialization_options = json!({ "today": TODAY });
        if let (Some(all), Some(extra)) =
            (initialization_options.as_object_mut(), options.as_object())
        {
            all.extend(extra.clone());
        }
        let init = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "capabilities": capabilities,
                "initializationOptions": initialization_options,
            }),
        );
        assert!(init.get("result").is_some(), "initialize failed: {init}");
        self.notify("initialized", json!({}));
        self
    }

    /// Starts the server in this process without initializing it.
    pub fn in_process() -> Client {
        let (server, client) = lsp_server::Connection::memory();
        let thread = std::thread::spawn(move || charter_lsp::run_connection(server));
        let (sender, messages) = channel();
        let receiver = client.receiver;
        std::thread::spawn(move || {
            for message in receiver {
                let value = serde_json::to_value(message).expect("a message is JSON");
                if sender.send(value).is_err() {
                    return;
                }
            }
        });
        Client {
            server: Server::InProcess {
                sender: Some(client.sender),
                thread: Some(thread),
                outcome: None,
            },
            messages,
            next_id: 1,
            notifications: Vec::new(),
        }
    }

    /// Starts the `charter-lsp` binary without initializing it.
    pub fn spawn() -> Client {
        Client::spawn_with_env(&[])
    }

    /// Starts the `charter-lsp` binary, without initializing it, with these environment
    /// variables set.
    pub fn spawn_with_env(env: &[(&str, &std::ffi::OsStr)]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_charter-lsp"))
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(if std::env::var_os("CHARTER_LSP_TRACE").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .expect("the server binary starts");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, messages) = channel();
        std::thread::spawn(move || read_messages(stdout, &sender));
        Client {
            server: Server::Process { child, stdin },
            messages,
            next_id: 1,
            notifications: Vec::new(),
        }
    }

    /// The binary's process id.
    pub fn pid(&self) -> u32 {
        match &self.server {
            Server::Process { child, .. } => child.id(),
            Server::InProcess { .. } => panic!("a process id needs the server binary"),
        }
    }

    /// Writes raw bytes to the server's stdin (the binary only: in process there are no bytes).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let Server::Process { stdin, .. } = &mut self.server else {
            panic!("raw bytes need the server binary: start it with Client::spawn");
        };
        let stdin = stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).expect("the server reads stdin");
        stdin.flush().expect("flush");
    }

    pub fn send(&mut self, message: &Value) {
        if let Server::InProcess { sender, .. } = &self.server {
            let message: lsp_server::Message =
                serde_json::from_value(message.clone()).expect("a JSON-RPC message");
            sender
                .as_ref()
                .expect("the input is open")
                .send(message)
                .expect("the server is running");
            return;
        }
        let body = serde_json::to_string(message).expect("serializable");
        self.send_raw(format!("Content-Length: {}\r\n\r\n{}", body.len(), body).as_bytes());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id)
    }

    /// Sends a request and returns its `result`, failing on an error reply.
    pub fn result(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// Waits for the response with this id, keeping notifications that arrive meanwhile.
    pub fn response(&mut self, id: i64) -> Value {
        loop {
            let message = self.next_message();
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return message;
            }
            if message.get("method").is_some() {
                self.notifications.push(message);
            }
        }
    }

    fn next_message(&mut self) -> Value {
        match self.messages.recv_timeout(PATIENCE) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => {
                panic!("the server did not answer within {PATIENCE:?}")
            }
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// Waits for a notification (seen or new) that satisfies `wanted`, and removes it.
    pub fn notification(&mut self, method: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(position) = self
            .notifications
            .iter()
            .position(|n| n["method"] == method && wanted(&n["params"]))
        {
            return self.notifications.remove(position)["params"].clone();
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            assert!(
                Instant::now() < deadline,
                "no `{method}` notification arrived"
            );
            let message = self.next_message();
            if message["method"] == method && wanted(&message["params"]) {
                return message["params"].clone();
            }
            if message.get("method").is_some() {
                self.notifications.push(message);
            }
        }
    }

    /// The next diagnostics published for `uri`.
    pub fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let params = self.notification("textDocument/publishDiagnostics", |p| p["uri"] == uri);
        params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The first diagnostics published for `uri` that satisfy `wanted` (earlier publications,
    /// such as the initial one, are skipped).
    pub fn diagnostics_where(
        &mut self,
        uri: &str,
        wanted: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let params = self.notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri
                && wanted(
                    p["diagnostics"]
                        .as_array()
                        .map(Vec::as_slice)
                        .unwrap_or_default(),
                )
        });
        params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "charter", "version": 1, "text": text}}),
        );
    }

    pub fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// Shuts down and exits; returns whether the server ended successfully.
    pub fn shutdown(mut self) -> bool {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null);
        self.close_stdin();
        self.wait()
    }

    /// Waits for the server to end; whether it ended successfully.
    pub fn wait(&mut self) -> bool {
        if matches!(self.server, Server::InProcess { .. }) {
            self.outcome().is_ok()
        } else {
            self.exit_code() == Some(0)
        }
    }

    /// Waits for the server to end in this process; what `run_connection` returned.
    pub fn outcome(&mut self) -> Result<(), String> {
        let Server::InProcess {
            thread, outcome, ..
        } = &mut self.server
        else {
            panic!("the binary has an exit code, not an outcome");
        };
        if let Some(thread) = thread.take() {
            let deadline = Instant::now() + PATIENCE;
            while !thread.is_finished() {
                assert!(Instant::now() < deadline, "the server did not end");
                std::thread::sleep(Duration::from_millis(10));
            }
            *outcome = Some(thread.join().expect("the server thread does not panic"));
        }
        outcome.clone().expect("the server ended")
    }

    /// Waits for the binary to end; its exit code.
    pub fn exit_code(&mut self) -> Option<i32> {
        let Server::Process { child, .. } = &mut self.server else {
            panic!("an exit code needs the server binary: start it with Client::spawn");
        };
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                return status.code();
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Ends the server's input: closes the binary's stdin, or the in-memory connection.
    pub fn close_stdin(&mut self) {
        match &mut self.server {
            Server::InProcess { sender, .. } => {
                sender.take();
            }
            Server::Process { stdin, .. } => {
                stdin.take();
            }
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        match &mut self.server {
            // Ending the input ends the server's loop; its thread is left to finish.
            Server::InProcess { sender, .. } => {
                sender.take();
            }
            Server::Process { child, .. } => {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

/// Reads framed messages from the binary's stdout until it closes.
fn read_messages(stdout: std::process::ChildStdout, sender: &Sender<Value>) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = value.parse().expect("a numeric Content-Length");
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let message: Value = serde_json::from_slice(&body).expect("the server writes JSON");
        if sender.send(message).is_err() {
            return;
        }
    }
}

/// The `file:` URI of a path.
pub fn file_uri(path: &Path) -> String {
    url::Url::from_file_path(path)
        .expect("an absolute path")
        .to_string()
}

/// Removes the `$0` cursor marker from `text`; returns the text and the LSP position (UTF-16)
/// of the marker.
pub fn cursor(text: &str) -> (String, Value) {
    let offset = text
        .find("$0")
        .expect("the source marks the cursor with $0");
    let clean = format!("{}{}", &text[..offset], &text[offset + 2..]);
    (clean, position_of(text, offset))
}

/// The LSP position (UTF-16 column) of a byte offset.
pub fn position_of(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = before[line_start..].encode_utf16().count();
    json!({"line": line, "character": character})
}

/// The text a range covers.
pub fn text_of_range<'t>(text: &'t str, range: &Value) -> &'t str {
    let offset = |position: &Value| {
        let line = position["line"].as_u64().expect("line") as usize;
        let character = position["character"].as_u64().expect("character") as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (index, ch) in text[start..].char_indices() {
            if units >= character || ch == '\n' {
                return start + index;
            }
            units += ch.len_utf16();
        }
        text.len()
    };
    &text[offset(&range["start"])..offset(&range["end"])]
}
