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
use std::sync::Arc;

use crate::ast::{
    Block, Call, Clause, Comment, DocComment, Entry, Field, Item, Label, List, ListItem, Path,
    Phrase, SourceFile, Trivia, TriviaFields, Value,
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
/// re-parse after an edit parses only the units whose text changed; and how the latest text
/// split into units, so that the next re-parse scans only the units around the text that
/// changed (see [`parse_with_cache`]).
///
/// Keep one cache per document: entries hold no file id and no position (they are relative to
/// their unit), but a cache shared by documents would evict the other documents' units.
#[derive(Debug, Default)]
pub struct ItemCache {
    units: HashMap<String, CachedUnit>,
    /// Incremented on every parse; after a scan of the whole text, entries not used by it are
    /// evicted.
    generation: u64,
    stats: CacheStats,
    /// The text of the latest parse and its units, when that parse went unit by unit.
    layout: Option<Layout>,
    /// The items of the latest parse, handed back by [`ItemCache::reclaim`]: the next parse
    /// moves the unchanged ones into its tree instead of copying them.
    reclaimed: Option<Vec<Item>>,
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
    /// How many bytes of the text the scanner read to split it into units: the whole text,
    /// or only the units around an edit.
    pub scanned: usize,
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

    /// Hands back the tree of the latest parse, parsed from `text`, once nothing else needs
    /// it: the next parse then moves its unchanged items (and shifts those after the edit)
    /// instead of copying every item from the cache. Ignored unless `text` is the text of the
    /// latest parse with this cache, in the same file (a tree of that text is the same
    /// whichever way it was parsed).
    pub fn reclaim(&mut self, text: &str, tree: SourceFile) {
        let Some(layout) = &self.layout else {
            return;
        };
        let items: usize = layout.units.iter().map(|unit| unit.parse.items.len()).sum();
        if layout.file == tree.span.file && layout.text == text && tree.items.len() == items {
            self.reclaimed = Some(tree.items);
        }
    }

    /// Whether [`ItemCache::reclaim`] holds a tree for the next parse.
    pub fn has_reclaimed(&self) -> bool {
        self.reclaimed.is_some()
    }
}

#[derive(Debug)]
struct CachedUnit {
    /// `None` when the unit cannot be parsed apart from its file.
    parse: Option<Arc<UnitParse>>,
    /// The generation of the latest parse that used this entry.
    used: u64,
    /// How many units of the latest layout have this text.
    uses: usize,
}

/// A unit parsed on its own: spans are offsets into the unit's text.
#[derive(Debug)]
struct UnitParse {
    items: Vec<Item>,
    dangling_comments: Vec<Comment>,
    diagnostics: Vec<Diagnostic>,
}

/// The latest text parsed unit by unit, and its units in order.
#[derive(Debug)]
struct Layout {
    file: FileId,
    text: String,
    units: Vec<LaidUnit>,
}

/// One unit of a [`Layout`]: where it is, its parse, and the grouping's state after its last
/// piece (where grouping the next unit starts).
#[derive(Clone, Debug)]
struct LaidUnit {
    start: usize,
    end: usize,
    state: GroupState,
    parse: Arc<UnitParse>,
}

/// Parses one document like [`crate::parse`], reusing the items of `cache` whose text did not
/// change since the previous parse with the same cache, and updating the cache.
///
/// After a parse that went unit by unit, the next one compares the two texts: only the units
/// around the bytes that differ (the unit before and the unit after them included) are scanned
/// again, and the units after them are moved by the change in length. The result is the one a
/// scan of the whole text gives: the units before the region are the same text scanned from
/// the same state, the region starts at a line that begins a unit, and it is accepted only if
/// the grouping after its last piece is in the state the old text's was at the same point
/// (then the rest of the file groups as before); otherwise, or when the region's braces or
/// comments do not close within it, the whole text is scanned.
pub fn parse_with_cache(file: FileId, text: &str, cache: &mut ItemCache) -> Parsed {
    cache.generation += 1;
    cache.stats = CacheStats::default();
    let reclaimed = cache.reclaimed.take();
    if let Some(layout) = cache.layout.take() {
        if let Some(parsed) = reparse_region(file, text, cache, layout, reclaimed) {
            return parsed;
        }
        cache.stats = CacheStats::default();
    }
    whole_scan(file, text, cache)
}

/// Scans the whole text and parses it unit by unit.
fn whole_scan(file: FileId, text: &str, cache: &mut ItemCache) -> Parsed {
    // A lone carriage return is reported once for the whole file.
    if scan::lone_carriage_returns(text).next().is_some() {
        return full_parse(file, text, cache);
    }
    cache.stats.scanned = text.len();
    let pieces = scan::split(text, 0, text.len(), TOP_LEVEL);
    let Some(units) = units(text, &pieces) else {
        return full_parse(file, text, cache);
    };
    let last = units.len().saturating_sub(1);
    let mut laid = Vec::with_capacity(units.len());
    for (index, unit) in units.iter().enumerate() {
        let Some(parse) = unit_parse(file, text, unit, &pieces, cache) else {
            return full_parse(file, text, cache);
        };
        // Comments after the last item of a unit can only be the file's last comments.
        if index != last && !parse.dangling_comments.is_empty() {
            return full_parse(file, text, cache);
        }
        laid.push(LaidUnit {
            start: unit.start,
            end: unit.end,
            state: unit.state,
            parse,
        });
    }
    let generation = cache.generation;
    cache.units.retain(|_, unit| unit.used == generation);
    for unit in cache.units.values_mut() {
        unit.uses = 0;
    }
    for unit in &laid {
        if let Some(cached) = cache.units.get_mut(&text[unit.start..unit.end]) {
            cached.uses += 1;
        }
    }
    finish(file, text, laid, None, cache, String::new())
}

/// Re-parses after an edit by scanning only the units around the bytes that changed since
/// the layout's text, or `None` when the whole text must be scanned (see [`parse_with_cache`]).
fn reparse_region(
    file: FileId,
    text: &str,
    cache: &mut ItemCache,
    layout: Layout,
    reclaimed: Option<Vec<Item>>,
) -> Option<Parsed> {
    if layout.file != file || layout.units.is_empty() {
        return None;
    }
    let (old, new) = (layout.text.as_bytes(), text.as_bytes());
    let prefix = common_prefix(old, new);
    let suffix = common_suffix(&old[prefix..], &new[prefix..]);
    let units = &layout.units;
    let containing = |offset: usize| {
        units
            .partition_point(|unit| unit.end <= offset)
            .min(units.len() - 1)
    };
    // The unit before the one where the change begins, to the unit after the one where it
    // ends: an edit at the edge of a unit can join it to its neighbour.
    let first = containing(prefix.saturating_sub(1)).saturating_sub(1);
    let last = (containing(old.len() - suffix) + 1).min(units.len() - 1);
    let start = units[first].start;
    // The region ends in the common suffix, so the text after it is the old text's, moved.
    let old_end = units[last].end;
    let new_end = old_end + new.len() - old.len();
    let moved = |offset: usize| offset + new.len() - old.len();
    if !text.is_char_boundary(start) || !text.is_char_boundary(new_end) {
        return None;
    }
    // A chunk without braces reaches over blank lines to a `{` (the scanner's look-ahead), so
    // neither side of the region may begin with one.
    let brace_at = |from: usize| {
        new[from..]
            .iter()
            .find(|byte| !matches!(byte, b' ' | b'\t' | b'\r' | b'\n'))
            == Some(&b'{')
    };
    if (start > 0 && brace_at(start)) || (new_end < new.len() && brace_at(new_end)) {
        return None;
    }
    let region = &text[start..new_end];
    if scan::lone_carriage_returns(region).next().is_some() {
        return None;
    }
    cache.stats.scanned = region.len();
    let pieces = scan::split(text, start, new_end, TOP_LEVEL);
    // A comment left open runs to the end of the file, past the region.
    let open_comment = pieces.iter().any(|piece| match piece {
        Piece::Comment { closed, .. } => !closed,
        Piece::Chunk(chunk) => chunk.unclosed_comment.is_some(),
        Piece::StrayCloser { .. } => false,
    });
    if open_comment {
        return None;
    }
    let (initial, unit_start) = match first.checked_sub(1) {
        Some(before) => (units[before].state, units[before].start),
        None => (GroupState::default(), 0),
    };
    let (mut grouped, state) = group(new, &pieces, initial, unit_start)?;
    if first > 0 {
        // The region's first piece must begin a unit exactly where the region begins (the
        // unit before it is unchanged).
        match grouped.first() {
            Some(unit) if unit.pieces.is_empty() && unit.end == start => {
                grouped.remove(0);
            }
            _ => return None,
        }
    }
    let pending_start = grouped.last().map_or(start, |unit| unit.end);
    let pending_pieces = grouped.last().map_or(0, |unit| unit.pieces.end)..pieces.len();
    let at_end_of_file = last == units.len() - 1;
    if at_end_of_file {
        match grouped.last_mut() {
            Some(previous) if !state.has_item => {
                previous.end = new_end;
                previous.pieces.end = pieces.len();
                previous.state = state;
            }
            // Comments after the last item would join the unit before the region.
            None if !state.has_item && first > 0 => return None,
            _ => grouped.push(Unit {
                start: pending_start,
                end: new_end,
                pieces: pending_pieces,
                state,
            }),
        }
    } else {
        let old_state = units[last].state;
        let expected = GroupState {
            previous_end: moved(old_state.previous_end),
            ..old_state
        };
        if state != expected {
            return None;
        }
        grouped.push(Unit {
            start: pending_start,
            end: new_end,
            pieces: pending_pieces,
            state,
        });
    }
    let mut region_units = Vec::with_capacity(grouped.len());
    for (index, unit) in grouped.iter().enumerate() {
        let parse = unit_parse(file, text, unit, &pieces, cache)?;
        let is_last = at_end_of_file && index == grouped.len() - 1;
        if !is_last && !parse.dangling_comments.is_empty() {
            return None;
        }
        region_units.push(LaidUnit {
            start: unit.start,
            end: unit.end,
            state: unit.state,
            parse,
        });
    }
    // The cache holds the units of the new layout: the region's new units count, the old
    // ones no longer do.
    for unit in &region_units {
        if let Some(cached) = cache.units.get_mut(&text[unit.start..unit.end]) {
            cached.uses += 1;
        }
    }
    for unit in &units[first..=last] {
        let key = &layout.text[unit.start..unit.end];
        if let Some(cached) = cache.units.get_mut(key) {
            cached.uses = cached.uses.saturating_sub(1);
            if cached.uses == 0 {
                cache.units.remove(key);
            }
        }
    }
    // The items of the tree handed back, if any: those before the region stay where they
    // are, those after it move; only the region's are copied from the cache.
    let items = reclaimed.map(|old_items| {
        let count =
            |units: &[LaidUnit]| -> usize { units.iter().map(|unit| unit.parse.items.len()).sum() };
        let (before, replaced) = (count(&units[..first]), count(&units[first..=last]));
        let delta = new.len() as isize - old.len() as isize;
        let mut items = Vec::with_capacity(old_items.len() + region_units.len());
        let mut old_items = old_items.into_iter();
        items.extend(old_items.by_ref().take(before));
        for unit in &region_units {
            copy_items(&unit.parse, unit.start, file, &mut items);
        }
        items.extend(old_items.by_ref().skip(replaced).map(|mut item| {
            shift_item(&mut item, file, delta);
            item
        }));
        items
    });
    let mut laid = Vec::with_capacity(units.len() + region_units.len());
    laid.extend_from_slice(&units[..first]);
    laid.extend(region_units);
    laid.extend(units[last + 1..].iter().map(|unit| LaidUnit {
        start: moved(unit.start),
        end: moved(unit.end),
        state: GroupState {
            previous_end: moved(unit.state.previous_end),
            ..unit.state
        },
        parse: Arc::clone(&unit.parse),
    }));
    let Layout {
        text: buffer,
        units: old_units,
        ..
    } = layout;
    drop(old_units);
    Some(finish(file, text, laid, items, cache, buffer))
}

/// How many leading bytes two texts share (compared a block at a time).
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let length = a.len().min(b.len());
    let mut at = 0;
    while at + BLOCK <= length && a[at..at + BLOCK] == b[at..at + BLOCK] {
        at += BLOCK;
    }
    while at < length && a[at] == b[at] {
        at += 1;
    }
    at
}

/// How many trailing bytes two texts share (compared a block at a time).
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let length = a.len().min(b.len());
    let (a_end, b_end) = (a.len(), b.len());
    let mut shared = 0;
    while shared + BLOCK <= length
        && a[a_end - shared - BLOCK..a_end - shared] == b[b_end - shared - BLOCK..b_end - shared]
    {
        shared += BLOCK;
    }
    while shared < length && a[a_end - shared - 1] == b[b_end - shared - 1] {
        shared += 1;
    }
    shared
}

/// The parse of a unit: from the cache when its text is there, else parsed (and cached).
/// `None` when the unit cannot be parsed apart from its file.
fn unit_parse(
    file: FileId,
    text: &str,
    unit: &Unit,
    pieces: &[Piece],
    cache: &mut ItemCache,
) -> Option<Arc<UnitParse>> {
    let unit_text = &text[unit.start..unit.end];
    let generation = cache.generation;
    if let Some(cached) = cache.units.get_mut(unit_text) {
        cached.used = generation;
        return cached.parse.clone();
    }
    let expected = shift_pieces(&pieces[unit.pieces.clone()], unit.start);
    let parse = parse_unit(file, unit_text, &expected).map(Arc::new);
    cache.units.insert(
        unit_text.to_string(),
        CachedUnit {
            parse: parse.clone(),
            used: generation,
            uses: 0,
        },
    );
    cache.stats.misses += 1;
    parse
}

/// Copies a unit's items into `items`, moved to where the unit starts.
fn copy_items(parse: &UnitParse, start: usize, file: FileId, items: &mut Vec<Item>) {
    items.extend(parse.items.iter().map(|item| {
        let mut item = item.clone();
        shift_item(&mut item, file, start as isize);
        item
    }));
}

/// Joins the units' parses into the file's, moving each to where its unit starts (the items
/// are copied from the units unless `items` already holds them), and keeps the layout for the
/// next parse (in `buffer`, whose allocation is reused).
fn finish(
    file: FileId,
    text: &str,
    units: Vec<LaidUnit>,
    items: Option<Vec<Item>>,
    cache: &mut ItemCache,
    mut buffer: String,
) -> Parsed {
    cache.stats.hits = units.len() - cache.stats.misses.min(units.len());
    let items = items.unwrap_or_else(|| {
        let item_count = units.iter().map(|unit| unit.parse.items.len()).sum();
        let mut items = Vec::with_capacity(item_count);
        for unit in &units {
            copy_items(&unit.parse, unit.start, file, &mut items);
        }
        items
    });
    let mut dangling_comments = Vec::new();
    let mut diagnostics = Vec::new();
    for unit in &units {
        let delta = unit.start as isize;
        let parse = &unit.parse;
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
    // Each unit's diagnostics are in the parser's order (sorted by start, stably); a stable
    // sort of their concatenation is then the whole file's order, as `parse` sorts the same
    // way.
    diagnostics.sort_by_key(|diagnostic| diagnostic.primary.span.start);
    buffer.clear();
    buffer.push_str(text);
    cache.layout = Some(Layout {
        file,
        text: buffer,
        units,
    });
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
    cache.layout = None;
    crate::parse(file, text)
}

/// The state of grouping pieces into units: where the previous piece ended, whether the
/// current unit holds an item yet, and how many comments follow its last item.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct GroupState {
    previous_end: usize,
    has_item: bool,
    comments_after_item: usize,
}

/// One unit: the byte range of its text, the range of the pieces it holds, and the grouping's
/// state after its last piece.
#[derive(Debug)]
struct Unit {
    start: usize,
    end: usize,
    pieces: std::ops::Range<usize>,
    state: GroupState,
}

/// Groups the whole file's pieces into units, or `None` when the file must be parsed whole.
fn units(text: &str, pieces: &[Piece]) -> Option<Vec<Unit>> {
    let (mut units, state) = group(text.as_bytes(), pieces, GroupState::default(), 0)?;
    let pending_start = units.last().map_or(0, |unit| unit.end);
    let pending_pieces = units.last().map_or(0, |unit| unit.pieces.end)..pieces.len();
    match units.last_mut() {
        // Comments after the last item are the file's dangling comments, whose blank lines
        // count from that item: they stay in its unit.
        Some(previous) if !state.has_item => {
            previous.end = text.len();
            previous.pieces.end = pieces.len();
            previous.state = state;
        }
        _ => units.push(Unit {
            start: pending_start,
            end: text.len(),
            pieces: pending_pieces,
            state,
        }),
    }
    Some(units)
}

/// Groups pieces into units, starting in `state` with a pending unit that begins at
/// `unit_start`. Returns the units that a later piece closed (each with the state after its
/// last piece) and the state after the last piece; the pieces after the last closed unit form
/// the pending unit, from its end (or `unit_start`). `None` when a brace does not balance: the
/// file must then be parsed whole.
fn group(
    bytes: &[u8],
    pieces: &[Piece],
    mut state: GroupState,
    mut unit_start: usize,
) -> Option<(Vec<Unit>, GroupState)> {
    let mut units = Vec::new();
    let mut first_piece = 0;
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
        let gap = bytes.get(state.previous_end..start).unwrap_or(&[]);
        if state.has_item && state.comments_after_item <= 1 && gap.contains(&b'\n') {
            let line_start = gap
                .iter()
                .rposition(|&byte| byte == b'\n')
                .map_or(start, |newline| state.previous_end + newline + 1);
            if bytes[line_start..start]
                .iter()
                .all(|byte| matches!(byte, b' ' | b'\t'))
            {
                units.push(Unit {
                    start: unit_start,
                    end: line_start,
                    pieces: first_piece..index,
                    state,
                });
                unit_start = line_start;
                first_piece = index;
                state.has_item = false;
                state.comments_after_item = 0;
            }
        }
        match piece {
            Piece::Chunk(_) => {
                state.has_item = true;
                state.comments_after_item = 0;
            }
            _ => state.comments_after_item += 1,
        }
        state.previous_end = end;
    }
    Some((units, state))
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
fn shift(span: &mut Span, file: FileId, delta: isize) {
    let moved = |offset: u32| (offset as isize + delta) as usize;
    *span = Span::new(file, moved(span.start), moved(span.end));
}

fn shift_diagnostic(diagnostic: &mut Diagnostic, file: FileId, delta: isize) {
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

fn shift_label(label: &mut diagnostic::Label, file: FileId, delta: isize) {
    let diagnostic::Label { span, message: _ } = label;
    shift(span, file, delta);
}

fn shift_item(item: &mut Item, file: FileId, delta: isize) {
    match item {
        Item::Block(block) => shift_block(block, file, delta),
        Item::Error(error) => shift(&mut error.span, file, delta),
    }
}

fn shift_block(block: &mut Block, file: FileId, delta: isize) {
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

fn shift_entry(entry: &mut Entry, file: FileId, delta: isize) {
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

fn shift_phrase(phrase: &mut Phrase, file: FileId, delta: isize) {
    let Phrase { values, span } = phrase;
    for value in values {
        shift_value(value, file, delta);
    }
    shift(span, file, delta);
}

fn shift_value(value: &mut Value, file: FileId, delta: isize) {
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

fn shift_path(path: &mut Path, file: FileId, delta: isize) {
    let Path { segments, span } = path;
    for segment in segments {
        shift(&mut segment.span, file, delta);
    }
    shift(span, file, delta);
}

fn shift_trivia(trivia: &mut Trivia, file: FileId, delta: isize) {
    let Some(TriviaFields {
        blank_line_before: _,
        doc,
        leading,
        trailing,
    }) = trivia.fields_mut()
    else {
        return;
    };
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

fn shift_comment(comment: &mut Comment, file: FileId, delta: isize) {
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
        // Most trees are handed back, as the language server does, so that the next parse
        // moves their items; the others leave the next parse to copy every item.
        if !text.len().is_multiple_of(3) {
            cache.reclaim(text, actual.file);
        }
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
        let mut region_steps = 0;
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
                    region_steps += usize::from(stats.scanned < text.len());
                }
            }
        }
        // Most edits must exercise the cache, not the whole-file fallback, and most of those
        // must scan only the region around the edit.
        assert!(
            incremental_steps * 2 > total_steps && reused_steps * 5 > total_steps,
            "{incremental_steps} incremental, {reused_steps} reusing, of {total_steps} steps"
        );
        // (A region is the edited unit and its neighbours: in the corpus's small files, that
        // is often the whole text.)
        assert!(
            region_steps * 10 > total_steps,
            "{region_steps} scanned a region only, of {total_steps} steps"
        );
    }

    /// Edits where the region scan has to be careful: at the very start and end of the text,
    /// at and across the edges of every item (joining two items, splitting one, deleting a
    /// line break or a brace between them), and edits that unbalance the braces and then
    /// balance them again; each from a warm cache, and each followed by undoing it.
    #[test]
    fn edits_at_the_edges_of_items_keep_the_cached_parse_equal_to_the_whole_parse() {
        const EDGE_INSERTS: &[&str] = &[
            "x",
            "\n",
            "\n\n",
            "{",
            "}",
            "// c",
            "/*",
            "*/",
            "\"",
            " ",
            "\npolicy q {\n",
            "policy p { deny x }\n",
            "/// doc\n",
            "\r\n",
            "}\n\n{",
        ];
        let (mut steps, mut region_steps) = (0, 0);
        for (name, original) in corpus().into_iter().filter(|(_, text)| text.len() < 6_000) {
            let mut cache = ItemCache::new();
            assert_same(&original, &mut cache, &name);
            let parsed = crate::parse(FileId(3), &original);
            let mut edges = vec![0, original.len()];
            for item in &parsed.file.items {
                let span = match item {
                    Item::Block(block) => block.span,
                    Item::Error(error) => error.span,
                };
                for at in [span.start as usize, span.end as usize] {
                    edges.extend([at.saturating_sub(1), at, at + 1]);
                }
            }
            edges.sort_unstable();
            edges.dedup();
            for (index, &at) in edges.iter().enumerate() {
                let at = boundary_at_or_before(&original, at);
                let insert = EDGE_INSERTS[index % EDGE_INSERTS.len()];
                let deleted_to = boundary_at_or_before(&original, at + 1 + index % 3);
                let edits = [
                    format!("{}{insert}{}", &original[..at], &original[at..]),
                    format!("{}{}", &original[..at], &original[deleted_to..]),
                ];
                for edited in edits {
                    let context = format!("{name}: edit at {at} ({insert:?})");
                    assert_same(&edited, &mut cache, &context);
                    steps += 1;
                    let stats = cache.stats();
                    region_steps += usize::from(!stats.full_parse && stats.scanned < edited.len());
                    assert_same(&original, &mut cache, &format!("{context}, undone"));
                }
            }
        }
        assert!(
            region_steps * 6 > steps,
            "{region_steps} of {steps} edits scanned a region only"
        );
    }

    #[test]
    fn an_edit_scans_only_the_items_around_it() {
        let items: String = (0..40)
            .map(|index| format!("/// Item {index}.\npolicy p{index} {{\n  deny x{index}\n}}\n\n"))
            .collect();
        let mut cache = ItemCache::new();
        assert_same(&items, &mut cache, "initial");
        assert_eq!(cache.stats().scanned, items.len());
        let edited = items.replace("deny x20", "deny x20y");
        assert_same(&edited, &mut cache, "edited");
        let stats = cache.stats();
        assert_eq!((stats.misses, stats.hits, stats.full_parse), (1, 39, false));
        // The item before, the edited one and the item after.
        assert!(stats.scanned < 3 * items.len() / 40 + 10, "{stats:?}");
        // At the start and at the end of the text.
        let at_start = format!("policy first {{ }}\n{edited}");
        assert_same(&at_start, &mut cache, "at the start");
        assert!(
            cache.stats().scanned < items.len() / 10,
            "{:?}",
            cache.stats()
        );
        let at_end = format!("{at_start}// the end\n");
        assert_same(&at_end, &mut cache, "at the end");
        assert!(
            cache.stats().scanned < items.len() / 10,
            "{:?}",
            cache.stats()
        );
        // An unclosed brace is parsed whole; closing it goes back to regions.
        let open = at_end.replace("deny x30\n}", "deny x30\n");
        assert_same(&open, &mut cache, "unclosed");
        assert!(cache.stats().full_parse);
        assert_same(&at_end, &mut cache, "closed again");
        assert_eq!(cache.stats().misses, 0);
        let again = at_end.replace("deny x31", "deny x31z");
        assert_same(&again, &mut cache, "after the whole scan");
        assert!(
            cache.stats().scanned < items.len() / 10,
            "{:?}",
            cache.stats()
        );
        // The cache holds the units of the latest text only (the comment at the end joined
        // the last item's unit).
        assert_eq!(cache.len(), 41);
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
    fn a_reclaimed_tree_is_moved_into_the_next_parse_only_if_it_is_the_latest_text() {
        let text =
            "policy a { deny x }\n\npolicy b { deny y }\n\npolicy c { deny z }\n\npolicy d { }\n";
        let file = FileId(2);
        let mut cache = ItemCache::new();
        let first = parse_with_cache(file, text, &mut cache);
        // Another text, or another file: ignored.
        cache.reclaim("policy a { }\n", first.file.clone());
        assert!(!cache.has_reclaimed());
        let mut other_file = first.file.clone();
        other_file.span.file = FileId(9);
        cache.reclaim(text, other_file);
        assert!(!cache.has_reclaimed());
        cache.reclaim(text, first.file);
        assert!(cache.has_reclaimed());
        // An edit that shortens `b` moves `c` and `d` back; `a` stays.
        let edited = text.replace("deny y", "y");
        let parsed = parse_with_cache(file, &edited, &mut cache);
        assert!(!cache.has_reclaimed(), "the reclaimed items were used");
        assert_eq!(
            format!("{:?}", parsed.file),
            format!("{:?}", crate::parse(file, &edited).file)
        );
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
