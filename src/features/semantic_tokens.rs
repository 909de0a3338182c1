//! Semantic tokens: what each piece of markup is, so an editor can colour mentions by the kind
//! of entity, claim spans by their status and numbers by whether they have a source.
//!
//! # Legend
//!
//! Token types, in this order (the index is what the protocol sends, see [`TOKEN_TYPES`]):
//!
//! | # | type | on | standard fallback |
//! |---|---|---|---|
//! | 0 | `person` | a mention (`@id`, `[text](@id)`, a claim-span speaker, `by: @id`) or definition label `[@id]` of an entity of kind `person` | `variable` |
//! | 1 | `organization` | … of kind `org` | `namespace` |
//! | 2 | `place` | … of kind `place` | `struct` |
//! | 3 | `unit` | … of kind `unit` | `class` |
//! | 4 | `event` | … of kind `event` | `event` |
//! | 5 | `work` | … of kind `work` | `type` |
//! | 6 | `entity` | … of kind `other`, with no or an unknown kind, or of an undefined id | `variable` |
//! | 7 | `citation` | a citation `[^id]`, a claim-span attribute `^id`, a source definition label `[^id]` | `label` |
//! | 8 | `claim` | a claim span `[text]{attrs}`, less the tokens inside it | `string` |
//! | 9 | `number` | a number in prose | `number` |
//! | 10 | `property` | a field name in a definition, a key in front matter, a claim-span attribute key (`status`, `key=`) | `property` |
//! | 11 | `comment` | a suppression comment `<!-- newsmark-… -->` | `comment` |
//!
//! Token modifiers, bit `1 << n` for the `n`-th (see [`TOKEN_MODIFIERS`] and [`modifier`]):
//!
//! | bit | modifier | on |
//! |---|---|---|
//! | 0 | `definition` | a definition label `[@id]` or `[^id]` (a standard LSP modifier) |
//! | 1 | `confirmed` | a claim span with `status=confirmed` |
//! | 2 | `reported` | … `status=reported` |
//! | 3 | `disputed` | … `status=disputed` |
//! | 4 | `unverified` | … `status=unverified` |
//! | 5 | `false` | … `status=false` |
//! | 6 | `unattributed` | a number the attribution rules find neither cited nor attributed: `unattributed-number` reports it, or `unattributed-quote` reports the quotation of three or more words that holds it |
//! | 7 | `unsourced` | a number attributed in prose (a cue such as "said", or a speaker-only claim span) whose sentence cites no source: `missing-source` reports the sentence |
//! | 8 | `directive` | a suppression comment |
//!
//! Numbers are judged exactly as the hover card judges them (one implementation,
//! `attribution_info`): a number in a heading, an exempt one (a year, a date, …) and a cited
//! or sourced one carry no modifier. Suppression comments and rule levels are not consulted:
//! the modifier says what the number *is*, not whether a diagnostic is shown for it.
//!
//! The "standard fallback" column is a standard LSP type an editor extension may declare as
//! the custom type's super type (VS Code's `semanticTokenTypes[].superType`), so that themes
//! that know nothing of newsmark still colour the tokens; [`TokenType::fallback`] returns it.
//!
//! # Shape of the result
//!
//! Tokens are sorted, never overlap and never cross a line: a construct that runs over several
//! lines (a link mention, a claim span, a comment) gives one token per line, without the line
//! breaks. Tokens nest by cutting: a mention inside a claim span is a mention token, and the
//! claim span is what is left around it. Ranges are byte ranges; the protocol layer converts
//! them to its encoding and delta-encodes them.

use rustc_hash::FxHashMap;

use super::attribution_info::{self, Verdict};
use crate::syntax::{ClaimStatus, DefinitionKind, MentionKind, TextRange};
use crate::workspace::{FileId, Workspace};

/// Token type names, indexed by [`TokenType::index`]. Fixed: the order is the protocol.
pub const TOKEN_TYPES: [&str; 12] = [
    "person",
    "organization",
    "place",
    "unit",
    "event",
    "work",
    "entity",
    "citation",
    "claim",
    "number",
    "property",
    "comment",
];

/// Token modifier names; the `n`-th is bit `1 << n` of [`Token::modifiers`].
pub const TOKEN_MODIFIERS: [&str; 9] = [
    "definition",
    "confirmed",
    "reported",
    "disputed",
    "unverified",
    "false",
    "unattributed",
    "unsourced",
    "directive",
];

/// The modifier bits of [`Token::modifiers`], in the order of [`TOKEN_MODIFIERS`].
pub mod modifier {
    pub const DEFINITION: u32 = 1 << 0;
    pub const CONFIRMED: u32 = 1 << 1;
    pub const REPORTED: u32 = 1 << 2;
    pub const DISPUTED: u32 = 1 << 3;
    pub const UNVERIFIED: u32 = 1 << 4;
    pub const FALSE: u32 = 1 << 5;
    pub const UNATTRIBUTED: u32 = 1 << 6;
    pub const UNSOURCED: u32 = 1 << 7;
    pub const DIRECTIVE: u32 = 1 << 8;
}

/// See the [module docs](self) for what each type is put on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u32)]
pub enum TokenType {
    Person = 0,
    Organization = 1,
    Place = 2,
    Unit = 3,
    Event = 4,
    Work = 5,
    Entity = 6,
    Citation = 7,
    Claim = 8,
    Number = 9,
    Property = 10,
    Comment = 11,
}

impl TokenType {
    pub const ALL: [TokenType; 12] = [
        TokenType::Person,
        TokenType::Organization,
        TokenType::Place,
        TokenType::Unit,
        TokenType::Event,
        TokenType::Work,
        TokenType::Entity,
        TokenType::Citation,
        TokenType::Claim,
        TokenType::Number,
        TokenType::Property,
        TokenType::Comment,
    ];

    /// The index into [`TOKEN_TYPES`], which is what the protocol sends.
    pub fn index(self) -> u32 {
        self as u32
    }

    pub fn as_str(self) -> &'static str {
        TOKEN_TYPES[self as usize]
    }

    /// A standard LSP token type close to this one, for editors that need a super type.
    pub fn fallback(self) -> &'static str {
        match self {
            TokenType::Person | TokenType::Entity => "variable",
            TokenType::Organization => "namespace",
            TokenType::Place => "struct",
            TokenType::Unit => "class",
            TokenType::Event => "event",
            TokenType::Work => "type",
            TokenType::Citation => "label",
            TokenType::Claim => "string",
            TokenType::Number => "number",
            TokenType::Property => "property",
            TokenType::Comment => "comment",
        }
    }

    /// The type for an entity of `kind` (the value of its `kind:` field).
    pub fn for_entity_kind(kind: Option<&str>) -> TokenType {
        match kind {
            Some("person") => TokenType::Person,
            Some("org") => TokenType::Organization,
            Some("place") => TokenType::Place,
            Some("unit") => TokenType::Unit,
            Some("event") => TokenType::Event,
            Some("work") => TokenType::Work,
            _ => TokenType::Entity,
        }
    }
}

/// The names of the modifiers set in `bits`, in legend order.
pub fn modifier_names(bits: u32) -> Vec<&'static str> {
    TOKEN_MODIFIERS
        .iter()
        .enumerate()
        .filter(|&(i, _)| bits & (1 << i) != 0)
        .map(|(_, name)| *name)
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Token {
    /// Within one line, never including a line break.
    pub range: TextRange,
    pub kind: TokenType,
    /// A set of [`modifier`] bits.
    pub modifiers: u32,
}

/// Every token of `file`, sorted, non-overlapping, one line each; in an article over the size
/// limit, those of the part the prose rules check (a 50 MB article would otherwise answer
/// with about 100 MB of tokens).
pub fn tokens(ws: &Workspace, file: FileId) -> Vec<Token> {
    let end = crate::rules::prose_end(ws, file);
    tokens_in_range(ws, file, TextRange::new(0, end))
        .into_iter()
        .filter(|t| t.range.start < end)
        .collect()
}

/// The tokens of `file` now, given those computed for `old_text`: the blocks around the
/// changed bytes are recomputed, the tokens before them kept and the ones after them shifted.
pub fn update(ws: &Workspace, file: FileId, old_text: &str, old_tokens: &[Token]) -> Vec<Token> {
    let doc = ws.document(file);
    let new_text = doc.text.as_str();
    let (old_bytes, new_bytes) = (old_text.as_bytes(), new_text.as_bytes());
    let prefix = old_bytes
        .iter()
        .zip(new_bytes)
        .take_while(|(a, b)| a == b)
        .count();
    let max_suffix = old_bytes.len().min(new_bytes.len()) - prefix;
    let suffix = old_bytes
        .iter()
        .rev()
        .zip(new_bytes.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    if prefix == old_bytes.len() && prefix == new_bytes.len() {
        return old_tokens.to_vec();
    }
    if new_bytes.len() > ws.config.limits.prose_bytes {
        // Where the tokens stop moves with the text: recompute.
        return tokens(ws, file);
    }
    // The changed bytes, widened to whole blocks, definitions and front matter of the new text.
    let syntax = &doc.syntax;
    let mut region = TextRange::new(prefix, new_bytes.len() - suffix);
    let touches = |r: TextRange, region: TextRange| r.start <= region.end && region.start <= r.end;
    let units = syntax
        .blocks
        .iter()
        .map(|b| b.range)
        .chain(syntax.definitions.iter().map(|d| d.range))
        .chain(syntax.front_matter.iter().map(|f| f.range));
    for unit in units {
        if touches(unit, region) {
            region.start = region.start.min(unit.start);
            region.end = region.end.max(unit.end);
        }
    }
    // Whole lines, so no token is cut where the region starts or ends.
    region.start = doc
        .line_index
        .line_range(new_text, doc.line_index.line_of(region.start))
        .start;
    region.end = doc
        .line_index
        .line_range(new_text, doc.line_index.line_of(region.end))
        .end;
    let shift = new_bytes.len() as isize - old_bytes.len() as isize;
    let old_region_end = (region.end as isize - shift).max(0) as usize;
    if region.start > prefix || old_region_end < old_bytes.len() - suffix.min(old_bytes.len()) {
        return tokens(ws, file);
    }
    let mut out: Vec<Token> = old_tokens
        .iter()
        .take_while(|t| t.range.end < region.start)
        .cloned()
        .collect();
    out.extend(
        tokens_in_range(ws, file, region)
            .into_iter()
            .filter(|t| t.range.start >= region.start && t.range.end <= region.end),
    );
    out.extend(
        old_tokens
            .iter()
            .filter(|t| t.range.start > old_region_end)
            .map(|t| {
                let mut t = *t;
                t.range = TextRange::new(
                    (t.range.start as isize + shift) as usize,
                    (t.range.end as isize + shift) as usize,
                );
                t
            }),
    );
    out
}

/// The tokens of `file` that touch `range`, with the same shape as [`tokens`]. A token that
/// reaches outside `range` is returned whole (protocol clients accept that), but a construct
/// that runs over several lines only gives the lines that touch the range.
pub fn tokens_in_range(ws: &Workspace, file: FileId, range: TextRange) -> Vec<Token> {
    let doc = ws.document(file);
    let text = doc.text.as_str();
    let range = TextRange::new(range.start.min(text.len()), range.end.min(text.len()));
    let syntax = &doc.syntax;

    // A token cut by the tokens inside it (a claim span by a mention, say) needs all of them,
    // even those outside `range`, or it would be painted over them. Every prose token lies in
    // one block: widen the range to the blocks it touches.
    let mut wide = range;
    let blocks = &syntax.blocks;
    let first = blocks.partition_point(|b| b.range.end < range.start);
    for block in blocks[first..]
        .iter()
        .take_while(|b| b.range.start <= range.end)
    {
        wide.start = wide.start.min(block.range.start);
        wide.end = wide.end.max(block.range.end);
    }
    let in_wide = |r: TextRange| r.start <= wide.end && wide.start <= r.end;

    let mut raw: Vec<Token> = Vec::new();
    let token = |range: TextRange, kind: TokenType, modifiers: u32| Token {
        range,
        kind,
        modifiers,
    };

    if let Some(fm) = &syntax.front_matter
        && in_wide(fm.range)
    {
        raw.extend(
            fm.entries
                .iter()
                .map(|e| token(e.key.range, TokenType::Property, 0)),
        );
    }

    for def in syntax.definitions.iter().filter(|d| in_wide(d.range)) {
        let kind = match def.kind {
            DefinitionKind::Entity => TokenType::for_entity_kind(def.field_value("kind")),
            DefinitionKind::Source => TokenType::Citation,
        };
        raw.push(token(def.label, kind, modifier::DEFINITION));
        raw.extend(
            def.fields
                .iter()
                .map(|f| token(f.key.range, TokenType::Property, 0)),
        );
    }

    // Entity kinds by id: an article mentions the same few entities over and over.
    let mut kinds: FxHashMap<&str, TokenType> = FxHashMap::default();
    for mention in syntax.mentions.iter().filter(|m| in_wide(m.range)) {
        let id = mention.id.as_str();
        let kind = *kinds.entry(id).or_insert_with(|| {
            let def = ws.entity(id).next().map(|(_, def)| def);
            TokenType::for_entity_kind(def.and_then(|d| d.field_value("kind")))
        });
        let covered = match mention.kind {
            MentionKind::Link => mention.range,
            MentionKind::Bare | MentionKind::Speaker | MentionKind::By => mention.target,
        };
        raw.push(token(covered, kind, 0));
    }

    raw.extend(
        syntax
            .citations
            .iter()
            .filter(|c| in_wide(c.range))
            .map(|c| token(c.range, TokenType::Citation, 0)),
    );

    for claim in syntax.claims.iter().filter(|c| in_wide(c.range)) {
        let status = match claim.status.map(|(s, _)| s) {
            None => 0,
            Some(ClaimStatus::Confirmed) => modifier::CONFIRMED,
            Some(ClaimStatus::Reported) => modifier::REPORTED,
            Some(ClaimStatus::Disputed) => modifier::DISPUTED,
            Some(ClaimStatus::Unverified) => modifier::UNVERIFIED,
            Some(ClaimStatus::False) => modifier::FALSE,
        };
        raw.push(token(claim.range, TokenType::Claim, status));
        if let Some((_, value)) = claim.status
            && let Some(eq) = text[claim.attrs.start..value.start].rfind('=')
        {
            let eq = claim.attrs.start + eq;
            let key = TextRange::new(eq.saturating_sub("status".len()), eq);
            raw.push(token(key, TokenType::Property, 0));
        }
        raw.extend(
            claim
                .other
                .iter()
                .map(|(key, _)| token(key.range, TokenType::Property, 0)),
        );
    }

    for number in attribution_info::numbers_in(ws, file, wide) {
        let modifiers = match number.verdict {
            Verdict::NotAttributed => modifier::UNATTRIBUTED,
            Verdict::Cue(_) | Verdict::Speaker(_) => modifier::UNSOURCED,
            Verdict::Heading | Verdict::Cited(_) | Verdict::SourcedSpan(_) | Verdict::Exempt(_) => {
                0
            }
        };
        raw.push(token(number.range, TokenType::Number, modifiers));
    }

    raw.extend(
        syntax
            .suppressions
            .iter()
            .filter(|s| in_wide(s.range))
            .map(|s| token(s.range, TokenType::Comment, modifier::DIRECTIVE)),
    );

    // Outer constructs first, so the sweep below meets a span before what it holds. Each
    // source above is already in text order: the stable sort merges a few sorted runs.
    raw.retain(|t| !t.range.is_empty());
    raw.sort_by_key(|t| (t.range.start, std::cmp::Reverse(t.range.end)));

    let mut out = Lines {
        text,
        bytes: text.as_bytes(),
        keep: range,
        emitted: 0,
        tokens: Vec::with_capacity(raw.len() + raw.len() / 8),
    };
    // Open tokens, outermost first, each with how far it has been emitted.
    let mut open: Vec<(Token, usize)> = Vec::new();
    for t in raw {
        while let Some(&(top, _)) = open.last()
            && top.range.end <= t.range.start
        {
            close(&mut open, &mut out);
        }
        if let Some((top, done)) = open.last_mut() {
            out.emit(
                TextRange::new(*done, t.range.start),
                top.kind,
                top.modifiers,
            );
            *done = t.range.start;
        }
        let mut t = t;
        // Constructs nest properly; clip anything that would not, rather than overlap.
        if let Some(&(top, _)) = open.last() {
            t.range.end = t.range.end.min(top.range.end);
        }
        open.push((t, t.range.start));
    }
    while !open.is_empty() {
        close(&mut open, &mut out);
    }
    out.tokens
}

/// Emits what is left of the innermost open token and hands the rest of the way to its parent.
fn close(open: &mut Vec<(Token, usize)>, out: &mut Lines) {
    let (t, done) = open.pop().expect("only called with an open token");
    out.emit(TextRange::new(done, t.range.end), t.kind, t.modifiers);
    if let Some((_, parent_done)) = open.last_mut() {
        *parent_done = (*parent_done).max(t.range.end);
    }
}

/// The output: tokens cut at line breaks, kept when they touch `keep`.
struct Lines<'a> {
    text: &'a str,
    bytes: &'a [u8],
    keep: TextRange,
    /// Where the last emitted token ends: nothing is emitted before it.
    emitted: usize,
    tokens: Vec<Token>,
}

impl Lines<'_> {
    fn emit(&mut self, range: TextRange, kind: TokenType, modifiers: u32) {
        let mut start = range.start.max(self.emitted);
        let end = range.end;
        while start < end {
            let piece_end =
                memchr::memchr2(b'\n', b'\r', &self.bytes[start..end]).map_or(end, |at| start + at);
            if piece_end > start && piece_end >= self.keep.start && start <= self.keep.end {
                debug_assert!(
                    self.text.is_char_boundary(start) && self.text.is_char_boundary(piece_end)
                );
                self.tokens.push(Token {
                    range: TextRange::new(start, piece_end),
                    kind,
                    modifiers,
                });
            }
            start = piece_end;
            while start < end && matches!(self.bytes[start], b'\n' | b'\r') {
                start += 1;
            }
        }
        self.emitted = self.emitted.max(end);
    }
}
