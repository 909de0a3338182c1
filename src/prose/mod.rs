//! Analyses of running prose: sentences, quotations, numbers, words. They all read the prose
//! mask (see [`crate::syntax::SyntaxFile::prose_mask`]), so markup never looks like prose and
//! every range is a range of the original text.

pub mod numbers;
pub mod sentences;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Input, MatchKind};

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
    /// Each cue as its words, lower-cased, and what else decides whether it attributes.
    phrases: Vec<(Vec<String>, CueKind)>,
    /// The distinct first words of the cues, found all at once: a sentence is searched for
    /// them, not read word by word (most sentences hold none).
    first_words: Option<AhoCorasick>,
    /// For each first word (its pattern number), the phrases that start with it, in the
    /// order they were given: the first whose words all follow is the one matched.
    starting: Vec<Vec<usize>>,
    patterns: Vec<regex::Regex>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CueKind {
    /// Attributes wherever it stands.
    Plain,
    /// `told`: not after `was` or `were` (`passengers were told to wait`).
    Told,
    /// One of [`EVENT_CUES`]: only when its subject can be a source.
    Event,
}

impl Cues {
    pub fn new<'a>(cues: impl IntoIterator<Item = &'a str>) -> Cues {
        let phrases: Vec<(Vec<String>, CueKind)> = cues
            .into_iter()
            .map(|cue| {
                cue.split_whitespace()
                    .map(str::to_lowercase)
                    .collect::<Vec<_>>()
            })
            .filter(|words| !words.is_empty())
            .map(|words| {
                let kind = match words.as_slice() {
                    [told] if told == "told" => CueKind::Told,
                    [word] if EVENT_CUES.contains(&word.as_str()) => CueKind::Event,
                    _ => CueKind::Plain,
                };
                (words, kind)
            })
            .collect();
        let mut firsts: Vec<&str> = Vec::new();
        let mut starting: Vec<Vec<usize>> = Vec::new();
        for (k, (words, _)) in phrases.iter().enumerate() {
            let first = words[0].as_str();
            match firsts.iter().position(|f| *f == first) {
                Some(at) => starting[at].push(k),
                None => {
                    firsts.push(first);
                    starting.push(vec![k]);
                }
            }
        }
        // Leftmost-longest: of `report` and `reports`, the whole word.
        let first_words = (!firsts.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostLongest)
                    // A few dozen words: a full DFA is small, and the fastest to run over
                    // every sentence (case-insensitive, they leave no literal prefilter).
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&firsts)
                    .ok()
            })
            .flatten();
        Cues {
            phrases,
            first_words,
            starting,
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
        let mut found = Vec::new();
        if let Some(first_words) = &self.first_words {
            // Where the last phrase matched ends: phrases do not overlap.
            let mut resume = range.start;
            let input = Input::new(mask).range(range.start..range.end);
            for hit in first_words.find_iter(input) {
                let first = TextRange::new(hit.start(), hit.end());
                if first.start < resume
                    || !word_edge(mask, range.start, first.start, Side::Before)
                    || !word_edge(mask, range.end, first.end, Side::After)
                    || skipped(&first)
                {
                    continue;
                }
                let followed = self.starting[hit.pattern().as_usize()]
                    .iter()
                    .find_map(|&k| {
                        let (words, kind) = &self.phrases[k];
                        let mut next =
                            prose_words(mask, TextRange::new(first.end, range.end), &skipped);
                        let mut end = first.end;
                        for cue in &words[1..] {
                            let w = next.next()?;
                            if !mask[w.start..w.end].eq_ignore_ascii_case(cue) {
                                return None;
                            }
                            end = w.end;
                        }
                        Some((end, *kind))
                    });
                if let Some((end, kind)) = followed {
                    let attributes = kind == CueKind::Plain || {
                        let before: Vec<TextRange> =
                            prose_words(mask, TextRange::new(range.start, first.start), &skipped)
                                .collect();
                        attributes(mask, &before, kind)
                    };
                    if attributes {
                        found.push(TextRange::new(first.start, end));
                    }
                    resume = end;
                }
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

/// The words of `range` outside the ranges `skipped` says are skipped.
fn prose_words<'m>(
    mask: &'m str,
    range: TextRange,
    skipped: &'m impl Fn(&TextRange) -> bool,
) -> impl Iterator<Item = TextRange> + 'm {
    words(mask, range).filter(move |w| !skipped(w))
}

enum Side {
    Before,
    After,
}

/// Whether a word may start (`Before`) or end (`After`) at `at`: no letter or digit on that
/// side of it within `bound`, as [`words`] splits them.
fn word_edge(mask: &str, bound: usize, at: usize, side: Side) -> bool {
    let neighbour = match side {
        Side::Before if at > bound => mask[..at].chars().next_back(),
        Side::After if at < bound => mask[at..].chars().next(),
        _ => None,
    };
    !neighbour.is_some_and(char::is_alphanumeric)
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
fn attributes(mask: &str, before: &[TextRange], kind: CueKind) -> bool {
    let mut subject = before.iter().rev().map(|w| &mask[w.start..w.end]);
    let Some(mut previous) = subject.next() else {
        return true;
    };
    match kind {
        CueKind::Plain => return true,
        CueKind::Told => return !matches!(previous, "was" | "were" | "been" | "being" | "be"),
        CueKind::Event => {}
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
