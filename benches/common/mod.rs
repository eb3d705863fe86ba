//! What the benchmarks share: the deterministic corpus generator, and generated workspaces written once.

#![allow(dead_code)] // Each benchmark uses part of what is shared.

pub mod generate;

use std::path::{Path, PathBuf};

/// Writes (once) a generated corpus of `size` articles and returns its workspace folder.
pub fn generated(size: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-corpus-{size}"));
    let done = dir.join(".complete");
    if done.exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let mut rng = generate::Rng::new(size as u64);
    let cast = generate::Cast::new(&mut rng, (size / 10).max(20));
    for i in 0..size {
        let target = 3_000 + rng.below(2_000);
        let text = generate::article(&mut rng, &cast, target);
        std::fs::write(dir.join("sources").join(format!("article-{i:06}.txt")), text).unwrap();
    }
    std::fs::write(done, "").unwrap();
    dir
}

/// The cast the generated corpus of `size` articles was written with.
pub fn cast(size: usize) -> generate::Cast {
    let mut rng = generate::Rng::new(size as u64);
    generate::Cast::new(&mut rng, (size / 10).max(20))
}

/// `count` articles of the generated corpus of `size`, chosen at random, as `(id, text)` pairs.
pub fn sample_articles(size: usize, count: usize, rng: &mut generate::Rng) -> Vec<(String, String)> {
    let sources = generated(size).join("sources");
    (0..count)
        .map(|_| {
            let id = format!("article-{:06}", rng.below(size));
            let text = std::fs::read_to_string(sources.join(format!("{id}.txt"))).unwrap();
            (id, text)
        })
        .collect()
}

/// Writes (once) notes into the generated workspace of `size` articles: `notes/reading.md` with 1,000 citations,
/// and 50 more notes of 40 citations each. Returns the workspace folder.
pub fn generated_with_notes(size: usize) -> PathBuf {
    let dir = generated(size);
    let notes = dir.join("notes");
    let done = notes.join(".complete");
    if done.exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&notes);
    std::fs::create_dir_all(&notes).unwrap();
    let mut rng = generate::Rng::new(size as u64 ^ 0x5eed);
    let cast = cast(size);
    let articles = sample_articles(size, 200, &mut rng);
    std::fs::write(notes.join("reading.md"), generate::note(&mut rng, &cast, &articles, 1_000)).unwrap();
    for i in 0..50 {
        std::fs::write(notes.join(format!("note-{i:02}.md")), generate::note(&mut rng, &cast, &articles, 40)).unwrap();
    }
    std::fs::write(done, "").unwrap();
    dir
}

/// The peak resident set size (VmHWM) of process `pid` (or `"self"`) so far, in MB; 0 when unknown.
pub fn peak_rss_mb(pid: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}
