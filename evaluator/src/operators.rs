//! The condition operators (`equals`, `in`, `like`, `match`, ...) as Azure Policy applies them
//! to one selected value.
//!
//! Azure compares strings with `InvariantCultureIgnoreCase` everywhere except `match` and
//! `notMatch`, and compares primitives by their text, which is why the data-plane built-ins can
//! write `"in": ["true"]` for a boolean property.

use std::cmp::Ordering;

use serde_json::Value;

/// A condition operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    /// Equal, ignoring case.
    Equals,
    /// Not equal, ignoring case; holds for an absent value.
    NotEquals,
    /// Wildcard match (`*`), ignoring case.
    Like,
    /// No wildcard match.
    NotLike,
    /// Pattern match (`#` digit, `?` letter, `.` any), case-sensitive.
    Match,
    /// Pattern match ignoring case.
    MatchInsensitively,
    /// No case-sensitive pattern match.
    NotMatch,
    /// No pattern match ignoring case.
    NotMatchInsensitively,
    /// One of a list.
    In,
    /// None of a list; holds for an absent value.
    NotIn,
    /// Substring (or array member).
    Contains,
    /// Neither substring nor member.
    NotContains,
    /// An object with this key.
    ContainsKey,
    /// Not an object with this key.
    NotContainsKey,
    /// Present (`true`) or absent (`false`).
    Exists,
    /// Greater than.
    Greater,
    /// Greater than or equal.
    GreaterOrEquals,
    /// Less than.
    Less,
    /// Less than or equal.
    LessOrEquals,
}

/// Every operator with its canonical spelling.
pub const OPERATORS: [(Operator, &str); 19] = [
    (Operator::Equals, "equals"),
    (Operator::NotEquals, "notEquals"),
    (Operator::Like, "like"),
    (Operator::NotLike, "notLike"),
    (Operator::Match, "match"),
    (Operator::MatchInsensitively, "matchInsensitively"),
    (Operator::NotMatch, "notMatch"),
    (Operator::NotMatchInsensitively, "notMatchInsensitively"),
    (Operator::In, "in"),
    (Operator::NotIn, "notIn"),
    (Operator::Contains, "contains"),
    (Operator::NotContains, "notContains"),
    (Operator::ContainsKey, "containsKey"),
    (Operator::NotContainsKey, "notContainsKey"),
    (Operator::Exists, "exists"),
    (Operator::Greater, "greater"),
    (Operator::GreaterOrEquals, "greaterOrEquals"),
    (Operator::Less, "less"),
    (Operator::LessOrEquals, "lessOrEquals"),
];

impl Operator {
    /// Parses an operator key; Azure accepts any casing (built-ins write `notin`).
    pub fn parse(key: &str) -> Option<Operator> {
        // The documented spelling first: a plain comparison.
        OPERATORS
            .iter()
            .find(|(_, name)| *name == key)
            .or_else(|| {
                OPERATORS
                    .iter()
                    .find(|(_, name)| name.eq_ignore_ascii_case(key))
            })
            .map(|(operator, _)| *operator)
    }

    /// The canonical spelling.
    pub fn name(self) -> &'static str {
        OPERATORS
            .iter()
            .find(|(operator, _)| *operator == self)
            .map_or("equals", |(_, name)| name)
    }
}

/// Applies an operator to one selected value (`None` when the field is absent).
pub fn apply(operator: Operator, actual: Option<&Value>, expected: &Value) -> Result<bool, String> {
    let present = actual.filter(|value| !value.is_null());
    match operator {
        Operator::Equals => Ok(present.is_some_and(|value| loosely_equal(value, expected))),
        Operator::NotEquals => Ok(!present.is_some_and(|value| loosely_equal(value, expected))),
        Operator::Like => Ok(present.is_some_and(|value| like(value, expected))),
        Operator::NotLike => Ok(!present.is_some_and(|value| like(value, expected))),
        Operator::Match => Ok(present.is_some_and(|value| pattern(value, expected, false))),
        Operator::MatchInsensitively => {
            Ok(present.is_some_and(|value| pattern(value, expected, true)))
        }
        Operator::NotMatch => Ok(!present.is_some_and(|value| pattern(value, expected, false))),
        Operator::NotMatchInsensitively => {
            Ok(!present.is_some_and(|value| pattern(value, expected, true)))
        }
        Operator::In => Ok(present.is_some_and(|value| member_of(value, expected))),
        Operator::NotIn => Ok(!present.is_some_and(|value| member_of(value, expected))),
        Operator::Contains => Ok(present.is_some_and(|value| contains(value, expected))),
        Operator::NotContains => Ok(!present.is_some_and(|value| contains(value, expected))),
        Operator::ContainsKey => Ok(present.is_some_and(|value| contains_key(value, expected))),
        Operator::NotContainsKey => Ok(!present.is_some_and(|value| contains_key(value, expected))),
        Operator::Exists => {
            let wanted = match expected {
                Value::Bool(flag) => *flag,
                Value::String(text) if text.eq_ignore_ascii_case("true") => true,
                Value::String(text) if text.eq_ignore_ascii_case("false") => false,
                other => return Err(format!("`exists` needs true or false, got `{other}`")),
            };
            Ok(present.is_some() == wanted)
        }
        Operator::Greater | Operator::GreaterOrEquals | Operator::Less | Operator::LessOrEquals => {
            // An absent value is not greater or less than anything.
            let Some(value) = present else {
                return Ok(false);
            };
            let ordering = order(value, expected)?;
            Ok(match operator {
                Operator::Greater => ordering.is_gt(),
                Operator::GreaterOrEquals => ordering.is_ge(),
                Operator::Less => ordering.is_lt(),
                _ => ordering.is_le(),
            })
        }
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Azure's equality: numbers numerically, primitives by case-insensitive text, arrays and
/// objects structurally (with the same rule for their members).
pub fn loosely_equal(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| loosely_equal(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter().all(|(key, x)| {
                    b.iter()
                        .find(|(other, _)| other.eq_ignore_ascii_case(key))
                        .is_some_and(|(_, y)| loosely_equal(x, y))
                })
        }
        (Value::Null, Value::Null) => true,
        // Two strings, the usual case, compare in place: no copy, no lower-cased copy.
        (Value::String(a), Value::String(b)) => same_text(a, b),
        _ => match (text(left), text(right)) {
            (Some(a), Some(b)) => same_text(&a, &b),
            _ => false,
        },
    }
}

/// Whether two texts are equal ignoring case, as `a.to_lowercase() == b.to_lowercase()` says,
/// without building either: ASCII texts compare byte by byte.
fn same_text(a: &str, b: &str) -> bool {
    // The same bytes (the usual match, compared at memory speed), or the same but for the case
    // of ASCII letters (whose other characters are the same and lower-case alike): equal.
    if a == b || a.eq_ignore_ascii_case(b) {
        return true;
    }
    if a.is_ascii() && b.is_ascii() {
        return false;
    }
    a.to_lowercase() == b.to_lowercase()
}

/// [`same_text`] for an ASCII text `ascii`.
fn same_text_as_ascii(ascii: &str, other: &str) -> bool {
    ascii.eq_ignore_ascii_case(other)
        || (!other.is_ascii() && ascii.to_lowercase() == other.to_lowercase())
}

fn member_of(value: &Value, list: &Value) -> bool {
    match list {
        // An ASCII text, the usual case, against a list of texts (the approved filters):
        // whether it is ASCII is asked once, not for every member.
        Value::Array(items) => match value {
            Value::String(text) if text.is_ascii() => items.iter().any(|item| match item {
                Value::String(item) => same_text_as_ascii(text, item),
                item => loosely_equal(value, item),
            }),
            _ => items.iter().any(|item| loosely_equal(value, item)),
        },
        // Azure requires an array here; a single value behaves like a one-element list.
        other => loosely_equal(value, other),
    }
}

fn contains(value: &Value, needle: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().any(|item| loosely_equal(item, needle)),
        Value::Object(_) => false,
        other => match (text(other), text(needle)) {
            (Some(haystack), Some(needle)) => {
                haystack.to_lowercase().contains(&needle.to_lowercase())
            }
            _ => false,
        },
    }
}

fn contains_key(value: &Value, key: &Value) -> bool {
    let (Value::Object(object), Some(key)) = (value, text(key)) else {
        return false;
    };
    object
        .keys()
        .any(|candidate| candidate.eq_ignore_ascii_case(&key))
}

/// `like`: `*` matches any run of characters; comparison ignores case.
fn like(value: &Value, pattern: &Value) -> bool {
    let (Some(value), Some(pattern)) = (text(value), text(pattern)) else {
        return false;
    };
    wildcard(&value.to_lowercase(), &pattern.to_lowercase())
}

fn wildcard(value: &str, pattern: &str) -> bool {
    let mut pieces = pattern.split('*');
    let Some(first) = pieces.next() else {
        return value.is_empty();
    };
    let Some(mut rest) = value.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else {
        // No `*` at all: the whole value must equal the pattern.
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(index) => rest = &rest[index + piece.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// `match`: `#` a digit, `?` a letter, `.` any character, anything else itself; whole value.
fn pattern(value: &Value, pattern: &Value, insensitive: bool) -> bool {
    let (Some(value), Some(pattern)) = (text(value), text(pattern)) else {
        return false;
    };
    let value: Vec<char> = value.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    value.len() == pattern.len()
        && value
            .iter()
            .zip(&pattern)
            .all(|(actual, wanted)| match wanted {
                '#' => actual.is_ascii_digit(),
                '?' => actual.is_alphabetic(),
                '.' => true,
                other if insensitive => actual.to_lowercase().eq(other.to_lowercase()),
                other => actual == other,
            })
}

/// Orders two values for `greater`/`less`: numbers numerically, strings ignoring case; any
/// other pair is a type mismatch, which Azure reports as an evaluation error.
pub fn order(left: &Value, right: &Value) -> Result<Ordering, String> {
    match (left, right) {
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (
                a.as_f64().unwrap_or(f64::NAN),
                b.as_f64().unwrap_or(f64::NAN),
            );
            a.partial_cmp(&b)
                .ok_or_else(|| format!("cannot compare `{a}` with `{b}`"))
        }
        (Value::String(a), Value::String(b)) => Ok(a.to_lowercase().cmp(&b.to_lowercase())),
        // Numeric strings compare with numbers, as Azure converts them.
        (Value::String(a), Value::Number(_)) | (Value::Number(_), Value::String(a))
            if a.trim().parse::<f64>().is_ok() =>
        {
            let as_number = |value: &Value| match value {
                Value::Number(number) => number.as_f64().unwrap_or(f64::NAN),
                Value::String(text) => text.trim().parse::<f64>().unwrap_or(f64::NAN),
                _ => f64::NAN,
            };
            as_number(left)
                .partial_cmp(&as_number(right))
                .ok_or_else(|| format!("cannot compare `{left}` with `{right}`"))
        }
        _ => Err(format!(
            "cannot compare `{left}` with `{right}`: the types differ"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ascii_text_is_compared_with_each_member_as_any_text_is() {
        let members = ["Guard", "guard-b", "\u{212a}elvin", "ÉTÉ", "été"];
        for text in ["guard", "GUARD-B", "kelvin", "ete", "x"] {
            for member in members {
                assert_eq!(
                    same_text_as_ascii(text, member),
                    same_text(text, member),
                    "{text} {member}"
                );
            }
        }
        let list = serde_json::json!(["Guard", 3, "\u{212a}elvin"]);
        assert!(member_of(&Value::from("guard"), &list));
        assert!(member_of(&Value::from("3"), &list));
        assert!(member_of(&Value::from("kelvin"), &list));
        assert!(!member_of(&Value::from("guard-b"), &list));
    }
    use serde_json::json;

    fn check(operator: &str, actual: Option<Value>, expected: Value) -> bool {
        let operator = Operator::parse(operator).expect("operator in the test is valid");
        apply(operator, actual.as_ref(), &expected).expect("no type error in this test")
    }

    #[test]
    fn operator_keys_ignore_case() {
        assert_eq!(Operator::parse("notin"), Some(Operator::NotIn));
        assert_eq!(Operator::parse("NOTEQUALS"), Some(Operator::NotEquals));
        assert_eq!(Operator::parse("nope"), None);
        assert_eq!(Operator::NotIn.name(), "notIn");
    }

    #[test]
    fn equals_and_not_equals() {
        assert!(check(
            "equals",
            Some(json!("WestEurope")),
            json!("westeurope")
        ));
        assert!(check("equals", Some(json!(true)), json!("True")));
        assert!(check("equals", Some(json!(2)), json!(2.0)));
        assert!(!check("equals", None, json!("x")));
        assert!(check("notEquals", None, json!(true)));
        assert!(check("notEquals", Some(json!(false)), json!(true)));
        assert!(!check("notEquals", Some(json!(true)), json!(true)));
        assert!(check("equals", Some(json!({"A": 1})), json!({"a": 1})));
    }

    #[test]
    fn like_and_not_like() {
        assert!(check("like", Some(json!("gpt-4o-mini")), json!("GPT-4*")));
        assert!(check("like", Some(json!("prod-app")), json!("*-app")));
        assert!(check("like", Some(json!("a-mid-z")), json!("a*z")));
        assert!(!check("like", Some(json!("abc")), json!("abd")));
        assert!(check("like", Some(json!("abc")), json!("ABC")));
        assert!(check("notLike", None, json!("*")));
        assert!(!check("like", Some(json!("ab")), json!("ab*b")));
    }

    #[test]
    fn match_variants() {
        assert!(check("match", Some(json!("ab12")), json!("??##")));
        assert!(!check("match", Some(json!("Ab12")), json!("ab##")));
        assert!(check(
            "matchInsensitively",
            Some(json!("Ab12")),
            json!("ab##")
        ));
        assert!(check("match", Some(json!("a-b")), json!("a.b")));
        assert!(!check("match", Some(json!("ab1")), json!("ab")));
        assert!(check("notMatch", Some(json!("Ab12")), json!("ab##")));
        assert!(!check(
            "notMatchInsensitively",
            Some(json!("Ab12")),
            json!("ab##")
        ));
    }

    #[test]
    fn in_and_not_in() {
        assert!(check(
            "in",
            Some(json!("SwedenCentral")),
            json!(["swedencentral", "eastus"])
        ));
        assert!(!check("in", Some(json!("westus")), json!(["eastus"])));
        assert!(!check("in", None, json!(["eastus"])));
        assert!(check("notIn", None, json!(["eastus"])));
        assert!(check("in", Some(json!(true)), json!(["true"])));
        assert!(check("notIn", Some(json!("westus")), json!([])));
    }

    #[test]
    fn contains_and_contains_key() {
        assert!(check(
            "contains",
            Some(json!("azureml://registries/x")),
            json!("REGISTRIES")
        ));
        assert!(check("contains", Some(json!(["a", "b"])), json!("B")));
        assert!(!check("contains", None, json!("a")));
        assert!(check("notContains", Some(json!("abc")), json!("x")));
        assert!(check(
            "containsKey",
            Some(json!({"Env": "prod"})),
            json!("env")
        ));
        assert!(!check("containsKey", Some(json!("env")), json!("env")));
        assert!(check("notContainsKey", Some(json!({})), json!("env")));
    }

    #[test]
    fn exists() {
        assert!(check("exists", Some(json!("x")), json!(true)));
        assert!(check("exists", None, json!("false")));
        assert!(check("exists", Some(json!(null)), json!(false)));
        assert!(!check("exists", Some(json!(false)), json!(false)));
        assert!(apply(Operator::Exists, None, &json!("maybe")).is_err());
    }

    #[test]
    fn ordering() {
        assert!(check("greater", Some(json!(10)), json!(5)));
        assert!(check("greaterOrEquals", Some(json!(5)), json!(5)));
        assert!(check(
            "less",
            Some(json!("2021-01-01")),
            json!("2022-01-01")
        ));
        assert!(check("lessOrEquals", Some(json!("B")), json!("b")));
        assert!(check("greater", Some(json!("10")), json!(5)));
        assert!(!check("greater", None, json!(5)));
        assert!(apply(Operator::Greater, Some(&json!(true)), &json!(5)).is_err());
    }
}
