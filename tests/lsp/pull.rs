//! Pulled diagnostics through the protocol, for a client that asks for them (VS Code): a note's when the client
//! wants them ("unchanged" when it has them), every note's that is not open, and the hints of articles no note
//! cites; the client is told to pull again once the index is ready, and is never sent what it pulls.

use serde_json::json;

use crate::support::{TestServer, url, workspace};

const HARBOUR: &str = "Dock workers walked out on Monday, the Port Authority said.\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_pulls_gets_each_note_the_closed_ones_and_unused_articles() {
    let dir = workspace(&[
        ("marginalia.toml", "unused-sources = true\n"),
        ("sources/harbour.txt", HARBOUR),
        ("sources/harvest.txt", "Grain harvest falls for a third year.\n"),
        ("notes/closed.md", "Closed: [@harbour, \"walked out on Tuesday\"].\n"),
    ]);
    let mut server = TestServer::start_pulling_diagnostics(dir.path()).await;
    let provider = &server.initialize_result["capabilities"]["diagnosticProvider"];
    assert_eq!(provider["workspaceDiagnostics"], true, "{provider}");
    assert_eq!(provider["interFileDependencies"], true);
    server.wait_until_indexed().await;
    // Once the index is ready, the client is asked to pull again.
    server.await_notification("workspace/diagnostic/refresh", |_| true).await;

    let note = url(&dir.path().join("notes/open.md"));
    server.open(&note, "Open: [@harbour, \"walked out on Sunday\"] and [@nowhere].\n").await;
    let pulled = server.request("textDocument/diagnostic", json!({ "textDocument": { "uri": note } })).await;
    assert_eq!(pulled["kind"], "full");
    let codes: Vec<&str> = pulled["items"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["quote-not-found", "unknown-source"]);
    let result_id = pulled["resultId"].as_str().unwrap().to_string();
    let again = server
        .request("textDocument/diagnostic", json!({ "textDocument": { "uri": note }, "previousResultId": result_id }))
        .await;
    assert_eq!(again["kind"], "unchanged", "same text, same index: {again}");

    // The workspace: the closed note (the open one is pulled by itself) and the article no note cites.
    let everything = server.request("workspace/diagnostic", json!({ "previousResultIds": [] })).await;
    let items = everything["items"].as_array().unwrap();
    let by_file = |name: &str| items.iter().find(|item| item["uri"].as_str().unwrap().ends_with(name)).cloned();
    let closed = by_file("notes/closed.md").expect("the closed note is reported");
    assert_eq!(closed["items"][0]["code"], "quote-not-found");
    assert!(by_file("notes/open.md").is_none(), "the open note is pulled by itself");
    let harvest = by_file("sources/harvest.txt").expect("the uncited article is reported");
    assert_eq!(harvest["items"][0]["code"], "unused-source");
    assert_eq!(harvest["items"][0]["severity"], 4, "a hint");
    assert!(by_file("sources/harbour.txt").is_none(), "a cited article is not");
    // Asked again with what it has, the client is told the closed note is unchanged.
    let known = json!([{ "uri": closed["uri"], "value": closed["resultId"] }]);
    let again = server.request("workspace/diagnostic", json!({ "previousResultIds": known })).await;
    let closed_again = again["items"].as_array().unwrap().iter().find(|item| item["uri"] == closed["uri"]).unwrap();
    assert_eq!(closed_again["kind"], "unchanged");

    // An open article pulls its own hint.
    let article = url(&dir.path().join("sources/harvest.txt"));
    server.open(&article, "Grain harvest falls for a third year.\n").await;
    let pulled = server.request("textDocument/diagnostic", json!({ "textDocument": { "uri": article } })).await;
    assert_eq!(pulled["items"][0]["message"], "no note cites `harvest`");
    // Nothing was sent for the note: the client pulls.
    let sent = server.queued().iter().any(|message| {
        message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == note.as_str()
    });
    assert!(!sent, "diagnostics were pushed to a client that pulls");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_only_pushes_gets_an_open_articles_hint_sent() {
    let dir = workspace(&[
        ("marginalia.toml", "unused-sources = true\n"),
        ("sources/harvest.txt", "Grain harvest falls for a third year.\n"),
    ]);
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    assert!(server.initialize_result["capabilities"]["diagnosticProvider"].is_null());
    server.wait_until_indexed().await;
    let article = url(&dir.path().join("sources/harvest.txt"));
    server.open(&article, "Grain harvest falls for a third year.\n").await;
    let hints = server.await_diagnostics(&article, |d| !d.is_empty()).await;
    assert_eq!(hints[0]["code"], "unused-source");
    assert_eq!(hints[0]["range"]["end"], json!({ "line": 0, "character": 37 }));
    server.shutdown().await;
}
