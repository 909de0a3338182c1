//! What stands at an offset: the shared first step of hover, go-to-definition, references and
//! rename.

use crate::syntax::{DefinitionKind, MentionKind, TextRange};
use crate::workspace::{FileId, Workspace};

/// Something the cursor can be on that names an entity or a source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// An entity: from a mention (`@id`, `[text](@id)`, a speaker, `by: @id`), a definition
    /// label `[@id]`, or plain text equal to a known name or alias.
    Entity { id: String, via: EntityVia },
    /// A source, which is local to `file`: from a citation `[^id]`, a span attribute `^id`, or
    /// a definition label `[^id]`.
    Source {
        id: String,
        file: FileId,
        via: SourceVia,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntityVia {
    Mention(MentionKind),
    Definition,
    /// A plain-text name; may match several entities (see [`at`] for how that is reported).
    Name,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceVia {
    Citation,
    ClaimAttribute,
    Definition,
}

/// A target and the range of text it was found on (what a hover highlights).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub target: Target,
    pub range: TextRange,
    /// The range of the id itself without `@`, `^` or brackets: what rename replaces.
    pub id_range: TextRange,
}

/// The target at `offset` in `file`, if any. An offset at the very end of a token still counts
/// (editors place the cursor after the last character).
pub fn at(workspace: &Workspace, file: FileId, offset: usize) -> Vec<Found> {
    let doc = workspace.document(file);
    let syntax = &doc.syntax;
    let touches = |r: TextRange| r.start <= offset && offset <= r.end;

    for def in &syntax.definitions {
        if touches(def.label) && def.has_valid_id() {
            let target = match def.kind {
                DefinitionKind::Entity => Target::Entity {
                    id: def.id.text.clone(),
                    via: EntityVia::Definition,
                },
                DefinitionKind::Source => Target::Source {
                    id: def.id.text.clone(),
                    file,
                    via: SourceVia::Definition,
                },
            };
            return vec![Found {
                target,
                range: def.label,
                id_range: def.id.range,
            }];
        }
    }
    // A link's display text is long; its `@id` is more specific, so targets (not ranges)
    // are what matters: the first mention touching the offset wins.
    if let Some(m) = syntax.mentions.iter().find(|m| touches(m.range)) {
        let id_start = m.target.end - m.id.len();
        return vec![Found {
            target: Target::Entity {
                id: m.id.to_string(),
                via: EntityVia::Mention(m.kind),
            },
            range: m.range,
            id_range: TextRange::new(id_start, m.target.end),
        }];
    }
    if let Some(c) = syntax.citations.iter().find(|c| touches(c.range)) {
        let (via, id_start) = match c.claim {
            Some(_) => (SourceVia::ClaimAttribute, c.range.start + 1),
            None => (SourceVia::Citation, c.range.start + 2),
        };
        return vec![Found {
            target: Target::Source {
                id: c.id.to_string(),
                file,
                via,
            },
            range: c.range,
            id_range: TextRange::new(id_start, id_start + c.id.len()),
        }];
    }
    // Plain text: a known name in a prose block.
    let Some(block) = syntax.blocks.iter().find(|b| touches(b.range)) else {
        return Vec::new();
    };
    let index = workspace.index();
    index
        .find_names(doc.prose_mask(), block.range)
        .into_iter()
        .filter(|n| n.start <= offset && offset <= n.end)
        .flat_map(|n| {
            n.entities.iter().map(move |id| Found {
                target: Target::Entity {
                    id: id.clone(),
                    via: EntityVia::Name,
                },
                range: TextRange::new(n.start, n.end),
                id_range: TextRange::new(n.start, n.end),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::workspace::Document;
    use std::path::PathBuf;

    fn workspace(files: &[(&str, &str)]) -> Workspace {
        let mut ws = Workspace::new(PathBuf::from("."), Config::default());
        for (path, text) in files {
            ws.set_document(Document::new(PathBuf::from(path), text.to_string()));
        }
        ws
    }

    #[test]
    fn finds_mentions_citations_definitions_and_names() {
        let ws = workspace(&[
            ("e.news", "[@ssu]: Security Service\n  aliases: SSU\n"),
            ("a.news", "The SSU and @ssu said so.[^s]\n\n[^s]: Source\n"),
        ]);
        let a = ws.file_id(PathBuf::from("a.news").as_path()).unwrap();
        let text = &ws.document(a).text;
        let ids =
            |offset| -> Vec<Target> { at(&ws, a, offset).into_iter().map(|f| f.target).collect() };
        let entity = |via| Target::Entity {
            id: "ssu".into(),
            via,
        };
        assert_eq!(
            ids(text.find("SSU").unwrap() + 1),
            [entity(EntityVia::Name)]
        );
        assert_eq!(
            ids(text.find("@ssu").unwrap()),
            [entity(EntityVia::Mention(MentionKind::Bare))]
        );
        let source = |via| Target::Source {
            id: "s".into(),
            file: a,
            via,
        };
        assert_eq!(
            ids(text.find("[^s]").unwrap() + 2),
            [source(SourceVia::Citation)]
        );
        assert_eq!(
            ids(text.rfind("[^s]").unwrap()),
            [source(SourceVia::Definition)]
        );
        assert!(ids(1).is_empty());
        let found = &at(&ws, a, text.find("@ssu").unwrap())[0];
        assert_eq!(&text[found.id_range.start..found.id_range.end], "ssu");
    }
}
