//! Snapshots of every artifact of every fixture, one document per fixture.

mod common;

use charter_azure_policy::artifacts;
use charter_governance::{governance, names, DefinitionRef};
use charter_ir::Scope;

fn document(project: &charter_ir::Project) -> String {
    let mut out = String::new();
    for artifact in artifacts(project) {
        out.push_str(&format!("----- {}\n", artifact.path));
        out.push_str(&artifact.contents);
    }
    out
}

#[test]
fn models_only() {
    insta::assert_snapshot!(document(&common::models_only()));
}

#[test]
fn filters_only() {
    insta::assert_snapshot!(document(&common::filters_only()));
}

#[test]
fn regions_only() {
    insta::assert_snapshot!(document(&common::regions_only()));
}

#[test]
fn capacity_only() {
    insta::assert_snapshot!(document(&common::capacity_only()));
}

#[test]
fn network_and_auth() {
    insta::assert_snapshot!(document(&common::network_and_auth()));
}

#[test]
fn owner_tag_only() {
    insta::assert_snapshot!(document(&common::owner_tag_only()));
}

#[test]
fn multi_scope() {
    insta::assert_snapshot!(document(&common::multi_scope()));
}

#[test]
fn contoso() {
    insta::assert_snapshot!(document(&common::contoso()));
}

#[test]
fn output_is_byte_identical_across_runs() {
    for (name, project) in common::all() {
        let first = artifacts(&project);
        let second = artifacts(&project.clone());
        assert_eq!(first, second, "{name}");
        let paths: Vec<_> = first.iter().map(|a| a.path.clone()).collect();
        let mut sorted = paths.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(paths, sorted, "{name}: paths are sorted and unique");
        for artifact in &first {
            assert!(artifact.contents.ends_with("}\n"), "{}", artifact.path);
        }
    }
}

#[test]
fn an_empty_project_has_no_artifacts() {
    assert!(artifacts(&charter_ir::Project::default()).is_empty());
}

#[test]
fn names_fit_azure_limits() {
    let mut policy =
        common::bare_policy("a_policy_with_a_very_long_name_that_does_not_fit_in_azure");
    policy.scopes = vec![
        Scope::ManagementGroup("contoso-ai".to_owned()),
        Scope::Subscription("00000000-0000-0000-0000-000000000001".to_owned()),
    ];
    policy.allowed_regions = Some(vec!["eastus2".to_owned()]);
    let governance = governance(&common::project(policy));
    let management_group = &governance.assignments[0];
    assert!(management_group.name.len() <= names::MAX_MANAGEMENT_GROUP_ASSIGNMENT_NAME);
    assert_ne!(management_group.name, governance.assignments[1].name);
    assert!(governance.sets[0].name.len() <= names::MAX_NAME);
    // The same input gives the same names.
    let again = charter_governance::governance(&common::project({
        let mut p =
            common::bare_policy("a_policy_with_a_very_long_name_that_does_not_fit_in_azure");
        p.scopes = vec![
            Scope::ManagementGroup("contoso-ai".to_owned()),
            Scope::Subscription("00000000-0000-0000-0000-000000000001".to_owned()),
        ];
        p.allowed_regions = Some(vec!["eastus2".to_owned()]);
        p
    }));
    assert_eq!(governance, again);
}

#[test]
fn definitions_are_shared_between_policies() {
    let mut first = common::regions_only();
    let mut second = common::bare_policy("other");
    second.scopes = vec![Scope::Subscription("sub-a".to_owned())];
    second.definitions_scope = Some(Scope::Subscription("sub-a".to_owned()));
    second.allowed_regions = Some(vec!["westeurope".to_owned()]);
    first.policies.push(second);
    let governance = governance(&first);
    assert_eq!(governance.definitions.len(), 1, "one generic definition");
    assert_eq!(governance.sets.len(), 2);
    for set in &governance.sets {
        assert!(set
            .references
            .iter()
            .all(|r| r.definition
                == DefinitionRef::Custom("charter-allowed-account-regions".to_owned())));
    }
    // Two initiative locations (a management group and a subscription): one template each.
    let paths: Vec<_> = artifacts(&first).into_iter().map(|a| a.path).collect();
    assert!(paths.contains(&"azure-policy/templates/management-group-contoso-ai.json".to_owned()));
    assert!(paths.contains(&"azure-policy/templates/subscription-sub-a.json".to_owned()));
    assert!(!paths.contains(&"azure-policy/template.json".to_owned()));
}
