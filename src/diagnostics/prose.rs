//! Rules over running prose: unattributed-number, unattributed-quote, missing-source and
//! unlinked-mention.

use super::{Finding, Rule};
use crate::config::Numbers;
use crate::prose::numbers;
use crate::prose::{self, Cues, Quotation, sentences};
use crate::syntax::{BlockKind, ClaimSpan, SyntaxFile, TextRange};
use crate::workspace::{FileId, Workspace};

/// How a piece of a sentence is covered by a claim span.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SpanCover {
    None,
    /// A span naming a speaker (`@entity`) but no source.
    Speaker,
    /// A span with a `^source`.
    Sourced,
}

fn span_cover(claims: &[&ClaimSpan], range: TextRange) -> SpanCover {
    let mut cover = SpanCover::None;
    for claim in claims.iter().filter(|c| c.text.contains_range(range)) {
        if !claim.sources.is_empty() {
            return SpanCover::Sourced;
        }
        if !claim.speakers.is_empty() {
            cover = SpanCover::Speaker;
        }
    }
    cover
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
    for block in &syntax.blocks {
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

/// Citations and claim spans of a file sorted by position, so each sentence finds its own
/// with a binary search instead of a scan of the whole file.
struct Tables<'a> {
    /// Starts of `[^id]` citations (not claim attributes).
    citations: Vec<usize>,
    claims: Vec<&'a ClaimSpan>,
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
        Tables { citations, claims }
    }

    fn cites(&self, sentence: TextRange) -> bool {
        let first = self.citations.partition_point(|&at| at < sentence.start);
        self.citations
            .get(first)
            .is_some_and(|&at| at < sentence.end)
    }

    fn claims_in(&self, block: TextRange) -> &[&'a ClaimSpan] {
        let from = self.claims.partition_point(|c| c.range.start < block.start);
        let to = self.claims.partition_point(|c| c.range.start < block.end);
        &self.claims[from..to]
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
    let block_claims = cx.tables.claims_in(block);
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
                    .filter(|n| {
                        !sentence_speech
                            .iter()
                            .any(|q| q.range.contains_range(n.range))
                    })
                    .map(|n| Claim {
                        range: n.range,
                        quote: false,
                    }),
            )
            .map(|claim| (claim, span_cover(block_claims, claim.range)))
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
