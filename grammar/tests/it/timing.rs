//! Prints how long parsing and formatting a generated 10,000-line file takes. No assertion on
//! time (machines differ); run `cargo test --release -p charter-syntax --test it timing --
//! --nocapture` to read the numbers.
#![expect(
    clippy::disallowed_methods,
    clippy::disallowed_macros,
    reason = "a timing report measures the clock and prints"
)]

use std::time::Instant;

use charter_syntax::format::format_source;
use charter_syntax::{parse, FileId};

/// The DESIGN.md example repeated, with fresh names, until the file has `lines` lines.
fn generated_source(lines: usize) -> String {
    let example = include_str!("../fixtures/valid/design.charter");
    let mut text = String::new();
    let mut copy = 0;
    while text.lines().count() < lines {
        let renamed = example
            .replace("baseline", &format!("baseline_{copy}"))
            .replace("strict", &format!("strict_{copy}"))
            .replace("contoso_ai", &format!("contoso_ai_{copy}"))
            .replace("customer_support", &format!("customer_support_{copy}"));
        text.push_str(&renamed);
        text.push('\n');
        copy += 1;
    }
    text
}

/// Nanoseconds this thread has run on a CPU (Linux), so that the number means something on a
/// loaded machine where wall time does not.
fn thread_cpu_nanos() -> Option<u64> {
    let schedstat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    schedstat.split_whitespace().next()?.parse().ok()
}

#[test]
fn parse_time_of_a_ten_thousand_line_file() {
    let text = generated_source(10_000);
    let parsed = parse(FileId(0), &text);
    assert!(parsed.diagnostics.is_empty());
    // One run in debug builds keeps `cargo test` quick; release builds take the best of 20.
    let runs = if cfg!(debug_assertions) { 1 } else { 20 };
    let mut best = f64::MAX;
    let cpu_before = thread_cpu_nanos();
    for _ in 0..runs {
        let start = Instant::now();
        let parsed = parse(FileId(0), &text);
        best = best.min(start.elapsed().as_secs_f64());
        assert!(!parsed.file.items.is_empty());
    }
    let cpu_per_run = match (cpu_before, thread_cpu_nanos()) {
        (Some(before), Some(after)) => {
            format!("{:.2} ms", (after - before) as f64 / 1e6 / runs as f64)
        }
        _ => "unknown".to_string(),
    };
    let start = Instant::now();
    let formatted = format_source(FileId(0), &text);
    let format_time = start.elapsed().as_secs_f64();
    assert!(formatted.is_ok());
    println!(
        "parse: {} lines, {} bytes: best of {runs} runs {:.2} ms wall, {cpu_per_run} CPU per run; \
         format_source (parse x3, checks): {:.2} ms wall",
        text.lines().count(),
        text.len(),
        best * 1000.0,
        format_time * 1000.0
    );
}

/// The same for a file of 2,000 half-typed entries between valid ones, where every entry goes
/// through recovery.
#[test]
fn parse_time_of_two_thousand_broken_entries() {
    const BROKEN: &[&str] = &[
        "  regions: [\"swedencentral\", ",
        "  hate: ",
        "  depl",
        "  endpoint x {",
        "  model \"gpt-5.6",
        "  }",
    ];
    let mut text = String::from("workload w {\n");
    for index in 0..2_000 {
        text.push_str(BROKEN[index % BROKEN.len()]);
        text.push_str("\n  effect: deny\n");
    }
    text.push_str("}\n");
    let runs = if cfg!(debug_assertions) { 1 } else { 20 };
    let mut best = f64::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        let parsed = parse(FileId(0), &text);
        best = best.min(start.elapsed().as_secs_f64());
        assert_eq!(parsed.diagnostics.len(), 2_000);
    }
    println!(
        "parse: 2,000 broken entries, {} bytes: best of {runs} runs {:.2} ms wall",
        text.len(),
        best * 1000.0
    );
}
