//! What the attribution rules make of one number, for hover.
//!
//! This follows `diagnostics::prose` step by step for a single number, so that what a hover
//! says agrees with what `unattributed-number` and `missing-source` report: a cited sentence
//! covers everything in it; a number inside a quotation of three or more words is judged as
//! part of that quotation; a sourced claim span covers its own text; exempt classes are never
//! reported; a cue or a speaker-only span attributes in prose. The predicates that must stay
//! identical to the rules' are `pub(crate)` so the rules can share them.

use crate::prose::numbers::{self, NumberClass};
use crate::prose::{self, Cues, sentences};
use crate::syntax::{BlockKind, ClaimSpan, SyntaxFile, TextRange};
use crate::workspace::{FileId, Workspace};

/// The claim spans whose text holds all of `range`.
pub(crate) fn spans_over(
    syntax: &SyntaxFile,
    range: TextRange,
) -> impl Iterator<Item = &ClaimSpan> {
    syntax
        .claims
        .iter()
        .filter(move |c| c.text.contains_range(range))
}

/// How the rules judge a number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Numbers in headings are never checked.
    Heading,
    /// The sentence cites these sources (ids in order of appearance, without repeats).
    Cited(Vec<String>),
    /// A claim span with these sources holds it.
    SourcedSpan(Vec<String>),
    Exempt(NumberClass),
    /// An attribution cue (its range) stands in the sentence, which cites nothing.
    Cue(TextRange),
    /// A claim span naming these speakers, and no source, holds it; the sentence cites nothing.
    Speaker(Vec<String>),
    NotAttributed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NumberAttribution {
    pub range: TextRange,
    pub class: NumberClass,
    /// The quotation of three or more words holding the number. The rules judge that
    /// quotation instead of the number, and so does `verdict`.
    pub quotation: Option<TextRange>,
    pub verdict: Verdict,
}

/// The number at `offset` (its end counts, as for every target) and how it is attributed.
pub(crate) fn number_at(ws: &Workspace, file: FileId, offset: usize) -> Option<NumberAttribution> {
    let doc = ws.document(file);
    let syntax = &doc.syntax;
    let mask = doc.prose_mask();
    let touches = |r: TextRange| r.start <= offset && offset <= r.end;
    let block = syntax.blocks.iter().find(|b| touches(b.range))?;
    let number = numbers::find(mask, block.range)
        .into_iter()
        .find(|n| touches(n.range))?;
    let mut info = NumberAttribution {
        range: number.range,
        class: number.class,
        quotation: None,
        verdict: Verdict::NotAttributed,
    };
    if matches!(block.kind, BlockKind::Heading(_)) {
        info.verdict = Verdict::Heading;
        return Some(info);
    }

    let quotes = prose::quotations(mask, block.range);
    let sentence = sentences::split(mask, block.range, &quotes)
        .into_iter()
        .find(|s| s.contains(number.range.start))?;
    let mut cited: Vec<String> = Vec::new();
    for c in &syntax.citations {
        if c.claim.is_none()
            && sentence.contains(c.range.start)
            && !cited.iter().any(|id| *id == c.id)
        {
            cited.push(c.id.to_string());
        }
    }
    if !cited.is_empty() {
        info.verdict = Verdict::Cited(cited);
        return Some(info);
    }

    info.quotation = quotes
        .iter()
        .find(|q| q.words >= prose::QUOTE_MIN_WORDS && q.range.contains_range(number.range))
        .map(|q| q.range);
    let judged = info.quotation.unwrap_or(number.range);
    let mut sources: Vec<String> = Vec::new();
    let mut speakers: Vec<String> = Vec::new();
    for span in spans_over(syntax, judged) {
        let into = if span.sources.is_empty() {
            &mut speakers
        } else {
            &mut sources
        };
        let ids = if span.sources.is_empty() {
            &span.speakers
        } else {
            &span.sources
        };
        for id in ids {
            if !into.contains(&id.text) {
                into.push(id.text.clone());
            }
        }
    }
    if !sources.is_empty() {
        info.verdict = Verdict::SourcedSpan(sources);
        return Some(info);
    }
    // A number inside a long quotation is not checked on its own, so its class does not
    // matter: the quotation is.
    if info.quotation.is_none() && ws.config.numbers.exempts(number.class) {
        info.verdict = Verdict::Exempt(number.class);
        return Some(info);
    }
    let cues = Cues::new(ws.config.cues.iter().map(String::as_str));
    let quote_ranges: Vec<TextRange> = quotes.iter().map(|q| q.range).collect();
    info.verdict = match cues.find(mask, sentence, &quote_ranges).first() {
        Some(&cue) => Verdict::Cue(cue),
        None if !speakers.is_empty() => Verdict::Speaker(speakers),
        None => Verdict::NotAttributed,
    };
    Some(info)
}
