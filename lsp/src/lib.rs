//! Charter's language server: LSP over stdio, on top of the compiler's one front end.
//!
//! `server` speaks the protocol (and is the only module that decodes messages), `protocol`
//! converts between LSP types and the domain, `convert` converts positions (byte offsets
//! inside, UTF-16 at the edge), and the modules under `features` answer in domain types:
//! spans, names and markdown, never LSP types. `proof` runs the self-compliance proof on a
//! thread of its own, so that edits are answered without waiting for it.

mod convert;
mod features;
mod proof;
mod protocol;
mod server;
mod transport;
mod workspace;

/// Runs the language server on a connection until the client sends `exit` (the tests run it
/// in process, over `lsp_server::Connection::memory()`). Returns an error when initialization
/// fails or the client exits without `shutdown`.
pub fn run_connection(connection: lsp_server::Connection) -> Result<(), String> {
    server::run(connection)
}

/// Runs the language server on stdin/stdout until the client sends `exit`. Returns an error
/// (and the caller should exit with a non-zero status) when initialization fails or the client
/// exits without `shutdown`.
pub fn run_stdio() -> Result<(), String> {
    let (connection, threads) = transport::stdio();
    let outcome = server::run(connection);
    // The connection was moved into `run` and dropped there, so the writer thread sees the
    // end of its channel, flushes, and stops.
    threads.join()?;
    outcome
}
