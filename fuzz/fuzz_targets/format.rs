//! The formatter on every source that parses cleanly: `format_source` accepts it (refusing
//! one that parses is a formatter bug), the output parses cleanly to an equal tree (spans
//! compare equal, so `==` compares meaning), and formatting twice equals formatting once.
#![no_main]

use charter_syntax::format::{format_source, format_tree, FormatError};
use charter_syntax::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = charter_syntax::parse(FileId(0), text);
    if !parsed.diagnostics.is_empty() {
        return;
    }
    let formatted = format_tree(&parsed.file);
    let reparsed = charter_syntax::parse(FileId(0), &formatted);
    assert!(
        reparsed.diagnostics.is_empty(),
        "the formatted text does not parse: {}\n--- formatted ---\n{formatted}",
        reparsed.diagnostics[0].message
    );
    assert_eq!(reparsed.file, parsed.file, "formatting changed the tree");
    assert_eq!(
        format_tree(&reparsed.file),
        formatted,
        "formatting is not idempotent"
    );
    match format_source(FileId(0), text) {
        Ok(output) => assert_eq!(output, formatted),
        Err(FormatError::Unsafe(reason)) => {
            panic!("format_source refused a clean source: {reason}")
        }
        Err(FormatError::Syntax(_)) => panic!("format_source saw syntax errors the parser did not"),
    }
});
