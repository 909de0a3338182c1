//! Document links for `url:`, `archive:` and `wikidata:` fields.

mod common;

use std::path::Path;

use insta::assert_snapshot;
use newsmark::features::document_links;
use newsmark::syntax::TextRange;

fn show(fixture: &str, path: &str) -> String {
    let ws = common::workspace(fixture);
    let file = ws.file_id(Path::new(path)).unwrap();
    let items: Vec<(TextRange, String)> = document_links::links(&ws, file)
        .into_iter()
        .map(|l| (l.range, format!("→ {}", l.target)))
        .collect();
    common::annotate_lines(&ws, file, &items)
}

#[test]
fn urls_archives_and_wikidata_items() {
    assert_snapshot!(show(
        "//- a.news
---
url: https://not-linked.example/front-matter
---

Prose with https://example.org/prose is left to the editor.

[@seoul]: Seoul
  kind: place
  wikidata: Q8684
  url: https://www.seoul.go.kr/

[@blinken]: Antony Blinken
  wikidata: not an item
  url: www.state.gov
  archive: https://web.archive.org/web/2024/https://www.state.gov/

[^ssu]: SSU communiqué
  url:   https://ssu.gov.ua/en/news/1?a=b#top   
  archive: https://web.archive.org/web/2025/https://ssu.gov.ua/
  url: http://second-copy.example/
  date: 2025-01-11
  wikidata: Q42

[^odd]: Values that are not addresses
  url: ssu.gov.ua
  archive: https://
  url: https://two words.example/
  wikidata: Q
  wikidata: q42
  url:
",
        "a.news"
    ));
}

#[test]
fn crlf_and_multibyte_text_keep_exact_ranges() {
    assert_snapshot!(show(
        "//- a.news
[@kyiv]: Київ 😀\r
  wikidata: Q1899\r
  url: https://kyivcity.gov.ua/ü\r
",
        "a.news"
    ));
}
