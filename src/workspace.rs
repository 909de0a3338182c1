//! The workspace: every `.news` document under a root, parsed once, and the entity index
//! (definitions by id, and a matcher for names and aliases) built over all of them.

use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};

use crate::config::Config;
use crate::syntax::{self, Definition, DefinitionKind, LineIndex, SyntaxFile};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

#[derive(Debug)]
pub struct Document {
    pub path: PathBuf,
    pub text: String,
    pub syntax: SyntaxFile,
    pub line_index: LineIndex,
}

impl Document {
    pub fn new(path: PathBuf, text: String) -> Document {
        let syntax = syntax::parse(&text);
        let line_index = LineIndex::new(&text);
        Document {
            path,
            text,
            syntax,
            line_index,
        }
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

/// Entity definitions and mentions of the whole workspace, and a matcher for entity names.
#[derive(Debug)]
pub struct EntityIndex {
    pub definitions: FxHashMap<String, Vec<DefinitionRef>>,
    /// Every `@id` construct (bare, link, speaker, `by:`) by entity id, in file order.
    pub mentions: FxHashMap<String, Vec<MentionRef>>,
    names: Option<AhoCorasick>,
    /// First two bytes of the names: only word starts that begin like a name are tried.
    name_starts: NameStarts,
    /// For each matcher pattern: the name and the ids of the entities that carry it.
    patterns: Vec<(String, Vec<String>)>,
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

/// A plain-text occurrence of a known entity name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameMatch<'a> {
    pub start: usize,
    pub end: usize,
    /// Every entity that has this name or alias.
    pub entities: &'a [String],
}

impl EntityIndex {
    fn build(docs: &[(FileId, &Document)]) -> EntityIndex {
        let mut definitions: FxHashMap<String, Vec<DefinitionRef>> = FxHashMap::default();
        let mut mentions: FxHashMap<String, Vec<MentionRef>> = FxHashMap::default();
        let mut names: FxHashMap<String, Vec<String>> = FxHashMap::default();
        for &(file, doc) in docs {
            for (index, mention) in doc.syntax.mentions.iter().enumerate() {
                let at = MentionRef { file, index };
                // Look up before inserting: most ids repeat, and a key costs an allocation.
                match mentions.get_mut(mention.id.as_str()) {
                    Some(list) => list.push(at),
                    None => {
                        mentions.insert(mention.id.clone(), vec![at]);
                    }
                }
            }
            for (index, def) in doc.syntax.definitions.iter().enumerate() {
                if def.kind != DefinitionKind::Entity || !def.has_valid_id() {
                    continue;
                }
                definitions
                    .entry(def.id.text.clone())
                    .or_default()
                    .push(DefinitionRef { file, index });
                let aliases = def.aliases();
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
        let mut patterns: Vec<(String, Vec<String>)> = names.into_iter().collect();
        patterns.sort();
        let names = (!patterns.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                // Searches start only at word starts (see `find_names`), so the automaton is
                // anchored; as a DFA each attempt costs a few table lookups.
                .start_kind(StartKind::Anchored)
                .kind(Some(AhoCorasickKind::DFA))
                .build(patterns.iter().map(|(name, _)| name))
                .expect("entity names always build a matcher")
        });
        let mut name_starts = NameStarts::default();
        for (name, _) in &patterns {
            name_starts.insert(name.as_bytes());
        }
        EntityIndex {
            definitions,
            mentions,
            names,
            name_starts,
            patterns,
        }
    }

    /// Whole-word, case-sensitive occurrences of known names in `range` of `text`.
    pub fn find_names(&self, text: &str, range: crate::syntax::TextRange) -> Vec<NameMatch<'_>> {
        let Some(matcher) = &self.names else {
            return Vec::new();
        };
        let bytes = text.as_bytes();
        let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let mut out = Vec::new();
        let mut i = range.start;
        while i < range.end {
            // A name's first byte is ASCII or a UTF-8 lead byte, so `i` is a char boundary
            // whenever `may_start` holds.
            if !self.name_starts.may_start(&bytes[i..range.end])
                || is_word(text[..i].chars().next_back())
            {
                i += 1;
                continue;
            }
            let input = Input::new(text).span(i..range.end).anchored(Anchored::Yes);
            match matcher.find(input) {
                Some(m) if !is_word(text[m.end()..].chars().next()) => {
                    out.push(NameMatch {
                        start: m.start(),
                        end: m.end(),
                        entities: &self.patterns[m.pattern().as_usize()].1,
                    });
                    i = m.end();
                }
                _ => i += 1,
            }
        }
        out
    }
}

#[derive(Debug, Default)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Arc<Config>,
    documents: Vec<Option<Document>>,
    by_path: FxHashMap<PathBuf, FileId>,
    index: OnceLock<EntityIndex>,
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
    pub fn set_document(&mut self, document: Document) -> FileId {
        self.index = OnceLock::new();
        if let Some(&id) = self.by_path.get(&document.path) {
            self.documents[id.0 as usize] = Some(document);
            return id;
        }
        let id = FileId(self.documents.len() as u32);
        self.by_path.insert(document.path.clone(), id);
        self.documents.push(Some(document));
        id
    }

    pub fn remove_document(&mut self, path: &Path) {
        if let Some(id) = self.by_path.remove(path) {
            self.documents[id.0 as usize] = None;
            self.index = OnceLock::new();
        }
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    pub fn document(&self, id: FileId) -> &Document {
        self.documents[id.0 as usize]
            .as_ref()
            .expect("file ids of removed documents are never handed out")
    }

    pub fn documents(&self) -> impl Iterator<Item = (FileId, &Document)> {
        self.documents
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.as_ref().map(|d| (FileId(i as u32), d)))
    }

    pub fn index(&self) -> &EntityIndex {
        self.index.get_or_init(|| {
            let docs: Vec<(FileId, &Document)> = self.documents().collect();
            EntityIndex::build(&docs)
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
