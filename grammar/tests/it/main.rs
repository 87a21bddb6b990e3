//! The syntax crate's integration tests, in one test binary (`cargo test -p charter-syntax
//! --test it`): one binary per crate links the crate and its dependencies once, rather than
//! once per test file.
//!
//! - [`parse`]: the syntax tree of valid sources, and of every source of the repository;
//! - [`syntax_errors`]: every `tests/fixtures/syntax/*.charter`, its diagnostics snapshotted
//!   as `charter check` prints them, and their fixes applied;
//! - [`editing`]: incremental re-parsing equals a full parse;
//! - [`fast_path`]: the hand-written parser gives what pest gives, or leaves the chunk to it;
//! - [`format_repository`]: the formatter on every source of the repository;
//! - [`robustness`]: mutated and hostile inputs never panic;
//! - [`timing`]: prints how long a 10,000-line file takes (no assertion on time).

mod editing;
mod fast_path;
mod format_repository;
mod parse;
mod robustness;
mod syntax_errors;
mod timing;

use std::path::{Path, PathBuf};

use charter_test_support::{charter_files, workspace_root};

/// The syntax-error fixtures.
pub fn syntax_fixtures() -> Vec<PathBuf> {
    charter_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/syntax"))
}

/// Every `.charter` file of the repository that the formatter must handle: the examples, the
/// stdlib and this crate's fixtures.
pub fn repository_sources() -> Vec<PathBuf> {
    let root = workspace_root();
    let mut files = charter_files(&root.join("examples"));
    files.extend(charter_files(&root.join("stdlib")));
    files.extend(charter_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
    ));
    files
}
