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

/// Writes (once) the generated corpus of `size` articles as saved web pages (`.html`, see [`generate::page`]) and
/// returns its workspace folder: the same texts as [`generated`], in pages.
pub fn generated_pages(size: usize) -> PathBuf {
    let mut rng = generate::Rng::new(size as u64 ^ 0x9a9e);
    generated_as(size, "pages", "html", |text| generate::page(&mut rng, text).into_bytes())
}

/// Writes (once) the generated corpus of `size` articles as PDFs (see [`generate::pdf`]) and returns its workspace
/// folder: the same texts as [`generated`], in PDFs.
pub fn generated_pdfs(size: usize) -> PathBuf {
    generated_as(size, "pdfs", "pdf", generate::pdf)
}

/// Writes (once) each text of the generated corpus of `size` articles as a `.{extension}` file that `make` makes of
/// it, in the folder `bench-{name}-{size}`, and returns that workspace folder.
fn generated_as(size: usize, name: &str, extension: &str, mut make: impl FnMut(&str) -> Vec<u8>) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-{name}-{size}"));
    let done = dir.join(".complete");
    if done.exists() {
        return dir;
    }
    let texts = generated(size).join("sources");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    for i in 0..size {
        let text = std::fs::read_to_string(texts.join(format!("article-{i:06}.txt"))).unwrap();
        std::fs::write(dir.join("sources").join(format!("article-{i:06}.{extension}")), make(&text)).unwrap();
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

/// A note with places to ask from: half-typed markup at the ends of lines, and complete citations to hover.
/// Each list holds byte offsets into `text`, 50 of each.
pub struct Probe {
    pub text: String,
    /// Just after `[[` and one to three letters of a person's name.
    pub entities: Vec<usize>,
    /// Just after `[@` and most of a source id.
    pub sources: Vec<usize>,
    /// Inside an open quote, after its first three words.
    pub quotes: Vec<usize>,
    /// On the id of a complete citation.
    pub cited_ids: Vec<usize>,
    /// On the words of a complete quote.
    pub quoted_words: Vec<usize>,
    /// On a complete entity mention.
    pub mentions: Vec<usize>,
}

impl Probe {
    /// A probe note about `articles` and the people of `cast`.
    pub fn new(rng: &mut generate::Rng, cast: &generate::Cast, articles: &[(String, String)]) -> Probe {
        let mut probe = Probe {
            text: String::new(),
            entities: Vec::new(),
            sources: Vec::new(),
            quotes: Vec::new(),
            cited_ids: Vec::new(),
            quoted_words: Vec::new(),
            mentions: Vec::new(),
        };
        // Appends a paragraph and returns the offset of its start.
        let push = |text: &mut String, content: String| {
            let at = text.len();
            text.push_str(&content);
            text.push_str("\n\n");
            at
        };
        for _ in 0..50 {
            let person = cast.person(rng);
            let prefix: String = person.chars().take(1 + rng.below(3)).collect();
            let line = format!("Asked about [[{prefix}");
            probe.entities.push(push(&mut probe.text, line.clone()) + line.len());
            let (id, article) = rng.pick(articles);
            let line = format!("See [@{}", &id[..id.len() - 1 - rng.below(4)]);
            probe.sources.push(push(&mut probe.text, line.clone()) + line.len());
            let opening: Vec<&str> = article.lines().nth(1).unwrap_or("").split_whitespace().take(3).collect();
            let line = format!("As reported [@{id}, \"{}", opening.join(" "));
            probe.quotes.push(push(&mut probe.text, line.clone()) + line.len());
            let at = push(&mut probe.text, format!("Reported [@{id}] and [[{person}]]."));
            probe.cited_ids.push(at + "Reported [@".len() + 1);
            probe.mentions.push(at + format!("Reported [@{id}] and [[").len() + 2);
            let at = push(&mut probe.text, format!("As said [@{id}, \"{}\"].", opening.join(" ")));
            probe.quoted_words.push(at + format!("As said [@{id}, \"").len() + 2);
        }
        probe
    }

    /// The LSP position (line, UTF-16 column) of `offset`.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let before = &self.text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (before.matches('\n').count() as u32, before[line_start..].encode_utf16().count() as u32)
    }
}

/// Reads and indexes the workspace at `dir` as the server does from nothing saved, and prints the seconds it took,
/// the peak RSS in MB so far, the articles and their text bytes: what a benchmark runs in a fresh process of its
/// own (`--measure DIR`), for a peak memory that is the indexing's.
pub fn index_in_this_process(dir: &Path) {
    let started = std::time::Instant::now();
    let (workspace, _) = marginalia::load::Workspace::open(dir);
    let (sources, _) = workspace.read_sources();
    let (corpus, _) = marginalia::corpus::Corpus::new(sources, workspace.config.entities.clone());
    let elapsed = started.elapsed().as_secs_f64();
    println!("{elapsed} {} {} {}", peak_rss_mb("self"), corpus.len(), corpus.text_bytes());
    std::hint::black_box(corpus);
}
