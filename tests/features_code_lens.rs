//! Code lenses on definition labels: mention counts over the workspace, citation counts in
//! the file.

mod common;

use std::path::Path;

use insta::assert_snapshot;
use newsmark::features::code_lens;
use newsmark::features::navigation;
use newsmark::syntax::TextRange;
use newsmark::workspace::Workspace;

fn show(ws: &Workspace, path: &str) -> String {
    let file = ws.file_id(Path::new(path)).unwrap();
    let lenses = code_lens::lenses(ws, file);
    let items: Vec<(TextRange, String)> = lenses
        .iter()
        .map(|l| {
            assert!(l.range.contains(l.references_at));
            (l.range, l.title.clone())
        })
        .collect();
    format!("== {path} ==\n{}", common::annotate_lines(ws, file, &items))
}

const FIXTURE: &str = "//- entities.news
[@ssu]: Security Service of Ukraine
  kind: org

[@gs]: General Staff
  kind: org

[@lonely]: Never mentioned
  kind: person

[@twice]: Defined twice
  kind: person

[@]: No id

[@bad-]: Invalid id
//- more.news
[@twice]: Defined twice, again
  kind: person
//- a.news
@ssu met @gs and [the SSU](@ssu), and @twice.[^ssu] The SSU said so.[^ssu][^gs]
He [counted]{^ssu ^once @ssu status=reported}.

[^ssu]: SSU communiqué
  by: @ssu

[^gs]: General Staff report

[^once]: Cited once

[^unused]: Not cited
//- b.news
@ssu again.[^ssu]

[^ssu]: Another file's source with the same id
";

#[test]
fn counts_on_every_label() {
    let ws = common::workspace(FIXTURE);
    let out: String = ["entities.news", "more.news", "a.news", "b.news"]
        .iter()
        .map(|p| show(&ws, p))
        .collect();
    assert_snapshot!(out);
}

#[test]
fn each_count_is_what_find_references_lists() {
    let ws = common::workspace(FIXTURE);
    for (file, _) in ws.documents() {
        for lens in code_lens::lenses(&ws, file) {
            let found = navigation::references(&ws, file, lens.references_at, false);
            let n = found.len();
            let expected = match n {
                1 if lens.title.contains("mention") => "1 mention".to_string(),
                n if lens.title.contains("mention") => format!("{n} mentions"),
                0 => "not cited".to_string(),
                1 => "cited once".to_string(),
                n => format!("cited {n} times"),
            };
            assert_eq!(lens.title, expected, "{lens:?}");
        }
    }
}

#[test]
fn crlf_and_multibyte_text_keep_exact_ranges() {
    let ws = common::workspace(
        "//- a.news\r
Über 😀 [die Behörde](@ü-x).[^quelle]\r
\r
[@ü-x]: Invalid, no lens\r
\r
[^quelle]: „Quelle“ 😀\r
  by: @nobody\r
",
    );
    assert_snapshot!(show(&ws, "a.news"));
}
