//! An edit storm against the built server over stdio: twenty thousand edits to one note, with completion and
//! hover requests among them and some of those cancelled at once. Every request is answered (or cancelled), the
//! server's memory stays flat, and the diagnostics it publishes for the final text are what `marginalia check`
//! says of the same text on disk.

#[allow(dead_code)] // The benchmark's client; the test uses part of it.
#[path = "../benches/lsp/client.rs"]
mod client;

#[path = "common/rng.rs"]
#[allow(dead_code)]
mod rng;
use rng::Rng;

use std::path::Path;

use client::{Client, url};
use serde_json::{Value, json};

/// Edits in the storm.
const EDITS: usize = 20_000;

const PIECES: &[&str] = &[
    "[@harbour-strike",
    "[@harbour-strike, \"",
    "until Friday unless the authority reopened talks",
    "\"]",
    "]",
    "[[Ana Ruiz]]",
    "[[Mirela Ostrov",
    "]]",
    "[@council-budget] ",
    "; @grain-harvest",
    " the ",
    "\n",
    "\n\n",
    "😀",
    "é",
    "`",
    "```\n",
    " said ",
    "[@nowhere]",
    ", \"painful but unavoidable\"]",
];

/// The byte offset of a character boundary near `at`.
fn boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The LSP position (line, UTF-16 column) of byte `offset` of `text`.
fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    json!({ "line": line, "character": before[line_start..].encode_utf16().count() })
}

/// The byte offset of an LSP position in `text`.
fn offset(text: &str, position: &Value) -> usize {
    let (line, character) = (position["line"].as_u64().unwrap() as usize, position["character"].as_u64().unwrap());
    let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[line_start..].char_indices() {
        if units >= character || c == '\n' {
            return line_start + i;
        }
        units += c.len_utf16() as u64;
    }
    text.len()
}

/// The resident memory of process `pid`, in MB.
fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn an_edit_storm_leaves_the_server_answering_flat_and_right() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("research");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/research"), &root);
    let mut client = Client::start(Path::new(env!("CARGO_BIN_EXE_marginalia")), &root, &dir.path().join("cache"));
    client.await_notification("$/progress", |p| p["value"]["kind"] == "end");
    let note_path = root.join("notes/storm.md");
    let uri = url(&note_path);
    let mut text = std::fs::read_to_string(root.join("notes/mistakes.md")).unwrap();
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": text } }),
    );
    let mut rng = Rng(0x570a);
    let mut version = 1;
    let mut asked = Vec::new();
    let mut rss_early = 0.0;
    for edit in 0..EDITS {
        // Insert a piece, or delete a little, keeping the note between a few hundred bytes and a few kilobytes.
        let start = boundary(&text, rng.below(text.len() + 1));
        let end = if text.len() > 4_000 || rng.below(3) == 0 { boundary(&text, start + rng.below(60)) } else { start };
        let inserted = if text.len() > 6_000 { "" } else { PIECES[rng.below(PIECES.len())] };
        let range = json!({ "start": position(&text, start), "end": position(&text, end) });
        text.replace_range(start..end, inserted);
        version += 1;
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "range": range, "text": inserted }]
            }),
        );
        if edit % 40 == 0 {
            let at = position(&text, boundary(&text, rng.below(text.len() + 1)));
            let method = if edit % 80 == 0 { "textDocument/completion" } else { "textDocument/hover" };
            let id = client.send_request(method, json!({ "textDocument": { "uri": uri }, "position": at }));
            if edit % 120 == 0 {
                client.notify("$/cancelRequest", json!({ "id": id }));
            }
            asked.push(id);
        }
        if edit == EDITS / 10 {
            rss_early = rss_mb(client.pid());
        }
    }
    // Every request is answered: with a result, or as cancelled (-32800).
    for id in asked {
        if let (Err(error), _) = client.await_answer(id) {
            assert_eq!(error["code"], -32800, "request {id}: {error}");
        }
    }
    let rss_late = rss_mb(client.pid());
    println!("server RSS: {rss_early:.1} MB after {} edits, {rss_late:.1} MB after {EDITS}", EDITS / 10);
    assert!(
        rss_late < rss_early + 25.0,
        "memory grew from {rss_early:.1} MB after {} edits to {rss_late:.1} MB after {EDITS}",
        EDITS / 10
    );
    // The diagnostics published for the final text are `check`'s for the same text.
    let (published, _) = client
        .await_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri.as_str() && p["version"] == version);
    std::fs::write(&note_path, &text).unwrap();
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .args(["check", note_path.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&check.stdout).unwrap();
    let summary = |diagnostics: Vec<(usize, usize, String, String)>| {
        let mut sorted = diagnostics;
        sorted.sort();
        sorted
    };
    let from_server = summary(
        published["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let (start, end) = (offset(&text, &d["range"]["start"]), offset(&text, &d["range"]["end"]));
                (start, end, d["code"].as_str().unwrap().to_string(), d["message"].as_str().unwrap().to_string())
            })
            .collect(),
    );
    let from_check = summary(
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let range = &d["byte_range"];
                let (start, end) = (range[0].as_u64().unwrap() as usize, range[1].as_u64().unwrap() as usize);
                (start, end, d["code"].as_str().unwrap().to_string(), d["message"].as_str().unwrap().to_string())
            })
            .collect(),
    );
    assert!(!from_check.is_empty(), "the storm leaves mistakes to report");
    assert_eq!(from_server, from_check);
    client.shutdown();
}
