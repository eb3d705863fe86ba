//! The server's state, and how the client's document notifications change it.
//!
//! [`apply`] takes a notification and changes the session synchronously, under the server's lock; what must
//! happen after (checking a note, indexing, reading a bibliography) comes back as [`Effect`]s that the async shell
//! carries out. A notification is applied whole before the next one is read, so edits and saves keep the order the
//! client sent them in by construction: nothing between receiving a save and recording it can `.await`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use ropey::Rope;
use tower_lsp::lsp_types as lsp;

use crate::analysis::{Analysis, Documentation};
use crate::load::{self, Workspace};
use crate::lsp::convert;
use crate::lsp::documents::{DiskNote, Documents, ParsedNote};
use crate::text::PositionEncoding;

/// Everything the server knows: the client's choices, the workspace, the analysis and the notes.
#[derive(Default)]
pub(super) struct Session {
    pub encoding: PositionEncoding,
    pub root: Option<PathBuf>,
    pub workspace: Option<Workspace>,
    pub analysis: Analysis,
    /// The corpus is complete; until then, no diagnostics are published (every id would look unknown).
    pub ready: bool,
    /// Bumped by each full indexing, so that a stale one does not overwrite a newer one.
    pub index_generation: u64,
    /// Bumped each time the analysis is replaced (indexing, changed articles or bibliographies): part of the result
    /// ids of pulled diagnostics, which stay the same only while the text and the analysis do.
    pub analysis_generation: u64,
    pub documents: Documents,
    /// The workspace's notes as last read from disk or saved in the editor: where references are looked for in
    /// the notes that are not open.
    pub notes_on_disk: Arc<HashMap<PathBuf, DiskNote>>,
    /// The bibliography files whose problems are published, to clear them once the problems are gone.
    pub published_bibliographies: Vec<PathBuf>,
    /// The bibliography files outside the workspace that the client watches for us (a reference manager's
    /// automatic export, say), each registered by its folder and name.
    pub watched_outside: Vec<PathBuf>,
    pub client: ClientOptions,
    /// How the client is shown the text of a PDF.
    pub texts: convert::ExtractedTexts,
}

/// What the client can do and what the user chose (`initializationOptions`), read once at `initialize`.
#[derive(Clone, Debug, Default)]
pub(super) struct ClientOptions {
    pub supports_progress: bool,
    pub supports_watching: bool,
    /// Whether the client applies workspace edits that rename files (what renaming a source id needs).
    pub renames_files: bool,
    /// Whether titles are shown after opaque ids (`inlayHints`, on by default).
    pub inlay_hints: bool,
    /// Whether completion items leave their documentation for `completionItem/resolve` (when the client can ask).
    pub completion_documentation: Documentation,
    /// Whether completion items may carry `labelDetails`, shown on every row of the list.
    pub completion_label_details: bool,
    /// Whether notes are checked as they change, or only when opened and saved (`diagnostics: "onSave"`).
    pub diagnostics_on_change: bool,
    /// Whether the client pulls diagnostics (`textDocument/diagnostic`, `workspace/diagnostic`) and can be told to
    /// pull again, instead of being sent them: it supports pulling and says so (`pullDiagnostics`, or the
    /// workspace capability `diagnostic.refreshSupport`).
    pub pull_diagnostics: bool,
    /// Whether the client can be told to ask for semantic tokens again (`workspace.semanticTokens.refreshSupport`):
    /// when the corpus changes, an id or a name a note uses may become known or unknown.
    pub refresh_semantic_tokens: bool,
    /// Whether the index is saved for the next start (`indexCache`, on by default), and in which folder
    /// (`cacheDir`, else the user's cache folder).
    pub save_index: bool,
    pub cache_folder: Option<PathBuf>,
    /// Whether the client opens `marginalia:` documents (`sourceTextDocuments`): the text extracted from a PDF,
    /// asked for with `marginalia/sourceText`.
    pub source_text_documents: bool,
    /// The size of the articles' text from which they are shown ready before their entities and passage index are
    /// built (`stagedIndexFromBytes`): below it, building them costs less than checking the notes twice.
    pub staged_index_from_bytes: usize,
}

/// About 2,000 news articles, whose entities and passage index take a few tenths of a second on two cores.
const STAGED_INDEX_FROM_BYTES: usize = 8 << 20;

impl ClientOptions {
    /// The options of the client that sent `params`.
    pub fn of(params: &lsp::InitializeParams) -> ClientOptions {
        let capabilities = &params.capabilities;
        let option = |name: &str| params.initialization_options.as_ref().and_then(|options| options.get(name));
        let resolvable = (capabilities.text_document.as_ref())
            .and_then(|text| text.completion.as_ref())
            .and_then(|completion| completion.completion_item.as_ref())
            .and_then(|item| item.resolve_support.as_ref())
            .is_some_and(|resolve| resolve.properties.iter().any(|p| p == "documentation"));
        let label_details = (capabilities.text_document.as_ref())
            .and_then(|text| text.completion.as_ref())
            .and_then(|completion| completion.completion_item.as_ref())
            .and_then(|item| item.label_details_support)
            .unwrap_or(false);
        let workspace = capabilities.workspace.as_ref();
        let workspace_edit = workspace.and_then(|w| w.workspace_edit.as_ref());
        let pulls = capabilities.text_document.as_ref().is_some_and(|text| text.diagnostic.is_some());
        let refreshes = (workspace.and_then(|w| w.diagnostic.as_ref()))
            .and_then(|diagnostic| diagnostic.refresh_support)
            .unwrap_or(false);
        let asked = option("pullDiagnostics").and_then(serde_json::Value::as_bool) == Some(true);
        ClientOptions {
            pull_diagnostics: pulls && (refreshes || asked),
            refresh_semantic_tokens: (workspace.and_then(|w| w.semantic_tokens.as_ref()))
                .and_then(|tokens| tokens.refresh_support)
                .unwrap_or(false),
            supports_progress: capabilities.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false),
            supports_watching: (workspace.and_then(|w| w.did_change_watched_files.as_ref()))
                .and_then(|watch| watch.dynamic_registration)
                .unwrap_or(false),
            // Resource operations exist only in `documentChanges`: a client that names `rename` among them applies
            // document changes, whether or not it says so (Neovim 0.11 does not).
            renames_files: workspace_edit.is_some_and(|edit| {
                (edit.resource_operations.as_ref())
                    .is_some_and(|operations| operations.contains(&lsp::ResourceOperationKind::Rename))
            }),
            inlay_hints: option("inlayHints").and_then(serde_json::Value::as_bool) != Some(false),
            completion_documentation: if resolvable { Documentation::OnResolve } else { Documentation::Inline },
            completion_label_details: label_details,
            diagnostics_on_change: option("diagnostics").and_then(serde_json::Value::as_str) != Some("onSave"),
            save_index: option("indexCache").and_then(serde_json::Value::as_bool) != Some(false),
            cache_folder: option("cacheDir").and_then(serde_json::Value::as_str).map(PathBuf::from),
            source_text_documents: option("sourceTextDocuments").and_then(serde_json::Value::as_bool) == Some(true),
            staged_index_from_bytes: option("stagedIndexFromBytes")
                .and_then(serde_json::Value::as_u64)
                .map_or(STAGED_INDEX_FROM_BYTES, |bytes| usize::try_from(bytes).unwrap_or(usize::MAX)),
        }
    }
}

impl Session {
    /// Takes in what the client said at `initialize`: its options, the position encoding to use and the
    /// workspace's root (its first folder, else its root URI, then the folder with `marginalia.toml` above it).
    pub fn initialize(&mut self, params: &lsp::InitializeParams) -> PositionEncoding {
        self.encoding = convert::negotiate_encoding(&params.capabilities);
        self.client = ClientOptions::of(params);
        #[allow(deprecated)]
        let root = (params.workspace_folders.as_ref())
            .and_then(|folders| folders.first())
            .and_then(|folder| folder.uri.to_file_path().ok())
            .or_else(|| params.root_uri.as_ref().and_then(|uri| uri.to_file_path().ok()));
        self.root = root.map(|root| load::find_root(&root));
        self.texts = if self.client.source_text_documents {
            convert::ExtractedTexts::Documents
        } else {
            // Beside the saved index, else in the system's temporary folder.
            let index = (self.root.as_deref())
                .and_then(|root| load::IndexCache::for_workspace(root, self.client.cache_folder.as_deref()));
            let folder = index.map_or_else(
                || std::env::temp_dir().join("marginalia-texts"),
                |index| index.file().with_extension("texts"),
            );
            convert::ExtractedTexts::Files(folder)
        };
        self.encoding
    }

    /// What the open document at `uri` is to the server. Until the workspace is read, every document is taken for
    /// a note (nothing is published before then).
    pub fn role(&self, uri: &lsp::Url) -> Role {
        // The text extracted from a PDF, opened in its place: the article, read-only.
        if uri.scheme() == convert::EXTRACTED_TEXT_SCHEME {
            return match convert::extracted_text_file(uri) {
                Some(path) if self.workspace.as_ref().is_some_and(|workspace| workspace.is_source(&path)) => {
                    Role::Article(path)
                }
                _ => Role::Other,
            };
        }
        let (Some(workspace), Ok(path)) = (&self.workspace, uri.to_file_path()) else {
            return Role::Note;
        };
        let markdown =
            path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("md") || ext.eq_ignore_ascii_case("markdown"));
        if workspace.is_source(&path) {
            Role::Article(path)
        } else if markdown || workspace.is_note(&path) {
            Role::Note
        } else {
            Role::Other
        }
    }

    /// The version of each open note, by path: a workspace edit names them so that the client applies it only to
    /// the text it was computed from.
    pub fn open_versions(&self) -> HashMap<PathBuf, i32> {
        (self.documents.uris().into_iter())
            .filter_map(|uri| {
                let document = self.documents.get(&uri)?;
                Some((document.path.clone()?, document.version))
            })
            .collect()
    }

    /// Keeps `parsed`, the parse of a saved note, in place of its text if no later save replaced that meanwhile.
    pub fn keep_saved_parse(&mut self, path: PathBuf, parsed: Arc<ParsedNote>) {
        let saved = self.notes_on_disk.get(&path);
        if saved.is_some_and(|note| matches!(note, DiskNote::Saved(_)) && note.version() == parsed.version) {
            Arc::make_mut(&mut self.notes_on_disk).insert(path, DiskNote::Parsed(parsed));
        }
    }
}

/// What an open document is to the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Role {
    /// A note: checked, completed, hovered.
    Note,
    /// An article of the workspace, at this path: a place notes quote (references, a lens), never checked as a note.
    Article(PathBuf),
    /// Any other file the client sends (a text file outside the sources): left alone.
    Other,
}

/// A document notification from the client.
#[derive(Debug)]
pub(super) enum Notification {
    /// `textDocument/didOpen`.
    Opened { uri: lsp::Url, text: String, version: i32 },
    /// `textDocument/didChange`: edits to apply in order.
    Changed { uri: lsp::Url, version: i32, changes: Vec<lsp::TextDocumentContentChangeEvent> },
    /// `textDocument/didSave`.
    Saved { uri: lsp::Url },
    /// `textDocument/didClose`.
    Closed { uri: lsp::Url },
}

/// What the async shell does after a notification was applied, in order.
#[derive(Debug)]
pub(super) enum Effect {
    /// Index the whole workspace: its root has just become known.
    IndexWorkspace,
    /// Check the note now and publish its diagnostics.
    Publish(lsp::Url),
    /// Check the note once typing has paused, unless it changed again meanwhile (its generation moved on).
    PublishAfterPause { uri: lsp::Url, generation: u64 },
    /// Clear the diagnostics of a note that is no longer open.
    Clear(lsp::Url),
    /// Read the bibliographies the note at `path` names in its front matter that are not read yet.
    ReadNamedBibliographies { path: PathBuf, text: Rope },
    /// Parse the note saved at `path` (recorded already, as text), so that features spanning notes find it parsed.
    ParseSaved { path: PathBuf },
}

/// Applies `notification` to `session` and says what must follow.
pub(super) fn apply(session: &mut Session, notification: Notification) -> Vec<Effect> {
    match notification {
        Notification::Opened { uri, text, version } => {
            session.documents.open(uri.clone(), &text, version);
            let mut effects = Vec::new();
            let path = uri.to_file_path().ok();
            // A client that gave no workspace folder: the first note opened tells where the workspace is (from its
            // folder: the note may not be on disk yet).
            if session.root.is_none()
                && let Some(folder) = path.as_deref().and_then(std::path::Path::parent)
            {
                session.root = Some(load::find_root(folder));
                effects.push(Effect::IndexWorkspace);
            }
            match session.role(&uri) {
                Role::Note => {}
                // An article's `unused-source` hint, when asked for (a client that pulls asks itself).
                Role::Article(_) if !session.client.pull_diagnostics => {
                    effects.push(Effect::Publish(uri));
                    return effects;
                }
                Role::Article(_) | Role::Other => return effects,
            }
            let text = session.documents.get(&uri).map(|document| document.rope.clone());
            if !session.client.pull_diagnostics {
                effects.push(Effect::Publish(uri));
            }
            if let (Some(path), Some(text)) = (path, text) {
                effects.push(Effect::ReadNamedBibliographies { path, text });
            }
            effects
        }
        Notification::Changed { uri, version, changes } => {
            if !session.documents.change(&uri, version, changes, session.encoding) {
                tracing::warn!("change to a document that is not open: {uri}");
                return Vec::new();
            }
            let generation = session.documents.get(&uri).map_or(0, |d| d.generation);
            let pushed = session.client.diagnostics_on_change && !session.client.pull_diagnostics;
            match pushed && session.role(&uri) == Role::Note {
                true => vec![Effect::PublishAfterPause { uri, generation }],
                false => Vec::new(),
            }
        }
        Notification::Saved { uri } => {
            if session.role(&uri) != Role::Note {
                return Vec::new();
            }
            let Some(document) = session.documents.get_mut(&uri) else {
                tracing::warn!("save of a document that is not open: {uri}");
                return Vec::new();
            };
            document.saved_generation = document.generation;
            document.editing = None;
            let saved = document.clone();
            let mut effects = match session.client.pull_diagnostics {
                true => Vec::new(),
                false => vec![Effect::Publish(uri)],
            };
            let Some(path) = saved.path.clone() else {
                return effects;
            };
            // What the disk holds now: references and renames in it stay right after the note is closed.
            let text = saved.rope.clone();
            let note = match saved.parsed() {
                Some(parsed) => DiskNote::Parsed(parsed),
                None => {
                    effects.push(Effect::ParseSaved { path: path.clone() });
                    DiskNote::Saved(saved)
                }
            };
            Arc::make_mut(&mut session.notes_on_disk).insert(path.clone(), note);
            // A bibliography the front matter has just named is read now.
            effects.push(Effect::ReadNamedBibliographies { path, text });
            effects
        }
        Notification::Closed { uri } => {
            session.documents.close(&uri);
            vec![Effect::Clear(uri)]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(path: &str) -> lsp::Url {
        lsp::Url::from_file_path(path).unwrap()
    }

    fn session(root: Option<&str>) -> Session {
        let mut session = Session { root: root.map(PathBuf::from), ..Session::default() };
        session.client.diagnostics_on_change = true;
        session
    }

    fn typed(uri: &lsp::Url, version: i32, text: &str) -> Notification {
        let end = lsp::Position::new(0, 0);
        let change = lsp::TextDocumentContentChangeEvent {
            range: Some(lsp::Range::new(end, end)),
            range_length: None,
            text: text.into(),
        };
        Notification::Changed { uri: uri.clone(), version, changes: vec![change] }
    }

    /// The effects, by name, for comparing.
    fn names(effects: &[Effect]) -> Vec<&'static str> {
        (effects.iter())
            .map(|effect| match effect {
                Effect::IndexWorkspace => "index",
                Effect::Publish(_) => "publish",
                Effect::PublishAfterPause { .. } => "publish after pause",
                Effect::Clear(_) => "clear",
                Effect::ReadNamedBibliographies { .. } => "read bibliographies",
                Effect::ParseSaved { .. } => "parse saved",
            })
            .collect()
    }

    #[test]
    fn the_first_note_opened_without_a_workspace_starts_indexing_its_folder() {
        let mut session = session(None);
        let note = url("/notes/a.md");
        let effects = apply(&mut session, Notification::Opened { uri: note.clone(), text: "x".into(), version: 1 });
        assert_eq!(names(&effects), ["index", "publish", "read bibliographies"]);
        assert_eq!(session.root.as_deref(), Some(std::path::Path::new("/notes")));
        let effects =
            apply(&mut session, Notification::Opened { uri: url("/notes/b.md"), text: "y".into(), version: 1 });
        assert_eq!(names(&effects), ["publish", "read bibliographies"]);
    }

    #[test]
    fn what_was_saved_is_recorded_before_any_later_edit() {
        let mut session = session(Some("/notes"));
        let note = url("/notes/a.md");
        apply(&mut session, Notification::Opened { uri: note.clone(), text: "saved".into(), version: 1 });
        let effects = apply(&mut session, Notification::Saved { uri: note.clone() });
        assert_eq!(names(&effects), ["publish", "parse saved", "read bibliographies"]);
        // An edit that arrives before the shell carried out the save's effects is not what was saved.
        apply(&mut session, typed(&note, 2, "unsaved "));
        let path = PathBuf::from("/notes/a.md");
        let on_disk = session.notes_on_disk.get(&path).unwrap();
        assert_eq!(on_disk.parse().note.text(), "saved");
        // The parse of the saved text takes its place; a parse of an older save would not.
        let parsed = on_disk.parse();
        session.keep_saved_parse(path.clone(), Arc::new(ParsedNote::whole("older".into(), 0, None)));
        assert!(matches!(session.notes_on_disk.get(&path), Some(DiskNote::Saved(_))));
        session.keep_saved_parse(path.clone(), parsed);
        assert!(matches!(session.notes_on_disk.get(&path), Some(DiskNote::Parsed(_))));
    }

    #[test]
    fn edits_are_checked_after_a_pause_unless_diagnostics_are_for_saves() {
        let mut session = session(Some("/notes"));
        let note = url("/notes/a.md");
        apply(&mut session, Notification::Opened { uri: note.clone(), text: "".into(), version: 1 });
        let effects = apply(&mut session, typed(&note, 2, "a"));
        assert!(matches!(effects.as_slice(), [Effect::PublishAfterPause { generation: 1, .. }]));
        session.client.diagnostics_on_change = false;
        assert!(apply(&mut session, typed(&note, 3, "b")).is_empty());
        // An edit to a note that is not open changes nothing.
        assert!(apply(&mut session, typed(&url("/notes/other.md"), 1, "c")).is_empty());
    }

    #[test]
    fn a_client_that_pulls_diagnostics_is_not_sent_them() {
        let mut session = session(Some("/notes"));
        session.client.pull_diagnostics = true;
        let note = url("/notes/a.md");
        let effects = apply(&mut session, Notification::Opened { uri: note.clone(), text: "".into(), version: 1 });
        assert_eq!(names(&effects), ["read bibliographies"]);
        assert!(apply(&mut session, typed(&note, 2, "a")).is_empty());
        assert_eq!(
            names(&apply(&mut session, Notification::Saved { uri: note })),
            ["parse saved", "read bibliographies"]
        );
    }

    #[test]
    fn a_closed_note_has_its_diagnostics_cleared() {
        let mut session = session(Some("/notes"));
        let note = url("/notes/a.md");
        apply(&mut session, Notification::Opened { uri: note.clone(), text: "".into(), version: 1 });
        assert_eq!(names(&apply(&mut session, Notification::Closed { uri: note.clone() })), ["clear"]);
        assert!(session.documents.get(&note).is_none());
    }
}
