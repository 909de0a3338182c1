//! incomplete-source: a source definition without a field `[sources] required` asks for (by
//! default `url:` and `date:`), or with one left empty.

use super::shared::fix::{Edits, action};
use super::{
    Action, Context, Diagnostic, Finding, Findings, FixContext, Rule, RuleDef, Scope, Severity,
    Subject,
};
use crate::syntax::DefinitionKind;

pub const RULE: Rule = Rule::new(&RuleDef {
    id: "incomplete-source",
    default_severity: Severity::Warning,
    scope: Scope::Document,
    docs_anchor: "incomplete-source",
    reads_prose: false,
    unnecessary: false,
    check,
    fixes,
});

fn check(cx: &Context, out: &mut Findings) {
    let required = &cx.config().required_source_fields;
    for (i, def) in cx.doc.syntax.definitions.iter().enumerate() {
        if def.kind != DefinitionKind::Source || !def.has_valid_id() {
            continue;
        }
        let missing: Vec<&str> = required
            .iter()
            .map(String::as_str)
            .filter(|field| def.field_value(field).is_none_or(|v| v.is_empty()))
            .collect();
        if missing.is_empty() {
            continue;
        }
        // Fields absent and fields present but empty (as a quick fix leaves them) are named
        // apart: the first need their lines, the second only a value.
        let list = |fields: Vec<&str>| {
            fields
                .iter()
                .map(|f| format!("`{f}:`"))
                .collect::<Vec<_>>()
                .join(" and ")
        };
        let (empty, absent): (Vec<&str>, Vec<&str>) =
            missing.iter().partition(|f| def.field(f).is_some());
        let what = match (absent.is_empty(), empty.is_empty()) {
            (true, _) => format!("an empty {}: fill in the value", list(empty)),
            (_, true) => format!("no {}: add the missing field lines", list(absent)),
            _ => format!(
                "no {}, and an empty {}: add the missing field lines and fill in the values",
                list(absent),
                list(empty)
            ),
        };
        out.push(Finding::new(
            def.label,
            Subject::Definition(i),
            format!("source “{}” has {what}", def.id.text),
        ));
    }
}

/// The missing field lines, left empty to fill in (a field there but empty is not added a
/// second time).
fn fixes(fx: &FixContext, diagnostic: &Diagnostic) -> Vec<Action> {
    let Subject::Definition(i) = diagnostic.subject else {
        return Vec::new();
    };
    let Some(def) = fx.doc.syntax.definitions.get(i) else {
        return Vec::new();
    };
    let missing: Vec<&str> = fx
        .ws
        .config
        .required_source_fields
        .iter()
        .map(String::as_str)
        .filter(|f| def.field(f).is_none())
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let indent = def.fields.first().map_or("  ", |f| {
        &fx.text()[fx.line_start(f.key.range.start)..f.key.range.start]
    });
    let lines: String = missing
        .iter()
        .map(|f| format!("{}{indent}{f}: ", fx.eol))
        .collect();
    let edits = Edits::default()
        .insert(fx.file, def.range.end, lines)
        .finish(fx.ws);
    let mut fix = action(
        format!("Add missing fields ({})", missing.join(", ")),
        edits,
    );
    fix.preferred = true;
    vec![fix]
}
