//! The examples in the docs are code: every ```charter block of `docs/language.md` and
//! `README.md` compiles clean.
//!
//! Blocks are compiled in groups, so that a workload example can refer to the policy example
//! before it. A line `<!-- check: new -->` right before a block starts a new group;
//! `<!-- check: fragment -->` marks a block that is only a piece of a larger construct (the
//! text around it must say so), and it is skipped.

use charter_compiler::{compile, Document};
use charter_syntax::FileId;

struct Block {
    line: usize,
    text: String,
    marker: Option<String>,
}

fn charter_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines().enumerate().peekable();
    let mut previous = "";
    while let Some((number, line)) = lines.next() {
        if line.trim() == "```charter" {
            let marker = previous
                .trim()
                .strip_prefix("<!-- check:")
                .and_then(|rest| rest.strip_suffix("-->"))
                .map(|word| word.trim().to_string());
            let mut text = String::new();
            for (_, body) in lines.by_ref() {
                if body.trim() == "```" {
                    break;
                }
                text.push_str(body);
                text.push('\n');
            }
            blocks.push(Block {
                line: number + 1,
                text,
                marker,
            });
        }
        if !line.trim().is_empty() {
            previous = line;
        }
    }
    blocks
}

fn check_groups(name: &str, markdown: &str) {
    let blocks = charter_blocks(markdown);
    assert!(!blocks.is_empty(), "{name} has no charter examples");
    let mut groups: Vec<Vec<&Block>> = vec![Vec::new()];
    for block in &blocks {
        match block.marker.as_deref() {
            Some("fragment") => continue,
            Some("new") => groups.push(vec![block]),
            Some(other) => panic!("{name}:{}: unknown marker `{other}`", block.line),
            None => groups.last_mut().expect("a group").push(block),
        }
    }
    let options = charter_test_support::options();
    for group in groups.iter().filter(|group| !group.is_empty()) {
        let documents = group
            .iter()
            .enumerate()
            .map(|(index, block)| Document {
                id: FileId(index as u32),
                path: format!("{name}:{}", block.line),
                text: block.text.clone(),
                is_stdlib: false,
            })
            .collect();
        let compilation = compile(documents, &options);
        let problems: Vec<String> = compilation
            .diagnostics
            .iter()
            .map(|d| {
                let path = compilation
                    .document(d.primary.span.file)
                    .map(|doc| doc.path.clone())
                    .unwrap_or_default();
                format!("{path}: {}[{}] {}", d.severity.as_str(), d.code, d.message)
            })
            .collect();
        assert!(
            problems.is_empty(),
            "examples in {name} do not check clean:\n{}",
            problems.join("\n")
        );
    }
}

#[test]
fn the_language_reference_examples_check_clean() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/language.md"))
        .unwrap_or_default();
    check_groups("docs/language.md", &text);
}

#[test]
fn the_catalog_guide_examples_check_clean() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/catalog.md"))
        .expect("docs/catalog.md");
    check_groups("docs/catalog.md", &text);
}

#[test]
fn the_readme_example_checks_clean() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .unwrap_or_default();
    let mut with_prelude = String::from(
        "<!-- check: new -->\n```charter\nfilter baseline extends std.filters.default {\n  prompt { jailbreak: block }\n}\n\npolicy contoso_ai {\n  scope: management_group(\"contoso-ai\")\n  filters: at_least baseline\n}\n```\n\n",
    );
    with_prelude.push_str(&text);
    check_groups("README.md", &with_prelude);
}

/// The product design's own example (DESIGN.md, section 2, which the team keeps beside the
/// repository) is valid Charter.
#[test]
fn the_design_example_checks_clean() {
    let Some(path) = charter_test_support::require_shared_file("DESIGN.md") else {
        return;
    };
    let text = std::fs::read_to_string(&path).expect("read the product design");
    // The design's example names a blocklist without declaring it: Charter now requires the
    // declaration (docs/notes/0001-uniform-syntax.md, Amendments), so the test supplies one.
    let declared = text.replacen(
        "```charter\n",
        "```charter\nblocklist \"profanity\" {\n  terms: [\"example\"]\n}\n\n",
        1,
    );
    check_groups("DESIGN.md", &declared);
}
