//! Hover and completion answers drawn back onto the source, as documents a reviewer reads:
//! each case marks the cursor with `$0`, and the snapshot underlines the range the answer
//! applies to.

use crate::client::{cursor, file_uri, Client};
use serde_json::{json, Value};

const SOURCE: &str = r#"/// The floor for every deployment.
filter floor extends std.filters.default {
  prompt { hate: low }
}

policy guard {
  scope: subscription("prod")
  effect: audit
  filters: at_least floor
  regions: ["swedencentral", "westeurope"]
}

workload shop {
  governed_by: guard
  environment: prod
  resource_group: "rg-shop"
  apps: [web]

  endpoint chat {
    model "gpt-4.1" version "2025-04-14"
    deployment: global_standard capacity 10
    filter: floor
    regions: ["swedencentral"] redundancy none
    serves: [web]
  }
}
"#;

/// The line of `text` holding `range`, with `^` under the range.
fn underline(text: &str, range: &Value) -> String {
    let line = range["start"]["line"].as_u64().unwrap_or(0) as usize;
    let start = range["start"]["character"].as_u64().unwrap_or(0) as usize;
    let end = range["end"]["character"].as_u64().unwrap_or(0) as usize;
    let source_line = text.lines().nth(line).unwrap_or_default();
    // The fixture is ASCII, so UTF-16 columns are byte columns here.
    format!(
        "{source_line}\n{}{}",
        " ".repeat(start),
        "^".repeat(end.saturating_sub(start).max(1))
    )
}

fn session(
    cases: &[(&str, &str)],
    method: &str,
    render: impl Fn(&str, &Value) -> String,
) -> String {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("shop.charter");
    std::fs::write(&path, SOURCE).expect("write the fixture");
    let uri = file_uri(&path);
    let mut client = Client::start(Some(dir.path()));
    let mut out = String::new();
    for (version, (from, to)) in cases.iter().enumerate() {
        assert!(SOURCE.contains(from), "fixture lacks {from:?}");
        let (text, position) = cursor(&SOURCE.replacen(from, to, 1));
        client.change(&uri, version as i64 + 2, json!([{"text": text}]));
        if version == 0 {
            client.open(&uri, &text);
        }
        let reply = client.result(
            method,
            json!({"textDocument": {"uri": uri}, "position": position}),
        );
        out.push_str(&format!("----- CURSOR {to}\n{}\n\n", render(&text, &reply)));
    }
    assert!(client.shutdown());
    out
}

#[test]
fn hover_answers() {
    let cases = [
        (r#"model "gpt-4.1""#, r#"model "gp$0t-4.1""#),
        (r#"version "2025-04-14""#, r#"version "2025$0-04-14""#),
        ("filter: floor", "filter: fl$0oor"),
        (
            r#"["swedencentral"] redundancy"#,
            r#"["sweden$0central"] redundancy"#,
        ),
        ("effect: audit", "effect: au$0dit"),
        ("redundancy none", "redund$0ancy none"),
        ("  governed_by: guard", "  gover$0ned_by: guard"),
        ("serves: [web]", "serves: [w$0eb]"),
        (
            "extends std.filters.default",
            "extends std.filters.def$0ault",
        ),
    ];
    let document = session(&cases, "textDocument/hover", |text, reply| {
        format!(
            "{}\n----- HOVER\n{}",
            underline(text, &reply["range"]),
            reply["contents"]["value"].as_str().unwrap_or("(none)")
        )
    });
    insta::assert_snapshot!(document);
}

#[test]
fn completion_answers() {
    let cases = [
        ("    filter: floor\n", "    $0\n"),
        ("effect: audit", "effect: $0"),
        ("redundancy none", "redundancy $0"),
        (r#"version "2025-04-14""#, r#"version "$0""#),
        (r#"["swedencentral"] redundancy"#, r#"["$0"] redundancy"#),
        ("prompt { hate: low }", "prompt { hate: low, $0 }"),
        ("filters: at_least floor", "filters: $0"),
        ("filters: at_least floor", "filters: at_least $0"),
        (
            "filter floor extends std.filters.default",
            "filter floor extends $0",
        ),
        (r#"scope: subscription("prod")"#, "scope: $0"),
        (
            r#"model "gpt-4.1" version"#,
            r#"model "gpt-4.1-$0" version"#,
        ),
        ("serves: [web]", "serves: [\n      web,\n      $0\n    ]"),
    ];
    let document = session(&cases, "textDocument/completion", |text, reply| {
        let items = reply["items"].as_array().cloned().unwrap_or_default();
        let range = items
            .first()
            .map(|item| item["textEdit"]["range"].clone())
            .unwrap_or(Value::Null);
        let listed: Vec<String> = items
            .iter()
            .take(12)
            .map(|item| match item["detail"].as_str() {
                Some(detail) => {
                    format!("{}  ({detail})", item["label"].as_str().unwrap_or_default())
                }
                None => item["label"].as_str().unwrap_or_default().to_string(),
            })
            .collect();
        let more = items.len().saturating_sub(12);
        let tail = if more > 0 {
            format!("\n... and {more} more")
        } else {
            String::new()
        };
        format!(
            "{}\n----- COMPLETION\n{}{tail}",
            underline(text, &range),
            listed.join("\n")
        )
    });
    insta::assert_snapshot!(document);
}
