//! Pages as Markdown that GitHub and Azure DevOps wikis render alike: CommonMark plus pipe
//! tables, no embedded HTML, pictures as SVG files beside the pages.

use crate::page::{Block, Inline, Page, PageId};
use crate::Site;

/// The file a page is written to, relative to the Markdown folder.
pub(crate) fn file_name(id: &PageId) -> String {
    match id {
        // GitHub shows a folder's README.md when the folder is opened.
        PageId::Home => "README.md".to_owned(),
        other => format!("{}.md", other.stem()),
    }
}

/// Renders one page.
pub(crate) fn render(site: &Site, page: &Page) -> String {
    let mut out = String::new();
    out.push_str(&format!("# {}\n\n", escape(&page.title)));
    out.push_str(&nav(site, &page.id));
    for block in &page.blocks {
        block_to(&mut out, block);
    }
    out.push_str(&format!(
        "---\n\n*{}*\n",
        escape(&crate::footer_text(site.as_of))
    ));
    out
}

fn nav(site: &Site, current: &PageId) -> String {
    let items: Vec<String> = site
        .nav
        .iter()
        .map(|(label, id)| {
            if id == current {
                format!("**{}**", escape(label))
            } else {
                format!("[{}]({})", escape(label), file_name(id))
            }
        })
        .collect();
    format!("{}\n\n", items.join(" · "))
}

fn block_to(out: &mut String, block: &Block) {
    match block {
        Block::Heading { level, text } => {
            out.push_str(&format!(
                "{} {}\n\n",
                "#".repeat(usize::from(*level)),
                escape(text)
            ));
        }
        Block::Paragraph(inlines) => {
            out.push_str(&escape_line_start(&inlines_to(inlines, false)));
            out.push_str("\n\n");
        }
        Block::List(items) => {
            for item in items {
                out.push_str(&format!("- {}\n", inlines_to(item, false)));
            }
            out.push('\n');
        }
        Block::Table { head, rows } => {
            let head: Vec<String> = head.iter().map(|h| escape_cell(&escape(h))).collect();
            out.push_str(&format!("| {} |\n", head.join(" | ")));
            out.push_str(&format!(
                "|{}\n",
                head.iter().map(|_| "---|").collect::<String>()
            ));
            for row in rows {
                let cells: Vec<String> = row.iter().map(|cell| inlines_to(cell, true)).collect();
                out.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
            out.push('\n');
        }
        Block::Quote(text) => {
            out.push_str(&format!("> {}\n\n", escape(text)));
        }
        Block::Callout { tone, content } => {
            out.push_str(&format!(
                "> **{}:** {}\n\n",
                tone.label(),
                inlines_to(content, false)
            ));
        }
        Block::Figure(figure) => {
            out.push_str(&format!(
                "![{}](images/{})\n\n*{}*\n\n",
                escape(&figure.alt),
                figure.file,
                escape(&figure.caption)
            ));
        }
    }
}

fn inlines_to(inlines: &[Inline], in_table: bool) -> String {
    let text: String = inlines.iter().map(inline_to).collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if in_table {
        escape_cell(&text)
    } else {
        text
    }
}

fn inline_to(inline: &Inline) -> String {
    match inline {
        Inline::Text(text) => escape(text),
        Inline::Code(text) => code_span(text),
        // `** x **` is not emphasis in CommonMark: keep the spaces outside the markers.
        Inline::Strong(text) => {
            let inner = text.trim();
            let before = if text.starts_with(char::is_whitespace) {
                " "
            } else {
                ""
            };
            let after = if text.ends_with(char::is_whitespace) {
                " "
            } else {
                ""
            };
            format!("{before}**{}**{after}", escape(inner))
        }
        Inline::Link {
            label,
            code,
            to,
            anchor,
        } => {
            let label = if *code {
                code_span(label)
            } else {
                escape(label)
            };
            let target = match anchor {
                Some(anchor) => format!("{}#{anchor}", file_name(to)),
                None => file_name(to),
            };
            format!("[{label}]({target})")
        }
    }
}

/// A code span that holds any text: fenced with more backticks than the text's longest run.
fn code_span(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    if longest == 0 {
        return format!("`{text}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {text} {fence}")
}

/// Escapes the characters that Markdown would read as markup, so text from the sources shows
/// as written.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            // A line break would end a table row or a heading.
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A paragraph that starts like a list item, a heading or a quote would become one.
fn escape_line_start(text: &str) -> String {
    if text.starts_with(['-', '+', '#', '=']) {
        return format!("\\{text}");
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && text[digits..].starts_with(['.', ')']) {
        return format!("{}\\{}", &text[..digits], &text[digits..]);
    }
    text.to_owned()
}

/// Inside a table, a `|` ends the cell even in a code span unless escaped.
fn escape_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous = ' ';
    for c in text.chars() {
        if c == '|' && previous != '\\' {
            out.push('\\');
        }
        out.push(c);
        previous = c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_source_text_is_escaped() {
        assert_eq!(
            escape("a *b* [c](d) <x> | y_z"),
            "a \\*b\\* \\[c\\](d) \\<x\\> \\| y\\_z"
        );
        assert_eq!(escape("line\nbreak"), "line break");
    }

    #[test]
    fn code_spans_hold_backticks() {
        assert_eq!(code_span("gpt-4.1"), "`gpt-4.1`");
        assert_eq!(code_span("a`b"), "`` a`b ``");
    }

    #[test]
    fn paragraphs_never_turn_into_lists_or_headings() {
        assert_eq!(escape_line_start("- not a list"), "\\- not a list");
        assert_eq!(escape_line_start("1. not a list"), "1\\. not a list");
        assert_eq!(
            escape_line_start("2026-11-22 is a date"),
            "2026-11-22 is a date"
        );
    }

    #[test]
    fn pipes_in_cells_are_escaped_once() {
        assert_eq!(escape_cell("`a|b`"), "`a\\|b`");
        assert_eq!(escape_cell("a \\| b"), "a \\| b");
    }
}
