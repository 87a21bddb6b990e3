//! Quick fixes: the compiler attaches a machine-applicable `fix` to a diagnostic (replace a
//! retiring version with its successor, add a missing required field, fix a misspelled
//! name); a code action offers it where the diagnostic is.

use charter_syntax::{Diagnostic, Fix};

use crate::workspace::Analysis;

/// The diagnostics of document `file` with a fix, whose primary span overlaps `start..end`.
pub fn fixes_in(
    analysis: &Analysis,
    file: usize,
    start: usize,
    end: usize,
) -> Vec<(&Diagnostic, &Fix)> {
    let id = analysis.compilation.documents[file].id;
    analysis
        .compilation
        .diagnostics
        .iter()
        .filter(|d| d.primary.span.file == id)
        .filter(|d| (d.primary.span.start as usize) <= end && start <= d.primary.span.end as usize)
        .filter_map(|d| d.fix.as_ref().map(|fix| (d, fix)))
        .collect()
}
