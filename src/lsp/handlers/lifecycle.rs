//! `initialize`, `initialized`, `shutdown`.

use std::sync::atomic::{AtomicBool, Ordering};

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::Context;
use crate::lsp::folder::Folder;
use crate::lsp::{capabilities, disk, indexing};

pub fn initialize(cx: &Context, params: InitializeParams) -> Result<InitializeResult> {
    let (encoding, settings) = capabilities::negotiate(&params);
    let pull = settings.pull_diagnostics;
    // The server watches the files itself whatever the client offers: Neovim 0.11 on Linux
    // offers no watching, and eglot 1.9 drops renames (its handler quotes the action it
    // passes on), which is how git writes files, so a `git checkout` went unseen. Events
    // that both report are applied once: a file read again with the same text changes
    // nothing.
    let own_watcher = disk::start_own_watcher(cx);
    let watching = own_watcher.unwrap_or("none");
    tracing::info!(
        client = settings.watch_dynamically,
        "watching files: {watching} watcher"
    );
    {
        let mut store = cx.state.store();
        store.encoding = Some(encoding);
        store.track_closed = !pull;
        for root in &settings.roots {
            store.folders.push(Folder::new(root.clone()));
        }
    }
    tracing::info!(
        roots = ?settings.roots,
        ?encoding,
        pull,
        "initialize"
    );
    cx.state.set_settings(settings);
    let mut capabilities = capabilities::server(encoding, pull);
    // What watches the files, for tools that report on the setup (Neovim's checkhealth).
    capabilities.experimental = Some(serde_json::json!({
        "newsmark": {"fileWatching": watching, "clientWatching": cx.state.settings().watch_dynamically}
    }));
    Ok(InitializeResult {
        capabilities,
        server_info: Some(ServerInfo {
            name: "newsmark".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
        offset_encoding: None,
    })
}

pub fn initialized(cx: &Context) {
    let settings = cx.state.settings();
    if settings.watch_dynamically {
        let client = cx.client.clone();
        tokio::spawn(async move { indexing::register_watchers(&client).await });
    }
    indexing::spawn(cx, settings.roots);
}

pub fn shutdown(shut_down: &AtomicBool) -> Result<()> {
    tracing::info!("shutdown");
    shut_down.store(true, Ordering::SeqCst);
    Ok(())
}
