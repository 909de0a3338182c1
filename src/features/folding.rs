//! Folding ranges: the front matter, each definition with its fields, each section under a
//! heading, and HTML comments that run over several lines.
//!
//! A section runs from its heading's line to the last non-blank line before the next heading
//! of the same or a higher level (fewer `#`), or before the end of the file; sections nest.
//! Comments are found where the parser found them: in prose, a heading or a line of their own,
//! not in code, front matter or definitions. Only ranges that cover two lines or more are
//! returned: there is nothing to fold on one line.

use crate::syntax::{BlockKind, TextRange};
use crate::workspace::{Document, FileId, Workspace};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FoldKind {
    /// Front matter, a definition or a section.
    Region,
    /// A multi-line HTML comment (suppression comments included).
    Comment,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fold {
    /// What folds, from the start of its first line to the end of its last one's content.
    pub range: TextRange,
    /// Zero-based, as the protocol counts lines; the line breaks are those of
    /// [`LineIndex`](crate::syntax::LineIndex) (`\n`, `\r\n` and `\r`).
    pub start_line: u32,
    /// The last line of the fold, which is folded away too.
    pub end_line: u32,
    pub kind: FoldKind,
}

/// Every fold of `file`, sorted by start line (an outer fold before the ones it holds).
pub fn folds(ws: &Workspace, file: FileId) -> Vec<Fold> {
    let doc = ws.document(file);
    let syntax = &doc.syntax;
    let mut ranges: Vec<(TextRange, FoldKind)> = Vec::new();
    if let Some(fm) = &syntax.front_matter {
        ranges.push((fm.range, FoldKind::Region));
    }
    ranges.extend(
        syntax
            .definitions
            .iter()
            .map(|d| (d.range, FoldKind::Region)),
    );
    ranges.extend(
        sections(doc)
            .into_iter()
            .map(|s| (s.range, FoldKind::Region)),
    );
    ranges.extend(comments(doc).into_iter().map(|c| (c, FoldKind::Comment)));

    let index = &doc.line_index;
    let mut out: Vec<Fold> = ranges
        .into_iter()
        .filter(|(range, _)| !range.is_empty())
        .map(|(range, kind)| Fold {
            range,
            start_line: index.line_of(range.start) as u32,
            end_line: index.line_of(range.end - 1) as u32,
            kind,
        })
        .filter(|f| f.end_line > f.start_line)
        .collect();
    out.sort_by_key(|f| (f.start_line, std::cmp::Reverse(f.end_line)));
    out
}

/// A heading and what it heads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Section {
    pub level: u8,
    /// From the start of the heading's line to the end of the section's last non-blank line.
    pub range: TextRange,
}

/// The sections of a document in text order (a section before the ones nested in it).
pub(crate) fn sections(doc: &Document) -> Vec<Section> {
    let text = doc.text.as_str();
    let mut out: Vec<Section> = Vec::new();
    // Indices into `out` of the sections still open, innermost last.
    let mut open: Vec<usize> = Vec::new();
    let finish = |section: &mut Section, end: usize| {
        let start = section.range.start;
        let trimmed = start + text[start..end].trim_end().len();
        section.range.end = trimmed.max(section.range.end);
    };
    for block in &doc.syntax.blocks {
        let BlockKind::Heading(level) = block.kind else {
            continue;
        };
        let line = doc
            .line_index
            .line_range(text, doc.line_index.line_of(block.range.start));
        while let Some(&i) = open.last()
            && out[i].level >= level
        {
            open.pop();
            finish(&mut out[i], line.start);
        }
        open.push(out.len());
        out.push(Section { level, range: line });
    }
    for i in open {
        finish(&mut out[i], text.len());
    }
    out
}

/// HTML comments in the document's prose, `<!--` to `-->` (or to the end of the file when
/// the comment is never closed, as the parser reads it).
pub(crate) fn comments(doc: &Document) -> Vec<TextRange> {
    let text = doc.text.as_str();
    let mask = doc.prose_mask().as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    for block in &doc.syntax.blocks {
        let mut i = block.range.start.max(from);
        while i < block.range.end {
            let Some(found) = memchr::memmem::find(&text.as_bytes()[i..block.range.end], b"<!--")
            else {
                break;
            };
            let at = i + found;
            // A comment is hidden in the mask; `<!--` in code or a URL is not a comment.
            if mask[at] != b' ' {
                i = at + 1;
                continue;
            }
            let end = memchr::memmem::find(&text.as_bytes()[at + 4..], b"-->")
                .map_or(text.len(), |k| at + 4 + k + 3);
            out.push(TextRange::new(at, end));
            i = end;
            from = end;
        }
    }
    out
}
