//! IDE features over the workspace, one module each. They take byte offsets and return
//! protocol-neutral results; only `lsp` turns them into LSP types.

pub mod target;
