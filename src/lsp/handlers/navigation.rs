//! Hover, completion, definition, references, highlights and rename.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::{Context, request_failed};
use crate::features::{completion, hover, navigation, rename};
use crate::lsp::convert;
use crate::lsp::snapshot::Cursor;

pub async fn hover(cx: &Context, params: HoverParams) -> Result<Option<Hover>> {
    let at = params.text_document_position_params;
    cx.read_at("textDocument/hover", at, |_, c| {
        let Cursor {
            ws,
            file,
            doc,
            offset,
            encoding,
        } = c;
        Ok(hover::hover(ws, file, offset).map(|h| convert::hover(doc, h, encoding)))
    })
    .await
}

pub async fn completion(
    cx: &Context,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>> {
    let at = params.text_document_position;
    cx.read_at("textDocument/completion", at, |_, c| {
        let Cursor {
            ws,
            file,
            doc,
            offset,
            encoding,
        } = c;
        Ok(completion::complete(ws, file, offset)
            .map(|list| CompletionResponse::List(convert::completion_list(doc, list, encoding))))
    })
    .await
}

pub async fn definition(
    cx: &Context,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let at = params.text_document_position_params;
    cx.read_at("textDocument/definition", at, move |_, c| {
        let found = navigation::definition(c.ws, c.file, c.offset);
        let locations = convert::locations(c.ws, found, c.encoding);
        Ok((!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations)))
    })
    .await
}

pub async fn references(cx: &Context, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
    let at = params.text_document_position;
    let include_declaration = params.context.include_declaration;
    cx.read_at("textDocument/references", at, move |_, c| {
        let found = navigation::references(c.ws, c.file, c.offset, include_declaration);
        Ok(Some(convert::locations(c.ws, found, c.encoding)))
    })
    .await
}

pub async fn highlight(
    cx: &Context,
    params: DocumentHighlightParams,
) -> Result<Option<Vec<DocumentHighlight>>> {
    let at = params.text_document_position_params;
    cx.read_at("textDocument/documentHighlight", at, move |_, c| {
        let found = navigation::highlights(c.ws, c.file, c.offset);
        Ok(Some(convert::highlights(c.doc, found, c.encoding)))
    })
    .await
}

pub async fn prepare_rename(
    cx: &Context,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    cx.read_at(
        "textDocument/prepareRename",
        params,
        |_, c| match rename::prepare_rename(c.ws, c.file, c.offset) {
            Ok((range, placeholder)) => Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
                range: convert::range(c.doc, range, c.encoding),
                placeholder,
            })),
            Err(e) => Err(request_failed(e.to_string())),
        },
    )
    .await
}

pub async fn rename(cx: &Context, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    let at = params.text_document_position;
    let support = convert::ActionSupport {
        document_changes: cx.state.settings().document_changes,
        create_files: false,
    };
    cx.read_at("textDocument/rename", at, move |snap, c| {
        let edits = rename::rename(c.ws, c.file, c.offset, &params.new_name)
            .map_err(|e| request_failed(e.to_string()))?;
        let open = |path: &std::path::Path| snap.open_version(path);
        Ok(convert::workspace_edit(
            &open,
            c.ws,
            edits,
            Vec::new(),
            &support,
            c.encoding,
        ))
    })
    .await
}
