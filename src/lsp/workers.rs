//! The background workers: diagnostics publication and refresh requests to the client.
//!
//! Diagnostics are computed by one worker on a snapshot, for every document marked dirty (a
//! burst of edits costs one analysis, not one per keystroke), off the transport task, and
//! published with the version they were computed for; a result whose document has moved on
//! is dropped. A batch stops when an edit makes its snapshot stale; what it had left is
//! marked dirty again and checked on the next snapshot.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{Diagnostic, MessageType, Uri};

use super::convert;
use super::logging::panic_message;
use super::snapshot::Snapshot;
use super::state::{
    CLIENT_REQUEST_TIMEOUT, REFRESH_DIAGNOSTICS, REFRESH_HINTS, REFRESH_TOKENS, Shared,
};

/// Sends the refresh requests asked for, one at a time.
pub async fn refresh(client: Client, state: Arc<Shared>) {
    loop {
        state.refresh_wake.notified().await;
        let kinds = state.take_refresh();
        if kinds & REFRESH_DIAGNOSTICS != 0 {
            let _ = tokio::time::timeout(
                CLIENT_REQUEST_TIMEOUT,
                client.workspace_diagnostic_refresh(),
            )
            .await;
        }
        if kinds & REFRESH_TOKENS != 0 {
            let _ = tokio::time::timeout(CLIENT_REQUEST_TIMEOUT, client.semantic_tokens_refresh())
                .await;
        }
        if kinds & REFRESH_HINTS != 0 {
            let _ = tokio::time::timeout(CLIENT_REQUEST_TIMEOUT, client.inlay_hint_refresh()).await;
        }
    }
}

struct Checked {
    uri: Uri,
    path: PathBuf,
    version: i32,
    diagnostics: Vec<Diagnostic>,
}

/// Recomputes diagnostics of dirty documents and publishes those still current.
pub async fn diagnostics(client: Client, state: Arc<Shared>) {
    loop {
        state.wake.notified().await;
        // Before the dirty documents: a document closed and opened again gets its new
        // diagnostics after the clearing, not before.
        for (uri, diagnostics) in state.take_unversioned() {
            client.publish_diagnostics(uri, diagnostics, None).await;
        }
        let dirty = state.take_dirty();
        if dirty.is_empty() {
            continue;
        }
        let snapshot = state.snapshot();
        let worker_state = state.clone();
        let batch = tokio::task::spawn_blocking(move || check(&worker_state, &snapshot, dirty));
        // `check` contains its own panics; this is only a runtime shutting down.
        let Ok((computed, failures)) = batch.await else {
            continue;
        };
        for message in failures {
            client.log_message(MessageType::ERROR, message).await;
        }
        for Checked {
            uri,
            path,
            version,
            diagnostics,
        } in computed
        {
            let current = state.store().open.get(&path).map(|o| o.version);
            // A newer edit has marked the document dirty again; its own results will follow.
            if current == Some(version) {
                client
                    .publish_diagnostics(uri, diagnostics, Some(version))
                    .await;
            }
        }
    }
}

/// Checks `dirty` on `snapshot`; a panic in one document's check is logged and skips that
/// document only.
fn check(state: &Shared, snapshot: &Snapshot, dirty: Vec<PathBuf>) -> (Vec<Checked>, Vec<String>) {
    let mut computed = Vec::new();
    let mut failures = Vec::new();
    let mut dirty = dirty.into_iter();
    while let Some(path) = dirty.next() {
        let Some((uri, version)) = snapshot.open_version(&path) else {
            continue;
        };
        let Some((ws, file)) = snapshot.locate(&uri) else {
            continue;
        };
        // Findings before the folder is read would hold false ones (every mention of an
        // entity defined in a file not read yet); the end of indexing checks again.
        if ws.loading {
            continue;
        }
        let result = catch_unwind(AssertUnwindSafe(|| {
            if state.test_hooks && ws.document(file).text.contains("newsmark-debug-panic") {
                panic!("newsmark-debug-panic: a deliberate panic in a document's check");
            }
            convert::diagnostics(ws, file, snapshot.encoding)
        }));
        match result {
            Ok(diagnostics) => computed.push(Checked {
                uri,
                path,
                version,
                diagnostics,
            }),
            Err(payload) => {
                let message = panic_message(payload.as_ref());
                tracing::error!(
                    uri = uri.as_str(),
                    "checking the document panicked: {message}"
                );
                failures.push(format!(
                    "newsmark: checking {} failed with an internal error: {message}",
                    uri.as_str()
                ));
            }
        }
        if snapshot.is_stale() {
            // What is left is checked on the state after the edit.
            state.mark_dirty(dirty);
            break;
        }
    }
    (computed, failures)
}
