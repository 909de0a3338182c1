//! size-limit: where the prose rules stop in an article over `[limits] prose-bytes`: one note
//! at the first block not checked, so the silence after it is not mistaken for clean copy.

use super::{Context, Finding, Findings, Rule, RuleDef, Scope, Severity, Subject, no_fixes};
use crate::syntax::TextRange;

pub const RULE: Rule = Rule::new(&RuleDef {
    id: "size-limit",
    default_severity: Severity::Info,
    scope: Scope::Document,
    docs_anchor: "size-limit",
    reads_prose: false,
    unnecessary: false,
    check,
    fixes: no_fixes,
});

fn check(cx: &Context, out: &mut Findings) {
    let text = cx.text();
    let at = cx.prose_end;
    if at >= text.len() {
        return;
    }
    // Named only when one of them is on: otherwise nothing stops here.
    let stopped: Vec<&str> = Rule::all()
        .filter(|r| r.def().reads_prose && r.severity(cx.config()).is_some())
        .map(Rule::id)
        .collect();
    if stopped.is_empty() {
        return;
    }
    let line_end = text[at..].find(['\n', '\r']).map_or(text.len(), |n| at + n);
    let size = |bytes: usize| match bytes {
        0..1024 => format!("{bytes} bytes"),
        1024..1048576 => format!("{:.1} KiB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MiB", bytes as f64 / 1048576.0),
    };
    out.push(Finding::new(
        TextRange::new(at, line_end),
        Subject::Text,
        format!(
            "prose is not checked from here on: this article is {} and the prose rules \
             ({}) check only the blocks within its first {}; entities, citations and \
             definitions are checked throughout. Split the article, or raise `prose-bytes` \
             under [limits] in newsmark.toml",
            size(text.len()),
            stopped.join(", "),
            size(cx.config().limits.prose_bytes)
        ),
    ));
}
