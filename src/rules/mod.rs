//! The rules, as a registry. Each rule is one module in this directory (`src/rules/ID.rs`,
//! with `_` for `-`) declaring a [`RuleDef`]: its id, default severity, scope, docs anchor,
//! its check and its fixes. `build.rs` lists the modules, so a new file is a new rule.
//!
//! [`check`] runs every rule the configuration leaves on over one document of a workspace and
//! returns protocol-neutral diagnostics with byte ranges; the CLI and the server format them.
//! A finding carries a typed [`Subject`] (the mention, citation, definition, claim or name it
//! is about), so a rule's fixes start from it instead of searching for it again.
//!
//! What several rules share (the attribution analysis of a sentence, suppression comments,
//! the edit builder behind every fix, near-miss suggestions) is in [`shared`].

pub mod shared;

use std::cell::OnceCell;

use crate::config::{Config, RuleLevel};
use crate::syntax::TextRange;
use crate::workspace::{Document, FileId, Workspace};

pub use shared::fix::{Action, ActionKind, FileEdit, FixContext, TextEdit};

include!(concat!(env!("OUT_DIR"), "/rule_modules.rs"));

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

/// What a rule's findings in a document depend on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The document alone (and the configuration).
    Document,
    /// Other documents too (the entity registry): an edit elsewhere can change them.
    Workspace,
}

/// A rule: what it is, and what it does.
pub struct RuleDef {
    /// Kebab-case, as users write it in `newsmark.toml` and suppression comments.
    pub id: &'static str,
    pub default_severity: Severity,
    pub scope: Scope,
    /// The anchor of the rule's section in docs/rules.md.
    pub docs_anchor: &'static str,
    /// Whether the rule reads running prose, and so stops where `[limits] prose-bytes` does.
    pub reads_prose: bool,
    /// Whether its findings mark text that could go (clients fade it).
    pub unnecessary: bool,
    /// Reports the rule's findings in a document.
    pub check: fn(&Context, &mut Findings),
    /// The quick fixes for one of its diagnostics (suppression is offered for every rule, by
    /// the code-action feature).
    pub fixes: fn(&FixContext, &Diagnostic) -> Vec<Action>,
}

/// A rule, as diagnostics and the configuration name it. Compared, ordered and hashed by id.
#[derive(Clone, Copy)]
pub struct Rule(&'static RuleDef);

impl Rule {
    pub const fn new(def: &'static RuleDef) -> Rule {
        Rule(def)
    }

    pub fn id(self) -> &'static str {
        self.0.id
    }

    pub fn def(self) -> &'static RuleDef {
        self.0
    }

    /// Every rule, in id order.
    pub fn all() -> impl ExactSizeIterator<Item = Rule> + Clone {
        REGISTRY.into_iter()
    }

    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::all().find(|r| r.id() == id)
    }

    pub fn default_severity(self) -> Severity {
        self.0.default_severity
    }

    /// The rule's severity under `config`, `None` when it is off.
    pub fn severity(self, config: &Config) -> Option<Severity> {
        match config.level(self.id()) {
            None => Some(self.default_severity()),
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::Error) => Some(Severity::Error),
            Some(RuleLevel::Warning) => Some(Severity::Warning),
            Some(RuleLevel::Info) => Some(Severity::Info),
            Some(RuleLevel::Hint) => Some(Severity::Hint),
        }
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Rule) -> bool {
        std::ptr::eq(self.0, other.0) || self.id() == other.id()
    }
}

impl Eq for Rule {}

impl PartialOrd for Rule {
    fn partial_cmp(&self, other: &Rule) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rule {
    fn cmp(&self, other: &Rule) -> std::cmp::Ordering {
        self.id().cmp(other.id())
    }
}

impl std::hash::Hash for Rule {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id().hash(state);
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// What a finding is about, so that fixes, hovers and tools need not find it again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// Its own range of text and nothing more specific (a syntax error, the size limit).
    Text,
    /// `syntax.mentions[i]` of the document.
    Mention(usize),
    /// `syntax.citations[i]`.
    Citation(usize),
    /// `syntax.definitions[i]`.
    Definition(usize),
    /// A number or quotation that needs a source.
    Claim(Claim),
    /// A plain-text name, and the ids of the entities that carry it.
    Name(Vec<String>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimKind {
    Number,
    Quotation,
}

/// A number or quotation, and the sentence that would carry its citation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Claim {
    pub kind: ClaimKind,
    pub range: TextRange,
    pub sentence: TextRange,
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
    pub subject: Subject,
}

/// A finding before configuration and suppressions are applied.
#[derive(Clone, Debug)]
pub struct Finding {
    pub range: TextRange,
    pub message: String,
    pub subject: Subject,
    pub related: Vec<Related>,
}

impl Finding {
    pub fn new(range: TextRange, subject: Subject, message: String) -> Finding {
        Finding {
            range,
            message,
            subject,
            related: Vec::new(),
        }
    }

    pub fn related(mut self, related: Vec<Related>) -> Finding {
        self.related = related;
        self
    }
}

/// Where one rule's check reports: findings are tagged with the rule that is running, so a
/// rule cannot report under another's id.
pub struct Findings<'o> {
    rule: Rule,
    severity: Severity,
    out: &'o mut Vec<(Rule, Severity, Finding)>,
}

impl Findings<'_> {
    pub fn push(&mut self, finding: Finding) {
        self.out.push((self.rule, self.severity, finding));
    }

    /// Reports at the rule's severity or `floor`, whichever is more severe: for a finding
    /// that is broken markup whatever the rule's setting (a near-miss `@id` resolves to
    /// nothing).
    pub fn push_at_least(&mut self, floor: Severity, finding: Finding) {
        self.out
            .push((self.rule, self.severity.min(floor), finding));
    }
}

/// One document of a workspace, as the rules see it, with what several rules share computed
/// once, on first use.
pub struct Context<'a> {
    pub ws: &'a Workspace,
    pub file: FileId,
    pub doc: &'a Document,
    /// Where the prose rules stop: see [`prose_end`].
    pub prose_end: usize,
    attribution: OnceCell<Vec<shared::attribution::Verdict>>,
    vague: OnceCell<Vec<shared::vague::Hit>>,
    near_ids: OnceCell<NearIds<'a>>,
}

/// An unknown `@id` of a document → the registry entity it most likely means, with its name.
pub(crate) type NearIds<'a> = rustc_hash::FxHashMap<&'a str, (&'a str, Option<&'a str>)>;

impl<'a> Context<'a> {
    pub fn new(ws: &'a Workspace, file: FileId) -> Context<'a> {
        Context::for_document(ws, file, ws.document(file), prose_end(ws, file))
    }

    /// The rules' view of `doc` standing for `file` of `ws`: an incremental check hands the
    /// rules of limited [`Reach`] a document holding only the sections an edit touched.
    pub fn for_document(
        ws: &'a Workspace,
        file: FileId,
        doc: &'a Document,
        prose_end: usize,
    ) -> Context<'a> {
        Context {
            ws,
            file,
            doc,
            prose_end,
            attribution: OnceCell::new(),
            vague: OnceCell::new(),
            near_ids: OnceCell::new(),
        }
    }

    pub fn config(&self) -> &'a Config {
        &self.ws.config
    }

    pub fn text(&self) -> &'a str {
        &self.doc.text
    }

    /// The numbers and quotations of the document's prose that lack a source, for the three
    /// attribution rules, which report different parts of one analysis.
    pub(crate) fn attribution(&self) -> &[shared::attribution::Verdict] {
        self.attribution.get_or_init(|| {
            let mut verdicts = shared::attribution::analyse(self);
            shared::vague::drop_replaced(self, &mut verdicts);
            verdicts
        })
    }

    /// The vague attributions of the document's prose that no citation answers for.
    pub(crate) fn vague(&self) -> &[shared::vague::Hit] {
        self.vague.get_or_init(|| shared::vague::find(self))
    }

    /// Whether near-miss-name runs, and so reports the near-miss `@id`s that undefined-entity
    /// otherwise would.
    pub(crate) fn near_misses_reported(&self) -> bool {
        self.config().level("near-miss-name") != Some(crate::config::RuleLevel::Off)
    }

    /// The document's unknown `@id`s that are near misses of registry entities, for
    /// near-miss-name (which reports them) and undefined-entity (which then does not).
    pub(crate) fn near_ids(&self) -> &NearIds<'a> {
        self.near_ids.get_or_init(|| {
            let index = self.ws.index();
            let mut suggestions = shared::near::EntitySuggestions::default();
            let mut out = NearIds::default();
            for mention in &self.doc.syntax.mentions {
                let id = mention.id.as_str();
                if !index.definitions.contains_key(id)
                    && let Some(found) = suggestions.get(self.ws, id)
                {
                    out.insert(id, found);
                }
            }
            out
        })
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
    let cx = Context::new(workspace, file);
    let findings = findings(&cx, |_| true);
    finish(cx.doc, findings)
}

/// A finding of a rule at its severity, before suppression comments are applied.
pub type RawFinding = (Rule, Severity, Finding);

/// How far the effect of an edit on a rule's findings reaches, for incremental checks
/// (`features::diagnostics`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The section edited (the blocks from one heading to the next), besides the document's
    /// definitions: the attribution analysis and vague phrases start afresh at every heading
    /// (a headline attributes nothing to the prose after it).
    Section,
    /// The block edited, given which entities the document mentions (the ids of its
    /// mentions, in order): near misses of registry names.
    Block,
    /// The block edited and the names reported before it, given the ids mentioned:
    /// unlinked-mention reports the first plain-text name of each entity not linked
    /// anywhere in the document.
    FirstName,
    /// Anywhere: the rule reads the whole document (cheaply, or it must be run whole).
    Document,
}

impl Rule {
    pub fn reach(self) -> Reach {
        match self.id() {
            "unattributed-number"
            | "unattributed-quote"
            | "missing-source"
            | "vague-attribution" => Reach::Section,
            "near-miss-name" => Reach::Block,
            "unlinked-mention" => Reach::FirstName,
            _ => Reach::Document,
        }
    }
}

/// The findings of the rules `which` selects (and the configuration leaves on) in `cx`'s
/// document, in rule order, before suppression comments.
pub fn findings(cx: &Context, which: impl Fn(Rule) -> bool) -> Vec<RawFinding> {
    let mut findings = Vec::new();
    for rule in Rule::all().filter(|&rule| which(rule)) {
        // A rule that is off does not run at all.
        if let Some(severity) = rule.severity(cx.config()) {
            let mut sink = Findings {
                rule,
                severity,
                out: &mut findings,
            };
            (rule.def().check)(cx, &mut sink);
        }
    }
    findings
}

/// The diagnostics of `doc` from its rules' findings: suppression comments applied, sorted by
/// position (findings at one place keep their order within each rule).
pub fn finish(doc: &Document, findings: impl IntoIterator<Item = RawFinding>) -> Vec<Diagnostic> {
    let suppressed = shared::suppressions::Suppressions::new(doc);
    let mut out: Vec<Diagnostic> = findings
        .into_iter()
        .filter(|(rule, _, f)| !suppressed.covers(*rule, f.range.start))
        .map(|(rule, severity, f)| Diagnostic {
            severity,
            rule,
            range: f.range,
            message: f.message,
            related: f.related,
            subject: f.subject,
        })
        .collect();
    out.sort_by_key(|d| (d.range.start, d.range.end, d.rule));
    out
}

/// A rule with no quick fix of its own.
pub fn no_fixes(_: &FixContext, _: &Diagnostic) -> Vec<Action> {
    Vec::new()
}
