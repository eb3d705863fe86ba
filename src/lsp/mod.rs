//! The language server protocol edge. This is the only module that knows about `tower_lsp` and `lsp_types`.

mod capabilities;
pub mod convert;
mod documents;
mod server;
pub mod transport;

use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use futures::FutureExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::oneshot;
use tower_lsp::jsonrpc::{Error, Request, Response};
use tower_lsp::{LspService, Server as Transport};
use tower_service::Service;

pub use server::Server;

/// The request a client sends for the text extracted from a PDF (see [`convert::ExtractedTexts`]).
pub const SOURCE_TEXT: &str = "marginalia/sourceText";

/// How many requests run at once. tower-lsp's default of 4 lets a burst of slow requests starve the
/// notifications behind them; CPU work runs on the blocking pool anyway, so the async side can take many.
const MAX_CONCURRENT_REQUESTS: usize = 16;

/// Serves the language server protocol over `input` and `output` until the client sends `exit` or closes the
/// input, and returns the exit code the specification asks for: 0 when `shutdown` came first, 1 otherwise, and 1
/// when the input could not be read.
pub async fn serve(input: impl AsyncRead + Unpin, output: impl AsyncWrite + Unpin) -> i32 {
    let (service, socket) = LspService::build(Server::new).custom_method(SOURCE_TEXT, Server::source_text).finish();
    let (exit_sender, exit_received) = oneshot::channel();
    let shut_down = Arc::new(AtomicBool::new(false));
    let service = Guard { inner: service, exit: Some(exit_sender), shut_down: shut_down.clone() };
    let session = transport::run(input, output, |server_input, server_output| {
        Transport::new(server_input, server_output, socket).concurrency_level(MAX_CONCURRENT_REQUESTS).serve(service)
    });
    // tower-lsp only notices `exit` when the next message arrives; stop as soon as it is sent.
    let ended = tokio::select! {
        ended = session => ended,
        _ = exit_received => Ok(()),
    };
    match ended {
        Ok(()) if shut_down.load(Ordering::Relaxed) => 0,
        Ok(()) => {
            tracing::warn!("the client ended the session without `shutdown`");
            1
        }
        Err(error) => {
            tracing::error!("cannot read the client's messages: {error}");
            1
        }
    }
}

/// Stands between the transport and the server: normalises messages ([`without_null_params`]), notes `shutdown`
/// and `exit`, and contains panics: a handler that panics answers its request with an internal error (and a log
/// line naming the method) instead of taking the server down.
struct Guard<S> {
    inner: S,
    exit: Option<oneshot::Sender<()>>,
    shut_down: Arc<AtomicBool>,
}

type Answer<E> = Pin<Box<dyn Future<Output = Result<Option<Response>, E>> + Send>>;

impl<S> Service<Request> for Guard<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = Answer<S::Error>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let request = without_null_params(request);
        let method = request.method().to_string();
        let id = request.id().cloned();
        match method.as_str() {
            "shutdown" => self.shut_down.store(true, Ordering::Relaxed),
            "exit" => {
                if let Some(exit) = self.exit.take() {
                    let _ = exit.send(());
                }
            }
            _ => {}
        }
        let failed = move |panic: Box<dyn std::any::Any + Send>| {
            let what = panic_message(&panic);
            tracing::error!("`{method}` failed: {what}");
            id.map(|id| {
                let message = format!("internal error in `{method}`: {what}");
                Response::from_error(id, Error { message: message.into(), ..Error::internal_error() })
            })
        };
        match std::panic::catch_unwind(AssertUnwindSafe(|| self.inner.call(request))) {
            Ok(answer) => Box::pin(AssertUnwindSafe(answer).catch_unwind().map(|answered| match answered {
                Ok(answer) => answer,
                Err(panic) => Ok(failed(panic)),
            })),
            Err(panic) => Box::pin(std::future::ready(Ok(failed(panic)))),
        }
    }
}

/// The message a panic carried.
pub(crate) fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A service whose handlers panic, in the call or in the answer.
    struct Panicking;

    impl Service<Request> for Panicking {
        type Response = Option<Response>;
        type Error = ();
        type Future = Answer<()>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), ()>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, request: Request) -> Self::Future {
            if request.method() == "now" {
                panic!("broken at once");
            }
            Box::pin(async { panic!("broken later") })
        }
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_with_an_internal_error() {
        let (exit, _) = oneshot::channel();
        let mut guard = Guard { inner: Panicking, exit: Some(exit), shut_down: Arc::default() };
        for (method, message) in [("now", "broken at once"), ("later", "broken later")] {
            let request = Request::build(method).id(7).finish();
            let answer = guard.call(request).await.unwrap().expect("a response");
            let value = serde_json::to_value(&answer).unwrap();
            assert_eq!(value["id"], 7);
            assert_eq!(value["error"]["code"], -32603);
            assert_eq!(value["error"]["message"], format!("internal error in `{method}`: {message}"));
        }
        // A notification has no answer to give.
        assert!(guard.call(Request::build("later").finish()).await.unwrap().is_none());
    }
}
