//! Formatting every `.charter` file of the repository is safe and idempotent: the output
//! parses to the same tree, formats to itself, and keeps every comment.
#![expect(
    clippy::disallowed_methods,
    reason = "tests read the repository's sources from disk"
)]

use charter_syntax::format::{format_source, format_tree, FormatError};
use charter_syntax::{parse, FileId};

/// Sources outside this crate that are syntax errors on purpose (the example of what a
/// syntax error looks like); they must still fail to parse, so that this list stays honest.
const KNOWN_SYNTAX_MISTAKES: &[&str] = &["examples/mistakes/syntax.charter"];

#[test]
fn formatting_every_repository_source_is_safe_and_idempotent() {
    let syntax_fixtures = crate::syntax_fixtures();
    let mut formatted_count = 0;
    for path in crate::repository_sources() {
        let text = std::fs::read_to_string(&path).expect("source is readable");
        let name = path.display();
        match format_source(FileId(0), &text) {
            Ok(formatted) => {
                formatted_count += 1;
                let again = format_source(FileId(0), &formatted).unwrap_or_else(|error| {
                    panic!("{name}: formatted output does not format: {error}")
                });
                assert_eq!(again, formatted, "{name}: formatting is not idempotent");
                let original = parse(FileId(0), &text).file;
                let reparsed = parse(FileId(0), &formatted).file;
                assert_eq!(original, reparsed, "{name}: formatting changed the meaning");
                assert_eq!(format_tree(&reparsed), formatted);
            }
            Err(FormatError::Syntax(_))
                if syntax_fixtures.contains(&path)
                    || KNOWN_SYNTAX_MISTAKES
                        .iter()
                        .any(|known| path.ends_with(known)) => {}
            Err(error) => panic!("{name}: {error}"),
        }
    }
    assert!(formatted_count > 0, "no source was formatted");
}
