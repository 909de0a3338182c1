//! newsmark: checks annotated news articles (`.news` files).
//!
//! Layers, from the bottom: [`syntax`] (an error-tolerant parser over byte ranges), [`prose`]
//! (sentences, numbers, quotations), [`workspace`] (documents and the entity index),
//! [`rules`] (the rule registry), [`baseline`] (findings recorded to be left unreported),
//! and the front ends: [`cli`].

pub mod baseline;
pub mod cli;
pub mod config;
pub mod features;
pub mod lsp;
pub mod prose;
pub mod render;
pub mod rules;
pub mod syntax;
pub mod workspace;
