//! Placeholder: the Azure Policy evaluator for `charter test` (issue 8).
