//! The `LanguageServer` implementation: protocol in, features out.
//!
//! Text sync notifications are applied synchronously at the top of their handlers, under a std
//! `Mutex` that is never held across an `.await`, so edits can never be applied out of order.
//! Diagnostics are computed by one background worker on the latest state of every document
//! marked dirty (a burst of edits costs one analysis, not one per keystroke), off the I/O task,
//! and published with the version they were computed for; a result whose document has moved on
//! is dropped.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::Notify;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::convert;
use super::editing;
use super::store::{self, Cursor, Store};
use crate::features::{completion, hover, navigation, rename, semantic_tokens, symbols};
use crate::rules::{self, Severity};
use crate::syntax::Encoding;
use crate::workspace::{Document, FileId, Workspace};

pub struct Backend {
    client: Client,
    state: Arc<Shared>,
    /// Set by `shutdown`: the session then ends cleanly.
    shut_down: Arc<AtomicBool>,
}

/// What the handlers and the diagnostics worker share.
struct Shared {
    store: Mutex<Store>,
    /// Documents whose diagnostics must be recomputed.
    dirty: Mutex<HashSet<PathBuf>>,
    /// Publications without a version (the cleared diagnostics of a closed document, the
    /// errors of a newsmark.toml), the latest per URI. The diagnostics worker sends them, so a
    /// client that stops reading holds up one task, not one task per notification.
    unversioned: Mutex<HashMap<String, (Uri, Vec<Diagnostic>)>>,
    wake: Notify,
    /// Refresh requests to send (`REFRESH_*` bits), coalesced: one of each kind is in flight at
    /// a time, however many edits asked for it.
    refresh: AtomicU8,
    refresh_wake: Notify,
    settings: Mutex<Settings>,
}

const REFRESH_DIAGNOSTICS: u8 = 1;
const REFRESH_TOKENS: u8 = 2;
const REFRESH_HINTS: u8 = 4;

/// How long a request to the client may go unanswered before the server stops waiting (a
/// client that never answers must not stall indexing or later refreshes).
const CLIENT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Default, Clone)]
struct Settings {
    pull_diagnostics: bool,
    watch_dynamically: bool,
    document_changes: bool,
    create_files: bool,
    work_done_progress: bool,
    /// The client can be told to ask again for semantic tokens and inlay hints, which show
    /// entity kinds and names that change when the index does.
    refresh_tokens: bool,
    refresh_hints: bool,
    roots: Vec<PathBuf>,
}

impl Shared {
    fn store(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock must not take the server down with it: the store's
        // invariants hold between statements, so its data is still usable.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn settings(&self) -> Settings {
        self.settings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn mark_dirty(&self, paths: impl IntoIterator<Item = PathBuf>) {
        let mut dirty = self.dirty.lock().unwrap_or_else(|e| e.into_inner());
        dirty.extend(paths);
        drop(dirty);
        self.wake.notify_one();
    }

    fn publish_unversioned(&self, uri: Uri, diagnostics: Vec<Diagnostic>) {
        let mut pending = self.unversioned.lock().unwrap_or_else(|e| e.into_inner());
        pending.insert(uri.as_str().to_string(), (uri, diagnostics));
        drop(pending);
        self.wake.notify_one();
    }

    fn request_refresh(&self, kinds: u8) {
        if kinds != 0 {
            self.refresh.fetch_or(kinds, Ordering::SeqCst);
            self.refresh_wake.notify_one();
        }
    }

    /// Entity definitions changed (or the workspace was just read): what the client shows from
    /// them beyond diagnostics (mention colours, name hints) is stale; ask it to fetch again.
    fn refresh_views(&self) {
        let settings = self.settings();
        let tokens = if settings.refresh_tokens {
            REFRESH_TOKENS
        } else {
            0
        };
        let hints = if settings.refresh_hints {
            REFRESH_HINTS
        } else {
            0
        };
        self.request_refresh(tokens | hints);
    }
}

impl Backend {
    pub fn new(client: Client, shut_down: Arc<AtomicBool>) -> Backend {
        let state = Arc::new(Shared {
            store: Mutex::new(Store::default()),
            dirty: Mutex::new(HashSet::new()),
            unversioned: Mutex::new(HashMap::new()),
            wake: Notify::new(),
            refresh: AtomicU8::new(0),
            refresh_wake: Notify::new(),
            settings: Mutex::new(Settings::default()),
        });
        tokio::spawn(diagnostics_worker(client.clone(), state.clone()));
        tokio::spawn(refresh_worker(client.clone(), state.clone()));
        Backend {
            client,
            state,
            shut_down,
        }
    }

    /// After a change in `folder`: re-check the changed document, or every open document of the
    /// folder when entity definitions changed (mentions elsewhere may now be defined or not).
    fn after_change(&self, path: PathBuf, folder: usize, entities_changed: bool) {
        let settings = self.state.settings();
        if entities_changed {
            self.state.refresh_views();
            let open = self.state.store().open_in(Some(folder));
            if settings.pull_diagnostics {
                self.state.request_refresh(REFRESH_DIAGNOSTICS);
            } else {
                self.state.mark_dirty(open);
            }
        } else if !settings.pull_diagnostics {
            self.state.mark_dirty([path]);
        }
    }

    /// Runs `f` on the workspace holding `uri`, under the store lock; `None` for a document the
    /// server does not know (answered with an empty result).
    fn on_document<T>(
        &self,
        uri: &Uri,
        f: impl FnOnce(&Store, &Workspace, FileId) -> T,
    ) -> Option<T> {
        let store = self.state.store();
        let (folder, file) = store.locate(uri)?;
        Some(f(&store, &folder.workspace, file))
    }

    fn recheck_all(&self) {
        if self.state.settings().pull_diagnostics {
            self.state.request_refresh(REFRESH_DIAGNOSTICS);
        } else {
            let open = self.state.store().open_in(None);
            self.state.mark_dirty(open);
        }
    }
}

/// Sends the refresh requests asked for, one at a time.
async fn refresh_worker(client: Client, state: Arc<Shared>) {
    loop {
        state.refresh_wake.notified().await;
        let kinds = state.refresh.swap(0, Ordering::SeqCst);
        if kinds & REFRESH_DIAGNOSTICS != 0 {
            let _ = tokio::time::timeout(
                CLIENT_REQUEST_TIMEOUT,
                client.workspace_diagnostic_refresh(),
            )
            .await;
        }
        if kinds & REFRESH_TOKENS != 0 {
            let _ = tokio::time::timeout(CLIENT_REQUEST_TIMEOUT, client.semantic_tokens_refresh())
                .await;
        }
        if kinds & REFRESH_HINTS != 0 {
            let _ = tokio::time::timeout(CLIENT_REQUEST_TIMEOUT, client.inlay_hint_refresh()).await;
        }
    }
}

/// Recomputes diagnostics of dirty documents and publishes those still current.
async fn diagnostics_worker(client: Client, state: Arc<Shared>) {
    loop {
        state.wake.notified().await;
        let dirty: Vec<PathBuf> = {
            let mut set = state.dirty.lock().unwrap_or_else(|e| e.into_inner());
            set.drain().collect()
        };
        let unversioned: Vec<(Uri, Vec<Diagnostic>)> = {
            let mut pending = state.unversioned.lock().unwrap_or_else(|e| e.into_inner());
            pending
                .drain()
                .map(|(_, publication)| publication)
                .collect()
        };
        // Before the dirty documents: a document closed and opened again gets its new
        // diagnostics after the clearing, not before.
        for (uri, diagnostics) in unversioned {
            client.publish_diagnostics(uri, diagnostics, None).await;
        }
        if dirty.is_empty() {
            continue;
        }
        let worker_state = state.clone();
        let computed = tokio::task::spawn_blocking(move || {
            dirty
                .iter()
                .filter_map(|path| {
                    // The lock is taken per document, not for the batch: after an edit of
                    // entity definitions the batch is every open article, and requests must
                    // not wait for all of them.
                    let store = worker_state.store();
                    let open = store.open.get(path)?;
                    let (folder, file) = store.locate(&open.uri)?;
                    let diagnostics = lsp_diagnostics(&folder.workspace, file, store.encoding());
                    Some((open.uri.clone(), open.version, diagnostics))
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        for (uri, version, diagnostics) in computed {
            let current = {
                let store = state.store();
                store.open.get(&convert::path_of(&uri)).map(|o| o.version)
            };
            // A newer edit has marked the document dirty again; its own results will follow.
            if current == Some(version) {
                client
                    .publish_diagnostics(uri, diagnostics, Some(version))
                    .await;
            }
        }
    }
}

fn lsp_diagnostics(ws: &Workspace, file: FileId, encoding: Encoding) -> Vec<Diagnostic> {
    let doc = ws.document(file);
    rules::check(ws, file)
        .into_iter()
        .map(|d| lsp_diagnostic(ws, doc, d, encoding))
        .collect()
}

pub(super) fn lsp_diagnostic(
    ws: &Workspace,
    doc: &Document,
    d: rules::Diagnostic,
    encoding: Encoding,
) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            let other = ws.document(r.file);
            Some(DiagnosticRelatedInformation {
                location: Location::new(
                    convert::uri_of(&other.path)?,
                    convert::range(other, r.range, encoding),
                ),
                message: r.message.clone(),
            })
        })
        .collect();
    Diagnostic {
        range: convert::range(doc, d.range, encoding),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
            Severity::Hint => DiagnosticSeverity::HINT,
        }),
        code: Some(NumberOrString::String(d.rule.id().to_string())),
        source: Some("newsmark".to_string()),
        message: d.message,
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    }
}

fn config_diagnostics(folder: &store::Folder) -> Option<(Uri, Vec<Diagnostic>)> {
    let path = folder.root.join(crate::config::FILE_NAME);
    let uri = convert::uri_of(&path)?;
    let diagnostics = folder
        .config_error
        .iter()
        .map(|e| {
            let at = Position::new(
                e.line.saturating_sub(1) as u32,
                e.column.saturating_sub(1) as u32,
            );
            Diagnostic {
                range: Range::new(at, Position::new(at.line, at.character + 1)),
                severity: Some(DiagnosticSeverity::ERROR),
                source: Some("newsmark".to_string()),
                message: e.message.clone(),
                ..Diagnostic::default()
            }
        })
        .collect();
    Some((uri, diagnostics))
}

fn roots_from(params: &InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders {
        return folders.iter().map(|f| convert::path_of(&f.uri)).collect();
    }
    #[allow(deprecated)]
    params.root_uri.iter().map(convert::path_of).collect()
}

fn server_capabilities(encoding: Encoding, pull: bool) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            _ => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(["@", "^", "{", " ", "=", ":"].map(String::from).to_vec()),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::REFACTOR_REWRITE,
                CodeActionKind::new("source.newsmark.linkAll"),
            ]),
            ..CodeActionOptions::default()
        })),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: editing::legend(),
                range: Some(true),
                full: Some(SemanticTokensFullOptions::Delta { delta: Some(true) }),
                work_done_progress_options: WorkDoneProgressOptions::default(),
            },
        )),
        inlay_hint_provider: Some(OneOf::Right(InlayHintServerCapabilities::Options(
            InlayHintOptions {
                resolve_provider: Some(true),
                work_done_progress_options: WorkDoneProgressOptions::default(),
            },
        ))),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        document_link_provider: Some(DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        }),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        diagnostic_provider: pull.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("newsmark".to_string()),
                inter_file_dependencies: true,
                workspace_diagnostics: true,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })
        }),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = &params.capabilities;
        let offers_utf8 = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|e| e.contains(&PositionEncodingKind::UTF8));
        let encoding = if offers_utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        let workspace = caps.workspace.as_ref();
        // Pull only when the client can also be told to pull again: a change in one file (a
        // registry) changes other files' diagnostics, and without `workspace/diagnostic/refresh`
        // they would stay stale until edited (Neovim 0.10 and 0.11 pull but cannot refresh).
        let refreshable = workspace
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false);
        let pull = refreshable
            && caps
                .text_document
                .as_ref()
                .is_some_and(|t| t.diagnostic.is_some());
        let settings = Settings {
            pull_diagnostics: pull,
            watch_dynamically: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
            document_changes: workspace
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|w| w.document_changes)
                .unwrap_or(false),
            create_files: workspace
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|w| w.resource_operations.as_ref())
                .is_some_and(|ops| ops.contains(&ResourceOperationKind::Create)),
            refresh_tokens: workspace
                .and_then(|w| w.semantic_tokens.as_ref())
                .and_then(|t| t.refresh_support)
                .unwrap_or(false),
            refresh_hints: workspace
                .and_then(|w| w.inlay_hint.as_ref())
                .and_then(|h| h.refresh_support)
                .unwrap_or(false),
            work_done_progress: caps
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
            roots: roots_from(&params),
        };
        {
            let mut store = self.state.store();
            store.encoding = Some(encoding);
            for root in &settings.roots {
                store.folders.push(store::Folder::new(root.clone()));
            }
        }
        *self
            .state
            .settings
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = settings;
        Ok(InitializeResult {
            capabilities: server_capabilities(encoding, pull),
            server_info: Some(ServerInfo {
                name: "newsmark".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let settings = self.state.settings();
        let client = self.client.clone();
        let state = self.state.clone();
        tokio::spawn(async move {
            if settings.watch_dynamically {
                register_watchers(&client).await;
            }
            index_folders(
                &client,
                &state,
                settings.roots.clone(),
                settings.work_done_progress,
            )
            .await;
        });
    }

    async fn shutdown(&self) -> Result<()> {
        self.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let path = convert::path_of(&doc.uri);
        let (folder, changed, unindexed) = {
            let mut store = self.state.store();
            let (folder, changed) = store.open(doc.uri, doc.version, doc.text);
            (folder, changed, std::mem::take(&mut store.unindexed))
        };
        self.after_change(path, folder, changed);
        if !unindexed.is_empty() {
            // A file outside every workspace folder: read its workspace (the registry next to
            // it, say) in the background, as for a folder.
            let client = self.client.clone();
            let state = self.state.clone();
            let progress = self.state.settings().work_done_progress;
            tokio::spawn(async move { index_folders(&client, &state, unindexed, progress).await });
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let doc = params.text_document;
        let path = convert::path_of(&doc.uri);
        let result = self
            .state
            .store()
            .change(&doc.uri, doc.version, params.content_changes);
        if let Some((folder, changed)) = result {
            self.after_change(path, folder, changed);
        }
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {}

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let folder = self.state.store().close(&uri);
        if folder.is_some() && !self.state.settings().pull_diagnostics {
            // Diagnostics belong to open documents; clear them.
            self.state.publish_unversioned(uri, Vec::new());
        }
        self.recheck_all();
    }

    async fn did_change_configuration(&self, _: DidChangeConfigurationParams) {
        self.recheck_all();
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let added: Vec<PathBuf> = params
            .event
            .added
            .iter()
            .map(|f| convert::path_of(&f.uri))
            .collect();
        {
            let mut store = self.state.store();
            for removed in &params.event.removed {
                let root = convert::path_of(&removed.uri);
                store.folders.retain(|f| f.root != root);
            }
            for root in &added {
                store.folders.push(store::Folder::new(root.clone()));
            }
        }
        let client = self.client.clone();
        let state = self.state.clone();
        let progress = self.state.settings().work_done_progress;
        tokio::spawn(async move { index_folders(&client, &state, added, progress).await });
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let mut touched = Vec::new();
        let mut configs = Vec::new();
        {
            let mut store = self.state.store();
            for event in params.changes {
                let path = convert::path_of(&event.uri);
                if path
                    .file_name()
                    .is_some_and(|n| n == crate::config::FILE_NAME)
                {
                    let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
                    if let Some(f) = store.folders.iter_mut().find(|f| f.root == folder) {
                        f.reload_config();
                        configs.extend(config_diagnostics(f));
                    }
                    continue;
                }
                let folder = if event.typ == FileChangeType::DELETED {
                    store.disk_deleted(&path)
                } else {
                    store.disk_changed(&path)
                };
                touched.extend(folder);
            }
        }
        if !touched.is_empty() || !configs.is_empty() {
            self.recheck_all();
            self.state.refresh_views();
        }
        for (uri, diagnostics) in configs {
            self.state.publish_unversioned(uri, diagnostics);
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        let store = self.state.store();
        let Some(cursor) = store.cursor(&at.text_document.uri, at.position) else {
            return Ok(None);
        };
        let Cursor {
            ws,
            file,
            doc,
            offset,
            encoding,
        } = cursor;
        Ok(hover::hover(ws, file, offset).map(|h| Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: h.markdown,
            }),
            range: Some(convert::range(doc, h.range, encoding)),
        }))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let store = self.state.store();
        let Some(cursor) = store.cursor(&at.text_document.uri, at.position) else {
            return Ok(None);
        };
        let Cursor {
            ws,
            file,
            doc,
            offset,
            encoding,
        } = cursor;
        let Some(list) = completion::complete(ws, file, offset) else {
            return Ok(None);
        };
        let items = list
            .items
            .into_iter()
            .map(|item| CompletionItem {
                label: item.label,
                kind: Some(match item.kind {
                    completion::ItemKind::Entity => CompletionItemKind::REFERENCE,
                    completion::ItemKind::Source => CompletionItemKind::FILE,
                    completion::ItemKind::Attribute => CompletionItemKind::PROPERTY,
                    completion::ItemKind::Value => CompletionItemKind::ENUM_MEMBER,
                    completion::ItemKind::Field => CompletionItemKind::FIELD,
                }),
                detail: item.detail,
                documentation: item.documentation.map(|value| {
                    Documentation::MarkupContent(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value,
                    })
                }),
                filter_text: item.filter_text,
                sort_text: Some(item.sort_text),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                    convert::range(doc, item.replace, encoding),
                    item.new_text,
                ))),
                ..CompletionItem::default()
            })
            .collect();
        Ok(Some(CompletionResponse::List(CompletionList {
            is_incomplete: list.is_incomplete,
            items,
        })))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let store = self.state.store();
        let Some(cursor) = store.cursor(&at.text_document.uri, at.position) else {
            return Ok(None);
        };
        let Cursor {
            ws,
            file,
            offset,
            encoding,
            ..
        } = cursor;
        let locations = to_locations(ws, navigation::definition(ws, file, offset), encoding);
        Ok((!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations)))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let store = self.state.store();
        let Some(cursor) = store.cursor(&at.text_document.uri, at.position) else {
            return Ok(None);
        };
        let Cursor {
            ws,
            file,
            offset,
            encoding,
            ..
        } = cursor;
        let found = navigation::references(ws, file, offset, params.context.include_declaration);
        Ok(Some(to_locations(ws, found, encoding)))
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let at = params.text_document_position_params;
        let store = self.state.store();
        let Some(cursor) = store.cursor(&at.text_document.uri, at.position) else {
            return Ok(None);
        };
        let Cursor {
            ws,
            file,
            doc,
            offset,
            encoding,
        } = cursor;
        let highlights = navigation::highlights(ws, file, offset)
            .into_iter()
            .map(|(range, kind)| DocumentHighlight {
                range: convert::range(doc, range, encoding),
                kind: Some(match kind {
                    navigation::HighlightKind::Read => DocumentHighlightKind::READ,
                    navigation::HighlightKind::Write => DocumentHighlightKind::WRITE,
                }),
            })
            .collect();
        Ok(Some(highlights))
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let store = self.state.store();
        let Some(cursor) = store.cursor(&params.text_document.uri, params.position) else {
            return Ok(None);
        };
        let Cursor {
            ws,
            file,
            doc,
            offset,
            encoding,
        } = cursor;
        match rename::prepare_rename(ws, file, offset) {
            Ok((range, placeholder)) => Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
                range: convert::range(doc, range, encoding),
                placeholder,
            })),
            Err(e) => Err(request_failed(e.to_string())),
        }
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let document_changes = self.state.settings().document_changes;
        let store = self.state.store();
        let Some(cursor) = store.cursor(&at.text_document.uri, at.position) else {
            return Ok(None);
        };
        let Cursor {
            ws,
            file,
            offset,
            encoding,
            ..
        } = cursor;
        let edits = rename::rename(ws, file, offset, &params.new_name)
            .map_err(|e| request_failed(e.to_string()))?;
        let support = editing::ActionSupport {
            document_changes,
            create_files: false,
        };
        Ok(editing::workspace_edit(
            &store,
            ws,
            edits,
            Vec::new(),
            &support,
            encoding,
        ))
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let store = self.state.store();
        let Some((folder, file)) = store.locate(&params.text_document.uri) else {
            return Ok(None);
        };
        let (ws, encoding) = (&folder.workspace, store.encoding());
        let doc = ws.document(file);
        let symbols = symbols::document_symbols(ws, file)
            .into_iter()
            .map(|s| document_symbol(doc, s, encoding))
            .collect();
        Ok(Some(DocumentSymbolResponse::Nested(symbols)))
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        // Fuzzy matching over every entity and source of every folder: off the I/O task.
        let state = self.state.clone();
        let found = tokio::task::spawn_blocking(move || workspace_symbols(&state, &params.query))
            .await
            .unwrap_or_default();
        Ok(Some(WorkspaceSymbolResponse::Nested(found)))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let settings = self.state.settings();
        let store = self.state.store();
        let Some((folder, file)) = store.locate(&params.text_document.uri) else {
            return Ok(None);
        };
        let support = editing::ActionSupport {
            document_changes: settings.document_changes,
            create_files: settings.create_files,
        };
        let only = params.context.only.as_deref();
        Ok(Some(editing::actions(
            &store,
            &folder.workspace,
            file,
            params.range,
            only,
            &support,
        )))
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let mut store = self.state.store();
        let Some((data, result_id)) = full_tokens(&mut store, &params.text_document.uri) else {
            return Ok(None);
        };
        Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
            result_id: Some(result_id),
            data: editing::to_semantic_tokens(&data),
        })))
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: SemanticTokensDeltaParams,
    ) -> Result<Option<SemanticTokensFullDeltaResult>> {
        let mut store = self.state.store();
        let path = convert::path_of(&params.text_document.uri);
        let previous = store
            .tokens
            .get(&path)
            .filter(|c| c.result_id == params.previous_result_id)
            .map(|c| c.data.clone());
        let Some((data, result_id)) = full_tokens(&mut store, &params.text_document.uri) else {
            return Ok(None);
        };
        Ok(Some(match previous {
            Some(old) => SemanticTokensFullDeltaResult::TokensDelta(SemanticTokensDelta {
                result_id: Some(result_id),
                edits: editing::token_delta(&old, &data),
            }),
            None => SemanticTokensFullDeltaResult::Tokens(SemanticTokens {
                result_id: Some(result_id),
                data: editing::to_semantic_tokens(&data),
            }),
        }))
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        let store = self.state.store();
        let Some((folder, file)) = store.locate(&params.text_document.uri) else {
            return Ok(None);
        };
        let (ws, encoding) = (&folder.workspace, store.encoding());
        let doc = ws.document(file);
        let range = convert::text_range(doc, params.range, encoding);
        let tokens = semantic_tokens::tokens_in_range(ws, file, range);
        let data = editing::encode_tokens(doc, &tokens, encoding);
        Ok(Some(SemanticTokensRangeResult::Tokens(SemanticTokens {
            result_id: None,
            data: editing::to_semantic_tokens(&data),
        })))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let store = self.state.store();
        let uri = params.text_document.uri;
        let Some((folder, file)) = store.locate(&uri) else {
            return Ok(None);
        };
        Ok(Some(editing::hints(
            &folder.workspace,
            file,
            &uri,
            params.range,
            store.encoding(),
        )))
    }

    async fn inlay_hint_resolve(&self, hint: InlayHint) -> Result<InlayHint> {
        let store = self.state.store();
        Ok(editing::resolve_hint(&store, hint))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let store = self.state.store();
        let uri = params.text_document.uri;
        let Some((folder, file)) = store.locate(&uri) else {
            return Ok(None);
        };
        Ok(Some(editing::lenses(
            &folder.workspace,
            file,
            &uri,
            store.encoding(),
        )))
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        Ok(
            self.on_document(&params.text_document.uri, |store, ws, file| {
                editing::links(ws, file, store.encoding())
            }),
        )
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        Ok(self.on_document(&params.text_document.uri, |_, ws, file| {
            editing::folds(ws, file)
        }))
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        Ok(
            self.on_document(&params.text_document.uri, |store, ws, file| {
                editing::selections(ws, file, &params.positions, store.encoding())
            }),
        )
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        Ok(
            self.on_document(&params.text_document.uri, |store, ws, file| {
                editing::format(ws, file, store.encoding())
            }),
        )
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let store = self.state.store();
        let items = store
            .locate(&params.text_document.uri)
            .map(|(folder, file)| lsp_diagnostics(&folder.workspace, file, store.encoding()))
            .unwrap_or_default();
        Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            }),
        ))
    }

    async fn workspace_diagnostic(
        &self,
        _: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        // Every document of every folder: off the I/O task.
        let state = self.state.clone();
        let items = tokio::task::spawn_blocking(move || workspace_reports(&state))
            .await
            .unwrap_or_default();
        Ok(WorkspaceDiagnosticReportResult::Report(
            WorkspaceDiagnosticReport { items },
        ))
    }
}

fn workspace_symbols(state: &Shared, query: &str) -> Vec<WorkspaceSymbol> {
    let store = state.store();
    let mut out = Vec::new();
    for folder in &store.folders {
        let ws = &folder.workspace;
        for (file, symbol) in symbols::workspace_symbols(ws, query) {
            let doc = ws.document(file);
            let Some(uri) = convert::uri_of(&doc.path) else {
                continue;
            };
            out.push(WorkspaceSymbol {
                name: symbol.name,
                kind: symbol_kind(symbol.kind),
                tags: None,
                container_name: symbol.detail,
                location: OneOf::Left(Location::new(
                    uri,
                    convert::range(doc, symbol.selection_range, store.encoding()),
                )),
                data: None,
            });
        }
    }
    out
}

fn workspace_reports(state: &Shared) -> Vec<WorkspaceDocumentDiagnosticReport> {
    let store = state.store();
    let mut items = Vec::new();
    for folder in &store.folders {
        let ws = &folder.workspace;
        for (file, doc) in ws.documents() {
            let Some(uri) = convert::uri_of(&doc.path) else {
                continue;
            };
            let version = store.open.get(&doc.path).map(|o| i64::from(o.version));
            items.push(WorkspaceDocumentDiagnosticReport::Full(
                WorkspaceFullDocumentDiagnosticReport {
                    uri,
                    version,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id: None,
                        items: lsp_diagnostics(ws, file, store.encoding()),
                    },
                },
            ));
        }
    }
    items
}

/// The document's semantic tokens, encoded, with a new result id; remembered for deltas.
/// After a small edit only the blocks the edit touched are recomputed: every token lies in one
/// block and depends only on it, on its document's definitions and on the entity index.
fn full_tokens(store: &mut Store, uri: &Uri) -> Option<(Vec<u32>, String)> {
    let encoding = store.encoding();
    let entities = store.entity_generation;
    let (data, tokens, text, path) = {
        let (folder, file) = store.locate(uri)?;
        let ws = &folder.workspace;
        let doc = ws.document(file);
        let cached = store
            .tokens
            .get(&doc.path)
            .filter(|c| c.entities == entities);
        let tokens = match cached {
            Some(cache) => semantic_tokens::update(ws, file, &cache.text, &cache.tokens),
            None => semantic_tokens::tokens(ws, file),
        };
        let data = editing::encode_tokens(doc, &tokens, encoding);
        (data, tokens, doc.text.clone(), doc.path.clone())
    };
    store.token_results += 1;
    let result_id = store.token_results.to_string();
    store.tokens.insert(
        path,
        store::TokenCache {
            result_id: result_id.clone(),
            data: data.clone(),
            text,
            tokens,
            entities,
        },
    );
    Some((data, result_id))
}

fn request_failed(message: String) -> tower_lsp_server::jsonrpc::Error {
    tower_lsp_server::jsonrpc::Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(-32803),
        message: message.into(),
        data: None,
    }
}

fn to_locations(
    ws: &Workspace,
    found: Vec<navigation::Location>,
    encoding: Encoding,
) -> Vec<Location> {
    found
        .into_iter()
        .filter_map(|l| {
            let doc = ws.document(l.file);
            Some(Location::new(
                convert::uri_of(&doc.path)?,
                convert::range(doc, l.range, encoding),
            ))
        })
        .collect()
}

fn symbol_kind(kind: symbols::SymbolKind) -> SymbolKind {
    match kind {
        symbols::SymbolKind::Document => SymbolKind::FILE,
        symbols::SymbolKind::Section => SymbolKind::NAMESPACE,
        symbols::SymbolKind::Entity => SymbolKind::OBJECT,
        symbols::SymbolKind::Source => SymbolKind::CONSTANT,
        symbols::SymbolKind::Claim => SymbolKind::STRING,
    }
}

fn document_symbol(doc: &Document, symbol: symbols::Symbol, encoding: Encoding) -> DocumentSymbol {
    #[allow(deprecated)]
    DocumentSymbol {
        name: if symbol.name.is_empty() {
            " ".to_string()
        } else {
            symbol.name
        },
        detail: symbol.detail,
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: convert::range(doc, symbol.range, encoding),
        selection_range: convert::range(doc, symbol.selection_range, encoding),
        children: Some(
            symbol
                .children
                .into_iter()
                .map(|c| document_symbol(doc, c, encoding))
                .collect(),
        ),
    }
}

async fn register_watchers(client: &Client) {
    let watchers = ["**/*.news", "**/*.news.md", "**/newsmark.toml"]
        .map(|glob| FileSystemWatcher {
            glob_pattern: GlobPattern::String(glob.to_string()),
            kind: None,
        })
        .to_vec();
    let registration = Registration {
        id: "newsmark-watch".to_string(),
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
            watchers,
        })
        .ok(),
    };
    let _ = client.register_capability(vec![registration]).await;
}

/// Reads every `.news` file of the folders in the background, reporting progress, then
/// re-checks the open documents against the full workspace.
async fn index_folders(client: &Client, state: &Arc<Shared>, roots: Vec<PathBuf>, progress: bool) {
    if roots.is_empty() {
        return;
    }
    static NEXT_TOKEN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT_TOKEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let token = NumberOrString::String(format!("newsmark-index-{n}"));
    let ongoing = if progress
        && tokio::time::timeout(
            CLIENT_REQUEST_TIMEOUT,
            client.create_work_done_progress(token.clone()),
        )
        .await
        .is_ok_and(|answer| answer.is_ok())
    {
        Some(
            client
                .progress(token, "newsmark: indexing")
                .with_percentage(0)
                .begin()
                .await,
        )
    } else {
        None
    };
    let total = roots.len();
    let mut configs = Vec::new();
    for (i, root) in roots.into_iter().enumerate() {
        let read_root = root.clone();
        let shallow = state
            .store()
            .folders
            .iter()
            .any(|f| f.root == root && f.shallow);
        let documents =
            tokio::task::spawn_blocking(move || store::read_folder(&read_root, shallow))
                .await
                .unwrap_or_default();
        let count = documents.len();
        {
            let mut store = state.store();
            if let Some(folder) = store.add_indexed(&root, documents) {
                store.folders[folder].workspace.index();
                configs.extend(config_diagnostics(&store.folders[folder]));
            }
        }
        if let Some(ongoing) = &ongoing {
            let done = ((i + 1) * 100 / total) as u32;
            ongoing
                .report_with_message(format!("{count} articles in {}", root.display()), done)
                .await;
        }
    }
    if let Some(ongoing) = ongoing {
        ongoing.finish().await;
    }
    for (uri, diagnostics) in configs {
        if !diagnostics.is_empty() {
            state.publish_unversioned(uri, diagnostics);
        }
    }
    state.refresh_views();
    if state.settings().pull_diagnostics {
        state.request_refresh(REFRESH_DIAGNOSTICS);
    } else {
        let open = state.store().open_in(None);
        state.mark_dirty(open);
    }
}
