//! `workspace/executeCommand` `newsmark.render`, the editors' live preview: what renders is
//! the text the server holds (unsaved edits included), with the registry's entities, and a
//! bad request is an error, never a panic.

use serde_json::{Value, json};

use super::harness::{Client, uri};
use super::{REGISTRY, position, started, workspace};

const ARTICLE: &str = "---\ntitle: Talks in Kyiv\n---\n\n@blinken met the @ssu.[^s]\n\n[^s]: State Department briefing\n  by: @blinken\n  url: https://example.org/brief\n  date: 2025-01-06\n";

async fn render(client: &mut Client, uri: &str, format: Value) -> Value {
    client
        .request_raw(
            "workspace/executeCommand",
            json!({"command": "newsmark.render", "arguments": [{"uri": uri, "format": format}]}),
        )
        .await
}

#[tokio::test]
async fn the_render_command_is_advertised() {
    let (_dir, root) = workspace(&[]);
    let (client, init) = Client::start(json!({}), &[&root]).await;
    assert_eq!(
        init["capabilities"]["executeCommandProvider"]["commands"],
        json!(["newsmark.render"])
    );
    client.shutdown().await;
}

/// The open buffer renders, not the file on disk: an edit not saved shows, and the answer
/// carries the version it was rendered from.
#[tokio::test]
async fn an_open_buffer_renders_with_its_unsaved_edits() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY), ("a.news", ARTICLE)]);
    let mut client = started(&root).await;
    let article = uri(&root.join("a.news"));
    client.open(&article, 1, ARTICLE).await;
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": article, "version": 2},
                "contentChanges": [{"range": {"start": position(4, 0), "end": position(4, 0)}, "text": "Unsaved words. "}]
            }),
        )
        .await;
    let answer = render(&mut client, &article, json!("html")).await;
    let result = &answer["result"];
    assert_eq!(result["uri"], article, "{answer}");
    assert_eq!(result["format"], "html");
    assert_eq!(result["version"], 2);
    let page = result["text"].as_str().unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.contains("Unsaved words."), "{page}");
    // Entities of the registry, a file not open, are named.
    assert!(page.contains("Antony Blinken"), "{page}");
    assert!(page.contains("Security Service of Ukraine"), "{page}");
    assert!(
        !page.contains("@blinken") && !page.contains("[^s]"),
        "{page}"
    );

    let answer = render(&mut client, &article, json!("markdown")).await;
    let markdown = answer["result"]["text"].as_str().unwrap();
    assert!(markdown.contains("Unsaved words."), "{markdown}");
    assert!(markdown.contains("[^1]"), "{markdown}");

    let answer = render(&mut client, &article, json!("json")).await;
    let model: Value = serde_json::from_str(answer["result"]["text"].as_str().unwrap()).unwrap();
    assert_eq!(model["front_matter"]["title"], "Talks in Kyiv", "{model}");
    client.shutdown().await;
}

/// Without a format the page is HTML; a file of the workspace that is not open renders from
/// disk, with no version.
#[tokio::test]
async fn a_closed_file_renders_from_disk_as_html_by_default() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY), ("a.news", ARTICLE)]);
    let mut client = started(&root).await;
    let article = uri(&root.join("a.news"));
    let answer = client
        .request_raw(
            "workspace/executeCommand",
            json!({"command": "newsmark.render", "arguments": [{"uri": article}]}),
        )
        .await;
    let result = &answer["result"];
    assert_eq!(result["format"], "html", "{answer}");
    assert!(result["version"].is_null());
    assert!(
        result["text"]
            .as_str()
            .unwrap()
            .contains("<h1>Talks in Kyiv</h1>")
    );
    client.shutdown().await;
}

/// Every malformed request is answered with an invalid-params error that says what was wrong,
/// and the session goes on.
#[tokio::test]
async fn bad_render_requests_are_errors_not_panics() {
    let (_dir, root) = workspace(&[("a.news", ARTICLE)]);
    let mut client = started(&root).await;
    let article = uri(&root.join("a.news"));
    let nowhere = uri(&root.join("missing/none.news"));
    let cases = [
        (
            json!({"command": "newsmark.render", "arguments": [{"uri": nowhere}]}),
            "not a document the server knows",
        ),
        (
            json!({"command": "newsmark.render", "arguments": [{"uri": article, "format": "pdf"}]}),
            "unknown format \"pdf\"",
        ),
        (
            json!({"command": "newsmark.render", "arguments": [{"uri": article, "format": 3}]}),
            "newsmark.render takes one argument",
        ),
        (
            json!({"command": "newsmark.render", "arguments": []}),
            "newsmark.render takes one argument",
        ),
        (
            json!({"command": "newsmark.render"}),
            "newsmark.render takes one argument",
        ),
        (
            json!({"command": "newsmark.render", "arguments": [{"uri": "not a uri"}]}),
            "newsmark.render takes one argument",
        ),
        (
            json!({"command": "newsmark.render", "arguments": [{"uri": article}, {"uri": article}]}),
            "newsmark.render takes one argument",
        ),
        (
            json!({"command": "newsmark.publish", "arguments": []}),
            "no command \"newsmark.publish\"",
        ),
    ];
    for (params, expected) in cases {
        let answer = client
            .request_raw("workspace/executeCommand", params.clone())
            .await;
        let error = &answer["error"];
        assert_eq!(error["code"], -32602, "{params} → {answer}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(expected), "{params} → {message}");
    }
    // Still serving.
    let answer = render(&mut client, &article, json!("markdown")).await;
    assert!(answer["result"]["text"].as_str().unwrap().contains("[^1]"));
    client.shutdown().await;
}
