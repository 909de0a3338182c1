//! undefined-source: a citation of a source this file does not define.

use super::shared::fix::{Edits, action, adds_definition, append_block};
use super::shared::near::closest;
use super::{
    Action, Context, Diagnostic, Finding, Findings, FixContext, Rule, RuleDef, Scope, Severity,
    Subject,
};
use crate::syntax::{DefinitionKind, TextRange};

pub const RULE: Rule = Rule::new(&RuleDef {
    id: "undefined-source",
    default_severity: Severity::Error,
    scope: Scope::Document,
    docs_anchor: "undefined-source",
    reads_prose: false,
    unnecessary: false,
    check,
    fixes,
});

fn check(cx: &Context, out: &mut Findings) {
    let syntax = &cx.doc.syntax;
    let defined: rustc_hash::FxHashSet<&str> = syntax
        .definitions
        .iter()
        .filter(|d| d.kind == DefinitionKind::Source && d.has_valid_id())
        .map(|d| d.id.text.as_str())
        .collect();
    for (i, citation) in syntax.citations.iter().enumerate() {
        if !defined.contains(citation.id.as_str()) {
            let id = citation.id.as_str();
            let advice = match closest(id, defined.iter().copied()) {
                Some(other) => format!("did you mean [^{other}]?"),
                None => format!("add a definition `[^{id}]: Title` with url and date"),
            };
            out.push(Finding::new(
                citation.range,
                Subject::Citation(i),
                format!("source “{id}” is not defined in this file: {advice}"),
            ));
        }
    }
}

/// The near-miss id this file defines (preferred), and a definition skeleton to fill in.
fn fixes(fx: &FixContext, diagnostic: &Diagnostic) -> Vec<Action> {
    let Subject::Citation(i) = diagnostic.subject else {
        return Vec::new();
    };
    let Some(citation) = fx.doc.syntax.citations.get(i) else {
        return Vec::new();
    };
    let id = citation.id.as_str();
    let mut out = Vec::new();
    if let Some(other) = closest(id, fx.source_ids().into_iter()) {
        // `[^id]` ends with `]`; a span attribute `^id` ends with the id.
        let end = match citation.claim {
            Some(_) => citation.range.end,
            None => citation.range.end - 1,
        };
        let edits = Edits::default()
            .replace(
                fx.file,
                TextRange::new(end - id.len(), end),
                other.to_string(),
            )
            .finish(fx.ws);
        let mut fix = action(format!("Change to [^{other}]"), edits);
        fix.preferred = true;
        out.push(fix);
    }
    let (at, text) = append_block(fx.text(), fx.eol, &fx.source_skeleton(id));
    if adds_definition(fx.doc, at, &text, DefinitionKind::Source, id) {
        let edits = Edits::default().insert(fx.file, at, text).finish(fx.ws);
        out.push(action(format!("Add source definition for [^{id}]"), edits));
    }
    out
}
