//! What every format needs to know about one article: its front matter, its sources numbered
//! in the order they are first cited, the entities it mentions, its claim spans, and the edits
//! that take the annotations out of the prose.

use std::collections::HashMap;

use pulldown_cmark::{Event, Options, Parser, TagEnd};

use crate::rules::{Diagnostic, Severity};
use crate::syntax::{ClaimStatus, DefinitionKind, MentionKind, TextRange};
use crate::workspace::{Document, FileId, Workspace};

use super::{safe_url, wikidata_url};

/// The CommonMark extensions every format reads the prose with.
pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

#[derive(Clone, Debug)]
pub struct Entity {
    pub id: String,
    pub defined: bool,
    pub name: String,
    pub kind: Option<String>,
    pub role: Option<String>,
    pub description: Option<String>,
    /// `url:` when it is a link a reader may follow.
    pub url: Option<String>,
    /// `wikidata:` when it is an item id.
    pub wikidata: Option<String>,
    /// Mentions in the article's prose and claim speakers.
    pub mentions: usize,
}

impl Entity {
    /// Where a mention of the entity links to: its own page, else its Wikidata item.
    pub fn link(&self) -> Option<String> {
        self.url
            .clone()
            .or_else(|| self.wikidata.as_deref().and_then(wikidata_url))
    }

    /// A short description for tooltips.
    pub fn about(&self) -> Option<&str> {
        self.role.as_deref().or(self.description.as_deref())
    }
}

#[derive(Clone, Debug)]
pub struct Source {
    pub id: String,
    /// 1-based, in the order of first citation; uncited sources come after the cited ones.
    pub number: usize,
    pub title: String,
    /// The `by:` entity, an index into [`Article::entities_by`].
    pub by: Option<usize>,
    pub url: Option<String>,
    pub date: Option<String>,
    pub kind: Option<String>,
    pub accessed: Option<String>,
    pub archive: Option<String>,
    /// How many citations point at it.
    pub cited: usize,
}

#[derive(Clone, Debug)]
pub struct Claim {
    pub text: String,
    pub status: Option<ClaimStatus>,
    /// Indices into [`Article::sources`]; ids with no definition are left out.
    pub sources: Vec<usize>,
    pub missing_sources: Vec<String>,
    /// Indices into [`Article::entities`].
    pub speakers: Vec<usize>,
    /// Indices into `syntax.citations` of the claim's own `^id` attributes.
    pub citations: Vec<usize>,
    /// Index into [`Article::blocks`] of the block it stands in.
    pub block: Option<usize>,
}

pub fn status_name(status: ClaimStatus) -> &'static str {
    ClaimStatus::ALL
        .iter()
        .find(|(_, s)| *s == status)
        .map_or("", |(name, _)| name)
}

/// What one edit puts in place of a piece of the source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Front matter, definitions, suppression comments: gone.
    Remove,
    /// A bare `@id`: the entity's name. Index into `syntax.mentions`.
    Mention(usize),
    /// The `[` of `[text](@id)`.
    MentionOpen(usize),
    /// The `](@id)` of `[text](@id)`.
    MentionClose(usize),
    /// A `[^id]`. Index into `syntax.citations`.
    Cite(usize),
    /// The `[` of a claim span. Index into `syntax.claims`.
    ClaimOpen(usize),
    /// The `]{…}` of a claim span.
    ClaimClose(usize),
}

#[derive(Clone, Copy, Debug)]
pub struct Edit {
    pub range: TextRange,
    pub piece: Piece,
}

#[derive(Clone, Debug)]
pub struct Block {
    pub kind: crate::syntax::BlockKind,
    pub text: String,
    /// Indices into [`Article::sources`], in order, repeats kept out.
    pub citations: Vec<usize>,
}

pub struct Article<'a> {
    pub doc: &'a Document,
    pub findings: &'a [Diagnostic],
    pub title: Option<String>,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub byline: Option<String>,
    pub desk: Option<String>,
    pub status: Option<String>,
    pub standfirst: Option<String>,
    pub lang: String,
    /// The article's own address (`url:` or `canonical:` in front matter), when safe.
    pub url: Option<String>,
    /// Front matter keys no format gives a place of its own.
    pub other_front_matter: Vec<(String, String)>,
    pub sources: Vec<Source>,
    /// Entities mentioned in the prose or speaking in claims, in order of first mention.
    pub entities: Vec<Entity>,
    /// Entities that only publish sources (`by:`), kept apart from the mentions.
    pub entities_by: Vec<Entity>,
    pub claims: Vec<Claim>,
    pub blocks: Vec<Block>,
    /// For each of `syntax.mentions`: its entity in `entities` (`None` for `by:` mentions).
    pub mention_entity: Vec<Option<usize>>,
    /// For each of `syntax.citations`: its source, and which reference to it this is (1-based).
    pub citation_source: Vec<Option<(usize, usize)>>,
    /// Sorted by start; they never overlap.
    pub edits: Vec<Edit>,
}

fn front(doc: &Document, key: &str) -> Option<String> {
    let fm = doc.syntax.front_matter.as_ref()?;
    let value = fm.get(key)?.text.trim();
    (!value.is_empty()).then(|| value.to_string())
}

fn lookup(ws: &Workspace, id: &str) -> Entity {
    match ws.entity(id).next() {
        Some((_, def)) => {
            let field = |key: &str| {
                def.field_value(key)
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_string)
            };
            Entity {
                id: id.to_string(),
                defined: true,
                name: def.name.text.trim().to_string(),
                kind: field("kind"),
                role: field("role"),
                description: field("description"),
                url: field("url").and_then(|u| safe_url(&u).map(str::to_string)),
                wikidata: field("wikidata").filter(|w| wikidata_url(w).is_some()),
                mentions: 0,
            }
        }
        None => Entity {
            id: id.to_string(),
            defined: false,
            name: id.to_string(),
            kind: None,
            role: None,
            description: None,
            url: None,
            wikidata: None,
            mentions: 0,
        },
    }
}

impl<'a> Article<'a> {
    pub fn new(ws: &'a Workspace, file: FileId, findings: &'a [Diagnostic]) -> Article<'a> {
        let doc = ws.document(file);
        let syntax = &doc.syntax;

        // Sources: the first valid definition of each id.
        let mut defined: Vec<&crate::syntax::Definition> = Vec::new();
        let mut def_by_id: HashMap<&str, usize> = HashMap::new();
        for def in &syntax.definitions {
            if def.kind == DefinitionKind::Source && def.has_valid_id() {
                def_by_id.entry(def.id.text.as_str()).or_insert_with(|| {
                    defined.push(def);
                    defined.len() - 1
                });
            }
        }
        // Numbered by first citation, in document order.
        let mut order: Vec<usize> = Vec::new();
        let mut number_of: Vec<Option<usize>> = vec![None; defined.len()];
        let mut citation_order: Vec<usize> = (0..syntax.citations.len()).collect();
        citation_order.sort_by_key(|&i| syntax.citations[i].range.start);
        for &i in &citation_order {
            if let Some(&d) = def_by_id.get(syntax.citations[i].id.as_str())
                && number_of[d].is_none()
            {
                number_of[d] = Some(order.len());
                order.push(d);
            }
        }
        for (d, slot) in number_of.iter_mut().enumerate() {
            if slot.is_none() {
                *slot = Some(order.len());
                order.push(d);
            }
        }

        let mut entities_by: Vec<Entity> = Vec::new();
        let mut by_index: HashMap<String, usize> = HashMap::new();
        let mut sources: Vec<Source> = order
            .iter()
            .enumerate()
            .map(|(n, &d)| {
                let def = defined[d];
                let field = |key: &str| {
                    def.field_value(key)
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .map(str::to_string)
                };
                let by = field("by").and_then(|by| {
                    let id = by.strip_prefix('@')?.trim().to_string();
                    let next = entities_by.len();
                    let index = *by_index.entry(id.clone()).or_insert(next);
                    if index == next {
                        entities_by.push(lookup(ws, &id));
                    }
                    Some(index)
                });
                Source {
                    id: def.id.text.clone(),
                    number: n + 1,
                    title: def.name.text.trim().to_string(),
                    by,
                    url: field("url").and_then(|u| safe_url(&u).map(str::to_string)),
                    date: field("date"),
                    kind: field("kind"),
                    accessed: field("accessed"),
                    archive: field("archive").and_then(|u| safe_url(&u).map(str::to_string)),
                    cited: 0,
                }
            })
            .collect();
        let source_of = |id: &str| def_by_id.get(id).and_then(|&d| number_of[d]);

        let mut citation_source = vec![None; syntax.citations.len()];
        for &i in &citation_order {
            if let Some(s) = source_of(syntax.citations[i].id.as_str()) {
                sources[s].cited += 1;
                citation_source[i] = Some((s, sources[s].cited));
            }
        }

        // Entities mentioned, in order of first mention.
        let mut entities: Vec<Entity> = Vec::new();
        let mut entity_index: HashMap<&str, usize> = HashMap::new();
        let mut mention_entity = vec![None; syntax.mentions.len()];
        let mut mention_order: Vec<usize> = (0..syntax.mentions.len()).collect();
        mention_order.sort_by_key(|&i| syntax.mentions[i].range.start);
        for &i in &mention_order {
            let m = &syntax.mentions[i];
            if m.kind == MentionKind::By {
                continue;
            }
            let e = *entity_index.entry(m.id.as_str()).or_insert_with(|| {
                entities.push(lookup(ws, &m.id));
                entities.len() - 1
            });
            entities[e].mentions += 1;
            mention_entity[i] = Some(e);
        }

        let mut edits = Vec::new();
        if let Some(fm) = &syntax.front_matter {
            edits.push(Edit {
                range: fm.range,
                piece: Piece::Remove,
            });
        }
        for def in &syntax.definitions {
            edits.push(Edit {
                range: def.range,
                piece: Piece::Remove,
            });
        }
        for s in &syntax.suppressions {
            edits.push(Edit {
                range: s.range,
                piece: Piece::Remove,
            });
        }
        let text = doc.text.as_str();
        for (i, m) in syntax.mentions.iter().enumerate() {
            match m.kind {
                MentionKind::Bare => edits.push(Edit {
                    range: m.range,
                    piece: Piece::Mention(i),
                }),
                MentionKind::Link => {
                    let close = text[m.range.start..m.target.start]
                        .rfind("](")
                        .map_or(m.target.start, |at| m.range.start + at);
                    edits.push(Edit {
                        range: TextRange::new(m.range.start, m.range.start + 1),
                        piece: Piece::MentionOpen(i),
                    });
                    edits.push(Edit {
                        range: TextRange::new(close, m.range.end),
                        piece: Piece::MentionClose(i),
                    });
                }
                MentionKind::Speaker | MentionKind::By => {}
            }
        }
        let mut claims: Vec<Claim> = Vec::new();
        for (i, c) in syntax.claims.iter().enumerate() {
            edits.push(Edit {
                range: TextRange::new(c.range.start, c.text.start),
                piece: Piece::ClaimOpen(i),
            });
            edits.push(Edit {
                range: TextRange::new(c.text.end, c.range.end),
                piece: Piece::ClaimClose(i),
            });
            let mut claim_sources = Vec::new();
            let mut missing = Vec::new();
            for s in &c.sources {
                let id = s.text.trim_start_matches('^');
                match source_of(id) {
                    Some(n) if !claim_sources.contains(&n) => claim_sources.push(n),
                    Some(_) => {}
                    None => missing.push(id.to_string()),
                }
            }
            let speakers = c
                .speakers
                .iter()
                .filter_map(|s| {
                    let id = s.text.trim_start_matches('@');
                    entity_index.get(id).copied()
                })
                .collect();
            claims.push(Claim {
                text: String::new(),
                status: c.status.map(|(s, _)| s),
                sources: claim_sources,
                missing_sources: missing,
                speakers,
                citations: Vec::new(),
                block: None,
            });
        }
        for (i, c) in syntax.citations.iter().enumerate() {
            match c.claim {
                Some(claim) => {
                    if let Some(claim) = claims.get_mut(claim as usize) {
                        claim.citations.push(i);
                    }
                }
                None => edits.push(Edit {
                    range: c.range,
                    piece: Piece::Cite(i),
                }),
            }
        }
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        // Something inside front matter or a definition is gone with it.
        let mut kept: Vec<Edit> = Vec::with_capacity(edits.len());
        for edit in edits {
            if kept
                .last()
                .is_some_and(|last| edit.range.start < last.range.end)
            {
                continue;
            }
            kept.push(edit);
        }

        let mut article = Article {
            doc,
            findings,
            title: front(doc, "title"),
            date: front(doc, "date"),
            updated: front(doc, "updated"),
            byline: front(doc, "byline"),
            desk: front(doc, "desk"),
            status: front(doc, "status"),
            standfirst: front(doc, "standfirst")
                .or_else(|| front(doc, "dek"))
                .or_else(|| front(doc, "summary")),
            lang: front(doc, "lang")
                .filter(|l| {
                    l.len() <= 35 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
                .unwrap_or_else(|| "en".to_string()),
            url: front(doc, "url")
                .or_else(|| front(doc, "canonical"))
                .and_then(|u| safe_url(&u).map(str::to_string)),
            other_front_matter: Vec::new(),
            sources,
            entities,
            entities_by,
            claims,
            blocks: Vec::new(),
            mention_entity,
            citation_source,
            edits: kept,
        };
        if let Some(fm) = &syntax.front_matter {
            let known = [
                "title",
                "date",
                "updated",
                "byline",
                "desk",
                "status",
                "standfirst",
                "dek",
                "summary",
                "lang",
                "url",
                "canonical",
            ];
            article.other_front_matter = fm
                .entries
                .iter()
                .filter(|e| !known.contains(&e.key.text.as_str()))
                .map(|e| (e.key.text.clone(), e.value.text.trim().to_string()))
                .collect();
        }
        // Citations and blocks are both in document order: each block takes its run.
        let cited_at: Vec<(usize, usize)> = citation_order
            .iter()
            .filter_map(|&i| {
                let (s, _) = article.citation_source[i]?;
                Some((syntax.citations[i].range.start, s))
            })
            .collect();
        // Blocks a reader does not see (only comments) are left out; `kept_block` maps the
        // parser's blocks to the ones kept.
        let mut kept_block = vec![None; syntax.blocks.len()];
        article.blocks = syntax
            .blocks
            .iter()
            .enumerate()
            .filter_map(|(index, b)| {
                let from = cited_at.partition_point(|&(at, _)| at < b.range.start);
                let to = cited_at.partition_point(|&(at, _)| at < b.range.end);
                let mut citations = Vec::new();
                for &(_, s) in &cited_at[from..to] {
                    if !citations.contains(&s) {
                        citations.push(s);
                    }
                }
                let mut text = article.plain_text(b.range);
                if b.kind == crate::syntax::BlockKind::TableRow {
                    // One row alone is no table to CommonMark: its pipes are still there.
                    let cells: Vec<&str> = text
                        .trim()
                        .trim_matches('|')
                        .split('|')
                        .map(str::trim)
                        .collect();
                    text = cells.join(" | ");
                }
                if text.is_empty() && citations.is_empty() {
                    return None;
                }
                Some((
                    index,
                    Block {
                        kind: b.kind,
                        text,
                        citations,
                    },
                ))
            })
            .enumerate()
            .map(|(kept, (index, block))| {
                kept_block[index] = Some(kept);
                block
            })
            .collect();
        for (i, c) in syntax.claims.iter().enumerate() {
            let text = article.plain_text(c.text);
            let after = syntax
                .blocks
                .partition_point(|b| b.range.end <= c.range.start);
            let block = syntax
                .blocks
                .get(after)
                .filter(|b| b.range.intersects(c.range))
                .and_then(|_| kept_block[after]);
            let claim = &mut article.claims[i];
            claim.text = text;
            claim.block = block;
        }
        article
    }

    pub fn text(&self) -> &'a str {
        &self.doc.text
    }

    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// The entity of mention `i` of the document.
    pub fn mention(&self, i: usize) -> Option<&Entity> {
        self.mention_entity[i].map(|e| &self.entities[e])
    }

    /// The source `by:` names.
    pub fn by(&self, source: &Source) -> Option<&Entity> {
        source.by.map(|b| &self.entities_by[b])
    }

    /// Copies `range` of the text to `out`, each edit inside it replaced by what `piece`
    /// writes (given the edit's index in `edits`). Characters the HTML renderer uses as placeholders are replaced first, so an
    /// article cannot forge one.
    pub fn rewrite(
        &self,
        range: TextRange,
        out: &mut String,
        mut piece: impl FnMut(&mut String, usize, Piece),
    ) {
        let text = self.text();
        let first = self.edits.partition_point(|e| e.range.start < range.start);
        let mut at = range.start;
        let copy = |out: &mut String, from: usize, to: usize| {
            for c in text[from..to].chars() {
                out.push(if is_placeholder_char(c) {
                    '\u{FFFD}'
                } else {
                    c
                });
            }
        };
        for (index, edit) in self.edits.iter().enumerate().skip(first) {
            if edit.range.end > range.end {
                break;
            }
            copy(out, at, edit.range.start);
            piece(out, index, edit.piece);
            at = edit.range.end;
        }
        copy(out, at, range.end);
    }

    /// The text of `range` as a reader sees it: annotations resolved (mentions as names,
    /// citations gone, claim spans as their text), Markdown read, no markup left.
    pub fn plain_text(&self, range: TextRange) -> String {
        let mut source = String::with_capacity(range.len());
        self.rewrite(range, &mut source, |out, _, piece| match piece {
            Piece::Mention(i) => {
                if let Some(e) = self.mention(i) {
                    super::escape_markdown(out, &e.name);
                }
            }
            Piece::Remove
            | Piece::MentionOpen(_)
            | Piece::MentionClose(_)
            | Piece::Cite(_)
            | Piece::ClaimOpen(_)
            | Piece::ClaimClose(_) => {}
        });
        let mut out = String::new();
        for event in Parser::new_ext(&source, options()) {
            match event {
                Event::Text(t) | Event::Code(t) => out.push_str(&t),
                Event::SoftBreak | Event::HardBreak => out.push(' '),
                Event::End(
                    TagEnd::Paragraph
                    | TagEnd::Heading(_)
                    | TagEnd::Item
                    | TagEnd::TableCell
                    | TagEnd::BlockQuote(_)
                    | TagEnd::CodeBlock,
                ) if !out.ends_with(' ') && !out.is_empty() => out.push(' '),
                _ => {}
            }
        }
        out.trim().to_string()
    }
}

pub const PLACEHOLDER_OPEN: char = '\u{E000}';
pub const PLACEHOLDER_CLOSE: char = '\u{E001}';

pub fn is_placeholder_char(c: char) -> bool {
    c == PLACEHOLDER_OPEN || c == PLACEHOLDER_CLOSE
}

/// `raw` HTML with its comments taken out; `in_comment` carries an open comment from one
/// piece of an HTML block to the next.
pub fn strip_comments(raw: &str, in_comment: &mut bool) -> String {
    let mut out = String::new();
    let mut rest = raw;
    loop {
        if *in_comment {
            match rest.find("-->") {
                Some(end) => {
                    rest = &rest[end + 3..];
                    *in_comment = false;
                }
                None => {
                    // Keep the line breaks so the block keeps its shape.
                    out.extend(rest.chars().filter(|&c| c == '\n'));
                    return out;
                }
            }
        } else {
            match rest.find("<!--") {
                Some(start) => {
                    out.push_str(&rest[..start]);
                    rest = &rest[start + 4..];
                    *in_comment = true;
                }
                None => {
                    out.push_str(rest);
                    return out;
                }
            }
        }
    }
}
