//! Completion that knows where the cursor is: entry names valid in the enclosing block, the
//! keywords a field takes, declared names where a reference goes, and catalog names (models,
//! versions, regions) inside quotes.
//!
//! The block around the cursor comes from the syntax tree; the cursor's immediate context
//! (inside a string, after `key:`, at the start of an entry) from the words before it on its
//! line, since a half-typed line is exactly what the parser could not make sense of.

use charter_compiler::schema::{self, BlockSchema, EntryShape, Occurs, RefKind, ValueKind};
use charter_syntax::ast::{Block, Entry, Value};
use charter_syntax::Span;

use super::hover::version_summary;
use super::index::{fields, list_values, Index, SymbolKind};
use super::syntax::{block_schemas, enclosing_blocks, entry_at};
use crate::workspace::Analysis;

/// What a candidate is, for the editor's icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CandidateKind {
    Field,
    Block,
    Keyword,
    Model,
    Version,
    Region,
    Name(SymbolKind),
}

/// One completion candidate.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub label: String,
    pub kind: CandidateKind,
    pub detail: Option<String>,
    pub doc: Option<String>,
    /// The text that replaces the partial word.
    pub insert: String,
}

/// The candidates at a cursor, most relevant first, and the span they replace.
#[derive(Clone, Debug)]
pub struct Completions {
    pub replace: Span,
    pub items: Vec<Candidate>,
}

/// Completes at `offset` of document `file`.
pub fn complete(
    analysis: &Analysis,
    index: &Index<'_>,
    file: usize,
    offset: usize,
) -> Option<Completions> {
    let mut completions = complete_unranked(analysis, index, file, offset)?;
    // What was typed already ranks first the candidates it starts (the editor filters too,
    // but keeps our order among the matches).
    let text = analysis.text(file);
    let typed = text
        .get(completions.replace.start as usize..offset.min(completions.replace.end as usize))
        .unwrap_or_default()
        .to_lowercase();
    if !typed.is_empty() {
        completions
            .items
            .sort_by_key(|item| !item.label.to_lowercase().starts_with(&typed));
    }
    Some(completions)
}

fn complete_unranked(
    analysis: &Analysis,
    index: &Index<'_>,
    file: usize,
    offset: usize,
) -> Option<Completions> {
    let text = analysis.text(file);
    let offset = floor_char_boundary(text, offset);
    let tree = analysis.compilation.trees.get(file)?;
    let id = analysis.compilation.documents[file].id;
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..offset];
    if in_comment(prefix) {
        return None;
    }
    let chain = enclosing_blocks(tree, offset);
    let schemas = block_schemas(&chain);
    let innermost = schemas.last().copied().flatten();

    if let Some(quote) = open_string_start(prefix) {
        let start = line_start + quote + 1;
        let rest = &text[offset..];
        let end = offset
            + rest
                .find(['"', '\n'])
                .filter(|&i| rest[i..].starts_with('"'))
                .unwrap_or(0);
        let replace = Span::new(id, start, end);
        let context = StringContext::of(
            current_entry(&prefix[..quote]),
            chain.last().copied(),
            offset,
        );
        let items = string_candidates(analysis, index, &chain, &context);
        return Some(Completions { replace, items });
    }

    let word_start = offset
        - prefix
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .map(char::len_utf8)
            .sum::<usize>();
    let replace = Span::new(id, word_start, offset);
    let before_word = &text[line_start..word_start];
    let trimmed = skip_block_comments(current_entry(before_word));

    // Inside a list continued from an earlier line (`serves: [\n  a,\n  |`): the elements
    // that entry takes.
    let continued = chain
        .last()
        .and_then(|block| entry_at(&block.entries, offset))
        .and_then(|entry| match entry {
            Entry::Field(field) => Some((&field.key, &field.value.values)),
            Entry::Clause(clause) => Some((&clause.keyword, &clause.phrase.values)),
            _ => None,
        })
        .filter(|(key, values)| {
            (key.span.start as usize) < line_start
                && values
                    .iter()
                    .any(|value| matches!(value, Value::List(list) if list.span.contains(offset)))
        });
    if let (Some((key, _)), Some(block_schema)) = (continued, innermost) {
        let items = block_schema
            .entry(&key.name)
            .and_then(|entry| entry.phrase())
            .map(|phrase| value_candidates(index, &phrase.head, &chain))
            .unwrap_or_default();
        return Some(Completions { replace, items });
    }

    // At the start of an entry: the entries this block may still take.
    if trimmed.is_empty() {
        let items = match innermost {
            Some(block_schema) => {
                let extends = chain.iter().any(|block| block.extends.is_some());
                entry_candidates(block_schema, chain.last().copied(), extends)
            }
            None if chain.is_empty() => top_level_candidates(),
            None => Vec::new(),
        };
        return Some(Completions { replace, items });
    }

    // `filter NAME extends |`: the other filters.
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    if let ["filter", name, "extends"] = words.as_slice() {
        let items = index
            .of_kind(SymbolKind::Filter, None)
            .filter(|(_, filter)| filter.name != *name)
            .map(|(_, filter)| Candidate {
                label: filter.name.to_string(),
                kind: CandidateKind::Name(SymbolKind::Filter),
                detail: Some("filter".to_string()),
                doc: filter.doc.map(str::to_string),
                insert: filter.name.to_string(),
            })
            .collect();
        return Some(Completions { replace, items });
    }

    // After `key:` or after a clause keyword: the values and modifier words the phrase takes.
    let head = trimmed
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or_default();
    let entry_schema = innermost.and_then(|b| b.entry(head));
    let mut items = Vec::new();
    if let Some(entry_schema) = entry_schema {
        let phrase = entry_schema.phrase();
        let after_head = trimmed[head.len()..]
            .trim_start()
            .trim_start_matches(':')
            .trim();
        let typed_values =
            !after_head.is_empty() && !after_head.ends_with('[') && !after_head.ends_with(',');
        if let Some(phrase) = phrase {
            if !typed_values {
                items.extend(value_candidates(index, &phrase.head, &chain));
            }
            if typed_values {
                // Keywords an earlier modifier takes (`redundancy active_passive`).
                let last_word = after_head.split_whitespace().last().unwrap_or_default();
                if let Some(modifier) = phrase.modifier(last_word) {
                    for slot in modifier.args {
                        items.extend(value_candidates(index, &slot.kind, &chain));
                    }
                } else {
                    for slot in phrase.positional {
                        items.extend(value_candidates(index, &slot.kind, &chain));
                    }
                    for modifier in phrase
                        .modifiers
                        .iter()
                        .filter(|m| !after_head.split_whitespace().any(|w| w == m.word))
                    {
                        items.push(Candidate {
                            label: modifier.word.to_string(),
                            kind: CandidateKind::Keyword,
                            detail: Some(format!("modifier of `{head}`")),
                            doc: Some(modifier.doc.to_string()),
                            insert: format!("{} ", modifier.word),
                        });
                    }
                }
            }
        }
    }
    Some(Completions { replace, items })
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The text of the entry the cursor is in: what follows the last `{` or entry-separating `,`
/// on the line (`prompt { hate: low, sex` gives `sex`); commas inside lists and calls, and
/// anything inside strings, do not separate entries.
fn current_entry(line_prefix: &str) -> &str {
    let mut start = 0;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, byte) in line_prefix.bytes().enumerate() {
        match byte {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            _ if in_string => {}
            b'[' | b'(' => depth += 1,
            b']' | b')' => depth = depth.saturating_sub(1),
            b'{' | b'}' => {
                depth = 0;
                start = i + 1;
            }
            b',' if depth == 0 => start = i + 1,
            _ => {}
        }
    }
    &line_prefix[start..]
}

/// The text after leading whitespace and `/* ... */` comments (`/* note */ effect: ` gives
/// `effect: `).
fn skip_block_comments(mut text: &str) -> &str {
    loop {
        text = text.trim_start();
        match text
            .strip_prefix("/*")
            .and_then(|rest| rest.split_once("*/"))
        {
            Some((_, after)) => text = after,
            None => return text,
        }
    }
}

/// Whether the cursor is after `//` on its line (outside a string).
fn in_comment(prefix: &str) -> bool {
    let mut in_string = false;
    let mut escaped = false;
    let bytes = prefix.as_bytes();
    for (i, &byte) in bytes.iter().enumerate() {
        match byte {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return true,
            _ => {}
        }
    }
    false
}

/// The byte position of the quote that opens the string the cursor is in, if it is in one.
fn open_string_start(prefix: &str) -> Option<usize> {
    let mut open = None;
    let mut escaped = false;
    for (i, byte) in prefix.bytes().enumerate() {
        match byte {
            _ if escaped => escaped = false,
            b'\\' if open.is_some() => escaped = true,
            b'"' => open = if open.is_some() { None } else { Some(i) },
            _ => {}
        }
    }
    open
}

fn top_level_candidates() -> Vec<Candidate> {
    schema::TOP_LEVEL
        .iter()
        .map(|&kind| {
            let block = schema::block(kind);
            let insert = match block.label {
                schema::LabelKind::Str => format!("{} \"\" {{\n}}", block.keyword),
                _ => format!("{} ", block.keyword),
            };
            Candidate {
                label: block.keyword.to_string(),
                kind: CandidateKind::Block,
                detail: Some("block".to_string()),
                doc: Some(block.doc.to_string()),
                insert,
            }
        })
        .collect()
}

/// The entries a block may still take: every entry of its schema, except non-repeatable
/// ones it already has; required ones first (a filter that `extends` another requires none of
/// its categories).
fn entry_candidates(
    block_schema: &'static BlockSchema,
    block: Option<&Block>,
    extends: bool,
) -> Vec<Candidate> {
    let present = |name: &str| {
        block.is_some_and(|b| {
            b.entries.iter().any(|entry| match entry {
                Entry::Field(field) => field.key.name == name,
                Entry::Clause(clause) => clause.keyword.name == name,
                Entry::Block(child) => child.keyword.name == name,
                Entry::Error(_) => false,
            })
        })
    };
    let mut candidates: Vec<(bool, Candidate)> = block_schema
        .entries
        .iter()
        .filter(|entry| entry.occurs == Occurs::Repeatable || !present(entry.name))
        .map(|entry| {
            let (kind, insert, detail) = match &entry.shape {
                EntryShape::Field(_) => {
                    (CandidateKind::Field, format!("{}: ", entry.name), "field")
                }
                EntryShape::Clause(_) => {
                    (CandidateKind::Keyword, format!("{} ", entry.name), "clause")
                }
                EntryShape::Block(kind) => {
                    let insert = match schema::block(*kind).label {
                        schema::LabelKind::None => format!("{} {{\n}}", entry.name),
                        schema::LabelKind::Str => format!("{} \"\" {{\n}}", entry.name),
                        schema::LabelKind::Name => format!("{} ", entry.name),
                    };
                    (CandidateKind::Block, insert, "block")
                }
            };
            let required = match entry.occurs {
                Occurs::Required => true,
                Occurs::RequiredUnlessExtends => !extends,
                Occurs::Optional | Occurs::Repeatable => false,
            };
            (
                required,
                Candidate {
                    label: entry.name.to_string(),
                    kind,
                    detail: Some(if required {
                        format!("{detail} (required)")
                    } else {
                        detail.to_string()
                    }),
                    doc: Some(entry.doc.to_string()),
                    insert,
                },
            )
        })
        .collect();
    candidates.sort_by_key(|(required, _)| !*required);
    candidates.into_iter().map(|(_, c)| c).collect()
}

/// Keywords and declared names a value of `kind` may be.
fn value_candidates(
    index: &Index<'_>,
    kind: &'static ValueKind,
    chain: &[&Block],
) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = schema::keywords_of(kind)
        .iter()
        .map(|keyword| Candidate {
            label: keyword.word.to_string(),
            kind: CandidateKind::Keyword,
            detail: None,
            doc: Some(keyword.doc.to_string()),
            insert: keyword.word.to_string(),
        })
        .collect();
    let reference = match kind {
        ValueKind::Ref(r) => Some(*r),
        ValueKind::List(inner) | ValueKind::OneOrList(inner) => match inner {
            ValueKind::Ref(r) => Some(*r),
            _ => None,
        },
        _ => None,
    };
    if let Some(reference) = reference {
        let (symbol_kind, container) = match reference {
            RefKind::Filter => (SymbolKind::Filter, None),
            RefKind::Policy => (SymbolKind::Policy, None),
            RefKind::Workload => (SymbolKind::Workload, None),
            RefKind::App => (SymbolKind::App, workload_symbol(index, chain)),
            RefKind::BusinessUnit => (SymbolKind::BusinessUnit, None),
        };
        let mut names: Vec<Candidate> = index
            .symbols
            .iter()
            .filter(|s| s.kind == symbol_kind && (container.is_none() || s.container == container))
            .map(|s| Candidate {
                label: s.name.to_string(),
                kind: CandidateKind::Name(symbol_kind),
                detail: Some(symbol_kind.keyword().to_string()),
                doc: s.doc.map(str::to_string),
                insert: s.name.to_string(),
            })
            .collect();
        // Project names before the stdlib's (`std.…`).
        names.sort_by_key(|c| c.label.starts_with("std."));
        out.extend(names);
    }
    if matches!(
        kind,
        ValueKind::Scope
            | ValueKind::ExemptScope
            | ValueKind::List(ValueKind::Scope)
            | ValueKind::OneOrList(ValueKind::Scope)
    ) {
        for callee in ["management_group", "subscription", "resource_group"] {
            out.push(Candidate {
                label: callee.to_string(),
                kind: CandidateKind::Keyword,
                detail: Some("scope".to_string()),
                doc: None,
                insert: format!("{callee}(\"\")"),
            });
        }
    }
    if matches!(kind, ValueKind::ExemptScope) {
        // Only an exemption names one resource.
        out.push(Candidate {
            label: "resource".to_string(),
            kind: CandidateKind::Keyword,
            detail: Some("one resource".to_string()),
            doc: Some("One Azure resource: its resource group, type and name.".to_string()),
            insert:
                "resource(resource_group(\"\"), \"Microsoft.CognitiveServices/accounts\", \"\")"
                    .to_string(),
        });
        out.push(Candidate {
            label: "endpoint".to_string(),
            kind: CandidateKind::Keyword,
            detail: Some("an endpoint's account".to_string()),
            doc: Some(
                "The AI account Charter creates for an endpoint, one per region.".to_string(),
            ),
            insert: "endpoint()".to_string(),
        });
    }
    out
}

/// The workload symbol enclosing the cursor.
fn workload_symbol(index: &Index<'_>, chain: &[&Block]) -> Option<usize> {
    let workload = chain.first().filter(|b| b.keyword.name == "workload")?;
    let label = workload.label.as_ref()?;
    index
        .symbols
        .iter()
        .position(|s| s.name_span.same_place(&label.span()))
}

/// What a string at the cursor names.
#[derive(Debug)]
struct StringContext {
    /// The field key or clause keyword that starts the phrase (`regions`, `model`, `allow`).
    head: String,
    /// The bare word right before the string (`version`, `versions`).
    word_before: Option<String>,
    /// The first string of the phrase, when the cursor is in a later one (the model a
    /// version belongs to).
    first_string: Option<String>,
}

impl StringContext {
    /// The context of a string whose entry's text before the opening quote is `before_quote`.
    fn of(before_quote: &str, block: Option<&Block>, offset: usize) -> StringContext {
        let trimmed = before_quote.trim_start();
        let mut head: String = trimmed
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        // A list continued over several lines: the phrase starts on an earlier line, so ask
        // the syntax tree which entry the cursor is in.
        if head.is_empty() {
            if let Some(entry) = block.and_then(|b| entry_at(&b.entries, offset)) {
                head = match entry {
                    Entry::Field(field) => field.key.name.clone(),
                    Entry::Clause(clause) => clause.keyword.name.clone(),
                    _ => String::new(),
                };
            }
        }
        let words: Vec<&str> = before_quote
            .split(|c: char| {
                !(c.is_ascii_alphanumeric() || c == '_' || c == '"' || c == '.' || c == '-')
            })
            .filter(|w| !w.is_empty())
            .collect();
        let word_before = words
            .last()
            .filter(|w| !w.starts_with('"'))
            .map(|w| w.to_string());
        let first_string = before_quote
            .split('"')
            .nth(1)
            .filter(|_| before_quote.matches('"').count() >= 2)
            .map(str::to_string);
        StringContext {
            head,
            word_before,
            first_string,
        }
    }
}

fn string_candidates(
    analysis: &Analysis,
    index: &Index<'_>,
    chain: &[&Block],
    context: &StringContext,
) -> Vec<Candidate> {
    let wants_version = matches!(context.word_before.as_deref(), Some("version" | "versions"));
    if wants_version {
        let Some(model_name) = context.first_string.as_deref() else {
            return Vec::new();
        };
        let Some(model) = index.find(SymbolKind::Model, model_name, None) else {
            return Vec::new();
        };
        return index
            .of_kind(SymbolKind::ModelVersion, Some(model))
            .map(|(_, version)| {
                let status = analysis
                    .compilation
                    .catalog
                    .model(model_name)
                    .and_then(|m| m.version(version.name))
                    .map(|v| version_summary(v, analysis.today));
                Candidate {
                    label: version.name.to_string(),
                    kind: CandidateKind::Version,
                    detail: status,
                    doc: None,
                    insert: version.name.to_string(),
                }
            })
            .collect();
    }
    match context.head.as_str() {
        "model" | "allow" | "successor" => {
            let allowed = allowed_models(index, chain);
            let mut models: Vec<(bool, Candidate)> = index
                .of_kind(SymbolKind::Model, None)
                .map(|(_, model)| {
                    let is_allowed = allowed
                        .as_ref()
                        .is_none_or(|names| names.iter().any(|name| name == model.name));
                    let kind = analysis
                        .compilation
                        .catalog
                        .model(model.name)
                        .and_then(|m| m.kind.clone())
                        .unwrap_or_else(|| "model".to_string());
                    (
                        is_allowed,
                        Candidate {
                            label: model.name.to_string(),
                            kind: CandidateKind::Model,
                            detail: Some(if is_allowed {
                                kind.to_string()
                            } else {
                                format!("{kind} (not allowed by the policy)")
                            }),
                            doc: model.doc.map(str::to_string),
                            insert: model.name.to_string(),
                        },
                    )
                })
                .collect();
            models.sort_by_key(|(allowed, _)| !*allowed);
            models.into_iter().map(|(_, c)| c).collect()
        }
        "regions" | "paired" | "available" => {
            let allowed = allowed_regions(index, chain);
            index
                .of_kind(SymbolKind::Region, None)
                .filter(|(_, region)| {
                    allowed
                        .as_ref()
                        .is_none_or(|names| names.iter().any(|name| name == region.name))
                })
                .map(|(_, region)| {
                    let display = analysis
                        .compilation
                        .catalog
                        .region(region.name)
                        .and_then(|r| r.display_name.clone());
                    Candidate {
                        label: region.name.to_string(),
                        kind: CandidateKind::Region,
                        detail: display,
                        doc: region.doc.map(str::to_string),
                        insert: region.name.to_string(),
                    }
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The policy governing the workload around the cursor.
fn governing_policy<'a>(index: &Index<'a>, chain: &[&Block]) -> Option<&'a Block> {
    let workload = chain.first().filter(|b| b.keyword.name == "workload")?;
    let governed_by = fields(&workload.entries).find(|f| f.key.name == "governed_by")?;
    let Some(Value::Path(path)) = governed_by.value.values.first() else {
        return None;
    };
    let policy = index.find(SymbolKind::Policy, &path.text(), None)?;
    index.symbols[policy].block
}

/// The regions the governing policy allows, when the cursor is in a workload whose policy
/// lists them.
fn allowed_regions(index: &Index<'_>, chain: &[&Block]) -> Option<Vec<String>> {
    let policy = governing_policy(index, chain)?;
    let regions = fields(&policy.entries).find(|f| f.key.name == "regions")?;
    Some(
        list_values(&regions.value.values)
            .filter_map(|v| match v {
                Value::Str(s) => Some(s.value.clone()),
                _ => None,
            })
            .collect(),
    )
}

/// The models the governing policy allows, when it has a `models` block.
fn allowed_models(index: &Index<'_>, chain: &[&Block]) -> Option<Vec<String>> {
    let policy = governing_policy(index, chain)?;
    let models = policy.entries.iter().find_map(|entry| match entry {
        Entry::Block(block) if block.keyword.name == "models" => Some(block),
        _ => None,
    })?;
    Some(
        models
            .entries
            .iter()
            .filter_map(|entry| match entry {
                Entry::Clause(clause) if clause.keyword.name == "allow" => {
                    match clause.phrase.values.first() {
                        Some(Value::Str(s)) => Some(s.value.clone()),
                        _ => None,
                    }
                }
                _ => None,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_comments_on_the_cursor_line() {
        assert_eq!(open_string_start(r#"  model "gpt"#), Some(8));
        assert_eq!(open_string_start(r#"  model "gpt" version ""#), Some(22));
        assert_eq!(open_string_start(r#"  model "a\"b" "#), None);
        assert!(in_comment("  effect: deny // or"));
        assert_eq!(current_entry("  prompt { hate: low, "), " ");
        assert_eq!(current_entry("  regions: [\"a\", "), "  regions: [\"a\", ");
        assert_eq!(current_entry("  prompt { hate: "), " hate: ");
        assert_eq!(
            skip_block_comments("  /* é€😀 */ /**/ filters: "),
            "filters: "
        );
        assert!(!in_comment(r#"  display_name: "a // b"#));
    }
}
