//! Placeholder: the Azure Policy backend (issue 4).
