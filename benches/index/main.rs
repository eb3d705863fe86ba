//! Indexing benchmark: how long reading and indexing a corpus takes, and the peak memory it needs.
//!
//! `cargo bench --bench index` measures the shared sample corpus (when `../shared/corpus` exists) and generated
//! corpora of 1,000 and 10,000 articles of about 4 KB. Each measurement runs in a fresh process, so that the peak
//! resident set size (VmHWM) is the indexing's own; each is repeated and the median and spread are printed.
//! `cargo bench --bench index -- 100000` adds other sizes.

#[path = "../common/mod.rs"]
mod common;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use marginalia::load::Workspace;

const RUNS: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    match args.as_slice() {
        [flag, dir] if flag == "--measure" => return common::index_in_this_process(Path::new(dir)),
        // For a profiler: `perf record cargo bench --bench index -- --extraction 10000`.
        [flag, size] if flag == "--extraction" => return extraction(&common::generated(size.parse().unwrap())),
        _ => {}
    }
    let mut sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = vec![1_000, 10_000];
    }
    println!("| corpus | articles | text MB | index time median (min–max) | MB/s | peak RSS median | RSS / text |");
    println!("|---|---|---|---|---|---|---|");
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if shared.is_dir() {
        let dir = std::env::temp_dir().join("marginalia-bench-shared");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sources")).unwrap();
        for entry in std::fs::read_dir(&shared).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.join("sources").join(entry.file_name())).unwrap();
        }
        report("shared sample", &dir);
    }
    for &size in &sizes {
        let dir = common::generated(size);
        report("generated", &dir);
    }
    println!();
    println!(
        "Entity extraction alone (sentences, candidates, clustering; no quote indexes), {RUNS} runs in one process:"
    );
    println!();
    println!("| articles | text MB | extraction median (min–max) | MB/s | entities |");
    println!("|---|---|---|---|---|");
    for size in sizes {
        extraction(&common::generated(size));
    }
}

/// Times entity extraction over the articles of a workspace, read into memory first.
fn extraction(dir: &Path) {
    let (workspace, _) = Workspace::open(dir);
    let (sources, _) = workspace.read_sources();
    let articles: Vec<(String, String)> = sources.into_iter().map(|s| (s.id, s.text)).collect();
    let bytes: usize = articles.iter().map(|(_, text)| text.len()).sum();
    let mut times = Vec::new();
    let mut entities = 0;
    for _ in 0..RUNS {
        let input = articles.clone();
        let started = Instant::now();
        let index = marginalia::corpus::extract_entities(input, &workspace.config.entities);
        times.push(started.elapsed().as_secs_f64());
        entities = index.len();
    }
    times.sort_by(f64::total_cmp);
    let megabytes = bytes as f64 / 1e6;
    println!(
        "| {} | {megabytes:.1} | {:.0} ms ({:.0}–{:.0}) | {:.1} | {entities} |",
        articles.len(),
        times[RUNS / 2] * 1e3,
        times[0] * 1e3,
        times[RUNS - 1] * 1e3,
        megabytes / times[RUNS / 2]
    );
}

fn report(label: &str, dir: &Path) {
    let exe = std::env::current_exe().unwrap();
    let mut results: Vec<(f64, f64, usize, usize)> = (0..RUNS)
        .map(|_| {
            let output = Command::new(&exe).arg("--measure").arg(dir).output().unwrap();
            let line = String::from_utf8(output.stdout).unwrap();
            let fields: Vec<&str> = line.split_whitespace().collect();
            (
                fields[0].parse().unwrap(),
                fields[1].parse().unwrap(),
                fields[2].parse().unwrap(),
                fields[3].parse().unwrap(),
            )
        })
        .collect();
    results.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (median_time, _, articles, bytes) = results[RUNS / 2];
    let (min, max) = (results[0].0, results[RUNS - 1].0);
    let mut rss: Vec<f64> = results.iter().map(|r| r.1).collect();
    rss.sort_by(f64::total_cmp);
    let median_rss = rss[RUNS / 2];
    let megabytes = bytes as f64 / 1e6;
    println!(
        "| {label} | {articles} | {megabytes:.1} | {:.0} ms ({:.0}–{:.0}) | {:.1} | {median_rss:.0} MB | {:.1}× |",
        median_time * 1e3,
        min * 1e3,
        max * 1e3,
        megabytes / median_time,
        median_rss / megabytes.max(f64::EPSILON)
    );
}
