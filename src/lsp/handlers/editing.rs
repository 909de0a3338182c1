//! Code actions, inlay hints, code lenses, links, folding and selection ranges, formatting.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::Context;
use crate::features::inlay_hints;
use crate::lsp::convert;

pub async fn code_action(
    cx: &Context,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let settings = cx.state.settings();
    let support = convert::ActionSupport {
        document_changes: settings.document_changes,
        create_files: settings.create_files,
    };
    let uri = params.text_document.uri.clone();
    cx.read("textDocument/codeAction", Some(&uri), move |snap| {
        let Some((ws, file)) = snap.locate(&params.text_document.uri) else {
            return Ok(None);
        };
        let open = |path: &std::path::Path| snap.open_version(path);
        Ok(Some(convert::actions(
            &open,
            ws,
            file,
            params.range,
            &params.context.diagnostics,
            params.context.only.as_deref(),
            &support,
            snap.encoding,
        )))
    })
    .await
}

pub async fn inlay_hint(cx: &Context, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
    let uri = params.text_document.uri;
    let options = cx.state.settings().config.hints;
    cx.read("textDocument/inlayHint", Some(&uri.clone()), move |snap| {
        let Some((ws, file)) = snap.locate(&uri) else {
            return Ok(None);
        };
        Ok(Some(convert::hints(
            ws,
            file,
            &uri,
            params.range,
            &options,
            snap.encoding,
        )))
    })
    .await
}

pub async fn inlay_hint_resolve(cx: &Context, mut hint: InlayHint) -> Result<InlayHint> {
    let origin = convert::origin(hint.data.as_ref());
    let uri = origin.as_ref().map(|(uri, _)| uri.clone());
    cx.read("inlayHint/resolve", uri.as_ref(), move |snap| {
        if let Some((uri, offset)) = origin
            && let Some((ws, file)) = snap.locate(&uri)
            && let Some(card) = inlay_hints::hint_tooltip(ws, file, offset)
        {
            hint.tooltip = Some(convert::hint_tooltip(card));
        }
        Ok(hint)
    })
    .await
}

pub async fn code_lens(cx: &Context, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
    let uri = params.text_document.uri;
    cx.read("textDocument/codeLens", Some(&uri.clone()), move |snap| {
        Ok(snap
            .locate(&uri)
            .map(|(ws, file)| convert::lenses(ws, file, &uri, snap.encoding)))
    })
    .await
}

pub async fn code_lens_resolve(cx: &Context, mut lens: CodeLens) -> Result<CodeLens> {
    let origin = convert::origin(lens.data.as_ref());
    let uri = origin.as_ref().map(|(uri, _)| uri.clone());
    cx.read("codeLens/resolve", uri.as_ref(), move |snap| {
        if let Some((uri, offset)) = origin
            && let Some((ws, file)) = snap.locate(&uri)
        {
            lens.command = convert::lens_command(ws, file, &uri, offset, snap.encoding);
        }
        Ok(lens)
    })
    .await
}

pub async fn document_link(
    cx: &Context,
    params: DocumentLinkParams,
) -> Result<Option<Vec<DocumentLink>>> {
    let uri = params.text_document.uri;
    cx.read(
        "textDocument/documentLink",
        Some(&uri.clone()),
        move |snap| {
            Ok(snap
                .locate(&uri)
                .map(|(ws, file)| convert::links(ws, file, snap.encoding)))
        },
    )
    .await
}

pub async fn folding_range(
    cx: &Context,
    params: FoldingRangeParams,
) -> Result<Option<Vec<FoldingRange>>> {
    let uri = params.text_document.uri;
    cx.read(
        "textDocument/foldingRange",
        Some(&uri.clone()),
        move |snap| Ok(snap.locate(&uri).map(|(ws, file)| convert::folds(ws, file))),
    )
    .await
}

pub async fn selection_range(
    cx: &Context,
    params: SelectionRangeParams,
) -> Result<Option<Vec<SelectionRange>>> {
    let uri = params.text_document.uri;
    cx.read(
        "textDocument/selectionRange",
        Some(&uri.clone()),
        move |snap| {
            Ok(snap
                .locate(&uri)
                .map(|(ws, file)| convert::selections(ws, file, &params.positions, snap.encoding)))
        },
    )
    .await
}

pub async fn formatting(
    cx: &Context,
    params: DocumentFormattingParams,
) -> Result<Option<Vec<TextEdit>>> {
    let uri = params.text_document.uri;
    cx.read("textDocument/formatting", Some(&uri.clone()), move |snap| {
        Ok(snap
            .locate(&uri)
            .map(|(ws, file)| convert::format(ws, file, snap.encoding)))
    })
    .await
}
