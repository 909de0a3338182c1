//! What the attribution rules make of a number, for hover and semantic tokens.
//!
//! This follows `diagnostics::prose` step by step for a single number, so that what a hover
//! says agrees with what `unattributed-number` and `missing-source` report: a cited sentence
//! covers everything in it; a number inside a quotation of three or more words is judged as
//! part of that quotation; a sourced claim span covers its own text; exempt classes are never
//! reported; a cue or a speaker-only span attributes in prose.
//!
//! [`number_at`] (hover) and [`numbers_in`] (semantic tokens) share one implementation, so the
//! two always agree.

use crate::prose::numbers::{self, NumberClass, NumberExpr};
use crate::prose::{self, Cues, sentences};
use crate::syntax::{BlockKind, ClaimSpan, ProseBlock, TextRange};
use crate::workspace::{FileId, Workspace};

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
    let judge = Judge::new(ws, file);
    judge.block(block, &[number]).into_iter().next()
}

/// Every number of the prose blocks that `range` touches, in text order, each with how it is
/// attributed: the same verdicts as [`number_at`], for a whole file in one pass over its
/// blocks. Numbers outside `range` (but in a block it touches) are left out.
pub(crate) fn numbers_in(ws: &Workspace, file: FileId, range: TextRange) -> Vec<NumberAttribution> {
    let doc = ws.document(file);
    let mask = doc.prose_mask();
    let blocks = &doc.syntax.blocks;
    let first = blocks.partition_point(|b| b.range.end < range.start);
    let judge = Judge::new(ws, file);
    let mut out = Vec::new();
    for block in blocks[first..]
        .iter()
        .take_while(|b| b.range.start <= range.end)
    {
        let found: Vec<NumberExpr> = numbers::find(mask, block.range)
            .into_iter()
            .filter(|n| n.range.start <= range.end && range.start <= n.range.end)
            .collect();
        if !found.is_empty() {
            out.extend(judge.block(block, &found));
        }
    }
    out
}

/// What judging a number needs from its file, gathered once.
struct Judge<'a> {
    ws: &'a Workspace,
    mask: &'a str,
    /// `[^id]` citations (not claim attributes) by start, in text order.
    citations: Vec<(usize, &'a str)>,
    /// Claim spans in the order of `syntax.claims`, which is text order of their `[`.
    claims: Vec<&'a ClaimSpan>,
    cues: Cues,
}

impl<'a> Judge<'a> {
    fn new(ws: &'a Workspace, file: FileId) -> Judge<'a> {
        let doc = ws.document(file);
        let syntax = &doc.syntax;
        let mut citations: Vec<(usize, &str)> = syntax
            .citations
            .iter()
            .filter(|c| c.claim.is_none())
            .map(|c| (c.range.start, c.id.as_str()))
            .collect();
        citations.sort_by_key(|&(at, _)| at);
        let mut claims: Vec<&ClaimSpan> = syntax.claims.iter().collect();
        claims.sort_by_key(|c| c.range.start);
        Judge {
            ws,
            mask: doc.prose_mask(),
            citations,
            claims,
            cues: Cues::new(ws.config.cues.iter().map(String::as_str)),
        }
    }

    /// `numbers`, all in `block` and in text order, judged.
    fn block(&self, block: &ProseBlock, numbers: &[NumberExpr]) -> Vec<NumberAttribution> {
        let fresh = |n: &NumberExpr| NumberAttribution {
            range: n.range,
            class: n.class,
            quotation: None,
            verdict: Verdict::NotAttributed,
        };
        if matches!(block.kind, BlockKind::Heading(_)) {
            return numbers
                .iter()
                .map(|n| NumberAttribution {
                    verdict: Verdict::Heading,
                    ..fresh(n)
                })
                .collect();
        }
        let mask = self.mask;
        let quotes = prose::quotations(mask, block.range);
        let quote_ranges: Vec<TextRange> = quotes.iter().map(|q| q.range).collect();
        let sentences = sentences::split(mask, block.range, &quotes);
        let from = self
            .claims
            .partition_point(|c| c.range.start < block.range.start);
        let to = self
            .claims
            .partition_point(|c| c.range.start < block.range.end);
        let block_claims = &self.claims[from..to];

        let mut out = Vec::with_capacity(numbers.len());
        let mut next_sentence = 0;
        // The citations and the first cue of the current sentence, worked out when needed.
        let mut current: Option<(TextRange, Vec<String>, Option<Option<TextRange>>)> = None;
        for number in numbers {
            next_sentence += sentences[next_sentence..]
                .iter()
                .take_while(|s| !s.contains(number.range.start))
                .count();
            let Some(&sentence) = sentences.get(next_sentence) else {
                break;
            };
            if current.as_ref().is_none_or(|(s, _, _)| *s != sentence) {
                current = Some((sentence, self.cited(sentence), None));
            }
            let (_, cited, first_cue) = current.as_mut().expect("set just above");
            let mut info = fresh(number);
            if !cited.is_empty() {
                info.verdict = Verdict::Cited(cited.clone());
                out.push(info);
                continue;
            }

            info.quotation = quotes
                .iter()
                .find(|q| q.words >= prose::QUOTE_MIN_WORDS && q.range.contains_range(number.range))
                .map(|q| q.range);
            let judged = info.quotation.unwrap_or(number.range);
            let mut sources: Vec<String> = Vec::new();
            let mut speakers: Vec<String> = Vec::new();
            for span in block_claims
                .iter()
                .filter(|c| c.text.contains_range(judged))
            {
                let (into, ids) = if span.sources.is_empty() {
                    (&mut speakers, &span.speakers)
                } else {
                    (&mut sources, &span.sources)
                };
                for id in ids {
                    if !into.contains(&id.text) {
                        into.push(id.text.clone());
                    }
                }
            }
            if !sources.is_empty() {
                info.verdict = Verdict::SourcedSpan(sources);
                out.push(info);
                continue;
            }
            // A number inside a long quotation is not checked on its own, so its class does
            // not matter: the quotation is.
            if info.quotation.is_none() && self.ws.config.numbers.exempts(number.class) {
                info.verdict = Verdict::Exempt(number.class);
                out.push(info);
                continue;
            }
            let cue = *first_cue.get_or_insert_with(|| {
                self.cues
                    .find(mask, sentence, &quote_ranges)
                    .first()
                    .copied()
            });
            info.verdict = match cue {
                Some(cue) => Verdict::Cue(cue),
                None if !speakers.is_empty() => Verdict::Speaker(speakers),
                None => Verdict::NotAttributed,
            };
            out.push(info);
        }
        out
    }

    /// The sources a sentence cites with `[^id]`, in order of appearance, without repeats.
    fn cited(&self, sentence: TextRange) -> Vec<String> {
        let first = self
            .citations
            .partition_point(|&(at, _)| at < sentence.start);
        let mut cited: Vec<String> = Vec::new();
        for &(_, id) in self.citations[first..]
            .iter()
            .take_while(|&&(at, _)| at < sentence.end)
        {
            if !cited.iter().any(|c| c == id) {
                cited.push(id.to_string());
            }
        }
        cited
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::workspace::Document;
    use std::path::PathBuf;

    /// The bulk judge and the one-number judge give the same verdict for every number.
    #[test]
    fn numbers_in_agrees_with_number_at() {
        let mut ws = Workspace::new(PathBuf::from("."), Config::default());
        let files = [
            (
                "entities.news",
                include_str!("../../examples/kursk/entities.news"),
            ),
            (
                "kursk.news",
                include_str!("../../examples/kursk/kursk-pows.news"),
            ),
            (
                "a.news",
                "# 13 in a heading\n\nHe said 40 left. [Some 12]{^s} and [7]{@x} stayed; \
                 \"we saw 300 of them here\" in 2024, then 9 more.[^s] Then 5.\n\n[^s]: S\n",
            ),
        ];
        for (path, text) in files {
            ws.set_document(Document::new(PathBuf::from(path), text.to_string()));
        }
        let mut judged = 0;
        for (file, doc) in ws.documents() {
            let all = numbers_in(&ws, file, TextRange::new(0, doc.text.len()));
            for n in &all {
                assert_eq!(number_at(&ws, file, n.range.start).as_ref(), Some(n));
            }
            judged += all.len();
        }
        assert!(judged > 10, "only {judged} numbers");
    }
}
