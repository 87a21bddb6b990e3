//! A Charter project on disk, as the CLI and the language server both see it: the manifest
//! (`charter.toml`) at the project's root, finding that root from any file or directory inside
//! it, and the folders whose sources are not part of the project. One implementation, so that
//! `charter check` and the editor always agree on what a project is.
//!
//! This crate does IO (it reads the manifest and looks for it in parent directories); the
//! compiler and the backends stay free of it.

pub mod discover;
pub mod manifest;

pub use discover::{discover, is_skipped_name, ProjectRoot, SKIPPED_DIRECTORIES};
pub use manifest::{Cloud, Manifest, FILE_NAME};
