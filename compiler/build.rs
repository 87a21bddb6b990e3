//! Parses the embedded stdlib once, when the compiler is built, and writes each file's syntax
//! tree in `charter_syntax::codec`'s binary form to OUT_DIR (NAME.tree, and NAME.strings with
//! its texts, which src/lib.rs includes as a `str`): every run of `charter` (and every
//! edit in the language server) then decodes the trees instead of parsing 8,600 lines again.

#![expect(
    clippy::disallowed_methods,
    clippy::disallowed_macros,
    reason = "a build script runs when the compiler is built: reading the stdlib, writing \
              OUT_DIR and telling cargo what it read are its job; the compiler does no IO"
)]

use std::path::PathBuf;

use charter_syntax::FileId;

/// The stdlib files, in the order of `STDLIB` in src/lib.rs.
const FILES: &[&str] = &["filters", "models", "regions"];

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let manifest_dir =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    for name in FILES {
        let source = manifest_dir.join(format!("../stdlib/{name}.charter"));
        println!("cargo:rerun-if-changed={}", source.display());
        let text = std::fs::read_to_string(&source)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", source.display()));
        let parsed = charter_syntax::parse(FileId(0), &text);
        // The stdlib must parse cleanly; a syntax error in it is a bug to fix there, and the
        // prepared trees carry no diagnostics.
        if let Some(diagnostic) = parsed.diagnostics.first() {
            panic!(
                "{} does not parse: {}",
                source.display(),
                diagnostic.message
            );
        }
        let encoded = charter_syntax::codec::encode(&parsed.file);
        for (extension, contents) in [
            ("tree", encoded.tree.as_slice()),
            ("strings", encoded.strings.as_bytes()),
        ] {
            let target = out_dir.join(format!("{name}.{extension}"));
            std::fs::write(&target, contents)
                .unwrap_or_else(|error| panic!("cannot write {}: {error}", target.display()));
        }
    }
}
