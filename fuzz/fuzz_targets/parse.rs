//! The parser never panics, every span it reports lies inside the document on character
//! boundaries (the language server slices the text with them), and its hand-written fast path
//! gives exactly what pest alone gives (the differential property of
//! grammar/tests/it/fast_path.rs).
#![no_main]

use charter_syntax::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = charter_syntax::parse(FileId(0), text);
    let (pest, _) = charter_syntax::differential::parse_with(
        FileId(0),
        text,
        charter_syntax::differential::Paths::PestOnly,
    );
    assert!(parsed.file == pest.file, "the fast path's tree differs from pest's");
    assert!(
        parsed.diagnostics == pest.diagnostics,
        "the fast path's diagnostics differ from pest's"
    );
    for diagnostic in &parsed.diagnostics {
        let span = diagnostic.primary.span;
        assert!(span.start <= span.end, "reversed span {span:?}");
        assert!(
            text.get(span.range()).is_some(),
            "span {span:?} is outside the text or not on a character boundary"
        );
    }
});
