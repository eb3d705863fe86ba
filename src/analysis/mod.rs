//! The features, free of any protocol: diagnostics, completion, hover, go-to-definition and fixes.
//!
//! [`Analysis`] is an immutable snapshot of the corpus; a [`Note`] is one parsed note. Each feature is a free
//! function over both, lives in its own module, and answers in byte offsets, strings and plain enums.
//! The language server and the command line translate those answers for their audience.

mod completion;
mod definition;
mod diagnostics;
mod find_quote;
mod hover;
mod references;
mod suggest;
mod syntax_fixes;

use std::sync::{Arc, OnceLock};

pub use completion::{CompletionItem, CompletionKind, Completions, Documentation};
pub use definition::NavigationTarget;
pub use diagnostics::{Diagnostic, DiagnosticKind, Fix, Severity, TextEdit};
pub use find_quote::{MAX_MATCHES, PassageMatch};
pub use hover::Hover;
pub use references::ReferenceTarget;

use crate::corpus::Corpus;
use crate::markup::{self, NoteSyntax};
use crate::text::{TextRange, TextSize};

/// A note and its parsed markup.
#[derive(Clone, Debug)]
pub struct Note {
    text: String,
    syntax: NoteSyntax,
}

impl Note {
    /// Parses `text` as a note.
    pub fn new(text: String) -> Note {
        let syntax = markup::parse(&text);
        Note { text, syntax }
    }

    /// Parses `text`, a part of a note that starts at one of the note's restart points after its first line
    /// ([`markup::NoteSyntax::restarts`]). Completion, hover and definition answer from a part as they would from
    /// the whole note; diagnostics need the whole note.
    pub fn part(text: String) -> Note {
        let syntax = markup::parse_part(&text);
        Note { text, syntax }
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

/// A snapshot of the corpus that answers questions about notes; cheap to clone and to send to another thread.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    corpus: Arc<Corpus>,
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
    fn new(corpus: &Corpus) -> Names {
        let completion = completion::CompletionIndex::new(corpus);
        let ids = suggest::SpellIndex::new(corpus.sources().enumerate().map(|(i, s)| (s.id.as_str(), i as u32, 0)));
        let entities = suggest::SpellIndex::new(corpus.entities().iter().enumerate().flat_map(|(i, entity)| {
            entity.names().enumerate().map(move |(number, name)| (name, i as u32, number as u32))
        }));
        Names { completion, ids, entities }
    }

    /// The source id closest to a misspelt one, if one is close enough to be what was meant.
    fn closest_source_id(&self, id: &str) -> Option<&str> {
        self.ids.closest(id, &self.completion.source_words, 1).into_iter().next()
    }

    /// The entity names closest to a misspelt one, best first, at most `limit`.
    fn closest_entity_names(&self, name: &str, limit: usize) -> Vec<&str> {
        self.entities.closest(name, &self.completion.entity_words, limit)
    }
}

impl Analysis {
    /// A snapshot of `corpus`.
    pub fn new(corpus: Arc<Corpus>) -> Analysis {
        Analysis { corpus, checked: Arc::default(), names: Arc::default() }
    }

    /// The corpus this snapshot answers from, shared.
    pub fn shared_corpus(&self) -> Arc<Corpus> {
        self.corpus.clone()
    }

    /// The corpus this snapshot answers from.
    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    fn names(&self) -> &Names {
        self.names.get_or_init(|| Names::new(&self.corpus))
    }

    fn context(&self) -> diagnostics::Context<'_> {
        diagnostics::Context { corpus: &self.corpus, names: self.names() }
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
        completion::completions(&self.corpus, &self.names().completion, note, offset, documentation)
    }

    /// Prepares the corpus's names for completion and suggestions now (a tenth of a second at 10,000 articles)
    /// rather than on the first request that needs them.
    pub fn prepare(&self) {
        self.names();
    }

    /// The documentation of a completion item of this kind and label that was listed without it.
    pub fn completion_documentation(&self, kind: CompletionKind, label: &str) -> Option<String> {
        completion::documentation(&self.corpus, kind, label)
    }

    /// A preview of what is under `offset`.
    pub fn hover(&self, note: &Note, offset: TextSize) -> Option<Hover> {
        hover::hover(&self.corpus, note, offset)
    }

    /// Where what is under `offset` is defined: an article, the quoted words in it, or an entity's mentions.
    pub fn goto_definition(&self, note: &Note, offset: TextSize) -> Vec<NavigationTarget> {
        definition::goto_definition(&self.corpus, note, offset)
    }

    /// What is under `offset` that has references across the notes: a cited source or a mentioned entity.
    pub fn reference_target(&self, note: &Note, offset: TextSize) -> Option<ReferenceTarget> {
        references::reference_target(&self.corpus, note, offset)
    }

    /// The places in `note` that refer to `target`: the ids of its citations, the names of its mentions.
    pub fn references_in(&self, note: &Note, target: &ReferenceTarget) -> Vec<TextRange> {
        references::references(&self.corpus, note, target)
    }

    /// The places in the corpus that contain `words`, exact matches first, then near ones.
    pub fn find_quote(&self, words: &str) -> Vec<PassageMatch> {
        find_quote::find_quote(&self.corpus, words)
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
    //! Builds an analysis from a fixture: files under `sources/` are articles, the file with the cursor
    //! (or the last file) is the note.

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
                Source::new(id.to_string(), f.path.clone().into(), f.text.clone())
            })
            .collect();
        let (corpus, _) = Corpus::new(sources, EntityOverrides::default());
        let note = Note::new(fixture.main_file().text.clone());
        (Analysis::new(Arc::new(corpus)), note, fixture)
    }
}
