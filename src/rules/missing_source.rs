//! missing-source: a sentence that says who is on record for a number or quotation (“said”,
//! “according to”, a claim span naming a speaker) but cites no source.

use super::shared::attribution::{self, Verdict};
use super::{Context, Finding, Findings, Rule, RuleDef, Scope, Severity, Subject};

pub const RULE: Rule = Rule::new(&RuleDef {
    id: "missing-source",
    default_severity: Severity::Warning,
    scope: Scope::Document,
    docs_anchor: "missing-source",
    reads_prose: true,
    unnecessary: false,
    check,
    fixes: attribution::cite,
});

fn check(cx: &Context, out: &mut Findings) {
    let text = cx.text();
    for verdict in cx.attribution() {
        let Verdict::NeedsSource { claim, cue } = verdict else {
            continue;
        };
        let what = attribution::describe(claim, text);
        let (at, message) = match cue {
            Some(cue) => (
                *cue,
                format!(
                    "“{}” attributes the {what} but the sentence cites no source: add [^id] after the sentence",
                    &text[cue.start..cue.end]
                ),
            ),
            None => (
                claim.range,
                format!(
                    "{what} is attributed to a speaker but the sentence cites no source: add [^id] after the sentence"
                ),
            ),
        };
        out.push(Finding::new(at, Subject::Claim(*claim), message));
    }
}
