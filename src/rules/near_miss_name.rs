//! near-miss-name: a name in the prose, or the display text of a link, that differs from a
//! registry name or alias only by case, accents, hyphenation or spacing, or by one letter
//! (`Antony Blinkin`, `Zelenskiy`, `Jose Garcia`): most likely the registry's name misspelt.
//!
//! Plain text is read as runs of capitalised words (with the particles of names between
//! them: `Bashar al-Assad`, `Bank of England`), each tried against the registry's
//! [`NearNames`](crate::workspace::near::NearNames): a few hash probes per capitalised word.
//! An unknown `@id` that is a near miss of a registry entity (`@ECB`, `@castlebridge-rover`)
//! is reported here too, as an error whatever the rule's severity (the mention resolves to
//! nothing), with the entity it most likely means; undefined-entity then leaves it alone.

use super::shared::fix::{Edits, action, unknown_id_fixes};
use super::shared::near::{
    Assessment, Difference, NearName, WORD_MIN, Window, assess, assess_text, edit_distance, fold,
    fold_into, suffixed, written_words,
};
use super::unlinked_mention::linkable;
use super::{
    Action, Context, Diagnostic, Finding, Findings, FixContext, Rule, RuleDef, Scope, Severity,
    Subject,
};
use crate::syntax::{MentionKind, TextRange};
use crate::workspace::near::{NearNames, SINGLE_WORD_MIN, folded_words};
use crate::workspace::{Document, EntityIndex, Workspace};

pub const RULE: Rule = Rule::new(&RuleDef {
    id: "near-miss-name",
    default_severity: Severity::Warning,
    scope: Scope::Workspace,
    docs_anchor: "near-miss-name",
    reads_prose: true,
    unnecessary: false,
    check,
    fixes,
});

fn check(cx: &Context, out: &mut Findings) {
    let index = cx.ws.index();
    if index.definitions.is_empty() {
        return;
    }
    ids(cx, out);
    if index.near_names().max_words == 0 {
        return;
    }
    links(cx, index, out);
    let page = page_names(cx.ws, cx.doc);
    let mask = cx.doc.prose_mask();
    let near = index.near_names();
    let mut run = Run::default();
    for block in &cx.doc.syntax.blocks {
        if block.range.start >= cx.prose_end {
            break;
        }
        let mut at = block.range.start;
        while let Some(start) = next_capital(mask, at, block.range.end) {
            // Only a word that starts like some name's word leads to a run; the one before
            // it may still be the misspelt word of the name (`Anthony Blinken`).
            let head = &mask.as_bytes()[start..(start + 3).min(block.range.end)];
            if !near.may_start(head) {
                at = start + 1;
                continue;
            }
            let from = run_start(mask, block.range.start, start);
            at = run.read(mask, from, block.range.end);
            if !run.words.is_empty() {
                run.names(index, &page, mask, block.range, out);
            }
        }
    }
}

/// A run of capitalised words, with the particles between them, and (once a window of them
/// passes the cheap tests) their folded forms.
#[derive(Default)]
struct Run {
    words: Vec<Word>,
    /// The folded words, one after the other; `spans` are ranges of it.
    folded: String,
    spans: Vec<(usize, usize)>,
    /// Whether each word is a word of some registry name.
    members: Vec<bool>,
}

#[derive(Clone, Copy, Debug)]
struct Word {
    range: TextRange,
    particle: bool,
    /// Folded: its length in characters, its first and its last character.
    length: usize,
    first: char,
    last: char,
    /// Letters only: a one-letter variant of a single-word name may be looked up.
    alphabetic: bool,
}

/// Whether `c` may be part of a word: letters and digits, as `prose::words` reads them.
fn word_char(c: char) -> bool {
    c.is_alphanumeric()
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `chunk` from `lo` to `hi`, for the bytes below the first one
/// of 0x80 or more (a carry out of that one may spoil the bytes after it, never those before).
fn in_range(chunk: u64, lo: u8, hi: u8) -> u64 {
    let at_least = chunk.wrapping_add(ONES * (0x80 - lo as u64));
    let above = chunk.wrapping_add(ONES * (0x80 - hi as u64 - 1));
    at_least & !above & HIGH
}

/// The word that starts at `at` (a run of letters and digits): where it ends, and whether it
/// holds a lower-case letter, an ASCII digit, and anything but ASCII.
fn read_word(mask: &str, at: usize, end: usize) -> WordRead {
    let bytes = mask.as_bytes();
    let mut read = WordRead {
        end: at,
        lower: false,
        digit: false,
        ascii: true,
    };
    // Eight bytes at a time: a word is about that long.
    let mut i = at;
    while i + 8 <= end {
        let chunk = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("eight bytes"));
        let lower = in_range(chunk, b'a', b'z');
        let digit = in_range(chunk, b'0', b'9');
        let word = lower | digit | in_range(chunk, b'A', b'Z');
        let stop = (!word & HIGH) | (chunk & HIGH);
        // The high bits of the bytes before the first that is not part of the word.
        let before = if stop == 0 {
            u64::MAX
        } else {
            (1u64 << stop.trailing_zeros()) - 1
        };
        read.lower |= lower & before != 0;
        read.digit |= digit & before != 0;
        if stop != 0 {
            i += stop.trailing_zeros() as usize / 8;
            break;
        }
        i += 8;
    }
    if i + 8 > end {
        while i < end && bytes[i].is_ascii_alphanumeric() {
            read.lower |= bytes[i].is_ascii_lowercase();
            read.digit |= bytes[i].is_ascii_digit();
            i += 1;
        }
    }
    if i < end && bytes[i] >= 0x80 {
        // A letter outside ASCII: the rest of the word a character at a time.
        while i < end {
            let c = mask[i..].chars().next().unwrap_or(' ');
            if !word_char(c) {
                break;
            }
            read.ascii &= c.is_ascii();
            read.lower |= i > at && c.is_lowercase();
            read.digit |= c.is_ascii_digit();
            i += c.len_utf8();
        }
    }
    read.end = i;
    read
}

struct WordRead {
    end: usize,
    lower: bool,
    digit: bool,
    ascii: bool,
}

/// The next word start in `from..end` whose first letter is a capital. Eight bytes at a time
/// where they hold no capital and nothing but ASCII: prose is mostly lower case.
fn next_capital(mask: &str, from: usize, end: usize) -> Option<usize> {
    let bytes = mask.as_bytes();
    let mut i = from;
    while i < end {
        if i + 8 <= end {
            let chunk = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("eight bytes"));
            // With every byte below 0x80 the sums carry into no neighbour: a high bit after
            // adding 0x80 - b'A' means `>= b'A'`, after adding 0x80 - b'Z' - 1 `> b'Z'`.
            let capitals = chunk.wrapping_add(ONES * (0x80 - 0x41))
                & !chunk.wrapping_add(ONES * (0x80 - 0x5B));
            let wanted = (chunk | capitals) & HIGH;
            if wanted == 0 {
                i += 8;
                continue;
            }
            // Straight to the first capital or non-ASCII byte of the eight.
            i += wanted.trailing_zeros() as usize / 8;
        }
        let b = bytes[i];
        let (capital, len) = if b < 0x80 {
            (b.is_ascii_uppercase(), 1)
        } else if b >= 0xC0 {
            let c = mask[i..].chars().next().unwrap_or(' ');
            (c.is_uppercase(), c.len_utf8())
        } else {
            (false, 1)
        };
        let after_word = match i.checked_sub(1).map(|p| bytes[p]) {
            None => false,
            Some(p) if p < 0x80 => p.is_ascii_alphanumeric(),
            Some(_) => mask[..i].chars().next_back().is_some_and(word_char),
        };
        if capital && !after_word {
            return Some(i);
        }
        if capital {
            // A capital inside a word (`McDonald`, a mention's mask `EEEE`): past the word.
            i = read_word(mask, i, end).end.max(i + len);
        } else {
            i += len;
        }
    }
    None
}

/// Lower-case words that stand inside names (`Bank of England`, `Charles de Gaulle`,
/// `Bashar al-Assad`, `Ludwig van Beethoven`), as their bytes read as a number: this runs for
/// the word after every capitalised one, so it is one comparison of integers, not a search.
fn is_particle(word: &[u8]) -> bool {
    const fn packed(word: &[u8]) -> u64 {
        let mut key = 0u64;
        let mut i = 0;
        while i < word.len() {
            key = key << 8 | word[i] as u64;
            i += 1;
        }
        key
    }
    const PARTICLES: [u64; 30] = [
        packed(b"al"),
        packed(b"and"),
        packed(b"bin"),
        packed(b"da"),
        packed(b"das"),
        packed(b"de"),
        packed(b"del"),
        packed(b"della"),
        packed(b"den"),
        packed(b"der"),
        packed(b"des"),
        packed(b"di"),
        packed(b"do"),
        packed(b"dos"),
        packed(b"du"),
        packed(b"el"),
        packed(b"for"),
        packed(b"ibn"),
        packed(b"la"),
        packed(b"las"),
        packed(b"le"),
        packed(b"les"),
        packed(b"los"),
        packed(b"of"),
        packed(b"on"),
        packed(b"the"),
        packed(b"van"),
        packed(b"von"),
        packed(b"y"),
        packed(b"zu"),
    ];
    word.len() <= 5 && PARTICLES.contains(&packed(word))
}

/// The length of what joins two words of one name at `at`: a single space (a line break or
/// no-break space too), hyphen or apostrophe.
fn joiner(mask: &str, at: usize) -> Option<usize> {
    let rest = &mask.as_bytes()[at..];
    match rest {
        [b'\r', b'\n', ..] => Some(2),
        [b' ' | b'\n' | b'\t' | b'-' | b'\'', ..] => Some(1),
        // U+00A0 no-break space, U+2010 hyphen, U+2011 no-break hyphen, U+2019 apostrophe.
        [0xC2, 0xA0, ..] => Some(2),
        [0xE2, 0x80, 0x90 | 0x91 | 0x99, ..] => Some(3),
        _ => None,
    }
}

/// Where a run that `start` is part of starts: at the capitalised word before it, when
/// one is joined to it (through a particle or not).
fn run_start(mask: &str, floor: usize, start: usize) -> usize {
    let bytes = mask.as_bytes();
    let word_before = |end: usize| -> Option<(usize, usize)> {
        let gap = joiner_before(bytes, floor, end)?;
        let word_end = end - gap;
        let word_start = word_end
            - bytes[floor..word_end]
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
        (word_start < word_end).then_some((word_start, word_end))
    };
    let capitalised = |(from, to): (usize, usize)| {
        let word = &bytes[from..to];
        word[0].is_ascii_uppercase()
            && word.iter().any(u8::is_ascii_lowercase)
            && !word.iter().any(u8::is_ascii_digit)
            && (from == floor || !bytes[from - 1].is_ascii_alphanumeric() && bytes[from - 1] < 0x80)
    };
    match word_before(start) {
        Some(word) if capitalised(word) => word.0,
        Some((from, to)) if is_particle(&bytes[from..to]) => match word_before(from) {
            Some(word) if capitalised(word) => word.0,
            _ => start,
        },
        _ => start,
    }
}

/// The length of the joiner (see [`joiner`]) that ends at `end`, if one does.
fn joiner_before(bytes: &[u8], floor: usize, end: usize) -> Option<usize> {
    let before = &bytes[floor..end];
    match before {
        [.., b'\r', b'\n'] => Some(2),
        [.., b' ' | b'\n' | b'\t' | b'-' | b'\''] => Some(1),
        [.., 0xC2, 0xA0] => Some(2),
        [.., 0xE2, 0x80, 0x90 | 0x91 | 0x99] => Some(3),
        _ => None,
    }
}

impl Run {
    /// Reads the run of capitalised words starting at `start` (empty when the word there is
    /// not one); returns where the scan goes on.
    ///
    /// A word of a name is a capital followed by a lower-case letter somewhere and no digit
    /// (not `NATO`, `G7`, a mention's mask `EEEE`), or a single capital before an apostrophe
    /// (`O'Brien`).
    fn read(&mut self, mask: &str, start: usize, end: usize) -> usize {
        self.words.clear();
        let bytes = mask.as_bytes();
        let mut at = start;
        let mut scanned = start;
        loop {
            let word = read_word(mask, at, end);
            let (word_end, lower, digit) = (word.end, word.lower, word.digit);
            scanned = scanned.max(word_end);
            let single = word_end == at + 1
                || (bytes[at] >= 0x80
                    && mask[at..].chars().next().map(char::len_utf8) == Some(word_end - at));
            let capitalised = if single {
                matches!(bytes.get(word_end), Some(b'\'')) || mask[word_end..].starts_with('’')
            } else {
                lower && !digit
            };
            if word_end == at || !capitalised {
                break;
            }
            self.push(mask, TextRange::new(at, word_end), false, &word);
            at = word_end;
            // Then a joiner and another capitalised word, or a particle, a joiner and one.
            let Some(gap) = joiner(mask, at).filter(|g| at + g < end) else {
                break;
            };
            let next = at + gap;
            let first = match bytes[next] {
                b if b < 0x80 => b as char,
                _ => mask[next..].chars().next().unwrap_or(' '),
            };
            if first.is_uppercase() {
                at = next;
                continue;
            }
            // Particles are short: a longer lower-case word is not read to its end.
            let limit = (next + 6).min(end);
            let particle_end = bytes[next..limit]
                .iter()
                .position(|b| !b.is_ascii_lowercase())
                .map_or(limit, |p| next + p);
            if particle_end > next
                && is_particle(&bytes[next..particle_end])
                && let Some(gap) = joiner(mask, particle_end).filter(|g| particle_end + g < end)
                && mask[particle_end + gap..]
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
            {
                let particle = WordRead {
                    end: particle_end,
                    lower: true,
                    digit: false,
                    ascii: true,
                };
                self.push(mask, TextRange::new(next, particle_end), true, &particle);
                at = particle_end + gap;
            } else {
                break;
            }
        }
        // A particle is only kept between two capitalised words.
        while self.words.last().is_some_and(|w| w.particle) {
            self.words.pop();
        }
        scanned
    }

    fn push(&mut self, mask: &str, range: TextRange, particle: bool, read: &WordRead) {
        let text = &mask[range.start..range.end];
        let word = if read.ascii {
            let bytes = text.as_bytes();
            Word {
                range,
                particle,
                length: bytes.len(),
                first: bytes[0].to_ascii_lowercase() as char,
                last: bytes[bytes.len() - 1].to_ascii_lowercase() as char,
                // Letters and digits only: no digit, all letters.
                alphabetic: !read.digit,
            }
        } else {
            let folded = crate::syntax::near::fold(text);
            Word {
                range,
                particle,
                length: folded.chars().count(),
                first: folded.chars().next().unwrap_or(' '),
                last: folded.chars().next_back().unwrap_or(' '),
                alphabetic: folded.chars().all(char::is_alphabetic),
            }
        };
        self.words.push(word);
    }

    /// Folds every word of the run into `folded`, and marks which are words of names.
    fn fold(&mut self, mask: &str, near: &NearNames) {
        self.folded.clear();
        self.spans.clear();
        for word in &self.words {
            let from = self.folded.len();
            let text = &mask[word.range.start..word.range.end];
            if text.is_ascii() {
                // A word is letters and digits only: folding an ASCII one is lower-casing it.
                self.folded.push_str(text);
                self.folded[from..].make_ascii_lowercase();
            } else {
                fold_into(text, &mut self.folded);
            }
            self.spans.push((from, self.folded.len()));
        }
        self.members.clear();
        for &(from, to) in &self.spans {
            self.members.push(near.is_word(&self.folded[from..to]));
        }
    }

    /// Whether the window `i..j` of the run may be a name or nearly one, by the shape of its
    /// words alone (no hashing): a name folds to its length, first and last letter; or a
    /// multi-word name has a word of about that length in one of its places; or a one-letter
    /// variant of a single-word name may be, away from the start of a sentence.
    fn may_matter(
        &self,
        near: &NearNames,
        i: usize,
        j: usize,
        one_word_edits: &mut impl FnMut() -> bool,
    ) -> bool {
        let words = &self.words[i..j];
        let m = words.len();
        let length: usize = words.iter().map(|w| w.length).sum();
        if near.may_be_whole(length, words[0].first, words[m - 1].last) {
            return true;
        }
        if m == 1 {
            let w = words[0];
            return w.alphabetic
                && w.length >= SINGLE_WORD_MIN
                && near.may_single(w.length)
                && one_word_edits();
        }
        words
            .iter()
            .enumerate()
            .any(|(k, w)| !w.particle && w.length >= WORD_MIN && near.may_slot(m, k, w.length))
    }

    /// Finds the names in the run, left to right, the longest window of words first: a
    /// window that is exactly a name (unlinked-mention's business) or nearly one is taken
    /// whole. Most windows are ruled out by their shape before any word is folded.
    fn names(
        &mut self,
        index: &EntityIndex,
        page: &[PageName],
        mask: &str,
        block: TextRange,
        out: &mut Findings,
    ) {
        let near = index.near_names();
        // Most runs are one word that is no name and that no name is one letter from.
        if let [w] = self.words[..]
            && !near.may_be_whole(w.length, w.first, w.last)
            && !(w.alphabetic
                && w.length >= SINGLE_WORD_MIN
                && near.may_single(w.length)
                && !starts_sentence(mask, block, w.range.start))
        {
            return;
        }
        let mut folded = false;
        let mut i = 0;
        while i < self.words.len() {
            if self.words[i].particle {
                i += 1;
                continue;
            }
            let mut sentence_start = None;
            let mut taken = None;
            for j in (i + 1..=self.words.len().min(i + near.max_words)).rev() {
                if self.words[j - 1].particle {
                    continue;
                }
                let mut one_word_edits = || {
                    j > i + 1
                        || !*sentence_start.get_or_insert_with(|| {
                            starts_sentence(mask, block, self.words[i].range.start)
                        })
                };
                // A run that ends in a near miss of a name on the page (`Hannah Coles` after
                // `[Hannah Cole](@hannah-cole)`), not part of a longer name.
                let on_page = j == self.words.len()
                    && j >= i + 2
                    && page
                        .iter()
                        .any(|p| p.first == (self.words[i].length, self.words[i].first));
                if !self.may_matter(near, i, j, &mut one_word_edits) && !on_page {
                    continue;
                }
                let one_word_edits = one_word_edits();
                if !folded {
                    self.fold(mask, near);
                    folded = true;
                }
                // Two words outside the registry's names: no name is one word away.
                if self.members[i..j].iter().filter(|m| !**m).count() > 1 {
                    continue;
                }
                let words: Vec<&str> = self.spans[i..j]
                    .iter()
                    .map(|&(a, b)| &self.folded[a..b])
                    .collect();
                let range = TextRange::new(self.words[i].range.start, self.words[j - 1].range.end);
                let window = Window {
                    text: &mask[range.start..range.end],
                    folded: &words,
                    members: &self.members[i..j],
                };
                let assessment = match assess(index, &window, one_word_edits) {
                    Assessment::Nothing if on_page => match page_near_miss(page, &words) {
                        Some(found) => Assessment::Near(found),
                        None => continue,
                    },
                    assessment => assessment,
                };
                match assessment {
                    Assessment::Nothing => continue,
                    Assessment::Exact => {}
                    Assessment::Near(found) => out.push(Finding::new(
                        range,
                        Subject::Name(found.ids.to_vec()),
                        message(window.text, &found),
                    )),
                }
                taken = Some(j);
                break;
            }
            i = taken.unwrap_or(i + 1);
        }
    }
}

/// A name or alias (of two words or more) of an entity the document mentions by `@id`. A
/// writer who spells a name nearly like one already on the page most likely means that one,
/// so its last word gets a closer look than the whole registry's names can have: one letter
/// off from four letters (`Hannah Coles` for *Hannah Cole*, where a plural or a short word
/// elsewhere is let be), two off from seven (`Rebecca Thornberry` for *Rebecca Thornbury*).
struct PageName<'a> {
    words: Vec<String>,
    name: &'a str,
    ids: &'a [String],
    /// A person's: a letter more at the end is a misspelling (`Hannah Coles`), where for a
    /// place or an organisation it is a demonym or a plural (`North Korean`).
    person: bool,
    /// The first word's length and first letter, folded: what a run's word is tested with
    /// before any folding.
    first: (usize, char),
}

fn page_names<'a>(ws: &'a Workspace, doc: &Document) -> Vec<PageName<'a>> {
    let index = ws.index();
    let near = index.near_names();
    let mut seen = rustc_hash::FxHashSet::default();
    // Each name is looked at once: what it gives depends on the name alone (a second entity
    // carrying it is among its `ids` already). An article names dozens of entities.
    let mut tried: rustc_hash::FxHashSet<String> = rustc_hash::FxHashSet::default();
    let mut out: Vec<PageName> = Vec::new();
    for mention in &doc.syntax.mentions {
        if !seen.insert(mention.id.as_str()) {
            continue;
        }
        for (_, def) in ws.entity(&mention.id) {
            let aliases = def.aliases();
            let names = std::iter::once(def.name.text.as_str())
                .chain(aliases.iter().map(|a| a.text.as_str()));
            for name in names {
                // A name of one word (most aliases) is no page name: not folded at all.
                let two_words = name
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .nth(1)
                    .is_some();
                if !two_words || tried.contains(name) {
                    continue;
                }
                tried.insert(name.to_string());
                let words = folded_words(name);
                if words.len() < 2 {
                    continue;
                }
                // The index's own copy of the name, with every entity that carries it.
                let carried = near
                    .full(&words.concat())
                    .iter()
                    .map(|&i| index.name(i))
                    .find(|(n, _)| *n == name);
                if let Some((name, ids)) = carried {
                    let person = def.field_value("kind") == Some("person");
                    let first = (
                        words[0].chars().count(),
                        words[0].chars().next().unwrap_or(' '),
                    );
                    out.push(PageName {
                        words,
                        name,
                        ids,
                        person,
                        first,
                    });
                }
            }
        }
    }
    out
}

/// The name on the page that `folded` (a run's words, folded) nearly spells: every word the
/// same but the last, and that one close (see [`PageName`]); none when two names would do.
fn page_near_miss<'a>(page: &[PageName<'a>], folded: &[&str]) -> Option<NearName<'a>> {
    let m = folded.len();
    let ours = *folded.last()?;
    if m < 2 || !ours.chars().all(char::is_alphabetic) {
        return None;
    }
    let mut found: Option<NearName> = None;
    for name in page {
        if name.words.len() != m || !name.words[..m - 1].iter().eq(&folded[..m - 1]) {
            continue;
        }
        let theirs = name.words[m - 1].as_str();
        // Folded, a Latin name is ASCII: a word with other letters (`Service北京`, a name
        // run into text of another script) is not its misspelling.
        if ours.is_ascii() != theirs.is_ascii() {
            continue;
        }
        let shorter = ours.chars().count().min(theirs.chars().count());
        let letters = match edit_distance(ours, theirs) {
            1 if shorter >= 4 => 1,
            2 if shorter >= 7 => 2,
            _ => continue,
        };
        if !name.person && suffixed(ours, theirs) {
            continue;
        }
        match &found {
            Some(other) if other.name != name.name => return None,
            _ => {
                found = Some(NearName {
                    name: name.name,
                    ids: name.ids,
                    difference: Difference::Word(letters),
                })
            }
        }
    }
    found
}

/// Whether a word at `at` starts a sentence (and so is capitalised whatever it is): only
/// spaces and opening marks stand between it and the start of its block or a `.`, `!`, `?`,
/// `…` or `:`; or an opening quotation mark does.
fn starts_sentence(mask: &str, block: TextRange, at: usize) -> bool {
    for c in mask[block.start..at].chars().rev() {
        match c {
            '.' | '!' | '?' | '…' | ':' | '“' | '"' | '‘' | '«' => return true,
            '(' | '[' | '*' | '_' | '\'' => {}
            c if c.is_whitespace() => {}
            _ => return false,
        }
    }
    true
}

fn message(text: &str, found: &NearName) -> String {
    let ids = found
        .ids
        .iter()
        .map(|id| format!("@{id}"))
        .collect::<Vec<_>>()
        .join(", ");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    format!(
        "“{text}” differs from the registry's “{}” ({ids}) {}: did you mean “{}”?",
        found.name,
        found.difference.describe(),
        found.name
    )
}

/// Unknown `@id`s that nearly spell a registry entity's id, name or alias.
fn ids(cx: &Context, out: &mut Findings) {
    let near = cx.near_ids();
    if near.is_empty() {
        return;
    }
    for (i, mention) in cx.doc.syntax.mentions.iter().enumerate() {
        let Some(&(other, name)) = near.get(mention.id.as_str()) else {
            continue;
        };
        let meant = match name {
            Some(name) => format!("@{other} ({name})"),
            None => format!("@{other}"),
        };
        out.push_at_least(
            Severity::Error,
            Finding::new(
                mention.target,
                Subject::Mention(i),
                format!(
                    "“@{}” is defined nowhere, but the registry has {meant}: did you mean it?",
                    mention.id
                ),
            ),
        );
    }
}

/// The display text of a link to a known entity, against that entity's own names: `[Antony
/// Blinkin](@blinken)`.
fn links(cx: &Context, index: &EntityIndex, out: &mut Findings) {
    for (i, mention) in cx.doc.syntax.mentions.iter().enumerate() {
        if mention.kind != MentionKind::Link || mention.range.start >= cx.prose_end {
            continue;
        }
        let Some(display) = display_range(cx.text(), mention.range, mention.target) else {
            continue;
        };
        let Some(found) = display_near_miss(cx, index, &mention.id, display) else {
            continue;
        };
        out.push(Finding::new(
            display,
            Subject::Mention(i),
            message(&cx.text()[display.start..display.end], &found),
        ));
    }
}

/// The display text of a link mention, without emphasis marks around it.
fn display_range(text: &str, range: TextRange, target: TextRange) -> Option<TextRange> {
    let head = &text[range.start..target.start];
    let close = head.rfind("](")?;
    let display = &head[1..close];
    let trimmed = display.trim_start_matches(|c: char| c.is_whitespace() || c == '*' || c == '_');
    let start = range.start + 1 + (display.len() - trimmed.len());
    let trimmed = trimmed.trim_end_matches(|c: char| c.is_whitespace() || c == '*' || c == '_');
    (!trimmed.is_empty()).then(|| TextRange::new(start, start + trimmed.len()))
}

/// A near miss in the display text of a link to `id`: one of that entity's names, nearly.
/// The display text may be anything else (`the minister`, `Blinken's`), which is no finding.
fn display_near_miss<'a>(
    cx: &Context,
    index: &'a EntityIndex,
    id: &str,
    display: TextRange,
) -> Option<NearName<'a>> {
    // Names are capitalised; display text that is not (`the minister`) is no name.
    let text = &cx.text()[display.start..display.end];
    if !text.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    index.definitions.get(id)?;
    match assess_text(index, &cx.text()[display.start..display.end], true) {
        Assessment::Near(found) if found.ids.iter().any(|i| i == id) => Some(found),
        _ => None,
    }
}

/// The registry's spelling, as text or as a link; in a link's display text, the spelling; for
/// a near-miss `@id`, the id it means (and, as undefined-entity offers, a definition).
fn fixes(fx: &FixContext, diagnostic: &Diagnostic) -> Vec<Action> {
    let index = fx.ws.index();
    let range = diagnostic.range;
    if let Subject::Mention(i) = diagnostic.subject
        && fx
            .doc
            .syntax
            .mentions
            .get(i)
            .is_some_and(|m| m.target == range)
    {
        return unknown_id_fixes(fx, i);
    }
    let text = &fx.text()[range.start..range.end];
    let found = match assess_text(index, text, true) {
        Assessment::Near(found) => found,
        _ => {
            let words: Vec<String> = written_words(text).map(fold).collect();
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            match page_near_miss(&page_names(fx.ws, fx.doc), &words) {
                Some(found) => found,
                None => return Vec::new(),
            }
        }
    };
    let replace = |title: String, new_text: String, preferred: bool| {
        let edits = Edits::default()
            .replace(fx.file, range, new_text)
            .finish(fx.ws);
        let mut fix = action(title, edits);
        fix.preferred = preferred;
        fix
    };
    let name = found.name;
    match &diagnostic.subject {
        Subject::Mention(_) => vec![replace(
            format!("Change to “{name}”"),
            name.to_string(),
            true,
        )],
        Subject::Name(_) if linkable(fx, range) => {
            let mut out = vec![replace(
                format!("Change to “{name}”"),
                name.to_string(),
                true,
            )];
            for id in found.ids {
                out.push(replace(
                    format!("Change to [{name}](@{id})"),
                    format!("[{name}](@{id})"),
                    false,
                ));
            }
            out
        }
        _ => Vec::new(),
    }
}
