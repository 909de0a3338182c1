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
    /// Its sentence cites a source with `[^id]`.
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
    let mut out = Vec::new();
    for block in &cx.doc.syntax.blocks {
        if block.range.start >= cx.prose_end {
            break;
        }
        let judged = judge.block(block);
        // Judged claims come sentence by sentence; a sentence gives one missing-source at
        // most, for its first claim that needs a source.
        let mut rest = judged.as_slice();
        while let Some(first) = rest.first() {
            let sentence = first.claim.sentence;
            let end = rest.partition_point(|j| j.claim.sentence == sentence);
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
            if let Some(judged) = needs_source {
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

/// What judging the numbers and quotations of a document needs, gathered once: for the
/// rules over the whole document, for hover and semantic tokens over a few blocks. One
/// judgement for all of them, so what a hover says is what the rules report.
pub struct Judge<'a> {
    mask: &'a str,
    cues: Cues,
    exempt: &'a Numbers,
    tables: Tables<'a>,
}

impl<'a> Judge<'a> {
    pub fn new(doc: &'a Document, config: &'a Config) -> Judge<'a> {
        Judge {
            mask: doc.prose_mask(),
            cues: Cues::new(config.cues.iter().map(String::as_str))
                .with_patterns(config.cue_patterns.regexes()),
            exempt: &config.numbers,
            tables: Tables::new(&doc.syntax),
        }
    }

    /// Every number and quotation of speech of `block`, sentence by sentence and in text
    /// order within each, judged. In a heading, only its numbers, as [`Standing::Heading`].
    pub fn block(&self, block: &ProseBlock) -> Vec<Judged> {
        let mask = self.mask;
        let numbers =
            self.exempt
                .without_patterned(mask, block.range, numbers::find(mask, block.range));
        if matches!(block.kind, BlockKind::Heading(_)) {
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
        let quotes = prose::quotations(mask, block.range);
        if quotes.is_empty() && numbers.is_empty() {
            return Vec::new();
        }
        let speech: Vec<&Quotation> = quotes
            .iter()
            .filter(|q| q.words >= prose::QUOTE_MIN_WORDS)
            .collect();
        let quote_ranges: Vec<TextRange> = quotes.iter().map(|q| q.range).collect();
        let mut out = Vec::with_capacity(speech.len() + numbers.len());
        // Sentences, quotations and numbers are all in text order: walk them with cursors.
        let (mut next_quote, mut next_number) = (0, 0);

        for sentence in sentences::split(mask, block.range, &quotes) {
            let quotes_end =
                next_quote + speech[next_quote..].partition_point(|q| q.range.start < sentence.end);
            let sentence_speech = &speech[next_quote..quotes_end];
            next_quote = quotes_end;
            let numbers_end = next_number
                + numbers[next_number..].partition_point(|n| n.range.start < sentence.end);
            let sentence_numbers = &numbers[next_number..numbers_end];
            next_number = numbers_end;
            if sentence_speech.is_empty() && sentence_numbers.is_empty() {
                continue;
            }
            let cited = self.tables.cites(sentence);
            // The sentence's first cue, looked for only when something needs it.
            let mut first_cue: Option<Option<TextRange>> = None;
            let mut standing = |range: TextRange, exempt: bool| {
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
                let cue = *first_cue.get_or_insert_with(|| {
                    self.cues
                        .find(mask, sentence, &quote_ranges)
                        .first()
                        .copied()
                });
                match (cue, cover) {
                    (Some(cue), _) => Standing::Cue(cue),
                    (None, SpanCover::Speaker) => Standing::Speaker,
                    (None, _) => Standing::NotAttributed,
                }
            };

            let start = out.len();
            for q in sentence_speech {
                out.push(Judged {
                    claim: Claim {
                        kind: ClaimKind::Quotation,
                        range: q.range,
                        sentence,
                    },
                    class: None,
                    within: None,
                    standing: standing(q.range, false),
                });
            }
            for n in sentence_numbers {
                // Quotations are in order and do not overlap: only the last one starting at
                // or before the number can hold it (a scan of all of them per number was
                // quadratic in a sentence of thousands of quotations).
                let at = sentence_speech.partition_point(|q| q.range.start <= n.range.start);
                let within = (at > 0 && sentence_speech[at - 1].range.contains_range(n.range))
                    .then(|| sentence_speech[at - 1].range);
                // A number inside a quotation stands as the quotation does, whatever its class.
                let standing = match within {
                    Some(quotation) => standing(quotation, false),
                    None => standing(n.range, self.exempt.exempts(n.class)),
                };
                out.push(Judged {
                    claim: Claim {
                        kind: ClaimKind::Number,
                        range: n.range,
                        sentence,
                    },
                    class: Some(n.class),
                    within,
                    standing,
                });
            }
            out[start..].sort_by_key(|j| (j.claim.range.start, j.claim.kind == ClaimKind::Number));
        }
        out
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
