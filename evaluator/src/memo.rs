//! Untraced outcomes remembered per rule, by what the rule reads.
//!
//! A rule's verdict on a resource depends only on the rule (with its parameter values), the
//! payload properties the rule reads ([`crate::reads`]), the resource's type (which decides the
//! definition's mode) and which of those properties the input leaves unknown. Resources that
//! differ elsewhere (the accounts of one estate differ in name and region; a content-filter
//! rule reads only the filter list) get the rule's outcome from the first of them that was
//! evaluated. This is finer than grouping whole resources: a case or an audit shape that is new
//! still reuses every rule whose reads it shares with one seen before, so the content filters'
//! `count` conditions run once per distinct filter list, not once per resource shape.
//!
//! Only untraced outcomes are remembered: a trace names values the rule did not decide on
//! (the resource's name in a `fullName` comparison is read, but a trace of another resource
//! would show another name), and traces are made only for the few results a report explains.

use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use rustc_hash::{FxHashMap, FxHasher};
use serde_json::Value;

use crate::evaluate::Outcome;
use crate::reads::value_at;

/// How many outcomes and projections one memo keeps: beyond that, rules are evaluated without
/// remembering (an input whose resources all differ gains nothing from a larger table).
const CAPACITY: usize = 100_000;

/// Outcomes by rule slot (an assignment's member) and the values the rule reads.
///
/// Projections borrow the values they keep from resources that outlive the memo (`'r`: the
/// cases of a suite) and copy them from any other (an audit's resources, which come and go).
#[derive(Default)]
pub(crate) struct Memo<'r> {
    inner: Mutex<Inner<'r>>,
}

#[derive(Default)]
struct Inner<'r> {
    /// What resources showed of the paths a definition reads, each kept once (the members of
    /// one definition, assigned with different parameters, read the same paths), by hash.
    projections: Vec<Projection<'r>>,
    by_hash: FxHashMap<u64, Vec<usize>>,
    /// Outcomes by slot and projection (an index into `projections`).
    outcomes: FxHashMap<((usize, usize), usize), Outcome>,
}

struct Projection<'r> {
    /// The definition whose paths were read.
    definition: usize,
    /// The resource's type, lower case.
    resource_type: String,
    /// The value at each read path, in the order of the definition's keys.
    values: Vec<Option<Cow<'r, Value>>>,
    unknown: Vec<String>,
}

impl<'r> Memo<'r> {
    /// The untraced outcome of the rule in `slot` (whose definition, `definition`, reads
    /// `keys` of a resource) for `resource`: remembered, or `evaluate`d and remembered.
    #[cfg(test)]
    pub(crate) fn outcome(
        &self,
        slot: (usize, usize),
        definition: usize,
        keys: &[String],
        resource: &Value,
        unknown: &[String],
        evaluate: impl FnOnce() -> Outcome,
    ) -> Outcome {
        match self.projection(definition, keys, (resource, None), None, unknown) {
            Some(projection) => self.outcome_at(slot, projection, evaluate),
            None => evaluate(),
        }
    }

    /// Which of the projections kept `resource` shows of what `definition` reads (`keys`),
    /// kept now if it is new; `None` when the memo is full. The members of one definition
    /// (an initiative assigns it several times, with other parameters) share a projection, so
    /// a caller asking for several of them works it out once.
    /// `lent` is `resource` when it outlives the memo: a new projection then borrows from it.
    pub(crate) fn projection(
        &self,
        definition: usize,
        keys: &[String],
        (resource, lent): (&Value, Option<&'r Value>),
        id: Option<&str>,
        unknown: &[String],
    ) -> Option<usize> {
        let resource_type = resource.get("type").and_then(Value::as_str).unwrap_or("");
        // The id the resource stands at, when it is not the payload's own.
        let placed = id
            .filter(|_| keys.iter().any(|key| key == "id"))
            .map(|id| Value::String(id.to_string()));
        let values: Vec<Option<&Value>> = keys
            .iter()
            .map(|key| match &placed {
                Some(placed) if key == "id" => Some(placed),
                _ => value_at(resource, key),
            })
            .collect();
        let mut hasher = FxHasher::default();
        definition.hash(&mut hasher);
        for byte in resource_type.bytes() {
            hasher.write_u8(byte.to_ascii_lowercase());
        }
        for value in &values {
            match value {
                Some(value) => hash_value(value, &mut hasher),
                None => hasher.write_u8(0xff),
            }
        }
        unknown.hash(&mut hasher);
        let hash = hasher.finish();
        let mut inner = self.lock();
        let found = inner.by_hash.get(&hash).and_then(|candidates| {
            candidates.iter().copied().find(|&index| {
                let kept = &inner.projections[index];
                kept.definition == definition
                    && kept.resource_type.eq_ignore_ascii_case(resource_type)
                    && kept.unknown == unknown
                    && kept.values.len() == values.len()
                    && kept
                        .values
                        .iter()
                        .zip(&values)
                        .all(|(kept, seen)| match (kept, seen) {
                            (Some(kept), Some(seen)) => same_value(kept.as_ref(), seen),
                            (None, None) => true,
                            _ => false,
                        })
            })
        });
        if found.is_some() {
            return found;
        }
        if inner.projections.len() >= CAPACITY {
            return None;
        }
        let index = inner.projections.len();
        inner.projections.push(Projection {
            definition,
            resource_type: resource_type.to_ascii_lowercase(),
            values: match lent {
                Some(lent) => keys
                    .iter()
                    .map(|key| match &placed {
                        Some(placed) if key == "id" => Some(Cow::Owned(placed.clone())),
                        _ => value_at(lent, key).map(Cow::Borrowed),
                    })
                    .collect(),
                None => values
                    .into_iter()
                    .map(|value| value.map(|value| Cow::Owned(value.clone())))
                    .collect(),
            },
            unknown: unknown.to_vec(),
        });
        inner.by_hash.entry(hash).or_default().push(index);
        Some(index)
    }

    /// The untraced outcome of the rule in `slot` for a resource showing `projection` (of
    /// [`Memo::projection`] for the slot's definition): remembered, or `evaluate`d and
    /// remembered.
    pub(crate) fn outcome_at(
        &self,
        slot: (usize, usize),
        projection: usize,
        evaluate: impl FnOnce() -> Outcome,
    ) -> Outcome {
        if let Some(outcome) = self.lock().outcomes.get(&(slot, projection)) {
            return outcome.clone();
        }
        let outcome = evaluate();
        let mut inner = self.lock();
        if inner.outcomes.len() < CAPACITY {
            inner.outcomes.insert((slot, projection), outcome.clone());
        }
        outcome
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<'r>> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Whether two JSON values are equal (as `==` says), comparing objects key by key in order
/// first: values built alike list their keys alike, and `==` on objects looks every key up by
/// hash, which made comparing content-filter lists a large part of a lookup.
pub(crate) fn same_value(a: &Value, b: &Value) -> bool {
    if std::ptr::eq(a, b) {
        return true;
    }
    match (a, b) {
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_value(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            if a.len() != b.len() {
                return false;
            }
            let in_order = a
                .iter()
                .zip(b)
                .all(|((key_a, _), (key_b, _))| key_a == key_b);
            if in_order {
                a.values().zip(b.values()).all(|(a, b)| same_value(a, b))
            } else {
                a == b
            }
        }
        _ => a == b,
    }
}

/// Feeds a JSON value to a hasher, structurally (no text is built). Values that compare equal
/// hash alike, except objects whose keys come in another order, which only costs a miss.
pub(crate) fn hash_value(value: &Value, hasher: &mut FxHasher) {
    match value {
        Value::Null => hasher.write_u8(0),
        Value::Bool(flag) => {
            hasher.write_u8(1);
            flag.hash(hasher);
        }
        Value::Number(number) => {
            hasher.write_u8(2);
            // Equal numbers of one kind print alike; numbers of different kinds are not equal.
            match (number.as_u64(), number.as_i64(), number.as_f64()) {
                (Some(unsigned), _, _) => unsigned.hash(hasher),
                (None, Some(signed), _) => signed.hash(hasher),
                (None, None, Some(float)) => float.to_bits().hash(hasher),
                (None, None, None) => {}
            }
        }
        Value::String(text) => {
            hasher.write_u8(3);
            text.hash(hasher);
        }
        Value::Array(items) => {
            hasher.write_u8(4);
            hasher.write_usize(items.len());
            for item in items {
                hash_value(item, hasher);
            }
        }
        Value::Object(map) => {
            hasher.write_u8(5);
            hasher.write_usize(map.len());
            for (key, item) in map {
                key.hash(hasher);
                hash_value(item, hasher);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::cell::Cell;

    fn outcome(effect: Option<&str>) -> Outcome {
        Outcome {
            effect: effect.map(str::to_string),
            applicable: true,
            error: None,
            trace: Vec::new(),
            unknown: None,
        }
    }

    #[test]
    fn resources_that_agree_on_what_the_rule_reads_share_its_outcome() {
        let memo = Memo::default();
        let keys = vec!["location".to_string()];
        let runs = Cell::new(0);
        let ask = |resource: Value, slot: (usize, usize), unknown: &[String]| {
            memo.outcome(slot, 0, &keys, &resource, unknown, || {
                runs.set(runs.get() + 1);
                outcome(Some("deny"))
            })
        };
        let account = |name: &str, location: &str| json!({"type": "Microsoft.CognitiveServices/accounts", "name": name, "location": location});
        ask(account("a", "eastus"), (0, 0), &[]);
        // Another name, the same location: remembered.
        ask(account("b", "eastus"), (0, 0), &[]);
        assert_eq!(runs.get(), 1);
        // Another location, another rule slot, another type, unknown properties: evaluated.
        ask(account("c", "westus"), (0, 0), &[]);
        ask(account("a", "eastus"), (0, 1), &[]);
        ask(
            json!({"type": "Microsoft.Storage/storageAccounts", "location": "eastus"}),
            (0, 0),
            &[],
        );
        ask(account("a", "eastus"), (0, 0), &["properties".to_string()]);
        assert_eq!(runs.get(), 5);
        // The type compares without case, as Azure's does.
        ask(
            json!({"type": "microsoft.cognitiveservices/ACCOUNTS", "location": "eastus"}),
            (0, 0),
            &[],
        );
        assert_eq!(runs.get(), 5);
    }

    #[test]
    fn same_value_is_equality_whatever_the_key_order() {
        let a = json!({"name": "Hate", "blocking": true, "nested": [{"x": 1, "y": 2}]});
        let b = json!({"blocking": true, "name": "Hate", "nested": [{"y": 2, "x": 1}]});
        let c = json!({"name": "Hate", "blocking": false, "nested": [{"x": 1, "y": 2}]});
        assert!(same_value(&a, &a.clone()));
        assert!(same_value(&a, &b));
        assert!(!same_value(&a, &c));
        assert!(!same_value(&json!([1, 2]), &json!([1, 2, 3])));
        assert!(!same_value(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
    }

    #[test]
    fn absent_and_null_differ_and_nested_values_compare_whole() {
        let memo = Memo::default();
        let keys = vec!["properties.contentfilters".to_string()];
        let runs = Cell::new(0);
        let ask = |resource: Value| {
            memo.outcome((0, 0), 0, &keys, &resource, &[], || {
                runs.set(runs.get() + 1);
                outcome(None)
            })
        };
        ask(json!({"type": "t", "properties": {}}));
        ask(json!({"type": "t", "properties": {"contentFilters": null}}));
        ask(
            json!({"type": "t", "properties": {"contentFilters": [{"name": "Hate", "blocking": true}]}}),
        );
        ask(
            json!({"type": "t", "properties": {"contentFilters": [{"name": "Hate", "blocking": false}]}}),
        );
        assert_eq!(runs.get(), 4);
        ask(
            json!({"type": "t", "other": 1, "properties": {"contentFilters": [{"name": "Hate", "blocking": true}]}}),
        );
        assert_eq!(runs.get(), 4);
    }
}
