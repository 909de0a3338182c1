//! The edit builder behind every fix and refactor: protocol-neutral actions made of byte-range
//! edits per file, and what fixes of several rules need (the registry file, line endings,
//! where a block goes at the end of a file, removing a definition's lines).
//!
//! Every action is complete in itself: text edits per file, and files to create. None relies
//! on a command the client would have to run, so every editor gets the same actions. Inserted
//! text uses the line ending of the file it goes into.
//!
//! Skeletons leave the values a person must supply empty (`kind: `, `url: `, `date: `). Until
//! they are filled in, the rules point at them: an empty `kind` or `date` is a `syntax` error
//! and an empty required field still counts as missing for `incomplete-source`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rustc_hash::FxHashMap;

use crate::rules::Diagnostic;
use crate::rules::shared::near::entity_for;
use crate::syntax::{Definition, DefinitionKind, MentionKind, TextRange};
use crate::workspace::{Document, FileId, Workspace};

/// Where new entity definitions go when the workspace has no registry yet: this file name, at
/// the workspace root.
pub const REGISTRY_FILE_NAME: &str = "entities.news";

/// Replace `range` of a file's text by `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub new_text: String,
}

/// The edits for one file, sorted by offset and never overlapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdit {
    pub file: FileId,
    pub edits: Vec<TextEdit>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// Fixes (or suppresses) one diagnostic.
    QuickFix,
    /// Restructures without fixing a diagnostic.
    Refactor,
    /// Works on the whole file, like a fix-all.
    SourceAction,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub kind: ActionKind,
    /// Text edits per file; files in path order, each file's edits sorted and non-overlapping.
    pub edits: Vec<FileEdit>,
    /// Files to create, with their whole text (they do not exist in the workspace).
    pub create_files: Vec<(PathBuf, String)>,
    /// The diagnostic a quick fix is for.
    pub fixes: Option<Diagnostic>,
    /// The fix to apply when the user asks for "the" fix; at most one per diagnostic.
    pub preferred: bool,
}

/// The registry: where entity definitions of the workspace are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Registry {
    Existing(FileId),
    /// No registry yet: create this file.
    New(PathBuf),
}

/// A file named `entities.news` (the one nearest the root); or else the file holding the most
/// entity definitions among those with no source definition (registries hold entities,
/// articles hold their sources), the first by path on a tie; or else a new `entities.news` at
/// the root.
pub fn registry(ws: &Workspace) -> Registry {
    let named = ws
        .documents()
        .filter(|(_, d)| d.path.file_name().is_some_and(|n| n == REGISTRY_FILE_NAME))
        .min_by(|(_, a), (_, b)| {
            (a.path.components().count(), &a.path).cmp(&(b.path.components().count(), &b.path))
        });
    if let Some((id, _)) = named {
        return Registry::Existing(id);
    }
    let mut counts: FxHashMap<FileId, usize> = FxHashMap::default();
    for refs in ws.index().definitions.values() {
        for r in refs {
            *counts.entry(r.file).or_default() += 1;
        }
    }
    let holds_sources = |file: FileId| {
        ws.document(file)
            .syntax
            .definitions
            .iter()
            .any(|d| d.kind == DefinitionKind::Source)
    };
    counts.retain(|&file, _| !holds_sources(file));
    let most = counts.into_iter().max_by(|(a, n), (b, m)| {
        n.cmp(m)
            .then_with(|| ws.document(*b).path.cmp(&ws.document(*a).path))
    });
    match most {
        Some((id, _)) => Registry::Existing(id),
        None => Registry::New(ws.root.join(REGISTRY_FILE_NAME)),
    }
}

/// The line ending a file uses (its first one), `\n` when it has none.
pub fn line_ending(text: &str) -> &'static str {
    match memchr::memchr2(b'\n', b'\r', text.as_bytes()) {
        Some(at) if text.as_bytes()[at] == b'\n' => "\n",
        Some(at) if text.as_bytes().get(at + 1) == Some(&b'\n') => "\r\n",
        Some(_) => "\r",
        None => "\n",
    }
}

/// `text` with every line break turned into `eol`.
pub fn with_line_endings(text: &str, eol: &str) -> String {
    let unix = text.replace("\r\n", "\n").replace('\r', "\n");
    if eol == "\n" {
        unix
    } else {
        unix.replace('\n', eol)
    }
}

/// Edits being collected for one action, by file.
#[derive(Default)]
pub struct Edits(BTreeMap<FileId, Vec<TextEdit>>);

impl Edits {
    pub fn replace(mut self, file: FileId, range: TextRange, new_text: String) -> Edits {
        self.0
            .entry(file)
            .or_default()
            .push(TextEdit { range, new_text });
        self
    }

    pub fn insert(self, file: FileId, at: usize, new_text: String) -> Edits {
        self.replace(file, TextRange::new(at, at), new_text)
    }

    /// Sorted per file, with insertions at one offset merged in the order they were made, so
    /// no two edits of a file share a position; files in path order.
    pub fn finish(self, ws: &Workspace) -> Vec<FileEdit> {
        let mut out: Vec<FileEdit> = self
            .0
            .into_iter()
            .map(|(file, mut edits)| {
                edits.sort_by_key(|e| (e.range.start, e.range.end));
                let mut merged: Vec<TextEdit> = Vec::with_capacity(edits.len());
                for edit in edits {
                    match merged.last_mut() {
                        Some(last) if last.range.is_empty() && last.range == edit.range => {
                            last.new_text.push_str(&edit.new_text);
                        }
                        _ => merged.push(edit),
                    }
                }
                debug_assert!(
                    merged
                        .windows(2)
                        .all(|w| w[0].range.end <= w[1].range.start)
                );
                FileEdit {
                    file,
                    edits: merged,
                }
            })
            .collect();
        out.sort_by(|a, b| ws.document(a.file).path.cmp(&ws.document(b.file).path));
        out
    }
}

pub fn action(title: String, edits: Vec<FileEdit>) -> Action {
    Action {
        title,
        kind: ActionKind::QuickFix,
        edits,
        create_files: Vec::new(),
        fixes: None,
        preferred: false,
    }
}

/// Where `block` (whole lines, each ending in a line break) goes at the end of `text`, and the
/// text to insert there: the block after exactly one blank line (none at the top of an empty
/// file), adding only the line breaks that are missing.
pub fn append_block(text: &str, eol: &str, block: &str) -> (usize, String) {
    let content_end = text.trim_end().len();
    let tail = &text[content_end..];
    let bytes = tail.as_bytes();
    let breaks = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count();
    let wanted: usize = if content_end == 0 { 0 } else { 2 };
    let ends_in_break = tail.is_empty() || tail.ends_with(['\n', '\r']);
    let mut missing = wanted.saturating_sub(breaks);
    if !ends_in_break {
        missing = missing.max(1);
    }
    (text.len(), format!("{}{block}", eol.repeat(missing)))
}

/// Whether inserting `insert` at `at` of `doc` adds a definition of `id`. Text appended to a
/// file that ends inside a fenced block or a comment it never closes is swallowed by it; such
/// an insertion is not offered.
pub fn adds_definition(
    doc: &Document,
    at: usize,
    insert: &str,
    kind: DefinitionKind,
    id: &str,
) -> bool {
    let mut text = String::with_capacity(doc.text.len() + insert.len());
    text.push_str(&doc.text[..at]);
    text.push_str(insert);
    text.push_str(&doc.text[at..]);
    let count = |defs: &[Definition]| {
        defs.iter()
            .filter(|d| d.kind == kind && d.id.text == id)
            .count()
    };
    count(&crate::syntax::parse(&text).definitions) > count(&doc.syntax.definitions)
}

pub fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b == b' ' || b == b'\t')
}

/// Where the text of the list item starting `line` begins: indentation, marker and the
/// spaces after it, in bytes (a tab counts as one).
pub fn list_content_column(line: &str) -> usize {
    let rest = line.trim_start_matches([' ', '\t']);
    let marker = match rest.as_bytes().first() {
        Some(b'-' | b'*' | b'+') => 1,
        _ => rest.bytes().take_while(u8::is_ascii_digit).count() + 1,
    };
    let after = &rest[marker.min(rest.len())..];
    let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
    line.len() - rest.len() + marker + spaces
}

/// Collapses runs of whitespace: a name guessed from text that may wrap.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Edit distance with transpositions (optimal string alignment), over bytes: ids are ASCII.
/// One document of a workspace, as a fix sees it.
pub struct FixContext<'a> {
    pub ws: &'a Workspace,
    pub file: FileId,
    pub doc: &'a Document,
    /// The line ending the document uses.
    pub eol: &'static str,
}

impl<'a> FixContext<'a> {
    pub fn new(ws: &'a Workspace, file: FileId) -> FixContext<'a> {
        let doc = ws.document(file);
        FixContext {
            ws,
            file,
            doc,
            eol: line_ending(&doc.text),
        }
    }

    pub fn text(&self) -> &'a str {
        &self.doc.text
    }

    /// A file's path as titles show it: relative to the workspace root when it is under it.
    pub fn shown_path(&self, path: &std::path::Path) -> String {
        path.strip_prefix(&self.ws.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    pub fn line_start(&self, offset: usize) -> usize {
        let line = self.doc.line_index.line_of(offset);
        self.doc.line_index.line_range(self.text(), line).start
    }

    /// Start of the line after the one holding `offset`, or the end of the text.
    pub fn next_line_start(&self, offset: usize) -> usize {
        let index = &self.doc.line_index;
        let line = index.line_of(offset);
        if line + 1 < index.line_count() {
            index.line_range(self.text(), line + 1).start
        } else {
            self.text().len()
        }
    }

    pub fn line_text(&self, line: usize) -> &'a str {
        let range = self.doc.line_index.line_range(self.text(), line);
        &self.text()[range.start..range.end]
    }

    pub fn definition_with_label(&self, label: TextRange) -> Option<&'a Definition> {
        self.doc
            .syntax
            .definitions
            .iter()
            .find(|d| d.label == label)
    }

    /// The valid source ids defined in this file, in definition order, without repeats.
    pub fn source_ids(&self) -> Vec<&'a str> {
        let mut ids: Vec<&str> = Vec::new();
        for def in &self.doc.syntax.definitions {
            if def.kind == DefinitionKind::Source
                && def.has_valid_id()
                && !ids.contains(&def.id.text.as_str())
            {
                ids.push(&def.id.text);
            }
        }
        ids
    }

    /// The `[^id]: id` definition with the required fields (by default `url:` and `date:`)
    /// left empty.
    pub fn source_skeleton(&self, id: &str) -> String {
        let mut out = format!("[^{id}]: {id}{}", self.eol);
        for field in &self.ws.config.required_source_fields {
            out.push_str(&format!("  {field}: {}", self.eol));
        }
        out
    }

    pub fn removal(&self, def: &Definition) -> TextEdit {
        let index = &self.doc.line_index;
        let first = index.line_of(def.range.start);
        let start = self.line_start(def.range.start);
        let next = self.next_line_start(def.range.end);
        // A line after the last line break that holds nothing is no line.
        let next_exists = next < self.text().len();
        let prev_blank = first == 0 || is_blank(self.line_text(first - 1));
        let next_blank = next_exists && is_blank(self.line_text(index.line_of(next)));
        let (range, new_text) = if prev_blank && next_blank {
            (TextRange::new(start, self.next_line_start(next)), "")
        } else if prev_blank && !next_exists && first > 0 {
            let prev = index.line_range(self.text(), first - 1).start;
            (TextRange::new(prev, next), "")
        } else if !prev_blank && next_exists && !next_blank {
            (TextRange::new(start, next), self.eol)
        } else {
            (TextRange::new(start, next), "")
        };
        TextEdit {
            range,
            new_text: new_text.to_string(),
        }
    }
}

/// For the unknown id of mention `i`: the near-miss id the workspace defines (preferred),
/// then a definition skeleton in the registry, or in this file. near-miss-name offers the
/// same for the near misses it reports.
pub fn unknown_id_fixes(fx: &FixContext, i: usize) -> Vec<Action> {
    let Some(mention) = fx.doc.syntax.mentions.get(i) else {
        return Vec::new();
    };
    let id = mention.id.as_str();
    let mut out = Vec::new();

    if let Some((other, _)) = entity_for(fx.ws, id, true) {
        let id_range = TextRange::new(mention.target.end - id.len(), mention.target.end);
        let edits = Edits::default()
            .replace(fx.file, id_range, other.to_string())
            .finish(fx.ws);
        let mut fix = action(format!("Change to @{other}"), edits);
        fix.preferred = true;
        out.push(fix);
    }

    let name = match mention.kind {
        MentionKind::Link => {
            let head = &fx.text()[mention.range.start..mention.target.start];
            let display = head
                .rfind("](")
                .map(|close| one_line(&head[1..close]))
                .unwrap_or_default();
            if display.is_empty() {
                id.to_string()
            } else {
                display
            }
        }
        _ => id.to_string(),
    };
    let skeleton = |eol: &str| format!("[@{id}]: {name}{eol}  kind: {eol}");

    match registry(fx.ws) {
        Registry::Existing(registry) if registry == fx.file => {}
        Registry::Existing(registry) => {
            let doc = fx.ws.document(registry);
            let eol = line_ending(&doc.text);
            let (at, text) = append_block(&doc.text, eol, &skeleton(eol));
            if adds_definition(doc, at, &text, DefinitionKind::Entity, id) {
                let edits = Edits::default().insert(registry, at, text).finish(fx.ws);
                let title = format!("Define @{id} in {}", fx.shown_path(&doc.path));
                out.push(action(title, edits));
            }
        }
        Registry::New(path) => {
            let mut fix = action(
                format!("Define @{id} in {}", fx.shown_path(&path)),
                Vec::new(),
            );
            fix.create_files.push((path, skeleton(fx.eol)));
            out.push(fix);
        }
    }

    let last_entity = fx
        .doc
        .syntax
        .definitions
        .iter()
        .filter(|d| d.kind == DefinitionKind::Entity)
        .max_by_key(|d| d.range.end);
    let (at, text) = match last_entity {
        Some(def) => {
            let block = skeleton(fx.eol);
            let block = block.strip_suffix(fx.eol).unwrap_or(&block);
            (def.range.end, format!("{0}{0}{block}", fx.eol))
        }
        None => append_block(fx.text(), fx.eol, &skeleton(fx.eol)),
    };
    if adds_definition(fx.doc, at, &text, DefinitionKind::Entity, id) {
        let edits = Edits::default().insert(fx.file, at, text).finish(fx.ws);
        out.push(action(format!("Define @{id} in this file"), edits));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appended_blocks_stand_after_one_blank_line() {
        let block = "[^a]: A\n";
        let cases = [
            ("", ""),
            ("text", "\n\n"),
            ("text\n", "\n"),
            ("text\n\n", ""),
            ("text\n\n\n", ""),
            ("text  ", "\n\n"),
            ("text\n  ", "\n"),
            ("   ", "\n"),
            ("\n", ""),
        ];
        for (text, prefix) in cases {
            let (at, insert) = append_block(text, "\n", block);
            assert_eq!(at, text.len());
            assert_eq!(insert, format!("{prefix}{block}"), "after {text:?}");
        }
        assert_eq!(append_block("a\r\n", "\r\n", "b\r\n").1, "\r\nb\r\n");
    }

    #[test]
    fn line_endings() {
        assert_eq!(line_ending("a\r\nb\n"), "\r\n");
        assert_eq!(line_ending("a\nb\r\n"), "\n");
        assert_eq!(line_ending("a\rb"), "\r");
        assert_eq!(line_ending("ab"), "\n");
        assert_eq!(with_line_endings("a\nb\r\nc", "\r\n"), "a\r\nb\r\nc");
    }
}
