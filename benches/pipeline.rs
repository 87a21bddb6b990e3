//! The hot paths of the CLI on generated projects: parse, check, build (both backends) and
//! format, with the serialisation floor beside them: the time serde_json takes merely to
//! serialise the artifacts that `build` produces, so build time reads as a multiple of it.
//!
//! Run: `cargo bench --bench pipeline` (1,000 and 10,000 lines), or pass sizes in lines:
//! `cargo bench --bench pipeline -- 1000 10000 100000`. Also:
//!
//! * `-- --errors N`: plant one mistake in every N-th endpoint (the check rows then measure a
//!   project with errors; build is skipped);
//! * `-- --write DIR 10000`: write the generated project to DIR and exit (for measuring the
//!   release binary end to end with hyperfine, see docs/performance.md);
//! * `-- --only terraform 10000`: only the rows whose name contains `terraform` (to profile one
//!   stage: `perf stat -e instructions` or valgrind's callgrind on the bench binary);
//! * `-- --project examples/contoso`: the same rows on a project on disk (with its
//!   `charter.toml`) instead of a generated one;
//! * `-- --memory 100000`: peak resident memory (VmHWM) of a child process that generates
//!   nothing but compiles the project from disk, as `charter check` does;
//! * `-- --suggestions 8000`: "did you mean" at scale: N filters and one workload whose N apps
//!   each name a filter with its last letter changed, so every reference is unknown and close
//!   to exactly one of the N declared names.
//!
//! Figures are the minimum and the median of repeated runs (multiples of the floor are taken
//! from the minima); docs/performance.md records them.

use charter::corpus;
use charter_compiler::Options;
use charter_syntax::FileId;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The CLI's allocator, so that the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What a stage took over repeated runs. On a shared machine other processes only ever add
/// time, so the minimum is the stable figure (and the one multiples are computed from); the
/// median shows the typical run.
#[derive(Clone, Copy)]
struct Timing {
    min: Duration,
    median: Duration,
}

/// Runs once to warm up, then `iterations` times.
fn measure(iterations: usize, mut run: impl FnMut()) -> Timing {
    run();
    let mut samples: Vec<Duration> = (0..iterations)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    samples.sort();
    Timing {
        min: samples.first().copied().unwrap_or_default(),
        median: samples.get(samples.len() / 2).copied().unwrap_or_default(),
    }
}

/// The rows to run: `--only TEXT` keeps those whose name contains TEXT (for profiling one stage
/// with `perf stat` or callgrind).
static ONLY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// Measures and prints one row, unless `--only` leaves it out.
fn stage(name: &str, iterations: usize, floor: Option<Timing>, run: impl FnMut()) {
    if let Some(Some(only)) = ONLY.get() {
        if !name.contains(only.as_str()) {
            return;
        }
    }
    row(name, measure(iterations, run), floor);
}

fn row(name: &str, timing: Timing, floor: Option<Timing>) {
    let multiple = floor
        .map(|floor| {
            format!(
                "{:>8.1}x",
                timing.min.as_secs_f64() / floor.min.as_secs_f64().max(1e-9)
            )
        })
        .unwrap_or_default();
    println!(
        "{name:<36} {:>10.2} ms {:>10.2} ms {multiple}",
        timing.min.as_secs_f64() * 1e3,
        timing.median.as_secs_f64() * 1e3
    );
}

fn options() -> Options {
    charter_test_support::options()
}

struct Args {
    sizes: Vec<usize>,
    error_every: Option<usize>,
    write: Option<PathBuf>,
    memory: bool,
    /// Projects on disk to measure instead of generated ones.
    projects: Vec<PathBuf>,
    /// Internal: the child of `--memory` compiles the project in this directory.
    child: Option<PathBuf>,
    /// `--suggestions N`: the size of the "did you mean" project.
    suggestions: Option<usize>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        sizes: Vec::new(),
        error_every: None,
        write: None,
        memory: false,
        projects: Vec::new(),
        child: None,
        suggestions: None,
    };
    let mut raw = std::env::args().skip(1);
    while let Some(arg) = raw.next() {
        match arg.as_str() {
            "--errors" => {
                let every = raw.next().ok_or("--errors needs a number")?;
                args.error_every = Some(
                    every
                        .parse()
                        .map_err(|_| format!("bad --errors `{every}`"))?,
                );
            }
            "--write" => args.write = Some(raw.next().ok_or("--write needs a directory")?.into()),
            "--memory" => args.memory = true,
            "--suggestions" => {
                let count = raw.next().ok_or("--suggestions needs a number")?;
                args.suggestions = Some(
                    count
                        .parse()
                        .map_err(|_| format!("bad --suggestions `{count}`"))?,
                );
            }
            "--only" => {
                let only = raw.next().ok_or("--only needs a stage name")?;
                let _ = ONLY.set(Some(only));
            }
            "--project" => args
                .projects
                .push(raw.next().ok_or("--project needs a directory")?.into()),
            "--memory-child" => {
                args.child = Some(raw.next().ok_or("--memory-child needs a directory")?.into())
            }
            // cargo bench passes `--bench`; ignore it and any other flag.
            other if other.starts_with("--") => {}
            other => args
                .sizes
                .push(other.parse().map_err(|_| format!("bad size `{other}`"))?),
        }
    }
    if args.sizes.is_empty() && args.projects.is_empty() && args.suggestions.is_none() {
        args.sizes = vec![1_000, 10_000];
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("pipeline: {message}");
            return ExitCode::from(2);
        }
    };
    if let Some(dir) = &args.child {
        return memory_child(dir);
    }
    if let Some(dir) = &args.write {
        let lines = args.sizes[0];
        let files = corpus::generate(lines, args.error_every);
        if let Err(error) = corpus::write(dir, &files) {
            eprintln!("pipeline: cannot write `{}`: {error}", dir.display());
            return ExitCode::from(2);
        }
        let total: usize = files.iter().map(|file| file.text.lines().count()).sum();
        println!(
            "wrote {total} lines in {} files to {}",
            files.len(),
            dir.display()
        );
        return ExitCode::SUCCESS;
    }
    if args.memory {
        return memory(&args.sizes, args.error_every);
    }
    if let Some(count) = args.suggestions {
        suggestions(count);
    }
    for dir in &args.projects {
        let loaded = match charter::project::load(dir) {
            Ok(loaded) => loaded,
            Err(error) => {
                eprintln!("pipeline: cannot load `{}`: {error}", dir.display());
                return ExitCode::from(2);
            }
        };
        let naming = match charter::manifest::load(&loaded.root) {
            Ok(manifest) => manifest.map(|m| m.naming()).unwrap_or_default(),
            Err(error) => {
                eprintln!("pipeline: {error}");
                return ExitCode::from(2);
            }
        };
        let options = Options {
            naming,
            ..options()
        };
        let total: usize = loaded
            .documents
            .iter()
            .map(|d| d.text.lines().count())
            .sum();
        let label = format!("{} ({total} lines", dir.display());
        bench_documents(&label, loaded.documents, &options, 200);
    }
    for &lines in &args.sizes {
        let files = corpus::generate(lines, args.error_every);
        let total: usize = files.iter().map(|file| file.text.lines().count()).sum();
        let iterations = if total > 50_000 { 5 } else { 20 };
        let label = format!("{total} lines");
        bench_documents(&label, corpus::documents(&files), &options(), iterations);
    }
    ExitCode::SUCCESS
}

/// Every row for one project: `label` names it (an opening parenthesis is closed here).
fn bench_documents(
    label: &str,
    docs: Vec<charter_compiler::Document>,
    options: &Options,
    iterations: usize,
) {
    let label = if label.contains('(') {
        format!("{label}, ")
    } else {
        format!("{label} (")
    };
    println!("\n{label}{} files, {iterations} runs each)", docs.len());
    println!(
        "{:<36} {:>13} {:>13} {:>9}",
        "", "min", "median", "vs floor"
    );

    stage("parse", iterations, None, || {
        for doc in &docs {
            std::hint::black_box(charter_syntax::parse(doc.id, &doc.text));
        }
    });
    // The parser before its hand-written fast path (issue 24): pest on every chunk.
    stage("parse, pest only (for scale)", iterations, None, || {
        for doc in &docs {
            std::hint::black_box(charter_syntax::differential::parse_with(
                doc.id,
                &doc.text,
                charter_syntax::differential::Paths::PestOnly,
            ));
        }
    });
    stage(
        "parse stdlib (uncached, for scale)",
        iterations,
        None,
        || {
            for (index, (_, text)) in charter_compiler::STDLIB.iter().enumerate() {
                std::hint::black_box(charter_syntax::parse(FileId(index as u32), text));
            }
        },
    );
    stage(
        "parse stdlib, pest only (for scale)",
        iterations,
        None,
        || {
            for (index, (_, text)) in charter_compiler::STDLIB.iter().enumerate() {
                std::hint::black_box(charter_syntax::differential::parse_with(
                    FileId(index as u32),
                    text,
                    charter_syntax::differential::Paths::PestOnly,
                ));
            }
        },
    );
    stage("check (parse + stdlib + checks)", iterations, None, || {
        std::hint::black_box(charter_compiler::compile(docs.clone(), options));
    });
    stage("format", iterations, None, || {
        for doc in &docs {
            std::hint::black_box(charter_syntax::format::format_source(doc.id, &doc.text).ok());
        }
    });

    let compilation = charter_compiler::compile(docs.clone(), options);
    if compilation.has_errors() {
        println!(
            "(the generated project has {} diagnostics; build skipped)",
            compilation.diagnostics.len()
        );
        return;
    }
    let project = &compilation.project;
    stage("governance (rules, initiatives)", iterations, None, || {
        std::hint::black_box(charter_governance::governance(project));
    });
    stage(
        "estate (the resources Charter creates)",
        iterations,
        None,
        || {
            std::hint::black_box(charter_governance::estate::estate(project));
        },
    );
    stage("self-compliance proof", iterations, None, || {
        std::hint::black_box(charter_compliance::prove(project, options.today));
    });
    stage("derived-name collisions", iterations, None, || {
        std::hint::black_box(charter_compliance::derived_name_collisions(
            project,
            &compilation.symbols,
        ));
    });
    let mut artifacts = charter_azure_policy::artifacts(project);
    artifacts.extend(charter_terraform::artifacts(project));
    let bytes: usize = artifacts
        .iter()
        .map(|artifact| artifact.contents.len())
        .sum();
    // The floor: what serde_json takes to write the same output. JSON artifacts are parsed
    // back and pretty-printed (values of the same shape and size); text artifacts (Terraform
    // HCL) are written as JSON strings, the cheapest way serde_json can emit their bytes.
    // No backend can produce its output faster than this.
    let values: Vec<serde_json::Value> = artifacts
        .iter()
        .filter_map(|artifact| serde_json::from_str(&artifact.contents).ok())
        .collect();
    let texts: Vec<&str> = artifacts
        .iter()
        .filter(|artifact| serde_json::from_str::<serde_json::Value>(&artifact.contents).is_err())
        .map(|artifact| artifact.contents.as_str())
        .collect();
    println!(
        "({} artifacts, {:.1} MB: {} JSON, {} text)",
        artifacts.len(),
        bytes as f64 / 1e6,
        values.len(),
        texts.len()
    );
    let floor = measure(iterations, || {
        for value in &values {
            std::hint::black_box(serde_json::to_string_pretty(value).unwrap_or_default());
        }
        for text in &texts {
            std::hint::black_box(serde_json::to_string(text).unwrap_or_default());
        }
    });
    row("serde_json floor (all artifacts)", floor, None);
    stage("build: azure policy", iterations, Some(floor), || {
        std::hint::black_box(charter_azure_policy::artifacts(project));
    });
    stage("build: terraform", iterations, Some(floor), || {
        std::hint::black_box(charter_terraform::artifacts(project));
    });
    stage("build: both backends", iterations, Some(floor), || {
        std::hint::black_box(charter_azure_policy::artifacts(project));
        std::hint::black_box(charter_terraform::artifacts(project));
    });
    // What `charter build` does once its self-compliance proof has built the estate: the
    // governance once for both backends, and the estate not built again.
    let estate = charter_governance::estate::estate(project);
    stage(
        "build: terraform given the estate",
        iterations,
        Some(floor),
        || {
            let governance = charter_governance::governance(project);
            std::hint::black_box(charter_terraform::artifacts_with_estate(
                project,
                &governance,
                &estate,
            ));
        },
    );
    stage(
        "build: both given the estate",
        iterations,
        Some(floor),
        || {
            let governance = charter_governance::governance(project);
            std::hint::black_box(charter_azure_policy::render(&governance));
            std::hint::black_box(charter_terraform::artifacts_with_estate(
                project,
                &governance,
                &estate,
            ));
        },
    );
}

/// Writes each size's project to a temporary directory and runs a child of this binary on it
/// (`--memory-child`), so the peak covers reading and compiling only, not generating.
fn memory(sizes: &[usize], error_every: Option<usize>) -> ExitCode {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(error) => {
            eprintln!("pipeline: cannot find this executable: {error}");
            return ExitCode::from(2);
        }
    };
    for &lines in sizes {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(error) => {
                eprintln!("pipeline: cannot create a temporary directory: {error}");
                return ExitCode::from(2);
            }
        };
        let files = corpus::generate(lines, error_every);
        if let Err(error) = corpus::write(dir.path(), &files) {
            eprintln!("pipeline: cannot write the project: {error}");
            return ExitCode::from(2);
        }
        let output = std::process::Command::new(&exe)
            .arg("--memory-child")
            .arg(dir.path())
            .output();
        match output {
            Ok(output) => print!("{lines} lines: {}", String::from_utf8_lossy(&output.stdout)),
            Err(error) => {
                eprintln!("pipeline: cannot run the child: {error}");
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}

/// Loads and compiles the project in `dir` the way `charter check` does, then prints the
/// peak resident set size from /proc/self/status.
fn memory_child(dir: &Path) -> ExitCode {
    let project = match charter::project::load(dir) {
        Ok(project) => project,
        Err(error) => {
            eprintln!("pipeline: cannot load `{}`: {error}", dir.display());
            return ExitCode::from(2);
        }
    };
    let mut compilation = charter_compiler::compile(project.documents, &options());
    charter_compliance::check(&mut compilation, options().today);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .unwrap_or("VmHWM: unknown (no /proc)");
    println!(
        "{peak} after compiling ({} diagnostics)",
        compilation.diagnostics.len()
    );
    ExitCode::SUCCESS
}

/// The "did you mean" project of `--suggestions N`: N filters `filter_IIII_NNNNN` (a fixed
/// pseudo-random five-digit tail) and a workload whose N apps each name a filter with its last
/// letter changed to `x`.
fn suggestions(count: usize) {
    let mut state: u64 = 24;
    let names: Vec<String> = (0..count)
        .map(|index| {
            // A linear congruential generator: the same names on every run.
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            format!("filter_{index:04}_{:05}", (state >> 33) % 100_000)
        })
        .collect();
    let mut filters = String::new();
    for name in &names {
        filters.push_str(&format!(
            "filter {name} extends std.filters.default {{}}\n\n"
        ));
    }
    let apps: Vec<String> = (0..count).map(|index| format!("a{index}")).collect();
    let mut workload = format!(
        "workload big {{\n  environment: dev\n  resource_group: \"rg-big\"\n  data_zone: us\n  \
         apps: [{}]\n\n",
        apps.join(", ")
    );
    for (index, name) in names.iter().enumerate() {
        let changed = format!("{}x", &name[..name.len() - 1]);
        workload.push_str(&format!(
            "  app a{index} {{\n    filter: {changed}\n  }}\n\n"
        ));
    }
    workload.push_str("}\n");
    let documents = vec![
        charter_compiler::Document {
            id: FileId(0),
            path: "filters.charter".to_string(),
            text: filters,
            is_stdlib: false,
        },
        charter_compiler::Document {
            id: FileId(1),
            path: "workload.charter".to_string(),
            text: workload,
            is_stdlib: false,
        },
    ];
    println!("\n\"did you mean\": {count} unknown names among {count} filters (3 runs)");
    println!(
        "{:<36} {:>13} {:>13} {:>9}",
        "", "min", "median", "vs floor"
    );
    let mut suggested = 0;
    stage("check with suggestions", 3, None, || {
        let compilation = charter_compiler::compile(documents.clone(), &options());
        suggested = compilation
            .diagnostics
            .iter()
            .filter(|d| {
                d.help
                    .as_deref()
                    .is_some_and(|h| h.starts_with("did you mean"))
            })
            .count();
        std::hint::black_box(compilation);
    });
    println!("({suggested} of {count} unknown names got a suggestion)");
}
