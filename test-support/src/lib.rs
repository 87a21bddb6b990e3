//! The test kit every crate's tests share, so that no test carries its own copy:
//!
//! - [`TODAY`] (and [`TODAY_TEXT`], [`TODAY_FLAG`], [`options`]): the date every test runs at,
//!   so that retirement checks are reproducible;
//! - fixtures ([`fixtures`], [`charter_files`], [`documents`], [`compile_fixture`],
//!   [`lower`]): `.charter` files found and compiled with the stdlib, a multi-file fixture
//!   split at its `// --- file: NAME.charter` lines;
//! - diagnostics ([`render`], [`render_file`], [`quick_fixes`], [`apply_fix`]): rendered by
//!   `charter-render`, the very functions `charter check` prints with, so a snapshot shows
//!   what a user sees;
//! - the `require_*` helpers for what lives outside the repository, below.
//!
//! Tests run the independent checkers that live beside the repository in `../shared/tools/`
//! (Azure Policy schema/alias checker, azurerm schema checker, offline `terraform validate`) or
//! external programs such as `terraform`. A user who clones the repository has none of `../shared/`, and may not have `terraform`:
//! the `require_*` helpers make such a test print `SKIPPED: <reason>` and return early. In CI
//! (`CI=true`, as `.ci/run` sets it) a missing checker is a failure instead: the helpers panic,
//! so that CI can never pass by skipping.
//!
//! The checkers are Python programs with pinned PyPI dependencies. So that `cargo test` alone
//! works on a fresh machine, [`python`] provisions a virtual environment under the workspace's
//! `target/` directory the first time it is needed (`python3 -m venv` + `pip install` of the
//! pinned versions) and reuses it afterwards. `CHARTER_PYTHON` overrides the interpreter.

mod diagnostics;
mod fixtures;
pub mod linters;

pub use diagnostics::{apply_fix, apply_fixes, quick_fixes, render, render_file};
pub use fixtures::{
    charter_files, compile_fixture, compile_project, compile_source, documents, fixtures, lower,
    lower_project, read_project, Fixture, FILE_MARKER,
};

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// The date every test runs at (`--today`), so that retirement checks are reproducible: the
/// bundled examples and fixtures are written for it.
pub const TODAY: charter_ir::Date = charter_ir::Date {
    year: 2026,
    month: 11,
    day: 22,
};

/// [`TODAY`] as the CLI and the language server's `today` option read it.
pub const TODAY_TEXT: &str = "2026-11-22";

/// [`TODAY`] as one command-line argument.
pub const TODAY_FLAG: &str = "--today=2026-11-22";

/// The compiler's options for [`TODAY`], with no naming prefix.
pub fn options() -> charter_compiler::Options {
    charter_compiler::Options::new(TODAY)
}

/// The pinned PyPI dependencies of the independent checkers.
pub const PYTHON_REQUIREMENTS: &[&str] = &["jsonschema==4.26.0", "python-hcl2==8.1.4", "tf==1.2.0"];

static PROVISION: Mutex<()> = Mutex::new(());

/// The repository root (the workspace).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// `../shared/tools/<name>`, beside the repository.
pub fn shared_tool(name: &str) -> PathBuf {
    workspace_root()
        .join("..")
        .join("shared")
        .join("tools")
        .join(name)
}

/// `../shared/reference/`, beside the repository.
pub fn shared_reference() -> PathBuf {
    workspace_root().join("..").join("shared").join("reference")
}

/// Whether the tests run in CI, where nothing may be skipped: `CI` is `true` or `1` (GitHub
/// Actions, GitLab and most CI services set `CI=true`; `.ci/run` exports it).
pub fn in_ci() -> bool {
    is_ci_value(std::env::var("CI").ok().as_deref())
}

fn is_ci_value(value: Option<&str>) -> bool {
    value.is_some_and(|value| value.eq_ignore_ascii_case("true") || value == "1")
}

/// Something a test needs is missing: outside CI, prints `SKIPPED: <reason>` and returns, so
/// the caller returns early; in CI, panics with the reason.
///
/// The line is written to the process's stderr directly rather than with `println!`, which the
/// test harness captures and shows only for failing tests: a plain `cargo test` shows every
/// skip.
pub fn skip_or_fail(reason: &str) {
    if let Some(message) = missing_message(in_ci(), reason) {
        panic!("{message}");
    }
    let _ = writeln!(std::io::stderr().lock(), "SKIPPED: {reason}");
}

/// The panic message for a missing requirement, or `None` when the test may skip it.
fn missing_message(in_ci: bool, reason: &str) -> Option<String> {
    in_ci.then(|| {
        format!("{reason}; with CI=true a missing checker is a failure, not a skip (unset CI to skip it)")
    })
}

/// `../shared/tools/<name>` when it is there; otherwise skips the test (outside CI) or fails it
/// (in CI): `let Some(tool) = require_shared_tool("x.py") else { return };`
pub fn require_shared_tool(name: &str) -> Option<PathBuf> {
    require_path(
        shared_tool(name),
        &format!("the independent checker ../shared/tools/{name} is not beside the repository"),
    )
}

/// `../shared/<relative>` (a document the team keeps beside the repository, such as the product
/// design) when it is there; otherwise skips (or, in CI, fails).
pub fn require_shared_file(relative: &str) -> Option<PathBuf> {
    require_path(
        workspace_root().join("..").join("shared").join(relative),
        &format!("../shared/{relative} is not beside the repository"),
    )
}

/// `../shared/reference/<relative>` when it is there; otherwise skips (or, in CI, fails).
pub fn require_shared_reference(relative: &str) -> Option<PathBuf> {
    let path = if relative.is_empty() {
        shared_reference()
    } else {
        shared_reference().join(relative)
    };
    require_path(
        path,
        &format!("the reference data ../shared/reference/{relative} is not beside the repository"),
    )
}

/// `path` when it exists; otherwise skips with `reason` (or, in CI, fails).
pub fn require_path(path: PathBuf, reason: &str) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    skip_or_fail(reason);
    None
}

/// Whether `program` runs (`program ARGS` exits 0); otherwise skips (or, in CI, fails) with
/// the reason: `if !require_program("terraform", &["version"]) { return; }`.
pub fn require_program(program: &str, args: &[&str]) -> bool {
    let runs = Command::new(program)
        .args(args)
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .is_ok_and(|output| output.status.success());
    if !runs {
        skip_or_fail(&format!(
            "`{program} {}` does not run here (is {program} installed and on PATH?)",
            args.join(" ")
        ));
    }
    runs
}

/// A Python interpreter with [`PYTHON_REQUIREMENTS`] when one can be provisioned; otherwise
/// skips (or, in CI, fails) with the reason and how to fix it.
pub fn require_python() -> Option<PathBuf> {
    match provision_python() {
        Ok(interpreter) => Some(interpreter),
        Err(reason) => {
            skip_or_fail(&reason);
            None
        }
    }
}

/// A Python interpreter that has [`PYTHON_REQUIREMENTS`] installed.
///
/// Panics with instructions when none can be provisioned: a test that reached for a checker
/// must not pass silently. Tests should call [`require_python`], which skips outside CI.
pub fn python() -> PathBuf {
    match provision_python() {
        Ok(interpreter) => interpreter,
        Err(reason) => panic!("{reason}"),
    }
}

fn provision_python() -> Result<PathBuf, String> {
    if let Some(explicit) = std::env::var_os("CHARTER_PYTHON") {
        return Ok(PathBuf::from(explicit));
    }
    let _guard = PROVISION
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let venv = workspace_root().join("target").join("charter-py");
    let interpreter = venv.join("bin").join("python");
    let marker = venv.join(format!("requirements-{}.ok", PYTHON_REQUIREMENTS.join("+")));
    if interpreter.exists() && marker.exists() {
        return Ok(interpreter);
    }
    let created = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .map(|status| status.success())
        .unwrap_or(false);
    if !created {
        return Err(format!(
            "cannot create a Python virtual environment at {} (is python3 with venv installed?); \
         or set CHARTER_PYTHON to an interpreter with: pip install {}",
            venv.display(),
            PYTHON_REQUIREMENTS.join(" ")
        ));
    }
    let installed = Command::new(&interpreter)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(PYTHON_REQUIREMENTS)
        .status()
        .map(|status| status.success())
        .unwrap_or(false);
    if !installed {
        return Err(format!(
            "cannot install the checkers' Python dependencies into {}: run `{} -m pip install {}` \
         (PyPI must be reachable), or set CHARTER_PYTHON",
            venv.display(),
            interpreter.display(),
            PYTHON_REQUIREMENTS.join(" ")
        ));
    }
    let _ = std::fs::write(&marker, "");
    Ok(interpreter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_one_date_in_three_spellings() {
        assert_eq!(charter_ir::Date::parse(TODAY_TEXT), Ok(TODAY));
        assert_eq!(TODAY_FLAG, format!("--today={TODAY_TEXT}"));
        assert_eq!(options().today, TODAY);
    }

    #[test]
    fn ci_is_true_or_1() {
        assert!(is_ci_value(Some("true")));
        assert!(is_ci_value(Some("TRUE")));
        assert!(is_ci_value(Some("1")));
        assert!(!is_ci_value(Some("false")));
        assert!(!is_ci_value(Some("")));
        assert!(!is_ci_value(None));
    }

    #[test]
    fn a_missing_checker_skips_outside_ci_and_fails_in_ci() {
        assert_eq!(missing_message(false, "no checker"), None);
        let message = missing_message(true, "no checker").unwrap_or_default();
        assert!(message.starts_with("no checker; with CI=true"), "{message}");
    }

    #[test]
    fn require_path_finds_what_exists() {
        let here = workspace_root().join("Cargo.toml");
        assert_eq!(require_path(here.clone(), "unused"), Some(here));
    }

    /// The helper really panics in CI: run under `catch_unwind` with `CI` as it is set.
    #[test]
    fn require_path_of_a_missing_file_skips_or_panics_as_ci_says() {
        let missing = workspace_root().join("no-such-checker.py");
        let outcome = std::panic::catch_unwind(|| {
            require_path(
                missing,
                "(test-support testing itself) no-such-checker.py is missing",
            )
        });
        match outcome {
            Ok(found) => {
                assert!(!in_ci(), "skipped in CI");
                assert_eq!(found, None);
            }
            Err(_) => assert!(in_ci(), "panicked outside CI"),
        }
    }
}
