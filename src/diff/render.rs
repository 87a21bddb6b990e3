//! `charter diff`'s report in its three forms: for a terminal, as one JSON document, and as
//! Markdown made for a pull-request comment (a summary line, then the loosening changes first).

use super::objects::ObjectChange;
use super::semantic::{summarize, Change, Classification};
use serde::Serialize;
use serde_json::{json, Value};

/// One of the two versions compared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Version {
    /// `revision`, `working_tree` or `directory`.
    pub kind: &'static str,
    /// As the user gave it (`main`, `HEAD~1`, `../old`), or `working tree`.
    pub name: String,
    /// The commit a revision resolved to.
    pub commit: Option<String>,
    /// Whether the project exists in this version (a project added or removed by the change
    /// exists in one version only, and is compared with an empty project).
    pub exists: bool,
}

impl Version {
    /// `main (1a2b3c4d5e6f)`, `the working tree`, `` `../old` ``.
    pub fn label(&self) -> String {
        match (&self.commit, self.kind) {
            (Some(commit), _) => format!("{} ({})", self.name, super::git::short(commit)),
            (None, "working_tree") => "the working tree".to_string(),
            (None, _) => self.name.clone(),
        }
    }
}

/// Everything `charter diff` found.
#[derive(Clone, Debug)]
pub struct Report {
    /// The project's path as the user gave it.
    pub project: String,
    pub base: Version,
    pub head: Version,
    pub changes: Vec<Change>,
    pub objects: Vec<ObjectChange>,
    /// `--fail-on`, and whether it failed the run.
    pub fail_on: Option<&'static str>,
    pub failed: bool,
}

impl Report {
    /// `2 loosening, 1 tightening, 0 neutral`.
    fn counts(&self) -> String {
        let summary = summarize(&self.changes);
        format!(
            "{} loosening, {} tightening, {} neutral",
            summary.loosening, summary.tightening, summary.neutral
        )
    }
}

fn heading(classification: Classification) -> &'static str {
    match classification {
        Classification::Loosening => "Loosening",
        Classification::Tightening => "Tightening",
        Classification::Neutral => "Neutral",
    }
}

const ORDER: [Classification; 3] = [
    Classification::Loosening,
    Classification::Tightening,
    Classification::Neutral,
];

fn affects_text(change: &Change) -> Option<String> {
    let mut parts = Vec::new();
    if !change.affects.workloads.is_empty() {
        parts.push(format!(
            "workload{} {}",
            if change.affects.workloads.len() == 1 {
                ""
            } else {
                "s"
            },
            change.affects.workloads.join(", ")
        ));
    }
    if !change.affects.endpoints.is_empty() {
        parts.push(format!(
            "endpoint{} {}",
            if change.affects.endpoints.len() == 1 {
                ""
            } else {
                "s"
            },
            change.affects.endpoints.join(", ")
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn object_symbol(action: &str) -> &'static str {
    match action {
        "create" => "+",
        "delete" => "-",
        "replace" => "-/+",
        _ => "~",
    }
}

/// The report for a terminal: plain text, sections per classification. `colored` adds ANSI
/// colour to the section headings.
pub fn human(report: &Report, colored: bool) -> String {
    // Names, reasons and scopes come from the sources, which come from pull requests: no
    // control character or escape sequence of theirs reaches the terminal.
    let clean = charter_syntax::diagnostic::sanitize;
    let paint = |text: &str, code: &str| {
        if colored {
            format!("\u{1b}[{code}m{text}\u{1b}[0m")
        } else {
            text.to_string()
        }
    };
    let mut out = format!(
        "charter diff {}: {} -> {}\n",
        clean(&report.project),
        clean(&report.base.label()),
        clean(&report.head.label())
    );
    if report.changes.is_empty() {
        out.push_str("no change in meaning\n");
    } else {
        out.push_str(&format!(
            "{} change{} in meaning: {}\n",
            report.changes.len(),
            if report.changes.len() == 1 { "" } else { "s" },
            report.counts()
        ));
    }
    for classification in ORDER {
        let changes: Vec<&Change> = report
            .changes
            .iter()
            .filter(|change| change.classification == classification)
            .collect();
        if changes.is_empty() {
            continue;
        }
        let color = match classification {
            Classification::Loosening => "1;31",
            Classification::Tightening => "1;32",
            Classification::Neutral => "1",
        };
        out.push_str(&format!(
            "\n{}\n",
            paint(
                &format!("{} ({})", heading(classification), changes.len()),
                color
            )
        ));
        for change in changes {
            out.push_str(&format!("  {}\n", clean(&change.message)));
            match affects_text(change) {
                Some(affects) => out.push_str(&format!("      affects {}\n", clean(&affects))),
                None if change.classification != Classification::Neutral => {
                    out.push_str("      affects no workload or endpoint the project declares\n")
                }
                None => {}
            }
        }
    }
    if !report.objects.is_empty() {
        out.push_str(&format!(
            "\n{}\n",
            paint(
                &format!(
                    "Azure objects that would change ({}; from the builds, without contacting Azure)",
                    report.objects.len()
                ),
                "1"
            )
        ));
        for object in &report.objects {
            out.push_str(&format!(
                "  {:<3} {} {}\n",
                object_symbol(object.action),
                object.kind,
                clean(&object.id)
            ));
            if !object.properties.is_empty() {
                out.push_str(&format!(
                    "        {}\n",
                    clean(&object.properties.join(", "))
                ));
            }
            for reason in &object.replace_reasons {
                out.push_str(&format!("        replaced: {}\n", clean(reason)));
            }
        }
    }
    out
}

/// The report as the JSON document (with the common envelope).
pub fn json(report: &Report) -> Value {
    let mut document = crate::render::json::envelope();
    document.insert("project".into(), json!(report.project));
    document.insert("base".into(), json!(report.base));
    document.insert("head".into(), json!(report.head));
    document.insert("summary".into(), json!(summarize(&report.changes)));
    document.insert("changes".into(), json!(report.changes));
    document.insert("azure_objects".into(), json!(report.objects));
    document.insert(
        "fail_on".into(),
        json!(report
            .fail_on
            .map(|fail_on| json!({ "on": fail_on, "failed": report.failed }))),
    );
    Value::Object(document)
}

/// The report as Markdown for a pull-request comment. It starts with an HTML comment that
/// marks it, so that a pipeline can find and update its own comment.
pub fn markdown(report: &Report) -> String {
    let summary = summarize(&report.changes);
    let mut out = String::from("<!-- charter-diff -->\n");
    let icon = if summary.loosening > 0 { "⚠️ " } else { "" };
    if report.changes.is_empty() {
        out.push_str(&format!(
            "### Charter: no change in meaning in {}\n\n",
            code(&report.project)
        ));
    } else {
        out.push_str(&format!(
            "### {icon}Charter: {} in {}\n\n",
            report.counts(),
            code(&report.project)
        ));
    }
    out.push_str(&format!(
        "{} → {}",
        label_markdown(&report.base),
        label_markdown(&report.head)
    ));
    if let Some(fail_on) = report.fail_on {
        if report.failed {
            out.push_str(&format!(
                " · **this change needs approval** (`--fail-on {fail_on}`)"
            ));
        }
    }
    out.push_str("\n\n");
    for classification in ORDER {
        let changes: Vec<&Change> = report
            .changes
            .iter()
            .filter(|change| change.classification == classification)
            .collect();
        if changes.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "#### {} ({})\n\n| Change | Affects |\n|---|---|\n",
            heading(classification),
            changes.len()
        ));
        for change in changes {
            let mut affects = Vec::new();
            if !change.affects.workloads.is_empty() {
                affects.push(format!(
                    "workloads: {}",
                    change
                        .affects
                        .workloads
                        .iter()
                        .map(|name| code(name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if !change.affects.endpoints.is_empty() {
                affects.push(format!(
                    "endpoints: {}",
                    change
                        .affects
                        .endpoints
                        .iter()
                        .map(|name| code(name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            let affects = if affects.is_empty() {
                "none declared in the project".to_string()
            } else {
                affects.join("<br>")
            };
            out.push_str(&format!("| {} | {affects} |\n", inline(&change.message)));
        }
        out.push('\n');
    }
    if !report.objects.is_empty() {
        out.push_str(&format!(
            "<details><summary>Azure objects that would change ({}), from the builds, without contacting Azure</summary>\n\n| | Kind | Id | Properties |\n|---|---|---|---|\n",
            report.objects.len()
        ));
        for object in &report.objects {
            let mut properties: Vec<String> = object.properties.iter().map(|p| code(p)).collect();
            properties.extend(object.replace_reasons.iter().map(|reason| inline(reason)));
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                object.action,
                inline(&object.kind),
                code(&object.id),
                properties.join("<br>")
            ));
        }
        out.push_str("\n</details>\n");
    }
    out
}

fn label_markdown(version: &Version) -> String {
    match (&version.commit, version.kind) {
        (Some(commit), _) => format!(
            "{} ({})",
            code(&version.name),
            code(super::git::short(commit))
        ),
        (None, "working_tree") => "the working tree".to_string(),
        (None, _) => code(&version.name),
    }
}

/// Text as one code span, whatever it holds: a span delimited by more backticks than it
/// contains, table pipes escaped, control characters removed.
fn code(text: &str) -> String {
    let text = charter_syntax::diagnostic::sanitize(text).replace('|', "\\|");
    let mut longest = 0;
    let mut run = 0;
    for ch in text.chars() {
        if ch == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    if longest == 0 {
        format!("`{text}`")
    } else {
        format!("{fence} {text} {fence}")
    }
}

/// A message written with `` `code` `` spans, made safe for a table cell: the spans stay spans;
/// the text between them has Markdown and HTML characters escaped, so that names and reasons
/// from a pull request cannot add links, mentions, images or markup to the comment.
fn inline(message: &str) -> String {
    let message = charter_syntax::diagnostic::sanitize(message);
    let mut out = String::new();
    for (index, part) in message.split('`').enumerate() {
        if index % 2 == 1 {
            out.push_str(&code(part));
        } else {
            for ch in part.chars() {
                match ch {
                    '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '~' | '@'
                    | '&' => {
                        out.push('\\');
                        out.push(ch);
                    }
                    _ => out.push(ch),
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_hold_any_text() {
        assert_eq!(code("gpt-4.1"), "`gpt-4.1`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("a|b"), "`a\\|b`");
    }

    #[test]
    fn text_outside_spans_cannot_add_markup() {
        assert_eq!(
            inline("reason `x` for @team <img src=x> [link](y)"),
            "reason `x` for \\@team \\<img src=x\\> \\[link\\](y)"
        );
    }
}
