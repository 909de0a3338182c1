//! Multi-file fixtures: `//- path` lines start each file, an optional `newsmark.toml` among
//! them configures the workspace; `//` lines before the first file say what the fixture
//! shows. Everything stays in memory.

#![allow(dead_code)]

pub mod cli;

use std::fmt::Write;
use std::path::{Path, PathBuf};

use newsmark::config::Config;
use newsmark::rules;
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
            assert!(
                line.trim().is_empty() || line.starts_with("//"),
                "fixture must start with `//- path`"
            );
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
        for d in rules::check(&ws, id) {
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

/// One file's edits applied to its text. The edits must be sorted and must not overlap.
pub fn apply_text_edits(text: &str, edits: &[newsmark::features::rename::TextEdit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for edit in edits {
        assert!(
            last <= edit.range.start && edit.range.start <= edit.range.end,
            "edits are sorted and do not overlap: {edits:?}"
        );
        out.push_str(&text[last..edit.range.start]);
        out.push_str(&edit.new_text);
        last = edit.range.end;
    }
    out.push_str(&text[last..]);
    out
}

/// The workspace as it is after `edits` and after creating `create` (same root and
/// configuration). Each file may appear once in `edits`; created files must be new.
pub fn edited_workspace(
    ws: &Workspace,
    edits: &[newsmark::features::rename::FileEdit],
    create: &[(PathBuf, String)],
) -> Workspace {
    let mut files: Vec<_> = edits.iter().map(|e| e.file).collect();
    files.sort();
    files.dedup();
    assert_eq!(files.len(), edits.len(), "each file is edited once");
    let mut out = Workspace::new(ws.root.clone(), (*ws.config).clone());
    for (id, doc) in ws.documents() {
        let text = match edits.iter().find(|e| e.file == id) {
            Some(e) => apply_text_edits(&doc.text, &e.edits),
            None => doc.text.clone(),
        };
        out.set_document(Document::new(doc.path.clone(), text));
    }
    for (path, text) in create {
        assert!(out.file_id(path).is_none(), "{} exists", path.display());
        out.set_document(Document::new(path.clone(), text.clone()));
    }
    out
}

/// Text with what a snapshot would hide made visible: a `\r` before a line break as `␍`,
/// spaces at the end of a line as `·`, and a missing final line break as a note.
pub fn visible(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let (content, brk) = match line.strip_suffix("\r\n") {
            Some(c) => (c, "␍\n"),
            None => match line.strip_suffix('\n') {
                Some(c) => (c, "\n"),
                None => (line, ""),
            },
        };
        let trimmed = content.trim_end_matches(' ');
        out.push_str(trimmed);
        out.push_str(&"·".repeat(content.len() - trimmed.len()));
        out.push_str(brk);
    }
    if !text.is_empty() && !text.ends_with('\n') {
        out.push_str("\n(no line break at the end)\n");
    }
    out
}

/// Each line of `file` that some range starts on, as `line | text`, then a caret line under
/// every range starting there with its note. Columns count characters; a range running past
/// its line is underlined to the end of that line and marked `…`; an empty range (a position)
/// gets one caret. Ranges are shown in order of start.
pub fn annotate_lines(
    ws: &Workspace,
    file: newsmark::workspace::FileId,
    items: &[(newsmark::syntax::TextRange, String)],
) -> String {
    let doc = ws.document(file);
    let text = &doc.text;
    let mut items: Vec<&(newsmark::syntax::TextRange, String)> = items.iter().collect();
    items.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = String::new();
    let mut shown_line = None;
    for (range, note) in items {
        let start = doc.line_index.position(text, range.start, Encoding::Utf32);
        let end = doc.line_index.position(text, range.end, Encoding::Utf32);
        let line = doc.line_index.line_range(text, start.line as usize);
        if shown_line != Some(start.line) {
            writeln!(
                out,
                "{:>3} | {}",
                start.line + 1,
                &text[line.start..line.end]
            )
            .unwrap();
            shown_line = Some(start.line);
        }
        let (width, more) = if end.line == start.line {
            ((end.col - start.col).max(1) as usize, "")
        } else {
            (text[range.start..line.end].chars().count().max(1), "…")
        };
        writeln!(
            out,
            "    | {}{}{more} {note}",
            " ".repeat(start.col as usize),
            "^".repeat(width)
        )
        .unwrap();
    }
    if out.is_empty() {
        out.push_str("(none)\n");
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Hostile documents (tests/hostile.rs and benches/hostile.rs). Each generator takes a count `n`
// and returns a document whose size grows linearly with `n`, so timing `n` and `2n` shows
// whether a code path is linear.

/// `unit` repeated until the text is at least `bytes` long.
pub fn hostile_repeat(unit: &str, bytes: usize) -> String {
    unit.repeat(bytes.div_ceil(unit.len().max(1)))
}

/// One line of prose, no line break at all: numbers, mentions, quotes, citations, links,
/// claim spans, all in one block.
pub fn hostile_long_line(bytes: usize) -> String {
    hostile_repeat(
        "The @ssu said 1,234 soldiers and 56% of \"the three words\" rose by 3.5 per cent in 2024, \
         [officials]{@ssu status=reported} and [Mr. Smith](@smith) noted 12 drones[^src]. ",
        bytes,
    )
}

/// Every hostile single-document case at roughly `bytes` bytes: `(name, text)`.
pub fn hostile_cases(bytes: usize) -> Vec<(&'static str, String)> {
    let half = bytes / 2;
    let mut cases: Vec<(&'static str, String)> = vec![
        ("long line of prose", hostile_long_line(bytes)),
        (
            "nested [",
            format!("{}{}", "[".repeat(half), "]".repeat(half)),
        ),
        (
            "nested [ with text",
            format!("{}x{}", "[a ".repeat(half / 3), "]{b}".repeat(half / 4)),
        ),
        (
            "nested [^a",
            format!("{} x{}", "[^a".repeat(half / 3), "]".repeat(half / 3)),
        ),
        ("unclosed [", "[".repeat(bytes)),
        ("unclosed {", "{".repeat(bytes)),
        ("unclosed (", "(".repeat(bytes)),
        ("unclosed `", "`".repeat(bytes)),
        ("unclosed ` separated", hostile_repeat("` a ", bytes)),
        ("growing ` runs", hostile_growing_ticks(bytes)),
        ("unclosed <!--", "<!--".repeat(bytes / 4)),
        ("unclosed <!-- lines", hostile_repeat("<!-- a\n", bytes)),
        ("unclosed \"", "\"".repeat(bytes)),
        ("unclosed \" words", hostile_repeat("\"a ", bytes)),
        ("unclosed <", hostile_repeat("<a ", bytes)),
        ("@ signs", "@".repeat(bytes)),
        ("@a repeated", "@a".repeat(half)),
        (" @a repeated", " @a".repeat(bytes / 3)),
        ("numbers only", hostile_repeat("1,234.5 ", bytes)),
        ("digits only", "7".repeat(bytes)),
        (
            "numbers and quotes, one sentence",
            hostile_repeat("\"a 1 b\" 2 ", bytes),
        ),
        ("NUL and control bytes", hostile_control(bytes)),
        ("]{ run", "]{".repeat(half)),
        ("]( run", "](".repeat(half)),
        ("[^ run", "[^".repeat(half)),
        ("[a]( unclosed run", hostile_repeat("[a](", bytes)),
        ("[a]{ unclosed run", hostile_repeat("[a]{", bytes)),
        ("[](@ run", hostile_repeat("[](@", bytes)),
        ("backslash run", "\\".repeat(bytes)),
        (
            "URL with ) run",
            format!("see https://a.b/{}", ")".repeat(bytes)),
        ),
        (
            "URL with . run",
            format!("see https://a.b/{}", ".".repeat(bytes)),
        ),
        ("dotted token", format!("{} 1", hostile_repeat("a.", bytes))),
        (
            "claim spans and numbers",
            hostile_repeat("[a 1]{@b} 2 ", bytes),
        ),
        ("scale-word fragments", hostile_repeat("illion", bytes)),
        ("ellipsis run", hostile_repeat("…", bytes)),
        ("CRLF only", "\r\n".repeat(half)),
        ("CR only", "\r".repeat(bytes)),
        (
            "CR-separated article",
            hostile_long_line(bytes).replace(". ", ".\r"),
        ),
        (
            "definition heads",
            hostile_repeat("[^s]: T\n  url: x\n", bytes),
        ),
        (
            "suppressed lines",
            hostile_repeat(
                "<!-- newsmark-disable-next-line -->\nIt cost 5 bn.\n\n",
                bytes,
            ),
        ),
        ("headings", hostile_repeat("# 1 ", bytes)),
        ("list markers", hostile_repeat("- 1\n", bytes)),
        ("table cells", hostile_repeat("| 1 ", bytes)),
        ("blockquote markers", format!("{}1", ">".repeat(bytes))),
        (
            "front matter only",
            format!("---\n{}", hostile_repeat("a: b\n", bytes)),
        ),
    ];
    cases.retain(|(_, text)| !text.is_empty());
    cases
}

/// Backtick runs of every length 1, 2, 3 … each used once: none of them closes.
pub fn hostile_growing_ticks(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 64);
    let mut n = 1;
    while out.len() < bytes {
        out.push_str(&"`".repeat(n));
        out.push('a');
        n += 1;
    }
    out
}

/// Every control character (NUL included) between words and numbers.
pub fn hostile_control(bytes: usize) -> String {
    let mut unit = String::new();
    for c in (0u8..32).chain([127]) {
        unit.push(c as char);
        unit.push_str("a 1 @b ");
    }
    unit.push('\u{85}');
    unit.push('\u{2028}');
    unit.push('\u{feff}');
    hostile_repeat(&unit, bytes)
}

/// A registry of `n` entities (names and aliases), and an article mentioning some of them.
pub fn hostile_registry(n: usize) -> (String, String) {
    let mut registry = String::with_capacity(n * 64);
    for i in 0..n {
        writeln!(
            registry,
            "[@e{i}]: Entity Number {i}\n  kind: org\n  aliases: E{i}, Ent {i}\n"
        )
        .unwrap();
    }
    let mut article = String::new();
    for i in (0..n).step_by((n / 1000).max(1)) {
        writeln!(article, "@e{i} and Entity Number {i} met E{i}.\n").unwrap();
    }
    article.push_str("Then @e");
    (registry, article)
}

/// Parses `text` as one document and runs every rule on it; returns the diagnostic count.
pub fn hostile_check(text: &str) -> usize {
    let mut ws = Workspace::new(PathBuf::from("."), Config::default());
    let id = ws.set_document(Document::new(
        PathBuf::from("hostile.news"),
        text.to_string(),
    ));
    rules::check(&ws, id).len()
}

/// One JSON-RPC message with its `Content-Length` header, as a client writes it.
pub fn lsp_frame(message: &serde_json::Value) -> Vec<u8> {
    let body = message.to_string();
    format!("Content-Length: {}\r\n\r\n{}", body.len(), body).into_bytes()
}

/// Reads one framed message; `None` when the stream ends or the message is not JSON.
pub fn read_lsp_message(reader: &mut impl std::io::BufRead) -> Option<serde_json::Value> {
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}
