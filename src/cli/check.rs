//! `newsmark check`, streaming: memory bounded by the largest file, not by the archive.
//!
//! Entities are workspace-wide, articles are not. A first pass reads every file of a
//! workspace and keeps only the documents that define entities (usually the registries);
//! the entity index is built over them. A second pass checks the files to report on, on all
//! cores: each is read, parsed, checked against that index, its findings formatted, and
//! dropped. The formatted files are written in the order the old way reported them (sorted
//! paths), through a reorder window of bounded size, as each completes.
//!
//! What a rule reads from other documents is the entity index's definitions and names and
//! the documents that hold them (`ws.entity`, duplicate definitions, near-miss names); none
//! reads other articles' mentions, so the findings are those of a whole workspace
//! ([`super::run_check`], still used by `render`; the tests compare the two).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use rayon::prelude::*;

use super::canonical;
use super::output::{self, Counts, FileView, Format, Problem};
use crate::baseline::{self, Baseline, Tally};
use crate::config::{self, Config};
use crate::rules::{self, Severity};
use crate::workspace::load::{self, clean};
use crate::workspace::{Document, FileId, Workspace};

/// Standard input, checked as the file at `path`.
pub struct Stdin {
    /// The path given with `--stdin-filename` (`None`: the text is named `<stdin>` and
    /// belongs to the current directory's workspace).
    pub path: Option<PathBuf>,
    pub text: String,
}

pub struct Options {
    pub format: Format,
    /// `(k, n)`: check only the k-th (from 1) of n shares of the files.
    pub shard: Option<(usize, usize)>,
    pub allow_empty: bool,
    pub stdin: Option<Stdin>,
    /// The baseline whose findings are not reported (`--baseline`, else newsmark.toml's).
    pub baseline: BaselineChoice,
    /// `--write-baseline FILE`: record the findings instead of reporting them.
    pub write_baseline: Option<PathBuf>,
    /// Where SARIF's help links point (`#rule-id` appended); empty: none.
    pub rules_url: String,
}

pub enum BaselineChoice {
    /// Each workspace's `baseline` in newsmark.toml, if it has one.
    Configured,
    /// `--baseline FILE`, for every workspace.
    File(PathBuf),
    /// `--no-baseline`: every finding.
    None,
}

/// What a check found, for the exit status.
#[derive(Debug, Default)]
pub struct Outcome {
    pub counts: Counts,
    pub files: usize,
    pub problems: Vec<Problem>,
    pub baseline: Option<Tally>,
    pub baseline_written: usize,
}

/// The name of standard input's text when no `--stdin-filename` is given.
const STDIN_NAME: &str = "<stdin>";

/// One workspace to check: every file of it (the universe: what the entity index is built
/// from), the files reported on, each an index into the universe, and standard input's text
/// for the universe entry it replaces or adds.
struct Plan {
    root: PathBuf,
    config: Config,
    universe: Vec<PathBuf>,
    stdin: Option<(usize, String)>,
    targets: Vec<(PathBuf, usize)>,
}

/// A path's canonical form when the file itself need not exist (standard input's name).
fn canonical_lenient(path: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(path) {
        return c;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            canonical(parent).join(name)
        }
        _ => path.to_path_buf(),
    }
}

/// Groups the paths by workspace and works out, for each, what to read and what to report.
fn plan(paths: &[PathBuf], opts: &mut Options, problems: &mut Vec<Problem>) -> Vec<Plan> {
    let stdin_path = |opts: &Options| {
        opts.stdin
            .as_ref()
            .map(|s| s.path.clone().unwrap_or_else(|| PathBuf::from(STDIN_NAME)))
    };
    // (canonical root, root, shallow, checked paths)
    let mut roots: Vec<(PathBuf, PathBuf, bool, Vec<PathBuf>)> = Vec::new();
    for path in paths {
        let is_stdin = path.as_os_str() == "-";
        let path = if is_stdin {
            stdin_path(opts).expect("standard input is read when `-` is named")
        } else {
            path.clone()
        };
        if !is_stdin && !path.exists() {
            problems.push(Problem::new(
                Some(&path),
                format!("{}: no such file or directory", path.display()),
            ));
            continue;
        }
        let found = if is_stdin && path.as_os_str() == STDIN_NAME {
            load::find_root(Path::new("."))
        } else {
            load::find_root(&path)
        };
        let shallow = !path.is_dir() && found.shallow_for_file();
        let root = found.dir;
        let key = canonical(&root);
        match roots.iter_mut().find(|(k, ..)| *k == key) {
            Some((_, _, group_shallow, list)) => {
                *group_shallow &= shallow;
                list.push(path);
            }
            None => roots.push((key, root, shallow, vec![path])),
        }
    }
    let stdin_key = stdin_path(opts).map(|p| canonical_lenient(&p));
    let mut plans = Vec::new();
    for (_, root, shallow, checked) in roots {
        let config_path = clean(&root.join(config::FILE_NAME));
        let config = if config_path.is_file() {
            match Config::load(&config_path) {
                Ok(config) => config,
                Err(e) => {
                    problems.push(Problem::new(Some(&e.path.clone()), e.to_string()));
                    continue;
                }
            }
        } else {
            Config::default()
        };
        let (universe, walk_errors) = load::walk(&root, shallow);
        for e in walk_errors {
            problems.push(Problem::new(Some(&e.path), e.to_string()));
        }
        let is_stdin = |p: &Path| stdin_key.as_deref() == Some(canonical_lenient(p).as_path());
        let simple = checked.len() == 1
            && !is_stdin(&checked[0])
            && canonical(&checked[0]) == canonical(&root);
        let mut plan = Plan {
            root: root.clone(),
            config,
            universe,
            stdin: None,
            targets: Vec::new(),
        };
        if simple {
            if plan.universe.is_empty() && !opts.allow_empty {
                problems.push(no_files(&checked[0]));
            }
            plan.targets = plan
                .universe
                .iter()
                .enumerate()
                .map(|(i, p)| (p.clone(), i))
                .collect();
        } else {
            let mut by_canonical: HashMap<PathBuf, usize> = plan
                .universe
                .iter()
                .enumerate()
                .map(|(i, p)| (canonical(p), i))
                .collect();
            let mut seen = HashSet::new();
            for path in &checked {
                let stdin_here = is_stdin(path);
                let found = if stdin_here {
                    vec![clean(path)]
                } else if path.is_dir() {
                    let (files, errors) = load::walk(path, false);
                    for e in errors {
                        problems.push(Problem::new(Some(&e.path), e.to_string()));
                    }
                    files
                } else {
                    vec![clean(path)]
                };
                if found.is_empty() && !opts.allow_empty {
                    problems.push(no_files(path));
                }
                for path in found {
                    let key = if stdin_here {
                        canonical_lenient(&path)
                    } else {
                        canonical(&path)
                    };
                    if !seen.insert(key.clone()) {
                        continue;
                    }
                    let index = *by_canonical.entry(key).or_insert_with(|| {
                        // Named directly but outside the walk (ignored, or not `.news`): it
                        // joins the workspace too.
                        plan.universe.push(path.clone());
                        plan.universe.len() - 1
                    });
                    if stdin_here && let Some(stdin) = opts.stdin.take() {
                        plan.stdin = Some((index, stdin.text));
                    }
                    plan.targets.push((path, index));
                }
            }
        }
        plans.push(plan);
    }
    plans
}

fn no_files(path: &Path) -> Problem {
    Problem::new(
        Some(path),
        format!(
            "{}: no .news or .news.md file to check (--allow-empty accepts this)",
            path.display()
        ),
    )
}

/// Whether `text` may hold an entity definition (`[@id]: Name`): a file without `[@` is not
/// parsed in the first pass.
fn may_define_entities(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"[@").is_some()
}

/// One checked file, formatted.
#[derive(Default)]
struct Done {
    report: Vec<u8>,
    baseline_entries: Vec<u8>,
    counts: Counts,
    checked: bool,
    problem: Option<Problem>,
    tally: Tally,
    written: usize,
}

/// How many files may be finished and waiting for an earlier one to be written: the memory
/// of a check is this many files' reports at most, beyond the files being checked.
const WINDOW: usize = 64;

/// Runs `work` on 0..n on `threads` threads and hands the results to `emit` in index order,
/// as soon as each one and those before it are done. No worker runs more than [`WINDOW`]
/// ahead of the writer.
fn ordered<S, T: Send>(
    n: usize,
    threads: usize,
    state: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, usize) -> T + Sync,
    mut emit: impl FnMut(T),
) {
    struct Shared<T> {
        done: BTreeMap<usize, T>,
        written: usize,
    }
    let next = AtomicUsize::new(0);
    let shared = Mutex::new(Shared {
        done: BTreeMap::new(),
        written: 0,
    });
    let changed = Condvar::new();
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1).min(n.max(1)) {
            scope.spawn(|| {
                let mut local = state();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    {
                        let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
                        while i >= s.written + WINDOW {
                            s = changed.wait(s).unwrap_or_else(|e| e.into_inner());
                        }
                    }
                    let result = work(&mut local, i);
                    let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
                    s.done.insert(i, result);
                    changed.notify_all();
                }
            });
        }
        for i in 0..n {
            let result = {
                let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
                loop {
                    if let Some(result) = s.done.remove(&i) {
                        s.written = i + 1;
                        changed.notify_all();
                        break result;
                    }
                    s = changed.wait(s).unwrap_or_else(|e| e.into_inner());
                }
            };
            emit(result);
        }
    });
}

/// Checks `paths` and writes the report to `out` as it goes (`out` does its own colour
/// handling; the human report is styled).
pub fn check(
    paths: &[PathBuf],
    mut opts: Options,
    out: &mut dyn Write,
) -> std::io::Result<Outcome> {
    let mut outcome = Outcome::default();
    let plans = plan(paths, &mut opts, &mut outcome.problems);
    let format = opts.format;
    let mut baseline_out = match &opts.write_baseline {
        Some(path) => {
            let file = std::fs::File::create(path).map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!("{}: cannot write the baseline: {e}", path.display()),
                )
            })?;
            let mut file = std::io::BufWriter::new(file);
            file.write_all(baseline::START.as_bytes())?;
            Some(file)
        }
        None => None,
    };
    let reporting = baseline_out.is_none();
    if reporting {
        match format {
            Format::Json => out.write_all(output::JSON_START.as_bytes())?,
            Format::Sarif => output::sarif_start(out, &opts.rules_url)?,
            Format::Human | Format::HumanPlain | Format::Github => {}
        }
    }
    let mut any_item = false;
    let mut any_entry = false;
    let mut failed_write: Option<std::io::Error> = None;
    let cancelled = AtomicBool::new(false);
    for plan in plans {
        let baseline = match &opts.baseline {
            _ if !reporting => None,
            BaselineChoice::None => None,
            BaselineChoice::File(path) => match Baseline::load(path) {
                Ok(b) => Some(b),
                Err(e) => {
                    outcome.problems.push(Problem::new(Some(path), e));
                    continue;
                }
            },
            BaselineChoice::Configured => match &plan.config.baseline {
                None => None,
                Some(name) => {
                    let path = clean(&plan.root.join(name));
                    match Baseline::load(&path) {
                        Ok(b) => Some(b),
                        Err(e) => {
                            outcome.problems.push(Problem::new(Some(&path), e));
                            continue;
                        }
                    }
                }
            },
        };
        if baseline.is_some() {
            outcome.baseline.get_or_insert_default();
        }
        // First pass: the documents that define entities, kept whole; the rest dropped.
        // (Boxed: a slot per file of the archive, nearly all empty.)
        let stdin = &plan.stdin;
        let first: Vec<Result<Option<Box<Document>>, Box<load::LoadError>>> = plan
            .universe
            .par_iter()
            .enumerate()
            .map(|(i, path)| {
                let text = match stdin {
                    Some((at, text)) if *at == i => text.clone(),
                    _ => load::read(path).map_err(Box::new)?,
                };
                if !may_define_entities(&text) {
                    return Ok(None);
                }
                let doc = Document::new(path.clone(), text);
                Ok(doc.defines_entities().then(|| Box::new(doc)))
            })
            .collect();
        let mut base = Workspace::new(plan.root.clone(), plan.config.clone());
        let mut in_base: Vec<Option<FileId>> = vec![None; plan.universe.len()];
        let mut unreadable = vec![false; plan.universe.len()];
        for (i, result) in first.into_iter().enumerate() {
            match result {
                Ok(Some(doc)) => in_base[i] = Some(base.set_document(*doc)),
                Ok(None) => {}
                Err(e) => {
                    unreadable[i] = true;
                    outcome
                        .problems
                        .push(Problem::new(Some(&e.path), e.to_string()));
                }
            }
        }
        base.index();
        let targets: Vec<&(PathBuf, usize)> = match opts.shard {
            Some((k, n)) => plan
                .targets
                .iter()
                .enumerate()
                .filter(|(i, _)| i % n == k - 1)
                .map(|(_, t)| t)
                .collect(),
            None => plan.targets.iter().collect(),
        };
        let root = &plan.root;
        let rules_url = opts.rules_url.as_str();
        let write_baseline = baseline_out.is_some();
        let baseline = baseline.as_ref();
        let work = |local: &mut Workspace, i: usize| -> Done {
            if cancelled.load(Ordering::Relaxed) {
                return Done::default();
            }
            let (report_path, u) = targets[i];
            if unreadable[*u] {
                return Done::default();
            }
            let mut done = Done::default();
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let (ws, file, borrowed) = match in_base[*u] {
                    Some(id) => (&base, id, true),
                    None => {
                        let text = match stdin {
                            Some((at, text)) if at == u => Ok(text.clone()),
                            _ => load::read(&plan.universe[*u]),
                        };
                        let text = match text {
                            Ok(text) => text,
                            Err(e) => {
                                done.problem = Some(Problem::new(Some(&e.path), e.to_string()));
                                return;
                            }
                        };
                        let doc = Document::new(plan.universe[*u].clone(), text);
                        let id = local.set_article_keeping_index(doc);
                        (&*local, id, false)
                    }
                };
                let doc = ws.document(file);
                let mut diagnostics = rules::check(ws, file);
                if baseline.is_some() || write_baseline {
                    let key = baseline::file_key(root, &doc.path);
                    if let Some(baseline) = baseline {
                        done.tally = baseline.filter(&key, &doc.text, &mut diagnostics);
                    }
                    if write_baseline {
                        let _ = baseline::write_entries(
                            &mut done.baseline_entries,
                            &key,
                            &doc.text,
                            &diagnostics,
                        );
                        done.written = diagnostics.len();
                    }
                }
                done.checked = true;
                if !write_baseline {
                    for d in &diagnostics {
                        done.counts[d.severity as usize] += 1;
                    }
                    let view = FileView {
                        ws,
                        file,
                        path: report_path,
                    };
                    output::write_file(format, &view, &diagnostics, &mut done.report, rules_url);
                }
                if !borrowed {
                    local.forget_article(file);
                }
            }));
            if result.is_err() {
                // The worker's own workspace may hold the article still; a fresh copy of the
                // base replaces it.
                *local = base.clone();
                done = Done {
                    problem: Some(Problem::new(
                        Some(report_path),
                        format!(
                            "{}: newsmark failed on this file (an internal error; please report it)",
                            report_path.display()
                        ),
                    )),
                    ..Done::default()
                };
            }
            done
        };
        let threads = rayon::current_num_threads();
        ordered(
            targets.len(),
            threads,
            || base.clone(),
            work,
            |done: Done| {
                if let Some(problem) = done.problem {
                    outcome.problems.push(problem);
                }
                if !done.checked {
                    return;
                }
                outcome.files += 1;
                for (total, n) in outcome.counts.iter_mut().zip(done.counts) {
                    *total += n;
                }
                if let Some(tally) = outcome.baseline.as_mut() {
                    *tally += done.tally;
                }
                outcome.baseline_written += done.written;
                if failed_write.is_some() {
                    return;
                }
                let mut written = Ok(());
                if let Some(file) = baseline_out.as_mut()
                    && !done.baseline_entries.is_empty()
                {
                    let skip = usize::from(!any_entry);
                    any_entry = true;
                    written = file.write_all(&done.baseline_entries[skip..]);
                }
                if !done.report.is_empty() {
                    let skip =
                        usize::from(!any_item && matches!(format, Format::Json | Format::Sarif));
                    any_item = true;
                    written = written.and_then(|()| out.write_all(&done.report[skip..]));
                }
                if let Err(e) = written {
                    cancelled.store(true, Ordering::Relaxed);
                    failed_write = Some(e);
                }
            },
        );
    }
    if let Some(e) = failed_write {
        return Err(e);
    }
    if let Some(mut file) = baseline_out {
        file.write_all(baseline::END.as_bytes())?;
        file.flush()?;
        return Ok(outcome);
    }
    match format {
        Format::Human | Format::HumanPlain => {}
        Format::Json => output::json_end(
            out,
            any_item,
            &outcome.problems,
            &outcome.counts,
            outcome.files,
            outcome.baseline,
        )?,
        Format::Github => {
            for problem in &outcome.problems {
                output::github_problem(out, problem)?;
            }
        }
        Format::Sarif => output::sarif_end(out, any_item, &outcome.problems)?,
    }
    Ok(outcome)
}

/// Whether a check's findings fail it (exit status 1).
pub fn failing(counts: &Counts, deny_warnings: bool) -> bool {
    counts[Severity::Error as usize] > 0
        || (deny_warnings && counts[Severity::Warning as usize] > 0)
}
