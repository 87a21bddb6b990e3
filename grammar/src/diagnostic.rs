//! The one diagnostic type that every stage produces and every renderer (human, json, sarif,
//! LSP) reads.

use crate::span::Span;

/// A stable error code such as `E0101`, with the catalogue entry that `charter explain` prints.
pub type Code = &'static str;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A span with the words that say what is there (`not in the model catalog`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Label {
        Label {
            span,
            message: message.into(),
        }
    }
}

/// A machine-applicable fix: replace each span's text with the new text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, as an editor shows it (`replace with "2026-07-09"`).
    pub title: String,
    pub edits: Vec<Edit>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub new_text: String,
}

/// What is wrong, where, why it matters and how to fix it.
///
/// Messages are lowercase, one line, no trailing period, user input in backticks
/// (``unknown model `gpt-4o-mni` ``); further sentences go in `notes` and `help`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    /// Other places involved: the policy rule a workload breaks, the filter a filter weakens.
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn error(
        code: Code,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic::new(code, Severity::Error, message, span, label)
    }

    pub fn warning(
        code: Code,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic::new(code, Severity::Warning, message, span, label)
    }

    fn new(
        code: Code,
        severity: Severity,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            primary: Label::new(span, label),
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label::new(span, message));
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(
        mut self,
        title: impl Into<String>,
        span: Span,
        new_text: impl Into<String>,
    ) -> Self {
        self.fix = Some(Fix {
            title: title.into(),
            edits: vec![Edit {
                span,
                new_text: new_text.into(),
            }],
        });
        self
    }
}

/// An entry of the error-code catalogue: what `charter explain CODE` prints and
/// `docs/errors.md` lists.
#[derive(Clone, Copy, Debug)]
pub struct CodeInfo {
    pub code: Code,
    pub severity: Severity,
    /// A short title (`unknown model`).
    pub title: &'static str,
    /// The long explanation: what is wrong, why it matters, how to fix it.
    pub explanation: &'static str,
    /// A Charter source that triggers the code.
    pub failing_example: &'static str,
    /// The same source, fixed.
    pub fixed_example: &'static str,
}

/// Removes control characters and ANSI escape sequences from user text before it reaches a
/// diagnostic: policies come from pull requests, and CI logs render escapes.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '\u{1b}' {
            // Skip a CSI sequence `ESC [ ... final-byte`, or the single escaped char.
            if chars.peek() == Some(&'[') {
                chars.next();
                for next in chars.by_ref() {
                    if ('@'..='~').contains(&next) {
                        break;
                    }
                }
            } else {
                chars.next();
            }
        } else if ch.is_control() {
            out.push('\u{FFFD}');
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_strips_escapes_and_controls() {
        assert_eq!(sanitize("a\u{1b}[31mred\u{1b}[0m\u{7}"), "ared\u{FFFD}");
    }
}
