//! Placeholder: the Terraform backend (issue 5).
