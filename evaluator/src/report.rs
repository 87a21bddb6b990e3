//! The one report of `charter test`, `charter audit` and `charter eval`, and its renderers:
//! human (for a terminal or a CI log), JSON, SARIF, JUnit XML and Markdown.
//!
//! The three commands ask different questions (does each fixture get the expected verdict? what
//! would the governance do to these resources? what does this definition do to this resource?)
//! but report the same thing: resources, each with a verdict and the rules that decided it. So
//! there is one [`Report`] of [`Entry`]s, each with its [`RuleResult`]s, and one renderer per
//! format; a command only decides what goes in.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::evaluate::Outcome;
use crate::suite::printable;

/// Which command made a report: the renderers word some things differently for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportKind {
    /// `charter test`: fixtures with expectations.
    Test,
    /// `charter audit`: real resources against a project's assignments.
    Audit,
    /// `charter eval`: any definition or initiative against resources.
    Eval,
}

/// What the governance does to one resource, worst first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// A `deny` (or `denyAction`) applies: Azure would refuse the request.
    Deny,
    /// Another effect applies (`audit`, `auditIfNotExists`, `modify`, ...): Azure would allow
    /// the request and report the resource non-compliant (or change it).
    Audit,
    /// It could not be told: a rule read a value the input does not have, an alias nobody
    /// knows, or no known assignment covers the resource.
    NotEvaluated,
    /// A rule matched, and an exemption covers the resource for it.
    Exempt,
    /// No rule matched.
    Compliant,
}

impl Verdict {
    /// The word for tools (`compliant`, `deny`, `audit`, `exempt`, `not_evaluated`).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Deny => "deny",
            Verdict::Audit => "audit",
            Verdict::NotEvaluated => "not_evaluated",
            Verdict::Exempt => "exempt",
            Verdict::Compliant => "compliant",
        }
    }

    /// The label a person reads in the human report.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Deny => "DENY",
            Verdict::Audit => "AUDIT",
            Verdict::NotEvaluated => "NOT EVALUATED",
            Verdict::Exempt => "EXEMPT",
            Verdict::Compliant => "ok",
        }
    }

    /// The verdict of a strongest effect (`deny`, `denyAction` → deny; any other → audit).
    pub fn of_effect(effect: &str) -> Verdict {
        if effect.eq_ignore_ascii_case("deny") || effect.eq_ignore_ascii_case("denyAction") {
            Verdict::Deny
        } else {
            Verdict::Audit
        }
    }

    /// Every verdict, worst first.
    pub const ALL: [Verdict; 5] = [
        Verdict::Deny,
        Verdict::Audit,
        Verdict::NotEvaluated,
        Verdict::Exempt,
        Verdict::Compliant,
    ];
}

/// When a report fails the run (exit code 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FailOn {
    /// When anything would be denied, or an estate check finds an error.
    #[default]
    Deny,
    /// When anything would be denied or audited, or an estate check finds anything.
    Audit,
    /// Never: the report is information.
    Never,
}

/// Where in the Charter source a rule comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceRef {
    /// What it is, in words: ``field `models` of policy `contoso_ai` ``.
    pub label: String,
    /// The file, as the project names it.
    pub file: String,
    /// 1-based line and column (in characters).
    pub line: usize,
    pub column: usize,
}

/// One definition evaluated for one resource (an initiative member, or a definition assigned
/// directly, or the definition `charter eval` was given).
#[derive(Clone, Debug, PartialEq)]
pub struct RuleResult {
    /// The assignment's name (empty when `charter eval` evaluates a definition on its own).
    pub assignment: String,
    /// The member's `policyDefinitionReferenceId` (empty when the assignment targets the
    /// definition directly).
    pub reference_id: String,
    /// The definition's name (a GUID for built-ins).
    pub definition: String,
    /// The definition's `displayName`.
    pub display_name: String,
    /// Whether the assignment enforces its effects (`enforcementMode` is not `DoNotEnforce`).
    pub enforced: bool,
    /// Set when an exemption covers this resource for this member (its name).
    pub exempted_by: Option<String>,
    /// The exemption's `expiresOn`, when it has one.
    pub exemption_expires: Option<String>,
    /// The exemption's category (`Waiver`, `Mitigated`).
    pub exemption_category: Option<String>,
    /// Why the rule could not be judged for this resource (it read a value the input does not
    /// have, or an alias nobody knows); its outcome is then not a verdict.
    pub not_evaluated: Option<String>,
    /// The assignment's non-compliance message for this member: how to comply.
    pub message: Option<String>,
    /// The Charter source of the rule, when a Charter project made it.
    pub source: Option<SourceRef>,
    /// What the evaluation gave, with its trace.
    pub outcome: Outcome,
}

impl RuleResult {
    /// The effect that actually happens: none when exempted or not judged, and a blocking or
    /// modifying effect is only reported (as `audit`) when the assignment does not enforce.
    pub fn effective_effect(&self) -> Option<String> {
        if self.exempted_by.is_some() || self.not_evaluated.is_some() {
            return None;
        }
        let effect = self.outcome.effect.clone()?;
        if !self.enforced
            && matches!(
                effect.as_str(),
                "deny" | "denyAction" | "modify" | "append" | "deployIfNotExists" | "mutate"
            )
        {
            return Some("audit".to_string());
        }
        Some(effect)
    }

    /// What this rule does to the resource.
    pub fn verdict(&self) -> Verdict {
        if self.not_evaluated.is_some() {
            return Verdict::NotEvaluated;
        }
        match (&self.exempted_by, self.effective_effect()) {
            (_, Some(effect)) => Verdict::of_effect(&effect),
            (Some(_), None) if self.outcome.effect.is_some() => Verdict::Exempt,
            _ => Verdict::Compliant,
        }
    }

    pub(crate) fn matches_name(&self, wanted: &str) -> bool {
        [&self.definition, &self.display_name, &self.reference_id]
            .iter()
            .any(|name| !name.is_empty() && name.eq_ignore_ascii_case(wanted))
    }

    /// The reference id, or the definition name when the assignment targets it directly.
    pub fn short_name(&self) -> &str {
        if self.reference_id.is_empty() {
            &self.definition
        } else {
            &self.reference_id
        }
    }

    /// `assignment `a` → definition `d` (Display name), reference `r``.
    pub fn label(&self) -> String {
        let mut label = if self.assignment.is_empty() {
            format!("definition `{}`", self.definition)
        } else {
            format!(
                "assignment `{}` → definition `{}`",
                self.assignment, self.definition
            )
        };
        if !self.display_name.is_empty() && self.display_name != self.definition {
            label.push_str(&format!(" ({})", self.display_name));
        }
        if !self.reference_id.is_empty() {
            label.push_str(&format!(", reference `{}`", self.reference_id));
        }
        label
    }

    /// The conditions that compared values (field, value and count conditions), as the trace
    /// shows them: what a reader wants to see first.
    pub fn compared(&self) -> Vec<String> {
        self.outcome
            .trace
            .iter()
            .filter(|step| step.matched.is_some())
            .filter(|step| {
                step.text.starts_with("field ")
                    || step.text.starts_with("value ")
                    || step.text.starts_with("count ")
            })
            .map(|step| {
                let verdict = if step.matched == Some(true) {
                    "true"
                } else {
                    "false"
                };
                format!("{} → {verdict}", step.text)
            })
            .collect()
    }
}

/// How serious an estate check's finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A finding that is not a policy verdict: what only the project's own knowledge can tell (a
/// retired model version, an endpoint shared across workloads, an account no workload
/// declares).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// A stable name for tools (`retired-version`).
    pub code: String,
    pub severity: Severity,
    /// One line, for a person.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

/// What a test case expected, and whether it got it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestResult {
    /// `compliant`, `non-compliant` or an effect.
    pub expected: String,
    /// Whether the case expected compliance (its failures then explain only what matched).
    pub expects_compliant: bool,
    pub passed: bool,
    /// Problems that make the case meaningless (a filter matched nothing).
    pub problems: Vec<String>,
    /// References that could not be evaluated.
    pub skipped: Vec<String>,
}

/// One resource of a report, with what happened to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The resource id, when the input gives one.
    pub id: Option<String>,
    /// What a person calls it: the test case's name, or the resource's name.
    pub name: String,
    /// The resource type (`Microsoft.CognitiveServices/accounts`).
    pub resource_type: String,
    /// A test case's description.
    pub description: String,
    /// The file it was read from.
    pub file: Option<String>,
    /// Where in the input it came from: `resources.json#3`, a Terraform address.
    pub origin: Option<String>,
    /// The workload or owner it belongs to (`audit` groups by it).
    pub owner: Option<String>,
    pub verdict: Verdict,
    /// The strongest effect that happens (canonical spelling), `None` when none does.
    pub effect: Option<String>,
    /// The rules that decided the verdict (for `eval`, every rule evaluated). Shared: an
    /// audit gives resources of one shape the same results, and renders them once.
    pub results: std::sync::Arc<Vec<RuleResult>>,
    /// Why the resource, or some rule, was not evaluated; other notes about it.
    pub reasons: Vec<String>,
    /// Estate checks about this resource.
    pub checks: Vec<Check>,
    /// For `charter test`: the expectation and whether it held.
    pub test: Option<TestResult>,
}

impl Entry {
    /// Why the entry, or a rule of it, was not evaluated: the entry's reasons, then each rule's.
    pub fn why_not_evaluated(&self) -> Vec<String> {
        let mut why = self.reasons.clone();
        for result in self.results.iter() {
            if let Some(reason) = &result.not_evaluated {
                why.push(format!("`{}` not evaluated: {reason}", result.short_name()));
            }
        }
        why
    }

    /// The worst thing about the entry, for sorting: an estate error counts as much as a denial
    /// and a warning as much as an audit finding; then its verdict.
    fn rank(&self) -> (u8, u8) {
        let verdict = Verdict::ALL
            .iter()
            .position(|known| *known == self.verdict)
            .unwrap_or(Verdict::ALL.len()) as u8;
        let checks = match self.checks.iter().map(|check| check.severity).min() {
            Some(Severity::Error) => 0,
            Some(Severity::Warning) => 1,
            None => u8::MAX,
        };
        (verdict.min(checks), verdict)
    }

    fn has_error_check(&self) -> bool {
        self.checks
            .iter()
            .any(|check| check.severity == Severity::Error)
    }
}

/// The report of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub kind: ReportKind,
    pub entries: Vec<Entry>,
    /// References that cannot be evaluated offline (built-ins not bundled, missing definitions).
    pub skipped: Vec<String>,
    /// `charter test`: the project's definitions no case makes match.
    pub unexercised: Vec<String>,
    /// Notes about the whole run (placements it could not make, inputs it read).
    pub notes: Vec<String>,
    /// Findings about the whole estate that no single resource carries.
    pub checks: Vec<Check>,
}

impl Report {
    /// An empty report of a kind.
    pub fn new(kind: ReportKind) -> Report {
        Report {
            kind,
            entries: Vec::new(),
            skipped: Vec::new(),
            unexercised: Vec::new(),
            notes: Vec::new(),
            checks: Vec::new(),
        }
    }

    /// How many entries have each verdict, worst first.
    pub fn counts(&self) -> Vec<(Verdict, usize)> {
        Verdict::ALL
            .iter()
            .map(|verdict| {
                (
                    *verdict,
                    self.entries
                        .iter()
                        .filter(|entry| entry.verdict == *verdict)
                        .count(),
                )
            })
            .collect()
    }

    /// Every estate check, the entries' and the report's.
    pub fn all_checks(&self) -> impl Iterator<Item = &Check> {
        self.entries
            .iter()
            .flat_map(|entry| &entry.checks)
            .chain(&self.checks)
    }

    /// Whether the run fails: a test case failed, or (audit, eval) a verdict or check reaches
    /// `fail_on`.
    pub fn failed(&self, fail_on: FailOn) -> bool {
        if self.kind == ReportKind::Test {
            return self
                .entries
                .iter()
                .any(|entry| entry.test.as_ref().is_some_and(|test| !test.passed));
        }
        self.entries.iter().any(|entry| fails(entry, fail_on))
            || self.checks.iter().any(|check| match fail_on {
                FailOn::Deny => check.severity == Severity::Error,
                FailOn::Audit => true,
                FailOn::Never => false,
            })
    }

    /// How many test cases passed.
    pub fn passed_cases(&self) -> usize {
        self.entries
            .iter()
            .filter(|entry| entry.test.as_ref().is_some_and(|test| test.passed))
            .count()
    }

    /// The entries grouped by owner, worst group first, each group worst entry first; entries
    /// without an owner come last among equals.
    pub fn groups(&self) -> Vec<(Option<&str>, Vec<&Entry>)> {
        let mut groups: Vec<(Option<&str>, Vec<&Entry>)> = Vec::new();
        for entry in &self.entries {
            let owner = entry.owner.as_deref();
            match groups.iter_mut().find(|(known, _)| *known == owner) {
                Some((_, entries)) => entries.push(entry),
                None => groups.push((owner, vec![entry])),
            }
        }
        for (_, entries) in &mut groups {
            entries.sort_by(|a, b| {
                a.rank()
                    .cmp(&b.rank())
                    .then_with(|| a.id.cmp(&b.id))
                    .then_with(|| a.name.cmp(&b.name))
            });
        }
        groups.sort_by(|(a_owner, a), (b_owner, b)| {
            let worst = |entries: &Vec<&Entry>| entries.iter().map(|entry| entry.rank()).min();
            worst(a)
                .cmp(&worst(b))
                .then_with(|| a_owner.is_none().cmp(&b_owner.is_none()))
                .then_with(|| a_owner.cmp(b_owner))
        });
        groups
    }
}

/// Whether one entry reaches `fail_on`.
fn fails(entry: &Entry, fail_on: FailOn) -> bool {
    match fail_on {
        FailOn::Never => false,
        FailOn::Deny => entry.verdict == Verdict::Deny || entry.has_error_check(),
        FailOn::Audit => {
            matches!(entry.verdict, Verdict::Deny | Verdict::Audit) || !entry.checks.is_empty()
        }
    }
}

/// The lower-case effect for tools, `none` when no effect applies.
pub fn effect_word(effect: Option<&str>) -> String {
    effect.map_or_else(|| "none".to_string(), str::to_lowercase)
}

// ------------------------------------------------------------------------------------ human

/// ANSI colours for the human report, when a person watches a terminal.
struct Paint {
    colored: bool,
}

impl Paint {
    fn verdict(&self, verdict: Verdict) -> String {
        let label = verdict.label();
        if !self.colored {
            return label.to_string();
        }
        let code = match verdict {
            Verdict::Deny => "1;31",
            Verdict::Audit => "1;33",
            Verdict::NotEvaluated => "1;35",
            Verdict::Exempt => "1;36",
            Verdict::Compliant => "32",
        };
        format!("\x1b[{code}m{label}\x1b[0m")
    }

    fn severity(&self, severity: Severity) -> String {
        let word = severity.as_str();
        if !self.colored {
            return word.to_string();
        }
        let code = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
        };
        format!("\x1b[{code}m{word}\x1b[0m")
    }

    fn bold(&self, text: &str) -> String {
        if self.colored {
            format!("\x1b[1m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// The report for a person: `charter test` prints a line per case; `audit` groups resources by
/// workload or owner, worst first, and explains each finding; `eval` explains every rule.
/// Control characters from the inputs are escaped; colour only when `colored`.
pub fn human(report: &Report, colored: bool) -> String {
    let paint = Paint { colored };
    let text = match report.kind {
        ReportKind::Test => human_test(report),
        ReportKind::Audit => human_audit(report, &paint),
        ReportKind::Eval => human_eval(report, &paint),
    };
    // Names, descriptions, policy names and values read from the resources all end up here: no
    // control character from them reaches the terminal (the colour codes are added after, so
    // they are made printable only when they were in the input).
    if colored {
        text
    } else {
        printable(&text)
    }
}

fn human_test(report: &Report) -> String {
    let mut out = String::new();
    let mut skipped = BTreeSet::new();
    for entry in &report.entries {
        out.push_str(&human_case(entry));
        if let Some(test) = &entry.test {
            skipped.extend(test.skipped.iter().cloned());
        }
    }
    if !report.unexercised.is_empty() {
        let names: Vec<String> = report
            .unexercised
            .iter()
            .map(|name| format!("`{name}`"))
            .collect();
        out.push_str(&format!(
            "no case makes these definitions match: {}\n",
            names.join(", ")
        ));
    }
    if !skipped.is_empty() {
        out.push_str(&format!(
            "skipped {} reference(s) the evaluator does not have:\n",
            skipped.len()
        ));
        for reference in &skipped {
            out.push_str(&format!("  {reference}\n"));
        }
    }
    let passed = report.passed_cases();
    out.push_str(&format!(
        "{passed} passed, {} failed\n",
        report.entries.len() - passed
    ));
    printable(&out)
}

fn human_case(entry: &Entry) -> String {
    let Some(test) = &entry.test else {
        return String::new();
    };
    let status = if test.passed { "PASS" } else { "FAIL" };
    let got = entry
        .effect
        .clone()
        .unwrap_or_else(|| "compliant".to_string());
    let mut out = format!("{status} {}", entry.name);
    if !entry.description.is_empty() {
        out.push_str(&format!(": {}", entry.description));
    }
    out.push_str(&format!(" (expected {}, got {got})\n", test.expected));
    if test.passed {
        // A pass that rests on an evaluation error (an implicit deny) hides a broken rule.
        for result in entry
            .results
            .iter()
            .filter(|result| result.outcome.error.is_some())
        {
            out.push_str(&format!(
                "    warning: {}: {}\n",
                result.label(),
                result.outcome.error.clone().unwrap_or_default()
            ));
        }
        return out;
    }
    for problem in &test.problems {
        out.push_str(&format!("    problem: {problem}\n"));
    }
    if entry.results.is_empty() && test.problems.is_empty() {
        out.push_str("    no assignment covers this resource\n");
    }
    let to_explain: Vec<&RuleResult> = if test.expects_compliant {
        entry
            .results
            .iter()
            .filter(|result| result.effective_effect().is_some())
            .collect()
    } else {
        entry.results.iter().collect()
    };
    let (elsewhere, explained): (Vec<&RuleResult>, Vec<&RuleResult>) = to_explain
        .into_iter()
        .partition(|result| result.outcome.targets_other_resources());
    for result in explained {
        out.push_str(&format!(
            "    {}: {}\n",
            result.label(),
            rule_effect(result)
        ));
        for line in result.outcome.explain().lines() {
            out.push_str(&format!("      {line}\n"));
        }
    }
    out.push_str(&summarise_elsewhere(&elsewhere, "    "));
    // Skipped references are listed once, in the suite's summary: they are the same
    // built-ins for every case, and repeating them under each failure buries the reasons.
    out
}

/// What a rule did, in words: `deny`, `audit, exempted by ...`, `compliant`, ...
fn rule_effect(result: &RuleResult) -> String {
    if let Some(reason) = &result.not_evaluated {
        return format!("not evaluated: {reason}");
    }
    match (result.effective_effect(), &result.outcome.effect) {
        (_, _) if !result.outcome.applicable => "not applicable".to_string(),
        (Some(effective), Some(raw)) if &effective != raw => {
            format!("{raw}, reported as {effective} (enforcementMode DoNotEnforce)")
        }
        (Some(effective), _) => effective,
        (None, Some(raw)) => {
            let mut text = format!(
                "{raw}, exempted by `{}`",
                result.exempted_by.clone().unwrap_or_default()
            );
            if let Some(expires) = &result.exemption_expires {
                text.push_str(&format!(" until {}", day_of(expires)));
            }
            text
        }
        (None, None) => "compliant".to_string(),
    }
}

/// `2027-03-31` of `2027-03-31T23:59:59Z`.
fn day_of(timestamp: &str) -> &str {
    timestamp.get(..10).unwrap_or(timestamp)
}

/// Rules about other resources, in one line per reason, then per type.
fn summarise_elsewhere(elsewhere: &[&RuleResult], indent: &str) -> String {
    let mut out = String::new();
    let mut by_reason: Vec<(String, Vec<String>)> = Vec::new();
    let mut other_types = Vec::new();
    for result in elsewhere {
        let name = format!("`{}`", result.short_name());
        let reason = result
            .outcome
            .trace
            .iter()
            .find(|step| step.matched.is_none())
            .map(|step| step.text.clone())
            .filter(|_| !result.outcome.applicable);
        match reason {
            Some(reason) => match by_reason.iter_mut().find(|(known, _)| *known == reason) {
                Some((_, names)) => names.push(name),
                None => by_reason.push((reason, vec![name])),
            },
            None => other_types.push(name),
        }
    }
    for (reason, names) in by_reason {
        out.push_str(&format!("{indent}{reason}: {}\n", names.join(", ")));
    }
    if !other_types.is_empty() {
        out.push_str(&format!(
            "{indent}about other resource types: {}\n",
            other_types.join(", ")
        ));
    }
    out
}

/// How many lines of a trace the human report shows under a finding.
const SHOWN_TRACE_LINES: usize = 12;

fn human_audit(report: &Report, paint: &Paint) -> String {
    let mut out = String::new();
    for (owner, entries) in report.groups() {
        let counts: Vec<String> = Verdict::ALL
            .iter()
            .filter_map(|verdict| {
                let count = entries.iter().filter(|e| e.verdict == *verdict).count();
                (count > 0).then(|| format!("{count} {}", verdict_words(*verdict, count)))
            })
            .collect();
        let mut counts = counts;
        for severity in [Severity::Error, Severity::Warning] {
            let count = entries
                .iter()
                .flat_map(|entry| &entry.checks)
                .filter(|check| check.severity == severity)
                .count();
            if count > 0 {
                counts.push(format!(
                    "{count} estate {}{}",
                    severity.as_str(),
                    if count == 1 { "" } else { "s" }
                ));
            }
        }
        let title = match owner {
            Some(owner) => owner.to_string(),
            None => "no owner".to_string(),
        };
        let _ = writeln!(out, "{} ({})", paint.bold(&title), counts.join(", "));
        let mut compliant = Vec::new();
        for entry in entries {
            if entry.verdict == Verdict::Compliant && entry.checks.is_empty() {
                compliant.push(entry_title(entry));
                continue;
            }
            human_entry(&mut out, entry, paint);
        }
        if !compliant.is_empty() {
            const LISTED: usize = 8;
            let mut names: Vec<String> = compliant.iter().take(LISTED).cloned().collect();
            if compliant.len() > LISTED {
                names.push(format!("and {} more", compliant.len() - LISTED));
            }
            let _ = writeln!(
                out,
                "  {} {} compliant: {}",
                paint.verdict(Verdict::Compliant),
                compliant.len(),
                names.join(", ")
            );
        }
        out.push('\n');
    }
    for check in &report.checks {
        human_check(&mut out, check, "", paint);
    }
    human_footer(&mut out, report);
    out
}

fn verdict_words(verdict: Verdict, count: usize) -> &'static str {
    match verdict {
        Verdict::Deny => "denied",
        Verdict::Audit => "audited",
        Verdict::NotEvaluated => "not evaluated",
        Verdict::Exempt => "exempt",
        Verdict::Compliant if count == 1 => "compliant",
        Verdict::Compliant => "compliant",
    }
}

/// `name (type)`.
fn entry_title(entry: &Entry) -> String {
    if entry.resource_type.is_empty() {
        entry.name.clone()
    } else {
        format!("{} ({})", entry.name, short_type(&entry.resource_type))
    }
}

/// `accounts/deployments` of `Microsoft.CognitiveServices/accounts/deployments`.
fn short_type(resource_type: &str) -> &str {
    resource_type
        .split_once('/')
        .map_or(resource_type, |(_, rest)| rest)
}

fn human_entry(out: &mut String, entry: &Entry, paint: &Paint) {
    // A compliant resource shown for an estate check is labelled by its worst check.
    let label = match (entry.verdict, entry.checks.iter().map(|c| c.severity).min()) {
        (Verdict::Compliant, Some(severity)) => paint.severity(severity).to_uppercase(),
        (verdict, _) => paint.verdict(verdict),
    };
    let _ = writeln!(out, "  {label} {}", entry_title(entry));
    if let Some(id) = &entry.id {
        let _ = writeln!(out, "      {id}");
    }
    if let Some(origin) = &entry.origin {
        let _ = writeln!(out, "      from {origin}");
    }
    for result in entry.results.iter() {
        let verdict = result.verdict();
        if verdict == Verdict::Compliant {
            continue;
        }
        let _ = writeln!(out, "      {}: {}", result.label(), rule_effect(result));
        if verdict != Verdict::NotEvaluated {
            let trace = result.outcome.explain();
            let lines: Vec<&str> = trace.lines().collect();
            for line in lines.iter().take(SHOWN_TRACE_LINES) {
                let _ = writeln!(out, "          {line}");
            }
            if lines.len() > SHOWN_TRACE_LINES {
                let _ = writeln!(
                    out,
                    "          ... {} more lines (--format json has them all)",
                    lines.len() - SHOWN_TRACE_LINES
                );
            }
        }
        if let Some(source) = &result.source {
            let _ = writeln!(
                out,
                "          rule: {} at {}:{}:{}",
                source.label, source.file, source.line, source.column
            );
        }
        if let (Some(message), Verdict::Deny | Verdict::Audit) = (&result.message, verdict) {
            let _ = writeln!(out, "          help: {message}");
        }
    }
    for reason in &entry.reasons {
        let _ = writeln!(out, "      note: {reason}");
    }
    for check in &entry.checks {
        human_check(out, check, "      ", paint);
    }
}

fn human_check(out: &mut String, check: &Check, indent: &str, paint: &Paint) {
    let _ = writeln!(
        out,
        "{indent}{}[{}]: {}",
        paint.severity(check.severity),
        check.code,
        check.message
    );
    if let Some(help) = &check.help {
        let _ = writeln!(out, "{indent}  help: {help}");
    }
}

fn human_footer(out: &mut String, report: &Report) {
    if !report.skipped.is_empty() {
        let _ = writeln!(
            out,
            "not evaluated for any resource: {} initiative member(s) the evaluator does not have (the verdicts leave them out):",
            report.skipped.len()
        );
        for reference in &report.skipped {
            let _ = writeln!(out, "  {reference}");
        }
    }
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    let counts: Vec<String> = report
        .counts()
        .into_iter()
        .filter(|(_, count)| *count > 0)
        .map(|(verdict, count)| format!("{count} {}", verdict_words(verdict, count)))
        .collect();
    let errors = report
        .all_checks()
        .filter(|check| check.severity == Severity::Error)
        .count();
    let warnings = report.all_checks().count() - errors;
    let noun = if report.entries.len() == 1 {
        "resource"
    } else {
        "resources"
    };
    let checks = if report.kind == ReportKind::Audit {
        format!(
            "; estate checks: {errors} error{}, {warnings} warning{}",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" },
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{} {noun}: {}{checks}",
        report.entries.len(),
        if counts.is_empty() {
            "none".to_string()
        } else {
            counts.join(", ")
        },
    );
}

fn human_eval(report: &Report, paint: &Paint) -> String {
    let mut out = String::new();
    for entry in &report.entries {
        let effect = effect_word(entry.effect.as_deref());
        let _ = writeln!(
            out,
            "{} {}: {}",
            paint.verdict(entry.verdict),
            entry_title(entry),
            if entry.verdict == Verdict::NotEvaluated {
                "not evaluated".to_string()
            } else {
                format!("effect {effect}")
            }
        );
        if let Some(origin) = &entry.origin {
            let _ = writeln!(out, "    from {origin}");
        }
        let (elsewhere, explained): (Vec<&RuleResult>, Vec<&RuleResult>) = entry
            .results
            .iter()
            .partition(|result| result.outcome.targets_other_resources());
        for result in explained {
            let _ = writeln!(out, "    {}: {}", result.label(), rule_effect(result));
            for line in result.outcome.explain().lines() {
                let _ = writeln!(out, "      {line}");
            }
        }
        out.push_str(&summarise_elsewhere(&elsewhere, "    "));
        for reason in &entry.reasons {
            let _ = writeln!(out, "    note: {reason}");
        }
    }
    human_footer(&mut out, report);
    out
}

// ------------------------------------------------------------------------------------- JSON

/// One resource of an audit or eval report, as [`json`] lists it under `resources`.
pub fn entry_json(entry: &Entry) -> Value {
    serde_json::to_value(EntryJson(entry)).unwrap_or(Value::Null)
}

/// One resource of an audit or eval report, serialised as [`entry_json`] gives it but without
/// building a JSON value first: an audit writes 100,000 of them, and building each one's value
/// tree was a fifth of the audit's time, most of it in the allocator. The members are written
/// in the order the JSON document lists them.
pub struct EntryJson<'a>(pub &'a Entry);

impl Serialize for EntryJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_entry(self.0, &RulesJson(&self.0.results), serializer)
    }
}

/// [`EntryJson`] with its `rules` member given as JSON text already made (by [`RulesJson`],
/// indented where the entry puts it): an audit gives resources of one shape the same
/// results, and writes their text once.
pub struct EntryJsonWithRules<'a>(pub &'a Entry, pub &'a serde_json::value::RawValue);

impl Serialize for EntryJsonWithRules<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_entry(self.0, self.1, serializer)
    }
}

/// The `rules` member of a resource's JSON ([`EntryJson`]).
pub struct RulesJson<'a>(pub &'a [RuleResult]);

impl Serialize for RulesJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(RuleJson))
    }
}

fn serialize_entry<S: Serializer>(
    entry: &Entry,
    rules: &(impl Serialize + ?Sized),
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(11))?;
    map.serialize_entry("id", &entry.id)?;
    map.serialize_entry("name", &entry.name)?;
    map.serialize_entry("type", &entry.resource_type)?;
    map.serialize_entry("file", &entry.file)?;
    map.serialize_entry("origin", &entry.origin)?;
    map.serialize_entry("owner", &entry.owner)?;
    map.serialize_entry("verdict", entry.verdict.as_str())?;
    map.serialize_entry("effect", &effect_word(entry.effect.as_deref()))?;
    map.serialize_entry("rules", rules)?;
    map.serialize_entry("reasons", &entry.reasons)?;
    map.serialize_entry("checks", &Each(&entry.checks, CheckJson))?;
    map.end()
}

/// A slice serialised as a sequence of `view(item)`.
struct Each<'a, T, V>(&'a [T], fn(&'a T) -> V);

impl<'a, T, V: Serialize> Serialize for Each<'a, T, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(self.1))
    }
}

struct SourceJson<'a>(&'a SourceRef);

impl Serialize for SourceJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let source = self.0;
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("label", &source.label)?;
        map.serialize_entry("file", &source.file)?;
        map.serialize_entry("line", &source.line)?;
        map.serialize_entry("column", &source.column)?;
        map.end()
    }
}

struct CheckJson<'a>(&'a Check);

impl Serialize for CheckJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let check = self.0;
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("check", &check.code)?;
        map.serialize_entry("severity", check.severity.as_str())?;
        map.serialize_entry("message", &check.message)?;
        map.serialize_entry("help", &check.help)?;
        map.end()
    }
}

struct ExemptionJson<'a>(&'a RuleResult, &'a str);

impl Serialize for ExemptionJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ExemptionJson(result, name) = self;
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("name", name)?;
        map.serialize_entry("expires", &result.exemption_expires)?;
        map.serialize_entry("category", &result.exemption_category)?;
        map.end()
    }
}

/// The lines of a text, as a sequence of strings.
struct Lines<'a>(&'a str);

impl Serialize for Lines<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.lines())
    }
}

struct RuleJson<'a>(&'a RuleResult);

impl Serialize for RuleJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let result = self.0;
        let exemption = result
            .exempted_by
            .as_deref()
            .map(|name| ExemptionJson(result, name));
        let mut map = serializer.serialize_map(Some(16))?;
        map.serialize_entry("rule", result.short_name())?;
        map.serialize_entry("reference_id", &result.reference_id)?;
        map.serialize_entry("definition", &result.definition)?;
        map.serialize_entry("display_name", &result.display_name)?;
        map.serialize_entry("assignment", &result.assignment)?;
        map.serialize_entry("verdict", result.verdict().as_str())?;
        map.serialize_entry("effect", &effect_word(result.outcome.effect.as_deref()))?;
        map.serialize_entry(
            "effective_effect",
            &effect_word(result.effective_effect().as_deref()),
        )?;
        map.serialize_entry("enforced", &result.enforced)?;
        map.serialize_entry("exemption", &exemption)?;
        map.serialize_entry("not_evaluated", &result.not_evaluated)?;
        map.serialize_entry("error", &result.outcome.error)?;
        map.serialize_entry("message", &result.message)?;
        map.serialize_entry("source", &result.source.as_ref().map(SourceJson))?;
        map.serialize_entry("compared", &result.compared())?;
        map.serialize_entry("trace", &Lines(&result.outcome.explain()))?;
        map.end()
    }
}

/// The report's part of the run's one JSON document, as members to add to it:
///
/// * test: `tests` (`{"passed", "failed", "cases": [{"name", "description", "expected", "got",
///   "passed", "problems", "skipped"}], "unexercised"}`);
/// * audit: `resources` (one object per resource: `id`, `name`, `type`, `owner`, `verdict`,
///   `effect`, `rules`, `reasons`, `checks`), `counts`, `checks`, `skipped`, `notes`;
/// * eval: `effect` (the strongest effect over every resource, lower case, `none` when none
///   applies), `verdict`, and the same `resources`, `skipped` and `notes`.
pub fn json(report: &Report) -> Map<String, Value> {
    members(report, None)
}

/// [`json`] with `placeholder` in place of the `resources` array: a caller rendering a large
/// report writes each resource's [`entry_json`] into the text itself, one at a time, instead of
/// holding every resource's JSON value at once.
pub fn json_deferred(report: &Report, placeholder: &str) -> Map<String, Value> {
    members(report, Some(placeholder))
}

fn members(report: &Report, placeholder: Option<&str>) -> Map<String, Value> {
    let mut members = Map::new();
    if report.kind == ReportKind::Test {
        let cases: Vec<Value> = report
            .entries
            .iter()
            .filter_map(|entry| {
                let test = entry.test.as_ref()?;
                Some(json!({
                    "name": entry.name,
                    "description": entry.description,
                    "expected": test.expected,
                    "got": entry.effect.clone().unwrap_or_else(|| "compliant".to_string()),
                    "passed": test.passed,
                    "problems": test.problems,
                    "skipped": test.skipped,
                }))
            })
            .collect();
        let passed = report.passed_cases();
        members.insert(
            "tests".to_string(),
            json!({
                "passed": passed,
                "failed": report.entries.len() - passed,
                "cases": cases,
                "unexercised": report.unexercised,
            }),
        );
        return members;
    }
    if report.kind == ReportKind::Eval {
        let strongest = crate::suite::strongest(
            report
                .entries
                .iter()
                .filter_map(|entry| entry.effect.clone()),
        );
        let verdict = report
            .entries
            .iter()
            .map(|entry| entry.verdict)
            .min()
            .unwrap_or(Verdict::Compliant);
        members.insert(
            "effect".to_string(),
            json!(effect_word(strongest.as_deref())),
        );
        members.insert("verdict".to_string(), json!(verdict.as_str()));
    }
    let mut counts = Map::new();
    counts.insert("resources".to_string(), json!(report.entries.len()));
    for (verdict, count) in report.counts() {
        counts.insert(verdict.as_str().to_string(), json!(count));
    }
    members.insert("counts".to_string(), Value::Object(counts));
    members.insert(
        "resources".to_string(),
        match placeholder {
            Some(placeholder) => json!(placeholder),
            None => report.entries.iter().map(entry_json).collect(),
        },
    );
    members.insert(
        "checks".to_string(),
        report
            .checks
            .iter()
            .map(|check| serde_json::to_value(CheckJson(check)).unwrap_or(Value::Null))
            .collect(),
    );
    members.insert("skipped".to_string(), json!(report.skipped));
    members.insert("notes".to_string(), json!(report.notes));
    members
}

// ------------------------------------------------------------------------------------ SARIF

/// A SARIF 2.1.0 `run` of the report: one result per rule that denies, audits or could not be
/// evaluated, per failed test case, and per estate check; a rule's result is located at its
/// Charter source when it has one, else at the input file, and names the resource as a logical
/// location. `tool_version` is Charter's version.
pub fn sarif_run(report: &Report, tool_version: &str) -> Value {
    let mut rules: Vec<Value> = Vec::new();
    let mut rule_ids: BTreeSet<String> = BTreeSet::new();
    let mut add_rule = |id: &str, text: &str, rules: &mut Vec<Value>| {
        if rule_ids.insert(id.to_string()) {
            rules.push(json!({
                "id": id,
                "shortDescription": { "text": text },
            }));
        }
    };
    let mut results = Vec::new();
    for entry in &report.entries {
        let logical = json!([{
            "fullyQualifiedName": entry.id.clone().unwrap_or_else(|| entry.name.clone()),
            "kind": "resource",
        }]);
        if let Some(test) = &entry.test {
            if test.passed {
                continue;
            }
            add_rule(
                "test-case",
                "a test case did not get its expected verdict",
                &mut rules,
            );
            results.push(json!({
                "ruleId": "test-case",
                "level": "error",
                "message": { "text": format!(
                    "{}: expected {}, got {}",
                    entry.name,
                    test.expected,
                    entry.effect.clone().unwrap_or_else(|| "compliant".to_string())
                ) },
                "locations": [location(None, entry.file.as_deref(), &logical)],
            }));
            continue;
        }
        for result in entry.results.iter() {
            let verdict = result.verdict();
            let level = match verdict {
                Verdict::Deny => "error",
                Verdict::Audit => "warning",
                Verdict::NotEvaluated => "note",
                Verdict::Exempt | Verdict::Compliant => continue,
            };
            let id = result.short_name().to_string();
            let text = if result.display_name.is_empty() {
                result.definition.clone()
            } else {
                result.display_name.clone()
            };
            add_rule(&id, &text, &mut rules);
            let mut message = format!(
                "{} `{}`: {}",
                short_type(&entry.resource_type),
                entry.name,
                rule_effect(result)
            );
            if let Some(help) = &result.message {
                message.push_str(&format!("\n{help}"));
            }
            results.push(json!({
                "ruleId": id,
                "level": level,
                "message": { "text": message },
                "locations": [location(result.source.as_ref(), entry.file.as_deref(), &logical)],
            }));
        }
        for check in &entry.checks {
            add_rule(&check.code, &check.code, &mut rules);
            results.push(json!({
                "ruleId": check.code,
                "level": check.severity.as_str(),
                "message": { "text": check.message },
                "locations": [location(None, entry.file.as_deref(), &logical)],
            }));
        }
    }
    for check in &report.checks {
        add_rule(&check.code, &check.code, &mut rules);
        results.push(json!({
            "ruleId": check.code,
            "level": check.severity.as_str(),
            "message": { "text": check.message },
        }));
    }
    json!({
        "tool": { "driver": {
            "name": "charter",
            "informationUri": "https://github.com/charter-lang/charter",
            "version": tool_version,
            "rules": rules,
        } },
        "results": results,
    })
}

fn location(source: Option<&SourceRef>, file: Option<&str>, logical: &Value) -> Value {
    let mut location = Map::new();
    if let Some(source) = source {
        location.insert(
            "physicalLocation".to_string(),
            json!({
                "artifactLocation": { "uri": source.file, "uriBaseId": "%SRCROOT%" },
                "region": { "startLine": source.line, "startColumn": source.column },
            }),
        );
    } else if let Some(file) = file {
        location.insert(
            "physicalLocation".to_string(),
            json!({ "artifactLocation": { "uri": file, "uriBaseId": "%SRCROOT%" } }),
        );
    }
    location.insert("logicalLocations".to_string(), logical.clone());
    Value::Object(location)
}

// ------------------------------------------------------------------------------------ JUnit

/// The report as JUnit XML, as CI systems show test results: one `<testsuite>` per owner (or
/// one for a test run), one `<testcase>` per resource or case; a `<failure>` for what reaches
/// `fail_on` (a failed case, for tests), `<skipped>` for what was not evaluated, and the
/// other findings in `<system-out>`.
pub fn junit(report: &Report, fail_on: FailOn) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let groups: Vec<(String, Vec<&Entry>)> = match report.kind {
        ReportKind::Test => vec![("charter test".to_string(), report.entries.iter().collect())],
        _ => report
            .groups()
            .into_iter()
            .map(|(owner, entries)| {
                let kind = if report.kind == ReportKind::Audit {
                    "charter audit"
                } else {
                    "charter eval"
                };
                (
                    match owner {
                        Some(owner) => format!("{kind}: {owner}"),
                        None => format!("{kind}: no owner"),
                    },
                    entries,
                )
            })
            .collect(),
    };
    let failing = |entry: &Entry| match &entry.test {
        Some(test) => !test.passed,
        None => fails(entry, fail_on),
    };
    let total_failures: usize = groups
        .iter()
        .map(|(_, entries)| entries.iter().filter(|e| failing(e)).count())
        .sum();
    let total: usize = groups.iter().map(|(_, entries)| entries.len()).sum();
    let _ = writeln!(
        out,
        "<testsuites name=\"charter\" tests=\"{total}\" failures=\"{total_failures}\" errors=\"0\">"
    );
    for (name, entries) in &groups {
        let failures = entries.iter().filter(|e| failing(e)).count();
        let skipped = entries
            .iter()
            .filter(|e| e.test.is_none() && e.verdict == Verdict::NotEvaluated)
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
            xml(name),
            entries.len()
        );
        for entry in entries {
            let classname = if entry.resource_type.is_empty() {
                "charter".to_string()
            } else {
                entry.resource_type.clone()
            };
            let name = match &entry.test {
                Some(_) => entry.name.clone(),
                None => entry.id.clone().unwrap_or_else(|| entry.name.clone()),
            };
            let _ = writeln!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\">",
                xml(&name),
                xml(&classname)
            );
            let details = entry_details(entry);
            if failing(entry) {
                let message = match &entry.test {
                    Some(test) => format!(
                        "expected {}, got {}",
                        test.expected,
                        entry
                            .effect
                            .clone()
                            .unwrap_or_else(|| "compliant".to_string())
                    ),
                    None => format!(
                        "{}{}",
                        entry.verdict.as_str(),
                        entry
                            .effect
                            .as_ref()
                            .map(|effect| format!(" ({effect})"))
                            .unwrap_or_default()
                    ),
                };
                let _ = writeln!(
                    out,
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                    xml(&message),
                    entry.verdict.as_str(),
                    xml(&details)
                );
            } else if entry.test.is_none() && entry.verdict == Verdict::NotEvaluated {
                let _ = writeln!(
                    out,
                    "      <skipped message=\"{}\"/>",
                    xml(&entry.why_not_evaluated().join("; "))
                );
            } else if !details.is_empty() {
                let _ = writeln!(out, "      <system-out>{}</system-out>", xml(&details));
            }
            let _ = writeln!(out, "    </testcase>");
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    let _ = writeln!(out, "</testsuites>");
    out
}

/// The findings of an entry as plain text (what JUnit shows under a test case).
fn entry_details(entry: &Entry) -> String {
    let mut out = String::new();
    if let Some(test) = &entry.test {
        if !entry.description.is_empty() {
            let _ = writeln!(out, "{}", entry.description);
        }
        for problem in &test.problems {
            let _ = writeln!(out, "problem: {problem}");
        }
    }
    for result in entry.results.iter() {
        let passed_case = entry.test.as_ref().is_some_and(|test| test.passed);
        if passed_case || (result.verdict() == Verdict::Compliant && entry.test.is_none()) {
            continue;
        }
        let _ = writeln!(out, "{}: {}", result.label(), rule_effect(result));
        for line in result.outcome.explain().lines().take(SHOWN_TRACE_LINES) {
            let _ = writeln!(out, "  {line}");
        }
        if let Some(message) = &result.message {
            let _ = writeln!(out, "help: {message}");
        }
    }
    for reason in &entry.reasons {
        let _ = writeln!(out, "note: {reason}");
    }
    for check in &entry.checks {
        let _ = writeln!(
            out,
            "{}[{}]: {}",
            check.severity.as_str(),
            check.code,
            check.message
        );
    }
    out.trim_end().to_string()
}

/// Text escaped for XML content and attributes; characters XML 1.0 cannot carry at all (most
/// control characters) are written as `\u{..}`.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(ch),
            ch if ch.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", ch as u32);
            }
            ch => out.push(ch),
        }
    }
    out
}

// --------------------------------------------------------------------------------- Markdown

/// The report as Markdown, for a pull-request comment or a job summary: a table of counts,
/// then per owner a table of the resources that need attention, worst first, then the estate
/// checks. A test run is a table of its cases.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    if report.kind == ReportKind::Test {
        let passed = report.passed_cases();
        let _ = writeln!(
            out,
            "## charter test: {passed} passed, {} failed\n",
            report.entries.len() - passed
        );
        let _ = writeln!(out, "| | case | expected | got |\n|---|---|---|---|");
        for entry in &report.entries {
            let Some(test) = &entry.test else { continue };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                if test.passed { "pass" } else { "**FAIL**" },
                cell(&if entry.description.is_empty() {
                    entry.name.clone()
                } else {
                    format!("{}: {}", entry.name, entry.description)
                }),
                cell(&test.expected),
                cell(
                    &entry
                        .effect
                        .clone()
                        .unwrap_or_else(|| "compliant".to_string())
                )
            );
        }
        return out;
    }
    let title = if report.kind == ReportKind::Audit {
        "charter audit"
    } else {
        "charter eval"
    };
    let _ = writeln!(out, "## {title}: {} resources\n", report.entries.len());
    let _ = writeln!(out, "| verdict | resources |\n|---|---|");
    for (verdict, count) in report.counts() {
        let _ = writeln!(out, "| {} | {count} |", verdict.as_str());
    }
    out.push('\n');
    for (owner, entries) in report.groups() {
        let attention: Vec<&&Entry> = entries
            .iter()
            .filter(|entry| entry.verdict != Verdict::Compliant || !entry.checks.is_empty())
            .collect();
        let compliant = entries.len() - attention.len();
        let _ = writeln!(out, "### {}\n", cell(owner.unwrap_or("no owner")));
        if !attention.is_empty() {
            let _ = writeln!(
                out,
                "| verdict | resource | type | why |\n|---|---|---|---|"
            );
            for entry in attention {
                let mut why: Vec<String> = entry
                    .results
                    .iter()
                    .filter(|result| result.verdict() != Verdict::Compliant)
                    .map(|result| {
                        let mut text =
                            format!("`{}`: {}", result.short_name(), rule_effect(result));
                        if let Some(source) = &result.source {
                            text.push_str(&format!(" ({}:{})", source.file, source.line));
                        }
                        text
                    })
                    .collect();
                why.extend(entry.reasons.iter().cloned());
                why.dedup();
                why.extend(entry.checks.iter().map(|check| {
                    format!(
                        "{} `{}`: {}",
                        check.severity.as_str(),
                        check.code,
                        check.message
                    )
                }));
                let _ = writeln!(
                    out,
                    "| {} | `{}` | {} | {} |",
                    entry.verdict.as_str(),
                    cell(&entry.id.clone().unwrap_or_else(|| entry.name.clone())),
                    cell(short_type(&entry.resource_type)),
                    cell(&why.join("; "))
                );
            }
            out.push('\n');
        }
        if compliant > 0 {
            let _ = writeln!(out, "{compliant} compliant.\n");
        }
    }
    if !report.checks.is_empty() {
        let _ = writeln!(out, "### Estate\n");
        for check in &report.checks {
            let _ = writeln!(
                out,
                "- **{}** `{}`: {}",
                check.severity.as_str(),
                check.code,
                cell(&check.message)
            );
        }
        out.push('\n');
    }
    for note in &report.notes {
        let _ = writeln!(out, "> {}", cell(note));
    }
    out
}

/// Text safe in a Markdown table cell: pipes escaped, line breaks and control characters as
/// spaces.
fn cell(text: &str) -> String {
    text.chars()
        .map(|ch| if ch.is_control() { ' ' } else { ch })
        .collect::<String>()
        .replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::TraceStep;

    fn outcome(effect: Option<&str>) -> Outcome {
        Outcome {
            effect: effect.map(str::to_string),
            applicable: true,
            error: None,
            trace: vec![TraceStep {
                depth: 0,
                matched: Some(effect.is_some()),
                text: "field `location` = \"eastus\" notIn [\"swedencentral\"]".to_string(),
                field: Some("location".to_string()),
            }],
            unknown: None,
        }
    }

    fn rule(effect: Option<&str>) -> RuleResult {
        RuleResult {
            assignment: "contoso-ai".to_string(),
            reference_id: "accountRegions".to_string(),
            definition: "charter-allowed-account-regions".to_string(),
            display_name: "AI accounts only in allowed regions".to_string(),
            enforced: true,
            exempted_by: None,
            exemption_expires: None,
            exemption_category: None,
            not_evaluated: None,
            message: Some("Create AI accounts in swedencentral.".to_string()),
            source: Some(SourceRef {
                label: "field `regions` of policy `contoso_ai`".to_string(),
                file: "policy.charter".to_string(),
                line: 12,
                column: 3,
            }),
            outcome: outcome(effect),
        }
    }

    fn entry(name: &str, owner: Option<&str>, verdict: Verdict, results: Vec<RuleResult>) -> Entry {
        Entry {
            id: Some(format!("/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/{name}")),
            name: name.to_string(),
            resource_type: "Microsoft.CognitiveServices/accounts".to_string(),
            description: String::new(),
            file: Some("resources.json".to_string()),
            origin: Some("resources.json#0".to_string()),
            owner: owner.map(str::to_string),
            verdict,
            effect: (verdict == Verdict::Deny).then(|| "deny".to_string()),
            results: std::sync::Arc::new(results),
            reasons: Vec::new(),
            checks: Vec::new(),
            test: None,
        }
    }

    fn sample() -> Report {
        let mut report = Report::new(ReportKind::Audit);
        report.entries.push(entry(
            "ok-account",
            Some("research"),
            Verdict::Compliant,
            vec![],
        ));
        report.entries.push(entry(
            "us-account",
            Some("support"),
            Verdict::Deny,
            vec![rule(Some("deny"))],
        ));
        let mut shared = entry("shared", None, Verdict::Compliant, vec![]);
        shared.checks.push(Check {
            code: "shared-endpoint".to_string(),
            severity: Severity::Error,
            message: "AI account `shared` serves workloads `a` and `b`".to_string(),
            help: None,
        });
        report.entries.push(shared);
        report
    }

    #[test]
    fn groups_put_the_worst_first() {
        let report = sample();
        let owners: Vec<Option<&str>> = report.groups().iter().map(|(owner, _)| *owner).collect();
        assert_eq!(owners, [Some("support"), None, Some("research")]);
    }

    #[test]
    fn fail_on_thresholds() {
        let report = sample();
        assert!(report.failed(FailOn::Deny));
        assert!(report.failed(FailOn::Audit));
        assert!(!report.failed(FailOn::Never));
        let mut quiet = Report::new(ReportKind::Audit);
        quiet
            .entries
            .push(entry("a", None, Verdict::Audit, vec![rule(Some("audit"))]));
        assert!(!quiet.failed(FailOn::Deny));
        assert!(quiet.failed(FailOn::Audit));
    }

    #[test]
    fn human_audit_report() {
        insta::assert_snapshot!(human(&sample(), false), @r#"
        support (1 denied)
          DENY us-account (accounts)
              /subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/us-account
              from resources.json#0
              assignment `contoso-ai` → definition `charter-allowed-account-regions` (AI accounts only in allowed regions), reference `accountRegions`: deny
                  field `location` = "eastus" notIn ["swedencentral"] → true
                  rule: field `regions` of policy `contoso_ai` at policy.charter:12:3
                  help: Create AI accounts in swedencentral.

        no owner (1 compliant, 1 estate error)
          ERROR shared (accounts)
              /subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/shared
              from resources.json#0
              error[shared-endpoint]: AI account `shared` serves workloads `a` and `b`

        research (1 compliant)
          ok 1 compliant: ok-account (accounts)

        3 resources: 1 denied, 2 compliant; estate checks: 1 error, 0 warnings
        "#);
    }

    #[test]
    fn junit_escapes_and_fails_what_reaches_the_threshold() {
        let xml_text = junit(&sample(), FailOn::Deny);
        assert!(
            xml_text.contains("<testsuites name=\"charter\" tests=\"3\" failures=\"2\""),
            "{xml_text}"
        );
        assert!(xml_text.contains("&quot;eastus&quot;"), "{xml_text}");
        assert!(xml_text.contains("type=\"deny\""), "{xml_text}");
        assert_eq!(xml("a\u{1b}[31m<b>"), "a\\u{1b}[31m&lt;b&gt;");
    }

    #[test]
    fn json_lists_every_resource_with_its_verdict() {
        let members = json(&sample());
        let resources = members["resources"].as_array().cloned().unwrap_or_default();
        assert_eq!(resources.len(), 3);
        assert_eq!(resources[1]["verdict"], "deny");
        assert_eq!(resources[1]["effect"], "deny");
        assert_eq!(resources[0]["effect"], "none");
        assert_eq!(resources[1]["rules"][0]["source"]["line"], 12);
        assert_eq!(members["counts"]["deny"], 1);
    }

    #[test]
    fn sarif_locates_findings_at_the_charter_source() {
        let run = sarif_run(&sample(), "0.1.0");
        let results = run["results"].as_array().cloned().unwrap_or_default();
        assert_eq!(results.len(), 2);
        assert_eq!(results[0]["ruleId"], "accountRegions");
        assert_eq!(results[0]["level"], "error");
        assert_eq!(
            results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "policy.charter"
        );
        assert_eq!(results[1]["ruleId"], "shared-endpoint");
    }

    #[test]
    fn markdown_escapes_cells() {
        let mut report = sample();
        report.entries[1].name = "a|b".to_string();
        let text = markdown(&report);
        assert!(text.contains("| deny | 1 |"), "{text}");
        assert!(text.contains("### support"), "{text}");
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
