//! The embedded alias tables against the reference folder they are generated from, when it is
//! beside the repository: every alias of every provider resolves to the default path the
//! reference lists, and the generator's `--check` finds nothing stale.

use charter_evaluator::aliases;
use std::io::Read;

/// Every line of `all-aliases.csv.gz` resolves to its path, except the resource types the
/// curated (newer) table covers, which must resolve to the curated table's path instead.
#[test]
#[expect(
    clippy::disallowed_methods,
    reason = "tests may read the reference folder"
)]
fn every_alias_of_the_reference_dump_resolves_to_its_path() {
    let Some(file) =
        charter_test_support::require_shared_reference("azure-policy/all-aliases.csv.gz")
    else {
        return;
    };
    let bytes = std::fs::read(&file).expect("the reference dump is readable");
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes.as_slice())
        .read_to_string(&mut text)
        .expect("the reference dump is gzip");
    let mut checked = 0;
    let mut curated = 0;
    let mut wrong = Vec::new();
    for line in text.lines().filter(|line| !line.is_empty()) {
        let (alias, path) = line.split_once(',').expect("alias,path");
        let Some(found) = aliases::lookup(alias) else {
            wrong.push(format!("{alias}: missing"));
            continue;
        };
        let (resource_type, _) = alias.rsplit_once('/').expect("type/property");
        if !found.resource_type.eq_ignore_ascii_case(resource_type) {
            wrong.push(format!("{alias}: type {}", found.resource_type));
        } else if found.path != path {
            // The curated table is newer for its types; the dump's duplicates keep the first.
            let in_curated = curated_types()
                .iter()
                .any(|t| t.eq_ignore_ascii_case(resource_type));
            if in_curated {
                curated += 1;
            } else if !first_listing_wins(&text, alias, &found.path) {
                wrong.push(format!("{alias}: {} instead of {path}", found.path));
            }
        }
        checked += 1;
    }
    assert!(
        wrong.is_empty(),
        "{} wrong, e.g. {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(10)]
    );
    assert!(checked > 65_000, "{checked}");
    assert!(
        curated < 200,
        "{curated} curated aliases differ from the dump"
    );
}

/// The resource types of the curated table.
fn curated_types() -> Vec<String> {
    let mut types: Vec<String> = include_str!("../../src/aliases.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && line.ends_with("\talias-table"))
        .filter_map(|line| line.split('\t').next())
        .map(str::to_string)
        .collect();
    types.dedup();
    types
}

/// Whether `alias` is listed more than once in the dump and `path` is its first listing.
fn first_listing_wins(dump: &str, alias: &str, path: &str) -> bool {
    let mut listings = dump
        .lines()
        .filter_map(|line| line.split_once(','))
        .filter(|(name, _)| name.eq_ignore_ascii_case(alias));
    listings.next().is_some_and(|(_, first)| first == path) && listings.next().is_some()
}

/// The committed tables are what `tools/generate_aliases.py` makes of the reference folder.
#[test]
fn the_generator_finds_nothing_stale() {
    let Some(folder) = charter_test_support::require_shared_reference("azure-policy") else {
        return;
    };
    // The generator needs nothing beyond Python's standard library.
    if !charter_test_support::require_program("python3", &["--version"]) {
        return;
    }
    let script = charter_test_support::workspace_root().join("evaluator/tools/generate_aliases.py");
    let output = std::process::Command::new("python3")
        .arg(script)
        .arg(folder)
        .arg("--check")
        .output()
        .expect("the generator runs");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
