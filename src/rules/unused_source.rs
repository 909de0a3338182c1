//! unused-source: a source this file defines but never cites.

use rustc_hash::FxHashSet;

use super::shared::fix::{Edits, action};
use super::{
    Action, Context, Diagnostic, Finding, Findings, FixContext, Rule, RuleDef, Scope, Severity,
    Subject,
};
use crate::syntax::DefinitionKind;

pub const RULE: Rule = Rule::new(&RuleDef {
    id: "unused-source",
    default_severity: Severity::Warning,
    scope: Scope::Document,
    docs_anchor: "unused-source",
    reads_prose: false,
    unnecessary: true,
    check,
    fixes,
});

fn check(cx: &Context, out: &mut Findings) {
    let syntax = &cx.doc.syntax;
    let cited: FxHashSet<&str> = syntax.citations.iter().map(|c| c.id.as_str()).collect();
    for (i, def) in syntax.definitions.iter().enumerate() {
        if def.kind == DefinitionKind::Source
            && def.has_valid_id()
            && !cited.contains(def.id.text.as_str())
        {
            out.push(Finding::new(
                def.label,
                Subject::Definition(i),
                format!(
                    "source “{}” is defined but never cited in this file: cite it with [^{}] or remove the definition",
                    def.id.text, def.id.text
                ),
            ));
        }
    }
}

/// Removing the definition's lines (with one blank line next to them).
fn fixes(fx: &FixContext, diagnostic: &Diagnostic) -> Vec<Action> {
    let Subject::Definition(i) = diagnostic.subject else {
        return Vec::new();
    };
    let Some(def) = fx.doc.syntax.definitions.get(i) else {
        return Vec::new();
    };
    let removal = fx.removal(def);
    let edits = Edits::default()
        .replace(fx.file, removal.range, removal.new_text)
        .finish(fx.ws);
    vec![action(
        format!("Remove unused source definition [^{}]", def.id.text),
        edits,
    )]
}
