//! Problems as a CI system shows them on a pull request's lines: one [`Annotation`] per
//! diagnostic or failed test case, rendered as GitHub Actions workflow commands
//! ([`super::github`]) or Azure Pipelines logging commands ([`super::azure_devops`]). Paths are
//! relative to the repository root, where both systems look for them.

use super::SourceMap;
use charter_syntax::{CodeInfo, Diagnostic, FileId, Severity};
use std::collections::HashMap;

/// How serious an annotation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
}

/// One problem at a place in a file (or in no file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    pub level: Level,
    /// Relative to the repository root, `/`-separated.
    pub file: Option<String>,
    /// 1-based line and column (in characters) of the start and the end.
    pub start: Option<(usize, usize)>,
    pub end: Option<(usize, usize)>,
    /// The error code (`E0102`), when there is one.
    pub code: Option<String>,
    /// A short title: `E0102 unknown model`.
    pub title: String,
    /// The message; further lines carry the help and notes.
    pub message: String,
}

/// The paths of a compilation's documents relative to the repository root: given by the
/// caller, which knows the disk; a document missing from the map keeps its own path.
pub type RepositoryPaths = HashMap<FileId, String>;

/// One annotation per diagnostic, at its primary label.
///
/// `rules` are the catalogued codes (the compiler's `codes::all()`), for each code's title.
pub fn from_diagnostics(
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    paths: &RepositoryPaths,
    rules: &[&CodeInfo],
) -> Vec<Annotation> {
    diagnostics
        .iter()
        .map(|diagnostic| {
            let span = diagnostic.primary.span;
            let start = sources.position(span.file, span.start);
            let end = sources.position(span.file, span.end);
            let mut message = diagnostic.message.clone();
            if !diagnostic.primary.message.is_empty() {
                message.push_str(&format!(" ({})", diagnostic.primary.message));
            }
            if let Some(help) = &diagnostic.help {
                message.push_str(&format!("\nhelp: {help}"));
            }
            for note in &diagnostic.notes {
                message.push_str(&format!("\nnote: {note}"));
            }
            let title = rules
                .iter()
                .find(|info| info.code == diagnostic.code)
                .map(|info| format!("{} {}", diagnostic.code, info.title))
                .unwrap_or_else(|| diagnostic.code.to_string());
            Annotation {
                level: match diagnostic.severity {
                    Severity::Error => Level::Error,
                    Severity::Warning => Level::Warning,
                },
                file: Some(
                    paths
                        .get(&span.file)
                        .cloned()
                        .unwrap_or_else(|| sources.path(span).to_string()),
                ),
                start: Some((start.line, start.column)),
                end: Some((end.line, end.column)),
                code: Some(diagnostic.code.to_string()),
                title,
                // Messages quote the sources, which come from pull requests.
                message: message
                    .lines()
                    .map(charter_syntax::diagnostic::sanitize)
                    .collect::<Vec<_>>()
                    .join("\n"),
            }
        })
        .collect()
}

/// The 1-based line where the `index`-th element of a JSON file's top-level array starts (a
/// test case in a fixture file), or 1 when the file is one object.
pub fn json_element_line(text: &str, index: usize) -> usize {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut line = 1;
    let mut element = 0usize;
    let mut expecting = false;
    for ch in text.chars() {
        if ch == '\n' {
            line += 1;
        }
        if in_string {
            match (escaped, ch) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        if expecting && !ch.is_whitespace() {
            if element == index {
                return line;
            }
            expecting = false;
        }
        match ch {
            '"' => in_string = true,
            '[' | '{' => {
                depth += 1;
                if depth == 1 && ch == '[' {
                    expecting = true;
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 1 => {
                element += 1;
                expecting = true;
            }
            _ => {}
        }
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_line_of_each_case() {
        let text = "[\n  {\"a\": \"x,[\"},\n\n  {\n    \"b\": [1, 2]\n  }\n]\n";
        assert_eq!(json_element_line(text, 0), 2);
        assert_eq!(json_element_line(text, 1), 4);
        assert_eq!(json_element_line("{\"a\": 1}", 0), 1);
    }
}
