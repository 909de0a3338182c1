//! What the attribution rules make of a number, for hover and semantic tokens.
//!
//! The judgement itself is the rules' own ([`rules::shared::attribution::Judge`]), so what a
//! hover says and how a number is coloured agree with what `unattributed-number` and
//! `missing-source` report. This module adds what a reader is shown: which sources cite the
//! sentence, which sources or speakers the claim spans holding the number name.
//!
//! [`number_at`] (hover) and [`numbers_in`] (semantic tokens) share one implementation, so the
//! two always agree.

use crate::prose::numbers::NumberClass;
use crate::rules::ClaimKind;
use crate::rules::shared::attribution::{Judge, Judged, Standing};
use crate::syntax::{ClaimSpan, ProseBlock, TextRange};
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
    claim_at(ws, file, offset, ClaimKind::Number)
}

/// The quotation of speech at `offset`, and how it is attributed (as `unattributed-quote`
/// and `missing-source` judge it).
pub(crate) fn quotation_at(
    ws: &Workspace,
    file: FileId,
    offset: usize,
) -> Option<NumberAttribution> {
    claim_at(ws, file, offset, ClaimKind::Quotation)
}

fn claim_at(
    ws: &Workspace,
    file: FileId,
    offset: usize,
    kind: ClaimKind,
) -> Option<NumberAttribution> {
    let touches = |r: TextRange| r.start <= offset && offset <= r.end;
    let doc = ws.document(file);
    let index = doc.syntax.blocks.iter().position(|b| touches(b.range))?;
    let block = &doc.syntax.blocks[index];
    let shown = Shown::new(ws, file);
    shown
        .judge
        .blocks(index..index + 1)
        .into_iter()
        .flat_map(|(_, judged)| judged)
        .find(|j| j.claim.kind == kind && touches(j.claim.range))
        .map(|j| shown.attribution(block, &j))
}

/// Every number of the prose blocks that `range` touches, in text order, each with how it is
/// attributed: the same verdicts as [`number_at`], for a whole file in one pass over its
/// blocks. Numbers outside `range` (but in a block it touches) are left out.
pub(crate) fn numbers_in(ws: &Workspace, file: FileId, range: TextRange) -> Vec<NumberAttribution> {
    let blocks = &ws.document(file).syntax.blocks;
    let first = blocks.partition_point(|b| b.range.end < range.start);
    let end = first + blocks[first..].partition_point(|b| b.range.start <= range.end);
    let shown = Shown::new(ws, file);
    let mut out = Vec::new();
    for (index, judged) in shown.judge.blocks(first..end) {
        for judged in judged {
            let r = judged.claim.range;
            if judged.claim.kind == ClaimKind::Number
                && r.start <= range.end
                && range.start <= r.end
            {
                out.push(shown.attribution(&blocks[index], &judged));
            }
        }
    }
    out
}

/// The rules' judge, and the citations and claim spans of the file in text order, to name
/// what attributes a number.
struct Shown<'a> {
    judge: Judge<'a>,
    /// `[^id]` citations (not claim attributes) by start, in text order.
    citations: Vec<(usize, &'a str)>,
    /// Claim spans in text order of their `[`.
    claims: Vec<&'a ClaimSpan>,
}

impl<'a> Shown<'a> {
    fn new(ws: &'a Workspace, file: FileId) -> Shown<'a> {
        let doc = ws.document(file);
        let mut citations: Vec<(usize, &str)> = doc
            .syntax
            .citations
            .iter()
            .filter(|c| c.claim.is_none())
            .map(|c| (c.range.start, c.id.as_str()))
            .collect();
        citations.sort_by_key(|&(at, _)| at);
        let mut claims: Vec<&ClaimSpan> = doc.syntax.claims.iter().collect();
        claims.sort_by_key(|c| c.range.start);
        Shown {
            judge: Judge::new(doc, &ws.config),
            citations,
            claims,
        }
    }

    fn attribution(&self, block: &ProseBlock, judged: &Judged) -> NumberAttribution {
        let judged_range = judged.within.unwrap_or(judged.claim.range);
        let verdict = match judged.standing {
            Standing::Heading => Verdict::Heading,
            Standing::Cited => Verdict::Cited(self.cited(judged.claim.sentence)),
            Standing::SourcedSpan => Verdict::SourcedSpan(self.span_ids(block, judged_range, true)),
            Standing::Exempt => Verdict::Exempt(judged.class.unwrap_or(NumberClass::Plain)),
            Standing::Cue(cue) => Verdict::Cue(cue),
            Standing::Speaker => Verdict::Speaker(self.span_ids(block, judged_range, false)),
            Standing::NotAttributed => Verdict::NotAttributed,
        };
        NumberAttribution {
            range: judged.claim.range,
            class: judged.class.unwrap_or(NumberClass::Plain),
            quotation: judged.within,
            verdict,
        }
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

    /// The sources (or, with `sources` false, the speakers) of the claim spans of `block`
    /// that hold `range`, without repeats. Only spans with sources count as sourcing it, and
    /// only spans without as naming a speaker, as the rules read them.
    fn span_ids(&self, block: &ProseBlock, range: TextRange, sources: bool) -> Vec<String> {
        let from = self
            .claims
            .partition_point(|c| c.range.start < block.range.start);
        let to = self
            .claims
            .partition_point(|c| c.range.start < block.range.end);
        let mut ids: Vec<String> = Vec::new();
        for span in self.claims[from..to]
            .iter()
            .filter(|c| c.text.contains_range(range) && c.sources.is_empty() != sources)
        {
            let named = if sources {
                &span.sources
            } else {
                &span.speakers
            };
            for id in named {
                if !ids.contains(&id.text) {
                    ids.push(id.text.clone());
                }
            }
        }
        ids
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
