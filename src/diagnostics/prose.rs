//! Rules over running prose: unattributed-number, unattributed-quote, missing-source and
//! unlinked-mention.

use super::{Finding, Rule};
use crate::config::Numbers;
use crate::prose::numbers::{self, NumberClass, NumberExpr};
use crate::prose::{self, Cues, Quotation, sentences};
use crate::syntax::{BlockKind, ClaimSpan, SyntaxFile, TextRange};
use crate::workspace::{FileId, Workspace};

/// Quotations shorter than this are scare quotes or titles, not quoted speech.
const QUOTE_MIN_WORDS: usize = 3;

fn is_exempt(number: &NumberExpr, exempt: &Numbers) -> bool {
    match number.class {
        NumberClass::Plain => false,
        NumberClass::Year => exempt.exempt_years,
        NumberClass::Date => exempt.exempt_dates,
        NumberClass::Time => exempt.exempt_times,
        NumberClass::Ordinal => exempt.exempt_ordinals,
        NumberClass::Age => exempt.exempt_ages,
    }
}

/// How a piece of a sentence is covered by a claim span.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SpanCover {
    None,
    /// A span naming a speaker (`@entity`) but no source.
    Speaker,
    /// A span with a `^source`.
    Sourced,
}

fn span_cover(claims: &[ClaimSpan], range: TextRange) -> SpanCover {
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

/// A number or quotation that needs a source, and what it looks like in a message.
struct Claim {
    range: TextRange,
    what: String,
    quote: bool,
}

pub(super) fn check(workspace: &Workspace, file: FileId, out: &mut Vec<Finding>) {
    let doc = workspace.document(file);
    let syntax = &doc.syntax;
    let mask = syntax.prose_mask.as_str();
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

    for block in &syntax.blocks {
        if wants_names {
            unlinked_mentions(workspace, mask, block.range, out);
        }
        if wants_attribution && !matches!(block.kind, BlockKind::Heading(_)) {
            attribution(syntax, &doc.text, &cues, &config.numbers, block.range, out);
        }
    }
}

fn unlinked_mentions(workspace: &Workspace, mask: &str, block: TextRange, out: &mut Vec<Finding>) {
    for found in workspace.index().find_names(mask, block) {
        let name = &mask[found.start..found.end];
        let message = match found.entities.as_slice() {
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

fn attribution(
    syntax: &SyntaxFile,
    text: &str,
    cues: &Cues,
    exempt: &Numbers,
    block: TextRange,
    out: &mut Vec<Finding>,
) {
    let mask = syntax.prose_mask.as_str();
    let quotes = prose::quotations(mask, block);
    let numbers = numbers::find(mask, block);
    if quotes.is_empty() && numbers.is_empty() {
        return;
    }
    let speech: Vec<&Quotation> = quotes
        .iter()
        .filter(|q| q.words >= QUOTE_MIN_WORDS)
        .collect();
    let quote_ranges: Vec<TextRange> = quotes.iter().map(|q| q.range).collect();

    for sentence in sentences::split(mask, block, &quotes) {
        let mut claims: Vec<Claim> = Vec::new();
        for q in speech.iter().filter(|q| sentence.contains(q.range.start)) {
            claims.push(Claim {
                range: q.range,
                what: format!(
                    "quotation {}",
                    shorten_quote(&text[q.range.start..q.range.end])
                ),
                quote: true,
            });
        }
        for n in numbers.iter().filter(|n| sentence.contains(n.range.start)) {
            let in_speech = speech.iter().any(|q| q.range.contains_range(n.range));
            if !in_speech && !is_exempt(n, exempt) {
                claims.push(Claim {
                    range: n.range,
                    what: format!("number “{}”", &text[n.range.start..n.range.end]),
                    quote: false,
                });
            }
        }
        if claims.is_empty() {
            continue;
        }
        let cited = syntax
            .citations
            .iter()
            .any(|c| c.claim.is_none() && sentence.contains(c.range.start));
        if cited {
            continue;
        }
        let sentence_cues = cues.find(mask, sentence, &quote_ranges);
        claims.sort_by_key(|c| c.range.start);
        let mut needs_source: Option<&Claim> = None;
        for claim in &claims {
            match span_cover(&syntax.claims, claim.range) {
                SpanCover::Sourced => continue,
                SpanCover::Speaker => {
                    needs_source.get_or_insert(claim);
                }
                SpanCover::None if !sentence_cues.is_empty() => {
                    needs_source.get_or_insert(claim);
                }
                SpanCover::None => {
                    let (rule, message) = if claim.quote {
                        (
                            Rule::UnattributedQuote,
                            format!(
                                "{} is not attributed: say who said it, or cite a source with [^id]",
                                claim.what
                            ),
                        )
                    } else {
                        (
                            Rule::UnattributedNumber,
                            format!(
                                "{} has no source: cite one with [^id] or attribute it",
                                claim.what
                            ),
                        )
                    };
                    out.push(Finding::new(rule, claim.range, message));
                }
            }
        }
        if let Some(claim) = needs_source {
            let at = sentence_cues.first().copied().unwrap_or(claim.range);
            let cue = &text[at.start..at.end];
            let message = if sentence_cues.is_empty() {
                format!(
                    "{} is attributed to a speaker but the sentence cites no source: add [^id] after the sentence",
                    claim.what
                )
            } else {
                format!(
                    "“{cue}” attributes the {} but the sentence cites no source: add [^id] after the sentence",
                    claim.what
                )
            };
            out.push(Finding::new(Rule::MissingSource, at, message));
        }
    }
}
