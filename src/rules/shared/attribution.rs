//! The attribution analysis behind unattributed-number, unattributed-quote and
//! missing-source: sentence by sentence, which numbers and quotations no citation or sourced
//! claim span covers, and whether the sentence names who is on record for them ([`Judge`]).
//! The three rules report different verdicts of one walk, made once per document
//! ([`Context`]); hover and semantic tokens read the same judgements for the blocks they show.
//! The rules' shared fix, citing a source after the sentence, is here too.

use rustc_hash::FxHashMap;

use crate::config::{Config, Numbers};
use crate::prose::numbers::{self, NumberClass};
use crate::prose::{self, Cues, Quotation, sentences};
use crate::rules::shared::fix::{Edits, action, adds_definition, append_block};
use crate::rules::{
    Action, Claim, ClaimKind, Context, Diagnostic, Finding, Findings, FixContext, Subject,
};
use crate::syntax::{BlockKind, ClaimSpan, DefinitionKind, ProseBlock, SyntaxFile, TextRange};
use crate::workspace::Document;

/// How a piece of a sentence is covered by a claim span.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SpanCover {
    None,
    /// A span naming a speaker (`@entity`) but no source.
    Speaker,
    /// A span with a `^source`.
    Sourced,
}

/// How the attribution rules stand on a number or a quotation of speech, most covered first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// In a heading: titles are not checked.
    Heading,
    /// Its sentence cites a source with `[^id]`, or its attribution runs on from a sentence
    /// that does (the claim's `sentence` is then that one).
    Cited,
    /// A claim span with a source holds it.
    SourcedSpan,
    /// A number of a class the configuration exempts (years, ages …).
    Exempt,
    /// Its sentence holds an attribution cue (the first one is given) but cites nothing.
    Cue(TextRange),
    /// A claim span naming a speaker, and no source, holds it; no cue, no citation.
    Speaker,
    NotAttributed,
}

impl Standing {
    /// Whether a rule reports it: someone is on record but no source is cited
    /// (missing-source), or no one is (unattributed-number, unattributed-quote).
    fn needs_source(self) -> bool {
        matches!(self, Standing::Cue(_) | Standing::Speaker)
    }
}

/// A number or quotation of speech, judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Judged {
    pub claim: Claim,
    /// A number's class.
    pub class: Option<NumberClass>,
    /// For a number inside a quotation of speech: that quotation, which is judged instead
    /// (and reported instead).
    pub within: Option<TextRange>,
    pub standing: Standing,
}

/// A long quotation cut at a word for messages: `"were provided with all the necessary…"`.
fn shorten_quote(quote: &str) -> String {
    const LIMIT: usize = 48;
    if quote.chars().count() <= LIMIT {
        return quote.to_string();
    }
    let open = quote.chars().next().unwrap_or('"');
    let close = if open == '“' { '”' } else { '"' };
    let cut: String = quote.chars().take(LIMIT).collect();
    let at_word = cut
        .rfind(' ')
        .filter(|&i| i > LIMIT / 2)
        .unwrap_or(cut.len());
    format!(
        "{}…{close}",
        cut[..at_word].trim_end_matches([',', ';', ':'])
    )
}

/// How messages name a claim: `number “13”`, `quotation “We will…”`.
pub(crate) fn describe(claim: &Claim, text: &str) -> String {
    let shown = &text[claim.range.start..claim.range.end];
    match claim.kind {
        ClaimKind::Quotation => format!("quotation {}", shorten_quote(shown)),
        ClaimKind::Number => format!("number “{shown}”"),
    }
}

/// What the analysis found about a number or quotation with no source in its sentence.
pub(crate) enum Verdict {
    /// Nobody is on record for it: reported by unattributed-number or unattributed-quote.
    Unattributed(Claim),
    /// Its sentence says who is on record (an attribution cue, or a claim span naming a
    /// speaker) but cites no source: reported once per sentence, by missing-source, at the
    /// cue when there is one.
    NeedsSource {
        claim: Claim,
        cue: Option<TextRange>,
    },
}

/// Reports each claim of `kind` that nobody is on record for, with `message(description)`
/// (unattributed-number and unattributed-quote differ only in these two).
pub(crate) fn report_unattributed(
    cx: &Context,
    out: &mut Findings,
    kind: ClaimKind,
    message: fn(&str) -> String,
) {
    for verdict in cx.attribution() {
        if let Verdict::Unattributed(claim) = verdict
            && claim.kind == kind
        {
            let what = describe(claim, cx.text());
            out.push(Finding::new(
                claim.range,
                Subject::Claim(*claim),
                message(&what),
            ));
        }
    }
}

/// Every verdict of the document's prose, in text order, up to where the prose rules stop.
pub(crate) fn analyse(cx: &Context) -> Vec<Verdict> {
    let judge = Judge::new(cx.doc, cx.config());
    let blocks = cx
        .doc
        .syntax
        .blocks
        .partition_point(|b| b.range.start < cx.prose_end);
    let mut out = Vec::new();
    // Sentences that already gave their missing-source: attribution that runs on from one
    // brings its claims back to it, and it is reported once.
    let mut needing_source: rustc_hash::FxHashSet<TextRange> = Default::default();
    for (_, judged) in judge.blocks(0..blocks) {
        // Judged claims come sentence by sentence; a sentence gives one missing-source at
        // most, for its first claim that needs a source.
        let mut rest = judged.as_slice();
        while let Some(first) = rest.first() {
            let sentence = first.claim.sentence;
            let end = rest
                .iter()
                .take_while(|j| j.claim.sentence == sentence)
                .count();
            let (in_sentence, after) = rest.split_at(end);
            rest = after;
            let mut needs_source: Option<&Judged> = None;
            for judged in in_sentence.iter().filter(|j| j.within.is_none()) {
                match judged.standing {
                    s if s.needs_source() => {
                        needs_source.get_or_insert(judged);
                    }
                    Standing::NotAttributed => out.push(Verdict::Unattributed(judged.claim)),
                    _ => {}
                }
            }
            if let Some(judged) = needs_source
                && needing_source.insert(sentence)
            {
                let cue = match judged.standing {
                    Standing::Cue(cue) => Some(cue),
                    _ => None,
                };
                out.push(Verdict::NeedsSource {
                    claim: judged.claim,
                    cue,
                });
            }
        }
    }
    out
}

/// Citations and claim spans of a file sorted by position, so each sentence finds its own
/// with a binary search instead of a scan of the whole file.
struct Tables<'a> {
    /// Starts of `[^id]` citations (not claim attributes).
    citations: Vec<usize>,
    claims: Vec<&'a ClaimSpan>,
    /// For each prefix `claims[..=k]`: the furthest end of the text of a claim span with a
    /// source, and of one with a speaker (0 when there is none). A range is covered by such
    /// a span when one starting at or before it ends at or after it, so [`Tables::cover`] is
    /// a binary search rather than a scan of every claim span of the block per number (which
    /// was quadratic in a paragraph of thousands of spans and numbers).
    sourced_end: Vec<usize>,
    speaker_end: Vec<usize>,
}

impl<'a> Tables<'a> {
    fn new(syntax: &'a SyntaxFile) -> Tables<'a> {
        let mut citations: Vec<usize> = syntax
            .citations
            .iter()
            .filter(|c| c.claim.is_none())
            .map(|c| c.range.start)
            .collect();
        citations.sort_unstable();
        let mut claims: Vec<&ClaimSpan> = syntax.claims.iter().collect();
        claims.sort_by_key(|c| c.range.start);
        let furthest = |wanted: fn(&ClaimSpan) -> bool| {
            claims
                .iter()
                .scan(0, |end, c| {
                    if wanted(c) {
                        *end = c.text.end.max(*end);
                    }
                    Some(*end)
                })
                .collect()
        };
        let sourced_end = furthest(|c| !c.sources.is_empty());
        let speaker_end = furthest(|c| !c.speakers.is_empty());
        Tables {
            citations,
            claims,
            sourced_end,
            speaker_end,
        }
    }

    /// How `range` is covered by claim spans. Spans never cross blocks, so a span of an
    /// earlier block never reaches `range`.
    fn cover(&self, range: TextRange) -> SpanCover {
        let before = self.claims.partition_point(|c| c.text.start <= range.start);
        if before == 0 {
            SpanCover::None
        } else if self.sourced_end[before - 1] >= range.end {
            SpanCover::Sourced
        } else if self.speaker_end[before - 1] >= range.end {
            SpanCover::Speaker
        } else {
            SpanCover::None
        }
    }

    fn cites(&self, sentence: TextRange) -> bool {
        let first = self.citations.partition_point(|&at| at < sentence.start);
        self.citations
            .get(first)
            .is_some_and(|&at| at < sentence.end)
    }
}

/// Whether an attributing phrase (a cue, a vague phrase) speaks for a claim of its sentence:
/// always, unless the phrase comes after the claim inside a relative clause of its own
/// (`lost two-thirds of its seats, a collapse that critics say reflects anger`; `rose 5%,
/// which experts believe will hurt`): what that clause says is the critics', the number
/// before it nobody's. A reporting clause
/// after the claim (`40 died, sources said`) speaks for it.
pub(crate) fn speaks_for(mask: &str, phrase: TextRange, claim: TextRange) -> bool {
    if claim.end > phrase.start {
        return true;
    }
    let between = &mask[claim.end..phrase.start];
    let Some(boundary) = between.rfind([',', ';', '—', '–', '(']) else {
        return true;
    };
    !between[boundary..]
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| {
            ["that", "which", "who", "whom", "whose"]
                .iter()
                .any(|r| w.eq_ignore_ascii_case(r))
        })
}

/// Whether the sentence starts with one of its quotations of speech: `"Every week costs
/// money."` runs on from the speaker before; `Later the soldiers "were provided…"` does not.
fn opens_with_quotation(mask: &str, sentence: TextRange, speech: &[&Quotation]) -> bool {
    let first =
        sentence.start + (sentence.len() - mask[sentence.start..sentence.end].trim_start().len());
    speech.first().is_some_and(|q| q.range.start == first)
}

/// What kind of run a block belongs to, for attribution that runs on from an introduction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Run {
    Heading,
    Prose,
    List,
    Table,
    /// A paragraph of a blockquote.
    Quote,
}

/// A sentence that says who is on record: it cites a source ([`Standing::Cited`]) or holds an
/// attribution cue ([`Standing::Cue`]).
#[derive(Clone, Copy, Debug)]
struct Attributed {
    sentence: TextRange,
    standing: Standing,
    /// The block it was last carried into: attribution runs on for a few blocks at most.
    block: usize,
    hops: usize,
    /// It holds a cue: someone spoke in it (`Coastal Power says…`), not only a cited fact.
    spoke: bool,
}

/// What attributes the claims of the sentences to come, besides their own citations and cues.
/// Journalists attribute once per speaker and run on: `…said the minister.[^x] "We will not
/// wait," she added.`; a cited `said:` introduces a blockquote, a list or a table.
#[derive(Clone, Copy, Debug, Default)]
struct Carry {
    /// The speaker last on record, for a cue whose subject is them (`she added`) and for a
    /// quotation running on with no cue at all.
    speaker: Option<Attributed>,
    /// The sentence just before held an attributed quotation: a bare quotation after it is
    /// the same speaker going on.
    speech_runs: bool,
    /// An introduction ending in `:` (or, for a table, any attributed sentence before it) and
    /// the run of blocks it covers (bound to the first block after it).
    intro: Option<(Attributed, Option<Run>)>,
}

/// How many blocks attribution runs on from the sentence that made it.
const CARRY_BLOCKS: usize = 3;

/// Subjects that refer back to the speaker last on record.
const PRONOUNS: &[&str] = &["he", "she", "they", "it", "we"];
/// Words between a subject and its cue: `she has also said`, `he later told`.
const AUXILIARIES: &[&str] = &[
    "has",
    "have",
    "had",
    "also",
    "then",
    "later",
    "was",
    "is",
    "would",
    "will",
    "further",
    "again",
    "previously",
    "recently",
    "publicly",
    "repeatedly",
    "once",
    "earlier",
    "who",
];
/// Words too common to tell one speaker from another.
const FUNCTION_WORDS: &[&str] = &[
    "the", "a", "an", "and", "of", "in", "on", "at", "to", "for", "by", "with", "from", "its",
    "his", "her", "their", "our", "this", "that",
];

/// What judging the numbers and quotations of a document needs, gathered once: for the
/// rules over the whole document, for hover and semantic tokens over a few blocks. One
/// judgement for all of them, so what a hover says is what the rules report.
pub struct Judge<'a> {
    text: &'a str,
    mask: &'a str,
    blocks: &'a [ProseBlock],
    mentions: &'a [crate::syntax::Mention],
    cues: &'a Cues,
    exempt: &'a Numbers,
    tables: Tables<'a>,
}

impl<'a> Judge<'a> {
    pub fn new(doc: &'a Document, config: &'a Config) -> Judge<'a> {
        Judge {
            text: &doc.text,
            mask: doc.prose_mask(),
            blocks: &doc.syntax.blocks,
            mentions: &doc.syntax.mentions,
            cues: config.cue_matcher(),
            exempt: &config.numbers,
            tables: Tables::new(&doc.syntax),
        }
    }

    /// The judged numbers and quotations of the blocks `wanted` (indices into the file's
    /// blocks), each block's in order. Attribution runs on from earlier blocks, so the walk
    /// starts early enough before `wanted` to see every introduction and speaker that can
    /// reach it: the same judgement as a walk over the whole file.
    pub fn blocks(&self, wanted: std::ops::Range<usize>) -> Vec<(usize, Vec<Judged>)> {
        let wanted = wanted.start.min(self.blocks.len())..wanted.end.min(self.blocks.len());
        let mut from = wanted.start;
        // Back over the run the first wanted block is in, then over as many blocks as a
        // speaker or an introduction can reach.
        while from > 0
            && from < self.blocks.len()
            && matches!(self.run(from), Run::List | Run::Table | Run::Quote)
            && self.run(from - 1) == self.run(from)
        {
            from -= 1;
        }
        from = from.saturating_sub(CARRY_BLOCKS + 1);
        let mut carry = Carry::default();
        let mut out = Vec::new();
        for i in from..wanted.end {
            let judged = self.block(i, &mut carry);
            if i >= wanted.start {
                out.push((i, judged));
            }
        }
        out
    }

    fn run(&self, i: usize) -> Run {
        let block = &self.blocks[i];
        match block.kind {
            BlockKind::Heading(_) => Run::Heading,
            BlockKind::ListItem => Run::List,
            BlockKind::TableRow => Run::Table,
            BlockKind::Paragraph => {
                let line_start = self.text[..block.range.start]
                    .rfind(['\n', '\r'])
                    .map_or(0, |k| k + 1);
                if self.text[line_start..block.range.start].contains('>') {
                    Run::Quote
                } else {
                    Run::Prose
                }
            }
        }
    }

    /// Every number and quotation of speech of block `i`, sentence by sentence and in text
    /// order within each, judged; `carry` is what runs on from the blocks before, and is
    /// updated for the ones after. In a heading, only its numbers, as [`Standing::Heading`].
    fn block(&self, i: usize, carry: &mut Carry) -> Vec<Judged> {
        let block = &self.blocks[i];
        let mask = self.mask;
        let run = self.run(i);
        let numbers =
            self.exempt
                .without_patterned(mask, block.range, numbers::find(mask, block.range));
        if run == Run::Heading {
            *carry = Carry::default();
            return numbers
                .iter()
                .map(|n| Judged {
                    claim: Claim {
                        kind: ClaimKind::Number,
                        range: n.range,
                        sentence: block.range,
                    },
                    class: Some(n.class),
                    within: None,
                    standing: Standing::Heading,
                })
                .collect();
        }
        if carry.speaker.is_some_and(|s| s.block + 1 < i) {
            carry.speaker = None;
            carry.speech_runs = false;
        }
        // The introduction this block is covered by, if any.
        let intro = match carry.intro {
            Some((attributed, None)) => {
                carry.intro = Some((attributed, Some(run)));
                Some(attributed)
            }
            Some((attributed, Some(bound))) if bound == run && run != Run::Prose => {
                Some(attributed)
            }
            _ => {
                carry.intro = None;
                None
            }
        };
        let intro = intro.or_else(|| self.table_source(i, run));
        if run == Run::Table && intro.is_some() {
            carry.intro = intro.map(|a| (a, Some(Run::Table)));
        }

        let quotes = prose::quotations(mask, block.range);
        let speech: Vec<&Quotation> = quotes
            .iter()
            .filter(|q| q.words >= prose::QUOTE_MIN_WORDS)
            .collect();
        let quote_ranges: Vec<TextRange> = quotes.iter().map(|q| q.range).collect();
        let mut out = Vec::with_capacity(speech.len() + numbers.len());
        // Sentences, quotations and numbers are all in text order: walk them with cursors.
        let (mut next_quote, mut next_number) = (0, 0);
        let sentences = sentences::split(mask, block.range, &quotes);
        let last_sentence = sentences.len().saturating_sub(1);

        for (k, &sentence) in sentences.iter().enumerate() {
            let quotes_end =
                next_quote + speech[next_quote..].partition_point(|q| q.range.start < sentence.end);
            let sentence_speech = &speech[next_quote..quotes_end];
            next_quote = quotes_end;
            let numbers_end = next_number
                + numbers[next_number..].partition_point(|n| n.range.start < sentence.end);
            let sentence_numbers = &numbers[next_number..numbers_end];
            next_number = numbers_end;
            let cited = self.tables.cites(sentence);
            let has_claims = !sentence_speech.is_empty() || !sentence_numbers.is_empty();
            // A sentence with no claim needs its cue only to pass attribution on: as an
            // introduction, or as a new speaker where one is on record.
            let introduces =
                k == last_sentence && mask[sentence.start..sentence.end].trim_end().ends_with(':');
            // A cited sentence's cue still tells whether its speaker may go on in a bare
            // quotation after it.
            let cue = if !(has_claims || introduces || carry.speaker.is_some() || cited) {
                None
            } else {
                self.cues
                    .find(mask, sentence, &quote_ranges)
                    .first()
                    .copied()
            };
            // Who the sentence's claims are attributed to, when it cites nothing itself.
            let carried: Option<Attributed> = if cited {
                None
            } else if let Some(intro) = intro {
                Some(intro)
            } else if let Some(cue) = cue {
                carry.speaker.filter(|speaker| {
                    self.same_speaker(sentence, cue, &quote_ranges, speaker, block.range)
                })
            } else if carry.speech_runs && opens_with_quotation(mask, sentence, sentence_speech) {
                carry.speaker
            } else {
                None
            };
            let own = if cited {
                Some(Standing::Cited)
            } else {
                cue.map(Standing::Cue)
            };
            let spoke = cue.is_some();
            let attributed = match (own, carried) {
                (_, Some(carried)) => Some(carried),
                (Some(standing), None) => Some(Attributed {
                    sentence,
                    standing,
                    block: i,
                    hops: 0,
                    spoke,
                }),
                (None, None) => None,
            };

            if has_claims {
                let start = out.len();
                // The sentence the claims are attributed in: their own, or the one their
                // attribution runs on from (a fix cites there).
                let claim_sentence = attributed.map_or(sentence, |a| a.sentence);
                let standing = |range: TextRange, exempt: bool| {
                    if cited {
                        return Standing::Cited;
                    }
                    let cover = self.tables.cover(range);
                    if cover == SpanCover::Sourced {
                        return Standing::SourcedSpan;
                    }
                    if exempt {
                        return Standing::Exempt;
                    }
                    // A cue after the claim, in a relative clause of its own, is someone
                    // speaking of something else (`lost two-thirds of its seats, a collapse
                    // that critics say reflects anger`).
                    let attributed = attributed.filter(|a| match a.standing {
                        Standing::Cue(cue) => speaks_for(mask, cue, range),
                        _ => true,
                    });
                    match (attributed, cover) {
                        (Some(a), _) => a.standing,
                        (None, SpanCover::Speaker) => Standing::Speaker,
                        (None, _) => Standing::NotAttributed,
                    }
                };
                for q in sentence_speech {
                    out.push(Judged {
                        claim: Claim {
                            kind: ClaimKind::Quotation,
                            range: q.range,
                            sentence: claim_sentence,
                        },
                        class: None,
                        within: None,
                        standing: standing(q.range, false),
                    });
                }
                for n in sentence_numbers {
                    // Quotations are in order and do not overlap: only the last one starting
                    // at or before the number can hold it (a scan of all of them per number
                    // was quadratic in a sentence of thousands of quotations).
                    let at = sentence_speech.partition_point(|q| q.range.start <= n.range.start);
                    let within = (at > 0 && sentence_speech[at - 1].range.contains_range(n.range))
                        .then(|| sentence_speech[at - 1].range);
                    // A number inside a quotation stands as the quotation does, whatever its
                    // class.
                    let standing = match within {
                        Some(quotation) => standing(quotation, false),
                        None => standing(n.range, self.exempt.exempts(n.class)),
                    };
                    out.push(Judged {
                        claim: Claim {
                            kind: ClaimKind::Number,
                            range: n.range,
                            sentence: claim_sentence,
                        },
                        class: Some(n.class),
                        within,
                        standing,
                    });
                }
                out[start..]
                    .sort_by_key(|j| (j.claim.range.start, j.claim.kind == ClaimKind::Number));
            }

            // What runs on to the next sentences. A sentence that cites nothing and brings
            // in someone new (`The opposition leader, Jan Nowak, disagreed.`) ends the
            // speaker's turn: a `he said` after it is about them.
            if attributed.is_none()
                && let Some(speaker) = carry.speaker
                && self.names_someone_new(sentence, &speaker)
            {
                carry.speaker = None;
            }
            if let Some(mut a) = attributed {
                if a.block != i {
                    a.hops += 1;
                    a.block = i;
                }
                if a.hops <= CARRY_BLOCKS && matches!(run, Run::Prose | Run::Quote) {
                    carry.speaker = Some(a);
                }
            }
            // A speaker who just spoke (a quotation, or a cue: `She said 12,000 homes…`) may
            // go on in a bare quotation.
            carry.speech_runs = (!sentence_speech.is_empty() || spoke) && attributed.is_some();
            if k == last_sentence && matches!(run, Run::Prose | Run::Quote) {
                carry.intro = attributed.filter(|_| introduces).map(|a| {
                    (
                        Attributed {
                            hops: 0,
                            block: i,
                            ..a
                        },
                        None,
                    )
                });
            }
        }
        out
    }

    /// A table's source, for each of its rows: a citation in its first row (the heading), an
    /// attributed sentence just before the table, or a cited caption just after it.
    fn table_source(&self, i: usize, run: Run) -> Option<Attributed> {
        // Only at a table's first row: the rows after it keep what it found (a look over the
        // whole table at every row would be quadratic in a long table).
        if run != Run::Table || (i > 0 && self.run(i - 1) == Run::Table) {
            return None;
        }
        let first = i;
        let mut last = i;
        while last + 1 < self.blocks.len() && self.run(last + 1) == Run::Table {
            last += 1;
        }
        let cited = |range: TextRange| {
            self.tables.cites(range).then_some(Attributed {
                sentence: range,
                standing: Standing::Cited,
                block: i,
                hops: 0,
                spoke: false,
            })
        };
        let heading = cited(self.blocks[first].range);
        let before = (first > 0 && self.run(first - 1) == Run::Prose).then(|| {
            let block = self.blocks[first - 1].range;
            let quotes = prose::quotations(self.mask, block);
            let sentence = *sentences::split(self.mask, block, &quotes).last()?;
            cited(sentence)
        });
        // A caption: the paragraph right after the table, italic or naming its source
        // (`*Punctuality by route. Source: ORR.*[^orr]`). Any paragraph that happens to
        // follow a table and cite is not one.
        let after = (last + 1 < self.blocks.len() && self.run(last + 1) == Run::Prose).then(|| {
            let block = self.blocks[last + 1].range;
            let raw = &self.text[block.start..block.end];
            let caption = raw.starts_with(['*', '_']) || raw.contains("Source");
            caption.then(|| cited(block)).flatten()
        });
        heading.or(before.flatten()).or(after.flatten())
    }

    /// Whether the subject of `cue` in `sentence` is the speaker on record in `speaker`: a
    /// pronoun (`she added`), or a name or noun that sentence holds too (`Costa said` after
    /// `Finance Minister Ana Costa told…`).
    fn same_speaker(
        &self,
        sentence: TextRange,
        cue: TextRange,
        quotes: &[TextRange],
        speaker: &Attributed,
        block: TextRange,
    ) -> bool {
        let Some(subject) = self.subject(sentence, cue, quotes) else {
            return false;
        };
        let words: Vec<String> = prose::words(self.text, subject)
            .map(|w| self.text[w.start..w.end].to_lowercase())
            .collect();
        if words.len() == 1 && PRONOUNS.contains(&words[0].as_str()) {
            return true;
        }
        // `the company added`, after a sentence citing the company's statement: a definite
        // description refers back like a pronoun.
        let described = self.text[..subject.start]
            .get(subject.start.saturating_sub(4)..)
            .is_some_and(|before| before.eq_ignore_ascii_case("the "))
            && words.len() == 1
            && self.text[subject.start..subject.end]
                .chars()
                .all(char::is_lowercase);
        if described
            && speaker.spoke
            && speaker.standing == Standing::Cited
            && speaker.sentence.start >= block.start
        {
            return true;
        }
        let said_before = self.text[speaker.sentence.start..speaker.sentence.end].to_lowercase();
        let holds = |word: &str| {
            said_before.match_indices(word).any(|(at, _)| {
                let before = said_before[..at].chars().next_back();
                let after = said_before[at + word.len()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            })
        };
        words
            .iter()
            .filter(|w| w.chars().count() >= 3 && !FUNCTION_WORDS.contains(&w.as_str()))
            .any(|w| holds(w))
    }

    /// The mention holding `word`, found by a binary search (mentions are in text order): a
    /// scan of all of them per word was quadratic in a long article.
    fn mention_at(&self, word: TextRange) -> Option<&'a crate::syntax::Mention> {
        let after = self
            .mentions
            .partition_point(|m| m.range.start <= word.start);
        let mention = self.mentions.get(after.checked_sub(1)?)?;
        (word.end <= mention.range.end).then_some(mention)
    }

    /// Whether `sentence` names a person or body (a mention, or a capitalised word other
    /// than its first) that the speaker's sentence does not.
    fn names_someone_new(&self, sentence: TextRange, speaker: &Attributed) -> bool {
        // Lower-cased only once some word names someone: most sentences name no one.
        let mut said_before: Option<String> = None;
        prose::words(self.mask, sentence).skip(1).any(|w| {
            let word = &self.mask[w.start..w.end];
            let mention = self.mention_at(w);
            let named = match mention {
                Some(m) => &self.text[m.range.start..m.range.end],
                None if word.chars().next().is_some_and(char::is_uppercase) && word.len() >= 3 => {
                    word
                }
                None => return false,
            };
            let said_before = said_before.get_or_insert_with(|| {
                self.text[speaker.sentence.start..speaker.sentence.end].to_lowercase()
            });
            prose::words(named, TextRange::new(0, named.len()))
                .map(|n| named[n.start..n.end].to_lowercase())
                .filter(|n| n.len() >= 3)
                .all(|n| !said_before.contains(&n))
        })
    }

    /// The subject of a cue, as a range of the text: the word before it (`she said`,
    /// `Costa has said`), or, after a quotation, the words after it (`…," said Costa`,
    /// `…," said the minister`). A mention is taken whole.
    fn subject(
        &self,
        sentence: TextRange,
        cue: TextRange,
        quotes: &[TextRange],
    ) -> Option<TextRange> {
        let mask = self.mask;
        let before = mask[sentence.start..cue.start].trim_end_matches([' ', ',', '\u{a0}']);
        let after_quote = quotes
            .iter()
            .any(|q| q.end > sentence.start && q.end == sentence.start + before.len())
            || before.is_empty();
        let word = if after_quote {
            prose::words(mask, TextRange::new(cue.end, sentence.end))
                .find(|w| !FUNCTION_WORDS.contains(&mask[w.start..w.end].to_lowercase().as_str()))?
        } else {
            let words: Vec<TextRange> =
                prose::words(mask, TextRange::new(sentence.start, cue.start)).collect();
            *words
                .iter()
                .rev()
                .find(|w| !AUXILIARIES.contains(&mask[w.start..w.end].to_lowercase().as_str()))?
        };
        // A mention reads as `EEE` in the mask: its whole text is the subject.
        let mention = self.mention_at(word);
        Some(mention.map_or(word, |m| m.range))
    }
}

/// The id "Add a new source" starts from (`new-source`, then `new-source-2`, …).
const NEW_SOURCE_ID: &str = "new-source";

/// Where a citation goes for `sentence`: after its final punctuation and
/// closing marks, and after the citations already there, but before the whitespace (and
/// any comment) that ends it. Markup that closes around the last words (a link's
/// `](…)`, a claim span's `]{…}`) is stepped over.
fn citation_point(fx: &FixContext, sentence: TextRange) -> usize {
    let syntax = &fx.doc.syntax;
    let mask = fx.doc.prose_mask();
    let text = fx.text();
    let bytes = text.as_bytes();
    let mut point = sentence.start + mask[sentence.start..sentence.end].trim_end().len();
    loop {
        if let Some(claim) = syntax
            .claims
            .iter()
            .find(|c| c.text.end <= point && point < c.range.end)
        {
            point = claim.range.end;
            continue;
        }
        if bytes[point..sentence.end].starts_with(b"](") && mask.as_bytes()[point] == b' ' {
            let mut depth = 0usize;
            let close = bytes[point + 1..sentence.end].iter().position(|&b| {
                match b {
                    b'(' => depth += 1,
                    b')' => depth = depth.saturating_sub(1),
                    _ => return false,
                }
                depth == 0
            });
            if let Some(close) = close {
                point += close + 2;
                continue;
            }
        }
        let rest = &text[point..sentence.end];
        let next = point + (rest.len() - rest.trim_start().len());
        if let Some(citation) = syntax
            .citations
            .iter()
            .find(|c| c.claim.is_none() && c.range.start == next)
        {
            point = citation.range.end;
            continue;
        }
        break;
    }
    point
}

/// The fixes of the three attribution rules: cite one of the file's sources after the
/// claim's sentence (the one cited last before it first), or a new source.
pub(crate) fn cite(fx: &FixContext, diagnostic: &Diagnostic) -> Vec<Action> {
    let Subject::Claim(claim) = &diagnostic.subject else {
        return Vec::new();
    };
    let point = citation_point(fx, claim.sentence);
    let syntax = &fx.doc.syntax;
    // Most recently used before the diagnostic first, then the others in definition order.
    let mut last_use: FxHashMap<&str, usize> = FxHashMap::default();
    for citation in syntax
        .citations
        .iter()
        .filter(|c| c.range.start < diagnostic.range.start)
    {
        let slot = last_use.entry(citation.id.as_str()).or_default();
        *slot = (*slot).max(citation.range.start + 1);
    }
    let mut ids = fx.source_ids();
    ids.sort_by_key(|id| std::cmp::Reverse(last_use.get(id).copied().unwrap_or(0)));

    let mut out: Vec<Action> = ids
        .iter()
        .map(|id| {
            let edits = Edits::default()
                .insert(fx.file, point, format!("[^{id}]"))
                .finish(fx.ws);
            action(format!("Cite [^{id}]"), edits)
        })
        .collect();
    if let Some(first) = out.first_mut() {
        first.preferred = true;
    }

    let taken = |id: &str| {
        syntax
            .definitions
            .iter()
            .any(|d| d.kind == DefinitionKind::Source && d.id.text == id)
            || syntax.citations.iter().any(|c| c.id == id)
    };
    let new_id = std::iter::once(NEW_SOURCE_ID.to_string())
        .chain((2..).map(|n| format!("{NEW_SOURCE_ID}-{n}")))
        .find(|id| !taken(id))
        .unwrap_or_default();
    let (at, definition) = append_block(fx.text(), fx.eol, &fx.source_skeleton(&new_id));
    if adds_definition(fx.doc, at, &definition, DefinitionKind::Source, &new_id) {
        let edits = Edits::default()
            .insert(fx.file, point, format!("[^{new_id}]"))
            .insert(fx.file, at, definition)
            .finish(fx.ws);
        out.push(action(format!("Add a new source [^{new_id}]"), edits));
    }
    out
}
