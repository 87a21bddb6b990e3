//! Placeholder: the canonical formatter (issue 2).
