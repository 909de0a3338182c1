//! unlinked-mention: the plain-text name or alias of a registry entity, not linked to it.

use super::shared::fix::{Edits, action};
use super::{
    Action, Context, Diagnostic, Finding, Findings, FixContext, Rule, RuleDef, Scope, Severity,
    Subject,
};
use rustc_hash::FxHashSet;

use crate::syntax::{BlockKind, TextRange, opens_mention};

pub const RULE: Rule = Rule::new(&RuleDef {
    id: "unlinked-mention",
    default_severity: Severity::Hint,
    scope: Scope::Workspace,
    docs_anchor: "unlinked-mention",
    reads_prose: true,
    unnecessary: false,
    check,
    fixes,
});

/// One hint per entity per article, at its first plain-text name outside headings, and none
/// for an entity the article links anywhere: news style links a name once, and a hint at every
/// occurrence (headlines included) buried the sourcing findings of raw copy under dozens of
/// hints.
fn check(cx: &Context, out: &mut Findings) {
    let mask = cx.doc.prose_mask();
    let index = cx.ws.index();
    let linked: FxHashSet<&str> = cx
        .doc
        .syntax
        .mentions
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    let mut hinted: FxHashSet<&str> = FxHashSet::default();
    for block in &cx.doc.syntax.blocks {
        if block.range.start >= cx.prose_end {
            break;
        }
        if matches!(block.kind, BlockKind::Heading(_)) {
            continue;
        }
        for found in index.find_names(mask, block.range) {
            let ids = found.entities;
            if ids
                .iter()
                .any(|id| linked.contains(id.as_str()) || hinted.contains(id.as_str()))
            {
                continue;
            }
            hinted.extend(ids.iter().map(|id| id.as_str()));
            let name = &mask[found.start..found.end];
            let message = match ids {
                [id] => {
                    format!("“{name}” is a known entity: link it as [{name}](@{id}) or write @{id}")
                }
                ids => format!(
                    "“{name}” is the name of several entities ({}): link it to the one meant",
                    ids.iter()
                        .map(|id| format!("@{id}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            out.push(Finding::new(
                TextRange::new(found.start, found.end),
                Subject::Name(ids.to_vec()),
                message,
            ));
        }
    }
}

/// The mention that links the name at `range` to `id`: `@id` when the id reads exactly as
/// the name and a mention can start and end there, `[name](@id)` otherwise.
pub(crate) fn link_text(fx: &FixContext, range: TextRange, id: &str) -> String {
    let text = fx.text();
    let name = &text[range.start..range.end];
    let opens = text[..range.start]
        .chars()
        .next_back()
        .is_none_or(opens_mention);
    let closes = !text[range.end..]
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if name == id && opens && closes {
        format!("@{id}")
    } else {
        format!("[{name}](@{id})")
    }
}

/// Whether the name at `range` can be wrapped: it reads the same in the text as in the
/// prose mask (no hidden markup such as a table's `|` inside it).
pub(crate) fn linkable(fx: &FixContext, range: TextRange) -> bool {
    fx.text()[range.start..range.end] == fx.doc.prose_mask()[range.start..range.end]
}

/// A link to each entity the name may mean; the only one is the preferred fix.
fn fixes(fx: &FixContext, diagnostic: &Diagnostic) -> Vec<Action> {
    let Subject::Name(entities) = &diagnostic.subject else {
        return Vec::new();
    };
    if !linkable(fx, diagnostic.range) {
        return Vec::new();
    }
    entities
        .iter()
        .map(|id| {
            let link = link_text(fx, diagnostic.range, id);
            let edits = Edits::default()
                .replace(fx.file, diagnostic.range, link)
                .finish(fx.ws);
            let mut fix = action(format!("Link to @{id}"), edits);
            fix.preferred = entities.len() == 1;
            fix
        })
        .collect()
}
