//! The parser: a hand-written fast path (`descent.rs`), the pest grammar (`charter.pest`),
//! error recovery and the lowering of pest's pairs.
//!
//! Two parsers read the same grammar. The hand-written recursive-descent parser follows
//! `charter.pest` rule by rule and builds the syntax tree directly from the bytes, at about an
//! eighth of the cost of pest and the lowering (docs/performance.md, "Issue 24: a hand-written
//! parser"); it either gives exactly what pest and the lowering give, or declines. pest
//! handles everything it declines, which is every syntax error: pest's messages and the
//! recovery below stay as they were. [`parse_with`] runs either path alone for the
//! differential tests (grammar/tests/it/fast_path.rs), which compare them on every source of
//! the repository, generated projects and mutations of both.
//!
//! First the whole file is offered to the hand-written parser: when every item parses (the
//! common case), that is the tree, and the scanner's split is not needed. Otherwise the file
//! goes through recovery, where each chunk is offered to the hand-written parser before pest.
//!
//! Recovery (docs/notes/0002-parser-recovery.md): the lexical scanner splits the file into
//! top-level items, and each item is parsed alone. When an item does not parse, its header is
//! parsed alone, its body is split into entries, and each entry is parsed alone (recursively
//! for nested blocks), so one typo gives one diagnostic and one error node.

mod descent;
mod errors;
mod lower;
pub(crate) mod scan;

use std::collections::HashSet;

use pest::Parser as _;
use pest_derive::Parser;

use crate::ast::{Block, Comment, Entry, ErrorNode, Item, SourceFile, Trivia};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};
use crate::Parsed;
use lower::{attach, Element, Lowerer};
use scan::{Chunk, Piece, SplitRules};

pub(crate) use lower::doc_line_text;

/// The pest parser generated from `charter.pest`.
#[derive(Parser)]
#[grammar = "../charter.pest"]
pub(crate) struct CharterParser;

/// Parses one document; see [`crate::parse`].
pub(crate) fn parse(file: FileId, text: &str) -> Parsed {
    parse_with(file, text, Paths::FastThenPest).0
}

/// Which parsers [`parse_with`] runs on each chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paths {
    /// The hand-written parser, and pest where it declines (what [`crate::parse`] does).
    FastThenPest,
    /// pest alone, as before the hand-written parser: the reference of the differential tests.
    PestOnly,
}

/// What the hand-written parser did in one [`parse_with`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FastPathStats {
    /// Chunks (items and entries) it parsed.
    pub parsed: usize,
    /// Chunks it left to pest.
    pub declined: usize,
}

/// Parses one document with the given parsers; see [`crate::parse`]. Both choices give the
/// same result: the differential tests check it.
pub fn parse_with(file: FileId, text: &str, paths: Paths) -> (Parsed, FastPathStats) {
    let mut parser = Recovering {
        file,
        text,
        diagnostics: Vec::new(),
        unclosed_reported: HashSet::new(),
        fast_path: paths == Paths::FastThenPest,
        stats: FastPathStats::default(),
    };
    let source = parser.source_file();
    parser.lone_carriage_returns();
    // Recovery reports in the order it works; readers and snapshots want source order.
    parser
        .diagnostics
        .sort_by_key(|diagnostic| diagnostic.primary.span.start);
    let parsed = Parsed {
        file: source,
        diagnostics: parser.diagnostics,
    };
    (parsed, parser.stats)
}

/// Whether a block being recovered is a top-level item or an entry of another block.
#[derive(Clone, Copy)]
enum Level {
    Item,
    Entry,
}

/// The state of one parse: the text, and the diagnostics found so far.
struct Recovering<'a> {
    file: FileId,
    text: &'a str,
    diagnostics: Vec<Diagnostic>,
    /// Openers already reported as unclosed: a block and the entry it is recovered into may
    /// both find the same one.
    unclosed_reported: HashSet<usize>,
    /// Whether the hand-written parser tries each chunk before pest.
    fast_path: bool,
    stats: FastPathStats,
}

/// How a whole file whose braces balance is split into top-level items (the incremental parser
/// splits the same way, so that its units are the parser's items).
pub(crate) const TOP_LEVEL: SplitRules = SplitRules {
    split_on_comma: false,
    cut_at_top_level_keyword: false,
    close_braces_at_entry_line: false,
    skip_extra_closers: false,
};

const BODY: SplitRules = SplitRules {
    split_on_comma: true,
    cut_at_top_level_keyword: false,
    close_braces_at_entry_line: false,
    skip_extra_closers: false,
};

impl<'a> Recovering<'a> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn comment(&self, start: usize, end: usize) -> Comment {
        lower::comment_at(self.file, start, self.text.get(start..end).unwrap_or(""))
    }

    fn unclosed_comment(&mut self, at: usize) {
        self.diagnostics.push(
            Diagnostic::error(
                codes::UNCLOSED_COMMENT,
                "unclosed comment",
                self.span(at, at + 2),
                "this comment is never closed",
            )
            .with_help(
                "add `*/` where the comment ends; comments nest, so every `/*` needs its own `*/`",
            ),
        );
    }

    fn stray_closer(&mut self, at: usize) {
        let closer = self.text.get(at..at + 1).unwrap_or("}");
        let opener = match closer {
            "]" => "[",
            ")" => "(",
            _ => "{",
        };
        self.diagnostics.push(
            Diagnostic::error(
                codes::UNEXPECTED_CLOSER,
                format!("unexpected `{closer}`"),
                self.span(at, at + 1),
                format!("no `{opener}` is open here"),
            )
            .with_help(format!(
                "remove this `{closer}`, or add the `{opener}` it should close"
            ))
            .with_fix(format!("remove this `{closer}`"), self.span(at, at + 1), ""),
        );
    }

    /// Reports the opener at `at` as never closed, once.
    fn unclosed(&mut self, at: usize) {
        if self.unclosed_reported.insert(at) {
            self.diagnostics
                .push(errors::unclosed(self.file, self.text, at));
        }
    }

    fn too_deep(&mut self, at: usize) {
        self.diagnostics.push(
            Diagnostic::error(
                codes::NESTED_TOO_DEEPLY,
                "nested too deeply",
                self.span(at, at + 1),
                format!("more than {} levels of brackets or comments", scan::MAX_NESTING),
            )
            .with_help("Charter sources nest a few levels deep; this is probably generated or damaged text"),
        );
    }

    /// Reports the first carriage return that is not followed by a line feed. A file saved
    /// with such line endings would otherwise be read as one long line: a comment on its first
    /// line would hide everything after it, and the file would check clean.
    fn lone_carriage_returns(&mut self) {
        let mut found = scan::lone_carriage_returns(self.text);
        let Some(first) = found.next() else {
            return;
        };
        let more = found.count();
        let mut diagnostic = Diagnostic::error(
            codes::UNEXPECTED,
            "a carriage return without a line feed is not a line break",
            self.span(first, first + 1),
            "a lone `\\r` (the line ending of classic Mac OS)",
        )
        .with_help(
            "save the file with `\\n` (LF) or `\\r\\n` (CRLF) line endings: until then, the text after a lone `\\r` belongs to the line before it, and a comment there hides it",
        );
        if more > 0 {
            diagnostic = diagnostic.with_note(format!(
                "the file has {more} more lone carriage return{}",
                if more == 1 { "" } else { "s" }
            ));
        }
        self.diagnostics.push(diagnostic);
    }

    fn source_file(&mut self) -> SourceFile {
        let text = self.text;
        if self.fast_path {
            if let Some(source) = descent::source_file(self.file, text, &mut self.diagnostics) {
                self.stats.parsed += source.items.len();
                return source;
            }
        }
        let mut pieces = scan::split(text, 0, text.len(), TOP_LEVEL);
        let unbalanced = pieces.iter().any(|piece| match piece {
            Piece::Chunk(chunk) => !chunk.unclosed.is_empty(),
            Piece::StrayCloser { .. } => true,
            Piece::Comment { .. } => false,
        });
        if unbalanced {
            // A brace is missing: start a new item at each top-level keyword at column 0, so
            // that the missing brace does not swallow the rest of the file.
            // Inside an item, a `{` left open at the end of a line followed by an entry no
            // deeper than it (`endpoint x {` just typed) is closed there, so that the item's
            // own `}` still closes the item.
            // An extra `}` typed inside a block closes nothing, so that it does not end the
            // item early and leave its last entries at top level.
            let rules = SplitRules {
                cut_at_top_level_keyword: true,
                close_braces_at_entry_line: true,
                skip_extra_closers: true,
                ..TOP_LEVEL
            };
            pieces = scan::split(text, 0, text.len(), rules);
        }
        let mut elements = Vec::with_capacity(pieces.len());
        for piece in pieces {
            match piece {
                Piece::Comment {
                    start,
                    end,
                    closed,
                    too_deep,
                } => {
                    // A comment nested too deeply is reported as that, even when it is closed.
                    if let Some(at) = too_deep {
                        self.too_deep(at);
                    } else if !closed {
                        self.unclosed_comment(start);
                    }
                    elements.push(Element::Comment(self.comment(start, end)));
                }
                Piece::StrayCloser { at } => {
                    self.stray_closer(at);
                    let span = self.span(at, at + 1);
                    elements.push(Element::Node(Item::Error(ErrorNode { span }), span));
                }
                Piece::Chunk(chunk) => {
                    let span = self.span(chunk.start, chunk.end);
                    let item = self.item(&chunk);
                    elements.push(Element::Node(item, span));
                }
            }
        }
        let (items, dangling_comments) = attach(
            self.file,
            text,
            elements,
            lower::ITEMS,
            &mut self.diagnostics,
        );
        SourceFile {
            items,
            dangling_comments,
            span: self.span(0, text.len()),
        }
    }

    /// Checks a chunk for problems the grammar must not see: too deep for pest's recursion, or
    /// a block comment that swallows the rest of it.
    fn lexical_problem(&mut self, chunk: &Chunk) -> bool {
        if let Some(at) = chunk.too_deep {
            self.too_deep(at);
            return true;
        }
        if let Some(at) = chunk.unclosed_comment {
            self.unclosed_comment(at);
            return true;
        }
        false
    }

    fn item(&mut self, chunk: &Chunk) -> Item {
        let error = Item::Error(ErrorNode {
            span: self.span(chunk.start, chunk.end),
        });
        if self.lexical_problem(chunk) {
            return error;
        }
        if self.fast_path {
            let parsed = descent::item(
                self.file,
                self.text,
                chunk.start,
                chunk.end,
                &mut self.diagnostics,
            );
            if let Some(block) = parsed {
                self.stats.parsed += 1;
                return Item::Block(block);
            }
            self.stats.declined += 1;
        }
        let source = &self.text[chunk.start..chunk.end];
        match CharterParser::parse(Rule::item_chunk, source) {
            Ok(mut pairs) => {
                let block = pairs
                    .next()
                    .and_then(|item| item.into_inner().find(|pair| pair.as_rule() == Rule::block));
                match block {
                    Some(block) => Item::Block(self.lowerer(chunk.start).block(block)),
                    None => error,
                }
            }
            Err(pest_error) => {
                let diagnostic = errors::from_pest(
                    self.file,
                    self.text,
                    chunk.start,
                    chunk.end,
                    true,
                    &pest_error,
                );
                match self.recover_block(chunk, diagnostic, Level::Item) {
                    Some(block) => Item::Block(block),
                    None => error,
                }
            }
        }
    }

    fn lowerer(&mut self, base: usize) -> Lowerer<'_> {
        Lowerer {
            file: self.file,
            text: self.text,
            base,
            diagnostics: &mut self.diagnostics,
        }
    }

    /// Recovers inside a block that does not parse as a whole: parses its header alone, then
    /// each entry of its body alone. `original` is the whole block's error, reported only if
    /// recovery finds nothing more precise.
    fn recover_block(
        &mut self,
        chunk: &Chunk,
        original: Diagnostic,
        level: Level,
    ) -> Option<Block> {
        let text = self.text;
        let reported_before = self.diagnostics.len();
        let Some(brace) = scan::header_brace(text, chunk.start, chunk.end) else {
            // A line that starts like a block but has no `{` yet is a block being written;
            // the help is for lines that are not blocks at all.
            let writing_a_block = scan::TOP_LEVEL_KEYWORDS.iter().any(|keyword| {
                text[chunk.start..chunk.end]
                    .strip_prefix(keyword)
                    .is_some_and(|rest| rest.starts_with([' ', '\t']))
            });
            let original = match level {
                Level::Item if !writing_a_block => {
                    let listing: Vec<String> = scan::TOP_LEVEL_KEYWORDS
                        .iter()
                        .map(|keyword| format!("`{keyword}`"))
                        .collect();
                    let blocks = format!(
                        "a file holds blocks such as `policy NAME {{ ... }}`: {}",
                        listing.join(", ")
                    );
                    let word: String = text[chunk.start..chunk.end]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    match scan::similar_top_level_keyword(&word) {
                        Some(keyword) => {
                            original.with_help(format!("did you mean `{keyword}`? {blocks}"))
                        }
                        None => original.with_help(blocks),
                    }
                }
                Level::Item | Level::Entry => original,
            };
            self.report_entry_failure(chunk, original);
            return None;
        };
        let head = match CharterParser::parse(Rule::block_head, &text[chunk.start..=brace]) {
            Ok(mut pairs) => pairs.next()?,
            Err(head_error) => {
                self.diagnostics.push(errors::from_pest(
                    self.file,
                    text,
                    chunk.start,
                    brace + 1,
                    matches!(level, Level::Item),
                    &head_error,
                ));
                return None;
            }
        };
        let close = scan::matching_brace(text, brace, chunk.end, &chunk.extra_closers);
        let body_end = close.unwrap_or(chunk.end);
        // In a body whose braces do not balance, a `{` left open at the end of a line is closed
        // there when an entry follows, and a `}` left over at the end closes this block.
        let mut pieces = scan::split(
            text,
            brace + 1,
            body_end,
            SplitRules {
                close_braces_at_entry_line: close.is_none(),
                skip_extra_closers: !chunk.extra_closers.is_empty(),
                ..BODY
            },
        );
        let mut close = close;
        if close.is_none() {
            if let Some(&Piece::StrayCloser { at }) = pieces.last() {
                if text.as_bytes()[at] == b'}' {
                    close = Some(at);
                    pieces.pop();
                }
            }
        }
        if close.is_none() {
            // The `{` whose `}` is indented less than its own line is more likely the one that
            // lost its `}` than the block's own brace. An unclosed string that swallowed the
            // `}` is reported by itself. (When a left-over `}` closed this block above, the
            // inner `{` that lost its `}` is reported by the entry recovered from it.)
            if !scan::has_unclosed_string(text, brace, chunk.end) {
                let culprit = scan::misindented_brace(text, brace, chunk.end, &chunk.extra_closers)
                    .unwrap_or(brace);
                self.unclosed(culprit);
            }
        }
        let mut elements = Vec::new();
        for piece in pieces {
            match piece {
                Piece::Comment {
                    start,
                    end,
                    closed,
                    too_deep,
                } => {
                    // A comment nested too deeply is reported as that, even when it is closed.
                    if let Some(at) = too_deep {
                        self.too_deep(at);
                    } else if !closed {
                        self.unclosed_comment(start);
                    }
                    elements.push(Element::Comment(self.comment(start, end)));
                }
                Piece::StrayCloser { at } => {
                    self.stray_closer(at);
                    let span = self.span(at, at + 1);
                    elements.push(Element::Node(Entry::Error(ErrorNode { span }), span));
                }
                Piece::Chunk(entry_chunk) => {
                    let span = self.span(entry_chunk.start, entry_chunk.end);
                    let entry = self.entry(&entry_chunk);
                    elements.push(Element::Node(entry, span));
                }
            }
        }
        // Text after the closing brace inside this chunk (`a { } b`): not an entry of this body.
        if let Some(close) = close {
            let after = text[close + 1..chunk.end].trim_start();
            if !after.is_empty() {
                let at = chunk.end - after.len();
                let found = errors::found_at(text, at);
                self.diagnostics.push(Diagnostic::error(
                    codes::UNEXPECTED,
                    format!("unexpected {found}"),
                    self.span(at, chunk.end),
                    "expected a new line after the block",
                ));
            }
        }
        let mut lowerer = self.lowerer(chunk.start);
        let mut head_pairs = head.into_inner().peekable();
        let (keyword, label, extends) = lowerer.header(&mut head_pairs);
        let (mut entries, dangling_comments) = lowerer.attach_entries(elements);
        if close.is_none() {
            // The block was cut short, so entries may be missing from it: an (empty) error
            // entry at its end tells readers such as the checker not to report them missing.
            let end = self.span(chunk.end, chunk.end);
            entries.push(Entry::Error(ErrorNode { span: end }));
        }
        if self.diagnostics.len() == reported_before {
            // Every piece parsed alone, so the error lies between them; report pest's words.
            self.diagnostics.push(original);
        }
        let end = close.map_or(chunk.end, |close| close + 1);
        Some(Block {
            trivia: Trivia::default(),
            keyword,
            label,
            extends,
            entries,
            dangling_comments,
            span: self.span(chunk.start, end),
            body_span: self.span(brace, end),
        })
    }

    fn report_entry_failure(&mut self, chunk: &Chunk, original: Diagnostic) {
        // An unclosed bracket explains the failure, unless pest stopped before reaching it.
        match chunk.unclosed.first() {
            Some(&at) if at <= original.primary.span.start as usize => self.unclosed(at),
            _ => self.diagnostics.push(original),
        }
    }

    fn entry(&mut self, chunk: &Chunk) -> Entry {
        let error = Entry::Error(ErrorNode {
            span: self.span(chunk.start, chunk.end),
        });
        if self.lexical_problem(chunk) {
            return error;
        }
        if self.fast_path {
            let parsed = descent::entry(
                self.file,
                self.text,
                chunk.start,
                chunk.end,
                &mut self.diagnostics,
            );
            if let Some(entry) = parsed {
                self.stats.parsed += 1;
                return entry;
            }
            self.stats.declined += 1;
        }
        let source = &self.text[chunk.start..chunk.end];
        match CharterParser::parse(Rule::entry_chunk, source) {
            Ok(mut pairs) => {
                let entry = pairs.next().and_then(|pair| {
                    pair.into_inner().find(|inner| {
                        matches!(inner.as_rule(), Rule::block | Rule::field | Rule::clause)
                    })
                });
                match entry {
                    Some(entry) => self.lowerer(chunk.start).entry(entry),
                    None => error,
                }
            }
            Err(pest_error) => {
                let diagnostic = errors::from_pest(
                    self.file,
                    self.text,
                    chunk.start,
                    chunk.end,
                    false,
                    &pest_error,
                );
                if scan::header_brace(self.text, chunk.start, chunk.end).is_some() {
                    match self.recover_block(chunk, diagnostic, Level::Entry) {
                        Some(block) => Entry::Block(Box::new(block)),
                        None => error,
                    }
                } else {
                    self.report_entry_failure(chunk, diagnostic);
                    error
                }
            }
        }
    }
}
