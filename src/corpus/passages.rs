//! A corpus-wide index of passages: which articles may contain a run of words, without reading every article.
//!
//! Each article's folded, lowercased words are cut into overlapping three-word shingles, and winnowing keeps the
//! smallest hash of every window of three shingles. Two texts that share five consecutive words therefore share
//! at least one kept hash, so a quote of five words or more finds every article that contains it; shorter
//! quotes are looked up by all their shingles and may miss. The index is one sorted vector of
//! `(hash, article)` pairs, 8 bytes each, about half an entry per word.
//! Candidates are always verified against the article text, so a hash collision costs time, never a wrong answer.

use rayon::prelude::*;

use super::Source;
use super::quotes::Folded;

/// Words per shingle.
const SHINGLE: usize = 3;
/// Shingles per winnowing window: quotes of `SHINGLE + WINDOW - 1` words or more are always found.
const WINDOW: usize = 3;

/// The fewest words for which a lookup is guaranteed to find every article containing them.
pub const GUARANTEED_WORDS: usize = SHINGLE + WINDOW - 1;

/// Article candidates by shared word shingles.
#[derive(Debug, Default)]
pub struct PassageIndex {
    entries: Vec<(u32, u32)>,
}

impl PassageIndex {
    /// Indexes the articles, in parallel.
    pub(crate) fn build(sources: &[std::sync::Arc<Source>]) -> PassageIndex {
        let mut entries: Vec<(u32, u32)> = sources
            .par_iter()
            .enumerate()
            .flat_map_iter(|(index, source)| {
                let folded = Folded::new(&source.text, source.body);
                let mut hashes = winnow(&shingles(&folded.text));
                hashes.sort_unstable();
                hashes.dedup();
                hashes.into_iter().map(move |hash| (hash, index as u32))
            })
            .collect();
        entries.par_sort_unstable();
        entries.shrink_to_fit();
        PassageIndex { entries }
    }

    /// The articles that may contain `words` (already folded), with how many shingles they share, most first.
    ///
    /// With `exact`, only the shingles winnowing keeps are looked up (enough for exact matches); otherwise all,
    /// so that a passage with a changed word still shares some.
    pub fn candidates(&self, words: &str, exact: bool) -> Vec<(u32, usize)> {
        let shingles = shingles(words);
        let mut hashes = if exact && shingles.len() >= WINDOW { winnow(&shingles) } else { shingles };
        hashes.sort_unstable();
        hashes.dedup();
        let mut hits: Vec<u32> = Vec::new();
        for hash in hashes {
            let start = self.entries.partition_point(|&(h, _)| h < hash);
            hits.extend(self.entries[start..].iter().take_while(|&&(h, _)| h == hash).map(|&(_, source)| source));
        }
        hits.sort_unstable();
        let mut counted: Vec<(u32, usize)> = Vec::new();
        for source in hits {
            match counted.last_mut() {
                Some((last, count)) if *last == source => *count += 1,
                _ => counted.push((source, 1)),
            }
        }
        counted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        counted
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

/// Winnowing: the smallest hash of every window of `WINDOW` shingles (the rightmost on ties), each once.
fn winnow(shingles: &[u32]) -> Vec<u32> {
    let mut kept: Vec<u32> = Vec::new();
    let mut last_position = usize::MAX;
    for (start, window) in shingles.windows(WINDOW).enumerate() {
        let (offset, &hash) = window.iter().enumerate().rev().min_by_key(|&(_, &h)| h).expect("windows are not empty");
        let position = start + offset;
        if position != last_position {
            kept.push(hash);
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
        let kept = winnow(&shingles(article));
        let words: Vec<&str> = article.split(' ').collect();
        for start in 0..=words.len() - GUARANTEED_WORDS {
            let quote = words[start..start + GUARANTEED_WORDS].join(" ");
            let quote_kept = winnow(&shingles(&quote));
            assert!(quote_kept.iter().any(|h| kept.contains(h)), "{quote}");
        }
    }

    #[test]
    fn case_and_punctuation_do_not_matter() {
        assert_eq!(shingles("We will not be moved"), shingles("we will, not be MOVED."));
    }
}
