//! Text synchronisation and workspace notifications: edits to the store, applied at the top
//! of each handler under the store lock, so they are applied in the order the client sent
//! them. Nothing here awaits; what follows an edit (diagnostics, refreshes, indexing) is left
//! to the workers or spawned.

use std::path::PathBuf;

use tower_lsp_server::ls_types::*;

use super::Context;
use crate::lsp::{convert, disk, indexing};

pub fn did_open(cx: &Context, params: DidOpenTextDocumentParams) {
    let doc = params.text_document;
    let path = convert::path_of(&doc.uri);
    let (folder, changed, unindexed) = {
        let mut store = cx.state.store();
        let (folder, changed) = store.open(doc.uri, doc.version, doc.text);
        (folder, changed, std::mem::take(&mut store.unindexed))
    };
    after_change(cx, path, folder, changed);
    if !unindexed.is_empty() {
        // A file outside every workspace folder: read its workspace (the registry next to
        // it, say) in the background, as for a folder.
        indexing::spawn(cx, unindexed);
    }
}

pub fn did_change(cx: &Context, params: DidChangeTextDocumentParams) {
    let doc = params.text_document;
    let path = convert::path_of(&doc.uri);
    let result = cx
        .state
        .store()
        .change(&doc.uri, doc.version, params.content_changes);
    if let Some((folder, changed)) = result {
        after_change(cx, path, folder, changed);
    }
}

pub fn did_close(cx: &Context, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    let folder = cx.state.store().close(&uri);
    cx.state.tokens().cache.remove(&convert::path_of(&uri));
    if folder.is_some() && !cx.state.settings().pull_diagnostics {
        // Diagnostics belong to open documents; clear them.
        cx.state.publish_unversioned(uri, Vec::new());
    }
    cx.state.recheck_all();
    cx.state.prewarm_index();
}

pub fn did_change_workspace_folders(cx: &Context, params: DidChangeWorkspaceFoldersParams) {
    let added: Vec<PathBuf> = params
        .event
        .added
        .iter()
        .map(|f| convert::path_of(&f.uri))
        .collect();
    {
        let mut store = cx.state.store();
        store.touch();
        for removed in &params.event.removed {
            let root = convert::path_of(&removed.uri);
            store.folders.retain(|f| f.root != root);
        }
        for root in &added {
            store
                .folders
                .push(crate::lsp::folder::Folder::new(root.clone()));
        }
    }
    indexing::spawn(cx, added);
}

/// New settings: applied at once; what they show is computed again.
pub fn did_change_configuration(cx: &Context, params: DidChangeConfigurationParams) {
    let mut settings = cx.state.settings();
    settings.config = settings.config.updated(&params.settings);
    cx.state.set_settings(settings);
    cx.state.recheck_all();
    cx.state.refresh_views();
}

pub fn did_change_watched_files(cx: &Context, params: DidChangeWatchedFilesParams) {
    let changes = params
        .changes
        .into_iter()
        .map(|event| {
            let path = convert::path_of(&event.uri);
            if event.typ == FileChangeType::DELETED {
                disk::Change::Deleted(path)
            } else {
                disk::Change::Changed(path)
            }
        })
        .collect();
    disk::apply(cx, changes);
}

/// After a change in `folder`: re-check the changed document, or every open document of the
/// folder when entity definitions changed (mentions elsewhere may now be defined or not).
fn after_change(cx: &Context, path: PathBuf, folder: usize, entities_changed: bool) {
    let settings = cx.state.settings();
    if entities_changed {
        cx.state.prewarm_index();
        cx.state.refresh_views();
        if settings.pull_diagnostics {
            cx.state
                .request_refresh(crate::lsp::state::REFRESH_DIAGNOSTICS);
        } else {
            let open = cx.state.store().open_in(Some(folder));
            cx.state.mark_dirty(open);
        }
    } else if !settings.pull_diagnostics {
        cx.state.mark_dirty([path]);
    }
}
