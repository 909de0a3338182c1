//! `workspace/executeCommand`: the commands the server offers, for editors' own UI (the
//! preview) rather than for code actions or lenses.

use serde::Deserialize;
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{ExecuteCommandParams, Uri};

use super::Context;
use crate::lsp::capabilities::{COMMANDS, RENDER_COMMAND as RENDER};
use crate::lsp::convert;
use crate::render::{self, Format};

#[derive(Deserialize)]
struct RenderArgs {
    uri: Uri,
    /// `html` (the default), `markdown` or `json`.
    #[serde(default)]
    format: Option<String>,
}

pub async fn execute(cx: &Context, params: ExecuteCommandParams) -> Result<Option<Value>> {
    match params.command.as_str() {
        RENDER => render_command(cx, params.arguments).await.map(Some),
        other => Err(Error::invalid_params(format!(
            "newsmark: no command {other:?}; the server offers {}",
            COMMANDS.join(", ")
        ))),
    }
}

/// Renders a document the server knows, as `newsmark render` would, from the text the server
/// holds: an open buffer's unsaved edits included. Answers `{uri, format, version, text}`: `version` is the open document's version the text
/// was rendered from (`null` for a file read from disk), so a preview that asks again as the
/// user types can drop an answer older than one it already shows.
async fn render_command(cx: &Context, arguments: Vec<Value>) -> Result<Value> {
    let usage = "newsmark.render takes one argument, {\"uri\": …, \"format\": \"html\" | \"markdown\" | \"json\"}";
    let [argument] =
        <[Value; 1]>::try_from(arguments).map_err(|_| Error::invalid_params(usage.to_string()))?;
    let args: RenderArgs = serde_json::from_value(argument)
        .map_err(|e| Error::invalid_params(format!("{usage}: {e}")))?;
    let name = args.format.unwrap_or_else(|| "html".to_string());
    let format = Format::parse(&name).ok_or_else(|| {
        Error::invalid_params(format!(
            "newsmark.render: unknown format {name:?}; use html, markdown or json"
        ))
    })?;
    let uri = args.uri;
    cx.read(RENDER, Some(&uri.clone()), move |snap| {
        let Some((ws, file)) = snap.locate(&uri) else {
            return Err(Error::invalid_params(format!(
                "newsmark.render: {} is not a document the server knows (open it, or put it in a workspace folder)",
                uri.as_str()
            )));
        };
        let text = render::render(ws, file, format);
        let version = snap.version(&convert::path_of(&uri));
        Ok(json!({
            "uri": uri,
            "format": name,
            "version": version,
            "text": text,
        }))
    })
    .await
}
