//! Formatting: the canonical formatter of `charter fmt`, so the editor and CI agree.

use charter_syntax::format::{format_source, FormatError};
use charter_syntax::FileId;

/// One replacement that turns the document into its formatted form: `start..end` (bytes of
/// the original) becomes `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replacement {
    pub start: usize,
    pub end: usize,
    pub new_text: String,
}

/// What formatting a document gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Formatted {
    /// Already formatted.
    Unchanged,
    /// One replacement of the part that differs (the smallest edit keeps the cursor and the
    /// undo history where they were).
    Changed(Replacement),
    /// The document has syntax errors; the diagnostics already say where.
    NotParsed,
}

/// Formats `text` with the formatter `charter fmt` uses; an error when the formatter refuses
/// because its output would not mean the same.
pub fn format(file: FileId, text: &str) -> Result<Formatted, String> {
    let formatted = match format_source(file, text) {
        Ok(formatted) => formatted,
        Err(FormatError::Syntax(_)) => return Ok(Formatted::NotParsed),
        Err(error) => return Err(error.to_string()),
    };
    if formatted == text {
        return Ok(Formatted::Unchanged);
    }
    let prefix = common_prefix(text, &formatted);
    let suffix = common_suffix(&text[prefix..], &formatted[prefix..]);
    Ok(Formatted::Changed(Replacement {
        start: prefix,
        end: text.len() - suffix,
        new_text: formatted[prefix..formatted.len() - suffix].to_string(),
    }))
}

/// The length of the longest common prefix, on a char boundary of both.
fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i)
}

/// The length of the longest common suffix, on a char boundary of both.
fn common_suffix(a: &str, b: &str) -> usize {
    let mut length = 0;
    for (x, y) in a.chars().rev().zip(b.chars().rev()) {
        if x != y {
            break;
        }
        length += x.len_utf8();
    }
    length
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edit_covers_only_what_differs() {
        assert_eq!(common_prefix("é€ab", "é€xb"), "é€".len());
        assert_eq!(common_suffix("xé😀", "yé😀"), "é😀".len());
        assert_eq!(common_prefix("abc", "ab"), 2);
    }
}
