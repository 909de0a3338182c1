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
    // A client that cannot watch files for the server (Neovim 0.11 on Linux): it watches
    // them itself, or changes made outside the editor (a `git checkout`) go unseen.
    let own_watcher = if settings.watch_dynamically {
        None
    } else {
        disk::start_own_watcher(cx)
    };
    let watching = match (settings.watch_dynamically, own_watcher) {
        (true, _) => "client",
        (false, Some(kind)) => kind,
        (false, None) => "none",
    };
    if let Some(kind) = own_watcher {
        tracing::info!("the client does not watch files: watching them with a {kind} watcher");
    }
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
        "newsmark": {"fileWatching": watching}
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
