//! Resource-level exemptions end to end: `resource(...)` and `endpoint(...)` in a project with
//! a hierarchy build to one exemption per resource in the REST bodies, the ARM template (an
//! extension resource with `scope`) and the Terraform (`azurerm_resource_policy_exemption`);
//! `charter audit` holds a resource-level exemption to that resource alone; every mistake has
//! its diagnostic.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn charter(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run charter")
}

const TODAY: &str = "--today=2026-12-05";
const SUBSCRIPTION: &str = "1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71";

/// A hierarchy, a policy that disables keys, a workload outside any business unit with one
/// endpoint in two regions, and the exemptions under test in `exemptions`.
fn project(exemptions: &str) -> String {
    format!(
        r#"management_group "contoso" {{
  management_group "contoso-prod" {{
    environment: prod
    subscription "shop-prod" {{
      id: "{SUBSCRIPTION}"
      resource_groups: ["rg-shop", "rg-legacy"]
    }}
  }}
}}

policy guardrails {{
  scope: management_group("contoso-prod")
  regions: ["swedencentral", "germanywestcentral"]
  local_auth: disabled
  max_exemption: 365 days
{exemptions}
}}

workload shop {{
  governed_by: guardrails
  environment: prod
  resource_group: "rg-shop"
  endpoint chat {{
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: data_zone_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral", "germanywestcentral"] redundancy active_active
  }}
}}
"#
    )
}

const LEGACY: &str = r#"  exempt resource(resource_group("rg-legacy"), "Microsoft.CognitiveServices/accounts", "legacy-oai") until 2027-06-30 as waiver "Legacy IVR needs keys" only [local_auth] owner "platform@contoso.com" ticket "RISK-2001""#;
const ENDPOINT: &str = r#"  exempt endpoint(shop.chat) until 2027-03-31 as mitigated "Keys kept in a vault, rotated daily" only [local_auth] ticket "RISK-2002""#;

fn write(dir: &Path, source: &str) {
    std::fs::write(dir.join("main.charter"), source).expect("write the project");
}

fn check(source: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    write(dir.path(), source);
    let output = charter(&["check", &dir.path().to_string_lossy(), TODAY]);
    (
        output.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|_| panic!("{}", path.display()));
    serde_json::from_str(&text).expect("JSON")
}

#[test]
fn a_resource_and_an_endpoint_are_exempted_at_their_own_ids() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    write(dir.path(), &project(&format!("{LEGACY}\n{ENDPOINT}")));
    let out = dir.path().join("out");
    let output = charter(&[
        "build",
        &dir.path().to_string_lossy(),
        "-o",
        &out.to_string_lossy(),
        TODAY,
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let exemptions = out.join("azure-policy/exemptions");
    // The REST body names the resource's full id, in the hierarchy's subscription.
    let legacy = json(&exemptions.join("guardrails-exempt-legacy-oai.json"));
    assert_eq!(
        legacy["id"],
        format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-legacy/providers/Microsoft.CognitiveServices/accounts/legacy-oai/providers/Microsoft.Authorization/policyExemptions/guardrails-exempt-legacy-oai")
    );
    assert_eq!(
        legacy["properties"]["policyDefinitionReferenceIds"],
        serde_json::json!(["localAuthDisabled"])
    );
    assert_eq!(legacy["properties"]["metadata"]["ticket"], "RISK-2001");
    // `endpoint(shop.chat)`: one exemption per account Charter derives, one per region.
    for region in ["swedencentral", "germanywestcentral"] {
        let body = json(&exemptions.join(format!("guardrails-exempt-shop-chat-{region}.json")));
        assert_eq!(
            body["properties"]["exemptionCategory"], "Mitigated",
            "{body}"
        );
        assert!(
            body["id"].as_str().unwrap_or_default().starts_with(&format!(
                "/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-shop/providers/Microsoft.CognitiveServices/accounts/shop-chat-{region}/"
            )),
            "{body}"
        );
    }

    // The ARM template: in a nested deployment to the resource group, `scope` names the
    // resource.
    let template = json(&out.join("azure-policy/template.json"));
    let nested: Vec<&Value> = template["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["type"] == "Microsoft.Resources/deployments")
        .collect();
    let legacy_group = nested
        .iter()
        .find(|d| d["resourceGroup"] == "rg-legacy")
        .expect("a deployment to rg-legacy");
    assert_eq!(legacy_group["subscriptionId"], SUBSCRIPTION);
    let inner = &legacy_group["properties"]["template"]["resources"][0];
    assert_eq!(inner["type"], "Microsoft.Authorization/policyExemptions");
    assert_eq!(
        inner["scope"],
        "Microsoft.CognitiveServices/accounts/legacy-oai"
    );
    let shop_group = nested
        .iter()
        .find(|d| d["resourceGroup"] == "rg-shop")
        .expect("a deployment to rg-shop");
    let scopes: Vec<&str> = shop_group["properties"]["template"]["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["scope"].as_str())
        .collect();
    assert_eq!(
        scopes,
        [
            "Microsoft.CognitiveServices/accounts/shop-chat-swedencentral",
            "Microsoft.CognitiveServices/accounts/shop-chat-germanywestcentral"
        ]
    );

    // Terraform: `azurerm_resource_policy_exemption`, an account Charter creates by its
    // address (so that it exists first), another by its id.
    let policy = std::fs::read_to_string(out.join("terraform/policy.tf")).expect("policy.tf");
    assert!(
        policy.contains(&format!("resource_id                     = \"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-legacy/providers/Microsoft.CognitiveServices/accounts/legacy-oai\"")),
        "{policy}"
    );
    assert!(
        policy.contains(
            "resource_id                     = azurerm_cognitive_account.shop__chat__swedencentral.id"
        ),
        "{policy}"
    );
    assert_eq!(
        policy
            .matches("resource \"azurerm_resource_policy_exemption\"")
            .count(),
        3
    );

    // `charter doc` lists it.
    let docs = dir.path().join("docs");
    let output = charter(&[
        "doc",
        &dir.path().to_string_lossy(),
        "-o",
        &docs.to_string_lossy(),
        TODAY,
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let page = std::fs::read_to_string(docs.join("markdown/exemptions.md")).expect("exemptions.md");
    assert!(
        page.contains(
            "resourceGroups/rg-legacy/providers/Microsoft.CognitiveServices/accounts/legacy-oai"
        ),
        "{page}"
    );
}

/// A Resource Graph export of two accounts in one resource group, both with keys enabled:
/// the one the exemption names is exempt, its neighbour is denied.
#[test]
fn an_audit_exempts_the_named_resource_and_not_its_neighbour() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    write(
        dir.path(),
        &project(
            r#"  exempt resource(resource_group("rg-shop"), "Microsoft.CognitiveServices/accounts", "shop-legacy") until 2027-06-30 as waiver "Legacy IVR needs keys" only [local_auth] ticket "RISK-2001""#,
        ),
    );
    let account = |name: &str| {
        serde_json::json!({
            "id": format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-shop/providers/Microsoft.CognitiveServices/accounts/{name}"),
            "name": name,
            "type": "microsoft.cognitiveservices/accounts",
            "kind": "OpenAI",
            "location": "swedencentral",
            "resourceGroup": "rg-shop",
            "subscriptionId": SUBSCRIPTION,
            "sku": { "name": "S0" },
            "tags": { "charter-workload": "shop" },
            "properties": {
                "customSubDomainName": name,
                "disableLocalAuth": false,
                "publicNetworkAccess": "Disabled"
            }
        })
    };
    let export = serde_json::json!({
        "count": 2,
        "data": [account("shop-legacy"), account("shop-other")],
        "skip_token": null,
        "total_records": 2
    });
    let resources = dir.path().join("graph.json");
    std::fs::write(&resources, export.to_string()).expect("write the export");
    let output = charter(&[
        "audit",
        &dir.path().to_string_lossy(),
        TODAY,
        "--resources",
        &resources.to_string_lossy(),
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    let text = String::from_utf8_lossy(&output.stdout);
    let document: Value = serde_json::from_str(&text).unwrap_or_else(|error| {
        panic!(
            "{error}: {text}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let verdict = |name: &str| -> (Value, Value) {
        let resource = crate::audit::resource(&document, name);
        let rule = resource["rules"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|rule| {
                rule["rule"]
                    .as_str()
                    .is_some_and(|r| r.contains("localAuth"))
            })
            .cloned()
            .unwrap_or_else(|| panic!("no key rule for {name}: {resource}"));
        (resource["verdict"].clone(), rule)
    };
    let (legacy, legacy_rule) = verdict("/shop-legacy");
    assert_eq!(legacy, "exempt", "{legacy_rule}");
    assert_eq!(
        legacy_rule["exemption"]["name"],
        "guardrails-exempt-shop-legacy"
    );
    let (other, other_rule) = verdict("/shop-other");
    assert_eq!(other, "deny", "{other_rule}");
    // The waived account is one the project names; its unknown neighbour is not.
    let unaccounted = |name: &str| {
        crate::audit::resource(&document, name)["checks"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|check| check["check"] == "unaccounted-account")
    };
    assert!(!unaccounted("/shop-legacy"), "{document}");
    assert!(unaccounted("/shop-other"), "{document}");

    // After the expiry the sources have an error (E0701), but Azure ignores an expired
    // exemption: the audit still runs, judges the legacy account without it, and fails.
    let output = charter(&[
        "audit",
        &dir.path().to_string_lossy(),
        "--today=2027-07-15",
        "--resources",
        &resources.to_string_lossy(),
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("auditing anyway"), "{stderr}");
    let document: Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert!(
        document["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|d| d["code"] == "E0701"),
        "{document}"
    );
    let legacy = crate::audit::resource(&document, "/shop-legacy");
    assert_eq!(legacy["verdict"], "deny", "{legacy}");
}

#[test]
fn an_exemption_from_an_empty_list_of_rules_is_e0711() {
    let (code, text) = check(&project(
        r#"  exempt resource(resource_group("rg-shop"), "Microsoft.CognitiveServices/accounts", "shop-legacy") until 2027-06-30 as waiver "Legacy" only []"#,
    ));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("E0711"), "{text}");
    assert!(text.contains("`only` lists no rule"), "{text}");
}

#[test]
fn a_malformed_resource_type_is_e0709() {
    let (code, text) = check(&project(
        r#"  exempt resource(resource_group("rg-legacy"), "accounts", "legacy-oai") until 2027-06-30 as waiver "Legacy""#,
    ));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("E0709"), "{text}");
    assert!(text.contains("`accounts` is not a resource type"), "{text}");
}

#[test]
fn an_unknown_endpoint_is_e0101_with_the_nearest_name() {
    let (code, text) = check(&project(
        r#"  exempt endpoint(shop.chta) until 2027-06-30 as waiver "Legacy""#,
    ));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("E0101"), "{text}");
    assert!(text.contains("unknown endpoint `chta`"), "{text}");
    assert!(text.contains("did you mean `chat`"), "{text}");
    let (_, text) = check(&project(
        r#"  exempt endpoint(shpo.chat) until 2027-06-30 as waiver "Legacy""#,
    ));
    assert!(text.contains("unknown workload `shpo`"), "{text}");
}

#[test]
fn a_resource_group_outside_the_hierarchy_is_e0903() {
    let (code, text) = check(&project(
        r#"  exempt resource(resource_group("rg-legasy"), "Microsoft.CognitiveServices/accounts", "legacy-oai") until 2027-06-30 as waiver "Legacy""#,
    ));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("E0903"), "{text}");
    assert!(text.contains("rg-legacy"), "{text}");
}

#[test]
fn a_resource_outside_its_assignment_is_e0904() {
    let source = project(
        r#"  exempt resource(resource_group("rg-lab"), "Microsoft.CognitiveServices/accounts", "lab-oai") until 2027-06-30 as waiver "Lab""#,
    )
    .replace(
        "    }\n  }\n}\n\npolicy",
        "    }\n  }\n  management_group \"contoso-sandbox\" {\n    environment: sandbox\n    subscription \"lab\" {\n      id: \"5d2a7f9c-3e1b-4c8d-9a6f-0b4e2d7c1a38\"\n      resource_groups: [\"rg-lab\"]\n    }\n  }\n}\n\npolicy",
    );
    let (code, text) = check(&source);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("E0904"), "{text}");
}

#[test]
fn max_exemption_and_the_expiry_warning_hold_for_a_resource() {
    let too_long = LEGACY.replace("2027-06-30", "2028-06-30");
    let (code, text) = check(&project(&too_long));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("E0706"), "{text}");
    let soon = LEGACY.replace("2027-06-30", "2026-12-20");
    let (code, text) = check(&project(&soon));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("E0705"), "{text}");
}

#[test]
fn a_resource_in_a_resource_group_two_subscriptions_hold_names_its_subscription() {
    let source = project(
        r#"  exempt resource(resource_group("rg-shared"), "Microsoft.CognitiveServices/accounts", "shared-oai") until 2027-06-30 as waiver "Legacy""#,
    )
    .replace(
        "\"rg-shop\", \"rg-legacy\"]",
        "\"rg-shop\", \"rg-legacy\", \"rg-shared\"]\n    }\n    subscription \"shop-dev\" {\n      id: \"5d2a7f9c-3e1b-4c8d-9a6f-0b4e2d7c1a38\"\n      resource_groups: [\"rg-shared\"]",
    );
    let (code, text) = check(&source);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("E0909"), "{text}");
    assert!(
        text.contains("resource_group(\"rg-shared\", subscription(\"shop-prod\"))"),
        "the help says how to name the subscription: {text}"
    );
    let named = source.replace(
        "resource_group(\"rg-shared\")",
        "resource_group(\"rg-shared\", subscription(\"shop-dev\"))",
    );
    let dir = tempfile::tempdir().expect("a temporary directory");
    write(dir.path(), &named);
    let out = dir.path().join("out");
    let output = charter(&[
        "build",
        &dir.path().to_string_lossy(),
        "-o",
        &out.to_string_lossy(),
        TODAY,
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let body = json(&out.join("azure-policy/exemptions/guardrails-exempt-shared-oai.json"));
    assert!(
        body["id"].as_str().unwrap_or_default().starts_with(
            "/subscriptions/5d2a7f9c-3e1b-4c8d-9a6f-0b4e2d7c1a38/resourceGroups/rg-shared/"
        ),
        "{body}"
    );
}

/// E0906 warns that another policy applies to a workload; an exemption of the workload's
/// place from every rule of that policy says it does not, and silences it. One from some
/// rules only, or of one resource, does not.
#[test]
fn an_exemption_from_the_other_policy_silences_e0906_only_when_it_covers_every_rule() {
    let with_lockdown = |exemption: &str| {
        project("").replace(
            "workload shop {",
            &format!(
                "policy lockdown {{\n  scope: subscription(\"shop-prod\")\n  local_auth: disabled\n{exemption}\n}}\n\nworkload shop {{"
            ),
        )
    };
    let (_, text) = check(&with_lockdown(""));
    assert!(text.contains("E0906"), "{text}");
    let (code, text) = check(&with_lockdown(
        r#"  exempt resource_group("rg-shop") until 2027-06-30 as waiver "Governed by guardrails alone""#,
    ));
    assert!(!text.contains("E0906"), "{text}");
    assert_eq!(code, Some(0), "{text}");
    let (_, text) = check(&with_lockdown(
        r#"  exempt resource_group("rg-shop") until 2027-06-30 as waiver "Keys" only [local_auth]"#,
    ));
    assert!(text.contains("E0906"), "{text}");
    let (_, text) = check(&with_lockdown(
        r#"  exempt resource(resource_group("rg-shop"), "Microsoft.CognitiveServices/accounts", "x") until 2027-06-30 as waiver "One account""#,
    ));
    assert!(text.contains("E0906"), "{text}");
}

/// `charter diff` says a new resource-level exemption loosens the policy, as Charter writes
/// it, and which endpoint an `endpoint(...)` exemption affects.
#[test]
fn the_semantic_diff_shows_a_resource_exemption() {
    let base = tempfile::tempdir().expect("a temporary directory");
    let head = tempfile::tempdir().expect("a temporary directory");
    write(base.path(), &project(""));
    write(head.path(), &project(&format!("{LEGACY}\n{ENDPOINT}")));
    let output = charter(&[
        "diff",
        &base.path().to_string_lossy(),
        &head.path().to_string_lossy(),
        TODAY,
    ]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("exempts `resource(resource_group(\"rg-legacy\"), \"Microsoft.CognitiveServices/accounts\", \"legacy-oai\")`"),
        "{text}"
    );
    assert!(
        text.contains("affects workload shop; endpoint shop.chat"),
        "{text}"
    );
    // The legacy account, and the account of each of the endpoint's two regions.
    assert!(text.contains("3 loosening"), "{text}");
}
