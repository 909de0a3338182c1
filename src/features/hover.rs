//! Hover: a Markdown card for the entity, source, number, quotation or claim span under the
//! cursor.
//!
//! The cards are short and use only CommonMark that both VS Code and Neovim render: bold,
//! code spans, bullet lists, autolinks and plain fences. No HTML. Text taken from the files
//! (names, titles, field values) is escaped, so a title with `*` or `<` in it stays text.

use std::collections::HashMap;
use std::fmt::Write;
use std::path::Path;

use super::attribution_info::{self, NumberAttribution, Verdict};
use super::target::{self, Target};
use crate::prose::numbers::NumberClass;
use crate::prose::{self, sentences};
use crate::syntax::{
    ClaimSpan, Definition, DefinitionKind, ENTITY_FIELDS, SOURCE_FIELDS, TextRange,
};
use crate::workspace::{Document, FileId, Workspace};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// What the hover is about: the mention, citation, label, name or number.
    pub range: TextRange,
    pub markdown: String,
}

/// Between the cards of a name that several entities share. The blank lines matter: `---`
/// right under a line of text would make that line a heading.
const CARD_SEPARATOR: &str = "\n\n---\n\n";

pub fn hover(ws: &Workspace, file: FileId, offset: usize) -> Option<Hover> {
    if offset > ws.document(file).text.len() {
        return None;
    }
    let found = target::at(ws, file, offset);
    if let Some(first) = found.first() {
        let mut cards: Vec<String> = Vec::new();
        let mut shown: Vec<&str> = Vec::new();
        for f in &found {
            match &f.target {
                Target::Entity { id, .. } => {
                    if !shown.contains(&id.as_str()) {
                        shown.push(id);
                        cards.push(entity_card(ws, id));
                    }
                }
                Target::Source { id, file, .. } => {
                    let doc = ws.document(*file);
                    let citing = citing_sentences(doc).get(id.as_str()).copied();
                    cards.push(source_card(ws, *file, id, citing.unwrap_or(0)));
                }
            }
        }
        return Some(Hover {
            range: first.range,
            markdown: cards.join(CARD_SEPARATOR),
        });
    }
    if let Some(number) = attribution_info::number_at(ws, file, offset) {
        return Some(Hover {
            range: number.range,
            markdown: number_card(ws, file, &number, "Number"),
        });
    }
    if let Some(quote) = attribution_info::quotation_at(ws, file, offset) {
        return Some(Hover {
            range: quote.range,
            markdown: number_card(ws, file, &quote, "Quotation"),
        });
    }
    let doc = ws.document(file);
    let claim = doc
        .syntax
        .claims
        .iter()
        .filter(|c| c.range.start <= offset && offset <= c.range.end)
        .min_by_key(|c| c.range.end - c.range.start)?;
    Some(Hover {
        range: claim.range,
        markdown: claim_card(ws, file, claim),
    })
}

/// Who is on record for a claim span, and with which sources: its `@` speakers with their
/// names, its `^` sources with their titles, and its status.
fn claim_card(ws: &Workspace, file: FileId, claim: &ClaimSpan) -> String {
    let doc = ws.document(file);
    let mut out = "**Claim**".to_string();
    if let Some((_, at)) = claim.status {
        let _ = write!(out, " · {}", code(&doc.text[at.start..at.end]));
    }
    out.push_str("\n\n");
    if claim.speakers.is_empty() {
        out.push_str("No one is on record for it in the span.\n\n");
    } else {
        let speakers: Vec<String> = claim
            .speakers
            .iter()
            .map(|s| match ws.entity(&s.text).next() {
                Some((_, def)) if !def.name.text.is_empty() => {
                    format!(
                        "{} ({})",
                        escape(&def.name.text),
                        code(&format!("@{}", s.text))
                    )
                }
                _ => format!("{} (not defined)", code(&format!("@{}", s.text))),
            })
            .collect();
        let _ = write!(out, "On record: {}\n\n", speakers.join(", "));
    }
    if claim.sources.is_empty() {
        out.push_str("No source in the span: cite one with `^id` among its attributes.");
    } else {
        let sources: Vec<String> = claim
            .sources
            .iter()
            .map(|s| {
                let title = doc
                    .syntax
                    .definitions
                    .iter()
                    .find(|d| d.kind == DefinitionKind::Source && d.id.text == s.text)
                    .map_or_else(
                        || "*not defined in this file*".to_string(),
                        |d| escape(&d.name.text),
                    );
                format!("- {} {title}", code(&format!("^{}", s.text)))
            })
            .collect();
        let _ = write!(out, "Sources:\n\n{}", sources.join("\n"));
    }
    out
}

/// The card for entity `id`, or how to define it when it has no definition.
pub(crate) fn entity_card(ws: &Workspace, id: &str) -> String {
    let definitions: Vec<(FileId, &Definition)> = ws.entity(id).collect();
    let mentions = ws.index().mentions.get(id).map_or(0, Vec::len);
    let mention_count = plural(mentions, "mention", "mentions");
    let Some(&(_, def)) = definitions.first() else {
        if ws.loading {
            return format!(
                "**{}**\n\nThe workspace is still being read: the file that defines this \
                 entity may not have been read yet.",
                code(&format!("@{id}"))
            );
        }
        return format!(
            "**{}** is not defined\n\nNo file in the workspace defines this entity. Define it once, \
             for example in `entities.news`:\n\n```\n[@{id}]: Full Name\n  kind: person\n```\n\n\
             {mention_count} in the workspace",
            code(&format!("@{id}"))
        );
    };
    let mut out = format!("**{}**\n\n", heading(&def.name.text, &format!("@{id}")));
    let mut summary = vec![code(&format!("@{id}"))];
    summary.extend(value(def, "kind").map(escape));
    summary.extend(value(def, "role").map(escape));
    let _ = write!(out, "{}\n\n", summary.join(" · "));
    if let Some(description) = value(def, "description") {
        let _ = write!(out, "{}\n\n", escape(description));
    }
    let mut items: Vec<String> = Vec::new();
    let aliases: Vec<String> = def.aliases().iter().map(|a| escape(&a.text)).collect();
    if !aliases.is_empty() {
        items.push(format!("- Aliases: {}", aliases.join(", ")));
    }
    if let Some(qid) = value(def, "wikidata") {
        items.push(format!("- Wikidata: {}", wikidata_link(qid)));
    }
    if let Some(url) = value(def, "url") {
        items.push(format!("- URL: {}", link(url)));
    }
    items.extend(other_fields(def, ENTITY_FIELDS));
    if !items.is_empty() {
        let _ = write!(out, "{}\n\n", items.join("\n"));
    }
    let places: Vec<String> = definitions
        .iter()
        .map(|&(file, def)| place_link(ws, file, def.label))
        .collect();
    let defined = match places.as_slice() {
        [one] => format!("Defined in {one}"),
        many => format!("Defined {} times: {}", many.len(), many.join(", ")),
    };
    let _ = write!(out, "{defined} · {mention_count} in the workspace");
    out
}

/// The card for source `id` of `file`; `citing` is how many of the file's sentences cite it
/// (see [`citing_sentences`]).
pub(crate) fn source_card(ws: &Workspace, file: FileId, id: &str, citing: usize) -> String {
    let doc = ws.document(file);
    let label = code(&format!("[^{id}]"));
    let cited = match citing {
        0 => "Not cited in this file".to_string(),
        n => format!("Cited in {}", plural(n, "sentence", "sentences")),
    };
    let definitions: Vec<&Definition> = doc
        .syntax
        .definitions
        .iter()
        .filter(|d| d.kind == DefinitionKind::Source && d.id.text == id)
        .collect();
    let Some(def) = definitions.first() else {
        let mut example = format!("[^{id}]: Title of the source");
        for field in &ws.config.required_source_fields {
            let placeholder = match field.as_str() {
                "url" => "https://…",
                "date" | "accessed" => "YYYY-MM-DD",
                "by" => "@entity",
                _ => "…",
            };
            let _ = write!(example, "\n  {field}: {placeholder}");
        }
        return format!(
            "**{label}** is not defined in this file\n\nSources belong to the file that cites \
             them. Add a definition to this file:\n\n```\n{example}\n```\n\n{cited}"
        );
    };
    let mut out = format!("**{}**\n\n", heading(&def.name.text, &format!("[^{id}]")));
    let mut summary = vec![label];
    summary.extend(value(def, "kind").map(escape));
    let _ = write!(out, "{}\n\n", summary.join(" · "));
    let mut items: Vec<String> = Vec::new();
    if let Some(by) = value(def, "by") {
        items.push(format!("- By: {}", by_entity(ws, by)));
    }
    if let Some(date) = value(def, "date") {
        items.push(format!("- Date: {}", escape(date)));
    }
    if let Some(url) = value(def, "url") {
        items.push(format!("- URL: {}", link(url)));
    }
    if let Some(date) = value(def, "accessed") {
        items.push(format!("- Accessed: {}", escape(date)));
    }
    if let Some(url) = value(def, "archive") {
        items.push(format!("- Archive: {}", link(url)));
    }
    items.extend(other_fields(def, SOURCE_FIELDS));
    if !items.is_empty() {
        let _ = write!(out, "{}\n\n", items.join("\n"));
    }
    let lines: Vec<String> = definitions
        .iter()
        .map(|d| (doc.line_index.line_of(d.label.start) + 1).to_string())
        .collect();
    let defined = match lines.as_slice() {
        [one] => format!("defined at line {one}"),
        many => format!(
            "defined {} times in this file, at lines {}",
            many.len(),
            many.join(", ")
        ),
    };
    let _ = write!(out, "{cited} · {defined}");
    out
}

/// For each source id, how many sentences of the file cite it: with `[^id]` standing in the
/// sentence, or with a claim span carrying `^id` that reaches into it. A sentence citing a
/// source twice counts once.
pub(crate) fn citing_sentences(doc: &Document) -> HashMap<&str, usize> {
    let syntax = &doc.syntax;
    let mask = doc.prose_mask();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    if syntax.citations.is_empty() {
        return counts;
    }
    // Where each citation reaches: a `[^id]` only its own sentence, a span attribute its span.
    let mut reaches: Vec<(&str, TextRange)> = syntax
        .citations
        .iter()
        .map(|c| {
            let reach = match c.claim {
                Some(claim) => syntax.claims[claim as usize].range,
                None => TextRange::new(c.range.start, c.range.start + 1),
            };
            (c.id.as_str(), reach)
        })
        .collect();
    reaches.sort_by_key(|&(_, r)| r.start);
    let mut ids: Vec<&str> = Vec::new();
    for block in &syntax.blocks {
        let first = reaches.partition_point(|&(_, r)| r.start < block.range.start);
        let last = reaches.partition_point(|&(_, r)| r.start < block.range.end);
        let in_block = &reaches[first..last];
        if in_block.is_empty() {
            continue;
        }
        let quotes = prose::quotations(mask, block.range);
        for sentence in sentences::split(mask, block.range, &quotes) {
            ids.clear();
            for &(id, reach) in in_block {
                if reach.intersects(sentence) && !ids.contains(&id) {
                    ids.push(id);
                }
            }
            for &id in &ids {
                *counts.entry(id).or_default() += 1;
            }
        }
    }
    counts
}

fn number_card(ws: &Workspace, file: FileId, number: &NumberAttribution, what: &str) -> String {
    let doc = ws.document(file);
    let quoted = &doc.text[number.range.start..number.range.end];
    // A quotation is cut to a line.
    let shown = match what {
        "Quotation" => code(&shorten(quoted, 60)),
        _ => code(quoted),
    };
    // `shown` renders an id as its markup: `[^id]` for a citation, `^id` for a span attribute.
    let titles = |ids: &[String], shown: fn(&str) -> String| -> String {
        ids.iter()
            .map(|id| {
                let title = doc
                    .syntax
                    .definitions
                    .iter()
                    .find(|d| d.kind == DefinitionKind::Source && &d.id.text == id)
                    .map_or_else(
                        || "*not defined in this file*".to_string(),
                        |d| escape(&d.name.text),
                    );
                format!("- {} {title}", code(&shown(id)))
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let add_citation = "Cite a source with `[^id]` after the sentence.";
    let (status, detail) = match &number.verdict {
        Verdict::Heading => (
            "not checked".to_string(),
            "Numbers in headings are never checked: a headline summarises the text below it."
                .to_string(),
        ),
        Verdict::Cited(ids) => (
            "cited".to_string(),
            format!(
                "Its sentence is cited by:\n\n{}",
                titles(ids, |id| format!("[^{id}]"))
            ),
        ),
        Verdict::SourcedSpan(ids) => (
            "sourced".to_string(),
            format!(
                "Sourced by its claim span:\n\n{}",
                titles(ids, |id| format!("^{id}"))
            ),
        ),
        Verdict::Exempt(class) => {
            let (name, setting) = class_name(*class);
            (
                format!("exempt ({name})"),
                format!(
                    "Not checked: this workspace exempts {name}s (`{setting}` in the `[numbers]` \
                     table of `newsmark.toml`)."
                ),
            )
        }
        Verdict::Cue(cue) => (
            format!(
                "attributed in prose (“{}”) but no source cited",
                escape(&doc.text[cue.start..cue.end])
            ),
            add_citation.to_string(),
        ),
        Verdict::Speaker(ids) => {
            let speakers: Vec<String> = ids.iter().map(|id| code(&format!("@{id}"))).collect();
            (
                format!(
                    "attributed to {} by its claim span but no source cited",
                    speakers.join(", ")
                ),
                add_citation.to_string(),
            )
        }
        Verdict::NotAttributed => (
            "not attributed".to_string(),
            "Its sentence cites no source and names no one who gave it. Cite a source with \
             `[^id]` after the sentence, or say who reported it."
                .to_string(),
        ),
    };
    let mut out = format!("**{what}** {shown} · {status}\n\n{detail}");
    if number.quotation.is_some() {
        out.push_str("\n\nIt stands in a quotation of three or more words: the rules check the quotation as a whole.");
    }
    out
}

/// How a class is named in a hover, and its `[numbers]` setting.
fn class_name(class: NumberClass) -> (&'static str, &'static str) {
    match class {
        NumberClass::Year => ("year", "exempt-years"),
        NumberClass::Date => ("date", "exempt-dates"),
        NumberClass::Time => ("time", "exempt-times"),
        NumberClass::Ordinal => ("ordinal", "exempt-ordinals"),
        NumberClass::Age => ("age", "exempt-ages"),
        NumberClass::Words => ("number in words", "exempt-words"),
        // Plain numbers are never exempt; this arm only keeps the match total.
        NumberClass::Plain => ("number", "exempt"),
    }
}

/// A card's bold first line: the name, or the markup when the definition has no name (a
/// syntax error, but `****` would not even render as bold).
fn heading(name: &str, markup: &str) -> String {
    if name.is_empty() {
        code(markup)
    } else {
        escape(name)
    }
}

/// A field's value, when the field is there and not empty.
fn value<'a>(def: &'a Definition, key: &str) -> Option<&'a str> {
    def.field_value(key).filter(|v| !v.is_empty())
}

/// List items for the fields newsmark does not know, each once (the first copy counts, as it
/// does everywhere else).
fn other_fields(def: &Definition, known: &[&str]) -> Vec<String> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for field in &def.fields {
        let key = field.key.text.as_str();
        if known.contains(&key) || seen.contains(&key) {
            continue;
        }
        seen.push(key);
        if !field.value.text.is_empty() {
            out.push(format!("- {}: {}", escape(key), escape(&field.value.text)));
        }
    }
    out
}

/// `by: @id` shown with the entity's canonical name.
fn by_entity(ws: &Workspace, by: &str) -> String {
    let Some(id) = by
        .strip_prefix('@')
        .filter(|id| crate::syntax::is_valid_id(id))
    else {
        return escape(by);
    };
    match ws.entity(id).next() {
        Some((_, def)) => format!("{} ({})", escape(&def.name.text), code(by)),
        None => format!("{} (not defined)", code(by)),
    }
}

fn wikidata_link(qid: &str) -> String {
    let is_item =
        qid.len() > 1 && qid.starts_with('Q') && qid[1..].bytes().all(|b| b.is_ascii_digit());
    if is_item {
        format!("[{qid}](https://www.wikidata.org/wiki/{qid})")
    } else {
        escape(qid)
    }
}

/// A web address as an autolink; anything else as text.
fn link(url: &str) -> String {
    let is_web = url.starts_with("https://") || url.starts_with("http://");
    if is_web && !url.contains(|c: char| c.is_whitespace() || c == '<' || c == '>') {
        format!("<{url}>")
    } else {
        escape(url)
    }
}

/// `path:line` of a range, the path relative to the workspace root when it is under it.
fn place(ws: &Workspace, file: FileId, range: TextRange) -> String {
    let doc = ws.document(file);
    let path = doc.path.strip_prefix(&ws.root).unwrap_or(&doc.path);
    let line = doc.line_index.line_of(range.start) + 1;
    format!("{}:{line}", display_path(path))
}

/// [`place`] as a code span, linked to the file and line (`file:///…#L50`, which VS Code
/// opens at the line) when the document has an absolute path.
fn place_link(ws: &Workspace, file: FileId, range: TextRange) -> String {
    let shown = code(&place(ws, file, range));
    let doc = ws.document(file);
    if !doc.path.is_absolute() {
        return shown;
    }
    let line = doc.line_index.line_of(range.start) + 1;
    format!("[{shown}]({}#L{line})", file_url(&doc.path))
}

/// A `file://` URL for an absolute path: bytes outside the unreserved set and `/`
/// percent-encoded, so that spaces and parentheses do not end the Markdown link.
pub(crate) fn file_url(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `text` on one line, cut to at most `limit` characters with `…`, at a word boundary when one
/// falls in the last third.
pub(crate) fn shorten(text: &str, limit: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= limit {
        return flat;
    }
    let cut: String = flat.chars().take(limit - 1).collect();
    let at_word = cut
        .rfind(' ')
        .filter(|&i| cut[..i].chars().count() >= limit * 2 / 3)
        .unwrap_or(cut.len());
    format!(
        "{}…",
        cut[..at_word].trim_end_matches([' ', ',', ';', ':', '-', '–', '—'])
    )
}

fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    match n {
        0 => format!("no {many}"),
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

/// `text` as a code span, with a fence longer than any backtick run inside it.
fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    if longest == 0 {
        return format!("`{text}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {text} {fence}")
}

/// Text from a file made safe to put in Markdown: inline markup characters are escaped, and
/// so is anything at the start that would open a block (a list, a heading, a quote).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    for (i, c) in text.char_indices() {
        let inline = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&'
        );
        let opens_block = i == 0 && matches!(c, '-' | '+' | '=')
            || (digits > 0 && i == digits && matches!(c, '.' | ')'));
        if inline || opens_block {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_text_literal() {
        assert_eq!(escape("a*b*_c_ <x> [y]"), r"a\*b\*\_c\_ \<x\> \[y\]");
        assert_eq!(escape("- item"), r"\- item");
        assert_eq!(escape("1945. Year"), r"1945\. Year");
        assert_eq!(escape("2021-2025 (U.S.)"), "2021-2025 (U.S.)");
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("@id"), "`@id`");
        assert_eq!(code("a`b"), "`` a`b ``");
    }

    #[test]
    fn only_wikidata_items_become_links() {
        assert_eq!(
            wikidata_link("Q8684"),
            "[Q8684](https://www.wikidata.org/wiki/Q8684)"
        );
        assert_eq!(wikidata_link("Seoul"), "Seoul");
        assert_eq!(wikidata_link("Q"), "Q");
    }
}
