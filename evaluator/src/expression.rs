//! Template expressions (`"[parameters('effect')]"`, `"[concat('tags[', parameters('tag'), ']')]"`):
//! a small parser and the subset of ARM template functions Azure Policy rules use.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{Map, Value};

/// What an expression can read: parameters, resource fields and `count` iteration values.
pub(crate) trait Context {
    /// The value of an assignment/definition parameter.
    fn parameter(&self, name: &str) -> Result<Value, String>;
    /// The value `field('<name>')` returns.
    fn field(&self, name: &str) -> Result<Value, String>;
    /// The value `current('<name>')` (or `current()` for `None`) returns.
    fn current(&self, name: Option<&str>) -> Result<Value, String>;
    /// The `requestContext()` object.
    fn request_context(&self) -> Value;
    /// A function this context provides beyond the shared ones (an ARM template's
    /// `variables()`, `resourceGroup()`, `resourceId()`), by lower-case name; `None` when it
    /// provides no such function.
    fn function(&self, _lowered: &str, _values: &[Value]) -> Option<Result<Value, String>> {
        None
    }
}

/// Whether a JSON string is a template expression rather than a literal.
pub(crate) fn is_expression(text: &str) -> bool {
    text.starts_with('[') && text.ends_with(']') && !text.starts_with("[[")
}

/// Evaluates a JSON value that may be a template expression; non-strings and literal strings
/// come back unchanged (with the `[[` escape removed).
pub(crate) fn evaluate_value(value: &Value, context: &dyn Context) -> Result<Value, String> {
    match value {
        Value::String(text) if is_expression(text) => evaluate(text, context),
        Value::String(text) if text.starts_with("[[") => Ok(Value::String(text[1..].to_string())),
        other => Ok(other.clone()),
    }
}

/// `value` itself when it is not a template expression, or the value of the parameter a plain
/// `[parameters('name')]` names, borrowed: what most operands of most rules are, answered
/// without copying. `None` when the value must be evaluated ([`evaluate_value`]), which also
/// reports a parameter without a value.
pub(crate) fn borrowed<'v>(
    value: &'v Value,
    parameters: &'v Map<String, Value>,
) -> Option<&'v Value> {
    let text = match value {
        Value::String(text) if is_expression(text) => text,
        Value::String(text) if text.starts_with("[[") => return None,
        other => return Some(other),
    };
    let expression = parsed(text);
    let Ok(Expr::Call(_, lowered, arguments)) = expression.as_ref() else {
        return None;
    };
    let [Expr::Literal(Value::String(name))] = arguments.as_slice() else {
        return None;
    };
    if lowered != "parameters" {
        return None;
    }
    let found = parameters.get(name.as_str()).or_else(|| {
        parameters
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    })?;
    // A value over the evaluator's limits is refused by the evaluation; let it say so.
    match found {
        Value::String(text) if text.len() > MAX_TEXT_BYTES => None,
        Value::Array(items) if items.len() > MAX_ITEMS => None,
        _ => Some(found),
    }
}

/// Evaluates a template expression string (with its surrounding brackets).
pub(crate) fn evaluate(text: &str, context: &dyn Context) -> Result<Value, String> {
    let expression = parsed(text);
    match expression.as_ref() {
        Ok(expression) => expression.evaluate(context),
        Err(error) => Err(error.clone()),
    }
}

/// How many parsed expressions a thread remembers. A project's rules hold a few hundred
/// distinct expressions; the cache is emptied when it fills, so a stream of distinct ones
/// (a fuzzer's) cannot grow it without bound.
const PARSED_CAPACITY: usize = 4096;

thread_local! {
    /// Expressions already parsed, by their text. The same rule is evaluated against
    /// thousands of resources (the self-compliance proof, an audit), and parsing its
    /// expressions again each time was a quarter of an evaluation.
    static PARSED: RefCell<rustc_hash::FxHashMap<String, Rc<Result<Expr, String>>>> =
        RefCell::new(rustc_hash::FxHashMap::default());
}

/// The parse of a template expression string (with its surrounding brackets), remembered.
fn parsed(text: &str) -> Rc<Result<Expr, String>> {
    if let Some(found) = PARSED.with(|cache| cache.borrow().get(text).cloned()) {
        return found;
    }
    let inner = &text[1..text.len() - 1];
    let expression = Rc::new(Parser::new(inner).parse_all());
    PARSED.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= PARSED_CAPACITY {
            cache.clear();
        }
        cache.insert(text.to_string(), Rc::clone(&expression));
    });
    expression
}

#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Literal(Value),
    /// A function call: its name as written, lower-cased (how functions are looked up), and
    /// its arguments.
    Call(String, String, Vec<Expr>),
    Member(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
}

/// How deeply calls may nest; Azure's own limit is 64, so anything deeper is not a real rule
/// and is refused before it can exhaust the stack.
const MAX_NESTING: usize = 128;

struct Parser<'a> {
    text: &'a str,
    position: usize,
    nesting: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser {
            text,
            position: 0,
            nesting: 0,
        }
    }

    fn rest(&self) -> &'a str {
        &self.text[self.position..]
    }

    fn skip_space(&mut self) {
        let trimmed = self.rest().trim_start();
        self.position = self.text.len() - trimmed.len();
    }

    fn eat(&mut self, token: char) -> bool {
        self.skip_space();
        if self.rest().starts_with(token) {
            self.position += token.len_utf8();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: char) -> Result<(), String> {
        if self.eat(token) {
            Ok(())
        } else {
            Err(format!(
                "expected `{token}` at `{}` in expression `{}`",
                self.rest(),
                self.text
            ))
        }
    }

    fn parse_all(&mut self) -> Result<Expr, String> {
        let expression = self.parse_expression()?;
        self.skip_space();
        if self.rest().is_empty() {
            Ok(expression)
        } else {
            Err(format!(
                "unexpected `{}` in expression `{}`",
                self.rest(),
                self.text
            ))
        }
    }

    fn parse_expression(&mut self) -> Result<Expr, String> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(format!(
                "expression nests deeper than {MAX_NESTING} levels: `{}`",
                self.text.chars().take(60).collect::<String>()
            ));
        }
        let expression = self.parse_postfix();
        self.nesting -= 1;
        expression
    }

    fn parse_postfix(&mut self) -> Result<Expr, String> {
        let mut expression = self.parse_primary()?;
        loop {
            if self.eat('.') {
                let name = self.parse_identifier()?;
                expression = Expr::Member(Box::new(expression), name);
            } else if self.eat('[') {
                let index = self.parse_expression()?;
                self.expect(']')?;
                expression = Expr::Index(Box::new(expression), Box::new(index));
            } else {
                return Ok(expression);
            }
        }
    }

    fn parse_identifier(&mut self) -> Result<String, String> {
        self.skip_space();
        let length = self
            .rest()
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
            .unwrap_or(self.rest().len());
        if length == 0 {
            return Err(format!(
                "expected a name at `{}` in expression `{}`",
                self.rest(),
                self.text
            ));
        }
        let name = self.rest()[..length].to_string();
        self.position += length;
        Ok(name)
    }

    fn parse_primary(&mut self) -> Result<Expr, String> {
        self.skip_space();
        let rest = self.rest();
        if rest.starts_with('\'') {
            return self.parse_string();
        }
        if rest.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
            let length = rest[1..]
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .map_or(rest.len(), |index| index + 1);
            let number = &rest[..length];
            self.position += length;
            let value = if let Ok(integer) = number.parse::<i64>() {
                Value::from(integer)
            } else {
                number
                    .parse::<f64>()
                    .map(Value::from)
                    .map_err(|_| format!("invalid number `{number}` in `{}`", self.text))?
            };
            return Ok(Expr::Literal(value));
        }
        let name = self.parse_identifier()?;
        if self.eat('(') {
            let mut arguments = Vec::new();
            if !self.eat(')') {
                loop {
                    arguments.push(self.parse_expression()?);
                    if self.eat(')') {
                        break;
                    }
                    self.expect(',')?;
                }
            }
            let lowered = name.to_lowercase();
            return Ok(Expr::Call(name, lowered, arguments));
        }
        match name.to_lowercase().as_str() {
            "true" => Ok(Expr::Literal(Value::Bool(true))),
            "false" => Ok(Expr::Literal(Value::Bool(false))),
            "null" => Ok(Expr::Literal(Value::Null)),
            _ => Err(format!("expected `(` after `{name}` in `{}`", self.text)),
        }
    }

    fn parse_string(&mut self) -> Result<Expr, String> {
        // Skip the opening quote; `''` inside a string is one quote.
        self.position += 1;
        let mut text = String::new();
        loop {
            let rest = self.rest();
            let Some(quote) = rest.find('\'') else {
                return Err(format!("unterminated string in expression `{}`", self.text));
            };
            text.push_str(&rest[..quote]);
            self.position += quote + 1;
            if self.rest().starts_with('\'') {
                text.push('\'');
                self.position += 1;
            } else {
                return Ok(Expr::Literal(Value::String(text)));
            }
        }
    }
}

impl Expr {
    fn evaluate(&self, context: &dyn Context) -> Result<Value, String> {
        match self {
            Expr::Literal(value) => Ok(value.clone()),
            Expr::Member(target, name) => {
                let target = target.evaluate(context)?;
                member(&target, name).ok_or_else(|| format!("the value has no property `{name}`"))
            }
            Expr::Index(target, index) => {
                let target = target.evaluate(context)?;
                let index = index.evaluate(context)?;
                match (&target, &index) {
                    (Value::Array(items), Value::Number(number)) => number
                        .as_u64()
                        .and_then(|index| items.get(usize::try_from(index).ok()?))
                        .cloned()
                        .ok_or_else(|| format!("index `{number}` is out of range")),
                    (Value::Object(_), Value::String(name)) => member(&target, name)
                        .ok_or_else(|| format!("the value has no property `{name}`")),
                    _ => Err(format!("cannot index `{target}` with `{index}`")),
                }
            }
            Expr::Call(name, lowered, arguments) => call(name, lowered, arguments, context),
        }
    }
}

fn member(target: &Value, name: &str) -> Option<Value> {
    crate::evaluate::key(target.as_object()?, name).cloned()
}

/// The text of a value as template functions see it (strings without quotes).
pub(crate) fn display(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Bool(flag) => if *flag { "True" } else { "False" }.to_string(),
        other => other.to_string(),
    }
}

/// The longest string (in bytes) and the longest array a template function may build. Azure
/// Policy values are short; without a limit, `padLeft` or nested `replace` in a rule could ask
/// for gigabytes.
pub(crate) const MAX_TEXT_BYTES: usize = 1024 * 1024;
pub(crate) const MAX_ITEMS: usize = 100_000;

/// Refuses a result over the limits.
fn within_limits(name: &str, value: Value) -> Result<Value, String> {
    match &value {
        Value::String(text) if text.len() > MAX_TEXT_BYTES => Err(too_long(name, text.len())),
        Value::Array(items) if items.len() > MAX_ITEMS => Err(format!(
            "`{name}` would make an array of {} items, over the evaluator's limit of {MAX_ITEMS}",
            items.len()
        )),
        _ => Ok(value),
    }
}

fn too_long(name: &str, bytes: usize) -> String {
    format!(
        "`{name}` would make a string of {bytes} bytes, over the evaluator's limit of {MAX_TEXT_BYTES}"
    )
}

fn call(
    name: &str,
    lowered: &str,
    arguments: &[Expr],
    context: &dyn Context,
) -> Result<Value, String> {
    // `if` evaluates only the branch it takes, so a guarded branch may fail harmlessly.
    if lowered == "if" {
        let [condition, then_branch, else_branch] = arguments else {
            return Err("`if` takes 3 arguments".to_string());
        };
        return match condition.evaluate(context)? {
            Value::Bool(true) => then_branch.evaluate(context),
            Value::Bool(false) => else_branch.evaluate(context),
            other => Err(format!("`if` needs a boolean condition, got `{other}`")),
        };
    }
    let values = arguments
        .iter()
        .map(|argument| argument.evaluate(context))
        .collect::<Result<Vec<_>, _>>()?;
    within_limits(name, apply(lowered, name, &values, context)?)
}

fn text_argument<'v>(function: &str, value: &'v Value) -> Result<&'v str, String> {
    value
        .as_str()
        .ok_or_else(|| format!("`{function}` needs a string, got `{value}`"))
}

fn integer_argument(function: &str, value: &Value) -> Result<i64, String> {
    match value {
        Value::Number(number) => number
            .as_i64()
            .ok_or_else(|| format!("`{function}` needs an integer, got `{number}`")),
        Value::String(text) => text
            .trim()
            .parse::<i64>()
            .map_err(|_| format!("`{function}` needs an integer, got `{text}`")),
        other => Err(format!("`{function}` needs an integer, got `{other}`")),
    }
}

fn arity(function: &str, values: &[Value], count: usize) -> Result<(), String> {
    if values.len() == count {
        Ok(())
    } else {
        Err(format!(
            "`{function}` takes {count} argument{}, got {}",
            if count == 1 { "" } else { "s" },
            values.len()
        ))
    }
}

fn char_count(text: &str) -> usize {
    text.chars().count()
}

fn char_slice(text: &str, start: usize, length: usize) -> String {
    text.chars().skip(start).take(length).collect()
}

fn apply(
    lowered: &str,
    name: &str,
    values: &[Value],
    context: &dyn Context,
) -> Result<Value, String> {
    if let Some(result) = context.function(lowered, values) {
        return result;
    }
    match lowered {
        "parameters" => {
            arity(name, values, 1)?;
            context.parameter(text_argument(name, &values[0])?)
        }
        "field" => {
            arity(name, values, 1)?;
            context.field(text_argument(name, &values[0])?)
        }
        "current" => match values {
            [] => context.current(None),
            [value] => context.current(Some(text_argument(name, value)?)),
            _ => Err("`current` takes at most 1 argument".to_string()),
        },
        "requestcontext" => Ok(context.request_context()),
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        "null" => Ok(Value::Null),
        "format" => format_function(name, values),
        "concat" => {
            if values.iter().all(Value::is_array) {
                let count: usize = values
                    .iter()
                    .filter_map(Value::as_array)
                    .map(Vec::len)
                    .sum();
                if count > MAX_ITEMS {
                    return Err(format!(
                        "`{name}` would make an array of {count} items, over the evaluator's limit of {MAX_ITEMS}"
                    ));
                }
                let items = values
                    .iter()
                    .filter_map(Value::as_array)
                    .flatten()
                    .cloned()
                    .collect();
                Ok(Value::Array(items))
            } else {
                let parts: Vec<String> = values.iter().map(display).collect();
                let bytes: usize = parts.iter().map(String::len).sum();
                if bytes > MAX_TEXT_BYTES {
                    return Err(too_long(name, bytes));
                }
                Ok(Value::String(parts.concat()))
            }
        }
        "tolower" => {
            arity(name, values, 1)?;
            Ok(Value::String(
                text_argument(name, &values[0])?.to_lowercase(),
            ))
        }
        "toupper" => {
            arity(name, values, 1)?;
            Ok(Value::String(
                text_argument(name, &values[0])?.to_uppercase(),
            ))
        }
        "trim" => {
            arity(name, values, 1)?;
            Ok(Value::String(
                text_argument(name, &values[0])?.trim().to_string(),
            ))
        }
        "empty" => {
            arity(name, values, 1)?;
            Ok(Value::Bool(match &values[0] {
                Value::Null => true,
                Value::String(text) => text.is_empty(),
                Value::Array(items) => items.is_empty(),
                Value::Object(object) => object.is_empty(),
                _ => false,
            }))
        }
        "length" => {
            arity(name, values, 1)?;
            let length = match &values[0] {
                Value::String(text) => char_count(text),
                Value::Array(items) => items.len(),
                Value::Object(object) => object.len(),
                other => {
                    return Err(format!(
                        "`length` needs a string, array or object, got `{other}`"
                    ))
                }
            };
            Ok(Value::from(length))
        }
        "contains" => {
            arity(name, values, 2)?;
            Ok(Value::Bool(match &values[0] {
                Value::String(text) => text
                    .to_lowercase()
                    .contains(&display(&values[1]).to_lowercase()),
                Value::Array(items) => items
                    .iter()
                    .any(|item| crate::operators::loosely_equal(item, &values[1])),
                Value::Object(object) => {
                    let key = display(&values[1]);
                    object
                        .keys()
                        .any(|candidate| candidate.eq_ignore_ascii_case(&key))
                }
                other => {
                    return Err(format!(
                        "`contains` needs a string, array or object, got `{other}`"
                    ))
                }
            }))
        }
        "split" => {
            arity(name, values, 2)?;
            let text = text_argument(name, &values[0])?;
            let delimiters: Vec<String> = match &values[1] {
                Value::Array(items) => items.iter().map(display).collect(),
                other => vec![display(other)],
            };
            let mut parts = vec![text.to_string()];
            for delimiter in delimiters.iter().filter(|delimiter| !delimiter.is_empty()) {
                parts = parts
                    .iter()
                    .flat_map(|part| {
                        part.split(delimiter.as_str())
                            .map(str::to_string)
                            .collect::<Vec<_>>()
                    })
                    .collect();
            }
            Ok(Value::Array(parts.into_iter().map(Value::String).collect()))
        }
        "first" | "last" => {
            arity(name, values, 1)?;
            let first = lowered == "first";
            match &values[0] {
                Value::Array(items) => Ok(if first { items.first() } else { items.last() }
                    .cloned()
                    .unwrap_or(Value::Null)),
                Value::String(text) => Ok(Value::String(
                    if first {
                        text.chars().next()
                    } else {
                        text.chars().last()
                    }
                    .map(String::from)
                    .unwrap_or_default(),
                )),
                other => Err(format!("`{name}` needs a string or array, got `{other}`")),
            }
        }
        "equals" => {
            arity(name, values, 2)?;
            // The template function compares strings exactly, unlike the `equals` condition.
            Ok(Value::Bool(values[0] == values[1]))
        }
        "not" => {
            arity(name, values, 1)?;
            Ok(Value::Bool(!boolean(name, &values[0])?))
        }
        "and" | "or" => {
            let flags = values
                .iter()
                .map(|value| boolean(name, value))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::Bool(if lowered == "and" {
                flags.iter().all(|flag| *flag)
            } else {
                flags.iter().any(|flag| *flag)
            }))
        }
        "string" => {
            arity(name, values, 1)?;
            Ok(Value::String(display(&values[0])))
        }
        "int" => {
            arity(name, values, 1)?;
            Ok(Value::from(integer_argument(name, &values[0])?))
        }
        "bool" => {
            arity(name, values, 1)?;
            match &values[0] {
                Value::Bool(flag) => Ok(Value::Bool(*flag)),
                Value::Number(number) => Ok(Value::Bool(number.as_f64() != Some(0.0))),
                Value::String(text) if text.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
                Value::String(text) if text.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
                other => Err(format!("`bool` cannot convert `{other}`")),
            }
        }
        "replace" => {
            arity(name, values, 3)?;
            let text = text_argument(name, &values[0])?;
            let old = text_argument(name, &values[1])?;
            let new = text_argument(name, &values[2])?;
            if old.is_empty() {
                return Ok(Value::String(text.to_string()));
            }
            // Measured before it is built: nested `replace` calls can grow a string tenfold
            // at each level.
            let matches = text.matches(old).count();
            let bytes = (text.len() - matches * old.len())
                .saturating_add(matches.saturating_mul(new.len()));
            if bytes > MAX_TEXT_BYTES {
                return Err(too_long(name, bytes));
            }
            Ok(Value::String(text.replace(old, new)))
        }
        "substring" => {
            let text = text_argument(name, values.first().unwrap_or(&Value::Null))?;
            let length = char_count(text);
            let start = match values.get(1) {
                Some(value) => usize::try_from(integer_argument(name, value)?)
                    .map_err(|_| "`substring` start must not be negative".to_string())?,
                None => 0,
            };
            let take = match values.get(2) {
                Some(value) => usize::try_from(integer_argument(name, value)?)
                    .map_err(|_| "`substring` length must not be negative".to_string())?,
                None => length.saturating_sub(start),
            };
            if start + take > length {
                return Err(format!(
                    "`substring` range {start}..{} is outside `{text}`",
                    start + take
                ));
            }
            Ok(Value::String(char_slice(text, start, take)))
        }
        "indexof" | "lastindexof" => {
            arity(name, values, 2)?;
            let text = text_argument(name, &values[0])?.to_lowercase();
            let needle = text_argument(name, &values[1])?.to_lowercase();
            let found = if lowered == "indexof" {
                text.find(&needle)
            } else {
                text.rfind(&needle)
            };
            Ok(Value::from(found.map_or(-1, |byte| {
                i64::try_from(char_count(&text[..byte])).unwrap_or(i64::MAX)
            })))
        }
        "startswith" | "endswith" => {
            arity(name, values, 2)?;
            let text = text_argument(name, &values[0])?.to_lowercase();
            let affix = text_argument(name, &values[1])?.to_lowercase();
            Ok(Value::Bool(if lowered == "startswith" {
                text.starts_with(&affix)
            } else {
                text.ends_with(&affix)
            }))
        }
        "take" | "skip" => {
            arity(name, values, 2)?;
            let count = usize::try_from(integer_argument(name, &values[1])?.max(0)).unwrap_or(0);
            let take = lowered == "take";
            match &values[0] {
                Value::Array(items) => Ok(Value::Array(if take {
                    items.iter().take(count).cloned().collect()
                } else {
                    items.iter().skip(count).cloned().collect()
                })),
                Value::String(text) => Ok(Value::String(if take {
                    text.chars().take(count).collect()
                } else {
                    text.chars().skip(count).collect()
                })),
                other => Err(format!("`{name}` needs a string or array, got `{other}`")),
            }
        }
        "createarray" | "array" => Ok(Value::Array(values.to_vec())),
        "coalesce" => Ok(values
            .iter()
            .find(|value| !value.is_null())
            .cloned()
            .unwrap_or(Value::Null)),
        "union" => union(values),
        "intersection" => intersection(values),
        "join" => {
            arity(name, values, 2)?;
            let items = values[0]
                .as_array()
                .ok_or_else(|| "`join` needs an array".to_string())?;
            let separator = text_argument(name, &values[1])?;
            let parts: Vec<String> = items.iter().map(display).collect();
            let bytes = parts.iter().map(String::len).sum::<usize>()
                + separator.len() * parts.len().saturating_sub(1);
            if bytes > MAX_TEXT_BYTES {
                return Err(too_long(name, bytes));
            }
            Ok(Value::String(parts.join(separator)))
        }
        "padleft" => {
            let text = display(values.first().unwrap_or(&Value::Null));
            let width = usize::try_from(integer_argument(
                name,
                values.get(1).unwrap_or(&Value::Null),
            )?)
            .map_err(|_| "`padLeft` width must not be negative".to_string())?;
            let pad = values
                .get(2)
                .map(display)
                .and_then(|pad| pad.chars().next())
                .unwrap_or(' ');
            let missing = width.saturating_sub(char_count(&text));
            // Measured before it is built: the width comes from the rule.
            let bytes = text
                .len()
                .saturating_add(missing.saturating_mul(pad.len_utf8()));
            if bytes > MAX_TEXT_BYTES {
                return Err(too_long(name, bytes));
            }
            Ok(Value::String(
                std::iter::repeat_n(pad, missing)
                    .chain(text.chars())
                    .collect(),
            ))
        }
        "json" => {
            arity(name, values, 1)?;
            serde_json::from_str(text_argument(name, &values[0])?)
                .map_err(|error| format!("`json` could not parse its argument: {error}"))
        }
        "greater" | "greaterorequals" | "less" | "lessorequals" => {
            arity(name, values, 2)?;
            let ordering = crate::operators::order(&values[0], &values[1])?;
            Ok(Value::Bool(match lowered {
                "greater" => ordering.is_gt(),
                "greaterorequals" => ordering.is_ge(),
                "less" => ordering.is_lt(),
                _ => ordering.is_le(),
            }))
        }
        "add" | "sub" | "mul" | "div" | "mod" => {
            arity(name, values, 2)?;
            let left = integer_argument(name, &values[0])?;
            let right = integer_argument(name, &values[1])?;
            let result = match lowered {
                "add" => left.checked_add(right),
                "sub" => left.checked_sub(right),
                "mul" => left.checked_mul(right),
                "div" => left.checked_div(right),
                _ => left.checked_rem(right),
            };
            result
                .map(Value::from)
                .ok_or_else(|| format!("`{name}` overflowed or divided by zero"))
        }
        "min" | "max" => {
            let items: Vec<Value> = match values {
                [Value::Array(items)] => items.clone(),
                _ => values.to_vec(),
            };
            let mut numbers = items
                .iter()
                .map(|value| integer_argument(name, value))
                .collect::<Result<Vec<_>, _>>()?;
            numbers.sort_unstable();
            let chosen = if lowered == "min" {
                numbers.first()
            } else {
                numbers.last()
            };
            chosen
                .map(|number| Value::from(*number))
                .ok_or_else(|| format!("`{name}` needs at least one value"))
        }
        "utcnow" | "adddays" => Err(format!(
            "`{name}` reads the clock, which an offline evaluation cannot do"
        )),
        _ => Err(format!(
            "function `{name}` is not supported by the offline evaluator"
        )),
    }
}

/// `format('{0}-{1}', a, b)`: .NET composite formatting, without format specifiers.
fn format_function(name: &str, values: &[Value]) -> Result<Value, String> {
    let Some((template, arguments)) = values.split_first() else {
        return Err(format!("`{name}` needs a format string"));
    };
    let template = text_argument(name, template)?;
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find(['{', '}']) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        let Some(end) = tail.find('}').filter(|_| tail.starts_with('{')) else {
            return Err(format!("`{name}`: unbalanced brace in `{template}`"));
        };
        let index: usize = tail[1..end]
            .split(':')
            .next()
            .unwrap_or_default()
            .trim()
            .parse()
            .map_err(|_| format!("`{name}`: `{}` is not a placeholder", &tail[..=end]))?;
        let argument = arguments
            .get(index)
            .ok_or_else(|| format!("`{name}`: no argument {index}"))?;
        match argument {
            Value::String(text) => out.push_str(text),
            other => out.push_str(&other.to_string()),
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    Ok(Value::String(out))
}

fn boolean(function: &str, value: &Value) -> Result<bool, String> {
    match value {
        Value::Bool(flag) => Ok(*flag),
        Value::String(text) if text.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(text) if text.eq_ignore_ascii_case("false") => Ok(false),
        other => Err(format!("`{function}` needs a boolean, got `{other}`")),
    }
}

fn union(values: &[Value]) -> Result<Value, String> {
    if values.iter().all(Value::is_array) {
        let mut items: Vec<Value> = Vec::new();
        for item in values.iter().filter_map(Value::as_array).flatten() {
            if !items.contains(item) {
                items.push(item.clone());
            }
        }
        Ok(Value::Array(items))
    } else if values.iter().all(Value::is_object) {
        let mut merged = Map::new();
        for object in values.iter().filter_map(Value::as_object) {
            for (key, value) in object {
                merged.insert(key.clone(), value.clone());
            }
        }
        Ok(Value::Object(merged))
    } else {
        Err("`union` needs all arrays or all objects".to_string())
    }
}

fn intersection(values: &[Value]) -> Result<Value, String> {
    let Some((first, rest)) = values.split_first() else {
        return Err("`intersection` needs at least one value".to_string());
    };
    let first = first
        .as_array()
        .ok_or_else(|| "`intersection` needs arrays".to_string())?;
    let mut items = Vec::new();
    for item in first {
        let everywhere = rest
            .iter()
            .all(|other| other.as_array().is_some_and(|other| other.contains(item)));
        if everywhere && !items.contains(item) {
            items.push(item.clone());
        }
    }
    Ok(Value::Array(items))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Fixed;

    impl Context for Fixed {
        fn parameter(&self, name: &str) -> Result<Value, String> {
            match name {
                "effect" => Ok(json!("Deny")),
                "list" => Ok(json!(["a", "b"])),
                _ => Err(format!("unknown parameter `{name}`")),
            }
        }
        fn field(&self, name: &str) -> Result<Value, String> {
            Ok(json!(format!("field:{name}")))
        }
        fn current(&self, name: Option<&str>) -> Result<Value, String> {
            Ok(json!(format!("current:{}", name.unwrap_or(""))))
        }
        fn request_context(&self) -> Value {
            json!({"apiVersion": "2024-10-01"})
        }
    }

    fn run(text: &str) -> Result<Value, String> {
        evaluate_value(&json!(text), &Fixed)
    }

    #[test]
    fn literals_and_escapes() {
        assert_eq!(run("plain"), Ok(json!("plain")));
        assert_eq!(
            run("[[not an expression]"),
            Ok(json!("[not an expression]"))
        );
        assert_eq!(run("['it''s']"), Ok(json!("it's")));
        assert_eq!(run("[-3]"), Ok(json!(-3)));
        assert_eq!(run("[true()]"), Ok(json!(true)));
    }

    #[test]
    fn parameters_field_current_and_request_context() {
        assert_eq!(run("[parameters('effect')]"), Ok(json!("Deny")));
        assert_eq!(run("[field('location')]"), Ok(json!("field:location")));
        assert_eq!(run("[current('x')]"), Ok(json!("current:x")));
        assert_eq!(run("[current()]"), Ok(json!("current:")));
        assert_eq!(
            run("[requestContext().apiVersion]"),
            Ok(json!("2024-10-01"))
        );
        assert_eq!(run("[parameters('list')[1]]"), Ok(json!("b")));
        assert!(run("[parameters('missing')]").is_err());
    }

    #[test]
    fn string_functions() {
        assert_eq!(run("[concat('tags[', 'env', ']')]"), Ok(json!("tags[env]")));
        assert_eq!(
            run("[concat(parameters('list'), createArray('c'))]"),
            Ok(json!(["a", "b", "c"]))
        );
        assert_eq!(run("[toLower('AbC')]"), Ok(json!("abc")));
        assert_eq!(run("[toUpper('AbC')]"), Ok(json!("ABC")));
        assert_eq!(run("[split('a/b/c', '/')]"), Ok(json!(["a", "b", "c"])));
        assert_eq!(run("[last(split('a/b/c', '/'))]"), Ok(json!("c")));
        assert_eq!(run("[first('xyz')]"), Ok(json!("x")));
        assert_eq!(run("[replace('a-b-c', '-', '.')]"), Ok(json!("a.b.c")));
        assert_eq!(run("[substring('gpt-4o-mini', 4, 2)]"), Ok(json!("4o")));
        assert_eq!(run("[substring('gpt', 1)]"), Ok(json!("pt")));
        assert!(run("[substring('gpt', 2, 5)]").is_err());
        assert_eq!(run("[indexOf('Hello', 'L')]"), Ok(json!(2)));
        assert_eq!(run("[indexOf('Hello', 'z')]"), Ok(json!(-1)));
        assert_eq!(
            run("[startsWith('Microsoft.Web', 'microsoft.')]"),
            Ok(json!(true))
        );
        assert_eq!(run("[endsWith('name.json', '.JSON')]"), Ok(json!(true)));
        assert_eq!(run("[string(3)]"), Ok(json!("3")));
        assert_eq!(run("[int('42')]"), Ok(json!(42)));
        assert_eq!(run("[bool('True')]"), Ok(json!(true)));
        assert_eq!(run("[padLeft('7', 3, '0')]"), Ok(json!("007")));
    }

    #[test]
    fn logic_and_collections() {
        assert_eq!(
            run("[if(equals(1, 1), 'yes', parameters('missing'))]"),
            Ok(json!("yes"))
        );
        assert_eq!(run("[and(true(), not(false()))]"), Ok(json!(true)));
        assert_eq!(run("[or(false(), false())]"), Ok(json!(false)));
        assert_eq!(run("[empty('')]"), Ok(json!(true)));
        assert_eq!(run("[empty(parameters('list'))]"), Ok(json!(false)));
        assert_eq!(run("[length(parameters('list'))]"), Ok(json!(2)));
        assert_eq!(run("[contains(parameters('list'), 'A')]"), Ok(json!(true)));
        assert_eq!(run("[contains('Hello', 'ELL')]"), Ok(json!(true)));
        assert_eq!(run("[equals('a', 'A')]"), Ok(json!(false)));
        assert_eq!(
            run("[greaterOrEquals('2024-10-01', '2021-04-30')]"),
            Ok(json!(true))
        );
        assert_eq!(
            run("[union(parameters('list'), createArray('a', 'c'))]"),
            Ok(json!(["a", "b", "c"]))
        );
        assert_eq!(
            run("[intersection(parameters('list'), createArray('b'))]"),
            Ok(json!(["b"]))
        );
        assert_eq!(run("[coalesce(null(), 'x')]"), Ok(json!("x")));
    }

    #[test]
    fn functions_refuse_to_build_huge_values() {
        // Without a limit these build 50 MB and, with six nested `replace` calls, 10 MB (each
        // level multiplies the length by ten).
        let padded = run("[padLeft('7', 50000000, '0')]");
        assert!(
            padded
                .as_ref()
                .is_err_and(|error| error.contains("over the evaluator's limit")),
            "{padded:?}"
        );
        let mut nested = "'aaaaaaaaaa'".to_string();
        for _ in 0..6 {
            nested = format!("replace({nested}, 'a', 'aaaaaaaaaa')");
        }
        let replaced = run(&format!("[{nested}]"));
        assert!(
            replaced
                .as_ref()
                .is_err_and(|error| error.contains("`replace` would make")),
            "{:?}",
            replaced.as_ref().map(|value| value.to_string().len())
        );
        let joined = run("[concat(padLeft('', 700000, 'x'), padLeft('', 700000, 'y'))]");
        assert!(
            joined.is_err(),
            "{:?}",
            joined.map(|value| value.to_string().len())
        );
        // Within the limit, as before.
        assert_eq!(run("[length(padLeft('', 1000, 'x'))]"), Ok(json!(1000)));
    }

    #[test]
    fn errors_name_the_problem() {
        assert_eq!(
            run("[utcNow()]"),
            Err("`utcNow` reads the clock, which an offline evaluation cannot do".to_string())
        );
        assert_eq!(
            run("[reference('x')]"),
            Err("function `reference` is not supported by the offline evaluator".to_string())
        );
        assert!(run("[concat('a']").is_err());
        let deep = format!("[{}1{}]", "string(".repeat(10_000), ")".repeat(10_000));
        assert!(run(&deep).is_err_and(|error| error.starts_with("expression nests deeper")));
        assert_eq!(run("[concat('a'"), Ok(json!("[concat('a'")));
    }
}
