//! Policies: what a policy itself must get right (each model and deployment type allowed once,
//! where its definitions are stored), and what an endpoint must respect in the policy that
//! governs it (models, versions, regions, deployment types, capacity caps, the minimum filter).

use charter_ir as ir;
use charter_ir::Redundancy;
use charter_syntax::Span;

use super::{scope_source, Checks};
use crate::codes;
use crate::model::{value_of, DefinitionsLocation, Endpoint, Policy, PolicyId};

impl Checks<'_> {
    pub(super) fn check_policy(&mut self, policy: &Policy) {
        if let Some(models) = &policy.models {
            for (index, allow) in models.allows.iter().enumerate() {
                // Only the first `allow` of a model would count; say so rather than silently
                // ignore the second one's versions.
                if let Some(first) = models.allows[..index]
                    .iter()
                    .find(|earlier| earlier.model.name == allow.model.name)
                {
                    let versions: Vec<String> =
                        allow.versions.iter().map(|v| v.name.clone()).collect();
                    let first_versions: Vec<&str> =
                        first.versions.iter().map(|v| v.name.as_str()).collect();
                    self.diagnostics.push(codes::fields::model_allowed_twice(
                        (&allow.model.name, allow.model.span),
                        &versions,
                        (first.span, &first_versions),
                    ));
                }
            }
        }
        if let Some(listed) = policy
            .deployment_types
            .as_ref()
            .and_then(|field| field.value.as_ref())
        {
            for (index, (kind, span)) in listed.iter().enumerate() {
                if listed[..index].iter().any(|(earlier, _)| earlier == kind) {
                    self.diagnostics
                        .push(codes::fields::deployment_type_listed_twice(
                            kind.charter_name(),
                            *span,
                        ));
                }
            }
        }
        self.check_definitions_location(policy);
        for exemption in &policy.exemptions {
            self.check_exemption(exemption);
            self.check_exemption_assignment(policy, exemption);
            self.check_exemption_against_policy(policy, exemption);
        }
    }

    /// Checks where a policy's definitions are stored: not at a resource group, not an empty
    /// id (E0203), not a subscription below its scopes (E0212), and said when Charter cannot
    /// tell (E0211). Whether a management group contains the scopes is the user's word:
    /// Charter cannot see it.
    fn check_definitions_location(&mut self, policy: &Policy) {
        let scopes = policy.scopes();
        match policy.definitions_location() {
            DefinitionsLocation::Stored(_) | DefinitionsLocation::Unknown => {}
            DefinitionsLocation::AtResourceGroup { scope, span } => {
                let Some(field) = &policy.definitions_at else {
                    return;
                };
                self.diagnostics
                    .push(codes::fields::definitions_at_resource_group(
                        &scope_source(&scope),
                        span,
                        field.key,
                    ));
            }
            DefinitionsLocation::EmptyId { span } => {
                self.diagnostics
                    .push(codes::fields::definitions_at_empty_id(span));
            }
            DefinitionsLocation::BelowItsScopes {
                scope,
                span,
                outside,
            } => {
                let outside: Vec<(String, Span)> = outside
                    .iter()
                    .map(|(scope, span)| (scope_source(scope), *span))
                    .collect();
                self.diagnostics
                    .extend(codes::fields::definitions_location_out_of_reach(
                        &policy.name,
                        (&scope_source(&scope), span),
                        &outside,
                    ));
            }
            // With a hierarchy the lowest management group above every scope is computed
            // (`checks/hierarchy.rs` reports scopes it does not have).
            DefinitionsLocation::Ambiguous if self.model.hierarchy.is_declared() => {
                let places = self.model.policy_places(policy);
                if places.len() == scopes.len()
                    && self
                        .model
                        .hierarchy
                        .lowest_common(&places.into_iter().map(|(_, p)| p).collect::<Vec<_>>())
                        .is_none()
                {
                    self.report_ambiguous_location(policy, scopes);
                }
            }
            DefinitionsLocation::Ambiguous => {
                self.report_ambiguous_location(policy, scopes);
            }
        }
    }

    /// Reports a policy whose definitions location Charter cannot tell (E0211), with a fix
    /// that adds `definitions_at: management_group("")` after `scope:`: the id is left empty
    /// (and reported as such) because only the user knows which group contains the scopes.
    fn report_ambiguous_location(&mut self, policy: &Policy, scopes: &[(ir::Scope, Span)]) {
        let Some(field) = &policy.scope else {
            return;
        };
        let scope_spans: Vec<Span> = scopes.iter().map(|(_, span)| *span).collect();
        let (at, before, after) = self.line_after(field.span);
        let at = Span::new(field.span.file, at, at);
        self.diagnostics
            .push(codes::fields::definitions_location_missing(
                &policy.name,
                field.key_span,
                &scope_spans,
                (
                    at,
                    format!("{before}definitions_at: management_group(\"\"){after}"),
                ),
            ));
    }

    /// Where to insert a new entry on the line after the field at `field`, at its indentation,
    /// and the text to write before and after the entry: at the start of the next line when the
    /// field ends its line (after any `//` comment, which stays with the field), else right
    /// after the field (`{ scope: x, effect: deny }`).
    fn line_after(&self, field: Span) -> (usize, String, String) {
        let end = field.end as usize;
        let text = self
            .documents
            .iter()
            .find(|d| d.id == field.file)
            .map_or("", |d| d.text.as_str());
        let start = field.start as usize;
        let line_start = text
            .get(..start)
            .and_then(|before| before.rfind('\n'))
            .map_or(0, |i| i + 1);
        let indent = text
            .get(line_start..start)
            .filter(|indent| indent.chars().all(|c| c == ' ' || c == '\t'))
            .unwrap_or("  ")
            .to_string();
        let next_line = text.get(end..).and_then(|rest| {
            let newline = rest.find('\n')?;
            let tail = rest[..newline].trim();
            (tail.is_empty() || tail.starts_with("//")).then_some(end + newline + 1)
        });
        match next_line {
            Some(at) => (at, indent, "\n".to_string()),
            None => (end, format!("\n{indent}"), String::new()),
        }
    }

    pub(super) fn check_against_policy(&mut self, policy_id: PolicyId, endpoint: &Endpoint) {
        // The model outlives the checks: its names are borrowed while diagnostics are pushed.
        let resolved = self.model;
        let policy = resolved.policy(policy_id);
        let policy_name = policy.name.as_str();
        let model = endpoint.known_model();
        let version = endpoint.known_version();
        let deployment = endpoint.deployment_type();
        let (capacity, capacity_span) = endpoint.capacity();
        let redundancy = endpoint.redundancy();
        let filter = endpoint.filter();
        let mut found = Vec::new();
        if let (Some(models), Some(model)) = (&policy.models, model) {
            let model_name = model.name.as_str();
            let model_span = model.span;
            // An `allow` of an unknown model close to this one (`gpt-5.4-mni`), or one whose
            // name did not check, was reported at the policy and may be the one meant for this
            // endpoint: "not allowed" would blame the endpoint for the policy's typo.
            let allow_list_broken = models
                .allowed()
                .filter(|a| self.catalog.model(&a.model.name).is_none())
                .any(|a| crate::suggest::closest(&a.model.name, [model_name]).is_some())
                || models.unreadable;
            match models.allowed().find(|a| a.model.name == model_name) {
                None if allow_list_broken => {}
                None => {
                    let allowed: Vec<&str> =
                        models.allowed().map(|a| a.model.name.as_str()).collect();
                    found.push(codes::policies::model_not_allowed(
                        (model_name, model_span),
                        policy_name,
                        &allowed,
                        models.keyword_span,
                    ));
                }
                Some(allow) => {
                    if let Some(version) = version {
                        let version_name = version.name.as_str();
                        let version_span = version.span;
                        if allow.in_catalog()
                            && !allow.versions.is_empty()
                            && !allow
                                .versions
                                .iter()
                                .any(|v| v.name.eq_ignore_ascii_case(version_name))
                        {
                            let allowed: Vec<&str> =
                                allow.versions.iter().map(|v| v.name.as_str()).collect();
                            found.push(codes::policies::version_not_allowed(
                                (version_name, version_span),
                                model_name,
                                policy_name,
                                &allowed,
                                allow.span,
                            ));
                        }
                    }
                }
            }
        }
        if let Some(field) = &policy.regions {
            let allowed_regions: Vec<&str> = field.value.iter().map(|r| r.name.as_str()).collect();
            for region in endpoint.regions() {
                // An unknown region was reported already; "not allowed" would repeat it.
                if region.known && !allowed_regions.contains(&region.name.as_str()) {
                    found.push(codes::policies::region_not_allowed(
                        (&region.name, region.span),
                        policy_name,
                        &allowed_regions,
                        field.span,
                    ));
                }
            }
        }
        if let (Some((kind, kind_span)), Some((allowed_types, types_span))) =
            (deployment, policy.allowed_deployment_types())
        {
            if !allowed_types.contains(&kind) {
                found.push(codes::policies::deployment_type_not_allowed(
                    (kind, kind_span),
                    policy_name,
                    &allowed_types,
                    types_span,
                ));
            }
        }
        // Pay-per-token capacity (1,000 tokens per minute a unit) and provisioned throughput
        // units are different things with different prices: each has its own cap.
        let provisioned = deployment.is_some_and(|(kind, _)| kind.is_provisioned());
        let (cap_field, unit) = if provisioned {
            (&policy.max_provisioned, "PTUs")
        } else {
            (&policy.max_capacity, "units")
        };
        if let (Some((cap, cap_span)), Some(field)) = (Policy::cap(cap_field), cap_field) {
            let cap = codes::policies::Cap {
                cap,
                unit,
                field: field.key,
                span: cap_span,
                policy: policy_name,
            };
            if capacity > cap.cap {
                if let Some(span) = capacity_span {
                    found.push(codes::policies::capacity_over_cap(capacity, span, &cap));
                }
            }
            if redundancy == Redundancy::ActivePassive {
                if let Some((standby, span)) = endpoint.standby() {
                    if standby > cap.cap {
                        found.push(codes::policies::standby_over_cap(standby, span, &cap));
                    }
                }
            }
        } else if provisioned {
            if let (Some((_, token_cap_span)), Some(span)) =
                (Policy::cap(&policy.max_capacity), capacity_span)
            {
                found.push(codes::policies::provisioned_not_capped(
                    policy_name,
                    capacity,
                    span,
                    token_cap_span,
                ));
            }
        }
        if let (Some(minimum), Some(filter)) = (value_of(&policy.minimum), filter) {
            let weaker = self.comparisons.weaknesses(filter.target, minimum.target);
            found.extend(codes::policies::filter_below_minimum(
                (&self.model.filter(filter.target).name, filter.span),
                policy_name,
                (
                    &self.model.filter(minimum.target).name,
                    policy.minimum.as_ref().map(|field| field.span),
                ),
                &weaker,
            ));
        }
        self.diagnostics.extend(found);
    }
}
