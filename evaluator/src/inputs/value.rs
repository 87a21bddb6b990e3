//! Reading one row of a large export as a `serde_json::Value`, the value serde_json itself
//! would make, with less work: an object's members are gathered first and its map is made at
//! its final size. serde_json's own reader inserts each member into a map that starts empty
//! and grows (its hash table rebuilt, its member list copied, several times per object); in
//! an audit of 100,000 resources that growing was a sixth of reading the export.

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Reads a JSON value (see the module's documentation).
pub(crate) struct ValueSeed;

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

/// Members an object of a resource usually has at most: gathered without growing.
const MEMBERS: usize = 16;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_string()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        ValueSeed.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MEMBERS));
        while let Some(item) = seq.next_element_seed(ValueSeed)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members: Vec<(String, Value)> = Vec::with_capacity(MEMBERS);
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(ValueSeed)?;
            members.push((key, value));
        }
        let mut object = Map::with_capacity(members.len());
        // As serde_json reads a member given twice: the last value, at the first place.
        for (key, value) in members {
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Value {
        ValueSeed
            .deserialize(&mut serde_json::Deserializer::from_str(text))
            .expect("valid JSON")
    }

    #[test]
    fn reads_what_serde_json_reads() {
        for text in [
            r#"{"id": "/subscriptions/s", "n": 1, "neg": -2, "f": 1.5, "big": 18446744073709551615, "t": true, "z": null, "a": [1, {"b": []}, "c\n\"d\""], "o": {}}"#,
            r#"{"a": 1, "b": 2, "a": 3}"#,
            r#"[{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17}]"#,
            r#""\u00e9t\u00e9""#,
        ] {
            let ours = read(text);
            let theirs: Value = serde_json::from_str(text).unwrap_or(Value::Null);
            assert_eq!(ours, theirs, "{text}");
            // The members' order too (equality of maps ignores it).
            assert_eq!(ours.to_string(), theirs.to_string(), "{text}");
        }
    }
}
