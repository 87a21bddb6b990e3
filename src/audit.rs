//! `charter audit` and `charter eval`: the IO half. Reading resource exports from disk or from
//! Azure, and the definitions and parameters `eval` takes; the evaluation is
//! `charter_evaluator::audit`, the project's knowledge `charter_compliance::audit`, and the
//! report's renderers `charter_evaluator::report` (docs/audit.md).

use crate::date;
use crate::project;
use charter_azure::arm::{self, ArmClient, RetryPolicy};
use charter_azure::auth::{self, AuthMethod, AuthSettings};
use charter_compiler::Compilation;
use charter_evaluator::audit::{AuditOptions, Auditor, Subject};
use charter_evaluator::inputs::{self, InputOptions, InputResource};
use charter_evaluator::report::{self, FailOn, Report, ReportKind};
use clap::ValueEnum;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The largest resource export read (a Resource Graph export of 100,000 resources is about
/// 70 MB).
pub const MAX_EXPORT_BYTES: u64 = 1024 * 1024 * 1024;

/// The largest definition, parameters or resource file `eval` reads.
pub const MAX_EVAL_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// How `test`, `audit` and `eval` print their report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// For a person: grouped, worst first, coloured on a terminal.
    Human,
    /// One JSON document on stdout.
    Json,
    /// One SARIF 2.1.0 log on stdout (GitHub code scanning).
    Sarif,
    /// JUnit XML on stdout (CI test reports).
    Junit,
    /// Markdown on stdout (pull-request comments, job summaries).
    Markdown,
    /// GitHub Actions workflow commands: each finding on the line of the rule that made it.
    Github,
    /// Azure Pipelines logging commands: each finding on the line of the rule that made it.
    AzureDevops,
}

impl ReportFormat {
    /// Whether the format is a CI system's annotations.
    pub fn is_ci(self) -> bool {
        matches!(self, ReportFormat::Github | ReportFormat::AzureDevops)
    }
}

/// `--fail-on`: what makes `audit` and `eval` exit 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    /// Anything denied, or an estate check error.
    Deny,
    /// Anything denied or audited, or any estate check finding.
    Audit,
    /// Nothing: exit 0 whatever the report says.
    Never,
}

impl From<FailOnArg> for FailOn {
    fn from(arg: FailOnArg) -> FailOn {
        match arg {
            FailOnArg::Deny => FailOn::Deny,
            FailOnArg::Audit => FailOn::Audit,
            FailOnArg::Never => FailOn::Never,
        }
    }
}

/// `--format`, `--today` and `--deny-warnings` of `charter test`.
#[derive(clap::Args, Debug, Clone)]
pub struct TestArgs {
    /// How to print the results (json and sarif: one document on stdout; junit: JUnit XML).
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// The date retirement checks and exemptions compare against (YYYY-MM-DD); default: today
    /// (UTC).
    #[arg(long, value_parser = date::parse_date)]
    pub today: Option<charter_ir::Date>,
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// The options of `charter audit`.
#[derive(clap::Args, Debug, Clone)]
pub struct AuditArgs {
    /// Resource exports to audit: Azure Resource Graph (`az graph query`), `az resource list`,
    /// an ARM template (`az group export`), a Terraform plan (`terraform show -json`), or ARM
    /// payloads; the shape is told from the content.
    #[arg(long = "resources", value_name = "FILE", num_args = 1.., required_unless_present = "from_azure")]
    pub resources: Vec<PathBuf>,
    /// Read the resources from Azure instead (the subscriptions of --subscription,
    /// --default-subscription and --read-scope), with the credentials `charter plan` uses.
    #[arg(long)]
    pub from_azure: bool,
    /// The management group of subscriptions the project does not place: `GROUP` for all of
    /// them, `SUBSCRIPTION=GROUP` for one (by id or name; repeatable).
    #[arg(long, value_name = "GROUP|SUBSCRIPTION=GROUP")]
    pub under: Vec<String>,
    /// The id of a subscription the project names by name (repeatable).
    #[arg(long = "subscription", value_name = "NAME=ID", value_parser = parse_subscription)]
    pub subscriptions: Vec<(String, String)>,
    /// The subscription the build's `{subscriptionId}` placeholder stands for (resource groups
    /// whose subscription the project does not name).
    #[arg(long, value_name = "ID")]
    pub default_subscription: Option<String>,
    /// Where an ARM template (or a Terraform plan whose provider names no subscription) is
    /// deployed: `/subscriptions/ID/resourceGroups/NAME` or `/subscriptions/ID`.
    #[arg(long, value_name = "SCOPE")]
    pub deployed_to: Option<String>,
    /// How to print the report (json and sarif: one document on stdout).
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// What makes the run exit 1.
    #[arg(long, value_enum, default_value_t = FailOnArg::Deny)]
    pub fail_on: FailOnArg,
    /// The date exemptions' expiry and model retirement compare against (YYYY-MM-DD); default:
    /// today (UTC).
    #[arg(long, value_parser = date::parse_date)]
    pub today: Option<charter_ir::Date>,
    /// Treat warnings in the sources as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// With --from-azure: the Azure Resource Manager endpoint (sovereign clouds, emulators).
    #[arg(long, value_name = "URL", default_value = arm::PUBLIC_ARM_ENDPOINT)]
    pub arm_endpoint: String,
    /// With --from-azure: how to sign in (as `charter plan`).
    #[arg(long, value_name = "METHOD", default_value = "auto", value_parser = parse_auth)]
    pub auth: AuthMethod,
    /// With --from-azure: another subscription or resource group to read (repeatable).
    #[arg(long = "read-scope", value_name = "SCOPE")]
    pub read_scopes: Vec<String>,
    /// With --from-azure: how long one request may be retried.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub retry_timeout: u64,
}

/// The options of `charter eval`.
#[derive(clap::Args, Debug, Clone)]
pub struct EvalArgs {
    /// The policy definition or initiative to evaluate (a REST body, `az policy definition
    /// show` output, a built-in's file, or its `properties`); further ones are what it
    /// references.
    #[arg(long = "definition", value_name = "FILE", required = true, num_args = 1..)]
    pub definitions: Vec<PathBuf>,
    /// The resources: one payload, or any export `charter audit` reads (repeatable).
    #[arg(long = "resource", value_name = "FILE", required = true, num_args = 1..)]
    pub resources: Vec<PathBuf>,
    /// Parameter values: `{"name": value}`, `{"name": {"value": value}}`, or an ARM
    /// parameters file.
    #[arg(long, value_name = "FILE")]
    pub params: Option<PathBuf>,
    /// Where an ARM template's resources are deployed (as for `audit`).
    #[arg(long, value_name = "SCOPE")]
    pub deployed_to: Option<String>,
    /// How to print the result (json: one object whose `effect` is the effect that applies).
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// What makes the run exit 1.
    #[arg(long, value_enum, default_value_t = FailOnArg::Deny)]
    pub fail_on: FailOnArg,
    /// Accepted for symmetry with `test` and `audit` (YYYY-MM-DD).
    #[arg(long, value_parser = date::parse_date)]
    pub today: Option<charter_ir::Date>,
}

fn parse_auth(text: &str) -> Result<AuthMethod, String> {
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
    if !charter_ir::is_guid(id) {
        return Err(format!("`{id}` is not a subscription id (a GUID)"));
    }
    Ok((name.to_string(), id.to_string()))
}

/// A file given on the command line, as the report names it.
fn shown(path: &Path) -> String {
    project::shown(path)
}

/// The inputs that were read, for the JSON document.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Per input: `{"file", "kind", "resources", "skipped": [{"origin", "reason"}], "notes"}`.
    pub described: Vec<Value>,
}

/// `charter audit`: every resource of the inputs against the project's assignments.
pub fn audit(compilation: &Compilation, args: &AuditArgs) -> Result<(Report, Inputs), String> {
    let today = args.today.unwrap_or_else(date::today_utc);
    let mut under = None;
    let mut under_subscription = Vec::new();
    for value in &args.under {
        match value.split_once('=') {
            Some((subscription, group)) if !subscription.is_empty() && !group.is_empty() => {
                under_subscription.push((subscription.to_string(), group.to_string()))
            }
            Some(_) => return Err(format!("`--under {value}` is not GROUP or SUBSCRIPTION=GROUP")),
            None if under.is_some() => {
                return Err(
                    "--under GROUP is given twice: name one management group for the subscriptions the project does not place, or use SUBSCRIPTION=GROUP"
                        .to_string(),
                )
            }
            None => under = Some(value.to_string()),
        }
    }
    if let Some(scope) = &args.deployed_to {
        check_scope(scope, "--deployed-to")?;
    }
    let settings = charter_compliance::audit::AuditSettings {
        today: Some(today),
        subscriptions: args.subscriptions.clone(),
        under,
        under_subscription,
    };
    let project_audit = charter_compliance::audit::Audit::new(compilation, settings);
    let artifacts = built_policies(
        compilation,
        &args.subscriptions,
        args.default_subscription.as_deref(),
    )?;
    let auditor = Auditor::new(&artifacts);
    let options = AuditOptions {
        today: Some(today.to_string()),
        every_rule: false,
    };
    let input_options = InputOptions {
        deployed_to: args.deployed_to.clone(),
    };
    let mut report = Report::new(ReportKind::Audit);
    let mut facts = Vec::new();
    let mut inputs = Inputs::default();
    let mut audit_one = |file: &str, resource: InputResource, report: &mut Report| {
        let groups =
            project_audit.management_groups(resource.payload.get("id").and_then(Value::as_str));
        let mut entry = auditor.audit(
            &Subject {
                payload: &resource.payload,
                unknown: &resource.unknown,
                management_groups: groups,
            },
            &options,
        );
        entry.file = Some(file.to_string());
        entry.origin = Some(if resource.origin.starts_with('#') {
            format!("{file}{}", resource.origin)
        } else {
            format!("{file}: {}", resource.origin)
        });
        facts.push(project_audit.facts(&resource.payload));
        report.entries.push(entry);
        // Given back: freeing a large payload is work the caller may do elsewhere.
        resource
    };
    if args.from_azure {
        let (resources, notes) = read_from_azure(compilation, args)?;
        let count = resources.len();
        for resource in resources {
            audit_one("azure", resource, &mut report);
        }
        inputs.described.push(json!({
            "file": null, "kind": "azure", "resources": count, "skipped": [], "notes": notes,
        }));
        report.notes.extend(notes);
    }
    for path in &args.resources {
        let file = shown(path);
        let bytes =
            project::read_regular_file(path, MAX_EXPORT_BYTES).map_err(|e| e.to_string())?;
        let text = String::from_utf8(bytes).map_err(|error| {
            format!(
                "`{file}` is not valid UTF-8: invalid byte at offset {}; resource exports are UTF-8 JSON",
                error.utf8_error().valid_up_to()
            )
        })?;
        // Parsing the export is a third of an audit's work: a thread of its own parses the rows
        // while this one evaluates them (a bounded queue keeps what waits small).
        let summary = std::thread::scope(|scope| {
            let (sender, rows) = std::sync::mpsc::sync_channel::<InputResource>(256);
            let text = &text;
            let input_options = &input_options;
            let parser = scope.spawn(move || {
                inputs::read_streaming(text, input_options, &mut |resource| {
                    // The receiver lives until the parser ends, so a send cannot fail.
                    let _ = sender.send(resource);
                })
            });
            // Freeing the audited rows' JSON trees is a tenth of an audit's work: another
            // thread does it, so this one only evaluates.
            let (spent, spent_rows) = std::sync::mpsc::sync_channel::<InputResource>(256);
            let freer = scope.spawn(move || spent_rows.into_iter().for_each(drop));
            for resource in rows {
                let audited = audit_one(&file, resource, &mut report);
                // The freer lives until `spent` is dropped below, so a send cannot fail.
                let _ = spent.send(audited);
            }
            drop(spent);
            let _ = freer.join();
            parser
                .join()
                .unwrap_or_else(|_| Err("reading the export failed unexpectedly".to_string()))
        })
        .map_err(|error| format!("`{file}`: {error}"))?;
        drop(text);
        let rows = !matches!(summary.kind, inputs::InputKind::TerraformPlan);
        if rows && summary.resources == 0 && !summary.skipped.is_empty() {
            // Rows that were all skipped are a broken export, not an estate with nothing in
            // it: a CI gate must not pass on them. (A Terraform plan of policy objects alone
            // has nothing to audit by design.)
            return Err(format!(
                "{}; with nothing else in it, there is nothing to audit (a broken export?)",
                skipped_note(&file, &summary.skipped)
            ));
        }
        for note in &summary.notes {
            report.notes.push(format!("`{file}`: {note}"));
        }
        if !summary.skipped.is_empty() {
            report.notes.push(skipped_note(&file, &summary.skipped));
        }
        inputs.described.push(json!({
            "file": file,
            "kind": summary.kind.slug(),
            "resources": summary.resources,
            "skipped": summary.skipped.iter().map(|(origin, reason)| json!({"origin": origin, "reason": reason})).collect::<Vec<_>>(),
            "notes": summary.notes,
        }));
    }
    project_audit.annotate(&facts, &mut report);
    let mut named: Vec<String> = artifacts
        .iter()
        .flat_map(|(_, value)| named_placeholders(&value.to_string()))
        .collect();
    named.sort();
    named.dedup();
    if !named.is_empty() {
        report.notes.push(format!(
            "the project names subscription{} {} by name only: scopes in {} are taken not to hold the audited resources; pass --subscription NAME=ID to match them",
            if named.len() == 1 { "" } else { "s" },
            named.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", "),
            if named.len() == 1 { "it" } else { "them" },
        ));
    }
    report.skipped = auditor.skipped();
    if args.default_subscription.is_none()
        && artifacts
            .iter()
            .any(|(_, value)| value.to_string().contains("{subscriptionId}"))
        && report
            .entries
            .iter()
            .any(|entry| !entry.results.is_empty() || !entry.reasons.is_empty())
    {
        report.notes.push(
            "the build leaves the subscription of some scopes to the deployment (`{subscriptionId}`): they are taken to match any subscription; pass --default-subscription ID to say which".to_string(),
        );
    }
    Ok((report, inputs))
}

/// The subscription names of the `{subscriptionId:NAME}` placeholders in `text`.
fn named_placeholders(text: &str) -> Vec<String> {
    text.split("{subscriptionId:")
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// One line saying what of an input is not audited, grouped by reason.
fn skipped_note(file: &str, skipped: &[(String, String)]) -> String {
    let mut reasons: Vec<(&str, Vec<&str>)> = Vec::new();
    for (origin, reason) in skipped {
        match reasons.iter_mut().find(|(known, _)| *known == reason) {
            Some((_, origins)) => origins.push(origin),
            None => reasons.push((reason, vec![origin])),
        }
    }
    let parts: Vec<String> = reasons
        .iter()
        .map(|(reason, origins)| {
            let mut listed: Vec<String> = origins.iter().take(3).map(|o| o.to_string()).collect();
            if origins.len() > 3 {
                listed.push(format!("{} more", origins.len() - 3));
            }
            format!("{} ({reason}): {}", origins.len(), listed.join(", "))
        })
        .collect();
    format!(
        "`{file}`: {} entr{} not audited: {}",
        skipped.len(),
        if skipped.len() == 1 { "y" } else { "ies" },
        parts.join("; ")
    )
}

fn check_scope(scope: &str, flag: &str) -> Result<(), String> {
    let lowered = scope.to_lowercase();
    let parts: Vec<&str> = lowered.trim_end_matches('/').split('/').collect();
    let ok = match parts.as_slice() {
        ["", "subscriptions", id] => charter_ir::is_guid(id),
        ["", "subscriptions", id, "resourcegroups", group] => {
            charter_ir::is_guid(id) && !group.is_empty()
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{flag} {scope}` is not a subscription or resource group id: write /subscriptions/<GUID> or /subscriptions/<GUID>/resourceGroups/<name>"
        ))
    }
}

/// The project's Azure Policy REST bodies, parsed, with the subscription placeholders the
/// flags fill in.
fn built_policies(
    compilation: &Compilation,
    subscriptions: &[(String, String)],
    default_subscription: Option<&str>,
) -> Result<Vec<(String, Value)>, String> {
    let artifacts = charter_azure_policy::artifacts(&compilation.project);
    let mut texts: Vec<(String, String)> = artifacts
        .into_iter()
        .filter(|artifact| artifact.path.ends_with(".json") && !artifact.path.contains("template"))
        .map(|artifact| (artifact.path, artifact.contents))
        .collect();
    for (_, text) in &mut texts {
        for (name, id) in subscriptions {
            *text = text.replace(&format!("{{subscriptionId:{name}}}"), id);
        }
        if let Some(id) = default_subscription {
            *text = text.replace("{subscriptionId}", id);
        }
    }
    charter_evaluator::parse_artifacts(
        texts
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str())),
    )
    .map_err(|error| format!("the built policies cannot be read: {error}"))
}

/// The API version Charter reads Cognitive Services resources with.
const COGNITIVE_API_VERSION: &str = charter_governance::estate::COGNITIVE_API_VERSION;

/// The API version of the generic resource list.
const RESOURCES_API_VERSION: &str = "2021-04-01";

/// Reads the resources of the subscriptions (and resource groups) the flags and the project
/// name: every top-level resource from the generic list (which carries no `properties`), and
/// every AI account in full with its deployments, content filters and blocklists.
fn read_from_azure(
    compilation: &Compilation,
    args: &AuditArgs,
) -> Result<(Vec<InputResource>, Vec<String>), String> {
    let mut scopes: Vec<String> = Vec::new();
    let mut add = |scope: String| {
        if !scopes
            .iter()
            .any(|known| known.eq_ignore_ascii_case(&scope))
        {
            scopes.push(scope);
        }
    };
    for scope in &args.read_scopes {
        check_scope(scope, "--read-scope")?;
        add(scope.trim_end_matches('/').to_string());
    }
    for (_, id) in &args.subscriptions {
        add(format!("/subscriptions/{id}"));
    }
    if let Some(id) = &args.default_subscription {
        add(format!("/subscriptions/{id}"));
    }
    for workload in &compilation.project.workloads {
        if let Some(id) = workload
            .subscription
            .as_deref()
            .filter(|s| charter_ir::is_guid(s))
        {
            add(format!("/subscriptions/{id}"));
        }
    }
    // Every subscription of the declared hierarchy.
    for subscription in &compilation.project.hierarchy.subscriptions {
        add(format!("/subscriptions/{}", subscription.id));
    }
    if scopes.is_empty() {
        return Err(
            "--from-azure does not know which subscriptions to read: name them with --subscription NAME=ID, --default-subscription ID or --read-scope /subscriptions/ID"
                .to_string(),
        );
    }
    let client = client(args)?;
    let mut resources = Vec::new();
    let mut push = |payload: Value, origin: String| {
        let mut unknown = Vec::new();
        if payload.get("properties").is_none_or(Value::is_null) {
            unknown.push("properties".to_string());
        }
        resources.push(InputResource {
            payload,
            unknown,
            origin,
        });
    };
    let mut listed_only = 0usize;
    let mut system_managed = 0usize;
    for scope in &scopes {
        let listed = client
            .list(&format!("{scope}/resources"), RESOURCES_API_VERSION, &[])
            .map_err(|error| format!("cannot list the resources of `{scope}`: {error}"))?;
        for item in listed {
            let id = item
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let is_account = item
                .get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case("Microsoft.CognitiveServices/accounts"));
            if !is_account {
                listed_only += 1;
                push(item, format!(": {id}"));
                continue;
            }
            let account = client
                .get(&id, COGNITIVE_API_VERSION)
                .map_err(|error| format!("cannot read `{id}`: {error}"))?
                .unwrap_or(item);
            push(account, format!(": {id}"));
            for child in ["deployments", "raiPolicies", "raiBlocklists"] {
                let path = format!("{id}/{child}");
                let items = client
                    .list(&path, COGNITIVE_API_VERSION, &[])
                    .map_err(|error| format!("cannot list `{path}`: {error}"))?;
                for child in items {
                    // The read-only content filters every account has (`Microsoft.Default`,
                    // `Microsoft.DefaultV2`): nobody deploys them, so no policy decides on
                    // them; a deployment that uses one is judged by its `raiPolicyName`.
                    if child
                        .pointer("/properties/type")
                        .and_then(Value::as_str)
                        .is_some_and(|kind| kind.eq_ignore_ascii_case("SystemManaged"))
                    {
                        system_managed += 1;
                        continue;
                    }
                    let child_id = child
                        .get("id")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    push(child, format!(": {child_id}"));
                }
            }
        }
    }
    let mut notes = vec![format!(
        "read {} resources from {} ({})",
        resources.len(),
        client.endpoint(),
        scopes.join(", ")
    )];
    if system_managed > 0 {
        notes.push(format!(
            "{system_managed} system-managed content filter{} (`Microsoft.Default`, `Microsoft.DefaultV2`) left out: they are read-only, and deployments that use them are judged by their `raiPolicyName`",
            if system_managed == 1 { "" } else { "s" }
        ));
    }
    if listed_only > 0 {
        notes.push(format!(
            "{listed_only} resource{} other than AI accounts come from Azure's resource list, which carries no `properties`: rules that read them are not evaluated",
            if listed_only == 1 { "" } else { "s" }
        ));
    }
    Ok((resources, notes))
}

/// An ARM client signed in as `charter plan` signs in.
fn client(args: &AuditArgs) -> Result<ArmClient, String> {
    let endpoint = arm::parse_endpoint(&args.arm_endpoint).map_err(|e| e.to_string())?;
    let settings = AuthSettings::from_env(|name| std::env::var(name).ok());
    let http = ArmClient::default_http();
    let credential =
        auth::credential(args.auth, &settings, http.clone()).map_err(|e| e.to_string())?;
    let notify: Arc<dyn Fn(&str) + Send + Sync> = Arc::new(|message: &str| {
        crate::render::stream::eprintln(format_args!("note: {message}"));
    });
    let client = ArmClient::new(
        endpoint,
        credential.token,
        http,
        RetryPolicy {
            budget: Duration::from_secs(args.retry_timeout),
            ..RetryPolicy::default()
        },
        notify,
    )
    .map_err(|e| e.to_string())?;
    client.sign_in().map_err(|error| {
        format!(
            "{error}\n  note: signing in with the {}",
            credential.description
        )
    })?;
    Ok(client)
}

/// Reads a JSON file for `eval`.
fn read_json(path: &Path, what: &str) -> Result<Value, String> {
    let file = shown(path);
    let bytes = project::read_regular_file(path, MAX_EVAL_FILE_BYTES).map_err(|e| e.to_string())?;
    serde_json::from_slice(&bytes).map_err(|error| format!("`{file}` is not {what}: {error}"))
}

/// `charter eval`: a definition or initiative, with parameters, against resources.
pub fn eval(args: &EvalArgs) -> Result<Report, String> {
    let mut definitions: Vec<(String, Value)> = Vec::new();
    for path in &args.definitions {
        let file = shown(path);
        let mut value = read_json(path, "JSON")?;
        // A bare rule (`{"if", "then"}`) is a definition in the default mode.
        if value.get("if").is_some() && value.get("then").is_some() {
            value = json!({ "mode": "Indexed", "policyRule": value });
        }
        let properties = value.get("properties").unwrap_or(&value);
        if properties.get("policyRule").is_none() && properties.get("policyDefinitions").is_none() {
            return Err(format!(
                "`{file}` is not a policy definition or initiative: it has no `policyRule` or `policyDefinitions`"
            ));
        }
        definitions.push((file, value));
    }
    let (target_path, target) = definitions
        .first()
        .cloned()
        .ok_or("give the definition to evaluate with --definition FILE")?;
    let target_name = target
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| {
            let file = target_path.rsplit('/').next().unwrap_or(&target_path);
            file.strip_suffix(".json").unwrap_or(file).to_string()
        });
    let parameters = match &args.params {
        Some(path) => parameter_values(read_json(path, "a parameters file")?, &shown(path))?,
        None => Map::new(),
    };
    check_parameters(&target, &target_name, &parameters)?;
    let auditor = Auditor::unassigned(&definitions, &target_name, &parameters);
    let options = AuditOptions {
        today: args.today.map(|today| today.to_string()),
        every_rule: true,
    };
    let input_options = InputOptions {
        deployed_to: args.deployed_to.clone(),
    };
    let mut report = Report::new(ReportKind::Eval);
    for path in &args.resources {
        let file = shown(path);
        let value = read_json(path, "JSON")?;
        let input =
            inputs::read(&value, &input_options).map_err(|error| format!("`{file}`: {error}"))?;
        for resource in input.resources {
            let mut entry = auditor.audit(
                &Subject {
                    payload: &resource.payload,
                    unknown: &resource.unknown,
                    management_groups: None,
                },
                &options,
            );
            entry.file = Some(file.clone());
            if input.kind != inputs::InputKind::Payloads || resource.origin != "#0" {
                entry.origin = Some(format!(
                    "{file}{}",
                    if resource.origin.starts_with('#') {
                        resource.origin.clone()
                    } else {
                        format!(": {}", resource.origin)
                    }
                ));
            }
            report.entries.push(entry);
        }
        for note in &input.notes {
            report.notes.push(format!("`{file}`: {note}"));
        }
        if !input.skipped.is_empty() {
            report.notes.push(skipped_note(&file, &input.skipped));
        }
    }
    if report.entries.is_empty() {
        return Err("the resource files hold no resources to evaluate".to_string());
    }
    report.skipped = auditor.skipped();
    Ok(report)
}

/// Parameter values from a file: `{"name": value}`, `{"name": {"value": value}}`, or an ARM
/// parameters file (`{"$schema", "contentVersion", "parameters": {...}}`).
fn parameter_values(value: Value, file: &str) -> Result<Map<String, Value>, String> {
    let Value::Object(mut object) = value else {
        return Err(format!("`{file}` must hold an object of parameter values"));
    };
    if object.contains_key("contentVersion") || object.contains_key("$schema") {
        match object.remove("parameters") {
            Some(Value::Object(inner)) => object = inner,
            _ => {
                return Err(format!(
                    "`{file}` is a parameters file without `parameters`"
                ))
            }
        }
    }
    Ok(object
        .into_iter()
        .map(|(name, value)| {
            let value = match value {
                Value::Object(mut entry) if entry.len() == 1 && entry.contains_key("value") => {
                    entry.remove("value").unwrap_or(Value::Null)
                }
                other => other,
            };
            (name, value)
        })
        .collect())
}

/// Refuses parameters the target does not declare, and declared parameters without a default
/// that are not given, as Azure refuses such an assignment.
fn check_parameters(target: &Value, name: &str, given: &Map<String, Value>) -> Result<(), String> {
    let properties = target.get("properties").unwrap_or(target);
    let declared = properties
        .get("parameters")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for parameter in given.keys() {
        if !declared
            .keys()
            .any(|known| known.eq_ignore_ascii_case(parameter))
        {
            let known: Vec<String> = declared.keys().map(|k| format!("`{k}`")).collect();
            return Err(format!(
                "`{name}` declares no parameter `{parameter}` ({})",
                if known.is_empty() {
                    "it declares none".to_string()
                } else {
                    format!("it declares {}", known.join(", "))
                }
            ));
        }
    }
    for (parameter, declaration) in &declared {
        let given = given.keys().any(|g| g.eq_ignore_ascii_case(parameter));
        if !given && declaration.get("defaultValue").is_none() {
            return Err(format!(
                "`{name}` needs a value for parameter `{parameter}`, which has no default: pass it in --params FILE"
            ));
        }
    }
    Ok(())
}

/// The report as `format` prints it: `document` is the run's JSON document so far (the
/// envelope, and the diagnostics for a project) for json, or its SARIF log for sarif.
pub fn render(
    report: &Report,
    format: ReportFormat,
    colored: bool,
    fail_on: FailOn,
    document: Option<Value>,
    extra: Map<String, Value>,
) -> String {
    let mut bytes = Vec::new();
    // Writing into memory cannot fail, and what is written is UTF-8.
    let _ = write(
        report, format, colored, fail_on, document, extra, &mut bytes,
    );
    String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// [`render`], written to `out` as it is made: the JSON document of 100,000 resources is not
/// held in memory whole.
pub fn write(
    report: &Report,
    format: ReportFormat,
    colored: bool,
    fail_on: FailOn,
    document: Option<Value>,
    extra: Map<String, Value>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let text = match format {
        ReportFormat::Human => report::human(report, colored),
        ReportFormat::Markdown => report::markdown(report),
        ReportFormat::Junit => report::junit(report, fail_on),
        ReportFormat::Github => crate::render::github::to_string(&annotations(report)),
        ReportFormat::AzureDevops => crate::render::azure_devops::to_string(&annotations(report)),
        ReportFormat::Json => {
            let mut document = match document {
                Some(Value::Object(document)) => document,
                _ => crate::render::json::envelope(),
            };
            // The resources are written one at a time into the output: the JSON values of
            // 100,000 resources at once would take several times the memory of the text.
            const PLACEHOLDER: &str = "\u{0}charter: the resources\u{0}";
            for (key, value) in report::json_deferred(report, PLACEHOLDER) {
                document.insert(key, value);
            }
            for (key, value) in extra {
                document.insert(key, value);
            }
            let text = crate::render::json::pretty(&Value::Object(document));
            let marker = Value::from(PLACEHOLDER).to_string();
            match text.split_once(&marker) {
                Some((before, after)) => {
                    out.write_all(before.as_bytes())?;
                    write_entries(out, &report.entries)?;
                    out.write_all(after.as_bytes())?;
                    return Ok(());
                }
                None => text,
            }
        }
        ReportFormat::Sarif => {
            let run = report::sarif_run(report, env!("CARGO_PKG_VERSION"));
            let mut log = match document {
                Some(Value::Object(log)) if log.contains_key("runs") => log,
                _ => {
                    let mut log = Map::new();
                    log.insert(
                        "$schema".to_string(),
                        json!("https://json.schemastore.org/sarif-2.1.0.json"),
                    );
                    log.insert("version".to_string(), json!("2.1.0"));
                    log.insert("runs".to_string(), json!([]));
                    log
                }
            };
            if let Some(Value::Array(runs)) = log.get_mut("runs") {
                runs.push(run);
            }
            crate::render::json::pretty(&Value::Object(log))
        }
    };
    out.write_all(text.as_bytes())
}

/// How many resources one block of the `resources` array holds (see [`write_entries`]).
const BLOCK: usize = 256;

/// `entries` as the pretty-printed `resources` array of the JSON document (a member of the
/// top-level object), as `serde_json` prints it. The entries are rendered in blocks, the even
/// ones on this thread and the odd ones on another (rendering was the largest part of an
/// audit's time after the evaluation), and written in order as they are ready.
fn write_entries(
    out: &mut dyn std::io::Write,
    entries: &[charter_evaluator::report::Entry],
) -> std::io::Result<()> {
    if entries.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    let blocks: Vec<&[charter_evaluator::report::Entry]> = entries.chunks(BLOCK).collect();
    std::thread::scope(|scope| {
        let (sender, rendered) = std::sync::mpsc::sync_channel::<std::io::Result<Vec<u8>>>(2);
        let odd: Vec<_> = blocks.iter().skip(1).step_by(2).copied().collect();
        scope.spawn(move || {
            let mut rules = RulesText::new();
            for block in odd {
                // The receiver is gone when writing failed: nothing more is wanted.
                if sender.send(render_block(block, &mut rules)).is_err() {
                    break;
                }
            }
        });
        let mut rules = RulesText::new();
        for (index, block) in blocks.iter().enumerate() {
            if index > 0 {
                out.write_all(b",")?;
            }
            let text = if index % 2 == 0 {
                render_block(block, &mut rules)?
            } else {
                rendered.recv().map_err(|_| {
                    std::io::Error::other("rendering the report's resources failed")
                })??
            };
            out.write_all(&text)?;
        }
        Ok::<(), std::io::Error>(())
    })?;
    out.write_all(b"\n  ]")
}

/// The text of each shared list of rule results (by its address), as the `rules` member of
/// an entry in the `resources` array: resources of one shape share their results, and their
/// text is made once.
type RulesText = std::collections::HashMap<usize, Box<serde_json::value::RawValue>>;

/// One block of the `resources` array as [`write_entries`] writes it: each entry on a new line,
/// indented as an element of a top-level member, separated by commas, with no brackets.
fn render_block(
    block: &[charter_evaluator::report::Entry],
    rules: &mut RulesText,
) -> std::io::Result<Vec<u8>> {
    use charter_evaluator::report::{EntryJsonWithRules, RulesJson};
    for entry in block {
        let key = Arc::as_ptr(&entry.results) as usize;
        if let std::collections::hash_map::Entry::Vacant(vacant) = rules.entry(key) {
            // Printed on its own, then indented as the member of an entry of the array
            // (JSON strings hold no line breaks, so every line break is the printer's).
            let text =
                serde_json::to_string_pretty(&RulesJson(&entry.results))?.replace('\n', "\n      ");
            vacant.insert(serde_json::value::RawValue::from_string(text)?);
        }
    }
    struct Entries<'a>(&'a [charter_evaluator::report::Entry], &'a RulesText);
    impl serde::Serialize for Entries<'_> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::{Error as _, SerializeSeq as _};
            let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
            for entry in self.0 {
                let key = Arc::as_ptr(&entry.results) as usize;
                let rules = self
                    .1
                    .get(&key)
                    .ok_or_else(|| S::Error::custom("a resource's rules were not rendered"))?;
                seq.serialize_element(&EntryJsonWithRules(entry, rules))?;
            }
            seq.end()
        }
    }
    // Written as the one member of an object, the array is indented as a top-level member is;
    // the object's and the array's opening and closing are then cut off.
    const OPEN: &str = "{\n  \"resources\": [";
    const CLOSE: &str = "\n  ]\n}";
    let mut bytes = Vec::with_capacity(block.len() * 2048);
    let wrapped = std::collections::BTreeMap::from([("resources", Entries(block, rules))]);
    serde::Serialize::serialize(&wrapped, &mut serde_json::Serializer::pretty(&mut bytes))
        .map_err(std::io::Error::other)?;
    if !(bytes.starts_with(OPEN.as_bytes()) && bytes.ends_with(CLOSE.as_bytes())) {
        return Err(std::io::Error::other(
            "a block of the report's resources was not written as an array",
        ));
    }
    bytes.truncate(bytes.len() - CLOSE.len());
    bytes.drain(..OPEN.len());
    Ok(bytes)
}

/// The findings of an audit or eval as CI annotations: per resource denied or audited, each
/// rule that decided it, at the Charter source of the rule when a project made it (else at
/// the input the resource came from); per estate check, one on the resource's input.
pub fn annotations(report: &Report) -> Vec<crate::render::ci::Annotation> {
    use crate::render::ci::{Annotation, Level};
    use charter_evaluator::report::Verdict;
    let root = std::env::current_dir()
        .ok()
        .and_then(|cwd| crate::repository::root(&cwd));
    let shown = |file: &str| {
        root.as_deref()
            .and_then(|root| crate::repository::relative(Path::new(file), root))
            .unwrap_or_else(|| file.to_string())
    };
    let mut annotations = Vec::new();
    for entry in &report.entries {
        let what = entry.id.clone().unwrap_or_else(|| entry.name.clone());
        for result in entry.results.iter() {
            let level = match result.verdict() {
                Verdict::Deny => Level::Error,
                Verdict::Audit => Level::Warning,
                _ => continue,
            };
            let (file, start) = match &result.source {
                Some(source) => (
                    Some(shown(&source.file)),
                    Some((source.line, source.column)),
                ),
                None => (entry.file.as_deref().map(shown), None),
            };
            let mut message = format!("{what}: {}", result.outcome.explain().trim_end());
            if let Some(help) = &result.message {
                message.push_str(&format!("\nhelp: {help}"));
            }
            annotations.push(Annotation {
                level,
                file,
                start,
                end: None,
                code: None,
                title: format!(
                    "charter: {} {} by `{}` of assignment `{}`",
                    entry.name,
                    if level == Level::Error {
                        "denied"
                    } else {
                        "audited"
                    },
                    result.reference_id,
                    result.assignment
                ),
                message: charter_evaluator::printable(&message),
            });
        }
        for check in &entry.checks {
            annotations.push(Annotation {
                level: if check.severity == charter_evaluator::report::Severity::Error {
                    Level::Error
                } else {
                    Level::Warning
                },
                file: entry.file.as_deref().map(shown),
                start: None,
                end: None,
                code: None,
                title: format!("charter: {} ({})", entry.name, check.code),
                message: charter_evaluator::printable(&format!("{what}: {}", check.message)),
            });
        }
    }
    annotations
}

/// Generated exports for the benchmark (`benches/audit.rs`) and its test.
pub mod corpus {
    use serde_json::{json, Value};

    const SUBSCRIPTIONS: [&str; 4] = [
        "8d3c1f0e-5b7a-4c2e-9f1d-3a6b0c4e7d21",
        "5e2a9c7b-1d4f-4b8e-a3c6-9f0d2e7b1a48",
        "2a6f9d3e-7c1b-4d8a-9e5f-0b3c7a1d6e94",
        "c4b7e2d9-8a1f-4e3c-b6d0-2f9a5c1e8b37",
    ];
    const REGIONS: [&str; 5] = [
        "swedencentral",
        "germanywestcentral",
        "francecentral",
        "eastus2",
        "westus3",
    ];
    const OWNERS: [&str; 3] = ["customer_support", "research", "customer_support"];

    /// An Azure Resource Graph export (`az graph query` output) of `count` resources, shaped
    /// like an estate governed by examples/contoso: per endpoint an AI account, a model
    /// deployment, a content filter, a blocklist and a storage account. About one resource in
    /// ten breaks a rule (a region, a model, a filter, public network access), and some
    /// deployments run a version that retires soon.
    pub fn resource_graph(count: usize) -> String {
        let mut rows: Vec<Value> = Vec::with_capacity(count);
        let mut endpoint = 0usize;
        while rows.len() < count {
            let subscription = SUBSCRIPTIONS[endpoint % SUBSCRIPTIONS.len()];
            let owner = OWNERS[endpoint % OWNERS.len()];
            let region = if endpoint % 10 == 9 {
                "eastus"
            } else {
                REGIONS[endpoint % REGIONS.len()]
            };
            let group = format!("rg-ai-{}", endpoint % 200);
            let account = format!("contoso-{}-ep{endpoint}-{region}", owner.replace('_', "-"));
            let account_id = format!(
                "/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.CognitiveServices/accounts/{account}"
            );
            let tags = json!({ "contoso-workload": owner });
            let common = |id: String, kind: &str, name: String, properties: Value, sku: Value| {
                let account_kind = match kind {
                    "Microsoft.CognitiveServices/accounts" => json!("OpenAI"),
                    "Microsoft.Storage/storageAccounts" => json!("StorageV2"),
                    _ => Value::Null,
                };
                json!({
                    "id": id, "name": name, "type": kind.to_lowercase(), "tenantId": "0f3c2b1a-9e8d-4c7b-a6f5-e4d3c2b1a098",
                    "kind": account_kind, "location": region, "resourceGroup": group, "subscriptionId": subscription,
                    "managedBy": "", "sku": sku, "plan": null, "properties": properties, "tags": tags,
                    "identity": null, "zones": null, "extendedLocation": null
                })
            };
            rows.push(common(
                account_id.clone(),
                "Microsoft.CognitiveServices/accounts",
                account.clone(),
                json!({
                    "customSubDomainName": account, "disableLocalAuth": true,
                    "publicNetworkAccess": if endpoint % 17 == 3 { "Enabled" } else { "Disabled" },
                    "provisioningState": "Succeeded"
                }),
                json!({ "name": "S0" }),
            ));
            let (model, version) = match endpoint % 7 {
                6 => ("gpt-4o", "2024-05-13"),
                0 | 3 => ("gpt-5.4-mini", "2026-03-17"),
                _ => ("gpt-5.6-sol", "2026-07-09"),
            };
            rows.push(common(
                format!("{account_id}/deployments/chat"),
                "Microsoft.CognitiveServices/accounts/deployments",
                "chat".to_string(),
                json!({
                    "model": { "format": "OpenAI", "name": model, "version": version },
                    "raiPolicyName": "customer_facing", "versionUpgradeOption": "NoAutoUpgrade",
                    "provisioningState": "Succeeded"
                }),
                json!({ "name": "DataZoneStandard", "capacity": 40 + (endpoint % 5) * 10 }),
            ));
            let weak = endpoint % 13 == 5;
            let filters: Vec<Value> = ["Prompt", "Completion"]
                .iter()
                .flat_map(|source| {
                    ["Hate", "Sexual", "Violence", "Selfharm"].iter().map(move |name| {
                        json!({ "name": name, "source": source, "severityThreshold": if weak && *name == "Hate" { "High" } else { "Low" }, "enabled": true, "blocking": true })
                    })
                })
                .chain([
                    json!({ "name": "Jailbreak", "source": "Prompt", "enabled": true, "blocking": true }),
                    json!({ "name": "Indirect Attack", "source": "Prompt", "enabled": true, "blocking": false }),
                    json!({ "name": "Protected Material Text", "source": "Completion", "enabled": true, "blocking": true }),
                    json!({ "name": "Protected Material Code", "source": "Completion", "enabled": true, "blocking": true }),
                    // The baseline's indirect-attack shield on agents' tool responses.
                    json!({ "name": "Indirect Attack", "source": "PostToolCall", "enabled": true, "blocking": false, "action": "ANNOTATING" }),
                ])
                .collect();
            rows.push(common(
                format!("{account_id}/raiPolicies/customer_facing"),
                "Microsoft.CognitiveServices/accounts/raiPolicies",
                "customer_facing".to_string(),
                json!({
                    "basePolicyName": "Microsoft.Default", "mode": "Default", "contentFilters": filters,
                    "customBlocklists": [
                        { "blocklistName": "contoso-banned-terms", "blocking": true, "source": "Prompt" },
                        { "blocklistName": "contoso-banned-terms", "blocking": true, "source": "Completion" }
                    ]
                }),
                Value::Null,
            ));
            rows.push(common(
                format!("{account_id}/raiBlocklists/contoso-banned-terms"),
                "Microsoft.CognitiveServices/accounts/raiBlocklists",
                "contoso-banned-terms".to_string(),
                json!({ "description": "Terms Contoso's assistants must never echo." }),
                Value::Null,
            ));
            rows.push(common(
                format!("/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Storage/storageAccounts/st{endpoint}"),
                "Microsoft.Storage/storageAccounts",
                format!("st{endpoint}"),
                json!({ "allowBlobPublicAccess": false, "minimumTlsVersion": "TLS1_2", "publicNetworkAccess": "Disabled" }),
                json!({ "name": "Standard_ZRS", "tier": "Standard" }),
            ));
            endpoint += 1;
        }
        rows.truncate(count);
        let total = rows.len();
        serde_json::to_string(
            &json!({ "count": total, "data": rows, "skip_token": null, "total_records": total }),
        )
        .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use charter_evaluator::report::{Entry, ReportKind, Verdict};

    fn entry(name: &str, verdict: Verdict) -> Entry {
        Entry {
            id: Some(format!("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/{name}")),
            name: name.to_string(),
            resource_type: "Microsoft.Storage/storageAccounts".to_string(),
            description: String::new(),
            file: Some("export.json".to_string()),
            origin: Some("export.json#0".to_string()),
            owner: None,
            verdict,
            effect: None,
            results: Default::default(),
            reasons: vec!["a \"quoted\"\nreason".to_string()],
            checks: Vec::new(),
            test: None,
        }
    }

    /// The JSON document written resource by resource is the one `serde_json` prints.
    #[test]
    fn resources_written_one_at_a_time_are_the_pretty_document() {
        for count in [0, 1, 3] {
            let mut audited = Report::new(ReportKind::Audit);
            for index in 0..count {
                audited
                    .entries
                    .push(entry(&format!("st{index}"), Verdict::Compliant));
            }
            audited.notes.push("a note".to_string());
            let mut extra = Map::new();
            extra.insert("audit".to_string(), json!({"failed": false}));
            let text = render(
                &audited,
                ReportFormat::Json,
                false,
                FailOn::Never,
                None,
                extra.clone(),
            );
            let mut document = crate::render::json::envelope();
            for (key, value) in report::json(&audited) {
                document.insert(key, value);
            }
            for (key, value) in extra {
                document.insert(key, value);
            }
            assert_eq!(text, crate::render::json::pretty(&Value::Object(document)));
        }
    }
}
