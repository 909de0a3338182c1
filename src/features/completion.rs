//! Completion: entity ids after `@`, source ids after `[^`, claim-span attributes, and the
//! fields and values of definitions.
//!
//! The context is read from the raw text around the cursor, because what is being typed is
//! usually not markup yet: `[x](@bl` has no `)`, `{^ss` has no `}`. The parse only rules places
//! out (code, comments, URLs and front matter are masked or are not prose blocks) and supplies
//! the definitions and claim spans that already exist.
//!
//! Lists are filtered and ranked here as well as in the client: with ten thousand entities the
//! list must be cut, and a cut list is only useful when it holds the best matches.

use std::collections::HashMap;

use super::hover;
use crate::syntax::{
    ClaimStatus, Definition, DefinitionKind, ENTITY_FIELDS, ENTITY_KINDS, MentionKind,
    SOURCE_FIELDS, SOURCE_KINDS, TextRange, attribute_tokens, opens_mention,
};
use crate::workspace::{DefinitionRef, Document, FileId, Workspace, char_mask};
use rayon::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionList {
    pub items: Vec<CompletionItem>,
    /// The list was cut at [`MAX_ITEMS`]: ask again as the user types.
    pub is_incomplete: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: ItemKind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// The text the item replaces; it always holds the cursor.
    pub replace: TextRange,
    pub new_text: String,
    /// What the client should match typed text against, when that is not the label.
    pub filter_text: Option<String>,
    /// What a client that ignores `replace` (eglot 1.9 and others) puts in while the user
    /// chooses, and matches typed text against: it starts with what the user typed.
    pub insert_text: Option<String>,
    /// Edits beside `replace`, before it and not touching it (a space after `kind:`).
    pub additional_edits: Vec<(TextRange, String)>,
    /// Orders the items: the match rank, then the id (or the list's own order).
    pub sort_text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ItemKind {
    Entity,
    Source,
    /// A claim-span attribute such as `status=`.
    Attribute,
    /// The value of a field or attribute: a kind, a status.
    Value,
    /// A definition's field name.
    Field,
}

/// More items than this are cut, and the list is marked incomplete.
pub const MAX_ITEMS: usize = 100;

pub fn complete(ws: &Workspace, file: FileId, offset: usize) -> Option<CompletionList> {
    let doc = ws.document(file);
    let text = doc.text.as_str();
    if offset > text.len() || !text.is_char_boundary(offset) {
        return None;
    }
    let line = doc
        .line_index
        .line_range(text, doc.line_index.line_of(offset));
    if let Some(def) = definition_of_field_line(doc, line) {
        return definition_field(ws, file, def, line, offset);
    }
    // Everything else happens in prose; fences and front matter are not prose blocks.
    let block = doc
        .syntax
        .blocks
        .iter()
        .find(|b| b.range.start <= offset && offset <= b.range.end)?;
    if let Some(attrs) = claim_attributes(doc, block.range, line, offset)
        && let Some(list) = claim_attribute(ws, file, block.range, attrs, offset)
    {
        return Some(list);
    }
    if let Some(replace) = citation_id(doc, line, offset) {
        let query = &text[replace.start..offset];
        return Some(finish(source_items(ws, file, query, replace, "", &[])));
    }
    if let Some(replace) = definition_label(doc, line, offset) {
        let query = &text[replace.start..offset];
        return Some(finish(undefined_items(ws, query, replace)));
    }
    if let Some(replace) = mention_id(doc, line, offset) {
        let query = &text[replace.start..offset];
        return Some(entity_items(ws, query, replace, &[]));
    }
    None
}

fn is_id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Start of the run of id characters that ends at `offset`, not before `floor`.
fn id_run_start(bytes: &[u8], floor: usize, offset: usize) -> usize {
    let mut start = offset;
    while start > floor && is_id_byte(bytes[start - 1]) {
        start -= 1;
    }
    start
}

/// End of the run of id characters that starts at `offset`, not after `ceiling`.
fn id_run_end(bytes: &[u8], offset: usize, ceiling: usize) -> usize {
    offset
        + bytes[offset..ceiling]
            .iter()
            .take_while(|&&b| is_id_byte(b))
            .count()
}

/// Whether the character at `at` is escaped: an odd run of backslashes stands before it.
fn is_escaped(bytes: &[u8], floor: usize, at: usize) -> bool {
    bytes[floor..at]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count()
        % 2
        == 1
}

/// The partial id after an `@` that starts a mention (`@bl`, `(@bl`, `[x](@bl`): the range
/// to replace.
fn mention_id(doc: &Document, line: TextRange, offset: usize) -> Option<TextRange> {
    let bytes = doc.text.as_bytes();
    let start = id_run_start(bytes, line.start, offset);
    if start == line.start || bytes[start - 1] != b'@' {
        return None;
    }
    let at = start - 1;
    if start < offset && !bytes[start].is_ascii_alphanumeric() {
        return None;
    }
    // `press@example.org`, `\@x` and `>@x` are text, not mentions.
    if doc.text[..at]
        .chars()
        .next_back()
        .is_some_and(|c| !opens_mention(c))
    {
        return None;
    }
    // The mask keeps a half-typed `@` and marks a parsed one `E`; code, URLs and comments
    // are masked otherwise.
    if !matches!(doc.prose_mask().as_bytes()[at], b'@' | b'E') {
        return None;
    }
    Some(TextRange::new(start, id_run_end(bytes, offset, line.end)))
}

/// The partial id of a definition label being typed at the start of a line (`[@`,
/// `[@kur`): the range to replace.
fn definition_label(doc: &Document, line: TextRange, offset: usize) -> Option<TextRange> {
    let bytes = doc.text.as_bytes();
    let start = line.start + 2;
    if !doc.text[line.start..line.end].starts_with("[@")
        || offset < start
        || id_run_start(bytes, start, offset) != start
    {
        return None;
    }
    // In code, a comment or front matter the mask blanks the bracket (as it does a label
    // that parsed).
    let parsed = doc
        .syntax
        .definitions
        .iter()
        .any(|d| d.range.start == line.start);
    if !parsed && doc.prose_mask().as_bytes()[line.start] != b'[' {
        return None;
    }
    Some(TextRange::new(start, id_run_end(bytes, offset, line.end)))
}

/// For a new entity definition: the ids the workspace mentions but nobody defines, the most
/// mentioned first (an id that is already defined would only be a duplicate).
fn undefined_items(ws: &Workspace, typed: &str, replace: TextRange) -> Vec<CompletionItem> {
    let query = lowercase(typed);
    let index = ws.index();
    // A label being typed (`[@gh` at the start of a line) parses as a mention of itself;
    // it does not count.
    let elsewhere = |m: &&crate::workspace::MentionRef| {
        let doc = ws.document(m.file);
        let at = doc.syntax.mentions[m.index].range.start;
        let bytes = doc.text.as_bytes();
        !(at >= 1 && bytes[at - 1] == b'[' && (at == 1 || bytes[at - 2] == b'\n'))
    };
    let mut hits: Vec<(u8, usize, &str)> = index
        .mentions
        .iter()
        .filter(|(id, _)| !index.definitions.contains_key(id.as_str()))
        .filter_map(|(id, refs)| {
            let count = refs.iter().filter(elsewhere).count();
            (count > 0).then_some(())?;
            Some((rank(&query, id, &[] as &[&str])?, count, id.as_str()))
        })
        .collect();
    hits.sort_unstable_by(|a, b| {
        (a.0, std::cmp::Reverse(a.1), a.2).cmp(&(b.0, std::cmp::Reverse(b.1), b.2))
    });
    hits.into_iter()
        .enumerate()
        .map(|(i, (_, count, id))| {
            let files = index.mentions[id]
                .iter()
                .filter(elsewhere)
                .map(|m| m.file)
                .collect::<std::collections::HashSet<_>>()
                .len();
            let mut item = CompletionItem {
                label: id.to_string(),
                kind: ItemKind::Entity,
                detail: Some(format!(
                    "not defined · {count} mention{} in {files} file{}",
                    if count == 1 { "" } else { "s" },
                    if files == 1 { "" } else { "s" }
                )),
                documentation: None,
                replace,
                new_text: id.to_string(),
                filter_text: Some(id.to_string()),
                insert_text: None,
                additional_edits: Vec::new(),
                sort_text: format!("{i:05}"),
            };
            as_typed(&mut item, typed, id, &[]);
            item
        })
        .collect()
}

/// The partial id after a `[^` (`[^ss`, `[^ssu]`): the range to replace.
fn citation_id(doc: &Document, line: TextRange, offset: usize) -> Option<TextRange> {
    let bytes = doc.text.as_bytes();
    let start = id_run_start(bytes, line.start, offset);
    if start < line.start + 2 || &bytes[start - 2..start] != b"[^" {
        return None;
    }
    let open = start - 2;
    if is_escaped(bytes, line.start, open)
        || (start < offset && !bytes[start].is_ascii_alphanumeric())
    {
        return None;
    }
    // A citation that parsed is hidden in the mask like a comment is, so ask the parse.
    let syntax = &doc.syntax;
    let parsed = syntax
        .citations
        .iter()
        .any(|c| c.claim.is_none() && c.range.start == open)
        || syntax.errors.iter().any(|e| e.range.start == open);
    if !parsed && doc.prose_mask().as_bytes()[open] != b'[' {
        return None;
    }
    Some(TextRange::new(start, id_run_end(bytes, offset, line.end)))
}

/// The definition `line` is a field line of. A line of only spaces right after a definition
/// counts too: the parser ends the definition there, but that is where the next field is
/// typed.
fn definition_of_field_line(doc: &Document, line: TextRange) -> Option<&Definition> {
    let s = &doc.text[line.start..line.end];
    if !s.starts_with([' ', '\t']) {
        return None;
    }
    let number = doc.line_index.line_of(line.start);
    let blank = s.trim().is_empty();
    doc.syntax.definitions.iter().find(|d| {
        let first = doc.line_index.line_of(d.range.start);
        let last = doc.line_index.line_of(d.range.end);
        first < number && (number <= last || (blank && number == last + 1))
    })
}

fn definition_field(
    ws: &Workspace,
    file: FileId,
    def: &Definition,
    line: TextRange,
    offset: usize,
) -> Option<CompletionList> {
    let text = ws.document(file).text.as_str();
    let bytes = text.as_bytes();
    let s = &text[line.start..line.end];
    let content_start = line.start + (s.len() - s.trim_start().len());
    if offset < content_start {
        return None;
    }
    let before = &text[content_start..offset];
    let Some(colon) = before.find(':') else {
        if !before.bytes().all(is_id_byte) {
            return None;
        }
        let end = id_run_end(bytes, offset, line.end);
        let colon_follows = text[end..line.end].trim_start().starts_with(':');
        let replace = TextRange::new(content_start, end);
        return Some(field_items(ws, def, line, before, replace, colon_follows));
    };
    let key = before[..colon].trim();
    let after_colon = content_start + colon + 1;
    let gap = &text[after_colon..offset];
    let value_start = after_colon + (gap.len() - gap.trim_start().len());
    let typed = &text[value_start..offset];
    let value_end = offset
        + text[offset..line.end]
            .find(char::is_whitespace)
            .unwrap_or(line.end - offset);
    // Typed right after the colon (the `:` trigger): the value gets the space the format
    // has, by rewriting the colon beside the edit (a client such as Neovim inserts only the
    // first word of an edit's text, so a leading space there would be lost).
    let space = (gap.is_empty()).then(|| {
        vec![(
            TextRange::new(after_colon - 1, after_colon),
            ": ".to_string(),
        )]
    });
    let spaced = |mut items: Vec<CompletionItem>| {
        if let Some(edits) = &space {
            for item in &mut items {
                item.additional_edits = edits.clone();
            }
        }
        items
    };
    match (def.kind, key) {
        (kind, "kind") => {
            let (values, what) = match kind {
                DefinitionKind::Entity => (ENTITY_KINDS, "entity kind"),
                DefinitionKind::Source => (SOURCE_KINDS, "source kind"),
            };
            let candidates = values
                .iter()
                .map(|v| Simple::new(v, v, Some(what.to_string())))
                .collect();
            let replace = TextRange::new(value_start, value_end);
            Some(finish(spaced(ranked(
                ItemKind::Value,
                typed,
                replace,
                candidates,
            ))))
        }
        (DefinitionKind::Source, "by") => {
            if typed.is_empty() {
                let replace = TextRange::new(value_start, value_end);
                let mut list = entity_items(ws, "", replace, &[]);
                for item in &mut list.items {
                    item.label.insert(0, '@');
                    item.new_text.insert(0, '@');
                }
                list.items = spaced(list.items);
                return Some(list);
            }
            let query = typed.strip_prefix('@')?;
            if !query.bytes().all(is_id_byte) {
                return None;
            }
            let replace = TextRange::new(value_start + 1, id_run_end(bytes, offset, line.end));
            Some(entity_items(ws, query, replace, &[]))
        }
        _ => None,
    }
}

/// Field names for `def`, without those it already has (except the one being edited).
fn field_items(
    ws: &Workspace,
    def: &Definition,
    line: TextRange,
    typed: &str,
    replace: TextRange,
    colon_follows: bool,
) -> CompletionList {
    let on_this_line = |at: usize| line.start <= at && at <= line.end;
    let present: Vec<&str> = def
        .fields
        .iter()
        .filter(|f| !on_this_line(f.key.range.start))
        .map(|f| f.key.text.as_str())
        .collect();
    let (known, required): (&[&str], &[String]) = match def.kind {
        DefinitionKind::Entity => (ENTITY_FIELDS, &[]),
        DefinitionKind::Source => (SOURCE_FIELDS, &ws.config.required_source_fields),
    };
    // Required fields first, custom required ones included, then the rest in the spec's order.
    let mut names: Vec<&str> = required.iter().map(String::as_str).collect();
    for name in known {
        if !names.contains(name) {
            names.push(name);
        }
    }
    let candidates = names
        .into_iter()
        .filter(|name| !present.contains(name))
        .map(|name| {
            let about = field_doc(def.kind, name);
            let detail = if required.iter().any(|r| r == name) {
                Some(match about {
                    Some(about) => format!("required · {about}"),
                    None => "required".to_string(),
                })
            } else {
                about.map(str::to_string)
            };
            let new_text = if colon_follows {
                name.to_string()
            } else {
                format!("{name}: ")
            };
            Simple::new(name, &new_text, detail)
        })
        .collect();
    finish(ranked(ItemKind::Field, typed, replace, candidates))
}

fn field_doc(kind: DefinitionKind, name: &str) -> Option<&'static str> {
    Some(match (kind, name) {
        (DefinitionKind::Entity, "kind") => "person, org, place, unit, event, work or other",
        (DefinitionKind::Entity, "role") => "what a person does",
        (DefinitionKind::Entity, "description") => "one line describing the entity",
        (DefinitionKind::Entity, "aliases") => "other names, comma-separated",
        (DefinitionKind::Entity, "wikidata") => "the Wikidata item id, e.g. Q8684",
        (DefinitionKind::Entity, "url") => "an official or reference page",
        (DefinitionKind::Source, "url") => "where the source can be found",
        (DefinitionKind::Source, "date") => "when it was published: YYYY-MM-DD, YYYY-MM or YYYY",
        (DefinitionKind::Source, "by") => "who issued it, as @id",
        (DefinitionKind::Source, "kind") => {
            "official, agency, press, expert, witness, document, social or anonymous"
        }
        (DefinitionKind::Source, "accessed") => {
            "when you consulted it, in the same formats as date"
        }
        (DefinitionKind::Source, "archive") => "an archived copy",
        _ => return None,
    })
}

/// The attribute list holding `offset`: of a claim span that parsed, or of one being typed
/// (`]{` with no `}` yet, which the parser does not take for a span). A span being typed is
/// looked for on the cursor's line only, so that a stray `]{` further up the paragraph does
/// not turn everything after it into attributes.
fn claim_attributes(
    doc: &Document,
    block: TextRange,
    line: TextRange,
    offset: usize,
) -> Option<TextRange> {
    let syntax = &doc.syntax;
    if let Some(claim) = syntax
        .claims
        .iter()
        .find(|c| c.attrs.start <= offset && offset <= c.attrs.end)
    {
        return Some(claim.attrs);
    }
    let bytes = doc.text.as_bytes();
    let from = line.start.max(block.start);
    let brace = from + doc.text[from..offset].rfind(['{', '}'])?;
    let opens_span = bytes[brace] == b'{'
        && brace > from
        && bytes[brace - 1] == b']'
        && !is_escaped(bytes, from, brace - 1);
    // An unparsed `{` is kept in the mask; in code, a comment or a URL it is not.
    if !opens_span || doc.prose_mask().as_bytes()[brace] != b'{' {
        return None;
    }
    Some(TextRange::new(brace + 1, block.end))
}

fn claim_attribute(
    ws: &Workspace,
    file: FileId,
    block: TextRange,
    attrs: TextRange,
    offset: usize,
) -> Option<CompletionList> {
    let doc = ws.document(file);
    let text = doc.text.as_str();
    let bytes = text.as_bytes();
    let tokens = attribute_tokens(text, attrs);
    let current = tokens
        .iter()
        .copied()
        .find(|t| t.start <= offset && offset <= t.end)
        .unwrap_or(TextRange::new(offset, offset));
    let token = &text[current.start..offset];
    let others: Vec<&str> = tokens
        .iter()
        .filter(|&&t| t != current)
        .map(|t| &text[t.start..t.end])
        .collect();
    let sources: Vec<&str> = others.iter().filter_map(|t| t.strip_prefix('^')).collect();
    let speakers: Vec<&str> = others.iter().filter_map(|t| t.strip_prefix('@')).collect();
    let id_end = id_run_end(bytes, offset, current.end.max(offset));

    if let Some(query) = token.strip_prefix('^') {
        if !query.bytes().all(is_id_byte) {
            return None;
        }
        let replace = TextRange::new(current.start + 1, id_end);
        return Some(finish(source_items(ws, file, query, replace, "", &sources)));
    }
    if let Some(query) = token.strip_prefix('@') {
        if !query.bytes().all(is_id_byte) {
            return None;
        }
        let replace = TextRange::new(current.start + 1, id_end);
        return Some(entity_items(ws, query, replace, &speakers));
    }
    if let Some(eq) = token.find('=') {
        if &token[..eq] != "status" {
            return None;
        }
        let mut value_start = current.start + eq + 1;
        if bytes[value_start..offset].first() == Some(&b'"') {
            value_start += 1;
        }
        let typed = &text[value_start..offset];
        let end = offset
            + bytes[offset..current.end]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
        let candidates = ClaimStatus::ALL
            .iter()
            .map(|(name, _)| Simple::new(name, name, Some(status_doc(name).to_string())))
            .collect();
        let replace = TextRange::new(value_start, end);
        return Some(finish(ranked(ItemKind::Value, typed, replace, candidates)));
    }
    if !token.bytes().all(is_id_byte) {
        return None;
    }
    // A bare word: the attribute it may become. `status=`, the file's sources as `^id`, and as
    // `@id` the entities this block mentions, the likely speakers.
    let replace = TextRange::new(current.start, id_end);
    let mut items = Vec::new();
    let query = lowercase(token);
    let has_status = others.iter().any(|t| t.starts_with("status="));
    if let Some(rank) = rank(&query, "status", &[] as &[&str]).filter(|_| !has_status) {
        let values: Vec<String> = ClaimStatus::ALL
            .iter()
            .map(|(name, _)| format!("- `{name}`: {}", status_doc(name)))
            .collect();
        items.push(CompletionItem {
            label: "status=".to_string(),
            kind: ItemKind::Attribute,
            detail: Some("verification status of the claim".to_string()),
            documentation: Some(values.join("\n")),
            replace,
            new_text: "status=".to_string(),
            filter_text: Some("status".to_string()),
            insert_text: None,
            additional_edits: Vec::new(),
            sort_text: format!("{rank}:0:status"),
        });
    }
    for mut item in source_items(ws, file, token, replace, "^", &sources) {
        item.sort_text = sort_in_group(&item.sort_text, 1);
        items.push(item);
    }
    let mut mentioned: Vec<&str> = Vec::new();
    for m in &doc.syntax.mentions {
        let in_block = block.contains_range(m.range);
        let in_prose = matches!(m.kind, MentionKind::Bare | MentionKind::Link);
        if in_block && in_prose && !mentioned.contains(&m.id.as_str()) {
            mentioned.push(&m.id);
        }
    }
    for id in mentioned.into_iter().filter(|id| !speakers.contains(id)) {
        let def = ws.entity(id).next().map(|(_, d)| d);
        let mut names: Vec<&str> = Vec::new();
        if let Some(def) = def {
            names.push(&def.name.text);
            names.extend(alias_names(def));
        }
        if let Some(rank) = rank(&query, id, &names) {
            let mut item = entity_item(ws, id, def, rank, replace, "@");
            item.sort_text = sort_in_group(&item.sort_text, 2);
            items.push(item);
        }
    }
    Some(finish(items))
}

/// `rank:id` → `rank:group:id`, so that within one rank the groups of a mixed list stay apart.
fn sort_in_group(sort_text: &str, group: u8) -> String {
    match sort_text.split_once(':') {
        Some((rank, rest)) => format!("{rank}:{group}:{rest}"),
        None => format!("{sort_text}:{group}"),
    }
}

fn status_doc(status: &str) -> &'static str {
    match status {
        "confirmed" => "verified by the newsroom",
        "reported" => "stated by the source, not independently verified",
        "disputed" => "contested by another party",
        "unverified" => "could not be checked",
        "false" => "shown to be untrue",
        _ => "",
    }
}

fn alias_names(def: &Definition) -> impl Iterator<Item = &str> {
    def.field_value("aliases")
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|a| !a.is_empty())
}

/// Entities matching `query` by id, name or alias, best first, cut at [`MAX_ITEMS`]. Items
/// (and their hover cards) are built only for what is kept.
fn entity_items(
    ws: &Workspace,
    typed: &str,
    replace: TextRange,
    exclude: &[&str],
) -> CompletionList {
    let query = lowercase(typed);
    let query_text: String = query.iter().collect();
    let query_chars = char_mask(&query_text);
    let ascii_query = query_text.is_ascii().then(|| query_text.into_bytes());
    // Keys are lower case already: lowering them again in `rank` changes nothing. Each
    // definition is looked up only for the items kept.
    let mut hits: Vec<(u8, &str, DefinitionRef)> = ws
        .index()
        .completion_keys
        .par_iter()
        .filter(|key| query_chars & !key.chars == 0 && !exclude.contains(&key.id.as_str()))
        .filter_map(|key| {
            let rank = match &ascii_query {
                Some(q) => rank_lowered_ascii(q, &key.lower_id, &key.lower_names),
                None => rank(&query, &key.lower_id, &key.lower_names),
            }?;
            Some((rank, key.id.as_str(), key.definition))
        })
        .collect();
    let is_incomplete = hits.len() > MAX_ITEMS;
    if is_incomplete {
        hits.select_nth_unstable_by(MAX_ITEMS, |a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        hits.truncate(MAX_ITEMS);
    }
    hits.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    // Clients narrow a list as the user types without asking again, and they can only match
    // what they see (Neovim's popup the inserted id, eglot its `insertText`): a list that
    // holds, or will hold, entities matched by a name or alias is asked for again.
    let by_name = typed.is_empty() || hits.iter().any(|(rank, ..)| *rank >= 2);
    let mut items: Vec<CompletionItem> = hits
        .into_iter()
        .map(|(rank, id, at)| {
            let def = &ws.document(at.file).syntax.definitions[at.index];
            let mut item = entity_item(ws, id, Some(def), rank, replace, "");
            let names: Vec<&str> = std::iter::once(def.name.text.as_str())
                .chain(alias_names(def))
                .collect();
            as_typed(&mut item, typed, id, &names);
            item
        })
        .collect();
    distinct_insert_texts(&mut items);
    CompletionList {
        items,
        // While the workspace is read, entities are missing from the list.
        is_incomplete: is_incomplete || by_name || ws.loading,
    }
}

/// Makes an entity item match what the user typed in clients that filter by a
/// case-sensitive prefix of `filterText` (Neovim 0.11, eglot): `@Ant` must find `blinken`
/// through "Antony", `@Kor` find `north-korea`. The typed text, completed to the end of
/// the word of the id, name or alias it begins (`Ant` → `Antony`), heads the filter text
/// and is the insert text; the id stays the label and the edit.
fn as_typed(item: &mut CompletionItem, typed: &str, id: &str, names: &[&str]) {
    if typed.is_empty() {
        return;
    }
    let form = typed_form(typed, id, names);
    if let Some(filter) = &mut item.filter_text
        && !filter.starts_with(&form)
    {
        *filter = format!("{form} {filter}");
    }
    if form != id {
        item.insert_text = Some(form);
    }
}

/// `typed` followed by the rest of the first word that it is a prefix of: of the id, then of
/// a name or alias at its start, then of a later word of any of them; a word that starts with
/// `typed` as it was typed (`Kursk` in "Kursk Oblast") before one that starts with it in
/// another case (the id `kursk-region`). `typed` alone when it begins none (a subsequence
/// match).
fn typed_form(typed: &str, id: &str, names: &[&str]) -> String {
    let query = lowercase(typed);
    let texts = || std::iter::once(id).chain(names.iter().copied());
    let starts = || {
        let firsts = texts().map(|t| (t, 0));
        firsts.chain(texts().flat_map(|t| word_starts(t).skip(1).map(move |i| (t, i))))
    };
    let exact = starts().find_map(|(text, start)| {
        text[start..]
            .starts_with(typed)
            .then(|| (text, start + typed.len()))
    });
    let found = exact.or_else(|| {
        starts().find_map(|(text, start)| {
            prefix_end(&text[start..], &query).map(|end| (text, start + end))
        })
    });
    let Some((text, end)) = found else {
        return typed.to_string();
    };
    let rest = &text[end..];
    // An id is one word; a name's word ends at a space or a comma.
    let word_end = if text == id {
        rest.len()
    } else {
        rest.find(|c: char| c.is_whitespace() || c == ',')
            .unwrap_or(rest.len())
    };
    format!("{typed}{}", &rest[..word_end])
}

/// The byte length of the start of `text` that lower-cases to exactly `query`.
fn prefix_end(text: &str, query: &[char]) -> Option<usize> {
    let mut lowered = 0;
    for (i, c) in text.char_indices() {
        if lowered == query.len() {
            return Some(i);
        }
        for l in c.to_lowercase() {
            if query.get(lowered) != Some(&l) {
                return None;
            }
            lowered += 1;
        }
    }
    (lowered == query.len()).then_some(text.len())
}

/// Two items a client shows by their insert text (eglot) must not share it, or only one is
/// offered: a later one gets its id after it.
fn distinct_insert_texts(items: &mut [CompletionItem]) {
    let mut seen: Vec<String> = Vec::new();
    for item in items.iter_mut() {
        let shown = item
            .insert_text
            .clone()
            .unwrap_or_else(|| item.label.clone());
        if seen.contains(&shown) {
            let distinct = format!("{shown} @{}", item.label);
            if let Some(filter) = &mut item.filter_text {
                *filter = format!("{distinct} {filter}");
            }
            seen.push(distinct.clone());
            item.insert_text = Some(distinct);
        } else {
            seen.push(shown);
        }
    }
}

fn entity_item(
    ws: &Workspace,
    id: &str,
    def: Option<&Definition>,
    rank: u8,
    replace: TextRange,
    prefix: &str,
) -> CompletionItem {
    let mut filter = id.to_string();
    let detail = def.map(|def| {
        for name in std::iter::once(def.name.text.as_str()).chain(alias_names(def)) {
            filter.push(' ');
            filter.push_str(name);
        }
        let kind = def.field_value("kind").filter(|k| !k.is_empty());
        match (def.name.text.as_str(), kind) {
            ("", Some(kind)) => kind.to_string(),
            (name, Some(kind)) => format!("{name} · {kind}"),
            (name, None) => name.to_string(),
        }
    });
    CompletionItem {
        label: format!("{prefix}{id}"),
        kind: ItemKind::Entity,
        detail: detail.or_else(|| Some("not defined".to_string())),
        documentation: Some(hover::entity_card(ws, id)),
        replace,
        new_text: format!("{prefix}{id}"),
        filter_text: Some(filter),
        insert_text: None,
        additional_edits: Vec::new(),
        sort_text: format!("{rank}:{id}"),
    }
}

/// The file's sources matching `query` by id or title. Files hold few sources, so these are
/// never cut here; [`finish`] cuts mixed lists.
fn source_items(
    ws: &Workspace,
    file: FileId,
    query: &str,
    replace: TextRange,
    prefix: &str,
    exclude: &[&str],
) -> Vec<CompletionItem> {
    let doc = ws.document(file);
    let query = lowercase(query);
    let mut citing: Option<HashMap<&str, usize>> = None;
    let mut seen: Vec<&str> = Vec::new();
    let mut items = Vec::new();
    for def in &doc.syntax.definitions {
        let id = def.id.text.as_str();
        if def.kind != DefinitionKind::Source
            || !def.has_valid_id()
            || seen.contains(&id)
            || exclude.contains(&id)
        {
            continue;
        }
        seen.push(id);
        let Some(rank) = rank(&query, id, &[def.name.text.as_str()]) else {
            continue;
        };
        let counts = citing.get_or_insert_with(|| hover::citing_sentences(doc));
        let card = hover::source_card(ws, file, id, counts.get(id).copied().unwrap_or(0));
        items.push(CompletionItem {
            label: format!("{prefix}{id}"),
            kind: ItemKind::Source,
            detail: Some(def.name.text.clone()).filter(|t| !t.is_empty()),
            documentation: Some(card),
            replace,
            new_text: format!("{prefix}{id}"),
            filter_text: Some(format!("{id} {}", def.name.text).trim_end().to_string()),
            insert_text: None,
            additional_edits: Vec::new(),
            sort_text: format!("{rank}:{id}"),
        });
    }
    items
}

/// A candidate of a short fixed list (fields, kinds, statuses).
struct Simple {
    label: String,
    new_text: String,
    detail: Option<String>,
}

impl Simple {
    fn new(label: &str, new_text: &str, detail: Option<String>) -> Simple {
        Simple {
            label: label.to_string(),
            new_text: new_text.to_string(),
            detail,
        }
    }
}

/// The candidates matching `typed`, keeping the list's own order within a rank.
fn ranked(
    kind: ItemKind,
    typed: &str,
    replace: TextRange,
    candidates: Vec<Simple>,
) -> Vec<CompletionItem> {
    let query = lowercase(typed);
    candidates
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let rank = rank(&query, c.label.trim_end_matches('='), &[] as &[&str])?;
            Some(CompletionItem {
                label: c.label,
                kind,
                detail: c.detail,
                documentation: None,
                replace,
                new_text: c.new_text,
                filter_text: None,
                insert_text: None,
                additional_edits: Vec::new(),
                sort_text: format!("{rank}:{i:03}"),
            })
        })
        .collect()
}

/// Sorts by `sort_text` and cuts at [`MAX_ITEMS`].
fn finish(mut items: Vec<CompletionItem>) -> CompletionList {
    items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
    let is_incomplete = items.len() > MAX_ITEMS;
    items.truncate(MAX_ITEMS);
    CompletionList {
        items,
        is_incomplete,
    }
}

fn lowercase(text: &str) -> Vec<char> {
    text.chars().flat_map(char::to_lowercase).collect()
}

fn lower(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().flat_map(char::to_lowercase)
}

fn starts_with(text: &str, query: &[char]) -> bool {
    let mut chars = lower(text);
    query.iter().all(|&q| chars.next() == Some(q))
}

fn equals(text: &str, query: &[char]) -> bool {
    let mut chars = lower(text);
    query.iter().all(|&q| chars.next() == Some(q)) && chars.next().is_none()
}

/// Positions where a word starts: the first character, and every letter or digit after a
/// character that is neither (`north-korea`, `North Korea`).
fn word_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    let mut previous_is_word = false;
    text.char_indices().filter_map(move |(i, c)| {
        let starts = i == 0 || (c.is_alphanumeric() && !previous_is_word);
        previous_is_word = c.is_alphanumeric();
        starts.then_some(i)
    })
}

/// Some word after the first starts with `query`: `kor` in `North Korea` or `north-korea`.
fn word_starts_with(text: &str, query: &[char]) -> bool {
    word_starts(text)
        .skip(1)
        .any(|i| starts_with(&text[i..], query))
}

/// The query's characters appear in order, the first at the start of a word. Anchoring the
/// first character keeps one or two typed letters from matching nearly every name.
fn is_word_subsequence(text: &str, query: &[char]) -> bool {
    let Some((&first, rest)) = query.split_first() else {
        return true;
    };
    word_starts(text).any(|i| {
        let mut chars = lower(&text[i..]);
        chars.next() == Some(first) && rest.iter().all(|&q| chars.any(|c| c == q))
    })
}

/// How well `query` (lower-cased) matches an item with id `key` and other `names`; lower is
/// better, `None` is no match. 0: the id itself; 1: a prefix of the id; 2: a prefix of a
/// name; 3: a prefix of a later word of the id or a name; 4: a subsequence of the id or a
/// name that starts at a word.
fn rank(query: &[char], key: &str, names: &[impl AsRef<str>]) -> Option<u8> {
    if query.is_empty() {
        return Some(1);
    }
    let any = |test: fn(&str, &[char]) -> bool| {
        test(key, query) || names.iter().any(|n| test(n.as_ref(), query))
    };
    if equals(key, query) {
        Some(0)
    } else if starts_with(key, query) {
        Some(1)
    } else if names.iter().any(|n| starts_with(n.as_ref(), query)) {
        Some(2)
    } else if any(word_starts_with) {
        Some(3)
    } else if any(is_word_subsequence) {
        Some(4)
    } else {
        None
    }
}

/// [`word_starts`] of ASCII text.
fn ascii_word_starts(text: &[u8]) -> impl Iterator<Item = usize> + '_ {
    (0..text.len()).filter(move |&i| {
        i == 0 || (text[i].is_ascii_alphanumeric() && !text[i - 1].is_ascii_alphanumeric())
    })
}

/// [`rank`] for an ASCII query against an id and names already in lower case: the same
/// answer, a byte at a time, for the scan of a whole registry (100,000 entities). Falls back
/// to [`rank`] when a name is not ASCII.
fn rank_lowered_ascii(query: &[u8], key: &str, names: &[String]) -> Option<u8> {
    if !key.is_ascii() || !names.iter().all(|n| n.is_ascii()) {
        let chars: Vec<char> = query.iter().map(|&b| char::from(b)).collect();
        return rank(&chars, key, names);
    }
    let Some((&first, rest)) = query.split_first() else {
        return Some(1);
    };
    let later_word_starts_with = |text: &[u8]| {
        ascii_word_starts(text)
            .skip(1)
            .any(|i| text[i..].starts_with(query))
    };
    let word_subsequence = |text: &[u8]| {
        ascii_word_starts(text).any(|i| {
            let mut after = text[i + 1..].iter();
            text[i] == first && rest.iter().all(|q| after.any(|c| c == q))
        })
    };
    let (key, names) = (key.as_bytes(), names.iter().map(String::as_bytes));
    if key == query {
        Some(0)
    } else if key.starts_with(query) {
        Some(1)
    } else if names.clone().any(|n| n.starts_with(query)) {
        Some(2)
    } else if std::iter::once(key)
        .chain(names.clone())
        .any(later_word_starts_with)
    {
        Some(3)
    } else if std::iter::once(key).chain(names).any(word_subsequence) {
        Some(4)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The byte-wise ranking of a registry scan agrees with the general one.
        #[test]
        fn ascii_ranking_agrees_with_rank(
            query in "[a-z0-9 .-]{0,6}",
            key in "[a-z0-9-]{0,12}",
            names in proptest::collection::vec("[a-z0-9 .,'-]{0,20}|é[a-z ]{0,5}", 0..4),
        ) {
            let chars: Vec<char> = query.chars().collect();
            proptest::prop_assert_eq!(
                rank_lowered_ascii(query.as_bytes(), &key, &names),
                rank(&chars, &key, &names)
            );
        }
    }

    #[test]
    fn ranks_id_then_name_then_word_then_subsequence() {
        let q = |s: &str| lowercase(s);
        let names = ["Antony Blinken", "Secretary Blinken"];
        assert_eq!(rank(&q("BLINKEN"), "blinken", &names), Some(0));
        assert_eq!(rank(&q("Blin"), "blinken", &names), Some(1));
        assert_eq!(rank(&q("anto"), "blinken", &names), Some(2));
        assert_eq!(rank(&q("sec"), "ab", &["Antony Secretary"]), Some(3));
        assert_eq!(rank(&q("kor"), "north-korea", &[] as &[&str]), Some(3));
        assert_eq!(rank(&q("bkn"), "blinken", &names), Some(4));
        assert_eq!(rank(&q("sbl"), "blinken", &names), Some(4));
        // Not from inside a word: `ro` is in `description` but starts none of its words.
        assert_eq!(rank(&q("ro"), "description", &[] as &[&str]), None);
        assert_eq!(rank(&q("xyz"), "blinken", &names), None);
        assert_eq!(rank(&q(""), "blinken", &names), Some(1));
    }

    #[test]
    fn case_folding_covers_non_ascii() {
        assert!(starts_with("Österreich", &lowercase("öst")));
        assert!(word_starts_with("Republik Österreich", &lowercase("ÖS")));
    }
}
