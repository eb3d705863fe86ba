//! The index of the source articles: sources by id, their sentences, and the entities named in them.
//!
//! The corpus takes texts, not paths: reading files is `load`'s job. It is immutable; a change builds a new
//! corpus that shares every unchanged article (`Arc<Source>`), so a snapshot stays valid while the next is built.

pub mod blocks;
pub mod entities;
mod origin;
mod pages;
pub mod passages;
pub mod quotes;
mod scraped;
mod sentences;
mod source;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::text::TextRange;

pub use entities::{
    ConfiguredEntity, Entity, EntityIndex, EntityKind, EntityOccurrence, EntityOverrides, key as entity_key,
};
pub use origin::OffsetMap;
pub use pages::Pages;
pub use source::{Described, Source, SourceFormat, SourceMeta, collapse_whitespace, shorten};

/// All source articles of a workspace, indexed.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Corpus {
    sources: Vec<Arc<Source>>,
    /// By id; a hash with no random seed, so that a saved corpus is the same bytes every time.
    by_id: HashMap<String, usize>,
    entities: EntityIndex,
    overrides: EntityOverrides,
    word_stats: entities::WordStats,
    /// The articles of ordinary size by the words they share; large articles are searched by their own blocks.
    passages: Arc<passages::PassageIndex>,
    /// The large articles (see `blocks`), which the passage index leaves out; made again when texts are read back.
    #[serde(skip)]
    large: Vec<u32>,
    /// What completing the corpus still needs: `None` once its entities and passage index are built (and in a
    /// saved corpus, which is saved only complete).
    #[serde(skip)]
    pending: Option<Pending>,
}

/// The word statistics of a corpus of articles not yet completed, as far as they are counted.
#[derive(Debug, Default)]
struct Pending {
    /// The counts of the articles marked in `counted`.
    stats: entities::WordStats,
    /// By article: whether its words are in `stats` (those of a corpus it was changed from are).
    counted: Vec<bool>,
    /// The passage index of the corpus this one was changed from, when it is cheaper to update than to build anew.
    passages_from: Option<PassageBase>,
}

/// A passage index to update rather than build again (see [`passages::PassageIndex::updated`]).
#[derive(Debug)]
struct PassageBase {
    index: Arc<passages::PassageIndex>,
    /// By article: its number in the corpus `index` was built for; `None` for an article new or changed since.
    previous: Vec<Option<u32>>,
}

/// An article of a corpus being assembled: whether its words are counted already, and its number in the corpus
/// whose passage index is updated, if it was there unchanged.
type Assembled = (Arc<Source>, bool, Option<u32>);

/// The encoding of a saved corpus: `bincode`'s, with fixed-size integers.
pub fn saved_format() -> impl bincode::Options + Copy {
    use bincode::Options;
    bincode::DefaultOptions::new().with_fixint_encoding().allow_trailing_bytes()
}

/// A corpus read back by [`Corpus::read_saved`], waiting for its articles' texts.
#[derive(Debug)]
pub struct SavedCorpus(Corpus);

impl SavedCorpus {
    /// The articles' paths, in the order [`SavedCorpus::with_texts`] takes their texts.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.0.sources.iter().map(|source| source.path.as_path())
    }

    /// The corpus, given its articles' texts in the order of [`SavedCorpus::paths`]: the texts it was indexed
    /// from, which the caller has made sure of. `None` when there are not as many texts as articles, or a text is
    /// too short for what was indexed in it.
    pub fn with_texts(self, texts: Vec<String>) -> Option<Corpus> {
        let mut corpus = self.0;
        if texts.len() != corpus.sources.len() {
            return None;
        }
        for (source, text) in corpus.sources.iter_mut().zip(texts) {
            let source = Arc::get_mut(source)?;
            if text.len() < usize::from(source.body.end()) {
                return None;
            }
            source.set_text(text);
        }
        corpus.large = large_articles(&corpus.sources);
        Some(corpus)
    }

    /// The corpus of a workspace some of whose articles changed since it was saved: the saved articles whose
    /// `texts` are given (in the order of [`SavedCorpus::paths`]; `None` for an article changed or gone) are kept
    /// as they were indexed, and the articles `read` again join them, not completed ([`Corpus::completed`]): only
    /// `read` are extracted then; the word statistics are counted again over the kept texts (the saved totals
    /// include the old texts of the changed articles, which are gone), the entity clustering, which is corpus-wide,
    /// is built again, and the saved passage index is updated with the articles `read` when they are few
    /// ([`passages::PassageIndex::updated`]): the result has the articles, entities and word statistics a first
    /// start would make, and its passage index names every article that holds a quote, though it may rank them
    /// otherwise (its scores come from other shingles).
    /// `None` when `texts` does not fit.
    pub fn updated(self, texts: Vec<Option<String>>, read: Vec<Source>) -> Option<(Corpus, Vec<CorpusProblem>)> {
        let corpus = self.0;
        if texts.len() != corpus.sources.len() {
            return None;
        }
        let mut kept = Vec::with_capacity(corpus.sources.len() + read.len());
        for (number, (mut source, text)) in corpus.sources.into_iter().zip(texts).enumerate() {
            let Some(text) = text else { continue };
            let article = Arc::get_mut(&mut source)?;
            if text.len() < usize::from(article.body.end()) {
                return None;
            }
            article.set_text(text);
            kept.push((source, false, Some(number as u32)));
        }
        kept.extend(read.into_iter().map(|source| (Arc::new(source), false, None)));
        Some(Corpus::assemble(kept, entities::WordStats::default(), corpus.overrides, Some(corpus.passages)))
    }
}

/// A problem with the set of articles as a whole.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CorpusProblem {
    /// Two articles have the same file stem; the first (by path) is kept.
    DuplicateId {
        /// The shared id.
        id: String,
        /// The article that is used.
        kept: PathBuf,
        /// The article that is ignored.
        ignored: PathBuf,
    },
}

impl std::fmt::Display for CorpusProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CorpusProblem::DuplicateId { id, kept, ignored } => write!(
                f,
                "duplicate source id `{id}`: {} and {} have the same name; using the first",
                kept.display(),
                ignored.display()
            ),
        }
    }
}

impl Corpus {
    /// Indexes `sources` completely; an id seen twice keeps the article with the smaller path.
    pub fn new(sources: Vec<Source>, overrides: EntityOverrides) -> (Corpus, Vec<CorpusProblem>) {
        let (corpus, problems) = Corpus::of_articles(sources, overrides);
        (corpus.completed().unwrap_or(corpus), problems)
    }

    /// The corpus of `sources` as far as citations and quotes need it: ids, titles, sentences, the blocks of large
    /// articles. Its entities and its passage index (which article holds a quote) are empty until
    /// [`Corpus::completed`] builds them, which takes longer: a server shows the first while it builds the second.
    pub fn of_articles(sources: Vec<Source>, overrides: EntityOverrides) -> (Corpus, Vec<CorpusProblem>) {
        let sources = sources.into_iter().map(|source| (Arc::new(source), false, None)).collect();
        Corpus::assemble(sources, entities::WordStats::default(), overrides, None)
    }

    /// Whether the entities and the passage index are built (see [`Corpus::of_articles`]).
    pub fn is_complete(&self) -> bool {
        self.pending.is_none()
    }

    /// The corpus with its entities and passage index, sharing its articles; `None` when it is complete already.
    /// The entity candidates of the articles that have none are found, the words of the articles not yet counted
    /// are counted, and the passage index is built beside them.
    pub fn completed(&self) -> Option<Corpus> {
        use rayon::prelude::*;
        let pending = self.pending.as_ref()?;
        let (entities, passages) = rayon::join(
            || {
                let counted = (self.sources.par_iter().enumerate())
                    .filter(|&(index, _)| !pending.counted.get(index).copied().unwrap_or(false))
                    .map(|(_, source)| match source.candidates() {
                        (_, Some(counts)) => counts,
                        // Found by a completion of the same articles that did not finish: counted again.
                        (_, None) => entities::WordStats::of_article(&source.text, &source.sentences),
                    })
                    .reduce(entities::WordStats::default, entities::WordStats::merge);
                let word_stats = pending.stats.clone().merge(counted);
                (entities::build_index(&self.sources, &word_stats, &self.overrides), word_stats)
            },
            || match &pending.passages_from {
                Some(base) => base.index.updated(&self.sources, &base.previous),
                None => passages::PassageIndex::build(&self.sources),
            },
        );
        let (entities, word_stats) = entities;
        Some(Corpus {
            sources: self.sources.clone(),
            by_id: self.by_id.clone(),
            entities,
            overrides: self.overrides.clone(),
            word_stats,
            passages: Arc::new(passages),
            large: self.large.clone(),
            pending: None,
        })
    }

    /// The corpus of `sources` (each with whether its words are counted in `stats`, and its number in the corpus
    /// of the passage index `passages_from`), not completed.
    fn assemble(
        mut sources: Vec<Assembled>,
        mut stats: entities::WordStats,
        overrides: EntityOverrides,
        passages_from: Option<Arc<passages::PassageIndex>>,
    ) -> (Corpus, Vec<CorpusProblem>) {
        sources.sort_by(|a, b| a.0.path.cmp(&b.0.path));
        let mut problems = Vec::new();
        let mut by_id = HashMap::with_capacity_and_hasher(sources.len(), Default::default());
        let mut kept: Vec<Arc<Source>> = Vec::with_capacity(sources.len());
        let mut counted = Vec::with_capacity(sources.len());
        let mut previous = Vec::with_capacity(sources.len());
        for (source, is_counted, number) in sources {
            if let Some(&existing) = by_id.get(&source.id) {
                let existing: &Arc<Source> = &kept[existing];
                problems.push(CorpusProblem::DuplicateId {
                    id: source.id.clone(),
                    kept: existing.path.clone(),
                    ignored: source.path.clone(),
                });
                if is_counted {
                    stats.subtract(&source.text, &source.sentences);
                }
                continue;
            }
            by_id.insert(source.id.clone(), kept.len());
            kept.push(source);
            counted.push(is_counted);
            previous.push(number);
        }
        let large = large_articles(&kept);
        let passages_from =
            passages_from.filter(|_| cheaper_to_update(&previous)).map(|index| PassageBase { index, previous });
        let corpus = Corpus {
            sources: kept,
            by_id,
            entities: EntityIndex::default(),
            overrides,
            word_stats: entities::WordStats::default(),
            passages: Arc::default(),
            large,
            pending: Some(Pending { stats, counted, passages_from }),
        };
        (corpus, problems)
    }

    /// A new corpus with `changed` articles added or replaced (by path) and the articles at `removed` dropped,
    /// completed. Unchanged articles are shared, not re-read or re-extracted.
    pub fn with_changes(&self, changed: Vec<Source>, removed: &[PathBuf]) -> (Corpus, Vec<CorpusProblem>) {
        // A set: a checkout can change thousands of articles, each compared with every article of the corpus.
        let replaced: HashSet<&Path> =
            changed.iter().map(|s| s.path.as_path()).chain(removed.iter().map(PathBuf::as_path)).collect();
        let (mut stats, counted, passages_from) = match &self.pending {
            None => (self.word_stats.clone(), None, Some((self.passages.clone(), None))),
            Some(pending) => (
                pending.stats.clone(),
                Some(&pending.counted),
                pending.passages_from.as_ref().map(|base| (base.index.clone(), Some(&base.previous))),
            ),
        };
        let is_counted = |index: usize| counted.is_none_or(|counted| counted.get(index).copied().unwrap_or(false));
        // An unchanged article's number in the corpus of the passage index to update: its own number in this
        // corpus, or, when this one is not complete, the number its own update knows it by.
        let number = |index: usize| match &passages_from {
            Some((_, None)) => Some(index as u32),
            Some((_, Some(previous))) => previous.get(index).copied().flatten(),
            None => None,
        };
        let mut sources = Vec::with_capacity(self.sources.len() + changed.len());
        for (index, source) in self.sources.iter().enumerate() {
            if replaced.contains(source.path.as_path()) {
                if is_counted(index) {
                    stats.subtract(&source.text, &source.sentences);
                }
            } else {
                sources.push((source.clone(), is_counted(index), number(index)));
            }
        }
        sources.extend(changed.into_iter().map(|source| (Arc::new(source), false, None)));
        let passages_from = passages_from.map(|(index, _)| index);
        let (corpus, problems) = Corpus::assemble(sources, stats, self.overrides.clone(), passages_from);
        (corpus.completed().unwrap_or(corpus), problems)
    }

    /// Writes everything indexing computed, without the articles' texts (they stay in their files), for
    /// [`Corpus::read_saved`] to read back instead of indexing again.
    pub fn save(&self, writer: impl std::io::Write) -> Result<(), bincode::Error> {
        use bincode::Options;
        if !self.is_complete() {
            return Err(Box::new(bincode::ErrorKind::Custom("the corpus is not complete yet".to_string())));
        }
        saved_format().serialize_into(writer, self)
    }

    /// Reads back what [`Corpus::save`] wrote; the articles' texts come after, with [`SavedCorpus::with_texts`].
    /// Damaged bytes are an error, never a larger allocation than the bytes themselves.
    pub fn read_saved(bytes: &[u8]) -> Result<SavedCorpus, bincode::Error> {
        Corpus::read_saved_from(bytes, bytes.len() as u64)
    }

    /// [`Corpus::read_saved`] from a reader of at most `limit` bytes, so that the saved bytes need not be in
    /// memory at once.
    pub fn read_saved_from(reader: impl std::io::Read, limit: u64) -> Result<SavedCorpus, bincode::Error> {
        use bincode::Options;
        saved_format().with_limit(limit).deserialize_from(reader).map(SavedCorpus)
    }

    /// The word statistics, by word hash: for tests that compare two corpora.
    #[cfg(test)]
    pub(crate) fn word_counts(&self) -> Vec<(u64, u32, u32)> {
        self.word_stats.sorted()
    }

    /// The article with this id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.by_id.get(id).map(|&i| &*self.sources[i])
    }

    /// The index of the article with this id, as entity mentions refer to it.
    pub fn source_index(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).map(|&i| i as u32)
    }

    /// The article at `index` (as used in entity mentions).
    pub fn source_at(&self, index: u32) -> &Source {
        &self.sources[index as usize]
    }

    /// Every article, by path.
    pub fn sources(&self) -> impl Iterator<Item = &Source> {
        self.sources.iter().map(|s| &**s)
    }

    /// The number of articles.
    pub fn len(&self) -> usize {
        self.sources.len()
    }

    /// Whether there are no articles.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// The entities named in the articles.
    pub fn entities(&self) -> &EntityIndex {
        &self.entities
    }

    /// The articles that contain `quote` exactly, with every place in each, the most likely first.
    ///
    /// Quotes of five words or more are always found; shorter ones are found when they share an indexed
    /// shingle (see `passages`).
    pub fn find_quote(&self, quote: &str, limit: usize) -> Vec<(&Source, Vec<TextRange>)> {
        /// Candidates folded and verified in full, at most.
        const MAX_VERIFIED: usize = 64;
        /// Candidates searched for the quote's words, at most. The article a quote comes from shares every one of
        /// its shingles and so has the highest score; only articles that share them all can tie with it, and
        /// those contain the words too. Without a bound, a quote made of stock phrases would have every article
        /// of a large corpus searched.
        const MAX_PROBED: usize = 512;
        let Some(pattern) = quotes::QuotePattern::new(quote) else {
            return Vec::new();
        };
        // Stock phrases make many articles share a quote's indexed shingles. Plain substring searches for the
        // quote's most distinctive ASCII words (which folding never changes), names first, rule most of them out
        // before the full check.
        let mut words: Vec<&str> = pattern
            .folded
            .split(|c: char| !c.is_ascii_alphanumeric())
            .skip(1)
            .filter(|word| word.len() >= 4 || (word.len() >= 2 && word.chars().all(|c| c.is_ascii_uppercase())))
            .collect();
        words.sort_by_key(|word| (!word.starts_with(|c: char| c.is_ascii_uppercase()), std::cmp::Reverse(word.len())));
        words.dedup();
        let probes: Vec<memchr::memmem::Finder> =
            words.iter().take(6).map(|word| memchr::memmem::Finder::new(word.as_bytes())).collect();
        let mut found = Vec::new();
        let mut verified = 0;
        for (index, _) in self.candidates(&pattern.folded).into_iter().take(MAX_PROBED) {
            let source = self.source_at(index);
            if probes.iter().any(|probe| probe.find(source.text.as_bytes()).is_none()) {
                continue;
            }
            verified += 1;
            // A search too complex to finish is no answer to "which article said this?".
            let places = source.find(&pattern, usize::MAX).unwrap_or_default();
            if !places.is_empty() {
                found.push((source, places));
            }
            if found.len() >= limit || verified >= MAX_VERIFIED {
                break;
            }
        }
        found
    }

    /// The passages of the corpus closest to `quote`, best first: one per article, among the articles that share
    /// the most words with it.
    pub fn closest_passages(&self, quote: &str, limit: usize) -> Vec<(&Source, quotes::NearMiss)> {
        /// Articles compared in full, at most.
        const MAX_COMPARED: usize = 16;
        let Some(pattern) = quotes::QuotePattern::new(quote) else {
            return Vec::new();
        };
        let mut found: Vec<(&Source, quotes::NearMiss)> = self
            .candidates(&pattern.folded)
            .into_iter()
            .take(MAX_COMPARED)
            .filter_map(|(index, _)| {
                let source = self.source_at(index);
                source.closest_passages(&pattern.folded, 1).into_iter().next().map(|miss| (source, miss))
            })
            .collect();
        found.sort_by(|a, b| b.1.similarity.total_cmp(&a.1.similarity));
        found.truncate(limit);
        found
    }

    /// Articles that may contain `folded` words, most likely first; in a small corpus, every article.
    fn candidates(&self, folded: &str) -> Vec<(u32, f32)> {
        /// Below this many articles, reading them all is cheaper than missing one.
        const SMALL_CORPUS: usize = 64;
        let mut candidates = self.passages.candidates(folded);
        // Large articles are not in the passage index; their blocks tell, as precisely, whether they may hold it.
        let tokens = blocks::Tokens::of(folded);
        for &index in &self.large {
            if !self.source_at(index).windows(&tokens, 2 * folded.len() + 1024).is_empty() {
                candidates.insert(0, (index, f32::INFINITY));
            }
        }
        if self.sources.len() <= SMALL_CORPUS {
            for index in 0..self.sources.len() as u32 {
                if !candidates.iter().any(|&(i, _)| i == index) {
                    candidates.push((index, 0.0));
                }
            }
        }
        candidates
    }

    /// The memory taken by the passage index, in bytes.
    pub fn passage_index_bytes(&self) -> usize {
        self.passages.bytes()
    }

    /// The total size of the article texts in bytes.
    pub fn text_bytes(&self) -> usize {
        self.sources.iter().map(|s| s.text.len()).sum()
    }
}

/// Whether a passage index is updated rather than built anew for a corpus whose articles had these numbers in the
/// old one (`None`: new or changed): when few are new. Updating costs a pass over the old entries and, for each new
/// article, a lookup of every shingle in them; building costs two passes over every article.
fn cheaper_to_update(previous: &[Option<u32>]) -> bool {
    let new = previous.iter().filter(|number| number.is_none()).count();
    new * 4 <= previous.len()
}

/// The indexes of the articles that are large enough to have blocks.
fn large_articles(sources: &[Arc<Source>]) -> Vec<u32> {
    (sources.iter().enumerate()).filter(|(_, source)| source.is_large()).map(|(index, _)| index as u32).collect()
}

/// Entity extraction on its own: each `(id, text)` read as [`Corpus::new`] reads an article (front matter,
/// sentences), then the entities clustered, without the quote indexes. Used to measure extraction.
pub fn extract_entities(articles: Vec<(String, String)>, overrides: &EntityOverrides) -> EntityIndex {
    use rayon::prelude::*;
    let sources: Vec<Arc<Source>> = (articles.into_par_iter())
        .map(|(id, text)| Arc::new(Source::new(id.clone(), PathBuf::from(id), text)))
        .collect();
    let word_stats = (sources.par_iter())
        .map(|source| source.candidates().1.unwrap_or_default())
        .reduce(entities::WordStats::default, entities::WordStats::merge);
    entities::build_index(&sources, &word_stats, overrides)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(path: &str, text: &str) -> Source {
        let id = Path::new(path).file_stem().unwrap().to_string_lossy().into_owned();
        Source::new(id, path.into(), text.into())
    }

    #[test]
    fn a_duplicate_id_keeps_the_first_path_and_names_both() {
        let (corpus, problems) = Corpus::new(
            vec![source("b/strike.md", "Second."), source("a/strike.txt", "First.")],
            EntityOverrides::default(),
        );
        assert_eq!(corpus.len(), 1);
        assert_eq!(corpus.source("strike").unwrap().text, "First.");
        assert_eq!(
            problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
            vec!["duplicate source id `strike`: a/strike.txt and b/strike.md have the same name; using the first"]
        );
    }

    #[test]
    fn changes_replace_add_and_remove_articles_and_keep_the_rest() {
        let (corpus, _) = Corpus::new(
            vec![source("s/a.txt", "Ana Ruiz spoke."), source("s/b.txt", "Tomas Vidal spoke.")],
            EntityOverrides::default(),
        );
        let (changed, _) = corpus.with_changes(
            vec![source("s/a.txt", "Leila Haddad spoke."), source("s/c.txt", "Jonas Penn spoke.")],
            &[PathBuf::from("s/b.txt")],
        );
        let ids: Vec<&str> = changed.sources().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, vec!["a", "c"]);
        assert!(changed.entities().get("Leila Haddad").is_some());
        assert!(changed.entities().get("Ana Ruiz").is_none());
        assert!(changed.entities().get("Tomas Vidal").is_none());
        assert!(changed.source("b").is_none());
    }

    /// Everything a corpus holds, as text: its articles, entities, word statistics and a reverse lookup.
    fn described(corpus: &Corpus) -> String {
        let sources: Vec<(&str, &str, &[TextRange])> =
            corpus.sources().map(|s| (&*s.id, &*s.title, &*s.sentences)).collect();
        let entities: Vec<_> = corpus.entities().iter().collect();
        let found: Vec<&str> =
            corpus.find_quote("met the Harbour Board on day 3", 3).iter().map(|(s, _)| &*s.id).collect();
        format!("{sources:?}\n{entities:#?}\n{:?}\n{found:?}", corpus.word_counts())
    }

    fn harbour(n: usize) -> Source {
        let text = format!("Port {n}\nAna Ruiz met the Harbour Board on day {n}. Unions Said No to the Board.\n");
        source(&format!("s/port-{n}.txt"), &text)
    }

    #[test]
    fn articles_come_first_and_the_completed_corpus_is_the_whole_one() {
        let ports = || (0..80).map(harbour).collect::<Vec<_>>();
        let (first, problems) = Corpus::of_articles(ports(), EntityOverrides::default());
        assert!(problems.is_empty() && !first.is_complete());
        let port = first.source("port-3").expect("ids are there");
        assert_eq!((&port.title, &port.sentences), (&harbour(3).title, &harbour(3).sentences));
        assert!(first.entities().is_empty(), "names come with the completed corpus");
        assert!(first.find_quote("met the Harbour Board on day 3", 3).is_empty(), "so does the passage index");

        let completed = first.completed().expect("not complete yet");
        assert!(completed.is_complete() && completed.completed().is_none());
        let (whole, _) = Corpus::new(ports(), EntityOverrides::default());
        assert_eq!(described(&completed), described(&whole));
        assert!(completed.entities().get("Ana Ruiz").is_some());
        assert!(first.save(&mut Vec::new()).is_err(), "only a complete corpus is saved");

        // Completing the same articles twice (a completion that was dropped) counts every word once.
        assert_eq!(described(&first.completed().unwrap()), described(&whole));
    }

    #[test]
    fn changes_to_a_corpus_not_yet_completed_give_the_corpus_of_the_new_articles() {
        let (first, _) = Corpus::of_articles((0..6).map(harbour).collect(), EntityOverrides::default());
        let changed = vec![source("s/port-1.txt", "Port 1\nthe harbour board met ana ruiz.\n"), harbour(9)];
        let (after, _) = first.with_changes(changed, &[PathBuf::from("s/port-2.txt")]);
        let mut expected: Vec<Source> = [0, 3, 4, 5, 9].into_iter().map(harbour).collect();
        expected.push(source("s/port-1.txt", "Port 1\nthe harbour board met ana ruiz.\n"));
        let (whole, _) = Corpus::new(expected, EntityOverrides::default());
        assert!(after.is_complete());
        assert_eq!(described(&after), described(&whole));
        // And from the completed corpus, whose words are all counted.
        let (after, _) = whole.with_changes(vec![harbour(2)], &[PathBuf::from("s/port-9.txt")]);
        let expected = [0, 1, 2, 3, 4, 5].into_iter().map(harbour).collect::<Vec<_>>();
        let mut expected: Vec<Source> = expected.into_iter().filter(|s| s.id != "port-1").collect();
        expected.push(source("s/port-1.txt", "Port 1\nthe harbour board met ana ruiz.\n"));
        assert_eq!(described(&after), described(&Corpus::new(expected, EntityOverrides::default()).0));
    }

    /// Whether the passage index of `corpus` names each article among the candidates for every run of five of its
    /// words, by its own number.
    fn passages_find_every_article_by_its_number(corpus: &Corpus) -> bool {
        corpus.sources().enumerate().all(|(number, source)| {
            let words: Vec<&str> = source.text.split_whitespace().collect();
            words.windows(passages::GUARANTEED_WORDS).all(|quote| {
                let quote = quote.join(" ");
                let folded = quotes::Folded::text_of(&quote, crate::text::range(0, quote.len()));
                corpus.passages.candidates(&folded).iter().any(|&(n, _)| n as usize == number)
            })
        })
    }

    #[test]
    fn a_restart_after_changes_then_a_change_before_it_completes_give_the_corpus_of_the_new_articles() {
        // More articles than a corpus small enough to be read whole on every lookup.
        let (whole, _) = Corpus::new((0..80).map(harbour).collect(), EntityOverrides::default());
        let mut bytes = Vec::new();
        whole.save(&mut bytes).unwrap();
        // Restarted with port-1 gone (every article sorted after it has another number) and port-4 changed: their
        // saved entries are dropped, and port-4 is read again.
        let saved = Corpus::read_saved(&bytes).unwrap();
        let rewritten = || source("s/port-4.txt", "Port 4\nthe harbour board met ana ruiz at dawn.\n");
        let texts: Vec<Option<String>> = (saved.paths())
            .map(|path| {
                let n: usize = path.file_stem()?.to_str()?.strip_prefix("port-")?.parse().ok()?;
                (![1, 4].contains(&n)).then(|| harbour(n).text)
            })
            .collect();
        let (restarted, _) = saved.updated(texts, vec![rewritten()]).unwrap();
        assert!(!restarted.is_complete());
        assert!(restarted.pending.as_ref().is_some_and(|p| p.passages_from.is_some()), "the saved index is updated");
        // And, before the restarted corpus is completed, port-7 changes and port-2 goes.
        let changed = || source("s/port-7.txt", "Port 7\nNo meeting on day 7 after the Board walked out.\n");
        let (after, _) = restarted.with_changes(vec![changed()], &[PathBuf::from("s/port-2.txt")]);
        let mut expected: Vec<Source> = (0..80).filter(|n| ![1, 2, 4, 7].contains(n)).map(harbour).collect();
        expected.extend([rewritten(), changed()]);
        let (fresh, _) = Corpus::new(expected, EntityOverrides::default());
        assert_eq!(described(&after), described(&fresh));
        assert!(passages_find_every_article_by_its_number(&after));
        for quote in ["the harbour board met ana ruiz at dawn", "after the Board walked out", "Harbour Board on day 71"]
        {
            let ids =
                |corpus: &Corpus| corpus.find_quote(quote, 5).iter().map(|(s, _)| s.id.clone()).collect::<Vec<_>>();
            assert_eq!(ids(&after), ids(&fresh), "{quote}");
        }
    }

    #[test]
    fn a_saved_corpus_reads_back_the_same_with_its_texts() {
        let texts = [
            (
                "s/harbour.txt",
                "Dockers strike\nDock workers walked out, the Port Authority (PA) said.\nAna Ruiz spoke.\n",
            ),
            (
                "s/harvest.txt",
                "Grain harvest falls for a third year\nFarmers met.\nRuiz blamed the drought in the Lowlands, the PA said.\n",
            ),
        ];
        let (corpus, _) =
            Corpus::new(texts.iter().map(|(path, text)| source(path, text)).collect(), EntityOverrides::default());
        let mut bytes = Vec::new();
        corpus.save(&mut bytes).unwrap();
        assert!(!bytes.windows(18).any(|w| w == b"blamed the drought"), "texts are not saved");

        let saved = Corpus::read_saved(&bytes).unwrap();
        let paths: Vec<PathBuf> = saved.paths().map(Path::to_path_buf).collect();
        let by_path = |path: &PathBuf| texts.iter().find(|(p, _)| Path::new(p) == path).unwrap().1.to_string();
        let read = saved.with_texts(paths.iter().map(by_path).collect()).unwrap();
        let summary = |corpus: &Corpus| {
            let entities: Vec<String> =
                corpus.entities().iter().map(|e| format!("{} {:?} {}", e.name, e.aliases, e.mentions.len())).collect();
            let sources: Vec<String> =
                corpus.sources().map(|s| format!("{} {} {:?} {}", s.id, s.title, s.sentences, s.text)).collect();
            (entities, sources, corpus.find_quote("blamed the drought in the Lowlands", 3).len())
        };
        assert_eq!(summary(&read), summary(&corpus));

        // Texts that do not fit what was indexed are refused.
        let saved = Corpus::read_saved(&bytes).unwrap();
        assert!(saved.with_texts(vec!["short".to_string(), "short".to_string()]).is_none());
        assert!(Corpus::read_saved(&bytes[..bytes.len() / 2]).is_err());
    }

    #[test]
    fn a_large_article_is_searched_by_its_blocks_and_found_like_any_other() {
        let lines: String = (0..8_000).map(|i| format!("Item {i}: the council met clerk{i} on the quay.\n")).collect();
        assert!(lines.len() > blocks::LARGE_ARTICLE);
        // More articles than a corpus small enough to be read whole on every lookup.
        let mut sources: Vec<Source> = (0..80)
            .map(|i| source(&format!("s/note{i}.txt"), &format!("Dock workers walked out on day {i}.\n")))
            .collect();
        sources.push(source("s/minutes.txt", &lines));
        sources.push(source("s/strike.txt", "Dock workers walked out on Monday.\n"));
        let (corpus, _) = Corpus::new(sources, EntityOverrides::default());
        let minutes = corpus.source("minutes").unwrap();
        assert!(minutes.is_large() && !corpus.source("strike").unwrap().is_large());
        let quote = "the council met clerk7321 on the quay";
        let found = corpus.find_quote(quote, 3);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0.id, "minutes");
        assert_eq!(&minutes.text[found[0].1[0]], quote);
        let near = minutes.closest_passages("the council saw clerk7321 on the quay", 1);
        assert_eq!(&minutes.text[near[0].range], quote);
        assert!(corpus.find_quote("the council met clerk99999 on the quay", 3).is_empty());
    }
}
