//! Near misses: the known id, word or name a mistyped one was most likely meant to be. The
//! distance, the folding and the suggestion for small vocabularies are `syntax::near`, so
//! that every layer suggests the same way; here is what the rules add on top: an unknown
//! `@id` to the registry's ids, names and aliases, and a run of capitalised words to the
//! registry's names ([`assess`]).

pub use crate::syntax::near::{closest, closest_word, edit_distance, fold, fold_into};

use rustc_hash::FxHashMap;

use crate::workspace::near::{SINGLE_WORD_MIN, folded_words};
use crate::workspace::{EntityIndex, Workspace};

/// Words of a multi-word name shorter than this (folded) must match exactly: one letter
/// turns one short first name into another (Jon, Joe; Maria, Mario).
pub const WORD_MIN: usize = 6;

/// A name or alias shorter than this (folded) is never a near miss, whatever differs.
pub const NAME_MIN: usize = 5;

/// One letter more at the end that makes a word of a name another word: a plural, a
/// demonym, a feminine form (`Blinkens`, `Korean`, `Israeli`, `Petrova`).
const SUFFIXES: &[char] = &['s', 'n', 'i', 'a'];

/// How text differs from the registry name it nearly spells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Difference {
    /// Folded alike (letters and digits, lower case, without diacritics), so only these
    /// differ.
    Folded {
        case: bool,
        accents: bool,
        spacing: bool,
    },
    /// This many words differ by one letter each (an edit or a swap).
    Letters(usize),
    /// One word differs by this many letters (a name already on the page, misspelt).
    Word(usize),
}

impl Difference {
    pub fn describe(self) -> String {
        match self {
            Difference::Folded {
                case,
                accents,
                spacing,
            } => {
                let parts: Vec<&str> = [
                    (case, "case"),
                    (accents, "accents"),
                    (spacing, "hyphenation or spacing"),
                ]
                .into_iter()
                .filter(|(on, _)| *on)
                .map(|(_, what)| what)
                .collect();
                format!("only in {}", parts.join(" and "))
            }
            Difference::Letters(1) => "by one letter".to_string(),
            Difference::Letters(n) => format!("by one letter in each of {n} words"),
            Difference::Word(1) => "by one letter".to_string(),
            Difference::Word(_) => "by two letters".to_string(),
        }
    }
}

/// A registry name that text nearly spells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NearName<'a> {
    pub name: &'a str,
    /// The entities that carry it, in id order.
    pub ids: &'a [String],
    pub difference: Difference,
}

/// What a run of words is to the registry.
#[derive(Debug, PartialEq, Eq)]
pub enum Assessment<'a> {
    /// Exactly a name or alias: unlinked-mention's business.
    Exact,
    Near(NearName<'a>),
    Nothing,
}

/// Some text as [`assess`] reads it: its words (runs of letters and digits), folded, and
/// which of them are words of registry names ([`NearNames::is_word`]).
///
/// [`NearNames::is_word`]: crate::workspace::near::NearNames::is_word
pub struct Window<'w> {
    pub text: &'w str,
    pub folded: &'w [&'w str],
    pub members: &'w [bool],
}

/// What `text` (a link's display text, an id, the text of a diagnostic) is to the registry:
/// [`assess`] for text that is not part of a document's scan.
pub fn assess_text<'a>(index: &'a EntityIndex, text: &str, one_word_edits: bool) -> Assessment<'a> {
    let folded: Vec<String> = written_words(text).map(fold).collect();
    let folded: Vec<&str> = folded.iter().map(String::as_str).collect();
    let members: Vec<bool> = folded
        .iter()
        .map(|w| index.near_names().is_word(w))
        .collect();
    let window = Window {
        text,
        folded: &folded,
        members: &members,
    };
    assess(index, &window, one_word_edits)
}

pub fn written_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// What a window of words (a run of capitalised words, or a link's display text) is to the
/// registry. `one_word_edits`: whether a single word may be one letter off a single-word
/// name (not at the start of a sentence, where any word is capitalised). Costs a few hash
/// probes, and allocates only on a hit.
pub fn assess<'a>(index: &'a EntityIndex, window: &Window, one_word_edits: bool) -> Assessment<'a> {
    let near = index.near_names();
    let folded = window.folded;
    let m = folded.len();
    if m == 0 || folded.iter().any(|w| w.is_empty()) {
        return Assessment::Nothing;
    }
    let outside = window.members.iter().filter(|m| !**m).count();
    // Case, accents and spacing: the window's words folded and joined are a name's. The
    // name's shape (length, first and last letter) is tested before the words are joined.
    let length: usize = folded.iter().map(|w| w.chars().count()).sum();
    let first = folded[0].chars().next().unwrap_or(' ');
    let last = folded[m - 1].chars().next_back().unwrap_or(' ');
    if outside == 0 && near.may_be_whole(length, first, last) {
        let joined = match folded {
            [one] => std::borrow::Cow::Borrowed(*one),
            _ => std::borrow::Cow::Owned(folded.concat()),
        };
        let full = near.full(&joined);
        if !full.is_empty() {
            if full.iter().any(|&i| index.name(i).0 == window.text) {
                return Assessment::Exact;
            }
            if let Some(found) = unique(full.iter().map(|&i| index.name(i)))
                && let Some(difference) = folded_difference(window, found.0)
            {
                return Assessment::Near(NearName {
                    name: found.0,
                    ids: found.1,
                    difference,
                });
            }
        }
    }
    // One letter in one word: every other word is a name's word in its place. (A window of
    // names' words only is left alone: one name's word misspelt as another's, `Mario` for
    // `Maria`, is as often another person.)
    if m >= 2 && outside == 1 {
        let mut found = Vec::new();
        for k in 0..m {
            if window.members[k] {
                continue;
            }
            let n = folded[k].chars().count();
            if n < WORD_MIN {
                continue;
            }
            for len in n - 1..=n + 1 {
                for &i in near.slot(folded, k, len) {
                    let (name, ids) = index.name(i);
                    let theirs = folded_words(name);
                    let same_elsewhere =
                        theirs.len() == m && (0..m).all(|j| j == k || theirs[j] == folded[j]);
                    if same_elsewhere && one_letter(folded[k], &theirs[k], WORD_MIN, k + 1 < m) {
                        found.push((name, ids));
                    }
                }
            }
        }
        if let Some((name, ids)) = unique(found.into_iter()) {
            return Assessment::Near(NearName {
                name,
                ids,
                difference: Difference::Letters(1),
            });
        }
    }
    if m == 1 && one_word_edits && outside == 1 {
        let word = folded[0];
        let n = word.chars().count();
        if n >= SINGLE_WORD_MIN && word.chars().all(char::is_alphabetic) {
            let found = near.single(word, n).into_iter().filter_map(|i| {
                let (name, ids) = index.name(i);
                let theirs = folded_words(name);
                (theirs.len() == 1 && one_letter(word, &theirs[0], SINGLE_WORD_MIN, false))
                    .then_some((name, ids))
            });
            if let Some((name, ids)) = unique(found) {
                return Assessment::Near(NearName {
                    name,
                    ids,
                    difference: Difference::Letters(1),
                });
            }
        }
    }
    Assessment::Nothing
}

/// The one name among `found` (several entities may share it), or none when they differ.
fn unique<'a>(
    found: impl Iterator<Item = (&'a str, &'a [String])>,
) -> Option<(&'a str, &'a [String])> {
    let mut one: Option<(&str, &[String])> = None;
    for (name, ids) in found {
        match one {
            Some((seen, _)) if seen != name => return None,
            _ => one = Some((name, ids)),
        }
    }
    one
}

/// Whether `ours` is one letter off `theirs` in a way that is a misspelling rather than
/// another word: both at least `min` characters, not a plural or demonym of it, not it with
/// a letter in front, and, for a first name (a word before the last of a name), not a
/// different ending (Maria, Mario; Daniel, Daniela).
fn one_letter(ours: &str, theirs: &str, min: usize, first_name: bool) -> bool {
    let (a, b) = (ours.chars().count(), theirs.chars().count());
    if a.min(b) < min || edit_distance(ours, theirs) != 1 {
        return false;
    }
    let (short, long) = if a < b {
        (ours, theirs)
    } else {
        (theirs, ours)
    };
    if a != b {
        if suffixed(short, long) {
            return false;
        }
        // A letter more in front is another word (Russia, Prussia).
        if long.chars().skip(1).eq(short.chars()) {
            return false;
        }
    }
    let common = ours
        .chars()
        .zip(theirs.chars())
        .take_while(|(x, y)| x == y)
        .count();
    let at_end = common + 1 >= a.min(b);
    // A first name with another ending is another first name; a surname ending in `a` where
    // the other does not is its feminine form (Zelenska, Zelensky), another person.
    if at_end && (first_name || ours.ends_with('a') != theirs.ends_with('a')) {
        return false;
    }
    true
}

/// Whether one of two words is the other with [`SUFFIXES`] after it: a plural, a demonym or
/// a feminine form (`Koreans`, `Korean` for `Korea`).
pub fn suffixed(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
    long.strip_prefix(short)
        .is_some_and(|extra| !extra.is_empty() && extra.chars().all(|c| SUFFIXES.contains(&c)))
}

/// How `words` differs from `name` when both fold alike; `None` when the difference is
/// house style rather than a misspelling: an acronym written in capitals or not (`Unicef`,
/// `UNICEF`), or a capital at the start of a word (`De Gaulle` at the start of a sentence, `Bank
/// Of England` in a title-case headline).
fn folded_difference(window: &Window, name: &str) -> Option<Difference> {
    if window
        .folded
        .iter()
        .map(|w| w.chars().count())
        .sum::<usize>()
        < NAME_MIN
    {
        return None;
    }
    let written: Vec<&str> = written_words(window.text).collect();
    let theirs: Vec<&str> = written_words(name).collect();
    let spacing = written.len() != theirs.len() || separators(window.text).ne(separators(name));
    let ours_letters: String = written.concat();
    let theirs_letters: String = theirs.concat();
    let accents = ours_letters.to_lowercase() != theirs_letters.to_lowercase();
    // Case: a letter inside a word in another case (`Deepmind`, `DeepMind`), where neither
    // word is all capitals.
    let mut case = false;
    if ours_letters.chars().count() == theirs_letters.chars().count() {
        for (ours, theirs) in written.iter().zip(&theirs) {
            let caps = |w: &str| {
                w.chars().filter(|c| c.is_alphabetic()).count() >= 2
                    && w.chars()
                        .filter(|c| c.is_alphabetic())
                        .all(char::is_uppercase)
            };
            let inner_differs = ours
                .chars()
                .zip(theirs.chars())
                .skip(1)
                .any(|(x, y)| x.is_uppercase() != y.is_uppercase());
            if inner_differs {
                if caps(ours) || caps(theirs) {
                    return None;
                }
                case = true;
            }
        }
    }
    (case || accents || spacing).then_some(Difference::Folded {
        case,
        accents,
        spacing,
    })
}

/// What stands between the words of `text`, any run of whitespace read as one space (a name
/// broken over two lines is spaced as on one), any apostrophe as `'` and any hyphen as `-`.
fn separators(text: &str) -> impl Iterator<Item = char> + '_ {
    let mut last = None;
    text.chars()
        .filter(|c| !c.is_alphanumeric())
        // Typography is not spelling: curly and straight apostrophes, hyphens of any width.
        .map(|c| match c {
            c if c.is_whitespace() => ' ',
            '’' | '‘' | 'ʼ' => '\'',
            '‐' | '‑' | '‒' | '–' => '-',
            c => c,
        })
        .filter(move |&c| {
            let repeat = c == ' ' && last == Some(' ');
            last = Some(c);
            !repeat
        })
}

/// A registry entity an unknown `@id` was most likely meant to be, with its name: an id
/// equal ignoring case, `-` and `_` (`@ECB`); an id one edit away, or with `scan`, two (see
/// [`closest`]; two edits need a pass over every id, so a document's check makes it for its
/// first few unknown ids only); else the only entity whose name or alias folds to the same
/// letters (`@european-central-bank`, `@jose-garcia`) or is one letter off it
/// (`@zelenskiy`).
pub fn entity_for<'a>(
    ws: &'a Workspace,
    id: &str,
    scan: bool,
) -> Option<(&'a str, Option<&'a str>)> {
    let index = ws.index();
    let near = index.near_names();
    let (same, one_edit) = near.ids_like(id);
    let by_id = same
        .iter()
        .map(|&i| near.id(i))
        .filter(|k| *k != id)
        .min()
        .or_else(|| closest(id, one_edit.iter().map(|&i| near.id(i))))
        .or_else(|| {
            scan.then(|| closest(id, index.definitions.keys().map(String::as_str)))
                .flatten()
        });
    let found = by_id.or_else(|| {
        let one_word = written_words(id).count() == 1;
        let by_name =
            unique(near.full(&fold(id)).iter().map(|&i| index.name(i))).or_else(
                || match assess_text(index, id, one_word) {
                    Assessment::Near(found) => Some((found.name, found.ids)),
                    _ => None,
                },
            );
        match by_name {
            Some((_, [only])) => Some(only.as_str()),
            _ => None,
        }
    })?;
    Some((found, entity_name(ws, found)))
}

/// The canonical name of entity `id`.
fn entity_name<'a>(ws: &'a Workspace, id: &str) -> Option<&'a str> {
    ws.entity(id)
        .next()
        .map(|(_, def)| def.name.text.as_str())
        .filter(|n| !n.is_empty())
}

/// How many ids one document's unknown ids may be compared with, all told, in passes over
/// every id (the two-edit search): an article full of unknown ids next to a registry of
/// 100,000 entities makes five such passes, not one per id.
const SCAN_BUDGET: usize = 500_000;

/// [`entity_for`] over the unknown ids of one document, each looked up once, the first ones
/// (as [`SCAN_BUDGET`] allows, and at most 32) with the pass over every id.
#[derive(Default)]
pub struct EntitySuggestions<'a> {
    seen: FxHashMap<&'a str, Option<(&'a str, Option<&'a str>)>>,
    scans: usize,
}

impl<'a> EntitySuggestions<'a> {
    pub fn get(&mut self, ws: &'a Workspace, id: &'a str) -> Option<(&'a str, Option<&'a str>)> {
        if let Some(found) = self.seen.get(id) {
            return *found;
        }
        let ids = ws.index().definitions.len().max(1);
        let scan = self.scans < 32 && (self.scans + 1) * ids <= SCAN_BUDGET.max(ids);
        self.scans += usize::from(scan);
        let found = entity_for(ws, id, scan);
        self.seen.insert(id, found);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_letter_misspellings_and_other_words() {
        let surname = |a, b| one_letter(a, b, WORD_MIN, false);
        let first_name = |a, b| one_letter(a, b, WORD_MIN, true);
        assert!(surname("zelenskiy", "zelensky"));
        assert!(surname("zelenskyy", "zelensky"));
        assert!(first_name("anthony", "antony"));
        assert!(first_name("michael", "michel"));
        assert!(surname("blinkin", "blinken"));
        assert!(!surname("blinkens", "blinken"));
        assert!(!first_name("marion", "marina"));
        assert!(!first_name("daniela", "daniel"));
        assert!(!surname("prussia", "russia"));
        assert!(!surname("smyth", "smith"));
        assert!(!surname("kitten", "sitting"));
        assert!(!one_letter("macron", "micron", SINGLE_WORD_MIN, false));
        assert!(!surname("zelenska", "zelensky"));
        assert!(!surname("petrova", "petrov"));
        assert!(surname("kharkov", "kharkiv"));
    }
}
