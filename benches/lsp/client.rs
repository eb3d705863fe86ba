//! A neutral LSP client for the benchmark: it starts the built `marginalia` binary, speaks JSON-RPC with
//! `Content-Length` framing over the child's standard input and output, answers the server's own requests
//! (progress tokens, registrations), and timestamps every message as it arrives.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long one wait may take before the benchmark gives up.
const TIMEOUT: Duration = Duration::from_secs(600);

/// A `marginalia lsp` process and the client end of its pipes.
pub struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<(Instant, Value)>,
    /// Notifications received and not yet looked for, with their arrival times.
    pending: VecDeque<(Instant, Value)>,
    next_id: i64,
    /// When the process was started.
    pub started: Instant,
}

impl Client {
    /// Starts the server on `root`, saving its index in `cache`, and sends `initialize` and `initialized`.
    pub fn start(binary: &Path, root: &Path, cache: &Path) -> Client {
        Client::start_with(binary, root, cache, false)
    }

    /// Like [`Client::start`], for a client that pulls diagnostics (as VS Code does) when `pulls`.
    pub fn start_with(binary: &Path, root: &Path, cache: &Path, pulls: bool) -> Client {
        let started = Instant::now();
        let mut child = Command::new(binary)
            .arg("lsp")
            .env("MARGINALIA_CACHE_DIR", cache)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the marginalia binary starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::with_capacity(1 << 20, stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send((Instant::now(), message)).is_err() {
                    return;
                }
            }
        });
        let mut client = Client { child, stdin, messages, pending: VecDeque::new(), next_id: 1, started };
        let root_uri = url(root);
        client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{ "uri": root_uri, "name": "bench" }],
                "capabilities": {
                    "general": { "positionEncodings": ["utf-16"] },
                    "window": { "workDoneProgress": true },
                    // What VS Code declares: documentation may wait for `completionItem/resolve`.
                    "textDocument": {
                        "completion": { "completionItem": {
                            "snippetSupport": false,
                            "resolveSupport": { "properties": ["documentation", "detail", "additionalTextEdits"] }
                        } },
                        "diagnostic": if pulls { json!({ "dynamicRegistration": false }) } else { Value::Null }
                    }
                },
                "initializationOptions": { "pullDiagnostics": pulls }
            }),
        );
        client.notify("initialized", json!({}));
        client
    }

    /// Sends a request and waits for its result; returns it with the time from sending to the answer.
    pub fn request(&mut self, method: &str, params: Value) -> (Value, Duration) {
        let id = self.send_request(method, params);
        self.await_response(id)
    }

    /// Sends a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// Waits for the answer to request `id`; returns it with the time since the request was sent.
    pub fn await_response(&mut self, id: i64) -> (Value, Duration) {
        let sent = Instant::now();
        match self.await_answer(id) {
            (Ok(result), at) => (result, at - sent),
            (Err(error), _) => panic!("request {id} failed: {error}"),
        }
    }

    /// Waits for the answer to request `id`: its result or its error, and when it arrived.
    pub fn await_answer(&mut self, id: i64) -> (Result<Value, Value>, Instant) {
        if let Some(i) = self.pending.iter().position(|(_, m)| is_answer(m, id)) {
            let (at, message) = self.pending.remove(i).unwrap();
            return (answer(&message), at);
        }
        loop {
            let (at, message) = self.receive();
            if is_answer(&message, id) {
                return (answer(&message), at);
            }
            self.pending.push_back((at, message));
        }
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Waits for a notification of `method` whose params satisfy `matches`; returns its params and arrival time.
    pub fn await_notification(&mut self, method: &str, matches: impl Fn(&Value) -> bool) -> (Value, Instant) {
        if let Some(i) = self.pending.iter().position(|(_, m)| m["method"] == method && matches(&m["params"])) {
            let (at, message) = self.pending.remove(i).unwrap();
            return (message["params"].clone(), at);
        }
        loop {
            let (at, message) = self.receive();
            if message["method"] == method && matches(&message["params"]) {
                return (message["params"].clone(), at);
            }
            self.pending.push_back((at, message));
        }
    }

    /// Forgets the notifications received so far.
    pub fn clear_pending(&mut self) {
        self.pending.clear();
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Shuts the server down and waits for the process to exit.
    pub fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let _ = self.child.wait();
    }

    fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    /// The next message; the server's requests are answered on the way.
    fn receive(&mut self) -> (Instant, Value) {
        let (at, message) = match self.messages.recv_timeout(TIMEOUT) {
            Ok(received) => received,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server within {TIMEOUT:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        };
        if let (Some(id), Some(_)) = (message.get("id"), message.get("method")) {
            let answer = json!({ "jsonrpc": "2.0", "id": id.clone(), "result": null });
            self.send(&answer);
        }
        (at, message)
    }
}

fn is_answer(message: &Value, id: i64) -> bool {
    message.get("id") == Some(&json!(id)) && message.get("method").is_none()
}

fn answer(message: &Value) -> Result<Value, Value> {
    match message.get("error") {
        Some(error) => Err(error.clone()),
        None => Ok(message["result"].clone()),
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The `file://` URL of a path.
pub fn url(path: &Path) -> String {
    tower_lsp::lsp_types::Url::from_file_path(path).unwrap().to_string()
}
