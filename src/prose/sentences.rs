//! Sentence splitting for news prose.

use super::Quotation;
use crate::syntax::TextRange;

/// Words that a full stop follows without ending the sentence. Case matters: `No.` is an
/// abbreviation, `no.` ends a sentence.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Gov", "Lt", "Col", "Capt", "Maj", "Sgt", "Cpl", "Adm",
    "Sen", "Rep", "Rev", "Hon", "St", "No", "Nos", "Jr", "Sr", "vs", "Mt", "Ft", "Jan", "Feb",
    "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "approx",
];

/// Offset of the first `…`; the searcher is built once, not per block.
fn ellipsis(bytes: &[u8]) -> Option<usize> {
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("…".as_bytes()));
    FINDER.find(bytes)
}

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '*' | '_')
}

fn starts_sentence(c: char) -> bool {
    c.is_uppercase()
        || c.is_ascii_digit()
        || matches!(
            c,
            '"' | '“' | '‘' | '\'' | '«' | '(' | '[' | '*' | '_' | '¿' | '¡'
        )
}

/// Does the `.` at `dot` follow an abbreviation, an initial or a dotted abbreviation (`U.S.`)?
fn after_abbreviation(mask: &str, block_start: usize, dot: usize) -> bool {
    let before = &mask[block_start..dot];
    if before.ends_with('.') {
        return false;
    }
    // The token is the letters and dots before the stop. Only the letters back to its last
    // inner `.` are walked: finding one settles the answer (`U.S`, `e.g`: a dotted
    // abbreviation), and walking on would make `a.a.a.a…` quadratic, each stop rescanning
    // the whole run.
    let mut token_start = 0;
    for (i, c) in before.char_indices().rev() {
        if c == '.' {
            return true;
        }
        if !c.is_alphabetic() {
            token_start = i + c.len_utf8();
            break;
        }
    }
    let token = &before[token_start..];
    if token.is_empty() {
        return false;
    }
    let mut chars = token.chars();
    let single_initial =
        matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase());
    single_initial || ABBREVIATIONS.contains(&token)
}

/// Splits a block into sentences. The sentences cover the block without gaps: whatever stands
/// between one sentence's last word and the next one's first (closing quotes, citations,
/// spaces) belongs to the earlier sentence.
pub fn split(mask: &str, block: TextRange, quotes: &[Quotation]) -> Vec<TextRange> {
    let bytes = mask.as_bytes();
    let mut sentences = Vec::new();
    let mut start = block.start;
    let mut quote_index = 0;
    let mut i = block.start;
    let mut next_ellipsis = ellipsis(&bytes[i..block.end]).map(|k| i + k);
    while i < block.end {
        // Stops are `.`, `!`, `?` and `…`.
        let ascii_stop = memchr::memchr3(b'.', b'!', b'?', &bytes[i..block.end]);
        if next_ellipsis.is_some_and(|e| e < i) {
            next_ellipsis = ellipsis(&bytes[i..block.end]).map(|k| i + k);
        }
        let Some(at) = [ascii_stop.map(|k| i + k), next_ellipsis]
            .into_iter()
            .flatten()
            .min()
        else {
            break;
        };
        let c = mask[at..].chars().next().unwrap_or(' ');
        if !is_terminal(c) {
            i = at + c.len_utf8();
            continue;
        }
        // Take the whole run of stops: `?!`, `...`.
        let mut run_end = at;
        let mut run_len = 0;
        for d in mask[at..block.end].chars().take_while(|&d| is_terminal(d)) {
            run_end += d.len_utf8();
            run_len += 1;
        }
        i = run_end;
        let mut closers_end = run_end;
        for d in mask[run_end..block.end].chars() {
            if !is_closer(d) {
                break;
            }
            closers_end += d.len_utf8();
        }
        while quote_index < quotes.len() && quotes[quote_index].range.end < at {
            quote_index += 1;
        }
        let inside_quote = quotes[quote_index..]
            .iter()
            .take_while(|q| q.range.start < at)
            .any(|q| q.range.contains(at));
        let quote_closes_here = quotes[quote_index..]
            .iter()
            .take_while(|q| q.range.start < closers_end)
            .any(|q| q.range.end > run_end && q.range.end <= closers_end);
        if inside_quote && !quote_closes_here {
            continue;
        }
        if c == '.' && run_len == 1 && after_abbreviation(mask, block.start, at) {
            continue;
        }
        let rest = &mask[closers_end..block.end];
        let next_start = closers_end + (rest.len() - rest.trim_start().len());
        if next_start == block.end {
            break;
        }
        if next_start == closers_end {
            continue; // `3.5`, `U.S.A`, `word.Word`: no space, no new sentence.
        }
        if mask[next_start..]
            .chars()
            .next()
            .is_some_and(starts_sentence)
        {
            sentences.push(TextRange::new(start, next_start));
            start = next_start;
            i = next_start;
        }
    }
    if start < block.end {
        sentences.push(TextRange::new(start, block.end));
    }
    sentences
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prose::quotations;

    fn sentences(text: &str) -> Vec<&str> {
        let block = TextRange::new(0, text.len());
        split(text, block, &quotations(text, block))
            .into_iter()
            .map(|r| text[r.start..r.end].trim_end())
            .collect()
    }

    #[test]
    fn abbreviations_initials_and_decimals_do_not_split() {
        let text = "U.S. Secretary of State Antony Blinken met Mr. Yoon and Gen. J. Smith on Jan. 9 in St. Paul. Inflation hit 3.5 per cent. No. 10 said so.";
        assert_eq!(
            sentences(text),
            [
                "U.S. Secretary of State Antony Blinken met Mr. Yoon and Gen. J. Smith on Jan. 9 in St. Paul.",
                "Inflation hit 3.5 per cent.",
                "No. 10 said so."
            ]
        );
    }

    #[test]
    fn every_listed_abbreviation_keeps_the_sentence_whole() {
        let listed = [
            "U.S.", "Mr.", "Mrs.", "Dr.", "Gen.", "Gov.", "Lt.", "Jan.", "Feb.", "Mar.", "Apr.",
            "Jun.", "Jul.", "Aug.", "Sep.", "Sept.", "Oct.", "Nov.", "Dec.", "No.", "St.", "J.",
        ];
        for abbreviation in listed {
            let text = format!("They met {abbreviation} Smith at 3.5 past. Then left.");
            assert_eq!(
                sentences(&text),
                [
                    format!("They met {abbreviation} Smith at 3.5 past."),
                    "Then left.".to_string()
                ],
                "{abbreviation}"
            );
        }
    }

    #[test]
    fn quotes_hold_together_and_closers_belong_to_the_sentence() {
        let text = r#""It is noteworthy that the prisoner...emphasises that he was going. Not to fight," informs the SSU. He said: "We won." (Really.) Next one?"#;
        assert_eq!(
            sentences(text),
            [
                r#""It is noteworthy that the prisoner...emphasises that he was going. Not to fight," informs the SSU."#,
                r#"He said: "We won.""#,
                "(Really.)",
                "Next one?"
            ]
        );
    }

    #[test]
    fn trailing_space_and_lowercase_continuations() {
        let text = "The count... rose again. it was odd.  Then it fell";
        assert_eq!(
            sentences(text),
            ["The count... rose again. it was odd.", "Then it fell"]
        );
    }
}
