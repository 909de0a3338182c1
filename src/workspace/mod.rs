//! The workspace: every `.news` document under a root, parsed once, and the entity index
//! (definitions by id, and a matcher for names and aliases) built over all of them.

pub mod load;
pub mod near;

use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use rayon::prelude::*;

use crate::config::Config;
use crate::syntax::{self, Definition, DefinitionKind, LineIndex, Spanned, SyntaxFile};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// Whether a path names an article or registry: `*.news`, or `*.news.md` for people whose
/// other tools want a Markdown extension.
pub fn is_news_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".news") || name.ends_with(".news.md")
}

#[derive(Clone, Debug)]
pub struct Document {
    pub path: PathBuf,
    pub text: String,
    /// The parse; its `prose_mask` is moved out to [`Document::prose_mask`].
    pub syntax: SyntaxFile,
    pub line_index: LineIndex,
    /// The prose mask: as large as the text, so a server drops it for documents nobody is
    /// looking at ([`Document::release_mask`]) and it is rebuilt when next needed.
    mask: OnceLock<String>,
    /// [`Document::search_keys`], made on first use and kept with the document (a server
    /// shares it between snapshots until the document changes).
    search_keys: OnceLock<Vec<SearchKey>>,
}

/// A definition as a search over the whole workspace matches it: its id, name and aliases,
/// lower-cased once.
#[derive(Clone, Debug)]
pub struct SearchKey {
    /// Index into the document's `syntax.definitions`.
    pub index: usize,
    pub lower: Vec<String>,
    /// [`char_set`] of every string in `lower`: a query holding a character none of them has
    /// matches none of them, and most candidates are rejected with one AND.
    pub chars: u64,
}

/// The characters of `s` as a set of 64 bits: ASCII letters and digits one bit each, every
/// other character folded onto the remaining 28. A superset test on these sets never rejects
/// a string that holds every character of the query.
pub fn char_set(s: &str) -> u64 {
    s.chars().fold(0u64, |set, c| {
        let bit = match c {
            'a'..='z' => c as u32 - 'a' as u32,
            '0'..='9' => 26 + (c as u32 - '0' as u32),
            _ => 36 + (c as u32 % 28),
        };
        set | (1u64 << bit)
    })
}

impl Document {
    pub fn new(path: PathBuf, text: String) -> Document {
        let mut syntax = syntax::parse(&text);
        let mask = OnceLock::from(std::mem::take(&mut syntax.prose_mask));
        let line_index = LineIndex::new(&text);
        Document {
            path,
            text,
            syntax,
            line_index,
            mask,
            search_keys: OnceLock::new(),
        }
    }

    /// A document from a parse made elsewhere, with its prose mask, for the rules alone: it
    /// has no line index (the rules work on byte offsets; only front ends convert them).
    pub fn from_parts(path: PathBuf, text: String, syntax: SyntaxFile, mask: String) -> Document {
        Document {
            path,
            text,
            syntax,
            line_index: LineIndex::default(),
            mask: OnceLock::from(mask),
            search_keys: OnceLock::new(),
        }
    }

    /// This document after an edit to `text`: only the part of it the edit touched is parsed
    /// again (see [`syntax::reparse`]) when the prose mask is at hand; the result is the
    /// same as [`Document::new`]'s.
    pub fn edited(&self, text: String) -> Document {
        let edit = syntax::Edit::between(&self.text, &text);
        let reparsed = self
            .mask
            .get()
            .and_then(|mask| syntax::reparse(&self.syntax, mask, &text, edit));
        let Some(mut syntax) = reparsed else {
            return Document::new(self.path.clone(), text);
        };
        let mask = OnceLock::from(std::mem::take(&mut syntax.prose_mask));
        let line_index = LineIndex::new(&text);
        Document {
            path: self.path.clone(),
            text,
            syntax,
            line_index,
            mask,
            search_keys: OnceLock::new(),
        }
    }

    /// The document's definitions with a valid id, each with its id, name and (for an
    /// entity) aliases lower-cased: workspace symbol search matches tens of thousands of
    /// them per keystroke, and lower-casing them again each time was most of its cost.
    pub fn search_keys(&self) -> &[SearchKey] {
        self.search_keys.get_or_init(|| {
            self.syntax
                .definitions
                .iter()
                .enumerate()
                .filter(|(_, def)| def.has_valid_id())
                .map(|(index, def)| {
                    let aliases = match def.kind {
                        DefinitionKind::Entity => def.field_value("aliases").unwrap_or(""),
                        DefinitionKind::Source => "",
                    };
                    let lower = [def.id.text.as_str(), def.name.text.as_str()]
                        .into_iter()
                        .chain(aliases.split(','))
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(lowercase)
                        .collect::<Vec<String>>();
                    let chars = lower.iter().fold(0, |set, c| set | char_set(c));
                    SearchKey {
                        index,
                        lower,
                        chars,
                    }
                })
                .collect()
        })
    }

    /// See [`SyntaxFile::prose_mask`](crate::syntax::SyntaxFile::prose_mask).
    pub fn prose_mask(&self) -> &str {
        self.mask
            .get_or_init(|| syntax::parse(&self.text).prose_mask)
    }

    /// Frees the prose mask until it is needed again.
    pub fn release_mask(&mut self) {
        self.mask = OnceLock::new();
    }

    /// Whether the document defines an entity the index would hold (a valid `[@id]:`
    /// definition): what makes it part of every other document's check.
    pub fn defines_entities(&self) -> bool {
        self.syntax
            .definitions
            .iter()
            .any(|d| d.kind == DefinitionKind::Entity && d.has_valid_id())
    }
}

/// Where an entity is defined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DefinitionRef {
    pub file: FileId,
    /// Index into the file's `syntax.definitions`.
    pub index: usize,
}

/// Where an entity is mentioned: a file and an index into its `syntax.mentions`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MentionRef {
    pub file: FileId,
    pub index: usize,
}

/// Every `@id` construct (bare, link, speaker, `by:`) by entity id, in file order.
pub type Mentions = FxHashMap<String, Vec<MentionRef>>;

/// Entity definitions and mentions of the whole workspace, and a matcher for entity names.
///
/// Its two halves are built and kept apart, each behind an `Arc`, so that cloning the index
/// (a language server snapshot) costs a few reference counts: the definitions and names
/// change only when some document's entity definitions do, the mentions with every edit.
#[derive(Debug, Clone)]
pub struct EntityIndex {
    pub definitions: Arc<FxHashMap<String, Vec<DefinitionRef>>>,
    pub mentions: Arc<Mentions>,
    /// What completion matches an `@` query against (see [`CompletionKey`]).
    pub completion_keys: Arc<Vec<CompletionKey>>,
    names: Arc<Definitions>,
}

/// The definition half of the index: everything but the mentions.
#[derive(Debug)]
struct Definitions {
    definitions: Arc<FxHashMap<String, Vec<DefinitionRef>>>,
    /// Matchers for consecutive runs of `patterns`, each with the index of its first pattern.
    names: Vec<(usize, AhoCorasick)>,
    /// First two bytes of the names: only word starts that begin like a name are tried.
    name_starts: NameStarts,
    /// For each matcher pattern: the name and the ids of the entities that carry it.
    patterns: Vec<(String, Vec<String>)>,
    /// One entry per defined entity, side by side in memory: scanning 100,000 entities this
    /// way takes milliseconds, where following each definition into its document took 150 ms.
    completion_keys: Arc<Vec<CompletionKey>>,
    /// The names as near-miss lookups find them, built on first use.
    near: OnceLock<near::NearNames>,
}

/// Lower case, a character at a time (as completion compares queries), not `str::to_lowercase`
/// (which spells a final sigma differently).
fn lowercase(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

/// An entity as completion searches it: id, name and aliases, lower-cased once.
#[derive(Clone, Debug)]
pub struct CompletionKey {
    pub id: String,
    pub lower_id: String,
    pub lower_names: Vec<String>,
    /// [`char_mask`] of the id and names together: a query with a character none of them
    /// has cannot match, which rules out most entities without reading their names.
    pub chars: u64,
    pub definition: DefinitionRef,
}

/// A 64-bit summary of which characters `text` holds: one bit per ASCII letter and digit,
/// the other characters folded onto the remaining bits. If `char_mask(query)` has a bit
/// that `char_mask(text)` lacks, some character of the query is not in the text.
pub fn char_mask(text: &str) -> u64 {
    text.chars().fold(0, |mask, c| {
        let bit = match c {
            'a'..='z' => c as u32 - 'a' as u32,
            '0'..='9' => 26 + c as u32 - '0' as u32,
            _ => 36 + c as u32 % 28,
        };
        mask | 1 << bit
    })
}

/// The set of two-byte prefixes of the names, as a 64 Ki-bit table. Prose is full of capital
/// letters that start no name; two bytes rule out most of them before the automaton runs.
#[derive(Clone, Debug)]
struct NameStarts(Box<[u64; 1024]>);

impl Default for NameStarts {
    fn default() -> NameStarts {
        NameStarts(Box::new([0; 1024]))
    }
}

impl NameStarts {
    fn set(&mut self, pair: usize) {
        self.0[pair / 64] |= 1 << (pair % 64);
    }
    fn insert(&mut self, name: &[u8]) {
        match name {
            [] => {}
            // A one-byte name matches whatever follows it.
            [first] => (0..256).for_each(|second| self.set((*first as usize) << 8 | second)),
            [first, second, ..] => self.set((*first as usize) << 8 | *second as usize),
        }
    }
    fn may_start(&self, rest: &[u8]) -> bool {
        let pair = match rest {
            [first, second, ..] => (*first as usize) << 8 | *second as usize,
            // At the very end only a one-byte name could match; those set every pair.
            [first] => (*first as usize) << 8,
            [] => return false,
        };
        self.0[pair / 64] & (1 << (pair % 64)) != 0
    }
}

/// The most entity names in one automaton (see [`EntityIndex::build`]).
const NAMES_PER_MATCHER: usize = 5_000;

/// A plain-text occurrence of a known entity name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameMatch<'a> {
    pub start: usize,
    pub end: usize,
    /// Every entity that has this name or alias.
    pub entities: &'a [String],
}

impl EntityIndex {
    #[cfg(test)]
    fn build(docs: &[(FileId, &Document)]) -> EntityIndex {
        EntityIndex::assemble(
            Arc::new(Definitions::build(docs)),
            Arc::new(build_mentions(docs)),
        )
    }

    fn assemble(names: Arc<Definitions>, mentions: Arc<Mentions>) -> EntityIndex {
        EntityIndex {
            definitions: names.definitions.clone(),
            completion_keys: names.completion_keys.clone(),
            mentions,
            names,
        }
    }
}

fn build_mentions(docs: &[(FileId, &Document)]) -> Mentions {
    let mut mentions = Mentions::default();
    for &(file, doc) in docs {
        add_mentions(&mut mentions, file, &doc.syntax.mentions);
    }
    mentions
}

impl Definitions {
    fn build(docs: &[(FileId, &Document)]) -> Definitions {
        Definitions::build_chunked(docs, NAMES_PER_MATCHER)
    }

    /// `build`, with automata of at most `per_matcher` names (tests compare the one-automaton
    /// search with the anchored walk over several).
    fn build_chunked(docs: &[(FileId, &Document)], per_matcher: usize) -> Definitions {
        let mut definitions: FxHashMap<String, Vec<DefinitionRef>> = FxHashMap::default();
        let mut names: FxHashMap<String, Vec<String>> = FxHashMap::default();
        let mut completion_keys = Vec::new();
        for &(file, doc) in docs {
            for (index, def) in doc.syntax.definitions.iter().enumerate() {
                if def.kind != DefinitionKind::Entity || !def.has_valid_id() {
                    continue;
                }
                let at = DefinitionRef { file, index };
                let copies = definitions.entry(def.id.text.clone()).or_default();
                copies.push(at);
                let aliases = def.aliases();
                if copies.len() == 1 {
                    // Completion offers an id once, as its first definition describes it.
                    let lower_id = lowercase(&def.id.text);
                    let lower_names: Vec<String> = std::iter::once(&def.name.text)
                        .chain(aliases.iter().map(|a| &a.text))
                        .filter(|n| !n.is_empty())
                        .map(|n| lowercase(n))
                        .collect();
                    let chars = lower_names
                        .iter()
                        .fold(char_mask(&lower_id), |m, n| m | char_mask(n));
                    completion_keys.push(CompletionKey {
                        id: def.id.text.clone(),
                        lower_id,
                        lower_names,
                        chars,
                        definition: at,
                    });
                }
                let all_names = std::iter::once(def.name.text.as_str())
                    .chain(aliases.iter().map(|a| a.text.as_str()));
                for name in all_names.filter(|n| !n.is_empty()) {
                    let ids = names.entry(name.to_string()).or_default();
                    if !ids.contains(&def.id.text) {
                        ids.push(def.id.text.clone());
                    }
                }
            }
        }
        // The ids sharing a name in id order, not in the order the files happened to be read
        // (the server reads a folder in walk order, the CLI in path order; both must say the
        // same).
        let mut patterns: Vec<(String, Vec<String>)> = names
            .into_iter()
            .map(|(name, mut ids)| {
                ids.sort_unstable();
                (name, ids)
            })
            .collect();
        patterns.sort();
        // aho-corasick's construction grows with the square of the names (a final reordering
        // of its states follows chains as long as the automaton): 100,000 entities with two
        // aliases each took 35 s as one automaton. Automata of at most `NAMES_PER_MATCHER`
        // names are built in parallel in well under a second, at the cost of one more anchored
        // attempt per automaton at each word that may start a name. Up to that many names
        // (any newsroom's registry) there is one automaton, a DFA: a few table lookups per
        // attempt.
        let kind = if patterns.len() <= per_matcher {
            AhoCorasickKind::DFA
        } else {
            AhoCorasickKind::ContiguousNFA
        };
        let names: Vec<(usize, AhoCorasick)> = patterns
            .par_chunks(per_matcher)
            .enumerate()
            .map(|(chunk, names)| {
                // One automaton searches unanchored, with a prefilter, skipping the text
                // between candidates in a SIMD scan; several are tried anchored at each word
                // start instead (see `find_names`), where a prefilter is never consulted.
                let single = patterns.len() <= per_matcher;
                let matcher = AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .start_kind(if single {
                        StartKind::Unanchored
                    } else {
                        StartKind::Anchored
                    })
                    .prefilter(single)
                    .kind(Some(kind))
                    .build(names.iter().map(|(name, _)| name))
                    .expect("entity names always build a matcher");
                (chunk * per_matcher, matcher)
            })
            .collect();
        let mut name_starts = NameStarts::default();
        for (name, _) in &patterns {
            name_starts.insert(name.as_bytes());
        }
        Definitions {
            definitions: Arc::new(definitions),
            names,
            name_starts,
            patterns,
            completion_keys: Arc::new(completion_keys),
            near: OnceLock::new(),
        }
    }
}

fn add_mentions(map: &mut Mentions, file: FileId, mentions: &[crate::syntax::Mention]) {
    for (index, mention) in mentions.iter().enumerate() {
        let at = MentionRef { file, index };
        match map.get_mut(mention.id.as_str()) {
            Some(list) => list.push(at),
            None => {
                map.insert(mention.id.to_string(), vec![at]);
            }
        }
    }
}

fn remove_mentions(map: &mut Mentions, file: FileId, mentions: &[crate::syntax::Mention]) {
    // Each id once: an article names the same entity many times, and each pass walks the
    // id's list for the whole workspace.
    let ids: rustc_hash::FxHashSet<&str> = mentions.iter().map(|m| m.id.as_str()).collect();
    for id in ids {
        if let Some(list) = map.get_mut(id) {
            list.retain(|m| m.file != file);
            if list.is_empty() {
                map.remove(id);
            }
        }
    }
}

/// The registry half of an entity index (the definitions, names and aliases, not the
/// mentions), held to tell whether it changed: two indexes with the same `Registry` know the
/// same entities. Holding it keeps that registry alive, so a newer one is never taken for it.
#[derive(Clone)]
pub struct Registry(Arc<Definitions>);

impl Registry {
    pub fn same(&self, other: &Registry) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl EntityIndex {
    /// The registry this index was built from (see [`Registry`]).
    pub fn registry(&self) -> Registry {
        Registry(self.names.clone())
    }

    /// The entity names, aliases and ids, indexed for near misses (see
    /// [`near::NearNames`]); the numbers its name lookups return are for [`EntityIndex::name`].
    pub fn near_names(&self) -> &near::NearNames {
        self.names.near.get_or_init(|| {
            near::NearNames::build(
                self.names
                    .patterns
                    .par_iter()
                    .map(|(name, _)| name.as_str()),
                self.definitions.keys().map(String::as_str),
            )
        })
    }

    /// A name or alias from a [`EntityIndex::near_names`] lookup, and the ids of the entities
    /// that carry it (in id order).
    pub fn name(&self, index: u32) -> (&str, &[String]) {
        let (name, ids) = &self.names.patterns[index as usize];
        (name, ids)
    }

    /// Whole-word, case-sensitive occurrences of known names in `range` of `text`.
    pub fn find_names(&self, text: &str, range: crate::syntax::TextRange) -> Vec<NameMatch<'_>> {
        if self.names.names.is_empty() {
            return Vec::new();
        }
        let bytes = text.as_bytes();
        let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let mut out = Vec::new();
        if let [(_, matcher)] = self.names.names.as_slice() {
            // The leftmost-longest match from `at` is the longest name at the first place
            // any name starts: what the anchored walk below finds at that place, if it is a
            // word start. Elsewhere it is rejected and the search goes on one character on.
            let mut at = range.start;
            while at < range.end {
                let Some(m) = matcher.find(Input::new(text).span(at..range.end)) else {
                    break;
                };
                let (start, end) = (m.start(), m.end());
                if !is_word(text[..start].chars().next_back())
                    && !is_word(text[end..].chars().next())
                {
                    out.push(NameMatch {
                        start,
                        end,
                        entities: &self.names.patterns[m.pattern().as_usize()].1,
                    });
                    at = end;
                } else {
                    at = start + text[start..].chars().next().map_or(1, char::len_utf8);
                }
            }
            return out;
        }
        let mut i = range.start;
        // Whether the character before `i` is a letter or digit: a name only starts where a
        // word does. Carried along instead of decoded backwards at every position.
        let mut after_word = is_word(text[..i].chars().next_back());
        while i < range.end {
            let b = bytes[i];
            let (word, len) = if b < 0x80 {
                (b.is_ascii_alphanumeric(), 1)
            } else {
                let c = text[i..].chars().next().unwrap_or(' ');
                (c.is_alphanumeric(), c.len_utf8())
            };
            // A name's first byte is ASCII or a UTF-8 lead byte, so `i` is a char boundary
            // whenever `may_start` holds.
            // Names usually start with a letter or digit, but `#MeToo` does not: any byte a
            // name starts with is a candidate where no word runs into it.
            if !after_word && self.names.name_starts.may_start(&bytes[i..range.end]) {
                let input = Input::new(text).span(i..range.end).anchored(Anchored::Yes);
                // The longest name starting here, whichever automaton holds it.
                let longest = self
                    .names
                    .names
                    .iter()
                    .filter_map(|(first, matcher)| {
                        let m = matcher.find(input.clone())?;
                        Some((m.end(), first + m.pattern().as_usize()))
                    })
                    .max();
                if let Some((end, pattern)) = longest
                    && !is_word(text[end..].chars().next())
                {
                    out.push(NameMatch {
                        start: i,
                        end,
                        entities: &self.names.patterns[pattern].1,
                    });
                    i = end;
                    after_word = is_word(text[..i].chars().next_back());
                    continue;
                }
            }
            after_word = word;
            i += len;
        }
        out
    }
}

/// What a document contributes to the entity index besides mentions: its entity definitions
/// (position in the definition list, id, name, aliases).
fn entity_signature(doc: &Document) -> Vec<(usize, &str, &str, Vec<Spanned>)> {
    doc.syntax
        .definitions
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind == DefinitionKind::Entity && d.has_valid_id())
        .map(|(i, d)| (i, d.id.text.as_str(), d.name.text.as_str(), d.aliases()))
        .map(|(i, id, name, aliases)| {
            // Only the alias texts matter, not where they stand.
            let aliases = aliases
                .into_iter()
                .map(|a| Spanned {
                    text: a.text,
                    range: Default::default(),
                })
                .collect();
            (i, id, name, aliases)
        })
        .collect()
}

/// The entity ids whose definitions differ between two versions of a document (either
/// `None` for a document that is not there): added, removed, renamed, or with another name
/// or aliases. The mentions of these ids are the ones whose findings may have changed.
pub fn changed_entity_ids(old: Option<&Document>, new: Option<&Document>) -> Vec<String> {
    fn entries(doc: Option<&Document>) -> Vec<(&str, &str, Vec<String>)> {
        let mut entries: Vec<(&str, &str, Vec<String>)> = doc
            .map(entity_signature)
            .unwrap_or_default()
            .into_iter()
            .map(|(_, id, name, aliases)| {
                let aliases = aliases.into_iter().map(|a| a.text).collect();
                (id, name, aliases)
            })
            .collect();
        entries.sort();
        entries
    }
    let (old, new) = (entries(old), entries(new));
    let mut ids: Vec<String> = old
        .iter()
        .filter(|e| !new.contains(e))
        .chain(new.iter().filter(|e| !old.contains(e)))
        .map(|(id, ..)| id.to_string())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// A workspace is cheap to clone: documents are shared (`Arc`), and the document list, the
/// path map and the index are copied on write, only when a clone still shares them. A
/// language server edits one copy under its lock and answers requests on clones
/// (snapshots), which build whatever part of the index is missing outside that lock.
#[derive(Debug, Default, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Arc<Config>,
    /// Its files are still being read (a language server indexing a folder): an entity
    /// that has no definition yet may be defined in a file not read so far, so features
    /// say so instead of calling it undefined.
    pub loading: bool,
    documents: Arc<Vec<Option<Arc<Document>>>>,
    by_path: Arc<FxHashMap<PathBuf, FileId>>,
    /// Each cell is shared with the clones made since it was last reset, so whichever builds
    /// it first builds it for all of them.
    definitions: Arc<OnceLock<Arc<Definitions>>>,
    /// Once built, kept up to date edit by edit, through changes of definitions too.
    mentions: Arc<OnceLock<Arc<Mentions>>>,
    index: Arc<OnceLock<EntityIndex>>,
}

impl Workspace {
    pub fn new(root: PathBuf, config: Config) -> Workspace {
        Workspace {
            root,
            config: Arc::new(config),
            ..Workspace::default()
        }
    }

    /// Adds or replaces the document at `path`.
    ///
    /// The entity definitions and names are kept when the document's entity definitions are
    /// unchanged (the usual keystroke in an article), and the mentions are always updated in
    /// place: an edit costs work proportional to the document, not to the workspace.
    pub fn set_document(&mut self, document: Document) -> FileId {
        self.set_document_tracked(document).0
    }

    /// [`Workspace::set_document`], also telling whether the document's entity definitions
    /// changed (then every document that mentions entities may need a new look).
    pub fn set_document_tracked(&mut self, document: Document) -> (FileId, bool) {
        let existing = self.by_path.get(&document.path).copied();
        let old = existing.and_then(|id| self.documents[id.0 as usize].clone());
        let same_entities = match &old {
            Some(old) => entity_signature(old) == entity_signature(&document),
            None => entity_signature(&document).is_empty(),
        };
        let id = existing.unwrap_or(FileId(self.documents.len() as u32));
        // The index refers to mentions by their position in the document's list: when the
        // ids in that list are the same (a keystroke in prose, the usual edit) and so are the
        // entity definitions, nothing in it changes and it is kept whole.
        let same_mentions = old.as_ref().is_some_and(|old| {
            let (a, b) = (&old.syntax.mentions, &document.syntax.mentions);
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.id == b.id)
        });
        if !(same_entities && same_mentions) {
            // The assembled index holds the mention map too: dropped first, so that updating
            // the map in place does not find it shared and copy it (9 MB over 10,000
            // articles, on every keystroke).
            self.index = Arc::default();
            self.update_mentions(
                id,
                old.as_ref().map(|d| d.syntax.mentions.as_slice()),
                Some(&document.syntax.mentions),
            );
        }
        if !same_entities {
            self.definitions = Arc::default();
        }
        let documents = Arc::make_mut(&mut self.documents);
        if existing.is_some() {
            documents[id.0 as usize] = Some(Arc::new(document));
        } else {
            Arc::make_mut(&mut self.by_path).insert(document.path.clone(), id);
            documents.push(Some(Arc::new(document)));
        }
        (id, !same_entities)
    }

    pub fn remove_document(&mut self, path: &Path) {
        if !self.by_path.contains_key(path) {
            return;
        }
        let Some(id) = Arc::make_mut(&mut self.by_path).remove(path) else {
            return;
        };
        let Some(old) = Arc::make_mut(&mut self.documents)[id.0 as usize].take() else {
            return;
        };
        // As in `set_document_tracked`: the assembled index first, so the map is not copied.
        self.index = Arc::default();
        self.update_mentions(id, Some(&old.syntax.mentions), None);
        if !entity_signature(&old).is_empty() {
            self.definitions = Arc::default();
        }
    }

    /// Swaps a document's mentions in the mention index, if it is built (else it is built
    /// whole when next needed). A clone that shares the index keeps its own copy.
    fn update_mentions(
        &mut self,
        file: FileId,
        old: Option<&[crate::syntax::Mention]>,
        new: Option<&[crate::syntax::Mention]>,
    ) {
        if self.mentions.get().is_none() {
            // A clone may be building this cell from its older documents right now: what it
            // builds must not become this workspace's. (The definitions cell needs no such
            // care: it is reset whenever the entity definitions differ.)
            self.mentions = Arc::default();
            return;
        }
        let cell = Arc::make_mut(&mut self.mentions);
        let Some(map) = cell.get_mut() else {
            return;
        };
        let map = Arc::make_mut(map);
        if let Some(old) = old {
            remove_mentions(map, file, old);
        }
        if let Some(new) = new {
            add_mentions(map, file, new);
        }
    }

    /// Adds `document`, which defines no entity, without touching the entity index: for a
    /// checker that goes through an archive one article at a time against a workspace of the
    /// documents that define entities (`newsmark check`). The index's mention half then does
    /// not list the article's mentions, which no rule's check reads from the index (the
    /// CLI's tests compare this way of checking with a whole workspace's).
    pub fn set_article_keeping_index(&mut self, document: Document) -> FileId {
        debug_assert!(!document.defines_entities());
        debug_assert!(!self.by_path.contains_key(&document.path));
        let id = FileId(self.documents.len() as u32);
        Arc::make_mut(&mut self.by_path).insert(document.path.clone(), id);
        Arc::make_mut(&mut self.documents).push(Some(Arc::new(document)));
        id
    }

    /// Takes out a document put in by [`Workspace::set_article_keeping_index`]; its id is
    /// never handed out again.
    pub fn forget_article(&mut self, id: FileId) {
        if let Some(doc) = Arc::make_mut(&mut self.documents)[id.0 as usize].take() {
            Arc::make_mut(&mut self.by_path).remove(&doc.path);
        }
    }

    /// Number of documents in the workspace.
    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    pub fn document(&self, id: FileId) -> &Document {
        self.documents[id.0 as usize]
            .as_deref()
            .expect("file ids of removed documents are never handed out")
    }

    /// [`Workspace::document`], shared: it stays as it is when the workspace changes.
    pub fn document_arc(&self, id: FileId) -> Arc<Document> {
        self.documents[id.0 as usize]
            .clone()
            .expect("file ids of removed documents are never handed out")
    }

    pub fn documents(&self) -> impl Iterator<Item = (FileId, &Document)> {
        self.documents
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.as_deref().map(|d| (FileId(i as u32), d)))
    }

    /// Whether the entity index is built (a request would not have to wait for it).
    pub fn is_indexed(&self) -> bool {
        self.index.get().is_some()
    }

    pub fn index(&self) -> &EntityIndex {
        self.index.get_or_init(|| {
            let docs: Vec<(FileId, &Document)> = self.documents().collect();
            // The halves are independent: whichever is missing is built, side by side.
            let (names, mentions) = rayon::join(
                || {
                    self.definitions
                        .get_or_init(|| Arc::new(Definitions::build(&docs)))
                        .clone()
                },
                || {
                    self.mentions
                        .get_or_init(|| Arc::new(build_mentions(&docs)))
                        .clone()
                },
            );
            EntityIndex::assemble(names, mentions)
        })
    }

    /// The definition(s) of entity `id`.
    pub fn entity(&self, id: &str) -> impl Iterator<Item = (FileId, &Definition)> {
        self.index()
            .definitions
            .get(id)
            .into_iter()
            .flatten()
            .map(|r| (r.file, &self.document(r.file).syntax.definitions[r.index]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mentions_sorted(index: &EntityIndex) -> Vec<(String, Vec<(u32, usize)>)> {
        let mut out: Vec<_> = index
            .mentions
            .iter()
            .map(|(id, refs)| {
                let mut refs: Vec<_> = refs.iter().map(|r| (r.file.0, r.index)).collect();
                refs.sort();
                (id.clone(), refs)
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn incremental_index_updates_match_a_fresh_build() {
        let mut ws = Workspace::new(PathBuf::from("."), Config::default());
        let doc = |path: &str, text: &str| Document::new(PathBuf::from(path), text.to_string());
        ws.set_document(doc("e.news", "[@a]: A\n\n[@b]: B\n"));
        ws.set_document(doc("x.news", "@a and @b."));
        ws.index();
        let edits = [
            ("x.news", "@a, @a and @c."),
            ("y.news", "@b only."),
            ("x.news", "nothing now"),
            ("y.news", "[@d]: D\n\n@d and @a"),
            ("x.news", "@d again"),
        ];
        for (path, text) in edits {
            ws.set_document(doc(path, text));
            let incremental = mentions_sorted(ws.index());
            let docs: Vec<(FileId, &Document)> = ws.documents().collect();
            let fresh = mentions_sorted(&EntityIndex::build(&docs));
            assert_eq!(incremental, fresh, "after editing {path}");
        }
        ws.remove_document(Path::new("x.news"));
        let docs: Vec<(FileId, &Document)> = ws.documents().collect();
        assert_eq!(
            mentions_sorted(ws.index()),
            mentions_sorted(&EntityIndex::build(&docs))
        );
        assert_eq!(ws.entity("d").count(), 1);
    }
}

#[cfg(test)]
mod snapshot_tests {
    use super::*;

    #[test]
    fn a_clone_keeps_its_documents_and_index_while_the_original_is_edited() {
        let doc = |path: &str, text: &str| Document::new(PathBuf::from(path), text.to_string());
        let mut ws = Workspace::new(PathBuf::from("."), Config::default());
        ws.set_document(doc("e.news", "[@a]: A\n"));
        ws.set_document(doc("x.news", "@a here."));
        ws.index();
        let snapshot = ws.clone();
        ws.set_document(doc("x.news", "@a and @a."));
        ws.set_document(doc("e.news", "[@b]: B\n"));
        ws.remove_document(Path::new("x.news"));
        // The clone still sees the text and index of the moment it was taken.
        assert_eq!(snapshot.len(), 2);
        assert_eq!(snapshot.index().mentions["a"].len(), 1);
        assert_eq!(snapshot.entity("a").count(), 1);
        assert_eq!(ws.len(), 1);
        assert!(ws.index().mentions.is_empty());
        assert_eq!((ws.entity("a").count(), ws.entity("b").count()), (0, 1));
    }
}

#[cfg(test)]
mod name_tests {
    use super::*;
    use crate::syntax::TextRange;

    #[test]
    fn names_starting_with_punctuation_are_found_at_word_boundaries() {
        let mut ws = Workspace::new(PathBuf::from("."), Config::default());
        ws.set_document(Document::new(
            PathBuf::from("e.news"),
            "[@metoo]: #MeToo\n  kind: event\n\n[@kyiv]: Kyiv\n  kind: place\n".to_string(),
        ));
        let text = "The #MeToo wave reached Kyiv, not Kyivstar or x#MeToo.";
        let found: Vec<&str> = ws
            .index()
            .find_names(text, TextRange::new(0, text.len()))
            .iter()
            .map(|m| &text[m.start..m.end])
            .collect();
        assert_eq!(found, ["#MeToo", "Kyiv"]);
    }

    proptest::proptest! {
        /// The one-automaton search (unanchored, with a prefilter) finds exactly what the
        /// anchored walk over word starts finds with several automata.
        #[test]
        fn one_automaton_finds_what_the_anchored_walk_does(
            names in proptest::collection::vec("[AKé#][a-z]{0,3}( [AK][a-z]{0,2})?", 2..8),
            text in "([AKaé#x]|[a-z]{1,3}|[ ,.'-]|Kyiv){0,40}",
        ) {
            let registry: String = names
                .iter()
                .enumerate()
                .map(|(k, name)| format!("[@e{k}]: {name}\n  kind: place\n\n"))
                .collect();
            let doc = Document::new(PathBuf::from("e.news"), registry);
            let docs = [(FileId(0), &doc)];
            let one = EntityIndex::assemble(
                Arc::new(Definitions::build_chunked(&docs, usize::MAX)),
                Arc::new(build_mentions(&docs)),
            );
            let several = EntityIndex::assemble(
                Arc::new(Definitions::build_chunked(&docs, 1)),
                Arc::new(build_mentions(&docs)),
            );
            let range = TextRange::new(0, text.len());
            let found = |index: &EntityIndex| -> Vec<(usize, usize, Vec<String>)> {
                index
                    .find_names(&text, range)
                    .into_iter()
                    .map(|m| (m.start, m.end, m.entities.to_vec()))
                    .collect()
            };
            proptest::prop_assert_eq!(found(&one), found(&several));
        }
    }
}
