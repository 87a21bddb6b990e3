//! Byte-offset spans and the per-document line index that converts them, once, at the edge.

/// Identifies one source document of a compilation (a project file, or an embedded stdlib file).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A half-open byte range `start..end` in one document.
///
/// INVARIANT: spans are left out of equality: any two spans compare equal, so two syntax
/// trees compare equal when they mean the same thing, wherever their text sits (the formatter's
/// "format, re-parse, compare" is one `assert_eq!`). Compare positions with [`Span::same_place`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl PartialEq for Span {
    fn eq(&self, _other: &Span) -> bool {
        true
    }
}

impl Eq for Span {}

impl Span {
    /// A span of `start..end` in `file`.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// Whether two spans cover the same bytes of the same file (spans' `==` ignores position).
    pub fn same_place(&self, other: &Span) -> bool {
        self.file == other.file && self.start == other.start && self.end == other.end
    }

    /// The byte range, for slicing source text.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Whether `offset` falls inside this span (an offset equal to `end` counts, so a cursor
    /// just after a word is "in" it).
    pub fn contains(&self, offset: usize) -> bool {
        self.start as usize <= offset && offset <= self.end as usize
    }

    /// The smallest span that covers both.
    pub fn cover(&self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// Line starts of one document; converts byte offsets to 0-based line and column, in bytes,
/// chars or UTF-16 code units (what LSP counts).
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        for (offset, byte) in text.bytes().enumerate() {
            if byte == b'\n' {
                line_starts.push(offset as u32 + 1);
            }
        }
        LineIndex { line_starts }
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&(offset as u32)) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where 0-based `line` starts, if the document has that line.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line).map(|&s| s as usize)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line and column counted in chars (what people read; 1 is added for display).
    pub fn line_col_chars(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = clamp_to_char_boundary(text, offset);
        let line = self.line_of(offset);
        let start = self.line_starts[line] as usize;
        (line, text[start..offset].chars().count())
    }

    /// 0-based line and column counted in UTF-16 code units (LSP's default encoding).
    pub fn line_col_utf16(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = clamp_to_char_boundary(text, offset);
        let line = self.line_of(offset);
        let start = self.line_starts[line] as usize;
        (line, text[start..offset].encode_utf16().count())
    }

    /// Byte offset of a 0-based line and UTF-16 column; out-of-range positions clamp to the
    /// end of the line or of the document rather than fail, as LSP clients expect.
    pub fn offset_utf16(&self, text: &str, line: usize, column: usize) -> usize {
        let Some(start) = self.line_start(line) else {
            return text.len();
        };
        let end = self
            .line_start(line + 1)
            .map(|next| next - 1)
            .unwrap_or(text.len());
        utf16_column_offset(text, start, end, column)
    }
}

/// The byte offset of a UTF-16 column (LSP's default encoding) in the line `text[start..end]`:
/// `end` when the column is past the line's end.
pub fn utf16_column_offset(text: &str, start: usize, end: usize, column: usize) -> usize {
    let mut units = 0;
    for (index, ch) in text[start..end].char_indices() {
        if units >= column {
            return start + index;
        }
        units += ch.len_utf16();
    }
    end
}

fn clamp_to_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_chars_and_utf16_units() {
        let text = "a\né€😀x\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap_or(0);
        assert_eq!(index.line_col_chars(text, x), (1, 3));
        assert_eq!(index.line_col_utf16(text, x), (1, 4));
        assert_eq!(index.offset_utf16(text, 1, 4), x);
        assert_eq!(index.offset_utf16(text, 1, 99), text.len() - 1);
        assert_eq!(index.offset_utf16(text, 9, 0), text.len());
    }

    #[test]
    fn spans_compare_equal_regardless_of_position() {
        let a = Span::new(FileId(0), 1, 2);
        let b = Span::new(FileId(1), 5, 9);
        assert_eq!(a, b);
        assert!(!a.same_place(&b));
    }
}
