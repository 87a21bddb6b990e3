//! Workloads: their apps (declared for every workload first, so that an endpoint can find an
//! app of another workload), their fields and budget, and their endpoints with the model,
//! version, filter, regions and apps each names.

use charter_ir::{
    Authority, BudgetPeriod, DataZone, DeploymentType, Environment, Redundancy, Toggle,
};
use charter_syntax::Span;

use super::catalog::named;
use super::policies::{keyword, string_with_span};
use super::{clause, field, Resolver, Target};
use crate::codes;
use crate::model::{
    App, AppBlock, Budget, BudgetList, Deployment, Endpoint, ListedRegion, ModelUse, Modifier,
    Money, PolicyId, Ref, Regions, Served, ServedApp, Workload, WorkloadId,
};
use crate::schema::{BlockKind, RefKind};
use crate::symbols::{Declaration, SymbolKind};
use crate::typeck::{Typed, TypedBlock, TypedPhrase};

impl<'t, 'a> Resolver<'t, 'a> {
    /// Resolves every named workload block: apps first, for every workload, so that `serves`
    /// can find apps of other workloads; then each workload's fields and endpoints.
    pub(super) fn resolve_workloads(&mut self, typed: &'t [(usize, &'t TypedBlock<'a>)]) {
        let blocks: Vec<&'t TypedBlock<'a>> = typed
            .iter()
            .filter(|(_, b)| b.schema.kind == BlockKind::Workload && b.label().is_some())
            .map(|&(_, b)| b)
            .collect();
        self.model.workloads.reserve(blocks.len());
        for block in &blocks {
            let (name, name_span) = block.label().unwrap_or(("", block.ast.keyword.span));
            let apps = self.declare_apps(block, name);
            let business_unit = field(block, "business_unit", |phrase| {
                let path = phrase.head.as_ref().and_then(Typed::as_ref)?;
                match self.resolve(path, RefKind::BusinessUnit)? {
                    Target::BusinessUnit(index) => Some(Ref {
                        target: index,
                        span: path.span,
                    }),
                    _ => None,
                }
            });
            self.model.workloads.push(Workload {
                name: name.to_string(),
                name_span,
                span: block.ast.span,
                doc: block.doc().map(str::to_string),
                decl: self
                    .workload_decls
                    .get(&super::span_key(block.ast.span))
                    .copied(),
                governed_by: None,
                environment: field(block, "environment", |phrase| {
                    keyword(phrase, Environment::from_charter_name)
                }),
                resource_group: field(block, "resource_group", string),
                subscription: field(block, "subscription", string),
                data_zone: field(block, "data_zone", |phrase| {
                    keyword(phrase, DataZone::from_charter_name)
                }),
                budget: field(block, "budget", |phrase| self.budget(phrase)),
                apps,
                endpoints: Vec::new(),
                managed_by: field(block, "managed_by", |phrase| {
                    keyword(phrase, Authority::from_charter_name)
                }),
                team: field(block, "team", string_with_span),
                classification: field(block, "classification", string_with_span),
                public_network: field(block, "public_network", |phrase| {
                    keyword(phrase, Toggle::from_charter_name)
                }),
                business_unit,
            });
        }
        for (index, block) in blocks.into_iter().enumerate() {
            let governed_by = field(block, "governed_by", |phrase| {
                let path = phrase.head.as_ref().and_then(Typed::as_ref)?;
                match self.resolve(path, RefKind::Policy) {
                    Some(Target::Policy(policy)) => Some(Ref {
                        target: PolicyId(policy),
                        span: path.span,
                    }),
                    _ => None,
                }
            });
            self.model.workloads[index].governed_by = governed_by;
            self.resolve_endpoints(block, WorkloadId(index));
        }
    }

    /// The apps of a workload: `app NAME { ... }` blocks are the declarations; names in
    /// `apps: [...]` without a block declare themselves.
    fn declare_apps(&mut self, block: &'t TypedBlock<'a>, workload: &str) -> Vec<App> {
        // At most one app for each `app` block and each name listed in `apps` (a listed app
        // with a block is not added twice): sized once rather than grown.
        let listed_count = match block.head("apps") {
            Some(Typed::List { items, .. }) => items.len(),
            _ => 0,
        };
        let mut apps: Vec<App> = Vec::with_capacity(block.blocks("app").count() + listed_count);
        for app in block.blocks("app") {
            let Some((name, span)) = app.label() else {
                continue;
            };
            if let Some(existing) = apps.iter().find(|a| a.name == name) {
                self.diagnostics.push(codes::names::duplicate_in(
                    ("app", name, span),
                    existing.name_span,
                    (false, ""),
                    "keep one `app` block per app",
                ));
                continue;
            }
            let decl = self.symbols.declare(Declaration {
                kind: SymbolKind::App,
                name: name.to_string(),
                container: Some(workload.to_string()),
                name_span: span,
                span: app.ast.span,
                doc: app.doc().map(str::to_string),
                is_stdlib: false,
            });
            let environment = field(app, "environment", |phrase| {
                keyword(phrase, Environment::from_charter_name)
            });
            let filter = field(app, "filter", |phrase| {
                let path = phrase.head.as_ref().and_then(Typed::as_ref)?;
                let target = self.resolve_filter(path)?;
                Some(Ref {
                    target,
                    span: path.span,
                })
            });
            apps.push(App {
                name: name.to_string(),
                decl,
                name_span: span,
                block: Some(AppBlock {
                    span: app.ast.span,
                    doc: app.doc().map(str::to_string),
                    environment,
                    filter,
                }),
            });
        }
        if let Some(Typed::List { items, .. }) = block.head("apps") {
            let mut listed: Vec<(String, Span)> = Vec::new();
            for item in items {
                let Some(path) = item.as_ref() else { continue };
                let name = path.text();
                if let Some((_, first)) = listed.iter().find(|(n, _)| *n == name) {
                    self.diagnostics.push(codes::names::duplicate_in(
                        ("app", &name, path.span),
                        *first,
                        (true, ""),
                        "list each app once",
                    ));
                    continue;
                }
                listed.push((name.clone(), path.span));
                if let Some(existing) = apps.iter().find(|a| a.name == name) {
                    self.symbols.refer(path.span, existing.decl);
                    continue;
                }
                let decl = self.symbols.declare(Declaration {
                    kind: SymbolKind::App,
                    name: name.clone(),
                    container: Some(workload.to_string()),
                    name_span: path.span,
                    span: path.span,
                    doc: None,
                    is_stdlib: false,
                });
                apps.push(App {
                    name,
                    decl,
                    name_span: path.span,
                    block: None,
                });
            }
        }
        apps
    }

    /// `budget: AMOUNT PERIOD [alert_at [...]] [notify [...]]`.
    fn budget(&self, phrase: &TypedPhrase<'a>) -> Budget {
        let list = |word: &str| phrase.modifier(word)?.args.first()?.as_ref();
        Budget {
            amount: match phrase.head.as_ref() {
                Some(Typed::Money {
                    amount,
                    currency,
                    span,
                }) => Some(Money {
                    amount: amount.to_string(),
                    currency: currency.to_string(),
                    span: *span,
                }),
                _ => None,
            },
            period: phrase
                .positional(0)
                .and_then(Typed::as_keyword)
                .and_then(BudgetPeriod::from_charter_name),
            alert_at: list("alert_at").map(|list| BudgetList {
                items: list
                    .items()
                    .iter()
                    .filter_map(|item| match item {
                        Typed::Percent { value, span } => Some((*value, *span)),
                        _ => None,
                    })
                    .collect(),
                span: list.span(),
                written_empty: self.written_empty(list),
            }),
            notify: list("notify").map(|list| BudgetList {
                items: list
                    .items()
                    .iter()
                    .filter_map(|item| item.as_str().map(|(s, span)| (s.to_string(), span)))
                    .collect(),
                span: list.span(),
                written_empty: self.written_empty(list),
            }),
        }
    }

    /// Whether a list is empty as written: its elements may have been dropped for being of
    /// the wrong type, which their own diagnostics report.
    fn written_empty(&self, list: &Typed<'a>) -> bool {
        let span = list.span();
        self.document(span.file)
            .and_then(|document| document.text.get(span.range()))
            .is_some_and(|text| {
                text.trim_start_matches('[')
                    .trim_end_matches(']')
                    .trim()
                    .is_empty()
            })
    }

    fn resolve_endpoints(&mut self, block: &'t TypedBlock<'a>, workload: WorkloadId) {
        let workload_name = self.model.workloads[workload.0].name.clone();
        // Endpoints are large: sized once rather than grown (and copied) endpoint by endpoint.
        let count = block.blocks("endpoint").count();
        let mut names: Vec<(&str, Span)> = Vec::with_capacity(count);
        self.model.workloads[workload.0]
            .endpoints
            .reserve_exact(count);
        for endpoint in block.blocks("endpoint") {
            let Some((name, span)) = endpoint.label() else {
                continue;
            };
            if let Some((_, first)) = names.iter().find(|(n, _)| *n == name) {
                self.diagnostics.push(codes::names::duplicate_in(
                    ("endpoint", name, span),
                    *first,
                    (false, &format!(" in workload `{workload_name}`")),
                    "rename one of them",
                ));
                continue;
            }
            names.push((name, span));
            let decl = self.symbols.declare(Declaration {
                kind: SymbolKind::Endpoint,
                name: name.to_string(),
                container: Some(workload_name.clone()),
                name_span: span,
                span: endpoint.ast.span,
                doc: endpoint.doc().map(str::to_string),
                is_stdlib: false,
            });
            let resolved = self.endpoint(endpoint, name, span, decl, workload);
            self.model.workloads[workload.0].endpoints.push(resolved);
        }
    }

    fn endpoint(
        &mut self,
        block: &TypedBlock<'a>,
        name: &str,
        name_span: Span,
        decl: crate::symbols::DeclId,
        workload: WorkloadId,
    ) -> Endpoint {
        let model = clause(block, "model", |phrase| {
            let model = phrase.head.as_ref().and_then(Typed::as_str);
            let version = phrase.modifier_arg("version").and_then(Typed::as_str);
            let mut used = ModelUse {
                model: None,
                version: version.map(|(version, span)| named(version, span, false)),
            };
            if let Some((model_name, span)) = model {
                let known = self.resolve_model(model_name, span);
                used.model = Some(named(model_name, span, known));
                if let (true, Some((version_name, version_span))) = (known, version) {
                    let found = self.resolve_version(model_name, version_name, version_span);
                    used.version = Some(named(version_name, version_span, found));
                }
            }
            used
        });
        let deployment = field(block, "deployment", |phrase| Deployment {
            kind: phrase.head.as_ref().and_then(|value| {
                let kind = value
                    .as_keyword()
                    .and_then(DeploymentType::from_charter_name)?;
                Some((kind, value.span()))
            }),
            capacity: phrase
                .modifier_arg("capacity")
                .and_then(|value| Some((value.as_int()?, value.span()))),
        });
        let filter = field(block, "filter", |phrase| {
            let path = phrase.head.as_ref().and_then(Typed::as_ref)?;
            let target = self.resolve_filter(path)?;
            Some(Ref {
                target,
                span: path.span,
            })
        });
        let regions = field(block, "regions", |phrase| {
            let items = phrase.head.as_ref().map(Typed::items).unwrap_or_default();
            let mut listed: Vec<ListedRegion> = Vec::with_capacity(items.len());
            for item in items {
                let Some((region, span)) = item.as_str() else {
                    continue;
                };
                let first = listed
                    .iter()
                    .find(|r| r.name == region && r.first.is_none())
                    .map(|r| r.span);
                let known = first.is_none() && self.resolve_region(region, span);
                listed.push(ListedRegion {
                    name: region.to_string(),
                    span,
                    known,
                    first,
                });
            }
            Regions {
                listed,
                list_span: phrase.head.as_ref().map(Typed::span),
                redundancy: phrase.modifier("redundancy").map(|modifier| Modifier {
                    word_span: modifier.word_span,
                    value: modifier
                        .args
                        .first()
                        .and_then(Option::as_ref)
                        .and_then(|value| {
                            let redundancy =
                                value.as_keyword().and_then(Redundancy::from_charter_name)?;
                            Some((redundancy, value.span()))
                        }),
                }),
                standby: phrase.modifier("standby").map(|modifier| Modifier {
                    word_span: modifier.word_span,
                    value: modifier
                        .args
                        .first()
                        .and_then(Option::as_ref)
                        .and_then(|value| Some((value.as_int()?, value.span()))),
                }),
            }
        });
        let serves = field(block, "serves", |phrase| {
            let list = phrase.head.as_ref()?;
            let mut served = Vec::with_capacity(list.items().len());
            for item in list.items() {
                let Some(path) = item.as_ref() else { continue };
                let name = path.text();
                let app = self.resolve_app(&name, path.span, workload);
                served.push(Served {
                    name,
                    span: path.span,
                    app,
                });
            }
            Some(served)
        });
        Endpoint {
            name: name.to_string(),
            name_span,
            span: block.ast.span,
            doc: block.doc().map(str::to_string),
            decl,
            model,
            deployment,
            filter,
            regions,
            serves,
            agents: field(block, "agents", |phrase| {
                super::policies::keyword(phrase, charter_ir::Toggle::from_charter_name)
            }),
        }
    }

    /// Resolves an app an endpoint of `workload` serves: one of its own apps, else an app of
    /// another workload (sharing an endpoint across workloads is checked later); an unknown
    /// app is reported.
    fn resolve_app(&mut self, name: &str, span: Span, workload: WorkloadId) -> ServedApp {
        if let Some((index, app)) = self.model.workloads[workload.0].app(name) {
            self.symbols.refer(span, app.decl);
            return ServedApp::Own(index);
        }
        let elsewhere = self
            .model
            .workloads
            .iter()
            .enumerate()
            .find_map(|(other, declared)| {
                declared
                    .app(name)
                    .map(|(app, found)| (other, app, found.decl))
            })
            .filter(|(other, _, _)| *other != workload.0);
        if let Some((other, app, decl)) = elsewhere {
            self.symbols.refer(span, decl);
            return ServedApp::Other {
                workload: WorkloadId(other),
                app,
            };
        }
        let declared = &self.model.workloads[workload.0];
        let candidates: Vec<&str> = declared.apps.iter().map(|a| a.name.as_str()).collect();
        self.diagnostics.push(codes::names::unknown_name(
            ("app", &format!("no app of workload `{}`", declared.name)),
            (name, span),
            candidates,
            |name| {
                format!(
                    "declare it in the workload's `apps: [...]`, or with `app {name} {{ ... }}`"
                )
            },
        ));
        ServedApp::Unknown
    }
}

/// A string value with its span.
fn string(phrase: &TypedPhrase<'_>) -> Option<(String, Span)> {
    phrase
        .head
        .as_ref()
        .and_then(Typed::as_str)
        .map(|(text, span)| (text.to_string(), span))
}
