//! What the server offers (`ServerCapabilities`) and what it learnt the client can do
//! ([`Settings`]), both settled at `initialize`.

use std::path::PathBuf;

use tower_lsp_server::ls_types::*;

use super::convert;
use crate::features::inlay_hints;
use crate::syntax::Encoding;

#[derive(Default, Clone)]
pub struct Settings {
    pub pull_diagnostics: bool,
    pub watch_dynamically: bool,
    pub document_changes: bool,
    pub create_files: bool,
    pub work_done_progress: bool,
    /// The client can be told to ask again for semantic tokens and inlay hints, which show
    /// entity kinds and names that change when the index does.
    pub refresh_tokens: bool,
    pub refresh_hints: bool,
    pub roots: Vec<PathBuf>,
    /// What the user set (`initializationOptions`, `workspace/didChangeConfiguration`).
    pub config: ClientConfig,
}

/// The settings a user gives the server through the editor, under `newsmark`:
///
/// - `inlayHints.entityNames`: `"unnamed"` (the default: a name only where the text does not
///   name the entity, once per paragraph), `"all"` or `"off"`;
/// - `inlayHints.sourceTitles`: `true` (default) or `false`;
/// - `rulesDocumentationUrl`: where each diagnostic's `codeDescription` points, the rule's
///   section appended as `#rule-id`; `""` leaves `codeDescription` out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientConfig {
    pub hints: inlay_hints::HintOptions,
    pub rules_url: Option<String>,
}

/// docs/rules.md of the source tree the binary was built from: the project has no published
/// site yet, and a build from a checkout (`cargo install --path .`) keeps its tree. A binary
/// built elsewhere is given a reachable address with `rulesDocumentationUrl`.
pub fn default_rules_url() -> String {
    format!("file://{}/docs/rules.md", env!("CARGO_MANIFEST_DIR"))
}

impl Default for ClientConfig {
    fn default() -> ClientConfig {
        ClientConfig {
            hints: inlay_hints::HintOptions::default(),
            rules_url: Some(default_rules_url()),
        }
    }
}

impl ClientConfig {
    /// `self` with what `value` sets: `{"newsmark": {…}}` or the inner object (clients send
    /// either). Unknown keys and values of the wrong type are ignored (logged), so a typo
    /// never stops the server.
    pub fn updated(&self, value: &serde_json::Value) -> ClientConfig {
        let mut config = self.clone();
        let ours = value.get("newsmark").unwrap_or(value);
        let hints = ours.get("inlayHints");
        if let Some(names) = hints.and_then(|h| h.get("entityNames")) {
            config.hints.entity_names = match names.as_str() {
                Some("unnamed") => inlay_hints::NameHints::Unnamed,
                Some("all") => inlay_hints::NameHints::All,
                Some("off") => inlay_hints::NameHints::Off,
                _ => {
                    tracing::warn!(
                        "newsmark.inlayHints.entityNames: {names} is not unnamed, all or off"
                    );
                    config.hints.entity_names
                }
            };
        }
        if let Some(titles) = hints.and_then(|h| h.get("sourceTitles")) {
            match titles.as_bool() {
                Some(on) => config.hints.source_titles = on,
                None => tracing::warn!(
                    "newsmark.inlayHints.sourceTitles: {titles} is not true or false"
                ),
            }
        }
        if let Some(url) = ours.get("rulesDocumentationUrl") {
            match url.as_str() {
                Some("") => config.rules_url = None,
                Some(url) => config.rules_url = Some(url.trim_end_matches('/').to_string()),
                // VS Code sends a setting left unset as null: the default.
                None if url.is_null() => config.rules_url = Some(default_rules_url()),
                None => tracing::warn!("newsmark.rulesDocumentationUrl: {url} is not a string"),
            }
        }
        config
    }
}

/// The client's capabilities, as far as newsmark cares.
pub fn negotiate(params: &InitializeParams) -> (Encoding, Settings) {
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
        roots: roots_from(params),
        config: params
            .initialization_options
            .as_ref()
            .map_or_else(ClientConfig::default, |o| {
                ClientConfig::default().updated(o)
            }),
    };
    (encoding, settings)
}

fn roots_from(params: &InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders {
        return folders.iter().map(|f| convert::path_of(&f.uri)).collect();
    }
    #[allow(deprecated)]
    params.root_uri.iter().map(convert::path_of).collect()
}

/// The commands `workspace/executeCommand` serves (`handlers::commands`): `newsmark.render`
/// renders a document for an editor's preview.
pub const RENDER_COMMAND: &str = "newsmark.render";
pub const COMMANDS: [&str; 1] = [RENDER_COMMAND];

pub fn server(encoding: Encoding, pull: bool) -> ServerCapabilities {
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
                legend: convert::legend(),
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
            resolve_provider: Some(true),
        }),
        document_link_provider: Some(DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        }),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: COMMANDS.map(String::from).to_vec(),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        }),
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
