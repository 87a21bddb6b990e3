//! What CI systems read: `--format github` and `--format azure-devops` for check, build and
//! test; SARIF as GitHub code scanning and Microsoft's SARIF validator want it; and the
//! pipeline templates in `templates/`, linted, with every charter command they run checked
//! against the CLI.

use charter_test_support::linters::{require_actionlint, require_sarif_multitool};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use charter_test_support::TODAY_FLAG as TODAY;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs charter at the repository root, where CI runs it.
fn charter(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .output()
        .expect("run charter")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn check_annotates_for_github() {
    let output = charter(&["check", "examples/mistakes", "--format", "github", TODAY]);
    assert_eq!(output.status.code(), Some(1));
    // People still read the diagnostics in the log.
    assert!(
        stderr(&output).contains("error[E0301]"),
        "{}",
        stderr(&output)
    );
    insta::assert_snapshot!("check_github", stdout(&output));
}

#[test]
fn check_annotates_for_azure_devops() {
    let output = charter(&[
        "check",
        "examples/mistakes",
        "--format",
        "azure-devops",
        TODAY,
    ]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("check_azure_devops", stdout(&output));
}

#[test]
fn a_clean_project_writes_no_annotation() {
    for format in ["github", "azure-devops"] {
        for command in ["check", "build"] {
            let out = tempfile::tempdir().expect("temp dir");
            let out_dir = out.path().join("out");
            let mut args = vec![command, "examples/contoso", "--format", format, TODAY];
            if command == "build" {
                args.extend(["-o", out_dir.to_str().unwrap_or_default()]);
            }
            let output = charter(&args);
            assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
            assert_eq!(stdout(&output), "", "{command} --format {format}");
        }
    }
}

#[test]
fn build_and_usage_errors_annotate_too() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("broken.charter");
    std::fs::write(&file, "filter a {\n  prompt {\n    hate: hihg\n  }\n}\n").expect("write");
    let out = dir.path().join("out");
    let output = charter(&[
        "build",
        file.to_str().unwrap_or_default(),
        "-o",
        out.to_str().unwrap_or_default(),
        "--format",
        "github",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.starts_with("::error file="), "{text}");
    assert!(text.contains(",line=3,col=11,"), "{text}");
    assert!(!out.exists(), "nothing is written");

    let output = charter(&["check", "/no/such/project", "--format", "azure-devops"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stdout(&output).starts_with("##vso[task.logissue type=error;]charter: cannot read"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_failed_test_case_is_annotated_at_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("contoso");
    copy_dir(&repo().join("examples/contoso"), &project);
    // The second case of models.json expects a denial: expect the opposite.
    let models = project.join("tests/models.json");
    let text = std::fs::read_to_string(&models).expect("read");
    let position = text
        .find("another version of an approved model is denied")
        .expect("case");
    let (head, tail) = text.split_at(position);
    let tail = tail.replacen("\"expect\": \"deny\"", "\"expect\": \"compliant\"", 1);
    std::fs::write(&models, format!("{head}{tail}")).expect("write");
    let line = head.lines().count();

    for (format, prefix) in [
        ("github", "::error file="),
        ("azure-devops", "##vso[task.logissue type=error;sourcepath="),
    ] {
        let output = charter(&[
            "test",
            project.to_str().unwrap_or_default(),
            "--format",
            format,
            TODAY,
        ]);
        assert_eq!(output.status.code(), Some(1));
        let text = stdout(&output);
        assert_eq!(text.lines().count(), 1, "one annotation: {text}");
        assert!(text.starts_with(prefix), "{text}");
        assert!(text.contains("models.json"), "{text}");
        // The case starts on the line of its `{`, just above its description.
        let expected = match format {
            "github" => format!(",line={},", line - 1),
            _ => format!(";linenumber={};", line - 1),
        };
        assert!(text.contains(&expected), "{expected} in {text}");
        assert!(text.contains("expected compliant, got deny"), "{text}");
        // The report for people is on stderr.
        assert!(stderr(&output).contains("FAIL"), "{}", stderr(&output));
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn sarif(path: &str) -> Value {
    let output = charter(&["check", path, "--format", "sarif", TODAY]);
    serde_json::from_str(&stdout(&output)).expect("one SARIF log")
}

#[test]
fn sarif_paths_are_relative_to_the_repository_root_and_encoded() {
    let log = sarif("examples/mistakes");
    let run = &log["runs"][0];
    let location = &run["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    let uri = location["artifactLocation"]["uri"]
        .as_str()
        .unwrap_or_default();
    assert!(uri.starts_with("examples/mistakes/"), "{uri}");
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap_or_default();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    assert!(location["region"]["snippet"]["text"].is_string());
    assert!(location["contextRegion"]["snippet"]["text"].is_string());

    // From a subdirectory the paths are the same.
    let output = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["check", ".", "--format", "sarif", TODAY])
        .current_dir(repo().join("examples/mistakes"))
        .output()
        .expect("run charter");
    let inner: Value = serde_json::from_str(&stdout(&output)).expect("sarif");
    assert_eq!(
        inner["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        uri
    );

    // A path with a space and a non-ASCII letter is percent-encoded.
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("prod policies");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::write(
        folder.join("é.charter"),
        "filter a {\n  prompt { hate: hihg }\n}\n",
    )
    .expect("write");
    let log = sarif(folder.to_str().unwrap_or_default());
    let uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(uri.ends_with("prod%20policies/%C3%A9.charter"), "{uri}");
}

#[test]
fn sarif_fingerprints_survive_moving_lines() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("a.charter");
    let source = "filter a {\n  prompt { hate: hihg }\n}\n";
    std::fs::write(&file, source).expect("write");
    let before = sarif(file.to_str().unwrap_or_default());
    std::fs::write(&file, format!("// a comment\n\n{source}")).expect("write");
    let after = sarif(file.to_str().unwrap_or_default());
    let fingerprint = |log: &Value| log["runs"][0]["results"][0]["partialFingerprints"].clone();
    let line = |log: &Value| {
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"]
            .clone()
    };
    assert_ne!(line(&before), line(&after));
    assert_eq!(fingerprint(&before), fingerprint(&after));
    assert!(fingerprint(&before)["charterDiagnostic/v1"].is_string());
}

#[test]
fn sarif_rules_carry_tags_and_pascal_case_names() {
    let log = sarif("examples/mistakes");
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    for rule in driver["rules"].as_array().cloned().unwrap_or_default() {
        let name = rule["name"].as_str().unwrap_or_default();
        assert!(
            name.chars().next().is_some_and(|c| c.is_ascii_uppercase()),
            "{name}"
        );
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric()), "{name}");
        let tags = rule["properties"]["tags"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(tags.contains(&Value::from("charter")), "{rule}");
        assert_eq!(
            rule["helpUri"].is_string(),
            charter::version::repository().is_some()
        );
    }
}

/// Microsoft's SARIF validator (the SARIF 2.1.0 JSON schema, and its rules for producers,
/// including GitHub's ingestion rules) finds no error and no warning in the log of
/// examples/mistakes. Notes (suggestions such as message ids) are allowed.
#[test]
fn the_sarif_validator_accepts_the_log() {
    let Some(validator) = require_sarif_multitool() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("charter.sarif");
    let output = charter(&["check", "examples/mistakes", "--format", "sarif", TODAY]);
    std::fs::write(&log, &output.stdout).expect("write");
    let report = dir.path().join("validation.sarif");
    let validation = Command::new(&validator)
        .arg("validate")
        .arg(&log)
        .args([
            "--level",
            "Error;Warning",
            "--rule-kind",
            "Sarif;Gh",
            "--log",
            "ForceOverwrite",
            "-o",
        ])
        .arg(&report)
        .output()
        .expect("run the SARIF validator");
    assert!(
        validation.status.success(),
        "{}{}",
        String::from_utf8_lossy(&validation.stdout),
        String::from_utf8_lossy(&validation.stderr)
    );
    let results: Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("validation log"))
            .expect("json");
    let mut found: Vec<String> = results["runs"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|run| run["results"].as_array().cloned().unwrap_or_default())
        .map(|result| {
            format!(
                "{} {}",
                result["level"].as_str().unwrap_or("warning"),
                result["ruleId"].as_str().unwrap_or_default()
            )
        })
        .collect();
    found.sort();
    found.dedup();
    // FIXME: until Cargo.toml names Charter's public repository, the log has no
    // `informationUri` (SARIF2005, a warning) and no `helpUri`s; with it, nothing.
    let expected: Vec<String> = if charter::version::repository().is_some() {
        Vec::new()
    } else {
        vec!["warning SARIF2005".to_string()]
    };
    assert_eq!(found, expected, "{results}");
}

const TEMPLATES: [&str; 2] = [
    "templates/github-actions.yml",
    "templates/azure-pipelines.yml",
];

#[test]
fn the_github_workflow_lints_clean() {
    let Some(actionlint) = require_actionlint() else {
        return;
    };
    let output = Command::new(actionlint)
        .args(["-no-color", "templates/github-actions.yml"])
        .current_dir(repo())
        .output()
        .expect("run actionlint");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every `script`/`run`/`inlineScript` text of a pipeline, found anywhere in its YAML.
fn scripts(yaml: &yaml_rust2::Yaml, out: &mut Vec<String>) {
    use yaml_rust2::Yaml;
    match yaml {
        Yaml::Hash(map) => {
            for (key, value) in map {
                if let (Some("run" | "script" | "inlineScript"), Yaml::String(text)) =
                    (key.as_str(), value)
                {
                    out.push(text.clone());
                }
                scripts(value, out);
            }
        }
        Yaml::Array(items) => items.iter().for_each(|item| scripts(item, out)),
        _ => {}
    }
}

/// The Azure Pipelines template parses as YAML with the structure Azure Pipelines reads
/// (stages of jobs of steps; deployment jobs with an environment and a strategy). No schema
/// for it is published where the tests can reach it offline.
#[test]
fn the_azure_pipeline_has_the_structure_azure_pipelines_reads() {
    let text = std::fs::read_to_string(repo().join("templates/azure-pipelines.yml")).expect("read");
    let documents = yaml_rust2::YamlLoader::load_from_str(&text).expect("YAML");
    let pipeline = &documents[0];
    for key in ["trigger", "pr", "stages", "pool", "variables"] {
        assert!(!pipeline[key].is_badvalue(), "`{key}` is missing");
    }
    let stages = pipeline["stages"].as_vec().cloned().unwrap_or_default();
    let names: Vec<&str> = stages
        .iter()
        .filter_map(|stage| stage["stage"].as_str())
        .collect();
    assert_eq!(names, ["check", "plan", "publish"]);
    for stage in &stages {
        for job in stage["jobs"].as_vec().cloned().unwrap_or_default() {
            match (job["job"].as_str(), job["deployment"].as_str()) {
                (Some(_), None) => assert!(job["steps"].as_vec().is_some(), "{job:?}"),
                (None, Some(_)) => {
                    assert!(job["environment"].as_str().is_some(), "{job:?}");
                    assert!(
                        job["strategy"]["runOnce"]["deploy"]["steps"]
                            .as_vec()
                            .is_some(),
                        "{job:?}"
                    );
                }
                _ => panic!("a job is `job` or `deployment`: {job:?}"),
            }
        }
    }
    // Publishing waits for the approvals of an environment and runs only on main.
    let publish = &stages[2];
    assert_eq!(
        publish["jobs"][0]["environment"].as_str(),
        Some("azure-policy")
    );
    assert!(publish["condition"]
        .as_str()
        .unwrap_or_default()
        .contains("isMain"));
}

/// Every `charter` command the templates run is a command of the CLI, with options it takes.
#[test]
fn the_templates_run_commands_that_exist() {
    let mut commands = 0;
    for template in TEMPLATES {
        let text = std::fs::read_to_string(repo().join(template)).expect("read");
        let documents = yaml_rust2::YamlLoader::load_from_str(&text).expect("YAML");
        let mut found = Vec::new();
        scripts(&documents[0], &mut found);
        for script in found {
            for line in script.lines() {
                let Some(start) = line.find("charter ") else {
                    continue;
                };
                let words: Vec<&str> = line[start..].split_whitespace().collect();
                // `charter SUBCOMMAND ...`, not `cargo install ... charter`.
                let Some(subcommand) = words
                    .get(1)
                    .filter(|w| w.chars().all(|c| c.is_ascii_lowercase()))
                else {
                    continue;
                };
                let help = charter(&[subcommand, "--help"]);
                assert!(
                    help.status.success(),
                    "{template}: `charter {subcommand}` is not a command"
                );
                let help = stdout(&help);
                for option in words.iter().filter(|w| w.starts_with("--")) {
                    let option = option.split('=').next().unwrap_or_default();
                    assert!(
                        help.contains(option),
                        "{template}: `charter {subcommand}` has no `{option}`"
                    );
                }
                // The values of `--format` are values the command takes.
                if let Some(index) = words.iter().position(|w| *w == "--format") {
                    let value = words[index + 1];
                    assert!(
                        help.contains(value),
                        "{template}: `charter {subcommand} --format {value}`"
                    );
                }
                commands += 1;
            }
        }
    }
    assert!(commands >= 12, "{commands} commands found");
}

/// One result and its rule, as code scanning reads them (the machine's root path redacted).
#[test]
fn a_sarif_result_reads_as_code_scanning_wants_it() {
    let log = sarif("examples/mistakes");
    let run = &log["runs"][0];
    let result = &run["results"][0];
    let index = result["ruleIndex"].as_u64().unwrap_or_default() as usize;
    let mut rule = run["tool"]["driver"]["rules"][index].clone();
    // The explanation is docs/errors.md's; the rest of the rule is what this test is about.
    rule["help"] = Value::from("<the explanation, as in docs/errors.md>");
    let shown = serde_json::json!({ "rule": rule, "result": result });
    insta::assert_snapshot!(
        "sarif_result",
        serde_json::to_string_pretty(&shown).unwrap_or_default()
    );
}
