//! The hot paths of the CLI on generated projects: parse, check, build (both backends) and
//! format, with the serialisation floor beside them: the time serde_json takes merely to
//! serialise the artifacts that `build` produces.
//!
//! Run: `cargo bench --bench pipeline` (add `-- 100000` for other sizes, in lines).
//! Figures are medians of repeated runs; docs/performance.md records them.

use charter::corpus;
use charter_compiler::{Document, Options};
use charter_syntax::FileId;
use std::time::{Duration, Instant};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn measure(iterations: usize, mut run: impl FnMut()) -> (Duration, Duration) {
    run();
    let samples: Vec<Duration> = (0..iterations)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    let max = samples.iter().copied().max().unwrap_or_default();
    (median(samples), max)
}

fn documents(files: &[corpus::GeneratedFile]) -> Vec<Document> {
    files
        .iter()
        .enumerate()
        .map(|(index, file)| Document {
            id: FileId(index as u32),
            path: file.path.clone(),
            text: file.text.clone(),
            is_stdlib: false,
        })
        .collect()
}

fn row(name: &str, (median, max): (Duration, Duration), floor: Option<Duration>) {
    let multiple = floor
        .map(|floor| format!("{:>8.1}x", median.as_secs_f64() / floor.as_secs_f64().max(1e-9)))
        .unwrap_or_default();
    println!(
        "{name:<34} {:>10.2} ms {:>10.2} ms {multiple}",
        median.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|arg| arg.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() { vec![1_000, 10_000] } else { sizes };
    let options = Options {
        today: charter_ir::Date { year: 2026, month: 11, day: 22 },
    };
    for lines in sizes {
        let files = corpus::generate(lines, None);
        let total: usize = files.iter().map(|file| file.text.lines().count()).sum();
        let docs = documents(&files);
        let iterations = if total > 50_000 { 5 } else { 20 };
        println!("\n{total} lines in {} files ({iterations} runs each)", files.len());
        println!("{:<34} {:>13} {:>13} {:>9}", "", "median", "max", "vs floor");

        row("parse", measure(iterations, || {
            for doc in &docs {
                std::hint::black_box(charter_syntax::parse(doc.id, &doc.text));
            }
        }), None);
        row("check (parse + stdlib + checks)", measure(iterations, || {
            std::hint::black_box(charter_compiler::compile(docs.clone(), &options));
        }), None);

        let compilation = charter_compiler::compile(docs.clone(), &options);
        if compilation.has_errors() {
            println!("(the generated project has errors: {} diagnostics; build skipped)", compilation.diagnostics.len());
            continue;
        }
        let project = &compilation.project;
        let mut artifacts = charter_azure_policy::artifacts(project);
        artifacts.extend(charter_terraform::artifacts(project));
        let values: Vec<serde_json::Value> = artifacts
            .iter()
            .filter_map(|artifact| serde_json::from_str(&artifact.contents).ok())
            .collect();
        let floor = measure(iterations, || {
            for value in &values {
                std::hint::black_box(serde_json::to_string_pretty(value).unwrap_or_default());
            }
        });
        row("serde_json floor (artifact JSON)", floor, None);
        row("build: azure policy", measure(iterations, || {
            std::hint::black_box(charter_azure_policy::artifacts(project));
        }), Some(floor.0));
        row("build: terraform", measure(iterations, || {
            std::hint::black_box(charter_terraform::artifacts(project));
        }), Some(floor.0));
        row("build: both backends", measure(iterations, || {
            std::hint::black_box(charter_azure_policy::artifacts(project));
            std::hint::black_box(charter_terraform::artifacts(project));
        }), Some(floor.0));
        row("format", measure(iterations, || {
            for doc in &docs {
                std::hint::black_box(charter_syntax::format::format_source(doc.id, &doc.text).ok());
            }
        }), None);
    }
}
