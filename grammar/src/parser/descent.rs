//! The hand-written parser: recursive descent over the bytes of a whole file, or of one chunk
//! of the recovery (a top-level item or an entry), following `charter.pest` rule by rule and
//! building the syntax tree directly, without pest's pairs.
//!
//! It is the parser's fast path. For each chunk it either returns exactly the node, and the
//! diagnostics, that pest and the lowering give for that chunk, or *declines*; the chunk is
//! then parsed by pest as before, so that syntax errors, their messages and the recovery from
//! them stay pest's. Declining is always safe (it only costs time), so the rule here is: accept
//! only where pest accepts, with the same tree. Each function follows one rule of the grammar
//! with PEG semantics (ordered choice, greedy repetition); where the grammar's choice would
//! make the whole chunk fail, the function declines at once rather than backtracking:
//!
//! - an entry that reads `key:` is a field or nothing (a block and a clause both need a space,
//!   a label or a `{` after the key);
//! - a block whose header reached its `{` is a block or nothing (the clause that pest tries
//!   next ends before that `{`, which nothing can follow);
//! - a list, or a call once `name(` is read, that does not parse makes the chunk fail (no
//!   other value starts with `[`, and the path `name` that pest tries next is followed by `(`,
//!   which nothing can follow);
//! - a whole file is read only if every item in it parses: then the scanner would have split
//!   it into exactly those items and comments (see [`source_file`]); otherwise the file goes
//!   through the scanner and each chunk is offered here again.
//!
//! Leaf values (strings and their escapes, numbers and units, dates) and the attachment of
//! comments are built by the same functions as the lowering of pest's pairs (`lower.rs`), so
//! that both paths report the same diagnostics in the same order. The differential tests
//! (`grammar/tests/it/fast_path.rs`) compare both paths on every source of the repository,
//! generated projects, and mutations of them.

use crate::ast::{
    Block, Call, Clause, Comment, Entry, ErrorNode, Field, Ident, Item, Label, ListItem, Path,
    Phrase, SourceFile, StrLit, Trivia, Value,
};
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};

use super::lower::{self, comment_at, Attach, Attacher};
use super::scan;

/// The chunk is not parsed here: pest parses it.
struct Declined;

type Parse<T> = Result<T, Declined>;

/// Parses `text[start..end]` as a top-level item (`item_chunk`): the block, or `None` when
/// pest must parse the chunk. Diagnostics of the block's values are added to `diagnostics`
/// only when the block is returned.
pub(crate) fn item(
    file: FileId,
    text: &str,
    start: usize,
    end: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Block> {
    let before = diagnostics.len();
    let mut parser = Descent::new(file, text, start, end, diagnostics);
    let parsed = parser.item().ok().filter(|_| parser.pos == end);
    if parsed.is_none() {
        diagnostics.truncate(before);
    }
    parsed
}

/// Parses `text[start..end]` as one entry of a block body (`entry_chunk`), or `None` when pest
/// must parse the chunk.
pub(crate) fn entry(
    file: FileId,
    text: &str,
    start: usize,
    end: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Entry> {
    let before = diagnostics.len();
    let mut parser = Descent::new(file, text, start, end, diagnostics);
    let parsed = parser.entry().ok().filter(|_| parser.pos == end);
    if parsed.is_none() {
        diagnostics.truncate(before);
    }
    parsed
}

/// Parses a whole file whose every item the hand-written parser parses, or `None` (and no
/// diagnostic added) when one does not, or when the file holds anything else than items and
/// comments between them: the scanner and the recovery then take the file as before.
///
/// Without a scan of the file first: the scanner would split such a file into exactly these
/// items and comments (an item ends at the `}` that closes its first `{`; strings and comments
/// are read the same way; a line inside a list or call that parses never looks like an entry to
/// the scanner, and no bracket is left open), so the scan is skipped, and each item is parsed
/// where it starts.
pub(crate) fn source_file(
    file: FileId,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<SourceFile> {
    let before = diagnostics.len();
    let mut parser = Descent::new(file, text, 0, text.len(), diagnostics);
    let parsed = parser.source_file().ok();
    if parsed.is_none() {
        diagnostics.truncate(before);
    }
    parsed
}

/// Where a block's header was found: offsets only, so that nothing is built (and no
/// diagnostic reported) for a header that turns out to start a clause.
struct Header {
    keyword_end: usize,
    label: Option<LabelAt>,
    /// The span of the path after `extends`.
    extends: Option<(usize, usize)>,
    /// The offset of the `{`.
    brace: usize,
}

enum LabelAt {
    Name(usize, usize),
    /// A string starting at this `"`.
    Str(usize),
}

struct Descent<'a> {
    file: FileId,
    text: &'a str,
    /// The text up to the end of the chunk: reading past it is reading nothing.
    bytes: &'a [u8],
    pos: usize,
    /// How many brackets are open, so that the parser declines where the scanner reports a
    /// chunk nested too deeply.
    depth: usize,
    diagnostics: &'a mut Vec<Diagnostic>,
    /// The values of the phrases and calls being read, innermost last: each takes its own off
    /// the end into a vector of their exact size, so that no phrase grows or shrinks its own.
    values: Vec<Value>,
    /// Emptied vectors in which the entries of a block body, or the items of a list, are
    /// collected (one per level of nesting), for the same reason.
    entry_buffers: Vec<Vec<Entry>>,
    list_item_buffers: Vec<Vec<ListItem>>,
}

/// The classes of a byte that the lexical rules skip over, as bits of [`BYTE_CLASSES`].
const IDENT_CHAR: u8 = 1;
/// `hs`: a space or a tab.
const LINE_SPACE: u8 = 2;
/// `ws`: a space, a tab or a line break.
const WHITESPACE: u8 = 4;
const DIGIT: u8 = 8;

/// The classes of every byte: skipping a run of a class (most of the bytes of a file are in an
/// identifier or indentation) is then one table look-up a byte.
static BYTE_CLASSES: [u8; 256] = {
    let mut classes = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        let mut class = 0;
        if b.is_ascii_alphanumeric() || b == b'_' {
            class |= IDENT_CHAR;
        }
        if b == b' ' || b == b'\t' {
            class |= LINE_SPACE | WHITESPACE;
        }
        if b == b'\r' || b == b'\n' {
            class |= WHITESPACE;
        }
        if b.is_ascii_digit() {
            class |= DIGIT;
        }
        classes[byte] = class;
        byte += 1;
    }
    classes
};

fn is_ident_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_'
}

fn is_ident_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// The length of the UTF-8 character whose first byte is `byte`.
fn utf8_width(byte: u8) -> usize {
    match byte {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

impl<'a> Descent<'a> {
    fn new(
        file: FileId,
        text: &'a str,
        start: usize,
        end: usize,
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Self {
        Descent {
            file,
            text,
            bytes: &text.as_bytes()[..end],
            pos: start,
            depth: 0,
            diagnostics,
            values: Vec::new(),
            entry_buffers: Vec::new(),
            list_item_buffers: Vec::new(),
        }
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    fn is(&self, at: usize, byte: u8) -> bool {
        self.byte(at) == Some(byte)
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    #[inline]
    fn ident(&self, start: usize, end: usize) -> Ident {
        Ident {
            name: self.text[start..end].to_string(),
            span: self.span(start, end),
        }
    }

    // ---- lexical -------------------------------------------------------------------------

    /// `ident`: where the identifier at `at` ends, if one starts there.
    fn ident_end(&self, at: usize) -> Option<usize> {
        if !is_ident_start(self.byte(at)?) {
            return None;
        }
        Some(self.skip(at + 1, IDENT_CHAR))
    }

    /// Where the run of bytes of `class` (bits of [`BYTE_CLASSES`]) at `at` ends.
    fn skip(&self, at: usize, class: u8) -> usize {
        match self.bytes.get(at..) {
            Some(rest) => {
                at + rest
                    .iter()
                    .position(|&byte| BYTE_CLASSES[usize::from(byte)] & class == 0)
                    .unwrap_or(rest.len())
            }
            None => at,
        }
    }

    /// `hs?`: spaces and tabs.
    fn hs_end(&self, at: usize) -> usize {
        self.skip(at, LINE_SPACE)
    }

    /// `ws?`: spaces, tabs and line breaks.
    fn ws_end(&self, at: usize) -> usize {
        self.skip(at, WHITESPACE)
    }

    fn digits_end(&self, at: usize) -> usize {
        self.skip(at, DIGIT)
    }

    /// `kw_extends`: `extends` not followed by an identifier character.
    fn is_extends(&self, at: usize) -> bool {
        self.bytes
            .get(at..at + 7)
            .is_some_and(|word| word == b"extends")
            && !self.byte(at + 7).is_some_and(is_ident_char)
    }

    /// `hs? ~ ":"` at `at` (the look-ahead that ends paths and units).
    fn colon_follows(&self, at: usize) -> bool {
        self.is(self.hs_end(at), b':')
    }

    /// `path` without building it: where the path at `at` ends, if one is there.
    fn path_end(&self, at: usize) -> Option<usize> {
        self.path_end_after(self.ident_end(at)?)
    }

    /// [`Descent::path_end`] of a path whose first identifier ends at `first_end`.
    fn path_end_after(&self, first_end: usize) -> Option<usize> {
        let mut end = first_end;
        while self.is(end, b'.') {
            match self.ident_end(end + 1) {
                Some(next) => end = next,
                None => break,
            }
        }
        (!self.colon_follows(end)).then_some(end)
    }

    fn path(&self, start: usize, end: usize) -> Path {
        // Sized exactly: most paths are one word, and trees live until the model is resolved.
        let written = &self.bytes[start..end];
        if !written.contains(&b'.') {
            return Path {
                segments: vec![self.ident(start, end)],
                span: self.span(start, end),
            };
        }
        let dots = written.iter().filter(|&&b| b == b'.').count();
        let mut segments = Vec::with_capacity(dots + 1);
        // The segments are what lies between dots (a path holds ASCII only: identifier
        // characters and dots), the last one after the last dot.
        let mut segment_start = start;
        for (offset, &byte) in written.iter().enumerate() {
            if byte == b'.' {
                segments.push(self.ident(segment_start, start + offset));
                segment_start = start + offset + 1;
            }
        }
        segments.push(self.ident(segment_start, end));
        Path {
            segments,
            span: self.span(start, end),
        }
    }

    /// `quote ~ string_text ~ string_close?` at the `"` at `quote`: where its text ends, and
    /// whether a `"` closes it there.
    fn string_text_end(&self, quote: usize) -> (usize, bool) {
        let bytes = self.bytes;
        let mut at = quote + 1;
        while at < bytes.len() {
            match bytes[at] {
                b'"' => return (at, true),
                b'\n' => return (at, false),
                b'\\' => {
                    // `"\\" ~ !newline ~ ANY`
                    let next = at + 1;
                    match bytes.get(next) {
                        None | Some(b'\n') => return (at, false),
                        Some(b'\r') if bytes.get(next + 1) == Some(&b'\n') => return (at, false),
                        Some(&escaped) => at = (next + utf8_width(escaped)).min(bytes.len()),
                    }
                }
                _ => at += 1,
            }
        }
        (at, false)
    }

    /// `gap`: whitespace and comments, the comments handed to `attacher`.
    fn gap<T: Attach>(&mut self, attacher: &mut Attacher<'_, T>) -> Parse<()> {
        loop {
            self.pos = self.ws_end(self.pos);
            if !self.is(self.pos, b'/') {
                return Ok(());
            }
            self.gap_comment(attacher)?;
        }
    }

    /// The comment at the `/` where a gap's whitespace ends, handed to `attacher`. Out of
    /// line: most gaps are whitespace only, and stay a small function without it.
    #[inline(never)]
    fn gap_comment<T: Attach>(&mut self, attacher: &mut Attacher<'_, T>) -> Parse<()> {
        let start = self.pos;
        let end = match self.byte(start + 1) {
            Some(b'/') => self.bytes[start..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(self.bytes.len(), |offset| start + offset),
            Some(b'*') => {
                let (end, closed, _) = scan::block_comment_end(self.bytes, start, self.bytes.len());
                if !closed {
                    return Err(Declined);
                }
                end
            }
            // A `/` that starts no comment: nothing can follow a gap with it.
            _ => return Err(Declined),
        };
        attacher.comment(self.comment(start, end));
        self.pos = end;
        Ok(())
    }

    /// Where the block comment at `start` ends; declines where the scanner reports it
    /// (unclosed, or nested too deeply).
    fn block_comment_end(&self, start: usize) -> Parse<usize> {
        match scan::block_comment_end(self.bytes, start, self.bytes.len()) {
            (end, true, None) => Ok(end),
            _ => Err(Declined),
        }
    }

    fn comment(&self, start: usize, end: usize) -> Comment {
        comment_at(self.file, start, &self.text[start..end])
    }

    // ---- structure -----------------------------------------------------------------------

    /// Items and the comments between them, to the end of the text.
    fn source_file(&mut self) -> Parse<SourceFile> {
        // A byte-order mark at the start of a file is not content.
        if self.text.starts_with('\u{feff}') {
            self.pos = 3;
        }
        let mut attacher = Attacher::new(self.file, self.text, lower::ITEMS);
        loop {
            self.pos = self.ws_end(self.pos);
            let start = self.pos;
            match self.byte(start) {
                None => break,
                Some(b'/') if self.is(start + 1, b'/') => {
                    // As the scanner cuts it: up to the line's end, without a `\r` there.
                    let mut end = self.bytes[start..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(self.bytes.len(), |offset| start + offset);
                    if self.bytes[end - 1] == b'\r' {
                        end -= 1;
                    }
                    attacher.comment(self.comment(start, end));
                    self.pos = end;
                }
                Some(b'/') if self.is(start + 1, b'*') => {
                    let end = self.block_comment_end(start)?;
                    attacher.comment(self.comment(start, end));
                    self.pos = end;
                }
                Some(_) => {
                    let block = self.item()?;
                    let span = self.span(start, self.pos);
                    attacher.node(Item::Block(block), span);
                }
            }
        }
        let (items, dangling_comments) = attacher.finish(self.diagnostics);
        Ok(SourceFile {
            items,
            dangling_comments,
            span: self.span(0, self.text.len()),
        })
    }

    /// `item_chunk`: one block.
    fn item(&mut self) -> Parse<Block> {
        let start = self.pos;
        let keyword_end = self.ident_end(start).ok_or(Declined)?;
        let header = self.header(keyword_end).ok_or(Declined)?;
        self.block(start, header)
    }

    /// `header ~ brace_gap ~ lbrace` after the keyword ending at `keyword_end`, if it is there.
    fn header(&self, keyword_end: usize) -> Option<Header> {
        let mut at = keyword_end;
        let mut label = None;
        let label_start = self.hs_end(at);
        if label_start > at && !self.is_extends(label_start) {
            if self.is(label_start, b'"') {
                let (text_end, closed) = self.string_text_end(label_start);
                label = Some(LabelAt::Str(label_start));
                at = text_end + usize::from(closed);
            } else if let Some(end) = self.ident_end(label_start) {
                label = Some(LabelAt::Name(label_start, end));
                at = end;
            }
        }
        let mut extends = None;
        let keyword = self.hs_end(at);
        if keyword > at && self.is_extends(keyword) {
            let path_start = self.hs_end(keyword + 7);
            if path_start > keyword + 7 {
                if let Some(path_end) = self.path_end(path_start) {
                    extends = Some((path_start, path_end));
                    at = path_end;
                }
            }
        }
        let brace = self.ws_end(at);
        self.is(brace, b'{').then_some(Header {
            keyword_end,
            label,
            extends,
            brace,
        })
    }

    /// Enters a bracket: declines past the scanner's nesting limit (the scanner reports it).
    fn open(&mut self) -> Parse<()> {
        self.depth += 1;
        if self.depth > scan::MAX_NESTING {
            return Err(Declined);
        }
        Ok(())
    }

    /// `block`, whose keyword starts at `start` and whose header is found.
    fn block(&mut self, start: usize, header: Header) -> Parse<Block> {
        self.open()?;
        let keyword = self.ident(start, header.keyword_end);
        let label = match header.label {
            None => None,
            Some(LabelAt::Name(start, end)) => Some(Label::Name(self.ident(start, end))),
            Some(LabelAt::Str(quote)) => Some(Label::Str(self.string(quote).0)),
        };
        let extends = header.extends.map(|(start, end)| self.path(start, end));
        // `body = gap ~ (entry ~ gap ~ (comma ~ gap)?)*`, then `}`.
        self.pos = header.brace + 1;
        let buffer = self.entry_buffers.pop().unwrap_or_default();
        let mut attacher = Attacher::reusing(self.file, self.text, lower::ENTRIES, buffer);
        loop {
            self.gap(&mut attacher)?;
            if self.is(self.pos, b'}') {
                break;
            }
            let entry_start = self.pos;
            let entry = self.entry()?;
            let span = self.span(entry_start, self.pos);
            attacher.node(entry, span);
            self.gap(&mut attacher)?;
            if self.is(self.pos, b',') {
                self.pos += 1;
            }
        }
        self.pos += 1;
        self.depth -= 1;
        let (entries, dangling_comments, buffer) = attacher.finish_reusing(self.diagnostics);
        self.entry_buffers.push(buffer);
        Ok(Block {
            trivia: Trivia::default(),
            keyword,
            label,
            extends,
            entries,
            dangling_comments,
            span: self.span(start, self.pos),
            body_span: self.span(header.brace, self.pos),
        })
    }

    /// `entry = field | block | clause`.
    fn entry(&mut self) -> Parse<Entry> {
        let start = self.pos;
        let key_end = self.ident_end(start).ok_or(Declined)?;
        let space_end = self.hs_end(key_end);
        if self.is(space_end, b':') {
            self.pos = self.hs_end(space_end + 1);
            let value = self.phrase()?.ok_or(Declined)?;
            return Ok(Entry::Field(Field {
                trivia: Trivia::default(),
                key: self.ident(start, key_end),
                value,
                span: self.span(start, self.pos),
            }));
        }
        if let Some(header) = self.header(key_end) {
            return self
                .block(start, header)
                .map(|block| Entry::Block(Box::new(block)));
        }
        if space_end == key_end {
            return Err(Declined);
        }
        self.pos = space_end;
        let phrase = self.phrase()?.ok_or(Declined)?;
        Ok(Entry::Clause(Clause {
            trivia: Trivia::default(),
            keyword: self.ident(start, key_end),
            phrase,
            span: self.span(start, self.pos),
        }))
    }

    /// `phrase = value ~ (hs ~ value)*`; `None` when no value starts here.
    fn phrase(&mut self) -> Parse<Option<Phrase>> {
        let start = self.pos;
        let Some(first) = self.value()? else {
            return Ok(None);
        };
        // Most phrases are one value: it joins the values being read (to be taken off the end
        // together) only when a second one follows.
        let first_value = self.values.len();
        let mut only = Some(first);
        loop {
            let before = self.pos;
            let after_space = self.hs_end(before);
            if after_space == before {
                break;
            }
            self.pos = after_space;
            match self.value()? {
                Some(value) => {
                    if let Some(first) = only.take() {
                        self.values.push(first);
                    }
                    self.values.push(value);
                }
                None => {
                    self.pos = before;
                    break;
                }
            }
        }
        let values = match only {
            Some(only) => vec![only],
            None => self.values.drain(first_value..).collect(),
        };
        Ok(Some(Phrase {
            values,
            span: self.span(start, self.pos),
        }))
    }

    // ---- values --------------------------------------------------------------------------

    /// `value = date | number | string | call | path | list`; `None` when no value starts
    /// here (and nothing was read).
    fn value(&mut self) -> Parse<Option<Value>> {
        let start = self.pos;
        let Some(first) = self.byte(start) else {
            return Ok(None);
        };
        if first.is_ascii_digit() {
            return Ok(Some(self.date_or_number(start)));
        }
        if first == b'"' {
            let (string, closed) = self.string(start);
            return Ok(Some(if closed {
                Value::Str(string)
            } else {
                // As in the lowering: a string still being typed is an error value.
                Value::Error(ErrorNode { span: string.span })
            }));
        }
        if first == b'[' {
            return self.list().map(Some);
        }
        let Some(name_end) = self.ident_end(start) else {
            return Ok(None);
        };
        if self.is(name_end, b'(') {
            return self.call(start, name_end).map(Some);
        }
        let Some(end) = self.path_end_after(name_end) else {
            return Ok(None);
        };
        self.pos = end;
        let path = if end == name_end {
            // One word (most paths): no dots to look for.
            Path {
                segments: vec![self.ident(start, end)],
                span: self.span(start, end),
            }
        } else {
            self.path(start, end)
        };
        Ok(Some(Value::Path(path)))
    }

    /// `date`, or else `number`, at the digit at `start`.
    fn date_or_number(&mut self, start: usize) -> Value {
        let digits_end = self.digits_end(start);
        // date = ASCII_DIGIT+ ~ "-" ~ ASCII_DIGIT+ ~ "-" ~ ASCII_DIGIT+ ~ !ident_char
        if self.is(digits_end, b'-') {
            let month_end = self.digits_end(digits_end + 1);
            if month_end > digits_end + 1 && self.is(month_end, b'-') {
                let day_end = self.digits_end(month_end + 1);
                if day_end > month_end + 1 && !self.byte(day_end).is_some_and(is_ident_char) {
                    self.pos = day_end;
                    let span = self.span(start, day_end);
                    return lower::date_value(span, &self.text[start..day_end], self.diagnostics);
                }
            }
        }
        // number = digits ~ (percent | hs? ~ unit)?, digits = ASCII_DIGIT+ ~ ("." ~ ASCII_DIGIT+)?
        let mut end = digits_end;
        if self.is(end, b'.') {
            let fraction_end = self.digits_end(end + 1);
            if fraction_end > end + 1 {
                end = fraction_end;
            }
        }
        let digits = &self.text[start..end];
        let mut unit = None;
        if self.is(end, b'%') {
            unit = Some(("%", self.span(end, end + 1)));
            end += 1;
        } else {
            let word_start = self.hs_end(end);
            if let Some(word_end) = self.ident_end(word_start) {
                if !self.colon_follows(word_end) {
                    let word = &self.text[word_start..word_end];
                    unit = Some((word, self.span(word_start, word_end)));
                    end = word_end;
                }
            }
        }
        self.pos = end;
        lower::number_value(self.span(start, end), digits, unit, self.diagnostics)
    }

    /// `string` at the `"` at `quote`, and whether it is closed.
    fn string(&mut self, quote: usize) -> (StrLit, bool) {
        let (text_end, closed) = self.string_text_end(quote);
        let end = text_end + usize::from(closed);
        self.pos = end;
        let string = lower::string_literal(
            self.file,
            self.span(quote, end),
            &self.text[quote + 1..text_end],
            quote + 1,
            closed,
            self.diagnostics,
        );
        (string, closed)
    }

    /// `list = lbracket ~ gap ~ (value ~ gap ~ (comma ~ gap ~ value ~ gap)* ~ (comma ~ gap)?)?
    /// ~ rbracket`.
    fn list(&mut self) -> Parse<Value> {
        self.open()?;
        let start = self.pos;
        self.pos += 1;
        let buffer = self.list_item_buffers.pop().unwrap_or_default();
        let mut attacher = Attacher::reusing(self.file, self.text, lower::LIST_ITEMS, buffer);
        self.gap(&mut attacher)?;
        if !self.is(self.pos, b']') {
            loop {
                let value = self.value()?.ok_or(Declined)?;
                let span = value.span();
                let trivia = Trivia::default();
                attacher.node(ListItem { trivia, value }, span);
                self.gap(&mut attacher)?;
                match self.byte(self.pos) {
                    Some(b',') => {
                        self.pos += 1;
                        self.gap(&mut attacher)?;
                        if self.is(self.pos, b']') {
                            break;
                        }
                    }
                    Some(b']') => break,
                    _ => return Err(Declined),
                }
            }
        }
        self.pos += 1;
        self.depth -= 1;
        let span = self.span(start, self.pos);
        let (items, dangling_comments, buffer) = attacher.finish_reusing(self.diagnostics);
        self.list_item_buffers.push(buffer);
        Ok(lower::list_of(items, dangling_comments, span))
    }

    /// `call = ident ~ lparen ~ cgap ~ (value ~ cgap ~ (comma ~ cgap ~ value ~ cgap)* ~
    /// (comma ~ cgap)?)? ~ rparen`, whose name spans `start..name_end`.
    fn call(&mut self, start: usize, name_end: usize) -> Parse<Value> {
        self.open()?;
        let callee = self.ident(start, name_end);
        self.pos = self.ws_end(name_end + 1);
        let first_arg = self.values.len();
        if !self.is(self.pos, b')') {
            loop {
                let arg = self.value()?.ok_or(Declined)?;
                self.values.push(arg);
                self.pos = self.ws_end(self.pos);
                match self.byte(self.pos) {
                    Some(b',') => {
                        self.pos = self.ws_end(self.pos + 1);
                        if self.is(self.pos, b')') {
                            break;
                        }
                    }
                    Some(b')') => break,
                    _ => return Err(Declined),
                }
            }
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(Value::Call(Call {
            callee,
            args: self.values.drain(first_arg..).collect(),
            span: self.span(start, self.pos),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte classes are the grammar's: `ident_char`, `hs`, `ws` and `ASCII_DIGIT`.
    #[test]
    fn byte_classes_are_the_grammars() {
        for byte in 0..=u8::MAX {
            let class = BYTE_CLASSES[usize::from(byte)];
            assert_eq!(class & IDENT_CHAR != 0, is_ident_char(byte), "{byte}");
            assert_eq!(
                class & LINE_SPACE != 0,
                byte == b' ' || byte == b'\t',
                "{byte}"
            );
            assert_eq!(
                class & WHITESPACE != 0,
                matches!(byte, b' ' | b'\t' | b'\r' | b'\n'),
                "{byte}"
            );
            assert_eq!(class & DIGIT != 0, byte.is_ascii_digit(), "{byte}");
        }
    }
}
