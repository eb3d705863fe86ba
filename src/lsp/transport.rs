//! The wire, in front of tower-lsp: reads `Content-Length` frames from the client, answers those that are not
//! JSON-RPC messages with the error the specification gives, and passes only valid messages on.
//!
//! tower-lsp's own reader stops for good at the first frame it cannot decode (its framed stream ends after an
//! error), which would end the server on one bad message. Here every frame is checked with the same types tower-lsp
//! decodes into: a body that is not JSON gets `-32700` (parse error), JSON that is not a request, notification or
//! response gets `-32600` (invalid request), both with `"id": null` when no id can be read, and the server keeps
//! serving. A header block without a usable `Content-Length` cannot say where its body ends: the reader answers
//! `-32700` and resynchronises at the next `Content-Length` header. Only a failure to read the input ends it.
//!
//! Both directions go through pipes: tower-lsp reads the checked frames from one and writes its own frames into
//! the other; its frames and the error answers made here go through one queue to one writer, so that two frames
//! never interleave.

use std::io;

use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tower_lsp::jsonrpc::{Error, ErrorCode, Id, Request, Response};

/// The largest message body read; a larger `Content-Length` is treated as a broken header.
pub const MAX_MESSAGE_BYTES: usize = 1 << 30;
/// The longest header line read; longer ones are treated as garbage and skipped.
const MAX_HEADER_LINE: usize = 8 * 1024;
/// The size of each pipe between this layer and tower-lsp.
const PIPE_BYTES: usize = 1 << 16;
/// Frames waiting for the client to read them, at most; past this the server waits (a client that does not read
/// its input must not make the server's memory grow).
const OUTGOING_FRAMES: usize = 64;

/// One frame read from the wire.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A body, as many bytes as its `Content-Length` said.
    Body(Vec<u8>),
    /// A header block that says nothing usable about its body; the reader skipped to the next header.
    BrokenHeader(String),
}

/// Reads `Content-Length` frames, resynchronising after broken headers.
pub struct FrameReader<R> {
    input: R,
    buffer: Vec<u8>,
    start: usize,
    eof: bool,
    /// After a broken header: skip to the next `Content-Length` before reading headers.
    resync: bool,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    /// A reader of the frames of `input`.
    pub fn new(input: R) -> FrameReader<R> {
        FrameReader { input, buffer: Vec::with_capacity(PIPE_BYTES), start: 0, eof: false, resync: false }
    }

    fn available(&self) -> &[u8] {
        &self.buffer[self.start..]
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        if self.start == self.buffer.len() {
            self.buffer.clear();
            self.start = 0;
        }
    }

    /// Reads more input into the buffer; false at the end of the input.
    async fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 && self.start * 2 >= self.buffer.len() {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        let len = self.buffer.len();
        self.buffer.resize(len + PIPE_BYTES, 0);
        let read = self.input.read(&mut self.buffer[len..]).await;
        let read = match read {
            Ok(read) => read,
            Err(error) => {
                self.buffer.truncate(len);
                return Err(error);
            }
        };
        self.buffer.truncate(len + read);
        self.eof = read == 0;
        Ok(read > 0)
    }

    /// The next line without its terminator; `None` at the end of the input. A line longer than
    /// [`MAX_HEADER_LINE`] is read and dropped, and comes back as `Some(None)`.
    async fn line(&mut self) -> io::Result<Option<Option<Vec<u8>>>> {
        let mut too_long = false;
        loop {
            if let Some(at) = memchr::memchr(b'\n', self.available()) {
                let line = self.available()[..at].strip_suffix(b"\r").unwrap_or(&self.available()[..at]).to_vec();
                self.consume(at + 1);
                return Ok(Some((!too_long).then_some(line)));
            }
            if self.available().len() > MAX_HEADER_LINE {
                too_long = true;
                let len = self.available().len();
                self.consume(len);
            }
            if !self.fill().await? {
                return Ok(None);
            }
        }
    }

    /// Skips input up to the next `Content-Length` (in any case); false at the end of the input.
    async fn skip_to_header(&mut self) -> io::Result<bool> {
        const NEEDLE: &[u8] = b"content-length";
        loop {
            let lowered = self.available().to_ascii_lowercase();
            if let Some(at) = memchr::memmem::find(&lowered, NEEDLE) {
                self.consume(at);
                return Ok(true);
            }
            // Keep a tail that may be the start of the needle.
            let keep = NEEDLE.len() - 1;
            let drop = self.available().len().saturating_sub(keep);
            self.consume(drop);
            if !self.fill().await? {
                return Ok(false);
            }
        }
    }

    /// The next frame; `None` at the end of the input.
    pub async fn next(&mut self) -> io::Result<Option<Frame>> {
        if std::mem::take(&mut self.resync) && !self.skip_to_header().await? {
            return Ok(None);
        }
        let mut content_length: Option<Result<usize, String>> = None;
        let mut problem: Option<String> = None;
        let mut seen_header = false;
        loop {
            let Some(line) = self.line().await? else {
                return Ok(None);
            };
            let Some(line) = line else {
                problem.get_or_insert_with(|| format!("a header line longer than {MAX_HEADER_LINE} bytes"));
                seen_header = true;
                continue;
            };
            if line.is_empty() {
                if seen_header {
                    break;
                }
                // Blank lines between frames are tolerated.
                continue;
            }
            seen_header = true;
            let Some(colon) = memchr::memchr(b':', &line) else {
                problem.get_or_insert_with(|| format!("a header line without `:`: {}", String::from_utf8_lossy(&line)));
                continue;
            };
            let (name, value) = (&line[..colon], &line[colon + 1..]);
            if name.trim_ascii().eq_ignore_ascii_case(b"content-length") {
                let value = String::from_utf8_lossy(value).trim().to_string();
                content_length = Some(match value.parse::<usize>() {
                    Ok(length) if length <= MAX_MESSAGE_BYTES => Ok(length),
                    Ok(length) => Err(format!("a Content-Length of {length} bytes, over the limit")),
                    Err(_) => Err(format!("an invalid Content-Length `{value}`")),
                });
            }
        }
        let length = match (content_length, problem) {
            (Some(Ok(length)), None) => length,
            (Some(Err(problem)), _) | (_, Some(problem)) => {
                self.resync = true;
                return Ok(Some(Frame::BrokenHeader(problem)));
            }
            (None, None) => {
                self.resync = true;
                return Ok(Some(Frame::BrokenHeader("no Content-Length header".to_string())));
            }
        };
        let mut body = Vec::with_capacity(length.min(PIPE_BYTES * 16));
        while body.len() < length {
            if self.available().is_empty() && !self.fill().await? {
                return Ok(None);
            }
            let take = self.available().len().min(length - body.len());
            body.extend_from_slice(&self.available()[..take]);
            self.consume(take);
        }
        Ok(Some(Frame::Body(body)))
    }
}

/// The messages tower-lsp decodes, in the order it tries them.
#[derive(Deserialize)]
#[serde(untagged)]
enum Message {
    #[allow(dead_code)]
    Response(Response),
    Request(Request),
}

/// What to do with a frame's body: pass it on, or answer it with an error.
#[derive(Debug, PartialEq)]
pub enum Checked {
    /// A valid message for tower-lsp.
    Valid,
    /// Not a message: the error response to send back.
    Invalid(Response),
}

/// Checks a body as tower-lsp would decode it, and as the specification asks of a request: a method name, and an
/// id that is a number, a string or absent.
pub fn check(body: &[u8]) -> Checked {
    // The common case first: one parse of a valid message.
    let reason = match serde_json::from_slice::<Message>(body) {
        Ok(Message::Request(request)) if request.method().is_empty() => "a request needs a method name",
        Ok(_) => return Checked::Valid,
        Err(_) => "not a JSON-RPC 2.0 request, notification or response",
    };
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => {
            return invalid(
                Id::Null,
                Error { message: format!("Parse error: {error}").into(), ..Error::parse_error() },
            );
        }
    };
    let reason = if value.is_object() { reason } else { "a message is a JSON object (batches are not supported)" };
    let id = match value.get("id") {
        Some(serde_json::Value::Number(number)) => number.as_i64().map_or(Id::Null, Id::Number),
        Some(serde_json::Value::String(string)) => Id::String(string.clone()),
        _ => Id::Null,
    };
    invalid(id, Error { message: format!("Invalid request: {reason}").into(), ..Error::invalid_request() })
}

fn invalid(id: Id, error: Error) -> Checked {
    Checked::Invalid(Response::from_error(id, error))
}

/// Writes one frame.
async fn write_frame(output: &mut (impl AsyncWrite + Unpin), body: &[u8]) -> io::Result<()> {
    output.write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes()).await?;
    output.write_all(body).await?;
    output.flush().await
}

/// Runs `serve` (tower-lsp's transport over the two pipes it is given: checked input, and output) between `input`
/// and `output` until the input ends or `serve` returns. An error reading the input is returned.
pub async fn run<I, O, S, F>(input: I, output: O, serve: S) -> io::Result<()>
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
    S: FnOnce(tokio::io::DuplexStream, tokio::io::DuplexStream) -> F,
    F: std::future::Future<Output = ()>,
{
    let (mut to_server, server_input) = tokio::io::duplex(PIPE_BYTES);
    let (server_output, from_server) = tokio::io::duplex(PIPE_BYTES);
    let (errors, mut outgoing) = mpsc::channel::<Vec<u8>>(OUTGOING_FRAMES);
    // The server's frames go into the same queue as the error answers, so that one writer sends whole frames.
    let server_frames = errors.clone();

    let read = async move {
        let mut frames = FrameReader::new(input);
        let result = loop {
            let frame = match frames.next().await {
                Ok(Some(frame)) => frame,
                Ok(None) => break Ok(()),
                Err(error) => break Err(error),
            };
            let answer = match frame {
                Frame::Body(body) => match check(&body) {
                    Checked::Valid => {
                        if write_frame(&mut to_server, &body).await.is_err() {
                            // The server has stopped reading: it is shutting down.
                            break Ok(());
                        }
                        continue;
                    }
                    Checked::Invalid(response) => response,
                },
                Frame::BrokenHeader(problem) => {
                    let error = Error { message: format!("Parse error: {problem}").into(), ..Error::parse_error() };
                    Response::from_error(Id::Null, error)
                }
            };
            tracing::error!("malformed message from the client: {}", error_text(&answer));
            let _ = errors.send(serde_json::to_vec(&answer).unwrap_or_default()).await;
        };
        // Closing the pipe ends tower-lsp's reader as the end of the input would.
        drop(to_server);
        result
    };

    let relay = async move {
        let mut frames = FrameReader::new(from_server);
        while let Ok(Some(Frame::Body(body))) = frames.next().await {
            if server_frames.send(body).await.is_err() {
                break;
            }
        }
    };

    let write = async move {
        let mut output = output;
        while let Some(body) = outgoing.recv().await {
            if write_frame(&mut output, &body).await.is_err() {
                break;
            }
        }
    };

    let serve = serve(server_input, server_output);
    let (read_result, (), (), ()) = tokio::join!(read, relay, write, serve);
    read_result
}

fn error_text(response: &Response) -> String {
    match response.clone().into_parts() {
        (_, Err(error)) if error.code == ErrorCode::ParseError || error.code == ErrorCode::InvalidRequest => {
            error.message.into_owned()
        }
        (_, _) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frames(input: &[u8]) -> Vec<Frame> {
        let mut reader = FrameReader::new(input);
        let mut frames = Vec::new();
        while let Some(frame) = reader.next().await.unwrap() {
            frames.push(frame);
        }
        frames
    }

    fn body(text: &str) -> Frame {
        Frame::Body(text.as_bytes().to_vec())
    }

    #[tokio::test]
    async fn frames_are_read_by_their_content_length() {
        let input = b"Content-Length: 2\r\n\r\n{}Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 3\r\n\r\n[1]";
        assert_eq!(frames(input).await, vec![body("{}"), body("[1]")]);
        // Header names in any case, `\n` alone as a line end, and blank lines between frames.
        assert_eq!(
            frames(b"content-length:2\n\n{}\r\n\r\nCONTENT-LENGTH: 1\r\n\r\n1").await,
            vec![body("{}"), body("1")]
        );
    }

    #[tokio::test]
    async fn a_broken_header_is_reported_and_the_next_frame_read() {
        let input = b"Content-Length: abc\r\n\r\n{\"jsonrpc\":\"2.0\"}Content-Length: 2\r\n\r\n{}";
        let read = frames(input).await;
        assert!(matches!(&read[0], Frame::BrokenHeader(problem) if problem.contains("`abc`")), "{read:?}");
        assert_eq!(read[1..], [body("{}")]);
        let read = frames(b"Garbage line\r\n\r\nmore garbage\nContent-Length: 2\r\n\r\n{}").await;
        assert!(matches!(&read[0], Frame::BrokenHeader(problem) if problem.contains("without `:`")), "{read:?}");
        assert_eq!(read[1..], [body("{}")]);
        let read = frames(b"X-Other: 1\r\n\r\n{}").await;
        assert_eq!(read, [Frame::BrokenHeader("no Content-Length header".to_string())]);
        let huge = format!("Content-Length: {}\r\n\r\nContent-Length: 2\r\n\r\n{{}}", MAX_MESSAGE_BYTES + 1);
        let read = frames(huge.as_bytes()).await;
        assert!(matches!(&read[0], Frame::BrokenHeader(problem) if problem.contains("over the limit")), "{read:?}");
        assert_eq!(read[1..], [body("{}")]);
    }

    #[tokio::test]
    async fn a_frame_cut_by_the_end_of_the_input_is_dropped() {
        assert_eq!(frames(b"Content-Length: 10\r\n\r\n{}").await, vec![]);
        assert_eq!(frames(b"Content-Len").await, vec![]);
    }

    fn code(checked: Checked) -> Option<(i64, serde_json::Value)> {
        match checked {
            Checked::Valid => None,
            Checked::Invalid(response) => {
                let value = serde_json::to_value(&response).unwrap();
                Some((value["error"]["code"].as_i64().unwrap(), value["id"].clone()))
            }
        }
    }

    #[test]
    fn bodies_are_checked_as_the_specification_asks() {
        use serde_json::json;
        let checked = |body: &str| code(check(body.as_bytes()));
        assert_eq!(checked(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#), None);
        assert_eq!(checked(r#"{"jsonrpc":"2.0","method":"initialized"}"#), None);
        assert_eq!(checked(r#"{"jsonrpc":"2.0","id":"a","result":null}"#), None);
        assert_eq!(checked(r#"{"jsonrpc":"2.0","id":2,"error":{"code":-1,"message":"no"}}"#), None);
        assert_eq!(checked("{"), Some((-32700, json!(null))));
        assert_eq!(checked(""), Some((-32700, json!(null))));
        assert_eq!(code(check(b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\"}")), Some((-32700, json!(null))));
        assert_eq!(checked(r#"{"id":3,"method":"shutdown"}"#), Some((-32600, json!(3))));
        assert_eq!(checked(r#"{"jsonrpc":"1.0","id":"x","method":"shutdown"}"#), Some((-32600, json!("x"))));
        assert_eq!(checked(r#"{"jsonrpc":"2.0","id":{"a":1},"method":"shutdown"}"#), Some((-32600, json!(null))));
        assert_eq!(checked(r#"{"jsonrpc":"2.0","id":4}"#), Some((-32600, json!(4))));
        assert_eq!(checked(r#"[{"jsonrpc":"2.0","method":"initialized"}]"#), Some((-32600, json!(null))));
        assert_eq!(checked("42"), Some((-32600, json!(null))));
    }
}
