//! A client that breaks the rules, against the built binary over real stdio: every abuse is
//! answered as the JSON-RPC and LSP specifications say, and the session goes on.

mod common;

use std::collections::HashMap;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const PARSE_ERROR: i64 = -32700;
const INVALID_PARAMS: i64 = -32602;
const SERVER_NOT_INITIALIZED: i64 = -32002;
const REQUEST_CANCELLED: i64 = -32800;

/// How long to wait for a message before declaring the server hung (a guard, not a measure).
const PATIENCE: Duration = Duration::from_secs(60);

fn frame(message: &Value) -> Vec<u8> {
    common::lsp_frame(message)
}

fn raw_frame(declared_length: usize, body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {declared_length}\r\n\r\n").into_bytes();
    out.extend_from_slice(body);
    out
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn workspace(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    for (path, text) in files {
        std::fs::write(root.join(path), text).unwrap();
    }
    (dir, root)
}

const REGISTRY: &str = "[@ssu]: Security Service of Ukraine\n  kind: org\n";

struct Session {
    child: Child,
    /// Shared with a thread that floods the server while the test reads its answers.
    stdin: Arc<Mutex<ChildStdin>>,
    incoming: mpsc::Receiver<Value>,
    /// Once set, the reader thread stops reading but keeps the pipe open: a client that
    /// hangs rather than one that has gone.
    stop_reading: Arc<AtomicBool>,
    /// Messages that arrived while waiting for another.
    stash: Vec<Value>,
    next_id: i64,
}

impl Session {
    fn start() -> Session {
        let mut child = Command::new(env!("CARGO_BIN_EXE_newsmark"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("newsmark lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = mpsc::channel();
        let stop_reading = Arc::new(AtomicBool::new(false));
        let stop = stop_reading.clone();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = common::read_lsp_message(&mut reader) {
                if stop.load(Ordering::SeqCst) {
                    loop {
                        std::thread::park();
                    }
                }
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Session {
            child,
            stdin: Arc::new(Mutex::new(stdin)),
            incoming,
            stop_reading,
            stash: Vec::new(),
            next_id: 1000,
        }
    }

    /// Starts a server and initializes it with `root` as its only folder (UTF-16 positions,
    /// pushed diagnostics).
    fn initialized(root: &Path) -> Session {
        let mut session = Session::start();
        let init = session.request(
            "initialize",
            json!({"processId": null, "capabilities": {},
                   "workspaceFolders": [{"uri": uri(root), "name": "ws"}]}),
        );
        assert!(init["result"]["capabilities"].is_object(), "{init}");
        session.notify("initialized", json!({}));
        session.wait_until_indexed();
        session
    }

    /// Waits until the registry (`@ssu`) has been read in the background.
    fn wait_until_indexed(&mut self) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let found = self.request("workspace/symbol", json!({"query": "ssu"}));
            if found["result"].as_array().is_some_and(|a| !a.is_empty()) {
                return;
            }
            assert!(Instant::now() < deadline, "the workspace was never indexed");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut stdin = self.stdin.lock().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.write(&frame(
            &json!({"jsonrpc": "2.0", "method": method, "params": params}),
        ));
    }

    fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.write(&frame(
            &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
        ));
        id
    }

    /// Sends a request and waits for its response (the whole response object).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.wait_for(&format!("the response to {method}"), |m| {
            m["id"] == id && m.get("method").is_none()
        })
    }

    fn wait_for(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.stash.iter().position(&matches) {
            return self.stash.remove(i);
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self
                .incoming
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no {what} from the server"));
            if matches(&message) {
                return message;
            }
            self.stash.push(message);
        }
    }

    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait_for(&format!("diagnostics for {uri} v{version}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "newsmark", "version": version, "text": text}}),
        );
    }

    /// Proves the session is alive: a request after the abuse is answered.
    fn still_answers(&mut self) {
        let answer = self.request("workspace/symbol", json!({"query": ""}));
        assert!(answer.get("error").is_none(), "{answer}");
    }

    /// `shutdown` then `exit`; the exit status.
    fn finish(mut self) -> std::process::ExitStatus {
        let answer = self.request("shutdown", Value::Null);
        assert!(answer.get("error").is_none(), "{answer}");
        self.notify("exit", Value::Null);
        self.child.wait().unwrap()
    }
}

fn rules(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn error_code(response: &Value) -> Option<i64> {
    response["error"]["code"].as_i64()
}

#[test]
fn requests_before_initialize_are_refused_and_initialize_still_works() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let mut session = Session::start();
    let article = uri(&root.join("a.news"));
    let early = session.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": article}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(error_code(&early), Some(SERVER_NOT_INITIALIZED), "{early}");
    // A notification before initialize is dropped, as the specification says.
    session.open(&article, 1, "@ghost spoke.\n");
    let shutdown_early = session.request("shutdown", Value::Null);
    assert_eq!(error_code(&shutdown_early), Some(SERVER_NOT_INITIALIZED));

    let init = session.request(
        "initialize",
        json!({"processId": null, "capabilities": {},
               "workspaceFolders": [{"uri": uri(&root), "name": "ws"}]}),
    );
    assert!(
        init["result"]["capabilities"]["hoverProvider"].is_boolean()
            || init["result"]["capabilities"]["hoverProvider"].is_object(),
        "{init}"
    );
    let again = session.request("initialize", json!({"processId": null, "capabilities": {}}));
    assert!(
        error_code(&again).is_some(),
        "a second initialize is an error: {again}"
    );
    session.notify("initialized", json!({}));
    session.wait_until_indexed();
    session.open(&article, 2, "@ghost and @ssu spoke.\n");
    let found = session.diagnostics(&article, 2);
    assert_eq!(rules(&found), ["undefined-entity"]);
    assert!(session.finish().success());
}

#[test]
fn malformed_messages_get_errors_and_the_session_goes_on() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let mut session = Session::initialized(&root);
    let parse_error = |m: &Value| error_code(m) == Some(PARSE_ERROR) && m["id"].is_null();

    // Broken JSON.
    let body = br#"{"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover", "par"#;
    session.write(&raw_frame(body.len(), body));
    session.wait_for("a parse error for broken JSON", parse_error);
    // Not UTF-8.
    let body = b"{\"jsonrpc\": \"2.0\", \"method\": \"\xff\xfe\"}";
    session.write(&raw_frame(body.len(), body));
    session.wait_for("a parse error for bytes that are not UTF-8", parse_error);
    // JSON that is not a JSON-RPC message.
    for body in ["[1, 2, 3]", "{\"hello\": \"world\"}", "42", "null"] {
        session.write(&raw_frame(body.len(), body.as_bytes()));
        session.wait_for(&format!("an error for {body}"), |m| {
            m["id"].is_null() && m["error"]["code"].is_i64()
        });
    }
    // A header that is not a length, and a message with no Content-Length at all.
    session.write(b"Content-Length: many\r\n\r\n{}");
    session.wait_for("an error for a bad Content-Length", |m| {
        m["id"].is_null() && m["error"].is_object()
    });
    session.write(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}");
    session.wait_for("an error for a missing Content-Length", |m| {
        m["id"].is_null() && m["error"].is_object()
    });
    // Parameters of the wrong shape: invalid params, with the request's id.
    let wrong = session.request(
        "textDocument/hover",
        json!({"textDocument": 3, "position": "here"}),
    );
    assert_eq!(error_code(&wrong), Some(INVALID_PARAMS), "{wrong}");
    let missing = session.request("textDocument/definition", Value::Null);
    assert_eq!(error_code(&missing), Some(INVALID_PARAMS), "{missing}");
    // An unknown method: method not found; an unknown notification: ignored.
    let unknown = session.request("newsmark/selfDestruct", json!({}));
    assert_eq!(error_code(&unknown), Some(-32601), "{unknown}");
    session.notify("$/unknownNotification", json!({"x": 1}));

    session.still_answers();
    let article = uri(&root.join("a.news"));
    session.open(&article, 1, "@ghost spoke.\n");
    assert_eq!(
        rules(&session.diagnostics(&article, 1)),
        ["undefined-entity"]
    );
    assert!(session.finish().success());
}

#[test]
fn a_wrong_content_length_costs_at_most_the_next_message() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let mut session = Session::initialized(&root);
    let hover = |id: i64| {
        json!({"jsonrpc": "2.0", "id": id, "method": "workspace/symbol", "params": {"query": ""}})
            .to_string()
    };

    // Too short: the body is cut, which is a parse error; the rest of it is skipped up to the
    // next header, and that message is answered.
    let body = hover(1);
    session.write(&raw_frame(body.len() - 10, body.as_bytes()));
    session.write(&frame(&serde_json::from_str(&hover(2)).unwrap()));
    session.wait_for("a parse error for a short length", |m| {
        error_code(m) == Some(PARSE_ERROR)
    });
    let answered = session.wait_for("the answer to the message after", |m| m["id"] == 2);
    assert!(answered.get("error").is_none(), "{answered}");

    // Too long: the body swallows the start of the next message (which is lost, there is no
    // way to know where it began); the server finds the header after it and goes on.
    let body = hover(3);
    session.write(&raw_frame(body.len() + 20, body.as_bytes()));
    session.write(&frame(&serde_json::from_str(&hover(4)).unwrap()));
    session.write(&frame(&serde_json::from_str(&hover(5)).unwrap()));
    let answered = session.wait_for("the answer to the third message", |m| m["id"] == 5);
    assert!(answered.get("error").is_none(), "{answered}");

    session.still_answers();
    assert!(session.finish().success());
}

#[test]
fn positions_out_of_range_are_clamped_and_negative_ones_refused() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let mut session = Session::initialized(&root);
    let article = uri(&root.join("a.news"));
    session.open(&article, 1, "@ssu lost 13 soldiers.\n");
    session.diagnostics(&article, 1);
    let at = |line: Value, character: Value| json!({"textDocument": {"uri": article}, "position": {"line": line, "character": character}});
    // Past the end of the line and of the file, and u32::MAX (what -1 becomes in a client
    // that casts): clamped, answered without an error.
    for (line, character) in [(0, 500), (90, 0), (4294967295_u64, 4294967295_u64)] {
        for method in [
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/completion",
            "textDocument/references",
            "textDocument/prepareRename",
            "textDocument/documentHighlight",
        ] {
            let mut params = at(json!(line), json!(character));
            if method == "textDocument/references" {
                params["context"] = json!({"includeDeclaration": true});
            }
            let answer = session.request(method, params);
            // "Nothing to rename here" is a refusal for the user to read, not a fault.
            let refused =
                method == "textDocument/prepareRename" && error_code(&answer) == Some(-32803);
            assert!(
                answer.get("error").is_none() || refused,
                "{method} at {line}:{character}: {answer}"
            );
        }
    }
    // Negative numbers and numbers past u32 are not LSP positions: invalid params.
    for (line, character) in [
        (json!(-1), json!(0)),
        (json!(0), json!(-5)),
        (json!(1u64 << 40), json!(0)),
        (json!(0.5), json!(0)),
    ] {
        let answer = session.request("textDocument/hover", at(line.clone(), character.clone()));
        assert_eq!(
            error_code(&answer),
            Some(INVALID_PARAMS),
            "{line}:{character}: {answer}"
        );
    }
    let range = session.request(
        "textDocument/semanticTokens/range",
        json!({"textDocument": {"uri": article},
               "range": {"start": {"line": 50, "character": 9}, "end": {"line": 0, "character": 0}}}),
    );
    assert!(range.get("error").is_none(), "a reversed range: {range}");
    session.still_answers();
    assert!(session.finish().success());
}

#[test]
fn edits_the_server_cannot_apply_as_sent_are_ignored_or_clamped() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let mut session = Session::initialized(&root);
    let article = uri(&root.join("a.news"));
    let never_opened = uri(&root.join("never.news"));

    // A change for a document never opened: nothing to apply it to; ignored, no diagnostics.
    session.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": never_opened, "version": 3},
               "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "13 soldiers died.\n"}]}),
    );
    session.open(&article, 1, "Fine.\n");
    assert!(session.diagnostics(&article, 1).is_empty());
    // A range past the end of the file: clamped to the end, so the text lands there.
    session.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": article, "version": 2},
               "contentChanges": [{"range": {"start": {"line": 99, "character": 7}, "end": {"line": 120, "character": 0}}, "text": "Then 13 soldiers died.\n"}]}),
    );
    let found = session.diagnostics(&article, 2);
    assert_eq!(rules(&found), ["unattributed-number"]);
    assert_eq!(found[0]["range"]["start"]["line"], 1, "{found:?}");
    // A reversed range (end before start) deletes nothing: the text goes in at the start.
    session.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": article, "version": 3},
               "contentChanges": [{"range": {"start": {"line": 0, "character": 4}, "end": {"line": 0, "character": 0}}, "text": " 2,000"}]}),
    );
    let found = session.diagnostics(&article, 3);
    assert_eq!(
        rules(&found),
        ["unattributed-number", "unattributed-number"],
        "{found:?}"
    );
    // A column past the end of a line stops at that line's end, before its break.
    session.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": article, "version": 4},
               "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 999}}, "text": "Fine again."}]}),
    );
    let found = session.diagnostics(&article, 4);
    assert_eq!(rules(&found), ["unattributed-number"]);
    assert_eq!(
        found[0]["range"]["start"]["line"], 1,
        "the line break survived: {found:?}"
    );

    // A request for the document that was never opened (and does not exist on disk).
    let hover = session.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": never_opened}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(hover["result"], Value::Null, "{hover}");
    assert!(session.finish().success());
}

#[test]
fn a_duplicate_did_open_replaces_the_document() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let mut session = Session::initialized(&root);
    let article = uri(&root.join("a.news"));
    session.open(&article, 1, "@ghost spoke.\n");
    assert_eq!(
        rules(&session.diagnostics(&article, 1)),
        ["undefined-entity"]
    );
    session.open(&article, 5, "@ssu lost 13 soldiers.\n");
    assert_eq!(
        rules(&session.diagnostics(&article, 5)),
        ["unattributed-number"]
    );
    // Later changes apply to the second text.
    session.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": article, "version": 6},
               "contentChanges": [{"range": {"start": {"line": 0, "character": 10}, "end": {"line": 0, "character": 12}}, "text": "many"}]}),
    );
    assert!(session.diagnostics(&article, 6).is_empty());
    assert!(session.finish().success());
}

#[test]
fn unknown_and_non_file_uris() {
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let mut session = Session::initialized(&root);
    for document in [
        "file:///nonexistent/dir/x.news",
        "untitled:Untitled-1",
        "https://example.com/a.news",
        "git:/a.news?%7B%22ref%22%3A%22HEAD%22%7D",
    ] {
        for method in [
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/completion",
        ] {
            let answer = session.request(
                method,
                json!({"textDocument": {"uri": document}, "position": {"line": 0, "character": 0}}),
            );
            assert!(
                answer.get("error").is_none(),
                "{method} on {document}: {answer}"
            );
        }
        let symbols = session.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": document}}),
        );
        assert!(symbols.get("error").is_none(), "{symbols}");
    }
    // Not a URI at all: invalid params.
    let bad = session.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "not a uri"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(error_code(&bad), Some(INVALID_PARAMS), "{bad}");
    // An unsaved buffer is checked like any article.
    session.open("untitled:Untitled-2", 1, "@ghost lost 13 soldiers.\n");
    let found = session.diagnostics("untitled:Untitled-2", 1);
    let mut found = rules(&found);
    found.sort();
    assert_eq!(found, ["unattributed-number", "undefined-entity"]);
    // A file: URI of a file in `/`, with no newsmark.toml: only `/` itself is looked at, not
    // the whole disk, so the answer comes at once.
    session.open("file:///newsmark-abuse-test.news", 1, "@ghost spoke.\n");
    let found = session.diagnostics("file:///newsmark-abuse-test.news", 1);
    assert_eq!(rules(&found), ["undefined-entity"]);
    session.still_answers();
    assert!(session.finish().success());
}

#[test]
fn a_flood_of_requests_with_half_cancelled_is_answered_exactly_once_each() {
    const FLOOD: i64 = 10_000;
    let (_dir, root) = workspace(&[("entities.news", REGISTRY)]);
    let mut session = Session::initialized(&root);
    let article = uri(&root.join("a.news"));
    // Code actions run the article's rules on every request: slow enough (milliseconds) that
    // requests queue up and cancellations find most of them still waiting.
    let text = "@ssu lost 13 soldiers, said [the officer](@ssu).\n".repeat(400);
    session.open(&article, 1, &text);
    session.diagnostics(&article, 1);

    // Written from a thread of its own, so the server's answers are read while it floods.
    let stdin = session.stdin.clone();
    let writer = std::thread::spawn(move || {
        let mut stdin = stdin.lock().unwrap();
        let mut batch = Vec::new();
        let line =
            json!({"start": {"line": 7, "character": 0}, "end": {"line": 7, "character": 40}});
        for id in 1..=FLOOD {
            let (method, params) = match id % 3 {
                0 => (
                    "textDocument/hover",
                    json!({"textDocument": {"uri": article}, "position": {"line": 0, "character": 2}}),
                ),
                1 => (
                    "textDocument/codeAction",
                    json!({"textDocument": {"uri": article}, "range": line, "context": {"diagnostics": []}}),
                ),
                _ => (
                    "textDocument/completion",
                    json!({"textDocument": {"uri": article}, "position": {"line": 3, "character": 2}}),
                ),
            };
            batch.extend(frame(
                &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
            ));
            if id % 2 == 0 {
                batch.extend(frame(
                    &json!({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": id}}),
                ));
            }
            if batch.len() > 1 << 16 {
                stdin.write_all(&batch).unwrap();
                batch.clear();
            }
        }
        stdin.write_all(&batch).unwrap();
        stdin.flush().unwrap();
    });
    let mut answers: HashMap<i64, Value> = HashMap::new();
    while answers.len() < FLOOD as usize {
        let message = session.wait_for("an answer in the flood", |m| {
            m.get("method").is_none()
                && m["id"].as_i64().is_some_and(|id| (1..=FLOOD).contains(&id))
        });
        let id = message["id"].as_i64().unwrap();
        assert!(
            answers.insert(id, message).is_none(),
            "request {id} was answered twice"
        );
    }
    writer.join().unwrap();
    let mut cancelled = 0;
    for (id, answer) in &answers {
        match error_code(answer) {
            None => assert!(answer.get("result").is_some(), "{answer}"),
            Some(REQUEST_CANCELLED) => {
                assert_eq!(id % 2, 0, "request {id} was never cancelled: {answer}");
                cancelled += 1;
            }
            Some(_) => panic!("request {id}: {answer}"),
        }
    }
    eprintln!("flood: {FLOOD} requests, {cancelled} cancelled before they ran");
    // Cancelling is best effort (a request may finish first), but the bookkeeping must hold.
    assert!(cancelled <= FLOOD / 2);
    session.still_answers();
    assert!(session.finish().success());
}

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[test]
#[cfg(target_os = "linux")]
fn a_client_that_never_reads_cannot_make_the_server_grow() {
    // A 100 KB registry: each edit redefines entities (which asks the client to refresh its
    // views and re-checks the open articles), each close clears diagnostics, and each request
    // has an answer of some size. None of it is read.
    let mut registry = String::new();
    for i in 0..1000 {
        registry.push_str(&format!("[@e{i}]: Entity number {i}\n  kind: person\n\n"));
    }
    let (_dir, root) = workspace(&[("entities.news", &registry)]);
    let mut session = Session::start();
    let init = session.request(
        "initialize",
        json!({"processId": null,
               "capabilities": {"workspace": {"semanticTokens": {"refreshSupport": true},
                                              "inlayHint": {"refreshSupport": true}}},
               "workspaceFolders": [{"uri": uri(&root), "name": "ws"}]}),
    );
    assert!(init.get("result").is_some());
    session.notify("initialized", json!({}));
    let registry_uri = uri(&root.join("entities.news"));
    let article = uri(&root.join("a.news"));
    session.open(&registry_uri, 1, &registry);
    session.open(&article, 1, &"@e1 lost 13 soldiers. ".repeat(2000));
    session.still_answers();
    let pid = session.child.id();
    let baseline = rss_kib(pid);

    // From here on nothing is read, and the pipe stays open.
    session.stop_reading.store(true, Ordering::SeqCst);
    let written = Arc::new(AtomicUsize::new(0));
    let counter = written.clone();
    let stdin = session.stdin.clone();
    std::thread::spawn(move || {
        let mut stdin = stdin.lock().unwrap();
        for round in 0..200_000_usize {
            let version = round + 2;
            let id = round as i64 + 10;
            let mut batch = frame(
                &json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
                "params": {"textDocument": {"uri": registry_uri, "version": version},
                           "contentChanges": [{"range": {"start": {"line": 0, "character": 3}, "end": {"line": 0, "character": 4}}, "text": (round % 10).to_string()}]}}),
            );
            batch.extend(frame(&json!({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": article}}})));
            batch.extend(frame(&json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": article, "languageId": "newsmark", "version": version, "text": "@e1 lost 13 soldiers.\n"}}})));
            batch.extend(frame(&json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/semanticTokens/full", "params": {"textDocument": {"uri": registry_uri}}})));
            if stdin.write_all(&batch).is_err() {
                return;
            }
            counter.store(round + 1, Ordering::SeqCst);
        }
    });
    // Wait until the server stops taking input (backpressure) or takes it all.
    let mut last = usize::MAX;
    let mut still = 0;
    let deadline = Instant::now() + Duration::from_secs(120);
    while still < 20 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        let now = written.load(Ordering::SeqCst);
        if now == last {
            still += 1;
        } else {
            still = 0;
            last = now;
        }
    }
    let rounds = written.load(Ordering::SeqCst);
    let grown = rss_kib(pid).saturating_sub(baseline);
    let _ = session.child.kill();
    let _ = session.child.wait();
    eprintln!("a client that never reads: {rounds} rounds taken in, RSS grew by {grown} KiB");
    assert!(
        rounds < 200_000,
        "the server read everything a non-reading client sent"
    );
    // Far below what holding the answers, publications and refresh requests of the rounds
    // written would take.
    assert!(
        grown < 64 * 1024,
        "the server grew by {grown} KiB over {rounds} rounds"
    );
}

#[test]
fn a_client_that_closes_its_end_ends_the_session() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsmark"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("newsmark lsp starts");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdin
        .write_all(&frame(
            &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"processId": null, "capabilities": {}}}),
        ))
        .unwrap();
    assert_eq!(common::read_lsp_message(&mut stdout).unwrap()["id"], 1);
    // The client stops listening but keeps writing: the next answer cannot be delivered, so
    // the session is over (without `shutdown`: status 1), instead of the server working on
    // for nobody.
    drop(stdout);
    for id in 2..50 {
        let request = json!({"jsonrpc": "2.0", "id": id, "method": "workspace/symbol", "params": {"query": ""}});
        if stdin.write_all(&frame(&request)).is_err() {
            break;
        }
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
}
