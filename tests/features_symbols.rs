//! The document outline and workspace symbol search over small fixtures.

mod common;

use std::fmt::Write;

use insta::assert_snapshot;
use newsmark::features::symbols::{self, Symbol, SymbolKind, WORKSPACE_SYMBOL_LIMIT};
use newsmark::syntax::{Encoding, TextRange};
use newsmark::workspace::{FileId, Workspace};

fn position(ws: &Workspace, file: FileId, range: TextRange) -> String {
    let doc = ws.document(file);
    let at = |offset| {
        let p = doc.line_index.position(&doc.text, offset, Encoding::Utf32);
        format!("{}:{}", p.line + 1, p.col + 1)
    };
    format!("{}-{}", at(range.start), at(range.end))
}

/// The tree, one symbol a line: kind, name, detail, range and the text of the selection range.
/// Checks on the way that every selection lies inside its range and every child inside its
/// parent, in text order.
fn outline(ws: &Workspace, file: FileId, symbols: &[Symbol], depth: usize, out: &mut String) {
    let text = &ws.document(file).text;
    for (i, s) in symbols.iter().enumerate() {
        assert!(s.range.contains_range(s.selection_range), "{s:?}");
        assert!(!s.name.is_empty());
        if i > 0 {
            assert!(
                symbols[i - 1].range.end <= s.range.start,
                "overlap at {s:?}"
            );
        }
        for child in &s.children {
            assert!(
                s.range.contains_range(child.range),
                "{child:?} outside {s:?}"
            );
        }
        writeln!(
            out,
            "{}{:?} {:?}{} {} sel {:?}",
            "  ".repeat(depth),
            s.kind,
            s.name,
            s.detail
                .as_ref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default(),
            position(ws, file, s.range),
            &text[s.selection_range.start..s.selection_range.end],
        )
        .unwrap();
        outline(ws, file, &s.children, depth + 1, out);
    }
}

fn document_outline(fixture: &str, path: &str) -> String {
    let ws = common::workspace(fixture);
    let file = ws.file_id(path.as_ref()).unwrap();
    let mut out = String::new();
    outline(
        &ws,
        file,
        &symbols::document_symbols(&ws, file),
        0,
        &mut out,
    );
    out
}

#[test]
fn outline_nests_sections_and_places_definitions_and_claims() {
    assert_snapshot!(document_outline(
        "//- article.news
---
title: Two soldiers captured
date: 2025-01-12
status: draft
---

Lead paragraph with [a claim before any heading]{^ssu status=reported}.

# Two soldiers captured

The SSU reported it.[^ssu]

## The interrogation

He [claimed to be 20 years old, a figure the SSU could not check
on the spot]{^ssu ^gs status=unverified} and [nothing else]{@ssu}.

#### Skipped a level

Detail.

## Sources ##

[^ssu]: SSU communiqué
  by: @ssu
  url: https://ssu.gov.ua/
  date: 2025-01-11

[^gs]: General Staff report

[^-bad]: Invalid id, defines nothing

#

# Appendix

[@local]: Local entity
  kind: person

[@nameless]:


",
        "article.news"
    ));
}

#[test]
fn outline_without_front_matter_or_headings() {
    assert_snapshot!(
        document_outline(
            "//- entities.news
[@ssu]: Security Service of Ukraine
  kind: org
  aliases: SSU

[@gs]: General Staff
",
            "entities.news"
        ) + "---\n"
            + &document_outline(
                "//- no-title.news
---
date: 2025-01-12
---
Just [a claim]{} here.
",
                "no-title.news"
            )
    );
}

#[test]
fn outline_of_multibyte_and_crlf_text() {
    assert_snapshot!(document_outline(
        "//- a.news\r\n---\r\ntitle: 北京 😀 report\r\n---\r\n\r\n# 北京 😀\r\n\r\n😀 [北京市 claim]{^s}\r\n\r\n## Sub 🇨🇳\r\n\r\nText.\r\n\r\n\r\n# Next\r\n\r\n[^s]: 新华社\r\n  date: 2025\r\n",
        "a.news"
    ));
}

const WORKSPACE: &str = "//- entities.news
[@ssu]: Security Service of Ukraine
  kind: org
  aliases: SSU, SBU

[@sbu-archive]: SBU archive
  kind: org

[@gs]: General Staff
  kind: org

[@blinken]: Antony Blinken
  kind: person
  aliases: Blinken, Secretary Blinken
//- a.news
Text.[^ssu-2025][^gs]

[^ssu-2025]: SSU communiqué
  by: @ssu
  date: 2025-01-11

[^gs]: General Staff daily report
  date: 2025-01-12
//- b.news
Text.[^ssu-2025]

[^ssu-2025]: Another SSU communiqué with the same id
";

fn search(ws: &Workspace, query: &str) -> String {
    let mut out = format!("== {query:?} ==\n");
    for (file, s) in symbols::workspace_symbols(ws, query) {
        assert!(s.range.contains_range(s.selection_range));
        assert!(s.children.is_empty());
        assert!(matches!(s.kind, SymbolKind::Entity | SymbolKind::Source));
        writeln!(
            out,
            "{} {:?} {:?}{}",
            ws.document(file).path.display(),
            s.kind,
            s.name,
            s.detail.map(|d| format!(" ({d})")).unwrap_or_default()
        )
        .unwrap();
    }
    out
}

#[test]
fn workspace_symbols_rank_exact_prefix_substring_subsequence() {
    let ws = common::workspace(WORKSPACE);
    let out: String = ["ssu", "SBU", "serv", "gs", "blnkn", "secretary", "zzz", ""]
        .iter()
        .map(|q| search(&ws, q))
        .collect();
    assert_snapshot!(out);
}

#[test]
fn workspace_symbols_are_capped() {
    let mut fixture = String::from("//- entities.news\n");
    for i in 0..1000 {
        writeln!(fixture, "[@e{i:03}]: Entity {i}\n  kind: other\n").unwrap();
    }
    let ws = common::workspace(&fixture);
    let all = symbols::workspace_symbols(&ws, "");
    assert_eq!(all.len(), WORKSPACE_SYMBOL_LIMIT);
    // The cap keeps the best ones: the hundred prefix matches of `e4` (e400 to e499) come
    // before the many subsequence matches (e004, e014, …).
    let found = symbols::workspace_symbols(&ws, "e4");
    assert_eq!(found.len(), WORKSPACE_SYMBOL_LIMIT);
    let names: Vec<&str> = found.iter().map(|(_, s)| s.name.as_str()).collect();
    assert_eq!(names[0], "@e400 Entity 400");
    assert!(names[..100].iter().all(|n| n.starts_with("@e4")));
    assert!(names[100..].iter().all(|n| !n.starts_with("@e4")));
}
