//! Every rule, firing and staying quiet, over small multi-file fixtures.

mod common;

use common::check;
use insta::assert_snapshot;

const REGISTRY: &str = "//- entities.news
[@ssu]: Security Service of Ukraine
  kind: org
  aliases: SSU

[@blinken]: Antony Blinken
  kind: person
  role: U.S. Secretary of State
  aliases: Blinken, Secretary Blinken
";

fn with_registry(article: &str) -> String {
    check(&format!("{REGISTRY}//- article.news\n{article}"))
}

#[test]
fn unattributed_number() {
    assert_snapshot!(with_registry(
        "The unit lost 13 soldiers near the border.

A 26-year-old sniper was captured.

More than 10,000 troops are there.[^gs] Another 3.5% were wounded, [dozens]{^gs} more missing.

On 9 January 2025 at 10:30 the 17th Brigade moved, as it has since 2021.

One of the two soldiers was second in line; an F-16 flew twice.

[^gs]: General Staff of the Armed Forces of Ukraine, daily report
  url: https://example.org/gs
  date: 2025-01-11
"
    ));
}

#[test]
fn number_exemptions_are_configurable() {
    assert_snapshot!(check(
        "//- newsmark.toml
[numbers]
exempt-years = false
exempt-ages = true
exempt-ordinals = false
//- article.news
Since 2021 a 26-year-old has led the 17th Brigade on Tuesday.
"
    ));
}

#[test]
fn unattributed_quote() {
    assert_snapshot!(with_registry(
        "The prisoners do not speak Russian, \"so communication is carried out through interpreters.\"

A so-called “special operation” began.

“We will fight. We will win,” @blinken said.

“It is noteworthy that the prisoner emphasises it,” informs the SSU.[^ssu]

[^ssu]: SSU communiqué
  url: https://example.org/ssu
  date: 2025-01-11
"
    ));
}

#[test]
fn missing_source() {
    assert_snapshot!(with_registry(
        "The General Staff in Kyiv reported on Tuesday that 13 soldiers were eliminated.

According to Western sources, more than 10,000 soldiers are there.

Officials said the talks went well.

@blinken confirmed that [a thousand soldiers]{@blinken} were killed.

The SSU said the soldier was [20 years old]{^ssu status=unverified}.

[^ssu]: SSU communiqué
  url: https://example.org/ssu
  date: 2025-01-11
"
    ));
}

#[test]
fn claim_spans_cover_only_themselves() {
    assert_snapshot!(with_registry(
        "[Two soldiers were captured]{^ssu status=confirmed} and 40 more fled.

[^ssu]: SSU communiqué
  url: https://example.org/ssu
  date: 2025-01-11
"
    ));
}

#[test]
fn undefined_source() {
    assert_snapshot!(with_registry(
        "Five were taken.[^nope] [Ten]{^missing ^ssu} more fled.[^ssu]

[^ssu]: SSU communiqué
  url: https://example.org/ssu
  date: 2025-01-11
"
    ));
}

#[test]
fn sources_are_local_to_their_file() {
    assert_snapshot!(check(
        "//- a.news
Five were taken.[^ssu]

[^ssu]: SSU communiqué
  url: https://example.org/ssu
  date: 2025-01-11
//- b.news
Six were taken.[^ssu]
"
    ));
}

#[test]
fn undefined_entity() {
    assert_snapshot!(with_registry(
        "@blinken met @yoon and [the minister](@cho) in Seoul; mail press@example.org, not \\@ssu.

[Nothing]{@nobody status=reported} happened.

[^x]: A source with an unknown author
  by: @ghost
  url: https://example.org/x
  date: 2025-01
"
    ));
}

#[test]
fn duplicate_definition() {
    assert_snapshot!(check(
        "//- entities.news
[@ssu]: Security Service of Ukraine
  kind: org
//- more.news
[@ssu]: SBU
  kind: org
//- article.news
@ssu said so.[^a]

[^a]: First
  url: https://example.org/1
  date: 2025-01-01

[^a]: Second
  url: https://example.org/2
  date: 2025-01-02
"
    ));
}

#[test]
fn unused_and_incomplete_source() {
    assert_snapshot!(check(
        "//- article.news
Nothing cited here but [a claim]{^used}.

[^used]: Used, complete
  url: https://example.org/u
  date: 2025-01-01

[^unused]: Never cited, no date
  url: https://example.org/n

[^bare]: Neither url nor date
  kind: anonymous
"
    ));
}

#[test]
fn required_source_fields_are_configurable() {
    assert_snapshot!(check(
        "//- newsmark.toml
[sources]
required = [\"by\"]
//- article.news
Cited.[^a]

[^a]: Has url and date but no author
  url: https://example.org/a
  date: 2025-01-01
"
    ));
}

#[test]
fn unlinked_mention() {
    assert_snapshot!(with_registry(
        "# Blinken in Seoul

Antony Blinken met officials. Secretary Blinken spoke; [Blinken](@blinken) left.
The SSU and the SSUx differ; `Blinken` in code is not prose, nor https://example.org/Blinken.
"
    ));
}

#[test]
fn ambiguous_names_list_every_entity() {
    assert_snapshot!(check(
        "//- entities.news
[@kursk-region]: Kursk Oblast
  kind: place
  aliases: Kursk

[@kursk-city]: Kursk
  kind: place
//- article.news
Fighting near Kursk continued.
"
    ));
}

#[test]
fn syntax_errors() {
    assert_snapshot!(check(
        "//- article.news
---
title: Kursk
status: final
date: 12 January
---

[Claim]{status=maybe ^ok foo} and [another]{^bad. key=value}.[^ok]

[open]{status=confirmed never closed

[^ok]: A source
  url: https://example.org
  date: 2025-13-01
  kind: rumour
  this line has no colon

[@ent]: Entity
  kind: persona

[@]:
<!-- newsmark-disable-next-line no-such-rule -->
<!-- newsmark-frobnicate -->
"
    ));
}

#[test]
fn unterminated_front_matter_is_reported_at_line_one_and_the_body_still_checked() {
    assert_snapshot!(check(
        "//- article.news
---
title: Kursk
status: draft

The unit lost 13 soldiers.
"
    ));
}

#[test]
fn suppression_comments() {
    assert_snapshot!(check(
        "//- article.news
<!-- newsmark-disable-next-line unattributed-number -->
The unit lost 13 soldiers. @ghost was there.

<!-- newsmark-disable-next-line -->
The unit lost 14 soldiers. @ghost was there.

<!-- newsmark-disable unattributed-number, undefined-entity -->
The unit lost 15 soldiers. @ghost was there.
<!-- newsmark-enable unattributed-number -->
The unit lost 16 soldiers. @ghost was there.
<!-- newsmark-enable -->
The unit lost 17 soldiers. @ghost was there.

<!-- newsmark-disable -->
Everything goes: 18 soldiers, @ghost.
<!-- newsmark-enable unattributed-number -->
Numbers are back: 19 soldiers, but not @ghost.
"
    ));
}

#[test]
fn rule_levels_are_configurable() {
    assert_snapshot!(check(
        "//- newsmark.toml
[rules]
unattributed-number = \"error\"
undefined-entity = \"off\"
unlinked-mention = \"info\"
//- entities.news
[@ssu]: SSU
  kind: org
//- article.news
The SSU lost 13 soldiers; @ghost saw it.
"
    ));
}

#[test]
fn attribution_cues_are_configurable() {
    assert_snapshot!(check(
        "//- newsmark.toml
[attribution]
cues = [\"testified\"]
//- article.news
The officer testified that 13 soldiers died.

The officer said that 14 soldiers died.

Officials estimated that 15 soldiers died.
"
    ));
}

#[test]
fn nothing_is_analysed_in_code_comments_and_urls() {
    assert_snapshot!(check(
        "//- article.news
Use `13 soldiers` in code, see https://example.org/13/soldiers and <https://example.org/14>.
<!-- 15 soldiers, \"a quote of words\" -->

```
16 soldiers \"in a fenced block\"
@ghost [^nope]
```

~~~text
17 soldiers
~~~
"
    ));
}

#[test]
fn crlf_files_keep_exact_positions() {
    assert_snapshot!(check(
        "//- article.news\r\nFirst line.\r\nThe unit lost 13 soldiers.\r\n\r\n@ghost\r\n"
    ));
}

#[test]
fn multibyte_text_keeps_exact_ranges() {
    assert_snapshot!(check(
        "//- article.news
😀 Ünïcödé — @ghost, 北京 lost 13 soldiers and “三 四 五 words”.
"
    ));
}

#[test]
fn good_copy_is_quiet() {
    assert_snapshot!(with_registry(
        "---
title: Quiet copy
date: 2025-01-12
status: published
---

# [Blinken](@blinken) visits Seoul

On Monday, @blinken confirmed that at least a thousand soldiers had been killed.[^state]
“The losses are heavy,” he said.[^state] [Ten drones]{^ssu status=reported} were downed,
according to the @ssu.

- The 17th Brigade has been in Kursk since 2021.
- One of the two prisoners is injured.

[^state]: U.S. State Department, press briefing in Seoul
  by: @blinken
  url: https://example.org/state
  date: 2025-01-06
  kind: official

[^ssu]: SSU communiqué
  by: @ssu
  url: https://example.org/ssu
  date: 2025-01-11
  kind: official
"
    ));
}

#[test]
fn markdown_edge_cases() {
    assert_snapshot!(check(
        "//- article.news
# Title <!-- a note
that runs on, with 7 soldiers --> and 8 after it

He said the war ended in
1945. The army had 9 tanks, officials said.

The officer wrote \\\"we lost many good men\\\" yesterday.

>@ghost was there.

| @phantom | 10 |

[^s]: Source
  url: https://example.org
  date: 2025-02-30
"
    ));
}

#[test]
fn unterminated_front_matter_keeps_prose_out() {
    assert_snapshot!(check(
        "//- article.news
---
title: x
Note: 13 soldiers died.
"
    ));
}

#[test]
fn size_limit_stops_the_prose_rules_and_says_where() {
    // The second paragraph ends past byte 60: its number and quotation go unreported, one
    // note says so, and the reference rules still see the whole file.
    assert_snapshot!(check(
        "//- newsmark.toml
[limits]
prose-bytes = 60
//- entities.news
[@ssu]: Security Service of Ukraine
  kind: org
//- article.news
The unit lost 13 soldiers near the border, @ssu says.

Another 40 were wounded. \"We will not leave this place,\" one said. @ghost[^nowhere]

A third paragraph with 7 numbers.
"
    ));
}
