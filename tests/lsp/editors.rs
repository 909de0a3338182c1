//! What real editors do that the rest of the suite does not: Neovim asking for code actions
//! from elsewhere on a line, clients without file watching, diagnostics while a folder is
//! indexed, registry edits seen by closed articles, untitled buffers, client settings.

use serde_json::{Value, json};

use super::harness::{Client, uri};
use super::{REGISTRY, position, started, workspace};

/// Neovim's code action request from anywhere on a line carries that line's diagnostics:
/// their fixes come back although the range misses them.
#[tokio::test]
async fn quick_fixes_follow_the_diagnostics_of_the_context() {
    let text = "The unit lost 13 soldiers.\n\n[^gs]: General Staff report\n  url: https://example.org\n  date: 2025-01-07\n";
    let (_dir, root) = workspace(&[("entities.news", REGISTRY), ("a.news", text)]);
    let mut client = started(&root).await;
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, text).await;
    let diagnostics = client.diagnostics(&article, 1).await;
    let number = diagnostics
        .iter()
        .find(|d| d["code"] == "unattributed-number" || d["code"] == "vague-attribution")
        .unwrap_or_else(|| panic!("a finding on the number: {diagnostics:?}"))
        .clone();
    assert!(number["range"]["start"]["character"].as_u64().unwrap() > 0);
    // The cursor at the start of the line, before the finding.
    let cursor = json!({"start": position(0, 0), "end": position(0, 0)});
    let titles = |actions: &Value| -> Vec<String> {
        actions
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap().to_string())
            .collect()
    };
    let without = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": article}, "range": cursor, "context": {"diagnostics": []}}),
        )
        .await;
    assert!(
        !titles(&without).iter().any(|t| t == "Cite [^gs]"),
        "{without}"
    );
    let with = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": article}, "range": cursor, "context": {"diagnostics": [number], "only": ["quickfix"]}}),
        )
        .await;
    let cite = with
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Cite [^gs]")
        .unwrap_or_else(|| panic!("no Cite [^gs] in {:?}", titles(&with)));
    assert_eq!(cite["diagnostics"][0]["code"], number["code"]);
    assert_eq!(cite["diagnostics"][0]["range"], number["range"]);
    // Another tool's diagnostic with a newsmark rule's code is not ours.
    let mut foreign = number.clone();
    foreign["source"] = json!("other-linter");
    let other = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": article}, "range": cursor, "context": {"diagnostics": [foreign]}}),
        )
        .await;
    assert!(!titles(&other).iter().any(|t| t == "Cite [^gs]"), "{other}");
    client.shutdown().await;
}

/// A session whose folder takes `delay` to be read, so that what the server does meanwhile
/// can be seen.
async fn slow_start(root: &std::path::Path, delay_ms: u64) -> Client {
    let options = newsmark::lsp::Options {
        index_delay: std::time::Duration::from_millis(delay_ms),
        ..Default::default()
    };
    let (client, _) = Client::start_with(super::utf16_client(), &[root], options).await;
    client
}

/// No flash of false errors: an article opened before its folder is read gets no
/// diagnostics until the registry is in; completion says its list is incomplete and hover
/// does not call a registry entity undefined meanwhile.
#[tokio::test]
async fn nothing_false_is_shown_while_the_folder_is_read() {
    let text = "@blinken met @ghost.\n";
    let (_dir, root) = workspace(&[("entities.news", REGISTRY), ("a.news", text)]);
    let mut client = slow_start(&root, 1500).await;
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, text).await;
    let hover = client
        .request("textDocument/hover", super::at(&article, 0, 3))
        .await;
    let card = hover["contents"]["value"].as_str().unwrap();
    assert!(!card.contains("is not defined"), "{card}");
    assert!(card.contains("still being read"), "{card}");
    let list = client
        .request("textDocument/completion", super::at(&article, 0, 3))
        .await;
    assert_eq!(list["isIncomplete"], true, "{list}");
    // The first publication for the article comes after indexing, and is the true one.
    let first = client
        .wait_for("textDocument/publishDiagnostics", |p| p["uri"] == article)
        .await;
    assert!(
        client
            .notifications
            .iter()
            .any(|n| n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end"),
        "diagnostics published before indexing ended"
    );
    let codes: Vec<&str> = first["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["undefined-entity"], "{first}");
    let message = first["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("ghost"), "{message}");
    // Then hover has the card.
    let hover = client
        .request("textDocument/hover", super::at(&article, 0, 3))
        .await;
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Antony Blinken")
    );
    client.shutdown().await;
}

/// VS Code reports a deleted folder as one event for the folder: every file under it leaves
/// the index (here the registry, so the article's mention becomes undefined); a folder that
/// appears is read whole.
#[tokio::test]
async fn a_folder_deleted_or_created_as_one_event() {
    let (_dir, root) = workspace(&[("registry/entities.news", REGISTRY)]);
    let mut client = started(&root).await;
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, "@ssu spoke.\n").await;
    assert!(client.diagnostics(&article, 1).await.is_empty());
    let folder = root.join("registry");
    std::fs::remove_dir_all(&folder).unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri(&folder), "type": 3}]}),
        )
        .await;
    let d = client.diagnostics(&article, 1).await;
    assert_eq!(super::summary(&d)[0].0, "undefined-entity", "{d:?}");
    // A folder moved back in: one event for the folder.
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("entities.news"), REGISTRY).unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri(&folder), "type": 1}]}),
        )
        .await;
    let d = client.diagnostics(&article, 1).await;
    assert!(d.is_empty(), "{d:?}");
    client.shutdown().await;
}

/// A client that cannot watch files (Neovim 0.11 on Linux offers no dynamic registration):
/// the server watches the folder itself (it always does: eglot 1.9 loses renames). A registry entry restored on disk, as by a `git
/// checkout`, clears the article's undefined-entity without a restart.
#[tokio::test]
async fn without_client_watching_the_server_watches_the_disk() {
    let (_dir, root) = workspace(&[("entities.news", "[@other]: Other\n  kind: org\n")]);
    let capabilities = json!({
        "general": {"positionEncodings": ["utf-16"]},
        "window": {"workDoneProgress": true},
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": false}}
    });
    let (mut client, init) = Client::start(capabilities, &[&root]).await;
    assert_eq!(
        init["capabilities"]["experimental"]["newsmark"]["fileWatching"],
        "native"
    );
    client
        .wait_for("$/progress", |p| p["value"]["kind"] == "end")
        .await;
    assert!(
        !client
            .server_requests
            .iter()
            .any(|r| r["method"] == "client/registerCapability"),
        "no registration asked of a client that cannot"
    );
    assert_eq!(
        init["capabilities"]["experimental"]["newsmark"]["clientWatching"],
        false
    );
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, "@ssu spoke.\n").await;
    let d = client.diagnostics(&article, 1).await;
    assert_eq!(super::summary(&d)[0].0, "undefined-entity");
    // Written the way git does: a new file renamed over the old one. A watcher sees the
    // steps of a change in bursts, so wait for the publication that shows the end state.
    let registry = root.join("entities.news");
    let temporary = root.join("entities.news.lock");
    std::fs::write(&temporary, REGISTRY).unwrap();
    std::fs::rename(&temporary, &registry).unwrap();
    settles(&mut client, &article, 0).await;
    // The registry moved out of the folder; then a folder holding it moved in (one event
    // for the folder), then deleted at once.
    let outside = tempfile::tempdir().unwrap();
    let staging = outside.path().join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    std::fs::rename(&registry, staging.join("entities.news")).unwrap();
    settles(&mut client, &article, 1).await;
    let desk = root.join("desk");
    std::fs::rename(&staging, &desk)
        .or_else(|_| {
            // Another file system: copy instead, the folder appearing whole all the same.
            std::fs::create_dir_all(root.join(".staging"))?;
            std::fs::copy(
                staging.join("entities.news"),
                root.join(".staging/entities.news"),
            )?;
            std::fs::rename(root.join(".staging"), &desk)
        })
        .unwrap();
    settles(&mut client, &article, 0).await;
    std::fs::remove_dir_all(&desk).unwrap();
    settles(&mut client, &article, 1).await;
    // A folder the loader ignores is neither read nor watched: the registry appearing in
    // it changes nothing, while a file in a folder it walks is seen.
    std::fs::write(root.join(".gitignore"), "build/\n").unwrap();
    std::fs::create_dir_all(root.join("build")).unwrap();
    std::fs::write(root.join("build/entities.news"), REGISTRY).unwrap();
    std::fs::create_dir_all(root.join("desk2")).unwrap();
    std::fs::write(root.join("desk2/other.news"), "@ssu again.\n").unwrap();
    let d = client.diagnostics(&article, 1).await;
    assert_eq!(super::summary(&d)[0].0, "undefined-entity", "{d:?}");
    let hover = client
        .request("textDocument/hover", super::at(&article, 0, 2))
        .await;
    let card = hover["contents"]["value"].as_str().unwrap();
    assert!(
        card.contains("2 mentions"),
        "desk2/other.news is indexed: {card}"
    );
    client.shutdown().await;
}

/// Waits until the article's diagnostics (version 1) number `count`.
async fn settles(client: &mut Client, article: &str, count: usize) {
    loop {
        let d = client.diagnostics(article, 1).await;
        if d.len() == count {
            return;
        }
    }
}

/// Push clients see closed articles: renaming an entity in the registry publishes the
/// unknown-id findings of the closed articles that mention it (only those, and only
/// findings other files can change), and restoring it clears them.
#[tokio::test]
async fn a_registry_edit_publishes_the_findings_of_closed_articles() {
    let a = "@ssu lost 13 soldiers.\n";
    let b = "@blinken spoke.\n";
    let (_dir, root) = workspace(&[("entities.news", REGISTRY), ("a.news", a), ("b.news", b)]);
    let mut client = started(&root).await;
    let registry = uri(&root.join("entities.news"));
    let (a_uri, b_uri) = (uri(&root.join("a.news")), uri(&root.join("b.news")));
    client.open(&registry, 1, REGISTRY).await;
    client.diagnostics(&registry, 1).await;
    let renamed = REGISTRY.replace("[@ssu]:", "[@sbu]:");
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": registry, "version": 2}, "contentChanges": [{"text": renamed}]}),
        )
        .await;
    let published = client
        .wait_for("textDocument/publishDiagnostics", |p| p["uri"] == a_uri)
        .await;
    assert!(published["version"].is_null(), "{published}");
    let codes: Vec<&str> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    // Not its unattributed number: that is the article's own, not the registry's doing. The
    // old id is now a near miss of the renamed entity (its alias SSU), so the finding asks
    // "did you mean @sbu?" rather than to define it again.
    assert_eq!(codes, ["near-miss-name"], "{published}");
    assert!(
        published["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("@sbu"),
        "{published}"
    );
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": registry, "version": 3}, "contentChanges": [{"text": REGISTRY}]}),
        )
        .await;
    let cleared = client
        .wait_for("textDocument/publishDiagnostics", |p| p["uri"] == a_uri)
        .await;
    assert_eq!(cleared["diagnostics"], json!([]), "{cleared}");
    client.diagnostics(&registry, 3).await;
    assert!(
        !client
            .notifications
            .iter()
            .any(|n| n["params"]["uri"] == b_uri),
        "an article that does not mention the renamed entity is left alone"
    );
    client.shutdown().await;
}

/// Settings from `initializationOptions` and `workspace/didChangeConfiguration`: the inlay
/// hints and the rule documentation each diagnostic links to.
#[tokio::test]
async fn settings_choose_the_hints_and_the_rule_documentation() {
    let text = "[Blinken](@blinken) met [the man](@ssu).[^s]\n\n[^s]: A source\n  url: https://example.org\n  date: 2025-01-01\n\n@ghost too.\n";
    let (_dir, root) = workspace(&[("entities.news", REGISTRY), ("a.news", text)]);
    let (mut client, _) = Client::start_full(
        super::utf16_client(),
        &[&root],
        newsmark::lsp::Options::default(),
        json!({"newsmark": {"inlayHints": {"entityNames": "all"}}}),
    )
    .await;
    client
        .wait_for("$/progress", |p| p["value"]["kind"] == "end")
        .await;
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, text).await;
    let diagnostics = client.diagnostics(&article, 1).await;
    let undefined = diagnostics
        .iter()
        .find(|d| d["code"] == "undefined-entity")
        .unwrap();
    let href = undefined["codeDescription"]["href"].as_str().unwrap();
    assert!(
        href.starts_with("file://") && href.ends_with("/docs/rules.md#undefined-entity"),
        "{href}"
    );
    let labels = |hints: &Value| -> Vec<String> {
        hints
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["label"].as_str().unwrap().to_string())
            .collect()
    };
    let range = json!({"start": position(0, 0), "end": position(8, 0)});
    let params = json!({"textDocument": {"uri": article}, "range": range});
    let hints = client
        .request("textDocument/inlayHint", params.clone())
        .await;
    assert_eq!(
        labels(&hints),
        ["Antony Blinken", "Security Service of Ukraine", "A source"]
    );
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"newsmark": {
                "inlayHints": {"entityNames": "unnamed", "sourceTitles": false},
                "rulesDocumentationUrl": "https://docs.example/rules/"
            }}}),
        )
        .await;
    let hints = client
        .request("textDocument/inlayHint", params.clone())
        .await;
    assert_eq!(labels(&hints), ["Security Service of Ukraine"]);
    let diagnostics = client.diagnostics(&article, 1).await;
    assert_eq!(
        diagnostics[0]["codeDescription"]["href"],
        format!(
            "https://docs.example/rules#{}",
            diagnostics[0]["code"].as_str().unwrap()
        )
    );
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"inlayHints": {"entityNames": "off"}, "rulesDocumentationUrl": ""}}),
        )
        .await;
    let hints = client.request("textDocument/inlayHint", params).await;
    assert!(labels(&hints).is_empty(), "{hints}");
    let diagnostics = client.diagnostics(&article, 1).await;
    assert!(diagnostics[0]["codeDescription"].is_null());
    // VS Code sends a setting left unset as null: back to the default, without a warning.
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"newsmark": {"rulesDocumentationUrl": null}}}),
        )
        .await;
    let diagnostics = client.diagnostics(&article, 1).await;
    let href = diagnostics[0]["codeDescription"]["href"]
        .as_str()
        .unwrap_or("");
    assert!(
        href.starts_with("file://") && href.contains("docs/rules.md#"),
        "{diagnostics:?}"
    );
    client.shutdown().await;
}

/// An `untitled:` buffer (VS Code's new file) sees the entities of the first folder.
#[tokio::test]
async fn an_untitled_buffer_sees_the_workspace() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let mut client = started(&root).await;
    let untitled = "untitled:Untitled-1";
    client.open(untitled, 1, "@ssu met @ghost.\n").await;
    let d = client.diagnostics(untitled, 1).await;
    let codes: Vec<&str> = d.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["undefined-entity"], "{d:?}");
    assert!(d[0]["message"].as_str().unwrap().contains("ghost"));
    let hover = client
        .request("textDocument/hover", super::at(untitled, 0, 2))
        .await;
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Security Service of Ukraine")
    );
    client.shutdown().await;
}

/// Completion by name over the protocol: what Neovim and eglot filter on (`filterText`,
/// and eglot's `insertText`) starts with the typed text as typed; the edit puts the id in
/// place of what follows the `@`. A value typed right after `kind:` gets its space from an
/// additional edit; `[@` at the start of a line offers the ids mentioned but undefined.
#[tokio::test]
async fn completion_items_match_what_was_typed() {
    let text = "He met @Secr\n\n@ghost and @ghost.\n\n[@\n\n[^s]: A source\n  kind:\n";
    let (_dir, root) = workspace(&[("entities.news", REGISTRY), ("a.news", text)]);
    let mut client = started(&root).await;
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, text).await;
    client.diagnostics(&article, 1).await;

    let list = client
        .request("textDocument/completion", super::at(&article, 0, 12))
        .await;
    assert_eq!(list["isIncomplete"], true, "{list}");
    let item = &list["items"][0];
    assert_eq!(item["label"], "blinken");
    assert!(
        item["filterText"]
            .as_str()
            .unwrap()
            .starts_with("Secretary "),
        "{item}"
    );
    assert_eq!(item["insertText"], "Secretary");
    assert_eq!(item["textEdit"]["newText"], "blinken");
    assert_eq!(
        item["textEdit"]["range"],
        json!({"start": position(0, 8), "end": position(0, 12)})
    );

    let list = client
        .request("textDocument/completion", super::at(&article, 4, 2))
        .await;
    let labels: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    // The half-typed `@Secr` above is a mention too, of an id nobody defines.
    assert_eq!(labels, ["ghost", "Secr"], "{list}");

    let list = client
        .request("textDocument/completion", super::at(&article, 7, 7))
        .await;
    let official = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "official")
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(official["textEdit"]["newText"], "official");
    assert_eq!(
        official["additionalTextEdits"],
        json!([{"range": {"start": position(7, 6), "end": position(7, 7)}, "newText": ": "}])
    );
    client.shutdown().await;
}
