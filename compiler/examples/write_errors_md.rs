//! Writes `docs/errors.md` from the code catalogue: `cargo run -p charter-compiler --example
//! write_errors_md`.

fn main() -> std::io::Result<()> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/errors.md");
    #[expect(
        clippy::disallowed_methods,
        reason = "this example exists to write the file"
    )]
    std::fs::write(path, charter_compiler::codes::markdown())
}
