//! vague-attribution: a claim put in the mouth of no one in particular (“sources said”,
//! “according to reports”, “it is understood”, “reportedly”), with or without a number: the
//! vague source is the finding. A citation answers for it, unless it cites only anonymous
//! sources that give no reason for their anonymity.

use super::shared::attribution;
use super::shared::fix::{Edits, action};
use super::shared::vague::{self, REASON_FIELD};
use super::{
    Action, Claim, ClaimKind, Context, Diagnostic, Finding, Findings, FixContext, Rule, RuleDef,
    Scope, Severity, Subject,
};

pub const RULE: Rule = Rule::new(&RuleDef {
    id: "vague-attribution",
    default_severity: Severity::Warning,
    scope: Scope::Document,
    docs_anchor: "vague-attribution",
    reads_prose: true,
    unnecessary: false,
    check,
    fixes,
});

fn check(cx: &Context, out: &mut Findings) {
    let text = cx.text();
    let definitions = &cx.doc.syntax.definitions;
    for hit in cx.vague() {
        let phrase = one_line(&text[hit.range.start..hit.range.end]);
        let (subject, message) = match hit.anonymous.as_slice() {
            [] => (
                Subject::Text,
                format!(
                    "“{phrase}” attributes this to no one in particular: name the source and cite it with [^id]"
                ),
            ),
            anonymous => {
                let ids: Vec<String> = anonymous
                    .iter()
                    .map(|&i| format!("“{}”", definitions[i].id.text))
                    .collect();
                let (sources, gives) = if ids.len() == 1 {
                    ("the anonymous source", "gives")
                } else {
                    ("the anonymous sources", "give")
                };
                // A `reason:` line left empty (as the quick fix leaves it) only needs filling in.
                let empty = anonymous
                    .iter()
                    .all(|&i| definitions[i].field(REASON_FIELD).is_some());
                let what = if empty {
                    format!("fill in its `{REASON_FIELD}:`")
                } else {
                    format!("add a `{REASON_FIELD}:` line to the definition")
                };
                (
                    Subject::Definition(anonymous[0]),
                    format!(
                        "“{phrase}” cites {sources} {}, which {gives} no reason for not naming it: {what}",
                        ids.join(" and ")
                    ),
                )
            }
        };
        out.push(Finding::new(hit.range, subject, message));
    }
}

/// A phrase may run over a line break: shown on one line.
fn one_line(phrase: &str) -> String {
    phrase.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Citing a source after the sentence; for an anonymous source without a reason, adding the
/// `reason:` line to its definition.
fn fixes(fx: &FixContext, diagnostic: &Diagnostic) -> Vec<Action> {
    match diagnostic.subject {
        Subject::Definition(i) => {
            let Some(def) = fx.doc.syntax.definitions.get(i) else {
                return Vec::new();
            };
            if def.field(REASON_FIELD).is_some() {
                return Vec::new();
            }
            let indent = def.fields.first().map_or("  ", |f| {
                &fx.text()[fx.line_start(f.key.range.start)..f.key.range.start]
            });
            let edits = Edits::default()
                .insert(
                    fx.file,
                    def.range.end,
                    format!("{}{indent}{REASON_FIELD}: ", fx.eol),
                )
                .finish(fx.ws);
            let mut fix = action(
                format!("Add `{REASON_FIELD}:` to [^{}]", def.id.text),
                edits,
            );
            fix.preferred = true;
            vec![fix]
        }
        Subject::Text => {
            let mask = fx.doc.prose_mask();
            let Some(sentence) = vague::sentence_at(mask, &fx.doc.syntax, diagnostic.range.start)
            else {
                return Vec::new();
            };
            // The attribution rules' fix cites a source after a claim's sentence; the phrase
            // stands in for the claim (only its sentence is read).
            let as_claim = Diagnostic {
                subject: Subject::Claim(Claim {
                    kind: ClaimKind::Quotation,
                    range: diagnostic.range,
                    sentence,
                }),
                ..diagnostic.clone()
            };
            let mut actions = attribution::cite(fx, &as_claim);
            // Citing an anonymous source that gives no reason leaves a finding: offered, but
            // after the others and never preferred.
            let unexplained = |action: &Action| {
                fx.doc.syntax.definitions.iter().any(|d| {
                    action.title == format!("Cite [^{}]", d.id.text)
                        && d.field_value("kind") == Some("anonymous")
                        && d.field_value(REASON_FIELD)
                            .is_none_or(|r| r.trim().is_empty())
                })
            };
            actions.sort_by_key(|a| unexplained(a));
            for (i, action) in actions.iter_mut().enumerate() {
                action.preferred = i == 0 && !unexplained(action);
            }
            actions
        }
        _ => Vec::new(),
    }
}
