//! End-to-end tests of `newsmark lsp`: framed JSON-RPC against the real server, in process.

mod baseline;
mod editors;
mod harness;
mod no_data_loss;
mod panics;
mod preview;

use std::path::{Path, PathBuf};

use harness::{Client, summary, uri};
use serde_json::{Value, json};

const REGISTRY: &str = "[@blinken]: Antony Blinken
  kind: person
  role: U.S. Secretary of State
  aliases: Blinken, Secretary Blinken

[@ssu]: Security Service of Ukraine
  kind: org
  aliases: SSU
";

fn workspace(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    (dir, root)
}

fn utf16_client() -> Value {
    json!({
        "general": {"positionEncodings": ["utf-16"]},
        "window": {"workDoneProgress": true},
        "workspace": {
            "workspaceEdit": {"documentChanges": true},
            "didChangeWatchedFiles": {"dynamicRegistration": true}
        }
    })
}

async fn started(root: &Path) -> Client {
    let (mut client, _) = Client::start(utf16_client(), &[root]).await;
    // Indexing ends with a progress `end`; after it the whole workspace is known.
    client
        .wait_for("$/progress", |p| p["value"]["kind"] == "end")
        .await;
    client
}

fn position(line: u64, character: u64) -> Value {
    json!({"line": line, "character": character})
}

fn at(uri: &str, line: u64, character: u64) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position(line, character)})
}

#[tokio::test]
async fn initialize_negotiates_utf8_when_offered_and_advertises_what_works() {
    let (_dir, root) = workspace(&[]);
    let (client, result) = Client::start(
        json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
        &[&root],
    )
    .await;
    let caps = &result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-8");
    assert_eq!(caps["textDocumentSync"]["change"], 2);
    for provider in [
        "hoverProvider",
        "completionProvider",
        "definitionProvider",
        "referencesProvider",
        "renameProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
        "documentHighlightProvider",
    ] {
        assert!(!caps[provider].is_null(), "{provider} missing");
    }
    // No pull support offered: diagnostics are pushed, and pull is not advertised.
    assert!(caps["diagnosticProvider"].is_null());
    client.shutdown().await;

    let (client, result) = Client::start(json!({}), &[&root]).await;
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    client.shutdown().await;
}

/// The registry's metadata reaches the client: an unused source is tagged unnecessary (so
/// editors fade it), other findings are not.
#[tokio::test]
async fn an_unused_source_is_tagged_unnecessary() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let mut client = started(&root).await;
    let article = uri(&root.join("a.news"));
    let text =
        "@ghost spoke.\n\n[^old]: Never cited\n  url: https://example.org\n  date: 2025-01-01\n";
    client.open(&article, 1, text).await;
    let diagnostics = client.diagnostics(&article, 1).await;
    let tags: Vec<(String, Value)> = diagnostics
        .iter()
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["tags"].clone()))
        .collect();
    assert_eq!(
        tags,
        [
            ("undefined-entity".to_string(), Value::Null),
            ("unused-source".to_string(), json!([1])),
        ]
    );
    client.shutdown().await;
}

#[tokio::test]
async fn diagnostics_on_open_and_change_with_utf16_positions() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let mut client = started(&root).await;
    let article = uri(&root.join("a.news"));
    // Emoji (two UTF-16 units) and CJK before the mention and the number.
    let text = "😀 北京 @ghost lost 13 soldiers.\n";
    client.open(&article, 1, text).await;
    let diagnostics = client.diagnostics(&article, 1).await;
    assert_eq!(
        summary(&diagnostics),
        [
            ("unattributed-number".to_string(), 0, 18, 0, 20),
            ("undefined-entity".to_string(), 0, 6, 0, 12),
        ]
    );
    assert_eq!(diagnostics[0]["source"], "newsmark");

    // Replace `@ghost` with `@ssu`: the error goes away.
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": article, "version": 2},
                "contentChanges": [{"range": {"start": position(0, 6), "end": position(0, 12)}, "text": "@ssu"}]
            }),
        )
        .await;
    let diagnostics = client.diagnostics(&article, 2).await;
    assert_eq!(
        summary(&diagnostics),
        [("unattributed-number".to_string(), 0, 16, 0, 18)]
    );
    client.shutdown().await;
}

#[tokio::test]
async fn utf8_positions_when_negotiated() {
    let (_dir, root) = workspace(&[]);
    let (mut client, _) = Client::start(
        json!({"general": {"positionEncodings": ["utf-8"]}}),
        &[&root],
    )
    .await;
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, "😀 北京 @ghost\n").await;
    let diagnostics = client.diagnostics(&article, 1).await;
    // 4 bytes + space + 6 bytes + space.
    assert_eq!(
        summary(&diagnostics),
        [("undefined-entity".to_string(), 0, 12, 0, 18)]
    );
    client.shutdown().await;
}

#[tokio::test]
async fn crlf_documents_keep_exact_positions() {
    let (_dir, root) = workspace(&[]);
    let (mut client, _) = Client::start(utf16_client(), &[&root]).await;
    let article = uri(&root.join("a.news"));
    client
        .open(&article, 1, "Intro.\r\n\r\nLost 13 soldiers.\r\n@x\r\n")
        .await;
    let diagnostics = client.diagnostics(&article, 1).await;
    assert_eq!(
        summary(&diagnostics),
        [
            ("unattributed-number".to_string(), 2, 5, 2, 7),
            ("undefined-entity".to_string(), 3, 0, 3, 2),
        ]
    );
    // An edit on the CRLF line lands where the client meant.
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": article, "version": 2},
                "contentChanges": [{"range": {"start": position(2, 5), "end": position(2, 7)}, "text": "dozens of"}]
            }),
        )
        .await;
    let diagnostics = client.diagnostics(&article, 2).await;
    assert_eq!(
        summary(&diagnostics),
        [
            ("unattributed-number".to_string(), 2, 5, 2, 11),
            ("undefined-entity".to_string(), 3, 0, 3, 2),
        ]
    );
    client.shutdown().await;
}

#[tokio::test]
async fn a_burst_of_edits_ends_where_a_fresh_open_does() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let mut client = started(&root).await;
    let article = uri(&root.join("a.news"));
    let mut model = String::from("Start.\n");
    client.open(&article, 1, &model).await;
    // 2,000 edits without waiting: insertions at varying places, and deletions.
    let pieces = [
        "@ssu ",
        "13 ",
        "said ",
        "“a b c” ",
        "\n",
        "[^s] ",
        "x",
        "😀",
    ];
    let mut seed: u64 = 7;
    for version in 2..=2001 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let lines: Vec<&str> = model.split('\n').collect();
        let line = (seed >> 33) as usize % lines.len();
        let line_text = lines[line];
        let chars: Vec<char> = line_text.chars().collect();
        let col_chars = (seed >> 20) as usize % (chars.len() + 1);
        let utf16_col: usize = chars[..col_chars].iter().map(|c| c.len_utf16()).sum();
        let line_start: usize = lines[..line].iter().map(|l| l.len() + 1).sum();
        let byte_col: usize = chars[..col_chars].iter().map(|c| c.len_utf8()).sum();
        let at = line_start + byte_col;
        let (range_end_col, delete_bytes, insert) =
            if seed.is_multiple_of(5) && col_chars < chars.len() {
                let c = chars[col_chars];
                (utf16_col + c.len_utf16(), c.len_utf8(), "")
            } else {
                (utf16_col, 0, pieces[(seed >> 40) as usize % pieces.len()])
            };
        model.replace_range(at..at + delete_bytes, insert);
        client
            .notify(
                "textDocument/didChange",
                json!({
                    "textDocument": {"uri": article, "version": version},
                    "contentChanges": [{
                        "range": {"start": position(line as u64, utf16_col as u64), "end": position(line as u64, range_end_col as u64)},
                        "text": insert
                    }]
                }),
            )
            .await;
    }
    let after_edits = client.diagnostics(&article, 2001).await;
    let fresh = uri(&root.join("fresh.news"));
    client.open(&fresh, 1, &model).await;
    let after_open = client.diagnostics(&fresh, 1).await;
    assert!(!after_open.is_empty());
    assert_eq!(summary(&after_edits), summary(&after_open));
    // Stale versions were dropped: nothing older than the last edit arrives after it.
    client.shutdown().await;
}

/// Each keystroke re-judges only the sections it touched: after every edit, waited for one by
/// one, what is published equals a fresh open of the same text, message for message.
#[tokio::test]
async fn keystroke_diagnostics_equal_a_fresh_open_edit_by_edit() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let mut client = started(&root).await;
    let article = uri(&root.join("a.news"));
    let mut model = String::from(
        "# 40 die in Kursk\n\nThe SSU said 13 soldiers were held.\n\n## Talks\n\nOfficials said:\n\n- 12 tanks\n- 14 guns\n\n## Later\n\n\"We will not wait for them,\" she added. Sources said 40 died.\n",
    );
    client.open(&article, 1, &model).await;
    // (where: the text just after the edit's start, bytes deleted, text inserted): blank
    // lines that split and merge blocks and sections, a heading made and unmade, an
    // introduction, a list item, a quote, the headline.
    let edits: &[(&str, usize, &str)] = &[
        ("SSU said", 0, "x"),
        ("xSSU said", 1, ""),
        ("soldiers", 0, "\n\n"),
        ("\n\nsoldiers", 2, ""),
        (":\n\n- 12", 1, "."),
        (".\n\n- 12", 1, ":"),
        ("12 tanks", 0, "@blinken said 9 "),
        ("## Talks", 3, ""),
        ("Talks", 0, "## "),
        ("\"We will", 0, "> "),
        ("> \"We will", 2, ""),
        ("40 die", 2, "41"),
        (" Sources said", 0, " [^s]"),
        ("\n## Later", 1, ""),
        ("\n## Later", 0, "\n"),
    ];
    // Line and column of a byte offset (the text is ASCII).
    let position_at = |text: &str, at: usize| {
        let line = text[..at].matches('\n').count();
        let column = at - text[..at].rfind('\n').map_or(0, |k| k + 1);
        position(line as u64, column as u64)
    };
    for (k, &(anchor, delete, insert)) in edits.iter().enumerate() {
        let version = 2 + k as i64;
        let at = model
            .find(anchor)
            .expect("each edit's anchor is in the text");
        let range =
            json!({"start": position_at(&model, at), "end": position_at(&model, at + delete)});
        model.replace_range(at..at + delete, insert);
        client
            .notify(
                "textDocument/didChange",
                json!({
                    "textDocument": {"uri": article, "version": version},
                    "contentChanges": [{"range": range, "text": insert}]
                }),
            )
            .await;
        let edited = client.diagnostics(&article, version).await;
        let fresh = uri(&root.join(format!("fresh-{k}.news")));
        client.open(&fresh, 1, &model).await;
        let opened = client.diagnostics(&fresh, 1).await;
        let messages = |d: &[Value]| {
            d.iter()
                .map(|d| (d["range"].clone(), d["code"].clone(), d["message"].clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            messages(&edited),
            messages(&opened),
            "after edit {k}: {model:?}"
        );
        client
            .notify(
                "textDocument/didClose",
                json!({"textDocument": {"uri": fresh}}),
            )
            .await;
    }
    client.shutdown().await;
}

/// An edit of the registry in another file changes what an open article's near misses are:
/// the article is judged whole again, not from what its last analysis kept.
#[tokio::test]
async fn a_registry_edit_elsewhere_rejudges_an_open_article() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let mut client = started(&root).await;
    let article = uri(&root.join("a.news"));
    let registry = uri(&root.join("entities.news"));
    let text = "# Talks\n\n@blinken said the talks went on.\n";
    client.open(&article, 1, text).await;
    let before = client.diagnostics(&article, 1).await;
    assert!(
        !summary(&before).iter().any(|s| s.0 == "near-miss-name"),
        "no near miss while @blinken is defined: {:?}",
        summary(&before)
    );
    client.open(&registry, 1, REGISTRY).await;
    client.diagnostics(&registry, 1).await;
    let mut version = 1;
    for (id, near_miss) in [("blinkem", true), ("blinken", false)] {
        version += 1;
        client
            .notify(
                "textDocument/didChange",
                json!({
                    "textDocument": {"uri": registry, "version": version},
                    "contentChanges": [{"text": REGISTRY.replace("[@blinken]", &format!("[@{id}]"))}]
                }),
            )
            .await;
        let after = client.diagnostics(&article, 1).await;
        assert_eq!(
            summary(&after).iter().any(|s| s.0 == "near-miss-name"),
            near_miss,
            "with [@{id}] in the registry: {:?}",
            summary(&after)
        );
    }
    client.shutdown().await;
}

#[tokio::test]
async fn hover_completion_definition_references_and_symbols() {
    let article_text = "# Visit\n\n@blinken met the SSU.[^s]\n\n[^s]: State Department briefing\n  by: @blinken\n  url: https://example.org\n  date: 2025-01-06\n";
    let (_dir, root) = workspace(&[("entities.news", REGISTRY), ("a.news", article_text)]);
    let mut client = started(&root).await;
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, article_text).await;
    client.diagnostics(&article, 1).await;

    let hover = client
        .request("textDocument/hover", at(&article, 2, 3))
        .await;
    let card = hover["contents"]["value"].as_str().unwrap();
    assert!(card.contains("Antony Blinken"), "{card}");
    assert!(card.contains("person"), "{card}");
    // Plain-text alias hover.
    let hover = client
        .request("textDocument/hover", at(&article, 2, 18))
        .await;
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Security Service of Ukraine")
    );
    // Citation hover.
    let hover = client
        .request("textDocument/hover", at(&article, 2, 23))
        .await;
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("State Department briefing")
    );

    // Completion after `@Blin`.
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": article, "version": 2},
                "contentChanges": [{"range": {"start": position(0, 7), "end": position(0, 7)}, "text": " @Blin"}]
            }),
        )
        .await;
    let completion = client
        .request("textDocument/completion", at(&article, 0, 13))
        .await;
    let labels: Vec<&str> = completion["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"blinken"), "{labels:?}");

    let definition = client
        .request("textDocument/definition", at(&article, 2, 3))
        .await;
    assert_eq!(definition[0]["uri"], uri(&root.join("entities.news")));
    assert_eq!(definition[0]["range"]["start"], position(0, 0));

    let references = client
        .request(
            "textDocument/references",
            json!({"textDocument": {"uri": article}, "position": position(2, 3), "context": {"includeDeclaration": true}}),
        )
        .await;
    // The definition, the prose mention and the `by:` mention.
    assert_eq!(references.as_array().unwrap().len(), 3, "{references}");

    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": article}}),
        )
        .await;
    assert!(symbols.to_string().contains("Visit"), "{symbols}");
    let symbols = client
        .request("workspace/symbol", json!({"query": "blink"}))
        .await;
    assert!(symbols.to_string().contains("blinken"), "{symbols}");

    let highlights = client
        .request("textDocument/documentHighlight", at(&article, 2, 3))
        .await;
    assert_eq!(highlights.as_array().unwrap().len(), 2, "{highlights}");
    client.shutdown().await;
}

#[tokio::test]
async fn rename_across_three_files_with_versions() {
    let a = "@ssu said so.[^s]\n\n[^s]: SSU\n  by: @ssu\n  url: https://example.org\n  date: 2025-01-01\n";
    let b = "[The unit moved]{@ssu status=reported}.\n";
    let (_dir, root) = workspace(&[
        ("entities.news", REGISTRY),
        ("a.news", a),
        ("desk/b.news", b),
    ]);
    let mut client = started(&root).await;
    let a_uri = uri(&root.join("a.news"));
    client.open(&a_uri, 7, a).await;
    client.diagnostics(&a_uri, 7).await;

    let prepared = client
        .request("textDocument/prepareRename", at(&a_uri, 0, 2))
        .await;
    assert_eq!(prepared["placeholder"], "ssu");
    assert_eq!(prepared["range"]["start"], position(0, 1));

    let edit = client
        .request(
            "textDocument/rename",
            json!({"textDocument": {"uri": a_uri}, "position": position(0, 2), "newName": "sbu"}),
        )
        .await;
    let changes = edit["documentChanges"].as_array().unwrap();
    let mut files: Vec<(String, Value, usize)> = changes
        .iter()
        .map(|c| {
            (
                c["textDocument"]["uri"].as_str().unwrap().to_string(),
                c["textDocument"]["version"].clone(),
                c["edits"].as_array().unwrap().len(),
            )
        })
        .collect();
    files.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(
        files,
        [
            (a_uri.clone(), json!(7), 2),
            (uri(&root.join("desk/b.news")), Value::Null, 1),
            (uri(&root.join("entities.news")), Value::Null, 1),
        ]
    );

    let refused = client
        .request_raw(
            "textDocument/rename",
            json!({"textDocument": {"uri": a_uri}, "position": position(0, 2), "newName": "blinken"}),
        )
        .await;
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("blinken"),
        "{refused}"
    );
    let refused = client
        .request_raw(
            "textDocument/rename",
            json!({"textDocument": {"uri": a_uri}, "position": position(0, 2), "newName": "bad id"}),
        )
        .await;
    assert!(refused.get("error").is_some(), "{refused}");
    client.shutdown().await;
}

#[tokio::test]
async fn watched_registry_files_created_changed_and_deleted() {
    let (_dir, root) = workspace(&[]);
    let mut client = started(&root).await;
    assert!(
        client
            .server_requests
            .iter()
            .any(|r| r["method"] == "client/registerCapability"),
        "the watcher is registered"
    );
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, "@ssu spoke.\n").await;
    let d = client.diagnostics(&article, 1).await;
    assert_eq!(summary(&d)[0].0, "undefined-entity");

    let registry = root.join("entities.news");
    std::fs::write(&registry, REGISTRY).unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri(&registry), "type": 1}]}),
        )
        .await;
    let d = client.diagnostics(&article, 1).await;
    assert!(d.is_empty(), "{d:?}");

    std::fs::write(&registry, "[@other]: Other\n  kind: org\n").unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri(&registry), "type": 2}]}),
        )
        .await;
    let d = client.diagnostics(&article, 1).await;
    assert_eq!(summary(&d)[0].0, "undefined-entity");

    std::fs::write(&registry, REGISTRY).unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri(&registry), "type": 2}]}),
        )
        .await;
    assert!(client.diagnostics(&article, 1).await.is_empty());
    std::fs::remove_file(&registry).unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri(&registry), "type": 3}]}),
        )
        .await;
    let d = client.diagnostics(&article, 1).await;
    assert_eq!(summary(&d)[0].0, "undefined-entity");
    client.shutdown().await;
}

#[tokio::test]
async fn an_open_registry_edit_rediagnoses_open_articles() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let mut client = started(&root).await;
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, "@ssu spoke.\n").await;
    assert!(client.diagnostics(&article, 1).await.is_empty());
    let registry = uri(&root.join("entities.news"));
    client.open(&registry, 1, REGISTRY).await;
    client.diagnostics(&registry, 1).await;
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": registry, "version": 2},
                "contentChanges": [{"text": "[@other]: Other\n  kind: org\n"}]
            }),
        )
        .await;
    let d = client.diagnostics(&article, 1).await;
    assert_eq!(summary(&d)[0].0, "undefined-entity");
    client.shutdown().await;
}

#[tokio::test]
async fn multi_root_workspaces_are_separate() {
    let (_dir_a, root_a) = workspace(&[("entities.news", REGISTRY)]);
    let (_dir_b, root_b) = workspace(&[("other.news", "Nothing here.\n")]);
    let (mut client, _) = Client::start(utf16_client(), &[&root_a, &root_b]).await;
    client
        .wait_for("$/progress", |p| p["value"]["kind"] == "end")
        .await;
    let in_a = uri(&root_a.join("x.news"));
    let in_b = uri(&root_b.join("x.news"));
    client.open(&in_a, 1, "@ssu spoke.\n").await;
    client.open(&in_b, 1, "@ssu spoke.\n").await;
    assert!(client.diagnostics(&in_a, 1).await.is_empty());
    let d = client.diagnostics(&in_b, 1).await;
    assert_eq!(summary(&d)[0].0, "undefined-entity");
    client.shutdown().await;
}

#[tokio::test]
async fn single_file_mode_without_folders() {
    // Without a newsmark.toml only the files beside the article count: `deeper/` is not
    // walked (a loose file in `/` or a home directory must not start a walk of the disk).
    let (_dir, root) = workspace(&[
        ("entities.news", REGISTRY),
        ("deeper/more.news", "[@ghost]: A ghost\n  kind: person\n"),
    ]);
    let (mut client, _) = Client::start(json!({}), &[]).await;
    let article = uri(&root.join("a.news"));
    client
        .open(&article, 1, "@ghost and @ssu lost 13 soldiers.\n")
        .await;
    // The registry next to the file is read in the background; once it is, only the
    // undefined entity and the number remain.
    loop {
        let d = client.diagnostics(&article, 1).await;
        if summary(&d).len() == 2 {
            assert_eq!(summary(&d)[1].0, "undefined-entity");
            assert_eq!(summary(&d)[1].2, 0);
            break;
        }
    }
    client.shutdown().await;
}

#[tokio::test]
async fn without_folders_a_file_in_a_git_repository_sees_the_whole_repository() {
    // As `newsmark check desk/story.news` does: with no newsmark.toml, the nearest `.git`
    // marks the workspace, so the registry at the top is read.
    let text = "@ssu lost 13 soldiers.\n";
    let (_dir, root) = workspace(&[("entities.news", REGISTRY), ("desk/story.news", text)]);
    std::fs::create_dir(root.join(".git")).unwrap();
    let (mut client, _) = Client::start(json!({}), &[]).await;
    let article = uri(&root.join("desk/story.news"));
    client.open(&article, 1, text).await;
    loop {
        let d = client.diagnostics(&article, 1).await;
        if summary(&d).len() == 1 {
            assert_eq!(summary(&d)[0].0, "unattributed-number");
            break;
        }
    }
    client.shutdown().await;
}

#[tokio::test]
async fn pull_diagnostics_when_the_client_supports_them() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let (mut client, result) = Client::start(
        json!({
            "textDocument": {"diagnostic": {"dynamicRegistration": false}},
            "workspace": {"diagnostics": {"refreshSupport": true}}
        }),
        &[&root],
    )
    .await;
    assert_eq!(
        result["capabilities"]["diagnosticProvider"]["workspaceDiagnostics"],
        true
    );
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, "@ghost lost 13 soldiers.\n").await;
    // Pulled before the folder is read, the report is empty (no false findings); the end of
    // indexing asks the client to pull again.
    client
        .wait_for_server_request("workspace/diagnostic/refresh")
        .await;
    let report = client
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": article}}),
        )
        .await;
    assert_eq!(report["kind"], "full");
    assert_eq!(report["items"].as_array().unwrap().len(), 2);
    let report = client
        .request("workspace/diagnostic", json!({"previousResultIds": []}))
        .await;
    let for_article = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["uri"] == article)
        .expect("the open article is in the workspace report");
    assert_eq!(for_article["version"], 1);
    assert_eq!(for_article["items"].as_array().unwrap().len(), 2);
    client.shutdown().await;
}

#[tokio::test]
async fn pull_without_refresh_support_falls_back_to_push() {
    let (_dir, root) = workspace(&[]);
    // Neovim 0.11 advertises pull diagnostics but cannot handle a refresh request.
    let (mut client, result) = Client::start(
        json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}}),
        &[&root],
    )
    .await;
    assert!(result["capabilities"]["diagnosticProvider"].is_null());
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, "@ghost\n").await;
    assert_eq!(summary(&client.diagnostics(&article, 1).await).len(), 1);
    client.shutdown().await;
}

#[tokio::test]
async fn unknown_documents_methods_and_out_of_range_positions() {
    let (_dir, root) = workspace(&[]);
    let (mut client, _) = Client::start(utf16_client(), &[&root]).await;
    let nowhere = uri(&root.join("never-opened.news"));
    assert!(
        client
            .request("textDocument/hover", at(&nowhere, 0, 0))
            .await
            .is_null()
    );
    let unknown = client.request_raw("newsmark/frobnicate", json!({})).await;
    assert_eq!(unknown["error"]["code"], -32601);
    // A change for a document never opened is ignored; the session goes on.
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": nowhere, "version": 2}, "contentChanges": [{"text": "x"}]}),
        )
        .await;
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, "@x\n").await;
    client.diagnostics(&article, 1).await;
    // Positions far past the end are clamped.
    client
        .request("textDocument/hover", at(&article, 999, 999))
        .await;
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": article, "version": 2},
                "contentChanges": [{"range": {"start": position(0, 99), "end": position(42, 7)}, "text": " 13"}]
            }),
        )
        .await;
    let d = client.diagnostics(&article, 2).await;
    assert_eq!(summary(&d).len(), 2, "{d:?}");
    client.shutdown().await;
}

#[tokio::test]
async fn cancelled_requests_are_answered_and_the_session_goes_on() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let mut client = started(&root).await;
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, "@ssu spoke.\n").await;
    client.diagnostics(&article, 1).await;
    // Send a burst of requests and cancel each right away; every one gets an answer (a result
    // if it finished first, RequestCancelled otherwise), and the server still serves.
    for id in 1000..1050 {
        client
            .send(json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": at(&article, 0, 1)}))
            .await;
        client.notify("$/cancelRequest", json!({"id": id})).await;
    }
    let hover = client
        .request("textDocument/hover", at(&article, 0, 1))
        .await;
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Security Service")
    );
    client.shutdown().await;
}

#[tokio::test]
async fn newsmark_toml_changes_rerun_analysis_and_errors_show_on_the_file() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let mut client = started(&root).await;
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, "@ssu lost 13 soldiers.\n").await;
    assert_eq!(summary(&client.diagnostics(&article, 1).await).len(), 1);

    let config = root.join("newsmark.toml");
    std::fs::write(&config, "[rules]\nunattributed-number = \"off\"\n").unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri(&config), "type": 1}]}),
        )
        .await;
    assert!(client.diagnostics(&article, 1).await.is_empty());

    std::fs::write(&config, "[rules]\nunattributed-number = \"loud\"\n").unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri(&config), "type": 2}]}),
        )
        .await;
    let on_config = client
        .wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri(&config) && !p["diagnostics"].as_array().unwrap().is_empty()
        })
        .await;
    let error = &on_config["diagnostics"][0];
    assert_eq!(error["range"]["start"], position(1, 22));
    assert!(error["message"].as_str().unwrap().contains("loud"));
    // The broken file falls back to the defaults meanwhile.
    assert_eq!(summary(&client.diagnostics(&article, 1).await).len(), 1);
    client
        .notify("workspace/didChangeConfiguration", json!({"settings": {}}))
        .await;
    assert_eq!(summary(&client.diagnostics(&article, 1).await).len(), 1);
    client.shutdown().await;
}

#[tokio::test]
async fn workspace_folders_can_be_added_later() {
    let (_dir_a, root_a) = workspace(&[]);
    let (_dir_b, root_b) = workspace(&[("entities.news", REGISTRY)]);
    let (mut client, _) = Client::start(utf16_client(), &[&root_a]).await;
    client
        .wait_for("$/progress", |p| p["value"]["kind"] == "end")
        .await;
    client
        .notify(
            "workspace/didChangeWorkspaceFolders",
            json!({"event": {"added": [{"uri": uri(&root_b), "name": "b"}], "removed": []}}),
        )
        .await;
    client
        .wait_for("$/progress", |p| p["value"]["kind"] == "end")
        .await;
    let article = uri(&root_b.join("a.news"));
    client.open(&article, 1, "@ssu spoke.\n").await;
    assert!(client.diagnostics(&article, 1).await.is_empty());
    client.shutdown().await;
}

#[tokio::test]
async fn closing_a_document_clears_its_diagnostics_and_the_disk_version_returns() {
    let on_disk = "@ssu lost 13 soldiers.\n";
    let (_dir, root) = workspace(&[("entities.news", REGISTRY), ("a.news", on_disk)]);
    let mut client = started(&root).await;
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, "@ghost lost 13 soldiers.\n").await;
    assert_eq!(summary(&client.diagnostics(&article, 1).await).len(), 2);
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": article}}),
        )
        .await;
    let cleared = client
        .wait_for("textDocument/publishDiagnostics", |p| p["uri"] == article)
        .await;
    assert!(cleared["diagnostics"].as_array().unwrap().is_empty());
    // The workspace holds the file as it is on disk again: its @ssu mention counts.
    let references = client
        .request(
            "textDocument/references",
            json!({"textDocument": {"uri": uri(&root.join("entities.news"))}, "position": position(5, 3), "context": {"includeDeclaration": false}}),
        )
        .await;
    assert_eq!(references.as_array().unwrap().len(), 1, "{references}");
    client.shutdown().await;
}

fn client_with_resource_operations() -> Value {
    json!({
        "general": {"positionEncodings": ["utf-16"]},
        "window": {"workDoneProgress": true},
        "workspace": {"workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]}}
    })
}

#[tokio::test]
async fn quick_fixes_are_workspace_edits_that_remove_their_diagnostic() {
    let text = "The unit lost 13 soldiers.\n\n@ghost spoke.\n\n[^gs]: General Staff report\n  url: https://example.org\n  date: 2025-01-07\n";
    let (_dir, root) = workspace(&[("entities.news", REGISTRY), ("a.news", text)]);
    let (mut client, _) = Client::start(client_with_resource_operations(), &[&root]).await;
    client
        .wait_for("$/progress", |p| p["value"]["kind"] == "end")
        .await;
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, text).await;
    let diagnostics = client.diagnostics(&article, 1).await;
    let number = diagnostics
        .iter()
        .find(|d| d["code"] == "unattributed-number")
        .unwrap()
        .clone();
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": article}, "range": number["range"], "context": {"diagnostics": [number]}}),
        )
        .await;
    let actions = actions.as_array().unwrap();
    let cite = actions
        .iter()
        .find(|a| a["title"] == "Cite [^gs]")
        .expect("a Cite action");
    assert_eq!(cite["kind"], "quickfix");
    assert_eq!(cite["isPreferred"], true);
    assert_eq!(cite["diagnostics"][0]["code"], "unattributed-number");
    let edit = &cite["edit"]["documentChanges"][0];
    assert_eq!(edit["textDocument"]["version"], 1);
    let change = &edit["edits"][0];
    assert_eq!(change["range"]["start"], position(0, 26));
    assert_eq!(change["newText"], "[^gs]");
    // Applying it (as the client would) clears the diagnostic.
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": article, "version": 2}, "contentChanges": [{"range": change["range"], "text": "[^gs]"}]}),
        )
        .await;
    let after = client.diagnostics(&article, 2).await;
    assert!(
        after.iter().all(|d| d["code"] != "unattributed-number"),
        "{after:?}"
    );
    // Every rule can be suppressed on its line; defining the entity is offered too.
    let ghost = after
        .iter()
        .find(|d| d["code"] == "undefined-entity")
        .unwrap()
        .clone();
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": article}, "range": ghost["range"], "context": {"diagnostics": [ghost]}}),
        )
        .await;
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Suppress undefined-entity on this line"),
        "{titles:?}"
    );
    assert!(
        titles.iter().any(|t| t.starts_with("Define @ghost in")),
        "{titles:?}"
    );
    client.shutdown().await;
}

#[tokio::test]
async fn semantic_tokens_full_delta_and_range() {
    let text =
        "@blinken said 13.[^s]\n\n[^s]: Source\n  url: https://example.org\n  date: 2025-01-01\n";
    let (_dir, root) = workspace(&[("entities.news", REGISTRY), ("a.news", text)]);
    let (mut client, init) = Client::start(utf16_client(), &[&root]).await;
    let legend = &init["capabilities"]["semanticTokensProvider"]["legend"];
    let types: Vec<&str> = legend["tokenTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    client
        .wait_for("$/progress", |p| p["value"]["kind"] == "end")
        .await;
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, text).await;
    client.diagnostics(&article, 1).await;
    let full = client
        .request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": article}}),
        )
        .await;
    let data: Vec<u64> = full["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    // The first token is `@blinken`, a person, at 0:0, 8 long.
    assert_eq!(&data[..3], &[0, 0, 8]);
    assert_eq!(types[data[3] as usize], "person");
    let result_id = full["resultId"].as_str().unwrap().to_string();
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": article, "version": 2}, "contentChanges": [{"range": {"start": position(0, 0), "end": position(0, 0)}, "text": "Then "}]}),
        )
        .await;
    client.diagnostics(&article, 2).await;
    let delta = client
        .request(
            "textDocument/semanticTokens/full/delta",
            json!({"textDocument": {"uri": article}, "previousResultId": result_id}),
        )
        .await;
    let edits = delta["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{delta}");
    assert_eq!(edits[0]["start"], 0);
    let range = client
        .request(
            "textDocument/semanticTokens/range",
            json!({"textDocument": {"uri": article}, "range": {"start": position(2, 0), "end": position(5, 0)}}),
        )
        .await;
    assert!(!range["data"].as_array().unwrap().is_empty());
    client.shutdown().await;
}

#[tokio::test]
async fn hints_lenses_links_folds_selections_and_formatting() {
    let text = "---\ntitle: T\n---\n\n# Head\n\n[He](@blinken) spoke.[^s]\n\n[^s]: State Department briefing\n    date: 2025-01-06\n    url: https://example.org/brief\n";
    let (_dir, root) = workspace(&[("entities.news", REGISTRY), ("a.news", text)]);
    let mut client = started(&root).await;
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, text).await;
    client.diagnostics(&article, 1).await;
    let doc = json!({"uri": article});

    let hints = client
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": doc, "range": {"start": position(0, 0), "end": position(20, 0)}}),
        )
        .await;
    let hints = hints.as_array().unwrap();
    assert_eq!(hints[0]["label"], "Antony Blinken");
    assert_eq!(hints[0]["position"], position(6, 14));
    let resolved = client.request("inlayHint/resolve", hints[0].clone()).await;
    assert!(
        resolved["tooltip"]["value"]
            .as_str()
            .unwrap()
            .contains("Antony Blinken")
    );

    let lenses = client
        .request("textDocument/codeLens", json!({"textDocument": doc}))
        .await;
    // Resolved one by one, as an editor shows them.
    assert!(lenses[0]["command"].is_null());
    let lens = client.request("codeLens/resolve", lenses[0].clone()).await;
    assert_eq!(lens["command"]["title"], "cited once");
    assert_eq!(lens["command"]["command"], "editor.action.showReferences");
    assert_eq!(lens["command"]["arguments"][2].as_array().unwrap().len(), 1);

    let links = client
        .request("textDocument/documentLink", json!({"textDocument": doc}))
        .await;
    assert_eq!(links[0]["target"], "https://example.org/brief");

    let folds = client
        .request("textDocument/foldingRange", json!({"textDocument": doc}))
        .await;
    assert!(
        folds
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["startLine"] == 0 && f["endLine"] == 2)
    );

    let selections = client
        .request(
            "textDocument/selectionRange",
            json!({"textDocument": doc, "positions": [position(6, 2)]}),
        )
        .await;
    let mut depth = 0;
    let mut node = &selections[0];
    while !node.is_null() {
        depth += 1;
        node = &node["parent"];
    }
    assert!(depth >= 4, "{selections}");

    let edits = client
        .request(
            "textDocument/formatting",
            json!({"textDocument": doc, "options": {"tabSize": 2, "insertSpaces": true}}),
        )
        .await;
    let new_text = edits[0]["newText"].as_str().unwrap();
    assert!(
        new_text.contains("  url: https://example.org/brief\n  date: 2025-01-06"),
        "{new_text}"
    );
    client.shutdown().await;
}

fn apply_token_edits(data: &mut Vec<u64>, edits: &[Value]) {
    for edit in edits.iter().rev() {
        let start = edit["start"].as_u64().unwrap() as usize;
        let delete = edit["deleteCount"].as_u64().unwrap() as usize;
        let new: Vec<u64> = edit["data"]
            .as_array()
            .map(|d| d.iter().map(|v| v.as_u64().unwrap()).collect())
            .unwrap_or_default();
        data.splice(start..start + delete, new);
    }
}

#[tokio::test]
async fn token_deltas_after_many_edits_equal_a_fresh_full_result() {
    for seed in [11, 12, 13, 14, 15, 16, 17, 18] {
        token_deltas_for_seed(seed).await;
    }
}

async fn token_deltas_for_seed(mut seed: u64) {
    let mut text = String::from(
        "# Head @ssu\n\n@blinken said 13 were hit.[^s] [Two fled]{^s status=disputed} today.\n\n“We lost many good men,” said @ssu.\n\n[^s]: Source\n  url: https://example.org\n  date: 2025-01-01\n",
    );
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let mut client = started(&root).await;
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, &text).await;
    let full = client
        .request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": article}}),
        )
        .await;
    let mut data: Vec<u64> = full["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let mut result_id = full["resultId"].as_str().unwrap().to_string();
    let inserts = ["x", " 42", "@blinken ", "\n", "said ", "[^s]", "“a b c” "];
    for version in 2..=40 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        // ASCII-only positions keep this model simple: pick a char boundary, insert or delete.
        let boundaries: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let at = boundaries[(seed >> 33) as usize % boundaries.len()];
        let delete = seed.is_multiple_of(4) && at < text.len();
        let line = text[..at].matches('\n').count() as u64;
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let col: usize = text[line_start..at].chars().map(char::len_utf16).sum();
        let (end_line, end_col, insert) = if delete {
            let c = text[at..].chars().next().unwrap();
            if c == '\n' {
                (line + 1, 0, "")
            } else {
                (line, col + c.len_utf16(), "")
            }
        } else {
            (line, col, inserts[(seed >> 40) as usize % inserts.len()])
        };
        if delete {
            let c = text[at..].chars().next().unwrap();
            text.replace_range(at..at + c.len_utf8(), "");
        } else {
            text.insert_str(at, insert);
        }
        client
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": article, "version": version}, "contentChanges": [{
                    "range": {"start": position(line, col as u64), "end": position(end_line, end_col as u64)},
                    "text": insert
                }]}),
            )
            .await;
        let delta = client
            .request(
                "textDocument/semanticTokens/full/delta",
                json!({"textDocument": {"uri": article}, "previousResultId": result_id}),
            )
            .await;
        apply_token_edits(&mut data, delta["edits"].as_array().unwrap());
        result_id = delta["resultId"].as_str().unwrap().to_string();
    }
    let fresh = uri(&root.join(format!("fresh-{seed}.news")));
    client.open(&fresh, 1, &text).await;
    let full = client
        .request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": fresh}}),
        )
        .await;
    let expected: Vec<u64> = full["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(data, expected, "text:\n{text}");
    client.shutdown().await;
}

#[tokio::test]
async fn clients_are_asked_to_refresh_tokens_and_hints_when_entities_change() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let caps = json!({
        "window": {"workDoneProgress": true},
        "workspace": {"semanticTokens": {"refreshSupport": true}, "inlayHint": {"refreshSupport": true}}
    });
    let (mut client, _) = Client::start(caps, &[&root]).await;
    client
        .wait_for("$/progress", |p| p["value"]["kind"] == "end")
        .await;
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, "@ssu spoke.\n").await;
    client.diagnostics(&article, 1).await;
    let asked = |client: &Client, method: &str| {
        client
            .server_requests
            .iter()
            .filter(|r| r["method"] == method)
            .count()
    };
    // After indexing, the colours and hints of open documents may have changed.
    for _ in 0..200 {
        if asked(&client, "workspace/inlayHint/refresh") >= 1 {
            break;
        }
        client
            .request("workspace/symbol", json!({"query": "ssu"}))
            .await;
    }
    assert!(asked(&client, "workspace/semanticTokens/refresh") >= 1);
    assert!(asked(&client, "workspace/inlayHint/refresh") >= 1);
    let before = asked(&client, "workspace/semanticTokens/refresh");
    let registry = uri(&root.join("entities.news"));
    client.open(&registry, 1, REGISTRY).await;
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": registry, "version": 2}, "contentChanges": [{"text": "[@ssu]: SSU\n  kind: person\n"}]}),
        )
        .await;
    client.diagnostics(&article, 1).await;
    // The request is sent from a spawned task: read on until it arrives.
    for _ in 0..200 {
        if asked(&client, "workspace/semanticTokens/refresh") > before {
            break;
        }
        client
            .request("workspace/symbol", json!({"query": "ssu"}))
            .await;
    }
    assert!(asked(&client, "workspace/semanticTokens/refresh") > before);
    client.shutdown().await;
}
