//! The parser and the formatter never panic or hang: deterministic mutations of every
//! `.charter` file of the repository, and pathological inputs.
#![expect(
    clippy::disallowed_methods,
    reason = "tests read the repository's sources from disk"
)]

use charter_syntax::format::format_source;
use charter_syntax::{parse, FileId};

/// A small seeded xorshift, so that every run mutates the same way.
pub(crate) struct XorShift(pub(crate) u64);

impl XorShift {
    pub(crate) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub(crate) fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

pub(crate) const INSERTIONS: &[&[u8]] = &[
    b"{",
    b"}",
    b"\"",
    b"[",
    b"]",
    b"(",
    b")",
    b"/*",
    b"*/",
    b"//",
    b"///",
    b",",
    b":",
    b"\n",
    b"%",
    b"2027-02-30",
    b"\\",
    b"\0",
    b"extends",
    b"\xff",
];

/// Mutations of a window of at most this many bytes, so that the test stays fast in debug builds
/// on the large stdlib files.
const WINDOW: usize = 1500;

pub(crate) fn mutate(source: &[u8], rng: &mut XorShift) -> Vec<u8> {
    let mut start = rng.below(source.len().saturating_sub(WINDOW) + 1);
    // Start at a line, so that the window begins like a file.
    while start > 0 && source[start - 1] != b'\n' {
        start -= 1;
    }
    let end = (start + WINDOW).min(source.len());
    let mut bytes = source[start..end].to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(4) {
            0 if !bytes.is_empty() => {
                let len = 1 + rng.below(8);
                let end = (at + len).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            1 if !bytes.is_empty() => {
                let start = at.min(bytes.len() - 1);
                let end = (start + 1 + rng.below(16)).min(bytes.len());
                let copy = bytes[start..end].to_vec();
                bytes.splice(start..start, copy);
            }
            2 => bytes.truncate(at),
            _ => {
                let insertion = INSERTIONS[rng.below(INSERTIONS.len())];
                bytes.splice(at..at, insertion.iter().copied());
            }
        }
    }
    bytes
}

#[test]
fn mutated_sources_never_panic() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let sources: Vec<Vec<u8>> = crate::repository_sources()
        .into_iter()
        .map(|path| std::fs::read(path).expect("source is readable"))
        .collect();
    assert!(!sources.is_empty());
    let per_source = (3000 / sources.len()).max(50);
    for source in &sources {
        for _ in 0..per_source {
            let mutated = mutate(source, &mut rng);
            let text = String::from_utf8_lossy(&mutated);
            let parsed = parse(FileId(0), &text);
            for diagnostic in &parsed.diagnostics {
                let span = diagnostic.primary.span;
                assert!(
                    span.start <= span.end && span.end as usize <= text.len(),
                    "span out of range"
                );
                assert!(
                    text.is_char_boundary(span.start as usize)
                        && text.is_char_boundary(span.end as usize)
                );
            }
            if let Err(charter_syntax::format::FormatError::Unsafe(reason)) =
                format_source(FileId(0), &text)
            {
                panic!("formatter refused a source that parsed: {reason}\n{text}");
            }
        }
    }
}

#[test]
fn pathological_inputs_are_reported_not_crashed_on() {
    let deep = |open: &str| open.repeat(10_000);
    let cases: Vec<String> = vec![
        deep("["),
        deep("{"),
        deep("("),
        format!("policy p {{\n  regions: {}\n}}\n", deep("[")),
        format!(
            "policy p {{\n  a: {}{}\n}}\n",
            deep("["),
            "]".repeat(10_000)
        ),
        deep("/*"),
        format!("policy p {{\n  {}\n}}\n", deep("/*")),
        format!("policy p {}", "{ a ".repeat(5_000)),
        "\0\0\0}}}".to_string(),
        "}".to_string(),
        String::from_utf8_lossy(&(0..=255u8).cycle().take(5_000).collect::<Vec<u8>>()).into_owned(),
        "policy p {\n".repeat(2_000),
        "\"".repeat(10_001),
        format!("{}{}", "{".repeat(10_000), ")".repeat(10_000)),
    ];
    for case in &cases {
        let parsed = parse(FileId(0), case);
        assert!(
            !parsed.diagnostics.is_empty(),
            "no diagnostic for {:?}",
            &case[..case.len().min(40)]
        );
        let _ = format_source(FileId(0), case);
    }
}

#[test]
fn large_files_parse() {
    // A megabyte of real items (ten would take seconds in a debug build; the release timing
    // is in `tests/timing.rs`).
    let item = "policy p {\n  effect: deny // why\n  regions: [\"eastus2\", \"westeurope\"]\n}\n\n";
    let text = item.repeat(1024 * 1024 / item.len());
    let parsed = parse(FileId(0), &text);
    assert!(parsed.diagnostics.is_empty());
    assert_eq!(parsed.file.items.len(), text.len() / item.len());

    // Ten megabytes in a comment and in a string; a megabyte-long list.
    let ten = 10 * 1024 * 1024;
    let cases = [
        format!("policy p {{}}\n/* {} */\n", "x".repeat(ten)),
        format!("policy p {{\n  description: \"{}\"\n}}\n", "y".repeat(ten)),
        format!(
            "policy p {{\n  regions: [{}]\n}}\n",
            "\"r\", ".repeat(ten / 50)
        ),
    ];
    for case in &cases {
        assert!(parse(FileId(0), case).diagnostics.is_empty());
    }
    // Two megabytes of lines that are not Charter.
    let junk = "this is not { charter ] \"at all\n".repeat(ten / 5 / 32);
    assert!(!parse(FileId(0), &junk).diagnostics.is_empty());
}

/// Recovery stays linear: a file with 2,000 broken entries, of every half-typed kind, between
/// valid ones gives one diagnostic per broken entry and keeps every valid one.
#[test]
fn two_thousand_broken_entries() {
    const BROKEN: &[&str] = &[
        "  regions: [\"swedencentral\", ",
        "  scope: management_group(\"x\"",
        "  hate: ",
        "  depl",
        "  endpoint x {",
        "  model \"gpt-5.6",
        "  budget: 10 dayz",
        "  filters: at_least [a,, b]",
    ];
    let mut text = String::from("workload w {\n");
    for index in 0..2_000 {
        text.push_str(BROKEN[index % BROKEN.len()]);
        text.push_str("\n  effect: deny\n");
    }
    text.push_str("}\n\npolicy p {\n  effect: deny\n}\n");
    let parsed = parse(FileId(0), &text);
    assert_eq!(parsed.diagnostics.len(), 2_000);
    let charter_syntax::ast::Item::Block(workload) = &parsed.file.items[0] else {
        panic!("the workload is not a block");
    };
    let kept = workload
        .entries
        .iter()
        .filter(|entry| {
            matches!(entry, charter_syntax::ast::Entry::Field(field) if field.key.name == "effect")
        })
        .count();
    assert_eq!(kept, 2_000);
    assert_eq!(parsed.file.items.len(), 2);
}
