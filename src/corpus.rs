//! Generates realistic Charter projects of a chosen size, for benchmarks and stress tests:
//! filters that extend each other, policies, and workloads with multi-region endpoints, spread
//! over files of a few hundred lines. `error_every` plants one mistake (an unknown region) in
//! every n-th endpoint.

/// One generated file: a relative path and its text.
pub struct GeneratedFile {
    pub path: String,
    pub text: String,
}

/// Regions where `gpt-5.6-sol` 2026-07-09 is available as both GlobalStandard and
/// DataZoneStandard (reference/model_regions.csv), in the EU data zone.
const EU_REGIONS: &[&str] = &[
    "swedencentral",
    "westeurope",
    "francecentral",
    "germanywestcentral",
    "italynorth",
    "spaincentral",
    "polandcentral",
];

/// A project of about `target_lines` lines.
pub fn generate(target_lines: usize, error_every: Option<usize>) -> Vec<GeneratedFile> {
    let mut files = Vec::new();
    let mut header = String::new();
    header.push_str(
        "/// Organisation-wide minimum.\nfilter baseline extends std.filters.default {\n  prompt {\n    hate: medium\n    jailbreak: block\n  }\n  completion {\n    protected_material_text: block\n  }\n}\n\n",
    );
    header.push_str(
        "policy bench_policy {\n  display_name: \"Benchmark guardrails\"\n  scope: management_group(\"bench\")\n  effect: deny\n  models {\n    allow \"gpt-5.6-sol\" versions [\"2026-07-09\"]\n    allow \"text-embedding-3-large\"\n  }\n  filters: at_least baseline\n  regions: [\"swedencentral\", \"westeurope\", \"francecentral\", \"germanywestcentral\", \"italynorth\", \"spaincentral\", \"polandcentral\"]\n  max_capacity: 500 units\n  local_auth: disabled\n  public_network: disabled\n  retirement_warning: 90 days\n}\n",
    );
    files.push(GeneratedFile {
        path: "governance.charter".to_string(),
        text: header,
    });

    let mut lines = files[0].text.lines().count();
    let mut workload = 0;
    let mut current = String::new();
    let mut endpoint_count = 0;
    while lines < target_lines {
        let mut block = String::new();
        block.push_str(&format!(
            "/// Generated filter {workload}.\nfilter strict_{workload} extends baseline {{\n  prompt {{ hate: low, sexual: low }}\n  completion {{ hate: low, sexual: low }}\n}}\n\n"
        ));
        block.push_str(&format!(
            "/// Generated workload {workload}.\nworkload team_{workload} {{\n  governed_by: bench_policy\n  environment: prod\n  resource_group: \"rg-team-{workload}\"\n  data_zone: eu\n  apps: [web_{workload}, api_{workload}]\n  budget: 1500 USD monthly alert_at [50%, 80%, 100%] notify [\"finops@example.com\"]\n\n"
        ));
        for endpoint in 0..3 {
            endpoint_count += 1;
            let primary = EU_REGIONS[(workload + endpoint) % EU_REGIONS.len()];
            let secondary = EU_REGIONS[(workload + endpoint + 1) % EU_REGIONS.len()];
            let secondary = match error_every {
                Some(every) if every > 0 && endpoint_count % every == 0 => "westeurop",
                _ => secondary,
            };
            block.push_str(&format!(
                "  endpoint chat_{endpoint} {{\n    model \"gpt-5.6-sol\" version \"2026-07-09\"\n    deployment: data_zone_standard capacity {capacity}\n    filter: strict_{workload}\n    regions: [\"{primary}\", \"{secondary}\"] redundancy active_passive standby 10\n    serves: [web_{workload}, api_{workload}]\n  }}\n\n",
                capacity = 50 + endpoint * 10,
            ));
        }
        block.push_str("}\n\n");
        lines += block.lines().count();
        current.push_str(&block);
        workload += 1;
        if current.lines().count() >= 500 || lines >= target_lines {
            files.push(GeneratedFile {
                path: format!("workloads/part_{:03}.charter", files.len()),
                text: std::mem::take(&mut current),
            });
        }
    }
    files
}
