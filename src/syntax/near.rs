//! Near misses: how far one spelling is from another, and which known word or id a mistyped
//! one was most likely meant to be. It sits at the bottom of the crate so that every layer
//! suggests the same way: the parser's messages (`kind:`, `status`), the configuration's
//! (rule names, keys) and the rules' (ids, names; see `rules::shared::near`).

/// Edit distance with transpositions (optimal string alignment), over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    // Three rolling rows: the one before the previous (for transpositions), previous, current.
    let mut older = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut row = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (prev[j] + 1).min(row[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(older[j - 2] + 1);
            }
            row[j] = best;
        }
        std::mem::swap(&mut older, &mut prev);
        std::mem::swap(&mut prev, &mut row);
    }
    prev[b.len()]
}

/// The known id `id` was most likely meant to be: equal ignoring case, or at most two edits
/// away (and no more than half of the longer id, so `a` is not "close" to `b`). Ties go to the
/// id that sorts first.
pub fn closest<'a>(id: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let bits = letter_bits(id);
    known
        // An edit changes at most two of the letters present: a cheap test that rules out
        // most of a large registry before the distance is measured.
        .filter(|k| {
            *k != id && k.len().abs_diff(id.len()) <= 2 && (letter_bits(k) ^ bits).count_ones() <= 4
        })
        .filter_map(|k| {
            if k.eq_ignore_ascii_case(id) {
                return Some(((0, 0), k));
            }
            let d = edit_distance(id, k);
            (d <= 2 && 2 * d <= k.len().max(id.len())).then_some(((1, d), k))
        })
        .min()
        .map(|(_, k)| k)
}

/// Which letters and digits `text` holds, case ignored, one bit each (other characters share
/// the remaining bits).
fn letter_bits(text: &str) -> u64 {
    text.bytes().fold(0, |bits, b| {
        let bit = match b.to_ascii_lowercase() {
            c @ b'a'..=b'z' => c - b'a',
            c @ b'0'..=b'9' => 26 + c - b'0',
            c => 36 + c % 28,
        };
        bits | 1 << bit
    })
}

/// Prefixes that turn a word into its opposite: `verified` is not a misspelt `unverified`.
const NEGATIONS: &[&str] = &["un", "in", "non", "non-", "not-", "dis"];

/// Whether one of `a`, `b` is the other with a negating prefix.
fn negates(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    NEGATIONS
        .iter()
        .any(|n| long.strip_prefix(n).is_some_and(|rest| rest == short))
}

/// The word of a small fixed vocabulary (rule ids, `kind:` values, config keys …) that
/// `value` was meant to be, when one stands out: the same ignoring case; the only word that
/// `value` starts with or is the start of (`organisation` → `org`, `publish` → `published`);
/// or the only nearest word within a third of its length in edits (`undefined-entities` →
/// `undefined-entity`). Never a word with the opposite sense (`verified` is not
/// `unverified`).
pub fn closest_word<'a>(value: &str, vocabulary: &[&'a str]) -> Option<&'a str> {
    let lower = value.to_lowercase();
    if let Some(word) = vocabulary.iter().find(|w| w.eq_ignore_ascii_case(value)) {
        return (*word != value).then_some(*word);
    }
    if lower.chars().count() < 2 {
        return None;
    }
    let unique = |found: Vec<&'a str>| match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    // `organisation` starts with `org`; `publish` is the start of `published`.
    let extends: Vec<&'a str> = vocabulary
        .iter()
        .copied()
        .filter(|w| w.len() >= 3 && lower.starts_with(*w))
        .collect();
    if let Some(word) = unique(extends) {
        return Some(word);
    }
    let starts: Vec<&'a str> = vocabulary
        .iter()
        .copied()
        .filter(|w| lower.len() >= 4 && w.starts_with(&lower))
        .collect();
    if let Some(word) = unique(starts) {
        return Some(word);
    }
    let scored: Vec<(usize, &'a str)> = vocabulary
        .iter()
        .filter(|w| !negates(&lower, w))
        .map(|w| (edit_distance(&lower, w), *w))
        .collect();
    let best = scored.iter().map(|(d, _)| *d).min()?;
    let len = lower.chars().count().max(2);
    if best == 0 || best > (len / 3).max(1) || 2 * best > len {
        return None;
    }
    unique(
        scored
            .into_iter()
            .filter(|(d, _)| *d == best)
            .map(|(_, w)| w)
            .collect(),
    )
}

/// The message for a value outside a fixed set: `unknown kind “persn”: did you mean “person”?
/// Use one of person, org, …`. `synonyms` maps words with the same sense to the valid one
/// (`verified` → `confirmed`), since spelling alone would propose the wrong one.
pub fn unknown_value(what: &str, value: &str, valid: &[&str], synonyms: &[(&str, &str)]) -> String {
    let lower = value.to_lowercase();
    let suggestion = synonyms
        .iter()
        .find(|(word, _)| *word == lower)
        .map(|(_, valid)| *valid)
        .or_else(|| closest_word(value, valid));
    match suggestion {
        Some(s) => format!(
            "unknown {what} “{value}”: did you mean “{s}”? Use one of {}",
            valid.join(", ")
        ),
        None => format!("unknown {what} “{value}”: use one of {}", valid.join(", ")),
    }
}

/// The ASCII letters Latin letters with diacritics fold to, for U+00C0 to U+024F (`.`: none).
/// Generated from Unicode's canonical decompositions; letters that do not decompose but read
/// as a plain letter (`ø`, `ł`, `đ`, `ı`) are given by hand, and those that read as two
/// (`æ`, `œ`, `ß`, `þ`, `ĳ`) are in [`fold_into`].
const LATIN: &[u8; 400] = b"aaaaaa.ceeeeiiiidnooooo.ouuuuy..aaaaaa.ceeeeiiiidnooooo.ouuuuy.y\
aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii..jjkkklllllll\
lllnnnnnnnnnoooooo..rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs\
b......................i..l.....oo.............uu....zz.........\
.............aaiioouuuuuuuuuu.aaaa....ggkkoooo..j...gg..nnaa..oo\
aaaaeeeeiiiioooorrrruuuusstt..hh......aaeeooooooooyy.........l..\
...b............";

/// Appends `text` as names are compared: letters and digits only, lower case, Latin
/// diacritics dropped (`José García` → `josegarcia`, `Jean-Marie` → `jeanmarie`). Other
/// scripts are lower-cased and kept.
pub fn fold_into(text: &str, out: &mut String) {
    if text.is_ascii() {
        // Most names: a byte at a time.
        out.extend(
            text.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| b.to_ascii_lowercase() as char),
        );
        return;
    }
    for c in text.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            }
            continue;
        }
        if !c.is_alphanumeric() {
            continue;
        }
        let two = match c {
            'Æ' | 'æ' | 'Ǽ' | 'ǽ' | 'Ǣ' | 'ǣ' => "ae",
            'Œ' | 'œ' => "oe",
            'ß' => "ss",
            'Þ' | 'þ' => "th",
            'Ĳ' | 'ĳ' => "ij",
            _ => "",
        };
        if !two.is_empty() {
            out.push_str(two);
            continue;
        }
        let code = c as usize;
        if (0xC0..0xC0 + LATIN.len()).contains(&code) && LATIN[code - 0xC0] != b'.' {
            out.push(LATIN[code - 0xC0] as char);
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

/// [`fold_into`] a new string.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_ids() {
        let known = ["blinken", "ssu", "SSU-2", "gs", "b"];
        let near = |id| closest(id, known.iter().copied());
        assert_eq!(near("blinkin"), Some("blinken"));
        assert_eq!(near("bilnken"), Some("blinken"));
        assert_eq!(near("Blinken"), Some("blinken"));
        assert_eq!(near("ssu-2"), Some("SSU-2"));
        assert_eq!(near("sbu"), Some("ssu"));
        assert_eq!(near("a"), None);
        assert_eq!(near("xyz"), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("zelensky", "zelenskiy"), 1);
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("józef", "jozef"), 1);
    }

    #[test]
    fn near_words() {
        let kinds = ["person", "org", "place", "unit", "event", "work", "other"];
        let statuses = ["confirmed", "reported", "disputed", "unverified", "false"];
        assert_eq!(closest_word("persn", &kinds), Some("person"));
        assert_eq!(closest_word("Person", &kinds), Some("person"));
        assert_eq!(closest_word("organisation", &kinds), Some("org"));
        assert_eq!(closest_word("organization", &kinds), Some("org"));
        assert_eq!(closest_word("places", &kinds), Some("place"));
        assert_eq!(closest_word("country", &kinds), None);
        assert_eq!(closest_word("x", &kinds), None);
        assert_eq!(closest_word("person", &kinds), None);
        // The opposite sense is never proposed.
        assert_eq!(closest_word("verified", &statuses), None);
        assert_eq!(closest_word("unconfirmed", &statuses), None);
        assert_eq!(closest_word("disputd", &statuses), Some("disputed"));
        assert_eq!(closest_word("reproted", &statuses), Some("reported"));
        let rules = ["undefined-entity", "undefined-source", "unused-source"];
        assert_eq!(
            closest_word("undefined-entities", &rules),
            Some("undefined-entity")
        );
        assert_eq!(closest_word("undefined", &rules), None);
        assert_eq!(
            closest_word("publish", &["draft", "review", "published"]),
            Some("published")
        );
    }

    #[test]
    fn folding() {
        assert_eq!(fold("José García"), "josegarcia");
        assert_eq!(fold("Jean-Marie Le Pen"), "jeanmarielepen");
        assert_eq!(fold("Łódź"), "lodz");
        assert_eq!(fold("Øresund Straße"), "oresundstrasse");
        assert_eq!(fold("Ștefan Țiriac"), "stefantiriac");
        assert_eq!(fold("Зеленський"), "зеленський");
        assert_eq!(fold("O'Brien"), "obrien");
    }
}
