//! unattributed-quote: a quotation of speech with no source in its sentence and no speaker.

use super::shared::attribution;
use super::{ClaimKind, Context, Findings, Rule, RuleDef, Scope, Severity};

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
    attribution::report_unattributed(cx, out, ClaimKind::Quotation, |what| {
        format!("{what} is not attributed: say who said it, or cite a source with [^id]")
    });
}
