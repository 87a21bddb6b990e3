//! A blocking Azure Resource Manager client: GET any path (lists follow `nextLink`), PUT and
//! DELETE, with a bearer token from a [`crate::auth::Credential`], retrying what ARM says is
//! transient: 429 (waiting as long as `Retry-After` asks), 5xx, and dropped connections,
//! within a time budget. Built on `azure_core`'s HTTP transport; `charter catalog pull` and
//! `charter audit --from-azure` are meant to reuse it.

use azure_core::credentials::TokenCredential;
use azure_core::http::{HttpClient, Method, Request, Url};
use serde_json::Value;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Azure Resource Manager in the public cloud.
pub const PUBLIC_ARM_ENDPOINT: &str = "https://management.azure.com";

/// Everything that can go wrong talking to Azure, worded for the person who reads it in CI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AzureError {
    /// A setting is missing or wrong (an endpoint, a variable).
    Config(String),
    /// No token could be had.
    Auth(String),
    /// ARM answered with an error.
    Arm {
        method: String,
        path: String,
        status: u16,
        code: String,
        message: String,
    },
    /// No answer, or half of one, even after retries.
    Transport {
        method: String,
        path: String,
        detail: String,
    },
    /// Retrying took longer than the budget allows.
    GaveUp {
        method: String,
        path: String,
        last: String,
        waited: Duration,
    },
}

impl AzureError {
    /// The ARM error code, when ARM answered.
    pub fn code(&self) -> Option<&str> {
        match self {
            AzureError::Arm { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The HTTP status, when ARM answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            AzureError::Arm { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl fmt::Display for AzureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AzureError::Config(message) => write!(f, "{message}"),
            AzureError::Auth(message) => write!(
                f,
                "could not sign in to Azure: {message}\n  help: check AZURE_TENANT_ID, \
                 AZURE_CLIENT_ID and the secret or federated credential; `--auth` chooses the \
                 method (see docs/publishing.md)"
            ),
            AzureError::Arm {
                method,
                path,
                status: 401,
                code,
                message,
            } => write!(
                f,
                "Azure rejected the access token for {method} {path} ({code}): {message}\n  \
                 help: the token must be for this cloud's Resource Manager and this tenant; check \
                 AZURE_TENANT_ID, AZURE_AUTHORITY_HOST and --arm-endpoint"
            ),
            AzureError::Arm {
                method,
                path,
                status: 403,
                code,
                message,
            } => write!(
                f,
                "Azure refused {method} {path} ({code}): {message}\n  help: `charter plan` needs \
                 read access (Reader) at every scope the project governs; `charter publish` \
                 needs Resource Policy Contributor or Owner there (Contributor cannot write \
                 policy objects), and creating an exemption also needs \
                 `Microsoft.Authorization/policyAssignments/exempt/action` on its assignment"
            ),
            AzureError::Arm {
                method,
                path,
                status,
                code,
                message,
            } => write!(
                f,
                "{method} {path} failed with HTTP {status} {code}: {message}"
            ),
            AzureError::Transport {
                method,
                path,
                detail,
            } => write!(f, "{method} {path}: no answer from Azure: {detail}"),
            AzureError::GaveUp {
                method,
                path,
                last,
                waited,
            } => write!(
                f,
                "{method} {path}: gave up after retrying for {}s; the last answer was: {last}\n  \
                 help: run the command again (publishing converges), or raise --retry-timeout",
                waited.as_secs()
            ),
        }
    }
}

impl std::error::Error for AzureError {}

/// How long and how often to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The longest one request is retried for, waits included.
    pub budget: Duration,
    /// The first wait when the answer names none.
    pub initial: Duration,
    /// The longest single wait.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            budget: Duration::from_secs(600),
            initial: Duration::from_secs(1),
            max_wait: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1` (exponential, capped).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.min(16));
        self.initial.saturating_mul(factor).min(self.max_wait)
    }
}

/// Whether `url` points at a loopback address (127.0.0.0/8, ::1, localhost).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Checks an ARM endpoint: `https://`, or `http://` on a loopback address only.
pub fn parse_endpoint(text: &str) -> Result<Url, AzureError> {
    let url = Url::parse(text.trim_end_matches('/')).map_err(|error| {
        AzureError::Config(format!("--arm-endpoint `{text}` is not a URL: {error}"))
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        _ => Err(AzureError::Config(format!(
            "--arm-endpoint `{text}` must use https:// (plain http:// is accepted only for a \
             loopback address such as 127.0.0.1, for local emulators)"
        ))),
    }
}

/// The token scope for an ARM endpoint: `<endpoint>/.default`, except that a loopback
/// emulator stands in for the public cloud's `https://management.azure.com/.default`.
pub fn token_scope(endpoint: &Url) -> String {
    if is_loopback(endpoint) {
        format!("{PUBLIC_ARM_ENDPOINT}/.default")
    } else {
        format!("{}/.default", endpoint.origin().ascii_serialization())
    }
}

/// One answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmResponse {
    pub status: u16,
    pub body: Value,
}

/// A blocking ARM client.
pub struct ArmClient {
    endpoint: Url,
    scope: String,
    credential: Arc<dyn TokenCredential>,
    http: Arc<dyn HttpClient>,
    runtime: tokio::runtime::Runtime,
    retry: RetryPolicy,
    notify: Arc<dyn Fn(&str) + Send + Sync>,
}

impl ArmClient {
    /// A client for `endpoint`, signing in with `credential`; `notify` hears about retries.
    pub fn new(
        endpoint: Url,
        credential: Arc<dyn TokenCredential>,
        http: Arc<dyn HttpClient>,
        retry: RetryPolicy,
        notify: Arc<dyn Fn(&str) + Send + Sync>,
    ) -> Result<ArmClient, AzureError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| {
                AzureError::Config(format!("cannot start the HTTP runtime: {error}"))
            })?;
        Ok(ArmClient {
            scope: token_scope(&endpoint),
            endpoint,
            credential,
            http,
            runtime,
            retry,
            notify,
        })
    }

    /// The transport every client shares (the SDK's default, reqwest with rustls).
    pub fn default_http() -> Arc<dyn HttpClient> {
        azure_core::http::new_http_client(None)
    }

    /// The endpoint this client talks to.
    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// Tells the listener something (a retry, a wait).
    pub fn say(&self, message: &str) {
        (self.notify)(message)
    }

    /// Gets a token now, so that a bad credential fails before anything else.
    pub fn sign_in(&self) -> Result<(), AzureError> {
        self.token().map(|_| ())
    }

    fn token(&self) -> Result<String, AzureError> {
        let scope = self.scope.as_str();
        self.runtime
            .block_on(self.credential.get_token(&[scope], None))
            .map(|token| token.token.secret().to_string())
            .map_err(|error| AzureError::Auth(first_lines(&error.to_string())))
    }

    /// GET `path` (an ARM path such as `/subscriptions/…`); `None` on 404.
    pub fn get(&self, path: &str, api_version: &str) -> Result<Option<Value>, AzureError> {
        match self.send(Method::Get, &self.url(path, api_version, &[])?, None) {
            Ok(response) => Ok(Some(response.body)),
            Err(AzureError::Arm { status: 404, .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Every item of a list, following `nextLink` page by page.
    pub fn list(
        &self,
        path: &str,
        api_version: &str,
        query: &[(&str, &str)],
    ) -> Result<Vec<Value>, AzureError> {
        let mut url = self.url(path, api_version, query)?;
        let mut items = Vec::new();
        loop {
            let page = self.send(Method::Get, &url, None)?.body;
            if let Some(values) = page.get("value").and_then(Value::as_array) {
                items.extend(values.iter().cloned());
            }
            match page.get("nextLink").and_then(Value::as_str) {
                Some(next) if !next.is_empty() => {
                    let next = Url::parse(next).map_err(|error| AzureError::Transport {
                        method: "GET".into(),
                        path: path.into(),
                        detail: format!("the nextLink `{next}` is not a URL: {error}"),
                    })?;
                    // INVARIANT: the bearer token only ever goes to the configured endpoint.
                    if next.origin() != self.endpoint.origin() {
                        return Err(AzureError::Transport {
                            method: "GET".into(),
                            path: path.into(),
                            detail: format!(
                                "the nextLink points at another host (`{}`); not following it",
                                next.origin().ascii_serialization()
                            ),
                        });
                    }
                    url = next;
                }
                _ => return Ok(items),
            }
        }
    }

    /// PUT `body` at `path`.
    pub fn put(&self, path: &str, api_version: &str, body: &Value) -> Result<Value, AzureError> {
        self.send(Method::Put, &self.url(path, api_version, &[])?, Some(body))
            .map(|response| response.body)
    }

    /// DELETE `path`; absent is fine.
    pub fn delete(&self, path: &str, api_version: &str) -> Result<(), AzureError> {
        match self.send(Method::Delete, &self.url(path, api_version, &[])?, None) {
            Ok(_) | Err(AzureError::Arm { status: 404, .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }

    fn url(
        &self,
        path: &str,
        api_version: &str,
        query: &[(&str, &str)],
    ) -> Result<Url, AzureError> {
        let mut url = self.endpoint.clone();
        let base = url.path().trim_end_matches('/').to_string();
        url.set_path(&format!("{base}/{}", path.trim_start_matches('/')));
        {
            let mut pairs = url.query_pairs_mut();
            pairs.clear();
            pairs.append_pair("api-version", api_version);
            for (key, value) in query {
                pairs.append_pair(key, value);
            }
        }
        Ok(url)
    }

    /// One request, retried on 429, 5xx and transport failures within the budget.
    pub fn send(
        &self,
        method: Method,
        url: &Url,
        body: Option<&Value>,
    ) -> Result<ArmResponse, AzureError> {
        let started = Instant::now();
        let shown_path = url.path().to_string();
        let method_name = method.to_string();
        let mut attempt = 0;
        loop {
            let outcome = self.once(method, url, body);
            let (wait, last) = match outcome {
                Ok(Attempt::Done(response)) => return Ok(response),
                Ok(Attempt::Failed(error)) => return Err(error),
                Ok(Attempt::Transient { error, retry_after }) => (
                    retry_after.unwrap_or_else(|| self.retry.backoff(attempt)),
                    error.to_string(),
                ),
                Err(detail) => (self.retry.backoff(attempt), detail),
            };
            let waited = started.elapsed();
            if waited + wait > self.retry.budget {
                return Err(AzureError::GaveUp {
                    method: method_name,
                    path: shown_path,
                    last,
                    waited,
                });
            }
            self.say(&format!(
                "retrying {method_name} {shown_path} in {}s: {}",
                wait.as_secs_f32().ceil() as u64,
                first_lines(&last)
            ));
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    fn once(&self, method: Method, url: &Url, body: Option<&Value>) -> Result<Attempt, String> {
        let token = match self.token() {
            Ok(token) => token,
            Err(error) => return Ok(Attempt::Failed(error)),
        };
        let mut request = Request::new(url.clone(), method);
        request.insert_header("authorization", format!("Bearer {token}"));
        request.insert_header("accept", "application/json");
        if let Some(body) = body {
            request.insert_header("content-type", "application/json");
            request.set_body(body.to_string());
        }
        let response = self
            .runtime
            .block_on(async {
                let response = self.http.execute_request(&request).await?;
                response.try_into_raw_response().await
            })
            .map_err(|error| first_lines(&error.to_string()))?;
        let status = u16::from(response.status());
        let retry_after = response
            .headers()
            .get_optional_str(&azure_core::http::headers::HeaderName::from_static(
                "retry-after",
            ))
            .and_then(parse_retry_after);
        let bytes = response.body().as_ref();
        let parsed: Option<Value> = if bytes.is_empty() {
            Some(Value::Null)
        } else {
            serde_json::from_slice(bytes).ok()
        };
        let path = url.path().to_string();
        if (200..300).contains(&status) {
            return match parsed {
                Some(body) => Ok(Attempt::Done(ArmResponse { status, body })),
                // A success whose body does not parse was cut short: try again.
                None => Err(format!("HTTP {status} with an incomplete answer")),
            };
        }
        let error_body = parsed.unwrap_or(Value::Null);
        let code = error_body
            .pointer("/error/code")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let message = error_body
            .pointer("/error/message")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| String::from_utf8_lossy(bytes).chars().take(300).collect());
        let error = AzureError::Arm {
            method: method.to_string(),
            path,
            status,
            code,
            message,
        };
        if status == 429 || status >= 500 || status == 408 {
            Ok(Attempt::Transient { error, retry_after })
        } else {
            Ok(Attempt::Failed(error))
        }
    }
}

enum Attempt {
    Done(ArmResponse),
    Failed(AzureError),
    Transient {
        error: AzureError,
        retry_after: Option<Duration>,
    },
}

/// `Retry-After` in seconds, or as an HTTP date.
pub fn parse_retry_after(text: &str) -> Option<Duration> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = azure_core::time::parse_rfc7231(text).ok()?;
    let now = azure_core::time::OffsetDateTime::now_utc();
    let seconds = (when - now).whole_seconds().max(0);
    Some(Duration::from_secs(seconds as u64))
}

fn first_lines(text: &str) -> String {
    text.lines().take(3).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_must_be_https_unless_loopback() {
        assert!(parse_endpoint("https://management.azure.com").is_ok());
        assert!(parse_endpoint("http://127.0.0.1:4000").is_ok());
        assert!(parse_endpoint("http://127.8.9.1:4000/").is_ok());
        assert!(parse_endpoint("http://[::1]:4000").is_ok());
        let error = parse_endpoint("http://management.azure.com").expect_err("plain http");
        assert!(error.to_string().contains("loopback"));
        assert!(parse_endpoint("not a url").is_err());
    }

    #[test]
    fn token_scopes_follow_the_endpoint() {
        let scope = |text: &str| token_scope(&parse_endpoint(text).expect("valid"));
        assert_eq!(
            scope("https://management.azure.com"),
            "https://management.azure.com/.default"
        );
        assert_eq!(
            scope("https://management.usgovcloudapi.net/"),
            "https://management.usgovcloudapi.net/.default"
        );
        assert_eq!(
            scope("http://127.0.0.1:9"),
            "https://management.azure.com/.default"
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff(0), Duration::from_secs(1));
        assert_eq!(policy.backoff(3), Duration::from_secs(8));
        assert_eq!(policy.backoff(10), Duration::from_secs(30));
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn forbidden_names_the_roles() {
        let error = AzureError::Arm {
            method: "PUT".into(),
            path: "/x".into(),
            status: 403,
            code: "AuthorizationFailed".into(),
            message: "no".into(),
        };
        assert!(error.to_string().contains("Resource Policy Contributor"));
    }
}
