//! The governance checks and lowering to the IR, over the resolved model.
//!
//! Type checking and resolution come first (`typeck`, `resolve`); every check here reads the
//! model they build and reports what it finds, so an error in one place never hides the checks
//! of another. Then the model is lowered to the IR.

mod blocklists;
mod budgets;
mod fine_tuned;

use charter_ir as ir;
use charter_ir::{Category, Date, DeploymentType, Level, Redundancy, ShieldMode, Side, Threshold};
use charter_syntax::diagnostic::sanitize;
use charter_syntax::{ast, Diagnostic, Span};

use crate::catalog::{self, Catalog, RegionDataZone};
use crate::dates;
use crate::model::{
    self, level_keyword, scope_name, value_of, DefinitionsLocation, Endpoint, ExemptionAssignment,
    FilterId, Model, Policy, PolicyId, ServedApp, Weakness, Workload, WorkloadId,
    DEFAULT_OWNER_TAG, DEFAULT_RETIREMENT_WARNING_DAYS,
};
use crate::resolve;
use crate::schema::ScopeKind;
use crate::symbols::SymbolIndex;
use crate::typeck::{self, TypedBlock};
use crate::{Document, Options};

/// What analysis produces besides the syntax trees.
pub(crate) struct Analysis {
    pub diagnostics: Vec<Diagnostic>,
    pub project: ir::Project,
    pub symbols: SymbolIndex,
    pub catalog: Catalog,
    pub model: Model,
}

/// The checks' view of a compilation: what they read, and where they report.
struct Checks<'a> {
    documents: &'a [Document],
    options: &'a Options,
    model: &'a Model,
    catalog: &'a Catalog,
    diagnostics: Vec<Diagnostic>,
}

/// Checks and lowers a parsed project; `trees` is indexed like `documents`.
pub(crate) fn analyze(
    documents: &[Document],
    trees: &[ast::SourceFile],
    options: &Options,
) -> Analysis {
    let mut diagnostics = Vec::new();
    // Type-check every top-level block of every document against the schema.
    let mut typed: Vec<(usize, TypedBlock<'_>)> = Vec::new();
    let mut broken_items = Vec::new();
    for (index, tree) in trees.iter().enumerate() {
        let text = documents.get(index).map_or("", |d| d.text.as_str());
        for item in &tree.items {
            match item {
                ast::Item::Block(block) => {
                    if let Some(block) = typeck::check_top_level(block, text, &mut diagnostics) {
                        typed.push((index, block));
                    }
                }
                ast::Item::Error(error) => broken_items.extend(text.get(error.span.range())),
            }
        }
    }
    let resolved = resolve::resolve(documents, &typed, broken_items);
    diagnostics.extend(resolved.diagnostics);
    let mut checks = Checks {
        documents,
        options,
        model: &resolved.model,
        catalog: &resolved.catalog,
        diagnostics,
    };
    checks.run();
    let diagnostics = checks.diagnostics;
    let project = lower(&resolved.model, &resolved.catalog, options);
    Analysis {
        diagnostics,
        project,
        symbols: resolved.symbols,
        catalog: resolved.catalog,
        model: resolved.model,
    }
}

impl<'a> Checks<'a> {
    /// Every check, in the order the model's declarations come (where two diagnostics share a
    /// span, the earlier check's comes first).
    fn run(&mut self) {
        for fine_tuned in &self.model.fine_tuned {
            self.check_fine_tuned(fine_tuned);
        }
        for blocklist in &self.model.blocklists {
            self.check_blocklist(blocklist);
        }
        for index in 0..self.model.filters.len() {
            self.check_filter(FilterId(index));
        }
        for policy in &self.model.policies {
            self.check_policy(policy);
        }
        for index in 0..self.model.workloads.len() {
            self.check_workload(WorkloadId(index));
        }
    }

    // ----- Filters ------------------------------------------------------------------------

    /// A filter that extends another may only make it stricter. Blocklists cannot be taken
    /// away by `extends` (they accumulate), so only settings and the mode can weaken.
    fn check_filter(&mut self, id: FilterId) {
        let filters = &self.model.filters;
        let filter = &filters[id.0];
        let Some(base) = filter.base else {
            return;
        };
        let base_effective = &filters[base.0].effective;
        let base_name = &filters[base.0].name;
        for setting in &filter.settings {
            let Some(inherited) = base_effective.setting(setting.side, setting.category) else {
                continue;
            };
            if setting.level.strictness() >= inherited.level.strictness() {
                continue;
            }
            let (side, category, level, span) =
                (setting.side, setting.category, setting.level, setting.span);
            let diagnostic = Diagnostic::error(
                "E0501",
                format!(
                    "filter `{}` weakens `{}`: {} `{}` is `{}`, weaker than `{}`",
                    filter.name,
                    base_name,
                    side.charter_name(),
                    category.charter_name(),
                    level_keyword(level),
                    level_keyword(inherited.level),
                ),
                span,
                format!("weaker than `{base_name}`"),
            )
            .with_secondary(
                inherited.span,
                format!("`{}` sets `{}` here", filters[inherited.filter.0].name, level_keyword(inherited.level)),
            )
            .with_help(format!(
                "a filter that extends another may only make it stricter: set `{}: {}` or stricter, or do not extend `{base_name}`",
                category.charter_name(),
                level_keyword(inherited.level)
            ))
            .with_fix(format!("use `{}`", level_keyword(inherited.level)), span, level_keyword(inherited.level));
            self.diagnostics.push(diagnostic);
        }
        let own_mode = filter.effective.mode.filter(|m| m.filter == id);
        if let (Some(own), Some(inherited)) = (own_mode, base_effective.mode) {
            if own.mode.strictness() < inherited.mode.strictness() {
                let required = inherited.mode.charter_name();
                self.diagnostics.push(
                    Diagnostic::error(
                        "E0501",
                        format!(
                            "filter `{}` weakens `{}`: mode is `{}`, weaker than `{required}`",
                            filter.name,
                            base_name,
                            own.mode.charter_name(),
                        ),
                        own.span,
                        format!("weaker than `{base_name}`"),
                    )
                    .with_secondary(
                        inherited.span,
                        format!("`{}` sets `{required}` here", filters[inherited.filter.0].name),
                    )
                    .with_note("an asynchronous filter streams the completion before it is checked, so harmful text can reach the caller")
                    .with_help(format!("use `mode: {required}`, or do not extend `{base_name}`"))
                    .with_fix(format!("use `{required}`"), own.span, required),
                );
            }
        }
    }

    // ----- Policies -----------------------------------------------------------------------

    fn check_policy(&mut self, policy: &Policy) {
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
                    self.diagnostics.push(duplicate_allow(
                        &allow.model.name,
                        allow.model.span,
                        first,
                        &versions,
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
                    self.diagnostics.push(
                        Diagnostic::error(
                            "E0205",
                            format!("deployment type `{}` is listed twice", kind.charter_name()),
                            *span,
                            "listed again here",
                        )
                        .with_help("list each deployment type once")
                        .with_fix("remove the duplicate", *span, ""),
                    );
                }
            }
        }
        self.check_definitions_location(policy);
        for exemption in &policy.exemptions {
            self.check_exemption(exemption);
            self.check_exemption_assignment(policy, exemption);
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
                let key = field.key;
                self.diagnostics.push(
                    Diagnostic::error(
                        "E0203",
                        format!(
                            "expected a management group or subscription, found `{}`",
                            sanitize(&scope_source(&scope))
                        ),
                        span,
                        "definitions cannot be stored at a resource group",
                    )
                    .with_help("name the subscription that contains the resource group: `subscription(\"id\")`, or a management group above it")
                    .with_note(format!("`{key}` takes `management_group(\"id\")` or `subscription(\"id\")`")),
                );
            }
            DefinitionsLocation::EmptyId { span } => {
                self.diagnostics.push(
                    Diagnostic::error(
                        "E0203",
                        "expected a management group or subscription id, found an empty string",
                        span,
                        "the id is empty",
                    )
                    .with_help("name the management group or subscription that contains every scope of the policy"),
                );
            }
            DefinitionsLocation::BelowItsScopes {
                scope,
                span,
                outside,
            } => {
                let Some((first, _)) = outside.first() else {
                    return;
                };
                let mut diagnostic = Diagnostic::error(
                    "E0212",
                    format!(
                        "policy `{}` cannot store its definitions at `{}`",
                        policy.name,
                        sanitize(&scope_source(&scope))
                    ),
                    span,
                    format!(
                        "a subscription does not contain `{}`",
                        sanitize(&scope_source(first))
                    ),
                );
                for (_, scope_span) in &outside {
                    diagnostic =
                        diagnostic.with_secondary(*scope_span, "the policy is assigned here");
                }
                diagnostic = diagnostic
                    .with_help("store the definitions at a management group above every scope of the policy: `definitions_at: management_group(\"id\")`")
                    .with_note("Azure assigns an initiative only at or below the management group or subscription where it is stored");
                self.diagnostics.push(diagnostic);
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
        let mut diagnostic = Diagnostic::error(
            "E0211",
            format!(
                "policy `{}` is assigned at {} scopes: say where its definitions are stored",
                policy.name,
                scopes.len()
            ),
            field.key_span,
            "the definitions and initiative need one place above these scopes",
        );
        for (_, span) in scopes {
            diagnostic = diagnostic.with_secondary(*span, "the policy is assigned here");
        }
        let (at, before, after) = self.line_after(field.span);
        let at = Span::new(field.span.file, at, at);
        diagnostic = diagnostic
            .with_help("add `definitions_at: management_group(\"...\")` naming a management group above all of them")
            .with_note("Azure assigns an initiative only at or below the management group or subscription where it is stored, and Charter cannot know which management group contains which scope")
            .with_fix(
                "add `definitions_at: management_group(\"\")`",
                at,
                format!("{before}definitions_at: management_group(\"\"){after}"),
            );
        self.diagnostics.push(diagnostic);
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

    // ----- Exemptions ---------------------------------------------------------------------

    fn check_exemption(&mut self, exemption: &model::Exemption) {
        let today = self.options.today;
        if let Some((date, span)) = exemption.until {
            if date < today {
                self.diagnostics.push(
                    Diagnostic::error(
                        "E0701",
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
                    "E0702",
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
                let mut diagnostic = Diagnostic::error("E0702", "exemption without a reason", label_span, "no reason given")
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
    fn check_exemption_assignment(&mut self, policy: &Policy, exemption: &model::Exemption) {
        let scopes = policy.scopes();
        match policy.exemption_assignment(exemption) {
            ExemptionAssignment::Scope(_) | ExemptionAssignment::Unknown => {}
            ExemptionAssignment::UnderNotAScope { under, span } => {
                let listing: Vec<String> = scopes
                    .iter()
                    .map(|(scope, _)| format!("`{}`", sanitize(&scope_source(scope))))
                    .collect();
                let mut diagnostic = Diagnostic::error(
                    "E0704",
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
                    "E0703",
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

    // ----- Workloads ----------------------------------------------------------------------

    fn check_workload(&mut self, id: WorkloadId) {
        let workload = self.model.workload(id);
        if let Some((group, span)) = value_of(&workload.resource_group) {
            self.diagnostics.extend(typeck::azure_name_problem(
                typeck::AzureName::ResourceGroup,
                group,
                *span,
            ));
        }
        if let Some(field) = &workload.budget {
            self.check_budget(&field.value);
        }
        if let Some((subscription, span)) = value_of(&workload.subscription) {
            self.diagnostics.extend(typeck::azure_name_problem(
                typeck::AzureName::Subscription,
                subscription,
                *span,
            ));
        }
        for endpoint in &workload.endpoints {
            self.check_endpoint(workload, endpoint);
        }
    }

    // ----- Endpoints ----------------------------------------------------------------------

    fn check_endpoint(&mut self, workload: &Workload, endpoint: &Endpoint) {
        let today = self.options.today;
        let policy = workload.policy().map(|id| self.model.policy(id));
        let horizon = policy.map_or(
            DEFAULT_RETIREMENT_WARNING_DAYS,
            Policy::retirement_warning_days,
        );
        let deployment_type = endpoint.deployment_type();
        let deployment_span = deployment_type.map(|(_, span)| span);

        // Regions listed twice.
        for region in endpoint
            .regions
            .iter()
            .flat_map(|field| field.value.listed.iter())
        {
            if let Some(first) = region.first {
                self.diagnostics.push(
                    Diagnostic::error(
                        "E0609",
                        format!("region `{}` is listed twice", sanitize(&region.name)),
                        region.span,
                        "listed again here",
                    )
                    .with_secondary(first, "first listed here")
                    .with_note("each region of an endpoint gets its own AI account and deployment; a region listed twice would be created twice")
                    .with_help("list each region once; for more capacity in one region, raise the deployment's capacity")
                    .with_fix("remove the duplicate", region.span, ""),
                );
            }
        }
        let regions: Vec<&model::ListedRegion> = endpoint.regions().collect();
        let redundancy = endpoint.redundancy();

        // Redundancy needs two distinct regions.
        if let Some(field) = &endpoint.regions {
            if let Some((_, value_span)) = field
                .value
                .redundancy
                .as_ref()
                .and_then(|modifier| modifier.value)
            {
                let mut distinct: Vec<&str> = regions.iter().map(|r| r.name.as_str()).collect();
                distinct.sort_unstable();
                distinct.dedup();
                if redundancy != Redundancy::None && distinct.len() < 2 {
                    self.diagnostics.push(
                        Diagnostic::error(
                            "E0603",
                            format!(
                                "redundancy `{}` needs at least two distinct regions, found {}",
                                redundancy.charter_name(),
                                distinct.len()
                            ),
                            value_span,
                            "needs a second region",
                        )
                        .with_secondary(
                            field.value.list_span.unwrap_or(field.phrase_span),
                            "the endpoint's regions",
                        )
                        .with_help("add a second region (its paired region is a good choice), or use `redundancy none`"),
                    );
                }
            }
            // A misspelt redundancy mode was reported; which mode was meant is unknown, so
            // whether `standby` applies is too.
            let redundancy_invalid = field
                .value
                .redundancy
                .as_ref()
                .is_some_and(|modifier| modifier.value.is_none());
            if let Some((_, standby_span)) = endpoint.standby() {
                if redundancy != Redundancy::ActivePassive && !redundancy_invalid {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            "E0607",
                            "`standby` has no effect without `redundancy active_passive`",
                            standby_span,
                            "ignored",
                        )
                        .with_help(
                            "remove `standby N`, or make the endpoint `redundancy active_passive`",
                        ),
                    );
                }
            }
        }

        // Data zones.
        if let Some((zone, zone_span)) = workload.data_zone() {
            let wanted = RegionDataZone::of_workload(zone);
            for region in &regions {
                if !region.known {
                    continue;
                }
                let actual = self.catalog.region(&region.name).and_then(|r| r.data_zone);
                if actual != Some(wanted) {
                    let where_it_is = match actual {
                        Some(actual) => format!("in the `{}` data zone", actual.keyword()),
                        None => "in no data zone".to_string(),
                    };
                    self.diagnostics.push(
                        Diagnostic::error(
                            "E0604",
                            format!(
                                "region `{}` is outside the workload's data zone `{}`",
                                region.name,
                                wanted.keyword()
                            ),
                            region.span,
                            where_it_is,
                        )
                        .with_secondary(zone_span, "the workload's data zone")
                        .with_help(format!(
                            "use regions of the `{}` data zone",
                            wanted.keyword()
                        )),
                    );
                }
            }
        }
        if let (Some((kind, span)), Some((zone, zone_span))) =
            (deployment_type, workload.data_zone())
        {
            if kind.is_global() {
                let data_zone_type = match kind {
                    DeploymentType::GlobalProvisioned => DeploymentType::DataZoneProvisioned,
                    DeploymentType::GlobalBatch => DeploymentType::DataZoneBatch,
                    _ => DeploymentType::DataZoneStandard,
                };
                self.diagnostics.push(
                    Diagnostic::error(
                        "E0608",
                        format!(
                            "a `{}` deployment may process data outside the workload's data zone `{}`",
                            kind.charter_name(),
                            zone.charter_name()
                        ),
                        span,
                        "processed in any Azure region",
                    )
                    .with_secondary(zone_span, "the workload's data zone")
                    .with_note("global deployment types route each request to whichever region has capacity, anywhere in the world; only data-zone and regional types keep data within a data zone")
                    .with_help(format!(
                        "use `{}` (within the data zone) or a regional type",
                        data_zone_type.charter_name()
                    ))
                    .with_fix(
                        format!("use `{}`", data_zone_type.charter_name()),
                        span,
                        data_zone_type.charter_name(),
                    ),
                );
            }
        }
        if let Some((kind, _)) = deployment_type {
            if matches!(
                kind,
                DeploymentType::DataZoneStandard
                    | DeploymentType::DataZoneProvisioned
                    | DeploymentType::DataZoneBatch
            ) {
                let zones: Vec<(Option<RegionDataZone>, &str, Span)> = regions
                    .iter()
                    .filter(|region| region.known)
                    .map(|region| {
                        (
                            self.catalog.region(&region.name).and_then(|r| r.data_zone),
                            region.name.as_str(),
                            region.span,
                        )
                    })
                    .collect();
                if let Some((_, region, span)) = zones.iter().find(|(zone, _, _)| zone.is_none()) {
                    let mut diagnostic = Diagnostic::error(
                        "E0605",
                        format!("region `{region}` is in no data zone, so it cannot take a `{}` deployment", kind.charter_name()),
                        *span,
                        "in no data zone",
                    )
                    .with_help("use a region of a data zone, or a `standard` or `global_*` deployment type");
                    if let Some(s) = deployment_span {
                        diagnostic = diagnostic.with_secondary(s, "a data-zone deployment type");
                    }
                    self.diagnostics.push(diagnostic);
                } else if let Some(((first_zone, first_region, first_span), rest)) =
                    zones.split_first()
                {
                    if let Some((zone, region, span)) =
                        rest.iter().find(|(z, _, _)| z != first_zone)
                    {
                        let mut diagnostic = Diagnostic::error(
                            "E0605",
                            format!(
                                "a `{}` endpoint spans data zones: `{region}` is in `{}`, `{first_region}` in `{}`",
                                kind.charter_name(),
                                zone.map_or("", RegionDataZone::keyword),
                                first_zone.map_or("", RegionDataZone::keyword),
                            ),
                            *span,
                            "in another data zone",
                        )
                        .with_secondary(
                            *first_span,
                            format!("in the `{}` data zone", first_zone.map_or("", RegionDataZone::keyword)),
                        )
                        .with_help("keep a data-zone deployment within one data zone");
                        if let Some(s) = deployment_span {
                            diagnostic =
                                diagnostic.with_secondary(s, "a data-zone deployment type");
                        }
                        self.diagnostics.push(diagnostic);
                    }
                }
            }
        }

        // Availability and lifecycle, against the catalog.
        if let (Some(model_used), Some(version_used)) =
            (endpoint.known_model(), endpoint.known_version())
        {
            let model_name = model_used.name.as_str();
            if let Some(entry) = self.catalog.model(model_name) {
                if let Some(found) = entry.version(&version_used.name) {
                    // A project's availability data with a mistake in it (reported there) is
                    // partial: "not available here" would blame the endpoint for it.
                    let availability_trusted = found.availability_complete
                        && (entry.is_stdlib
                            || found.availability.iter().all(|(_, regions)| {
                                regions.iter().all(|r| self.catalog.region(r).is_some())
                            }));
                    if let (Some((kind, _)), true) = (deployment_type, availability_trusted) {
                        if found.has_availability() {
                            for region in &regions {
                                if region.known && !found.available(kind, &region.name) {
                                    self.diagnostics.push(unavailable(
                                        model_name,
                                        found,
                                        kind,
                                        &region.name,
                                        region.span,
                                        deployment_span,
                                    ));
                                }
                            }
                        }
                    }
                    let phrase_span = endpoint.model.as_ref().map(|field| field.phrase_span);
                    self.check_lifecycle(
                        model_name,
                        found,
                        version_used.span,
                        phrase_span,
                        today,
                        horizon,
                        workload.environment(),
                    );
                }
            }
        }

        // The governing policy. An unknown model or version was reported against the catalog;
        // "not allowed" would only repeat that mistake, so only known ones are checked.
        if let Some(policy_id) = workload.policy() {
            self.check_against_policy(policy_id, endpoint);
        }

        // Apps served.
        self.check_serves(workload, endpoint);
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "the lifecycle check reads one endpoint's parts"
    )]
    fn check_lifecycle(
        &mut self,
        model: &str,
        version: &catalog::ModelVersion,
        version_span: Span,
        phrase_span: Option<Span>,
        today: Date,
        horizon: u32,
        environment: ir::Environment,
    ) {
        let successor_fix = |diagnostic: Diagnostic| -> Diagnostic {
            match (&version.successor, phrase_span) {
                (Some(successor), Some(phrase_span)) => match &successor.version {
                    Some(successor_version) if successor.model == model => diagnostic.with_fix(
                        format!("use version `{successor_version}`"),
                        version_span,
                        format!("\"{successor_version}\""),
                    ),
                    Some(successor_version) => diagnostic.with_fix(
                        format!("use `{}` version `{successor_version}`", successor.model),
                        phrase_span,
                        format!("\"{}\" version \"{successor_version}\"", successor.model),
                    ),
                    None => diagnostic,
                },
                _ => diagnostic,
            }
        };
        let successor_help = match (&version.successor, self.fine_tuned_successor_help(model)) {
            (_, Some(fine_tuned)) => fine_tuned,
            (Some(successor), None) => format!("move to its successor, {successor}"),
            (None, None) => "move to a current version of the model".to_string(),
        };
        if version.is_retired(today) {
            let when = match version.retirement {
                Some(date) => format!(" on {date}"),
                None => String::new(),
            };
            let diagnostic = Diagnostic::error(
                "E0304",
                format!(
                    "version `{}` of `{model}` was retired{when}",
                    version.version
                ),
                version_span,
                "retired: deployments of it no longer work",
            )
            .with_help(successor_help);
            self.diagnostics.push(successor_fix(diagnostic));
            return;
        }
        let retiring = version.retirement.map(|date| (date, "on ")).or(version
            .retirement_not_before
            .map(|date| (date, "no earlier than ")));
        if let Some((date, qualifier)) = retiring {
            let days = dates::days_between(today, date);
            if days >= 0 && days <= i64::from(horizon) {
                let diagnostic = Diagnostic::warning(
                    "E0305",
                    format!(
                        "version `{}` of `{model}` retires {qualifier}{date}, in {days} days",
                        version.version
                    ),
                    version_span,
                    format!("retires within the policy's {horizon}-day warning"),
                )
                .with_help(successor_help);
                self.diagnostics.push(successor_fix(diagnostic));
                return;
            }
        }
        if version.lifecycle == catalog::Lifecycle::Deprecated {
            let retires = match (version.retirement, version.retirement_not_before) {
                (Some(date), _) => format!("; it retires on {date}"),
                (None, Some(date)) => format!("; it retires no earlier than {date}"),
                (None, None) => String::new(),
            };
            let diagnostic = Diagnostic::warning(
                "E0309",
                format!(
                    "version `{}` of `{model}` is deprecated{retires}",
                    version.version
                ),
                version_span,
                "deprecated: closed to new deployments",
            )
            .with_note("Azure no longer lets new customers deploy a deprecated version, and existing deployments stop working when it retires")
            .with_help(successor_help);
            self.diagnostics.push(successor_fix(diagnostic));
            return;
        }
        if version.lifecycle == catalog::Lifecycle::Preview && environment == ir::Environment::Prod
        {
            self.diagnostics.push(
                Diagnostic::warning(
                    "E0308",
                    format!("version `{}` of `{model}` is a preview, deployed in production", version.version),
                    version_span,
                    "a preview version",
                )
                .with_help("previews may change or go away without the usual notice; use a generally available version in `prod`"),
            );
        }
    }

    fn check_against_policy(&mut self, policy_id: PolicyId, endpoint: &Endpoint) {
        let policy = self.model.policy(policy_id);
        let policy_name = policy.name.clone();
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
                    let listing: Vec<String> = models
                        .allowed()
                        .map(|a| format!("`{}`", a.model.name))
                        .collect();
                    let diagnostic = Diagnostic::error(
                        "E0401",
                        format!("model `{}` is not allowed by policy `{policy_name}`", sanitize(model_name)),
                        model_span,
                        "not allowed",
                    )
                    .with_help(if listing.is_empty() {
                        format!("policy `{policy_name}` allows no models; add `allow \"{}\"` to its `models` block", sanitize(model_name))
                    } else {
                        format!("use an allowed model ({}), or allow this one in the policy", listing.join(", "))
                    })
                    .with_secondary(models.keyword_span, format!("the models `{policy_name}` allows"));
                    found.push(diagnostic);
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
                            let listing: Vec<String> = allow
                                .versions
                                .iter()
                                .map(|v| format!("`{}`", v.name))
                                .collect();
                            let mut diagnostic = Diagnostic::error(
                                "E0401",
                                format!(
                                    "version `{}` of `{model_name}` is not allowed by policy `{policy_name}`",
                                    sanitize(version_name)
                                ),
                                version_span,
                                "not allowed",
                            )
                            .with_secondary(allow.span, "the versions the policy allows")
                            .with_help(format!("use an allowed version: {}", listing.join(", ")));
                            if let [only] = allow.versions.as_slice() {
                                diagnostic = diagnostic.with_fix(
                                    format!("use version `{}`", only.name),
                                    version_span,
                                    format!("\"{}\"", only.name),
                                );
                            }
                            found.push(diagnostic);
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
                    let listing: Vec<String> =
                        allowed_regions.iter().map(|r| format!("`{r}`")).collect();
                    let diagnostic = Diagnostic::error(
                        "E0402",
                        format!(
                            "region `{}` is not allowed by policy `{policy_name}`",
                            sanitize(&region.name)
                        ),
                        region.span,
                        "not allowed",
                    )
                    .with_help(format!("use an allowed region: {}", listing.join(", ")))
                    .with_secondary(field.span, "the regions the policy allows");
                    found.push(diagnostic);
                }
            }
        }
        if let (Some((kind, kind_span)), Some((allowed_types, types_span))) =
            (deployment, policy.allowed_deployment_types())
        {
            if !allowed_types.contains(&kind) {
                let listing: Vec<String> = allowed_types
                    .iter()
                    .map(|t| format!("`{}`", t.charter_name()))
                    .collect();
                let mut diagnostic = Diagnostic::error(
                    "E0405",
                    format!(
                        "deployment type `{}` is not allowed by policy `{policy_name}`",
                        kind.charter_name()
                    ),
                    kind_span,
                    "not allowed",
                )
                .with_secondary(types_span, "the deployment types the policy allows")
                .with_help(if listing.is_empty() {
                    format!("policy `{policy_name}` allows no deployment type; add `{}` to its `deployment_types`", kind.charter_name())
                } else {
                    format!("use an allowed deployment type ({}), or allow this one in the policy", listing.join(", "))
                });
                if let [only] = allowed_types.as_slice() {
                    diagnostic = diagnostic.with_fix(
                        format!("use `{}`", only.charter_name()),
                        kind_span,
                        only.charter_name(),
                    );
                }
                found.push(diagnostic);
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
            let field_name = field.key;
            if capacity > cap {
                if let Some(span) = capacity_span {
                    found.push(
                        Diagnostic::error(
                            "E0403",
                            format!("capacity {capacity} is over the cap of {cap} {unit} set by policy `{policy_name}`"),
                            span,
                            format!("{capacity} {unit}"),
                        )
                        .with_secondary(cap_span, "the cap")
                        .with_help(format!("use at most {cap} {unit} per deployment, or raise the policy's `{field_name}`"))
                        .with_fix(format!("use capacity {cap}"), span, cap.to_string()),
                    );
                }
            }
            if redundancy == Redundancy::ActivePassive {
                if let Some((standby, span)) = endpoint.standby() {
                    if standby > cap {
                        found.push(
                            Diagnostic::error(
                                "E0403",
                                format!("standby capacity {standby} is over the cap of {cap} {unit} set by policy `{policy_name}`"),
                                span,
                                format!("{standby} {unit}"),
                            )
                            .with_secondary(cap_span, "the cap")
                            .with_help(format!("the standby deployment is a deployment too: use at most {cap} {unit}"))
                            .with_fix(format!("use standby {cap}"), span, cap.to_string()),
                        );
                    }
                }
            }
        } else if provisioned {
            if let (Some((_, token_cap_span)), Some(span)) =
                (Policy::cap(&policy.max_capacity), capacity_span)
            {
                found.push(
                    Diagnostic::warning(
                        "E0406",
                        format!("policy `{policy_name}` caps pay-per-token capacity but not provisioned throughput"),
                        span,
                        format!("{capacity} PTUs, uncapped"),
                    )
                    .with_secondary(token_cap_span, "caps only pay-per-token deployments")
                    .with_note("`max_capacity` counts units of 1,000 tokens per minute; provisioned deployments count provisioned throughput units (PTUs), which cost far more each")
                    .with_help("add `max_provisioned: N units` to the policy to cap provisioned deployments too"),
                );
            }
        }
        if let (Some(minimum), Some(filter)) = (value_of(&policy.minimum), filter) {
            let weaker = self.model.weaknesses(filter.target, minimum.target);
            if let Some(first) = weaker.first() {
                let filter_name = &self.model.filter(filter.target).name;
                let minimum_name = &self.model.filter(minimum.target).name;
                let mut diagnostic = Diagnostic::error(
                    "E0404",
                    format!(
                        "filter `{filter_name}` is weaker than policy `{policy_name}` requires: {}",
                        describe(first, "the minimum is"),
                    ),
                    filter.span,
                    format!("weaker than `{minimum_name}`"),
                )
                .with_help(format!(
                    "use a filter at least as strict as `{minimum_name}` (for example `{minimum_name}` itself, or one that extends it)"
                ));
                if let Some(span) = first.span() {
                    diagnostic = diagnostic.with_secondary(
                        span,
                        format!("`{filter_name}` sets `{}` here", actual_word(first)),
                    );
                }
                if let Weakness::Blocklist { required_at, .. } = first {
                    diagnostic = diagnostic
                        .with_secondary(*required_at, format!("`{minimum_name}` applies it here"));
                }
                if let Some(field) = &policy.minimum {
                    diagnostic = diagnostic.with_secondary(field.span, "the policy's minimum");
                }
                for other in weaker.iter().skip(1) {
                    diagnostic = diagnostic.with_note(format!(
                        "also weaker: {}",
                        describe(other, "the minimum is")
                    ));
                }
                found.push(diagnostic);
            }
        }
        self.diagnostics.extend(found);
    }

    // ----- Sharing --------------------------------------------------------------------------

    fn check_serves(&mut self, workload: &Workload, endpoint: &Endpoint) {
        let Some(served_apps) = endpoint
            .serves
            .as_ref()
            .and_then(|field| field.value.as_ref().map(|served| (field, served)))
        else {
            return;
        };
        let (field, served_apps) = served_apps;
        let endpoint_name = endpoint.name.as_str();
        let mut served: Vec<(&model::App, Span)> = Vec::new();
        for item in served_apps {
            match item.app {
                ServedApp::Own(index) => served.push((&workload.apps[index], item.span)),
                // An app of another workload: sharing an endpoint across workloads is the
                // mistake.
                ServedApp::Other {
                    workload: owner,
                    app,
                } => {
                    let owner = self.model.workload(owner);
                    let app = &owner.apps[app];
                    let owner = owner.name.as_str();
                    self.diagnostics.push(
                        Diagnostic::error(
                            "E0601",
                            format!(
                                "endpoint `{endpoint_name}` of workload `{}` serves app `{}` of workload `{owner}`",
                                workload.name,
                                sanitize(&item.name)
                            ),
                            item.span,
                            format!("an app of `{owner}`"),
                        )
                        .with_secondary(app.name_span, format!("declared in workload `{owner}`"))
                        .with_help(format!(
                            "share an endpoint only within one workload: give `{owner}` its own endpoint for `{}`",
                            sanitize(&item.name)
                        ))
                        .with_note("a shared endpoint mixes quotas, costs and content filters of teams that govern them separately"),
                    );
                }
                ServedApp::Unknown => {}
            }
        }

        // Apps whose governance differs must not share an endpoint.
        let with_filters: Vec<(&model::App, FilterId, Span)> = served
            .iter()
            .filter_map(|(app, _)| {
                let filter = app.filter()?;
                Some((*app, filter.target, filter.span))
            })
            .collect();
        let filters = &self.model.filters;
        if let Some(((first, first_filter, first_span), rest)) = with_filters.split_first() {
            if let Some((other, other_filter, other_span)) =
                rest.iter().find(|(_, f, _)| f != first_filter)
            {
                self.diagnostics.push(
                    Diagnostic::error(
                        "E0602",
                        format!(
                            "endpoint `{endpoint_name}` serves apps that require different filters: `{}` requires `{}`, `{}` requires `{}`",
                            first.name,
                            filters[first_filter.0].name,
                            other.name,
                            filters[other_filter.0].name
                        ),
                        field.phrase_span,
                        "apps with different content filters",
                    )
                    .with_secondary(*first_span, format!("`{}` requires this filter", first.name))
                    .with_secondary(*other_span, format!("`{}` requires this filter", other.name))
                    .with_help("give each group of apps with the same filter its own endpoint"),
                );
            }
        }
        // The endpoint's filter must be at least as strict as what each app requires.
        if let Some(filter) = endpoint.filter() {
            for (app, required, required_span) in &with_filters {
                let weaker = self.model.weaknesses(filter.target, *required);
                if let Some(first) = weaker.first() {
                    let required_name = &filters[required.0].name;
                    self.diagnostics.push(
                        Diagnostic::error(
                            "E0502",
                            format!(
                                "filter `{}` is weaker than `{}`, which app `{}` requires: {}",
                                filters[filter.target.0].name,
                                required_name,
                                app.name,
                                describe(first, "not"),
                            ),
                            filter.span,
                            format!("weaker than `{required_name}`"),
                        )
                        .with_secondary(
                            *required_span,
                            format!("`{}` requires this filter", app.name),
                        )
                        .with_help(format!(
                            "use `{required_name}` or a stricter filter for this endpoint"
                        ))
                        .with_fix(
                            format!("use `{required_name}`"),
                            filter.span,
                            required_name.clone(),
                        ),
                    );
                }
            }
        }
        // Sandbox and the other environments do not mix.
        let environment = workload.environment();
        let endpoint_sandbox = environment == ir::Environment::Sandbox;
        for (app, span) in &served {
            let app_environment = app.environment().unwrap_or(environment);
            if (app_environment == ir::Environment::Sandbox) != endpoint_sandbox {
                let (endpoint_word, app_word) = if endpoint_sandbox {
                    (
                        "sandbox",
                        format!("a `{}` app", app_environment.charter_name()),
                    )
                } else {
                    (environment.charter_name(), "a sandbox app".to_string())
                };
                self.diagnostics.push(
                    Diagnostic::error(
                        "E0606",
                        format!("`{endpoint_word}` endpoint `{endpoint_name}` serves {app_word}, `{}`", app.name),
                        *span,
                        app_word.clone(),
                    )
                    .with_secondary(app.name_span, format!("`{}` is declared here", app.name))
                    .with_help("keep sandbox experiments on sandbox endpoints, apart from dev, test and prod"),
                );
            }
        }
    }
}

/// What is weaker, for a message: ``prompt `hate` is `high`, the minimum is `medium` ``.
fn describe(weakness: &Weakness, required_word: &str) -> String {
    match weakness {
        Weakness::Setting {
            side,
            category,
            level,
            required,
            ..
        } => format!(
            "{} `{}` is `{}`, {required_word} `{}`",
            side.charter_name(),
            category.charter_name(),
            level_keyword(*level),
            level_keyword(*required),
        ),
        Weakness::Blocklist { name, side, .. } => format!(
            "blocklist `{}` is not applied to the {}, {required_word} applies it",
            sanitize(name),
            side.charter_name(),
        ),
        Weakness::Mode { mode, required, .. } => format!(
            "mode is `{}`, {required_word} `{}`",
            mode.charter_name(),
            required.charter_name(),
        ),
    }
}

/// The weaker value as written (`high`, `asynchronous`), or the blocklist's name.
fn actual_word(weakness: &Weakness) -> String {
    match weakness {
        Weakness::Setting { level, .. } => level_keyword(*level).to_string(),
        Weakness::Mode { mode, .. } => mode.charter_name().to_string(),
        Weakness::Blocklist { name, .. } => sanitize(name),
    }
}

/// A second `allow` of the same model in a policy's `models` block.
fn duplicate_allow(
    model: &str,
    span: Span,
    first: &model::Allow,
    versions: &[String],
) -> Diagnostic {
    let model = sanitize(model);
    let diagnostic = Diagnostic::error(
        "E0205",
        format!("model `{model}` is allowed twice"),
        span,
        "allowed again here",
    )
    .with_secondary(first.span, "first allowed here");
    // Without `versions`, an `allow` admits every version, so the merged clause does too.
    if first.versions.is_empty() || versions.is_empty() {
        return diagnostic.with_help(format!(
            "keep one `allow \"{model}\"`; one without `versions` allows every version"
        ));
    }
    let mut merged: Vec<String> = Vec::new();
    for version in first.versions.iter().map(|v| &v.name).chain(versions) {
        let quoted = format!("\"{}\"", sanitize(version));
        if !merged.contains(&quoted) {
            merged.push(quoted);
        }
    }
    diagnostic.with_help(format!(
        "keep one clause: `allow \"{model}\" versions [{}]`",
        merged.join(", ")
    ))
}

/// A scope as Charter writes it: `management_group("contoso-ai-prod")`.
fn scope_source(scope: &ir::Scope) -> String {
    let name = scope_name(scope);
    let mut literal = String::with_capacity(name.len() + 2);
    for ch in name.chars() {
        match ch {
            '"' => literal.push_str("\\\""),
            '\\' => literal.push_str("\\\\"),
            '\n' => literal.push_str("\\n"),
            '\t' => literal.push_str("\\t"),
            ch if ch.is_control() => literal.push_str(&format!("\\u{{{:x}}}", u32::from(ch))),
            ch => literal.push(ch),
        }
    }
    format!("{}(\"{literal}\")", ScopeKind::of(scope).charter_name())
}

fn unavailable(
    model: &str,
    version: &catalog::ModelVersion,
    kind: DeploymentType,
    region: &str,
    span: Span,
    deployment_span: Option<Span>,
) -> Diagnostic {
    let other_kinds = version.deployment_types_in(region);
    let mut diagnostic = if other_kinds.is_empty() {
        let elsewhere = version.regions_for(kind);
        let help = if elsewhere.is_empty() {
            format!(
                "the catalog offers no `{}` deployments of this version anywhere",
                kind.charter_name()
            )
        } else {
            let listing: Vec<String> = elsewhere.iter().take(8).map(|r| format!("`{r}`")).collect();
            let more = if elsewhere.len() > 8 { ", ..." } else { "" };
            format!(
                "`{}` deployments of it are available in {}{more}",
                kind.charter_name(),
                listing.join(", ")
            )
        };
        Diagnostic::error(
            "E0306",
            format!(
                "`{model}` version `{}` is not available in `{region}`",
                version.version
            ),
            span,
            "not available here",
        )
        .with_help(help)
    } else {
        let listing: Vec<String> = other_kinds
            .iter()
            .map(|k| format!("`{}`", k.charter_name()))
            .collect();
        Diagnostic::error(
            "E0307",
            format!(
                "`{model}` version `{}` is not available as `{}` in `{region}`",
                version.version,
                kind.charter_name()
            ),
            span,
            format!("no `{}` here", kind.charter_name()),
        )
        .with_help(format!(
            "in `{region}` it is available as {}",
            schema_join(&listing)
        ))
    };
    if let Some(s) = deployment_span {
        diagnostic = diagnostic.with_secondary(s, "the deployment type");
    }
    diagnostic
}

fn schema_join(words: &[String]) -> String {
    crate::schema::join_or(words)
}

// ----- Lowering -------------------------------------------------------------------------------

/// Lowers the model to the IR. Complete only when there are no errors; what did not check is
/// left out or given its default, so lowering never fails.
fn lower(model: &Model, catalog: &Catalog, options: &Options) -> ir::Project {
    let workloads: Vec<ir::Workload> = model
        .workloads
        .iter()
        .map(|workload| lower_workload(model, catalog, workload))
        .collect();
    let mut used_filters: Vec<&str> = Vec::new();
    for workload in &workloads {
        used_filters.extend(workload.endpoints.iter().map(|e| e.filter.name.as_str()));
        used_filters.extend(workload.apps.iter().filter_map(|a| a.filter.as_deref()));
    }
    let minimum_uses = |name: &str| {
        model.policies.iter().any(|p| {
            value_of(&p.minimum).is_some_and(|minimum| model.filter(minimum.target).name == name)
        })
    };
    let filters = model
        .filters
        .iter()
        .enumerate()
        .filter(|(_, filter)| {
            !filter.is_stdlib
                || used_filters.contains(&filter.name.as_str())
                || minimum_uses(&filter.name)
        })
        .map(|(index, _)| lower_filter(model, FilterId(index)))
        .collect();
    let policies = model
        .policies
        .iter()
        .enumerate()
        .map(|(index, policy)| lower_policy(model, catalog, PolicyId(index), policy, &workloads))
        .collect();
    let mut blocklists: Vec<ir::Blocklist> = model.blocklists.iter().map(lower_blocklist).collect();
    blocklists.sort_by(|a, b| a.name.cmp(&b.name));
    ir::Project {
        policies,
        workloads,
        filters,
        blocklists,
        naming: options.naming.clone(),
    }
}

fn lower_filter(model: &Model, id: FilterId) -> ir::Filter {
    let filter = model.filter(id);
    let effective = &filter.effective;
    let mut settings = Vec::new();
    for side in Side::ALL {
        for category in Category::ALL {
            if !category.applies_to(side) {
                continue;
            }
            let level = effective
                .setting(side, category)
                .map(|s| s.level)
                .unwrap_or(if category.is_harm() {
                    Level::Severity(Threshold::Off)
                } else {
                    Level::Shield(ShieldMode::Off)
                });
            settings.push(ir::FilterSetting {
                side,
                category,
                level,
            });
        }
    }
    let mut blocklists: Vec<ir::BlocklistUse> = effective
        .blocklists
        .iter()
        .map(|b| ir::BlocklistUse {
            name: b.name.clone(),
            side: b.side,
        })
        .collect();
    blocklists.sort();
    blocklists.dedup();
    ir::Filter {
        name: filter.name.clone(),
        description: filter.doc.clone().unwrap_or_default(),
        settings,
        blocklists,
        mode: effective.mode(),
    }
}

fn lower_workload(model: &Model, catalog: &Catalog, workload: &Workload) -> ir::Workload {
    let environment = workload.environment();
    ir::Workload {
        name: workload.name.clone(),
        description: workload.doc.clone().unwrap_or_default(),
        policy: workload
            .policy()
            .map(|p| model.policy(p).name.clone())
            .unwrap_or_default(),
        environment,
        resource_group: value_of(&workload.resource_group)
            .map(|(group, _)| group.clone())
            .unwrap_or_default(),
        subscription: value_of(&workload.subscription)
            .map(|(subscription, _)| subscription.clone()),
        data_zone: workload.data_zone().map(|(zone, _)| zone),
        apps: workload
            .apps
            .iter()
            .map(|app| ir::App {
                name: app.name.clone(),
                environment: app.environment().unwrap_or(environment),
                filter: app.filter().map(|f| model.filter(f.target).name.clone()),
            })
            .collect(),
        budget: workload
            .budget
            .as_ref()
            .and_then(|field| lower_budget(&field.value)),
        endpoints: workload
            .endpoints
            .iter()
            .map(|endpoint| lower_endpoint(model, catalog, endpoint))
            .collect(),
    }
}

fn lower_endpoint(model: &Model, catalog: &Catalog, endpoint: &Endpoint) -> ir::Endpoint {
    let used = endpoint.model.as_ref().map(|field| &field.value);
    let model_name = used.and_then(|used| used.model.as_ref());
    let version = used.and_then(|used| used.version.as_ref());
    // The format is known only when the model and the version are.
    let format = match (endpoint.known_model(), endpoint.known_version()) {
        (Some(known), Some(_)) => catalog
            .model(&known.name)
            .map(|entry| entry.format.clone().unwrap_or_default())
            .unwrap_or_default(),
        _ => String::new(),
    };
    let (capacity, _) = endpoint.capacity();
    let redundancy = endpoint.redundancy();
    ir::Endpoint {
        name: endpoint.name.clone(),
        description: endpoint.doc.clone().unwrap_or_default(),
        model: ir::ModelRef {
            name: model_name.map(|m| m.name.clone()).unwrap_or_default(),
            version: version
                .map(|v| {
                    // Lower the catalog's spelling of the version, which Azure expects.
                    model_name
                        .and_then(|m| catalog.model(&m.name))
                        .and_then(|entry| entry.version(&v.name))
                        .map_or_else(|| v.name.clone(), |found| found.version.clone())
                })
                .unwrap_or_default(),
            format,
            fine_tuned: model_name.and_then(|m| lower_fine_tuned(model, &m.name)),
        },
        deployment_type: endpoint
            .deployment_type()
            .map_or(DeploymentType::Standard, |(kind, _)| kind),
        capacity,
        filter: endpoint
            .filter()
            .map(|f| lower_filter(model, f.target))
            .unwrap_or(ir::Filter {
                name: String::new(),
                description: String::new(),
                settings: Vec::new(),
                blocklists: Vec::new(),
                mode: ir::FilterMode::Default,
            }),
        regions: endpoint.regions().map(|r| r.name.clone()).collect(),
        redundancy,
        standby_capacity: match redundancy {
            Redundancy::ActivePassive => {
                Some(endpoint.standby().map_or(capacity, |(standby, _)| standby))
            }
            _ => None,
        },
        serves: endpoint
            .serves
            .iter()
            .flat_map(|field| field.value.iter().flatten())
            .filter_map(|served| match served.app {
                ServedApp::Own(_) => Some(served.name.clone()),
                _ => None,
            })
            .collect(),
    }
}

/// What a deployable fine-tuned model is made from and where it lives.
fn lower_fine_tuned(model: &Model, name: &str) -> Option<ir::FineTuned> {
    let fine_tuned = model.deployable_fine_tuned(name)?;
    let (base_model, base_version) = fine_tuned.base_entry.clone()?;
    let (account, _) = fine_tuned.trained_in.clone()?;
    Some(ir::FineTuned {
        base_model,
        base_version,
        source_account: account,
    })
}

fn lower_budget(budget: &model::Budget) -> Option<ir::Budget> {
    let amount = budget.amount.as_ref()?;
    let mut alert_thresholds: Vec<u32> = budget
        .alert_at
        .as_ref()
        .map(|list| list.items.iter().map(|(value, _)| *value).collect())
        .unwrap_or_default();
    alert_thresholds.sort_unstable();
    alert_thresholds.dedup();
    Some(ir::Budget {
        amount: amount.amount.clone(),
        currency: amount.currency.clone(),
        period: budget.period.unwrap_or(ir::BudgetPeriod::Monthly),
        alert_thresholds,
        contacts: budget
            .notify
            .as_ref()
            .map(|list| {
                list.items
                    .iter()
                    .map(|(contact, _)| contact.clone())
                    .collect()
            })
            .unwrap_or_default(),
    })
}

fn lower_blocklist(blocklist: &model::Blocklist) -> ir::Blocklist {
    ir::Blocklist {
        name: blocklist.name.clone(),
        description: blocklist.description(),
        management: if blocklist.is_external() {
            ir::BlocklistManagement::External
        } else {
            ir::BlocklistManagement::Charter {
                items: blocklist
                    .entries()
                    .into_iter()
                    .filter(|(_, _, _, class)| *class == model::BlocklistEntry::Valid)
                    .map(|(pattern, is_regex, _, _)| ir::BlocklistItem {
                        pattern: pattern.to_string(),
                        is_regex,
                    })
                    .collect(),
            }
        },
    }
}

fn lower_policy(
    model: &Model,
    catalog: &Catalog,
    id: PolicyId,
    policy: &Policy,
    workloads: &[ir::Workload],
) -> ir::Policy {
    let scopes: Vec<ir::Scope> = policy
        .scopes()
        .iter()
        .map(|(scope, _)| scope.clone())
        .collect();
    let definitions_scope = match policy.definitions_location() {
        DefinitionsLocation::Stored(scope) => Some(scope),
        _ => None,
    }
    .or_else(|| {
        resource_groups_subscription(&policy.name, &scopes, workloads).map(ir::Scope::Subscription)
    });
    // The filters of the endpoints this policy governs that meet its minimum: the approved
    // content filters.
    let mut approved: Vec<String> = Vec::new();
    for workload in model.workloads.iter().filter(|w| w.policy() == Some(id)) {
        for endpoint in &workload.endpoints {
            let Some(filter) = endpoint.filter() else {
                continue;
            };
            let meets = value_of(&policy.minimum)
                .is_none_or(|minimum| model.weaknesses(filter.target, minimum.target).is_empty());
            if meets {
                approved.push(model.filter(filter.target).name.clone());
            }
        }
    }
    approved.sort();
    approved.dedup();
    ir::Policy {
        name: policy.name.clone(),
        display_name: value_of(&policy.display_name)
            .cloned()
            .unwrap_or_else(|| policy.name.clone()),
        description: value_of(&policy.description)
            .cloned()
            .unwrap_or_else(|| policy.doc.clone().unwrap_or_default()),
        scopes,
        definitions_scope,
        effect: value_of(&policy.effect)
            .copied()
            .unwrap_or(ir::Effect::Deny),
        allowed_models: policy.models.as_ref().map(|models| {
            models
                .allowed()
                .map(|allow| {
                    let entry = catalog.model(&allow.model.name);
                    ir::AllowedModel {
                        name: allow.model.name.clone(),
                        format: entry.and_then(|m| m.format.clone()).unwrap_or_default(),
                        versions: allow
                            .versions
                            .iter()
                            .map(|v| {
                                entry
                                    .and_then(|m| m.version(&v.name))
                                    .map_or_else(|| v.name.clone(), |found| found.version.clone())
                            })
                            .collect(),
                        fine_tuned: entry.is_some_and(|m| m.fine_tuned_from.is_some()),
                    }
                })
                .collect()
        }),
        minimum_filter: value_of(&policy.minimum)
            .map(|minimum| lower_filter(model, minimum.target)),
        approved_filters: approved,
        allowed_regions: policy
            .regions
            .as_ref()
            .map(|field| field.value.iter().map(|r| r.name.clone()).collect()),
        max_capacity: Policy::cap(&policy.max_capacity).map(|(cap, _)| cap),
        max_provisioned: Policy::cap(&policy.max_provisioned).map(|(cap, _)| cap),
        allowed_deployment_types: policy.allowed_deployment_types().map(|(types, _)| types),
        local_auth: value_of(&policy.local_auth).copied(),
        public_network: value_of(&policy.public_network).copied(),
        retirement_warning_days: policy.retirement_warning_days(),
        owner_tag: value_of(&policy.owner_tag)
            .cloned()
            .unwrap_or_else(|| DEFAULT_OWNER_TAG.to_string()),
        exemptions: policy
            .exemptions
            .iter()
            .filter_map(|exemption| {
                let (scope, _) = exemption.scope.clone()?;
                // An unresolved assignment was reported (E0703, E0704).
                let ExemptionAssignment::Scope(assignment_scope) =
                    policy.exemption_assignment(exemption)
                else {
                    return None;
                };
                let (expires, _) = exemption.until?;
                let reason = exemption.reason.as_ref().map(|modifier| &modifier.value);
                Some(ir::Exemption {
                    scope,
                    assignment_scope,
                    expires,
                    category: reason
                        .and_then(|reason| reason.category)
                        .map_or(ir::ExemptionCategory::Waiver, |(category, _)| category),
                    reason: reason
                        .and_then(|reason| reason.text.as_ref())
                        .map(|(text, _)| text.clone())
                        .unwrap_or_default(),
                })
            })
            .collect(),
    }
}

/// The subscription of a policy assigned only at resource groups, taken from the workloads in
/// them (those the policy governs first): `None` when no workload there names its subscription
/// (the deployment's own subscription is meant) or when the policy has other scopes.
fn resource_groups_subscription(
    policy: &str,
    scopes: &[ir::Scope],
    workloads: &[ir::Workload],
) -> Option<String> {
    if scopes
        .iter()
        .any(|scope| !matches!(scope, ir::Scope::ResourceGroup(_)))
    {
        return None;
    }
    scopes.iter().find_map(|scope| {
        let ir::Scope::ResourceGroup(group) = scope else {
            return None;
        };
        workloads
            .iter()
            .filter(|workload| &workload.resource_group == group && workload.subscription.is_some())
            // Prefer the workloads this policy governs; any workload in the group will do.
            .max_by_key(|workload| workload.policy == policy)
            .and_then(|workload| workload.subscription.clone())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_written_back_as_charter_source() {
        assert_eq!(
            scope_source(&ir::Scope::ManagementGroup("contoso-ai-dev".to_string())),
            r#"management_group("contoso-ai-dev")"#
        );
        assert_eq!(
            scope_source(&ir::Scope::ResourceGroup("rg \"a\"\\b\n".to_string())),
            r#"resource_group("rg \"a\"\\b\n")"#
        );
        assert_eq!(
            scope_name(&ir::Scope::Subscription("prod".to_string())),
            "prod"
        );
    }
}
