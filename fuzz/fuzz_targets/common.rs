//! Shared by the fuzz targets (included with `#[path]`/`mod`).
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use newsmark::config::Config;
use newsmark::rules::{self, Diagnostic};
use newsmark::workspace::{Document, FileId, Workspace};

/// A small fixed entity registry, so that mentions in the fuzzed article can resolve and the
/// reference rules get exercised.
pub const REGISTRY: &str = "\
[@ssu]: Security Service of Ukraine
  kind: org
  aliases: SSU, SBU
  url: https://ssu.gov.ua/

[@blinken]: Antony Blinken
  kind: person
  role: U.S. Secretary of State
  aliases: Blinken

[@kyiv]: Kyiv
  kind: place
";

/// Makes the fuzzing thread the only thread of rayon's global pool (call it from the target's
/// `init`).
///
/// The entity index builds its two halves with `rayon::join` and its automata with a parallel
/// iterator. From a thread outside rayon's pool, each of these is a job handed to a pool
/// thread and a wait for it (futex wake-ups, yields): over a tenth of each execution of
/// `edits`, and a fifth of `parse_and_check`'s time went to the kernel, with nothing to gain
/// on one core. With the fuzzing thread as the pool's only thread, the same code runs inline.
pub fn run_rayon_inline() {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build_global()
        .expect("the global pool is not built before the first input");
}

pub fn root() -> PathBuf {
    PathBuf::from("/fuzz")
}

pub fn article_path() -> PathBuf {
    root().join("article.news")
}

pub fn registry_path() -> PathBuf {
    root().join("entities.news")
}

/// A workspace holding [`REGISTRY`] and `text` as the article, as the language server has it
/// when an article is opened in an indexed folder.
///
/// The registry is parsed and indexed once per process and each input gets a clone of that
/// workspace: building the entity index (an Aho-Corasick DFA over the registry's names) for
/// the same fixed registry on every input was over half of each execution, and told the fuzzer
/// nothing new. Adding the article goes through `set_document`: an article without entity
/// definitions keeps the index and adds its mentions, one with definitions drops it, so
/// `check` rebuilds it from both documents (that path is still taken for every such input).
pub fn workspace_with(text: &str) -> (Workspace, FileId) {
    static TEMPLATE: OnceLock<Workspace> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let mut ws = Workspace::new(root(), Config::default());
        ws.set_document(Document::new(registry_path(), REGISTRY.to_string()));
        ws.index();
        ws
    });
    let mut ws = template.clone();
    let id = ws.set_document(Document::new(article_path(), text.to_string()));
    (ws, id)
}

/// How many indexed registry-only workspaces [`indexed_registry`] keeps.
const REGISTRY_CACHE: usize = 8;

/// A workspace holding `registry` alone, its entity index built from scratch (by a new
/// workspace's first `index`).
///
/// The last [`REGISTRY_CACHE`] registry texts asked for are kept per process, keyed by the
/// whole text, and each call gets a clone: libFuzzer runs several mutations of one input in a
/// row, and mutations of the article part leave the final registry as it was, so the same
/// registry recurs.
pub fn indexed_registry(registry: &str) -> Workspace {
    use std::cell::RefCell;
    thread_local! {
        static CACHE: RefCell<Vec<(String, Workspace)>> = const { RefCell::new(Vec::new()) };
    }
    CACHE.with_borrow_mut(|cache| {
        if let Some(at) = cache.iter().position(|(text, _)| text == registry) {
            // Most recently used last.
            let entry = cache.remove(at);
            cache.push(entry);
        } else {
            let mut ws = Workspace::new(root(), Config::default());
            ws.set_document(Document::new(registry_path(), registry.to_string()));
            ws.index();
            if cache.len() == REGISTRY_CACHE {
                cache.remove(0);
            }
            cache.push((registry.to_string(), ws));
        }
        cache.last().expect("just pushed").1.clone()
    })
}

/// Every diagnostic range lies within the text, is ordered, and starts and ends on char
/// boundaries (a client or the CLI slicing with it must never panic).
pub fn assert_ranges_ok(text: &str, diags: &[Diagnostic]) {
    for d in diags {
        let r = d.range;
        assert!(
            r.start <= r.end && r.end <= text.len(),
            "diagnostic {:?} range {:?} outside text of {} bytes: {:?}",
            d.rule,
            r,
            text.len(),
            d.message
        );
        assert!(
            text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
            "diagnostic {:?} range {:?} not on char boundaries: {:?}",
            d.rule,
            r,
            d.message
        );
    }
}

pub fn check(ws: &Workspace, id: FileId) -> Vec<Diagnostic> {
    rules::check(ws, id)
}

/// Largest char boundary <= `offset`, clamped to the text.
pub fn snap(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}
