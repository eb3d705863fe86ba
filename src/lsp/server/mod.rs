//! The language server: a thin `tower_lsp::LanguageServer` over the analysis.
//!
//! Document notifications are applied to the [`Session`] synchronously, under its lock ([`session::apply`]); the
//! effects they return (check a note, index, read a bibliography) are carried out here, in order. Each request
//! handler converts the request to offsets (`convert`), asks a snapshot of the analysis (on a blocking thread when
//! the work grows with a note or the corpus), and converts the answer back. Indexing and file changes live in
//! `indexing`, bibliographies in `bibliographies`.

mod bibliographies;
mod diagnostics;
mod indexing;
mod session;

use std::sync::{Arc, Mutex, MutexGuard};

use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types as lsp;
use tower_lsp::{Client, LanguageServer};

use super::convert::{self, TextLines};
use super::documents::{Document, GatheredNotes, ParsedNote};
use crate::analysis::Analysis;
use crate::load::ArticleFile;
use crate::text::PositionEncoding;
use session::{Effect, Notification, Role, Session};

/// The largest part of a note a position request parses on the async worker (a few hundred microseconds).
const INLINE_PARSE_BYTES: usize = 64 * 1024;

/// The server; cheap to clone, so background tasks can hold it.
#[derive(Clone)]
pub struct Server {
    client: Client,
    session: Arc<Mutex<Session>>,
    /// Serialises corpus rebuilds, so that two file changes never build on the same old corpus.
    rebuild: Arc<tokio::sync::Mutex<()>>,
}

/// What a request needs: a snapshot of the analysis and the parsed note.
/// The parameters of `marginalia/sourceText`.
#[derive(Debug, serde::Deserialize)]
pub struct SourceTextParams {
    /// The `marginalia:` document asked for.
    pub uri: lsp::Url,
}

/// The answer to `marginalia/sourceText`.
#[derive(Debug, serde::Serialize)]
pub struct SourceText {
    /// The text extracted from the article's file.
    pub text: String,
}

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

    /// The analysis as it stands, with the negotiated encoding.
    fn analysis(&self) -> (Analysis, PositionEncoding) {
        let session = self.session();
        (session.analysis.clone(), session.encoding)
    }

    /// Applies a document notification to the session, then carries out what it says must follow, in order.
    async fn notified(&self, notification: Notification) {
        let effects = session::apply(&mut self.session(), notification);
        for effect in effects {
            match effect {
                Effect::IndexWorkspace => {
                    let server = self.clone();
                    tokio::spawn(async move { server.index_workspace().await });
                }
                Effect::Publish(uri) => self.publish_diagnostics(uri).await,
                Effect::PublishAfterPause { uri, generation } => self.publish_diagnostics_later(uri, generation),
                Effect::Clear(uri) => self.client.publish_diagnostics(uri, Vec::new(), None).await,
                Effect::ReadNamedBibliographies { path, text } => {
                    self.read_named_bibliographies(path, text.to_string()).await;
                }
                Effect::ParseSaved { path } => {
                    let Some(saved) = self.session().notes_on_disk.get(&path).cloned() else {
                        continue;
                    };
                    if let Some(parsed) = blocking(move || saved.parse()).await {
                        self.session().keep_saved_parse(path, parsed);
                    }
                }
            }
        }
    }

    /// How the client is shown the text of a PDF.
    fn texts(&self) -> convert::ExtractedTexts {
        self.session().texts.clone()
    }

    /// The text extracted from a PDF, for a client that shows it as a `marginalia:` document (see
    /// [`convert::ExtractedTexts`]): `{ "text": … }`, or an error naming what is wrong.
    pub async fn source_text(&self, params: SourceTextParams) -> Result<SourceText> {
        let Some(path) = convert::extracted_text_file(&params.uri) else {
            return Err(tower_lsp::jsonrpc::Error::invalid_params(format!(
                "`{}` is not a `{}:` document",
                params.uri,
                convert::EXTRACTED_TEXT_SCHEME
            )));
        };
        let (analysis, ready) = {
            let session = self.session();
            (session.analysis.clone(), session.ready)
        };
        match analysis.article_at(&path) {
            Some(article) => Ok(SourceText { text: analysis.corpus().source_at(article).text.clone() }),
            None if !ready => Err(request_failed("the workspace is still being read: try again in a moment".into())),
            None => Err(request_failed(format!("{} is not an article of the workspace", path.display()))),
        }
    }

    /// An open document with the analysis, encoding and readiness to answer about it; `None` (logged) when it is
    /// not open.
    fn open_document(&self, uri: &lsp::Url) -> Option<(Document, Analysis, PositionEncoding, bool)> {
        let session = self.session();
        let Some(document) = session.documents.get(uri) else {
            tracing::warn!("request for a document that is not open: {uri}");
            return None;
        };
        if session.role(uri) != Role::Note {
            return None;
        }
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

    /// The quotations in the notes of the passage at `position` of the article at `path` (positions are in the
    /// article's file, a saved page's markup included).
    async fn quotations_at(&self, path: std::path::PathBuf, position: lsp::Position) -> Option<Vec<lsp::Location>> {
        let (analysis, encoding) = self.analysis();
        let article = analysis.article_at(&path)?;
        let gathered = self.gather_notes();
        blocking(move || {
            let file = ArticleFile::open(analysis.corpus().source_at(article));
            // In a saved page, a position in its markup or navigation holds no indexed text.
            let offset = file.offset(TextLines::of_article(&file, encoding).offset(position))?;
            let notes = gathered.parse();
            let found = analysis.quotations_at(&notes, article, offset);
            let locations = convert::note_locations(&notes, found, encoding);
            (!locations.is_empty()).then(|| convert::sorted(locations))
        })
        .await
        .flatten()
    }

    /// The notes of the workspace as they stand now, to parse into a [`Notes`] off the async workers.
    fn gather_notes(&self) -> GatheredNotes {
        let session = self.session();
        let open =
            (session.documents.uris().into_iter()).filter_map(|uri| session.documents.get(&uri).cloned()).collect();
        GatheredNotes { open, on_disk: session.notes_on_disk.clone() }
    }
}

/// The answer to a request that cannot be done, with the reason (LSP's `RequestFailed`): editors show it.
fn request_failed(message: String) -> tower_lsp::jsonrpc::Error {
    tower_lsp::jsonrpc::Error {
        code: tower_lsp::jsonrpc::ErrorCode::ServerError(-32803),
        message: message.into(),
        data: None,
    }
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

#[tower_lsp::async_trait]
impl LanguageServer for Server {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let (encoding, pulls) = {
            let mut session = self.session();
            (session.initialize(&params), session.client.pull_diagnostics)
        };
        Ok(lsp::InitializeResult {
            capabilities: super::capabilities::server_capabilities(encoding, pulls),
            server_info: Some(lsp::ServerInfo {
                name: "marginalia".to_string(),
                version: Some(crate::VERSION.to_string()),
            }),
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        let server = self.clone();
        tokio::spawn(async move {
            if server.session().client.supports_watching {
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
        self.notified(Notification::Opened { uri: document.uri, text: document.text, version: document.version }).await;
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let (uri, version) = (params.text_document.uri, params.text_document.version);
        self.notified(Notification::Changed { uri, version, changes: params.content_changes }).await;
    }

    async fn did_save(&self, params: lsp::DidSaveTextDocumentParams) {
        self.notified(Notification::Saved { uri: params.text_document.uri }).await;
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        self.notified(Notification::Closed { uri: params.text_document.uri }).await;
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        let server = self.clone();
        tokio::spawn(async move { server.apply_file_changes(params.changes).await });
    }

    async fn completion(&self, params: lsp::CompletionParams) -> Result<Option<lsp::CompletionResponse>> {
        let (documentation, label_details) = {
            let client = &self.session().client;
            (client.completion_documentation, client.completion_label_details)
        };
        let list = self
            .at_position(params.text_document_position, |snapshot, lines, offset| {
                let mut completions =
                    snapshot.analysis.completions_with(&snapshot.parsed.note, offset, documentation)?;
                // While indexing, the list is partial: ask again.
                completions.is_incomplete |= !snapshot.ready;
                Some(convert::completion_list(lines, completions, label_details))
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
        let texts = self.texts();
        Ok(self
            .at_position(params.text_document_position_params, move |snapshot, _, offset| {
                let targets = snapshot.analysis.goto_definition(&snapshot.parsed.note, offset);
                let mut locations = convert::locations(&snapshot.analysis, &targets, snapshot.encoding, &texts);
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
        let role = self.session().role(&position.text_document.uri);
        if let Role::Article(path) = role {
            return Ok(self.quotations_at(path, position.position).await);
        }
        let Some(snapshot) = self.snapshot_at(&position.text_document.uri, position.position.line).await else {
            return Ok(None);
        };
        let offset = snapshot.lines().offset(position.position);
        let Some(target) = snapshot.analysis.reference_target(&snapshot.parsed.note, offset) else {
            return Ok(None);
        };
        let with_declaration = params.context.include_declaration;
        let gathered = self.gather_notes();
        let texts = self.texts();
        Ok(blocking(move || {
            let (analysis, notes, encoding) = (&snapshot.analysis, gathered.parse(), snapshot.encoding);
            let mut locations = convert::note_locations(&notes, analysis.references_across(&notes, &target), encoding);
            let declaration = analysis.declaration(&target).filter(|_| with_declaration);
            locations.extend(convert::locations(analysis, declaration.as_slice(), encoding, &texts));
            (!locations.is_empty()).then(|| convert::sorted(locations))
        })
        .await
        .flatten())
    }

    async fn diagnostic(&self, params: lsp::DocumentDiagnosticParams) -> Result<lsp::DocumentDiagnosticReportResult> {
        self.document_report(params.text_document.uri, params.previous_result_id).await
    }

    async fn workspace_diagnostic(
        &self,
        params: lsp::WorkspaceDiagnosticParams,
    ) -> Result<lsp::WorkspaceDiagnosticReportResult> {
        self.workspace_report(params.previous_result_ids).await
    }

    async fn code_lens(&self, params: lsp::CodeLensParams) -> Result<Option<Vec<lsp::CodeLens>>> {
        let role = self.session().role(&params.text_document.uri);
        let Role::Article(path) = role else {
            return Ok(None);
        };
        let (analysis, _) = self.analysis();
        let Some(article) = analysis.article_at(&path) else {
            return Ok(None);
        };
        let gathered = self.gather_notes();
        let uses = blocking(move || analysis.article_uses(&gathered.parse(), article)).await;
        Ok(uses.map(|uses| vec![convert::article_lens(&uses)]))
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
        let (analysis, encoding) = self.analysis();
        let gathered = self.gather_notes();
        let texts = self.texts();
        Ok(blocking(move || {
            let notes = gathered.parse();
            let symbols = analysis.workspace_symbols(&notes, &params.query);
            convert::workspace_symbols(&analysis, &notes, &symbols, encoding, &texts)
        })
        .await)
    }

    async fn document_link(&self, params: lsp::DocumentLinkParams) -> Result<Option<Vec<lsp::DocumentLink>>> {
        let Some(snapshot) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        let links = snapshot.analysis.document_links(&snapshot.parsed.note);
        Ok(Some(convert::document_links(&snapshot.lines(), links)))
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
        if !self.session().client.inlay_hints {
            return Ok(None);
        }
        let Some(snapshot) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        let lines = snapshot.lines();
        let hints = snapshot.analysis.inlay_hints(&snapshot.parsed.note, lines.text_range(params.range));
        Ok(Some(convert::inlay_hints(&lines, hints)))
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
        let (renames_files, versions) = {
            let session = self.session();
            (session.client.renames_files, session.open_versions())
        };
        let gathered = self.gather_notes();
        let answer = blocking(move || {
            let (analysis, notes, note) = (&snapshot.analysis, gathered.parse(), &snapshot.parsed.note);
            let rename = analysis.rename(&notes, note, offset, &params.new_name, renames_files)?;
            Ok::<_, crate::analysis::RenameRefused>((
                convert::workspace_edit(&notes, &rename, &versions, snapshot.encoding),
                rename.file,
            ))
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
        let (analysis, encoding) = self.analysis();
        // Without the passage index an empty answer would say that no article has the words.
        if !analysis.corpus().is_complete() {
            return Err(request_failed(
                "the passages of the articles are still being indexed: look for these words again in a moment"
                    .to_string(),
            ));
        }
        let texts = self.texts();
        Ok(blocking(move || convert::found_quotes(&analysis, &analysis.find_quote(&words), encoding, &texts)).await)
    }

    async fn code_action(&self, params: lsp::CodeActionParams) -> Result<Option<lsp::CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some(snapshot) = self.snapshot(&uri).await.filter(|snapshot| snapshot.ready) else {
            return Ok(None);
        };
        Ok(blocking(move || {
            let lines = snapshot.lines();
            let fixes = snapshot.analysis.fixes(&snapshot.parsed.note, lines.text_range(params.range));
            let actions = convert::quick_fixes(&lines, &uri, &fixes);
            (!actions.is_empty()).then_some(actions)
        })
        .await
        .flatten())
    }
}
