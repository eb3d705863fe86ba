//! A test client that speaks real JSON-RPC to the server: `Content-Length` framing over in-memory pipes,
//! requests with ids, notifications, and answers to the server's own requests (progress, registration).

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf};

/// How long any single wait may take before the test fails.
const TIMEOUT: Duration = Duration::from_secs(20);

/// A language server running in this process, and the client end of its pipes.
pub struct TestServer {
    writer: WriteHalf<DuplexStream>,
    reader: BufReader<ReadHalf<DuplexStream>>,
    next_id: i64,
    notifications: VecDeque<Value>,
    /// The result of `initialize`.
    pub initialize_result: Value,
    /// Leave `window/workDoneProgress/create` unanswered, as a broken client would.
    pub ignore_progress_requests: bool,
}

impl TestServer {
    /// Starts a server on `root`, offering `encodings` (e.g. `["utf-16"]`), and completes the handshake.
    pub async fn start(root: &Path, encodings: &[&str]) -> TestServer {
        TestServer::start_with_options(root, encodings, Value::Null).await
    }

    /// Like [`TestServer::start`], with `initializationOptions`.
    pub async fn start_with_options(root: &Path, encodings: &[&str], options: Value) -> TestServer {
        TestServer::start_with(root, encodings, options, json!({ "snippetSupport": false })).await
    }

    /// Like [`TestServer::start_with_options`], with the client's `completionItem` capabilities.
    /// The index is not saved unless `options` ask for it, so that tests leave nothing in the user's cache.
    pub async fn start_with(root: &Path, encodings: &[&str], options: Value, completion_item: Value) -> TestServer {
        let text_document = json!({ "completion": { "completionItem": completion_item } });
        TestServer::start_with_text_document(root, encodings, options, text_document).await
    }

    /// A server on `root` for a client that pulls diagnostics (as VS Code does), in UTF-16.
    pub async fn start_pulling_diagnostics(root: &Path) -> TestServer {
        let text_document = json!({ "diagnostic": { "dynamicRegistration": false, "relatedDocumentSupport": false } });
        let options = json!({ "pullDiagnostics": true });
        TestServer::start_with_text_document(root, &["utf-16"], options, text_document).await
    }

    /// Like [`TestServer::start_with_options`], with the client's `textDocument` capabilities.
    async fn start_with_text_document(
        root: &Path,
        encodings: &[&str],
        options: Value,
        text_document: Value,
    ) -> TestServer {
        let mut options = if options.is_null() { json!({}) } else { options };
        if options.get("indexCache").is_none() {
            options["indexCache"] = json!(false);
        }
        let mut test_server = TestServer::connect();
        let root_uri = url(root);
        test_server.initialize_result = test_server
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": root_uri,
                    "initializationOptions": options,
                    "workspaceFolders": [{ "uri": root_uri, "name": "test" }],
                    "capabilities": {
                        "general": { "positionEncodings": encodings },
                        "window": { "workDoneProgress": true },
                        "workspace": {
                            "didChangeWatchedFiles": { "dynamicRegistration": true },
                            "semanticTokens": { "refreshSupport": true },
                            "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create", "rename", "delete"] }
                        },
                        "textDocument": text_document
                    }
                }),
            )
            .await;
        test_server.notify("initialized", json!({})).await;
        test_server
    }

    /// A server in this process that has been sent nothing yet.
    pub fn connect() -> TestServer {
        let (client, server) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server);
        tokio::spawn(marginalia::lsp::serve(server_read, server_write));
        let (client_read, client_write) = tokio::io::split(client);
        TestServer {
            writer: client_write,
            reader: BufReader::new(client_read),
            next_id: 1,
            notifications: VecDeque::new(),
            initialize_result: Value::Null,
            ignore_progress_requests: false,
        }
    }

    /// Waits until the server reports that indexing ended, and returns the final progress message.
    pub async fn wait_until_indexed(&mut self) -> String {
        let end = self.await_notification("$/progress", |params| params["value"]["kind"] == "end").await;
        end["value"]["message"].as_str().unwrap_or_default().to_string()
    }

    /// Sends a request and returns its result; fails the test on an error response.
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        match self.try_request(method, params).await {
            Ok(result) => result,
            Err(error) => panic!("{method} failed: {error}"),
        }
    }

    /// Sends a request and returns its result, or the error it was answered with.
    pub async fn try_request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({ "jsonrpc": "2.0", "id": id, "method": method });
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(message).await;
        self.answer_to(json!(id)).await
    }

    /// Waits for the response with `id`: its result, or its error.
    pub async fn answer_to(&mut self, id: Value) -> Result<Value, Value> {
        loop {
            let message = self.receive().await;
            if message.get("id") == Some(&id) && message.get("method").is_none() {
                return match message.get("error") {
                    Some(error) => Err(error.clone()),
                    None => Ok(message["result"].clone()),
                };
            }
            self.handle(message).await;
        }
    }

    /// Writes bytes to the server as they are, framing and all.
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    /// Sends `body` in a frame of its own, whatever it holds.
    pub async fn send_body(&mut self, body: &[u8]) {
        let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        framed.extend_from_slice(body);
        self.send_raw(&framed).await;
    }

    /// Waits for the next response that is an error (to a message that had no usable id, say) and returns it.
    pub async fn await_error(&mut self) -> Value {
        loop {
            let message = self.receive().await;
            if message.get("error").is_some() && message.get("method").is_none() {
                return message;
            }
            self.handle(message).await;
        }
    }

    /// Sends a notification.
    pub async fn notify(&mut self, method: &str, params: Value) {
        let mut message = json!({ "jsonrpc": "2.0", "method": method });
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(message).await;
    }

    /// Waits for a notification of `method` whose params satisfy `matches`; earlier ones stay queued.
    pub async fn await_notification(&mut self, method: &str, matches: impl Fn(&Value) -> bool) -> Value {
        if let Some(index) = self.notifications.iter().position(|n| n["method"] == method && matches(&n["params"])) {
            return self.notifications.remove(index).unwrap()["params"].clone();
        }
        loop {
            let message = self.receive().await;
            self.answer_if_request(&message).await;
            if message["method"] == method && matches(&message["params"]) {
                return message["params"].clone();
            }
            self.notifications.push_back(message);
        }
    }

    /// Waits for the diagnostics of `uri` that satisfy `matches`.
    pub async fn await_diagnostics(&mut self, uri: &str, matches: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let params = self
            .await_notification("textDocument/publishDiagnostics", |params| {
                params["uri"] == uri && matches(params["diagnostics"].as_array().map_or(&[], |v| v.as_slice()))
            })
            .await;
        params["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    /// Opens a document with `text`.
    pub async fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": text } }),
        )
        .await;
    }

    /// The notifications received but not yet awaited, for checking that something did not happen.
    pub fn queued(&self) -> &VecDeque<Value> {
        &self.notifications
    }

    /// Shuts the server down politely and checks that it answered.
    pub async fn shutdown(mut self) {
        let result = self.request("shutdown", Value::Null).await;
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null).await;
    }

    async fn handle(&mut self, message: Value) {
        self.answer_if_request(&message).await;
        self.notifications.push_back(message);
    }

    /// Accepts what the server asks of the client: progress tokens and registrations.
    async fn answer_if_request(&mut self, message: &Value) {
        if self.ignore_progress_requests && message["method"] == "window/workDoneProgress/create" {
            return;
        }
        if let (Some(id), Some(_)) = (message.get("id"), message.get("method")) {
            let id = id.clone();
            self.send(json!({ "jsonrpc": "2.0", "id": id, "result": null })).await;
        }
    }

    async fn send(&mut self, message: Value) {
        let body = serde_json::to_string(&message).unwrap();
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.writer.write_all(framed.as_bytes()).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    async fn receive(&mut self) -> Value {
        tokio::time::timeout(TIMEOUT, read_message(&mut self.reader)).await.unwrap_or_else(|_| {
            panic!("no message from the server within {TIMEOUT:?}; queued: {:#?}", self.notifications)
        })
    }
}

async fn read_message(reader: &mut BufReader<ReadHalf<DuplexStream>>) -> Value {
    let mut length = None;
    loop {
        let mut line = String::new();
        let read = reader.read_line(&mut line).await.unwrap();
        assert!(read > 0, "the server closed the stream");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = Some(value.parse::<usize>().unwrap());
        }
    }
    let mut body = vec![0; length.expect("a Content-Length header")];
    reader.read_exact(&mut body).await.unwrap();
    serde_json::from_slice(&body).unwrap()
}

/// The `file://` URL of a path.
pub fn url(path: &Path) -> String {
    tower_lsp::lsp_types::Url::from_file_path(path).unwrap().to_string()
}

/// A temporary workspace with the given files.
pub fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// The shared sample corpus, or `None` (with the reason printed) when it is not beside this checkout.
/// In CI (`CI=true`) a missing corpus fails the test instead.
pub fn shared_corpus() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if path.is_dir() {
        return Some(path);
    }
    let reason = format!("the sample corpus is not at {}", path.display());
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{reason}, and CI=true requires it");
    }
    eprintln!("skipped: {reason}");
    None
}

/// A temporary workspace with the shared corpus as `sources/` and the given notes.
pub fn corpus_workspace(notes: &[(&str, &str)]) -> Option<tempfile::TempDir> {
    let corpus = shared_corpus()?;
    let dir = workspace(notes);
    let sources = dir.path().join("sources");
    std::fs::create_dir_all(&sources).unwrap();
    for entry in std::fs::read_dir(corpus).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), sources.join(entry.file_name())).unwrap();
    }
    Some(dir)
}

/// The zero-based line and UTF-16 column of byte `offset` in `text`, computed independently of the server.
pub fn utf16_position(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].encode_utf16().count() as u32;
    (line, column)
}

/// The byte offset of a zero-based line and UTF-16 column, computed independently of the server.
pub fn utf16_offset(text: &str, line: u32, column: u32) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line as usize).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[line_start..].char_indices() {
        if units >= column as usize || c == '\n' {
            return line_start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// Applies LSP text edits (UTF-16 positions) to `text`, last edit first.
pub fn apply_edits(text: &str, edits: &[Value]) -> String {
    let mut resolved: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|edit| {
            let at = |p: &Value| {
                utf16_offset(text, p["line"].as_u64().unwrap() as u32, p["character"].as_u64().unwrap() as u32)
            };
            (at(&edit["range"]["start"]), at(&edit["range"]["end"]), edit["newText"].as_str().unwrap().to_string())
        })
        .collect();
    resolved.sort_by_key(|(start, _, _)| std::cmp::Reverse(*start));
    let mut result = text.to_string();
    for (start, end, new_text) in resolved {
        result.replace_range(start..end, &new_text);
    }
    result
}

/// A server on a workspace written from a fixture: the files of the fixture (`//- path` headers, see
/// `marginalia::fixture`) are written, the server starts in the encoding given and indexes, and the file with the
/// `$0` cursor is opened. Dropping it closes the server's input, which ends the server, and removes the workspace.
pub struct FixtureSession {
    /// The server.
    pub server: TestServer,
    /// The workspace.
    pub dir: tempfile::TempDir,
    /// The URL of the note with the cursor, open in the server.
    pub uri: String,
    /// The cursor, as an LSP position in the session's encoding.
    pub cursor: Value,
    /// The text of the note with the cursor, as opened (without `$0`).
    pub text: String,
    /// The negotiated encoding.
    encoding: String,
}

impl FixtureSession {
    /// Writes `fixture`, starts the server with `encoding` (`utf-8`, `utf-16` or `utf-32`), waits for the index
    /// and opens the note with the cursor.
    pub async fn open(fixture: &str, encoding: &str) -> FixtureSession {
        let parsed = marginalia::fixture::Fixture::parse(fixture);
        let files: Vec<(&str, &str)> = parsed.files.iter().map(|f| (f.path.as_str(), f.text.as_str())).collect();
        let dir = workspace(&files);
        let mut server = TestServer::start(dir.path(), &[encoding]).await;
        server.wait_until_indexed().await;
        let main = parsed.main_file();
        let uri = url(&dir.path().join(&main.path));
        server.open(&uri, &main.text).await;
        let (line, character) = position_in(&main.text, usize::from(parsed.cursor_offset()), encoding);
        let cursor = json!({ "line": line, "character": character });
        FixtureSession { server, dir, uri, cursor, text: main.text.clone(), encoding: encoding.to_string() }
    }

    /// The LSP position of the first `needle` in the note with the cursor, in the session's encoding: a second
    /// place to ask about, named by its words rather than counted by hand.
    pub fn position_of(&self, needle: &str) -> Value {
        let offset = self.text.find(needle).unwrap_or_else(|| panic!("`{needle}` is not in the note"));
        let (line, character) = position_in(&self.text, offset, &self.encoding);
        json!({ "line": line, "character": character })
    }

    /// What `range` (an LSP range in the note with the cursor) covers of its text.
    pub fn covered(&self, range: &Value) -> String {
        let offset = |p: &Value| {
            offset_in(
                &self.text,
                p["line"].as_u64().unwrap() as u32,
                p["character"].as_u64().unwrap() as u32,
                &self.encoding,
            )
        };
        self.text[offset(&range["start"])..offset(&range["end"])].to_string()
    }

    /// `{ textDocument, position }` at the cursor, with `extra` fields added.
    pub fn at_cursor(&self, extra: Value) -> Value {
        let mut params = json!({ "textDocument": { "uri": self.uri }, "position": self.cursor });
        if let (Some(params), Value::Object(extra)) = (params.as_object_mut(), extra) {
            params.extend(extra);
        }
        params
    }
}

/// The zero-based line and column of byte `offset` in `text`, the column counted in `encoding`, computed
/// independently of the server.
pub fn position_in(text: &str, offset: usize, encoding: &str) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32;
    let in_line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let column = match encoding {
        "utf-8" => in_line.len(),
        "utf-32" => in_line.chars().count(),
        _ => in_line.encode_utf16().count(),
    };
    (line, column as u32)
}

/// The byte offset of the zero-based `line` and `column` of `text`, the column counted in `encoding`: the inverse of
/// [`position_in`], computed independently of the server.
pub fn offset_in(text: &str, line: u32, column: u32, encoding: &str) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line as usize).map(str::len).sum();
    let mut counted = 0;
    for (at, c) in text[line_start..].char_indices() {
        if counted >= column as usize || c == '\n' {
            return line_start + at;
        }
        counted += match encoding {
            "utf-8" => c.len_utf8(),
            "utf-32" => 1,
            _ => c.len_utf16(),
        };
    }
    text.len()
}

/// The built `marginalia lsp` over real pipes, spoken to one message at a time (no queue, no answers).
pub struct StdioServer {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl StdioServer {
    /// Starts the binary with its saved index in `cache`.
    pub fn start(cache: &Path) -> StdioServer {
        use std::process::{Command, Stdio};
        let mut child = Command::new(env!("CARGO_BIN_EXE_marginalia"))
            .arg("lsp")
            .env("MARGINALIA_CACHE_DIR", cache)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        StdioServer { child, stdin, stdout }
    }

    /// Writes one framed message.
    pub fn send(&mut self, message: Value) {
        use std::io::Write;
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Reads the next message.
    pub fn receive(&mut self) -> Value {
        use std::io::{BufRead, Read};
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.stdout.read_line(&mut line).unwrap();
            if line.trim().is_empty() {
                break;
            }
            if let Some(value) = line.trim().strip_prefix("Content-Length: ") {
                length = value.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    /// Reads messages until one satisfies `matches`, and returns it.
    pub fn receive_until(&mut self, matches: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self.receive();
            if matches(&message) {
                return message;
            }
        }
    }

    /// Sends `shutdown` (with `"params": null`, as some clients do) and `exit`, and waits for the process.
    pub fn shutdown(mut self) -> std::process::ExitStatus {
        self.send(json!({ "jsonrpc": "2.0", "id": "shutdown", "method": "shutdown", "params": null }));
        let answer = self.receive_until(|message| message["id"] == "shutdown");
        assert_eq!(answer.get("error"), None, "{answer}");
        self.send(json!({ "jsonrpc": "2.0", "method": "exit" }));
        self.child.wait().unwrap()
    }
}
