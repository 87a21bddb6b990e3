//! Placeholder: the syntax error codes (E00xx) and their explanations.
use crate::diagnostic::CodeInfo;

/// Every syntax error code, for `charter explain` and `docs/errors.md`.
pub const ALL: &[CodeInfo] = &[];
