//! `newsmark check` and `newsmark render`: the command-line front end over the same library
//! the server uses. `check` streams ([`check`]); `render`, which needs every article's
//! findings at hand, loads whole workspaces ([`run_check`]).

pub mod check;
pub mod output;

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::config::{self, Config};
use crate::render;
use crate::rules::{self, Diagnostic, Severity};
use crate::workspace::load::{self, Masks, clean};
use crate::workspace::{Document, FileId, Workspace};
use output::{Format, style};

#[derive(Parser, Debug)]
#[command(
    name = "newsmark",
    version,
    about = "Checks annotated news articles (.news files)"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check .news files and directories (recursively, respecting .gitignore).
    Check(CheckArgs),
    /// Render articles to HTML, Markdown or JSON for publishing.
    Render(RenderArgs),
    /// Run the language server over stdin and stdout (for editors).
    Lsp,
}

const CHECK_HELP: &str = "\
Exit status:
  0  no error-level finding (with --deny warnings: no warning either)
  1  at least one error-level finding (or warning, with --deny warnings)
  2  trouble: a path that does not exist or holds no .news file, an unreadable or
     non-UTF-8 file, a bad newsmark.toml or baseline, a bad option; the report says which

Configuration: newsmark.toml at the workspace root (the nearest ancestor holding one; else
the nearest holding .git; else the directory checked) sets rule levels, exemptions and a
baseline. Rules, newsmark.toml and the output formats: docs/rules.md. CI, shards and
baselines: docs/ci.md.";

#[derive(clap::Args, Debug)]
#[command(after_help = CHECK_HELP)]
struct CheckArgs {
    /// Files and directories to check; `-` reads standard input.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Make warnings fail the check too (exit status 1).
    #[arg(long, value_enum)]
    deny: Vec<Deny>,
    /// The path standard input (`-`) stands for: it finds the workspace and names the file in
    /// the report (a file of that path on disk is replaced by standard input's text).
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<PathBuf>,
    /// Accept a path that holds no .news file (exit 0, not 2).
    #[arg(long)]
    allow_empty: bool,
    /// Check only the K-th of N deterministic shares of the files (every share reads all
    /// entity definitions): for a CI matrix.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<(usize, usize)>,
    /// Report only findings not recorded in this baseline (default: the `baseline` of
    /// newsmark.toml, if any).
    #[arg(long, value_name = "FILE", conflicts_with = "no_baseline")]
    baseline: Option<PathBuf>,
    /// Ignore the baseline newsmark.toml names: report every finding.
    #[arg(long)]
    no_baseline: bool,
    /// Record every finding in FILE (a baseline) instead of reporting them.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline"])]
    write_baseline: Option<PathBuf>,
    /// Where SARIF's rule help links point, `#rule-id` appended (default: docs/rules.md of
    /// the source tree newsmark was built from; `""` for none).
    #[arg(long, value_name = "URL")]
    rules_url: Option<String>,
}

fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let (k, n) = text
        .split_once('/')
        .ok_or_else(|| format!("`{text}` is no shard: write K/N, as 2/4"))?;
    let (k, n): (usize, usize) = match (k.trim().parse(), n.trim().parse()) {
        (Ok(k), Ok(n)) => (k, n),
        _ => {
            return Err(format!(
                "`{text}` is no shard: write K/N with whole numbers, as 2/4"
            ));
        }
    };
    if n == 0 || k == 0 || k > n {
        return Err(format!("shard {k}/{n}: K must be from 1 to N"));
    }
    Ok((k, n))
}

#[derive(clap::Args, Debug)]
struct RenderArgs {
    /// Articles, and directories of articles, to render.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RenderFormat::Html)]
    format: RenderFormat,
    /// Where to write: a file for one article, a directory for several (default: stdout, for
    /// one article).
    #[arg(short, long, value_name = "FILE|DIR")]
    output: Option<PathBuf>,
    /// Exit 0 even when an article has error-level findings (it is still rendered).
    #[arg(long)]
    allow_errors: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum RenderFormat {
    Html,
    Markdown,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Deny {
    Warnings,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check_command(&args),
        Command::Render(args) => render_command(&args),
        Command::Lsp => crate::lsp::run_stdio(),
    }
}

/// One checked file and what was found in it.
pub struct FileReport {
    /// The path as given or as found under a given directory.
    pub path: PathBuf,
    pub file: FileId,
    pub diagnostics: Vec<Diagnostic>,
}

/// The outcome of checking some paths: reports per workspace, and trouble that stopped a
/// file or a workspace from being checked (already phrased for the user).
#[derive(Default)]
pub struct CheckRun {
    pub workspaces: Vec<(Workspace, Vec<FileReport>)>,
    pub trouble: Vec<String>,
}

pub(crate) fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Checks `paths` the way `newsmark check` does, without printing.
pub fn run_check(paths: &[PathBuf]) -> CheckRun {
    let mut run = CheckRun::default();
    // Group the paths by workspace root, keeping the order they were given in.
    let mut roots: Vec<(PathBuf, PathBuf, bool, Vec<PathBuf>)> = Vec::new();
    for path in paths {
        if !path.exists() {
            run.trouble
                .push(format!("{}: no such file or directory", path.display()));
            continue;
        }
        let found = load::find_root(path);
        let shallow = !path.is_dir() && found.shallow_for_file();
        let root = found.dir;
        let key = canonical(&root);
        match roots.iter_mut().find(|(k, ..)| *k == key) {
            Some((_, _, group_shallow, list)) => {
                *group_shallow &= shallow;
                list.push(path.clone());
            }
            None => roots.push((key, root, shallow, vec![path.clone()])),
        }
    }
    for (_, root, shallow, checked) in roots {
        let config_path = clean(&root.join(config::FILE_NAME));
        let config = if config_path.is_file() {
            match Config::load(&config_path) {
                Ok(config) => config,
                Err(e) => {
                    run.trouble.push(format!("{e}"));
                    continue;
                }
            }
        } else {
            Config::default()
        };
        let report = check_workspace(root, shallow, config, &checked, &mut run.trouble);
        run.workspaces.push(report);
    }
    run
}

fn check_workspace(
    root: PathBuf,
    shallow: bool,
    config: Config,
    checked: &[PathBuf],
    trouble: &mut Vec<String>,
) -> (Workspace, Vec<FileReport>) {
    let (workspace_files, walk_errors) = load::walk(&root, shallow);
    trouble.extend(walk_errors.iter().map(ToString::to_string));
    // Usually the one path checked is the root itself: then the files to report on are the
    // workspace's files, and nothing needs mapping. Otherwise checked files are matched to
    // workspace files by canonical path, which also drops files named twice.
    let simple = checked.len() == 1 && canonical(&checked[0]) == canonical(&root);
    let (documents, mut unreadable) = load::read_documents(workspace_files.clone(), Masks::Keep);
    let mut workspace = Workspace::new(root, config);
    for doc in documents {
        workspace.set_document(doc);
    }
    let targets: Vec<(PathBuf, FileId)> = if simple {
        workspace_files
            .into_iter()
            .filter_map(|path| workspace.file_id(&path).map(|id| (path, id)))
            .collect()
    } else {
        let by_canonical: HashMap<PathBuf, FileId> = workspace
            .documents()
            .map(|(id, doc)| (canonical(&doc.path), id))
            .collect();
        // A workspace file that could not be read is reported once, not again as named.
        let failed: HashSet<PathBuf> = unreadable.iter().map(|e| canonical(&e.path)).collect();
        let mut seen = HashSet::new();
        let mut targets = Vec::new();
        for path in checked {
            let found = if path.is_dir() {
                let (files, errors) = load::walk(path, false);
                trouble.extend(errors.iter().map(ToString::to_string));
                files
            } else {
                vec![clean(path)]
            };
            for path in found {
                let key = canonical(&path);
                if !seen.insert(key.clone()) || failed.contains(&key) {
                    continue;
                }
                match by_canonical.get(&key) {
                    Some(&id) => targets.push((path, id)),
                    // Named directly but outside the walk (ignored, or not `.news`): it joins
                    // the workspace too.
                    None => match load::read(&path) {
                        Ok(text) => {
                            let id = workspace.set_document(Document::new(path.clone(), text));
                            targets.push((path, id));
                        }
                        Err(e) => unreadable.push(e),
                    },
                }
            }
        }
        targets
    };
    trouble.extend(unreadable.iter().map(ToString::to_string));
    workspace.index();
    let reports = targets
        .into_par_iter()
        .map(|(path, file)| FileReport {
            diagnostics: rules::check(&workspace, file),
            path,
            file,
        })
        .collect();
    (workspace, reports)
}

fn check_command(args: &CheckArgs) -> ExitCode {
    let mut stderr = anstream::stderr().lock();
    let stdin = if args.paths.iter().any(|p| p.as_os_str() == "-") {
        if args.paths.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
            print_error(&mut stderr, "`-` (standard input) can be named once");
            return ExitCode::from(2);
        }
        let mut text = Vec::new();
        if let Err(e) = std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut text) {
            print_error(&mut stderr, &format!("cannot read standard input: {e}"));
            return ExitCode::from(2);
        }
        match String::from_utf8(text) {
            Ok(text) => Some(check::Stdin {
                path: args.stdin_filename.clone(),
                text,
            }),
            Err(e) => {
                print_error(
                    &mut stderr,
                    &format!(
                        "standard input is not UTF-8 (invalid byte at offset {})",
                        e.utf8_error().valid_up_to()
                    ),
                );
                return ExitCode::from(2);
            }
        }
    } else {
        if args.stdin_filename.is_some() {
            print_error(
                &mut stderr,
                "--stdin-filename names standard input: add `-` to the paths",
            );
            return ExitCode::from(2);
        }
        None
    };
    // Colour is decided once, as anstream would for stdout; a report without colour is
    // written plain rather than styled and stripped.
    let color = args.format == Format::Human
        && anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
    let format = match args.format {
        Format::Human if !color => Format::HumanPlain,
        format => format,
    };
    let options = check::Options {
        format,
        shard: args.shard,
        allow_empty: args.allow_empty,
        stdin,
        baseline: match (&args.baseline, args.no_baseline) {
            (Some(path), _) => check::BaselineChoice::File(path.clone()),
            (None, true) => check::BaselineChoice::None,
            (None, false) => check::BaselineChoice::Configured,
        },
        write_baseline: args.write_baseline.clone(),
        rules_url: args
            .rules_url
            .clone()
            .unwrap_or_else(|| format!("file://{}/docs/rules.md", env!("CARGO_MANIFEST_DIR"))),
    };
    let deny_warnings = args.deny.contains(&Deny::Warnings);
    // Only the human report has colour, so only it goes through anstream (which strips the
    // colour when stdout is not a terminal or NO_COLOR is set).
    let result = if color {
        let mut out = std::io::BufWriter::with_capacity(
            1 << 16,
            anstream::AutoStream::auto(std::io::stdout().lock()),
        );
        check::check(&args.paths, options, &mut out).and_then(|outcome| {
            out.flush()?;
            for problem in &outcome.problems {
                print_error(&mut stderr, &problem.message);
            }
            if args.write_baseline.is_none() {
                output::human_summary(
                    &mut out,
                    true,
                    &outcome.counts,
                    outcome.files,
                    outcome.problems.len(),
                    outcome.baseline,
                )?;
            }
            out.flush()?;
            Ok(outcome)
        })
    } else {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        check::check(&args.paths, options, &mut out).and_then(|outcome| {
            out.flush()?;
            // The report carries the problems; stderr says them too, for a person watching.
            for problem in &outcome.problems {
                print_error(&mut stderr, &problem.message);
            }
            if format == Format::HumanPlain && args.write_baseline.is_none() {
                output::human_summary(
                    &mut out,
                    false,
                    &outcome.counts,
                    outcome.files,
                    outcome.problems.len(),
                    outcome.baseline,
                )?;
                out.flush()?;
            }
            Ok(outcome)
        })
    };
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return ExitCode::from(2),
        Err(e) => {
            print_error(&mut stderr, &format!("cannot write the report: {e}"));
            return ExitCode::from(2);
        }
    };
    if let Some(path) = &args.write_baseline {
        let _ = writeln!(
            stderr,
            "newsmark: baseline of {} finding{} in {} file{} written to {}",
            outcome.baseline_written,
            if outcome.baseline_written == 1 {
                ""
            } else {
                "s"
            },
            outcome.files,
            if outcome.files == 1 { "" } else { "s" },
            path.display()
        );
    }
    if !outcome.problems.is_empty() {
        ExitCode::from(2)
    } else if args.write_baseline.is_none() && check::failing(&outcome.counts, deny_warnings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_error(stderr: &mut impl Write, message: &str) {
    let _ = writeln!(
        stderr,
        "{}error{}: {message}",
        style(Severity::Error).render(),
        style(Severity::Error).render_reset()
    );
}

/// Where a rendered article goes in an output directory: its path under the workspace root,
/// with the format's extension.
fn output_name(ws: &Workspace, report: &FileReport, format: render::Format) -> PathBuf {
    let path = clean(&report.path);
    let relative = canonical(&path)
        .strip_prefix(canonical(&ws.root))
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.file_name().map(PathBuf::from).unwrap_or_default());
    let name = relative
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("article");
    let stem = name
        .strip_suffix(".news.md")
        .or_else(|| name.strip_suffix(".news"))
        .unwrap_or(name);
    relative.with_file_name(format!("{stem}.{}", format.extension()))
}

/// `newsmark render`: loads like `check` (same workspaces, same errors), renders each article,
/// writes to stdout, a file or a directory.
fn render_command(args: &RenderArgs) -> ExitCode {
    let format = match args.format {
        RenderFormat::Html => render::Format::Html,
        RenderFormat::Markdown => render::Format::Markdown,
        RenderFormat::Json => render::Format::Json,
    };
    let run = run_check(&args.paths);
    let mut stderr = anstream::stderr().lock();
    for trouble in &run.trouble {
        print_error(&mut stderr, trouble);
    }
    let all: Vec<(&Workspace, &FileReport)> = run
        .workspaces
        .iter()
        .flat_map(|(ws, reports)| reports.iter().map(move |r| (ws, r)))
        .collect();
    // A registry holds no article; it is skipped among others, rendered when named alone.
    let articles: Vec<(&Workspace, &FileReport)> = if all.len() > 1 {
        all.iter()
            .copied()
            .filter(|(ws, r)| !render::is_registry(ws, r.file))
            .collect()
    } else {
        all
    };
    if articles.is_empty() && run.trouble.is_empty() {
        print_error(&mut stderr, "no .news article to render");
        return ExitCode::from(2);
    }
    let to_dir = match &args.output {
        Some(out) => {
            articles.len() > 1 || out.is_dir() || out.as_os_str().to_string_lossy().ends_with('/')
        }
        None => {
            if articles.len() > 1 {
                print_error(
                    &mut stderr,
                    &format!(
                        "{} articles to render: name a directory for them with -o DIR",
                        articles.len()
                    ),
                );
                return ExitCode::from(2);
            }
            false
        }
    };
    let rendered: Vec<String> = articles
        .par_iter()
        .map(|(ws, r)| render::render_checked(ws, r.file, format, &r.diagnostics))
        .collect();
    let mut failed = false;
    for ((ws, report), text) in articles.iter().zip(&rendered) {
        let errors = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        if errors > 0 {
            let _ = writeln!(
                stderr,
                "{}: rendered as a draft with {errors} error{} (run `newsmark check` to see {})",
                report.path.display(),
                if errors == 1 { "" } else { "s" },
                if errors == 1 { "it" } else { "them" }
            );
            failed |= !args.allow_errors;
        }
        let written = match &args.output {
            None => std::io::stdout().lock().write_all(text.as_bytes()),
            Some(out) => {
                let target = if to_dir {
                    out.join(output_name(ws, report, format))
                } else {
                    out.clone()
                };
                let made = match target.parent() {
                    Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir),
                    _ => Ok(()),
                };
                made.and_then(|()| std::fs::write(&target, text))
                    .map_err(|e| {
                        std::io::Error::new(e.kind(), format!("{}: {e}", target.display()))
                    })
            }
        };
        if let Err(e) = written {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                break;
            }
            print_error(&mut stderr, &format!("cannot write the output: {e}"));
            return ExitCode::from(2);
        }
    }
    if !run.trouble.is_empty() {
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The old way's reports, formatted by the same per-file formatter as the streaming check:
/// what the tests compare with it.
pub fn format_run(run: &CheckRun, format: Format) -> Vec<u8> {
    let mut out = Vec::new();
    for (ws, reports) in &run.workspaces {
        for report in reports {
            let view = output::FileView {
                ws,
                file: report.file,
                path: &report.path,
            };
            output::write_file(format, &view, &report.diagnostics, &mut out, "");
        }
    }
    out
}
