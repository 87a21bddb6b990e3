//! The canonical formatter: one layout for every Charter source, comments kept in place.
//!
//! Layout: 2-space indent, one entry per line, `key: value`, one blank line between top-level
//! items, blank lines between entries kept (collapsed to one), lists on one line unless they
//! hold comments or would pass [`MAX_WIDTH`] columns (then one element per line with a
//! trailing comma), doc comments and comments where they were, trailing comments after one
//! space.
//!
//! Safety: [`format_source`] re-parses its output and checks that the tree is the same (spans
//! aside), that formatting again changes nothing, and that the comments read the same in the
//! same order; if any check fails it returns an error, so the caller writes nothing.

use std::fmt;

use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::parser;
use crate::span::FileId;

/// Lists longer than this many columns are written one element per line.
pub const MAX_WIDTH: usize = 100;

const INDENT: &str = "  ";

/// Why a source was not formatted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// The source does not parse; these are its syntax diagnostics.
    Syntax(Vec<Diagnostic>),
    /// The formatted text would not mean the same as the source (a bug in the formatter);
    /// nothing should be written.
    Unsafe(String),
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Syntax(diagnostics) => {
                write!(f, "the source has {} syntax error(s)", diagnostics.len())
            }
            FormatError::Unsafe(reason) => write!(
                f,
                "formatting was refused to keep the source safe: {reason}"
            ),
        }
    }
}

impl std::error::Error for FormatError {}

/// Formats a source in the canonical layout, or says why not.
pub fn format_source(file: FileId, text: &str) -> Result<String, FormatError> {
    let parsed = crate::parse(file, text);
    if !parsed.diagnostics.is_empty() {
        return Err(FormatError::Syntax(parsed.diagnostics));
    }
    let formatted = format_tree(&parsed.file);
    let reparsed = crate::parse(file, &formatted);
    if !reparsed.diagnostics.is_empty() {
        return Err(FormatError::Unsafe(format!(
            "the formatted text does not parse: {}",
            reparsed.diagnostics[0].message
        )));
    }
    if reparsed.file != parsed.file {
        return Err(FormatError::Unsafe(
            "the formatted text parses to a different tree".to_string(),
        ));
    }
    if format_tree(&reparsed.file) != formatted {
        return Err(FormatError::Unsafe(
            "formatting is not idempotent on this source".to_string(),
        ));
    }
    if comment_texts(text) != comment_texts(&formatted) {
        return Err(FormatError::Unsafe(
            "the comments of the formatted text differ from the source's".to_string(),
        ));
    }
    Ok(formatted)
}

/// The comments of a source, in order, as the formatter may rewrite them: doc lines without
/// `///` and one space, line comments without trailing spaces.
pub(crate) fn comment_texts(text: &str) -> Vec<String> {
    parser::scan::comments(text)
        .into_iter()
        .filter_map(|(start, end)| text.get(start..end))
        .map(|comment| {
            if comment.starts_with("///") && !comment.starts_with("////") {
                format!("///{}", parser::doc_line_text(comment.trim_end()))
            } else if comment.starts_with("//") {
                comment.trim_end().to_string()
            } else {
                comment.to_string()
            }
        })
        .collect()
}

/// Writes a syntax tree in the canonical layout.
pub fn format_tree(file: &SourceFile) -> String {
    let mut printer = Printer { out: String::new() };
    for (index, item) in file.items.iter().enumerate() {
        if index > 0 {
            printer.out.push('\n');
        }
        match item {
            Item::Block(block) => {
                printer.trivia_before(&block.trivia, 0);
                printer.indent(0);
                printer.block(block, 0);
                printer.trailing(&block.trivia);
            }
            // A tree with errors is never formatted by `format_source`; keep the place visible.
            Item::Error(_) => printer.out.push_str("/* error */\n"),
        }
    }
    printer.comments(&file.dangling_comments, 0);
    printer.out
}

struct Printer {
    out: String,
}

impl Printer {
    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.out.push_str(INDENT);
        }
    }

    /// The column where the next character would go.
    fn column(&self) -> usize {
        let line_start = self.out.rfind('\n').map_or(0, |p| p + 1);
        self.out[line_start..].chars().count()
    }

    fn comments(&mut self, comments: &[Comment], level: usize) {
        for comment in comments {
            if comment.blank_line_before {
                self.out.push('\n');
            }
            self.indent(level);
            self.out.push_str(&comment.text);
            self.out.push('\n');
        }
    }

    /// Leading comments, the blank line before the node, and its doc comment. (The parser
    /// clears the flags where the layout is fixed: at the start of a block and between
    /// top-level items.)
    fn trivia_before(&mut self, trivia: &Trivia, level: usize) {
        self.comments(&trivia.leading, level);
        if trivia.blank_line_before {
            self.out.push('\n');
        }
        if let Some(doc) = &trivia.doc {
            for line in doc.text.split('\n') {
                self.indent(level);
                if line.is_empty() {
                    self.out.push_str("///");
                } else {
                    self.out.push_str("/// ");
                    self.out.push_str(line);
                }
                self.out.push('\n');
            }
        }
    }

    /// Ends the current line, with the node's trailing comment if it has one.
    fn trailing(&mut self, trivia: &Trivia) {
        if let Some(comment) = &trivia.trailing {
            self.out.push(' ');
            self.out.push_str(&comment.text);
        }
        self.out.push('\n');
    }

    fn block(&mut self, block: &Block, level: usize) {
        self.out.push_str(&block.keyword.name);
        if let Some(label) = &block.label {
            self.out.push(' ');
            match label {
                Label::Name(name) => self.out.push_str(&name.name),
                Label::Str(string) => self.string(&string.value),
            }
        }
        if let Some(extends) = &block.extends {
            self.out.push_str(" extends ");
            self.out.push_str(&extends.text());
        }
        if block.entries.is_empty() && block.dangling_comments.is_empty() {
            self.out.push_str(" {}");
            return;
        }
        self.out.push_str(" {\n");
        for entry in &block.entries {
            self.entry(entry, level + 1);
        }
        self.comments(&block.dangling_comments, level + 1);
        self.indent(level);
        self.out.push('}');
    }

    fn entry(&mut self, entry: &Entry, level: usize) {
        let Some(trivia) = entry.trivia() else {
            self.indent(level);
            self.out.push_str("/* error */\n");
            return;
        };
        self.trivia_before(trivia, level);
        self.indent(level);
        match entry {
            Entry::Field(field) => {
                self.out.push_str(&field.key.name);
                self.out.push_str(": ");
                self.phrase(&field.value, level);
            }
            Entry::Clause(clause) => {
                self.out.push_str(&clause.keyword.name);
                self.out.push(' ');
                self.phrase(&clause.phrase, level);
            }
            Entry::Block(block) => self.block(block, level),
            Entry::Error(_) => {}
        }
        self.trailing(trivia);
    }

    fn phrase(&mut self, phrase: &Phrase, level: usize) {
        for (index, value) in phrase.values.iter().enumerate() {
            if index > 0 {
                self.out.push(' ');
            }
            self.value(value, level);
        }
    }

    fn value(&mut self, value: &Value, level: usize) {
        match value {
            Value::Str(string) => self.string(&string.value),
            Value::Number(number) => self.out.push_str(&number_text(number)),
            Value::Date(date) => self.out.push_str(&format!(
                "{:04}-{:02}-{:02}",
                date.year, date.month, date.day
            )),
            Value::Path(path) => self.out.push_str(&path.text()),
            Value::Call(call) => {
                self.out.push_str(&call.callee.name);
                self.out.push('(');
                for (index, arg) in call.args.iter().enumerate() {
                    if index > 0 {
                        self.out.push_str(", ");
                    }
                    self.value(arg, level);
                }
                self.out.push(')');
            }
            Value::List(list) => self.list(list, level),
            Value::Error(_) => self.out.push_str("/* error */"),
        }
    }

    fn list(&mut self, list: &List, level: usize) {
        if let Some(flat) = flat_list(list) {
            if self.column() + flat.chars().count() <= MAX_WIDTH {
                self.out.push_str(&flat);
                return;
            }
        }
        if list.items.is_empty() && list.dangling_comments.is_empty() {
            self.out.push_str("[]");
            return;
        }
        self.out.push_str("[\n");
        for item in &list.items {
            self.trivia_before(&item.trivia, level + 1);
            self.indent(level + 1);
            self.value(&item.value, level + 1);
            self.out.push(',');
            self.trailing(&item.trivia);
        }
        self.comments(&list.dangling_comments, level + 1);
        self.indent(level);
        self.out.push(']');
    }

    fn string(&mut self, value: &str) {
        self.out.push_str(&quote(value));
    }
}

/// A list on one line, if it has no comments and no element that must span lines.
fn flat_list(list: &List) -> Option<String> {
    if !list.dangling_comments.is_empty() {
        return None;
    }
    let mut parts = Vec::with_capacity(list.items.len());
    for item in &list.items {
        let trivia = &item.trivia;
        if trivia.doc.is_some() || !trivia.leading.is_empty() || trivia.trailing.is_some() {
            return None;
        }
        parts.push(flat_value(&item.value)?);
    }
    Some(format!("[{}]", parts.join(", ")))
}

fn flat_value(value: &Value) -> Option<String> {
    Some(match value {
        Value::Str(string) => quote(&string.value),
        Value::Number(number) => number_text(number),
        Value::Date(date) => format!("{:04}-{:02}-{:02}", date.year, date.month, date.day),
        Value::Path(path) => path.text(),
        Value::Call(call) => {
            let args: Option<Vec<String>> = call.args.iter().map(flat_value).collect();
            format!("{}({})", call.callee.name, args?.join(", "))
        }
        Value::List(list) => flat_list(list)?,
        Value::Error(_) => return None,
    })
}

/// A number with its unit, the unit's word singular for exactly 1.
fn number_text(number: &Number) -> String {
    let one = number.digits == "1";
    let unit = match number.unit.as_ref().map(|unit| &unit.kind) {
        None => return number.digits.clone(),
        Some(UnitKind::Percent) => return format!("{}%", number.digits),
        Some(UnitKind::Currency(code)) => code.as_str(),
        Some(UnitKind::Days) => {
            if one {
                "day"
            } else {
                "days"
            }
        }
        Some(UnitKind::Weeks) => {
            if one {
                "week"
            } else {
                "weeks"
            }
        }
        Some(UnitKind::Months) => {
            if one {
                "month"
            } else {
                "months"
            }
        }
        Some(UnitKind::Years) => {
            if one {
                "year"
            } else {
                "years"
            }
        }
        Some(UnitKind::CapacityUnits) => {
            if one {
                "unit"
            } else {
                "units"
            }
        }
    };
    format!("{} {unit}", number.digits)
}

/// A string literal for a value: `"` and `\` escaped, and control characters as `\n`, `\t`
/// or `\u{..}` so that the literal stays on one line.
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for ch in value.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            ch if ch.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(ch))),
            ch => out.push(ch),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(text: &str) -> String {
        match format_source(FileId(0), text) {
            Ok(formatted) => formatted,
            Err(error) => panic!("{error}: {error:?}"),
        }
    }

    #[test]
    fn lays_out_blocks_fields_and_comments() {
        let source = "/// Doc.\n///second\nfilter  strict extends baseline{prompt { hate: low,sexual: low } // side\n\n\n  // before\n  blocklists: [ \"a\" ,\"b\", ]\n}\npolicy p {}\n// end\n";
        let expected = "/// Doc.\n/// second\nfilter strict extends baseline {\n  prompt {\n    hate: low\n    sexual: low\n  } // side\n\n  // before\n  blocklists: [\"a\", \"b\"]\n}\n\npolicy p {}\n// end\n";
        assert_eq!(format(source), expected);
    }

    #[test]
    fn keeps_blank_lines_between_comments() {
        let source = "// Header.\n\n\n// Paragraph one.\n\n// Paragraph two.\n\n/// Doc.\npolicy p {\n\n  // first\n\n  effect: deny\n\n  // dangling\n}\n\n\n// end\n";
        let expected = "// Header.\n\n// Paragraph one.\n\n// Paragraph two.\n\n/// Doc.\npolicy p {\n  // first\n\n  effect: deny\n\n  // dangling\n}\n\n// end\n";
        assert_eq!(format(source), expected);
    }

    #[test]
    fn breaks_lists_with_comments_or_too_long() {
        let source = "policy p {\n  regions: [\"a\", // first\n  \"b\"]\n}\n";
        assert_eq!(
            format(source),
            "policy p {\n  regions: [\n    \"a\", // first\n    \"b\",\n  ]\n}\n"
        );
        let long: Vec<String> = (0..12).map(|i| format!("\"region-number-{i}\"")).collect();
        let source = format!("policy p {{\n  regions: [{}]\n}}\n", long.join(", "));
        let formatted = format(&source);
        assert!(
            formatted.contains("[\n    \"region-number-0\",\n"),
            "{formatted}"
        );
    }

    #[test]
    fn writes_values_canonically() {
        let source = "workload w {\n  budget: 2000   USD monthly alert_at [50%,80%]\n  a: 1 day, b: \"q\\\"\\u{e9}\\n\"\n  c: management_group( \"x\" )\n  d: 2027-01-31\n}\n";
        let expected = "workload w {\n  budget: 2000 USD monthly alert_at [50%, 80%]\n  a: 1 day\n  b: \"q\\\"é\\n\"\n  c: management_group(\"x\")\n  d: 2027-01-31\n}\n";
        assert_eq!(format(source), expected);
    }

    #[test]
    fn refuses_sources_with_syntax_errors() {
        assert!(matches!(
            format_source(FileId(0), "policy p {"),
            Err(FormatError::Syntax(_))
        ));
    }
}
