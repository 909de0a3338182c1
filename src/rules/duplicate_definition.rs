//! duplicate-definition: a source defined twice in one file, or an entity defined twice in the
//! workspace.

use rustc_hash::FxHashMap;

use super::{
    Context, Finding, Findings, Related, Rule, RuleDef, Scope, Severity, Subject, no_fixes,
};
use crate::syntax::DefinitionKind;

pub const RULE: Rule = Rule::new(&RuleDef {
    id: "duplicate-definition",
    default_severity: Severity::Error,
    scope: Scope::Workspace,
    docs_anchor: "duplicate-definition",
    reads_prose: false,
    unnecessary: false,
    check,
    fixes: no_fixes,
});

/// At most this many other copies are listed with each duplicate definition (the message
/// still gives the full count). Listing all of them made `n` copies cost `n²` related
/// entries: 10,000 copies of one source took seconds and gigabytes.
const MAX_RELATED: usize = 10;

fn check(cx: &Context, out: &mut Findings) {
    let (file, syntax) = (cx.file, &cx.doc.syntax);

    // Sources: within this file.
    let mut sources: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (i, def) in syntax.definitions.iter().enumerate() {
        if def.kind == DefinitionKind::Source && def.has_valid_id() {
            sources.entry(def.id.text.as_str()).or_default().push(i);
        }
    }
    for copies in sources.values().filter(|c| c.len() > 1) {
        for &i in copies {
            let def = &syntax.definitions[i];
            let related = copies
                .iter()
                .filter(|&&j| j != i)
                .take(MAX_RELATED)
                .map(|&j| Related {
                    file,
                    range: syntax.definitions[j].label,
                    message: "another definition of this source".to_string(),
                })
                .collect();
            let message = format!(
                "source “{}” is defined {} times in this file: keep one and rename or remove the others",
                def.id.text,
                copies.len()
            );
            out.push(Finding::new(def.label, Subject::Definition(i), message).related(related));
        }
    }

    // Entities: across the workspace.
    let index = cx.ws.index();
    for (i, def) in syntax.definitions.iter().enumerate() {
        if def.kind != DefinitionKind::Entity || !def.has_valid_id() {
            continue;
        }
        let Some(copies) = index.definitions.get(&def.id.text) else {
            continue;
        };
        if copies.len() < 2 {
            continue;
        }
        let related = copies
            .iter()
            .filter(|c| !(c.file == file && c.index == i))
            .take(MAX_RELATED)
            .map(|c| Related {
                file: c.file,
                range: cx.ws.document(c.file).syntax.definitions[c.index].label,
                message: "another definition of this entity".to_string(),
            })
            .collect();
        let message = format!(
            "entity “{}” is defined {} times in the workspace: keep one definition",
            def.id.text,
            copies.len()
        );
        out.push(Finding::new(def.label, Subject::Definition(i), message).related(related));
    }
}
