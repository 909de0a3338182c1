//! IDE features over the workspace, one module each. They take byte offsets and return
//! protocol-neutral results; only `lsp` turns them into LSP types.

pub(crate) mod attribution_info;
pub mod code_actions;
pub mod code_lens;
pub mod completion;
pub mod diagnostics;
pub mod document_links;
pub mod folding;
pub mod formatting;
pub mod hover;
pub mod inlay_hints;
pub mod navigation;
pub mod rename;
pub mod selection;
pub mod semantic_tokens;
pub mod symbols;
pub mod target;
