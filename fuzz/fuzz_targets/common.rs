//! Shared by the fuzz targets (included with `#[path]`/`mod`).
#![allow(dead_code)]

use std::path::PathBuf;

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

pub fn root() -> PathBuf {
    PathBuf::from("/fuzz")
}

pub fn article_path() -> PathBuf {
    root().join("article.news")
}

pub fn registry_path() -> PathBuf {
    root().join("entities.news")
}

pub fn workspace_with(text: &str) -> (Workspace, FileId) {
    workspace_with_registry(REGISTRY, text)
}

pub fn workspace_with_registry(registry: &str, text: &str) -> (Workspace, FileId) {
    let mut ws = Workspace::new(root(), Config::default());
    ws.set_document(Document::new(registry_path(), registry.to_string()));
    let id = ws.set_document(Document::new(article_path(), text.to_string()));
    (ws, id)
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
