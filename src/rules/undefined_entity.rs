//! undefined-entity: an `@id` (bare, linked, a speaker or in `by:`) that no definition in the
//! workspace gives. When the id is a near miss of a registry entity (`@ECB` for `@ecb`,
//! `@zelenskiy` for the alias Zelensky), the message asks "did you mean" instead of advising
//! to define it: the mention is still broken, so it stays this rule's error rather than
//! becoming a near-miss-name warning.

use super::shared::fix::{
    Edits, Registry, action, adds_definition, append_block, line_ending, one_line, registry,
};
use super::shared::near::{EntitySuggestions, entity_for};
use super::{
    Action, Context, Diagnostic, Finding, Findings, FixContext, Rule, RuleDef, Scope, Severity,
    Subject,
};
use crate::syntax::{DefinitionKind, MentionKind, TextRange};

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
    let mut suggestions = EntitySuggestions::default();
    for (i, mention) in cx.doc.syntax.mentions.iter().enumerate() {
        if index.definitions.contains_key(mention.id.as_str()) {
            continue;
        }
        let place = match mention.kind {
            MentionKind::By => "named in `by:`",
            MentionKind::Speaker => "named as a claim's speaker",
            MentionKind::Bare | MentionKind::Link => "mentioned",
        };
        let advice = match suggestions.get(cx.ws, &mention.id) {
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
/// The near-miss id the workspace defines (preferred), then a definition skeleton in the
/// registry, or in this file.
fn fixes(fx: &FixContext, diagnostic: &Diagnostic) -> Vec<Action> {
    let Subject::Mention(i) = diagnostic.subject else {
        return Vec::new();
    };
    let Some(mention) = fx.doc.syntax.mentions.get(i) else {
        return Vec::new();
    };
    let id = mention.id.as_str();
    let mut out = Vec::new();

    if let Some((other, _)) = entity_for(fx.ws, id, true) {
        let id_range = TextRange::new(mention.target.end - id.len(), mention.target.end);
        let edits = Edits::default()
            .replace(fx.file, id_range, other.to_string())
            .finish(fx.ws);
        let mut fix = action(format!("Change to @{other}"), edits);
        fix.preferred = true;
        out.push(fix);
    }

    let name = match mention.kind {
        MentionKind::Link => {
            let head = &fx.text()[mention.range.start..mention.target.start];
            let display = head
                .rfind("](")
                .map(|close| one_line(&head[1..close]))
                .unwrap_or_default();
            if display.is_empty() {
                id.to_string()
            } else {
                display
            }
        }
        _ => id.to_string(),
    };
    let skeleton = |eol: &str| format!("[@{id}]: {name}{eol}  kind: {eol}");

    match registry(fx.ws) {
        Registry::Existing(registry) if registry == fx.file => {}
        Registry::Existing(registry) => {
            let doc = fx.ws.document(registry);
            let eol = line_ending(&doc.text);
            let (at, text) = append_block(&doc.text, eol, &skeleton(eol));
            if adds_definition(doc, at, &text, DefinitionKind::Entity, id) {
                let edits = Edits::default().insert(registry, at, text).finish(fx.ws);
                let title = format!("Define @{id} in {}", fx.shown_path(&doc.path));
                out.push(action(title, edits));
            }
        }
        Registry::New(path) => {
            let mut fix = action(
                format!("Define @{id} in {}", fx.shown_path(&path)),
                Vec::new(),
            );
            fix.create_files.push((path, skeleton(fx.eol)));
            out.push(fix);
        }
    }

    let last_entity = fx
        .doc
        .syntax
        .definitions
        .iter()
        .filter(|d| d.kind == DefinitionKind::Entity)
        .max_by_key(|d| d.range.end);
    let (at, text) = match last_entity {
        Some(def) => {
            let block = skeleton(fx.eol);
            let block = block.strip_suffix(fx.eol).unwrap_or(&block);
            (def.range.end, format!("{0}{0}{block}", fx.eol))
        }
        None => append_block(fx.text(), fx.eol, &skeleton(fx.eol)),
    };
    if adds_definition(fx.doc, at, &text, DefinitionKind::Entity, id) {
        let edits = Edits::default().insert(fx.file, at, text).finish(fx.ws);
        out.push(action(format!("Define @{id} in this file"), edits));
    }
    out
}
