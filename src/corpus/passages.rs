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
    pub(crate) fn build(sources: &[std::sync::Arc<Source>]) -> PassageIndex {
        let per_article: Vec<Vec<u32>> =
            sources.par_iter().map(|source| shingles(&Folded::new(&source.text, source.body).text)).collect();
        // How many articles have each shingle, approximately: a fixed table of counters indexed by hash bits
        // (collisions only make a shingle look commoner than it is), 8 MB whatever the corpus size.
        let counters: Vec<AtomicU32> = (0..RARITY_COUNTERS).map(|_| AtomicU32::new(0)).collect();
        per_article.par_iter().for_each(|shingles| {
            let mut distinct = shingles.clone();
            distinct.sort_unstable();
            distinct.dedup();
            for hash in distinct {
                counters[hash as usize % RARITY_COUNTERS].fetch_add(1, Ordering::Relaxed);
            }
        });
        let rarity = |hash: u32| (counters[hash as usize % RARITY_COUNTERS].load(Ordering::Relaxed), hash);
        let mut entries: Vec<(u32, u32)> = per_article
            .par_iter()
            .enumerate()
            .flat_map_iter(|(index, shingles)| {
                let mut kept = winnow(shingles, rarity);
                kept.sort_unstable();
                kept.dedup();
                kept.into_iter().map(move |hash| (hash, index as u32))
            })
            .collect();
        entries.par_sort_unstable();
        entries.shrink_to_fit();
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

/// The hashes of every run of `SHINGLE` consecutive words of a folded text (case and punctuation ignored).
fn shingles(folded: &str) -> Vec<u32> {
    let words: Vec<u32> =
        folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(word_hash).collect();
    words
        .windows(SHINGLE)
        .map(|window| {
            let mut hash: u32 = 0x811c_9dc5;
            for &word in window {
                hash = (hash ^ word).wrapping_mul(0x0100_0193).rotate_left(5);
            }
            hash
        })
        .collect()
}

fn word_hash(word: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for c in word.chars().flat_map(char::to_lowercase) {
        hash = (hash ^ u32::from(c)).wrapping_mul(0x0100_0193);
    }
    hash
}

/// Winnowing: the shingle with the smallest key in every window of `WINDOW` shingles (the rightmost on ties),
/// each once.
fn winnow<K: Ord>(shingles: &[u32], key: impl Fn(u32) -> K) -> Vec<u32> {
    let keys: Vec<K> = shingles.iter().map(|&hash| key(hash)).collect();
    let mut kept: Vec<u32> = Vec::new();
    let mut last_position = usize::MAX;
    for start in 0..shingles.len().saturating_sub(WINDOW - 1) {
        let position =
            (start..start + WINDOW).rev().min_by(|&a, &b| keys[a].cmp(&keys[b])).expect("windows are not empty");
        if position != last_position {
            kept.push(shingles[position]);
            last_position = position;
        }
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
        let key = |hash: u32| hash.rotate_left(7);
        let kept = winnow(&shingles(article), key);
        let words: Vec<&str> = article.split(' ').collect();
        for start in 0..=words.len() - GUARANTEED_WORDS {
            let quote = words[start..start + GUARANTEED_WORDS].join(" ");
            let quote_kept = winnow(&shingles(&quote), key);
            assert!(quote_kept.iter().any(|h| kept.contains(h)), "{quote}");
        }
    }

    #[test]
    fn case_and_punctuation_do_not_matter() {
        assert_eq!(shingles("We will not be moved"), shingles("we will, not be MOVED."));
    }
}
