//! The `.news` markup: an error-tolerant parser that never fails.
//!
//! `parse` always returns a [`SyntaxFile`]; what it cannot make sense of becomes a
//! [`SyntaxError`] with a byte range and the rest of the file is still read. Besides the
//! annotations it produces a *prose mask*: a copy of the text of the same byte length in which
//! everything that is not running prose (code, comments, URLs, markup punctuation, mentions) is
//! overwritten, so the prose analyses can work on plain text while every offset they produce is
//! still an offset into the original.

mod block;
mod incremental;
mod inline;
pub mod line_index;
pub mod near;
mod parser;

pub use compact_str::CompactString;
pub use incremental::{Edit, reparse};
pub use line_index::{Encoding, LineCol, LineIndex};

/// A half-open byte range into a file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub const fn new(start: usize, end: usize) -> TextRange {
        TextRange { start, end }
    }
    pub fn len(self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
    pub fn contains(self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }
    pub fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn intersects(self, other: TextRange) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// A piece of text together with where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned {
    pub text: String,
    pub range: TextRange,
}

#[derive(Clone, Debug, Default)]
pub struct SyntaxFile {
    pub front_matter: Option<FrontMatter>,
    pub blocks: Vec<ProseBlock>,
    pub definitions: Vec<Definition>,
    pub mentions: Vec<Mention>,
    pub citations: Vec<Citation>,
    pub claims: Vec<ClaimSpan>,
    pub suppressions: Vec<Suppression>,
    pub errors: Vec<SyntaxError>,
    /// Same length as the text; see the module docs. Mentions become `E`, code and URLs `X`,
    /// everything else that is not prose becomes spaces.
    pub prose_mask: String,
    /// What [`reparse`] needs to parse only the part of the text an edit touched.
    pub reparse: Reparse,
}

impl SyntaxFile {
    pub(crate) fn shrink(&mut self) {
        self.blocks.shrink_to_fit();
        self.definitions.shrink_to_fit();
        self.mentions.shrink_to_fit();
        self.citations.shrink_to_fit();
        self.claims.shrink_to_fit();
        self.suppressions.shrink_to_fit();
        self.errors.shrink_to_fit();
        self.reparse.checkpoints.shrink_to_fit();
    }
}

/// Where the block pass could start again, and how its results are ordered.
///
/// The block pass pushes `by:` mentions and definition errors as it reads lines, the inline
/// pass the rest block by block after it: `mentions` and `errors` are each two runs in text
/// order, the first `block_mentions` and `block_errors` long.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reparse {
    /// Line starts where the block pass's state is what it is at the start of the body
    /// (nothing open: after a blank line outside fences and comments), in order.
    pub checkpoints: Vec<usize>,
    /// An edit starting at or before this offset may change the front matter (or make
    /// some): the whole text is parsed again.
    pub floor: usize,
    pub block_mentions: usize,
    pub block_errors: usize,
}

#[derive(Clone, Debug)]
pub struct FrontMatter {
    pub range: TextRange,
    pub entries: Vec<FrontMatterEntry>,
    pub terminated: bool,
}

#[derive(Clone, Debug)]
pub struct FrontMatterEntry {
    pub key: Spanned,
    pub value: Spanned,
}

impl FrontMatter {
    pub fn get(&self, key: &str) -> Option<&Spanned> {
        self.entries
            .iter()
            .find(|e| e.key.text == key)
            .map(|e| &e.value)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    Heading(u8),
    Paragraph,
    ListItem,
    TableRow,
}

/// A run of prose the sentence analyses look at. Headings are blocks too (names in them are
/// still matched) but numbers and quotations in them are not checked.
#[derive(Clone, Copy, Debug)]
pub struct ProseBlock {
    pub kind: BlockKind,
    pub range: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefinitionKind {
    Entity,
    Source,
}

#[derive(Clone, Debug)]
pub struct Definition {
    pub kind: DefinitionKind,
    pub id: Spanned,
    /// The whole `[@id]` or `[^id]` label.
    pub label: TextRange,
    /// Canonical name of an entity, title of a source.
    pub name: Spanned,
    pub fields: Vec<Field>,
    /// From the label to the end of the last field line.
    pub range: TextRange,
}

impl Definition {
    /// Definitions with a malformed id are kept (their fields are not prose) but define nothing.
    pub fn has_valid_id(&self) -> bool {
        is_valid_id(&self.id.text)
    }
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key.text == key)
    }
    pub fn field_value(&self, key: &str) -> Option<&str> {
        self.field(key).map(|f| f.value.text.as_str())
    }
    /// The `aliases:` field split at commas, empty parts dropped.
    pub fn aliases(&self) -> Vec<Spanned> {
        let Some(field) = self.field("aliases") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut offset = field.value.range.start;
        for part in field.value.text.split(',') {
            let trimmed = part.trim();
            if !trimmed.is_empty() {
                let lead = part.len() - part.trim_start().len();
                let start = offset + lead;
                out.push(Spanned {
                    text: trimmed.to_string(),
                    range: TextRange::new(start, start + trimmed.len()),
                });
            }
            offset += part.len() + 1;
        }
        out
    }
}

#[derive(Clone, Debug)]
pub struct Field {
    pub key: Spanned,
    pub value: Spanned,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MentionKind {
    /// `@id` in prose.
    Bare,
    /// `[display text](@id)`.
    Link,
    /// `@id` among a claim span's attributes (the speaker).
    Speaker,
    /// `by: @id` in a source definition.
    By,
}

#[derive(Clone, Debug)]
pub struct Mention {
    pub kind: MentionKind,
    /// Ids are short: stored inline, with no allocation of their own (a workspace holds
    /// hundreds of thousands of them).
    pub id: CompactString,
    /// The `@id` itself.
    pub target: TextRange,
    /// The whole construct: equal to `target` except for links, where it covers `[text](@id)`.
    pub range: TextRange,
}

/// A `[^id]` citation, or a `^id` attribute of a claim span.
#[derive(Clone, Debug)]
pub struct Citation {
    pub id: CompactString,
    pub range: TextRange,
    /// Index into `claims` when the citation is a claim span attribute.
    pub claim: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimStatus {
    Confirmed,
    Reported,
    Disputed,
    Unverified,
    False,
}

impl ClaimStatus {
    pub const ALL: [(&'static str, ClaimStatus); 5] = [
        ("confirmed", ClaimStatus::Confirmed),
        ("reported", ClaimStatus::Reported),
        ("disputed", ClaimStatus::Disputed),
        ("unverified", ClaimStatus::Unverified),
        ("false", ClaimStatus::False),
    ];
    pub fn parse(text: &str) -> Option<ClaimStatus> {
        Self::ALL
            .iter()
            .find(|(name, _)| *name == text)
            .map(|&(_, s)| s)
    }
}

#[derive(Clone, Debug)]
pub struct ClaimSpan {
    /// `[claim text]{attrs}` whole.
    pub range: TextRange,
    /// The claim text between the brackets.
    pub text: TextRange,
    /// Between the braces.
    pub attrs: TextRange,
    pub sources: Vec<Spanned>,
    pub speakers: Vec<Spanned>,
    pub status: Option<(ClaimStatus, TextRange)>,
    pub other: Vec<(Spanned, Spanned)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuppressionKind {
    NextLine,
    Disable,
    Enable,
}

#[derive(Clone, Debug)]
pub struct Suppression {
    pub kind: SuppressionKind,
    /// The whole `<!-- … -->` comment.
    pub range: TextRange,
    /// Empty means every rule.
    pub rules: Vec<Spanned>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

pub const ENTITY_KINDS: &[&str] = &["person", "org", "place", "unit", "event", "work", "other"];
pub const SOURCE_KINDS: &[&str] = &[
    "official",
    "agency",
    "press",
    "expert",
    "witness",
    "document",
    "social",
    "anonymous",
];
pub const ENTITY_FIELDS: &[&str] = &["kind", "role", "description", "aliases", "wikidata", "url"];
pub const SOURCE_FIELDS: &[&str] = &["url", "date", "by", "kind", "accessed", "archive"];
pub const FRONT_MATTER_KEYS: &[&str] = &[
    "title",
    "date",
    "byline",
    "desk",
    "status",
    "updated",
    "max-source-age-days",
];
pub const ARTICLE_STATUSES: &[&str] = &["draft", "review", "published"];

/// Whether `id` follows the id rule: `[A-Za-z0-9][A-Za-z0-9_-]*`, not ending in `-` or `_`.
pub fn is_valid_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    !bytes.is_empty()
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Length of the longest valid id at the start of `bytes` (0 when there is none). Trailing
/// `-` and `_` are left out, so `@ssu-` mentions `ssu` and the dash stays prose.
pub fn id_len(bytes: &[u8]) -> usize {
    if !bytes.first().is_some_and(u8::is_ascii_alphanumeric) {
        return 0;
    }
    let mut len = bytes
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
        .unwrap_or(bytes.len());
    while matches!(bytes[len - 1], b'-' | b'_') {
        len -= 1;
    }
    len
}

/// Characters after which `@` starts a mention (besides the start of a line): whitespace, the
/// spec's list, and Markdown emphasis markers, so `*@blinken*` is a mention. Completion uses
/// the same rule, so it offers ids exactly where the parser will see a mention.
pub(crate) fn opens_mention(ch: char) -> bool {
    ch.is_whitespace()
        || matches!(
            ch,
            '(' | '[' | '{' | '"' | '\'' | '“' | '‘' | '—' | '–' | '/' | '*' | '_'
        )
}

/// Whitespace-separated tokens of claim-span attributes; `key="a b"` stays one token.
pub(crate) fn attribute_tokens(text: &str, range: TextRange) -> Vec<TextRange> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = range.start;
    while i < range.end {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let mut quoted = false;
        while i < range.end && (quoted || !bytes[i].is_ascii_whitespace()) {
            if bytes[i] == b'"' {
                quoted = !quoted;
            }
            i += 1;
        }
        tokens.push(TextRange::new(start, i));
    }
    tokens
}

/// Parses a whole file. Never fails; see [`SyntaxFile::errors`].
pub fn parse(text: &str) -> SyntaxFile {
    block::parse(text)
}

#[cfg(test)]
mod tests;
