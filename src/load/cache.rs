//! The saved index: what indexing computed, kept in a file of the user's cache folder, so that a restart on
//! unchanged articles reads it instead of indexing again.
//!
//! A saved index is used only when it was made by this version, with the same entity configuration, from exactly
//! the same article files (paths, sizes and modification times); otherwise the workspace is indexed as on a
//! first start and the saved index replaced. Article texts are not saved: they are read from their files.

use std::fs::File;
use std::hash::Hasher;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use bincode::Options;

use crate::corpus::{Corpus, CorpusProblem, EntityOverrides, saved_format};

/// Changes whenever the layout of a saved index changes; with the program's version, it is part of every file.
const FORMAT: u32 = 1;

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

/// What precedes the corpus in a saved index.
#[derive(Serialize, Deserialize)]
struct Header {
    format: u32,
    version: String,
    overrides: EntityOverrides,
    stamps: Vec<Stamp>,
    /// The problems found when the corpus was built (duplicate ids), to report them again.
    problems: Vec<CorpusProblem>,
}

impl IndexCache {
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
        Some(IndexCache { file: folder.join(format!("{name}-{:016x}.index", hasher.finish())) })
    }

    /// The file the index is saved in.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The saved corpus and the problems found when it was built, if it was made by this version with
    /// `overrides` from exactly the files at `paths` as they are now; their texts are read in parallel.
    pub fn load(&self, paths: &[PathBuf], overrides: &EntityOverrides) -> Option<(Corpus, Vec<CorpusProblem>)> {
        let bytes = std::fs::read(&self.file).ok()?;
        let mut reader = bytes.as_slice();
        let header: Header = saved_format().with_limit(bytes.len() as u64).deserialize_from(&mut reader).ok()?;
        if header.format != FORMAT || header.version != env!("CARGO_PKG_VERSION") || &header.overrides != overrides {
            return None;
        }
        let mut now: Vec<Stamp> = stamps(paths).into_iter().collect::<Option<_>>()?;
        let mut then = header.stamps;
        now.sort_by(|a, b| a.path.cmp(&b.path));
        then.sort_by(|a, b| a.path.cmp(&b.path));
        if now != then {
            return None;
        }
        let saved = Corpus::read_saved(reader).ok()?;
        let paths: Vec<&Path> = saved.paths().collect();
        let sizes: Vec<u64> = paths
            .iter()
            .map(|path| then.binary_search_by(|s| s.path.as_path().cmp(path)))
            .map(|i| i.map_or(u64::MAX, |i| then[i].len))
            .collect();
        let texts: Vec<String> = (paths.par_iter().zip(&sizes))
            .map(|(path, &len)| {
                let text = super::read_text(path).ok()?;
                (text.len() as u64 == len).then_some(text)
            })
            .collect::<Option<_>>()?;
        Some((saved.with_texts(texts)?, header.problems))
    }

    /// Saves `corpus` and the `problems` found building it, made with `overrides` from the files stamped
    /// `stamps` before they were read. The file is written beside its final name and renamed, so that a reader
    /// never sees half of it. Nothing is saved when a file had no stamp.
    pub fn save(
        &self,
        corpus: &Corpus,
        problems: &[CorpusProblem],
        stamps: Vec<Option<Stamp>>,
        overrides: &EntityOverrides,
    ) -> std::io::Result<()> {
        let Some(stamps) = stamps.into_iter().collect::<Option<Vec<Stamp>>>() else {
            return Ok(());
        };
        if let Some(folder) = self.file.parent() {
            std::fs::create_dir_all(folder)?;
        }
        let partial = self.file.with_extension(format!("partial-{}", std::process::id()));
        let result = (|| {
            let mut writer = BufWriter::new(File::create(&partial)?);
            let header = Header {
                format: FORMAT,
                version: env!("CARGO_PKG_VERSION").to_string(),
                overrides: overrides.clone(),
                problems: problems.to_vec(),
                stamps,
            };
            saved_format().serialize_into(&mut writer, &header).map_err(std::io::Error::other)?;
            corpus.save(&mut writer).map_err(std::io::Error::other)?;
            writer.flush()?;
            std::fs::rename(&partial, &self.file)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        result
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

    fn index(root: &Path) -> (Vec<PathBuf>, Vec<Option<Stamp>>, Corpus, Vec<CorpusProblem>) {
        let (workspace, _) = Workspace::open(root);
        let paths = workspace.source_paths();
        let stamps = stamps(&paths);
        let (sources, _) = workspace.read_sources();
        let (corpus, problems) = Corpus::new(sources, EntityOverrides::default());
        (paths, stamps, corpus, problems)
    }

    #[test]
    fn a_saved_index_is_used_only_for_the_same_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("workspace");
        std::fs::create_dir_all(root.join("sources")).unwrap();
        std::fs::write(root.join("sources/a.txt"), "Strike\nDock workers walked out, Ana Ruiz said.\n").unwrap();
        std::fs::write(root.join("sources/b.txt"), "Harvest\nGrain harvest falls, Ana Ruiz said.\n").unwrap();
        std::fs::create_dir_all(root.join("sources/more")).unwrap();
        std::fs::write(root.join("sources/more/a.txt"), "Same id\nA second article named a.\n").unwrap();
        let cache = IndexCache::for_workspace(&root, Some(&dir.path().join("cache"))).unwrap();
        let overrides = EntityOverrides::default();
        let (paths, stamps, corpus, problems) = index(&root);
        assert!(cache.load(&paths, &overrides).is_none(), "nothing saved yet");
        assert_eq!(problems.len(), 1, "a duplicate id");
        cache.save(&corpus, &problems, stamps, &overrides).unwrap();

        let (loaded, loaded_problems) = cache.load(&paths, &overrides).expect("the same files");
        assert_eq!(loaded_problems, problems);
        assert_eq!(loaded.len(), 2);
        assert_eq!(loaded.source("a").unwrap().text, corpus.source("a").unwrap().text);
        assert!(loaded.entities().get("Ana Ruiz").is_some());

        // Other configuration, a changed file, a new file: index again.
        let configured = EntityOverrides { hide: vec!["Ana Ruiz".to_string()], ..EntityOverrides::default() };
        assert!(cache.load(&paths, &configured).is_none());
        std::fs::write(root.join("sources/b.txt"), "Harvest\nGrain harvest falls again.\n").unwrap();
        assert!(cache.load(&paths, &overrides).is_none());
        let (paths, stamps, corpus, problems) = index(&root);
        cache.save(&corpus, &problems, stamps, &overrides).unwrap();
        assert!(cache.load(&paths, &overrides).is_some());
        std::fs::write(root.join("sources/c.txt"), "New\nA new article.\n").unwrap();
        let (paths, _, _, _) = index(&root);
        assert!(cache.load(&paths, &overrides).is_none());

        // A damaged file is not an index.
        std::fs::write(cache.file(), b"not an index").unwrap();
        assert!(cache.load(&paths, &overrides).is_none());
    }
}
