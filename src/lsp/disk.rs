//! Changes on disk: what the client's `workspace/didChangeWatchedFiles` reports, and what
//! the server's own watcher sees (some clients cannot watch files for the server: Neovim
//! 0.11 on Linux offers no dynamic registration, eglot 1.9 loses renames). Both end in
//! [`apply`]; a change reported twice is applied once.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};
use tokio::sync::mpsc;

use super::context::Context;
use super::indexing;
use crate::workspace::is_news_file;
use crate::workspace::load::{self, Masks};

/// One path as a watcher reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Created or changed: a file to read, or a folder to read whole.
    Changed(PathBuf),
    /// Deleted: a file, or a folder and everything under it.
    Deleted(PathBuf),
}

/// Applies changes on disk to the store, in order, under its lock; a folder that appeared is
/// read in the background first. Then the open documents are checked again.
pub fn apply(cx: &Context, changes: Vec<Change>) {
    let mut touched = false;
    let mut configs = Vec::new();
    let mut folders_to_read = Vec::new();
    {
        let mut store = cx.state.store();
        for change in changes {
            let path = match &change {
                Change::Changed(p) | Change::Deleted(p) => p,
            };
            if path
                .file_name()
                .is_some_and(|n| n == crate::config::FILE_NAME)
            {
                let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
                if let Some(f) = store.folders.iter_mut().find(|f| f.root == folder) {
                    f.reload_config();
                    configs.extend(indexing::config_report(f));
                    touched = true;
                }
                continue;
            }
            match change {
                Change::Deleted(path) => touched |= !store.disk_deleted(&path).is_empty(),
                Change::Changed(path) if path.is_dir() => folders_to_read.push(path),
                Change::Changed(path) => touched |= store.disk_changed(&path).is_some(),
            }
        }
        if touched {
            store.touch();
        }
    }
    if touched || !configs.is_empty() {
        after_disk_change(cx);
    }
    indexing::publish_config_reports(cx, configs, true);
    if !folders_to_read.is_empty() {
        let cx = cx.clone();
        tokio::spawn(async move {
            // A folder the loader would not enter (ignored, hidden) is not read or watched.
            let (documents, walked) = tokio::task::spawn_blocking(move || {
                let walked: Vec<PathBuf> = folders_to_read
                    .into_iter()
                    .filter(|dir| load::is_walked_directory(dir))
                    .collect();
                let documents = walked
                    .iter()
                    .flat_map(|dir| load::load(dir, false, Masks::Release).0)
                    .collect::<Vec<_>>();
                (documents, walked)
            })
            .await
            .unwrap_or_default();
            for dir in &walked {
                cx.state.watch_root(dir, false);
            }
            let mut any = false;
            {
                let mut store = cx.state.store();
                for doc in documents {
                    any |= store.disk_read(doc).is_some();
                }
            }
            if any {
                after_disk_change(&cx);
            }
        });
    }
}

fn after_disk_change(cx: &Context) {
    cx.state.recheck_all();
    cx.state.refresh_views();
    cx.state.prewarm_index();
}

/// How often the polling fallback looks at the files.
const POLL_INTERVAL: Duration = Duration::from_secs(2);
/// Events that arrive this close together are applied as one batch (a `git checkout`
/// rewrites many files at once).
const SETTLE: Duration = Duration::from_millis(50);

/// Starts the server's own watcher: the platform's (inotify on Linux) when it can be had,
/// else polling every 2 s. Folders are
/// added as they are indexed ([`super::state::Shared::watch_root`]). Returns which kind
/// runs, or `None` when there is none.
pub fn start_own_watcher(cx: &Context) -> Option<&'static str> {
    let (events_tx, events_rx) = mpsc::unbounded_channel::<notify::Event>();
    let send = move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            let _ = events_tx.send(event);
        }
    };
    let (watcher, kind): (Box<dyn Watcher + Send>, _) =
        match notify::recommended_watcher(send.clone()) {
            Ok(w) => (Box::new(w), "native"),
            Err(e) => {
                tracing::warn!("no native file watcher ({e}); polling every 2 s instead");
                let config = notify::Config::default().with_poll_interval(POLL_INTERVAL);
                match notify::PollWatcher::new(send, config) {
                    Ok(w) => (Box::new(w), "polling"),
                    Err(e) => {
                        tracing::warn!("no file watcher at all: {e}");
                        return None;
                    }
                }
            }
        };
    let watcher = Arc::new(Mutex::new(watcher));
    let (roots_tx, mut roots_rx) = mpsc::unbounded_channel::<(PathBuf, bool)>();
    cx.state.set_watch_roots(roots_tx);
    // Each directory the loader walks is watched on its own, not the tree: a recursive watch
    // would also take every directory under `target/` or `node_modules/` (one inotify watch
    // each, and a storm of events during a build). Listing them walks the tree: on the
    // blocking pool.
    tokio::spawn(async move {
        while let Some((root, shallow)) = roots_rx.recv().await {
            let watcher = watcher.clone();
            let _ = tokio::task::spawn_blocking(move || {
                let dirs = if shallow {
                    vec![root]
                } else {
                    load::directories(&root)
                };
                let mut watcher = watcher.lock().unwrap_or_else(|e| e.into_inner());
                for dir in dirs {
                    if let Err(e) = watcher.watch(&dir, RecursiveMode::NonRecursive) {
                        tracing::warn!("cannot watch {}: {e}", dir.display());
                    }
                }
            })
            .await;
        }
    });
    let cx = cx.clone();
    tokio::spawn(async move { run(cx, events_rx).await });
    Some(kind)
}

/// Receives the watcher's events, lets a burst settle, and applies it.
async fn run(cx: Context, mut rx: mpsc::UnboundedReceiver<notify::Event>) {
    while let Some(first) = rx.recv().await {
        let mut events = vec![first];
        tokio::time::sleep(SETTLE).await;
        while let Ok(more) = rx.try_recv() {
            events.push(more);
        }
        let roots: Vec<PathBuf> = cx
            .state
            .store()
            .folders
            .iter()
            .map(|f| f.root.clone())
            .collect();
        let changes = changes_of(&events, &roots);
        if !changes.is_empty() {
            apply(&cx, changes);
        }
    }
}

/// What a burst of watcher events means for the workspaces: each path once, as it is now
/// (a file renamed away, or replaced through a temporary file, is looked at where it ends).
/// Only articles, `newsmark.toml` and folders matter; hidden files and folders are skipped,
/// as the loader skips them (ignored folders are not watched at all).
pub fn changes_of(events: &[notify::Event], roots: &[PathBuf]) -> Vec<Change> {
    let mut paths: Vec<&PathBuf> = Vec::new();
    for event in events {
        if matches!(event.kind, EventKind::Access(_)) {
            continue;
        }
        for path in &event.paths {
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
    }
    paths
        .into_iter()
        .filter(|p| {
            let Some(inside) = roots
                .iter()
                .filter_map(|r| p.strip_prefix(r).ok())
                .min_by_key(|rest| rest.components().count())
            else {
                return false;
            };
            !inside
                .components()
                .any(|c| c.as_os_str().to_str().is_some_and(|s| s.starts_with('.')))
        })
        .filter_map(|path| {
            let relevant = is_news_file(path)
                || path
                    .file_name()
                    .is_some_and(|n| n == crate::config::FILE_NAME);
            if path.exists() {
                (relevant || path.is_dir()).then(|| Change::Changed(path.clone()))
            } else {
                // A folder gone, or a file: the store removes what it holds under the path.
                Some(Change::Deleted(path.clone()))
            }
        })
        .collect()
}
