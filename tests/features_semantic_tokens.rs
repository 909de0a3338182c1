//! Semantic tokens over small fixtures: every token type and modifier, cutting at line breaks
//! and around nested tokens, range requests, and agreement with the attribution rules.

mod common;

use std::path::{Path, PathBuf};

use insta::assert_snapshot;
use newsmark::config::Config;
use newsmark::features::semantic_tokens::{
    self, TOKEN_MODIFIERS, TOKEN_TYPES, Token, TokenType, modifier,
};
use newsmark::rules::{self, Rule};
use newsmark::syntax::TextRange;
use newsmark::workspace::{Document, FileId, Workspace};

/// The tokens of `path`, each under its line with its type and modifiers. Checks the shape on
/// the way: sorted, not overlapping, not empty, on one line, on character boundaries.
fn show(ws: &Workspace, path: &str) -> String {
    let file = ws.file_id(Path::new(path)).expect("file in the fixture");
    let tokens = semantic_tokens::tokens(ws, file);
    check_shape(ws, file, &tokens);
    let items: Vec<(TextRange, String)> = tokens
        .iter()
        .map(|t| {
            let mut note = t.kind.as_str().to_string();
            for name in semantic_tokens::modifier_names(t.modifiers) {
                note.push('.');
                note.push_str(name);
            }
            (t.range, note)
        })
        .collect();
    common::annotate_lines(ws, file, &items)
}

fn check_shape(ws: &Workspace, file: FileId, tokens: &[Token]) {
    let text = &ws.document(file).text;
    for (i, t) in tokens.iter().enumerate() {
        assert!(!t.range.is_empty(), "empty token {t:?}");
        assert!(t.range.end <= text.len());
        assert!(text.is_char_boundary(t.range.start) && text.is_char_boundary(t.range.end));
        let slice = &text[t.range.start..t.range.end];
        assert!(!slice.contains(['\n', '\r']), "token crosses a line: {t:?}");
        if i > 0 {
            assert!(tokens[i - 1].range.end <= t.range.start, "overlap at {t:?}");
        }
    }
}

const REGISTRY: &str = "//- entities.news
[@blinken]: Antony Blinken
  kind: person
  aliases: Blinken

[@ssu]: Security Service of Ukraine
  kind: org

[@kyiv]: Kyiv
  kind: place

[@sso]: Special Operations Forces
  kind: unit

[@kursk-op]: Kursk operation
  kind: event

[@report]: The annual report
  kind: work

[@misc]: Something else
  kind: other

[@kindless]: No kind given
";

#[test]
fn every_type_and_modifier() {
    let fixture = format!(
        "{REGISTRY}//- article.news
---
title: Two soldiers captured
date: 2025-01-12
---

# 13 soldiers captured near @kyiv

@blinken met [the SSU](@ssu) and @sso during @kursk-op, as @report, @misc, @kindless and @nobody say.
The army lost 40 tanks in 2024.[^gs] It lost 12 more.
Officials said 30 had fled. He [counted 7]{{@blinken}}.
[Exactly 20]{{^gs status=confirmed}} [or 21]{{status=reported}} [22]{{status=disputed note=x}} [23]{{status=unverified}} [24]{{status=false}} [25]{{}}.

<!-- newsmark-disable-next-line unattributed-number -->
\"We saw 300 of them from the road,\" one of them recalled.

[^gs]: General Staff report
  by: @ssu
  url: https://example.org/
"
    );
    let ws = common::workspace(&fixture);
    let out = show(&ws, "article.news");

    // The fixture is meant to hold every type and modifier; say so if it stops doing that.
    let file = ws.file_id(Path::new("article.news")).unwrap();
    let registry = ws.file_id(Path::new("entities.news")).unwrap();
    let all: Vec<Token> = semantic_tokens::tokens(&ws, file)
        .into_iter()
        .chain(semantic_tokens::tokens(&ws, registry))
        .collect();
    for kind in TokenType::ALL {
        assert!(all.iter().any(|t| t.kind == kind), "no {kind:?} token");
    }
    for (bit, name) in TOKEN_MODIFIERS.iter().enumerate() {
        assert!(
            all.iter().any(|t| t.modifiers & (1 << bit) != 0),
            "no token with modifier {name}"
        );
    }
    assert_snapshot!(format!(
        "{out}== entities.news ==\n{}",
        show(&ws, "entities.news")
    ));
}

#[test]
fn the_legend_is_in_protocol_order() {
    for (i, kind) in TokenType::ALL.iter().enumerate() {
        assert_eq!(kind.index() as usize, i);
        assert_eq!(kind.as_str(), TOKEN_TYPES[i]);
        assert!(!kind.fallback().is_empty());
    }
    let bits = [
        modifier::DEFINITION,
        modifier::CONFIRMED,
        modifier::REPORTED,
        modifier::DISPUTED,
        modifier::UNVERIFIED,
        modifier::FALSE,
        modifier::UNATTRIBUTED,
        modifier::UNSOURCED,
        modifier::DIRECTIVE,
    ];
    assert_eq!(bits.len(), TOKEN_MODIFIERS.len());
    for (i, bit) in bits.into_iter().enumerate() {
        assert_eq!(bit, 1 << i);
        assert_eq!(semantic_tokens::modifier_names(bit), [TOKEN_MODIFIERS[i]]);
    }
}

#[test]
fn multi_line_constructs_are_cut_at_line_breaks_and_around_what_they_hold() {
    let fixture = format!(
        "{REGISTRY}//- article.news
He [claimed that @blinken
had seen 20 of them[^gs]
near [the capital](@kyiv)]{{^gs @ssu status=disputed}} on Monday.
The [Security
Service](@ssu) agreed. <!-- newsmark-disable
unattributed-number -->Then 5 left.

[^gs]: General Staff report
"
    );
    let ws = common::workspace(&fixture);
    assert_snapshot!(show(&ws, "article.news"));
}

#[test]
fn crlf_and_multibyte_text_keep_exact_ranges() {
    let fixture = format!(
        "{REGISTRY}//- article.news
---\r
title: Überschrift 😀\r
---\r
\r
Der Minister 😀 @blinken traf „[die Behörde](@ssu)“ – 40 Mann.[^q]\r
[Über 30 👍]{{^q status=unverified}} sagte er.\r
\r
[^q]: Quelle „eins“\r
  url: https://example.org/ü\r
"
    );
    let ws = common::workspace(&fixture);
    assert_snapshot!(show(&ws, "article.news"));
}

#[test]
fn range_requests_give_the_tokens_touching_the_range() {
    let fixture = format!(
        "{REGISTRY}//- article.news
# Heading with @kyiv

He [claimed that @blinken
had seen 20 of them
near [the capital](@kyiv)]{{^gs status=disputed}} on Monday.[^gs]

Another 12 @ssu paragraphs.
[two
lines](@ssu)10,000[the SSU](@ssu) is read as one number running into a mention.

[^gs]: General Staff report
  by: @ssu
"
    );
    let ws = common::workspace(&fixture);
    let file = ws.file_id(Path::new("article.news")).unwrap();
    let text = ws.document(file).text.clone();
    let all = semantic_tokens::tokens(&ws, file);
    for start in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
        for len in [0, 1, 7, 30, 200] {
            let mut end = (start + len).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            let range = TextRange::new(start, end);
            let some = semantic_tokens::tokens_in_range(&ws, file, range);
            check_shape(&ws, file, &some);
            let touching: Vec<Token> = all
                .iter()
                .copied()
                .filter(|t| t.range.start <= range.end && range.start <= t.range.end)
                .collect();
            assert_eq!(some, touching, "range {range:?}");
        }
    }
}

#[test]
fn numbers_are_marked_as_the_rules_judge_them() {
    let config = Config::default();
    let mut ws = Workspace::new(PathBuf::from("examples/kursk"), config);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kursk");
    for name in ["entities.news", "kursk-pows.news"] {
        let text = std::fs::read_to_string(root.join(name)).unwrap();
        ws.set_document(Document::new(PathBuf::from(name), text));
    }
    let file = ws.file_id(Path::new("kursk-pows.news")).unwrap();
    let tokens = semantic_tokens::tokens(&ws, file);
    check_shape(&ws, file, &tokens);
    let findings = rules::check(&ws, file);
    let reported = |rule: Rule, range: TextRange| {
        findings
            .iter()
            .any(|f| f.rule == rule && f.range.contains_range(range))
    };
    let numbers: Vec<&Token> = tokens
        .iter()
        .filter(|t| t.kind == TokenType::Number)
        .collect();
    assert!(numbers.len() > 5);
    for t in &numbers {
        let unattributed = t.modifiers & modifier::UNATTRIBUTED != 0;
        let by_rules = reported(rules::unattributed_number::RULE, t.range)
            || reported(rules::unattributed_quote::RULE, t.range);
        assert_eq!(unattributed, by_rules, "{t:?}");
    }
    for f in findings
        .iter()
        .filter(|f| f.rule == rules::unattributed_number::RULE)
    {
        assert!(
            numbers
                .iter()
                .any(|t| t.range == f.range && t.modifiers & modifier::UNATTRIBUTED != 0),
            "{f:?}"
        );
    }
}

#[test]
fn an_article_over_the_size_limit_has_tokens_where_its_prose_is_checked() {
    let fixture = "//- newsmark.toml
[limits]
prose-bytes = 40
//- entities.news
[@ssu]: Security Service of Ukraine
  kind: org
//- a.news
@ssu lost 13 soldiers.[^s]

@ssu lost 14 more.

[^s]: A source
";
    let ws = common::workspace(fixture);
    let file = ws.file_id(Path::new("a.news")).unwrap();
    let tokens = semantic_tokens::tokens(&ws, file);
    let end = rules::prose_end(&ws, file);
    assert_eq!(end, "@ssu lost 13 soldiers.[^s]\n\n".len());
    assert!(!tokens.is_empty() && tokens.iter().all(|t| t.range.start < end));
    // An edit keeps to the same limit.
    let mut edited = common::workspace(fixture);
    let old_text = ws.document(file).text.clone();
    edited.set_document(Document::new(
        PathBuf::from("a.news"),
        format!("The {old_text}"),
    ));
    let updated = semantic_tokens::update(&edited, file, &old_text, &tokens);
    assert_eq!(updated, semantic_tokens::tokens(&edited, file));
}
