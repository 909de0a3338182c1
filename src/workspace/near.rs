//! The registry's names as near-miss lookups find them: a name differing from text only by
//! case, accents or spacing, or by one letter in one word. Built once per set of entity
//! definitions, on first use, so that checking a document costs a few hash probes per
//! capitalised word, whatever the size of the registry.

use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use crate::syntax::near::fold_into;

/// Single-word names shorter than this (folded) get no one-letter lookup: among short names
/// one letter too often leads to another real name (Sudan, Susan; Macron, Micron).
pub const SINGLE_WORD_MIN: usize = 7;

/// Names of more words than this are only found by their folded form.
const MAX_WORDS: usize = 8;

/// The most candidates a one-letter lookup measures under one key: a key shared by more
/// names (a registry of `Surname1`, `Surname2` …) says too little to be worth measuring, and
/// one letter off one of so many names is as likely another of them.
const CROWDED: usize = 64;

#[derive(Debug, Default)]
pub struct NearNames {
    /// Key hash → a range of `values`: the name patterns under that key.
    keys: FxHashMap<u64, (u32, u32)>,
    values: Vec<u32>,
    /// Hashes of the folded words of multi-word names and of every folded name: a window of
    /// capitalised words can only be a near miss of a name if all its words but one are
    /// among them.
    words: FxHashSet<u64>,
    /// Hashes of every folded name: what a single word must be to be a name but for case,
    /// accents or spacing (`Deepmind`, `Lepen`).
    wholes: FxHashSet<u64>,
    /// One bit per length, first and last character ([`shape`]) of the folded names: rules
    /// out most single capitalised words without hashing them.
    shapes: Box<[u64]>,
    /// One bit per word count, word and length of that word in the multi-word names: rules
    /// out most windows of capitalised words before their words are folded.
    slots: Box<[u64]>,
    /// One bit per [`prefix`] of the names' words and of the whole names: a capitalised word
    /// of prose starting otherwise is looked at only next to one that does not.
    prefixes: Box<[u64]>,
    /// Bit `n` (63 for any longer): some single-word name of `n` characters is indexed for
    /// one-letter lookups.
    single_lengths: u64,
    /// The entity ids, for an unknown `@id`'s near misses ([`NearNames::ids_like`]).
    ids: Vec<Box<str>>,
    /// The most words any name has (at most [`MAX_WORDS`]).
    pub max_words: usize,
}

#[derive(Clone, Copy)]
enum Tag {
    /// The whole name, folded and joined.
    Full = 0,
    /// A multi-word name with one word left out: its word count, which word, that word's
    /// length, and the other words.
    Slot = 1,
    /// A single-word name's first half, with its length.
    Head = 2,
    /// A single-word name's second half, with its length.
    Tail = 3,
    /// An entity id folded (letters and digits, lower case).
    Id = 4,
    /// An id's first half folded, with its length.
    IdHead = 5,
    /// An id's second half folded, with its length.
    IdTail = 6,
}

fn key<'p>(tag: Tag, n: usize, parts: impl IntoIterator<Item = &'p str>) -> u64 {
    let mut h = FxHasher::default();
    (tag as u8).hash(&mut h);
    n.hash(&mut h);
    for part in parts {
        part.hash(&mut h);
    }
    h.finish()
}

fn word_hash(word: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(word);
    h.finish()
}

/// Where a folded name of `length` characters starting with `first` and ending with `last`
/// stands in [`NearNames::shapes`].
fn shape(length: usize, first: char, last: char) -> usize {
    let class = |c: char| match c {
        'a'..='z' => c as usize - 'a' as usize,
        '0'..='9' => 26 + c as usize - '0' as usize,
        _ => 36,
    };
    (length.min(31) * 37 + class(first)) * 37 + class(last)
}

/// Bits in [`NearNames::shapes`].
const SHAPES: usize = 32 * 37 * 37;

/// Where word `k` of `n` characters of a name of `words` words stands in
/// [`NearNames::slots`].
fn slot_bit(words: usize, k: usize, n: usize) -> usize {
    ((words.min(MAX_WORDS) - 1) * MAX_WORDS + k.min(MAX_WORDS - 1)) * 32 + n.min(31)
}

/// Bits in [`NearNames::slots`].
const SLOTS: usize = MAX_WORDS * MAX_WORDS * 32;

/// The class of a folded character in [`prefix`]: a letter, a digit, or anything else
/// (nothing, for a word shorter than three).
fn class(c: Option<u8>) -> usize {
    match c {
        Some(c @ b'a'..=b'z') => (c - b'a') as usize,
        Some(c @ b'0'..=b'9') => 26 + (c - b'0') as usize,
        _ => 36,
    }
}

/// The first three characters of a folded word, as one number below [`PREFIXES`]. Works on
/// ASCII bytes, lower-cased here: the prose gives its words as they are written.
pub fn prefix(word: &[u8]) -> usize {
    let length = word
        .iter()
        .take(3)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let at = |i: usize| (i < length).then(|| word[i].to_ascii_lowercase());
    (class(at(0)) * 37 + class(at(1))) * 37 + class(at(2))
}

/// Bits in [`NearNames::prefixes`].
const PREFIXES: usize = 37 * 37 * 37;

/// The alphanumeric runs of `name`, folded: `Jean-Marie Le Pen` → `jean`, `marie`, `le`, `pen`.
pub fn folded_words(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut out = String::with_capacity(w.len());
            fold_into(w, &mut out);
            out
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Where a single word of `n` characters is cut in two: one edit leaves one half whole.
pub fn half(n: usize) -> usize {
    n / 2
}

fn char_split(word: &str, at: usize) -> (&str, &str) {
    let byte = word.char_indices().nth(at).map_or(word.len(), |(i, _)| i);
    word.split_at(byte)
}

/// The keys a one-letter variant of a single word of `n` characters is found under.
fn halves_of(word: &str, n: usize) -> [u64; 2] {
    let (head, tail) = char_split(word, half(n));
    [key(Tag::Head, n, [head]), key(Tag::Tail, n, [tail])]
}

impl NearNames {
    /// Indexes `names` (each name once; its position is what lookups return) and the entity
    /// `ids`.
    pub fn build<'a>(
        names: impl IndexedParallelIterator<Item = &'a str>,
        ids: impl Iterator<Item = &'a str>,
    ) -> NearNames {
        type Entry = (
            Vec<u64>,
            Vec<u64>,
            usize,
            usize,
            Vec<usize>,
            Option<usize>,
            Vec<usize>,
        );
        let per_name: Vec<Entry> = names
            .map(|name| {
                let words = folded_words(name);
                let mut keys = Vec::new();
                let mut member = Vec::new();
                let mut slots = Vec::new();
                let mut single = None;
                let mut starts = Vec::new();
                if words.is_empty() || words.len() > MAX_WORDS {
                    return (keys, member, 0, 0, slots, single, starts);
                }
                let joined: String = words.concat();
                let length = joined.chars().count();
                let first = joined.chars().next().unwrap_or(' ');
                let last = joined.chars().next_back().unwrap_or(' ');
                keys.push(key(Tag::Full, 0, [joined.as_str()]));
                member.push(word_hash(joined.as_bytes()));
                if words.len() > 1 {
                    let refs: Vec<&str> = words.iter().map(String::as_str).collect();
                    for (k, word) in refs.iter().enumerate() {
                        let n = word.chars().count();
                        keys.push(slot_key(&refs, k, n));
                        member.push(word_hash(word.as_bytes()));
                        slots.push(slot_bit(refs.len(), k, n));
                    }
                } else {
                    let word = &words[0];
                    let n = word.chars().count();
                    if n >= SINGLE_WORD_MIN && word.chars().all(char::is_alphabetic) {
                        keys.extend(halves_of(word, n));
                        single = Some(n);
                    }
                }
                starts.push(prefix(joined.as_bytes()));
                if words.len() > 1 {
                    starts.extend(words.iter().map(|w| prefix(w.as_bytes())));
                }
                let shape = shape(length, first, last);
                (keys, member, words.len(), shape, slots, single, starts)
            })
            .collect();
        let mut pairs: Vec<(u64, u32)> = Vec::new();
        let mut words = FxHashSet::default();
        let mut wholes = FxHashSet::default();
        let mut max_words = 0;
        let mut shapes = vec![0u64; SHAPES.div_ceil(64)].into_boxed_slice();
        let mut slots = vec![0u64; SLOTS.div_ceil(64)].into_boxed_slice();
        let mut single_lengths = 0u64;
        let mut prefixes = vec![0u64; PREFIXES.div_ceil(64)].into_boxed_slice();
        for (i, (keys, member, n, shape, slot_bits, single, starts)) in
            per_name.into_iter().enumerate()
        {
            for start in starts {
                prefixes[start / 64] |= 1 << (start % 64);
            }
            if n > 0 {
                shapes[shape / 64] |= 1 << (shape % 64);
            }
            for bit in slot_bits {
                slots[bit / 64] |= 1 << (bit % 64);
            }
            if let Some(length) = single {
                single_lengths |= 1 << length.min(63);
            }
            pairs.extend(keys.into_iter().map(|k| (k, i as u32)));
            // The first is the whole name's.
            wholes.extend(member.first().copied());
            words.extend(member);
            max_words = max_words.max(n);
        }
        let ids: Vec<Box<str>> = ids.map(Box::from).collect();
        for (i, id) in ids.iter().enumerate() {
            let folded = crate::syntax::near::fold(id);
            let n = folded.chars().count();
            pairs.push((key(Tag::Id, 0, [folded.as_str()]), i as u32));
            let (head, tail) = char_split(&folded, half(n));
            pairs.push((key(Tag::IdHead, n, [head]), i as u32));
            pairs.push((key(Tag::IdTail, n, [tail]), i as u32));
        }
        pairs.par_sort_unstable();
        pairs.dedup();
        let mut keys = FxHashMap::default();
        keys.reserve(pairs.len());
        let values: Vec<u32> = pairs.iter().map(|&(_, v)| v).collect();
        let mut start = 0;
        while start < pairs.len() {
            let k = pairs[start].0;
            let end = start + pairs[start..].iter().take_while(|p| p.0 == k).count();
            keys.insert(k, (start as u32, (end - start) as u32));
            start = end;
        }
        NearNames {
            keys,
            values,
            words,
            wholes,
            shapes,
            slots,
            prefixes,
            single_lengths,
            ids,
            max_words,
        }
    }

    fn get(&self, key: u64) -> &[u32] {
        self.keys.get(&key).map_or(&[], |&(start, len)| {
            &self.values[start as usize..(start + len) as usize]
        })
    }

    /// [`get`](NearNames::get) for the one-letter lookups: nothing when the key is crowded.
    fn get_few(&self, key: u64) -> &[u32] {
        let found = self.get(key);
        if found.len() > CROWDED { &[] } else { found }
    }

    /// Whether `folded` is a word of some multi-word name, or some whole name folded.
    pub fn is_word(&self, folded: &str) -> bool {
        self.words.contains(&word_hash(folded.as_bytes()))
    }

    /// Whether some name folds to `length` characters from `first` to `last`: if not, no
    /// word of that shape [`is_whole`](NearNames::is_whole).
    pub fn may_be_whole(&self, length: usize, first: char, last: char) -> bool {
        let at = shape(length, first, last);
        self.shapes[at / 64] & (1 << (at % 64)) != 0
    }

    /// Whether `folded` is some name folded and joined (`deepmind`, `lepen`).
    pub fn is_whole(&self, folded: &str) -> bool {
        let mut chars = folded.chars();
        let (first, last) = (
            chars.next().unwrap_or(' '),
            chars.next_back().unwrap_or(' '),
        );
        self.may_be_whole(folded.chars().count(), first, last)
            && self.wholes.contains(&word_hash(folded.as_bytes()))
    }

    /// Entity id `i` of an [`ids_like`](NearNames::ids_like) lookup.
    pub fn id(&self, i: u32) -> &str {
        &self.ids[i as usize]
    }

    /// The ids that fold to the same letters as `id` (case, `-` and `_` aside) and those
    /// that may be one edit from it (sharing half of their folded letters, one character
    /// longer or shorter at most): candidates, for the caller to measure.
    pub fn ids_like(&self, id: &str) -> (Vec<u32>, Vec<u32>) {
        let folded = crate::syntax::near::fold(id);
        let same = self.get(key(Tag::Id, 0, [folded.as_str()])).to_vec();
        let n = folded.chars().count();
        let mut near = Vec::new();
        for m in n.saturating_sub(1).max(1)..=n + 1 {
            let head_len = half(m);
            let tail_len = m - head_len;
            if head_len <= n {
                let head = char_split(&folded, head_len).0;
                near.extend_from_slice(self.get_few(key(Tag::IdHead, m, [head])));
            }
            if tail_len <= n {
                let tail = char_split(&folded, n - tail_len).1;
                near.extend_from_slice(self.get_few(key(Tag::IdTail, m, [tail])));
            }
        }
        near.sort_unstable();
        near.dedup();
        (same, near)
    }

    /// Whether some name, or some word of a name, starts like `word` (its bytes as written; a
    /// word that is not ASCII in its first three always may).
    pub fn may_start(&self, word: &[u8]) -> bool {
        if word.iter().take(3).any(|b| !b.is_ascii()) {
            return true;
        }
        let at = prefix(word);
        self.prefixes[at / 64] & (1 << (at % 64)) != 0
    }

    /// Whether some name of `words` words has a word `k` of `n - 1` to `n + 1` characters:
    /// if not, [`slot`](NearNames::slot) finds nothing there.
    pub fn may_slot(&self, words: usize, k: usize, n: usize) -> bool {
        if !(2..=MAX_WORDS).contains(&words) || k >= words {
            return false;
        }
        (n.saturating_sub(1)..=n + 1).any(|n| {
            let bit = slot_bit(words, k, n);
            self.slots[bit / 64] & (1 << (bit % 64)) != 0
        })
    }

    /// Whether some single-word name of `n - 1` to `n + 1` characters is indexed: if not,
    /// [`single`](NearNames::single) finds nothing for a word of `n`.
    pub fn may_single(&self, n: usize) -> bool {
        (n.saturating_sub(1)..=n + 1).any(|n| self.single_lengths & (1 << n.min(63)) != 0)
    }

    /// The names whose folded, joined form is `joined`.
    pub fn full(&self, joined: &str) -> &[u32] {
        self.get(key(Tag::Full, 0, [joined]))
    }

    /// The names of `words.len()` words that equal `words` (folded) except for word `k`,
    /// which has `n` characters there.
    pub fn slot(&self, words: &[&str], k: usize, n: usize) -> &[u32] {
        self.get_few(slot_key(words, k, n))
    }

    /// Single-word names that may be one edit from `word` (folded, `n` characters): those
    /// of `n - 1` to `n + 1` characters sharing a half with it. Candidates only: the caller
    /// measures the distance.
    pub fn single(&self, word: &str, n: usize) -> Vec<u32> {
        let mut found: Vec<u32> = Vec::new();
        for m in n.saturating_sub(1).max(SINGLE_WORD_MIN)..=n + 1 {
            // A name of `m` characters cut at `half(m)`: an edit after the cut leaves its
            // head at the start of `word`; an edit before it leaves its tail at the end.
            let head_len = half(m);
            let tail_len = m - head_len;
            if head_len <= n {
                let head = char_split(word, head_len).0;
                found.extend_from_slice(self.get_few(key(Tag::Head, m, [head])));
            }
            if tail_len <= n {
                let tail = char_split(word, n - tail_len).1;
                found.extend_from_slice(self.get_few(key(Tag::Tail, m, [tail])));
            }
        }
        found
    }
}

/// The key of a multi-word name without its word `k`, which has `n` characters.
fn slot_key(words: &[&str], k: usize, n: usize) -> u64 {
    let others = words
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != k)
        .map(|(_, w)| *w);
    key(Tag::Slot, words.len() * 1024 + k * 64 + n, others)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        let names = [
            "Antony Blinken",
            "Zelensky",
            "José García",
            "Jean-Marie Le Pen",
            "Kyiv",
        ];
        let near = NearNames::build(names.par_iter().copied(), ["blinken", "ssu"].into_iter());
        assert_eq!(near.ids_like("SSU").0, [1]);
        assert_eq!(near.ids_like("blinkin").1, [0]);
        assert_eq!(near.max_words, 4);
        assert_eq!(near.full("josegarcia"), [2]);
        assert_eq!(near.full("jeanmarielepen"), [3]);
        assert!(near.is_word("blinken") && near.is_word("kyiv") && !near.is_word("seoul"));
        assert_eq!(near.slot(&["antony", "blinkin"], 1, 7), [0]);
        assert_eq!(near.slot(&["anthony", "blinken"], 0, 6), [0]);
        let single = |w: &str| {
            let mut v: Vec<u32> = near.single(w, w.chars().count());
            v.sort();
            v.dedup();
            v
        };
        assert_eq!(single("zelenskiy"), [1]);
        assert_eq!(single("zelenski"), [1]);
        assert_eq!(single("zelensk"), [1]);
        assert_eq!(single("kiev"), Vec::<u32>::new());
        assert_eq!(single("selensky"), [1]);
    }
}
