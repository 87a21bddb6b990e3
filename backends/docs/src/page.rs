//! The pages as a small document model, written once and rendered twice (Markdown and HTML), so
//! that the two forms of the site always say the same thing.

/// One page of the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Page {
    /// The file stem: `README` or `index` is chosen by the renderer for [`PageId::Home`].
    pub id: PageId,
    /// The `<h1>` and the HTML `<title>`.
    pub title: String,
    pub blocks: Vec<Block>,
}

/// Which page a link points at. File names derive from it, per output form.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum PageId {
    Home,
    /// "What you may deploy" under one policy.
    Policy(String),
    /// "Why was I denied?" for one policy.
    Denied(String),
    Filters,
    Workload(String),
    Exemptions,
}

impl PageId {
    /// The file stem, the same in both forms except the home page.
    pub fn stem(&self) -> String {
        match self {
            PageId::Home => "index".to_owned(),
            PageId::Policy(name) => format!("policy-{}", file_safe(name)),
            PageId::Denied(name) => format!("denied-{}", file_safe(name)),
            PageId::Filters => "filters".to_owned(),
            PageId::Workload(name) => format!("workload-{}", file_safe(name)),
            PageId::Exemptions => "exemptions".to_owned(),
        }
    }
}

/// A name as a file-name part: Charter names are `[a-z0-9_]`, but nothing else may slip into a
/// path (a `/` or `..` would leave the output directory).
pub(crate) fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// A block of a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Block {
    /// A section heading (level 2 or 3); its anchor is [`anchor`] of the text.
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(Vec<Inline>),
    /// A bulleted list; each item is one line.
    List(Vec<Vec<Inline>>),
    /// A table; every row has as many cells as `head`.
    Table {
        head: Vec<String>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    /// Text quoted verbatim (a non-compliance message as Azure shows it).
    Quote(String),
    /// A highlighted note.
    Callout {
        tone: Tone,
        content: Vec<Inline>,
    },
    /// A picture: an SVG file beside the Markdown pages, inline in the HTML ones.
    Figure(Figure),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tone {
    /// Something to act on soon.
    Warning,
    /// Something already wrong.
    Danger,
    /// Background a reader needs.
    Note,
}

impl Tone {
    pub fn label(self) -> &'static str {
        match self {
            Tone::Warning => "Warning",
            Tone::Danger => "Action needed",
            Tone::Note => "Note",
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Tone::Warning => "warning",
            Tone::Danger => "danger",
            Tone::Note => "note",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Figure {
    /// The file name under `images/` (`retirements-contoso_ai.svg`).
    pub file: String,
    /// What the picture shows, for readers who cannot see it.
    pub alt: String,
    pub caption: String,
    pub svg: String,
}

/// A run of text inside a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Inline {
    Text(String),
    /// A name or value as written in the sources or in Azure (`gpt-4.1`, `raiPolicyName`).
    Code(String),
    Strong(String),
    Link {
        label: String,
        /// Show the label as code.
        code: bool,
        to: PageId,
        anchor: Option<String>,
    },
}

/// Shorthands for building inline runs.
pub(crate) fn text(value: impl Into<String>) -> Inline {
    Inline::Text(value.into())
}

pub(crate) fn code(value: impl Into<String>) -> Inline {
    Inline::Code(value.into())
}

pub(crate) fn strong(value: impl Into<String>) -> Inline {
    Inline::Strong(value.into())
}

pub(crate) fn link(label: impl Into<String>, to: PageId) -> Inline {
    Inline::Link {
        label: label.into(),
        code: false,
        to,
        anchor: None,
    }
}

pub(crate) fn link_to(label: impl Into<String>, to: PageId, heading: &str) -> Inline {
    Inline::Link {
        label: label.into(),
        code: false,
        to,
        anchor: Some(anchor(heading)),
    }
}

pub(crate) fn code_link(label: impl Into<String>, to: PageId, heading: Option<&str>) -> Inline {
    Inline::Link {
        label: label.into(),
        code: true,
        to,
        anchor: heading.map(anchor),
    }
}

/// The anchor GitHub, Azure DevOps wikis and our HTML give a heading: lower case, spaces as
/// `-`, punctuation other than `-` and `_` dropped. Headings that are link targets are kept
/// unique within their page, so no `-1` suffix is ever needed.
pub(crate) fn anchor(heading: &str) -> String {
    heading
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Text from the sources (a doc comment, a reason) as paragraphs: blank lines separate them,
/// single line breaks are spaces.
pub(crate) fn paragraphs(source: &str) -> Vec<String> {
    source
        .split("\n\n")
        .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|paragraph| !paragraph.is_empty())
        .collect()
}

/// Text on one line (for table cells).
pub(crate) fn one_line(source: &str) -> String {
    source.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_follow_the_wikis_rules() {
        assert_eq!(anchor("allowedModels"), "allowedmodels");
        assert_eq!(anchor("Filter customer_facing"), "filter-customer_facing");
        assert_eq!(anchor("std.filters.default"), "stdfiltersdefault");
        assert_eq!(anchor("gpt-5.5 (2026-04-24)"), "gpt-55-2026-04-24");
    }

    #[test]
    fn names_cannot_leave_the_output_directory() {
        assert_eq!(file_safe("../etc"), "---etc");
        assert_eq!(PageId::Workload("a/b".into()).stem(), "workload-a-b");
    }

    #[test]
    fn source_text_becomes_paragraphs() {
        assert_eq!(
            paragraphs("one\ntwo\n\n  three  "),
            vec!["one two".to_owned(), "three".to_owned()]
        );
    }
}
