//! Code lenses on definition labels: how much an entity or a source is used.
//!
//! - An entity label `[@id]` shows `N mentions`: every `@id`, `[text](@id)`, claim-span speaker
//!   and `by: @id` in the whole workspace (the index's count, the same as the hover card's).
//!   Plain-text names are not mentions.
//! - A source label `[^id]` shows `cited N times`: its citations `[^id]` and claim-span
//!   attributes `^id` in the file (sources are local to their file); `not cited` when there
//!   are none.
//!
//! Each copy of a duplicated id gets the same count. Labels with an invalid id define nothing
//! and get no lens. Clicking a lens is meant to list the uses: [`Lens::references_at`] is the
//! offset to run find-references from.

use rustc_hash::FxHashMap;

use crate::syntax::{DefinitionKind, TextRange};
use crate::workspace::{FileId, Workspace};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lens {
    /// The definition label, `[@id]` or `[^id]`.
    pub range: TextRange,
    pub title: String,
    /// An offset inside the label: find-references from there lists what the title counts.
    pub references_at: usize,
}

/// One lens per definition label of `file` with a valid id, in text order.
pub fn lenses(ws: &Workspace, file: FileId) -> Vec<Lens> {
    let syntax = &ws.document(file).syntax;
    let mut citations: FxHashMap<&str, usize> = FxHashMap::default();
    for c in &syntax.citations {
        *citations.entry(c.id.as_str()).or_default() += 1;
    }
    syntax
        .definitions
        .iter()
        .filter(|d| d.has_valid_id())
        .map(|def| {
            let id = def.id.text.as_str();
            let title = match def.kind {
                DefinitionKind::Entity => match ws.index().mentions.get(id).map_or(0, Vec::len) {
                    1 => "1 mention".to_string(),
                    n => format!("{n} mentions"),
                },
                DefinitionKind::Source => match citations.get(id).copied().unwrap_or(0) {
                    0 => "not cited".to_string(),
                    1 => "cited once".to_string(),
                    n => format!("cited {n} times"),
                },
            };
            Lens {
                range: def.label,
                title,
                references_at: def.id.range.start,
            }
        })
        .collect()
}
