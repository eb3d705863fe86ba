//! Bibliographies in the editor: entries cited, hovered and jumped to, quotes of entries without an article said
//! to be unchecked, broken entries shown in the bibliography file, and files read again when they change or when a
//! note's front matter names a new one.

use serde_json::{Value, json};

use crate::support::{TestServer, url, workspace};

const HARBOUR: &str = "Dock workers walked out on Monday.\nThe strike would last until Friday, the union said.\n";

const LIBRARY: &str = r#"[
  {"id": "lind2024", "type": "article-newspaper", "title": "Harbour strike", "author": [{"family": "Lind", "given": "Tomas"}], "file": "sources/harbour.txt"},
  {"id": "okafor2021", "type": "book", "title": "Ports in transition", "author": [{"family": "Okafor", "given": "Ada"}]}
]
"#;

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics.iter().map(|d| d["code"].as_str().unwrap_or("")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_are_checked_hovered_and_jumped_to_and_read_again_when_they_change() {
    let dir = workspace(&[
        ("marginalia.toml", "bibliography = \"refs.json\"\n"),
        ("refs.json", LIBRARY),
        ("sources/harbour.txt", HARBOUR),
    ]);
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    server.wait_until_indexed().await;
    let uri = url(&dir.path().join("note.md"));
    let note = "[@lind2024, p. 2, \"would last until Friday\"] [@okafor2021, \"ports change\"] [@poe2020]\n";
    server.open(&uri, note).await;
    let diagnostics = server.await_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(codes(&diagnostics), ["quote-without-article", "unknown-source"], "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["severity"], 3, "information");

    let hover = server
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 50 } }),
        )
        .await;
    let markdown = hover["contents"]["value"].as_str().unwrap();
    assert!(markdown.starts_with("Ada Okafor. **Ports in transition**"), "{markdown}");
    let definition = server
        .request(
            "textDocument/definition",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 50 } }),
        )
        .await;
    assert_eq!(definition["uri"], url(&dir.path().join("refs.json")), "{definition:#}");
    assert_eq!(definition["range"]["start"], json!({ "line": 2, "character": 2 }));

    // The library gains the missing entry and one whose id is not a key: the note passes that citation, the
    // broken entry is shown in the library, and the others keep working.
    let library = LIBRARY
        .replace("\n]", ",\n  {\"id\": \"poe2020\", \"title\": \"Tides\"},\n  {\"id\": [\"not\", \"a key\"]}\n]");
    std::fs::write(dir.path().join("refs.json"), library).unwrap();
    let refs = url(&dir.path().join("refs.json"));
    server.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": refs, "type": 2 }] })).await;
    let diagnostics = server.await_diagnostics(&uri, |d| d.len() == 1).await;
    assert_eq!(codes(&diagnostics), ["quote-without-article"]);
    let in_library = server.await_diagnostics(&refs, |d| !d.is_empty()).await;
    assert_eq!(codes(&in_library), ["bibliography"]);
    assert_eq!(in_library[0]["range"]["start"]["line"], 4, "{in_library:#?}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bibliography_named_in_front_matter_is_read_when_the_note_names_it() {
    let dir = workspace(&[("sources/harbour.txt", HARBOUR), ("notes/extra.yaml", "- id: doe2019\n  title: Quays\n")]);
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    server.wait_until_indexed().await;
    let uri = url(&dir.path().join("notes/week.md"));
    server.open(&uri, "[@doe2019] [@harbour, \"walked out\"]\n").await;
    let diagnostics = server.await_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(codes(&diagnostics), ["unknown-source"]);

    let named = "---\nbibliography: extra.yaml\n---\n[@doe2019] [@harbour, \"walked out\"]\n";
    server
        .notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": named }] }),
        )
        .await;
    server.notify("textDocument/didSave", json!({ "textDocument": { "uri": uri } })).await;
    server.await_diagnostics(&uri, <[Value]>::is_empty).await;

    let missing = "---\nbibliography: [extra.yaml, gone.bib]\n---\n[@doe2019]\n";
    server
        .notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [{ "text": missing }] }),
        )
        .await;
    server.notify("textDocument/didSave", json!({ "textDocument": { "uri": uri } })).await;
    // Diagnostics published before the file was looked for may come first.
    let diagnostics = server.await_diagnostics(&uri, |d| codes(d) == ["bibliography"]).await;
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(message.starts_with("cannot read the bibliography `gone.bib`: no such file"), "{message}");
    assert_eq!(diagnostics[0]["range"]["start"], json!({ "line": 1, "character": 27 }));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_library_outside_the_workspace_is_watched_and_read_again() {
    let dir = workspace(&[
        ("ws/marginalia.toml", "bibliography = \"../zotero/library.json\"\n"),
        ("ws/sources/harbour.txt", HARBOUR),
        ("zotero/library.json", "[]\n"),
    ]);
    let root = dir.path().join("ws");
    let mut server = TestServer::start(&root, &["utf-16"]).await;
    let registration = server
        .await_notification("client/registerCapability", |params| {
            params["registrations"][0]["id"] == "marginalia-watched-bibliographies"
        })
        .await;
    let watcher = &registration["registrations"][0]["registerOptions"]["watchers"][0]["globPattern"];
    assert_eq!(watcher["baseUri"], url(&dir.path().join("zotero")));
    assert_eq!(watcher["pattern"], "library.json");

    let uri = url(&root.join("note.md"));
    server.open(&uri, "[@okafor2021]\n").await;
    let diagnostics = server.await_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(codes(&diagnostics), ["unknown-source"]);
    let library = dir.path().join("zotero/library.json");
    std::fs::write(&library, LIBRARY).unwrap();
    server.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": url(&library), "type": 2 }] })).await;
    server.await_diagnostics(&uri, <[Value]>::is_empty).await;
    server.shutdown().await;
}
