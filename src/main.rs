//! `charter`: check, build, format and test Charter policies; explain error codes; serve LSP;
//! generate shell completions and man pages.

use charter::render;
use charter::render::color::{self, ColorEnvironment, ColorWhen};
use charter::render::stream::{self, WriteError};
use charter::{date, doc, output, project, version};
use charter_compiler::Compilation;
use charter_syntax::Severity;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{
    Buffer, Color, ColorChoice, ColorSpec, StandardStream, WriteColor,
};
use serde_json::{json, Value};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// mimalloc instead of the system allocator: fewer instructions per allocation and free, which
/// a run does by the tens of thousands (docs/performance.md, "the stdlib once").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Policy-as-code for governing AI workloads on Azure.
#[derive(Parser)]
#[command(
    name = "charter",
    version = version::version(),
    about,
    long_about = None,
    after_long_help = AFTER_LONG_HELP
)]
struct Cli {
    /// When to colour output.
    ///
    /// auto: on a terminal, unless NO_COLOR is set and not empty; CLICOLOR_FORCE (not 0)
    /// colours a pipe too, CLICOLOR=0 turns colour off.
    #[arg(long, value_enum, global = true, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    #[command(subcommand)]
    command: Command,
}

/// `charter --help` (long form) and the man page end with this.
const AFTER_LONG_HELP: &str = "\
Exit status:
  0  success
  1  errors in the sources (or warnings with --deny-warnings), unformatted files with
     `fmt --check`, failing test cases, what `audit` and `eval` --fail-on
  2  usage, read or write errors

Environment:
  NO_COLOR        when set and not empty, no colour (unless --color=always)
  CLICOLOR_FORCE  when set and not 0, colour even when output is not a terminal
  CLICOLOR        0: no colour on a terminal either";

#[derive(Subcommand)]
enum Command {
    /// Parse and check a project (a `.charter` file or a directory); exit 1 on errors.
    Check {
        /// A `.charter` file, or a project directory (every `.charter` file under it).
        #[arg(default_value = ".")]
        path: PathBuf,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Check, then write Azure Policy JSON and Terraform into the output directory.
    Build {
        /// A `.charter` file, or a project directory (every `.charter` file under it).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Output directory.
        #[arg(short, long, default_value = "out")]
        out: PathBuf,
        /// Where the pages of `charter doc` are published: the address of the HTML folder, or a
        /// template with {policy} and {rule}. Each non-compliance message then ends with a link
        /// to its rule on the "Why was I denied?" page.
        #[arg(long, value_name = "URL")]
        docs_url: Option<String>,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Write the governance as documentation pages (Markdown, self-contained HTML, SVG) for
    /// workload teams and auditors.
    Doc {
        /// A `.charter` file, or a project directory (every `.charter` file under it).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Output directory.
        #[arg(short, long, default_value = "site")]
        out: PathBuf,
        /// Change nothing; exit 1 when the pages in the output directory are not current (for
        /// the date they were made for, unless --today is given).
        #[arg(long)]
        check: bool,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Format `.charter` files in the canonical layout (`-`: standard input to standard output).
    Fmt {
        /// `.charter` files and project directories (every `.charter` file under them), or `-`
        /// to format standard input to standard output.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// Change nothing: print the changes as a unified diff and exit 1 when a file is not
        /// formatted.
        #[arg(long)]
        check: bool,
    },
    /// Print the long explanation of an error code, such as E0301.
    Explain {
        /// The code; omit it with `--list` or `--markdown`.
        code: Option<String>,
        /// List every code with its title.
        #[arg(long)]
        list: bool,
        /// Print every explanation as Markdown (this is docs/errors.md).
        #[arg(long)]
        markdown: bool,
    },
    /// Evaluate the compiled policies against the resource fixtures in `tests/`.
    Test {
        /// A `.charter` file, or a project directory (every `.charter` file under it).
        #[arg(default_value = ".")]
        path: PathBuf,
        #[command(flatten)]
        args: charter::audit::TestArgs,
    },
    /// What the project's governance would do to real resources: each resource of an export
    /// (Resource Graph, `az resource list`, ARM template, Terraform plan) or of Azure, against
    /// every assignment that covers it; and what only the project can check (retired model
    /// versions, endpoints shared across workloads, accounts no workload declares).
    Audit {
        /// A `.charter` file, or a project directory (every `.charter` file under it).
        #[arg(default_value = ".")]
        path: PathBuf,
        #[command(flatten)]
        args: charter::audit::AuditArgs,
    },
    /// Evaluate any Azure Policy definition or initiative (built-in or hand-written) against
    /// resources, with the trace of every condition.
    Eval {
        #[command(flatten)]
        args: charter::audit::EvalArgs,
    },
    /// Say what a change to the project means: each change tightening, loosening or neutral,
    /// the workloads and endpoints it affects, and the Azure objects that would change.
    ///
    /// BASE and HEAD are git revisions of the repository the project is in (HEAD defaults to
    /// the working tree), or two directories: `charter diff main`, `charter diff origin/main
    /// HEAD policies/`, `charter diff old/ new/`.
    Diff {
        #[command(flatten)]
        args: charter::diff::DiffArgs,
    },
    /// Compare what the build would publish with what is deployed in Azure, and print the plan.
    Plan {
        /// A `.charter` file, or a project directory (every `.charter` file under it).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// How to print the plan.
        #[arg(long, value_enum, default_value_t = charter::publish::PlanFormat::Human)]
        format: charter::publish::PlanFormat,
        /// Also save the plan as JSON, for `charter publish --plan FILE`.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Exit 0 when nothing would change, 2 when something would, 1 on any error.
        #[arg(long)]
        detailed_exitcode: bool,
        #[command(flatten)]
        azure: charter::publish::AzureArgs,
    },
    /// Publish the project's Azure Policy objects to Azure (plan, confirm, apply).
    Publish {
        /// A `.charter` file, or a project directory (every `.charter` file under it).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Apply exactly this saved plan (`charter plan --out FILE`); refused when what is
        /// deployed has changed since it was made.
        #[arg(long, value_name = "FILE")]
        plan: Option<PathBuf>,
        /// Do not ask for confirmation (for CI).
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        azure: charter::publish::AzureArgs,
    },
    /// Pull the model catalog from Azure, and ask it questions (docs/catalog.md).
    #[command(subcommand)]
    Catalog(charter::catalog::CatalogCommand),
    /// Run the language server on stdio.
    Lsp {
        /// Accepted for editor clients that always pass it (vscode-languageclient does); stdio
        /// is the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    ///
    /// For example: `charter completions bash > ~/.local/share/bash-completion/completions/charter`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (`charter man > charter.1`), or write one page per command.
    Man {
        /// Write `charter.1` and a `charter-COMMAND.1` page for every command into this
        /// directory (created if missing) instead of printing `charter.1`.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
    /// Start a project: write `charter.toml` (with a fresh owner id) and a starter policy into
    /// a directory (created if missing). Nothing that exists is overwritten.
    Init {
        /// The project directory.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// The project's name (default: the directory's name).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(clap::Args)]
struct CommonArgs {
    /// How to print diagnostics (json and sarif: one document on stdout; github and
    /// azure-devops: the CI system's annotation commands on stdout, the diagnostics for people
    /// on stderr).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The date retirement checks compare against (YYYY-MM-DD); default: today (UTC).
    #[arg(long, value_parser = date::parse_date)]
    today: Option<charter_ir::Date>,
    /// Treat warnings as errors.
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`).
    Github,
    /// Azure Pipelines logging commands (`##vso[task.logissue …]…`).
    AzureDevops,
}

impl Format {
    /// Whether the format is a CI system's annotations.
    fn is_ci(self) -> bool {
        matches!(self, Format::Github | Format::AzureDevops)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

impl From<ColorArg> for ColorWhen {
    fn from(arg: ColorArg) -> ColorWhen {
        match arg {
            ColorArg::Auto => ColorWhen::Auto,
            ColorArg::Always => ColorWhen::Always,
            ColorArg::Never => ColorWhen::Never,
        }
    }
}

/// Exit status: 0 ok, 1 errors in the sources, 2 usage or IO errors.
const EXIT_PROBLEMS: u8 = 1;
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return clap_exit(&error),
    };
    let ui = Ui {
        color: cli.color.into(),
        environment: ColorEnvironment::from_process(),
    };
    match cli.command {
        Command::Check { path, common } => check(&path, &common, &ui),
        Command::Build {
            path,
            out,
            docs_url,
            common,
        } => build(&path, &out, docs_url.as_deref(), &common, &ui),
        Command::Doc {
            path,
            out,
            check,
            common,
        } => document(&path, &out, check, &common, &ui),
        Command::Fmt { paths, check } => fmt(&paths, check, &ui),
        Command::Explain {
            code,
            list,
            markdown,
        } => explain(code.as_deref(), list, markdown),
        Command::Test { path, args } => test(&path, &args, &ui),
        Command::Audit { path, args } => audit(&path, &args, &ui),
        Command::Eval { args } => eval(&args, &ui),
        Command::Diff { args } => charter::diff::run(&args, ui.color),
        Command::Plan {
            path,
            format,
            out,
            detailed_exitcode,
            mut azure,
        } => {
            azure.color = ui.color;
            charter::publish::plan_command(&path, &azure, format, out.as_deref(), detailed_exitcode)
        }
        Command::Publish {
            path,
            plan,
            yes,
            mut azure,
        } => {
            azure.color = ui.color;
            charter::publish::publish_command(&path, &azure, plan.as_deref(), yes)
        }
        Command::Catalog(command) => charter::catalog::run(&command),
        Command::Lsp { stdio: _ } => match charter_lsp::run_stdio() {
            Ok(()) => ExitCode::SUCCESS,
            // The protocol's exit code for an `exit` without `shutdown` is 1.
            Err(error) => {
                eprintln!("error: language server: {error}");
                ExitCode::FAILURE
            }
        },
        Command::Completions { shell } => completions(shell),
        Command::Man { out_dir } => man(out_dir.as_deref()),
        Command::Init { path, name } => match charter::init::run(&path, name.as_deref()) {
            Ok(message) => {
                stream::eprintln(format_args!("{message}"));
                ExitCode::SUCCESS
            }
            Err(message) => usage_error(message),
        },
    }
}

/// Prints clap's help, version or usage error. `--help` into a closed pipe ends quietly; into
/// a full disk it is an error like any other output.
fn clap_exit(error: &clap::Error) -> ExitCode {
    let printed = error.print().map_err(WriteError::from_io);
    if error.use_stderr() {
        return ExitCode::from(EXIT_USAGE);
    }
    match printed {
        Err(WriteError::Failed(failure)) => {
            usage_error(format!("cannot write to standard output: {failure}"))
        }
        Ok(()) | Err(WriteError::Closed) => ExitCode::SUCCESS,
    }
}

/// How this run shows things to a person: the `--color` choice and the environment.
struct Ui {
    color: ColorWhen,
    environment: ColorEnvironment,
}

impl Ui {
    /// Standard error, coloured when the choice and the environment say so.
    fn stderr(&self) -> StandardStream {
        let colored = color::use_color(
            self.color,
            std::io::stderr().is_terminal(),
            &self.environment,
        );
        StandardStream::stderr(if colored {
            // Always, not Auto: termcolor's Auto reads NO_COLOR (even empty) and TERM itself,
            // and the decision is made above.
            ColorChoice::Always
        } else {
            ColorChoice::Never
        })
    }

    /// Whether to colour what goes to standard output (a diff).
    fn stdout_colored(&self) -> bool {
        color::use_color(
            self.color,
            std::io::stdout().is_terminal(),
            &self.environment,
        )
    }
}

fn usage_error(message: impl std::fmt::Display) -> ExitCode {
    stream::eprintln(format_args!("error: {message}"));
    ExitCode::from(EXIT_USAGE)
}

/// Writes a command's output to stdout: a closed pipe ends the run quietly with `status` (the
/// reader has what it wanted; the outcome is still the outcome), another failure is exit 2.
fn print_stdout(text: &[u8], status: ExitCode) -> ExitCode {
    outcome(stream::stdout(text), status)
}

/// Writes to standard output through `write`, as it produces it (buffered), with the outcomes
/// of [`print_stdout`].
fn write_stdout(
    status: ExitCode,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let written = write(&mut out).and_then(|()| std::io::Write::flush(&mut out));
    outcome(written.map_err(WriteError::from_io), status)
}

/// The exit status after writing the output: `status`, also when the reader closed the pipe;
/// exit 2 when writing failed otherwise.
fn outcome(written: Result<(), WriteError>, status: ExitCode) -> ExitCode {
    match written {
        Ok(()) | Err(WriteError::Closed) => status,
        Err(WriteError::Failed(error)) => {
            usage_error(format!("cannot write to standard output: {error}"))
        }
    }
}

/// A usage or I/O error of a command that takes `--format`: the message on stderr and, for
/// `--format json`, the one JSON document of the run (with an `error` object) on stdout.
fn fail(common: &CommonArgs, message: impl std::fmt::Display) -> ExitCode {
    let message = message.to_string();
    let code = usage_error(&message);
    match common.format {
        Format::Json => print_stdout(
            render::json::pretty(&render::json::error_document(&message)).as_bytes(),
            code,
        ),
        Format::Github | Format::AzureDevops => {
            let annotation = render::ci::Annotation {
                level: render::ci::Level::Error,
                file: None,
                start: None,
                end: None,
                code: None,
                title: "charter".into(),
                message,
            };
            print_stdout(
                ci_annotations(common.format, &[annotation]).as_bytes(),
                code,
            )
        }
        Format::Human | Format::Sarif => code,
    }
}

/// Annotations in the format of the CI system `format` names.
fn ci_annotations(format: Format, annotations: &[render::ci::Annotation]) -> String {
    match format {
        Format::AzureDevops => render::azure_devops::to_string(annotations),
        _ => render::github::to_string(annotations),
    }
}

/// Loads and compiles a project, or says why it could not be read.
fn compile(
    path: &Path,
    common: &CommonArgs,
    trees: project::Trees,
) -> Result<(project::Project, Compilation), ExitCode> {
    project::compile_keeping(path, common.today.unwrap_or_else(date::today_utc), trees)
        .map_err(|error| fail(common, error))
}

/// The diagnostics of a run: rendered on stderr for a person, or as the machine-readable
/// document (`--format json|sarif`) that the command completes and prints once at its end.
struct Report<'a> {
    /// Whether the diagnostics fail the run (errors, or warnings with `--deny-warnings`).
    failed: bool,
    /// The JSON or SARIF document; `None` for human output, which is already printed.
    document: Option<Document<'a>>,
    /// The CI annotations (`--format github|azure-devops`), printed by [`Report::finish`].
    annotations: Option<(Format, Vec<render::ci::Annotation>)>,
}

/// A machine-readable document, kept as what it is made of until [`Report::finish`] writes
/// it: the diagnostics are serialised one at a time straight to standard output, never held
/// as one JSON value or text (a run with 60,000 diagnostics would hold hundreds of megabytes).
struct Document<'a> {
    sources: render::SourceMap<'a>,
    diagnostics: &'a [charter_syntax::Diagnostic],
    kind: DocumentKind,
}

enum DocumentKind {
    /// The JSON report and the members the command adds after its `summary`.
    Json {
        files_checked: usize,
        members: serde_json::Map<String, Value>,
    },
    /// The SARIF log, the repository the paths are relative to, and the runs the command adds
    /// after Charter's own.
    Sarif {
        root: Option<PathBuf>,
        paths: render::ci::RepositoryPaths,
        more_runs: Vec<Value>,
    },
}

impl Document<'_> {
    fn sarif_options<'o>(
        root: &'o Option<PathBuf>,
        paths: &render::ci::RepositoryPaths,
    ) -> render::sarif::Options<'o> {
        render::sarif::Options {
            root: root.as_deref(),
            paths: paths.clone(),
            repository: charter::version::repository(),
        }
    }

    /// Writes the whole document to `writer` as it is serialised.
    fn write(&self, writer: &mut dyn Write) -> std::io::Result<()> {
        match &self.kind {
            DocumentKind::Json {
                files_checked,
                members,
            } => render::json::write(
                writer,
                &render::json::Report {
                    sources: &self.sources,
                    diagnostics: self.diagnostics,
                    files_checked: *files_checked,
                    members,
                },
            ),
            DocumentKind::Sarif {
                root,
                paths,
                more_runs,
            } => render::sarif::write(
                writer,
                &self.sources,
                self.diagnostics,
                &charter_compiler::codes::all(),
                &Self::sarif_options(root, paths),
                more_runs,
            ),
        }
    }

    /// The document as a JSON value (for `charter audit`, which adds its own members).
    fn into_value(self) -> Option<Value> {
        let mut text = Vec::new();
        self.write(&mut text).ok()?;
        serde_json::from_slice(&text).ok()
    }
}

impl Report<'_> {
    /// Adds a command's results to the JSON document (SARIF has no place for them).
    fn insert(&mut self, key: &str, value: Value) {
        if let Some(Document {
            kind: DocumentKind::Json { members, .. },
            ..
        }) = &mut self.document
        {
            members.insert(key.to_string(), value);
        }
    }

    /// Adds a run to the SARIF log, or the members of a report to the JSON document.
    fn add_report(&mut self, test_report: &charter_evaluator::report::Report) {
        match &mut self.document {
            Some(Document {
                kind: DocumentKind::Json { members, .. },
                ..
            }) => {
                for (key, value) in charter_evaluator::report::json(test_report) {
                    members.insert(key, value);
                }
            }
            Some(Document {
                kind: DocumentKind::Sarif { more_runs, .. },
                ..
            }) => more_runs.push(charter_evaluator::report::sarif_run(
                test_report,
                env!("CARGO_PKG_VERSION"),
            )),
            None => {}
        }
    }

    /// Prints the document, if any, and returns `status`.
    fn finish(self, status: ExitCode) -> ExitCode {
        if let Some((format, annotations)) = &self.annotations {
            return print_stdout(ci_annotations(*format, annotations).as_bytes(), status);
        }
        match self.document {
            Some(document) => {
                let written = document
                    .write(&mut std::io::stdout().lock())
                    .map_err(WriteError::from_io);
                match written {
                    Ok(()) | Err(WriteError::Closed) => status,
                    Err(WriteError::Failed(error)) => {
                        usage_error(format!("cannot write to standard output: {error}"))
                    }
                }
            }
            None => status,
        }
    }
}

fn report<'a>(
    compilation: &'a Compilation,
    common: &CommonArgs,
    files_checked: usize,
    ui: &Ui,
) -> Report<'a> {
    let sources = render::sources(&compilation.documents);
    let diagnostics = &compilation.diagnostics;
    let mut annotations = None;
    let kind = match common.format {
        Format::Human | Format::Github | Format::AzureDevops => {
            // In CI the log shows the diagnostics as people read them, and the annotations
            // (stdout) put them on the pull request's lines.
            let mut stream = ui.stderr();
            let _ = render::human::emit_report(&mut stream, &sources, diagnostics);
            if common.format.is_ci() {
                let (_, paths) = charter::repository::paths(&compilation.documents);
                let rules = charter_compiler::codes::all();
                annotations = Some((
                    common.format,
                    render::ci::from_diagnostics(&sources, diagnostics, &paths, &rules),
                ));
            }
            None
        }
        Format::Json => Some(DocumentKind::Json {
            files_checked,
            members: serde_json::Map::new(),
        }),
        Format::Sarif => {
            let (root, paths) = charter::repository::paths(&compilation.documents);
            Some(DocumentKind::Sarif {
                root,
                paths,
                more_runs: Vec::new(),
            })
        }
    };
    let errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
    let warnings = diagnostics.iter().any(|d| d.severity == Severity::Warning);
    Report {
        failed: errors || (common.deny_warnings && warnings),
        document: kind.map(|kind| Document {
            sources,
            diagnostics,
            kind,
        }),
        annotations,
    }
}

fn status(stream: &mut dyn WriteColor, verb: &str, rest: &str) {
    let _ = stream.set_color(ColorSpec::new().set_fg(Some(Color::Green)).set_bold(true));
    let _ = write!(stream, "{verb:>10}");
    let _ = stream.reset();
    let _ = writeln!(stream, " {rest}");
}

fn exit_status(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(EXIT_PROBLEMS)
    } else {
        ExitCode::SUCCESS
    }
}

fn check(path: &Path, common: &CommonArgs, ui: &Ui) -> ExitCode {
    let (loaded, compilation) = match compile(path, common, project::Trees::Free) {
        Ok(result) => result,
        Err(code) => return code,
    };
    let mut report = report(&compilation, common, loaded.paths.len(), ui);
    // With a manifest the whole project was checked; the hint is for a file on its own.
    if matches!(common.format, Format::Human) && !loaded.project.has_manifest() {
        hint_when_a_file_is_checked_alone(path, &compilation);
    }
    let today = common.today.unwrap_or_else(date::today_utc);
    charter::catalog::note_when_stale(
        &compilation.catalog,
        today,
        matches!(common.format, Format::Human),
    );
    if let Some(value) = charter::catalog::age_json(&compilation.catalog, today) {
        report.insert("catalog", value);
    }
    if matches!(common.format, Format::Human) && compilation.diagnostics.is_empty() {
        let mut stream = ui.stderr();
        let files = loaded.paths.len();
        status(
            &mut stream,
            "Checked",
            &format!(
                "{} ({files} file{}): no problems",
                path.display(),
                if files == 1 { "" } else { "s" }
            ),
        );
    }
    let failed = report.failed;
    let code = report.finish(exit_status(failed));
    // The process exits next: freeing every syntax tree and the model one by one would cost
    // more than some whole checks (4 M instructions on a small project, 17 M on 10,000 lines),
    // and the operating system reclaims the memory at once.
    std::mem::forget((loaded, compilation));
    code
}

/// A file checked on its own cannot see the names its project's other files declare; when
/// names are unknown and the folder holds other sources, say how to check them together.
fn hint_when_a_file_is_checked_alone(path: &Path, compilation: &Compilation) {
    const UNKNOWN_NAME: &str = "E0101";
    if !path.is_file()
        || !compilation
            .diagnostics
            .iter()
            .any(|d| d.code == UNKNOWN_NAME)
    {
        return;
    }
    let mut folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    // The project is probably the highest folder that still holds sources of its own
    // (`workloads/x.charter` belongs to the folder above, which declares the policy).
    while let Some(parent) = folder.parent().filter(|p| !p.as_os_str().is_empty()) {
        let has_sources = std::fs::read_dir(parent)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .any(|entry| entry.path().extension().is_some_and(|ext| ext == "charter"))
            })
            .unwrap_or(false);
        if !has_sources {
            break;
        }
        folder = parent;
    }
    let others = project::find_sources(folder)
        .map(|files| files.len().saturating_sub(1))
        .unwrap_or(0);
    if others > 0 {
        stream::eprintln(format_args!(
            "note: `{}` was checked on its own, but `{folder}` has {others} other `.charter` file{}: \
             run `charter check {folder}` to check them together",
            path.display(),
            if others == 1 { "" } else { "s" },
            folder = folder.display()
        ));
    }
}

/// What must be true before the build's output is deployed, in sentences: blocklists another
/// team creates, what the initiative cannot check about agents (and the safety providers they
/// need), and subscriptions the REST bodies name by a placeholder.
fn prerequisites(
    project: &charter_ir::Project,
    estate: &charter_governance::estate::Estate,
    artifacts: &[charter_ir::Artifact],
) -> Vec<String> {
    let mut notes = Vec::new();
    for blocklist in &project.blocklists {
        if blocklist.management != charter_ir::BlocklistManagement::External {
            continue;
        }
        let accounts: Vec<String> = estate
            .accounts
            .iter()
            .filter(|account| account.blocklists.iter().any(|b| b.name == blocklist.name))
            .map(|account| account.name.clone())
            .collect();
        if !accounts.is_empty() {
            notes.push(format!(
                "blocklist `{}` is managed outside Charter: it must exist in {} before `terraform apply` reaches their content filters ({})",
                blocklist.name,
                if accounts.len() == 1 { "the AI account" } else { "the AI accounts" },
                accounts.join(", ")
            ));
        }
    }
    notes.extend(charter_governance::agents::unchecked(project, estate));
    let mut placeholders: Vec<String> = Vec::new();
    let mut bodies = 0;
    for artifact in artifacts {
        if !artifact.path.starts_with("azure-policy/") || artifact.path.contains("template") {
            continue;
        }
        let mut found = false;
        let mut rest = artifact.contents.as_str();
        while let Some(start) = rest.find("{subscriptionId") {
            let Some(end) = rest[start..].find('}') else {
                break;
            };
            let placeholder = &rest[start..start + end + 1];
            if !placeholders.iter().any(|p| p == placeholder) {
                placeholders.push(placeholder.to_string());
            }
            found = true;
            rest = &rest[start + end + 1..];
        }
        bodies += usize::from(found);
    }
    if !placeholders.is_empty() {
        placeholders.sort();
        notes.push(format!(
            "{bodies} REST bod{} under azure-policy/ name subscriptions by a placeholder ({}): substitute their ids before sending them to Azure (`charter publish --subscription NAME=GUID` does); the ARM templates take them as parameters",
            if bodies == 1 { "y" } else { "ies" },
            placeholders.join(", ")
        ));
    }
    notes
}

/// E0910, a warning of the build: the output names subscriptions by placeholders because the
/// project declares no hierarchy. `None` when the project declares one, or nothing is left.
fn placeholders_warning(
    project: &charter_ir::Project,
    artifacts: &[charter_ir::Artifact],
) -> Option<String> {
    let leaves_placeholders = artifacts.iter().any(|artifact| {
        (artifact.path.starts_with("azure-policy/")
            && !artifact.path.contains("template")
            && artifact.contents.contains("{subscriptionId"))
            || artifact.contents.contains("subscriptionId_")
            || artifact.contents.contains("_subscription_id\"")
    });
    (!project.hierarchy.is_declared() && leaves_placeholders).then(|| {
        format!(
            "the project declares no management-group hierarchy, so subscriptions it names are left as placeholders and parameters: declare `management_group \"ID\" {{ subscription \"NAME\" {{ id: \"GUID\" }} }}` to name every one by its id (`charter explain {}`)",
            charter_compiler::codes::hierarchy::PLACEHOLDERS_WITHOUT_HIERARCHY,
        )
    })
}

/// Everything `build` writes, relative to the output directory.
fn artifacts(project: &charter_ir::Project) -> Vec<charter_ir::Artifact> {
    artifacts_from_estate(project, &charter_governance::estate::estate(project))
}

/// [`artifacts`], with the Terraform written from `estate` (the project's, which the
/// self-compliance proof built already).
fn artifacts_from_estate(
    project: &charter_ir::Project,
    estate: &charter_governance::estate::Estate,
) -> Vec<charter_ir::Artifact> {
    let governance = charter_governance::governance(project);
    let mut artifacts = charter_azure_policy::render(&governance);
    artifacts.extend(charter_terraform::artifacts_with_estate(
        project,
        &governance,
        estate,
    ));
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    artifacts
}

fn build(
    path: &Path,
    out: &Path,
    docs_url: Option<&str>,
    common: &CommonArgs,
    ui: &Ui,
) -> ExitCode {
    if let Some(url) = docs_url {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return fail(
                common,
                format!(
                    "`--docs-url {}` is not a web address: give where the pages of `charter doc` are \
                     published, such as https://contoso.github.io/ai-governance",
                    charter_syntax::diagnostic::sanitize(url)
                ),
            );
        }
    }
    let today = common.today.unwrap_or_else(date::today_utc);
    let (loaded, compilation, estate) = match project::compile_for_build(path, today) {
        Ok(result) => result,
        Err(error) => return fail(common, error),
    };
    let mut report = report(&compilation, common, loaded.paths.len(), ui);
    if report.failed {
        stream::eprintln(format_args!(
            "error: not writing `{}`: fix the errors above first",
            out.display()
        ));
        report.insert("build", Value::Null);
        return report.finish(ExitCode::from(EXIT_PROBLEMS));
    }
    // The proof's estate (a compilation without errors always has one).
    let estate = estate.unwrap_or_else(|| charter_governance::estate::estate(&compilation.project));
    let artifacts = match docs_url {
        Some(url) => artifacts_linked_to_docs(&compilation.project, &estate, url),
        None => artifacts_from_estate(&compilation.project, &estate),
    };
    match output::write(out, &artifacts) {
        Ok(written) => {
            let mut stream = ui.stderr();
            let mut summary = format!(
                "{} files into {} ({} changed, {} unchanged)",
                artifacts.len() + 1,
                out.display(),
                written.written,
                written.unchanged
            );
            if !written.removed.is_empty() {
                summary.push_str(&format!(", removed {} stale", written.removed.len()));
            }
            status(&mut stream, "Built", &summary);
            let notes = prerequisites(&compilation.project, &estate, &artifacts);
            for note in &notes {
                stream::eprintln(format_args!("note: {note}"));
            }
            // A warning, as `charter explain E0910` lists it.
            let warning = placeholders_warning(&compilation.project, &artifacts);
            if let Some(warning) = &warning {
                stream::eprintln(format_args!(
                    "warning[{}]: {warning}",
                    charter_compiler::codes::hierarchy::PLACEHOLDERS_WITHOUT_HIERARCHY
                ));
            }
            let warnings: Vec<Value> = warning
                .iter()
                .map(|message| {
                    json!({
                        "code": charter_compiler::codes::hierarchy::PLACEHOLDERS_WITHOUT_HIERARCHY,
                        "severity": "warning",
                        "message": message,
                    })
                })
                .collect();
            report.insert(
                "build",
                json!({
                    "out": out.display().to_string(),
                    "files": artifacts.len() + 1,
                    "changed": written.written,
                    "unchanged": written.unchanged,
                    "removed": written.removed,
                    "notes": notes,
                    "warnings": warnings,
                }),
            );
            // The build's own warning fails a run that denies warnings, as the sources' do
            // (the files are written: they are what the warning is about).
            if common.deny_warnings && warning.is_some() {
                let message = format!(
                    "warning {} denied by --deny-warnings",
                    charter_compiler::codes::hierarchy::PLACEHOLDERS_WITHOUT_HIERARCHY
                );
                stream::eprintln(format_args!("error: {message}"));
                // A machine reading the report sees why the run failed.
                report.insert("error", json!({ "message": message }));
                return report.finish(ExitCode::from(EXIT_PROBLEMS));
            }
            report.finish(ExitCode::SUCCESS)
        }
        Err(error) => {
            let message = format!("cannot write `{}`: {error}", out.display());
            let code = usage_error(&message);
            report.insert("build", Value::Null);
            report.insert("error", json!({ "message": message }));
            report.finish(code)
        }
    }
}

/// Like [`artifacts`], with every non-compliance message ending in a link to its rule's section
/// of the "Why was I denied?" page published at `docs_url`.
fn artifacts_linked_to_docs(
    project: &charter_ir::Project,
    estate: &charter_governance::estate::Estate,
    docs_url: &str,
) -> Vec<charter_ir::Artifact> {
    let mut governance = charter_governance::governance(project);
    governance.append_to_messages(|policy, rule| {
        format!(
            " Details: {}",
            charter_docs::denied_page_url(docs_url, policy, rule)
        )
    });
    let mut artifacts = charter_azure_policy::render(&governance);
    artifacts.extend(charter_terraform::artifacts_with_estate(
        project,
        &governance,
        estate,
    ));
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    artifacts
}

/// `charter doc`: writes the documentation site, or with `--check` says whether the one in
/// `out` is current.
fn document(path: &Path, out: &Path, check_only: bool, common: &CommonArgs, ui: &Ui) -> ExitCode {
    // `--check` compares with pages made for the day they record, unless --today names another,
    // so that committed pages do not turn stale each midnight.
    let recorded = if check_only && common.today.is_none() {
        doc::published_as_of(out)
    } else {
        None
    };
    let today = common.today.or(recorded).unwrap_or_else(date::today_utc);
    let (loaded, compilation) = match project::compile(path, today) {
        Ok(result) => result,
        Err(error) => return fail(common, error),
    };
    let mut report = report(&compilation, common, loaded.documents.len(), ui);
    if report.failed {
        stream::eprintln(format_args!(
            "error: not documenting into `{}`: fix the errors above first",
            out.display()
        ));
        report.insert("doc", Value::Null);
        return report.finish(ExitCode::from(EXIT_PROBLEMS));
    }
    let site = doc::site(&compilation, today);
    let mut stream = ui.stderr();
    if check_only {
        let stale = doc::stale_files(out, &site);
        let stale_json: Vec<Value> = stale
            .iter()
            .map(|(file, why)| json!({ "file": file, "why": why.describe() }))
            .collect();
        report.insert(
            "doc",
            json!({
                "out": out.display().to_string(),
                "as_of": today.to_string(),
                "files": site.len() + 1,
                "stale": stale_json,
            }),
        );
        if stale.is_empty() {
            status(
                &mut stream,
                "Checked",
                &format!(
                    "{} files in {} are current (as of {today})",
                    site.len() + 1,
                    out.display()
                ),
            );
            return report.finish(ExitCode::SUCCESS);
        }
        for (file, why) in &stale {
            let _ = writeln!(
                stream,
                "stale: {} ({})",
                out.join(file).display(),
                why.describe()
            );
        }
        let date_flag = if recorded.is_some() {
            format!(" --today {today}")
        } else {
            String::new()
        };
        let _ = writeln!(
            stream,
            "error: {} of the pages in `{}` {} not current (as of {today}): run `charter doc {} -o {}{date_flag}`",
            stale.len(),
            out.display(),
            if stale.len() == 1 { "is" } else { "are" },
            path.display(),
            out.display()
        );
        return report.finish(ExitCode::from(EXIT_PROBLEMS));
    }
    match output::write(out, &site) {
        Ok(written) => {
            let mut summary = format!(
                "{} files into {} as of {today} ({} changed, {} unchanged)",
                site.len() + 1,
                out.display(),
                written.written,
                written.unchanged
            );
            if !written.removed.is_empty() {
                summary.push_str(&format!(", removed {} stale", written.removed.len()));
            }
            status(&mut stream, "Documented", &summary);
            report.insert(
                "doc",
                json!({
                    "out": out.display().to_string(),
                    "as_of": today.to_string(),
                    "files": site.len() + 1,
                    "changed": written.written,
                    "unchanged": written.unchanged,
                    "removed": written.removed,
                }),
            );
            report.finish(ExitCode::SUCCESS)
        }
        Err(error) => {
            let message = format!(
                "cannot write `{}`: {error}; the previous pages are unchanged",
                out.display()
            );
            let code = usage_error(&message);
            report.insert("doc", Value::Null);
            report.insert("error", json!({ "message": message }));
            report.finish(code)
        }
    }
}

/// `charter fmt`: formats files in place, or checks them (`--check`), or formats standard
/// input to standard output (`-`).
fn fmt(paths: &[PathBuf], check_only: bool, ui: &Ui) -> ExitCode {
    let stdin = Path::new("-");
    if paths.iter().any(|path| path == stdin) {
        if paths.len() > 1 {
            return usage_error(
                "`-` (standard input) cannot be combined with other paths: format files, or standard input alone",
            );
        }
        return fmt_stdin(check_only, ui);
    }
    let mut stream = ui.stderr();
    let mut failed_io = false;
    let mut files = Vec::new();
    for path in paths {
        match project::find_sources(path) {
            Ok(found) => files.extend(found),
            Err(error) => {
                let _ = writeln!(stream, "error: {error}");
                failed_io = true;
            }
        }
    }
    // The same file named twice (`charter fmt a.charter .`) is formatted once.
    let mut seen = std::collections::HashSet::new();
    files.retain(|file| seen.insert(std::fs::canonicalize(file).unwrap_or_else(|_| file.clone())));

    let mut diffs = Vec::new();
    let mut unformatted = Vec::new();
    let mut refused = 0;
    for (index, file) in files.iter().enumerate() {
        let shown = file.display().to_string();
        // Formatting writes the file a symlink points to, and only ever a regular file.
        let target = match regular_file_target(file) {
            Ok(target) => target,
            Err(error) => {
                let _ = writeln!(stream, "error: not formatting `{shown}`: {error}");
                failed_io = true;
                continue;
            }
        };
        let text = match project::read_utf8(&target) {
            Ok(text) => text,
            Err(error) => {
                let _ = writeln!(stream, "error: {error}");
                failed_io = true;
                continue;
            }
        };
        let id = charter_syntax::FileId(index as u32);
        match format_or_explain(id, &shown, &text, &mut stream) {
            None => refused += 1,
            Some(formatted) if formatted == text => {}
            Some(formatted) if check_only => {
                diffs.push(unified_diff(&shown, &text, &formatted));
                unformatted.push(shown);
            }
            Some(formatted) => match write_atomically(&target, &formatted) {
                Ok(()) => status(&mut stream, "Formatted", &shown),
                Err(error) => {
                    let _ = writeln!(stream, "error: cannot write `{shown}`: {error}");
                    failed_io = true;
                }
            },
        }
    }
    let mut code = if failed_io {
        ExitCode::from(EXIT_USAGE)
    } else {
        exit_status(refused > 0 || !unformatted.is_empty())
    };
    if !diffs.is_empty() {
        code = print_stdout(&colored_diff(&diffs.concat(), ui.stdout_colored()), code);
    }
    for file in &unformatted {
        let _ = writeln!(stream, "not formatted: {file}");
    }
    if !unformatted.is_empty() {
        let _ = writeln!(
            stream,
            "{} file{} not formatted: run `charter fmt` to format {}",
            unformatted.len(),
            if unformatted.len() == 1 { "" } else { "s" },
            if unformatted.len() == 1 { "it" } else { "them" }
        );
    }
    code
}

/// The formatted text, or `None` after printing why the file cannot be formatted (it does not
/// parse, or the formatter refused to risk changing its meaning).
fn format_or_explain(
    id: charter_syntax::FileId,
    shown: &str,
    text: &str,
    stream: &mut dyn WriteColor,
) -> Option<String> {
    match charter_syntax::format::format_source(id, text) {
        Ok(formatted) => Some(formatted),
        Err(error) => {
            if let charter_syntax::format::FormatError::Syntax(diagnostics) = &error {
                let documents = [charter_compiler::Document {
                    id,
                    path: shown.to_string(),
                    text: text.to_string(),
                    is_stdlib: false,
                }];
                let sources = render::sources(&documents);
                let _ = render::human::emit(stream, &sources, diagnostics);
            }
            let _ = writeln!(stream, "error: not formatting `{shown}`: {error}");
            None
        }
    }
}

/// `charter fmt -`: standard input to standard output (or, with `--check`, a diff and the exit
/// status), for editors and pipelines. A source that does not parse prints nothing on stdout.
fn fmt_stdin(check_only: bool, ui: &Ui) -> ExitCode {
    const SHOWN: &str = "<stdin>";
    let mut bytes = Vec::new();
    if let Err(error) = std::io::stdin().lock().read_to_end(&mut bytes) {
        return usage_error(format!("cannot read standard input: {error}"));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            return usage_error(format!(
                "standard input is not valid UTF-8: invalid byte at offset {}; Charter sources must be UTF-8 text",
                error.utf8_error().valid_up_to()
            ))
        }
    };
    let mut stream = ui.stderr();
    let Some(formatted) = format_or_explain(charter_syntax::FileId(0), SHOWN, &text, &mut stream)
    else {
        return ExitCode::from(EXIT_PROBLEMS);
    };
    if !check_only {
        return print_stdout(formatted.as_bytes(), ExitCode::SUCCESS);
    }
    if formatted == text {
        return ExitCode::SUCCESS;
    }
    let diff = unified_diff(SHOWN, &text, &formatted);
    let _ = writeln!(stream, "not formatted: {SHOWN}");
    print_stdout(
        &colored_diff(&diff, ui.stdout_colored()),
        ExitCode::from(EXIT_PROBLEMS),
    )
}

/// The file formatting must rewrite: `file` itself, or the file its symlinks lead to (so that a
/// symlink stays a symlink), and only a regular file: never a device, FIFO or directory, and
/// never through `/dev` or `/proc` (`/dev/stdin` leads to whatever the shell redirected).
fn regular_file_target(file: &Path) -> Result<PathBuf, String> {
    /// Linux's limit on symlinks followed in one lookup.
    const MAX_LINKS: usize = 40;
    let not_regular = |path: &Path| {
        format!(
            "`{}` is not a regular file (use `charter fmt -` to format standard input)",
            path.display()
        )
    };
    let mut current = file.to_path_buf();
    for _ in 0..=MAX_LINKS {
        let parent = match current.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let real_parent = std::fs::canonicalize(parent).map_err(|error| error.to_string())?;
        if real_parent.starts_with("/dev") || real_parent.starts_with("/proc") {
            return Err(not_regular(file));
        }
        let metadata = std::fs::symlink_metadata(&current).map_err(|error| error.to_string())?;
        if metadata.file_type().is_symlink() {
            let link = std::fs::read_link(&current).map_err(|error| error.to_string())?;
            current = real_parent.join(link);
        } else if metadata.is_file() {
            return Ok(current);
        } else {
            return Err(not_regular(file));
        }
    }
    Err(format!(
        "too many levels of symbolic links from `{}`",
        file.display()
    ))
}

/// `--- a/FILE` / `+++ b/FILE` unified diff with three lines of context, as `git diff` shows.
fn unified_diff(shown: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{shown}"), &format!("b/{shown}"))
        .missing_newline_hint(true)
        .to_string()
}

/// Colours a unified diff as `git diff` does, when `colored`.
fn colored_diff(diff: &str, colored: bool) -> Vec<u8> {
    if !colored {
        return diff.as_bytes().to_vec();
    }
    let mut buffer = Buffer::ansi();
    for line in diff.split_inclusive('\n') {
        let color = if line.starts_with("+++") || line.starts_with("---") {
            ColorSpec::new().set_bold(true).clone()
        } else if line.starts_with('+') {
            ColorSpec::new().set_fg(Some(Color::Green)).clone()
        } else if line.starts_with('-') {
            ColorSpec::new().set_fg(Some(Color::Red)).clone()
        } else if line.starts_with("@@") {
            ColorSpec::new().set_fg(Some(Color::Cyan)).clone()
        } else {
            ColorSpec::new()
        };
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        let _ = buffer.set_color(&color);
        let _ = buffer.write_all(body.as_bytes());
        let _ = buffer.reset();
        let _ = buffer.write_all(newline.as_bytes());
    }
    buffer.into_inner()
}

/// Writes through a temporary file in the same directory and renames it over the original,
/// keeping its permissions, so that a failure leaves the original as it was. `file` is the
/// resolved target (see [`regular_file_target`]).
fn write_atomically(file: &Path, contents: &str) -> Result<(), String> {
    let directory = match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::Builder::new()
        .prefix(".charter-fmt-")
        .tempfile_in(directory)
        .map_err(|error| {
            format!(
                "cannot create a temporary file in `{}`: {}",
                directory.display(),
                std::io::Error::from(error.kind())
            )
        })?;
    let written = temporary
        .write_all(contents.as_bytes())
        .and_then(|()| temporary.as_file().sync_all())
        .and_then(|()| std::fs::metadata(file))
        .and_then(|metadata| std::fs::set_permissions(temporary.path(), metadata.permissions()));
    written.map_err(|error| error.to_string())?;
    temporary
        .persist(file)
        .map_err(|error| error.error.to_string())?;
    Ok(())
}

/// `charter completions SHELL`: the completion script on stdout.
fn completions(shell: clap_complete::Shell) -> ExitCode {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "charter", &mut script);
    print_stdout(&script, ExitCode::SUCCESS)
}

/// `charter man`: `charter.1` on stdout, or every page into `--out-dir`.
fn man(out_dir: Option<&Path>) -> ExitCode {
    let command = Cli::command();
    let Some(directory) = out_dir else {
        let mut page = Vec::new();
        if let Err(error) = clap_mangen::Man::new(command).render(&mut page) {
            return usage_error(format!("cannot render the man page: {error}"));
        }
        return print_stdout(&page, ExitCode::SUCCESS);
    };
    let written = std::fs::create_dir_all(directory)
        .and_then(|()| clap_mangen::generate_to(command, directory));
    match written {
        Ok(()) => {
            stream::eprintln(format_args!(
                "wrote the man pages into {} (charter.1 and charter-COMMAND.1)",
                directory.display()
            ));
            ExitCode::SUCCESS
        }
        Err(error) => usage_error(format!(
            "cannot write the man pages into `{}`: {error}",
            directory.display()
        )),
    }
}

fn explain(code: Option<&str>, list: bool, markdown: bool) -> ExitCode {
    if markdown {
        return print_stdout(
            charter_compiler::codes::markdown().as_bytes(),
            ExitCode::SUCCESS,
        );
    }
    if list || code.is_none() {
        let mut text = String::new();
        for info in charter_compiler::codes::all() {
            text.push_str(&format!(
                "{}  {:<8} {}\n",
                info.code,
                info.severity.as_str(),
                info.title
            ));
        }
        return print_stdout(text.as_bytes(), ExitCode::SUCCESS);
    }
    let code = code.unwrap_or_default();
    match charter_compiler::codes::lookup(code) {
        Some(info) => print_stdout(explain_text(info).as_bytes(), ExitCode::SUCCESS),
        None => usage_error(format!(
            "unknown error code `{}`: `charter explain --list` shows every code",
            charter_syntax::diagnostic::sanitize(code)
        )),
    }
}

/// The diagnostics' format for a command whose report may be JUnit or Markdown (then the
/// diagnostics go to standard error, for a person).
fn common_args(
    format: charter::audit::ReportFormat,
    today: Option<charter_ir::Date>,
    deny_warnings: bool,
) -> CommonArgs {
    use charter::audit::ReportFormat;
    CommonArgs {
        format: match format {
            ReportFormat::Json => Format::Json,
            ReportFormat::Sarif => Format::Sarif,
            ReportFormat::Github => Format::Github,
            ReportFormat::AzureDevops => Format::AzureDevops,
            ReportFormat::Human | ReportFormat::Junit | ReportFormat::Markdown => Format::Human,
        },
        today,
        deny_warnings,
    }
}

fn test(path: &Path, args: &charter::audit::TestArgs, ui: &Ui) -> ExitCode {
    let common = &common_args(args.format, args.today, args.deny_warnings);
    let (loaded, compilation) = match compile(path, common, project::Trees::Keep) {
        Ok(result) => result,
        Err(code) => return code,
    };
    let mut report = report(&compilation, common, loaded.documents.len(), ui);
    if report.failed {
        stream::eprintln("error: not testing: fix the errors above first");
        report.insert("tests", Value::Null);
        return report.finish(ExitCode::from(EXIT_PROBLEMS));
    }
    let built = artifacts(&compilation.project);
    let tree = match charter_evaluator::parse_artifacts(
        built.iter().map(|a| (a.path.as_str(), a.contents.as_str())),
    ) {
        Ok(tree) => tree,
        Err(error) => {
            return fail(
                common,
                format!("the built policies cannot be read: {error}"),
            )
        }
    };
    let cases = match load_test_cases(&loaded.root) {
        Ok(cases) => cases,
        Err(error) => return fail(common, error),
    };
    if cases.is_empty() {
        return fail(
            common,
            format!(
                "no test cases: put resource fixtures in `{}` (see docs/testing.md)",
                loaded.root.join("tests").display()
            ),
        );
    }
    let today = common.today.unwrap_or_else(date::today_utc);
    let options = charter_evaluator::SuiteOptions {
        today: Some(today.to_string()),
        ..Default::default()
    };
    let cases_report = charter_evaluator::run_suite_with(&tree, &cases, &options);
    let suite = cases_report.report();
    let status = exit_status(suite.failed(charter_evaluator::report::FailOn::Deny));
    use charter::audit::ReportFormat;
    match args.format {
        ReportFormat::Json => {
            report.add_report(&suite);
            report.finish(status)
        }
        ReportFormat::Human => print_stdout(
            charter_evaluator::report::human(&suite, false).as_bytes(),
            status,
        ),
        ReportFormat::Github | ReportFormat::AzureDevops => {
            // The cases' results for the log; each failed case as an annotation on its fixture.
            let _ = write!(
                std::io::stderr().lock(),
                "{}",
                charter_evaluator::report::human(&suite, false)
            );
            if let Some((_, annotations)) = &mut report.annotations {
                annotations.extend(failed_case_annotations(&cases_report));
            }
            report.finish(status)
        }
        ReportFormat::Sarif => {
            // stdout holds the one SARIF log (the diagnostics, then the failed cases); the
            // cases' results are also written for the person reading.
            let _ = write!(
                std::io::stderr().lock(),
                "{}",
                charter_evaluator::report::human(&suite, false)
            );
            report.add_report(&suite);
            report.finish(status)
        }
        ReportFormat::Junit => print_stdout(
            charter_evaluator::report::junit(&suite, charter_evaluator::report::FailOn::Deny)
                .as_bytes(),
            status,
        ),
        ReportFormat::Markdown => print_stdout(
            charter_evaluator::report::markdown(&suite).as_bytes(),
            status,
        ),
    }
}

/// `charter audit`: the project's governance against real resources (docs/audit.md).
fn audit(path: &Path, args: &charter::audit::AuditArgs, ui: &Ui) -> ExitCode {
    let common = &common_args(args.format, args.today, args.deny_warnings);
    let (loaded, compilation) = match compile(path, common, project::Trees::Keep) {
        Ok(result) => result,
        Err(code) => return code,
    };
    let mut report = report(&compilation, common, loaded.documents.len(), ui);
    // An expired exemption is an error of the sources, but Azure simply ignores it: the audit
    // can still say what its expiry changes (the resources it covered are judged without it).
    let only_expired = report.failed
        && !(common.deny_warnings
            && compilation
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Warning))
        && compilation
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .all(|d| d.code == charter_compiler::codes::exemptions::EXEMPTION_EXPIRED);
    if report.failed && !only_expired {
        stream::eprintln("error: not auditing: fix the errors above first");
        report.insert("resources", Value::Null);
        return report.finish(ExitCode::from(EXIT_PROBLEMS));
    }
    if only_expired {
        stream::eprintln(
            "note: auditing anyway: Azure ignores an expired exemption, so the resources it covered are audited without it",
        );
    }
    let (audited, inputs) = match charter::audit::audit(&compilation, args) {
        Ok(result) => result,
        Err(message) => return fail(common, message),
    };
    let fail_on = args.fail_on.into();
    // The expired exemptions are still errors of the sources: the run fails.
    let failed = audited.failed(fail_on) || only_expired;
    if args.format.is_ci() {
        // The report for the log; the findings (and the sources' warnings) as annotations.
        let _ = write!(
            std::io::stderr().lock(),
            "{}",
            charter_evaluator::report::human(&audited, false)
        );
        let mut annotations = report
            .annotations
            .take()
            .map(|(_, annotations)| annotations)
            .unwrap_or_default();
        annotations.extend(charter::audit::annotations(&audited));
        return print_stdout(
            ci_annotations(common.format, &annotations).as_bytes(),
            exit_status(failed),
        );
    }
    let today = args.today.unwrap_or_else(date::today_utc);
    let mut extra = serde_json::Map::new();
    extra.insert(
        "audit".to_string(),
        json!({
            "today": today.to_string(),
            "fail_on": format!("{:?}", args.fail_on).to_lowercase(),
            "failed": failed,
            "inputs": inputs.described,
        }),
    );
    let document = report.document.take().and_then(Document::into_value);
    write_stdout(exit_status(failed), |out| {
        charter::audit::write(
            &audited,
            args.format,
            ui.stdout_colored(),
            fail_on,
            document,
            extra,
            out,
        )
    })
}

/// `charter eval`: a definition or initiative against resources.
fn eval(args: &charter::audit::EvalArgs, ui: &Ui) -> ExitCode {
    let common = &common_args(args.format, args.today, false);
    let evaluated = match charter::audit::eval(args) {
        Ok(evaluated) => evaluated,
        Err(message) => return fail(common, message),
    };
    let fail_on = args.fail_on.into();
    let failed = evaluated.failed(fail_on);
    let text = charter::audit::render(
        &evaluated,
        args.format,
        ui.stdout_colored(),
        fail_on,
        None,
        serde_json::Map::new(),
    );
    print_stdout(text.as_bytes(), exit_status(failed))
}

/// An annotation per failed test case, at the line of its fixture where the case starts.
fn failed_case_annotations(suite: &charter_evaluator::SuiteReport) -> Vec<render::ci::Annotation> {
    let root = std::env::current_dir()
        .ok()
        .and_then(|cwd| charter::repository::root(&cwd));
    // The expectation as the report words it (`deny`, `compliant`).
    let json = suite.to_json();
    let expected = |index: usize| {
        json["cases"][index]["expected"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    suite
        .cases
        .iter()
        .enumerate()
        .filter(|(_, case)| !case.passed)
        .map(|(position, case)| {
            // Case names are `FILE` or `FILE#INDEX`.
            let (file, index) = match case.case.name.rsplit_once('#') {
                Some((file, index)) => (file.to_string(), index.parse().unwrap_or(0)),
                None => (case.case.name.clone(), 0),
            };
            let line = project::read_fixture(Path::new(&file))
                .map(|text| render::ci::json_element_line(&text, index))
                .unwrap_or(1);
            let shown = root
                .as_deref()
                .and_then(|root| charter::repository::relative(Path::new(&file), root))
                .unwrap_or_else(|| file.clone());
            let got = case.verdict.clone().unwrap_or_else(|| "compliant".into());
            let mut message = format!("expected {}, got {got}", expected(position));
            if !case.case.description.is_empty() {
                message = format!("{}: {message}", case.case.description);
            }
            for problem in &case.problems {
                message.push_str(&format!("\nproblem: {problem}"));
            }
            render::ci::Annotation {
                level: render::ci::Level::Error,
                file: Some(shown),
                start: Some((line, 1)),
                end: None,
                code: None,
                title: format!("charter test: {} failed", case.case.name),
                message: charter_evaluator::printable(&message),
            }
        })
        .collect()
}

/// Reads every `tests/*.json` of the project, in name order.
fn load_test_cases(root: &Path) -> Result<Vec<charter_evaluator::TestCase>, String> {
    let directory = root.join("tests");
    let Ok(entries) = std::fs::read_dir(&directory) else {
        return Ok(Vec::new());
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for file in files {
        let text = project::read_fixture(&file).map_err(|error| error.to_string())?;
        let shown = file.display().to_string();
        cases.extend(charter_evaluator::parse_cases(&shown, &text)?);
    }
    Ok(cases)
}

/// The long explanation of a code, as `charter explain` prints it.
fn explain_text(info: &charter_syntax::CodeInfo) -> String {
    format!(
        "{code}: {title} ({severity})\n\n{explanation}\n\nExample that triggers {code}:\n\n{failing}\n\nFixed:\n\n{fixed}\n",
        code = info.code,
        title = info.title,
        severity = info.severity.as_str(),
        explanation = info.explanation.trim_end(),
        failing = indent(info.failing_example),
        fixed = indent(info.fixed_example),
    )
}

fn indent(example: &str) -> String {
    example
        .trim_end()
        .lines()
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!("    {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
