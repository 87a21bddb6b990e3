//! Test-only helpers shared by the crates whose tests run the independent checkers in
//! `../shared/tools/` (Azure Policy schema/alias checker, azurerm schema checker, offline
//! `terraform validate`).
//!
//! The checkers are Python programs with pinned PyPI dependencies. So that `cargo test` alone
//! works on a fresh machine, [`python`] provisions a virtual environment under the workspace's
//! `target/` directory the first time it is needed (`python3 -m venv` + `pip install` of the
//! pinned versions) and reuses it afterwards. `CHARTER_PYTHON` overrides the interpreter.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// The pinned dependencies of the shared tools (see `../shared/tools/README.md`).
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

/// A Python interpreter that has [`PYTHON_REQUIREMENTS`] installed.
///
/// Panics with instructions when none can be provisioned: a checker that cannot run must
/// fail the test, never pass it silently.
pub fn python() -> PathBuf {
    if let Some(explicit) = std::env::var_os("CHARTER_PYTHON") {
        return PathBuf::from(explicit);
    }
    let _guard = PROVISION
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let venv = workspace_root().join("target").join("charter-py");
    let interpreter = venv.join("bin").join("python");
    let marker = venv.join(format!("requirements-{}.ok", PYTHON_REQUIREMENTS.join("+")));
    if interpreter.exists() && marker.exists() {
        return interpreter;
    }
    let created = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .map(|status| status.success())
        .unwrap_or(false);
    assert!(
        created,
        "cannot create a Python virtual environment at {} (is python3 with venv installed?); \
         or set CHARTER_PYTHON to an interpreter with: pip install {}",
        venv.display(),
        PYTHON_REQUIREMENTS.join(" ")
    );
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
    assert!(
        installed,
        "cannot install the checkers' Python dependencies into {}: run `{} -m pip install {}` \
         (PyPI must be reachable), or set CHARTER_PYTHON",
        venv.display(),
        interpreter.display(),
        PYTHON_REQUIREMENTS.join(" ")
    );
    let _ = std::fs::write(&marker, "");
    interpreter
}

/// Whether an executable is on PATH.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false)
}
