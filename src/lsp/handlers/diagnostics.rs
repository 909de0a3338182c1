//! Pull diagnostics: one document, or every document of every folder.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::{Context, content_modified};
use crate::lsp::convert;

pub async fn document(
    cx: &Context,
    params: DocumentDiagnosticParams,
) -> Result<DocumentDiagnosticReportResult> {
    let uri = params.text_document.uri;
    let docs = cx.state.settings().config.rules_url;
    cx.read("textDocument/diagnostic", Some(&uri.clone()), move |snap| {
        // While the folder is read: nothing, rather than false findings; the end of
        // indexing asks the client to pull again.
        let mut items = snap
            .locate(&uri)
            .filter(|(ws, _)| !ws.loading)
            .map(|(ws, file)| convert::diagnostics(ws, file, snap.encoding))
            .unwrap_or_default();
        convert::describe(&mut items, docs.as_deref());
        Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            }),
        ))
    })
    .await
}

/// Every document of every folder, checked on the snapshot; an edit meanwhile stops it, and
/// it starts again on the state after the edit.
pub async fn workspace(
    cx: &Context,
    _: WorkspaceDiagnosticParams,
) -> Result<WorkspaceDiagnosticReportResult> {
    let docs = cx.state.settings().config.rules_url;
    cx.read_latest("workspace/diagnostic", move |snap| {
        let mut items = Vec::new();
        for folder in snap.folders.iter().filter(|f| !f.workspace.loading) {
            let ws = &folder.workspace;
            for (file, doc) in ws.documents() {
                if snap.is_stale() {
                    return Err(content_modified());
                }
                let Some(uri) = convert::uri_of(&doc.path) else {
                    continue;
                };
                let mut found = convert::diagnostics(ws, file, snap.encoding);
                convert::describe(&mut found, docs.as_deref());
                items.push(WorkspaceDocumentDiagnosticReport::Full(
                    WorkspaceFullDocumentDiagnosticReport {
                        uri,
                        version: snap.version(&doc.path).map(i64::from),
                        full_document_diagnostic_report: FullDocumentDiagnosticReport {
                            result_id: None,
                            items: found,
                        },
                    },
                ));
            }
        }
        Ok(WorkspaceDiagnosticReportResult::Report(
            WorkspaceDiagnosticReport { items },
        ))
    })
    .await
}
