//! `charter catalog`: pull the model catalog from Azure into the project (`pull`), and ask it
//! questions (`models`, `where`, `calendar`), as text or JSON. See docs/catalog.md.

pub mod merge;
mod pull;

use crate::render::stream::{self, WriteError};
use crate::{date, project};
use charter_compiler::catalog::{Catalog, ModelVersion};
use charter_compiler::catalog_query::{self, VersionFilter};
use charter_ir::Date;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub use pull::PullArgs;

/// `--format` of the catalog commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CatalogFormat {
    Text,
    Json,
}

/// `charter catalog ...`.
#[derive(clap::Subcommand, Debug)]
pub enum CatalogCommand {
    /// Read Azure's models list for the project's regions (or all) and write it into the
    /// project as a catalog file that takes precedence over the embedded catalog; print what
    /// changed and which endpoints each change affects.
    Pull {
        #[command(flatten)]
        args: PullArgs,
    },
    /// List catalog versions by capability (the model's kind), deployment type, region and
    /// lifecycle.
    Models {
        /// A `.charter` file, or a project directory (its pulled catalog and local entries count).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// The model's kind: chat, completions, embeddings, image, audio, video, other.
        #[arg(long, value_name = "KIND")]
        capability: Option<String>,
        /// A deployment type (global_standard, data_zone_standard, standard, ...).
        #[arg(long, value_name = "TYPE", value_parser = parse_deployment)]
        deployment: Option<charter_ir::DeploymentType>,
        /// A region (`swedencentral`).
        #[arg(long, value_name = "REGION")]
        region: Option<String>,
        /// preview, ga, legacy, deprecated or retired (on `--today`).
        #[arg(long, value_name = "STAGE", value_parser = parse_lifecycle)]
        lifecycle: Option<charter_compiler::catalog::Lifecycle>,
        #[command(flatten)]
        common: QueryArgs,
    },
    /// Where a model's versions (or one version) are available, per deployment type.
    Where {
        /// The model name (`gpt-5.5`).
        model: String,
        /// One version (`2026-04-24`); every version when left out.
        version: Option<String>,
        /// A `.charter` file, or a project directory.
        #[arg(long, default_value = ".")]
        path: PathBuf,
        #[command(flatten)]
        common: QueryArgs,
    },
    /// The retirement calendar of every model version the project deploys, soonest first,
    /// with successors and the endpoints that use each.
    Calendar {
        /// A `.charter` file, or a project directory.
        #[arg(default_value = ".")]
        path: PathBuf,
        #[command(flatten)]
        common: QueryArgs,
    },
}

/// Options every query takes.
#[derive(clap::Args, Debug, Clone)]
pub struct QueryArgs {
    /// How to print the answer.
    #[arg(long, value_enum, default_value_t = CatalogFormat::Text)]
    pub format: CatalogFormat,
    /// The date lifecycles are judged on (YYYY-MM-DD); default: today (UTC).
    #[arg(long, value_parser = date::parse_date)]
    pub today: Option<Date>,
}

fn parse_deployment(text: &str) -> Result<charter_ir::DeploymentType, String> {
    charter_compiler::catalog::deployment_type(text).ok_or_else(|| {
        let names: Vec<&str> = charter_ir::DeploymentType::ALL
            .iter()
            .map(|k| k.charter_name())
            .collect();
        format!(
            "unknown deployment type `{text}`: one of {}",
            names.join(", ")
        )
    })
}

fn parse_lifecycle(text: &str) -> Result<charter_compiler::catalog::Lifecycle, String> {
    catalog_query::lifecycle(text).ok_or_else(|| {
        format!("unknown lifecycle `{text}`: one of preview, ga, legacy, deprecated, retired")
    })
}

const EXIT_USAGE: u8 = 2;

fn fail(message: impl std::fmt::Display) -> ExitCode {
    stream::eprintln(format_args!("error: {message}"));
    ExitCode::from(EXIT_USAGE)
}

fn print(text: &str, status: ExitCode) -> ExitCode {
    match stream::stdout(text.as_bytes()) {
        Ok(()) | Err(WriteError::Closed) => status,
        Err(WriteError::Failed(error)) => fail(format!("cannot write to standard output: {error}")),
    }
}

fn print_json(value: &Value) -> ExitCode {
    print(&crate::render::json::pretty(value), ExitCode::SUCCESS)
}

/// Runs `charter catalog ...`.
pub fn run(command: &CatalogCommand) -> ExitCode {
    match command {
        CatalogCommand::Pull { args } => pull::run(args),
        CatalogCommand::Models {
            path,
            capability,
            deployment,
            region,
            lifecycle,
            common,
        } => {
            let filter = VersionFilter {
                capability: capability.clone(),
                deployment: *deployment,
                region: region.clone(),
                lifecycle: *lifecycle,
            };
            with_catalog(path, common, |catalog, _, today| {
                models(catalog, &filter, today, common.format)
            })
        }
        CatalogCommand::Where {
            model,
            version,
            path,
            common,
        } => with_catalog(path, common, |catalog, _, _| {
            availability(catalog, model, version.as_deref(), common.format)
        }),
        CatalogCommand::Calendar { path, common } => {
            with_catalog(path, common, |catalog, project, today| {
                calendar(catalog, project, today, common.format)
            })
        }
    }
}

/// Compiles the project at `path` (so its pulled catalog and local entries count) and answers.
fn with_catalog(
    path: &Path,
    common: &QueryArgs,
    answer: impl FnOnce(&Catalog, &charter_ir::Project, Date) -> ExitCode,
) -> ExitCode {
    let today = common.today.unwrap_or_else(date::today_utc);
    match project::compile(path, today) {
        Ok((_, compilation)) => answer(&compilation.catalog, &compilation.project, today),
        Err(message) => fail(message),
    }
}

fn dated(catalog: &Catalog) -> Value {
    match catalog.dated() {
        Some(dated) => json!({"date": dated.date.to_string(), "pulled": dated.pulled}),
        None => Value::Null,
    }
}

fn retirement_text(version: &ModelVersion) -> String {
    match (version.retirement, version.retirement_not_before) {
        (Some(date), _) => format!("retires {date}"),
        (None, Some(date)) => format!("retires no earlier than {date}"),
        (None, None) => "no retirement date".to_string(),
    }
}

/// The deployment types a version is offered as: in `region` when the query names one,
/// anywhere otherwise.
fn deployment_types(version: &ModelVersion, region: Option<&str>) -> Vec<&'static str> {
    match region {
        Some(region) => version
            .deployment_types_in(region)
            .into_iter()
            .map(|kind| kind.charter_name())
            .collect(),
        None => catalog_query::regions_by_type(version)
            .iter()
            .map(|(kind, _)| kind.charter_name())
            .collect(),
    }
}

fn models(
    catalog: &Catalog,
    filter: &VersionFilter,
    today: Date,
    format: CatalogFormat,
) -> ExitCode {
    let rows = catalog_query::versions(catalog, filter, today);
    if format == CatalogFormat::Json {
        let items: Vec<Value> = rows
            .iter()
            .map(|row| {
                json!({
                    "model": row.model.name,
                    "version": row.version.version,
                    "kind": row.model.kind,
                    "format": row.model.format,
                    "lifecycle": row.lifecycle.keyword(),
                    "retirement": row.version.retirement.map(|d| d.to_string()),
                    "retirement_not_before": row.version.retirement_not_before.map(|d| d.to_string()),
                    "successor": row.version.successor.as_ref().map(|s| json!({"model": s.model, "version": s.version})),
                    "deployment_types": deployment_types(row.version, filter.region.as_deref()),
                })
            })
            .collect();
        return print_json(
            &json!({"catalog": dated(catalog), "today": today.to_string(), "versions": items}),
        );
    }
    let mut out = String::new();
    for row in &rows {
        out.push_str(&format!(
            "{} {}  {}  {}  {}\n",
            row.model.name,
            row.version.version,
            row.model.kind.as_deref().unwrap_or("-"),
            row.lifecycle.keyword(),
            retirement_text(row.version)
        ));
    }
    out.push_str(&format!(
        "{} version{} ({})\n",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        catalog
            .dated()
            .map_or_else(|| "catalog".to_string(), |d| d.describe())
    ));
    print(&out, ExitCode::SUCCESS)
}

fn availability(
    catalog: &Catalog,
    model: &str,
    version: Option<&str>,
    format: CatalogFormat,
) -> ExitCode {
    let Some(versions) = catalog_query::availability(catalog, model, version) else {
        let what = match version {
            Some(version) => format!("version `{version}` of `{model}`"),
            None => format!("model `{model}`"),
        };
        let mut message = format!("{what} is not in the catalog");
        if catalog.model(model).is_none() {
            // One lookup, outside any compilation: give it a full suggestion budget.
            charter_compiler::suggest::reset_budget();
            if let Some(near) = charter_compiler::suggest::closest(model, catalog.model_names()) {
                message.push_str(&format!(" (did you mean `{near}`?)"));
            }
        }
        return fail(message);
    };
    if format == CatalogFormat::Json {
        let items: Vec<Value> = versions
            .iter()
            .map(|v| {
                let types: serde_json::Map<String, Value> = catalog_query::regions_by_type(v)
                    .into_iter()
                    .map(|(kind, regions)| (kind.charter_name().to_string(), json!(regions)))
                    .collect();
                json!({"version": v.version, "availability": types})
            })
            .collect();
        return print_json(&json!({"catalog": dated(catalog), "model": model, "versions": items}));
    }
    let mut out = String::new();
    for v in &versions {
        out.push_str(&format!("{model} {}\n", v.version));
        let types = catalog_query::regions_by_type(v);
        if types.is_empty() {
            out.push_str("  no availability in the catalog\n");
        }
        for (kind, regions) in types {
            out.push_str(&format!(
                "  {}: {}\n",
                kind.charter_name(),
                regions.join(", ")
            ));
        }
    }
    print(&out, ExitCode::SUCCESS)
}

fn calendar(
    catalog: &Catalog,
    project: &charter_ir::Project,
    today: Date,
    format: CatalogFormat,
) -> ExitCode {
    let entries = catalog_query::calendar(catalog, project, today);
    if format == CatalogFormat::Json {
        let items: Vec<Value> = entries
            .iter()
            .map(|e| {
                json!({
                    "model": e.model,
                    "version": e.version,
                    "lifecycle": e.lifecycle.keyword(),
                    "retirement": e.retirement.map(|d| d.to_string()),
                    "retirement_not_before": e.retirement_not_before.map(|d| d.to_string()),
                    "days_left": e.days_left,
                    "successor": e.successor.as_ref().map(|s| json!({"model": s.model, "version": s.version})),
                    "endpoints": e.endpoints,
                })
            })
            .collect();
        return print_json(
            &json!({"catalog": dated(catalog), "today": today.to_string(), "calendar": items}),
        );
    }
    let mut out = String::new();
    if entries.is_empty() {
        out.push_str("the project deploys no model versions\n");
    }
    for e in &entries {
        let when = match (e.retirement, e.retirement_not_before, e.days_left) {
            (Some(date), _, Some(days)) if days < 0 => {
                format!("retired {date} ({} days ago)", -days)
            }
            (Some(date), _, Some(days)) => format!("retires {date} (in {days} days)"),
            (None, Some(date), Some(days)) => {
                format!("retires no earlier than {date} (in {days} days)")
            }
            _ => "no retirement date".to_string(),
        };
        out.push_str(&format!(
            "{} {}  {}  {when}\n",
            e.model,
            e.version,
            e.lifecycle.keyword()
        ));
        if let Some(successor) = &e.successor {
            out.push_str(&format!("  successor: {successor}\n"));
        }
        out.push_str(&format!("  used by: {}\n", e.endpoints.join(", ")));
    }
    if let Some(dated) = catalog.dated() {
        out.push_str(&format!("({})\n", dated.describe()));
    }
    print(&out, ExitCode::SUCCESS)
}

/// `check`'s note when the catalog is older than 90 days (on stderr, for a person).
pub fn note_when_stale(catalog: &Catalog, today: Date, human: bool) {
    let Some(dated) = catalog.dated() else {
        return;
    };
    if human && dated.is_stale(today) {
        stream::eprintln(format_args!(
            "note: the {} is {} days old: Azure may have released versions or moved retirement dates since; run `charter catalog pull` to bring it up to date (docs/catalog.md)",
            dated.describe(),
            dated.age_days(today)
        ));
    }
}

/// The catalog's date and age, for `check --format json`.
pub fn age_json(catalog: &Catalog, today: Date) -> Option<Value> {
    let dated = catalog.dated()?;
    Some(json!({
        "date": dated.date.to_string(),
        "pulled": dated.pulled,
        "age_days": dated.age_days(today),
        "stale": dated.is_stale(today),
    }))
}
