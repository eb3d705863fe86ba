//! Bibliography benchmark: reading libraries of growing size (CSL JSON and BibLaTeX, the shapes Zotero exports),
//! reading one with a broken entry, tying the entries to the generated corpus, and what completion and checks
//! cost once a library of that size is part of the workspace.
//!
//! `cargo bench --bench bibliography` runs 1,000 and 10,000 entries against as many articles;
//! `cargo bench --bench bibliography -- 50000` other sizes (the corpus of that size is generated once). Half of
//! the entries are tied to an article by their key, half have none.

#[path = "../common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use marginalia::analysis::{Analysis, Documentation, Note};
use marginalia::bibliography::{BibSyntax, Library, read};
use marginalia::corpus::Corpus;
use marginalia::load::Workspace;
use marginalia::text::TextSize;

fn main() {
    let mut sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = vec![1_000, 10_000];
    }
    println!("| measure | entries | median | p99 | runs |");
    println!("|---|---|---|---|---|");
    for size in sizes {
        run(size);
    }
}

/// Times `work` `runs` times and prints its median and p99.
fn measure(name: &str, size: usize, runs: usize, mut work: impl FnMut()) {
    work();
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed()
        })
        .collect();
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!("| {name} | {size} | {:.3} ms | {:.3} ms | {runs} |", ms(at(0.5)), ms(at(0.99)));
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// A library of `size` entries as CSL JSON and as BibLaTeX; entry `i` is keyed `article-{i:06}` (the generated
/// article's id) when `i` is even, `ref{i}` otherwise.
fn library(size: usize) -> (String, String) {
    let mut rng = common::generate::Rng::new(size as u64 ^ 0xb1b);
    let cast = common::cast(size);
    let outlets = ["The Coastal Courier", "Northport Herald", "Plains Daily", "The Evening Ledger"];
    let mut json = String::from("[\n");
    let mut bib = String::new();
    for i in 0..size {
        let key = if i % 2 == 0 { format!("article-{i:06}") } else { format!("ref{i}") };
        let author = cast.person(&mut rng);
        let (given, family) = author.rsplit_once(' ').unwrap_or(("", &author));
        let title = format!("Report number {i} on the harbour and the {}", rng.pick(&["strike", "budget", "harvest"]));
        let outlet = rng.pick(&outlets);
        let (year, month, day) = (2000 + rng.below(25), 1 + rng.below(12), 1 + rng.below(28));
        let comma = if i + 1 < size { "," } else { "" };
        json += &format!(
            "  {{\"id\": \"{key}\", \"type\": \"article-newspaper\", \"title\": \"{title}\", \"container-title\": \"{outlet}\", \"author\": [{{\"family\": \"{family}\", \"given\": \"{given}\"}}], \"issued\": {{\"date-parts\": [[\"{year}\", {month}, {day}]]}}, \"URL\": \"https://news.example/{i}\"}}{comma}\n"
        );
        bib += &format!(
            "@article{{{key},\n  title = {{{title}}},\n  author = {{{family}, {given}}},\n  journaltitle = {{{outlet}}},\n  entrysubtype = {{newspaper}},\n  date = {{{year}-{month:02}-{day:02}}},\n  url = {{https://news.example/{i}}},\n}}\n\n"
        );
    }
    json += "]\n";
    (json, bib)
}

fn run(size: usize) {
    let (json, bib) = library(size);
    let runs = if size >= 50_000 { 5 } else { 21 };
    measure("read CSL JSON", size, runs, || {
        assert_eq!(read::read(&json, BibSyntax::CslJson).0.len(), size);
    });
    measure("read BibLaTeX", size, runs, || {
        assert_eq!(read::read(&bib, BibSyntax::Biblatex).0.len(), size);
    });
    // One entry in the middle never closes: the file is read twice, without it.
    let middle = bib.match_indices("@article{").nth(size / 2).map_or(0, |(at, _)| at);
    let broken = format!("{}@article{{broken,\n  title = {{Never closed}}\n\n{}", &bib[..middle], &bib[middle..]);
    measure("read BibLaTeX with a broken entry", size, runs, || {
        let (entries, errors) = read::read(&broken, BibSyntax::Biblatex);
        assert_eq!((entries.len(), errors.len()), (size, 1));
    });

    let dir = common::generated(size);
    let (workspace, _) = Workspace::open(&dir);
    let (sources, _) = workspace.read_sources();
    let (corpus, _) = Corpus::new(sources, Default::default());
    let corpus = Arc::new(corpus);
    let library = Arc::new(Library::new(vec![(PathBuf::from("/bench/library.json"), Ok(json.clone()))]));
    measure("prepare names, articles only", size, runs.min(11), || {
        Analysis::new(corpus.clone()).prepare();
    });
    measure("tie entries to articles and prepare names", size, runs.min(11), || {
        Analysis::with_library(corpus.clone(), library.clone()).prepare();
    });
    let plain = Analysis::new(corpus.clone());
    plain.prepare();
    let with_library = Analysis::with_library(corpus.clone(), library.clone());
    with_library.prepare();

    // Completion of ids by an author's surname, as typed.
    let cast = common::cast(size);
    let mut rng = common::generate::Rng::new(7);
    let surnames: Vec<String> =
        (0..50).map(|_| cast.person(&mut rng).rsplit(' ').next().unwrap_or("a").chars().take(4).collect()).collect();
    let notes: Vec<(Note, TextSize)> = surnames
        .iter()
        .map(|typed| {
            let text = format!("See [@{typed}");
            let offset = TextSize::from(text.len() as u32);
            (Note::new(text), offset)
        })
        .collect();
    for (name, analysis) in [
        ("complete an id by author, articles only", &plain),
        ("complete an id by author, with the library", &with_library),
    ] {
        let mut i = 0;
        measure(name, size, 1_000, || {
            let (note, offset) = &notes[i % notes.len()];
            i += 1;
            let _ = analysis.completions_with(note, *offset, Documentation::OnResolve);
        });
    }

    // A note that cites 200 entries without an article (with a quote each) and 200 tied ones by key.
    let mut text = String::new();
    for i in 0..200.min(size / 2) {
        text += &format!("Claim [@ref{}, p. 3, \"the harbour\"] and [@article-{:06}].\n\n", 2 * i + 1, 2 * i);
    }
    let note = Note::new(text);
    measure("new analysis, then check a note of 400 bibliography citations", size, runs.min(11), || {
        let fresh = Analysis::with_library(corpus.clone(), library.clone());
        let diagnostics = fresh.diagnostics(&note);
        assert!(diagnostics.iter().all(|d| d.kind.code() == "quote-without-article"), "{:?}", diagnostics.first());
    });
}
