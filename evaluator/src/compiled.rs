//! Policy rules compiled once per assignment member, for untraced evaluations.
//!
//! The interpreter ([`crate::evaluate`]) walks a rule's JSON for every resource: it classifies
//! each condition's keys, parses its operator, evaluates its `[parameters('…')]` operands,
//! resolves its alias and parses the alias's payload path. None of that depends on the
//! resource. A member of an assignment has its definition and its parameter values fixed, so
//! [`CompiledRule::compile`] does all of it once: fields become resolved accessors (a top-level
//! field, or an alias's payload path, starting at the resource or at the member of an
//! enclosing `count`), operands that read only parameters and constants become values,
//! operators are parsed, and `value` conditions on constants are decided.
//!
//! The interpreter stays the reference. A compiled rule answers only what it answers exactly
//! as the interpreter's untraced evaluation (with no unknown paths) would: whether the `if`
//! condition holds, or `None` when evaluating it meets anything it does not reproduce (an
//! error the interpreter would report, an expression that reads the resource or a count's
//! member): the caller then runs the interpreter. Conditions are evaluated in the
//! interpreter's order, with its short-circuits, so an answer is never given where the
//! interpreter would have stopped at an error. A differential test below holds the two
//! together on every bundled definition and on mutated payloads.

use std::borrow::Cow;
use std::cell::Cell;

use serde_json::{Map, Value};

use crate::aliases::Resolution;
use crate::evaluate::{
    canonical_effect, full_name, key, normalise_location, parts, property, resolved_field,
    same_segment, supports_tags_and_location, tag_key, Parts, Segment,
};
use crate::expression::{self, Context};
use crate::operators::{self, Operator};

/// What a compiled rule decides for a resource (see [`CompiledRule::decide`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// The definition's mode does not evaluate the resource.
    NotApplicable,
    /// The `if` condition does not hold, or the effect is `disabled`.
    NoMatch,
    /// The `if` condition holds.
    Match,
}

impl Decision {
    /// The untraced outcome the interpreter gives for this decision, when it is not a match
    /// (a match needs the interpreter's effect and details).
    pub(crate) fn settled_outcome(self) -> Option<crate::evaluate::Outcome> {
        let applicable = match self {
            Decision::NotApplicable => false,
            Decision::NoMatch => true,
            Decision::Match => return None,
        };
        Some(crate::evaluate::Outcome {
            effect: None,
            applicable,
            error: None,
            trace: Vec::new(),
            unknown: None,
        })
    }
}

/// One definition's rule with one member's parameter values, compiled.
#[derive(Debug)]
pub(crate) struct CompiledRule {
    mode: Mode,
    /// Whether the effect is `disabled`: the condition is then never evaluated.
    disabled: bool,
    condition: Node,
}

/// A definition's mode (`Indexed` when it names none), as the interpreter's `mode_applies`
/// reads it.
#[derive(Debug)]
enum Mode {
    All,
    Indexed,
    /// A Resource Provider mode (`Microsoft.CognitiveServices.Data`), as written.
    Provider(String),
}

impl Mode {
    fn of(mode: &str) -> Mode {
        match mode.to_lowercase().as_str() {
            "all" => Mode::All,
            "indexed" => Mode::Indexed,
            _ => Mode::Provider(mode.to_string()),
        }
    }

    /// Whether the mode evaluates a resource of `resource_type` (`mode_applies` is `Ok`),
    /// without the message a refusal carries.
    fn evaluates(&self, resource_type: &str) -> bool {
        let namespace = resource_type.split('/').next().unwrap_or("");
        match self {
            Mode::All | Mode::Indexed => {
                let data_plane = if namespace.is_ascii() {
                    namespace.len() >= 5
                        && namespace.as_bytes()[namespace.len() - 5..]
                            .eq_ignore_ascii_case(b".data")
                } else {
                    namespace.to_lowercase().ends_with(".data")
                };
                !data_plane && (matches!(self, Mode::All) || tracked(resource_type))
            }
            Mode::Provider(mode) => namespace.eq_ignore_ascii_case(mode),
        }
    }
}

/// [`supports_tags_and_location`], without lower-casing a copy of an ASCII type.
fn tracked(resource_type: &str) -> bool {
    if !resource_type.is_ascii() {
        return supports_tags_and_location(resource_type);
    }
    let mut parts = resource_type.split('/');
    let (Some(namespace), Some(_), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    ![
        "microsoft.resources",
        "microsoft.authorization",
        "microsoft.management",
    ]
    .iter()
    .any(|excluded| namespace.eq_ignore_ascii_case(excluded))
}

/// A compiled condition.
#[derive(Debug)]
enum Node {
    /// Something the interpreter would report as an error, or that this does not reproduce:
    /// reaching it gives no answer.
    Bail,
    /// A condition whose answer does not depend on the resource (a `value` on constants).
    Constant(bool),
    All(Vec<Node>),
    Any(Vec<Node>),
    Not(Box<Node>),
    Field {
        access: Access,
        operator: Operator,
        expected: Value,
    },
    Count {
        members: Members,
        filter: Option<Box<Node>>,
        operator: Operator,
        expected: Value,
    },
}

/// Where a `field` condition reads.
#[derive(Debug, PartialEq)]
enum Access {
    TopLevel(TopLevel),
    Alias {
        /// The resource type the alias belongs to: on any other it selects nothing.
        resource_type: String,
        /// Whether the alias's whole path has a `[*]` (what it selects on another type).
        every: bool,
        /// The enclosing count's bound member the path starts at (an index into the bound
        /// members), or `None` for the resource.
        from: Option<usize>,
        /// The rest of the path from there.
        rest: Vec<Segment>,
        /// Whether `rest` has a `[*]`: the condition must hold for every value reached.
        rest_every: bool,
    },
}

/// The top-level fields, as the interpreter's `Scope::top_level` reads them.
#[derive(Debug, PartialEq)]
enum TopLevel {
    Name,
    FullName,
    IdentityType,
    Tags,
    Location,
    /// `tags['x']`, `tags.x`, `tags[x]`: the key, `None` when the text names none.
    Tag(Option<String>),
    /// `id`: the placed id when there is one, else the payload's.
    Id(String),
    /// Any other top-level field, by its text.
    Other(String),
}

/// What a `count` iterates over.
#[derive(Debug)]
enum Members {
    Field {
        resource_type: String,
        from: Option<usize>,
        rest: Vec<Segment>,
        /// Whether the counted path goes on past its last `[*]` (`a[*].b`): each member then
        /// binds that value too.
        whole: bool,
    },
    /// A value count over a constant array.
    Values(Vec<Value>),
}

/// A binding of an enclosing count, as the compiler sees it: the path prefix of a field
/// count's `[*]` (the member bound under it starts the fields it prefixes), or a value count's
/// value (which no field reads).
type StaticBinding = Option<Vec<Segment>>;

/// The deepest conditions nest before the interpreter refuses them.
const MAX_DEPTH: usize = 256;

/// A null the interpreter binds for a member that lacks the counted property.
static NULL: Value = Value::Null;

impl CompiledRule {
    /// Compiles a definition's `properties` with its parameter values (defaults resolved);
    /// `None` when the interpreter would report the rule itself as broken (no `policyRule`,
    /// no `if`, an effect that is not a string) or its effect reads the resource.
    pub(crate) fn compile(properties: &Value, parameters: &Map<String, Value>) -> Option<Self> {
        let mode = Mode::of(
            properties
                .get("mode")
                .and_then(Value::as_str)
                .unwrap_or("Indexed"),
        );
        let rule = properties
            .as_object()
            .and_then(|properties| key(properties, "policyRule"))?;
        let effect = rule
            .as_object()
            .and_then(|rule| key(rule, "then"))
            .and_then(Value::as_object)
            .and_then(|then| key(then, "effect"))?;
        let effect = match evaluate_constant(effect, parameters)? {
            Ok(Value::String(effect)) => canonical_effect(&effect),
            _ => return None,
        };
        let condition = rule.as_object().and_then(|rule| key(rule, "if"))?;
        let mut compiler = Compiler {
            parameters,
            bindings: Vec::new(),
        };
        Some(CompiledRule {
            mode,
            disabled: effect == "disabled",
            condition: compiler.condition(condition, 0),
        })
    }

    /// What the rule decides for `resource` (placed at `id` when given), as the interpreter's
    /// untraced evaluation with no unknown paths would; `None` when that is not certain.
    pub(crate) fn decide(&self, resource: &Value, id: Option<&str>) -> Option<Decision> {
        let resource_type = resource.get("type").and_then(Value::as_str).unwrap_or("");
        if !self.mode.evaluates(resource_type) {
            return Some(Decision::NotApplicable);
        }
        if self.disabled {
            return Some(Decision::NoMatch);
        }
        let mut run = Run {
            resource,
            resource_type,
            id,
            bound: Vec::new(),
        };
        Some(if run.node(&self.condition)? {
            Decision::Match
        } else {
            Decision::NoMatch
        })
    }
}

/// How a compiled rule's `if` condition reads a resource (see [`crate::shapes`]), one read at
/// a time.
pub(crate) enum Read<'c> {
    /// A condition on the value at one payload path alone, compared with a constant.
    Test(Test<'c>),
    /// A payload path (as [`crate::reads`] spells it) read some other way: counted, through an
    /// array, or as part of a name or id built from several properties.
    Whole(String),
    /// A condition the compiled rule gives no answer for: the interpreter evaluates the rule,
    /// and reads what it likes.
    Opaque,
}

/// A `field` condition outside any `count` that reads the value at one payload path and
/// compares it with a constant: its answer depends on that value alone.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Test<'c> {
    access: &'c Access,
    operator: Operator,
    expected: &'c Value,
}

impl PartialEq for Test<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.operator == other.operator
            && self.access == other.access
            && crate::memo::same_value(self.expected, other.expected)
    }
}

impl Test<'_> {
    /// The payload path it reads, as [`crate::reads`] spells it (lower case).
    pub(crate) fn key(&self) -> String {
        match self.access {
            Access::TopLevel(TopLevel::Name) => "name".to_string(),
            Access::TopLevel(TopLevel::Location) => "location".to_string(),
            Access::TopLevel(TopLevel::Other(field)) => field.to_ascii_lowercase(),
            // One tag, by its name (`tags['owner']`, or a name a parameter gives): of the tags.
            Access::TopLevel(TopLevel::Tag(_)) => "tags".to_string(),
            Access::Alias { rest, .. } => property_path(rest),
            // Never made a test (see `CompiledRule::reads`).
            Access::TopLevel(_) => String::new(),
        }
    }

    /// The value the condition compares, read from `resource` (of type `resource_type`, as its
    /// `type` says) as its evaluation reads it; `None` when there is none (an alias of another
    /// type selects nothing).
    pub(crate) fn value<'v>(
        &self,
        resource: &'v Value,
        resource_type: &'v str,
    ) -> Option<Cow<'v, Value>> {
        self.value_of(resource, resource_type, self.belongs_to(resource_type))
    }

    /// Whether what it reads is there on a resource of type `resource_type`: an alias selects
    /// nothing on another type than its own.
    pub(crate) fn belongs_to(&self, resource_type: &str) -> bool {
        match self.access {
            Access::TopLevel(_) => true,
            Access::Alias {
                resource_type: own, ..
            } => own.eq_ignore_ascii_case(resource_type),
        }
    }

    /// [`Test::value`], with [`Test::belongs_to`] of the resource's type known (`belongs`): a
    /// caller reading many resources of one type asks that once.
    pub(crate) fn value_of<'v>(
        &self,
        resource: &'v Value,
        resource_type: &'v str,
        belongs: bool,
    ) -> Option<Cow<'v, Value>> {
        if !belongs {
            return None;
        }
        match self.access {
            Access::TopLevel(field) => Run {
                resource,
                resource_type,
                id: None,
                bound: Vec::new(),
            }
            .top_level(field),
            Access::Alias { rest, .. } => {
                let mut value = Some(resource);
                for segment in rest {
                    if let Segment::Property(name) = segment {
                        value = value.and_then(|value| property(value, name));
                    }
                }
                value.map(Cow::Borrowed)
            }
        }
    }

    /// Whether the condition holds for a resource on which it reads `value` (of
    /// [`Test::value`]); `None` when it gives no answer.
    pub(crate) fn answer(&self, value: Option<&Value>) -> Option<bool> {
        operators::apply(self.operator, value, self.expected).ok()
    }

    /// The answer for every resource of type `resource_type` (as its `type` is written, not
    /// empty), when the condition reads nothing else of it: an alias of another type (which
    /// selects nothing) or the type itself. `Some(None)`: it gives no answer.
    pub(crate) fn answer_for(&self, resource_type: &str) -> Option<Option<bool>> {
        match self.access {
            Access::Alias {
                resource_type: own, ..
            } if !own.eq_ignore_ascii_case(resource_type) => Some(self.answer(None)),
            // Spelled `type`, it reads the payload's own `type` key (another spelling could
            // find another key).
            Access::TopLevel(TopLevel::Other(field)) if field == "type" => {
                Some(self.answer(Some(&Value::String(resource_type.to_string()))))
            }
            _ => None,
        }
    }

    /// Whether it reads the resource as `other` does (and so reads the same value).
    pub(crate) fn same_read(&self, other: &Test<'_>) -> bool {
        self.access == other.access
    }
}

/// The properties of `segments` joined with dots and lower-cased, up to the first `[*]` or
/// bracket: the path [`crate::reads`] keeps for an alias.
fn property_path(segments: &[Segment]) -> String {
    let mut path = String::new();
    for segment in segments {
        let Segment::Property(name) = segment else {
            break;
        };
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(name);
    }
    let cut = path.split('[').next().unwrap_or_default();
    cut.trim_end_matches('.').to_ascii_lowercase()
}

impl CompiledRule {
    /// Every read its `if` condition makes of a resource (none when its effect is disabled,
    /// since the condition is then never evaluated).
    pub(crate) fn reads<'c>(&'c self, out: &mut Vec<Read<'c>>) {
        if !self.disabled {
            node_reads(&self.condition, false, out);
        }
    }
}

/// The reads of `node` (`in_count`: inside a count's `where`, where a test would have to be
/// evaluated with the count's members bound).
fn node_reads<'c>(node: &'c Node, in_count: bool, out: &mut Vec<Read<'c>>) {
    match node {
        Node::Bail => out.push(Read::Opaque),
        Node::Constant(_) => {}
        Node::All(children) | Node::Any(children) => {
            for child in children {
                node_reads(child, in_count, out);
            }
        }
        Node::Not(child) => node_reads(child, in_count, out),
        Node::Field {
            access,
            operator,
            expected,
        } => out.push(field_read(access, *operator, expected, in_count)),
        Node::Count {
            members, filter, ..
        } => {
            if let Members::Field {
                from: None, rest, ..
            } = members
            {
                out.push(Read::Whole(property_path(rest)));
            }
            if let Some(filter) = filter {
                node_reads(filter, true, out);
            }
        }
    }
}

/// How one `field` condition reads the resource.
fn field_read<'c>(
    access: &'c Access,
    operator: Operator,
    expected: &'c Value,
    in_count: bool,
) -> Read<'c> {
    let test = Read::Test(Test {
        access,
        operator,
        expected,
    });
    match access {
        Access::TopLevel(TopLevel::Name | TopLevel::Location | TopLevel::Tag(Some(_)))
            if !in_count =>
        {
            test
        }
        Access::TopLevel(TopLevel::Other(field)) if !in_count && !field.contains(['.', '[']) => {
            test
        }
        Access::TopLevel(TopLevel::Name) => Read::Whole("name".to_string()),
        Access::TopLevel(TopLevel::Location) => Read::Whole("location".to_string()),
        Access::TopLevel(TopLevel::Other(field)) => {
            let cut = field.split('[').next().unwrap_or_default();
            Read::Whole(cut.trim_end_matches('.').to_ascii_lowercase())
        }
        // The full name is built from the name and the id; the id is never tested alone.
        Access::TopLevel(TopLevel::FullName) => Read::Whole("name".to_string()),
        Access::TopLevel(TopLevel::Id(_)) => Read::Whole("id".to_string()),
        Access::TopLevel(TopLevel::IdentityType) => Read::Whole("identity".to_string()),
        Access::TopLevel(TopLevel::Tags | TopLevel::Tag(_)) => Read::Whole("tags".to_string()),
        Access::Alias {
            from: None,
            every: false,
            rest,
            rest_every: false,
            ..
        } if !in_count
            && rest.iter().all(
                |segment| matches!(segment, Segment::Property(name) if !name.contains('[')),
            ) =>
        {
            test
        }
        Access::Alias {
            from: None, rest, ..
        } => Read::Whole(property_path(rest)),
        // Relative to a counted member: the count's own path covers it.
        Access::Alias { from: Some(_), .. } => Read::Whole(String::new()),
    }
}

/// Reads parameters like the interpreter's scope, and notes any read of the resource or a
/// count's member: an expression that made none has the same value for every resource.
struct Constants<'p> {
    parameters: &'p Map<String, Value>,
    reads_resource: Cell<bool>,
}

impl Context for Constants<'_> {
    fn parameter(&self, name: &str) -> Result<Value, String> {
        crate::evaluate::parameter_value(self.parameters, name)
    }

    fn field(&self, _name: &str) -> Result<Value, String> {
        self.reads_resource.set(true);
        Err("reads the resource".to_string())
    }

    fn current(&self, _name: Option<&str>) -> Result<Value, String> {
        self.reads_resource.set(true);
        Err("reads a count's member".to_string())
    }

    fn request_context(&self) -> Value {
        self.reads_resource.set(true);
        Value::Null
    }
}

/// `expression::evaluate_value(value)` when it reads only parameters and constants (its
/// result or its error is then the interpreter's for every resource); `None` when it reads
/// the resource.
fn evaluate_constant(
    value: &Value,
    parameters: &Map<String, Value>,
) -> Option<Result<Value, String>> {
    let context = Constants {
        parameters,
        reads_resource: Cell::new(false),
    };
    let result = expression::evaluate_value(value, &context);
    (!context.reads_resource.get()).then_some(result)
}

/// An operand as the interpreter's `condition` works it out: borrowed in place when it is a
/// literal or a plain `[parameters('x')]`, else evaluated; `None` when it reads the resource
/// or fails.
fn operand(value: &Value, parameters: &Map<String, Value>) -> Option<Value> {
    if let Some(found) = expression::borrowed(value, parameters) {
        return Some(found.clone());
    }
    evaluate_constant(value, parameters)?.ok()
}

struct Compiler<'p> {
    parameters: &'p Map<String, Value>,
    /// The bindings the enclosing counts make, innermost last, as at run time.
    bindings: Vec<StaticBinding>,
}

impl Compiler<'_> {
    /// Compiles a condition as the interpreter's `Evaluation::condition` reads it.
    fn condition(&mut self, node: &Value, depth: usize) -> Node {
        if depth > MAX_DEPTH {
            return Node::Bail;
        }
        let Some(object) = node.as_object() else {
            return Node::Bail;
        };
        let Parts {
            all_of,
            any_of,
            not,
            field,
            value,
            count,
            operator,
        } = parts(object);
        if let Some(children) = all_of {
            return self.logical(children, depth, true);
        }
        if let Some(children) = any_of {
            return self.logical(children, depth, false);
        }
        if let Some(child) = not {
            return Node::Not(Box::new(self.condition(child, depth + 1)));
        }
        let Some((operator, expected)) = operator else {
            return Node::Bail;
        };
        let Some(expected) = operand(expected, self.parameters) else {
            return Node::Bail;
        };
        if let Some(field) = field {
            self.field(field, operator, expected)
        } else if let Some(value) = value {
            match evaluate_constant(value, self.parameters) {
                Some(Ok(actual)) => match operators::apply(operator, Some(&actual), &expected) {
                    Ok(matched) => Node::Constant(matched),
                    Err(_) => Node::Bail,
                },
                _ => Node::Bail,
            }
        } else if let Some(count) = count {
            self.count(count, operator, expected, depth)
        } else {
            Node::Bail
        }
    }

    fn logical(&mut self, children: &Value, depth: usize, all: bool) -> Node {
        let Some(children) = children.as_array() else {
            return Node::Bail;
        };
        let children = children
            .iter()
            .map(|child| self.condition(child, depth + 1))
            .collect();
        if all {
            Node::All(children)
        } else {
            Node::Any(children)
        }
    }

    fn field(&mut self, field: &Value, operator: Operator, expected: Value) -> Node {
        let name = match field {
            Value::String(text) if !text.starts_with('[') => text.clone(),
            _ => match evaluate_constant(field, self.parameters) {
                Some(Ok(Value::String(name))) => name,
                _ => return Node::Bail,
            },
        };
        let resolved = resolved_field(&name);
        let access = match &*resolved {
            (Resolution::TopLevel, _) => Access::TopLevel(top_level(&name)),
            (Resolution::Unknown, _) => return Node::Bail,
            (Resolution::Alias { inferred: true, .. }, _) => return Node::Bail,
            (
                Resolution::Alias {
                    resource_type,
                    path,
                    ..
                },
                segments,
            ) => {
                let (from, rest) = self.bound_start(segments);
                Access::Alias {
                    resource_type: resource_type.clone(),
                    every: path.contains("[*]"),
                    from,
                    rest_every: rest.contains(&Segment::Every),
                    rest: rest.to_vec(),
                }
            }
        };
        Node::Field {
            access,
            operator,
            expected,
        }
    }

    fn count(&mut self, count: &Value, operator: Operator, expected: Value, depth: usize) -> Node {
        let Some(count) = count.as_object() else {
            return Node::Bail;
        };
        let filter = key(count, "where");
        let (members, bound): (Members, Vec<StaticBinding>) =
            if let Some(field) = key(count, "field") {
                let name = match evaluate_constant(field, self.parameters) {
                    Some(Ok(Value::String(name))) => name,
                    _ => return Node::Bail,
                };
                let resolved = resolved_field(&name);
                let (
                    Resolution::Alias {
                        resource_type,
                        path,
                        ..
                    },
                    segments,
                ) = &*resolved
                else {
                    return Node::Bail;
                };
                if !path.contains("[*]") {
                    return Node::Bail;
                }
                let (from, rest) = self.bound_start(segments);
                let offset = segments.len() - rest.len();
                // One binding per `[*]` of the rest, and one for the whole path when it goes on
                // past its last `[*]` (as the interpreter's `members_of` binds them).
                let mut bound: Vec<StaticBinding> = rest
                    .iter()
                    .enumerate()
                    .filter(|(_, segment)| **segment == Segment::Every)
                    .map(|(index, _)| Some(segments[..offset + index + 1].to_vec()))
                    .collect();
                let whole = rest.last() != Some(&Segment::Every);
                if whole {
                    bound.push(Some(segments.clone()));
                }
                (
                    Members::Field {
                        resource_type: resource_type.clone(),
                        from,
                        rest: rest.to_vec(),
                        whole,
                    },
                    bound,
                )
            } else if let Some(value) = key(count, "value") {
                match evaluate_constant(value, self.parameters) {
                    Some(Ok(Value::Array(items))) => (Members::Values(items), vec![None]),
                    _ => return Node::Bail,
                }
            } else {
                return Node::Bail;
            };
        let filter = filter.map(|condition| {
            let outer = self.bindings.len();
            self.bindings.extend(bound);
            let compiled = self.condition(condition, depth + 2);
            self.bindings.truncate(outer);
            Box::new(compiled)
        });
        Node::Count {
            members,
            filter,
            operator,
            expected,
        }
    }

    /// Where a path starts, as the interpreter's `Scope::bound_start` finds it: at the
    /// innermost field count's member whose path prefixes it (its index among the bindings),
    /// else at the resource (`None`); and the rest of the path.
    fn bound_start<'s>(&self, segments: &'s [Segment]) -> (Option<usize>, &'s [Segment]) {
        for (index, binding) in self.bindings.iter().enumerate().rev() {
            if let Some(prefix) = binding {
                let bound = segments.len() >= prefix.len()
                    && prefix.iter().zip(segments).all(|(a, b)| same_segment(a, b));
                if bound {
                    return (Some(index), &segments[prefix.len()..]);
                }
            }
        }
        (None, segments)
    }
}

/// Which top-level field `field` names, as `Scope::top_level` matches it.
fn top_level(field: &str) -> TopLevel {
    let lowered = field.to_lowercase();
    match lowered.as_str() {
        "name" => TopLevel::Name,
        "fullname" => TopLevel::FullName,
        "identity.type" => TopLevel::IdentityType,
        "tags" => TopLevel::Tags,
        "location" => TopLevel::Location,
        _ if lowered.starts_with("tags") => TopLevel::Tag(tag_key(field)),
        "id" => TopLevel::Id(field.to_string()),
        _ => TopLevel::Other(field.to_string()),
    }
}

/// One evaluation of a compiled rule.
struct Run<'v> {
    resource: &'v Value,
    resource_type: &'v str,
    id: Option<&'v str>,
    /// The members the enclosing counts bind, innermost last (a value count's value too).
    bound: Vec<&'v Value>,
}

impl<'v> Run<'v> {
    fn node(&mut self, node: &'v Node) -> Option<bool> {
        match node {
            Node::Bail => None,
            Node::Constant(matched) => Some(*matched),
            Node::All(children) => {
                for child in children {
                    if !self.node(child)? {
                        return Some(false);
                    }
                }
                Some(true)
            }
            Node::Any(children) => {
                for child in children {
                    if self.node(child)? {
                        return Some(true);
                    }
                }
                Some(false)
            }
            Node::Not(child) => Some(!self.node(child)?),
            Node::Field {
                access,
                operator,
                expected,
            } => self.field(access, *operator, expected),
            Node::Count {
                members,
                filter,
                operator,
                expected,
            } => {
                let total = self.count(members, filter.as_deref())?;
                operators::apply(*operator, Some(&Value::from(total)), expected).ok()
            }
        }
    }

    fn field(&self, access: &Access, operator: Operator, expected: &Value) -> Option<bool> {
        match access {
            Access::TopLevel(field) => {
                let value = self.top_level(field);
                operators::apply(operator, value.as_deref(), expected).ok()
            }
            Access::Alias {
                resource_type,
                every,
                from,
                rest,
                rest_every,
            } => {
                if !resource_type.eq_ignore_ascii_case(self.resource_type) {
                    // An alias of another type selects nothing: no members, or no value.
                    return if *every {
                        Some(true)
                    } else {
                        operators::apply(operator, None, expected).ok()
                    };
                }
                let start = match from {
                    Some(index) => self.bound[*index],
                    None => self.resource,
                };
                if *rest_every {
                    every_holds(Some(start), rest, &mut |value| {
                        operators::apply(operator, value, expected).ok()
                    })
                } else {
                    let mut value = Some(start);
                    for segment in rest {
                        if let Segment::Property(name) = segment {
                            value = value.and_then(|value| property(value, name));
                        }
                    }
                    operators::apply(operator, value, expected).ok()
                }
            }
        }
    }

    fn top_level(&self, field: &TopLevel) -> Option<Cow<'v, Value>> {
        let resource = self.resource;
        let name = || resource.get("name").and_then(Value::as_str);
        match field {
            TopLevel::Name => name().map(|name| {
                Cow::Owned(Value::String(
                    name.rsplit('/').next().unwrap_or(name).to_string(),
                ))
            }),
            TopLevel::FullName => {
                name().map(|name| Cow::Owned(Value::String(full_name(name, self.id, resource))))
            }
            TopLevel::IdentityType => resource
                .get("identity")
                .and_then(|identity| property(identity, "type"))
                .map(Cow::Borrowed),
            TopLevel::Tags => property(resource, "tags").map(Cow::Borrowed),
            TopLevel::Location => property(resource, "location").map(|value| match value {
                // Already as Azure stores it: nothing to normalise.
                Value::String(location)
                    if location
                        .bytes()
                        .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit()) =>
                {
                    Cow::Borrowed(value)
                }
                Value::String(location) => Cow::Owned(Value::String(normalise_location(location))),
                other => Cow::Borrowed(other),
            }),
            TopLevel::Tag(key) => {
                let key = key.as_deref()?;
                property(resource, "tags")
                    .and_then(|tags| property(tags, key))
                    .map(Cow::Borrowed)
            }
            TopLevel::Id(field) => match self.id {
                Some(id) => Some(Cow::Owned(Value::String(id.to_string()))),
                None => property(resource, field).map(Cow::Borrowed),
            },
            TopLevel::Other(field) => property(resource, field).map(Cow::Borrowed),
        }
    }

    /// How many members of a count satisfy its `where` (all of them without one); `None`
    /// when a member's `where` gives no answer.
    fn count(&mut self, members: &'v Members, filter: Option<&'v Node>) -> Option<usize> {
        match members {
            Members::Values(items) => {
                let Some(filter) = filter else {
                    return Some(items.len());
                };
                let mut total = 0;
                for item in items {
                    self.bound.push(item);
                    let matched = self.node(filter);
                    self.bound.pop();
                    total += usize::from(matched?);
                }
                Some(total)
            }
            Members::Field {
                resource_type,
                from,
                rest,
                whole,
            } => {
                if !resource_type.eq_ignore_ascii_case(self.resource_type) {
                    return Some(0);
                }
                let start = match from {
                    Some(index) => self.bound[*index],
                    None => self.resource,
                };
                let mut total = 0;
                self.members(Some(start), rest, *whole, filter, &mut total)?;
                Some(total)
            }
        }
    }

    /// Walks the counted path from `value`, binding each `[*]` member (and the value at the
    /// end of the path, for `whole`), and counts the members whose `where` holds. Members are
    /// visited in the interpreter's order.
    fn members(
        &mut self,
        value: Option<&'v Value>,
        rest: &'v [Segment],
        whole: bool,
        filter: Option<&'v Node>,
        total: &mut usize,
    ) -> Option<()> {
        let Some((segment, after)) = rest.split_first() else {
            if whole {
                self.bound.push(value.unwrap_or(&NULL));
            }
            let matched = match filter {
                None => Some(true),
                Some(filter) => self.node(filter),
            };
            if whole {
                self.bound.pop();
            }
            *total += usize::from(matched?);
            return Some(());
        };
        match segment {
            Segment::Property(name) => self.members(
                value.and_then(|value| property(value, name)),
                after,
                whole,
                filter,
                total,
            ),
            Segment::Every => {
                let Some(Value::Array(items)) = value else {
                    return Some(());
                };
                for item in items {
                    self.bound.push(item);
                    let done = self.members(Some(item), after, whole, filter, total);
                    self.bound.pop();
                    done?;
                }
                Some(())
            }
        }
    }
}

/// Whether `holds` is true of every value a `[*]` path reaches from `value`, visited in the
/// interpreter's order and stopping at the first that is not; `None` when `holds` gives no
/// answer for one it visits.
fn every_holds<'v>(
    value: Option<&'v Value>,
    segments: &[Segment],
    holds: &mut impl FnMut(Option<&'v Value>) -> Option<bool>,
) -> Option<bool> {
    let Some((segment, rest)) = segments.split_first() else {
        return holds(value);
    };
    match segment {
        Segment::Property(name) => {
            every_holds(value.and_then(|value| property(value, name)), rest, holds)
        }
        Segment::Every => {
            let Some(Value::Array(items)) = value else {
                // An absent array, or not an array: no values, vacuously true.
                return Some(true);
            };
            for item in items {
                if !every_holds(Some(item), rest, holds)? {
                    return Some(false);
                }
            }
            Some(true)
        }
    }
}

#[cfg(test)]
mod tests {
    //! The differential test: a compiled rule's answer, whenever it gives one, is the
    //! interpreter's untraced outcome, for every definition the evaluator knows (the bundled
    //! built-ins, the contoso example's build and a generated corpus's build, and rules written
    //! here to reach every kind of condition), with varied parameter values, against the
    //! estate's payloads and mutations of them (missing fields, nulls, other types, arrays of
    //! other lengths, strings in other cases).

    use super::*;
    use crate::evaluate::{definition_properties, evaluate_at, resolve_parameters};
    use serde_json::json;

    /// What the differential runs saw.
    #[derive(Default, Debug)]
    struct Tally {
        /// Evaluations compared.
        total: usize,
        /// Those the compiled rule answered.
        decided: usize,
        /// Those it answered with a match.
        matched: usize,
        /// Member definitions (with parameter values) that compiled.
        compiled: usize,
        /// Those that did not.
        not_compiled: usize,
    }

    /// Compares the compiled rule of `properties` with `parameters` against the interpreter on
    /// every resource.
    fn compare(
        label: &str,
        properties: &Value,
        parameters: &Map<String, Value>,
        resources: &[Value],
        tally: &mut Tally,
    ) {
        let resolved = resolve_parameters(properties, parameters);
        let Some(compiled) = CompiledRule::compile(properties, &resolved) else {
            tally.not_compiled += 1;
            return;
        };
        tally.compiled += 1;
        for (index, resource) in resources.iter().enumerate() {
            // Placed at an id of its own now and then, as the self-compliance proof places them.
            let placed = (index % 3 == 1).then_some(
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/placed/deployments/d",
            );
            for id in [None, placed] {
                tally.total += 1;
                let Some(decision) = compiled.decide(resource, id) else {
                    continue;
                };
                tally.decided += 1;
                let interpreted = evaluate_at(properties, &resolved, resource, id, &[], false);
                let context = || {
                    format!(
                        "{label} with {} on {resource} at {id:?}: compiled {decision:?}, interpreted {interpreted:?}",
                        Value::Object(resolved.clone())
                    )
                };
                match decision.settled_outcome() {
                    Some(expected) => assert_eq!(interpreted, expected, "{}", context()),
                    None => {
                        tally.matched += 1;
                        assert!(
                            interpreted.applicable
                                && interpreted.effect.is_some()
                                && interpreted.error.is_none(),
                            "{}",
                            context()
                        );
                    }
                }
            }
        }
    }

    /// Values to try for one declared parameter: its default, its allowed values, and values
    /// of its type and of other types.
    fn parameter_values(declaration: &Value) -> Vec<Value> {
        let mut values = Vec::new();
        let default = declaration.get("defaultValue");
        let allowed = declaration.get("allowedValues").and_then(Value::as_array);
        let kind = declaration["type"].as_str().unwrap_or("").to_lowercase();
        if let Some(allowed) = allowed {
            if kind == "array" {
                values.push(Value::Array(allowed.clone()));
                values.extend(allowed.iter().map(|value| json!([value])));
            } else {
                values.extend(allowed.iter().cloned());
            }
        }
        match kind.as_str() {
            "array" => {
                values.push(json!([]));
                if let Some(Value::Array(items)) = default {
                    values.push(Value::Array(items.iter().map(shouted).collect()));
                    values.push(Value::Array(items.iter().take(1).cloned().collect()));
                }
                values.push(json!([
                    "swedencentral",
                    "Microsoft.DefaultV2",
                    "gpt-4o,2024-08-06",
                    "OpenAI",
                    "Standard"
                ]));
            }
            "string" => {
                values.extend([json!(""), json!("Deny"), json!("disabled"), json!("Audit")]);
                if let Some(default) = default {
                    values.push(shouted(default));
                }
            }
            "integer" => values.extend([json!(0), json!(1), json!(100), json!("10")]),
            "boolean" => values.extend([json!(true), json!(false), json!("true")]),
            _ => values.push(json!({})),
        }
        // A value of another type.
        values.push(json!(7));
        values
    }

    /// A string (or the strings in a value) in upper case.
    fn shouted(value: &Value) -> Value {
        match value {
            Value::String(text) => Value::String(text.to_uppercase()),
            Value::Array(items) => Value::Array(items.iter().map(shouted).collect()),
            other => other.clone(),
        }
    }

    /// Parameter sets for a definition: the defaults (with a sample for each parameter without
    /// one), then each parameter varied in turn; and once with nothing given.
    fn parameter_sets(properties: &Value) -> Vec<Map<String, Value>> {
        let declared = properties
            .get("parameters")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut base = Map::new();
        for (name, declaration) in &declared {
            if declaration.get("defaultValue").is_none() {
                if let Some(first) = parameter_values(declaration).into_iter().next() {
                    base.insert(name.clone(), first);
                }
            }
        }
        let mut sets = vec![Map::new(), base.clone()];
        for (name, declaration) in &declared {
            for value in parameter_values(declaration) {
                let mut set = base.clone();
                set.insert(name.clone(), value);
                sets.push(set);
            }
        }
        sets
    }

    /// The payload with each value in it replaced in turn (see [`replacements`]), and with
    /// each object member and array member removed in turn; at most `limit` of them.
    fn mutations(payload: &Value, limit: usize) -> Vec<Value> {
        let mut out = vec![payload.clone()];
        let mut paths = Vec::new();
        positions(payload, &mut Vec::new(), &mut paths);
        for path in paths {
            let Some(current) = pointer(payload, &path) else {
                continue;
            };
            for replacement in replacements(current) {
                let mut changed = payload.clone();
                if let Some(slot) = pointer_mut(&mut changed, &path) {
                    *slot = replacement;
                }
                out.push(changed);
            }
            if let Some((last, parent)) = path.split_last() {
                let mut changed = payload.clone();
                match pointer_mut(&mut changed, parent) {
                    Some(Value::Object(map)) => {
                        map.shift_remove(last.as_str());
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(index) = last.parse::<usize>() {
                            items.remove(index);
                        }
                    }
                    _ => {}
                }
                out.push(changed);
            }
        }
        if out.len() > limit {
            // Spread what is kept over the whole payload, not its first fields only.
            let step = out.len().div_ceil(limit);
            out = out.into_iter().step_by(step).collect();
        }
        out
    }

    fn positions(value: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        if path.len() > 7 {
            return;
        }
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    path.push(key.clone());
                    out.push(path.clone());
                    positions(child, path, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate().take(4) {
                    path.push(index.to_string());
                    out.push(path.clone());
                    positions(child, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    fn pointer<'v>(value: &'v Value, path: &[String]) -> Option<&'v Value> {
        path.iter().try_fold(value, |value, step| match value {
            Value::Object(map) => map.get(step),
            Value::Array(items) => items.get(step.parse::<usize>().ok()?),
            _ => None,
        })
    }

    fn pointer_mut<'v>(value: &'v mut Value, path: &[String]) -> Option<&'v mut Value> {
        path.iter().try_fold(value, |value, step| match value {
            Value::Object(map) => map.get_mut(step),
            Value::Array(items) => items.get_mut(step.parse::<usize>().ok()?),
            _ => None,
        })
    }

    /// What a value is replaced with: null, values of other types, and variants of its own
    /// (a string in other cases, a number beside it, an array shorter or longer).
    fn replacements(value: &Value) -> Vec<Value> {
        let mut out = vec![Value::Null, json!(0), json!(true), json!("x"), json!({})];
        match value {
            Value::String(text) => {
                out.push(Value::String(text.to_uppercase()));
                out.push(Value::String(text.to_lowercase()));
                out.push(Value::String(format!("{text} ")));
                out.push(json!("Disabled"));
                out.push(json!("Enabled"));
                out.push(json!("Sweden Central"));
            }
            Value::Bool(flag) => {
                out.push(Value::Bool(!flag));
                out.push(Value::String(flag.to_string()));
            }
            Value::Number(number) => {
                let n = number.as_f64().unwrap_or(0.0);
                out.push(json!(n + 1.0));
                out.push(json!(n - 1.0));
                out.push(Value::String(number.to_string()));
            }
            Value::Array(items) => {
                out.push(json!([]));
                out.push(Value::Array(items.iter().take(1).cloned().collect()));
                let mut doubled = items.clone();
                doubled.extend(items.iter().cloned());
                out.push(Value::Array(doubled));
            }
            Value::Object(_) => {}
            Value::Null => out.push(json!([])),
        }
        out
    }

    /// The definitions of the differential: the bundled built-ins and the fixtures' builds.
    fn definitions() -> Vec<(String, Value)> {
        let mut definitions: Vec<(String, Value)> = crate::builtin_definitions().to_vec();
        for text in [
            include_str!("../tests/fixtures/compiled/contoso.json"),
            include_str!("../tests/fixtures/compiled/corpus.json"),
        ] {
            let fixture: Value = serde_json::from_str(text).expect("the fixture is JSON");
            for definition in fixture["definitions"].as_array().into_iter().flatten() {
                let name = definition["name"].as_str().unwrap_or("").to_string();
                definitions.push((name, definition.clone()));
            }
        }
        definitions
            .into_iter()
            .filter(|(_, definition)| {
                definition_properties(definition)
                    .get("policyRule")
                    .is_some()
            })
            .collect()
    }

    /// The payloads of the differential: the fixtures' estates and the evaluator's contoso test
    /// cases.
    fn payloads() -> Vec<Value> {
        let mut payloads = Vec::new();
        for text in [
            include_str!("../tests/fixtures/compiled/contoso.json"),
            include_str!("../tests/fixtures/compiled/corpus.json"),
        ] {
            let fixture: Value = serde_json::from_str(text).expect("the fixture is JSON");
            payloads.extend(
                fixture["payloads"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .cloned(),
            );
        }
        for text in [
            include_str!("../tests/fixtures/contoso/accounts.json"),
            include_str!("../tests/fixtures/contoso/content-filters.json"),
            include_str!("../tests/fixtures/contoso/data-plane.json"),
            include_str!("../tests/fixtures/contoso/deployments.json"),
            include_str!("../tests/fixtures/contoso/models.json"),
        ] {
            let cases: Value = serde_json::from_str(text).expect("the fixture is JSON");
            payloads.extend(
                cases
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|case| case.get("resource").cloned()),
            );
        }
        payloads
    }

    /// Rules written to reach every kind of condition the compiler handles and many it leaves
    /// to the interpreter.
    fn reaching_rules() -> Vec<Value> {
        let account = "Microsoft.CognitiveServices/accounts";
        let ip_rules = "Microsoft.CognitiveServices/accounts/networkAcls.ipRules[*]";
        let ip_values = "Microsoft.CognitiveServices/accounts/networkAcls.ipRules[*].value";
        let filters = "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*]";
        let filter_name = "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*].name";
        let filter_blocking =
            "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*].blocking";
        let conditions = vec![
            json!({"field": "type", "equals": account}),
            json!({"field": "name", "like": "contoso-*"}),
            json!({"field": "fullName", "contains": "/"}),
            json!({"field": "id", "contains": "resourceGroups"}),
            json!({"field": "location", "in": "[parameters('list')]"}),
            json!({"field": "location", "notIn": ["swedencentral", "eastus"]}),
            json!({"field": "tags", "containsKey": "owner"}),
            json!({"field": "tags['Owner']", "exists": "true"}),
            json!({"field": "tags.env", "notEquals": "prod"}),
            json!({"field": "identity.type", "equals": "SystemAssigned"}),
            json!({"field": "kind", "match": "AIServices"}),
            json!({"field": "sku.name", "notMatchInsensitively": "s#"}),
            json!({"field": "[concat('tags[', parameters('text'), ']')]", "exists": false}),
            json!({"field": "[field('name')]", "exists": true}),
            json!({"field": "Microsoft.CognitiveServices/accounts/publicNetworkAccess", "equals": "Disabled"}),
            json!({"field": "Microsoft.CognitiveServices/accounts/disableLocalAuth", "notEquals": "[parameters('flag')]"}),
            json!({"field": ip_values, "like": "10.*"}),
            json!({"field": ip_rules, "exists": true}),
            json!({"field": "Microsoft.CognitiveServices/accounts/deployments/sku.capacity", "greater": "[parameters('number')]"}),
            json!({"field": "Microsoft.CognitiveServices/accounts/deployments/sku.capacity", "lessOrEquals": 10}),
            json!({"field": "location", "greater": true}),
            json!({"field": "location", "exists": "maybe"}),
            json!({"field": "Microsoft.Nothing/things/nowhere", "equals": 1}),
            json!({"field": "not a field at all", "equals": 1}),
            json!({"count": {"field": ip_rules}, "greater": 0}),
            json!({"count": {"field": ip_rules, "where": {"field": ip_values, "like": "10.*"}}, "equals": "[length(parameters('list'))]"}),
            json!({"count": {"field": filters, "where": {"allOf": [
                {"field": filter_name, "in": ["Hate", "Violence"]},
                {"field": filter_blocking, "equals": "[parameters('flag')]"},
                {"value": "[parameters('text')]", "notEquals": ""},
            ]}}, "less": 2}),
            json!({"count": {"field": filters, "where": {"value": "[current(concat(parameters('text'), 'x'))]", "equals": 1}}, "equals": 0}),
            json!({"count": {"field": filters, "where": {"count": {"field": filters}, "greater": 1}}, "greater": 0}),
            json!({"count": {"value": "[parameters('list')]", "name": "entry", "where": {"field": "location", "equals": "swedencentral"}}, "greaterOrEquals": 1}),
            json!({"count": {"value": "[parameters('list')]", "name": "entry", "where": {"value": "[current('entry')]", "equals": "swedencentral"}}, "greaterOrEquals": 1}),
            json!({"count": {"value": ["a", "b"]}, "equals": 2}),
            json!({"count": {"value": "[parameters('text')]"}, "equals": 2}),
            json!({"count": {"field": "location"}, "equals": 0}),
            json!({"count": "not an object", "equals": 0}),
            json!({"value": "[parameters('text')]", "equals": "Deny"}),
            json!({"value": "[toLower(field('name'))]", "like": "*prod*"}),
            json!({"value": "[requestContext().apiVersion]", "greater": "2020"}),
            json!({"value": "[utcNow()]", "equals": "x"}),
            json!({"value": 3, "greater": "[parameters('number')]"}),
            json!({"not": {"field": "kind", "exists": true}}),
            json!({"anyOf": "not a list"}),
            json!({"field": "kind"}),
            json!({"equals": 1}),
            json!("not an object"),
        ];
        let mut rules = Vec::new();
        let parameters = json!({
            "list": {"type": "Array", "defaultValue": ["swedencentral", "EastUS"]},
            "text": {"type": "String", "defaultValue": "owner"},
            "flag": {"type": "Boolean", "defaultValue": true},
            "number": {"type": "Integer", "defaultValue": 5},
            "effect": {"type": "String", "defaultValue": "Deny"},
        });
        let definition = |mode: &str, condition: Value| {
            json!({"properties": {
                "mode": mode,
                "parameters": parameters.clone(),
                "policyRule": {"if": condition, "then": {"effect": "[parameters('effect')]"}},
            }})
        };
        for (index, condition) in conditions.iter().enumerate() {
            rules.push(definition("All", condition.clone()));
            // Within an `allOf` after another condition, and in an `anyOf` after one, so that
            // short-circuits and errors come in either order.
            let other = &conditions[(index * 7 + 3) % conditions.len()];
            rules.push(definition("Indexed", json!({"allOf": [other, condition]})));
            rules.push(definition(
                "All",
                json!({"anyOf": [condition, {"not": other}]}),
            ));
        }
        // A deep nest, the interpreter's limit.
        let mut deep = json!({"field": "type", "exists": true});
        for _ in 0..300 {
            deep = json!({"not": deep});
        }
        rules.push(definition("All", deep));
        rules
    }

    /// Runs the differential over `definitions` (at most `sets` parameter sets each) and
    /// `payloads` (at most `limit` mutations of each, for the rules about them).
    fn differential(
        definitions: &[(String, Value)],
        (sets, limit): (usize, usize),
        payloads: &[Value],
    ) -> Tally {
        let mut tally = Tally::default();
        for (name, definition) in definitions {
            let properties = definition_properties(definition);
            let targets = crate::evaluate::target_types(properties);
            // Mutations of the payloads the rule is about; the others as they are.
            let mut resources = Vec::new();
            for payload in payloads {
                let resource_type = payload["type"].as_str().unwrap_or("").to_lowercase();
                let about = targets
                    .as_ref()
                    .is_none_or(|types| types.contains(&resource_type));
                if about {
                    resources.extend(mutations(payload, limit));
                } else {
                    resources.push(payload.clone());
                }
            }
            let all = parameter_sets(properties);
            let step = all.len().div_ceil(sets);
            for parameters in all.into_iter().step_by(step) {
                compare(name, properties, &parameters, &resources, &mut tally);
            }
        }
        tally
    }

    #[test]
    fn modes_evaluate_the_types_the_interpreter_evaluates() {
        let modes = [
            "All",
            "all",
            "ALL",
            "Indexed",
            "indexed",
            "Microsoft.CognitiveServices.Data",
            "microsoft.cognitiveservices.data",
            "Microsoft.Kubernetes.Data",
            "İndexed",
            "",
        ];
        let types = [
            "Microsoft.CognitiveServices/accounts",
            "Microsoft.CognitiveServices/accounts/deployments",
            "Microsoft.CognitiveServices.Data/accounts/deployments",
            "microsoft.cognitiveservices.DATA/accounts",
            "Microsoft.Resources/resourceGroups",
            "Microsoft.Authorization/roleAssignments",
            "Microsoft.Management/managementGroups",
            "MICROSOFT.RESOURCES/subscriptions",
            "Microsoft.Storage/storageAccounts/blobServices",
            "Microsoft.Storage",
            "Microsoft.Ünicode.Data/things",
            "Microsoft.Ünicode/things",
            "nothing",
            "",
        ];
        for mode in modes {
            for resource_type in types {
                let resource = json!({"type": resource_type});
                assert_eq!(
                    Mode::of(mode).evaluates(resource_type),
                    crate::evaluate::mode_applies(mode, &resource).is_ok(),
                    "{mode} on {resource_type}"
                );
            }
        }
    }

    #[test]
    fn compiled_rules_answer_as_the_interpreter_on_every_known_definition() {
        let tally = differential(&definitions(), (8, 20), &payloads());
        // Not vacuous: the definitions compile, nearly every evaluation is answered, and
        // matches are among the answers.
        assert!(tally.compiled > 10 * tally.not_compiled, "{tally:?}");
        assert!(tally.decided * 10 > tally.total * 9, "{tally:?}");
        assert!(tally.matched * 20 > tally.decided, "{tally:?}");
    }

    #[test]
    fn compiled_rules_answer_as_the_interpreter_on_every_kind_of_condition() {
        let rules: Vec<(String, Value)> = reaching_rules()
            .into_iter()
            .enumerate()
            .map(|(index, rule)| (format!("rule {index}"), rule))
            .collect();
        let tally = differential(&rules, (2, 6), &payloads());
        assert!(tally.decided * 2 > tally.total, "{tally:?}");
        assert!(tally.matched * 10 > tally.decided, "{tally:?}");
        // And some are left to the interpreter (an expression reading the resource, an error).
        assert!(tally.decided < tally.total, "{tally:?}");
    }
}
