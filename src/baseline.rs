//! Baselines: the findings an archive already had when it adopted newsmark, recorded so that
//! `newsmark check --baseline FILE` and the language server report only new ones.
//!
//! A finding is recorded by its rule, its file (relative to the workspace root, with `/`),
//! the text it covers (whitespace collapsed) and, for findings alike in those three, its
//! occurrence among them in text order. No line or column goes in: an edit elsewhere in the
//! file moves findings without making them new. Matching counts: a file with three baseline
//! entries for `13` under `unattributed-number` hides the first three such findings, so a
//! fourth one added anywhere is reported (which one of the four is reported is the last in
//! text order).
//!
//! Protocol-neutral: the CLI filters each file's diagnostics through [`Baseline::filter`], the
//! server through [`check`], which reads the baseline `newsmark.toml` names.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::rules::{self, Diagnostic};
use crate::syntax::TextRange;
use crate::workspace::{FileId, Workspace};

/// The baseline file's version (its `"version"` key).
pub const VERSION: u32 = 1;

/// The most characters of a finding's text that go into its fingerprint: a long quotation is
/// told apart by its start.
const TEXT_MAX: usize = 120;

/// One recorded finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub rule: String,
    pub file: String,
    pub text: String,
    /// Its place among the file's findings with the same rule and text, from 0.
    #[serde(default)]
    pub occurrence: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    #[serde(default)]
    #[allow(dead_code)]
    tool: Option<String>,
    entries: Vec<Entry>,
}

/// A loaded baseline: how many findings of each rule and text each file may have unreported.
#[derive(Debug, Default)]
pub struct Baseline {
    by_file: HashMap<String, HashMap<(String, String), u32>>,
    total: usize,
}

/// What filtering one file's findings did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Findings the baseline hid.
    pub hidden: usize,
    /// The file's baseline entries that matched no finding (fixed, or edited away).
    pub stale: usize,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, other: Tally) {
        self.hidden += other.hidden;
        self.stale += other.stale;
    }
}

impl Baseline {
    /// Reads a baseline written by `newsmark check --write-baseline`.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read the baseline: {e}", path.display()))?;
        Baseline::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Baseline, String> {
        let file: File = serde_json::from_str(text)
            .map_err(|e| format!("{}:{}: not a newsmark baseline: {e}", e.line(), e.column()))?;
        if file.version != VERSION {
            return Err(format!(
                "baseline version {} is not the {VERSION} this newsmark reads: write it again with --write-baseline",
                file.version
            ));
        }
        let mut baseline = Baseline::default();
        for entry in file.entries {
            *baseline
                .by_file
                .entry(entry.file)
                .or_default()
                .entry((entry.rule, entry.text))
                .or_default() += 1;
            baseline.total += 1;
        }
        Ok(baseline)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Takes out of `diagnostics` (one file's, sorted by position as `rules::check` returns
    /// them) those the baseline records for `file` (see [`file_key`]) in `text`.
    pub fn filter(&self, file: &str, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Tally {
        let Some(allowed) = self.by_file.get(file) else {
            return Tally::default();
        };
        let mut used: HashMap<(&str, String), u32> = HashMap::new();
        let before = diagnostics.len();
        diagnostics.retain(|d| {
            let key = (d.rule.id(), fingerprint_text(text, d.range));
            let limit = allowed
                .get(&(key.0.to_string(), key.1.clone()))
                .copied()
                .unwrap_or(0);
            let n = used.entry(key).or_default();
            if *n < limit {
                *n += 1;
                false
            } else {
                true
            }
        });
        let hidden = before - diagnostics.len();
        let recorded: usize = allowed.values().map(|&n| n as usize).sum();
        Tally {
            hidden,
            stale: recorded - hidden,
        }
    }
}

/// The text a finding covers, as its fingerprint holds it: whitespace runs as one space, at
/// most [`TEXT_MAX`] characters.
pub fn fingerprint_text(text: &str, range: TextRange) -> String {
    let covered = text
        .get(range.start..range.end.min(text.len()))
        .unwrap_or("");
    let mut out = String::with_capacity(covered.len().min(TEXT_MAX));
    for (n, word) in covered.split_whitespace().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    if let Some((cut, _)) = out.char_indices().nth(TEXT_MAX) {
        out.truncate(cut);
    }
    out
}

/// How a baseline names `path` of the workspace at `root`: relative to the root, with `/`
/// between components, so a baseline written on one machine works on another.
pub fn file_key(root: &Path, path: &Path) -> String {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let path_c = canonical(path);
    let relative = path_c
        .strip_prefix(canonical(root))
        .map(Path::to_path_buf)
        .or_else(|_| path.strip_prefix(root).map(Path::to_path_buf))
        .unwrap_or_else(|_| path.to_path_buf());
    let parts: Vec<String> = relative
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Writes the entries of one file's findings (sorted by position) as lines of a baseline's
/// `entries` array, each after a comma (the writer drops the comma of the very first).
pub fn write_entries(
    out: &mut impl Write,
    file: &str,
    text: &str,
    diagnostics: &[Diagnostic],
) -> std::io::Result<()> {
    let mut seen: HashMap<(&str, String), u32> = HashMap::new();
    for d in diagnostics {
        let fingerprint = fingerprint_text(text, d.range);
        let n = seen.entry((d.rule.id(), fingerprint.clone())).or_default();
        let entry = Entry {
            rule: d.rule.id().to_string(),
            file: file.to_string(),
            text: fingerprint,
            occurrence: *n,
        };
        *n += 1;
        out.write_all(b",\n  ")?;
        serde_json::to_writer(&mut *out, &entry)?;
    }
    Ok(())
}

/// The start of a baseline file, before [`write_entries`]; [`END`] closes it.
pub const START: &str = "{\"version\": 1, \"tool\": \"newsmark\", \"entries\": [";
pub const END: &str = "\n]}\n";

/// The baselines `newsmark.toml` names, by path, with the modification time they were read
/// at: a server reads a baseline once, and again when the file changes.
type Cache = HashMap<PathBuf, (Option<SystemTime>, Arc<Option<Baseline>>)>;

static CACHE: Mutex<Option<Cache>> = Mutex::new(None);

/// The baseline `newsmark.toml` names for `ws`, if any and readable (a bad one is logged
/// once per change of the file, and hides nothing).
pub fn configured(ws: &Workspace) -> Option<Arc<Option<Baseline>>> {
    let path = ws.config.baseline.as_ref()?;
    let path = ws.root.join(path);
    let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    if let Some((at, baseline)) = cache.get(&path)
        && *at == modified
    {
        return Some(baseline.clone());
    }
    let baseline = match Baseline::load(&path) {
        Ok(baseline) => Some(baseline),
        Err(e) => {
            tracing::warn!("{e}; no finding is hidden");
            None
        }
    };
    let baseline = Arc::new(baseline);
    cache.insert(path, (modified, baseline.clone()));
    Some(baseline)
}

/// `rules::check`, without the findings of the baseline `newsmark.toml` names (`baseline =
/// "FILE"`): what the server shows.
pub fn check(ws: &Workspace, file: FileId) -> Vec<Diagnostic> {
    let mut diagnostics = rules::check(ws, file);
    apply(ws, file, &mut diagnostics);
    diagnostics
}

/// Drops from `diagnostics` (a document's, as [`rules::check`] gives them, however they were
/// computed) those the configured baseline records.
pub fn apply(ws: &Workspace, file: FileId, diagnostics: &mut Vec<Diagnostic>) {
    if let Some(baseline) = configured(ws)
        && let Some(baseline) = baseline.as_ref()
    {
        let doc = ws.document(file);
        baseline.filter(&file_key(&ws.root, &doc.path), &doc.text, diagnostics);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_collapse_whitespace_and_are_capped() {
        let text = "a  lot\n of\tspace";
        assert_eq!(
            fingerprint_text(text, TextRange::new(0, text.len())),
            "a lot of space"
        );
        let long = "é".repeat(500);
        assert_eq!(
            fingerprint_text(&long, TextRange::new(0, long.len()))
                .chars()
                .count(),
            TEXT_MAX
        );
    }

    #[test]
    fn a_baseline_of_another_version_is_refused() {
        let err = Baseline::parse(r#"{"version": 9, "entries": []}"#).unwrap_err();
        assert!(err.contains("version 9"), "{err}");
        assert!(Baseline::parse("[").unwrap_err().starts_with("1:1"));
    }
}
