//! Multi-file fixtures: `//- path` lines start each file, an optional `newsmark.toml` among
//! them configures the workspace. Everything stays in memory.

#![allow(dead_code)]

use std::fmt::Write;
use std::path::{Path, PathBuf};

use newsmark::config::Config;
use newsmark::diagnostics;
use newsmark::syntax::Encoding;
use newsmark::workspace::{Document, Workspace};

pub fn files(fixture: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in fixture.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("//- ") {
            out.push((path.trim().to_string(), String::new()));
        } else if let Some((_, text)) = out.last_mut() {
            text.push_str(line);
        } else {
            assert!(line.trim().is_empty(), "fixture must start with `//- path`");
        }
    }
    out
}

pub fn workspace(fixture: &str) -> Workspace {
    let files = files(fixture);
    let config = files
        .iter()
        .find(|(p, _)| p == "newsmark.toml")
        .map(|(p, text)| Config::parse(text, Path::new(p)).expect("fixture config is valid"))
        .unwrap_or_default();
    let mut ws = Workspace::new(PathBuf::from("."), config);
    for (path, text) in files.into_iter().filter(|(p, _)| p.ends_with(".news")) {
        ws.set_document(Document::new(PathBuf::from(path), text));
    }
    ws
}

/// Every diagnostic of every file, each with its source line and a caret underline.
pub fn check(fixture: &str) -> String {
    let ws = workspace(fixture);
    let mut out = String::new();
    let mut docs: Vec<_> = ws.documents().collect();
    docs.sort_by(|a, b| a.1.path.cmp(&b.1.path));
    for (id, doc) in docs {
        for d in diagnostics::check(&ws, id) {
            let start = doc
                .line_index
                .position(&doc.text, d.range.start, Encoding::Utf32);
            let end = doc
                .line_index
                .position(&doc.text, d.range.end, Encoding::Utf32);
            writeln!(
                out,
                "{}:{}:{} {}[{}] {}",
                doc.path.display(),
                start.line + 1,
                start.col + 1,
                d.severity.as_str(),
                d.rule.id(),
                d.message
            )
            .unwrap();
            let line = doc.line_index.line_range(&doc.text, start.line as usize);
            let width = if end.line == start.line {
                (end.col - start.col).max(1)
            } else {
                doc.text[d.range.start..line.end].chars().count().max(1) as u32
            };
            writeln!(out, "  | {}", &doc.text[line.start..line.end]).unwrap();
            writeln!(
                out,
                "  | {}{}",
                " ".repeat(start.col as usize),
                "^".repeat(width as usize)
            )
            .unwrap();
            for related in &d.related {
                let other = ws.document(related.file);
                let pos =
                    other
                        .line_index
                        .position(&other.text, related.range.start, Encoding::Utf32);
                writeln!(
                    out,
                    "  = {} at {}:{}:{}",
                    related.message,
                    other.path.display(),
                    pos.line + 1,
                    pos.col + 1
                )
                .unwrap();
            }
        }
    }
    if out.is_empty() {
        out.push_str("(no diagnostics)\n");
    }
    out
}

/// A fixture with one `$0` marking the cursor: the workspace without the marker, the file that
/// held it and the cursor's byte offset there.
pub fn nav_cursor(fixture: &str) -> (Workspace, newsmark::workspace::FileId, usize) {
    let (path, offset) = files(fixture)
        .into_iter()
        .find_map(|(path, text)| text.find("$0").map(|at| (path, at)))
        .expect("fixture has a `$0` cursor");
    let ws = workspace(&fixture.replacen("$0", "", 1));
    let file = ws
        .file_id(Path::new(&path))
        .expect("cursor file is a .news file");
    (ws, file, offset)
}

/// `path:line:col note`, then the source line with carets under `range` (to the end of that
/// line when the range runs on). Columns count characters, as `newsmark check` does.
pub fn nav_excerpt(
    ws: &Workspace,
    file: newsmark::workspace::FileId,
    range: newsmark::syntax::TextRange,
    note: &str,
) -> String {
    let doc = ws.document(file);
    let start = doc
        .line_index
        .position(&doc.text, range.start, Encoding::Utf32);
    let end = doc
        .line_index
        .position(&doc.text, range.end, Encoding::Utf32);
    let line = doc.line_index.line_range(&doc.text, start.line as usize);
    let width = if end.line == start.line {
        (end.col - start.col).max(1) as usize
    } else {
        doc.text[range.start..line.end].chars().count().max(1)
    };
    let mut out = format!(
        "{}:{}:{}",
        doc.path.display(),
        start.line + 1,
        start.col + 1
    );
    if !note.is_empty() {
        write!(out, " {note}").unwrap();
    }
    writeln!(out).unwrap();
    writeln!(out, "  | {}", &doc.text[line.start..line.end]).unwrap();
    writeln!(
        out,
        "  | {}{}",
        " ".repeat(start.col as usize),
        "^".repeat(width)
    )
    .unwrap();
    out
}

/// One excerpt per location, in the order given; `(none)` for no locations.
pub fn nav_locations<'a>(
    ws: &Workspace,
    locations: impl IntoIterator<
        Item = (
            newsmark::workspace::FileId,
            newsmark::syntax::TextRange,
            &'a str,
        ),
    >,
) -> String {
    let out: String = locations
        .into_iter()
        .map(|(file, range, note)| nav_excerpt(ws, file, range, note))
        .collect();
    if out.is_empty() {
        "(none)\n".to_string()
    } else {
        out
    }
}

/// Like `nav_cursor` for any number of `$0` markers, in any of the files: the workspace without
/// the markers, and each cursor as its file and byte offset, in fixture order.
pub fn cursors(fixture: &str) -> (Workspace, Vec<(newsmark::workspace::FileId, usize)>) {
    let mut marks = Vec::new();
    for (path, text) in files(fixture) {
        for (i, (at, _)) in text.match_indices("$0").enumerate() {
            marks.push((path.clone(), at - 2 * i));
        }
    }
    assert!(!marks.is_empty(), "fixture has no `$0` cursor");
    let ws = workspace(&fixture.replace("$0", ""));
    let cursors = marks
        .into_iter()
        .map(|(path, at)| {
            let file = ws
                .file_id(Path::new(&path))
                .expect("cursor file is a .news file");
            (file, at)
        })
        .collect();
    (ws, cursors)
}
