//! Document outline and workspace-wide symbol search.
//!
//! Symbol names carry the id with its sigil and the entity's name or source's title
//! (`@ssu Security Service of Ukraine`), because an editor shows and often filters symbols by
//! name alone, and a reporter may search for either.

use rayon::prelude::*;

use crate::syntax::{BlockKind, Definition, DefinitionKind, TextRange};
use crate::workspace::{Document, FileId, Workspace, char_set};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// The front-matter title.
    Document,
    /// A heading and everything up to the next heading of the same or a higher level.
    Section,
    Entity,
    Source,
    Claim,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// Everything the symbol covers: a section's whole text, a definition with its fields.
    pub range: TextRange,
    /// What to select when jumping to the symbol; always inside `range`.
    pub selection_range: TextRange,
    pub children: Vec<Symbol>,
}

/// Claim texts longer than this (in characters) are shortened in symbol names.
const CLAIM_NAME_CHARS: usize = 40;

/// Most results [`workspace_symbols`] returns; an editor shows no more than a screenful anyway.
pub const WORKSPACE_SYMBOL_LIMIT: usize = 200;

/// The outline of `file`: the front-matter title first (its range is the front matter), then
/// the sections, nested by heading level. Definitions and claim spans sit in the innermost
/// section that holds them, or at the top level before the first heading. Every list of
/// children is in text order.
pub fn document_symbols(ws: &Workspace, file: FileId) -> Vec<Symbol> {
    let doc = ws.document(file);
    let syntax = &doc.syntax;
    let text = doc.text.as_str();

    let mut top = Vec::new();
    if let Some(fm) = &syntax.front_matter
        && let Some(title) = fm.get("title").filter(|t| !t.text.is_empty())
    {
        let detail = ["date", "status"]
            .iter()
            .filter_map(|key| fm.get(key).map(|v| v.text.as_str()))
            .filter(|v| !v.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        top.push(Symbol {
            name: title.text.clone(),
            detail: (!detail.is_empty()).then_some(detail),
            kind: SymbolKind::Document,
            range: fm.range,
            selection_range: title.range,
            children: Vec::new(),
        });
    }

    let mut leaves: Vec<Symbol> = syntax
        .definitions
        .iter()
        .filter(|d| d.has_valid_id())
        .map(definition_symbol)
        .chain(syntax.claims.iter().map(|c| {
            let mut detail: Vec<String> = Vec::new();
            if let Some((_, range)) = c.status {
                detail.push(text[range.start..range.end].to_string());
            }
            detail.extend(c.sources.iter().map(|s| format!("^{}", s.text)));
            Symbol {
                name: claim_name(&text[c.text.start..c.text.end]),
                detail: (!detail.is_empty()).then(|| detail.join(" ")),
                kind: SymbolKind::Claim,
                range: c.range,
                selection_range: c.text,
                children: Vec::new(),
            }
        }))
        .collect();
    leaves.sort_by_key(|s| s.range.start);

    // Open sections, innermost last. A heading closes every open section of its level or
    // deeper, which is exactly where their ranges end; so a leaf, met in text order, always
    // belongs to the innermost open section.
    let mut open: Vec<(u8, Symbol)> = Vec::new();
    let close = |open: &mut Vec<(u8, Symbol)>, top: &mut Vec<Symbol>, end: usize| {
        let (_, mut section) = open.pop().expect("only called with an open section");
        // Blank lines before the next heading belong to no one.
        let start = section.range.start;
        section.range.end = (start + text[start..end].trim_end().len()).max(section.range.end);
        match open.last_mut() {
            Some((_, parent)) => parent.children.push(section),
            None => top.push(section),
        }
    };
    let add_leaf =
        |open: &mut Vec<(u8, Symbol)>, top: &mut Vec<Symbol>, leaf: Symbol| match open.last_mut() {
            Some((_, section)) => section.children.push(leaf),
            None => top.push(leaf),
        };
    let mut leaves = leaves.into_iter().peekable();
    for block in &syntax.blocks {
        let BlockKind::Heading(level) = block.kind else {
            continue;
        };
        let content = block.range;
        let line_start = doc
            .line_index
            .line_range(text, doc.line_index.line_of(content.start))
            .start;
        while let Some(leaf) = leaves.next_if(|l| l.range.start < line_start) {
            add_leaf(&mut open, &mut top, leaf);
        }
        while open.last().is_some_and(|(l, _)| *l >= level) {
            close(&mut open, &mut top, line_start);
        }
        let name = match &text[content.start..content.end] {
            "" => "#".repeat(level as usize),
            name => name.to_string(),
        };
        open.push((
            level,
            Symbol {
                name,
                detail: None,
                kind: SymbolKind::Section,
                // Until the section is closed, its range ends with its heading.
                range: TextRange::new(line_start, content.end),
                selection_range: content,
                children: Vec::new(),
            },
        ));
    }
    for leaf in leaves {
        add_leaf(&mut open, &mut top, leaf);
    }
    while !open.is_empty() {
        close(&mut open, &mut top, text.len());
    }
    top
}

/// Entities and sources of the whole workspace whose id, name or aliases match `query`,
/// best first, at most [`WORKSPACE_SYMBOL_LIMIT`].
///
/// Matching ignores case and is graded: the query equal to a candidate beats a prefix of one,
/// which beats a substring, which beats the query's characters appearing in order
/// (`gs` matches `general-staff`). Within a grade, shorter candidates (closer matches) come
/// first, then ids alphabetically. An empty query matches everything.
pub fn workspace_symbols(ws: &Workspace, query: &str) -> Vec<(FileId, Symbol)> {
    let query: String = query.trim().chars().flat_map(char::to_lowercase).collect();
    let wanted = char_set(&query);
    // Every definition of the workspace is a candidate (tens of thousands of sources in a
    // large newsroom archive): the documents are matched in parallel, and each thread keeps
    // only its best few hundred, so a one-letter query matching everything neither collects
    // nor sorts every definition (its worst case held both cores for 60 ms in the soak).
    let docs: Vec<(FileId, &Document)> = ws.documents().collect();
    let hits = docs
        .par_iter()
        .fold(Vec::new, |mut best: Vec<Hit>, &(file, doc)| {
            // Once a thread holds a full list, the worst hit it keeps: anything no better is
            // dropped before it is pushed (a query matching everything compares ids only).
            let mut worst: Option<Hit> = None;
            for key in doc.search_keys() {
                if wanted & !key.chars != 0 {
                    continue;
                }
                // With no query there is nothing to be close to: order by id alone.
                let (grade, len) = if query.is_empty() {
                    (0, 0)
                } else {
                    let Some(found) = key
                        .lower
                        .iter()
                        .filter_map(|c| grade(&query, c).map(|g| (g, c.chars().count())))
                        .min()
                    else {
                        continue;
                    };
                    found
                };
                let def = &doc.syntax.definitions[key.index];
                let hit = (
                    grade,
                    len,
                    def.id.text.as_str(),
                    doc.path.as_path(),
                    key.index,
                    file,
                );
                if worst.is_some_and(|worst| hit >= worst) {
                    continue;
                }
                best.push(hit);
                if best.len() >= 2 * WORKSPACE_SYMBOL_LIMIT {
                    keep_best(&mut best);
                    worst = best.iter().max().copied();
                }
            }
            best
        })
        .reduce(Vec::new, |mut a, b| {
            a.extend(b);
            keep_best(&mut a);
            a
        });
    let mut hits = hits;
    keep_best(&mut hits);
    hits.sort_unstable();
    hits.into_iter()
        .map(|(_, _, _, _, index, file)| {
            let doc = ws.document(file);
            (file, definition_symbol(&doc.syntax.definitions[index]))
        })
        .collect()
}

/// (grade, candidate length, id, path, definition index, file): ordered best first.
type Hit<'a> = (u8, usize, &'a str, &'a std::path::Path, usize, FileId);

/// Keeps the [`WORKSPACE_SYMBOL_LIMIT`] best hits (in no particular order).
fn keep_best(hits: &mut Vec<Hit>) {
    if hits.len() > WORKSPACE_SYMBOL_LIMIT {
        hits.select_nth_unstable(WORKSPACE_SYMBOL_LIMIT);
        hits.truncate(WORKSPACE_SYMBOL_LIMIT);
    }
}

/// 0 exact, 1 prefix, 2 substring, 3 subsequence; `None` when `query` does not match at all.
/// Both sides are already lower-cased.
fn grade(query: &str, candidate: &str) -> Option<u8> {
    if candidate == query {
        Some(0)
    } else if candidate.starts_with(query) {
        Some(1)
    } else if candidate.contains(query) {
        Some(2)
    } else {
        let mut rest = candidate.chars();
        query
            .chars()
            .all(|q| rest.by_ref().any(|c| c == q))
            .then_some(3)
    }
}

fn definition_symbol(def: &Definition) -> Symbol {
    let (sigil, kind, detail) = match def.kind {
        DefinitionKind::Entity => (
            '@',
            SymbolKind::Entity,
            def.field_value("kind")
                .filter(|k| !k.is_empty())
                .map(str::to_string),
        ),
        DefinitionKind::Source => {
            let parts: Vec<String> = [
                def.field_value("date").map(str::to_string),
                def.field_value("by").map(|by| format!("by {by}")),
            ]
            .into_iter()
            .flatten()
            .filter(|p| !p.is_empty() && p != "by ")
            .collect();
            (
                '^',
                SymbolKind::Source,
                (!parts.is_empty()).then(|| parts.join(" · ")),
            )
        }
    };
    let name = if def.name.text.is_empty() {
        format!("{sigil}{}", def.id.text)
    } else {
        format!("{sigil}{} {}", def.id.text, def.name.text)
    };
    Symbol {
        name,
        detail,
        kind,
        range: def.range,
        selection_range: def.label,
        children: Vec::new(),
    }
}

/// The claim text on one line, shortened to [`CLAIM_NAME_CHARS`] characters.
fn claim_name(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.is_empty() {
        return "[]".to_string();
    }
    if flat.chars().count() <= CLAIM_NAME_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(CLAIM_NAME_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}
