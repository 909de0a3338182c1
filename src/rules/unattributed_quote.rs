//! unattributed-quote: a quotation of speech with no source in its sentence and no speaker.

use super::shared::attribution::{self, Verdict};
use super::{ClaimKind, Context, Finding, Findings, Rule, RuleDef, Scope, Severity, Subject};

pub const RULE: Rule = Rule::new(&RuleDef {
    id: "unattributed-quote",
    default_severity: Severity::Warning,
    scope: Scope::Document,
    docs_anchor: "unattributed-quote",
    reads_prose: true,
    unnecessary: false,
    check,
    fixes: attribution::cite,
});

fn check(cx: &Context, out: &mut Findings) {
    for verdict in cx.attribution() {
        if let Verdict::Unattributed(claim) = verdict
            && claim.kind == ClaimKind::Quotation
        {
            let what = attribution::describe(claim, cx.text());
            out.push(Finding::new(
                claim.range,
                Subject::Claim(*claim),
                format!("{what} is not attributed: say who said it, or cite a source with [^id]"),
            ));
        }
    }
}
