//! Whole-project tests: the bundled example checks clean, the symbol index answers the
//! language server's questions, the IR carries resolved values, and no input panics.

use charter_compiler::symbols::SymbolKind;
use charter_compiler::{compile, Compilation, Document};
use charter_syntax::FileId;
use charter_test_support::{apply_fix, compile_source as compile_one, options, read_project};

fn describe(compilation: &Compilation) -> String {
    compilation
        .diagnostics
        .iter()
        .map(|d| {
            let path = compilation
                .document(d.primary.span.file)
                .map_or("?", |doc| doc.path.as_str());
            format!("{path}@{}: {} {}", d.primary.span.start, d.code, d.message)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_stdlib_alone_compiles_clean() {
    let compilation = compile(Vec::new(), &options());
    assert!(
        compilation.diagnostics.is_empty(),
        "{}",
        describe(&compilation)
    );
    assert!(compilation.catalog.model("gpt-4.1").is_some());
    assert!(compilation.catalog.region("swedencentral").is_some());
    let stdlib: Vec<&str> = compilation
        .documents
        .iter()
        .map(|d| d.path.as_str())
        .collect();
    assert_eq!(
        stdlib,
        [
            "std/filters.charter",
            "std/models.charter",
            "std/regions.charter"
        ]
    );
    assert!(compilation.documents.iter().all(|d| d.is_stdlib));
}

#[test]
fn the_contoso_example_checks_clean() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/contoso");
    let documents = read_project(&dir);
    assert!(!documents.is_empty(), "examples/contoso has .charter files");
    let compilation = compile(documents, &options());
    assert!(
        compilation.diagnostics.is_empty(),
        "{}",
        describe(&compilation)
    );
    assert!(!compilation.project.policies.is_empty());
}

const PROJECT: &str = r#"/// Terms never to echo.
blocklist "profanity" {
  terms: ["darn"]
}

/// Stricter on hate.
filter careful extends std.filters.default {
  prompt { hate: low }
  blocklists: ["profanity"]
}

policy guardrails {
  display_name: "Guardrails"
  scope: [management_group("contoso-ai"), subscription("prod")]
  definitions_at: management_group("contoso-ai")
  effect: audit
  models {
    allow "gpt-5.6-sol" versions ["2026-07-09"]
  }
  filters: at_least std.filters.default
  regions: ["swedencentral", "westeurope"]
  max_capacity: 300 units
  retirement_warning: 3 months
  exempt resource_group("rg-lab") under subscription("prod") until 2027-01-31 as mitigated "Isolated network"
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
  data_zone: eu
  apps: [web, mobile]
  budget: 1500.50 EUR quarterly alert_at [100%, 50%] notify ["finops@contoso.com"]

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: data_zone_standard capacity 100
    filter: careful
    regions: ["swedencentral", "westeurope"] redundancy active_passive standby 20
    serves: [web, mobile]
  }
}
"#;

#[test]
fn lowering_resolves_every_reference_and_applies_extends() {
    let compilation = compile_one(PROJECT);
    assert!(
        compilation.diagnostics.is_empty(),
        "{}",
        describe(&compilation)
    );
    let project = &compilation.project;
    let policy = &project.policies[0];
    assert_eq!(policy.effect, charter_ir::Effect::Audit);
    assert_eq!(policy.scopes.len(), 2);
    // Stored at the `definitions_at:` group, above both assignments.
    assert_eq!(
        policy.definitions_scope,
        Some(charter_ir::Scope::ManagementGroup("contoso-ai".to_string()))
    );
    assert_eq!(policy.retirement_warning_days, 90);
    assert_eq!(policy.approved_filters, ["careful"]);
    assert_eq!(policy.owner_tag, "charter-workload");
    assert_eq!(
        policy.exemptions[0].category,
        charter_ir::ExemptionCategory::Mitigated
    );
    assert_eq!(
        policy.exemptions[0].assignment_scope,
        charter_ir::Scope::Subscription("prod".to_string())
    );
    let minimum = policy
        .minimum_filter
        .as_ref()
        .expect("the policy has a minimum");
    assert_eq!(minimum.name, "std.filters.default");
    assert_eq!(minimum.settings.len(), 12);

    let workload = &project.workloads[0];
    assert_eq!(workload.policy, "guardrails");
    assert_eq!(workload.apps.len(), 2);
    let budget = workload.budget.as_ref().expect("the workload has a budget");
    assert_eq!(
        (budget.amount.as_str(), budget.currency.as_str()),
        ("1500.50", "EUR")
    );
    assert_eq!(budget.alert_thresholds, [50, 100]);
    let endpoint = &workload.endpoints[0];
    assert_eq!(endpoint.model.format, "OpenAI");
    assert_eq!(endpoint.standby_capacity, Some(20));
    assert_eq!(endpoint.serves, ["web", "mobile"]);
    let filter = &endpoint.filter;
    assert_eq!(filter.name, "careful");
    let listed: Vec<(&str, charter_ir::Side)> = filter
        .blocklists
        .iter()
        .map(|b| (b.name.as_str(), b.side))
        .collect();
    assert_eq!(
        listed,
        [
            ("profanity", charter_ir::Side::Prompt),
            ("profanity", charter_ir::Side::Completion)
        ]
    );
    use charter_ir::{Category, Level, Side, Threshold};
    assert_eq!(
        filter.level(Side::Prompt, Category::Hate),
        Some(Level::Severity(Threshold::Low))
    );
    // Inherited from std.filters.default.
    assert_eq!(
        filter.level(Side::Completion, Category::Hate),
        Some(Level::Severity(Threshold::Medium))
    );
    let names: Vec<&str> = project.filters.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["careful", "std.filters.default"]);
}

#[test]
fn the_symbol_index_links_references_to_declarations() {
    let compilation = compile_one(PROJECT);
    let symbols = &compilation.symbols;
    let offset = |needle: &str| PROJECT.find(needle).expect("needle is in the source");

    // `filter: careful` goes to the filter's declaration.
    let use_site = offset("filter: careful") + "filter: ".len();
    let target = symbols
        .symbol_at(FileId(0), use_site)
        .expect("a reference at the use site");
    let declaration = symbols.declaration(target).expect("the target exists");
    assert_eq!(
        (declaration.kind, declaration.name.as_str()),
        (SymbolKind::Filter, "careful")
    );
    assert_eq!(declaration.doc.as_deref(), Some("Stricter on hate."));
    assert_eq!(
        declaration.name_span.start as usize,
        offset("careful extends")
    );
    assert_eq!(symbols.references_to(target).count(), 1);

    // `extends std.filters.default` goes into the stdlib.
    let base = symbols
        .symbol_at(FileId(0), offset("std.filters.default {") + 4)
        .expect("a reference to the stdlib filter");
    let base = symbols.declaration(base).expect("the stdlib filter");
    assert!(base.is_stdlib);
    assert_eq!(base.name, "std.filters.default");

    // Catalog strings are references too.
    let region = symbols
        .symbol_at(FileId(0), offset("\"westeurope\"] redundancy") + 2)
        .and_then(|id| symbols.declaration(id))
        .expect("a region reference");
    assert_eq!(
        (region.kind, region.name.as_str()),
        (SymbolKind::Region, "westeurope")
    );
    let version = symbols
        .symbol_at(
            FileId(0),
            offset("version \"2026-07-09\"\n    deployment") + 10,
        )
        .and_then(|id| symbols.declaration(id))
        .expect("a version reference");
    assert_eq!(version.kind, SymbolKind::ModelVersion);
    assert_eq!(version.container.as_deref(), Some("gpt-5.6-sol"));

    // Apps, endpoints and workloads are document symbols.
    let kinds: Vec<SymbolKind> = symbols
        .declarations_in(FileId(0))
        .map(|(_, d)| d.kind)
        .collect();
    for kind in [
        SymbolKind::Filter,
        SymbolKind::Policy,
        SymbolKind::Workload,
        SymbolKind::App,
        SymbolKind::Endpoint,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} in {kinds:?}");
    }
    let web = symbols
        .symbol_at(FileId(0), offset("serves: [web") + 9)
        .expect("a reference to app web");
    assert_eq!(symbols.references_to(web).count(), 1);
}

#[test]
fn errors_in_one_place_do_not_hide_checks_elsewhere() {
    let source = PROJECT
        .replace("filter: careful", "filter: carefull")
        .replace("\"westeurope\"] redundancy", "\"westeurop\"] redundancy");
    let compilation = compile_one(&source);
    let codes: Vec<&str> = compilation.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["E0101", "E0303"], "{}", describe(&compilation));
    let fix = compilation.diagnostics[0]
        .fix
        .as_ref()
        .expect("a did-you-mean fix");
    assert_eq!(fix.edits[0].new_text, "careful");
}

#[test]
fn duplicates_across_files_point_at_both() {
    let documents = vec![
        Document {
            id: FileId(0),
            path: "a.charter".to_string(),
            text: "filter same extends std.filters.default {\n  mode: default\n}\n".to_string(),
            is_stdlib: false,
        },
        Document {
            id: FileId(1),
            path: "b.charter".to_string(),
            text: "policy same {\n  scope: subscription(\"x\")\n}\n".to_string(),
            is_stdlib: false,
        },
    ];
    let compilation = compile(documents, &options());
    assert_eq!(
        compilation.diagnostics.len(),
        1,
        "{}",
        describe(&compilation)
    );
    let diagnostic = &compilation.diagnostics[0];
    assert_eq!(diagnostic.code, "E0102");
    assert_eq!(diagnostic.primary.span.file, FileId(1));
    assert_eq!(diagnostic.secondary[0].span.file, FileId(0));
}

/// A small deterministic generator (xorshift), so failures reproduce without a seed file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn garbage_and_mutated_inputs_never_panic() {
    const PIECES: &[&str] = &[
        "filter",
        "policy",
        "workload",
        "endpoint",
        "app",
        "model",
        "region",
        "version",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        ":",
        ",",
        "\"",
        "extends",
        "std.filters.default",
        "a",
        "b",
        "\n",
        " ",
        "100",
        "50%",
        "2000 USD",
        "90 days",
        "2027-01-31",
        "low",
        "block",
        "governed_by:",
        "serves:",
        "regions:",
        "management_group(\"x\")",
        "é",
        "😀",
        "//",
        "/*",
        "*/",
        "///",
        "\\",
        "\u{1b}[31m",
        "exempt",
        "under",
        "until",
        "as",
        "at_least",
        "redundancy",
        "standby",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..60 {
        let mut text = String::new();
        for _ in 0..rng.below(60) {
            text.push_str(PIECES[rng.below(PIECES.len())]);
        }
        let _ = compile_one(&text);
    }
    // Mutations of a valid project: delete, duplicate or replace a byte range.
    for _ in 0..60 {
        let mut bytes = PROJECT.as_bytes().to_vec();
        for _ in 0..1 + rng.below(3) {
            let start = rng.below(bytes.len());
            let end = (start + rng.below(12)).min(bytes.len());
            match rng.below(3) {
                0 => {
                    bytes.drain(start..end);
                }
                1 => {
                    let copy = bytes[start..end].to_vec();
                    bytes.splice(start..start, copy);
                }
                _ => {
                    let piece = PIECES[rng.below(PIECES.len())].as_bytes().to_vec();
                    bytes.splice(start..end, piece);
                }
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let _ = compile_one(&text);
    }
}

/// The text of `source` with the fix of its only diagnostic applied.
fn fixed(source: &str) -> String {
    let compilation = compile_one(source);
    assert_eq!(
        compilation.diagnostics.len(),
        1,
        "{}",
        describe(&compilation)
    );
    let fix = compilation.diagnostics[0]
        .fix
        .as_ref()
        .expect("the diagnostic has a fix");
    apply_fix(source, fix)
}

#[test]
fn the_definitions_at_fix_adds_a_line_after_scope() {
    // After the `scope:` line, at its indentation, leaving a trailing comment with `scope:`.
    assert_eq!(
        fixed(
            "policy p {\n    scope: [subscription(\"a\"), subscription(\"b\")] // teams\n    effect: audit\n}\n"
        ),
        "policy p {\n    scope: [subscription(\"a\"), subscription(\"b\")] // teams\n    definitions_at: management_group(\"\")\n    effect: audit\n}\n"
    );
    // A one-line block gets the entry right after the field.
    assert_eq!(
        fixed("policy p { scope: [subscription(\"a\"), subscription(\"b\")], effect: audit }\n"),
        "policy p { scope: [subscription(\"a\"), subscription(\"b\")]\n  definitions_at: management_group(\"\"), effect: audit }\n"
    );
}
