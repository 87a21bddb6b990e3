//! Custom blocklists: `blocklist "NAME" { terms: [...] patterns: [...] }` (Charter creates it in
//! every AI account whose filter uses it) or `blocklist "NAME" { managed: external }` (another
//! team creates it).

use charter_syntax::diagnostic::sanitize;
use charter_syntax::Diagnostic;

use super::Checks;
use crate::codes;
use crate::model::{Blocklist, BlocklistEntry};

impl Checks<'_> {
    /// Checks a blocklist's name and what it lists.
    pub(super) fn check_blocklist(&mut self, blocklist: &Blocklist) {
        let name = blocklist.name.as_str();
        let name_span = blocklist.name_span;
        if let Some(problem) = blocklist_name_problem(name) {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::fields::INVALID_AZURE_NAME,
                    format!("invalid blocklist name `{}`: {problem}", sanitize(name)),
                    name_span,
                    "Azure refuses this blocklist name",
                )
                .with_help("a blocklist name starts with a letter or digit and has only letters, digits, `_`, `.` and `-`"),
            );
        }
        if blocklist.is_external() {
            for field in [&blocklist.terms, &blocklist.patterns]
                .into_iter()
                .flatten()
            {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::fields::INVALID_BLOCKLIST,
                        format!(
                            "external blocklist `{}` lists {}",
                            sanitize(name),
                            field.key
                        ),
                        field.span,
                        "ignored: Charter does not create this blocklist",
                    )
                    .with_secondary(
                        blocklist.managed.as_ref().map_or(name_span, |f| f.span),
                        "managed elsewhere",
                    )
                    .with_help(format!(
                        "remove `{}` and keep them where the blocklist is managed, or remove `managed: external` so Charter creates the blocklist with them",
                        field.key
                    )),
                );
            }
            return;
        }
        for (text, is_regex, span, class) in blocklist.entries() {
            let singular = if is_regex { "pattern" } else { "term" };
            match class {
                BlocklistEntry::Valid => {}
                BlocklistEntry::Empty => self.diagnostics.push(
                    Diagnostic::error(
                        codes::fields::INVALID_BLOCKLIST,
                        format!("empty {singular} in blocklist `{}`", sanitize(name)),
                        span,
                        "matches nothing",
                    )
                    .with_help("remove it")
                    .with_fix("remove the empty entry", span, ""),
                ),
                BlocklistEntry::Duplicate(first) => self.diagnostics.push(
                    Diagnostic::error(
                        codes::fields::INVALID_BLOCKLIST,
                        format!(
                            "{singular} `{}` is listed twice in blocklist `{}`",
                            sanitize(text),
                            sanitize(name)
                        ),
                        span,
                        "listed again here",
                    )
                    .with_secondary(first, "first listed here")
                    .with_help("list each term once")
                    .with_fix("remove the duplicate", span, ""),
                ),
            }
        }
        if blocklist.terms.is_none() && blocklist.patterns.is_none() {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::fields::INVALID_BLOCKLIST,
                    format!("blocklist `{}` has no terms and no patterns", sanitize(name)),
                    name_span,
                    "would block nothing",
                )
                .with_help("add `terms: [\"...\"]` or `patterns: [\"...\"]`, or `managed: external` when another team creates the blocklist and its terms"),
            );
        }
    }
}

/// Why Azure would refuse `name` as a blocklist name: it must match
/// `^[a-zA-Z0-9][a-zA-Z0-9_.-]*$` (the RAI blocklist's name pattern in the REST API).
fn blocklist_name_problem(name: &str) -> Option<String> {
    let Some(first) = name.chars().next() else {
        return Some("it is empty".to_string());
    };
    if !first.is_ascii_alphanumeric() {
        return Some(format!("it starts with `{}`", sanitize(&first.to_string())));
    }
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        .map(|bad| match bad {
            ' ' => "it contains a space".to_string(),
            bad => format!("it contains `{}`", sanitize(&bad.to_string())),
        })
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
