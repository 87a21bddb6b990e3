//! LSP base-protocol framing over stdin/stdout, tolerant of a misbehaving client.
//!
//! `lsp_server::Connection::stdio` stops reading for good at the first malformed header or
//! JSON body, and its channels have no buffer, so the server could not see that more edits are
//! already waiting. This transport skips a malformed message (answering it with an error when
//! it carried an id), and queues what it reads, so the main loop can drain pending edits
//! before it recompiles.

use std::io::{self, BufRead, Write};
use std::thread;

use lsp_server::{Connection, Message, Request, RequestId};

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
            let stdin = io::stdin();
            let mut input = stdin.lock();
            read_messages(&mut input, |message| to_server.send(message).is_ok());
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

/// Reads framed messages until the end of input or an `exit` notification, handing each to
/// `deliver` (which returns false when nobody listens any more). A message that cannot be
/// decoded is skipped; when it had an id, an [`INVALID_MESSAGE`] request with that id and the
/// reason as params is delivered instead, so the client still gets an answer.
pub fn read_messages(input: &mut impl BufRead, mut deliver: impl FnMut(Message) -> bool) {
    loop {
        let body = match read_frame(input) {
            Ok(Some(body)) => body,
            Ok(None) => return,
            Err(FrameError::Io) => return,
            Err(FrameError::Malformed(why)) => {
                log(&format!("skipped a malformed message: {why}"));
                continue;
            }
        };
        match serde_json::from_slice::<Message>(&body) {
            Ok(message) => {
                let is_exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                if !deliver(message) || is_exit {
                    return;
                }
            }
            Err(error) => {
                log(&format!("skipped a message that is not JSON-RPC: {error}"));
                if let Some(id) = request_id_of(&body) {
                    let stand_in = Request {
                        id,
                        method: INVALID_MESSAGE.to_string(),
                        params: serde_json::Value::String(format!(
                            "not a JSON-RPC message: {error}"
                        )),
                    };
                    if !deliver(Message::Request(stand_in)) {
                        return;
                    }
                }
            }
        }
    }
}

/// The id of a body that is JSON but not a valid message, so the client still gets a reply.
fn request_id_of(body: &[u8]) -> Option<RequestId> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    serde_json::from_value(value.get("id")?.clone()).ok()
}

enum FrameError {
    Io,
    Malformed(String),
}

/// Reads one `Content-Length`-framed body. Headers are matched case-insensitively and a bare
/// `\n` line ending is accepted, as some clients send it.
fn read_frame(input: &mut impl BufRead) -> Result<Option<Vec<u8>>, FrameError> {
    let mut length = None;
    let mut line = String::new();
    let mut saw_header = false;
    loop {
        line.clear();
        if input.read_line(&mut line).map_err(|_| FrameError::Io)? == 0 {
            return Ok(None);
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if saw_header {
                break;
            }
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let Some(length) = length else {
        return Err(FrameError::Malformed(
            "no valid Content-Length header".to_string(),
        ));
    };
    let mut body = vec![0; length];
    input.read_exact(&mut body).map_err(|_| FrameError::Io)?;
    Ok(Some(body))
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

    #[test]
    fn malformed_messages_are_skipped_and_answered_when_they_have_an_id() {
        let input = [
            "Content-Length: nope\r\n\r\n".to_string(),
            frame("{not json"),
            frame(r#"{"id": 7, "method": 12}"#),
            frame(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#),
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
            frame(r#"{"jsonrpc":"2.0","method":"after-exit"}"#),
        ]
        .concat();
        let mut delivered = Vec::new();
        read_messages(&mut input.as_bytes(), |message| {
            delivered.push(message);
            true
        });
        assert_eq!(delivered.len(), 3, "{delivered:?}");
        assert!(
            matches!(&delivered[0], Message::Request(r) if r.id == RequestId::from(7) && r.method == INVALID_MESSAGE)
        );
        assert!(matches!(&delivered[2], Message::Notification(n) if n.method == "exit"));
    }
}
