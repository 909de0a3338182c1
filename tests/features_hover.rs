//! Hover over entities, sources, numbers, quotations and claim spans, over small multi-file
//! fixtures. `$0` marks each cursor; every snapshot shows what the hover covers (carets) and
//! the Markdown it shows.

mod common;

use std::path::Path;

use insta::assert_snapshot;
use newsmark::config::Config;
use newsmark::features::hover::hover;
use newsmark::prose::numbers;
use newsmark::rules::{self, Rule};
use newsmark::syntax::TextRange;
use newsmark::workspace::{Document, Workspace};

const REGISTRY: &str = "//- entities.news
[@blinken]: Antony Blinken
  kind: person
  role: U.S. Secretary of State (2021-2025)
  description: American diplomat; *not* to be confused with <others>
  aliases: Blinken, Secretary Blinken
  wikidata: Q1384500
  url: https://www.state.gov/
  born: 1962
  born: 1963

[@ssu]: Security Service of Ukraine
  kind: org
  aliases: SSU
";

/// The hover at every cursor of the fixture.
fn hovers(fixture: &str) -> String {
    let (ws, cursors) = common::cursors(fixture);
    let mut out = String::new();
    for (file, offset) in cursors {
        match hover(&ws, file, offset) {
            Some(h) => {
                out.push_str(&common::nav_excerpt(&ws, file, h.range, ""));
                out.push_str(&h.markdown);
                out.push_str("\n\n");
            }
            None => out.push_str("(no hover)\n\n"),
        }
    }
    out
}

/// Like `hovers`, with only the first line of each card: for checking what is found.
fn hover_headings(fixture: &str) -> String {
    let (ws, cursors) = common::cursors(fixture);
    let mut out = String::new();
    for (file, offset) in cursors {
        match hover(&ws, file, offset) {
            Some(h) => {
                out.push_str(&common::nav_excerpt(&ws, file, h.range, ""));
                out.push_str(h.markdown.lines().next().unwrap_or(""));
                out.push_str("\n\n");
            }
            None => out.push_str("(no hover)\n\n"),
        }
    }
    out
}

fn with_registry(article: &str) -> String {
    format!("{REGISTRY}//- article.news\n{article}")
}

#[test]
fn entity_card() {
    assert_snapshot!(hovers(&with_registry(
        "@blin$0ken said so, and [the secretary](@blinken) agreed.\n"
    )));
}

#[test]
fn every_kind_of_entity_reference_has_the_card() {
    assert_snapshot!(hover_headings(
        &(with_registry(
            "$0@blinken spoke. [The sec$0retary](@blinken) agreed.
Se$0cretary Blinken and Blinken$0 left. [He went]{@blin$0ken status=reported}.[^a]

[^a]: State Department briefing
  by: @bli$0nken
  url: https://example.org/a
  date: 2025-01-11
"
        ) + "//- more.news\n[@bl$0ix]: Hans Blix\n")
    ));
}

#[test]
fn a_minimal_entity_and_one_defined_twice() {
    assert_snapshot!(hovers(
        "//- a.news
[@kyiv]: Kyiv
  kind: place

[@ssu]: SSU

[@nameless]:
  kind: org
//- b.news
[@ssu]: Security Service
  kind: org
//- article.news
In @ky$0iv, @s$0su and @name$0less spoke.
"
    ));
}

#[test]
fn a_name_shared_by_two_entities_shows_both_cards() {
    assert_snapshot!(hovers(
        "//- entities.news
[@kursk-region]: Kursk Oblast
  kind: place
  aliases: Kursk

[@kursk-city]: Kursk
  kind: place
//- article.news
Fighting near Ku$0rsk continued.
"
    ));
}

#[test]
fn undefined_entity() {
    assert_snapshot!(hovers(&with_registry(
        "@yo$0on met @yoon.

[^x]: A source
  by: @gh$0ost
"
    )));
}

const ARTICLE_WITH_SOURCES: &str = "//- article.news
The SSU reported the capture.[^s$0su][^ssu] Two were taken.
He [claimed to be 20]{^ss$0u status=unverified}. Nothing else.
The [second one]{^ssu} was older.[^ssu]

[^ss$0u]: Security Service of Ukraine, communiqué on *captured* soldiers
  by: @ssu
  date: 2025-01-11
  kind: official
  url: https://ssu.gov.ua/
  accessed: 2025-01-12
  archive: https://web.archive.org/web/2025/https://ssu.gov.ua/
  translator: Olena
";

#[test]
fn source_card_from_citation_span_and_definition() {
    assert_snapshot!(hovers(&format!("{REGISTRY}{ARTICLE_WITH_SOURCES}")));
}

#[test]
fn source_card_edge_cases() {
    assert_snapshot!(hovers(
        "//- newsmark.toml
[sources]
required = [\"url\", \"date\", \"editor\"]
//- article.news
Cited.[^nop$0e] Also.[^du$0p] By.[^b$0y]

[^dup]: First copy
  url: https://example.org/1

[^dup]: Second copy

[^by]: A source whose author is unknown
  by: @nobody
  url: not a web address
//- other.news
Elsewhere.[^nope]

[^nope]: Defined only in another file
"
    ));
}

const NUMBERS: &str = "//- article.news
# Hea$0dline with 13$0 dead

The unit lost 13$0 soldiers.[^gs][^nope][^gs]

He was [20 years$0 old]{^gs status=unverified}, and 40$0 more fled.

@blinken said that 1,00$00 soldiers were killed.

[A thousand$0 soldiers]{@blinken} were killed.

Since 2021$0 the 17$0th Brigade has lost 26-year-old$0 recruits.

They said \"we lost 500$0 men there\" and left.

Another 3.5%$0 were wounded.

[^gs]: General Staff daily report
  url: https://example.org/gs
  date: 2025-01-11
";

#[test]
fn number_attribution() {
    assert_snapshot!(hovers(NUMBERS));
}

#[test]
fn number_exemptions_and_cues_follow_the_configuration() {
    assert_snapshot!(hovers(
        "//- newsmark.toml
[numbers]
exempt-years = false
exempt-ages = true
[attribution]
extra-cues = [\"testified\"]
//- article.news
Since 2021$0 a 26-year-old$0 has led them.

Officials testified that 40$0 were missing.
"
    ));
}

#[test]
fn nothing_to_hover() {
    assert_snapshot!(hovers(&with_registry(
        "Pla$0in text, `@blinken$0 in code`, <!-- @blinken$0 -->, https://x.org/@blin$0ken.

```
@blinken$0 13$0
```
"
    )));
}

#[test]
fn multibyte_text_before_the_cursor() {
    assert_snapshot!(hovers(&with_registry(
        "Über 😀 “@blin$0ken” — Blinke$0n said “né” 1,00$00 times.\r\nŒ 12$0.\n"
    )));
}

/// What the hover calls each number of each file must agree with what the rules report:
/// "not attributed" exactly where `unattributed-number` fires on it (or, for a number inside
/// a long quotation, `unattributed-quote` on that quotation), and "attributed …" only in a
/// block where `missing-source` fires, or `vague-attribution`, which stands in for it where
/// the attribution names no one in particular.
fn assert_hovers_agree_with_the_rules(ws: &Workspace) {
    let mut numbers_seen = 0;
    for (file, doc) in ws.documents() {
        let found = rules::check(ws, file);
        let fired = |rule: Rule, inside: TextRange| {
            found
                .iter()
                .any(|d| d.rule == rule && inside.contains_range(d.range))
        };
        for block in &doc.syntax.blocks {
            for number in numbers::find(doc.prose_mask(), block.range) {
                let place = format!("{}:{}", doc.path.display(), number.range.start);
                let h = hover(ws, file, number.range.start).expect("every number has a hover");
                assert_eq!(h.range, number.range, "{place}");
                let status = h.markdown.lines().next().unwrap_or_default();
                let unattributed = if h.markdown.contains("stands in a quotation") {
                    found.iter().any(|d| {
                        d.rule == rules::unattributed_quote::RULE
                            && d.range.contains_range(number.range)
                    })
                } else {
                    found.iter().any(|d| {
                        d.rule == rules::unattributed_number::RULE && d.range == number.range
                    })
                };
                assert_eq!(
                    status.ends_with("· not attributed"),
                    unattributed,
                    "{place}: {status}"
                );
                if status.contains("· attributed") {
                    assert!(
                        fired(rules::missing_source::RULE, block.range)
                            || fired(rules::vague_attribution::RULE, block.range),
                        "{place}: {status}"
                    );
                }
                numbers_seen += 1;
            }
        }
    }
    assert!(numbers_seen > 5, "only {numbers_seen} numbers checked");
}

#[test]
fn number_hovers_agree_with_the_rules() {
    assert_hovers_agree_with_the_rules(&common::workspace(&NUMBERS.replace("$0", "")));
}

#[test]
fn number_hovers_agree_with_the_rules_on_the_shipped_example() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kursk");
    let mut ws = Workspace::new(dir.clone(), Config::default());
    for name in ["entities.news", "kursk-pows.news"] {
        let text = std::fs::read_to_string(dir.join(name)).expect("the example is readable");
        ws.set_document(Document::new(dir.join(name), text));
    }
    assert_hovers_agree_with_the_rules(&ws);
}

/// A claim span says who is on record for it and with which sources; a quotation of speech
/// how the rules judge it (the speaker's cue, the citation, or nobody).
#[test]
fn claim_spans_and_quotations_say_who_is_on_record() {
    assert_snapshot!(hovers(&with_registry(
        "He [confirmed$0 the capture]{@blinken ^ssu status=confirmed} and [they$0 left]{@ghost}.
A [rumour$0]{status=unverified} spread.
\"We will not$0 give up the fight now,\" Blinken said.[^ssu]
Another voice: \"nobody will ever$0 know the truth of it.\"

[^ssu]: SSU communiqué
  url: https://example.org
  date: 2025-01-11
"
    )));
}

/// "Defined in" is a link to the file and line, for a workspace on disk.
#[test]
fn where_an_entity_is_defined_is_a_link() {
    let mut ws = Workspace::new("/news desk".into(), Config::default());
    ws.set_document(Document::new(
        "/news desk/entities.news".into(),
        "[@ssu]: Security Service of Ukraine\n  kind: org\n".to_string(),
    ));
    let file = ws.set_document(Document::new(
        "/news desk/a.news".into(),
        "@ssu spoke.\n".to_string(),
    ));
    let card = hover(&ws, file, 2).expect("a hover").markdown;
    assert!(
        card.contains("Defined in [`entities.news:1`](file:///news%20desk/entities.news#L1)"),
        "{card}"
    );
}
