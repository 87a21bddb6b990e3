//! `charter audit` on generated estates: a Resource Graph export of N resources (default
//! 100,000) shaped like what examples/contoso governs, audited against its initiative, the
//! JSON report rendered as the CLI renders it.
//!
//! Run: `cargo bench --bench audit` (100,000 resources), or pass sizes:
//! `cargo bench --bench audit -- 10000 100000`. Also:
//!
//! * `-- --write FILE 100000`: write the export to FILE and exit (to measure the release binary
//!   end to end: `/usr/bin/time -v target/release/charter audit examples/contoso --resources
//!   FILE --under contoso-ai-prod --today 2026-11-22 --format json --fail-on never >/dev/null`);
//! * `-- --memory 100000`: the peak resident memory (VmHWM) of a child process that reads the
//!   export from disk and audits it, as `charter audit` does.
//!
//! Figures are the minimum and the median of repeated runs; docs/performance.md records them.

use charter::audit::{AuditArgs, ReportFormat};
use charter_evaluator::report::FailOn;
use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Wrapper {
    #[command(flatten)]
    args: AuditArgs,
}

/// The CLI's allocator, so that the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn today() -> charter_ir::Date {
    charter_ir::Date {
        year: 2026,
        month: 11,
        day: 22,
    }
}

fn contoso() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/contoso")
}

/// Audits `export` against examples/contoso and renders the JSON report; returns the number of
/// resources and the length of the report.
fn audit(export: &Path) -> Result<(usize, usize), String> {
    let (_, compilation) =
        charter::project::compile(&contoso(), today()).map_err(|e| e.to_string())?;
    let export = export.to_string_lossy().to_string();
    let wrapper = Wrapper::try_parse_from([
        "audit",
        "--resources",
        &export,
        "--under",
        "contoso-ai-prod",
        "--today",
        "2026-11-22",
        "--format",
        "json",
        "--fail-on",
        "never",
    ])
    .map_err(|e| e.to_string())?;
    let (report, _) = charter::audit::audit(&compilation, &wrapper.args)?;
    // Written as the CLI writes it, as it is made, to a sink that counts the bytes.
    struct Counted(usize);
    impl std::io::Write for Counted {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counted = Counted(0);
    charter::audit::write(
        &report,
        ReportFormat::Json,
        false,
        FailOn::Never,
        None,
        serde_json::Map::new(),
        &mut counted,
    )
    .map_err(|e| e.to_string())?;
    Ok((report.entries.len(), counted.0))
}

/// The CPU time this process has used (user and system), from /proc/self/stat (in clock ticks
/// of 1/100 s, Linux's USER_HZ): on a shared machine the wall clock also counts other
/// processes' turns, the CPU time does not.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which is in parentheses and may hold spaces).
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    let fields: Vec<u64> = after
        .split_whitespace()
        .map(|field| field.parse().unwrap_or(0))
        .collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks = fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|kb| kb.parse().ok())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.first().map(String::as_str) {
        Some("--write") => {
            let (Some(file), Some(count)) = (args.get(1), args.get(2).and_then(|n| n.parse().ok()))
            else {
                eprintln!("usage: --write FILE COUNT");
                return ExitCode::from(2);
            };
            if let Err(error) = std::fs::write(file, charter::audit::corpus::resource_graph(count))
            {
                eprintln!("cannot write {file}: {error}");
                return ExitCode::from(2);
            }
            return ExitCode::SUCCESS;
        }
        Some("--child") => {
            let Some(file) = args.get(1) else {
                return ExitCode::from(2);
            };
            return match audit(Path::new(file)) {
                Ok((resources, _)) => {
                    println!("{resources} {}", peak_memory_kb().unwrap_or(0));
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("{error}");
                    ExitCode::FAILURE
                }
            };
        }
        Some("--memory") => {
            let count = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(100_000);
            let dir = match tempfile::tempdir() {
                Ok(dir) => dir,
                Err(error) => {
                    eprintln!("{error}");
                    return ExitCode::from(2);
                }
            };
            let file = dir.path().join("export.json");
            let text = charter::audit::corpus::resource_graph(count);
            if std::fs::write(&file, &text).is_err() {
                return ExitCode::from(2);
            }
            let Ok(me) = std::env::current_exe() else {
                return ExitCode::from(2);
            };
            let output = std::process::Command::new(me)
                .arg("--child")
                .arg(&file)
                .output();
            match output {
                Ok(output) if output.status.success() => {
                    let line = String::from_utf8_lossy(&output.stdout);
                    let mut parts = line.split_whitespace();
                    let resources = parts.next().unwrap_or("?");
                    let kb: f64 = parts.next().and_then(|kb| kb.parse().ok()).unwrap_or(0.0);
                    println!(
                        "audit of {resources} resources ({:.1} MB export): peak resident memory {:.1} MB",
                        text.len() as f64 / 1e6,
                        kb / 1024.0
                    );
                    return ExitCode::SUCCESS;
                }
                Ok(output) => {
                    eprintln!("{}", String::from_utf8_lossy(&output.stderr));
                    return ExitCode::FAILURE;
                }
                Err(error) => {
                    eprintln!("{error}");
                    return ExitCode::FAILURE;
                }
            }
        }
        _ => {}
    }
    let sizes: Vec<usize> = if args.is_empty() {
        vec![100_000]
    } else {
        args.iter().filter_map(|a| a.parse().ok()).collect()
    };
    println!(
        "{:<40} {:>12} {:>12} {:>12}",
        "stage", "min", "median", "CPU median"
    );
    for size in sizes {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(error) => {
                eprintln!("{error}");
                return ExitCode::from(2);
            }
        };
        let file = dir.path().join("export.json");
        let text = charter::audit::corpus::resource_graph(size);
        if std::fs::write(&file, &text).is_err() {
            return ExitCode::from(2);
        }
        let runs = if size >= 100_000 { 5 } else { 10 };
        let mut samples: Vec<Duration> = Vec::new();
        let mut cpu: Vec<Duration> = Vec::new();
        let mut last = (0, 0);
        for _ in 0..=runs {
            let start = Instant::now();
            let cpu_start = cpu_time();
            match audit(&file) {
                Ok(result) => last = result,
                Err(error) => {
                    eprintln!("{error}");
                    return ExitCode::FAILURE;
                }
            }
            samples.push(start.elapsed());
            cpu.push(cpu_time().saturating_sub(cpu_start));
        }
        // The first run warms the caches.
        samples.remove(0);
        samples.sort();
        cpu.remove(0);
        cpu.sort();
        println!(
            "{:<40} {:>9.0} ms {:>9.0} ms {:>9.0} ms",
            format!(
                "audit {} resources ({:.0} MB, {} MB of JSON out)",
                last.0,
                text.len() as f64 / 1e6,
                last.1 / 1_000_000
            ),
            samples[0].as_secs_f64() * 1e3,
            samples[samples.len() / 2].as_secs_f64() * 1e3,
            cpu[cpu.len() / 2].as_secs_f64() * 1e3
        );
    }
    ExitCode::SUCCESS
}
