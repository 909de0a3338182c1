//! The built binary over real stdio: a broken `main` cannot hide behind in-process tests.

mod common;

use std::io::{BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

fn frame(message: Value) -> Vec<u8> {
    common::lsp_frame(&message)
}

#[test]
fn a_short_session_over_stdio() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let article = format!("file://{}/a.news", root.display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsmark"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("newsmark lsp starts");
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        while let Some(message) = common::read_lsp_message(&mut reader) {
            if tx.send(message).is_err() {
                break;
            }
        }
    });
    let recv = |what: &str| {
        rx.recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("no {what} from the server"))
    };

    let root_uri = format!("file://{}", root.display());
    stdin
        .write_all(&frame(
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"processId": null, "rootUri": root_uri, "capabilities": {}}}),
        ))
        .unwrap();
    let init = recv("initialize response");
    assert_eq!(init["id"], 1);
    assert_eq!(init["result"]["serverInfo"]["name"], "newsmark");
    stdin
        .write_all(&frame(
            json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        ))
        .unwrap();
    stdin
        .write_all(&frame(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": article, "languageId": "newsmark", "version": 1, "text": "@ghost lost 13 soldiers.\n"}}})))
        .unwrap();
    let diagnostics = loop {
        let message = recv("diagnostics");
        if message["method"] == "textDocument/publishDiagnostics" {
            break message;
        }
    };
    assert_eq!(diagnostics["params"]["version"], 1);
    assert_eq!(
        diagnostics["params"]["diagnostics"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    stdin
        .write_all(&frame(
            json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
        ))
        .unwrap();
    loop {
        if recv("shutdown response")["id"] == 2 {
            break;
        }
    }
    stdin
        .write_all(&frame(json!({"jsonrpc": "2.0", "method": "exit"})))
        .unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(
        status.success(),
        "exit after shutdown is a clean exit: {status}"
    );
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsmark"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("newsmark lsp starts");
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(&frame(
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"processId": null, "capabilities": {}}}),
        ))
        .unwrap();
    stdin
        .write_all(&frame(json!({"jsonrpc": "2.0", "method": "exit"})))
        .unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
}

/// `NEWSMARK_TEST_HOOKS=1` registers the deliberate panic; the binary answers it with an
/// internal error, logs the panic with its method and URI on stderr (`NEWSMARK_LOG`), keeps
/// stdout for the protocol, and goes on to a clean exit.
#[test]
fn a_contained_panic_is_logged_on_stderr_with_its_request() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsmark"))
        .arg("lsp")
        .env("NEWSMARK_TEST_HOOKS", "1")
        .env("NEWSMARK_LOG", "info")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("newsmark lsp starts");
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        while let Some(message) = common::read_lsp_message(&mut reader) {
            if tx.send(message).is_err() {
                break;
            }
        }
    });
    let response = |id: i64| loop {
        let message = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("a response from the server");
        if message["id"] == id && message.get("method").is_none() {
            break message;
        }
    };
    let send = |stdin: &mut std::process::ChildStdin, message: Value| {
        stdin.write_all(&frame(message)).unwrap();
    };
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
               "params": {"processId": null, "capabilities": {}}}),
    );
    response(1);
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 2, "method": "newsmark/debugPanic",
               "params": {"where": "request", "uri": "file:///tmp/panicking.news"}}),
    );
    assert_eq!(response(2)["error"]["code"], -32603);
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}),
    );
    response(3);
    send(&mut stdin, json!({"jsonrpc": "2.0", "method": "exit"}));
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{:?}", output.status);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = stderr
        .lines()
        .find(|l| l.contains("request panicked"))
        .unwrap_or_else(|| panic!("the panic is logged on stderr:\n{stderr}"));
    assert!(line.contains("ERROR"), "{line}");
    assert!(line.contains("newsmark/debugPanic"), "{line}");
    assert!(line.contains("file:///tmp/panicking.news"), "{line}");
    assert!(
        stderr.contains("initialize"),
        "info level shows the session start:\n{stderr}"
    );
}
