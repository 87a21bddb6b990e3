//! The Terraform backend: the governance as `azurerm_policy_*` resources (from the governance
//! core's [`charter_governance::governance`], the one source of the rules) and the estate
//! ([`charter_governance::estate`]): the compliant endpoints themselves.
//!
//! Output is HCL that `terraform fmt` leaves unchanged, split by concern into
//! `terraform/versions.tf`, `policy.tf`, `endpoints.tf`, `budgets.tf`, `authority.tf`,
//! `variables.tf` and `outputs.tf`. Resource addresses derive from Charter names, so they are stable across
//! builds, and the same project always gives byte-identical files.
//!
//! Providers: azurerm `~> 4.79` (the schema the output is checked against) and AzAPI `~> 2.5`
//! for the Cognitive Services resources azurerm cannot write (docs/terraform.md).

mod addresses;
mod authority;
mod budgets;
mod context;
mod endpoints;
mod foundry;
mod guardrails;
mod hcl;
mod names;
mod operations;
mod policy;

use charter_ir::{Artifact, Project, Redundancy};

pub use crate::addresses::account_addresses;
use crate::context::{Context, ProviderAlias, Variable, DEFAULT_SUBSCRIPTION};
use crate::hcl::{Block, Body, Expr, TemplatePart};
use crate::names::endpoint_region;
pub use crate::names::identifier;

/// The azurerm provider versions the output is written for.
pub const AZURERM_VERSION_CONSTRAINT: &str = "~> 4.79";

/// The AzAPI provider versions the output is written for.
pub const AZAPI_VERSION_CONSTRAINT: &str = "~> 2.5";

/// The Terraform versions the output is written for (`required_version`).
pub const TERRAFORM_VERSION_CONSTRAINT: &str = ">= 1.5.0";

/// The Terraform address that creates a resource of the estate, for messages that name it.
pub fn address(resource: &charter_governance::estate::EstateResource<'_>) -> String {
    endpoints::address(resource)
}

/// The files under `terraform/`, sorted by path. A file with nothing to declare (no budgets,
/// say) is left out.
pub fn artifacts(project: &Project) -> Vec<Artifact> {
    artifacts_with(project, &charter_governance::governance(project))
}

/// Like [`artifacts`], with the governance the caller computed from `project` (and perhaps
/// adjusted, as `charter build --docs-url` does to the non-compliance messages).
pub fn artifacts_with(
    project: &Project,
    governance: &charter_governance::Governance,
) -> Vec<Artifact> {
    artifacts_with_estate(
        project,
        governance,
        &charter_governance::estate::estate(project),
    )
}

/// Like [`artifacts_with`], with the estate the caller already built from `project`: `charter
/// build` builds it once, for its self-compliance proof and for these files.
pub fn artifacts_with_estate(
    project: &Project,
    governance: &charter_governance::Governance,
    estate: &charter_governance::estate::Estate,
) -> Vec<Artifact> {
    let mut context = Context::new(project);
    let mut files: Vec<(&str, String)> = Vec::new();
    if let Some(text) = policy::file(&mut context, governance, estate) {
        files.push(("policy.tf", text));
    }
    if let Some(text) = endpoints::file(&mut context, estate) {
        files.push(("endpoints.tf", text));
    }
    if let Some(text) = guardrails::file(&mut context, estate) {
        files.push(("guardrails.tf", text));
    }
    if let Some(text) = budgets::file(&mut context, estate) {
        files.push(("budgets.tf", text));
    }
    if let Some(text) = authority::file(&mut context, estate) {
        files.push(("authority.tf", text));
    }
    if let Some(text) = operations::gateways_file(&mut context, estate) {
        files.push(("gateways.tf", text));
    }
    if let Some(text) = operations::monitoring_file(&mut context, estate) {
        files.push(("monitoring.tf", text));
    }
    if let Some(text) = outputs_file(project) {
        files.push(("outputs.tf", text));
    }
    // Variables and providers last: the other files declare what they use while they are built.
    files.push(("variables.tf", variables_file(&context)));
    files.push(("versions.tf", versions_file(&context)));
    let mut artifacts: Vec<Artifact> = files
        .into_iter()
        .map(|(name, contents)| Artifact {
            path: format!("terraform/{name}"),
            contents,
        })
        .collect();
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    artifacts
}

fn versions_file(context: &Context<'_>) -> String {
    let mut file = Body::new();
    let azurerm = vec![
        ("source".to_string(), Expr::Str("hashicorp/azurerm".into())),
        (
            "version".to_string(),
            Expr::Str(AZURERM_VERSION_CONSTRAINT.into()),
        ),
    ];
    let azapi = vec![
        ("source".to_string(), Expr::Str("Azure/azapi".into())),
        (
            "version".to_string(),
            Expr::Str(AZAPI_VERSION_CONSTRAINT.into()),
        ),
    ];
    let mut providers = Body::new();
    providers.attribute("azurerm", Expr::Map(azurerm));
    if context.uses_azapi {
        providers.attribute("azapi", Expr::Map(azapi));
    }
    let mut terraform = Body::new();
    terraform
        .string("required_version", TERRAFORM_VERSION_CONSTRAINT)
        .block(Block::new("required_providers", &[], providers));
    file.comment(
        "azurerm 4.x: the schema Charter's output is checked against. AzAPI writes the Cognitive \
         Services resources azurerm cannot: content filters with custom blocklists, blocklist \
         items, fine-tuned deployments and the DeveloperTier SKU.",
    );
    file.block(Block::new("terraform", &[], terraform));

    let mut provider = Body::new();
    provider
        .raw("subscription_id", format!("var.{DEFAULT_SUBSCRIPTION}"))
        .block(Block::new("features", &[], Body::new()));
    file.block(Block::new("provider", &["azurerm"], provider));
    for (
        alias,
        ProviderAlias {
            subscription,
            written,
        },
    ) in &context.providers
    {
        let mut body = Body::new();
        body.string("alias", alias)
            .attribute("subscription_id", subscription_expr(subscription))
            .block(Block::new("features", &[], Body::new()));
        file.comment(&format!("Resources of the subscription `{written}`."));
        file.block(Block::new("provider", &["azurerm"], body));
    }
    if context.uses_azapi {
        // AzAPI addresses every resource by its full id (`parent_id`), so one provider serves
        // every subscription.
        file.block(Block::new("provider", &["azapi"], Body::new()));
    }
    file.to_file()
}

fn subscription_expr(part: &TemplatePart) -> Expr {
    match part {
        TemplatePart::Text(id) => Expr::Str(id.clone()),
        TemplatePart::Interpolation(reference) => Expr::Raw(reference.clone()),
    }
}

fn variables_file(context: &Context<'_>) -> String {
    let mut file = Body::new();
    for (name, variable) in &context.variables {
        file.block(variable_block(name, variable));
    }
    file.to_file()
}

fn variable_block(name: &str, variable: &Variable) -> Block {
    let mut body = Body::new();
    body.string("description", &capitalise(&variable.description))
        .raw("type", "string");
    if let Some(default) = &variable.default {
        body.attribute("default", default.clone());
    }
    if let Some((pattern, message)) = &variable.validation {
        let mut validation = Body::new();
        validation
            .raw(
                "condition",
                format!("can(regex({}, var.{name}))", hcl::quote(pattern)),
            )
            .string("error_message", message);
        body.block(Block::new("validation", &[], validation));
    }
    Block::new("variable", &[name], body)
}

/// Terraform's convention is a sentence for a description.
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars
        .next()
        .map(|first| first.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(chars.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

fn outputs_file(project: &Project) -> Option<String> {
    let mut file = Body::new();
    for workload in &project.workloads {
        for endpoint in &workload.endpoints {
            let urls = endpoint
                .regions
                .iter()
                .map(|region| {
                    // A business unit's endpoints are called at its AI Foundry resource.
                    let address = match &workload.business_unit {
                        Some(unit) => foundry::account_address(unit, region),
                        None => endpoint_region(&workload.name, &endpoint.name, region),
                    };
                    (
                        region.clone(),
                        Expr::Raw(format!("azurerm_cognitive_account.{address}.endpoint")),
                    )
                })
                .collect();
            let mut body = Body::new();
            body.string(
                "description",
                &format!(
                    "Endpoint URLs of `{}` (workload `{}`) by region; {}.",
                    endpoint.name,
                    workload.name,
                    if endpoint.redundancy == Redundancy::ActivePassive {
                        "the first region is the primary, the others stand by"
                    } else {
                        "every region serves"
                    }
                ),
            )
            .attribute("value", Expr::Map(urls));
            let name = format!(
                "{}__{}_endpoints",
                identifier(&workload.name),
                identifier(&endpoint.name)
            );
            file.block(Block::new("output", &[&name], body));
        }
    }
    if file.is_empty() {
        None
    } else {
        Some(file.to_file())
    }
}
