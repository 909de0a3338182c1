//! Folding ranges: front matter, definitions, nested sections and multi-line comments.

mod common;

use std::fmt::Write;
use std::path::Path;

use insta::assert_snapshot;
use newsmark::features::folding::{self, FoldKind};

/// Each fold as its kind and lines (1-based, as an editor shows them) with the text of its
/// first and last line. Checks that folds are sorted and that their lines are their range's.
fn show(fixture: &str) -> String {
    let ws = common::workspace(fixture);
    let file = ws.file_id(Path::new("a.news")).unwrap();
    let doc = ws.document(file);
    let folds = folding::folds(&ws, file);
    let mut out = String::new();
    for (i, f) in folds.iter().enumerate() {
        if i > 0 {
            assert!(folds[i - 1].start_line <= f.start_line);
        }
        assert!(f.end_line > f.start_line);
        assert_eq!(doc.line_index.line_of(f.range.start) as u32, f.start_line);
        let line = |n: u32| {
            let r = doc.line_index.line_range(&doc.text, n as usize);
            &doc.text[r.start..r.end]
        };
        let kind = match f.kind {
            FoldKind::Region => "region",
            FoldKind::Comment => "comment",
        };
        writeln!(
            out,
            "{kind} {}-{}: {:?} … {:?}",
            f.start_line + 1,
            f.end_line + 1,
            line(f.start_line),
            line(f.end_line)
        )
        .unwrap();
    }
    if out.is_empty() {
        out.push_str("(none)\n");
    }
    out
}

#[test]
fn front_matter_definitions_sections_and_comments() {
    assert_snapshot!(show(
        "//- a.news
---
title: Folding
status: draft
---

Intro before any heading.

# One

Text of one.
<!-- a comment
over two lines -->

## One point one

Text.

```
<!-- not a comment:
code -->
```

### Deep
Deep text.

## One point two
Text.
# Two <!-- a comment opened
in a heading -->
Text of two.

<!-- newsmark-disable
unattributed-number -->

[@ssu]: Security Service
  kind: org

[@one-line]: One line

[^src]: Source
  url: https://example.org/
  <!-- a malformed field line is part of it -->



"
    ));
}

#[test]
fn a_file_without_folds() {
    // One-line comments, one-line definitions and a heading with nothing under it.
    assert_snapshot!(show(
        "//- a.news\nJust <!-- one-line --> prose.\n\n[@a]: One line\n\n# Heading alone\n\n"
    ));
}

#[test]
fn crlf_and_multibyte_text() {
    assert_snapshot!(show(
        "//- a.news
---\r
title: Überschrift 😀\r
---\r
# Eins 😀\r
Text „eins“.\r
<!-- Kommentar\r
über zwei Zeilen -->\r
## Zwei\r
Text.\r
\r
[@ü]: Ü\r
  kind: org\r
"
    ));
}
