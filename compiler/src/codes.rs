//! The catalogue of every diagnostic code: what `charter explain` prints and `docs/errors.md`
//! lists, generated from this one source so they cannot drift.

use charter_syntax::CodeInfo;

/// Every code, syntax codes first, in code order.
pub fn all() -> Vec<&'static CodeInfo> {
    charter_syntax::codes::ALL.iter().collect()
}

/// The entry for one code (`E0101`), case-insensitively.
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    all().into_iter().find(|info| info.code.eq_ignore_ascii_case(code))
}
