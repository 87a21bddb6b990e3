//! LSP base-protocol framing over stdin/stdout, tolerant of a misbehaving client and bounded
//! in what it reads and holds.
//!
//! `lsp_server::Connection::stdio` stops reading for good at the first malformed header or
//! JSON body, allocates whatever `Content-Length` says (a huge one aborts the process), and
//! its channels have no buffer, so the server could not see that more edits are already
//! waiting. This transport:
//!
//! * limits a header block to [`MAX_HEADER_BYTES`] and a message to [`MAX_MESSAGE_BYTES`]; a
//!   longer message is skipped without being held in memory, and the server is told, so that
//!   it can tell the user;
//! * recovers from a wrong `Content-Length`: too short (the rest of the body is joined back on),
//!   too long (a complete JSON body followed by the next header, or by silence, is taken as the
//!   message), missing, negative or not a number (a complete JSON body after the header is taken
//!   as the message; otherwise the input is skipped up to the next header);
//! * skips a body that is not a JSON-RPC message, answering it with an error when it had an id;
//! * queues what it reads, so the main loop can drain pending edits before it recompiles.

use std::io::{self, Read, Write};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::Value;

/// The longest header block accepted (a real one is under 100 bytes).
pub const MAX_HEADER_BYTES: usize = 4 * 1024;

/// The longest message body accepted. A document larger than the server checks
/// ([`crate::workspace::MAX_DOCUMENT_BYTES`]) still fits, so that the server can say why it is
/// not checked; anything larger is skipped unread.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// How long a body may stay incomplete, with no more input arriving, before a complete JSON
/// value at its start is taken as the message (its `Content-Length` was too long).
const STALL: Duration = Duration::from_millis(500);

/// The threads that move messages between the process's stdio and a [`Connection`].
pub struct StdioThreads {
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<io::Result<()>>,
}

impl StdioThreads {
    /// Waits until every reply was written. Call after the server dropped its `Connection`.
    pub fn join(self) -> Result<(), String> {
        let written = self
            .writer
            .join()
            .map_err(|_| "the stdout writer thread panicked".to_string())?;
        written.map_err(|error| format!("cannot write to stdout: {error}"))?;
        // The reader stops after `exit` or at the end of stdin; when the server stopped for
        // another reason it may still be blocked on stdin, and the process exit ends it.
        if self.reader.is_finished() {
            let _ = self.reader.join();
        }
        Ok(())
    }
}

/// A connection whose messages come from stdin and go to stdout.
pub fn stdio() -> (Connection, StdioThreads) {
    let (server, client) = Connection::memory();
    let Connection {
        sender: to_server,
        receiver: from_server,
    } = client;
    let reader = thread::Builder::new()
        .name("charter-lsp-reader".to_string())
        .spawn(move || {
            read_messages(io::stdin(), |message| to_server.send(message).is_ok());
        });
    let writer = thread::Builder::new()
        .name("charter-lsp-writer".to_string())
        .spawn(move || {
            let stdout = io::stdout();
            let mut output = stdout.lock();
            for message in from_server {
                message.write(&mut output)?;
            }
            output.flush()
        });
    match (reader, writer) {
        (Ok(reader), Ok(writer)) => (server, StdioThreads { reader, writer }),
        // INVARIANT: spawning two threads at startup only fails when the process is out of
        // resources, and a language server cannot run at all then.
        _ => panic!("cannot start the language server's IO threads"),
    }
}

/// The method of the stand-in request the reader delivers for a message that had an id but
/// was not valid JSON-RPC; the server answers it with `InvalidRequest`. (The reader cannot
/// reply itself: holding a sender to the writer would keep the writer alive after the server
/// stopped.)
pub const INVALID_MESSAGE: &str = "$/charter/invalidMessage";

/// The method of the stand-in notification the reader delivers for a message it skipped
/// because it was larger than [`MAX_MESSAGE_BYTES`]; its params are the message's size.
pub const OVERSIZED_MESSAGE: &str = "$/charter/oversizedMessage";

/// Reads framed messages from `input` until its end or an `exit` notification, handing each
/// to `deliver` (which returns false when nobody listens any more). See the module
/// documentation for what is done with malformed input.
pub fn read_messages(input: impl Read + Send + 'static, mut deliver: impl FnMut(Message) -> bool) {
    // A thread reads the input in chunks, so that the framer can notice a stall.
    let (chunks, received) = mpsc::sync_channel::<Vec<u8>>(16);
    let pump = thread::Builder::new()
        .name("charter-lsp-stdin".to_string())
        .spawn(move || {
            let mut input = input;
            let mut buffer = vec![0; 64 * 1024];
            loop {
                match input.read(&mut buffer) {
                    Ok(0) => return,
                    Ok(read) => {
                        if chunks.send(buffer[..read].to_vec()).is_err() {
                            return;
                        }
                    }
                    Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => return,
                }
            }
        });
    if pump.is_err() {
        log("cannot start the stdin thread");
        return;
    }
    let mut framer = Framer::default();
    let mut ended = false;
    loop {
        let stalled = match received.recv_timeout(STALL) {
            Ok(chunk) => {
                framer.feed(&chunk);
                false
            }
            Err(RecvTimeoutError::Timeout) => true,
            Err(RecvTimeoutError::Disconnected) => {
                ended = true;
                true
            }
        };
        while let Some(event) = framer.next(stalled) {
            let message = match event {
                Event::Message(message) => message,
                Event::Skipped(why) => {
                    log(&format!("skipped a malformed message: {why}"));
                    continue;
                }
                Event::Oversized(bytes) => {
                    log(&format!(
                        "skipped a message of {bytes} bytes, over the limit of {MAX_MESSAGE_BYTES}"
                    ));
                    Message::Notification(Notification::new(OVERSIZED_MESSAGE.to_string(), bytes))
                }
            };
            let is_exit = matches!(&message, Message::Notification(n) if n.method == "exit");
            if !deliver(message) || is_exit {
                return;
            }
        }
        if ended {
            return;
        }
    }
}

/// What the framer found in its input.
#[derive(Debug)]
enum Event {
    Message(Message),
    /// Input skipped, and why.
    Skipped(String),
    /// A message over [`MAX_MESSAGE_BYTES`] skipped, with its size.
    Oversized(u64),
}

/// The length a header announced for the body that follows.
#[derive(Clone, Copy, Debug)]
enum BodyLength {
    Announced(usize),
    /// No usable `Content-Length`: the body is a complete JSON value, if one follows.
    Unknown,
}

/// Splits a byte stream into messages (see the module documentation).
#[derive(Default)]
struct Framer {
    buffer: Vec<u8>,
    /// The body the last header announced, when it has not been read yet.
    body: Option<BodyLength>,
    /// Bytes of an oversized message still to skip.
    skipping: u64,
    /// How much of an incomplete body was already searched for a following header.
    searched: usize,
}

impl Framer {
    fn feed(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// Skips the body of an oversized message, holding at most a short tail of it. A complete
    /// header inside it ends the skipping early: a JSON body cannot contain one (a raw line
    /// break cannot appear inside a JSON string), so the announced length was wrong.
    fn skip(&mut self) -> Option<Event> {
        let header =
            find_header(&self.buffer, 0).filter(|at| header_end(&self.buffer[*at..]).is_some());
        if let Some(at) = header.filter(|at| (*at as u64) < self.skipping) {
            self.buffer.drain(..at);
            self.skipping = 0;
            return Some(Event::Skipped(
                "the rest of a message whose Content-Length was larger than the message"
                    .to_string(),
            ));
        }
        if self.buffer.len() as u64 >= self.skipping {
            self.buffer.drain(..self.skipping as usize);
            self.skipping = 0;
            return None;
        }
        // Keep a tail that may be the start of a header split across reads.
        let dropped = self.buffer.len().saturating_sub(MAX_HEADER_BYTES);
        self.buffer.drain(..dropped);
        self.skipping -= dropped as u64;
        None
    }

    /// The next event the buffered input gives; `stalled` when no more input arrived for a
    /// while (or the input ended), so that an incomplete body is not waited for forever.
    fn next(&mut self, stalled: bool) -> Option<Event> {
        loop {
            if self.skipping > 0 {
                if let Some(event) = self.skip() {
                    return Some(event);
                }
                if self.skipping > 0 {
                    return None;
                }
            }
            match self.body {
                Some(BodyLength::Announced(length)) => return self.announced_body(length, stalled),
                Some(BodyLength::Unknown) => return self.unknown_body(stalled),
                None => {}
            }
            match self.header() {
                Header::Incomplete => return None,
                Header::Skipped(why) => return Some(Event::Skipped(why)),
                Header::Oversized(length) => {
                    self.skipping = length;
                    return Some(Event::Oversized(length));
                }
                Header::Body(length) => {
                    self.body = Some(length);
                    self.searched = 0;
                }
            }
        }
    }

    /// Parses the header block at the start of the buffer, first skipping anything before
    /// the next `Content-Length` header when the buffer does not start with a header line
    /// (what a wrong length left behind).
    fn header(&mut self) -> Header {
        let start = skip_space(&self.buffer, 0);
        match header_line_at(&self.buffer[start..]) {
            Some(true) => {
                self.buffer.drain(..start);
            }
            Some(false) => return Header::Incomplete,
            None => {
                let next = find_header(&self.buffer, start);
                let dropped = next.unwrap_or_else(|| {
                    // Keep a tail that may be the start of a header split across reads.
                    self.buffer.len() - self.buffer.len().min(b"content-length".len())
                });
                let junk = self.buffer[..dropped]
                    .iter()
                    .any(|byte| !byte.is_ascii_whitespace());
                self.buffer.drain(..dropped);
                return if junk {
                    Header::Skipped("input that is not a message".to_string())
                } else {
                    Header::Incomplete
                };
            }
        }
        let Some((end, body_start)) = header_end(&self.buffer) else {
            if self.buffer.len() > MAX_HEADER_BYTES {
                // Drop this header; the next one (if any) is found on the next call.
                let next = find_header(&self.buffer, 1).unwrap_or(self.buffer.len());
                self.buffer.drain(..next);
                return Header::Skipped(format!("a header longer than {MAX_HEADER_BYTES} bytes"));
            }
            return Header::Incomplete;
        };
        let header = String::from_utf8_lossy(&self.buffer[..end]).into_owned();
        self.buffer.drain(..body_start);
        let value = header.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().to_string())
        });
        match value.as_deref().map(str::parse::<u64>) {
            Some(Ok(length)) if length > MAX_MESSAGE_BYTES as u64 => Header::Oversized(length),
            Some(Ok(length)) => Header::Body(BodyLength::Announced(length as usize)),
            _ => {
                log(&format!(
                    "a header without a valid Content-Length ({}); reading the JSON body that follows",
                    value.map_or_else(|| "none".to_string(), |v| format!("`{}`", shorten(&v)))
                ));
                Header::Body(BodyLength::Unknown)
            }
        }
    }

    fn announced_body(&mut self, length: usize, stalled: bool) -> Option<Event> {
        if self.buffer.len() >= length {
            if let Ok(message) = decode(&self.buffer[..length]) {
                self.buffer.drain(..length);
                self.body = None;
                return Some(Event::Message(message));
            }
        } else {
            // Only new input is searched for a following header, so that a long body arriving
            // in pieces is not scanned again and again.
            let from = self.searched.saturating_sub(b"content-length".len());
            self.searched = self.buffer.len();
            if !stalled && find_header(&self.buffer, from).is_none() {
                return None;
            }
        }
        // Too long a length: a complete JSON value followed by the next header, or by silence,
        // is the whole message.
        if let Some(complete) = json_value_end(&self.buffer).filter(|end| *end < length) {
            let followed_by_header =
                find_header(&self.buffer, complete) == Some(skip_space(&self.buffer, complete));
            if followed_by_header || (stalled && self.buffer.len() < length) {
                log("a Content-Length longer than its message");
                return Some(self.take_body(complete));
            }
        }
        if self.buffer.len() < length {
            return None;
        }
        // Too short a length: the rest of the body is in front of the next header.
        let rest_end = find_header(&self.buffer, length).unwrap_or(self.buffer.len());
        if let Ok(message) = decode(&self.buffer[..rest_end]) {
            log("a Content-Length shorter than its message");
            self.buffer.drain(..rest_end);
            self.body = None;
            return Some(Event::Message(message));
        }
        let event = match decode(&self.buffer[..length]) {
            Ok(message) => Event::Message(message),
            Err(error) => invalid(&self.buffer[..length], &error),
        };
        // Skip the body, but not past the next header: the length may be wrong.
        let skip = find_header(&self.buffer, 1).map_or(length, |next| next.min(length));
        self.buffer.drain(..skip);
        self.body = None;
        Some(event)
    }

    fn unknown_body(&mut self, stalled: bool) -> Option<Event> {
        let start = skip_space(&self.buffer, 0);
        if let Some(end) = json_value_end(&self.buffer[start..]) {
            self.buffer.drain(..start);
            return Some(self.take_body(end));
        }
        let next = find_header(&self.buffer, 0);
        if next.is_none() && !stalled && self.buffer.len() <= MAX_MESSAGE_BYTES {
            return None;
        }
        // Not JSON: skip to the next header.
        self.body = None;
        self.buffer.drain(..next.unwrap_or(self.buffer.len()));
        Some(Event::Skipped(
            "a header without a valid Content-Length, and no JSON body".to_string(),
        ))
    }

    /// Takes the first `length` bytes as the body of the current message.
    fn take_body(&mut self, length: usize) -> Event {
        let body: Vec<u8> = self.buffer.drain(..length).collect();
        self.body = None;
        match decode(&body) {
            Ok(message) => Event::Message(message),
            Err(error) => invalid(&body, &error),
        }
    }
}

enum Header {
    Incomplete,
    Skipped(String),
    Oversized(u64),
    Body(BodyLength),
}

fn decode(body: &[u8]) -> Result<Message, serde_json::Error> {
    serde_json::from_slice::<Message>(body)
}

/// A body that is not a JSON-RPC message: answered through a stand-in request when it has an
/// id, else skipped.
fn invalid(body: &[u8], error: &serde_json::Error) -> Event {
    match request_id_of(body) {
        Some(id) => Event::Message(Message::Request(Request {
            id,
            method: INVALID_MESSAGE.to_string(),
            params: Value::String(format!("not a JSON-RPC message: {error}")),
        })),
        None => Event::Skipped(format!("not a JSON-RPC message: {error}")),
    }
}

/// The id of a body that is JSON but not a valid message, so the client still gets a reply.
fn request_id_of(body: &[u8]) -> Option<RequestId> {
    let value: Value = serde_json::from_slice(body).ok()?;
    serde_json::from_value(value.get("id")?.clone()).ok()
}

/// Where the first complete JSON value in `bytes` ends (after leading whitespace), if one is
/// complete.
fn json_value_end(bytes: &[u8]) -> Option<usize> {
    let first = bytes.iter().find(|byte| !byte.is_ascii_whitespace())?;
    if !matches!(first, b'{' | b'[') {
        return None;
    }
    let mut values =
        serde_json::Deserializer::from_slice(bytes).into_iter::<serde::de::IgnoredAny>();
    match values.next() {
        Some(Ok(_)) => Some(values.byte_offset()),
        _ => None,
    }
}

fn skip_space(bytes: &[u8], from: usize) -> usize {
    bytes[from.min(bytes.len())..]
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())
        .map_or(bytes.len(), |offset| from + offset)
}

/// Whether `bytes` starts with a header line (`Name: value`): `Some(true)` when it does,
/// `Some(false)` when it may once more input arrives, `None` when it does not.
fn header_line_at(bytes: &[u8]) -> Option<bool> {
    for (index, byte) in bytes.iter().enumerate().take(128) {
        match byte {
            b':' if index > 0 => return Some(true),
            b'-' | b'_' => {}
            byte if byte.is_ascii_alphanumeric() => {}
            _ => return None,
        }
    }
    if bytes.len() < 128 {
        Some(false)
    } else {
        None
    }
}

/// Where the next `Content-Length` header (any case) starts, at or after `from`.
fn find_header(bytes: &[u8], from: usize) -> Option<usize> {
    const NAME: &[u8] = b"content-length";
    if bytes.len() < NAME.len() {
        return None;
    }
    (from..=bytes.len() - NAME.len())
        .find(|&at| bytes[at..at + NAME.len()].eq_ignore_ascii_case(NAME))
}

/// The end of the header block at the start of `bytes` and where the body starts. A bare `\n`
/// line ending is accepted, as some clients send it.
fn header_end(bytes: &[u8]) -> Option<(usize, usize)> {
    let limit = bytes.len().min(MAX_HEADER_BYTES + 4);
    (0..limit).find_map(|at| {
        if bytes[at..].starts_with(b"\r\n\r\n") {
            Some((at, at + 4))
        } else if bytes[at..].starts_with(b"\n\n") {
            Some((at, at + 2))
        } else if bytes[at..].starts_with(b"\n\r\n") {
            Some((at, at + 3))
        } else {
            None
        }
    })
}

fn shorten(text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    charter_syntax::diagnostic::sanitize(&short)
}

/// Writes a line to the server's log (stderr, which editors show in their output panel).
pub fn log(message: &str) {
    let stderr = io::stderr();
    let mut err = stderr.lock();
    let _ = writeln!(err, "charter-lsp: {message}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{}", body.len(), body)
    }

    fn read_all(input: String) -> Vec<Message> {
        let mut delivered = Vec::new();
        read_messages(io::Cursor::new(input.into_bytes()), |message| {
            delivered.push(message);
            true
        });
        delivered
    }

    fn methods(messages: &[Message]) -> Vec<String> {
        messages
            .iter()
            .map(|message| match message {
                Message::Request(request) => format!("{} {}", request.method, request.id),
                Message::Notification(notification) => notification.method.clone(),
                Message::Response(response) => format!("response {}", response.id),
            })
            .collect()
    }

    const SHUTDOWN: &str = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
    const EXIT: &str = r#"{"jsonrpc":"2.0","method":"exit"}"#;

    #[test]
    fn malformed_messages_are_skipped_and_answered_when_they_have_an_id() {
        let input = [
            "Content-Length: nope\r\n\r\n".to_string(),
            frame("{not json"),
            frame(r#"{"id": 7, "method": 12}"#),
            frame(SHUTDOWN),
            frame(EXIT),
            frame(r#"{"jsonrpc":"2.0","method":"after-exit"}"#),
        ]
        .concat();
        let delivered = read_all(input);
        assert_eq!(
            methods(&delivered),
            vec![
                format!("{INVALID_MESSAGE} 7"),
                "shutdown 1".to_string(),
                "exit".to_string()
            ]
        );
    }

    #[test]
    fn wrong_lengths_are_recovered_from() {
        let hover = r#"{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{}}"#;
        let input = [
            // Too long: the next header follows the body.
            format!("Content-Length: {}\r\n\r\n{hover}", hover.len() + 50),
            // Too short: the rest of the body is in front of the next header.
            format!("Content-Length: {}\r\n\r\n{hover}", hover.len() - 20),
            // Negative, missing, and not a number.
            format!("Content-Length: -5\r\n\r\n{hover}"),
            format!("Content-Type: application/json\r\n\r\n{hover}"),
            format!("Content-Length: 1e3\r\n\r\n{hover}"),
            frame(SHUTDOWN),
            // Too long and then nothing more: taken when the input stalls or ends.
            format!("Content-Length: {}\r\n\r\n{EXIT}", EXIT.len() + 10),
        ]
        .concat();
        let delivered = read_all(input);
        let hover = "textDocument/hover 2".to_string();
        assert_eq!(
            methods(&delivered),
            vec![
                hover.clone(),
                hover.clone(),
                hover.clone(),
                hover.clone(),
                hover,
                "shutdown 1".to_string(),
                "exit".to_string()
            ]
        );
    }

    #[test]
    fn huge_lengths_and_headers_are_skipped_without_being_held() {
        let input = [
            format!("Content-Length: {}\r\n\r\n", u64::MAX),
            "X-Padding: ".to_string(),
            "x".repeat(MAX_HEADER_BYTES * 2),
            "\r\n\r\n".to_string(),
            frame(SHUTDOWN),
        ]
        .concat();
        let delivered = read_all(input);
        // The header after the huge length shows that the length was wrong.
        assert_eq!(
            methods(&delivered),
            vec![OVERSIZED_MESSAGE.to_string(), "shutdown 1".to_string()]
        );
        // Skipping holds only a short tail of what it skips.
        let mut framer = Framer::default();
        framer.feed(format!("Content-Length: {}\r\n\r\n", u64::MAX).as_bytes());
        assert!(matches!(framer.next(false), Some(Event::Oversized(_))));
        for _ in 0..100 {
            framer.feed(&[b'x'; 64 * 1024]);
            assert!(framer.next(false).is_none());
            assert!(framer.buffer.len() <= MAX_HEADER_BYTES);
        }

        let input = [
            "X-Padding: ".to_string(),
            "x".repeat(MAX_HEADER_BYTES * 2),
            "\r\n\r\n".to_string(),
            frame(SHUTDOWN),
        ]
        .concat();
        let delivered = read_all(input);
        assert_eq!(methods(&delivered), vec!["shutdown 1".to_string()]);

        let oversized = format!("Content-Length: {}\r\n\r\n", MAX_MESSAGE_BYTES + 1);
        let input = [
            oversized,
            "x".repeat(MAX_MESSAGE_BYTES + 1),
            frame(SHUTDOWN),
        ]
        .concat();
        let delivered = read_all(input);
        assert_eq!(
            methods(&delivered),
            vec![OVERSIZED_MESSAGE.to_string(), "shutdown 1".to_string()]
        );
    }
}
