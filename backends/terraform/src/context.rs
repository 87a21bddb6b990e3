//! What the files share: the input variables and provider configurations that the resources
//! ask for while they are built, and how a Charter scope becomes an Azure id expression.
//!
//! Charter cannot know subscription ids given by name, the resource group location, or the
//! month a budget starts; each such value becomes an input variable, declared only when some
//! resource uses it.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use charter_ir::{Project, Scope};

use crate::hcl::{Expr, TemplatePart};
use crate::names::identifier;
use charter_governance::names::is_subscription_id;

/// The variable holding the id of the subscription the provider deploys to.
pub(crate) const DEFAULT_SUBSCRIPTION: &str = "subscription_id";

/// The variable holding the first day of the budgets' first period.
pub(crate) const BUDGET_START: &str = "budget_start_date";

/// An input variable to declare in `variables.tf`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Variable {
    pub(crate) description: String,
    /// A default value, already written as an HCL expression.
    pub(crate) default: Option<Expr>,
    /// `(regular expression, error message)` of a `validation` block: the value must match.
    pub(crate) validation: Option<(String, String)>,
}

/// An aliased `provider "azurerm"` for a subscription other than the default one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ProviderAlias {
    /// The subscription id as a template part (a literal GUID or a variable).
    pub(crate) subscription: TemplatePart,
    /// The subscription as the policy names it, for the comment.
    pub(crate) written: String,
}

/// Shared state of one build.
pub(crate) struct Context<'p> {
    pub(crate) project: &'p Project,
    pub(crate) variables: BTreeMap<String, Variable>,
    pub(crate) providers: BTreeMap<String, ProviderAlias>,
    /// Whether some resource is written with the AzAPI provider.
    pub(crate) uses_azapi: bool,
    /// AzAPI bodies already rendered, by the address of the shared payload they render (see
    /// `endpoints::shared_body`).
    pub(crate) rendered_bodies: HashMap<*const serde_json::Value, Arc<str>>,
    /// The provider reference of each subscription already seen (`azurerm.alias`): one per
    /// resource is asked for, and deriving it declares variables and aliases.
    provider_references: HashMap<String, String>,
}

impl<'p> Context<'p> {
    pub(crate) fn new(project: &'p Project) -> Self {
        let mut context = Self {
            project,
            variables: BTreeMap::new(),
            providers: BTreeMap::new(),
            uses_azapi: !project.workloads.is_empty(),
            rendered_bodies: HashMap::new(),
            provider_references: HashMap::new(),
        };
        // The azurerm 4.x provider requires a subscription, so this one is always declared.
        // With a hierarchy every resource names its subscription's provider, and the default is
        // the hierarchy's first subscription, so nothing is left for the user to fill in.
        let mut default = guid_variable("the id of the subscription Terraform deploys to (the provider's default; resource group scopes without a workload live here)");
        if let Some(first) = project.hierarchy.subscriptions.first() {
            default.description = format!(
                "the id of the azurerm provider's default subscription (`{}`, the hierarchy's first): every resource names the provider of its own subscription",
                first.name
            );
            default.default = Some(Expr::Str(first.id.clone()));
        }
        context
            .variables
            .insert(DEFAULT_SUBSCRIPTION.to_string(), default);
        context
    }

    /// The full id of a scope (`/providers/Microsoft.Management/managementGroups/x`,
    /// `/subscriptions/<id>`, `/subscriptions/<id>/resourceGroups/x`). `arm_id` is the id the
    /// Azure Policy backend wrote for it, whose choice of subscription for a resource group is
    /// followed.
    pub(crate) fn scope_id(&mut self, scope: &Scope, arm_id: &str) -> Expr {
        match scope {
            Scope::ManagementGroup(name) => Expr::Raw(self.management_group_id(name)),
            Scope::Subscription(subscription) => {
                let part = self.subscription(subscription);
                Expr::Template(vec![TemplatePart::Text("/subscriptions/".into()), part])
            }
            Scope::ResourceGroup(name) => {
                let subscription = arm_id
                    .strip_prefix("/subscriptions/")
                    .and_then(|rest| rest.split('/').next())
                    .and_then(charter_governance::names::subscription_of_segment);
                self.resource_group_id(name, subscription)
            }
            Scope::Resource(resource) => {
                let subscription = arm_id
                    .strip_prefix("/subscriptions/")
                    .and_then(|rest| rest.split('/').next())
                    .and_then(charter_governance::names::subscription_of_segment);
                let tail = format!("/{}", resource.provider_path());
                match self.resource_group_id(&resource.resource_group, subscription) {
                    Expr::Raw(reference) => Expr::Template(vec![
                        TemplatePart::Interpolation(reference),
                        TemplatePart::Text(tail),
                    ]),
                    Expr::Template(mut parts) => {
                        parts.push(TemplatePart::Text(tail));
                        Expr::Template(parts)
                    }
                    other => other,
                }
            }
        }
    }

    /// A reference to the variable holding a management group's id. Charter knows the group's
    /// name, which is the last segment of its id, so the default is the id built from it; the
    /// variable lets a deployment point elsewhere (a test tenant, say).
    pub(crate) fn management_group_id(&mut self, name: &str) -> String {
        let variable = format!("{}_management_group_id", identifier(name));
        self.variables.entry(variable.clone()).or_insert_with(|| Variable {
            // Not "that the policy is assigned to": a group may instead store a policy's
            // definitions (`definitions_at:`), or both.
            description: format!("the id of the management group `{name}`"),
            default: Some(Expr::Str(format!(
                "/providers/Microsoft.Management/managementGroups/{name}"
            ))),
            validation: Some((
                "^/providers/Microsoft.Management/managementGroups/[^/]+$".into(),
                "The management group id must look like /providers/Microsoft.Management/managementGroups/<name>.".into(),
            )),
        });
        format!("var.{variable}")
    }

    /// A subscription as the bare id: the GUID itself when the policy wrote one, otherwise a
    /// variable named after it.
    pub(crate) fn subscription(&mut self, subscription: &str) -> TemplatePart {
        if is_subscription_id(subscription) {
            return TemplatePart::Text(subscription.to_ascii_lowercase());
        }
        let variable = format!("{}_subscription_id", identifier(subscription));
        self.variables.entry(variable.clone()).or_insert_with(|| {
            guid_variable(&format!("the id of the subscription `{subscription}`"))
        });
        TemplatePart::Interpolation(format!("var.{variable}"))
    }

    /// The id of a resource group: the `azurerm_resource_group` Charter creates for the
    /// workloads in it when there are any (so Terraform orders the two), otherwise built in
    /// `subscription`, or in the default one.
    pub(crate) fn resource_group_id(&mut self, name: &str, subscription: Option<&str>) -> Expr {
        if let Some(workload) = self.project.workloads.iter().find(|workload| {
            workload.resource_group == name
                && (subscription.is_none() || workload.subscription.as_deref() == subscription)
        }) {
            return Expr::Raw(format!(
                "azurerm_resource_group.{}.id",
                crate::names::resource_group_address(
                    &workload.resource_group,
                    workload.subscription.as_deref()
                )
            ));
        }
        let subscription = match subscription {
            Some(subscription) => self.subscription(subscription),
            None => TemplatePart::Interpolation(format!("var.{DEFAULT_SUBSCRIPTION}")),
        };
        Expr::Template(vec![
            TemplatePart::Text("/subscriptions/".into()),
            subscription,
            TemplatePart::Text(format!("/resourceGroups/{name}")),
        ])
    }

    /// The `provider` meta-argument for resources in a named subscription (an aliased
    /// provider), or `None` for the default provider.
    /// A subscription as addresses and comments name it: by its name in the hierarchy when the
    /// project declares one (the IR carries its id), else as written.
    pub(crate) fn named<'s>(&self, subscription: Option<&'s str>) -> Option<&'s str>
    where
        'p: 's,
    {
        let subscription = subscription?;
        Some(
            self.project
                .hierarchy
                .subscription(subscription)
                .map_or(subscription, |place| place.name.as_str()),
        )
    }

    pub(crate) fn provider_for(&mut self, subscription: Option<&str>) -> Option<String> {
        let subscription = subscription?;
        if let Some(reference) = self.provider_references.get(subscription) {
            return Some(reference.clone());
        }
        let named = self.named(Some(subscription)).unwrap_or(subscription);
        let alias = if named != subscription {
            identifier(named)
        } else if is_subscription_id(subscription) {
            format!("subscription_{}", identifier(&subscription[..8]))
        } else {
            identifier(subscription)
        };
        let part = self.subscription(subscription);
        self.providers
            .entry(alias.clone())
            .or_insert_with(|| ProviderAlias {
                subscription: part,
                written: named.to_string(),
            });
        let reference = format!("azurerm.{alias}");
        self.provider_references
            .insert(subscription.to_string(), reference.clone());
        Some(reference)
    }

    pub(crate) fn declare(&mut self, name: &str, variable: Variable) {
        self.variables.entry(name.to_string()).or_insert(variable);
    }
}

fn guid_variable(description: &str) -> Variable {
    Variable {
        description: description.to_string(),
        default: None,
        validation: Some((
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$".into(),
            "The subscription id must be a GUID.".into(),
        )),
    }
}
