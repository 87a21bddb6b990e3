//! Placeholder: the language server (issue 6).
