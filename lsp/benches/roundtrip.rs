//! Round-trip benchmark of the real `charter-lsp` binary over stdio, on a generated
//! 5,000-line project file: time from an edit to its `publishDiagnostics`, hover and
//! completion latencies (p50/p99/max), a burst of edits (coalescing), and the server's RSS.
//!
//! Run with `cargo bench -p charter-lsp --bench roundtrip` (add `-- --quick` for fewer rounds,
//! `-- --rounds 2000` for a long session, `-- --lines 20000` for a larger file, and
//! `-- --in-process` to measure only the compiler's share in this process, for callgrind).

#[path = "../tests/it/client.rs"]
mod client;

use std::time::{Duration, Instant};

use client::{file_uri, Client};
use serde_json::json;

/// Lines in the generated file (`--lines N` changes it).
const TARGET_LINES: usize = 5_000;

/// The value after `--name` on the command line.
fn option(name: &str) -> Option<usize> {
    std::env::args()
        .skip_while(|arg| arg != name)
        .nth(1)
        .and_then(|n| n.parse::<usize>().ok())
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    // `--rounds N` for a long session (memory should stay flat).
    let rounds = option("--rounds").unwrap_or(if quick { 30 } else { 200 });
    let in_process = std::env::args().any(|arg| arg == "--in-process");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let source = generate_project(option("--lines").unwrap_or(TARGET_LINES));
    let line_count = source.lines().count();
    let path = dir.path().join("big.charter");
    std::fs::write(&path, &source).expect("write the project");

    // Edits: alternately break and repair one reference near the end of the file, so every
    // edit changes the diagnostics, and wait for the publication of that version.
    let edit_line = source
        .lines()
        .position(|line| line.contains("filter: filter_0100"))
        .unwrap_or(line_count - 10);
    let column = source
        .lines()
        .nth(edit_line)
        .map_or(0, |line| line.find("filter_0100").unwrap_or(0))
        + "filter_0".len();
    let mut server = (!in_process)
        .then(|| server_round_trip(&source, dir.path(), &path, rounds, edit_line, column));

    // In-process breakdown: what the compiler alone takes on the same sources.
    let mut compile_times = Vec::with_capacity(rounds);
    let mut parse_project_times = Vec::with_capacity(rounds);
    let mut parse_stdlib_times = Vec::with_capacity(rounds);
    let mut reparse_times = Vec::with_capacity(rounds);
    let mut compile_parsed_times = Vec::with_capacity(rounds);
    let mut clone_stdlib_times = Vec::with_capacity(rounds);
    // The same edit as above, made in the text: the cached re-parse sees one changed item.
    let edit_offset = source
        .lines()
        .take(edit_line)
        .map(|line| line.len() + 1)
        .sum::<usize>()
        + column;
    let edited = format!("{}x{}", &source[..edit_offset], &source[edit_offset..]);
    let mut cache = charter_syntax::incremental::ItemCache::new();
    charter_syntax::incremental::parse_with_cache(charter_syntax::FileId(0), &source, &mut cache);
    let options = charter_test_support::options();
    for _ in 0..rounds.min(50) {
        // (`--in-process` measures the edits alone, for callgrind.)
        if !in_process {
            whole_compile(
                &source,
                &options,
                &mut compile_times,
                &mut parse_project_times,
                &mut parse_stdlib_times,
            );
        }
        let text = if reparse_times.len().is_multiple_of(2) {
            &edited
        } else {
            &source
        };
        let started = Instant::now();
        let parsed = charter_syntax::incremental::parse_with_cache(
            charter_syntax::FileId(0),
            text,
            &mut cache,
        );
        reparse_times.push(started.elapsed());
        assert_eq!(
            cache.stats().misses,
            1,
            "one item re-parsed: {:?}",
            cache.stats()
        );
        let document = charter_compiler::Document {
            id: charter_syntax::FileId(0),
            path: "big.charter".to_string(),
            text: text.clone(),
            is_stdlib: false,
        };
        let started = Instant::now();
        let compilation = charter_compiler::compile_parsed(vec![(document, parsed)], &options);
        compile_parsed_times.push(started.elapsed());
        // What `compile` spends copying the cached stdlib trees (and texts) into each result.
        let started = Instant::now();
        std::hint::black_box(compilation.trees[1..].to_vec());
        std::hint::black_box(
            charter_compiler::STDLIB
                .iter()
                .map(|(_, text)| (*text).to_string())
                .collect::<Vec<_>>(),
        );
        clone_stdlib_times.push(started.elapsed());
        // As the server does: the tree goes back to the cache when the analysis is replaced.
        let charter_compiler::Compilation {
            mut trees,
            documents,
            ..
        } = compilation;
        if let Some(tree) = std::sync::Arc::get_mut(&mut trees[0]) {
            cache.reclaim(&documents[0].text, std::mem::replace(tree, empty_tree()));
        }
    }

    println!(
        "charter-lsp round trip: {line_count}-line file, {rounds} rounds (release: {})",
        !cfg!(debug_assertions)
    );
    println!("| measure | p50 | p99 | max |");
    println!("| --- | --- | --- | --- |");
    if let Some(server) = &mut server {
        row("edit -> publishDiagnostics", &mut server.edit_times);
        row("hover", &mut server.hover_times);
        row("completion", &mut server.completion_times);
        row("semantic tokens (whole file)", &mut server.token_times);
        row("document symbols (whole file)", &mut server.symbol_times);
    }
    if !in_process {
        row("in-process: compile (project + stdlib)", &mut compile_times);
        row(
            "in-process: parse the project file",
            &mut parse_project_times,
        );
        row("in-process: parse the stdlib", &mut parse_stdlib_times);
    }
    row(
        "in-process: re-parse the project file after an edit (cached)",
        &mut reparse_times,
    );
    row(
        "in-process: compile_parsed (project + stdlib)",
        &mut compile_parsed_times,
    );
    row(
        "in-process: copy the stdlib trees and texts",
        &mut clone_stdlib_times,
    );
    if let Some(server) = &server {
        println!();
        println!("startup to first diagnostics: {}", ms(server.startup));
        println!(
            "burst of {} edits -> last publishDiagnostics: {} ({} publications)",
            server.burst,
            ms(server.burst_time),
            server.publications + 1
        );
        println!(
            "server RSS: {} KiB after the first check, {} KiB at the end",
            server.rss_before, server.rss_after
        );
    }
}

/// What the round trips with the real server measured.
struct ServerFigures {
    startup: Duration,
    edit_times: Vec<Duration>,
    hover_times: Vec<Duration>,
    completion_times: Vec<Duration>,
    token_times: Vec<Duration>,
    symbol_times: Vec<Duration>,
    burst: usize,
    burst_time: Duration,
    publications: usize,
    rss_before: u64,
    rss_after: u64,
}

/// Edits, hovers, completions and whole-file requests sent to the real `charter-lsp`.
fn server_round_trip(
    source: &str,
    root: &std::path::Path,
    path: &std::path::Path,
    rounds: usize,
    edit_line: usize,
    column: usize,
) -> ServerFigures {
    let uri = file_uri(path);
    let started = Instant::now();
    let mut client = Client::start_process(Some(root));
    let initial = client.diagnostics(&uri);
    let startup = started.elapsed();
    assert!(
        initial.is_empty(),
        "the generated project should check cleanly: {:?}",
        &initial[..initial.len().min(3)]
    );
    let pid = client.pid();
    let rss_before = rss_kib(pid);

    client.open(&uri, source);
    client.diagnostics(&uri);

    let mut edit_times = Vec::with_capacity(rounds);
    let mut version = 1;
    for round in 0..rounds {
        version += 1;
        let (range_end, text) = if round.is_multiple_of(2) {
            (column, "x")
        } else {
            (column + 1, "")
        };
        let started = Instant::now();
        client.change(
            &uri,
            version,
            json!([{"range": {"start": {"line": edit_line, "character": column}, "end": {"line": edit_line, "character": range_end}}, "text": text}]),
        );
        let expected_version = version;
        client.notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str() && p["version"] == expected_version
        });
        edit_times.push(started.elapsed());
    }

    // A burst of edits sent back to back: the server coalesces them into few compilations.
    let burst = 50;
    let started = Instant::now();
    for round in 0..burst {
        version += 1;
        let (range_end, text) = if (rounds + round).is_multiple_of(2) {
            (column, "x")
        } else {
            (column + 1, "")
        };
        client.change(
            &uri,
            version,
            json!([{"range": {"start": {"line": edit_line, "character": column}, "end": {"line": edit_line, "character": range_end}}, "text": text}]),
        );
    }
    let last_version = version;
    client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str() && p["version"] == last_version
    });
    let burst_time = started.elapsed();
    let publications = client.notifications.len();
    client.notifications.clear();

    // Hover over a filter reference, and completion of a field value, spread over the file.
    let reference_lines: Vec<usize> = source
        .lines()
        .enumerate()
        .filter(|(_, line)| line.trim_start().starts_with("filter: filter_"))
        .map(|(index, _)| index)
        .collect();
    let mut hover_times = Vec::with_capacity(rounds);
    let mut completion_times = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let line = reference_lines[round % reference_lines.len()];
        let position = json!({"line": line, "character": 14});
        let started = Instant::now();
        let reply = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": position}),
        );
        hover_times.push(started.elapsed());
        assert!(
            reply["result"]["contents"].is_object(),
            "hover answered: {reply}"
        );

        let position = json!({"line": line, "character": 12});
        let started = Instant::now();
        let reply = client.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": position}),
        );
        completion_times.push(started.elapsed());
        assert!(
            reply["result"]["items"]
                .as_array()
                .is_some_and(|items| !items.is_empty()),
            "completion answered: {reply}"
        );
    }
    // Whole-file requests an editor sends after each edit.
    let mut token_times = Vec::with_capacity(rounds);
    let mut symbol_times = Vec::with_capacity(rounds);
    for _ in 0..rounds.min(50) {
        let started = Instant::now();
        let reply = client.request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": uri}}),
        );
        token_times.push(started.elapsed());
        assert!(
            reply["result"]["data"].is_array(),
            "semantic tokens answered: {reply}"
        );
        let started = Instant::now();
        let reply = client.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
        symbol_times.push(started.elapsed());
        assert!(
            reply["result"].is_array(),
            "document symbols answered: {reply}"
        );
    }
    let rss_after = rss_kib(pid);
    assert!(client.shutdown());
    ServerFigures {
        startup,
        edit_times,
        hover_times,
        completion_times,
        token_times,
        symbol_times,
        burst,
        burst_time,
        publications,
        rss_before,
        rss_after,
    }
}

/// A full compile, a parse of the project file and of the stdlib, timed.
fn whole_compile(
    source: &str,
    options: &charter_compiler::Options,
    compile_times: &mut Vec<Duration>,
    parse_project_times: &mut Vec<Duration>,
    parse_stdlib_times: &mut Vec<Duration>,
) {
    let document = charter_compiler::Document {
        id: charter_syntax::FileId(0),
        path: "big.charter".to_string(),
        text: source.to_string(),
        is_stdlib: false,
    };
    let started = Instant::now();
    let compilation = charter_compiler::compile(vec![document], options);
    compile_times.push(started.elapsed());
    std::hint::black_box(compilation);
    let started = Instant::now();
    std::hint::black_box(charter_syntax::parse(charter_syntax::FileId(0), source));
    parse_project_times.push(started.elapsed());
    let started = Instant::now();
    for (index, (_, text)) in charter_compiler::STDLIB.iter().enumerate() {
        std::hint::black_box(charter_syntax::parse(
            charter_syntax::FileId(index as u32 + 1),
            text,
        ));
    }
    parse_stdlib_times.push(started.elapsed());
}

fn empty_tree() -> charter_syntax::ast::SourceFile {
    charter_syntax::ast::SourceFile {
        items: Vec::new(),
        dangling_comments: Vec::new(),
        span: charter_syntax::Span::new(charter_syntax::FileId(0), 0, 0),
    }
}

fn row(what: &str, times: &mut [Duration]) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "| {what} | {} | {} | {} |",
        ms(at(0.5)),
        ms(at(0.99)),
        ms(times[times.len() - 1])
    );
}

fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

/// The resident set size of a process, from `/proc` (0 where there is none).
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}

/// A valid project of about `lines` lines: filters (each extending the previous), policies,
/// and workloads with endpoints that refer to them.
fn generate_project(lines: usize) -> String {
    let mut out = String::from(
        "/// The base of every generated filter.\nfilter filter_0000 extends std.filters.default {\n  prompt { hate: low }\n}\n\n",
    );
    let mut index = 1;
    while out.lines().count() < lines {
        let previous = index - 1;
        out.push_str(&format!(
            r#"/// Generated filter {index}.
filter filter_{index:04} extends filter_{previous:04} {{
  prompt {{
    sexual: low
    violence: medium
  }}
  completion {{
    hate: low
    self_harm: medium
  }}
}}

/// Generated policy {index}.
policy policy_{index:04} {{
  scope: subscription("sub-{index}")
  effect: audit
  models {{
    allow "gpt-5.6-sol" versions ["2026-07-09"]
  }}
  filters: at_least filter_0000
  regions: ["swedencentral", "westeurope", "eastus2"]
  max_capacity: 500 units
}}

/// Generated workload {index}.
workload workload_{index:04} {{
  governed_by: policy_{index:04}
  environment: prod
  resource_group: "rg-{index}"
  apps: [app_{index:04}]

  endpoint chat_{index:04} {{
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 50
    filter: filter_{index:04}
    regions: ["swedencentral", "westeurope"] redundancy active_passive
    serves: [app_{index:04}]
  }}
}}

"#
        ));
        index += 1;
    }
    out
}
