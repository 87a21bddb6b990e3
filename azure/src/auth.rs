//! Credentials for Azure Resource Manager, through the official Azure SDK for Rust
//! (`azure_identity`): client secrets and workload identity federation in CI, managed identity
//! on Azure-hosted agents, and the Azure CLI's login on a workstation.
//!
//! One thing is done by hand: `azure_identity` 1.0 refuses an authority host that is not
//! `https://` ("authority host doesn't use HTTPS scheme", `get_authority_host` in its
//! `lib.rs`). Local emulators and test doubles serve the Entra ID token endpoint over plain
//! HTTP on a loopback address, so for an `http://` authority host on a loopback address (and
//! only there) Charter sends the client-credentials request itself ([`LoopbackCredential`]),
//! with the same form fields the SDK sends.

use crate::arm::{is_loopback, AzureError};
use async_trait::async_trait;
use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use azure_core::http::{
    ClientMethodOptions, ClientOptions, HttpClient, Method, Request, StatusCode, Url,
};
use azure_core::time::{Duration, OffsetDateTime};
use azure_identity::{
    AzureCliCredential, AzurePipelinesCredential, AzurePipelinesCredentialOptions, ClientAssertion,
    ClientAssertionCredential, ClientAssertionCredentialOptions, ClientSecretCredential,
    ClientSecretCredentialOptions, ManagedIdentityCredential, ManagedIdentityCredentialOptions,
    UserAssignedId, WorkloadIdentityCredential, WorkloadIdentityCredentialOptions,
};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The audience GitHub Actions and Azure Pipelines put in a federated token for Entra ID.
pub const FEDERATION_AUDIENCE: &str = "api://AzureADTokenExchange";

/// How to sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// The first that applies: a client secret, a federated token file, GitHub Actions OIDC,
    /// Azure Pipelines OIDC, a managed identity endpoint, then the Azure CLI.
    Auto,
    ClientSecret,
    WorkloadIdentity,
    GithubActions,
    AzurePipelines,
    ManagedIdentity,
    AzureCli,
}

impl AuthMethod {
    /// The names accepted by `--auth`.
    pub const NAMES: [&'static str; 7] = [
        "auto",
        "client-secret",
        "workload-identity",
        "github-actions",
        "azure-pipelines",
        "managed-identity",
        "azure-cli",
    ];

    /// The method named `name` (one of [`AuthMethod::NAMES`]).
    pub fn parse(name: &str) -> Option<AuthMethod> {
        Some(match name {
            "auto" => AuthMethod::Auto,
            "client-secret" => AuthMethod::ClientSecret,
            "workload-identity" => AuthMethod::WorkloadIdentity,
            "github-actions" => AuthMethod::GithubActions,
            "azure-pipelines" => AuthMethod::AzurePipelines,
            "managed-identity" => AuthMethod::ManagedIdentity,
            "azure-cli" => AuthMethod::AzureCli,
            _ => return None,
        })
    }
}

/// What the environment says about credentials (read by the CLI, passed in here).
#[derive(Debug, Clone, Default)]
pub struct AuthSettings {
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// `AZURE_AUTHORITY_HOST`: the Entra ID host (sovereign clouds, emulators).
    pub authority_host: Option<String>,
    /// `AZURE_FEDERATED_TOKEN_FILE` (Kubernetes workload identity and other OIDC issuers).
    pub federated_token_file: Option<String>,
    /// `ACTIONS_ID_TOKEN_REQUEST_URL` and `ACTIONS_ID_TOKEN_REQUEST_TOKEN` (GitHub Actions with
    /// `permissions: id-token: write`).
    pub github_request_url: Option<String>,
    pub github_request_token: Option<String>,
    /// `AZURESUBSCRIPTION_SERVICE_CONNECTION_ID` and `SYSTEM_ACCESSTOKEN` (Azure Pipelines;
    /// the SDK reads `SYSTEM_OIDCREQUESTURI` itself).
    pub pipelines_service_connection_id: Option<String>,
    pub pipelines_access_token: Option<String>,
    /// `IDENTITY_ENDPOINT` or `MSI_ENDPOINT`: a managed identity is offered (App Service,
    /// Functions, Arc).
    pub managed_identity_endpoint: bool,
}

impl AuthSettings {
    /// Reads the standard variables through `var`.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> AuthSettings {
        let get = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        AuthSettings {
            tenant_id: get("AZURE_TENANT_ID").or_else(|| get("AZURESUBSCRIPTION_TENANT_ID")),
            client_id: get("AZURE_CLIENT_ID").or_else(|| get("AZURESUBSCRIPTION_CLIENT_ID")),
            client_secret: get("AZURE_CLIENT_SECRET"),
            authority_host: get("AZURE_AUTHORITY_HOST"),
            federated_token_file: get("AZURE_FEDERATED_TOKEN_FILE"),
            github_request_url: get("ACTIONS_ID_TOKEN_REQUEST_URL"),
            github_request_token: get("ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
            pipelines_service_connection_id: get("AZURESUBSCRIPTION_SERVICE_CONNECTION_ID"),
            pipelines_access_token: get("SYSTEM_ACCESSTOKEN"),
            managed_identity_endpoint: get("IDENTITY_ENDPOINT").is_some()
                || get("MSI_ENDPOINT").is_some(),
        }
    }

    /// The method `Auto` picks.
    pub fn detect(&self) -> AuthMethod {
        if self.client_secret.is_some() {
            AuthMethod::ClientSecret
        } else if self.federated_token_file.is_some() {
            AuthMethod::WorkloadIdentity
        } else if self.github_request_url.is_some() && self.github_request_token.is_some() {
            AuthMethod::GithubActions
        } else if self.pipelines_service_connection_id.is_some() {
            AuthMethod::AzurePipelines
        } else if self.managed_identity_endpoint {
            AuthMethod::ManagedIdentity
        } else {
            AuthMethod::AzureCli
        }
    }
}

/// A credential and the words that say which one it is ("client secret of app …").
pub struct Credential {
    pub token: Arc<dyn TokenCredential>,
    pub description: String,
}

fn require<'a>(
    value: &'a Option<String>,
    variable: &str,
    method: &str,
) -> Result<&'a str, AzureError> {
    value.as_deref().ok_or_else(|| {
        AzureError::Config(format!(
            "{method} needs `{variable}`: set it in the environment (see docs/publishing.md)"
        ))
    })
}

/// The authority host, checked: `https://`, or `http://` on a loopback address.
fn authority(settings: &AuthSettings) -> Result<Option<Url>, AzureError> {
    let Some(host) = &settings.authority_host else {
        return Ok(None);
    };
    let url = Url::parse(host).map_err(|error| {
        AzureError::Config(format!(
            "AZURE_AUTHORITY_HOST `{host}` is not a URL: {error}"
        ))
    })?;
    match url.scheme() {
        "https" => Ok(Some(url)),
        "http" if is_loopback(&url) => Ok(Some(url)),
        _ => Err(AzureError::Config(format!(
            "AZURE_AUTHORITY_HOST `{host}` must use https:// (plain http:// is accepted only for \
             a loopback address such as 127.0.0.1, for local emulators)"
        ))),
    }
}

fn client_options(authority: &Option<Url>) -> ClientOptions {
    let mut options = ClientOptions::default();
    if let Some(url) = authority {
        let mut custom = azure_core::cloud::CustomConfiguration::default();
        custom.authority_host = url.as_str().trim_end_matches('/').to_string();
        options.cloud = Some(Arc::new(custom.into()));
    }
    options
}

/// The credential `method` names (or that `Auto` detects), from `settings`.
pub fn credential(
    method: AuthMethod,
    settings: &AuthSettings,
    http: Arc<dyn HttpClient>,
) -> Result<Credential, AzureError> {
    let method = if method == AuthMethod::Auto {
        settings.detect()
    } else {
        method
    };
    let authority = authority(settings)?;
    let loopback_http = authority.as_ref().is_some_and(|u| u.scheme() == "http");
    let sdk = |error: azure_core::Error| AzureError::Auth(error.to_string());
    match method {
        AuthMethod::Auto | AuthMethod::ClientSecret => {
            let tenant = require(&settings.tenant_id, "AZURE_TENANT_ID", "a client secret")?;
            let client = require(&settings.client_id, "AZURE_CLIENT_ID", "a client secret")?;
            let secret = require(
                &settings.client_secret,
                "AZURE_CLIENT_SECRET",
                "a client secret",
            )?;
            let description = format!("client secret of app `{client}` in tenant `{tenant}`");
            let token: Arc<dyn TokenCredential> = match (&authority, loopback_http) {
                (Some(url), true) => Arc::new(LoopbackCredential::new(
                    url.clone(),
                    tenant,
                    client,
                    Proof::Secret(secret.to_string()),
                    http,
                )),
                _ => ClientSecretCredential::new(
                    tenant,
                    client.to_string(),
                    Secret::new(secret.to_string()),
                    Some(ClientSecretCredentialOptions {
                        client_options: client_options(&authority),
                    }),
                )
                .map_err(sdk)?,
            };
            Ok(Credential { token, description })
        }
        AuthMethod::WorkloadIdentity => {
            let tenant = require(&settings.tenant_id, "AZURE_TENANT_ID", "workload identity")?;
            let client = require(&settings.client_id, "AZURE_CLIENT_ID", "workload identity")?;
            let file = require(
                &settings.federated_token_file,
                "AZURE_FEDERATED_TOKEN_FILE",
                "workload identity",
            )?;
            let description =
                format!("federated token file `{file}` for app `{client}` in tenant `{tenant}`");
            let token: Arc<dyn TokenCredential> = match (&authority, loopback_http) {
                (Some(url), true) => Arc::new(LoopbackCredential::new(
                    url.clone(),
                    tenant,
                    client,
                    Proof::Assertion(Arc::new(TokenFile(PathBuf::from(file)))),
                    http,
                )),
                _ => WorkloadIdentityCredential::new(Some(WorkloadIdentityCredentialOptions {
                    credential_options: ClientAssertionCredentialOptions {
                        client_options: client_options(&authority),
                    },
                    client_id: Some(client.to_string()),
                    tenant_id: Some(tenant.to_string()),
                    token_file_path: Some(PathBuf::from(file)),
                }))
                .map_err(sdk)?,
            };
            Ok(Credential { token, description })
        }
        AuthMethod::GithubActions => {
            let tenant = require(
                &settings.tenant_id,
                "AZURE_TENANT_ID",
                "GitHub Actions OIDC",
            )?;
            let client = require(
                &settings.client_id,
                "AZURE_CLIENT_ID",
                "GitHub Actions OIDC",
            )?;
            let url = require(
                &settings.github_request_url,
                "ACTIONS_ID_TOKEN_REQUEST_URL (give the job `permissions: id-token: write`)",
                "GitHub Actions OIDC",
            )?;
            let request_token = require(
                &settings.github_request_token,
                "ACTIONS_ID_TOKEN_REQUEST_TOKEN (give the job `permissions: id-token: write`)",
                "GitHub Actions OIDC",
            )?;
            let assertion = GithubActionsAssertion {
                request_url: url.to_string(),
                request_token: request_token.to_string(),
                http: http.clone(),
            };
            let description =
                format!("GitHub Actions OIDC token for app `{client}` in tenant `{tenant}`");
            let token: Arc<dyn TokenCredential> = match (&authority, loopback_http) {
                (Some(url), true) => Arc::new(LoopbackCredential::new(
                    url.clone(),
                    tenant,
                    client,
                    Proof::Assertion(Arc::new(assertion)),
                    http,
                )),
                _ => ClientAssertionCredential::new(
                    tenant.to_string(),
                    client.to_string(),
                    assertion,
                    Some(ClientAssertionCredentialOptions {
                        client_options: client_options(&authority),
                    }),
                )
                .map_err(sdk)?,
            };
            Ok(Credential { token, description })
        }
        AuthMethod::AzurePipelines => {
            let tenant = require(
                &settings.tenant_id,
                "AZURE_TENANT_ID",
                "Azure Pipelines OIDC",
            )?;
            let client = require(
                &settings.client_id,
                "AZURE_CLIENT_ID",
                "Azure Pipelines OIDC",
            )?;
            let connection = require(
                &settings.pipelines_service_connection_id,
                "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID",
                "Azure Pipelines OIDC",
            )?;
            let access = require(
                &settings.pipelines_access_token,
                "SYSTEM_ACCESSTOKEN (map it into the step's env)",
                "Azure Pipelines OIDC",
            )?;
            let token = AzurePipelinesCredential::new(
                tenant.to_string(),
                client.to_string(),
                connection,
                Secret::new(access.to_string()),
                Some(AzurePipelinesCredentialOptions {
                    credential_options: ClientAssertionCredentialOptions {
                        client_options: client_options(&authority),
                    },
                }),
            )
            .map_err(sdk)?;
            Ok(Credential {
                token,
                description: format!(
                    "Azure Pipelines service connection `{connection}` (app `{client}`)"
                ),
            })
        }
        AuthMethod::ManagedIdentity => {
            let user_assigned = settings.client_id.clone().map(UserAssignedId::ClientId);
            let description = match &settings.client_id {
                Some(id) => format!("user-assigned managed identity `{id}`"),
                None => "system-assigned managed identity".to_string(),
            };
            let token = ManagedIdentityCredential::new(Some(ManagedIdentityCredentialOptions {
                user_assigned_id: user_assigned,
                client_options: ClientOptions::default(),
            }))
            .map_err(sdk)?;
            Ok(Credential { token, description })
        }
        AuthMethod::AzureCli => {
            let token = AzureCliCredential::new(None).map_err(sdk)?;
            Ok(Credential {
                token,
                description: "the Azure CLI's login (`az login`)".to_string(),
            })
        }
    }
}

/// A source of federated tokens (client assertions).
#[async_trait]
trait AssertionSource: Send + Sync + std::fmt::Debug {
    async fn assertion(&self) -> azure_core::Result<String>;
}

/// A federated token read from a file on every request (Kubernetes rotates it).
#[derive(Debug)]
struct TokenFile(PathBuf);

#[async_trait]
impl AssertionSource for TokenFile {
    async fn assertion(&self) -> azure_core::Result<String> {
        std::fs::read_to_string(&self.0)
            .map(|text| text.trim().to_string())
            .map_err(|error| {
                azure_core::Error::with_message(
                    azure_core::error::ErrorKind::Credential,
                    format!(
                        "cannot read the federated token file `{}`: {error}",
                        self.0.display()
                    ),
                )
            })
    }
}

/// GitHub Actions' OIDC token for Entra ID: `GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=…`
/// with `$ACTIONS_ID_TOKEN_REQUEST_TOKEN` as the bearer; the answer is `{"value": jwt}`.
/// `azure_identity` has no GitHub credential, so this feeds its `ClientAssertionCredential`.
#[derive(Debug)]
struct GithubActionsAssertion {
    request_url: String,
    request_token: String,
    http: Arc<dyn HttpClient>,
}

#[async_trait]
impl AssertionSource for GithubActionsAssertion {
    async fn assertion(&self) -> azure_core::Result<String> {
        let separator = if self.request_url.contains('?') {
            '&'
        } else {
            '?'
        };
        let url = Url::parse(&format!(
            "{}{separator}audience={FEDERATION_AUDIENCE}",
            self.request_url
        ))?;
        let mut request = Request::new(url, Method::Get);
        request.insert_header("authorization", format!("Bearer {}", self.request_token));
        request.insert_header("accept", "application/json");
        let response = self
            .http
            .execute_request(&request)
            .await?
            .try_into_raw_response()
            .await?;
        let status = response.status();
        let body: serde_json::Value =
            serde_json::from_slice(response.body().as_ref()).unwrap_or_default();
        match body.get("value").and_then(serde_json::Value::as_str) {
            Some(token) if status == StatusCode::Ok => Ok(token.to_string()),
            _ => Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Credential,
                format!("GitHub Actions did not issue an OIDC token (HTTP {status}); give the job `permissions: id-token: write`"),
            )),
        }
    }
}

#[async_trait]
impl ClientAssertion for GithubActionsAssertion {
    async fn secret(&self, _: Option<ClientMethodOptions<'_>>) -> azure_core::Result<String> {
        self.assertion().await
    }
}

/// What proves the app's identity to the token endpoint.
enum Proof {
    Secret(String),
    Assertion(Arc<dyn AssertionSource>),
}

/// The client-credentials grant against an `http://` loopback authority host, which
/// `azure_identity` refuses (see the module docs). Tokens are cached until five minutes
/// before they expire.
pub struct LoopbackCredential {
    endpoint: Url,
    client_id: String,
    proof: Proof,
    http: Arc<dyn HttpClient>,
    cache: Mutex<Option<AccessToken>>,
}

impl std::fmt::Debug for LoopbackCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoopbackCredential")
            .field("endpoint", &self.endpoint.as_str())
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl LoopbackCredential {
    fn new(
        authority: Url,
        tenant: &str,
        client: &str,
        proof: Proof,
        http: Arc<dyn HttpClient>,
    ) -> Self {
        let base = authority.as_str().trim_end_matches('/').to_string();
        let endpoint =
            Url::parse(&format!("{base}/{tenant}/oauth2/v2.0/token")).unwrap_or(authority);
        LoopbackCredential {
            endpoint,
            client_id: client.to_string(),
            proof,
            http,
            cache: Mutex::new(None),
        }
    }
}

#[async_trait]
impl TokenCredential for LoopbackCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        _: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        if let Ok(cache) = self.cache.lock() {
            if let Some(token) = cache.as_ref() {
                if token.expires_on > OffsetDateTime::now_utc() + Duration::minutes(5) {
                    return Ok(token.clone());
                }
            }
        }
        let mut form = url_form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &self.client_id),
            ("scope", &scopes.join(" ")),
        ]);
        match &self.proof {
            Proof::Secret(secret) => {
                form.push_str(&format!("&{}", url_form(&[("client_secret", secret)])))
            }
            Proof::Assertion(source) => {
                let assertion = source.assertion().await?;
                form.push_str(&format!(
                    "&{}",
                    url_form(&[
                        (
                            "client_assertion_type",
                            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                        ),
                        ("client_assertion", &assertion),
                    ])
                ));
            }
        }
        let mut request = Request::new(self.endpoint.clone(), Method::Post);
        request.insert_header("content-type", "application/x-www-form-urlencoded");
        request.insert_header("accept", "application/json");
        request.set_body(form);
        let response = self
            .http
            .execute_request(&request)
            .await?
            .try_into_raw_response()
            .await?;
        let status = response.status();
        let body: serde_json::Value =
            serde_json::from_slice(response.body().as_ref()).unwrap_or_default();
        if status != StatusCode::Ok {
            let description = body
                .get("error_description")
                .and_then(serde_json::Value::as_str)
                .and_then(|d| d.lines().next())
                .unwrap_or("no description")
                .to_string();
            return Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Credential,
                format!(
                    "the token endpoint `{}` answered HTTP {status}: {description}",
                    self.endpoint
                ),
            ));
        }
        let token = body
            .get("access_token")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| {
                azure_core::Error::with_message(
                    azure_core::error::ErrorKind::Credential,
                    "the token endpoint's answer has no access_token",
                )
            })?;
        let lifetime = body
            .get("expires_in")
            .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()))
            .unwrap_or(3599);
        let token = AccessToken::new(
            token.to_string(),
            OffsetDateTime::now_utc() + Duration::seconds(lifetime),
        );
        if let Ok(mut cache) = self.cache.lock() {
            *cache = Some(token.clone());
        }
        Ok(token)
    }
}

/// `application/x-www-form-urlencoded` pairs.
fn url_form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_detection_follows_the_documented_order() {
        let mut settings = AuthSettings::default();
        assert_eq!(settings.detect(), AuthMethod::AzureCli);
        settings.managed_identity_endpoint = true;
        assert_eq!(settings.detect(), AuthMethod::ManagedIdentity);
        settings.github_request_url = Some("u".into());
        settings.github_request_token = Some("t".into());
        assert_eq!(settings.detect(), AuthMethod::GithubActions);
        settings.federated_token_file = Some("f".into());
        assert_eq!(settings.detect(), AuthMethod::WorkloadIdentity);
        settings.client_secret = Some("s".into());
        assert_eq!(settings.detect(), AuthMethod::ClientSecret);
    }

    #[test]
    fn a_plain_http_authority_host_is_accepted_only_on_loopback() {
        let settings = |host: &str| AuthSettings {
            authority_host: Some(host.into()),
            ..AuthSettings::default()
        };
        assert!(authority(&settings("http://127.0.0.1:8080")).is_ok());
        assert!(authority(&settings("http://[::1]:8080")).is_ok());
        assert!(authority(&settings("http://localhost:8080")).is_ok());
        assert!(authority(&settings("https://login.microsoftonline.us")).is_ok());
        assert!(authority(&settings("http://login.example.com")).is_err());
    }

    #[test]
    fn forms_are_encoded() {
        assert_eq!(
            url_form(&[
                ("scope", "https://management.azure.com/.default"),
                ("a", "b c")
            ]),
            "scope=https%3A%2F%2Fmanagement.azure.com%2F.default&a=b%20c"
        );
    }
}
