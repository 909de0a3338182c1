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
