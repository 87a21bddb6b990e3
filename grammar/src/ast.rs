//! The syntax tree: a uniform tree of blocks, fields and clauses, with spans on every node
//! and every comment attached, so that the formatter and the language server can rebuild the
//! source from it.
//!
//! Charter's surface is uniform on purpose (see `docs/notes/0001-uniform-syntax.md`): every
//! construct is a *block* (`keyword [label] [extends path] { entries }`), a *field*
//! (`key: phrase`) or a *clause* (`keyword phrase`), and a phrase is a sequence of values
//! (`global_standard capacity 100`). Which fields a block takes, and what its phrases mean, is
//! the schema's job in the compiler. This keeps error recovery, formatting and completion the
//! same for every construct.

use crate::span::Span;

/// One parsed document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    pub items: Vec<Item>,
    /// Comments after the last item.
    pub dangling_comments: Vec<Comment>,
    pub span: Span,
}

/// A top-level construct, or the place of one that did not parse. (Almost every item is a
/// block: it is not boxed, unlike [`Entry::Block`].)
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Block(Block),
    /// Source that did not parse; its diagnostic was reported, and it is skipped.
    Error(ErrorNode),
}

/// `keyword [label] [extends path] { entries }`, at top level (`filter`, `policy`, `workload`,
/// `model`, `region`) or nested (`prompt`, `models`, `endpoint`, `app`, `version`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub trivia: Trivia,
    pub keyword: Ident,
    pub label: Option<Label>,
    pub extends: Option<Path>,
    pub entries: Vec<Entry>,
    /// Comments after the last entry, before the closing brace.
    pub dangling_comments: Vec<Comment>,
    /// From the keyword (not the doc comment) to the closing brace.
    pub span: Span,
    /// The braces and what is between them.
    pub body_span: Span,
}

/// The name of a block: an identifier (`filter strict`) or, for catalog entries, a string
/// (`model "gpt-4.1"`, `version "2025-04-14"`, `region "swedencentral"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Label {
    Name(Ident),
    Str(StrLit),
}

impl Label {
    pub fn text(&self) -> &str {
        match self {
            Label::Name(ident) => &ident.name,
            Label::Str(string) => &string.value,
        }
    }

    pub fn span(&self) -> Span {
        match self {
            Label::Name(ident) => ident.span,
            Label::Str(string) => string.span,
        }
    }
}

/// One statement of a block body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Field(Field),
    Clause(Clause),
    /// Boxed: a block is twice the size of a field, and most entries are fields.
    Block(Box<Block>),
    /// A statement that did not parse; its diagnostic was reported.
    Error(ErrorNode),
}

impl Entry {
    pub fn span(&self) -> Span {
        match self {
            Entry::Field(field) => field.span,
            Entry::Clause(clause) => clause.span,
            Entry::Block(block) => block.span,
            Entry::Error(error) => error.span,
        }
    }

    pub fn trivia(&self) -> Option<&Trivia> {
        match self {
            Entry::Field(field) => Some(&field.trivia),
            Entry::Clause(clause) => Some(&clause.trivia),
            Entry::Block(block) => Some(&block.trivia),
            Entry::Error(_) => None,
        }
    }
}

/// `key: phrase`, e.g. `effect: deny` or `deployment: global_standard capacity 100`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub trivia: Trivia,
    pub key: Ident,
    pub value: Phrase,
    pub span: Span,
}

/// `keyword phrase` with no colon, e.g. `allow "gpt-4.1" versions ["2025-04-14"]`,
/// `model "gpt-5.6-sol" version "2026-07-09"`, `exempt resource_group("x") until 2027-01-31 ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    pub trivia: Trivia,
    pub keyword: Ident,
    pub phrase: Phrase,
    pub span: Span,
}

/// A sequence of values on one logical line: a single value (`deny`), or a head value with
/// modifier words and their arguments (`2000 USD monthly alert_at [50%, 80%] notify ["a@b"]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phrase {
    pub values: Vec<Value>,
    pub span: Span,
}

/// One value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Str(StrLit),
    Number(Number),
    Date(DateLit),
    /// An identifier or a dotted path: a keyword (`deny`, `low`, `monthly`) or a reference to
    /// a declared name (`baseline`, `std.filters.default`); the schema decides which.
    Path(Path),
    /// A scope constructor: `management_group("contoso-ai")`.
    Call(Call),
    List(List),
    /// A value that did not parse; its diagnostic was reported.
    Error(ErrorNode),
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Str(v) => v.span,
            Value::Number(v) => v.span,
            Value::Date(v) => v.span,
            Value::Path(v) => v.span,
            Value::Call(v) => v.span,
            Value::List(v) => v.span,
            Value::Error(v) => v.span,
        }
    }
}

/// A string literal; `value` has escapes resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

/// A number with an optional unit: `100`, `2000 USD`, `12.50 EUR`, `80%`, `90 days`, `300 units`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Number {
    /// The digits as written (`2000`, `12.50`), so that no precision is lost.
    pub digits: String,
    pub unit: Option<Unit>,
    pub span: Span,
}

impl Number {
    /// The value when it is a whole number that fits in `i64`.
    pub fn as_integer(&self) -> Option<i64> {
        self.digits.parse().ok()
    }
}

/// The unit written right after a number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub kind: UnitKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnitKind {
    Percent,
    /// An ISO 4217 code: three upper-case letters (`USD`, `EUR`).
    Currency(String),
    Days,
    Weeks,
    Months,
    Years,
    /// Deployment capacity units (`300 units`).
    CapacityUnits,
}

/// A calendar date `YYYY-MM-DD`, validated by the parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateLit {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub span: Span,
}

/// `a` or `a.b.c`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    pub segments: Vec<Ident>,
    pub span: Span,
}

impl Path {
    /// The path as written, segments joined by `.`.
    pub fn text(&self) -> String {
        // One allocation of the exact size (no vector of the segments to join).
        let dots = self.segments.len().saturating_sub(1);
        let length = dots + self.segments.iter().map(|s| s.name.len()).sum::<usize>();
        let mut text = String::with_capacity(length);
        for (index, segment) in self.segments.iter().enumerate() {
            if index > 0 {
                text.push('.');
            }
            text.push_str(&segment.name);
        }
        text
    }

    /// Whether the path as written is `text`, without joining its segments as
    /// [`Path::text`] does (keyword and name lookups compare many paths).
    pub fn text_is(&self, text: &str) -> bool {
        // Most paths are one word: compared whole (lengths first).
        if let [only] = self.segments.as_slice() {
            return only.name == text;
        }
        let mut rest = text;
        for (index, segment) in self.segments.iter().enumerate() {
            if index > 0 {
                match rest.strip_prefix('.') {
                    Some(after_dot) => rest = after_dot,
                    None => return false,
                }
            }
            match rest.strip_prefix(segment.name.as_str()) {
                Some(after_segment) => rest = after_segment,
                None => return false,
            }
        }
        rest.is_empty()
    }

    /// The single identifier, when the path has one segment.
    pub fn as_ident(&self) -> Option<&Ident> {
        match self.segments.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }
}

/// `callee(arg, ...)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub callee: Ident,
    pub args: Vec<Value>,
    pub span: Span,
}

/// `[a, b, c]`, possibly over several lines with comments between the elements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List {
    pub items: Vec<ListItem>,
    /// Comments after the last element, before `]`.
    pub dangling_comments: Vec<Comment>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListItem {
    pub trivia: Trivia,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// Where source that did not parse was; the parser reported it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorNode {
    pub span: Span,
}

/// The comments attached to a node: the `///` doc comment and `//`/`/* */` comments on the
/// lines before it, and a comment after it on its last line.
///
/// Most nodes have none: an empty `Trivia` is one null pointer, and only a node with comments
/// or a blank line before it pays for [`TriviaFields`] (at 100,000 lines this keeps about a
/// fifth of the syntax trees' memory; docs/performance.md). Read the fields through `Deref`;
/// build one from a [`TriviaFields`].
#[derive(Clone, Default)]
pub struct Trivia(Option<Box<TriviaFields>>);

/// What a [`Trivia`] holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TriviaFields {
    /// Whether a blank line separates this node (its doc comment, if it has one) from what
    /// comes before it: its last leading comment, or else the node before (kept by the
    /// formatter, which collapses several blank lines into one). Always false for the first
    /// thing of a block or file, for top-level items without leading comments (the formatter
    /// puts one blank line between items), and in lists.
    pub blank_line_before: bool,
    pub doc: Option<DocComment>,
    pub leading: Vec<Comment>,
    pub trailing: Option<Comment>,
}

/// The fields of an empty [`Trivia`].
static NO_TRIVIA: TriviaFields = TriviaFields {
    blank_line_before: false,
    doc: None,
    leading: Vec::new(),
    trailing: None,
};

impl TriviaFields {
    /// Whether there is nothing to attach: no comment and no blank line before.
    pub fn is_empty(&self) -> bool {
        !self.blank_line_before
            && self.doc.is_none()
            && self.leading.is_empty()
            && self.trailing.is_none()
    }
}

impl From<TriviaFields> for Trivia {
    fn from(fields: TriviaFields) -> Trivia {
        // INVARIANT: an empty trivia is never boxed (equality and the codec do not care, but
        // memory does).
        if fields.is_empty() {
            Trivia(None)
        } else {
            Trivia(Some(Box::new(fields)))
        }
    }
}

impl Trivia {
    /// The fields to change in place, when there are any (an empty trivia has nothing to
    /// change: positions are shifted, never added).
    pub fn fields_mut(&mut self) -> Option<&mut TriviaFields> {
        self.0.as_deref_mut()
    }
}

impl std::ops::Deref for Trivia {
    type Target = TriviaFields;

    fn deref(&self) -> &TriviaFields {
        self.0.as_deref().unwrap_or(&NO_TRIVIA)
    }
}

impl PartialEq for Trivia {
    fn eq(&self, other: &Trivia) -> bool {
        **self == **other
    }
}

impl Eq for Trivia {}

/// Printed as the fields, as when they were stored inline (tests compare trees by their debug
/// form).
impl std::fmt::Debug for Trivia {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let TriviaFields {
            blank_line_before,
            doc,
            leading,
            trailing,
        } = &**self;
        f.debug_struct("Trivia")
            .field("blank_line_before", blank_line_before)
            .field("doc", doc)
            .field("leading", leading)
            .field("trailing", trailing)
            .finish()
    }
}

/// Consecutive `///` lines, joined with `\n`, each without its `///` and one following space.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocComment {
    pub text: String,
    pub span: Span,
}

/// A `//` or `/* */` comment; `text` is the whole comment as written, delimiters included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
    /// Whether a blank line separates this comment from what comes before it (another
    /// comment or a node), so that paragraphs of comments and a file's header comment keep
    /// their blank lines. Normalised like [`Trivia::blank_line_before`].
    pub blank_line_before: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;

    fn path(segments: &[&str]) -> Path {
        let span = Span::new(FileId(0), 0, 0);
        Path {
            segments: segments
                .iter()
                .map(|name| Ident {
                    name: (*name).to_string(),
                    span,
                })
                .collect(),
            span,
        }
    }

    /// `text_is` agrees with comparing `text()`, dots and all.
    #[test]
    fn a_path_is_its_text() {
        let paths = [
            path(&[]),
            path(&["deny"]),
            path(&["std", "filters", "default"]),
        ];
        let texts = [
            "",
            "deny",
            "den",
            "denyy",
            "std.filters.default",
            "std.filters",
            "std.filtersdefault",
            "std.filters.default.",
            ".std.filters.default",
        ];
        for path in &paths {
            for text in texts {
                assert_eq!(path.text_is(text), path.text() == text, "{text:?}");
            }
        }
    }
}
