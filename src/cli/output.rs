//! `newsmark check`'s report formats, written a file at a time: each file's findings are
//! formatted (by a worker, while the document is at hand) into bytes the writer appends in
//! path order, and what the report says before the first file and after the last is written
//! by the writer alone. So no format holds more than one file's findings.

use std::io::Write;
use std::path::Path;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use anstyle::{AnsiColor, Style};

use crate::rules::{Diagnostic, Rule, Severity};
use crate::syntax::{Encoding, LineCol, LineIndex};
use crate::workspace::{Document, FileId, Workspace};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Lines with the source excerpt and a summary (colour on a terminal).
    Human,
    /// [`Format::Human`] without colour: what `human` writes where colour is off (not a
    /// terminal, `NO_COLOR`). Made plain from the start rather than styled and then stripped,
    /// which cost a third of the time of a report of many findings.
    #[value(skip)]
    HumanPlain,
    /// One JSON document: findings, errors and a summary.
    Json,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

/// Something that stopped a file or a workspace from being checked, phrased for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file or directory it is about, when there is one.
    pub path: Option<std::path::PathBuf>,
    /// The whole message, the path included when there is one.
    pub message: String,
}

impl Problem {
    pub fn new(path: Option<&Path>, message: String) -> Problem {
        Problem {
            path: path.map(Path::to_path_buf),
            message,
        }
    }
}

pub fn style(severity: Severity) -> Style {
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

/// Line and column (1-based, the column in Unicode scalar values) of offsets met in mostly
/// increasing order: each is counted on from the last one on the same line, so a file's
/// findings cost one pass over its text, not a search and a count from the line start each.
pub struct Positions<'a> {
    text: &'a str,
    index: &'a LineIndex,
    /// The current line, its start, the end of its text (before the break) and the next
    /// line's start (`usize::MAX` on the last line).
    line: usize,
    start: usize,
    end: usize,
    next: usize,
    /// The last offset counted to on this line, and its column.
    at: usize,
    col: usize,
}

impl<'a> Positions<'a> {
    pub fn new(doc: &'a Document) -> Positions<'a> {
        Positions {
            text: &doc.text,
            index: &doc.line_index,
            line: usize::MAX,
            start: 0,
            end: 0,
            next: 0,
            at: 0,
            col: 0,
        }
    }

    pub fn get(&mut self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let same_line = self.line != usize::MAX && offset >= self.start && offset < self.next;
        if !same_line {
            let line = self.index.line_of(offset);
            let range = self.index.line_range(self.text, line);
            self.line = line;
            self.start = range.start;
            self.end = range.end;
            self.next = if line + 1 < self.index.line_count() {
                self.index.line_range(self.text, line + 1).start
            } else {
                usize::MAX
            };
            self.at = self.start;
            self.col = 0;
        }
        // Inside a line break is the end of the line, as `LineIndex::position` has it.
        let offset = offset.min(self.end);
        if offset < self.at {
            // Backwards on the line (an end before the previous end): counted afresh.
            let pos = self.index.position(self.text, offset, Encoding::Utf32);
            return LineCol {
                line: pos.line + 1,
                col: pos.col + 1,
            };
        }
        let rest = &self.text[self.at..offset];
        self.col += if rest.is_ascii() {
            rest.len()
        } else {
            rest.chars().count()
        };
        self.at = offset;
        LineCol {
            line: self.line as u32 + 1,
            col: self.col as u32 + 1,
        }
    }
}

/// The report's counts of one file or of all: findings by severity (`Severity as usize`).
pub type Counts = [usize; 4];

/// What a worker needs to format one file.
pub struct FileView<'a> {
    pub ws: &'a Workspace,
    pub file: FileId,
    /// The path as the user named it (or as found under a directory they named).
    pub path: &'a Path,
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

/// Formats one file's findings (sorted by position) in `format`, appending to `out`.
pub fn write_file(
    format: Format,
    view: &FileView,
    diagnostics: &[Diagnostic],
    out: &mut Vec<u8>,
    rules_url: &str,
) {
    if diagnostics.is_empty() {
        return;
    }
    // Writing to a Vec cannot fail.
    let _ = match format {
        Format::Human => human_file(view, diagnostics, out, true),
        Format::HumanPlain => human_file(view, diagnostics, out, false),
        Format::Json => json_file(view, diagnostics, out),
        Format::Github => github_file(view, diagnostics, out),
        Format::Sarif => sarif_file(view, diagnostics, out, rules_url),
    };
}

fn human_file(
    view: &FileView,
    diagnostics: &[Diagnostic],
    out: &mut Vec<u8>,
    color: bool,
) -> std::io::Result<()> {
    let (renderer, bold) = if color {
        (Renderer::styled(), Style::new().bold())
    } else {
        (Renderer::plain(), Style::new())
    };
    let doc = view.ws.document(view.file);
    let mut positions = Positions::new(doc);
    for d in diagnostics {
        let start = positions.get(d.range.start);
        let s = if color {
            style(d.severity)
        } else {
            Style::new()
        };
        writeln!(
            out,
            "{bold}{}:{}:{}:{bold:#} {s}{}[{}]{s:#}{bold}: {}{bold:#}",
            view.path.display(),
            start.line,
            start.col,
            d.severity.as_str(),
            d.rule.id(),
            d.message,
        )?;
        // Only the lines the diagnostic touches go to the renderer.
        let first = start.line as usize - 1;
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
        for related in d.related.iter().filter(|r| r.file == view.file) {
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
            let other = view.ws.document(related.file);
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
    Ok(())
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The human report's last line. It says "no problems" only when nothing stopped a file from
/// being checked.
pub fn human_summary(
    out: &mut (impl Write + ?Sized),
    color: bool,
    counts: &Counts,
    files: usize,
    problems: usize,
    baseline: Option<crate::baseline::Tally>,
) -> std::io::Result<()> {
    let bold = if color {
        Style::new().bold()
    } else {
        Style::new()
    };
    let names = ["error", "warning", "info", "hint"];
    let found: Vec<String> = counts
        .iter()
        .zip(names)
        .filter(|(n, _)| **n > 0)
        .map(|(&n, name)| plural(n, name))
        .collect();
    let summary = match (found.is_empty(), problems) {
        (true, 0) => "no problems".to_string(),
        (true, _) => "no findings".to_string(),
        (false, _) => found.join(", "),
    };
    let trouble = if problems > 0 {
        format!(
            "; {} could not be checked (see the {} above)",
            if problems == 1 {
                "1 path or file".to_string()
            } else {
                format!("{problems} paths or files")
            },
            if problems == 1 { "error" } else { "errors" }
        )
    } else {
        String::new()
    };
    let baseline = match baseline {
        Some(tally) => format!(
            " ({} in the baseline not shown; {} of the baseline no longer {})",
            plural(tally.hidden, "finding"),
            plural(tally.stale, "entry").replace("entrys", "entries"),
            if tally.stale == 1 { "occurs" } else { "occur" }
        ),
        None => String::new(),
    };
    writeln!(
        out,
        "{bold}newsmark: {summary} in {} checked{baseline}{trouble}{bold:#}",
        plural(files, "file")
    )
}

/// `text` as a JSON string, quotes included.
fn json_string(out: &mut Vec<u8>, text: &str) {
    // serde_json's escaping writes straight into the buffer.
    let _ = serde_json::to_writer(&mut *out, text);
}

fn write_uint(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// The start of the JSON report; each finding follows as `,` and an object on its own line
/// (the writer drops the comma of the first), then [`json_end`].
pub const JSON_START: &str = "{\"version\": 1, \"findings\": [";

fn json_file(
    view: &FileView,
    diagnostics: &[Diagnostic],
    out: &mut Vec<u8>,
) -> std::io::Result<()> {
    let doc = view.ws.document(view.file);
    let mut file = Vec::new();
    json_string(&mut file, &view.path.display().to_string());
    let (mut starts, mut ends) = (Positions::new(doc), Positions::new(doc));
    for d in diagnostics {
        let (start, end) = (starts.get(d.range.start), ends.get(d.range.end));
        out.extend_from_slice(b",\n  {\"file\": ");
        out.extend_from_slice(&file);
        out.extend_from_slice(b", \"line\": ");
        write_uint(out, start.line.into());
        out.extend_from_slice(b", \"column\": ");
        write_uint(out, start.col.into());
        out.extend_from_slice(b", \"end_line\": ");
        write_uint(out, end.line.into());
        out.extend_from_slice(b", \"end_column\": ");
        write_uint(out, end.col.into());
        out.extend_from_slice(b", \"severity\": \"");
        out.extend_from_slice(d.severity.as_str().as_bytes());
        out.extend_from_slice(b"\", \"rule\": \"");
        out.extend_from_slice(d.rule.id().as_bytes());
        out.extend_from_slice(b"\", \"message\": ");
        json_string(out, &d.message);
        out.push(b'}');
    }
    Ok(())
}

/// The end of the JSON report: the errors and the summary.
pub fn json_end(
    out: &mut (impl Write + ?Sized),
    any_finding: bool,
    problems: &[Problem],
    counts: &Counts,
    files: usize,
    baseline: Option<crate::baseline::Tally>,
) -> std::io::Result<()> {
    out.write_all(if any_finding {
        b"\n], \"errors\": ["
    } else {
        b"], \"errors\": ["
    })?;
    for (i, p) in problems.iter().enumerate() {
        out.write_all(if i == 0 { b"\n  " } else { b",\n  " })?;
        let value = serde_json::json!({
            "file": p.path.as_ref().map(|p| p.display().to_string()),
            "message": p.message,
        });
        serde_json::to_writer(&mut *out, &value)?;
    }
    if !problems.is_empty() {
        out.write_all(b"\n")?;
    }
    let mut summary = serde_json::json!({
        "files": files,
        "errors": counts[Severity::Error as usize],
        "warnings": counts[Severity::Warning as usize],
        "infos": counts[Severity::Info as usize],
        "hints": counts[Severity::Hint as usize],
    });
    if let Some(tally) = baseline {
        summary["baseline_hidden"] = tally.hidden.into();
        summary["baseline_stale"] = tally.stale.into();
    }
    write!(out, "], \"summary\": ")?;
    serde_json::to_writer(&mut *out, &summary)?;
    writeln!(out, "}}")
}

/// Escapes for workflow commands: data escapes `%`, CR and LF; properties also `:` and `,`.
pub fn github_escape(out: &mut Vec<u8>, text: &str, property: bool) {
    let mut from = 0;
    for (i, b) in text.bytes().enumerate() {
        let escaped: &[u8] = match b {
            b'%' => b"%25",
            b'\r' => b"%0D",
            b'\n' => b"%0A",
            b':' if property => b"%3A",
            b',' if property => b"%2C",
            _ => continue,
        };
        out.extend_from_slice(&text.as_bytes()[from..i]);
        out.extend_from_slice(escaped);
        from = i + 1;
    }
    out.extend_from_slice(&text.as_bytes()[from..]);
}

fn github_file(
    view: &FileView,
    diagnostics: &[Diagnostic],
    out: &mut Vec<u8>,
) -> std::io::Result<()> {
    let doc = view.ws.document(view.file);
    let mut file = Vec::new();
    github_escape(&mut file, &view.path.display().to_string(), true);
    let (mut starts, mut ends) = (Positions::new(doc), Positions::new(doc));
    for d in diagnostics {
        let (start, end) = (starts.get(d.range.start), ends.get(d.range.end));
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Hint => "notice",
        };
        out.extend_from_slice(b"::");
        out.extend_from_slice(command.as_bytes());
        out.extend_from_slice(b" file=");
        out.extend_from_slice(&file);
        out.extend_from_slice(b",line=");
        write_uint(out, start.line.into());
        out.extend_from_slice(b",col=");
        write_uint(out, start.col.into());
        out.extend_from_slice(b",endLine=");
        write_uint(out, end.line.into());
        out.extend_from_slice(b",endColumn=");
        write_uint(out, end.col.into());
        out.extend_from_slice(b",title=newsmark(");
        github_escape(out, d.rule.id(), true);
        out.extend_from_slice(b")::");
        github_escape(out, &d.message, false);
        out.push(b'\n');
    }
    Ok(())
}

/// A problem as a workflow command, so the run's summary shows it.
pub fn github_problem(out: &mut (impl Write + ?Sized), problem: &Problem) -> std::io::Result<()> {
    let mut line = b"::error ".to_vec();
    if let Some(path) = &problem.path {
        line.extend_from_slice(b"file=");
        github_escape(&mut line, &path.display().to_string(), true);
        line.push(b',');
    }
    line.extend_from_slice(b"title=newsmark::");
    github_escape(&mut line, &problem.message, false);
    line.push(b'\n');
    out.write_all(&line)
}

/// The "Fires on" column of docs/rules.md's overview for each rule: SARIF's short
/// description, from the same words the documentation uses.
fn short_description(rule: Rule) -> String {
    const RULES_MD: &str = include_str!("../../docs/rules.md");
    let head = format!("| [`{}`](#", rule.id());
    RULES_MD
        .lines()
        .find(|l| l.starts_with(&head))
        .and_then(|l| l.trim_end_matches('|').rsplit('|').next())
        .map(|cell| {
            let cell = cell.trim().replace('`', "");
            let mut chars = cell.chars();
            match chars.next() {
                Some(first) => format!("Fires on {first}{}.", chars.as_str()),
                None => String::new(),
            }
        })
        .unwrap_or_else(|| format!("The {} rule.", rule.id()))
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// The start of the SARIF log: the tool with every rule's metadata, then the results (each
/// after a comma the writer drops for the first), then [`sarif_end`].
pub fn sarif_start(out: &mut (impl Write + ?Sized), rules_url: &str) -> std::io::Result<()> {
    let rules: Vec<serde_json::Value> = Rule::all()
        .map(|rule| {
            let mut value = serde_json::json!({
                "id": rule.id(),
                "shortDescription": {"text": short_description(rule)},
                "defaultConfiguration": {"level": sarif_level(rule.default_severity())},
                "properties": {"newsmarkSeverity": rule.default_severity().as_str()},
            });
            if !rules_url.is_empty() {
                value["helpUri"] = format!("{rules_url}#{}", rule.def().docs_anchor).into();
            }
            value
        })
        .collect();
    let driver = serde_json::json!({
        "name": "newsmark",
        "version": env!("CARGO_PKG_VERSION"),
        "informationUri": rules_url,
        "rules": rules,
    });
    let mut driver = driver;
    if rules_url.is_empty() {
        driver.as_object_mut().map(|d| d.remove("informationUri"));
    }
    write!(
        out,
        "{{\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\", \"version\": \"2.1.0\", \"runs\": [{{\"tool\": {{\"driver\": "
    )?;
    serde_json::to_writer(&mut *out, &driver)?;
    write!(
        out,
        "}}, \"columnKind\": \"unicodeCodePoints\", \"results\": ["
    )
}

/// `path` as a relative URI reference: `/` between components, and percent-escapes for what
/// a URI cannot hold.
fn uri_reference(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn sarif_file(
    view: &FileView,
    diagnostics: &[Diagnostic],
    out: &mut Vec<u8>,
    _rules_url: &str,
) -> std::io::Result<()> {
    let doc = view.ws.document(view.file);
    let mut location = Vec::new();
    location.extend_from_slice(b"\"artifactLocation\": {\"uri\": ");
    json_string(&mut location, &uri_reference(view.path));
    location.extend_from_slice(b"}");
    let (mut starts, mut ends) = (Positions::new(doc), Positions::new(doc));
    for d in diagnostics {
        let (start, end) = (starts.get(d.range.start), ends.get(d.range.end));
        let index = Rule::all().position(|r| r == d.rule).unwrap_or(0);
        out.extend_from_slice(b",\n  {\"ruleId\": \"");
        out.extend_from_slice(d.rule.id().as_bytes());
        out.extend_from_slice(b"\", \"ruleIndex\": ");
        write_uint(out, index as u64);
        out.extend_from_slice(b", \"level\": \"");
        out.extend_from_slice(sarif_level(d.severity).as_bytes());
        out.extend_from_slice(b"\", \"message\": {\"text\": ");
        json_string(out, &d.message);
        out.extend_from_slice(b"}, \"locations\": [{\"physicalLocation\": {");
        out.extend_from_slice(&location);
        out.extend_from_slice(b", \"region\": {\"startLine\": ");
        write_uint(out, start.line.into());
        out.extend_from_slice(b", \"startColumn\": ");
        write_uint(out, start.col.into());
        out.extend_from_slice(b", \"endLine\": ");
        write_uint(out, end.line.into());
        out.extend_from_slice(b", \"endColumn\": ");
        write_uint(out, end.col.into());
        out.extend_from_slice(b"}}}]");
        if !d.related.is_empty() {
            out.extend_from_slice(b", \"relatedLocations\": [");
            for (i, related) in d.related.iter().enumerate() {
                let other = view.ws.document(related.file);
                let at = |offset| {
                    let p = other
                        .line_index
                        .position(&other.text, offset, Encoding::Utf32);
                    (p.line + 1, p.col + 1)
                };
                let (s, e) = (at(related.range.start), at(related.range.end));
                let path = if related.file == view.file {
                    view.path
                } else {
                    other.path.as_path()
                };
                let value = serde_json::json!({
                    "id": i,
                    "message": {"text": related.message},
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri_reference(path)},
                        "region": {"startLine": s.0, "startColumn": s.1, "endLine": e.0, "endColumn": e.1},
                    },
                });
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, &value)?;
            }
            out.push(b']');
        }
        out.push(b'}');
    }
    Ok(())
}

/// The end of the SARIF log: the invocation, with every problem as a tool execution
/// notification (and `executionSuccessful` false when there is one).
pub fn sarif_end(
    out: &mut (impl Write + ?Sized),
    any_result: bool,
    problems: &[Problem],
) -> std::io::Result<()> {
    let notifications: Vec<serde_json::Value> = problems
        .iter()
        .map(|p| {
            let mut value = serde_json::json!({
                "level": "error",
                "message": {"text": p.message},
            });
            if let Some(path) = &p.path {
                value["locations"] = serde_json::json!([{
                    "physicalLocation": {"artifactLocation": {"uri": uri_reference(path)}}
                }]);
            }
            value
        })
        .collect();
    let invocation = serde_json::json!({
        "executionSuccessful": problems.is_empty(),
        "toolExecutionNotifications": notifications,
    });
    out.write_all(if any_result {
        b"\n], \"invocations\": ["
    } else {
        b"], \"invocations\": ["
    })?;
    serde_json::to_writer(&mut *out, &invocation)?;
    writeln!(out, "]}}]}}")
}
