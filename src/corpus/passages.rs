//! A corpus-wide index of passages: which articles may contain a run of words, without reading every article.
//!
//! Each article's folded, lowercased words are cut into overlapping three-word shingles, and winnowing keeps one
//! shingle of every window of three: the rarest in the corpus. Any five consecutive words of an article contain a
//! whole window, whose kept shingle is among the quote's shingles, so a lookup by all of a quote's shingles finds
//! every article that contains a quote of five words or more; shorter quotes may miss. Scoring shared shingles by
//! rarity puts the article with the quote's distinctive words before the many that share its stock phrases.
//! The index is one sorted vector of `(hash, article)` pairs, 8 bytes each, about half an entry per word.
//! Candidates are always verified against the article text, so a hash collision costs time, never a wrong answer.

use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;

use super::Source;
use super::quotes::Folded;

/// Words per shingle.
const SHINGLE: usize = 3;
/// Shingles per winnowing window: quotes of `SHINGLE + WINDOW - 1` words or more are always found.
const WINDOW: usize = 3;

/// The number of counters that estimate how many articles have a shingle.
const RARITY_COUNTERS: usize = 1 << 21;

/// The fewest words for which a lookup is guaranteed to find every article containing them.
pub const GUARANTEED_WORDS: usize = SHINGLE + WINDOW - 1;

/// Article candidates by shared word shingles.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct PassageIndex {
    entries: Vec<(u32, u32)>,
}

impl PassageIndex {
    /// Indexes the articles, in parallel.
    ///
    /// Winnowing keeps the rarest shingle of each window (by how many articles have it, then by hash), so that
    /// an article is indexed by what is particular to it rather than by the stock phrases it shares with many.
    /// Large articles are left out (they are searched by their blocks): their index stays as large as their text.
    pub(crate) fn build(sources: &[std::sync::Arc<Source>]) -> PassageIndex {
        // How many articles have each shingle, approximately: a fixed table of counters indexed by hash bits
        // (collisions only make a shingle look commoner than it is), 8 MB whatever the corpus size. Each article's
        // shingles are made, counted and dropped: nothing grows with the corpus but the counters.
        // A shingle counts once per article, or in a large article once per chunk of it: any key keeps the
        // guarantee, and a large article's shingles looking a little commoner costs nothing but a different choice.
        let counters: Vec<AtomicU32> = (0..RARITY_COUNTERS).map(|_| AtomicU32::new(0)).collect();
        sources.par_iter().filter(|source| !source.is_large()).for_each(|source| {
            let mut distinct = Vec::new();
            let count = |distinct: &mut Vec<u32>| {
                distinct.sort_unstable();
                distinct.dedup();
                for &hash in distinct.iter() {
                    counters[hash as usize % RARITY_COUNTERS].fetch_add(1, Ordering::Relaxed);
                }
                distinct.clear();
            };
            each_shingle(&source.text, source.body, |hash| {
                distinct.push(hash);
                if distinct.len() == COUNT_CHUNK {
                    count(&mut distinct);
                }
            });
            count(&mut distinct);
        });
        let rarity = |hash: u32| (counters[hash as usize % RARITY_COUNTERS].load(Ordering::Relaxed), hash);
        // The shingles are made again rather than kept: keeping them would take four bytes per word of the corpus.
        let kept: Vec<Vec<u32>> = sources.par_iter().map(|source| kept_shingles(source, &rarity)).collect();
        // Allocated once at its final size: growing it would hold two copies at once.
        let mut entries: Vec<(u32, u32)> = Vec::with_capacity(kept.iter().map(Vec::len).sum());
        for (index, hashes) in kept.into_iter().enumerate() {
            entries.extend(hashes.into_iter().map(|hash| (hash, index as u32)));
        }
        entries.par_sort_unstable();
        PassageIndex { entries }
    }

    /// The index of `sources`, a corpus changed from the one this index was built for, made from this one:
    /// `previous` gives, for each article of `sources`, its number in the old corpus, or `None` for an article
    /// that is new or changed. The entries of the articles kept are kept (renumbered; an article missing from
    /// `previous` is gone), and only the others are cut into shingles, winnowed by how many articles of this index
    /// keep each shingle. That estimate of rarity is not the one [`PassageIndex::build`] counts, so the new
    /// articles may keep other shingles than a fresh build would, and candidates may be scored, and so ranked,
    /// otherwise; but the guarantee does not depend on which shingles are kept: a quote of [`GUARANTEED_WORDS`]
    /// words or more names every article that contains it among its candidates, as with a fresh build. The cost
    /// is a pass over the entries and the new articles' words, not over the corpus.
    pub(crate) fn updated(&self, sources: &[std::sync::Arc<Source>], previous: &[Option<u32>]) -> PassageIndex {
        const GONE: u32 = u32::MAX;
        let numbered = previous.iter().flatten().max().map_or(0, |&last| last as usize + 1);
        let mut renumbered = vec![GONE; numbered];
        for (index, old) in previous.iter().enumerate() {
            if let Some(old) = old {
                renumbered[*old as usize] = index as u32;
            }
        }
        let renumber = |&(hash, old): &(u32, u32)| {
            let new = renumbered.get(old as usize).copied().unwrap_or(GONE);
            (new != GONE).then_some((hash, new))
        };
        let postings = |hash: u32| {
            let start = self.entries.partition_point(|&(h, _)| h < hash);
            let count = self.entries[start..].iter().take_while(|&&(h, _)| h == hash).count();
            (count as u32, hash)
        };
        let mut added: Vec<(u32, u32)> = (sources.par_iter().enumerate())
            .filter(|&(index, _)| previous.get(index).copied().flatten().is_none())
            .flat_map_iter(|(index, source)| {
                kept_shingles(source, &postings).into_iter().map(move |hash| (hash, index as u32))
            })
            .collect();
        added.par_sort_unstable();
        // One vector at its final size, the old entries and the new merged into it in place: the only copy held
        // beside this index's.
        let mut entries: Vec<(u32, u32)> = Vec::with_capacity(self.entries.len() + added.len());
        entries.extend(self.entries.iter().filter_map(renumber));
        // Kept articles keep their order (both corpora are sorted by path), and so the entries theirs; sorting is
        // for a caller that numbered them otherwise.
        if !entries.is_sorted() {
            entries.par_sort_unstable();
        }
        merge_into(&mut entries, &added);
        PassageIndex { entries }
    }

    /// The articles that may contain `words` (already folded), best first, with their scores.
    ///
    /// Every shingle of the words is looked up, not only the ones winnowing would keep: that finds the same
    /// articles (a superset of the guaranteed ones). Each shared shingle scores the rarer it is in the corpus, so
    /// the article with the distinctive words of a quote comes before the many that share its stock phrases.
    pub fn candidates(&self, words: &str) -> Vec<(u32, f32)> {
        let mut hashes = shingles(words);
        hashes.sort_unstable();
        hashes.dedup();
        let mut scores: Vec<(u32, f32)> = Vec::new();
        for hash in hashes {
            let start = self.entries.partition_point(|&(h, _)| h < hash);
            let postings: Vec<u32> =
                self.entries[start..].iter().take_while(|&&(h, _)| h == hash).map(|&(_, source)| source).collect();
            let weight = 1.0 / postings.len().max(1) as f32;
            scores.extend(postings.into_iter().map(|source| (source, weight)));
        }
        scores.sort_unstable_by_key(|&(source, _)| source);
        let mut summed: Vec<(u32, f32)> = Vec::new();
        for (source, score) in scores {
            match summed.last_mut() {
                Some((last, total)) if *last == source => *total += score,
                _ => summed.push((source, score)),
            }
        }
        summed.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        summed
    }

    /// The memory the index takes, in bytes.
    pub fn bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<(u32, u32)>()
    }
}

/// The shingles an article is indexed by: those winnowing keeps, by `rarity`, each once, sorted; none for a
/// large article.
fn kept_shingles(source: &Source, rarity: &(impl Fn(u32) -> (u32, u32) + Sync)) -> Vec<u32> {
    let mut kept = Vec::new();
    if source.is_large() {
        return kept;
    }
    let mut winnowing = Winnowing::new(rarity);
    each_shingle(&source.text, source.body, |hash| winnowing.push(hash, &mut kept));
    kept.sort_unstable();
    kept.dedup();
    kept.shrink_to_fit();
    kept
}

/// Merges the sorted `added` into the sorted `sorted`, in place: from the back, each slot filled with the larger of
/// the two next, so nothing is overwritten before it is moved.
fn merge_into<T: Ord + Copy + Default>(sorted: &mut Vec<T>, added: &[T]) {
    let (mut old, mut new) = (sorted.len(), added.len());
    sorted.resize(old + new, T::default());
    while new > 0 {
        let slot = old + new - 1;
        if old > 0 && sorted[old - 1] > added[new - 1] {
            sorted[slot] = sorted[old - 1];
            old -= 1;
        } else {
            sorted[slot] = added[new - 1];
            new -= 1;
        }
    }
}

/// Shingles of a large article counted together, at most: about a chunk of 64 KB of text.
const COUNT_CHUNK: usize = 16 * 1024;

/// How much of an article is folded at a time when it is cut into shingles.
const FOLD_CHUNK: usize = 64 * 1024;

/// Calls `each` with the hash of every run of `SHINGLE` consecutive words of `text[body]`, folded (case and
/// punctuation ignored). The text is folded a chunk at a time, cut between words, so that a large article never has
/// a folded copy in memory; the words, and so the shingles, are those of the whole text folded at once.
fn each_shingle(text: &str, body: crate::text::TextRange, mut each: impl FnMut(u32)) {
    let mut last_words: [u32; SHINGLE - 1] = [0; SHINGLE - 1];
    let mut seen = 0;
    let (mut start, end) = (usize::from(body.start()), usize::from(body.end()));
    while start < end {
        let stop = crate::text::chunk_end(text, start, FOLD_CHUNK, end);
        let folded = Folded::text_of(text, crate::text::range(start, stop));
        for word in folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            let word = word_hash(word);
            if seen >= SHINGLE - 1 {
                each(shingle_hash(&last_words, word));
            }
            last_words.rotate_left(1);
            last_words[SHINGLE - 2] = word;
            seen += 1;
        }
        start = stop;
    }
}

fn shingle_hash(before: &[u32; SHINGLE - 1], last: u32) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for &word in before.iter().chain(std::iter::once(&last)) {
        hash = (hash ^ word).wrapping_mul(0x0100_0193).rotate_left(5);
    }
    hash
}

/// The hashes of every run of `SHINGLE` consecutive words of a folded text.
fn shingles(folded: &str) -> Vec<u32> {
    let mut hashes = Vec::new();
    each_shingle(folded, crate::text::range(0, folded.len()), |hash| hashes.push(hash));
    hashes
}

fn word_hash(word: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for c in word.chars().flat_map(char::to_lowercase) {
        hash = (hash ^ u32::from(c)).wrapping_mul(0x0100_0193);
    }
    hash
}

/// Winnowing, one shingle at a time: keeps the shingle with the smallest key in every window of `WINDOW`
/// shingles (the rightmost on ties), each once.
struct Winnowing<F> {
    key: F,
    /// The last `WINDOW` shingles with their keys and positions, oldest first.
    window: Vec<(u32, (u32, u32), usize)>,
    position: usize,
    last_kept: usize,
}

impl<F: Fn(u32) -> (u32, u32)> Winnowing<F> {
    fn new(key: F) -> Winnowing<F> {
        Winnowing { key, window: Vec::with_capacity(WINDOW), position: 0, last_kept: usize::MAX }
    }

    fn push(&mut self, hash: u32, kept: &mut Vec<u32>) {
        if self.window.len() == WINDOW {
            self.window.remove(0);
        }
        self.window.push((hash, (self.key)(hash), self.position));
        self.position += 1;
        if self.window.len() < WINDOW {
            return;
        }
        let &(hash, _, position) =
            self.window.iter().rev().min_by(|a, b| a.1.cmp(&b.1)).expect("windows are not empty");
        if position != self.last_kept {
            kept.push(hash);
            self.last_kept = position;
        }
    }
}

/// Winnowing of a whole sequence of shingles.
#[cfg(test)]
fn winnow(shingles: &[u32], key: impl Fn(u32) -> (u32, u32)) -> Vec<u32> {
    let mut kept = Vec::new();
    let mut winnowing = Winnowing::new(key);
    for &hash in shingles {
        winnowing.push(hash, &mut kept);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_shared_words_always_share_a_kept_hash() {
        let article = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen";
        // Any key works, as long as the article and the quote use the same one.
        let key = |hash: u32| (hash.rotate_left(7), hash);
        let kept = winnow(&shingles(article), key);
        let words: Vec<&str> = article.split(' ').collect();
        for start in 0..=words.len() - GUARANTEED_WORDS {
            let quote = words[start..start + GUARANTEED_WORDS].join(" ");
            let quote_kept = winnow(&shingles(&quote), key);
            assert!(quote_kept.iter().any(|h| kept.contains(h)), "{quote}");
        }
    }

    #[test]
    fn a_text_folded_in_chunks_has_the_shingles_of_the_whole() {
        let line = "Ana Ruiz said the strike \u{2014} over night\u{2011}shift pay \u{2014} would last.\n";
        let text = line.repeat(5 * FOLD_CHUNK / line.len());
        let whole = Folded::text_of(&text, crate::text::range(0, text.len()));
        let words: Vec<u32> =
            whole.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(word_hash).collect();
        let expected: Vec<u32> = words.windows(SHINGLE).map(|w| shingle_hash(&[w[0], w[1]], w[2])).collect();
        assert_eq!(shingles(&text), expected);
    }

    fn article(path: &str, text: &str) -> std::sync::Arc<Source> {
        std::sync::Arc::new(Source::new(path.to_string(), path.into(), text.to_string()))
    }

    /// An article of its own words, with a stock phrase many articles share.
    fn text(name: &str) -> String {
        let own: Vec<String> = (0..30).map(|i| format!("{name}w{i}")).collect();
        format!("{} as the council said on the quay {}.\n", own[..15].join(" "), own[15..].join(" "))
    }

    fn finds_every_quote_of_each_article(index: &PassageIndex, sources: &[std::sync::Arc<Source>]) {
        for (number, source) in sources.iter().enumerate() {
            let words: Vec<&str> = source.text.split_whitespace().collect();
            for quote in words.windows(GUARANTEED_WORDS) {
                let quote = quote.join(" ");
                let found = index.candidates(&Folded::text_of(&quote, crate::text::range(0, quote.len())));
                assert!(found.iter().any(|&(n, _)| n as usize == number), "{quote} in {}", source.id);
            }
        }
    }

    #[test]
    fn an_updated_index_finds_every_quote_a_fresh_one_finds_and_forgets_the_old_texts() {
        let names: Vec<String> = (0..40).map(|n| format!("a{n:02}")).collect();
        let before: Vec<_> = names.iter().map(|name| article(name, &text(name))).collect();
        let index = PassageIndex::build(&before);
        // a05 is gone, a10 changed, b00 (sorted after them all) and a07x (between a07 and a08) are new: each
        // article of the new corpus with its number in the old one.
        let mut renumbered: Vec<(std::sync::Arc<Source>, Option<u32>)> = Vec::new();
        for (number, source) in before.iter().enumerate() {
            match &*source.id {
                "a05" => {}
                "a10" => renumbered.push((article("a10", &text("changed")), None)),
                "a07" => renumbered.extend([(source.clone(), Some(7)), (article("a07x", &text("added")), None)]),
                _ => renumbered.push((source.clone(), Some(number as u32))),
            }
        }
        renumbered.push((article("b00", &text("last")), None));
        let (after, previous): (Vec<_>, Vec<_>) = renumbered.into_iter().unzip();

        let updated = index.updated(&after, &previous);
        finds_every_quote_of_each_article(&updated, &after);
        for gone in ["a05w3 a05w4 a05w5 a05w6 a05w7", "a10w3 a10w4 a10w5 a10w6 a10w7"] {
            assert!(updated.candidates(gone).is_empty(), "{gone}");
        }
        let council = updated.candidates("as the council said on the quay");
        assert_eq!(council.len(), after.len(), "a stock phrase is every article's");
        assert!(updated.entries.is_sorted());
        finds_every_quote_of_each_article(&PassageIndex::build(&after), &after);
    }

    #[test]
    fn merging_in_place_keeps_every_element_sorted() {
        for (sorted, added) in [(vec![], vec![1, 2]), (vec![1, 5, 9], vec![]), (vec![2, 4, 6], vec![1, 4, 7, 8])] {
            let mut merged = sorted.clone();
            merge_into(&mut merged, &added);
            let mut expected = [sorted, added].concat();
            expected.sort();
            assert_eq!(merged, expected);
        }
    }

    #[test]
    fn case_and_punctuation_do_not_matter() {
        assert_eq!(shingles("We will not be moved"), shingles("we will, not be MOVED."));
    }
}
