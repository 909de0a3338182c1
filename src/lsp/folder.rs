//! A workspace folder: its root, its workspace and its configuration.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{self, Config, ConfigError};
use crate::workspace::Workspace;

/// Cloned into every snapshot: the workspace clone is cheap (see [`Workspace`]).
#[derive(Clone)]
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
        let mut workspace = Workspace::new(root.clone(), config);
        // Until `Store::add_indexed` has its files: no findings that other files could
        // change are shown meanwhile.
        workspace.loading = true;
        Folder {
            workspace,
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

/// The folder holding `path` among `folders`: the one with the longest root that holds it
/// or already knows the file.
pub fn locate<'a>(folders: &'a [Folder], path: &Path) -> Option<&'a Folder> {
    folders
        .iter()
        .filter(|f| f.holds(path) || f.workspace.file_id(path).is_some())
        .max_by_key(|f| f.root.components().count())
}
