//! Language-server benchmark: the built `marginalia` binary driven over stdio as an editor drives it, on a
//! generated workspace (articles in `sources/`, notes in `notes/`).
//!
//! For each corpus size it measures the time to the first answer and to a complete index, completion after
//! `[[`, after `[@` and inside a quote, the documentation of an item, hover, go to definition, references,
//! diagnostics after saving a note of 1,000 citations, an article changed while the server runs, typing (a change and a completion) in a 10 MB note,
//! `marginalia check` over the workspace, and the server's peak memory. Every latency is taken over many requests; medians, p99s and maxima are printed.
//!
//! `cargo bench --bench lsp` runs 1,000 and 10,000 articles; `cargo bench --bench lsp -- 100000 1000000` other
//! sizes (a million articles is 4 GB of text, about 15 GB of memory and half an hour).

mod client;
#[path = "../common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use client::{Client, url};
use common::Probe;
use common::generate::Rng;
use serde_json::{Value, json};

/// Requests per latency measure.
const REQUESTS: usize = 300;
/// Saves of the 1,000-citation note.
const SAVES: usize = 30;
/// Runs of `marginalia check`.
const CHECKS: usize = 5;
/// Names, and ids, that no article has in the note of unknown names.
const UNKNOWN_NAMES: usize = 1_000;
/// Keystrokes typed into the 10 MB note.
const KEYSTROKES: usize = 120;
/// Size of the large note.
const LARGE_NOTE_BYTES: usize = 10_000_000;
/// The largest corpus the large note is opened on.
const LARGE_NOTE_MAX_ARTICLES: usize = 10_000;

fn main() {
    let mut sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = vec![1_000, 10_000];
    }
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_marginalia"));
    for size in sizes {
        run(&binary, size);
    }
}

/// Latencies of one measure.
struct Samples(Vec<Duration>);

impl Samples {
    fn row(mut self, measure: &str) {
        self.0.sort();
        let at = |q: f64| self.0[((self.0.len() - 1) as f64 * q).round() as usize];
        println!(
            "| {measure} | {:.3} ms | {:.3} ms | {:.3} ms | {} |",
            ms(at(0.5)),
            ms(at(0.99)),
            ms(*self.0.last().unwrap()),
            self.0.len()
        );
    }
}

fn run(binary: &Path, size: usize) {
    let dir = common::generated_with_notes(size);
    let text_mb = text_bytes(&dir.join("sources")) as f64 / 1e6;
    let mut rng = Rng::new(size as u64 ^ 0xbe7c);
    let cast = common::cast(size);
    let articles = common::sample_articles(size, 200, &mut rng);
    println!("\n### {size} articles ({text_mb:.1} MB of text)\n");

    // Start, and ask for a completion at once: the first answer comes while the corpus is being indexed.
    // A first start: nothing saved.
    let cache = dir.join("..").join(format!("bench-cache-{size}"));
    let _ = std::fs::remove_dir_all(&cache);
    let mut client = Client::start(binary, &dir, &cache);
    let probe = Probe::new(&mut rng, &cast, &articles);
    let at = |offsets: &[usize]| -> Vec<(u32, u32)> { offsets.iter().map(|&o| probe.position(o)).collect() };
    let probe_uri = url(&dir.join("notes/probe.md"));
    open(&mut client, &probe_uri, &probe.text);
    let (_, _) = client.request("textDocument/completion", position(&probe_uri, probe.position(probe.sources[0])));
    let first_answer = client.started.elapsed();
    let (articles_ready, ready) = await_ready(&mut client);
    let rss_articles = common::peak_rss_mb(&client.pid().to_string());
    let (end, complete_at) = client.await_notification("$/progress", |p| p["value"]["kind"] == "end");
    let complete = complete_at - client.started;
    let rss_ready = common::peak_rss_mb(&client.pid().to_string());
    // The probe's diagnostics are computed once the index is complete; requests are measured after, on a server
    // at rest (as when someone stops typing to look something up).
    if articles_ready != COMPLETE {
        client.await_notification("marginalia/status", |s| s["complete"] == true);
    }
    client.clear_pending();
    client.await_notification("textDocument/publishDiagnostics", |p| p["uri"] == probe_uri);
    println!("Indexing: {}.\n", end["value"]["message"].as_str().unwrap_or(""));
    println!("| measure | median | p99 | max | n |");
    println!("|---|---|---|---|---|");
    println!("| first answer (completion while indexing), from process start | {:.0} ms | | | 1 |", ms(first_answer));
    println!("| ready ({articles_ready}), from process start | {:.0} ms | | | 1 |", ms(ready));
    println!("| index complete (entities, passage index), from process start | {:.0} ms | | | 1 |", ms(complete));

    let measure = |client: &mut Client, method: &str, positions: &[(u32, u32)]| {
        Samples(
            (0..REQUESTS)
                .map(|i| client.request(method, position(&probe_uri, positions[i % positions.len()])).1)
                .collect(),
        )
    };
    measure(&mut client, "textDocument/completion", &at(&probe.entities)).row("completion after `[[`");
    measure(&mut client, "textDocument/completion", &at(&probe.sources)).row("completion after `[@`");
    measure(&mut client, "textDocument/completion", &at(&probe.quotes)).row("completion inside a quote");
    let items: Vec<Value> = at(&probe.sources)
        .into_iter()
        .map(|at| client.request("textDocument/completion", position(&probe_uri, at)).0["items"][0].clone())
        .collect();
    Samples(
        (0..REQUESTS).map(|i| client.request("completionItem/resolve", items[i % items.len()].clone()).1).collect(),
    )
    .row("documentation of a source on `completionItem/resolve`");
    measure(&mut client, "textDocument/hover", &at(&probe.cited_ids)).row("hover on a source id");
    measure(&mut client, "textDocument/hover", &at(&probe.quoted_words)).row("hover on a quote");
    measure(&mut client, "textDocument/hover", &at(&probe.mentions)).row("hover on an entity");
    measure(&mut client, "textDocument/definition", &at(&probe.quoted_words)).row("definition of a quote");
    let references = |client: &mut Client, positions: &[(u32, u32)]| {
        Samples(
            (0..REQUESTS)
                .map(|i| {
                    let mut params = position(&probe_uri, positions[i % positions.len()]);
                    params["context"] = json!({ "includeDeclaration": true });
                    client.request("textDocument/references", params).1
                })
                .collect(),
        )
    };
    references(&mut client, &at(&probe.cited_ids)).row("references to a source (51 notes on disk, 1 open)");
    references(&mut client, &at(&probe.mentions)).row("references to an entity (51 notes on disk, 1 open)");

    // Diagnostics after saving a note of 1,000 citations.
    let reading_uri = url(&dir.join("notes/reading.md"));
    let reading = std::fs::read_to_string(dir.join("notes/reading.md")).unwrap();
    open(&mut client, &reading_uri, &reading);
    client.await_notification("textDocument/publishDiagnostics", |p| p["uri"] == reading_uri);
    let saves = (0..SAVES)
        .map(|_| {
            client.clear_pending();
            let sent = Instant::now();
            client.notify("textDocument/didSave", json!({ "textDocument": { "uri": reading_uri } }));
            let (_, at) = client.await_notification("textDocument/publishDiagnostics", |p| p["uri"] == reading_uri);
            at - sent
        })
        .collect();
    Samples(saves).row("diagnostics after saving a 1,000-citation note");

    // A note of 1,000 names and 1,000 ids that no article has: each wants a "did you mean".
    let unknown = common::generate::unknown_names_note(&mut rng, &articles, UNKNOWN_NAMES);
    let unknown_uri = url(&dir.join("notes/unknown.md"));
    let opened = Instant::now();
    open(&mut client, &unknown_uri, &unknown);
    client.await_notification("textDocument/publishDiagnostics", |p| p["uri"] == unknown_uri);
    println!(
        "| diagnostics on opening a note of {UNKNOWN_NAMES} unknown names and {UNKNOWN_NAMES} unknown ids | {:.1} ms | | | 1 |",
        ms(opened.elapsed())
    );
    let saves = (0..SAVES)
        .map(|_| {
            client.clear_pending();
            let sent = Instant::now();
            client.notify("textDocument/didSave", json!({ "textDocument": { "uri": unknown_uri } }));
            let (_, at) = client.await_notification("textDocument/publishDiagnostics", |p| p["uri"] == unknown_uri);
            at - sent
        })
        .collect();
    Samples(saves).row("diagnostics after saving it");

    changes_while_running(&mut client, &dir, if size > 100_000 { 1 } else { LIVE_CHANGES });

    // Typing in a 10 MB note: each keystroke is a change and a completion request. Above 10,000 articles the
    // note's 90,000 citations take too long to check on opening (quotes with a changed word are looked for in
    // the whole corpus), so this part is left out there; typing does not depend on the corpus beyond completion.
    let large_mb = if size <= LARGE_NOTE_MAX_ARTICLES {
        type_in_large_note(&mut client, &dir, &mut rng, &cast, &articles)
    } else {
        println!("| typing in a 9 MB note | (not run above {LARGE_NOTE_MAX_ARTICLES} articles) | | | |");
        0.0
    };
    let peak = common::peak_rss_mb(&client.pid().to_string());
    client.shutdown();

    // A restart on the same articles reads the index saved by the first start; this client pulls diagnostics.
    let saved_bytes: u64 =
        std::fs::read_dir(&cache).unwrap().flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum();
    let mut client = Client::start_with(binary, &dir, &cache, true);
    let (end, restart_at) = client.await_notification("$/progress", |p| p["value"]["kind"] == "end");
    let restart = restart_at - client.started;
    let rss_restart = common::peak_rss_mb(&client.pid().to_string());
    println!(
        "| ready after a restart on unchanged articles ({}) | {:.0} ms | | | 1 |",
        end["value"]["message"].as_str().unwrap_or(""),
        ms(restart)
    );
    pull_and_articles(&mut client, &dir, &articles);
    client.shutdown();
    // Above 100,000 articles a restart after changes takes minutes: it is measured once.
    restarts_after_changes(binary, &dir, &cache, ready, if size > 100_000 { 1 } else { RESTARTS });

    // Above 100,000 articles a check is the server's first start again: many minutes, and as much memory.
    let runs = if size <= LARGE_NOTE_MAX_ARTICLES { CHECKS } else { usize::from(size <= 100_000) };
    let checks: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let status = std::process::Command::new(binary).arg("check").arg(&dir).output().unwrap().status;
            assert!(status.code().is_some_and(|c| c <= 1), "check failed to run: {status}");
            started.elapsed()
        })
        .collect();
    match checks.is_empty() {
        true => println!("| `marginalia check` over the workspace | (not run above 100,000 articles) | | | |"),
        false => Samples(checks).row("`marginalia check` over the workspace (51 notes, 3,000 citations)"),
    }
    println!(
        "\nPeak RSS of the server: {rss_articles:.0} MB when ready for citations ({:.1}× the text), {rss_ready:.0} MB \
         when the index is complete ({:.1}×), {peak:.0} MB at the end with the \
         {:.0} MB note open ({:.1}× the text and the note); {rss_restart:.0} MB when ready after a restart \
         ({:.1}×). Saved index: {:.1} MB.",
        rss_articles / text_mb,
        rss_ready / text_mb,
        large_mb,
        peak / (text_mb + large_mb),
        rss_restart / text_mb,
        saved_bytes as f64 / 1e6
    );
}

/// Articles changed, one at a time, while the server runs.
const LIVE_CHANGES: usize = 5;

/// Articles changed on disk while the server runs, one at a time, as an editor's file watcher reports them
/// (`workspace/didChangeWatchedFiles`): each gets a sentence more, then its text and modification time back, and
/// the time from the report to the server's status saying the rebuilt index is ready is taken for both. The
/// workspace ends as it was, so that the restart after it finds the index the first start saved.
fn changes_while_running(client: &mut Client, dir: &Path, changes: usize) {
    let mut sources: Vec<PathBuf> =
        std::fs::read_dir(dir.join("sources")).unwrap().flatten().map(|e| e.path()).collect();
    sources.sort();
    let rebuilt = |client: &mut Client, path: &Path| {
        client.clear_pending();
        let sent = Instant::now();
        let event = json!({ "uri": url(path), "type": 2 });
        client.notify("workspace/didChangeWatchedFiles", json!({ "changes": [event] }));
        let (_, at) = client.await_notification("marginalia/status", |s| s["state"] == "ready");
        at - sent
    };
    let mut times = Vec::new();
    for path in sources.iter().skip(sources.len() / (2 * changes)).step_by(sources.len() / changes).take(changes) {
        let original = std::fs::read_to_string(path).unwrap();
        let modified = std::fs::metadata(path).unwrap().modified().unwrap();
        std::fs::write(path, format!("{original}\nThe harbour board met again while the server ran.\n")).unwrap();
        times.push(rebuilt(client, path));
        std::fs::write(path, &original).unwrap();
        std::fs::File::options().write(true).open(path).unwrap().set_modified(modified).unwrap();
        times.push(rebuilt(client, path));
    }
    Samples(times).row("an article changed on disk while the server runs: index rebuilt (status ready)");
}

/// Articles changed per restart after changes.
const CHANGED_PER_RESTART: usize = 10;
/// Restarts after changes measured.
const RESTARTS: usize = 5;

/// Restarts after a few articles changed while the server was stopped: each time another
/// [`CHANGED_PER_RESTART`] articles get a sentence more, the server starts, and the time to ready is taken; the
/// saved index it writes back is waited for, so that each start finds only its own changes.
fn restarts_after_changes(binary: &Path, dir: &Path, cache: &Path, first_start: Duration, restarts: usize) {
    let mut sources: Vec<PathBuf> =
        std::fs::read_dir(dir.join("sources")).unwrap().flatten().map(|e| e.path()).collect();
    sources.sort();
    let index = || std::fs::read_dir(cache).unwrap().flatten().find(|e| e.path().extension() == Some("index".as_ref()));
    let saved_at = || index().and_then(|e| e.metadata().ok()).and_then(|m| m.modified().ok());
    let mut times = Vec::new();
    let mut complete_times = Vec::new();
    let mut message = String::new();
    for round in 0..restarts {
        for path in
            sources.iter().skip(round * 97).step_by(sources.len() / CHANGED_PER_RESTART).take(CHANGED_PER_RESTART)
        {
            let mut text = std::fs::read_to_string(path).unwrap();
            text.push_str(&format!("\nThe harbour board met again in round {round}.\n"));
            std::fs::write(path, text).unwrap();
        }
        let before = saved_at();
        let mut client = Client::start(binary, dir, cache);
        times.push(await_ready(&mut client).1);
        let (end, complete_at) = client.await_notification("$/progress", |p| p["value"]["kind"] == "end");
        complete_times.push(complete_at - client.started);
        message = end["value"]["message"].as_str().unwrap_or("").to_string();
        for _ in 0..600 {
            if saved_at() != before {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        client.shutdown();
    }
    times.sort();
    complete_times.sort();
    let median = times[times.len() / 2];
    println!(
        "| ready after a restart with {CHANGED_PER_RESTART} articles changed ({message}) | {:.0} ms | | {:.0} ms | {} |",
        ms(median),
        ms(*times.last().unwrap()),
        times.len()
    );
    println!(
        "| index complete after a restart with {CHANGED_PER_RESTART} articles changed | {:.0} ms | | {:.0} ms | {} |",
        ms(complete_times[complete_times.len() / 2]),
        ms(*complete_times.last().unwrap()),
        complete_times.len()
    );
    println!("| (ready vs the first start) | {:.2}× | | | |", median.as_secs_f64() / first_start.as_secs_f64());
}

/// What a server ready with its index complete is ready for (see [`await_ready`]).
const COMPLETE: &str = "index complete";

/// Waits for the server to say it is ready (`marginalia/status`): for citations and quotes, or complete when the
/// corpus is small enough to be completed at once. What it was ready for, and when, from process start.
fn await_ready(client: &mut Client) -> (&'static str, Duration) {
    let (status, at) = client.await_notification("marginalia/status", |s| s["state"] == "ready");
    let what = if status["complete"] == true { COMPLETE } else { "articles: ids, titles, quotes" };
    (what, at - client.started)
}

/// Pulled diagnostics of the whole workspace (the 51 notes on disk: the first pull, then pulls with the result
/// ids the client has), then references from a sentence of an open article and its lens.
fn pull_and_articles(client: &mut Client, dir: &Path, articles: &[(String, String)]) {
    let (first, took) = client.request("workspace/diagnostic", json!({ "previousResultIds": [] }));
    let items = first["items"].as_array().cloned().unwrap_or_default();
    println!("| workspace diagnostics pulled, first pull ({} notes) | {:.1} ms | | | 1 |", items.len(), ms(took));
    let full = (0..SAVES).map(|_| client.request("workspace/diagnostic", json!({ "previousResultIds": [] })).1);
    Samples(full.collect()).row("workspace diagnostics pulled again, every note reported");
    let known: Vec<Value> =
        (items.iter()).filter_map(|item| Some(json!({ "uri": item["uri"], "value": item.get("resultId")? }))).collect();
    let unchanged = (0..SAVES).map(|_| client.request("workspace/diagnostic", json!({ "previousResultIds": known })).1);
    Samples(unchanged.collect()).row("workspace diagnostics pulled again, nothing changed (\"unchanged\" reports)");

    let (id, text) = &articles[0];
    let article_uri = url(&dir.join("sources").join(format!("{id}.txt")));
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": article_uri, "languageId": "plaintext", "version": 1, "text": text } }),
    );
    let lines = text.lines().count().max(1) as u32;
    let references = (0..REQUESTS).map(|i| {
        let mut params = position(&article_uri, ((i as u32 * 7) % lines, 3));
        params["context"] = json!({ "includeDeclaration": false });
        client.request("textDocument/references", params).1
    });
    Samples(references.collect()).row("references from a sentence of an open article (51 notes)");
    let lens = (0..REQUESTS)
        .map(|_| client.request("textDocument/codeLens", json!({ "textDocument": { "uri": article_uri } })).1);
    Samples(lens.collect()).row("the lens of an open article (51 notes)");
}

/// Opens a 10 MB note, waits for its diagnostics, types into it (a change and a completion per keystroke),
/// prints both, and returns the note's size in MB.
fn type_in_large_note(
    client: &mut Client,
    dir: &Path,
    rng: &mut Rng,
    cast: &common::generate::Cast,
    articles: &[(String, String)],
) -> f64 {
    let large = common::generate::note(rng, cast, articles, LARGE_NOTE_BYTES / 100);
    let large_uri = url(&dir.join("notes/large.md"));
    let opened = Instant::now();
    open(client, &large_uri, &large);
    client.await_notification("textDocument/publishDiagnostics", |p| p["uri"] == large_uri);
    let large_diagnostics = opened.elapsed();
    let line = large.lines().count() as u32 / 2;
    let column = large.lines().nth(line as usize).unwrap().encode_utf16().count() as u32;
    let typed = " [[Kar";
    let mut version = 1;
    let mut keystrokes = Vec::new();
    while keystrokes.len() < KEYSTROKES {
        for (n, c) in typed.chars().enumerate() {
            version += 1;
            let at = column + n as u32;
            let sent = Instant::now();
            change(client, &large_uri, version, (line, at), (line, at), &c.to_string());
            let id = client.send_request("textDocument/completion", position(&large_uri, (line, at + 1)));
            client.await_response(id);
            keystrokes.push(sent.elapsed());
        }
        version += 1;
        change(client, &large_uri, version, (line, column), (line, column + typed.len() as u32), "");
    }
    Samples(keystrokes).row(&format!("typing in a {:.0} MB note (change + completion)", large.len() as f64 / 1e6));
    println!(
        "| diagnostics of the {:.0} MB note on opening | {:.0} ms | | | 1 |",
        large.len() as f64 / 1e6,
        ms(large_diagnostics)
    );
    large.len() as f64 / 1e6
}

fn open(client: &mut Client, uri: &str, text: &str) {
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": text } }),
    );
}

fn change(client: &mut Client, uri: &str, version: i32, start: (u32, u32), end: (u32, u32), text: &str) {
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{
                "range": {
                    "start": { "line": start.0, "character": start.1 },
                    "end": { "line": end.0, "character": end.1 }
                },
                "text": text
            }]
        }),
    );
}

fn position(uri: &str, (line, character): (u32, u32)) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn text_bytes(sources: &Path) -> u64 {
    std::fs::read_dir(sources).unwrap().filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum()
}
