//! Rename: a name declared in the project, at its declaration and every use, in every project
//! file. Catalog names (models, versions, regions) and stdlib names cannot be renamed.

use charter_syntax::Span;

use super::index::{Index, Occurrence};
use crate::workspace::Analysis;

/// The span of the name at `offset` of document `file`, when it can be renamed: only names
/// declared in the project as identifiers can (catalog strings and stdlib names cannot).
pub fn prepare_rename(analysis: &Analysis, file: usize, offset: usize) -> Option<Span> {
    let names = Index::build(analysis);
    let occurrence = names.occurrence_at(file, offset)?;
    let symbol = &names.symbols[occurrence.symbol()];
    if !symbol.kind.is_identifier() || analysis.files[symbol.file].is_stdlib {
        return None;
    }
    Some(match occurrence {
        Occurrence::Declaration(_) => symbol.name_span,
        Occurrence::Reference(_, span) => span,
    })
}

/// A rename's edits: the new name (trimmed) and every span it replaces, the declaration first;
/// `Ok(None)` when there is no name at `offset`, an error saying why when it cannot be renamed.
pub fn rename(
    analysis: &Analysis,
    file: usize,
    offset: usize,
    new_name: &str,
) -> Result<Option<(String, Vec<Span>)>, String> {
    let new_name = new_name.trim();
    let valid = new_name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && new_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(format!(
            "`{new_name}` is not a valid name: use letters, digits and `_`"
        ));
    }
    let names = Index::build(analysis);
    let Some(occurrence) = names.occurrence_at(file, offset) else {
        return Ok(None);
    };
    let symbol_index = occurrence.symbol();
    let symbol = &names.symbols[symbol_index];
    if !symbol.kind.is_identifier() {
        return Err("catalog names (models, versions, regions) cannot be renamed".to_string());
    }
    if analysis.files[symbol.file].is_stdlib {
        return Err("names declared in the standard library cannot be renamed".to_string());
    }
    if new_name != symbol.name
        && names
            .find(symbol.kind, new_name, symbol.container)
            .is_some()
    {
        return Err(format!(
            "a {} named `{new_name}` already exists",
            symbol.kind.keyword()
        ));
    }
    let mut spans = vec![symbol.name_span];
    spans.extend(names.references_to(symbol_index).map(|r| r.span));
    Ok(Some((new_name.to_string(), spans)))
}
