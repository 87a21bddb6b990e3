//! `charter plan` and `charter publish`: compare what the build would publish with what is
//! deployed in Azure, and apply the difference (docs/publishing.md).

use crate::render;
use crate::{date, project};
use charter_azure::arm::{self, ArmClient, RetryPolicy};
use charter_azure::auth::{self, AuthMethod, AuthSettings};
use charter_azure::desired::{self, DesiredOptions};
use charter_azure::plan::{self, Plan, PlanOptions};
use charter_azure::publish::{self as apply_mod, ApplyEvent};
use charter_azure::render as plan_render;
use charter_azure::{ApiVersions, DesiredObject};
use charter_syntax::Severity;
use clap::ValueEnum;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// The file at a project's root that pins its owner id (one line).
pub const OWNER_ID_FILE: &str = ".charter-owner-id";

/// Options shared by `plan` and `publish`.
#[derive(clap::Args, Debug, Clone)]
pub struct AzureArgs {
    /// Azure Resource Manager endpoint (sovereign clouds, emulators); plain http:// only on a
    /// loopback address. Default: the endpoint of the manifest's `azure.cloud`, else
    /// https://management.azure.com.
    #[arg(long, value_name = "URL")]
    pub arm_endpoint: Option<String>,
    /// How to sign in: auto, client-secret, workload-identity, github-actions, azure-pipelines,
    /// managed-identity or azure-cli (auto: the first whose variables are set, else the Azure
    /// CLI).
    #[arg(long, value_name = "METHOD", default_value = "auto", value_parser = parse_auth)]
    pub auth: AuthMethod,
    /// The owner id stamped on every published object (default: the project's
    /// `.charter-owner-id` file, else an id derived from the project folder's name).
    #[arg(long, value_name = "ID")]
    pub owner_id: Option<String>,
    /// The id of a subscription the project names by name (repeatable).
    #[arg(long = "subscription", value_name = "NAME=ID", value_parser = parse_subscription)]
    pub subscriptions: Vec<(String, String)>,
    /// The subscription of resource groups whose subscription the project does not name.
    #[arg(long, value_name = "ID")]
    pub default_subscription: Option<String>,
    /// Another scope to read (repeatable), e.g. one the project no longer names, so that
    /// Charter finds and deletes what it published there.
    #[arg(long = "scope", value_name = "SCOPE")]
    pub extra_scopes: Vec<String>,
    /// Keep owned objects that left the source instead of deleting them.
    #[arg(long)]
    pub no_prune: bool,
    /// How long one request may be retried (throttling, server errors, replication lag).
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub retry_timeout: u64,
    /// The date retirement checks compare against (YYYY-MM-DD); default: today (UTC).
    #[arg(long, value_parser = date::parse_date)]
    pub today: Option<charter_ir::Date>,
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// When to colour output: set from the global `--color` by the CLI.
    #[arg(skip = crate::render::color::ColorWhen::Auto)]
    pub color: crate::render::color::ColorWhen,
}

/// `--format` of `charter plan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Human,
    Json,
}

pub fn parse_auth(text: &str) -> Result<AuthMethod, String> {
    AuthMethod::parse(text).ok_or_else(|| {
        format!(
            "unknown method `{text}`: one of {}",
            AuthMethod::NAMES.join(", ")
        )
    })
}

fn parse_subscription(text: &str) -> Result<(String, String), String> {
    let (name, id) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not NAME=ID"))?;
    if !desired::is_guid(id) {
        return Err(format!("`{id}` is not a subscription id (a GUID)"));
    }
    Ok((name.to_string(), id.to_string()))
}

/// Exit codes: 0 ok; 1 problems in the sources, a plan that cannot be applied, or a stale
/// plan; 2 usage, IO and Azure errors. With `--detailed-exitcode` (plan): 0 no changes,
/// 2 changes, 1 any error, as Terraform does.
const EXIT_PROBLEMS: u8 = 1;
const EXIT_USAGE: u8 = 2;

fn fail(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    EXIT_USAGE
}

/// The desired state of a project, with the IR for the semantic lines.
struct Desired {
    root: PathBuf,
    objects: Vec<DesiredObject>,
    project: charter_ir::Project,
}

fn build_desired(path: &Path, args: &AzureArgs, owner_id: &str) -> Result<Desired, u8> {
    let (loaded, compilation) =
        project::compile(path, args.today.unwrap_or_else(date::today_utc)).map_err(fail)?;
    let errors = compilation
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    let warnings = compilation
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Warning);
    if !compilation.diagnostics.is_empty() {
        let sources = render::sources(&compilation.documents);
        let mut stream = stderr_stream(args.color);
        let _ = render::human::emit_report(&mut stream, &sources, &compilation.diagnostics);
    }
    if errors || (args.deny_warnings && warnings) {
        eprintln!("error: not planning: fix the errors above first");
        return Err(EXIT_PROBLEMS);
    }
    let artifacts: Vec<(String, String)> = charter_azure_policy::artifacts(&compilation.project)
        .into_iter()
        .map(|artifact| (artifact.path, artifact.contents))
        .collect();
    let state = desired::desired_state(
        &artifacts,
        &DesiredOptions {
            owner_id: owner_id.to_string(),
            subscriptions: args.subscriptions.iter().cloned().collect(),
            default_subscription: args.default_subscription.clone(),
        },
    )
    .map_err(fail)?;
    for warning in state.warnings() {
        eprintln!("warning: {warning}");
    }
    Ok(Desired {
        root: loaded.root,
        objects: state.objects,
        project: compilation.project,
    })
}

fn stderr_stream(
    color: crate::render::color::ColorWhen,
) -> codespan_reporting::term::termcolor::StandardStream {
    use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
    let colored = crate::render::color::use_color(
        color,
        std::io::stderr().is_terminal(),
        &crate::render::color::ColorEnvironment::from_process(),
    );
    StandardStream::stderr(if colored {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    })
}

/// The project root of `path`: the nearest directory at or above it with a `charter.toml`;
/// without one, the directory itself, or a file's directory.
fn root_of(path: &Path) -> PathBuf {
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if let Some(root) = charter_project::discover::find_manifest_dir(&canonical) {
        return root;
    }
    if canonical.is_file() {
        canonical
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or(canonical)
    } else {
        canonical
    }
}

/// The owner id and where it came from: `--owner-id`, the manifest's `project.owner`, the
/// project's `.charter-owner-id`, or a UUID derived from the project folder's name (version 8,
/// from SHA-256, RFC 9562).
pub fn owner_id(path: &Path, flag: Option<&str>) -> Result<(String, String), String> {
    if let Some(id) = flag {
        let id = id.trim();
        if id.is_empty() {
            return Err("--owner-id is empty".into());
        }
        return Ok((id.to_string(), "--owner-id".into()));
    }
    let root = root_of(path);
    if let Some(owner) = crate::manifest::load(&root)?.and_then(|m| m.project.owner) {
        return Ok((
            owner,
            format!("`{}`", root.join(crate::manifest::FILE_NAME).display()),
        ));
    }
    let file = root.join(OWNER_ID_FILE);
    if let Ok(text) = std::fs::read_to_string(&file) {
        let id = text.trim();
        if id.is_empty() || id.contains(char::is_whitespace) {
            return Err(format!(
                "`{}` must hold one owner id on one line",
                file.display()
            ));
        }
        return Ok((id.to_string(), format!("`{}`", file.display())));
    }
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    Ok((
        derived_owner_id(&name),
        format!(
            "derived from the project folder's name `{name}`; pin it in `{OWNER_ID_FILE}` or with --owner-id"
        ),
    ))
}

/// A stable UUID (version 8) for a project folder name.
pub fn derived_owner_id(name: &str) -> String {
    let digest = Sha256::digest(format!("charter-owner:{name}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn client(path: &Path, args: &AzureArgs) -> Result<ArmClient, u8> {
    let endpoint = arm_endpoint(path, args.arm_endpoint.as_deref()).map_err(fail)?;
    signed_in_client(&endpoint, args.auth, args.retry_timeout)
}

/// The Resource Manager endpoint: `--arm-endpoint`, else the one of the cloud the project's
/// manifest names (`azure.cloud`), else the public cloud's.
pub fn arm_endpoint(path: &Path, flag: Option<&str>) -> Result<String, String> {
    if let Some(endpoint) = flag {
        return Ok(endpoint.to_string());
    }
    let cloud = crate::manifest::load(&root_of(path))?.and_then(|m| m.azure.cloud);
    Ok(cloud
        .map_or(arm::PUBLIC_ARM_ENDPOINT, |cloud| cloud.arm_endpoint())
        .to_string())
}

/// A client for `arm_endpoint`, signed in with `method` and the `AZURE_*` variables, retrying
/// for up to `retry_timeout` seconds; `charter catalog pull` signs in the same way.
pub fn signed_in_client(
    arm_endpoint: &str,
    method: AuthMethod,
    retry_timeout: u64,
) -> Result<ArmClient, u8> {
    let endpoint = arm::parse_endpoint(arm_endpoint).map_err(fail)?;
    let settings = AuthSettings::from_env(|name| std::env::var(name).ok());
    let http = ArmClient::default_http();
    let credential = auth::credential(method, &settings, http.clone()).map_err(fail)?;
    let notify: Arc<dyn Fn(&str) + Send + Sync> = Arc::new(|message: &str| {
        eprintln!("note: {message}");
    });
    let client = ArmClient::new(
        endpoint,
        credential.token,
        http,
        RetryPolicy {
            budget: Duration::from_secs(retry_timeout),
            ..RetryPolicy::default()
        },
        notify,
    )
    .map_err(fail)?;
    client.sign_in().map_err(|error| {
        fail(format!(
            "{error}\n  note: signing in with the {}",
            credential.description
        ))
    })?;
    Ok(client)
}

/// Reads the deployed state and plans, for `plan` and `publish`.
fn make_plan(path: &Path, args: &AzureArgs) -> Result<(Plan, ArmClient), u8> {
    let (owner, source) = owner_id(path, args.owner_id.as_deref()).map_err(fail)?;
    let desired = build_desired(path, args, &owner)?;
    let client = client(path, args)?;
    let mut scopes: BTreeSet<String> = desired
        .objects
        .iter()
        .map(|object| plan::scope_of(&object.id))
        .collect();
    scopes.extend(args.extra_scopes.iter().cloned());
    let api = ApiVersions::default();
    let (deployed, read) = apply_mod::read_state(&client, &api, &scopes, &owner).map_err(fail)?;
    let mut plan = plan::compute(
        &desired.objects,
        &deployed,
        &read,
        &PlanOptions {
            owner_id: owner.clone(),
            prune: !args.no_prune,
        },
    );
    charter_azure::semantic::annotate(&mut plan, Some(&desired.project));
    if source.starts_with("derived") {
        eprintln!(
            "note: owner id `{owner}` {source} (project `{}`)",
            desired.root.display()
        );
    }
    Ok((plan, client))
}

/// `charter plan`.
pub fn plan_command(
    path: &Path,
    args: &AzureArgs,
    format: PlanFormat,
    out: Option<&Path>,
    detailed_exitcode: bool,
) -> ExitCode {
    let error_code = |code: u8| {
        if detailed_exitcode {
            ExitCode::from(1)
        } else {
            ExitCode::from(code)
        }
    };
    let (plan, client) = match make_plan(path, args) {
        Ok(result) => result,
        Err(code) => return error_code(code),
    };
    let json = plan_render::to_json(&plan, client.endpoint().as_str(), &ApiVersions::default());
    if let Some(out) = out {
        let text = format!("{}\n", pretty(&json));
        if let Err(error) = std::fs::write(out, text) {
            return error_code(fail(format!("cannot write `{}`: {error}", out.display())));
        }
    }
    match format {
        PlanFormat::Json => println!("{}", pretty(&json)),
        PlanFormat::Human => print!("{}", plan_render::human(&plan)),
    }
    if let Some(out) = out {
        eprintln!(
            "Saved the plan to `{}`; apply exactly it with `charter publish --plan {}`",
            out.display(),
            out.display()
        );
    }
    if !plan.blockers.is_empty() {
        return ExitCode::from(EXIT_PROBLEMS);
    }
    if detailed_exitcode && plan.summary().has_changes() {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// `charter publish`.
pub fn publish_command(path: &Path, args: &AzureArgs, saved: Option<&Path>, yes: bool) -> ExitCode {
    let api = ApiVersions::default();
    let (operations, client) = match saved {
        Some(file) => match load_saved(path, file, args) {
            Ok(result) => result,
            Err(code) => return ExitCode::from(code),
        },
        None => {
            let (plan, client) = match make_plan(path, args) {
                Ok(result) => result,
                Err(code) => return ExitCode::from(code),
            };
            print!("{}", plan_render::human(&plan));
            if !plan.blockers.is_empty() {
                eprintln!("error: not publishing: the plan cannot be applied (see above)");
                return ExitCode::from(EXIT_PROBLEMS);
            }
            if !plan.summary().has_changes() {
                eprintln!("Nothing to publish: Azure already has what the project says.");
                return ExitCode::SUCCESS;
            }
            if !yes {
                match confirm() {
                    Ok(true) => {}
                    Ok(false) => {
                        eprintln!("Not published.");
                        return ExitCode::from(EXIT_PROBLEMS);
                    }
                    Err(message) => return ExitCode::from(fail(message)),
                }
            }
            (plan::operations(&plan), client)
        }
    };
    if operations.is_empty() {
        eprintln!("Nothing to publish: the plan has no changes.");
        return ExitCode::SUCCESS;
    }
    let terminal = std::io::stderr().is_terminal();
    let mut progress = |event: ApplyEvent<'_>| match event {
        ApplyEvent::Started {
            index,
            total,
            operation,
        } if terminal => {
            eprint!(
                "\r[{}/{total}] {} {} {}…\x1b[K",
                index + 1,
                verb(operation, false),
                operation.kind.label(),
                apply_mod::name_of(&operation.id)
            );
        }
        ApplyEvent::Started { .. } => {}
        ApplyEvent::Finished {
            index,
            total,
            operation,
            elapsed,
        } => {
            if terminal {
                eprint!("\r\x1b[K");
            }
            eprintln!(
                "[{}/{total}] {} {} {} at {} ({} ms)",
                index + 1,
                verb(operation, true),
                operation.kind.label(),
                apply_mod::name_of(&operation.id),
                plan::scope_of(&operation.id),
                elapsed.as_millis()
            );
        }
        ApplyEvent::Verifying { pending } => {
            eprintln!("waiting for Azure to show the changes ({pending} pending)");
        }
    };
    match apply_mod::apply(&client, &api, &operations, &mut progress) {
        Ok(()) => {
            eprintln!("Published: {} operations applied.", operations.len());
            ExitCode::SUCCESS
        }
        Err(failure) => {
            if terminal {
                eprint!("\r\x1b[K");
            }
            let at = failure
                .operation
                .as_ref()
                .map(|o| format!(" ({} {})", o.method.as_str(), o.id))
                .unwrap_or_default();
            eprintln!("error: publishing stopped{at}: {}", failure.error);
            eprintln!(
                "note: {} of {} operations were applied; fix the cause and run `charter publish` \
                 again: it plans from what is deployed, so it picks up where this one stopped",
                failure.completed,
                operations.len()
            );
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn verb(operation: &plan::Operation, done: bool) -> &'static str {
    use plan::{Action, Method};
    match (operation.method, operation.action, done) {
        (Method::Delete, Action::Replace, false) => "deleting (to replace)",
        (Method::Delete, Action::Replace, true) => "deleted (to replace)",
        (Method::Delete, _, false) => "deleting",
        (Method::Delete, _, true) => "deleted",
        (Method::Put, Action::Create, false) => "creating",
        (Method::Put, Action::Create, true) => "created",
        (Method::Put, Action::Replace, false) => "re-creating",
        (Method::Put, Action::Replace, true) => "re-created",
        (Method::Put, _, false) => "updating",
        (Method::Put, _, true) => "updated",
    }
}

fn confirm() -> Result<bool, String> {
    if !std::io::stdin().is_terminal() {
        return Err(
            "not publishing without confirmation: pass --yes (for CI), or run on a terminal to be asked"
                .into(),
        );
    }
    eprint!("Publish these changes to Azure? Only `yes` is accepted: ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|error| format!("cannot read the answer: {error}"))?;
    Ok(answer.trim() == "yes")
}

/// A saved plan, refused unless what is deployed is still exactly what it was planned against.
fn load_saved(
    path: &Path,
    file: &Path,
    args: &AzureArgs,
) -> Result<(Vec<plan::Operation>, ArmClient), u8> {
    let text = std::fs::read_to_string(file)
        .map_err(|error| fail(format!("cannot read `{}`: {error}", file.display())))?;
    let saved = plan_render::read_saved(&text)
        .map_err(|reason| fail(format!("`{}` is not a plan: {reason}", file.display())))?;
    if saved.has_blockers {
        eprintln!(
            "error: the plan in `{}` cannot be applied (it lists blockers); fix them and plan again",
            file.display()
        );
        return Err(EXIT_PROBLEMS);
    }
    let client = client(path, args)?;
    let planned_endpoint = arm::parse_endpoint(&saved.arm_endpoint).map_err(fail)?;
    if planned_endpoint.origin() != client.endpoint().origin() {
        return Err(fail(format!(
            "the plan in `{}` was made against `{}`, not `{}`: pass --arm-endpoint {}",
            file.display(),
            saved.arm_endpoint,
            client.endpoint(),
            saved.arm_endpoint
        )));
    }
    let scopes: BTreeSet<String> = saved.scopes.iter().cloned().collect();
    let (deployed, _) =
        apply_mod::read_state(&client, &ApiVersions::default(), &scopes, &saved.owner_id)
            .map_err(fail)?;
    let now = plan::state_hash(&deployed);
    if now != saved.state_hash {
        eprintln!(
            "error: not publishing `{}`: what is deployed has changed since the plan was made \
             (state {} then, {} now); run `charter plan --out {}` again and review the new plan",
            file.display(),
            short_hash(&saved.state_hash),
            short_hash(&now),
            file.display()
        );
        return Err(EXIT_PROBLEMS);
    }
    Ok((saved.operations, client))
}

fn short_hash(hash: &str) -> &str {
    let hex = hash.strip_prefix("sha256:").unwrap_or(hash);
    &hex[..hex.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arm_endpoint_comes_from_the_flag_then_the_manifests_cloud() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::write(dir.path().join("a.charter"), "").expect("write");
        assert_eq!(
            arm_endpoint(dir.path(), None).as_deref(),
            Ok(arm::PUBLIC_ARM_ENDPOINT)
        );
        std::fs::write(
            dir.path().join("charter.toml"),
            "[azure]\ncloud = \"AzureUSGovernment\"\n",
        )
        .expect("write");
        assert_eq!(
            arm_endpoint(&dir.path().join("a.charter"), None).as_deref(),
            Ok("https://management.usgovcloudapi.net")
        );
        assert_eq!(
            arm_endpoint(dir.path(), Some("http://127.0.0.1:1")).as_deref(),
            Ok("http://127.0.0.1:1")
        );
    }

    #[test]
    fn derived_owner_ids_are_stable_version_8_uuids() {
        let id = derived_owner_id("contoso");
        assert_eq!(id, derived_owner_id("contoso"));
        assert_ne!(id, derived_owner_id("fabrikam"));
        assert!(desired::is_guid(&id));
        assert_eq!(&id[14..15], "8");
    }
}
