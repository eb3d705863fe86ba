//! The language server protocol edge. This is the only module that knows about `tower_lsp` and `lsp_types`.

mod capabilities;
pub mod convert;
mod documents;
mod server;

use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::oneshot;
use tower_lsp::jsonrpc::Request;
use tower_lsp::{LspService, Server as Transport};
use tower_service::Service;

pub use server::Server;

/// How many requests run at once. tower-lsp's default of 4 lets a burst of slow requests starve the
/// notifications behind them; CPU work runs on the blocking pool anyway, so the async side can take many.
const MAX_CONCURRENT_REQUESTS: usize = 16;

/// Serves the language server protocol over `input` and `output` until the client sends `exit`
/// or closes the input.
pub async fn serve(input: impl AsyncRead + Unpin, output: impl AsyncWrite) {
    let (service, socket) = LspService::build(Server::new).finish();
    let (exit_sender, exit_received) = oneshot::channel();
    let service = ExitSignal { inner: service, exit: Some(exit_sender) };
    let transport = Transport::new(input, output, socket).concurrency_level(MAX_CONCURRENT_REQUESTS).serve(service);
    // tower-lsp only notices `exit` when the next message arrives; stop as soon as it is sent.
    tokio::select! {
        () = transport => {}
        _ = exit_received => {}
    }
}

/// Passes every message on (normalised by [`without_null_params`]), and signals when the client sends `exit`.
struct ExitSignal<S> {
    inner: S,
    exit: Option<oneshot::Sender<()>>,
}

impl<S: Service<Request>> Service<Request> for ExitSignal<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let request = without_null_params(request);
        if request.method() == "exit"
            && let Some(exit) = self.exit.take()
        {
            let _ = exit.send(());
        }
        self.inner.call(request)
    }
}

/// `shutdown` and `exit` take no parameters, and some clients (eglot) send `"params": null` for them,
/// which tower-lsp rejects; drop the null so that those clients can shut the server down.
fn without_null_params(request: Request) -> Request {
    if request.params().is_some_and(serde_json::Value::is_null) {
        let (method, id, _) = request.into_parts();
        let builder = Request::build(method);
        return match id {
            Some(id) => builder.id(id).finish(),
            None => builder.finish(),
        };
    }
    request
}
