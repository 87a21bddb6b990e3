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
//! scope. A declared hierarchy that places the workload's subscription rules out the policy's
//! management groups it is not under (a policy assigned at prod, dev and sandbox does not put a
//! prod workload in the sandbox). Assignments at management groups other than the policy's
//! scopes are left out: the resource counts as under its policy's group only.

pub mod audit;
mod names;
mod related;

use std::collections::{BTreeSet, HashMap};

use rustc_hash::FxHashMap;

use charter_compiler::symbols::{SymbolIndex, SymbolKind};
use charter_compiler::Compilation;
use charter_governance::estate::{self, Origin};
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
    if !found.is_empty() {
        compilation.diagnostics.extend(found);
        sort(&mut compilation.diagnostics);
    }
}

/// [`check`], giving back the estate the proof evaluated (`None` for a compilation with
/// errors): `charter build` writes its Terraform from it rather than building it again.
pub fn check_keeping_estate(
    compilation: &mut Compilation,
    today: charter_ir::Date,
) -> Option<estate::Estate> {
    if compilation.has_errors() {
        return None;
    }
    let (found, estate) = diagnostics_and_estate(&compilation.project, &compilation.symbols, today);
    if !found.is_empty() {
        compilation.diagnostics.extend(found);
        sort(&mut compilation.diagnostics);
    }
    Some(estate)
}

/// What the proof finds in the model of a compilation without errors, as diagnostics at the
/// sources that made each resource. [`check`] adds them to its compilation; the language server
/// runs this on a thread of its own, so that an edit's other diagnostics do not wait for it.
///
/// A project the proof finds nothing in (most of them, most of the time) is told apart first
/// holding one account's payloads at a time ([`first_pass`]); only when that pass may find
/// something is the whole estate built and the proof run on it, for messages that name each
/// resource.
pub fn diagnostics(
    project: &Project,
    symbols: &SymbolIndex,
    today: charter_ir::Date,
) -> Vec<Diagnostic> {
    match first_pass(project, symbols, today) {
        FirstPass::Clean => Vec::new(),
        FirstPass::Collides => diagnostics_and_estate(project, symbols, today).0,
        // No collision: the second pass, over the resources the first flagged (as the full
        // proof's own first pass flags them), on the whole estate.
        FirstPass::Flagged(flagged) => {
            let governance = charter_governance::governance(project);
            let proof = Proof::new(project, &governance, today);
            let estate = estate::estate(project);
            let resources = estate.resources();
            let indices = (0..resources.len()).filter(|&index| flagged[index]);
            proof
                .findings_among(&resources, indices)
                .iter()
                .filter_map(|finding| finding.diagnostic(symbols))
                .collect()
        }
    }
}

/// [`diagnostics`], with the estate they were found in.
fn diagnostics_and_estate(
    project: &Project,
    symbols: &SymbolIndex,
    today: charter_ir::Date,
) -> (Vec<Diagnostic>, estate::Estate) {
    let governance = charter_governance::governance(project);
    let estate = estate::estate(project);
    let resources = estate.resources();
    let mut found = names::collisions(project, symbols, &governance, (&estate, &resources));
    if found.iter().all(|d| d.severity != Severity::Error) {
        for finding in prove_with(project, &governance, &resources, today) {
            if let Some(diagnostic) = finding.diagnostic(symbols) {
                found.push(diagnostic);
            }
        }
    }
    drop(resources);
    (found, estate)
}

/// What the first pass of the proof over `project` finds, holding one account's payloads at a
/// time. Worked out as the estate is built, account by account: each account's resources are
/// shaped and their Terraform addresses claimed while its payloads exist, then the estate keeps
/// only their ids ([`estate::estate_account_by_account`]), and its resources are grouped and
/// evaluated as [`prove_with`]'s first pass does, each group of accounts' resources on a copy of
/// one payload of its shape.
enum FirstPass {
    /// No derived-name collision, and no resource the initiative denies or flags.
    Clean,
    /// An address claimed twice (compared by hash), or another derived-name collision: the
    /// full proof says which.
    Collides,
    /// Per resource (as [`estate::Estate::resources`] lists them), whether its group has a
    /// finding: what the second pass evaluates again, value by value.
    Flagged(Vec<bool>),
}

fn first_pass(project: &Project, symbols: &SymbolIndex, today: charter_ir::Date) -> FirstPass {
    let governance = charter_governance::governance(project);
    let proof = Proof::new(project, &governance, today);
    let shapes = proof.suite.shapes();
    let mut streamed = Streamed::new(&proof.setting.read, &shapes);
    let estate = estate::estate_account_by_account(project, &mut |_, account| {
        streamed.account(account);
    });
    // Only what the grouping needs is kept: the payloads `streamed` holds go now.
    let (mut addresses, clashed, numbers, representatives) = streamed.finish();
    if clashed {
        return FirstPass::Collides;
    }
    // The accounts' resources are read from the accounts (their payloads are gone), the rest
    // from a list of them.
    let rest = estate.resources_besides_accounts();
    if rest.iter().any(|resource| addresses.clashes(resource)) {
        return FirstPass::Collides;
    }
    drop(addresses);
    // Every other derived name; the estate's addresses are claimed above.
    if !names::collisions(project, symbols, &governance, (&estate, &[])).is_empty() {
        return FirstPass::Collides;
    }
    let next = u32::try_from(representatives.len()).expect("fewer than 2^32 shapes");
    let mut interner = Interner::shapes_from(&shapes, next);
    let mut grouper = Grouper::new(&proof.setting);
    // The id of each resource grouped, by its index in the groups.
    let mut ids: Vec<&str> = Vec::with_capacity(rest.len() + numbers.len());
    for resource in &rest {
        let item = Item {
            index: ids.len(),
            id: resource.id,
            workloads: resource.origin.workloads(),
            payload: resource.payload,
            number: None,
        };
        grouper.add(item, &mut interner);
        ids.push(resource.id);
    }
    let mut numbers = numbers.into_iter();
    let mut numbered = true;
    for account in &estate.accounts {
        // An account's resources serve its workload.
        let workloads = std::slice::from_ref(&account.workload);
        account.each_resource(|_, id, _, _| {
            let Some(number) = numbers.next() else {
                numbered = false;
                return;
            };
            let item = Item {
                index: ids.len(),
                id,
                workloads,
                payload: &representatives[number as usize],
                number: Some(number),
            };
            grouper.add(item, &mut interner);
            ids.push(id);
        });
    }
    // A number per resource of the accounts, as they were handed over.
    assert!(
        numbered && numbers.next().is_none(),
        "a number per resource of the accounts"
    );
    let coarse = grouper.grouping;
    let report = proof.suite.run(&coarse.cases, &proof.options);
    let flagged: Vec<&Vec<usize>> = report
        .cases
        .iter()
        .zip(&coarse.groups)
        .filter(|(case, _)| !case.passed || !case.results.is_empty())
        .map(|(_, group)| group)
        .collect();
    // A rule that found something may be an `auditIfNotExists` rule the related resources
    // meet: judged per resource, as the second pass does (the accounts' own resources have no
    // payloads here, so they are never what meets it: the second pass then decides).
    let clean = report
        .cases
        .iter()
        .zip(&coarse.groups)
        .all(|(case, group)| {
            case.passed
                && case.results.iter().all(|result| {
                    group
                        .iter()
                        .all(|&index| proof.effect_found(result, ids[index], &rest).is_none())
                })
        });
    if clean {
        return FirstPass::Clean;
    }
    // From the order grouped here (the rest, then the accounts') to the estate's: resource
    // groups, the accounts', then the rest.
    let groups = estate.resource_groups.len();
    let in_accounts = ids.len() - rest.len();
    let mut by_estate = vec![false; ids.len()];
    for &index in flagged.iter().flat_map(|group| group.iter()) {
        let listed = match index {
            index if index < groups => index,
            index if index < rest.len() => index + in_accounts,
            index => groups + (index - rest.len()),
        };
        by_estate[listed] = true;
    }
    FirstPass::Flagged(by_estate)
}

/// What [`first_pass`] keeps of each account as the estate hands it over: the shape number of each
/// of its resources (in the order [`estate::Estate::resources`] lists them), a copy of one
/// payload of each shape, and the Terraform addresses claimed.
struct Streamed<'s> {
    read: &'s ReadSets,
    book: ShapeBook<'s>,
    /// The number of each filter's RAI policy, by the filter's name: every account that deploys
    /// the filter has the same payload.
    filters: FxHashMap<String, u32>,
    /// The number of payloads accounts share (a blocklist and its items), by address: each is
    /// held here while it is numbered by it, so no other payload can take its address.
    shared: FxHashMap<*const Value, (std::sync::Arc<Value>, u32)>,
    /// The last deployment payload and its number: the regions of an endpoint share one, and
    /// the next endpoint's replaces it (holding every deployment would hold what thinning the
    /// accounts frees).
    deployment: Option<(std::sync::Arc<Value>, u32)>,
    numbers: Vec<u32>,
    representatives: Vec<Value>,
    addresses: names::Addresses,
    /// An address claimed twice: the full proof says by what.
    clashed: bool,
}

impl<'s> Streamed<'s> {
    fn new(read: &'s ReadSets, shapes: &'s charter_evaluator::shapes::Shapes<'s>) -> Self {
        Streamed {
            read,
            book: ShapeBook::new(shapes),
            filters: FxHashMap::default(),
            shared: FxHashMap::default(),
            deployment: None,
            numbers: Vec::new(),
            representatives: Vec::new(),
            addresses: names::Addresses::default(),
            clashed: false,
        }
    }

    /// What the grouping needs of the pass: the addresses claimed, whether two clashed, the
    /// numbers and a payload of each.
    fn finish(self) -> (names::Addresses, bool, Vec<u32>, Vec<Value>) {
        (
            self.addresses,
            self.clashed,
            self.numbers,
            self.representatives,
        )
    }

    fn account(&mut self, account: &estate::Account) {
        if self.clashed {
            // The answer is known: the full proof runs.
            return;
        }
        // The addresses first (in the order of the account's resources), then each resource
        // claims its own, by its id.
        let mut addresses = Vec::with_capacity(8);
        charter_terraform::account_addresses(account, |address| {
            addresses.push(names::Addresses::hash(address));
        });
        let mut addresses = addresses.into_iter();
        account.each_resource(|_, id, payload, _| {
            if self.clashed {
                return;
            }
            // (One address per resource: without one, the full proof decides.)
            let Some(address) = addresses.next() else {
                self.clashed = true;
                return;
            };
            if self
                .addresses
                .clashes_by_hash(address, names::Addresses::hash(id))
            {
                self.clashed = true;
                return;
            }
            let number = self.number(account, payload);
            self.numbers.push(number);
        });
    }

    /// The number of `payload`, a payload of `account`.
    fn number(&mut self, account: &estate::Account, payload: &Value) -> u32 {
        let rai_policy = &account.rai_policy;
        if std::ptr::eq(rai_policy.payload.as_ref(), payload) {
            if let Some(&number) = self.filters.get(&rai_policy.filter) {
                return number;
            }
            let number = self.shape_number(payload);
            self.filters.insert(rai_policy.filter.clone(), number);
            return number;
        }
        let address = std::ptr::from_ref(payload);
        if let Some(&(_, number)) = self.shared.get(&address) {
            return number;
        }
        if let Some((held, number)) = &self.deployment {
            if std::ptr::eq(held.as_ref(), payload) {
                return *number;
            }
        }
        let number = self.shape_number(payload);
        let deployment = account
            .deployment
            .as_ref()
            .map(|deployment| &deployment.payload)
            .filter(|held| std::ptr::eq(held.as_ref(), payload));
        if let Some(held) = deployment {
            self.deployment = Some((std::sync::Arc::clone(held), number));
            return number;
        }
        let shared = account
            .blocklists
            .iter()
            .flat_map(|blocklist| {
                blocklist
                    .payload
                    .iter()
                    .chain(blocklist.items.iter().map(|item| &item.payload))
            })
            .find(|held| std::ptr::eq(held.as_ref(), payload));
        if let Some(held) = shared {
            self.shared
                .insert(address, (std::sync::Arc::clone(held), number));
        }
        number
    }

    /// The number of `payload`'s shape, numbering a new one (with a copy of the payload).
    fn shape_number(&mut self, payload: &Value) -> u32 {
        let next = u32::try_from(self.representatives.len()).expect("fewer than 2^32 shapes");
        let read = self.read;
        let number = self.book.number(payload, || read.shape_keys(payload), next);
        if number == next {
            self.representatives.push(payload.clone());
        }
        number
    }
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
        &estate.resources(),
        today,
    )
}

fn prove_with(
    project: &Project,
    governance: &charter_governance::Governance,
    resources: &[estate::EstateResource<'_>],
    today: charter_ir::Date,
) -> Vec<Finding> {
    let proof = Proof::new(project, governance, today);
    let (setting, suite, options) = (&proof.setting, &proof.suite, &proof.options);
    // A rule's verdict depends only on what it reads of a resource and on where the resource
    // stands. First, resources are grouped by their shapes (what decides each rule's answer:
    // `charter_evaluator::shapes`), so that the deployments of every workload, which name
    // their own content filter, are evaluated once per model and capacity rather than once
    // per workload. A group without findings settles every resource in it.
    let shapes = suite.shapes();
    let coarse = setting.group(
        resources,
        0..resources.len(),
        &mut Interner::shapes(&shapes),
    );
    let report = suite.run(&coarse.cases, options);
    let mut flagged = vec![false; resources.len()];
    for (case, group) in report.cases.iter().zip(&coarse.groups) {
        if !case.passed || !case.results.is_empty() {
            for &index in group {
                flagged[index] = true;
            }
        }
    }
    drop(report);
    drop(coarse);
    if !flagged.contains(&true) {
        return Vec::new();
    }
    // The resources of a group with findings are evaluated again, grouped only with those
    // that agree on every value read: each finding then shows its own resource's values.
    proof.findings_among(
        resources,
        (0..resources.len()).filter(|&index| flagged[index]),
    )
}

/// What the proof prepares once: the initiative's REST bodies, its members' non-compliance
/// messages, how resources are placed and grouped, and the suite that evaluates them.
struct Proof<'p> {
    artifacts: Vec<(String, Value)>,
    messages: HashMap<(String, String), String>,
    setting: Setting<'p>,
    suite: charter_evaluator::PlacedSuite<'p>,
    options: charter_evaluator::SuiteOptions,
}

impl<'p> Proof<'p> {
    fn new(
        project: &'p Project,
        governance: &charter_governance::Governance,
        today: charter_ir::Date,
    ) -> Self {
        let artifacts = charter_azure_policy::rest_bodies(governance);
        Proof {
            messages: non_compliance_messages(&artifacts),
            setting: Setting {
                read: ReadSets::of(&artifacts),
                scopes: charter_evaluator::deciding_scopes(&artifacts),
                governing: Governing::of(project),
            },
            suite: charter_evaluator::PlacedSuite::new(&artifacts),
            options: charter_evaluator::SuiteOptions {
                today: Some(today.to_string()),
                // Only what decides a verdict is reported; the rules that held no objection
                // are not.
                decisive_only: true,
            },
            artifacts,
        }
    }

    /// The effect a rule's `result` on a resource of `resources` has, if any: an
    /// `auditIfNotExists` rule is judged here, against the estate's related resources.
    fn effect_found(
        &self,
        result: &charter_evaluator::DefinitionResult,
        id: &str,
        resources: &[estate::EstateResource<'_>],
    ) -> Option<String> {
        let related_rule = result.exempted_by.is_none()
            && result.outcome.effect.as_deref() == Some("auditIfNotExists")
            && result
                .not_evaluated
                .as_deref()
                .is_some_and(|why| why.starts_with(charter_evaluator::RELATED_RESOURCES));
        let effect = result
            .effective_effect()
            .or_else(|| related_rule.then(|| "auditIfNotExists".to_string()))?;
        let related = effect == "auditIfNotExists"
            && related::exists_related(
                (&self.artifacts, charter_evaluator::builtin_definitions()),
                &result.definition,
                id,
                resources,
            );
        (!related).then_some(effect)
    }

    /// The findings about the resources at `indices` (in order), grouped only with resources
    /// that agree on every value some rule reads: what the proof reports, once per resource and
    /// rule.
    fn findings_among(
        &self,
        resources: &'p [estate::EstateResource<'p>],
        indices: impl Iterator<Item = usize>,
    ) -> Vec<Finding> {
        let messages = &self.messages;
        let fine = self
            .setting
            .group(resources, indices, &mut Interner::values());
        let report = self.suite.run(&fine.cases, &self.options);
        let mut findings: Vec<Finding> = Vec::new();
        for (case, group) in report.cases.iter().zip(&fine.groups) {
            for result in &case.results {
                for &index in group {
                    let resource = &resources[index];
                    let Some(effect) = self.effect_found(result, resource.id, resources) else {
                        continue;
                    };
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
}

/// [`prove_estate`] without its first pass: every resource grouped only with those that agree
/// on every value read (as the proof grouped them before shapes). Tests hold the two to the same
/// findings.
#[cfg(test)]
fn prove_estate_by_values(
    project: &Project,
    estate: &estate::Estate,
    today: charter_ir::Date,
) -> Vec<Finding> {
    let resources = estate.resources();
    Proof::new(project, &charter_governance::governance(project), today)
        .findings_among(&resources, 0..resources.len())
}

/// What the proof reads once of the initiative and the project to place and group resources.
struct Setting<'p> {
    read: ReadSets,
    scopes: Vec<String>,
    governing: Governing<'p>,
}

/// The cases of one pass of the proof: one per group of resources that get the same verdicts,
/// with the resources of each (by index into the estate's resources, in order).
struct Grouping<'r> {
    cases: Vec<charter_evaluator::PlacedCase<'r>>,
    groups: Vec<Vec<usize>>,
}

impl Setting<'_> {
    /// Groups the resources at `indices` (in order), at every placement, by what `interner`
    /// numbers their payloads and where they stand: each group is one case.
    fn group<'r>(
        &self,
        resources: &'r [estate::EstateResource<'r>],
        indices: impl Iterator<Item = usize>,
        interner: &mut Interner<'_, 'r>,
    ) -> Grouping<'r> {
        let mut grouper = Grouper::new(self);
        for index in indices {
            let resource = &resources[index];
            grouper.add(
                Item {
                    index,
                    id: resource.id,
                    workloads: resource.origin.workloads(),
                    payload: resource.payload,
                    number: None,
                },
                interner,
            );
        }
        grouper.grouping
    }
}

/// One resource as [`Grouper`] reads it.
struct Item<'r> {
    /// Its index among the resources being grouped (what each group lists).
    index: usize,
    id: &'r str,
    /// The workloads it serves (what places it).
    workloads: &'r [String],
    /// Its payload, or (with `number`) a payload of the same shape.
    payload: &'r Value,
    /// Its number, when given (by [`first_pass`]).
    number: Option<u32>,
}

/// Groups resources one at a time, at every placement, by the number of their payloads and
/// where they stand: each group is one case ([`Setting::group`]).
struct Grouper<'s, 'r> {
    setting: &'s Setting<'s>,
    grouping: Grouping<'r>,
    /// By the payload's number and where the resource stands.
    cases_by: FxHashMap<(u32, u32), usize>,
    standings: Standings<'s>,
    /// The placement rules of each list of workloads (one per account, shared by its
    /// resources), worked out once.
    rules_by_workloads: FxHashMap<&'r [String], Vec<PlacementRule<'s>>>,
    /// What is read of each type, worked out once per type.
    by_type: FxHashMap<&'r str, (Option<&'s BTreeSet<String>>, bool)>,
    /// Whether some rule reads the id of a given number's payloads, by the number.
    given_reads_id: Vec<Option<bool>>,
    /// The last list of workloads and its rules: an account's resources come one after
    /// another.
    last: Option<(&'r [String], Vec<PlacementRule<'s>>)>,
}

impl<'s, 'r: 's> Grouper<'s, 'r> {
    fn new(setting: &'s Setting<'s>) -> Self {
        Grouper {
            setting,
            grouping: Grouping {
                cases: Vec::new(),
                groups: Vec::new(),
            },
            cases_by: FxHashMap::default(),
            standings: Standings::new(&setting.scopes),
            rules_by_workloads: FxHashMap::default(),
            by_type: FxHashMap::default(),
            given_reads_id: Vec::new(),
            last: None,
        }
    }

    /// Adds a resource (they come in order of their index).
    fn add(&mut self, item: Item<'r>, interner: &mut Interner<'_, 'r>) {
        let setting = self.setting;
        let Item {
            index,
            id,
            workloads,
            payload,
            number,
        } = item;
        let (number, reads_id) = match number {
            Some(number) => {
                let slot = number as usize;
                if self.given_reads_id.len() <= slot {
                    self.given_reads_id.resize(slot + 1, None);
                }
                let reads_id = *self.given_reads_id[slot]
                    .get_or_insert_with(|| setting.read.reads_id(payload));
                (number, reads_id)
            }
            None => {
                let resource_type = payload["type"].as_str().unwrap_or_default();
                let (shape_keys, reads_id) =
                    *self.by_type.entry(resource_type).or_insert_with(|| {
                        (
                            setting.read.shape_keys(payload),
                            setting.read.reads_id(payload),
                        )
                    });
                (interner.number(payload, shape_keys), reads_id)
            }
        };
        if self
            .last
            .as_ref()
            .is_none_or(|(same, _)| *same != workloads)
        {
            let rules = self
                .rules_by_workloads
                .entry(workloads)
                .or_insert_with(|| placement_rules(&setting.governing, workloads));
            self.last = Some((workloads, rules.clone()));
        }
        let rules = self.last.as_ref().map_or(&[][..], |(_, rules)| rules);
        for rule in rules {
            let standing = if reads_id {
                self.standings.at_id(rule.id(id), rule)
            } else {
                self.standings.around(id, rule)
            };
            if let Some(&case) = self.cases_by.get(&(number, standing)) {
                // Resources come in order: one already in the group is its last (a scan of
                // the group grew with the square of a large group, blocklist items alike).
                let group = &mut self.grouping.groups[case];
                if group.last() != Some(&index) {
                    group.push(index);
                }
                continue;
            }
            self.cases_by
                .insert((number, standing), self.grouping.cases.len());
            // The payload is borrowed, placed at the placement's id (never copied per case).
            self.grouping.cases.push(charter_evaluator::PlacedCase {
                case: charter_evaluator::TestCase {
                    // Unnamed: the proof reads a case's results by its position, and a copy
                    // of the id per case (kept again in its report) was a tenth of the
                    // proof's memory.
                    name: String::new(),
                    description: String::new(),
                    resource: Value::Null,
                    expect: charter_evaluator::Expectation::Compliant,
                    definition: None,
                    assignment: None,
                    management_groups: rule.management_groups(),
                    // A resource counts as under its placement rule's group only, so
                    // assignments at other groups are not held against it.
                    management_groups_complete: true,
                },
                resource: payload,
                id: rule.id(id),
            });
            self.grouping.groups.push(vec![index]);
        }
    }
}

/// Numbers payloads so that payloads with one number get the same verdicts from every rule (at
/// the same standing): by their [`charter_evaluator::shapes::Shape`], or by the values at every
/// path some rule reads. Payloads shared between resources (a filter's content filter in every
/// account that deploys it) are numbered once.
struct Interner<'s, 'v> {
    by_payload: FxHashMap<*const Value, u32>,
    next: u32,
    kind: Interning<'s, 'v>,
}

enum Interning<'s, 'v> {
    Shapes(ShapeBook<'s>),
    Values {
        /// By fingerprint: a payload of each number (payloads of one type have the same keys
        /// read, and payloads of different types never agree).
        by_hash: FxHashMap<u64, Vec<(&'v Value, u32)>>,
    },
}

impl<'s, 'v> Interner<'s, 'v> {
    fn shapes(shapes: &'s charter_evaluator::shapes::Shapes<'s>) -> Self {
        Self::shapes_from(shapes, 0)
    }

    /// [`Interner::shapes`], numbering from `next` (the numbers below are given elsewhere).
    fn shapes_from(shapes: &'s charter_evaluator::shapes::Shapes<'s>, next: u32) -> Self {
        Interner {
            by_payload: FxHashMap::default(),
            next,
            kind: Interning::Shapes(ShapeBook::new(shapes)),
        }
    }

    fn values() -> Self {
        Interner {
            by_payload: FxHashMap::default(),
            next: 0,
            kind: Interning::Values {
                by_hash: FxHashMap::default(),
            },
        }
    }

    /// The number of `payload`, of which rules read `keys` (`None`: anything; the same for
    /// every payload of a type).
    fn number(&mut self, payload: &'v Value, keys: Option<&BTreeSet<String>>) -> u32 {
        if let Some(&number) = self.by_payload.get(&std::ptr::from_ref(payload)) {
            return number;
        }
        let next = self.next;
        let number = match &mut self.kind {
            Interning::Shapes(book) => book.number(payload, || keys, next),
            Interning::Values { by_hash } => {
                let same = by_hash
                    .entry(charter_evaluator::fingerprint(payload, keys))
                    .or_default();
                // Different shapes may share a fingerprint: a match is confirmed by the values.
                match same
                    .iter()
                    .find(|(kept, _)| charter_evaluator::agree(kept, payload, keys))
                {
                    Some(&(_, number)) => number,
                    None => {
                        same.push((payload, next));
                        next
                    }
                }
            }
        };
        if number == next {
            self.next += 1;
        }
        self.by_payload.insert(std::ptr::from_ref(payload), number);
        number
    }
}

/// Numbers payloads by their [`charter_evaluator::shapes::Shape`]: payloads of equal shapes get
/// one number. Each shape is kept with its own copy of what it reads, so a payload may be gone
/// once numbered ([`Streamed`] numbers each account's as the estate hands it over).
struct ShapeBook<'s> {
    shapes: &'s charter_evaluator::shapes::Shapes<'s>,
    /// By the payload's type (as written): how to take its shape.
    plans: FxHashMap<String, charter_evaluator::shapes::Plan<'s>>,
    /// By fingerprint: the shapes numbered, with their numbers.
    by_hash: FxHashMap<u64, Vec<(charter_evaluator::shapes::Shape<'static>, u32)>>,
}

impl<'s> ShapeBook<'s> {
    fn new(shapes: &'s charter_evaluator::shapes::Shapes<'s>) -> Self {
        ShapeBook {
            shapes,
            plans: FxHashMap::default(),
            by_hash: FxHashMap::default(),
        }
    }

    /// The number of `payload`'s shape; a new shape gets `next`. `keys` says what rules read of
    /// the payload's type (asked once per type).
    fn number<'k>(
        &mut self,
        payload: &Value,
        keys: impl FnOnce() -> Option<&'k BTreeSet<String>>,
        next: u32,
    ) -> u32 {
        let resource_type = payload["type"].as_str().unwrap_or_default();
        if !self.plans.contains_key(resource_type) {
            let plan = self.shapes.plan(resource_type, keys());
            self.plans.insert(resource_type.to_string(), plan);
        }
        let shape = self.shapes.shape(&self.plans[resource_type], payload);
        let same = self.by_hash.entry(shape.fingerprint()).or_default();
        match same.iter().find(|(kept, _)| *kept == shape) {
            Some(&(_, number)) => number,
            None => {
                same.push((shape.into_owned(), next));
                next
            }
        }
    }
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

/// Where a resource may be evaluated, as a rule applied to its id: the id as it is, or with
/// its subscription filled in; and the management group it sits under, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct PlacementRule<'p> {
    /// The subscription written into the id (the workload names none).
    subscription: Option<&'p str>,
    management_group: Option<&'p str>,
}

impl PlacementRule<'_> {
    /// The resource's id under this rule.
    fn id(&self, id: &str) -> String {
        match self.subscription {
            Some(subscription) => with_subscription(id, subscription),
            None => id.to_string(),
        }
    }

    fn management_groups(&self) -> Vec<String> {
        self.management_group
            .map(str::to_string)
            .into_iter()
            .collect()
    }
}

/// The placements of the resources of `workloads`: at each scope of the policy that governs
/// each workload. A resource group scope places only the workload's own group; a subscription
/// scope fills in the subscription when the workload does not name one, and places nothing
/// when it names another; a management group scope places the resource under that group, when
/// the declared hierarchy does not place the workload's subscription elsewhere.
/// The same for every resource of those workloads: worked out once per list of workloads.
fn placement_rules<'p>(governing: &Governing<'p>, workloads: &[String]) -> Vec<PlacementRule<'p>> {
    let mut out: Vec<PlacementRule<'p>> = Vec::new();
    for workload in workloads {
        let Some(&(workload, Some(policy))) = governing.by_workload.get(workload.as_str()) else {
            continue;
        };
        for scope in &policy.scopes {
            let rule = match scope {
                Scope::ManagementGroup(group) => governing
                    .may_live_under(workload, group)
                    .then_some(PlacementRule {
                        subscription: None,
                        management_group: Some(group.as_str()),
                    }),
                Scope::Subscription(subscription) => match &workload.subscription {
                    Some(own) if own != subscription => None,
                    Some(_) => Some(PlacementRule {
                        subscription: None,
                        management_group: None,
                    }),
                    None => Some(PlacementRule {
                        subscription: Some(subscription.as_str()),
                        management_group: None,
                    }),
                },
                Scope::ResourceGroup(group) => (group
                    .eq_ignore_ascii_case(&workload.resource_group))
                .then_some(PlacementRule {
                    subscription: None,
                    management_group: None,
                }),
                // A policy is never assigned at one resource (only exempted there).
                Scope::Resource(_) => None,
            };
            // Two rules that place a resource at one id with the same groups would only
            // evaluate it twice alike (and group it with itself).
            if let Some(rule) = rule.filter(|rule| !out.contains(rule)) {
                out.push(rule);
            }
        }
    }
    if out.is_empty() {
        // Outside every scope of its policy (or the policy has none): evaluated where it is.
        out.push(PlacementRule {
            subscription: None,
            management_group: None,
        });
    }
    out
}

/// Each workload of a project with the policy that governs it, by the workload's name: looked
/// up for every resource of the estate (a scan of the workloads per resource grew with the
/// square of the project).
struct Governing<'p> {
    by_workload: HashMap<&'p str, (&'p charter_ir::Workload, Option<&'p charter_ir::Policy>)>,
    hierarchy: &'p charter_ir::Hierarchy,
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
        Governing {
            by_workload,
            hierarchy: &project.hierarchy,
        }
    }

    /// Whether `workload` may live under management group `group`: when the declared
    /// hierarchy places its subscription (named, or the only one holding its resource group),
    /// only the groups above that subscription; otherwise any group its policy is assigned at.
    fn may_live_under(&self, workload: &charter_ir::Workload, group: &str) -> bool {
        let subscription = workload.subscription.as_deref().or_else(|| {
            self.hierarchy
                .subscription_of_resource_group(&workload.resource_group)
                .map(|place| place.name.as_str())
        });
        let above = subscription
            .map(|subscription| self.hierarchy.management_groups_above(subscription))
            .unwrap_or_default();
        above.is_empty() || above.iter().any(|above| above.eq_ignore_ascii_case(group))
    }
}

/// Where placed resources stand relative to every scope that decides which assignments and
/// exemptions apply, each distinct standing numbered once. A standing is, per scope, whether
/// the placement is inside (`1`), outside (`0`) or unknown (`?`), with its management groups;
/// resources with one standing are judged alike by every assignment and exemption.
struct Standings<'s> {
    /// The scopes, each read once.
    scopes: Vec<charter_evaluator::Scope>,
    /// The most `/`-separated segments any scope but a management group's has: a scope
    /// compares only as many segments of an id as it has itself (a management group's none),
    /// so ids that agree on that many stand alike.
    segments: usize,
    /// By the compared part of the resource's id (as the estate writes it) and the rule.
    by_prefix: FxHashMap<(&'s str, PlacementRule<'s>), u32>,
    /// By the standing itself: its signature (or, for a resource whose id some rule reads,
    /// its whole id in lower case) and its management groups.
    numbered: HashMap<(bool, String, Option<&'s str>), u32>,
    /// Per rule, the compared part of the last id it placed (when that was cut short of the
    /// whole id) and its standing: a resource has a rule per scope of its policy, a handful.
    last: Vec<(&'s str, PlacementRule<'s>, u32)>,
}

impl<'s> Standings<'s> {
    fn new(scopes: &'s [String]) -> Self {
        let read: Vec<charter_evaluator::Scope> = scopes
            .iter()
            .map(|scope| charter_evaluator::Scope::new(scope))
            .collect();
        Standings {
            // A management group's scope reads none of an id (the placement's groups decide):
            // only the others' segments are compared.
            segments: scopes
                .iter()
                .zip(&read)
                .filter(|(_, scope)| scope.management_group().is_none())
                .map(|(scope, _)| scope.trim_end_matches('/').split('/').count())
                .max()
                .unwrap_or(0),
            scopes: read,
            by_prefix: FxHashMap::default(),
            numbered: HashMap::new(),
            last: Vec::new(),
        }
    }

    /// The standing of the resource at `id` placed by `rule`. Filling in a subscription
    /// changes only that segment, so the compared part of the placed id follows from the
    /// compared part of `id`.
    fn around(&mut self, id: &'s str, rule: &PlacementRule<'s>) -> u32 {
        // Resources come account by account: most share the compared part of the last id
        // placed by the same rule.
        if let Some(&(last, _, number)) = self.last.iter().find(|(_, last, _)| last == rule) {
            if id.starts_with(last) && id.as_bytes().get(last.len()) == Some(&b'/') {
                return number;
            }
        }
        let (cut, whole) = cut(id, self.segments);
        let number = match self.by_prefix.get(&(cut, *rule)) {
            Some(&found) => found,
            None => {
                let placed = rule.id(id);
                let management_groups = rule.management_groups();
                let signature: String = self
                    .scopes
                    .iter()
                    .map(
                        |scope| match scope.contains(&placed, &management_groups, true) {
                            Some(true) => '1',
                            Some(false) => '0',
                            None => '?',
                        },
                    )
                    .collect();
                let number = self.number(false, signature, rule.management_group);
                self.by_prefix.insert((cut, *rule), number);
                number
            }
        };
        // Only a part cut short of the whole id is the compared part of longer ids too.
        self.last.retain(|(_, last, _)| last != rule);
        if !whole {
            self.last.push((cut, *rule, number));
        }
        number
    }

    /// The standing of a resource placed at `placed` by `rule`, for a resource whose id some
    /// rule reads: only resources at the same id stand alike.
    fn at_id(&mut self, placed: String, rule: &PlacementRule<'s>) -> u32 {
        self.number(true, placed.to_lowercase(), rule.management_group)
    }

    /// The number of a standing (`by_id`: an id, not a signature).
    fn number(&mut self, by_id: bool, standing: String, group: Option<&'s str>) -> u32 {
        let next = u32::try_from(self.numbered.len()).expect("fewer than 2^32 standings");
        *self
            .numbered
            .entry((by_id, standing, group))
            .or_insert(next)
    }
}

/// The first `segments` `/`-separated segments of `id`, and whether that is the whole id.
fn cut(id: &str, segments: usize) -> (&str, bool) {
    let mut slashes = 0;
    for (index, byte) in id.bytes().enumerate() {
        if byte == b'/' {
            if slashes == segments {
                return (&id[..index], false);
            }
            slashes += 1;
        }
    }
    (id, true)
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
