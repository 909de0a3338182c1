//! The protocol edge, in one place: LSP positions, ranges and URIs to byte offsets and
//! paths, and every result of the protocol-neutral library (`features`, `diagnostics`) to its
//! LSP type. Positions out of range are clamped, never a panic. Depends on nothing else in
//! `lsp`; nothing here locks or awaits.

use std::path::{Path, PathBuf};

use ropey::Rope;
use serde_json::json;
use tower_lsp_server::ls_types::*;

use crate::features::{
    code_actions, code_lens, completion, document_links, folding, formatting, hover, inlay_hints,
    navigation, rename, selection, semantic_tokens, symbols,
};
use crate::rules::{self, Severity};
use crate::syntax::{Encoding, LineCol, TextRange};
use crate::workspace::{Document, FileId, Workspace};

/// The URI and version of a document the editor holds open (`None` for one it does not):
/// edits name the version they were computed for.
pub type OpenVersion<'a> = &'a dyn Fn(&Path) -> Option<(Uri, i32)>;

pub fn offset(doc: &Document, position: Position, encoding: Encoding) -> usize {
    let pos = LineCol {
        line: position.line,
        col: position.character,
    };
    doc.line_index.offset(&doc.text, pos, encoding)
}

pub fn position(doc: &Document, offset: usize, encoding: Encoding) -> Position {
    let p = doc.line_index.position(&doc.text, offset, encoding);
    Position::new(p.line, p.col)
}

pub fn range(doc: &Document, range: TextRange, encoding: Encoding) -> Range {
    Range::new(
        position(doc, range.start, encoding),
        position(doc, range.end, encoding),
    )
}

/// The byte range of an LSP range, each end clamped as [`offset`] does.
pub fn text_range(doc: &Document, range: Range, encoding: Encoding) -> TextRange {
    TextRange::new(
        offset(doc, range.start, encoding),
        offset(doc, range.end, encoding),
    )
}

/// The char index in `rope` of an LSP position: lines past the end clamp to the end of the
/// text, columns past the end of a line to the end of that line (before its break), and a
/// column inside a character to that character's start.
pub fn rope_char(rope: &Rope, position: Position, encoding: Encoding) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let start = rope.line_to_char(line);
    let slice = rope.line(line);
    let mut chars = slice.len_chars();
    // Leave the line break out: `\n`, `\r\n` or `\r`.
    if chars > 0 && slice.char(chars - 1) == '\n' {
        chars -= 1;
    }
    if chars > 0 && slice.char(chars - 1) == '\r' {
        chars -= 1;
    }
    let content = slice.slice(..chars);
    let col = position.character as usize;
    let in_line = match encoding {
        Encoding::Utf8 => content.byte_to_char(col.min(content.len_bytes())),
        Encoding::Utf16 => content.utf16_cu_to_char(col.min(content.len_utf16_cu())),
        Encoding::Utf32 => col.min(chars),
    };
    start + in_line
}

/// The path a `file:` URI names; other schemes get a stable path of their own so unsaved
/// buffers still work (they just never match a file on disk).
pub fn path_of(uri: &Uri) -> PathBuf {
    // Only `file:`: the conversion would take `untitled:Untitled-1` for a relative path,
    // which then found its workspace from the server's working directory.
    if uri.as_str().starts_with("file:")
        && let Some(path) = uri.to_file_path()
    {
        return path.into_owned();
    }
    Path::new(UNSAVED).join(uri.as_str())
}

/// Where [`path_of`] puts documents that are not files (`untitled:` buffers).
const UNSAVED: &str = "/nonexistent-newsmark-buffer";

/// Whether `path` is that of a document that is not a file (see [`path_of`]).
pub fn is_unsaved(path: &Path) -> bool {
    path.starts_with(UNSAVED)
}

pub fn uri_of(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

pub fn diagnostics(ws: &Workspace, file: FileId, encoding: Encoding) -> Vec<Diagnostic> {
    let doc = ws.document(file);
    crate::baseline::check(ws, file)
        .into_iter()
        .map(|d| diagnostic(ws, doc, d, encoding))
        .collect()
}

pub fn diagnostic(
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
                location: Location::new(uri_of(&other.path)?, range(other, r.range, encoding)),
                message: r.message.clone(),
            })
        })
        .collect();
    Diagnostic {
        range: range(doc, d.range, encoding),
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
        // Clients fade text that could go (an unused source definition).
        tags: d
            .rule
            .def()
            .unnecessary
            .then(|| vec![DiagnosticTag::UNNECESSARY]),
        ..Diagnostic::default()
    }
}

/// Links each diagnostic to its rule's section of the documentation at `base`
/// (`base#rule-anchor`), so that editors show the rule id as a link.
pub fn describe(diagnostics: &mut [Diagnostic], base: Option<&str>) {
    let Some(base) = base else {
        return;
    };
    // Parsed once per rule, not once per diagnostic: a finding-dense article has thousands.
    let links: Vec<(&str, Option<Uri>)> = rules::Rule::all()
        .map(|rule| {
            let href = format!("{base}#{}", rule.def().docs_anchor).parse::<Uri>();
            (rule.id(), href.ok())
        })
        .collect();
    for d in diagnostics {
        let Some(NumberOrString::String(code)) = &d.code else {
            continue;
        };
        if let Some((_, Some(href))) = links.iter().find(|(id, _)| id == code) {
            d.code_description = Some(CodeDescription { href: href.clone() });
        }
    }
}

/// A broken `newsmark.toml` as a diagnostic on that file.
pub fn config_diagnostic(e: &crate::config::ConfigError) -> Diagnostic {
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
}

pub fn hover(doc: &Document, h: hover::Hover, encoding: Encoding) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: h.markdown,
        }),
        range: Some(range(doc, h.range, encoding)),
    }
}

pub fn completion_list(
    doc: &Document,
    list: completion::CompletionList,
    encoding: Encoding,
) -> CompletionList {
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
            insert_text: item.insert_text,
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                range(doc, item.replace, encoding),
                item.new_text,
            ))),
            additional_text_edits: (!item.additional_edits.is_empty()).then(|| {
                item.additional_edits
                    .into_iter()
                    .map(|(r, text)| TextEdit::new(range(doc, r, encoding), text))
                    .collect()
            }),
            ..CompletionItem::default()
        })
        .collect();
    CompletionList {
        is_incomplete: list.is_incomplete,
        items,
    }
}

pub fn locations(
    ws: &Workspace,
    found: Vec<navigation::Location>,
    encoding: Encoding,
) -> Vec<Location> {
    found
        .into_iter()
        .filter_map(|l| {
            let doc = ws.document(l.file);
            Some(Location::new(
                uri_of(&doc.path)?,
                range(doc, l.range, encoding),
            ))
        })
        .collect()
}

pub fn highlights(
    doc: &Document,
    found: Vec<(TextRange, navigation::HighlightKind)>,
    encoding: Encoding,
) -> Vec<DocumentHighlight> {
    found
        .into_iter()
        .map(|(r, kind)| DocumentHighlight {
            range: range(doc, r, encoding),
            kind: Some(match kind {
                navigation::HighlightKind::Read => DocumentHighlightKind::READ,
                navigation::HighlightKind::Write => DocumentHighlightKind::WRITE,
            }),
        })
        .collect()
}

pub fn symbol_kind(kind: symbols::SymbolKind) -> SymbolKind {
    match kind {
        symbols::SymbolKind::Document => SymbolKind::FILE,
        symbols::SymbolKind::Section => SymbolKind::NAMESPACE,
        symbols::SymbolKind::Entity => SymbolKind::OBJECT,
        symbols::SymbolKind::Source => SymbolKind::CONSTANT,
        symbols::SymbolKind::Claim => SymbolKind::STRING,
    }
}

pub fn document_symbol(
    doc: &Document,
    symbol: symbols::Symbol,
    encoding: Encoding,
) -> DocumentSymbol {
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
        range: range(doc, symbol.range, encoding),
        selection_range: range(doc, symbol.selection_range, encoding),
        children: Some(
            symbol
                .children
                .into_iter()
                .map(|c| document_symbol(doc, c, encoding))
                .collect(),
        ),
    }
}

pub fn workspace_symbol(
    doc: &Document,
    symbol: symbols::Symbol,
    encoding: Encoding,
) -> Option<WorkspaceSymbol> {
    Some(WorkspaceSymbol {
        name: symbol.name,
        kind: symbol_kind(symbol.kind),
        tags: None,
        container_name: symbol.detail,
        location: OneOf::Left(Location::new(
            uri_of(&doc.path)?,
            range(doc, symbol.selection_range, encoding),
        )),
        data: None,
    })
}

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
        .map(|e| TextEdit::new(range(doc, e.range, encoding), e.new_text))
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
        .map(|p| offset(doc, *p, encoding))
        .collect();
    selection::selection_ranges(ws, file, &offsets)
        .into_iter()
        .map(|chain| {
            // Innermost first: fold from the outside in.
            let mut parent: Option<Box<SelectionRange>> = None;
            for r in chain.into_iter().rev() {
                parent = Some(Box::new(SelectionRange {
                    range: range(doc, r, encoding),
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
            range: range(doc, l.range, encoding),
            target: l.target.parse().ok(),
            tooltip: Some(l.target),
            data: None,
        })
        .collect()
}

/// The lenses of a document, unresolved: a registry's lenses would carry every mention of
/// each of its entities (tens of thousands of locations, megabytes of JSON, a quarter of a
/// second to make and read), so each lens is resolved when the editor shows it.
pub fn lenses(ws: &Workspace, file: FileId, uri: &Uri, encoding: Encoding) -> Vec<CodeLens> {
    let doc = ws.document(file);
    code_lens::lenses(ws, file)
        .into_iter()
        .map(|lens| CodeLens {
            range: range(doc, lens.range, encoding),
            command: None,
            data: Some(json!({"uri": uri, "offset": lens.references_at})),
        })
        .collect()
}

/// Where a lens or an inlay hint was found, as [`lenses`] and [`hints`] leave it in the
/// item's `data` for its resolve request.
pub fn origin(data: Option<&serde_json::Value>) -> Option<(Uri, usize)> {
    let data = data?;
    let uri: Uri = serde_json::from_value(data.get("uri")?.clone()).ok()?;
    let offset = data.get("offset")?.as_u64()?;
    Some((uri, offset as usize))
}

/// The command of the lens at `offset` of `file`: its title and what it counts.
pub fn lens_command(
    ws: &Workspace,
    file: FileId,
    uri: &Uri,
    offset: usize,
    encoding: Encoding,
) -> Option<Command> {
    let doc = ws.document(file);
    let lens = code_lens::lenses(ws, file)
        .into_iter()
        .find(|lens| lens.references_at == offset)?;
    let at = position(doc, lens.references_at, encoding);
    let locations = locations(
        ws,
        navigation::references(ws, file, lens.references_at, false),
        encoding,
    );
    // VS Code runs this command natively; other clients show the count and can map the
    // command to their references view.
    Some(Command {
        title: lens.title,
        command: "editor.action.showReferences".to_string(),
        arguments: Some(vec![json!(uri), json!(at), json!(locations)]),
    })
}

pub fn hints(
    ws: &Workspace,
    file: FileId,
    uri: &Uri,
    range: Range,
    options: &inlay_hints::HintOptions,
    encoding: Encoding,
) -> Vec<InlayHint> {
    let doc = ws.document(file);
    let range = text_range(doc, range, encoding);
    inlay_hints::hints_with(ws, file, range, options)
        .into_iter()
        .map(|h| InlayHint {
            position: position(doc, h.position, encoding),
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

pub fn hint_tooltip(card: String) -> InlayHintTooltip {
    InlayHintTooltip::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value: card,
    })
}

pub struct ActionSupport {
    pub document_changes: bool,
    pub create_files: bool,
}

#[allow(clippy::too_many_arguments)]
pub fn actions(
    open: OpenVersion<'_>,
    ws: &Workspace,
    file: FileId,
    range: Range,
    context: &[Diagnostic],
    only: Option<&[CodeActionKind]>,
    support: &ActionSupport,
    encoding: Encoding,
) -> Vec<CodeActionOrCommand> {
    let doc = ws.document(file);
    let range = text_range(doc, range, encoding);
    // The client's copies of our own diagnostics: by rule id and range.
    let asked: Vec<code_actions::Asked> = context
        .iter()
        .filter(|d| d.source.as_deref().is_none_or(|s| s == "newsmark"))
        .filter_map(|d| match &d.code {
            Some(NumberOrString::String(rule)) => Some(code_actions::Asked {
                rule: rule.clone(),
                range: text_range(doc, d.range, encoding),
            }),
            _ => None,
        })
        .collect();
    code_actions::actions_for(ws, file, range, &asked)
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
                open,
                ws,
                action.edits,
                action.create_files,
                support,
                encoding,
            )?;
            let diagnostics = action.fixes.map(|d| vec![diagnostic(ws, doc, d, encoding)]);
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
    open: OpenVersion<'_>,
    ws: &Workspace,
    edits: Vec<rename::FileEdit>,
    create_files: Vec<(PathBuf, String)>,
    support: &ActionSupport,
    encoding: Encoding,
) -> Option<WorkspaceEdit> {
    let mut per_file = Vec::new();
    for file_edit in edits {
        let doc = ws.document(file_edit.file);
        let open = open(&doc.path);
        let version = open.as_ref().map(|(_, v)| *v);
        let uri = open.map(|(uri, _)| uri).or_else(|| uri_of(&doc.path))?;
        per_file.push((uri, version, text_edits(doc, file_edit.edits, encoding)));
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
        let uri = uri_of(&path)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rope_positions_clamp_and_respect_encodings() {
        let rope = Rope::from_str("a😀b\r\nxy\rz");
        let at = |line, col, enc| rope_char(&rope, Position::new(line, col), enc);
        assert_eq!(at(0, 3, Encoding::Utf16), 2); // after the surrogate pair: at `b`
        assert_eq!(at(0, 2, Encoding::Utf16), 1); // inside the pair: the emoji's start
        assert_eq!(at(0, 5, Encoding::Utf8), 2); // 1 + 4 bytes: at `b`
        assert_eq!(at(0, 99, Encoding::Utf16), 3); // end of line, before `\r\n`
        assert_eq!(at(1, 9, Encoding::Utf32), 7); // `\r` alone ends a line too
        assert_eq!(at(2, 0, Encoding::Utf16), 8);
        assert_eq!(at(40, 0, Encoding::Utf16), rope.len_chars());
    }
}
