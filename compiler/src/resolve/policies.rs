//! Policies: their fields, the minimum filter they name, the models, versions and regions they
//! allow, and their exemptions.

use charter_ir::{
    Authority, DeploymentType, Effect, ExemptRule, ExemptionCategory, Scope, Side, Toggle,
};
use charter_syntax::Span;

use super::catalog::named;
use super::{field, Resolver};
use crate::model::{
    Allow, ClassificationLevel, ExemptEndpoint, Exemption, Models, Modifier, Policy, Reason, Ref,
};
use crate::symbols::DeclId;
use crate::typeck::{Typed, TypedBlock, TypedPhrase};

impl<'t, 'a> Resolver<'t, 'a> {
    /// A policy as written; the names it refers to are resolved once every name is declared.
    pub(super) fn policy(
        &self,
        block: &TypedBlock<'a>,
        name: String,
        name_span: Span,
        decl: DeclId,
    ) -> Policy {
        Policy {
            name,
            name_span,
            span: block.ast.span,
            doc: block.doc().map(str::to_string),
            decl,
            display_name: field(block, "display_name", text),
            description: field(block, "description", text),
            scope: field(block, "scope", |phrase| {
                phrase
                    .head
                    .as_ref()
                    .map(|value| value.items().iter().filter_map(scope).collect())
                    .unwrap_or_default()
            }),
            definitions_at: field(block, "definitions_at", |phrase| {
                phrase.head.as_ref().and_then(scope)
            }),
            effect: field(block, "effect", |phrase| {
                keyword(phrase, Effect::from_charter_name)
            }),
            minimum: None,
            models: None,
            regions: None,
            max_capacity: field(block, "max_capacity", integer),
            max_provisioned: field(block, "max_provisioned", integer),
            deployment_types: field(block, "deployment_types", |phrase| {
                phrase.head.as_ref().map(|list| {
                    list.items()
                        .iter()
                        .filter_map(|item| {
                            let kind = item
                                .as_keyword()
                                .and_then(DeploymentType::from_charter_name)?;
                            Some((kind, item.span()))
                        })
                        .collect()
                })
            }),
            guardrail: None,
            agent_sides: field(block, "agent_sides", |phrase| {
                phrase.head.as_ref().map(|list| {
                    list.items()
                        .iter()
                        .filter_map(|item| {
                            let side = item.as_keyword().and_then(Side::from_charter_name)?;
                            Some((side, item.span()))
                        })
                        .collect()
                })
            }),
            local_auth: field(block, "local_auth", |phrase| {
                keyword(phrase, Toggle::from_charter_name)
            }),
            public_network: field(block, "public_network", |phrase| {
                keyword(phrase, Toggle::from_charter_name)
            }),
            retirement_warning: field(block, "retirement_warning", |phrase| {
                match phrase.head.as_ref() {
                    Some(Typed::Duration { days, .. }) => Some(*days),
                    _ => None,
                }
            }),
            owner_tag: field(block, "owner_tag", text),
            exemptions: block
                .clauses("exempt")
                .map(|(clause, phrase)| Exemption {
                    span: clause.span,
                    keyword_span: clause.keyword.span,
                    scope: phrase.head.as_ref().and_then(scope),
                    endpoint: match phrase.head.as_ref() {
                        Some(Typed::Endpoint { path, span }) => match path.segments.as_slice() {
                            [workload, endpoint] => Some(ExemptEndpoint {
                                workload: (workload.name.clone(), workload.span),
                                endpoint: (endpoint.name.clone(), endpoint.span),
                                span: *span,
                                target: None,
                            }),
                            _ => None,
                        },
                        _ => None,
                    },
                    under: phrase.modifier("under").map(|modifier| Modifier {
                        word_span: modifier.word_span,
                        value: modifier
                            .args
                            .first()
                            .and_then(Option::as_ref)
                            .and_then(scope),
                    }),
                    until: match phrase.modifier_arg("until") {
                        Some(Typed::Date { date, span }) => Some((*date, *span)),
                        _ => None,
                    },
                    reason: phrase.modifier("as").map(|modifier| {
                        let arg = |index: usize| modifier.args.get(index).and_then(Option::as_ref);
                        Modifier {
                            word_span: modifier.word_span,
                            value: Reason {
                                category: arg(0).and_then(|value| {
                                    let category = value
                                        .as_keyword()
                                        .and_then(ExemptionCategory::from_charter_name)?;
                                    Some((category, value.span()))
                                }),
                                text: arg(1)
                                    .and_then(Typed::as_str)
                                    .map(|(text, span)| (text.to_string(), span)),
                            },
                        }
                    }),
                    only: phrase.modifier("only").map(|modifier| Modifier {
                        word_span: modifier.word_span,
                        value: modifier
                            .args
                            .first()
                            .and_then(Option::as_ref)
                            .and_then(|value| {
                                let Typed::List { items, .. } = value else {
                                    return None;
                                };
                                Some(
                                    items
                                        .iter()
                                        .filter_map(|item| {
                                            let rule = item
                                                .as_keyword()
                                                .and_then(ExemptRule::from_charter_name)?;
                                            Some((rule, item.span()))
                                        })
                                        .collect(),
                                )
                            }),
                    }),
                    owner: text_modifier(phrase, "owner"),
                    ticket: text_modifier(phrase, "ticket"),
                })
                .collect(),
            exemption_warning: field(block, "exemption_warning", |phrase| {
                match phrase.head.as_ref() {
                    Some(Typed::Duration { days, .. }) => Some(*days),
                    _ => None,
                }
            }),
            max_exemption: field(block, "max_exemption", |phrase| {
                match phrase.head.as_ref() {
                    Some(Typed::Duration { days, .. }) => Some(*days),
                    _ => None,
                }
            }),
            central_team: field(block, "central_team", string_with_span),
            managed_by: field(block, "managed_by", |phrase| {
                keyword(phrase, Authority::from_charter_name)
            }),
            classifications: Vec::new(),
            business_units: field(block, "business_units", |phrase| {
                keyword(phrase, charter_ir::Requirement::from_charter_name)
            }),
        }
    }

    /// Resolves what every policy names: its minimum filter, and the models, versions and
    /// regions it allows.
    pub(super) fn resolve_policies(&mut self) {
        for index in 0..self.model.policies.len() {
            let block = self.policy_blocks[index];
            let minimum = field(block, "filters", |phrase| {
                let path = phrase.positional(0).and_then(Typed::as_ref)?;
                let target = self.resolve_filter(path)?;
                Some(Ref {
                    target,
                    span: path.span,
                })
            });
            let models = block.blocks("models").next().map(|models| {
                let mut allows = Vec::new();
                let mut unreadable = false;
                for (clause, phrase) in models.clauses("allow") {
                    let Some((model, span)) = phrase.head.as_ref().and_then(Typed::as_str) else {
                        unreadable = true;
                        continue;
                    };
                    let known = self.resolve_model(model, span);
                    let mut versions = Vec::new();
                    if let Some(list) = phrase.modifier_arg("versions") {
                        for item in list.items() {
                            if let Some((version, span)) = item.as_str() {
                                let found = known && self.resolve_version(model, version, span);
                                versions.push(named(version, span, found));
                            }
                        }
                    }
                    allows.push(Allow {
                        model: named(model, span, known),
                        span: clause.span,
                        versions,
                        // `versions` written with an invalid list: its versions are unknown.
                        versions_unreadable: phrase.modifier("versions").is_some()
                            && phrase.modifier_arg("versions").is_none(),
                    });
                }
                Models {
                    keyword_span: models.ast.keyword.span,
                    allows,
                    unreadable,
                }
            });
            let regions = field(block, "regions", |phrase| {
                let mut regions = Vec::new();
                for item in phrase.head.as_ref().map(Typed::items).unwrap_or_default() {
                    if let Some((region, span)) = item.as_str() {
                        let known = self.resolve_region(region, span);
                        regions.push(named(region, span, known));
                    }
                }
                regions
            });
            let classifications = self.classifications(block);
            let guardrail = field(block, "guardrail", |phrase| {
                let path = phrase.head.as_ref().and_then(Typed::as_ref)?;
                let target = self.resolve_filter(path)?;
                Some(Ref {
                    target,
                    span: path.span,
                })
            });
            let policy = &mut self.model.policies[index];
            policy.classifications = classifications;
            policy.minimum = minimum;
            policy.guardrail = guardrail;
            policy.models = models;
            policy.regions = regions;
        }
    }
}

impl<'t, 'a> Resolver<'t, 'a> {
    /// The `classification "LEVEL" { }` blocks of a policy, in order, with the filters they
    /// name resolved.
    fn classifications(&mut self, block: &'t TypedBlock<'a>) -> Vec<ClassificationLevel> {
        let mut levels = Vec::new();
        for level in block.blocks("classification") {
            let Some((name, name_span)) = level.label() else {
                continue;
            };
            let minimum = field(level, "filters", |phrase| {
                let path = phrase.positional(0).and_then(Typed::as_ref)?;
                let target = self.resolve_filter(path)?;
                Some(Ref {
                    target,
                    span: path.span,
                })
            });
            levels.push(ClassificationLevel {
                name: name.to_string(),
                name_span,
                span: level.ast.span,
                doc: level.doc().map(str::to_string),
                public_network: field(level, "public_network", |phrase| {
                    keyword(phrase, Toggle::from_charter_name)
                }),
                global_deployments: field(level, "global_deployments", |phrase| {
                    keyword(phrase, Toggle::from_charter_name)
                }),
                minimum,
            });
        }
        levels
    }
}

/// A string value with its span.
pub(super) fn string_with_span(phrase: &TypedPhrase<'_>) -> Option<(String, Span)> {
    phrase
        .head
        .as_ref()
        .and_then(Typed::as_str)
        .map(|(text, span)| (text.to_string(), span))
}

/// A string value.
fn text(phrase: &TypedPhrase<'_>) -> Option<String> {
    phrase
        .head
        .as_ref()
        .and_then(Typed::as_str)
        .map(|(text, _)| text.to_string())
}

/// A whole-number value.
fn integer(phrase: &TypedPhrase<'_>) -> Option<u32> {
    phrase.head.as_ref().and_then(Typed::as_int)
}

/// A keyword value, as the enum that names it.
pub(super) fn keyword<T>(phrase: &TypedPhrase<'_>, of: impl Fn(&str) -> Option<T>) -> Option<T> {
    phrase
        .head
        .as_ref()
        .and_then(Typed::as_keyword)
        .and_then(of)
}

/// A scope value with its span.
fn scope(value: &Typed<'_>) -> Option<(Scope, Span)> {
    match value {
        Typed::Scope { scope, span } => Some((Scope::clone(scope), *span)),
        _ => None,
    }
}

/// A modifier with one text argument (`owner "..."`), as far as it checked.
fn text_modifier(phrase: &TypedPhrase<'_>, word: &str) -> Option<Modifier<Option<(String, Span)>>> {
    phrase.modifier(word).map(|modifier| Modifier {
        word_span: modifier.word_span,
        value: modifier
            .args
            .first()
            .and_then(Option::as_ref)
            .and_then(Typed::as_str)
            .map(|(text, span)| (text.to_string(), span)),
    })
}

impl Resolver<'_, '_> {
    /// Resolves every `endpoint(WORKLOAD.ENDPOINT)` an exemption names, once the workloads
    /// are: an unknown workload or endpoint is E0101 (with the nearest name), an endpoint of a
    /// business unit's workload E0710; a resolved one exempts the endpoint's account, in the
    /// workload's resource group and subscription.
    pub(super) fn resolve_exempt_endpoints(&mut self) {
        for policy in 0..self.model.policies.len() {
            for index in 0..self.model.policies[policy].exemptions.len() {
                let Some(written) = self.model.policies[policy].exemptions[index]
                    .endpoint
                    .clone()
                else {
                    continue;
                };
                let Some((target, scope)) = self.resolve_exempt_endpoint(&written) else {
                    continue;
                };
                let exemption = &mut self.model.policies[policy].exemptions[index];
                exemption.scope = Some((scope, written.span));
                if let Some(endpoint) = exemption.endpoint.as_mut() {
                    endpoint.target = Some(target);
                }
            }
        }
    }

    fn resolve_exempt_endpoint(
        &mut self,
        written: &ExemptEndpoint,
    ) -> Option<((crate::model::WorkloadId, usize), Scope)> {
        let (workload_name, workload_span) = &written.workload;
        let path = charter_syntax::ast::Path {
            segments: vec![charter_syntax::ast::Ident {
                name: workload_name.clone(),
                span: *workload_span,
            }],
            span: *workload_span,
        };
        if !matches!(
            self.resolve(&path, crate::schema::RefKind::Workload),
            Some(super::Target::Workload)
        ) {
            return None;
        }
        let id = self
            .model
            .workloads
            .iter()
            .position(|w| &w.name == workload_name && w.decl.is_some())?;
        let workload = &self.model.workloads[id];
        let (endpoint_name, endpoint_span) = &written.endpoint;
        let Some(endpoint) = workload
            .endpoints
            .iter()
            .position(|e| &e.name == endpoint_name)
        else {
            let candidates: Vec<&str> =
                workload.endpoints.iter().map(|e| e.name.as_str()).collect();
            let within = format!("no endpoint of workload `{workload_name}`");
            self.diagnostics.push(crate::codes::names::unknown_name(
                ("endpoint", &within),
                (endpoint_name, *endpoint_span),
                candidates,
                |name| format!("declare `endpoint {name} {{ ... }}` in workload `{workload_name}`"),
            ));
            return None;
        };
        self.symbols
            .refer(*endpoint_span, workload.endpoints[endpoint].decl);
        if let Some(unit) = crate::model::value_of(&workload.business_unit) {
            let unit = &self.model.business_units[unit.target].name;
            self.diagnostics
                .push(crate::codes::exemptions::shared_endpoint(
                    &format!("{workload_name}.{endpoint_name}"),
                    unit,
                    written.span,
                ));
            return None;
        }
        let (resource_group, _) = crate::model::value_of(&workload.resource_group)?;
        let scope = Scope::Resource(charter_ir::ResourceScope {
            subscription: crate::model::value_of(&workload.subscription).map(|(s, _)| s.clone()),
            resource_group: resource_group.clone(),
            resource_type: crate::exempt_scope::ACCOUNT_TYPE.to_string(),
            // Derived per region when lowered ([`crate::model::Model::exempted_accounts`]).
            name: String::new(),
        });
        Some(((crate::model::WorkloadId(id), endpoint), scope))
    }
}
