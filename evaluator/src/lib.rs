//! The offline Azure Policy evaluator behind `charter test`.
//!
//! Azure evaluates a policy only once it is deployed; this crate lets a project prove, offline
//! and in CI, that its compiled governance denies what it should and allows what it should. It
//! takes Azure Policy JSON values in (definitions, initiatives, assignments, resource payloads)
//! and gives outcomes and reports out; it does no IO.
//!
//! * [`evaluate`] runs one definition's rule against one resource, with a [`Outcome::explain`]able
//!   trace of every condition and the values it compared.
//! * [`run_suite`] runs test cases ([`TestCase`], parsed from `tests/*.json` by [`parse_cases`])
//!   against a built `azure-policy/` tree, assignment by assignment, and renders a
//!   [`SuiteReport`].
//! * [`aliases`] is the alias table (alias → payload path), embedded as data.

pub mod aliases;
pub mod audit;
mod builtins;
mod compiled;
mod evaluate;
mod expression;
pub mod inputs;
mod memo;
pub mod operators;
mod reads;
pub mod report;
pub mod shapes;
mod suite;

pub use builtins::builtin_definitions;
pub use evaluate::{
    canonical_effect, definition_properties, evaluate, normalise_location,
    related_resources_reason, supports_tags_and_location, Outcome, TraceStep, EFFECTS,
    RELATED_RESOURCES,
};
pub use reads::{agree, fingerprint, reads, value_at, Reads};
pub use suite::{
    deciding_scopes, parse_artifacts, parse_cases, printable, run_placed_suite, run_suite,
    run_suite_with, scope_contains, CaseReport, DefinitionResult, Expectation, PlacedCase,
    PlacedSuite, Scope, SuiteOptions, SuiteReport, TestCase,
};
