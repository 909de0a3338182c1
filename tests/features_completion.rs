//! Completion in every context, over small multi-file fixtures. `$0` marks each cursor; every
//! snapshot shows, per cursor, the text the items replace and each item on one line.

mod common;

use std::fmt::Write;

use insta::assert_snapshot;
use newsmark::features::completion::{CompletionList, MAX_ITEMS, complete};
use newsmark::features::hover::hover;
use newsmark::workspace::{FileId, Workspace};

const REGISTRY: &str = "//- entities.news
[@blinken]: Antony Blinken
  kind: person
  role: U.S. Secretary of State
  aliases: Blinken, Secretary Blinken

[@blix]: Hans Blix
  kind: person

[@cheong-wa-dae]: Blue House
  kind: place
  aliases: Cheong Wa Dae

[@tblair]: Tony Blair
  kind: person

[@belarus]: Belarus
  kind: place

[@ssu]: Security Service of Ukraine
  kind: org
  aliases: SSU, SBU
";

fn with_registry(article: &str) -> String {
    format!("{REGISTRY}//- article.news\n{article}")
}

/// One line per item: label, kind, detail, then what it does (`replaced text` → new text),
/// its filter text and sort text.
fn render(ws: &Workspace, file: FileId, list: Option<CompletionList>) -> String {
    let Some(list) = list else {
        return "(no completion)\n".to_string();
    };
    let text = &ws.document(file).text;
    let mut out = String::new();
    if list.is_incomplete {
        out.push_str("(incomplete)\n");
    }
    if list.items.is_empty() {
        out.push_str("(no items)\n");
    }
    for item in &list.items {
        write!(out, "{} [{:?}]", item.label, item.kind).unwrap();
        if let Some(detail) = &item.detail {
            write!(out, " {detail}").unwrap();
        }
        write!(
            out,
            " | `{}` → `{}` | sort {}",
            &text[item.replace.start..item.replace.end],
            item.new_text,
            item.sort_text
        )
        .unwrap();
        if let Some(filter) = &item.filter_text {
            write!(out, " | filter {filter}").unwrap();
        }
        if let Some(insert) = &item.insert_text {
            write!(out, " | insert {insert}").unwrap();
        }
        for (range, new_text) in &item.additional_edits {
            write!(
                out,
                " | also `{}` → `{new_text}`",
                &text[range.start..range.end]
            )
            .unwrap();
        }
        out.push('\n');
    }
    out
}

/// The completion at every cursor, each under the line it is on (cursor shown as `|`).
fn completions(fixture: &str) -> String {
    let (ws, cursors) = common::cursors(fixture);
    let mut out = String::new();
    for (file, offset) in cursors {
        let doc = ws.document(file);
        let line = doc
            .line_index
            .line_range(&doc.text, doc.line_index.line_of(offset));
        writeln!(
            out,
            "{}| {}|{}",
            doc.path.display(),
            &doc.text[line.start..offset],
            &doc.text[offset..line.end]
        )
        .unwrap();
        let list = complete(&ws, file, offset);
        for item in list.iter().flat_map(|l| &l.items) {
            assert!(
                item.replace.start <= offset && offset <= item.replace.end,
                "the replaced range holds the cursor"
            );
        }
        out.push_str(&render(&ws, file, list));
        out.push('\n');
    }
    out
}

#[test]
fn entities_after_at_ranked_by_id_name_word_and_subsequence() {
    assert_snapshot!(completions(&with_registry("Then @Bl$0 spoke.\n")));
}

#[test]
fn entities_match_by_name_and_replace_the_whole_id() {
    assert_snapshot!(completions(&with_registry(
        "Then @Blin$0 spoke. Also @Secr$0 and @bli$0x, and @ssu-$0.\n"
    )));
}

#[test]
fn a_name_shared_by_two_entities_offers_both() {
    assert_snapshot!(completions(
        "//- entities.news
[@kursk-region]: Kursk Oblast
  kind: place
  aliases: Kursk

[@kursk-city]: Kursk
  kind: place

[@north-korea]: North Korea
  kind: place
//- article.news
Fighting near [Kursk](@Kursk$0) and in @kor$0.
"
    ));
}

#[test]
fn entities_in_link_destinations_and_after_openers() {
    assert_snapshot!(completions(&with_registry(
        "[the secretary](@bl$0 and [the minister]( @blinke$0) and (@ss$0) and “@ss$0 and —@ss$0
* @ss$0 in a list
# @ss$0 in a heading
"
    )));
}

#[test]
fn multibyte_text_before_the_cursor() {
    assert_snapshot!(completions(&with_registry(
        "Über 😀 “né” — @blin$0 and\r\nœ @S$0\n"
    )));
}

#[test]
fn no_entity_completion_where_at_is_not_a_mention() {
    assert_snapshot!(completions(&with_registry(
        "---
title: @bl$0
---

Mail press@$0 or press@ex$0ample.org, not \\@bl$0 or `code @bl$0` or <!-- @bl$0 -->.
See https://example.org/@bl$0 and [site](https://x.org/@bl$0).

> quoted >@bl$0

```
@bl$0 in a fence
```

Plain words$0 here.
"
    )));
}

#[test]
fn the_item_documentation_is_the_hover_card() {
    let (ws, cursors) = common::cursors(&with_registry("@blinken and @blin$0\n"));
    let (file, offset) = cursors[0];
    let list = complete(&ws, file, offset).expect("a completion");
    let item = &list.items[0];
    assert_eq!(item.label, "blinken");
    let card = hover(&ws, file, 1).expect("a hover on @blinken").markdown;
    assert_eq!(item.documentation.as_deref(), Some(card.as_str()));
}

#[test]
fn a_long_list_is_cut_and_marked_incomplete() {
    let entities = |n: usize| -> String {
        let mut fixture = "//- entities.news\n".to_string();
        for i in 0..n {
            writeln!(fixture, "[@e{i:05}]: Entity {i}\n  kind: other\n").unwrap();
        }
        fixture + "//- article.news\nSee @$0 and @e0000$0.\n"
    };
    let (ws, cursors) = common::cursors(&entities(MAX_ITEMS + 50));
    let all = complete(&ws, cursors[0].0, cursors[0].1).expect("a completion");
    assert!(all.is_incomplete);
    assert_eq!(all.items.len(), MAX_ITEMS);
    // Cut after sorting: the first ids are kept, in order.
    assert_eq!(all.items[0].label, "e00000");
    assert_eq!(
        all.items[MAX_ITEMS - 1].label,
        format!("e{:05}", MAX_ITEMS - 1)
    );
    let narrow = complete(&ws, cursors[1].0, cursors[1].1).expect("a completion");
    // Not cut, but some items match as subsequences only, which a client narrowing the
    // list by prefix cannot reproduce: it asks again as the user types.
    assert!(narrow.is_incomplete);
    assert!(narrow.items.len() < MAX_ITEMS);
    // The ten ids the query is a prefix of first, then ids like `e00100` that hold it only as
    // a subsequence.
    let prefix: Vec<&str> = narrow.items[..10]
        .iter()
        .map(|i| i.label.as_str())
        .collect();
    assert!(prefix.iter().all(|l| l.starts_with("e0000")), "{prefix:?}");
    assert!(
        narrow.items[10..]
            .iter()
            .all(|i| i.sort_text.starts_with("4:"))
    );

    let (ws, cursors) = common::cursors(&entities(MAX_ITEMS));
    let exact = complete(&ws, cursors[0].0, cursors[0].1).expect("a completion");
    // Nothing cut; still incomplete, as every list after a bare `@` is: the next character
    // typed may start a name, which the client cannot match against the ids it holds.
    assert!(exact.is_incomplete);
    assert_eq!(exact.items.len(), MAX_ITEMS);
}

const SOURCES: &str = "//- other.news
Elsewhere.[^elsewhere]

[^elsewhere]: A source of another file
//- article.news
Cited.[^$0 Again.[^ss$0] Then.[^gene$0 Not: \\[^s$0 or `[^s$0`.

[^ssu]: Security Service of Ukraine, communiqué
  url: https://ssu.gov.ua/
  date: 2025-01-11

[^general-staff]: General Staff daily report
  url: https://example.org/gs
  date: 2025-01-11

[^ssu]: A second copy, not offered twice
";

#[test]
fn sources_after_caret_bracket() {
    assert_snapshot!(completions(SOURCES));
}

#[test]
fn claim_span_attributes() {
    assert_snapshot!(completions(&with_registry(
        "[Blinken](@blinken) met @ssu. He [said so]{$0} and [more]{^$0} and [again]{^ss$0u @bl$0}.
[It was]{st$0} and [it was]{status=$0} and [it was]{status=un$0} and [x]{status=\"re$0\"}.
[x]{note=$0} and [y]{note=\"a b$0\"} and [z]{=$0} and [w]{^ss u$0}.
[Present]{^ssu status=reported @blinken $0}.

Unclosed, [typed]{^ssu @$0

Unclosed, [half]{status=reported ^g$0

Not a span: [x] {^$0 and \\]{^$0 and `[x]{^$0`

A stray array[0]{ further up
does not hide a citation.[^gen$0

[^ssu]: SSU communiqué
  url: https://example.org/ssu
  date: 2025-01-11

[^general-staff]: General Staff daily report
  url: https://example.org/gs
  date: 2025-01-11
"
    )));
}

#[test]
fn typed_names_head_the_filter_text_in_the_case_typed() {
    // What Neovim and eglot match a typed prefix against, case-sensitively: the filter text
    // (and eglot the insert text) starts with exactly what was typed.
    assert_snapshot!(completions(&with_registry(
        "@Ant$0 @Antony$0 @Secretary$0 @SBU$0 @Bel$0 @Wa$0 @Bl$0\n"
    )));
}

#[test]
fn a_new_definition_label_offers_the_ids_mentioned_but_undefined() {
    assert_snapshot!(completions(&with_registry(
        "@ghost met @ghost and @kim and @blinken.

[@$0

[@gh$0
"
    )));
}

#[test]
fn a_value_typed_right_after_the_colon_gets_its_space() {
    assert_snapshot!(completions(
        "//- article.news
Cited.[^a]

[^a]: A source
  kind:$0
  url: https://example.org/a
"
    ));
}

#[test]
fn definition_fields_and_values() {
    assert_snapshot!(completions(
        "//- newsmark.toml
[sources]
required = [\"url\", \"date\", \"editor\"]
//- entities.news
[@blinken]: Antony Blinken
  kind: person
  ro$0
  ali$0ases: Blinken

[@kyiv]: Kyiv
  kind: $0
  aliases: Kyiv City
  $0
//- article.news
Cited.[^a]

[^a]: A source$0
  kind: off$0
  by: @bl$0
  url: https://example.org/a
  $0

[^b]: Another source
  by: $0
  x
"
    ));
}
