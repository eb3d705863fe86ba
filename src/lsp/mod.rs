//! The language server protocol edge. This is the only module that knows about `tower_lsp` and `lsp_types`.

mod capabilities;
pub mod convert;
mod documents;
mod server;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp::{LspService, Server as Transport};

pub use server::Server;

/// How many requests run at once. tower-lsp's default of 4 lets a burst of slow requests starve the
/// notifications behind them; CPU work runs on the blocking pool anyway, so the async side can take many.
const MAX_CONCURRENT_REQUESTS: usize = 16;

/// Serves the language server protocol over `input` and `output` until the client exits.
pub async fn serve(input: impl AsyncRead + Unpin, output: impl AsyncWrite) {
    let (service, socket) = LspService::build(Server::new).finish();
    Transport::new(input, output, socket)
        .concurrency_level(MAX_CONCURRENT_REQUESTS)
        .serve(service)
        .await;
}
