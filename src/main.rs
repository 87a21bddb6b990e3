//! `charter`: check, build, format and test Charter policies; explain error codes; serve LSP.

use charter::render::{self, SourceMap};
use charter::{date, doc, output, project};
use charter_compiler::{Compilation, Options};
use charter_syntax::Severity;
use clap::{Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream, WriteColor};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Policy-as-code for governing AI workloads on Azure.
#[derive(Parser)]
#[command(name = "charter", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

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
    /// Format `.charter` files in the canonical layout.
    Fmt {
        /// A `.charter` file, or a project directory (every `.charter` file under it).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Change nothing; exit 1 when a file is not formatted.
        #[arg(long)]
        check: bool,
        /// When to colour messages (auto: on a terminal, unless NO_COLOR is set).
        #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
        color: ColorArg,
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
        common: CommonArgs,
    },
    /// Run the language server on stdio.
    Lsp {
        /// Accepted for editor clients that always pass it (vscode-languageclient does); stdio
        /// is the only transport.
        #[arg(long)]
        stdio: bool,
    },
}

#[derive(clap::Args)]
struct CommonArgs {
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The date retirement checks compare against (YYYY-MM-DD); default: today (UTC).
    #[arg(long, value_parser = date::parse_date)]
    today: Option<charter_ir::Date>,
    /// Treat warnings as errors.
    #[arg(long)]
    deny_warnings: bool,
    /// When to colour diagnostics (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

/// Exit status: 0 ok, 1 errors in the sources, 2 usage or IO errors.
const EXIT_PROBLEMS: u8 = 1;
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Check { path, common } => check(&path, &common),
        Command::Build {
            path,
            out,
            docs_url,
            common,
        } => build(&path, &out, docs_url.as_deref(), &common),
        Command::Doc {
            path,
            out,
            check,
            common,
        } => document(&path, &out, check, &common),
        Command::Fmt { path, check, color } => fmt(&path, check, color),
        Command::Explain {
            code,
            list,
            markdown,
        } => explain(code.as_deref(), list, markdown),
        Command::Test { path, common } => test(&path, &common),
        Command::Lsp { stdio: _ } => match charter_lsp::run_stdio() {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => usage_error(format!("language server: {error}")),
        },
    }
}

fn stderr_stream(color: ColorArg) -> StandardStream {
    let choice = match color {
        ColorArg::Always => ColorChoice::Always,
        ColorArg::Never => ColorChoice::Never,
        ColorArg::Auto => {
            // codespan-reporting's `Auto` does not look at the terminal: decide here.
            if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
                ColorChoice::Auto
            } else {
                ColorChoice::Never
            }
        }
    };
    StandardStream::stderr(choice)
}

fn usage_error(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_USAGE)
}

/// Loads and compiles a project, or says why it could not be read.
fn compile(path: &Path, common: &CommonArgs) -> Result<(project::Project, Compilation), ExitCode> {
    let loaded = project::load(path).map_err(usage_error)?;
    let options = Options {
        today: common.today.unwrap_or_else(date::today_utc),
    };
    let compilation = charter_compiler::compile(loaded.documents.clone(), &options);
    Ok((loaded, compilation))
}

/// Prints diagnostics in the chosen format; returns whether they fail the run.
fn report(compilation: &Compilation, common: &CommonArgs, files_checked: usize) -> bool {
    let sources = SourceMap::new(&compilation.documents);
    let diagnostics = &compilation.diagnostics;
    match common.format {
        Format::Human => {
            let mut stream = stderr_stream(common.color);
            let _ = render::human::emit(&mut stream, &sources, diagnostics);
            if !diagnostics.is_empty() {
                let _ = writeln!(stream, "{}", render::human::summary(diagnostics));
            }
        }
        Format::Json => {
            print!(
                "{}",
                render::json::to_string(&sources, diagnostics, files_checked)
            );
        }
        Format::Sarif => {
            let rules = charter_compiler::codes::all();
            print!(
                "{}",
                render::sarif::to_string(&sources, diagnostics, &rules)
            );
        }
    }
    let errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
    let warnings = diagnostics.iter().any(|d| d.severity == Severity::Warning);
    errors || (common.deny_warnings && warnings)
}

fn status(stream: &mut StandardStream, verb: &str, rest: &str) {
    let _ = stream.set_color(
        codespan_reporting::term::termcolor::ColorSpec::new()
            .set_fg(Some(codespan_reporting::term::termcolor::Color::Green))
            .set_bold(true),
    );
    let _ = write!(stream, "{verb:>10}");
    let _ = stream.reset();
    let _ = writeln!(stream, " {rest}");
}

fn check(path: &Path, common: &CommonArgs) -> ExitCode {
    let (loaded, compilation) = match compile(path, common) {
        Ok(result) => result,
        Err(code) => return code,
    };
    let failed = report(&compilation, common, loaded.documents.len());
    if matches!(common.format, Format::Human) {
        hint_when_a_file_is_checked_alone(path, &compilation);
    }
    if matches!(common.format, Format::Human) && compilation.diagnostics.is_empty() {
        let mut stream = stderr_stream(common.color);
        let files = loaded.documents.len();
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
    if failed {
        ExitCode::from(EXIT_PROBLEMS)
    } else {
        ExitCode::SUCCESS
    }
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
        eprintln!(
            "note: `{}` was checked on its own, but `{folder}` has {others} other `.charter` file{}: \
             run `charter check {folder}` to check them together",
            path.display(),
            if others == 1 { "" } else { "s" },
            folder = folder.display()
        );
    }
}

/// Everything `build` writes, relative to the output directory.
fn artifacts(project: &charter_ir::Project) -> Vec<charter_ir::Artifact> {
    let mut artifacts = charter_azure_policy::artifacts(project);
    artifacts.extend(charter_terraform::artifacts(project));
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    artifacts
}

fn build(path: &Path, out: &Path, docs_url: Option<&str>, common: &CommonArgs) -> ExitCode {
    if let Some(url) = docs_url {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return usage_error(format!(
                "`--docs-url {}` is not a web address: give where the pages of `charter doc` are \
                 published, such as https://contoso.github.io/ai-governance",
                charter_syntax::diagnostic::sanitize(url)
            ));
        }
    }
    let (loaded, compilation) = match compile(path, common) {
        Ok(result) => result,
        Err(code) => return code,
    };
    if report(&compilation, common, loaded.documents.len()) {
        eprintln!(
            "error: not writing `{}`: fix the errors above first",
            out.display()
        );
        return ExitCode::from(EXIT_PROBLEMS);
    }
    let artifacts = match docs_url {
        Some(url) => artifacts_linked_to_docs(&compilation.project, url),
        None => artifacts(&compilation.project),
    };
    match output::write(out, &artifacts) {
        Ok(written) => {
            let mut stream = stderr_stream(common.color);
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
            ExitCode::SUCCESS
        }
        Err(error) => usage_error(format!(
            "cannot write `{}`: {error}; the previous output is unchanged",
            out.display()
        )),
    }
}

/// Like [`artifacts`], with every non-compliance message ending in a link to its rule's section
/// of the "Why was I denied?" page published at `docs_url`.
fn artifacts_linked_to_docs(
    project: &charter_ir::Project,
    docs_url: &str,
) -> Vec<charter_ir::Artifact> {
    let mut governance = charter_azure_policy::governance(project);
    charter_azure_policy::append_to_messages(&mut governance, |policy, rule| {
        format!(
            " Details: {}",
            charter_docs::denied_page_url(docs_url, policy, rule)
        )
    });
    let mut artifacts = charter_azure_policy::artifacts_of(&governance);
    artifacts.extend(charter_terraform::artifacts_with(project, &governance));
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    artifacts
}

/// `charter doc`: writes the documentation site, or with `--check` says whether the one in
/// `out` is current.
fn document(path: &Path, out: &Path, check_only: bool, common: &CommonArgs) -> ExitCode {
    // `--check` compares with pages made for the day they record, unless --today names another,
    // so that committed pages do not turn stale each midnight.
    let recorded = if check_only && common.today.is_none() {
        doc::published_as_of(out)
    } else {
        None
    };
    let today = common.today.or(recorded).unwrap_or_else(date::today_utc);
    let loaded = match project::load(path) {
        Ok(loaded) => loaded,
        Err(error) => return usage_error(error),
    };
    let compilation = charter_compiler::compile(loaded.documents.clone(), &Options { today });
    if report(&compilation, common, loaded.documents.len()) {
        eprintln!(
            "error: not documenting into `{}`: fix the errors above first",
            out.display()
        );
        return ExitCode::from(EXIT_PROBLEMS);
    }
    let site = doc::site(&compilation, today);
    let mut stream = stderr_stream(common.color);
    if check_only {
        let stale = doc::stale_files(out, &site);
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
            return ExitCode::SUCCESS;
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
        return ExitCode::from(EXIT_PROBLEMS);
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
            ExitCode::SUCCESS
        }
        Err(error) => usage_error(format!(
            "cannot write `{}`: {error}; the previous pages are unchanged",
            out.display()
        )),
    }
}

fn fmt(path: &Path, check_only: bool, color: ColorArg) -> ExitCode {
    let files = match project::find_sources(path) {
        Ok(files) => files,
        Err(error) => return usage_error(error),
    };
    let mut stream = stderr_stream(color);
    let mut unformatted = Vec::new();
    let mut refused = 0;
    let mut failed_io = false;
    for (index, file) in files.iter().enumerate() {
        let text = match project::read_utf8(file) {
            Ok(text) => text,
            Err(error) => {
                let _ = writeln!(stream, "error: {error}");
                failed_io = true;
                continue;
            }
        };
        let id = charter_syntax::FileId(index as u32);
        match charter_syntax::format::format_source(id, &text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                unformatted.push(file.display().to_string());
                if !check_only {
                    if let Err(error) = write_atomically(file, &formatted) {
                        let _ =
                            writeln!(stream, "error: cannot write `{}`: {error}", file.display());
                        failed_io = true;
                    }
                }
            }
            Err(error) => {
                refused += 1;
                if let charter_syntax::format::FormatError::Syntax(diagnostics) = &error {
                    let documents = [charter_compiler::Document {
                        id,
                        path: file.display().to_string(),
                        text: text.clone(),
                        is_stdlib: false,
                    }];
                    let sources = SourceMap::new(&documents);
                    let _ = render::human::emit(&mut stream, &sources, diagnostics);
                }
                let _ = writeln!(
                    stream,
                    "error: not formatting `{}`: {error}",
                    file.display()
                );
            }
        }
    }
    for file in &unformatted {
        if check_only {
            let _ = writeln!(stream, "not formatted: {file}");
        } else {
            status(&mut stream, "Formatted", file);
        }
    }
    if failed_io {
        return ExitCode::from(EXIT_USAGE);
    }
    if refused > 0 || (check_only && !unformatted.is_empty()) {
        return ExitCode::from(EXIT_PROBLEMS);
    }
    ExitCode::SUCCESS
}

/// Writes through a temporary file in the same directory and renames it over the original.
fn write_atomically(file: &Path, contents: &str) -> std::io::Result<()> {
    let directory = match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::NamedTempFile::new_in(directory)?;
    temporary.write_all(contents.as_bytes())?;
    temporary.as_file().sync_all()?;
    if let Ok(metadata) = std::fs::metadata(file) {
        let _ = std::fs::set_permissions(temporary.path(), metadata.permissions());
    }
    temporary.persist(file).map_err(|error| error.error)?;
    Ok(())
}

fn explain(code: Option<&str>, list: bool, markdown: bool) -> ExitCode {
    if markdown {
        print!("{}", charter_compiler::codes::markdown());
        return ExitCode::SUCCESS;
    }
    if list || code.is_none() {
        for info in charter_compiler::codes::all() {
            println!(
                "{}  {:<8} {}",
                info.code,
                info.severity.as_str(),
                info.title
            );
        }
        return ExitCode::SUCCESS;
    }
    let code = code.unwrap_or_default();
    match charter_compiler::codes::lookup(code) {
        Some(info) => {
            print!("{}", explain_text(info));
            ExitCode::SUCCESS
        }
        None => usage_error(format!(
            "unknown error code `{}`: `charter explain --list` shows every code",
            charter_syntax::diagnostic::sanitize(code)
        )),
    }
}

fn test(path: &Path, common: &CommonArgs) -> ExitCode {
    let (loaded, compilation) = match compile(path, common) {
        Ok(result) => result,
        Err(code) => return code,
    };
    if report(&compilation, common, loaded.documents.len()) {
        eprintln!("error: not testing: fix the errors above first");
        return ExitCode::from(EXIT_PROBLEMS);
    }
    let built = artifacts(&compilation.project);
    let tree = match charter_evaluator::parse_artifacts(
        built.iter().map(|a| (a.path.as_str(), a.contents.as_str())),
    ) {
        Ok(tree) => tree,
        Err(error) => return usage_error(format!("the built policies cannot be read: {error}")),
    };
    let cases = match load_test_cases(&loaded.root) {
        Ok(cases) => cases,
        Err(error) => return usage_error(error),
    };
    if cases.is_empty() {
        return usage_error(format!(
            "no test cases: put resource fixtures in `{}` (see docs/testing.md)",
            loaded.root.join("tests").display()
        ));
    }
    let today = common.today.unwrap_or_else(date::today_utc);
    let options = charter_evaluator::SuiteOptions {
        today: Some(today.to_string()),
    };
    let suite = charter_evaluator::run_suite_with(&tree, &cases, &options);
    match common.format {
        Format::Json => println!("{}", suite.to_json()),
        Format::Human | Format::Sarif => print!("{}", suite.render()),
    }
    if suite.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_PROBLEMS)
    }
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
        let text = project::read_utf8(&file).map_err(|error| error.to_string())?;
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
