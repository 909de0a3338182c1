//! Every rule, firing and staying quiet, over small multi-file fixtures: one fixture per rule
//! in tests/fixtures/rules/ID.fixture (snapshot `rules__ID.snap`), then the finer points.

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

/// Each rule's own fixture. A new rule's fixture is picked up here with no code to add (the
/// tidy test checks that every rule has one, and that its snapshot shows the rule firing).
#[test]
fn every_rule_fixture() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut fixtures: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/rules exists")
        .map(|e| e.expect("readable fixture directory").path())
        .filter(|p| p.extension().is_some_and(|e| e == "fixture"))
        .collect();
    fixtures.sort();
    assert!(!fixtures.is_empty());
    for path in fixtures {
        let id = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 name");
        let fixture = std::fs::read_to_string(&path).expect("readable fixture");
        insta::with_settings!({ input_file => &path }, {
            assert_snapshot!(id, check(&fixture));
        });
    }
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

The chief estimated that 15 soldiers died.
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
1945. The army had 9 tanks, the staff said.

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

/// Journalists attribute once per speaker and run on: a speaker going on (`she added`, a
/// bare quotation after an attributed one), an introduction ending in `:` for the blockquote,
/// list or table after it, a table's caption. Nothing here is reported. What still is: a new
/// claim with no cue after a cited sentence, and another speaker on record with no source.
#[test]
fn attribution_runs_on() {
    assert_snapshot!(with_registry(
        r#"The government will spend €4bn on repairs, Finance Minister Ana Costa said.[^costa] "We will not wait for the insurers," she added. "Every week of delay costs families money."

Costa told reporters that the fund would open in April.[^costa] She said 12,000 homes were still damaged.

"The first payments go out within six weeks."

In a statement, the mayor said:[^mayor]

> "We have been promised this three times, and 4,000 families are waiting."

The plan, as the ministry described it, has three parts:[^costa]

- 2,000 temporary homes by June;
- grants of up to €15,000 per family.

| District | Turnout |
|---|---|
| North | 61% |

*Turnout by district. Source: electoral commission.*[^mayor]

The unit took 13 prisoners.[^costa] Another 40 were killed.

The opposition leader, Jan Nowak, disagreed. He said 30% of homes would wait a year.

[^costa]: Press conference of the finance minister
  url: https://example.org/costa
  date: 2026-03-02

[^mayor]: Statement of the mayor
  url: https://example.org/mayor
  date: 2026-03-02
"#
    ));
}

/// Digits that are no quantity (phone numbers, designations, names, addresses, times with
/// seconds, ages, years after a possessive or a fiscal word) are not reported; ranges are one
/// number with their unit; quantities in words are.
#[test]
fn numbers_that_are_not_claims_and_numbers_in_words() {
    assert_snapshot!(with_registry(
        "Call the helpline on 0800 123 4567 or +44 20 7946 0958, or visit 221 Baker Street.

The judge cited section 12 and page 45, clause 7.2, in court room 3.

Passengers on route 25 and flight BA 117 waited at platform 9, gates 14 to 22.

She won the 400m, drove Route 66 in an iPhone 15 advert, and flew in a Boeing 737-800 after 9/11.

He finished in 2:05:30; the race started at 09:15:00.

The budget for fiscal 2027 follows the city's 2019 law.

Jan Kowalski, 41, moved to the city at 16. Support among voters under 30 is rising.

There are a thousand reasons to stay, and Rovers halved the deficit.

Patients reported headaches, and passengers were told to wait 20 minutes.

Inflation will ease to 5-7% next year, and the deficit will be $4bn-$5bn.

The company doubled its profit, two-thirds of staff got a bonus, and one in five shops closed.
"
    ));
}

#[test]
fn house_style_patterns_add_cues_vague_phrases_and_exempt_numbers() {
    assert_snapshot!(check(
        r#"//- newsmark.toml
[attribution]
cue-patterns = ['\bin a post on\b']
vague-patterns = ['\bwell-placed (?:figures|people)\b']

[numbers]
exempt-patterns = ['^\d{1,2}-\d{1,2}$', 'the \d+ to [A-Z]']
//- article.news
---
title: Route 66 and platform 9 reopen
---

In a post on Telegram, the governor gave a toll of 14 dead.

Well-placed figures expect 3 resignations.

"We are not in a post on anything," the official said of 15 posts.

Rovers won 2-1 at home. She took the 38 to Hackney every morning.

The route carried 66 buses.
"#
    ));
}

#[test]
fn vague_attribution_off_gives_back_the_attribution_findings() {
    let article = "//- article.news
According to Western sources, more than 10,000 soldiers are in the region.

The company reportedly plans to cut 400 jobs.
";
    let on = check(article);
    assert!(
        on.contains("vague-attribution") && !on.contains("missing-source"),
        "{on}"
    );
    assert_snapshot!(check(&format!(
        "//- newsmark.toml
[rules]
vague-attribution = \"off\"
{article}"
    )));
}

/// A desk's copy next to a registry: misspelt names are reported, and what only looks like a
/// misspelling (another person, a plural, a demonym, a headline's capitals, a sentence's
/// first word, a name broken over two lines) is not.
#[test]
fn near_miss_names_across_desks() {
    assert_snapshot!(check(
        "//- registry/people.news
[@lagarde]: Christine Lagarde
  kind: person
  aliases: Lagarde

[@powell]: Jerome Powell
  kind: person

[@scholz]: Olaf Scholz
  kind: person
  aliases: Scholz

[@von-der-leyen]: Ursula von der Leyen
  kind: person

[@starmer]: Keir Starmer
  kind: person
  aliases: Prime Minister Keir Starmer

[@erdogan]: Recep Tayyip Erdoğan
  kind: person
  aliases: Erdoğan

[@zelenska]: Olena Zelenska
  kind: person

[@harris]: Kamala Harris
  kind: person
  aliases: Harris
//- registry/orgs.news
[@boe]: Bank of England
  kind: org

[@fed]: Federal Reserve
  kind: org

[@who]: World Health Organization
  kind: org

[@man-utd]: Manchester United
  kind: org

[@real]: Real Madrid
  kind: org

[@court]: Supreme Court
  kind: org

[@kharkiv]: Kharkiv
  kind: place

[@krakow]: Kraków
  kind: place

[@obrien]: Conan O'Brien
  kind: person
//- business.news
# Lagarde Holds Rates As Fed Waits

Christine Lagarde spoke after Jerome
Powell and the Bank of England. The Bank Of England Holds Rates headline ran in the City
edition. The Federal Reserves of other countries followed. Christine Lagard later clarified.
//- politics.news
Prime Minister Keir Starmmer met Olaf Scholtz and Ursula von der Leyen. Von der Leyen spoke
first. President Erdogan wrote to Olena Zelenska; Harry Harris and Kamala Harris read it.
//- sport.news
Manchester United beat Manchester City; Real Madrid and Atletico Madrid drew. Manchester Untied
fans sang. The Supreme Courts of three states ruled.
//- world.news
The World Health Organisation met in Krakow. Officials in Kharkov, as Russian media call
Kharkiv, reported shelling. Conan O\u{2019}Brien, typeset with a curly apostrophe, hosted.
"
    ));
}

/// Every unknown value names the nearest valid one when one stands out, and only then.
#[test]
fn unknown_values_get_the_nearest_valid_one() {
    assert_snapshot!(check(
        "//- entities.news
[@ssu]: Security Service of Ukraine
  kind: organisation

[@kyiv]: Kyiv
  kind: persn

[@x]: Something
  kind: country
//- article.news
---
status: publish
---
<!-- newsmark-disable-next-line unattributed-numbers, undefined-entities, near-miss -->
He [said so]{^gs status=verified} and [more]{^gs status=disputd}.[^gs1][^GS]
<!-- newsmark-disable-line -->
Also [this]{^gs status=probable}. @SSU and @Kiyv.

[^gs]: General Staff
  url: https://example.org/gs
  date: 2025-01-10
  kind: offical
"
    ));
}

/// `[sources] max-age-days` sets an age limit for every article, an article's
/// `max-source-age-days:` its own; with neither, an obituary's or a court story's old
/// sources are fine, and a bad value in front matter is a syntax error.
#[test]
fn source_age_is_configurable() {
    let articles = "//- obituary.news
---
title: Obituary
date: 2025-03-10
---

She founded the paper in 1961.[^founding] She retired in 2016.[^retirement]

[^founding]: Founding notice
  url: https://example.org/founding
  date: 1961-04
  kind: document

[^retirement]: Retirement announcement
  url: https://example.org/retirement
  date: 2016-09-01
//- live.news
---
title: Live: the count
date: 2025-03-10
max-source-age-days: 1
---

Turnout was high.[^commission] Polls closed late.[^poll]

[^commission]: Electoral commission
  url: https://example.org/commission
  date: 2025-03-10

[^poll]: Exit poll, from the day before
  url: https://example.org/poll
  date: 2025-03-08
//- bad.news
---
title: Bad values
date: 2025-03-10
updated: last week
max-source-age-days: a week
---
";
    let without = check(articles);
    assert!(!without.contains("obituary.news"), "{without}");
    assert_snapshot!(check(&format!(
        "//- newsmark.toml\n[sources]\nmax-age-days = 3650\n{articles}"
    )));
}
