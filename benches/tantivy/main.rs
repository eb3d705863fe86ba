//! What tantivy (memory-mapped segments on disk) costs and answers on the corpora of marginalia's benchmarks:
//! the time and memory to index the articles, the index's size on disk, and the latency and resident memory of
//! the two lookups marginalia makes of its corpus: "which articles contain these words?" (a phrase query, what
//! the passage index answers) and "the text of the article with this id" (a term query and a stored document,
//! what a quote check in the cited article needs when texts are not held in memory).
//!
//! `cargo run --release -- build <workspace> <index folder>` indexes `<workspace>/sources/*.txt`;
//! `cargo run --release -- query <workspace> <index folder>` opens the index and measures the lookups, each in a
//! fresh process so that peak memory is its own. See BENCHMARKS.md for the figures.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tantivy::collector::TopDocs;
use tantivy::query::{PhraseQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, STORED, STRING, Schema, TEXT, Value};
use tantivy::{Index, IndexWriter, TantivyDocument, Term, doc};

/// Lookups timed per measure.
const LOOKUPS: usize = 1_000;
/// Words per quote looked up: a quote of five words or more is what marginalia's passage index guarantees.
const QUOTE_WORDS: usize = 6;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, workspace, index] = args.as_slice() else {
        eprintln!("usage: tantivy-comparison build|query <workspace> <index folder>");
        std::process::exit(2);
    };
    let (workspace, index) = (Path::new(workspace), Path::new(index));
    match mode.as_str() {
        "build" => build(workspace, index),
        "query" => query(workspace, index),
        _ => {
            eprintln!("unknown mode `{mode}`: build or query");
            std::process::exit(2);
        }
    }
}

fn schema() -> (Schema, Field, Field) {
    let mut builder = Schema::builder();
    let id = builder.add_text_field("id", STRING | STORED);
    let body = builder.add_text_field("body", TEXT | STORED);
    (builder.build(), id, body)
}

/// The articles of `workspace`, by path.
fn articles(workspace: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(workspace.join("sources"))
        .expect("a workspace with sources/")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
}

fn build(workspace: &Path, folder: &Path) {
    let started = Instant::now();
    let _ = std::fs::remove_dir_all(folder);
    std::fs::create_dir_all(folder).unwrap();
    let (schema, id, body) = schema();
    let index = Index::create_in_dir(folder, schema).unwrap();
    // Two indexing threads (this machine's cores) sharing 256 MB of buffers before each segment is written.
    let mut writer: IndexWriter = index.writer_with_num_threads(2, 256 << 20).unwrap();
    let mut bytes = 0;
    let paths = articles(workspace);
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        bytes += text.len();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        writer.add_document(doc!(id => stem, body => text)).unwrap();
    }
    writer.commit().unwrap();
    writer.wait_merging_threads().unwrap();
    let took = started.elapsed();
    let on_disk = folder_bytes(folder);
    println!(
        "build: {} articles, {:.1} MB of text in {:.1} s ({:.1} MB/s); index on disk {:.1} MB ({:.2}× the text); \
         peak RSS {:.0} MB ({:.2}× the text)",
        paths.len(),
        bytes as f64 / 1e6,
        took.as_secs_f64(),
        bytes as f64 / 1e6 / took.as_secs_f64(),
        on_disk as f64 / 1e6,
        on_disk as f64 / bytes as f64,
        memory("VmHWM") / 1e6,
        memory("VmHWM") / bytes as f64,
    );
}

fn query(workspace: &Path, folder: &Path) {
    let started = Instant::now();
    let (_, id, body) = schema();
    let index = Index::open_in_dir(folder).unwrap();
    let reader = index.reader().unwrap();
    let searcher = reader.searcher();
    let opened = started.elapsed();
    println!(
        "open: {:.0} ms, RSS {:.0} MB (anonymous {:.0} MB, file pages {:.0} MB)",
        opened.as_secs_f64() * 1e3,
        memory("VmRSS") / 1e6,
        memory("RssAnon") / 1e6,
        memory("RssFile") / 1e6
    );
    // Quotes of six consecutive words from articles spread over the corpus, and the ids they come from.
    let paths = articles(workspace);
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let samples: Vec<(String, Vec<String>)> = (0..LOOKUPS)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let path = &paths[(state % paths.len() as u64) as usize];
            let text = std::fs::read_to_string(path).unwrap();
            let words: Vec<String> =
                text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
            let at = (state as usize / 7) % words.len().saturating_sub(QUOTE_WORDS).max(1);
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            (stem, words[at..(at + QUOTE_WORDS).min(words.len())].to_vec())
        })
        .collect();
    let mut phrase = Vec::new();
    let (mut found, mut own) = (0, 0);
    for (stem, words) in &samples {
        let terms: Vec<Term> = words.iter().map(|w| Term::from_field_text(body, w)).collect();
        let started = Instant::now();
        let hits = searcher.search(&PhraseQuery::new(terms), &TopDocs::with_limit(3)).unwrap();
        let ids: Vec<String> = hits
            .iter()
            .map(|(_, address)| {
                let document: TantivyDocument = searcher.doc(*address).unwrap();
                document.get_first(id).and_then(|v| v.as_str()).unwrap_or_default().to_string()
            })
            .collect();
        phrase.push(started.elapsed());
        found += usize::from(!ids.is_empty());
        own += usize::from(ids.contains(stem));
    }
    let mut by_id = Vec::new();
    for (stem, _) in &samples {
        let started = Instant::now();
        let query = TermQuery::new(Term::from_field_text(id, stem), IndexRecordOption::Basic);
        let hits = searcher.search(&query, &TopDocs::with_limit(1)).unwrap();
        let document: TantivyDocument = searcher.doc(hits[0].1).unwrap();
        let text = document.get_first(body).and_then(|v| v.as_str()).unwrap_or_default().len();
        std::hint::black_box(text);
        by_id.push(started.elapsed());
    }
    println!(
        "phrase query of {QUOTE_WORDS} words with the ids of the best 3: {} (found in some article for \
         {found}/{LOOKUPS}, the quote's own article among the 3 for {own})",
        summary(phrase)
    );
    println!("article text by id (term query, stored document): {}", summary(by_id));
    println!(
        "after the lookups: RSS {:.0} MB (anonymous {:.0} MB, file pages {:.0} MB), peak {:.0} MB",
        memory("VmRSS") / 1e6,
        memory("RssAnon") / 1e6,
        memory("RssFile") / 1e6,
        memory("VmHWM") / 1e6
    );
}

/// Median, p99 and maximum of `times`.
fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e3;
    format!("median {:.3} ms, p99 {:.3} ms, max {:.3} ms", at(0.5), at(0.99), at(1.0))
}

/// A field of `/proc/self/status`, in bytes.
fn memory(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|line| line.starts_with(&format!("{field}:"))).unwrap_or("");
    line.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()).unwrap_or(0.0) * 1024.0
}

/// The bytes of the files in `folder`.
fn folder_bytes(folder: &Path) -> u64 {
    std::fs::read_dir(folder).unwrap().flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum()
}
