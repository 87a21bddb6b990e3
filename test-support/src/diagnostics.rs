//! Diagnostics as the user sees them, and their fixes applied.

use charter_compiler::Compilation;
use charter_render::{human, Source, SourceMap};
use charter_syntax::{Diagnostic, FileId, Fix};

/// A compilation's diagnostics exactly as `charter check --color never` prints them on
/// standard error (the excerpts, then the summary line): `charter-render`'s own function.
pub fn render(compilation: &Compilation) -> String {
    let sources = SourceMap::new(compilation.documents.iter().map(|document| Source {
        id: document.id,
        path: &document.path,
        text: &document.text,
    }));
    human::to_string(&sources, &compilation.diagnostics)
}

/// The diagnostics of one file (with id `FileId(0)`, shown as `path`), as `charter check`
/// prints them.
pub fn render_file(path: &str, text: &str, diagnostics: &[Diagnostic]) -> String {
    let sources = SourceMap::new([Source {
        id: FileId(0),
        path,
        text,
    }]);
    human::to_string(&sources, diagnostics)
}

/// The quick fixes the editor offers for these diagnostics, one line each:
/// `CODE at FILE:LINE:COLUMN: TITLE`; empty when none has a fix. (`charter check` does not
/// print fixes; the language server offers them as code actions and `--format json` lists
/// them.)
pub fn quick_fixes(compilation: &Compilation) -> String {
    let mut out = String::new();
    for diagnostic in &compilation.diagnostics {
        let Some(fix) = &diagnostic.fix else { continue };
        let span = diagnostic.primary.span;
        let (path, line, column) = match compilation.document(span.file) {
            Some(document) => {
                let index = charter_syntax::LineIndex::new(&document.text);
                let (line, column) = index.line_col_chars(&document.text, span.start as usize);
                (document.path.as_str(), line + 1, column + 1)
            }
            None => ("<unknown>", 1, 1),
        };
        out.push_str(&format!(
            "{} at {path}:{line}:{column}: {}\n",
            diagnostic.code, fix.title
        ));
    }
    out
}

/// `text` with a fix's edits applied (all of them must be in this text's file).
pub fn apply_fix(text: &str, fix: &Fix) -> String {
    apply_fixes(text, std::slice::from_ref(fix))
}

/// `text` with the edits of several fixes applied, the last edit first so that the offsets of
/// the others stay valid (the edits must not overlap).
pub fn apply_fixes(text: &str, fixes: &[Fix]) -> String {
    let mut edits: Vec<_> = fixes.iter().flat_map(|fix| fix.edits.iter()).collect();
    edits.sort_by_key(|edit| std::cmp::Reverse(edit.span.start));
    let mut out = text.to_string();
    for edit in edits {
        out.replace_range(edit.span.range(), &edit.new_text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use charter_syntax::{Edit, Span};

    #[test]
    fn fixes_apply_last_edit_first() {
        let fix = Fix {
            title: "two edits".to_string(),
            edits: vec![
                Edit {
                    span: Span::new(FileId(0), 0, 1),
                    new_text: "A".to_string(),
                },
                Edit {
                    span: Span::new(FileId(0), 4, 5),
                    new_text: "EE".to_string(),
                },
            ],
        };
        assert_eq!(apply_fix("abcde", &fix), "AbcdEE");
    }

    #[test]
    fn rendering_is_what_the_cli_prints() {
        let compilation =
            crate::compile_source("policy p {\n  scope: subscription(\"s\")\n  efect: deny\n}\n");
        let rendered = render(&compilation);
        assert!(rendered.starts_with("error[E0201]"), "{rendered}");
        assert!(rendered.contains("┌─ main.charter:3:3"), "{rendered}");
        assert!(rendered.ends_with("\n1 error\n"), "{rendered}");
        assert_eq!(
            quick_fixes(&compilation),
            "E0201 at main.charter:3:3: replace with `effect`\n"
        );
    }
}
