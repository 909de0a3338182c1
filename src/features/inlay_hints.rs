//! Inlay hints: who an `@id` is and what a `[^id]` cites, shown right after them.
//!
//! - After an `@id` in prose, the entity's canonical name: `@afu` › `Armed Forces of
//!   Ukraine`. By default ([`NameHints::Unnamed`]) only where the text (a link's display
//!   text, a bare id read as words) does not already name the entity, and once per entity and
//!   paragraph; [`NameHints::All`] hints after every mention whose text is not the name itself.
//!   Nothing for an id that no file defines, or for an entity with no name.
//! - After a citation `[^id]`, the source's title shortened to about
//!   [`TITLE_CHARS`] characters, or, for a source with no title, the name of its `by:` entity.
//!   Nothing for a source not defined in the file.
//!
//! Speakers in claim-span attributes and `by:` values get no hint: they stand in markup, not in
//! the text a reader follows, and the hover has them. Hints come without a tooltip;
//! [`hint_tooltip`] gives it on demand (an LSP `inlayHint/resolve`), as the hover card.

use rustc_hash::FxHashMap;

use super::hover::{self, shorten};
use crate::syntax::{Definition, DefinitionKind, MentionKind, TextRange};
use crate::workspace::{FileId, Workspace};

/// Source titles longer than this many characters are cut (at a word when one ends close).
pub const TITLE_CHARS: usize = 30;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    /// Byte offset the hint stands at: the end of the mention or citation it explains.
    pub position: usize,
    pub label: String,
    /// Always `None` from [`hints`]; see [`hint_tooltip`].
    pub tooltip_markdown: Option<String>,
    /// Whether the editor should put a space between the text and the hint.
    pub padding_left: bool,
}

/// Which mentions get their entity's name after them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameHints {
    /// Where the text does not already name the entity (its name, an alias, a person's
    /// surname, spacing, case and accents aside), once per entity and paragraph: a writer
    /// reads prose, and "[Kursk region](@kursk-region) Kursk Oblast" three times in two
    /// paragraphs is clutter.
    Unnamed,
    /// After every mention whose text is not exactly the name (the behaviour of code
    /// editors: a reader of markup).
    All,
    Off,
}

/// What [`hints_with`] shows; the language server takes it from the client's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HintOptions {
    pub entity_names: NameHints,
    /// Source titles after citations.
    pub source_titles: bool,
}

impl Default for HintOptions {
    fn default() -> HintOptions {
        HintOptions {
            entity_names: NameHints::Unnamed,
            source_titles: true,
        }
    }
}

/// The hints whose position lies in `range` (both ends included), in text order, with the
/// default options.
pub fn hints(ws: &Workspace, file: FileId, range: TextRange) -> Vec<Hint> {
    hints_with(ws, file, range, &HintOptions::default())
}

/// [`hints`] as `options` ask.
pub fn hints_with(
    ws: &Workspace,
    file: FileId,
    range: TextRange,
    options: &HintOptions,
) -> Vec<Hint> {
    let doc = ws.document(file);
    let text = doc.text.as_str();
    let syntax = &doc.syntax;
    let in_range = |at: usize| range.start <= at && at <= range.end;
    let mut out = Vec::new();
    // Entities named or hinted so far, with the paragraph they were in. Mentions before
    // the range count too: the range is only what the editor shows.
    let mut told: Vec<(Option<usize>, &str)> = Vec::new();

    for mention in &syntax.mentions {
        if options.entity_names == NameHints::Off {
            break;
        }
        let position = mention.range.end;
        let shown = match mention.kind {
            MentionKind::Bare => &text[mention.target.start + 1..mention.target.end],
            MentionKind::Link => link_text(text, mention.range, mention.target),
            MentionKind::Speaker | MentionKind::By => continue,
        };
        let Some((_, def)) = ws.entity(&mention.id).next() else {
            continue;
        };
        let name = def.name.text.as_str();
        if name.is_empty() {
            continue;
        }
        if options.entity_names == NameHints::All && reads_as(shown, name) {
            continue;
        }
        if options.entity_names == NameHints::Unnamed {
            let paragraph = syntax.blocks.iter().position(|b| {
                b.range.start <= mention.range.start && mention.range.end <= b.range.end
            });
            let key = (paragraph, mention.id.as_str());
            if paragraph.is_some() && told.contains(&key) {
                continue;
            }
            told.push(key);
            if names(shown, def) {
                continue;
            }
        }
        if !in_range(position) {
            continue;
        }
        out.push(Hint {
            position,
            label: name.to_string(),
            tooltip_markdown: None,
            padding_left: true,
        });
    }

    if !options.source_titles {
        out.sort_by_key(|h| h.position);
        return out;
    }
    // The first definition of each source counts, as in the hover.
    let mut sources: FxHashMap<&str, &Definition> = FxHashMap::default();
    for def in &syntax.definitions {
        if def.kind == DefinitionKind::Source {
            sources.entry(def.id.text.as_str()).or_insert(def);
        }
    }
    for citation in syntax.citations.iter().filter(|c| c.claim.is_none()) {
        let position = citation.range.end;
        if !in_range(position) {
            continue;
        }
        let Some(def) = sources.get(citation.id.as_str()) else {
            continue;
        };
        let label = if def.name.text.is_empty() {
            let by = def
                .field_value("by")
                .and_then(|by| by.strip_prefix('@'))
                .and_then(|id| ws.entity(id).next())
                .map(|(_, entity)| entity.name.text.as_str())
                .filter(|name| !name.is_empty());
            match by {
                Some(name) => name.to_string(),
                None => continue,
            }
        } else {
            shorten(&def.name.text, TITLE_CHARS)
        };
        out.push(Hint {
            position,
            label,
            tooltip_markdown: None,
            padding_left: true,
        });
    }

    out.sort_by_key(|h| h.position);
    out
}

/// The Markdown tooltip of the hint at `offset` (a [`Hint::position`]): the hover card of the
/// entity or source the hint explains. `None` when no mention or citation ends there.
pub fn hint_tooltip(ws: &Workspace, file: FileId, offset: usize) -> Option<String> {
    let doc = ws.document(file);
    let syntax = &doc.syntax;
    if let Some(mention) = syntax
        .mentions
        .iter()
        .find(|m| m.range.end == offset && matches!(m.kind, MentionKind::Bare | MentionKind::Link))
    {
        return Some(hover::entity_card(ws, &mention.id));
    }
    let citation = syntax
        .citations
        .iter()
        .find(|c| c.claim.is_none() && c.range.end == offset)?;
    let citing = hover::citing_sentences(doc)
        .get(citation.id.as_str())
        .copied()
        .unwrap_or(0);
    Some(hover::source_card(ws, file, &citation.id, citing))
}

/// The display text of a link mention `[text](@id)`: between its `[` and the `](` before the
/// target.
fn link_text(text: &str, range: TextRange, target: TextRange) -> &str {
    let head = &text[range.start..target.start];
    match head.rfind("](") {
        Some(close) => &head[1..close],
        None => "",
    }
}

/// Whether `shown` already says `name`: the same words (spacing and case aside), or those
/// words with a possessive `'s` or `’s` after them.
fn reads_as(shown: &str, name: &str) -> bool {
    let words = |s: &str| -> String {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let shown = words(shown);
    let name = words(name);
    shown == name
        || ["'s", "’s", "'", "’"]
            .iter()
            .any(|s| shown.strip_suffix(s) == Some(name.as_str()))
}

/// The words of `text` as names are compared: folded (case and accents aside), split at
/// spaces and hyphens (`@kursk-region` reads "kursk region"), a possessive dropped.
fn name_words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '-')
        .map(|w| {
            ["'s", "’s", "'", "’"]
                .iter()
                .find_map(|s| w.strip_suffix(s))
                .unwrap_or(w)
        })
        .map(crate::syntax::near::fold)
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether the text of a mention already names `def`: it holds its name or an alias as
/// whole words ("the Kursk region" names Kursk Oblast, alias Kursk region), or, for a
/// person, the surname alone ("Blinken").
fn names(shown: &str, def: &Definition) -> bool {
    let shown = name_words(shown);
    let holds =
        |words: &[String]| !words.is_empty() && shown.windows(words.len()).any(|w| w == words);
    let name = name_words(&def.name.text);
    if holds(&name) || def.aliases().iter().any(|a| holds(&name_words(&a.text))) {
        return true;
    }
    def.field_value("kind") == Some("person") && name.len() > 1 && holds(&name[name.len() - 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_cut_at_a_word() {
        assert_eq!(shorten("Short title", 30), "Short title");
        assert_eq!(
            shorten(
                "Security Service of Ukraine, communiqué on captured soldiers",
                30
            ),
            "Security Service of Ukraine…"
        );
        assert_eq!(shorten(&"x".repeat(40), 30), format!("{}…", "x".repeat(29)));
        assert_eq!(shorten("a  b\n c", 30), "a b c");
    }

    #[test]
    fn display_text_that_is_the_name() {
        assert!(reads_as("Antony  Blinken", "Antony Blinken"));
        assert!(reads_as("North Korea's", "North Korea"));
        assert!(!reads_as("the secretary", "Antony Blinken"));
        assert!(reads_as("kyiv", "Kyiv"));
    }
}
