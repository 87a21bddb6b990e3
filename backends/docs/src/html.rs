//! Pages as self-contained HTML: the stylesheet and the pictures are inside each page, nothing
//! is fetched, and no script runs, so a page can be opened from disk, mailed to an auditor or
//! served from any static host.

use crate::page::{anchor, Block, Inline, Page, PageId};
use crate::Site;

/// The stylesheet every page carries: readable type, tables that scroll on small screens, a
/// print layout, and the colours of the notes.
const STYLESHEET: &str = include_str!("style.css");

/// The file a page is written to, relative to the HTML folder.
pub(crate) fn file_name(id: &PageId) -> String {
    format!("{}.html", id.stem())
}

/// Renders one page.
pub(crate) fn render(site: &Site, page: &Page) -> String {
    let mut body = String::new();
    for block in &page.blocks {
        block_to(&mut body, block);
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"Charter\">\n<title>{title}</title>\n\
         <style>\n{STYLESHEET}</style>\n</head>\n<body>\n<header>\n{nav}</header>\n\
         <main>\n<h1>{title}</h1>\n{body}</main>\n<footer>\n<p>{footer}</p>\n</footer>\n\
         </body>\n</html>\n",
        title = escape(&page.title),
        nav = nav(site, &page.id),
        footer = escape(&crate::footer_text(site.as_of)),
    )
}

fn nav(site: &Site, current: &PageId) -> String {
    let mut out = String::from("<nav aria-label=\"Pages\">\n<ul>\n");
    for (label, id) in &site.nav {
        if id == current {
            out.push_str(&format!(
                "<li><a href=\"{}\" aria-current=\"page\">{}</a></li>\n",
                file_name(id),
                escape(label)
            ));
        } else {
            out.push_str(&format!(
                "<li><a href=\"{}\">{}</a></li>\n",
                file_name(id),
                escape(label)
            ));
        }
    }
    out.push_str("</ul>\n</nav>\n");
    out
}

fn block_to(out: &mut String, block: &Block) {
    match block {
        Block::Heading { level, text } => {
            let level = (*level).clamp(2, 4);
            out.push_str(&format!(
                "<h{level} id=\"{}\">{}</h{level}>\n",
                escape(&anchor(text)),
                escape(text)
            ));
        }
        Block::Paragraph(inlines) => {
            out.push_str(&format!("<p>{}</p>\n", inlines_to(inlines)));
        }
        Block::List(items) => {
            out.push_str("<ul>\n");
            for item in items {
                out.push_str(&format!("<li>{}</li>\n", inlines_to(item)));
            }
            out.push_str("</ul>\n");
        }
        Block::Table { head, rows } => {
            out.push_str("<div class=\"table\">\n<table>\n<thead>\n<tr>");
            for cell in head {
                out.push_str(&format!("<th scope=\"col\">{}</th>", escape(cell)));
            }
            out.push_str("</tr>\n</thead>\n<tbody>\n");
            for row in rows {
                out.push_str("<tr>");
                for cell in row {
                    // A cell of one short word (a date, a number) never breaks at its hyphens.
                    let one_word = match cell.as_slice() {
                        [Inline::Text(word)] => word.len() <= 24 && !word.contains(' '),
                        _ => false,
                    };
                    out.push_str(&format!(
                        "<td{}>{}</td>",
                        if one_word { " class=\"nowrap\"" } else { "" },
                        inlines_to(cell)
                    ));
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody>\n</table>\n</div>\n");
        }
        Block::Quote(text) => {
            out.push_str(&format!(
                "<blockquote><p>{}</p></blockquote>\n",
                escape(text)
            ));
        }
        Block::Callout { tone, content } => {
            out.push_str(&format!(
                "<div class=\"callout {}\"><p><strong>{}:</strong> {}</p></div>\n",
                tone.class(),
                tone.label(),
                inlines_to(content)
            ));
        }
        Block::Figure(figure) => {
            out.push_str(&format!(
                "<figure>\n{}<figcaption>{}</figcaption>\n</figure>\n",
                figure.svg,
                escape(&figure.caption)
            ));
        }
    }
}

fn inlines_to(inlines: &[Inline]) -> String {
    inlines.iter().map(inline_to).collect()
}

fn inline_to(inline: &Inline) -> String {
    match inline {
        Inline::Text(text) => escape(text),
        Inline::Code(text) => format!("<code>{}</code>", escape(text)),
        Inline::Strong(text) => format!("<strong>{}</strong>", escape(text)),
        Inline::Link {
            label,
            code,
            to,
            anchor,
        } => {
            let label = if *code {
                format!("<code>{}</code>", escape(label))
            } else {
                escape(label)
            };
            let target = match anchor {
                Some(anchor) => format!("{}#{}", file_name(to), escape(anchor)),
                None => file_name(to),
            };
            format!("<a href=\"{target}\">{label}</a>")
        }
    }
}

/// Escapes text for HTML element content and double-quoted attribute values; control
/// characters (which HTML forbids) are dropped.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_the_sources_cannot_inject_markup() {
        assert_eq!(
            escape("<script>alert(\"x\")</script> & 'y'\u{1b}[31m"),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;[31m"
        );
    }
}
