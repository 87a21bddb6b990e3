//! Exemptions: not expired (E0701), with a reason (E0702), and exempting an assignment the
//! policy has (E0703, E0704).

use charter_ir as ir;
use charter_syntax::diagnostic::sanitize;
use charter_syntax::{Diagnostic, Span};

use super::{schema_join, scope_source, Checks};
use crate::codes;
use crate::model::{self, scope_name, ExemptionAssignment, Policy};
use crate::schema::ScopeKind;

impl Checks<'_> {
    pub(super) fn check_exemption(&mut self, exemption: &model::Exemption) {
        let today = self.options.today;
        if let Some((date, span)) = exemption.until {
            if date < today {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::exemptions::EXEMPTION_EXPIRED,
                        format!("exemption expired on {date}"),
                        span,
                        format!("in the past (today is {today})"),
                    )
                    .with_help("remove the exemption, or renew it with a new date if it is still needed")
                    .with_note("an expired exemption no longer exempts anything; keeping it hides that the scope must now comply"),
                );
            }
        }
        let reason = exemption
            .reason
            .as_ref()
            .and_then(|modifier| modifier.value.text.as_ref());
        match reason {
            Some((text, _)) if !text.trim().is_empty() => {}
            Some((_, span)) => self.diagnostics.push(
                Diagnostic::error(
                    codes::exemptions::EXEMPTION_WITHOUT_REASON,
                    "exemption without a reason",
                    *span,
                    "the reason is empty",
                )
                .with_help("say why the scope is exempt, for the audit trail"),
            ),
            None => {
                let end = Span::new(
                    exemption.span.file,
                    exemption.span.end as usize,
                    exemption.span.end as usize,
                );
                let (label_span, fix) = match &exemption.reason {
                    Some(modifier) => (
                        modifier
                            .value
                            .category
                            .map_or(modifier.word_span, |(_, span)| span),
                        Some((end, " \"REASON\"")),
                    ),
                    None => (exemption.keyword_span, Some((end, " as waiver \"REASON\""))),
                };
                let mut diagnostic = Diagnostic::error(codes::exemptions::EXEMPTION_WITHOUT_REASON, "exemption without a reason", label_span, "no reason given")
                    .with_help("add `as waiver \"why\"` or `as mitigated \"how\"`: the reason is kept for the audit trail");
                if let Some((span, text)) = fix {
                    diagnostic = diagnostic.with_fix("add a reason", span, text);
                }
                self.diagnostics.push(diagnostic);
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
                let listing: Vec<String> = scopes
                    .iter()
                    .map(|(scope, _)| format!("`{}`", sanitize(&scope_source(scope))))
                    .collect();
                let mut diagnostic = Diagnostic::error(
                    codes::exemptions::EXEMPTION_OUTSIDE_ASSIGNMENT,
                    format!(
                        "policy `{}` is not assigned at `{}`",
                        policy.name,
                        sanitize(&scope_source(&under))
                    ),
                    span,
                    "not one of the policy's scopes",
                );
                for (_, scope_span) in scopes {
                    diagnostic =
                        diagnostic.with_secondary(*scope_span, "the policy is assigned here");
                }
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
                diagnostic = match closest.as_deref() {
                    Some(best) => diagnostic
                        .with_help(format!(
                            "did you mean `{}`? `under` names one of the policy's scopes: {}",
                            sanitize(best),
                            schema_join(&listing)
                        ))
                        .with_fix(format!("write `{}`", sanitize(best)), span, best),
                    None => diagnostic.with_help(format!(
                        "`under` names one of the policy's scopes: {}",
                        schema_join(&listing)
                    )),
                };
                self.diagnostics.push(diagnostic);
            }
            ExemptionAssignment::Ambiguous { exempted, span } => {
                let Some((first, _)) = scopes.first() else {
                    return;
                };
                let mut diagnostic = Diagnostic::error(
                    codes::exemptions::AMBIGUOUS_EXEMPTION,
                    format!(
                        "exemption of `{}` is ambiguous: policy `{}` is assigned at {} scopes",
                        sanitize(&scope_source(&exempted)),
                        policy.name,
                        scopes.len()
                    ),
                    span,
                    "not one of the policy's scopes",
                );
                for (_, scope_span) in scopes {
                    diagnostic =
                        diagnostic.with_secondary(*scope_span, "the policy is assigned here");
                }
                let at = Span::new(span.file, span.end as usize, span.end as usize);
                let first = scope_source(first);
                diagnostic = diagnostic
                    .with_help(format!(
                        "say which assignment it exempts with `under SCOPE`, naming the policy scope that contains `{}`",
                        sanitize(&scope_source(&exempted))
                    ))
                    .with_note("an exemption must sit at or below the assignment it exempts, and Charter cannot know which management group or subscription contains the scope")
                    .with_fix(format!("add `under {}`", sanitize(&first)), at, format!(" under {first}"));
                self.diagnostics.push(diagnostic);
            }
        }
    }
}
