//! `charter-lsp`: the language server as a standalone binary (the same server as
//! `charter lsp`), used by the end-to-end tests and the benchmark.

fn main() -> std::process::ExitCode {
    match charter_lsp::run_stdio() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("charter-lsp: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
