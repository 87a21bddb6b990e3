//! `charter build examples/contoso`, end to end: every artifact is snapshotted, and the output
//! tree passes the independent checkers beside the repository (Azure Policy schemas, aliases,
//! limits and cross-references; the azurerm schema; `terraform fmt -check` and an offline
//! `terraform validate`). Without them the checks say SKIPPED, except in CI.

use charter_test_support::{require_program, require_python, require_shared_tool};
use std::path::{Path, PathBuf};
use std::process::Command;

fn build_example(out: &Path) {
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/contoso");
    let output = Command::new(env!("CARGO_BIN_EXE_charter"))
        .arg("build")
        .arg(&example)
        .arg("-o")
        .arg(out)
        .arg(charter_test_support::TODAY_FLAG)
        .env("NO_COLOR", "1")
        .output()
        .expect("run charter build");
    assert!(
        output.status.success(),
        "charter build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("list output").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn run(command: &mut Command) -> (bool, String) {
    let output = command.output().expect("run checker");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn every_artifact_of_the_example_is_snapshotted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    build_example(&out);
    for file in files_under(&out) {
        let relative = file
            .strip_prefix(&out)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let contents = std::fs::read_to_string(&file).unwrap_or_default();
        let name = format!("contoso__{}", relative.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, format!("----- {relative}\n{contents}"));
    }
}

#[test]
fn the_example_azure_policy_tree_passes_the_checker() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let Some(tool) = require_shared_tool("azure_policy_check.py") else {
        return;
    };
    let Some(python) = require_python() else {
        return;
    };
    build_example(&out);

    // The per-resource REST bodies, without the templates.
    let rest = dir.path().join("rest");
    for file in files_under(&out.join("azure-policy")) {
        let relative = file.strip_prefix(&out).unwrap_or(&file).to_path_buf();
        let name = relative.to_string_lossy();
        if name.ends_with("template.json") || name.contains("templates/") {
            continue;
        }
        let target = rest.join(&relative);
        std::fs::create_dir_all(target.parent().unwrap_or(&rest)).expect("mkdir");
        std::fs::copy(&file, &target).expect("copy");
    }
    let (ok, text) = run(Command::new(&python)
        .arg(&tool)
        .args(["--form", "rest"])
        .arg(&rest));
    assert!(ok, "azure_policy_check.py --form rest:\n{text}");
    assert!(text.contains(" 0 problems"), "{text}");

    // The ARM deployment template(s).
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).expect("mkdir");
    for file in files_under(&out.join("azure-policy")) {
        let name = file.to_string_lossy().into_owned();
        if name.ends_with("template.json") || name.contains("/templates/") {
            let target = templates.join(file.file_name().unwrap_or_default());
            std::fs::copy(&file, target).expect("copy template");
        }
    }
    let (ok, text) = run(Command::new(&python).arg(&tool).arg(&templates));
    assert!(ok, "azure_policy_check.py (ARM template form):\n{text}");
    assert!(text.contains(" 0 problems"), "{text}");
}

#[test]
fn the_example_terraform_passes_the_schema_check_fmt_and_validate() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let Some(schema_check) = require_shared_tool("tf_schema_check.py") else {
        return;
    };
    let Some(python) = require_python() else {
        return;
    };
    build_example(&out);
    let terraform = out.join("terraform");

    let (ok, text) = run(Command::new(&python).arg(schema_check).arg(&terraform));
    assert!(ok, "tf_schema_check.py:\n{text}");
    assert!(text.contains(" 0 problems"), "{text}");

    let Some(offline_validate) = require_shared_tool("tf_offline_validate.py") else {
        return;
    };
    if !require_program("terraform", &["version"]) {
        return;
    }
    let (ok, text) = run(Command::new("terraform")
        .args(["fmt", "-check", "-diff", "-no-color"])
        .arg(&terraform)
        .env("TF_CLI_CONFIG_FILE", "/dev/null"));
    assert!(ok, "terraform fmt -check:\n{text}");
    let (ok, text) = run(Command::new(&python).arg(offline_validate).arg(&terraform));
    assert!(ok, "tf_offline_validate.py:\n{text}");
}
