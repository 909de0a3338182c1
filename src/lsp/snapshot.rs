//! An immutable view of the server's state for one request or one batch of background work,
//! taken under the store lock in time proportional to the number of folders and open
//! documents (every workspace is shared, not copied), then read with no lock held.
//!
//! The model is rust-analyzer's: the main loop owns the mutable state and applies edits in
//! order; requests run on snapshots elsewhere, and long ones check whether the state has
//! moved on (here a generation counter) and give up instead of finishing stale work.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::FxHashMap;
use tower_lsp_server::ls_types::{Position, Uri};

use super::convert;
use super::folder::{self, Folder};
use crate::syntax::Encoding;
use crate::workspace::{Document, FileId, Workspace};

pub struct Snapshot {
    pub encoding: Encoding,
    pub folders: Vec<Folder>,
    /// The URI and version of each open document.
    pub open: FxHashMap<PathBuf, (Uri, i32)>,
    /// Bumped whenever entity definitions may have changed anywhere (semantic tokens colour
    /// mentions by entity kind).
    pub entity_generation: u64,
    /// The store's edit count when the snapshot was taken, and the live one.
    pub generation: u64,
    pub live_generation: Arc<AtomicU64>,
}

/// Where a request points: a document of a workspace and a byte offset in it.
pub struct Cursor<'a> {
    pub ws: &'a Workspace,
    pub file: FileId,
    pub doc: &'a Document,
    pub offset: usize,
    pub encoding: Encoding,
}

impl Snapshot {
    /// Whether an edit has been applied since: long work then stops, its answer would be
    /// out of date.
    pub fn is_stale(&self) -> bool {
        self.live_generation.load(Ordering::SeqCst) != self.generation
    }

    /// The workspace and file id of a document the server knows.
    pub fn locate(&self, uri: &Uri) -> Option<(&Workspace, FileId)> {
        let path = convert::path_of(uri);
        let ws = &folder::locate(&self.folders, &path)?.workspace;
        Some((ws, ws.file_id(&path)?))
    }

    /// The document at `uri` and the byte offset of `position` in it.
    pub fn cursor(&self, uri: &Uri, position: Position) -> Option<Cursor<'_>> {
        let (ws, file) = self.locate(uri)?;
        let doc = ws.document(file);
        Some(Cursor {
            ws,
            file,
            doc,
            offset: convert::offset(doc, position, self.encoding),
            encoding: self.encoding,
        })
    }

    /// For [`convert::OpenVersion`].
    pub fn open_version(&self, path: &Path) -> Option<(Uri, i32)> {
        self.open.get(path).cloned()
    }

    pub fn version(&self, path: &Path) -> Option<i32> {
        self.open.get(path).map(|(_, v)| *v)
    }
}
