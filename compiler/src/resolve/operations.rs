//! Operations: `gateway` and `monitoring` blocks, with the workloads and regions they name.

use charter_ir::{GatewaySku, Management};

use super::policies::keyword;
use super::{field, Resolver, Target};
use crate::model::{Gateway, Monitoring, Ref, Text, WorkloadId};
use crate::schema::{BlockKind, RefKind};
use crate::typeck::{Typed, TypedBlock, TypedPhrase};

impl<'t, 'a> Resolver<'t, 'a> {
    /// Resolves every named `gateway` and `monitoring` block, after the workloads.
    pub(super) fn resolve_operations(&mut self, typed: &'t [(usize, &'t TypedBlock<'a>)]) {
        for (_, block) in typed {
            let Some((name, name_span)) = block.label() else {
                continue;
            };
            match block.schema.kind {
                BlockKind::Gateway => {
                    let gateway = Gateway {
                        name: name.to_string(),
                        name_span,
                        span: block.ast.span,
                        doc: block.doc().map(str::to_string),
                        routes: field(block, "routes", |phrase| self.workload_list(phrase)),
                        service: field(block, "api_management", text),
                        management: field(block, "managed", |phrase| {
                            keyword(phrase, Management::from_charter_name)
                        }),
                        resource_group: field(block, "resource_group", text),
                        subscription: field(block, "subscription", text),
                        regions: field(block, "regions", |phrase| self.region_list(phrase)),
                        sku: field(block, "sku", |phrase| {
                            keyword(phrase, GatewaySku::from_charter_name)
                        }),
                        publisher: field(block, "publisher", text),
                    };
                    self.model.gateways.push(gateway);
                }
                BlockKind::Monitoring => {
                    let monitoring = Monitoring {
                        name: name.to_string(),
                        name_span,
                        span: block.ast.span,
                        doc: block.doc().map(str::to_string),
                        workspace: field(block, "workspace", text),
                        management: field(block, "managed", |phrase| {
                            keyword(phrase, Management::from_charter_name)
                        }),
                        resource_group: field(block, "resource_group", text),
                        subscription: field(block, "subscription", text),
                        region: field(block, "region", |phrase| {
                            let (region, span) = text(phrase)?;
                            self.resolve_region(&region, span).then_some((region, span))
                        }),
                        retention: field(block, "retention", |phrase| match phrase.head {
                            Some(Typed::Duration { days, .. }) => Some(days),
                            _ => None,
                        }),
                        covers: field(block, "covers", |phrase| self.workload_list(phrase)),
                        usage_alert: field(block, "usage_alert_at", |phrase| match phrase.head {
                            Some(Typed::Percent { value, .. }) => Some(value),
                            _ => None,
                        }),
                        throttling_alert: field(block, "throttling_alert_at", |phrase| {
                            phrase.head.as_ref().and_then(Typed::as_int)
                        }),
                        contacts: field(block, "notify", |phrase| {
                            phrase
                                .head
                                .as_ref()
                                .map(Typed::items)
                                .unwrap_or_default()
                                .iter()
                                .filter_map(Typed::as_str)
                                .map(|(value, span)| (value.to_string(), span))
                                .collect()
                        }),
                    };
                    self.model.monitoring.push(monitoring);
                }
                _ => {}
            }
        }
    }

    /// The workloads a list names, each that resolves (the others are reported).
    fn workload_list(&mut self, phrase: &TypedPhrase<'a>) -> Vec<Ref<WorkloadId>> {
        let mut out = Vec::new();
        for item in phrase.head.as_ref().map(Typed::items).unwrap_or_default() {
            let Some(path) = item.as_ref() else { continue };
            if !matches!(
                self.resolve(path, RefKind::Workload),
                Some(Target::Workload)
            ) {
                continue;
            }
            let name = path.text();
            if let Some(index) = self
                .model
                .workloads
                .iter()
                .position(|w| w.name == name && w.decl.is_some())
            {
                out.push(Ref {
                    target: WorkloadId(index),
                    span: path.span,
                });
            }
        }
        out
    }

    /// The regions a list names, each the catalog knows (the others are reported).
    fn region_list(&mut self, phrase: &TypedPhrase<'a>) -> Vec<Text> {
        let mut out: Vec<Text> = Vec::new();
        for item in phrase.head.as_ref().map(Typed::items).unwrap_or_default() {
            let Some((region, span)) = item.as_str() else {
                continue;
            };
            if out.iter().any(|(listed, _)| listed == region) {
                continue;
            }
            if self.resolve_region(region, span) {
                out.push((region.to_string(), span));
            }
        }
        out
    }
}

fn text(phrase: &TypedPhrase<'_>) -> Option<Text> {
    phrase
        .head
        .as_ref()
        .and_then(Typed::as_str)
        .map(|(value, span)| (value.to_string(), span))
}
