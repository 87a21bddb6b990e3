//! Built-in Azure Policy definitions bundled with the evaluator, so that initiatives which
//! reference them (rather than re-creating them) can be tested offline too.
//!
//! The files are verbatim copies of Azure's published built-ins
//! (<https://github.com/Azure/azure-policy>, `built-in-policies/` at release 3.2026.0417.1, and
//! the diagnostic-logs audit 1b4d1c4e at commit 2528349; docs/azure-policy.md, "Built-ins"). References to other built-ins are reported as skipped
//! by the runner.

use serde_json::Value;

const FILES: [(&str, &str); 8] = [
    (
        "builtins/AzureAiServices__DiagnosticLogs_Audit.json",
        include_str!("../builtins/AzureAiServices__DiagnosticLogs_Audit.json"),
    ),
    (
        "builtins/AzureAiServices__DisableLocalAuth_Audit.json",
        include_str!("../builtins/AzureAiServices__DisableLocalAuth_Audit.json"),
    ),
    (
        "builtins/CognitiveServices__AllowDeployRegistryModels_Audit.json",
        include_str!("../builtins/CognitiveServices__AllowDeployRegistryModels_Audit.json"),
    ),
    (
        "builtins/CognitiveServices__AllowDeploymentMultiSeverityControl_Audit.json",
        include_str!(
            "../builtins/CognitiveServices__AllowDeploymentMultiSeverityControl_Audit.json"
        ),
    ),
    (
        "builtins/CognitiveServices__AllowDeploymentPromptControl_Audit.json",
        include_str!("../builtins/CognitiveServices__AllowDeploymentPromptControl_Audit.json"),
    ),
    (
        "builtins/CognitiveServices__DisableLocalAuth_Modify.json",
        include_str!("../builtins/CognitiveServices__DisableLocalAuth_Modify.json"),
    ),
    (
        "builtins/CognitiveServices__policySet__AllowDeploymentControl_Audit.json",
        include_str!("../builtins/CognitiveServices__policySet__AllowDeploymentControl_Audit.json"),
    ),
    (
        "builtins/General__AllowedLocations_Deny.json",
        include_str!("../builtins/General__AllowedLocations_Deny.json"),
    ),
];

/// The bundled built-in definitions and initiatives, as `(path, resource)` pairs in the same
/// shape [`crate::run_suite`] takes for a project's artifacts; parsed once per process (every
/// check runs the self-compliance proof, which needs them twice).
pub fn builtin_definitions() -> &'static [(String, Value)] {
    static PARSED: std::sync::OnceLock<Vec<(String, Value)>> = std::sync::OnceLock::new();
    PARSED.get_or_init(|| {
        FILES
            .iter()
            .filter_map(|(path, text)| {
                // INVARIANT: the files are fixed and a unit test parses every one of them.
                serde_json::from_str(text)
                    .ok()
                    .map(|value| (path.to_string(), value))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_file_parses_and_has_a_guid_name() {
        let definitions = builtin_definitions();
        assert_eq!(definitions.len(), FILES.len());
        for (path, value) in definitions {
            let name = value["name"].as_str().unwrap_or_default();
            assert_eq!(name.len(), 36, "{path} has a GUID name");
        }
    }
}
