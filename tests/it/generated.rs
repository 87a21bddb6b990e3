//! Files generated from the compiler's schema (`charter_compiler::schema`, the one table of
//! what every block contains and which words each value takes): the schema reference
//! `docs/schema.md`, and the keyword lists of the editors (the TextMate grammar of VS Code and
//! the tree-sitter highlight queries of Neovim and Helix).
//!
//! Each test builds the file from the schema and compares it with the committed one, as
//! rust-analyzer's `sourcegen` tests do. A stale file is rewritten and the test fails, so that
//! `cargo test --test it generated::` both finds and fixes the drift (review it with `git
//! diff`, then commit it); with `CI=true` the file is left alone and the test only fails.

use std::collections::BTreeSet;

use charter_compiler::schema::{
    self, BlockKind, BlockSchema, EntryShape, KeywordSet, LabelKind, Occurs, PhraseSchema, Slot,
    ValueKind,
};
use charter_test_support::{in_ci, workspace_root};

/// Every block kind, top-level ones first, each followed by the blocks nested in it.
fn blocks() -> Vec<(Vec<&'static str>, &'static BlockSchema)> {
    fn visit(
        kind: BlockKind,
        path: &[&'static str],
        seen: &mut BTreeSet<BlockKind>,
        out: &mut Vec<(Vec<&'static str>, &'static BlockSchema)>,
    ) {
        if !seen.insert(kind) {
            return;
        }
        let block = schema::block(kind);
        let mut path = path.to_vec();
        path.push(block.keyword);
        out.push((path.clone(), block));
        for nested in block.nested_blocks() {
            visit(nested, &path, seen, out);
        }
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for &kind in schema::TOP_LEVEL {
        visit(kind, &[], &mut seen, &mut out);
    }
    out
}

fn phrases(block: &'static BlockSchema) -> impl Iterator<Item = &'static PhraseSchema> {
    block.entries.iter().filter_map(|entry| match &entry.shape {
        EntryShape::Field(phrase) | EntryShape::Clause(phrase) => Some(phrase),
        EntryShape::Block(_) => None,
    })
}

/// The value kinds of a phrase: its head, its positional values, its modifiers' arguments.
fn value_kinds(phrase: &'static PhraseSchema) -> Vec<&'static ValueKind> {
    let slots = phrase
        .positional
        .iter()
        .chain(phrase.modifiers.iter().flat_map(|modifier| modifier.args));
    std::iter::once(&phrase.head)
        .chain(slots.map(|slot: &'static Slot| &slot.kind))
        .collect()
}

fn keyword_set(kind: &'static ValueKind) -> Option<&'static KeywordSet> {
    match kind {
        ValueKind::Keyword(set) => Some(set),
        ValueKind::List(element) | ValueKind::OneOrList(element) => keyword_set(element),
        _ => None,
    }
}

/// The keyword sets values may take, in the order the schema first uses them.
fn keyword_sets() -> Vec<&'static KeywordSet> {
    let mut sets: Vec<&'static KeywordSet> = Vec::new();
    for (_, block) in blocks() {
        for kind in phrases(block).flat_map(value_kinds) {
            if let Some(set) = keyword_set(kind) {
                if !sets.iter().any(|known| std::ptr::eq(*known, set)) {
                    sets.push(set);
                }
            }
        }
    }
    sets
}

/// Every value keyword once, grouped by what the first set that has it is called (two sets
/// called `a data zone` make one group).
fn value_words() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut seen = BTreeSet::new();
    let mut groups: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
    for set in keyword_sets() {
        let words = set
            .words
            .iter()
            .map(|keyword| keyword.word)
            .filter(|word| seen.insert(*word));
        match groups.iter_mut().find(|(what, _)| *what == set.what) {
            Some((_, group)) => group.extend(words),
            None => groups.push((set.what, words.collect())),
        }
    }
    groups.retain(|(_, words)| !words.is_empty());
    groups
}

/// The modifier words of every phrase (`capacity`, `until`), once each.
fn modifier_words() -> Vec<&'static str> {
    let mut seen = BTreeSet::new();
    blocks()
        .into_iter()
        .flat_map(|(_, block)| phrases(block))
        .flat_map(|phrase| phrase.modifiers.iter().map(|modifier| modifier.word))
        .filter(|word| seen.insert(*word))
        .collect()
}

/// The keywords of the top-level blocks (`filter`, `policy`, ...).
fn top_level_words() -> Vec<&'static str> {
    schema::TOP_LEVEL
        .iter()
        .map(|&kind| schema::block(kind).keyword)
        .collect()
}

/// Compares a generated file with the committed one; rewrites it when stale (outside CI).
fn ensure(relative: &str, generated: &str) {
    let path = workspace_root().join(relative);
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current == generated {
        return;
    }
    if in_ci() {
        panic!("{relative} is out of date with the schema: run `cargo test --test it generated::` and commit the result");
    }
    std::fs::write(&path, generated).unwrap_or_else(|error| panic!("write {relative}: {error}"));
    panic!("{relative} was out of date with the schema and has been regenerated: review it with `git diff` and commit it");
}

// ---------------------------------------------------------------------------------------------
// docs/schema.md

fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn occurs(occurs: Occurs) -> &'static str {
    match occurs {
        Occurs::Required => "required",
        Occurs::RequiredUnlessExtends => "required unless the filter `extends` another",
        Occurs::Optional => "optional",
        Occurs::Repeatable => "any number",
    }
}

fn header(path: &[&str], block: &BlockSchema) -> String {
    let mut header = block.keyword.to_owned();
    match block.label {
        LabelKind::None => {}
        LabelKind::Name => header.push_str(" NAME"),
        LabelKind::Str => header.push_str(" \"NAME\""),
    }
    if block.extends {
        header.push_str(" [extends PATH]");
    }
    header.push_str(" { ... }");
    if path.len() > 1 {
        format!("`{header}` inside `{}`", path[path.len() - 2])
    } else {
        format!("`{header}`")
    }
}

fn phrase_value(phrase: &PhraseSchema) -> String {
    let mut value = phrase.head.describe();
    for slot in phrase.positional {
        let optional = if slot.optional { ", optional" } else { "" };
        value.push_str(&format!(
            "; then {} ({}{optional})",
            slot.what,
            slot.kind.describe()
        ));
    }
    value
}

fn phrase_modifiers(phrase: &PhraseSchema) -> String {
    let modifiers: Vec<String> = phrase
        .modifiers
        .iter()
        .map(|modifier| {
            let mut text = format!("`{}`", modifier.word);
            let args: Vec<String> = modifier
                .args
                .iter()
                .map(|slot| slot.kind.describe())
                .collect();
            if !args.is_empty() {
                text.push_str(&format!(" {}", args.join(", then ")));
            }
            if modifier.required {
                text.push_str(" (required)");
            }
            if !modifier.doc.is_empty() {
                text.push_str(&format!(": {}", modifier.doc));
            }
            text
        })
        .collect();
    modifiers.join("; ")
}

fn schema_reference() -> String {
    let mut out = String::from(
        "# Schema reference\n\n\
         <!-- Generated from the compiler's schema (compiler/src/schema.rs) by `cargo test --test it\n\
         generated::`; edit the schema, not this file. -->\n\n\
         Every block Charter knows, the entries each one takes and the values each entry accepts,\n\
         as the checker, the language server and the editors know them. [The Charter\n\
         language](language.md) explains them with examples; this page is the complete list.\n\n\
         A **field** is `key: value`, a **clause** is `keyword value` (and may repeat when the\n\
         table says so), a **block** nests `{ ... }`. A value is a phrase: a head value, then the\n\
         positional values, then modifiers in any order, each at most once.\n",
    );
    for (path, block) in blocks() {
        out.push_str(&format!("\n## `{}`\n\n", path.join(" › ")));
        out.push_str(&format!(
            "{}: {}\n\n",
            header(&path, block),
            cell(block.doc)
        ));
        out.push_str("| entry | kind | occurs | value | modifiers | meaning |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for entry in block.entries {
            let (kind, value, modifiers) = match &entry.shape {
                EntryShape::Field(phrase) => {
                    ("field", phrase_value(phrase), phrase_modifiers(phrase))
                }
                EntryShape::Clause(phrase) => {
                    ("clause", phrase_value(phrase), phrase_modifiers(phrase))
                }
                EntryShape::Block(kind) => {
                    let nested = schema::block(*kind);
                    (
                        "block",
                        format!("`{} {{ ... }}`", nested.keyword),
                        String::new(),
                    )
                }
            };
            out.push_str(&format!(
                "| `{}` | {kind} | {} | {} | {} | {} |\n",
                entry.name,
                occurs(entry.occurs),
                cell(&value),
                cell(&modifiers),
                cell(entry.doc),
            ));
        }
    }
    out.push_str("\n## Keywords\n\nThe closed sets of words a value may take.\n");
    // Sets called the same (`a data zone` of workloads and of regions) share a table.
    let sets = keyword_sets();
    let mut titles: Vec<&str> = sets.iter().map(|set| set.what).collect();
    let mut seen = BTreeSet::new();
    titles.retain(|title| seen.insert(*title));
    for title in titles {
        out.push_str(&format!("\n### {title}\n\n| word | meaning |\n|---|---|\n"));
        let mut words = BTreeSet::new();
        for keyword in sets
            .iter()
            .filter(|set| set.what == title)
            .flat_map(|set| set.words)
            .filter(|keyword| words.insert(keyword.word))
        {
            out.push_str(&format!("| `{}` | {} |\n", keyword.word, cell(keyword.doc)));
        }
    }
    out
}

#[test]
fn the_schema_reference_is_generated_from_the_schema() {
    ensure("docs/schema.md", &schema_reference());
}

// ---------------------------------------------------------------------------------------------
// The editors' keyword lists

/// `text` with the part between `start` (searched from `from`) and the next `end` replaced.
fn replace_between(text: &str, from: &str, start: &str, end: &str, with: &str) -> String {
    let anchor = text
        .find(from)
        .unwrap_or_else(|| panic!("`{from}` not found: has the file's layout changed?"));
    let begin = anchor
        + text[anchor..]
            .find(start)
            .unwrap_or_else(|| panic!("`{start}` not found after `{from}`"))
        + start.len();
    let finish = begin
        + text[begin..]
            .find(end)
            .unwrap_or_else(|| panic!("`{end}` not found after `{from}`"));
    format!("{}{with}{}", &text[..begin], &text[finish..])
}

/// The words as a regular-expression alternation for the TextMate grammar.
fn alternation(words: &[&str]) -> String {
    words.join("|")
}

#[test]
fn the_vscode_grammar_lists_the_schema_words() {
    let relative = "editors/vscode/syntaxes/charter.tmLanguage.json";
    let text = std::fs::read_to_string(workspace_root().join(relative)).expect("read the grammar");
    let values: Vec<&str> = value_words()
        .into_iter()
        .flat_map(|(_, words)| words)
        .collect();
    let text = replace_between(
        &text,
        "\"name\": \"constant.language.charter\"",
        "(?:",
        ")(?!",
        &alternation(&values),
    );
    let text = replace_between(
        &text,
        "\"name\": \"keyword.other.modifier.charter\"",
        "(?:",
        ")(?!",
        &alternation(&modifier_words()),
    );
    serde_json::from_str::<serde_json::Value>(&text).expect("the generated grammar is JSON");
    ensure(relative, &text);
}

/// The quoted words of a `#any-of?` predicate, wrapped at 96 columns under a 4-space indent;
/// grouped under `; what` comments when groups are given.
fn any_of(groups: &[(&str, Vec<&str>)]) -> String {
    let single = groups.len() == 1 && groups[0].0.is_empty();
    let mut out = String::new();
    for (what, words) in groups {
        if !single {
            out.push_str(&format!("\n    ; {what}"));
        }
        let mut line = String::new();
        for word in words {
            let quoted = format!("\"{word}\"");
            if !line.is_empty() && 4 + line.len() + 1 + quoted.len() > 96 {
                out.push_str(&format!("\n    {line}"));
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&quoted);
        }
        if !line.is_empty() {
            out.push_str(&format!("\n    {line}"));
        }
    }
    out
}

fn highlight_query(relative: &str, captures: [&str; 3]) {
    let [blocks_capture, modifier_capture, value_capture] = captures;
    let text = std::fs::read_to_string(workspace_root().join(relative)).expect("read the query");
    let blocks: String = top_level_words()
        .iter()
        .map(|word| format!(" \"{word}\""))
        .collect();
    // The anchors end with what follows the capture, so `@constant.builtin` does not find
    // `@constant.builtin.boolean`.
    let text = replace_between(
        &text,
        &format!("(#any-of? @{blocks_capture} \""),
        blocks_capture,
        ")",
        &blocks,
    );
    let modifiers = any_of(&[("", modifier_words())]);
    let text = replace_between(
        &text,
        &format!("(#any-of? @{modifier_capture}\n"),
        modifier_capture,
        ")",
        &modifiers,
    );
    let values = any_of(&value_words());
    let text = replace_between(
        &text,
        &format!("(#any-of? @{value_capture}\n"),
        value_capture,
        ")",
        &values,
    );
    ensure(relative, &text);
}

#[test]
fn the_neovim_highlights_list_the_schema_words() {
    highlight_query(
        "editors/tree-sitter-charter/queries/highlights.scm",
        ["keyword.type", "keyword.modifier", "constant.builtin"],
    );
}

#[test]
fn the_helix_highlights_list_the_schema_words() {
    highlight_query(
        "editors/helix/queries/charter/highlights.scm",
        [
            "keyword.storage.type",
            "keyword.operator",
            "constant.builtin",
        ],
    );
}
