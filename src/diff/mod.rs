//! `charter diff BASE [HEAD] [PATH]`: what a change to a project means. Two versions of the
//! project (git revisions of the repository it is in, the working tree, or two directories)
//! are compiled and their IR compared ([`semantic`]); each change is classified as tightening,
//! loosening or neutral and names the workloads and endpoints it affects; and the Azure objects
//! the change would create, update, replace or delete are listed from the two builds
//! ([`objects`]), without contacting Azure. docs/ci.md describes it.

pub mod git;
pub mod objects;
pub mod render;
pub mod semantic;

use crate::render::color::ColorWhen;
use crate::render::stream::{self, WriteError};
use crate::{date, project};
use charter_compiler::Document;
use charter_syntax::FileId;
use clap::ValueEnum;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const EXIT_PROBLEMS: u8 = 1;
const EXIT_USAGE: u8 = 2;

/// The arguments of `charter diff`.
#[derive(clap::Args, Debug, Clone)]
pub struct DiffArgs {
    /// The old version: a git revision of the repository the project is in (`main`,
    /// `origin/main`, `HEAD~1`, a tag or a commit), or a directory holding the old project.
    pub base: String,
    /// The new version: a git revision, or a directory when BASE is one; default: the working
    /// tree. With two arguments, a second one that is a path and not a revision is PATH.
    pub head: Option<String>,
    /// The project inside the repository: a directory or a `.charter` file (default: the
    /// current directory).
    pub path: Option<PathBuf>,
    /// How to print the report (markdown: for a pull-request comment).
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Exit 1 when the change has changes of this kind (a required approval gate in CI).
    #[arg(long, value_enum, value_name = "KIND")]
    pub fail_on: Option<FailOn>,
    /// The date retirement checks compare against (YYYY-MM-DD); default: today (UTC).
    #[arg(long, value_parser = date::parse_date)]
    pub today: Option<charter_ir::Date>,
}

/// `--format` of `charter diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Human,
    Json,
    Markdown,
}

/// `--fail-on` of `charter diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any loosening change.
    Loosening,
    /// Any change in meaning at all.
    Any,
}

impl FailOn {
    fn as_str(self) -> &'static str {
        match self {
            FailOn::Loosening => "loosening",
            FailOn::Any => "any",
        }
    }
}

/// Where one version of the project comes from.
#[derive(Debug, Clone)]
enum Source {
    Revision { name: String, commit: String },
    WorkingTree,
    Directory(PathBuf),
}

/// The sources of one version, read; `None` when the project does not exist in that version.
struct Loaded {
    version: render::Version,
    sources: Option<(Vec<Document>, charter_ir::Naming)>,
    /// Files that could not be read as sources (symbolic links and submodules in git).
    skipped: Vec<String>,
}

/// A usage, IO or git error: the message on stderr and, for `--format json`, the one JSON
/// document with an `error` object on stdout.
fn fail(args: &DiffArgs, message: impl std::fmt::Display) -> ExitCode {
    let message = message.to_string();
    stream::eprintln(format_args!("error: {message}"));
    if args.format == DiffFormat::Json {
        let document = crate::render::json::error_document(&message);
        print(
            &crate::render::json::pretty(&document),
            ExitCode::from(EXIT_USAGE),
        )
    } else {
        ExitCode::from(EXIT_USAGE)
    }
}

fn print(text: &str, status: ExitCode) -> ExitCode {
    match stream::stdout(text.as_bytes()) {
        Ok(()) | Err(WriteError::Closed) => status,
        Err(WriteError::Failed(error)) => {
            stream::eprintln(format_args!(
                "error: cannot write to standard output: {error}"
            ));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// `charter diff`.
pub fn run(args: &DiffArgs, color: ColorWhen) -> ExitCode {
    let (base, head, path) = match interpret(args) {
        Ok(found) => found,
        Err(message) => return fail(args, message),
    };
    let shown_path = path.display().to_string();
    let today = args.today.unwrap_or_else(date::today_utc);
    let mut versions = Vec::new();
    for source in [&base.0, &head.0] {
        match load(source, &path, base.1.as_ref().or(head.1.as_ref())) {
            Ok(loaded) => versions.push(loaded),
            Err(message) => return fail(args, message),
        }
    }
    let (Some(head_loaded), Some(base_loaded)) = (versions.pop(), versions.pop()) else {
        return fail(args, "internal error: two versions expected");
    };
    if base_loaded.sources.is_none() && head_loaded.sources.is_none() {
        return fail(
            args,
            format!(
                "no `.charter` files in `{shown_path}` in {} nor in {}: point at a project (`charter diff BASE HEAD PATH`)",
                base_loaded.version.label(),
                head_loaded.version.label()
            ),
        );
    }
    for loaded in [&base_loaded, &head_loaded] {
        for file in &loaded.skipped {
            stream::eprintln(format_args!(
                "warning: `{}` in {} is a symbolic link or a submodule in git: not compared",
                charter_syntax::diagnostic::sanitize(file),
                loaded.version.label()
            ));
        }
        if loaded.sources.is_none() {
            stream::eprintln(format_args!(
                "note: `{shown_path}` has no `.charter` files in {}: it is compared with an empty project",
                loaded.version.label()
            ));
        }
    }
    let mut projects = Vec::new();
    for loaded in [&base_loaded, &head_loaded] {
        match &loaded.sources {
            None => projects.push(None),
            Some((documents, naming)) => {
                let compilation =
                    project::compile_documents(documents.clone(), naming.clone(), today);
                if compilation.has_errors() {
                    let sources = crate::render::sources(&compilation.documents);
                    let mut stderr = stderr_stream(color);
                    let _ = crate::render::human::emit_report(
                        &mut stderr,
                        &sources,
                        &compilation.diagnostics,
                    );
                    let message = format!(
                        "`{shown_path}` in {} does not check: fix its errors before comparing (`charter check`)",
                        loaded.version.label()
                    );
                    stream::eprintln(format_args!("error: {message}"));
                    if args.format == DiffFormat::Json {
                        let mut document = crate::render::json::report(
                            &sources,
                            &compilation.diagnostics,
                            documents.len(),
                        );
                        if let serde_json::Value::Object(map) = &mut document {
                            map.insert("error".into(), serde_json::json!({ "message": message }));
                        }
                        return print(
                            &crate::render::json::pretty(&document),
                            ExitCode::from(EXIT_PROBLEMS),
                        );
                    }
                    return ExitCode::from(EXIT_PROBLEMS);
                }
                projects.push(Some(compilation.project));
            }
        }
    }
    let (Some(head_project), Some(base_project)) = (projects.pop(), projects.pop()) else {
        return fail(args, "internal error: two projects expected");
    };
    // A version without the project is an empty project with the other's settings.
    let empty_like = |other: &Option<charter_ir::Project>| charter_ir::Project {
        naming: other.as_ref().map(|p| p.naming.clone()).unwrap_or_default(),
        ..charter_ir::Project::default()
    };
    let base_project = base_project
        .clone()
        .unwrap_or_else(|| empty_like(&head_project));
    let head_project = head_project.unwrap_or_else(|| empty_like(&Some(base_project.clone())));

    let changes = semantic::compare(&base_project, &head_project);
    let objects = match objects::compare(&base_project, &head_project) {
        Ok(objects) => objects,
        Err(message) => return fail(args, message),
    };
    let summary = semantic::summarize(&changes);
    let failed = match args.fail_on {
        Some(FailOn::Loosening) => summary.loosening > 0,
        Some(FailOn::Any) => !changes.is_empty(),
        None => false,
    };
    let report = render::Report {
        project: shown_path,
        base: base_loaded.version,
        head: head_loaded.version,
        changes,
        objects,
        fail_on: args.fail_on.map(FailOn::as_str),
        failed,
    };
    let status = if failed {
        ExitCode::from(EXIT_PROBLEMS)
    } else {
        ExitCode::SUCCESS
    };
    let text = match args.format {
        DiffFormat::Human => {
            let colored = crate::render::color::use_color(
                color,
                std::io::stdout().is_terminal(),
                &crate::render::color::ColorEnvironment::from_process(),
            );
            render::human(&report, colored)
        }
        DiffFormat::Json => crate::render::json::pretty(&render::json(&report)),
        DiffFormat::Markdown => render::markdown(&report),
    };
    let status = print(&text, status);
    if failed {
        stream::eprintln(format_args!(
            "error: the change has {} change{} (`--fail-on {}`): it needs approval",
            match args.fail_on {
                Some(FailOn::Loosening) => format!("{} loosening", summary.loosening),
                _ => format!("{}", report.changes.len()),
            },
            if report.changes.len() == 1 { "" } else { "s" },
            report.fail_on.unwrap_or_default()
        ));
    }
    status
}

fn stderr_stream(color: ColorWhen) -> codespan_reporting::term::termcolor::StandardStream {
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

/// A version's source and, for git, the repository it is read from.
type Side = (Source, Option<git::Repository>);

/// Works out what BASE, HEAD and PATH name. Revisions are looked up in the repository PATH is
/// in; an argument that is both a revision and a path is ambiguous, as git says.
fn interpret(args: &DiffArgs) -> Result<(Side, Side, PathBuf), String> {
    let clean = |text: &str| charter_syntax::diagnostic::sanitize(text);
    let mut head = args.head.clone();
    let mut path = args.path.clone();

    // Two directories: nothing to do with git.
    if args.path.is_none() {
        if let Some(second) = &head {
            if Path::new(&args.base).is_dir() && Path::new(second).is_dir() {
                let repository = Repository::around(Path::new("."));
                let revision = |text: &str| {
                    repository
                        .as_ref()
                        .and_then(|repository| repository.resolve(text))
                };
                if revision(&args.base).is_none() && revision(second).is_none() {
                    return Ok((
                        (Source::Directory(PathBuf::from(&args.base)), None),
                        (Source::Directory(PathBuf::from(second)), None),
                        PathBuf::from(second),
                    ));
                }
            }
        }
    }

    let project_path = path.clone().unwrap_or_else(|| PathBuf::from("."));
    let repository = Repository::around(&project_path);
    let Some(repository) = repository else {
        if Path::new(&args.base).is_dir() {
            if let Some(second) = head.as_deref().filter(|second| !Path::new(second).is_dir()) {
                return Err(format!(
                    "`{}` is not a directory (nor, outside a git repository, a revision): \
                     to compare two directories, give two that exist",
                    clean(second)
                ));
            }
            return Err(format!(
                "to compare two directories, give both: `charter diff {} NEW_DIRECTORY`",
                clean(&args.base)
            ));
        }
        return Err(format!(
            "`{}` is not in a git repository (or git is not installed), so `{}` cannot be read as a revision; \
             to compare two directories, give both: `charter diff OLD_DIRECTORY NEW_DIRECTORY`",
            clean(&project_path.display().to_string()),
            clean(&args.base)
        ));
    };
    let Some(base_commit) = repository.resolve(&args.base) else {
        return Err(format!(
            "`{}` is not a revision of the repository at `{}`: give a branch, tag or commit (`main`, `HEAD~1`), \
             or two directories (fetch the base branch first in a shallow CI checkout)",
            clean(&args.base),
            clean(&repository.root.display().to_string())
        ));
    };
    if Path::new(&args.base).exists() {
        return Err(ambiguous(&args.base));
    }

    // With two arguments, the second is HEAD when it is a revision, PATH when it is a path.
    let mut head_commit = None;
    if let Some(second) = head.clone() {
        let commit = repository.resolve(&second);
        let exists = Path::new(&second).exists();
        match (commit, exists, args.path.is_some()) {
            (Some(_), true, false) => return Err(ambiguous(&second)),
            (Some(commit), _, _) => head_commit = Some(commit),
            (None, true, false) => {
                path = Some(PathBuf::from(&second));
                head = None;
            }
            (None, _, _) => {
                return Err(format!(
                    "`{}` is neither a revision of the repository nor a path",
                    clean(&second)
                ))
            }
        }
    }
    let project_path = path.unwrap_or_else(|| PathBuf::from("."));
    // PATH may have been read from the second argument: it must be in the same repository.
    let repository = Repository::around(&project_path).unwrap_or(repository);
    let base = (
        Source::Revision {
            name: args.base.clone(),
            commit: base_commit,
        },
        Some(repository.clone()),
    );
    let head = match (head, head_commit) {
        (Some(name), Some(commit)) => (Source::Revision { name, commit }, Some(repository)),
        _ => (Source::WorkingTree, Some(repository)),
    };
    Ok((base, head, project_path))
}

fn ambiguous(argument: &str) -> String {
    let argument = charter_syntax::diagnostic::sanitize(argument);
    format!(
        "`{argument}` is both a revision and a path: write `./{argument}` for the path, or `{argument}^{{commit}}` for the revision"
    )
}

/// Discovery of the repository around a path that may not exist in the working tree.
struct Repository;

impl Repository {
    fn around(path: &Path) -> Option<git::Repository> {
        let mut directory = git::resolve_existing_prefix(path);
        while !directory.is_dir() {
            directory = directory.parent()?.to_path_buf();
        }
        git::Repository::discover(&directory)
    }
}

/// Reads one version's sources.
fn load(
    source: &Source,
    path: &Path,
    repository: Option<&git::Repository>,
) -> Result<Loaded, String> {
    match source {
        Source::WorkingTree | Source::Directory(_) => {
            let (directory, version) = match source {
                Source::Directory(directory) => (
                    directory.clone(),
                    render::Version {
                        kind: "directory",
                        name: directory.display().to_string(),
                        commit: None,
                        exists: true,
                    },
                ),
                _ => (
                    path.to_path_buf(),
                    render::Version {
                        kind: "working_tree",
                        name: "working tree".into(),
                        commit: None,
                        exists: true,
                    },
                ),
            };
            if !directory.exists() {
                return Ok(Loaded {
                    version: render::Version {
                        exists: false,
                        ..version
                    },
                    sources: None,
                    skipped: Vec::new(),
                });
            }
            let loaded = project::load(&directory).map_err(|error| error.to_string())?;
            let manifest = crate::manifest::load(&loaded.root)?;
            Ok(Loaded {
                version,
                sources: Some((
                    loaded.documents,
                    manifest.map(|m| m.naming()).unwrap_or_default(),
                )),
                skipped: Vec::new(),
            })
        }
        Source::Revision { name, commit } => {
            let Some(repository) = repository else {
                return Err("internal error: a revision without a repository".into());
            };
            let absolute = git::resolve_existing_prefix(path);
            let Some(prefix) = repository.relative(&absolute) else {
                return Err(format!(
                    "`{}` is outside the git repository at `{}`",
                    path.display(),
                    repository.root.display()
                ));
            };
            let tree = repository.read_tree(commit, &prefix)?;
            let mut version = render::Version {
                kind: "revision",
                name: name.clone(),
                commit: Some(commit.clone()),
                exists: true,
            };
            let mut documents = Vec::new();
            let mut manifest = None;
            for file in tree.files {
                let text = String::from_utf8(file.bytes).map_err(|error| {
                    format!(
                        "`{}` at {} is not valid UTF-8: invalid byte at offset {}; Charter sources must be UTF-8 text",
                        file.path,
                        git::short(commit),
                        error.utf8_error().valid_up_to()
                    )
                })?;
                if file.path.ends_with(crate::manifest::FILE_NAME) {
                    let parsed = crate::manifest::parse(&text)
                        .map_err(|problem| format!("{name}:{}:{problem}", file.path))?;
                    manifest = Some(parsed);
                    continue;
                }
                documents.push(Document {
                    id: FileId(documents.len() as u32),
                    // As git names a file in a revision.
                    path: format!("{name}:{}", file.path),
                    text,
                    is_stdlib: false,
                });
            }
            if documents.is_empty() {
                version.exists = false;
                return Ok(Loaded {
                    version,
                    sources: None,
                    skipped: tree.skipped,
                });
            }
            Ok(Loaded {
                version,
                sources: Some((documents, manifest.map(|m| m.naming()).unwrap_or_default())),
                skipped: tree.skipped,
            })
        }
    }
}
