//! A compact binary form of a syntax tree, so that a tree parsed once (the compiler parses the
//! embedded stdlib in its build script) can be rebuilt without parsing again: decoding is a
//! straight read of lengths and bytes, a small fraction of what the parser costs.
//!
//! The format is private to one build: [`encode`] and [`decode`] come from the same source, so
//! there is no versioning. Spans are stored without their file, which [`decode`] is given, so
//! one encoding serves every file id. The text of every name, string and comment goes to a
//! separate [`Encoded::strings`], in the order the tree reads them: it is one UTF-8 text, so
//! an embedder can include it with `include_str!` and the decoder copies out slices without
//! validating each one. [`decode`] checks every length, tag and boundary and returns `None`
//! rather than panic on bytes it did not write.

use crate::ast::*;
use crate::span::{FileId, Span};

/// A tree as bytes, and the texts the bytes refer to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Encoded {
    /// The tree's structure, lengths and offsets.
    pub tree: Vec<u8>,
    /// Every text of the tree (names, strings, comments), one after the other.
    pub strings: String,
}

/// The tree as bytes and texts.
pub fn encode(file: &SourceFile) -> Encoded {
    let mut writer = Writer {
        encoded: Encoded::default(),
        last_start: 0,
    };
    writer.source_file(file);
    writer.encoded
}

/// The tree [`encode`] wrote, with every span in `file`; `None` if `tree` and `strings` are not
/// a whole encoding.
pub fn decode(tree: &[u8], strings: &str, file: FileId) -> Option<SourceFile> {
    let mut reader = Reader {
        bytes: tree,
        position: 0,
        strings,
        string_position: 0,
        file,
        last_start: 0,
    };
    let decoded = reader.source_file()?;
    (reader.position == tree.len() && reader.string_position == strings.len()).then_some(decoded)
}

struct Writer {
    encoded: Encoded,
    /// Where the previous span started: a span is written as the distance from there and its
    /// length, which are small numbers (one byte, mostly) where the offsets are not.
    last_start: u32,
}

/// A signed number as an unsigned one, small when it is near zero either way.
fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

fn unzigzag(value: u64) -> i64 {
    (value >> 1) as i64 ^ -((value & 1) as i64)
}

impl Writer {
    fn number(&mut self, mut value: u64) {
        // LEB128: seven bits a byte, the high bit set on all but the last.
        loop {
            let byte = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                self.encoded.tree.push(byte);
                return;
            }
            self.encoded.tree.push(byte | 0x80);
        }
    }

    fn length(&mut self, length: usize) {
        self.number(length as u64);
    }

    fn flag(&mut self, flag: bool) {
        self.encoded.tree.push(u8::from(flag));
    }

    fn string(&mut self, text: &str) {
        self.length(text.len());
        self.encoded.strings.push_str(text);
    }

    fn span(&mut self, span: Span) {
        self.number(zigzag(i64::from(span.start) - i64::from(self.last_start)));
        self.number(zigzag(i64::from(span.end) - i64::from(span.start)));
        self.last_start = span.start;
    }

    fn source_file(&mut self, file: &SourceFile) {
        let SourceFile {
            items,
            dangling_comments,
            span,
        } = file;
        self.length(items.len());
        for item in items {
            match item {
                Item::Block(block) => {
                    self.encoded.tree.push(0);
                    self.block(block);
                }
                Item::Error(error) => {
                    self.encoded.tree.push(1);
                    self.span(error.span);
                }
            }
        }
        self.comments(dangling_comments);
        self.span(*span);
    }

    fn block(&mut self, block: &Block) {
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
        self.trivia(trivia);
        self.ident(keyword);
        match label {
            None => self.encoded.tree.push(0),
            Some(Label::Name(ident)) => {
                self.encoded.tree.push(1);
                self.ident(ident);
            }
            Some(Label::Str(string)) => {
                self.encoded.tree.push(2);
                self.str_lit(string);
            }
        }
        match extends {
            None => self.encoded.tree.push(0),
            Some(path) => {
                self.encoded.tree.push(1);
                self.path(path);
            }
        }
        self.length(entries.len());
        for entry in entries {
            self.entry(entry);
        }
        self.comments(dangling_comments);
        self.span(*span);
        self.span(*body_span);
    }

    fn entry(&mut self, entry: &Entry) {
        match entry {
            Entry::Field(Field {
                trivia,
                key,
                value,
                span,
            }) => {
                self.encoded.tree.push(0);
                self.trivia(trivia);
                self.ident(key);
                self.phrase(value);
                self.span(*span);
            }
            Entry::Clause(Clause {
                trivia,
                keyword,
                phrase,
                span,
            }) => {
                self.encoded.tree.push(1);
                self.trivia(trivia);
                self.ident(keyword);
                self.phrase(phrase);
                self.span(*span);
            }
            Entry::Block(block) => {
                self.encoded.tree.push(2);
                self.block(block);
            }
            Entry::Error(error) => {
                self.encoded.tree.push(3);
                self.span(error.span);
            }
        }
    }

    fn phrase(&mut self, phrase: &Phrase) {
        let Phrase { values, span } = phrase;
        self.length(values.len());
        for value in values {
            self.value(value);
        }
        self.span(*span);
    }

    fn value(&mut self, value: &Value) {
        match value {
            Value::Str(string) => {
                self.encoded.tree.push(0);
                self.str_lit(string);
            }
            Value::Number(Number { digits, unit, span }) => {
                self.encoded.tree.push(1);
                self.string(digits);
                match unit {
                    None => self.encoded.tree.push(0),
                    Some(Unit { kind, span }) => {
                        self.encoded.tree.push(1);
                        match kind {
                            UnitKind::Percent => self.encoded.tree.push(0),
                            UnitKind::Currency(code) => {
                                self.encoded.tree.push(1);
                                self.string(code);
                            }
                            UnitKind::Days => self.encoded.tree.push(2),
                            UnitKind::Weeks => self.encoded.tree.push(3),
                            UnitKind::Months => self.encoded.tree.push(4),
                            UnitKind::Years => self.encoded.tree.push(5),
                            UnitKind::CapacityUnits => self.encoded.tree.push(6),
                        }
                        self.span(*span);
                    }
                }
                self.span(*span);
            }
            Value::Date(DateLit {
                year,
                month,
                day,
                span,
            }) => {
                self.encoded.tree.push(2);
                // Zigzag, so that a (never written) negative year stays small.
                self.number(zigzag(i64::from(*year)));
                self.encoded.tree.push(*month);
                self.encoded.tree.push(*day);
                self.span(*span);
            }
            Value::Path(path) => {
                self.encoded.tree.push(3);
                self.path(path);
            }
            Value::Call(Call { callee, args, span }) => {
                self.encoded.tree.push(4);
                self.ident(callee);
                self.length(args.len());
                for arg in args {
                    self.value(arg);
                }
                self.span(*span);
            }
            Value::List(List {
                items,
                dangling_comments,
                span,
            }) => {
                self.encoded.tree.push(5);
                self.length(items.len());
                for ListItem { trivia, value } in items {
                    self.trivia(trivia);
                    self.value(value);
                }
                self.comments(dangling_comments);
                self.span(*span);
            }
            Value::Error(error) => {
                self.encoded.tree.push(6);
                self.span(error.span);
            }
        }
    }

    fn str_lit(&mut self, string: &StrLit) {
        self.string(&string.value);
        self.span(string.span);
    }

    fn path(&mut self, path: &Path) {
        self.length(path.segments.len());
        for segment in &path.segments {
            self.ident(segment);
        }
        self.span(path.span);
    }

    fn ident(&mut self, ident: &Ident) {
        self.string(&ident.name);
        self.span(ident.span);
    }

    fn trivia(&mut self, trivia: &Trivia) {
        let TriviaFields {
            blank_line_before,
            doc,
            leading,
            trailing,
        } = &**trivia;
        // Most nodes have no comments and no blank line before them: one byte says so.
        let empty =
            !*blank_line_before && doc.is_none() && leading.is_empty() && trailing.is_none();
        self.flag(!empty);
        if empty {
            return;
        }
        self.flag(*blank_line_before);
        match doc {
            None => self.encoded.tree.push(0),
            Some(DocComment { text, span }) => {
                self.encoded.tree.push(1);
                self.string(text);
                self.span(*span);
            }
        }
        self.comments(leading);
        match trailing {
            None => self.encoded.tree.push(0),
            Some(comment) => {
                self.encoded.tree.push(1);
                self.comment(comment);
            }
        }
    }

    fn comments(&mut self, comments: &[Comment]) {
        self.length(comments.len());
        for comment in comments {
            self.comment(comment);
        }
    }

    fn comment(&mut self, comment: &Comment) {
        let Comment {
            text,
            span,
            blank_line_before,
        } = comment;
        self.string(text);
        self.span(*span);
        self.flag(*blank_line_before);
    }
}

struct Reader<'b> {
    bytes: &'b [u8],
    position: usize,
    strings: &'b str,
    string_position: usize,
    file: FileId,
    /// Where the previous span started (see [`Writer::last_start`]).
    last_start: u32,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.position)?;
        self.position += 1;
        Some(byte)
    }

    #[inline]
    fn number(&mut self) -> Option<u64> {
        // Most numbers (lengths, tags, span distances and lengths below 128) are one byte:
        // read here, inline; longer ones out of line.
        let first = self.byte()?;
        if first & 0x80 == 0 {
            return Some(u64::from(first));
        }
        self.longer_number(first)
    }

    #[cold]
    fn longer_number(&mut self, first: u8) -> Option<u64> {
        let mut value = u64::from(first & 0x7f);
        let mut shift = 7;
        while shift < 64 {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
            shift += 7;
        }
        None
    }

    fn length(&mut self) -> Option<usize> {
        let length = usize::try_from(self.number()?).ok()?;
        // Every element takes at least one byte: a longer length is not ours.
        (length <= self.bytes.len() - self.position).then_some(length)
    }

    fn flag(&mut self) -> Option<bool> {
        match self.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    fn string(&mut self) -> Option<String> {
        let length = usize::try_from(self.number()?).ok()?;
        let end = self.string_position.checked_add(length)?;
        // `get` is `None` past the end or off a character boundary.
        let text = self.strings.get(self.string_position..end)?;
        self.string_position = end;
        Some(text.to_string())
    }

    fn span(&mut self) -> Option<Span> {
        let start = i64::from(self.last_start).checked_add(unzigzag(self.number()?))?;
        let start = u32::try_from(start).ok()?;
        let end = u32::try_from(i64::from(start).checked_add(unzigzag(self.number()?))?).ok()?;
        self.last_start = start;
        Some(Span {
            file: self.file,
            start,
            end,
        })
    }

    fn list<T>(&mut self, mut element: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let length = self.length()?;
        let mut elements = Vec::with_capacity(length);
        for _ in 0..length {
            elements.push(element(self)?);
        }
        Some(elements)
    }

    fn optional<T>(&mut self, present: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        match self.byte()? {
            0 => Some(None),
            1 => present(self).map(Some),
            _ => None,
        }
    }

    fn source_file(&mut self) -> Option<SourceFile> {
        let items = self.list(|reader| match reader.byte()? {
            0 => reader.block().map(Item::Block),
            1 => Some(Item::Error(ErrorNode {
                span: reader.span()?,
            })),
            _ => None,
        })?;
        Some(SourceFile {
            items,
            dangling_comments: self.comments()?,
            span: self.span()?,
        })
    }

    fn block(&mut self) -> Option<Block> {
        let trivia = self.trivia()?;
        let keyword = self.ident()?;
        let label = match self.byte()? {
            0 => None,
            1 => Some(Label::Name(self.ident()?)),
            2 => Some(Label::Str(self.str_lit()?)),
            _ => return None,
        };
        let extends = self.optional(Self::path)?;
        let entries = self.list(Self::entry)?;
        Some(Block {
            trivia,
            keyword,
            label,
            extends,
            entries,
            dangling_comments: self.comments()?,
            span: self.span()?,
            body_span: self.span()?,
        })
    }

    fn entry(&mut self) -> Option<Entry> {
        Some(match self.byte()? {
            0 => Entry::Field(Field {
                trivia: self.trivia()?,
                key: self.ident()?,
                value: self.phrase()?,
                span: self.span()?,
            }),
            1 => Entry::Clause(Clause {
                trivia: self.trivia()?,
                keyword: self.ident()?,
                phrase: self.phrase()?,
                span: self.span()?,
            }),
            2 => Entry::Block(Box::new(self.block()?)),
            3 => Entry::Error(ErrorNode { span: self.span()? }),
            _ => return None,
        })
    }

    fn phrase(&mut self) -> Option<Phrase> {
        Some(Phrase {
            values: self.list(Self::value)?,
            span: self.span()?,
        })
    }

    fn value(&mut self) -> Option<Value> {
        Some(match self.byte()? {
            0 => Value::Str(self.str_lit()?),
            1 => {
                let digits = self.string()?;
                let unit = self.optional(|reader| {
                    let kind = match reader.byte()? {
                        0 => UnitKind::Percent,
                        1 => UnitKind::Currency(reader.string()?),
                        2 => UnitKind::Days,
                        3 => UnitKind::Weeks,
                        4 => UnitKind::Months,
                        5 => UnitKind::Years,
                        6 => UnitKind::CapacityUnits,
                        _ => return None,
                    };
                    Some(Unit {
                        kind,
                        span: reader.span()?,
                    })
                })?;
                Value::Number(Number {
                    digits,
                    unit,
                    span: self.span()?,
                })
            }
            2 => {
                let zigzag = self.number()?;
                let year = i32::try_from(unzigzag(zigzag)).ok()?;
                Value::Date(DateLit {
                    year,
                    month: self.byte()?,
                    day: self.byte()?,
                    span: self.span()?,
                })
            }
            3 => Value::Path(self.path()?),
            4 => Value::Call(Call {
                callee: self.ident()?,
                args: self.list(Self::value)?,
                span: self.span()?,
            }),
            5 => Value::List(List {
                items: self.list(|reader| {
                    Some(ListItem {
                        trivia: reader.trivia()?,
                        value: reader.value()?,
                    })
                })?,
                dangling_comments: self.comments()?,
                span: self.span()?,
            }),
            6 => Value::Error(ErrorNode { span: self.span()? }),
            _ => return None,
        })
    }

    fn str_lit(&mut self) -> Option<StrLit> {
        Some(StrLit {
            value: self.string()?,
            span: self.span()?,
        })
    }

    fn path(&mut self) -> Option<Path> {
        Some(Path {
            segments: self.list(Self::ident)?,
            span: self.span()?,
        })
    }

    fn ident(&mut self) -> Option<Ident> {
        Some(Ident {
            name: self.string()?,
            span: self.span()?,
        })
    }

    fn trivia(&mut self) -> Option<Trivia> {
        if !self.flag()? {
            return Some(Trivia::default());
        }
        Some(Trivia::from(TriviaFields {
            blank_line_before: self.flag()?,
            doc: self.optional(|reader| {
                Some(DocComment {
                    text: reader.string()?,
                    span: reader.span()?,
                })
            })?,
            leading: self.comments()?,
            trailing: self.optional(Self::comment)?,
        }))
    }

    fn comments(&mut self) -> Option<Vec<Comment>> {
        self.list(Self::comment)
    }

    fn comment(&mut self) -> Option<Comment> {
        Some(Comment {
            text: self.string()?,
            span: self.span()?,
            blank_line_before: self.flag()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Trees compare equal whatever their positions, so compare the debug form, which shows
    /// every span's file and offsets.
    fn round_trips(text: &str) {
        let parsed = crate::parse(FileId(3), text);
        let encoded = encode(&parsed.file);
        let decoded =
            decode(&encoded.tree, &encoded.strings, FileId(3)).expect("decodes what it encoded");
        assert_eq!(format!("{decoded:?}"), format!("{:?}", parsed.file));
    }

    #[test]
    fn the_stdlib_round_trips() {
        round_trips(include_str!("../../stdlib/filters.charter"));
        round_trips(include_str!("../../stdlib/models.charter"));
        round_trips(include_str!("../../stdlib/regions.charter"));
    }

    #[test]
    fn every_kind_of_node_round_trips() {
        round_trips(
            "// header\n\n/// doc\nworkload w extends a.b {\n  budget: 2000 USD monthly \
             alert_at [50%, 80%] notify [\"a@b.c\"] // trailing\n  scope: \
             management_group(\"x\")\n  until: 2027-01-31\n  window: 90 days\n  cap: 300 \
             units\n  /* block */\n  list: [\n    a, // one\n    b\n    // dangling\n  ]\n  \
             app chat { filter: strict }\n  broken: [\n}\n\n}}} oops\n// last\n",
        );
    }

    #[test]
    fn foreign_bytes_are_rejected_not_a_panic() {
        let parsed = crate::parse(FileId(0), include_str!("../../stdlib/filters.charter"));
        let Encoded { tree, strings } = encode(&parsed.file);
        for cut in [0, 1, tree.len() / 2, tree.len() - 1] {
            assert!(decode(&tree[..cut], &strings, FileId(0)).is_none());
        }
        let mut longer = tree.clone();
        longer.push(0);
        assert!(decode(&longer, &strings, FileId(0)).is_none());
        assert!(decode(&[0xff; 16], &strings, FileId(0)).is_none());
        // Texts cut short or lengthened.
        assert!(decode(&tree, &strings[..strings.len() - 1], FileId(0)).is_none());
        assert!(decode(&tree, &format!("{strings}x"), FileId(0)).is_none());
        // A text that would be cut inside a character.
        let accented = crate::parse(FileId(0), "/// caf\u{e9}\nfilter x {}\n");
        let Encoded { tree, strings } = encode(&accented.file);
        let shifted = format!("x{}", &strings[..strings.len() - 1]);
        assert!(decode(&tree, &shifted, FileId(0)).is_none());
    }
}
