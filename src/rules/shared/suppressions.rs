//! Suppression comments (`<!-- newsmark-disable-next-line RULE -->`, `disable`/`enable`
//! regions), resolved to what they cover, and the quick fix that writes one (offered for
//! every rule).

use crate::rules::shared::fix::{Edits, action, list_content_column};
use crate::rules::{Action, Diagnostic, FixContext, Rule};
use crate::syntax::{BlockKind, LineIndex, ProseBlock, SuppressionKind, TextRange};
use crate::workspace::Document;

/// The suppression comments of one document, resolved to what they cover.
pub(crate) struct Suppressions<'a> {
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
    pub(crate) fn new(doc: &'a Document) -> Suppressions<'a> {
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

    pub(crate) fn covers(&self, rule: Rule, offset: usize) -> bool {
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

/// A comment on its own line before the diagnostic's line; where a comment line cannot
/// stand there, a `disable`/`enable` pair around the definition or table instead. None in
/// front matter or inside a comment or mention that spans lines.
pub fn suppress(fx: &FixContext, diagnostic: &Diagnostic) -> Option<Action> {
    let syntax = &fx.doc.syntax;
    let text = fx.text();
    let rule = diagnostic.rule.id();
    let at = diagnostic.range.start;
    let line = fx.doc.line_index.line_of(at);
    let start = fx.line_start(at);
    let line_text = fx.line_text(line);

    if syntax
        .front_matter
        .as_ref()
        .is_some_and(|fm| fm.range.start <= at && at <= fm.range.end)
    {
        return None;
    }
    // Field lines of a definition: a comment line there would be read as a bad field.
    if let Some(def) = syntax
        .definitions
        .iter()
        .find(|d| d.range.start < start && start <= d.range.end)
    {
        return Some(suppress_region(fx, rule, def.range, "definition"));
    }
    // A table row: a comment line would cut the table in two when rendered.
    if syntax
        .blocks
        .iter()
        .any(|b| b.kind == BlockKind::TableRow && b.range.start <= at && at <= b.range.end)
    {
        let is_row = |l: usize| fx.line_text(l).trim_start().starts_with('|');
        let (mut first, mut last) = (line, line);
        while first > 0 && is_row(first - 1) {
            first -= 1;
        }
        while last + 1 < fx.doc.line_index.line_count() && is_row(last + 1) {
            last += 1;
        }
        let range = TextRange::new(
            fx.doc.line_index.line_range(text, first).start,
            fx.doc.line_index.line_range(text, last).end,
        );
        return Some(suppress_region(fx, rule, range, "table"));
    }
    // The line starts inside something that spans lines (a comment, a link): no room. A
    // comment that a heading or table row leaves open is not in the mask; the prose after
    // its `-->` is a block that starts in the middle of the line.
    let mask = fx.doc.prose_mask().as_bytes();
    if start > 0 && !matches!(mask[start - 1], b'\n' | b'\r') {
        return None;
    }
    let after_open_comment = syntax.blocks.iter().any(|b| {
        !matches!(b.kind, BlockKind::Heading(_))
            && start < b.range.start
            && b.range.start <= at
            && fx.doc.line_index.line_of(b.range.start) == line
    });
    if after_open_comment {
        return None;
    }
    let title = format!("Suppress {rule} on this line");
    // A `disable-next-line` comment already ending on the line before: add the rule to
    // it, since a new line in between would leave it pointing at the new comment.
    let previous = syntax.suppressions.iter().find(|s| {
        s.kind == SuppressionKind::NextLine
            && !s.rules.is_empty()
            && line > 0
            && fx.doc.line_index.line_of(s.range.end) == line - 1
    });
    if let Some(previous) = previous {
        let last = previous
            .rules
            .last()
            .map_or(previous.range.end, |r| r.range.end);
        let edits = Edits::default()
            .insert(fx.file, last, format!(", {rule}"))
            .finish(fx.ws);
        return Some(action(title, edits));
    }
    let starts_item = |b: &&ProseBlock| b.kind == BlockKind::ListItem && b.range.start == start;
    let item_above = line > 0 && {
        let above = fx.doc.line_index.line_range(text, line - 1);
        syntax.blocks.iter().any(|b| {
            b.kind == BlockKind::ListItem
                && b.range.start <= above.start
                && above.end <= b.range.end
                && !above.is_empty()
        })
    };
    let prefix: String = match syntax.blocks.iter().find(starts_item) {
        // The first line of a list item right after another item: indent the comment to
        // the item's text, so it stays inside the list above.
        Some(_) if item_above => " ".repeat(list_content_column(line_text)),
        _ => line_text
            .chars()
            .take_while(|c| matches!(c, ' ' | '\t' | '>'))
            .collect(),
    };
    let comment = format!(
        "{prefix}<!-- newsmark-disable-next-line {rule} -->{}",
        fx.eol
    );
    let edits = Edits::default()
        .insert(fx.file, start, comment)
        .finish(fx.ws);
    Some(action(title, edits))
}

/// `disable` on a line of its own before the lines of `range`, `enable` after them.
fn suppress_region(fx: &FixContext, rule: &str, range: TextRange, what: &str) -> Action {
    let start = fx.line_start(range.start);
    let line = fx.line_text(fx.doc.line_index.line_of(range.start));
    let indent = &line[..line.len() - line.trim_start().len()];
    let eol = fx.eol;
    let edits = Edits::default()
        .insert(
            fx.file,
            start,
            format!("{indent}<!-- newsmark-disable {rule} -->{eol}"),
        )
        .insert(
            fx.file,
            range.end,
            format!("{eol}{indent}<!-- newsmark-enable {rule} -->"),
        )
        .finish(fx.ws);
    action(format!("Suppress {rule} in this {what}"), edits)
}
