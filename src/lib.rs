//! The `charter` command line: loading a project from disk, rendering diagnostics, writing
//! build output. The compiler crates are pure; everything that touches the disk, the clock,
//! the environment or the terminal is here (and in `lsp/`).

pub mod audit;
pub mod catalog;
pub mod corpus;
pub mod date;
pub mod diff;
pub mod doc;
pub mod init;
/// The project manifest, `charter.toml` (shared with the language server).
pub use charter_project::manifest;
pub mod output;
pub mod project;
pub mod publish;
pub mod render;
pub mod repository;
pub mod version;
