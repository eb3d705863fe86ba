//! Symbols and links through the protocol: a note's outline, the workspace's symbols, and links from cited ids to
//! their articles.

use serde_json::json;

use crate::support::{TestServer, url, workspace};

const HARBOUR: &str = "Dock workers walked out.\nUnion leader Ana Ruiz said so. Ruiz was firm.\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outline_links_and_workspace_symbols() {
    let dir = workspace(&[("sources/harbour.txt", HARBOUR), ("notes/closed.md", "# Harbour diary\n\nNothing yet.\n")]);
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    server.wait_until_indexed().await;
    let uri = url(&dir.path().join("notes/open.md"));
    server.open(&uri, "# Week 18\n\n[[Ruiz]] said [@harbour, \"walked out\"].\n\n## Later\n\nMore.\n").await;

    let symbols = server.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri } })).await;
    assert_eq!(symbols[0]["name"], "Week 18");
    let children: Vec<&str> =
        symbols[0]["children"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(children, ["Ana Ruiz", "@harbour", "Later"]);
    assert_eq!(symbols[0]["range"]["end"]["line"], 7, "the section runs to the end");

    let links = server.request("textDocument/documentLink", json!({ "textDocument": { "uri": uri } })).await;
    assert_eq!(links[0]["target"], url(&dir.path().join("sources/harbour.txt")));
    assert_eq!(
        links[0]["range"],
        json!({ "start": { "line": 2, "character": 16 }, "end": { "line": 2, "character": 23 } })
    );

    let found = server.request("workspace/symbol", json!({ "query": "harb" })).await;
    let names: Vec<&str> = found.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["harbour", "Harbour diary"], "the article, then the heading of a note on disk");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_is_told_to_ask_for_semantic_tokens_again_when_an_article_arrives() {
    let dir = workspace(&[("sources/harbour.txt", HARBOUR)]);
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    server.wait_until_indexed().await;
    server.await_notification("workspace/semanticTokens/refresh", |_| true).await;
    let uri = url(&dir.path().join("note.md"));
    server.open(&uri, "[@strike]\n").await;
    let modifiers = |tokens: &serde_json::Value| tokens["data"][4].as_u64().unwrap();
    let tokens = server.request("textDocument/semanticTokens/full", json!({ "textDocument": { "uri": uri } })).await;
    assert_eq!(modifiers(&tokens), 1, "an id no article has is unresolved: {tokens}");

    let strike = dir.path().join("sources/strike.txt");
    std::fs::write(&strike, "Dock workers walked out.\n").unwrap();
    server.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": url(&strike), "type": 1 }] })).await;
    server.await_notification("workspace/semanticTokens/refresh", |_| true).await;
    let tokens = server.request("textDocument/semanticTokens/full", json!({ "textDocument": { "uri": uri } })).await;
    assert_eq!(modifiers(&tokens), 0, "the id is known now: {tokens}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn semantic_tokens_and_titles_after_opaque_ids() {
    let dir = workspace(&[
        ("sources/a7f3c2e19b.txt", "---\ntitle: Dockers walk out\n---\nDock workers walked out.\n"),
        ("sources/harbour.txt", HARBOUR),
    ]);
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    let legend = &server.initialize_result["capabilities"]["semanticTokensProvider"]["legend"];
    assert_eq!(legend["tokenTypes"], json!(["variable", "string", "class"]));
    assert_eq!(legend["tokenModifiers"], json!(["unresolved"]));
    server.wait_until_indexed().await;
    let uri = url(&dir.path().join("note.md"));
    server.open(&uri, "[@a7f3c2e19b, \"walked\nout\"] [@nope] [[Ruiz]]\n").await;

    let tokens = server.request("textDocument/semanticTokens/full", json!({ "textDocument": { "uri": uri } })).await;
    // (delta line, delta start, length, type, modifiers) per token; the quote over two lines is two tokens.
    let data: Vec<u64> = tokens["data"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).collect();
    assert_eq!(data, [0, 2, 10, 0, 0, 0, 12, 7, 1, 0, 1, 0, 4, 1, 0, 0, 8, 4, 0, 1, 0, 8, 4, 2, 0], "{data:?}");

    let range = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 2, "character": 0 } });
    let hints =
        server.request("textDocument/inlayHint", json!({ "textDocument": { "uri": uri }, "range": range })).await;
    assert_eq!(hints[0]["label"], "Dockers walk out");
    assert_eq!(hints[0]["position"], json!({ "line": 0, "character": 12 }));
    assert_eq!(hints.as_array().unwrap().len(), 1);
    server.shutdown().await;
}
