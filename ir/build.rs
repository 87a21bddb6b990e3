//! Turns `data/controls.tsv` (Azure's content-filter sides, controls and actions, as data) into
//! the keyword enums `Side`, `Category` and `ShieldMode` and their Azure spellings, so that a
//! filter name, a source or an action Azure adds is a row of data, not code.

#![expect(
    clippy::disallowed_methods,
    clippy::disallowed_macros,
    reason = "a build script runs when the crate is built: reading its data file, writing \
              OUT_DIR and telling cargo what it read are its job; the crate does no IO"
)]

use std::fmt::Write as _;

fn main() {
    println!("cargo:rerun-if-changed=data/controls.tsv");
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo");
    let text = std::fs::read_to_string(format!("{manifest}/data/controls.tsv"))
        .expect("ir/data/controls.tsv is part of the crate");
    let mut sections: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            sections.push((name.to_string(), Vec::new()));
            continue;
        }
        let Some((_, rows)) = sections.last_mut() else {
            panic!("controls.tsv:{}: a row before any [section]", number + 1);
        };
        rows.push(line.split('\t').map(str::to_string).collect());
    }
    let rows = |name: &str, columns: usize| -> Vec<Vec<String>> {
        let rows = sections
            .iter()
            .find(|(section, _)| section == name)
            .map(|(_, rows)| rows.clone())
            .unwrap_or_else(|| panic!("controls.tsv has no [{name}] section"));
        for row in &rows {
            assert_eq!(
                row.len(),
                columns,
                "controls.tsv [{name}]: {row:?} needs {columns} columns"
            );
        }
        rows
    };
    let sides = rows("sides", 4);
    let controls = rows("controls", 7);
    let actions = rows("actions", 5);
    let side_names: Vec<&str> = sides.iter().map(|row| row[0].as_str()).collect();

    let mut out = String::new();
    // Side.
    enum_of(&mut out, "Side", "Where a filter control applies: an intervention point (Azure's `contentFilters[].source`).", &sides, 3);
    let _ = writeln!(out, "impl Side {{");
    str_fn(
        &mut out,
        "Side",
        "azure_source",
        "The `source` value Azure spells this side with.",
        &sides,
        1,
    );
    str_fn(
        &mut out,
        "Side",
        "doc",
        "What the side checks, in the user's words.",
        &sides,
        3,
    );
    let _ = writeln!(out, "    /// Whether only agents pass through this side (tool calls, tool responses, runs).\n    pub const fn agents_only(self) -> bool {{\n        match self {{");
    for row in &sides {
        let _ = writeln!(
            out,
            "            Side::{} => {},",
            variant(&row[0]),
            audience_agents(&row[2])
        );
    }
    let _ = writeln!(out, "        }}\n    }}\n}}\n");

    // Category.
    enum_of(
        &mut out,
        "Category",
        "A content-filter control (Azure's `contentFilters[].name`).",
        &controls,
        6,
    );
    let _ = writeln!(out, "impl Category {{");
    str_fn(
        &mut out,
        "Category",
        "azure_name",
        "The `name` Azure spells this control with.",
        &controls,
        1,
    );
    str_fn(
        &mut out,
        "Category",
        "doc",
        "What the control detects, in the user's words.",
        &controls,
        6,
    );
    let _ = writeln!(out, "    /// Whether a filter that extends nothing must set it on the prompt and the completion.\n    pub const fn required(self) -> bool {{\n        match self {{");
    for row in &controls {
        let required = match row[5].as_str() {
            "yes" => true,
            "no" => false,
            other => panic!("controls.tsv: required `{other}` is neither yes nor no"),
        };
        let _ = writeln!(
            out,
            "            Category::{} => {required},",
            variant(&row[0])
        );
    }
    let _ = writeln!(out, "        }}\n    }}\n");
    let _ = writeln!(out, "    /// Harm categories take a severity threshold; the others are shields (an action or `off`).\n    pub const fn is_harm(self) -> bool {{\n        match self {{");
    for row in &controls {
        let harm = match row[2].as_str() {
            "severity" => true,
            "shield" => false,
            other => panic!("controls.tsv: kind `{other}` is neither severity nor shield"),
        };
        let _ = writeln!(out, "            Category::{} => {harm},", variant(&row[0]));
    }
    let _ = writeln!(out, "        }}\n    }}\n");
    let mut pairs = Vec::new();
    for row in &controls {
        for side in row[3].split(',') {
            assert!(
                side_names.contains(&side),
                "controls.tsv: `{}` names unknown side `{side}`",
                row[0]
            );
            pairs.push(format!(
                "(Category::{}, Side::{})",
                variant(&row[0]),
                variant(side)
            ));
        }
    }
    let _ = writeln!(
        out,
        "    /// Whether the control exists on that side.\n    pub const fn applies_to(self, side: Side) -> bool {{\n        matches!(\n            (self, side),\n            {}\n        )\n    }}\n",
        pairs.join("\n                | ")
    );
    let _ = writeln!(out, "    /// Who the control works for: everyone, agents only, or direct model calls only.\n    pub const fn audience(self) -> Audience {{\n        match self {{");
    for row in &controls {
        let audience = match row[4].as_str() {
            "all" => "All",
            "agents" => "Agents",
            "models" => "Models",
            other => panic!("controls.tsv: audience `{other}` is not all, agents or models"),
        };
        let _ = writeln!(
            out,
            "            Category::{} => Audience::{audience},",
            variant(&row[0])
        );
    }
    let _ = writeln!(out, "        }}\n    }}\n}}\n");

    // ShieldMode.
    enum_of(
        &mut out,
        "ShieldMode",
        "What a shield does with what it detects (Azure's `contentFilters[].action`).",
        &actions,
        4,
    );
    let _ = writeln!(out, "impl ShieldMode {{");
    str_fn(
        &mut out,
        "ShieldMode",
        "azure_action",
        "The `action` Azure spells this with.",
        &actions,
        1,
    );
    str_fn(
        &mut out,
        "ShieldMode",
        "doc",
        "What the action does, in the user's words.",
        &actions,
        4,
    );
    let _ = writeln!(out, "    /// Whether Azure's `blocking` flag is set.\n    pub const fn blocks(self) -> bool {{\n        match self {{");
    for row in &actions {
        let blocks: bool = row[2]
            .parse()
            .expect("controls.tsv: blocking is true or false");
        let _ = writeln!(
            out,
            "            ShieldMode::{} => {blocks},",
            variant(&row[0])
        );
    }
    let _ = writeln!(out, "        }}\n    }}\n");
    let _ = writeln!(out, "    /// How strict the action is: higher is stricter; `off` is 0.\n    pub const fn strictness(self) -> u8 {{\n        match self {{");
    for row in &actions {
        let strictness: u8 = row[3]
            .parse()
            .expect("controls.tsv: strictness is a small number");
        let _ = writeln!(
            out,
            "            ShieldMode::{} => {strictness},",
            variant(&row[0])
        );
    }
    let _ = writeln!(out, "        }}\n    }}\n}}");

    let path = format!(
        "{}/controls.rs",
        std::env::var("OUT_DIR").expect("set by cargo")
    );
    std::fs::write(path, out).expect("OUT_DIR is writable");
}

/// `self_harm` → `SelfHarm`.
fn variant(word: &str) -> String {
    word.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn audience_agents(audience: &str) -> bool {
    match audience {
        "all" => false,
        "agents" => true,
        other => panic!("controls.tsv: side audience `{other}` is not all or agents"),
    }
}

fn enum_of(out: &mut String, name: &str, doc: &str, rows: &[Vec<String>], doc_column: usize) {
    let _ = writeln!(out, "keywords! {{\n    /// {doc}\n    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]\n    #[serde(rename_all = \"snake_case\")]\n    pub enum {name} {{");
    for row in rows {
        let _ = writeln!(
            out,
            "        /// {}\n        {} => {:?},",
            row[doc_column],
            variant(&row[0]),
            row[0]
        );
    }
    let _ = writeln!(out, "    }}\n}}\n");
}

fn str_fn(
    out: &mut String,
    name: &str,
    function: &str,
    doc: &str,
    rows: &[Vec<String>],
    column: usize,
) {
    let _ = writeln!(out, "    /// {doc}\n    pub const fn {function}(self) -> &'static str {{\n        match self {{");
    for row in rows {
        let _ = writeln!(
            out,
            "            {name}::{} => {:?},",
            variant(&row[0]),
            row[column]
        );
    }
    let _ = writeln!(out, "        }}\n    }}\n");
}
