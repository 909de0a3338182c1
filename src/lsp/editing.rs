//! Conversions of the editing-power features (code actions, semantic tokens, inlay hints,
//! lenses, links, folding, selection ranges, formatting) to LSP types. The handlers in
//! `server` call these under the store lock; nothing here awaits.

use std::path::PathBuf;

use serde_json::json;
use tower_lsp_server::ls_types::*;

use super::convert;
use super::store::Store;
use crate::features::{
    code_actions, code_lens, document_links, folding, formatting, inlay_hints, navigation, rename,
    selection, semantic_tokens,
};
use crate::syntax::Encoding;
use crate::workspace::{Document, FileId, Workspace};

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: semantic_tokens::TOKEN_TYPES
            .iter()
            .map(|t| SemanticTokenType::new(t))
            .collect(),
        token_modifiers: semantic_tokens::TOKEN_MODIFIERS
            .iter()
            .map(|m| SemanticTokenModifier::new(m))
            .collect(),
    }
}

/// Delta-encodes tokens (sorted, one line each) in the negotiated encoding. Positions are
/// computed with a cursor that moves forward through the text, so a megabyte of tokens costs
/// one pass, not a scan from each line's start.
pub fn encode_tokens(
    doc: &Document,
    tokens: &[semantic_tokens::Token],
    encoding: Encoding,
) -> Vec<u32> {
    let width = |s: &str| -> u32 {
        match encoding {
            Encoding::Utf8 => s.len() as u32,
            Encoding::Utf16 => s.chars().map(|c| c.len_utf16() as u32).sum(),
            Encoding::Utf32 => s.chars().count() as u32,
        }
    };
    let text = doc.text.as_str();
    let mut data = Vec::with_capacity(tokens.len() * 5);
    let (mut prev_line, mut prev_col) = (0u32, 0u32);
    // Where the cursor stands: a byte offset, its line, the line's start, and its column.
    let (mut at, mut line, mut col) = (0usize, 0u32, 0u32);
    for token in tokens {
        let start = token.range.start.min(text.len());
        let token_line = doc.line_index.line_of(start) as u32;
        if token_line != line || start < at {
            line = token_line;
            at = doc.line_index.line_range(text, token_line as usize).start;
            col = 0;
        }
        col += width(&text[at..start]);
        at = start;
        let length = width(&text[start..token.range.end.min(text.len())]);
        let delta_line = line - prev_line;
        let delta_start = if delta_line == 0 { col - prev_col } else { col };
        data.extend([
            delta_line,
            delta_start,
            length,
            token.kind.index(),
            token.modifiers,
        ]);
        (prev_line, prev_col) = (line, col);
    }
    data
}

/// One edit turning `old` into `new`: the common prefix and suffix (whole tokens) are kept.
pub fn token_delta(old: &[u32], new: &[u32]) -> Vec<SemanticTokensEdit> {
    if old == new {
        return Vec::new();
    }
    let mut prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    prefix -= prefix % 5;
    let max_suffix = (old.len() - prefix).min(new.len() - prefix);
    let mut suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    suffix -= suffix % 5;
    vec![SemanticTokensEdit {
        start: prefix as u32,
        delete_count: (old.len() - prefix - suffix) as u32,
        data: Some(
            new[prefix..new.len() - suffix]
                .chunks(5)
                .map(|c| SemanticToken {
                    delta_line: c[0],
                    delta_start: c[1],
                    length: c[2],
                    token_type: c[3],
                    token_modifiers_bitset: c[4],
                })
                .collect(),
        ),
    }]
}

pub fn to_semantic_tokens(data: &[u32]) -> Vec<SemanticToken> {
    data.chunks(5)
        .map(|c| SemanticToken {
            delta_line: c[0],
            delta_start: c[1],
            length: c[2],
            token_type: c[3],
            token_modifiers_bitset: c[4],
        })
        .collect()
}

fn text_edits(doc: &Document, edits: Vec<rename::TextEdit>, encoding: Encoding) -> Vec<TextEdit> {
    edits
        .into_iter()
        .map(|e| TextEdit::new(convert::range(doc, e.range, encoding), e.new_text))
        .collect()
}

pub fn format(ws: &Workspace, file: FileId, encoding: Encoding) -> Vec<TextEdit> {
    text_edits(ws.document(file), formatting::format(ws, file), encoding)
}

pub fn folds(ws: &Workspace, file: FileId) -> Vec<FoldingRange> {
    folding::folds(ws, file)
        .into_iter()
        .map(|f| FoldingRange {
            start_line: f.start_line,
            end_line: f.end_line,
            kind: Some(match f.kind {
                folding::FoldKind::Region => FoldingRangeKind::Region,
                folding::FoldKind::Comment => FoldingRangeKind::Comment,
            }),
            ..FoldingRange::default()
        })
        .collect()
}

pub fn selections(
    ws: &Workspace,
    file: FileId,
    positions: &[Position],
    encoding: Encoding,
) -> Vec<SelectionRange> {
    let doc = ws.document(file);
    let offsets: Vec<usize> = positions
        .iter()
        .map(|p| convert::offset(doc, *p, encoding))
        .collect();
    selection::selection_ranges(ws, file, &offsets)
        .into_iter()
        .map(|chain| {
            // Innermost first: fold from the outside in.
            let mut parent: Option<Box<SelectionRange>> = None;
            for range in chain.into_iter().rev() {
                parent = Some(Box::new(SelectionRange {
                    range: convert::range(doc, range, encoding),
                    parent,
                }));
            }
            parent.map_or_else(
                || SelectionRange {
                    range: Range::default(),
                    parent: None,
                },
                |b| *b,
            )
        })
        .collect()
}

pub fn links(ws: &Workspace, file: FileId, encoding: Encoding) -> Vec<DocumentLink> {
    let doc = ws.document(file);
    document_links::links(ws, file)
        .into_iter()
        .map(|l| DocumentLink {
            range: convert::range(doc, l.range, encoding),
            target: l.target.parse().ok(),
            tooltip: Some(l.target),
            data: None,
        })
        .collect()
}

pub fn lenses(ws: &Workspace, file: FileId, uri: &Uri, encoding: Encoding) -> Vec<CodeLens> {
    let doc = ws.document(file);
    code_lens::lenses(ws, file)
        .into_iter()
        .map(|lens| {
            let at = convert::position(doc, lens.references_at, encoding);
            let locations: Vec<Location> =
                navigation::references(ws, file, lens.references_at, false)
                    .into_iter()
                    .filter_map(|l| {
                        let other = ws.document(l.file);
                        Some(Location::new(
                            convert::uri_of(&other.path)?,
                            convert::range(other, l.range, encoding),
                        ))
                    })
                    .collect();
            CodeLens {
                range: convert::range(doc, lens.range, encoding),
                // VS Code runs this command natively; other clients show the count and can
                // map the command to their references view.
                command: Some(Command {
                    title: lens.title,
                    command: "editor.action.showReferences".to_string(),
                    arguments: Some(vec![json!(uri), json!(at), json!(locations)]),
                }),
                data: None,
            }
        })
        .collect()
}

pub fn hints(
    ws: &Workspace,
    file: FileId,
    uri: &Uri,
    range: Range,
    encoding: Encoding,
) -> Vec<InlayHint> {
    let doc = ws.document(file);
    let range = convert::text_range(doc, range, encoding);
    inlay_hints::hints(ws, file, range)
        .into_iter()
        .map(|h| InlayHint {
            position: convert::position(doc, h.position, encoding),
            label: InlayHintLabel::String(h.label),
            kind: None,
            text_edits: None,
            tooltip: None,
            padding_left: Some(h.padding_left),
            padding_right: None,
            // Resolve finds the hint again from here and adds the hover card as tooltip.
            data: Some(json!({"uri": uri, "offset": h.position})),
        })
        .collect()
}

pub fn resolve_hint(store: &Store, mut hint: InlayHint) -> InlayHint {
    let Some(data) = hint.data.as_ref() else {
        return hint;
    };
    let uri: Option<Uri> = data
        .get("uri")
        .and_then(|u| serde_json::from_value(u.clone()).ok());
    let offset = data.get("offset").and_then(|o| o.as_u64());
    if let (Some(uri), Some(offset)) = (uri, offset)
        && let Some((folder, file)) = store.locate(&uri)
        && let Some(card) = inlay_hints::hint_tooltip(&folder.workspace, file, offset as usize)
    {
        hint.tooltip = Some(InlayHintTooltip::MarkupContent(MarkupContent {
            kind: MarkupKind::Markdown,
            value: card,
        }));
    }
    hint
}

pub struct ActionSupport {
    pub document_changes: bool,
    pub create_files: bool,
}

pub fn actions(
    store: &Store,
    ws: &Workspace,
    file: FileId,
    range: Range,
    only: Option<&[CodeActionKind]>,
    support: &ActionSupport,
) -> Vec<CodeActionOrCommand> {
    let encoding = store.encoding();
    let doc = ws.document(file);
    let range = convert::text_range(doc, range, encoding);
    code_actions::actions(ws, file, range)
        .into_iter()
        .filter_map(|action| {
            let kind = match action.kind {
                code_actions::ActionKind::QuickFix => CodeActionKind::QUICKFIX,
                code_actions::ActionKind::Refactor => CodeActionKind::REFACTOR_REWRITE,
                code_actions::ActionKind::SourceAction => {
                    CodeActionKind::new("source.newsmark.linkAll")
                }
            };
            if let Some(only) = only
                && !only.iter().any(|o| kind.as_str().starts_with(o.as_str()))
            {
                return None;
            }
            // Creating a file needs the client's resource operations; without them the action
            // could not be applied whole, so it is not offered.
            let can_create = support.document_changes && support.create_files;
            if !action.create_files.is_empty() && !can_create {
                return None;
            }
            let edit = workspace_edit(
                store,
                ws,
                action.edits,
                action.create_files,
                support,
                encoding,
            )?;
            let diagnostics = action
                .fixes
                .map(|d| vec![super::server::lsp_diagnostic(ws, doc, d, encoding)]);
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: action.title,
                kind: Some(kind),
                diagnostics,
                edit: Some(edit),
                is_preferred: action.preferred.then_some(true),
                ..CodeAction::default()
            }))
        })
        .collect()
}

/// A workspace edit carrying the version of every open document it touches.
pub fn workspace_edit(
    store: &Store,
    ws: &Workspace,
    edits: Vec<rename::FileEdit>,
    create_files: Vec<(PathBuf, String)>,
    support: &ActionSupport,
    encoding: Encoding,
) -> Option<WorkspaceEdit> {
    let mut per_file = Vec::new();
    for file_edit in edits {
        let doc = ws.document(file_edit.file);
        let open = store.open.get(&doc.path);
        let uri = open
            .map(|o| o.uri.clone())
            .or_else(|| convert::uri_of(&doc.path))?;
        per_file.push((
            uri,
            open.map(|o| o.version),
            text_edits(doc, file_edit.edits, encoding),
        ));
    }
    if !support.document_changes {
        return Some(WorkspaceEdit {
            changes: Some(
                per_file
                    .into_iter()
                    .map(|(uri, _, edits)| (uri, edits))
                    .collect(),
            ),
            ..WorkspaceEdit::default()
        });
    }
    let mut operations = Vec::new();
    for (path, text) in create_files {
        let uri = convert::uri_of(&path)?;
        operations.push(DocumentChangeOperation::Op(ResourceOp::Create(
            CreateFile {
                uri: uri.clone(),
                options: Some(CreateFileOptions {
                    overwrite: Some(false),
                    ignore_if_exists: Some(true),
                }),
                annotation_id: None,
            },
        )));
        operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
            edits: vec![OneOf::Left(TextEdit::new(Range::default(), text))],
        }));
    }
    for (uri, version, edits) in per_file {
        operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
            edits: edits.into_iter().map(OneOf::Left).collect(),
        }));
    }
    Some(WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(operations)),
        ..WorkspaceEdit::default()
    })
}
