//! Diagnostics, pushed and pulled. A client that pulls (`textDocument/diagnostic`, `workspace/diagnostic`: VS Code)
//! asks for a note's diagnostics when it wants them, and for those of the notes that are not open; it is told to ask
//! again (`workspace/diagnostic/refresh`) when the corpus changes. Every other client is sent them
//! (`textDocument/publishDiagnostics`): on open, after typing pauses and on save. Either way an open article gets its
//! `unused-source` hint when the configuration asks for it.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::Ordering;
use std::time::Duration;

use tower_lsp::lsp_types as lsp;

use super::session::Role;
use super::{Server, blocking};
use crate::load::ArticleFile;
use crate::lsp::convert::{self, TextLines};
use crate::text::LineIndex;

/// How long typing must pause before the diagnostics of a changed note are recomputed.
///
/// Computing on every keystroke would keep a core busy under steady typing and flood the client.
const DIAGNOSTICS_DEBOUNCE: Duration = Duration::from_millis(250);

impl Server {
    /// Sends the diagnostics of the open document at `uri`: a note's, or an article's `unused-source` hint.
    pub(super) async fn publish_diagnostics(&self, uri: lsp::Url) {
        let role = self.session().role(&uri);
        match role {
            Role::Note => {
                let Some((diagnostics, version, generation)) = self.note_diagnostics(&uri).await else {
                    return;
                };
                // Of the text and the index the client has now: a check of an older index (the articles before
                // their names were found) would hide what the newer one reports.
                let current = {
                    let session = self.session();
                    (session.documents.get(&uri).map(|d| d.version), session.analysis_generation)
                };
                if current == (Some(version), generation) {
                    self.client.publish_diagnostics(uri, diagnostics, Some(version)).await;
                }
            }
            Role::Article(path) => {
                if let Some(diagnostics) = self.article_diagnostics(path).await {
                    self.client.publish_diagnostics(uri, diagnostics, None).await;
                }
            }
            Role::Other => {}
        }
    }

    /// The diagnostics of the open note at `uri`, the version they are of and the generation of the analysis they
    /// were found with (or an older one); `None` while indexing, or when the note changed before they were found
    /// (they would be of an outdated text).
    async fn note_diagnostics(&self, uri: &lsp::Url) -> Option<(Vec<lsp::Diagnostic>, i32, u64)> {
        let generation = self.session().analysis_generation;
        let snapshot = self.snapshot(uri).await.filter(|snapshot| snapshot.ready)?;
        let version = snapshot.parsed.version;
        let (latest, editing) = {
            let session = self.session();
            let document = session.documents.get(uri)?;
            (document.latest_version.clone(), document.editing.clone().filter(|_| document.version == version))
        };
        // A check of an outdated text stops: its answer would not be used.
        let outdated = move || latest.load(Ordering::Relaxed) != i64::from(version);
        let diagnostics = blocking(move || {
            let lines = snapshot.lines();
            let diagnostics = snapshot.analysis.diagnostics_unless(&snapshot.parsed.note, &outdated)?;
            let shown = diagnostics.iter().filter(|d| !still_typed(d, editing.as_ref()));
            Some(shown.map(|d| convert::diagnostic(&lines, d)).collect::<Vec<_>>())
        })
        .await??;
        Some((diagnostics, version, generation))
    }

    /// The `unused-source` hint of the article at `path` (none when it is cited), when the configuration asks for
    /// it and the index is ready; `None` otherwise.
    async fn article_diagnostics(&self, path: std::path::PathBuf) -> Option<Vec<lsp::Diagnostic>> {
        let asked = {
            let session = self.session();
            session.ready && session.workspace.as_ref().is_some_and(|w| w.config.unused_sources)
        };
        if !asked {
            return None;
        }
        let (analysis, encoding) = self.analysis();
        let article = analysis.article_at(&path)?;
        let gathered = self.gather_notes();
        blocking(move || {
            let notes = gathered.parse();
            let file = ArticleFile::open(analysis.corpus().source_at(article));
            let lines = TextLines::of_article(&file, encoding);
            (analysis.unused_source(&notes, article).iter())
                .map(|hint| convert::diagnostic(&lines, &in_file(&file, hint.clone())))
                .collect()
        })
        .await
    }

    /// Sends the diagnostics of the note at `uri` once typing has paused, unless it changed again meanwhile.
    pub(super) fn publish_diagnostics_later(&self, uri: lsp::Url, generation: u64) {
        let server = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(DIAGNOSTICS_DEBOUNCE).await;
            let current = server.session().documents.get(&uri).map(|d| d.generation);
            if current == Some(generation) {
                server.publish_diagnostics(uri).await;
            }
        });
    }

    /// After the corpus or a bibliography changed: a client that pulls is asked to pull again; the others are sent
    /// the diagnostics of every open note and article (of every note without unsaved changes, when diagnostics are
    /// for saved text only). A client that can be is also told to ask for semantic tokens again, whose unresolved
    /// ids and names may have changed.
    pub(super) async fn refresh_after_corpus_change(&self) {
        if self.session().client.refresh_semantic_tokens {
            let client = self.client.clone();
            tokio::spawn(async move {
                if let Err(error) = client.semantic_tokens_refresh().await {
                    tracing::debug!("the client did not take the semantic tokens refresh: {error}");
                }
            });
        }
        if self.session().client.pull_diagnostics {
            let client = self.client.clone();
            // The client answers when it has asked again: nothing waits for that.
            tokio::spawn(async move {
                if let Err(error) = client.workspace_diagnostic_refresh().await {
                    tracing::debug!("the client did not take the diagnostics refresh: {error}");
                }
            });
        }
        let uris = {
            let session = self.session();
            let documents = &session.documents;
            let mut uris = documents.uris();
            uris.retain(|uri| match session.role(uri) {
                Role::Note => !session.client.pull_diagnostics,
                Role::Article(_) => true,
                Role::Other => false,
            });
            if !session.client.diagnostics_on_change {
                uris.retain(|uri| documents.get(uri).is_some_and(|d| d.generation == d.saved_generation));
            }
            uris
        };
        for uri in uris {
            self.publish_diagnostics(uri).await;
        }
    }

    /// The answer to `textDocument/diagnostic`: the diagnostics of the open document at `uri`, or "unchanged" when
    /// the client has them already (same text, same index).
    pub(super) async fn document_report(
        &self,
        uri: lsp::Url,
        previous: Option<String>,
    ) -> tower_lsp::jsonrpc::Result<lsp::DocumentDiagnosticReportResult> {
        let (role, generation, version, ready) = {
            let session = self.session();
            let version = session.documents.get(&uri).map(|d| d.version);
            (session.role(&uri), session.analysis_generation, version, session.ready)
        };
        let items = match role {
            Role::Note => {
                // While indexing, nothing is said: the client is asked to pull again once the index is ready.
                let Some(version) = version.filter(|_| ready) else {
                    return Ok(full_report(None, Vec::new()));
                };
                let result_id = format!("{generation}:v{version}");
                if previous.as_deref() == Some(result_id.as_str()) {
                    return Ok(unchanged_report(result_id));
                }
                match self.note_diagnostics(&uri).await {
                    Some((items, checked, of)) if (checked, of) == (version, generation) => {
                        return Ok(full_report(Some(result_id), items));
                    }
                    // The note changed while it was checked: the client asks again for the new text.
                    _ => return Err(server_cancelled()),
                }
            }
            Role::Article(path) => self.article_diagnostics(path).await.unwrap_or_default(),
            Role::Other => Vec::new(),
        };
        Ok(full_report(None, items))
    }

    /// The answer to `workspace/diagnostic`: the diagnostics of every note that is not open (the client pulls the
    /// open ones itself), "unchanged" for those the client has already; with `unused-sources`, the hints of the
    /// articles no note cites; and an empty report for each document the client knew that has nothing now.
    pub(super) async fn workspace_report(
        &self,
        previous: Vec<lsp::PreviousResultId>,
    ) -> tower_lsp::jsonrpc::Result<lsp::WorkspaceDiagnosticReportResult> {
        let (generation, ready, unused_sources) = {
            let session = self.session();
            let unused = session.workspace.as_ref().is_some_and(|w| w.config.unused_sources);
            (session.analysis_generation, session.ready, unused)
        };
        if !ready {
            return Ok(lsp::WorkspaceDiagnosticReport { items: Vec::new() }.into());
        }
        let (analysis, encoding) = self.analysis();
        let texts = self.texts();
        let gathered = self.gather_notes();
        let open: Vec<std::path::PathBuf> = gathered.open.iter().filter_map(|d| d.path.clone()).collect();
        let items = blocking(move || {
            let previous: HashMap<lsp::Url, String> = previous.into_iter().map(|p| (p.uri, p.value)).collect();
            let notes = gathered.parse();
            let mut items = Vec::new();
            let mut reported = std::collections::HashSet::new();
            for (path, note) in notes.iter().filter(|(path, _)| !open.iter().any(|o| o == path)) {
                let Some(uri) = convert::file_url(path) else {
                    continue;
                };
                let result_id = format!("{generation}:{:x}", text_hash(note.text()));
                reported.insert(uri.clone());
                if previous.get(&uri) == Some(&result_id) {
                    items.push(workspace_unchanged(uri, result_id));
                    continue;
                }
                let index = LineIndex::new(note.text());
                let lines = TextLines { text: note.text(), index: &index, encoding, first_line: 0 };
                let found = analysis.diagnostics(note).iter().map(|d| convert::diagnostic(&lines, d)).collect();
                items.push(workspace_full(uri, Some(result_id), found));
            }
            if unused_sources {
                for (article, hint) in analysis.unused_sources(&notes) {
                    let source = analysis.corpus().source_at(article);
                    let Some(uri) = convert::article_url(source, &texts) else {
                        continue;
                    };
                    let file = ArticleFile::open(source);
                    let hint = in_file(&file, hint);
                    reported.insert(uri.clone());
                    items.push(workspace_full(
                        uri,
                        None,
                        vec![convert::diagnostic(&TextLines::of_article(&file, encoding), &hint)],
                    ));
                }
            }
            // A note removed, opened, or an article now cited: what the client showed for it goes.
            for uri in previous.into_keys().filter(|uri| !reported.contains(uri)) {
                let open_now = uri.to_file_path().is_ok_and(|path| open.contains(&path));
                if !open_now {
                    items.push(workspace_full(uri, None, Vec::new()));
                }
            }
            items
        })
        .await
        .unwrap_or_default();
        Ok(lsp::WorkspaceDiagnosticReport { items }.into())
    }
}

/// Whether `diagnostic` is an unfinished citation at `editing`, the place the writer is typing (`[@` auto-closed
/// to `[@]` is not yet an error): it is shown once the writer types elsewhere or saves.
fn still_typed(diagnostic: &crate::analysis::Diagnostic, editing: Option<&std::ops::Range<usize>>) -> bool {
    let Some(editing) = editing else {
        return false;
    };
    let (start, end) = (usize::from(diagnostic.range.start()), usize::from(diagnostic.range.end()));
    diagnostic.kind == crate::analysis::DiagnosticKind::MalformedCitation
        && start <= editing.end
        && editing.start <= end
}

/// An article's diagnostic (an `unused-source` hint, which has no fix) placed in its file.
fn in_file(file: &ArticleFile, mut diagnostic: crate::analysis::Diagnostic) -> crate::analysis::Diagnostic {
    diagnostic.range = file.range(diagnostic.range);
    diagnostic
}

/// A hash of a note's text, for the result id of a note on disk.
fn text_hash(text: &str) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    text.hash(&mut hasher);
    hasher.finish()
}

fn full_report(result_id: Option<String>, items: Vec<lsp::Diagnostic>) -> lsp::DocumentDiagnosticReportResult {
    let report = lsp::FullDocumentDiagnosticReport { result_id, items };
    lsp::DocumentDiagnosticReport::Full(lsp::RelatedFullDocumentDiagnosticReport {
        related_documents: None,
        full_document_diagnostic_report: report,
    })
    .into()
}

fn unchanged_report(result_id: String) -> lsp::DocumentDiagnosticReportResult {
    let report = lsp::UnchangedDocumentDiagnosticReport { result_id };
    lsp::DocumentDiagnosticReport::Unchanged(lsp::RelatedUnchangedDocumentDiagnosticReport {
        related_documents: None,
        unchanged_document_diagnostic_report: report,
    })
    .into()
}

fn workspace_full(
    uri: lsp::Url,
    result_id: Option<String>,
    items: Vec<lsp::Diagnostic>,
) -> lsp::WorkspaceDocumentDiagnosticReport {
    let report = lsp::FullDocumentDiagnosticReport { result_id, items };
    lsp::WorkspaceFullDocumentDiagnosticReport { uri, version: None, full_document_diagnostic_report: report }.into()
}

fn workspace_unchanged(uri: lsp::Url, result_id: String) -> lsp::WorkspaceDocumentDiagnosticReport {
    let report = lsp::UnchangedDocumentDiagnosticReport { result_id };
    lsp::WorkspaceUnchangedDocumentDiagnosticReport { uri, version: None, unchanged_document_diagnostic_report: report }
        .into()
}

/// LSP's `ServerCancelled` with `retriggerRequest`: the client asks again (for a note that changed while checked).
fn server_cancelled() -> tower_lsp::jsonrpc::Error {
    tower_lsp::jsonrpc::Error {
        code: tower_lsp::jsonrpc::ErrorCode::ServerError(-32802),
        message: "the note changed while it was checked".into(),
        data: Some(serde_json::json!({ "retriggerRequest": true })),
    }
}
