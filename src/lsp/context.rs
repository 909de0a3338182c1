//! What every handler and background task works with: the client and the shared state, and
//! the way read requests run (on a snapshot, on the blocking pool, panics contained).

use std::sync::Arc;

use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{MessageType, TextDocumentPositionParams, Uri};

use super::logging::panic_message;
use super::snapshot::{Cursor, Snapshot};
use super::state::Shared;

/// What every handler works with.
#[derive(Clone)]
pub struct Context {
    pub client: Client,
    pub state: Arc<Shared>,
}

impl Context {
    /// Runs `f` on a snapshot, on the blocking pool. A panic in `f` is contained: the request
    /// gets an internal error, the panic is logged with the method and URI, and the session
    /// goes on (the store was never locked while `f` ran).
    pub async fn read<T: Send + 'static>(
        &self,
        method: &'static str,
        uri: Option<&Uri>,
        f: impl FnOnce(&Snapshot) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let asked = std::time::Instant::now();
        let snapshot = self.state.snapshot();
        let snapshot_taken = asked.elapsed();
        let work = tokio::task::spawn_blocking(move || {
            let started = asked.elapsed();
            (f(&snapshot), started)
        });
        match work.await {
            Ok((result, started)) => {
                tracing::debug!(
                    method,
                    uri = uri.map_or("", |u| u.as_str()),
                    snapshot_us = snapshot_taken.as_micros() as u64,
                    queued_us = (started - snapshot_taken).as_micros() as u64,
                    total_us = asked.elapsed().as_micros() as u64,
                    "request done"
                );
                result
            }
            Err(e) if e.is_panic() => {
                let message = panic_message(e.into_panic().as_ref());
                Err(self.contained(method, uri, &message))
            }
            // The runtime is shutting down.
            Err(_) => Err(Error::new(ErrorCode::RequestCancelled)),
        }
    }

    /// [`Context::read`] for a request at a position in a document: `f` gets the snapshot and
    /// the cursor there; a document the server does not know is answered with `None`.
    pub async fn read_at<T: Send + 'static>(
        &self,
        method: &'static str,
        at: TextDocumentPositionParams,
        f: impl FnOnce(&Snapshot, Cursor) -> Result<Option<T>> + Send + 'static,
    ) -> Result<Option<T>> {
        let uri = at.text_document.uri.clone();
        self.read(method, Some(&uri), move |snap| {
            match snap.cursor(&at.text_document.uri, at.position) {
                Some(cursor) => f(snap, cursor),
                None => Ok(None),
            }
        })
        .await
    }

    /// Logs a panic contained in a request (to stderr and to the client's log) and makes the
    /// error the request is answered with.
    pub fn contained(&self, method: &str, uri: Option<&Uri>, message: &str) -> Error {
        let uri = uri.map_or("", |u| u.as_str());
        tracing::error!(method, uri, "request panicked: {message}");
        let shown = if uri.is_empty() {
            format!("newsmark: {method} failed with an internal error: {message}")
        } else {
            format!("newsmark: {method} on {uri} failed with an internal error: {message}")
        };
        self.log(MessageType::ERROR, shown.clone());
        Error {
            code: ErrorCode::InternalError,
            message: shown.into(),
            data: None,
        }
    }

    /// `window/logMessage`, sent from a task of its own: a handler never waits on the client.
    pub fn log(&self, typ: MessageType, message: String) {
        let client = self.client.clone();
        tokio::spawn(async move { client.log_message(typ, message).await });
    }
}

/// Long work whose snapshot went stale.
pub fn content_modified() -> Error {
    Error::new(ErrorCode::ContentModified)
}

/// How many fresh snapshots long work tries before it gives up on a workspace that keeps
/// changing under it (indexing a folder also changes it, once).
const ATTEMPTS: usize = 3;

impl Context {
    /// [`Context::read`] for long work that stops when its snapshot goes stale: tried again
    /// on a fresh snapshot a few times, then answered with `ServerCancelled` and
    /// `retriggerRequest`, so the client asks again once the edits pause.
    pub async fn read_latest<T: Send + 'static>(
        &self,
        method: &'static str,
        f: impl Fn(&Snapshot) -> Result<T> + Clone + Send + 'static,
    ) -> Result<T> {
        for _ in 0..ATTEMPTS {
            match self.read(method, None, f.clone()).await {
                Err(e) if e.code == ErrorCode::ContentModified => continue,
                answer => return answer,
            }
        }
        Err(Error {
            code: ErrorCode::ServerError(-32802),
            message: "the workspace kept changing; ask again".into(),
            data: Some(serde_json::json!({"retriggerRequest": true})),
        })
    }
}
