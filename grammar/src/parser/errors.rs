//! Turns pest's "expected one of these rules" into words a person uses.

use std::collections::BTreeSet;

use pest::error::{Error, ErrorVariant, InputLocation};

use super::Rule;
use crate::codes;
use crate::diagnostic::{sanitize, Diagnostic};
use crate::span::{FileId, Span};

/// What a value can be, in words.
pub(crate) const A_VALUE: &str = "a value: a string, number, date, name, list or scope";

/// What the parser could have accepted, in the order the words are listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Expected {
    ColonOrBrace,
    Entry,
    Item,
    Value,
    Name,
    Label,
    Extends,
    Colon,
    OpenBrace,
    Comma,
    CloseBrace,
    CloseBracket,
    CloseParen,
    Unit,
    Quote,
    LineEnd,
}

impl Expected {
    fn words(self) -> &'static str {
        match self {
            Expected::ColonOrBrace => "`:` and a value, or `{`",
            Expected::Entry => "a field, a clause or a block",
            Expected::Item => "a block such as `policy NAME { ... }`",
            Expected::Value => A_VALUE,
            Expected::Name => "a name",
            Expected::Label => "a name or a string",
            Expected::Extends => "`extends`",
            Expected::Colon => "`:`",
            Expected::OpenBrace => "`{`",
            Expected::CloseBrace => "`}`",
            Expected::CloseBracket => "`]`",
            Expected::CloseParen => "`)`",
            Expected::Comma => "`,`",
            Expected::Unit => "a unit",
            Expected::Quote => "`\"`",
            Expected::LineEnd => "a new line",
        }
    }
}

fn expected_of_rule(rule: Rule) -> Option<Expected> {
    Some(match rule {
        Rule::date
        | Rule::number
        | Rule::digits
        | Rule::string
        | Rule::quote
        | Rule::call
        | Rule::path
        | Rule::list
        | Rule::lbracket
        | Rule::phrase => Expected::Value,
        Rule::ident
        | Rule::block
        | Rule::field
        | Rule::clause
        | Rule::entry_chunk
        | Rule::item_chunk => Expected::Name,
        Rule::label => Expected::Label,
        Rule::extends | Rule::kw_extends => Expected::Extends,
        Rule::colon => Expected::Colon,
        Rule::lbrace | Rule::block_head => Expected::OpenBrace,
        Rule::rbrace => Expected::CloseBrace,
        Rule::rbracket => Expected::CloseBracket,
        Rule::rparen => Expected::CloseParen,
        Rule::lparen => return None,
        Rule::comma => Expected::Comma,
        Rule::unit | Rule::percent => Expected::Unit,
        Rule::string_close => Expected::Quote,
        Rule::EOI => Expected::LineEnd,
        _ => return None,
    })
}

/// Words for what is at `at`, without an article: `` `}` ``, `` `foo` ``, "end of line".
pub(crate) fn found_at(text: &str, at: usize) -> String {
    let rest = text.get(at..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        return "end of file".to_string();
    };
    if first == '\n' || rest.starts_with("\r\n") {
        return "end of line".to_string();
    }
    if rest.starts_with("//") || rest.starts_with("/*") {
        return "comment".to_string();
    }
    let length = found_len(text, at);
    if length > 1 || first.is_ascii_alphanumeric() {
        let shown: String = rest[..length].chars().take(40).collect();
        return format!("`{}`", sanitize(&shown));
    }
    if first.is_control() || first == '\u{feff}' || first.is_whitespace() {
        return format!("character U+{:04X}", u32::from(first));
    }
    format!("`{}`", sanitize(&first.to_string()))
}

/// The width in bytes of the thing [`found_at`] names, for the label's span: a word, a string
/// on its line, or one character.
fn found_len(text: &str, at: usize) -> usize {
    let rest = text.get(at..).unwrap_or("");
    if rest.starts_with("//") || rest.starts_with("/*") {
        return 2;
    }
    match rest.chars().next() {
        None | Some('\n') | Some('\r') => 0,
        Some(first) if first.is_ascii_alphanumeric() || first == '_' => rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
            .map(char::len_utf8)
            .sum(),
        Some('"') => {
            let line = rest.split('\n').next().unwrap_or("");
            let mut escaped = false;
            for (index, ch) in line.char_indices().skip(1) {
                match ch {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => return index + 1,
                    _ => escaped = false,
                }
            }
            line.trim_end_matches('\r').len()
        }
        Some(first) => first.len_utf8(),
    }
}

/// A syntax diagnostic for pest's error on `text[base..limit]`; `top_level` when the text is
/// a top-level item.
pub(crate) fn from_pest(
    file: FileId,
    text: &str,
    base: usize,
    limit: usize,
    top_level: bool,
    error: &Error<Rule>,
) -> Diagnostic {
    let at = base
        + match error.location {
            InputLocation::Pos(pos) => pos,
            InputLocation::Span((start, _)) => start,
        };
    let mut expected = BTreeSet::new();
    if let ErrorVariant::ParsingError { positives, .. } = &error.variant {
        expected.extend(positives.iter().filter_map(|rule| expected_of_rule(*rule)));
    }
    // `extends` without a name after it (`filter x extends` at the end of a line): pest backs
    // out of the whole `extends` part and reports at the keyword, which reads as if `extends`
    // itself were wrong. The name is what is missing; say so where it should be.
    let mut at = at;
    if expected.contains(&Expected::Extends) && starts_with_word(text, at, "extends") {
        let after = at + "extends".len();
        let rest = &text[after..];
        at = after + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
        expected.clear();
        expected.insert(Expected::Name);
    }
    // After the key of an entry: a field (`:`) or a block (`{`); say it as one choice.
    if expected.contains(&Expected::Colon) && expected.contains(&Expected::OpenBrace) {
        expected.remove(&Expected::Colon);
        expected.remove(&Expected::OpenBrace);
        expected.remove(&Expected::Label);
        expected.remove(&Expected::Extends);
        expected.remove(&Expected::Value);
        expected.insert(Expected::ColonOrBrace);
    }
    // A name where an entry or an item starts: say which.
    if expected.contains(&Expected::Name) && !expected.contains(&Expected::Value) {
        let before = text[..at.min(text.len())].trim_end_matches([' ', '\t', '\r']);
        match before.chars().last() {
            _ if at == base && top_level => {
                expected.remove(&Expected::Name);
                expected.insert(Expected::Item);
            }
            Some('{' | ',' | '\n') => {
                expected.remove(&Expected::Name);
                expected.insert(Expected::Entry);
            }
            _ => {}
        }
    }
    // A name is a value too; listing both reads oddly.
    if expected.contains(&Expected::Value) {
        expected.remove(&Expected::Name);
    }
    // The long description of a value only when it is the one thing expected.
    let words: Vec<&str> = expected
        .iter()
        .map(|e| match e {
            Expected::Value if expected.len() > 1 => "a value",
            other => other.words(),
        })
        .collect();
    let label = match words.as_slice() {
        [] => "not expected here".to_string(),
        [one] => format!("expected {one}"),
        [init @ .., last] => format!("expected {} or {last}", init.join(", ")),
    };
    let mut at = at.min(text.len());
    // At the end of a piece, spaces (and a comment) before the end of the line are not what
    // is wrong (`hate: ` with nothing typed after the colon yet): the line ended too early.
    let mut line_ended = false;
    if at >= limit {
        let rest = &text[at..];
        let after_spaces = rest.trim_start_matches([' ', '\t']);
        if after_spaces.is_empty() || after_spaces.starts_with(['\n', '\r', '/']) {
            at += rest.len() - after_spaces.len();
            line_ended = true;
        }
    }
    let found = if line_ended && !text[at..].starts_with(['\n', '\r']) && at < text.len() {
        "end of line".to_string()
    } else {
        found_at(text, at)
    };
    let end = if line_ended {
        at
    } else {
        (at + found_len(text, at)).min(limit.max(at))
    };
    let span = Span::new(file, at, end);
    if found == "comment" {
        return Diagnostic::error(codes::UNEXPECTED, "a comment cannot go here", span, label)
            .with_help(
                "comments go on their own lines, between list elements, or at the end of a line",
            );
    }
    Diagnostic::error(
        codes::UNEXPECTED,
        format!("unexpected {found}"),
        span,
        label,
    )
}

/// Whether `text[at..]` starts with the word `word` (not a longer identifier).
fn starts_with_word(text: &str, at: usize, word: &str) -> bool {
    text.get(at..).is_some_and(|rest| {
        rest.starts_with(word)
            && !rest[word.len()..]
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

/// "this `{` is never closed".
pub(crate) fn unclosed(file: FileId, text: &str, at: usize) -> Diagnostic {
    let open = text.get(at..at + 1).unwrap_or("{");
    let close = match open {
        "[" => "]",
        "(" => ")",
        _ => "}",
    };
    Diagnostic::error(
        codes::UNCLOSED_DELIMITER,
        format!("unclosed `{open}`"),
        Span::new(file, at, at + 1),
        format!("this `{open}` is never closed"),
    )
    .with_help(format!("add the missing `{close}`"))
}
