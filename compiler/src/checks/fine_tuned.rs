//! Fine-tuned models: `fine_tuned "NAME" { base: "MODEL" version "V" trained_in: "ACCOUNT" }`.
//!
//! Azure names a fine-tuned model after its base (`<base>-<version>.ft-<job id>`), gives it the
//! one version `1`, and keeps it in the AI account that trained it; a deployment in any other
//! account names that account as the model's `source`. Each declaration becomes a catalog model
//! with the base version's lifecycle, retirement and availability (the resolver adds it), so
//! endpoints and `allow` clauses name it like any other model, and its retirement is the base's.

use super::Checks;
use crate::codes;
use crate::model::{AccountProblem, FineTuned};

impl Checks<'_> {
    /// Checks a fine-tuned model's name, its base and its training account.
    pub(super) fn check_fine_tuned(&mut self, model: &FineTuned) {
        let name = model.name.as_str();
        if !model.has_azure_name() {
            self.diagnostics
                .push(codes::catalog::not_a_fine_tuned_name(name, model.name_span));
        }
        if let (Some((base_name, _)), Some(base), true) =
            (&model.base_entry, &model.base, model.has_azure_name())
        {
            if !name.starts_with(base_name.as_str()) {
                self.diagnostics.push(codes::catalog::not_named_after_base(
                    (name, model.name_span),
                    (base_name, base.span),
                ));
            }
        }
        if let (Some((_, span)), Some(problem)) = (&model.trained_in, model.account_problem()) {
            let not_a_guid = match &problem {
                AccountProblem::Shape => None,
                AccountProblem::NotAGuid(segment) => Some(segment.as_str()),
            };
            self.diagnostics
                .push(codes::catalog::invalid_training_account(
                    name, *span, not_a_guid,
                ));
        }
    }

    /// For a deployable fine-tuned model, its base model and version and the base's
    /// successor: the help for a model whose base retires says to fine-tune that.
    pub(super) fn fine_tuned_base(
        &self,
        model: &str,
    ) -> Option<(&str, &str, Option<&crate::catalog::Successor>)> {
        let fine_tuned = self.model.deployable_fine_tuned(model)?;
        let (base_model, base_version) = fine_tuned.base_entry.as_ref()?;
        let successor = self
            .catalog
            .model(base_model)
            .and_then(|entry| entry.version(base_version))
            .and_then(|version| version.successor.as_ref());
        Some((base_model, base_version, successor))
    }
}
