//! Exemptions: not expired (E0701), with a reason (E0702), and exempting an assignment the
//! policy has (E0703, E0704); expiring soon (E0705), within the policy's maximum duration
//! (E0706), limited to rules the policy has (E0707), with a non-empty owner and ticket (E0708),
//! and an `only` that lists some rule (E0711).

use charter_ir as ir;
use charter_syntax::Span;

use super::{scope_source, Checks};
use crate::codes;
use crate::model::{self, scope_name, ExemptionAssignment, Policy};
use crate::schema::ScopeKind;

impl Checks<'_> {
    /// The checks an exemption needs its policy for: the warning horizon (E0705), the maximum
    /// duration (E0706), and the rules `only` names (E0707).
    pub(super) fn check_exemption_against_policy(
        &mut self,
        policy: &Policy,
        exemption: &model::Exemption,
    ) {
        let today = self.options.today;
        if let Some((date, span)) = exemption.until {
            let days = crate::dates::days_between(today, date);
            let max = policy
                .max_exemption
                .as_ref()
                .and_then(|field| field.value.map(|days| (days, field.span)));
            match max {
                Some((max, max_span)) if days > i64::from(max) => self
                    .diagnostics
                    .push(codes::exemptions::too_long(date, days, max, span, max_span)),
                _ => {
                    let horizon = policy.exemption_warning_days();
                    if (0..=i64::from(horizon)).contains(&days) {
                        self.diagnostics.push(codes::exemptions::expires_soon(
                            date, today, days, horizon, span,
                        ));
                    }
                }
            }
        }
        if let Some(only) = &exemption.only {
            if only.value.as_ref().is_some_and(Vec::is_empty) {
                self.diagnostics
                    .push(codes::exemptions::no_rule(only.word_span));
            }
        }
        if let Some(rules) = exemption.only.as_ref().and_then(|only| only.value.as_ref()) {
            for (rule, span) in rules {
                if !policy_sets(policy, *rule) {
                    self.diagnostics.push(codes::exemptions::absent_rule(
                        rule.charter_name(),
                        &policy.name,
                        *span,
                    ));
                }
            }
        }
        for (word, modifier) in [("owner", &exemption.owner), ("ticket", &exemption.ticket)] {
            if let Some((text, span)) = modifier.as_ref().and_then(|m| m.value.as_ref()) {
                if text.trim().is_empty() {
                    self.diagnostics
                        .push(codes::exemptions::empty_reference(word, *span));
                }
            }
        }
    }

    pub(super) fn check_exemption(&mut self, exemption: &model::Exemption) {
        let today = self.options.today;
        if let Some((date, span)) = exemption.until {
            if date < today {
                self.diagnostics
                    .push(codes::exemptions::expired(date, today, span));
            }
        }
        let reason = exemption
            .reason
            .as_ref()
            .and_then(|modifier| modifier.value.text.as_ref());
        match reason {
            Some((text, _)) if !text.trim().is_empty() => {}
            Some((_, span)) => self
                .diagnostics
                .push(codes::exemptions::empty_reason(*span)),
            None => {
                let end = Span::new(
                    exemption.span.file,
                    exemption.span.end as usize,
                    exemption.span.end as usize,
                );
                let (label_span, insertion) = match &exemption.reason {
                    Some(modifier) => (
                        modifier
                            .value
                            .category
                            .map_or(modifier.word_span, |(_, span)| span),
                        " \"REASON\"",
                    ),
                    None => (exemption.keyword_span, " as waiver \"REASON\""),
                };
                self.diagnostics.push(codes::exemptions::missing_reason(
                    label_span, end, insertion,
                ));
            }
        }
    }

    /// Reports an `under` that names no scope of the policy (E0704) and, when the policy has
    /// several scopes, a missing `under` (E0703).
    pub(super) fn check_exemption_assignment(
        &mut self,
        policy: &Policy,
        exemption: &model::Exemption,
    ) {
        let scopes = policy.scopes();
        match policy.exemption_assignment(exemption) {
            ExemptionAssignment::Scope(_) | ExemptionAssignment::Unknown => {}
            ExemptionAssignment::UnderNotAScope { under, span } => {
                // Names are compared among scopes of the same kind: every management group's
                // source text starts alike, so comparing whole calls would suggest one for any
                // typo.
                let same_kind: Vec<&ir::Scope> = scopes
                    .iter()
                    .map(|(scope, _)| scope)
                    .filter(|scope| ScopeKind::of(scope) == ScopeKind::of(&under))
                    .collect();
                let closest = crate::suggest::closest(
                    scope_name(&under),
                    same_kind.iter().map(|scope| scope_name(scope)),
                )
                .and_then(|name| same_kind.iter().find(|scope| scope_name(scope) == name))
                .map(|scope| scope_source(scope));
                let written: Vec<(String, Span)> = scopes
                    .iter()
                    .map(|(scope, scope_span)| (scope_source(scope), *scope_span))
                    .collect();
                self.diagnostics.push(codes::exemptions::outside_assignment(
                    &policy.name,
                    &scope_source(&under),
                    span,
                    &written,
                    closest.as_deref(),
                ));
            }
            // With a hierarchy the assignment is the policy scope that contains the exempted
            // one (`checks/hierarchy.rs` reports one outside every scope, E0904).
            ExemptionAssignment::Ambiguous { .. } if self.model.hierarchy.is_declared() => {}
            ExemptionAssignment::Ambiguous { exempted, span } => {
                let Some((first, _)) = scopes.first() else {
                    return;
                };
                let scope_spans: Vec<Span> = scopes.iter().map(|(_, span)| *span).collect();
                self.diagnostics.push(codes::exemptions::ambiguous(
                    &scope_source(&exempted),
                    &policy.name,
                    span,
                    &scope_spans,
                    &scope_source(first),
                ));
            }
        }
    }
}

/// Whether the policy sets the field that makes `rule` (the owner tag always has a value).
fn policy_sets(policy: &Policy, rule: ir::ExemptRule) -> bool {
    use ir::ExemptRule as R;
    match rule {
        R::Models => policy.models.is_some(),
        R::Filters => policy.minimum.is_some(),
        R::Regions => policy.regions.is_some(),
        R::MaxCapacity => policy.max_capacity.is_some(),
        R::MaxProvisioned => policy.max_provisioned.is_some(),
        R::DeploymentTypes => policy.deployment_types.is_some(),
        R::LocalAuth => policy.local_auth.is_some(),
        R::PublicNetwork => policy.public_network.is_some(),
        R::OwnerTag => true,
    }
}
