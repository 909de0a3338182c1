//! Test-only hooks: registered only when `NEWSMARK_TEST_HOOKS=1` (see `lsp::Options`), never
//! advertised in the capabilities.

use serde::Deserialize;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::Uri;

use super::Context;

pub const PANIC_METHOD: &str = "newsmark/debugPanic";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PanicParams {
    /// Where the panic happens: `"request"` (on a snapshot, the usual place), `"handler"`
    /// (in the async handler itself, on the transport's task).
    #[serde(default)]
    pub r#where: String,
    pub uri: Option<Uri>,
}

/// Panics on purpose, to show that a panicking request is contained.
pub async fn panic(cx: &Context, params: PanicParams) -> Result<()> {
    if params.r#where == "handler" {
        panic!("newsmark/debugPanic: a deliberate panic in the handler");
    }
    cx.read(PANIC_METHOD, params.uri.as_ref(), |_| {
        panic!("newsmark/debugPanic: a deliberate panic on the snapshot")
    })
    .await
}
