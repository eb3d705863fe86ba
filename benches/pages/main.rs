//! Extracted sources benchmark (saved web pages and PDFs): how fast a file's text is extracted (for a page, how many
//! of its words are placed on their bytes in the page), how long a workspace of such files takes to be ready next to
//! the same texts as `.txt` files, and how long a restart takes once the extracted texts are in the saved index.
//!
//! `cargo bench --bench pages` measures 10,000 generated pages (the texts of the `index` benchmark's corpus, each in
//! a page about four times its size: scripts, styles, navigation, cookie banner, advertising, related links, footer);
//! `cargo bench --bench pages -- 1000` measures other sizes; `cargo bench --bench pages -- --pdf 10000` measures the
//! same texts as PDFs (written with `lopdf`: compressed pages of Helvetica, one or two pages each), and one long
//! report of all of them. Ready times run in fresh processes, for their own peak memory. The restarts (unchanged,
//! and after ten files changed) alone: `cargo bench --bench pages -- --restart [--pdf]`.

#[path = "../common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use marginalia::load::{self, IndexCache, LoadOptions, NotesToRead, html, pdf};

/// Runs of each ready-time measurement.
const RUNS: usize = 3;
/// Pages timed one by one for the extraction figures.
const EXTRACTED: usize = 1_000;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    match args.as_slice() {
        [flag, dir] if flag == "--measure" => return common::index_in_this_process(Path::new(dir)),
        // For a profiler: `perf record cargo bench --bench pages -- --extraction 1000`.
        [flag, size] if flag == "--extraction" => {
            let size = size.parse().unwrap();
            return extraction(&common::generated_pages(size), size);
        }
        _ => {}
    }
    let mut sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = vec![10_000];
    }
    let pdfs = args.iter().any(|a| a == "--pdf");
    // `--restart`: the restarts alone (unchanged, and after a few changes).
    let only_restarts = args.iter().any(|a| a == "--restart");
    for size in sizes {
        let texts = common::generated(size);
        if pdfs {
            let files = common::generated_pdfs(size);
            if !only_restarts {
                pdf_extraction(&files, size.min(EXTRACTED));
                long_report(&texts, size.min(EXTRACTED));
                ready(size, &texts, &files, ".pdf");
            }
            restart(&files);
        } else {
            let pages = common::generated_pages(size);
            if !only_restarts {
                extraction(&pages, size.min(EXTRACTED));
                ready(size, &texts, &pages, ".html");
            }
            restart(&pages);
        }
    }
}

/// PDF extraction alone, one file at a time on one core, from files already in memory: parsing, each page's content
/// stream, the layout of its text, the metadata.
fn pdf_extraction(files: &Path, count: usize) {
    let files: Vec<Vec<u8>> =
        (0..count).map(|i| std::fs::read(files.join("sources").join(format!("article-{i:06}.pdf"))).unwrap()).collect();
    let bytes: usize = files.iter().map(Vec::len).sum();
    let (mut times, mut pages, mut text_bytes) = (Vec::with_capacity(count), 0usize, 0usize);
    let started = Instant::now();
    for file in &files {
        let one = Instant::now();
        let read = pdf::extract(file).unwrap();
        times.push(one.elapsed().as_secs_f64() * 1e3);
        pages += read.pages.len();
        text_bytes += read.text.len();
    }
    let total = started.elapsed().as_secs_f64();
    times.sort_by(f64::total_cmp);
    let quantile = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!("PDF extraction, one file at a time on one core ({count} files in memory):");
    println!();
    println!(
        "| files | pages | PDF MB | text MB | per file median | p99 | max | pages/s | MB/s of PDF | MB/s of text |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {count} | {pages} | {:.1} | {:.1} | {:.2} ms | {:.2} ms | {:.2} ms | {:.0} | {:.1} | {:.1} |",
        bytes as f64 / 1e6,
        text_bytes as f64 / 1e6,
        quantile(0.5),
        quantile(0.99),
        times[times.len() - 1],
        pages as f64 / total,
        bytes as f64 / 1e6 / total,
        text_bytes as f64 / 1e6 / total
    );
    println!();
}

/// One long PDF of the first `count` texts one after another (a report of hundreds of pages), extracted whole.
fn long_report(texts: &Path, count: usize) {
    let text: String = (0..count)
        .map(|i| std::fs::read_to_string(texts.join("sources").join(format!("article-{i:06}.txt"))).unwrap())
        .collect();
    let file = common::generate::pdf(&text);
    let mut times: Vec<f64> = Vec::new();
    let mut pages = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        pages = pdf::extract(&file).unwrap().pages.len();
        times.push(started.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    println!("One long PDF, extracted whole ({RUNS} runs, one core):");
    println!();
    println!("| pages | PDF MB | median (min–max) | pages/s |");
    println!("|---|---|---|---|");
    let median = times[RUNS / 2];
    println!(
        "| {pages} | {:.1} | {median:.2} s ({:.2}–{:.2}) | {:.0} |",
        file.len() as f64 / 1e6,
        times[0],
        times[RUNS - 1],
        pages as f64 / median
    );
    println!();
}

/// Extraction alone, one page at a time on one core, from pages already in memory: decoding, the extractor, the
/// tokenizer pass and the word map.
fn extraction(pages: &Path, count: usize) {
    let files: Vec<Vec<u8>> = (0..count)
        .map(|i| std::fs::read(pages.join("sources").join(format!("article-{i:06}.html"))).unwrap())
        .collect();
    let bytes: usize = files.iter().map(Vec::len).sum();
    let mut times = Vec::with_capacity(count);
    let (mut letters, mut placed, mut text_bytes, mut entries, mut map_bytes) =
        (0usize, 0usize, 0usize, 0usize, 0usize);
    let started = Instant::now();
    for file in &files {
        let one = Instant::now();
        let decoded = html::decode_page(file.clone()).unwrap();
        let page = html::extract(&decoded.text).unwrap();
        times.push(one.elapsed().as_secs_f64() * 1e3);
        let non_space = |text: &str| text.chars().filter(|c| !c.is_whitespace()).count();
        letters += non_space(&page.text);
        placed += page.map.text_ranges().map(|range| non_space(&page.text[range])).sum::<usize>();
        text_bytes += page.text.len();
        entries += page.map.len();
        map_bytes += page.map.heap_bytes();
    }
    let total = started.elapsed().as_secs_f64();
    times.sort_by(f64::total_cmp);
    let quantile = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!("Extraction, one page at a time on one core ({count} pages in memory):");
    println!();
    println!(
        "| pages | page MB | text MB | per page median | p99 | max | MB/s of pages | text placed in the page | map entries per page | map bytes per text byte |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {count} | {:.1} | {:.1} | {:.2} ms | {:.2} ms | {:.2} ms | {:.1} | {:.2}% | {:.0} | {:.2} |",
        bytes as f64 / 1e6,
        text_bytes as f64 / 1e6,
        quantile(0.5),
        quantile(0.99),
        times[times.len() - 1],
        bytes as f64 / 1e6 / total,
        100.0 * placed as f64 / letters.max(1) as f64,
        entries as f64 / count as f64,
        map_bytes as f64 / text_bytes.max(1) as f64
    );
    println!();
}

/// A workspace ready (read, extracted where it is a page or a PDF, indexed), in fresh processes: the files against
/// the same texts as `.txt` files.
fn ready(size: usize, texts: &Path, pages: &Path, extension: &str) {
    println!("Ready from nothing saved, {RUNS} runs each in a fresh process, all cores:");
    println!();
    println!("| workspace | files | file MB | ready median (min–max) | file MB/s | peak RSS median | time vs .txt |");
    println!("|---|---|---|---|---|---|---|");
    let txt = run_measures(texts);
    let html = run_measures(pages);
    for (label, runs) in [(".txt", &txt), (extension, &html)] {
        let (median, min, max) = (runs[RUNS / 2].0, runs[0].0, runs[RUNS - 1].0);
        let mut rss: Vec<f64> = runs.iter().map(|r| r.1).collect();
        rss.sort_by(f64::total_cmp);
        let file_mb = folder_bytes(if label == ".txt" { texts } else { pages }) as f64 / 1e6;
        println!(
            "| {size} {label} | {} | {file_mb:.1} | {:.2} s ({:.2}–{:.2}) | {:.1} | {:.0} MB | {:.2}× |",
            runs[0].2,
            median,
            min,
            max,
            file_mb / median,
            rss[RUNS / 2],
            median / txt[RUNS / 2].0
        );
    }
    println!();
}

/// `RUNS` fresh-process measures of `dir`, sorted by time: (seconds, peak RSS MB, articles).
fn run_measures(dir: &Path) -> Vec<(f64, f64, usize)> {
    let exe = std::env::current_exe().unwrap();
    let mut runs: Vec<(f64, f64, usize)> = (0..RUNS)
        .map(|_| {
            let output = Command::new(&exe).arg("--measure").arg(dir).output().unwrap();
            let line = String::from_utf8(output.stdout).unwrap();
            let fields: Vec<&str> = line.split_whitespace().collect();
            (fields[0].parse().unwrap(), fields[1].parse().unwrap(), fields[2].parse().unwrap())
        })
        .collect();
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    runs
}

/// A restart of a workspace of pages or PDFs once its index is saved: the extracted texts are read back, no file is
/// extracted again (each file is read and hashed, to know it is unchanged).
fn restart(pages: &Path) {
    let cache_dir: PathBuf = std::env::temp_dir().join("marginalia-bench-pages-cache");
    let _ = std::fs::remove_dir_all(&cache_dir);
    let cache = IndexCache::for_workspace(pages, Some(&cache_dir)).unwrap();
    let options = || LoadOptions { cache: Some(&cache), ..LoadOptions::notes(NotesToRead::None) };
    let started = Instant::now();
    let first = load::load_workspace(pages, options());
    let fresh = started.elapsed().as_secs_f64();
    let load::Indexed::Anew { stamps, corpus_problems, unreadable, .. } = &first.indexed else {
        panic!("nothing was saved yet");
    };
    cache.save(&first.corpus, corpus_problems, unreadable, stamps.clone(), &Default::default()).unwrap();
    let mut times: Vec<f64> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            let loaded = load::load_workspace(pages, options());
            assert!(matches!(loaded.indexed, load::Indexed::FromSaved), "the saved index is used");
            started.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!("Restart of the workspace from its saved index (in process, {RUNS} runs):");
    println!();
    println!("| files | first load (extracts) | restart median (min–max) | restart vs first |");
    println!("|---|---|---|---|");
    println!(
        "| {} | {fresh:.2} s | {:.2} s ({:.2}–{:.2}) | {:.2}× |",
        first.corpus.len(),
        times[RUNS / 2],
        times[0],
        times[RUNS - 1],
        times[RUNS / 2] / fresh
    );

    // A restart after a few files changed (here touched: their time moves, so they are read and extracted again;
    // the others are read back as they were indexed).
    let files: Vec<PathBuf> = first.corpus.sources().map(|source| source.path.clone()).collect();
    let mut times: Vec<f64> = (0..RUNS)
        .map(|run| {
            let now = std::time::SystemTime::now();
            for path in files.iter().skip(run * 7).step_by(files.len() / CHANGED).take(CHANGED) {
                std::fs::File::options().write(true).open(path).unwrap().set_modified(now).unwrap();
            }
            let started = Instant::now();
            let loaded = load::load_workspace(pages, options());
            let took = started.elapsed().as_secs_f64();
            let load::Indexed::Anew { stamps, corpus_problems, unreadable, read_again } = &loaded.indexed else {
                panic!("changed files are read again");
            };
            assert_eq!(*read_again, Some(CHANGED), "only the changed files are read");
            cache.save(&loaded.corpus, corpus_problems, unreadable, stamps.clone(), &Default::default()).unwrap();
            took
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "| {} ({CHANGED} changed) | {fresh:.2} s | {:.2} s ({:.2}–{:.2}) | {:.2}× |",
        first.corpus.len(),
        times[RUNS / 2],
        times[0],
        times[RUNS - 1],
        times[RUNS / 2] / fresh
    );
    let _ = std::fs::remove_dir_all(&cache_dir);
}

/// Files changed before each restart after changes.
const CHANGED: usize = 10;

/// The bytes of the article files of the workspace at `dir`.
fn folder_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir.join("sources")).unwrap().filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum()
}
