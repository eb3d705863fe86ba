//! The server against a client that sends what it should not: malformed frames and bodies, messages out of
//! order, parameters of the wrong shape, positions outside the text. It answers what the specification says it
//! must, and keeps serving every document.

use serde_json::{Value, json};

use super::support::{TestServer, url, workspace};

const ARTICLE: &str = "Dock workers walked out on Monday, the Port Authority said.\n\
\"We will not be moved,\" said union leader Ana Ruiz.\n";

/// A server on a one-article workspace, indexed, with `note` open at `notes/n.md`.
async fn serving(note: &str) -> (tempfile::TempDir, TestServer, String) {
    let dir = workspace(&[("sources/harbour.txt", ARTICLE), ("notes/n.md", note)]);
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    server.wait_until_indexed().await;
    let uri = url(&dir.path().join("notes/n.md"));
    server.open(&uri, note).await;
    server.await_diagnostics(&uri, |_| true).await;
    (dir, server, uri)
}

/// The server still answers: a hover on the open note shows the cited article.
async fn still_serves(server: &mut TestServer, uri: &str) {
    let hover = server
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 8 } }),
        )
        .await;
    assert!(hover["contents"]["value"].as_str().is_some_and(|v| v.contains("harbour.txt")), "{hover}");
}

fn error_code(error: &Value) -> (i64, Value) {
    (error["error"]["code"].as_i64().unwrap(), error["id"].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_is_not_a_message_gets_the_specified_error_and_the_server_goes_on() {
    let (_dir, mut server, uri) = serving("See [@harbour].\n").await;
    let cases: &[(&[u8], i64, Value)] = &[
        (b"{not json", -32700, json!(null)),
        (b"", -32700, json!(null)),
        (b"{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"\xff\xfe\"}", -32700, json!(null)),
        (br#"{"id":6,"method":"textDocument/hover"}"#, -32600, json!(6)),
        (br#"{"jsonrpc":"2.0","id":{"nested":true},"method":"shutdown"}"#, -32600, json!(null)),
        (br#"{"jsonrpc":"2.0","id":"seven"}"#, -32600, json!("seven")),
        (br#"[{"jsonrpc":"2.0","method":"initialized"}]"#, -32600, json!(null)),
        (b"null", -32600, json!(null)),
    ];
    for (body, code, id) in cases {
        server.send_body(body).await;
        let error = server.await_error().await;
        assert_eq!(error_code(&error), (*code, id.clone()), "{}: {error}", String::from_utf8_lossy(body));
        still_serves(&mut server, &uri).await;
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_header_is_answered_and_the_next_message_read() {
    let (_dir, mut server, uri) = serving("See [@harbour].\n").await;
    let broken: &[&[u8]] = &[
        b"Content-Length: twelve\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"initialized\"}",
        b"Content-Type: application/vscode-jsonrpc\r\n\r\n{}",
        b"Content-Length: 99999999999999999999\r\n\r\n{}",
        b"no colon here\r\n\r\n",
        &[b'x'; 20_000],
    ];
    for bytes in broken {
        server.send_raw(bytes).await;
        // A header line needs its end before it can be judged.
        server.send_raw(b"\r\n\r\n").await;
        let error = server.await_error().await;
        assert_eq!(error_code(&error), (-32700, json!(null)), "{error}");
        still_serves(&mut server, &uri).await;
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parameters_of_the_wrong_shape_are_refused_without_harm() {
    let (_dir, mut server, uri) = serving("See [@harbour].\n").await;
    for (method, params) in [
        ("textDocument/hover", json!("not an object")),
        ("textDocument/completion", json!({ "textDocument": 3 })),
        ("textDocument/definition", json!({ "position": { "line": -1, "character": 0 } })),
        ("textDocument/codeAction", json!([])),
        ("workspace/executeCommand", json!({ "command": "marginalia.findQuote", "arguments": [42] })),
        ("workspace/executeCommand", json!({ "command": "rm -rf", "arguments": [] })),
        ("no/such/method", json!({})),
    ] {
        let error = server.try_request(method, params.clone()).await.expect_err(method);
        assert!(error["code"].as_i64().is_some(), "{method} {params}: {error}");
        still_serves(&mut server, &uri).await;
    }
    // Notifications of the wrong shape or for documents never opened are dropped.
    for (method, params) in [
        ("textDocument/didOpen", json!({ "textDocument": "n.md" })),
        (
            "textDocument/didChange",
            json!({ "textDocument": { "uri": "file:///nowhere.md", "version": 2 }, "contentChanges": [{ "text": "x" }] }),
        ),
        ("textDocument/didSave", json!({ "textDocument": { "uri": "file:///nowhere.md" } })),
        ("textDocument/didClose", json!({ "textDocument": { "uri": "file:///nowhere.md" } })),
        ("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": "not a url", "type": 9 }] })),
        ("$/cancelRequest", json!({ "id": 123456 })),
        ("$/unknownNotification", json!(null)),
    ] {
        server.notify(method, params).await;
    }
    still_serves(&mut server, &uri).await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn positions_and_edits_outside_the_text_are_clamped() {
    let note = "See [@harbour].\n";
    let (_dir, mut server, uri) = serving(note).await;
    for (line, character) in [(0, 10_000), (500, 0), (u32::MAX, u32::MAX)] {
        let position = json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } });
        for method in
            ["textDocument/hover", "textDocument/completion", "textDocument/definition", "textDocument/references"]
        {
            let mut params = position.clone();
            if method == "textDocument/references" {
                params["context"] = json!({ "includeDeclaration": true });
            }
            server.request(method, params).await;
        }
    }
    // An edit whose range lies past the end, and one whose end comes before its start.
    let change = |version: i32, range: Value| json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "range": range, "text": "!" }] });
    server
        .notify(
            "textDocument/didChange",
            change(2, json!({ "start": { "line": 90, "character": 0 }, "end": { "line": 99, "character": 5 } })),
        )
        .await;
    server
        .notify(
            "textDocument/didChange",
            change(3, json!({ "start": { "line": 1, "character": 9 }, "end": { "line": 1, "character": 0 } })),
        )
        .await;
    still_serves(&mut server, &uri).await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_out_of_order_get_the_lifecycle_errors() {
    let dir = workspace(&[("sources/harbour.txt", ARTICLE)]);
    let mut server = TestServer::connect();
    // Before `initialize`: -32002 (server not initialized).
    let error = server.try_request("textDocument/hover", json!({})).await.unwrap_err();
    assert_eq!(error["code"], -32002, "{error}");
    let initialize =
        json!({ "capabilities": {}, "rootUri": url(dir.path()), "initializationOptions": { "indexCache": false } });
    server.request("initialize", initialize.clone()).await;
    let error = server.try_request("initialize", initialize).await.unwrap_err();
    assert!(error["code"].as_i64().is_some(), "a second initialize is refused: {error}");
    server.notify("initialized", json!({})).await;
    server.request("shutdown", Value::Null).await;
    // After `shutdown`: -32600 (invalid request).
    let error = server.try_request("textDocument/hover", json!({})).await.unwrap_err();
    assert_eq!(error["code"], -32600, "{error}");
    server.notify("exit", Value::Null).await;
}

/// Starts the built binary, sends `messages` framed, closes its input, and returns its exit code.
fn exit_code_after(messages: &[Value]) -> Option<i32> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = workspace(&[("sources/harbour.txt", ARTICLE)]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .arg("lsp")
        .env("MARGINALIA_CACHE_DIR", dir.path().join("cache"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let initialize = json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {}, "rootUri": url(dir.path()) } });
    for message in std::iter::once(&initialize).chain(messages) {
        let body = message.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    }
    drop(stdin);
    child.wait().unwrap().code()
}

#[test]
fn the_exit_code_says_whether_the_client_shut_the_server_down_first() {
    let shutdown = json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" });
    let exit = json!({ "jsonrpc": "2.0", "method": "exit" });
    assert_eq!(exit_code_after(&[shutdown.clone(), exit.clone()]), Some(0));
    assert_eq!(exit_code_after(&[exit]), Some(1), "exit without shutdown");
    assert_eq!(exit_code_after(&[]), Some(1), "the input closed without shutdown");
    assert_eq!(exit_code_after(&[shutdown]), Some(0), "the input closed after shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_note_of_one_long_line_gets_every_diagnostic_at_its_place() {
    let (_dir, mut server, uri) = serving("See [@harbour].\n").await;
    // 20,000 problems on one line of 40,000 characters, an emoji first so that UTF-16 columns differ from bytes.
    let text = format!("😀{}", "[[".repeat(20_000));
    server
        .notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": text }] }),
        )
        .await;
    let diagnostics = server.await_diagnostics(&uri, |d| d.len() == 20_000).await;
    let last = &diagnostics[19_999]["range"];
    assert_eq!((last["start"]["line"].as_u64(), last["start"]["character"].as_u64()), (Some(0), Some(2 + 39_998)));
    still_serves_after(&mut server, &uri, "See [@harbour].\n").await;
    server.shutdown().await;
}

/// Puts `text` back in the note and checks that the server still answers about it.
async fn still_serves_after(server: &mut TestServer, uri: &str, text: &str) {
    server
        .notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": 99 }, "contentChanges": [{ "text": text }] }),
        )
        .await;
    still_serves(server, uri).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_of_odd_files_is_indexed_and_served() {
    let dir = workspace(&[
        ("sources/harbour.txt", ARTICLE),
        ("sources/empty.txt", ""),
        ("sources/bom-only.txt", "\u{feff}"),
        ("sources/only-front-matter.md", "---\ntitle: Nothing\n---\n"),
        ("sources/unclosed-front-matter.md", "---\ntitle: x\nno end\n"),
        ("sources/one-long-line.txt", &"word ".repeat(100_000)),
        ("notes/empty.md", ""),
    ]);
    let root = dir.path();
    // A folder named like an article, an article that is not text, a link that goes round in a circle, a link to
    // nothing.
    std::fs::create_dir_all(root.join("sources/folder.txt")).unwrap();
    std::fs::write(root.join("sources/binary.txt"), [0u8, 159, 146, 150, 255, 0, 1]).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root.join("sources/loop"), root.join("sources/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("sources/missing.txt"), root.join("sources/dangling.txt")).unwrap();
        std::os::unix::fs::symlink(root.join("sources"), root.join("sources/cycle")).unwrap();
    }
    let mut server = TestServer::start(root, &["utf-16"]).await;
    let summary = server.wait_until_indexed().await;
    assert!(summary.starts_with("6 articles"), "{summary}");
    let uri = url(&root.join("notes/n.md"));
    let note = "See [@harbour] and [@empty, \"anything\"].\n";
    server.open(&uri, note).await;
    let diagnostics = server.await_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "quote-not-found");
    still_serves(&mut server, &uri).await;
    server.shutdown().await;
}
