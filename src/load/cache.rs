//! The saved index: what indexing computed, kept in a file of the user's cache folder, so that a restart on
//! unchanged articles reads it instead of indexing again.
//!
//! A saved index is used only when it was made by this version, with the same entity configuration, from exactly
//! the same article files: the same paths, sizes and modification times (a quick first test), and the same
//! contents, verified against a hash of each article's text when it is read back (a file rewritten with its size
//! and time restored, as `cp -p`, `rsync -t` and `tar` do, is not the file that was indexed). The whole file
//! carries a checksum, so a damaged index is refused rather than trusted. Articles that could not be read when the
//! index was made are tried again. When a few articles changed (fewer than half), the unchanged ones are taken as
//! they were indexed and only the others read and extracted ([`Reuse::Part`]); the word statistics and the entity
//! clustering are made again over all of them, and the saved passage index is updated with the others when they
//! are few (a quarter or fewer; otherwise it is built again). Otherwise the workspace is indexed as on a first start
//! and the saved index replaced.
//! Article texts are not saved (but those extracted from pages and PDFs are): they are read from their files.

use std::borrow::Cow;
use std::fs::File;
use std::hash::Hasher;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use bincode::Options;
use xxhash_rust::xxh3::Xxh3;

use super::LoadProblem;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::corpus::{Corpus, CorpusProblem, EntityOverrides, SavedCorpus, Source, saved_format};

/// Changes whenever the layout of a saved index changes; with the program's version, it is part of every file.
const FORMAT: u32 = 10;

/// The first bytes of every saved index.
const MAGIC: &[u8; 8] = b"MRGINDEX";

/// The indexes being written or about to be ([`IndexCache::saving`]), so that a program about to end can let them
/// finish ([`IndexCache::wait_for_saves`]): a large workspace's index takes seconds to write, and an editor closed
/// in that time would otherwise find it indexing anew on the next start.
static SAVES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A save of the index under way, from before it starts until it is dropped (see [`IndexCache::saving`]).
#[derive(Debug)]
pub struct Saving(());

impl Drop for Saving {
    fn drop(&mut self) {
        SAVES.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// How old the file of a save under way can be: one takes seconds, a few minutes at a million articles.
const UNFINISHED_SAVE: std::time::Duration = std::time::Duration::from_secs(3600);

/// The longest workspace folder name kept in the name of its saved index, in bytes: file names have a limit.
const MAX_NAME_BYTES: usize = 64;

/// Where the saved index of one workspace lives.
#[derive(Clone, Debug)]
pub struct IndexCache {
    file: PathBuf,
}

/// What identifies one article file as it was indexed: its path, size and modification time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    path: PathBuf,
    len: u64,
    modified_nanos: u128,
}

/// The stamps of `paths`, taken before they are read for indexing so that a file changed meanwhile is read
/// again next time; files whose metadata cannot be read get none, which no saved index matches.
pub fn stamps(paths: &[PathBuf]) -> Vec<Option<Stamp>> {
    paths.par_iter().map(|path| stamp(path)).collect()
}

fn stamp(path: &Path) -> Option<Stamp> {
    let metadata = std::fs::metadata(path).ok()?;
    let modified_nanos = metadata.modified().ok()?.duration_since(UNIX_EPOCH).ok()?.as_nanos();
    Some(Stamp { path: path.to_path_buf(), len: metadata.len(), modified_nanos })
}

/// The hash of an article's text, to know it is the text that was indexed.
pub(super) fn content_hash(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

/// The hash of a file's bytes (a PDF's), to know it is the file that was indexed.
pub(super) fn bytes_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// The hash of the file `source` was read from: its own text; for a text extracted from a saved web page, the
/// page's text; for a PDF, its bytes; as hashed when it was read.
fn file_hash(source: &Source) -> u64 {
    match (&source.origin, &source.pages) {
        (Some(origin), _) => origin.file_hash(),
        (None, Some(pages)) => pages.file_hash(),
        (None, None) => content_hash(&source.text),
    }
}

/// The hash of the file at `path` as [`file_hash`] takes it, with its text when that is what is indexed.
fn hash_on_disk(path: &Path) -> Option<(u64, Option<String>)> {
    if super::is_pdf(path) {
        return Some((bytes_hash(&std::fs::read(path).ok()?), None));
    }
    let text = super::read_file_text(path).ok()?.text;
    Some((content_hash(&text), Some(text)))
}

/// What precedes the corpus in a saved index.
#[derive(Serialize, Deserialize)]
struct Header<'a> {
    format: u32,
    version: String,
    overrides: EntityOverrides,
    stamps: Vec<Stamp>,
    /// The hash of each indexed article's file text (decoded), in the order of the corpus's articles.
    contents: Vec<u64>,
    /// The text extracted from each article that is not plain text (a saved web page), in the same order: read
    /// back instead of extracted again.
    /// Borrowed from the corpus when saved, so that saving copies no text.
    extracted: Vec<Option<Cow<'a, str>>>,
    /// The problems found when the corpus was built (duplicate ids), to report them again.
    problems: Vec<CorpusProblem>,
    /// The articles that could not be read, to report them again, or to index again once they can be.
    unreadable: Vec<LoadProblem>,
}

/// A saved index read back.
#[derive(Debug)]
pub struct Loaded {
    /// The corpus, with its articles' texts.
    pub corpus: Corpus,
    /// The problems found when it was built.
    pub corpus_problems: Vec<CorpusProblem>,
    /// The articles that could not be read then, and still cannot.
    pub unreadable: Vec<LoadProblem>,
}

/// What a saved index offers a start: see [`IndexCache::reuse`].
#[derive(Debug)]
pub enum Reuse {
    /// Made from exactly the files there are now: the corpus as it was saved.
    Whole(Loaded),
    /// Made before a few articles changed, were added or removed: the others, as they were indexed.
    Part(PartlySaved),
}

/// The unchanged part of a saved index, waiting for the articles that changed.
#[derive(Debug)]
pub struct PartlySaved {
    corpus: SavedCorpus,
    /// Each saved article's text when its file is unchanged, in the saved order; `None` for one changed or gone.
    texts: Vec<Option<String>>,
    /// The article files to read: changed, new, or not read when the index was made.
    pub to_read: Vec<PathBuf>,
}

impl PartlySaved {
    /// The corpus of the workspace now, given the articles of [`PartlySaved::to_read`] as read, not completed
    /// ([`Corpus::completed`] makes it the corpus a first start would build). `None` when the saved index does not
    /// fit its files after all.
    pub fn with_read(self, read: Vec<Source>) -> Option<(Corpus, Vec<CorpusProblem>)> {
        self.corpus.updated(self.texts, read)
    }
}

impl IndexCache {
    /// Marks a save as under way until the result is dropped: taken before the save is handed to another thread,
    /// so that [`IndexCache::wait_for_saves`] waits for it even before it starts.
    pub fn saving() -> Saving {
        SAVES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Saving(())
    }

    /// Waits until no save is under way, or until `limit` has passed; whether none is.
    pub fn wait_for_saves(limit: std::time::Duration) -> bool {
        let deadline = std::time::Instant::now() + limit;
        while SAVES.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            if std::time::Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        true
    }

    /// The saved index of the workspace at `root`, in `folder`, or in the user's cache folder
    /// (`$MARGINALIA_CACHE_DIR`, else `$XDG_CACHE_HOME/marginalia`, else `~/.cache/marginalia`); `None` when
    /// there is no such folder.
    pub fn for_workspace(root: &Path, folder: Option<&Path>) -> Option<IndexCache> {
        let folder = match folder {
            Some(folder) => folder.to_path_buf(),
            None => default_folder()?,
        };
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let mut hasher = rustc_hash::FxHasher::default();
        hasher.write(root.as_os_str().as_encoded_bytes());
        let name = root.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned());
        let mut cut = name.len().min(MAX_NAME_BYTES);
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        Some(IndexCache { file: folder.join(format!("{}-{:016x}.index", &name[..cut], hasher.finish())) })
    }

    /// The file the index is saved in.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The saved corpus and the problems found when it was built, if it was made by this version with
    /// `overrides` from exactly the files at `paths` as they are now; their texts are read in parallel.
    pub fn load(&self, paths: &[PathBuf], overrides: &EntityOverrides) -> Option<Loaded> {
        match self.reuse(paths, overrides)? {
            Reuse::Whole(loaded) => Some(loaded),
            Reuse::Part(_) => None,
        }
    }

    /// What the saved index offers a start on the files at `paths`: the whole corpus when it was made from
    /// exactly these files as they are now ([`IndexCache::load`]); the articles that did not change when a few
    /// did (fewer than half: otherwise indexing everything again costs no more); `None` when it was made by
    /// another version or entity configuration, is damaged, or is missing.
    pub fn reuse(&self, paths: &[PathBuf], overrides: &EntityOverrides) -> Option<Reuse> {
        let (header, saved) = self.read(overrides)?;
        if header.extracted.len() != header.contents.len() {
            return None;
        }
        let now: Vec<Stamp> = stamps(paths).into_iter().collect::<Option<_>>()?;
        let then: HashMap<&Path, &Stamp> = header.stamps.iter().map(|stamp| (stamp.path.as_path(), stamp)).collect();
        let unchanged: HashSet<&Path> = now
            .iter()
            .filter(|stamp| then.get(stamp.path.as_path()) == Some(stamp))
            .map(|s| s.path.as_path())
            .collect();
        // An article that could not be read then and can now was never indexed.
        let readable_now = |problem: &LoadProblem| problem.path().is_some_and(|path| super::read_source(path).is_ok());
        let whole_possible = unchanged.len() == now.len()
            && now.len() == header.stamps.len()
            && !header.unreadable.iter().any(readable_now);
        let saved_paths: Vec<&Path> = saved.paths().collect();
        if saved_paths.len() != header.contents.len() {
            return None;
        }
        // Each saved article's text, when its file is the one that was indexed (same stamp, same hash).
        let mut extracted = header.extracted;
        let texts: Vec<Option<String>> = (saved_paths.par_iter().zip(&header.contents).zip(&mut extracted))
            .map(|((path, &hash), extracted)| {
                if !unchanged.contains(*path) {
                    return None;
                }
                let (on_disk, text) = hash_on_disk(path)?;
                (on_disk == hash).then(|| extracted.take().map(Cow::into_owned).or(text)).flatten()
            })
            .collect();
        let kept = texts.iter().filter(|text| text.is_some()).count();
        if whole_possible && kept == texts.len() {
            return Some(Reuse::Whole(Loaded {
                corpus: saved.with_texts(texts.into_iter().collect::<Option<_>>()?)?,
                corpus_problems: header.problems,
                unreadable: header.unreadable,
            }));
        }
        let kept_paths: HashSet<&Path> =
            saved_paths.iter().zip(&texts).filter(|(_, text)| text.is_some()).map(|(path, _)| *path).collect();
        let to_read: Vec<PathBuf> = paths.iter().filter(|path| !kept_paths.contains(path.as_path())).cloned().collect();
        if to_read.len() * 2 > paths.len() {
            return None;
        }
        drop(kept_paths);
        Some(Reuse::Part(PartlySaved { corpus: saved, texts, to_read }))
    }

    /// Removes what saves of this index that never finished left beside it (a process killed while writing leaves
    /// its `.partial-<pid>` file, as large as the index): those of processes that are gone (known on Linux), and
    /// any older than [`UNFINISHED_SAVE`]. Another server's save under way is left alone.
    fn remove_unfinished_saves(&self) {
        let (Some(folder), Some(stem)) = (self.file.parent(), self.file.file_stem()) else {
            return;
        };
        let prefix = format!("{}.partial-", stem.to_string_lossy());
        // Without a /proc that lists this process (another system, a container without it), no process is gone.
        let processes_listed =
            cfg!(target_os = "linux") && Path::new(&format!("/proc/{}", std::process::id())).exists();
        let Ok(entries) = std::fs::read_dir(folder) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(pid) = name.to_str().and_then(|name| name.strip_prefix(&prefix)) else {
                continue;
            };
            let pid = pid.parse::<u32>().ok();
            if pid == Some(std::process::id()) {
                continue;
            }
            let gone = pid.is_some_and(|pid| processes_listed && !Path::new(&format!("/proc/{pid}")).exists());
            let age = entry.metadata().and_then(|metadata| metadata.modified()).ok().and_then(|at| at.elapsed().ok());
            if gone || age.is_some_and(|age| age > UNFINISHED_SAVE) {
                match std::fs::remove_file(entry.path()) {
                    Ok(()) => tracing::info!("removed {}, left by a save that did not finish", entry.path().display()),
                    Err(error) => tracing::warn!("cannot remove {}: {error}", entry.path().display()),
                }
            }
        }
    }

    /// The saved index's header and corpus, read as the file is, through its checksum, which must hold: the file
    /// is never in memory whole (at a million articles it is gigabytes). `None` for a file missing, damaged, or not
    /// a saved index of this format, version and entity configuration (known from the header, before the corpus
    /// is read).
    fn read(&self, overrides: &EntityOverrides) -> Option<(Header<'static>, SavedCorpus)> {
        use std::io::Read;
        let mut file = File::open(&self.file).ok()?;
        let payload_bytes = file.metadata().ok()?.len().checked_sub(16)?;
        let mut start = [0; 16];
        file.read_exact(&mut start).ok()?;
        let (magic, checksum) = start.split_at(8);
        if magic != MAGIC {
            return None;
        }
        // Hashed below the buffer, a block at a time, not field by field.
        let mut reader = ChecksummedReader::new(file);
        let header: Header = saved_format().with_limit(payload_bytes).deserialize_from(&mut reader).ok()?;
        if header.format != FORMAT || header.version != env!("CARGO_PKG_VERSION") || &header.overrides != overrides {
            return None;
        }
        // No length read before the checksum is checked can make a larger allocation than the bytes left.
        let left = payload_bytes.checked_sub(reader.consumed)?;
        let saved = Corpus::read_saved_from(&mut reader, left).ok()?;
        // Whatever follows (nothing, in a file this program wrote) is part of what the checksum covers.
        std::io::copy(&mut reader, &mut std::io::sink()).ok()?;
        (reader.hasher.digest().to_le_bytes() == checksum).then_some((header, saved))
    }

    /// Saves `corpus`, the `problems` found building it and the articles that were `unreadable`, made with
    /// `overrides` from the files stamped `stamps` before they were read. The file is written beside its final name
    /// and renamed, so that a reader never sees half of it. Nothing is saved when a file had no stamp.
    pub fn save(
        &self,
        corpus: &Corpus,
        problems: &[CorpusProblem],
        unreadable: &[LoadProblem],
        stamps: Vec<Option<Stamp>>,
        overrides: &EntityOverrides,
    ) -> std::io::Result<()> {
        let Some(stamps) = stamps.into_iter().collect::<Option<Vec<Stamp>>>() else {
            return Ok(());
        };
        if let Some(folder) = self.file.parent() {
            std::fs::create_dir_all(folder)?;
        }
        self.remove_unfinished_saves();
        let header = Header {
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").to_string(),
            overrides: overrides.clone(),
            contents: corpus.sources().map(file_hash).collect(),
            extracted: (corpus.sources())
                .map(|source| (source.origin.is_some() || source.pages.is_some()).then_some(Cow::from(&*source.text)))
                .collect(),
            problems: problems.to_vec(),
            unreadable: unreadable.to_vec(),
            stamps,
        };
        let partial = self.file.with_extension(format!("partial-{}", std::process::id()));
        // Written as it is serialized, through the checksum, whose place is filled in at the end: the index is
        // never held in memory a second time (at a million articles it is gigabytes).
        let result = (|| {
            let mut file = File::create(&partial)?;
            file.write_all(MAGIC)?;
            file.write_all(&[0; 8])?;
            // Hashed below the buffer, a block at a time, not field by field.
            let mut writer = BufWriter::with_capacity(1 << 20, Checksummed { inner: &mut file, hasher: Xxh3::new() });
            saved_format().serialize_into(&mut writer, &header).map_err(std::io::Error::other)?;
            corpus.save(&mut writer).map_err(std::io::Error::other)?;
            let checksum = writer.into_inner().map_err(|error| error.into_error())?.hasher.digest();
            file.seek(SeekFrom::Start(MAGIC.len() as u64))?;
            file.write_all(&checksum.to_le_bytes())?;
            drop(file);
            std::fs::rename(&partial, &self.file)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        result
    }
}

/// A writer that hashes what goes through it (the payload of a saved index, for its checksum).
struct Checksummed<T> {
    inner: T,
    hasher: Xxh3,
}

impl<W: Write> Write for Checksummed<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(bytes)?;
        self.hasher.update(&bytes[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A buffered reader of a file that hashes what it reads, a block at a time. The saved index is decoded a field
/// at a time, millions of reads of a few bytes: `read_exact` copies them from the block in a few instructions
/// where `std::io::BufReader`'s is a call (it made reading a saved index a fifth slower than from memory).
struct ChecksummedReader {
    file: File,
    hasher: Xxh3,
    /// The bytes given to the reader's reader so far.
    consumed: u64,
    block: Box<[u8]>,
    /// What is left of the block, unread: `block[start..end]`.
    start: usize,
    end: usize,
}

impl ChecksummedReader {
    fn new(file: File) -> ChecksummedReader {
        ChecksummedReader::with_block(file, 1 << 20)
    }

    fn with_block(file: File, bytes: usize) -> ChecksummedReader {
        let block = vec![0; bytes].into_boxed_slice();
        ChecksummedReader { file, hasher: Xxh3::new(), consumed: 0, block, start: 0, end: 0 }
    }

    /// Reads the next block when this one is used up; `false` at the end of the file.
    fn fill(&mut self) -> std::io::Result<bool> {
        use std::io::Read;
        if self.start == self.end {
            self.end = self.file.read(&mut self.block)?;
            self.start = 0;
            self.hasher.update(&self.block[..self.end]);
        }
        Ok(self.start < self.end)
    }
}

impl std::io::Read for ChecksummedReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if !self.fill()? {
            return Ok(0);
        }
        let count = out.len().min(self.end - self.start);
        out[..count].copy_from_slice(&self.block[self.start..self.start + count]);
        self.start += count;
        self.consumed += count as u64;
        Ok(count)
    }

    #[inline]
    fn read_exact(&mut self, out: &mut [u8]) -> std::io::Result<()> {
        if let Some(bytes) = self.block[..self.end].get(self.start..self.start + out.len()) {
            out.copy_from_slice(bytes);
            self.start += out.len();
            self.consumed += out.len() as u64;
            return Ok(());
        }
        let mut filled = 0;
        while filled < out.len() {
            match self.read(&mut out[filled..]) {
                Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                Ok(read) => filled += read,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }
}

fn default_folder() -> Option<PathBuf> {
    let from_env = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty()).map(PathBuf::from);
    from_env("MARGINALIA_CACHE_DIR")
        .or_else(|| from_env("XDG_CACHE_HOME").map(|cache| cache.join("marginalia")))
        .or_else(|| from_env("HOME").map(|home| home.join(".cache").join("marginalia")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Workspace;

    struct Indexed {
        paths: Vec<PathBuf>,
        stamps: Vec<Option<Stamp>>,
        corpus: Corpus,
        problems: Vec<CorpusProblem>,
        unreadable: Vec<LoadProblem>,
    }

    fn index(root: &Path) -> Indexed {
        let (workspace, _) = Workspace::open(root);
        let paths = workspace.source_paths();
        let stamps = stamps(&paths);
        let (sources, unreadable) = workspace.read_sources();
        let (corpus, problems) = Corpus::new(sources, EntityOverrides::default());
        Indexed { paths, stamps, corpus, problems, unreadable }
    }

    fn save(cache: &IndexCache, indexed: Indexed) -> Vec<PathBuf> {
        let Indexed { paths, stamps, corpus, problems, unreadable } = indexed;
        cache.save(&corpus, &problems, &unreadable, stamps, &EntityOverrides::default()).unwrap();
        paths
    }

    /// A workspace with three articles (two with the same id) and its cache, in one temporary folder.
    fn workspace() -> (tempfile::TempDir, PathBuf, IndexCache) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("workspace");
        std::fs::create_dir_all(root.join("sources/more")).unwrap();
        std::fs::write(root.join("sources/a.txt"), "Strike\nDock workers walked out, Ana Ruiz said.\n").unwrap();
        std::fs::write(root.join("sources/b.txt"), "Harvest\nGrain harvest falls, Ana Ruiz said.\n").unwrap();
        std::fs::write(root.join("sources/more/a.txt"), "Same id\nA second article named a.\n").unwrap();
        let cache = IndexCache::for_workspace(&root, Some(&dir.path().join("cache"))).unwrap();
        (dir, root, cache)
    }

    /// Writes `text` to `path` and gives it back its modification time, as `cp -p` or `rsync -t` would.
    fn rewrite_keeping_time(path: &Path, text: &[u8]) {
        let modified = std::fs::metadata(path).unwrap().modified().unwrap();
        std::fs::write(path, text).unwrap();
        std::fs::File::options().write(true).open(path).unwrap().set_modified(modified).unwrap();
    }

    #[test]
    fn a_saved_index_is_used_only_for_the_same_files() {
        let (_dir, root, cache) = workspace();
        let overrides = EntityOverrides::default();
        let indexed = index(&root);
        assert!(cache.load(&indexed.paths, &overrides).is_none(), "nothing saved yet");
        let (text_a, problems) = (indexed.corpus.source("a").unwrap().text.clone(), indexed.problems.clone());
        assert_eq!(problems.len(), 1, "a duplicate id");
        let paths = save(&cache, indexed);

        let loaded = cache.load(&paths, &overrides).expect("the same files");
        assert_eq!(loaded.corpus_problems, problems);
        assert_eq!(loaded.corpus.len(), 2);
        assert_eq!(loaded.corpus.source("a").unwrap().text, text_a);
        assert!(loaded.corpus.entities().get("Ana Ruiz").is_some());

        // Other configuration, a changed file, a new file: index again.
        let configured = EntityOverrides { hide: vec!["Ana Ruiz".to_string()], ..EntityOverrides::default() };
        assert!(cache.load(&paths, &configured).is_none());
        std::fs::write(root.join("sources/b.txt"), "Harvest\nGrain harvest falls again.\n").unwrap();
        assert!(cache.load(&paths, &overrides).is_none());
        let paths = save(&cache, index(&root));
        assert!(cache.load(&paths, &overrides).is_some());
        std::fs::write(root.join("sources/c.txt"), "New\nA new article.\n").unwrap();
        let paths = index(&root).paths;
        assert!(cache.load(&paths, &overrides).is_none());

        // A damaged file is not an index.
        std::fs::write(cache.file(), b"not an index").unwrap();
        assert!(cache.load(&paths, &overrides).is_none());
    }

    #[test]
    fn an_article_rewritten_with_its_size_and_time_kept_is_indexed_again() {
        let (_dir, root, cache) = workspace();
        let paths = save(&cache, index(&root));
        assert!(cache.load(&paths, &EntityOverrides::default()).is_some());
        // The same number of bytes, the same modification time, other words.
        rewrite_keeping_time(&root.join("sources/b.txt"), b"Harvest\nGrain harvest rises, Ana Ruiz said.\n");
        assert_eq!(stamps(&paths), index(&root).stamps, "the stamps cannot tell");
        assert!(cache.load(&paths, &EntityOverrides::default()).is_none());
    }

    /// The corpus as a first start would build it, in the terms a comparison can print.
    fn described(corpus: &Corpus) -> String {
        let sources: Vec<(&str, &str)> = corpus.sources().map(|source| (&*source.id, &*source.text)).collect();
        let entities: Vec<_> = corpus.entities().iter().collect();
        format!("{sources:#?}\n{entities:#?}\n{:?}", corpus.word_counts())
    }

    #[test]
    fn a_restart_after_a_few_changes_reads_only_them_and_builds_what_a_first_start_would() {
        let (_dir, root, cache) = workspace();
        let article = |n: usize| root.join(format!("sources/extra-{n}.txt"));
        for n in 0..6 {
            let text = format!("Port {n}\nThe Harbour Board met Ana Ruiz on day {n}. Unions Said No to the Board.\n");
            std::fs::write(article(n), text).unwrap();
        }
        let overrides = EntityOverrides::default();
        save(&cache, index(&root));

        // One article rewritten (its capitalised words now lowercase), one rewritten with its size and time kept,
        // one removed, one added.
        std::fs::write(article(0), "Port 0\nthe harbour board met Ana Ruiz. unions said no to the board.\n").unwrap();
        rewrite_keeping_time(
            &article(1),
            b"Port 1\nThe Harbour Board met Ivo Lind on day 1. Unions Said No to the Board.\n",
        );
        std::fs::remove_file(article(2)).unwrap();
        std::fs::write(
            root.join("sources/new.txt"),
            "New\nIvo Lind of the Harbour Board said the talks would resume.\n",
        )
        .unwrap();
        let fresh = index(&root);
        let Some(Reuse::Part(partly)) = cache.reuse(&fresh.paths, &overrides) else {
            panic!("a few changes reuse the rest")
        };
        let mut to_read = partly.to_read.clone();
        to_read.sort();
        // The duplicate id the saved corpus left out is read again, with the changed and the new articles.
        let expected = [article(0), article(1), root.join("sources/more/a.txt"), root.join("sources/new.txt")];
        let mut expected = expected.to_vec();
        expected.sort();
        assert_eq!(to_read, expected);

        let (read, unreadable) = crate::load::read_sources(&partly.to_read, &|| {});
        assert!(unreadable.is_empty());
        let (corpus, problems) = partly.with_read(read).expect("the saved index fits");
        assert!(!corpus.is_complete(), "names and passages are built after");
        let corpus = corpus.completed().expect("completed once");
        assert_eq!(problems, fresh.problems);
        assert_eq!(described(&corpus), described(&fresh.corpus), "the corpus a first start builds");
        let quote = "the talks would resume";
        let found = |corpus: &Corpus| {
            corpus
                .find_quote(quote, 5)
                .iter()
                .map(|(source, ranges)| (source.id.clone(), ranges.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(found(&corpus), found(&fresh.corpus));
        assert_eq!(found(&corpus).len(), 1, "the new article's words are in the passage index");

        // Saved again, the next start is whole; half the articles changed is indexed anew.
        let paths = save(&cache, index(&root));
        assert!(matches!(cache.reuse(&paths, &overrides), Some(Reuse::Whole(_))));
        for n in [0, 1, 3, 4, 5] {
            std::fs::write(article(n), format!("Port {n}\nRewritten entirely.\n")).unwrap();
        }
        assert!(cache.reuse(&paths, &overrides).is_none(), "most articles changed: no reuse");
    }

    #[test]
    fn every_flipped_bit_and_every_cut_or_added_byte_is_caught() {
        let (_dir, root, cache) = workspace();
        let paths = save(&cache, index(&root));
        let bytes = std::fs::read(cache.file()).unwrap();
        let step = (bytes.len() / 97).max(1);
        for at in (0..bytes.len()).step_by(step) {
            for bit in [0, 3, 7] {
                let mut damaged = bytes.clone();
                damaged[at] ^= 1 << bit;
                std::fs::write(cache.file(), &damaged).unwrap();
                assert!(cache.load(&paths, &EntityOverrides::default()).is_none(), "bit {bit} of byte {at}");
            }
        }
        for cut in [1, 9, bytes.len() / 2, bytes.len() - 1] {
            std::fs::write(cache.file(), &bytes[..cut]).unwrap();
            assert!(cache.load(&paths, &EntityOverrides::default()).is_none(), "cut after {cut} bytes");
        }
        std::fs::write(cache.file(), [&bytes[..], b"more"].concat()).unwrap();
        assert!(cache.load(&paths, &EntityOverrides::default()).is_none(), "bytes added at the end");
        std::fs::write(cache.file(), &bytes).unwrap();
        assert!(cache.load(&paths, &EntityOverrides::default()).is_some());
    }

    #[test]
    fn the_checksummed_reader_gives_and_hashes_every_byte_across_blocks() {
        use std::io::Read;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bytes");
        let bytes: Vec<u8> = (0..1000u32).map(|n| (n * 7 % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let mut reader = ChecksummedReader::with_block(File::open(&path).unwrap(), 7);
        let mut read = Vec::new();
        for size in [1, 3, 7, 8, 20, 0, 5] {
            let mut field = vec![0; size];
            reader.read_exact(&mut field).unwrap();
            read.extend(field);
        }
        assert_eq!(reader.consumed, read.len() as u64);
        reader.read_to_end(&mut read).unwrap();
        assert_eq!(read, bytes);
        assert_eq!(reader.hasher.digest(), xxhash_rust::xxh3::xxh3_64(&bytes));
        assert!(reader.read_exact(&mut [0]).is_err(), "nothing is left");
    }

    #[test]
    #[cfg(unix)]
    fn a_save_removes_what_unfinished_saves_left_and_not_one_under_way() {
        let (_dir, root, cache) = workspace();
        let folder = cache.file().parent().unwrap().to_path_buf();
        std::fs::create_dir_all(&folder).unwrap();
        let partial = |pid: u32| cache.file().with_extension(format!("partial-{pid}"));
        let under_way = partial(std::os::unix::process::parent_id());
        let killed_long_ago = partial(std::os::unix::process::parent_id() + 1);
        let another_index = folder.join("another-workspace-0123.partial-1");
        for path in [&under_way, &killed_long_ago, &another_index] {
            std::fs::write(path, b"half an index").unwrap();
        }
        let long_ago = std::time::SystemTime::now() - UNFINISHED_SAVE * 2;
        File::options().write(true).open(&killed_long_ago).unwrap().set_modified(long_ago).unwrap();
        // A process that cannot exist: pids are below 2^22 on Linux.
        let dead = partial(u32::MAX - 1);
        std::fs::write(&dead, b"half an index").unwrap();

        save(&cache, index(&root));
        assert!(cache.file().exists());
        assert!(under_way.exists() && another_index.exists(), "another save under way is left alone");
        assert!(!killed_long_ago.exists(), "a save older than any that runs did not finish");
        assert_eq!(dead.exists(), !cfg!(target_os = "linux"), "a save whose process is gone did not finish");
    }

    #[test]
    fn an_article_that_could_not_be_read_is_tried_again() {
        let (_dir, root, cache) = workspace();
        let article = root.join("sources/b.txt");
        // UTF-8 (its accents say so) with one broken byte: unreadable until fixed.
        std::fs::write(
            &article,
            "Harvest\nGrain harvest falls in Brétigny, Ana Ru".bytes().chain(*b"\xefz said.\n").collect::<Vec<u8>>(),
        )
        .unwrap();
        let indexed = index(&root);
        assert_eq!(indexed.unreadable.len(), 1);
        let paths = save(&cache, indexed);
        let loaded = cache.load(&paths, &EntityOverrides::default()).expect("still unreadable: the saved index holds");
        assert_eq!(loaded.unreadable.len(), 1, "and the problem is reported again");
        rewrite_keeping_time(&article, b"Harvest\nGrain harvest falls, Ana Ruiz said.\n");
        assert!(cache.load(&paths, &EntityOverrides::default()).is_none(), "it reads now: index again");
    }

    #[test]
    fn a_workspace_folder_of_any_name_length_has_a_saved_index() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("é".repeat(120));
        std::fs::create_dir_all(root.join("sources")).unwrap();
        std::fs::write(root.join("sources/a.txt"), "Strike\nDock workers walked out.\n").unwrap();
        let cache = IndexCache::for_workspace(&root, Some(&dir.path().join("cache"))).unwrap();
        assert!(cache.file().file_name().unwrap().len() < 100);
        let paths = save(&cache, index(&root));
        assert!(cache.load(&paths, &EntityOverrides::default()).is_some());
    }
}

#[cfg(test)]
mod layout {
    //! The saved index's format version is tied to what it holds: a change to the bytes saved for a fixed corpus is a
    //! change of layout (or of what indexing computes), which must come with a new [`FORMAT`], or an index saved by
    //! an older build would be read back as if it were current.

    use super::FORMAT;
    use crate::corpus::{Corpus, EntityOverrides, Source};

    /// The format and a hash of the bytes saved for the corpus below; when this test fails, bump `FORMAT` and
    /// write the new hash here.
    const SAVED: (u32, u64) = (10, 0x4a77aa9155ef798b);

    #[test]
    fn a_new_layout_comes_with_a_new_format_version() {
        let texts = [
            (
                "harbour",
                "Dock workers walked out on Monday, the Port Authority said.\nUnion leader Ana Ruiz said the strike would last until Friday.\n",
            ),
            (
                "council",
                "---\ntitle: Budget\nauthor: Jane Doe\ndate: 2022-05-01\n---\nThe Vellbridge council met. Ana Ruiz was not there.\n",
            ),
        ];
        let sources = texts
            .iter()
            .map(|(id, text)| Source::new(id.to_string(), format!("/w/sources/{id}.txt").into(), text.to_string()))
            .collect();
        let (corpus, _) = Corpus::new(sources, EntityOverrides::default());
        let mut bytes = Vec::new();
        corpus.save(&mut bytes).unwrap();
        let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
        assert_eq!(
            (FORMAT, hash),
            SAVED,
            "the saved index changed: bump FORMAT in src/load/cache.rs to {} and set SAVED to ({}, {hash:#x})",
            FORMAT + 1,
            FORMAT + 1
        );
    }
}
