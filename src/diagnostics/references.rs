//! Rules over definitions and references: undefined-source, undefined-entity,
//! duplicate-definition, unused-source, incomplete-source.

use rustc_hash::{FxHashMap, FxHashSet};

use super::{Finding, Related, Rule};
use crate::syntax::{DefinitionKind, MentionKind};
use crate::workspace::{FileId, Workspace};

/// At most this many other copies are listed with each duplicate definition (the message
/// still gives the full count). Listing all of them made `n` copies cost `n²` related
/// entries: 10,000 copies of one source took seconds and gigabytes.
const MAX_RELATED: usize = 10;

pub(super) fn check(workspace: &Workspace, file: FileId, out: &mut Vec<Finding>) {
    let syntax = &workspace.document(file).syntax;
    let index = workspace.index();

    let mut sources: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (i, def) in syntax.definitions.iter().enumerate() {
        if def.kind == DefinitionKind::Source && def.has_valid_id() {
            sources.entry(def.id.text.as_str()).or_default().push(i);
        }
    }
    let cited: FxHashSet<&str> = syntax.citations.iter().map(|c| c.id.as_str()).collect();

    for citation in &syntax.citations {
        if !sources.contains_key(citation.id.as_str()) {
            out.push(Finding::new(
                Rule::UndefinedSource,
                citation.range,
                format!(
                    "source “{}” is not defined in this file: add a definition `[^{}]: Title` with url and date",
                    citation.id, citation.id
                ),
            ));
        }
    }

    for mention in &syntax.mentions {
        if index.definitions.contains_key(mention.id.as_str()) {
            continue;
        }
        let place = match mention.kind {
            MentionKind::By => "named in `by:`",
            MentionKind::Speaker => "named as a claim's speaker",
            MentionKind::Bare | MentionKind::Link => "mentioned",
        };
        out.push(Finding::new(
            Rule::UndefinedEntity,
            mention.target,
            format!(
                "entity “{}” is {place} but defined nowhere in the workspace: add `[@{}]: Name` to the registry (e.g. entities.news)",
                mention.id, mention.id
            ),
        ));
    }

    // Duplicates: sources within this file, entities across the workspace.
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
            out.push(Finding {
                rule: Rule::DuplicateDefinition,
                range: def.label,
                message: format!(
                    "source “{}” is defined {} times in this file: keep one and rename or remove the others",
                    def.id.text,
                    copies.len()
                ),
                related,
            });
        }
    }
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
                range: workspace.document(c.file).syntax.definitions[c.index].label,
                message: "another definition of this entity".to_string(),
            })
            .collect();
        out.push(Finding {
            rule: Rule::DuplicateDefinition,
            range: def.label,
            message: format!(
                "entity “{}” is defined {} times in the workspace: keep one definition",
                def.id.text,
                copies.len()
            ),
            related,
        });
    }

    let required = &workspace.config.required_source_fields;
    let source_definitions = syntax
        .definitions
        .iter()
        .filter(|d| d.kind == DefinitionKind::Source && d.has_valid_id());
    for def in source_definitions {
        if !cited.contains(def.id.text.as_str()) {
            out.push(Finding::new(
                Rule::UnusedSource,
                def.label,
                format!(
                    "source “{}” is defined but never cited in this file: cite it with [^{}] or remove the definition",
                    def.id.text, def.id.text
                ),
            ));
        }
        let missing: Vec<&str> = required
            .iter()
            .map(String::as_str)
            .filter(|field| def.field_value(field).is_none_or(|v| v.is_empty()))
            .collect();
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|f| format!("`{f}:`"))
                .collect::<Vec<_>>()
                .join(" and ");
            // Fields present but empty (as a quick fix leaves them) only need filling in.
            let all_present = missing.iter().all(|f| def.field(f).is_some());
            let what = if all_present {
                format!("an empty {list}: fill in the value")
            } else {
                format!("no {list}: add the missing field lines")
            };
            out.push(Finding::new(
                Rule::IncompleteSource,
                def.label,
                format!("source “{}” has {what}", def.id.text),
            ));
        }
    }
}
