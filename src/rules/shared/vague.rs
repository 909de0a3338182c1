//! Vague attribution: phrases that put a claim in the mouth of no one in particular ("sources
//! said", "according to reports", "it is understood", "reportedly"), found sentence by
//! sentence, with the citations that answer for them. Behind the vague-attribution rule, and
//! behind the attribution rules' giving way to it: a sentence it reports gets no
//! missing-source, unattributed-number or unattributed-quote as well ([`drop_replaced`]).

use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};
use rustc_hash::FxHashMap;

use crate::config::RuleLevel;
use crate::prose::{self, sentences};
use crate::rules::Context;
use crate::rules::shared::attribution::{Verdict, speaks_for};
use crate::syntax::{
    BlockKind, ClaimSpan, DefinitionKind, MentionKind, ProseBlock, SyntaxFile, TextRange,
};

/// The rule's id, for the attribution rules to ask whether it is on (naming the rule module
/// would make the shared code depend on a rule).
const RULE_ID: &str = "vague-attribution";

/// The field of an anonymous source that says why it is not named.
pub const REASON_FIELD: &str = "reason";

/// Words that may come between a vague subject and its verb: `critics have long argued`.
const AUXILIARIES: &[&str] = &[
    "have",
    "has",
    "had",
    "will",
    "would",
    "may",
    "might",
    "could",
    "also",
    "long",
    "repeatedly",
    "previously",
    "privately",
    "now",
    "widely",
    "generally",
    "often",
    "earlier",
    "later",
    "reportedly",
];

/// Verbs of saying and believing after a vague subject: `critics say`, `experts warned`
/// (`point` is `point out`).
const SAYING_VERBS: &[&str] = &[
    "say",
    "says",
    "said",
    "tell",
    "tells",
    "told",
    "believe",
    "believes",
    "believed",
    "think",
    "thinks",
    "thought",
    "claim",
    "claims",
    "claimed",
    "suggest",
    "suggests",
    "suggested",
    "warn",
    "warns",
    "warned",
    "fear",
    "fears",
    "feared",
    "argue",
    "argues",
    "argued",
    "contend",
    "contends",
    "contended",
    "insist",
    "insists",
    "insisted",
    "maintain",
    "maintains",
    "maintained",
    "expect",
    "expects",
    "expected",
    "estimate",
    "estimates",
    "estimated",
    "predict",
    "predicts",
    "predicted",
    "agree",
    "agrees",
    "agreed",
    "note",
    "notes",
    "noted",
    "indicate",
    "indicates",
    "indicated",
    "report",
    "reports",
    "reported",
    "reveal",
    "reveals",
    "revealed",
    "confirm",
    "confirms",
    "confirmed",
    "caution",
    "cautions",
    "cautioned",
    "allege",
    "alleges",
    "alleged",
    "point",
    "points",
    "pointed",
    "acknowledge",
    "acknowledges",
    "acknowledged",
    "admit",
    "admits",
    "admitted",
    "concede",
    "concedes",
    "conceded",
    "speculate",
    "speculates",
    "speculated",
    "worry",
    "worries",
    "worried",
];

/// Verbs of saying and believing after a vague subject, with what may come before them.
fn saying() -> String {
    let verbs: Vec<String> = SAYING_VERBS
        .iter()
        .map(|v| match *v {
            "point" | "points" | "pointed" => format!(r"{v}\s+out"),
            v => v.to_string(),
        })
        .collect();
    format!(
        r"(?:(?:{})\s+){{0,2}}(?:{})\b",
        AUXILIARIES.join("|"),
        verbs.join("|")
    )
}

/// What may stand between a subject and its verb (up to four words, no punctuation).
const QUALIFIER: &str = r"(?:\s+(?:in|at|within|inside|from|of|with|for|close\s+to|familiar\s+with|briefed\s+on)(?:\s+[\w'-]+){1,4}?)?";

/// Which checks a built-in phrase gets beyond its pattern (see [`Detector::keeps`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    /// Nobody in particular, whatever qualifies them: `sources at the ministry said`.
    Anonymous,
    /// Named enough when their institution is: `officials at @ecb said`, `Pentagon officials`.
    Institutional,
    /// `according to Western sources`, `according to reports`.
    According,
    /// Passives whose agent may follow: `has been described as reckless by @x`.
    Passive,
    /// Vague whatever stands around them: `reportedly`, `it is understood`.
    Always,
}

const ANONYMOUS: &[&str] = &[
    "sources",
    "insiders",
    "critics",
    "observers",
    "commentators",
    "pundits",
    "reports",
    "source",
    "insider",
    "critic",
    "observer",
    "commentator",
    "pundit",
];
const INSTITUTIONAL: &[&str] = &[
    "officials",
    "experts",
    "analysts",
    "economists",
    "diplomats",
    "official",
    "expert",
    "analyst",
    "economist",
    "diplomat",
];

/// The built-in phrases. Every alternative starts at a word that carries it (a noun, `it`,
/// `according`), not at an article: after every `a` in the text an automaton would have to
/// follow the words that might lead to `a senior official said`, and slows down several
/// times. The article of a singular subject is looked for in [`Detector::keeps`].
fn default_pattern() -> String {
    let subjects = format!(
        r"\b(?:{}|{}){QUALIFIER}\s+{}",
        ANONYMOUS.join("|"),
        INSTITUTIONAL.join("|"),
        saying()
    );
    let according = r"\baccording\s+to\s+(?:[\w'-]+\s+){0,3}?(?:sources|reports|insiders|observers|critics|experts|analysts|commentators|diplomats|economists|officials|estimates|rumou?rs|some|many|others|people\s+familiar)\b";
    let passive = r"\b(?:has|have|had)\s+been\s+(?:variously\s+|widely\s+)?(?:(?:described|hailed|characteri[sz]ed|touted)\s+as|branded|labell?ed|dubbed)\b|\bwidely\s+(?:believed|thought|reported|tipped)\b";
    let always = [
        r"\bit\s+(?:is|was|has\s+been|had\s+been|is\s+being|was\s+being)\s+(?:widely\s+|generally\s+|now\s+|also\s+)?(?:said|believed|understood|claimed|thought|reported|rumou?red|feared|suggested|noted|speculated)\b",
        r"\bit\s+(?:has\s+|had\s+)?emerged\b",
        r"\b(?:is|are|was|were|has\s+been|have\s+been)\s+(?:widely\s+)?(?:said|reported|understood|rumou?red)\s+to\s+(?:be|have)\b",
        r"\breportedly\b",
        r"\brumou?r\s+has\s+it\b",
        r"\bthere\s+(?:are|were|have\s+been|had\s+been)\s+(?:(?:unconfirmed|unverified|widespread|conflicting|local|media|press|several|some|numerous|multiple|also|already)\s+){0,2}reports\b",
        r"\b(?:media|press|news)\s+(?:reports|reported|report)\b",
        r"\bunconfirmed\s+reports?\b",
        r"\b(?:sources?|insiders?)\s+close\s+to\b",
        r"\b(?:people|persons?|sources?|someone|individuals?|officials?|insiders?)\s+(?:(?:directly|closely)\s+)?(?:familiar\s+with|briefed\s+on|with\s+(?:direct\s+)?knowledge\s+of|aware\s+of)\b",
        r"\b(?:some|many|others)\s+(?:(?:still|also|now)\s+)?(?:say|believe|argue|fear|think|claim|suggest|contend|insist|feel|worry)\b",
    ];
    [subjects.as_str(), according, passive]
        .into_iter()
        .chain(always)
        .collect::<Vec<_>>()
        .join("|")
}

static DEFAULT: LazyLock<Regex> = LazyLock::new(|| {
    RegexBuilder::new(&default_pattern())
        .case_insensitive(true)
        // ASCII classes, case and word boundaries: the phrases are English, and Unicode `\w`,
        // `\s` and case folding multiply the states of the automaton.
        .unicode(false)
        .build()
        .expect("the built-in vague phrases are a valid regular expression")
});

/// Which family a match of [`DEFAULT`] is from, by its first and last words.
fn family_of(phrase: &str) -> Family {
    let mut words = phrase.split_whitespace();
    let first = words.next().unwrap_or("").to_ascii_lowercase();
    let last = words.next_back().unwrap_or("").to_ascii_lowercase();
    let noun = |list: &[&str]| list.contains(&first.as_str());
    // `sources close to`, `officials familiar with` end in a preposition, not a verb.
    let ends_in_verb = !matches!(last.as_str(), "to" | "with" | "of" | "on");
    match first.as_str() {
        "according" => Family::According,
        "widely" => Family::Passive,
        "has" | "have" | "had" if !matches!(last.as_str(), "be" | "have") => Family::Passive,
        _ if ends_in_verb && noun(ANONYMOUS) => Family::Anonymous,
        _ if ends_in_verb && noun(INSTITUTIONAL) => Family::Institutional,
        _ => Family::Always,
    }
}

/// The articles that make a singular subject nobody in particular: `a senior official`.
const ARTICLES: &[&str] = &["a", "an", "one", "another"];

/// Words that make the noun after them someone already named: `the officials said`.
const DETERMINERS: &[&str] = &[
    "the", "these", "those", "both", "such", "its", "their", "his", "her", "our", "my", "your",
];

/// A vague phrase the rule reports, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    /// The phrase.
    pub range: TextRange,
    /// The anonymous sources the sentence cites (definition indices) when none of them gives
    /// a reason and nothing else answers for the phrase; empty when the sentence cites
    /// nothing.
    pub anonymous: Vec<usize>,
}

/// Every vague phrase of the document's prose that no citation answers for, in text order,
/// up to where the prose rules stop.
pub(crate) fn find(cx: &Context) -> Vec<Hit> {
    let detector = Detector::new(cx);
    let mut out = Vec::new();
    // The built-in phrases block by block: a search over the whole text let a match running
    // from one block into the next (dropped: it is no phrase) hide a phrase at the start of
    // the next block, and made a block's phrases depend on the blocks before it. A block ends
    // before a line break or the end of the text, so word boundaries at its end read the same
    // either way.
    let mask = cx.doc.prose_mask();
    let mut found = Vec::new();
    for block in &cx.doc.syntax.blocks {
        if block.range.start >= cx.prose_end {
            break;
        }
        found.clear();
        let haystack = &mask[..block.range.end];
        let mut at = block.range.start;
        while let Some(m) = DEFAULT.find_at(haystack, at) {
            found.push((TextRange::new(m.start(), m.end()), true));
            at = if m.end() > m.start() {
                m.end()
            } else {
                m.end() + 1
            };
            if at > haystack.len() {
                break;
            }
        }
        detector.block(block, &mut found, &mut out);
    }
    // A phrase may start at the article before its match (`a senior official said`).
    out.sort_by_key(|h| h.range.start);
    out
}

/// Takes out the verdicts of sentences where vague-attribution reports (when it is on): its
/// finding says what they would, that the sentence needs a named, cited source.
pub(crate) fn drop_replaced(cx: &Context, verdicts: &mut Vec<Verdict>) {
    if verdicts.is_empty() || cx.config().level(RULE_ID) == Some(RuleLevel::Off) {
        return;
    }
    let hits = cx.vague();
    if hits.is_empty() {
        return;
    }
    let mask = cx.doc.prose_mask();
    verdicts.retain(|v| {
        let claim = match v {
            Verdict::Unattributed(claim) | Verdict::NeedsSource { claim, .. } => claim,
        };
        let sentence = claim.sentence;
        let at = hits.partition_point(|h| h.range.start < sentence.start);
        !hits[at..]
            .iter()
            .take_while(|h| h.range.start < sentence.end)
            .any(|h| speaks_for(mask, h.range, claim.range))
    });
}

struct Detector<'a> {
    text: &'a str,
    mask: &'a str,
    syntax: &'a SyntaxFile,
    user: &'a [Regex],
    /// Starts of `[^id]` citations (not claim attributes), sorted, with their index.
    citations: Vec<(usize, usize)>,
    /// Mentions in prose, sorted by start.
    mentions: Vec<TextRange>,
    /// Claim spans, sorted by the start of their text (they never nest).
    claims: Vec<&'a ClaimSpan>,
    /// The first definition of each source id.
    sources: FxHashMap<&'a str, usize>,
}

impl<'a> Detector<'a> {
    fn new(cx: &'a Context) -> Detector<'a> {
        let syntax = &cx.doc.syntax;
        let mut citations: Vec<(usize, usize)> = syntax
            .citations
            .iter()
            .enumerate()
            .filter(|(_, c)| c.claim.is_none())
            .map(|(i, c)| (c.range.start, i))
            .collect();
        citations.sort_unstable();
        let mut mentions: Vec<TextRange> = syntax
            .mentions
            .iter()
            .filter(|m| matches!(m.kind, MentionKind::Bare | MentionKind::Link))
            .map(|m| m.range)
            .collect();
        mentions.sort_unstable_by_key(|m| m.start);
        let mut claims: Vec<&ClaimSpan> = syntax.claims.iter().collect();
        claims.sort_unstable_by_key(|c| c.text.start);
        let mut sources = FxHashMap::default();
        for (i, d) in syntax.definitions.iter().enumerate() {
            if d.kind == DefinitionKind::Source && d.has_valid_id() {
                sources.entry(d.id.text.as_str()).or_insert(i);
            }
        }
        Detector {
            text: cx.text(),
            mask: cx.doc.prose_mask(),
            syntax,
            user: cx.config().vague_patterns.regexes(),
            citations,
            mentions,
            claims,
            sources,
        }
    }

    /// The phrases of `block`: `found` holds the built-in phrases' matches in it (`true`), the
    /// house style's are added (`false`).
    fn block(&self, block: &ProseBlock, found: &mut Vec<(TextRange, bool)>, out: &mut Vec<Hit>) {
        // A headline summarises the story below it, and a blockquote is someone else's words.
        if matches!(block.kind, BlockKind::Heading(_))
            || (found.is_empty() && self.user.is_empty())
            || self.is_blockquote(block)
        {
            return;
        }
        let haystack = &self.mask[block.range.start..block.range.end];
        let at = |start: usize, end: usize| {
            TextRange::new(block.range.start + start, block.range.start + end)
        };
        for pattern in self.user {
            found.extend(
                pattern
                    .find_iter(haystack)
                    .filter(|m| !m.is_empty())
                    .map(|m| (at(m.start(), m.end()), false)),
            );
        }
        if found.is_empty() {
            return;
        }
        found.sort_by_key(|(r, _)| r.start);
        let quotes = prose::quotations(self.mask, block.range);
        let mut quoted = self.quoted(block.range, &quotes);
        quoted.sort_unstable_by_key(|q| q.start);
        // The furthest end of the quotations starting at or before each: a phrase is quoted
        // when one starting before its end reaches past its start.
        let quoted_reach: Vec<usize> = quoted
            .iter()
            .scan(0, |end, q| {
                *end = q.end.max(*end);
                Some(*end)
            })
            .collect();
        let sentences = sentences::split(self.mask, block.range, &quotes);
        let mut last_end = block.range.start;
        for &(range, built_in) in found.iter() {
            // One finding per phrase where patterns overlap.
            if range.start < last_end {
                continue;
            }
            let before = quoted.partition_point(|q| q.start < range.end);
            let in_quote = before > 0 && quoted_reach[before - 1] > range.start;
            if in_quote || !self.stands_alone(range) {
                continue;
            }
            let Some(&sentence) =
                sentences.get(sentences.partition_point(|s| s.end <= range.start))
            else {
                continue;
            };
            let range = if built_in {
                match self.keeps(range, sentence) {
                    Some(range) => range,
                    None => continue,
                }
            } else {
                range
            };
            if let Some(anonymous) = self.unanswered(range, sentence) {
                last_end = range.end;
                out.push(Hit { range, anonymous });
            }
        }
    }

    /// A blockquote's lines start with `>` (the block starts at the line).
    fn is_blockquote(&self, block: &ProseBlock) -> bool {
        self.text[block.range.start..block.range.end]
            .trim_start()
            .starts_with('>')
    }

    /// Quotations of the block in double quotes (any length), and in single quotes too,
    /// which British copy uses for speech: `‘Critics say we are wrong,’ she said`. A single
    /// quote opens where a word starts after it and none ends before it, and closes where a
    /// word ends before it and none starts after it, so the apostrophes of `don’t` and
    /// `players’ union` never open one.
    fn quoted(&self, block: TextRange, quotes: &[prose::Quotation]) -> Vec<TextRange> {
        let mut out: Vec<TextRange> = quotes.iter().map(|q| q.range).collect();
        let text = &self.mask[block.start..block.end];
        let mut open: Option<usize> = None;
        let mut from = 0;
        // `'` is one byte; `‘` and `’` start with 0xE2.
        while let Some(found) = memchr::memchr2(b'\'', 0xE2, &text.as_bytes()[from..]) {
            let i = from + found;
            let c = text[i..].chars().next().unwrap_or(' ');
            from = i + c.len_utf8();
            if !matches!(c, '\'' | '‘' | '’') {
                continue;
            }
            let prev = text[..i].chars().next_back();
            let next = text[from..].chars().next();
            let word_before = prev.is_some_and(char::is_alphanumeric);
            let word_after = next.is_some_and(char::is_alphanumeric);
            let can_open = c != '’' && !word_before && word_after;
            let can_close = c != '‘' && !word_after && prev.is_some_and(|p| !p.is_whitespace());
            match open {
                None if can_open => open = Some(i),
                Some(start) if can_close => {
                    out.push(TextRange::new(block.start + start, block.start + from));
                    open = None;
                }
                _ => {}
            }
        }
        out
    }

    /// Not glued to a hyphenated word: `thought-provoking`, `so-called sources`.
    fn stands_alone(&self, range: TextRange) -> bool {
        let before = self.mask[..range.start].chars().next_back();
        let after = self.mask[range.end..].chars().next();
        before != Some('-') && after != Some('-')
    }

    /// The checks of the built-in phrases beyond the pattern: a determiner or a name that
    /// makes the subject someone in particular.
    fn keeps(&self, mut range: TextRange, sentence: TextRange) -> Option<TextRange> {
        let family = family_of(&self.mask[range.start..range.end]);
        let word = |r: &TextRange| &self.mask[r.start..r.end];
        if matches!(family, Family::Anonymous | Family::Institutional) {
            // A singular subject needs its article, which the phrase then starts at: `a
            // senior official said` (`the official said` is someone already named).
            let noun = self.mask[range.start..range.end]
                .split_whitespace()
                .next()
                .unwrap_or("");
            let singular = !noun.ends_with(['s', 'S']);
            if singular {
                let before = self.words_before(range.start, sentence, 3);
                let article = before
                    .iter()
                    .find(|w| ARTICLES.iter().any(|a| word(w).eq_ignore_ascii_case(a)))?;
                range.start = article.start;
            }
        }
        let phrase = &self.mask[range.start..range.end];
        let words_before = self.words_before(range.start, sentence, 2);
        let anaphoric = words_before
            .iter()
            .any(|w| DETERMINERS.iter().any(|d| word(w).eq_ignore_ascii_case(d)));
        let kept = self.kept(family, phrase, range, sentence, &words_before, anaphoric);
        kept.then_some(range)
    }

    fn kept(
        &self,
        family: Family,
        phrase: &str,
        range: TextRange,
        sentence: TextRange,
        words_before: &[TextRange],
        anaphoric: bool,
    ) -> bool {
        let word = |r: &TextRange| &self.mask[r.start..r.end];
        if matches!(family, Family::Anonymous | Family::Institutional)
            && self.expectation_without_figure(phrase, sentence)
        {
            return false;
        }
        if family == Family::Anonymous {
            return !anaphoric;
        }
        if family == Family::Institutional {
            // `Pentagon officials`, `@ecb officials`, `the ministry's officials`, `analysts at
            // @barclays`: the institution is named.
            let named_before = words_before.first().is_some_and(|r| {
                let w = word(r);
                let first_of_sentence = self.mask[sentence.start..r.start]
                    .chars()
                    .all(|c| !c.is_alphanumeric());
                (w.starts_with(char::is_uppercase) && !first_of_sentence)
                    || w.ends_with("'s")
                    || w.ends_with("’s")
            }) || self.mention_right_before(range.start);
            // `experts at Imperial College`, `an Interior Ministry official`: a capital after
            // the phrase's first word names the institution.
            let named_after = phrase
                .split_whitespace()
                .skip(1)
                .any(|w| w.starts_with(char::is_uppercase));
            return !anaphoric && !named_before && !named_after && !self.holds_mention(range);
        }
        if family == Family::According {
            // `according to the sources`, `according to @reuters reports`, `according to
            // reports by @reuters`.
            let after_to = self.mask[range.start..range.end]
                .split_whitespace()
                .nth(2)
                .unwrap_or("");
            let determiner = DETERMINERS.iter().any(|d| after_to.eq_ignore_ascii_case(d));
            return !determiner
                && !self.holds_mention(range)
                && !self.agent_at(range.end, sentence, &["by", "from", "in", "of", "at"]);
        }
        if family == Family::Passive {
            // `has been described as reckless by @x`: the agent may come later (within a
            // clause's length, so that a long sentence is not read again per phrase).
            let mut end = (range.end + 160).min(sentence.end);
            while !self.mask.is_char_boundary(end) {
                end -= 1;
            }
            let rest = TextRange::new(range.end, end);
            let mut at = rest.start;
            while let Some(found) = self.mask[at..rest.end].find(" by ") {
                let by = at + found + 1;
                if self.agent_at(by, sentence, &["by"]) {
                    return false;
                }
                at = by + 2;
            }
            return true;
        }
        true
    }

    /// `Analysts had expected a smaller rise`: an expectation with no figure in its sentence
    /// is market context, not a claim someone must answer for (`analysts expect growth of
    /// 1.2%` is).
    fn expectation_without_figure(&self, phrase: &str, sentence: TextRange) -> bool {
        let verb = phrase.split_whitespace().next_back().unwrap_or("");
        let expects = [
            "expect",
            "expects",
            "expected",
            "predict",
            "predicts",
            "predicted",
        ]
        .iter()
        .any(|v| verb.eq_ignore_ascii_case(v));
        expects
            && !self.mask.as_bytes()[sentence.start..sentence.end]
                .iter()
                .any(u8::is_ascii_digit)
    }

    /// Up to `n` words (runs of anything but spaces) right before `at` in the sentence,
    /// nearest first, stopping at one that ends in punctuation (`In Kyiv, officials`).
    fn words_before(&self, at: usize, sentence: TextRange, n: usize) -> Vec<TextRange> {
        let mut out = Vec::new();
        let mut end = at;
        while out.len() < n {
            let before = self.mask[sentence.start..end].trim_end();
            if before.is_empty() {
                break;
            }
            let word_end = sentence.start + before.len();
            let start = before
                .char_indices()
                .rev()
                .find(|(_, c)| c.is_whitespace())
                .map_or(sentence.start, |(i, c)| sentence.start + i + c.len_utf8());
            if self.mask[start..word_end].ends_with(|c: char| !c.is_alphanumeric()) {
                break;
            }
            out.push(TextRange::new(start, word_end));
            end = start;
        }
        out
    }

    /// Whether a prose mention ends right before `at`, spaces apart.
    fn mention_right_before(&self, at: usize) -> bool {
        let trimmed = self.mask[..at].trim_end();
        let end = trimmed.len();
        let k = self.mentions.partition_point(|m| m.start < end);
        k > 0 && self.mentions[k - 1].end == end
    }

    fn holds_mention(&self, range: TextRange) -> bool {
        let k = self.mentions.partition_point(|m| m.start < range.start);
        self.mentions.get(k).is_some_and(|m| m.start < range.end)
    }

    /// Whether one of `words` stands at `at` (after spaces), followed by a name: a mention or
    /// a capitalised word (`the` may come between).
    fn agent_at(&self, at: usize, sentence: TextRange, words: &[&str]) -> bool {
        let rest = &self.mask[at..sentence.end];
        let mut tokens = rest.split_whitespace();
        let Some(first) = tokens.next() else {
            return false;
        };
        if !words.iter().any(|w| first.eq_ignore_ascii_case(w)) {
            return false;
        }
        let mut name = tokens.next().unwrap_or("");
        if name.eq_ignore_ascii_case("the") {
            name = tokens.next().unwrap_or("");
        }
        let offset = name.as_ptr() as usize - self.mask.as_ptr() as usize;
        name.starts_with(char::is_uppercase)
            || (!name.is_empty() && self.holds_mention(TextRange::new(offset, offset + 1)))
    }

    /// Whether the phrase goes unanswered: `None` when a citation of its sentence (or the
    /// sourced claim span around it) names a source, an anonymous one with its reason, or
    /// one not defined (undefined-source reports that); otherwise the anonymous sources
    /// cited without a reason (none when nothing is cited). A claim span naming a speaker
    /// around the phrase answers for it too.
    fn unanswered(&self, range: TextRange, sentence: TextRange) -> Option<Vec<usize>> {
        let syntax = self.syntax;
        let mut ids: Vec<&str> = Vec::new();
        let first = self
            .citations
            .partition_point(|&(at, _)| at < sentence.start);
        for &(at, i) in &self.citations[first..] {
            if at >= sentence.end {
                break;
            }
            ids.push(syntax.citations[i].id.as_str());
        }
        let before = self.claims.partition_point(|c| c.text.start <= range.start);
        if let Some(span) = before
            .checked_sub(1)
            .map(|k| self.claims[k])
            .filter(|c| c.text.contains_range(range))
        {
            if !span.speakers.is_empty() {
                return None;
            }
            ids.extend(span.sources.iter().map(|s| s.text.as_str()));
        }
        let mut anonymous = Vec::new();
        for id in ids {
            // An undefined source is undefined-source's finding.
            let i = *self.sources.get(id)?;
            let def = &syntax.definitions[i];
            let is_anonymous = def.field_value("kind") == Some("anonymous");
            let has_reason = def
                .field_value(REASON_FIELD)
                .is_some_and(|r| !r.trim().is_empty());
            if !is_anonymous || has_reason {
                return None;
            }
            if !anonymous.contains(&i) {
                anonymous.push(i);
            }
        }
        Some(anonymous)
    }
}

/// The sentence of the document that holds `at`, as the rule split it.
pub(crate) fn sentence_at(cx_mask: &str, syntax: &SyntaxFile, at: usize) -> Option<TextRange> {
    let k = syntax.blocks.partition_point(|b| b.range.start <= at);
    let block = syntax.blocks.get(k.checked_sub(1)?)?;
    if !block.range.contains(at) {
        return None;
    }
    let quotes = prose::quotations(cx_mask, block.range);
    sentences::split(cx_mask, block.range, &quotes)
        .into_iter()
        .find(|s| s.contains(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expression_finds_each_kind_of_phrase() {
        for phrase in [
            "sources said",
            "a senior official said",
            "critics of the plan have long argued",
            "according to Western sources",
            "has been described as",
            "widely believed",
            "it is understood",
            "it emerged",
            "is said to have",
            "reportedly",
            "rumour has it",
            "there were reports",
            "media reports",
            "unconfirmed reports",
            "sources close to",
            "people familiar with",
            "some say",
        ] {
            let text = format!("Yesterday {phrase} that.");
            assert!(DEFAULT.is_match(&text), "{phrase}");
        }
    }
}
