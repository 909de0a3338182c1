//! Formatting: definitions tidied and the trailing group sorted, prose untouched, idempotent;
//! a property test over arbitrary files.

mod common;

use std::path::{Path, PathBuf};

use insta::assert_snapshot;
use newsmark::config::Config;
use newsmark::features::formatting;
use newsmark::features::rename::TextEdit;
use newsmark::syntax::{self, SyntaxFile};
use newsmark::workspace::{Document, Workspace};
use proptest::prelude::*;

fn apply(text: &str, edits: &[TextEdit]) -> String {
    let mut out = String::new();
    let mut last = 0;
    for edit in edits {
        assert!(last <= edit.range.start && edit.range.start <= edit.range.end);
        out.push_str(&text[last..edit.range.start]);
        out.push_str(&edit.new_text);
        last = edit.range.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Text with `\r` shown as `␍`, spaces and tabs at the end of a line as `·` and `→`, and a
/// missing final line break noted: what a snapshot would otherwise hide.
fn shown(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let (content, brk) = match line.strip_suffix('\n') {
            Some(c) => (c, "\n"),
            None => (line, ""),
        };
        let (content, cr) = match content.strip_suffix('\r') {
            Some(c) => (c, "␍"),
            None => (content, ""),
        };
        let trimmed = content.trim_end_matches([' ', '\t']);
        out.push_str(trimmed);
        for c in content[trimmed.len()..].chars() {
            out.push(if c == '\t' { '→' } else { '·' });
        }
        out.push_str(cr);
        out.push_str(brk);
    }
    if !text.is_empty() && !text.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("(end of file)\n");
    out
}

/// `text` formatted once.
fn format_text(text: &str) -> String {
    let mut ws = Workspace::new(PathBuf::from("."), Config::default());
    let file = ws.set_document(Document::new(PathBuf::from("a.news"), text.to_string()));
    apply(text, &formatting::format(&ws, file))
}

/// The text of every prose block and the front matter, in order.
fn prose(text: &str, syntax: &SyntaxFile) -> Vec<String> {
    let front = syntax
        .front_matter
        .iter()
        .map(|fm| text[fm.range.start..fm.range.end].to_string());
    let blocks = syntax
        .blocks
        .iter()
        .map(|b| text[b.range.start..b.range.end].to_string());
    front.chain(blocks).collect()
}

/// What the definitions say: kind, id, name and, per field name, the first value. Sorted,
/// since the trailing group may be reordered.
fn meaning(syntax: &SyntaxFile) -> Vec<String> {
    let mut out: Vec<String> = syntax
        .definitions
        .iter()
        .map(|d| {
            let mut keys: Vec<&str> = d.fields.iter().map(|f| f.key.text.as_str()).collect();
            keys.sort();
            keys.dedup();
            let fields: Vec<String> = keys
                .iter()
                .map(|k| format!("{k}={:?}", d.field_value(k).unwrap_or("")))
                .collect();
            format!(
                "{:?} {} {:?} {}",
                d.kind,
                d.id.text,
                d.name.text,
                fields.join(" ")
            )
        })
        .collect();
    out.sort();
    out
}

/// Formats, checks what must hold of every formatting, and shows the text before and after.
fn before_after(text: &str) -> String {
    let once = format_text(text);
    check(text, &once);
    format!("== before ==\n{}== after ==\n{}", shown(text), shown(&once))
}

/// Idempotent; the prose, the front matter and what the definitions say are unchanged; no new
/// syntax errors.
fn check(text: &str, once: &str) {
    assert_eq!(format_text(once), once, "formatting twice changes more");
    let (old, new) = (syntax::parse(text), syntax::parse(once));
    assert_eq!(prose(text, &old), prose(once, &new));
    assert_eq!(meaning(&old), meaning(&new));
    let messages = |s: &SyntaxFile| {
        let mut m: Vec<String> = s.errors.iter().map(|e| e.message.clone()).collect();
        m.sort();
        m
    };
    assert_eq!(messages(&old), messages(&new));
}

#[test]
fn definitions_are_tidied_and_the_trailing_group_sorted() {
    assert_snapshot!(before_after(
        "---
title:   Front matter   stays
---
Prose that  stays   as it is.[^b]
[^inline]:Directly after prose
\turl:https://example.org/inline
    date :  2025-01-01

More prose.[^a]   
[@e1]:   Entity One   
  url: https://e1.example/
  custom: kept in place
  kind:org
  aliases: One, E1
  role:
  other: second unknown



[^a]: Source A
  kind: press
  by: @e1
  url: https://a.example/
  zeta: unknown
  date: 2025-01-02
  url: https://a.example/second-copy
[^b]: Source B
  archive: https://web.archive.org/b
[@e2]: Entity Two
  wikidata: Q1
  description: second entity
  kind: person
[^broken]: Has a line that is not a field
  url: https://broken.example/
  this line is not a field
    kind:    press
[@e3]: Entity Three


"
    ));
}

#[test]
fn only_a_trailing_run_is_sorted() {
    let middle_and_trailing = before_after(
        "Intro.

[^a]: A
  url: https://a.example/
[@e1]: One
  kind: org

Prose between the runs.

[^b]: B
[@e2]: Two

[^c]: C



[@e3]: Three
  kind: place
",
    );
    // Prose right after the last definition: that run is not trailing, so it keeps its order.
    let followed_by_prose = before_after(
        "[^b]: B
[@e2]: Two
Prose right after the last definition.
",
    );
    assert_snapshot!(format!("{middle_and_trailing}\n{followed_by_prose}"));
}

#[test]
fn crlf_and_multibyte_text() {
    let text = "Über 😀 Prosa.[^q]\r\n\r\n[^q]:   „Quelle“ 😀   \r\n  date: 2025\r\n  url:https://ü.example/\r\n[@ü]: Ü\r\n  kind:   place   \r\n";
    let once = format_text(text);
    check(text, &once);
    assert!(!once.replace("\r\n", "").contains('\n'), "{once:?}");
    assert_snapshot!(before_after(text));
}

#[test]
fn mixed_line_breaks_settle_in_one_pass() {
    // The first found by the property test below: sorting put a definition kept as written,
    // with a lone `\r` in it, first, and the line break must not depend on what comes first.
    let texts = [
        "```\n```\n[^a]: Source A\n[@e3]: Three\r 😀",
        "[^b]: B\r  url: https://b.example/\r[@a]: A\r\n  kind: org\n",
        "Prose.\r\n\r\n[^b]: B\n  url: x\n[@a]: A\r  kind: org\r  not a field\r",
    ];
    for text in texts {
        let once = format_text(text);
        check(text, &once);
    }
    assert_eq!(
        format_text(texts[2]),
        // Written as it was, then the file's `\r\n`; the last `\r` is after the run.
        "Prose.\r\n\r\n[@a]: A\r  kind: org\r  not a field\r\n\r\n[^b]: B\r\n  url: x\r"
    );
}

#[test]
fn a_formatted_file_gets_no_edits() {
    let text =
        "Prose.[^a]\n\n[@e]: E\n  kind: org\n\n[^a]: A\n  url: https://a.example/\n  date: 2025\n";
    let mut ws = Workspace::new(PathBuf::from("."), Config::default());
    let file = ws.set_document(Document::new(PathBuf::from("a.news"), text.to_string()));
    assert_eq!(formatting::format(&ws, file), []);
    assert!(ws.file_id(Path::new("a.news")).is_some());
}

const FRAGMENTS: &[&str] = &[
    "Prose with @e1 and 13 soldiers.",
    "[^a]",
    "[^b]",
    "\n",
    "\r\n",
    "\n\n",
    "\r\n\r\n",
    "  \n",
    " ",
    "\t",
    "😀",
    "# Heading\n",
    "- item\n",
    "> quote\n",
    "```\n",
    "<!-- comment\n",
    "-->",
    "---\n",
    "[@e1]: Entity One\n",
    "[@e2]:Entity Two  \n",
    "[@]: No id\n",
    "[^a]: Source A\n",
    "[^b]:   Source B\n",
    "[^c]:\n",
    "  kind: org\n",
    "  kind:press\n",
    "\tkind :  person\n",
    "  url: https://example.org/\n",
    "  url:\n",
    "  by: @e1\n",
    "  zeta: unknown\n",
    "  date: 2025-01-01\n",
    "  aliases: One, E1\n",
    "  not a field line\n",
    "  archive: https://web.archive.org/x\r\n",
    "  wikidata: Q1\r\n",
    "\r",
    "[@e3]: Three\r",
    "  kind: place\r",
    "[^d]: D ]: with a colon\n",
    "  note: a: b\n",
];

fn article() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn formatting_is_idempotent_and_leaves_prose_alone(text in article()) {
        let once = format_text(&text);
        check(&text, &once);
        // Outside definitions and the blank lines between them, not a byte changes: the text
        // with every definition run cut out is the same before and after.
        prop_assert_eq!(outside_definitions(&text), outside_definitions(&once));
    }
}

/// The text with each run of definitions (and the blank lines inside it) replaced by `<defs>`.
fn outside_definitions(text: &str) -> String {
    let syntax = syntax::parse(text);
    let mut out = String::new();
    let mut last = 0;
    let defs = &syntax.definitions;
    let mut i = 0;
    while i < defs.len() {
        let start = defs[i].range.start;
        let mut end = defs[i].range.end;
        while i + 1 < defs.len()
            && text[end..defs[i + 1].range.start]
                .bytes()
                .all(|b| b.is_ascii_whitespace())
        {
            i += 1;
            end = defs[i].range.end;
        }
        out.push_str(&text[last..start]);
        out.push_str("<defs>");
        last = end;
        i += 1;
    }
    out.push_str(&text[last..]);
    out
}

/// The formatter's order is the one docs/markup.md and the example use (`by:` first in a
/// source): formatting the example's definitions moves no field.
#[test]
fn the_example_is_already_in_the_formatters_order() {
    for file in [
        "examples/kursk/kursk-pows.news",
        "examples/kursk/entities.news",
    ] {
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
        let fields = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| l.starts_with("  ") && l.contains(": "))
                .map(|l| l.trim().split(':').next().unwrap().to_string())
                .collect()
        };
        assert_eq!(fields(&format_text(&text)), fields(&text), "{file}");
    }
}
