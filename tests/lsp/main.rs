//! The language server, tested through a real JSON-RPC stream: what an editor sends, what it gets back.

mod articles;
mod bibliography;
mod hostile;
mod pdfs;
mod pull;
mod rename;
mod support;
mod symbols;

use serde_json::{Value, json};
use support::{FixtureSession, StdioServer, TestServer, apply_edits, corpus_workspace, url, utf16_position, workspace};

const HARBOUR: &str = "Dock workers walked out on Monday, the Port Authority said.\n\
\"We will not be moved,\" said union leader Ana Ruiz, who has led the\n\
union since 2019. Ruiz said the strike would last until Friday.\n";

fn position(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": position(line, character) })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn negotiates_the_encoding_and_advertises_its_features() {
    let dir = workspace(&[("sources/harbour.txt", HARBOUR)]);
    let server = TestServer::start(dir.path(), &["utf-16", "utf-8"]).await;
    let capabilities = &server.initialize_result["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-8");
    assert_eq!(capabilities["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(capabilities["hoverProvider"], true);
    assert_eq!(capabilities["definitionProvider"], true);
    assert_eq!(capabilities["referencesProvider"], true);
    let triggers = capabilities["completionProvider"]["triggerCharacters"].as_array().unwrap();
    assert!(triggers.contains(&json!("@")) && triggers.contains(&json!("[")));
    assert_eq!(server.initialize_result["serverInfo"]["name"], "marginalia");
    // The same version and commit as `marginalia --version`, so a bug report from an editor says which build.
    assert_eq!(server.initialize_result["serverInfo"]["version"], marginalia::VERSION);
    assert!(marginalia::VERSION.starts_with(env!("CARGO_PKG_VERSION")));
    server.shutdown().await;

    let server = TestServer::start(dir.path(), &[]).await;
    assert_eq!(server.initialize_result["capabilities"]["positionEncoding"], "utf-16");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completes_hovers_and_jumps_on_the_sample_corpus() {
    let Some(dir) = corpus_workspace(&[]) else {
        return;
    };
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    let summary = server.wait_until_indexed().await;
    assert!(summary.starts_with("5 articles"), "{summary}");
    let note = dir.path().join("notes/week.md");
    let uri = url(&note);
    let text =
        "Kirby: [@000_cf61e6d1027e3aa9, \"Wagner is searching around the world for arms suppliers\"].\nSee [[Kir";
    server.open(&uri, text).await;

    // Completion after `[[Kir` offers John Kirby first.
    let completion = server.request("textDocument/completion", at(&uri, 1, 9)).await;
    let first = &completion["items"][0];
    assert_eq!(first["label"], "John Kirby", "{completion:#}");
    assert_eq!(first["textEdit"]["newText"], "John Kirby]]");
    assert_eq!(first["textEdit"]["range"], json!({ "start": position(1, 6), "end": position(1, 9) }));

    // Hover on the quote shows it inside its sentence.
    let hover = server.request("textDocument/hover", at(&uri, 0, 40)).await;
    let markdown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        markdown.contains(
            "**Wagner is searching around the world for arms suppliers** to support its military operations in Ukraine"
        ),
        "{markdown}"
    );
    assert!(markdown.contains("`000_cf61e6d1027e3aa9`, line 3"), "{markdown}");

    // Definition of the quote lands on the quoted words in the article.
    let definition = server.request("textDocument/definition", at(&uri, 0, 40)).await;
    let article_path = dir.path().join("sources/000_cf61e6d1027e3aa9.txt");
    let article = std::fs::read_to_string(&article_path).unwrap();
    let start = article.find("Wagner is searching around the world for arms suppliers").unwrap();
    let end = start + "Wagner is searching around the world for arms suppliers".len();
    let (start_line, start_col) = utf16_position(&article, start);
    let (end_line, end_col) = utf16_position(&article, end);
    assert_eq!(definition["uri"], url(&article_path));
    assert_eq!(
        definition["range"],
        json!({ "start": position(start_line, start_col), "end": position(end_line, end_col) })
    );
    assert_eq!((start_line, start_col, end_col), (2, 1, 56));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_quote_is_reported_after_save_and_cleared_when_fixed() {
    let Some(dir) = corpus_workspace(&[]) else {
        return;
    };
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    server.wait_until_indexed().await;
    let uri = url(&dir.path().join("notes/claims.md"));
    let good = "[@000_cf61e6d1027e3aa9, \"Wagner is searching around the world for arms suppliers\"]\n";
    server.open(&uri, good).await;
    server.await_diagnostics(&uri, <[Value]>::is_empty).await;

    let wrong = "[@000_cf61e6d1027e3aa9, \"Wagner is searching around the globe for arms suppliers\"]\n";
    server
        .notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": wrong }] }),
        )
        .await;
    server.notify("textDocument/didSave", json!({ "textDocument": { "uri": uri } })).await;
    let diagnostics = server.await_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "quote-not-found");
    assert_eq!(diagnostics[0]["severity"], 1);
    assert_eq!(diagnostics[0]["range"], json!({ "start": position(0, 25), "end": position(0, 80) }));
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(message.contains("“Wagner is searching around the world for arms suppliers”"), "{message}");

    server
        .notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [{ "text": good }] }),
        )
        .await;
    server.notify("textDocument/didSave", json!({ "textDocument": { "uri": uri } })).await;
    server.await_diagnostics(&uri, <[Value]>::is_empty).await;
    server.shutdown().await;
}

/// An editor auto-closes `[@` to `[@]`: the citation being typed is not yet an error. It is one once the writer
/// types elsewhere or saves; a finished wrong citation typed in the same place is reported at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citation_still_being_typed_is_not_reported_until_the_writer_leaves_it_or_saves() {
    let dir = workspace(&[("sources/harbour.txt", HARBOUR)]);
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    server.wait_until_indexed().await;
    let uri = url(&dir.path().join("notes/typing.md"));
    server.open(&uri, "Dock workers walked out.\nMore.\n").await;
    server.await_diagnostics(&uri, <[Value]>::is_empty).await;
    let edit = |version: i32, line: u32, character: u32, text: &str| {
        let place = json!({ "start": position(line, character), "end": position(line, character) });
        json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "range": place, "text": text }] })
    };
    let codes = |diagnostics: &[Value]| -> Vec<String> {
        diagnostics.iter().map(|d| d["code"].as_str().unwrap_or_default().to_string()).collect()
    };

    // `[@]` typed at the end of line 1: nothing yet.
    server.notify("textDocument/didChange", edit(2, 0, 24, " [@]")).await;
    let quiet = server.await_diagnostics(&uri, |_| true).await;
    assert!(quiet.is_empty(), "{quiet:#?}");
    // Typing on line 2 leaves the citation: now it is an error.
    server.notify("textDocument/didChange", edit(3, 1, 5, " Then")).await;
    let reported = server.await_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(codes(&reported), ["malformed-citation"], "{reported:#?}");
    // The id typed into it: a good citation.
    server.notify("textDocument/didChange", edit(4, 0, 27, "harbour")).await;
    server.await_diagnostics(&uri, <[Value]>::is_empty).await;
    // Another `[@]` typed, then saved straight away: reported on save.
    server.notify("textDocument/didChange", edit(5, 1, 10, " [@]")).await;
    let quiet = server.await_diagnostics(&uri, |_| true).await;
    assert!(quiet.is_empty(), "{quiet:#?}");
    server.notify("textDocument/didSave", json!({ "textDocument": { "uri": uri } })).await;
    let saved = server.await_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(codes(&saved), ["malformed-citation"], "{saved:#?}");
    assert_eq!(saved[0]["range"]["start"]["line"], 1);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_edits_keep_positions_right_after_an_emoji() {
    let dir = workspace(&[("sources/harbour.txt", HARBOUR)]);
    for (encoding, column_after_emoji) in [("utf-16", 2), ("utf-8", 4)] {
        let mut server = TestServer::start(dir.path(), &[encoding]).await;
        server.wait_until_indexed().await;
        let uri = url(&dir.path().join("note.md"));
        server.open(&uri, "😀 x\n").await;
        // Replace "x" (just after the emoji and a space) with a citation, in two incremental edits.
        let x = column_after_emoji + 1;
        let changes = json!([
            { "range": { "start": position(0, x), "end": position(0, x + 1) }, "text": "[@harbour, \"will not" },
            { "range": { "start": position(0, x + 20), "end": position(0, x + 20) }, "text": " be moved\"]" },
        ]);
        server
            .notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": changes }),
            )
            .await;
        let hover = server.request("textDocument/hover", at(&uri, 0, x + 14)).await;
        let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
        assert!(markdown.contains("\"We **will not be moved**,\""), "{encoding}: {hover:#}");
        assert_eq!(hover["range"], json!({ "start": position(0, x + 11), "end": position(0, x + 30) }), "{encoding}");
        server.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_in_a_long_note_answers_from_the_paragraph_around_the_cursor() {
    let dir = workspace(&[("sources/harbour.txt", HARBOUR)]);
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    server.wait_until_indexed().await;
    let uri = url(&dir.path().join("note.md"));
    // Paragraphs citing the article, with a fenced block of code (holding a blank line) in the middle.
    let mut text = String::from("```\n[@harbour, \"not code\"\n\n[[Ruiz\n```\n\n");
    for n in 0..200 {
        text.push_str(&format!("Paragraph {n} cites [@harbour, \"walked out\"].\n\n"));
    }
    server.open(&uri, &text).await;
    server.await_diagnostics(&uri, |_| true).await;
    let change = |version: i32, line: u32, character: u32, text: &str| {
        json!({
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "range": { "start": position(line, character), "end": position(line, character) }, "text": text }]
        })
    };

    // Type an entity mention at the end of paragraph 100 (line 206), then ask for completions there.
    server.notify("textDocument/didChange", change(2, 206, 45, " [[Rui")).await;
    let completion = server.request("textDocument/completion", at(&uri, 206, 51)).await;
    assert_eq!(completion["items"][0]["label"], "Ana Ruiz", "{completion:#}");
    assert_eq!(
        completion["items"][0]["textEdit"]["range"],
        json!({ "start": position(206, 48), "end": position(206, 51) })
    );
    // A hover further down, before the note is parsed again, has the right lines.
    let hover = server.request("textDocument/hover", at(&uri, 300, 36)).await;
    assert_eq!(hover["range"], json!({ "start": position(300, 31), "end": position(300, 43) }), "{hover:#}");
    // Inside the fenced block nothing completes.
    assert_eq!(server.request("textDocument/completion", at(&uri, 3, 6)).await, Value::Null);

    // Opening a fence above makes the paragraphs below it code.
    server.notify("textDocument/didChange", change(3, 204, 0, "```\n")).await;
    assert_eq!(server.request("textDocument/completion", at(&uri, 207, 51)).await, Value::Null);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_row_of_the_id_list_shows_the_title_where_the_client_shows_label_details() {
    let dir = workspace(&[("sources/harbour.txt", HARBOUR), ("sources/harvest.txt", "Grain harvest falls.\n")]);
    let uri = url(&dir.path().join("note.md"));
    let descriptions = |list: &Value| -> Vec<Value> {
        list["items"].as_array().unwrap().iter().map(|item| item["labelDetails"]["description"].clone()).collect()
    };
    // A client that shows label details on every row (VS Code) gets the title there.
    let details = json!({ "labelDetailsSupport": true });
    let mut server = TestServer::start_with(dir.path(), &["utf-16"], Value::Null, details).await;
    server.wait_until_indexed().await;
    server.open(&uri, "See [@").await;
    let list = server.request("textDocument/completion", at(&uri, 0, 6)).await;
    assert_eq!(
        descriptions(&list),
        [json!("Dock workers walked out on Monday, the Port Authority said."), json!("Grain harvest falls.")]
    );
    server.shutdown().await;
    // Any other gets none (its `detail` says the same).
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    server.wait_until_indexed().await;
    server.open(&uri, "See [@").await;
    let list = server.request("textDocument/completion", at(&uri, 0, 6)).await;
    assert_eq!(descriptions(&list), [Value::Null, Value::Null]);
    assert!(list["items"][0]["detail"].as_str().unwrap().starts_with("Dock workers"), "{list:#}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documentation_waits_for_resolve_when_the_client_can_ask_for_it() {
    let dir = workspace(&[("sources/harbour.txt", HARBOUR)]);
    let uri = url(&dir.path().join("note.md"));
    let documentation_of_first = |list: &Value| list["items"][0]["documentation"]["value"].clone();

    // A client that does not resolve gets the documentation in the list.
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    server.wait_until_indexed().await;
    server.open(&uri, "See [@har").await;
    let list = server.request("textDocument/completion", at(&uri, 0, 9)).await;
    let inline = documentation_of_first(&list);
    assert!(inline.as_str().unwrap().contains("Dock workers walked out"), "{list:#}");
    server.shutdown().await;

    // A client that resolves documentation gets it on `completionItem/resolve`, the same.
    let resolving = json!({ "resolveSupport": { "properties": ["documentation", "detail"] } });
    let mut server = TestServer::start_with(dir.path(), &["utf-16"], Value::Null, resolving).await;
    server.wait_until_indexed().await;
    server.open(&uri, "See [@har, and [[Ana").await;
    let list = server.request("textDocument/completion", at(&uri, 0, 9)).await;
    assert_eq!(documentation_of_first(&list), Value::Null, "{list:#}");
    let resolved = server.request("completionItem/resolve", list["items"][0].clone()).await;
    assert_eq!(resolved["documentation"]["value"], inline);
    let list = server.request("textDocument/completion", at(&uri, 0, 20)).await;
    let resolved = server.request("completionItem/resolve", list["items"][0].clone()).await;
    assert!(resolved["documentation"]["value"].as_str().unwrap().starts_with("**Ana Ruiz** (person)"), "{resolved:#}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_on_unchanged_articles_reads_the_saved_index() {
    let dir = workspace(&[("sources/harbour.txt", HARBOUR)]);
    // An article that cannot be read does not keep the index from being saved; it is reported on every start.
    // UTF-8 (its first accent says so) with a broken byte.
    std::fs::write(dir.path().join("sources/broken.txt"), b"Caf\xc3\xa9 society, caf\xe9\n").unwrap();
    let cache = tempfile::tempdir().unwrap();
    let options = json!({ "indexCache": true, "cacheDir": cache.path() });
    let start = || TestServer::start_with_options(dir.path(), &["utf-16"], options.clone());
    let first_summary = {
        let mut server = start().await;
        let summary = server.wait_until_indexed().await;
        // The index is saved in the background once ready; the next start may come only after.
        for _ in 0..100 {
            if std::fs::read_dir(cache.path())
                .unwrap()
                .flatten()
                .any(|e| e.path().extension() == Some("index".as_ref()))
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        server.shutdown().await;
        summary
    };
    assert!(!first_summary.contains("saved index"), "{first_summary}");

    let mut server = start().await;
    let summary = server.wait_until_indexed().await;
    assert!(summary.starts_with("1 article, ") && summary.ends_with("(from the saved index)"), "{summary}");
    let shown = server.await_notification("window/showMessage", |_| true).await;
    assert!(shown["message"].as_str().unwrap().contains("broken.txt: not UTF-8"), "{shown}");
    let uri = url(&dir.path().join("note.md"));
    server.open(&uri, "[[Rui").await;
    let completion = server.request("textDocument/completion", at(&uri, 0, 5)).await;
    assert_eq!(completion["items"][0]["label"], "Ana Ruiz", "{completion:#}");
    server.shutdown().await;

    // A changed article is read again.
    std::fs::write(dir.path().join("sources/harbour.txt"), "Harbour\nThe strike ended, said Tomas Vidal.\n").unwrap();
    let mut server = start().await;
    let summary = server.wait_until_indexed().await;
    assert!(!summary.contains("saved index"), "{summary}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_after_one_article_changed_reads_only_that_one_and_answers_from_its_new_text() {
    let files: Vec<(String, String)> = (0..4)
        .map(|n| (format!("sources/port-{n}.txt"), format!("Port {n}\nThe harbour board met Ana Ruiz on day {n}.\n")))
        .collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(path, text)| (path.as_str(), text.as_str())).collect();
    let dir = workspace(&files);
    let cache = tempfile::tempdir().unwrap();
    let options = json!({ "indexCache": true, "cacheDir": cache.path() });
    let start = || TestServer::start_with_options(dir.path(), &["utf-16"], options.clone());
    let saved = |cache: &std::path::Path| {
        std::fs::read_dir(cache).unwrap().flatten().find(|e| e.path().extension() == Some("index".as_ref()))
    };
    let mut server = start().await;
    server.wait_until_indexed().await;
    for _ in 0..100 {
        if saved(cache.path()).is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    server.shutdown().await;
    let first_save = saved(cache.path()).unwrap().metadata().unwrap().modified().unwrap();

    std::fs::write(dir.path().join("sources/port-2.txt"), "Port 2\nTomas Vidal said the strike would end.\n").unwrap();
    let mut server = start().await;
    let summary = server.wait_until_indexed().await;
    assert!(summary.ends_with("(from the saved index, 1 changed article read again)"), "{summary}");
    let uri = url(&dir.path().join("note.md"));
    server.open(&uri, "[[Vid").await;
    let completion = server.request("textDocument/completion", at(&uri, 0, 5)).await;
    assert_eq!(completion["items"][0]["label"], "Tomas Vidal", "{completion:#}");
    // The index is saved again, so the next start reads it whole.
    for _ in 0..100 {
        if saved(cache.path()).unwrap().metadata().unwrap().modified().unwrap() != first_save {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    server.shutdown().await;
    let mut server = start().await;
    let summary = server.wait_until_indexed().await;
    assert!(summary.ends_with("(from the saved index)"), "{summary}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn references_are_found_in_open_notes_and_on_disk() {
    let dir = workspace(&[
        ("sources/harbour.txt", HARBOUR),
        ("notes/a.md", "Strike [@harbour].\n\n[[Ana Ruiz]] said so [@harbour, \"walked out\"].\n"),
        ("notes/b.md", "On disk, b cites [@harbour] here; the editor's text replaces it.\n"),
    ]);
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    server.wait_until_indexed().await;
    let a = url(&dir.path().join("notes/a.md"));
    let b = url(&dir.path().join("notes/b.md"));
    server.open(&b, "Open, [[Ruiz]] and [@harbour].\n").await;
    let location = |uri: &str, line: u32, start: u32, end: u32| json!({ "uri": uri, "range": { "start": position(line, start), "end": position(line, end) } });

    let params = |include_declaration: bool| {
        let mut params = at(&b, 0, 24);
        params["context"] = json!({ "includeDeclaration": include_declaration });
        params
    };
    let found = server.request("textDocument/references", params(false)).await;
    assert_eq!(found, json!([location(&a, 0, 9, 16), location(&a, 2, 23, 30), location(&b, 0, 21, 28)]));
    let found = server.request("textDocument/references", params(true)).await;
    let article = url(&dir.path().join("sources/harbour.txt"));
    assert_eq!(found.as_array().unwrap().len(), 4, "{found:#}");
    assert!(found.as_array().unwrap().contains(&location(&article, 0, 0, 0)), "{found:#}");

    // An entity, by any of its names.
    let mut params = at(&b, 0, 9);
    params["context"] = json!({ "includeDeclaration": false });
    let found = server.request("textDocument/references", params).await;
    assert_eq!(found, json!([location(&a, 2, 2, 10), location(&b, 0, 8, 12)]));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_actions_fix_a_misspelt_id_and_a_near_miss_quote() {
    let fixture = format!(
        "//- sources/harbour-strike.txt\n{HARBOUR}//- note.md\n\
         See [@harb$0our-strik] and [@harbour-strike, \"the strike will last until Friday\"].\n"
    );
    let mut session = FixtureSession::open(&fixture, "utf-16").await;
    let uri = session.uri.clone();
    session.server.await_diagnostics(&uri, |d| d.len() == 2).await;

    let actions = actions_at(&mut session.server, &uri, session.cursor.clone()).await;
    assert_eq!(actions[0]["title"], "Change to `harbour-strike`");
    let edits = actions[0]["edit"]["changes"][&uri].as_array().unwrap();
    assert_eq!(
        apply_edits(&session.text, edits),
        "See [@harbour-strike] and [@harbour-strike, \"the strike will last until Friday\"].\n"
    );

    let will = session.position_of("will last");
    let actions = actions_at(&mut session.server, &uri, will).await;
    assert_eq!(actions[0]["title"], "Replace with “the strike would last until Friday”");
    let edits = actions[0]["edit"]["changes"][&uri].as_array().unwrap();
    assert_eq!(
        apply_edits(&session.text, edits),
        "See [@harbour-strik] and [@harbour-strike, \"the strike would last until Friday\"].\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_article_is_indexed_when_the_watcher_reports_it() {
    let dir = workspace(&[("sources/harbour.txt", HARBOUR)]);
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    let registration = server.await_notification("client/registerCapability", |_| true).await;
    assert_eq!(registration["registrations"][0]["method"], "workspace/didChangeWatchedFiles");
    server.wait_until_indexed().await;
    let uri = url(&dir.path().join("note.md"));
    server.open(&uri, "Grain [@harvest, \"falls for a third year\"].\n").await;
    let diagnostics = server.await_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(diagnostics[0]["code"], "unknown-source");

    let article = dir.path().join("sources/harvest.txt");
    std::fs::write(&article, "Grain harvest falls for a third year.\n").unwrap();
    server.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": url(&article), "type": 1 }] })).await;
    server.await_diagnostics(&uri, <[Value]>::is_empty).await;
    server.shutdown().await;
}

#[test]
fn the_binary_serves_over_stdio() {
    let dir = workspace(&[("sources/harbour.txt", HARBOUR)]);
    let cache = tempfile::tempdir().unwrap();
    let mut server = StdioServer::start(cache.path());
    server.send(
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {}, "rootUri": url(dir.path()) } }),
    );
    let response = server.receive();
    assert_eq!(response["result"]["serverInfo"]["name"], "marginalia");
    // Some clients (eglot) send `"params": null` with shutdown; it must still shut down.
    let status = server.shutdown();
    assert!(status.success(), "{status}");
}

#[test]
fn a_session_ended_as_soon_as_indexing_ends_still_saves_the_index() {
    // Enough articles that writing the index takes longer than ending the session.
    let articles: Vec<(String, String)> = (0..400)
        .map(|n| (format!("sources/harbour-{n}.txt"), format!("Harbour {n}\n{}", HARBOUR.repeat(12))))
        .collect();
    let files: Vec<(&str, &str)> = articles.iter().map(|(path, text)| (path.as_str(), text.as_str())).collect();
    let dir = workspace(&files);
    let cache = tempfile::tempdir().unwrap();
    let mut server = StdioServer::start(cache.path());
    server.send(
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {}, "rootUri": url(dir.path()) } }),
    );
    server.receive_until(|message| message["id"] == 1);
    server.send(json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));
    server.receive_until(|m| m["method"] == "marginalia/status" && m["params"]["complete"] == true);
    // Ended at once: the index being written is finished before the process exits.
    let status = server.shutdown();
    assert!(status.success(), "{status}");
    let saved: Vec<_> = std::fs::read_dir(cache.path())
        .unwrap()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(saved.iter().any(|name| name.ends_with(".index")), "{saved:?}");
    assert!(!saved.iter().any(|name| name.contains(".partial")), "{saved:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_notification_counts_articles_and_entities() {
    let dir = workspace(&[("sources/harbour.txt", HARBOUR)]);
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    let status = server.await_notification("marginalia/status", |s| s["state"] == "ready").await;
    assert_eq!(status["articles"], 1);
    assert!(status["entities"].as_u64().unwrap() >= 2, "{status}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_corpus_is_ready_for_citations_first_and_its_names_are_checked_when_they_land() {
    let dir = workspace(&[("sources/harbour.txt", HARBOUR)]);
    // Staged from any size, as a corpus of thousands of articles is by default.
    let options = json!({ "stagedIndexFromBytes": 0 });
    let mut server = TestServer::start_with_options(dir.path(), &["utf-16"], options).await;
    let uri = url(&dir.path().join("note.md"));
    server.open(&uri, "[@harbour, \"the strike will last\"] and [[Ana Ruiz]] met [[Nobody Known]].\n").await;
    let codes =
        |diagnostics: &[Value]| diagnostics.iter().map(|d| d["code"].as_str().unwrap().to_string()).collect::<Vec<_>>();

    let first = server.await_notification("marginalia/status", |s| s["state"] == "ready").await;
    assert_eq!((&first["articles"], &first["entities"], &first["complete"]), (&json!(1), &json!(0), &json!(false)));
    let report = server.await_notification("$/progress", |p| p["value"]["kind"] == "report").await;
    assert!(report["value"]["message"].as_str().unwrap().contains("finding names and passages"), "{report}");
    // Checked against the articles: the quote is wrong; no name is unknown yet, for no name is known yet.
    let diagnostics = server.await_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(codes(&diagnostics), ["quote-not-found"]);

    let done = server.wait_until_indexed().await;
    assert!(done.contains("articles ready in"), "{done}");
    let complete = server.await_notification("marginalia/status", |s| s["complete"] == true).await;
    assert!(complete["entities"].as_u64().unwrap() >= 2, "{complete}");
    let diagnostics = server.await_diagnostics(&uri, |d| d.len() == 2).await;
    assert_eq!(codes(&diagnostics), ["quote-not-found", "unknown-entity"]);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_on_save_mode_changes_are_checked_only_when_saved() {
    let dir = workspace(&[("sources/harbour.txt", HARBOUR)]);
    let mut server = TestServer::start_with_options(dir.path(), &["utf-16"], json!({ "diagnostics": "onSave" })).await;
    server.wait_until_indexed().await;
    let uri = url(&dir.path().join("note.md"));
    server.open(&uri, "[@harbour]\n").await;
    server.await_diagnostics(&uri, <[Value]>::is_empty).await;
    server
        .notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": "[@harbor]\n" }] }),
        )
        .await;
    // Longer than the on-change debounce; then a request makes sure everything sent before it was read.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    server.request("textDocument/hover", at(&uri, 0, 3)).await;
    let early = server
        .queued()
        .iter()
        .any(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["diagnostics"] != json!([]));
    assert!(!early, "diagnostics were published before saving: {:#?}", server.queued());
    server.notify("textDocument/didSave", json!({ "textDocument": { "uri": uri } })).await;
    let diagnostics = server.await_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(diagnostics[0]["code"], "unknown-source");
    server.shutdown().await;
}

const HARVEST: &str = "Grain harvest falls for a third year in the valley.\nFarmers blamed the drought.\n";

/// The code actions at `position`, with their titles.
async fn actions_at(server: &mut TestServer, uri: &str, position: Value) -> Vec<Value> {
    let actions = server
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri },
                "range": { "start": position, "end": position },
                "context": { "diagnostics": [] }
            }),
        )
        .await;
    actions.as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quote_from_another_article_is_fixed_by_citing_that_article() {
    let fixture = format!(
        "//- sources/harbour-strike.txt\n{HARBOUR}//- sources/harvest.txt\n{HARVEST}//- note.md\n\
         Bad year: [@harbour-strike, “Grain harvest $0falls for a third year”].\n"
    );
    let mut session = FixtureSession::open(&fixture, "utf-16").await;
    let uri = session.uri.clone();
    let diagnostics = session.server.await_diagnostics(&uri, |d| !d.is_empty()).await;
    assert!(diagnostics[0]["message"].as_str().unwrap().ends_with("the exact words are in `harvest`"));
    let actions = actions_at(&mut session.server, &uri, session.cursor.clone()).await;
    assert_eq!(actions[0]["title"], "Cite [@harvest] instead");
    let edits = actions[0]["edit"]["changes"][&uri].as_array().unwrap();
    assert_eq!(apply_edits(&session.text, edits), "Bad year: [@harvest, “Grain harvest falls for a third year”].\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uncited_quotation_is_hinted_and_cited_by_its_fix() {
    let fixture = format!(
        "//- sources/harbour-strike.txt\n{HARBOUR}//- sources/harvest.txt\n{HARVEST}//- note.md\n\
         😀 She said “the strike $0would last until Friday” on Monday.\n"
    );
    let mut session = FixtureSession::open(&fixture, "utf-16").await;
    let uri = session.uri.clone();
    let diagnostics = session.server.await_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(diagnostics[0]["code"], "uncited-quote");
    assert_eq!(diagnostics[0]["severity"], 4, "a hint");
    assert_eq!(session.covered(&diagnostics[0]["range"]), "the strike would last until Friday");
    let actions = actions_at(&mut session.server, &uri, session.cursor.clone()).await;
    assert_eq!(actions[0]["title"], "Cite [@harbour-strike, \"the strike would last until Friday\"]");
    let edits = actions[0]["edit"]["changes"][&uri].as_array().unwrap();
    assert_eq!(
        apply_edits(&session.text, edits),
        "😀 She said “the strike would last until Friday” [@harbour-strike, \"the strike would last until Friday\"] on Monday.\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_find_quote_command_lists_exact_then_near_passages() {
    let dir = workspace(&[("sources/harbour-strike.txt", HARBOUR), ("sources/harvest.txt", HARVEST)]);
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    server.wait_until_indexed().await;
    let commands = &server.initialize_result["capabilities"]["executeCommandProvider"]["commands"];
    assert_eq!(commands, &json!(["marginalia.findQuote"]));
    let found = server
        .request(
            "workspace/executeCommand",
            json!({ "command": "marginalia.findQuote", "arguments": ["who has led the union since 2019"] }),
        )
        .await;
    assert_eq!(found[0]["source"], "harbour-strike");
    assert_eq!(found[0]["similarity"], 1.0);
    assert_eq!(found[0]["range"], json!({ "start": position(1, 52), "end": position(2, 16) }));
    assert_eq!(found[0]["text"], "who has led the union since 2019");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_configuration_and_unreadable_articles_are_shown_and_the_rest_works() {
    let dir = workspace(&[("marginalia.toml", "sources = 3\n"), ("sources/harbour.txt", HARBOUR)]);
    std::fs::write(dir.path().join("sources/broken.txt"), b"Caf\xc3\xa9 society, caf\xe9\n").unwrap();
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    let summary = server.wait_until_indexed().await;
    assert!(summary.starts_with("1 article,"), "{summary}");
    // The configuration first: what is wrong there explains the rest.
    let shown = server.await_notification("window/showMessage", |_| true).await;
    let message = shown["message"].as_str().unwrap();
    assert!(message.contains("marginalia.toml:1:11"), "{message}");
    assert!(message.contains("using the default configuration"), "{message}");
    assert!(message.contains("(and 1 more problem; see the output log)"), "{message}");
    let logged = server
        .await_notification("window/logMessage", |m| {
            m["message"].as_str().unwrap_or("").contains("broken.txt: not UTF-8 text")
        })
        .await;
    assert!(logged["message"].as_str().unwrap().ends_with("skipped"), "{logged}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn indexing_finishes_even_if_the_client_never_answers_the_progress_request() {
    let dir = workspace(&[("sources/harbour.txt", HARBOUR)]);
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    server.ignore_progress_requests = true;
    let uri = url(&dir.path().join("note.md"));
    server.open(&uri, "[@harbor]\n").await;
    let diagnostics = server.await_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(diagnostics[0]["code"], "unknown-source");
    server.shutdown().await;
}
