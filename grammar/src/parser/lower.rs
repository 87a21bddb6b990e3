//! Lowering: pest pairs into the spanned syntax tree, and the attachment of comments to the
//! nodes around them.

use pest::iterators::Pair;

use super::Rule;
use crate::ast::*;
use crate::codes;
use crate::diagnostic::{sanitize, Diagnostic};
use crate::span::{FileId, Span};

/// Lowers pairs of one chunk of the file; pest positions are relative to the chunk, so
/// `base` is added to every offset.
pub(crate) struct Lowerer<'a> {
    pub file: FileId,
    pub text: &'a str,
    pub base: usize,
    pub diagnostics: &'a mut Vec<Diagnostic>,
}

/// A node or a comment, in source order, before comments are attached.
pub(crate) enum Element<T> {
    Comment(Comment),
    Node(T, Span),
}

/// Whether the text has two line breaks with only spaces between them.
fn has_blank_line(text: &str) -> bool {
    let mut seen_newline = false;
    for byte in text.bytes() {
        match byte {
            b'\n' if seen_newline => return true,
            b'\n' => seen_newline = true,
            b' ' | b'\t' | b'\r' => {}
            _ => seen_newline = false,
        }
    }
    false
}

fn is_doc_comment(text: &str) -> bool {
    text.starts_with("///") && !text.starts_with("////")
}

/// The text of one `///` line without its `///` and one following space.
pub(crate) fn doc_line_text(comment: &str) -> &str {
    let rest = comment.strip_prefix("///").unwrap_or(comment);
    rest.strip_prefix(' ').unwrap_or(rest)
}

/// Which blank lines [`attach`] records.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlankLines {
    /// In a block body: all, except before the first thing of the body.
    Entries,
    /// At top level: the formatter puts one blank line between items, so only blank lines
    /// between comments, and between an item's last leading comment and the item, count.
    BetweenItems,
    /// In a list: none.
    Ignored,
}

/// What [`attach`] does besides attaching.
#[derive(Clone, Copy)]
pub(crate) struct AttachRules {
    pub blank_lines: BlankLines,
    /// Report two nodes on one line without a `,` between them (entries).
    pub require_separator: bool,
}

/// A node that comments attach to. Nodes that stand for source that did not parse ask for no
/// separator, since their own diagnostic says what is wrong, and cover their comments.
pub(crate) trait Attach {
    fn is_error(&self) -> bool;
    /// Gives the node its comments.
    fn set_trivia(&mut self, trivia: Trivia);
}

impl Attach for Entry {
    fn is_error(&self) -> bool {
        matches!(self, Entry::Error(_))
    }

    fn set_trivia(&mut self, trivia: Trivia) {
        match self {
            Entry::Field(field) => field.trivia = trivia,
            Entry::Clause(clause) => clause.trivia = trivia,
            Entry::Block(block) => block.trivia = trivia,
            Entry::Error(error) => cover_comments(&mut error.span, &trivia),
        }
    }
}

impl Attach for Item {
    fn is_error(&self) -> bool {
        matches!(self, Item::Error(_))
    }

    fn set_trivia(&mut self, trivia: Trivia) {
        match self {
            Item::Block(block) => block.trivia = trivia,
            Item::Error(error) => cover_comments(&mut error.span, &trivia),
        }
    }
}

impl Attach for ListItem {
    fn is_error(&self) -> bool {
        matches!(self.value, Value::Error(_))
    }

    fn set_trivia(&mut self, trivia: Trivia) {
        self.trivia = trivia;
    }
}

/// Attaches comments to nodes: a comment on the line where a node ends is that node's
/// trailing comment; the `///` lines right before a node are its doc comment; other comments
/// before a node are its leading comments; comments after the last node are dangling. Records
/// blank lines as the rules say.
pub(crate) fn attach<T: Attach>(
    file: FileId,
    text: &str,
    elements: Vec<Element<T>>,
    rules: AttachRules,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<T>, Vec<Comment>) {
    let mut attacher = Attacher::new(file, text, rules);
    for element in elements {
        match element {
            Element::Comment(comment) => attacher.comment(comment),
            Element::Node(node, span) => attacher.node(node, span),
        }
    }
    attacher.finish(diagnostics)
}

/// [`attach`] one element at a time, in source order, so that a parser can hand each node and
/// comment over as it reads it (the hand-written parser does).
pub(crate) struct Attacher<'t, T> {
    file: FileId,
    text: &'t str,
    rules: AttachRules,
    nodes: Vec<T>,
    /// The trivia of the last node, given to it when the next node comes (or at the end), so
    /// that a trailing comment can still join it. `None` while it is empty (most nodes have no
    /// comments): the node's own trivia is already empty, and nothing is moved.
    last_trivia: Option<TriviaFields>,
    pending: Vec<Comment>,
    /// Where the previous node (with its trailing comment) ends, and whether it has a
    /// trailing comment.
    previous_node: Option<(usize, bool)>,
    /// Where the previous element (node or comment) ends; `None` at the start of the container.
    previous_end: Option<usize>,
    gap_has_separator: bool,
    previous_is_error: bool,
    /// Reported at [`Attacher::finish`], after the diagnostics of the nodes themselves.
    diagnostics: Vec<Diagnostic>,
}

impl<'t, T: Attach> Attacher<'t, T> {
    pub(crate) fn new(file: FileId, text: &'t str, rules: AttachRules) -> Self {
        Attacher::reusing(file, text, rules, Vec::new())
    }

    /// An attacher that collects its nodes in `buffer` (empty; its capacity is what is
    /// reused), to be finished with [`Attacher::finish_reusing`]: a parser that keeps one
    /// buffer per kind of node grows it once, rather than growing every container's vector
    /// from nothing and shrinking it at the end.
    pub(crate) fn reusing(file: FileId, text: &'t str, rules: AttachRules, buffer: Vec<T>) -> Self {
        debug_assert!(buffer.is_empty(), "a reused buffer starts empty");
        Attacher {
            file,
            text,
            rules,
            nodes: buffer,
            last_trivia: None,
            pending: Vec::new(),
            previous_node: None,
            previous_end: None,
            gap_has_separator: false,
            previous_is_error: false,
            diagnostics: Vec::new(),
        }
    }

    fn blank_since(&self, start: usize) -> bool {
        self.rules.blank_lines != BlankLines::Ignored
            && self
                .previous_end
                .is_some_and(|end| has_blank_line(self.text.get(end..start).unwrap_or("")))
    }

    pub(crate) fn comment(&mut self, mut comment: Comment) {
        let text = self.text;
        let start = comment.span.start as usize;
        let end = comment.span.end as usize;
        let between = self
            .previous_end
            .and_then(|from| text.get(from..start))
            .unwrap_or("");
        self.gap_has_separator |= between.bytes().any(|b| b == b'\n' || b == b',');
        if let Some((node_end, has_trailing)) = self.previous_node {
            let same_line = !text.get(node_end..start).unwrap_or("\n").contains('\n');
            if !has_trailing && self.pending.is_empty() && same_line {
                self.last_trivia
                    .get_or_insert_with(TriviaFields::default)
                    .trailing = Some(comment);
                self.previous_node = Some((end, true));
                self.previous_end = Some(end);
                return;
            }
        }
        comment.blank_line_before = self.blank_since(start);
        self.previous_end = Some(end);
        self.pending.push(comment);
    }

    pub(crate) fn node(&mut self, node: T, span: Span) {
        let text = self.text;
        let start = span.start as usize;
        if self.previous_node.is_some() {
            let between = self
                .previous_end
                .and_then(|from| text.get(from..start))
                .unwrap_or("");
            self.gap_has_separator |= between.bytes().any(|b| b == b'\n' || b == b',');
            if self.rules.require_separator
                && !self.gap_has_separator
                && !self.previous_is_error
                && !node.is_error()
            {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::MISSING_SEPARATOR,
                        "expected a new line or `,` between entries",
                        Span::new(self.file, start, start),
                        "expected a new line or `,` before this entry",
                    )
                    .with_fix(
                        "insert a new line",
                        Span::new(self.file, start, start),
                        "\n",
                    ),
                );
            }
        }
        // The first thing of a container, and of every top-level item, is placed by the
        // formatter; what the source had there is not kept.
        let first_thing_is_fixed =
            self.previous_node.is_none() || self.rules.blank_lines == BlankLines::BetweenItems;
        let trivia = if self.pending.is_empty() {
            // Most nodes have no comment before them: at most a blank line to record.
            let blank_line_before = !first_thing_is_fixed && self.blank_since(start);
            blank_line_before.then(|| TriviaFields {
                blank_line_before,
                ..TriviaFields::default()
            })
        } else {
            Some(self.take_pending_trivia(start, first_thing_is_fixed))
        };
        self.previous_is_error = node.is_error();
        self.give_last_trivia();
        self.nodes.push(node);
        self.last_trivia = trivia.filter(|trivia| !trivia.is_empty());
        self.previous_node = Some((span.end as usize, false));
        self.previous_end = Some(span.end as usize);
        self.gap_has_separator = false;
    }

    /// The trivia of a node starting at `start` from the comments before it: the doc comment,
    /// the leading comments, and the blank line before them.
    fn take_pending_trivia(&mut self, start: usize, first_thing_is_fixed: bool) -> TriviaFields {
        let mut trivia = TriviaFields::default();
        // The run of `///` line comments at the end of the pending comments is the doc.
        let doc_from = self
            .pending
            .iter()
            .rposition(|c| !is_doc_comment(&c.text))
            .map_or(0, |index| index + 1);
        let doc_lines = self.pending.split_off(doc_from);
        trivia.blank_line_before = match doc_lines.first() {
            Some(first_doc) => first_doc.blank_line_before,
            None => self.blank_since(start),
        };
        if let (Some(first), Some(last)) = (doc_lines.first(), doc_lines.last()) {
            // Joined with `\n` into one string of the exact size (no vector of the lines).
            let length = doc_lines
                .iter()
                .map(|c| doc_line_text(&c.text).len() + 1)
                .sum::<usize>()
                - 1;
            let mut text = String::with_capacity(length);
            for (index, line) in doc_lines.iter().enumerate() {
                if index > 0 {
                    text.push('\n');
                }
                text.push_str(doc_line_text(&line.text));
            }
            trivia.doc = Some(DocComment {
                text,
                span: first.span.cover(last.span),
            });
        }
        trivia.leading = std::mem::take(&mut self.pending);
        if first_thing_is_fixed {
            match trivia.leading.first_mut() {
                Some(first) => first.blank_line_before = false,
                None => trivia.blank_line_before = false,
            }
        }
        trivia
    }

    fn give_last_trivia(&mut self) {
        if self.last_trivia.is_none() {
            return;
        }
        if let (Some(trivia), Some(last)) = (self.last_trivia.take(), self.nodes.last_mut()) {
            last.set_trivia(Trivia::from(trivia));
        }
    }

    /// The nodes with their comments, and the comments after the last node; reports what was
    /// found missing.
    pub(crate) fn finish(mut self, diagnostics: &mut Vec<Diagnostic>) -> (Vec<T>, Vec<Comment>) {
        self.finish_nodes(diagnostics);
        // Trees live until the model is resolved: no slack left from growing.
        self.nodes.shrink_to_fit();
        (self.nodes, self.pending)
    }

    /// [`Attacher::finish`] for an attacher made with [`Attacher::reusing`]: the nodes in a
    /// vector of their exact size, the comments after the last node, and the buffer, empty,
    /// to reuse.
    pub(crate) fn finish_reusing(
        mut self,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> (Vec<T>, Vec<Comment>, Vec<T>) {
        self.finish_nodes(diagnostics);
        // One allocation of the exact size (a drain knows its length).
        let nodes = self.nodes.drain(..).collect();
        (nodes, self.pending, self.nodes)
    }

    fn finish_nodes(&mut self, diagnostics: &mut Vec<Diagnostic>) {
        self.give_last_trivia();
        // Dangling comments right after the opening brace or bracket start their container.
        if self.previous_node.is_none() {
            if let Some(first) = self.pending.first_mut() {
                first.blank_line_before = false;
            }
        }
        diagnostics.append(&mut self.diagnostics);
    }
}

impl<'a> Lowerer<'a> {
    pub fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let span = pair.as_span();
        Span::new(self.file, self.base + span.start(), self.base + span.end())
    }

    pub fn comment(&self, pair: &Pair<'_, Rule>) -> Comment {
        comment_at(self.file, self.span(pair).start as usize, pair.as_str())
    }

    pub fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(pair),
        }
    }

    /// The keyword, label and `extends` of a block, from the pairs of `block` or `block_head`.
    pub fn header<'i>(
        &mut self,
        pairs: &mut std::iter::Peekable<pest::iterators::Pairs<'i, Rule>>,
    ) -> (Ident, Option<Label>, Option<Path>) {
        let mut keyword = Ident {
            name: String::new(),
            span: Span::new(self.file, self.base, self.base),
        };
        let mut label = None;
        let mut extends = None;
        while let Some(pair) = pairs.peek() {
            match pair.as_rule() {
                Rule::ident => keyword = self.ident(pair),
                Rule::label => {
                    if let Some(inner) = pair.clone().into_inner().next() {
                        label = Some(match inner.as_rule() {
                            Rule::string => Label::Str(self.string(inner)),
                            _ => Label::Name(self.ident(&inner)),
                        });
                    }
                }
                Rule::extends => {
                    if let Some(path) = pair
                        .clone()
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::path)
                    {
                        extends = Some(self.path(&path));
                    }
                }
                _ => break,
            }
            pairs.next();
        }
        (keyword, label, extends)
    }

    pub fn block(&mut self, pair: Pair<'_, Rule>) -> Block {
        let span = self.span(&pair);
        let mut pairs = pair.into_inner().peekable();
        let (keyword, label, extends) = self.header(&mut pairs);
        let mut elements = Vec::new();
        let mut body_start = span.start;
        for pair in pairs {
            match pair.as_rule() {
                Rule::lbrace => body_start = self.span(&pair).start,
                Rule::comment => elements.push(Element::Comment(self.comment(&pair))),
                Rule::block | Rule::field | Rule::clause => {
                    let entry_span = self.span(&pair);
                    let entry = self.entry(pair);
                    elements.push(Element::Node(entry, entry_span));
                }
                _ => {}
            }
        }
        let (entries, dangling_comments) = self.attach_entries(elements);
        Block {
            trivia: Trivia::default(),
            keyword,
            label,
            extends,
            entries,
            dangling_comments,
            span,
            body_span: Span::new(self.file, body_start as usize, span.end as usize),
        }
    }

    /// Attaches comments to the entries of one block body.
    pub fn attach_entries(&mut self, elements: Vec<Element<Entry>>) -> (Vec<Entry>, Vec<Comment>) {
        attach_entries(self.file, self.text, elements, self.diagnostics)
    }

    pub fn entry(&mut self, pair: Pair<'_, Rule>) -> Entry {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::block => Entry::Block(Box::new(self.block(pair))),
            Rule::field | Rule::clause => {
                let is_field = pair.as_rule() == Rule::field;
                let mut key = None;
                let mut phrase = None;
                for inner in pair.into_inner() {
                    match inner.as_rule() {
                        Rule::ident => key = Some(self.ident(&inner)),
                        Rule::phrase => phrase = Some(self.phrase(inner)),
                        _ => {}
                    }
                }
                let key = key.unwrap_or_else(|| Ident {
                    name: String::new(),
                    span,
                });
                let phrase = phrase.unwrap_or(Phrase {
                    values: Vec::new(),
                    span,
                });
                if is_field {
                    Entry::Field(Field {
                        trivia: Trivia::default(),
                        key,
                        value: phrase,
                        span,
                    })
                } else {
                    Entry::Clause(Clause {
                        trivia: Trivia::default(),
                        keyword: key,
                        phrase,
                        span,
                    })
                }
            }
            _ => Entry::Error(ErrorNode { span }),
        }
    }

    fn phrase(&mut self, pair: Pair<'_, Rule>) -> Phrase {
        let span = self.span(&pair);
        let values = pair.into_inner().map(|value| self.value(value)).collect();
        Phrase { values, span }
    }

    fn value(&mut self, pair: Pair<'_, Rule>) -> Value {
        match pair.as_rule() {
            Rule::date => self.date(&pair),
            Rule::number => self.number(pair),
            Rule::string => {
                // A string still being typed is reported once, here; as an error value it
                // keeps the checker from also reporting its half-written contents (an unknown
                // model `gpt-5.`).
                let closed = pair
                    .clone()
                    .into_inner()
                    .any(|inner| inner.as_rule() == Rule::string_close);
                let string = self.string(pair);
                if closed {
                    Value::Str(string)
                } else {
                    Value::Error(ErrorNode { span: string.span })
                }
            }
            Rule::call => self.call(pair),
            Rule::path => Value::Path(self.path(&pair)),
            Rule::list => self.list(pair),
            _ => Value::Error(ErrorNode {
                span: self.span(&pair),
            }),
        }
    }

    pub fn path(&self, pair: &Pair<'_, Rule>) -> Path {
        let segments = pair
            .clone()
            .into_inner()
            .filter(|p| p.as_rule() == Rule::ident)
            .map(|p| self.ident(&p))
            .collect();
        Path {
            segments,
            span: self.span(pair),
        }
    }

    fn call(&mut self, pair: Pair<'_, Rule>) -> Value {
        let span = self.span(&pair);
        let mut callee = None;
        let mut args = Vec::new();
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::ident if callee.is_none() => callee = Some(self.ident(&inner)),
                Rule::lparen | Rule::rparen | Rule::comma => {}
                _ => args.push(self.value(inner)),
            }
        }
        match callee {
            Some(callee) => Value::Call(Call { callee, args, span }),
            None => Value::Error(ErrorNode { span }),
        }
    }

    fn list(&mut self, pair: Pair<'_, Rule>) -> Value {
        let span = self.span(&pair);
        let mut elements = Vec::new();
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::lbracket | Rule::rbracket | Rule::comma => {}
                Rule::comment => elements.push(Element::Comment(self.comment(&inner))),
                _ => {
                    let value_span = self.span(&inner);
                    let value = self.value(inner);
                    elements.push(Element::Node(value, value_span));
                }
            }
        }
        list_value(self.file, self.text, elements, span, self.diagnostics)
    }

    pub fn string(&mut self, pair: Pair<'_, Rule>) -> StrLit {
        let span = self.span(&pair);
        let mut closed = false;
        let mut raw = "";
        let mut raw_start = span.start as usize + 1;
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::string_text => {
                    raw = inner.as_str();
                    raw_start = self.span(&inner).start as usize;
                }
                Rule::string_close => closed = true,
                _ => {}
            }
        }
        string_literal(self.file, span, raw, raw_start, closed, self.diagnostics)
    }

    fn number(&mut self, pair: Pair<'_, Rule>) -> Value {
        let span = self.span(&pair);
        let mut digits = "";
        let mut unit = None;
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::digits => digits = inner.as_str(),
                Rule::percent | Rule::unit => unit = Some((inner.as_str(), self.span(&inner))),
                _ => {}
            }
        }
        number_value(span, digits, unit, self.diagnostics)
    }

    fn date(&mut self, pair: &Pair<'_, Rule>) -> Value {
        date_value(self.span(pair), pair.as_str(), self.diagnostics)
    }
}

// ---- the lowering of leaf values, shared by the pest lowering and the hand-written parser ----
// (so that both build the same nodes and report the same diagnostics, word for word)

/// How comments attach in a block body: blank lines kept, entries on one line reported.
pub(crate) const ENTRIES: AttachRules = AttachRules {
    blank_lines: BlankLines::Entries,
    require_separator: true,
};

/// How comments attach between top-level items.
pub(crate) const ITEMS: AttachRules = AttachRules {
    blank_lines: BlankLines::BetweenItems,
    require_separator: false,
};

/// How comments attach in a list.
pub(crate) const LIST_ITEMS: AttachRules = AttachRules {
    blank_lines: BlankLines::Ignored,
    require_separator: false,
};

/// Attaches comments to the entries of one block body (reporting entries without a separator
/// between them) and sets each entry's trivia.
pub(crate) fn attach_entries(
    file: FileId,
    text: &str,
    elements: Vec<Element<Entry>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Entry>, Vec<Comment>) {
    attach(file, text, elements, ENTRIES, diagnostics)
}

/// A list from its elements and the comments between them, in source order.
pub(crate) fn list_value(
    file: FileId,
    text: &str,
    elements: Vec<Element<Value>>,
    span: Span,
    diagnostics: &mut Vec<Diagnostic>,
) -> Value {
    let mut attacher = Attacher::new(file, text, LIST_ITEMS);
    for element in elements {
        match element {
            Element::Comment(comment) => attacher.comment(comment),
            Element::Node(value, value_span) => attacher.node(
                ListItem {
                    trivia: Trivia::default(),
                    value,
                },
                value_span,
            ),
        }
    }
    let (items, dangling_comments) = attacher.finish(diagnostics);
    list_of(items, dangling_comments, span)
}

/// The list of `items`, with the comments after its last item.
pub(crate) fn list_of(items: Vec<ListItem>, dangling_comments: Vec<Comment>, span: Span) -> Value {
    Value::List(List {
        items,
        dangling_comments,
        span,
    })
}

/// A string literal spanning `span`, whose text between the quotes is `raw` (starting at
/// `raw_start`); reports it if it is not `closed`, and its invalid escapes.
pub(crate) fn string_literal(
    file: FileId,
    span: Span,
    raw: &str,
    raw_start: usize,
    closed: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> StrLit {
    if !closed {
        // Close it before any brackets, commas and spaces it swallowed: `"block }`.
        let kept =
            raw.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '}' | ']' | ')' | ','));
        let close_at = Span::new(file, raw_start + kept.len(), raw_start + kept.len());
        diagnostics.push(
            Diagnostic::error(codes::UNCLOSED_STRING, "unclosed string", span, "this string is never closed")
                .with_help("add a `\"` at the end of the string; a string cannot span lines (write `\\n` for a line break)")
                .with_fix("close the string", close_at, "\""),
        );
    }
    let value = unescape(file, raw, raw_start, diagnostics);
    StrLit { value, span }
}

/// Resolves `\" \\ \n \t \u{...}`; reports any other escape.
fn unescape(
    file: FileId,
    raw: &str,
    raw_start: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut value = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((index, ch)) = chars.next() {
        if ch != '\\' {
            value.push(ch);
            continue;
        }
        let Some((_, escaped)) = chars.next() else {
            break;
        };
        match escaped {
            '"' => value.push('"'),
            '\\' => value.push('\\'),
            'n' => value.push('\n'),
            't' => value.push('\t'),
            'u' => {
                let rest = &raw[index + 2..];
                let code = rest
                    .strip_prefix('{')
                    .and_then(|r| r.find('}').map(|close| &r[..close]))
                    .filter(|hex| !hex.is_empty() && hex.len() <= 6);
                let decoded = code
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .and_then(char::from_u32);
                match (code, decoded) {
                    (Some(hex), Some(decoded)) => {
                        value.push(decoded);
                        // Skip `{hex}`.
                        for _ in 0..hex.len() + 2 {
                            chars.next();
                        }
                    }
                    _ => {
                        let end = raw_start + index + 2;
                        diagnostics.push(
                            Diagnostic::error(
                                codes::INVALID_ESCAPE,
                                "invalid unicode escape in a string",
                                Span::new(file, raw_start + index, end),
                                "expected `\\u{` then 1 to 6 hexadecimal digits of a unicode scalar value, then `}`",
                            )
                            .with_help("write for example `\\u{e9}` for `é`"),
                        );
                    }
                }
            }
            other => {
                let start = raw_start + index;
                let end = start + 1 + other.len_utf8();
                diagnostics.push(
                    Diagnostic::error(
                        codes::INVALID_ESCAPE,
                        format!("unknown escape `\\{}` in a string", sanitize(&other.to_string())),
                        Span::new(file, start, end),
                        "not an escape Charter knows",
                    )
                    .with_help("the escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{...}`; write `\\\\` for a backslash")
                    .with_fix("write a backslash", Span::new(file, start, start + 1), "\\\\"),
                );
            }
        }
    }
    value
}

/// A number spanning `span`: its `digits` as written, and the `%` or unit word after them with
/// its span; reports an unknown unit (the number is then an error node).
pub(crate) fn number_value(
    span: Span,
    digits: &str,
    unit: Option<(&str, Span)>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Value {
    let unit = match unit {
        None => None,
        Some((word, unit_span)) => {
            let kind = match word {
                "%" => UnitKind::Percent,
                "day" | "days" => UnitKind::Days,
                "week" | "weeks" => UnitKind::Weeks,
                "month" | "months" => UnitKind::Months,
                "year" | "years" => UnitKind::Years,
                "unit" | "units" => UnitKind::CapacityUnits,
                _ if word.len() == 3 && word.bytes().all(|b| b.is_ascii_uppercase()) => {
                    UnitKind::Currency(word.to_string())
                }
                _ => {
                    let mut diagnostic = Diagnostic::error(
                        codes::UNKNOWN_UNIT,
                        format!("unknown unit `{}`", sanitize(word)),
                        unit_span,
                        "expected %, a currency such as USD, days, weeks, months, years or units",
                    )
                    .with_note("a word right after a number is read as its unit");
                    if let Some(spelling) = unit_spelling(word) {
                        diagnostic = diagnostic
                            .with_help(format!("units are case-sensitive: write `{spelling}`"))
                            .with_fix(format!("write `{spelling}`"), unit_span, spelling);
                    } else if let Some(unit) = similar_unit(word) {
                        diagnostic = diagnostic
                            .with_help(format!("did you mean `{unit}`?"))
                            .with_fix(format!("write `{unit}`"), unit_span, unit);
                    }
                    diagnostics.push(diagnostic);
                    return Value::Error(ErrorNode { span });
                }
            };
            Some(Unit {
                kind,
                span: unit_span,
            })
        }
    };
    Value::Number(Number {
        digits: digits.to_string(),
        unit,
        span,
    })
}

/// A date spanning `span`, written `text` (digits and two `-`); reports an invalid one (the
/// date is then an error node).
pub(crate) fn date_value(span: Span, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Value {
    match check_date(text) {
        Ok((year, month, day)) => Value::Date(DateLit {
            year,
            month,
            day,
            span,
        }),
        Err(reason) => {
            diagnostics.push(Diagnostic::error(
                codes::INVALID_DATE,
                format!("invalid date `{}`", sanitize(text)),
                span,
                format!("invalid date `{}`: {reason}", sanitize(text)),
            ));
            Value::Error(ErrorNode { span })
        }
    }
}

/// The right spelling of a unit written in the wrong case (`Days`, `usd`).
fn unit_spelling(word: &str) -> Option<String> {
    const WORDS: &[&str] = &[
        "day", "days", "week", "weeks", "month", "months", "year", "years", "unit", "units",
    ];
    let lower = word.to_ascii_lowercase();
    if WORDS.contains(&lower.as_str()) {
        Some(lower)
    } else if word.len() == 3 && word.bytes().all(|b| b.is_ascii_alphabetic()) {
        Some(word.to_ascii_uppercase())
    } else {
        None
    }
}

/// The unit a misspelt unit word most likely meant (`dayz`, `mnths`, `unts`): the closest by
/// edit distance, if it is close enough to be a typo rather than another word. Plurals come
/// first, so that a tie (`dayz`: `day` and `days`) suggests the plural.
fn similar_unit(word: &str) -> Option<&'static str> {
    const UNITS: &[&str] = &[
        "days", "day", "weeks", "week", "months", "month", "years", "year", "units", "unit",
    ];
    let lower = word.to_ascii_lowercase();
    // One edit in a short word, two in a longer one: `dya` is `day`, `mo` is not `month`.
    let allowed = if lower.chars().count() <= 4 { 1 } else { 2 };
    UNITS
        .iter()
        .map(|unit| (strsim::damerau_levenshtein(&lower, unit), *unit))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, unit)| unit)
}

/// Extends an error node over the comments before it, so that they stay inside the tree.
pub(crate) fn cover_comments(span: &mut Span, trivia: &Trivia) {
    for comment in &trivia.leading {
        *span = span.cover(comment.span);
    }
    if let Some(doc) = &trivia.doc {
        *span = span.cover(doc.span);
    }
    if let Some(trailing) = &trivia.trailing {
        *span = span.cover(trailing.span);
    }
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days of a month (1-based) in a year.
pub(crate) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Validates `YYYY-MM-DD`; the error says why in words.
pub(crate) fn check_date(text: &str) -> Result<(i32, u8, u8), String> {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return Err("write dates as YYYY-MM-DD".to_string());
    };
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return Err(
            "write dates as YYYY-MM-DD, with a 4-digit year and 2-digit month and day".to_string(),
        );
    }
    let (Ok(year), Ok(month), Ok(day)) =
        (year.parse::<i32>(), month.parse::<u8>(), day.parse::<u8>())
    else {
        return Err("write dates as YYYY-MM-DD".to_string());
    };
    if !(1..=12).contains(&month) {
        return Err(format!("there is no month {month}"));
    }
    let month_name = MONTH_NAMES[usize::from(month - 1)];
    let days = days_in_month(year, month);
    if day == 0 || day > days {
        return Err(format!("{month_name} has {days} days in {year}"));
    }
    Ok((year, month, day))
}

/// A comment written at `start`: trailing spaces of a line comment are not part of what it
/// says, so they are left out of its text and span.
pub(crate) fn comment_at(file: FileId, start: usize, raw: &str) -> Comment {
    let text = if raw.starts_with("//") {
        raw.trim_end()
    } else {
        raw
    };
    Comment {
        text: text.to_string(),
        span: Span::new(file, start, start + text.len()),
        blank_line_before: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_validated_in_words() {
        assert_eq!(check_date("2028-02-29"), Ok((2028, 2, 29)));
        assert_eq!(
            check_date("2027-02-30"),
            Err("February has 28 days in 2027".to_string())
        );
        assert_eq!(
            check_date("2027-13-01"),
            Err("there is no month 13".to_string())
        );
        assert!(check_date("2027-1-31").is_err());
        assert!(check_date("2100-02-29").is_err());
    }

    #[test]
    fn misspelt_units_get_the_nearest_unit() {
        assert_eq!(similar_unit("dayz"), Some("days"));
        assert_eq!(similar_unit("dya"), Some("day"));
        assert_eq!(similar_unit("mnths"), Some("months"));
        assert_eq!(similar_unit("Weks"), Some("weeks"));
        assert_eq!(similar_unit("unts"), Some("units"));
        assert_eq!(similar_unit("yeers"), Some("years"));
        assert_eq!(similar_unit("mo"), None);
        assert_eq!(similar_unit("capacity"), None);
    }

    #[test]
    fn a_misspelt_unit_offers_a_fix() {
        let parsed = crate::parse(
            crate::FileId(0),
            "policy p {\n  retirement_warning: 90 dayz\n}\n",
        );
        let [diagnostic] = parsed.diagnostics.as_slice() else {
            panic!("expected one diagnostic: {:#?}", parsed.diagnostics);
        };
        assert_eq!(diagnostic.code, codes::UNKNOWN_UNIT);
        assert_eq!(diagnostic.help.as_deref(), Some("did you mean `days`?"));
        let fix = diagnostic.fix.as_ref().expect("a fix is offered");
        assert_eq!(fix.edits[0].new_text, "days");
    }

    #[test]
    fn blank_lines_are_two_line_breaks_with_only_spaces_between() {
        assert!(has_blank_line("\n  \n"));
        assert!(!has_blank_line("\n // x \n"));
    }
}
