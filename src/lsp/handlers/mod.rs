//! The request and notification handlers, one file per concern. Each is short: locate the
//! document, call the feature, convert the answer.
//!
//! Edits (`sync`) are applied at the top of their handler, under the store lock, in the order
//! the client sent them. Read requests go through `Context::read` (`lsp::context`): a
//! snapshot taken under the lock (a few reference counts), then the work on the blocking
//! pool, so the transport task and the lock are free meanwhile. The layout follows ruff's
//! server (one module per request kind behind a thin dispatch), the snapshot model
//! rust-analyzer's.

pub mod commands;
pub mod debug;
pub mod diagnostics;
pub mod editing;
pub mod lifecycle;
pub mod navigation;
pub mod symbols;
pub mod sync;
pub mod tokens;

use tower_lsp_server::jsonrpc::{Error, ErrorCode};

pub use super::context::{Context, content_modified};

/// A request that cannot be served as asked (`-32803`), e.g. a rename where there is no name.
pub fn request_failed(message: String) -> Error {
    Error {
        code: ErrorCode::ServerError(-32803),
        message: message.into(),
        data: None,
    }
}
