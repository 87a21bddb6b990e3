//! A hostile client and a shared machine: the scratch directory, wrong or huge framing and the
//! exit code (against the real binary), protocol edges around initialization, and documents
//! too large to check (in process). (docs/security.md states what these tests hold the server
//! to.)

use crate::client::{file_uri, Client, TODAY};
use serde_json::{json, Value};

const SOURCE: &str = "filter base extends std.filters.default {\n  prompt { hate: low }\n}\n";

fn hover_at(uri: &str, id: i64, line: u32, character: u32) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
           "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}})
    .to_string()
}

fn frame(body: &str) -> String {
    format!("Content-Length: {}\r\n\r\n{body}", body.len())
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path)
        .map(|metadata| metadata.permissions().mode() & 0o7777)
        .unwrap_or(0)
}

#[cfg(unix)]
#[test]
fn the_scratch_directory_is_private_and_directories_the_server_did_not_make_are_untouched() {
    use std::os::unix::fs::PermissionsExt;
    let temporary = tempfile::tempdir().expect("a temporary directory");
    let elsewhere = tempfile::tempdir().expect("a temporary directory");
    let victim = elsewhere.path().join("id_ed25519");
    std::fs::write(&victim, "secret").expect("write");
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    // What another user could plant: a directory named like an old server's (of a process
    // that does not exist: pids never reach 2^22 + 1) holding a link to one of our files.
    let planted = temporary.path().join("charter-lsp-0.1.0-4194305");
    std::fs::create_dir(&planted).expect("mkdir");
    std::os::unix::fs::symlink(&victim, planted.join("std")).expect("symlink");

    let project = tempfile::tempdir().expect("a temporary directory");
    let path = project.path().join("filters.charter");
    std::fs::write(&path, SOURCE).expect("write");
    let uri = file_uri(&path);
    let mut client = Client::spawn_with_env(&[("TMPDIR", temporary.path().as_os_str())]);
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": file_uri(project.path()), "capabilities": {},
               "initializationOptions": {"today": TODAY}}),
    );
    assert!(init.get("result").is_some(), "{init}");
    client.notify("initialized", json!({}));
    client.diagnostics(&uri);
    // Go to `std.filters.default`: the server writes the stdlib into its scratch directory.
    let found = client.result(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 30}}),
    );
    let target = found["uri"]
        .as_str()
        .or_else(|| found[0]["uri"].as_str())
        .expect("a location")
        .to_string();
    let stdlib = url::Url::parse(&target)
        .expect("a URI")
        .to_file_path()
        .expect("a file");
    let scratch = stdlib
        .ancestors()
        .find(|ancestor| ancestor.parent() == Some(temporary.path()))
        .expect("inside the temporary directory")
        .to_path_buf();
    assert_ne!(scratch, planted);
    assert!(scratch
        .file_name()
        .is_some_and(|name| name.to_string_lossy().starts_with("charter-lsp-")));
    assert_eq!(mode(&scratch), 0o700, "only the user can enter it");
    assert!(std::fs::metadata(&stdlib)
        .expect("the stdlib copy")
        .permissions()
        .readonly());

    assert!(client.shutdown());
    assert!(!scratch.exists(), "removed when the server stops");
    assert_eq!(
        mode(&victim),
        0o600,
        "no mode changed through a planted link"
    );
    assert_eq!(std::fs::read_to_string(&victim).expect("read"), "secret");
    assert!(std::fs::symlink_metadata(planted.join("std")).is_ok());
}

#[test]
fn wrong_content_lengths_get_answers_instead_of_silence() {
    let mut client = Client::start_process(None);
    let uri = "file:///tmp/charter-lsp-framing/lengths.charter";
    client.open(uri, SOURCE);
    let body = |id| hover_at(uri, id, 0, 8);
    let messages = [
        // Too long, too short, negative, missing, not a number.
        format!(
            "Content-Length: {}\r\n\r\n{}",
            body(101).len() + 40,
            body(101)
        ),
        format!(
            "Content-Length: {}\r\n\r\n{}",
            body(102).len() - 30,
            body(102)
        ),
        format!("Content-Length: -7\r\n\r\n{}", body(103)),
        format!(
            "Content-Type: application/vscode-jsonrpc\r\n\r\n{}",
            body(104)
        ),
        format!("Content-Length: many\r\n\r\n{}", body(105)),
        frame(&body(106)),
        // Too long, and then nothing more arrives.
        format!(
            "Content-Length: {}\r\n\r\n{}",
            body(107).len() + 40,
            body(107)
        ),
    ];
    for message in &messages {
        client.send_raw(message.as_bytes());
    }
    for id in 101..=107 {
        let reply = client.response(id);
        let markdown = reply["result"]["contents"]["value"].as_str().unwrap_or("");
        assert!(markdown.contains("filter base"), "{id}: {reply}");
    }
    assert!(client.shutdown());
}

#[test]
fn a_huge_content_length_or_header_does_not_end_the_server() {
    let mut client = Client::start_process(None);
    let uri = "file:///tmp/charter-lsp-framing/huge.charter";
    client.open(uri, SOURCE);
    client.send_raw(format!("Content-Length: {}\r\n\r\n", u64::MAX).as_bytes());
    client.send_raw(frame(&hover_at(uri, 201, 0, 8)).as_bytes());
    let warning = client.notification("window/showMessage", |_| true);
    assert!(
        warning["message"]
            .as_str()
            .is_some_and(|text| text.contains("skipped")),
        "{warning}"
    );
    assert!(client.response(201).get("result").is_some());
    // A header line that never ends: dropped after a few kilobytes.
    let mut endless = b"X-Padding: ".to_vec();
    endless.extend(std::iter::repeat_n(b'x', 1 << 20));
    endless.extend_from_slice(b"\r\n\r\n");
    client.send_raw(&endless);
    client.send_raw(frame(&hover_at(uri, 202, 0, 8)).as_bytes());
    assert!(client.response(202).get("result").is_some());
    assert!(client.shutdown());
}

#[test]
fn requests_between_the_initialize_reply_and_initialized_are_answered() {
    let mut client = Client::in_process();
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {},
               "initializationOptions": {"today": TODAY}}),
    );
    assert!(init.get("result").is_some(), "{init}");
    let uri = "file:///tmp/charter-lsp-framing/early.charter";
    client.open(uri, SOURCE);
    let reply = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 8}}),
    );
    assert!(reply.get("result").is_some(), "{reply}");
    client.notify("initialized", json!({}));
    // A second `initialize` is refused; the session goes on.
    let again = client.request("initialize", json!({"capabilities": {}}));
    assert_eq!(again["error"]["code"], -32600, "{again}");
    assert!(client.shutdown());
}

#[test]
fn requests_before_initialize_get_a_short_error_that_does_not_echo_them() {
    let mut client = Client::in_process();
    let secret = "s3cr3t".repeat(2_000);
    let reply = client.request("workspace/symbol", json!({"query": secret}));
    assert_eq!(reply["error"]["code"], -32002, "{reply}");
    let message = reply["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.len() < 100 && !message.contains("s3cr3t"),
        "{message}"
    );
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    assert!(init.get("result").is_some(), "{init}");
    client.notify("initialized", json!({}));
    assert!(client.shutdown());
}

#[test]
fn exit_without_shutdown_exits_with_code_1() {
    let mut client = Client::start_process(None);
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), Some(1));
    let mut client = Client::spawn();
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), Some(1), "before initialize too");
}

#[test]
fn a_document_too_large_to_check_is_left_out_and_the_user_is_told() {
    let mut client = Client::start(None);
    let big = "file:///tmp/charter-lsp-framing/big.charter";
    let text = "// a generated line of comment text\n".repeat(150_000);
    client.open(big, &text);
    let warning = client.notification("window/showMessage", |_| true);
    assert!(
        warning["message"]
            .as_str()
            .is_some_and(|text| text.contains("not checked")),
        "{warning}"
    );
    // Other documents are still answered.
    let small = "file:///tmp/charter-lsp-framing/small.charter";
    client.open(small, SOURCE);
    let reply = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": small}, "position": {"line": 0, "character": 8}}),
    );
    assert!(reply["result"]["contents"]["value"].is_string(), "{reply}");
    // Cut down to size, it is checked again.
    client.change(big, 2, json!([{"text": "filter {"}]));
    assert!(!client
        .diagnostics_where(big, |diagnostics| !diagnostics.is_empty())
        .is_empty());
    assert!(client.shutdown());
}
