//! Auditing real resources: every resource against every assignment that covers it, as Azure
//! would evaluate it, with an answer for each: compliant, denied or audited (which rule, which
//! assignment, the values compared), exempt (by which exemption, until when), or not evaluated
//! (why).
//!
//! Unlike a test case, a real resource's placement may be unknown (a subscription nobody said
//! is under which management group), and some of its values may be missing (`az resource list`
//! leaves out `properties`; a Terraform plan knows some values only after apply). Whatever
//! depends on what is not known is reported as not evaluated, never guessed.
//!
//! [`Auditor::new`] reads the assignments, initiatives, definitions and exemptions once;
//! [`Auditor::audit`] then evaluates one resource, without tracing, and traces only the rules
//! that matched, so that a large, mostly compliant estate is fast. Resources that agree on
//! everything the rules read and stand alike towards every assigned or exempted scope get the
//! same entry: each such shape is evaluated once ([`crate::reads`]).

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

use serde_json::{Map, Value};

use crate::evaluate::{evaluate_partial, Outcome, UNKNOWN_ALIAS};
use crate::report::{Entry, RuleResult, Verdict};
use crate::suite::{last_segment, strongest, within, Library, Placement};

/// A resource to audit, and what is known about it.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    /// The payload as Azure Resource Manager sees it (`id`, `type`, `name`, `location`, `tags`,
    /// `sku`, `kind`, `properties`, ...).
    pub payload: &'a Value,
    /// Paths of the payload whose values are not known (lower case, dotted, without `[*]`):
    /// `properties` for an export that leaves them out.
    pub unknown: &'a [String],
    /// The management groups the resource's subscription sits under (its own and every
    /// ancestor); `None` when that is not known.
    pub management_groups: Option<&'a [String]>,
}

/// Options of an audit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditOptions {
    /// Today as `YYYY-MM-DD`; exemptions that expired before it no longer apply.
    pub today: Option<String>,
    /// Keep every rule evaluated in the entry, compliant ones too, each with its trace (what
    /// `charter eval` shows); otherwise only those that decide the verdict.
    pub every_rule: bool,
}

/// A prepared set of assignments to audit resources against.
pub struct Auditor {
    library: Library<'static>,
    /// Per assignment: the members each resource type (lower case) can match, and the members
    /// whose types cannot be told from their rules.
    by_type: Vec<MembersByType>,
    /// Per assignment: its non-compliance messages by reference id (`""` for the default).
    messages: Vec<HashMap<String, String>>,
    /// What the rules read of each resource type, to evaluate each shape once.
    reads: ReadSets,
    /// Every scope that decides whether an assignment or exemption covers a resource.
    scopes: Vec<String>,
    /// Entries already made, by the fingerprint of what decides them (see [`Auditor::shape`]).
    made: Mutex<Made>,
    /// The most `/`-separated segments any deciding scope has: how much of an id the scopes
    /// compare.
    scope_segments: usize,
    /// Standings towards the deciding scopes already worked out (see [`Auditor::standing`]).
    standings: Mutex<rustc_hash::FxHashMap<String, String>>,
}

/// Entries already made, by shape.
#[derive(Default)]
struct Made {
    by_hash: rustc_hash::FxHashMap<u64, Vec<(Shape<'static>, Entry)>>,
    count: usize,
}

/// What decides a resource's entry but its id and name (see [`Auditor::shape`]): compared
/// whole, since different shapes may share a fingerprint.
#[derive(Clone, Debug, PartialEq)]
struct Shape<'v> {
    fingerprint: u64,
    /// The type, the management groups, what is unknown, the options and the resource's
    /// standing towards each deciding scope.
    head: String,
    /// The value at each path the rules read.
    values: Vec<Option<std::borrow::Cow<'v, Value>>>,
}

impl Shape<'_> {
    fn same(&self, other: &Shape<'_>) -> bool {
        self.fingerprint == other.fingerprint
            && self.head == other.head
            && self.values.len() == other.values.len()
            && self
                .values
                .iter()
                .zip(&other.values)
                .all(|(a, b)| match (a, b) {
                    (Some(a), Some(b)) => crate::memo::same_value(a, b),
                    (None, None) => true,
                    _ => false,
                })
    }

    fn owned(&self) -> Shape<'static> {
        Shape {
            fingerprint: self.fingerprint,
            head: self.head.clone(),
            values: self
                .values
                .iter()
                .map(|value| {
                    value
                        .as_ref()
                        .map(|value| std::borrow::Cow::Owned(value.as_ref().clone()))
                })
                .collect(),
        }
    }
}

/// The most shapes remembered: an estate of resources that all differ in what the rules read
/// gains nothing from remembering them.
const MAX_REMEMBERED: usize = 20_000;

/// What the rules read of each resource type (lower case): payload paths; `None` when a rule
/// may read anything.
struct ReadSets {
    /// Read by rules whose types cannot be told.
    any_type: Option<BTreeSet<String>>,
    by_type: HashMap<String, Option<BTreeSet<String>>>,
    /// Per type, `any_type` and its own merged once (not once per resource).
    merged: HashMap<String, Option<BTreeSet<String>>>,
}

impl ReadSets {
    fn of(definitions: &[crate::suite::Named]) -> ReadSets {
        let mut sets = ReadSets {
            any_type: Some(BTreeSet::new()),
            by_type: HashMap::new(),
            merged: HashMap::new(),
        };
        for definition in definitions {
            let reads = crate::reads(&definition.value);
            let merge = |target: &mut Option<BTreeSet<String>>| match (target.as_mut(), &reads.keys)
            {
                (Some(set), Some(keys)) => set.extend(keys.iter().cloned()),
                (Some(_), None) => *target = None,
                (None, _) => {}
            };
            match &reads.types {
                Some(types) => {
                    for resource_type in types {
                        merge(
                            sets.by_type
                                .entry(resource_type.to_lowercase())
                                .or_insert_with(|| Some(BTreeSet::new())),
                        );
                    }
                }
                None => merge(&mut sets.any_type),
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
        sets
    }

    /// The paths some rule reads of a resource of `lowered_type`; `None`: anything.
    fn keys(&self, lowered_type: &str) -> Option<&BTreeSet<String>> {
        match self.merged.get(lowered_type) {
            Some(merged) => merged.as_ref(),
            None => self.any_type.as_ref(),
        }
    }
}

/// One assignment's members each resource type (lower case) can match, and the members whose
/// types cannot be told from their rules.
type MembersByType = (HashMap<String, Vec<usize>>, Vec<usize>);

/// What one member of one assignment gave for a resource, before tracing.
struct Found {
    assignment: usize,
    member: usize,
    outcome: Outcome,
}

impl Auditor {
    /// Reads a built tree: `(path, JSON)` pairs of definitions, initiatives, assignments and
    /// exemptions (the shape [`crate::run_suite`] takes). The bundled built-ins are added.
    pub fn new(artifacts: &[(String, Value)]) -> Auditor {
        let mut library: Library<'static> = Library::default();
        for (path, value) in artifacts {
            library.add(path, value, false);
        }
        for (path, value) in crate::builtin_definitions() {
            library.add(path, value, true);
        }
        library.expand();
        Auditor::prepared(library)
    }

    /// An auditor for `charter eval`: the definition or initiative `target` (a definition's or
    /// initiative's name), assigned everywhere with `parameters` (`{"name": value}`), with
    /// `definitions` the definitions and initiatives it may reference (the bundled built-ins
    /// are added).
    pub fn unassigned(
        definitions: &[(String, Value)],
        target: &str,
        parameters: &Map<String, Value>,
    ) -> Auditor {
        let mut library: Library<'static> = Library::default();
        for (path, value) in definitions {
            library.add(path, value, false);
        }
        for (path, value) in crate::builtin_definitions() {
            library.add(path, value, true);
        }
        let is_set = Library::find(&library.sets, target).is_some()
            && Library::find(&library.definitions, target).is_none();
        let kind = if is_set {
            "policySetDefinitions"
        } else {
            "policyDefinitions"
        };
        let values: Map<String, Value> = parameters
            .iter()
            .map(|(name, value)| (name.clone(), serde_json::json!({ "value": value })))
            .collect();
        let assignment = serde_json::json!({
            "name": "",
            "properties": {
                "policyDefinitionId": format!("/providers/Microsoft.Authorization/{kind}/{target}"),
                "parameters": values,
            }
        });
        library.add("eval", &assignment, false);
        library.expand();
        Auditor::prepared(library)
    }

    fn prepared(library: Library<'static>) -> Auditor {
        let by_type = library
            .expanded
            .iter()
            .map(|expanded| {
                let mut typed: HashMap<String, Vec<usize>> = HashMap::new();
                let mut untyped = Vec::new();
                for (index, member) in expanded.members.iter().enumerate() {
                    match &member.target_types {
                        Some(types) => {
                            for resource_type in types {
                                typed.entry(resource_type.clone()).or_default().push(index);
                            }
                        }
                        None => untyped.push(index),
                    }
                }
                (typed, untyped)
            })
            .collect();
        let messages = library
            .assignments
            .iter()
            .map(|assignment| {
                assignment.value["properties"]["nonComplianceMessages"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|entry| {
                        let message = entry["message"].as_str()?;
                        let reference = entry["policyDefinitionReferenceId"]
                            .as_str()
                            .unwrap_or_default();
                        Some((reference.to_string(), message.to_string()))
                    })
                    .collect()
            })
            .collect();
        let reads = ReadSets::of(&library.definitions);
        let mut scopes: Vec<String> = Vec::new();
        for expanded in &library.expanded {
            scopes.extend(expanded.scope.iter().cloned());
            scopes.extend(expanded.not_scopes.iter().cloned());
        }
        for exemption in &library.exempting {
            scopes.extend(exemption.scope.iter().cloned());
        }
        scopes.sort();
        scopes.dedup();
        let scope_segments = scopes
            .iter()
            .map(|scope| scope.trim_end_matches('/').split('/').count())
            .max()
            .unwrap_or(0);
        Auditor {
            library,
            by_type,
            messages,
            reads,
            scopes,
            made: Mutex::new(Made::default()),
            scope_segments,
            standings: Mutex::new(rustc_hash::FxHashMap::default()),
        }
    }

    /// Everything that decides a resource's entry but its id and name: its type, every
    /// property some rule reads, what it is known not to carry, its management groups and how
    /// it stands towards each deciding scope. `None` when a rule may read anything of it, or
    /// reads its id (a rule that reads its name has the name in the shape).
    fn shape<'p>(
        &self,
        subject: &Subject<'p>,
        placement: &Placement<'_>,
        options: &AuditOptions,
    ) -> Option<Shape<'p>> {
        use std::fmt::Write as _;
        use std::hash::{Hash as _, Hasher as _};
        let payload = subject.payload;
        let resource_type = payload.get("type").and_then(Value::as_str)?;
        let keys = self.reads.keys(&resource_type.to_lowercase())?;
        if keys
            .iter()
            .any(|key| matches!(key.as_str(), "id" | "fullname"))
        {
            return None;
        }
        // Parts are separated by NUL, which no name holds.
        let mut head = String::with_capacity(resource_type.len() + 64);
        head.push_str(resource_type);
        head.push('\0');
        match subject.management_groups {
            None => head.push('-'),
            Some(groups) => {
                for group in groups {
                    head.push_str(group);
                    head.push('\0');
                }
            }
        }
        head.push('\0');
        for path in subject.unknown {
            head.push_str(path);
            head.push('\0');
        }
        head.push(if options.every_rule { '1' } else { '0' });
        head.push('\0');
        head.push_str(&self.standing(subject, placement));
        let _ = write!(head, "\0{}", keys.len());
        let values: Vec<Option<std::borrow::Cow<'p, Value>>> = keys
            .iter()
            .map(|key| crate::reads::value_at(payload, key).map(std::borrow::Cow::Borrowed))
            .collect();
        let mut hasher = rustc_hash::FxHasher::default();
        head.hash(&mut hasher);
        for value in &values {
            match value {
                Some(value) => crate::memo::hash_value(value, &mut hasher),
                None => hasher.write_u8(0xff),
            }
        }
        Some(Shape {
            fingerprint: hasher.finish(),
            head,
            values,
        })
    }

    /// How a placement stands towards each deciding scope (`y`, `n` or `?` per scope),
    /// remembered by what decides it: the part of the id as deep as the deepest scope, whether
    /// the id holds a placeholder, and the management groups.
    fn standing(&self, subject: &Subject<'_>, placement: &Placement<'_>) -> String {
        let id = placement.id.unwrap_or("");
        let cut = match id
            .bytes()
            .enumerate()
            .filter(|(_, byte)| *byte == b'/')
            .nth(self.scope_segments)
        {
            Some((index, _)) => &id[..index],
            None => id,
        };
        let mut key = cut.to_ascii_lowercase();
        key.push('\0');
        key.push(if placement.id.is_none() { 'n' } else { 's' });
        key.push(if id.contains('{') { '{' } else { '-' });
        match subject.management_groups {
            None => key.push('-'),
            Some(groups) => {
                for group in groups {
                    key.push('\0');
                    key.push_str(group);
                }
            }
        }
        let mut standings = self
            .standings
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(found) = standings.get(&key) {
            return found.clone();
        }
        let standing: String = self
            .scopes
            .iter()
            .map(|scope| match known_within(scope, placement) {
                Some(true) => 'y',
                Some(false) => 'n',
                None => '?',
            })
            .collect();
        if standings.len() < MAX_REMEMBERED {
            standings.insert(key, standing.clone());
        }
        standing
    }

    /// References no resource can be evaluated against offline (built-ins that are not
    /// bundled, definitions missing from the build), each once.
    pub fn skipped(&self) -> Vec<String> {
        let mut skipped: Vec<String> = Vec::new();
        for expanded in &self.library.expanded {
            for reference in &expanded.skipped {
                if !skipped.contains(reference) {
                    skipped.push(reference.clone());
                }
            }
        }
        skipped
    }

    /// The assignments, as `(name, scope)`.
    pub fn assignments(&self) -> Vec<(String, Option<String>)> {
        self.library
            .assignments
            .iter()
            .zip(&self.library.expanded)
            .map(|(assignment, expanded)| (assignment.name.clone(), expanded.scope.clone()))
            .collect()
    }

    /// How many definitions (initiative members, or definitions assigned directly) the
    /// assignments evaluate in all.
    pub fn rule_count(&self) -> usize {
        self.library
            .expanded
            .iter()
            .map(|expanded| expanded.members.len())
            .sum()
    }

    /// Audits one resource: its entry, with `id`, `name`, `type`, verdict, effect, the rules
    /// that decide it and the reasons for what could not be evaluated. The caller adds where
    /// it came from, its owner and the estate checks.
    pub fn audit(&self, subject: &Subject<'_>, options: &AuditOptions) -> Entry {
        let payload = subject.payload;
        let id = payload.get("id").and_then(Value::as_str);
        let resource_type = payload
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let lowered_type = resource_type.to_lowercase();
        let groups: &[String] = subject.management_groups.unwrap_or(&[]);
        let placement = Placement {
            id,
            management_groups: groups,
            management_groups_complete: subject.management_groups.is_some(),
            placeholders_unknown: true,
        };
        let shape = self.shape(subject, &placement, options);
        if let Some(shape) = &shape {
            let made = self
                .made
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let found = made
                .by_hash
                .get(&shape.fingerprint)
                .and_then(|kept| kept.iter().find(|(kept, _)| kept.same(shape)));
            if let Some((_, entry)) = found {
                let mut entry = entry.clone();
                entry.id = id.map(str::to_string);
                entry.name = display_name(payload);
                return entry;
            }
        }
        let entry = self.evaluate(subject, options, &placement, &lowered_type);
        if let Some(shape) = shape {
            let mut made = self
                .made
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if made.count < MAX_REMEMBERED {
                made.count += 1;
                made.by_hash
                    .entry(shape.fingerprint)
                    .or_default()
                    .push((shape.owned(), entry.clone()));
            }
        }
        entry
    }

    /// [`Auditor::audit`], without remembering.
    fn evaluate(
        &self,
        subject: &Subject<'_>,
        options: &AuditOptions,
        placement: &Placement<'_>,
        lowered_type: &str,
    ) -> Entry {
        let payload = subject.payload;
        let id = payload.get("id").and_then(Value::as_str);
        let resource_type = payload
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let placement = *placement;
        let mut reasons: Vec<String> = Vec::new();
        let mut covered = 0usize;
        let mut uncertain = 0usize;
        let mut found: Vec<Found> = Vec::new();
        for (index, (assignment, expanded)) in self
            .library
            .assignments
            .iter()
            .zip(&self.library.expanded)
            .enumerate()
        {
            let coverage = match &expanded.scope {
                None => Some(true),
                Some(scope) => known_within(scope, &placement),
            };
            // Excluded when a not-scope surely holds it; unknown when one may.
            let mut exclusion = Some(false);
            for scope in &expanded.not_scopes {
                match known_within(scope, &placement) {
                    Some(true) => {
                        exclusion = Some(true);
                        break;
                    }
                    None => exclusion = None,
                    Some(false) => {}
                }
            }
            match (coverage, exclusion) {
                (Some(false), _) | (_, Some(true)) => continue,
                (Some(true), Some(false)) => covered += 1,
                _ => {
                    uncertain += 1;
                    reasons.push(uncertain_coverage(
                        &assignment.name,
                        expanded.scope.as_deref(),
                        coverage.is_none(),
                        subject.management_groups.is_none(),
                    ));
                    continue;
                }
            }
            let (typed, untyped) = &self.by_type[index];
            let mut members: Vec<usize> = untyped.clone();
            if options.every_rule {
                members = (0..expanded.members.len()).collect();
            } else if let Some(listed) = typed.get(lowered_type) {
                members.extend(listed);
                members.sort_unstable();
            }
            for member_index in members {
                let outcome = self.library.outcome(
                    (index, member_index),
                    payload,
                    subject.unknown,
                    options.every_rule,
                );
                let matters = outcome.effect.is_some()
                    || outcome.error.is_some()
                    || (outcome.unknown.is_some() && outcome.applicable);
                if matters || options.every_rule {
                    found.push(Found {
                        assignment: index,
                        member: member_index,
                        outcome,
                    });
                }
            }
        }
        let mut results: Vec<RuleResult> = found
            .into_iter()
            .map(|found| self.result(found, subject, &placement, options, &mut reasons))
            .collect();
        results.sort_by_key(RuleResult::verdict);
        let effect = strongest(results.iter().filter_map(RuleResult::effective_effect));
        let verdict = match &effect {
            Some(effect) => Verdict::of_effect(effect),
            None if uncertain > 0
                || results.iter().any(|result| {
                    result.verdict() == Verdict::NotEvaluated
                        && !result
                            .not_evaluated
                            .as_deref()
                            .is_some_and(|why| why.starts_with(crate::evaluate::RELATED_RESOURCES))
                }) =>
            {
                Verdict::NotEvaluated
            }
            None if covered == 0 => {
                reasons.push(if self.library.assignments.is_empty() {
                    "the project assigns nothing".to_string()
                } else {
                    "no assignment covers it: it lies outside every assigned scope".to_string()
                });
                Verdict::NotEvaluated
            }
            None if results
                .iter()
                .any(|result| result.verdict() == Verdict::Exempt) =>
            {
                Verdict::Exempt
            }
            None => Verdict::Compliant,
        };
        reasons.dedup();
        Entry {
            id: id.map(str::to_string),
            name: display_name(payload),
            resource_type: resource_type.to_string(),
            description: String::new(),
            file: None,
            origin: None,
            owner: None,
            verdict,
            effect,
            results: std::sync::Arc::new(results),
            reasons,
            checks: Vec::new(),
            test: None,
        }
    }

    /// The rule result of one member that matched (or could not be judged), traced.
    fn result(
        &self,
        found: Found,
        subject: &Subject<'_>,
        placement: &Placement<'_>,
        options: &AuditOptions,
        reasons: &mut Vec<String>,
    ) -> RuleResult {
        let assignment = &self.library.assignments[found.assignment];
        let expanded = &self.library.expanded[found.assignment];
        let member = &expanded.members[found.member];
        let definition = &self.library.definitions[member.definition];
        // Evaluated again with its trace: what a reader needs to see what was compared.
        let outcome = match (&member.values, options.every_rule) {
            (Ok(values), false) => evaluate_partial(
                crate::evaluate::definition_properties(&definition.value),
                values,
                subject.payload,
                subject.unknown,
                true,
            ),
            _ => found.outcome,
        };
        let not_evaluated = if let Some(error) = outcome
            .error
            .as_ref()
            .filter(|error| error.contains(UNKNOWN_ALIAS))
        {
            Some(error.clone())
        } else if let (Some(field), true) = (&outcome.unknown, outcome.applicable) {
            Some(format!(
                "it reads `{field}`, whose value the input does not give"
            ))
        } else {
            crate::evaluate::related_resources_reason(
                crate::evaluate::definition_properties(&definition.value),
                &outcome,
            )
        };
        let messages = &self.messages[found.assignment];
        let message = messages
            .get(&member.reference_id)
            .or_else(|| messages.get(""))
            .cloned();
        let mut result = RuleResult {
            assignment: assignment.name.clone(),
            reference_id: member.reference_id.clone(),
            definition: definition.name.clone(),
            display_name: definition.display_name.clone(),
            enforced: expanded.enforced,
            exempted_by: None,
            exemption_expires: None,
            exemption_category: None,
            not_evaluated,
            message,
            source: None,
            outcome,
        };
        if result.outcome.effect.is_some() || result.not_evaluated.is_some() {
            self.exempt(&mut result, placement, options, reasons);
        }
        result
    }

    /// Marks the result exempt when an unexpired exemption of its assignment covers the
    /// resource for its member; notes an exemption that may cover it but cannot be told.
    fn exempt(
        &self,
        result: &mut RuleResult,
        placement: &Placement<'_>,
        options: &AuditOptions,
        reasons: &mut Vec<String>,
    ) {
        for exemption in &self.library.exempting {
            if !exemption
                .assignment
                .eq_ignore_ascii_case(&result.assignment)
                || !(exemption.references.is_empty()
                    || exemption
                        .references
                        .iter()
                        .any(|reference| reference.eq_ignore_ascii_case(&result.reference_id)))
            {
                continue;
            }
            let expired = match (&options.today, &exemption.expires) {
                (Some(today), Some(expires)) => {
                    expires.get(..10).unwrap_or(expires) < today.as_str()
                }
                _ => false,
            };
            if expired {
                continue;
            }
            match exemption
                .scope
                .as_deref()
                .and_then(|scope| known_within(scope, placement))
            {
                Some(true) => {
                    result.exempted_by = Some(exemption.name.clone());
                    result.exemption_expires = exemption.expires.clone();
                    result.exemption_category = exemption.category.clone();
                    // What an exemption covers is not evaluated as a finding either.
                    result.not_evaluated = None;
                    return;
                }
                Some(false) => {}
                None => {
                    let note = format!(
                        "exemption `{}` (at `{}`) may cover it; where the resource lies relative to that scope is not known",
                        exemption.name,
                        exemption.scope.clone().unwrap_or_default()
                    );
                    if !reasons.contains(&note) {
                        reasons.push(note);
                    }
                }
            }
        }
    }
}

/// [`within`], except that a subscription the build knows only by name
/// (`{subscriptionId:lab}`, left when its id is not given) is taken not to be the known
/// subscription of a resource: the caller notes once how to give the id, rather than every
/// resource being undecided.
fn known_within(scope: &str, placement: &Placement<'_>) -> Option<bool> {
    match within(scope, placement) {
        None if scope.contains("{subscriptionId:")
            && placement.id.is_some_and(|id| !id.contains('{')) =>
        {
            Some(false)
        }
        other => other,
    }
}

/// Why an assignment may or may not cover a resource, in words.
fn uncertain_coverage(
    assignment: &str,
    scope: Option<&str>,
    scope_unknown: bool,
    groups_unknown: bool,
) -> String {
    let scope = scope.unwrap_or_default();
    let at = match scope.rsplit_once("/managementGroups/") {
        Some((_, group)) => format!("management group `{group}`"),
        None => format!("`{scope}`"),
    };
    if scope_unknown && groups_unknown && scope.contains("/managementGroups/") {
        format!(
            "assignment `{assignment}` at {at} may cover it: which management group its subscription is under is not known"
        )
    } else if scope_unknown {
        format!(
            "assignment `{assignment}` at {at} may cover it: the resource's id does not say which subscription or resource group it is in"
        )
    } else {
        format!(
            "assignment `{assignment}` at {at} may exclude it: one of its not-scopes cannot be matched"
        )
    }
}

/// The name a person knows a resource by: for a child resource the names of its parents too
/// (`contoso-support/chat`), from its id when the name alone does not have them.
fn display_name(payload: &Value) -> String {
    let name = payload
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if name.contains('/') {
        return name.to_string();
    }
    let Some(id) = payload.get("id").and_then(Value::as_str) else {
        return name.to_string();
    };
    // The part after the last `providers` segment, found from the end of the id without
    // lower-casing it.
    let bytes = id.as_bytes();
    const PROVIDERS: &[u8] = b"/providers/";
    let after_providers = (0..bytes.len().saturating_sub(PROVIDERS.len() - 1))
        .rev()
        .find(|&at| {
            bytes[at] == b'/' && bytes[at..at + PROVIDERS.len()].eq_ignore_ascii_case(PROVIDERS)
        })
        .map(|at| at + PROVIDERS.len());
    let Some(index) = after_providers else {
        return if name.is_empty() {
            last_segment(id).to_string()
        } else {
            name.to_string()
        };
    };
    let names: Vec<&str> = id[index..].split('/').skip(2).step_by(2).collect();
    if names.is_empty() {
        name.to_string()
    } else {
        names.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_child_resource_is_named_with_its_parents() {
        let named = |id: &str, name: &str| display_name(&json!({"id": id, "name": name}));
        let deployment = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct/deployments/chat";
        assert_eq!(named(deployment, "chat"), "acct/chat");
        assert_eq!(
            named(&deployment.replace("providers", "PROVIDERS"), "chat"),
            "acct/chat"
        );
        assert_eq!(named(deployment, "acct/chat"), "acct/chat");
        // The last `providers` segment counts (an extension resource on another resource).
        let extension = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct/providers/Microsoft.Insights/diagnosticSettings/logs";
        assert_eq!(named(extension, "logs"), "logs");
        // No `providers` segment: the name, or the id's last segment.
        assert_eq!(named("/subscriptions/s/resourceGroups/rg", "rg"), "rg");
        assert_eq!(named("/subscriptions/s/resourceGroups/rg", ""), "rg");
        // `providers` at the very end is not followed by a provider.
        assert_eq!(named("/subscriptions/s/providers", ""), "providers");
        assert_eq!(named("/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Authorization/policyAssignments/a", ""), "a");
    }

    const DEPLOYMENTS: &str = "Microsoft.CognitiveServices/accounts/deployments";

    fn definition() -> Value {
        json!({
            "name": "allowed-models",
            "properties": {
                "displayName": "Allowed models",
                "mode": "All",
                "parameters": {"allowed": {"type": "Array"}, "effect": {"type": "String", "defaultValue": "Deny"}},
                "policyRule": {
                    "if": {"allOf": [
                        {"field": "type", "equals": DEPLOYMENTS},
                        {"field": "Microsoft.CognitiveServices/accounts/deployments/model.name", "notIn": "[parameters('allowed')]"}
                    ]},
                    "then": {"effect": "[parameters('effect')]"}
                }
            }
        })
    }

    fn assignment(name: &str, scope: &str, enforcement: &str) -> Value {
        json!({
            "name": name,
            "id": format!("{scope}/providers/Microsoft.Authorization/policyAssignments/{name}"),
            "properties": {
                "policyDefinitionId": "/providers/Microsoft.Management/managementGroups/g/providers/Microsoft.Authorization/policyDefinitions/allowed-models",
                "enforcementMode": enforcement,
                "parameters": {"allowed": {"value": ["gpt-4.1"]}},
                "nonComplianceMessages": [{"message": "Use gpt-4.1."}]
            }
        })
    }

    fn exemption(scope: &str, expires: &str) -> Value {
        json!({
            "name": "sandbox",
            "id": format!("{scope}/providers/Microsoft.Authorization/policyExemptions/sandbox"),
            "properties": {
                "policyAssignmentId": "/providers/Microsoft.Management/managementGroups/prod/providers/Microsoft.Authorization/policyAssignments/prod-ai",
                "exemptionCategory": "Waiver",
                "expiresOn": expires
            }
        })
    }

    fn auditor() -> Auditor {
        Auditor::new(&[
            ("d.json".to_string(), definition()),
            (
                "a.json".to_string(),
                assignment(
                    "prod-ai",
                    "/providers/Microsoft.Management/managementGroups/prod",
                    "Default",
                ),
            ),
            (
                "e.json".to_string(),
                exemption(
                    "/subscriptions/s1/resourceGroups/rg-sandbox",
                    "2027-01-31T23:59:59Z",
                ),
            ),
        ])
    }

    fn deployment(group: &str, model: &str) -> Value {
        json!({
            "id": format!("/subscriptions/s1/resourceGroups/{group}/providers/Microsoft.CognitiveServices/accounts/ai/deployments/chat"),
            "type": DEPLOYMENTS.to_lowercase(),
            "name": "chat",
            "properties": {"model": {"format": "OpenAI", "name": model, "version": "1"}}
        })
    }

    fn audit(payload: &Value, groups: Option<&[String]>, unknown: &[String]) -> Entry {
        auditor().audit(
            &Subject {
                payload,
                unknown,
                management_groups: groups,
            },
            &AuditOptions {
                today: Some("2026-11-22".to_string()),
                every_rule: false,
            },
        )
    }

    #[test]
    fn a_denied_deployment_names_the_rule_the_values_and_the_message() {
        let prod = ["prod".to_string()];
        let entry = audit(&deployment("rg-ai", "gpt-4o"), Some(&prod), &[]);
        assert_eq!(entry.verdict, Verdict::Deny);
        assert_eq!(entry.name, "ai/chat");
        let result = &entry.results[0];
        assert_eq!(result.assignment, "prod-ai");
        assert_eq!(result.message.as_deref(), Some("Use gpt-4.1."));
        assert!(
            result
                .compared()
                .iter()
                .any(|line| line.contains("\"gpt-4o\" notIn [\"gpt-4.1\"]")),
            "{:?}",
            result.compared()
        );
    }

    #[test]
    fn compliant_exempt_and_outside() {
        let prod = ["prod".to_string()];
        let dev = ["dev".to_string()];
        assert_eq!(
            audit(&deployment("rg-ai", "gpt-4.1"), Some(&prod), &[]).verdict,
            Verdict::Compliant
        );
        let exempt = audit(&deployment("rg-sandbox", "gpt-4o"), Some(&prod), &[]);
        assert_eq!(exempt.verdict, Verdict::Exempt);
        assert_eq!(exempt.results[0].exempted_by.as_deref(), Some("sandbox"));
        assert_eq!(
            exempt.results[0].exemption_expires.as_deref(),
            Some("2027-01-31T23:59:59Z")
        );
        let outside = audit(&deployment("rg-ai", "gpt-4o"), Some(&dev), &[]);
        assert_eq!(outside.verdict, Verdict::NotEvaluated);
        assert!(
            outside.reasons[0].contains("no assignment covers it"),
            "{:?}",
            outside.reasons
        );
    }

    /// One auditor remembers each shape it evaluated, and tells apart what differs in what
    /// the rules read or in where the resource stands.
    #[test]
    fn alike_resources_share_an_evaluation_and_keep_their_names() {
        let auditor = auditor();
        let prod = ["prod".to_string()];
        let run = |payload: &Value, groups: &[String]| {
            auditor.audit(
                &Subject {
                    payload,
                    unknown: &[],
                    management_groups: Some(groups),
                },
                &AuditOptions::default(),
            )
        };
        let first = run(&deployment("rg-ai", "gpt-4o"), &prod);
        let mut other = deployment("rg-ai", "gpt-4o");
        other["id"] = json!("/subscriptions/s2/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/b/deployments/writer");
        other["name"] = json!("writer");
        let second = run(&other, &prod);
        assert_eq!(first.verdict, Verdict::Deny);
        assert_eq!(second.verdict, Verdict::Deny);
        assert_eq!(second.name, "b/writer");
        assert_eq!(second.id.as_deref(), other["id"].as_str());
        assert_eq!(second.results, first.results);
        // Another model, another resource group (exempt), another management group.
        assert_eq!(
            run(&deployment("rg-ai", "gpt-4.1"), &prod).verdict,
            Verdict::Compliant
        );
        assert_eq!(
            run(&deployment("rg-sandbox", "gpt-4o"), &prod).verdict,
            Verdict::Exempt
        );
        assert_eq!(
            run(&deployment("rg-ai", "gpt-4o"), &["dev".to_string()]).verdict,
            Verdict::NotEvaluated
        );
    }

    #[test]
    fn an_expired_exemption_no_longer_applies() {
        let prod = ["prod".to_string()];
        let payload = deployment("rg-sandbox", "gpt-4o");
        let audit_on = |today: &str| {
            auditor().audit(
                &Subject {
                    payload: &payload,
                    unknown: &[],
                    management_groups: Some(&prod),
                },
                &AuditOptions {
                    today: Some(today.to_string()),
                    every_rule: false,
                },
            )
        };
        assert_eq!(audit_on("2027-01-31").verdict, Verdict::Exempt);
        assert_eq!(audit_on("2027-02-01").verdict, Verdict::Deny);
    }

    #[test]
    fn an_unplaced_subscription_is_not_evaluated() {
        let entry = audit(&deployment("rg-ai", "gpt-4o"), None, &[]);
        assert_eq!(entry.verdict, Verdict::NotEvaluated);
        assert!(
            entry.reasons[0]
                .contains("which management group its subscription is under is not known"),
            "{:?}",
            entry.reasons
        );
    }

    #[test]
    fn missing_properties_are_not_guessed() {
        let prod = ["prod".to_string()];
        let mut payload = deployment("rg-ai", "gpt-4o");
        payload["properties"] = Value::Null;
        let entry = audit(&payload, Some(&prod), &["properties".to_string()]);
        assert_eq!(entry.verdict, Verdict::NotEvaluated, "{entry:?}");
        let why = entry.why_not_evaluated();
        assert!(why[0].contains("model.name"), "{why:?}");
    }

    #[test]
    fn do_not_enforce_reports_audit() {
        let auditor = Auditor::new(&[
            ("d.json".to_string(), definition()),
            (
                "a.json".to_string(),
                assignment("prod-ai", "/subscriptions/s1", "DoNotEnforce"),
            ),
        ]);
        let payload = deployment("rg-ai", "gpt-4o");
        let entry = auditor.audit(
            &Subject {
                payload: &payload,
                unknown: &[],
                management_groups: None,
            },
            &AuditOptions::default(),
        );
        assert_eq!(entry.verdict, Verdict::Audit);
        assert_eq!(entry.effect.as_deref(), Some("audit"));
    }

    #[test]
    fn unassigned_definitions_evaluate_everywhere() {
        let mut parameters = Map::new();
        parameters.insert("allowed".to_string(), json!(["gpt-4.1"]));
        let auditor = Auditor::unassigned(
            &[("d.json".to_string(), definition())],
            "allowed-models",
            &parameters,
        );
        let payload = deployment("rg-ai", "gpt-4o");
        let entry = auditor.audit(
            &Subject {
                payload: &payload,
                unknown: &[],
                management_groups: None,
            },
            &AuditOptions {
                today: None,
                every_rule: true,
            },
        );
        assert_eq!(entry.verdict, Verdict::Deny);
        assert_eq!(
            entry.results[0].label(),
            "definition `allowed-models` (Allowed models)"
        );
        assert!(!entry.results[0].outcome.trace.is_empty());
    }
}
