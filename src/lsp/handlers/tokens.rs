//! Semantic tokens: full, delta and range. The last full result of each document is cached
//! (apart from the store, see `state::Tokens`) for deltas and for recomputing only the
//! blocks an edit touched.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::Context;
use crate::features::semantic_tokens;
use crate::lsp::convert;
use crate::lsp::snapshot::Snapshot;
use crate::lsp::state::{Shared, TokenCache};

pub async fn full(
    cx: &Context,
    params: SemanticTokensParams,
) -> Result<Option<SemanticTokensResult>> {
    let uri = params.text_document.uri;
    let state = cx.state.clone();
    cx.read(
        "textDocument/semanticTokens/full",
        Some(&uri.clone()),
        move |snap| {
            Ok(full_tokens(&state, snap, &uri).map(|(data, result_id)| {
                SemanticTokensResult::Tokens(SemanticTokens {
                    result_id: Some(result_id),
                    data: convert::to_semantic_tokens(&data),
                })
            }))
        },
    )
    .await
}

pub async fn delta(
    cx: &Context,
    params: SemanticTokensDeltaParams,
) -> Result<Option<SemanticTokensFullDeltaResult>> {
    let uri = params.text_document.uri;
    let state = cx.state.clone();
    let previous_id = params.previous_result_id;
    let method = "textDocument/semanticTokens/full/delta";
    cx.read(method, Some(&uri.clone()), move |snap| {
        let previous = {
            let tokens = state.tokens();
            tokens
                .cache
                .get(&convert::path_of(&uri))
                .filter(|c| c.result_id == previous_id)
                .map(|c| c.data.clone())
        };
        let Some((data, result_id)) = full_tokens(&state, snap, &uri) else {
            return Ok(None);
        };
        Ok(Some(match previous {
            Some(old) => SemanticTokensFullDeltaResult::TokensDelta(SemanticTokensDelta {
                result_id: Some(result_id),
                edits: convert::token_delta(&old, &data),
            }),
            None => SemanticTokensFullDeltaResult::Tokens(SemanticTokens {
                result_id: Some(result_id),
                data: convert::to_semantic_tokens(&data),
            }),
        }))
    })
    .await
}

pub async fn range(
    cx: &Context,
    params: SemanticTokensRangeParams,
) -> Result<Option<SemanticTokensRangeResult>> {
    let uri = params.text_document.uri;
    cx.read(
        "textDocument/semanticTokens/range",
        Some(&uri.clone()),
        move |snap| {
            let Some((ws, file)) = snap.locate(&uri) else {
                return Ok(None);
            };
            let doc = ws.document(file);
            let range = convert::text_range(doc, params.range, snap.encoding);
            let tokens = semantic_tokens::tokens_in_range(ws, file, range);
            let data = convert::encode_tokens(doc, &tokens, snap.encoding);
            Ok(Some(SemanticTokensRangeResult::Tokens(SemanticTokens {
                result_id: None,
                data: convert::to_semantic_tokens(&data),
            })))
        },
    )
    .await
}

/// The document's semantic tokens, encoded, with a new result id; remembered for deltas.
/// After a small edit only the blocks the edit touched are recomputed: every token lies in one
/// block and depends only on it, on its document's definitions and on the entity index.
fn full_tokens(state: &Shared, snap: &Snapshot, uri: &Uri) -> Option<(Arc<Vec<u32>>, String)> {
    let (ws, file) = snap.locate(uri)?;
    let doc = ws.document(file);
    // The cache lock is held only to take (shared) copies, never while computing.
    let cached = state
        .tokens()
        .cache
        .get(&doc.path)
        .filter(|c| c.entities == snap.entity_generation)
        .map(|c| (c.text.clone(), c.tokens.clone()));
    let tokens = match cached {
        Some((text, tokens)) => semantic_tokens::update(ws, file, &text, &tokens),
        None => semantic_tokens::tokens(ws, file),
    };
    let data = Arc::new(convert::encode_tokens(doc, &tokens, snap.encoding));
    let mut cache = state.tokens();
    cache.results += 1;
    let result_id = cache.results.to_string();
    cache.cache.insert(
        doc.path.clone(),
        TokenCache {
            result_id: result_id.clone(),
            data: data.clone(),
            text: Arc::new(doc.text.clone()),
            tokens: Arc::new(tokens),
            entities: snap.entity_generation,
        },
    );
    Some((data, result_id))
}
