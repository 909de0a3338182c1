//! Document and workspace symbols.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::{Context, content_modified};
use crate::features::symbols;
use crate::lsp::convert;

pub async fn document(
    cx: &Context,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let uri = params.text_document.uri;
    cx.read(
        "textDocument/documentSymbol",
        Some(&uri.clone()),
        move |snap| {
            let Some((ws, file)) = snap.locate(&uri) else {
                return Ok(None);
            };
            let doc = ws.document(file);
            let symbols = symbols::document_symbols(ws, file)
                .into_iter()
                .map(|s| convert::document_symbol(doc, s, snap.encoding))
                .collect();
            Ok(Some(DocumentSymbolResponse::Nested(symbols)))
        },
    )
    .await
}

/// Fuzzy matching over every entity and source of every folder. Starts again when an edit
/// makes its snapshot stale.
pub async fn workspace(
    cx: &Context,
    params: WorkspaceSymbolParams,
) -> Result<Option<WorkspaceSymbolResponse>> {
    let query = params.query;
    cx.read_latest("workspace/symbol", move |snap| {
        let mut out = Vec::new();
        for folder in &snap.folders {
            if snap.is_stale() {
                return Err(content_modified());
            }
            let ws = &folder.workspace;
            for (file, symbol) in symbols::workspace_symbols(ws, &query) {
                out.extend(convert::workspace_symbol(
                    ws.document(file),
                    symbol,
                    snap.encoding,
                ));
            }
        }
        Ok(Some(WorkspaceSymbolResponse::Nested(out)))
    })
    .await
}
