//! Analyses of running prose: sentences, quotations, numbers, words. They all read the prose
//! mask (see [`crate::syntax::SyntaxFile::prose_mask`]), so markup never looks like prose and
//! every range is a range of the original text.

pub mod numbers;
pub mod sentences;

use crate::syntax::TextRange;

/// Maximal runs of letters and digits (apostrophes split words: `Russia's` is `Russia`, `s`).
pub fn words(text: &str, range: TextRange) -> impl Iterator<Item = TextRange> + '_ {
    let bytes = text.as_bytes();
    // ASCII is decided byte by byte; only other characters are decoded.
    let word_char_len = move |i: usize| -> (bool, usize) {
        let b = bytes[i];
        if b < 0x80 {
            (b.is_ascii_alphanumeric(), 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_alphanumeric(), c.len_utf8())
        }
    };
    let mut i = range.start;
    std::iter::from_fn(move || {
        while i < range.end {
            let (is_word, len) = word_char_len(i);
            if is_word {
                break;
            }
            i += len;
        }
        if i >= range.end {
            return None;
        }
        let start = i;
        while i < range.end {
            let (is_word, len) = word_char_len(i);
            if !is_word {
                break;
            }
            i += len;
        }
        Some(TextRange::new(start, i))
    })
}

/// Quotations shorter than this are scare quotes or titles, not quoted speech.
pub const QUOTE_MIN_WORDS: usize = 3;

/// A quotation in double quotes, marks included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quotation {
    pub range: TextRange,
    pub words: usize,
}

/// Quotations of one block: straight `"…"` or curly `“…”` pairs. Quotes do not nest; a quote
/// left open at the end of the block is not a quotation. Single quotes are apostrophes too
/// often to be read as quotation marks.
pub fn quotations(mask: &str, block: TextRange) -> Vec<Quotation> {
    let bytes = mask.as_bytes();
    let mut out = Vec::new();
    let mut open: Option<(usize, char)> = None;
    let mut i = block.start;
    // `"` is one byte; `“` and `”` both start with 0xE2.
    while let Some(found) = memchr::memchr2(b'"', 0xE2, &bytes[i..block.end]) {
        let at = i + found;
        let c = mask[at..].chars().next().unwrap_or(' ');
        i = at + c.len_utf8();
        let before = mask[block.start..at].chars().next_back();
        let after = mask[at + c.len_utf8()..block.end].chars().next();
        // A straight quote opens a quotation only where a word starts after it and none ends
        // before it, and closes one only after a word: `5"` (inches) is neither.
        let can_open = before.is_none_or(|b| b.is_whitespace() || "([{—–/'".contains(b))
            && after.is_some_and(|a| !a.is_whitespace());
        let can_close = before.is_some_and(|b| !b.is_whitespace());
        match (c, open) {
            ('“', None) => open = Some((at, c)),
            ('"', None) if can_open => open = Some((at, c)),
            ('”', Some((start, '“'))) | ('"', Some((start, '"'))) if c == '”' || can_close => {
                let inner = TextRange::new(start + c.len_utf8(), at);
                out.push(Quotation {
                    range: TextRange::new(start, at + c.len_utf8()),
                    words: words(mask, inner).count(),
                });
                open = None;
            }
            _ => {}
        }
    }
    out
}

/// Attribution cues, matched as whole words, case-insensitively, and the house style's cues
/// as regular expressions.
#[derive(Clone, Debug)]
pub struct Cues {
    /// Each cue as its words, lower-cased.
    phrases: Vec<Vec<String>>,
    /// For each lower-cased first byte, the phrases whose first word starts with it: a word
    /// is compared with the few cues sharing its first letter, not with all sixty.
    by_first_byte: Vec<Vec<usize>>,
    patterns: Vec<regex::Regex>,
}

impl Cues {
    pub fn new<'a>(cues: impl IntoIterator<Item = &'a str>) -> Cues {
        let phrases = cues
            .into_iter()
            .map(|cue| {
                cue.split_whitespace()
                    .map(str::to_lowercase)
                    .collect::<Vec<_>>()
            })
            .filter(|words| !words.is_empty())
            .collect::<Vec<Vec<String>>>();
        let mut by_first_byte = vec![Vec::new(); 256];
        for (k, phrase) in phrases.iter().enumerate() {
            by_first_byte[phrase[0].as_bytes()[0].to_ascii_lowercase() as usize].push(k);
        }
        Cues {
            phrases,
            by_first_byte,
            patterns: Vec::new(),
        }
    }

    /// These cues and every non-empty match of `patterns` too.
    pub fn with_patterns(mut self, patterns: &[regex::Regex]) -> Cues {
        self.patterns = patterns.to_vec();
        self
    }

    /// Every cue in `range` of `mask`, skipping words inside `skip` ranges (quotations).
    pub fn find(&self, mask: &str, range: TextRange, skip: &[TextRange]) -> Vec<TextRange> {
        // `skip` is in text order and does not overlap (quotations never nest): only the last
        // range starting at or before a word can hold it. A scan of all of them per word was
        // quadratic in a sentence of thousands of quotations.
        debug_assert!(skip.windows(2).all(|w| w[0].end <= w[1].start));
        let skipped = |w: &TextRange| {
            let at = skip.partition_point(|s| s.start <= w.start);
            at > 0 && skip[at - 1].contains_range(*w)
        };
        let words: Vec<TextRange> = words(mask, range).filter(|w| !skipped(w)).collect();
        let mut found = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let first = mask.as_bytes()[words[i].start].to_ascii_lowercase() as usize;
            let matched = self.by_first_byte[first]
                .iter()
                .map(|&k| &self.phrases[k])
                .find(|phrase| {
                    phrase.len() <= words.len() - i
                        && phrase
                            .iter()
                            .zip(&words[i..])
                            .all(|(cue, w)| mask[w.start..w.end].eq_ignore_ascii_case(cue))
                });
            match matched {
                Some(phrase) => {
                    let last = words[i + phrase.len() - 1];
                    if attributes(mask, &words[..i], phrase) {
                        found.push(TextRange::new(words[i].start, last.end));
                    }
                    i += phrase.len();
                }
                None => i += 1,
            }
        }
        if !self.patterns.is_empty() {
            let haystack = &mask[range.start..range.end];
            for pattern in &self.patterns {
                found.extend(
                    pattern
                        .find_iter(haystack)
                        .filter(|m| !m.is_empty())
                        .map(|m| TextRange::new(range.start + m.start(), range.start + m.end()))
                        .filter(|m| {
                            let at = skip.partition_point(|s| s.start < m.end);
                            !(at > 0 && skip[at - 1].intersects(*m))
                        }),
                );
            }
            found.sort_by_key(|r| r.start);
        }
        found
    }
}

/// Cues that also tell of events: `patients reported headaches`, `shops have announced
/// closures`. They attribute only when their subject can be a source.
const EVENT_CUES: &[&str] = &[
    "reported",
    "reports",
    "announced",
    "noted",
    "cited",
    "confirmed",
];
/// Plural nouns that are sources when they report or announce (`police reported`).
const SPEAKING_GROUPS: &[&str] = &[
    "officials",
    "police",
    "authorities",
    "analysts",
    "economists",
    "researchers",
    "scientists",
    "investigators",
    "prosecutors",
    "officers",
    "spokespeople",
    "organisers",
    "organizers",
    "ministers",
    "regulators",
    "lawyers",
    "forecasters",
    "doctors",
    "medics",
    "paramedics",
    "firefighters",
    "media",
    "sources",
    "experts",
    "agencies",
    "ministries",
    "companies",
    "unions",
    "witnesses",
    "observers",
    "critics",
    "statistics",
    "figures",
    "data",
    "records",
];
/// Plurals that report or announce what happened to them, not as sources: `patients reported
/// headaches`, `shops have announced closures`.
const EXPERIENCERS: &[&str] = &[
    "patients",
    "residents",
    "users",
    "customers",
    "shops",
    "stores",
    "businesses",
    "chains",
    "drivers",
    "passengers",
    "participants",
    "people",
    "households",
    "families",
    "schools",
    "hospitals",
    "firms",
    "retailers",
    "farmers",
    "students",
    "parents",
    "children",
    "tenants",
    "travellers",
    "commuters",
    "fans",
    "viewers",
    "employers",
    "restaurants",
    "pubs",
    "banks",
];
/// Words between a subject and its verb: `shops have announced`, `patients also reported`.
const BETWEEN: &[&str] = &[
    "have",
    "had",
    "has",
    "also",
    "all",
    "later",
    "previously",
    "first",
];

/// Whether a cue matched after `before` (the words of the range before it) attributes: `told`
/// after `was` or `were` is told to someone (`passengers were told to wait`), and an event
/// cue whose subject is a plural of people or things that are no source (`patients reported
/// headaches`) tells of an event.
fn attributes(mask: &str, before: &[TextRange], phrase: &[String]) -> bool {
    let mut subject = before.iter().rev().map(|w| &mask[w.start..w.end]);
    let Some(mut previous) = subject.next() else {
        return true;
    };
    let cue = phrase.join(" ");
    if cue == "told" {
        return !matches!(previous, "was" | "were" | "been" | "being" | "be");
    }
    if !EVENT_CUES.contains(&cue.as_str()) {
        return true;
    }
    while BETWEEN.contains(&previous) {
        match subject.next() {
            Some(word) => previous = word,
            None => return true,
        }
    }
    let plural_thing = previous.len() > 3
        && previous.ends_with('s')
        && !previous.ends_with("ss")
        && previous.chars().all(|c| c.is_lowercase());
    // Capitalised at the start of a sentence too (`Patients reported…`); a capitalised plural
    // otherwise may be a name (`Reuters reported`).
    let experiencer = EXPERIENCERS
        .iter()
        .any(|w| w.eq_ignore_ascii_case(previous));
    !(plural_thing || experiencer) || SPEAKING_GROUPS.contains(&previous)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> TextRange {
        TextRange::new(0, text.len())
    }

    #[test]
    fn quotations_pair_up_and_count_words() {
        let text = r#"He said "we will win" and “never again”, then "oops"#;
        let quotes = quotations(text, all(text));
        let found: Vec<(&str, usize)> = quotes
            .iter()
            .map(|q| (&text[q.range.start..q.range.end], q.words))
            .collect();
        assert_eq!(found, [("\"we will win\"", 3), ("“never again”", 2)]);
    }

    #[test]
    fn stray_straight_quotes_do_not_pair() {
        let text = r#"He measured 5" and then “we will win this war” he shouted."#;
        let quotes = quotations(text, all(text));
        assert_eq!(quotes.len(), 1);
        assert_eq!(quotes[0].words, 5);
    }

    #[test]
    fn cues_match_whole_words_outside_quotes() {
        let cues = Cues::new(["said", "according to"]);
        let text = r#"According to officials, "he said nothing", and unsaid words."#;
        let quote = quotations(text, all(text))[0].range;
        let found = cues.find(text, all(text), &[quote]);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].start..found[0].end], "According to");
    }
}
