//! undefined-entity: an `@id` (bare, linked, a speaker or in `by:`) that no definition in the
//! workspace gives. When the id is a near miss of a registry entity (`@ECB` for `@ecb`,
//! `@zelenskiy` for the alias Zelensky), near-miss-name reports it instead ("did you mean
//! @ecb?", still an error: the mention is broken), unless that rule is off; then this rule
//! does, with the same question.

use super::shared::fix::unknown_id_fixes;
use super::{
    Action, Context, Diagnostic, Finding, Findings, FixContext, Rule, RuleDef, Scope, Severity,
    Subject,
};
use crate::syntax::MentionKind;

pub const RULE: Rule = Rule::new(&RuleDef {
    id: "undefined-entity",
    default_severity: Severity::Error,
    scope: Scope::Workspace,
    docs_anchor: "undefined-entity",
    reads_prose: false,
    unnecessary: false,
    check,
    fixes,
});

fn check(cx: &Context, out: &mut Findings) {
    let index = cx.ws.index();
    let near_misses_reported = cx.near_misses_reported();
    for (i, mention) in cx.doc.syntax.mentions.iter().enumerate() {
        if index.definitions.contains_key(mention.id.as_str()) {
            continue;
        }
        let near = cx.near_ids().get(mention.id.as_str());
        if near.is_some() && near_misses_reported {
            continue;
        }
        let place = match mention.kind {
            MentionKind::By => "named in `by:`",
            MentionKind::Speaker => "named as a claim's speaker",
            MentionKind::Bare | MentionKind::Link => "mentioned",
        };
        let advice = match near {
            Some((other, Some(name))) => format!("did you mean @{other} ({name})?"),
            Some((other, None)) => format!("did you mean @{other}?"),
            None => format!(
                "add `[@{}]: Name` to the registry (e.g. entities.news)",
                mention.id
            ),
        };
        out.push(Finding::new(
            mention.target,
            Subject::Mention(i),
            format!(
                "entity “{}” is {place} but defined nowhere in the workspace: {advice}",
                mention.id
            ),
        ));
    }
}
fn fixes(fx: &FixContext, diagnostic: &Diagnostic) -> Vec<Action> {
    match diagnostic.subject {
        Subject::Mention(i) => unknown_id_fixes(fx, i),
        _ => Vec::new(),
    }
}
