//! unattributed-number: a number in running prose with no source in its sentence and no one
//! on record for it.

use super::shared::attribution;
use super::{ClaimKind, Context, Findings, Rule, RuleDef, Scope, Severity};

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
    attribution::report_unattributed(cx, out, ClaimKind::Number, |what| {
        format!("{what} has no source: cite one with [^id] or attribute it")
    });
}
