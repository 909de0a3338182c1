//! The baseline `newsmark.toml` names hides, in the editor, the findings it records, as
//! `newsmark check` does: an archive adopted with a baseline does not flood the editor.

use super::harness::{summary, uri};
use super::{started, workspace};

#[tokio::test]
async fn the_configured_baseline_hides_recorded_findings_in_the_editor() {
    let baseline = r#"{"version": 1, "entries": [
  {"rule": "unattributed-number", "file": "desk/a.news", "text": "13", "occurrence": 0}
]}"#;
    let (_dir, root) = workspace(&[
        ("newsmark.toml", "baseline = \"newsmark-baseline.json\"\n"),
        ("newsmark-baseline.json", baseline),
        ("desk/a.news", "Old copy.\n"),
    ]);
    let mut client = started(&root).await;
    let article = uri(&root.join("desk/a.news"));
    // Lines above move the recorded finding; it stays hidden, the new number is shown.
    client
        .open(
            &article,
            1,
            "A new first line.\n\nThe unit lost 13 soldiers.\n\nThen 15 more.\n",
        )
        .await;
    let diagnostics = client.diagnostics(&article, 1).await;
    assert_eq!(
        summary(&diagnostics),
        [("unattributed-number".to_string(), 4, 5, 4, 7)]
    );
    client.shutdown().await;
}
