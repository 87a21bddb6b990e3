//! The parser never panics, and every span it reports lies inside the document on character
//! boundaries (the language server slices the text with them).
#![no_main]

use charter_syntax::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = charter_syntax::parse(FileId(0), text);
    for diagnostic in &parsed.diagnostics {
        let span = diagnostic.primary.span;
        assert!(span.start <= span.end, "reversed span {span:?}");
        assert!(
            text.get(span.range()).is_some(),
            "span {span:?} is outside the text or not on a character boundary"
        );
    }
});
