//! Snapshots of the diagnostics for malformed sources: every file in
//! `tests/fixtures/syntax/*.charter` becomes one snapshot showing the source and its
//! diagnostics rendered as `charter check` prints them.
#![expect(
    clippy::disallowed_methods,
    reason = "tests read their fixtures from disk"
)]

use charter_syntax::{parse, FileId};
use charter_test_support::{apply_fixes, render_file};

#[test]
fn syntax_error_snapshots() {
    let fixtures = crate::syntax_fixtures();
    assert!(fixtures.len() >= 20, "expected at least 20 syntax fixtures");
    for path in fixtures {
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("fixture name is UTF-8");
        let name = format!("{stem}.charter");
        let parsed = parse(FileId(0), &text);
        // One typo, one diagnostic: only the `two_*` fixtures hold two mistakes.
        let expected = if stem.starts_with("two_") { 2 } else { 1 };
        assert_eq!(
            parsed.diagnostics.len(),
            expected,
            "{name}: {:#?}",
            parsed.diagnostics
        );
        let rendered = show_controls(&render_file(&name, &text, &parsed.diagnostics));
        let shown_source = show_controls(&text);
        let snapshot = format!("----- SOURCE\n{shown_source}\n----- DIAGNOSTICS\n{rendered}");
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("syntax_errors__{stem}"), snapshot);
        });
    }
}

/// Applying the fixes of a fixture whose every diagnostic offers one gives a source without
/// syntax errors: the fixes do what they say.
#[test]
fn fixes_repair_the_fixtures_they_are_offered_for() {
    let mut fixed_count = 0;
    for path in crate::syntax_fixtures() {
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        let parsed = parse(FileId(0), &text);
        let fixes: Option<Vec<_>> = parsed.diagnostics.iter().map(|d| d.fix.clone()).collect();
        let Some(fixes) = fixes else {
            continue;
        };
        let repaired = apply_fixes(&text, &fixes);
        let after = parse(FileId(0), &repaired);
        assert!(
            after.diagnostics.is_empty(),
            "{}: {repaired}\n{:#?}",
            path.display(),
            after.diagnostics
        );
        fixed_count += 1;
    }
    assert!(
        fixed_count >= 5,
        "only {fixed_count} fixtures were repaired"
    );
}

/// Control characters written as `\u{..}` so that the snapshot is plain text.
fn show_controls(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}
