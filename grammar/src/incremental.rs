//! Incremental re-parsing: after an edit, only the top-level items whose text changed are
//! parsed again; every other item is taken from an [`ItemCache`] with its spans moved to
//! where it now sits.
//!
//! The parser already parses each top-level item alone (see `parser/mod.rs`): the scanner
//! splits the file into pieces (comments and item chunks) and pest sees one chunk at a time.
//! This module groups those pieces into *units*: a unit starts at the beginning of a line and
//! holds the comments before an item (its doc and leading comments), the item, and the comment
//! at the end of the item's last line (its trailing comment); the last unit also holds the
//! comments at the end of the file. A unit parsed on its own gives the same nodes and
//! diagnostics as in the whole file, moved by its start offset, because nothing the parser does
//! for an item looks outside the item's lines, and the top-level attachment of comments only
//! looks back as far as the previous item's last line.
//!
//! Where that does not hold, the whole file is parsed instead:
//! - the braces of the file do not balance (a stray `}` or an unclosed `{`): the parser then
//!   splits the file differently, at top-level keywords, so that the missing brace does not
//!   swallow the rest of the file;
//! - two comments follow an item on its last line: the second one belongs to the next item;
//!   the two items then form one unit instead (not a fallback);
//! - a unit's own scan does not split it as the whole file's scan did, or it has a line so long
//!   that the scanner's bounded look-back could see a different line start (checked when the
//!   unit is first parsed, and remembered).
//!
//! INVARIANT: [`parse_with_cache`] returns exactly what [`crate::parse`] returns for the same
//! text (the same tree with the same spans, and the same diagnostics in the same order),
//! whatever the cache holds. The tests below check it over every example, stdlib and fixture
//! file under seeded random edit sequences.

use std::collections::HashMap;

use crate::ast::{
    Block, Call, Clause, Comment, DocComment, Entry, Field, Item, Label, List, ListItem, Path,
    Phrase, SourceFile, Trivia, Value,
};
use crate::diagnostic::{self, Diagnostic};
use crate::parser::scan::{self, Chunk, Piece};
use crate::parser::TOP_LEVEL;
use crate::span::{FileId, Span};
use crate::Parsed;

/// Lines at least this long make a unit unsafe to parse alone: the scanner looks back at most
/// 4,096 bytes for the start of a line, so on longer lines the answer can depend on what is
/// before the unit.
const LONG_LINE: usize = 4_000;

/// Parsed top-level items of one document, keyed by the exact text of their unit, so that a
/// re-parse after an edit parses only the units whose text changed.
///
/// Keep one cache per document: entries hold no file id and no position (they are relative to
/// their unit), but a cache shared by documents would evict the other documents' units.
#[derive(Debug, Default)]
pub struct ItemCache {
    units: HashMap<String, CachedUnit>,
    /// Incremented on every parse; entries not used by the latest parse are evicted.
    generation: u64,
    stats: CacheStats,
}

/// What the latest [`parse_with_cache`] did, for tests and logs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Units taken from the cache.
    pub hits: usize,
    /// Units parsed (and added to the cache).
    pub misses: usize,
    /// Whether the whole file was parsed instead (see the module docs for when).
    pub full_parse: bool,
}

impl ItemCache {
    /// An empty cache.
    pub fn new() -> ItemCache {
        ItemCache::default()
    }

    /// How many units the cache holds.
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// Whether the cache holds no units.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// What the latest parse did.
    pub fn stats(&self) -> CacheStats {
        self.stats
    }
}

#[derive(Debug)]
struct CachedUnit {
    /// `None` when the unit cannot be parsed apart from its file.
    parse: Option<UnitParse>,
    /// The generation of the latest parse that used this entry.
    used: u64,
}

/// A unit parsed on its own: spans are offsets into the unit's text.
#[derive(Debug)]
struct UnitParse {
    items: Vec<Item>,
    dangling_comments: Vec<Comment>,
    diagnostics: Vec<Diagnostic>,
}

/// Parses one document like [`crate::parse`], reusing the items of `cache` whose text did not
/// change since the previous parse with the same cache, and updating the cache.
pub fn parse_with_cache(file: FileId, text: &str, cache: &mut ItemCache) -> Parsed {
    cache.generation += 1;
    cache.stats = CacheStats::default();
    // A lone carriage return is reported once for the whole file.
    if scan::lone_carriage_returns(text).next().is_some() {
        return full_parse(file, text, cache);
    }
    let pieces = scan::split(text, 0, text.len(), TOP_LEVEL);
    let Some(units) = units(text, &pieces) else {
        return full_parse(file, text, cache);
    };
    let mut items = Vec::new();
    let mut dangling_comments = Vec::new();
    let mut diagnostics = Vec::new();
    let last = units.len().saturating_sub(1);
    for (index, unit) in units.iter().enumerate() {
        let unit_text = &text[unit.start..unit.end];
        if !cache.units.contains_key(unit_text) {
            let expected = shift_pieces(&pieces[unit.pieces.clone()], unit.start);
            let parse = parse_unit(file, unit_text, &expected);
            cache.units.insert(
                unit_text.to_string(),
                CachedUnit {
                    parse,
                    used: cache.generation,
                },
            );
            cache.stats.misses += 1;
        } else {
            cache.stats.hits += 1;
        }
        let Some(cached) = cache.units.get_mut(unit_text) else {
            return full_parse(file, text, cache);
        };
        cached.used = cache.generation;
        let Some(parse) = &cached.parse else {
            return full_parse(file, text, cache);
        };
        // Comments after the last item of a unit can only be the file's last comments.
        if index != last && !parse.dangling_comments.is_empty() {
            return full_parse(file, text, cache);
        }
        let delta = unit.start;
        items.extend(parse.items.iter().map(|item| {
            let mut item = item.clone();
            shift_item(&mut item, file, delta);
            item
        }));
        dangling_comments.extend(parse.dangling_comments.iter().map(|comment| {
            let mut comment = comment.clone();
            shift_comment(&mut comment, file, delta);
            comment
        }));
        diagnostics.extend(parse.diagnostics.iter().map(|diagnostic| {
            let mut diagnostic = diagnostic.clone();
            shift_diagnostic(&mut diagnostic, file, delta);
            diagnostic
        }));
    }
    let generation = cache.generation;
    cache.units.retain(|_, unit| unit.used == generation);
    // Each unit's diagnostics are in the parser's order (sorted by start, stably); a stable
    // sort of their concatenation is then the whole file's order, as `parse` sorts the same
    // way.
    diagnostics.sort_by_key(|diagnostic| diagnostic.primary.span.start);
    Parsed {
        file: SourceFile {
            items,
            dangling_comments,
            span: Span::new(file, 0, text.len()),
        },
        diagnostics,
    }
}

/// Parses the whole text, leaving the cache's entries alone: a file whose braces do not
/// balance is usually being typed, and its items will be reused once the brace is closed.
fn full_parse(file: FileId, text: &str, cache: &mut ItemCache) -> Parsed {
    cache.stats.full_parse = true;
    crate::parse(file, text)
}

/// One unit: the byte range of its text and the range of the file's pieces it holds.
#[derive(Debug)]
struct Unit {
    start: usize,
    end: usize,
    pieces: std::ops::Range<usize>,
}

/// Groups the whole file's pieces into units, or `None` when the file must be parsed whole.
fn units(text: &str, pieces: &[Piece]) -> Option<Vec<Unit>> {
    let bytes = text.as_bytes();
    let mut units = Vec::new();
    let mut unit_start = 0;
    let mut first_piece = 0;
    // Whether the current unit holds an item yet, and how many comments follow its last item.
    let mut has_item = false;
    let mut comments_after_item = 0;
    let mut previous_end = 0;
    for (index, piece) in pieces.iter().enumerate() {
        let (start, end) = match piece {
            Piece::Chunk(chunk) => {
                if !chunk.unclosed.is_empty() {
                    return None;
                }
                (chunk.start, chunk.end)
            }
            Piece::Comment { start, end, .. } => (*start, *end),
            Piece::StrayCloser { .. } => return None,
        };
        // A new unit starts at the line of a piece that follows an item (and at most its
        // trailing comment) on a later line: the attachment of comments to items never looks
        // across such a line break.
        let gap = bytes.get(previous_end..start).unwrap_or(&[]);
        if has_item && comments_after_item <= 1 && gap.contains(&b'\n') {
            let line_start = gap
                .iter()
                .rposition(|&byte| byte == b'\n')
                .map_or(start, |newline| previous_end + newline + 1);
            if bytes[line_start..start]
                .iter()
                .all(|byte| matches!(byte, b' ' | b'\t'))
            {
                units.push(Unit {
                    start: unit_start,
                    end: line_start,
                    pieces: first_piece..index,
                });
                unit_start = line_start;
                first_piece = index;
                has_item = false;
                comments_after_item = 0;
            }
        }
        match piece {
            Piece::Chunk(_) => {
                has_item = true;
                comments_after_item = 0;
            }
            _ => comments_after_item += 1,
        }
        previous_end = end;
    }
    match units.last_mut() {
        // Comments after the last item are the file's dangling comments, whose blank lines
        // count from that item: they stay in its unit.
        Some(previous) if !has_item => {
            previous.end = text.len();
            previous.pieces.end = pieces.len();
        }
        _ => units.push(Unit {
            start: unit_start,
            end: text.len(),
            pieces: first_piece..pieces.len(),
        }),
    }
    Some(units)
}

/// The pieces of a unit with offsets relative to the unit's start.
fn shift_pieces(pieces: &[Piece], unit_start: usize) -> Vec<Piece> {
    let back = |offset: usize| offset - unit_start;
    pieces
        .iter()
        .map(|piece| match piece {
            Piece::Comment {
                start,
                end,
                closed,
                too_deep,
            } => Piece::Comment {
                start: back(*start),
                end: back(*end),
                closed: *closed,
                too_deep: too_deep.map(back),
            },
            Piece::StrayCloser { at } => Piece::StrayCloser { at: back(*at) },
            Piece::Chunk(chunk) => Piece::Chunk(Chunk {
                start: back(chunk.start),
                end: back(chunk.end),
                unclosed: chunk.unclosed.iter().map(|&at| back(at)).collect(),
                too_deep: chunk.too_deep.map(back),
                unclosed_comment: chunk.unclosed_comment.map(back),
                extra_closers: chunk.extra_closers.iter().map(|&at| back(at)).collect(),
            }),
        })
        .collect()
}

/// Parses a unit on its own, or `None` when it cannot be parsed apart from its file: its own
/// scan splits it differently from the whole file's, or a line is too long (see
/// [`LONG_LINE`]).
fn parse_unit(file: FileId, unit_text: &str, expected: &[Piece]) -> Option<UnitParse> {
    if unit_text.split('\n').any(|line| line.len() >= LONG_LINE) {
        return None;
    }
    if scan::split(unit_text, 0, unit_text.len(), TOP_LEVEL) != expected {
        return None;
    }
    let parsed = crate::parse(file, unit_text);
    Some(UnitParse {
        items: parsed.file.items,
        dangling_comments: parsed.file.dangling_comments,
        diagnostics: parsed.diagnostics,
    })
}

/// Moves a span by `delta` bytes into `file`.
fn shift(span: &mut Span, file: FileId, delta: usize) {
    *span = Span::new(file, span.start as usize + delta, span.end as usize + delta);
}

fn shift_diagnostic(diagnostic: &mut Diagnostic, file: FileId, delta: usize) {
    let Diagnostic {
        code: _,
        severity: _,
        message: _,
        primary,
        secondary,
        notes: _,
        help: _,
        fix,
    } = diagnostic;
    shift_label(primary, file, delta);
    for label in secondary {
        shift_label(label, file, delta);
    }
    if let Some(diagnostic::Fix { title: _, edits }) = fix {
        for diagnostic::Edit { span, new_text: _ } in edits {
            shift(span, file, delta);
        }
    }
}

fn shift_label(label: &mut diagnostic::Label, file: FileId, delta: usize) {
    let diagnostic::Label { span, message: _ } = label;
    shift(span, file, delta);
}

fn shift_item(item: &mut Item, file: FileId, delta: usize) {
    match item {
        Item::Block(block) => shift_block(block, file, delta),
        Item::Error(error) => shift(&mut error.span, file, delta),
    }
}

fn shift_block(block: &mut Block, file: FileId, delta: usize) {
    let Block {
        trivia,
        keyword,
        label,
        extends,
        entries,
        dangling_comments,
        span,
        body_span,
    } = block;
    shift_trivia(trivia, file, delta);
    shift(&mut keyword.span, file, delta);
    match label {
        Some(Label::Name(ident)) => shift(&mut ident.span, file, delta),
        Some(Label::Str(string)) => shift(&mut string.span, file, delta),
        None => {}
    }
    if let Some(path) = extends {
        shift_path(path, file, delta);
    }
    for entry in entries {
        shift_entry(entry, file, delta);
    }
    for comment in dangling_comments {
        shift_comment(comment, file, delta);
    }
    shift(span, file, delta);
    shift(body_span, file, delta);
}

fn shift_entry(entry: &mut Entry, file: FileId, delta: usize) {
    match entry {
        Entry::Field(Field {
            trivia,
            key,
            value,
            span,
        }) => {
            shift_trivia(trivia, file, delta);
            shift(&mut key.span, file, delta);
            shift_phrase(value, file, delta);
            shift(span, file, delta);
        }
        Entry::Clause(Clause {
            trivia,
            keyword,
            phrase,
            span,
        }) => {
            shift_trivia(trivia, file, delta);
            shift(&mut keyword.span, file, delta);
            shift_phrase(phrase, file, delta);
            shift(span, file, delta);
        }
        Entry::Block(block) => shift_block(block, file, delta),
        Entry::Error(error) => shift(&mut error.span, file, delta),
    }
}

fn shift_phrase(phrase: &mut Phrase, file: FileId, delta: usize) {
    let Phrase { values, span } = phrase;
    for value in values {
        shift_value(value, file, delta);
    }
    shift(span, file, delta);
}

fn shift_value(value: &mut Value, file: FileId, delta: usize) {
    match value {
        Value::Str(string) => shift(&mut string.span, file, delta),
        Value::Number(number) => {
            if let Some(unit) = &mut number.unit {
                shift(&mut unit.span, file, delta);
            }
            shift(&mut number.span, file, delta);
        }
        Value::Date(date) => shift(&mut date.span, file, delta),
        Value::Path(path) => shift_path(path, file, delta),
        Value::Call(Call { callee, args, span }) => {
            shift(&mut callee.span, file, delta);
            for arg in args {
                shift_value(arg, file, delta);
            }
            shift(span, file, delta);
        }
        Value::List(List {
            items,
            dangling_comments,
            span,
        }) => {
            for ListItem { trivia, value } in items {
                shift_trivia(trivia, file, delta);
                shift_value(value, file, delta);
            }
            for comment in dangling_comments {
                shift_comment(comment, file, delta);
            }
            shift(span, file, delta);
        }
        Value::Error(error) => shift(&mut error.span, file, delta),
    }
}

fn shift_path(path: &mut Path, file: FileId, delta: usize) {
    let Path { segments, span } = path;
    for segment in segments {
        shift(&mut segment.span, file, delta);
    }
    shift(span, file, delta);
}

fn shift_trivia(trivia: &mut Trivia, file: FileId, delta: usize) {
    let Trivia {
        blank_line_before: _,
        doc,
        leading,
        trailing,
    } = trivia;
    if let Some(DocComment { text: _, span }) = doc {
        shift(span, file, delta);
    }
    for comment in leading {
        shift_comment(comment, file, delta);
    }
    if let Some(comment) = trailing {
        shift_comment(comment, file, delta);
    }
}

fn shift_comment(comment: &mut Comment, file: FileId, delta: usize) {
    shift(&mut comment.span, file, delta);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift64*), so that failures reproduce from the seed.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, bound: usize) -> usize {
            if bound == 0 {
                0
            } else {
                (self.next() % bound as u64) as usize
            }
        }
    }

    /// Asserts the invariant: the cached parse is the whole parse, spans included (`Debug`
    /// prints every span; `==` ignores them).
    fn assert_same(text: &str, cache: &mut ItemCache, context: &str) {
        let file = FileId(3);
        let expected = crate::parse(file, text);
        let actual = parse_with_cache(file, text, cache);
        let expected_tree = format!("{:#?}", expected.file);
        let actual_tree = format!("{:#?}", actual.file);
        if expected_tree != actual_tree {
            let first_difference = expected_tree
                .lines()
                .zip(actual_tree.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            let around = |tree: &str| {
                let lines: Vec<&str> = tree.lines().collect();
                lines[first_difference.saturating_sub(3)..(first_difference + 3).min(lines.len())]
                    .join("\n")
            };
            panic!(
                "{context}: trees differ at Debug line {first_difference} ({:?}):\nwhole:\n{}\ncached:\n{}\nfor text:\n{text}",
                cache.stats(),
                around(&expected_tree),
                around(&actual_tree),
            );
        }
        assert_eq!(
            format!("{:#?}", expected.diagnostics),
            format!("{:#?}", actual.diagnostics),
            "{context}: diagnostics differ ({:?}) for text:\n{text}",
            cache.stats()
        );
    }

    #[expect(
        clippy::disallowed_methods,
        reason = "the test reads the repository's Charter files, the corpus the invariant covers"
    )]
    fn corpus() -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut found = Vec::new();
        let mut pending = vec![
            root.join("examples"),
            root.join("stdlib"),
            root.join("grammar/tests/fixtures"),
        ];
        while let Some(dir) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                } else if path.extension().is_some_and(|ext| ext == "charter") {
                    let text = std::fs::read_to_string(&path).expect("a readable fixture");
                    found.push((path.display().to_string(), text));
                }
            }
        }
        found.sort();
        assert!(found.len() > 20, "the corpus was found: {}", found.len());
        found
    }

    /// Snippets that edits insert: brackets, strings, comments, line breaks and item starts,
    /// the things that change how a file splits.
    const INSERTS: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        "\"",
        "// c",
        "/* c */",
        "/*",
        "*/",
        "\n",
        "\n\n",
        ",",
        ":",
        " ",
        "x",
        "policy p {",
        "}\n",
        "\n/// doc\n",
        "\r\n",
        "é",
        "\t",
        "filter f { }\n",
        "\npolicy q {\n  deny x\n}\n",
        "1 %",
        "2026-13-01",
    ];

    fn boundary_at_or_before(text: &str, mut at: usize) -> usize {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    /// One random edit, as an editor would make it.
    fn mutate(text: &str, original: &str, rng: &mut Rng) -> String {
        let at = boundary_at_or_before(text, rng.below(text.len() + 1));
        match rng.below(10) {
            0..=3 => {
                let insert = INSERTS[rng.below(INSERTS.len())];
                format!("{}{insert}{}", &text[..at], &text[at..])
            }
            4..=5 => {
                let end = boundary_at_or_before(text, at + rng.below(24));
                format!("{}{}", &text[..at], &text[end..])
            }
            6 => {
                // Duplicate the line at `at`.
                let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
                let line = &text[line_start..line_end];
                format!("{}{line}{}", &text[..line_start], &text[line_start..])
            }
            7 => {
                // Delete the line at `at`.
                let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
                format!("{}{}", &text[..line_start], &text[line_end..])
            }
            8 => {
                // Type a character in an identifier-ish place.
                format!(
                    "{}{}{}",
                    &text[..at],
                    ["a", "_", "1", "-"][rng.below(4)],
                    &text[at..]
                )
            }
            _ => original.to_string(),
        }
    }

    #[test]
    fn a_cached_parse_of_every_corpus_file_is_the_whole_parse() {
        for (name, text) in corpus() {
            let mut cache = ItemCache::new();
            assert_same(&text, &mut cache, &name);
            // Again, from a warm cache: every unit is a hit.
            assert_same(&text, &mut cache, &name);
            let stats = cache.stats();
            assert!(stats.full_parse || stats.misses == 0, "{name}: {stats:?}");
        }
    }

    #[test]
    fn random_edit_sequences_keep_the_cached_parse_equal_to_the_whole_parse() {
        let (mut total_steps, mut incremental_steps, mut reused_steps) = (0, 0, 0);
        for (index, (name, original)) in corpus().into_iter().enumerate() {
            let seed = 0x9E37_79B9_7F4A_7C15 ^ (index as u64 + 1);
            let mut rng = Rng(seed);
            let mut cache = ItemCache::new();
            let mut text = original.clone();
            assert_same(&text, &mut cache, &name);
            // Long files cost more per step in a debug build; fewer steps keep the test quick.
            let steps = if original.len() > 20_000 { 10 } else { 60 };
            // The latest text that went through the cache: an edit that unbalances the braces
            // is often undone, so the cache is exercised rather than the fallback.
            let mut last_incremental = original.clone();
            for step in 0..steps {
                let base = if cache.stats().full_parse && rng.below(2) == 0 {
                    &last_incremental
                } else {
                    &text
                };
                text = mutate(base, &original, &mut rng);
                assert_same(
                    &text,
                    &mut cache,
                    &format!("{name} seed {seed:#x} step {step}"),
                );
                let stats = cache.stats();
                total_steps += 1;
                if !stats.full_parse {
                    last_incremental.clone_from(&text);
                    incremental_steps += 1;
                    reused_steps += usize::from(stats.hits > 0);
                }
            }
        }
        // Most edits must exercise the cache, not the whole-file fallback.
        assert!(
            incremental_steps * 2 > total_steps && reused_steps * 5 > total_steps,
            "{incremental_steps} incremental, {reused_steps} reusing, of {total_steps} steps"
        );
    }

    #[test]
    fn an_edit_inside_one_item_parses_only_that_item_again() {
        let text =
            "/// doc\npolicy a {\n  deny x\n}\n\npolicy b {\n  deny y\n} // end of b\n\n// tail\n";
        let mut cache = ItemCache::new();
        assert_same(text, &mut cache, "initial");
        assert_eq!(cache.stats().misses, 2);
        let edited = text.replace("deny y", "deny yz");
        assert_same(&edited, &mut cache, "edited");
        let stats = cache.stats();
        assert_eq!((stats.hits, stats.misses, stats.full_parse), (1, 1, false));
        // The old text of `b` was evicted; `a` and the new `b` remain.
        assert_eq!(cache.len(), 2);
        // Inserting an item above `b` moves it: it is reused, its spans shifted.
        let moved = edited.replace("}\n\npolicy b", "}\n\npolicy n { deny z }\n\n\npolicy b");
        assert_same(&moved, &mut cache, "moved");
        let stats = cache.stats();
        assert_eq!((stats.hits, stats.misses, stats.full_parse), (2, 1, false));
    }

    #[test]
    fn unbalanced_braces_parse_the_whole_file_and_keep_the_cache() {
        let text = "policy a {\n  deny x\n}\n\npolicy b {\n  deny y\n}\n";
        let mut cache = ItemCache::new();
        assert_same(text, &mut cache, "initial");
        let open = text.replace("deny x\n}", "deny x\n");
        assert_same(&open, &mut cache, "unclosed");
        assert!(cache.stats().full_parse);
        let stray = format!("{text}}}\n");
        assert_same(&stray, &mut cache, "stray closer");
        assert!(cache.stats().full_parse);
        assert_same(text, &mut cache, "closed again");
        assert_eq!(cache.stats().hits, 2);
    }

    #[test]
    fn tricky_layouts_match_the_whole_parse() {
        let cases = [
            "",
            "\n\n",
            "// only a comment\n",
            "\u{feff}policy a { deny x }\n",
            "policy a { deny x }\r\n\r\npolicy b { deny y }\r\n",
            "policy a { deny x } // one /* two */\npolicy b { deny y }\n",
            "policy a { deny x } /* one */ /* two */\n// three\npolicy b { deny y }\n",
            "policy a { } policy b { }\npolicy c { }\n",
            "policy a\n{\n  deny x\n}\npolicy b\n\n{ deny y }\n",
            "policy a { deny x }\n  policy b { deny y }\n\n\n/// doc\n\n/// more\npolicy c { }\n",
            "policy a { deny x }\n/* a\nblock */ policy b { }\n",
            "policy a { deny x }\nstray words here\npolicy b { deny \"unclosed }\n",
            "policy a { deny x }\n/* never closed\npolicy b { }\n",
            "policy a { deny x }\n\n// tail one\n\n// tail two",
            "policy a { allow: [1, 2\n  3] }\npolicy b { x: f(1,\n 2) }\n",
        ];
        for case in cases {
            let mut cache = ItemCache::new();
            assert_same(case, &mut cache, "cold");
            assert_same(case, &mut cache, "warm");
        }
    }

    #[test]
    fn spans_move_into_the_new_file() {
        let text = "policy a { deny x }\npolicy b { deny y }\n";
        let mut cache = ItemCache::new();
        parse_with_cache(FileId(1), text, &mut cache);
        let parsed = parse_with_cache(FileId(7), text, &mut cache);
        assert_eq!(cache.stats().hits, 2);
        assert!(parsed
            .file
            .items
            .iter()
            .all(|item| matches!(item, Item::Block(block) if block.span.file == FileId(7))));
    }
}
