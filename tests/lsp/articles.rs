//! Articles are places too, through the protocol: with an article open, references on a sentence list every
//! quotation of it in the notes (open or not), a lens at its top says how the notes use it, and the article itself
//! is never checked as a note.

use serde_json::json;

use crate::support::{TestServer, url, workspace};

const HARBOUR: &str = "Dock workers walked out on Monday, the Port Authority said.\n\
                       \"We will not be moved,\" said union leader Ana Ruiz. Ruiz said the strike would last.\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sentence_of_an_open_article_leads_to_the_notes_that_quote_it() {
    let dir = workspace(&[
        ("sources/harbour.txt", HARBOUR),
        ("notes/closed.md", "Closed: [@harbour, \"We will not be moved\"] and [@harbour].\n"),
        ("notes/other.md", "Elsewhere [@harbour, \"walked out on Monday\"].\n"),
        ("plain.txt", "A \"quoted\" text file that is neither a note nor an article.\n"),
    ]);
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    server.wait_until_indexed().await;
    let note = url(&dir.path().join("notes/open.md"));
    server.open(&note, "Open: [@harbour, \"union leader Ana Ruiz\"].\n").await;
    let article = url(&dir.path().join("sources/harbour.txt"));
    server.open(&article, HARBOUR).await;
    let plain = url(&dir.path().join("plain.txt"));
    server.open(&plain, "A \"quoted\" text file that is neither a note nor an article.\n").await;

    // Line 2, on "union": the sentence quoted by the open note and by the closed one.
    let at = |line: u32, character: u32| {
        json!({ "textDocument": { "uri": article }, "position": { "line": line, "character": character },
                "context": { "includeDeclaration": false } })
    };
    let found = server.request("textDocument/references", at(1, 35)).await;
    let places: Vec<(String, u64)> = (found.as_array().unwrap().iter())
        .map(|l| {
            (
                l["uri"].as_str().unwrap().rsplit('/').next().unwrap().to_string(),
                l["range"]["start"]["character"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(places, [("closed.md".to_string(), 20), ("open.md".to_string(), 18)]);
    // Line 1: the sentence the other note quotes.
    let found = server.request("textDocument/references", at(0, 40)).await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert!(found[0]["uri"].as_str().unwrap().ends_with("notes/other.md"));

    let lenses = server.request("textDocument/codeLens", json!({ "textDocument": { "uri": article } })).await;
    assert_eq!(lenses[0]["command"]["title"], "cited in 3 notes (4 citations) · quoted 3 times");
    assert_eq!(lenses[0]["range"]["start"], json!({ "line": 0, "character": 0 }));
    // A note has no lens; the article and the other text file get no diagnostics, no completion and no hover.
    let none = server.request("textDocument/codeLens", json!({ "textDocument": { "uri": note } })).await;
    assert!(none.is_null(), "{none}");
    for uri in [&article, &plain] {
        let position = json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 3 } });
        assert!(server.request("textDocument/hover", position.clone()).await.is_null());
        assert!(server.request("textDocument/completion", position).await.is_null());
    }
    server.await_diagnostics(&note, |_| true).await;
    let published: Vec<&str> = (server.queued().iter())
        .filter(|message| message["method"] == "textDocument/publishDiagnostics")
        .filter_map(|message| message["params"]["uri"].as_str())
        .collect();
    assert!(!published.contains(&article.as_str()) && !published.contains(&plain.as_str()), "{published:?}");
    server.shutdown().await;
}

/// A saved web page is an article like a text file, through the protocol: go-to-definition lands on the quoted
/// words' bytes in the `.html` file (markup between them included), references on those bytes lead back to the
/// notes, and a position in the page's markup or navigation leads nowhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_page_is_jumped_into_and_leads_back_to_its_notes() {
    let html =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pages/harbour-strike.html"))
            .unwrap();
    let note_text = "The operator [@harbour-strike, \"offered a three per cent rise\"].\n";
    let dir = workspace(&[("sources/harbour-strike.html", &html), ("notes/pay.md", note_text)]);
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    server.wait_until_indexed().await;
    let note = url(&dir.path().join("notes/pay.md"));
    server.open(&note, note_text).await;
    let diagnostics = server.await_diagnostics(&note, |_| true).await;
    assert!(diagnostics.is_empty(), "{diagnostics:?}");

    let on_quote = json!({ "textDocument": { "uri": note }, "position": { "line": 0, "character": 40 } });
    let found = server.request("textDocument/definition", on_quote.clone()).await;
    assert!(found["uri"].as_str().unwrap().ends_with("sources/harbour-strike.html"), "{found}");
    let (start, end) = (&found["range"]["start"], &found["range"]["end"]);
    let line = start["line"].as_u64().unwrap() as usize;
    assert_eq!(end["line"], start["line"]);
    let shown = &html.lines().nth(line).unwrap()
        [start["character"].as_u64().unwrap() as usize..end["character"].as_u64().unwrap() as usize];
    assert_eq!(shown, "offered a <em>three per cent</em> rise");
    let hover = server.request("textDocument/hover", on_quote).await;
    let hover = hover["contents"]["value"].as_str().unwrap();
    assert!(hover.contains(&format!("line {}", line + 1)), "the page's line: {hover}");

    let page = url(&dir.path().join("sources/harbour-strike.html"));
    server.open(&page, &html).await;
    let at = |line: u64, character: u64| {
        json!({ "textDocument": { "uri": page }, "position": { "line": line, "character": character },
                "context": { "includeDeclaration": false } })
    };
    // Inside <em>three</em>: the note quoting it.
    let column = html.lines().nth(line).unwrap().find("three").unwrap() as u64;
    let found = server.request("textDocument/references", at(line as u64, column + 2)).await;
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");
    assert!(found[0]["uri"].as_str().unwrap().ends_with("notes/pay.md"));
    // In the navigation: nothing.
    let navigation = html.lines().position(|l| l.contains("main-nav")).unwrap() as u64;
    assert!(server.request("textDocument/references", at(navigation, 40)).await.is_null());
    let lenses = server.request("textDocument/codeLens", json!({ "textDocument": { "uri": page } })).await;
    assert_eq!(lenses[0]["command"]["title"], "cited in 1 note (1 citation) · quoted once");
    server.shutdown().await;
}
