//! The documentation backend: the governance of a checked project as pages that workload teams
//! and auditors read (`charter doc`).
//!
//! IR + catalog in, a list of files out; no IO, and the same input always gives the same
//! bytes. The pages are built once as a small document model ([`page`]) and rendered twice:
//!
//! ```text
//! markdown/README.md, *.md      for GitHub and Azure DevOps wikis (no embedded HTML)
//! markdown/images/*.svg         the pictures the Markdown pages show
//! markdown/.order               page order for an Azure DevOps wiki
//! html/index.html, *.html       self-contained: stylesheet and pictures inline, no script
//! catalog.json                  the same facts for portals and bots
//! ```
//!
//! Pages: the home page, per policy "what you may deploy" and "why was I denied?" (one section
//! per non-compliance message, which the assignments' messages can link to: see
//! [`denied_page_url`]), the content filters, one page per workload, and the exemptions.
//! "Today" is an input: it marks the timeline and decides what retires or expires soon.

mod catalog;
mod facts;
mod html;
mod json;
mod markdown;
mod page;
mod pages;
mod svg;

pub use catalog::{Catalog, Lifecycle, Model, Region, Successor, Version};

use charter_ir::{Artifact, Date, Project};

use crate::page::PageId;

/// The folder of the Markdown pages, inside the output directory.
pub const MARKDOWN_DIR: &str = "markdown";
/// The folder of the HTML pages, inside the output directory.
pub const HTML_DIR: &str = "html";
/// The machine-readable summary, inside the output directory; it records the date the pages
/// were generated for (`as_of`).
pub const CATALOG_FILE: &str = "catalog.json";

/// Everything the pages are generated from.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    /// The checked project.
    pub project: &'a Project,
    /// The models and regions it can name.
    pub catalog: &'a Catalog,
    /// For each filter that extends another, the filter it extends (`customer_facing`,
    /// `baseline`): the IR keeps only the effective settings.
    pub extends: &'a [(String, String)],
    /// The day the pages describe: what is retired, what retires or expires soon.
    pub today: Date,
}

/// Every file of the site, sorted by path.
pub fn site(input: &Input<'_>) -> Vec<Artifact> {
    let built = pages::build(input);
    let site = Site {
        nav: built.nav,
        as_of: input.today,
    };
    let mut artifacts = Vec::new();
    for page in &built.pages {
        artifacts.push(Artifact {
            path: format!("{MARKDOWN_DIR}/{}", markdown::file_name(&page.id)),
            contents: markdown::render(&site, page),
        });
        artifacts.push(Artifact {
            path: format!("{HTML_DIR}/{}", html::file_name(&page.id)),
            contents: html::render(&site, page),
        });
        for block in &page.blocks {
            if let page::Block::Figure(figure) = block {
                artifacts.push(Artifact {
                    path: format!("{MARKDOWN_DIR}/images/{}", figure.file),
                    contents: figure.svg.clone(),
                });
            }
        }
    }
    // Azure DevOps wikis order a folder's pages by its `.order` file, one page name a line.
    let order: String = built
        .pages
        .iter()
        .map(|page| {
            let name = markdown::file_name(&page.id);
            format!("{}\n", name.trim_end_matches(".md"))
        })
        .collect();
    artifacts.push(Artifact {
        path: format!("{MARKDOWN_DIR}/.order"),
        contents: order,
    });
    artifacts.push(Artifact {
        path: CATALOG_FILE.to_owned(),
        contents: json::catalog(input),
    });
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    artifacts.dedup_by(|a, b| a.path == b.path);
    artifacts
}

/// The date a generated site describes, read from its [`CATALOG_FILE`]; `None` when the text is
/// not one.
pub fn as_of(catalog_json: &str) -> Option<Date> {
    let value: serde_json::Value = serde_json::from_str(catalog_json).ok()?;
    Date::parse(value.get("as_of")?.as_str()?).ok()
}

/// The address of one rule's section of a policy's "why was I denied?" page, for the
/// non-compliance messages of the assignments.
///
/// `docs_url` is where the site is published: either the address of the HTML folder (then
/// the page is `denied-<policy>.html` in it), or a template holding `{policy}` and `{rule}`
/// for any other layout (a wiki: `https://dev.azure.com/org/proj/_wiki/wikis/ai?pagePath=/denied-{policy}&anchor={rule}`).
/// `{rule}` is the section's anchor: the rule's reference id in lower case.
pub fn denied_page_url(docs_url: &str, policy: &str, reference_id: &str) -> String {
    let policy_part = page::file_safe(policy);
    let rule = page::anchor(reference_id);
    if docs_url.contains("{policy}") || docs_url.contains("{rule}") {
        return docs_url
            .replace("{policy}", &policy_part)
            .replace("{rule}", &rule);
    }
    format!(
        "{}/{}#{rule}",
        docs_url.trim_end_matches('/'),
        html::file_name(&PageId::Denied(policy.to_owned()))
    )
}

/// What every page shares: the navigation and the date.
pub(crate) struct Site {
    pub nav: Vec<(String, PageId)>,
    pub as_of: Date,
}

/// The line at the foot of every page.
pub(crate) fn footer_text(as_of: Date) -> String {
    format!(
        "Generated by Charter from the policy sources, as of {as_of}. Do not edit these pages: \
         change the sources and run charter doc again."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denied_page_urls_point_at_the_rule() {
        assert_eq!(
            denied_page_url(
                "https://contoso.github.io/ai/",
                "contoso_ai",
                "allowedModels"
            ),
            "https://contoso.github.io/ai/denied-contoso_ai.html#allowedmodels"
        );
        assert_eq!(
            denied_page_url(
                "https://wiki.example/page?path=/denied-{policy}&anchor={rule}",
                "contoso_ai",
                "raiHatePrompt"
            ),
            "https://wiki.example/page?path=/denied-contoso_ai&anchor=raihateprompt"
        );
    }

    #[test]
    fn the_date_is_read_back_from_the_catalog_file() {
        assert_eq!(
            as_of("{\"as_of\": \"2026-11-22\"}").map(|d| d.to_string()),
            Some("2026-11-22".to_owned())
        );
        assert_eq!(as_of("not json"), None);
    }
}
