//! The language server's integration tests, in one test binary (`cargo test -p charter-lsp
//! --test it`): one binary per crate links the crate and its dependencies once, rather than
//! once per test file.
//!
//! Most tests run the server in this process over an in-memory connection ([`client`]); the
//! ones about what only a process has (bytes on the wire, the exit code, the environment)
//! start the `charter-lsp` binary.
//!
//! - [`features`]: each language feature on a small project in a temporary folder;
//! - [`snapshots`]: hover and completion answers drawn back onto the source;
//! - [`protocol`]: initialization, shutdown, document sync, error replies;
//! - [`robustness`]: malformed messages, half-typed files, rapid edits;
//! - [`hardening`]: a hostile client and a shared machine (docs/security.md).

mod client;
mod features;
mod hardening;
mod projects;
mod protocol;
mod robustness;
mod snapshots;
