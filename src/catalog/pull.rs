//! `charter catalog pull PATH --arm-endpoint URL --subscription ID`: Azure's models list per
//! location, merged into the previous catalog and written into the project; then what changed,
//! which endpoints each change affects, and what `check` says differently because of it.

use super::merge::{self, Change, ChangeKind};
use super::{fail, print, CatalogFormat};
use crate::{date, project};
use charter_azure::arm;
use charter_azure::auth::AuthMethod;
use charter_compiler::catalog_layers;
use charter_compiler::{Compilation, Document};
use charter_ir::Date;
use charter_syntax::{FileId, Severity};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The catalog file `pull` writes when the project has none yet.
pub const DEFAULT_FILE: &str = "catalog.charter";

/// Options of `charter catalog pull`.
#[derive(clap::Args, Debug, Clone)]
pub struct PullArgs {
    /// A `.charter` file, or a project directory (every `.charter` file under it).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Azure Resource Manager endpoint (sovereign clouds, emulators); plain http:// only on a
    /// loopback address.
    #[arg(long, value_name = "URL", default_value = arm::PUBLIC_ARM_ENDPOINT)]
    pub arm_endpoint: String,
    /// The subscription whose models list is read (a GUID).
    #[arg(long, value_name = "ID")]
    pub subscription: String,
    /// How to sign in (as for `charter publish`): auto, client-secret, workload-identity,
    /// github-actions, azure-pipelines, managed-identity or azure-cli.
    #[arg(long, value_name = "METHOD", default_value = "auto", value_parser = crate::publish::parse_auth)]
    pub auth: AuthMethod,
    /// A location to read (repeatable); default: the regions the project's endpoints use.
    #[arg(long = "location", value_name = "REGION")]
    pub locations: Vec<String>,
    /// Read every region of the catalog.
    #[arg(long, conflicts_with = "locations")]
    pub all_locations: bool,
    /// The catalog file to write; default: the project's pulled catalog, else
    /// `catalog.charter` at the project's root.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show the changes without writing the file.
    #[arg(long)]
    pub dry_run: bool,
    /// How to print the changes.
    #[arg(long, value_enum, default_value_t = CatalogFormat::Text)]
    pub format: CatalogFormat,
    /// How long one request may be retried (throttling, server errors).
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub retry_timeout: u64,
    /// The date of the pull and of the checks (YYYY-MM-DD); default: today (UTC).
    #[arg(long, value_parser = date::parse_date)]
    pub today: Option<Date>,
}

/// A diagnostic as the pull's report compares them: where, what.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Finding {
    file: String,
    line: usize,
    severity: &'static str,
    code: &'static str,
    message: String,
}

fn findings(compilation: &Compilation, skip: Option<&str>) -> BTreeSet<Finding> {
    compilation
        .diagnostics
        .iter()
        .filter_map(|d| {
            let document = compilation.document(d.primary.span.file)?;
            if document.is_stdlib || Some(document.path.as_str()) == skip {
                return None;
            }
            let start = (d.primary.span.start as usize).min(document.text.len());
            let line = document
                .text
                .get(..start)
                .unwrap_or("")
                .matches('\n')
                .count()
                + 1;
            Some(Finding {
                file: document.path.clone(),
                line,
                severity: if d.severity == Severity::Error {
                    "error"
                } else {
                    "warning"
                },
                code: d.code,
                message: d.message.clone(),
            })
        })
        .collect()
}

pub fn run(args: &PullArgs) -> ExitCode {
    let today = args.today.unwrap_or_else(date::today_utc);
    if !charter_azure::desired::is_guid(&args.subscription) {
        return fail(format!(
            "`{}` is not a subscription id (a GUID)",
            args.subscription
        ));
    }
    let (loaded, before) = match project::compile(&args.path, today) {
        Ok(result) => result,
        Err(message) => return fail(message),
    };
    // The previous pulled catalog, if the project has one: the base of the new one.
    let previous = loaded
        .documents
        .iter()
        .zip(&loaded.paths)
        .find(|(d, _)| catalog_layers::is_pulled(&d.text));
    let target: PathBuf = match (&args.output, previous) {
        (Some(file), _) => file.clone(),
        (None, Some((_, path))) => path.clone(),
        (None, None) => loaded.root.join(DEFAULT_FILE),
    };
    let base_documents: Vec<Document> = previous
        .map(|(d, _)| Document {
            id: FileId(0),
            ..d.clone()
        })
        .into_iter()
        .collect();
    let base = charter_compiler::compile(base_documents, &charter_compiler::Options::new(today));
    let old_models = merge::from_catalog(&base.catalog);

    let locations: Vec<String> = if !args.locations.is_empty() {
        args.locations.clone()
    } else {
        let used: BTreeSet<String> = before
            .project
            .workloads
            .iter()
            .flat_map(|w| w.endpoints.iter().flat_map(|e| e.regions.iter().cloned()))
            .collect();
        if args.all_locations || used.is_empty() {
            base.catalog.region_names().map(str::to_string).collect()
        } else {
            used.into_iter().collect()
        }
    };

    let client =
        match crate::publish::signed_in_client(&args.arm_endpoint, args.auth, args.retry_timeout) {
            Ok(client) => client,
            Err(code) => return ExitCode::from(code),
        };
    let mut offered = BTreeMap::new();
    for location in &locations {
        match charter_azure::models::list_models(&client, &args.subscription, location) {
            Ok(versions) => {
                offered.insert(location.clone(), versions);
            }
            Err(error) => {
                return fail(format!(
                    "reading the models of `{location}`: {error}\n  note: nothing was written; the catalog is unchanged"
                ))
            }
        }
    }

    let mut new_models = old_models.clone();
    merge::apply(&mut new_models, &offered, today);
    let header = vec![
        format!(
            "{} as of {today} from {}, subscription {}",
            catalog_layers::PULLED_MARKER,
            args.arm_endpoint,
            args.subscription
        ),
        format!("Locations read: {}.", locations.join(", ")),
        "Written by `charter catalog pull`, which reads Azure's models list (lifecycle, retirement"
            .to_string(),
        "dates, deployment types per region) and keeps the rest (successors, other regions) from"
            .to_string(),
        "the previous catalog. It takes precedence over the embedded catalog. Review it in a pull"
            .to_string(),
        "request; do not edit it: add local entries in another file (docs/catalog.md).".to_string(),
    ];
    let source = merge::render(&new_models, &header);
    let formatted = match charter_syntax::format::format_source(FileId(0), &source) {
        Ok(text) => text,
        Err(error) => return fail(format!("the pulled catalog does not format: {error:?}")),
    };
    let changes = merge::changes(&old_models, &new_models, &before.project);

    // What `check` says with the new catalog, compared with before.
    let target_shown = shown_path(&target, &loaded.root, &loaded);
    let mut documents: Vec<Document> = loaded
        .documents
        .iter()
        .filter(|d| !catalog_layers::is_pulled(&d.text))
        .cloned()
        .collect();
    documents.push(Document {
        id: FileId(documents.iter().map(|d| d.id.0 + 1).max().unwrap_or(0)),
        path: target_shown.clone(),
        text: formatted.clone(),
        is_stdlib: false,
    });
    for (index, document) in documents.iter_mut().enumerate() {
        document.id = FileId(index as u32);
    }
    let naming = before.project.naming.clone();
    let after = project::compile_documents(documents, naming, today);
    let catalog_problems: Vec<Finding> = findings(&after, None)
        .into_iter()
        .filter(|f| f.file == target_shown)
        .collect();
    let (old_findings, new_findings) = (
        findings(&before, previous.map(|(d, _)| d.path.as_str())),
        findings(&after, Some(&target_shown)),
    );
    let appeared: Vec<&Finding> = new_findings.difference(&old_findings).collect();
    let resolved: Vec<&Finding> = old_findings.difference(&new_findings).collect();

    if !catalog_problems.is_empty() {
        for problem in &catalog_problems {
            crate::render::stream::eprintln(format_args!(
                "{}:{}: {}[{}]: {}",
                problem.file, problem.line, problem.severity, problem.code, problem.message
            ));
        }
        return fail("the pulled catalog does not check; nothing was written");
    }
    if !args.dry_run {
        if let Err(message) = write(&target, &formatted) {
            return fail(message);
        }
    }
    let report = Report {
        target: &target_shown,
        written: !args.dry_run,
        today,
        locations: &locations,
        changes: &changes,
        appeared: &appeared,
        resolved: &resolved,
    };
    match args.format {
        CatalogFormat::Json => print(
            &crate::render::json::pretty(&report.json()),
            ExitCode::SUCCESS,
        ),
        CatalogFormat::Text => print(&report.text(), ExitCode::SUCCESS),
    }
}

/// The path of the catalog file as the project's other paths are shown.
fn shown_path(target: &Path, root: &Path, loaded: &project::Project) -> String {
    if let Some(index) = loaded.paths.iter().position(|p| p == target) {
        return loaded.documents[index].path.clone();
    }
    let root_shown = project::shown(root);
    let name = target
        .strip_prefix(root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| target.to_string_lossy().replace('\\', "/"));
    if root_shown.is_empty() || root_shown == "." || !target.starts_with(root) {
        name
    } else {
        format!("{}/{name}", root_shown.trim_end_matches('/'))
    }
}

/// Writes `contents` to `file` atomically (a temporary file in the same directory, renamed).
fn write(file: &Path, contents: &str) -> Result<(), String> {
    let directory = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let mut temporary = tempfile::NamedTempFile::new_in(directory)
        .map_err(|error| format!("cannot write into `{}`: {error}", project::shown(directory)))?;
    std::io::Write::write_all(&mut temporary, contents.as_bytes())
        .map_err(|error| format!("cannot write `{}`: {error}", project::shown(file)))?;
    temporary
        .persist(file)
        .map_err(|error| format!("cannot write `{}`: {}", project::shown(file), error.error))?;
    Ok(())
}

struct Report<'r> {
    target: &'r str,
    written: bool,
    today: Date,
    locations: &'r [String],
    changes: &'r [Change],
    appeared: &'r [&'r Finding],
    resolved: &'r [&'r Finding],
}

impl Report<'_> {
    fn text(&self) -> String {
        let mut out = format!(
            "{} {} (as of {}, {} location{})\n",
            if self.written { "Wrote" } else { "Would write" },
            self.target,
            self.today,
            self.locations.len(),
            if self.locations.len() == 1 { "" } else { "s" }
        );
        if self.changes.is_empty() {
            out.push_str("No changes since the previous catalog.\n");
        } else {
            out.push_str(&format!(
                "\n{} change{} since the previous catalog:\n",
                self.changes.len(),
                if self.changes.len() == 1 { "" } else { "s" }
            ));
        }
        for change in self.changes {
            let sign = match change.kind {
                ChangeKind::NewModel | ChangeKind::NewVersion | ChangeKind::RegionsAdded { .. } => {
                    '+'
                }
                ChangeKind::RegionsRemoved { .. } => '-',
                _ => '~',
            };
            let what = match &change.version {
                Some(version) => format!("{} {version}", change.model),
                None => change.model.clone(),
            };
            out.push_str(&format!("  {sign} {what}: {}", change.describe()));
            if !change.endpoints.is_empty() {
                out.push_str(&format!(" (affects {})", change.endpoints.join(", ")));
            }
            out.push('\n');
        }
        if !self.appeared.is_empty() || !self.resolved.is_empty() {
            out.push_str("\nWhat `charter check` now says differently:\n");
            for f in self.appeared {
                out.push_str(&format!(
                    "  new      {}:{}: {}[{}]: {}\n",
                    f.file, f.line, f.severity, f.code, f.message
                ));
            }
            for f in self.resolved {
                out.push_str(&format!(
                    "  gone     {}:{}: {}[{}]: {}\n",
                    f.file, f.line, f.severity, f.code, f.message
                ));
            }
        }
        out
    }

    fn json(&self) -> Value {
        let finding = |f: &&Finding| json!({"file": f.file, "line": f.line, "severity": f.severity, "code": f.code, "message": f.message});
        let changes: Vec<Value> = self
            .changes
            .iter()
            .map(|c| {
                let mut value = json!({
                    "model": c.model,
                    "version": c.version,
                    "change": c.kind_name(),
                    "description": c.describe(),
                    "endpoints": c.endpoints,
                });
                match &c.kind {
                    ChangeKind::Retirement { from, to } => {
                        value["from"] = json!(from.map(|d| d.to_string()));
                        value["to"] = json!(to.map(|d| d.to_string()));
                    }
                    ChangeKind::Lifecycle { from, to } => {
                        value["from"] = json!(from.keyword());
                        value["to"] = json!(to.keyword());
                    }
                    ChangeKind::RegionsAdded {
                        deployment,
                        regions,
                    }
                    | ChangeKind::RegionsRemoved {
                        deployment,
                        regions,
                    } => {
                        value["deployment"] = json!(deployment.charter_name());
                        value["regions"] = json!(regions);
                    }
                    _ => {}
                }
                value
            })
            .collect();
        json!({
            "catalog": self.target,
            "written": self.written,
            "as_of": self.today.to_string(),
            "locations": self.locations,
            "changes": changes,
            "check": {
                "new": self.appeared.iter().map(finding).collect::<Vec<_>>(),
                "gone": self.resolved.iter().map(finding).collect::<Vec<_>>(),
            },
        })
    }
}
