//! The differential tests of the hand-written parser (`src/parser/descent.rs`): on each chunk
//! it either declines or gives exactly what pest and the lowering give. Each test parses a
//! source with both paths (`Paths::FastThenPest`, what `parse` does, and `Paths::PestOnly`,
//! the parser before it) and compares the trees, spans included, and the diagnostics, in
//! order. The generated projects of `src/corpus.rs` are compared by the CLI crate's tests
//! (`tests/it/properties.rs`).
#![expect(
    clippy::disallowed_methods,
    reason = "tests read the repository's sources from disk"
)]

use std::path::PathBuf;

use charter_syntax::differential::{parse_with, FastPathStats, Paths};
use charter_syntax::FileId;
use charter_test_support::{charter_files, workspace_root};

use crate::robustness::{mutate, XorShift, INSERTIONS};

/// Parses `text` both ways, fails on any difference, and returns what the fast path did.
fn same_both_ways(text: &str, what: &str) -> FastPathStats {
    let (fast, stats) = parse_with(FileId(3), text, Paths::FastThenPest);
    let (pest, pest_stats) = parse_with(FileId(3), text, Paths::PestOnly);
    assert_eq!(pest_stats, FastPathStats::default());
    if fast.file != pest.file {
        panic!(
            "{what}: the trees differ\n--- text\n{text}\n--- fast path\n{:#?}\n--- pest\n{:#?}",
            fast.file, pest.file
        );
    }
    assert_eq!(
        fast.diagnostics, pest.diagnostics,
        "{what}: the diagnostics differ\n--- text\n{text}"
    );
    stats
}

/// Every `.charter` file of the repository: examples, stdlib, every test fixture directory,
/// the fuzz regressions, the editors' test files.
fn every_source() -> Vec<PathBuf> {
    let root = workspace_root();
    let mut files = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("the workspace is readable")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.is_dir()
                && path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name != "target" && !name.starts_with('.'))
        })
        .collect();
    dirs.sort();
    for dir in dirs {
        files.extend(charter_files(&dir));
    }
    files
}

#[test]
fn every_source_of_the_repository_parses_the_same_both_ways() {
    let files = every_source();
    assert!(files.len() > 200, "found only {} sources", files.len());
    let mut total = FastPathStats::default();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("source is readable");
        let stats = same_both_ways(&text, &path.display().to_string());
        // A file without diagnostics is parsed by the fast path alone.
        let (pest, _) = parse_with(FileId(3), &text, Paths::PestOnly);
        if pest.diagnostics.is_empty() {
            assert_eq!(
                stats.declined,
                0,
                "{}: pest parsed what the fast path declined",
                path.display()
            );
        }
        total.parsed += stats.parsed;
        total.declined += stats.declined;
    }
    assert!(total.parsed > 1000, "the fast path parsed only {total:?}");
}

/// The fuzzer's dictionary (`fuzz/charter.dict`): keywords, values and punctuation.
fn dictionary() -> Vec<Vec<u8>> {
    let text = std::fs::read_to_string(workspace_root().join("fuzz/charter.dict"))
        .expect("the fuzz dictionary is readable");
    text.lines()
        .filter_map(|line| line.strip_prefix('"')?.strip_suffix('"'))
        .map(|quoted| {
            quoted
                .replace("\\x0A", "\n")
                .replace("\\\"", "\"")
                .replace("\\\\", "\\")
                .into_bytes()
        })
        .collect()
}

#[test]
fn mutated_sources_parse_the_same_both_ways() {
    let mut rng = XorShift(0x5DEE_CE66_D1CE_4E5B);
    let dictionary = dictionary();
    assert!(dictionary.len() > 50);
    let sources: Vec<Vec<u8>> = every_source()
        .into_iter()
        .map(|path| std::fs::read(path).expect("source is readable"))
        .collect();
    let per_source = (6000 / sources.len()).max(20);
    let mut total = FastPathStats::default();
    for source in &sources {
        for round in 0..per_source {
            let mut mutated = mutate(source, &mut rng);
            // Every other round, also insert a word of the fuzzer's dictionary.
            if round % 2 == 1 {
                let at = rng.below(mutated.len() + 1);
                let word = &dictionary[rng.below(dictionary.len())];
                mutated.splice(at..at, word.iter().copied());
            }
            let text = String::from_utf8_lossy(&mutated);
            let stats = same_both_ways(&text, "a mutated source");
            total.parsed += stats.parsed;
            total.declined += stats.declined;
        }
    }
    // Most chunks of a mutated file are still valid: the comparison exercised both paths.
    assert!(total.parsed > total.declined, "{total:?}");
    assert!(total.declined > 100, "{total:?}");
    assert!(!INSERTIONS.is_empty());
}

/// Entries of [`ENTRIES`] that pest parses (some with diagnostics of the lowering): the fast
/// path must not leave them to pest.
const PARSED_BY_THE_FAST_PATH: &[&str] = &[
    "a: 1 b: 2",
    "a: 90 dayz",
    "a: 90 Days",
    "a: 90 xyz",
    "a: 2027-02-30",
    "a: 2027-1-31",
    "a: \"x",
    "a: \"\\u{zz}\"",
    "a: \"\\q\"",
    "a: [\n  1, // one\n  2 /* two */\n  // end\n]",
    "a: f(\n1\n,\n2\n)",
    "a: x [1] y f(2) \"s\" 3 days",
    "a \"b\" { }",
    "a b extends c.d { }",
    "a {\n  b: 1 // trailing\n  /// doc\n  c: 2\n\n  // dangling\n}",
    "a {\n  /* nested /* comment */ here */ b: 1\n}",
];

/// Small sources that probe each rule's edges: where the grammar's choices, look-aheads and
/// optional parts decide, the fast path must decide the same way (or decline).
#[test]
fn the_grammar_s_edges_parse_the_same_both_ways() {
    for entry in PARSED_BY_THE_FAST_PATH {
        assert!(ENTRIES.contains(entry), "{entry:?} is not probed");
    }
    const ENTRIES: &[&str] = &[
        "a: 1",
        "a : 1",
        "a:1",
        "a:\t1 2 3",
        "a: 1 b: 2",
        "a: b c: d",
        "a: b.c.d",
        "a: b. c",
        "a: b.",
        "a: b.1",
        "a: b :",
        "a: 90 days",
        "a: 90days",
        "a: 90 days:",
        "a: 90 Days",
        "a: 90 dayz",
        "a: 90 xyz",
        "a: 90 usd",
        "a: 90 USD",
        "a: 12.50 EUR",
        "a: 12. EUR",
        "a: 12.5.3",
        "a: 80%",
        "a: 80 %",
        "a: 80%%",
        "a: 2027-01-31",
        "a: 2027-02-30",
        "a: 2027-13-01",
        "a: 2027-1-31",
        "a: 2027-01-31x",
        "a: 2027-01-31_",
        "a: 2027-01-31.5",
        "a: 2027-01",
        "a: 2027--01",
        "a: 1-2-3",
        "a: \"x\"",
        "a: \"x",
        "a: \"x }",
        "a: \"a\\nb\\t\\\"\\\\\"",
        "a: \"\\u{e9}\\u{1F600}\"",
        "a: \"\\u{}\"",
        "a: \"\\u{110000}\"",
        "a: \"\\u{zz}\"",
        "a: \"\\q\"",
        "a: \"\\",
        "a: \"x\\",
        "a: \"é\\é\"",
        "a: \"x\\\r\n\"",
        "a: \"x\r\"",
        "a: f()",
        "a: f( )",
        "a: f(1)",
        "a: f(1,)",
        "a: f(1, 2)",
        "a: f(1 2)",
        "a: f(,)",
        "a: f(\n1\n,\n2\n)",
        "a: f(/* c */ 1)",
        "a: f(g(1), [2])",
        "a: f (1)",
        "a: f.g(1)",
        "a: f(1) x",
        "a: f(",
        "a: []",
        "a: [ ]",
        "a: [1]",
        "a: [1,]",
        "a: [1, 2]",
        "a: [1 2]",
        "a: [,]",
        "a: [1,,2]",
        "a: [\n  1, // one\n  2 /* two */\n  // end\n]",
        "a: [\n  /// doc\n  1,\n\n  2,\n]",
        "a: [1, [2, [3]]]",
        "a: [a: 1]",
        "a: [/* x */]",
        "a: [/ ]",
        "a: [/* x ]",
        "a: x [1] y f(2) \"s\" 3 days",
        "a: x  ",
        "a:",
        "a: ",
        "a",
        "a b",
        "a  b  c",
        "a\tb",
        "a b:",
        "a b: c",
        "a \"x\" versions [\"1\"]",
        "a b {}",
        "a b { c: 1 }",
        "a { }",
        "a {}",
        "a{}",
        "a\n{}",
        "a b\n{ c: 1 }",
        "a \"b\" { }",
        "a \"b { }",
        "a \"b\n{ }",
        "a extends b { }",
        "a b extends c.d { }",
        "a extends { }",
        "a extends b: { }",
        "a extendsb { }",
        "a b extendsc { }",
        "a \"b\"extends c { }",
        "a b c { }",
        "a b {} c",
        "a { b: 1, c: 2 }",
        "a { b: 1 c: 2 }",
        "a { b: 1,, c: 2 }",
        "a { , b: 1 }",
        "a { b: 1, }",
        "a { b: 1 } // after",
        "a {\n  // only a comment\n}",
        "a {\n  b: 1 // trailing\n  /// doc\n  c: 2\n\n  // dangling\n}",
        "a {\n  /* nested /* comment */ here */ b: 1\n}",
        "a {\n  b: 1 /* unclosed\n}",
        "a {\n  b { c { d: 1 } }\n}",
        "a {\n  b {\n    c: [1,\n      2]\n  }\n}",
        "a { b: 1 ",
        "a { b: 1 }}",
        "a { / }",
        "a { b: 1 / 2 }",
        "a { b: x: 1 }",
        "a { b: f(1 }",
        "_a { _b: _c }",
        "a1 { b2: c3.d4 }",
        "a { b: 1\r\n c: 2\r\n}",
        "a { b: \"\u{1b}[31m\" }",
    ];
    for entry in ENTRIES {
        let item = format!("policy p {{\n  {entry}\n}}\n");
        let stats = same_both_ways(&item, &format!("{entry:?} in a block"));
        if PARSED_BY_THE_FAST_PATH.contains(entry) {
            assert_eq!(stats.declined, 0, "{entry:?} was left to pest");
        }
        same_both_ways(entry, &format!("{entry:?} at top level"));
        // Inside a block whose other entry does not parse, so that this one is an entry chunk.
        let recovered = format!("policy p {{\n  x: [\n  {entry}\n}}\n");
        same_both_ways(&recovered, &format!("{entry:?} in a recovered block"));
    }
}

/// Whole files: the hand-written parser reads a file without the scanner's split when every
/// item parses, so the places where the scanner splits must come out the same.
#[test]
fn whole_files_parse_the_same_both_ways() {
    const FILES: &[&str] = &[
        "",
        "\n\n",
        "\u{feff}policy p {}\n",
        "\u{feff}",
        "// only a comment",
        "// only a comment\r\n",
        "/* only */",
        "/* unclosed",
        "/* /* nested */ */ policy p {}",
        "policy p {} policy q {}",
        "policy p {}\npolicy q {}\n",
        "policy p {} // trailing\n// leading\npolicy q {}\n",
        "policy p {} /* a */ /* b */\npolicy q {}",
        "/// doc\npolicy p {}\n\n\n// dangling\n",
        "policy p\n{}\n",
        "policy p\n\n  {\n}\n",
        "policy p\n  extends q {}\n",
        "policy p {}\n}\n",
        "policy p {} x",
        "policy p {},\npolicy q {}",
        "policy p {}\n, x",
        "policy p { a: [\n  b\n  c: d\n] }\n",
        "policy p { a: [\n  b,\n  c d\n] }\n",
        "policy p { a: f(\n  b,\n  c\n) }\n",
        "policy p { a: 1 } /",
        "policy p { a: 1 }\r\npolicy q {\r\n  b: 2\r\n}\r\n",
        "policy p { a: 1 }\rpolicy q {}",
        "policy p { a: \"x }\npolicy q {}\n",
        "policy p { a: \"x\\\r\n}\n",
        "policy p {\n  a: 1 /* c\n}\n",
        "policy p {\n  b {\n}\n\npolicy q {}\n",
        "\0policy p {}",
        "é",
        "policy \"é\" { a: \"ü\" }",
    ];
    for file in FILES {
        same_both_ways(file, &format!("{file:?}"));
    }
    let deep = format!("policy p {{ a: {}{} }}", "[".repeat(100), "]".repeat(100));
    same_both_ways(&deep, "100 nested lists");
    let too_deep = format!("policy p {{ a: {}{} }}", "[".repeat(101), "]".repeat(101));
    same_both_ways(&too_deep, "101 nested lists");
    let deep_comment = format!("policy p {{}}\n{}{}", "/*".repeat(101), "*/".repeat(101));
    same_both_ways(&deep_comment, "101 nested comments");
    let deep_blocks = format!("policy p {} a: 1 {}", "{ b ".repeat(99), "}".repeat(100));
    same_both_ways(&deep_blocks, "nested blocks");
}
