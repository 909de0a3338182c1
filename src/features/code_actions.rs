//! Code actions: quick fixes for the diagnostics of a file, a refactor that moves an entity
//! definition to the registry, and a source action that links every plain-text entity name.
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

use crate::diagnostics::{self, Diagnostic, Rule};
use crate::features::rename::{FileEdit, TextEdit};
use crate::prose::{self, sentences};
use crate::syntax::{BlockKind, Definition, DefinitionKind, MentionKind, TextRange, opens_mention};
use crate::workspace::{Document, FileId, Workspace};

/// Where new entity definitions go when the workspace has no registry yet: this file name, at
/// the workspace root.
pub const REGISTRY_FILE_NAME: &str = "entities.news";

/// The id "Add a new source" starts from (`new-source`, then `new-source-2`, …).
const NEW_SOURCE_ID: &str = "new-source";

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

/// The actions for `range` of `file` (an empty range is a cursor): fixes for the file's own
/// diagnostics that `range` touches, in diagnostic order, then the refactor for the entity
/// definition under `range`, then the file-wide source action. Identical actions offered for
/// two diagnostics (two numbers of one sentence) appear once, for the first.
pub fn actions(ws: &Workspace, file: FileId, range: TextRange) -> Vec<Action> {
    let doc = ws.document(file);
    let range = TextRange::new(
        range.start.min(doc.text.len()),
        range.end.min(doc.text.len()),
    );
    let cx = Cx::new(ws, file);
    let diagnostics = diagnostics::check(ws, file);
    let touches = |r: TextRange| r.start <= range.end && range.start <= r.end;

    let mut out: Vec<Action> = Vec::new();
    for diagnostic in diagnostics.iter().filter(|d| touches(d.range)) {
        let mut fixes = match diagnostic.rule {
            Rule::UndefinedEntity => cx.undefined_entity(diagnostic),
            Rule::UndefinedSource => cx.undefined_source(diagnostic),
            Rule::UnattributedNumber | Rule::UnattributedQuote | Rule::MissingSource => {
                cx.cite(diagnostic)
            }
            Rule::UnlinkedMention => cx.link(diagnostic),
            Rule::IncompleteSource => cx.missing_fields(diagnostic),
            Rule::UnusedSource => cx.remove_unused(diagnostic),
            Rule::DuplicateDefinition | Rule::Syntax | Rule::SizeLimit => Vec::new(),
        };
        fixes.extend(cx.suppress(diagnostic));
        for mut fix in fixes {
            fix.kind = ActionKind::QuickFix;
            fix.fixes = Some(diagnostic.clone());
            out.push(fix);
        }
    }
    out.extend(cx.move_definition(range));
    out.extend(cx.link_all(&diagnostics));

    let mut unique: Vec<Action> = Vec::with_capacity(out.len());
    for action in out {
        let seen = unique.iter().any(|u| {
            u.title == action.title
                && u.edits == action.edits
                && u.create_files == action.create_files
        });
        if !seen {
            unique.push(action);
        }
    }
    unique
}

/// The registry: where entity definitions of the workspace are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Registry {
    Existing(FileId),
    /// No registry yet: create this file.
    New(PathBuf),
}

/// A file named `entities.news` (the one nearest the root); or else the file holding the most
/// entity definitions among those with no source definition (registries hold entities,
/// articles hold their sources), the first by path on a tie; or else a new `entities.news` at
/// the root.
fn registry(ws: &Workspace) -> Registry {
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
fn line_ending(text: &str) -> &'static str {
    match memchr::memchr2(b'\n', b'\r', text.as_bytes()) {
        Some(at) if text.as_bytes()[at] == b'\n' => "\n",
        Some(at) if text.as_bytes().get(at + 1) == Some(&b'\n') => "\r\n",
        Some(_) => "\r",
        None => "\n",
    }
}

/// `text` with every line break turned into `eol`.
fn with_line_endings(text: &str, eol: &str) -> String {
    let unix = text.replace("\r\n", "\n").replace('\r', "\n");
    if eol == "\n" {
        unix
    } else {
        unix.replace('\n', eol)
    }
}

/// Edits being collected for one action, by file.
#[derive(Default)]
struct Edits(BTreeMap<FileId, Vec<TextEdit>>);

impl Edits {
    fn replace(mut self, file: FileId, range: TextRange, new_text: String) -> Edits {
        self.0
            .entry(file)
            .or_default()
            .push(TextEdit { range, new_text });
        self
    }

    fn insert(self, file: FileId, at: usize, new_text: String) -> Edits {
        self.replace(file, TextRange::new(at, at), new_text)
    }

    /// Sorted per file, with insertions at one offset merged in the order they were made, so
    /// no two edits of a file share a position; files in path order.
    fn finish(self, ws: &Workspace) -> Vec<FileEdit> {
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

fn action(title: String, edits: Vec<FileEdit>) -> Action {
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
fn append_block(text: &str, eol: &str, block: &str) -> (usize, String) {
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
fn adds_definition(
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

fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b == b' ' || b == b'\t')
}

/// Where the text of the list item starting `line` begins: indentation, marker and the
/// spaces after it, in bytes (a tab counts as one).
fn list_content_column(line: &str) -> usize {
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
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Edit distance with transpositions (optimal string alignment), over bytes: ids are ASCII.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// The known id `id` was most likely meant to be: equal ignoring case, or at most two edits
/// away (and no more than half of the longer id, so `a` is not "close" to `b`). Ties go to the
/// id that sorts first.
fn closest<'a>(id: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .filter(|k| *k != id && k.len().abs_diff(id.len()) <= 2)
        .filter_map(|k| {
            if k.eq_ignore_ascii_case(id) {
                return Some(((0, 0), k));
            }
            let d = edit_distance(id, k);
            (d <= 2 && 2 * d <= k.len().max(id.len())).then_some(((1, d), k))
        })
        .min()
        .map(|(_, k)| k)
}

struct Cx<'a> {
    ws: &'a Workspace,
    file: FileId,
    doc: &'a Document,
    eol: &'static str,
}

impl<'a> Cx<'a> {
    fn new(ws: &'a Workspace, file: FileId) -> Cx<'a> {
        let doc = ws.document(file);
        Cx {
            ws,
            file,
            doc,
            eol: line_ending(&doc.text),
        }
    }

    fn text(&self) -> &'a str {
        &self.doc.text
    }

    /// A file's path as titles show it: relative to the workspace root when it is under it.
    fn shown_path(&self, path: &std::path::Path) -> String {
        path.strip_prefix(&self.ws.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    fn line_start(&self, offset: usize) -> usize {
        let line = self.doc.line_index.line_of(offset);
        self.doc.line_index.line_range(self.text(), line).start
    }

    /// Start of the line after the one holding `offset`, or the end of the text.
    fn next_line_start(&self, offset: usize) -> usize {
        let index = &self.doc.line_index;
        let line = index.line_of(offset);
        if line + 1 < index.line_count() {
            index.line_range(self.text(), line + 1).start
        } else {
            self.text().len()
        }
    }

    fn line_text(&self, line: usize) -> &'a str {
        let range = self.doc.line_index.line_range(self.text(), line);
        &self.text()[range.start..range.end]
    }

    fn definition_with_label(&self, label: TextRange) -> Option<&'a Definition> {
        self.doc
            .syntax
            .definitions
            .iter()
            .find(|d| d.label == label)
    }

    /// The valid source ids defined in this file, in definition order, without repeats.
    fn source_ids(&self) -> Vec<&'a str> {
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

    // -----------------------------------------------------------------------------------------
    // undefined-entity

    fn undefined_entity(&self, diagnostic: &Diagnostic) -> Vec<Action> {
        let Some(mention) = self
            .doc
            .syntax
            .mentions
            .iter()
            .find(|m| m.target == diagnostic.range)
        else {
            return Vec::new();
        };
        let id = mention.id.as_str();
        let mut out = Vec::new();

        let known = self.ws.index().definitions.keys().map(String::as_str);
        if let Some(other) = closest(id, known) {
            let id_range = TextRange::new(mention.target.end - id.len(), mention.target.end);
            let edits = Edits::default()
                .replace(self.file, id_range, other.to_string())
                .finish(self.ws);
            let mut fix = action(format!("Change to @{other}"), edits);
            fix.preferred = true;
            out.push(fix);
        }

        let name = match mention.kind {
            MentionKind::Link => {
                let head = &self.text()[mention.range.start..mention.target.start];
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

        match registry(self.ws) {
            Registry::Existing(registry) if registry == self.file => {}
            Registry::Existing(registry) => {
                let doc = self.ws.document(registry);
                let eol = line_ending(&doc.text);
                let (at, text) = append_block(&doc.text, eol, &skeleton(eol));
                if adds_definition(doc, at, &text, DefinitionKind::Entity, id) {
                    let edits = Edits::default().insert(registry, at, text).finish(self.ws);
                    let title = format!("Define @{id} in {}", self.shown_path(&doc.path));
                    out.push(action(title, edits));
                }
            }
            Registry::New(path) => {
                let mut fix = action(
                    format!("Define @{id} in {}", self.shown_path(&path)),
                    Vec::new(),
                );
                fix.create_files.push((path, skeleton(self.eol)));
                out.push(fix);
            }
        }

        let last_entity = self
            .doc
            .syntax
            .definitions
            .iter()
            .filter(|d| d.kind == DefinitionKind::Entity)
            .max_by_key(|d| d.range.end);
        let (at, text) = match last_entity {
            Some(def) => {
                let block = skeleton(self.eol);
                let block = block.strip_suffix(self.eol).unwrap_or(&block);
                (def.range.end, format!("{0}{0}{block}", self.eol))
            }
            None => append_block(self.text(), self.eol, &skeleton(self.eol)),
        };
        if adds_definition(self.doc, at, &text, DefinitionKind::Entity, id) {
            let edits = Edits::default().insert(self.file, at, text).finish(self.ws);
            out.push(action(format!("Define @{id} in this file"), edits));
        }
        out
    }

    // -----------------------------------------------------------------------------------------
    // undefined-source

    /// The `[^id]: id` definition with the required fields (by default `url:` and `date:`)
    /// left empty.
    fn source_skeleton(&self, id: &str) -> String {
        let mut out = format!("[^{id}]: {id}{}", self.eol);
        for field in &self.ws.config.required_source_fields {
            out.push_str(&format!("  {field}: {}", self.eol));
        }
        out
    }

    fn undefined_source(&self, diagnostic: &Diagnostic) -> Vec<Action> {
        let Some(citation) = self
            .doc
            .syntax
            .citations
            .iter()
            .find(|c| c.range == diagnostic.range)
        else {
            return Vec::new();
        };
        let id = citation.id.as_str();
        let mut out = Vec::new();
        if let Some(other) = closest(id, self.source_ids().into_iter()) {
            // `[^id]` ends with `]`; a span attribute `^id` ends with the id.
            let end = match citation.claim {
                Some(_) => citation.range.end,
                None => citation.range.end - 1,
            };
            let edits = Edits::default()
                .replace(
                    self.file,
                    TextRange::new(end - id.len(), end),
                    other.to_string(),
                )
                .finish(self.ws);
            let mut fix = action(format!("Change to [^{other}]"), edits);
            fix.preferred = true;
            out.push(fix);
        }
        let (at, text) = append_block(self.text(), self.eol, &self.source_skeleton(id));
        if adds_definition(self.doc, at, &text, DefinitionKind::Source, id) {
            let edits = Edits::default().insert(self.file, at, text).finish(self.ws);
            out.push(action(format!("Add source definition for [^{id}]"), edits));
        }
        out
    }

    // -----------------------------------------------------------------------------------------
    // unattributed-number, unattributed-quote, missing-source

    /// Where a citation goes for the sentence holding `at`: after its final punctuation and
    /// closing marks, and after the citations already there, but before the whitespace (and
    /// any comment) that ends it. Markup that closes around the last words (a link's
    /// `](…)`, a claim span's `]{…}`) is stepped over.
    fn citation_point(&self, at: usize) -> Option<usize> {
        let syntax = &self.doc.syntax;
        let block = syntax
            .blocks
            .iter()
            .find(|b| b.range.start <= at && at < b.range.end)?;
        let mask = self.doc.prose_mask();
        let quotes = prose::quotations(mask, block.range);
        let sentence = sentences::split(mask, block.range, &quotes)
            .into_iter()
            .find(|s| s.start <= at && at < s.end)?;
        let text = self.text();
        let bytes = text.as_bytes();
        let mut point = sentence.start + mask[sentence.start..sentence.end].trim_end().len();
        loop {
            if let Some(claim) = syntax
                .claims
                .iter()
                .find(|c| c.text.end <= point && point < c.range.end)
            {
                point = claim.range.end;
                continue;
            }
            if bytes[point..sentence.end].starts_with(b"](") && mask.as_bytes()[point] == b' ' {
                let mut depth = 0usize;
                let close = bytes[point + 1..sentence.end].iter().position(|&b| {
                    match b {
                        b'(' => depth += 1,
                        b')' => depth = depth.saturating_sub(1),
                        _ => return false,
                    }
                    depth == 0
                });
                if let Some(close) = close {
                    point += close + 2;
                    continue;
                }
            }
            let rest = &text[point..sentence.end];
            let next = point + (rest.len() - rest.trim_start().len());
            if let Some(citation) = syntax
                .citations
                .iter()
                .find(|c| c.claim.is_none() && c.range.start == next)
            {
                point = citation.range.end;
                continue;
            }
            break;
        }
        Some(point)
    }

    fn cite(&self, diagnostic: &Diagnostic) -> Vec<Action> {
        let Some(point) = self.citation_point(diagnostic.range.start) else {
            return Vec::new();
        };
        let syntax = &self.doc.syntax;
        // Most recently used before the diagnostic first, then the others in definition order.
        let mut last_use: FxHashMap<&str, usize> = FxHashMap::default();
        for citation in syntax
            .citations
            .iter()
            .filter(|c| c.range.start < diagnostic.range.start)
        {
            let slot = last_use.entry(citation.id.as_str()).or_default();
            *slot = (*slot).max(citation.range.start + 1);
        }
        let mut ids = self.source_ids();
        ids.sort_by_key(|id| std::cmp::Reverse(last_use.get(id).copied().unwrap_or(0)));

        let mut out: Vec<Action> = ids
            .iter()
            .map(|id| {
                let edits = Edits::default()
                    .insert(self.file, point, format!("[^{id}]"))
                    .finish(self.ws);
                action(format!("Cite [^{id}]"), edits)
            })
            .collect();
        if let Some(first) = out.first_mut() {
            first.preferred = true;
        }

        let taken = |id: &str| {
            syntax
                .definitions
                .iter()
                .any(|d| d.kind == DefinitionKind::Source && d.id.text == id)
                || syntax.citations.iter().any(|c| c.id == id)
        };
        let new_id = std::iter::once(NEW_SOURCE_ID.to_string())
            .chain((2..).map(|n| format!("{NEW_SOURCE_ID}-{n}")))
            .find(|id| !taken(id))
            .unwrap_or_default();
        let (at, definition) = append_block(self.text(), self.eol, &self.source_skeleton(&new_id));
        if adds_definition(self.doc, at, &definition, DefinitionKind::Source, &new_id) {
            let edits = Edits::default()
                .insert(self.file, point, format!("[^{new_id}]"))
                .insert(self.file, at, definition)
                .finish(self.ws);
            out.push(action(format!("Add a new source [^{new_id}]"), edits));
        }
        out
    }

    // -----------------------------------------------------------------------------------------
    // unlinked-mention

    /// The entities the plain-text name at `range` belongs to.
    fn name_entities(&self, range: TextRange) -> Vec<&'a str> {
        let Some(block) = self
            .doc
            .syntax
            .blocks
            .iter()
            .find(|b| b.range.contains_range(range))
        else {
            return Vec::new();
        };
        self.ws
            .index()
            .find_names(self.doc.prose_mask(), block.range)
            .into_iter()
            .find(|n| n.start == range.start && n.end == range.end)
            .map(|n| n.entities.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The mention that links the name at `range` to `id`: `@id` when the id reads exactly as
    /// the name and a mention can start and end there, `[name](@id)` otherwise.
    fn link_text(&self, range: TextRange, id: &str) -> String {
        let text = self.text();
        let name = &text[range.start..range.end];
        let opens = text[..range.start]
            .chars()
            .next_back()
            .is_none_or(opens_mention);
        let closes = !text[range.end..]
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if name == id && opens && closes {
            format!("@{id}")
        } else {
            format!("[{name}](@{id})")
        }
    }

    /// Whether the name at `range` can be wrapped: it reads the same in the text as in the
    /// prose mask (no hidden markup such as a table's `|` inside it).
    fn linkable(&self, range: TextRange) -> bool {
        self.text()[range.start..range.end] == self.doc.prose_mask()[range.start..range.end]
    }

    fn link(&self, diagnostic: &Diagnostic) -> Vec<Action> {
        if !self.linkable(diagnostic.range) {
            return Vec::new();
        }
        let entities = self.name_entities(diagnostic.range);
        let single = entities.len() == 1;
        entities
            .into_iter()
            .map(|id| {
                let edits = Edits::default()
                    .replace(
                        self.file,
                        diagnostic.range,
                        self.link_text(diagnostic.range, id),
                    )
                    .finish(self.ws);
                let mut fix = action(format!("Link to @{id}"), edits);
                fix.preferred = single;
                fix
            })
            .collect()
    }

    fn link_all(&self, diagnostics: &[Diagnostic]) -> Option<Action> {
        // Only names still reported (not suppressed, rule not off), each block searched once.
        let reported: rustc_hash::FxHashSet<TextRange> = diagnostics
            .iter()
            .filter(|d| d.rule == Rule::UnlinkedMention)
            .map(|d| d.range)
            .collect();
        if reported.is_empty() {
            return None;
        }
        let mut edits = Edits::default();
        let mut any = false;
        for block in &self.doc.syntax.blocks {
            for name in self
                .ws
                .index()
                .find_names(self.doc.prose_mask(), block.range)
            {
                let range = TextRange::new(name.start, name.end);
                if let [id] = name.entities
                    && reported.contains(&range)
                    && self.linkable(range)
                {
                    edits = edits.replace(self.file, range, self.link_text(range, id));
                    any = true;
                }
            }
        }
        any.then(|| {
            let mut link_all = action(
                "Link all unlinked mentions in this file".to_string(),
                edits.finish(self.ws),
            );
            link_all.kind = ActionKind::SourceAction;
            link_all
        })
    }

    // -----------------------------------------------------------------------------------------
    // incomplete-source, unused-source

    fn missing_fields(&self, diagnostic: &Diagnostic) -> Vec<Action> {
        let Some(def) = self.definition_with_label(diagnostic.range) else {
            return Vec::new();
        };
        // A field that is there but empty is filled in, not added a second time.
        let missing: Vec<&str> = self
            .ws
            .config
            .required_source_fields
            .iter()
            .map(String::as_str)
            .filter(|f| def.field(f).is_none())
            .collect();
        if missing.is_empty() {
            return Vec::new();
        }
        let indent = def.fields.first().map_or("  ", |f| {
            &self.text()[self.line_start(f.key.range.start)..f.key.range.start]
        });
        let lines: String = missing
            .iter()
            .map(|f| format!("{}{indent}{f}: ", self.eol))
            .collect();
        let edits = Edits::default()
            .insert(self.file, def.range.end, lines)
            .finish(self.ws);
        let mut fix = action(
            format!("Add missing fields ({})", missing.join(", ")),
            edits,
        );
        fix.preferred = true;
        vec![fix]
    }

    /// The edit that takes the lines of `def` out of the file together with one blank line
    /// next to them, without joining the blocks before and after.
    fn removal(&self, def: &Definition) -> TextEdit {
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

    fn remove_unused(&self, diagnostic: &Diagnostic) -> Vec<Action> {
        let Some(def) = self.definition_with_label(diagnostic.range) else {
            return Vec::new();
        };
        let removal = self.removal(def);
        let edits = Edits::default()
            .replace(self.file, removal.range, removal.new_text)
            .finish(self.ws);
        vec![action(
            format!("Remove unused source definition [^{}]", def.id.text),
            edits,
        )]
    }

    // -----------------------------------------------------------------------------------------
    // Suppression

    /// A comment on its own line before the diagnostic's line; where a comment line cannot
    /// stand there, a `disable`/`enable` pair around the definition or table instead. None in
    /// front matter or inside a comment or mention that spans lines.
    fn suppress(&self, diagnostic: &Diagnostic) -> Option<Action> {
        let syntax = &self.doc.syntax;
        let text = self.text();
        let rule = diagnostic.rule.id();
        let at = diagnostic.range.start;
        let line = self.doc.line_index.line_of(at);
        let start = self.line_start(at);
        let line_text = self.line_text(line);

        if syntax
            .front_matter
            .as_ref()
            .is_some_and(|fm| fm.range.start <= at && at <= fm.range.end)
        {
            return None;
        }
        // Field lines of a definition: a comment line there would be read as a bad field.
        if let Some(def) = syntax
            .definitions
            .iter()
            .find(|d| d.range.start < start && start <= d.range.end)
        {
            return Some(self.suppress_region(rule, def.range, "definition"));
        }
        // A table row: a comment line would cut the table in two when rendered.
        if syntax
            .blocks
            .iter()
            .any(|b| b.kind == BlockKind::TableRow && b.range.start <= at && at <= b.range.end)
        {
            let is_row = |l: usize| self.line_text(l).trim_start().starts_with('|');
            let (mut first, mut last) = (line, line);
            while first > 0 && is_row(first - 1) {
                first -= 1;
            }
            while last + 1 < self.doc.line_index.line_count() && is_row(last + 1) {
                last += 1;
            }
            let range = TextRange::new(
                self.doc.line_index.line_range(text, first).start,
                self.doc.line_index.line_range(text, last).end,
            );
            return Some(self.suppress_region(rule, range, "table"));
        }
        // The line starts inside something that spans lines (a comment, a link): no room. A
        // comment that a heading or table row leaves open is not in the mask; the prose after
        // its `-->` is a block that starts in the middle of the line.
        let mask = self.doc.prose_mask().as_bytes();
        if start > 0 && !matches!(mask[start - 1], b'\n' | b'\r') {
            return None;
        }
        let after_open_comment = syntax.blocks.iter().any(|b| {
            !matches!(b.kind, BlockKind::Heading(_))
                && start < b.range.start
                && b.range.start <= at
                && self.doc.line_index.line_of(b.range.start) == line
        });
        if after_open_comment {
            return None;
        }
        let title = format!("Suppress {rule} on this line");
        // A `disable-next-line` comment already ending on the line before: add the rule to
        // it, since a new line in between would leave it pointing at the new comment.
        let previous = syntax.suppressions.iter().find(|s| {
            s.kind == crate::syntax::SuppressionKind::NextLine
                && !s.rules.is_empty()
                && line > 0
                && self.doc.line_index.line_of(s.range.end) == line - 1
        });
        if let Some(previous) = previous {
            let last = previous
                .rules
                .last()
                .map_or(previous.range.end, |r| r.range.end);
            let edits = Edits::default()
                .insert(self.file, last, format!(", {rule}"))
                .finish(self.ws);
            return Some(action(title, edits));
        }
        let starts_item = |b: &&crate::syntax::ProseBlock| {
            b.kind == BlockKind::ListItem && b.range.start == start
        };
        let item_above = line > 0 && {
            let above = self.doc.line_index.line_range(text, line - 1);
            syntax.blocks.iter().any(|b| {
                b.kind == BlockKind::ListItem
                    && b.range.start <= above.start
                    && above.end <= b.range.end
                    && !above.is_empty()
            })
        };
        let prefix: String = match syntax.blocks.iter().find(starts_item) {
            // The first line of a list item right after another item: indent the comment to
            // the item's text, so it stays inside the list above.
            Some(_) if item_above => " ".repeat(list_content_column(line_text)),
            _ => line_text
                .chars()
                .take_while(|c| matches!(c, ' ' | '\t' | '>'))
                .collect(),
        };
        let comment = format!(
            "{prefix}<!-- newsmark-disable-next-line {rule} -->{}",
            self.eol
        );
        let edits = Edits::default()
            .insert(self.file, start, comment)
            .finish(self.ws);
        Some(action(title, edits))
    }

    /// `disable` on a line of its own before the lines of `range`, `enable` after them.
    fn suppress_region(&self, rule: &str, range: TextRange, what: &str) -> Action {
        let start = self.line_start(range.start);
        let line = self.line_text(self.doc.line_index.line_of(range.start));
        let indent = &line[..line.len() - line.trim_start().len()];
        let eol = self.eol;
        let edits = Edits::default()
            .insert(
                self.file,
                start,
                format!("{indent}<!-- newsmark-disable {rule} -->{eol}"),
            )
            .insert(
                self.file,
                range.end,
                format!("{eol}{indent}<!-- newsmark-enable {rule} -->"),
            )
            .finish(self.ws);
        action(format!("Suppress {rule} in this {what}"), edits)
    }

    // -----------------------------------------------------------------------------------------
    // Refactor

    /// Moves the entity definition under `range` to the end of the registry, when this file is
    /// not the registry.
    fn move_definition(&self, range: TextRange) -> Option<Action> {
        let def = self.doc.syntax.definitions.iter().find(|d| {
            d.kind == DefinitionKind::Entity
                && d.range.start <= range.end
                && range.start <= d.range.end
        })?;
        let registry = registry(self.ws);
        if registry == Registry::Existing(self.file) {
            return None;
        }
        let lines = &self.text()[self.line_start(def.range.start)..def.range.end];
        let removal = self.removal(def);
        let mut edits = Edits::default().replace(self.file, removal.range, removal.new_text);
        let mut create_files = Vec::new();
        let target = match registry {
            Registry::Existing(file) => {
                let doc = self.ws.document(file);
                let eol = line_ending(&doc.text);
                let block = format!("{}{eol}", with_line_endings(lines, eol));
                let (at, text) = append_block(&doc.text, eol, &block);
                if !adds_definition(doc, at, &text, DefinitionKind::Entity, &def.id.text) {
                    return None;
                }
                edits = edits.insert(file, at, text);
                doc.path.clone()
            }
            Registry::New(path) => {
                create_files.push((path.clone(), format!("{lines}{}", self.eol)));
                path
            }
        };
        let label = if def.has_valid_id() {
            format!("@{}", def.id.text)
        } else {
            "entity definition".to_string()
        };
        Some(Action {
            title: format!("Move {label} to {}", self.shown_path(&target)),
            kind: ActionKind::Refactor,
            edits: edits.finish(self.ws),
            create_files,
            fixes: None,
            preferred: false,
        })
    }
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
    fn near_misses() {
        let known = ["blinken", "ssu", "SSU-2", "gs", "b"];
        let near = |id| closest(id, known.iter().copied());
        assert_eq!(near("blinkin"), Some("blinken"));
        assert_eq!(near("bilnken"), Some("blinken"));
        assert_eq!(near("Blinken"), Some("blinken"));
        assert_eq!(near("ssu-2"), Some("SSU-2"));
        assert_eq!(near("sbu"), Some("ssu"));
        assert_eq!(near("a"), None);
        assert_eq!(near("xyz"), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
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
