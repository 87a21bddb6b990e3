//! `charter-lsp`: the language server as a standalone binary (the same server as
//! `charter lsp`), used by the end-to-end tests and the benchmark.

/// The allocator `charter` uses (src/main.rs), so that this binary measures as `charter lsp` runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    match charter_lsp::run_stdio() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("charter-lsp: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
