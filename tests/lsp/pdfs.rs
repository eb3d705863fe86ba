//! PDFs through the protocol: go-to-definition opens the text extracted from the PDF (a `marginalia:` document the
//! client asks for with `marginalia/sourceText`, or, for any other client, a plain-text file in the cache folder),
//! at the quoted words; hover names the page; a page locator is checked against the page the words are on.

use serde_json::{Value, json};

use crate::support::{TestServer, url, workspace};

const NOTE: &str = "The engineer [@tidal-survey, p. 1, \"no longer high enough for the tides\"].\n";

/// A workspace with the survey PDF (three pages, written for the tests by a real PDF writer) and a note.
fn survey_workspace() -> tempfile::TempDir {
    let dir = workspace(&[("notes/survey.md", NOTE)]);
    let pdf = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pdf/tidal-survey.pdf");
    std::fs::create_dir_all(dir.path().join("sources")).unwrap();
    std::fs::copy(pdf, dir.path().join("sources/tidal-survey.pdf")).unwrap();
    dir
}

/// The text a location's range covers in `text`, whitespace collapsed.
fn covered(text: &str, range: &Value) -> String {
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + position["character"].as_u64().unwrap() as usize
    };
    text[offset(&range["start"])..offset(&range["end"])].split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pdf_opens_as_its_text_at_the_quoted_words_and_its_pages_are_checked() {
    let dir = survey_workspace();
    let mut server =
        TestServer::start_with_options(dir.path(), &["utf-16"], json!({ "sourceTextDocuments": true })).await;
    server.wait_until_indexed().await;
    let note = url(&dir.path().join("notes/survey.md"));
    server.open(&note, NOTE).await;

    // The words are on page 2: a warning on the locator, with the fix that cites page 2.
    let diagnostics = server.await_diagnostics(&note, |d| !d.is_empty()).await;
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "wrong-page");
    assert_eq!(diagnostics[0]["message"], "the quoted words are on p. 2 of `tidal-survey`, not p. 1");
    let actions = server
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": note }, "range": diagnostics[0]["range"],
                    "context": { "diagnostics": diagnostics } }),
        )
        .await;
    assert_eq!(actions[0]["title"], "Cite p. 2");
    assert_eq!(actions[0]["edit"]["changes"][&note][0]["newText"], "2");

    let on_quote = json!({ "textDocument": { "uri": note }, "position": { "line": 0, "character": 45 } });
    let hover = server.request("textDocument/hover", on_quote.clone()).await;
    let hover = hover["contents"]["value"].as_str().unwrap();
    assert!(hover.contains("`tidal-survey`, p. 2"), "{hover}");

    let found = server.request("textDocument/definition", on_quote).await;
    let uri = found["uri"].as_str().unwrap();
    assert!(uri.starts_with("marginalia:///") && uri.ends_with("/sources/tidal-survey.pdf.txt"), "{found}");
    let text = server.request("marginalia/sourceText", json!({ "uri": uri })).await;
    let text = text["text"].as_str().unwrap().to_string();
    assert_eq!(covered(&text, &found["range"]), "no longer high enough for the tides");

    // The document opened: the article, whose sentences lead back to the notes that quote them.
    server.open(uri, &text).await;
    let references = server
        .request(
            "textDocument/references",
            json!({ "textDocument": { "uri": uri }, "position": found["range"]["start"],
                    "context": { "includeDeclaration": false } }),
        )
        .await;
    assert_eq!(references.as_array().map(Vec::len), Some(1), "{references}");
    assert_eq!(references[0]["uri"], note.as_str());

    let unknown =
        server.try_request("marginalia/sourceText", json!({ "uri": "marginalia:///nowhere/x.pdf.txt" })).await;
    assert!(unknown.is_err(), "{unknown:?}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_without_marginalia_documents_is_shown_a_text_file_in_the_cache_folder() {
    let dir = survey_workspace();
    let cache = tempfile::tempdir().unwrap();
    let options = json!({ "cacheDir": cache.path(), "indexCache": false });
    let mut server = TestServer::start_with_options(dir.path(), &["utf-8"], options).await;
    server.wait_until_indexed().await;
    let note = url(&dir.path().join("notes/survey.md"));
    server.open(&note, NOTE).await;
    let on_quote = json!({ "textDocument": { "uri": note }, "position": { "line": 0, "character": 45 } });
    let found = server.request("textDocument/definition", on_quote).await;
    let uri = found["uri"].as_str().unwrap();
    assert!(uri.starts_with("file://") && uri.ends_with("/tidal-survey.pdf.txt"), "{found}");
    let path = tower_lsp::lsp_types::Url::parse(uri).unwrap().to_file_path().unwrap();
    assert!(path.starts_with(cache.path()), "{}", path.display());
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(covered(&text, &found["range"]), "no longer high enough for the tides");
    server.shutdown().await;
}
