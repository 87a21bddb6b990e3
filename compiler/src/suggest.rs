//! The one place that decides whether an unknown name looks like a known one, so every
//! "did you mean" in Charter agrees.

/// How similar (0 to 1, by normalised Damerau-Levenshtein distance, ignoring case) a
/// candidate must be to the unknown name to be suggested. Below this the suggestion is more
/// likely to confuse than help.
pub const MIN_SIMILARITY: f64 = 0.7;

/// How long both names must be for "one is a prefix of the other" to count as similar.
pub const PREFIX_MIN_LEN: usize = 3;

/// The candidate most similar to `unknown`, if any is similar enough.
pub fn closest<'a, I>(unknown: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let unknown_lower = unknown.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        let candidate_lower = candidate.to_lowercase();
        let mut score = strsim::normalized_damerau_levenshtein(&unknown_lower, &candidate_lower);
        // A whole word written out (`production` for `prod`) or cut short (`mgmt`) is close
        // even though many letters differ.
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
}
