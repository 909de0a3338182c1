//! The server's log: to stderr (stdout is the protocol stream), through `tracing`, at the
//! level `NEWSMARK_LOG` names (`debug`, `info`, `warn`, `error`, `off`; `warn` by default).
//! What a user should see goes to the client's log as well (`window/logMessage`), from the
//! handlers.

use tracing::level_filters::LevelFilter;

pub const ENV: &str = "NEWSMARK_LOG";

/// The level `value` names; `None` for anything else (the default is then used, and said).
pub fn parse_level(value: &str) -> Option<LevelFilter> {
    Some(match value.trim().to_ascii_lowercase().as_str() {
        "trace" => LevelFilter::TRACE,
        "debug" => LevelFilter::DEBUG,
        "info" => LevelFilter::INFO,
        "warn" | "warning" => LevelFilter::WARN,
        "error" => LevelFilter::ERROR,
        "off" | "none" => LevelFilter::OFF,
        _ => return None,
    })
}

/// Installs the stderr log for the process (once; later calls, as from tests that start
/// several servers, keep the first).
pub fn init() {
    let value = std::env::var(ENV).ok();
    let level = value.as_deref().map(parse_level);
    let filter = level.flatten().unwrap_or(LevelFilter::WARN);
    let installed = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(filter)
        .with_target(false)
        .with_ansi(false)
        .try_init()
        .is_ok();
    if installed && let (Some(value), Some(None)) = (&value, level) {
        tracing::warn!(
            "{ENV}={value:?} is not a level (debug, info, warn, error, off); using warn"
        );
    }
}

/// What a panic said, for the log.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_and_anything_else_is_refused() {
        assert_eq!(parse_level("debug"), Some(LevelFilter::DEBUG));
        assert_eq!(parse_level(" WARN "), Some(LevelFilter::WARN));
        assert_eq!(parse_level("off"), Some(LevelFilter::OFF));
        assert_eq!(parse_level("loud"), None);
    }
}
