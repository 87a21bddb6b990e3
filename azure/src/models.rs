//! The Cognitive Services models list: which model versions Azure offers in a location, with
//! their lifecycle status, retirement date and deployment SKUs, for `charter catalog pull`.
//!
//! `GET /subscriptions/{id}/providers/Microsoft.CognitiveServices/locations/{location}/models`
//! (REST reference "Models - List", Microsoft Learn; response shape as in the REST spec's
//! example `ListLocationModels.json` in Azure/azure-rest-api-specs). Each item is
//! `{kind, skuName, model: {format, name, version, lifecycleStatus, deprecation: {inference},
//! skus: [{name, deprecationDate}], capabilities}}`; an OpenAI model is listed once per account
//! kind that offers it (`OpenAI`, `AIServices`), so the items are merged per name and version.
//! Parsing is pure; [`list_models`] is the one request.

use charter_ir::Date;
use serde_json::Value;
use std::collections::BTreeMap;

use crate::arm::{ArmClient, AzureError};

/// The api-version of the models list (stable).
pub const MODELS_API_VERSION: &str = "2025-06-01";

/// Where a model version is in Azure's lifecycle, as the models list states it
/// (`lifecycleStatus`: the REST spec's `ModelLifecycleStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AzureLifecycle {
    Preview,
    GenerallyAvailable,
    /// `Deprecating`: closed to new deployments, retirement scheduled.
    Deprecating,
    /// `Deprecated`: retired.
    Deprecated,
}

impl AzureLifecycle {
    fn parse(text: &str) -> Option<AzureLifecycle> {
        match text.to_ascii_lowercase().as_str() {
            "preview" => Some(AzureLifecycle::Preview),
            "generallyavailable" | "stable" => Some(AzureLifecycle::GenerallyAvailable),
            "deprecating" => Some(AzureLifecycle::Deprecating),
            "deprecated" => Some(AzureLifecycle::Deprecated),
            _ => None,
        }
    }
}

/// One model version offered in a location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfferedVersion {
    pub name: String,
    pub version: String,
    pub format: Option<String>,
    pub publisher: Option<String>,
    pub lifecycle: Option<AzureLifecycle>,
    /// `deprecation.inference`: the day inference stops, i.e. the retirement date.
    pub retirement: Option<Date>,
    /// The deployment SKU names (`GlobalStandard`, `ProvisionedManaged`, ...), sorted.
    pub skus: Vec<String>,
    /// The capabilities Azure marks `true` (`chatCompletion`, `embeddings`, ...), sorted.
    pub capabilities: Vec<String>,
}

/// The path of the models list of `location`.
pub fn models_path(subscription: &str, location: &str) -> String {
    format!("/subscriptions/{subscription}/providers/Microsoft.CognitiveServices/locations/{location}/models")
}

/// The date part of an ARM timestamp (`2027-10-26T00:00:00Z`).
fn date_of(value: Option<&Value>) -> Option<Date> {
    let text = value?.as_str()?;
    Date::parse(text.get(..10)?).ok()
}

/// The items of a models list, merged per model name and version, sorted by both.
pub fn parse_models(items: &[Value]) -> Vec<OfferedVersion> {
    let mut merged: BTreeMap<(String, String), OfferedVersion> = BTreeMap::new();
    for item in items {
        let Some(model) = item.get("model") else {
            continue;
        };
        let text = |key: &str| model.get(key).and_then(Value::as_str).map(str::to_string);
        let (Some(name), Some(version)) = (text("name"), text("version")) else {
            continue;
        };
        let skus: Vec<String> = model
            .get("skus")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|sku| sku.get("name").and_then(Value::as_str).map(str::to_string))
            .collect();
        let capabilities: Vec<String> = model
            .get("capabilities")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(_, v)| v.as_str() == Some("true") || v.as_bool() == Some(true))
            .map(|(k, _)| k.clone())
            .collect();
        let retirement = date_of(model.pointer("/deprecation/inference")).or_else(|| {
            // Some answers carry only the SKUs' dates: the latest is the last day it serves.
            model
                .get("skus")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|sku| date_of(sku.get("deprecationDate")))
                .max()
        });
        let entry = merged
            .entry((name.clone(), version.clone()))
            .or_insert_with(|| OfferedVersion {
                name,
                version,
                format: text("format"),
                publisher: text("publisher"),
                lifecycle: text("lifecycleStatus")
                    .as_deref()
                    .and_then(AzureLifecycle::parse),
                retirement,
                skus: Vec::new(),
                capabilities: Vec::new(),
            });
        entry.skus.extend(skus);
        entry.skus.sort();
        entry.skus.dedup();
        entry.capabilities.extend(capabilities);
        entry.capabilities.sort();
        entry.capabilities.dedup();
    }
    merged.into_values().collect()
}

/// The model versions Azure offers in `location` (every page).
pub fn list_models(
    client: &ArmClient,
    subscription: &str,
    location: &str,
) -> Result<Vec<OfferedVersion>, AzureError> {
    let items = client.list(
        &models_path(subscription, location),
        MODELS_API_VERSION,
        &[],
    )?;
    Ok(parse_models(&items))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_merge_per_version_across_account_kinds() {
        let model = |kind: &str, sku: &str| {
            json!({"kind": kind, "skuName": "S0", "model": {
                "format": "OpenAI", "name": "gpt-4o", "version": "2024-08-06",
                "lifecycleStatus": "Deprecating",
                "deprecation": {"inference": "2026-03-01T00:00:00Z"},
                "capabilities": {"chatCompletion": "true", "embeddings": "false"},
                "skus": [{"name": sku, "deprecationDate": "2026-03-01T00:00:00Z"}]}})
        };
        let parsed = parse_models(&[
            model("OpenAI", "Standard"),
            model("AIServices", "GlobalStandard"),
            json!({"kind": "AIServices"}),
        ]);
        assert_eq!(parsed.len(), 1);
        let only = &parsed[0];
        assert_eq!(only.skus, ["GlobalStandard", "Standard"]);
        assert_eq!(only.capabilities, ["chatCompletion"]);
        assert_eq!(only.lifecycle, Some(AzureLifecycle::Deprecating));
        assert_eq!(only.retirement, Date::parse("2026-03-01").ok());
    }

    #[test]
    fn the_retirement_falls_back_to_the_skus_dates() {
        let parsed = parse_models(&[json!({"model": {"name": "m", "version": "1",
            "skus": [{"name": "Standard", "deprecationDate": "2027-01-02T00:00:00Z"},
                     {"name": "GlobalStandard", "deprecationDate": "2027-02-03T00:00:00Z"}]}})]);
        assert_eq!(parsed[0].retirement, Date::parse("2027-02-03").ok());
        assert_eq!(parsed[0].lifecycle, None);
    }
}
