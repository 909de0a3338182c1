//! The JSON-RPC transport: `Content-Length` framing over a byte stream, in and out.
//!
//! tower-lsp-server's own `Server` stops reading for good at the first message it cannot
//! decode (its framed reader ends the stream after an error), so one malformed message from a
//! client ended the session. This transport answers such a message as JSON-RPC says (`-32700`
//! parse error, or `-32600` invalid request, with a null id), finds the next header and goes
//! on. Each message's handler starts as soon as the message is read, in order: edits are
//! applied then (never behind a queue of requests), requests take their snapshot then, and
//! `$/cancelRequest` cancels requests still waiting in the queue. What a handler has left to
//! do after that first step is queued as in tower-lsp-server's transport: at most
//! [`MAX_CONCURRENCY`] run at once, at most [`QUEUE`] wait, and output is written as fast as
//! the client reads it, so a client that stops reading stops the server from reading more
//! requests instead of making it buffer answers without bound.
//!
//! A panic in a handler is contained here, whatever it ran: the request is answered with an
//! internal error, the panic is logged with its method and URI (to stderr, and to the client
//! with `window/logMessage`), and the session goes on. The handlers contain the panics of
//! their own work on the blocking pool the same way; this is the net under everything else.

use std::panic::AssertUnwindSafe;
use std::pin::pin;

use futures::channel::mpsc;
use futures::{FutureExt, SinkExt, StreamExt, TryFutureExt, future, join, stream, stream_select};
use serde::{Deserialize, Serialize};
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt,
};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};
use tower_lsp_server::ls_types::{LogMessageParams, MessageType};
use tower_lsp_server::{ClientSocket, LanguageServer, LspService};
use tower_service::Service;

use super::logging::panic_message;

const MAX_CONCURRENCY: usize = 4;
const QUEUE: usize = 100;

/// The largest message read; a larger one is skipped and answered with an error. A 256 MiB
/// `didOpen` is five times the largest article newsmark is measured on.
pub const MAX_MESSAGE_BYTES: usize = 256 << 20;

/// A header line longer than this is not a header: only its tail is kept, where a
/// `Content-Length` may follow garbage (the rest of a message whose length was wrong).
const MAX_HEADER_LINE: usize = 4096;
const HEADER_TAIL: usize = 64;

#[derive(Deserialize)]
#[serde(untagged)]
enum Incoming {
    Response(Response),
    Request(Request),
}

#[derive(Serialize)]
#[serde(untagged)]
enum Outgoing {
    Response(Response),
    Request(Request),
}

#[derive(Debug, PartialEq)]
enum Frame {
    Body(Vec<u8>),
    /// Not a message; the error to answer with.
    Bad(&'static str),
    End,
}

pub async fn serve<I, O, S>(input: I, output: O, service: LspService<S>, socket: ClientSocket)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
    S: LanguageServer,
{
    let mut service = service;
    let (client_requests, mut client_responses) = socket.split();
    let (client_requests, client_abort) = stream::abortable(client_requests);
    let (mut responses_tx, responses_rx) = mpsc::channel::<Response>(0);
    let (mut server_tasks_tx, server_tasks_rx) = mpsc::channel(QUEUE);
    // `window/logMessage` for contained panics: rare, so unbounded.
    let (logs_tx, logs_rx) = mpsc::unbounded::<Request>();

    let process_server_tasks = server_tasks_rx
        .buffer_unordered(MAX_CONCURRENCY)
        .filter_map(future::ready)
        .map(Ok)
        .forward(responses_tx.clone());

    let (output_gone, output_gone_rx) = futures::channel::oneshot::channel::<()>();
    let print_output = async {
        let mut output = pin!(output);
        let mut messages = stream_select!(
            responses_rx.map(Outgoing::Response),
            client_requests.map(Outgoing::Request),
            logs_rx.map(Outgoing::Request)
        );
        while let Some(message) = messages.next().await {
            let Ok(body) = serde_json::to_vec(&message) else {
                continue;
            };
            let header = format!("Content-Length: {}\r\n\r\n", body.len());
            let written = async {
                output.write_all(header.as_bytes()).await?;
                output.write_all(&body).await?;
                output.flush().await
            };
            if written.await.is_err() {
                // Nobody reads the answers any more: the client is gone.
                let _ = output_gone.send(());
                return;
            }
        }
    };

    let read_input = async {
        let mut reader = tokio::io::BufReader::new(input);
        let reading = async {
            loop {
                let body = match read_frame(&mut reader, MAX_MESSAGE_BYTES).await {
                    Frame::Body(body) => body,
                    Frame::Bad(why) => {
                        let error = Error {
                            code: ErrorCode::ParseError,
                            message: why.into(),
                            data: None,
                        };
                        let _ = responses_tx
                            .send(Response::from_error(Id::Null, error))
                            .await;
                        continue;
                    }
                    Frame::End => break,
                };
                match decode(&body) {
                    Ok(Incoming::Request(request)) => {
                        if future::poll_fn(|cx| service.poll_ready(cx)).await.is_err() {
                            break;
                        }
                        // The server must exit right after `exit`, even if the client keeps its
                        // end of the pipe open.
                        let will_exit = request.method() == "exit";
                        let origin = Origin::of(&request);
                        let task = service.call(request).unwrap_or_else(|_| None);
                        let mut task = contain(task, origin, logs_tx.clone()).boxed();
                        // Every message starts as it is read, in the order it was sent: an
                        // edit is applied at once (it never waits for a free slot behind
                        // long requests), and a request takes its snapshot of the state as
                        // the client saw it when it asked. Only what remains (work on the
                        // blocking pool, the answer) goes through the queue. A cancellation
                        // so also takes effect before the requests queued ahead of it run.
                        match (&mut task).now_or_never() {
                            Some(None) => {}
                            Some(answer) => {
                                let _ = server_tasks_tx.send(future::ready(answer).boxed()).await;
                            }
                            None => {
                                let _ = server_tasks_tx.send(task).await;
                            }
                        }
                        if will_exit {
                            break;
                        }
                    }
                    Ok(Incoming::Response(response)) => {
                        if client_responses.send(response).await.is_err() {
                            break;
                        }
                    }
                    Err(response) => {
                        let _ = responses_tx.send(response).await;
                    }
                }
            }
        };
        futures::future::select(pin!(reading), output_gone_rx).await;
        server_tasks_tx.disconnect();
        responses_tx.disconnect();
        // Closed for every sender, or the output would wait on it for ever.
        logs_tx.close_channel();
        client_abort.abort();
    };

    join!(process_server_tasks.map(|_| ()), print_output, read_input);
}

/// What a panic is logged with: the request's id, method and document.
struct Origin {
    id: Option<Id>,
    method: String,
    uri: Option<String>,
}

impl Origin {
    fn of(request: &Request) -> Origin {
        let uri = request
            .params()
            .and_then(|p| {
                let document = p.get("textDocument").unwrap_or(p);
                document.get("uri")?.as_str()
            })
            .map(str::to_string);
        Origin {
            id: request.id().cloned(),
            method: request.method().to_string(),
            uri,
        }
    }
}

/// Runs a handler's future, turning a panic into an internal error answer (for a request)
/// and a log entry (for anything).
async fn contain(
    task: impl Future<Output = Option<Response>>,
    origin: Origin,
    logs: mpsc::UnboundedSender<Request>,
) -> Option<Response> {
    let payload = match AssertUnwindSafe(task).catch_unwind().await {
        Ok(response) => return response,
        Err(payload) => payload,
    };
    let Origin { id, method, uri } = origin;
    let message = panic_message(payload.as_ref());
    let uri = uri.unwrap_or_default();
    tracing::error!(method, uri, "handler panicked: {message}");
    let shown = if uri.is_empty() {
        format!("newsmark: {method} failed with an internal error: {message}")
    } else {
        format!("newsmark: {method} on {uri} failed with an internal error: {message}")
    };
    let log = LogMessageParams {
        typ: MessageType::ERROR,
        message: shown.clone(),
    };
    if let Ok(params) = serde_json::to_value(log) {
        let _ = logs.unbounded_send(Request::build("window/logMessage").params(params).finish());
    }
    let error = Error {
        code: ErrorCode::InternalError,
        message: shown.into(),
        data: None,
    };
    id.map(|id| Response::from_error(id, error))
}

/// A message, or the error response for a body that is not one.
fn decode(body: &[u8]) -> Result<Incoming, Response> {
    serde_json::from_slice(body).map_err(|e| {
        let error = if e.is_data() {
            Error {
                code: ErrorCode::InvalidRequest,
                message: format!("not a JSON-RPC 2.0 message: {e}").into(),
                data: None,
            }
        } else {
            Error {
                code: ErrorCode::ParseError,
                message: format!("not JSON: {e}").into(),
                data: None,
            }
        };
        // Answer with the message's own id when it has a valid one.
        let id = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| serde_json::from_value::<Id>(v.get("id")?.clone()).ok())
            .unwrap_or(Id::Null);
        Response::from_error(id, error)
    })
}

/// Reads the next frame: headers up to an empty line, then `Content-Length` bytes of body
/// (skipped when over `max_message`).
async fn read_frame(reader: &mut (impl AsyncBufRead + Unpin), max_message: usize) -> Frame {
    let mut length: Option<Option<usize>> = None;
    let mut in_headers = false;
    let mut line = Vec::new();
    loop {
        match read_header_line(reader, &mut line).await {
            Ok(true) => {}
            Ok(false) | Err(_) => return Frame::End,
        }
        let text = line.strip_suffix(b"\r").unwrap_or(&line);
        if text.is_empty() {
            if in_headers {
                break;
            }
            // Blank lines between messages.
            continue;
        }
        in_headers = true;
        if let Some(value) = content_length(text) {
            length = Some(value);
        }
    }
    let length = match length {
        None => return Frame::Bad("missing Content-Length header"),
        Some(None) => return Frame::Bad("invalid Content-Length header"),
        Some(Some(length)) => length,
    };
    if length > max_message {
        let skipped =
            tokio::io::copy(&mut reader.take(length as u64), &mut tokio::io::sink()).await;
        return match skipped {
            Ok(n) if n == length as u64 => Frame::Bad("message too large"),
            _ => Frame::End,
        };
    }
    // Read as the bytes arrive, never allocating what the header merely claims.
    let mut body = Vec::with_capacity(length.min(1 << 20));
    match reader.take(length as u64).read_to_end(&mut body).await {
        Ok(n) if n == length => Frame::Body(body),
        _ => Frame::End,
    }
}

/// Reads one line without its `\n` into `line`; false at the end of the input. An overlong
/// line keeps only its tail.
async fn read_header_line(
    reader: &mut (impl AsyncBufRead + Unpin),
    line: &mut Vec<u8>,
) -> std::io::Result<bool> {
    line.clear();
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(false);
        }
        if let Some(end) = memchr::memchr(b'\n', available) {
            line.extend_from_slice(&available[..end]);
            reader.consume(end + 1);
            return Ok(true);
        }
        let n = available.len();
        line.extend_from_slice(available);
        reader.consume(n);
        if line.len() > MAX_HEADER_LINE {
            line.drain(..line.len() - HEADER_TAIL);
        }
    }
}

/// The value of a `Content-Length` header found in `line` (`Some(None)` when it is not a
/// number). The header may follow garbage on the same line: the tail of a message whose
/// declared length was too short runs straight into the next header.
fn content_length(line: &[u8]) -> Option<Option<usize>> {
    const NAME: &[u8] = b"content-length:";
    let at = line
        .windows(NAME.len())
        .rposition(|w| w.eq_ignore_ascii_case(NAME))?;
    let value = std::str::from_utf8(&line[at + NAME.len()..]).ok();
    Some(value.and_then(|v| v.trim().parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frames(input: &[u8]) -> Vec<Frame> {
        frames_up_to(input, MAX_MESSAGE_BYTES).await
    }

    async fn frames_up_to(input: &[u8], max_message: usize) -> Vec<Frame> {
        let mut reader = tokio::io::BufReader::with_capacity(16, input);
        let mut out = Vec::new();
        loop {
            let frame = read_frame(&mut reader, max_message).await;
            if frame == Frame::End {
                return out;
            }
            out.push(frame);
        }
    }

    #[tokio::test]
    async fn framing_recovers_from_every_kind_of_bad_header() {
        let input = b"Content-Length: 2\r\n\r\n{}\
            \r\n\r\nContent-Type: x\r\n\r\n\
            Content-Length: ten\r\n\r\n\
            garbage{\"a\":1}Content-Length: 3\r\n\r\n[1]\
            content-length:1\ncontent-type: y\n\n7";
        assert_eq!(
            frames(input).await,
            [
                Frame::Body(b"{}".to_vec()),
                Frame::Bad("missing Content-Length header"),
                Frame::Bad("invalid Content-Length header"),
                Frame::Body(b"[1]".to_vec()),
                Frame::Body(b"7".to_vec()),
            ]
        );
    }

    #[tokio::test]
    async fn a_header_after_a_megabyte_of_garbage_is_found_with_bounded_memory() {
        let mut input = vec![b'x'; 1 << 20];
        input.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
        assert_eq!(frames(&input).await, [Frame::Body(b"{}".to_vec())]);
    }

    #[tokio::test]
    async fn a_claimed_length_is_not_allocated_up_front() {
        // Claims 200 MB, sends 3 bytes, ends: no 200 MB allocation, just the end.
        assert_eq!(frames(b"Content-Length: 200000000\r\n\r\n{}}").await, []);
        // Over the limit: skipped whole, then answered as an error.
        let mut input = b"Content-Length: 1000\r\n\r\n".to_vec();
        input.resize(input.len() + 1000, b' ');
        input.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
        assert_eq!(
            frames_up_to(&input, 999).await,
            [Frame::Bad("message too large"), Frame::Body(b"{}".to_vec())]
        );
    }

    #[test]
    fn bodies_that_are_not_messages_get_the_right_error_and_id() {
        let code = |body: &str| {
            let response = decode(body.as_bytes()).err().expect("an error");
            let (id, result) = response.into_parts();
            (id, result.unwrap_err().code)
        };
        assert_eq!(
            code("{\"jsonrpc\": \"2.0\", \"id\": 4, \"met"),
            (Id::Null, ErrorCode::ParseError)
        );
        assert_eq!(code("[1, 2]"), (Id::Null, ErrorCode::InvalidRequest));
        assert_eq!(
            code("{\"id\": 9, \"method\": \"x\"}"),
            (Id::Number(9), ErrorCode::InvalidRequest)
        );
        assert!(decode(br#"{"jsonrpc": "2.0", "id": 1, "method": "shutdown"}"#).is_ok());
    }
}
