//! Go to definition, find references and document highlights.
//!
//! All three start from [`target::at`] and then read the workspace index, so none of them
//! re-parses anything: entity lookups cost one hash lookup plus the number of hits, source
//! lookups one pass over the current file's citations.
//!
//! Ranges point at markup, never at prose:
//!
//! - a definition is located by its label, `[@id]` or `[^id]`. The label is what
//!   `duplicate-definition` and the other definition rules underline, so a jump lands where
//!   the diagnostics are, and it is short enough for an editor to highlight without covering
//!   the definition's fields;
//! - an entity mention is located by its `@id` (for `[text](@id)` the `@id` inside the
//!   parentheses, not the display text);
//! - a source use is located by the whole citation `[^id]`, or the `^id` of a claim span.

use crate::features::target::{self, Target};
use crate::syntax::{DefinitionKind, TextRange};
use crate::workspace::{FileId, Workspace};

/// A range in one file of the workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    pub file: FileId,
    pub range: TextRange,
}

/// How a highlighted occurrence uses its entity or source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HighlightKind {
    /// A mention, citation or span attribute.
    Read,
    /// The definition label, which is where the id is given its meaning.
    Write,
}

/// The definition(s) of what is at `offset`.
///
/// From an entity mention (any of its four forms) or a plain-text name, every definition of
/// that entity; an ambiguous name or a duplicated id gives several. From a citation or span
/// attribute `^id`, the definition(s) of that source in the same file. On a definition label,
/// the label itself, even when the id is defined twice: the other copies are one
/// "find references" away, and jumping from a definition to a different one would surprise.
/// Empty when nothing is there or the id is defined nowhere.
pub fn definition(ws: &Workspace, file: FileId, offset: usize) -> Vec<Location> {
    let mut out = Vec::new();
    for found in target::at(ws, file, offset) {
        match found.target {
            Target::Entity {
                via: target::EntityVia::Definition,
                ..
            }
            | Target::Source {
                via: target::SourceVia::Definition,
                ..
            } => out.push(Location {
                file,
                range: found.range,
            }),
            Target::Entity { id, .. } => out.extend(entity_definitions(ws, &id)),
            Target::Source { id, file, .. } => out.extend(source_definitions(ws, file, &id)),
        }
    }
    sort_locations(ws, &mut out);
    out
}

/// Every use of what is at `offset`, across the workspace for an entity and within its file for
/// a source, plus the definition label(s) when `include_declaration` is set.
///
/// Plain-text occurrences of an entity's name are *not* references, though the lookup may start
/// from one: they are not links, a rename would not touch them, and `unlinked-mention` already
/// lists them. Counting them would also make the answer depend on which names and aliases
/// happen to collide. An ambiguous name starts a lookup for each entity it names.
pub fn references(
    ws: &Workspace,
    file: FileId,
    offset: usize,
    include_declaration: bool,
) -> Vec<Location> {
    let mut out = Vec::new();
    for found in target::at(ws, file, offset) {
        match found.target {
            Target::Entity { id, .. } => {
                out.extend(entity_mentions(ws, &id));
                if include_declaration {
                    out.extend(entity_definitions(ws, &id));
                }
            }
            Target::Source { id, file, .. } => {
                out.extend(source_uses(ws, file, &id));
                if include_declaration {
                    out.extend(source_definitions(ws, file, &id));
                }
            }
        }
    }
    sort_locations(ws, &mut out);
    out
}

/// Every occurrence, in `file` only, of the entity or source at `offset`: uses as
/// [`HighlightKind::Read`], definition labels as [`HighlightKind::Write`]. Sorted by offset.
///
/// The same occurrences as [`references`] with the declaration, and for the same reason no
/// plain-text names.
pub fn highlights(ws: &Workspace, file: FileId, offset: usize) -> Vec<(TextRange, HighlightKind)> {
    let syntax = &ws.document(file).syntax;
    let mut out = Vec::new();
    for found in target::at(ws, file, offset) {
        let (id, kind) = match &found.target {
            Target::Entity { id, .. } => (id, DefinitionKind::Entity),
            Target::Source { id, .. } => (id, DefinitionKind::Source),
        };
        // Reading the file's own syntax rather than the index keeps this independent of how
        // many files mention the entity.
        match kind {
            DefinitionKind::Entity => out.extend(
                syntax
                    .mentions
                    .iter()
                    .filter(|m| m.id == id)
                    .map(|m| (m.target, HighlightKind::Read)),
            ),
            DefinitionKind::Source => out.extend(
                syntax
                    .citations
                    .iter()
                    .filter(|c| c.id == id)
                    .map(|c| (c.range, HighlightKind::Read)),
            ),
        }
        out.extend(
            syntax
                .definitions
                .iter()
                .filter(|d| d.kind == kind && &d.id.text == id && d.has_valid_id())
                .map(|d| (d.label, HighlightKind::Write)),
        );
    }
    out.sort_by_key(|&(range, kind)| (range.start, range.end, kind == HighlightKind::Read));
    out.dedup();
    out
}

fn entity_definitions<'a>(ws: &'a Workspace, id: &'a str) -> impl Iterator<Item = Location> + 'a {
    ws.entity(id).map(|(file, def)| Location {
        file,
        range: def.label,
    })
}

fn entity_mentions<'a>(ws: &'a Workspace, id: &str) -> impl Iterator<Item = Location> + 'a {
    ws.index()
        .mentions
        .get(id)
        .into_iter()
        .flatten()
        .map(|r| Location {
            file: r.file,
            range: ws.document(r.file).syntax.mentions[r.index].target,
        })
}

fn source_definitions<'a>(
    ws: &'a Workspace,
    file: FileId,
    id: &'a str,
) -> impl Iterator<Item = Location> + 'a {
    ws.document(file)
        .syntax
        .definitions
        .iter()
        .filter(move |d| d.kind == DefinitionKind::Source && d.id.text == id && d.has_valid_id())
        .map(move |d| Location {
            file,
            range: d.label,
        })
}

fn source_uses<'a>(
    ws: &'a Workspace,
    file: FileId,
    id: &'a str,
) -> impl Iterator<Item = Location> + 'a {
    ws.document(file)
        .syntax
        .citations
        .iter()
        .filter(move |c| c.id == id)
        .map(move |c| Location {
            file,
            range: c.range,
        })
}

/// By path, not by file id: ids follow the order files were loaded, which a client cannot see.
fn sort_locations(ws: &Workspace, locations: &mut Vec<Location>) {
    locations.sort_by(|a, b| {
        ws.document(a.file)
            .path
            .cmp(&ws.document(b.file).path)
            .then(a.file.cmp(&b.file))
            .then(a.range.start.cmp(&b.range.start))
            .then(a.range.end.cmp(&b.range.end))
    });
    locations.dedup();
}
