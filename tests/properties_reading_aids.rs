//! The reading aids on arbitrary input: never a panic, every range on character boundaries
//! inside the text, and each result in the shape its protocol needs.

mod common;

use newsmark::features::{
    code_lens, document_links, folding, inlay_hints, selection, semantic_tokens,
};
use newsmark::syntax::TextRange;
use proptest::prelude::*;

const FRAGMENTS: &[&str] = &[
    "@ssu",
    "@x",
    "[",
    "]",
    "[^a]",
    "[^b]",
    "{^a}",
    "{@ssu status=reported}",
    "{status=false note=\"a b\"}",
    "(@ssu)",
    "[the SSU](@ssu)",
    "[two\nlines](@ssu)",
    "\"",
    "“",
    "”",
    " said ",
    "13",
    "10,000",
    "a thousand",
    "2021",
    ".",
    " ",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "😀",
    "Security Service",
    "`",
    "<!-- newsmark-disable-next-line -->",
    "<!-- a\ncomment -->",
    "<!--",
    "-->",
    "# ",
    "## ",
    "- ",
    "---\n",
    "[^a]: Source\n  url: https://e.org\n",
    "[^b]: B\n  archive: www.e.org\n  by: @ssu\n",
    "[@x]: X\n  kind: org\n  wikidata: Q1\n",
    "  not a field\n",
    "https://e.org/13",
    "> ",
    "```\n",
];

fn article() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..60).prop_map(|v| v.concat())
}

fn on_chars(text: &str, range: TextRange) -> bool {
    range.start <= range.end
        && range.end <= text.len()
        && text.is_char_boundary(range.start)
        && text.is_char_boundary(range.end)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    #[test]
    fn reading_aids_keep_their_shape(text in article(), cut in any::<prop::sample::Index>()) {
        let fixture = format!(
            "//- entities.news\n[@ssu]: Security Service\n  kind: org\n  aliases: SSU\n//- a.news\n{text}\n"
        );
        let ws = common::workspace(&fixture);
        for (file, doc) in ws.documents() {
            let text = doc.text.as_str();
            let all = TextRange::new(0, text.len());

            let tokens = semantic_tokens::tokens(&ws, file);
            for (i, t) in tokens.iter().enumerate() {
                prop_assert!(on_chars(text, t.range) && !t.range.is_empty());
                prop_assert!(!text[t.range.start..t.range.end].contains(['\n', '\r']));
                prop_assert!(i == 0 || tokens[i - 1].range.end <= t.range.start);
                prop_assert!(t.modifiers < 1 << semantic_tokens::TOKEN_MODIFIERS.len());
            }
            let mut at = cut.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let range = TextRange::new(at, (at + 20).min(text.len()));
            let range = TextRange::new(range.start, {
                let mut end = range.end;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                end
            });
            let some = semantic_tokens::tokens_in_range(&ws, file, range);
            let touching: Vec<_> = tokens
                .iter()
                .copied()
                .filter(|t| t.range.start <= range.end && range.start <= t.range.end)
                .collect();
            prop_assert_eq!(some, touching);

            for h in inlay_hints::hints(&ws, file, all) {
                prop_assert!(on_chars(text, TextRange::new(h.position, h.position)));
                prop_assert!(!h.label.is_empty());
                prop_assert!(inlay_hints::hint_tooltip(&ws, file, h.position).is_some());
            }
            for lens in code_lens::lenses(&ws, file) {
                prop_assert!(on_chars(text, lens.range) && lens.range.contains(lens.references_at));
            }
            for link in document_links::links(&ws, file) {
                prop_assert!(on_chars(text, link.range) && !link.target.is_empty());
            }
            for fold in folding::folds(&ws, file) {
                prop_assert!(on_chars(text, fold.range));
                prop_assert!(fold.start_line < fold.end_line);
                prop_assert!((fold.end_line as usize) < doc.line_index.line_count());
            }
            for chain in selection::selection_ranges(&ws, file, &[at, 0, text.len()]) {
                prop_assert_eq!(chain.last().copied(), Some(all));
                for (i, r) in chain.iter().enumerate() {
                    prop_assert!(on_chars(text, *r));
                    prop_assert!(i == 0 || (r.contains_range(chain[i - 1]) && *r != chain[i - 1]));
                }
            }
        }
    }
}
