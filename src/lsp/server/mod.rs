//! The language server: a thin `tower_lsp::LanguageServer` over the analysis.
//!
//! Each request handler does three things: convert the request to offsets (`convert`), ask a snapshot of the
//! analysis (on a blocking thread when the work grows with a note or the corpus), and convert the answer back. Notifications that change documents mutate the
//! session under a lock before their first `.await`, so edits are applied in the order they arrive.

mod bibliographies;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types as lsp;
use tower_lsp::{Client, LanguageServer};

use super::convert::{self, TextLines};
use super::documents::{Document, Documents, GatheredNotes, ParsedNote};
use crate::analysis::{Analysis, Documentation};
use crate::bibliography::Library;
use crate::config::CONFIG_FILE;
use crate::corpus::Corpus;
use crate::load::{self, IndexCache, Indexed, LoadOptions, LoadProblem, LoadProgress, NotesToRead, Workspace};
use crate::text::{PositionEncoding, TextRange};

/// How long typing must pause before the diagnostics of a changed note are recomputed.
///
/// Computing on every keystroke would keep a core busy under steady typing and flood the client.
const DIAGNOSTICS_DEBOUNCE: Duration = Duration::from_millis(250);
/// The largest part of a note a position request parses on the async worker (a few hundred microseconds).
const INLINE_PARSE_BYTES: usize = 64 * 1024;

/// How long the server waits for the client to accept a progress token before indexing without one.
const PROGRESS_CREATE_TIMEOUT: Duration = Duration::from_secs(2);

/// How often indexing progress is reported.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(200);

/// The server; cheap to clone, so background tasks can hold it.
#[derive(Clone)]
pub struct Server {
    client: Client,
    session: Arc<Mutex<Session>>,
    /// Serialises corpus rebuilds, so that two file changes never build on the same old corpus.
    rebuild: Arc<tokio::sync::Mutex<()>>,
}

#[derive(Default)]
struct Session {
    encoding: PositionEncoding,
    root: Option<PathBuf>,
    workspace: Option<Workspace>,
    analysis: Analysis,
    /// The corpus is complete; until then, no diagnostics are published (every id would look unknown).
    ready: bool,
    /// Bumped by each full indexing, so that a stale one does not overwrite a newer one.
    index_generation: u64,
    documents: Documents,
    /// The workspace's notes as last read from disk or saved in the editor, parsed: where references are looked
    /// for in the notes that are not open.
    notes_on_disk: Arc<HashMap<PathBuf, Arc<ParsedNote>>>,
    /// The bibliography files whose problems are published, to clear them once the problems are gone.
    published_bibliographies: Vec<PathBuf>,
    /// The bibliography files outside the workspace that the client watches for us (a reference manager's
    /// automatic export, say), each registered by its folder and name.
    watched_outside: Vec<PathBuf>,
    client_supports_progress: bool,
    client_supports_watching: bool,
    /// Whether the client applies workspace edits that rename files (what renaming a source id needs).
    client_renames_files: bool,
    /// Whether titles are shown after opaque ids (`initializationOptions.inlayHints`, on by default).
    inlay_hints: bool,
    /// Whether completion items leave their documentation for `completionItem/resolve` (when the client can ask).
    completion_documentation: Documentation,
    /// Whether notes are checked as they change, or only when opened and saved (`initializationOptions`).
    diagnostics_on_change: bool,
    /// Whether the index is saved for the next start (`initializationOptions.indexCache`, on by default), and
    /// in which folder (`initializationOptions.cacheDir`, else the user's cache folder).
    save_index: bool,
    cache_folder: Option<PathBuf>,
}

/// What a request needs: a snapshot of the analysis and the parsed note.
struct Snapshot {
    analysis: Analysis,
    parsed: Arc<ParsedNote>,
    encoding: PositionEncoding,
    ready: bool,
}

impl Snapshot {
    fn lines(&self) -> TextLines<'_> {
        self.parsed.lines(self.encoding)
    }
}

impl Server {
    /// A server that talks to `client`.
    pub fn new(client: Client) -> Server {
        Server { client, session: Arc::default(), rebuild: Arc::default() }
    }

    fn session(&self) -> MutexGuard<'_, Session> {
        // A panic while holding the lock leaves the session usable: every mutation is a plain assignment.
        self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// An open document with the analysis, encoding and readiness to answer about it; `None` (logged) when it is
    /// not open.
    fn open_document(&self, uri: &lsp::Url) -> Option<(Document, Analysis, PositionEncoding, bool)> {
        let session = self.session();
        let Some(document) = session.documents.get(uri) else {
            tracing::warn!("request for a document that is not open: {uri}");
            return None;
        };
        Some((document.clone(), session.analysis.clone(), session.encoding, session.ready))
    }

    /// The analysis and the parsed note of an open document; parses off the async workers when needed.
    async fn snapshot(&self, uri: &lsp::Url) -> Option<Snapshot> {
        let (document, analysis, encoding, ready) = self.open_document(uri)?;
        let parsed = match document.parsed() {
            Some(parsed) => parsed,
            None => {
                let (rope, version, path) = (document.rope, document.version, document.path);
                let parsed = Arc::new(blocking(move || ParsedNote::new(&rope, version, path)).await?);
                if let Some(document) = self.session().documents.get_mut(uri) {
                    document.cache(parsed.clone());
                }
                parsed
            }
        };
        Some(Snapshot { analysis, parsed, encoding, ready })
    }

    /// The analysis and the note around `line`: the whole note when its parse is current, otherwise the part of
    /// it around the line, which is small unless the note was never parsed whole; a large part is parsed off the
    /// async workers.
    async fn snapshot_at(&self, uri: &lsp::Url, line: u32) -> Option<Snapshot> {
        let (document, analysis, encoding, ready) = self.open_document(uri)?;
        let parsed = match document.parsed() {
            Some(whole) => whole,
            None => {
                let (first_line, text) = document.part_around(line);
                let (version, path) = (document.version, document.path.clone());
                let named = if first_line == 0 { Vec::new() } else { document.named_bibliographies() };
                if text.len() <= INLINE_PARSE_BYTES {
                    Arc::new(ParsedNote::part(first_line, text, version, path, named))
                } else {
                    Arc::new(blocking(move || ParsedNote::part(first_line, text, version, path, named)).await?)
                }
            }
        };
        Some(Snapshot { analysis, parsed, encoding, ready })
    }

    /// The shape of every position request: parse what is around the position, convert it, run `answer`,
    /// convert the answer. `None` when the document is not open or there is nothing to say. The answers are
    /// bounded (lists are cut, searches limited) and take well under a millisecond, so they run on the async
    /// worker: a hand-off to another thread would cost more than the work.
    async fn at_position<T>(
        &self,
        position: lsp::TextDocumentPositionParams,
        answer: impl FnOnce(&Snapshot, &TextLines, crate::text::TextSize) -> Option<T>,
    ) -> Option<T> {
        let snapshot = self.snapshot_at(&position.text_document.uri, position.position.line).await?;
        let lines = snapshot.lines();
        let offset = lines.offset(position.position);
        answer(&snapshot, &lines, offset)
    }

    async fn publish_diagnostics(&self, uri: lsp::Url) {
        let Some(snapshot) = self.snapshot(&uri).await else {
            return;
        };
        if !snapshot.ready {
            return;
        }
        let version = snapshot.parsed.version;
        let Some(latest) = self.session().documents.get(&uri).map(|d| d.latest_version.clone()) else {
            return;
        };
        // A check of an outdated text stops: its answer would not be published.
        let outdated = move || latest.load(Ordering::Relaxed) != i64::from(version);
        let Some(Some(diagnostics)) = blocking(move || {
            let lines = snapshot.lines();
            let diagnostics = snapshot.analysis.diagnostics_unless(&snapshot.parsed.note, &outdated)?;
            Some(diagnostics.iter().map(|d| convert::diagnostic(&lines, d)).collect::<Vec<_>>())
        })
        .await
        else {
            return;
        };
        let current = self.session().documents.get(&uri).map(|d| d.version);
        if current == Some(version) {
            self.client.publish_diagnostics(uri, diagnostics, Some(version)).await;
        }
    }

    fn publish_diagnostics_later(&self, uri: lsp::Url, generation: u64) {
        let server = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(DIAGNOSTICS_DEBOUNCE).await;
            let current = server.session().documents.get(&uri).map(|d| d.generation);
            if current == Some(generation) {
                server.publish_diagnostics(uri).await;
            }
        });
    }

    /// Publishes the diagnostics of every open note; when diagnostics are for saved text only, of every note
    /// without unsaved changes.
    async fn publish_all_diagnostics(&self) {
        let uris = {
            let session = self.session();
            let documents = &session.documents;
            let mut uris = documents.uris();
            if !session.diagnostics_on_change {
                uris.retain(|uri| documents.get(uri).is_some_and(|d| d.generation == d.saved_generation));
            }
            uris
        };
        for uri in uris {
            self.publish_diagnostics(uri).await;
        }
    }

    /// Indexes the whole workspace in the background, reporting progress, then publishes diagnostics.
    async fn index_workspace(&self) {
        let _rebuild = self.rebuild.lock().await;
        let (root, generation, progress, cache) = {
            let mut session = self.session();
            let Some(root) = session.root.clone() else {
                return;
            };
            session.index_generation += 1;
            let cache = (session.save_index)
                .then(|| IndexCache::for_workspace(&root, session.cache_folder.as_deref()))
                .flatten();
            (root, session.index_generation, session.client_supports_progress, cache)
        };
        self.client.send_notification::<StatusNotification>(Status::indexing()).await;
        let progress = match progress {
            true => Progress::begin(&self.client, generation).await,
            false => None,
        };
        let done = Arc::new(AtomicUsize::new(0));
        let total = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(AtomicBool::new(false));
        if let Some(progress) = &progress {
            let (progress, done, total, finished) = (progress.clone(), done.clone(), total.clone(), finished.clone());
            tokio::spawn(async move {
                while !finished.load(Ordering::Relaxed) {
                    tokio::time::sleep(PROGRESS_INTERVAL).await;
                    let (done, total) = (done.load(Ordering::Relaxed), total.load(Ordering::Relaxed));
                    if total > 0 && !finished.load(Ordering::Relaxed) {
                        progress.report(format!("{done}/{total} articles"), (done * 100 / total) as u32).await;
                    }
                }
            });
        }
        let started = std::time::Instant::now();
        let (done_counter, total_counter) = (done.clone(), total.clone());
        let saved_cache = cache.clone();
        let open_notes: Vec<(PathBuf, String)> = {
            let session = self.session();
            (session.documents.uris().into_iter())
                .filter_map(|uri| {
                    let document = session.documents.get(&uri)?;
                    Some((uri.to_file_path().ok()?, document.rope.to_string()))
                })
                .collect()
        };
        let indexed = blocking(move || {
            let progress = |step: LoadProgress| match step {
                LoadProgress::Articles(total) => total_counter.store(total, Ordering::Relaxed),
                LoadProgress::ArticleRead => {
                    done_counter.fetch_add(1, Ordering::Relaxed);
                }
            };
            let options = LoadOptions {
                notes: NotesToRead::All,
                open_notes: &open_notes,
                cache: cache.as_ref(),
                progress: &progress,
            };
            let loaded = load::load_workspace(&root, options);
            let messages: Vec<String> = loaded.problems.iter().map(LoadProblem::to_string).collect();
            let notes = parse_notes(loaded.notes);
            let analysis = ready_analysis(loaded.corpus, Arc::new(loaded.library));
            (loaded.workspace, analysis, notes, messages, loaded.indexed)
        })
        .await;
        finished.store(true, Ordering::Relaxed);
        let Some((workspace, analysis, notes, messages, indexed)) = indexed else {
            if let Some(progress) = progress {
                progress.end("indexing failed".to_string()).await;
            }
            return;
        };
        let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let corpus = analysis.corpus();
        let summary = format!(
            "{}, {} in {:.1} s{}",
            count(corpus.len(), "article", "articles"),
            count(corpus.entities().len(), "entity", "entities"),
            started.elapsed().as_secs_f64(),
            if matches!(indexed, Indexed::FromSaved) { " (from the saved index)" } else { "" }
        );
        tracing::info!("indexed {summary}");
        let corpus = analysis.shared_corpus();
        let overrides = workspace.config.entities.clone();
        {
            let mut session = self.session();
            if session.index_generation != generation {
                return;
            }
            session.workspace = Some(workspace);
            session.analysis = analysis;
            session.notes_on_disk = Arc::new(notes);
            session.ready = true;
        }
        if let Some(progress) = progress {
            progress.end(summary).await;
        }
        if let (Some(cache), Indexed::Anew { stamps, corpus_problems, unreadable }) = (saved_cache, indexed) {
            tokio::task::spawn_blocking(move || {
                if let Err(error) = cache.save(&corpus, &corpus_problems, &unreadable, stamps, &overrides) {
                    tracing::warn!("cannot save the index to {}: {error}", cache.file().display());
                }
            });
        }
        self.send_status().await;
        self.report_problems(&messages).await;
        self.publish_bibliography_diagnostics().await;
        self.publish_all_diagnostics().await;
        // Notes opened while indexing ran: the bibliographies they name that were not read with the others.
        let open: Vec<(PathBuf, String)> = {
            let session = self.session();
            (session.documents.uris().into_iter())
                .filter_map(|uri| {
                    let document = session.documents.get(&uri)?;
                    Some((document.path.clone()?, document.rope.to_string()))
                })
                .collect()
        };
        // After this indexing lets go of the rebuild lock.
        let server = self.clone();
        tokio::spawn(async move {
            for (path, text) in open {
                server.read_named_bibliographies(path, text).await;
            }
        });
    }

    /// Builds a new analysis from the current one off the async workers, one rebuild at a time, and puts it in
    /// place unless a full indexing started meanwhile; `None` when it was not put in place.
    async fn rebuild_analysis<T: Send + 'static>(
        &self,
        build: impl FnOnce(Analysis) -> (Analysis, T) + Send + 'static,
    ) -> Option<T> {
        let _rebuild = self.rebuild.lock().await;
        let (analysis, generation) = {
            let session = self.session();
            (session.analysis.clone(), session.index_generation)
        };
        let (rebuilt, besides) = blocking(move || build(analysis)).await?;
        let mut session = self.session();
        if session.index_generation != generation {
            return None;
        }
        session.analysis = rebuilt;
        Some(besides)
    }

    /// Tells the client how many articles and entities the index holds (`marginalia/status`).
    async fn send_status(&self) {
        let status = {
            let session = self.session();
            let corpus = session.analysis.corpus();
            Status { state: "ready".to_string(), articles: corpus.len(), entities: corpus.entities().len() }
        };
        self.client.send_notification::<StatusNotification>(status).await;
    }

    /// Re-reads the changed articles and rebuilds the corpus around them; reindexes all on a config change.
    async fn apply_file_changes(&self, changes: Vec<lsp::FileEvent>) {
        let Some(workspace) = self.session().workspace.clone() else {
            return;
        };
        let mut changed = Vec::new();
        let mut removed = Vec::new();
        let mut notes_changed = Vec::new();
        let mut notes_removed = Vec::new();
        let mut bibliographies = Vec::new();
        let library = self.session().analysis.shared_library();
        for change in changes {
            let Ok(path) = change.uri.to_file_path() else {
                continue;
            };
            if path == workspace.root.join(CONFIG_FILE) {
                return self.index_workspace().await;
            }
            if library.file(&path).is_some() {
                bibliographies.push(path);
                continue;
            }
            let (changed, removed) = if workspace.is_source(&path) {
                (&mut changed, &mut removed)
            } else if workspace.is_note(&path) {
                (&mut notes_changed, &mut notes_removed)
            } else {
                continue;
            };
            if change.typ == lsp::FileChangeType::DELETED {
                removed.push(path);
            } else {
                changed.push(path);
            }
        }
        if !bibliographies.is_empty() {
            self.reread_bibliographies(bibliographies).await;
        }
        if !notes_changed.is_empty() || !notes_removed.is_empty() {
            self.reread_notes(notes_changed, notes_removed).await;
        }
        if changed.is_empty() && removed.is_empty() {
            return;
        }
        let rebuilt = self
            .rebuild_analysis(move |analysis| {
                let (sources, problems) = load::read_sources(&changed, &|| {});
                let (corpus, corpus_problems) = analysis.corpus().with_changes(sources, &removed);
                let mut messages: Vec<String> = problems.iter().map(LoadProblem::to_string).collect();
                messages.extend(corpus_problems.iter().map(ToString::to_string));
                (ready_analysis(corpus, analysis.shared_library()), messages)
            })
            .await;
        let Some(messages) = rebuilt else {
            return;
        };
        self.send_status().await;
        self.report_problems(&messages).await;
        self.publish_all_diagnostics().await;
    }

    /// Waits (a while) for the client to apply a rename of an article's file, then indexes the article under its
    /// new name. Not every client reports the move (Neovim watches no files on Linux, and sends no
    /// `workspace/didRenameFiles`), and the notes it has just edited would otherwise cite an id the index lacks.
    fn follow_renamed_article(&self, from: PathBuf, to: PathBuf) {
        const WAIT: Duration = Duration::from_secs(30);
        const EVERY: Duration = Duration::from_millis(100);
        let server = self.clone();
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            while started.elapsed() < WAIT {
                tokio::time::sleep(EVERY).await;
                if to.exists() && !from.exists() {
                    let (Some(old), Some(new)) = (convert::file_url(&from), convert::file_url(&to)) else {
                        return;
                    };
                    let events = vec![
                        lsp::FileEvent { uri: old, typ: lsp::FileChangeType::DELETED },
                        lsp::FileEvent { uri: new, typ: lsp::FileChangeType::CREATED },
                    ];
                    return server.apply_file_changes(events).await;
                }
            }
            tracing::info!("{} was not renamed to {} within {WAIT:?}", from.display(), to.display());
        });
    }

    /// The notes of the workspace as they stand now, to parse into a [`Notes`] off the async workers.
    fn gather_notes(&self) -> GatheredNotes {
        let session = self.session();
        let open =
            (session.documents.uris().into_iter()).filter_map(|uri| session.documents.get(&uri).cloned()).collect();
        GatheredNotes { open, on_disk: session.notes_on_disk.clone() }
    }

    /// Reads the notes that changed on disk again, and forgets those removed.
    async fn reread_notes(&self, changed: Vec<PathBuf>, removed: Vec<PathBuf>) {
        let Some(read) = blocking(move || read_notes(&changed)).await else {
            return;
        };
        let mut session = self.session();
        let mut notes = (*session.notes_on_disk).clone();
        for path in removed {
            notes.remove(&path);
        }
        notes.extend(read);
        session.notes_on_disk = Arc::new(notes);
    }

    /// Logs every problem and shows one message that sums them up.
    async fn report_problems(&self, messages: &[String]) {
        for message in messages {
            tracing::warn!("{message}");
            self.client.log_message(lsp::MessageType::WARNING, message).await;
        }
        let shown = match messages {
            [] => return,
            [one] => format!("marginalia: {one}"),
            [first, rest @ ..] => {
                let more = if rest.len() == 1 {
                    "1 more problem".to_string()
                } else {
                    format!("{} more problems", rest.len())
                };
                format!("marginalia: {first} (and {more}; see the output log)")
            }
        };
        self.client.show_message(lsp::MessageType::WARNING, shown).await;
    }

    async fn register_file_watchers(&self) {
        let bibliographies = ["**/*.bib", "**/*.bibtex", "**/*.json", "**/*.yaml", "**/*.yml"];
        let watchers = ["**/*.txt", "**/*.md", &format!("**/{CONFIG_FILE}")]
            .into_iter()
            .chain(bibliographies)
            .map(|pattern| lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String(pattern.to_string()),
                kind: None,
            })
            .collect();
        let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = lsp::Registration {
            id: "marginalia-watched-files".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        if let Err(error) = self.client.register_capability(vec![registration]).await {
            tracing::warn!("the client refused to watch files: {error}");
        }
    }
}

/// `marginalia/status`: the state of the index, for a status bar.
enum StatusNotification {}

impl lsp::notification::Notification for StatusNotification {
    type Params = Status;
    const METHOD: &'static str = "marginalia/status";
}

/// The parameters of `marginalia/status`.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Status {
    /// `indexing` or `ready`.
    state: String,
    /// The number of articles indexed.
    articles: usize,
    /// The number of entities found.
    entities: usize,
}

impl Status {
    fn indexing() -> Status {
        Status { state: "indexing".to_string(), articles: 0, entities: 0 }
    }
}

/// An analysis of `corpus` and `library` with completion prepared, so that the first completion is as fast as the
/// others.
fn ready_analysis(corpus: Corpus, library: Arc<Library>) -> Analysis {
    ready_analysis_of(Arc::new(corpus), library)
}

/// [`ready_analysis`] of a shared corpus.
fn ready_analysis_of(corpus: Arc<Corpus>, library: Arc<Library>) -> Analysis {
    let analysis = Analysis::with_library(corpus, library);
    analysis.prepare();
    analysis
}

/// The answer to a request that cannot be done, with the reason (LSP's `RequestFailed`): editors show it.
fn request_failed(message: String) -> tower_lsp::jsonrpc::Error {
    tower_lsp::jsonrpc::Error {
        code: tower_lsp::jsonrpc::ErrorCode::ServerError(-32803),
        message: message.into(),
        data: None,
    }
}

/// Reads and parses notes in parallel; a note that cannot be read has no references to find.
fn read_notes(paths: &[PathBuf]) -> HashMap<PathBuf, Arc<ParsedNote>> {
    use rayon::prelude::*;
    let read: Vec<(PathBuf, String)> = paths
        .par_iter()
        .filter_map(|path| match load::read_text(path) {
            Ok(text) => Some((path.clone(), text)),
            Err(problem) => {
                tracing::debug!("{problem}");
                None
            }
        })
        .collect();
    parse_notes(read)
}

/// Parses notes in parallel.
fn parse_notes(notes: Vec<(PathBuf, String)>) -> HashMap<PathBuf, Arc<ParsedNote>> {
    use rayon::prelude::*;
    notes
        .into_par_iter()
        .map(|(path, text)| {
            let parsed = Arc::new(ParsedNote::whole(text, 0, Some(path.clone())));
            (path, parsed)
        })
        .collect()
}

/// Runs CPU work on the blocking pool; a panic there is logged and becomes `None`, never a crashed server.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => Some(value),
        Err(error) => {
            tracing::error!("a request failed: {error}");
            None
        }
    }
}

/// A work-done progress shown by the client while indexing.
#[derive(Clone)]
struct Progress {
    client: Client,
    token: lsp::NumberOrString,
}

impl Progress {
    async fn begin(client: &Client, generation: u64) -> Option<Progress> {
        let token = lsp::NumberOrString::String(format!("marginalia/indexing/{generation}"));
        let create = client.send_request::<lsp::request::WorkDoneProgressCreate>(lsp::WorkDoneProgressCreateParams {
            token: token.clone(),
        });
        // Indexing must not wait on a client that never answers: without an answer there is no progress shown.
        let created = tokio::time::timeout(PROGRESS_CREATE_TIMEOUT, create).await;
        if !matches!(created, Ok(Ok(()))) {
            return None;
        }
        let progress = Progress { client: client.clone(), token };
        progress
            .send(lsp::WorkDoneProgress::Begin(lsp::WorkDoneProgressBegin {
                title: "Indexing articles".to_string(),
                cancellable: Some(false),
                message: None,
                percentage: Some(0),
            }))
            .await;
        Some(progress)
    }

    async fn report(&self, message: String, percentage: u32) {
        self.send(lsp::WorkDoneProgress::Report(lsp::WorkDoneProgressReport {
            cancellable: Some(false),
            message: Some(message),
            percentage: Some(percentage),
        }))
        .await;
    }

    async fn end(&self, message: String) {
        self.send(lsp::WorkDoneProgress::End(lsp::WorkDoneProgressEnd { message: Some(message) })).await;
    }

    async fn send(&self, value: lsp::WorkDoneProgress) {
        self.client
            .send_notification::<lsp::notification::Progress>(lsp::ProgressParams {
                token: self.token.clone(),
                value: lsp::ProgressParamsValue::WorkDone(value),
            })
            .await;
    }
}

#[tower_lsp::async_trait]
impl LanguageServer for Server {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let encoding = convert::negotiate_encoding(&params.capabilities);
        #[allow(deprecated)]
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|folders| folders.first())
            .and_then(|folder| folder.uri.to_file_path().ok())
            .or_else(|| params.root_uri.as_ref().and_then(|uri| uri.to_file_path().ok()));
        {
            let mut session = self.session();
            session.encoding = encoding;
            session.root = root.map(|root| load::find_root(&root));
            session.client_supports_progress =
                params.capabilities.window.as_ref().and_then(|window| window.work_done_progress).unwrap_or(false);
            let option = |name: &str| params.initialization_options.as_ref().and_then(|options| options.get(name));
            session.diagnostics_on_change = option("diagnostics").and_then(serde_json::Value::as_str) != Some("onSave");
            session.save_index = option("indexCache").and_then(serde_json::Value::as_bool) != Some(false);
            session.inlay_hints = option("inlayHints").and_then(serde_json::Value::as_bool) != Some(false);
            session.cache_folder = option("cacheDir").and_then(serde_json::Value::as_str).map(PathBuf::from);
            let resolvable = params
                .capabilities
                .text_document
                .as_ref()
                .and_then(|text| text.completion.as_ref())
                .and_then(|completion| completion.completion_item.as_ref())
                .and_then(|item| item.resolve_support.as_ref())
                .is_some_and(|resolve| resolve.properties.iter().any(|p| p == "documentation"));
            session.completion_documentation =
                if resolvable { Documentation::OnResolve } else { Documentation::Inline };
            let workspace_edit = params.capabilities.workspace.as_ref().and_then(|w| w.workspace_edit.as_ref());
            // Resource operations exist only in `documentChanges`: a client that names `rename` among them applies
            // document changes, whether or not it says so (Neovim 0.11 does not).
            session.client_renames_files = workspace_edit.is_some_and(|edit| {
                edit.resource_operations
                    .as_ref()
                    .is_some_and(|operations| operations.contains(&lsp::ResourceOperationKind::Rename))
            });
            session.client_supports_watching = params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|workspace| workspace.did_change_watched_files.as_ref())
                .and_then(|watch| watch.dynamic_registration)
                .unwrap_or(false);
        }
        Ok(lsp::InitializeResult {
            capabilities: super::capabilities::server_capabilities(encoding),
            server_info: Some(lsp::ServerInfo {
                name: "marginalia".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        let server = self.clone();
        tokio::spawn(async move {
            if server.session().client_supports_watching {
                server.register_file_watchers().await;
            }
            server.index_workspace().await;
        });
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let document = params.text_document;
        let start_indexing = {
            let mut session = self.session();
            session.documents.open(document.uri.clone(), &document.text, document.version);
            // A client that gave no workspace folder: the first note opened tells where the workspace is.
            let needs_root = session.root.is_none();
            if needs_root && let Ok(path) = document.uri.to_file_path() {
                session.root = Some(load::find_root(&path));
            }
            needs_root && session.root.is_some()
        };
        if start_indexing {
            let server = self.clone();
            tokio::spawn(async move { server.index_workspace().await });
        }
        self.publish_diagnostics(document.uri.clone()).await;
        if let Ok(path) = document.uri.to_file_path() {
            self.read_named_bibliographies(path, document.text).await;
        }
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let generation = {
            let mut session = self.session();
            let encoding = session.encoding;
            if !session.documents.change(&uri, params.text_document.version, params.content_changes, encoding) {
                tracing::warn!("change to a document that is not open: {uri}");
                return;
            }
            if !session.diagnostics_on_change {
                return;
            }
            session.documents.get(&uri).map_or(0, |d| d.generation)
        };
        self.publish_diagnostics_later(uri, generation);
    }

    async fn did_save(&self, params: lsp::DidSaveTextDocumentParams) {
        let uri = params.text_document.uri;
        // What was saved is taken now, before any `.await`: an edit that arrives meanwhile is not what was saved.
        let saved = {
            let mut session = self.session();
            let Some(document) = session.documents.get_mut(&uri) else {
                return;
            };
            document.saved_generation = document.generation;
            (document.path.clone(), document.rope.clone(), document.version, document.parsed())
        };
        self.publish_diagnostics(uri.clone()).await;
        let (Some(path), rope, version, parsed) = saved else {
            return;
        };
        // What the disk holds now: references and renames in it stay right after the note is closed.
        let note_path = path.clone();
        let parsed = match parsed {
            Some(parsed) => parsed,
            None => match blocking(move || ParsedNote::new(&rope, version, Some(note_path))).await {
                Some(parsed) => Arc::new(parsed),
                None => return,
            },
        };
        {
            let mut session = self.session();
            let notes = Arc::make_mut(&mut session.notes_on_disk);
            // A later save that was recorded first wins.
            if notes.get(&path).is_none_or(|recorded| recorded.version <= version) {
                notes.insert(path.clone(), parsed.clone());
            }
        }
        // A bibliography the front matter has just named is read now.
        self.read_named_bibliographies(path, parsed.note.text().to_string()).await;
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.session().documents.close(&uri);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        let server = self.clone();
        tokio::spawn(async move { server.apply_file_changes(params.changes).await });
    }

    async fn completion(&self, params: lsp::CompletionParams) -> Result<Option<lsp::CompletionResponse>> {
        let documentation = self.session().completion_documentation;
        let list = self
            .at_position(params.text_document_position, |snapshot, lines, offset| {
                let mut completions =
                    snapshot.analysis.completions_with(&snapshot.parsed.note, offset, documentation)?;
                // While indexing, the list is partial: ask again.
                completions.is_incomplete |= !snapshot.ready;
                Some(convert::completion_list(lines, completions))
            })
            .await;
        Ok(list.map(lsp::CompletionResponse::List))
    }

    async fn completion_resolve(&self, mut item: lsp::CompletionItem) -> Result<lsp::CompletionItem> {
        if item.documentation.is_none()
            && let Some(kind) = convert::completion_kind(&item)
        {
            let analysis = self.session().analysis.clone();
            item.documentation = analysis.completion_documentation(kind, &item.label).map(convert::markdown);
        }
        Ok(item)
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        Ok(self
            .at_position(params.text_document_position_params, |snapshot, lines, offset| {
                let hover = snapshot.analysis.hover(&snapshot.parsed.note, offset)?;
                Some(convert::hover(lines, hover))
            })
            .await)
    }

    async fn goto_definition(&self, params: lsp::GotoDefinitionParams) -> Result<Option<lsp::GotoDefinitionResponse>> {
        Ok(self
            .at_position(params.text_document_position_params, |snapshot, _, offset| {
                let targets = snapshot.analysis.goto_definition(&snapshot.parsed.note, offset);
                let mut locations = convert::locations(&snapshot.analysis, &targets, snapshot.encoding);
                match locations.len() {
                    0 => None,
                    1 => locations.pop().map(lsp::GotoDefinitionResponse::Scalar),
                    _ => Some(lsp::GotoDefinitionResponse::Array(locations)),
                }
            })
            .await)
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        let position = params.text_document_position;
        let Some(snapshot) = self.snapshot_at(&position.text_document.uri, position.position.line).await else {
            return Ok(None);
        };
        let offset = snapshot.lines().offset(position.position);
        let Some(target) = snapshot.analysis.reference_target(&snapshot.parsed.note, offset) else {
            return Ok(None);
        };
        let include_declaration = params.context.include_declaration;
        let encoding = snapshot.encoding;
        let gathered = self.gather_notes();
        Ok(blocking(move || {
            let analysis = &snapshot.analysis;
            let notes = gathered.parse();
            let mut locations = convert::note_locations(&notes, analysis.references_across(&notes, &target), encoding);
            if include_declaration && let Some(declaration) = analysis.declaration(&target) {
                locations.extend(convert::locations(analysis, &[declaration], encoding));
            }
            locations.sort_by(|a, b| {
                (a.uri.as_str(), a.range.start.line, a.range.start.character).cmp(&(
                    b.uri.as_str(),
                    b.range.start.line,
                    b.range.start.character,
                ))
            });
            (!locations.is_empty()).then_some(locations)
        })
        .await
        .flatten())
    }

    async fn document_symbol(&self, params: lsp::DocumentSymbolParams) -> Result<Option<lsp::DocumentSymbolResponse>> {
        let Some(snapshot) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        let symbols = blocking(move || {
            let lines = snapshot.lines();
            let symbols = snapshot.analysis.document_symbols(&snapshot.parsed.note);
            symbols.iter().map(|symbol| convert::document_symbol(&lines, symbol)).collect::<Vec<_>>()
        })
        .await;
        Ok(symbols.map(lsp::DocumentSymbolResponse::Nested))
    }

    async fn symbol(&self, params: lsp::WorkspaceSymbolParams) -> Result<Option<Vec<lsp::SymbolInformation>>> {
        let (analysis, encoding) = {
            let session = self.session();
            (session.analysis.clone(), session.encoding)
        };
        let gathered = self.gather_notes();
        Ok(blocking(move || {
            let notes = gathered.parse();
            let symbols = analysis.workspace_symbols(&notes, &params.query);
            convert::workspace_symbols(&analysis, &notes, &symbols, encoding)
        })
        .await)
    }

    async fn document_link(&self, params: lsp::DocumentLinkParams) -> Result<Option<Vec<lsp::DocumentLink>>> {
        let Some(snapshot) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        let lines = snapshot.lines();
        let links = (snapshot.analysis.document_links(&snapshot.parsed.note).into_iter())
            .filter_map(|(range, path)| {
                Some(lsp::DocumentLink {
                    range: lines.range(range),
                    target: Some(convert::file_url(&path)?),
                    tooltip: Some(format!("Open {}", path.file_name()?.to_string_lossy())),
                    data: None,
                })
            })
            .collect();
        Ok(Some(links))
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> Result<Option<lsp::SemanticTokensResult>> {
        let Some(snapshot) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        let data = blocking(move || {
            let tokens = snapshot.analysis.semantic_tokens(&snapshot.parsed.note);
            convert::semantic_tokens(&snapshot.lines(), &tokens)
        })
        .await;
        Ok(data.map(|data| lsp::SemanticTokensResult::Tokens(lsp::SemanticTokens { result_id: None, data })))
    }

    async fn inlay_hint(&self, params: lsp::InlayHintParams) -> Result<Option<Vec<lsp::InlayHint>>> {
        if !self.session().inlay_hints {
            return Ok(None);
        }
        let Some(snapshot) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        let lines = snapshot.lines();
        let range = TextRange::new(lines.offset(params.range.start), lines.offset(params.range.end));
        let hints = (snapshot.analysis.inlay_hints(&snapshot.parsed.note, range).into_iter())
            .map(|(at, title)| lsp::InlayHint {
                position: lines.position(at),
                label: lsp::InlayHintLabel::String(title),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect();
        Ok(Some(hints))
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::PrepareRenameResponse>> {
        let Some(snapshot) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        let lines = snapshot.lines();
        let offset = lines.offset(params.position);
        match snapshot.analysis.prepare_rename(&snapshot.parsed.note, offset) {
            Ok((range, placeholder)) => {
                Ok(Some(lsp::PrepareRenameResponse::RangeWithPlaceholder { range: lines.range(range), placeholder }))
            }
            Err(refused) => Err(request_failed(refused.0)),
        }
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        let position = params.text_document_position;
        let Some(snapshot) = self.snapshot(&position.text_document.uri).await else {
            return Ok(None);
        };
        let offset = snapshot.lines().offset(position.position);
        let (can_rename_files, versions) = {
            let session = self.session();
            let versions: HashMap<PathBuf, i32> = (session.documents.uris().into_iter())
                .filter_map(|uri| {
                    let document = session.documents.get(&uri)?;
                    Some((document.path.clone()?, document.version))
                })
                .collect();
            (session.client_renames_files, versions)
        };
        let gathered = self.gather_notes();
        let encoding = snapshot.encoding;
        let new_name = params.new_name;
        let answer = blocking(move || {
            let notes = gathered.parse();
            let rename = snapshot.analysis.rename(&notes, &snapshot.parsed.note, offset, &new_name)?;
            if rename.file.is_some() && !can_rename_files {
                return Err(crate::analysis::RenameRefused(
                    "this editor cannot rename files in a workspace edit: rename the article's file yourself, then \
                     change the citations (each unknown id offers the fix)"
                        .to_string(),
                ));
            }
            Ok((convert::workspace_edit(&notes, &rename, &versions, encoding), rename.file))
        })
        .await;
        match answer {
            Some(Ok((edit, file))) => {
                if let Some((from, to)) = file {
                    self.follow_renamed_article(from, to);
                }
                Ok(Some(edit))
            }
            Some(Err(refused)) => Err(request_failed(refused.0)),
            None => Ok(None),
        }
    }

    async fn execute_command(&self, params: lsp::ExecuteCommandParams) -> Result<Option<serde_json::Value>> {
        if params.command != super::capabilities::FIND_QUOTE_COMMAND {
            return Err(tower_lsp::jsonrpc::Error::invalid_params(format!("unknown command `{}`", params.command)));
        }
        let Some(words) = params.arguments.first().and_then(serde_json::Value::as_str).map(str::to_string) else {
            return Err(tower_lsp::jsonrpc::Error::invalid_params(
                "marginalia.findQuote takes one argument: the words to look for",
            ));
        };
        let (analysis, encoding) = {
            let session = self.session();
            (session.analysis.clone(), session.encoding)
        };
        Ok(blocking(move || {
            let found: Vec<serde_json::Value> = analysis
                .find_quote(&words)
                .iter()
                .filter_map(|found| {
                    let source = analysis.corpus().source(&found.source_id)?;
                    let lines = TextLines { text: &source.text, index: source.line_index(), encoding, first_line: 0 };
                    Some(serde_json::json!({
                        "uri": convert::file_url(&found.path)?,
                        "range": lines.range(found.range),
                        "source": found.source_id,
                        "similarity": found.similarity,
                        "text": crate::corpus::collapse_whitespace(&source.text[found.range]),
                    }))
                })
                .collect();
            serde_json::Value::Array(found)
        })
        .await)
    }

    async fn code_action(&self, params: lsp::CodeActionParams) -> Result<Option<lsp::CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some(snapshot) = self.snapshot(&uri).await else {
            return Ok(None);
        };
        if !snapshot.ready {
            return Ok(None);
        }
        Ok(blocking(move || {
            let lines = snapshot.lines();
            let range = lines.text_range(params.range);
            let actions: Vec<lsp::CodeActionOrCommand> = snapshot
                .analysis
                .fixes(&snapshot.parsed.note, range)
                .iter()
                .enumerate()
                .map(|(index, (diagnostic, fix))| {
                    let changes = [(uri.clone(), convert::text_edits(&lines, fix))].into_iter().collect();
                    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                        title: fix.label.clone(),
                        kind: Some(lsp::CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![convert::diagnostic(&lines, diagnostic)]),
                        edit: Some(lsp::WorkspaceEdit { changes: Some(changes), ..lsp::WorkspaceEdit::default() }),
                        is_preferred: Some(index == 0),
                        ..lsp::CodeAction::default()
                    })
                })
                .collect();
            (!actions.is_empty()).then_some(actions)
        })
        .await
        .flatten())
    }
}
