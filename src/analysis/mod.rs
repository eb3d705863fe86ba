//! The features, free of any protocol: diagnostics, completion, hover, go-to-definition and fixes.
//!
//! [`Analysis`] is an immutable snapshot of the corpus; a [`Note`] is one parsed note. Each feature is a free
//! function over both, lives in its own module, and answers in byte offsets, strings and plain enums.
//! The language server and the command line translate those answers for their audience.

mod article_uses;
mod completion;
mod definition;
mod diagnostics;
mod find_quote;
mod highlight;
mod hover;
mod notes;
mod references;
mod rename;
mod suggest;
mod symbols;
mod syntax_fixes;

use std::sync::{Arc, OnceLock};

pub use article_uses::ArticleUses;
pub use completion::{CompletionItem, CompletionKind, Completions, Documentation};
pub use definition::NavigationTarget;
pub use diagnostics::{Diagnostic, DiagnosticKind, Fix, Severity, TextEdit, bibliography_file_diagnostics};
pub use find_quote::{MAX_MATCHES, PassageMatch};
pub use highlight::{Token, TokenKind};
pub use hover::Hover;
pub use notes::{Notes, SharedNote};
pub use references::ReferenceTarget;
pub use rename::{Rename, RenameRefused};
pub use symbols::{MAX_WORKSPACE_SYMBOLS, Symbol, SymbolKind, WorkspaceSymbol};

use crate::bibliography::library::front_matter_bibliographies;
use crate::bibliography::{Catalog, Library};
use crate::corpus::Corpus;
use crate::markup::{self, NoteSyntax};
use crate::text::{TextRange, TextSize};

/// A note and its parsed markup.
#[derive(Clone, Debug)]
pub struct Note {
    text: String,
    syntax: NoteSyntax,
    /// Where the note is, when it is a file: the bibliographies its front matter names are found from there.
    path: Option<std::path::PathBuf>,
    /// The bibliographies its front matter names, as written.
    bibliographies: Vec<String>,
}

impl Note {
    /// Parses `text` as a note.
    pub fn new(text: String) -> Note {
        let syntax = markup::parse(&text);
        Note { text, syntax, path: None, bibliographies: Vec::new() }
    }

    /// Parses `text` as the note at `path`; the bibliographies its front matter names are its own.
    pub fn at(path: std::path::PathBuf, text: String) -> Note {
        let bibliographies = front_matter_bibliographies(&text).into_iter().map(|(name, _)| name).collect();
        Note { path: Some(path), bibliographies, ..Note::new(text) }
    }

    /// Parses `text`, a part of the note at `path` as [`Note::part`] does, where the note's front matter names
    /// `bibliographies`.
    pub fn part_at(path: std::path::PathBuf, text: String, bibliographies: Vec<String>) -> Note {
        Note { path: Some(path), bibliographies, ..Note::part(text) }
    }

    /// The bibliographies the note's front matter names, as written.
    pub fn bibliographies(&self) -> &[String] {
        &self.bibliographies
    }

    /// Where the note is, when it is a file.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.path.as_deref()
    }

    /// Parses `text`, a part of a note that starts at one of the note's restart points after its first line
    /// ([`markup::NoteSyntax::restarts`]). Completion, hover and definition answer from a part as they would from
    /// the whole note; diagnostics need the whole note.
    pub fn part(text: String) -> Note {
        let syntax = markup::parse_part(&text);
        Note { text, syntax, path: None, bibliographies: Vec::new() }
    }

    /// The note's text, taken back.
    pub fn into_text(self) -> String {
        self.text
    }

    /// The note's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The markup found in the note.
    pub fn syntax(&self) -> &NoteSyntax {
        &self.syntax
    }
}

/// A snapshot of the corpus and the bibliographies that answers questions about notes; cheap to clone and to send
/// to another thread.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    catalog: Arc<Catalog>,
    /// Citation and mention checks made against this corpus, shared by the snapshot's clones.
    checked: Arc<diagnostics::CheckMemo>,
    /// The corpus's names prepared for completion and suggestions, on first use (or by [`Analysis::prepare`]).
    names: Arc<OnceLock<Names>>,
}

/// The corpus's names, prepared once: for completion, and for "did you mean".
#[derive(Debug)]
struct Names {
    completion: completion::CompletionIndex,
    ids: suggest::SpellIndex,
    entities: suggest::SpellIndex,
}

impl Names {
    fn new(catalog: &Catalog) -> Names {
        let corpus = catalog.corpus();
        let completion = completion::CompletionIndex::new(catalog);
        let ids =
            suggest::SpellIndex::new(catalog.citables().iter().enumerate().map(|(i, c)| (c.id.as_str(), i as u32, 0)));
        let entities = suggest::SpellIndex::new(corpus.entities().iter().enumerate().flat_map(|(i, entity)| {
            entity.names().enumerate().map(move |(number, name)| (name, i as u32, number as u32))
        }));
        Names { completion, ids, entities }
    }

    /// The source id closest to a misspelt one, if one is close enough to be what was meant.
    /// Only ids that `visible` accepts are offered: a fix must cite something the note can cite.
    fn closest_source_id(&self, id: &str, visible: impl Fn(&str) -> bool) -> Option<&str> {
        /// How many close ids are looked at for one the note can see.
        const CANDIDATES: usize = 8;
        self.ids.closest(id, &self.completion.source_words, CANDIDATES).into_iter().find(|&id| visible(id))
    }

    /// The entity names closest to a misspelt one, best first, at most `limit`.
    fn closest_entity_names(&self, name: &str, limit: usize) -> Vec<&str> {
        self.entities.closest(name, &self.completion.entity_words, limit)
    }
}

impl Analysis {
    /// A snapshot of `corpus`, without bibliographies.
    pub fn new(corpus: Arc<Corpus>) -> Analysis {
        Analysis::with_library(corpus, Arc::default())
    }

    /// A snapshot of `corpus` and the bibliographies of `library`, tied to its articles.
    pub fn with_library(corpus: Arc<Corpus>, library: Arc<Library>) -> Analysis {
        let catalog = Arc::new(Catalog::new(corpus, library));
        Analysis { catalog, checked: Arc::default(), names: Arc::default() }
    }

    /// The corpus this snapshot answers from, shared.
    pub fn shared_corpus(&self) -> Arc<Corpus> {
        self.catalog.shared_corpus()
    }

    /// The corpus this snapshot answers from.
    pub fn corpus(&self) -> &Corpus {
        self.catalog.corpus()
    }

    /// The bibliographies this snapshot answers from, shared.
    pub fn shared_library(&self) -> Arc<Library> {
        self.catalog.shared_library()
    }

    /// What each citation id stands for: articles and bibliography entries.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    fn names(&self) -> &Names {
        self.names.get_or_init(|| Names::new(&self.catalog))
    }

    fn context(&self) -> diagnostics::Context<'_> {
        diagnostics::Context { catalog: &self.catalog, names: self.names() }
    }

    /// Every problem in `note`, in the order of the text.
    pub fn diagnostics(&self, note: &Note) -> Vec<Diagnostic> {
        diagnostics::diagnostics(&self.context(), note, &self.checked, &|| false).unwrap_or_default()
    }

    /// Every problem in `note`, or `None` as soon as `cancelled` returns true (it is asked between citations):
    /// a check of a large note stops when its text is outdated.
    pub fn diagnostics_unless(&self, note: &Note, cancelled: &(dyn Fn() -> bool + Sync)) -> Option<Vec<Diagnostic>> {
        diagnostics::diagnostics(&self.context(), note, &self.checked, cancelled)
    }

    /// Completions at `offset`, with their documentation, or `None` when the cursor is not in a place marginalia
    /// completes.
    pub fn completions(&self, note: &Note, offset: TextSize) -> Option<Completions> {
        self.completions_with(note, offset, Documentation::Inline)
    }

    /// Completions at `offset`, with their documentation or leaving it for [`Analysis::completion_documentation`].
    pub fn completions_with(&self, note: &Note, offset: TextSize, documentation: Documentation) -> Option<Completions> {
        completion::completions(&self.catalog, &self.names().completion, note, offset, documentation)
    }

    /// Prepares the corpus's names for completion and suggestions now (a tenth of a second at 10,000 articles)
    /// rather than on the first request that needs them.
    pub fn prepare(&self) {
        self.names();
    }

    /// The documentation of a completion item of this kind and label that was listed without it.
    pub fn completion_documentation(&self, kind: CompletionKind, label: &str) -> Option<String> {
        completion::documentation(&self.catalog, kind, label)
    }

    /// A preview of what is under `offset`.
    pub fn hover(&self, note: &Note, offset: TextSize) -> Option<Hover> {
        hover::hover(&self.catalog, note, offset)
    }

    /// Where what is under `offset` is defined: an article, the quoted words in it, or an entity's mentions.
    pub fn goto_definition(&self, note: &Note, offset: TextSize) -> Vec<NavigationTarget> {
        definition::goto_definition(&self.catalog, note, offset)
    }

    /// What is under `offset` that has references across the notes: a cited source or a mentioned entity.
    pub fn reference_target(&self, note: &Note, offset: TextSize) -> Option<ReferenceTarget> {
        references::reference_target(&self.catalog, note, offset)
    }

    /// The places in `note` that refer to `target`: the ids of its citations, the names of its mentions.
    pub fn references_in(&self, note: &Note, target: &ReferenceTarget) -> Vec<TextRange> {
        references::references(&self.catalog, note, target)
    }

    /// Every place in `notes` that refers to `target` (see [`Analysis::references_in`]), by note.
    pub fn references_across(&self, notes: &Notes, target: &ReferenceTarget) -> Vec<(std::path::PathBuf, TextRange)> {
        notes
            .iter()
            .flat_map(|(path, note)| {
                self.references_in(note, target).into_iter().map(move |range| (path.to_path_buf(), range))
            })
            .collect()
    }

    /// The index of the article whose file is `path`, if the corpus has one there.
    pub fn article_at(&self, path: &std::path::Path) -> Option<u32> {
        article_uses::article_at(self.corpus(), path)
    }

    /// The quotations in `notes` of the article `article` whose words are in the sentence at `offset` of it, by
    /// note: where a passage of an article is used.
    pub fn quotations_at(&self, notes: &Notes, article: u32, offset: TextSize) -> Vec<(std::path::PathBuf, TextRange)> {
        article_uses::quotations_at(&self.catalog, notes, article, offset)
    }

    /// How `notes` use the article `article`: the notes that cite it, its citations and its quotations.
    pub fn article_uses(&self, notes: &Notes, article: u32) -> ArticleUses {
        article_uses::article_uses(&self.catalog, notes, article)
    }

    /// The `unused-source` hint of the article `article`, when no note of `notes` cites it.
    pub fn unused_source(&self, notes: &Notes, article: u32) -> Option<Diagnostic> {
        article_uses::unused_source_of(&self.catalog, notes, article)
    }

    /// How `notes` use every article, by article index (see [`Analysis::article_uses`]).
    pub fn uses_of_every_article(&self, notes: &Notes) -> Vec<ArticleUses> {
        article_uses::uses_of_every_article(&self.catalog, notes)
    }

    /// The `unused-source` hints of the articles no note of `notes` cites, each in its article's text.
    pub fn unused_sources(&self, notes: &Notes) -> Vec<(u32, Diagnostic)> {
        article_uses::unused_sources(&self.catalog, notes)
    }

    /// Where `target` is declared, when it is a source: the start of its article, or its entry in its bibliography.
    pub fn declaration(&self, target: &ReferenceTarget) -> Option<NavigationTarget> {
        let ReferenceTarget::Source(id) = target else {
            return None;
        };
        let cited = self.catalog.cited(id)?;
        let (path, start) = match (cited.source, cited.entry, cited.entry_file) {
            (Some(source), ..) => (source.path.clone(), source.body.start()),
            (None, Some(entry), Some(file)) => (file.to_path_buf(), entry.range.start()),
            _ => return None,
        };
        Some(NavigationTarget { source_id: id.clone(), path, range: TextRange::empty(start) })
    }

    /// The outline of `note`: its headings, nested, with the sources and entities under each.
    pub fn document_symbols(&self, note: &Note) -> Vec<Symbol> {
        symbols::document_symbols(&self.catalog, note)
    }

    /// The articles, entities and note headings whose name holds `query`.
    pub fn workspace_symbols(&self, notes: &Notes, query: &str) -> Vec<WorkspaceSymbol> {
        symbols::workspace_symbols(&self.catalog, notes, query)
    }

    /// Each cited id of `note` with the file it leads to: its article, or its bibliography.
    pub fn document_links(&self, note: &Note) -> Vec<(TextRange, std::path::PathBuf)> {
        symbols::document_links(&self.catalog, note)
    }

    /// The semantic tokens of `note`: ids, quotes and entity names, marked when they name nothing.
    pub fn semantic_tokens(&self, note: &Note) -> Vec<Token> {
        highlight::semantic_tokens(&self.catalog, note)
    }

    /// The inlay hints of `note` within `range`: the title after each id that does not say what it is.
    pub fn inlay_hints(&self, note: &Note, range: TextRange) -> Vec<(TextSize, String)> {
        highlight::inlay_hints(&self.catalog, note, range)
    }

    /// The range to rename at `offset` (a source id or an entity name) and its text, or why it cannot be renamed.
    pub fn prepare_rename(&self, note: &Note, offset: TextSize) -> Result<(TextRange, String), RenameRefused> {
        rename::prepare_rename(&self.catalog, note, offset)
    }

    /// Renames what is at `offset` of `note` to `new_name` in every note of `notes`: a source id with its article's
    /// file (refused when `files_renamable` says the editor cannot rename files), or an entity's mentions to another
    /// of its names.
    pub fn rename(
        &self,
        notes: &Notes,
        note: &Note,
        offset: TextSize,
        new_name: &str,
        files_renamable: bool,
    ) -> Result<Rename, RenameRefused> {
        let rename = rename::rename(&self.catalog, notes, note, offset, new_name)?;
        if rename.file.is_some() && !files_renamable {
            return Err(RenameRefused(
                "this editor cannot rename files in a workspace edit: rename the article's file yourself, then \
                 change the citations (each unknown id offers the fix)"
                    .to_string(),
            ));
        }
        Ok(rename)
    }

    /// The places in the corpus that contain `words`, exact matches first, then near ones.
    pub fn find_quote(&self, words: &str) -> Vec<PassageMatch> {
        find_quote::find_quote(self.corpus(), words)
    }

    /// The fixes of the diagnostics that touch `range`, each with the diagnostic it fixes.
    pub fn fixes(&self, note: &Note, range: TextRange) -> Vec<(Diagnostic, Fix)> {
        self.diagnostics(note)
            .into_iter()
            .filter(|d| d.range.intersect(range).is_some())
            .flat_map(|d| d.fixes.clone().into_iter().map(move |fix| (d.clone(), fix)))
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Builds an analysis from a fixture: files under `sources/` are articles, files ending in `.bib`, `.json` or
    //! `.yaml` are bibliographies (at `/w/` followed by their path, like the articles and the note; those outside
    //! `notes/` are named by the configuration, those inside only by the notes that name them), the file with the
    //! cursor (or the last file) is the note.

    use std::path::Path;

    use super::*;
    use crate::corpus::{EntityOverrides, Source};
    use crate::fixture::Fixture;

    pub(crate) fn from_fixture(fixture: &str) -> (Analysis, Note, Fixture) {
        let fixture = Fixture::parse(fixture);
        let sources = fixture
            .files
            .iter()
            .filter(|f| f.path.starts_with("sources/"))
            .map(|f| {
                let id =
                    f.path.trim_start_matches("sources/").rsplit_once('.').map_or(f.path.as_str(), |(stem, _)| stem);
                Source::new(id.to_string(), Path::new("/w").join(&f.path), f.text.clone())
            })
            .collect();
        let (corpus, _) = Corpus::new(sources, EntityOverrides::default());
        let is_bibliography = |path: &str| [".bib", ".json", ".yaml"].iter().any(|end| path.ends_with(end));
        let bibliographies: Vec<_> = (fixture.files.iter())
            .filter(|f| is_bibliography(&f.path))
            .map(|f| (Path::new("/w").join(&f.path), Ok(f.text.clone())))
            .collect();
        let configured: Vec<_> =
            bibliographies.iter().map(|(path, _)| path.clone()).filter(|path| !path.starts_with("/w/notes")).collect();
        let library = Library::new(bibliographies).with_configured(&configured).with_root("/w".into());
        let main = fixture.main_file();
        let note = Note::at(Path::new("/w").join(&main.path), main.text.clone());
        (Analysis::with_library(Arc::new(corpus), Arc::new(library)), note, fixture)
    }
}
