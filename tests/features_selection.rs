//! Selection ranges: from the word at each `$0` outwards to the whole document.

mod common;

use std::fmt::Write;

use insta::assert_snapshot;
use newsmark::features::selection;
use newsmark::syntax::{Encoding, TextRange};
use newsmark::workspace::{FileId, Workspace};

fn at(ws: &Workspace, file: FileId, offset: usize) -> String {
    let doc = ws.document(file);
    let p = doc.line_index.position(&doc.text, offset, Encoding::Utf32);
    format!("{}:{}", p.line + 1, p.col + 1)
}

/// Each cursor's ranges, innermost first, as their place and text (long texts shortened).
/// Checks that each range strictly holds the one before it and the last is the document.
fn show(fixture: &str) -> String {
    let (ws, cursors) = common::cursors(fixture);
    let mut out = String::new();
    for (file, offset) in cursors {
        let text = &ws.document(file).text;
        let chains = selection::selection_ranges(&ws, file, &[offset]);
        assert_eq!(chains.len(), 1);
        let chain = &chains[0];
        assert_eq!(chain.last(), Some(&TextRange::new(0, text.len())));
        for (i, r) in chain.iter().enumerate() {
            assert!(
                r.start <= offset && offset <= r.end,
                "{r:?} misses the cursor"
            );
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            if i > 0 {
                assert!(r.contains_range(chain[i - 1]) && *r != chain[i - 1]);
            }
        }
        writeln!(out, "== cursor at {} ==", at(&ws, file, offset)).unwrap();
        for r in chain {
            let slice = &text[r.start..r.end];
            let chars: Vec<char> = slice.chars().collect();
            let shown = if chars.len() > 70 {
                let head: String = chars[..30].iter().collect();
                let tail: String = chars[chars.len() - 30..].iter().collect();
                format!("{head:?} … {tail:?}")
            } else {
                format!("{slice:?}")
            };
            writeln!(
                out,
                "  {}-{} {shown}",
                at(&ws, file, r.start),
                at(&ws, file, r.end)
            )
            .unwrap();
        }
    }
    out
}

#[test]
fn from_the_word_to_the_document() {
    assert_snapshot!(show(
        "//- entities.news
[@blinken]: Antony Blinken
  kind: person
//- a.news
---
title: Two sol$0diers
---

# Cap$0tured soldiers

## Details

On Monday [Antony Blin$0ken](@blinken) confirmed it. Then @blin$0ken said [at least 2$00 were
killed or \"badly w$0ounded\" there]{^gs @blinken status=re$0ported}.[^g$0s] Nothing else.

- A list it$0em. Its second sentence.
> A quo$0te.

Between$0 words and $0 spaces.

[^gs]: General Staff report
  url: https://exam$0ple.org/
"
    ));
}

#[test]
fn edges_of_the_document() {
    assert_snapshot!(show(
        "//- a.news\n$0First word.\n\n$0\n\n[@x]:$0\n\nLast wo$0rd$0"
    ));
    let (ws, cursors) = common::cursors("//- a.news\n$0");
    let (file, offset) = cursors[0];
    assert_eq!(
        selection::selection_ranges(&ws, file, &[offset]),
        [[TextRange::new(0, 0)]]
    );
}

#[test]
fn several_offsets_at_once_and_out_of_range_offsets() {
    let (ws, cursors) = common::cursors("//- a.news\nOne $0two.\n\nThree $0four.\n");
    let file = cursors[0].0;
    let offsets: Vec<usize> = cursors.iter().map(|&(_, o)| o).collect();
    let chains = selection::selection_ranges(&ws, file, &offsets);
    assert_eq!(chains.len(), 2);
    for (chain, &offset) in chains.iter().zip(&offsets) {
        assert_eq!(chain, &selection::selection_ranges(&ws, file, &[offset])[0]);
    }
    let len = ws.document(file).text.len();
    let past = selection::selection_ranges(&ws, file, &[len + 10]);
    assert_eq!(past[0].last(), Some(&TextRange::new(0, len)));
}

#[test]
fn crlf_and_multibyte_text() {
    assert_snapshot!(show(
        "//- a.news
# Über 😀\r
\r
Der „Mi$0nister“ 😀 sagte 4$00.[^q] Dann gi😀$0ng er.\r
\r
[^q]: Quelle\r
"
    ));
}
