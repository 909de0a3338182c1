//! The `LanguageServer` implementation: every method delegates to its handler.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::context::Context;
use super::handlers::{
    commands, debug, diagnostics, editing, lifecycle, navigation, symbols, sync, tokens,
};
use super::state::Shared;
use super::workers;

pub struct Backend {
    cx: Context,
    /// Set by `shutdown`: the session then ends cleanly.
    shut_down: Arc<AtomicBool>,
}

impl Backend {
    pub fn new(client: Client, shut_down: Arc<AtomicBool>, options: super::Options) -> Backend {
        let state = Arc::new(Shared::new(options));
        tokio::spawn(workers::diagnostics(client.clone(), state.clone()));
        tokio::spawn(workers::refresh(client.clone(), state.clone()));
        Backend {
            cx: Context { client, state },
            shut_down,
        }
    }

    /// `newsmark/debugPanic`, registered only with test hooks on.
    pub async fn debug_panic(&self, params: debug::PanicParams) -> Result<()> {
        debug::panic(&self.cx, params).await
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        lifecycle::initialize(&self.cx, params)
    }

    async fn initialized(&self, _: InitializedParams) {
        lifecycle::initialized(&self.cx);
    }

    async fn shutdown(&self) -> Result<()> {
        lifecycle::shutdown(&self.shut_down)
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        sync::did_open(&self.cx, params);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        sync::did_change(&self.cx, params);
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {}

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        sync::did_close(&self.cx, params);
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        sync::did_change_configuration(&self.cx, params);
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        sync::did_change_workspace_folders(&self.cx, params);
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        sync::did_change_watched_files(&self.cx, params);
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        navigation::hover(&self.cx, params).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        navigation::completion(&self.cx, params).await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        navigation::definition(&self.cx, params).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        navigation::references(&self.cx, params).await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        navigation::highlight(&self.cx, params).await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        navigation::prepare_rename(&self.cx, params).await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        navigation::rename(&self.cx, params).await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        symbols::document(&self.cx, params).await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        symbols::workspace(&self.cx, params).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        editing::code_action(&self.cx, params).await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        tokens::full(&self.cx, params).await
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: SemanticTokensDeltaParams,
    ) -> Result<Option<SemanticTokensFullDeltaResult>> {
        tokens::delta(&self.cx, params).await
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        tokens::range(&self.cx, params).await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        editing::inlay_hint(&self.cx, params).await
    }

    async fn inlay_hint_resolve(&self, hint: InlayHint) -> Result<InlayHint> {
        editing::inlay_hint_resolve(&self.cx, hint).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        editing::code_lens(&self.cx, params).await
    }

    async fn code_lens_resolve(&self, lens: CodeLens) -> Result<CodeLens> {
        editing::code_lens_resolve(&self.cx, lens).await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        editing::document_link(&self.cx, params).await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        editing::folding_range(&self.cx, params).await
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        editing::selection_range(&self.cx, params).await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        editing::formatting(&self.cx, params).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        commands::execute(&self.cx, params).await
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        diagnostics::document(&self.cx, params).await
    }

    async fn workspace_diagnostic(
        &self,
        params: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        diagnostics::workspace(&self.cx, params).await
    }
}
