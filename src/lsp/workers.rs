//! The background workers: diagnostics publication and refresh requests to the client.
//!
//! Diagnostics are computed by one worker on a snapshot, for every document marked dirty (a
//! burst of edits costs one analysis, not one per keystroke), off the transport task, and
//! published with the version they were computed for; a result whose document has moved on
//! is dropped. A batch stops when an edit makes its snapshot stale; what it had left is
//! marked dirty again and checked on the next snapshot.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{Diagnostic, MessageType, Uri};

use super::background::Background;
use super::convert;
use super::logging::panic_message;
use super::snapshot::Snapshot;
use super::state::{
    CLIENT_REQUEST_TIMEOUT, REFRESH_DIAGNOSTICS, REFRESH_HINTS, REFRESH_TOKENS, Shared,
};
use crate::features::diagnostics::{self, Analysis};

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

/// Recomputes diagnostics of dirty documents and publishes those still current; and, when
/// entity definitions changed, publishes the findings that changed in closed documents.
pub async fn diagnostics(client: Client, state: Arc<Shared>) {
    // Analysis runs below the requests' priority (see `background`); where no thread can be
    // started, on the blocking pool as before.
    let background = Background::start("newsmark-diagnostics")
        .inspect_err(|e| tracing::warn!("no background thread for diagnostics: {e}"))
        .ok();
    // Closed documents the worker has published findings for, to clear them when fixed.
    let mut shown_closed: HashSet<PathBuf> = HashSet::new();
    // What the last check of each open document kept, so that the next one judges again
    // only the sections an edit touched (see `features::diagnostics`).
    let mut analyses: Analyses = Analyses::default();
    loop {
        state.wake.notified().await;
        // Before the dirty documents: a document closed and opened again gets its new
        // diagnostics after the clearing, not before.
        for (uri, diagnostics) in state.take_unversioned() {
            client.publish_diagnostics(uri, diagnostics, None).await;
        }
        let dirty = state.take_dirty();
        let (snapshot, entity_changes, closed_changes) = {
            let mut store = state.store();
            (
                store.snapshot(),
                std::mem::take(&mut store.entity_changes),
                std::mem::take(&mut store.closed_changes),
            )
        };
        if dirty.is_empty() && entity_changes.is_empty() && closed_changes.is_empty() {
            continue;
        }
        let shown = shown_closed.clone();
        let worker_state = state.clone();
        let docs = state.settings().config.rules_url;
        let mut kept = std::mem::take(&mut analyses);
        let work = move || {
            let mut closed = check_closed(&snapshot, &entity_changes, &closed_changes, &shown);
            // Analyses of documents no longer open are dropped.
            kept.retain(|path, _| snapshot.open.contains_key(path));
            let (mut computed, failures) = check(&worker_state, &snapshot, dirty, &mut kept);
            for (_, _, diagnostics) in &mut closed {
                convert::describe(diagnostics, docs.as_deref());
            }
            for checked in &mut computed {
                convert::describe(&mut checked.diagnostics, docs.as_deref());
            }
            ((computed, failures), closed, kept)
        };
        // `check` contains its own panics; `None` is only a runtime shutting down.
        let batch = match &background {
            Some(background) => background.run(work).await,
            None => tokio::task::spawn_blocking(work).await.ok(),
        };
        let Some(((computed, failures), closed, kept)) = batch else {
            continue;
        };
        analyses = kept;
        for (path, uri, diagnostics) in closed {
            // Opened meanwhile: its own diagnostics win.
            if state.store().open.contains_key(&path) {
                continue;
            }
            if diagnostics.is_empty() {
                if !shown_closed.remove(&path) {
                    continue;
                }
            } else {
                shown_closed.insert(path);
            }
            client.publish_diagnostics(uri, diagnostics, None).await;
        }
        for checked in &computed {
            shown_closed.remove(&checked.path);
        }
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

/// Closed documents whose findings a change of entity definitions may have changed: those
/// that mention a changed id, and those shown before that changed on disk. Only the findings
/// other files can change (rules of workspace scope, such as `undefined-entity`) are given:
/// what a registry edit did to articles no one has open, not every article's own warnings.
/// A document that has none, or that is gone, gets an empty list (published only to clear
/// what was shown).
///
/// Bounded: when an edit reaches more closed articles than [`CLOSED_LIMIT`] (an entity that
/// half the archive mentions, renamed), none of them is published: thousands of
/// notifications on a registry keystroke would flood the editor and keep this worker from
/// the open documents. Those already shown are still brought up to date, and pull clients
/// see every file through workspace diagnostics.
fn check_closed(
    snapshot: &Snapshot,
    entity_changes: &[(PathBuf, String)],
    closed_changes: &[PathBuf],
    shown: &HashSet<PathBuf>,
) -> Vec<(PathBuf, Uri, Vec<Diagnostic>)> {
    let mut targets: Vec<PathBuf> = Vec::new();
    let mut seen: HashSet<&PathBuf> = HashSet::new();
    let mut reached = 0usize;
    for (root, id) in entity_changes {
        let Some(folder) = snapshot.folders.iter().find(|f| &f.root == root) else {
            continue;
        };
        let ws = &folder.workspace;
        if ws.loading {
            continue;
        }
        for m in ws.index().mentions.get(id.as_str()).into_iter().flatten() {
            let path = &ws.document(m.file).path;
            if !snapshot.open.contains_key(path) && seen.insert(path) {
                reached += 1;
                targets.push(path.clone());
            }
        }
    }
    if reached + shown.len() > CLOSED_LIMIT {
        tracing::debug!(
            reached,
            "a registry edit reaches too many closed articles to publish them"
        );
        targets.retain(|path| shown.contains(path));
    }
    for path in closed_changes {
        if shown.contains(path) && seen.insert(path) {
            targets.push(path.clone());
        }
    }
    let mut out = Vec::new();
    for path in targets {
        let Some(uri) = convert::uri_of(&path) else {
            continue;
        };
        let found = crate::lsp::folder::locate(&snapshot.folders, &path)
            .and_then(|f| Some((&f.workspace, f.workspace.file_id(&path)?)));
        let diagnostics = match found {
            Some((ws, file)) => catch_unwind(AssertUnwindSafe(|| {
                let doc = ws.document(file);
                crate::baseline::check(ws, file)
                    .into_iter()
                    .filter(|d| d.rule.def().scope == crate::rules::Scope::Workspace)
                    .map(|d| convert::diagnostic(ws, doc, d, snapshot.encoding))
                    .collect()
            }))
            .unwrap_or_default(),
            None => Vec::new(),
        };
        out.push((path, uri, diagnostics));
    }
    out
}

/// The most closed articles the worker publishes findings for (see [`check_closed`]).
const CLOSED_LIMIT: usize = 200;

/// The last analysis of each open document.
type Analyses = std::collections::HashMap<PathBuf, Analysis>;

/// Checks `dirty` on `snapshot`, from the analyses kept of their last check; a panic in one
/// document's check is logged and skips that document only (and forgets its analysis).
fn check(
    state: &Shared,
    snapshot: &Snapshot,
    dirty: Vec<PathBuf>,
    analyses: &mut Analyses,
) -> (Vec<Checked>, Vec<String>) {
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
        let previous = analyses.remove(&path);
        let result = catch_unwind(AssertUnwindSafe(|| {
            if state.test_hooks && ws.document(file).text.contains("newsmark-debug-panic") {
                panic!("newsmark-debug-panic: a deliberate panic in a document's check");
            }
            let (analysis, mut found) = diagnostics::check(previous.as_ref(), ws, file);
            // The configured baseline hides what it records, as `newsmark check` does.
            crate::baseline::apply(ws, file, &mut found);
            let doc = ws.document(file);
            let converted = found
                .into_iter()
                .map(|d| convert::diagnostic(ws, doc, d, snapshot.encoding))
                .collect();
            (analysis, converted)
        }));
        match result {
            Ok((analysis, diagnostics)) => {
                analyses.insert(path.clone(), analysis);
                computed.push(Checked {
                    uri,
                    path,
                    version,
                    diagnostics,
                })
            }
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
