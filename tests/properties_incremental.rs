//! Incremental analysis equals a fresh one: after any sequence of edits (markup characters,
//! line breaks, blank lines that split and merge blocks, `:` introductions, list items,
//! tables, fences, comments, front matter), parsing only what an edit touched gives the parse
//! of the whole new text.

use newsmark::syntax::{self, Edit};
use proptest::prelude::*;

const FRAGMENTS: &[&str] = &[
    "@ssu",
    "@x ",
    "[",
    "]",
    "[^a]",
    "[^b]",
    "[13 died]{^a}",
    "{@ssu status=reported}",
    "(@ssu)",
    "[the minister](@x)",
    "\"We will stay,\" ",
    "“",
    "”",
    " said ",
    " according to ",
    "13",
    "10,000",
    "a thousand",
    ".",
    "U.S.",
    " ",
    "word ",
    "The army lost 40 tanks. ",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "😀",
    "`",
    "`code`",
    "<!-- ",
    " -->",
    "<!-- newsmark-disable-next-line -->",
    "<!-- newsmark-disable unattributed-number -->\n",
    "# ",
    "## Heading\n",
    "- ",
    "1. ",
    "2. ",
    "\n- item 12\n",
    "---\n",
    "---",
    "title: T\n",
    "date: 2025-01-01\n",
    "[^a]: Source\n  url: https://e.org\n",
    "[@x]: X\n  kind: org\n",
    "  by: @ssu\n",
    "  date: 2025\n",
    "  bad line\n",
    "https://e.org/13",
    "> ",
    "\n> quoted 5 words here now\n",
    "```\n",
    "~~~\n",
    "| a | b |\n",
    "|---|---|\n",
    "| 13 | 14 |\n",
    ":\n",
    "officials said:\n",
    "\t",
    "***\n",
    "SSU ",
    "Anna Nowak ",
    "Ana Nowak ",
    "Security Service of Ukrain ",
    "[Anna Nowack](@x)",
    "@ssuu ",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..60).prop_map(|v| v.concat())
}

/// An edit: where (a fraction of the text), how much to delete, and what to insert.
fn edits() -> impl Strategy<Value = Vec<(f64, usize, String)>> {
    prop::collection::vec(
        (
            0.0..=1.0f64,
            prop_oneof![Just(0usize), 0..4usize, 0..40usize],
            prop::collection::vec(prop::sample::select(FRAGMENTS), 0..3).prop_map(|v| v.concat()),
        ),
        1..12,
    )
}

fn floor_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub fn apply(text: &str, (at, delete, insert): &(f64, usize, String)) -> String {
    let start = floor_char(text, (text.len() as f64 * at) as usize);
    let end = floor_char(text, start + delete).max(start);
    format!("{}{}{}", &text[..start], insert, &text[end..])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn a_reparse_equals_a_whole_parse(start in text(), edits in edits()) {
        let mut text = start;
        let mut parse = syntax::parse(&text);
        for edit in &edits {
            let new = apply(&text, edit);
            let fresh = syntax::parse(&new);
            let mask = std::mem::take(&mut parse.prose_mask);
            let incremental = syntax::reparse(&parse, &mask, &new, Edit::between(&text, &new))
                .unwrap_or_else(|| syntax::parse(&new));
            prop_assert_eq!(format!("{incremental:#?}"), format!("{fresh:#?}"), "after editing {:?} into {:?}", text, new);
            text = new;
            parse = incremental;
        }
    }
}

const REGISTRY: &str = "[@ssu]: Security Service of Ukraine\n  kind: org\n  aliases: SSU\n\n[@x]: Anna Nowak\n  kind: person\n";

/// An article with sections, so that edits land in one of several.
fn article() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::collection::vec(prop::sample::select(FRAGMENTS), 0..12)
                .prop_map(|v| v.concat()),
            1 => Just("\n\n## Section\n\n".to_string()),
            1 => Just("\n\nAnna Nowak said 40 people died. \"We will stay here for now,\" she added.\n\n".to_string()),
            1 => Just("\n\nSources said 12 tanks were lost.\n\n".to_string()),
        ],
        0..10,
    )
    .prop_map(|v| v.concat())
}

/// Every mention and definition of the index by id, as (file path, index) pairs, sorted.
fn references(ws: &newsmark::workspace::Workspace) -> Vec<(String, &'static str, String, usize)> {
    let index = ws.index();
    let path = |f| ws.document(f).path.display().to_string();
    let mut out = Vec::new();
    for (id, refs) in index.mentions.iter() {
        out.extend(
            refs.iter()
                .map(|r| (id.clone(), "mention", path(r.file), r.index)),
        );
    }
    for (id, refs) in index.definitions.iter() {
        out.extend(
            refs.iter()
                .map(|r| (id.clone(), "definition", path(r.file), r.index)),
        );
    }
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn incremental_diagnostics_equal_a_fresh_check(start in article(), edits in edits()) {
        use newsmark::config::Config;
        use newsmark::features::diagnostics;
        use newsmark::rules;
        use newsmark::workspace::{Document, Workspace};
        use std::path::PathBuf;

        let path = PathBuf::from("a.news");
        let mut ws = Workspace::new(PathBuf::from("."), Config::default());
        ws.set_document(Document::new(PathBuf::from("entities.news"), REGISTRY.to_string()));
        let file = ws.set_document(Document::new(path.clone(), start.clone()));
        let (mut analysis, first) = diagnostics::check(None, &ws, file);
        prop_assert_eq!(first, rules::check(&ws, file));
        let mut text = start;
        for edit in &edits {
            let new = apply(&text, edit);
            let doc = ws.document(file).edited(new.clone());
            let fresh_doc = Document::new(path.clone(), new.clone());
            prop_assert_eq!(format!("{:?}", doc.syntax), format!("{:?}", fresh_doc.syntax));
            prop_assert_eq!(doc.prose_mask(), fresh_doc.prose_mask());
            ws.set_document(doc);
            let (next, incremental) = diagnostics::check(Some(&analysis), &ws, file);
            let fresh = rules::check(&ws, file);
            prop_assert_eq!(incremental, fresh, "after editing {:?} into {:?}", text, new);
            // The index kept edit by edit: mentions and definitions by id, as a fresh one.
            let mut fresh_ws = Workspace::new(PathBuf::from("."), Config::default());
            fresh_ws.set_document(Document::new(PathBuf::from("entities.news"), REGISTRY.to_string()));
            fresh_ws.set_document(Document::new(path.clone(), new.clone()));
            prop_assert_eq!(references(&ws), references(&fresh_ws));
            analysis = next;
            text = new;
        }
    }
}
