//! Go to definition, find references and highlights over small multi-file fixtures. `$0` marks
//! the cursor.

mod common;

use common::{nav_cursor, nav_excerpt, nav_locations};
use insta::assert_snapshot;
use newsmark::features::navigation::{self, HighlightKind, Location};
use newsmark::syntax::TextRange;
use newsmark::workspace::{FileId, Workspace};

const REGISTRY: &str = "//- entities.news
[@ssu]: Security Service of Ukraine
  kind: org
  aliases: SSU

[@sbu]: Security Service
  kind: org
  aliases: SBU, the Service

[@gs]: General Staff
  kind: org
  aliases: the Service
";

const ARTICLE: &str = "//- article.news
---
title: Two soldiers captured
---

# Two soldiers captured

The [Security Service of Ukraine](@ssu) reported the capture.[^ssu]
@ssu said he [claimed to be 20]{^ssu @ssu status=unverified}. The SSU confirmed it.[^gs]

[^ssu]: SSU communiqué
  by: @ssu
  url: https://ssu.gov.ua/
  date: 2025-01-11

[^gs]: General Staff report
  by: @gs
//- other.news
@ssu met @gs.[^ssu]

[^ssu]: An unrelated source that shares the id
";

/// The registry and the article, with `$0` put before the `nth` (0-based) occurrence of
/// `needle` among all their files.
fn at(needle: &str, nth: usize) -> (Workspace, FileId, usize) {
    let fixture = format!("{REGISTRY}{ARTICLE}");
    let start = fixture
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("no occurrence {nth} of {needle:?}"))
        .0;
    nav_cursor(&format!("{}$0{}", &fixture[..start], &fixture[start..]))
}

fn cursor(ws: &Workspace, file: FileId, offset: usize) -> String {
    nav_excerpt(ws, file, TextRange::new(offset, offset), "cursor")
}

fn locations(ws: &Workspace, found: &[Location]) -> String {
    nav_locations(ws, found.iter().map(|l| (l.file, l.range, "")))
}

fn definition(needle: &str, nth: usize) -> String {
    let (ws, file, offset) = at(needle, nth);
    let found = navigation::definition(&ws, file, offset);
    format!("{}{}", cursor(&ws, file, offset), locations(&ws, &found))
}

fn references(needle: &str, nth: usize) -> String {
    let (ws, file, offset) = at(needle, nth);
    let with = navigation::references(&ws, file, offset, true);
    let without = navigation::references(&ws, file, offset, false);
    // Without the declaration is the same list minus the definition labels.
    let labels: Vec<&Location> = with.iter().filter(|l| !without.contains(l)).collect();
    assert!(without.iter().all(|l| with.contains(l)));
    format!(
        "{}-- with declaration --\n{}-- declarations only in the first list --\n{}",
        cursor(&ws, file, offset),
        locations(&ws, &with),
        locations(&ws, &labels.into_iter().copied().collect::<Vec<_>>())
    )
}

fn highlights(ws: &Workspace, file: FileId, offset: usize) -> String {
    let found = navigation::highlights(ws, file, offset);
    let notes: Vec<(FileId, TextRange, &str)> = found
        .iter()
        .map(|&(range, kind)| {
            let note = match kind {
                HighlightKind::Read => "read",
                HighlightKind::Write => "write",
            };
            (file, range, note)
        })
        .collect();
    format!("{}{}", cursor(ws, file, offset), nav_locations(ws, notes))
}

#[test]
fn definition_from_every_kind_of_mention() {
    let cases = [
        ("bare mention", "@ssu said", 0),
        ("link display text", "Service of Ukraine](", 0),
        ("link target", "@ssu)", 0),
        ("claim-span speaker", "@ssu status", 0),
        ("by: value, end of the id", "su\n  url", 0),
        ("plain-text alias", "SSU confirmed", 0),
        ("definition label", "[@", 0),
    ];
    let out: String = cases
        .iter()
        .map(|&(what, needle, nth)| format!("== {what} ==\n{}", definition(needle, nth)))
        .collect();
    assert_snapshot!(out);
}

#[test]
fn definition_of_sources_stays_in_the_file() {
    let out = [
        ("citation", "[^ssu]", 0),
        ("span attribute", "^ssu @ssu", 0),
        ("source definition label", "[^ssu]:", 0),
        ("citation of the other file", "[^ssu]", 2),
    ]
    .iter()
    .map(|&(what, needle, nth)| format!("== {what} ==\n{}", definition(needle, nth)))
    .collect::<String>();
    assert_snapshot!(out);
}

#[test]
fn definition_of_nothing_or_of_an_undefined_id_is_empty() {
    let (ws, file, offset) = nav_cursor(
        "//- a.news
Plain $0text and @nobody.[^none]
",
    );
    assert!(navigation::definition(&ws, file, offset).is_empty());
    let text = &ws.document(file).text;
    for needle in ["@nobody", "[^none]"] {
        let offset = text.find(needle).unwrap() + 1;
        assert!(navigation::definition(&ws, file, offset).is_empty());
        // An undefined id still has its uses.
        assert_eq!(navigation::references(&ws, file, offset, true).len(), 1);
    }
}

#[test]
fn an_ambiguous_name_leads_to_each_entity() {
    let (ws, file, offset) = nav_cursor(&format!(
        "{REGISTRY}//- a.news\nThen the Ser$0vice, @sbu and @gs met.\n"
    ));
    let found = navigation::definition(&ws, file, offset);
    let refs = navigation::references(&ws, file, offset, false);
    assert_snapshot!(format!(
        "{}-- definitions --\n{}-- references --\n{}",
        cursor(&ws, file, offset),
        locations(&ws, &found),
        locations(&ws, &refs)
    ));
}

#[test]
fn references_of_an_entity_cover_the_workspace() {
    assert_snapshot!(format!(
        "== from a mention ==\n{}== from a plain-text name ==\n{}== from the definition ==\n{}",
        references("@ssu said", 0),
        references("SSU confirmed", 0),
        references("[@ssu]", 0),
    ));
}

#[test]
fn references_of_a_source_stay_in_the_file() {
    assert_snapshot!(format!(
        "== from a citation ==\n{}== from the definition ==\n{}",
        references("[^ssu]", 0),
        references("[^ssu]", 1),
    ));
}

#[test]
fn highlights_within_the_file() {
    let (ws, file, offset) = at("@ssu said", 0);
    let entity = highlights(&ws, file, offset);
    let (ws, file, offset) = at("^ssu @ssu", 0);
    let source = highlights(&ws, file, offset);
    assert_snapshot!(format!("== entity ==\n{entity}== source ==\n{source}"));
}

#[test]
fn multibyte_text_keeps_exact_ranges() {
    let (ws, file, offset) = nav_cursor(
        "//- entities.news
[@beijing]: 北京
  kind: place
//- a.news
😀 北京 — “@bei$0jing” and [北京市](@beijing) 🇨🇳 again.[^s]

[^s]: 新华社 report
",
    );
    let refs = navigation::references(&ws, file, offset, true);
    let text = &ws.document(file).text;
    let citation = text.find("[^s]").unwrap() + 1;
    let plain_name = text.find("京").unwrap();
    let defs = navigation::definition(&ws, file, plain_name);
    assert_snapshot!(format!(
        "{}{}-- highlights of [^s] --\n{}-- definition from the plain name --\n{}{}",
        cursor(&ws, file, offset),
        locations(&ws, &refs),
        highlights(&ws, file, citation),
        cursor(&ws, file, plain_name),
        locations(&ws, &defs),
    ));
}

#[test]
fn crlf_text_keeps_exact_ranges() {
    let (ws, file, offset) = nav_cursor(
        "//- entities.news\r\n[@ssu]: Security Service\r\n  kind: org\r\n//- a.news\r\nFirst line.\r\n\r\nThe @s$0su said so.[^s]\r\n\r\n[^s]: Title\r\n  by: @ssu\r\n",
    );
    let text = &ws.document(file).text;
    assert!(text.contains("\r\n"));
    let refs = navigation::references(&ws, file, offset, true);
    for l in &refs {
        let doc = ws.document(l.file);
        assert!(!doc.text[l.range.start..l.range.end].contains('\r'));
    }
    let defs = navigation::definition(&ws, file, text.find("[^s]").unwrap());
    assert_snapshot!(format!(
        "{}{}-- definition of [^s] --\n{}",
        cursor(&ws, file, offset),
        locations(&ws, &refs),
        locations(&ws, &defs)
    ));
}
