//! What each rule group compiles to, one document per fixture: `----- SOURCE` (the fixture),
//! then each REST body under its artifact path.
//!
//! The ARM templates carry the same resources as the REST bodies: they are shown for the
//! `scopes` fixture only, whose point is their layout (one template per place that stores
//! definitions, a nested deployment per other scope), and every fixture's are checked by the
//! independent checker ([`crate::checker`]). The owner-tag definition, which every policy
//! uses, is shown with the `ownership` fixture only.

use charter_azure_policy::artifacts;
use charter_governance::{governance, names, DefinitionRef};
use charter_test_support::lower;

/// The definition every policy uses (its `owner_tag` has a default).
const OWNER_TAG_DEFINITION: &str = "azure-policy/definitions/charter-owner-tag.json";

pub fn is_template(path: &str) -> bool {
    path == "azure-policy/template.json" || path.starts_with("azure-policy/templates/")
}

fn shown(fixture: &str, path: &str) -> bool {
    if is_template(path) {
        return fixture == "scopes";
    }
    path != OWNER_TAG_DEFINITION || fixture == "ownership"
}

#[test]
fn every_rule_group() {
    let fixtures = crate::fixtures();
    assert!(fixtures.len() >= 7, "a fixture per rule group");
    for fixture in fixtures {
        let mut document = format!("----- SOURCE\n{}", fixture.text);
        for artifact in artifacts(&fixture.lower()) {
            if shown(&fixture.name, &artifact.path) {
                document.push_str(&format!("\n----- {}\n{}", artifact.path, artifact.contents));
            }
        }
        insta::with_settings!({ prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(fixture.name, document);
        });
    }
}

#[test]
fn output_is_byte_identical_across_runs() {
    for (name, project) in crate::projects() {
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
    let source = r#"
policy a_policy_with_a_very_long_name_that_does_not_fit_in_azure {
  scope: [management_group("contoso-ai"), subscription("00000000-0000-0000-0000-000000000001")]
  definitions_at: management_group("contoso-ai")
  effect: deny
  regions: ["eastus2"]
}
"#;
    let governance = governance(&lower(source));
    let management_group = &governance.assignments[0];
    assert!(management_group.name.len() <= names::MAX_MANAGEMENT_GROUP_ASSIGNMENT_NAME);
    assert_ne!(management_group.name, governance.assignments[1].name);
    assert!(governance.sets[0].name.len() <= names::MAX_NAME);
    // The same input gives the same names.
    assert_eq!(governance, charter_governance::governance(&lower(source)));
}

#[test]
fn definitions_are_shared_between_policies() {
    let project = lower(
        r#"
policy regions {
  scope: management_group("contoso-ai")
  effect: audit
  regions: ["swedencentral", "eastus2"]
}

policy other {
  scope: subscription("sub-a")
  effect: deny
  regions: ["westeurope"]
}
"#,
    );
    let governance = governance(&project);
    let region_definitions: Vec<&str> = governance
        .definitions
        .iter()
        .map(|d| d.name.as_str())
        .filter(|name| name.contains("region"))
        .collect();
    assert_eq!(
        region_definitions,
        [
            "charter-allowed-account-regions",
            "charter-ml-allowed-regions"
        ],
        "one generic definition per resource kind (AI accounts, Machine Learning endpoints)"
    );
    assert_eq!(governance.sets.len(), 2);
    for set in &governance.sets {
        let regions: Vec<_> = set
            .references
            .iter()
            .filter(|r| r.group_names.iter().any(|group| group == "regions"))
            .collect();
        assert!(!regions.is_empty(), "{}", set.name);
        assert!(regions.iter().all(|r| [
            DefinitionRef::Custom("charter-allowed-account-regions".to_owned()),
            DefinitionRef::Custom("charter-ml-allowed-regions".to_owned())
        ]
        .contains(&r.definition)));
    }
    // Two initiative locations (a management group and a subscription): one template each.
    let paths: Vec<_> = artifacts(&project).into_iter().map(|a| a.path).collect();
    assert!(paths.contains(&"azure-policy/templates/management-group-contoso-ai.json".to_owned()));
    assert!(paths.contains(&"azure-policy/templates/subscription-sub-a.json".to_owned()));
    assert!(!paths.contains(&"azure-policy/template.json".to_owned()));
}
