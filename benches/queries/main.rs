//! Query benchmark: completion, hover and definition answered by the analysis in process, without the protocol,
//! on generated corpora of growing size, to show how their cost grows with the corpus (it should not, beyond
//! the items that match).
//!
//! `cargo bench --bench queries` runs 1,000 and 10,000 articles; `cargo bench --bench queries -- 100000` other
//! sizes. The probe note is the one `benches/lsp` asks from.

#[path = "../common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use marginalia::analysis::{Analysis, Documentation, Note};
use marginalia::corpus::Corpus;
use marginalia::load::Workspace;
use marginalia::text::TextSize;

/// Requests per measure.
const REQUESTS: usize = 1_000;

fn main() {
    let mut sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = vec![1_000, 10_000];
    }
    println!("| measure | articles | median | p99 | max | items (median) |");
    println!("|---|---|---|---|---|---|");
    for size in sizes {
        run(size);
    }
}

fn run(size: usize) {
    let dir = common::generated(size);
    let (workspace, _) = Workspace::open(&dir);
    let (sources, _) = workspace.read_sources();
    let (corpus, _) = Corpus::new(sources, Default::default());
    let analysis = Analysis::new(Arc::new(corpus));
    let mut rng = common::generate::Rng::new(size as u64 ^ 0xbe7c);
    let cast = common::cast(size);
    let articles = common::sample_articles(size, 200, &mut rng);
    let probe = common::Probe::new(&mut rng, &cast, &articles);
    let note = Note::new(probe.text.clone());

    let measure = |name: &str, offsets: &[usize], ask: &dyn Fn(TextSize) -> usize| {
        // One round first, so that what is built lazily on the first request is not counted.
        for &offset in offsets {
            ask(TextSize::from(offset as u32));
        }
        let mut samples = Vec::with_capacity(REQUESTS);
        let mut items = Vec::with_capacity(REQUESTS);
        for i in 0..REQUESTS {
            let offset = TextSize::from(offsets[i % offsets.len()] as u32);
            let started = Instant::now();
            items.push(ask(offset));
            samples.push(started.elapsed());
        }
        samples.sort();
        items.sort();
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
        println!(
            "| {name} | {size} | {:.3} ms | {:.3} ms | {:.3} ms | {} |",
            ms(at(0.5)),
            ms(at(0.99)),
            ms(*samples.last().unwrap()),
            items[items.len() / 2]
        );
    };
    // As a client that resolves documentation asks (VS Code does).
    let complete =
        |offset| analysis.completions_with(&note, offset, Documentation::OnResolve).map_or(0, |c| c.items.len());
    measure("completion after `[[`", &probe.entities, &complete);
    measure("completion after `[@`", &probe.sources, &complete);
    measure("completion inside a quote", &probe.quotes, &complete);
    let lines_index = marginalia::text::LineIndex::new(note.text());
    let lines = marginalia::lsp::convert::TextLines {
        text: note.text(),
        index: &lines_index,
        encoding: marginalia::text::PositionEncoding::Utf16,
        first_line: 0,
    };
    // The same list converted to the protocol's types, written as JSON and read back, as a server and an editor
    // do: the part of a completion's latency that grows with the number of items, not with the corpus.
    let wire = |offset| {
        let completions = analysis.completions_with(&note, offset, Documentation::OnResolve).unwrap();
        let list = marginalia::lsp::convert::completion_list(&lines, completions, true);
        let text = serde_json::to_string(&serde_json::to_value(&list).unwrap()).unwrap();
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        back["items"].as_array().map_or(0, Vec::len)
    };
    measure("completion after `[@`, as JSON written and read back", &probe.sources, &wire);
    let hover = |offset| usize::from(analysis.hover(&note, offset).is_some());
    measure("hover on a source id", &probe.cited_ids, &hover);
    measure("hover on a quote", &probe.quoted_words, &hover);
    measure("hover on an entity", &probe.mentions, &hover);
    let definition = |offset| analysis.goto_definition(&note, offset).len();
    measure("definition of a quote", &probe.quoted_words, &definition);

    // A note of 1,000 names and 1,000 ids that no article has, each with its "did you mean": checked first by a
    // fresh snapshot (nothing remembered), then again (as on the next save).
    let unknown = Note::new(common::generate::unknown_names_note(&mut rng, &articles, 1_000));
    let mut first = Vec::new();
    let mut again = Vec::new();
    for _ in 0..10 {
        let fresh = Analysis::new(analysis.shared_corpus());
        fresh.prepare();
        let started = Instant::now();
        let diagnostics = fresh.diagnostics(&unknown);
        first.push(started.elapsed());
        assert!(diagnostics.len() >= 2_000, "{} diagnostics", diagnostics.len());
        let started = Instant::now();
        fresh.diagnostics(&unknown);
        again.push(started.elapsed());
    }
    for (name, mut samples) in [("first check", first), ("checked again", again)] {
        samples.sort();
        println!(
            "| diagnostics of 1,000 unknown names and 1,000 unknown ids, {name} | {size} | {:.3} ms | {:.3} ms | {:.3} ms | |",
            ms(samples[samples.len() / 2]),
            ms(samples[samples.len() - 1]),
            ms(samples[samples.len() - 1])
        );
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}
