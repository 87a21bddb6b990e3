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
    /// A quoted string literal (escaped when written).
    Str(String),
    /// A string template with references: the parts are literal text and verbatim
    /// interpolations, written `"text${expr}text"`.
    Template(Vec<TemplatePart>),
    /// A single-line list.
    List(Vec<Expr>),
    /// An object written one entry per line, keys quoted.
    Map(Vec<(String, Expr)>),
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
        let mut out = String::new();
        self.write(&mut out, 0, true);
        out
    }

    fn write(&self, out: &mut String, depth: usize, top_level: bool) {
        let indent = "  ".repeat(depth);
        // The widest name of each alignment run, computed ahead so each line can be padded.
        let widths = self.alignment_widths();
        let mut previous_was_content = false;
        let mut pending_comment = false;
        for (index, item) in self.items.iter().enumerate() {
            // Blocks are set off by a blank line from whatever precedes them (a comment directly
            // above a block stays attached to it).
            let wants_blank =
                matches!(item, Item::Block(_)) || (top_level && matches!(item, Item::Comment(_)));
            if wants_blank && previous_was_content && !pending_comment {
                out.push('\n');
            }
            match item {
                Item::Attribute(name, value) => {
                    let width = widths[index].unwrap_or(name.len());
                    let padding = " ".repeat(width.saturating_sub(name.len()) + 1);
                    let _ = write!(out, "{indent}{name}{padding}= ");
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
                    let width = COMMENT_WIDTH.saturating_sub(indent.len() + 2);
                    for line in lines {
                        if line.is_empty() {
                            let _ = writeln!(out, "{indent}#");
                        }
                        for wrapped in wrap(line, width) {
                            let _ = writeln!(out, "{indent}# {wrapped}");
                        }
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
            .is_some_and(|item| matches!(item, Item::Block(_)))
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

impl Block {
    pub(crate) fn new(kind: &str, labels: &[&str], body: Body) -> Self {
        Self {
            kind: kind.to_string(),
            labels: labels.iter().map(|label| label.to_string()).collect(),
            body,
        }
    }

    fn write(&self, out: &mut String, depth: usize) {
        let indent = "  ".repeat(depth);
        out.push_str(&indent);
        out.push_str(&self.kind);
        for label in &self.labels {
            out.push(' ');
            out.push_str(&quote(label));
        }
        if self.body.is_empty() {
            out.push_str(" {}\n");
            return;
        }
        out.push_str(" {\n");
        self.body.write(out, depth + 1, false);
        out.push_str(&indent);
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

    fn is_multiline_object(&self) -> bool {
        matches!(self, Expr::Map(entries) if !entries.is_empty())
    }

    fn write(&self, out: &mut String, depth: usize) {
        match self {
            Expr::Raw(text) => out.push_str(text),
            Expr::Str(text) => out.push_str(&quote(text)),
            Expr::Template(parts) => {
                out.push('"');
                for part in parts {
                    match part {
                        TemplatePart::Text(text) => out.push_str(&escape(text)),
                        TemplatePart::Interpolation(expr) => {
                            let _ = write!(out, "${{{expr}}}");
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
                let inner = "  ".repeat(depth + 1);
                let keys: Vec<String> = entries.iter().map(|(key, _)| object_key(key)).collect();
                let width = keys.iter().map(|key| key.len()).max().unwrap_or(0);
                out.push_str("{\n");
                for (key, (_, value)) in keys.iter().zip(entries) {
                    let padding = " ".repeat(width - key.len() + 1);
                    let _ = write!(out, "{inner}{key}{padding}= ");
                    value.write(out, depth + 1);
                    out.push('\n');
                }
                out.push_str(&"  ".repeat(depth));
                out.push('}');
            }
            Expr::Heredoc(text) => {
                let inner = "  ".repeat(depth + 1);
                let _ = writeln!(out, "<<-{HEREDOC_TAG}");
                for line in text.lines() {
                    if line.is_empty() {
                        out.push('\n');
                    } else {
                        let _ = writeln!(out, "{inner}{}", escape_template(line));
                    }
                }
                let _ = write!(out, "{}{HEREDOC_TAG}", "  ".repeat(depth));
            }
        }
    }
}

/// An object key: bare when it is a plain identifier (`source`), quoted otherwise
/// (`"charter-workload"`), and always quoted for the literal keywords, which would not read as
/// names.
fn object_key(key: &str) -> String {
    let plain = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(key, "null" | "true" | "false");
    if plain {
        key.to_string()
    } else {
        quote(key)
    }
}

/// A quoted HCL string literal.
pub(crate) fn quote(text: &str) -> String {
    format!("\"{}\"", escape(text))
}

/// Escapes text for the inside of a quoted HCL string.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    escape_template(&out)
}

/// Doubles the sigil of `${` and `%{`, which HCL reads as template sequences in quoted strings
/// and heredocs alike.
pub(crate) fn escape_template(text: &str) -> String {
    text.replace("${", "$${").replace("%{", "%%{")
}

/// The column comments are wrapped at.
const COMMENT_WIDTH: usize = 100;

/// Splits a line into lines of at most `width` characters at spaces (a longer word stays whole).
fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in line.split(' ').filter(|word| !word.is_empty()) {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// Comment text on one line, without control characters.
fn sanitize_comment(line: &str) -> String {
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
}
