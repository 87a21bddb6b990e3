//! Fine-tuned models: `fine_tuned "NAME" { base: "MODEL" version "V" trained_in: "ACCOUNT" }`.
//!
//! Azure names a fine-tuned model after its base (`<base>-<version>.ft-<job id>`), gives it the
//! one version `1`, and keeps it in the AI account that trained it; a deployment in any other
//! account names that account as the model's `source`. Each declaration becomes a catalog model
//! with the base version's lifecycle, retirement and availability (the resolver adds it), so
//! endpoints and `allow` clauses name it like any other model, and its retirement is the base's.

use charter_syntax::diagnostic::sanitize;
use charter_syntax::Diagnostic;

use super::Checks;
use crate::codes;
use crate::model::{AccountProblem, FineTuned};

impl Checks<'_> {
    /// Checks a fine-tuned model's name, its base and its training account.
    pub(super) fn check_fine_tuned(&mut self, model: &FineTuned) {
        let name = model.name.as_str();
        if !model.has_azure_name() {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::catalog::INVALID_FINE_TUNED,
                    format!("`{}` is not the name of a fine-tuned model", sanitize(name)),
                    model.name_span,
                    "Azure names fine-tuned models `<base>.ft-<id>`",
                )
                .with_note("Azure gives a fine-tuned model a name of its own, which deployments must use: the base model and version, `.ft-`, and the id of the fine-tuning job")
                .with_help("copy the model's name from the fine-tuning job (Azure AI Foundry, or `az cognitiveservices account deployment list` in the training account)"),
            );
        }
        if let (Some((base_name, _)), Some(base), true) =
            (&model.base_entry, &model.base, model.has_azure_name())
        {
            if !name.starts_with(base_name.as_str()) {
                self.diagnostics.push(
                    Diagnostic::warning(
                        codes::catalog::INVALID_FINE_TUNED,
                        format!(
                            "fine-tuned model `{}` does not start with the name of its base `{}`",
                            sanitize(name),
                            base_name
                        ),
                        model.name_span,
                        "not named after its base",
                    )
                    .with_secondary(base.span, "the base model")
                    .with_note("Azure names a fine-tuned model after the model it was trained from; a different name usually means the wrong base was written")
                    .with_help("check `base:` against the fine-tuning job"),
                );
            }
        }
        if let (Some((_, span)), Some(problem)) = (&model.trained_in, model.account_problem()) {
            let problem = match problem {
                AccountProblem::Shape => "expected `/subscriptions/…/resourceGroups/…/providers/Microsoft.CognitiveServices/accounts/…`".to_string(),
                AccountProblem::NotAGuid(segment) => {
                    format!("`{}` is not a subscription id (a GUID)", sanitize(&segment))
                }
            };
            self.diagnostics.push(
                Diagnostic::error(
                    codes::catalog::INVALID_FINE_TUNED,
                    format!("invalid training account for `{}`: {problem}", sanitize(name)),
                    *span,
                    "not the ARM id of an AI account",
                )
                .with_note("a fine-tuned model exists only in the account that trained it; deployments elsewhere name that account's id as the model's source")
                .with_help("write the account's id: `/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.CognitiveServices/accounts/<name>`"),
            );
        }
    }

    /// The help for a fine-tuned model whose base retires: train again from the successor.
    pub(super) fn fine_tuned_successor_help(&self, model: &str) -> Option<String> {
        let fine_tuned = self.model.deployable_fine_tuned(model)?;
        let (base_model, base_version) = fine_tuned.base_entry.as_ref()?;
        let successor = self
            .catalog
            .model(base_model)
            .and_then(|entry| entry.version(base_version))
            .and_then(|version| version.successor.clone());
        Some(match successor {
            Some(successor) => format!(
                "`{}` is fine-tuned from `{}` version `{}`, whose retirement it shares: fine-tune its successor, {successor}, and deploy that",
                sanitize(model),
                base_model,
                base_version
            ),
            None => format!(
                "`{}` is fine-tuned from `{}` version `{}`, whose retirement it shares: fine-tune a current version and deploy that",
                sanitize(model),
                base_model,
                base_version
            ),
        })
    }
}
