//! Inlay hints after mentions and citations, the range filter, and the tooltips that resolve
//! them.

mod common;

use std::path::Path;

use insta::assert_snapshot;
use newsmark::features::inlay_hints::{self, Hint, HintOptions, NameHints};
use newsmark::syntax::TextRange;
use newsmark::workspace::{FileId, Workspace};

const REGISTRY: &str = "//- entities.news
[@blinken]: Antony Blinken
  kind: person
  role: U.S. Secretary of State

[@north-korea]: North Korea
  kind: place

[@Kyiv]: Kyiv
  kind: place

[@ssu]: Security Service of Ukraine
  kind: org

[@nameless]:
  kind: org
";

/// Each hint as a caret at its position with its label; positions are checked to be
/// character boundaries and the hints to come in order.
fn show(ws: &Workspace, file: FileId, hints: &[Hint]) -> String {
    let text = &ws.document(file).text;
    for (i, h) in hints.iter().enumerate() {
        assert!(text.is_char_boundary(h.position));
        assert!(h.padding_left);
        assert!(h.tooltip_markdown.is_none());
        if i > 0 {
            assert!(hints[i - 1].position <= h.position);
        }
    }
    let items: Vec<(TextRange, String)> = hints
        .iter()
        .map(|h| {
            (
                TextRange::new(h.position, h.position),
                format!("› {}", h.label),
            )
        })
        .collect();
    common::annotate_lines(ws, file, &items)
}

/// Every hint of `article.news` with `NameHints::All` (a name after every mention whose
/// text is not the name).
fn all_hints(fixture: &str) -> (Workspace, FileId, Vec<Hint>) {
    let options = HintOptions {
        entity_names: NameHints::All,
        ..HintOptions::default()
    };
    hints_as(fixture, &options)
}

fn hints_as(fixture: &str, options: &HintOptions) -> (Workspace, FileId, Vec<Hint>) {
    let ws = common::workspace(fixture);
    let file = ws.file_id(Path::new("article.news")).unwrap();
    let len = ws.document(file).text.len();
    let hints = inlay_hints::hints_with(&ws, file, TextRange::new(0, len), options);
    (ws, file, hints)
}

/// The default for writers: a name only where the text does not name the entity already,
/// once per entity and paragraph.
#[test]
fn by_default_names_only_where_the_text_does_not_name_the_entity() {
    let (ws, file, hints) = hints_as(
        &format!(
            "{REGISTRY}[@kursk-region]: Kursk Oblast
  kind: place
  aliases: Kursk region

[@afu]: Armed Forces of Ukraine
  kind: org
//- article.news
Fighting in the [Kursk region](@kursk-region) and near [Sudzha](@kursk-region), where @afu held [the line](@afu).
[Blinken](@blinken) and [the secretary](@blinken) met [José](@blinken) of @north-korea and [the north](@north-korea).

In a new paragraph [the secretary](@blinken) and @afu again; [Antony Blinken's](@blinken) visit.[^ssu]

[^ssu]: SSU communiqué
  by: @ssu
"
        ),
        &HintOptions::default(),
    );
    assert_snapshot!(show(&ws, file, &hints));
    // Off: no names, titles still; titles off: names only.
    let off = HintOptions {
        entity_names: NameHints::Off,
        ..HintOptions::default()
    };
    let fixture =
        format!("{REGISTRY}//- article.news\n[the man](@blinken) said so.[^s]\n\n[^s]: A source\n");
    let labels = |o: &HintOptions| -> Vec<String> {
        hints_as(&fixture, o)
            .2
            .into_iter()
            .map(|h| h.label)
            .collect()
    };
    assert_eq!(
        labels(&HintOptions::default()),
        ["Antony Blinken", "A source"]
    );
    assert_eq!(labels(&off), ["A source"]);
    let no_titles = HintOptions {
        source_titles: false,
        ..HintOptions::default()
    };
    assert_eq!(labels(&no_titles), ["Antony Blinken"]);
}

#[test]
fn names_after_mentions_and_titles_after_citations() {
    let (ws, file, hints) = all_hints(&format!(
        "{REGISTRY}//- article.news
@blinken met [the secretary](@blinken) and [Antony Blinken](@blinken) in @Kyiv.[^ssu]
[North Korea](@north-korea)'s army, [North Korea's](@north-korea) leader and [ North  korea ](@north-korea).
@nobody and @nameless said nothing.[^missing][^short][^untitled][^ssu]
He [counted]{{^ssu @blinken status=reported}} them.

[^ssu]: Security Service of Ukraine, communiqué on captured soldiers
  by: @ssu

[^short]: A short title

[^untitled]:
  by: @blinken
"
    ));
    assert_snapshot!(show(&ws, file, &hints));
}

#[test]
fn only_hints_in_the_range() {
    let (ws, file, hints) = all_hints(&format!(
        "{REGISTRY}//- article.news
@blinken one.
@blinken two.
@blinken three.
"
    ));
    assert_eq!(hints.len(), 3);
    let text = ws.document(file).text.clone();
    let second = text.find("two").unwrap();
    // A hint at the very end of the range counts.
    let range = TextRange::new(second - 1, second - 1);
    let all = HintOptions {
        entity_names: NameHints::All,
        ..HintOptions::default()
    };
    let some = inlay_hints::hints_with(&ws, file, range, &all);
    assert_eq!(some.len(), 1);
    assert_eq!(some[0].position, second - 1);
    let line_two = TextRange::new(text.find('\n').unwrap() + 1, second + 4);
    assert_eq!(
        inlay_hints::hints_with(&ws, file, line_two, &all),
        [hints[1].clone()]
    );
}

#[test]
fn crlf_and_multibyte_text_keep_exact_positions() {
    let (ws, file, hints) = all_hints(&format!(
        "{REGISTRY}//- article.news
„Zitat“ 😀 @blinken\r
und [der Minister ü](@blinken)😀.[^q]\r
\r
[^q]: Quelle „eins“ über den Krieg in der Ukraine 2025\r
"
    ));
    assert_snapshot!(show(&ws, file, &hints));
}

#[test]
fn tooltips_are_the_hover_cards() {
    let (ws, file, hints) = all_hints(&format!(
        "{REGISTRY}//- article.news
@blinken met [the SSU](@ssu).[^ssu]

[^ssu]: SSU communiqué
  by: @ssu
  date: 2025-01-11
"
    ));
    let mut out = String::new();
    for h in &hints {
        let tooltip = inlay_hints::hint_tooltip(&ws, file, h.position).expect("a tooltip");
        out.push_str(&format!("== {} ==\n{tooltip}\n\n", h.label));
    }
    assert_eq!(inlay_hints::hint_tooltip(&ws, file, 0), None);
    assert_snapshot!(out);
}
