//! Articles are places too: from a sentence of an article to every quotation of it in the notes, how much the
//! notes use an article (how many notes cite it, how often, how many quotations), for a lens at its top, and the
//! articles no note cites.

use std::path::{Path, PathBuf};

use super::{Diagnostic, DiagnosticKind, Note, Notes};
use crate::bibliography::Catalog;
use crate::corpus::Corpus;
use crate::markup::CiteItem;
use crate::text::{TextRange, TextSize};

/// How the notes use one article.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ArticleUses {
    /// The notes that cite it.
    pub notes: usize,
    /// Its citations, in all notes.
    pub citations: usize,
    /// The quotations of it, in all notes.
    pub quotations: usize,
}

impl ArticleUses {
    /// One line for a lens: "cited in 2 notes (3 citations) · quoted 4 times", or "no note cites this article".
    pub fn summary(&self) -> String {
        if self.citations == 0 {
            return "no note cites this article".to_string();
        }
        let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let quoted = match self.quotations {
            0 => "never quoted".to_string(),
            1 => "quoted once".to_string(),
            n => format!("quoted {n} times"),
        };
        format!(
            "cited in {} ({}) · {quoted}",
            count(self.notes, "note", "notes"),
            count(self.citations, "citation", "citations")
        )
    }
}

/// The most places a quotation is looked for in its article: where a stock phrase occurs often, the first places
/// decide.
const MAX_PLACES: usize = 100;

/// The index of the article whose file is `path`, if the corpus has one there.
pub(super) fn article_at(corpus: &Corpus, path: &Path) -> Option<u32> {
    let stem = path.file_stem()?.to_string_lossy();
    let index = corpus.source_index(&stem)?;
    (corpus.source_at(index).path == path).then_some(index)
}

/// The quotations in `notes` of the article `article` whose words are in the sentence at `offset` of it (at the
/// offset itself when it is in no sentence), by note, in the order of the notes.
pub(super) fn quotations_at(
    catalog: &Catalog,
    notes: &Notes,
    article: u32,
    offset: TextSize,
) -> Vec<(PathBuf, TextRange)> {
    let source = catalog.corpus().source_at(article);
    let touches = |place: TextRange| match source.sentence_at(offset) {
        Some(sentence) if !sentence.is_empty() => place.start() < sentence.end() && sentence.start() < place.end(),
        _ => place.start() <= offset && offset <= place.end(),
    };
    let mut found = Vec::new();
    for (path, note) in notes.iter() {
        for item in items_citing(catalog, note, article) {
            for quote in &item.quotes {
                // A quotation too complex to search is reported by the check; here it is nowhere.
                let places = source.find_quote(&quote.text, MAX_PLACES).unwrap_or_default();
                if places.into_iter().any(touches) {
                    found.push((path.to_path_buf(), quote.text_range));
                }
            }
        }
    }
    found
}

/// How `notes` use the article `article`.
pub(super) fn article_uses(catalog: &Catalog, notes: &Notes, article: u32) -> ArticleUses {
    let mut uses = ArticleUses::default();
    for (_, note) in notes.iter() {
        let (mut citations, mut quotations) = (0, 0);
        for item in items_citing(catalog, note, article) {
            citations += 1;
            quotations += item.quotes.len();
        }
        uses.notes += usize::from(citations > 0);
        uses.citations += citations;
        uses.quotations += quotations;
    }
    uses
}

/// How `notes` use every article of the corpus, by article index, in one pass over their citations.
pub(super) fn uses_of_every_article(catalog: &Catalog, notes: &Notes) -> Vec<ArticleUses> {
    let mut uses = vec![ArticleUses::default(); catalog.corpus().len()];
    for (_, note) in notes.iter() {
        let scope = catalog.scope(note.path(), note.bibliographies());
        let mut in_note = std::collections::HashSet::new();
        for item in note.syntax().citations.iter().flat_map(|citation| &citation.items) {
            let Some(article) = catalog.article_index(&item.id, &scope) else {
                continue;
            };
            let of_article = &mut uses[article as usize];
            of_article.citations += 1;
            of_article.quotations += item.quotes.len();
            if in_note.insert(article) {
                of_article.notes += 1;
            }
        }
    }
    uses
}

/// The `unused-source` hints of the articles no note of `notes` cites, by article, in the order of the corpus:
/// each at the first line of the article's text.
pub(super) fn unused_sources(catalog: &Catalog, notes: &Notes) -> Vec<(u32, Diagnostic)> {
    (uses_of_every_article(catalog, notes).iter().enumerate())
        .filter(|(_, uses)| uses.citations == 0)
        .map(|(index, _)| (index as u32, unused_source(catalog, index as u32)))
        .collect()
}

/// The `unused-source` hint of the article `article` when no note of `notes` cites it: one article's question,
/// answered without looking at the others.
pub(super) fn unused_source_of(catalog: &Catalog, notes: &Notes, article: u32) -> Option<Diagnostic> {
    (article_uses(catalog, notes, article).citations == 0).then(|| unused_source(catalog, article))
}

/// The `unused-source` hint of the article `article`, at the first line of its text.
fn unused_source(catalog: &Catalog, article: u32) -> Diagnostic {
    let source = catalog.corpus().source_at(article);
    let body = &source.text[source.body];
    let skipped = body.len() - body.trim_start().len();
    let first_line = body.trim_start().lines().next().unwrap_or("").trim_end();
    let start = usize::from(source.body.start()) + skipped;
    let id = catalog.offered_id(article);
    Diagnostic {
        range: crate::text::range(start, start + first_line.len()),
        kind: DiagnosticKind::UnusedSource,
        message: format!("no note cites `{id}`"),
        fixes: Vec::new(),
    }
}

/// The citation items of `note` that cite `article`, by its id or by a key the note's bibliographies tie to it.
fn items_citing<'a>(catalog: &'a Catalog, note: &'a Note, article: u32) -> impl Iterator<Item = &'a CiteItem> + 'a {
    let scope = catalog.scope(note.path(), note.bibliographies());
    (note.syntax().citations.iter())
        .flat_map(|citation| &citation.items)
        .filter(move |item| catalog.article_index(&item.id, &scope) == Some(article))
}

#[cfg(test)]
mod tests {
    use crate::analysis::test_support::from_fixture;
    use crate::analysis::{Note, Notes, SharedNote};
    use crate::fixture::Fixture;
    use std::sync::Arc;

    const WORKSPACE: &str = r#"
//- sources/harbour-strike.txt
Dock workers walked out on Monday, the Port Authority said. "We will not be moved," said union leader Ana Ruiz.
Ruiz said the strike would last until Friday.
//- sources/harvest.txt
Grain harvest falls for a third year.
//- notes/monday.md
Walkout [@harbour-strike, "walked out on Monday"] and [@harbour-strike, "until Friday"].
//- notes/ruiz.md
She said [@harbour-strike, "We will not be moved"]; also [@harvest].
//- notes/none.md
[@harvest, "Grain harvest falls"]
"#;

    /// The workspace's notes, the analysis and the article `harbour-strike`'s index.
    fn workspace() -> (crate::analysis::Analysis, Notes, u32, Fixture) {
        let (analysis, _, fixture) = from_fixture(&format!("{WORKSPACE}//- notes/open.md\n$0"));
        let notes = notes_of(&fixture);
        let article = analysis.corpus().source_index("harbour-strike").unwrap();
        (analysis, notes, article, fixture)
    }

    /// The notes of `fixture`, at their paths under `/w`.
    fn notes_of(fixture: &Fixture) -> Notes {
        Notes::new(fixture.files.iter().filter(|file| file.path.ends_with(".md")).map(|file| {
            let path = std::path::Path::new("/w").join(&file.path);
            let note = Note::at(path.clone(), file.text.clone());
            (path, Arc::new(note) as SharedNote)
        }))
    }

    /// The quotations of the sentence at `words` in `harbour-strike`, as `note: "quoted words"`.
    fn quoting(words: &str) -> Vec<String> {
        let (analysis, notes, article, _) = workspace();
        let source = analysis.corpus().source_at(article);
        let offset = crate::text::size(source.text.find(words).unwrap());
        (analysis.quotations_at(&notes, article, offset).into_iter())
            .map(|(path, range)| {
                let name = path.strip_prefix("/w").unwrap().display();
                format!("{name}: {:?}", &notes.get(&path).unwrap().text()[range])
            })
            .collect()
    }

    #[test]
    fn a_sentence_leads_to_every_quotation_of_it() {
        assert_eq!(quoting("Port Authority"), ["notes/monday.md: \"walked out on Monday\""]);
        assert_eq!(quoting("union leader"), ["notes/ruiz.md: \"We will not be moved\""]);
        assert_eq!(quoting("the strike"), ["notes/monday.md: \"until Friday\""]);
    }

    #[test]
    fn articles_no_note_cites_get_a_hint_at_their_first_line() {
        let (analysis, notes, _, _) = from_fixture_with_unused();
        let unused: Vec<String> = (analysis.unused_sources(&notes).into_iter())
            .map(|(article, hint)| {
                let source = analysis.corpus().source_at(article);
                format!("{}: {:?} {}", source.id, &source.text[hint.range], hint.message)
            })
            .collect();
        assert_eq!(unused, ["forgotten: \"Nobody cites this.\" no note cites `forgotten`"]);
        let forgotten = analysis.corpus().source_index("forgotten").unwrap();
        assert_eq!(analysis.unused_source(&notes, forgotten), Some(analysis.unused_sources(&notes)[0].1.clone()));
        let harbour = analysis.corpus().source_index("harbour-strike").unwrap();
        assert_eq!(analysis.unused_source(&notes, harbour), None);
    }

    /// The workspace with one more article, which no note cites (after front matter).
    fn from_fixture_with_unused() -> (crate::analysis::Analysis, Notes, u32, Fixture) {
        let (analysis, _, fixture) = from_fixture(&format!(
            "{WORKSPACE}//- sources/forgotten.txt\n---\ntitle: Forgotten\n---\n\nNobody cites this.\nAt all.\n//- notes/open.md\n$0"
        ));
        let notes = notes_of(&fixture);
        (analysis, notes, 0, fixture)
    }

    #[test]
    fn a_lens_counts_the_notes_citations_and_quotations() {
        let (analysis, notes, article, _) = workspace();
        assert_eq!(analysis.article_at(std::path::Path::new("/w/sources/harbour-strike.txt")), Some(article));
        assert_eq!(analysis.article_at(std::path::Path::new("/w/notes/harbour-strike.txt")), None);
        let uses = analysis.article_uses(&notes, article);
        assert_eq!(uses.summary(), "cited in 2 notes (3 citations) · quoted 3 times");
        let every = analysis.uses_of_every_article(&notes);
        assert_eq!(every[article as usize], uses, "one pass gives what each article's count gives");
        let harvest = analysis.corpus().source_index("harvest").unwrap();
        assert_eq!(analysis.article_uses(&notes, harvest).summary(), "cited in 2 notes (2 citations) · quoted once");
        assert_eq!(super::ArticleUses::default().summary(), "no note cites this article");
    }
}
