//! The `charter` command's integration tests, in one test binary (`cargo test --test it`):
//! one binary per crate links the CLI and every crate it uses once, rather than once per test
//! file. Run one part with a filter: `cargo test --test it doc::`, `cargo test --test it
//! properties::`.
//!
//! - [`cli`]: the binary end to end: exit codes, output formats, hostile input, `fmt`, `build`;
//! - [`conventions`]: `charter` behaves as its users' other command-line tools do;
//! - [`artifacts`]: `charter build examples/contoso`, snapshotted and checked by the
//!   independent tools;
//! - [`doc`]: `charter doc` on the example (Markdown, HTML, SVG, a real browser);
//! - [`audit`]: `charter audit` and `charter eval` on exports, plans and the ARM emulator;
//! - [`catalog`]: `charter catalog pull` against the ARM emulator, the queries, local extensions;
//! - [`diff`]: `charter diff` on a git history of examples/contoso;
//! - [`ci_formats`]: the CI annotation formats, SARIF under Microsoft's validator, the pipeline
//!   templates under actionlint;
//! - [`docs`]: every Charter example in the docs compiles;
//! - [`generated`]: docs/schema.md and the editors' keyword lists are generated from the schema;
//! - [`exemptions`]: resource-level exemptions built, audited and checked;
//! - [`publish`]: `charter plan` and `charter publish` against the ARM emulator;
//! - [`hardening`]: hostile and unlucky conditions (docs/security.md);
//! - [`properties`]: property tests (formatter, parser, determinism, generated projects);
//! - [`tooling`]: the repository's own tooling (`stdlib/generate.py --check`, pre-commit);
//! - [`snapshots`]: every fixture snapshot of the compiler and the syntax crate shows what
//!   `charter check` prints.

mod artifacts;
mod audit;
mod catalog;
mod ci_formats;
mod cli;
mod conventions;
mod diff;
mod doc;
mod docs;
mod emulator;
mod exemptions;
mod generated;
mod hardening;
mod hierarchy;
mod projects;
mod properties;
mod publish;
mod snapshots;
mod tooling;
