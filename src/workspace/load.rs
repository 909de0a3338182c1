//! Finding, walking and reading a workspace. `newsmark check` and the server both load through
//! here, so an article sees the same registry in a terminal as in an editor.

use std::fmt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{Document, is_news_file};
use crate::config;

/// What marks a directory as a workspace root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    /// It holds `newsmark.toml`.
    Config,
    /// It holds `.git`: a directory, or a file as in a worktree or a submodule.
    Git,
}

/// A workspace root and what marked it (`None`: nothing did, it is the directory itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Root {
    pub dir: PathBuf,
    pub marker: Option<Marker>,
}

impl Root {
    /// Whether a file (not a directory) under this root sees only the files directly in `dir`:
    /// with no project marked, `dir` may be a home directory or `/`, not to be walked.
    pub fn shallow_for_file(&self) -> bool {
        self.marker.is_none()
    }
}

/// The workspace root for `path` (a file, or a directory checked): the nearest ancestor
/// directory, `path` itself included when it is a directory, holding `newsmark.toml`; only
/// when there is none anywhere above, the nearest holding `.git`; failing both, the directory
/// itself (the file's directory).
///
/// A relative `path` gives a root relative to the current directory (`..`, `sub/dir`), so
/// reports name files the way the user typed them.
pub fn find_root(path: &Path) -> Root {
    let start = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    // Canonical, so `../other/dir` climbs from where it really is, not through the `..`.
    let absolute = std::fs::canonicalize(&start)
        .or_else(|_| std::path::absolute(&start))
        .unwrap_or_else(|_| start.clone());
    // A newsmark.toml, however far up, says where the project is: a repository's .git nearer
    // the file (a submodule, a nested checkout) does not split the project.
    let nearest = |has: &dyn Fn(&Path) -> bool| absolute.ancestors().find(|d| has(d));
    let found = nearest(&|d| d.join(config::FILE_NAME).is_file())
        .map(|d| (d, Marker::Config))
        .or_else(|| nearest(&|d| d.join(".git").exists()).map(|d| (d, Marker::Git)));
    let Some((dir, marker)) = found else {
        return Root {
            dir: start,
            marker: None,
        };
    };
    let dir = if dir == absolute {
        start
    } else if start.is_absolute() {
        dir.to_path_buf()
    } else {
        relative_to_current_dir(dir).unwrap_or_else(|| dir.to_path_buf())
    };
    Root {
        dir,
        marker: Some(marker),
    }
}

/// `dir` written relative to the current directory (`..`, `../..`, `sub/dir`), so reports name
/// files the way the user would type them.
fn relative_to_current_dir(dir: &Path) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    if let Ok(below) = dir.strip_prefix(&cwd) {
        return Some(if below.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            below.to_path_buf()
        });
    }
    let ups = cwd.strip_prefix(dir).ok()?.components().count();
    Some((0..ups).map(|_| "..").collect())
}

/// `./a.news` → `a.news`: paths are reported the way a person would type them.
pub fn clean(path: &Path) -> PathBuf {
    match path.strip_prefix(".") {
        Ok(rest) if !rest.as_os_str().is_empty() => rest.to_path_buf(),
        _ => path.to_path_buf(),
    }
}

/// A file or directory that could not be loaded; the rest of the workspace still is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    pub path: PathBuf,
    /// Phrased for the user, without the path.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// How the loader walks a tree: hidden files and what .gitignore and friends exclude are
/// left out, the ignore files of parent directories count.
fn walker(dir: &Path, max_depth: Option<usize>) -> ignore::WalkBuilder {
    let mut builder = ignore::WalkBuilder::new(dir);
    builder
        .max_depth(max_depth)
        .follow_links(true)
        // .gitignore counts in a directory that is not (yet) a repository too.
        .require_git(false);
    builder
}

/// `dir` and every directory under it that [`walk`] enters: what a file watcher must watch
/// to see every file the loader would read (and nothing under `target/` or `node_modules/`).
pub fn directories(dir: &Path) -> Vec<PathBuf> {
    walker(dir, None)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_dir()))
        .map(|e| clean(e.path()))
        .collect()
}

/// Whether the directory `dir` is one [`walk`] enters from its parent (not hidden, not
/// ignored).
pub fn is_walked_directory(dir: &Path) -> bool {
    let Some(parent) = dir.parent() else {
        return true;
    };
    walker(parent, Some(1))
        .build()
        .filter_map(Result::ok)
        .any(|e| e.depth() == 1 && e.path() == dir)
}

/// The `*.news` and `*.news.md` files under `dir` (only those directly in it when `shallow`),
/// respecting .gitignore and friends, in path order: where order shows (the first of two
/// definitions of an id), every front end agrees.
pub fn walk(dir: &Path, shallow: bool) -> (Vec<PathBuf>, Vec<LoadError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for entry in walker(dir, shallow.then_some(1)).build() {
        match entry {
            Ok(entry) => {
                if entry.file_type().is_some_and(|t| t.is_file()) && is_news_file(entry.path()) {
                    files.push(clean(entry.path()));
                }
            }
            Err(e) => errors.push(LoadError {
                path: dir.to_path_buf(),
                message: e.to_string(),
            }),
        }
    }
    files.sort_unstable();
    (files, errors)
}

/// The text of the file at `path`, which must be UTF-8.
pub fn read(path: &Path) -> Result<String, LoadError> {
    let error = |message| LoadError {
        path: path.to_path_buf(),
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| error(format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        error(format!(
            "not UTF-8 (invalid byte at offset {}): save the file as UTF-8",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Whether loaded documents keep their prose masks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Masks {
    /// Every document is about to be checked (the CLI).
    Keep,
    /// Most documents will not be looked at (the server's closed files): each mask is dropped
    /// as soon as its document is parsed, so the next parse on the same thread reuses the
    /// memory instead of the heap growing by a copy of the workspace.
    Release,
}

/// Reads and parses `paths` on all cores, in the order given.
pub fn read_documents(paths: Vec<PathBuf>, masks: Masks) -> (Vec<Document>, Vec<LoadError>) {
    let results: Vec<Result<Document, LoadError>> = paths
        .into_par_iter()
        .map(|path| {
            let text = read(&path)?;
            let mut doc = Document::new(path, text);
            if masks == Masks::Release {
                doc.release_mask();
            }
            Ok(doc)
        })
        .collect();
    let mut documents = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(doc) => documents.push(doc),
            Err(e) => errors.push(e),
        }
    }
    (documents, errors)
}

/// Every document of the workspace at `dir` ([`walk`], then [`read_documents`]).
pub fn load(dir: &Path, shallow: bool, masks: Masks) -> (Vec<Document>, Vec<LoadError>) {
    let (paths, mut errors) = walk(dir, shallow);
    let (documents, read_errors) = read_documents(paths, masks);
    errors.extend(read_errors);
    (documents, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(paths: &[&str]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let top = std::fs::canonicalize(dir.path()).unwrap();
        for path in paths {
            let path = top.join(path);
            if let Some(dir) = path.to_str().unwrap().strip_suffix('/') {
                std::fs::create_dir_all(dir).unwrap();
            } else {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, "").unwrap();
            }
        }
        (dir, top)
    }

    fn root(dir: PathBuf, marker: Option<Marker>) -> Root {
        Root { dir, marker }
    }

    #[test]
    fn a_git_directory_or_file_marks_the_root_when_no_config_is_above() {
        let (_dir, top) = tree(&[".git/", "desk/story.news"]);
        let found = find_root(&top.join("desk/story.news"));
        assert_eq!(found, root(top.clone(), Some(Marker::Git)));
        assert!(!found.shallow_for_file());
        // A worktree or a submodule has a `.git` file; the nearest one wins.
        let (_dir, top) = tree(&[".git/", "module/.git", "module/desk/story.news"]);
        assert_eq!(
            find_root(&top.join("module/desk/story.news")),
            root(top.join("module"), Some(Marker::Git))
        );
        assert_eq!(
            find_root(&top.join("module")),
            root(top.join("module"), Some(Marker::Git))
        );
    }

    #[test]
    fn the_nearest_config_wins_over_any_git() {
        // Nearer than `.git`.
        let (_dir, top) = tree(&[".git/", "paper/newsmark.toml", "paper/desk/story.news"]);
        assert_eq!(
            find_root(&top.join("paper/desk/story.news")),
            root(top.join("paper"), Some(Marker::Config))
        );
        // Farther than `.git`: a submodule inside a configured project is part of it.
        let (_dir, top) = tree(&["newsmark.toml", "module/.git", "module/desk/story.news"]);
        assert_eq!(
            find_root(&top.join("module/desk/story.news")),
            root(top.clone(), Some(Marker::Config))
        );
        // Of two configurations, the nearer.
        let (_dir, top) = tree(&["newsmark.toml", "desk/newsmark.toml", "desk/story.news"]);
        assert_eq!(
            find_root(&top.join("desk/story.news")),
            root(top.join("desk"), Some(Marker::Config))
        );
        // A directory holding the configuration is its own root.
        assert_eq!(
            find_root(&top.join("desk")),
            root(top.join("desk"), Some(Marker::Config))
        );
    }

    #[test]
    fn with_no_marker_the_root_is_the_directory_itself() {
        let (_dir, top) = tree(&["desk/story.news"]);
        let found = find_root(&top.join("desk/story.news"));
        assert_eq!(found, root(top.join("desk"), None));
        assert!(found.shallow_for_file());
        assert_eq!(find_root(&top.join("desk")), root(top.join("desk"), None));
    }

    #[test]
    fn walking_sorts_filters_and_respects_gitignore() {
        let (_dir, top) = tree(&[
            ".gitignore",
            "b.news",
            "a.news.md",
            "notes.md",
            "drafts/x.news",
            "sub/c.news",
        ]);
        std::fs::write(top.join(".gitignore"), "drafts/\n").unwrap();
        let (files, errors) = walk(&top, false);
        assert!(errors.is_empty());
        let names: Vec<_> = files
            .iter()
            .map(|f| f.strip_prefix(&top).unwrap())
            .collect();
        assert_eq!(
            names,
            [
                Path::new("a.news.md"),
                Path::new("b.news"),
                Path::new("sub/c.news")
            ]
        );
        assert_eq!(walk(&top, true).0.len(), 2);
    }

    #[test]
    fn an_unreadable_file_is_named_and_the_rest_load() {
        let (_dir, top) = tree(&["good.news", "bad.news"]);
        std::fs::write(top.join("bad.news"), b"Caf\xe9\n").unwrap();
        let (documents, errors) = load(&top, false, Masks::Release);
        assert_eq!(documents.len(), 1);
        assert_eq!(documents[0].path, top.join("good.news"));
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].to_string(),
            format!(
                "{}: not UTF-8 (invalid byte at offset 3): save the file as UTF-8",
                top.join("bad.news").display()
            )
        );
    }
}
