//! The rules. `check` runs them all on one document of a workspace and returns
//! protocol-neutral diagnostics with byte ranges; the CLI and the server format them.

mod prose;
mod references;

use crate::syntax::{LineIndex, SuppressionKind, TextRange};
use crate::workspace::{FileId, Workspace};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    UnattributedNumber,
    UnattributedQuote,
    MissingSource,
    UndefinedSource,
    UndefinedEntity,
    DuplicateDefinition,
    UnusedSource,
    IncompleteSource,
    UnlinkedMention,
    Syntax,
    SizeLimit,
}

impl Rule {
    pub const ALL: [Rule; 11] = [
        Rule::UnattributedNumber,
        Rule::UnattributedQuote,
        Rule::MissingSource,
        Rule::UndefinedSource,
        Rule::UndefinedEntity,
        Rule::DuplicateDefinition,
        Rule::UnusedSource,
        Rule::IncompleteSource,
        Rule::UnlinkedMention,
        Rule::Syntax,
        Rule::SizeLimit,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Rule::UnattributedNumber => "unattributed-number",
            Rule::UnattributedQuote => "unattributed-quote",
            Rule::MissingSource => "missing-source",
            Rule::UndefinedSource => "undefined-source",
            Rule::UndefinedEntity => "undefined-entity",
            Rule::DuplicateDefinition => "duplicate-definition",
            Rule::UnusedSource => "unused-source",
            Rule::IncompleteSource => "incomplete-source",
            Rule::UnlinkedMention => "unlinked-mention",
            Rule::Syntax => "syntax",
            Rule::SizeLimit => "size-limit",
        }
    }

    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.id() == id)
    }

    pub fn default_severity(self) -> Severity {
        match self {
            Rule::UndefinedSource
            | Rule::UndefinedEntity
            | Rule::DuplicateDefinition
            | Rule::Syntax => Severity::Error,
            Rule::UnlinkedMention => Severity::Hint,
            Rule::SizeLimit => Severity::Info,
            _ => Severity::Warning,
        }
    }
}

/// Another place that explains a diagnostic (the other copy of a duplicate, say).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub file: FileId,
    pub range: TextRange,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    pub range: TextRange,
    pub message: String,
    pub related: Vec<Related>,
}

/// A finding before configuration and suppressions are applied.
pub(crate) struct Finding {
    pub rule: Rule,
    pub range: TextRange,
    pub message: String,
    pub related: Vec<Related>,
}

impl Finding {
    pub fn new(rule: Rule, range: TextRange, message: String) -> Finding {
        Finding {
            rule,
            range,
            message,
            related: Vec::new(),
        }
    }
}

/// Where the prose rules stop in `file`: the start of the first block that does not end within
/// `[limits] prose-bytes`, or the end of the text when every block does.
pub fn prose_end(workspace: &Workspace, file: FileId) -> usize {
    let doc = workspace.document(file);
    let limit = workspace.config.limits.prose_bytes;
    if doc.text.len() <= limit {
        return doc.text.len();
    }
    doc.syntax
        .blocks
        .iter()
        .find(|b| b.range.end > limit)
        .map_or(doc.text.len(), |b| b.range.start)
}

/// Every diagnostic of one document, sorted by position.
pub fn check(workspace: &Workspace, file: FileId) -> Vec<Diagnostic> {
    let config = &workspace.config;
    let mut findings = Vec::new();
    syntax_findings(workspace, file, &mut findings);
    prose::check(workspace, file, &mut findings);
    references::check(workspace, file, &mut findings);

    let suppressed = Suppressions::new(workspace, file);
    let mut out: Vec<Diagnostic> = findings
        .into_iter()
        .filter(|f| !suppressed.covers(f.rule, f.range.start))
        .filter_map(|f| {
            Some(Diagnostic {
                severity: config.severity(f.rule)?,
                rule: f.rule,
                range: f.range,
                message: f.message,
                related: f.related,
            })
        })
        .collect();
    out.sort_by_key(|d| (d.range.start, d.range.end, d.rule));
    out
}

fn syntax_findings(workspace: &Workspace, file: FileId, out: &mut Vec<Finding>) {
    let syntax = &workspace.document(file).syntax;
    for error in &syntax.errors {
        out.push(Finding::new(
            Rule::Syntax,
            error.range,
            error.message.clone(),
        ));
    }
    for suppression in &syntax.suppressions {
        for rule in &suppression.rules {
            if Rule::from_id(&rule.text).is_none() {
                out.push(Finding::new(
                    Rule::Syntax,
                    rule.range,
                    format!(
                        "unknown rule “{}” in a newsmark comment: see docs/rules.md for the rule ids",
                        rule.text
                    ),
                ));
            }
        }
    }
}

/// The suppression comments of one document, resolved to what they cover.
struct Suppressions<'a> {
    /// `(line, rules)`: diagnostics starting on `line`; empty rules means all. Sorted by line,
    /// so a finding looks up its own line instead of scanning every comment of the file.
    lines: Vec<(usize, Vec<Rule>)>,
    /// What `disable`/`enable` comments leave in force from an offset on, in text order.
    regions: Vec<(usize, Region)>,
    line_index: &'a LineIndex,
}

/// What is switched off between two `disable`/`enable` comments. Like ESLint, `enable RULE`
/// after a bare `disable` turns just that rule back on.
#[derive(Clone, Debug, Default)]
struct Region {
    all: bool,
    /// Rules turned back on while `all` holds.
    except: Vec<Rule>,
    /// Rules turned off by name.
    rules: Vec<Rule>,
}

impl Region {
    fn disables(&self, rule: Rule) -> bool {
        (self.all && !self.except.contains(&rule)) || self.rules.contains(&rule)
    }
}

impl<'a> Suppressions<'a> {
    fn new(workspace: &'a Workspace, file: FileId) -> Suppressions<'a> {
        let doc = workspace.document(file);
        let mut lines = Vec::new();
        let mut regions: Vec<(usize, Region)> = Vec::new();
        let mut region = Region::default();
        for s in &doc.syntax.suppressions {
            let named: Vec<Rule> = s
                .rules
                .iter()
                .filter_map(|r| Rule::from_id(&r.text))
                .collect();
            if !s.rules.is_empty() && named.is_empty() {
                continue; // Only unknown rule names: reported as `syntax`, suppresses nothing.
            }
            match (s.kind, named.is_empty()) {
                (SuppressionKind::NextLine, _) => {
                    lines.push((doc.line_index.line_of(s.range.end) + 1, named));
                    continue;
                }
                (SuppressionKind::Disable, true) => {
                    region.all = true;
                    region.except.clear();
                }
                (SuppressionKind::Disable, false) => {
                    region.except.retain(|r| !named.contains(r));
                    region.rules.extend(named);
                }
                (SuppressionKind::Enable, true) => region = Region::default(),
                (SuppressionKind::Enable, false) => {
                    region.rules.retain(|r| !named.contains(r));
                    if region.all {
                        region.except.extend(named);
                    }
                }
            }
            regions.push((s.range.end, region.clone()));
        }
        lines.sort_by_key(|(line, _)| *line);
        Suppressions {
            lines,
            regions,
            line_index: &doc.line_index,
        }
    }

    fn covers(&self, rule: Rule, offset: usize) -> bool {
        let in_force = self.regions.partition_point(|(start, _)| *start <= offset);
        if in_force > 0 && self.regions[in_force - 1].1.disables(rule) {
            return true;
        }
        if self.lines.is_empty() {
            return false;
        }
        let line = self.line_index.line_of(offset);
        let first = self.lines.partition_point(|(l, _)| *l < line);
        self.lines[first..]
            .iter()
            .take_while(|(l, _)| *l == line)
            .any(|(_, rules)| rules.is_empty() || rules.contains(&rule))
    }
}
