//! Rules over running prose: unattributed-number, unattributed-quote, missing-source and
//! unlinked-mention.

use super::{Finding, Rule};
use crate::config::Numbers;
use crate::prose::numbers;
use crate::prose::{self, Cues, Quotation, sentences};
use crate::syntax::{BlockKind, ClaimSpan, SyntaxFile, TextRange};
use crate::workspace::{Document, FileId, Workspace};

/// How a piece of a sentence is covered by a claim span.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SpanCover {
    None,
    /// A span naming a speaker (`@entity`) but no source.
    Speaker,
    /// A span with a `^source`.
    Sourced,
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

/// A number or quotation that needs a source.
#[derive(Clone, Copy)]
struct Claim {
    range: TextRange,
    quote: bool,
}

impl Claim {
    /// How messages name it: `number “13”`, `quotation “We will…”`.
    fn describe(self, text: &str) -> String {
        let shown = &text[self.range.start..self.range.end];
        if self.quote {
            format!("quotation {}", shorten_quote(shown))
        } else {
            format!("number “{shown}”")
        }
    }
}

pub(super) fn check(workspace: &Workspace, file: FileId, out: &mut Vec<Finding>) {
    let doc = workspace.document(file);
    let syntax = &doc.syntax;
    let mask = doc.prose_mask();
    let config = &workspace.config;
    let cues = Cues::new(config.cues.iter().map(String::as_str));
    let wants_names = config.severity(Rule::UnlinkedMention).is_some();
    let wants_attribution = [
        Rule::UnattributedNumber,
        Rule::UnattributedQuote,
        Rule::MissingSource,
    ]
    .into_iter()
    .any(|r| config.severity(r).is_some());

    let tables = Tables::new(syntax);
    let end = super::prose_end(workspace, file);
    for block in &syntax.blocks {
        if block.range.start >= end {
            if wants_names || wants_attribution {
                size_limit(doc, end, config.limits.prose_bytes, out);
            }
            break;
        }
        if wants_names {
            unlinked_mentions(workspace, mask, block.range, out);
        }
        if wants_attribution && !matches!(block.kind, BlockKind::Heading(_)) {
            let context = Context {
                mask,
                text: &doc.text,
                cues: &cues,
                exempt: &config.numbers,
                tables: &tables,
            };
            attribution(&context, block.range, out);
        }
    }
}

/// Where the prose rules stop in an article over the limit: one note at the first block not
/// checked, so the silence after it is not mistaken for clean copy.
fn size_limit(doc: &Document, at: usize, limit: usize, out: &mut Vec<Finding>) {
    let line_end = doc.text[at..]
        .find(['\n', '\r'])
        .map_or(doc.text.len(), |n| at + n);
    let size = |bytes: usize| match bytes {
        0..1024 => format!("{bytes} bytes"),
        1024..1048576 => format!("{:.1} KiB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MiB", bytes as f64 / 1048576.0),
    };
    out.push(Finding::new(
        Rule::SizeLimit,
        TextRange::new(at, line_end),
        format!(
            "prose is not checked from here on: this article is {} and the prose rules \
             (unattributed-number, unattributed-quote, missing-source, unlinked-mention) check \
             only the blocks within its first {}; entities, citations and definitions \
             are checked throughout. Split the article, or raise `prose-bytes` under \
             [limits] in newsmark.toml",
            size(doc.text.len()),
            size(limit)
        ),
    ));
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

struct Context<'a> {
    mask: &'a str,
    text: &'a str,
    cues: &'a Cues,
    exempt: &'a Numbers,
    tables: &'a Tables<'a>,
}

fn unlinked_mentions(workspace: &Workspace, mask: &str, block: TextRange, out: &mut Vec<Finding>) {
    for found in workspace.index().find_names(mask, block) {
        let name = &mask[found.start..found.end];
        let message = match found.entities {
            [id] => {
                format!("“{name}” is a known entity: link it as [{name}](@{id}) or write @{id}")
            }
            ids => format!(
                "“{name}” is the name of several entities ({}): link it to the one meant",
                ids.iter()
                    .map(|id| format!("@{id}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        out.push(Finding::new(
            Rule::UnlinkedMention,
            TextRange::new(found.start, found.end),
            message,
        ));
    }
}

fn attribution(cx: &Context, block: TextRange, out: &mut Vec<Finding>) {
    let mask = cx.mask;
    let quotes = prose::quotations(mask, block);
    let numbers = numbers::find(mask, block);
    if quotes.is_empty() && numbers.is_empty() {
        return;
    }
    let speech: Vec<&Quotation> = quotes
        .iter()
        .filter(|q| q.words >= prose::QUOTE_MIN_WORDS)
        .collect();
    let quote_ranges: Vec<TextRange> = quotes.iter().map(|q| q.range).collect();
    // Sentences, quotations and numbers are all in text order: walk them with cursors.
    let (mut next_quote, mut next_number) = (0, 0);

    for sentence in sentences::split(mask, block, &quotes) {
        let quotes_end =
            next_quote + speech[next_quote..].partition_point(|q| q.range.start < sentence.end);
        let sentence_speech = &speech[next_quote..quotes_end];
        next_quote = quotes_end;
        let numbers_end =
            next_number + numbers[next_number..].partition_point(|n| n.range.start < sentence.end);
        let sentence_numbers = &numbers[next_number..numbers_end];
        next_number = numbers_end;
        if (sentence_speech.is_empty() && sentence_numbers.is_empty()) || cx.tables.cites(sentence)
        {
            continue;
        }

        // What in this sentence needs a source, and is not covered by a sourced claim span.
        let mut claims: Vec<(Claim, SpanCover)> = sentence_speech
            .iter()
            .map(|q| Claim {
                range: q.range,
                quote: true,
            })
            .chain(
                sentence_numbers
                    .iter()
                    .filter(|n| !cx.exempt.exempts(n.class))
                    // Quotations are in order and do not overlap: only the last one starting
                    // at or before the number can hold it (a scan of all of them per number
                    // was quadratic in a sentence of thousands of quotations).
                    .filter(|n| {
                        let at =
                            sentence_speech.partition_point(|q| q.range.start <= n.range.start);
                        !(at > 0 && sentence_speech[at - 1].range.contains_range(n.range))
                    })
                    .map(|n| Claim {
                        range: n.range,
                        quote: false,
                    }),
            )
            .map(|claim| (claim, cx.tables.cover(claim.range)))
            .filter(|(_, cover)| *cover != SpanCover::Sourced)
            .collect();
        if claims.is_empty() {
            continue;
        }
        claims.sort_by_key(|c| c.0.range.start);
        let cues = cx.cues.find(mask, sentence, &quote_ranges);
        let mut needs_source: Option<Claim> = None;
        for &(claim, cover) in &claims {
            if cover == SpanCover::Speaker || !cues.is_empty() {
                needs_source.get_or_insert(claim);
                continue;
            }
            let what = claim.describe(cx.text);
            let (rule, message) = if claim.quote {
                let message = format!(
                    "{what} is not attributed: say who said it, or cite a source with [^id]"
                );
                (Rule::UnattributedQuote, message)
            } else {
                let message = format!("{what} has no source: cite one with [^id] or attribute it");
                (Rule::UnattributedNumber, message)
            };
            out.push(Finding::new(rule, claim.range, message));
        }
        if let Some(claim) = needs_source {
            let what = claim.describe(cx.text);
            let (at, message) = match cues.first() {
                Some(&cue) => (
                    cue,
                    format!(
                        "“{}” attributes the {what} but the sentence cites no source: add [^id] after the sentence",
                        &cx.text[cue.start..cue.end]
                    ),
                ),
                None => (
                    claim.range,
                    format!(
                        "{what} is attributed to a speaker but the sentence cites no source: add [^id] after the sentence"
                    ),
                ),
            };
            out.push(Finding::new(Rule::MissingSource, at, message));
        }
    }
}
