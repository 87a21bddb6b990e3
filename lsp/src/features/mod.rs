//! The language features, answering in domain types (byte spans, names, markdown); the
//! `protocol` module turns their answers into LSP replies.

pub mod code_actions;
pub mod completion;
pub mod folding;
pub mod formatting;
pub mod hover;
pub mod index;
pub mod inlay_hints;
pub mod navigation;
pub mod outline;
pub mod rename;
pub mod semantic_tokens;
pub mod syntax;
