//! A scripted LSP client over `tokio::io::duplex` against the real server, in process.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf,
};

pub struct Client {
    reader: BufReader<ReadHalf<DuplexStream>>,
    writer: WriteHalf<DuplexStream>,
    next_id: i64,
    /// Notifications that arrived while waiting for something else.
    pub notifications: VecDeque<Value>,
    /// Requests the server sent us (answered with `null`).
    pub server_requests: Vec<Value>,
}

pub const TIMEOUT: Duration = Duration::from_secs(20);

impl Client {
    /// Starts a server and initializes it with `capabilities` and `folders` (paths).
    pub async fn start(capabilities: Value, folders: &[&std::path::Path]) -> (Client, Value) {
        Client::start_with(capabilities, folders, newsmark::lsp::Options::default()).await
    }

    /// [`Client::start`] with server options (test hooks).
    pub async fn start_with(
        capabilities: Value,
        folders: &[&std::path::Path],
        options: newsmark::lsp::Options,
    ) -> (Client, Value) {
        Client::start_full(capabilities, folders, options, Value::Null).await
    }

    /// [`Client::start_with`] with `initializationOptions`.
    pub async fn start_full(
        capabilities: Value,
        folders: &[&std::path::Path],
        options: newsmark::lsp::Options,
        initialization_options: Value,
    ) -> (Client, Value) {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_end);
        tokio::spawn(newsmark::lsp::serve_with(
            server_read,
            server_write,
            options,
        ));
        let (read, write) = tokio::io::split(client_end);
        let mut client = Client {
            reader: BufReader::new(read),
            writer: write,
            next_id: 1,
            notifications: VecDeque::new(),
            server_requests: Vec::new(),
        };
        let folders: Vec<Value> = folders
            .iter()
            .map(|p| json!({"uri": uri(p), "name": p.file_name().unwrap().to_string_lossy()}))
            .collect();
        let result = client
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "capabilities": capabilities,
                    "initializationOptions": initialization_options,
                    "workspaceFolders": if folders.is_empty() { Value::Null } else { Value::Array(folders) },
                }),
            )
            .await;
        client.notify("initialized", json!({})).await;
        (client, result)
    }

    pub async fn send(&mut self, message: Value) {
        let body = serde_json::to_string(&message).unwrap();
        let frame = format!("Content-Length: {}\r\n\r\n{}", body.len(), body);
        self.writer.write_all(frame.as_bytes()).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    async fn read_message(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).await.unwrap();
            assert!(n > 0, "the server closed the stream");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                length = v.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).await.unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    /// Reads one message; answers server requests; returns responses and notifications.
    async fn next(&mut self) -> Value {
        loop {
            let message = tokio::time::timeout(TIMEOUT, self.read_message())
                .await
                .expect("timed out waiting for the server");
            if message.get("method").is_some() && message.get("id").is_some() {
                let id = message["id"].clone();
                self.server_requests.push(message);
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}))
                    .await;
                continue;
            }
            return message;
        }
    }

    /// Sends a request and waits for its response (the `result`, or the `error` object
    /// under the key `"error"`).
    pub async fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        loop {
            let message = self.next().await;
            if message.get("id") == Some(&json!(id)) {
                return message;
            }
            self.notifications.push_back(message);
        }
    }

    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params).await;
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// Waits until the server has sent a request `method` (answered with `null`).
    pub async fn wait_for_server_request(&mut self, method: &str) -> Value {
        loop {
            if let Some(r) = self.server_requests.iter().find(|r| r["method"] == method) {
                return r.clone();
            }
            // Not `next`, which reads on past requests until something else comes.
            let message = tokio::time::timeout(TIMEOUT, self.read_message())
                .await
                .expect("timed out waiting for the server");
            if message.get("method").is_some() && message.get("id").is_some() {
                let id = message["id"].clone();
                self.server_requests.push(message);
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}))
                    .await;
            } else {
                self.notifications.push_back(message);
            }
        }
    }

    /// Waits for a notification `method` matching `pred` (earlier ones are kept).
    pub async fn wait_for(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self
            .notifications
            .iter()
            .position(|n| n["method"] == method && pred(&n["params"]))
        {
            return self.notifications.remove(i).unwrap()["params"].clone();
        }
        loop {
            let message = self.next().await;
            if message["method"] == method && pred(&message["params"]) {
                return message["params"].clone();
            }
            self.notifications.push_back(message);
        }
    }

    /// The diagnostics published for `uri` at `version`.
    pub async fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let params = self
            .wait_for("textDocument/publishDiagnostics", |p| {
                p["uri"] == uri && p["version"] == version
            })
            .await;
        params["diagnostics"].as_array().unwrap().clone()
    }

    pub async fn open(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "newsmark", "version": version, "text": text}}),
        )
        .await;
    }

    pub async fn shutdown(mut self) {
        self.request("shutdown", Value::Null).await;
        self.notify("exit", Value::Null).await;
    }
}

pub fn uri(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

/// `(rule, line, character, end line, end character)` of each diagnostic, sorted.
pub fn summary(diagnostics: &[Value]) -> Vec<(String, u64, u64, u64, u64)> {
    let mut out: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let r = &d["range"];
            (
                d["code"].as_str().unwrap_or("").to_string(),
                r["start"]["line"].as_u64().unwrap(),
                r["start"]["character"].as_u64().unwrap(),
                r["end"]["line"].as_u64().unwrap(),
                r["end"]["character"].as_u64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}
