//! The one place that decides whether an unknown name looks like a known one, so every
//! "did you mean" in Charter agrees.
//!
//! Scoring a pair costs a Damerau-Levenshtein table (the product of the two lengths), so a
//! project with thousands of unknown names among thousands of declared ones would spend
//! minutes here. Two things bound it, neither of which changes a suggestion on ordinary
//! inputs:
//!
//! * exact prefilters: a candidate whose length alone puts it below the threshold (or below
//!   the best score found so far) is skipped without being scored, and names in ASCII are
//!   compared without allocating;
//! * a deterministic budget of [`WORK_BUDGET`] table cells per compilation (per thread, reset
//!   by [`reset_budget`] when a compilation starts): once a compilation has spent it, later
//!   unknown names get no "did you mean" at all. The order in which names are looked up is
//!   fixed, so the same project always gets the same suggestions.

use std::cell::Cell;

/// How similar (0 to 1, by normalised Damerau-Levenshtein distance, ignoring case) a
/// candidate must be to the unknown name to be suggested. Below this the suggestion is more
/// likely to confuse than help.
pub const MIN_SIMILARITY: f64 = 0.7;

/// How long both names must be for "one is a prefix of the other" to count as similar.
pub const PREFIX_MIN_LEN: usize = 3;

/// How many Damerau-Levenshtein table cells (unknown length times candidate length, in
/// characters) one compilation may spend on suggestions: about 25,000 lookups of a 20-letter
/// name among 20 candidates, or 80 among the 300 catalog models, and well under a second.
pub const WORK_BUDGET: u64 = 10_000_000;

thread_local! {
    static BUDGET: Cell<u64> = const { Cell::new(WORK_BUDGET) };
}

/// Gives this thread a full [`WORK_BUDGET`] again; called at the start of every compilation.
pub fn reset_budget() {
    BUDGET.with(|budget| budget.set(WORK_BUDGET));
}

/// Takes `cells` from this thread's budget; false (and the budget emptied) when it has fewer.
fn spend(cells: u64) -> bool {
    BUDGET.with(|budget| match budget.get().checked_sub(cells) {
        Some(left) => {
            budget.set(left);
            true
        }
        None => {
            budget.set(0);
            false
        }
    })
}

fn budget_left() -> bool {
    BUDGET.with(|budget| budget.get() > 0)
}

/// `strsim`'s normalised score for a distance: the same expression, so that a bound computed
/// with it compares exactly with a score (both are monotone in the distance).
fn normalised(distance: usize, longest: usize) -> f64 {
    if longest == 0 {
        return 1.0;
    }
    1.0 - (distance as f64) / (longest as f64)
}

/// The candidate most similar to `unknown`, if any is similar enough: the first of the
/// highest-scoring candidates, as if every candidate were scored.
pub fn closest<'a, I>(unknown: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    if !budget_left() {
        return None;
    }
    let unknown_lower = unknown.to_lowercase();
    let unknown_chars = unknown_lower.chars().count();
    let unknown_ascii = unknown_lower.is_ascii();
    let mut candidate_lower = String::new();
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        let candidate_chars;
        let is_prefix;
        let ascii = unknown_ascii && candidate.is_ascii();
        if ascii {
            // ASCII lower-casing keeps the length, and a prefix test ignoring ASCII case is
            // the prefix test of the lower-cased names: nothing to allocate before scoring.
            candidate_chars = candidate.len();
            let (shorter, longer) = if candidate.len() <= unknown_lower.len() {
                (candidate, unknown_lower.as_str())
            } else {
                (unknown_lower.as_str(), candidate)
            };
            is_prefix = candidate.len() >= PREFIX_MIN_LEN
                && unknown_lower.len() >= PREFIX_MIN_LEN
                && longer.as_bytes()[..shorter.len()].eq_ignore_ascii_case(shorter.as_bytes());
            // Lowered below, once the bound lets the candidate be scored: most never are.
        } else {
            candidate_lower.clear();
            candidate_lower.push_str(&candidate.to_lowercase());
            candidate_chars = candidate_lower.chars().count();
            is_prefix = candidate_lower.len() >= PREFIX_MIN_LEN
                && unknown_lower.len() >= PREFIX_MIN_LEN
                && (unknown_lower.starts_with(candidate_lower.as_str())
                    || candidate_lower.starts_with(unknown_lower.as_str()));
        }
        // The distance is at least the difference in length, so this bounds the score.
        let longest = unknown_chars.max(candidate_chars);
        let mut bound = normalised(unknown_chars.abs_diff(candidate_chars), longest);
        if is_prefix {
            bound = bound.max(MIN_SIMILARITY);
        }
        if bound < MIN_SIMILARITY || best.is_some_and(|(best_score, _)| bound <= best_score) {
            continue;
        }
        if !spend((unknown_chars.max(1) * candidate_chars.max(1)) as u64) {
            return None;
        }
        if ascii {
            candidate_lower.clear();
            candidate_lower.push_str(candidate);
            candidate_lower.make_ascii_lowercase();
        }
        let mut score = strsim::normalized_damerau_levenshtein(&unknown_lower, &candidate_lower);
        // A whole word written out (`production` for `prod`) or cut short (`mgmt`) is close
        // even though many letters differ.
        if is_prefix {
            score = score.max(MIN_SIMILARITY);
        }
        if score >= MIN_SIMILARITY && best.is_none_or(|(best_score, _)| score > best_score) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Many candidate names indexed so that a lookup visits only those [`closest`] could score:
/// the ASCII names by length and by lower-cased text, the others always. Without it, thousands
/// of unknown names among thousands of declared ones cost a pass over every candidate each,
/// even when no candidate's length comes near.
#[derive(Debug, Default)]
pub struct Candidates {
    /// The names, in the caller's order (the order [`closest`] breaks ties in).
    names: Vec<String>,
    /// The positions of the ASCII names of each length, by length.
    by_length: Vec<(usize, Vec<usize>)>,
    /// Every ASCII name lower-cased, with its position, sorted.
    lowered: Vec<(String, usize)>,
    /// The positions of the names that are not ASCII (visited by every lookup).
    other: Vec<usize>,
}

impl Candidates {
    /// The index of `names`, kept in their order.
    pub fn new(names: Vec<String>) -> Candidates {
        let mut lengths: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        let mut lowered = Vec::new();
        let mut other = Vec::new();
        for (at, name) in names.iter().enumerate() {
            if name.is_ascii() {
                lengths.entry(name.len()).or_default().push(at);
                lowered.push((name.to_ascii_lowercase(), at));
            } else {
                other.push(at);
            }
        }
        lowered.sort();
        Candidates {
            names,
            by_length: lengths.into_iter().collect(),
            lowered,
            other,
        }
    }

    /// The names, in their order, that [`closest`] could score for `unknown`: those whose
    /// length allows [`MIN_SIMILARITY`], those that are a prefix of `unknown` or have it as a
    /// prefix (ignoring case), and those not in ASCII; every name when `unknown` is not ASCII.
    /// `closest` skips the others unscored and unbudgeted, so it suggests the same from these
    /// as from every name.
    pub fn plausible(&self, unknown: &str) -> Vec<&str> {
        let lower = unknown.to_lowercase();
        if !budget_left() {
            return Vec::new();
        }
        if !lower.is_ascii() {
            return self.names.iter().map(String::as_str).collect();
        }
        let length = lower.len();
        let mut visit = self.other.clone();
        for (candidate_length, positions) in &self.by_length {
            let longest = length.max(*candidate_length);
            if normalised(length.abs_diff(*candidate_length), longest) >= MIN_SIMILARITY {
                visit.extend(positions);
            }
        }
        if length >= PREFIX_MIN_LEN {
            // Shorter names that `unknown` starts with.
            for cut in PREFIX_MIN_LEN..length {
                let text = &lower[..cut];
                let from = self
                    .lowered
                    .partition_point(|(name, _)| name.as_str() < text);
                visit.extend(
                    self.lowered[from..]
                        .iter()
                        .take_while(|(name, _)| name == text)
                        .map(|(_, at)| *at),
                );
            }
            // Names that start with `unknown` (itself included).
            let from = self
                .lowered
                .partition_point(|(name, _)| name.as_str() < lower.as_str());
            visit.extend(
                self.lowered[from..]
                    .iter()
                    .take_while(|(name, _)| name.starts_with(lower.as_str()))
                    .map(|(_, at)| *at),
            );
        }
        visit.sort_unstable();
        visit.dedup();
        visit
            .into_iter()
            .map(|at| self.names[at].as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let models = ["gpt-4o", "gpt-4o-mini", "gpt-4.1"];
        assert_eq!(closest("gpt-4o-mni", models), Some("gpt-4o-mini"));
        assert_eq!(closest("GPT-4O", models), Some("gpt-4o"));
        assert_eq!(closest("llama", models), None);
        assert_eq!(
            closest("production", ["sandbox", "dev", "test", "prod"]),
            Some("prod")
        );
    }

    /// The search as it was before the prefilters: every candidate scored.
    fn closest_by_scoring_all<'a>(unknown: &str, candidates: &[&'a str]) -> Option<&'a str> {
        let unknown_lower = unknown.to_lowercase();
        let mut best: Option<(f64, &'a str)> = None;
        for &candidate in candidates {
            let candidate_lower = candidate.to_lowercase();
            let mut score =
                strsim::normalized_damerau_levenshtein(&unknown_lower, &candidate_lower);
            if candidate_lower.len() >= PREFIX_MIN_LEN
                && unknown_lower.len() >= PREFIX_MIN_LEN
                && (unknown_lower.starts_with(&candidate_lower)
                    || candidate_lower.starts_with(&unknown_lower))
            {
                score = score.max(MIN_SIMILARITY);
            }
            if score >= MIN_SIMILARITY && best.is_none_or(|(best_score, _)| score > best_score) {
                best = Some((score, candidate));
            }
        }
        best.map(|(_, candidate)| candidate)
    }

    #[test]
    fn the_prefilters_change_no_suggestion() {
        let names = [
            "prod",
            "production",
            "dev",
            "Dev",
            "test",
            "sandbox",
            "gpt-4o",
            "gpt-4o-mini",
            "gpt-4.1",
            "GPT-4.1-nano",
            "swedencentral",
            "eastus",
            "eastus2",
            "westus3",
            "Ärger",
            "ärgerlich",
            "straße",
            "STRASSE",
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "mgmt",
            "management",
            "strict",
            "strict_eu",
            "baseline",
            "research_agents",
            "filter_0001_12345",
            "filter_0001_12346",
            "filter_0010_12345",
        ];
        for unknown in names
            .iter()
            .chain(&["prdo", "eastu", "gpt4o", "stirct", "ÄRGER", "x"])
        {
            reset_budget();
            assert_eq!(
                closest(unknown, names),
                closest_by_scoring_all(unknown, &names),
                "{unknown}"
            );
        }
    }

    #[test]
    fn the_budget_bounds_the_work_of_a_compilation() {
        let names: Vec<String> = (0..2_000).map(|i| format!("filter_{i:04}_ab")).collect();
        reset_budget();
        let mut suggested = 0;
        for i in 0..2_000 {
            if closest(
                &format!("filter_{i:04}_ax"),
                names.iter().map(String::as_str),
            )
            .is_some()
            {
                suggested += 1;
            }
        }
        // Each lookup scores up to 2,000 names of 14 letters (196 cells each).
        assert!(suggested > 0 && suggested < 100, "{suggested}");
        assert_eq!(closest("filter_0000_ax", ["filter_0000_ab"]), None);
        reset_budget();
        assert_eq!(
            closest("filter_0000_ax", ["filter_0000_ab"]),
            Some("filter_0000_ab")
        );
    }

    /// The index visits fewer names and suggests exactly what a pass over all of them does.
    #[test]
    fn the_index_suggests_what_closest_suggests() {
        let mut names: Vec<String> = [
            "prod",
            "production",
            "dev",
            "Dev",
            "test",
            "sandbox",
            "gpt-4o",
            "gpt-4o-mini",
            "gpt-4.1",
            "GPT-4.1-nano",
            "swedencentral",
            "Prod-EU",
            "produ",
            "pro",
            "é-prod",
            "Éclair",
            "x",
            "",
            "missing_filter",
            "MISSING",
            "filter_0001",
            "filter_0002",
        ]
        .iter()
        .map(|name| name.to_string())
        .collect();
        names.extend((0..300).map(|i| format!("workload_{i:03}_filter")));
        let index = Candidates::new(names.clone());
        let unknowns = [
            "prod",
            "PRODUCTION",
            "produc",
            "pr",
            "gpt-4o-mni",
            "GPT-4.1-NAN",
            "sweden",
            "é-pro",
            "éclair",
            "",
            "x",
            "missing",
            "missing_filter_with_a_long_tail",
            "filter_0003",
            "workload_017_filtr",
            "workload_1",
            "WORKLOAD_299_FILTER",
            "zzz",
            "ecl",
        ];
        for unknown in unknowns {
            reset_budget();
            let expected = closest(unknown, names.iter().map(String::as_str));
            reset_budget();
            let plausible = index.plausible(unknown);
            assert_eq!(
                closest(unknown, plausible.iter().copied()),
                expected,
                "{unknown}"
            );
            if unknown.is_ascii() && unknown.len() > 3 {
                assert!(plausible.len() < names.len(), "{unknown}: {plausible:?}");
            }
        }
    }
}
