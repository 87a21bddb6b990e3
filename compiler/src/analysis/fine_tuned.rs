//! Fine-tuned models: `fine_tuned "NAME" { base: "MODEL" version "V" trained_in: "ACCOUNT" }`.
//!
//! Azure names a fine-tuned model after its base (`<base>-<version>.ft-<job id>`), gives it the
//! one version `1`, and keeps it in the AI account that trained it; a deployment in any other
//! account names that account as the model's `source`. Each declaration becomes a catalog model
//! with the base version's lifecycle, retirement and availability, so endpoints and `allow`
//! clauses name it like any other model, and its retirement is the base's.

use charter_ir as ir;
use charter_syntax::diagnostic::sanitize;
use charter_syntax::Diagnostic;

use super::Checker;
use crate::catalog::FINE_TUNED_VERSION;
use crate::schema::BlockKind;
use crate::symbols::{Declaration, SymbolKind};
use crate::typeck::{Typed, TypedBlock};

/// What separates a fine-tuned model's base from its job id in the name Azure gives it.
const FINE_TUNED_MARKER: &str = ".ft-";

impl<'t, 'a> Checker<'t, 'a> {
    /// Checks every `fine_tuned` block and adds each to the catalog (after the stdlib's and
    /// the project's `model` blocks, which its base must be among).
    pub(super) fn declare_fine_tuned(&mut self, typed: &'t [(usize, TypedBlock<'a>)]) {
        for (_, block) in typed {
            if block.schema.kind != BlockKind::FineTuned {
                continue;
            }
            self.declare_one_fine_tuned(block);
        }
    }

    fn declare_one_fine_tuned(&mut self, block: &TypedBlock<'a>) {
        let Some((name, name_span)) = block.label() else {
            return;
        };
        if let Some(existing) = self.catalog.model(name) {
            let diagnostic = Diagnostic::error(
                "E0102",
                format!("model `{}` is declared twice", sanitize(name)),
                name_span,
                "declared again here",
            );
            let diagnostic = if existing.is_stdlib {
                diagnostic.with_help("a fine-tuned model has a name of its own, the one Azure gave it (`<base>.ft-<id>`)")
            } else {
                diagnostic
                    .with_secondary(existing.name_span, "first declared here")
                    .with_help("keep one declaration per model")
            };
            self.diagnostics.push(diagnostic);
            return;
        }
        let mut valid = true;
        match name.find(FINE_TUNED_MARKER) {
            Some(at) if at > 0 && name.len() > at + FINE_TUNED_MARKER.len() => {}
            _ => {
                valid = false;
                self.diagnostics.push(
                    Diagnostic::error(
                        "E0310",
                        format!("`{}` is not the name of a fine-tuned model", sanitize(name)),
                        name_span,
                        "Azure names fine-tuned models `<base>.ft-<id>`",
                    )
                    .with_note("Azure gives a fine-tuned model a name of its own, which deployments must use: the base model and version, `.ft-`, and the id of the fine-tuning job")
                    .with_help("copy the model's name from the fine-tuning job (Azure AI Foundry, or `az cognitiveservices account deployment list` in the training account)"),
                );
            }
        }

        let base = block.field("base");
        let base_model = base
            .and_then(|(_, phrase)| phrase.head.as_ref())
            .and_then(Typed::as_str);
        let base_version = base
            .and_then(|(_, phrase)| phrase.modifier_arg("version"))
            .and_then(Typed::as_str);
        let mut base_entry = None;
        if let Some((model, model_span)) = base_model {
            if self.check_model_name(model, model_span) {
                if let Some((version, version_span)) = base_version {
                    if self.check_version_name(model, version, version_span) {
                        base_entry = self.catalog.model(model).and_then(|entry| {
                            entry
                                .version(version)
                                .map(|found| (entry.clone(), found.clone()))
                        });
                    }
                }
                if let (Some((model_entry, _)), true) = (&base_entry, valid) {
                    if !name.starts_with(model_entry.name.as_str()) {
                        self.diagnostics.push(
                            Diagnostic::warning(
                                "E0310",
                                format!(
                                    "fine-tuned model `{}` does not start with the name of its base `{}`",
                                    sanitize(name),
                                    model_entry.name
                                ),
                                name_span,
                                "not named after its base",
                            )
                            .with_secondary(model_span, "the base model")
                            .with_note("Azure names a fine-tuned model after the model it was trained from; a different name usually means the wrong base was written")
                            .with_help("check `base:` against the fine-tuning job"),
                        );
                    }
                }
            }
        }

        let trained_in = block.head("trained_in").and_then(Typed::as_str);
        if let Some((account, span)) = trained_in {
            if let Err(problem) = account_id_problem(account) {
                valid = false;
                self.diagnostics.push(
                    Diagnostic::error(
                        "E0310",
                        format!("invalid training account for `{}`: {problem}", sanitize(name)),
                        span,
                        "not the ARM id of an AI account",
                    )
                    .with_note("a fine-tuned model exists only in the account that trained it; deployments elsewhere name that account's id as the model's source")
                    .with_help("write the account's id: `/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.CognitiveServices/accounts/<name>`"),
                );
            }
        }

        let declared_availability = block.clauses("available").next().is_some().then(|| {
            for (_, phrase) in block.clauses("available") {
                if let Some(list) = phrase.positional(0) {
                    for item in list.items() {
                        if let Some((region, span)) = item.as_str() {
                            self.check_region_name(region, span);
                        }
                    }
                }
            }
            crate::catalog::Availability {
                regions: crate::catalog::availability_of(block),
                complete: crate::catalog::availability_complete(block),
            }
        });
        let Some((base_model_entry, base_version_entry)) = base_entry else {
            return;
        };
        let doc = block.doc().map(str::to_string);
        let entry = crate::catalog::FineTunedEntry {
            name: name.to_string(),
            name_span,
            span: block.ast.span,
            doc: doc.clone(),
            availability: declared_availability,
        };
        if !self
            .catalog
            .add_fine_tuned(entry, &base_model_entry, &base_version_entry)
        {
            return;
        }
        let model_decl = self.symbols.declare(Declaration {
            kind: SymbolKind::Model,
            name: name.to_string(),
            container: None,
            name_span,
            span: block.ast.span,
            doc,
            is_stdlib: false,
        });
        self.model_decls.insert(name.to_string(), model_decl);
        let version_decl = self.symbols.declare(Declaration {
            kind: SymbolKind::ModelVersion,
            name: FINE_TUNED_VERSION.to_string(),
            container: Some(name.to_string()),
            name_span,
            span: block.ast.span,
            doc: None,
            is_stdlib: false,
        });
        self.version_decls.insert(
            (name.to_string(), FINE_TUNED_VERSION.to_string()),
            version_decl,
        );
        if let (true, Some((account, _))) = (valid, trained_in) {
            self.fine_tuned.insert(
                name.to_string(),
                ir::FineTuned {
                    base_model: base_model_entry.name.clone(),
                    base_version: base_version_entry.version.clone(),
                    source_account: account.to_string(),
                },
            );
        }
    }

    /// The fine-tuned model an endpoint deploys, when its model is one.
    pub(super) fn fine_tuned_info(&self, model: &str) -> Option<ir::FineTuned> {
        self.fine_tuned.get(model).cloned()
    }

    /// The help for a fine-tuned model whose base retires: train again from the successor.
    pub(super) fn fine_tuned_successor_help(&self, model: &str) -> Option<String> {
        let info = self.fine_tuned.get(model)?;
        let successor = self
            .catalog
            .model(&info.base_model)
            .and_then(|entry| entry.version(&info.base_version))
            .and_then(|version| version.successor.clone());
        Some(match successor {
            Some(successor) => format!(
                "`{}` is fine-tuned from `{}` version `{}`, whose retirement it shares: fine-tune its successor, {successor}, and deploy that",
                sanitize(model),
                info.base_model,
                info.base_version
            ),
            None => format!(
                "`{}` is fine-tuned from `{}` version `{}`, whose retirement it shares: fine-tune a current version and deploy that",
                sanitize(model),
                info.base_model,
                info.base_version
            ),
        })
    }
}

/// Why `id` is not the ARM id of a Cognitive Services account in a subscription given by its id.
pub(super) fn account_id_problem(id: &str) -> Result<(), String> {
    let segments: Vec<&str> = id.split('/').collect();
    let expected = [
        "",
        "subscriptions",
        "*",
        "resourcegroups",
        "*",
        "providers",
        "microsoft.cognitiveservices",
        "accounts",
        "*",
    ];
    if segments.len() != expected.len()
        || !segments.iter().zip(expected).all(|(segment, wanted)| {
            if wanted == "*" {
                !segment.is_empty()
            } else {
                segment.eq_ignore_ascii_case(wanted)
            }
        })
    {
        return Err("expected `/subscriptions/…/resourceGroups/…/providers/Microsoft.CognitiveServices/accounts/…`".to_string());
    }
    if !ir::is_guid(segments[2]) {
        return Err(format!(
            "`{}` is not a subscription id (a GUID)",
            sanitize(segments[2])
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::account_id_problem;

    #[test]
    fn account_ids_are_checked_segment_by_segment() {
        assert!(account_id_problem("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a").is_ok());
        assert!(account_id_problem("/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/a").is_ok());
        assert!(account_id_problem("/subscriptions/prod/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a").is_err());
        assert!(account_id_problem("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a").is_err());
        assert!(account_id_problem("contoso-research-ft").is_err());
    }
}
