//! Selection ranges ("expand selection"): from the word at the cursor outwards, through the
//! markup and prose that hold it, to the whole document.
//!
//! The steps, each taken only where there is one and only when it is larger than the last:
//!
//! 1. the word: a run of letters and digits;
//! 2. the markup around it: a mention's `@id`, then for a link the whole `[text](@id)`; a
//!    citation `[^id]`; a number; a claim-span attribute (`^id`, `@id`, `status=…`) and the
//!    attribute list; a front-matter key or value and its line; a definition's label, name,
//!    field name or value and the field's line;
//! 3. a quotation;
//! 4. the claim span's text, then the whole span `[text]{attrs}`;
//! 5. the sentence (without the spaces after it);
//! 6. the block: a paragraph, list item, table row, heading, definition or the front matter;
//! 7. each section holding it, innermost first (see [`folding`](super::folding));
//! 8. the whole document.
//!
//! A candidate that does not contain the previous range (a claim span running over two
//! sentences, say) is skipped, so each range strictly contains the one before it.

use super::folding;
use crate::prose::{self, numbers, sentences};
use crate::syntax::{BlockKind, MentionKind, TextRange, attribute_tokens};
use crate::workspace::{FileId, Workspace};

/// For each offset, its ranges from the innermost to the whole document; never empty.
pub fn selection_ranges(ws: &Workspace, file: FileId, offsets: &[usize]) -> Vec<Vec<TextRange>> {
    offsets.iter().map(|&o| ranges_at(ws, file, o)).collect()
}

fn ranges_at(ws: &Workspace, file: FileId, offset: usize) -> Vec<TextRange> {
    let doc = ws.document(file);
    let text = doc.text.as_str();
    let syntax = &doc.syntax;
    let mask = doc.prose_mask();
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    // The end of a range counts, as everywhere: editors put the cursor after the last letter.
    let touches = |r: TextRange| r.start <= offset && offset <= r.end;
    let mut steps: Vec<TextRange> = Vec::new();

    steps.extend(word_at(text, offset));

    // Markup.
    for m in syntax.mentions.iter().filter(|m| touches(m.range)) {
        steps.push(m.target);
        if m.kind == MentionKind::Link {
            steps.push(m.range);
        }
    }
    steps.extend(
        syntax
            .citations
            .iter()
            .filter(|c| touches(c.range))
            .map(|c| c.range),
    );
    steps.extend(
        syntax
            .suppressions
            .iter()
            .filter(|s| touches(s.range))
            .flat_map(|s| {
                s.rules
                    .iter()
                    .map(|r| r.range)
                    .filter(|&r| touches(r))
                    .chain([s.range])
            }),
    );
    if let Some(fm) = syntax.front_matter.as_ref().filter(|fm| touches(fm.range)) {
        for entry in fm.entries.iter() {
            let line = TextRange::new(entry.key.range.start, entry.value.range.end);
            if touches(line) {
                steps.extend([entry.key.range, entry.value.range, line]);
            }
        }
        steps.push(fm.range);
    }
    for def in syntax.definitions.iter().filter(|d| touches(d.range)) {
        steps.extend([def.label, def.name.range]);
        for field in def.fields.iter() {
            let line = TextRange::new(field.key.range.start, field.value.range.end);
            if touches(line) {
                steps.extend([field.key.range, field.value.range, line]);
            }
        }
        steps.push(def.range);
    }

    // Prose.
    for claim in syntax.claims.iter().filter(|c| touches(c.range)) {
        if touches(claim.attrs) {
            steps.extend(
                attribute_tokens(text, claim.attrs)
                    .into_iter()
                    .filter(|&t| touches(t)),
            );
            steps.push(claim.attrs);
        }
        steps.extend([claim.text, claim.range]);
    }
    if let Some(block) = syntax.blocks.iter().find(|b| touches(b.range)) {
        let range = block.range;
        steps.extend(
            numbers::find(mask, range)
                .into_iter()
                .map(|n| n.range)
                .filter(|&r| touches(r)),
        );
        let quotes = prose::quotations(mask, range);
        steps.extend(quotes.iter().map(|q| q.range).filter(|&r| touches(r)));
        if !matches!(block.kind, BlockKind::Heading(_)) {
            let sentence = sentences::split(mask, range, &quotes)
                .into_iter()
                .map(|s| trim_sentence(text, mask, s))
                .find(|&s| touches(s));
            steps.extend(sentence);
        }
        steps.push(range);
        if let BlockKind::Heading(_) = block.kind {
            let line = doc.line_index.line_of(range.start);
            steps.push(doc.line_index.line_range(text, line));
        }
    }

    let mut sections: Vec<TextRange> = folding::sections(doc)
        .into_iter()
        .map(|s| s.range)
        .filter(|&r| touches(r))
        .collect();
    sections.reverse();
    steps.extend(sections);

    // Smallest first; keep each range that holds the one kept before it. An empty range (the
    // name of `[@id]:`) selects nothing, so it is no step; the document always is one.
    steps.retain(|r| touches(*r) && !r.is_empty());
    steps.push(TextRange::new(0, text.len()));
    steps.sort_by_key(|r| (r.len(), r.start));
    let mut out: Vec<TextRange> = Vec::with_capacity(steps.len());
    for range in steps {
        match out.last() {
            Some(&last) if !(range.contains_range(last) && range != last) => {}
            _ => out.push(range),
        }
    }
    out
}

/// The run of letters and digits that holds or touches `offset`.
fn word_at(text: &str, offset: usize) -> Option<TextRange> {
    let is_word = |c: char| c.is_alphanumeric();
    let after = text[offset..].chars().next().filter(|&c| is_word(c));
    let before = text[..offset].chars().next_back().filter(|&c| is_word(c));
    if after.is_none() && before.is_none() {
        return None;
    }
    let start = offset
        - text[..offset]
            .chars()
            .rev()
            .take_while(|&c| is_word(c))
            .map(char::len_utf8)
            .sum::<usize>();
    let end = offset
        + text[offset..]
            .chars()
            .take_while(|&c| is_word(c))
            .map(char::len_utf8)
            .sum::<usize>();
    Some(TextRange::new(start, end))
}

/// A sentence without the spaces after it, and without the list marker or quote markers
/// before it (markup the parser hid in the mask). Citations and claim spans stay in.
fn trim_sentence(text: &str, mask: &str, sentence: TextRange) -> TextRange {
    let bytes = text.as_bytes();
    let hidden = mask.as_bytes();
    let mut start = sentence.start;
    while start < sentence.end
        && (bytes[start].is_ascii_whitespace()
            || (hidden[start] == b' '
                && matches!(
                    bytes[start],
                    b'>' | b'-' | b'*' | b'+' | b'.' | b')' | b'0'..=b'9'
                )))
    {
        start += 1;
    }
    let end = start + text[start..sentence.end].trim_end().len();
    TextRange::new(start, end.max(start))
}
