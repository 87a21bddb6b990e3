//! Custom blocklists: `blocklist "NAME" { terms: [...] patterns: [...] }` (Charter creates it in
//! every AI account whose filter uses it) or `blocklist "NAME" { managed: external }` (another
//! team creates it).

use super::Checks;
use crate::codes;
use crate::codes::fields::NameProblem;
use crate::model::{Blocklist, BlocklistEntry};

impl Checks<'_> {
    /// Checks a blocklist's name and what it lists.
    pub(super) fn check_blocklist(&mut self, blocklist: &Blocklist) {
        let name = blocklist.name.as_str();
        let name_span = blocklist.name_span;
        if let Some(problem) = blocklist_name_problem(name) {
            self.diagnostics.push(codes::fields::invalid_blocklist_name(
                name, name_span, problem,
            ));
        }
        if blocklist.is_external() {
            for field in [&blocklist.terms, &blocklist.patterns]
                .into_iter()
                .flatten()
            {
                self.diagnostics
                    .push(codes::fields::external_blocklist_lists(
                        name,
                        (field.key, field.span),
                        blocklist.managed.as_ref().map_or(name_span, |f| f.span),
                    ));
            }
            return;
        }
        for (text, is_regex, span, class) in blocklist.entries() {
            let singular = if is_regex { "pattern" } else { "term" };
            match class {
                BlocklistEntry::Valid => {}
                BlocklistEntry::Empty => self
                    .diagnostics
                    .push(codes::fields::empty_blocklist_entry(singular, name, span)),
                BlocklistEntry::Duplicate(first) => {
                    self.diagnostics
                        .push(codes::fields::duplicate_blocklist_entry(
                            (singular, text),
                            name,
                            span,
                            first,
                        ))
                }
            }
        }
        if blocklist.terms.is_none() && blocklist.patterns.is_none() {
            self.diagnostics
                .push(codes::fields::empty_blocklist(name, name_span));
        }
    }
}

/// Why Azure would refuse `name` as a blocklist name: it must match
/// `^[a-zA-Z0-9][a-zA-Z0-9_.-]*$` (the RAI blocklist's name pattern in the REST API).
fn blocklist_name_problem(name: &str) -> Option<NameProblem> {
    let Some(first) = name.chars().next() else {
        return Some(NameProblem::Empty);
    };
    if !first.is_ascii_alphanumeric() {
        return Some(NameProblem::StartsWith(first));
    }
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        .map(NameProblem::Contains)
}

#[cfg(test)]
mod tests {
    use super::blocklist_name_problem;

    #[test]
    fn blocklist_names_follow_azure_rules() {
        assert_eq!(blocklist_name_problem("contoso-banned.terms_2"), None);
        assert!(blocklist_name_problem("-x").is_some());
        assert!(blocklist_name_problem("a b").is_some());
        assert!(blocklist_name_problem("").is_some());
    }
}
