//! Exemptions: not expired (E0701), with a reason (E0702), and exempting an assignment the
//! policy has (E0703, E0704).

use charter_ir as ir;
use charter_syntax::Span;

use super::{scope_source, Checks};
use crate::codes;
use crate::model::{self, scope_name, ExemptionAssignment, Policy};
use crate::schema::ScopeKind;

impl Checks<'_> {
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
