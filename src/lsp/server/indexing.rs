//! The server's side of indexing: reading the whole workspace in the background with progress and a status for
//! the client, saving the index for the next start, following changed articles and notes on disk (and an
//! article's file that a rename moved), and reporting what could not be read.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use tower_lsp::Client;
use tower_lsp::lsp_types as lsp;

use super::{Server, blocking};
use crate::analysis::Analysis;
use crate::bibliography::Library;
use crate::config::CONFIG_FILE;
use crate::corpus::Corpus;
use crate::load::{self, IndexCache, Indexed, LoadOptions, LoadProblem, LoadProgress, NotesToRead};
use crate::lsp::convert;
use crate::lsp::documents::{DiskNote, ParsedNote};

/// How long the server waits for the client to accept a progress token before indexing without one.
const PROGRESS_CREATE_TIMEOUT: Duration = Duration::from_secs(2);

/// How often indexing progress is reported.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(200);

impl Server {
    /// Indexes the whole workspace in the background, reporting progress, then publishes diagnostics.
    pub(super) async fn index_workspace(&self) {
        let _rebuild = self.rebuild.lock().await;
        let (root, generation, progress, cache, staged_from) = {
            let mut session = self.session();
            let Some(root) = session.root.clone() else {
                return;
            };
            session.index_generation += 1;
            let cache = (session.client.save_index)
                .then(|| IndexCache::for_workspace(&root, session.client.cache_folder.as_deref()))
                .flatten();
            let staged_from = session.client.staged_index_from_bytes;
            (root, session.index_generation, session.client.supports_progress, cache, staged_from)
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
                LoadProgress::Indexing => {}
            };
            let options = LoadOptions {
                notes: NotesToRead::All,
                open_notes: &open_notes,
                cache: cache.as_ref(),
                progress: &progress,
                articles_first: true,
            };
            let loaded = load::load_workspace(&root, options);
            let messages: Vec<String> = loaded.problems.iter().map(LoadProblem::to_string).collect();
            let notes = parse_notes(loaded.notes);
            // A small corpus is completed at once: showing it in two steps would only check its notes twice.
            let corpus = match loaded.corpus.text_bytes() < staged_from {
                true => loaded.corpus.completed().unwrap_or(loaded.corpus),
                false => loaded.corpus,
            };
            let analysis = ready_analysis(corpus, Arc::new(loaded.library));
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
        let overrides = workspace.config.entities.clone();
        let articles_ready = started.elapsed();
        let staged = !analysis.corpus().is_complete();
        {
            let mut session = self.session();
            if session.index_generation != generation {
                return;
            }
            session.workspace = Some(workspace);
            session.analysis = analysis.clone();
            session.analysis_generation += 1;
            session.notes_on_disk = Arc::new(notes);
            session.ready = true;
        }
        let analysis = match staged {
            false => analysis,
            // Citations and quotes are answered and checked from here; the entities and the passage index follow,
            // and the notes are checked again when they land.
            true => {
                self.send_status().await;
                self.report_problems(&messages).await;
                self.publish_bibliography_diagnostics().await;
                // Not waited for: a large open note takes seconds to check, and the second step need not wait.
                let server = self.clone();
                tokio::spawn(async move { server.refresh_after_corpus_change().await });
                if let Some(progress) = &progress {
                    let message = format!(
                        "{} articles ready in {:.1} s; finding names and passages",
                        analysis.corpus().len(),
                        articles_ready.as_secs_f64()
                    );
                    progress.report(message, 100).await;
                }
                // Other rebuilds (a bibliography read, an article changed) go on meanwhile: the session is ready.
                drop(_rebuild);
                let articles = analysis.shared_corpus();
                let library = analysis.shared_library();
                let completed = blocking(move || {
                    let corpus = analysis.corpus().completed()?;
                    Some(ready_analysis(corpus, library))
                })
                .await
                .flatten();
                let Some(completed) = completed else {
                    tracing::error!("the entities and the passage index could not be built");
                    let message = "marginalia could not find the names and passages of the articles: entity \
                                   mentions and quotations without a citation are not checked (see the log)";
                    self.client.show_message(lsp::MessageType::ERROR, message).await;
                    if let Some(progress) = progress {
                        progress.end("indexing failed".to_string()).await;
                    }
                    return;
                };
                let _rebuild = self.rebuild.lock().await;
                let current = self.session().analysis.clone();
                // An article changed meanwhile: the corpus made with that change is complete, and newer.
                let replaced = !Arc::ptr_eq(&current.shared_corpus(), &articles);
                if replaced {
                    if let Some(progress) = progress {
                        progress.end("indexed".to_string()).await;
                    }
                    self.send_status().await;
                    return;
                }
                // A bibliography read meanwhile is kept.
                let completed = match Arc::ptr_eq(&current.shared_library(), &completed.shared_library()) {
                    true => Some(completed),
                    false => {
                        let library = current.shared_library();
                        blocking(move || ready_analysis_of(completed.shared_corpus(), library)).await
                    }
                };
                let Some(completed) = completed else { return };
                let mut session = self.session();
                if session.index_generation != generation {
                    return;
                }
                session.analysis = completed.clone();
                session.analysis_generation += 1;
                completed
            }
        };
        let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let corpus = analysis.corpus();
        let summary = format!(
            "{}, {} in {:.1} s{}{}",
            count(corpus.len(), "article", "articles"),
            count(corpus.entities().len(), "entity", "entities"),
            started.elapsed().as_secs_f64(),
            match staged {
                true => format!(" (articles ready in {:.1} s)", articles_ready.as_secs_f64()),
                false => String::new(),
            },
            match &indexed {
                Indexed::FromSaved => " (from the saved index)".to_string(),
                Indexed::Anew { read_again: Some(read), .. } => {
                    format!(
                        " (from the saved index, {} read again)",
                        count(*read, "changed article", "changed articles")
                    )
                }
                Indexed::Anew { read_again: None, .. } => String::new(),
            }
        );
        tracing::info!("indexed {summary}");
        let corpus = analysis.shared_corpus();
        // Under way before the client hears that indexing ended, so that a session ended then waits for it.
        if let (Some(cache), Indexed::Anew { stamps, corpus_problems, unreadable, .. }) = (saved_cache, indexed) {
            let saving = IndexCache::saving();
            tokio::task::spawn_blocking(move || {
                if let Err(error) = cache.save(&corpus, &corpus_problems, &unreadable, stamps, &overrides) {
                    tracing::warn!("cannot save the index to {}: {error}", cache.file().display());
                }
                drop(saving);
            });
        }
        if let Some(progress) = progress {
            progress.end(summary).await;
        }
        self.send_status().await;
        if !staged {
            self.report_problems(&messages).await;
            self.publish_bibliography_diagnostics().await;
        }
        self.refresh_after_corpus_change().await;
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
    pub(super) async fn rebuild_analysis<T: Send + 'static>(
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
        session.analysis_generation += 1;
        Some(besides)
    }

    /// Tells the client how many articles and entities the index holds (`marginalia/status`).
    async fn send_status(&self) {
        let status = {
            let session = self.session();
            let corpus = session.analysis.corpus();
            Status {
                state: "ready".to_string(),
                articles: corpus.len(),
                entities: corpus.entities().len(),
                complete: corpus.is_complete(),
            }
        };
        self.client.send_notification::<StatusNotification>(status).await;
    }

    /// Re-reads the changed articles and rebuilds the corpus around them; reindexes all on a config change.
    pub(super) async fn apply_file_changes(&self, changes: Vec<lsp::FileEvent>) {
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
        self.refresh_after_corpus_change().await;
    }

    /// Waits (a while) for the client to apply a rename of an article's file, then indexes the article under its
    /// new name. Not every client reports the move (Neovim watches no files on Linux, and sends no
    /// `workspace/didRenameFiles`), and the notes it has just edited would otherwise cite an id the index lacks.
    pub(super) fn follow_renamed_article(&self, from: PathBuf, to: PathBuf) {
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
    pub(super) async fn report_problems(&self, messages: &[String]) {
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

    pub(super) async fn register_file_watchers(&self) {
        let bibliographies = ["**/*.bib", "**/*.bibtex", "**/*.json", "**/*.yaml", "**/*.yml"];
        let watchers = ["**/*.txt", "**/*.md", "**/*.html", "**/*.htm", "**/*.pdf", &format!("**/{CONFIG_FILE}")]
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
    /// Whether the entities and the passage index are built. A large corpus is ready for citations and quotes
    /// first (`ready`, not complete), while they are built; entity mentions are checked once it is complete.
    complete: bool,
}

impl Status {
    fn indexing() -> Status {
        Status { state: "indexing".to_string(), articles: 0, entities: 0, complete: false }
    }
}

/// An analysis of `corpus` and `library` with completion prepared, so that the first completion is as fast as the
/// others.
fn ready_analysis(corpus: Corpus, library: Arc<Library>) -> Analysis {
    ready_analysis_of(Arc::new(corpus), library)
}

/// [`ready_analysis`] of a shared corpus.
pub(super) fn ready_analysis_of(corpus: Arc<Corpus>, library: Arc<Library>) -> Analysis {
    let analysis = Analysis::with_library(corpus, library);
    analysis.prepare();
    analysis
}

/// Reads and parses notes in parallel; a note that cannot be read has no references to find.
fn read_notes(paths: &[PathBuf]) -> HashMap<PathBuf, DiskNote> {
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
fn parse_notes(notes: Vec<(PathBuf, String)>) -> HashMap<PathBuf, DiskNote> {
    use rayon::prelude::*;
    notes
        .into_par_iter()
        .map(|(path, text)| {
            let parsed = Arc::new(ParsedNote::whole(text, 0, Some(path.clone())));
            (path, DiskNote::Parsed(parsed))
        })
        .collect()
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
