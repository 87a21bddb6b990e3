//! `guardrails.tf`: the subscription-level guardrails of the estate
//! ([`charter_governance::estate::Guardrail`]): one RAI policy per subscription
//! (`Microsoft.CognitiveServices/raiPolicy`), written with AzAPI at the API version that has
//! it (docs/terraform.md, "API versions").

use charter_governance::estate::{Estate, RAI_API_VERSION};

use crate::context::{Context, DEFAULT_SUBSCRIPTION};
use crate::hcl::{Block, Body, Expr, TemplatePart};
use crate::names::identifier;

/// The body of `guardrails.tf`, or `None` when no policy asks for a guardrail.
pub(crate) fn file(context: &mut Context<'_>, estate: &Estate) -> Option<String> {
    if estate.guardrails.is_empty() {
        return None;
    }
    let mut file = Body::new();
    for guardrail in &estate.guardrails {
        let subscription = match guardrail.subscription.as_deref() {
            Some(subscription) => context.subscription(subscription),
            None => TemplatePart::Interpolation(format!("var.{DEFAULT_SUBSCRIPTION}")),
        };
        let address = format!(
            "guardrail__{}__{}",
            identifier(
                context
                    .named(guardrail.subscription.as_deref())
                    .unwrap_or("default")
            ),
            identifier(&guardrail.name)
        );
        let mut body = Body::new();
        body.comment(&format!(
            "Guardrail of policy `{}`: filter `{}`, set once for the subscription{}. No Azure \
             Policy alias reads this resource type, so the initiative does not check it.",
            guardrail.policy,
            guardrail.filter,
            guardrail
                .subscription
                .as_deref()
                .map(|s| format!(" `{s}`"))
                .unwrap_or_default()
        ));
        body.string(
            "type",
            &format!("{}@{RAI_API_VERSION}", estate_type(&guardrail.payload)),
        )
        .string("name", &guardrail.name)
        .attribute(
            "parent_id",
            Expr::Template(vec![
                TemplatePart::Text("/subscriptions/".into()),
                subscription,
            ]),
        )
        .raw("schema_validation_enabled", "false")
        .attribute(
            "body",
            Expr::Map(vec![(
                "properties".to_string(),
                Expr::from_json(&guardrail.payload["properties"]),
            )]),
        );
        file.block(Block::new("resource", &["azapi_resource", &address], body));
    }
    Some(file.to_file())
}

fn estate_type(payload: &serde_json::Value) -> &str {
    payload["type"].as_str().unwrap_or_default()
}
