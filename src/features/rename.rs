//! Renaming an entity id (across the workspace) or a source id (within its file).
//!
//! Only ids are edited: the `@`, `^`, brackets and display text around them stay as they are,
//! so `[North Korea](@nk)` becomes `[North Korea](@dprk)`. Names and aliases are prose, not
//! ids, and are never touched. Every edit replaces a whole valid id by another valid id, and
//! an id is always followed by a character that cannot continue it, so the edited files parse
//! into the same annotations with only the id changed.

use std::collections::BTreeMap;
use std::fmt;

use crate::features::target::{self, EntityVia, Found, Target};
use crate::syntax::{DefinitionKind, TextRange, is_valid_id};
use crate::workspace::{FileId, Workspace};

/// Why a rename cannot be done; the message is meant for the person renaming.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameError(pub String);

impl fmt::Display for RenameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RenameError {}

pub use crate::rules::{FileEdit, TextEdit};

/// The id under the cursor: its range (without `@`, `^` or brackets) and its current text.
pub fn prepare_rename(
    ws: &Workspace,
    file: FileId,
    offset: usize,
) -> Result<(TextRange, String), RenameError> {
    let found = renameable(ws, file, offset)?;
    let id = match found.target {
        Target::Entity { id, .. } | Target::Source { id, .. } => id,
    };
    Ok((found.id_range, id))
}

/// The edits that rename the entity or source at `offset` to `new_id`.
///
/// An entity is renamed everywhere in the workspace: each definition label (all copies of a
/// duplicated id), and each mention, link target, claim-span speaker and `by:` value. A source
/// is renamed in its own file: definition label(s), citations and span attributes. `new_id` may
/// carry the sigil of its kind (`@new` for an entity, `^new` for a source).
///
/// Refused when `new_id` is not a valid id, equals the current id, or is already defined (for
/// an entity anywhere in the workspace, for a source in the same file), since merging two
/// definitions is not something a rename can undo. Mentions of an id that is used but defined
/// nowhere are no obstacle: after the rename they simply resolve.
///
/// Files come sorted by path.
pub fn rename(
    ws: &Workspace,
    file: FileId,
    offset: usize,
    new_id: &str,
) -> Result<Vec<FileEdit>, RenameError> {
    let found = renameable(ws, file, offset)?;
    let mut edits: BTreeMap<FileId, Vec<TextRange>> = BTreeMap::new();
    let new_id = match &found.target {
        Target::Entity { id, .. } => {
            let new_id = checked_new_id(id, new_id, '@')?;
            if let Some((other, def)) = ws.entity(new_id).next() {
                let doc = ws.document(other);
                let line = doc.line_index.line_of(def.label.start) + 1;
                return Err(RenameError(format!(
                    "entity “{new_id}” is already defined at {}:{line}: choose another id",
                    doc.path.display()
                )));
            }
            for (def_file, def) in ws.entity(id) {
                edits.entry(def_file).or_default().push(def.id.range);
            }
            for r in ws.index().mentions.get(id).into_iter().flatten() {
                let mention = &ws.document(r.file).syntax.mentions[r.index];
                let range = TextRange::new(mention.target.start + 1, mention.target.end);
                edits.entry(r.file).or_default().push(range);
            }
            new_id
        }
        Target::Source { id, file, .. } => {
            let new_id = checked_new_id(id, new_id, '^')?;
            let doc = ws.document(*file);
            let sources = doc
                .syntax
                .definitions
                .iter()
                .filter(|d| d.kind == DefinitionKind::Source);
            if let Some(def) = sources.clone().find(|d| d.id.text == new_id) {
                let line = doc.line_index.line_of(def.label.start) + 1;
                return Err(RenameError(format!(
                    "source “{new_id}” is already defined in this file, on line {line}: choose another id"
                )));
            }
            let ranges = edits.entry(*file).or_default();
            ranges.extend(sources.filter(|d| &d.id.text == id).map(|d| d.id.range));
            for citation in doc.syntax.citations.iter().filter(|c| c.id == id) {
                // Both `[^id]` and `^id` end with the id, apart from the citation's `]`.
                let end = match citation.claim {
                    Some(_) => citation.range.end,
                    None => citation.range.end - 1,
                };
                ranges.push(TextRange::new(end - id.len(), end));
            }
            new_id
        }
    };
    let mut out: Vec<FileEdit> = edits
        .into_iter()
        .map(|(file, mut ranges)| {
            ranges.sort();
            ranges.dedup();
            debug_assert!(ranges.windows(2).all(|w| w[0].end <= w[1].start));
            FileEdit {
                file,
                edits: ranges
                    .into_iter()
                    .map(|range| TextEdit {
                        range,
                        new_text: new_id.to_string(),
                    })
                    .collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| ws.document(a.file).path.cmp(&ws.document(b.file).path));
    Ok(out)
}

/// The target at `offset` if it carries an id that can be renamed.
fn renameable(ws: &Workspace, file: FileId, offset: usize) -> Result<Found, RenameError> {
    let mut found = target::at(ws, file, offset);
    match found.first() {
        None => Err(RenameError(
            "nothing to rename here: put the cursor on an entity mention, a citation or a definition"
                .to_string(),
        )),
        Some(Found {
            target:
                Target::Entity {
                    via: EntityVia::Name,
                    ..
                },
            range,
            ..
        }) => {
            let name = &ws.document(file).text[range.start..range.end];
            Err(RenameError(format!(
                "“{name}” is plain text, not an id: rename the entity from a mention or its definition"
            )))
        }
        // Only plain names can match several entities, so anything else is alone.
        Some(_) => Ok(found.swap_remove(0)),
    }
}

/// `new_id` without its sigil, if it is a valid id different from `old`.
fn checked_new_id<'a>(old: &str, new_id: &'a str, sigil: char) -> Result<&'a str, RenameError> {
    let trimmed = new_id.trim();
    let bare = trimmed.strip_prefix(sigil).unwrap_or(trimmed);
    let what = if sigil == '@' { "entity" } else { "source" };
    if bare.is_empty() {
        return Err(RenameError(format!("the new {what} id is empty: type one")));
    }
    if !is_valid_id(bare) {
        return Err(RenameError(format!(
            "“{trimmed}” is not a valid {what} id: start with a letter or digit, use only letters, digits, `-` and `_`, and end with a letter or digit"
        )));
    }
    if bare == old {
        return Err(RenameError(format!(
            "the id is already “{old}”: type a different one"
        )));
    }
    Ok(bare)
}
