//! The catalogue of every diagnostic code: what `charter explain` prints and `docs/errors.md`
//! lists, generated from this one source so they cannot drift.
//!
//! One module per code range, each owning its code constants (the checks name a code only by
//! its constant) and their entries: title, explanation, and examples, the failing one being a
//! fixture of `compiler/tests/fixtures/`, so what `charter explain` shows is a program the
//! fixture tests compile and snapshot. Ranges: E00xx syntax (the parser's, in
//! `charter_syntax::codes`), E01xx names, E02xx fields and types, E03xx the model and region
//! catalog, E04xx policy violations, E05xx filters, E06xx sharing, redundancy and
//! environments, E07xx exemptions, E08xx what the build emits (the self-compliance proof), E10xx agents and
//! guardrails, E11xx operations (gateways, monitoring, continuity), E12xx authority and data.

pub mod agents;
pub mod authority;
pub mod build;
pub mod catalog;
pub mod exemptions;
pub mod fields;
pub mod filters;
pub mod foundry;
pub mod hierarchy;
pub mod names;
pub mod operations;
pub mod policies;
pub mod sharing;

use charter_syntax::diagnostic::sanitize;
use charter_syntax::{CodeInfo, Diagnostic, Span};

use crate::suggest;

/// The fixed example of every code whose mistake is one wrong value in an otherwise ordinary
/// endpoint (an unknown model, a retired version, a misspelt keyword, ...): one workload
/// with one clean endpoint, kept as a fixture so that the fixture tests check it compiles clean.
pub(crate) const FIXED_ENDPOINT: &str =
    include_str!("../../tests/fixtures/ok_fixed_example.charter");

/// `noun` with its indefinite article, for messages: "an `endpoint`", "a `filter`", "an app".
///
/// Chosen by the first letter after any backtick, which is right for every word Charter puts
/// after an article (keywords and domain nouns; none starts with a silent or a "you" vowel).
pub(crate) fn with_article(noun: &str) -> String {
    let first = noun.trim_start_matches('`').chars().next();
    let article = match first {
        Some(c) if "aeiouAEIOU".contains(c) => "an",
        _ => "a",
    };
    format!("{article} {noun}")
}

/// Adds "did you mean" help and a replacing fix when `unknown` is close to a candidate.
pub(crate) fn with_suggestion<'c>(
    diagnostic: Diagnostic,
    unknown: &str,
    candidates: impl IntoIterator<Item = &'c str>,
    span: Span,
    quote: &str,
) -> Diagnostic {
    match suggest::closest(unknown, candidates) {
        // The suggestion is a declared name, user text like any other: sanitised where it is
        // shown, written as it is in the replacement.
        Some(suggestion) => diagnostic
            .with_help(format!("did you mean `{}`?", sanitize(suggestion)))
            .with_fix(
                format!("replace with `{}`", sanitize(suggestion)),
                span,
                format!("{quote}{suggestion}{quote}"),
            ),
        None => diagnostic,
    }
}

/// The codes of what a build emits (E08xx), which `charter-compliance` reports.
pub use build::CODES as BUILD;

/// The checker's codes (E01xx to E07xx, then E10xx and E12xx), in code order within each range.
pub fn checker() -> impl Iterator<Item = &'static CodeInfo> {
    [
        names::CODES,
        fields::CODES,
        catalog::CODES,
        policies::CODES,
        filters::CODES,
        sharing::CODES,
        exemptions::CODES,
        agents::CODES,
        authority::CODES,
        hierarchy::CODES,
        foundry::CODES,
    ]
    .into_iter()
    .flatten()
}

/// Every code, syntax codes first, in code order.
pub fn all() -> Vec<&'static CodeInfo> {
    let mut all: Vec<&'static CodeInfo> = charter_syntax::codes::ALL
        .iter()
        .chain(checker())
        .chain(BUILD.iter())
        .chain(operations::CODES.iter())
        .chain(hierarchy::BUILD_NOTES.iter())
        .collect();
    // The checker's ranges are not all below the build's (E08xx): keep code order.
    all.sort_by_key(|info| info.code);
    all
}

/// The entry for one code (`E0101`), case-insensitively.
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    all()
        .into_iter()
        .find(|info| info.code.eq_ignore_ascii_case(code))
}

/// The error-code reference, `docs/errors.md`: every code with its explanation and examples.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Charter error codes\n\n\
         <!-- Generated from compiler/src/codes/ (and grammar/src/codes.rs) by \
         `charter_compiler::codes::markdown()`; do not edit by hand. -->\n\n\
         Every diagnostic Charter reports has a stable code. `charter explain CODE` prints the \
         same text as this page.\n\n\
         | code | severity | meaning |\n|---|---|---|\n",
    );
    for info in all() {
        out.push_str(&format!(
            "| [{code}](#{anchor}) | {severity} | {title} |\n",
            code = info.code,
            anchor = info.code.to_lowercase(),
            severity = info.severity.as_str(),
            title = info.title.replace('|', "\\|"),
        ));
    }
    for info in all() {
        out.push_str(&format!(
            "\n## {code}\n\n**{severity}: {title}**\n\n{explanation}\n\n\
             Fails:\n\n```charter\n{failing}```\n\nFixed:\n\n```charter\n{fixed}```\n",
            code = info.code,
            severity = info.severity.as_str(),
            title = info.title,
            explanation = info.explanation.trim_end(),
            failing = with_newline(info.failing_example),
            fixed = with_newline(info.fixed_example),
        ));
    }
    out
}

fn with_newline(text: &str) -> String {
    if text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{self, BlockKind, ValueKind};
    use crate::{compile, Document, Options};
    use charter_syntax::ast::{StrLit, Value};
    use charter_syntax::FileId;

    fn codes_of(source: &str) -> Vec<&'static str> {
        let documents = vec![Document {
            id: FileId(0),
            path: "example.charter".to_string(),
            text: source.to_string(),
            is_stdlib: false,
        }];
        let options = Options {
            naming: Default::default(),
            today: charter_ir::Date {
                year: 2026,
                month: 11,
                day: 22,
            },
        };
        let mut codes: Vec<&'static str> = compile(documents, &options)
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect();
        codes.dedup();
        codes
    }

    #[test]
    fn every_failing_example_reports_exactly_its_code_and_every_fixed_example_is_clean() {
        let mut failures = Vec::new();
        for info in checker() {
            let failing = codes_of(info.failing_example);
            if failing != [info.code] {
                failures.push(format!(
                    "{}: failing example reports {failing:?}",
                    info.code
                ));
            }
            let fixed = codes_of(info.fixed_example);
            if !fixed.is_empty() {
                failures.push(format!("{}: fixed example reports {fixed:?}", info.code));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// Every fixture of the repository compiled as a project: the compiler's
    /// (`compiler/tests/fixtures/`, multi-file ones split at `// --- file: NAME` lines) and the
    /// parser's (`grammar/tests/fixtures/*/`). Returns each fixture's name and the codes it
    /// reports.
    #[expect(
        clippy::disallowed_methods,
        reason = "the test reads the fixture files from disk"
    )]
    fn fixtures() -> Vec<(String, Vec<&'static str>)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let grammar = root.join("../grammar/tests/fixtures");
        let mut dirs = vec![root.join("tests/fixtures")];
        for entry in std::fs::read_dir(&grammar).expect("grammar/tests/fixtures exists") {
            let path = entry.expect("a readable directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            }
        }
        let mut paths = Vec::new();
        for dir in dirs {
            for entry in std::fs::read_dir(&dir).expect("a fixture directory") {
                let path = entry.expect("a readable directory entry").path();
                if path.extension().is_some_and(|e| e == "charter") {
                    paths.push(path);
                }
            }
        }
        paths.sort();
        let options = Options {
            naming: Default::default(),
            today: charter_ir::Date {
                year: 2026,
                month: 11,
                day: 22,
            },
        };
        paths
            .into_iter()
            .map(|path| {
                let text = std::fs::read_to_string(&path).expect("a readable fixture");
                let mut documents: Vec<Document> = Vec::new();
                for line in text.split_inclusive('\n') {
                    if let Some(name) = line.trim_end().strip_prefix("// --- file: ") {
                        documents.push(Document {
                            id: FileId(documents.len() as u32),
                            path: name.to_string(),
                            text: String::new(),
                            is_stdlib: false,
                        });
                    } else if let Some(document) = documents.last_mut() {
                        document.text.push_str(line);
                    } else {
                        documents.push(Document {
                            id: FileId(0),
                            path: "fixture.charter".to_string(),
                            text: line.to_string(),
                            is_stdlib: false,
                        });
                    }
                }
                let codes = compile(documents, &options)
                    .diagnostics
                    .iter()
                    .map(|d| d.code)
                    .collect();
                (path.display().to_string(), codes)
            })
            .collect()
    }

    #[test]
    fn every_emitted_code_is_catalogued_and_every_catalogued_code_is_emitted_by_a_fixture() {
        let fixtures = fixtures();
        let mut failures = Vec::new();
        for (fixture, codes) in &fixtures {
            for code in codes {
                if lookup(code).is_none_or(|info| info.code != *code) {
                    failures.push(format!("{fixture} reports {code}, which is not catalogued"));
                }
            }
        }
        // The build's codes (E08xx) come from the self-compliance proof, after the compiler:
        // `charter-compliance`'s tests compile their examples.
        for info in charter_syntax::codes::ALL.iter().chain(checker()) {
            if !fixtures.iter().any(|(_, codes)| codes.contains(&info.code)) {
                failures.push(format!(
                    "{} is catalogued but no fixture reports it",
                    info.code
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// Codes are named constants of their group: a raw `"E0…"` literal elsewhere in the
    /// compiler's source would be a code no group owns.
    #[expect(
        clippy::disallowed_methods,
        reason = "the test reads the compiler's source from disk"
    )]
    #[test]
    fn codes_are_written_only_as_their_group_constants() {
        fn visit(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).expect("a source directory") {
                let path = entry.expect("a readable directory entry").path();
                if path.is_dir() {
                    if !path.ends_with("codes") {
                        visit(&path, out);
                    }
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("a readable source file");
                    for (number, line) in text.lines().enumerate() {
                        let raw = line.match_indices("\"E0").any(|(at, _)| {
                            let code = &line[at + 1..];
                            code.len() >= 6
                                && code[1..5].bytes().all(|b| b.is_ascii_digit())
                                && code.as_bytes()[5] == b'"'
                        });
                        if raw {
                            out.push(format!("{}:{}: {line}", path.display(), number + 1));
                        }
                    }
                }
            }
        }
        let mut raw = Vec::new();
        visit(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut raw,
        );
        assert!(raw.is_empty(), "raw codes:\n{}", raw.join("\n"));
    }

    /// The constructors sanitise the user's text themselves: an escape sequence in a name
    /// never reaches a terminal through a diagnostic.
    #[test]
    fn constructors_sanitise_user_text() {
        let span = charter_syntax::Span::new(FileId(0), 0, 1);
        let hostile = "a\u{1b}[31mb\u{7}";
        let diagnostics = [
            filters::weakens_base_mode(
                hostile,
                hostile,
                (charter_ir::FilterMode::Asynchronous, span),
                charter_ir::FilterMode::Default,
                hostile,
                span,
            ),
            exemptions::outside_assignment(
                hostile,
                hostile,
                span,
                &[(hostile.to_string(), span)],
                Some(hostile),
            ),
            exemptions::ambiguous(hostile, hostile, span, &[span, span], hostile),
            sharing::serves_other_workload((hostile, hostile), (hostile, span), (hostile, span)),
            sharing::region_twice(hostile, span, span),
            names::duplicate_in(
                ("app", hostile, span),
                span,
                (true, ""),
                "list each app once",
            ),
            names::extends_cycle(&[hostile, hostile], span, &[(hostile, span)]),
            names::undeclared_blocklist(hostile, span, Some(hostile)),
            catalog::unknown_version((hostile, span), hostile, &[hostile, "other"]),
            catalog::not_named_after_base((hostile, span), (hostile, span)),
            catalog::invalid_training_account(hostile, span, Some(hostile)),
            catalog::contradicts_catalog(
                (hostile, Some(hostile)),
                ("retirement", "", ""),
                span,
                span,
            ),
            policies::model_not_allowed((hostile, span), hostile, &[hostile], span),
            policies::version_not_allowed((hostile, span), hostile, hostile, &[hostile], span),
            sharing::sandbox_mixed(("prod", hostile), ("a sandbox app", hostile), span, span),
        ];
        for diagnostic in diagnostics {
            assert!(
                diagnostic.message.contains("`ab\u{FFFD}`"),
                "{:?}",
                diagnostic.message
            );
            let shown = [
                diagnostic.message.clone(),
                diagnostic.primary.message.clone(),
                diagnostic.help.clone().unwrap_or_default(),
            ]
            .into_iter()
            .chain(
                diagnostic
                    .secondary
                    .iter()
                    .map(|label| label.message.clone()),
            )
            .collect::<Vec<_>>();
            for text in shown {
                assert!(!text.chars().any(char::is_control), "{text:?}");
            }
        }

        // The schema's diagnostics (E02xx) show the user's text in the message, a label, the
        // help or a fix's title; a fix writes it back as written.
        let string = Value::Str(StrLit {
            value: hostile.to_string(),
            span,
        });
        let policy = schema::block(BlockKind::Policy);
        let scope = policy.entry("scope").expect("policies take a scope");
        let effect = policy.entry("effect").expect("policies take an effect");
        let phrase = effect.phrase().expect("`effect` is a field");
        let ValueKind::Keyword(effects) = &phrase.head else {
            panic!("`effect` takes a keyword")
        };
        let field_diagnostics = [
            fields::unknown_block(hostile, span, ["policy", "workload"]),
            fields::name_is_a_string("policy", (hostile, span), true),
            fields::unknown_entry(policy, hostile, "field", span),
            fields::missing_entry(("policy", Some(hostile)), span, scope, None),
            fields::unexpected_value(phrase, effect, &string),
            fields::wrong_type(&phrase.head, &string, fields::Remedy::Describe),
            fields::wrong_type(
                &ValueKind::Capacity,
                &string,
                fields::Remedy::Unquote(hostile, span),
            ),
            fields::wrong_type(
                &ValueKind::Capacity,
                &string,
                fields::Remedy::Quote(hostile, span),
            ),
            fields::unknown_keyword(&phrase.head, effects, hostile, span),
            fields::unknown_scope(hostile, span, &["subscription"]),
            fields::scope_takes_one_string(hostile, span),
            fields::invalid_azure_name(
                fields::AzureName::ResourceGroup,
                (hostile, span),
                fields::AzureNameProblem::Contains('\u{1b}'),
                Some(hostile),
            ),
        ];
        for diagnostic in field_diagnostics {
            let shown = [
                diagnostic.message.clone(),
                diagnostic.primary.message.clone(),
                diagnostic.help.clone().unwrap_or_default(),
            ]
            .into_iter()
            .chain(
                diagnostic
                    .secondary
                    .iter()
                    .map(|label| label.message.clone()),
            )
            .chain(diagnostic.fix.iter().map(|fix| fix.title.clone()))
            .collect::<Vec<_>>();
            assert!(
                shown.iter().any(|text| text.contains("ab\u{FFFD}")),
                "{shown:?}"
            );
            for text in shown {
                assert!(!text.chars().any(char::is_control), "{text:?}");
            }
        }
    }

    #[test]
    fn codes_are_unique_sorted_and_documented() {
        let all = all();
        for pair in all.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        for info in &all {
            assert!(
                !info.explanation.is_empty() && !info.title.is_empty(),
                "{}",
                info.code
            );
        }
        assert_eq!(lookup("e0301").map(|i| i.code), Some("E0301"));
    }

    #[test]
    fn docs_errors_md_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/errors.md");
        let on_disk = include_str!("../../../docs/errors.md");
        assert!(
            on_disk == markdown(),
            "{path} is out of date: regenerate it with `cargo run -p charter-compiler --example write_errors_md`"
        );
    }
}
