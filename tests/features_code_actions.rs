//! Code actions over small multi-file fixtures. Every action offered at a cursor is applied to
//! the fixture; the snapshot shows it as a line diff of each changed file (`·` is a trailing
//! space, `␍` a carriage return), then which diagnostics of the workspace went away or
//! appeared. Every quick fix is checked to make its diagnostic go away (except "Add missing
//! fields" and "Add `reason:`", whose new fields are still empty), every refactor to leave the
//! diagnostics as they were.

mod common;

use std::fmt::Write;

use common::{apply_text_edits, edited_workspace, visible};
use insta::assert_snapshot;
use newsmark::features::code_actions::{self, Action, ActionKind};
use newsmark::rules::{self, Rule};
use newsmark::syntax::{Encoding, TextRange};
use newsmark::workspace::{FileId, Workspace};

/// Every diagnostic of the workspace as `path rule: message`, sorted.
fn all_diagnostics(ws: &Workspace) -> Vec<String> {
    let mut out: Vec<String> = ws
        .documents()
        .flat_map(|(id, doc)| {
            rules::check(ws, id)
                .into_iter()
                .map(move |d| format!("{} {}: {}", doc.path.display(), d.rule.id(), d.message))
        })
        .collect();
    out.sort();
    out
}

/// What is in `a` and not in `b`, counting repeats.
fn minus(a: &[String], b: &[String]) -> Vec<String> {
    let mut rest = b.to_vec();
    a.iter()
        .filter(|x| match rest.iter().position(|y| y == *x) {
            Some(i) => {
                rest.swap_remove(i);
                false
            }
            None => true,
        })
        .cloned()
        .collect()
}

/// A line diff of `old` to `new`: the changed lines with one line of context, in hunks headed
/// by the line number in the new text.
fn diff(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // (mark, line, line number in the new text)
    let mut ops: Vec<(char, &str, usize)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push((' ', a[i], j + 1));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', a[i], j + 1));
            i += 1;
        } else {
            ops.push(('+', b[j], j + 1));
            j += 1;
        }
    }
    let changed: Vec<bool> = ops.iter().map(|op| op.0 != ' ').collect();
    let near = |k: usize| {
        changed[k.saturating_sub(1)..(k + 2).min(changed.len())]
            .iter()
            .any(|&c| c)
    };
    let mut out = String::new();
    let mut shown_last = false;
    for (k, (mark, line, number)) in ops.iter().enumerate() {
        if !near(k) {
            shown_last = false;
            continue;
        }
        if !shown_last {
            writeln!(out, "@@ line {number}").unwrap();
        }
        shown_last = true;
        for shown in visible(line).lines() {
            writeln!(out, "{mark} {shown}").unwrap();
        }
    }
    out
}

fn kind(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::QuickFix => "quickfix",
        ActionKind::Refactor => "refactor",
        ActionKind::SourceAction => "source",
    }
}

/// Every action at `range`, applied, with the checks described at the top.
fn render(ws: &Workspace, file: FileId, range: TextRange) -> String {
    let doc = ws.document(file);
    let mut out = common::nav_excerpt(ws, file, range, "cursor");
    let before = all_diagnostics(ws);
    let actions = code_actions::actions(ws, file, range);
    if actions.is_empty() {
        out.push_str("(no actions)\n");
    }
    check_preferred(&actions);
    for action in &actions {
        let preferred = if action.preferred { ", preferred" } else { "" };
        writeln!(
            out,
            "## {} [{}{preferred}]",
            action.title,
            kind(action.kind)
        )
        .unwrap();
        if let Some(d) = &action.fixes {
            let at = doc
                .line_index
                .position(&doc.text, d.range.start, Encoding::Utf32);
            writeln!(
                out,
                "fixes {} at {}:{}",
                d.rule.id(),
                at.line + 1,
                at.col + 1
            )
            .unwrap();
        }
        for file_edit in &action.edits {
            // Sorted, apart, and never two edits at one place (insertions there are merged).
            for pair in file_edit.edits.windows(2) {
                assert!(pair[0].range.end <= pair[1].range.start);
                assert!(pair[0].range != pair[1].range);
            }
            let edited = ws.document(file_edit.file);
            writeln!(out, "--- {}", edited.path.display()).unwrap();
            out.push_str(&diff(
                &edited.text,
                &apply_text_edits(&edited.text, &file_edit.edits),
            ));
        }
        for (path, text) in &action.create_files {
            writeln!(out, "+++ {} (new file)", path.display()).unwrap();
            out.push_str(&diff("", text));
        }
        let after = all_diagnostics(&edited_workspace(ws, &action.edits, &action.create_files));
        let gone = minus(&before, &after);
        let new = minus(&after, &before);
        for g in &gone {
            writeln!(out, "gone: {g}").unwrap();
        }
        for n in &new {
            writeln!(out, "new: {n}").unwrap();
        }
        match (&action.fixes, action.kind) {
            (Some(d), _) => {
                let key = format!("{} {}: {}", doc.path.display(), d.rule.id(), d.message);
                if adds_an_empty_field(&action.title) && !gone.contains(&key) {
                    // The fields it adds are empty, and empty counts as missing.
                    writeln!(out, "still: {key}").unwrap();
                } else {
                    assert!(gone.contains(&key), "“{}” leaves {key}", action.title);
                }
            }
            (_, ActionKind::Refactor) => {
                let without_path = |v: &[String]| {
                    let mut v: Vec<String> = v
                        .iter()
                        .map(|s| s.split_once(' ').unwrap().1.to_string())
                        .collect();
                    v.sort();
                    v
                };
                assert_eq!(
                    without_path(&before),
                    without_path(&after),
                    "{}",
                    action.title
                );
            }
            _ => {}
        }
    }
    out
}

/// The fixes that add a field left empty for the user to fill in.
fn adds_an_empty_field(title: &str) -> bool {
    title.starts_with("Add missing fields") || title.starts_with("Add `reason:`")
}

/// Quick fixes carry their diagnostic; at most one of a diagnostic's fixes is preferred.
fn check_preferred(actions: &[Action]) {
    for action in actions {
        assert_eq!(action.kind == ActionKind::QuickFix, action.fixes.is_some());
        if let Some(d) = &action.fixes {
            let preferred = actions
                .iter()
                .filter(|a| a.preferred && a.fixes.as_ref() == Some(d))
                .count();
            assert!(preferred <= 1, "several preferred fixes for {}", d.message);
        }
    }
}

/// The actions at each cursor, given as `(path, needle)`: the cursor stands where `|` is in
/// the needle (at its start without one), at the needle's first occurrence in that file. A
/// needle with two `|` selects the text between them.
fn report(fixture: &str, cursors: &[(&str, &str)]) -> String {
    let ws = common::workspace(fixture);
    let mut out = String::new();
    for (path, needle) in cursors {
        let file = ws
            .file_id(path.as_ref())
            .expect("cursor file is in the fixture");
        let text = &ws.document(file).text;
        let found = text
            .find(&needle.replace('|', ""))
            .unwrap_or_else(|| panic!("{needle:?} is not in {path}"));
        let marks: Vec<usize> = needle.match_indices('|').map(|(i, _)| i).collect();
        let range = match marks.as_slice() {
            [] => TextRange::new(found, found),
            [at] => TextRange::new(found + at, found + at),
            [a, b] => TextRange::new(found + a, found + b - 1),
            _ => panic!("at most two `|` in {needle:?}"),
        };
        out.push_str(&render(&ws, file, range));
        out.push('\n');
    }
    out
}

const REGISTRY: &str = "//- entities.news
[@blinken]: Antony Blinken
  kind: person
  aliases: Blinken

[@ssu]: Security Service of Ukraine
  kind: org
  aliases: SSU
";

#[test]
fn undefined_entity_with_a_registry() {
    let fixture = format!(
        "{REGISTRY}//- a.news
[Antony  Blinken](@blinkin) met [Yoon Suk Yeol](@yoon) in Seoul.[^kcna]
He [praised the army]{{@Ssu}}.

[^kcna]: KCNA report
  by: @kcna
  url: https://kcnawatch.org/
  date: 2025-01-11
"
    );
    assert_snapshot!(report(
        &fixture,
        &[
            ("a.news", "@bl|inkin"),
            ("a.news", "@yoon|"),
            ("a.news", "@Ssu"),
            ("a.news", "@kcna"),
        ]
    ));
}

#[test]
fn undefined_entity_where_the_registry_is_not_obvious() {
    // Without an entity anywhere, `entities.news` is created at the root.
    let mut out = report("//- a.news\nReported by @ssu.", &[("a.news", "@ssu")]);
    // Otherwise the file with the most entity definitions is the registry.
    out.push_str(&report(
        "//- desk/people.news
[@a]: A
  kind: person

[@b]: B
  kind: person
//- b.news
[@c]: C
  kind: person
Met @d in the city.
",
        &[("b.news", "@d")],
    ));
    // When that is the file itself, only "in this file" is offered.
    out.push_str(&report(
        "//- b.news
[@c]: C
  kind: person
//- c.news
[@e]: E
  kind: person

[@f]: F
  kind: person

Met @h.

Then left.
",
        &[("c.news", "@h")],
    ));
    assert_snapshot!(out);
}

#[test]
fn undefined_source() {
    let fixture = "//- a.news
Five soldiers died.[^gs1] Ten fled.[^ghost] [Twelve were taken]{^GS}.

[^gs]: General Staff report
  url: https://example.org/
  date: 2025-01-11
";
    assert_snapshot!(report(
        fixture,
        &[
            ("a.news", "[^gs1]"),
            ("a.news", "[^gh|ost]"),
            ("a.news", "^GS")
        ]
    ));
}

#[test]
fn cite_a_source_after_the_sentence() {
    let fixture = format!(
        "{REGISTRY}//- a.news
The brigade lost 13 soldiers.[^gs] Kowalczyk said 40 tanks were hit. Later the soldiers \"were provided with all the necessary medical care\".

The agency confirmed the figure.[^ssu]

- A column of 200 trucks
- The loss of 30 jets, as in the [report](https://example.org/a_(b))

| Unit | Losses |
|---|---|
| 84th | 120 |

He [was 20]{{@ssu}}

The colonel wrote: \"We lost 5 tanks.\" <!-- check this -->

[^ssu]: SSU communiqué
  url: https://ssu.gov.ua/
  date: 2025-01-11

[^gs]: General Staff report
  url: https://example.org/
  date: 2025-01-11
"
    );
    assert_snapshot!(report(
        &fixture,
        &[
            ("a.news", "said"),
            ("a.news", "\"were"),
            ("a.news", "200"),
            ("a.news", "30"),
            ("a.news", "120"),
            ("a.news", "20]"),
            ("a.news", "wrote"),
        ]
    ));
}

#[test]
fn vague_attribution_cites_or_asks_for_a_reason() {
    let fixture = "//- a.news
Sources said the minister would resign. Insiders say[^anon] the deal is off.

[^anon]: A member of the cabinet
  url: https://example.org/notes
  date: 2025-03-03
  kind: anonymous

[^ministry]: Ministry statement
  url: https://example.org/ministry
  date: 2025-03-03
  kind: official
";
    assert_snapshot!(report(
        fixture,
        &[("a.news", "Sources |said"), ("a.news", "Insiders |say")]
    ));
}

#[test]
fn a_new_source_gets_a_free_id() {
    let fixture = "//- a.news
The army lost 40 tanks. Nothing else.[^new-source-2] Or [this]{^new-source}.

[^new-source]: Taken
  url: https://example.org/
  date: 2025
";
    let out = report(fixture, &[("a.news", "40")]);
    assert!(out.contains("## Add a new source [^new-source-3]"));
    assert_snapshot!(out);
}

#[test]
fn link_unlinked_mentions() {
    let fixture = "//- entities.news
[@blinken]: Antony Blinken
  kind: person
  aliases: Blinken

[@Kyiv]: Kyiv
  kind: place

[@kyiv-oblast]: Kyiv Oblast
  kind: place
  aliases: Kyiv region

[@gs]: General Staff
  kind: org
  aliases: the Staff

[@staff]: The Staff
  kind: org
  aliases: the Staff
//- a.news
# Blinken in Kyiv

Antony Blinken flew to Kyiv, then to the Kyiv-based staff.
The Kyiv region heard from the Staff, and the Staff replied.
";
    assert_snapshot!(report(
        fixture,
        &[
            ("a.news", "Blinken in"),
            ("a.news", "Kyiv\n"),
            ("a.news", "Antony"),
            ("a.news", "Kyiv-based"),
            ("a.news", "the Staff,"),
        ]
    ));
}

#[test]
fn near_miss_names_get_the_registry_spelling() {
    let fixture = "//- entities.news
[@blinken]: Antony Blinken
  kind: person
  aliases: Blinken

[@garcia]: José García
  kind: person
//- a.news
Antony Blinkin met Jose
Garcia and [Antony Blinkin](@blinken).
";
    assert_snapshot!(report(
        fixture,
        &[
            ("a.news", "Blinkin met"),
            ("a.news", "Jose"),
            ("a.news", "Antony Blinkin]"),
        ]
    ));
}

#[test]
fn incomplete_source_gets_its_missing_fields() {
    let fixture = "//- newsmark.toml
[sources]
required = [\"url\", \"date\", \"kind\"]
//- a.news
One.[^a] Two.[^b] Three.[^c]

[^a]: No fields at all

[^b]: An empty url
    url:
    by: @nobody

[^c]: Complete but for the empty kind
  url: https://example.org/
  date: 2025
  kind:
";
    assert_snapshot!(report(
        fixture,
        &[
            ("a.news", "[^a]:"),
            ("a.news", "[^b]:"),
            ("a.news", "[^c]:")
        ]
    ));
}

#[test]
fn unused_source_removal_keeps_blocks_apart() {
    let cases = [
        "Cited.[^x]\n\n[^x]: X\n\n[^u]: Unused\n  url: https://example.org/\n  date: 2025\n\n[^y]: Y\n",
        "Cited.[^x]\n\n[^x]: X\n\n[^u]: Unused\n  url: https://example.org/\n  date: 2025\n",
        "Cited.[^x]\n\n[^x]: X\n\n[^u]: Unused\n  date: 2025",
        "Cited.[^x]\n[^u]: Unused\n\nMore.\n\n[^x]: X\n",
        "Cited.[^x]\n[^u]: Unused\nMore.\n\n[^x]: X\n",
        "[^u]: Unused\n\nCited.[^x]\n\n[^x]: X\n",
        "[^u]: Unused",
    ];
    let mut out = String::new();
    for text in cases {
        let fixture = format!("//- a.news\n{text}");
        out.push_str(&report(&fixture, &[("a.news", "[^u]:")]));
    }
    assert_snapshot!(out);
}

#[test]
fn suppression_comments() {
    let fixture = "//- entities.news
[@ssu]: Security Service of Ukraine
  kind: org
//- a.news
---
title: Suppressions
status: drafted
---

# The losses

A first line that is fine.
  Then 13 soldiers died.
> The quote holds 14 dead.
> And 15 more.

- One item.
- Another 16 dead.
  A continuation with 17 more.

| Unit | Losses |
|---|---|
| 84th | 18 |

<!-- newsmark-disable-next-line unattributed-quote -->
He was \"hit by 19 shells\" at @nowhere.

[^s]: Source
  by: @ghost
";
    assert_snapshot!(report(
        fixture,
        &[
            ("a.news", "drafted"),
            ("a.news", "13"),
            ("a.news", "14"),
            ("a.news", "15"),
            ("a.news", "16"),
            ("a.news", "17"),
            ("a.news", "18"),
            ("a.news", "@nowhere"),
            ("a.news", "@ghost"),
        ]
    ));
}

#[test]
fn move_entity_definition_to_the_registry() {
    let fixture = "//- entities.news\r
[@ssu]: Security Service of Ukraine\r
  kind: org\r
//- a.news
The [General Staff](@gs) reported it.

[@gs]: General Staff
  kind: org
  aliases: the Staff
[@sso]: Special Operations Forces
  kind: org

More text.
";
    // A selection from the label into the fields.
    let mut out = report(fixture, &[("a.news", "[@g|s]: General Staff\n  ki|nd")]);
    // The registry itself has nothing to move to; a selection that touches no entity
    // definition gets no refactor.
    for (path, needle) in [("entities.news", "kind"), ("a.news", "More")] {
        let ws = common::workspace(fixture);
        let file = ws.file_id(path.as_ref()).unwrap();
        let at = ws.document(file).text.find(needle).unwrap();
        let actions = code_actions::actions(&ws, file, TextRange::new(at, at));
        assert!(actions.iter().all(|a| a.kind != ActionKind::Refactor));
    }
    // Without `entities.news`, the file with the most entity definitions and no sources is
    // the registry: `desk/b.news`, not the article `desk/c.news`.
    out.push_str(&report(
        "//- desk/a.news
[@gs]: General Staff
  kind: org
//- desk/b.news
[@x]: X
  kind: org

[@y]: Y
  kind: org
//- desk/c.news
[@p]: P
  kind: org

[@q]: Q
  kind: org

[@r]: R
  kind: org

Cited.[^s]

[^s]: S
  url: https://example.org/
  date: 2025
",
        &[("desk/a.news", "General"), ("desk/c.news", "[@q]")],
    ));
    // With no registry at all, an article's definition moves to a new `entities.news`; a
    // file of entity definitions is itself the registry.
    out.push_str(&report(
        "//- a.news\nCited.[^s]\n\n[@gs]: General Staff\n  kind: org\n\n[^s]: S\n  url: https://example.org/\n  date: 2025\n",
        &[("a.news", "[@gs]")],
    ));
    let alone = common::workspace("//- desk/a.news\n[@gs]: General Staff\n  kind: org\n");
    let file = alone.file_id("desk/a.news".as_ref()).unwrap();
    let actions = code_actions::actions(&alone, file, TextRange::new(1, 1));
    assert!(actions.iter().all(|a| a.kind != ActionKind::Refactor));
    assert_snapshot!(out);
}

#[test]
fn crlf_and_multibyte_text() {
    let fixture = "//- entities.news\r
[@beijing]: 北京\r
  kind: place\r
//- a.news\r
😀 In 北京, “we lost 12 tanks”, @bejing — [Ünal Çelik](@celik) agreed.\r
\r
[^s]: 新华社\r
  url: https://xinhuanet.com/\r
  date: 2025\r
\r
[^t]: Unused 新华社\r
";
    assert_snapshot!(report(
        fixture,
        &[
            ("a.news", "北京,"),
            ("a.news", "“we"),
            ("a.news", "@bejing"),
            ("a.news", "@celik"),
            ("a.news", "[^t]"),
        ]
    ));
}

#[test]
fn nothing_to_do() {
    let fixture = format!(
        "{REGISTRY}//- a.news\nThe [SSU](@ssu) said 13 died.[^s]\n\n[^s]: S\n  url: https://example.org/\n  date: 2025\n"
    );
    let ws = common::workspace(&fixture);
    let file = ws.file_id("a.news".as_ref()).unwrap();
    let len = ws.document(file).text.len();
    for at in [0, 5, len, len + 10] {
        assert!(code_actions::actions(&ws, file, TextRange::new(at, at)).is_empty());
    }
}

/// Cases the property below once found: nothing is offered that would not work.
#[test]
fn no_action_that_would_not_work() {
    let titles = |fixture: &str, needle: &str| -> Vec<String> {
        let ws = common::workspace(fixture);
        let file = ws.file_id("a.news".as_ref()).unwrap();
        let at = ws.document(file).text.find(needle).unwrap();
        code_actions::actions(&ws, file, TextRange::new(at, at))
            .into_iter()
            .map(|a| a.title)
            .collect()
    };
    // A fence left open at the end would swallow a definition appended after it.
    assert_eq!(
        titles("//- a.news\nLost 40 tanks.[^a]\n```\n", "[^a]"),
        ["Suppress undefined-source on this line"]
    );
    assert_eq!(
        titles("//- a.news\nLost 40 tanks.\n```\n", "40"),
        ["Suppress unattributed-number on this line"]
    );
    assert_eq!(
        titles("//- a.news\nMet @x.\n<!-- open\n", "@x"),
        [
            "Define @x in entities.news",
            "Suppress undefined-entity on this line"
        ]
    );
    // A comment a heading leaves open runs on to the next `-->`: a comment line inserted
    // before the prose after it would be part of it.
    assert!(
        titles(
            "//- a.news\n# Title <!-- open\n\nstill open --> Lost 40 tanks.\n",
            "40"
        )
        .iter()
        .all(|t| !t.starts_with("Suppress"))
    );
    // A list item right after a definition's field line: the comment stays unindented.
    let ws = common::workspace(
        "//- a.news\n[^a]: A\n  url: https://example.org/\n  date: 2025\n- Lost 40 tanks.\n",
    );
    let file = ws.file_id("a.news".as_ref()).unwrap();
    let at = ws.document(file).text.find("40").unwrap();
    let suppress = code_actions::actions(&ws, file, TextRange::new(at, at))
        .into_iter()
        .find(|a| a.title.starts_with("Suppress"))
        .unwrap();
    assert_eq!(
        suppress.edits[0].edits[0].new_text,
        "<!-- newsmark-disable-next-line unattributed-number -->\n"
    );
}

#[test]
fn a_citation_and_its_definition_at_the_very_end() {
    let out = report("//- a.news\nThe army lost 40 tanks.", &[("a.news", "40")]);
    assert!(out.contains("+ The army lost 40 tanks.[^new-source]\n+ \n+ [^new-source]"));
    assert_snapshot!(out);
}

// ---------------------------------------------------------------------------------------------
// Property: on any text, every action applies cleanly, and every quick fix (but "Add missing
// fields") removes a diagnostic like the one it fixes.

const FRAGMENTS: &[&str] = &[
    "The army lost 40 tanks.",
    " Officials said 13 died.",
    " \"We will fight them all\", he wrote.",
    " “They were provided with care”.",
    " It was 5 km away",
    "[^a]",
    "[^b]",
    "[^zz]",
    "[claimed to be 20]{@ssu}",
    "[20 of them]{^a}",
    "{^ab @ssv status=reported}",
    "[the report](https://example.org/x)",
    "[SSU](@ssu)",
    "@ssu",
    "@sus",
    "@nobody",
    "Security Service",
    "SSU",
    "the Staff",
    "<!-- note -->",
    "<!-- newsmark-disable-next-line unattributed-number -->\n",
    "\n[^a]: A\n  url: https://example.org/\n  date: 2025\n",
    "\n[^b]: B\n  by: @ghost\n",
    "\n[^c]: C\n",
    "\n[@loc]: Local\n  kind: place\n",
    "\n- ",
    "\n  ",
    "\n> ",
    "\n| x | 7 |\n",
    "\n# ",
    "\n---\n",
    "\n```\ncode 9\n```\n",
    "\n```\n",
    "<!-- open ",
    "`12`",
    " ",
    "\n",
    "\r\n",
    "\n\n",
    "😀",
    "北京",
    ".",
    "\"",
    "[",
    "]",
    "(",
    ")",
];

fn text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..30).prop_map(|v| v.concat())
}

fn of_rule(list: &[String], rule: Rule) -> usize {
    let tag = format!(" {}: ", rule.id());
    list.iter().filter(|s| s.contains(&tag)).count()
}

fn count(list: &[String], key: &str) -> usize {
    list.iter().filter(|s| *s == key).count()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
    #[test]
    fn every_action_applies_and_every_fix_fixes(body in text()) {
        let fixture = format!(
            "//- entities.news\n[@ssu]: Security Service\n  kind: org\n  aliases: SSU\n\n[@gs]: General Staff\n  kind: org\n  aliases: the Staff\n\n[@staff]: Staff\n  kind: org\n  aliases: the Staff\n//- a.news\n{body}\n"
        );
        let ws = common::workspace(&fixture);
        let file = ws.file_id("a.news".as_ref()).unwrap();
        let before = all_diagnostics(&ws);
        let ranges = rules::check(&ws, file)
            .into_iter()
            .map(|d| d.range)
            .chain(ws.document(file).syntax.definitions.iter().map(|d| d.label));
        for range in ranges {
            let actions = code_actions::actions(&ws, file, range);
            check_preferred(&actions);
            for action in &actions {
                let edited = edited_workspace(&ws, &action.edits, &action.create_files);
                let after = all_diagnostics(&edited);
                let shown = &edited.document(file).text;
                match (&action.fixes, action.kind) {
                    (Some(fixed), _) if !adds_an_empty_field(&action.title) => {
                        let key = format!("a.news {}: {}", fixed.rule.id(), fixed.message);
                        // unlinked-mention hints an entity once per article: linking an
                        // ambiguous name to one of its entities may leave another's later
                        // name to be hinted in its place, so only the fixed hint must go.
                        proptest::prop_assert!(
                            count(&after, &key) < count(&before, &key)
                                && (fixed.rule == rules::unlinked_mention::RULE
                                    || of_rule(&after, fixed.rule) < of_rule(&before, fixed.rule)),
                            "“{}” leaves {}\n{}", action.title, key, shown
                        );
                    }
                    (_, ActionKind::Refactor) => {
                        let without_path = |v: &[String]| {
                            let mut v: Vec<String> = v.iter().map(|s| s.split_once(' ').unwrap().1.to_string()).collect();
                            v.sort();
                            v
                        };
                        proptest::prop_assert_eq!(without_path(&before), without_path(&after), "{}", shown);
                    }
                    (_, ActionKind::SourceAction) => {
                        // Messages may quote text that now holds a link: count by rule. A
                        // link can name who a vague phrase meant (`@ssu officials said`), and
                        // the sentence's missing-source then takes vague-attribution's place:
                        // the attribution rules count together.
                        let attribution = [
                            rules::vague_attribution::RULE,
                            rules::missing_source::RULE,
                            rules::unattributed_number::RULE,
                            rules::unattributed_quote::RULE,
                        ];
                        let family = |list: &[String]| {
                            attribution.iter().map(|&r| of_rule(list, r)).sum::<usize>()
                        };
                        proptest::prop_assert!(family(&after) <= family(&before), "{}", shown);
                        for rule in Rule::all().filter(|r| !attribution.contains(r)) {
                            let (was, is) = (of_rule(&before, rule), of_rule(&after, rule));
                            if rule == rules::unlinked_mention::RULE {
                                proptest::prop_assert!(is < was, "{}", shown);
                            } else {
                                proptest::prop_assert!(is <= was, "{:?}\n{}", rule, shown);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}
