//! syntax: markup the parser could not make sense of (it recovers and reads on, so every other
//! rule still runs), and unknown rule names in suppression comments.

use super::shared::near::closest_word;
use super::{Context, Finding, Findings, Rule, RuleDef, Scope, Severity, Subject, no_fixes};

pub const RULE: Rule = Rule::new(&RuleDef {
    id: "syntax",
    default_severity: Severity::Error,
    scope: Scope::Document,
    docs_anchor: "syntax",
    reads_prose: false,
    unnecessary: false,
    check,
    fixes: no_fixes,
});

fn check(cx: &Context, out: &mut Findings) {
    let syntax = &cx.doc.syntax;
    for error in &syntax.errors {
        out.push(Finding::new(
            error.range,
            Subject::Text,
            error.message.clone(),
        ));
    }
    for suppression in &syntax.suppressions {
        for rule in &suppression.rules {
            if Rule::from_id(&rule.text).is_none() {
                let ids: Vec<&str> = Rule::all().map(Rule::id).collect();
                let advice = match closest_word(&rule.text, &ids) {
                    Some(id) => format!("did you mean “{id}”?"),
                    None => "see docs/rules.md for the rule ids".to_string(),
                };
                out.push(Finding::new(
                    rule.range,
                    Subject::Text,
                    format!(
                        "unknown rule “{}” in a newsmark comment: {advice}",
                        rule.text
                    ),
                ));
            }
        }
    }
}
