//! The `charter test` runner: test cases against a built `azure-policy/` tree.
//!
//! For each case, every assignment in the tree that covers the case's resource is expanded:
//! its initiative's member definitions are evaluated with the parameter values the assignment
//! and the initiative give them, exactly as Azure would. The strongest effect wins (deny before
//! modify before audit, ...) and is compared with the case's expectation.

use std::collections::BTreeSet;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use serde_json::{Map, Value};

use crate::compiled::CompiledRule;
use crate::evaluate::{canonical_effect, Outcome, EFFECTS};
use crate::expression::{self, Context};

/// What a test case expects of its resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expectation {
    /// No definition matches: the resource is allowed and reported compliant.
    Compliant,
    /// Some definition matches, whatever its effect.
    NonCompliant,
    /// The strongest matching effect is this one (canonical spelling: `deny`, `audit`, ...).
    Effect(String),
}

/// The words `expect` takes besides the effects: compliance, and its spellings.
const VERDICT_WORDS: [&str; 5] = [
    "compliant",
    "allow",
    "allowed",
    "noncompliant",
    "non-compliant",
];

/// How similar (0 to 1, normalised Damerau-Levenshtein, ignoring case) a misspelt `expect`
/// must be to a known word to be suggested.
const MIN_SIMILARITY: f64 = 0.7;

impl Expectation {
    /// Parses an `expect` value; `Err` names the values it takes, with the closest one.
    fn parse(text: &str) -> Result<Expectation, String> {
        let lowered = text.to_lowercase();
        match lowered.as_str() {
            "compliant" | "allow" | "allowed" => return Ok(Expectation::Compliant),
            "noncompliant" | "non-compliant" => return Ok(Expectation::NonCompliant),
            _ => {}
        }
        if EFFECTS
            .iter()
            .any(|effect| effect.eq_ignore_ascii_case(text))
        {
            return Ok(Expectation::Effect(canonical_effect(text)));
        }
        let suggestion = closest_expectation(&lowered)
            .map(|word| format!(", did you mean `{word}`?"))
            .unwrap_or_default();
        Err(format!(
            "unknown `expect` value `{text}`{suggestion} (expected compliant, non-compliant or an effect: {})",
            EFFECTS.join(", ")
        ))
    }

    fn label(&self) -> String {
        match self {
            Expectation::Compliant => "compliant".to_string(),
            Expectation::NonCompliant => "non-compliant".to_string(),
            Expectation::Effect(effect) => effect.clone(),
        }
    }
}

/// The known `expect` word closest to a misspelt one (lower-cased): by spelling, or a past
/// participle of an effect (`denied` for `deny`, `audited` for `audit`).
fn closest_expectation(lowered: &str) -> Option<&'static str> {
    let candidates = VERDICT_WORDS.iter().chain(EFFECTS.iter()).copied();
    let mut best: Option<(f64, &'static str)> = None;
    for candidate in candidates {
        let candidate_lower = candidate.to_lowercase();
        let mut score = strsim::normalized_damerau_levenshtein(lowered, &candidate_lower);
        // A participle keeps all of the word but its last letter (`deni-ed`, `modifi-ed`).
        let stem_len = candidate_lower.len().saturating_sub(1).max(3);
        let shared = lowered
            .chars()
            .zip(candidate_lower.chars())
            .take_while(|(a, b)| a == b)
            .count();
        if shared >= stem_len && lowered.ends_with("ed") {
            score = score.max(MIN_SIMILARITY);
        }
        if score >= MIN_SIMILARITY && best.is_none_or(|(best_score, _)| score > best_score) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// One test case: a resource and what the governance should do with it.
#[derive(Clone, Debug, PartialEq)]
pub struct TestCase {
    /// Where the case came from: the file path, with `#<index>` when a file holds several.
    pub name: String,
    /// The one-line description shown in the report.
    pub description: String,
    /// The resource payload (ARM `GET` shape or a template resource).
    pub resource: Value,
    /// What should happen to the resource.
    pub expect: Expectation,
    /// Only definitions with this name, display name, reference id or GUID count.
    pub definition: Option<String>,
    /// Only assignments with this name or display name count.
    pub assignment: Option<String>,
    /// The management groups the resource's subscription sits under (names). When given,
    /// assignments and exemptions at other management groups do not cover the resource; when
    /// empty, every management-group scope is taken to cover it.
    pub management_groups: Vec<String>,
    /// Whether `management_groups` is every management group the resource sits under, so that
    /// an assignment or exemption at any other group does not cover it (even when the list is
    /// empty). Test cases leave it `false`: groups they do not list are not known.
    pub management_groups_complete: bool,
}

/// Parses one test file: a case object, or an array of case objects.
///
/// A case is `{"description": "...", "resource": {...}, "expect": "deny" | "audit" |
/// "compliant" | "non-compliant" | <any effect>, "definition": "<optional>", "assignment":
/// "<optional>"}`.
///
/// An error message may quote the file's name and contents: its control characters are
/// escaped, so that it is safe to print on a terminal.
pub fn parse_cases(path: &str, text: &str) -> Result<Vec<TestCase>, String> {
    let parse = || {
        let value: Value = serde_json::from_str(text)
            .map_err(|error| format!("`{path}` is not valid JSON: {error}"))?;
        match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(index, item)| parse_case(&format!("{path}#{index}"), item))
                .collect(),
            item => Ok(vec![parse_case(path, &item)?]),
        }
    };
    parse().map_err(|error| printable(&error))
}

/// `text` with its control characters (escape sequences, carriage returns, bells) written as
/// `\u{..}` escapes, except line breaks: fixture names and descriptions, and the names in the
/// policies, come from pull requests, and CI logs interpret what reaches the terminal.
pub fn printable(text: &str) -> String {
    if !text.chars().any(|ch| ch.is_control() && ch != '\n') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        if ch.is_control() && ch != '\n' {
            out.push_str(&format!("\\u{{{:x}}}", ch as u32));
        } else {
            out.push(ch);
        }
    }
    out
}

fn parse_case(name: &str, value: &Value) -> Result<TestCase, String> {
    let Some(object) = value.as_object() else {
        return Err(format!("`{name}`: a test case must be an object"));
    };
    for key in object.keys() {
        if !matches!(
            key.as_str(),
            "description"
                | "resource"
                | "expect"
                | "definition"
                | "assignment"
                | "managementGroups"
                | "$schema"
        ) {
            return Err(format!(
                "`{name}`: unknown key `{key}` (expected description, resource, expect, definition, assignment, managementGroups)"
            ));
        }
    }
    let text = |key: &str| -> Result<Option<String>, String> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(format!("`{name}`: `{key}` must be a string")),
        }
    };
    let resource = object
        .get("resource")
        .filter(|resource| resource.is_object())
        .cloned()
        .ok_or_else(|| format!("`{name}`: `resource` must be an object"))?;
    let expect = text("expect")?.ok_or_else(|| format!("`{name}`: `expect` is missing"))?;
    Ok(TestCase {
        name: name.to_string(),
        description: text("description")?.unwrap_or_default(),
        resource,
        expect: Expectation::parse(&expect).map_err(|error| format!("`{name}`: {error}"))?,
        definition: text("definition")?,
        assignment: text("assignment")?,
        management_groups_complete: false,
        management_groups: match object.get("managementGroups") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(group)) => vec![group.clone()],
            Some(Value::Array(groups)) => groups
                .iter()
                .map(|group| {
                    group.as_str().map(str::to_string).ok_or_else(|| {
                        format!("`{name}`: `managementGroups` must be a list of names")
                    })
                })
                .collect::<Result<_, _>>()?,
            Some(_) => {
                return Err(format!(
                    "`{name}`: `managementGroups` must be a list of names"
                ))
            }
        },
    })
}

/// Options for [`run_suite_with`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SuiteOptions {
    /// Today as `YYYY-MM-DD`; exemptions that expired before it no longer apply. Without it,
    /// every exemption applies.
    pub today: Option<String>,
    /// Keep in each case's results only the rules that decide it (an effect, an error, or a
    /// rule that could not be evaluated), not every rule that held no objection, and leave the
    /// resource and the references that cannot be evaluated offline out of each case's report
    /// (`null`, none): what a caller that reports only problems and holds the resources itself
    /// needs (the self-compliance proof), at a fraction of the cost.
    pub decisive_only: bool,
}

/// One definition evaluated for one case (the report's rule result).
pub type DefinitionResult = crate::report::RuleResult;

/// The result of one test case.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseReport {
    /// The case itself.
    pub case: TestCase,
    /// Whether the verdict is what the case expects.
    pub passed: bool,
    /// The strongest effect that happens, `None` when compliant.
    pub verdict: Option<String>,
    /// Every definition evaluated (after the case's `assignment`/`definition` filters).
    pub results: Vec<DefinitionResult>,
    /// References that could not be evaluated (built-ins not bundled, missing definitions).
    pub skipped: Vec<String>,
    /// Problems that make the case meaningless (a filter matched nothing).
    pub problems: Vec<String>,
}

/// The result of a whole suite.
#[derive(Clone, Debug, PartialEq)]
pub struct SuiteReport {
    /// One report per case, in the order given.
    pub cases: Vec<CaseReport>,
    /// The project's own definitions (not the bundled built-ins) that are assigned but that no
    /// case makes match: rules whose "deny what it should" half is untested.
    pub unexercised: Vec<String>,
}

impl SuiteReport {
    /// How many cases passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|case| case.passed).count()
    }

    /// How many cases failed.
    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }

    /// Whether every case passed (the CLI exits 1 otherwise).
    pub fn success(&self) -> bool {
        self.failed() == 0
    }

    /// The report as JSON for tools: `{"passed", "failed", "cases": [{"name", "description",
    /// "expected", "got", "passed", "problems", "skipped"}], "unexercised"}` (the `tests`
    /// member [`crate::report::json`] makes).
    pub fn to_json(&self) -> Value {
        crate::report::json(&self.report())
            .remove("tests")
            .unwrap_or(Value::Null)
    }

    /// Renders one `PASS`/`FAIL` line per case, an explanation under each failure, the
    /// references skipped, and `N passed, M failed` ([`crate::report::human`]).
    pub fn render(&self) -> String {
        crate::report::human(&self.report(), false)
    }

    /// The suite as the report `charter test`, `audit` and `eval` share.
    pub fn report(&self) -> crate::report::Report {
        let mut report = crate::report::Report::new(crate::report::ReportKind::Test);
        report.entries = self.cases.iter().map(CaseReport::entry).collect();
        report.unexercised = self.unexercised.clone();
        let mut skipped = BTreeSet::new();
        for case in &self.cases {
            skipped.extend(case.skipped.iter().cloned());
        }
        report.skipped = skipped.into_iter().collect();
        report
    }
}

impl CaseReport {
    /// The case as a report entry.
    fn entry(&self) -> crate::report::Entry {
        use crate::report::{Entry, TestResult, Verdict};
        let verdict = match (
            &self.verdict,
            self.results.iter().any(|r| r.verdict() == Verdict::Exempt),
        ) {
            (Some(effect), _) => Verdict::of_effect(effect),
            (None, true) => Verdict::Exempt,
            (None, false) => Verdict::Compliant,
        };
        Entry {
            id: self
                .case
                .resource
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_string),
            name: self.case.name.clone(),
            resource_type: self
                .case
                .resource
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            description: self.case.description.clone(),
            file: Some(
                self.case
                    .name
                    .split_once('#')
                    .map_or(self.case.name.as_str(), |(file, _)| file)
                    .to_string(),
            ),
            origin: None,
            owner: None,
            verdict,
            effect: self.verdict.clone(),
            results: std::sync::Arc::new(self.results.clone()),
            reasons: Vec::new(),
            checks: Vec::new(),
            test: Some(TestResult {
                expected: self.case.expect.label(),
                expects_compliant: self.case.expect == Expectation::Compliant,
                passed: self.passed,
                problems: self.problems.clone(),
                skipped: self.skipped.clone(),
            }),
        }
    }
}

/// Parses the `.json` files of a built tree into the `(path, JSON)` pairs [`run_suite`] takes;
/// other files (Terraform) are left out, and the runner ignores JSON that is not a policy
/// resource (the manifest, ARM templates).
pub fn parse_artifacts<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<(String, Value)>, String> {
    files
        .into_iter()
        .filter(|(path, _)| path.ends_with(".json"))
        .map(|(path, text)| {
            serde_json::from_str(text)
                .map(|value| (path.to_string(), value))
                .map_err(|error| format!("`{path}` is not valid JSON: {error}"))
        })
        .collect()
}

/// Runs test cases against a built tree (see [`run_suite_with`]), with default options.
pub fn run_suite(artifacts: &[(String, Value)], cases: &[TestCase]) -> SuiteReport {
    run_suite_with(artifacts, cases, &SuiteOptions::default())
}

/// Runs test cases against a built tree.
///
/// `artifacts` are `(path, JSON)` pairs of the built `azure-policy/` tree: definitions (with
/// `properties.policyRule`), initiatives (`properties.policyDefinitions`), assignments
/// (`properties.policyDefinitionId`) and exemptions (`properties.policyAssignmentId`); other
/// files (the ARM template, the manifest) are ignored. The bundled built-ins
/// ([`crate::builtin_definitions`]) are added, so references to them are evaluated too.
pub fn run_suite_with(
    artifacts: &[(String, Value)],
    cases: &[TestCase],
    options: &SuiteOptions,
) -> SuiteReport {
    run_cases(
        artifacts,
        cases.iter().map(|case| (case, &case.resource, None)),
        options,
    )
}

/// A test case whose resource is borrowed, placed at an id of its own: what a caller that
/// evaluates one payload at several places (the self-compliance proof) passes to
/// [`run_placed_suite`] instead of a copy of the payload per place.
#[derive(Clone, Debug)]
pub struct PlacedCase<'r> {
    /// The case; its own `resource` is not read (leave it `null`).
    pub case: TestCase,
    /// The resource's payload.
    pub resource: &'r Value,
    /// The resource's id, which the payload need not carry.
    pub id: String,
}

/// [`run_suite_with`] for cases whose resources are borrowed and placed ([`PlacedCase`]). The
/// reports' cases carry no resource.
pub fn run_placed_suite(
    artifacts: &[(String, Value)],
    cases: &[PlacedCase<'_>],
    options: &SuiteOptions,
) -> SuiteReport {
    PlacedSuite::new(artifacts).run(cases, options)
}

fn run_cases<'c>(
    artifacts: &[(String, Value)],
    cases: impl Iterator<Item = (&'c TestCase, &'c Value, Option<&'c str>)>,
    options: &SuiteOptions,
) -> SuiteReport {
    Library::of(artifacts).report(cases, options)
}

/// A built tree ready to evaluate placed cases against ([`run_placed_suite`], once prepared):
/// a caller that runs several passes over resources that live as long as `'r` (the
/// self-compliance proof) prepares the definitions, assignments and compiled rules once, and
/// its passes share what the rules answered.
pub struct PlacedSuite<'r> {
    library: Library<'r>,
}

impl<'r> PlacedSuite<'r> {
    /// Reads `artifacts` (as [`run_suite_with`] does, with the bundled built-ins).
    pub fn new(artifacts: &[(String, Value)]) -> Self {
        PlacedSuite {
            library: Library::of(artifacts),
        }
    }

    /// [`run_placed_suite`] on this tree.
    pub fn run(&self, cases: &[PlacedCase<'r>], options: &SuiteOptions) -> SuiteReport {
        self.library.report(
            cases
                .iter()
                .map(|placed| (&placed.case, placed.resource, Some(placed.id.as_str()))),
            options,
        )
    }

    /// What decides each rule's answers, for grouping resources that get the same verdicts
    /// ([`crate::shapes`]).
    pub fn shapes(&self) -> crate::shapes::Shapes<'_> {
        crate::shapes::Shapes::of(&self.library)
    }
}

impl<'r> Library<'r> {
    /// The library of `artifacts` and the bundled built-ins, expanded.
    fn of(artifacts: &[(String, Value)]) -> Self {
        let mut library = Library::default();
        for (path, value) in artifacts {
            library.add(path, value, false);
        }
        for (path, value) in crate::builtin_definitions() {
            library.add(path, value, true);
        }
        library.expand();
        library
    }

    /// Runs `cases` and reports on them and on the definitions none of them matched.
    fn report<'c>(
        &self,
        cases: impl Iterator<Item = (&'c TestCase, &'r Value, Option<&'c str>)>,
        options: &SuiteOptions,
    ) -> SuiteReport {
        let library = self;
        // Untraced first: a case that passes cleanly needs no explanation, and building one for
        // every condition of every rule is most of the cost. A case that fails, or rests on an
        // error, is evaluated again with its trace.
        let cases: Vec<CaseReport> = cases
            .map(|(case, resource, id)| {
                let quick = library.run_case((case, resource, id), options, false);
                let clean = quick.passed
                    && quick
                        .results
                        .iter()
                        .all(|result| result.outcome.error.is_none());
                if clean {
                    quick
                } else {
                    library.run_case((case, resource, id), options, true)
                }
            })
            .collect();
        let assigned = library.assigned_definitions();
        let matched: BTreeSet<String> = cases
            .iter()
            .flat_map(|case| &case.results)
            .filter(|result| result.outcome.effect.is_some())
            .map(|result| result.definition.to_lowercase())
            .collect();
        let unexercised = library
            .definitions
            .iter()
            .filter(|definition| !definition.bundled)
            .filter(|definition| assigned.contains(&definition.name.to_lowercase()))
            .filter(|definition| !matched.contains(&definition.name.to_lowercase()))
            .map(|definition| definition.name.clone())
            .collect();
        SuiteReport { cases, unexercised }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Named {
    pub(crate) name: String,
    /// Whether it comes with the evaluator rather than from the project.
    pub(crate) bundled: bool,
    pub(crate) display_name: String,
    pub(crate) value: Value,
}

/// `'r`: how long the resources evaluated live (the memo borrows from them; see
/// [`crate::memo::Memo`]).
#[derive(Default)]
pub(crate) struct Library<'r> {
    pub(crate) definitions: Vec<Named>,
    pub(crate) sets: Vec<Named>,
    pub(crate) assignments: Vec<Named>,
    pub(crate) exemptions: Vec<Named>,
    /// Per assignment (indexed like `assignments`), what it evaluates: worked out once, since
    /// it does not depend on the resource.
    pub(crate) expanded: Vec<Expanded>,
    /// The exemptions, read once.
    pub(crate) exempting: Vec<Exempting>,
    /// Per definition (indexed like `definitions`), the payload paths its rule reads, with
    /// `type` (which decides its mode); `None` when that cannot be told.
    pub(crate) reads: Vec<Option<Vec<String>>>,
    /// Untraced outcomes, remembered by rule and what it reads.
    pub(crate) memo: crate::memo::Memo<'r>,
}

/// An assignment, ready to evaluate resources against.
pub(crate) struct Expanded {
    /// Where it is assigned, from its id or `scope` property.
    pub(crate) scope: Option<String>,
    pub(crate) not_scopes: Vec<String>,
    pub(crate) enforced: bool,
    pub(crate) members: Vec<Member>,
    /// References that cannot be evaluated offline.
    pub(crate) skipped: Vec<String>,
}

/// One definition an assignment evaluates, with the parameter values it gets.
pub(crate) struct Member {
    pub(crate) reference_id: String,
    /// Index into `Library::definitions`.
    pub(crate) definition: usize,
    /// The resource types (lower case) the rule can match at all, when its condition says so
    /// with literals (`allOf: [{"field": "type", "equals": "…"}, …]`); `None` when it cannot be
    /// told. An untraced evaluation of another type is skipped: the rule's first condition
    /// would fail.
    pub(crate) target_types: Option<Vec<String>>,
    /// Every parameter's value (given, or the definition's default), or why they could not be
    /// worked out.
    pub(crate) values: Result<Map<String, Value>, String>,
    /// The rule compiled with those values, for untraced evaluations ([`crate::compiled`]);
    /// `None` when it cannot be (the interpreter then evaluates every resource).
    pub(crate) compiled: Option<Arc<CompiledRule>>,
}

/// The rules compiled so far, by definition (index into `Library::definitions`), each with the
/// parameter values it was compiled with (`None`: it does not compile).
type CompiledRules = FxHashMap<usize, Vec<(Map<String, Value>, Option<Arc<CompiledRule>>)>>;

impl Member {
    /// A member of `definition` (whose `properties` are given) with parameter `values`, its
    /// target types worked out and its rule compiled (or found among `compiled`, the rules
    /// compiled so far).
    fn new(
        reference_id: String,
        (definition, properties): (usize, &Value),
        compiled: &mut CompiledRules,
        values: Result<Map<String, Value>, String>,
    ) -> Member {
        let compiled = values.as_ref().ok().and_then(|values| {
            let same = compiled.entry(definition).or_default();
            if let Some((_, rule)) = same.iter().find(|(compiled, _)| compiled == values) {
                return rule.clone();
            }
            let rule = CompiledRule::compile(properties, values).map(Arc::new);
            same.push((values.clone(), rule.clone()));
            rule
        });
        Member {
            reference_id,
            definition,
            target_types: crate::evaluate::target_types(properties),
            values,
            compiled,
        }
    }
}

pub(crate) fn last_segment(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or(id)
}

fn file_stem(path: &str) -> &str {
    let file = last_segment(path);
    file.strip_suffix(".json").unwrap_or(file)
}

/// The scope an assignment or exemption lives at, from its `id` (the part before
/// `/providers/Microsoft.Authorization/...`) or a `scope` property.
pub(crate) fn scope_of(value: &Value) -> Option<String> {
    if let Some(scope) = value
        .get("properties")
        .and_then(|properties| properties.get("scope"))
        .or_else(|| value.get("scope"))
        .and_then(Value::as_str)
    {
        return Some(scope.to_string());
    }
    let id = value.get("id").and_then(Value::as_str)?;
    let lowered = id.to_lowercase();
    let index = lowered.rfind("/providers/microsoft.authorization/")?;
    Some(id[..index].to_string())
}

/// Where a resource stands relative to a scope: `Some(true)` inside, `Some(false)` outside,
/// `None` when it cannot be told offline (a management-group scope the case does not place the
/// resource in or out of, or a resource without an id). A `{placeholder}` segment in the scope
/// (a build leaves `{subscriptionId}` where the deployment decides) matches any segment.
pub(crate) fn within(scope: &str, resource: &Placement<'_>) -> Option<bool> {
    let scope = scope.trim_end_matches('/');
    within_read(scope, segments(scope), management_group(scope), resource)
}

/// The management group a scope (without a trailing `/`) names, when it is a management
/// group's.
fn management_group(scope: &str) -> Option<&str> {
    const GROUPS: &str = "/providers/microsoft.management/managementgroups/";
    find_ignore_case(scope, GROUPS).map(|index| last_segment(&scope[index..]))
}

/// [`within`] for a scope without a trailing `/`, whose segments (`wanted`) and management
/// group (`group`, from [`management_group`]) are already read.
fn within_read<'s>(
    scope: &str,
    wanted: impl Iterator<Item = &'s str>,
    group: Option<&str>,
    resource: &Placement<'_>,
) -> Option<bool> {
    if let Some(group) = group {
        if resource.management_groups.is_empty() && !resource.management_groups_complete {
            return None;
        }
        return Some(
            resource
                .management_groups
                .iter()
                .any(|listed| listed.eq_ignore_ascii_case(group)),
        );
    }
    let resource_id = resource.id?;
    if scope.is_empty() {
        return Some(true);
    }
    let mut actual = segments(resource_id);
    let mut known = true;
    for wanted in wanted {
        let Some(actual) = actual.next() else {
            return Some(false);
        };
        if resource.placeholders_unknown && is_placeholder(actual) && wanted != actual {
            known = false;
            continue;
        }
        match segment_matches(wanted, actual) {
            Some(true) => {}
            Some(false) => return Some(false),
            None => known = false,
        }
    }
    known.then_some(true)
}

/// The `/`-separated segments of an id, as `split('/')` gives them, found byte by byte: a
/// `char` pattern sets up a search for every segment, which on ids of short segments cost more
/// than the comparisons.
fn segments(id: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(id);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.bytes().position(|byte| byte == b'/') {
            Some(at) => {
                rest = Some(&text[at + 1..]);
                Some(&text[..at])
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

/// Whether an id segment of a scope matches the resource's: `Some(false)` when they differ,
/// `None` when it cannot be told. A build leaves placeholders where the deployment decides:
/// `{subscriptionId}`, the subscription being deployed to, matches any subscription;
/// `{subscriptionId:NAME}`, a subscription known only by its name, matches that name or the
/// same placeholder, and may or may not be any other subscription.
fn segment_matches(wanted: &str, actual: &str) -> Option<bool> {
    if wanted.eq_ignore_ascii_case(actual) {
        return Some(true);
    }
    if !is_placeholder(wanted) {
        return Some(false);
    }
    let named = wanted
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
        .and_then(|inner| inner.split_once(':'))
        .map(|(_, name)| name);
    match named {
        None if !is_placeholder(actual) => Some(true),
        None => Some(false),
        Some(name) if name.eq_ignore_ascii_case(actual) => Some(true),
        Some(_) if is_placeholder(actual) => Some(false),
        Some(_) => None,
    }
}

/// Where `needle` (lower case) starts in `haystack`, compared without case.
fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    let first = needle.first()?.to_ascii_lowercase();
    // Compare whole windows only where the first byte matches: this runs for every scope of
    // every assignment and exemption against every resource.
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| {
            window[0].to_ascii_lowercase() == first && window.eq_ignore_ascii_case(needle)
        })
}

/// Whether an id segment is a placeholder a build leaves for the deployment to fill in
/// (`{subscriptionId}`, `{subscriptionId:contoso-lab}`).
fn is_placeholder(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// What a case says about where its resource lives.
#[derive(Clone, Copy)]
pub(crate) struct Placement<'a> {
    pub(crate) id: Option<&'a str>,
    pub(crate) management_groups: &'a [String],
    /// See [`TestCase::management_groups_complete`].
    pub(crate) management_groups_complete: bool,
    /// Whether a placeholder in the resource's id (`{subscriptionId}`, where an input did not
    /// say which subscription) stands for a subscription that is not known, so that it cannot
    /// be told whether a scope naming a real one covers it. Test cases leave it `false`.
    pub(crate) placeholders_unknown: bool,
}

fn parameter_values(parameters: Option<&Value>) -> Map<String, Value> {
    let mut values = Map::new();
    if let Some(parameters) = parameters.and_then(Value::as_object) {
        for (name, entry) in parameters {
            if let Some(value) = entry.get("value") {
                values.insert(name.clone(), value.clone());
            }
        }
    }
    values
}

fn defaults(parameters: Option<&Value>) -> Map<String, Value> {
    let mut values = Map::new();
    if let Some(parameters) = parameters.and_then(Value::as_object) {
        for (name, declaration) in parameters {
            if let Some(default) = declaration.get("defaultValue") {
                values.insert(name.clone(), default.clone());
            }
        }
    }
    values
}

/// Evaluates an initiative's `[parameters('x')]` references against its own parameters.
struct SetParameters<'a>(&'a Map<String, Value>);

impl Context for SetParameters<'_> {
    fn parameter(&self, name: &str) -> Result<Value, String> {
        self.0
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.clone())
            .ok_or_else(|| format!("initiative parameter `{name}` has no value and no default"))
    }
    fn field(&self, name: &str) -> Result<Value, String> {
        Err(format!(
            "`field('{name}')` cannot be used in a parameter value"
        ))
    }
    fn current(&self, _name: Option<&str>) -> Result<Value, String> {
        Err("`current()` cannot be used in a parameter value".to_string())
    }
    fn request_context(&self) -> Value {
        Value::Object(Map::new())
    }
}

impl<'r> Library<'r> {
    /// The names (lowercase) of the definitions some assignment reaches.
    fn assigned_definitions(&self) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        for assignment in &self.assignments {
            let target = assignment.value["properties"]["policyDefinitionId"]
                .as_str()
                .unwrap_or_default();
            match Self::find(&self.sets, target) {
                Some(set) if target.to_lowercase().contains("/policysetdefinitions/") => {
                    for member in set.value["properties"]["policyDefinitions"]
                        .as_array()
                        .into_iter()
                        .flatten()
                    {
                        let id = member["policyDefinitionId"].as_str().unwrap_or_default();
                        names.insert(last_segment(id).to_lowercase());
                    }
                }
                _ => {
                    names.insert(last_segment(target).to_lowercase());
                }
            }
        }
        names
    }

    pub(crate) fn add(&mut self, path: &str, value: &Value, bundled: bool) {
        let properties = value.get("properties").unwrap_or(value);
        let named = || Named {
            bundled,
            name: value
                .get("name")
                .and_then(Value::as_str)
                .map_or_else(|| file_stem(path).to_string(), str::to_string),
            display_name: properties
                .get("displayName")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            value: value.clone(),
        };
        if properties.get("policyRule").is_some() {
            self.definitions.push(named());
        } else if properties.get("policyDefinitions").is_some() {
            self.sets.push(named());
        } else if properties.get("policyAssignmentId").is_some() {
            self.exemptions.push(named());
        } else if properties.get("policyDefinitionId").is_some() {
            self.assignments.push(named());
        }
    }

    pub(crate) fn find<'a>(list: &'a [Named], id: &str) -> Option<&'a Named> {
        let wanted = last_segment(id);
        list.iter()
            .find(|named| named.name.eq_ignore_ascii_case(wanted))
    }

    /// Works out every assignment's members and their parameter values (see [`Expanded`]).
    pub(crate) fn expand(&mut self) {
        // Members of one definition with equal parameter values (an initiative per policy, each
        // with the same rules) share one compiled rule.
        let mut compiled = CompiledRules::default();
        let expanded = self
            .assignments
            .iter()
            .map(|assignment| self.expand_assignment(assignment, &mut compiled))
            .collect();
        self.expanded = expanded;
        self.exempting = self.exemptions.iter().map(Exempting::read).collect();
        self.reads = self
            .definitions
            .iter()
            .map(|definition| {
                crate::reads::reads(&definition.value).keys.map(|mut keys| {
                    keys.insert("type".to_string());
                    keys.into_iter().collect()
                })
            })
            .collect();
    }

    /// The outcome of member `member` of assignment `assignment` for `resource`, of which the
    /// paths `unknown` are not known; traced or not. Untraced outcomes are remembered by what
    /// the rule reads ([`crate::memo`]).
    pub(crate) fn outcome(
        &self,
        slot: (usize, usize),
        resource: &Value,
        unknown: &[String],
        traced: bool,
    ) -> Outcome {
        self.outcome_in(slot, (resource, None), None, unknown, traced, None)
    }

    /// [`Library::outcome`], with the projections of `resource` already worked out, by
    /// definition (`projections`, filled in as they are worked out): one resource asked about
    /// every member of an initiative projects once per definition, not once per member.
    pub(crate) fn outcome_in(
        &self,
        (assignment, member): (usize, usize),
        (resource, id): (&Value, Option<&str>),
        lent: Option<&'r Value>,
        unknown: &[String],
        traced: bool,
        projections: Option<&mut Vec<Option<Option<usize>>>>,
    ) -> Outcome {
        let entry = &self.expanded[assignment].members[member];
        let values = match &entry.values {
            Ok(values) => values,
            Err(error) => {
                return Outcome {
                    effect: None,
                    applicable: false,
                    error: Some(error.clone()),
                    trace: Vec::new(),
                    unknown: None,
                }
            }
        };
        // The compiled rule settles what it can of an untraced evaluation: a resource its mode
        // skips, or whose `if` does not hold. A match (rare in a clean project) or anything
        // uncertain goes to the interpreter.
        let decide = || {
            let compiled = entry
                .compiled
                .as_ref()
                .filter(|_| !traced && unknown.is_empty())?;
            compiled.decide(resource, id)?.settled_outcome()
        };
        // Asked before the memo: answering is cheaper than projecting the resource, even for a
        // rule that counts (docs/performance.md, "rules compiled once per member").
        if let Some(outcome) = decide() {
            return outcome;
        }
        let evaluate = || {
            let properties =
                crate::evaluate::definition_properties(&self.definitions[entry.definition].value);
            crate::evaluate::evaluate_at(properties, values, resource, id, unknown, traced)
        };
        match self.reads.get(entry.definition) {
            Some(Some(keys)) if !traced => {
                let project = || {
                    self.memo
                        .projection(entry.definition, keys, (resource, lent), id, unknown)
                };
                let projection = match projections {
                    Some(known) => {
                        if known.len() <= entry.definition {
                            known.resize(self.definitions.len().max(entry.definition + 1), None);
                        }
                        *known[entry.definition].get_or_insert_with(project)
                    }
                    None => project(),
                };
                match projection {
                    Some(projection) => {
                        self.memo
                            .outcome_at((assignment, member), projection, evaluate)
                    }
                    None => evaluate(),
                }
            }
            _ => evaluate(),
        }
    }

    fn expand_assignment(&self, assignment: &Named, compiled: &mut CompiledRules) -> Expanded {
        let properties = &assignment.value["properties"];
        let target = properties["policyDefinitionId"]
            .as_str()
            .unwrap_or_default();
        let values = parameter_values(properties.get("parameters"));
        let mut expanded = Expanded {
            scope: scope_of(&assignment.value),
            not_scopes: properties
                .get("notScopes")
                .and_then(Value::as_array)
                .map(|scopes| {
                    scopes
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            enforced: !properties
                .get("enforcementMode")
                .and_then(Value::as_str)
                .is_some_and(|mode| mode.eq_ignore_ascii_case("DoNotEnforce")),
            members: Vec::new(),
            skipped: Vec::new(),
        };
        if target.to_lowercase().contains("/policysetdefinitions/") {
            let Some(set) = Self::find(&self.sets, target) else {
                expanded.skipped.push(format!(
                    "initiative `{target}` of assignment `{}` is not in the build",
                    assignment.name
                ));
                return expanded;
            };
            let set_properties = &set.value["properties"];
            let mut set_values = defaults(set_properties.get("parameters"));
            for (name, value) in &values {
                set_values.insert(name.clone(), value.clone());
            }
            for member in set_properties["policyDefinitions"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let id = member["policyDefinitionId"].as_str().unwrap_or_default();
                let reference_id = member["policyDefinitionReferenceId"]
                    .as_str()
                    .unwrap_or_default();
                let Some(definition) = Self::position(&self.definitions, id) else {
                    let kind = if id
                        .to_lowercase()
                        .starts_with("/providers/microsoft.authorization/")
                    {
                        "built-in definition"
                    } else {
                        "definition"
                    };
                    expanded.skipped.push(format!(
                        "{kind} `{id}` (reference `{reference_id}` of initiative `{}`) is not available offline",
                        set.name
                    ));
                    continue;
                };
                let mut member_values = Map::new();
                let mut error = None;
                if let Some(parameters) = member.get("parameters").and_then(Value::as_object) {
                    for (name, entry) in parameters {
                        let Some(value) = entry.get("value") else {
                            continue;
                        };
                        match expression::evaluate_value(value, &SetParameters(&set_values)) {
                            Ok(value) => {
                                member_values.insert(name.clone(), value);
                            }
                            Err(message) => error = Some(message),
                        }
                    }
                }
                let properties =
                    crate::evaluate::definition_properties(&self.definitions[definition].value);
                expanded.members.push(Member::new(
                    reference_id.to_string(),
                    (definition, properties),
                    compiled,
                    match error {
                        Some(error) => Err(format!(
                            "parameter values of reference `{reference_id}`: {error}"
                        )),
                        None => Ok(crate::evaluate::resolve_parameters(
                            properties,
                            &member_values,
                        )),
                    },
                ));
            }
        } else {
            match Self::position(&self.definitions, target) {
                Some(definition) => {
                    let properties =
                        crate::evaluate::definition_properties(&self.definitions[definition].value);
                    expanded.members.push(Member::new(
                        String::new(),
                        (definition, properties),
                        compiled,
                        Ok(crate::evaluate::resolve_parameters(properties, &values)),
                    ));
                }
                None => expanded.skipped.push(format!(
                    "definition `{target}` of assignment `{}` is not in the build",
                    assignment.name
                )),
            }
        }
        expanded
    }

    fn position(list: &[Named], id: &str) -> Option<usize> {
        let wanted = last_segment(id);
        list.iter()
            .position(|named| named.name.eq_ignore_ascii_case(wanted))
    }

    /// Runs `case` against `resource` (its own, or one placed at `id`).
    fn run_case(
        &self,
        (case, resource, id): (&TestCase, &'r Value, Option<&str>),
        options: &SuiteOptions,
        traced: bool,
    ) -> CaseReport {
        let placement = Placement {
            id: id.or_else(|| resource.get("id").and_then(Value::as_str)),
            management_groups: &case.management_groups,
            management_groups_complete: case.management_groups_complete,
            placeholders_unknown: false,
        };
        let mut results = Vec::new();
        let mut skipped = Vec::new();
        let mut problems = Vec::new();
        let mut covering = 0;
        let resource_type = resource
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mut projections = Vec::new();
        for (assignment_index, (assignment, expanded)) in
            self.assignments.iter().zip(&self.expanded).enumerate()
        {
            if let Some(wanted) = &case.assignment {
                if !assignment.name.eq_ignore_ascii_case(wanted)
                    && !assignment.display_name.eq_ignore_ascii_case(wanted)
                {
                    continue;
                }
            }
            // An assignment applies unless the resource is known to be outside its scope.
            let in_scope = expanded
                .scope
                .as_deref()
                .is_none_or(|scope| within(scope, &placement) != Some(false));
            let excluded = expanded
                .not_scopes
                .iter()
                .any(|scope| within(scope, &placement) == Some(true));
            if !in_scope || excluded {
                continue;
            }
            covering += 1;
            if !options.decisive_only {
                skipped.extend(expanded.skipped.iter().cloned());
            }
            for (member_index, member) in expanded.members.iter().enumerate() {
                let definition = &self.definitions[member.definition];
                let elsewhere = !traced
                    && member.target_types.as_ref().is_some_and(|types| {
                        !types.iter().any(|t| t.eq_ignore_ascii_case(resource_type))
                    });
                let outcome = if elsewhere {
                    // The rule is about other resource types: it cannot match this one.
                    Outcome {
                        effect: None,
                        applicable: true,
                        error: None,
                        trace: Vec::new(),
                        unknown: None,
                    }
                } else {
                    self.outcome_in(
                        (assignment_index, member_index),
                        (resource, id),
                        Some(resource),
                        &[],
                        traced,
                        Some(&mut projections),
                    )
                };
                // Only a rule with an effect can wait on related resources.
                let not_evaluated = match outcome.effect {
                    Some(_) => crate::evaluate::related_resources_reason(
                        crate::evaluate::definition_properties(&definition.value),
                        &outcome,
                    ),
                    None => None,
                };
                if options.decisive_only
                    && outcome.effect.is_none()
                    && outcome.error.is_none()
                    && not_evaluated.is_none()
                {
                    continue;
                }
                results.push(DefinitionResult {
                    assignment: assignment.name.clone(),
                    reference_id: member.reference_id.clone(),
                    definition: definition.name.clone(),
                    display_name: definition.display_name.clone(),
                    enforced: expanded.enforced,
                    exempted_by: None,
                    exemption_expires: None,
                    exemption_category: None,
                    not_evaluated,
                    message: None,
                    source: None,
                    outcome,
                });
            }
        }
        if let Some(wanted) = &case.assignment {
            if covering == 0 {
                problems.push(format!(
                    "no assignment named `{wanted}` covers this resource"
                ));
            }
        }
        // Two assignments of one initiative skip the same references.
        let mut seen = BTreeSet::new();
        skipped.retain(|reference| seen.insert(reference.clone()));
        for result in &mut results {
            if let Some(exemption) = self.exemption_for(result, &placement, options) {
                result.exempted_by = Some(exemption.name.clone());
                result.exemption_expires = exemption.expires.clone();
                result.exemption_category = exemption.category.clone();
            }
        }
        // A rule that reads an alias the evaluator does not know cannot be judged: Azure would
        // have refused the definition, and guessing the path would give a verdict on nothing.
        for result in &results {
            if let Some(error) = &result.outcome.error {
                if error.contains(crate::evaluate::UNKNOWN_ALIAS) {
                    problems.push(format!("{}: {error}", result.label()));
                }
            }
        }
        if let Some(wanted) = &case.definition {
            results.retain(|result| result.matches_name(wanted));
            skipped.retain(|reference| reference.to_lowercase().contains(&wanted.to_lowercase()));
            if results.is_empty() && skipped.is_empty() {
                problems.push(format!(
                    "no assigned definition named `{wanted}` was evaluated"
                ));
            }
        }
        let verdict = strongest(
            results
                .iter()
                .filter_map(DefinitionResult::effective_effect),
        );
        let passed = problems.is_empty()
            && match &case.expect {
                Expectation::Compliant => verdict.is_none(),
                Expectation::NonCompliant => verdict.is_some(),
                Expectation::Effect(effect) => verdict
                    .as_deref()
                    .is_some_and(|verdict| verdict.eq_ignore_ascii_case(effect)),
            };
        CaseReport {
            case: if options.decisive_only {
                // The caller has the resource; a second copy per case would double what an
                // estate's proof holds.
                TestCase {
                    name: case.name.clone(),
                    description: case.description.clone(),
                    resource: Value::Null,
                    expect: case.expect.clone(),
                    definition: case.definition.clone(),
                    assignment: case.assignment.clone(),
                    management_groups: case.management_groups.clone(),
                    management_groups_complete: case.management_groups_complete,
                }
            } else {
                case.clone()
            },
            passed,
            verdict,
            results,
            skipped,
            problems,
        }
    }

    fn exemption_for(
        &self,
        result: &DefinitionResult,
        placement: &Placement<'_>,
        options: &SuiteOptions,
    ) -> Option<&Exempting> {
        // An exemption applies only to resources known to be inside its scope.
        self.exempting.iter().find(|exemption| {
            let expired = match (&options.today, &exemption.expires) {
                (Some(today), Some(expires)) => {
                    expires.get(..10).unwrap_or(expires) < today.as_str()
                }
                _ => false,
            };
            exemption
                .assignment
                .eq_ignore_ascii_case(&result.assignment)
                && (exemption.references.is_empty()
                    || exemption
                        .references
                        .iter()
                        .any(|reference| reference.eq_ignore_ascii_case(&result.reference_id)))
                && exemption
                    .scope
                    .as_deref()
                    .is_some_and(|scope| within(scope, placement) == Some(true))
                && !expired
        })
    }
}

/// An exemption, read once: what it exempts, where, and until when.
pub(crate) struct Exempting {
    pub(crate) name: String,
    /// The last segment of the exempted assignment's id: its name.
    pub(crate) assignment: String,
    /// The initiative members it covers; empty for all of them.
    pub(crate) references: Vec<String>,
    pub(crate) expires: Option<String>,
    pub(crate) scope: Option<String>,
    /// `Waiver` or `Mitigated`.
    pub(crate) category: Option<String>,
}

impl Exempting {
    fn read(exemption: &Named) -> Exempting {
        let properties = &exemption.value["properties"];
        Exempting {
            name: exemption.name.clone(),
            assignment: last_segment(
                properties["policyAssignmentId"]
                    .as_str()
                    .unwrap_or_default(),
            )
            .to_string(),
            references: properties
                .get("policyDefinitionReferenceIds")
                .and_then(Value::as_array)
                .map(|ids| {
                    ids.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            expires: properties["expiresOn"].as_str().map(str::to_string),
            scope: scope_of(&exemption.value),
            category: properties["exemptionCategory"].as_str().map(str::to_string),
        }
    }
}

/// Effects from the one that wins most decisively to the least: a denied request is denied
/// whatever else matched.
pub(crate) const PRECEDENCE: [&str; 10] = [
    "deny",
    "denyAction",
    "modify",
    "append",
    "deployIfNotExists",
    "auditIfNotExists",
    "audit",
    "manual",
    "mutate",
    "addToNetworkGroup",
];

pub(crate) fn strongest(effects: impl Iterator<Item = String>) -> Option<String> {
    effects.min_by_key(|effect| {
        PRECEDENCE
            .iter()
            .position(|known| known.eq_ignore_ascii_case(effect))
            .unwrap_or(PRECEDENCE.len())
    })
}

/// Every scope that decides whether an assignment or exemption among `artifacts` applies to a
/// resource: each assignment's scope and `notScopes`, and each exemption's scope. Two
/// placements that [`scope_contains`] answers alike for every one of them are governed alike
/// (a caller grouping similar resources uses this).
pub fn deciding_scopes(artifacts: &[(String, Value)]) -> Vec<String> {
    let mut scopes = Vec::new();
    for (_, value) in artifacts {
        let properties = value.get("properties").unwrap_or(value);
        let is_exemption = properties.get("policyAssignmentId").is_some();
        let is_assignment = !is_exemption
            && properties.get("policyDefinitionId").is_some()
            && properties.get("policyRule").is_none();
        if !(is_exemption || is_assignment) {
            continue;
        }
        scopes.extend(scope_of(value));
        if let Some(Value::Array(not_scopes)) = properties.get("notScopes") {
            scopes.extend(
                not_scopes
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string),
            );
        }
    }
    scopes.sort();
    scopes.dedup();
    scopes
}

/// Whether a resource at `id`, under `management_groups` (all of them when `complete`), is
/// within `scope`: `None` when it cannot be told offline (see [`TestCase`]).
pub fn scope_contains(
    scope: &str,
    id: &str,
    management_groups: &[String],
    complete: bool,
) -> Option<bool> {
    Scope::new(scope).contains(id, management_groups, complete)
}

/// A scope read once, for a caller that places many resources in or out of it (as
/// [`scope_contains`] does for one).
#[derive(Clone, Debug)]
pub struct Scope {
    /// The scope, without a trailing `/`.
    text: String,
    /// Its `/`-separated segments.
    segments: Vec<String>,
    /// The management group it names, when it is a management group's.
    group: Option<String>,
}

impl Scope {
    /// Reads `scope`.
    pub fn new(scope: &str) -> Scope {
        let text = scope.trim_end_matches('/');
        Scope {
            text: text.to_string(),
            segments: segments(text).map(str::to_string).collect(),
            group: management_group(text).map(str::to_string),
        }
    }

    /// The management group the scope names, when it is a management group's: then whether it
    /// contains a resource depends on the resource's groups, never on its id.
    pub fn management_group(&self) -> Option<&str> {
        self.group.as_deref()
    }

    /// [`scope_contains`] for this scope.
    pub fn contains(&self, id: &str, management_groups: &[String], complete: bool) -> Option<bool> {
        within_read(
            &self.text,
            self.segments.iter().map(String::as_str),
            self.group.as_deref(),
            &Placement {
                id: Some(id),
                management_groups,
                management_groups_complete: complete,
                placeholders_unknown: false,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Assignments of one definition with equal parameter values share one compiled rule;
    /// other values get their own.
    #[test]
    fn members_with_equal_values_share_their_compiled_rule() {
        let definition = serde_json::json!({
            "name": "d",
            "type": "Microsoft.Authorization/policyDefinitions",
            "properties": {
                "mode": "All",
                "parameters": { "cap": { "type": "Integer" } },
                "policyRule": {
                    "if": { "field": "Microsoft.CognitiveServices/accounts/deployments/sku.capacity", "greater": "[parameters('cap')]" },
                    "then": { "effect": "deny" }
                }
            }
        });
        let assignment = |name: &str, cap: u32| {
            (
                format!("assignments/{name}.json"),
                serde_json::json!({
                    "name": name,
                    "properties": {
                        "policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/d",
                        "scope": "/subscriptions/s",
                        "parameters": { "cap": { "value": cap } }
                    }
                }),
            )
        };
        let artifacts = vec![
            ("definitions/d.json".to_string(), definition),
            assignment("a", 10),
            assignment("b", 10),
            assignment("c", 20),
        ];
        let library = Library::of(&artifacts);
        let rules: Vec<&Arc<CompiledRule>> = library
            .expanded
            .iter()
            .flat_map(|expanded| &expanded.members)
            .filter_map(|member| member.compiled.as_ref())
            .collect();
        assert_eq!(rules.len(), 3);
        assert!(Arc::ptr_eq(rules[0], rules[1]));
        assert!(!Arc::ptr_eq(rules[0], rules[2]));
    }

    #[test]
    fn only_a_full_report_lists_the_references_that_cannot_be_evaluated_offline() {
        let assignment = serde_json::json!({
            "name": "a",
            "properties": {
                "policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/elsewhere",
                "scope": "/subscriptions/s"
            }
        });
        let artifacts = vec![("assignments/a.json".to_string(), assignment)];
        let id =
            "/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/x";
        let resource = serde_json::json!({
            "type": "Microsoft.CognitiveServices/accounts",
            "name": "x",
            "id": id
        });
        let case = TestCase {
            name: "x".into(),
            description: String::new(),
            resource: Value::Null,
            expect: Expectation::Compliant,
            definition: None,
            assignment: None,
            management_groups: Vec::new(),
            management_groups_complete: false,
        };
        let placed = [PlacedCase {
            case,
            resource: &resource,
            id: id.to_string(),
        }];
        let skipped = |decisive_only| {
            let options = SuiteOptions {
                today: None,
                decisive_only,
            };
            run_placed_suite(&artifacts, &placed, &options).cases[0]
                .skipped
                .clone()
        };
        assert_eq!(
            skipped(false),
            ["definition `/providers/Microsoft.Authorization/policyDefinitions/elsewhere` of assignment `a` is not in the build"]
        );
        assert!(skipped(true).is_empty());
    }

    #[test]
    fn scopes_cover_resource_ids() {
        let id = "/subscriptions/S1/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/a";
        let groups = ["contoso-prod".to_string()];
        let placed = Placement {
            id: Some(id),
            management_groups: &groups,
            management_groups_complete: false,
            placeholders_unknown: false,
        };
        let unplaced = Placement {
            id: Some(id),
            management_groups: &[],
            management_groups_complete: false,
            placeholders_unknown: false,
        };
        let no_id = Placement {
            id: None,
            management_groups: &[],
            management_groups_complete: false,
            placeholders_unknown: false,
        };
        assert_eq!(within("/subscriptions/s1", &placed), Some(true));
        assert_eq!(
            within("/subscriptions/s1/resourcegroups/RG-AI/", &placed),
            Some(true)
        );
        assert_eq!(
            within("/subscriptions/s1/resourceGroups/rg-a", &placed),
            Some(false)
        );
        assert_eq!(within("/subscriptions/s2", &placed), Some(false));
        assert_eq!(
            within(
                "/subscriptions/{subscriptionId}/resourceGroups/rg-ai",
                &placed
            ),
            Some(true)
        );
        let named = Placement {
            id: Some("/subscriptions/{subscriptionId:lab}/resourceGroups/rg"),
            management_groups: &[],
            management_groups_complete: false,
            placeholders_unknown: false,
        };
        assert_eq!(
            within("/subscriptions/{subscriptionId:lab}", &named),
            Some(true)
        );
        assert_eq!(
            within("/subscriptions/{subscriptionId:prod}", &named),
            Some(false)
        );
        assert_eq!(within("/subscriptions/{subscriptionId:lab}", &placed), None);
        let by_name = Placement {
            id: Some("/subscriptions/Lab/resourceGroups/rg"),
            management_groups: &[],
            management_groups_complete: false,
            placeholders_unknown: false,
        };
        assert_eq!(
            within("/subscriptions/{subscriptionId:lab}", &by_name),
            Some(true)
        );
        let prod = "/providers/Microsoft.Management/managementGroups/Contoso-Prod";
        let dev = "/providers/Microsoft.Management/managementGroups/contoso-dev";
        assert_eq!(within(prod, &placed), Some(true));
        assert_eq!(within(dev, &placed), Some(false));
        assert_eq!(within(dev, &unplaced), None);
        assert_eq!(within("/subscriptions/s2", &no_id), None);
    }

    #[test]
    fn ids_are_split_into_segments_as_split_does() {
        for id in ["", "/", "a", "/subscriptions/s/", "//x//", "/é/€/😀"] {
            assert_eq!(
                segments(id).collect::<Vec<_>>(),
                id.split('/').collect::<Vec<_>>(),
                "{id}"
            );
        }
    }

    #[test]
    fn a_scope_read_once_places_resources_as_one_read_each_time() {
        let ids = [
            "/subscriptions/S1/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/a",
            "/subscriptions/{subscriptionId:lab}/resourceGroups/rg",
            "/subscriptions/Lab/resourceGroups/rg",
        ];
        let scopes = [
            "",
            "/",
            "/subscriptions/s1",
            "/subscriptions/s1/resourcegroups/RG-AI/",
            "/subscriptions/s2",
            "/subscriptions/{subscriptionId}/resourceGroups/rg-ai",
            "/subscriptions/{subscriptionId:lab}",
            "/providers/Microsoft.Management/managementGroups/Contoso-Prod",
            "/providers/Microsoft.Management/managementGroups/contoso-dev/",
        ];
        let groups = ["contoso-prod".to_string()];
        for scope in scopes {
            let read = Scope::new(scope);
            for id in ids {
                for (management_groups, complete) in
                    [(&groups[..], false), (&[][..], false), (&[][..], true)]
                {
                    assert_eq!(
                        read.contains(id, management_groups, complete),
                        within(
                            scope,
                            &Placement {
                                id: Some(id),
                                management_groups,
                                management_groups_complete: complete,
                                placeholders_unknown: false,
                            }
                        ),
                        "{scope} {id}"
                    );
                }
            }
        }
    }
}
