//! A panic in a request is contained: the request gets an internal error, the panic is
//! logged (to the client too), and the session goes on. The panics are deliberate, behind
//! the test hooks (`NEWSMARK_TEST_HOOKS=1`, here `Options::test_hooks`).

use serde_json::{Value, json};

use super::harness::{Client, uri};
use super::{REGISTRY, at, utf16_client, workspace};

const INTERNAL_ERROR: i64 = -32603;
const METHOD_NOT_FOUND: i64 = -32601;

async fn started_with_hooks(root: &std::path::Path) -> (Client, Value) {
    let options = newsmark::lsp::Options {
        test_hooks: true,
        ..Default::default()
    };
    let (mut client, init) = Client::start_with(utf16_client(), &[root], options).await;
    client
        .wait_for("$/progress", |p| p["value"]["kind"] == "end")
        .await;
    (client, init)
}

#[tokio::test]
async fn a_panicking_request_gets_an_error_is_logged_and_the_session_goes_on() {
    let article = "@blinken spoke.\n";
    let (_dir, root) = workspace(&[("entities.news", REGISTRY), ("a.news", article)]);
    let (mut client, init) = started_with_hooks(&root).await;
    assert!(
        !init.to_string().contains("debugPanic"),
        "the hook is never advertised"
    );
    let a = uri(&root.join("a.news"));
    client.open(&a, 1, article).await;
    client.diagnostics(&a, 1).await;

    // On the snapshot (the usual place of a request's work) and in the handler itself.
    for place in ["request", "handler"] {
        let response = client
            .request_raw("newsmark/debugPanic", json!({"where": place, "uri": a}))
            .await;
        assert_eq!(
            response["error"]["code"], INTERNAL_ERROR,
            "{place}: {response}"
        );
        let message = response["error"]["message"].as_str().unwrap();
        assert!(message.contains("newsmark/debugPanic"), "{message}");
        let logged = client
            .wait_for("window/logMessage", |p| {
                p["type"] == 1 && p["message"].as_str().unwrap().contains("deliberate panic")
            })
            .await;
        let logged = logged["message"].as_str().unwrap();
        assert!(logged.contains("newsmark/debugPanic"), "{logged}");
        assert!(logged.contains(&a), "the log names the document: {logged}");
    }

    // The session goes on: requests are answered, edits are applied and checked.
    let hover = client.request("textDocument/hover", at(&a, 0, 2)).await;
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Blinken")
    );
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": a, "version": 2},
                   "contentChanges": [{"text": "@nobody spoke.\n"}]}),
        )
        .await;
    let diagnostics = client.diagnostics(&a, 2).await;
    assert!(
        diagnostics.iter().any(|d| d["code"] == "undefined-entity"),
        "{diagnostics:?}"
    );
    client.shutdown().await;
}

#[tokio::test]
async fn the_diagnostics_worker_survives_a_panic_in_one_document() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let (mut client, _) = started_with_hooks(&root).await;
    let bad = uri(&root.join("bad.news"));
    let good = uri(&root.join("good.news"));
    client.open(&bad, 1, "newsmark-debug-panic @nobody\n").await;
    client.open(&good, 1, "@nobody again\n").await;
    let diagnostics = client.diagnostics(&good, 1).await;
    assert!(!diagnostics.is_empty());
    let logged = client
        .wait_for("window/logMessage", |p| {
            p["type"] == 1 && p["message"].as_str().unwrap().contains(&bad)
        })
        .await;
    assert!(
        logged["message"]
            .as_str()
            .unwrap()
            .contains("internal error")
    );
    // Later edits are still checked.
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": good, "version": 2},
                   "contentChanges": [{"text": "@blinken again\n"}]}),
        )
        .await;
    assert!(client.diagnostics(&good, 2).await.is_empty());
    client.shutdown().await;
}

#[tokio::test]
async fn without_the_hooks_the_debug_method_does_not_exist() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let (mut client, _) = Client::start(utf16_client(), &[&root]).await;
    let response = client
        .request_raw("newsmark/debugPanic", json!({"where": "request"}))
        .await;
    assert_eq!(response["error"]["code"], METHOD_NOT_FOUND, "{response}");
    client.shutdown().await;
}
