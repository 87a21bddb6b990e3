//! Half-typed states while editing: the language server reparses on every keystroke, so each
//! of these must give exactly one syntax diagnostic and leave every other item and entry of the
//! file in the tree, exactly as in the file without the half-typed line.

use charter_syntax::ast::*;
use charter_syntax::{parse, FileId};

const DESIGN: &str = include_str!("../fixtures/valid/design.charter");

/// One line per node of the tree, indented by depth, with the source text of its parts but
/// no offsets, so that trees of texts with and without an inserted line compare equal. Nodes
/// that start inside `skip` (the inserted line) are left out, with their children.
fn outline(file: &SourceFile, text: &str, skip: std::ops::Range<usize>) -> Vec<String> {
    let mut lines = Vec::new();
    let skipped = |span: charter_syntax::Span| skip.contains(&(span.start as usize));
    for item in &file.items {
        match item {
            Item::Block(block) if !skipped(block.span) => {
                block_outline(block, text, &skip, 0, &mut lines)
            }
            Item::Error(error) if !skipped(error.span) => lines.push("<error item>".to_string()),
            _ => {}
        }
    }
    lines
}

fn block_outline(
    block: &Block,
    text: &str,
    skip: &std::ops::Range<usize>,
    depth: usize,
    lines: &mut Vec<String>,
) {
    let indent = "  ".repeat(depth);
    let label = block.label.as_ref().map_or("", |label| label.text());
    let extends = block
        .extends
        .as_ref()
        .map_or(String::new(), |path| format!(" extends {}", path.text()));
    lines.push(format!(
        "{indent}{} {label}{extends} {{",
        block.keyword.name
    ));
    for entry in &block.entries {
        let span = entry.span();
        if skip.contains(&(span.start as usize)) {
            continue;
        }
        let source = &text[span.range()];
        match entry {
            Entry::Block(inner) => block_outline(inner, text, skip, depth + 1, lines),
            Entry::Field(_) | Entry::Clause(_) => lines.push(format!("{indent}  {source}")),
            Entry::Error(_) => lines.push(format!("{indent}  <error> {source}")),
        }
    }
    lines.push(format!("{indent}}}"));
}

/// Inserts `line` after the first line of the design example that equals `after` (trimmed of
/// its comment), parses, and checks one diagnostic and an intact rest of the tree. Returns the
/// parsed file and the text, for further checks.
fn half_typed(after: &str, line: &str) -> (charter_syntax::Parsed, String) {
    let anchor = DESIGN
        .lines()
        .scan(0, |offset, text| {
            let start = *offset;
            *offset += text.len() + 1;
            Some((start, text))
        })
        .find(|(_, text)| text.split(" //").next().map(str::trim_end) == Some(after))
        .map(|(start, text)| start + text.len() + 1)
        .unwrap_or_else(|| panic!("no line `{after}` in the design example"));
    let mut text = DESIGN.to_string();
    text.insert_str(anchor, &format!("{line}\n"));
    let inserted = anchor..anchor + line.len() + 1;

    let parsed = parse(FileId(0), &text);
    assert_eq!(
        parsed.diagnostics.len(),
        1,
        "`{line}`: {:#?}",
        parsed.diagnostics
    );
    let diagnostic = &parsed.diagnostics[0];
    assert!(
        inserted.contains(&(diagnostic.primary.span.start as usize)),
        "`{line}`: the diagnostic is not on the half-typed line: {diagnostic:#?}"
    );
    let base = parse(FileId(0), DESIGN);
    assert!(base.diagnostics.is_empty());
    assert_eq!(
        outline(&parsed.file, &text, inserted),
        outline(&base.file, DESIGN, 0..0),
        "`{line}`: the rest of the tree changed"
    );
    (parsed, text)
}

fn entry_at<'a>(file: &'a SourceFile, text: &str, line: &str) -> &'a Entry {
    fn find(entries: &[Entry], at: usize) -> Option<&Entry> {
        entries.iter().find_map(|entry| {
            let span = entry.span();
            if span.start as usize == at {
                Some(entry)
            } else if let Entry::Block(block) = entry {
                find(&block.entries, at)
            } else {
                None
            }
        })
    }
    let at =
        text.find(line).expect("the line is in the text") + line.len() - line.trim_start().len();
    file.items
        .iter()
        .find_map(|item| match item {
            Item::Block(block) => find(&block.entries, at),
            Item::Error(_) => None,
        })
        .unwrap_or_else(|| panic!("no entry starts at `{line}`"))
}

#[test]
fn a_field_without_a_value_yet() {
    let line = "    hate: ";
    let (parsed, text) = half_typed("  prompt {", line);
    assert!(matches!(
        entry_at(&parsed.file, &text, line),
        Entry::Error(_)
    ));
}

#[test]
fn a_list_unfinished_at_the_end_of_its_line() {
    let line = "  regions: [\"swedencentral\", ";
    let (parsed, text) = half_typed("  scope: management_group(\"contoso-ai\")", line);
    assert_eq!(parsed.diagnostics[0].code, "E0002");
    assert!(matches!(
        entry_at(&parsed.file, &text, line),
        Entry::Error(_)
    ));
}

#[test]
fn a_list_unclosed_before_the_next_field() {
    let (parsed, _) = half_typed(
        "  display_name: \"Contoso AI guardrails\"",
        "  regions: [\"eastus2\"",
    );
    assert_eq!(parsed.diagnostics[0].message, "unclosed `[`");
}

#[test]
fn a_call_unclosed_before_the_next_field() {
    half_typed(
        "  display_name: \"Contoso AI guardrails\"",
        "  scope: management_group(\"contoso-ai\"",
    );
}

#[test]
fn a_multi_line_list_unclosed_before_the_next_field() {
    let (parsed, _) = half_typed(
        "  display_name: \"Contoso AI guardrails\"",
        "  regions: [\n    \"eastus2\",\n    \"swedencentral\",",
    );
    assert_eq!(parsed.diagnostics[0].message, "unclosed `[`");
}

#[test]
fn a_list_unclosed_in_a_nested_block() {
    half_typed(
        "  models {",
        "    allow \"gpt-4o\" versions [\"2024-11-20\"",
    );
}

#[test]
fn a_string_being_typed() {
    let line = "    model \"gpt-5.6";
    let (parsed, text) = half_typed("  endpoint support_chat {", line);
    assert_eq!(parsed.diagnostics[0].code, "E0004");
    // The clause is kept: the string is closed at the end of its line.
    assert!(matches!(
        entry_at(&parsed.file, &text, line),
        Entry::Clause(_)
    ));
}

#[test]
fn a_string_unclosed_in_the_middle_of_a_line() {
    half_typed(
        "  endpoint support_chat {",
        "    model \"gpt-5.6 version \"2026-07-09\"",
    );
}

#[test]
fn a_block_just_opened_inside_a_workload() {
    let line = "  endpoint x {";
    let (parsed, text) = half_typed("  apps: [chat_web, chat_mobile]", line);
    assert_eq!(parsed.diagnostics[0].message, "unclosed `{`");
    // The new block is in the tree, marked as cut short so that its missing fields are not
    // reported.
    match entry_at(&parsed.file, &text, line) {
        Entry::Block(block) => {
            assert_eq!(block.label.as_ref().map(Label::text), Some("x"));
            assert!(matches!(block.entries.as_slice(), [Entry::Error(_)]));
        }
        other => panic!("expected a block, got {other:?}"),
    }
}

#[test]
fn a_block_just_opened_before_the_last_entry() {
    half_typed("  governed_by: contoso_ai", "  app chat_web {");
}

#[test]
fn a_block_just_opened_in_the_first_item() {
    half_typed("  blocklists: [\"profanity\"]", "  prompt {");
}

#[test]
fn a_half_typed_field_key() {
    let line = "  depl";
    let (parsed, text) = half_typed("  resource_group: \"rg-support-ai\"", line);
    // An error entry: the checker then does not report the block's missing fields, and the
    // language server completes the key from the schema.
    assert!(matches!(
        entry_at(&parsed.file, &text, line),
        Entry::Error(_)
    ));
    assert_eq!(
        parsed.diagnostics[0].primary.message,
        "expected `:` and a value, or `{`"
    );
}

#[test]
fn extends_without_a_base_yet() {
    half_typed("}", "filter x extends ");
}

#[test]
fn extends_without_a_base_before_a_brace() {
    half_typed("}", "filter x extends {\n  prompt { hate: low }\n}");
}

#[test]
fn an_extra_closing_brace_between_items() {
    let (parsed, _) = half_typed("}", "}");
    assert_eq!(parsed.diagnostics[0].code, "E0003");
}

#[test]
fn multi_line_lists_and_calls_still_parse() {
    let text = "policy p {\n  regions: [\n    \"eastus2\",\n    \"westeurope\",\n  ]\n  scope: [\n    management_group(\n      \"x\",\n    ),\n    subscription(\"y\")\n  ]\n  effect: deny\n}\nworkload w {\n  apps: [\n  chat_web,\n  chat_mobile\n  ]\n  budget: 10 USD monthly alert_at [\n    50%,\n  ] notify [\"a@b\"]\n}\n";
    let parsed = parse(FileId(0), text);
    assert!(parsed.diagnostics.is_empty(), "{:#?}", parsed.diagnostics);
    let Item::Block(policy) = &parsed.file.items[0] else {
        panic!("the policy did not parse");
    };
    assert_eq!(policy.entries.len(), 3);
}

#[test]
fn an_extra_closing_brace_inside_a_block() {
    let (parsed, _) = half_typed("  effect: deny", "  }");
    assert_eq!(parsed.diagnostics[0].code, "E0003");
}

#[test]
fn an_extra_closing_brace_inside_a_nested_block() {
    let (parsed, _) = half_typed("    filter: strict", "    }");
    assert_eq!(parsed.diagnostics[0].code, "E0003");
}
