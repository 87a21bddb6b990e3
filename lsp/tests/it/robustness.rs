//! The server survives what a real editor and a hostile client send: malformed messages,
//! params of the wrong shape, positions past the end, half-typed files, and edits faster than
//! it can check.

use crate::client::Client;
use serde_json::{json, Value};

const SOURCE: &str = r#"/// é€😀 in a doc comment.
filter base extends std.filters.default {
  prompt { hate: low }
}

policy guard {
  scope: subscription("prod")
  filters: at_least base
  regions: ["swedencentral"]
}

workload shop {
  governed_by: guard
  environment: prod
  resource_group: "rg-shop"
  apps: [web]
  endpoint chat {
    model "gpt-4.1" version "2025-04-14"
    deployment: global_standard capacity 10
    filter: base
    regions: ["swedencentral"]
    serves: [web]
  }
}
"#;

/// Every request a client might send at a position.
const POSITION_REQUESTS: &[&str] = &[
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/completion",
    "textDocument/prepareRename",
];

#[test]
fn a_burst_of_malformed_messages_and_rapid_edits_leaves_the_server_answering() {
    // Malformed framing needs bytes on the wire: the binary.
    let mut client = Client::start_process(None);
    let uri = "file:///tmp/charter-lsp-robustness/burst.charter";
    client.open(uri, SOURCE);
    // Malformed framing and bodies.
    client.send_raw(b"Content-Length: 12\r\n\r\n{not json!!}");
    client.send_raw(b"Content-Length: nope\r\n\r\n");
    client.send_raw(b"Content-Length: 30\r\n\r\n{\"id\": 99, \"method\": 12345678}");
    // Wrong shapes and impossible positions.
    let mut ids = Vec::new();
    for method in POSITION_REQUESTS {
        ids.push(client.send_request(method, json!({"textDocument": {"uri": uri}, "position": {"line": 1_000_000, "character": 1_000_000}})));
        ids.push(client.send_request(
            method,
            json!({"textDocument": {"uri": uri}, "position": {"line": -1, "character": "x"}}),
        ));
        ids.push(client.send_request(method, json!([1, 2, 3])));
        ids.push(client.send_request(method, json!({"textDocument": {"uri": "file:///nowhere.charter"}, "position": {"line": 0, "character": 0}})));
    }
    ids.push(client.send_request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}}),
    ));
    ids.push(client.send_request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": "not a uri"}}),
    ));
    ids.push(client.send_request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 9, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}})));
    // Change notifications with bad ranges, for unknown documents, and malformed.
    client.change(uri, 2, json!([{"range": {"start": {"line": 500, "character": 0}, "end": {"line": 0, "character": 3}}, "text": "x"}]));
    client.change("file:///not-open.charter", 2, json!([{"text": "filter"}]));
    client.notify("textDocument/didChange", json!({"garbage": true}));
    // Two hundred edits in a row, typing and deleting, without waiting.
    for version in 3..203 {
        let line = 2;
        let insert = version % 2 == 1;
        if insert {
            client.change(uri, version, json!([{"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}, "text": "é"}]));
        } else {
            client.change(uri, version, json!([{"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 1}}, "text": ""}]));
        }
    }
    for id in ids {
        let reply = client.response(id);
        assert!(
            reply.get("result").is_some() || reply.get("error").is_some(),
            "{reply}"
        );
    }
    // The server still answers correctly, on the text after every edit.
    let reply = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 7, "character": 22}}),
    );
    let markdown = reply["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(markdown.contains("filter base"), "{reply}");
    let reply = client.request("charter/unknown", Value::Null);
    assert_eq!(reply["error"]["code"], -32601);
    assert!(client.shutdown());
}

#[test]
fn every_prefix_of_a_file_being_typed_gets_answers() {
    let mut client = Client::start(None);
    let uri = "file:///tmp/charter-lsp-robustness/typing.charter";
    client.open(uri, "");
    // Type the file in chunks, asking at the cursor after each chunk as an editor does.
    let chars: Vec<char> = SOURCE.chars().collect();
    let mut typed = String::new();
    let mut version = 1;
    for chunk in chars.chunks(13) {
        typed.extend(chunk);
        version += 1;
        client.change(uri, version, json!([{"text": typed}]));
        let line = typed.matches('\n').count();
        let column = typed[typed.rfind('\n').map_or(0, |i| i + 1)..]
            .encode_utf16()
            .count();
        let position = json!({"line": line, "character": column});
        for method in POSITION_REQUESTS {
            let reply = client.request(
                method,
                json!({"textDocument": {"uri": uri}, "position": position}),
            );
            assert!(
                reply.get("result").is_some(),
                "{method} at {position} of {typed:?}: {reply}"
            );
        }
        for method in [
            "textDocument/documentSymbol",
            "textDocument/semanticTokens/full",
            "textDocument/formatting",
        ] {
            let mut params = json!({"textDocument": {"uri": uri}});
            if method.ends_with("formatting") {
                params["options"] = json!({"tabSize": 2, "insertSpaces": true});
            }
            let reply = client.request(method, params);
            assert!(
                reply.get("result").is_some(),
                "{method} on {typed:?}: {reply}"
            );
        }
    }
    assert!(client.shutdown());
}
