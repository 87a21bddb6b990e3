//! Evaluates one policy definition's rule against one resource payload, recording a trace of
//! every condition it looked at and the values it compared.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{Map, Value};

use crate::aliases::{self, Resolution};
use crate::expression::{self, Context};
use crate::operators::{self, Operator};

/// The result of evaluating one definition against one resource.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The effect when the `if` condition matched (`deny`, `audit`, `modify`, ...), in Azure's
    /// canonical spelling; `None` when the resource is compliant, the definition does not apply
    /// to it (mode), or the effect is `Disabled`.
    pub effect: Option<String>,
    /// Whether the definition's mode evaluates this resource at all.
    pub applicable: bool,
    /// An evaluation error (a template function failed, a type mismatch). Azure treats such an
    /// error as an implicit deny, so `effect` is then `deny`.
    pub error: Option<String>,
    /// What was evaluated, in order, as an indented tree.
    pub trace: Vec<TraceStep>,
    /// A field the evaluation read whose value the resource description does not know (an
    /// export without `properties`, a Terraform value known only after apply): the outcome
    /// then says what the known values give, and cannot be trusted as a verdict.
    pub unknown: Option<String>,
}

/// One line of an evaluation trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceStep {
    /// Nesting depth (0 for the rule itself).
    pub depth: usize,
    /// Whether this condition held; `None` for a note that is not a condition.
    pub matched: Option<bool>,
    /// What was evaluated, with the values compared.
    pub text: String,
    /// The field a `field` condition read (`type`, an alias, ...), for tools that look for
    /// particular conditions.
    pub field: Option<String>,
}

impl Outcome {
    /// Whether the rule is about other resources: its mode skips this one, or it compared the
    /// resource's `type` and no `type` condition held. Failure reports list such rules in one
    /// line instead of explaining each.
    pub fn targets_other_resources(&self) -> bool {
        if !self.applicable {
            return true;
        }
        if self.effect.is_some() || self.error.is_some() {
            return false;
        }
        let type_checks: Vec<Option<bool>> = self
            .trace
            .iter()
            .filter(|step| {
                step.field
                    .as_deref()
                    .is_some_and(|field| field.eq_ignore_ascii_case("type"))
            })
            .map(|step| step.matched)
            .collect();
        !type_checks.is_empty() && type_checks.iter().all(|matched| *matched == Some(false))
    }

    /// Renders the trace as indented lines, one condition per line, for people reading CI logs.
    pub fn explain(&self) -> String {
        let mut out = String::new();
        for step in &self.trace {
            out.push_str(&"  ".repeat(step.depth));
            out.push_str(&step.text);
            match step.matched {
                Some(true) => out.push_str(" → true"),
                Some(false) => out.push_str(" → false"),
                None => {}
            }
            out.push('\n');
        }
        if let Some(error) = &self.error {
            if error.contains(UNKNOWN_ALIAS) {
                // Azure would have refused to create the definition; nothing to judge here.
                out.push_str(&format!("error: {error}\n"));
            } else {
                out.push_str(&format!("error: {error} (Azure treats this as deny)\n"));
            }
        }
        out
    }
}

/// The effects Azure Policy knows, in their canonical spelling.
pub const EFFECTS: [&str; 11] = [
    "addToNetworkGroup",
    "append",
    "audit",
    "auditIfNotExists",
    "deny",
    "denyAction",
    "deployIfNotExists",
    "disabled",
    "manual",
    "modify",
    "mutate",
];

/// The canonical spelling of an effect name (`Deny` → `deny`); unknown names are kept.
pub fn canonical_effect(effect: &str) -> String {
    EFFECTS
        .iter()
        .find(|known| known.eq_ignore_ascii_case(effect))
        .map_or_else(|| effect.to_string(), |known| (*known).to_string())
}

/// Evaluates a policy definition against a resource.
///
/// `definition` is a definition resource (`{"name", "properties": {...}}`) or its `properties`;
/// `parameters` maps parameter names to values (plain values, not `{"value": ...}`), and
/// parameters it lacks take the definition's `defaultValue`; `resource` is an ARM `GET`
/// payload or a template resource (`type`, `name`, `location`, `tags`, `properties`, ...).
pub fn evaluate(definition: &Value, parameters: &Map<String, Value>, resource: &Value) -> Outcome {
    evaluate_with(definition, parameters, resource, true)
}

/// [`evaluate`], recording the trace only when `traced`: the outcome's effect, applicability
/// and error are the same either way, and an untraced evaluation formats no text.
pub fn evaluate_with(
    definition: &Value,
    parameters: &Map<String, Value>,
    resource: &Value,
    traced: bool,
) -> Outcome {
    let properties = definition_properties(definition);
    let resolved = resolve_parameters(properties, parameters);
    evaluate_resolved(properties, &resolved, resource, traced)
}

/// [`evaluate_with`] for a definition's `properties` and parameters already merged with the
/// definition's defaults ([`resolve_parameters`]): what a caller that evaluates one member of
/// an assignment against many resources works out once.
pub(crate) fn evaluate_resolved(
    properties: &Value,
    parameters: &Map<String, Value>,
    resource: &Value,
    traced: bool,
) -> Outcome {
    evaluate_partial(properties, parameters, resource, &[], traced)
}

/// [`evaluate_resolved`] for a resource of which some values are not known: `unknown` lists
/// their paths in the payload (`properties`, `properties.networkAcls`, `tags`), lower case,
/// dotted, without `[*]`. A field whose path is one of them, lies under one, or contains one
/// is recorded in [`Outcome::unknown`].
pub(crate) fn evaluate_partial(
    properties: &Value,
    parameters: &Map<String, Value>,
    resource: &Value,
    unknown: &[String],
    traced: bool,
) -> Outcome {
    evaluate_at(properties, parameters, resource, None, unknown, traced)
}

/// [`evaluate_partial`] for a resource whose id is `id` when given (the payload's own `id`
/// otherwise): a caller placing one payload at several ids (the self-compliance proof) need
/// not copy it to write each id in.
pub(crate) fn evaluate_at(
    properties: &Value,
    parameters: &Map<String, Value>,
    resource: &Value,
    id: Option<&str>,
    unknown: &[String],
    traced: bool,
) -> Outcome {
    let mut evaluation = Evaluation {
        id,
        trace: Vec::new(),
        parameters,
        resource,
        resource_type: resource.get("type").and_then(Value::as_str).unwrap_or(""),
        unknown,
        unknown_read: RefCell::new(None),
        quiet: usize::from(!traced),
        truncated: false,
    };
    evaluation.run(properties)
}

/// Whether a payload path (`properties.networkAcls.ipRules[*].value`) reads a value listed as
/// unknown (see [`evaluate_partial`]).
pub(crate) fn reads_unknown(path: &str, unknown: &[String]) -> bool {
    if unknown.is_empty() {
        return false;
    }
    let normalised = path.replace("[*]", "").to_lowercase();
    unknown.iter().any(|listed| {
        let listed = listed.as_str();
        normalised == listed
            || normalised
                .strip_prefix(listed)
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
            || listed
                .strip_prefix(normalised.as_str())
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
    })
}

/// The `properties` of a definition resource, or the value itself when it is already that.
pub fn definition_properties(definition: &Value) -> &Value {
    match definition.get("properties") {
        Some(properties) if properties.get("policyRule").is_some() => properties,
        _ => definition,
    }
}

/// A definition's parameter values: its defaults, overridden by the values `given`.
pub(crate) fn resolve_parameters(
    properties: &Value,
    given: &Map<String, Value>,
) -> Map<String, Value> {
    let declared = properties.get("parameters").and_then(Value::as_object);
    let mut resolved = Map::with_capacity(declared.map_or(0, Map::len) + given.len());
    // A given value takes its default's place; the default (an approved list can be long) is
    // not copied only to be replaced.
    for (name, declaration) in declared.into_iter().flatten() {
        if let Some(default) = declaration.get("defaultValue") {
            let value = given.get(name).unwrap_or(default);
            resolved.insert(name.clone(), value.clone());
        }
    }
    for (name, value) in given {
        if !resolved.contains_key(name) {
            resolved.insert(name.clone(), value.clone());
        }
    }
    resolved
}

/// How many members of one `count` the trace shows; the others are evaluated all the same
/// and summed up in one line, so that a resource with a 16,000-element array gives a short
/// trace (and a fast one: what is not shown is not formatted).
const TRACED_MEMBERS: usize = 20;

/// The most lines one evaluation's trace holds.
const MAX_TRACE_STEPS: usize = 2_000;

struct Evaluation<'a> {
    /// The resource's id when it is not the payload's own (see [`evaluate_at`]).
    id: Option<&'a str>,
    trace: Vec<TraceStep>,
    parameters: &'a Map<String, Value>,
    resource: &'a Value,
    resource_type: &'a str,
    /// Paths of the resource whose values are not known (see [`evaluate_partial`]).
    unknown: &'a [String],
    /// The first field read that lies in `unknown`.
    unknown_read: RefCell<Option<String>>,
    /// Above zero while members that are not shown are evaluated: nothing is traced.
    quiet: usize,
    /// Whether lines were left out because the trace was full.
    truncated: bool,
}

/// What is being counted while a `where` condition is evaluated. A member of the resource is
/// borrowed from it, not copied: a count over a 16,000-element array binds 16,000 members.
#[derive(Clone, Debug)]
enum Binding<'a> {
    /// A field count: the path of the counted `[*]` alias (shared by its members) and the
    /// current array member.
    Field {
        prefix: Rc<[Segment]>,
        member: Cow<'a, Value>,
    },
    /// A value count: its `name` and the current value.
    Value {
        name: Option<String>,
        member: Cow<'a, Value>,
    },
}

/// Where a walk along a path starts: in the resource (or a member borrowed from it), which
/// lives as long as the evaluation, or in a value a value count holds.
#[derive(Clone, Copy)]
enum Start<'s, 'a> {
    Resource(&'a Value),
    Held(&'s Value),
}

impl<'s, 'a: 's> Start<'s, 'a> {
    fn value(self) -> &'s Value {
        match self {
            Start::Resource(value) => value,
            Start::Held(value) => value,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Segment {
    Property(String),
    Every,
}

/// How many resolved fields a thread remembers (emptied when full).
const RESOLVED_CAPACITY: usize = 4096;

/// A field's resolution and, for an alias, its parsed payload path.
pub(crate) type ResolvedField = std::rc::Rc<(Resolution, Vec<Segment>)>;

thread_local! {
    /// Fields already resolved (top-level, alias or unknown) with their parsed payload path,
    /// by the field's text: rules read the same few fields of thousands of resources, and
    /// resolving and parsing them each time was a sixth of an evaluation.
    static RESOLVED: std::cell::RefCell<rustc_hash::FxHashMap<String, ResolvedField>> =
        std::cell::RefCell::new(rustc_hash::FxHashMap::default());
}

/// A field's resolution and, for an alias, its parsed path; remembered per thread.
pub(crate) fn resolved_field(field: &str) -> ResolvedField {
    if let Some(found) = RESOLVED.with(|cache| cache.borrow().get(field).cloned()) {
        return found;
    }
    let resolution = if aliases::is_top_level(field) {
        Resolution::TopLevel
    } else {
        aliases::resolve(field)
    };
    let segments = match &resolution {
        Resolution::Alias { path, .. } => parse_path(path),
        _ => Vec::new(),
    };
    let resolved = std::rc::Rc::new((resolution, segments));
    RESOLVED.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= RESOLVED_CAPACITY {
            cache.clear();
        }
        cache.insert(field.to_string(), std::rc::Rc::clone(&resolved));
    });
    resolved
}

fn parse_path(path: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        while let Some(name) = rest.strip_suffix("[*]") {
            rest = name;
        }
        let stars = (part.len() - rest.len()) / 3;
        if !rest.is_empty() {
            segments.push(Segment::Property(rest.to_string()));
        }
        segments.extend(std::iter::repeat_n(Segment::Every, stars));
    }
    segments
}

pub(crate) fn same_segment(a: &Segment, b: &Segment) -> bool {
    match (a, b) {
        // Paths of one alias table spell their segments alike: equal bytes settle it first.
        (Segment::Property(a), Segment::Property(b)) => a == b || a.eq_ignore_ascii_case(b),
        (Segment::Every, Segment::Every) => true,
        _ => false,
    }
}

pub(crate) fn property<'v>(value: &'v Value, name: &str) -> Option<&'v Value> {
    let object = value.as_object()?;
    // Payload objects are small: a scan finds a key sooner than hashing it would.
    if object.len() <= 16 {
        // The key as spelled first (payloads spell keys as the aliases do), then without case.
        return object
            .iter()
            .find(|(key, _)| *key == name)
            .or_else(|| {
                object
                    .iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(name))
            })
            .map(|(_, value)| value);
    }
    object.get(name).or_else(|| {
        object
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    })
}

/// Walks a path; each `[*]` fans out over an array's members (none when the array is absent).
/// The values reached are borrowed, not copied.
fn walk<'v>(start: &'v Value, segments: &[Segment]) -> Vec<Option<&'v Value>> {
    if !segments.contains(&Segment::Every) {
        // One value at most: no fan-out to collect.
        let mut value = Some(start);
        for segment in segments {
            if let Segment::Property(name) = segment {
                value = value.and_then(|value| property(value, name));
            }
        }
        return vec![value];
    }
    let mut current: Vec<Option<&Value>> = vec![Some(start)];
    for segment in segments {
        current = match segment {
            Segment::Property(name) => current
                .into_iter()
                .map(|value| value.and_then(|value| property(value, name)))
                .collect(),
            Segment::Every => current
                .into_iter()
                .flat_map(|value| match value {
                    Some(Value::Array(items)) => items.iter().map(Some).collect(),
                    _ => Vec::new(),
                })
                .collect(),
        };
    }
    current
}

/// The values a `field` selects, borrowed from the resource where they are found there.
#[derive(Clone, Debug, PartialEq)]
enum Selected<'v> {
    /// One value, `None` when absent.
    One(Option<Cow<'v, Value>>),
    /// The values of a `[*]` alias: a condition holds when it holds for every one of them.
    Every(Vec<Option<&'v Value>>),
}

/// Evaluation state visible to template functions.
struct Scope<'s, 'a> {
    /// The resource's id when it is not the payload's own (see [`evaluate_at`]).
    id: Option<&'a str>,
    parameters: &'s Map<String, Value>,
    resource: &'a Value,
    /// The resource's `type`, looked up once per evaluation rather than per field read.
    resource_type: &'a str,
    bindings: &'s [Binding<'a>],
    unknown: &'s [String],
    unknown_read: &'s RefCell<Option<String>>,
}

impl<'s, 'a> Scope<'s, 'a> {
    fn resource_type(&self) -> &str {
        self.resource_type
    }

    fn top_level(&self, field: &str) -> Option<Value> {
        let lowered = field.to_lowercase();
        let name = || self.resource.get("name").and_then(Value::as_str);
        match lowered.as_str() {
            // A child resource's `name` in a template is `parent/child`; Azure's `name` is the
            // last segment and `fullName` the whole.
            "name" => name()
                .map(|name| Value::String(name.rsplit('/').next().unwrap_or(name).to_string())),
            "fullname" => name().map(|name| Value::String(self.full_name(name))),
            "identity.type" => self
                .resource
                .get("identity")
                .and_then(|identity| property(identity, "type"))
                .cloned(),
            "tags" => property(self.resource, "tags").cloned(),
            // Azure stores locations normalised (`swedencentral`); a payload may carry the
            // display name (`Sweden Central`), which Azure Policy sees normalised.
            "location" => property(self.resource, "location").map(|value| match value {
                Value::String(location) => Value::String(normalise_location(location)),
                other => other.clone(),
            }),
            _ if lowered.starts_with("tags") => {
                let key = tag_key(field)?;
                property(self.resource, "tags")
                    .and_then(|tags| property(tags, &key))
                    .cloned()
            }
            "id" if self.id.is_some() => self.id.map(|id| Value::String(id.to_string())),
            _ => property(self.resource, field).cloned(),
        }
    }

    /// A child resource's full name (see [`full_name`]).
    fn full_name(&self, name: &str) -> String {
        full_name(name, self.id, self.resource)
    }

    /// Selects what a `field` names, honouring the members bound by enclosing counts.
    /// Records that `field` (at payload `path`) was read, when its value is not known.
    fn note_read(&self, field: &str, path: &str) {
        if reads_unknown(path, self.unknown) {
            let mut first = self.unknown_read.borrow_mut();
            if first.is_none() {
                *first = Some(field.to_string());
            }
        }
    }

    fn select(&self, field: &str) -> Result<(Selected<'s>, Option<String>), String> {
        let resolved = resolved_field(field);
        let (resource_type, path, inferred, segments) = match &*resolved {
            (
                Resolution::Alias {
                    resource_type,
                    path,
                    inferred,
                },
                segments,
            ) => (resource_type, path, *inferred, segments),
            (Resolution::TopLevel, _) => {
                self.note_read(field, &top_level_path(field));
                return Ok((Selected::One(self.top_level(field).map(Cow::Owned)), None));
            }
            (Resolution::Unknown, _) => {
                return Err(format!("`{field}` is not a field or an alias"))
            }
        };
        if inferred {
            // Guessing where an unknown alias reads would give a verdict on a path Azure may
            // not have: say so instead.
            return Err(format!("`{field}` {UNKNOWN_ALIAS}"));
        }
        let note: Option<String> = None;
        if !resource_type.eq_ignore_ascii_case(self.resource_type()) {
            // An alias of another resource type selects nothing on this resource.
            let selected = if path.contains("[*]") {
                Selected::Every(Vec::new())
            } else {
                Selected::One(None)
            };
            return Ok((selected, note));
        }
        self.note_read(field, path);
        let (start, rest) = self.bound_start(segments);
        let selected = if rest.contains(&Segment::Every) {
            Selected::Every(walk(start.value(), rest))
        } else {
            // One value at most: follow the path without collecting.
            let mut value = Some(start.value());
            for segment in rest {
                if let Segment::Property(name) = segment {
                    value = value.and_then(|value| property(value, name));
                }
            }
            Selected::One(value.map(Cow::Borrowed))
        };
        Ok((selected, note))
    }

    /// The members a field count iterates over, each with the bindings its `where` sees.
    fn count_members(&self, field: &str) -> Result<Vec<Vec<Binding<'a>>>, String> {
        let resolved = resolved_field(field);
        let (
            Resolution::Alias {
                resource_type,
                path,
                ..
            },
            segments,
        ) = &*resolved
        else {
            return Err(format!("a field count needs a `[*]` alias, got `{field}`"));
        };
        if !path.contains("[*]") {
            return Err(format!("a field count needs a `[*]` alias, got `{field}`"));
        }
        if !resource_type.eq_ignore_ascii_case(self.resource_type()) {
            return Ok(Vec::new());
        }
        self.note_read(field, path);
        let (start, rest) = self.bound_start(segments);
        let offset = segments.len() - rest.len();
        Ok(match start {
            Start::Resource(value) => members_of(value, segments, offset, Cow::Borrowed),
            Start::Held(value) => {
                members_of(value, segments, offset, |member| Cow::Owned(member.clone()))
            }
        })
    }

    /// Where a path starts: at the member of the innermost count whose `[*]` alias prefixes
    /// it, else at the resource.
    fn bound_start<'p>(&self, segments: &'p [Segment]) -> (Start<'s, 'a>, &'p [Segment]) {
        for binding in self.bindings.iter().rev() {
            if let Binding::Field { prefix, member } = binding {
                let bound = segments.len() >= prefix.len()
                    && prefix.iter().zip(segments).all(|(a, b)| same_segment(a, b));
                if bound {
                    let start = match member {
                        Cow::Borrowed(value) => Start::Resource(value),
                        Cow::Owned(value) => Start::Held(value),
                    };
                    return (start, &segments[prefix.len()..]);
                }
            }
        }
        (Start::Resource(self.resource), segments)
    }
}

/// A child resource's full name (`account/deployment`): the template name when it already
/// has the parent, else the names in the resource id after the provider namespace.
pub(crate) fn full_name(name: &str, id: Option<&str>, resource: &Value) -> String {
    if name.contains('/') {
        return name.to_string();
    }
    let Some(id) = id.or_else(|| resource.get("id").and_then(Value::as_str)) else {
        return name.to_string();
    };
    let lowered = id.to_lowercase();
    let Some(index) = lowered.rfind("/providers/") else {
        return name.to_string();
    };
    // After `/providers/<namespace>/` the id alternates type and name segments.
    let names: Vec<&str> = id[index + "/providers/".len()..]
        .split('/')
        .skip(2)
        .step_by(2)
        .collect();
    if names.is_empty() {
        name.to_string()
    } else {
        names.join("/")
    }
}

/// The members of the `[*]` alias `segments` under `start` (where `segments[..offset]` is
/// already bound), each with its bindings; `member` makes a binding's value from a member.
fn members_of<'v, 'a>(
    start: &'v Value,
    segments: &[Segment],
    offset: usize,
    member: impl Fn(&'v Value) -> Cow<'a, Value>,
) -> Vec<Vec<Binding<'a>>> {
    let rest = &segments[offset..];
    let mut current: Vec<(Option<&'v Value>, Vec<Binding<'a>>)> = vec![(Some(start), Vec::new())];
    for (index, segment) in rest.iter().enumerate() {
        current = match segment {
            Segment::Property(name) => current
                .into_iter()
                .map(|(value, bound)| (value.and_then(|value| property(value, name)), bound))
                .collect(),
            Segment::Every => {
                let prefix: Rc<[Segment]> = segments[..offset + index + 1].into();
                let mut members = Vec::new();
                for (value, bound) in current {
                    let Some(Value::Array(items)) = value else {
                        continue;
                    };
                    for item in items {
                        let mut bound = bound.clone();
                        bound.push(Binding::Field {
                            prefix: Rc::clone(&prefix),
                            member: member(item),
                        });
                        members.push((Some(item), bound));
                    }
                }
                members
            }
        };
    }
    if rest.last() != Some(&Segment::Every) {
        // `a[*].b`: the counted value is a property of the member; bind the whole path too.
        let whole: Rc<[Segment]> = segments.into();
        for (value, bound) in &mut current {
            bound.push(Binding::Field {
                prefix: Rc::clone(&whole),
                member: value.map_or(Cow::Owned(Value::Null), &member),
            });
        }
    }
    current.into_iter().map(|(_, bound)| bound).collect()
}

/// Where a top-level field lives in the payload, for [`reads_unknown`]: `tags['env']` reads
/// `tags.env`, `fullName` and `name` read `name`.
fn top_level_path(field: &str) -> String {
    let lowered = field.to_lowercase();
    if lowered == "fullname" {
        return "name".to_string();
    }
    if lowered.starts_with("tags") && lowered != "tags" {
        return match tag_key(field) {
            Some(key) => format!("tags.{}", key.to_lowercase()),
            None => "tags".to_string(),
        };
    }
    lowered
}

/// The key of `tags.x`, `tags['x']` or `tags[x]`.
pub(crate) fn tag_key(field: &str) -> Option<String> {
    let rest = field.get(4..)?;
    if let Some(key) = rest.strip_prefix('.') {
        return Some(key.to_string());
    }
    let inner = rest.strip_prefix('[')?.strip_suffix(']')?;
    let inner = inner
        .strip_prefix('\'')
        .and_then(|key| key.strip_suffix('\''))
        .unwrap_or(inner);
    Some(inner.to_string())
}

/// The value of the parameter `name` (matched without case when no key is spelled alike), as
/// `parameters('name')` gives it.
pub(crate) fn parameter_value(
    parameters: &Map<String, Value>,
    name: &str,
) -> Result<Value, String> {
    key(parameters, name)
        .cloned()
        .ok_or_else(|| format!("parameter `{name}` has no value and no default"))
}

impl Context for Scope<'_, '_> {
    fn parameter(&self, name: &str) -> Result<Value, String> {
        crate::evaluate::parameter_value(self.parameters, name)
    }

    fn field(&self, name: &str) -> Result<Value, String> {
        let (selected, _) = self.select(name)?;
        Ok(match selected {
            // `field()` of an absent property is the empty string (Azure's documented result).
            Selected::One(value) => value.map_or_else(
                || Value::String(String::new()),
                std::borrow::Cow::into_owned,
            ),
            Selected::Every(values) => {
                Value::Array(values.into_iter().flatten().cloned().collect())
            }
        })
    }

    fn current(&self, name: Option<&str>) -> Result<Value, String> {
        let Some(name) = name else {
            return self
                .bindings
                .last()
                .map(|binding| match binding {
                    Binding::Field { member, .. } | Binding::Value { member, .. } => {
                        member.as_ref().clone()
                    }
                })
                .ok_or_else(|| "`current()` is used outside a count".to_string());
        };
        for binding in self.bindings.iter().rev() {
            if let Binding::Value {
                name: Some(bound),
                member,
            } = binding
            {
                if bound.eq_ignore_ascii_case(name) {
                    return Ok(member.as_ref().clone());
                }
            }
        }
        // `current('<alias>[*]...')` reads from the member of the field count over that alias.
        if let Resolution::Alias { path, .. } = aliases::resolve(name) {
            let segments = parse_path(&path);
            for binding in self.bindings.iter().rev() {
                if let Binding::Field { prefix, member } = binding {
                    let bound = segments.len() >= prefix.len()
                        && prefix
                            .iter()
                            .zip(&segments)
                            .all(|(a, b)| same_segment(a, b));
                    if bound {
                        let rest = &segments[prefix.len()..];
                        let values: Vec<Value> =
                            walk(member, rest).into_iter().flatten().cloned().collect();
                        return Ok(if rest.contains(&Segment::Every) {
                            Value::Array(values)
                        } else {
                            values.into_iter().next().unwrap_or(Value::Null)
                        });
                    }
                }
            }
        }
        Err(format!("`current('{name}')` names no enclosing count"))
    }

    fn request_context(&self) -> Value {
        // Offline there is no request; a template resource's `apiVersion` stands in for it.
        let api_version = self
            .resource
            .get("apiVersion")
            .cloned()
            .unwrap_or_else(|| Value::String("9999-12-31".to_string()));
        serde_json::json!({ "apiVersion": api_version })
    }
}

/// The longest a value is shown in a trace line, in characters.
const SHOWN_CHARS: usize = 160;

/// Compact JSON for a trace line, shortened so one huge value does not drown the explanation.
/// Only the start of the value is serialised, however large it is.
pub(crate) fn show(value: &Value) -> String {
    // Enough bytes for `SHOWN_CHARS` characters of any width, and one more to see the cut.
    let mut start = Capped {
        bytes: Vec::new(),
        limit: SHOWN_CHARS * 4 + 4,
    };
    // An error means only that the value was longer than the limit.
    let _ = serde_json::to_writer(&mut start, value);
    let text = String::from_utf8_lossy(&start.bytes);
    if text.chars().count() > SHOWN_CHARS {
        let short: String = text.chars().take(SHOWN_CHARS - 3).collect();
        format!("{short}...")
    } else {
        text.into_owned()
    }
}

/// Collects written bytes up to a limit, then refuses more.
struct Capped {
    bytes: Vec<u8>,
    limit: usize,
}

impl std::io::Write for Capped {
    fn write(&mut self, buffer: &[u8]) -> std::io::Result<usize> {
        let room = self.limit.saturating_sub(self.bytes.len());
        if room == 0 {
            return Err(std::io::Error::other("enough to show"));
        }
        let taken = buffer.len().min(room);
        self.bytes.extend_from_slice(&buffer[..taken]);
        Ok(taken)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// An array as [`show`] shows it, copying only the members that can be seen.
fn show_array(items: &[Value]) -> String {
    // Each member takes at least two characters (`1,`), so more than this many cannot show.
    let visible: Vec<Value> = items.iter().take(SHOWN_CHARS).cloned().collect();
    show(&Value::Array(visible))
}

fn show_selected(selected: &Selected) -> String {
    match selected {
        Selected::One(Some(value)) => show(value),
        Selected::One(None) => "(absent)".to_string(),
        Selected::Every(values) if values.is_empty() => "[*] (no members)".to_string(),
        Selected::Every(values) => {
            let shown: Vec<Value> = values
                .iter()
                .take(SHOWN_CHARS)
                .map(|value| value.cloned().unwrap_or(Value::Null))
                .collect();
            format!("[*] {}", show(&Value::Array(shown)))
        }
    }
}

pub(crate) fn key<'v>(object: &'v Map<String, Value>, name: &str) -> Option<&'v Value> {
    if object.len() <= 16 {
        // Rule objects are small: scan rather than hash (exact spelling first, as below).
        let mut loose = None;
        for (candidate, value) in object {
            if candidate == name {
                return Some(value);
            }
            if loose.is_none() && candidate.eq_ignore_ascii_case(name) {
                loose = Some(value);
            }
        }
        return loose;
    }
    object.get(name).or_else(|| {
        object
            .iter()
            .find(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    })
}

/// How an evaluation error about an alias missing from the table reads.
/// The start of the reason an `auditIfNotExists` or `deployIfNotExists` rule is not judged: its
/// verdict depends on related resources (the `details.type` of the rule) that one resource's
/// payload does not carry. Such a rule never makes a resource "not evaluated" as a whole.
pub const RELATED_RESOURCES: &str = "its verdict depends on related";

/// Why an `…IfNotExists` outcome cannot be judged from the resource alone, or `None` for any
/// other outcome.
pub fn related_resources_reason(properties: &Value, outcome: &Outcome) -> Option<String> {
    let effect = outcome.effect.as_deref()?;
    if effect != "auditIfNotExists" && effect != "deployIfNotExists" {
        return None;
    }
    let related = properties["policyRule"]["then"]["details"]["type"]
        .as_str()
        .unwrap_or("related");
    Some(format!(
        "{RELATED_RESOURCES} `{related}` resources, which the input does not list (Azure judges \
         them after deployment)"
    ))
}

pub(crate) const UNKNOWN_ALIAS: &str =
    "is not an alias the evaluator knows (not in its alias table)";

/// A location as Azure stores it: lower case, without spaces (`Sweden Central` →
/// `swedencentral`).
pub fn normalise_location(location: &str) -> String {
    location
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `Indexed` mode evaluates a resource type: the types that support tags and location,
/// which are the tracked top-level types of a resource provider. Child types
/// (`accounts/deployments`) are proxy resources without a location, and subscriptions, resource
/// groups and the policy types themselves are not evaluated in `Indexed` mode. Decided by the
/// type, not by whether a payload happens to carry a `location`.
pub fn supports_tags_and_location(resource_type: &str) -> bool {
    let lowered = resource_type.to_lowercase();
    let mut parts = lowered.split('/');
    let (Some(namespace), Some(_), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !matches!(
        namespace,
        "microsoft.resources" | "microsoft.authorization" | "microsoft.management"
    )
}

/// The resource types (lower case) a definition's rule can match, when its condition names
/// them with literals: the condition itself, or a member of a top-level `allOf`, is a `field:
/// type` condition with `equals` or `in` literal values. `None` when it cannot be told.
pub(crate) fn target_types(properties: &Value) -> Option<Vec<String>> {
    let rule = properties.as_object().and_then(|p| key(p, "policyRule"))?;
    let condition = rule.as_object().and_then(|r| key(r, "if"))?;
    let object = condition.as_object()?;
    let candidates: Vec<&Value> = match key(object, "allOf") {
        Some(Value::Array(children)) => children.iter().collect(),
        Some(_) => return None,
        None => vec![condition],
    };
    candidates.into_iter().find_map(type_literals)
}

/// The literal types a `{"field": "type", "equals" | "in": …}` condition accepts.
fn type_literals(condition: &Value) -> Option<Vec<String>> {
    let object = condition.as_object()?;
    let field = key(object, "field")?.as_str()?;
    if !field.eq_ignore_ascii_case("type") {
        return None;
    }
    let literal = |value: &Value| -> Option<String> {
        value
            .as_str()
            .filter(|text| !text.starts_with('['))
            .map(str::to_lowercase)
    };
    if let Some(value) = key(object, "equals") {
        return literal(value).map(|t| vec![t]);
    }
    if let Some(Value::Array(values)) = key(object, "in") {
        return values.iter().map(literal).collect();
    }
    None
}

pub(crate) fn mode_applies(mode: &str, resource: &Value) -> Result<(), String> {
    let resource_type = resource.get("type").and_then(Value::as_str).unwrap_or("");
    let namespace = resource_type.split('/').next().unwrap_or("");
    let is_data_plane = namespace.to_lowercase().ends_with(".data");
    match mode.to_lowercase().as_str() {
        "all" | "indexed" if is_data_plane => Err(format!(
            "mode `{mode}` evaluates Resource Manager resources, and `{resource_type}` is a data-plane type"
        )),
        "all" => Ok(()),
        "indexed" => {
            if supports_tags_and_location(resource_type) {
                Ok(())
            } else {
                Err(format!(
                    "mode `{mode}` evaluates only resource types that support tags and location, and `{resource_type}` does not"
                ))
            }
        }
        // A Resource Provider mode (`Microsoft.CognitiveServices.Data`, ...) evaluates only the
        // types of its own namespace.
        _ if namespace.eq_ignore_ascii_case(mode) => Ok(()),
        _ => Err(format!(
            "mode `{mode}` does not evaluate `{resource_type}`"
        )),
    }
}

/// The keys of a condition object, classified: what [`Evaluation::condition`] (and the
/// compiled rules, [`crate::compiled`]) read of it.
#[derive(Default)]
pub(crate) struct Parts<'v> {
    pub(crate) all_of: Option<&'v Value>,
    pub(crate) any_of: Option<&'v Value>,
    pub(crate) not: Option<&'v Value>,
    pub(crate) field: Option<&'v Value>,
    pub(crate) value: Option<&'v Value>,
    pub(crate) count: Option<&'v Value>,
    /// The first key that is an operator, with its operand.
    pub(crate) operator: Option<(Operator, &'v Value)>,
}

/// Classifies a condition's keys (see [`Parts`]).
pub(crate) fn parts(object: &Map<String, Value>) -> Parts<'_> {
    // One pass over the keys (compared without case, as Azure does) rather than a lookup
    // per kind of condition: this runs for every condition of every rule.
    let mut parts = Parts::default();
    for (name, entry) in object {
        // Rules nearly always spell the keys as Azure documents them: match that first.
        match name.as_str() {
            "allOf" => {
                parts.all_of = Some(entry);
                continue;
            }
            "anyOf" => {
                parts.any_of = Some(entry);
                continue;
            }
            "not" => {
                parts.not = Some(entry);
                continue;
            }
            "field" => {
                parts.field = Some(entry);
                continue;
            }
            "value" => {
                parts.value = Some(entry);
                continue;
            }
            "count" => {
                parts.count = Some(entry);
                continue;
            }
            _ => {}
        }
        if name.eq_ignore_ascii_case("allOf") {
            parts.all_of = Some(entry);
        } else if name.eq_ignore_ascii_case("anyOf") {
            parts.any_of = Some(entry);
        } else if name.eq_ignore_ascii_case("not") {
            parts.not = Some(entry);
        } else if name.eq_ignore_ascii_case("field") {
            parts.field = Some(entry);
        } else if name.eq_ignore_ascii_case("value") {
            parts.value = Some(entry);
        } else if name.eq_ignore_ascii_case("count") {
            parts.count = Some(entry);
        } else if parts.operator.is_none() {
            parts.operator = Operator::parse(name).map(|parsed| (parsed, entry));
        }
    }
    parts
}

impl<'a> Evaluation<'a> {
    /// Whether steps are being recorded (callers skip formatting what would not be).
    fn tracing(&self) -> bool {
        self.quiet == 0 && self.trace.len() < MAX_TRACE_STEPS
    }

    /// Records a step; returns its index, or `usize::MAX` (which [`Evaluation::set`] ignores)
    /// when nothing is recorded.
    fn push(&mut self, depth: usize, matched: bool, text: String) -> usize {
        if !self.tracing() {
            self.truncated |= self.quiet == 0;
            return usize::MAX;
        }
        self.trace.push(TraceStep {
            depth,
            matched: Some(matched),
            text,
            field: None,
        });
        self.trace.len() - 1
    }

    fn note(&mut self, text: String) {
        if !self.tracing() {
            return;
        }
        self.trace.push(TraceStep {
            depth: 0,
            matched: None,
            text,
            field: None,
        });
    }

    /// A note at a depth (a line that is not a condition).
    fn note_at(&mut self, depth: usize, text: String) {
        if self.tracing() {
            self.trace.push(TraceStep {
                depth,
                matched: None,
                text,
                field: None,
            });
        }
    }

    fn set(&mut self, index: usize, matched: bool) {
        if let Some(step) = self.trace.get_mut(index) {
            step.matched = Some(matched);
        }
    }

    fn run(&mut self, properties: &Value) -> Outcome {
        let mode = properties
            .get("mode")
            .and_then(Value::as_str)
            .unwrap_or("Indexed")
            .to_string();
        let Some(rule) = properties
            .as_object()
            .and_then(|properties| key(properties, "policyRule"))
        else {
            return self.finish(
                None,
                true,
                Some("the definition has no `policyRule`".to_string()),
            );
        };
        if let Err(reason) = mode_applies(&mode, self.resource) {
            self.note(format!("not evaluated: {reason}"));
            return self.finish(None, false, None);
        }
        let scope_bindings: Vec<Binding> = Vec::new();
        let effect = {
            let scope = Scope {
                id: self.id,
                parameters: self.parameters,
                resource: self.resource,
                resource_type: self.resource_type,
                bindings: &scope_bindings,
                unknown: self.unknown,
                unknown_read: &self.unknown_read,
            };
            rule.as_object()
                .and_then(|rule| key(rule, "then"))
                .and_then(Value::as_object)
                .and_then(|then| key(then, "effect"))
                .ok_or_else(|| "the rule has no `then.effect`".to_string())
                .and_then(|effect| expression::evaluate_value(effect, &scope))
        };
        let effect = match effect {
            Ok(Value::String(effect)) => canonical_effect(&effect),
            Ok(other) => {
                return self.finish(
                    None,
                    true,
                    Some(format!("the effect `{other}` is not a string")),
                )
            }
            Err(error) => return self.finish(None, true, Some(error)),
        };
        if effect == "disabled" {
            self.note("effect is `disabled`: the rule is never applied".to_string());
            return self.finish(None, true, None);
        }
        let Some(condition) = rule.as_object().and_then(|rule| key(rule, "if")) else {
            return self.finish(None, true, Some("the rule has no `if`".to_string()));
        };
        let mut bindings = Vec::new();
        match self.condition(condition, &mut bindings, 0) {
            Ok(true) => self.finish(Some(effect), true, None),
            Ok(false) => self.finish(None, true, None),
            Err(error) => self.finish(Some("deny".to_string()), true, Some(error)),
        }
    }

    fn finish(
        &mut self,
        effect: Option<String>,
        applicable: bool,
        error: Option<String>,
    ) -> Outcome {
        let mut trace = std::mem::take(&mut self.trace);
        if self.truncated {
            trace.push(TraceStep {
                depth: 0,
                matched: None,
                text: format!("(the trace stops after {MAX_TRACE_STEPS} lines)"),
                field: None,
            });
        }
        Outcome {
            effect,
            applicable,
            error,
            trace,
            unknown: self.unknown_read.borrow_mut().take(),
        }
    }

    fn condition(
        &mut self,
        node: &Value,
        bindings: &mut Vec<Binding<'a>>,
        depth: usize,
    ) -> Result<bool, String> {
        // Azure allows 64 levels; refusing far deeper input keeps the stack safe.
        if depth > 256 {
            return Err("conditions nest deeper than 256 levels".to_string());
        }
        let Some(object) = node.as_object() else {
            return Err(format!(
                "a condition must be an object, got `{}`",
                show(node)
            ));
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
            return self.logical(children, bindings, depth, true);
        }
        if let Some(children) = any_of {
            return self.logical(children, bindings, depth, false);
        }
        if let Some(child) = not {
            let line = self.push(depth, false, "not".to_string());
            let inner = self.condition(child, bindings, depth + 1)?;
            self.set(line, !inner);
            return Ok(!inner);
        }
        let (operator, expected) =
            operator.ok_or_else(|| format!("no operator in condition `{}`", show(node)))?;
        let expected = match expression::borrowed(expected, self.parameters) {
            Some(expected) => Cow::Borrowed(expected),
            None => {
                let scope = self.scope(bindings);
                Cow::Owned(expression::evaluate_value(expected, &scope)?)
            }
        };
        let expected = expected.as_ref();
        if let Some(field) = field {
            self.field_condition(field, operator, expected, bindings, depth)
        } else if let Some(value) = value {
            let actual = {
                let scope = self.scope(bindings);
                expression::evaluate_value(value, &scope)?
            };
            let matched = operators::apply(operator, Some(&actual), expected)?;
            if self.tracing() {
                let shown = match value {
                    Value::String(text) if expression::is_expression(text) => {
                        format!("value `{text}` = {}", show(&actual))
                    }
                    _ => format!("value {}", show(&actual)),
                };
                self.push(
                    depth,
                    matched,
                    format!("{shown} {} {}", operator.name(), show(expected)),
                );
            } else {
                self.push(depth, matched, String::new());
            }
            Ok(matched)
        } else if let Some(count) = count {
            self.count_condition(count, operator, expected, bindings, depth)
        } else {
            Err(format!(
                "condition `{}` has no `field`, `value` or `count`",
                show(node)
            ))
        }
    }

    fn scope<'s>(&'s self, bindings: &'s [Binding<'a>]) -> Scope<'s, 'a> {
        Scope {
            id: self.id,
            parameters: self.parameters,
            resource: self.resource,
            resource_type: self.resource_type,
            bindings,
            unknown: self.unknown,
            unknown_read: &self.unknown_read,
        }
    }

    fn logical(
        &mut self,
        children: &Value,
        bindings: &mut Vec<Binding<'a>>,
        depth: usize,
        all: bool,
    ) -> Result<bool, String> {
        let name = if all { "allOf" } else { "anyOf" };
        let Some(children) = children.as_array() else {
            return Err(format!("`{name}` must be an array"));
        };
        let line = self.push(depth, false, name.to_string());
        // Short-circuit like Azure, so the trace ends at the condition that decided.
        let mut result = all;
        for child in children {
            let matched = self.condition(child, bindings, depth + 1)?;
            if matched != all {
                result = matched;
                break;
            }
        }
        self.set(line, result);
        Ok(result)
    }

    fn field_condition(
        &mut self,
        field: &Value,
        operator: Operator,
        expected: &Value,
        bindings: &mut [Binding<'a>],
        depth: usize,
    ) -> Result<bool, String> {
        let scope = self.scope(bindings);
        // A field is nearly always named by a literal: read it in place.
        let name: Cow<'_, str> = match field {
            Value::String(text) if !text.starts_with('[') => Cow::Borrowed(text.as_str()),
            _ => match expression::evaluate_value(field, &scope)? {
                Value::String(name) => Cow::Owned(name),
                other => return Err(format!("a `field` must name a field, got `{other}`")),
            },
        };
        let (selected, note) = scope.select(&name)?;
        let matched = match &selected {
            Selected::One(value) => operators::apply(operator, value.as_deref(), expected)?,
            // A `[*]` field holds when every member satisfies the condition, so it holds for an
            // empty or absent array.
            Selected::Every(values) => {
                let mut all = true;
                for value in values {
                    if !operators::apply(operator, *value, expected)? {
                        all = false;
                        break;
                    }
                }
                all
            }
        };
        if !self.tracing() {
            self.push(depth, matched, String::new());
            return Ok(matched);
        }
        let note = note.map(|note| format!(" ({note})")).unwrap_or_default();
        let text = format!(
            "field `{name}` = {} {} {}{note}",
            show_selected(&selected),
            operator.name(),
            show(expected)
        );
        let name = name.into_owned();
        let line = self.push(depth, matched, text);
        if let Some(step) = self.trace.get_mut(line) {
            step.field = Some(name);
        }
        Ok(matched)
    }

    fn count_condition(
        &mut self,
        count: &Value,
        operator: Operator,
        expected: &Value,
        bindings: &mut Vec<Binding<'a>>,
        depth: usize,
    ) -> Result<bool, String> {
        let Some(count) = count.as_object() else {
            return Err("`count` must be an object".to_string());
        };
        let where_condition = key(count, "where");
        let line = self.push(depth, false, String::new());
        // Each member is evaluated under its own bindings: for a field count, one per `[*]` of
        // the alias (so `a[*].x` inside the `where` of a count over `a[*].b[*]` reads the
        // current member's parent), for a value count just the value.
        let (label, members): (String, Vec<Vec<Binding<'a>>>) = if let Some(field) =
            key(count, "field")
        {
            let scope = self.scope(bindings);
            let name = match expression::evaluate_value(field, &scope)? {
                Value::String(name) => name,
                other => return Err(format!("a count `field` must be an alias, got `{other}`")),
            };
            (
                format!("count of field `{name}`"),
                scope.count_members(&name)?,
            )
        } else if let Some(value) = key(count, "value") {
            let scope = self.scope(bindings);
            let evaluated = expression::evaluate_value(value, &scope)?;
            let Value::Array(items) = evaluated else {
                return Err(format!(
                    "a value count needs an array, got `{}`",
                    show(&evaluated)
                ));
            };
            let name = key(count, "name")
                .and_then(Value::as_str)
                .map(str::to_string);
            let shown = show_array(&items);
            let label = match &name {
                Some(name) => format!("count of value {shown} as `{name}`"),
                None => format!("count of value {shown}"),
            };
            let members = items
                .into_iter()
                .map(|member| {
                    vec![Binding::Value {
                        name: name.clone(),
                        member: Cow::Owned(member),
                    }]
                })
                .collect();
            (label, members)
        } else {
            return Err("`count` needs a `field` or a `value`".to_string());
        };
        let mut total = 0usize;
        match where_condition {
            None => total = members.len(),
            Some(condition) => {
                let count = members.len();
                for (index, member_bindings) in members.into_iter().enumerate() {
                    // Past the first members, evaluate without tracing.
                    let shown = index < TRACED_MEMBERS;
                    let member_line = if shown && self.tracing() {
                        let member = member_bindings.last().map_or_else(String::new, |binding| {
                            show(match binding {
                                Binding::Field { member, .. } | Binding::Value { member, .. } => {
                                    member
                                }
                            })
                        });
                        self.push(depth + 1, false, format!("member {index}: {member}"))
                    } else {
                        usize::MAX
                    };
                    if !shown {
                        self.quiet += 1;
                    }
                    let outer = bindings.len();
                    bindings.extend(member_bindings);
                    let matched = self.condition(condition, bindings, depth + 2);
                    bindings.truncate(outer);
                    if !shown {
                        self.quiet -= 1;
                    }
                    let matched = matched?;
                    self.set(member_line, matched);
                    if matched {
                        total += 1;
                    }
                }
                if count > TRACED_MEMBERS {
                    self.note_at(
                        depth + 1,
                        format!(
                            "... {} more members evaluated, not shown",
                            count - TRACED_MEMBERS
                        ),
                    );
                }
            }
        }
        let matched = operators::apply(operator, Some(&Value::from(total)), expected)?;
        if let Some(step) = self.trace.get_mut(line) {
            step.matched = Some(matched);
            step.text = format!("{label} = {total} {} {}", operator.name(), show(expected));
        }
        Ok(matched)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn given_parameter_values_take_their_defaults_places() {
        let properties = json!({ "parameters": {
            "effect": { "type": "String", "defaultValue": "Audit" },
            "approved": { "type": "Array", "defaultValue": ["a", "b"] },
            "required": { "type": "String" },
            "tag": { "type": "String", "defaultValue": "owner" }
        }});
        let given = json!({ "required": "x", "approved": ["c"], "extra": 1 });
        let given = given.as_object().cloned().unwrap_or_default();
        let resolved = resolve_parameters(&properties, &given);
        assert_eq!(
            serde_json::to_string(&resolved).ok().as_deref(),
            Some(r#"{"effect":"Audit","approved":["c"],"tag":"owner","required":"x","extra":1}"#)
        );
    }

    fn rule(condition: Value) -> Value {
        json!({"mode": "All", "policyRule": {"if": condition, "then": {"effect": "deny"}}})
    }

    fn matches(condition: Value, resource: Value) -> bool {
        let outcome = evaluate(&rule(condition), &Map::new(), &resource);
        assert_eq!(outcome.error, None, "{}", outcome.explain());
        outcome.effect.is_some()
    }

    fn account(properties: Value) -> Value {
        json!({
            "type": "Microsoft.CognitiveServices/accounts",
            "name": "ai-prod",
            "location": "swedencentral",
            "tags": {"Env": "prod"},
            "properties": properties,
        })
    }

    const IP_VALUES: &str = "Microsoft.CognitiveServices/accounts/networkAcls.ipRules[*].value";
    const IP_RULES: &str = "Microsoft.CognitiveServices/accounts/networkAcls.ipRules[*]";

    #[test]
    fn a_count_over_a_huge_array_traces_a_few_members_and_counts_them_all() {
        let rules: Vec<Value> = (0..16_000)
            .map(|index| json!({"value": format!("10.0.{}.{}", index / 256, index % 256)}))
            .collect();
        let resource = account(json!({"networkAcls": {"ipRules": rules}}));
        let condition = json!({"count": {"field": IP_RULES, "where": {"allOf": [
            {"field": "type", "equals": "Microsoft.CognitiveServices/accounts"},
            {"field": IP_VALUES, "like": "10.0.*"},
        ]}}, "equals": 16_000});
        let outcome = evaluate(&rule(condition), &Map::new(), &resource);
        assert_eq!(
            outcome.effect.as_deref(),
            Some("deny"),
            "every member counted"
        );
        // Twenty members with their conditions, the count, the rule, and one summary line.
        assert!(
            outcome.trace.len() < 100,
            "{} trace lines",
            outcome.trace.len()
        );
        let explained = outcome.explain();
        assert!(
            explained.contains("15980 more members evaluated, not shown"),
            "{explained}"
        );
        assert!(explained.lines().all(|line| line.chars().count() < 400));
    }

    #[test]
    fn top_level_fields_and_tags() {
        let resource = account(json!({}));
        assert!(matches(
            json!({"field": "type", "equals": "microsoft.cognitiveservices/ACCOUNTS"}),
            resource.clone()
        ));
        assert!(matches(
            json!({"field": "name", "equals": "ai-prod"}),
            resource.clone()
        ));
        assert!(matches(
            json!({"field": "location", "in": ["swedencentral"]}),
            resource.clone()
        ));
        assert!(matches(
            json!({"field": "tags['env']", "equals": "PROD"}),
            resource.clone()
        ));
        assert!(matches(
            json!({"field": "tags.Env", "exists": true}),
            resource.clone()
        ));
        assert!(matches(
            json!({"field": "tags[owner]", "exists": false}),
            resource.clone()
        ));
        assert!(matches(
            json!({"field": "tags", "containsKey": "env"}),
            resource
        ));
    }

    #[test]
    fn child_resource_names() {
        let resource = json!({"type": "Microsoft.CognitiveServices/accounts/deployments", "name": "ai-prod/gpt"});
        assert!(matches(
            json!({"field": "name", "equals": "gpt"}),
            resource.clone()
        ));
        assert!(matches(
            json!({"field": "fullName", "equals": "ai-prod/gpt"}),
            resource
        ));
        let payload = json!({
            "id": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/ai-prod/deployments/gpt",
            "type": "Microsoft.CognitiveServices/accounts/deployments",
            "name": "gpt"
        });
        assert!(matches(
            json!({"field": "fullName", "equals": "ai-prod/gpt"}),
            payload.clone()
        ));
        assert!(matches(json!({"field": "name", "equals": "gpt"}), payload));
    }

    #[test]
    fn aliases_of_another_type_select_nothing() {
        let resource = account(json!({"disableLocalAuth": false}));
        assert!(matches(
            json!({"field": "Microsoft.Search/searchServices/disableLocalAuth", "exists": false}),
            resource
        ));
    }

    #[test]
    fn array_alias_outside_count_needs_every_member() {
        let two = account(
            json!({"networkAcls": {"ipRules": [{"value": "10.0.0.1"}, {"value": "10.0.0.2"}]}}),
        );
        assert!(matches(
            json!({"field": IP_VALUES, "like": "10.0.0.*"}),
            two.clone()
        ));
        assert!(!matches(
            json!({"field": IP_VALUES, "equals": "10.0.0.1"}),
            two.clone()
        ));
        assert!(matches(
            json!({"field": IP_VALUES, "notEquals": "1.2.3.4"}),
            two
        ));
    }

    #[test]
    fn array_alias_on_empty_or_missing_array_is_vacuously_true() {
        let empty = account(json!({"networkAcls": {"ipRules": []}}));
        let missing = account(json!({}));
        for resource in [empty, missing] {
            assert!(matches(
                json!({"field": IP_VALUES, "equals": "anything"}),
                resource.clone()
            ));
            assert!(matches(
                json!({"field": IP_RULES, "exists": true}),
                resource.clone()
            ));
            assert!(matches(
                json!({"count": {"field": IP_RULES}, "equals": 0}),
                resource
            ));
        }
    }

    #[test]
    fn missing_member_property_is_absent() {
        let resource = account(json!({"networkAcls": {"ipRules": [{"value": "1.1.1.1"}, {}]}}));
        assert!(!matches(
            json!({"field": IP_VALUES, "exists": true}),
            resource.clone()
        ));
        assert!(matches(
            json!({"count": {"field": IP_RULES, "where": {"field": IP_VALUES, "exists": true}}, "equals": 1}),
            resource
        ));
    }

    #[test]
    fn field_count_with_where_counts_members() {
        let resource = account(
            json!({"networkAcls": {"ipRules": [{"value": "1.1.1.1"}, {"value": "2.2.2.2"}, {"value": "1.1.1.9"}]}}),
        );
        let count = |operator: &str, target: Value| {
            let mut condition = json!({"count": {"field": IP_RULES, "where": {"field": IP_VALUES, "like": "1.1.1.*"}}});
            condition[operator] = target;
            matches(condition, resource.clone())
        };
        assert!(count("equals", json!(2)));
        assert!(count("greater", json!(1)));
        assert!(count("less", json!(3)));
        assert!(!count("equals", json!(3)));
    }

    #[test]
    fn where_can_read_fields_outside_the_array_and_current() {
        let resource =
            account(json!({"networkAcls": {"ipRules": [{"value": "a"}, {"value": "b"}]}}));
        assert!(matches(
            json!({"count": {"field": IP_RULES, "where": {"field": "tags['env']", "equals": "prod"}}, "equals": 2}),
            resource.clone()
        ));
        assert!(matches(
            json!({"count": {"field": IP_RULES, "where": {"value": format!("[current('{IP_VALUES}')]"), "equals": "b"}}, "equals": 1}),
            resource.clone()
        ));
        // Inside `where`, `field()` of the counted alias is a one-member array.
        assert!(matches(
            json!({"count": {"field": IP_RULES, "where": {"value": format!("[first(field('{IP_VALUES}'))]"), "in": ["a", "b"]}}, "equals": 2}),
            resource
        ));
    }

    #[test]
    fn nested_counts() {
        let alias = "Microsoft.CognitiveServices/accounts/deployments/callRateLimit.rules[*]";
        let nested = "Microsoft.CognitiveServices/accounts/deployments/callRateLimit.rules[*].matchPatterns[*]";
        let method = "Microsoft.CognitiveServices/accounts/deployments/callRateLimit.rules[*].matchPatterns[*].method";
        let resource = json!({
            "type": "Microsoft.CognitiveServices/accounts/deployments",
            "properties": {"callRateLimit": {"rules": [
                {"matchPatterns": [{"method": "GET"}, {"method": "POST"}]},
                {"matchPatterns": [{"method": "GET"}]}
            ]}}
        });
        assert!(matches(
            json!({"count": {"field": nested}, "equals": 3}),
            resource.clone()
        ));
        assert!(matches(
            json!({"count": {"field": alias, "where": {"count": {"field": nested, "where": {"field": method, "equals": "post"}}, "greater": 0}}, "equals": 1}),
            resource
        ));
    }

    #[test]
    fn flattened_count_binds_the_parent_member() {
        let nested = "Microsoft.CognitiveServices/accounts/deployments/callRateLimit.rules[*].matchPatterns[*]";
        let key = "Microsoft.CognitiveServices/accounts/deployments/callRateLimit.rules[*].key";
        let method = "Microsoft.CognitiveServices/accounts/deployments/callRateLimit.rules[*].matchPatterns[*].method";
        let resource = json!({
            "type": "Microsoft.CognitiveServices/accounts/deployments",
            "properties": {"callRateLimit": {"rules": [
                {"key": "a", "matchPatterns": [{"method": "GET"}, {"method": "POST"}]},
                {"key": "b", "matchPatterns": [{"method": "POST"}]}
            ]}}
        });
        // Patterns whose own rule has key `a` and method POST: one.
        assert!(matches(
            json!({"count": {"field": nested, "where": {"allOf": [
                {"field": key, "equals": "a"},
                {"field": method, "equals": "POST"}
            ]}}, "equals": 1}),
            resource
        ));
    }

    #[test]
    fn value_count_with_name_and_current() {
        let resource = account(json!({"customSubDomainName": "contoso-ai-prod"}));
        let field = "Microsoft.CognitiveServices/accounts/customSubDomainName";
        assert!(matches(
            json!({"count": {"value": ["prod", "test"], "name": "suffix", "where": {"field": field, "like": "[concat('*-', current('suffix'))]"}}, "equals": 1}),
            resource.clone()
        ));
        assert!(matches(
            json!({"count": {"value": [1, 2, 3]}, "equals": 3}),
            resource.clone()
        ));
        assert!(matches(
            json!({"count": {"value": [], "where": {"value": "[current()]", "equals": 1}}, "equals": 0}),
            resource
        ));
    }

    #[test]
    fn logical_operators_and_value_conditions() {
        let resource = account(json!({"publicNetworkAccess": "Disabled"}));
        let field = "Microsoft.CognitiveServices/accounts/publicNetworkAccess";
        assert!(matches(
            json!({"not": {"field": field, "equals": "Enabled"}}),
            resource.clone()
        ));
        assert!(matches(
            json!({"anyOf": [{"field": field, "equals": "x"}, {"field": "location", "equals": "swedencentral"}]}),
            resource.clone()
        ));
        assert!(!matches(
            json!({"allOf": [{"field": field, "equals": "disabled"}, {"field": "location", "equals": "x"}]}),
            resource.clone()
        ));
        assert!(matches(json!({"allOf": []}), resource.clone()));
        assert!(!matches(json!({"anyOf": []}), resource.clone()));
        assert!(matches(
            json!({"value": "[toLower(field('name'))]", "equals": "ai-prod"}),
            resource.clone()
        ));
        assert!(matches(
            json!({"value": "[length(field('tags'))]", "equals": 1}),
            resource
        ));
    }

    #[test]
    fn field_names_may_be_expressions() {
        let resource = account(json!({}));
        let definition = json!({
            "mode": "Indexed",
            "parameters": {"tagName": {"type": "String", "defaultValue": "env"}},
            "policyRule": {"if": {"field": "[concat('tags[', parameters('tagName'), ']')]", "exists": false}, "then": {"effect": "audit"}}
        });
        assert_eq!(evaluate(&definition, &Map::new(), &resource).effect, None);
        let mut parameters = Map::new();
        parameters.insert("tagName".to_string(), json!("owner"));
        assert_eq!(
            evaluate(&definition, &parameters, &resource)
                .effect
                .as_deref(),
            Some("audit")
        );
    }

    #[test]
    fn modes() {
        let definition = json!({"mode": "Indexed", "policyRule": {"if": {"field": "type", "like": "*"}, "then": {"effect": "Audit"}}});
        let deployment =
            json!({"type": "Microsoft.CognitiveServices/accounts/deployments", "name": "a/b"});
        let outcome = evaluate(&definition, &Map::new(), &deployment);
        assert!(!outcome.applicable);
        assert_eq!(outcome.effect, None);
        let all = json!({"mode": "All", "policyRule": definition["policyRule"].clone()});
        assert_eq!(
            evaluate(&all, &Map::new(), &deployment).effect.as_deref(),
            Some("audit")
        );
        let data = json!({"type": "Microsoft.CognitiveServices.Data/accounts/deployments"});
        assert!(!evaluate(&all, &Map::new(), &data).applicable);
        let data_mode = json!({"mode": "Microsoft.CognitiveServices.Data", "policyRule": definition["policyRule"].clone()});
        assert!(evaluate(&data_mode, &Map::new(), &data).applicable);
        assert!(!evaluate(&data_mode, &Map::new(), &deployment).applicable);
    }

    #[test]
    fn disabled_never_matches_and_errors_deny() {
        let definition = json!({
            "mode": "All",
            "parameters": {"effect": {"type": "String", "defaultValue": "Disabled"}},
            "policyRule": {"if": {"field": "type", "like": "*"}, "then": {"effect": "[parameters('effect')]"}}
        });
        let resource = account(json!({}));
        let outcome = evaluate(&definition, &Map::new(), &resource);
        assert_eq!(outcome.effect, None);
        assert!(outcome.explain().contains("disabled"));

        let broken = rule(json!({"field": "location", "greater": true}));
        let outcome = evaluate(&broken, &Map::new(), &resource);
        assert_eq!(outcome.effect.as_deref(), Some("deny"));
        assert!(outcome.error.is_some());
    }

    #[test]
    fn absurd_nesting_is_an_error_not_a_crash() {
        let mut condition = json!({"field": "type", "exists": true});
        for _ in 0..300 {
            condition = json!({"not": condition});
        }
        let outcome = evaluate(&rule(condition), &Map::new(), &account(json!({})));
        assert_eq!(
            outcome.error.as_deref(),
            Some("conditions nest deeper than 256 levels")
        );
    }

    #[test]
    fn explanation_shows_the_values_compared() {
        let definition = json!({
            "properties": {
                "mode": "Indexed",
                "parameters": {"allowed": {"type": "Array"}},
                "policyRule": {
                    "if": {"allOf": [
                        {"field": "type", "equals": "Microsoft.CognitiveServices/accounts"},
                        {"field": "location", "notIn": "[parameters('allowed')]"}
                    ]},
                    "then": {"effect": "deny"}
                }
            }
        });
        let mut parameters = Map::new();
        parameters.insert("allowed".to_string(), json!(["swedencentral"]));
        let outcome = evaluate(&definition, &parameters, &account(json!({})));
        assert_eq!(outcome.effect, None);
        insta::assert_snapshot!(outcome.explain(), @r#"
        allOf → false
          field `type` = "Microsoft.CognitiveServices/accounts" equals "Microsoft.CognitiveServices/accounts" → true
          field `location` = "swedencentral" notIn ["swedencentral"] → false
        "#);
    }
}
