//! The management-group hierarchy a project declares (`management_group "ID" { ... }`): which
//! management groups sit below which, which subscriptions (name and id) sit in each, and the
//! resource groups of each subscription. Every scope the project names resolves against it:
//! where a policy's definitions are stored, which assignment an exemption exempts, the
//! subscription of a workload, a gateway or a monitoring workspace, and which policies
//! actually apply to a workload.
//!
//! Nesting is syntactic, so the hierarchy is a tree by construction: no cycle and no unknown
//! parent can be written.

use charter_ir::{Environment, Scope};
use charter_syntax::Span;

/// The declared hierarchy; empty when the project declares none.
#[derive(Clone, Debug, Default)]
pub struct Hierarchy {
    /// Every management group, parents before children, in source order.
    pub groups: Vec<Group>,
    /// Every subscription, in source order.
    pub subscriptions: Vec<Subscription>,
}

/// A management group (`management_group "ID" { ... }`).
#[derive(Clone, Debug)]
pub struct Group {
    /// The management group's id (`contoso-ai-prod`).
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub doc: Option<String>,
    pub display_name: Option<String>,
    /// The management group it is written in; `None` for a top-level one.
    pub parent: Option<usize>,
    pub environment: Option<(Environment, Span)>,
}

/// A subscription (`subscription "NAME" { id: "GUID" ... }`).
#[derive(Clone, Debug)]
pub struct Subscription {
    /// The name the project uses for it (`contoso-support-prod`).
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub doc: Option<String>,
    /// The subscription id as written (a GUID when it checks).
    pub id: Option<(String, Span)>,
    /// The management group it is written in.
    pub parent: usize,
    pub environment: Option<(Environment, Span)>,
    /// The resource groups it holds, as written.
    pub resource_groups: Vec<(String, Span)>,
}

/// Where a scope sits in the hierarchy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    Group(usize),
    Subscription(usize),
    /// A resource group (by name) of a subscription.
    ResourceGroup(usize, String),
}

/// Why a scope has no place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unplaced {
    /// No management group, subscription or resource group of that name (or id).
    Unknown,
    /// A resource group that several subscriptions hold: the subscriptions.
    Ambiguous(Vec<usize>),
}

impl Hierarchy {
    /// Whether the project declares a hierarchy.
    pub fn is_declared(&self) -> bool {
        !self.groups.is_empty()
    }

    /// The management group with this id.
    pub fn group(&self, name: &str) -> Option<usize> {
        self.groups.iter().position(|group| group.name == name)
    }

    /// The subscription with this name, or this id (compared case-insensitively).
    pub fn subscription(&self, name_or_id: &str) -> Option<usize> {
        self.subscriptions
            .iter()
            .position(|s| s.name == name_or_id)
            .or_else(|| {
                self.subscriptions.iter().position(|s| {
                    s.id.as_ref()
                        .is_some_and(|(id, _)| id.eq_ignore_ascii_case(name_or_id))
                })
            })
    }

    /// The subscriptions that hold a resource group of this name.
    pub fn resource_group_subscriptions(&self, name: &str) -> Vec<usize> {
        (0..self.subscriptions.len())
            .filter(|&index| {
                self.subscriptions[index]
                    .resource_groups
                    .iter()
                    .any(|(group, _)| group == name)
            })
            .collect()
    }

    /// The place of a resource group, in `subscription` when given (the workload's), else in
    /// the only subscription that holds it.
    pub fn resource_group(
        &self,
        name: &str,
        subscription: Option<usize>,
    ) -> Result<Place, Unplaced> {
        let holders = self.resource_group_subscriptions(name);
        match subscription {
            Some(subscription) if holders.contains(&subscription) => {
                Ok(Place::ResourceGroup(subscription, name.to_string()))
            }
            Some(_) => Err(Unplaced::Unknown),
            None => match holders.as_slice() {
                [] => Err(Unplaced::Unknown),
                [only] => Ok(Place::ResourceGroup(*only, name.to_string())),
                _ => Err(Unplaced::Ambiguous(holders)),
            },
        }
    }

    /// The place of a scope.
    pub fn place(&self, scope: &Scope) -> Result<Place, Unplaced> {
        match scope {
            Scope::ManagementGroup(name) => {
                self.group(name).map(Place::Group).ok_or(Unplaced::Unknown)
            }
            Scope::Subscription(name) => self
                .subscription(name)
                .map(Place::Subscription)
                .ok_or(Unplaced::Unknown),
            Scope::ResourceGroup(name) => self.resource_group(name, None),
            // One resource sits where its resource group does.
            Scope::Resource(resource) => {
                let subscription = match &resource.subscription {
                    Some(name) => Some(self.subscription(name).ok_or(Unplaced::Unknown)?),
                    None => None,
                };
                self.resource_group(&resource.resource_group, subscription)
            }
        }
    }

    /// The management groups above a place, nearest first (a management group's own id
    /// first when the place is one).
    pub fn groups_above(&self, place: &Place) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut next = match place {
            Place::Group(group) => Some(*group),
            Place::Subscription(s) | Place::ResourceGroup(s, _) => {
                Some(self.subscriptions[*s].parent)
            }
        };
        while let Some(group) = next {
            if chain.contains(&group) {
                break;
            }
            chain.push(group);
            next = self.groups[group].parent;
        }
        chain
    }

    /// Whether `inner` is `outer` or below it.
    pub fn contains(&self, outer: &Place, inner: &Place) -> bool {
        match (outer, inner) {
            (Place::Group(group), _) => self.groups_above(inner).contains(group),
            (Place::Subscription(s), Place::Subscription(t))
            | (Place::Subscription(s), Place::ResourceGroup(t, _)) => s == t,
            (Place::ResourceGroup(..), _) => outer == inner,
            (Place::Subscription(_), Place::Group(_)) => false,
        }
    }

    /// The containers of a place that could store definitions (itself when it is a management
    /// group or a subscription, its subscription, then every management group above), nearest
    /// first.
    fn containers(&self, place: &Place) -> Vec<Place> {
        let mut out = Vec::new();
        match place {
            Place::Subscription(s) | Place::ResourceGroup(s, _) => {
                out.push(Place::Subscription(*s));
            }
            Place::Group(_) => {}
        }
        out.extend(self.groups_above(place).into_iter().map(Place::Group));
        out
    }

    /// The lowest management group or subscription at or above every place: where a policy
    /// assigned at those places stores its definitions. `None` when they have no common
    /// ancestor (two top-level management groups: Azure's tenant root group holds them, which
    /// the project does not declare).
    pub fn lowest_common(&self, places: &[Place]) -> Option<Place> {
        let (first, rest) = places.split_first()?;
        self.containers(first)
            .into_iter()
            .find(|candidate| rest.iter().all(|place| self.contains(candidate, place)))
    }

    /// The scope a place is written as, with a subscription by its id (its name when its id
    /// did not check).
    pub fn scope_of(&self, place: &Place) -> Scope {
        match place {
            Place::Group(group) => Scope::ManagementGroup(self.groups[*group].name.clone()),
            Place::Subscription(s) => Scope::Subscription(self.subscription_id(*s)),
            Place::ResourceGroup(_, name) => Scope::ResourceGroup(name.clone()),
        }
    }

    /// The scope a place is written as in Charter source, with a subscription by its name.
    pub fn scope_of_named(&self, place: &Place) -> Scope {
        match place {
            Place::Subscription(s) => Scope::Subscription(self.subscriptions[*s].name.clone()),
            other => self.scope_of(other),
        }
    }

    /// A subscription's id, or its name when the id did not check (reported).
    pub fn subscription_id(&self, subscription: usize) -> String {
        let declared = &self.subscriptions[subscription];
        declared
            .id
            .as_ref()
            .filter(|(id, _)| is_guid(id))
            .map_or_else(|| declared.name.clone(), |(id, _)| id.to_ascii_lowercase())
    }

    /// The environment a place is for: its own `environment:`, else the nearest above it.
    pub fn environment(&self, place: &Place) -> Option<(Environment, Span)> {
        if let Place::Subscription(s) | Place::ResourceGroup(s, _) = place {
            if let Some(environment) = self.subscriptions[*s].environment {
                return Some(environment);
            }
        }
        self.groups_above(place)
            .into_iter()
            .find_map(|group| self.groups[group].environment)
    }

    /// A place as a reader says it: `management group contoso-ai-dev`,
    /// `subscription contoso-support-prod`, `resource group rg-x in subscription y`.
    pub fn describe(&self, place: &Place) -> String {
        match place {
            Place::Group(group) => format!("management group `{}`", self.groups[*group].name),
            Place::Subscription(s) => format!("subscription `{}`", self.subscriptions[*s].name),
            Place::ResourceGroup(s, name) => format!(
                "resource group `{name}` of subscription `{}`",
                self.subscriptions[*s].name
            ),
        }
    }

    /// The path from the top of the hierarchy to a place: `contoso-ai / contoso-ai-prod /
    /// contoso-support-prod`.
    pub fn path(&self, place: &Place) -> String {
        let mut parts: Vec<String> = self
            .groups_above(place)
            .into_iter()
            .rev()
            .map(|group| self.groups[group].name.clone())
            .collect();
        match place {
            Place::Group(_) => {}
            Place::Subscription(s) => parts.push(self.subscriptions[*s].name.clone()),
            Place::ResourceGroup(s, name) => {
                parts.push(self.subscriptions[*s].name.clone());
                parts.push(name.clone());
            }
        }
        parts.join(" / ")
    }
}

/// What the hierarchy says about a policy's exemption: the assignment it exempts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExemptionPlace {
    /// The policy scope whose assignment it exempts (the nearest one that contains it).
    Assignment(Place),
    /// No scope of the policy contains the exempted scope.
    Outside(Place),
    /// The exempted scope, the policy's scopes or its `under` do not resolve (reported
    /// elsewhere), or no hierarchy is declared.
    Unknown,
}

impl crate::model::Model {
    /// Where a workload lives: its resource group, in its `subscription:` when it names one,
    /// else in the only subscription holding that resource group. `None` without a hierarchy
    /// or when it does not resolve (reported).
    pub fn workload_place(&self, workload: &crate::model::Workload) -> Option<Place> {
        placed(
            &self.hierarchy,
            crate::model::value_of(&workload.subscription).map(|(name, _)| name.as_str()),
            crate::model::value_of(&workload.resource_group).map(|(name, _)| name.as_str()),
        )
    }

    /// The places of a policy's scopes that resolve, with each scope's index.
    pub fn policy_places(&self, policy: &crate::model::Policy) -> Vec<(usize, Place)> {
        policy
            .scopes()
            .iter()
            .enumerate()
            .filter_map(|(index, (scope, _))| Some((index, self.hierarchy.place(scope).ok()?)))
            .collect()
    }

    /// The policies assigned at or above a place, in declaration order.
    pub fn policies_over(&self, place: &Place) -> Vec<crate::model::PolicyId> {
        (0..self.policies.len())
            .filter(|&index| {
                self.policy_places(&self.policies[index])
                    .iter()
                    .any(|(_, scope)| self.hierarchy.contains(scope, place))
            })
            .map(crate::model::PolicyId)
            .collect()
    }

    /// The assignment an exemption exempts, by the hierarchy: its `under` scope when it
    /// contains the exempted one, else the nearest policy scope that contains it.
    pub fn exemption_place(
        &self,
        policy: &crate::model::Policy,
        exemption: &crate::model::Exemption,
    ) -> ExemptionPlace {
        let hierarchy = &self.hierarchy;
        let Some((exempted, _)) = &exemption.scope else {
            return ExemptionPlace::Unknown;
        };
        let Ok(exempted) = hierarchy.place(exempted) else {
            return ExemptionPlace::Unknown;
        };
        let scopes = self.policy_places(policy);
        if let Some(under) = exemption.under.as_ref().and_then(|m| m.value.as_ref()) {
            let Ok(under) = hierarchy.place(&under.0) else {
                return ExemptionPlace::Unknown;
            };
            return if hierarchy.contains(&under, &exempted) {
                ExemptionPlace::Assignment(under)
            } else {
                ExemptionPlace::Outside(exempted)
            };
        }
        let containing: Vec<&Place> = scopes
            .iter()
            .map(|(_, place)| place)
            .filter(|place| hierarchy.contains(place, &exempted))
            .collect();
        // The nearest: the one every other containing scope contains.
        match containing.iter().find(|candidate| {
            containing
                .iter()
                .all(|other| hierarchy.contains(other, candidate))
        }) {
            Some(nearest) => ExemptionPlace::Assignment((*nearest).clone()),
            None if scopes.len() == policy.scopes().len() && !scopes.is_empty() => {
                ExemptionPlace::Outside(exempted)
            }
            None => ExemptionPlace::Unknown,
        }
    }
}

impl crate::model::Model {
    /// What hover shows about a workload's place: where it lives, and every policy assigned
    /// above it (with the exemptions that cover it). `None` without a hierarchy or when the
    /// workload does not resolve in it.
    pub fn placement_markdown(&self, workload: &crate::model::Workload) -> Option<String> {
        let place = self.workload_place(workload)?;
        let hierarchy = &self.hierarchy;
        let mut out = format!("lives in `{}`", hierarchy.path(&place));
        if let Some((environment, _)) = hierarchy.environment(&place) {
            out.push_str(&format!(" ({} environment)", environment.charter_name()));
        }
        let over = self.policies_over(&place);
        if over.is_empty() {
            out.push_str("\n\nno policy is assigned above it");
            return Some(out);
        }
        out.push_str("\n\npolicies that apply to it:");
        for id in over {
            let policy = self.policy(id);
            let at: Vec<String> = self
                .policy_places(policy)
                .into_iter()
                .filter(|(_, scope)| hierarchy.contains(scope, &place))
                .map(|(_, scope)| hierarchy.describe(&scope))
                .collect();
            out.push_str(&format!(
                "\n- `{}`, assigned at {}",
                policy.name,
                at.join(", ")
            ));
            for exemption in &policy.exemptions {
                let Some((scope, _)) = &exemption.scope else {
                    continue;
                };
                let Ok(exempted) = hierarchy.place(scope) else {
                    continue;
                };
                if let Scope::Resource(resource) = scope {
                    // One resource, not the whole place: said as such.
                    if hierarchy.contains(&exempted, &place) {
                        let until = exemption
                            .until
                            .map(|(date, _)| format!(" until {date}"))
                            .unwrap_or_default();
                        let name = if resource.name.is_empty() {
                            "an endpoint's accounts".to_string()
                        } else {
                            format!("`{}`", resource.name)
                        };
                        out.push_str(&format!(" (one resource exempted: {name}{until})"));
                    }
                    continue;
                }
                if hierarchy.contains(&exempted, &place) {
                    let until = exemption
                        .until
                        .map(|(date, _)| format!(" until {date}"))
                        .unwrap_or_default();
                    out.push_str(&format!(
                        " (exempted at {}{until})",
                        hierarchy.describe(&exempted)
                    ));
                }
            }
        }
        Some(out)
    }

    /// What hover shows about a management group or subscription of the hierarchy whose name
    /// is written at `offset` of `file`: its place, its id, and the policies assigned there.
    pub fn hierarchy_markdown(
        &self,
        file: charter_syntax::FileId,
        offset: usize,
    ) -> Option<(Span, String)> {
        let hierarchy = &self.hierarchy;
        let at = |span: &Span| span.file == file && span.contains(offset);
        let (place, span, header) =
            if let Some(index) = hierarchy.groups.iter().position(|g| at(&g.name_span)) {
                let group = &hierarchy.groups[index];
                let header = format!("management_group \"{}\"", group.name);
                (Place::Group(index), group.name_span, header)
            } else {
                let index = hierarchy
                    .subscriptions
                    .iter()
                    .position(|s| at(&s.name_span))?;
                let subscription = &hierarchy.subscriptions[index];
                let header = format!(
                    "subscription \"{}\" (id {})",
                    subscription.name,
                    self.hierarchy.subscription_id(index)
                );
                (Place::Subscription(index), subscription.name_span, header)
            };
        let mut out = format!(
            "```charter\n{header}\n```\n\nat `{}`",
            hierarchy.path(&place)
        );
        if let Some((environment, _)) = hierarchy.environment(&place) {
            out.push_str(&format!(" ({} environment)", environment.charter_name()));
        }
        let doc = match &place {
            Place::Group(index) => hierarchy.groups[*index].doc.as_ref(),
            Place::Subscription(index) => hierarchy.subscriptions[*index].doc.as_ref(),
            Place::ResourceGroup(..) => None,
        };
        if let Some(doc) = doc {
            out.push_str(&format!("\n\n{doc}"));
        }
        let policies: Vec<String> = self
            .policies_over(&place)
            .into_iter()
            .map(|id| format!("`{}`", self.policy(id).name))
            .collect();
        if !policies.is_empty() {
            out.push_str(&format!(
                "\n\npolicies assigned at or above it: {}",
                policies.join(", ")
            ));
        }
        Some((span, out))
    }
}

impl crate::model::Model {
    /// Hover on an exemption of one resource (`resource(...)` or `endpoint(...)`) at `offset`
    /// of `file`: the resource's type and name (an endpoint's accounts, one per region, named
    /// with `naming`), where it resolves (subscription, resource group) and its full id.
    pub fn exempt_resource_markdown(
        &self,
        file: charter_syntax::FileId,
        offset: usize,
        naming: &charter_ir::Naming,
    ) -> Option<(Span, String)> {
        let (exemption, span, resource) = self
            .policies
            .iter()
            .flat_map(|policy| &policy.exemptions)
            .find_map(|exemption| match &exemption.scope {
                Some((Scope::Resource(resource), span))
                    if span.file == file && span.contains(offset) =>
                {
                    Some((exemption, *span, resource))
                }
                _ => None,
            })?;
        let names: Vec<String> = match exemption.endpoint.as_ref().and_then(|e| e.target) {
            Some((workload, endpoint)) => {
                let workload = self.workload(workload);
                workload.endpoints[endpoint]
                    .regions()
                    .map(|region| {
                        charter_ir::names::account(
                            naming.prefix.as_deref(),
                            &workload.name,
                            &workload.endpoints[endpoint].name,
                            &region.name,
                        )
                    })
                    .collect()
            }
            None => vec![resource.name.clone()],
        };
        let hierarchy = &self.hierarchy;
        let placed = hierarchy.place(&Scope::Resource(resource.clone())).ok();
        let subscription = match &placed {
            Some(Place::ResourceGroup(index, _)) => Some((
                format!(
                    "subscription `{}` (id `{}`)",
                    hierarchy.subscriptions[*index].name,
                    hierarchy.subscription_id(*index)
                ),
                hierarchy.subscription_id(*index),
            )),
            _ => resource.subscription.as_ref().map(|name| {
                (
                    format!("subscription `{name}` (its id is a deployment parameter)"),
                    format!("{{subscriptionId:{name}}}"),
                )
            }),
        };
        let written = match &exemption.endpoint {
            Some(endpoint) => format!("endpoint({}.{})", endpoint.workload.0, endpoint.endpoint.0),
            None => format!(
                "resource(resource_group({:?}), {:?}, {:?})",
                resource.resource_group, resource.resource_type, resource.name
            ),
        };
        let what = if names.len() == 1 {
            "one resource".to_string()
        } else {
            format!("{} resources (one account per region)", names.len())
        };
        let mut out = format!(
            "```charter\nexempt {written}\n```\n\n{what} of type `{}`, in resource group `{}`",
            resource.resource_type, resource.resource_group
        );
        match &subscription {
            Some((described, _)) => out.push_str(&format!(" of {described}")),
            None => out.push_str(
                " of the subscription the policy is deployed to (declare the hierarchy to name it)",
            ),
        }
        if let Some(place) = &placed {
            out.push_str(&format!("; at `{}`", hierarchy.path(place)));
        }
        let segment = subscription
            .as_ref()
            .map_or_else(|| "{subscriptionId}".to_string(), |(_, id)| id.clone());
        out.push_str("\n\nfull id:");
        for name in &names {
            let one = charter_ir::ResourceScope {
                name: name.clone(),
                ..resource.clone()
            };
            out.push_str(&format!(
                "\n- `/subscriptions/{segment}/resourceGroups/{}/{}`",
                resource.resource_group,
                one.provider_path()
            ));
        }
        Some((span, out))
    }
}

/// The place of a resource group named with an optional subscription (by name or id).
pub fn placed(
    hierarchy: &Hierarchy,
    subscription: Option<&str>,
    resource_group: Option<&str>,
) -> Option<Place> {
    if !hierarchy.is_declared() {
        return None;
    }
    let subscription = match subscription {
        Some(name) => Some(hierarchy.subscription(name)?),
        None => None,
    };
    match resource_group {
        // A resource group the hierarchy does not list is still in the subscription named.
        Some(group) => hierarchy
            .resource_group(group, subscription)
            .ok()
            .or(subscription.map(Place::Subscription)),
        None => subscription.map(Place::Subscription),
    }
}

/// Whether `text` is a GUID (`8-4-4-4-12` hexadecimal digits), the form of a subscription id.
pub fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use charter_syntax::FileId;

    fn span() -> Span {
        Span::new(FileId(0), 0, 0)
    }

    fn group(name: &str, parent: Option<usize>) -> Group {
        Group {
            name: name.into(),
            name_span: span(),
            span: span(),
            doc: None,
            display_name: None,
            parent,
            environment: None,
        }
    }

    fn sample() -> Hierarchy {
        Hierarchy {
            groups: vec![
                group("root", None),
                group("prod", Some(0)),
                group("dev", Some(0)),
            ],
            subscriptions: vec![Subscription {
                name: "support".into(),
                name_span: span(),
                span: span(),
                doc: None,
                id: Some(("1B7E4C2A-0000-4000-8000-000000000001".into(), span())),
                parent: 1,
                environment: None,
                resource_groups: vec![("rg-a".into(), span())],
            }],
        }
    }

    #[test]
    fn places_resolve_by_name_and_id_and_nest() {
        let h = sample();
        let rg = h
            .place(&Scope::ResourceGroup("rg-a".into()))
            .expect("rg-a is in the hierarchy");
        assert_eq!(rg, Place::ResourceGroup(0, "rg-a".into()));
        assert_eq!(
            h.place(&Scope::Subscription(
                "1b7e4c2a-0000-4000-8000-000000000001".into()
            )),
            Ok(Place::Subscription(0))
        );
        assert!(h.contains(&Place::Group(0), &rg));
        assert!(h.contains(&Place::Group(1), &rg));
        assert!(!h.contains(&Place::Group(2), &rg));
        assert_eq!(h.path(&rg), "root / prod / support / rg-a");
        assert_eq!(
            h.scope_of(&Place::Subscription(0)),
            Scope::Subscription("1b7e4c2a-0000-4000-8000-000000000001".into())
        );
        assert_eq!(
            h.place(&Scope::ManagementGroup("nowhere".into())),
            Err(Unplaced::Unknown)
        );
    }

    #[test]
    fn the_lowest_common_container_is_the_nearest_shared_ancestor() {
        let h = sample();
        assert_eq!(
            h.lowest_common(&[Place::Group(1), Place::Group(2)]),
            Some(Place::Group(0))
        );
        assert_eq!(
            h.lowest_common(&[Place::ResourceGroup(0, "rg-a".into())]),
            Some(Place::Subscription(0))
        );
        assert_eq!(
            h.lowest_common(&[Place::Group(1), Place::Subscription(0)]),
            Some(Place::Group(1))
        );
    }

    #[test]
    fn guids_are_checked_by_shape() {
        assert!(is_guid("3f2b8c4e-6a1d-4e9b-8c7a-2d5f1e0b9a6c"));
        assert!(!is_guid("3f2b8c4e-6a1d-4e9b-8c7a-2d5f1e0b9a6"));
        assert!(!is_guid("contoso-support-prod"));
    }
}

#[cfg(test)]
mod lowering_tests {
    use charter_ir::Scope;
    use charter_syntax::FileId;

    use crate::{compile, Document, Options};

    /// The hierarchy-aware lowering: subscriptions by id, `definitions_at` computed, each
    /// exemption exempting the assignment above it.
    #[test]
    fn lowering_resolves_every_scope_against_the_hierarchy() {
        let source = include_str!("../tests/fixtures/ok_hierarchy.charter");
        let documents = vec![Document {
            id: FileId(0),
            path: "hierarchy.charter".to_string(),
            text: source.to_string(),
            is_stdlib: false,
        }];
        let today = charter_ir::Date {
            year: 2026,
            month: 11,
            day: 22,
        };
        let compilation = compile(documents, &Options::new(today));
        assert!(
            compilation.diagnostics.is_empty(),
            "{:?}",
            compilation.diagnostics
        );
        let project = &compilation.project;
        let policy = &project.policies[0];
        assert_eq!(
            policy.definitions_scope,
            Some(Scope::ManagementGroup("contoso".to_string()))
        );
        let exemption = &policy.exemptions[0];
        assert_eq!(
            exemption.assignment_scope,
            Scope::ManagementGroup("contoso-sandbox".to_string())
        );
        let support = &project.workloads[0];
        assert_eq!(
            support.subscription.as_deref(),
            Some("1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71")
        );
        let experiments = &project.workloads[1];
        assert_eq!(
            experiments.subscription.as_deref(),
            Some("5d2a7f9c-3e1b-4c8d-9a6f-0b4e2d7c1a38")
        );
        assert_eq!(
            project.hierarchy.management_groups_above("lab"),
            ["contoso-sandbox", "contoso"]
        );
    }
}
