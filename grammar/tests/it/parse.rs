//! Parser tests: every construct of the uniform syntax, spans, and comment attachment.
#![expect(
    clippy::disallowed_methods,
    reason = "tests read the repository's sources from disk"
)]

use charter_syntax::ast::*;
use charter_syntax::{parse, FileId};

fn parse_ok(text: &str) -> SourceFile {
    let parsed = parse(FileId(7), text);
    assert!(
        parsed.diagnostics.is_empty(),
        "unexpected diagnostics: {:#?}",
        parsed.diagnostics
    );
    parsed.file
}

fn block(file: &SourceFile, index: usize) -> &Block {
    match &file.items[index] {
        Item::Block(block) => block,
        Item::Error(error) => panic!("item {index} is an error at {error:?}"),
    }
}

fn field<'a>(block: &'a Block, key: &str) -> &'a Field {
    block
        .entries
        .iter()
        .find_map(|entry| match entry {
            Entry::Field(field) if field.key.name == key => Some(field),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no field `{key}`"))
}

fn nested<'a>(block: &'a Block, keyword: &str) -> &'a Block {
    block
        .entries
        .iter()
        .find_map(|entry| match entry {
            Entry::Block(inner) if inner.keyword.name == keyword => Some(inner),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no block `{keyword}`"))
}

fn clauses<'a>(block: &'a Block, keyword: &str) -> Vec<&'a Clause> {
    block
        .entries
        .iter()
        .filter_map(|entry| match entry {
            Entry::Clause(clause) if clause.keyword.name == keyword => Some(clause),
            _ => None,
        })
        .collect()
}

fn text_of(source: &str, span: charter_syntax::Span) -> &str {
    &source[span.range()]
}

#[test]
fn the_design_example_parses_as_written() {
    let source = include_str!("../fixtures/valid/design.charter");
    let file = parse_ok(source);
    let names: Vec<String> = file
        .items
        .iter()
        .map(|item| match item {
            Item::Block(block) => format!(
                "{} {}",
                block.keyword.name,
                block.label.as_ref().map_or("", |l| l.text())
            ),
            Item::Error(_) => "error".to_string(),
        })
        .collect();
    assert_eq!(
        names,
        [
            "filter baseline",
            "filter strict",
            "policy contoso_ai",
            "workload customer_support"
        ]
    );
    let baseline = block(&file, 0);
    assert_eq!(
        baseline.trivia.doc.as_ref().map(|d| d.text.as_str()),
        Some("Organisation-wide minimum for every deployment.")
    );
    let hate = field(nested(baseline, "prompt"), "hate");
    assert_eq!(
        hate.trivia.trailing.as_ref().map(|c| c.text.as_str()),
        Some("// block severity medium and above")
    );
    let strict = block(&file, 1);
    assert_eq!(
        strict.extends.as_ref().map(Path::text).as_deref(),
        Some("baseline")
    );
    assert_eq!(nested(strict, "prompt").entries.len(), 2);

    let policy = block(&file, 2);
    let scope = &field(policy, "scope").value.values[0];
    let Value::Call(call) = scope else {
        panic!("scope is a call")
    };
    assert_eq!(call.callee.name, "management_group");
    assert!(matches!(&call.args[..], [Value::Str(s)] if s.value == "contoso-ai"));
    let allows = clauses(nested(policy, "models"), "allow");
    assert_eq!(allows.len(), 3);
    assert_eq!(allows[2].phrase.values.len(), 1);
    let capacity = &field(policy, "max_capacity").value.values[0];
    assert!(
        matches!(capacity, Value::Number(n) if n.digits == "300" && n.unit.as_ref().map(|u| &u.kind) == Some(&UnitKind::CapacityUnits))
    );
    let warning = &field(policy, "retirement_warning").value.values[0];
    assert!(
        matches!(warning, Value::Number(n) if n.unit.as_ref().map(|u| &u.kind) == Some(&UnitKind::Days))
    );
    let exempt = clauses(policy, "exempt");
    let values = &exempt[0].phrase.values;
    assert_eq!(values.len(), 6);
    assert!(matches!(
        values[2],
        Value::Date(DateLit {
            year: 2027,
            month: 1,
            day: 31,
            ..
        })
    ));
    assert!(matches!(&values[5], Value::Str(s) if s.value == "Sandbox experiments"));

    let workload = block(&file, 3);
    let budget = &field(workload, "budget").value.values;
    assert!(
        matches!(&budget[0], Value::Number(n) if n.unit.as_ref().map(|u| &u.kind) == Some(&UnitKind::Currency("USD".into())))
    );
    let Value::List(alerts) = &budget[3] else {
        panic!("alert_at takes a list")
    };
    assert!(alerts
        .items
        .iter()
        .all(|item| matches!(&item.value, Value::Number(n) if n.unit.as_ref().map(|u| &u.kind) == Some(&UnitKind::Percent))));
    let endpoint = nested(workload, "endpoint");
    assert!(nested(workload, "endpoint").trivia.blank_line_before);
    assert_eq!(clauses(endpoint, "model").len(), 1);
    assert_eq!(field(endpoint, "regions").value.values.len(), 3);
}

#[test]
fn spans_point_at_the_source() {
    let source =
        "/// Doc.\nfilter strict extends std.filters.default {\n  prompt { hate: low }\n}\n";
    let file = parse_ok(source);
    let strict = block(&file, 0);
    assert_eq!(text_of(source, strict.keyword.span), "filter");
    assert!(
        text_of(source, strict.span).starts_with("filter strict")
            && text_of(source, strict.span).ends_with('}')
    );
    assert!(text_of(source, strict.body_span).starts_with('{'));
    assert_eq!(
        text_of(
            source,
            strict.extends.as_ref().map(|p| p.span).unwrap_or_default()
        ),
        "std.filters.default"
    );
    let hate = field(nested(strict, "prompt"), "hate");
    assert_eq!(text_of(source, hate.span), "hate: low");
    assert_eq!(text_of(source, hate.value.span), "low");
    assert_eq!(strict.span.file, FileId(7));
    assert_eq!(
        text_of(
            source,
            strict
                .trivia
                .doc
                .as_ref()
                .map(|d| d.span)
                .unwrap_or_default()
        ),
        "/// Doc."
    );
}

#[test]
fn strings_resolve_escapes() {
    let file = parse_ok("a {\n  s: \"q\\\" b\\\\ n\\n t\\t \\u{e9}\\u{1F600}\"\n}\n");
    let Value::Str(string) = &field(block(&file, 0), "s").value.values[0] else {
        panic!()
    };
    assert_eq!(string.value, "q\" b\\ n\n t\t é😀");
}

#[test]
fn numbers_take_units() {
    let file = parse_ok(
        "a {\n  n: 12.50 EUR, p: 80%, d: 1 day, w: 2 weeks, m: 3 months, y: 1 year, u: 1 unit, plain: 7\n}\n",
    );
    let a = block(&file, 0);
    let unit = |key: &str| match &field(a, key).value.values[0] {
        Value::Number(number) => (
            number.digits.clone(),
            number.unit.as_ref().map(|u| u.kind.clone()),
        ),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        unit("n"),
        ("12.50".into(), Some(UnitKind::Currency("EUR".into())))
    );
    assert_eq!(unit("p"), ("80".into(), Some(UnitKind::Percent)));
    assert_eq!(unit("d").1, Some(UnitKind::Days));
    assert_eq!(unit("w").1, Some(UnitKind::Weeks));
    assert_eq!(unit("m").1, Some(UnitKind::Months));
    assert_eq!(unit("y").1, Some(UnitKind::Years));
    assert_eq!(unit("u").1, Some(UnitKind::CapacityUnits));
    assert_eq!(unit("plain"), ("7".into(), None));
}

#[test]
fn catalog_blocks_take_string_labels_and_leap_days() {
    let file = parse_ok(
        "model \"gpt-4o\" {\n  version \"2024-11-20\" {\n    retirement: 2028-02-29\n    available global_standard [\"eastus2\"]\n  }\n}\n",
    );
    let model = block(&file, 0);
    assert!(matches!(&model.label, Some(Label::Str(s)) if s.value == "gpt-4o"));
    let version = nested(model, "version");
    assert_eq!(version.label.as_ref().map(Label::text), Some("2024-11-20"));
    assert!(matches!(
        field(version, "retirement").value.values[0],
        Value::Date(DateLit { day: 29, .. })
    ));
    assert_eq!(clauses(version, "available")[0].phrase.values.len(), 2);
}

#[test]
fn lists_span_lines_with_comments_and_trailing_commas() {
    let source = "policy p {\n  regions: [ // primary first\n    \"a\", // one\n\n    /* two */ \"b\",\n    [1, 2],\n    // none left\n  ] redundancy active_passive\n  empty: []\n  call: f(1, \"x\", g(2))\n}\n";
    let file = parse_ok(source);
    let p = block(&file, 0);
    let regions = &field(p, "regions").value.values;
    assert_eq!(regions.len(), 3);
    let Value::List(list) = &regions[0] else {
        panic!()
    };
    assert_eq!(list.items.len(), 3);
    assert_eq!(list.items[0].trivia.leading[0].text, "// primary first");
    assert_eq!(
        list.items[0]
            .trivia
            .trailing
            .as_ref()
            .map(|c| c.text.as_str()),
        Some("// one")
    );
    assert_eq!(list.items[1].trivia.leading[0].text, "/* two */");
    assert_eq!(list.dangling_comments[0].text, "// none left");
    assert!(matches!(&field(p, "empty").value.values[0], Value::List(l) if l.items.is_empty()));
    assert!(matches!(&field(p, "call").value.values[0], Value::Call(c) if c.args.len() == 3));
}

#[test]
fn comments_attach_to_the_nodes_around_them() {
    let source = "// file header\n\n/* block /* nested */ comment */\n/// Doc one.\n///\n/// Doc three.\npolicy p { // after brace\n  effect: deny /* trailing */\n\n\n  // leading\n  /// field doc\n  local_auth: disabled\n  // dangling in block\n} // after item\n// dangling in file\n";
    let file = parse_ok(source);
    let p = block(&file, 0);
    assert_eq!(p.trivia.leading.len(), 2);
    assert_eq!(p.trivia.leading[1].text, "/* block /* nested */ comment */");
    assert_eq!(
        p.trivia.doc.as_ref().map(|d| d.text.as_str()),
        Some("Doc one.\n\nDoc three.")
    );
    assert_eq!(
        p.trivia.trailing.as_ref().map(|c| c.text.as_str()),
        Some("// after item")
    );
    let effect = field(p, "effect");
    assert_eq!(effect.trivia.leading[0].text, "// after brace");
    assert_eq!(
        effect.trivia.trailing.as_ref().map(|c| c.text.as_str()),
        Some("/* trailing */")
    );
    assert!(!effect.trivia.blank_line_before);
    let auth = field(p, "local_auth");
    assert!(!auth.trivia.blank_line_before);
    assert_eq!(auth.trivia.leading[0].text, "// leading");
    assert!(auth.trivia.leading[0].blank_line_before);
    assert_eq!(
        auth.trivia.doc.as_ref().map(|d| d.text.as_str()),
        Some("field doc")
    );
    assert_eq!(p.dangling_comments[0].text, "// dangling in block");
    assert_eq!(file.dangling_comments[0].text, "// dangling in file");
}

#[test]
fn entries_are_separated_by_commas_or_newlines() {
    let file = parse_ok("filter s {\n  prompt { hate: low, sexual: low, }\n  completion {}\n}\n");
    let s = block(&file, 0);
    assert_eq!(nested(s, "prompt").entries.len(), 2);
    assert!(nested(s, "completion").entries.is_empty());
}

#[test]
fn one_typo_gives_one_diagnostic_and_keeps_the_rest() {
    let source =
        "policy p {\n  effect:\n  local_auth: disabled\n}\n\nworkload w {\n  governed_by: p\n}\n";
    let parsed = parse(FileId(0), source);
    assert_eq!(parsed.diagnostics.len(), 1);
    let p = block(&parsed.file, 0);
    assert!(matches!(p.entries[0], Entry::Error(_)));
    assert_eq!(field(p, "local_auth").key.name, "local_auth");
    assert_eq!(block(&parsed.file, 1).keyword.name, "workload");
}

#[test]
fn a_missing_brace_does_not_swallow_the_next_items() {
    let source = "filter f {\n  prompt { hate: low }\n\npolicy p {\n  effect: deny\n}\n";
    let parsed = parse(FileId(0), source);
    assert_eq!(parsed.diagnostics.len(), 1);
    assert_eq!(
        parsed.diagnostics[0].primary.message,
        "this `{` is never closed"
    );
    assert_eq!(parsed.diagnostics[0].primary.span.start, 9);
    assert_eq!(
        block(&parsed.file, 1).label.as_ref().map(Label::text),
        Some("p")
    );
}

// ---- every comment of every source ends up in the tree --------------------------------------

/// Counts comments with a scanner independent of the parser's.
fn count_source_comments(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut i, mut count) = (0, 0);
    while i < bytes.len() {
        if bytes[i] == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else if bytes[i..].starts_with(b"//") {
            count += 1;
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else if bytes[i..].starts_with(b"/*") {
            count += 1;
            let mut depth = 0;
            while i < bytes.len() {
                if bytes[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if bytes[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else {
            i += 1;
        }
    }
    count
}

fn count_trivia(trivia: &Trivia) -> usize {
    trivia.leading.len()
        + trivia.trailing.iter().count()
        + trivia
            .doc
            .as_ref()
            .map_or(0, |doc| doc.text.split('\n').count())
}

fn count_value(value: &Value) -> usize {
    match value {
        Value::List(list) => {
            list.dangling_comments.len()
                + list
                    .items
                    .iter()
                    .map(|item| count_trivia(&item.trivia) + count_value(&item.value))
                    .sum::<usize>()
        }
        Value::Call(call) => call.args.iter().map(count_value).sum(),
        _ => 0,
    }
}

fn count_block(block: &Block) -> usize {
    count_trivia(&block.trivia)
        + block.dangling_comments.len()
        + block
            .entries
            .iter()
            .map(|entry| match entry {
                Entry::Field(field) => {
                    count_trivia(&field.trivia)
                        + field.value.values.iter().map(count_value).sum::<usize>()
                }
                Entry::Clause(clause) => {
                    count_trivia(&clause.trivia)
                        + clause.phrase.values.iter().map(count_value).sum::<usize>()
                }
                Entry::Block(block) => count_block(block),
                Entry::Error(_) => 0,
            })
            .sum::<usize>()
}

fn count_tree_comments(file: &SourceFile) -> usize {
    file.dangling_comments.len()
        + file
            .items
            .iter()
            .map(|item| match item {
                Item::Block(block) => count_block(block),
                Item::Error(_) => 0,
            })
            .sum::<usize>()
}

#[test]
fn no_comment_is_lost() {
    let mut checked = 0;
    for path in crate::repository_sources() {
        let text = std::fs::read_to_string(&path).expect("source is readable");
        let parsed = parse(FileId(0), &text);
        if !parsed.diagnostics.is_empty() {
            continue;
        }
        checked += 1;
        assert_eq!(
            count_tree_comments(&parsed.file),
            count_source_comments(&text),
            "comments lost in {}",
            path.display()
        );
    }
    assert!(checked > 3);
}

#[test]
fn crlf_line_ends_and_a_byte_order_mark_mean_the_same() {
    let source = include_str!("../fixtures/valid/design.charter");
    let crlf = format!("\u{feff}{}", source.replace('\n', "\r\n"));
    assert_eq!(parse_ok(&crlf), parse_ok(source));
    let formatted = charter_syntax::format::format_source(FileId(0), &crlf).expect("formats");
    assert!(!formatted.contains('\r') && !formatted.starts_with('\u{feff}'));
}

#[test]
fn recovery_inside_nested_blocks_keeps_the_siblings() {
    let source = "workload w {\n  endpoint e {\n    deployment:\n    filter: strict\n  }\n  governed_by: p\n}\n";
    let parsed = parse(FileId(0), source);
    assert_eq!(parsed.diagnostics.len(), 1, "{:#?}", parsed.diagnostics);
    let w = block(&parsed.file, 0);
    let e = nested(w, "endpoint");
    assert!(matches!(e.entries[0], Entry::Error(_)));
    assert_eq!(field(e, "filter").key.name, "filter");
    assert_eq!(field(w, "governed_by").key.name, "governed_by");
}

#[test]
fn a_block_comment_may_not_hide_a_value() {
    let parsed = parse(
        FileId(0),
        "policy p {\n  max_capacity: /* x */ 300 units\n  effect: deny\n}\n",
    );
    assert_eq!(parsed.diagnostics.len(), 1);
    assert_eq!(parsed.diagnostics[0].message, "a comment cannot go here");
    assert_eq!(field(block(&parsed.file, 0), "effect").key.name, "effect");
}
