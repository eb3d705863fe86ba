//! One very large article: indexing time and peak memory, and the latency of hover, definition, completion and
//! diagnostics on a note that cites it. Each answer must stay bounded whatever the size of the one article.
//!
//! `cargo bench --bench large` builds a 50 MB article (`-- 200` for 200 MB; the number is megabytes) from
//! generated paragraphs, each line made unique by a reference number so that quotes have one place.

#[allow(dead_code)] // The language-server benchmark's client; this one uses part of it.
#[path = "../lsp/client.rs"]
mod client;
#[path = "../common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use marginalia::analysis::{Analysis, Documentation, Note};
use marginalia::corpus::{Corpus, EntityOverrides, Source};
use marginalia::text::TextSize;

/// Requests per measure.
const REQUESTS: usize = 200;

fn main() {
    let megabytes: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(50);
    let mut rng = common::generate::Rng::new(megabytes as u64);
    let cast = common::generate::Cast::new(&mut rng, 2_000);
    let mut text = String::with_capacity(megabytes << 20);
    let mut line_number = 0;
    while text.len() < megabytes << 20 {
        for line in common::generate::article(&mut rng, &cast, 5_000).lines() {
            line_number += 1;
            text.push_str(line.trim_end_matches('.'));
            text.push_str(&format!(" (ref {line_number:08}).\n"));
        }
    }
    // Lines without quotation marks of their own, so that a quote being typed is not closed early.
    text.shrink_to_fit();
    let lines: Vec<&str> = text.lines().filter(|line| !line.contains(['\u{201C}', '\u{201D}'])).collect();
    // Quotes from lines spread over the article: exact ones, and the same with one word changed.
    let quoted: Vec<String> = (0..20)
        .map(|i| {
            let line = lines[(i * 2 + 1) * lines.len() / 41];
            let words: Vec<&str> = line.split_whitespace().collect();
            words[words.len().saturating_sub(8)..].join(" ")
        })
        .collect();
    let small: Vec<Source> = (0..10)
        .map(|i| {
            let text = common::generate::article(&mut rng, &cast, 4_000);
            Source::new(format!("small-{i}"), format!("sources/small-{i}.txt").into(), text)
        })
        .collect();
    let text_bytes = text.len();
    let before = common::peak_rss_mb("self");
    let started = Instant::now();
    // The same article in a workspace on disk, for the server over stdio at the end.
    let workspace = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-large-{megabytes}"));
    std::fs::create_dir_all(workspace.join("sources")).unwrap();
    std::fs::write(workspace.join("sources/big.txt"), &text).unwrap();
    let big = Source::new("big".to_string(), "sources/big.txt".into(), text);
    let after_source = common::peak_rss_mb("self");
    let read = started.elapsed();
    let mut sources = small;
    sources.push(big);
    let (corpus, _) = Corpus::new(sources, EntityOverrides::default());
    let indexing = started.elapsed();
    let analysis = Analysis::new(Arc::new(corpus));
    analysis.prepare();
    let peak = common::peak_rss_mb("self");
    println!("article: {:.1} MB, {line_number} lines", text_bytes as f64 / (1 << 20) as f64);
    println!(
        "indexing: {:.2} s ({:.2} s reading the article alone); peak RSS {:.0} MB before, {:.0} MB after reading the article alone, {:.0} MB after the corpus was built ({:.2}x the article)",
        indexing.as_secs_f64(),
        read.as_secs_f64(),
        before,
        after_source,
        peak,
        peak * (1 << 20) as f64 / text_bytes as f64
    );

    let mut note = String::new();
    let mut quote_offsets = Vec::new();
    let mut open_quotes = Vec::new();
    let mut id_offsets = Vec::new();
    for quote in &quoted {
        id_offsets.push(note.len() + "See [@".len() + 1);
        note.push_str("See [@big].\n\n");
        quote_offsets.push(note.len() + "Said [@big, \"".len() + 2);
        note.push_str(&format!("Said [@big, \"{quote}\"].\n\n"));
        let typed: Vec<&str> = quote.split_whitespace().take(3).collect();
        let line = format!("As [@big, \"{}", typed.join(" "));
        open_quotes.push(note.len() + line.len());
        note.push_str(&line);
        note.push_str("\n\n");
        let altered = quote.replacen("said", "told", 1).replacen("the", "a", 1);
        note.push_str(&format!("Altered [@big, \"{altered}\"].\n\n"));
    }
    let note = Note::new(note);

    println!("| measure | median | p99 | max |");
    println!("|---|---|---|---|");
    let measure = |name: &str, offsets: &[usize], ask: &dyn Fn(TextSize) -> usize| {
        let samples: Vec<Duration> = (0..REQUESTS)
            .map(|i| {
                let offset = TextSize::from(offsets[i % offsets.len()] as u32);
                let started = Instant::now();
                let answered = ask(offset);
                assert!(answered > 0, "{name} answered nothing");
                started.elapsed()
            })
            .collect();
        print_row(name, samples);
    };
    measure("hover on the id", &id_offsets, &|offset| usize::from(analysis.hover(&note, offset).is_some()));
    measure("hover on a quote", &quote_offsets, &|offset| usize::from(analysis.hover(&note, offset).is_some()));
    measure("definition of a quote", &quote_offsets, &|offset| analysis.goto_definition(&note, offset).len());
    measure("completion inside a quote", &open_quotes, &|offset| {
        analysis.completions_with(&note, offset, Documentation::OnResolve).map_or(0, |c| c.items.len())
    });
    let started = Instant::now();
    let diagnostics = analysis.diagnostics(&note);
    println!(
        "diagnostics of the note (20 exact quotes, 20 altered, 20 open): {:.1} ms, {} diagnostics",
        ms(started.elapsed()),
        diagnostics.len()
    );
    println!("peak RSS at the end: {:.0} MB", common::peak_rss_mb("self"));
    drop(analysis);
    over_stdio(&workspace, note.text(), &id_offsets, &quote_offsets, &open_quotes, text_bytes);
}

/// The same requests to the built server over stdio, on the article written to disk: time to ready, latencies
/// and the server's peak memory.
fn over_stdio(workspace: &std::path::Path, note: &str, ids: &[usize], quotes: &[usize], open: &[usize], bytes: usize) {
    use serde_json::json;
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_marginalia"));
    let cache = workspace.join("../bench-large-cache");
    let _ = std::fs::remove_dir_all(&cache);
    let mut client = client::Client::start(binary, workspace, &cache);
    let (_, ready_at) = client.await_notification("$/progress", |p| p["value"]["kind"] == "end");
    let ready = ready_at - client.started;
    let uri = client::url(&workspace.join("notes/probe.md"));
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": note } }),
    );
    client.await_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri.as_str());
    let position = |offset: usize| {
        let before = &note[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        json!({ "textDocument": { "uri": uri }, "position": {
            "line": before.matches('\n').count(), "character": before[line_start..].encode_utf16().count() } })
    };
    println!("\nThe server over stdio: ready {:.2} s after it started.", ready.as_secs_f64());
    println!("| measure | median | p99 | max |");
    println!("|---|---|---|---|");
    for (name, method, offsets) in [
        ("hover on the id", "textDocument/hover", ids),
        ("hover on a quote", "textDocument/hover", quotes),
        ("definition of a quote", "textDocument/definition", quotes),
        ("completion inside a quote", "textDocument/completion", open),
    ] {
        let samples: Vec<Duration> =
            (0..REQUESTS).map(|i| client.request(method, position(offsets[i % offsets.len()])).1).collect();
        print_row(name, samples);
    }
    let peak = common::peak_rss_mb(&client.pid().to_string());
    println!("server peak RSS: {peak:.0} MB ({:.2}x the article)", peak * (1 << 20) as f64 / bytes as f64);
    client.shutdown();
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// Prints one row of a table: the median, p99 and maximum of `samples`.
fn print_row(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!("| {name} | {:.3} ms | {:.3} ms | {:.3} ms |", ms(at(0.5)), ms(at(0.99)), ms(*samples.last().unwrap()));
}
