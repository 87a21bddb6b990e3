//! Property tests that run quickly in CI (a few seconds in debug): the formatter is idempotent
//! and preserves meaning, parse → print → parse gives the same tree, nothing panics on mutated
//! versions of the repository's sources, `build` is deterministic, and a generated project
//! checks clean (and one with planted mistakes reports them).
//!
//! The fuzz targets in fuzz/ check the same properties for longer; docs/performance.md says how
//! to run them.

use charter::corpus;
use charter_compiler::Document;
use charter_syntax::format::{format_source, format_tree, FormatError};
use charter_syntax::{FileId, Severity};
use charter_test_support::{options, TODAY_FLAG};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn charter_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read a repository directory")
        .map(|entry| entry.expect("read a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            charter_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "charter") {
            out.push(path);
        }
    }
}

/// `(path, text)` of every `.charter` file under examples/ and stdlib/, read once.
fn sources() -> &'static [(String, String)] {
    static SOURCES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    SOURCES.get_or_init(|| {
        let mut paths = Vec::new();
        charter_files(&repo().join("examples"), &mut paths);
        charter_files(&repo().join("stdlib"), &mut paths);
        paths
            .into_iter()
            .map(|path| {
                let text = std::fs::read_to_string(&path).expect("read a repository source");
                (path.display().to_string(), text)
            })
            .collect()
    })
}

/// The formatter's properties on one source that parses cleanly: the printed tree parses
/// cleanly to an equal tree (spans compare equal, so `==` compares meaning), printing that
/// tree gives the same text, and `format_source` agrees. Returns a description of the first
/// violation.
fn format_properties(name: &str, text: &str) -> Result<(), String> {
    let parsed = charter_syntax::parse(FileId(0), text);
    if !parsed.diagnostics.is_empty() {
        return Ok(());
    }
    let formatted = format_tree(&parsed.file);
    let reparsed = charter_syntax::parse(FileId(0), &formatted);
    if let Some(first) = reparsed.diagnostics.first() {
        return Err(format!(
            "{name}: the formatted text does not parse: {}",
            first.message
        ));
    }
    if reparsed.file != parsed.file {
        return Err(format!("{name}: parse → print → parse changed the tree"));
    }
    if format_tree(&reparsed.file) != formatted {
        return Err(format!("{name}: formatting twice differs from once"));
    }
    match format_source(FileId(0), text) {
        Ok(output) if output == formatted => Ok(()),
        Ok(_) => Err(format!("{name}: format_source and format_tree disagree")),
        Err(FormatError::Unsafe(reason)) => Err(format!(
            "{name}: format_source refused a clean source: {reason}"
        )),
        Err(FormatError::Syntax(_)) => Err(format!(
            "{name}: format_source saw syntax errors the parser did not"
        )),
    }
}

#[test]
fn formatting_repository_sources_is_idempotent_and_keeps_the_tree() {
    let mut checked = 0;
    for (name, text) in sources() {
        if let Err(problem) = format_properties(name, text) {
            panic!("{problem}");
        }
        checked += 1;
    }
    assert!(
        checked >= 10,
        "expected the examples and the stdlib, found {checked} files"
    );
}

#[test]
fn formatting_a_generated_project_is_idempotent_and_keeps_the_tree() {
    for file in corpus::generate(2_000, Some(7)) {
        if let Err(problem) = format_properties(&file.path, &file.text) {
            panic!("{problem}");
        }
        let parsed = charter_syntax::parse(FileId(0), &file.text);
        assert!(
            parsed.diagnostics.is_empty(),
            "{}: the generator wrote a syntax error: {}",
            file.path,
            parsed.diagnostics[0].message
        );
    }
}

/// The parser's hand-written fast path gives what pest gives (grammar/tests/it/fast_path.rs
/// checks the repository's sources): on generated projects of several sizes and error rates,
/// where it parses every item, and on mutations of them, where it leaves some to pest.
#[test]
fn generated_projects_parse_the_same_with_and_without_the_fast_path() {
    use charter_syntax::differential::{parse_with, Paths};
    let same = |text: &str, what: &str| {
        let (fast, stats) = parse_with(FileId(0), text, Paths::FastThenPest);
        let (pest, _) = parse_with(FileId(0), text, Paths::PestOnly);
        assert!(fast.file == pest.file, "{what}: the trees differ");
        assert_eq!(fast.diagnostics, pest.diagnostics, "{what}");
        stats
    };
    // A small seeded generator, so that every run mutates the same way.
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut below = |bound: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % bound.max(1) as u64) as usize
    };
    const INSERTIONS: &[&str] = &[
        "{",
        "}",
        "\"",
        "[",
        "]",
        "(",
        ")",
        "/*",
        "//",
        ",",
        ":",
        "\n",
        "%",
        " x",
        "2027-02-30",
        "\\",
    ];
    for (lines, errors) in [
        (1_000, None),
        (1_000, Some(7)),
        (10_000, None),
        (10_000, Some(50)),
    ] {
        for file in corpus::generate(lines, errors) {
            let stats = same(&file.text, &file.path);
            assert_eq!(stats.declined, 0, "{}: left to pest", file.path);
            assert!(stats.parsed > 0);
            for _ in 0..20 {
                let mut text = file.text.clone().into_bytes();
                let at = below(text.len());
                match below(3) {
                    0 => {
                        let end = (at + 1 + below(8)).min(text.len());
                        text.drain(at..end);
                    }
                    1 => {
                        let end = (at + 1 + below(16)).min(text.len());
                        let copy = text[at..end].to_vec();
                        text.splice(at..at, copy);
                    }
                    _ => {
                        let insertion = INSERTIONS[below(INSERTIONS.len())];
                        text.splice(at..at, insertion.bytes());
                    }
                }
                let text = String::from_utf8_lossy(&text);
                same(&text, &format!("{} mutated", file.path));
            }
        }
    }
}

#[test]
fn a_generated_project_checks_clean() {
    let files = corpus::generate(3_000, None);
    let lines: usize = files.iter().map(|file| file.text.lines().count()).sum();
    assert!(
        lines >= 3_000 && files.len() >= 6,
        "{lines} lines in {} files",
        files.len()
    );
    let compilation = charter_compiler::compile(corpus::documents(&files), &options());
    let problems: Vec<String> = compilation
        .diagnostics
        .iter()
        .map(|d| {
            let path = compilation
                .document(d.primary.span.file)
                .map_or("?", |document| document.path.as_str());
            format!("{path}: {} {}", d.code, d.message)
        })
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(!compilation.project.workloads.is_empty());
}

#[test]
fn a_generated_project_with_planted_mistakes_reports_each() {
    let every = 5;
    let files = corpus::generate(3_000, Some(every));
    let planted = corpus::planted_errors(&files, every);
    let compilation = charter_compiler::compile(corpus::documents(&files), &options());
    let errors = compilation
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    assert!(planted >= 20, "only {planted} mistakes planted");
    // A mistake can break more than one rule (a region of the other data zone is outside the
    // policy's regions too), so there are at least as many errors as mistakes.
    assert!(
        errors >= planted,
        "{errors} errors for {planted} planted mistakes"
    );
    let codes: std::collections::BTreeSet<&str> =
        compilation.diagnostics.iter().map(|d| d.code).collect();
    assert!(
        codes.len() >= 4,
        "expected four kinds of mistake, got {codes:?}"
    );
}

#[test]
fn the_cli_checks_a_generated_project_clean_and_rejects_one_with_mistakes() {
    let clean = tempfile::tempdir().expect("create a temporary directory");
    corpus::write(clean.path(), &corpus::generate(1_000, None)).expect("write the project");
    let output = Command::new(env!("CARGO_BIN_EXE_charter"))
        .arg("check")
        .arg(clean.path())
        .args([TODAY_FLAG, "--deny-warnings", "--color", "never"])
        .output()
        .expect("run charter");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let broken = tempfile::tempdir().expect("create a temporary directory");
    corpus::write(broken.path(), &corpus::generate(1_000, Some(3))).expect("write the project");
    let output = Command::new(env!("CARGO_BIN_EXE_charter"))
        .arg("check")
        .arg(broken.path())
        .args([TODAY_FLAG, "--color", "never"])
        .output()
        .expect("run charter");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn build_output_is_byte_identical_across_compilations() {
    let files = corpus::generate(1_500, None);
    let build = || {
        let compilation = charter_compiler::compile(corpus::documents(&files), &options());
        assert!(!compilation.has_errors());
        let mut artifacts = charter_azure_policy::artifacts(&compilation.project);
        artifacts.extend(charter_terraform::artifacts(&compilation.project));
        artifacts
            .into_iter()
            .map(|artifact| (artifact.path, artifact.contents))
            .collect::<Vec<_>>()
    };
    let first = build();
    assert!(first.len() > 10, "only {} artifacts", first.len());
    for _ in 0..2 {
        let again = build();
        assert_eq!(first.len(), again.len());
        for (a, b) in first.iter().zip(&again) {
            assert_eq!(a.0, b.0, "artifact order differs");
            assert!(a.1 == b.1, "`{}` differs between two builds", a.0);
        }
    }
}

/// The number of cases: `default`, or `PROPTEST_CASES` when set (for longer local runs).
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(default)
}

/// One edit to a source text; offsets are taken modulo the text length and moved back to a
/// character boundary, so every mutation applies to every text.
#[derive(Clone, Debug)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, token: &'static str },
    Duplicate { at: usize, len: usize },
    Truncate { at: usize },
}

/// Tokens that shift the parser between states: delimiters, comment and string openers,
/// keywords, values of every kind, and non-ASCII text.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ":",
    ",",
    "\"",
    "\\",
    "/*",
    "*/",
    "//",
    "///",
    "\n",
    " ",
    "extends",
    "filter x {",
    "endpoint",
    "policy",
    "workload",
    "model",
    "version",
    "allow",
    "exempt",
    "-",
    "0",
    "99999999999999999999",
    "2027-02-30",
    "2026-11-22",
    "80%",
    "USD",
    "units",
    "std.",
    "é",
    "\u{1F600}",
    "\u{0}",
    "\t",
    "\r\n",
    "baseline",
    "low",
    "at_least",
];

fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let size = text.len().max(1);
    match *mutation {
        Mutation::Delete { at, len } => {
            let start = floor_boundary(text, at % size);
            let end = floor_boundary(text, start + len);
            format!("{}{}", &text[..start], &text[end..])
        }
        Mutation::Insert { at, token } => {
            let at = floor_boundary(text, at % size);
            format!("{}{token}{}", &text[..at], &text[at..])
        }
        Mutation::Duplicate { at, len } => {
            let start = floor_boundary(text, at % size);
            let end = floor_boundary(text, start + len);
            format!("{}{}", &text[..end], &text[start..])
        }
        Mutation::Truncate { at } => text[..floor_boundary(text, at % size)].to_string(),
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..40usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), proptest::sample::select(TOKENS))
            .prop_map(|(at, token)| Mutation::Insert { at, token }),
        (any::<usize>(), 1..200usize).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
    ]
}

/// A source from examples/ (stdlib files are large, so they are only parsed, in the next
/// property, not checked with the stdlib on every case).
fn example_index() -> impl Strategy<Value = usize> {
    let examples = sources()
        .iter()
        .filter(|(name, _)| !name.contains("stdlib"))
        .count();
    0..examples.max(1)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(48),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Parsing and formatting never panic on mutated sources, and the formatter's properties
    /// hold whenever a mutated source still parses cleanly.
    #[test]
    fn mutated_sources_parse_and_format_without_panicking(
        index in 0..sources().len(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let (name, original) = &sources()[index];
        let text = mutations.iter().fold(original.clone(), |text, m| apply(&text, m));
        let parsed = charter_syntax::parse(FileId(0), &text);
        for diagnostic in &parsed.diagnostics {
            prop_assert!(
                text.get(diagnostic.primary.span.range()).is_some(),
                "{}: span {:?} does not slice the text", name, diagnostic.primary.span
            );
        }
        if let Err(problem) = format_properties(name, &text) {
            return Err(TestCaseError::fail(problem));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(24),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// The whole checker (with the stdlib) never panics on a mutated example project file,
    /// and every diagnostic's span slices its document.
    #[test]
    fn mutated_examples_check_without_panicking(
        index in example_index(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let examples: Vec<&(String, String)> =
            sources().iter().filter(|(name, _)| !name.contains("stdlib")).collect();
        let (name, original) = examples[index];
        let text = mutations.iter().fold(original.clone(), |text, m| apply(&text, m));
        let document = Document {
            id: FileId(0),
            path: name.clone(),
            text,
            is_stdlib: false,
        };
        let compilation = charter_compiler::compile(vec![document], &options());
        for diagnostic in &compilation.diagnostics {
            let span = diagnostic.primary.span;
            let document = compilation.document(span.file);
            prop_assert!(document.is_some(), "a diagnostic points outside the compilation");
            prop_assert!(
                document.and_then(|d| d.text.get(span.range())).is_some(),
                "`{}`: span {:?} does not slice its document", diagnostic.message, span
            );
        }
    }
}
