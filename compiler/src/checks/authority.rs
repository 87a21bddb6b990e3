//! Deployment authority and data classification: every group Charter gives roles is an object
//! id, every managed workload has a group to manage it, no team's write role reaches another
//! workload's resources; every workload's classification is one of its policy's levels, and
//! the workload meets what that level (and every level below it) requires.

use charter_ir::{Authority, Toggle};

use super::Checks;
use crate::codes::authority::{self as codes, Unmet};
use crate::model::{value_of, Field, Policy, Workload, WorkloadId};

impl Checks<'_> {
    /// The policy-wide checks: the central team's group and the classification levels.
    pub(super) fn check_policy_authority(&mut self, policy: &Policy) {
        if let Some((group, span)) = value_of(&policy.central_team) {
            if !charter_ir::is_guid(group) {
                self.diagnostics
                    .push(codes::invalid_group_id("central_team", group, *span));
            }
        }
        for (index, level) in policy.classifications.iter().enumerate() {
            if let Some(first) = policy.classifications[..index]
                .iter()
                .find(|earlier| earlier.name == level.name)
            {
                self.diagnostics.push(codes::duplicate_classification(
                    &level.name,
                    level.name_span,
                    first.name_span,
                ));
            }
        }
    }

    /// The checks of one workload: its group, its authority and its classification.
    pub(super) fn check_workload_authority(&mut self, id: WorkloadId) {
        let workload = self.model.workload(id);
        let policy = workload.policy().map(|policy| self.model.policy(policy));
        if let Some((group, span)) = value_of(&workload.team) {
            if !charter_ir::is_guid(group) {
                self.diagnostics
                    .push(codes::invalid_group_id("team", group, *span));
            }
        }
        if let Some((authority, span)) = workload.authority(policy) {
            let missing = match authority {
                Authority::WorkloadTeam => workload.team.is_none(),
                Authority::CentralTeam => {
                    policy.is_some_and(|policy| policy.central_team.is_none())
                }
            };
            if missing {
                self.diagnostics.push(codes::no_managing_group(
                    &workload.name,
                    authority == Authority::CentralTeam,
                    span,
                    workload.name_span,
                ));
            }
        }
        self.check_write_access(id);
        if let Some(policy) = policy {
            if let (Some(Toggle::Enabled), Some(Toggle::Disabled)) = (
                value_of(&workload.public_network),
                value_of(&policy.public_network),
            ) {
                if let (Some(own), Some(inherited)) =
                    (&workload.public_network, &policy.public_network)
                {
                    self.diagnostics.push(codes::looser_than_policy(
                        &policy.name,
                        own.span,
                        inherited.span,
                    ));
                }
            }
            self.check_classification(workload, policy);
        }
    }

    /// A workload that shares its resource group with an earlier workload managed by another
    /// group: the write role of one would reach the other's resources.
    fn check_write_access(&mut self, id: WorkloadId) {
        let workload = self.model.workload(id);
        let Some(manager) = self.manager(workload) else {
            return;
        };
        let Some((group, _)) = value_of(&workload.resource_group) else {
            return;
        };
        let subscription = value_of(&workload.subscription).map(|(s, _)| s.as_str());
        for earlier in &self.model.workloads[..id.0] {
            let same_group = value_of(&earlier.resource_group)
                .is_some_and(|(other, _)| other.eq_ignore_ascii_case(group))
                && value_of(&earlier.subscription).map(|(s, _)| s.as_str()) == subscription;
            if !same_group {
                continue;
            }
            let other = self.manager(earlier);
            if other.as_ref().map(|(group, _)| group) == Some(&manager.0) {
                continue;
            }
            let other_words = other
                .as_ref()
                .map_or("no group Charter names".to_string(), |(_, words)| {
                    words.clone()
                });
            self.diagnostics.push(codes::write_access_across_workloads(
                group,
                (&workload.name, &manager.1, workload.name_span),
                (&earlier.name, &other_words, earlier.name_span),
            ));
            return;
        }
    }

    /// The group that gets write access to a workload's resource group, and how to name it in
    /// a message; `None` when nobody says who manages it.
    pub(super) fn manager(&self, workload: &Workload) -> Option<(String, String)> {
        let policy = workload.policy().map(|policy| self.model.policy(policy));
        let (authority, _) = workload.authority(policy)?;
        match authority {
            Authority::WorkloadTeam => {
                let team = value_of(&workload.team)
                    .map(|(group, _)| group.to_ascii_lowercase())
                    .unwrap_or_default();
                Some((format!("team:{team}"), "its own team".to_string()))
            }
            Authority::CentralTeam => {
                let central = policy
                    .and_then(|policy| value_of(&policy.central_team))
                    .map(|(group, _)| group.to_ascii_lowercase())
                    .unwrap_or_default();
                Some((format!("team:{central}"), "the central team".to_string()))
            }
        }
    }

    /// The workload's classification is one of its policy's levels, and it meets what the
    /// level requires.
    fn check_classification(&mut self, workload: &Workload, policy: &Policy) {
        let Some(Field {
            value: Some((level, span)),
            ..
        }) = &workload.classification
        else {
            return;
        };
        let Some(index) = policy.classification_level(level) else {
            let levels: Vec<&str> = policy
                .classifications
                .iter()
                .map(|level| level.name.as_str())
                .collect();
            self.diagnostics.push(codes::unknown_classification(
                level,
                *span,
                &policy.name,
                &levels,
            ));
            return;
        };
        let requirements = policy.level_requirements(index);
        if let Some((stated_by, requirement_span)) = &requirements.private_network {
            if !workload.public_network_disabled(Some(policy)) {
                let at = workload
                    .public_network
                    .as_ref()
                    .map_or(*span, |field| field.span);
                self.diagnostics.push(codes::classification_not_met(
                    &workload.name,
                    (level, stated_by),
                    Unmet::PrivateNetwork,
                    at,
                    *requirement_span,
                ));
            }
        }
        for endpoint in &workload.endpoints {
            if let Some((stated_by, requirement_span)) = &requirements.no_global_deployments {
                if let Some((kind, kind_span)) = endpoint.deployment_type() {
                    if kind.is_global() {
                        self.diagnostics.push(codes::classification_not_met(
                            &workload.name,
                            (level, stated_by),
                            Unmet::GlobalDeployment {
                                endpoint: &endpoint.name,
                                kind: kind.charter_name(),
                            },
                            kind_span,
                            *requirement_span,
                        ));
                    }
                }
            }
            let Some(filter) = endpoint.filter() else {
                continue;
            };
            for (minimum, stated_by, requirement_span) in &requirements.minimum_filters {
                if !self.comparisons.meets(filter.target, *minimum) {
                    self.diagnostics.push(codes::classification_not_met(
                        &workload.name,
                        (level, stated_by),
                        Unmet::Filter {
                            endpoint: &endpoint.name,
                            filter: &self.model.filter(filter.target).name,
                            minimum: &self.model.filter(*minimum).name,
                        },
                        filter.span,
                        *requirement_span,
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    const POLICY: &str = r#"
policy guardrails {
  scope: subscription("prod")
  central_team: "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
  public_network: disabled
  classification "internal" {}
  classification "confidential" {
    global_deployments: disabled
  }
  classification "restricted" {
    filters: at_least std.filters.strict
  }
}
"#;

    fn workload(name: &str, group: &str, authority: &str, level: &str) -> String {
        format!(
            r#"
workload {name} {{
  governed_by: guardrails
  environment: prod
  resource_group: "{group}"
  {authority}
  classification: "{level}"
  endpoint chat {{
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }}
}}
"#
        )
    }

    /// The codes and messages a project reports.
    fn report(source: &str) -> Vec<(&'static str, String)> {
        crate::checks::compile_one(source)
            .diagnostics
            .into_iter()
            .map(|d| (d.code, d.message))
            .collect()
    }

    const TEAM: &str = r#"managed_by: workload_team
  team: "0b7e4c1a-2f3d-4e5a-9b6c-7d8e9f0a1b2c""#;

    #[test]
    fn raising_a_level_shows_what_the_workload_now_violates() {
        let internal = report(&format!(
            "{POLICY}{}",
            workload("support", "rg-support", TEAM, "internal")
        ));
        assert!(internal.is_empty(), "{internal:?}");

        let confidential = report(&format!(
            "{POLICY}{}",
            workload("support", "rg-support", TEAM, "confidential")
        ));
        assert_eq!(
            confidential,
            [(
                "E1205",
                "workload `support` does not meet level `confidential`: no global deployment type"
                    .to_string()
            )]
        );

        // The most sensitive level requires what the others do, and its own filter.
        let restricted = report(&format!(
            "{POLICY}{}",
            workload("support", "rg-support", TEAM, "restricted")
        ));
        let messages: Vec<&str> = restricted.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "workload `support` does not meet level `restricted` (stated by `confidential`, a less sensitive level): no global deployment type",
                "workload `support` does not meet level `restricted`: content filter at least `std.filters.strict`",
            ]
        );
    }

    #[test]
    fn workloads_sharing_a_group_and_a_manager_are_fine() {
        let central = r#"managed_by: central_team
  team: "0b7e4c1a-2f3d-4e5a-9b6c-7d8e9f0a1b2c""#;
        let other_team = r#"managed_by: central_team
  team: "3c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f""#;
        let both_central = report(&format!(
            "{POLICY}{}{}",
            workload("support", "rg-shared", central, "internal"),
            workload("marketing", "rg-shared", other_team, "internal")
        ));
        assert!(both_central.is_empty(), "{both_central:?}");

        let mixed = report(&format!(
            "{POLICY}{}{}",
            workload("support", "rg-shared", central, "internal"),
            workload("marketing", "RG-Shared", TEAM, "internal")
        ));
        assert_eq!(
            mixed.iter().map(|(code, _)| *code).collect::<Vec<_>>(),
            ["E1203"]
        );

        let apart = report(&format!(
            "{POLICY}{}{}",
            workload("support", "rg-support", central, "internal"),
            workload("marketing", "rg-marketing", TEAM, "internal")
        ));
        assert!(apart.is_empty(), "{apart:?}");
    }

    #[test]
    fn a_workload_may_be_stricter_than_its_policy_but_not_looser() {
        let policy = POLICY.replace("public_network: disabled", "");
        let stricter = report(&format!(
            "{policy}{}",
            workload(
                "support",
                "rg-support",
                &format!("{TEAM}\n  public_network: disabled"),
                "internal"
            )
        ));
        assert!(stricter.is_empty(), "{stricter:?}");
    }
}
