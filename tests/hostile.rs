//! Hostile documents: whatever the input, parsing and every rule finish without a panic, and in
//! time linear in its size. No test measures time (CI machines vary); the sizes are chosen so
//! that a quadratic path would take minutes while a linear one takes well under a second in a
//! debug build. `cargo bench --bench hostile` prints the timings at two sizes (see
//! docs/reliability.md, "Hostile input").

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use newsmark::config::Config;
use newsmark::features::{completion, hover};
use newsmark::rules;
use newsmark::syntax::{Encoding, parse};
use newsmark::workspace::{Document, Workspace};

/// Size of each hostile document: big enough that quadratic work shows, small enough for debug.
/// Cases with a finding every few bytes are divided down: a debug build spends most of its
/// time formatting hundreds of thousands of messages.
const SIZE: usize = 1 << 20;

/// Parses and checks the named case of [`common::hostile_cases`]; also asks for the position
/// of every diagnostic, as the CLI and the server do.
fn survive(name: &str, size: usize) {
    let (_, text) = common::hostile_cases(size)
        .into_iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no hostile case named {name}"));
    let syntax = parse(&text);
    assert_eq!(syntax.prose_mask.len(), text.len(), "{name}");
    let mut ws = Workspace::new(PathBuf::from("."), Config::default());
    let id = ws.set_document(Document::new(PathBuf::from("hostile.news"), text));
    let doc = ws.document(id);
    for d in rules::check(&ws, id) {
        assert!(
            d.range.start <= d.range.end && d.range.end <= doc.text.len(),
            "{name}"
        );
        doc.line_index
            .position(&doc.text, d.range.start, Encoding::Utf16);
    }
}

macro_rules! hostile {
    ($($test:ident: $name:literal $(/ $divisor:literal)?,)*) => {
        $(
            #[test]
            fn $test() {
                survive($name, SIZE $(/ $divisor)?);
            }
        )*
    };
}

hostile! {
    long_line_of_prose: "long line of prose",
    nested_brackets: "nested [",
    nested_brackets_with_text: "nested [ with text" / 4,
    nested_citations: "nested [^a",
    unclosed_brackets: "unclosed [",
    unclosed_braces: "unclosed {",
    unclosed_parentheses: "unclosed (",
    unclosed_backticks: "unclosed `",
    unclosed_backticks_separated: "unclosed ` separated",
    backtick_runs_of_growing_length: "growing ` runs",
    unclosed_comments: "unclosed <!--",
    unclosed_comments_on_many_lines: "unclosed <!-- lines",
    unclosed_quotes: "unclosed \"",
    unclosed_quotes_between_words: "unclosed \" words",
    unclosed_angle_brackets: "unclosed <",
    at_signs: "@ signs",
    glued_mentions: "@a repeated",
    mentions: " @a repeated" / 4,
    numbers_only: "numbers only" / 4,
    digits_only: "digits only",
    numbers_and_quotes_in_one_sentence: "numbers and quotes, one sentence" / 4,
    nul_and_control_bytes: "NUL and control bytes" / 4,
    claim_tails: "]{ run",
    link_tails: "]( run",
    citation_openers: "[^ run",
    links_never_closed: "[a]( unclosed run",
    claim_attributes_never_closed: "[a]{ unclosed run" / 4,
    empty_links_to_nothing: "[](@ run",
    backslashes: "backslash run",
    url_followed_by_closing_parentheses: "URL with ) run",
    url_followed_by_full_stops: "URL with . run",
    dotted_token: "dotted token",
    claim_spans_and_numbers: "claim spans and numbers" / 4,
    scale_word_fragments: "scale-word fragments",
    ellipses: "ellipsis run",
    crlf_only: "CRLF only",
    cr_only: "CR only",
    cr_separated_article: "CR-separated article",
    duplicate_definitions: "definition heads",
    suppression_comments: "suppressed lines",
    headings: "headings",
    list_markers: "list markers" / 4,
    table_cells: "table cells" / 4,
    blockquote_markers: "blockquote markers",
    front_matter_only: "front matter only",
}

#[test]
fn every_case_has_a_test() {
    let source = include_str!("hostile.rs");
    for (name, _) in common::hostile_cases(64) {
        assert!(
            source.contains(&format!("{name:?}")),
            "hostile case {name:?} has no test"
        );
    }
}

#[test]
fn a_five_megabyte_line() {
    let text = common::hostile_long_line(5 << 20);
    assert!(!text.contains('\n'));
    assert!(common::hostile_check(&text) > 0);
}

#[test]
fn a_hundred_thousand_brackets_nested_and_unclosed() {
    let n = 100_000;
    for text in [
        format!("{}{}", "[".repeat(n), "]".repeat(n)),
        "[".repeat(n),
        "{".repeat(n),
        "(".repeat(n),
        "`".repeat(n),
        "<!--".repeat(n),
        "\"".repeat(n),
    ] {
        common::hostile_check(&text);
    }
}

#[test]
fn a_million_at_signs() {
    common::hostile_check(&"@".repeat(1_000_000));
    common::hostile_check(&"@a".repeat(1_000_000));
}

#[test]
fn a_large_registry_still_answers_hover_and_completion() {
    // The issue's 100,000 entities, with two aliases each (`cargo bench --bench hostile`
    // times it: about a second to index, milliseconds per completion).
    let (registry, article) = common::hostile_registry(100_000);
    let mut ws = Workspace::new(PathBuf::from("."), Config::default());
    let reg = ws.set_document(Document::new(PathBuf::from("entities.news"), registry));
    let art = ws.set_document(Document::new(PathBuf::from("a.news"), article.clone()));
    rules::check(&ws, art);
    rules::check(&ws, reg);
    let at = article.find('@').unwrap() + 1;
    assert!(hover::hover(&ws, art, at).is_some());
    let list = completion::complete(&ws, art, article.len()).expect("ids are offered after @e");
    assert!(!list.items.is_empty());
    assert!(hover::hover(&ws, reg, 3).is_some());
}

// ---------------------------------------------------------------------------------------------
// The CLI on hostile files and directories.

fn newsmark(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_newsmark"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn write(dir: &Path, path: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A workspace directory of its own (with a config file, so the root is found right there).
fn workspace_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "newsmark.toml", "");
    write(dir.path(), "good.news", "They lost 13 soldiers.\n");
    dir
}

fn good_file_was_checked(out: &Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("good.news:1:11: warning[unattributed-number]"),
        "{stdout}"
    );
}

#[test]
fn cli_reports_invalid_utf8_and_binary_files_by_name_and_checks_the_rest() {
    let dir = workspace_dir();
    write(dir.path(), "latin1.news", b"Caf\xe9 13 soldiers.\n");
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 151 % 256) as u8).collect();
    write(dir.path(), "image.news", binary);
    let out = newsmark(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("latin1.news: not UTF-8 (invalid byte at offset 3)"),
        "{stderr}"
    );
    assert!(stderr.contains("image.news: not UTF-8"), "{stderr}");
    good_file_was_checked(&out);
}

#[cfg(unix)]
#[test]
fn cli_terminates_on_a_symlink_loop() {
    let dir = workspace_dir();
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("a/b/up")).unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("a/root")).unwrap();
    let out = newsmark(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("loop"), "{stderr}");
    good_file_was_checked(&out);
    // The good file is reported once, not once per path through the loop.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.matches("warning[unattributed-number]").count(),
        1,
        "{stdout}"
    );
}

#[cfg(unix)]
#[test]
fn cli_reports_a_file_that_vanished_after_listing() {
    // A dangling symlink is what a file deleted between listing and reading looks like.
    let dir = workspace_dir();
    std::os::unix::fs::symlink("gone.news", dir.path().join("x.news")).unwrap();
    let out = newsmark(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("x.news"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    good_file_was_checked(&out);
    // Named directly, it is reported the same way.
    let out = newsmark(dir.path(), &["check", "x.news", "good.news"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("x.news"), "{stderr}");
    good_file_was_checked(&out);
}

#[test]
fn cli_on_a_long_line_with_many_findings() {
    // Every diagnostic of a one-line file shows a window of that line, not all of it.
    let dir = workspace_dir();
    write(dir.path(), "long.news", common::hostile_long_line(1 << 18));
    for format in ["human", "json", "github"] {
        let out = newsmark(dir.path(), &["check", "--format", format, "long.news"]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(
            out.stdout.len() < 64 << 20,
            "{format}: {} bytes",
            out.stdout.len()
        );
    }
}

#[test]
fn cli_on_nul_bytes_and_crlf() {
    let dir = workspace_dir();
    write(dir.path(), "nul.news", common::hostile_control(1 << 16));
    write(dir.path(), "crlf.news", "\r\n".repeat(1 << 16));
    write(dir.path(), "cr.news", "It cost 5 bn.\r".repeat(1 << 12));
    let out = newsmark(dir.path(), &["check"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("cr.news:4096:9"), "CR alone breaks lines");
    good_file_was_checked(&out);
}

/// An article over the size limit (16 MiB by default): the prose rules stop at the first
/// block past it, one `size-limit` note says where, and references are checked to the end.
#[test]
fn an_article_over_the_limit_is_checked_in_part_and_says_so() {
    let mut text = common::hostile_repeat(
        "Officials said 12 missiles hit Kyiv.[^s1]\n\n",
        newsmark::config::DEFAULT_PROSE_BYTES + 4096,
    );
    text.push_str("The last 3,000 people left. @ghost\n\n[^s1]: Kyiv city administration\n  url: https://example.org\n  date: 2025-01-01\n");
    let mut ws = Workspace::new(PathBuf::from("."), Config::default());
    let id = ws.set_document(Document::new(PathBuf::from("big.news"), text));
    let found = rules::check(&ws, id);
    let rules: Vec<&str> = found.iter().map(|d| d.rule.id()).collect();
    assert_eq!(rules, ["size-limit", "undefined-entity"]);
    assert!(found[0].range.end <= newsmark::config::DEFAULT_PROSE_BYTES + 64);
    assert!(
        found[0].message.contains("16.0 MiB"),
        "{}",
        found[0].message
    );
}
