//! Reading what is deployed, and applying a plan: the IO half of publishing.

use crate::arm::{ArmClient, AzureError};
use crate::model::{id_key, parse_policy_id, ApiVersions, DeployedObject, Kind};
use crate::normalize::{get_ci, normalize, SCOPES_KEY};
use crate::plan::{owner_of, references, Method, Operation};
use serde_json::Value;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// Lists every policy object at exactly each scope (`$filter=atExactScope()`, all pages),
/// then at the scopes this project's own objects remember (`metadata.charterScopes`), until no
/// new scope turns up. Returns the objects and the scopes read, sorted.
pub fn read_state(
    client: &ArmClient,
    api: &ApiVersions,
    scopes: &BTreeSet<String>,
    owner_id: &str,
) -> Result<(Vec<DeployedObject>, Vec<String>), AzureError> {
    let mut read: BTreeSet<String> = BTreeSet::new();
    let mut shown: Vec<String> = Vec::new();
    let mut pending: Vec<String> = scopes.iter().cloned().collect();
    let mut objects: Vec<DeployedObject> = Vec::new();
    while let Some(scope) = pending.pop() {
        if !read.insert(id_key(&scope)) {
            continue;
        }
        shown.push(scope.clone());
        for kind in Kind::ALL {
            if !kind.allowed_at(&scope) {
                continue;
            }
            let path = format!(
                "{}/providers/Microsoft.Authorization/{}",
                scope.trim_end_matches('/'),
                kind.segment()
            );
            let items = client.list(&path, api.for_kind(kind), &[("$filter", "atExactScope()")])?;
            for item in items {
                let Some(id) = item.get("id").and_then(Value::as_str).map(str::to_string) else {
                    continue;
                };
                // INVARIANT: only objects at exactly this scope count, whatever the server
                // returned (built-ins and inherited objects are never ours to manage).
                match parse_policy_id(&id) {
                    Some(parsed)
                        if parsed.kind == kind && id_key(&parsed.scope) == id_key(&scope) => {}
                    _ => continue,
                }
                if owner_of(&item).is_some_and(|o| o.eq_ignore_ascii_case(owner_id)) {
                    for remembered in remembered_scopes(&item) {
                        if !read.contains(&id_key(&remembered)) {
                            pending.push(remembered);
                        }
                    }
                }
                if !objects.iter().any(|o| id_key(&o.id) == id_key(&id)) {
                    objects.push(DeployedObject {
                        kind,
                        id,
                        body: item,
                    });
                }
            }
        }
    }
    objects.sort_by_key(|o| (o.kind, id_key(&o.id)));
    shown.sort_by_key(|s| id_key(s));
    Ok((objects, shown))
}

fn remembered_scopes(body: &Value) -> Vec<String> {
    get_ci(body, "properties")
        .and_then(|p| get_ci(p, "metadata"))
        .and_then(|m| get_ci(m, SCOPES_KEY))
        .and_then(Value::as_array)
        .map(|scopes| {
            scopes
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// What happens during an apply, for progress and logs.
#[derive(Debug, Clone, PartialEq)]
pub enum ApplyEvent<'a> {
    /// Operation `index` (0-based) of `total` is about to be sent.
    Started {
        index: usize,
        total: usize,
        operation: &'a Operation,
    },
    /// It succeeded.
    Finished {
        index: usize,
        total: usize,
        operation: &'a Operation,
        elapsed: Duration,
    },
    /// Waiting for Azure to show what was written (read-after-write is not guaranteed).
    Verifying { pending: usize },
}

/// An apply that stopped: the error and how many operations had succeeded.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyFailure {
    pub error: AzureError,
    pub completed: usize,
    pub operation: Option<Box<Operation>>,
}

/// Whether `error` is Azure's answer while an object written moments ago (one of
/// `written_references`, ids this request references) has not reached every region yet: the
/// assignment (or initiative) "is out of scope … please allow up to 30 minutes", or the
/// referenced object, named in the message, "could not be found".
pub fn is_replication_lag(error: &AzureError, written_references: &[String]) -> bool {
    let AzureError::Arm {
        status: 400,
        code,
        message,
        ..
    } = error
    else {
        return false;
    };
    if written_references.is_empty() {
        return false;
    }
    let message = message.to_ascii_lowercase();
    match code.as_str() {
        "InvalidCreatePolicyAssignmentRequest" | "InvalidCreatePolicySetDefinitionRequest" => {
            message.contains("out of scope") || message.contains("only at or above")
        }
        "PolicyDefinitionNotFound" | "PolicySetDefinitionNotFound" | "PolicyAssignmentNotFound" => {
            written_references
                .iter()
                .any(|id| message.contains(&id_key(id)))
        }
        _ => false,
    }
}

/// Sends `operations` in order. A PUT that Azure refuses because an object written earlier in
/// this run has not replicated yet is retried with backoff within the client's retry budget.
/// Then waits until reads show every change (bounded by the same budget).
pub fn apply(
    client: &ArmClient,
    api: &ApiVersions,
    operations: &[Operation],
    progress: &mut dyn FnMut(ApplyEvent<'_>),
) -> Result<(), ApplyFailure> {
    let total = operations.len();
    let mut written: BTreeSet<String> = BTreeSet::new();
    for (index, operation) in operations.iter().enumerate() {
        progress(ApplyEvent::Started {
            index,
            total,
            operation,
        });
        let started = Instant::now();
        let version = api.for_kind(operation.kind);
        let fail = |error: AzureError| ApplyFailure {
            error,
            completed: index,
            operation: Some(Box::new(operation.clone())),
        };
        match operation.method {
            Method::Delete => client.delete(&operation.id, version).map_err(fail)?,
            Method::Put => {
                let body = operation.body.clone().unwrap_or(Value::Null);
                let written_references: Vec<String> = operation
                    .body
                    .as_ref()
                    .map(|b| references(operation.kind, b))
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|r| written.contains(&id_key(r)))
                    .collect();
                let mut attempt = 0;
                loop {
                    match client.put(&operation.id, version, &body) {
                        Ok(_) => break,
                        Err(error) if is_replication_lag(&error, &written_references) => {
                            let wait = client.retry_policy().backoff(attempt);
                            if started.elapsed() + wait > client.retry_policy().budget {
                                return Err(fail(AzureError::GaveUp {
                                    method: "PUT".into(),
                                    path: operation.id.clone(),
                                    last: error.to_string(),
                                    waited: started.elapsed(),
                                }));
                            }
                            client.say(&format!(
                                "{} `{}` references an object created moments ago that Azure has \
                                 not replicated yet; retrying in {}s",
                                operation.kind.label(),
                                name_of(&operation.id),
                                wait.as_secs()
                            ));
                            std::thread::sleep(wait);
                            attempt += 1;
                        }
                        Err(error) => return Err(fail(error)),
                    }
                }
                written.insert(id_key(&operation.id));
            }
        }
        progress(ApplyEvent::Finished {
            index,
            total,
            operation,
            elapsed: started.elapsed(),
        });
    }
    verify(client, api, operations, progress).map_err(|error| ApplyFailure {
        error,
        completed: total,
        operation: None,
    })
}

/// Polls until every written object reads back as written and every deleted one is gone.
fn verify(
    client: &ArmClient,
    api: &ApiVersions,
    operations: &[Operation],
    progress: &mut dyn FnMut(ApplyEvent<'_>),
) -> Result<(), AzureError> {
    // The last operation on an id decides what it should look like.
    let mut last: Vec<&Operation> = Vec::new();
    for operation in operations.iter().rev() {
        if !last.iter().any(|o| id_key(&o.id) == id_key(&operation.id)) {
            last.push(operation);
        }
    }
    let started = Instant::now();
    let mut attempt = 0;
    loop {
        let mut pending = 0;
        for operation in &last {
            let read = client.get(&operation.id, api.for_kind(operation.kind))?;
            let done = match (operation.method, read, &operation.body) {
                (Method::Delete, None, _) => true,
                (Method::Put, Some(found), Some(body)) => {
                    normalize(operation.kind, &found) == normalize(operation.kind, body)
                }
                _ => false,
            };
            if !done {
                pending += 1;
            }
        }
        if pending == 0 {
            return Ok(());
        }
        progress(ApplyEvent::Verifying { pending });
        let wait = client.retry_policy().backoff(attempt);
        if started.elapsed() + wait > client.retry_policy().budget {
            return Err(AzureError::GaveUp {
                method: "GET".into(),
                path: format!("{pending} objects"),
                last: "reads do not show the changes yet".into(),
                waited: started.elapsed(),
            });
        }
        std::thread::sleep(wait);
        attempt += 1;
    }
}

/// The last segment of an id.
pub fn name_of(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(code: &str, message: &str) -> AzureError {
        AzureError::Arm {
            method: "PUT".into(),
            path: "/x".into(),
            status: 400,
            code: code.into(),
            message: message.into(),
        }
    }

    #[test]
    fn replication_lag_needs_a_reference_written_in_this_run() {
        let lag = error(
            "InvalidCreatePolicyAssignmentRequest",
            "The policy definition specified in policy assignment 'a' is out of scope.",
        );
        let written = vec!["/providers/Microsoft.Management/managementGroups/m/providers/Microsoft.Authorization/policySetDefinitions/s".to_string()];
        assert!(is_replication_lag(&lag, &written));
        assert!(!is_replication_lag(&lag, &[]));
        let missing_builtin = error(
            "PolicyDefinitionNotFound",
            "The policy definition '/providers/Microsoft.Authorization/policyDefinitions/af253d37' could not be found.",
        );
        assert!(!is_replication_lag(&missing_builtin, &written));
        let missing_new = error(
            "PolicySetDefinitionNotFound",
            "The policy set definition '/providers/Microsoft.Management/managementGroups/m/providers/Microsoft.Authorization/policySetDefinitions/s' could not be found.",
        );
        assert!(is_replication_lag(&missing_new, &written));
    }
}
