//! `newsmark lsp`: the language server. The only module that knows LSP; everything it serves
//! comes from the protocol-neutral library (`rules`, `features`).
//!
//! Modules, from the top; each uses only modules below it (no cycle):
//!
//! - `server`: the `LanguageServer` impl; every method delegates to a handler.
//! - `handlers/*`: one file per concern (sync, navigation, symbols, tokens, editing,
//!   diagnostics, commands, lifecycle, debug); edits applied in order, reads on snapshots.
//! - `disk`: changes on disk, from the client's watchers and the server's own.
//! - `indexing`: reading folders in the background; watchers; `newsmark.toml` reports.
//! - `workers`: the diagnostics and refresh workers.
//! - `background`: the lower-priority thread the diagnostics worker computes on.
//! - `context`: the client and the shared state; read requests on snapshots, panics
//!   contained.
//! - `state`: what handlers and workers share (the store behind its lock, work queues,
//!   the token cache, settings).
//! - `store`: the mutable state and its edits; `read_folder`, `folder_index`.
//! - `snapshot`: an immutable view for one request.
//! - `folder`: a workspace folder and its configuration.
//! - `capabilities`: what the server offers, what the client can do.
//! - `convert`: every conversion to and from protocol types.
//! - `transport`: framing, concurrency and panic containment; generic over the server.
//! - `logging`: the stderr log (`NEWSMARK_LOG`), panic messages.

mod background;
mod capabilities;
mod context;
mod convert;
mod disk;
mod folder;
mod handlers;
mod indexing;
mod logging;
mod server;
mod snapshot;
mod state;
mod store;
mod transport;
mod workers;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::LspService;

pub use server::Backend;

/// How a session is served.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Registers deliberate failures for tests (`newsmark/debugPanic`, and a document whose
    /// text holds `newsmark-debug-panic` makes its check panic). Never advertised.
    pub test_hooks: bool,
    /// Holds back the reading of each folder this long: tests see the server while a
    /// folder is being indexed, however fast the machine reads it.
    pub index_delay: std::time::Duration,
}

impl Options {
    /// `NEWSMARK_TEST_HOOKS=1` turns the test hooks on.
    pub fn from_env() -> Options {
        Options {
            test_hooks: std::env::var("NEWSMARK_TEST_HOOKS").is_ok_and(|v| v == "1"),
            index_delay: std::time::Duration::ZERO,
        }
    }
}

/// Serves one LSP session over the given streams until the client exits or the input ends.
/// Returns whether the client asked for `shutdown` first (the protocol's clean ending).
pub async fn serve<I, O>(input: I, output: O) -> bool
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    serve_with(input, output, Options::from_env()).await
}

/// [`serve`] with explicit options.
pub async fn serve_with<I, O>(input: I, output: O, options: Options) -> bool
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    logging::init();
    let shut_down = Arc::new(AtomicBool::new(false));
    let flag = shut_down.clone();
    let test_hooks = options.test_hooks;
    let mut builder = LspService::build(move |client| Backend::new(client, flag, options));
    if test_hooks {
        builder = builder.custom_method(handlers::debug::PANIC_METHOD, Backend::debug_panic);
    }
    let (service, socket) = builder.finish();
    transport::serve(input, output, service, socket).await;
    shut_down.load(Ordering::SeqCst)
}

/// Serves over stdin and stdout. The exit status is 0 after `shutdown` then `exit`, and 1 when
/// the session ended without `shutdown`, as the protocol asks.
pub fn run_stdio() -> std::process::ExitCode {
    limit_malloc_arenas();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("newsmark lsp: cannot start the async runtime: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let clean = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // Background work (indexing, the diagnostics worker) must not keep the process alive.
    runtime.shutdown_background();
    if clean {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::from(1)
    }
}

/// glibc gives each thread that allocates its own heap ("arena"), up to 8 per core, and keeps
/// what was freed in each. The server's work moves between the tokio workers, the blocking
/// pool and rayon's threads, so a long session held on to every thread's high-water mark: a
/// 100,000-operation soak over 10,000 articles grew from 339 MiB after indexing to 780 MiB.
/// Two arenas keep it at 470 MiB, flat, at no measurable cost in speed (docs/reliability.md).
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets an allocator parameter; it is called before any other
    // thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
