//! Custom blocklists: `blocklist "NAME" { terms: [...] patterns: [...] }` (Charter creates it in
//! every AI account whose filter uses it) or `blocklist "NAME" { managed: external }` (another
//! team creates it), and the filters' references to them.

use charter_ir as ir;
use charter_syntax::diagnostic::sanitize;
use charter_syntax::{Diagnostic, Span};

use super::Checker;
use crate::schema::BlockKind;
use crate::symbols::{DeclId, Declaration, SymbolKind};
use crate::typeck::{Typed, TypedBlock};

/// A declared blocklist, as the checker keeps it.
pub(super) struct BlocklistInfo {
    pub(super) name_span: Span,
    pub(super) decl: DeclId,
    pub(super) lowered: ir::Blocklist,
}

impl<'t, 'a> Checker<'t, 'a> {
    /// Checks every `blocklist` block and records the valid ones by name.
    pub(super) fn declare_blocklists(&mut self, typed: &'t [(usize, TypedBlock<'a>)]) {
        for (_, block) in typed {
            if block.schema.kind != BlockKind::Blocklist {
                continue;
            }
            self.declare_one_blocklist(block);
        }
    }

    fn declare_one_blocklist(&mut self, block: &TypedBlock<'a>) {
        let Some((name, name_span)) = block.label() else {
            return;
        };
        if let Some(existing) = self.blocklists.get(name) {
            self.diagnostics.push(
                Diagnostic::error(
                    "E0102",
                    format!("blocklist `{}` is declared twice", sanitize(name)),
                    name_span,
                    "declared again here",
                )
                .with_secondary(existing.name_span, "first declared here")
                .with_help("keep one declaration per blocklist, with all of its terms"),
            );
            return;
        }
        if let Some(problem) = blocklist_name_problem(name) {
            self.diagnostics.push(
                Diagnostic::error(
                    "E0213",
                    format!("invalid blocklist name `{}`: {problem}", sanitize(name)),
                    name_span,
                    "Azure refuses this blocklist name",
                )
                .with_help("a blocklist name starts with a letter or digit and has only letters, digits, `_`, `.` and `-`"),
            );
        }
        let external = block.head("managed").and_then(Typed::as_keyword) == Some("external");
        let mut items: Vec<ir::BlocklistItem> = Vec::new();
        let mut listed: Vec<(String, bool, Span)> = Vec::new();
        for (field, is_regex) in [("terms", false), ("patterns", true)] {
            let Some((entry, phrase)) = block.field(field) else {
                continue;
            };
            if external {
                self.diagnostics.push(
                    Diagnostic::error(
                        "E0217",
                        format!(
                            "external blocklist `{}` lists {field}",
                            sanitize(name)
                        ),
                        entry.span,
                        "ignored: Charter does not create this blocklist",
                    )
                    .with_secondary(
                        block.field("managed").map_or(name_span, |(f, _)| f.span),
                        "managed elsewhere",
                    )
                    .with_help(format!(
                        "remove `{field}` and keep them where the blocklist is managed, or remove `managed: external` so Charter creates the blocklist with them"
                    )),
                );
                continue;
            }
            for item in phrase.head.as_ref().map(Typed::items).unwrap_or_default() {
                let Some((text, span)) = item.as_str() else {
                    continue;
                };
                if text.trim().is_empty() {
                    self.diagnostics.push(
                        Diagnostic::error(
                            "E0217",
                            format!(
                                "empty {} in blocklist `{}`",
                                singular(field),
                                sanitize(name)
                            ),
                            span,
                            "matches nothing",
                        )
                        .with_help("remove it")
                        .with_fix("remove the empty entry", span, ""),
                    );
                    continue;
                }
                if let Some((_, _, first)) = listed
                    .iter()
                    .find(|(t, regex, _)| t == text && *regex == is_regex)
                {
                    self.diagnostics.push(
                        Diagnostic::error(
                            "E0217",
                            format!(
                                "{} `{}` is listed twice in blocklist `{}`",
                                singular(field),
                                sanitize(text),
                                sanitize(name)
                            ),
                            span,
                            "listed again here",
                        )
                        .with_secondary(*first, "first listed here")
                        .with_help("list each term once")
                        .with_fix("remove the duplicate", span, ""),
                    );
                    continue;
                }
                listed.push((text.to_string(), is_regex, span));
                items.push(ir::BlocklistItem {
                    pattern: text.to_string(),
                    is_regex,
                });
            }
        }
        if !external
            && items.is_empty()
            && block.field("terms").is_none()
            && block.field("patterns").is_none()
        {
            self.diagnostics.push(
                Diagnostic::error(
                    "E0217",
                    format!("blocklist `{}` has no terms and no patterns", sanitize(name)),
                    name_span,
                    "would block nothing",
                )
                .with_help("add `terms: [\"...\"]` or `patterns: [\"...\"]`, or `managed: external` when another team creates the blocklist and its terms"),
            );
        }
        let description = block
            .head("description")
            .and_then(Typed::as_str)
            .map(|(text, _)| text.to_string())
            // A doc comment's lines become one line: Azure shows the description on one line.
            .or_else(|| {
                block
                    .doc()
                    .map(|doc| doc.split_whitespace().collect::<Vec<_>>().join(" "))
            })
            .unwrap_or_default();
        let decl = self.symbols.declare(Declaration {
            kind: SymbolKind::Blocklist,
            name: name.to_string(),
            container: None,
            name_span,
            span: block.ast.span,
            doc: block.doc().map(str::to_string),
            is_stdlib: false,
        });
        self.blocklists.insert(
            name.to_string(),
            BlocklistInfo {
                name_span,
                decl,
                lowered: ir::Blocklist {
                    name: name.to_string(),
                    description,
                    management: if external {
                        ir::BlocklistManagement::External
                    } else {
                        ir::BlocklistManagement::Charter { items }
                    },
                },
            },
        );
    }

    /// Every blocklist a filter lists must be declared: Charter has to create it, or know that
    /// another team does, before a content filter can use it.
    pub(super) fn check_blocklist_references(&mut self) {
        let mut references: Vec<(String, Span)> = Vec::new();
        for filter in &self.filters {
            if self.is_stdlib(filter.file) {
                continue;
            }
            let block = filter.block;
            let mut lists: Vec<&Typed<'_>> = block.head("blocklists").into_iter().collect();
            for keyword in ["prompt", "completion"] {
                for nested in block.blocks(keyword) {
                    lists.extend(nested.head("blocklists"));
                }
            }
            for list in lists {
                for item in list.items() {
                    if let Some((name, span)) = item.as_str() {
                        references.push((name.to_string(), span));
                    }
                }
            }
        }
        for (name, span) in references {
            if let Some(info) = self.blocklists.get(&name) {
                self.symbols.refer(span, info.decl);
                continue;
            }
            let diagnostic = Diagnostic::error(
                "E0105",
                format!("blocklist `{}` is not declared", sanitize(&name)),
                span,
                "no `blocklist` declares it",
            );
            let names: Vec<&str> = self.blocklists.keys().map(String::as_str).collect();
            let diagnostic = match crate::suggest::closest(&name, names.iter().copied()) {
                Some(close) => diagnostic
                    .with_help(format!("did you mean `{close}`?"))
                    .with_fix(format!("use `{close}`"), span, format!("\"{close}\"")),
                None => diagnostic.with_help(format!(
                    "declare it with its terms: `blocklist \"{}\" {{ terms: [\"...\"] }}`, or with `managed: external` when another team creates it",
                    sanitize(&name)
                )),
            };
            self.diagnostics.push(diagnostic);
        }
    }

    /// The declared blocklists, sorted by name.
    pub(super) fn lower_blocklists(&self) -> Vec<ir::Blocklist> {
        let mut blocklists: Vec<ir::Blocklist> = self
            .blocklists
            .values()
            .map(|info| info.lowered.clone())
            .collect();
        blocklists.sort_by(|a, b| a.name.cmp(&b.name));
        blocklists
    }
}

fn singular(field: &str) -> &'static str {
    match field {
        "patterns" => "pattern",
        _ => "term",
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
