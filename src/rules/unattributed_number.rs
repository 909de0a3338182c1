//! unattributed-number: a number in running prose with no source in its sentence and no one
//! on record for it.

use super::shared::attribution::{self, Verdict};
use super::{ClaimKind, Context, Finding, Findings, Rule, RuleDef, Scope, Severity, Subject};

pub const RULE: Rule = Rule::new(&RuleDef {
    id: "unattributed-number",
    default_severity: Severity::Warning,
    scope: Scope::Document,
    docs_anchor: "unattributed-number",
    reads_prose: true,
    unnecessary: false,
    check,
    fixes: attribution::cite,
});

fn check(cx: &Context, out: &mut Findings) {
    for verdict in cx.attribution() {
        if let Verdict::Unattributed(claim) = verdict
            && claim.kind == ClaimKind::Number
        {
            let what = attribution::describe(claim, cx.text());
            out.push(Finding::new(
                claim.range,
                Subject::Claim(*claim),
                format!("{what} has no source: cite one with [^id] or attribute it"),
            ));
        }
    }
}
