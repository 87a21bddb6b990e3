//! The compiler's fixture snapshots (`compiler/tests/snapshots/`) show what `charter check`
//! prints: each fixture's files are written to a folder, `charter check` runs there, and its
//! standard error is compared with the snapshot's `----- DIAGNOSTICS` section, byte for byte.
//! (The tests render with `charter-render`, the CLI's own renderer; this proves the path from
//! the disk to the terminal adds nothing.)

use std::process::Command;

use charter_test_support::{documents, fixtures, workspace_root, TODAY_FLAG};

/// The `----- DIAGNOSTICS` section of a committed snapshot file.
fn diagnostics_section(snapshot: &str) -> &str {
    let start = snapshot
        .find("----- DIAGNOSTICS\n")
        .map(|at| at + "----- DIAGNOSTICS\n".len())
        .unwrap_or(snapshot.len());
    let end = snapshot[start..]
        .find("\n----- QUICK FIXES\n")
        .map(|at| start + at)
        .unwrap_or(snapshot.len());
    &snapshot[start..end]
}

#[test]
fn every_compiler_fixture_snapshot_shows_what_charter_check_prints() {
    let compiler = workspace_root().join("compiler/tests");
    let fixtures = fixtures(&compiler.join("fixtures"));
    assert!(fixtures.len() > 50, "the compiler's fixtures are there");
    let mut differences = Vec::new();
    for fixture in fixtures {
        let folder = tempfile::tempdir().expect("a temporary directory");
        for document in documents(&fixture.name, &fixture.text) {
            let path = folder.path().join(&document.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("create the fixture's folders");
            }
            std::fs::write(&path, &document.text).expect("write the fixture");
        }
        let output = Command::new(env!("CARGO_BIN_EXE_charter"))
            .args(["check", TODAY_FLAG, "--color", "never"])
            .current_dir(folder.path())
            .output()
            .expect("run charter check");
        let printed = String::from_utf8_lossy(&output.stderr);
        let snapshot_path = compiler.join(format!("snapshots/{}.snap", fixture.name));
        let snapshot = std::fs::read_to_string(&snapshot_path)
            .unwrap_or_else(|error| panic!("{}: {error}", snapshot_path.display()));
        let expected = diagnostics_section(&snapshot).trim_end();
        let same = if expected.is_empty() {
            printed.contains(": no problems")
        } else {
            printed.trim_end() == expected
        };
        if !same {
            differences.push(format!(
                "{}: charter check printed\n{printed}\nthe snapshot shows\n{expected}",
                fixture.name
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n\n"));
}
