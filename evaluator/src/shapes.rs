//! What decides the verdicts an initiative gives a resource, finer than the properties its
//! rules read ([`crate::reads`]).
//!
//! Most rules read a property only to compare it with a constant: `raiPolicyName` `notIn` the
//! approved filters, `name` `notIn` `Microsoft.Default`, `sku.capacity` `greater` than a cap.
//! Such a condition answers alike for every value on the same side of it, so two resources
//! whose values differ (each workload's deployments name the workload's own content filter) but
//! answer every such condition alike get the same verdicts, as long as nothing else reads the
//! property. A resource's [`Shape`] is, per property the rules read, either the answers of the
//! conditions that test it (when that is the only way any rule reads it) or its value; resources
//! with equal shapes at the same placement get the same verdict from every rule.
//!
//! The conditions come from the rules as compiled for each assignment's member
//! ([`crate::compiled`]), with their parameter values, and are answered by the same code that
//! evaluates them. A property is compared by value when any rule reads it otherwise: inside a
//! `count`, through an array, in an expression or a rule's details, or in a rule the compiled
//! form does not answer (the interpreter then reads what it likes).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::Hasher as _;

use rustc_hash::{FxHashMap, FxHasher};
use serde_json::Value;

use crate::compiled::{Read, Test};
use crate::memo::{hash_value, same_value};
use crate::reads::{reads_outside_condition, value_at};
use crate::suite::Library;

/// The most conditions one property's answers are kept for (as the bits of a word); a property
/// tested more often is compared by value.
const MOST_TESTS: usize = 64;

/// What decides each rule's answers, for one prepared tree (see the module's documentation).
pub struct Shapes<'l> {
    /// Per payload path (as [`crate::reads`] spells it) that rules read only by comparing it
    /// with a constant, the distinct comparisons.
    tests: HashMap<String, Vec<Test<'l>>>,
    /// The answers of a property's tests by the text they read, by the property (the address
    /// of its key in `tests`, which does not change once built) and the text's hash: a
    /// property that differs per resource (a workload's filter name) takes few values, each
    /// tested once.
    answers: RefCell<FxHashMap<(usize, u64), Vec<Remembered>>>,
    /// The paths some assigned rule reads, when all of them are known: a path only rules that
    /// are not assigned read decides nothing.
    read: Option<HashSet<String>>,
}

/// A text a property's tests read, with their answers for it (`None`: one gave none).
type Remembered = (String, Option<u64>);

/// What decides the verdicts on one payload (see [`Shapes::shape`]).
#[derive(Debug)]
pub struct Shape<'v> {
    resource_type: Cow<'v, str>,
    parts: Vec<Part<'v>>,
    hash: u64,
}

/// One read property of a [`Shape`].
#[derive(Debug)]
enum Part<'v> {
    /// The answers of the conditions that test it, one bit each.
    Answers(u64),
    /// Its value (or the whole payload, when what is read cannot be told).
    Value(Option<Cow<'v, Value>>),
}

impl PartialEq for Part<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Part::Answers(a), Part::Answers(b)) => a == b,
            (Part::Value(Some(a)), Part::Value(Some(b))) => same_value(a, b),
            (Part::Value(None), Part::Value(None)) => true,
            _ => false,
        }
    }
}

impl PartialEq for Shape<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash
            && self
                .resource_type
                .eq_ignore_ascii_case(&other.resource_type)
            && self.parts == other.parts
    }
}

impl Shape<'_> {
    /// A hash of the shape: equal shapes hash alike.
    pub fn fingerprint(&self) -> u64 {
        self.hash
    }

    /// The shape with its own copy of what it borrows of the payload: kept after the payload
    /// is gone (the proof of `charter check` drops each account's payloads once shaped).
    pub fn into_owned(self) -> Shape<'static> {
        Shape {
            resource_type: Cow::Owned(self.resource_type.into_owned()),
            parts: self
                .parts
                .into_iter()
                .map(|part| match part {
                    Part::Answers(bits) => Part::Answers(bits),
                    Part::Value(value) => Part::Value(value.map(|v| Cow::Owned(v.into_owned()))),
                })
                .collect(),
            hash: self.hash,
        }
    }
}

impl<'l> Shapes<'l> {
    pub(crate) fn of(library: &'l Library<'_>) -> Shapes<'l> {
        let mut tests: HashMap<String, Vec<Test<'l>>> = HashMap::new();
        let mut whole: HashSet<String> = HashSet::new();
        let mut read: Option<HashSet<String>> = Some(HashSet::new());
        // Whether some rule may read anything: then no property is known to be only tested.
        let mut anything = false;
        let mut definitions_seen: HashSet<usize> = HashSet::new();
        let mut found: Vec<Read<'l>> = Vec::new();
        for member in library
            .expanded
            .iter()
            .flat_map(|expanded| &expanded.members)
        {
            let definition = member.definition;
            let keys = library.reads[definition].as_ref();
            if definitions_seen.insert(definition) {
                match (keys, read.as_mut()) {
                    (Some(keys), Some(read)) => read.extend(keys.iter().cloned()),
                    (None, _) => read = None,
                    (Some(_), None) => {}
                }
                match reads_outside_condition(&library.definitions[definition].value) {
                    Some(outside) => whole.extend(outside),
                    None => anything = true,
                }
            }
            found.clear();
            match &member.compiled {
                Some(compiled) => compiled.reads(&mut found),
                None => found.push(Read::Opaque),
            }
            if found.iter().any(|read| matches!(read, Read::Opaque)) {
                // The interpreter evaluates this rule: every path it reads counts whole.
                match keys {
                    Some(keys) => whole.extend(keys.iter().cloned()),
                    None => anything = true,
                }
                continue;
            }
            for read in found.drain(..) {
                match read {
                    Read::Test(test) => {
                        let same = tests.entry(test.key()).or_default();
                        if !same.contains(&test) {
                            same.push(test);
                        }
                    }
                    Read::Whole(key) => {
                        whole.insert(key);
                    }
                    Read::Opaque => {}
                }
            }
        }
        if anything {
            tests.clear();
        }
        tests.retain(|key, tests| !whole.contains(key) && tests.len() <= MOST_TESTS);
        Shapes {
            tests,
            answers: RefCell::default(),
            read,
        }
    }

    /// How to take the shape of payloads of `resource_type` (their `type`, as written), of which
    /// rules read `keys` (paths of [`crate::Reads::keys`]; `None`: anything, so the whole payload
    /// counts): worked out once per type, then used for each payload ([`Shapes::shape`]).
    pub fn plan(&self, resource_type: &str, keys: Option<&BTreeSet<String>>) -> Plan<'_> {
        let Some(keys) = keys else {
            return Plan { steps: None };
        };
        let steps = keys
            .iter()
            .filter(|key| self.read.as_ref().is_none_or(|read| read.contains(*key)))
            .map(|key| match self.tests.get_key_value(key) {
                // Tests that read an alias of another type, or the type itself, answer alike
                // for every payload of this type: answered once here.
                Some((key, tests)) if !resource_type.is_empty() => {
                    match answers(tests, |test| test.answer_for(resource_type)?) {
                        Some(bits) => Step::Constant(bits),
                        None => Self::tests_step(key, tests),
                    }
                }
                Some((key, tests)) => Self::tests_step(key, tests),
                None => Step::Value(key.clone()),
            })
            .collect();
        Plan { steps: Some(steps) }
    }

    /// The step of a property read only by `tests`.
    fn tests_step<'s>(key: &'s str, tests: &'s [Test<'s>]) -> Step<'s> {
        Step::Tests {
            tests,
            // Tests that read the property the same way read the same value: it is
            // read once, and the answers are remembered by that value.
            slot: tests
                .iter()
                .all(|test| test.same_read(&tests[0]))
                .then_some(key.as_ptr() as usize),
            key,
        }
    }

    /// The shape of `payload`, of the type (its `type`, as written) `plan` was made for.
    pub fn shape<'v>(&self, plan: &Plan<'_>, payload: &'v Value) -> Shape<'v> {
        let resource_type = payload.get("type").and_then(Value::as_str).unwrap_or("");
        let mut hasher = FxHasher::default();
        for byte in resource_type.bytes() {
            hasher.write_u8(byte.to_ascii_lowercase());
        }
        let parts: Vec<Part<'v>> = match &plan.steps {
            None => vec![Part::Value(Some(Cow::Borrowed(payload)))],
            Some(steps) => steps
                .iter()
                .map(|step| self.part(step, payload, resource_type))
                .collect(),
        };
        for part in &parts {
            match part {
                Part::Answers(bits) => {
                    hasher.write_u8(1);
                    hasher.write_u64(*bits);
                }
                Part::Value(Some(value)) => hash_value(value, &mut hasher),
                Part::Value(None) => hasher.write_u8(0xff),
            }
        }
        Shape {
            resource_type: Cow::Borrowed(resource_type),
            parts,
            hash: hasher.finish(),
        }
    }

    /// What decides the answers of the rules that read one property of `payload`.
    fn part<'v>(&self, step: &Step<'_>, payload: &'v Value, resource_type: &'v str) -> Part<'v> {
        let (tests, slot, key) = match step {
            Step::Constant(bits) => return Part::Answers(*bits),
            Step::Value(key) => return Part::Value(value_at(payload, key).map(Cow::Borrowed)),
            Step::Tests { tests, slot, key } => (*tests, *slot, *key),
        };
        let answers = match slot {
            Some(slot) => {
                let value = tests[0].value(payload, resource_type);
                match value.as_deref() {
                    Some(Value::String(text)) => self.remembered(slot, text, || {
                        answers(tests, |test| test.answer(value.as_deref()))
                    }),
                    other => answers(tests, |test| test.answer(other)),
                }
            }
            None => answers(tests, |test| {
                test.answer(test.value(payload, resource_type).as_deref())
            }),
        };
        match answers {
            Some(bits) => Part::Answers(bits),
            // A condition that gives no answer sends the rule to the interpreter, which may
            // say more than whether it holds (an error names the value): compared by value.
            None => Part::Value(value_at(payload, key).map(Cow::Borrowed)),
        }
    }

    /// The answers for the text `text` read by the tests of `slot`: remembered, or worked out
    /// by `answer` and remembered.
    fn remembered(
        &self,
        slot: usize,
        text: &str,
        answer: impl FnOnce() -> Option<u64>,
    ) -> Option<u64> {
        let mut hasher = FxHasher::default();
        hasher.write(text.as_bytes());
        let at = (slot, hasher.finish());
        if let Some(known) = self.answers.borrow().get(&at).and_then(|same| {
            same.iter()
                .find(|(seen, _)| seen == text)
                .map(|(_, answers)| *answers)
        }) {
            return known;
        }
        let answers = answer();
        self.answers
            .borrow_mut()
            .entry(at)
            .or_default()
            .push((text.to_string(), answers));
        answers
    }
}

/// The answers of `tests`, one bit each, as `answer` gives them; `None` when one gives none.
fn answers<'t>(
    tests: &'t [Test<'_>],
    mut answer: impl FnMut(&'t Test<'_>) -> Option<bool>,
) -> Option<u64> {
    let mut bits = 0u64;
    for (index, test) in tests.iter().enumerate() {
        bits |= u64::from(answer(test)?) << index;
    }
    Some(bits)
}

/// How to take the shape of payloads of one type (see [`Shapes::plan`]).
pub struct Plan<'s> {
    /// One per property read; `None`: the whole payload.
    steps: Option<Vec<Step<'s>>>,
}

enum Step<'s> {
    /// A property read only by `tests`; `slot`, when they all read it the same way, keys the
    /// answers remembered by its value.
    Tests {
        tests: &'s [Test<'s>],
        slot: Option<usize>,
        key: &'s str,
    },
    /// A property whose tests answer alike for every payload of the type.
    Constant(u64),
    /// A property compared by value.
    Value(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::PlacedSuite;
    use serde_json::json;

    /// A tree with one definition and one assignment of it with `parameters`.
    fn tree(rule: Value, parameters: Value) -> Vec<(String, Value)> {
        let mut definition_parameters = serde_json::Map::new();
        for name in parameters.as_object().into_iter().flat_map(|p| p.keys()) {
            definition_parameters.insert(name.clone(), json!({ "type": "Array" }));
        }
        vec![
            (
                "definitions/d.json".to_string(),
                json!({
                    "name": "d",
                    "type": "Microsoft.Authorization/policyDefinitions",
                    "properties": {
                        "mode": "All",
                        "parameters": definition_parameters,
                        "policyRule": rule
                    }
                }),
            ),
            (
                "assignments/a.json".to_string(),
                json!({
                    "name": "a",
                    "type": "Microsoft.Authorization/policyAssignments",
                    "id": "/subscriptions/s/providers/Microsoft.Authorization/policyAssignments/a",
                    "properties": {
                        "policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/d",
                        "parameters": parameters.as_object().map(|p| p.iter().map(|(k, v)| (k.clone(), json!({"value": v}))).collect::<serde_json::Map<_, _>>()).unwrap_or_default()
                    }
                }),
            ),
        ]
    }

    /// The shape of `payload` under a plan made for its type.
    fn shape_of<'v>(
        shapes: &Shapes<'_>,
        keys: Option<&BTreeSet<String>>,
        payload: &'v Value,
    ) -> Shape<'v> {
        let resource_type = payload["type"].as_str().unwrap_or_default();
        shapes.shape(&shapes.plan(resource_type, keys), payload)
    }

    fn deployment(filter: &str, capacity: u64) -> Value {
        json!({
            "type": "Microsoft.CognitiveServices/accounts/deployments",
            "name": "a/d",
            "properties": { "raiPolicyName": filter },
            "sku": { "name": "Standard", "capacity": capacity }
        })
    }

    fn keys() -> BTreeSet<String> {
        ["type", "properties.raipolicyname", "sku.capacity"]
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn values_on_the_same_side_of_every_test_share_a_shape() {
        let artifacts = tree(
            json!({
                "if": { "allOf": [
                    { "field": "type", "equals": "Microsoft.CognitiveServices/accounts/deployments" },
                    { "anyOf": [
                        { "field": "Microsoft.CognitiveServices/accounts/deployments/raiPolicyName", "notIn": "[parameters('approved')]" },
                        { "field": "Microsoft.CognitiveServices/accounts/deployments/sku.capacity", "greater": 100 }
                    ]}
                ]},
                "then": { "effect": "deny" }
            }),
            json!({ "approved": ["guard-a", "guard-b"] }),
        );
        let suite = PlacedSuite::new(&artifacts);
        let shapes = suite.shapes();
        let keys = keys();
        let (a, b) = (deployment("guard-a", 10), deployment("guard-b", 20));
        let (unapproved, over) = (deployment("other", 10), deployment("guard-a", 200));
        assert_eq!(
            shape_of(&shapes, Some(&keys), &a),
            shape_of(&shapes, Some(&keys), &b)
        );
        assert_eq!(
            shape_of(&shapes, Some(&keys), &a).fingerprint(),
            shape_of(&shapes, Some(&keys), &b).fingerprint()
        );
        assert_ne!(
            shape_of(&shapes, Some(&keys), &a),
            shape_of(&shapes, Some(&keys), &unapproved)
        );
        assert_ne!(
            shape_of(&shapes, Some(&keys), &a),
            shape_of(&shapes, Some(&keys), &over)
        );
        // Without keys the whole payload counts.
        assert_ne!(shape_of(&shapes, None, &a), shape_of(&shapes, None, &b));
    }

    #[test]
    fn a_property_read_otherwise_is_compared_by_value() {
        // The filter's name is also read by an expression: its value decides.
        let artifacts = tree(
            json!({
                "if": { "allOf": [
                    { "field": "Microsoft.CognitiveServices/accounts/deployments/raiPolicyName", "notIn": "[parameters('approved')]" },
                    { "value": "[length(field('Microsoft.CognitiveServices/accounts/deployments/raiPolicyName'))]", "greater": 3 }
                ]},
                "then": { "effect": "deny" }
            }),
            json!({ "approved": ["guard-a", "guard-b"] }),
        );
        let suite = PlacedSuite::new(&artifacts);
        let shapes = suite.shapes();
        let keys = keys();
        assert_ne!(
            shape_of(&shapes, Some(&keys), &deployment("guard-a", 10)),
            shape_of(&shapes, Some(&keys), &deployment("guard-b", 10))
        );
    }

    #[test]
    fn an_owned_shape_outlives_its_payload_and_equals_what_it_was() {
        // The name is read by an expression: the shape holds its value, borrowed.
        let artifacts = tree(
            json!({
                "if": { "value": "[length(field('Microsoft.CognitiveServices/accounts/deployments/raiPolicyName'))]", "greater": 3 },
                "then": { "effect": "deny" }
            }),
            json!({}),
        );
        let suite = PlacedSuite::new(&artifacts);
        let shapes = suite.shapes();
        let keys = keys();
        let owned = {
            let payload = deployment("guard-a", 10);
            shape_of(&shapes, Some(&keys), &payload).into_owned()
        };
        let (same, other) = (deployment("guard-a", 10), deployment("guard-b", 10));
        let same = shape_of(&shapes, Some(&keys), &same);
        assert_eq!(owned, same);
        assert_eq!(owned.fingerprint(), same.fingerprint());
        assert_ne!(owned, shape_of(&shapes, Some(&keys), &other));
    }

    #[test]
    fn a_property_read_by_a_count_is_compared_by_value() {
        let artifacts = tree(
            json!({
                "if": { "anyOf": [
                    { "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*].name", "notIn": "[parameters('approved')]" },
                    { "count": {
                        "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*]",
                        "where": { "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*].name", "equals": "Hate" }
                    }, "equals": 0 }
                ]},
                "then": { "effect": "deny" }
            }),
            json!({ "approved": ["Hate", "Violence"] }),
        );
        let suite = PlacedSuite::new(&artifacts);
        let shapes = suite.shapes();
        let keys: BTreeSet<String> = ["type", "properties.contentfilters"]
            .into_iter()
            .map(str::to_string)
            .collect();
        let policy = |name: &str| {
            json!({
                "type": "Microsoft.CognitiveServices/accounts/raiPolicies",
                "name": "a/p",
                "properties": { "contentFilters": [{ "name": name }] }
            })
        };
        assert_ne!(
            shape_of(&shapes, Some(&keys), &policy("Hate")),
            shape_of(&shapes, Some(&keys), &policy("hate"))
        );
    }

    #[test]
    fn a_path_no_assigned_rule_reads_decides_nothing() {
        let artifacts = tree(
            json!({
                "if": { "field": "location", "notIn": "[parameters('approved')]" },
                "then": { "effect": "deny" }
            }),
            json!({ "approved": ["eastus"] }),
        );
        let suite = PlacedSuite::new(&artifacts);
        let shapes = suite.shapes();
        let keys: BTreeSet<String> = ["type", "location", "sku.name"]
            .into_iter()
            .map(str::to_string)
            .collect();
        let account = |location: &str, sku: &str| json!({ "type": "Microsoft.CognitiveServices/accounts", "name": "a", "location": location, "sku": { "name": sku } });
        // `sku.name` is read by no assigned rule; `westus` and `northeurope` both fail the test.
        assert_eq!(
            shape_of(&shapes, Some(&keys), &account("westus", "S0")),
            shape_of(&shapes, Some(&keys), &account("northeurope", "S1"))
        );
        assert_ne!(
            shape_of(&shapes, Some(&keys), &account("westus", "S0")),
            shape_of(&shapes, Some(&keys), &account("eastus", "S0"))
        );
    }

    #[test]
    fn tags_asked_only_whether_they_exist_share_a_shape_whatever_their_values() {
        let artifacts = tree(
            json!({
                "if": { "field": "[concat('tags[', parameters('tag')[0], ']')]", "exists": false },
                "then": { "effect": "deny" }
            }),
            json!({ "tag": ["owner"] }),
        );
        let suite = PlacedSuite::new(&artifacts);
        let shapes = suite.shapes();
        let keys: BTreeSet<String> = ["type", "tags"].into_iter().map(str::to_string).collect();
        let plan = shapes.plan("Microsoft.CognitiveServices/accounts", Some(&keys));
        let account = |tags: Value| json!({ "type": "Microsoft.CognitiveServices/accounts", "name": "a", "tags": tags });
        let ann = account(json!({ "owner": "ann", "charter-workload": "one" }));
        let bob = account(json!({ "owner": "bob", "charter-workload": "two" }));
        let nobody = account(json!({ "charter-workload": "one" }));
        let null = account(json!({ "owner": null, "charter-workload": "one" }));
        assert_eq!(shapes.shape(&plan, &ann), shapes.shape(&plan, &bob));
        assert_ne!(shapes.shape(&plan, &ann), shapes.shape(&plan, &nobody));
        // `exists` counts a null as absent.
        assert_eq!(shapes.shape(&plan, &nobody), shapes.shape(&plan, &null));
    }
}
