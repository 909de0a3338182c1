//! The server's mutable state: workspace folders with their workspaces, and the open
//! documents held as ropes. Guarded by one std `Mutex` (see `state`), never held across an
//! `.await`, and only ever for an edit or to take a [`Snapshot`]: nothing here builds the
//! entity index or runs a rule.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use ropey::Rope;
use rustc_hash::FxHashMap;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::convert;
use super::folder::Folder;
use super::snapshot::Snapshot;
use crate::syntax::Encoding;
use crate::workspace::Document;
use crate::workspace::load;

pub struct OpenDocument {
    pub uri: Uri,
    pub version: i32,
    pub rope: Rope,
}

#[derive(Default)]
pub struct Store {
    pub encoding: Option<Encoding>,
    pub folders: Vec<Folder>,
    pub open: FxHashMap<PathBuf, OpenDocument>,
    /// Roots of folders made for files outside every workspace folder, still to be read.
    pub unindexed: Vec<PathBuf>,
    /// Bumped whenever entity definitions may have changed anywhere: cached semantic tokens
    /// (which colour mentions by entity kind) are then recomputed whole.
    pub entity_generation: u64,
    /// Bumped by every change of the workspaces; snapshots compare it with their own.
    pub generation: Arc<AtomicU64>,
    /// Entity ids whose definitions changed, with the root of their folder, and files that
    /// changed on disk while closed: what the diagnostics worker looks at again among
    /// closed documents (see `workers`). Taken by the worker with its snapshot.
    pub entity_changes: Vec<(PathBuf, String)>,
    pub closed_changes: Vec<PathBuf>,
    /// Whether to note them: diagnostics are pushed (a pull client asks for every file).
    pub track_closed: bool,
}

impl Store {
    pub fn encoding(&self) -> Encoding {
        self.encoding.unwrap_or(Encoding::Utf16)
    }

    /// Every folder's workspace is shared, not copied; the open documents' versions are.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            encoding: self.encoding(),
            folders: self.folders.clone(),
            open: self
                .open
                .iter()
                .map(|(path, o)| (path.clone(), (o.uri.clone(), o.version)))
                .collect(),
            entity_generation: self.entity_generation,
            generation: self.generation.load(Ordering::SeqCst),
            live_generation: self.generation.clone(),
        }
    }

    /// Called by every change: snapshots taken before it are now stale.
    pub fn touch(&mut self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The folder a path belongs to: the workspace folder with the longest root that holds
    /// it; a file outside every folder gets a folder of its own at its workspace root, found as
    /// `newsmark check` finds it ([`load::find_root`]), so single files work with no folder.
    pub fn folder_index(&mut self, path: &Path) -> usize {
        // An `untitled:` buffer belongs to the first workspace folder (the one the editor
        // opened first), so that it sees that folder's entities.
        if convert::is_unsaved(path) && !self.folders.is_empty() {
            return 0;
        }
        let best = self
            .folders
            .iter()
            .enumerate()
            .filter(|(_, f)| f.holds(path))
            .max_by_key(|(_, f)| f.root.components().count())
            .map(|(i, _)| i);
        if let Some(i) = best {
            return i;
        }
        let found = load::find_root(path);
        let root = std::path::absolute(&found.dir).unwrap_or_else(|_| {
            path.parent()
                .map_or_else(|| PathBuf::from("/"), Path::to_path_buf)
        });
        // A path through a symbolic link finds its root resolved, which `holds` does not see
        // as holding it: the folder made for the first such file serves the next ones too,
        // instead of a new folder (and a new walk) per call.
        if let Some(i) = self.folders.iter().position(|f| f.root == root) {
            return i;
        }
        let mut folder = Folder::new(root.clone());
        folder.shallow = found.shallow_for_file();
        self.unindexed.push(root);
        self.folders.push(folder);
        self.folders.len() - 1
    }

    /// Opens (or re-opens) a document; returns its folder and whether entity definitions
    /// changed.
    pub fn open(&mut self, uri: Uri, version: i32, text: String) -> (usize, bool) {
        self.touch();
        let path = convert::path_of(&uri);
        let rope = Rope::from_str(&text);
        self.open
            .insert(path.clone(), OpenDocument { uri, version, rope });
        self.put(path, text)
    }

    /// Applies incremental (or full) changes in order. Returns `None` for a document that was
    /// never opened (the change is ignored: there is no text to apply it to).
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) -> Option<(usize, bool)> {
        let path = convert::path_of(uri);
        let encoding = self.encoding();
        let open = self.open.get_mut(&path)?;
        self.generation.fetch_add(1, Ordering::SeqCst);
        for change in changes {
            match change.range {
                Some(range) => {
                    let start = convert::rope_char(&open.rope, range.start, encoding);
                    let end = convert::rope_char(&open.rope, range.end, encoding).max(start);
                    open.rope.remove(start..end);
                    open.rope.insert(start, &change.text);
                }
                None => open.rope = Rope::from_str(&change.text),
            }
        }
        open.version = version;
        let text = open.rope.to_string();
        Some(self.put(path, text))
    }

    /// Closes a document: the workspace goes back to what is on disk.
    pub fn close(&mut self, uri: &Uri) -> Option<usize> {
        self.entity_generation += 1;
        self.touch();
        let path = convert::path_of(uri);
        self.open.remove(&path)?;
        let folder = self.folder_index(&path);
        match read_news_file(&path) {
            Some(text) => {
                let doc = closed(path, text);
                self.note_entity_changes(folder, Some(&doc));
                self.folders[folder].workspace.set_document(doc);
            }
            None => {
                self.note_entity_changes_at(folder, &path, None);
                self.folders[folder].workspace.remove_document(&path);
            }
        }
        Some(folder)
    }

    fn put(&mut self, path: PathBuf, text: String) -> (usize, bool) {
        let folder = self.folder_index(&path);
        // Compared only when the definitions changed: a keystroke in a large registry's prose
        // must not cost a comparison of every entity.
        let ws = &self.folders[folder].workspace;
        let old = ws.file_id(&path).map(|id| ws.document_arc(id));
        // A keystroke parses again only the blocks it touched.
        let doc = match &old {
            Some(old) => old.edited(text),
            None => Document::new(path, text),
        };
        let (id, entities_changed) = self.folders[folder].workspace.set_document_tracked(doc);
        if entities_changed && self.track_closed {
            let folder = &self.folders[folder];
            let ids = crate::workspace::changed_entity_ids(
                old.as_deref(),
                Some(folder.workspace.document(id)),
            );
            self.entity_changes
                .extend(ids.into_iter().map(|id| (folder.root.clone(), id)));
        }
        self.entity_generation += u64::from(entities_changed);
        (folder, entities_changed)
    }

    /// A file on disk was created or changed: read it unless the editor holds it open.
    pub fn disk_changed(&mut self, path: &Path) -> Option<usize> {
        if self.open.contains_key(path) {
            return None;
        }
        let text = read_news_file(path)?;
        // Reported twice (by the client and by the server's own watcher), or touched and not
        // changed: nothing to do.
        let unchanged = self.folders.iter().any(|f| {
            f.workspace
                .file_id(path)
                .is_some_and(|id| f.workspace.document(id).text == text)
        });
        if unchanged {
            return None;
        }
        self.disk_read(closed(path.to_path_buf(), text))
    }

    /// A document read from disk (a file created or changed, or one of a folder that
    /// appeared), unless the editor holds it open.
    pub fn disk_read(&mut self, doc: Document) -> Option<usize> {
        // A file of no folder (a watcher's report about a folder removed since) starts none.
        if self.open.contains_key(&doc.path) || !self.folders.iter().any(|f| f.holds(&doc.path)) {
            return None;
        }
        self.entity_generation += 1;
        self.touch();
        let folder = self.folder_index(&doc.path);
        if self.track_closed {
            self.closed_changes.push(doc.path.clone());
        }
        self.note_entity_changes(folder, Some(&doc));
        self.folders[folder].workspace.set_document(doc);
        Some(folder)
    }

    /// Notes which entity ids change when the document at `new`'s path (or, with `None`,
    /// `path` gone) replaces what the folder holds.
    fn note_entity_changes(&mut self, folder: usize, new: Option<&Document>) {
        let Some(path) = new.map(|d| &d.path) else {
            return;
        };
        self.note_entity_changes_at(folder, path, new);
    }

    fn note_entity_changes_at(&mut self, folder: usize, path: &Path, new: Option<&Document>) {
        if !self.track_closed {
            return;
        }
        let folder = &self.folders[folder];
        let ws = &folder.workspace;
        let old = ws.file_id(path).map(|id| ws.document(id));
        let root = folder.root.clone();
        for id in crate::workspace::changed_entity_ids(old, new) {
            self.entity_changes.push((root.clone(), id));
        }
    }

    /// A file or a folder is gone from disk: its documents (every one under a folder, which
    /// VS Code and the server's own watcher report as one event) leave the workspaces,
    /// except those the editor holds open. The folders that changed.
    pub fn disk_deleted(&mut self, path: &Path) -> Vec<usize> {
        let mut changed = Vec::new();
        for (i, folder) in self.folders.iter_mut().enumerate() {
            let gone: Vec<PathBuf> = folder
                .workspace
                .documents()
                .map(|(_, d)| &d.path)
                .filter(|p| p.starts_with(path) && !self.open.contains_key(*p))
                .cloned()
                .collect();
            for p in &gone {
                if self.track_closed {
                    let ws = &folder.workspace;
                    let old = ws.file_id(p).map(|id| ws.document(id));
                    for id in crate::workspace::changed_entity_ids(old, None) {
                        self.entity_changes.push((folder.root.clone(), id));
                    }
                    self.closed_changes.push(p.clone());
                }
                folder.workspace.remove_document(p);
            }
            if !gone.is_empty() {
                changed.push(i);
            }
        }
        if !changed.is_empty() {
            self.entity_generation += 1;
            self.touch();
        }
        changed
    }

    /// Adds documents read by [`read_folder`]; the editor's open buffers win over the disk.
    pub fn add_indexed(&mut self, folder_root: &Path, documents: Vec<Document>) -> Option<usize> {
        self.entity_generation += 1;
        self.touch();
        let folder = self.folders.iter().position(|f| f.root == folder_root)?;
        let workspace = &mut self.folders[folder].workspace;
        for doc in documents {
            if !self.open.contains_key(&doc.path) {
                workspace.set_document(doc);
            }
        }
        workspace.loading = false;
        Some(folder)
    }

    /// The open documents of a folder (all folders with `None`).
    pub fn open_in(&self, folder: Option<usize>) -> Vec<PathBuf> {
        self.open
            .keys()
            .filter(|path| {
                folder.is_none_or(|f| {
                    let folder = &self.folders[f];
                    folder.holds(path) || folder.workspace.file_id(path).is_some()
                })
            })
            .cloned()
            .collect()
    }
}

/// A document no editor holds open: its prose mask is freed until a request needs it (only
/// open documents are analysed as they change).
fn closed(path: PathBuf, text: String) -> Document {
    let mut doc = Document::new(path, text);
    doc.release_mask();
    doc
}

/// Reads a `.news` file if it is readable UTF-8.
pub fn read_news_file(path: &Path) -> Option<String> {
    load::read(path).ok()
}

/// Every `.news` file under `root` (only those directly in it when `shallow`), as
/// `newsmark check` loads a workspace; unreadable files are left out.
pub fn read_folder(root: &Path, shallow: bool) -> Vec<Document> {
    load::load(root, shallow, load::Masks::Release).0
}
