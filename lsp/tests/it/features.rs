//! Each language feature, with the server in process, on a small project written to a
//! temporary workspace folder. Cursors are marked in the sources with `$0`.

use crate::client::{cursor, file_uri, position_of, text_of_range, Client};
use serde_json::{json, Value};

const FILTERS: &str = r#"/// Organisation-wide minimum for every deployment.
filter baseline {
  prompt {
    hate: medium
    sexual: medium
    violence: medium
    self_harm: medium
    jailbreak: block
    indirect_attack: annotate
  }
  completion {
    hate: medium
    sexual: medium
    violence: medium
    self_harm: medium
    protected_material_text: block
    protected_material_code: annotate
  }
}

/// For customer-facing assistants.
filter strict extends baseline {
  prompt { hate: low, sexual: low }
  completion { hate: low, sexual: low }
}
"#;

const MAIN: &str = r#"policy contoso_ai {
  display_name: "Contoso AI guardrails"
  scope: management_group("contoso-ai")
  effect: deny
  models {
    allow "gpt-4.1" versions ["2025-04-14"]
    allow "gpt-4.1-mini"
  }
  filters: at_least baseline
  regions: ["eastus2", "swedencentral", "westeurope"]
  retirement_warning: 90 days
}

/// Customer support: chat on the web and in the app.
workload customer_support {
  governed_by: contoso_ai
  environment: prod
  resource_group: "rg-support-ai"
  apps: [chat_web, chat_mobile]

  endpoint support_chat {
    model "gpt-4.1" version "2025-04-14"
    deployment: global_standard capacity 100
    filter: strict
    regions: ["swedencentral", "westeurope"] redundancy active_passive
    serves: [chat_web, chat_mobile]
  }
}
"#;

struct Project {
    dir: tempfile::TempDir,
    client: Client,
}

impl Project {
    /// Writes the files to a fresh workspace folder and starts the server on it.
    fn new(files: &[(&str, &str)]) -> Project {
        let dir = tempfile::tempdir().expect("a temporary directory");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write a fixture");
        }
        let client = Client::start(Some(dir.path()));
        Project { dir, client }
    }

    fn standard() -> Project {
        Project::new(&[("filters.charter", FILTERS), ("main.charter", MAIN)])
    }

    /// Waits until the workspace scan has reached the server: every project file's first
    /// diagnostics are published once the scanned files are checked. A request about a file
    /// that is not open races the scan thread otherwise (and loses on a loaded machine).
    fn scanned(mut self, names: &[&str]) -> Project {
        for name in names {
            let uri = self.uri(name);
            self.client.diagnostics(&uri);
        }
        self
    }

    fn uri(&self, name: &str) -> String {
        file_uri(&self.dir.path().join(name))
    }

    /// Opens `name` with `text` (which may mark a cursor with `$0`); returns the clean text and
    /// the cursor position.
    fn open(&mut self, name: &str, text: &str) -> (String, Value) {
        let (clean, position) = if text.contains("$0") {
            cursor(text)
        } else {
            (text.to_string(), json!({"line": 0, "character": 0}))
        };
        let uri = self.uri(name);
        self.client.open(&uri, &clean);
        (clean, position)
    }

    fn at(&self, name: &str, position: &Value) -> Value {
        json!({"textDocument": {"uri": self.uri(name)}, "position": position})
    }
}

fn labels(completion: &Value) -> Vec<String> {
    let items = completion["items"].as_array().cloned().unwrap_or_default();
    items
        .iter()
        .map(|item| item["label"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn every_project_file_gets_diagnostics_and_related_information_points_across_files() {
    let mut project = Project::new(&[
        ("a.charter", "filter dup extends std.filters.default {\n}\n"),
        ("b.charter", "filter dup extends std.filters.default {\n}\n"),
    ]);
    let a = project.uri("a.charter");
    let b = project.uri("b.charter");
    let from_a = project.client.diagnostics(&a);
    let from_b = project.client.diagnostics(&b);
    let duplicate = from_a
        .iter()
        .chain(&from_b)
        .find(|d| d["code"] == "E0102")
        .expect("a duplicate-name diagnostic");
    assert_eq!(duplicate["severity"], 1);
    assert!(
        duplicate["message"]
            .as_str()
            .unwrap_or_default()
            .contains("`dup` is declared twice"),
        "{duplicate}"
    );
    let related = &duplicate["relatedInformation"][0];
    assert_eq!(
        related["message"]
            .as_str()
            .map(|m| m.starts_with("first declared here")),
        Some(true),
        "{duplicate}"
    );
    assert_ne!(related["location"]["uri"], Value::Null);
    // The explanation is reachable: a link to a page that exists, and the code in `data`.
    assert_eq!(duplicate["data"]["code"], "E0102");
    let href = duplicate["codeDescription"]["href"]
        .as_str()
        .expect("a code description");
    let page = url::Url::parse(href)
        .expect("a URL")
        .to_file_path()
        .expect("a file URL");
    let text = std::fs::read_to_string(page).expect("the explanation page exists");
    assert!(text.starts_with("# E0102"), "{text}");
    assert!(project.client.shutdown());
}

#[test]
fn unsaved_buffers_take_precedence_over_the_disk_and_fixing_one_file_clears_the_other() {
    let mut project = Project::standard();
    let main = project.uri("main.charter");
    // The project deploys a deprecated version (a warning), and nothing is wrong.
    let errors = |diagnostics: Vec<Value>| -> Vec<Value> {
        diagnostics
            .into_iter()
            .filter(|d| d["severity"] == 1)
            .collect()
    };
    assert_eq!(
        errors(project.client.diagnostics(&main)),
        Vec::<Value>::new()
    );
    // Rename the filter in the buffer only: main.charter now refers to an unknown filter.
    let renamed = FILTERS.replace("filter strict", "filter stricter");
    project.open("filters.charter", &renamed);
    let diagnostics = project.client.diagnostics_where(&main, |d| !d.is_empty());
    let unknown = diagnostics
        .iter()
        .find(|d| d["code"] == "E0101")
        .expect("unknown filter");
    assert_eq!(text_of_range(MAIN, &unknown["range"]), "strict");
    // Put it back: the diagnostics of main.charter are cleared.
    let filters = project.uri("filters.charter");
    project
        .client
        .change(&filters, 2, json!([{"text": FILTERS}]));
    let after = project
        .client
        .diagnostics_where(&main, |d| d.iter().all(|d| d["severity"] != 1));
    assert_eq!(errors(after), Vec::<Value>::new());
    assert!(project.client.shutdown());
}

#[test]
fn hover_shows_model_versions_with_retirement_dates() {
    let mut project = Project::standard();
    let source = MAIN.replace(r#"model "gpt-4.1" version"#, r#"model "gpt-$04.1" version"#);
    let (_, position) = project.open("main.charter", &source);
    let hover = project
        .client
        .result("textDocument/hover", project.at("main.charter", &position));
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.contains("model \"gpt-4.1\""), "{markdown}");
    assert!(markdown.contains("- kind: `chat`"), "{markdown}");
    assert!(
        markdown.contains("`2025-04-14`") && markdown.contains("retires 2027-04-14 (in 143 days)"),
        "{markdown}"
    );
    assert_eq!(text_of_range(MAIN, &hover["range"]), "\"gpt-4.1\"");
    assert!(project.client.shutdown());
}

#[test]
fn hover_shows_a_filters_effective_settings_after_extends() {
    // The filter is declared in filters.charter, which is never opened: wait for the scan.
    let mut project = Project::standard().scanned(&["filters.charter", "main.charter"]);
    let source = MAIN.replace("filter: strict", "filter: str$0ict");
    let (_, position) = project.open("main.charter", &source);
    let hover = project
        .client
        .result("textDocument/hover", project.at("main.charter", &position));
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        markdown.contains("filter strict extends baseline"),
        "{markdown}"
    );
    assert!(
        markdown.contains("For customer-facing assistants."),
        "{markdown}"
    );
    assert!(markdown.contains("| hate | `low` | `low` |"), "{markdown}");
    assert!(
        markdown.contains("| violence | `medium` (from `baseline`) | `medium` (from `baseline`) |"),
        "{markdown}"
    );
    assert!(project.client.shutdown());
}

#[test]
fn hover_shows_a_regions_geography_and_pair_and_keyword_docs() {
    let mut project = Project::standard();
    let source = MAIN.replace(
        r#"["swedencentral", "westeurope"] redundancy"#,
        r#"["swedencentral", "west$0europe"] redundancy"#,
    );
    let (_, position) = project.open("main.charter", &source);
    let hover = project
        .client
        .result("textDocument/hover", project.at("main.charter", &position));
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.contains("region \"westeurope\""), "{markdown}");
    assert!(markdown.contains("- geography: "), "{markdown}");
    assert!(
        markdown.contains("- paired with: `northeurope`"),
        "{markdown}"
    );

    let source = MAIN.replace("global_standard", "global_$0standard");
    let (_, position) = project.open("main.charter", &source);
    let hover = project
        .client
        .result("textDocument/hover", project.at("main.charter", &position));
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.starts_with("**global_standard**"), "{markdown}");
    assert!(project.client.shutdown());
}

#[test]
fn hover_on_a_diagnostic_shows_its_explanation() {
    let mut project = Project::standard();
    let source = MAIN.replace("filter: strict", "filter: stri$0kt");
    let (_, position) = project.open("main.charter", &source);
    let hover = project
        .client
        .result("textDocument/hover", project.at("main.charter", &position));
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.contains("**E0101**"), "{markdown}");
    assert!(project.client.shutdown());
}

#[test]
fn definition_goes_to_project_files_and_into_the_read_only_stdlib() {
    // The filter is declared in filters.charter, which is never opened: wait for the scan.
    let mut project = Project::standard().scanned(&["filters.charter", "main.charter"]);
    let source = MAIN.replace("filters: at_least baseline", "filters: at_least base$0line");
    let (_, position) = project.open("main.charter", &source);
    let found = project.client.result(
        "textDocument/definition",
        project.at("main.charter", &position),
    );
    assert_eq!(found["uri"], project.uri("filters.charter"));
    assert_eq!(text_of_range(FILTERS, &found["range"]), "baseline");

    let source = MAIN.replace(r#"allow "gpt-4.1-mini""#, r#"allow "gpt-4.1-m$0ini""#);
    let (_, position) = project.open("main.charter", &source);
    let found = project.client.result(
        "textDocument/definition",
        project.at("main.charter", &position),
    );
    let path = url::Url::parse(found["uri"].as_str().unwrap_or_default())
        .expect("uri")
        .to_file_path()
        .expect("a file");
    let stdlib = std::fs::read_to_string(&path).expect("the stdlib copy exists");
    assert_eq!(text_of_range(&stdlib, &found["range"]), "\"gpt-4.1-mini\"");
    assert!(std::fs::metadata(&path)
        .expect("metadata")
        .permissions()
        .readonly());
    assert!(project.client.shutdown());
}

#[test]
fn completion_offers_fields_keywords_names_and_catalog_entries_by_context() {
    let mut project = Project::standard();
    let cases: &[(&str, &str, &[&str], &[&str])] = &[
        // Field names valid in this block, not the ones already there.
        (
            "    filter: strict\n",
            "    $0\n",
            &["filter"],
            &["model", "deployment"],
        ),
        // Keywords of this field.
        (
            "  effect: deny",
            "  effect: $0",
            &["deny", "audit", "disabled"],
            &["low"],
        ),
        // Modifier keywords.
        (
            "redundancy active_passive",
            "redundancy $0",
            &["none", "active_passive", "active_active"],
            &[],
        ),
        // Declared filters, the project's first.
        (
            "filter: strict",
            "filter: $0",
            &["baseline", "strict", "std.filters.default"],
            &["contoso_ai"],
        ),
        // Versions of the model named in the phrase, inside quotes.
        (
            r#"version "2025-04-14"
    deployment"#,
            r#"version "$0"
    deployment"#,
            &["2025-04-14"],
            &["2024-07-18"],
        ),
        // Regions the governing policy allows, inside quotes.
        (
            r#"["swedencentral", "westeurope"] redundancy"#,
            r#"["swedencentral", "$0"] redundancy"#,
            &["eastus2", "swedencentral", "westeurope"],
            &["japaneast"],
        ),
        // Apps of this workload.
        (
            "serves: [chat_web, chat_mobile]",
            "serves: [$0]",
            &["chat_web", "chat_mobile"],
            &[],
        ),
        // What an exemption exempts: a scope, one resource or an endpoint's account...
        (
            "  scope: management_group(\"contoso-ai\")\n",
            "  scope: management_group(\"contoso-ai\")\n  exempt $0\n",
            &["resource_group", "resource", "endpoint"],
            &[],
        ),
        // ...where a policy is assigned, no single resource.
        (
            "  scope: management_group(\"contoso-ai\")\n",
            "  scope: $0\n",
            &["management_group", "resource_group"],
            &["resource", "endpoint"],
        ),
    ];
    for (from, to, wanted, unwanted) in cases {
        assert!(MAIN.contains(from), "fixture lacks {from:?}");
        let (_, position) = project.open("main.charter", &MAIN.replacen(from, to, 1));
        let completion = project.client.result(
            "textDocument/completion",
            project.at("main.charter", &position),
        );
        let offered = labels(&completion);
        for label in *wanted {
            assert!(
                offered.iter().any(|o| o == label),
                "{to:?}: {label} missing from {offered:?}"
            );
        }
        for label in *unwanted {
            assert!(
                !offered.iter().any(|o| o == label),
                "{to:?}: {label} offered in {offered:?}"
            );
        }
    }
    // Inside a model name: allowed models first, and the edit replaces what was typed.
    let (clean, position) = project.open(
        "main.charter",
        &MAIN.replace(r#"model "gpt-4.1" version"#, r#"model "gpt$0" version"#),
    );
    let completion = project.client.result(
        "textDocument/completion",
        project.at("main.charter", &position),
    );
    let offered = labels(&completion);
    assert_eq!(&offered[..2], &["gpt-4.1", "gpt-4.1-mini"], "{offered:?}");
    let edit = &completion["items"][0]["textEdit"];
    assert_eq!(text_of_range(&clean, &edit["range"]), "gpt");
    assert!(project.client.shutdown());
}

#[test]
fn references_and_rename_cover_every_file() {
    // main.charter is never opened: its references come from the workspace scan.
    let mut project = Project::standard().scanned(&["filters.charter", "main.charter"]);
    let (_, position) = project.open(
        "filters.charter",
        &FILTERS.replace("filter baseline", "filter base$0line"),
    );
    let params = json!({"textDocument": {"uri": project.uri("filters.charter")}, "position": position, "context": {"includeDeclaration": true}});
    let found = project.client.result("textDocument/references", params);
    let mut places: Vec<(String, String)> = found
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|location| {
            let file = if location["uri"] == project.uri("main.charter") {
                MAIN
            } else {
                FILTERS
            };
            let name = if file == MAIN { "main" } else { "filters" };
            (
                name.to_string(),
                text_of_range(file, &location["range"]).to_string(),
            )
        })
        .collect();
    places.sort();
    assert_eq!(
        places,
        [
            ("filters".to_string(), "baseline".to_string()),
            ("filters".into(), "baseline".into()),
            ("main".into(), "baseline".into())
        ]
    );

    let prepared = project.client.result(
        "textDocument/prepareRename",
        project.at("filters.charter", &position),
    );
    assert_eq!(text_of_range(FILTERS, &prepared), "baseline");
    let mut params = project.at("filters.charter", &position);
    params["newName"] = json!("floor");
    let edit = project.client.result("textDocument/rename", params.clone());
    let changes = edit["changes"].as_object().cloned().unwrap_or_default();
    assert_eq!(
        changes[&project.uri("filters.charter")]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        changes[&project.uri("main.charter")]
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    params["newName"] = json!("strict");
    let refused = project
        .client
        .request("textDocument/rename", params.clone());
    assert_eq!(
        refused["error"]["message"], "a filter named `strict` already exists",
        "{refused}"
    );

    params["newName"] = json!("not a name");
    let refused = project.client.request("textDocument/rename", params);
    assert_eq!(refused["error"]["code"], -32803, "{refused}");

    // Catalog names cannot be renamed.
    let (_, position) = project.open(
        "main.charter",
        &MAIN.replace(r#"allow "gpt-4.1-mini""#, r#"allow "gpt-4.1-m$0ini""#),
    );
    let prepared = project.client.result(
        "textDocument/prepareRename",
        project.at("main.charter", &position),
    );
    assert_eq!(prepared, Value::Null);
    assert!(project.client.shutdown());
}

#[test]
fn code_actions_apply_the_compilers_fix() {
    let mut project = Project::standard();
    let source = MAIN
        .replace(
            r#"allow "gpt-4.1-mini""#,
            r#"allow "gpt-4.1-mini"
    allow "gpt-35-turbo""#,
        )
        .replace(
            r#"model "gpt-4.1" version "2025-04-14""#,
            r#"model "gpt-35-turbo" version "11$006""#,
        );
    let (clean, position) = project.open("main.charter", &source);
    let uri = project.uri("main.charter");
    project.client.diagnostics_where(&uri, |d| !d.is_empty());
    let params = json!({
        "textDocument": {"uri": uri},
        "range": {"start": position, "end": position},
        "context": {"diagnostics": []},
    });
    let actions = project.client.result("textDocument/codeAction", params);
    let action = actions
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|a| {
                    a["title"]
                        .as_str()
                        .is_some_and(|t| t.contains("gpt-4.1-mini"))
                })
                .cloned()
        })
        .unwrap_or_else(|| panic!("no successor fix in {actions}"));
    assert_eq!(action["kind"], "quickfix");
    let edit = &action["edit"]["changes"][&uri][0];
    let mut fixed = clean.clone();
    let range = text_of_range(&clean, &edit["range"]).to_string();
    fixed = fixed.replacen(&range, edit["newText"].as_str().unwrap_or_default(), 1);
    assert!(
        fixed.contains(r#"model "gpt-4.1-mini" version "2025-04-14""#),
        "{fixed}"
    );
    assert!(project.client.shutdown());
}

#[test]
fn document_and_workspace_symbols() {
    let mut project = Project::standard().scanned(&["filters.charter", "main.charter"]);
    let outline = project.client.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": project.uri("main.charter")}}),
    );
    let names: Vec<&str> = outline
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["contoso_ai", "customer_support"]);
    let children: Vec<&str> = outline[1]["children"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(children, ["support_chat"]);
    assert_eq!(
        text_of_range(MAIN, &outline[1]["selectionRange"]),
        "customer_support"
    );

    let found = project
        .client
        .result("workspace/symbol", json!({"query": "strict"}));
    let names: Vec<&str> = found
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(&names[..2], ["strict", "std.filters.strict"], "{names:?}");
    assert!(project.client.shutdown());
}

#[test]
fn formatting_uses_the_canonical_formatter() {
    let mut project = Project::standard();
    let messy =
        "filter   loose extends std.filters.default {\n        prompt {   hate: high }\n}\n";
    project.open("loose.charter", messy);
    let uri = project.uri("loose.charter");
    let edits = project.client.result(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let edits = edits.as_array().cloned().unwrap_or_default();
    assert_eq!(edits.len(), 1);
    let range = text_of_range(messy, &edits[0]["range"]).to_string();
    let formatted = messy.replacen(&range, edits[0]["newText"].as_str().unwrap_or_default(), 1);
    assert_eq!(
        formatted,
        charter_syntax::format::format_source(charter_syntax::FileId(0), messy).unwrap_or_default()
    );
    // A document that does not parse is left alone.
    project.open("broken.charter", "filter {");
    let none = project.client.result("textDocument/formatting", json!({"textDocument": {"uri": project.uri("broken.charter")}, "options": {"tabSize": 2, "insertSpaces": true}}));
    assert_eq!(none, Value::Null);
    assert!(project.client.shutdown());
}

#[test]
fn semantic_tokens_and_inlay_hints() {
    let mut project = Project::standard().scanned(&["filters.charter", "main.charter"]);
    let tokens = project.client.result(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": project.uri("filters.charter")}}),
    );
    let data: Vec<u64> = tokens["data"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default();
    assert_eq!(data.len() % 5, 0);
    // Decode: the first token is the doc comment, then `filter` (keyword) and `baseline` (a
    // declared name).
    let mut decoded = Vec::new();
    let (mut line, mut start) = (0, 0);
    for token in data.chunks(5) {
        if token[0] > 0 {
            line += token[0];
            start = token[1];
        } else {
            start += token[1];
        }
        let position = json!({"line": line, "character": start});
        let end = json!({"line": line, "character": start + token[2]});
        decoded.push((
            text_of_range(FILTERS, &json!({"start": position, "end": end})).to_string(),
            token[3],
            token[4],
        ));
    }
    assert_eq!(
        decoded[0],
        (
            "/// Organisation-wide minimum for every deployment.".to_string(),
            5,
            2
        )
    );
    assert_eq!(decoded[1], ("filter".to_string(), 0, 0));
    assert_eq!(decoded[2], ("baseline".to_string(), 7, 1));

    let hints = project.client.result(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": project.uri("main.charter")}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}}}),
    );
    let labels: Vec<&str> = hints
        .as_array()
        .map(|a| a.iter().filter_map(|h| h["label"].as_str()).collect())
        .unwrap_or_default();
    assert!(labels.contains(&" retires 2027-04-14"), "{labels:?}");
    let hints = project.client.result(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": project.uri("filters.charter")}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}}}),
    );
    let labels: Vec<&str> = hints
        .as_array()
        .map(|a| a.iter().filter_map(|h| h["label"].as_str()).collect())
        .unwrap_or_default();
    assert!(labels.contains(&" inherits violence: medium, self_harm: medium, jailbreak: block, indirect_attack: annotate"), "{labels:?}");
    assert!(project.client.shutdown());
}

#[test]
fn positions_count_utf16_units_on_lines_with_accents_euros_and_emoji() {
    let mut project = Project::standard();
    // `é` is one UTF-16 unit (two bytes), `€` one unit (three bytes), `😀` two units (four bytes).
    let source = MAIN.replace(
        "  filters: at_least baseline",
        "  /* é€😀 */ filters: at_least basline",
    );
    project.open("main.charter", &source);
    let uri = project.uri("main.charter");
    let diagnostics = project
        .client
        .diagnostics_where(&uri, |d| d.iter().any(|d| d["code"] == "E0101"));
    let unknown = diagnostics
        .iter()
        .find(|d| d["code"] == "E0101")
        .expect("an unknown-name diagnostic");
    let offset = source.find("basline").expect("the misspelling");
    assert_eq!(unknown["range"]["start"], position_of(&source, offset));
    assert_eq!(unknown["range"]["start"]["character"], 31);
    assert_eq!(text_of_range(&source, &unknown["range"]), "basline");

    // Hover and definition at a position after the emoji land on the right name.
    let fixed = source.replace("basline", "baseline");
    let marked = fixed.replace("at_least baseline", "at_least base$0line");
    let (_, position) = project.open("main.charter", &marked);
    let found = project.client.result(
        "textDocument/definition",
        project.at("main.charter", &position),
    );
    assert_eq!(text_of_range(FILTERS, &found["range"]), "baseline");
    let hover = project
        .client
        .result("textDocument/hover", project.at("main.charter", &position));
    assert_eq!(text_of_range(&fixed, &hover["range"]), "baseline");

    // Completion after the emoji replaces exactly the partial word.
    let marked = fixed.replace("at_least baseline", "at_least ba$0");
    let (clean, position) = project.open("main.charter", &marked);
    let completion = project.client.result(
        "textDocument/completion",
        project.at("main.charter", &position),
    );
    let first = &completion["items"][0];
    assert_eq!(first["label"], "baseline");
    assert_eq!(text_of_range(&clean, &first["textEdit"]["range"]), "ba");
    assert!(project.client.shutdown());
}

#[test]
fn highlights_and_folding_ranges() {
    let mut project = Project::standard();
    let (_, position) = project.open(
        "filters.charter",
        &FILTERS.replace(
            "filter strict extends baseline",
            "filter strict extends base$0line",
        ),
    );
    let highlights = project.client.result(
        "textDocument/documentHighlight",
        project.at("filters.charter", &position),
    );
    let found: Vec<(String, u64)> = highlights
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|h| {
            (
                text_of_range(FILTERS, &h["range"]).to_string(),
                h["kind"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        found,
        [("baseline".to_string(), 3), ("baseline".to_string(), 2)]
    );

    let folds = project.client.result(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": project.uri("filters.charter")}}),
    );
    let lines: Vec<(u64, u64)> = folds
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|f| {
            (
                f["startLine"].as_u64().unwrap_or(0),
                f["endLine"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    // The filter body, its prompt and completion blocks; the one-line blocks of `strict` do
    // not fold.
    assert_eq!(lines, [(1, 17), (2, 8), (10, 16), (21, 23)]);
    assert!(project.client.shutdown());
}

/// Two policies assigned at one subscription, the workload governed by the laxer one: the
/// checker is content, and only the self-compliance proof (run on its own thread) finds that
/// the stricter policy denies the endpoint's deployment.
const LOCKDOWN: &str = r#"policy guardrails {
  scope: subscription("prod")
}

policy lockdown {
  scope: subscription("prod")
  models {
    allow "gpt-5.4-mini" versions ["2026-03-17"]
  }
}
"#;

const SUPPORT: &str = r#"workload support {
  governed_by: guardrails
  environment: prod
  subscription: "prod"
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#;

#[test]
fn the_self_compliance_proof_reaches_the_editor_and_its_findings_clear_when_fixed() {
    let mut project = Project::new(&[("policies.charter", LOCKDOWN), ("support.charter", SUPPORT)]);
    let support = project.uri("support.charter");
    let denied = project.client.diagnostics_where(&support, |diagnostics| {
        diagnostics.iter().any(|d| d["code"] == "E0801")
    });
    let finding = denied
        .iter()
        .find(|d| d["code"] == "E0801")
        .expect("the proof's finding");
    assert_eq!(finding["severity"], 1, "{finding}");
    assert!(
        finding["message"]
            .as_str()
            .is_some_and(|m| m.contains("the initiative Charter emits denies")),
        "{finding}"
    );
    // Allowing the model in the stricter policy clears the finding in the other file.
    let policies = project.uri("policies.charter");
    let fixed = LOCKDOWN.replace(
        "allow \"gpt-5.4-mini\" versions [\"2026-03-17\"]",
        "allow \"gpt-5.4-mini\" versions [\"2026-03-17\"]\n    allow \"gpt-5.6-sol\" versions [\"2026-07-09\"]",
    );
    project.client.open(&policies, LOCKDOWN);
    project
        .client
        .change(&policies, 2, json!([{ "text": fixed }]));
    project
        .client
        .diagnostics_where(&support, |diagnostics| diagnostics.is_empty());
    assert!(project.client.shutdown());
}

/// With no patience the proof's findings always come in a publication of their own: they still
/// arrive, they survive edits to files they do not involve (no flicker), and fixing the source
/// clears them.
#[test]
fn the_proof_published_after_the_checker_survives_unrelated_edits() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, text) in [
        ("policies.charter", LOCKDOWN),
        ("support.charter", SUPPORT),
        (
            "notes.charter",
            "filter notes extends std.filters.default {\n}\n",
        ),
    ] {
        std::fs::write(dir.path().join(name), text).expect("write a fixture");
    }
    let mut client = Client::start_with_options(Some(dir.path()), json!({ "proofPatienceMs": 0 }));
    let support = file_uri(&dir.path().join("support.charter"));
    let notes = file_uri(&dir.path().join("notes.charter"));
    let policies = file_uri(&dir.path().join("policies.charter"));
    client.diagnostics_where(&support, |diagnostics| {
        diagnostics.iter().any(|d| d["code"] == "E0801")
    });
    // Everything published for `support.charter` from here on is kept to look at.
    client.notifications.clear();
    let note = "filter notes extends std.filters.default {\n}\n";
    client.open(&notes, note);
    for version in 2..6 {
        let text = format!("{note}{}", "\n".repeat(version as usize));
        client.change(&notes, version, json!([{ "text": text }]));
        // A request answers only after the edit is checked.
        client.result(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": notes } }),
        );
    }
    // Each edit's publications were sent before its request was answered: a withdrawal of the
    // support file's findings would be among them.
    let withdrawn: Vec<&Value> = client
        .notifications
        .iter()
        .filter(|n| n["params"]["uri"] == support.as_str())
        .collect();
    assert!(
        withdrawn.is_empty(),
        "the proof's findings were republished while unrelated files were edited: {withdrawn:?}"
    );
    let fixed = LOCKDOWN.replace(
        "allow \"gpt-5.4-mini\" versions [\"2026-03-17\"]",
        "allow \"gpt-5.4-mini\" versions [\"2026-03-17\"]\n    allow \"gpt-5.6-sol\" versions [\"2026-07-09\"]",
    );
    client.open(&policies, LOCKDOWN);
    client.change(&policies, 2, json!([{ "text": fixed }]));
    client.diagnostics_where(&support, |diagnostics| diagnostics.is_empty());
    assert!(client.shutdown());
}

/// A project with a hierarchy: a production group and a sandbox beside it.
const HIERARCHY: &str = r#"management_group "contoso" {
  management_group "contoso-prod" {
    environment: prod
    subscription "support-prod" {
      id: "1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71"
      resource_groups: ["rg-support"]
    }
  }
}

policy guardrails {
  scope: management_group("contoso")
}

policy lockdown {
  scope: subscription("support-prod")
  exempt resource_group("rg-support") until 2027-01-31 as waiver "Migration"
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
}
"#;

#[test]
fn hover_on_a_workload_shows_its_place_and_every_policy_that_applies() {
    let mut project = Project::new(&[("main.charter", HIERARCHY)]);
    let source = HIERARCHY.replace("workload support", "workload sup$0port");
    let (_, position) = project.open("main.charter", &source);
    let hover = project
        .client
        .result("textDocument/hover", project.at("main.charter", &position));
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        markdown.contains(
            "lives in `contoso / contoso-prod / support-prod / rg-support` (prod environment)"
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains("- `guardrails`, assigned at management group `contoso`"),
        "{markdown}"
    );
    assert!(
        markdown.contains("- `lockdown`, assigned at subscription `support-prod` (exempted at resource group `rg-support` of subscription `support-prod` until 2027-01-31)"),
        "{markdown}"
    );
    assert!(project.client.shutdown());
}

#[test]
fn hover_on_a_subscription_shows_its_place_and_id() {
    let mut project = Project::new(&[("main.charter", HIERARCHY)]);
    let source = HIERARCHY.replace(
        r#"subscription "support-prod" {"#,
        r#"subscription "support-$0prod" {"#,
    );
    let (_, position) = project.open("main.charter", &source);
    let hover = project
        .client
        .result("textDocument/hover", project.at("main.charter", &position));
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        markdown
            .contains("subscription \"support-prod\" (id 1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71)"),
        "{markdown}"
    );
    assert!(
        markdown.contains("at `contoso / contoso-prod / support-prod` (prod environment)"),
        "{markdown}"
    );
    assert!(
        markdown.contains("policies assigned at or above it: `guardrails`, `lockdown`"),
        "{markdown}"
    );
    assert_eq!(
        text_of_range(HIERARCHY, &hover["range"]),
        "\"support-prod\""
    );
    assert!(project.client.shutdown());
}

#[test]
fn hover_on_a_business_unit_lists_its_resource_group_and_projects() {
    let mut project = Project::standard();
    let source = format!(
        "{}\n/// Customer service.\nbusiness_unit customer_service {{\n  resource_group: \"rg-foundry-cs\"\n}}\n",
        MAIN.replace(
            "  resource_group: \"rg-support-ai\"\n",
            "  resource_group: \"rg-support-ai\"\n  business_unit: customer_se$0rvice\n",
        )
    );
    let (_, position) = project.open("main.charter", &source);
    let hover = project
        .client
        .result("textDocument/hover", project.at("main.charter", &position));
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        markdown.contains("business_unit customer_service"),
        "{markdown}"
    );
    assert!(
        markdown.contains("- resource_group: `\"rg-foundry-cs\"`"),
        "{markdown}"
    );
    assert!(
        markdown.contains("projects: `customer_support`"),
        "{markdown}"
    );
    assert!(project.client.shutdown());
}
