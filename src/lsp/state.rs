//! What the handlers and the background workers share: the store behind its lock, the
//! queues of work for the workers, the semantic token cache and the client's settings.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rustc_hash::FxHashMap;
use tokio::sync::Notify;
use tower_lsp_server::ls_types::{Diagnostic, Uri};

use super::capabilities::Settings;
use super::snapshot::Snapshot;
use super::store::Store;
use crate::features::semantic_tokens;

pub struct Shared {
    store: Mutex<Store>,
    /// Documents whose diagnostics must be recomputed.
    dirty: Mutex<HashSet<PathBuf>>,
    /// Publications without a version (the cleared diagnostics of a closed document, the
    /// errors of a newsmark.toml), the latest per URI. The diagnostics worker sends them, so a
    /// client that stops reading holds up one task, not one task per notification.
    unversioned: Mutex<HashMap<String, (Uri, Vec<Diagnostic>)>>,
    pub wake: Notify,
    /// Refresh requests to send (`REFRESH_*` bits), coalesced: one of each kind is in flight
    /// at a time, however many edits asked for it.
    refresh: AtomicU8,
    pub refresh_wake: Notify,
    settings: Mutex<Settings>,
    tokens: Mutex<Tokens>,
    /// Whether a background build of the entity index runs, and whether another was asked
    /// for meanwhile (builds are coalesced: one at a time, the last on the latest state).
    prewarming: AtomicBool,
    prewarm_again: AtomicBool,
    /// `NEWSMARK_TEST_HOOKS=1`: deliberate failures for tests (see `handlers::debug`).
    pub test_hooks: bool,
    /// See [`super::Options::index_delay`].
    pub index_delay: std::time::Duration,
    /// Where to send the roots for the server's own file watcher, when it runs one.
    watch_roots: Mutex<Option<tokio::sync::mpsc::UnboundedSender<(PathBuf, bool)>>>,
}

/// How long a request to the client may go unanswered before the server stops waiting (a
/// client that never answers must not stall indexing or later refreshes).
pub const CLIENT_REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

pub const REFRESH_DIAGNOSTICS: u8 = 1;
pub const REFRESH_TOKENS: u8 = 2;
pub const REFRESH_HINTS: u8 = 4;

/// The last semantic tokens sent for each document, for deltas and for recomputing only what
/// an edit touched. Apart from the store: tokens are computed on a snapshot, off its lock.
#[derive(Default)]
pub struct Tokens {
    pub cache: FxHashMap<PathBuf, TokenCache>,
    pub results: u64,
}

pub struct TokenCache {
    pub result_id: String,
    /// Encoded as sent. Shared, so that a request copies them out without holding the lock.
    pub data: Arc<Vec<u32>>,
    /// The text and tokens they were computed from.
    pub text: Arc<String>,
    pub tokens: Arc<Vec<semantic_tokens::Token>>,
    /// The entity index generation they depend on (entity kinds colour mentions).
    pub entities: u64,
}

/// A poisoned lock is taken anyway: a panic is contained to its request (see `transport`),
/// and every structure here is consistent between statements.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub fn new(options: super::Options) -> Shared {
        Shared {
            store: Mutex::new(Store::default()),
            dirty: Mutex::new(HashSet::new()),
            unversioned: Mutex::new(HashMap::new()),
            wake: Notify::new(),
            refresh: AtomicU8::new(0),
            refresh_wake: Notify::new(),
            settings: Mutex::new(Settings::default()),
            tokens: Mutex::new(Tokens::default()),
            prewarming: AtomicBool::new(false),
            prewarm_again: AtomicBool::new(false),
            test_hooks: options.test_hooks,
            index_delay: options.index_delay,
            watch_roots: Mutex::new(None),
        }
    }

    /// For edits only: held for the edit, never across an `.await`.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    pub fn snapshot(&self) -> Snapshot {
        self.store().snapshot()
    }

    pub fn set_watch_roots(&self, sender: tokio::sync::mpsc::UnboundedSender<(PathBuf, bool)>) {
        *lock(&self.watch_roots) = Some(sender);
    }

    /// Has the server's own watcher, if it runs one, watch a folder's root.
    pub fn watch_root(&self, root: &std::path::Path, shallow: bool) {
        if let Some(sender) = &*lock(&self.watch_roots) {
            let _ = sender.send((root.to_path_buf(), shallow));
        }
    }

    pub fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    pub fn set_settings(&self, settings: Settings) {
        *lock(&self.settings) = settings;
    }

    pub fn tokens(&self) -> MutexGuard<'_, Tokens> {
        lock(&self.tokens)
    }

    pub fn mark_dirty(&self, paths: impl IntoIterator<Item = PathBuf>) {
        lock(&self.dirty).extend(paths);
        self.wake.notify_one();
    }

    pub fn take_dirty(&self) -> Vec<PathBuf> {
        lock(&self.dirty).drain().collect()
    }

    pub fn publish_unversioned(&self, uri: Uri, diagnostics: Vec<Diagnostic>) {
        lock(&self.unversioned).insert(uri.as_str().to_string(), (uri, diagnostics));
        self.wake.notify_one();
    }

    pub fn take_unversioned(&self) -> Vec<(Uri, Vec<Diagnostic>)> {
        lock(&self.unversioned)
            .drain()
            .map(|(_, publication)| publication)
            .collect()
    }

    pub fn request_refresh(&self, kinds: u8) {
        if kinds != 0 {
            self.refresh.fetch_or(kinds, Ordering::SeqCst);
            self.refresh_wake.notify_one();
        }
    }

    pub fn take_refresh(&self) -> u8 {
        self.refresh.swap(0, Ordering::SeqCst)
    }

    /// Entity definitions changed (or the workspace was just read): what the client shows
    /// from them beyond diagnostics (mention colours, name hints) is stale; ask it to fetch
    /// again.
    pub fn refresh_views(&self) {
        let settings = self.settings();
        let tokens = if settings.refresh_tokens {
            REFRESH_TOKENS
        } else {
            0
        };
        let hints = if settings.refresh_hints {
            REFRESH_HINTS
        } else {
            0
        };
        self.request_refresh(tokens | hints);
    }

    /// Every open document's diagnostics are out of date: re-check them (or have the client
    /// pull again).
    pub fn recheck_all(&self) {
        if self.settings().pull_diagnostics {
            self.request_refresh(REFRESH_DIAGNOSTICS);
        } else {
            let open = self.store().open_in(None);
            self.mark_dirty(open);
        }
    }

    /// Builds the entity index of every folder on a snapshot, off the store lock, so that the
    /// requests after an edit of entity definitions find it built, or being built (they then
    /// wait for it in their own snapshot, never on the lock). The snapshot shares the
    /// store's index cells, so what it builds is the store's index too.
    pub fn prewarm_index(self: &Arc<Self>) {
        if self.prewarming.swap(true, Ordering::SeqCst) {
            self.prewarm_again.store(true, Ordering::SeqCst);
            return;
        }
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            loop {
                state.prewarm_again.store(false, Ordering::SeqCst);
                let snapshot = state.snapshot();
                // A panic here must not leave `prewarming` set for good; the request that
                // next needs the index will meet it again, and is contained.
                let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    for folder in &snapshot.folders {
                        folder.workspace.index();
                    }
                }));
                if let Err(payload) = built {
                    let message = super::logging::panic_message(payload.as_ref());
                    tracing::error!("building the entity index panicked: {message}");
                }
                drop(snapshot);
                state.prewarming.store(false, Ordering::SeqCst);
                // Asked again while building: build again, unless another build took over.
                if !state.prewarm_again.load(Ordering::SeqCst)
                    || state.prewarming.swap(true, Ordering::SeqCst)
                {
                    return;
                }
            }
        });
    }
}
