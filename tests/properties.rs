//! The whole analyzer, not just the parser, on arbitrary input: never a panic, every
//! diagnostic range on character boundaries inside the text.

mod common;

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
    "{status=nope}",
    "(@ssu)",
    "\"",
    "“",
    "”",
    " said ",
    " according to ",
    "13",
    "10,000",
    "3.5%",
    "a thousand",
    "26-year-old",
    "9 January",
    "2021",
    ".",
    "...",
    "…",
    "U.S.",
    "Mr.",
    " ",
    "\n",
    "\r\n",
    "\n\n",
    "😀",
    "北京",
    "Security Service",
    "SSU",
    "`",
    "<!-- newsmark-disable-next-line -->",
    "<!-- newsmark-disable unattributed-number -->",
    "<!-- newsmark-enable -->",
    "# ",
    "- ",
    "---\n",
    "[^a]: Source\n  url: https://e.org\n",
    "[@x]: X\n  kind: org\n",
    "  date: 2025\n",
    "https://e.org/13",
    "> ",
    "```\n",
];

fn article() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn diagnostics_never_panic_and_stay_on_char_boundaries(text in article(), other in article()) {
        let fixture = format!(
            "//- entities.news\n[@ssu]: Security Service\n  kind: org\n  aliases: SSU\n//- a.news\n{text}\n//- b.news\n{other}\n"
        );
        let ws = common::workspace(&fixture);
        for (id, doc) in ws.documents() {
            for d in newsmark::rules::check(&ws, id) {
                prop_assert!(d.range.start <= d.range.end && d.range.end <= doc.text.len());
                prop_assert!(doc.text.is_char_boundary(d.range.start));
                prop_assert!(doc.text.is_char_boundary(d.range.end));
                prop_assert!(!d.message.is_empty());
            }
        }
    }
}
