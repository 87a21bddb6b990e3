//! What the initiative cannot check about agents and guardrails, in sentences for the build
//! output: Azure publishes no alias for it, so enforcement rests on the RAI policies Charter
//! deploys (which the self-compliance proof checks and `charter audit` can verify), and on
//! `charter check` (docs/azure-policy.md, "Agent guardrails").

use charter_ir::Project;

use crate::estate::Estate;

/// One sentence per thing the project asks for that no Azure Policy rule can check.
pub fn unchecked(project: &Project, estate: &Estate) -> Vec<String> {
    let mut notes = Vec::new();
    for policy in &project.policies {
        if policy.agent_sides.is_empty() {
            continue;
        }
        let sides: Vec<&str> = policy
            .agent_sides
            .iter()
            .map(|side| side.charter_name())
            .collect();
        notes.push(format!(
            "policy `{}` requires endpoints that serve agents to guard {}: no Azure Policy alias \
             says which content filters serve agents, so the initiative cannot check it; \
             `charter check` does, and the deployed content filters carry the controls",
            policy.name,
            sides.join(", ")
        ));
    }
    let mut providers: Vec<(&str, Vec<&str>)> = Vec::new();
    for account in &estate.accounts {
        let filter = project
            .workloads
            .iter()
            .filter(|w| w.name == account.workload)
            .flat_map(|w| &w.endpoints)
            .find(|e| e.name == account.endpoint)
            .map(|e| &e.filter);
        for used in filter.iter().flat_map(|f| &f.safety_providers) {
            match providers.iter_mut().find(|(name, _)| *name == used.name) {
                Some((_, accounts)) => {
                    if !accounts.contains(&account.name.as_str()) {
                        accounts.push(&account.name);
                    }
                }
                None => providers.push((&used.name, vec![&account.name])),
            }
        }
    }
    for (provider, accounts) in providers {
        notes.push(format!(
            "external safety provider `{provider}` must be registered in the subscription of {} \
             (Microsoft.CognitiveServices/raiExternalSafetyProviders, which Charter does not \
             create and no Azure Policy alias reads) before `terraform apply` reaches their \
             content filters",
            accounts.join(", ")
        ));
    }
    for guardrail in &estate.guardrails {
        notes.push(format!(
            "the guardrail `{}` of {} (Microsoft.CognitiveServices/raiPolicy) has no \
             Azure Policy aliases: the initiative does not check it; how Azure combines it with \
             each deployment's content filter is not documented",
            guardrail.name,
            guardrail.subscription.as_deref().map_or_else(
                || "the deployment's own subscription".to_string(),
                // By its name in the hierarchy, when the project declares one.
                |s| match project.hierarchy.subscription(s) {
                    Some(place) => format!("subscription `{}` ({s})", place.name),
                    None => format!("subscription `{s}`"),
                }
            )
        ));
    }
    notes
}
