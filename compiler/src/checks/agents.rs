//! Agents and guardrails (E10xx): where a filter's controls apply. A model-only control on an
//! endpoint that serves agents is skipped for them (E1001); agent-only controls on an endpoint
//! without agents check nothing (E1002); an agent endpoint's filter must guard the sides its
//! policy lists in `agent_sides` (E1003); safety providers are named as Azure can (E1004).

use charter_ir::{Audience, Category, Side};

use super::Checks;
use crate::codes;
use crate::model::{value_of, Effective, Endpoint, FilterId, Workload};

impl Checks<'_> {
    /// The safety providers a project filter names.
    pub(super) fn check_filter_agents(&mut self, id: FilterId) {
        let filter = self.model.filter(id);
        if filter.is_stdlib {
            return;
        }
        for listed in &filter.listed_safety_providers {
            if !codes::agents::is_safety_provider_name(&listed.name) {
                self.diagnostics.push(codes::agents::safety_provider_name(
                    &listed.name,
                    listed.span,
                ));
            }
        }
    }

    /// Where the endpoint's filter applies: to agents, to direct model calls, or both.
    pub(super) fn check_endpoint_agents(&mut self, workload: &Workload, endpoint: &Endpoint) {
        let Some(reference) = endpoint.filter() else {
            return;
        };
        let filter = self.model.filter(reference.target);
        let effective = &filter.effective;
        let policy = workload.policy().map(|id| self.model.policy(id));
        if endpoint.serves_agents() {
            for side in Side::ALL {
                for category in Category::ALL {
                    if category.audience() != Audience::Models {
                        continue;
                    }
                    if let Some(setting) = enabled(effective, side, category) {
                        self.diagnostics.push(codes::agents::model_only_on_agents(
                            &endpoint.name,
                            &filter.name,
                            reference.span,
                            (side, category, setting),
                        ));
                    }
                }
            }
            let required = policy.and_then(|p| Some((p, value_of(&p.agent_sides)?)));
            if let Some((policy, sides)) = required {
                for &(side, span) in sides {
                    if !guards(effective, side) {
                        self.diagnostics.push(codes::agents::agent_side_unguarded(
                            &endpoint.name,
                            &filter.name,
                            reference.span,
                            side,
                            &policy.name,
                            span,
                        ));
                    }
                }
            }
            return;
        }
        // No agents: controls only agents pass through check nothing, unless the policy's
        // minimum asks for them everywhere.
        let minimum = policy
            .and_then(|p| value_of(&p.minimum).copied())
            .map(|m| &self.model.filter(m.target).effective);
        let mut controls = Vec::new();
        let mut first = None;
        for side in Side::ALL {
            for category in Category::ALL {
                if !side.agents_only() && category.audience() != Audience::Agents {
                    continue;
                }
                let Some(span) = enabled(effective, side, category) else {
                    continue;
                };
                if minimum.is_some_and(|m| enabled(m, side, category).is_some()) {
                    continue;
                }
                controls.push(format!(
                    "`{} {}`",
                    side.charter_name(),
                    category.charter_name()
                ));
                first.get_or_insert(span);
            }
            for listed in effective
                .blocklists
                .iter()
                .chain(&effective.safety_providers)
                .filter(|listed| listed.side == side && side.agents_only())
            {
                let required = minimum.is_some_and(|m| {
                    m.blocklists
                        .iter()
                        .chain(&m.safety_providers)
                        .any(|r| r.name == listed.name && r.side == side)
                });
                if !required {
                    controls.push(format!("`{} {}`", side.charter_name(), listed.name));
                    first.get_or_insert(listed.span);
                }
            }
        }
        if let Some(first) = first {
            self.diagnostics
                .push(codes::agents::agent_only_without_agents(
                    &endpoint.name,
                    &filter.name,
                    reference.span,
                    &controls,
                    first,
                ));
        }
    }
}

/// Where `category` is turned on on `side` (a threshold or an action other than `off`).
fn enabled(effective: &Effective, side: Side, category: Category) -> Option<charter_syntax::Span> {
    if !category.applies_to(side) {
        return None;
    }
    effective
        .setting(side, category)
        .filter(|setting| setting.level.strictness() > 0)
        .map(|setting| setting.span)
}

/// Whether the filter checks anything on `side`: a control, a blocklist or a safety provider.
fn guards(effective: &Effective, side: Side) -> bool {
    Category::ALL
        .into_iter()
        .any(|category| enabled(effective, side, category).is_some())
        || effective.blocklists.iter().any(|b| b.side == side)
        || effective.safety_providers.iter().any(|p| p.side == side)
}
