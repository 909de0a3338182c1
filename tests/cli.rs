//! `newsmark check` end to end: the real binary on real files.

use std::path::Path;

use insta::assert_snapshot;

mod common;
use common::cli::{newsmark, stderr, stdout, write};

const REGISTRY: &str = "[@ssu]: Security Service of Ukraine\n  kind: org\n";

#[test]
fn the_shipped_example_shows_only_real_findings() {
    let out = newsmark(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", "examples"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_snapshot!(stdout(&out));
}

#[test]
fn json_has_exactly_the_documented_keys_and_counts_columns_in_characters() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.news", "😀 é 北 lost 13 soldiers.\n");
    let out = newsmark(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = json["findings"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let item = items[0].as_object().unwrap();
    let mut keys: Vec<&str> = item.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "column",
            "end_column",
            "end_line",
            "file",
            "line",
            "message",
            "rule",
            "severity"
        ]
    );
    assert_eq!(item["file"], "a.news");
    assert_eq!(
        (item["line"].as_u64(), item["column"].as_u64()),
        (Some(1), Some(12))
    );
    assert_eq!(
        (item["end_line"].as_u64(), item["end_column"].as_u64()),
        (Some(1), Some(14))
    );
    assert_eq!(item["severity"], "warning");
    assert_eq!(item["rule"], "unattributed-number");
}

#[test]
fn every_severity_is_in_json_and_hints_do_not_fail_the_check() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "entities.news", REGISTRY);
    write(
        dir.path(),
        "a.news",
        "The Security Service of Ukraine spoke.\n",
    );
    let out = newsmark(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["findings"][0]["severity"], "hint");
    assert_eq!(json["findings"][0]["rule"], "unlinked-mention");
}

#[test]
fn exit_status_follows_errors_and_deny_warnings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "warn.news", "The unit lost 13 soldiers.\n");
    let out = newsmark(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0));
    let out = newsmark(dir.path(), &["check", "--deny", "warnings"]);
    assert_eq!(out.status.code(), Some(1));
    write(dir.path(), "error.news", "@nobody was there.\n");
    let out = newsmark(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let out = newsmark(dir.path(), &["check", "--format", "nonsense"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn human_output_has_location_excerpt_and_summary() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.news",
        "Intro.\n\nThe unit lost 13 soldiers.\n",
    );
    let out = newsmark(dir.path(), &["check", "a.news"]);
    assert_snapshot!(stdout(&out));
}

#[test]
fn github_annotations() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.news",
        "The unit lost 13 soldiers, @x said.\n",
    );
    let out = newsmark(dir.path(), &["check", "--format", "github", "a.news"]);
    assert_snapshot!(stdout(&out));
}

#[test]
fn unreadable_and_non_utf8_files_are_named_and_the_rest_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bad.news", b"Caf\xe9 lost 13.\n");
    write(dir.path(), "good.news", "The unit lost 13 soldiers.\n");
    let out = newsmark(dir.path(), &["check", ".", "missing.news"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("bad.news: not UTF-8 (invalid byte at offset 3)"),
        "{err}"
    );
    assert!(
        err.contains("missing.news: no such file or directory"),
        "{err}"
    );
    assert!(stdout(&out).contains("good.news:1:15: warning[unattributed-number]"));
}

#[test]
fn a_bad_config_is_reported_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "newsmark.toml",
        "[rules]\nunattributed-number = \"loud\"\n",
    );
    write(dir.path(), "a.news", "Fine.\n");
    let out = newsmark(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("newsmark.toml:2:23: unknown variant `loud`"),
        "{err}"
    );

    write(dir.path(), "newsmark.toml", "[rulez]\n");
    let err = stderr(&newsmark(dir.path(), &["check"]));
    assert!(
        err.contains("newsmark.toml:1:2: unknown field `rulez`"),
        "{err}"
    );
}

#[test]
fn the_workspace_root_is_the_nearest_newsmark_toml() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "newsmark.toml",
        "[rules]\nunattributed-number = \"error\"\n",
    );
    write(dir.path(), "registry/entities.news", REGISTRY);
    write(dir.path(), "desk/world/a.news", "@ssu lost 13 soldiers.\n");
    // Checking one file deep down still finds the registry and the configuration above it.
    let out = newsmark(
        &dir.path().join("desk"),
        &["check", "world/a.news", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["unattributed-number"]);
    assert_eq!(json["findings"][0]["severity"], "error");
    assert_eq!(json["findings"][0]["file"], "world/a.news");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn without_a_config_the_checked_directory_is_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "entities.news", REGISTRY);
    write(dir.path(), "sub/a.news", "@ssu spoke.\n");
    let out = newsmark(dir.path(), &["check", "sub"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("undefined-entity"));
    let out = newsmark(dir.path(), &["check", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn a_loose_file_without_a_config_sees_only_its_own_directory() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.news", "@ssu and @fsb spoke.\n");
    write(dir.path(), "entities.news", REGISTRY);
    write(
        dir.path(),
        "deeper/more.news",
        "[@fsb]: Federal Security Service\n  kind: org\n",
    );
    // The sibling registry counts; a subdirectory does not (no project is marked, so the
    // walk must not go down a home directory, or `/`).
    let out = newsmark(dir.path(), &["check", "a.news", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("@fsb"), "{messages:?}");
    // A directory, or a newsmark.toml, makes the whole tree the workspace again.
    let out = newsmark(dir.path(), &["check", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    write(dir.path(), "newsmark.toml", "");
    let out = newsmark(dir.path(), &["check", "a.news"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn in_a_git_repository_without_a_config_the_repository_is_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    // Only the marker matters (a worktree or submodule has a `.git` file instead).
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), "entities.news", REGISTRY);
    write(dir.path(), "desk/story.news", "@ssu spoke.\n");
    // As editors root the workspace at `.git`, the registry at the top counts for an article
    // checked alone, from the top or from its own directory.
    let out = newsmark(dir.path(), &["check", "desk/story.news"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        !stdout(&out).contains("undefined-entity"),
        "{}",
        stdout(&out)
    );
    let out = newsmark(&dir.path().join("desk"), &["check", "story.news", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("in 1 file checked"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn gitignored_files_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".gitignore", "drafts/\n");
    write(dir.path(), "drafts/a.news", "@nobody\n");
    write(dir.path(), "b.news", "Fine.\n");
    let out = newsmark(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("no problems in 1 file checked"));
}

#[test]
fn a_file_named_twice_is_checked_once_and_paths_stay_readable() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "newsmark.toml", "");
    write(dir.path(), "a/one.news", "The unit lost 5 soldiers.\n");
    write(dir.path(), "b/bad.news", b"\xff\n");
    let out = newsmark(
        &dir.path().join("a"),
        &["check", ".", "one.news", "./one.news"],
    );
    let text = stdout(&out);
    assert_eq!(text.matches("unattributed-number").count(), 1, "{text}");
    assert!(text.contains("in 1 file checked"), "{text}");
    // The root is the parent directory; files there are named from here, without `a/..`.
    let err = stderr(&out);
    assert!(err.contains("error: ../b/bad.news: not UTF-8"), "{err}");
}

#[test]
fn news_md_files_are_articles_too() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "entities.news.md", REGISTRY);
    write(dir.path(), "a.news.md", "@ssu lost 13 soldiers.\n");
    write(dir.path(), "notes.md", "@nobody lost 14 soldiers.\n");
    let out = newsmark(dir.path(), &["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(&str, &str)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["file"].as_str().unwrap(), d["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [("a.news.md", "unattributed-number")]);
}

#[test]
fn json_report_is_one_document_with_findings_errors_and_summary() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.news",
        "The unit lost 13 soldiers, @x said.\n\n\"We will keep working on this for ever,\" he said.\n",
    );
    write(dir.path(), "b.news", b"Caf\xe9\n");
    let out = newsmark(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    assert_snapshot!(stdout(&out));
}

#[test]
fn sarif_report() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "entities.news",
        "[@ssu]: Security Service\n  kind: org\n\n[@ssu]: SSU\n  kind: org\n",
    );
    write(
        dir.path(),
        "desk/a b.news",
        "The unit lost 13 soldiers, @x said.\n",
    );
    let out = newsmark(
        dir.path(),
        &[
            "check",
            "--format",
            "sarif",
            "--rules-url",
            "https://example.org/rules.md",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pretty = serde_json::to_string_pretty(&value["runs"][0]["results"]).unwrap();
    assert_snapshot!(pretty);
}
