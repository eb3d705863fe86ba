//! Quote benchmark on a generated corpus: an exact quote check in the cited article, a near-miss search in the
//! cited article, and a reverse lookup ("which article said this?") over the whole corpus, each timed over many
//! quotes taken from random articles; and the memory of the passage index against the text.
//!
//! `cargo bench --bench quotes` (10,000 articles); `cargo bench --bench quotes -- 1000` for another size;
//! `SHOW_MISSES=1` prints every quote the reverse lookup did not find.

#[path = "../common/mod.rs"]
mod common;

use std::time::Instant;

use marginalia::corpus::{Corpus, quotes};
use marginalia::load::Workspace;

const QUOTES: usize = 1_000;

fn main() {
    let size = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(10_000);
    let dir = common::generated(size);
    let (workspace, _) = Workspace::open(&dir);
    let (sources, _) = workspace.read_sources();
    let (corpus, _) = Corpus::new(sources, Default::default());
    let mut rng = common::generate::Rng::new(7);
    let samples: Vec<(usize, String)> = (0..QUOTES)
        .map(|_| {
            let index = rng.below(corpus.len());
            let words: Vec<&str> = corpus.source_at(index as u32).text.split_whitespace().collect();
            let length = 5 + rng.below(11);
            let start = rng.below(words.len().saturating_sub(length).max(1));
            (index, words[start..(start + length).min(words.len())].join(" "))
        })
        .collect();

    let exact = time(&samples, |(index, quote)| {
        let source = corpus.source_at(*index as u32);
        assert!(!quotes::find_all(&source.text, source.body, quote).unwrap().is_empty(), "{quote}");
    });
    let near_misses: Vec<(usize, String)> = samples
        .iter()
        .map(|(index, quote)| {
            let mut words: Vec<&str> = quote.split(' ').collect();
            let middle = words.len() / 2;
            words[middle] = "zebra";
            (*index, words.join(" "))
        })
        .collect();
    let near = time(&near_misses, |(index, quote)| {
        let source = corpus.source_at(*index as u32);
        std::hint::black_box(quotes::closest_passages(&source.text, source.body, quote, 3));
    });
    let mut found = 0;
    // Generated articles share stock phrases, so a quote is often in many articles: any verified hit counts.
    let reverse = time(&samples, |(index, quote)| {
        if !corpus.find_quote(quote, 3).is_empty() {
            found += 1;
        } else if std::env::var_os("SHOW_MISSES").is_some() {
            let source = corpus.source_at(*index as u32);
            let direct = quotes::find_all(&source.text, source.body, quote).unwrap().len();
            eprintln!("missed: {quote:?} (found {direct} times in its own article {})", source.id);
        }
    });
    let text = corpus.text_bytes() as f64;
    println!("corpus: {} articles, {:.1} MB of text, {QUOTES} quotes of 5–15 words", corpus.len(), text / 1e6);
    println!("| measure | median | p99 | max |");
    println!("|---|---|---|---|");
    for (name, times) in [
        ("exact check in the cited article", exact),
        ("near miss in the cited article", near),
        ("reverse lookup over the corpus", reverse),
    ] {
        println!(
            "| {name} | {} | {} | {} |",
            ms(percentile(&times, 50)),
            ms(percentile(&times, 99)),
            ms(percentile(&times, 100))
        );
    }
    println!(
        "reverse lookup found an article for {found}/{QUOTES} quotes; passage index {:.1} MB ({:.2}× the text)",
        corpus.passage_index_bytes() as f64 / 1e6,
        corpus.passage_index_bytes() as f64 / text
    );
}

fn time<T>(samples: &[T], mut run: impl FnMut(&T)) -> Vec<f64> {
    let mut times: Vec<f64> = samples
        .iter()
        .map(|sample| {
            let started = Instant::now();
            run(sample);
            started.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times
}

fn percentile(sorted: &[f64], p: usize) -> f64 {
    sorted[((sorted.len() - 1) * p / 100).min(sorted.len() - 1)]
}

fn ms(seconds: f64) -> String {
    format!("{:.3} ms", seconds * 1e3)
}
