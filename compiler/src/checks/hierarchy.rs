//! The management-group hierarchy (E09xx): declared once (E0901) with well-formed subscription
//! ids (E0902); once declared, every scope the project names is in it (E0903, E0909), every
//! exemption sits below the assignment it exempts (E0904), every workload lives where its
//! policy is assigned (E0905) and no other policy applies there unnoticed (E0906), sandboxes
//! are apart from dev, test and production (E0907), and `definitions_at:` is above every scope
//! (E0908).

use std::collections::HashMap;

use charter_ir::{Environment, Scope};
use charter_syntax::Span;

use super::{scope_source, Checks};
use crate::codes::hierarchy as codes;
use crate::hierarchy::{is_guid, ExemptionPlace, Place, Unplaced};
use crate::model::{value_of, WorkloadId};

impl Checks<'_> {
    /// Every check of the hierarchy and of the scopes that resolve against it.
    pub(super) fn check_hierarchy(&mut self) {
        let hierarchy = &self.model.hierarchy;
        if !hierarchy.is_declared() {
            return;
        }
        let mut seen: HashMap<String, Span> = HashMap::new();
        for group in &hierarchy.groups {
            if let Some(first) = seen.insert(format!("mg:{}", group.name), group.name_span) {
                self.diagnostics.push(codes::duplicate(
                    "management group",
                    &group.name,
                    group.name_span,
                    first,
                ));
            }
        }
        for subscription in &hierarchy.subscriptions {
            if let Some(first) =
                seen.insert(format!("sub:{}", subscription.name), subscription.name_span)
            {
                self.diagnostics.push(codes::duplicate(
                    "subscription",
                    &subscription.name,
                    subscription.name_span,
                    first,
                ));
            }
            if let Some((id, span)) = &subscription.id {
                if !is_guid(id) {
                    self.diagnostics.push(codes::malformed_id(id, *span));
                } else if id.bytes().all(|b| b == b'0' || b == b'-') {
                    self.diagnostics.push(codes::placeholder_id(*span));
                } else if let Some(first) =
                    seen.insert(format!("id:{}", id.to_ascii_lowercase()), *span)
                {
                    self.diagnostics
                        .push(codes::duplicate("subscription id", id, *span, first));
                }
            }
            let mut groups: HashMap<&str, Span> = HashMap::new();
            for (group, span) in &subscription.resource_groups {
                if let Some(first) = groups.insert(group, *span) {
                    self.diagnostics
                        .push(codes::duplicate("resource group", group, *span, first));
                }
            }
        }
        for policy in &self.model.policies {
            for (scope, span) in policy.scopes() {
                self.check_scope_known(scope, *span);
            }
            let definitions_at = policy
                .definitions_at
                .as_ref()
                .and_then(|field| field.value.as_ref());
            if let Some((scope, span)) = definitions_at {
                if !matches!(scope, Scope::ResourceGroup(_)) && self.check_scope_known(scope, *span)
                {
                    if let Ok(stored) = hierarchy.place(scope) {
                        let outside: Vec<(String, Span)> = policy
                            .scopes()
                            .iter()
                            .filter(|(assigned, _)| {
                                hierarchy
                                    .place(assigned)
                                    .is_ok_and(|place| !hierarchy.contains(&stored, &place))
                            })
                            .map(|(assigned, span)| (scope_source(assigned), *span))
                            .collect();
                        let below_its_scopes = matches!(
                            policy.definitions_location(),
                            crate::model::DefinitionsLocation::BelowItsScopes { .. }
                        );
                        if !outside.is_empty() && !below_its_scopes {
                            let computed = hierarchy
                                .lowest_common(
                                    &self
                                        .model
                                        .policy_places(policy)
                                        .into_iter()
                                        .map(|(_, place)| place)
                                        .collect::<Vec<_>>(),
                                )
                                .map(|place| scope_source(&hierarchy.scope_of_named(&place)));
                            self.diagnostics.push(codes::definitions_below_scopes(
                                &scope_source(scope),
                                *span,
                                &outside,
                                computed.as_deref(),
                            ));
                        }
                    }
                }
            }
            for exemption in &policy.exemptions {
                let Some((scope, span)) = &exemption.scope else {
                    continue;
                };
                if !self.check_scope_known(scope, *span) {
                    continue;
                }
                if let Some((under, under_span)) =
                    exemption.under.as_ref().and_then(|m| m.value.as_ref())
                {
                    if !self.check_scope_known(under, *under_span) {
                        continue;
                    }
                }
                if let ExemptionPlace::Outside(place) =
                    self.model.exemption_place(policy, exemption)
                {
                    let scopes: Vec<(String, Span)> = policy
                        .scopes()
                        .iter()
                        .map(|(scope, span)| (scope_source(scope), *span))
                        .collect();
                    self.diagnostics.push(codes::exemption_outside(
                        &policy.name,
                        &scope_source(scope),
                        &hierarchy.path(&place),
                        *span,
                        &scopes,
                        exemption
                            .under
                            .as_ref()
                            .and_then(|m| m.value.as_ref())
                            .map(|(under, _)| scope_source(under))
                            .as_deref(),
                    ));
                }
            }
        }
        // A business unit's Foundry resources live in its subscription and resource group: both
        // must be in the hierarchy (E0903, E0909), like a workload's.
        for unit in &self.model.business_units {
            self.check_resource_place(value_of(&unit.subscription), value_of(&unit.resource_group));
        }
        for index in 0..self.model.workloads.len() {
            self.check_workload_place(WorkloadId(index));
        }
        for gateway in &self.model.gateways {
            self.check_resource_place(
                value_of(&gateway.subscription),
                value_of(&gateway.resource_group),
            );
        }
        for monitoring in &self.model.monitoring {
            self.check_resource_place(
                value_of(&monitoring.subscription),
                value_of(&monitoring.resource_group),
            );
        }
    }

    /// Reports a scope the hierarchy does not have (E0903) or cannot place (E0909); whether it
    /// has a place.
    fn check_scope_known(&mut self, scope: &Scope, span: Span) -> bool {
        if let Scope::Resource(resource) = scope {
            // Its resource group, in the subscription written, must be declared.
            let subscription = resource.subscription.clone().map(|name| (name, span));
            let before = self.diagnostics.len();
            let placed = self
                .check_resource_place(
                    subscription.as_ref(),
                    Some(&(resource.resource_group.clone(), span)),
                )
                .is_some();
            let holders = self
                .model
                .hierarchy
                .resource_group_subscriptions(&resource.resource_group);
            for diagnostic in &mut self.diagnostics[before..] {
                if diagnostic.code == codes::AMBIGUOUS_RESOURCE_GROUP {
                    let first = holders
                        .first()
                        .map(|&s| self.model.hierarchy.subscriptions[s].name.as_str())
                        .unwrap_or("NAME");
                    diagnostic.help = Some(format!(
                        "name the subscription in the resource group: `resource_group(\"{}\", subscription(\"{}\"))`",
                        charter_syntax::diagnostic::sanitize(&resource.resource_group),
                        charter_syntax::diagnostic::sanitize(first)
                    ));
                }
            }
            return placed;
        }
        let hierarchy = &self.model.hierarchy;
        match hierarchy.place(scope) {
            Ok(_) => true,
            Err(Unplaced::Unknown) => {
                let (noun, candidates): (&str, Vec<&str>) = match scope {
                    Scope::ManagementGroup(_) => (
                        "management group",
                        hierarchy.groups.iter().map(|g| g.name.as_str()).collect(),
                    ),
                    Scope::Subscription(_) => (
                        "subscription",
                        hierarchy
                            .subscriptions
                            .iter()
                            .map(|s| s.name.as_str())
                            .collect(),
                    ),
                    Scope::ResourceGroup(_) | Scope::Resource(_) => (
                        "resource group",
                        hierarchy
                            .subscriptions
                            .iter()
                            .flat_map(|s| s.resource_groups.iter().map(|(g, _)| g.as_str()))
                            .collect(),
                    ),
                };
                self.diagnostics.push(codes::unknown_scope(
                    noun,
                    crate::model::scope_name(scope),
                    span,
                    candidates,
                ));
                false
            }
            Err(Unplaced::Ambiguous(holders)) => {
                let names: Vec<&str> = holders
                    .iter()
                    .map(|&s| hierarchy.subscriptions[s].name.as_str())
                    .collect();
                let name = crate::model::scope_name(scope);
                // A policy scope or a resource group's exemption has no `subscription:` field.
                let mut diagnostic = codes::ambiguous_resource_group(name, span, &names);
                diagnostic.help = Some(format!(
                    "a policy scope or an exemption names a resource group by its name alone, so it must be unique in the hierarchy: if these are different resource groups, assign or exempt the subscription that holds the one meant (`subscription(\"{}\")`), or rename one of them in Azure and in the hierarchy; to exempt one resource in it, write `resource(resource_group(\"{}\", subscription(\"{}\")), TYPE, NAME)`",
                    charter_syntax::diagnostic::sanitize(names.first().copied().unwrap_or("NAME")),
                    charter_syntax::diagnostic::sanitize(name),
                    charter_syntax::diagnostic::sanitize(names.first().copied().unwrap_or("NAME")),
                ));
                self.diagnostics.push(diagnostic);
                false
            }
        }
    }

    /// Reports the subscription and resource group of a gateway or a monitoring workspace that
    /// the hierarchy does not have; the place when it has them.
    fn check_resource_place(
        &mut self,
        subscription: Option<&(String, Span)>,
        resource_group: Option<&(String, Span)>,
    ) -> Option<Place> {
        let hierarchy = &self.model.hierarchy;
        let in_subscription = match subscription {
            Some((name, span)) => match hierarchy.subscription(name) {
                Some(index) => Some(index),
                None => {
                    self.check_scope_known(&Scope::Subscription(name.clone()), *span);
                    return None;
                }
            },
            None => None,
        };
        let (group, span) = resource_group?;
        match hierarchy.resource_group(group, in_subscription) {
            Ok(place) => Some(place),
            Err(Unplaced::Unknown) => {
                let candidates: Vec<&str> = hierarchy
                    .subscriptions
                    .iter()
                    .enumerate()
                    .filter(|(index, _)| in_subscription.is_none_or(|s| s == *index))
                    .flat_map(|(_, s)| s.resource_groups.iter().map(|(g, _)| g.as_str()))
                    .collect();
                let mut diagnostic =
                    codes::unknown_scope("resource group", group, *span, candidates);
                if let Some(s) = in_subscription {
                    let named = &hierarchy.subscriptions[s].name;
                    diagnostic.message = format!(
                        "subscription `{named}` has no resource group `{}` in the hierarchy",
                        charter_syntax::diagnostic::sanitize(group)
                    );
                    diagnostic.primary.message = format!("not declared in subscription `{named}`");
                    // Declared in another subscription: say where.
                    let holders: Vec<&str> = hierarchy
                        .subscriptions
                        .iter()
                        .filter(|other| other.resource_groups.iter().any(|(g, _)| g == group))
                        .map(|other| other.name.as_str())
                        .collect();
                    if let [holder, ..] = holders.as_slice() {
                        diagnostic.help = Some(format!(
                            "it is declared in subscription `{holder}`: name that subscription, or declare the resource group under `{named}` if it sits there in Azure"
                        ));
                    }
                }
                self.diagnostics.push(diagnostic);
                None
            }
            Err(Unplaced::Ambiguous(holders)) => {
                let names: Vec<&str> = holders
                    .iter()
                    .map(|&s| hierarchy.subscriptions[s].name.as_str())
                    .collect();
                self.diagnostics
                    .push(codes::ambiguous_resource_group(group, *span, &names));
                None
            }
        }
    }

    /// A workload's place: known (E0903, E0909), under its policy (E0905) and no other
    /// (E0906), and in a sandbox exactly when it is one (E0907).
    /// With a business unit, its endpoints are deployed in the business unit's Foundry
    /// resource: that place is held to the same rules, at the `business_unit:` line.
    fn check_workload_place(&mut self, id: WorkloadId) {
        let model = self.model;
        let workload = model.workload(id);
        let Some(place) = self.check_resource_place(
            value_of(&workload.subscription),
            value_of(&workload.resource_group),
        ) else {
            return;
        };
        let anchor = workload
            .resource_group
            .as_ref()
            .map_or(workload.name_span, |field| field.span);
        let own = self.diagnostics.len();
        self.check_governed_place(id, &place, anchor, false);
        let Some(unit) = workload.business_unit.as_ref() else {
            return;
        };
        let Some(reference) = unit.value.as_ref() else {
            return;
        };
        let business_unit = &model.business_units[reference.target];
        // Unknown places were reported once, for the business unit itself.
        let Some(unit_place) = crate::hierarchy::placed(
            &model.hierarchy,
            value_of(&business_unit.subscription).map(|(name, _)| name.as_str()),
            value_of(&business_unit.resource_group).map(|(name, _)| name.as_str()),
        ) else {
            return;
        };
        if unit_place != place {
            let before = self.diagnostics.len();
            self.check_governed_place(id, &unit_place, unit.span, true);
            // Another policy over both places is said once, at the workload's own.
            let said: Vec<String> = self.diagnostics[own..before]
                .iter()
                .filter(|d| d.code == codes::WORKLOAD_ALSO_GOVERNED)
                .map(|d| d.message.clone())
                .collect();
            let mut index = 0;
            self.diagnostics.retain(|d| {
                index += 1;
                index <= before
                    || d.code != codes::WORKLOAD_ALSO_GOVERNED
                    || !said.contains(&d.message)
            });
        }
    }

    /// A place where a workload's resources are deployed: under its policy (E0905) and no
    /// other (E0906), and in a sandbox exactly when the workload is one (E0907).
    /// `for_endpoints` says the place is its business unit's, where its endpoints go.
    fn check_governed_place(
        &mut self,
        id: WorkloadId,
        place: &Place,
        anchor: Span,
        for_endpoints: bool,
    ) {
        let before = self.diagnostics.len();
        self.check_governed_place_at(id, place, anchor, for_endpoints);
        if for_endpoints {
            // Said at the `business_unit:` line: that is what puts the endpoints there.
            for diagnostic in &mut self.diagnostics[before..] {
                diagnostic.primary.message =
                    "its endpoints are deployed in this business unit's Foundry resource"
                        .to_string();
            }
        }
    }

    fn check_governed_place_at(
        &mut self,
        id: WorkloadId,
        place: &Place,
        anchor: Span,
        for_endpoints: bool,
    ) {
        let model = self.model;
        let workload = model.workload(id);
        let place = place.clone();
        let hierarchy = &model.hierarchy;
        let over = model.policies_over(&place);
        if let Some(governed_by) = value_of(&workload.governed_by) {
            let at = if for_endpoints {
                anchor
            } else {
                governed_by.span
            };
            let policy = model.policy(governed_by.target);
            if !over.contains(&governed_by.target) && !model.policy_places(policy).is_empty() {
                self.diagnostics.push(codes::outside_policy(
                    &workload.name,
                    &policy.name,
                    &hierarchy.path(&place),
                    at,
                    policy.scope.as_ref().map(|field| field.span),
                ));
            }
            for other in over.iter().filter(|other| **other != governed_by.target) {
                let other = model.policy(*other);
                // An unexpired exemption of the workload's place from every rule of the other
                // policy says, in the source, that it does not apply there: Azure does not
                // enforce it. One from some rules (`only`) or of one resource leaves the rest.
                if exempts_place(hierarchy, other, &place, self.options.today) {
                    continue;
                }
                self.diagnostics.push(codes::also_governed(
                    &workload.name,
                    &policy.name,
                    &other.name,
                    at,
                    other.scope.as_ref().map(|field| field.span),
                ));
            }
        }
        let environment = workload.environment();
        let place_environment = hierarchy.environment(&place);
        let in_sandbox = place_environment.is_some_and(|(env, _)| env == Environment::Sandbox);
        let is_sandbox = environment == Environment::Sandbox;
        if in_sandbox != is_sandbox {
            let span = if for_endpoints {
                anchor
            } else {
                workload
                    .environment
                    .as_ref()
                    .map_or(anchor, |field| field.span)
            };
            self.diagnostics.push(codes::sandbox_apart(
                &workload.name,
                environment.charter_name(),
                &hierarchy.describe(&place),
                in_sandbox,
                span,
                place_environment.map(|(_, span)| span),
            ));
        }
    }
}

/// Whether an unexpired exemption of `policy` covers `place` from every rule of the policy
/// (no `only`), at the place or above it; an exemption of one resource never covers a place.
fn exempts_place(
    hierarchy: &crate::hierarchy::Hierarchy,
    policy: &crate::model::Policy,
    place: &Place,
    today: charter_ir::Date,
) -> bool {
    policy.exemptions.iter().any(|exemption| {
        let Some((scope, _)) = &exemption.scope else {
            return false;
        };
        if matches!(scope, Scope::Resource(_)) || exemption.only.is_some() {
            return false;
        }
        let current = exemption.until.is_some_and(|(until, _)| until >= today);
        current
            && hierarchy
                .place(scope)
                .is_ok_and(|exempted| hierarchy.contains(&exempted, place))
    })
}

#[cfg(test)]
mod tests {
    use crate::codes::hierarchy::WORKLOAD_ALSO_GOVERNED;

    /// The codes, messages and lines a project reports.
    fn report(source: &str) -> Vec<(&'static str, String, usize)> {
        crate::checks::compile_one(source)
            .diagnostics
            .into_iter()
            .map(|d| {
                let line = source[..d.primary.span.start as usize].lines().count();
                (d.code, d.message, line)
            })
            .collect()
    }

    /// A workload whose endpoints live in its business unit's resource, elsewhere under the
    /// same other policy: that policy is said once, at the workload's own place.
    #[test]
    fn another_policy_over_both_places_is_said_once() {
        let source = r#"management_group "contoso" {
  management_group "contoso-prod" {
    environment: prod
    subscription "support-prod" {
      id: "1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71"
      resource_groups: ["rg-support", "rg-foundry"]
    }
  }
}

policy guardrails {
  scope: subscription("support-prod")
}

policy lockdown {
  scope: management_group("contoso-prod")
}

business_unit customer_service {
  subscription: "support-prod"
  resource_group: "rg-foundry"
}

workload support {
  governed_by: guardrails
  environment: prod
  subscription: "support-prod"
  resource_group: "rg-support"
  business_unit: customer_service
}
"#;
        let also: Vec<(&str, String, usize)> = report(source)
            .into_iter()
            .filter(|(code, _, _)| *code == WORKLOAD_ALSO_GOVERNED)
            .collect();
        assert_eq!(
            also,
            [(
                WORKLOAD_ALSO_GOVERNED,
                "policy `lockdown` also applies to workload `support`, governed by `guardrails`"
                    .to_string(),
                25
            )]
        );
    }
}
