//! A lexical scanner that splits source into pieces without parsing it: top-level items, or
//! the entries of a block body. It knows strings, comments and brackets, nothing more, so it
//! still works on text that the grammar rejects; error recovery is built on it.

/// The deepest nesting of brackets and block comments the parser accepts. pest descends one
/// native stack frame group per level, so a file of 10,000 `[` must be stopped before pest
/// sees it.
pub(crate) const MAX_NESTING: usize = 100;

/// Only this many open brackets are searched for the opener of a mismatched closer, so that
/// pathological input (thousands of `{` then thousands of `)`) stays linear.
const MATCH_SEARCH_LIMIT: usize = 128;

/// Top-level keywords: in a file whose braces do not balance, a line starting with one of
/// these at column 0 begins a new item.
/// The compiler's schema has the same list (`schema::TOP_LEVEL`; a test keeps them alike).
pub const TOP_LEVEL_KEYWORDS: &[&str] = &[
    "filter",
    "policy",
    "workload",
    "model",
    "region",
    "blocklist",
    "fine_tuned",
    "gateway",
    "monitoring",
    "management_group",
    "business_unit",
];

/// The top-level keyword a mistyped word most likely is (`managment_group`), if any is close.
pub(crate) fn similar_top_level_keyword(word: &str) -> Option<&'static str> {
    // One edit in a short word, two in a longer one, three in a long one.
    let allowed = match word.chars().count() {
        0..=4 => 1,
        5..=10 => 2,
        _ => 3,
    };
    TOP_LEVEL_KEYWORDS
        .iter()
        .map(|keyword| (strsim::damerau_levenshtein(word, keyword), *keyword))
        .filter(|(distance, _)| *distance > 0 && *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, keyword)| keyword)
}

/// One piece of scanned source. Offsets are absolute byte offsets into the scanned text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A comment outside any item or entry.
    Comment {
        start: usize,
        end: usize,
        closed: bool,
        /// The first `/*` nested deeper than [`MAX_NESTING`] inside it.
        too_deep: Option<usize>,
    },
    /// An item or entry (trimmed of surrounding whitespace).
    Chunk(Chunk),
    /// A closing bracket with no opener: `}` at top level.
    StrayCloser { at: usize },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Chunk {
    pub start: usize,
    pub end: usize,
    /// Openers that were never closed inside the chunk (outermost first).
    pub unclosed: Vec<usize>,
    /// The first opener that went deeper than [`MAX_NESTING`].
    pub too_deep: Option<usize>,
    /// A block comment inside the chunk that is never closed.
    pub unclosed_comment: Option<usize>,
    /// `}` that look like extra ones typed inside a block (see
    /// [`SplitRules::skip_extra_closers`]), in order: they close nothing.
    pub extra_closers: Vec<usize>,
}

/// How to split.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SplitRules {
    /// Commas at depth 0 separate entries (inside a block body).
    pub split_on_comma: bool,
    /// A line that starts at column 0 with a top-level keyword starts a new item even inside
    /// an open brace (used only when the file's braces do not balance).
    pub cut_at_top_level_keyword: bool,
    /// A `{` is closed, as if its `}` were there, at the end of a line when the next line
    /// starts an entry indented no deeper than the `{`'s line (used only inside text whose
    /// braces do not balance, since a valid block may leave its entries unindented). A `[` or
    /// `(` is always closed this way: no list element or argument looks like an entry.
    pub close_braces_at_entry_line: bool,
    /// A `}` alone on its line, indented deeper than the line of the `{` it would close, and
    /// followed by an entry also deeper than that line, is an extra `}` typed inside the block:
    /// it closes nothing (used only when a file's braces do not balance, since valid but oddly
    /// indented blocks could look the same).
    pub skip_extra_closers: bool,
}

fn closer_for(open: u8) -> u8 {
    match open {
        b'{' => b'}',
        b'[' => b']',
        _ => b')',
    }
}

struct ChunkBuilder {
    start: Option<usize>,
    last_non_space: usize,
    stack: Vec<usize>,
    /// The indentation of the line of each opener on `stack`.
    indents: Vec<usize>,
    unclosed: Vec<usize>,
    too_deep: Option<usize>,
    unclosed_comment: Option<usize>,
    extra_closers: Vec<usize>,
    saw_brace: bool,
}

impl ChunkBuilder {
    fn new() -> Self {
        ChunkBuilder {
            start: None,
            last_non_space: 0,
            stack: Vec::new(),
            indents: Vec::new(),
            unclosed: Vec::new(),
            too_deep: None,
            unclosed_comment: None,
            extra_closers: Vec::new(),
            saw_brace: false,
        }
    }

    fn touch(&mut self, at: usize, end: usize) {
        if self.start.is_none() {
            self.start = Some(at);
        }
        self.last_non_space = end;
    }

    fn finish(&mut self, pieces: &mut Vec<Piece>) {
        if let Some(start) = self.start.take() {
            let mut unclosed = std::mem::take(&mut self.unclosed);
            unclosed.append(&mut self.stack);
            unclosed.sort_unstable();
            pieces.push(Piece::Chunk(Chunk {
                start,
                end: self.last_non_space,
                unclosed,
                too_deep: self.too_deep.take(),
                unclosed_comment: self.unclosed_comment.take(),
                extra_closers: std::mem::take(&mut self.extra_closers),
            }));
        }
        self.stack.clear();
        self.indents.clear();
        self.unclosed.clear();
        self.too_deep = None;
        self.unclosed_comment = None;
        self.extra_closers.clear();
        self.saw_brace = false;
    }
}

/// Where a block comment starting at `start` (`/*`) ends, and whether it is closed; also the
/// first `/*` nested deeper than [`MAX_NESTING`], if any.
pub(crate) fn block_comment_end(
    bytes: &[u8],
    start: usize,
    end: usize,
) -> (usize, bool, Option<usize>) {
    let mut depth = 0usize;
    let mut too_deep = None;
    let mut i = start;
    while i < end {
        if bytes[i] == b'/' && i + 1 < end && bytes[i + 1] == b'*' {
            depth += 1;
            if depth > MAX_NESTING && too_deep.is_none() {
                too_deep = Some(i);
            }
            i += 2;
        } else if bytes[i] == b'*' && i + 1 < end && bytes[i + 1] == b'/' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return (i, true, too_deep);
            }
        } else {
            i += 1;
        }
    }
    (end, false, too_deep)
}

/// The offsets of carriage returns that are not followed by a line feed (the line ending of
/// classic Mac OS). Charter's line ending is `\n` or `\r\n`: a lone `\r` is not one.
pub(crate) fn lone_carriage_returns(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    // Most files have no `\r` at all; `find` looks for the first with memchr.
    let first = text.find('\r').unwrap_or(bytes.len());
    (first..bytes.len()).filter(move |&at| bytes[at] == b'\r' && bytes.get(at + 1) != Some(&b'\n'))
}

/// Where a line comment starting at `start` ends (before the newline).
fn line_comment_end(bytes: &[u8], start: usize, end: usize) -> usize {
    let mut i = start;
    while i < end && bytes[i] != b'\n' {
        i += 1;
    }
    if i > start && bytes[i - 1] == b'\r' {
        i - 1
    } else {
        i
    }
}

/// Where a string starting at `start` (`"`) ends: after its closing quote, or at the end of
/// its line when it is never closed.
fn string_end(bytes: &[u8], start: usize, end: usize) -> usize {
    let mut i = start + 1;
    while i < end {
        match bytes[i] {
            b'"' => return i + 1,
            b'\n' => return i,
            b'\\' if i + 1 < end && bytes[i + 1] != b'\n' => i += 2,
            _ => i += 1,
        }
    }
    end
}

fn starts_with_top_level_keyword(bytes: &[u8], at: usize, end: usize) -> bool {
    TOP_LEVEL_KEYWORDS.iter().any(|keyword| {
        let after = at + keyword.len();
        after < end
            && bytes[at..after] == *keyword.as_bytes()
            && matches!(bytes[after], b' ' | b'\t')
    })
}

/// Splits `text[start..end]` into pieces: comments and closers at depth 0 stand alone; a
/// chunk ends at a newline at depth 0, at a comma at depth 0 (with `split_on_comma`), or right
/// after the `}` that closes its first brace. Linear in the length of the text.
pub(crate) fn split(text: &str, start: usize, end: usize, rules: SplitRules) -> Vec<Piece> {
    let bytes = text.as_bytes();
    let mut pieces = Vec::new();
    let mut chunk = ChunkBuilder::new();
    let mut i = start;
    // A byte-order mark at the start of a file is not content.
    if start == 0 && bytes.starts_with("\u{feff}".as_bytes()) {
        i = 3;
    }
    let mut line_start = true;
    // The indentation of the current line, once its first non-space byte is seen; a split
    // that starts in the middle of a line takes that line's indentation.
    let (mut line_begin, mut line_indent) = first_line_indent(bytes, i);
    // Lookahead for closing openers at an entry line: no newline before this offset needs to
    // look again, so that runs of blank lines stay linear.
    let mut looked_until = 0;
    while i < end {
        let byte = bytes[i];
        if line_indent.is_none() && !matches!(byte, b' ' | b'\t') {
            line_indent = Some(i - line_begin);
        }
        if line_start
            && rules.cut_at_top_level_keyword
            && !chunk.stack.is_empty()
            && starts_with_top_level_keyword(bytes, i, end)
        {
            chunk.finish(&mut pieces);
        }
        line_start = false;
        match byte {
            b'\n' => {
                line_start = true;
                line_begin = i + 1;
                line_indent = None;
                if !chunk.stack.is_empty() && i >= looked_until {
                    looked_until = close_at_entry_line(bytes, i, end, &mut chunk, rules);
                }
                let brace_follows = chunk.start.is_some()
                    && !chunk.saw_brace
                    && bytes[i..end]
                        .iter()
                        .find(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                        == Some(&b'{');
                if chunk.stack.is_empty() && !brace_follows {
                    chunk.finish(&mut pieces);
                }
                i += 1;
            }
            b' ' | b'\t' | b'\r' => {
                // The spaces after it change nothing (only a line's first byte is checked for a
                // keyword, and spaces set no indentation): take them whole.
                i += 1;
                while i < end && matches!(bytes[i], b' ' | b'\t') {
                    i += 1;
                }
            }
            b',' if rules.split_on_comma && chunk.stack.is_empty() => {
                if chunk.start.is_none() {
                    // A comma with nothing before it is left to the grammar to reject.
                    chunk.touch(i, i + 1);
                    i += 1;
                } else {
                    chunk.finish(&mut pieces);
                    i += 1;
                }
            }
            b'/' if i + 1 < end && (bytes[i + 1] == b'/' || bytes[i + 1] == b'*') => {
                let (comment_end, closed, too_deep) = if bytes[i + 1] == b'/' {
                    (line_comment_end(bytes, i, end), true, None)
                } else {
                    block_comment_end(bytes, i, end)
                };
                // A block comment in the middle of a line belongs to the chunk around it, so
                // that the grammar reports it in place rather than splitting the entry.
                let mid_line = chunk.start.is_some()
                    && bytes[i + 1] == b'*'
                    && bytes[comment_end..end]
                        .iter()
                        .find(|b| !matches!(b, b' ' | b'\t'))
                        .is_some_and(|b| {
                            !matches!(b, b'\n' | b'\r' | b',' | b'/' | b'}' | b']' | b')')
                        });
                if chunk.stack.is_empty() && !mid_line {
                    chunk.finish(&mut pieces);
                    pieces.push(Piece::Comment {
                        start: i,
                        end: comment_end,
                        closed,
                        too_deep,
                    });
                } else {
                    chunk.touch(i, comment_end);
                    if !closed && chunk.unclosed_comment.is_none() {
                        chunk.unclosed_comment = Some(i);
                    }
                    if too_deep.is_some() && chunk.too_deep.is_none() {
                        chunk.too_deep = too_deep;
                    }
                }
                i = comment_end.max(i + 1);
            }
            b'"' => {
                let after = string_end(bytes, i, end);
                chunk.touch(i, after);
                i = after;
            }
            b'{' | b'[' | b'(' => {
                chunk.touch(i, i + 1);
                if byte == b'{' {
                    chunk.saw_brace = true;
                }
                chunk.stack.push(i);
                chunk.indents.push(line_indent.unwrap_or(0));
                if chunk.stack.len() > MAX_NESTING && chunk.too_deep.is_none() {
                    chunk.too_deep = Some(i);
                }
                i += 1;
            }
            b'}' | b']' | b')' => {
                if chunk.stack.is_empty() {
                    chunk.finish(&mut pieces);
                    pieces.push(Piece::StrayCloser { at: i });
                    i += 1;
                    continue;
                }
                chunk.touch(i, i + 1);
                let depth = chunk.stack.len();
                let lowest = depth.saturating_sub(MATCH_SEARCH_LIMIT);
                let matched = (lowest..depth)
                    .rev()
                    .find(|&level| closer_for(bytes[chunk.stack[level]]) == byte);
                if let Some(level) = matched {
                    let first_on_line = line_indent == Some(i - line_begin);
                    if byte == b'}'
                        && rules.skip_extra_closers
                        && first_on_line
                        && is_extra_closer(bytes, i, end, i - line_begin, chunk.indents[level])
                    {
                        chunk.extra_closers.push(i);
                        i += 1;
                        continue;
                    }
                    // Openers above the match were never closed: `[1, 2 }`.
                    let mut skipped = chunk.stack.split_off(level + 1);
                    chunk.unclosed.append(&mut skipped);
                    chunk.stack.pop();
                    chunk.indents.truncate(level);
                }
                i += 1;
                if chunk.stack.is_empty() && byte == b'}' && chunk.saw_brace {
                    chunk.finish(&mut pieces);
                }
            }
            _ if is_plain(byte) => {
                // A run of plain bytes (names, numbers, punctuation the scan ignores) changes
                // nothing but the chunk's extent: take it whole rather than byte by byte. (The
                // checks at the top of the loop only act on a line's first bytes, and those of
                // the run's first byte were made above.)
                let run = bytes[i + 1..end]
                    .iter()
                    .position(|&b| !is_plain(b))
                    .map_or(end, |offset| i + 1 + offset);
                chunk.touch(i, run);
                i = run;
            }
            _ => {
                // Advance by a whole char so that offsets stay on char boundaries.
                let width = utf8_width(byte);
                let next = (i + width).min(end);
                chunk.touch(i, next);
                i = next;
            }
        }
    }
    chunk.finish(&mut pieces);
    pieces
}

/// Where the line that `at` is on begins, and its indentation when `at` is not at the line's
/// first non-space byte (a split of an entry that follows a `{` or a comma); `None` when only
/// spaces come before `at`, so that the scan measures it. Looks back at most a few kilobytes,
/// so that many entries on one huge line stay linear; beyond that the line counts as
/// unindented.
fn first_line_indent(bytes: &[u8], at: usize) -> (usize, Option<usize>) {
    const LOOK_BACK: usize = 4096;
    let window = at.saturating_sub(LOOK_BACK);
    let before = &bytes[window..at];
    let line_begin = match before.iter().rposition(|&b| b == b'\n') {
        Some(newline) => window + newline + 1,
        None if window == 0 => 0,
        None => return (at, Some(0)),
    };
    let line = &bytes[line_begin..at];
    if line.iter().all(|b| matches!(b, b' ' | b'\t')) {
        return (line_begin, None);
    }
    let indent = line
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    (line_begin, Some(indent))
}

/// At the newline at `newline`, inside a chunk with open brackets: if the next line that is
/// not blank starts an entry, closes every innermost opener whose line is indented at least
/// as deep as that line (they become unclosed, reported once, and the entry after them is
/// parsed on its own); if it starts with `}`, closes those indented deeper than it. Returns the offset of that next line, up to which no newline needs to
/// look again.
fn close_at_entry_line(
    bytes: &[u8],
    newline: usize,
    end: usize,
    chunk: &mut ChunkBuilder,
    rules: SplitRules,
) -> usize {
    // Only the innermost openers are closed, and a `{` only with `close_braces_at_entry_line`:
    // when that `{` is innermost, nothing can be closed, and the next newline looks again.
    if !rules.close_braces_at_entry_line
        && chunk.stack.last().is_some_and(|&open| bytes[open] == b'{')
    {
        return newline + 1;
    }
    let Some(offset) = bytes[newline..end]
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
    else {
        return end;
    };
    let next = newline + offset;
    // A `}` less indented than an opener's line closes the block around it, not the opener.
    let closer_line = bytes[next] == b'}';
    if !closer_line && !starts_entry(bytes, next, end) {
        return next;
    }
    let line_begin = bytes[newline..next]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(newline, |p| newline + p + 1);
    let indent = next - line_begin;
    while let (Some(&open), Some(&open_indent)) = (chunk.stack.last(), chunk.indents.last()) {
        let closable = bytes[open] != b'{' || rules.close_braces_at_entry_line;
        let deeper = open_indent > indent || (open_indent == indent && !closer_line);
        if !closable || !deeper {
            break;
        }
        chunk.stack.pop();
        chunk.indents.pop();
        chunk.unclosed.push(open);
    }
    next
}

/// Whether the `}` at `at`, first on its line (indented `indent`), is an extra one: deeper than
/// the line of the `{` it would close (indented `open_indent`), alone on its line, and followed
/// by an entry that is also deeper than that line, so still inside the block.
fn is_extra_closer(bytes: &[u8], at: usize, end: usize, indent: usize, open_indent: usize) -> bool {
    if indent <= open_indent {
        return false;
    }
    let rest_of_line = bytes[at + 1..end]
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\r'))
        .map_or(end, |p| at + 1 + p);
    if rest_of_line < end && bytes[rest_of_line] != b'\n' {
        return false;
    }
    let Some(offset) = bytes[rest_of_line..end]
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
    else {
        return false;
    };
    let next = rest_of_line + offset;
    let next_line = bytes[rest_of_line..next]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(rest_of_line, |p| rest_of_line + p + 1);
    next - next_line > open_indent && starts_entry(bytes, next, end)
}

/// Whether the line at `at` starts like an entry: `key:`, `keyword {`, or a keyword followed
/// by a space and a value (`allow "x"`, `endpoint name {`). No list element or call argument
/// starts this way.
fn starts_entry(bytes: &[u8], at: usize, end: usize) -> bool {
    if !(bytes[at].is_ascii_alphabetic() || bytes[at] == b'_') {
        return false;
    }
    let word_end = bytes[at..end]
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .map_or(end, |p| at + p);
    let after = bytes[word_end..end]
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'))
        .map_or(end, |p| word_end + p);
    match bytes.get(after) {
        Some(b':' | b'{') => true,
        Some(b'"' | b'[') => after > word_end,
        Some(b) if b.is_ascii_alphanumeric() || *b == b'_' => after > word_end,
        _ => false,
    }
}

/// Whether the scan treats a byte as nothing but part of a chunk, whatever its context: ASCII
/// other than whitespace, brackets, quotes, commas and slashes. (A table: the scan asks it of
/// nearly every byte of a file.)
fn is_plain(byte: u8) -> bool {
    PLAIN[usize::from(byte)]
}

const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 128 {
        table[byte] = !matches!(
            byte as u8,
            b' ' | b'\t'
                | b'\r'
                | b'\n'
                | b','
                | b'/'
                | b'"'
                | b'{'
                | b'['
                | b'('
                | b'}'
                | b']'
                | b')'
        );
        byte += 1;
    }
    table
};

fn utf8_width(first: u8) -> usize {
    match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xFF => 4,
        _ => 1,
    }
}

/// Whether a string in `text[start..end]` runs to the end of its line: its `"` may have
/// swallowed a closing brace, which is then not the real mistake.
pub(crate) fn has_unclosed_string(text: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    let mut i = start;
    while i < end {
        match bytes[i] {
            b'/' if i + 1 < end && bytes[i + 1] == b'/' => {
                i = line_comment_end(bytes, i, end).max(i + 1)
            }
            b'/' if i + 1 < end && bytes[i + 1] == b'*' => i = block_comment_end(bytes, i, end).0,
            b'"' => {
                let after = string_end(bytes, i, end);
                if after <= i + 1 || bytes[after - 1] != b'"' {
                    return true;
                }
                i = after;
            }
            _ => i += 1,
        }
    }
    false
}

/// The offset of the `}` that closes the `{` at `open`, if there is one in `text[..end]`.
/// `skip` lists extra `}` (sorted) that close nothing.
pub(crate) fn matching_brace(text: &str, open: usize, end: usize, skip: &[usize]) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut stack: Vec<u8> = vec![b'{'];
    let mut i = open + 1;
    while i < end {
        match bytes[i] {
            b'/' if i + 1 < end && bytes[i + 1] == b'/' => {
                i = line_comment_end(bytes, i, end).max(i + 1)
            }
            b'/' if i + 1 < end && bytes[i + 1] == b'*' => i = block_comment_end(bytes, i, end).0,
            b'"' => i = string_end(bytes, i, end),
            open_byte @ (b'{' | b'[' | b'(') => {
                stack.push(open_byte);
                i += 1;
            }
            b'}' if skip.binary_search(&i).is_ok() => i += 1,
            close @ (b'}' | b']' | b')') => {
                let depth = stack.len();
                let lowest = depth.saturating_sub(MATCH_SEARCH_LIMIT);
                if let Some(level) = (lowest..depth)
                    .rev()
                    .find(|&level| closer_for(stack[level]) == close)
                {
                    stack.truncate(level);
                    if stack.is_empty() {
                        return Some(i);
                    }
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

fn line_indent(bytes: &[u8], at: usize) -> (usize, bool) {
    let line_start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let indent = bytes[line_start..at]
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    (indent, line_start + indent == at)
}

/// In a block whose `{` at `open` is never closed, the inner `{` that most likely lost its
/// `}`: the first one closed by a `}` that starts a line indented less than the `{`'s line.
pub(crate) fn misindented_brace(
    text: &str,
    open: usize,
    end: usize,
    skip: &[usize],
) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut stack: Vec<(u8, usize)> = Vec::new();
    let mut i = open + 1;
    while i < end {
        match bytes[i] {
            b'/' if i + 1 < end && bytes[i + 1] == b'/' => {
                i = line_comment_end(bytes, i, end).max(i + 1)
            }
            b'/' if i + 1 < end && bytes[i + 1] == b'*' => i = block_comment_end(bytes, i, end).0,
            b'"' => i = string_end(bytes, i, end),
            open_byte @ (b'{' | b'[' | b'(') => {
                stack.push((open_byte, i));
                i += 1;
            }
            b'}' if skip.binary_search(&i).is_ok() => i += 1,
            close @ (b'}' | b']' | b')') => {
                let depth = stack.len();
                let lowest = depth.saturating_sub(MATCH_SEARCH_LIMIT);
                if let Some(level) = (lowest..depth)
                    .rev()
                    .find(|&level| closer_for(stack[level].0) == close)
                {
                    let (open_byte, open_at) = stack[level];
                    stack.truncate(level);
                    if open_byte == b'{' {
                        let (close_indent, starts_line) = line_indent(bytes, i);
                        let (open_indent, _) = line_indent(bytes, open_at);
                        if starts_line && close_indent < open_indent {
                            return Some(open_at);
                        }
                    }
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

/// The offset of the first `{` outside strings and comments in `text[start..end]`, if it comes
/// before any `[`, `(` or newline (that is, if the text looks like a block header).
pub(crate) fn header_brace(text: &str, start: usize, end: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = start;
    while i < end {
        match bytes[i] {
            b'{' => return Some(i),
            b'\n' => {
                // Only a `{` on the next line continues the header.
                let next = bytes[i..end]
                    .iter()
                    .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
                match next {
                    Some(offset) if bytes[i + offset] == b'{' => return Some(i + offset),
                    _ => return None,
                }
            }
            b'[' | b'(' | b'}' | b']' | b')' | b':' | b',' => return None,
            b'/' if i + 1 < end && (bytes[i + 1] == b'/' || bytes[i + 1] == b'*') => return None,
            b'"' => i = string_end(bytes, i, end),
            _ => i += 1,
        }
    }
    None
}

/// Every comment in the text, as `(start, end)`, in order: what the tests and the formatter's
/// safety check compare against the tree.
pub(crate) fn comments(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let end = bytes.len();
    let mut found = Vec::new();
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'/' if i + 1 < end && bytes[i + 1] == b'/' => {
                let comment_end = line_comment_end(bytes, i, end);
                found.push((i, comment_end));
                i = comment_end.max(i + 1);
            }
            b'/' if i + 1 < end && bytes[i + 1] == b'*' => {
                let comment_end = block_comment_end(bytes, i, end).0;
                found.push((i, comment_end));
                i = comment_end;
            }
            b'"' => i = string_end(bytes, i, end),
            _ => i += 1,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOP: SplitRules = SplitRules {
        split_on_comma: false,
        cut_at_top_level_keyword: false,
        close_braces_at_entry_line: false,
        skip_extra_closers: false,
    };

    fn chunk_texts(text: &str, rules: SplitRules) -> Vec<String> {
        split(text, 0, text.len(), rules)
            .into_iter()
            .map(|piece| match piece {
                Piece::Comment { start, end, .. } => format!("C:{}", &text[start..end]),
                Piece::Chunk(chunk) => text[chunk.start..chunk.end].to_string(),
                Piece::StrayCloser { at } => format!("S:{}", &text[at..at + 1]),
            })
            .collect()
    }

    #[test]
    fn splits_items_and_comments() {
        let text = "// a\nfilter x { a: \"}\" /* } */ }  // t\n}\npolicy p {\n}\n";
        assert_eq!(
            chunk_texts(text, TOP),
            vec![
                "C:// a",
                "filter x { a: \"}\" /* } */ }",
                "C:// t",
                "S:}",
                "policy p {\n}"
            ]
        );
    }

    #[test]
    fn splits_entries_on_commas_and_newlines() {
        let rules = SplitRules {
            split_on_comma: true,
            cut_at_top_level_keyword: false,
            close_braces_at_entry_line: false,
            skip_extra_closers: false,
        };
        let text = "a: 1, b: [1,\n 2]\nc { d: 1, e: 2 }";
        assert_eq!(
            chunk_texts(text, rules),
            vec!["a: 1", "b: [1,\n 2]", "c { d: 1, e: 2 }"]
        );
    }

    #[test]
    fn cuts_an_unclosed_item_at_the_next_top_level_keyword() {
        let rules = SplitRules {
            split_on_comma: false,
            cut_at_top_level_keyword: true,
            close_braces_at_entry_line: false,
            skip_extra_closers: false,
        };
        let text = "filter x {\n a: 1\npolicy p {\n}\n";
        let pieces = split(text, 0, text.len(), rules);
        assert_eq!(pieces.len(), 2);
        assert!(matches!(&pieces[0], Piece::Chunk(chunk) if chunk.unclosed == vec![9]));
    }

    #[test]
    fn the_hierarchy_and_business_units_start_new_items_too() {
        let rules = SplitRules {
            split_on_comma: false,
            cut_at_top_level_keyword: true,
            close_braces_at_entry_line: false,
            skip_extra_closers: false,
        };
        for keyword in ["management_group", "business_unit", "gateway", "monitoring"] {
            let text = format!("policy p {{\n a: 1\n{keyword} x {{\n}}\n");
            let pieces = split(&text, 0, text.len(), rules);
            assert_eq!(pieces.len(), 2, "{keyword}");
        }
        assert_eq!(
            similar_top_level_keyword("managment_group"),
            Some("management_group")
        );
        assert_eq!(
            similar_top_level_keyword("busines_unit"),
            Some("business_unit")
        );
        assert_eq!(similar_top_level_keyword("endpoint"), None);
    }

    #[test]
    fn closes_an_open_list_at_the_next_entry_line_only() {
        let rules = SplitRules {
            split_on_comma: true,
            cut_at_top_level_keyword: false,
            close_braces_at_entry_line: false,
            skip_extra_closers: false,
        };
        let text = "  a: [1,
    2,
  ]
  b: [1,
  c: 2
  d: [x,
  y]
";
        assert_eq!(
            chunk_texts(text, rules),
            vec!["a: [1,\n    2,\n  ]", "b: [1,", "c: 2", "d: [x,\n  y]"]
        );
        // A `{` is closed that way only where the braces do not balance.
        let text = "  e {
  f: 1
}";
        assert_eq!(chunk_texts(text, rules), vec!["e {\n  f: 1\n}"]);
        let unbalanced = SplitRules {
            close_braces_at_entry_line: true,
            ..rules
        };
        assert_eq!(chunk_texts(text, unbalanced), vec!["e {", "f: 1", "S:}"]);
    }

    #[test]
    fn an_indented_closer_followed_by_deeper_entries_is_extra() {
        let rules = SplitRules {
            split_on_comma: false,
            cut_at_top_level_keyword: true,
            close_braces_at_entry_line: true,
            skip_extra_closers: true,
        };
        let text = "p {\n  a: 1\n  }\n  b: 2\n}\nq {\n}\n";
        let pieces = split(text, 0, text.len(), rules);
        assert_eq!(pieces.len(), 2);
        assert!(matches!(&pieces[0], Piece::Chunk(chunk) if chunk.extra_closers == vec![13]));
    }

    #[test]
    fn finds_matching_braces_across_mismatches() {
        let text = "{ a: [1, 2 }";
        assert_eq!(matching_brace(text, 0, text.len(), &[]), Some(11));
        assert_eq!(matching_brace("{ \"}\" ", 0, 6, &[]), None);
    }
}
