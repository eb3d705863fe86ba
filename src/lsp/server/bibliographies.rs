//! The server's side of the bibliographies: reading the files notes name as they name them, reading files again
//! when they change, publishing the problems of each file in it, and asking the client to watch the files that lie
//! outside the workspace.

use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp::lsp_types as lsp;

use super::indexing::ready_analysis_of;
use super::{Server, blocking};
use crate::analysis;
use crate::bibliography::Library;
use crate::bibliography::library::lexical;
use crate::load;
use crate::lsp::convert::{self, TextLines};

impl Server {
    /// Publishes the problems of each bibliography file at their places in it, and clears those of files that have
    /// none now. A configured file that is missing is reported once as a message.
    pub(super) async fn publish_bibliography_diagnostics(&self) {
        let (analysis, encoding, previous) = {
            let session = self.session();
            (session.analysis.clone(), session.encoding, session.published_bibliographies.clone())
        };
        let library = analysis.shared_library();
        let mut published = Vec::new();
        let configured: Vec<PathBuf> = {
            let session = self.session();
            let workspace = session.workspace.as_ref();
            (workspace.iter())
                .flat_map(|w| w.config.bibliography.iter().map(|path| lexical(&w.root.join(path))))
                .collect()
        };
        let mut missing = Vec::new();
        for file in library.files() {
            if !file.found {
                // One a note names is said at the note.
                if configured.contains(&file.path) {
                    let message = file.errors.first().map_or("cannot be read", |error| error.message.as_str());
                    missing.push(format!("{}: cannot read the bibliography: {message}", file.path.display()));
                }
                continue;
            }
            let Some(uri) = convert::file_url(&file.path) else {
                continue;
            };
            let lines = TextLines { text: &file.text, index: &file.lines, encoding, first_line: 0 };
            let diagnostics: Vec<lsp::Diagnostic> = (analysis::bibliography_file_diagnostics(file).iter())
                .map(|diagnostic| convert::diagnostic(&lines, diagnostic))
                .collect();
            if diagnostics.is_empty() && !previous.contains(&file.path) {
                continue;
            }
            if !diagnostics.is_empty() {
                published.push(file.path.clone());
            }
            self.client.publish_diagnostics(uri, diagnostics, None).await;
        }
        for gone in previous.iter().filter(|path| library.file(path).is_none()) {
            if let Some(uri) = convert::file_url(gone) {
                self.client.publish_diagnostics(uri, Vec::new(), None).await;
            }
        }
        self.session().published_bibliographies = published;
        self.report_problems(&missing).await;
        self.watch_bibliographies_outside(&library).await;
    }

    /// Asks the client to watch the bibliography files outside the workspace (the workspace's own are watched by
    /// the patterns registered at the start), replacing what was asked before when the set changed.
    async fn watch_bibliographies_outside(&self, library: &Library) {
        const REGISTRATION: &str = "marginalia-watched-bibliographies";
        let (outside, previous) = {
            let session = self.session();
            if !session.client.supports_watching {
                return;
            }
            let Some(root) = session.workspace.as_ref().map(|w| w.root.clone()) else {
                return;
            };
            let outside: Vec<PathBuf> =
                library.paths().filter(|p| !p.starts_with(&root)).map(std::path::Path::to_path_buf).collect();
            (outside, session.watched_outside.clone())
        };
        if outside == previous {
            return;
        }
        if !previous.is_empty() {
            let unregistration = lsp::Unregistration {
                id: REGISTRATION.to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
            };
            if let Err(error) = self.client.unregister_capability(vec![unregistration]).await {
                tracing::warn!("the client refused to stop watching bibliographies: {error}");
            }
        }
        self.session().watched_outside = outside.clone();
        let watchers: Vec<lsp::FileSystemWatcher> = (outside.iter())
            .filter_map(|path| {
                let base = convert::file_url(path.parent()?)?;
                let pattern = path.file_name()?.to_string_lossy().replace(['*', '?', '[', ']', '{', '}'], "?");
                let relative = lsp::RelativePattern { base_uri: lsp::OneOf::Right(base), pattern };
                Some(lsp::FileSystemWatcher { glob_pattern: lsp::GlobPattern::Relative(relative), kind: None })
            })
            .collect();
        if watchers.is_empty() {
            return;
        }
        let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = lsp::Registration {
            id: REGISTRATION.to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        if let Err(error) = self.client.register_capability(vec![registration]).await {
            tracing::warn!("the client refused to watch bibliographies outside the workspace: {error}");
        }
    }

    /// Reads the bibliographies that the note at `path` names and that are not read yet, then checks again.
    pub(super) async fn read_named_bibliographies(&self, path: PathBuf, text: String) {
        let (workspace, library) = {
            let session = self.session();
            let Some(workspace) = session.workspace.clone() else {
                return;
            };
            (workspace, session.analysis.shared_library())
        };
        let Some(named) = blocking(move || workspace.bibliography_paths([(path.as_path(), text.as_str())])).await
        else {
            return;
        };
        let new: Vec<PathBuf> = named.into_iter().filter(|path| library.file(path).is_none()).collect();
        if !new.is_empty() {
            self.reread_bibliographies(new).await;
        }
    }

    /// Reads the bibliography files at `paths` again (or for the first time), keeping the others and the corpus.
    pub(super) async fn reread_bibliographies(&self, paths: Vec<PathBuf>) {
        let rebuilt = self
            .rebuild_analysis(move |analysis| {
                let mut library = (*analysis.shared_library()).clone();
                for path in paths {
                    let text = load::read_bibliography(&path);
                    library = library.with_file(path, text);
                }
                (ready_analysis_of(analysis.shared_corpus(), Arc::new(library)), ())
            })
            .await;
        if rebuilt.is_some() {
            self.publish_bibliography_diagnostics().await;
            self.refresh_after_corpus_change().await;
        }
    }
}
