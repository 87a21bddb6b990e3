//! `charter catalog`: `pull` against the ARM emulator of the independent tools (which serves the
//! Cognitive Services models list from the reference catalog CSVs), with its data changed the
//! way Azure changes it (a retirement date moved); the queries; local extensions from the
//! command line; the stale-catalog note of `check`. Without the emulator the pull tests print
//! SKIPPED, except under `CI=true`, where that fails.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::emulator::{Emulator, SECRET};
const SUBSCRIPTION: &str = "aaaaaaaa-0000-0000-0000-000000000001";
const TODAY: &str = "2026-11-22";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

impl Emulator {
    /// `charter catalog pull PROJECT --arm-endpoint URL --subscription ID ARGS`, signed in
    /// with the `AZURE_*` client-credential variables, as publishing is.
    fn pull(&self, project: &Path, args: &[&str], secret: &str) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_charter"));
        command
            .args(["catalog", "pull"])
            .arg(project)
            .args(["--arm-endpoint", &self.url, "--subscription", SUBSCRIPTION])
            .args(["--today", TODAY, "--retry-timeout", "30"])
            .args(args);
        self.sign_in(&mut command, Some(secret));
        command.stdin(Stdio::null()).output().expect("charter runs")
    }
}

fn charter(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("charter runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A copy of `examples/contoso` to pull into.
fn contoso() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    copy_dir(&root().join("examples/contoso"), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// `models.csv` with the retirement date of one model version replaced.
fn with_retirement(models: &str, model: &str, version: &str, date: &str) -> String {
    let mut header: Vec<&str> = Vec::new();
    let mut out = String::new();
    for (index, line) in models.lines().enumerate() {
        if index == 0 {
            header = line.split(',').collect();
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
        let column = |name: &str| header.iter().position(|h| *h == name).expect("a column");
        if fields.first().map(String::as_str) == Some(model)
            && fields.get(column("version")).map(String::as_str) == Some(version)
        {
            fields[column("retirement_date")] = date.to_string();
        }
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

#[test]
fn a_pull_writes_a_formatted_catalog_that_checks_clean_and_takes_precedence() {
    let Some(emulator) = Emulator::start_with_models(str::to_string) else {
        return;
    };
    let project = contoso();
    let output = emulator.pull(project.path(), &[], SECRET);
    assert!(
        output.status.success(),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with("Wrote "), "{stdout}");
    // The project's regions only: eastus2, francecentral, germanywestcentral, swedencentral, westus3.
    assert!(stdout.contains("5 locations"), "{stdout}");
    let file = project.path().join("catalog.charter");
    let written = std::fs::read_to_string(&file).expect("the catalog file");
    assert!(written.starts_with("// charter catalog pull: as of 2026-11-22 from "));
    assert!(written.contains("model \"gpt-5.5\" {"));
    let check = charter(&[
        "check",
        project.path().to_str().expect("the test's setup"),
        "--today",
        TODAY,
    ]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    let fmt = charter(&["fmt", "--check", file.to_str().expect("the test's setup")]);
    assert!(
        fmt.status.success(),
        "{}{}",
        text(&fmt.stdout),
        text(&fmt.stderr)
    );
    // The pulled catalog is the one queries and the checker read.
    let models = charter(&[
        "catalog",
        "models",
        project.path().to_str().expect("the test's setup"),
        "--format",
        "json",
        "--today",
        TODAY,
    ]);
    let json: Value = serde_json::from_slice(&models.stdout).expect("JSON");
    assert_eq!(json["catalog"]["pulled"], true);
    assert_eq!(json["catalog"]["date"], TODAY);
    // A second pull of the same data changes nothing.
    let again = emulator.pull(project.path(), &[], SECRET);
    assert!(again.status.success());
    assert!(
        text(&again.stdout).contains("No changes since the previous catalog."),
        "{}",
        text(&again.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(&file).expect("the test's setup"),
        written
    );
}

#[test]
fn a_moved_retirement_date_shows_in_the_diff_and_turns_the_warning_into_an_error() {
    // Azure brings the retirement of gpt-5.5 2026-04-24 forward, into the policy's 120-day
    // warning: the endpoint that deploys it gets a warning.
    let Some(first) = Emulator::start_with_models(|models| {
        with_retirement(models, "gpt-5.5", "2026-04-24", "2027-01-15")
    }) else {
        return;
    };
    let project = contoso();
    let path = project.path().to_str().expect("the test's setup");
    let output = first.pull(project.path(), &[], SECRET);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("~ gpt-5.5 2026-04-24: retirement moved from 2027-10-26 to 2027-01-15 (affects research.reasoning)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("new      workloads/research.charter:")
            || stdout.contains("research.charter:"),
        "{stdout}"
    );
    assert!(
        stdout.contains("warning[E0305]: version `2026-04-24` of `gpt-5.5` retires on 2027-01-15"),
        "{stdout}"
    );
    let check = charter(&["check", path, "--today", TODAY]);
    assert!(check.status.success(), "a warning does not fail the check");
    assert!(
        text(&check.stderr).contains("warning[E0305]"),
        "{}",
        text(&check.stderr)
    );
    drop(first);

    // Then Azure retires it before today: the warning becomes an error.
    let second = Emulator::start_with_models(|models| {
        with_retirement(models, "gpt-5.5", "2026-04-24", "2026-11-01")
    })
    .expect("the emulator started once already");
    let output = second.pull(project.path(), &["--format", "json"], SECRET);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    let moved = report["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["model"] == "gpt-5.5" && c["change"] == "retirement")
        .expect("the retirement change");
    assert_eq!(moved["from"], "2027-01-15");
    assert_eq!(moved["to"], "2026-11-01");
    assert_eq!(
        moved["endpoints"],
        serde_json::json!(["research.reasoning"])
    );
    let new: Vec<&str> = report["check"]["new"]
        .as_array()
        .expect("the test's setup")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    let gone: Vec<&str> = report["check"]["gone"]
        .as_array()
        .expect("the test's setup")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(new.contains(&"E0304"), "{report}");
    assert!(gone.contains(&"E0305"), "{report}");
    let check = charter(&["check", path, "--today", TODAY]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        text(&check.stderr)
            .contains("error[E0304]: version `2026-04-24` of `gpt-5.5` was retired on 2026-11-01"),
        "{}",
        text(&check.stderr)
    );
}

#[test]
fn a_failed_sign_in_writes_nothing() {
    let Some(emulator) = Emulator::start_with_models(str::to_string) else {
        return;
    };
    let project = contoso();
    let output = emulator.pull(project.path(), &[], "wrong-secret");
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).starts_with("error: "),
        "{}",
        text(&output.stderr)
    );
    assert!(!project.path().join("catalog.charter").exists());
    let bad = charter(&[
        "catalog",
        "pull",
        project.path().to_str().expect("the test's setup"),
        "--subscription",
        "not-a-guid",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("is not a subscription id"));
}

#[test]
fn queries_answer_by_capability_deployment_region_and_lifecycle() {
    let output = charter(&[
        "catalog",
        "models",
        "examples/contoso",
        "--capability",
        "embeddings",
        "--deployment",
        "global_standard",
        "--region",
        "swedencentral",
        "--lifecycle",
        "ga",
        "--today",
        TODAY,
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    insta::assert_snapshot!("catalog_models_embeddings", text(&output.stdout));
    let json = charter(&[
        "catalog",
        "models",
        "examples/contoso",
        "--capability",
        "embeddings",
        "--format",
        "json",
        "--today",
        TODAY,
    ]);
    let document: Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert!(document["versions"]
        .as_array()
        .expect("the test's setup")
        .iter()
        .all(|v| v["kind"] == "embeddings"));
    // With a region, a version's deployment types are those offered in that region.
    let in_region = charter(&[
        "catalog",
        "models",
        "examples/contoso",
        "--region",
        "swedencentral",
        "--format",
        "json",
        "--today",
        TODAY,
    ]);
    let document: Value = serde_json::from_slice(&in_region.stdout).expect("JSON");
    let where_ = charter(&[
        "catalog",
        "where",
        "gpt-5.5",
        "2026-04-24",
        "--path",
        "examples/contoso",
        "--format",
        "json",
    ]);
    let availability: Value = serde_json::from_slice(&where_.stdout).expect("JSON");
    let gpt55 = document["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .find(|v| v["model"] == "gpt-5.5" && v["version"] == "2026-04-24")
        .expect("gpt-5.5 is offered in swedencentral");
    let offered_in_sweden: Vec<&str> = availability["versions"][0]["availability"]
        .as_object()
        .expect("availability by deployment type")
        .iter()
        .filter(|(_, regions)| {
            regions
                .as_array()
                .is_some_and(|r| r.iter().any(|r| r == "swedencentral"))
        })
        .map(|(kind, _)| kind.as_str())
        .collect();
    let listed: Vec<&str> = gpt55["deployment_types"]
        .as_array()
        .expect("deployment types")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(!listed.is_empty());
    assert_eq!(listed, offered_in_sweden, "{availability}");
    let wrong = charter(&["catalog", "models", "--deployment", "globalstandard"]);
    assert_eq!(wrong.status.code(), Some(2));
}

#[test]
fn where_a_version_is_available() {
    let output = charter(&[
        "catalog",
        "where",
        "text-embedding-3-large",
        "1",
        "--path",
        "examples/contoso",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    insta::assert_snapshot!("catalog_where_embedding", text(&output.stdout));
    let unknown = charter(&["catalog", "where", "gpt-5.55", "--path", "examples/contoso"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown.stderr).contains("did you mean `gpt-5.5`?"),
        "{}",
        text(&unknown.stderr)
    );
}

#[test]
fn the_retirement_calendar_of_the_project() {
    let output = charter(&["catalog", "calendar", "examples/contoso", "--today", TODAY]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    insta::assert_snapshot!("catalog_calendar_contoso", text(&output.stdout));
    let json = charter(&[
        "catalog",
        "calendar",
        "examples/contoso",
        "--today",
        TODAY,
        "--format",
        "json",
    ]);
    let document: Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let first = &document["calendar"][0];
    assert!(first["days_left"].as_i64().is_some(), "{document}");
    assert!(first["endpoints"].as_array().is_some_and(|e| !e.is_empty()));
}

#[test]
fn local_extensions_add_a_version_the_queries_and_the_checker_see() {
    let project = contoso();
    std::fs::write(
        project.path().join("local-catalog.charter"),
        "// Released after the catalog was made.\nmodel \"gpt-5.5\" {\n  version \"2026-12-01\" {\n    lifecycle: ga\n    available data_zone_provisioned [\"eastus2\", \"westus3\"]\n  }\n}\n",
    )
    .expect("the test's setup");
    let research = project.path().join("workloads/research.charter");
    let source = std::fs::read_to_string(&research).expect("the test's setup");
    std::fs::write(
        &research,
        source.replace(
            "model \"gpt-5.5\" version \"2026-04-24\"",
            "model \"gpt-5.5\" version \"2026-12-01\"",
        ),
    )
    .expect("the test's setup");
    let policy = project.path().join("policy.charter");
    let allowed = std::fs::read_to_string(&policy).expect("the test's setup");
    std::fs::write(
        &policy,
        allowed.replace(
            "allow \"gpt-5.5\" versions [\"2026-04-24\"]",
            "allow \"gpt-5.5\" versions [\"2026-04-24\", \"2026-12-01\"]",
        ),
    )
    .expect("the test's setup");
    let path = project.path().to_str().expect("the test's setup");
    let check = charter(&["check", path, "--today", TODAY]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    let found = charter(&["catalog", "where", "gpt-5.5", "2026-12-01", "--path", path]);
    assert_eq!(
        text(&found.stdout),
        "gpt-5.5 2026-12-01\n  data_zone_provisioned: eastus2, westus3\n"
    );
    // A local entry that contradicts the catalog is an error where it is written.
    std::fs::write(
        project.path().join("local-catalog.charter"),
        "model \"gpt-5.5\" {\n  version \"2026-04-24\" {\n    retirement: 2030-01-01\n  }\n}\n",
    )
    .expect("the test's setup");
    std::fs::write(&research, source).expect("the test's setup");
    let check = charter(&["check", path, "--today", TODAY]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = text(&check.stderr);
    assert!(stderr.contains("error[E0311]: version `2026-04-24` of `gpt-5.5`: `retirement` is 2030-01-01 here, but 2027-10-26 in the catalog"), "{stderr}");
    assert!(!stderr.contains("own name"), "{stderr}");
}

#[test]
fn check_notes_a_stale_catalog_and_version_states_its_date() {
    let fresh = charter(&["check", "examples/contoso", "--today", TODAY]);
    assert!(
        !text(&fresh.stderr).contains("catalog pull"),
        "{}",
        text(&fresh.stderr)
    );
    let stale = charter(&["check", "examples/contoso", "--today", "2027-03-01"]);
    assert!(
        text(&stale.stderr).contains("note: the embedded catalog as of 2026-11-22 is 99 days old"),
        "{}",
        text(&stale.stderr)
    );
    assert!(text(&stale.stderr).contains("run `charter catalog pull`"));
    let json = charter(&[
        "check",
        "examples/contoso",
        "--today",
        "2027-03-01",
        "--format",
        "json",
    ]);
    let document: Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(document["catalog"]["stale"], true);
    assert_eq!(document["catalog"]["age_days"], 99);
    let version = charter(&["--version"]);
    assert!(
        text(&version.stdout).contains("2026-11-22"),
        "{}",
        text(&version.stdout)
    );
}
