//! IDE features over the workspace, one module each. They take byte offsets and return
//! protocol-neutral results; only `lsp` turns them into LSP types.

pub(crate) mod attribution_info;
pub mod completion;
pub mod hover;
pub mod navigation;
pub mod rename;
pub mod symbols;
pub mod target;
