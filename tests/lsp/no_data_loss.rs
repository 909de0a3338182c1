//! No data loss: the edits the server hands out (rename, quick fixes) change exactly what they
//! say, once converted to UTF-16 positions and applied the way an editor applies them; each
//! carries the version it was computed for; and the server writes nothing to disk.

use std::path::{Path, PathBuf};

use newsmark::config::Config;
use newsmark::features::{code_actions, rename};
use newsmark::syntax::TextRange;
use newsmark::workspace::{Document, Workspace};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::harness::{Client, uri};

/// Byte offset of an LSP position (UTF-16 columns) in `text`, with the same line breaks as
/// the protocol (`\n`, `\r\n`, `\r`). Positions must be exact: this is the client's side, and
/// a server that sends a column inside a character or past a line's end is wrong.
fn offset_of(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let mut start = 0;
    for _ in 0..line {
        let rest = &text[start..];
        let br = rest.find(['\n', '\r']).expect("line exists");
        start += br + if rest[br..].starts_with("\r\n") { 2 } else { 1 };
    }
    let line_text = &text[start..];
    let line_end = line_text.find(['\n', '\r']).unwrap_or(line_text.len());
    let mut units = 0;
    for (i, c) in line_text[..line_end].char_indices() {
        if units == character {
            return start + i;
        }
        units += c.len_utf16();
        assert!(
            units <= character,
            "column {character} of line {line} is inside a character"
        );
    }
    assert_eq!(units, character, "column past the end of line {line}");
    start + line_end
}

fn position_of(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let mut line = 0;
    let mut line_start = 0;
    let bytes = before.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => {
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let character: usize = before[line_start..].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

/// Applies LSP text edits as an editor does: all ranges refer to the text before the edit.
fn apply_lsp_edits(text: &str, edits: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let start = offset_of(text, &e["range"]["start"]);
            let end = offset_of(text, &e["range"]["end"]);
            (start, end, e["newText"].as_str().unwrap().to_string())
        })
        .collect();
    spans.sort_by_key(|s| (s.0, s.1));
    for pair in spans.windows(2) {
        assert!(pair[0].1 <= pair[1].0, "overlapping edits: {edits:?}");
    }
    let mut out = text.to_string();
    for (start, end, new_text) in spans.into_iter().rev() {
        out.replace_range(start..end, &new_text);
    }
    out
}

fn apply_byte_edits(text: &str, edits: &[rename::TextEdit]) -> String {
    let mut out = text.to_string();
    let mut sorted: Vec<&rename::TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    for edit in sorted.into_iter().rev() {
        out.replace_range(edit.range.start..edit.range.end, &edit.new_text);
    }
    out
}

/// The texts of the documents after applying a `WorkspaceEdit` with `documentChanges`,
/// checking each `TextDocumentEdit` names the version the client holds.
fn apply_workspace_edit(docs: &[(PathBuf, String)], edit: &Value) -> Vec<(PathBuf, String)> {
    let mut out: Vec<(PathBuf, String)> = docs.to_vec();
    for change in edit["documentChanges"].as_array().expect("documentChanges") {
        if change["kind"] == "create" {
            continue;
        }
        let target = change["textDocument"]["uri"].as_str().unwrap();
        let (_, text) = out
            .iter_mut()
            .find(|(p, _)| uri(p) == target)
            .unwrap_or_else(|| panic!("an edit for a document not open: {target}"));
        assert_eq!(
            change["textDocument"]["version"], 1,
            "every edit of an open document names its version"
        );
        *text = apply_lsp_edits(text, change["edits"].as_array().unwrap());
    }
    out
}

fn library_workspace(root: &Path, docs: &[(PathBuf, String)]) -> Workspace {
    let mut ws = Workspace::new(root.to_path_buf(), Config::default());
    for (path, text) in docs {
        ws.set_document(Document::new(path.clone(), text.clone()));
    }
    ws
}

/// Starts a server with no folders and opens `docs` (all of them, so what the server sees
/// does not depend on when its background read of the directory finishes; the directory is
/// empty anyway).
async fn open_all(docs: &[(PathBuf, String)]) -> Client {
    let (mut client, _) = Client::start(
        json!({"workspace": {"workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]}}}),
        &[],
    )
    .await;
    for (path, text) in docs {
        client.open(&uri(path), 1, text).await;
    }
    client
}

fn empty_dir(root: &Path) -> bool {
    std::fs::read_dir(root).unwrap().next().is_none()
}

/// Pieces of an article; `{id}` stands for the id being renamed.
const PIECES: &[&str] = &[
    "@{id}",
    "@{id},",
    "(@{id})",
    "[the officer]{@{id}}",
    "[said so]{@{id} status=reported}",
    "[Old Name](@{id})",
    "@other",
    // Other ids that start the same, and an id in code: never renamed.
    "@older",
    "@old-x",
    "`@old`",
    "Old Name",
    "lost 13 soldiers.",
    "\"We will not leave,\" he said.",
    "é",
    "e\u{301}",
    "😀",
    "北京",
    "\t",
    "\n",
    "\r\n",
    "\n\n",
    "\r\n\r\n",
];

fn render(pieces: &[usize], id: &str) -> String {
    let mut out = String::new();
    for (i, &p) in pieces.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&PIECES[p].replace("{id}", id));
    }
    out.push('\n');
    out
}

fn registry(id: &str) -> String {
    format!("[@{id}]: Old Name\r\n  kind: person\r\n\r\n[@other]: Other 😀\n  kind: org\n")
}

/// An action's title and the texts of the documents after applying it.
type Applied = (String, Vec<String>);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Renaming `@old` from any of its occurrences changes exactly the occurrences of the id
    /// (definition, mentions, claim speakers, links), and the text around them not at all:
    /// the result equals the article written with the new id in the first place.
    #[test]
    fn a_rename_equals_writing_the_new_id(
        a in prop::collection::vec(0..PIECES.len(), 1..24),
        b in prop::collection::vec(0..PIECES.len(), 0..12),
        new_id in prop::sample::select(vec!["new", "olde", "o", "antony-blinken-2", "ol"]),
        pick in any::<prop::sample::Index>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let docs = vec![
            (root.join("a.news"), render(&a, "old")),
            (root.join("b.news"), render(&b, "old")),
            (root.join("entities.news"), registry("old")),
        ];
        // Where the user asks: the start of some `@old` (mention, speaker or definition),
        // one character into the id.
        let mut spots = Vec::new();
        for (i, (_, text)) in docs.iter().enumerate() {
            for (at, _) in text.match_indices("@old") {
                let follows = text[at + 4..].chars().next();
                let in_code = text[..at].ends_with('`');
                if !in_code && !follows.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_') {
                    spots.push((i, at + 2));
                }
            }
        }
        let (doc_index, offset) = *pick.get(&spots);
        let expected = vec![
            render(&a, new_id),
            render(&b, new_id),
            registry(new_id),
        ];

        let library = library_workspace(&root, &docs);
        let file = library.file_id(&docs[doc_index].0).unwrap();
        let byte_edits = rename::rename(&library, file, offset, new_id).unwrap();

        let edit = runtime().block_on(async {
            let mut client = open_all(&docs).await;
            let (path, text) = &docs[doc_index];
            let edit = client
                .request(
                    "textDocument/rename",
                    json!({"textDocument": {"uri": uri(path)}, "position": position_of(text, offset), "newName": new_id}),
                )
                .await;
            client.shutdown().await;
            edit
        });
        let through_lsp: Vec<String> = apply_workspace_edit(&docs, &edit).into_iter().map(|(_, t)| t).collect();
        prop_assert_eq!(&through_lsp, &expected);
        // And the library's own byte edits say the same.
        let mut direct: Vec<String> = docs.iter().map(|(_, t)| t.clone()).collect();
        for file_edit in &byte_edits {
            let path = &library.document(file_edit.file).path;
            let i = docs.iter().position(|(p, _)| p == path).unwrap();
            direct[i] = apply_byte_edits(&direct[i], &file_edit.edits);
        }
        prop_assert_eq!(&direct, &expected);
        prop_assert!(empty_dir(&root), "the server wrote to disk");
    }

    /// Every code action for every diagnostic, fetched over the protocol and applied through
    /// UTF-16 positions, gives exactly what the library's byte edits give.
    #[test]
    fn every_quick_fix_applies_exactly(a in prop::collection::vec(0..PIECES.len(), 1..20)) {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let docs = vec![
            (root.join("a.news"), render(&a, "old") + "\n[^s]: A source\n  url: https://example.org\n"),
            (root.join("entities.news"), registry("known")),
        ];
        let library = library_workspace(&root, &docs);
        let file = library.file_id(&docs[0].0).unwrap();
        let text = &docs[0].1;
        let expected: Vec<(TextRange, Vec<Applied>)> =
            newsmark::rules::check(&library, file)
                .into_iter()
                .map(|d| {
                    let actions = code_actions::actions(&library, file, d.range)
                        .into_iter()
                        .filter(|action| action.create_files.is_empty())
                        .map(|action| {
                            let mut texts: Vec<String> = docs.iter().map(|(_, t)| t.clone()).collect();
                            for file_edit in &action.edits {
                                let path = &library.document(file_edit.file).path;
                                let i = docs.iter().position(|(p, _)| p == path).unwrap();
                                texts[i] = apply_byte_edits(&texts[i], &file_edit.edits);
                            }
                            (action.title, texts)
                        })
                        .collect();
                    (d.range, actions)
                })
                .collect();

        let through_lsp = runtime().block_on(async {
            let mut client = open_all(&docs).await;
            let a_uri = uri(&docs[0].0);
            client.diagnostics(&a_uri, 1).await;
            let mut out = Vec::new();
            for (range, _) in &expected {
                let lsp_range = json!({"start": position_of(text, range.start), "end": position_of(text, range.end)});
                let actions = client
                    .request(
                        "textDocument/codeAction",
                        json!({"textDocument": {"uri": a_uri}, "range": lsp_range, "context": {"diagnostics": []}}),
                    )
                    .await;
                let applied: Vec<Applied> = actions
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|action| {
                        !action["edit"]["documentChanges"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|c| c["kind"] == "create")
                    })
                    .map(|action| {
                        let texts = apply_workspace_edit(&docs, &action["edit"])
                            .into_iter()
                            .map(|(_, t)| t)
                            .collect();
                        (action["title"].as_str().unwrap().to_string(), texts)
                    })
                    .collect();
                out.push(applied);
            }
            client.shutdown().await;
            out
        });
        for ((_, wanted), got) in expected.iter().zip(&through_lsp) {
            prop_assert_eq!(wanted, got);
        }
        prop_assert!(empty_dir(&root), "the server wrote to disk");
    }
}
