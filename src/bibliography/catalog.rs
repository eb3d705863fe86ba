//! What each citation id stands for: an article, a bibliography entry, or both.
//!
//! An entry's key is an id. An entry is tied to an article by its `file` field (a path to the article, or a file
//! with the article's stem, such as the PDF an article was saved from) or, failing that, by a key that is the
//! article's id; the entry then lends the article its title, authors, outlet, date and URL, and quotes of it are
//! checked against the article. An article's own id (its file stem) always cites it; completion offers it unless
//! an entry cites the article under another key. An entry without an article is cited, completed and hovered like
//! any other, but its quotes have nothing to be checked against.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::library::{Library, lexical};
use super::read::Entry;
use super::{CSL_TYPES, Reference};
use crate::corpus::{Corpus, Source};

/// The corpus and the bibliographies, and what each id cites; immutable, shared by the snapshots of an analysis.
#[derive(Debug, Default)]
pub struct Catalog {
    corpus: Arc<Corpus>,
    library: Arc<Library>,
    citables: Vec<Citable>,
    by_id: HashMap<String, u32>,
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

impl Catalog {
    /// Ties the entries of `library` to the articles of `corpus`. A key in two files cites the first file's entry;
    /// a key that is an article's id but whose entry names another article's file cites that other article.
    pub fn new(corpus: Arc<Corpus>, library: Arc<Library>) -> Catalog {
        let by_path: HashMap<&Path, u32> =
            corpus.sources().enumerate().map(|(i, source)| (source.path.as_path(), i as u32)).collect();
        let mut citables = Vec::new();
        let mut by_id: HashMap<String, u32> = HashMap::new();
        let mut lent_by: Vec<Option<(u32, u32)>> = vec![None; corpus.len()];
        let mut claimed_under_other_key = vec![false; corpus.len()];
        let mut citable_of_entry: HashMap<(u32, u32), u32> = HashMap::new();
        for (file_index, file) in library.files().iter().enumerate() {
            let folder = file.path.parent().unwrap_or(Path::new(""));
            for (entry_index, entry) in file.entries.iter().enumerate() {
                let id = &entry.reference.id;
                if by_id.contains_key(id) {
                    continue;
                }
                let article = article_of(entry, folder, &by_path, &corpus);
                let at = (file_index as u32, entry_index as u32);
                if let Some(article) = article {
                    let lender = &mut lent_by[article as usize];
                    if lender.is_none() {
                        *lender = Some(at);
                    }
                    if corpus.source_at(article).id != *id {
                        claimed_under_other_key[article as usize] = true;
                    }
                }
                by_id.insert(id.clone(), citables.len() as u32);
                citable_of_entry.insert(at, citables.len() as u32);
                citables.push(Citable { id: id.clone(), article, entry: Some(at), listed: true });
            }
        }
        let mut of_article = vec![None; corpus.len()];
        for (index, source) in corpus.sources().enumerate() {
            let claimed = claimed_under_other_key[index];
            match by_id.get(&source.id) {
                Some(&existing) if citables[existing as usize].article == Some(index as u32) => {
                    of_article[index] = Some(existing);
                }
                Some(_) => {
                    // The key names an entry of another article: the entry wins the id.
                    of_article[index] = lent_by[index].and_then(|at| citable_of_entry.get(&at).copied());
                }
                None => {
                    by_id.insert(source.id.clone(), citables.len() as u32);
                    let own = citables.len() as u32;
                    citables.push(Citable {
                        id: source.id.clone(),
                        article: Some(index as u32),
                        entry: lent_by[index],
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

    /// What `id` cites, if anything.
    pub fn cited(&self, id: &str) -> Option<Cited<'_>> {
        self.by_id.get(id).map(|&index| self.resolve(index))
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

    /// The index in the corpus of the article `id` cites, if it cites one.
    pub fn article_index(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).and_then(|&index| self.citables[index as usize].article)
    }

    /// The index of the citable with this id.
    pub fn index_of(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
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
        let files = bibliographies.iter().map(|(path, text)| (PathBuf::from(path), Ok(text.to_string()))).collect();
        Catalog::new(Arc::new(corpus), Arc::new(Library::new(files)))
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
