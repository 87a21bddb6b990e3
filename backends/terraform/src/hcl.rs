//! A small HCL document model and a printer whose output `terraform fmt` leaves unchanged.
//!
//! The printer follows the rules `terraform fmt` (hclwrite) applies to the constructs this
//! backend emits, checked against terraform v1.11.4:
//!
//! * two spaces of indentation per nesting level;
//! * in a run of consecutive attribute lines, the `=` signs are aligned one space after the
//!   longest name; a heredoc attribute belongs to the run (its body does not break it), while
//!   an attribute whose value spans several lines (an object) is not aligned and ends the run;
//!   a comment line, a blank line or a block also ends the run;
//! * an empty block is written `name {}`.
//!
//! Strings are escaped for HCL's template syntax (`${` and `%{` double their sigil), so user
//! text can never become an interpolation.

use std::fmt::Write as _;
use std::sync::Arc;

/// A file or block body: attributes, nested blocks and comments in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Body {
    items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Item {
    Attribute(String, Expr),
    Block(Block),
    /// `#` comment lines, written just before the next item.
    Comment(Vec<String>),
}

/// A block (`resource "type" "name" { ... }`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Block {
    kind: String,
    labels: Vec<String>,
    body: Body,
}

/// An expression, as far as this backend needs them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Expr {
    /// Written verbatim: references (`var.x`), numbers, booleans, function calls.
    Raw(String),
    /// An expression rendered ahead (by [`write_json`]) at the depth it is written at, shared
    /// where the same value is written many times (a content filter's body in every account).
    Rendered(Arc<str>),
    /// A quoted string literal (escaped when written).
    Str(String),
    /// A string template with references: the parts are literal text and verbatim
    /// interpolations, written `"text${expr}text"`.
    Template(Vec<TemplatePart>),
    /// A single-line list.
    List(Vec<Expr>),
    /// An object written one entry per line, keys bare when they are identifiers.
    Map(Vec<(String, Expr)>),
    /// A list written one element per line, each followed by a comma (for lists of objects).
    Tuple(Vec<Expr>),
    /// A flush heredoc (`<<-JSON`) holding text such as pretty-printed JSON; its lines are
    /// indented one level deeper than the attribute.
    Heredoc(String),
}

/// One piece of an [`Expr::Template`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TemplatePart {
    Text(String),
    /// An expression placed inside `${...}`.
    Interpolation(String),
}

/// The heredoc delimiter. Pretty-printed JSON never has a line that is exactly this word
/// (every JSON line starts with a bracket, a quote or a value).
const HEREDOC_TAG: &str = "JSON";

impl Body {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds `name = value`.
    pub(crate) fn attribute(&mut self, name: &str, value: Expr) -> &mut Self {
        self.items.push(Item::Attribute(name.to_string(), value));
        self
    }

    /// Adds `name = "value"`.
    pub(crate) fn string(&mut self, name: &str, value: &str) -> &mut Self {
        self.attribute(name, Expr::Str(value.to_string()))
    }

    /// Adds `name = value` with the value written verbatim (a reference, number or boolean).
    pub(crate) fn raw(&mut self, name: &str, value: impl Into<String>) -> &mut Self {
        self.attribute(name, Expr::Raw(value.into()))
    }

    pub(crate) fn block(&mut self, block: Block) -> &mut Self {
        self.items.push(Item::Block(block));
        self
    }

    /// Adds a comment before the next item; each line becomes one `# ` line.
    pub(crate) fn comment(&mut self, text: &str) -> &mut Self {
        let lines = text.lines().map(sanitize_comment).collect();
        self.items.push(Item::Comment(lines));
        self
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Renders a whole file: top-level blocks separated by one blank line.
    pub(crate) fn to_file(&self) -> String {
        let mut out = String::with_capacity(FILE_CAPACITY);
        self.write(&mut out, 0, true);
        out
    }

    fn write(&self, out: &mut String, depth: usize, top_level: bool) {
        let indent = depth * INDENT;
        // The widest name of each alignment run, computed ahead so each line can be padded.
        let widths = self.alignment_widths();
        let mut previous_was_content = false;
        let mut pending_comment = false;
        for (index, item) in self.items.iter().enumerate() {
            // Blocks are set off by a blank line from whatever precedes them (a comment directly
            // above a block stays attached to it).
            let wants_blank = item.is_block() || (top_level && matches!(item, Item::Comment(_)));
            if wants_blank && previous_was_content && !pending_comment {
                out.push('\n');
            }
            match item {
                Item::Attribute(name, value) => {
                    let width = widths[index].unwrap_or(name.len());
                    push_spaces(out, indent);
                    out.push_str(name);
                    push_spaces(out, width.saturating_sub(name.len()) + 1);
                    out.push_str("= ");
                    value.write(out, depth);
                    out.push('\n');
                    pending_comment = false;
                    previous_was_content = true;
                }
                Item::Block(block) => {
                    block.write(out, depth);
                    pending_comment = false;
                    previous_was_content = true;
                }
                Item::Comment(lines) => {
                    if !top_level && previous_was_content && !pending_comment {
                        // A comment inside a body introduces what follows: set it off too.
                        if self.next_is_block(index) {
                            out.push('\n');
                        }
                    }
                    let width = COMMENT_WIDTH.saturating_sub(indent + 2);
                    for line in lines {
                        if line.is_empty() {
                            push_spaces(out, indent);
                            out.push_str("#\n");
                        }
                        write_wrapped(out, indent, line, width);
                    }
                    pending_comment = true;
                    previous_was_content = true;
                }
            }
        }
    }

    fn next_is_block(&self, index: usize) -> bool {
        self.items[index + 1..]
            .iter()
            .find(|item| !matches!(item, Item::Comment(_)))
            .is_some_and(Item::is_block)
    }

    /// For each item, the name width its `=` aligns to, when it is an aligned attribute.
    fn alignment_widths(&self) -> Vec<Option<usize>> {
        let mut widths = vec![None; self.items.len()];
        let mut run: Vec<usize> = Vec::new();
        let close = |run: &mut Vec<usize>, widths: &mut Vec<Option<usize>>| {
            let width = run
                .iter()
                .filter_map(|&i| match &self.items[i] {
                    Item::Attribute(name, _) => Some(name.len()),
                    _ => None,
                })
                .max()
                .unwrap_or(0);
            for &i in run.iter() {
                widths[i] = Some(width);
            }
            run.clear();
        };
        for (index, item) in self.items.iter().enumerate() {
            match item {
                Item::Attribute(_, value) if !value.is_multiline_object() => run.push(index),
                _ => close(&mut run, &mut widths),
            }
        }
        close(&mut run, &mut widths);
        widths
    }
}

impl Item {
    /// Whether the item lays out as a block (set off by a blank line, ending alignment runs).
    fn is_block(&self) -> bool {
        matches!(self, Item::Block(_))
    }
}

impl Block {
    pub(crate) fn new(kind: &str, labels: &[&str], body: Body) -> Self {
        Self {
            kind: kind.to_string(),
            labels: labels.iter().map(|label| label.to_string()).collect(),
            body,
        }
    }

    fn write(&self, out: &mut String, depth: usize) {
        let indent = depth * INDENT;
        push_spaces(out, indent);
        out.push_str(&self.kind);
        for label in &self.labels {
            out.push(' ');
            write_quoted(out, label);
        }
        if self.body.is_empty() {
            out.push_str(" {}\n");
            return;
        }
        out.push_str(" {\n");
        self.body.write(out, depth + 1, false);
        push_spaces(out, indent);
        out.push_str("}\n");
    }
}

impl Expr {
    /// A heredoc holding `value` pretty-printed as JSON.
    pub(crate) fn json(value: &serde_json::Value) -> Self {
        // INVARIANT: serialising a `serde_json::Value` cannot fail (its keys are strings).
        let text = serde_json::to_string_pretty(value).expect("a JSON value always serialises");
        Expr::Heredoc(text)
    }

    /// A list of string literals.
    pub(crate) fn strings<S: AsRef<str>>(items: &[S]) -> Self {
        Expr::List(
            items
                .iter()
                .map(|item| Expr::Str(item.as_ref().to_string()))
                .collect(),
        )
    }

    /// A JSON value as an HCL expression: objects one entry per line, lists of scalars on
    /// one line, lists of anything else one element per line.
    pub(crate) fn from_json(value: &serde_json::Value) -> Self {
        use serde_json::Value;
        match value {
            Value::Null => Expr::Raw("null".into()),
            Value::Bool(flag) => Expr::Raw(flag.to_string()),
            Value::Number(number) => Expr::Raw(number.to_string()),
            Value::String(text) => Expr::Str(text.clone()),
            Value::Array(items)
                if items
                    .iter()
                    .all(|item| !item.is_object() && !item.is_array()) =>
            {
                Expr::List(items.iter().map(Expr::from_json).collect())
            }
            Value::Array(items) => Expr::Tuple(items.iter().map(Expr::from_json).collect()),
            Value::Object(map) => Expr::Map(
                map.iter()
                    .map(|(key, value)| (key.clone(), Expr::from_json(value)))
                    .collect(),
            ),
        }
    }

    /// Whether the value spans several lines, which ends a run of aligned `=` signs.
    fn is_multiline_object(&self) -> bool {
        match self {
            Expr::Rendered(text) => {
                (text.starts_with('{') || text.starts_with('[')) && text.contains('\n')
            }
            Expr::Map(entries) => !entries.is_empty(),
            Expr::Tuple(items) => !items.is_empty(),
            _ => false,
        }
    }

    fn write(&self, out: &mut String, depth: usize) {
        match self {
            Expr::Raw(text) => out.push_str(text),
            Expr::Rendered(text) => out.push_str(text),
            Expr::Str(text) => write_quoted(out, text),
            Expr::Template(parts) => {
                out.push('"');
                for part in parts {
                    match part {
                        TemplatePart::Text(text) => escape_into(out, text),
                        TemplatePart::Interpolation(expr) => {
                            out.push_str("${");
                            out.push_str(expr);
                            out.push('}');
                        }
                    }
                }
                out.push('"');
            }
            Expr::List(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push_str(", ");
                    }
                    item.write(out, depth);
                }
                out.push(']');
            }
            Expr::Map(entries) => {
                if entries.is_empty() {
                    out.push_str("{}");
                    return;
                }
                let inner = (depth + 1) * INDENT;
                // `terraform fmt` aligns an object's `=` signs in runs, as in a block body: an
                // entry whose value spans several lines is not aligned and ends the run.
                let mut widths = vec![0; entries.len()];
                let mut run_start = 0;
                for index in 0..=entries.len() {
                    let ends = index == entries.len() || entries[index].1.is_multiline_object();
                    if ends {
                        let width = entries[run_start..index]
                            .iter()
                            .map(|(key, _)| object_key_len(key))
                            .max()
                            .unwrap_or(0);
                        for slot in &mut widths[run_start..index] {
                            *slot = width;
                        }
                        if index < entries.len() {
                            widths[index] = object_key_len(&entries[index].0);
                        }
                        run_start = index + 1;
                    }
                }
                out.push_str("{\n");
                for ((key, value), width) in entries.iter().zip(widths) {
                    push_spaces(out, inner);
                    let start = out.len();
                    write_object_key(out, key);
                    let key_len = out.len() - start;
                    push_spaces(out, width.saturating_sub(key_len) + 1);
                    out.push_str("= ");
                    value.write(out, depth + 1);
                    out.push('\n');
                }
                push_spaces(out, depth * INDENT);
                out.push('}');
            }
            Expr::Tuple(items) => {
                if items.is_empty() {
                    out.push_str("[]");
                    return;
                }
                let inner = (depth + 1) * INDENT;
                out.push_str("[\n");
                for item in items {
                    push_spaces(out, inner);
                    item.write(out, depth + 1);
                    out.push_str(",\n");
                }
                push_spaces(out, depth * INDENT);
                out.push(']');
            }
            Expr::Heredoc(text) => {
                let inner = (depth + 1) * INDENT;
                // An XML document (an API Management policy) is tagged as such; no line of the
                // policies Charter writes is exactly this word.
                let tag = if text.starts_with('<') {
                    "XML"
                } else {
                    HEREDOC_TAG
                };
                out.push_str("<<-");
                out.push_str(tag);
                out.push('\n');
                for line in text.lines() {
                    if !line.is_empty() {
                        push_spaces(out, inner);
                        escape_template_into(out, line);
                    }
                    out.push('\n');
                }
                push_spaces(out, depth * INDENT);
                out.push_str(tag);
            }
        }
    }
}

/// Writes a file straight into its text, item by item, with the layout [`Body::to_file`] gives
/// the same items: the hot resources of `endpoints.tf` are written through it without building
/// a [`Body`] first (their attributes, tags and AzAPI bodies go straight to the output), and
/// the rarer ones are built as [`Block`]s and written with [`Writer::block`].
///
/// The `=` signs of a run of attributes are aligned when the run ends (a block, a comment, a
/// multi-line value or the end of the body): each line is written with one space after its
/// name, and the lines that need more are padded then, in place.
pub(crate) struct Writer {
    out: String,
    /// The bodies being written: the file's, then each open block's.
    frames: Vec<Frame>,
    /// The current alignment run, in the innermost body: for each attribute line, the offset
    /// just after its name and the name's length.
    run: Vec<(usize, usize)>,
    /// Reused by [`Writer::close_run`] and for comment lines with control characters.
    scratch: String,
}

/// One body being written, with what [`Body::write`] tracks while it writes its items.
struct Frame {
    /// The nesting depth of the body's items.
    depth: usize,
    top_level: bool,
    previous_was_content: bool,
    pending_comment: bool,
    /// Where a blank line goes if the comment written there turns out to introduce a block
    /// (inside a body, a comment is set off only from what it introduces).
    blank_at: Option<usize>,
    /// The length of the output just after the block's ` {\n` (an empty block is `name {}`).
    opened_at: usize,
}

impl Frame {
    fn new(depth: usize, top_level: bool, opened_at: usize) -> Self {
        Self {
            depth,
            top_level,
            previous_was_content: false,
            pending_comment: false,
            blank_at: None,
            opened_at,
        }
    }
}

impl Writer {
    /// A writer of a file expected to be about `capacity` bytes long.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            out: String::with_capacity(capacity.max(FILE_CAPACITY)),
            frames: vec![Frame::new(0, true, 0)],
            run: Vec::new(),
            scratch: String::new(),
        }
    }

    /// The file's text. Every block opened must have been closed.
    pub(crate) fn finish(mut self) -> String {
        self.close_run();
        debug_assert_eq!(self.frames.len(), 1, "a block was left open");
        self.out
    }

    fn frame(&mut self) -> &mut Frame {
        // INVARIANT: the file's frame is never popped (`close` pops only what `open` pushed).
        self.frames
            .last_mut()
            .expect("the file's frame is always there")
    }

    /// The spacing before an attribute or a block, as [`Body::write`] does it.
    fn start_item(&mut self, is_block: bool) {
        if is_block {
            self.close_run();
        }
        // INVARIANT: the file's frame is never popped (`close` pops only what `open` pushed).
        let frame = self
            .frames
            .last_mut()
            .expect("the file's frame is always there");
        if let Some(at) = frame.blank_at.take() {
            if is_block {
                self.out.insert(at, '\n');
            }
        }
        if is_block && frame.previous_was_content && !frame.pending_comment {
            self.out.push('\n');
        }
        frame.pending_comment = false;
        frame.previous_was_content = true;
    }

    /// Pads the `=` of the current run's lines to one space after the longest name.
    fn close_run(&mut self) {
        let Some(width) = self.run.iter().map(|&(_, len)| len).max() else {
            return;
        };
        // Lines before the first one that needs padding stay where they are.
        if let Some(first) = self.run.iter().position(|&(_, len)| len < width) {
            let start = self.run[first].0;
            self.scratch.clear();
            self.scratch.push_str(&self.out[start..]);
            self.out.truncate(start);
            let runs = &self.run[first..];
            for (index, &(at, len)) in runs.iter().enumerate() {
                let end = runs
                    .get(index + 1)
                    .map_or(self.scratch.len() + start, |r| r.0);
                push_spaces(&mut self.out, width - len);
                self.out.push_str(&self.scratch[at - start..end - start]);
            }
        }
        self.run.clear();
    }

    /// Writes `name = <value>`, the value written by `write` at the body's depth. A value that
    /// spans several lines as an object or a tuple (`multiline`) is not aligned and ends the run
    /// of aligned `=` signs.
    pub(crate) fn attribute_with(
        &mut self,
        name: &str,
        multiline: bool,
        write: impl FnOnce(&mut String, usize),
    ) {
        self.start_item(false);
        if multiline {
            self.close_run();
        }
        let depth = self.frame().depth;
        push_spaces(&mut self.out, depth * INDENT);
        self.out.push_str(name);
        if !multiline {
            self.run.push((self.out.len(), name.len()));
        }
        self.out.push_str(" = ");
        write(&mut self.out, depth);
        self.out.push('\n');
    }

    /// Writes `name = value` for an expression.
    pub(crate) fn attribute(&mut self, name: &str, value: &Expr) -> &mut Self {
        self.attribute_with(name, value.is_multiline_object(), |out, depth| {
            value.write(out, depth)
        });
        self
    }

    /// Writes `name = "value"`.
    pub(crate) fn string(&mut self, name: &str, value: &str) -> &mut Self {
        self.attribute_with(name, false, |out, _| write_quoted(out, value));
        self
    }

    /// Writes `name = "value"` for a value in parts, each escaped on its own (so no part may
    /// end in `$` or `%` where the next begins with `{`; the parts are constants and names).
    pub(crate) fn string_parts(&mut self, name: &str, parts: &[&str]) -> &mut Self {
        self.attribute_with(name, false, |out, _| {
            out.push('"');
            for part in parts {
                escape_into(out, part);
            }
            out.push('"');
        });
        self
    }

    /// Writes `name = value` with the value's parts written verbatim one after the other (a
    /// reference, a number, a boolean).
    pub(crate) fn raw(&mut self, name: &str, parts: &[&str]) -> &mut Self {
        self.attribute_with(name, false, |out, _| {
            for part in parts {
                out.push_str(part);
            }
        });
        self
    }

    /// Writes `name = { key = "value" ... }` for string values (tags), as [`Expr::Map`] of
    /// [`Expr::Str`] would be written.
    pub(crate) fn string_map<'a, I>(&mut self, name: &str, entries: I) -> &mut Self
    where
        I: Iterator<Item = (&'a str, &'a str)> + Clone,
    {
        let multiline = entries.clone().next().is_some();
        self.attribute_with(name, multiline, |out, depth| {
            write_string_map(out, depth, entries)
        });
        self
    }

    /// Writes `name = <the JSON value as HCL>`, as [`Expr::from_json`] would be written, with
    /// the object's keys in `skip` left out (the fields AzAPI takes as arguments).
    pub(crate) fn json(&mut self, name: &str, value: &serde_json::Value, skip: &[&str]) {
        let multiline = json_is_multiline(value, skip);
        self.attribute_with(name, multiline, |out, depth| {
            write_json(out, depth, value, skip)
        });
    }

    /// Writes comment lines before the next item, as [`Body::comment`] does.
    pub(crate) fn comment(&mut self, text: &str) -> &mut Self {
        self.comment_lines(text.lines());
        self
    }

    fn comment_lines<'a>(&mut self, lines: impl Iterator<Item = &'a str>) {
        self.close_run();
        // INVARIANT: the file's frame is never popped (`close` pops only what `open` pushed).
        let frame = self
            .frames
            .last_mut()
            .expect("the file's frame is always there");
        if frame.previous_was_content && !frame.pending_comment {
            if frame.top_level {
                self.out.push('\n');
            } else {
                frame.blank_at = Some(self.out.len());
            }
        }
        frame.pending_comment = true;
        frame.previous_was_content = true;
        let indent = frame.depth * INDENT;
        let width = COMMENT_WIDTH.saturating_sub(indent + 2);
        for line in lines {
            let line = if comment_line_is_clean(line) {
                line.trim_end()
            } else {
                self.scratch.clear();
                self.scratch
                    .extend(line.chars().filter(|c| !c.is_control()));
                let trimmed = self.scratch.trim_end().len();
                self.scratch.truncate(trimmed);
                self.scratch.as_str()
            };
            if line.is_empty() {
                push_spaces(&mut self.out, indent);
                self.out.push_str("#\n");
            }
            write_wrapped(&mut self.out, indent, line, width);
        }
    }

    /// Opens a block (`kind "label" ... {`); its items follow, then [`Writer::close`].
    pub(crate) fn open(&mut self, kind: &str, labels: &[&str]) -> &mut Self {
        self.start_item(true);
        let depth = self.frame().depth;
        push_spaces(&mut self.out, depth * INDENT);
        self.out.push_str(kind);
        for label in labels {
            self.out.push(' ');
            write_quoted(&mut self.out, label);
        }
        self.out.push_str(" {\n");
        let opened_at = self.out.len();
        self.frames.push(Frame::new(depth + 1, false, opened_at));
        self
    }

    /// Closes the block [`Writer::open`] opened last.
    pub(crate) fn close(&mut self) {
        self.close_run();
        debug_assert!(self.frames.len() > 1, "no block is open");
        if self.frames.len() <= 1 {
            return;
        }
        let Some(frame) = self.frames.pop() else {
            return;
        };
        if self.out.len() == frame.opened_at {
            self.out.truncate(frame.opened_at - " {\n".len());
            self.out.push_str(" {}\n");
            return;
        }
        push_spaces(&mut self.out, (frame.depth - 1) * INDENT);
        self.out.push_str("}\n");
    }

    /// Writes a block built as a tree.
    pub(crate) fn block(&mut self, block: &Block) -> &mut Self {
        self.start_item(true);
        let depth = self.frame().depth;
        block.write(&mut self.out, depth);
        self
    }
}

/// Whether a comment line has no control characters (nearly always), so needs no filtering.
fn comment_line_is_clean(line: &str) -> bool {
    !line.bytes().any(|b| COMMENT_FILTERED_BYTES[usize::from(b)])
}

/// Writes an object of string values, as [`Expr::Map`] of [`Expr::Str`] is written.
fn write_string_map<'a>(
    out: &mut String,
    depth: usize,
    entries: impl Iterator<Item = (&'a str, &'a str)> + Clone,
) {
    let width = entries.clone().map(|(key, _)| object_key_len(key)).max();
    let Some(width) = width else {
        out.push_str("{}");
        return;
    };
    out.push_str("{\n");
    let inner = (depth + 1) * INDENT;
    for (key, value) in entries {
        push_spaces(out, inner);
        let start = out.len();
        write_object_key(out, key);
        let key_len = out.len() - start;
        push_spaces(out, width.saturating_sub(key_len) + 1);
        out.push_str("= ");
        write_quoted(out, value);
        out.push('\n');
    }
    push_spaces(out, depth * INDENT);
    out.push('}');
}

/// Whether [`Expr::from_json`] of the value (without the keys in `skip`) spans several lines
/// as an object or a tuple.
fn json_is_multiline(value: &serde_json::Value, skip: &[&str]) -> bool {
    use serde_json::Value;
    match value {
        Value::Object(map) => map.keys().any(|key| !skip.contains(&key.as_str())),
        Value::Array(items) => items.iter().any(|item| item.is_object() || item.is_array()),
        _ => false,
    }
}

/// Writes a JSON value as HCL at `depth`, exactly as [`Expr::from_json`] of it would be
/// written, without building the expression; an object's keys in `skip` are left out (only at
/// the top: nested objects are written whole).
pub(crate) fn write_json(out: &mut String, depth: usize, value: &serde_json::Value, skip: &[&str]) {
    use serde_json::Value;
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => {
            let _ = write!(out, "{number}");
        }
        Value::String(text) => write_quoted(out, text),
        Value::Array(items) if !json_is_multiline(value, &[]) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_json(out, depth, item, &[]);
            }
            out.push(']');
        }
        Value::Array(items) => {
            let inner = (depth + 1) * INDENT;
            out.push_str("[\n");
            for item in items {
                push_spaces(out, inner);
                write_json(out, depth + 1, item, &[]);
                out.push_str(",\n");
            }
            push_spaces(out, depth * INDENT);
            out.push(']');
        }
        Value::Object(map) => {
            let entries = || map.iter().filter(|(key, _)| !skip.contains(&key.as_str()));
            if entries().next().is_none() {
                out.push_str("{}");
                return;
            }
            let inner = (depth + 1) * INDENT;
            out.push_str("{\n");
            // Runs of aligned `=` end at a value that spans several lines (as in `Expr::Map`).
            let mut width = None;
            let mut rest = entries();
            while let Some((key, item)) = rest.next() {
                let multiline = json_is_multiline(item, &[]);
                let key_width = if multiline {
                    width = None;
                    object_key_len(key)
                } else {
                    *width.get_or_insert_with(|| {
                        std::iter::once((key, item))
                            .chain(rest.clone())
                            .take_while(|(_, item)| !json_is_multiline(item, &[]))
                            .map(|(key, _)| object_key_len(key))
                            .max()
                            .unwrap_or(0)
                    })
                };
                push_spaces(out, inner);
                let start = out.len();
                write_object_key(out, key);
                let key_len = out.len() - start;
                push_spaces(out, key_width.saturating_sub(key_len) + 1);
                out.push_str("= ");
                write_json(out, depth + 1, item, &[]);
                out.push('\n');
            }
            push_spaces(out, depth * INDENT);
            out.push('}');
        }
    }
}

/// Spaces per nesting level.
const INDENT: usize = 2;

/// Where indentation and `=` padding are copied from, so neither allocates.
const SPACES: &str = "                                                                ";

/// The initial capacity of a rendered file: `endpoints.tf` runs to megabytes, and starting
/// large saves the early reallocations of the smaller files too.
const FILE_CAPACITY: usize = 64 * 1024;

/// Pushes `count` spaces.
pub(crate) fn push_spaces(out: &mut String, mut count: usize) {
    while count > SPACES.len() {
        out.push_str(SPACES);
        count -= SPACES.len();
    }
    out.push_str(&SPACES[..count]);
}

/// Whether an object key is written bare: a plain identifier (`source`) that is not one of the
/// literal keywords, which would not read as names.
fn is_plain_key(key: &str) -> bool {
    key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key.bytes().all(|b| IDENTIFIER_BYTES[usize::from(b)])
        && !matches!(key, "null" | "true" | "false")
}

/// The bytes of a plain identifier (ASCII letters, digits, `_`), as a table.
static IDENTIFIER_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'_';
        byte += 1;
    }
    table
};

/// The bytes a comment line is filtered for (control characters; see [`needs_escape`] for the
/// lead byte of the C1 controls), as a table.
static COMMENT_FILTERED_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b < 0x20 || b == 0x7f || b == CONTROL_LEAD_BYTE;
        byte += 1;
    }
    table
};

/// Writes an object key: bare when it is a plain identifier (`source`), quoted otherwise
/// (`"charter-workload"`).
fn write_object_key(out: &mut String, key: &str) {
    if is_plain_key(key) {
        out.push_str(key);
    } else {
        write_quoted(out, key);
    }
}

/// The length of what [`write_object_key`] writes for `key`.
fn object_key_len(key: &str) -> usize {
    if is_plain_key(key) {
        key.len()
    } else if !needs_escape(key) {
        key.len() + 2
    } else {
        let mut quoted = String::new();
        write_quoted(&mut quoted, key);
        quoted.len()
    }
}

/// A quoted HCL string literal.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    write_quoted(&mut out, text);
    out
}

/// Writes `text` as a quoted HCL string literal.
pub(crate) fn write_quoted(out: &mut String, text: &str) {
    out.push('"');
    escape_into(out, text);
    out.push('"');
}

/// Whether `text` has anything [`escape_into`] changes: a quote, a backslash, a `{` (which may
/// open a template sequence) or a control character. A byte test: every control character
/// is ASCII or U+0080–U+009F, whose UTF-8 encoding starts with the byte 0xC2 (which other
/// characters share, so this may answer yes for text that needs nothing; never the reverse).
fn needs_escape(text: &str) -> bool {
    text.bytes().any(|b| ESCAPED_BYTES[usize::from(b)])
}

/// The bytes [`needs_escape`] looks for, as a table: one load per byte.
static ESCAPED_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = matches!(b, b'"' | b'\\' | b'{' | CONTROL_LEAD_BYTE) || b < 0x20 || b == 0x7f;
        byte += 1;
    }
    table
};

/// The first byte of the UTF-8 encoding of U+0080–U+00BF, among them the C1 control characters.
const CONTROL_LEAD_BYTE: u8 = 0xC2;

/// Writes `text` escaped for the inside of a quoted HCL string: quotes, backslashes and control
/// characters escaped, and the sigil of `${` and `%{` doubled so that user text never becomes
/// a template sequence.
fn escape_into(out: &mut String, text: &str) {
    if !needs_escape(text) {
        out.push_str(text);
        return;
    }
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// Writes `text` with the sigil of `${` and `%{` doubled, which HCL reads as template
/// sequences in quoted strings and heredocs alike.
fn escape_template_into(out: &mut String, text: &str) {
    if !text.contains('{') {
        out.push_str(text);
        return;
    }
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if matches!(c, '$' | '%') && chars.peek() == Some(&'{') {
            out.push(c);
        }
    }
}

/// The column comments are wrapped at.
const COMMENT_WIDTH: usize = 100;

/// Writes `line` as `# ` comment lines at `indent`, wrapped at spaces to at most `width`
/// characters (a longer word stays whole on its own line).
fn write_wrapped(out: &mut String, indent: usize, line: &str, width: usize) {
    // Nearly every comment is ASCII with single spaces between words: then bytes are
    // characters, and each line breaks at the last space that fits.
    if line.is_ascii() && !line.starts_with(' ') && !line.ends_with(' ') && !line.contains("  ") {
        let mut rest = line;
        while !rest.is_empty() {
            let end = if rest.len() <= width {
                rest.len()
            } else {
                // The last space within `width + 1` bytes ends a line of at most `width`; a
                // word longer than that stays whole.
                rest.as_bytes()[..=width]
                    .iter()
                    .rposition(|&b| b == b' ')
                    .or_else(|| rest.find(' '))
                    .unwrap_or(rest.len())
            };
            push_spaces(out, indent);
            out.push_str("# ");
            out.push_str(&rest[..end]);
            out.push('\n');
            rest = rest.get(end + 1..).unwrap_or_default();
        }
        return;
    }
    write_wrapped_by_words(out, indent, line, width);
}

/// [`write_wrapped`] word by word, counting characters: any line (the reference of the scan
/// that wraps plain ASCII lines).
fn write_wrapped_by_words(out: &mut String, indent: usize, line: &str, width: usize) {
    // Characters on the comment line being written; zero before its first word.
    let mut current = 0;
    for word in line.split(' ').filter(|word| !word.is_empty()) {
        let chars = word.chars().count();
        if current > 0 && current + 1 + chars > width {
            out.push('\n');
            current = 0;
        }
        if current == 0 {
            push_spaces(out, indent);
            out.push_str("# ");
        } else {
            out.push(' ');
            current += 1;
        }
        out.push_str(word);
        current += chars;
    }
    if current > 0 {
        out.push('\n');
    }
}

/// Comment text on one line, without control characters.
fn sanitize_comment(line: &str) -> String {
    // Almost every comment is control-free: skip the per-character filter then.
    if comment_line_is_clean(line) {
        return line.trim_end().to_string();
    }
    line.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim_end()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_runs_of_attributes_and_breaks_them_at_objects() {
        let mut tags = Body::new();
        tags.string("name", "a")
            .string("policy_type", "Custom")
            .attribute("policy_rule", Expr::json(&serde_json::json!({"if": 1})))
            .raw("mode", "\"All\"")
            .attribute(
                "tags",
                Expr::Map(vec![("owner".into(), Expr::Str("x".into()))]),
            )
            .raw("x", "1")
            .raw("longer", "2");
        let mut file = Body::new();
        file.block(Block::new("resource", &["a", "b"], tags));
        assert_eq!(
            file.to_file(),
            r#"resource "a" "b" {
  name        = "a"
  policy_type = "Custom"
  policy_rule = <<-JSON
    {
      "if": 1
    }
  JSON
  mode        = "All"
  tags = {
    owner = "x"
  }
  x      = 1
  longer = 2
}
"#
        );
    }

    #[test]
    fn escapes_template_sequences_and_quotes() {
        assert_eq!(quote("a \"${b}\" %{c} \\"), r#""a \"$${b}\" %%{c} \\""#);
        assert_eq!(quote("line\nnext\u{1b}"), r#""line\nnext\u001b""#);
    }

    /// The escaping as first written (escape, then two `replace` passes), kept as the
    /// reference the one-pass writer must match.
    fn reference_escape(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
                c => out.push(c),
            }
        }
        out.replace("${", "$${").replace("%{", "%%{")
    }

    #[test]
    fn one_pass_escaping_matches_the_reference() {
        let cases = [
            "",
            "plain text",
            "${a}",
            "$${a}",
            "$%{a}",
            "%%{",
            "{${%{}}",
            "$",
            "%",
            "{",
            "a\"b\\c",
            "tab\tcr\r\u{1b}\u{7f}\u{85}\u{9f}",
            "\u{a0}é ü ${ünïcode}",
            "ends with $",
            "$\"{",
        ];
        for case in cases {
            let mut out = String::new();
            escape_into(&mut out, case);
            assert_eq!(out, reference_escape(case), "escaping {case:?}");
            let mut template = String::new();
            escape_template_into(&mut template, case);
            assert_eq!(
                template,
                case.replace("${", "$${").replace("%{", "%%{"),
                "template-escaping {case:?}"
            );
        }
    }

    #[test]
    fn objects_align_in_runs_that_multiline_values_end() {
        let value = serde_json::json!({
            "a": "x",
            "bb": 1,
            "filters": [{ "name": "Hate", "enabled": true }],
            "c": [],
            "longer": false
        });
        let mut body = Body::new();
        body.attribute("body", Expr::from_json(&value));
        assert_eq!(
            body.to_file(),
            "body = {\n  a  = \"x\"\n  bb = 1\n  filters = [\n    {\n      name    = \"Hate\"\n      enabled = true\n    },\n  ]\n  c      = []\n  longer = false\n}\n"
        );
    }

    #[test]
    fn writes_empty_blocks_on_one_line_and_separates_blocks() {
        let mut provider = Body::new();
        provider
            .raw("subscription_id", "var.subscription_id")
            .block(Block::new("features", &[], Body::new()));
        let mut file = Body::new();
        file.comment("Providers.")
            .block(Block::new("provider", &["azurerm"], provider))
            .block(Block::new("x", &[], Body::new()));
        assert_eq!(
            file.to_file(),
            "# Providers.\nprovider \"azurerm\" {\n  subscription_id = var.subscription_id\n\n  features {}\n}\n\nx {}\n"
        );
    }

    /// Writes `body`'s items through a [`Writer`], as `endpoints.tf` does, with the blocks
    /// opened and closed rather than built.
    fn stream(writer: &mut Writer, body: &Body) {
        for item in &body.items {
            match item {
                Item::Attribute(name, value) => {
                    writer.attribute(name, value);
                }
                Item::Block(block) => {
                    let labels: Vec<&str> = block.labels.iter().map(String::as_str).collect();
                    writer.open(&block.kind, &labels);
                    stream(writer, &block.body);
                    writer.close();
                }
                Item::Comment(lines) => {
                    writer.comment(&lines.join("\n"));
                }
            }
        }
    }

    #[test]
    fn the_writer_lays_out_as_the_tree_does() {
        let json = serde_json::json!({
            "properties": {"a": "x", "longer": [1, 2], "filters": [{"name": "${x}", "on": true}], "z": {}},
            "sku": {"name": "S0", "capacity": 20},
            "type": "skipped"
        });
        let mut inner = Body::new();
        inner
            .comment("Inside, first.")
            .string("name", "a \"quoted\" %{name}")
            .raw("x", "1")
            .attribute("policy_rule", Expr::json(&serde_json::json!({"if": {"field": "type"}})))
            .raw("longest_name", "true")
            .attribute("object", Expr::from_json(&json))
            .raw("after", "2")
            .comment("A comment that introduces a block, long enough to be wrapped at the width of a comment line, which is a hundred columns.")
            .block(Block::new("nested", &[], Body::new()))
            .raw("y", "3")
            .comment("A comment before an attribute.")
            .raw("z", "4")
            .block(Block::new("identity", &[], {
                let mut body = Body::new();
                body.string("type", "SystemAssigned");
                body
            }))
            .comment("Trailing.");
        let mut file = Body::new();
        file.comment("Top.\n\nSecond paragraph.")
            .block(Block::new("resource", &["a", "b"], inner.clone()))
            .block(Block::new("empty", &["x"], Body::new()))
            .comment("Between.")
            .comment("Twice.")
            .block(Block::new("resource", &["c", "d"], inner));
        let mut writer = Writer::with_capacity(0);
        stream(&mut writer, &file);
        assert_eq!(writer.finish(), file.to_file());
    }

    #[test]
    fn json_is_written_as_its_expression() {
        let values = [
            serde_json::json!({"type": "t", "name": "n", "tags": {"a": "b"}, "properties": {"x": null, "quoted-key": 1.5, "list": ["a", 1, false], "objects": [{"k": []}], "empty": {}, "nested": [[1]]}}),
            serde_json::json!([1, 2]),
            serde_json::json!("text ${x}"),
            serde_json::json!({}),
            serde_json::json!({"type": "only skipped"}),
        ];
        for value in &values {
            for depth in [0, 1, 3] {
                let mut written = String::new();
                write_json(&mut written, depth, value, &["type", "name", "tags"]);
                let expected = match value.as_object() {
                    Some(map) => Expr::Map(
                        map.iter()
                            .filter(|(key, _)| !["type", "name", "tags"].contains(&key.as_str()))
                            .map(|(key, value)| (key.clone(), Expr::from_json(value)))
                            .collect(),
                    ),
                    None => Expr::from_json(value),
                };
                let mut reference = String::new();
                expected.write(&mut reference, depth);
                assert_eq!(written, reference, "{value} at depth {depth}");
                assert_eq!(
                    json_is_multiline(value, &["type", "name", "tags"]),
                    expected.is_multiline_object()
                );
            }
        }
    }

    #[test]
    fn comments_wrap_as_word_by_word() {
        let long_word = "x".repeat(30);
        let lines = [
            "short".to_string(),
            "exactly ten".to_string(),
            "a b c d e f g h i j k l m n o p".to_string(),
            format!("{long_word} {long_word} a {long_word}"),
            format!("a {long_word}"),
            "two  spaces and é".to_string(),
            "word ".repeat(40).trim_end().to_string(),
        ];
        for line in &lines {
            for width in [1, 5, 10, 11, 12, 31, 98] {
                let mut out = String::new();
                write_wrapped(&mut out, 2, line, width);
                let mut reference = String::new();
                write_wrapped_by_words(&mut reference, 2, line, width);
                assert_eq!(out, reference, "{line:?} at {width}");
            }
        }
    }
}
