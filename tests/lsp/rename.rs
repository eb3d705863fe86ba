//! Rename through the protocol: a source id in open notes and in notes only on disk, with the article's file
//! renamed in the same workspace edit; an entity's mentions; refusals with their reason.

use serde_json::{Value, json};

use crate::support::{FixtureSession, TestServer, url, workspace};

const HARBOUR: &str =
    "Dock workers walked out on Monday.\nUnion leader Ana Ruiz said the strike would last. Ruiz was firm.\n";

fn position(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_id_is_renamed_in_open_and_closed_notes_with_its_file() {
    let dir = workspace(&[
        ("sources/harbour.txt", HARBOUR),
        ("notes/closed.md", "Before [@harbour, \"walked out\"] and @harbour [p. 1].\n"),
        ("sources/council.txt", "The council met.\n"),
    ]);
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    server.wait_until_indexed().await;
    let uri = url(&dir.path().join("notes/open.md"));
    server.open(&uri, "See [@harbour] and [@council].\n").await;

    let prepared = server
        .request("textDocument/prepareRename", json!({ "textDocument": { "uri": uri }, "position": position(0, 8) }))
        .await;
    assert_eq!(prepared["placeholder"], "harbour");
    assert_eq!(prepared["range"], json!({ "start": position(0, 6), "end": position(0, 13) }));

    let edit = server
        .request(
            "textDocument/rename",
            json!({ "textDocument": { "uri": uri }, "position": position(0, 8), "newName": "dock-strike" }),
        )
        .await;
    let changes = edit["documentChanges"].as_array().expect("document changes");
    let closed = url(&dir.path().join("notes/closed.md"));
    let edits_of = |uri: &str| {
        changes
            .iter()
            .find(|change| change["textDocument"]["uri"] == uri)
            .map(|change| (change["textDocument"]["version"].clone(), change["edits"].as_array().unwrap().len()))
    };
    assert_eq!(edits_of(&uri), Some((json!(1), 1)), "the open note, at its version");
    assert_eq!(edits_of(&closed), Some((Value::Null, 2)), "the note on disk");
    let rename = changes.iter().find(|change| change["kind"] == "rename").expect("a file rename");
    assert_eq!(rename["oldUri"], url(&dir.path().join("sources/harbour.txt")));
    assert_eq!(rename["newUri"], url(&dir.path().join("sources/dock-strike.txt")));

    let refused = server
        .try_request(
            "textDocument/rename",
            json!({ "textDocument": { "uri": uri }, "position": position(0, 8), "newName": "council" }),
        )
        .await
        .expect_err("an id that exists");
    assert_eq!(refused["code"], -32803);
    assert!(refused["message"].as_str().unwrap().contains("already the id"), "{refused}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entity_is_renamed_to_another_of_its_names() {
    let dir = workspace(&[("sources/harbour.txt", HARBOUR), ("notes/closed.md", "[[Ruiz]] again.\n")]);
    let mut server = TestServer::start(dir.path(), &["utf-16"]).await;
    server.wait_until_indexed().await;
    let uri = url(&dir.path().join("notes/open.md"));
    server.open(&uri, "[[Ruiz]] said so.\n").await;
    let edit = server
        .request(
            "textDocument/rename",
            json!({ "textDocument": { "uri": uri }, "position": position(0, 3), "newName": "Ana Ruiz" }),
        )
        .await;
    let changes = edit["documentChanges"].as_array().expect("document changes");
    assert_eq!(changes.len(), 2, "{edit:#}");
    for change in changes {
        assert_eq!(change["edits"][0]["newText"], "Ana Ruiz");
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rename_is_refused_with_its_reason_at_any_encoding() {
    for encoding in ["utf-8", "utf-16", "utf-32"] {
        let fixture = "//- sources/caf\u{e9}.txt\nDock workers walked out.\n//- refs.json\n[{\"id\": \"k24\"}]\n//- marginalia.toml\nbibliography = \"refs.json\"\n//- notes/open.md\n\u{1F600} [@k$024] and [@caf\u{e9}]\n";
        let mut session = FixtureSession::open(fixture, encoding).await;
        assert!(session.dir.path().join("sources/caf\u{e9}.txt").is_file(), "the fixture's files are written");
        let refused = session
            .server
            .try_request("textDocument/prepareRename", session.at_cursor(json!({})))
            .await
            .expect_err("a bibliography key is renamed where it is kept");
        assert!(
            refused["message"].as_str().unwrap().starts_with("`k24` is a key of `refs.json`"),
            "{encoding}: {refused}"
        );
        let (line, character) =
            (session.cursor["line"].as_u64().unwrap(), session.cursor["character"].as_u64().unwrap());
        // Inside the article's id, eleven ASCII characters after the cursor in every encoding; the emoji before both
        // counts one, two or four.
        let after = json!({ "line": line, "character": character + 11 });
        let prepared = session
            .server
            .request("textDocument/prepareRename", json!({ "textDocument": { "uri": session.uri }, "position": after }))
            .await;
        assert_eq!(prepared["placeholder"], "caf\u{e9}", "{encoding}");
        let start = prepared["range"]["start"]["character"].as_u64().unwrap();
        let emoji = match encoding {
            "utf-8" => 4,
            "utf-16" => 2,
            _ => 1,
        };
        assert_eq!(start, emoji + 14, "{encoding}: the id starts after `😀 [@k24] and [@`");
    }
}
