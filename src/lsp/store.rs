//! The server's state: workspace folders with their workspaces, and the open documents held
//! as ropes. Guarded by one std `Mutex` in the server, never held across an `.await`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ropey::Rope;
use rustc_hash::FxHashMap;
use tower_lsp_server::ls_types::{Position, TextDocumentContentChangeEvent, Uri};

use super::convert;
use crate::config::{self, Config, ConfigError};
use crate::syntax::Encoding;
use crate::workspace::load;
use crate::workspace::{Document, FileId, Workspace};

pub struct Folder {
    pub root: PathBuf,
    pub workspace: Workspace,
    /// A broken `newsmark.toml`: reported on that file, the defaults are used meanwhile.
    pub config_error: Option<ConfigError>,
    /// Only the files directly in `root` belong to it, not its subdirectories: the folder of a
    /// loose file with no `newsmark.toml` above it (which may sit in `/` or a home directory).
    pub shallow: bool,
}

impl Folder {
    pub fn new(root: PathBuf) -> Folder {
        let (config, config_error) = load_config(&root);
        Folder {
            workspace: Workspace::new(root.clone(), config),
            root,
            config_error,
            shallow: false,
        }
    }

    /// Whether `path` lies in this folder's tree (directly in it, when shallow).
    pub fn holds(&self, path: &Path) -> bool {
        if self.shallow {
            path.parent() == Some(self.root.as_path())
        } else {
            path.starts_with(&self.root)
        }
    }

    pub fn reload_config(&mut self) {
        let (config, error) = load_config(&self.root);
        self.workspace.config = Arc::new(config);
        self.config_error = error;
    }
}

fn load_config(root: &Path) -> (Config, Option<ConfigError>) {
    let path = root.join(config::FILE_NAME);
    if !path.is_file() {
        return (Config::default(), None);
    }
    match Config::load(&path) {
        Ok(config) => (config, None),
        Err(e) => (Config::default(), Some(e)),
    }
}

/// Where a request points: a document of a workspace and a byte offset in it.
pub struct Cursor<'a> {
    pub ws: &'a Workspace,
    pub file: FileId,
    pub doc: &'a Document,
    pub offset: usize,
    pub encoding: Encoding,
}

pub struct TokenCache {
    pub result_id: String,
    /// Encoded as sent.
    pub data: Vec<u32>,
    /// The text and tokens they were computed from.
    pub text: String,
    pub tokens: Vec<crate::features::semantic_tokens::Token>,
    /// The entity index generation they depend on (entity kinds colour mentions).
    pub entities: u64,
}

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
    /// The last semantic tokens sent for each document, for deltas and for recomputing only
    /// what an edit touched.
    pub tokens: FxHashMap<PathBuf, TokenCache>,
    pub token_results: u64,
    /// Bumped whenever entity definitions may have changed anywhere: cached semantic tokens
    /// (which colour mentions by entity kind) are then recomputed whole.
    pub entity_generation: u64,
}

impl Store {
    pub fn encoding(&self) -> Encoding {
        self.encoding.unwrap_or(Encoding::Utf16)
    }

    /// The folder a path belongs to: the workspace folder with the longest root that holds
    /// it; a file outside every folder gets a folder of its own at its workspace root, found as
    /// `newsmark check` finds it ([`load::find_root`]), so single files work with no folder.
    pub fn folder_index(&mut self, path: &Path) -> usize {
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
        let mut folder = Folder::new(root.clone());
        folder.shallow = found.shallow_for_file();
        self.unindexed.push(root);
        self.folders.push(folder);
        self.folders.len() - 1
    }

    /// The folder and file id of a document the workspace knows.
    pub fn locate(&self, uri: &Uri) -> Option<(&Folder, FileId)> {
        let path = convert::path_of(uri);
        self.folders
            .iter()
            .filter(|f| f.holds(&path) || f.workspace.file_id(&path).is_some())
            .max_by_key(|f| f.root.components().count())
            .and_then(|f| f.workspace.file_id(&path).map(|id| (f, id)))
    }

    /// The document at `uri` and the byte offset of `position` in it, for a request.
    pub fn cursor(&self, uri: &Uri, position: Position) -> Option<Cursor<'_>> {
        let (folder, file) = self.locate(uri)?;
        let ws = &folder.workspace;
        let doc = ws.document(file);
        let encoding = self.encoding();
        Some(Cursor {
            ws,
            file,
            doc,
            offset: convert::offset(doc, position, encoding),
            encoding,
        })
    }

    /// Opens (or re-opens) a document; returns its folder and whether entity definitions
    /// changed.
    pub fn open(&mut self, uri: Uri, version: i32, text: String) -> (usize, bool) {
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
        let path = convert::path_of(uri);
        self.open.remove(&path)?;
        self.tokens.remove(&path);
        let folder = self.folder_index(&path);
        match read_news_file(&path) {
            Some(text) => {
                self.folders[folder]
                    .workspace
                    .set_document(closed(path, text));
            }
            None => self.folders[folder].workspace.remove_document(&path),
        }
        Some(folder)
    }

    fn put(&mut self, path: PathBuf, text: String) -> (usize, bool) {
        let folder = self.folder_index(&path);
        let (_, entities_changed) = self.folders[folder]
            .workspace
            .set_document_tracked(Document::new(path, text));
        self.entity_generation += u64::from(entities_changed);
        (folder, entities_changed)
    }

    /// A file on disk was created or changed: read it unless the editor holds it open.
    pub fn disk_changed(&mut self, path: &Path) -> Option<usize> {
        self.entity_generation += 1;
        if self.open.contains_key(path) {
            return None;
        }
        let text = read_news_file(path)?;
        let folder = self.folder_index(path);
        self.folders[folder]
            .workspace
            .set_document(closed(path.to_path_buf(), text));
        Some(folder)
    }

    pub fn disk_deleted(&mut self, path: &Path) -> Option<usize> {
        self.entity_generation += 1;
        if self.open.contains_key(path) {
            return None;
        }
        let folder = self.folder_index(path);
        self.folders[folder].workspace.remove_document(path);
        Some(folder)
    }

    /// Adds documents read by [`read_folder`]; the editor's open buffers win over the disk.
    pub fn add_indexed(&mut self, folder_root: &Path, documents: Vec<Document>) -> Option<usize> {
        self.entity_generation += 1;
        let folder = self.folders.iter().position(|f| f.root == folder_root)?;
        for doc in documents {
            if !self.open.contains_key(&doc.path) {
                self.folders[folder].workspace.set_document(doc);
            }
        }
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
