//! The checker (name resolution, type checking, governance checks, lowering) never panics on
//! any document, checked together with the embedded standard library, and its diagnostics'
//! spans slice their documents.
#![no_main]

use charter_compiler::{Document, Options};
use charter_syntax::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let document = Document {
        id: FileId(0),
        path: "fuzz.charter".to_string(),
        text: text.to_string(),
        is_stdlib: false,
    };
    let options = Options::new(charter_ir::Date {
        year: 2026,
        month: 11,
        day: 22,
    });
    let compilation = charter_compiler::compile(vec![document], &options);
    for diagnostic in &compilation.diagnostics {
        let span = diagnostic.primary.span;
        let document = compilation
            .document(span.file)
            .expect("every diagnostic points into a document of the compilation");
        assert!(
            document.text.get(span.range()).is_some(),
            "`{}`: span {span:?} does not slice the document",
            diagnostic.message
        );
    }
});
