//! Reading workspace folders in the background, with progress; watching files; reporting a
//! broken `newsmark.toml`.

use std::path::PathBuf;

use tower_lsp_server::Client;
use tower_lsp_server::ls_types::*;

use super::context::Context;
use super::folder::Folder;
use super::state::CLIENT_REQUEST_TIMEOUT;
use super::{convert, store};

/// Indexes `roots` in a task of its own: handlers never wait on the client.
pub fn spawn(cx: &Context, roots: Vec<PathBuf>) {
    if roots.is_empty() {
        return;
    }
    let cx = cx.clone();
    tokio::spawn(async move { index_folders(&cx, roots).await });
}

pub async fn register_watchers(client: &Client) {
    let watchers = ["**/*.news", "**/*.news.md", "**/newsmark.toml"]
        .map(|glob| FileSystemWatcher {
            glob_pattern: GlobPattern::String(glob.to_string()),
            kind: None,
        })
        .to_vec();
    let registration = Registration {
        id: "newsmark-watch".to_string(),
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
            watchers,
        })
        .ok(),
    };
    let _ = tokio::time::timeout(
        CLIENT_REQUEST_TIMEOUT,
        client.register_capability(vec![registration]),
    )
    .await;
}

/// The diagnostics of a folder's `newsmark.toml` (none when it is fine), with the message to
/// log when it is broken.
pub fn config_report(folder: &Folder) -> Option<(Uri, Vec<Diagnostic>, Option<String>)> {
    let path = folder.root.join(crate::config::FILE_NAME);
    let uri = convert::uri_of(&path)?;
    let diagnostics = folder
        .config_error
        .iter()
        .map(convert::config_diagnostic)
        .collect();
    let message = folder
        .config_error
        .as_ref()
        .map(|e| format!("newsmark: {e}; the defaults are used until it is fixed"));
    Some((uri, diagnostics, message))
}

/// Publishes config diagnostics (clearing fixed ones only when `clear`) and logs the errors.
pub fn publish_config_reports(
    cx: &Context,
    reports: Vec<(Uri, Vec<Diagnostic>, Option<String>)>,
    clear: bool,
) {
    for (uri, diagnostics, message) in reports {
        if let Some(message) = message {
            tracing::warn!("{message}");
            cx.log(MessageType::WARNING, message);
        }
        if clear || !diagnostics.is_empty() {
            cx.state.publish_unversioned(uri, diagnostics);
        }
    }
}

/// Reads every `.news` file of the folders in the background, reporting progress, builds
/// their entity index (off the store lock), then re-checks the open documents against the
/// full workspace.
async fn index_folders(cx: &Context, roots: Vec<PathBuf>) {
    let (client, state) = (&cx.client, &cx.state);
    let progress = state.settings().work_done_progress;
    static NEXT_TOKEN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT_TOKEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let token = NumberOrString::String(format!("newsmark-index-{n}"));
    let ongoing = if progress
        && tokio::time::timeout(
            CLIENT_REQUEST_TIMEOUT,
            client.create_work_done_progress(token.clone()),
        )
        .await
        .is_ok_and(|answer| answer.is_ok())
    {
        Some(
            client
                .progress(token, "newsmark: indexing")
                .with_percentage(0)
                .begin()
                .await,
        )
    } else {
        None
    };
    let started = std::time::Instant::now();
    let total = roots.len();
    let mut configs = Vec::new();
    for (i, root) in roots.into_iter().enumerate() {
        if !state.index_delay.is_zero() {
            tokio::time::sleep(state.index_delay).await;
        }
        let read_root = root.clone();
        let shallow = state
            .store()
            .folders
            .iter()
            .any(|f| f.root == root && f.shallow);
        state.watch_root(&root, shallow);
        let documents =
            tokio::task::spawn_blocking(move || store::read_folder(&read_root, shallow))
                .await
                .unwrap_or_default();
        let count = documents.len();
        {
            let mut store = state.store();
            if let Some(folder) = store.add_indexed(&root, documents) {
                configs.extend(config_report(&store.folders[folder]));
            }
        }
        // The index is built on a snapshot, which shares it with the store: requests
        // meanwhile wait for it in their own snapshots, edits do not wait at all.
        let snapshot = state.snapshot();
        let index_root = root.clone();
        let entities = tokio::task::spawn_blocking(move || {
            let folder = snapshot.folders.iter().find(|f| f.root == index_root)?;
            Some(folder.workspace.index().definitions.len())
        })
        .await
        .ok()
        .flatten()
        .unwrap_or(0);
        let message = format!(
            "newsmark: indexed {count} files ({entities} entities) in {} in {:.1} s",
            root.display(),
            started.elapsed().as_secs_f64()
        );
        tracing::info!("{message}");
        cx.log(MessageType::INFO, message);
        if let Some(ongoing) = &ongoing {
            let done = ((i + 1) * 100 / total) as u32;
            ongoing
                .report_with_message(format!("{count} articles in {}", root.display()), done)
                .await;
        }
    }
    if let Some(ongoing) = ongoing {
        ongoing.finish().await;
    }
    publish_config_reports(cx, configs, false);
    state.refresh_views();
    state.recheck_all();
}
