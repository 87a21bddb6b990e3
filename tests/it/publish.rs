//! `charter plan` and `charter publish` against the team's ARM emulator, kept beside the
//! repository (`arm_emulator.py`, Python standard library only), started per test on a free
//! loopback port. Without the emulator the tests print SKIPPED, except under `CI=true`, where that
//! fails.

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::emulator::{Emulator, CLIENT, SECRET, TENANT};
// The lab and sandbox subscriptions of examples/contoso/hierarchy.charter.
const LAB: &str = "8a3d5f7b-4c2e-4a1f-b6d9-0e8c2a4f6b13";
const DEV: &str = "2a6f9d3e-7c1b-4d8a-9e5f-0b3c7a1d6e94";
/// The subscription of the legacy account examples/contoso exempts alone.
const SUPPORT: &str = "6c1e9a4f-2b7d-4e3a-9f8c-1d5b7e2a4c90";
const OWNER: &str = "5f0c7a39-3f7e-4d6b-9a39-6b2f6c1d2e01";
use charter_test_support::TODAY_TEXT as TODAY;
const MG: &str = "/providers/Microsoft.Management/managementGroups";

/// The tenant of the example (examples/contoso/hierarchy.charter): `contoso-ai` above
/// `contoso-ai-prod`, `contoso-ai-dev` and `contoso-ai-sandbox`, the lab subscription under
/// prod, the sandbox's subscription under the sandbox group. Built-ins that are not saved in
/// the emulator (af253d37) exist in Azure, so unknown built-ins are accepted.
fn base_config() -> Value {
    json!({
        "hierarchy": {
            "management_groups": {"contoso-ai": null, "contoso-ai-prod": "contoso-ai", "contoso-ai-dev": "contoso-ai", "contoso-ai-sandbox": "contoso-ai"},
            "subscriptions": {LAB: "contoso-ai-prod", DEV: "contoso-ai-sandbox", SUPPORT: "contoso-ai-prod"}
        },
        "accept_unknown_builtins": true
    })
}

impl Emulator {
    fn requests(&self) -> Vec<Value> {
        self.control("GET", "/_emulator/requests", None)["requests"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn clear_requests(&self) {
        self.control("DELETE", "/_emulator/requests", None);
    }

    fn faults(&self, spec: Value) {
        self.control("POST", "/_emulator/faults", Some(spec));
    }

    /// Runs `charter` with the emulator's credentials and endpoint.
    fn charter(&self, project: &Path, args: &[&str]) -> Output {
        self.charter_with(project, args, &[("AZURE_CLIENT_SECRET", SECRET)])
    }

    fn charter_with(&self, project: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_charter"));
        command
            .args(args)
            .arg(project)
            .args([
                "--arm-endpoint",
                &self.url,
                "--today",
                TODAY,
                "--owner-id",
                OWNER,
            ])
            .args(["--subscription", &format!("contoso-research-lab={LAB}")])
            .args(["--default-subscription", DEV]);
        if !args.contains(&"--retry-timeout") {
            command.args(["--retry-timeout", "60"]);
        }
        self.sign_in(&mut command, None);
        for (key, value) in env {
            command.env(key, value);
        }
        command.stdin(Stdio::null()).output().expect("charter runs")
    }

    /// Moves the emulator's clock forward every 100 ms while `run` runs, so that replication
    /// lag and stale reads pass without the test sleeping for them.
    fn with_clock_running<T>(&self, run: impl FnOnce() -> T) -> T {
        let stop = Arc::new(AtomicBool::new(false));
        let url = self.url.clone();
        let flag = stop.clone();
        let ticker = std::thread::spawn(move || {
            let address = url.trim_start_matches("http://").to_string();
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                if let Ok(mut stream) = TcpStream::connect(&address) {
                    let body = r#"{"advance_seconds": 5}"#;
                    let _ = write!(
                        stream,
                        "POST /_emulator/clock HTTP/1.1\r\nHost: {address}\r\nContent-Length: {}\r\n\
                         Connection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.read_to_string(&mut String::new());
                }
            }
        });
        let result = run();
        stop.store(true, Ordering::Relaxed);
        let _ = ticker.join();
        result
    }
}

/// A copy of `examples/contoso` that a test may edit.
fn contoso() -> tempfile::TempDir {
    let directory = tempfile::tempdir().expect("a temporary directory");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/contoso"),
        &directory.path().join("contoso"),
    );
    directory
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create");
    for entry in std::fs::read_dir(from).expect("read").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
}

fn project(directory: &tempfile::TempDir) -> PathBuf {
    directory.path().join("contoso")
}

fn edit(directory: &tempfile::TempDir, file: &str, from: &str, to: &str) {
    let path = project(directory).join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "`{from}` is in {file}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

fn text(output: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn publish(emulator: &Emulator, project: &Path) {
    let output = emulator.charter(project, &["publish", "--yes"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
}

/// `charter plan --format json --detailed-exitcode`: (exit code, plan).
fn plan_json(emulator: &Emulator, project: &Path) -> (i32, Value) {
    let output = emulator.charter(
        project,
        &["plan", "--format", "json", "--detailed-exitcode"],
    );
    let plan: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("JSON on stdout: {}", text(&output)));
    (output.status.code().unwrap_or(-1), plan)
}

fn assert_no_change(emulator: &Emulator, project: &Path) {
    let (code, plan) = plan_json(emulator, project);
    assert_eq!(code, 0, "{plan:#}");
    assert_eq!(
        plan["summary"],
        json!({"create": 0, "update": 0, "replace": 0, "delete": 0, "unchanged": 26,
               "edited_outside": 0, "foreign": 0, "kept": 0, "blocked": 0}),
        "{plan:#}"
    );
}

/// (method, kind) of every write in the request log, in order.
fn writes(emulator: &Emulator) -> Vec<(String, String)> {
    emulator
        .requests()
        .iter()
        .filter(|r| matches!(r["method"].as_str(), Some("PUT" | "DELETE")))
        .map(|r| {
            (
                r["method"].as_str().unwrap_or("").to_string(),
                r["kind"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn collapse(writes: &[(String, String)]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (method, kind) in writes {
        let step = format!("{method} {kind}");
        if out.last() != Some(&step) {
            out.push(step);
        }
    }
    out
}

#[test]
fn a_first_publish_into_an_empty_tenant_then_a_plan_with_no_change() {
    let Some(emulator) = Emulator::start_config(&base_config()) else {
        return;
    };
    let directory = contoso();
    let (code, plan) = plan_json(&emulator, &project(&directory));
    assert_eq!(code, 2, "changes: {plan:#}");
    assert_eq!(plan["summary"]["create"], 26);
    emulator.clear_requests();
    publish(&emulator, &project(&directory));
    assert_eq!(
        collapse(&writes(&emulator)),
        vec![
            "PUT policyDefinitions",
            "PUT policySetDefinitions",
            "PUT policyAssignments",
            "PUT policyExemptions"
        ]
    );
    // Every object carries the owner id.
    let state = emulator.control("GET", "/_emulator/state", None);
    for object in state["objects"].as_array().expect("objects") {
        assert_eq!(
            object["body"]["properties"]["metadata"]["charterOwnerId"], OWNER,
            "{object:#}"
        );
    }
    assert_no_change(&emulator, &project(&directory));
    let human = emulator.charter(&project(&directory), &["plan"]);
    assert!(
        String::from_utf8_lossy(&human.stdout).starts_with(
            "Plan: 0 to create, 0 to update in place, 0 to replace, 0 to delete, 26 unchanged\n"
        ),
        "{}",
        text(&human)
    );
}

#[test]
fn a_one_field_change_shows_exactly_that_field() {
    let Some(emulator) = Emulator::start_config(&base_config()) else {
        return;
    };
    let directory = contoso();
    publish(&emulator, &project(&directory));
    edit(
        &directory,
        "policy.charter",
        "max_capacity: 200 units",
        "max_capacity: 300 units",
    );
    let (code, plan) = plan_json(&emulator, &project(&directory));
    assert_eq!(code, 2);
    assert_eq!(plan["summary"]["update"], 4, "{plan:#}");
    assert_eq!(plan["summary"]["unchanged"], 22, "{plan:#}");
    for object in plan["objects"].as_array().expect("objects") {
        if object["action"] != "update" {
            continue;
        }
        let changes = object["changes"].as_array().expect("changes");
        let paths: Vec<&str> = changes.iter().filter_map(|c| c["path"].as_str()).collect();
        assert_eq!(
            (&changes[0]["old"], &changes[0]["new"]),
            (&json!(200), &json!(300))
        );
        match object["kind"].as_str() {
            Some("policySetDefinitions") => {
                assert_eq!(
                    paths,
                    vec!["parameters.maxCapacity.defaultValue"],
                    "{object:#}"
                )
            }
            _ => {
                // The cap, and the non-compliance message that quotes it; nothing else.
                assert_eq!(
                    paths,
                    vec![
                        "parameters.maxCapacity",
                        "nonComplianceMessages[deploymentCapacity].message"
                    ],
                    "{object:#}"
                );
                assert_eq!(
                    object["semantic"],
                    json!(["capacity cap: 200 -> 300 units, weaker"])
                );
            }
        }
    }
    publish(&emulator, &project(&directory));
    let (code, plan) = plan_json(&emulator, &project(&directory));
    assert_eq!((code, &plan["summary"]["unchanged"]), (0, &json!(26)));
}

#[test]
fn a_replace_cascades_and_runs_in_azures_order() {
    let Some(emulator) = Emulator::start_config(&base_config()) else {
        return;
    };
    let directory = contoso();
    publish(&emulator, &project(&directory));
    // Without capacity caps, the initiative loses its `maxCapacity` parameter: Azure cannot
    // remove a parameter in place, so the initiative is replaced, and with it everything that
    // references it; the caps' definition is no longer used and is deleted.
    edit(
        &directory,
        "policy.charter",
        "  max_capacity: 200 units\n  max_provisioned: 60 units\n",
        "",
    );
    let output = emulator.charter(&project(&directory), &["plan"]);
    let human = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        human.starts_with(
            "Plan: 0 to create, 0 to update in place, 7 to replace, 1 to delete, 18 unchanged\n"
        ),
        "{}",
        text(&output)
    );
    assert!(
        human.contains("-/+ initiative charter-contoso-ai at /providers/Microsoft.Management/managementGroups/contoso-ai (replace: parameter `maxCapacity` is removed; parameter `maxProvisionedCapacity` is removed)"),
        "{human}"
    );
    assert!(
        human.contains("-/+ assignment contoso-ai-1686ec at /providers/Microsoft.Management/managementGroups/contoso-ai-prod (replace: it references initiative `charter-contoso-ai`, which is replaced)"),
        "{human}"
    );
    assert!(
        human.contains("-/+ exemption contoso-ai-exempt-rg-ai-sandbox"),
        "{human}"
    );
    assert!(
        human.contains("  - definition charter-deployment-capacity-cap"),
        "{human}"
    );
    insta::assert_snapshot!("plan_of_a_replace", human);
    emulator.clear_requests();
    publish(&emulator, &project(&directory));
    assert_eq!(
        collapse(&writes(&emulator)),
        vec![
            "DELETE policyExemptions",
            "DELETE policyAssignments",
            "DELETE policySetDefinitions",
            "PUT policySetDefinitions",
            "DELETE policyDefinitions",
            "PUT policyAssignments",
            "PUT policyExemptions"
        ]
    );
    let (code, plan) = plan_json(&emulator, &project(&directory));
    assert_eq!(
        (code, &plan["summary"]["unchanged"]),
        (0, &json!(25)),
        "{plan:#}"
    );
}

#[test]
fn foreign_objects_are_never_touched() {
    let Some(emulator) = Emulator::start_config(&base_config()) else {
        return;
    };
    let directory = contoso();
    emulator.control(
        "POST",
        "/_emulator/seed",
        Some(json!({"principal": "alz-pipeline", "resources": [
            {"id": format!("{MG}/contoso-ai-prod/providers/Microsoft.Authorization/policyAssignments/alz-locations"),
             "properties": {"displayName": "Allowed locations",
                            "policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
                            "parameters": {"listOfAllowedLocations": {"value": ["westeurope"]}}}},
            {"id": format!("{MG}/contoso-ai/providers/Microsoft.Authorization/policyDefinitions/team-b-rule"),
             "properties": {"displayName": "Team B", "mode": "All",
                            "metadata": {"charterOwnerId": "another-project"},
                            "policyRule": {"if": {"field": "type", "equals": "x"}, "then": {"effect": "audit"}}}}
        ]})),
    );
    publish(&emulator, &project(&directory));
    let (code, plan) = plan_json(&emulator, &project(&directory));
    assert_eq!(code, 0, "{plan:#}");
    assert_eq!(plan["summary"]["foreign"], 2);
    assert_eq!(plan["foreign"][0]["owner"], "another-project");
    assert_eq!(plan["foreign"][1]["owner"], Value::Null);
    let state = emulator.control("GET", "/_emulator/state", None);
    assert_eq!(state["foreign_deletions"], json!([]));
    assert!(emulator
        .requests()
        .iter()
        .filter(|r| r["method"] != "GET")
        .all(
            |r| !r["path"].as_str().unwrap_or("").contains("alz-locations")
                && !r["path"].as_str().unwrap_or("").contains("team-b-rule")
        ));

    // An object with the name the build wants, owned by nobody: never overwritten.
    let second = Emulator::start_config(&base_config()).expect("started above");
    second.control(
        "POST",
        "/_emulator/seed",
        Some(json!({"resources": [
            {"id": format!("{MG}/contoso-ai-prod/providers/Microsoft.Authorization/policyAssignments/contoso-ai-1686ec"),
             "properties": {"displayName": "deployed by hand",
                            "policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c"}}]})),
    );
    let output = second.charter(&project(&directory), &["publish", "--yes"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        text(&output).contains("was not published by this project (it has no `charterOwnerId`)"),
        "{}",
        text(&output)
    );
    assert!(writes(&second).is_empty());
}

#[test]
fn a_publish_that_dies_midway_converges_when_run_again() {
    let Some(emulator) = Emulator::start_config(&base_config()) else {
        return;
    };
    let directory = contoso();
    // Every assignment write fails: the definitions and the initiative are written, then the
    // run stops.
    emulator.faults(json!({"rules": [{"status": 500, "match": {"method": "PUT", "kind": "policyAssignments"}}]}));
    let output = emulator.charter(
        &project(&directory),
        &["publish", "--yes", "--retry-timeout", "2"],
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("20 of 26 operations were applied"),
        "{}",
        text(&output)
    );
    emulator.control("DELETE", "/_emulator/faults", None);
    let (code, plan) = plan_json(&emulator, &project(&directory));
    assert_eq!(code, 2);
    assert_eq!(
        (&plan["summary"]["create"], &plan["summary"]["unchanged"]),
        (&json!(6), &json!(20))
    );
    publish(&emulator, &project(&directory));
    assert_no_change(&emulator, &project(&directory));
}

/// Publishes with `faults` set, checks every rule fired and that the result is complete.
fn publish_through(faults: Value) -> Option<String> {
    let emulator = Emulator::start_config(&base_config())?;
    let directory = contoso();
    emulator.faults(faults);
    let output = emulator
        .with_clock_running(|| emulator.charter(&project(&directory), &["publish", "--yes"]));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let dumped = emulator.control("GET", "/_emulator/faults", None);
    for rule in dumped["rules"].as_array().expect("rules") {
        assert!(rule["fired"].as_u64() > Some(0), "{rule:#}");
    }
    emulator.control("DELETE", "/_emulator/faults", None);
    assert_no_change(&emulator, &project(&directory));
    Some(text(&output))
}

#[test]
fn throttling_is_retried_after_the_time_azure_asks() {
    let Some(log) = publish_through(json!({"rules": [
        {"status": 429, "nth": 3, "retry_after": 1, "match": {"method": "PUT"}}]}))
    else {
        return;
    };
    assert!(log.contains("retrying PUT"), "{log}");
    assert!(log.contains("SubscriptionRequestsThrottled"), "{log}");
}

#[test]
fn server_error_bursts_are_retried() {
    let Some(log) = publish_through(json!({"rules": [
        {"status": 503, "nth": 2, "count": 2},
        {"status": 500, "nth": 12, "count": 1}]}))
    else {
        return;
    };
    assert!(log.contains("ServiceUnavailable"), "{log}");
    assert!(log.contains("InternalServerError"), "{log}");
}

#[test]
fn dropped_connections_are_retried() {
    let Some(log) = publish_through(json!({"rules": [
        {"action": "drop", "drop": "mid_body", "nth": 3, "times": 1, "match": {"op": "put"}},
        {"action": "drop", "drop": "no_response", "nth": 2, "times": 1, "match": {"op": "list"}},
        {"action": "delay", "delay_ms": 50, "match": {"op": "get"}}]}))
    else {
        return;
    };
    assert!(log.contains("retrying"), "{log}");
}

#[test]
fn replication_lag_is_waited_out() {
    let Some(log) = publish_through(json!({"rules": [], "replication_lag_seconds": 30,
                                           "replication_lag_sets": true}))
    else {
        return;
    };
    assert!(log.contains("has not replicated yet"), "{log}");
}

#[test]
fn stale_reads_are_waited_out_before_publish_returns() {
    let Some(log) = publish_through(json!({"rules": [], "stale_read_seconds": 20})) else {
        return;
    };
    assert!(
        log.contains("waiting for Azure to show the changes"),
        "{log}"
    );
}

#[test]
fn a_wrong_secret_and_an_expired_token_say_what_to_check() {
    let Some(emulator) = Emulator::start_config(&base_config()) else {
        return;
    };
    let directory = contoso();
    let output = emulator.charter_with(
        &project(&directory),
        &["plan"],
        &[("AZURE_CLIENT_SECRET", "not-the-secret")],
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let message = text(&output);
    assert!(message.contains("could not sign in to Azure"), "{message}");
    assert!(message.contains("AADSTS7000215"), "{message}");
    assert!(
        message.contains("check AZURE_TENANT_ID, AZURE_CLIENT_ID"),
        "{message}"
    );

    let mut config = base_config();
    config["auth"] = json!({"token_lifetime_seconds": -60});
    let expired = Emulator::start_config(&config).expect("started above");
    let output = expired.charter(&project(&directory), &["plan", "--detailed-exitcode"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let message = text(&output);
    assert!(
        message.contains("Azure rejected the access token"),
        "{message}"
    );
    assert!(message.contains("ExpiredAuthenticationToken"), "{message}");
}

#[test]
fn forbidden_names_the_role_publishing_needs() {
    let mut config = base_config();
    config["auth"] = json!({"clients": [{"client_id": CLIENT, "client_secret": SECRET,
                                        "roles": [{"role": "Reader", "scope": "/"}]}]});
    let Some(emulator) = Emulator::start_config(&config) else {
        return;
    };
    let directory = contoso();
    // Reading is enough to plan.
    let (code, plan) = plan_json(&emulator, &project(&directory));
    assert_eq!((code, &plan["summary"]["create"]), (2, &json!(26)));
    let output = emulator.charter(&project(&directory), &["publish", "--yes"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let message = text(&output);
    assert!(message.contains("AuthorizationFailed"), "{message}");
    assert!(
        message.contains("Resource Policy Contributor or Owner"),
        "{message}"
    );
}

#[test]
fn a_saved_plan_is_applied_exactly_and_refused_once_azure_moved() {
    let Some(emulator) = Emulator::start_config(&base_config()) else {
        return;
    };
    let directory = contoso();
    publish(&emulator, &project(&directory));
    edit(
        &directory,
        "policy.charter",
        "max_capacity: 200 units",
        "max_capacity: 300 units",
    );
    let saved = directory.path().join("plan.json");
    let saved_arg = saved.to_string_lossy().to_string();
    let output = emulator.charter(&project(&directory), &["plan", "--out", &saved_arg]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));

    // Someone else publishes in between: the reviewed plan no longer fits what is deployed.
    edit(
        &directory,
        "policy.charter",
        "max_capacity: 300 units",
        "max_capacity: 250 units",
    );
    publish(&emulator, &project(&directory));
    let output = emulator.charter(
        &project(&directory),
        &["publish", "--plan", &saved_arg, "--yes"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        text(&output).contains("what is deployed has changed since the plan was made"),
        "{}",
        text(&output)
    );

    // A fresh plan applies exactly what it says (300, though the source now says 250).
    edit(
        &directory,
        "policy.charter",
        "max_capacity: 250 units",
        "max_capacity: 300 units",
    );
    let output = emulator.charter(&project(&directory), &["plan", "--out", &saved_arg]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    edit(
        &directory,
        "policy.charter",
        "max_capacity: 300 units",
        "max_capacity: 100 units",
    );
    let output = emulator.charter(
        &project(&directory),
        &["publish", "--plan", &saved_arg, "--yes"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let state = emulator.control("GET", "/_emulator/state", None);
    let capacities: Vec<&Value> = state["objects"]
        .as_array()
        .expect("objects")
        .iter()
        .filter(|o| o["kind"] == "policyAssignments")
        .map(|o| &o["body"]["properties"]["parameters"]["maxCapacity"]["value"])
        .collect();
    assert_eq!(capacities, vec![&json!(300), &json!(300), &json!(300)]);
}

#[test]
fn publish_without_yes_off_a_terminal_asks_for_it() {
    let Some(emulator) = Emulator::start_config(&base_config()) else {
        return;
    };
    let directory = contoso();
    let output = emulator.charter(&project(&directory), &["publish"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("pass --yes"), "{}", text(&output));
    assert!(writes(&emulator).is_empty());
}

/// examples/contoso declares its hierarchy, so no subscription is named by name only: the plan
/// needs neither `--subscription` nor `--default-subscription`.
#[test]
fn a_hierarchy_names_every_subscription_by_its_id() {
    let Some(emulator) = Emulator::start_config(&base_config()) else {
        return;
    };
    let directory = contoso();
    let output = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args([
            "plan",
            "--format",
            "json",
            "--today",
            TODAY,
            "--arm-endpoint",
            &emulator.url,
        ])
        .arg(project(&directory))
        .env("AZURE_TENANT_ID", TENANT)
        .env("AZURE_CLIENT_ID", CLIENT)
        .env("AZURE_CLIENT_SECRET", SECRET)
        .env("AZURE_AUTHORITY_HOST", &emulator.url)
        .output()
        .expect("charter runs");
    let message = text(&output);
    assert_eq!(output.status.code(), Some(0), "{message}");
    assert!(
        !message.contains("by name, and Azure needs its id"),
        "{message}"
    );
    assert!(
        !message.contains("pass `--default-subscription <subscription id>`"),
        "{message}"
    );
    assert!(
        message.contains("derived from the project folder's name `contoso`"),
        "{message}"
    );
}
