//! Measures `compile` on a generated project of about 10,000 lines:
//! `cargo run --release -p charter-compiler --example bench_check`.

use charter_compiler::{compile, Document, Options};
use charter_syntax::FileId;

fn project(workloads: usize) -> String {
    let mut text = String::from(
        "filter careful extends std.filters.default {\n  prompt { hate: low }\n}\n\n\
         policy guardrails {\n  scope: subscription(\"prod\")\n  filters: at_least std.filters.default\n  \
         regions: [\"swedencentral\", \"westeurope\"]\n  max_capacity: 300 units\n}\n\n",
    );
    for index in 0..workloads {
        text.push_str(&format!(
            "/// Workload {index}.\nworkload team_{index} {{\n  governed_by: guardrails\n  environment: prod\n  \
             resource_group: \"rg-{index}\"\n  apps: [web_{index}, mobile_{index}]\n  \
             budget: 2000 USD monthly alert_at [50%, 80%, 100%] notify [\"finops@contoso.com\"]\n\n  \
             endpoint chat_{index} {{\n    model \"gpt-5.6-sol\" version \"2026-07-09\"\n    \
             deployment: global_standard capacity 100\n    filter: careful\n    \
             regions: [\"swedencentral\", \"westeurope\"] redundancy active_passive\n    \
             serves: [web_{index}, mobile_{index}]\n  }}\n}}\n\n"
        ));
    }
    text
}

fn main() {
    let text = project(560);
    let lines = text.lines().count();
    let options = Options {
        naming: Default::default(),
        today: charter_ir::Date {
            year: 2026,
            month: 11,
            day: 22,
        },
    };
    let document = Document {
        id: FileId(0),
        path: "big.charter".to_string(),
        text,
        is_stdlib: false,
    };
    let stdlib_only = Document {
        id: FileId(0),
        path: "empty.charter".to_string(),
        text: String::new(),
        is_stdlib: false,
    };
    for (name, source) in [
        ("parse project", document.text.as_str()),
        ("parse models", charter_compiler::STDLIB[1].1),
    ] {
        let mut times = Vec::new();
        for _ in 0..20 {
            #[expect(clippy::disallowed_methods, reason = "a benchmark measures time")]
            let start = std::time::Instant::now();
            let parsed = charter_syntax::parse(FileId(0), source);
            times.push(start.elapsed());
            drop(parsed);
        }
        times.sort();
        #[expect(clippy::disallowed_macros, reason = "a benchmark prints its result")]
        {
            println!("{name}: median {:?}", times[times.len() / 2]);
        }
    }
    for (name, doc) in [("stdlib only", stdlib_only), ("project", document)] {
        let mut times = Vec::new();
        let mut diagnostics = 0;
        for _ in 0..20 {
            #[expect(clippy::disallowed_methods, reason = "a benchmark measures time")]
            let start = std::time::Instant::now();
            let compilation = compile(vec![doc.clone()], &options);
            times.push(start.elapsed());
            diagnostics = compilation.diagnostics.len();
        }
        times.sort();
        #[expect(clippy::disallowed_macros, reason = "a benchmark prints its result")]
        {
            println!(
                "{name}: {lines} lines, median {:?}, max {:?}, {diagnostics} diagnostics",
                times[times.len() / 2],
                times[times.len() - 1]
            );
        }
    }
}
