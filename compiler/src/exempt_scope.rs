//! The scopes only an exemption can name: one resource,
//! `resource(resource_group("rg"), "Namespace/type", "name")` (with the resource group's
//! subscription when two subscriptions hold a group of that name:
//! `resource_group("rg", subscription("name"))`), and the AI account of an endpoint Charter
//! creates, `endpoint(WORKLOAD.ENDPOINT)`, whose name and place Charter derives.
//!
//! Type-checked here (E0203 for the wrong arguments, E0709 for an id Azure would refuse); an
//! endpoint is resolved with the workloads (`resolve/policies.rs`).
#![expect(
    clippy::result_large_err,
    reason = "the errors are diagnostics, built once per mistake, as in typeck.rs"
)]

use charter_ir::{ResourceScope, Scope};
use charter_syntax::ast::{Call, Value};
use charter_syntax::{Diagnostic, Span};

use crate::codes::{self, fields};
use crate::typeck::Typed;

/// Every scope form an exemption accepts, for "did you mean".
pub(crate) const EXEMPT_SCOPES: [&str; 5] = [
    "management_group",
    "subscription",
    "resource_group",
    "resource",
    "endpoint",
];

/// The resource type of the account Charter creates for an endpoint.
pub(crate) const ACCOUNT_TYPE: &str = "Microsoft.CognitiveServices/accounts";

const RESOURCE_FORM: &str =
    "write `resource(resource_group(\"rg\"), \"Microsoft.CognitiveServices/accounts\", \"name\")`";

/// `resource(...)` or `endpoint(...)` typed; `None` for any other value (a plain scope).
pub(crate) fn typed<'a>(
    value: &'a Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Result<Typed<'a>, Diagnostic>> {
    let Value::Call(call) = value else {
        return None;
    };
    match call.callee.name.as_str() {
        "resource" => Some(resource(call, diagnostics)),
        "endpoint" => Some(match call.args.as_slice() {
            [Value::Path(path)] if path.segments.len() == 2 => Ok(Typed::Endpoint {
                path,
                span: call.span,
            }),
            _ => Err(wrong_arguments(
                "endpoint",
                call.span,
                "expected `WORKLOAD.ENDPOINT`",
                "write `endpoint(WORKLOAD.ENDPOINT)`, naming a workload and one of its endpoints",
            )),
        }),
        _ => None,
    }
}

fn wrong_arguments(callee: &str, span: Span, label: &str, help: &str) -> Diagnostic {
    let mut diagnostic = fields::scope_takes_one_string(callee, span);
    diagnostic.message = format!("`{callee}` takes other arguments");
    diagnostic.primary.message = label.to_string();
    diagnostic.with_help(help.to_string())
}

/// `resource(resource_group("rg"[, subscription("s")]), "TYPE", "NAME")`.
fn resource<'a>(
    call: &'a Call,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Typed<'a>, Diagnostic> {
    let wrong = || {
        wrong_arguments(
            "resource",
            call.span,
            "expected a resource group, a resource type and a name",
            RESOURCE_FORM,
        )
    };
    let [Value::Call(group), Value::Str(kind), Value::Str(name)] = call.args.as_slice() else {
        return Err(wrong());
    };
    let (resource_group, subscription) = resource_group(group)?;
    if let Some(problem) = crate::typeck::scope_name_problem(&Value::Call(group.clone())) {
        diagnostics.push(problem);
    }
    if let Some(problem) = type_problem(&kind.value) {
        diagnostics.push(codes::exemptions::malformed_resource(
            &problem,
            kind.span,
            "a resource type is a provider namespace and a type, then any child types: `Microsoft.CognitiveServices/accounts`",
        ));
    } else if let Some(problem) = name_problem(&kind.value, &name.value) {
        diagnostics.push(codes::exemptions::malformed_resource(
            &problem,
            name.span,
            "a resource's name is not empty; a child resource's gives its parent's name first, `\"account/deployment\"`",
        ));
    }
    Ok(Typed::Scope {
        scope: Box::new(Scope::Resource(ResourceScope {
            subscription,
            resource_group,
            resource_type: kind.value.clone(),
            name: name.value.clone(),
        })),
        span: call.span,
    })
}

/// The resource group of `resource(...)`, and its subscription when written.
fn resource_group(group: &Call) -> Result<(String, Option<String>), Diagnostic> {
    let wrong = || {
        wrong_arguments(
            "resource",
            group.span,
            "expected `resource_group(\"name\")`",
            "the first argument is the resource group: `resource_group(\"rg\")`, or `resource_group(\"rg\", subscription(\"name\"))` when two subscriptions hold a resource group of that name",
        )
    };
    if group.callee.name != "resource_group" {
        return Err(wrong());
    }
    match group.args.as_slice() {
        [Value::Str(name)] => Ok((name.value.clone(), None)),
        [Value::Str(name), Value::Call(subscription)]
            if subscription.callee.name == "subscription" =>
        {
            match subscription.args.as_slice() {
                [Value::Str(id)] => Ok((name.value.clone(), Some(id.value.clone()))),
                _ => Err(fields::scope_takes_one_string(
                    "subscription",
                    subscription.span,
                )),
            }
        }
        _ => Err(wrong()),
    }
}

/// What is wrong with a resource type, if anything: it must be `Namespace/type[/subtype...]`,
/// each segment letters, digits, `.`, `-` or `_`, the namespace with a dot
/// (`Microsoft.CognitiveServices`).
pub(crate) fn type_problem(kind: &str) -> Option<String> {
    let segments: Vec<&str> = kind.split('/').collect();
    let well_formed = |segment: &&str| {
        !segment.is_empty()
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    };
    if segments.len() < 2 || !segments.iter().all(well_formed) {
        return Some(format!(
            "`{}` is not a resource type `Namespace/type[/subtype]`",
            charter_syntax::diagnostic::sanitize(kind)
        ));
    }
    let namespace = segments[0];
    if !namespace.contains('.') || namespace.starts_with('.') || namespace.ends_with('.') {
        return Some(format!(
            "`{}` is not a resource provider namespace (`Microsoft.CognitiveServices`)",
            charter_syntax::diagnostic::sanitize(namespace)
        ));
    }
    None
}

/// What is wrong with a resource's name for its type, if anything: one non-empty segment per
/// type after the namespace, without characters an ARM id cannot carry.
pub(crate) fn name_problem(kind: &str, name: &str) -> Option<String> {
    let types = kind.split('/').count() - 1;
    let segments: Vec<&str> = name.split('/').collect();
    if segments.iter().any(|s| s.trim().is_empty()) {
        return Some("the resource name is empty".to_string());
    }
    if segments.len() != types {
        return Some(format!(
            "the type has {types} level{}, the name {}",
            if types == 1 { "" } else { "s" },
            segments.len()
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| matches!(c, '?' | '#' | '%' | '\\') || c.is_control())
    {
        return Some(format!(
            "a resource name cannot contain `{}`",
            bad.escape_default()
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_types_are_a_namespace_and_types() {
        assert_eq!(type_problem("Microsoft.CognitiveServices/accounts"), None);
        assert_eq!(
            type_problem("Microsoft.CognitiveServices/accounts/deployments"),
            None
        );
        assert!(type_problem("accounts").is_some());
        assert!(type_problem("Microsoft.CognitiveServices/").is_some());
        assert!(type_problem("CognitiveServices/accounts").is_some());
        assert!(type_problem("Microsoft.CognitiveServices/acc ounts").is_some());
    }

    #[test]
    fn a_name_has_one_segment_per_type() {
        assert_eq!(name_problem(ACCOUNT_TYPE, "legacy-oai"), None);
        assert_eq!(
            name_problem("Microsoft.CognitiveServices/accounts/deployments", "a/b"),
            None
        );
        assert!(name_problem(ACCOUNT_TYPE, "").is_some());
        assert!(name_problem(ACCOUNT_TYPE, "a/b").is_some());
        assert!(name_problem(ACCOUNT_TYPE, "a?b").is_some());
    }
}
