//! Fixture tests: every `tests/fixtures/*.charter` is compiled (with the stdlib, for the test
//! kit's `TODAY`) and snapshotted as a document: `----- SOURCE`, then `----- DIAGNOSTICS`
//! exactly as `charter check` prints them, then `----- QUICK FIXES` (the titles the editor
//! offers) when a diagnostic has a fix.
//!
//! A fixture named after a code (`E0301.charter`, `E0301_versions.charter`) must report that
//! code; a fixture named `ok_*.charter` must compile without any diagnostic, and one named
//! `cascade_*.charter` (one mistake) with exactly one. A multi-file
//! fixture marks each file with a `// --- file: NAME.charter` line.

use charter_syntax::FileId;
use charter_test_support::{apply_fix, compile_fixture, quick_fixes, render, Fixture};
use std::path::Path;

fn fixture_files() -> Vec<Fixture> {
    charter_test_support::fixtures(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"))
}

#[test]
fn fixtures() {
    let mut failures = Vec::new();
    let mut snapshots = Vec::new();
    for Fixture { name, text, .. } in fixture_files() {
        let compilation = compile_fixture(&name, &text);
        let rendered = render(&compilation);
        let codes: Vec<&str> = compilation.diagnostics.iter().map(|d| d.code).collect();
        if name.starts_with("ok_") {
            if !codes.is_empty() {
                failures.push(format!(
                    "{name}: expected no diagnostics, got {codes:?}\n{rendered}"
                ));
            }
        } else if name.starts_with("cascade_") {
            // One mistake, one diagnostic: the root cause, never what follows from it.
            if codes.len() != 1 {
                failures.push(format!(
                    "{name}: expected exactly one diagnostic, got {codes:?}\n{rendered}"
                ));
            }
        } else {
            let code = &name[..5.min(name.len())];
            if !codes.contains(&code) {
                failures.push(format!(
                    "{name}: expected {code}, got {codes:?}\n{rendered}"
                ));
            }
        }
        let mut snapshot = format!("----- SOURCE\n{text}\n----- DIAGNOSTICS\n{rendered}");
        let fixes = quick_fixes(&compilation);
        if !fixes.is_empty() {
            snapshot.push_str(&format!("\n----- QUICK FIXES\n{fixes}"));
        }
        snapshots.push((name, snapshot));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    for (name, snapshot) in snapshots {
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name, snapshot);
        });
    }
}

#[test]
fn every_fix_removes_its_diagnostic_without_a_syntax_error() {
    let mut failures = Vec::new();
    let mut applied = 0;
    for fixture in fixture_files() {
        if fixture.is_multi_file() {
            continue;
        }
        let Fixture { name, text, .. } = &fixture;
        let compilation = fixture.compile();
        for diagnostic in &compilation.diagnostics {
            let Some(fix) = &diagnostic.fix else { continue };
            if fix.edits.iter().any(|edit| edit.span.file != FileId(0)) {
                failures.push(format!(
                    "{name}: {} fix edits another file",
                    diagnostic.code
                ));
                continue;
            }
            let fixed = apply_fix(text, fix);
            let after = compile_fixture(name, &fixed);
            let same_place = after.diagnostics.iter().any(|d| {
                d.code == diagnostic.code
                    && d.primary.span.start == diagnostic.primary.span.start
                    && d.message == diagnostic.message
            });
            let syntax = after.diagnostics.iter().any(|d| d.code.starts_with("E00"));
            if same_place || syntax {
                failures.push(format!(
                    "{name}: fix `{}` for {} did not work:\n{fixed}\n{}",
                    fix.title,
                    diagnostic.code,
                    render(&after)
                ));
            }
            applied += 1;
        }
    }
    assert!(applied > 10, "only {applied} fixes were tried");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
