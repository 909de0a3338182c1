//! `newsmark check` and `newsmark render`: the command-line front end over the same library
//! the server uses.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use anstyle::{AnsiColor, Style};
use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::config::{self, Config};
use crate::render;
use crate::rules::{self, Diagnostic, Severity};
use crate::syntax::{Encoding, LineCol};
use crate::workspace::load::{self, Masks, clean};
use crate::workspace::{Document, FileId, Workspace};

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

#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// Files and directories to check.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Make warnings fail the check too (exit status 1).
    #[arg(long, value_enum)]
    deny: Vec<Deny>,
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
enum Format {
    Human,
    Json,
    Github,
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

fn canonical(path: &Path) -> PathBuf {
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
                if !seen.insert(key.clone()) {
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
    let run = run_check(&args.paths);
    let deny_warnings = args.deny.contains(&Deny::Warnings);
    // Reports can hold hundreds of thousands of lines: build them in memory and write once.
    // Only the human report has colour, so only it goes through anstream (which strips the
    // colour when stdout is not a terminal or NO_COLOR is set).
    let mut report = Vec::new();
    let result = match args.format {
        Format::Human => write_human(&mut report, &run)
            .and_then(|()| anstream::stdout().lock().write_all(&report)),
        Format::Json => {
            write_json(&mut report, &run).and_then(|()| std::io::stdout().lock().write_all(&report))
        }
        Format::Github => write_github(&mut report, &run)
            .and_then(|()| std::io::stdout().lock().write_all(&report)),
    };
    let mut stderr = anstream::stderr().lock();
    for trouble in &run.trouble {
        let _ = writeln!(
            stderr,
            "{}error{}: {trouble}",
            style(Severity::Error).render(),
            style(Severity::Error).render_reset()
        );
    }
    if let Err(e) = result
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        let _ = writeln!(stderr, "error: cannot write the report: {e}");
        return ExitCode::from(2);
    }
    if !run.trouble.is_empty() {
        return ExitCode::from(2);
    }
    let failing = run
        .workspaces
        .iter()
        .flat_map(|(_, reports)| reports)
        .any(|r| {
            r.diagnostics.iter().any(|d| {
                d.severity == Severity::Error || (deny_warnings && d.severity == Severity::Warning)
            })
        });
    if failing {
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

fn style(severity: Severity) -> Style {
    let color = match severity {
        Severity::Error => AnsiColor::BrightRed,
        Severity::Warning => AnsiColor::BrightYellow,
        Severity::Info => AnsiColor::BrightBlue,
        Severity::Hint => AnsiColor::BrightCyan,
    };
    Style::new().bold().fg_color(Some(color.into()))
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
        Severity::Hint => Level::HELP,
    }
}

/// 1-based line and column (Unicode scalar values) of both ends of a diagnostic.
fn span(doc: &Document, d: &Diagnostic) -> (LineCol, LineCol) {
    let start = doc
        .line_index
        .position(&doc.text, d.range.start, Encoding::Utf32);
    let end = doc
        .line_index
        .position(&doc.text, d.range.end, Encoding::Utf32);
    let one = |p: LineCol| LineCol {
        line: p.line + 1,
        col: p.col + 1,
    };
    (one(start), one(end))
}

fn each(run: &CheckRun) -> impl Iterator<Item = (&Workspace, &FileReport, &Diagnostic)> {
    run.workspaces.iter().flat_map(|(ws, reports)| {
        reports
            .iter()
            .flat_map(move |r| r.diagnostics.iter().map(move |d| (ws, r, d)))
    })
}

/// The longest source excerpt shown under a diagnostic, in bytes.
const SNIPPET_MAX: usize = 2048;

/// `at`, moved back to the start of the character it falls in.
fn char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn write_human(out: &mut impl Write, run: &CheckRun) -> std::io::Result<()> {
    let renderer = Renderer::styled();
    let bold = Style::new().bold();
    let mut counts = [0usize; 4];
    for (ws, report, d) in each(run) {
        counts[d.severity as usize] += 1;
        let doc = ws.document(report.file);
        let (start, _) = span(doc, d);
        let s = style(d.severity);
        writeln!(
            out,
            "{bold}{}:{}:{}:{bold:#} {s}{}[{}]{s:#}{bold}: {}{bold:#}",
            report.path.display(),
            start.line,
            start.col,
            d.severity.as_str(),
            d.rule.id(),
            d.message,
        )?;
        // Only the lines the diagnostic touches go to the renderer.
        let first = doc.line_index.line_of(d.range.start);
        let last = doc
            .line_index
            .line_of(d.range.end.max(d.range.start + 1) - 1)
            .max(first);
        let mut from = doc.line_index.line_range(&doc.text, first).start;
        let mut to = doc.line_index.line_range(&doc.text, last).end;
        // A very long line (a whole article without a line break) is cut to a window around
        // the diagnostic: rendering all of it for each of its diagnostics made the report
        // quadratic in the line's length.
        if to - from > SNIPPET_MAX {
            let start = d.range.start.saturating_sub(SNIPPET_MAX / 4);
            from = char_boundary(&doc.text, from.max(start));
            to = char_boundary(&doc.text, to.min(from + SNIPPET_MAX)).max(d.range.start);
        }
        let source = &doc.text[from..to];
        let primary =
            (d.range.start - from)..(d.range.end.min(to) - from).max(d.range.start - from);
        let mut snippet = Snippet::source(source)
            .line_start(first + 1)
            .fold(false)
            .annotation(AnnotationKind::Primary.span(primary));
        for related in d.related.iter().filter(|r| r.file == report.file) {
            if related.range.start >= from && related.range.end <= to {
                snippet = snippet.annotation(
                    AnnotationKind::Context
                        .span(related.range.start - from..related.range.end - from)
                        .label(related.message.as_str()),
                );
            }
        }
        let group = Group::with_level(level(d.severity)).element(snippet);
        writeln!(out, "{}", renderer.render(&[group]))?;
        for related in &d.related {
            let other = ws.document(related.file);
            let pos = other
                .line_index
                .position(&other.text, related.range.start, Encoding::Utf32);
            writeln!(
                out,
                "  = note: {} at {}:{}:{}",
                related.message,
                other.path.display(),
                pos.line + 1,
                pos.col + 1
            )?;
        }
        writeln!(out)?;
    }
    let files: usize = run.workspaces.iter().map(|(_, r)| r.len()).sum();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let names = ["error", "warning", "info", "hint"];
    let found: Vec<String> = counts
        .iter()
        .zip(names)
        .filter(|(n, _)| **n > 0)
        .map(|(&n, name)| plural(n, name))
        .collect();
    let summary = if found.is_empty() {
        "no problems".to_string()
    } else {
        found.join(", ")
    };
    writeln!(
        out,
        "{bold}newsmark: {summary} in {} checked{bold:#}",
        plural(files, "file")
    )
}

fn write_json(out: &mut impl Write, run: &CheckRun) -> std::io::Result<()> {
    let items: Vec<serde_json::Value> = each(run)
        .map(|(ws, report, d)| {
            let (start, end) = span(ws.document(report.file), d);
            serde_json::json!({
                "file": report.path.display().to_string(),
                "line": start.line,
                "column": start.col,
                "end_line": end.line,
                "end_column": end.col,
                "severity": d.severity.as_str(),
                "rule": d.rule.id(),
                "message": d.message,
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

/// Escapes for workflow commands: data escapes `%`, CR and LF; properties also `:` and `,`.
fn github_escape(text: &str, property: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

fn write_github(out: &mut impl Write, run: &CheckRun) -> std::io::Result<()> {
    for (ws, report, d) in each(run) {
        let (start, end) = span(ws.document(report.file), d);
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Hint => "notice",
        };
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            github_escape(&report.path.display().to_string(), true),
            start.line,
            start.col,
            end.line,
            end.col,
            github_escape(&format!("newsmark({})", d.rule.id()), true),
            github_escape(&d.message, false),
        )?;
    }
    Ok(())
}
