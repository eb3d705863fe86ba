//! The only code that reads and writes the disk: finds the workspace root, reads `marginalia.toml`, walks the
//! article and note folders, and reads files (articles, notes, bibliographies), reporting every unreadable file
//! with its path; `cache` keeps the saved index.

mod article_file;
mod cache;
pub mod decode;
pub mod html;
pub mod pdf;

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;

use crate::bibliography::Library;
use crate::bibliography::library::{bibliography_candidates, front_matter_bibliographies, lexical};
use crate::config::{CONFIG_FILE, Config, ConfigError};
use crate::corpus::{Corpus, CorpusProblem, Pages, Source, SourceFormat};
use crate::text::LineIndex;

pub use article_file::{ArticleFile, ArticleFiles, write_extracted_text};
pub use cache::{IndexCache, PartlySaved, Reuse, Saving, Stamp, stamps};

/// A problem met while loading a workspace; loading goes on without the file concerned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum LoadProblem {
    /// A file could not be read.
    #[error("{}: cannot read: {message}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The operating system's words.
        message: String,
    },
    /// A file is not UTF-8 text.
    #[error("{}: not UTF-8 text (invalid byte at offset {offset}); skipped", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// The offset of the first invalid byte.
        offset: usize,
    },
    /// A file is not text (it has a NUL byte).
    #[error("{}: not a text file (a NUL byte at offset {offset}); skipped", path.display())]
    Binary {
        /// The file.
        path: PathBuf,
        /// The offset of the first NUL byte.
        offset: usize,
    },
    /// A file is not valid in the encoding its byte-order mark declares, or in the one detected.
    #[error("{}: not valid {encoding} text; skipped", path.display())]
    Undecodable {
        /// The file.
        path: PathBuf,
        /// The encoding declared or detected.
        encoding: String,
    },
    /// A saved web page gives no text to quote.
    #[error("{}: {problem}; skipped", path.display())]
    NoText {
        /// The file.
        path: PathBuf,
        /// Why.
        problem: html::PageProblem,
    },
    /// A PDF gives no text to quote.
    #[error("{}: {problem}; skipped", path.display())]
    Pdf {
        /// The file.
        path: PathBuf,
        /// Why.
        problem: pdf::PdfProblem,
    },
    /// `marginalia.toml` is invalid; the defaults are used instead.
    #[error("{}:{line}:{column}: {message}; using the default configuration", path.display())]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// One-based line.
        line: u32,
        /// One-based column, in characters.
        column: u32,
        /// What is wrong.
        message: String,
    },
    /// The set of articles has a problem (two with one id); loading goes on with the first.
    #[error("{0}")]
    Corpus(CorpusProblem),
}

impl LoadProblem {
    /// The file the problem is about.
    pub fn path(&self) -> Option<&Path> {
        match self {
            LoadProblem::Unreadable { path, .. }
            | LoadProblem::NotUtf8 { path, .. }
            | LoadProblem::Undecodable { path, .. }
            | LoadProblem::Binary { path, .. }
            | LoadProblem::NoText { path, .. }
            | LoadProblem::Pdf { path, .. }
            | LoadProblem::Config { path, .. } => Some(path),
            LoadProblem::Corpus(CorpusProblem::DuplicateId { ignored, .. }) => Some(ignored),
        }
    }
}

/// The folder that holds the notes and articles, and how to find them.
#[derive(Clone, Debug)]
pub struct Workspace {
    /// The root folder.
    pub root: PathBuf,
    /// The configuration (the defaults when `marginalia.toml` is absent or invalid).
    pub config: Config,
    sources: SourcePatterns,
    notes: GlobSet,
}

/// Which files are articles: every `.txt`, `.md`, `.html`, `.htm` and `.pdf` file below one of the folders, and the files the globs match.
/// Folders are looked up by each ancestor of a path, not compiled into the glob set, so that a configuration
/// listing a hundred thousand folders costs a hundred thousand set entries, not an automaton.
#[derive(Clone, Debug)]
struct SourcePatterns {
    folders: std::collections::HashSet<PathBuf>,
    globs: GlobSet,
}

impl SourcePatterns {
    fn new(patterns: &[String]) -> SourcePatterns {
        let (globs, folders): (Vec<&String>, Vec<&String>) =
            patterns.iter().partition(|pattern| pattern.contains(['*', '?', '[', '{']));
        let folders = folders.into_iter().map(|folder| normalized(Path::new(folder.trim_end_matches('/')))).collect();
        SourcePatterns { folders, globs: glob_set(globs.into_iter().cloned()) }
    }

    /// Whether `relative` (to the root) is an article.
    fn is_match(&self, relative: &Path) -> bool {
        let article_extension = relative
            .extension()
            .is_some_and(|extension| ARTICLE_EXTENSIONS.iter().any(|known| extension.eq_ignore_ascii_case(known)));
        (article_extension && relative.ancestors().skip(1).any(|folder| self.folders.contains(folder)))
            || self.globs.is_match(relative)
    }
}

/// The extensions of the files a sources folder holds as articles.
const ARTICLE_EXTENSIONS: [&str; 5] = ["txt", "md", "html", "htm", "pdf"];

/// `path` without `.` components, so that `./sources` and `sources` are the same folder.
fn normalized(path: &Path) -> PathBuf {
    path.components().filter(|component| *component != std::path::Component::CurDir).collect()
}

impl Workspace {
    /// Opens the workspace at `root`, reading its `marginalia.toml` if there is one.
    pub fn open(root: &Path) -> (Workspace, Option<LoadProblem>) {
        let config_path = root.join(CONFIG_FILE);
        let (config, problem) = match std::fs::read_to_string(&config_path) {
            Ok(text) => match Config::parse(&text) {
                Ok(config) => (config, None),
                Err(error) => (Config::default(), Some(config_problem(&config_path, &text, &error))),
            },
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => (Config::default(), None),
            Err(error) => {
                (Config::default(), Some(LoadProblem::Unreadable { path: config_path, message: error.to_string() }))
            }
        };
        (Workspace::with_config(root, config), problem)
    }

    /// The workspace at `root` with the given configuration.
    pub fn with_config(root: &Path, config: Config) -> Workspace {
        let sources = SourcePatterns::new(&config.sources);
        let notes = glob_set(config.notes.iter().cloned());
        Workspace { root: root.to_path_buf(), config, sources, notes }
    }

    /// Whether `path` is an article of this workspace.
    pub fn is_source(&self, path: &Path) -> bool {
        path.strip_prefix(&self.root).is_ok_and(|relative| self.sources.is_match(relative))
    }

    /// Whether `path` is a note of this workspace (articles never are).
    pub fn is_note(&self, path: &Path) -> bool {
        path.strip_prefix(&self.root)
            .is_ok_and(|relative| self.notes.is_match(relative) && !self.sources.is_match(relative))
    }

    /// The article files, sorted. Ignore files are not honoured: articles are often kept out of version control.
    pub fn source_paths(&self) -> Vec<PathBuf> {
        self.walk(false, |path| self.is_source(path))
    }

    /// The note files, sorted, honouring `.gitignore` (in a git repository or not) and skipping hidden folders and
    /// the folders of dependencies and build outputs ([`NOT_NOTES`]).
    pub fn note_paths(&self) -> Vec<PathBuf> {
        self.walk(true, |path| self.is_note(path))
    }

    fn walk(&self, honour_ignore_files: bool, keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
        let mut walk = ignore::WalkBuilder::new(&self.root);
        if honour_ignore_files {
            walk.filter_entry(|entry| {
                !(entry.file_type().is_some_and(|t| t.is_dir())
                    && NOT_NOTES.iter().any(|name| entry.file_name() == *name))
            });
        }
        let mut paths: Vec<PathBuf> = walk
            .hidden(true)
            .git_ignore(honour_ignore_files)
            .git_global(false)
            .git_exclude(honour_ignore_files)
            .ignore(honour_ignore_files)
            .parents(honour_ignore_files)
            .require_git(false)
            .build()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
            .map(ignore::DirEntry::into_path)
            .filter(|path| keep(path))
            .collect();
        paths.sort();
        paths
    }

    /// The bibliography files of the workspace: those `marginalia.toml` names (relative to the root), then those
    /// the `notes` (path and text) name in their front matter, each looked for next to its note, then at the root
    /// (a file found at neither is looked for next to the note, and reported missing there). Each once, in order.
    pub fn bibliography_paths<'a>(&self, notes: impl IntoIterator<Item = (&'a Path, &'a str)>) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> =
            self.config.bibliography.iter().map(|path| lexical(&self.root.join(path))).collect();
        for (note, text) in notes {
            for (written, _) in front_matter_bibliographies(text) {
                let candidates = bibliography_candidates(note, &self.root, &written);
                let found = candidates.iter().find(|path| path.is_file()).unwrap_or(&candidates[0]);
                paths.push(found.clone());
            }
        }
        let mut seen = std::collections::HashSet::new();
        paths.retain(|path| seen.insert(path.clone()));
        paths
    }

    /// Reads the bibliography files at `paths` (see [`Workspace::bibliography_paths`]).
    pub fn read_library(&self, paths: &[PathBuf]) -> Library {
        let configured: Vec<PathBuf> =
            self.config.bibliography.iter().map(|path| lexical(&self.root.join(path))).collect();
        Library::new(paths.iter().map(|path| (path.clone(), read_bibliography(path))).collect())
            .with_configured(&configured)
            .with_root(self.root.clone())
    }

    /// Reads and indexes every article, in parallel.
    pub fn read_sources(&self) -> (Vec<Source>, Vec<LoadProblem>) {
        read_sources(&self.source_paths(), &|| {})
    }
}

/// Which notes [`load_workspace`] reads.
#[derive(Clone, Copy, Debug)]
pub enum NotesToRead<'a> {
    /// None: a command that reports on the articles only.
    None,
    /// Every note of the workspace.
    All,
    /// The notes in these folders, and these files (canonical paths) that are notes.
    Under(&'a [PathBuf]),
}

/// How far [`load_workspace`] is, for a progress report.
#[derive(Clone, Copy, Debug)]
pub enum LoadProgress {
    /// This many articles are to be read.
    Articles(usize),
    /// One more article was read.
    ArticleRead,
    /// Every article is read; their entities and passages are being indexed.
    Indexing,
}

/// How [`load_workspace`] reads a workspace.
pub struct LoadOptions<'a> {
    /// Which notes to read.
    pub notes: NotesToRead<'a>,
    /// Notes the editor has open: the bibliographies their texts name are read too.
    pub open_notes: &'a [(PathBuf, String)],
    /// The saved index to read back instead of indexing, when it is still good.
    pub cache: Option<&'a IndexCache>,
    /// Told how far loading is.
    pub progress: &'a (dyn Fn(LoadProgress) + Sync),
    /// Whether the corpus is returned as soon as its articles are read, before its entities and passage index are
    /// built ([`Corpus::of_articles`]; the caller completes it), rather than complete.
    pub articles_first: bool,
}

impl LoadOptions<'_> {
    /// Reads `notes`, no saved index, no progress.
    pub fn notes(notes: NotesToRead<'_>) -> LoadOptions<'_> {
        LoadOptions { notes, open_notes: &[], cache: None, progress: &|_| {}, articles_first: false }
    }
}

/// How the corpus of a load was made.
#[derive(Debug)]
pub enum Indexed {
    /// Read back from the saved index.
    FromSaved,
    /// Indexed from the articles, with what saving the index needs.
    Anew {
        /// Each article's size and time before it was read.
        stamps: Vec<Option<Stamp>>,
        /// The problems of the set of articles.
        corpus_problems: Vec<CorpusProblem>,
        /// The articles that could not be read.
        unreadable: Vec<LoadProblem>,
        /// When the saved index was reused for the articles that had not changed: how many were read again.
        read_again: Option<usize>,
    },
}

/// A workspace read: the one load of the server and of every command.
#[derive(Debug)]
pub struct LoadedWorkspace {
    /// The workspace, with its configuration (the defaults when `marginalia.toml` is invalid: see `problems`).
    pub workspace: Workspace,
    /// The articles, indexed.
    pub corpus: Corpus,
    /// The bibliographies the configuration and the notes read (and the open notes) name.
    pub library: Library,
    /// The notes read, with their texts.
    pub notes: Vec<(PathBuf, String)>,
    /// Every problem met, in order: the configuration, articles and notes that could not be read, duplicate ids.
    pub problems: Vec<LoadProblem>,
    /// How the corpus was made.
    pub indexed: Indexed,
}

/// Loads the workspace at `root`: its configuration, its articles (from the saved index when it is still good),
/// the notes asked for, and every bibliography named. Problems are collected, never fatal.
pub fn load_workspace(root: &Path, options: LoadOptions) -> LoadedWorkspace {
    let (workspace, config_problem) = Workspace::open(root);
    let mut problems: Vec<LoadProblem> = config_problem.into_iter().collect();
    let paths = workspace.source_paths();
    (options.progress)(LoadProgress::Articles(paths.len()));
    let note_paths = match options.notes {
        NotesToRead::None => Vec::new(),
        NotesToRead::All => workspace.note_paths(),
        NotesToRead::Under(given) => {
            let (files, folders): (Vec<&PathBuf>, Vec<&PathBuf>) = given.iter().partition(|path| path.is_file());
            // A file given that is not a note (an article, a README: a hook passes every changed Markdown file)
            // is not read as one.
            let files = files.into_iter().filter(|path| workspace.is_note(path));
            let mut paths: Vec<PathBuf> = workspace
                .note_paths()
                .into_iter()
                .filter(|note| folders.iter().any(|folder| note.starts_with(folder)))
                .collect();
            paths.extend(files.cloned());
            paths.sort();
            paths.dedup();
            paths
        }
    };
    let read: Vec<(PathBuf, Result<String, LoadProblem>)> = note_paths
        .into_par_iter()
        .map(|path| {
            let text = read_text(&path);
            (path, text)
        })
        .collect();
    let mut notes = Vec::with_capacity(read.len());
    for (path, text) in read {
        match text {
            Ok(text) => notes.push((path, text)),
            Err(problem) => problems.push(problem),
        }
    }
    let named = notes.iter().chain(options.open_notes).map(|(path, text)| (path.as_path(), text.as_str()));
    let library = workspace.read_library(&workspace.bibliography_paths(named));
    let overrides = &workspace.config.entities;
    let mut built = None;
    match options.cache.and_then(|cache| cache.reuse(&paths, overrides)) {
        Some(Reuse::Whole(loaded)) => {
            problems.extend(loaded.unreadable);
            problems.extend(loaded.corpus_problems.into_iter().map(LoadProblem::Corpus));
            return LoadedWorkspace {
                workspace,
                corpus: loaded.corpus,
                library,
                notes,
                problems,
                indexed: Indexed::FromSaved,
            };
        }
        // A few articles changed since the index was saved: only they are read and extracted.
        Some(Reuse::Part(partly)) => {
            let stamps = stamps(&paths);
            (options.progress)(LoadProgress::Articles(partly.to_read.len()));
            let (read, unreadable) = read_sources(&partly.to_read, &|| (options.progress)(LoadProgress::ArticleRead));
            (options.progress)(LoadProgress::Indexing);
            let read_again = Some(partly.to_read.len());
            built = partly.with_read(read).map(|corpus| (stamps, corpus, unreadable, read_again));
        }
        None => {}
    }
    let (stamps, (corpus, corpus_problems), unreadable, read_again) = match built {
        Some(built) => built,
        None => {
            let stamps = stamps(&paths);
            let (sources, unreadable) = read_sources(&paths, &|| (options.progress)(LoadProgress::ArticleRead));
            (options.progress)(LoadProgress::Indexing);
            (stamps, Corpus::of_articles(sources, overrides.clone()), unreadable, None)
        }
    };
    let corpus = match options.articles_first {
        true => corpus,
        false => corpus.completed().unwrap_or(corpus),
    };
    problems.extend(unreadable.iter().cloned());
    problems.extend(corpus_problems.iter().cloned().map(LoadProblem::Corpus));
    let indexed = Indexed::Anew { stamps, corpus_problems, unreadable, read_again };
    LoadedWorkspace { workspace, corpus, library, notes, problems, indexed }
}

/// Reads and indexes the articles at `paths`, in parallel, calling `on_each` after each file;
/// unreadable ones are reported and skipped.
pub fn read_sources(paths: &[PathBuf], on_each: &(dyn Fn() + Sync)) -> (Vec<Source>, Vec<LoadProblem>) {
    let results: Vec<Result<Source, LoadProblem>> = paths
        .par_iter()
        .map(|path| {
            let result = read_source(path);
            on_each();
            result
        })
        .collect();
    let mut sources = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(source) => sources.push(source),
            Err(problem) => problems.push(problem),
        }
    }
    (sources, problems)
}

/// Reads and indexes one article; its id is the file stem.
pub fn read_source(path: &Path) -> Result<Source, LoadProblem> {
    let id = path.file_stem().map(|stem| stem.to_string_lossy().into_owned()).unwrap_or_default();
    if is_pdf(path) {
        let bytes = std::fs::read(path)
            .map_err(|error| LoadProblem::Unreadable { path: path.to_path_buf(), message: error.to_string() })?;
        let read = pdf::extract(&bytes).map_err(|problem| LoadProblem::Pdf { path: path.to_path_buf(), problem })?;
        let pages = Pages::new(read.pages, cache::bytes_hash(&bytes));
        return Ok(Source::paged(id, path.to_path_buf(), read.text, read.described, pages));
    }
    let read = read_article(path)?;
    let mut source = match read.page {
        Some(page) => {
            Source::extracted(id, path.to_path_buf(), page.text, SourceFormat::Html, page.described, page.map)
        }
        None => Source::new(id, path.to_path_buf(), read.text),
    };
    if path.extension().is_some_and(|extension| extension.eq_ignore_ascii_case("md")) {
        source.format = SourceFormat::Markdown;
    }
    source.encoding = read.assumed.map(str::to_string);
    Ok(source)
}

/// Whether the file at `path` is a PDF, by its extension.
pub fn is_pdf(path: &Path) -> bool {
    path.extension().is_some_and(|extension| extension.eq_ignore_ascii_case("pdf"))
}

/// An article file as read: its text, and for a saved web page what was extracted from it.
#[derive(Debug)]
pub struct ReadArticle {
    /// The file's text, decoded.
    pub text: String,
    /// The encoding it was decoded from, when not UTF-8.
    pub assumed: Option<&'static str>,
    /// For a saved web page (`.html`, `.htm`), its main text, metadata and word map.
    pub page: Option<html::Page>,
}

/// Whether the file at `path` is a saved web page, by its extension.
pub fn is_page(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("html") || extension.eq_ignore_ascii_case("htm"))
}

/// Reads a text article file in whatever encoding it is in (see [`decode`]); a saved web page has its text
/// extracted. A PDF is read by [`read_source`].
pub fn read_article(path: &Path) -> Result<ReadArticle, LoadProblem> {
    let decoded = read_file_text(path)?;
    let page = if is_page(path) {
        Some(
            html::extract(&decoded.text)
                .map_err(|problem| LoadProblem::NoText { path: path.to_path_buf(), problem })?,
        )
    } else {
        None
    };
    Ok(ReadArticle { text: decoded.text, assumed: decoded.assumed, page })
}

/// The text of an article file as an editor shows it (a saved page's markup included), decoded as it is when
/// indexed; the positions of a source with an [`crate::corpus::OffsetMap`] are in this text.
pub fn read_file_text(path: &Path) -> Result<decode::Decoded, LoadProblem> {
    let bytes = std::fs::read(path)
        .map_err(|error| LoadProblem::Unreadable { path: path.to_path_buf(), message: error.to_string() })?;
    let decoded = if is_page(path) { html::decode_page(bytes) } else { decode::decode(bytes) };
    decoded.map_err(|error| match error {
        decode::Undecodable::InvalidUtf8 { offset } => LoadProblem::NotUtf8 { path: path.to_path_buf(), offset },
        decode::Undecodable::Binary { offset } => LoadProblem::Binary { path: path.to_path_buf(), offset },
        decode::Undecodable::Invalid { encoding } => {
            LoadProblem::Undecodable { path: path.to_path_buf(), encoding: encoding.to_string() }
        }
    })
}

/// Reads a UTF-8 text file.
pub fn read_text(path: &Path) -> Result<String, LoadProblem> {
    let bytes = std::fs::read(path)
        .map_err(|error| LoadProblem::Unreadable { path: path.to_path_buf(), message: error.to_string() })?;
    String::from_utf8(bytes)
        .map_err(|error| LoadProblem::NotUtf8 { path: path.to_path_buf(), offset: error.utf8_error().valid_up_to() })
}

/// The text of a bibliography file, or why it cannot be read, in words for the writer.
pub fn read_bibliography(path: &Path) -> Result<String, String> {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map_err(|error| format!("not UTF-8 text (invalid byte at offset {})", error.utf8_error().valid_up_to())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Err("no such file".to_string()),
        Err(error) => Err(error.to_string()),
    }
}

/// Runs an extractor written for well-formed files (of saved pages, of PDFs), turning a panic in it into its
/// message: a defect met on one malformed file is that file's problem, never the end of the process reading it.
pub(crate) fn contained<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).map_err(|panic| {
        (panic.downcast_ref::<String>().cloned())
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "the extractor failed".to_string())
    })
}

/// Folders whose Markdown is never a note: other people's packages and build outputs.
const NOT_NOTES: [&str; 4] = ["node_modules", "bower_components", "target", "__pycache__"];

/// Whether `root` is a workspace: it has a `marginalia.toml` or a `sources` folder.
pub fn is_workspace(root: &Path) -> bool {
    root.join(CONFIG_FILE).is_file() || root.join("sources").is_dir()
}

/// The workspace root for `start`: the nearest folder at or above it with `marginalia.toml`,
/// else the nearest with a `sources` folder, else `start` itself (or its folder, for a file).
pub fn find_root(start: &Path) -> PathBuf {
    let start = if start.is_file() { start.parent().unwrap_or(start) } else { start };
    let ancestors = || start.ancestors();
    ancestors()
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .or_else(|| ancestors().find(|dir| dir.join("sources").is_dir()))
        .unwrap_or(start)
        .to_path_buf()
}

fn glob_set(patterns: impl Iterator<Item = String>) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        // Patterns were validated when the configuration was parsed.
        if let Ok(glob) = Glob::new(&pattern) {
            builder.add(glob);
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

fn config_problem(path: &Path, text: &str, error: &ConfigError) -> LoadProblem {
    let index = LineIndex::new(text);
    let position = index.line_col(text, error.range.start(), crate::text::PositionEncoding::Utf32);
    LoadProblem::Config {
        path: path.to_path_buf(),
        line: position.line + 1,
        column: position.col + 1,
        message: error.message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, content) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        dir
    }

    fn relative(root: &Path, paths: Vec<PathBuf>) -> Vec<String> {
        paths.iter().map(|p| p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/")).collect()
    }

    #[test]
    fn default_layout_sources_folder_and_notes_everywhere_else() {
        let dir = workspace(&[
            ("sources/a.txt", b"A."),
            ("sources/deep/b.md", b"B."),
            ("sources/c.doc", b"C"),
            ("notes/n.md", b"N"),
            ("README.md", b"R"),
            (".hidden/x.md", b"X"),
        ]);
        let (workspace, problem) = Workspace::open(dir.path());
        assert_eq!(problem, None);
        assert_eq!(relative(dir.path(), workspace.source_paths()), vec!["sources/a.txt", "sources/deep/b.md"]);
        assert_eq!(relative(dir.path(), workspace.note_paths()), vec!["README.md", "notes/n.md"]);
    }

    #[test]
    fn legacy_encodings_are_decoded_and_broken_utf8_is_reported_and_skipped() {
        let dir = workspace(&[
            ("sources/good.txt", b"Fine text."),
            ("sources/latin1.txt", b"Le caf\xe9 du port a ferm\xe9 ses portes."),
            ("sources/bad.txt", b"Caf\xc3\xa9 au lait, caf\xe9"),
        ]);
        let (workspace, _) = Workspace::open(dir.path());
        let (sources, problems) = workspace.read_sources();
        let read: Vec<(&str, &str, Option<&str>)> =
            sources.iter().map(|s| (s.id.as_str(), s.text.as_str(), s.encoding.as_deref())).collect();
        assert_eq!(
            read,
            [("good", "Fine text.", None), ("latin1", "Le café du port a fermé ses portes.", Some("windows-1252"))]
        );
        assert!(matches!(&problems[..], [LoadProblem::NotUtf8 { offset: 18, .. }]), "{problems:?}");
    }

    #[test]
    fn invalid_config_falls_back_to_defaults_with_a_located_error() {
        let dir = workspace(&[("marginalia.toml", b"sources = 3\n")]);
        let (workspace, problem) = Workspace::open(dir.path());
        assert_eq!(workspace.config, Config::default());
        let Some(LoadProblem::Config { line, column, .. }) = problem else {
            panic!("expected a config problem, got {problem:?}");
        };
        assert_eq!((line, column), (1, 11));
    }

    #[test]
    fn source_folders_and_globs() {
        let patterns = ["./archive/", "press", "scraped/**/*.html"].map(String::from);
        let sources = SourcePatterns::new(&patterns);
        for (path, is_source) in [
            ("archive/a.txt", true),
            ("archive/2024/b.md", true),
            ("archive/c.pdf", true),
            ("archive/c.doc", false),
            ("archived/a.txt", false),
            ("press/a.txt", true),
            ("notes/press/a.txt", false),
            ("scraped/x/page.html", true),
            ("scraped/x/page.txt", false),
        ] {
            assert_eq!(sources.is_match(Path::new(path)), is_source, "{path}");
        }
        // A hundred thousand folders are a hundred thousand set entries (as globs, they took a minute to build).
        let many: Vec<String> = (0..100_000).map(|i| format!("folder{i}")).collect();
        let sources = SourcePatterns::new(&many);
        assert!(sources.is_match(Path::new("folder99999/deep/a.txt")));
        assert!(!sources.is_match(Path::new("folder100000/a.txt")));
    }

    #[test]
    fn root_is_found_from_a_note() {
        let dir = workspace(&[("marginalia.toml", b""), ("notes/deep/n.md", b"N")]);
        assert_eq!(find_root(&dir.path().join("notes/deep/n.md")), dir.path());
    }
}
