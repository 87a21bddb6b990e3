//! The objects Charter publishes: their kinds, ids and scopes.

use serde_json::Value;

/// The four kinds of Azure Policy object Charter publishes, in the order they are created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Definition,
    SetDefinition,
    Assignment,
    Exemption,
}

impl Kind {
    /// Every kind, in creation order (definitions first, exemptions last).
    pub const ALL: [Kind; 4] = [
        Kind::Definition,
        Kind::SetDefinition,
        Kind::Assignment,
        Kind::Exemption,
    ];

    /// The resource type segment in an ARM id (`policyDefinitions`, …).
    pub fn segment(self) -> &'static str {
        match self {
            Kind::Definition => "policyDefinitions",
            Kind::SetDefinition => "policySetDefinitions",
            Kind::Assignment => "policyAssignments",
            Kind::Exemption => "policyExemptions",
        }
    }

    /// What a person calls it in a plan.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Definition => "definition",
            Kind::SetDefinition => "initiative",
            Kind::Assignment => "assignment",
            Kind::Exemption => "exemption",
        }
    }

    /// The folder of `charter build`'s output that holds this kind's REST bodies.
    pub fn artifact_folder(self) -> &'static str {
        match self {
            Kind::Definition => "definitions",
            Kind::SetDefinition => "set-definitions",
            Kind::Assignment => "assignments",
            Kind::Exemption => "exemptions",
        }
    }

    /// The kind named by an ARM id's type segment, compared without case as ARM does.
    pub fn from_segment(segment: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|kind| kind.segment().eq_ignore_ascii_case(segment))
    }

    /// Whether objects of this kind can live at `scope` (definitions and initiatives only at
    /// a management group or a subscription; assignments and exemptions anywhere).
    pub fn allowed_at(self, scope: &str) -> bool {
        match self {
            Kind::Definition | Kind::SetDefinition => matches!(
                scope_level(scope),
                ScopeLevel::ManagementGroup | ScopeLevel::Subscription
            ),
            Kind::Assignment | Kind::Exemption => true,
        }
    }
}

/// The API versions used per kind. Exemptions exist only in preview versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiVersions {
    pub definitions: String,
    pub set_definitions: String,
    pub assignments: String,
    pub exemptions: String,
}

impl Default for ApiVersions {
    fn default() -> Self {
        ApiVersions {
            definitions: "2025-03-01".into(),
            set_definitions: "2025-03-01".into(),
            assignments: "2025-03-01".into(),
            exemptions: "2026-01-01-preview".into(),
        }
    }
}

impl ApiVersions {
    /// The version for one kind.
    pub fn for_kind(&self, kind: Kind) -> &str {
        match kind {
            Kind::Definition => &self.definitions,
            Kind::SetDefinition => &self.set_definitions,
            Kind::Assignment => &self.assignments,
            Kind::Exemption => &self.exemptions,
        }
    }
}

/// An object as the build wants it: its id and the body to PUT (`properties`, and `identity`
/// and `location` when an assignment has them).
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredObject {
    pub kind: Kind,
    pub id: String,
    pub body: Value,
}

/// An object as Azure returned it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeployedObject {
    pub kind: Kind,
    pub id: String,
    pub body: Value,
}

/// The level of a scope in Azure's hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeLevel {
    Tenant,
    ManagementGroup,
    Subscription,
    ResourceGroup,
    Resource,
    Unknown,
}

/// The level of a scope such as `/providers/Microsoft.Management/managementGroups/x`.
pub fn scope_level(scope: &str) -> ScopeLevel {
    let parts: Vec<&str> = scope.trim_matches('/').split('/').collect();
    let lower: Vec<String> = parts.iter().map(|p| p.to_ascii_lowercase()).collect();
    match lower.as_slice() {
        [] => ScopeLevel::Tenant,
        [one] if one.is_empty() => ScopeLevel::Tenant,
        [p, m, g, _]
            if p == "providers" && m == "microsoft.management" && g == "managementgroups" =>
        {
            ScopeLevel::ManagementGroup
        }
        [s, _] if s == "subscriptions" => ScopeLevel::Subscription,
        [s, _, r, _] if s == "subscriptions" && r == "resourcegroups" => ScopeLevel::ResourceGroup,
        [s, _, r, _, p, ..]
            if s == "subscriptions" && r == "resourcegroups" && p == "providers" =>
        {
            ScopeLevel::Resource
        }
        _ => ScopeLevel::Unknown,
    }
}

/// An ARM id of a policy object split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyId {
    /// The scope, without a trailing `/`; empty for the tenant.
    pub scope: String,
    pub kind: Kind,
    pub name: String,
}

/// Splits `{scope}/providers/Microsoft.Authorization/{kind}/{name}`.
pub fn parse_policy_id(id: &str) -> Option<PolicyId> {
    let lower = id.to_ascii_lowercase();
    let marker = "/providers/microsoft.authorization/";
    let at = lower.rfind(marker)?;
    let rest = &id[at + marker.len()..];
    let (segment, name) = rest.split_once('/')?;
    if name.is_empty() || name.contains('/') {
        return None;
    }
    Some(PolicyId {
        scope: id[..at].trim_end_matches('/').to_string(),
        kind: Kind::from_segment(segment)?,
        name: name.to_string(),
    })
}

/// The id of an object of `kind` named `name` at `scope`.
pub fn policy_id(scope: &str, kind: Kind, name: &str) -> String {
    format!(
        "{}/providers/Microsoft.Authorization/{}/{name}",
        scope.trim_end_matches('/'),
        kind.segment()
    )
}

/// ARM ids compare without case.
pub fn id_key(id: &str) -> String {
    id.trim_end_matches('/').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_ids_split_into_scope_kind_and_name() {
        let id = "/providers/Microsoft.Management/managementGroups/contoso-ai/providers/Microsoft.Authorization/policySetDefinitions/charter-contoso-ai";
        let parsed = parse_policy_id(id).expect("a policy id");
        assert_eq!(
            parsed.scope,
            "/providers/Microsoft.Management/managementGroups/contoso-ai"
        );
        assert_eq!(parsed.kind, Kind::SetDefinition);
        assert_eq!(parsed.name, "charter-contoso-ai");
        assert_eq!(policy_id(&parsed.scope, parsed.kind, &parsed.name), id);
        let builtin = parse_policy_id(
            "/providers/Microsoft.Authorization/policyDefinitions/71ef260a-8f18-47b7-abcb-62d0673d94dc",
        )
        .expect("a built-in id");
        assert_eq!(builtin.scope, "");
        assert_eq!(scope_level(&builtin.scope), ScopeLevel::Tenant);
        assert!(parse_policy_id("/subscriptions/x").is_none());
    }

    #[test]
    fn scope_levels() {
        assert_eq!(
            scope_level("/providers/Microsoft.Management/managementGroups/a"),
            ScopeLevel::ManagementGroup
        );
        assert_eq!(scope_level("/subscriptions/s"), ScopeLevel::Subscription);
        assert_eq!(
            scope_level("/subscriptions/s/resourceGroups/rg"),
            ScopeLevel::ResourceGroup
        );
        assert_eq!(
            scope_level("/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a"),
            ScopeLevel::Resource
        );
        assert!(!Kind::Definition.allowed_at("/subscriptions/s/resourceGroups/rg"));
        assert!(Kind::Exemption.allowed_at("/subscriptions/s/resourceGroups/rg"));
    }
}
