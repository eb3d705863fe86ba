//! What each citation id stands for: an article, a bibliography entry, or both.
//!
//! An entry's key is an id. An entry is tied to an article by its `file` field (a path to the article, or a file
//! with the article's stem, such as the PDF an article was saved from) or, failing that, by a key that is the
//! article's id; quotes cited by the key are then checked against the article. An entry without an article is
//! cited, completed and hovered like any other, but its quotes have nothing to be checked against.
//!
//! Which entries a note sees is Pandoc's rule: those of the bibliographies its front matter names (first, in the
//! order it names them), then those of the bibliographies `marginalia.toml` names. An entry of a file that another
//! note names is not this note's. An article's own id (its file stem) cites it unless a visible entry has that key;
//! an entry of a configured file that is tied to an article lends it its title, authors, outlet, date and URL, and
//! completion offers the article under the entry's key.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::library::{Library, lexical, named_file};
use super::read::Entry;
use super::{CSL_TYPES, Reference};
use crate::corpus::{Corpus, Source};

/// The corpus and the bibliographies, and what each id cites; immutable, shared by the snapshots of an analysis.
#[derive(Debug, Default)]
pub struct Catalog {
    corpus: Arc<Corpus>,
    library: Arc<Library>,
    citables: Vec<Citable>,
    /// The citables of each id, in order: entries by file (configured files first), then the article.
    by_id: HashMap<String, Vec<u32>>,
    /// For each article, the citable that completion offers for it (none when an entry took its id).
    of_article: Vec<Option<u32>>,
}

/// One id that notes may cite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citable {
    /// The id.
    pub id: String,
    /// The article it cites, by its index in the corpus.
    pub article: Option<u32>,
    /// The bibliography entry it cites or that lends the article its metadata: file and entry index.
    pub entry: Option<(u32, u32)>,
    /// The bibliography file it is an entry of (none for an article's own id).
    pub file: Option<u32>,
    /// Whether completion offers it (an article's own id is not offered when an entry cites it under another key).
    pub listed: bool,
}

/// A cited id, resolved.
#[derive(Clone, Copy, Debug)]
pub struct Cited<'a> {
    /// The id as cited.
    pub id: &'a str,
    /// The article, when there is one to check quotes against.
    pub source: Option<&'a Source>,
    /// The bibliography entry, when one cites it or lends it its metadata.
    pub entry: Option<&'a Entry>,
    /// The bibliography file of the entry.
    pub entry_file: Option<&'a Path>,
}

/// The bibliographies one note names in its front matter, by their index in the library, in its order.
pub type Scope = Vec<u32>;

impl Catalog {
    /// Ties the entries of `library` to the articles of `corpus`.
    pub fn new(corpus: Arc<Corpus>, library: Arc<Library>) -> Catalog {
        let by_path: HashMap<&Path, u32> =
            corpus.sources().enumerate().map(|(i, source)| (source.path.as_path(), i as u32)).collect();
        let mut citables = Vec::new();
        let mut by_id: HashMap<String, Vec<u32>> = HashMap::new();
        let mut lent_by: Vec<Option<(u32, u32)>> = vec![None; corpus.len()];
        let mut claimed_under_other_key = vec![false; corpus.len()];
        let mut citable_of_entry: HashMap<(u32, u32), u32> = HashMap::new();
        // Configured files first: among the entries a note sees, theirs come after the note's own.
        let mut files: Vec<usize> = (0..library.files().len()).collect();
        files.sort_by_key(|&file| !library.files()[file].configured);
        for file_index in files {
            let file = &library.files()[file_index];
            let folder = file.path.parent().unwrap_or(Path::new(""));
            for (entry_index, entry) in file.entries.iter().enumerate() {
                let id = &entry.reference.id;
                let article = article_of(entry, folder, &by_path, &corpus);
                let at = (file_index as u32, entry_index as u32);
                if let (Some(article), true) = (article, file.configured) {
                    let lender = &mut lent_by[article as usize];
                    if lender.is_none() {
                        *lender = Some(at);
                    }
                    if corpus.source_at(article).id != *id {
                        claimed_under_other_key[article as usize] = true;
                    }
                }
                let index = citables.len() as u32;
                by_id.entry(id.clone()).or_default().push(index);
                citable_of_entry.insert(at, index);
                citables.push(Citable {
                    id: id.clone(),
                    article,
                    entry: Some(at),
                    file: Some(file_index as u32),
                    listed: true,
                });
            }
        }
        let mut of_article = vec![None; corpus.len()];
        for (index, source) in corpus.sources().enumerate() {
            let claimed = claimed_under_other_key[index];
            let configured = (by_id.get(&source.id).into_iter().flatten().copied())
                .find(|&c| citables[c as usize].file.is_some_and(|f| library.files()[f as usize].configured));
            match configured {
                Some(existing) if citables[existing as usize].article == Some(index as u32) => {
                    of_article[index] = Some(existing);
                }
                Some(_) => {
                    // A configured entry with the article's id names another article: the entry has the id.
                    of_article[index] = lent_by[index].and_then(|at| citable_of_entry.get(&at).copied());
                }
                None => {
                    let own = citables.len() as u32;
                    by_id.entry(source.id.clone()).or_default().push(own);
                    citables.push(Citable {
                        id: source.id.clone(),
                        article: Some(index as u32),
                        entry: lent_by[index],
                        file: None,
                        listed: !claimed,
                    });
                    of_article[index] = match claimed {
                        true => lent_by[index].and_then(|at| citable_of_entry.get(&at).copied()).or(Some(own)),
                        false => Some(own),
                    };
                }
            }
        }
        Catalog { corpus, library, citables, by_id, of_article }
    }

    /// The bibliographies a note at `path` names (`written`, from its front matter), as a scope.
    pub fn scope(&self, path: Option<&Path>, written: &[String]) -> Scope {
        let Some(path) = path else {
            return Vec::new();
        };
        written
            .iter()
            .filter_map(|name| named_file(&self.library, path, name))
            .filter_map(|file| self.library.files().iter().position(|f| std::ptr::eq(f, file)))
            .map(|index| index as u32)
            .collect()
    }

    /// What `id` cites in a note that names the bibliographies of `scope`: an entry of those (in their order), else
    /// of a configured bibliography, else the article with that id.
    pub fn cited_in(&self, id: &str, scope: &[u32]) -> Option<Cited<'_>> {
        self.index_in(id, scope).map(|index| self.resolve(index))
    }

    /// The index of the citable `id` cites in a note of `scope` (see [`Catalog::cited_in`]).
    pub fn index_in(&self, id: &str, scope: &[u32]) -> Option<u32> {
        let candidates = self.by_id.get(id)?;
        let file_of = |c: u32| self.citables[c as usize].file;
        (scope.iter())
            .find_map(|&file| candidates.iter().copied().find(|&c| file_of(c) == Some(file)))
            .or_else(|| candidates.iter().copied().find(|&c| file_of(c).is_none_or(|f| self.is_configured(f))))
    }

    /// Whether the citable at `index` is what its id cites in a note of `scope`: what completion may offer there.
    pub fn is_visible(&self, index: u32, scope: &[u32]) -> bool {
        self.index_in(&self.citables[index as usize].id, scope) == Some(index)
    }

    /// The id to write for the article at `index` in a fix or a message: the key of the configured entry that cites
    /// it, else its own id.
    pub fn offered_id(&self, index: u32) -> &str {
        match self.of_article[index as usize] {
            Some(citable) => &self.citables[citable as usize].id,
            None => &self.corpus.source_at(index).id,
        }
    }

    /// [`Catalog::offered_id`] of an article of the corpus.
    pub fn offered_id_of<'a>(&'a self, source: &'a Source) -> &'a str {
        self.corpus.source_index(&source.id).map_or(&source.id, |index| self.offered_id(index))
    }

    /// Whether any note could cite `id`: an article's id or a key of any bibliography.
    pub fn exists(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// The bibliography files that have an entry `id` but that a note of `scope` does not see.
    pub fn unseen_files(&self, id: &str, scope: &[u32]) -> Vec<&Path> {
        let candidates = self.by_id.get(id).map_or(&[][..], Vec::as_slice);
        (candidates.iter())
            .filter_map(|&c| self.citables[c as usize].file)
            .filter(|&f| !self.is_configured(f) && !scope.contains(&f))
            .map(|f| self.library.files()[f as usize].path.as_path())
            .collect()
    }

    fn is_configured(&self, file: u32) -> bool {
        self.library.files()[file as usize].configured
    }

    /// The corpus.
    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    /// The corpus, shared.
    pub fn shared_corpus(&self) -> Arc<Corpus> {
        self.corpus.clone()
    }

    /// The bibliographies.
    pub fn library(&self) -> &Library {
        &self.library
    }

    /// The bibliographies, shared.
    pub fn shared_library(&self) -> Arc<Library> {
        self.library.clone()
    }

    /// What `id` cites as a reader looking at it from nowhere in particular sees it (a hover of a completion item,
    /// a jump target): what a note naming no bibliography sees, else the first entry of any file. Checks use
    /// [`Catalog::cited_in`].
    pub fn cited(&self, id: &str) -> Option<Cited<'_>> {
        let index = self.index_in(id, &[]).or_else(|| self.by_id.get(id)?.first().copied())?;
        Some(self.resolve(index))
    }

    /// The citable at `index` (of [`Catalog::citables`]), resolved.
    pub fn resolve(&self, index: u32) -> Cited<'_> {
        let citable = &self.citables[index as usize];
        let entry = citable.entry.map(|(file, entry)| {
            let file = &self.library.files()[file as usize];
            (&file.entries[entry as usize], file.path.as_path())
        });
        Cited {
            id: &citable.id,
            source: citable.article.map(|article| self.corpus.source_at(article)),
            entry: entry.map(|(entry, _)| entry),
            entry_file: entry.map(|(_, path)| path),
        }
    }

    /// The index in the corpus of the article `id` cites in a note of `scope`, if it cites one.
    pub fn article_index(&self, id: &str, scope: &[u32]) -> Option<u32> {
        self.index_in(id, scope).and_then(|index| self.citables[index as usize].article)
    }

    /// Every id that may be cited: the entries' keys, in the order of their files, then the articles' ids.
    pub fn citables(&self) -> &[Citable] {
        &self.citables
    }

    /// The citable that completion offers for the article at `index`.
    pub fn citable_of_article(&self, index: u32) -> Option<u32> {
        self.of_article[index as usize]
    }
}

/// The article an entry is tied to: a file of its `file` field that is an article, else one with an article's
/// stem, else the article whose id is its key.
fn article_of(entry: &Entry, folder: &Path, by_path: &HashMap<&Path, u32>, corpus: &Corpus) -> Option<u32> {
    let paths: Vec<PathBuf> = entry.files.iter().map(|file| lexical(&folder.join(file))).collect();
    let by_file = paths.iter().find_map(|path| by_path.get(path.as_path()).copied());
    let by_stem =
        || paths.iter().find_map(|path| path.file_stem().and_then(|stem| corpus.source_index(&stem.to_string_lossy())));
    by_file.or_else(by_stem).or_else(|| corpus.source_index(&entry.reference.id))
}

impl Cited<'_> {
    /// The reference as a reader sees it: the entry's, completed by what the article says of itself; the article's
    /// alone when no entry cites it.
    pub fn reference(&self) -> Reference {
        let mut reference = match (self.source, self.entry) {
            (Some(source), Some(entry)) => Reference::of_source(source).lent(&entry.reference),
            (Some(source), None) => Reference::of_source(source),
            (None, Some(entry)) => entry.reference.clone(),
            (None, None) => unreachable!("a citable cites an article or an entry"),
        };
        reference.id = self.id.to_string();
        reference
    }
}

impl Reference {
    /// This reference with what `entry` says put first: its type, title, authors, outlet, publisher, dates and URL
    /// wherever it has them.
    pub fn lent(mut self, entry: &Reference) -> Reference {
        if CSL_TYPES.contains(&entry.kind.as_str()) && entry.kind != "document" {
            self.kind = entry.kind.clone();
        }
        self.title = entry.title.clone().or(self.title);
        if !entry.authors.is_empty() {
            self.authors = entry.authors.clone();
        }
        self.container = entry.container.clone().or(self.container);
        self.publisher = entry.publisher.clone().or(self.publisher);
        self.issued = entry.issued.or(self.issued);
        self.url = entry.url.clone().or(self.url);
        self.accessed = entry.accessed.or(self.accessed);
        self.language = entry.language.clone().or(self.language);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{EntityOverrides, Source};

    fn catalog(articles: &[(&str, &str)], bibliographies: &[(&str, &str)]) -> Catalog {
        let sources = articles
            .iter()
            .map(|(path, text)| {
                let id = Path::new(path).file_stem().unwrap().to_string_lossy().to_string();
                Source::new(id, PathBuf::from(path), text.to_string())
            })
            .collect();
        let (corpus, _) = Corpus::new(sources, EntityOverrides::default());
        let files: Vec<_> =
            bibliographies.iter().map(|(path, text)| (PathBuf::from(path), Ok(text.to_string()))).collect();
        let configured: Vec<PathBuf> = files.iter().map(|(path, _)| path.clone()).collect();
        Catalog::new(Arc::new(corpus), Arc::new(Library::new(files).with_configured(&configured)))
    }

    #[test]
    fn an_entry_is_tied_to_its_article_by_file_stem_or_key() {
        let catalog = catalog(
            &[("/w/sources/harbour.txt", "Dockers stopped work.\n"), ("/w/sources/doe2024.txt", "Rain fell.\n")],
            &[(
                "/w/refs/library.bib",
                "@article{lind2024, title={Harbour strike}, author={Lind, Tomas}, file={../sources/harbour.txt}}\n\
                 @online{doe2024, title={Rain}, date={2024-05-01}}\n\
                 @online{zotero, title={Saved page}, file={Snapshot:files/9/harbour.html:text/html}}\n\
                 @book{paper, title={Only on paper}}\n",
            )],
        );
        let lind = catalog.cited("lind2024").unwrap();
        assert_eq!(lind.source.unwrap().id, "harbour", "by the file field");
        assert_eq!(lind.reference().title.as_deref(), Some("Harbour strike"));
        assert_eq!(catalog.cited("harbour").unwrap().reference().authors[0].display(), "Tomas Lind", "lent");
        assert_eq!(catalog.cited("zotero").unwrap().source.unwrap().id, "harbour", "by the file's stem");
        let doe = catalog.cited("doe2024").unwrap();
        assert_eq!(doe.source.unwrap().id, "doe2024", "by the key");
        assert_eq!(doe.reference().issued.map(|d| d.iso()).as_deref(), Some("2024-05-01"));
        let paper = catalog.cited("paper").unwrap();
        assert!(paper.source.is_none() && paper.entry.is_some());
        assert_eq!(paper.reference().kind, "book");

        let listed: Vec<&str> = catalog.citables().iter().filter(|c| c.listed).map(|c| c.id.as_str()).collect();
        assert_eq!(listed, ["lind2024", "doe2024", "zotero", "paper"], "harbour is offered as lind2024");
        let harbour = catalog.corpus().source_index("harbour").unwrap();
        assert_eq!(catalog.citables()[catalog.citable_of_article(harbour).unwrap() as usize].id, "lind2024");
    }

    #[test]
    fn the_first_file_wins_a_key() {
        let catalog = catalog(
            &[],
            &[("/w/a.json", r#"[{"id": "k", "title": "First"}]"#), ("/w/b.yaml", "- id: k\n  title: Second\n")],
        );
        assert_eq!(catalog.cited("k").unwrap().reference().title.as_deref(), Some("First"));
        assert_eq!(catalog.cited("k").unwrap().entry_file, Some(Path::new("/w/a.json")));
    }
}
