//! The self-compliance proof: every build evaluates the initiative it emits against every Azure
//! resource its own Terraform would create, and reports any resource the initiative would deny
//! or flag as an error in the Charter source that caused it.
//!
//! The estate ([`charter_governance::estate`]) is the set of PUT payloads the Terraform backend
//! writes; the initiative is the Azure Policy backend's REST bodies, with each assignment's
//! parameters, scope and exemptions; the evaluator is the same one `charter test` runs. A
//! finding means what Charter emits would not deploy, or would be flagged the moment it did:
//! E0801 (denied) and E0802 (audited). The proof also checks that no two things in the source
//! derive the same Azure name or Terraform address, which would silently lose one of them
//! (E0803).
//!
//! Placement: a workload's resources are evaluated at each scope of the policy that governs it
//! (the source says they live under it), with every assignment of the project that covers that
//! scope. Assignments at management groups other than those scopes are left out until the
//! project declares its management-group hierarchy.

pub mod audit;
mod names;
mod related;

use std::collections::{BTreeSet, HashMap};

use charter_compiler::symbols::{SymbolIndex, SymbolKind};
use charter_compiler::Compilation;
use charter_governance::estate::{self, EstateResource, Origin};
use charter_ir::{Project, Scope};
use charter_syntax::{Diagnostic, Severity, Span};
use serde_json::Value;

pub use names::derived_name_collisions;

/// The code of a resource the initiative denies.
pub const DENIED: &str = "E0801";
/// The code of a resource the initiative audits (or flags with another effect).
pub const AUDITED: &str = "E0802";
/// The code of two sources that derive one Azure name or Terraform address.
pub const COLLISION: &str = "E0803";

/// What the proof found about one resource at one placement.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The resource, in words (`RAI policy`).
    pub noun: &'static str,
    /// Its ARM id, with placeholders where the subscription is not known.
    pub id: String,
    /// Its name in Azure.
    pub name: String,
    /// The Terraform address that creates it.
    pub address: String,
    pub origin: Origin,
    /// `deny`, `audit`, ...
    pub effect: String,
    /// The assignment and the initiative member that matched.
    pub assignment: String,
    pub reference_id: String,
    /// The definition's display name.
    pub rule: String,
    /// The assignment's non-compliance message for the member: how to comply.
    pub message: Option<String>,
    /// The evaluation trace, one condition per line.
    pub trace: String,
    /// Set when evaluating the rule failed (which Azure treats as a deny).
    pub error: Option<String>,
}

/// Runs the proof on a compilation without errors and adds what it finds to its diagnostics
/// (kept sorted by file and position). A compilation with errors is left alone: its IR is
/// incomplete, and the errors already say what to fix.
pub fn check(compilation: &mut Compilation, today: charter_ir::Date) {
    if compilation.has_errors() {
        return;
    }
    let found = diagnostics(&compilation.project, &compilation.symbols, today);
    if found.is_empty() {
        return;
    }
    compilation.diagnostics.extend(found);
    sort(&mut compilation.diagnostics);
}

/// What the proof finds in the model of a compilation without errors, as diagnostics at the
/// sources that made each resource. [`check`] adds them to its compilation; the language server
/// runs this on a thread of its own, so that an edit's other diagnostics do not wait for it.
pub fn diagnostics(
    project: &Project,
    symbols: &SymbolIndex,
    today: charter_ir::Date,
) -> Vec<Diagnostic> {
    let governance = charter_governance::governance(project);
    let estate = estate::estate(project);
    let mut found = names::collisions(project, symbols, &governance, &estate);
    if found.iter().all(|d| d.severity != Severity::Error) {
        for finding in prove_with(project, &governance, &estate, today) {
            if let Some(diagnostic) = finding.diagnostic(symbols) {
                found.push(diagnostic);
            }
        }
    }
    found
}

/// Sorts diagnostics as a compilation keeps them: by file, then position.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| {
        (
            d.primary.span.file,
            d.primary.span.start,
            d.primary.span.end,
        )
    });
}

/// Evaluates the project's initiative against every resource of its estate, at every placement
/// its governing policy allows, and returns each denial or other effect, once per resource and
/// rule.
pub fn prove(project: &Project, today: charter_ir::Date) -> Vec<Finding> {
    prove_estate(project, &estate::estate(project), today)
}

/// Evaluates the initiative of `project` against `estate` (which [`prove`] derives from the same
/// project; tests plant conflicts by passing another).
pub fn prove_estate(
    project: &Project,
    estate: &estate::Estate,
    today: charter_ir::Date,
) -> Vec<Finding> {
    prove_with(
        project,
        &charter_governance::governance(project),
        estate,
        today,
    )
}

fn prove_with(
    project: &Project,
    governance: &charter_governance::Governance,
    estate: &estate::Estate,
    today: charter_ir::Date,
) -> Vec<Finding> {
    let artifacts = charter_azure_policy::rest_bodies(governance);
    let messages = non_compliance_messages(&artifacts);
    let resources = estate.resources();
    // A rule's verdict depends only on the payload properties it reads and on where the
    // resource stands. Resources of one type that agree on every property some rule reads, in
    // the same resource group and placement (every scope Charter assigns or exempts is a
    // resource group or above), get the same verdicts: each such group is evaluated once. The
    // accounts of one workload differ only in name and region, and content filters,
    // blocklists and their items repeat in every account.
    let read = ReadSets::of(&artifacts);
    let scopes = charter_evaluator::deciding_scopes(&artifacts);
    let mut cases: Vec<charter_evaluator::PlacedCase<'_>> = Vec::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    // By the shape's fingerprint and the placement: the cases that may share it (a match is
    // confirmed by comparing the values, since different shapes may share a fingerprint).
    let mut keys: HashMap<(u64, String, Vec<String>), Vec<usize>> = HashMap::new();
    let mut signatures = Signatures::new(&scopes);
    // Payloads shared between resources (a filter's content filter in every account that
    // deploys it) are fingerprinted once.
    let mut fingerprints: HashMap<*const Value, u64> = HashMap::new();
    let governing = Governing::of(project);
    // What is read of each type, worked out once per type (the sets are looked up by the
    // lower-cased type).
    let mut by_type: HashMap<&str, (Option<&BTreeSet<String>>, bool)> = HashMap::new();
    for (index, resource) in resources.iter().enumerate() {
        let resource_type = resource.payload["type"].as_str().unwrap_or_default();
        let (shape_keys, reads_id) = *by_type.entry(resource_type).or_insert_with(|| {
            (
                read.shape_keys(resource.payload),
                read.reads_id(resource.payload),
            )
        });
        let fingerprint = *fingerprints
            .entry(std::ptr::from_ref(resource.payload))
            .or_insert_with(|| charter_evaluator::fingerprint(resource.payload, shape_keys));
        for placement in placements(&governing, resource) {
            let key = (
                fingerprint,
                if reads_id {
                    placement.id.to_lowercase()
                } else {
                    signature(&scopes, &placement, &mut signatures)
                },
                placement.management_groups.clone(),
            );
            let candidates = keys.entry(key).or_default();
            let same = candidates.iter().copied().find(|&case| {
                charter_evaluator::agree(
                    resources[groups[case][0]].payload,
                    resource.payload,
                    shape_keys,
                )
            });
            if let Some(case) = same {
                // Resources come in order: one already in the group is its last (a scan of
                // the group grew with the square of a large group, blocklist items alike).
                if groups[case].last() != Some(&index) {
                    groups[case].push(index);
                }
                continue;
            }
            candidates.push(cases.len());
            // The payload is borrowed, placed at the placement's id (never copied per case).
            cases.push(charter_evaluator::PlacedCase {
                case: charter_evaluator::TestCase {
                    name: resource.id.to_string(),
                    description: String::new(),
                    resource: Value::Null,
                    expect: charter_evaluator::Expectation::Compliant,
                    definition: None,
                    assignment: None,
                    management_groups: placement.management_groups,
                    // The project does not declare its management-group hierarchy yet: a
                    // resource counts as under its policy's group only, so assignments at other
                    // groups are not held against it.
                    management_groups_complete: true,
                },
                resource: resource.payload,
                id: placement.id,
            });
            groups.push(vec![index]);
        }
    }
    let options = charter_evaluator::SuiteOptions {
        today: Some(today.to_string()),
        // Only what decides a verdict is reported; the rules that held no objection are not.
        decisive_only: true,
    };
    let report = charter_evaluator::run_placed_suite(&artifacts, &cases, &options);
    let mut findings: Vec<Finding> = Vec::new();
    for (case, group) in report.cases.iter().zip(&groups) {
        for result in &case.results {
            // An `auditIfNotExists` rule is judged here, against the estate's related resources.
            let related_rule = result.exempted_by.is_none()
                && result.outcome.effect.as_deref() == Some("auditIfNotExists")
                && result
                    .not_evaluated
                    .as_deref()
                    .is_some_and(|why| why.starts_with(charter_evaluator::RELATED_RESOURCES));
            let Some(effect) = result
                .effective_effect()
                .or_else(|| related_rule.then(|| "auditIfNotExists".to_string()))
            else {
                continue;
            };
            for &index in group {
                let resource = &resources[index];
                if effect == "auditIfNotExists"
                    && related::exists_related(
                        (&artifacts, charter_evaluator::builtin_definitions()),
                        &result.definition,
                        resource,
                        &resources,
                    )
                {
                    continue;
                }
                let finding = Finding {
                    noun: resource.noun,
                    id: resource.id.to_string(),
                    name: resource.payload["name"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    address: charter_terraform::address(resource),
                    origin: resource.origin.clone(),
                    effect: effect.clone(),
                    assignment: result.assignment.clone(),
                    reference_id: result.reference_id.clone(),
                    rule: result.display_name.clone(),
                    message: messages
                        .get(&(result.assignment.clone(), result.reference_id.clone()))
                        .cloned(),
                    trace: result.outcome.explain(),
                    error: result.outcome.error.clone(),
                };
                // One finding per resource and rule, whichever placement showed it first.
                if !findings.iter().any(|f| {
                    f.id == finding.id
                        && f.reference_id == finding.reference_id
                        && f.rule == finding.rule
                }) {
                    findings.push(finding);
                }
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests;

/// What the initiative's rules read of each resource type (see [`charter_evaluator::reads`]).
struct ReadSets {
    /// Read from every type (rules whose types cannot be told); `None`: anything.
    any_type: Option<BTreeSet<String>>,
    /// Read from one type (lower case); `None`: anything.
    by_type: HashMap<String, Option<BTreeSet<String>>>,
    /// Per type (lower case), what is read of it: `any_type` and its own, merged once here
    /// rather than for every resource (cloning the sets per resource was a quarter of the
    /// proof).
    merged: HashMap<String, Option<BTreeSet<String>>>,
    /// `merged` and `any_type` without `id`: the keys of a resource's shape.
    shaped: HashMap<String, Option<BTreeSet<String>>>,
    any_type_shaped: Option<BTreeSet<String>>,
}

impl ReadSets {
    fn of(artifacts: &[(String, Value)]) -> Self {
        let mut sets = ReadSets {
            any_type: Some(BTreeSet::new()),
            by_type: HashMap::new(),
            merged: HashMap::new(),
            shaped: HashMap::new(),
            any_type_shaped: None,
        };
        let builtins = charter_evaluator::builtin_definitions();
        let definitions = artifacts
            .iter()
            .chain(builtins.iter())
            .map(|(_, body)| body)
            .filter(|body| {
                charter_evaluator::definition_properties(body)
                    .get("policyRule")
                    .is_some()
            });
        for definition in definitions {
            let reads = charter_evaluator::reads(definition);
            let targets: Vec<&mut Option<BTreeSet<String>>> = match &reads.types {
                Some(types) => {
                    for resource_type in types {
                        sets.by_type
                            .entry(resource_type.clone())
                            .or_insert_with(|| Some(BTreeSet::new()));
                    }
                    sets.by_type
                        .iter_mut()
                        .filter(|(resource_type, _)| types.contains(resource_type))
                        .map(|(_, keys)| keys)
                        .collect()
                }
                None => vec![&mut sets.any_type],
            };
            for target in targets {
                match (target.as_mut(), &reads.keys) {
                    (Some(set), Some(keys)) => set.extend(keys.iter().cloned()),
                    (Some(_), None) => *target = None,
                    (None, _) => {}
                }
            }
        }
        sets.merged = sets
            .by_type
            .iter()
            .map(|(resource_type, typed)| {
                let merged = match (&sets.any_type, typed) {
                    (Some(any), Some(typed)) => Some(any.union(typed).cloned().collect()),
                    _ => None,
                };
                (resource_type.clone(), merged)
            })
            .collect();
        let without_id = |keys: &Option<BTreeSet<String>>| {
            keys.as_ref().map(|keys| {
                keys.iter()
                    .filter(|key| *key != "id")
                    .cloned()
                    .collect::<BTreeSet<String>>()
            })
        };
        sets.shaped = sets
            .merged
            .iter()
            .map(|(resource_type, keys)| (resource_type.clone(), without_id(keys)))
            .collect();
        sets.any_type_shaped = without_id(&sets.any_type);
        sets
    }

    /// The keys some rule reads of a resource of `resource_type`; `None`: anything.
    fn keys(&self, resource_type: &str) -> Option<&BTreeSet<String>> {
        match self.merged.get(&resource_type.to_lowercase()) {
            Some(merged) => merged.as_ref(),
            None => self.any_type.as_ref(),
        }
    }

    /// What decides the verdicts on `payload` besides its type: every property some rule
    /// reads but its id (which the placement accounts for); `None`: the whole payload.
    fn shape_keys(&self, payload: &Value) -> Option<&BTreeSet<String>> {
        let resource_type = payload["type"].as_str().unwrap_or_default();
        match self.shaped.get(&resource_type.to_lowercase()) {
            Some(shaped) => shaped.as_ref(),
            None => self.any_type_shaped.as_ref(),
        }
    }

    /// Whether some rule reads a resource's id (directly or through `fullName`): then resources
    /// are grouped only with others at the same id.
    fn reads_id(&self, payload: &Value) -> bool {
        let resource_type = payload["type"].as_str().unwrap_or_default();
        self.keys(resource_type)
            .is_none_or(|keys| keys.contains("id"))
    }
}

/// Where a resource may be evaluated: an id with its subscription filled in, and the
/// management groups it sits under.
struct Placement {
    id: String,
    management_groups: Vec<String>,
}

/// The placements of a resource: at each scope of the policy that governs its workload. A
/// resource group scope places only the workload's own group; a subscription scope fills in the
/// subscription when the workload does not name one, and places nothing when it names another;
/// a management group scope places the resource under that group.
fn placements(governing: &Governing<'_>, resource: &EstateResource<'_>) -> Vec<Placement> {
    let workloads: Vec<&str> = match &resource.origin {
        Origin::ResourceGroup { workloads } | Origin::Authority { workloads } => {
            workloads.iter().map(String::as_str).collect()
        }
        Origin::Endpoint { workload, .. }
        | Origin::Filter { workload, .. }
        | Origin::Blocklist { workload, .. }
        | Origin::Budget { workload } => vec![workload.as_str()],
        Origin::Operations { workloads, .. } | Origin::BusinessUnit { workloads, .. } => {
            workloads.iter().map(String::as_str).collect()
        }
    };
    let mut out: Vec<Placement> = Vec::new();
    for workload in workloads {
        let Some(&(workload, Some(policy))) = governing.by_workload.get(workload) else {
            continue;
        };
        for scope in &policy.scopes {
            let placement = match scope {
                Scope::ManagementGroup(group) => Some(Placement {
                    id: resource.id.to_string(),
                    management_groups: vec![group.clone()],
                }),
                Scope::Subscription(subscription) => match &workload.subscription {
                    Some(own) if own != subscription => None,
                    Some(_) => Some(Placement {
                        id: resource.id.to_string(),
                        management_groups: Vec::new(),
                    }),
                    None => Some(Placement {
                        id: with_subscription(resource.id, subscription),
                        management_groups: Vec::new(),
                    }),
                },
                Scope::ResourceGroup(group) => {
                    (group.eq_ignore_ascii_case(&workload.resource_group)).then(|| Placement {
                        id: resource.id.to_string(),
                        management_groups: Vec::new(),
                    })
                }
                // A policy is never assigned at one resource (only exempted there).
                Scope::Resource(_) => None,
            };
            if let Some(placement) = placement {
                if !out.iter().any(|p| {
                    p.id == placement.id && p.management_groups == placement.management_groups
                }) {
                    out.push(placement);
                }
            }
        }
    }
    if out.is_empty() {
        // Outside every scope of its policy (or the policy has none): evaluated where it is.
        out.push(Placement {
            id: resource.id.to_string(),
            management_groups: Vec::new(),
        });
    }
    out
}

/// Each workload of a project with the policy that governs it, by the workload's name: looked
/// up for every resource of the estate (a scan of the workloads per resource grew with the
/// square of the project).
struct Governing<'p> {
    by_workload: HashMap<&'p str, (&'p charter_ir::Workload, Option<&'p charter_ir::Policy>)>,
}

impl<'p> Governing<'p> {
    fn of(project: &'p Project) -> Governing<'p> {
        let policies: HashMap<&str, &charter_ir::Policy> = project
            .policies
            .iter()
            .rev()
            .map(|policy| (policy.name.as_str(), policy))
            .collect();
        let mut by_workload = HashMap::new();
        // The first workload of a name wins, as a scan from the start found it.
        for workload in &project.workloads {
            by_workload
                .entry(workload.name.as_str())
                .or_insert((workload, policies.get(workload.policy.as_str()).copied()));
        }
        Governing { by_workload }
    }
}

/// Where a placement stands relative to every scope that decides which assignments and
/// exemptions apply: inside (`1`), outside (`0`) or unknown (`?`), one character per scope.
fn signature(scopes: &[String], placement: &Placement, known: &mut Signatures) -> String {
    // A scope compares only as many segments of the id as it has itself: ids that agree on
    // the deepest scope's number of segments stand alike towards every scope.
    let cut = known.cut(&placement.id);
    let key = (
        cut.to_ascii_lowercase(),
        placement.management_groups.clone(),
    );
    if let Some(found) = known.by_prefix.get(&key) {
        return found.clone();
    }
    let signature: String = scopes
        .iter()
        .map(|scope| {
            match charter_evaluator::scope_contains(
                scope,
                &placement.id,
                &placement.management_groups,
                true,
            ) {
                Some(true) => '1',
                Some(false) => '0',
                None => '?',
            }
        })
        .collect();
    known.by_prefix.insert(key, signature.clone());
    signature
}

/// Signatures already worked out, by the part of the id the scopes compare and the
/// management groups.
struct Signatures {
    /// The most `/`-separated segments any scope has.
    segments: usize,
    by_prefix: HashMap<(String, Vec<String>), String>,
}

impl Signatures {
    fn new(scopes: &[String]) -> Signatures {
        Signatures {
            segments: scopes
                .iter()
                .map(|scope| scope.trim_end_matches('/').split('/').count())
                .max()
                .unwrap_or(0),
            by_prefix: HashMap::new(),
        }
    }

    /// The first `segments` segments of `id`.
    fn cut<'i>(&self, id: &'i str) -> &'i str {
        match id.match_indices('/').nth(self.segments) {
            Some((index, _)) => &id[..index],
            None => id,
        }
    }
}

/// `id` with its subscription segment replaced by `subscription` (as the governance writes a
/// subscription scope's id).
fn with_subscription(id: &str, subscription: &str) -> String {
    let segment = charter_governance::names::subscription_placeholder(Some(subscription));
    match id.strip_prefix("/subscriptions/") {
        Some(rest) => match rest.split_once('/') {
            Some((_, tail)) => format!("/subscriptions/{segment}/{tail}"),
            None => format!("/subscriptions/{segment}"),
        },
        None => id.to_string(),
    }
}

/// Each assignment's non-compliance message per member: `(assignment, reference id)` →
/// message.
fn non_compliance_messages(
    artifacts: &[(String, Value)],
) -> std::collections::HashMap<(String, String), String> {
    let mut messages = std::collections::HashMap::new();
    for (_, body) in artifacts {
        let Some(name) = body["name"].as_str() else {
            continue;
        };
        let Some(list) = body["properties"]["nonComplianceMessages"].as_array() else {
            continue;
        };
        for entry in list {
            if let (Some(message), Some(reference)) = (
                entry["message"].as_str(),
                entry["policyDefinitionReferenceId"].as_str(),
            ) {
                messages.insert(
                    (name.to_string(), reference.to_string()),
                    message.to_string(),
                );
            }
        }
    }
    messages
}

impl Finding {
    /// The diagnostic for this finding, at the source that caused it.
    pub fn diagnostic(&self, symbols: &SymbolIndex) -> Option<Diagnostic> {
        let (workload, endpoint, region) = match &self.origin {
            Origin::Endpoint {
                workload,
                endpoint,
                region,
            }
            | Origin::Filter {
                workload,
                endpoint,
                region,
                ..
            }
            | Origin::Blocklist {
                workload,
                endpoint,
                region,
                ..
            } => (
                workload.as_str(),
                Some(endpoint.as_str()),
                Some(region.as_str()),
            ),
            Origin::Budget { workload } => (workload.as_str(), None, None),
            Origin::ResourceGroup { workloads }
            | Origin::Authority { workloads }
            | Origin::Operations { workloads, .. }
            | Origin::BusinessUnit { workloads, .. } => {
                (workloads.first().map_or("", String::as_str), None, None)
            }
        };
        let workload_span = declaration_span(symbols, SymbolKind::Workload, workload, None);
        let endpoint_span = endpoint
            .and_then(|e| declaration_span(symbols, SymbolKind::Endpoint, e, Some(workload)));
        let cause = match &self.origin {
            Origin::Filter { filter, .. } => {
                declaration_span(symbols, SymbolKind::Filter, filter, None).map(|span| {
                    (
                        span,
                        format!("filter `{filter}`, deployed as this RAI policy"),
                    )
                })
            }
            Origin::Blocklist { blocklist, .. } => {
                declaration_span(symbols, SymbolKind::Blocklist, blocklist, None)
                    .map(|span| (span, format!("blocklist `{blocklist}`")))
            }
            // A content filter in a business unit's Foundry resource is named after its filter.
            Origin::BusinessUnit { .. } if self.noun == "RAI policy" => {
                declaration_span(symbols, SymbolKind::Filter, &self.name, None).map(|span| {
                    (
                        span,
                        format!("filter `{}`, deployed as this RAI policy", self.name),
                    )
                })
            }
            Origin::BusinessUnit { business_unit, .. } => {
                declaration_span(symbols, SymbolKind::BusinessUnit, business_unit, None)
                    .map(|span| (span, format!("business unit `{business_unit}`")))
            }
            _ => None,
        };
        let (primary, label, secondary) = match (cause, endpoint_span, workload_span) {
            (Some((span, label)), endpoint, _) => (
                span,
                label,
                endpoint.map(|s| (s, "deployed for this endpoint")),
            ),
            (None, Some(span), _) => (span, "creates it".to_string(), None),
            (None, None, Some(span)) => (span, "creates it".to_string(), None),
            (None, None, None) => return None,
        };
        let place = match (endpoint, region) {
            (Some(endpoint), Some(region)) => format!(" for endpoint `{endpoint}` in {region}"),
            _ => format!(" for workload `{workload}`"),
        };
        let verb = if self.effect == "deny" {
            "denies"
        } else {
            "flags"
        };
        let code = if self.effect == "deny" {
            DENIED
        } else {
            AUDITED
        };
        let mut diagnostic = Diagnostic::error(
            code,
            format!(
                "the initiative Charter emits {verb} the {} `{}` Charter creates{place}",
                self.noun, self.name
            ),
            primary,
            label,
        );
        if let Some((span, text)) = secondary {
            diagnostic = diagnostic.with_secondary(span, text);
        }
        diagnostic = diagnostic
            .with_note(format!(
                "rule `{}` ({}) of assignment `{}`, effect {}",
                if self.reference_id.is_empty() {
                    &self.rule
                } else {
                    &self.reference_id
                },
                self.rule,
                self.assignment,
                self.effect
            ))
            .with_note(format!("resource {} ({})", self.id, self.address));
        if let Some(error) = &self.error {
            diagnostic = diagnostic.with_note(format!(
                "the rule could not be evaluated: {error}; Azure treats that as a deny"
            ));
        }
        let trace: Vec<&str> = self.trace.lines().take(12).collect();
        if !trace.is_empty() {
            diagnostic = diagnostic.with_note(format!("evaluation:\n{}", trace.join("\n")));
        }
        Some(
            diagnostic.with_help(match &self.message {
                Some(message) => {
                    format!("change the source so that what it creates meets the rule: {message}")
                }
                None => {
                    "change the source so that what it creates meets the rule, or change the rule"
                        .to_string()
                }
            }),
        )
    }
}

/// The name span of a declaration, by kind, name and container.
/// The name spans of a project's declarations (not the stdlib's), indexed once for a pass that
/// looks many of them up (the derived-name check looks up one per resource).
pub(crate) struct Spans<'s> {
    by_name: HashMap<(SymbolKind, &'s str), Vec<Declared<'s>>>,
}

/// Where a declaration is declared (its container, if any) and its name's span.
type Declared<'s> = (Option<&'s str>, Span);

impl<'s> Spans<'s> {
    pub(crate) fn new(symbols: &'s SymbolIndex) -> Spans<'s> {
        let mut by_name: HashMap<(SymbolKind, &'s str), Vec<Declared<'s>>> = HashMap::new();
        for declaration in symbols.declarations.iter().filter(|d| !d.is_stdlib) {
            by_name
                .entry((declaration.kind, declaration.name.as_str()))
                .or_default()
                .push((declaration.container.as_deref(), declaration.name_span));
        }
        Spans { by_name }
    }

    /// [`declaration_span`], looked up in the index.
    pub(crate) fn get(
        &self,
        kind: SymbolKind,
        name: &str,
        container: Option<&str>,
    ) -> Option<Span> {
        self.by_name
            .get(&(kind, name))?
            .iter()
            .find(|(declared_in, _)| container.is_none() || *declared_in == container)
            .map(|(_, span)| *span)
    }
}

pub(crate) fn declaration_span(
    symbols: &SymbolIndex,
    kind: SymbolKind,
    name: &str,
    container: Option<&str>,
) -> Option<Span> {
    symbols
        .declarations
        .iter()
        .find(|d| {
            d.kind == kind
                && d.name == name
                && (container.is_none() || d.container.as_deref() == container)
                && !d.is_stdlib
        })
        .map(|d| d.name_span)
}
