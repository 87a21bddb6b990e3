//! The protocol plumbing: initialization, shutdown, document sync, publishing diagnostics, and
//! error replies (in process; the exit code of the binary is in `hardening`).

use crate::client::{Client, TODAY};
use serde_json::{json, Value};

#[test]
fn initialize_reports_server_info_utf16_and_capabilities() {
    let mut client = Client::in_process();
    let reply = client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}, "initializationOptions": {"today": TODAY}}),
    );
    let result = &reply["result"];
    assert_eq!(result["serverInfo"]["name"], "charter");
    assert!(result["serverInfo"]["version"].is_string());
    let capabilities = &result["capabilities"];
    // Not wrapped twice: the capabilities themselves sit under `capabilities`.
    assert!(capabilities.get("capabilities").is_none());
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert_eq!(capabilities["textDocumentSync"]["change"], 2);
    for provider in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
        "documentFormattingProvider",
        "completionProvider",
        "codeActionProvider",
        "renameProvider",
        "semanticTokensProvider",
        "inlayHintProvider",
        "documentHighlightProvider",
        "foldingRangeProvider",
    ] {
        assert!(capabilities.get(provider).is_some(), "missing {provider}");
    }
    client.notify("initialized", json!({}));
    assert!(client.shutdown(), "a clean shutdown exits with success");
}

#[test]
fn exit_without_shutdown_is_a_failure_exit() {
    let mut client = Client::start(None);
    client.notify("exit", Value::Null);
    assert!(!client.wait());
}

#[test]
fn end_of_input_stops_the_server() {
    let mut client = Client::start(None);
    client.close_stdin();
    assert!(!client.wait());
}

#[test]
fn unknown_methods_get_method_not_found() {
    let mut client = Client::start(None);
    let reply = client.request("charter/noSuchThing", json!({}));
    assert_eq!(reply["error"]["code"], -32601, "{reply}");
    // Unknown notifications are ignored, and the server still answers.
    client.notify("charter/noSuchNotification", json!({"x": 1}));
    let reply = client.request("workspace/symbol", json!({"query": ""}));
    assert!(reply.get("result").is_some(), "{reply}");
    assert!(client.shutdown());
}

#[test]
fn malformed_params_get_invalid_params() {
    let mut client = Client::start(None);
    let reply = client.request("textDocument/hover", json!({"textDocument": 5}));
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    let reply = client.request("textDocument/completion", Value::Null);
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    assert!(client.shutdown());
}

#[test]
fn requests_after_shutdown_are_refused() {
    let mut client = Client::start(None);
    let reply = client.request("shutdown", Value::Null);
    assert_eq!(reply["result"], Value::Null);
    let reply = client.request("textDocument/hover", json!({}));
    assert_eq!(reply["error"]["code"], -32600, "{reply}");
    client.notify("exit", Value::Null);
    assert!(client.wait());
}

#[test]
fn opening_a_broken_file_publishes_a_syntax_error_and_fixing_it_clears_it() {
    let mut client = Client::start(None);
    let uri = "file:///tmp/charter-lsp-test/broken.charter";
    client.open(uri, "filter oops {\n  prompt {\n");
    let diagnostics = client.diagnostics(uri);
    assert!(
        !diagnostics.is_empty(),
        "an unclosed block is a syntax error"
    );
    let first = &diagnostics[0];
    assert_eq!(first["source"], "charter");
    assert!(
        first["code"]
            .as_str()
            .is_some_and(|code| code.starts_with('E')),
        "{first}"
    );
    client.change(uri, 2, json!([{"text": "/// Nothing yet.\n"}]));
    let diagnostics = client.diagnostics(uri);
    assert_eq!(diagnostics, Vec::<Value>::new());
    assert!(client.shutdown());
}

#[test]
fn closing_a_file_outside_the_workspace_clears_its_diagnostics() {
    let mut client = Client::start(None);
    let uri = "file:///tmp/charter-lsp-test/closing.charter";
    client.open(uri, "filter {");
    assert!(!client.diagnostics(uri).is_empty());
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(client.diagnostics(uri), Vec::<Value>::new());
    assert!(client.shutdown());
}

#[test]
fn files_changed_on_disk_join_and_leave_the_project() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let capabilities =
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let mut client = Client::start_with(Some(dir.path()), capabilities);
    // The server asks to watch `.charter` files.
    let registration = client.notification("client/registerCapability", |_| true);
    assert_eq!(
        registration["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );
    let path = dir.path().join("new.charter");
    std::fs::write(&path, "filter {").expect("write a file");
    let uri = crate::client::file_uri(&path);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri, "type": 1}]}),
    );
    assert!(!client.diagnostics(&uri).is_empty());
    std::fs::remove_file(&path).expect("remove the file");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri, "type": 3}]}),
    );
    // The file's diagnostics may be published twice while it exists (the checker's, then with
    // the proof's when the proof outlasts the server's patience on a loaded machine): wait
    // for the clearing publication, which must come.
    assert_eq!(
        client.diagnostics_where(&uri, <[Value]>::is_empty),
        Vec::<Value>::new()
    );
    assert!(client.shutdown());
}

#[test]
fn workspace_folders_added_later_join_the_project() {
    let first = tempfile::tempdir().expect("a temporary directory");
    let second = tempfile::tempdir().expect("a temporary directory");
    let path = second.path().join("later.charter");
    std::fs::write(&path, "policy {").expect("write a file");
    let uri = crate::client::file_uri(&path);
    let mut client = Client::start(Some(first.path()));
    let folder = json!({"uri": crate::client::file_uri(second.path()), "name": "second"});
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [folder.clone()], "removed": []}}),
    );
    assert!(!client.diagnostics(&uri).is_empty());
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [], "removed": [folder]}}),
    );
    // As above: a second publication of the file's diagnostics may come first.
    assert_eq!(
        client.diagnostics_where(&uri, <[Value]>::is_empty),
        Vec::<Value>::new()
    );
    assert!(client.shutdown());
}
