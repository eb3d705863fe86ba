//! "Did you mean": the names closest to one that is not known, found from a prepared index, never by comparing
//! with every name of the corpus.
//!
//! The candidates are the names a mistyped one most likely came from: those one edit away (a character added,
//! dropped, changed or two swapped), found by their deletion neighbourhoods (each name is indexed with every one of
//! its characters left out, and so is the query); the names next to it in sorted order, and in the order of their
//! reversed spellings (a slip late in a name keeps its beginning, an early one keeps its end); and the names with a
//! word that begins as a word typed does (from the completion index). A few dozen candidates at most are then
//! scored; the cost of a suggestion does not grow with the corpus.

use std::hash::Hasher;

use super::completion::WordStarts;

/// How many neighbours on each side in each sorted order are candidates.
const NEIGHBOURS: usize = 4;
/// How many names with a word that begins as typed are candidates, at most.
const WORD_CANDIDATES: usize = 16;
/// The least similarity (0 to 1: one minus the edits, counting a swap of two letters as one, per letter of the
/// longer name) of a suggestion that does not begin as typed: three slips in ten letters.
const MIN_SIMILARITY: f64 = 0.7;

/// The names of one kind (source ids, or entity names) prepared for suggestions.
#[derive(Debug, Default)]
pub(super) struct SpellIndex {
    /// Each name as written, with its owner and number in the completion index's word starts.
    names: Vec<(Box<str>, u32, u32)>,
    /// The names lowercased, and lowercased and reversed.
    lower: Vec<Box<str>>,
    backwards: Vec<Box<str>>,
    /// The names by their lowercased spelling, and by their lowercased spelling reversed.
    sorted: Vec<u32>,
    reversed: Vec<u32>,
    /// The hash of each name lowercased, and of it with each of its characters left out, with the name: sorted.
    deletions: Vec<(u32, u32)>,
    /// Where the hashes beginning with each 16 bits begin in `deletions` (and where the last ends): a lookup reads
    /// two places of memory instead of searching a large array.
    directory: Vec<u32>,
    /// Where the names of each owner begin (names are given owner by owner, numbered from 0): the name of a word
    /// start is `owners[owner] + number`.
    owners: Vec<u32>,
}

impl SpellIndex {
    /// Prepares `names`: each with the owner and number it has in the word starts it will be asked with, owner by
    /// owner in ascending order, each owner's names numbered from 0.
    pub(super) fn new<'a>(names: impl Iterator<Item = (&'a str, u32, u32)>) -> SpellIndex {
        let mut index = SpellIndex::default();
        for (name, owner, number) in names {
            index.names.push((name.into(), owner, number));
            let lower = name.to_lowercase();
            index.backwards.push(lower.chars().rev().collect::<String>().into_boxed_str());
            index.lower.push(lower.into_boxed_str());
        }
        let lower = &index.lower;
        index.sorted = (0..lower.len() as u32).collect();
        index.sorted.sort_by(|&a, &b| lower[a as usize].cmp(&lower[b as usize]));
        let backwards = &index.backwards;
        index.reversed = index.sorted.clone();
        index.reversed.sort_by(|&a, &b| backwards[a as usize].cmp(&backwards[b as usize]));
        for (at, name) in lower.iter().enumerate() {
            each_deletion(name, |hash| index.deletions.push((hash, at as u32)));
        }
        index.deletions.sort_unstable();
        index.deletions.dedup();
        let deletions = &index.deletions;
        index.directory =
            (0..=1u32 << 16).map(|bucket| deletions.partition_point(|&(h, _)| h >> 16 < bucket) as u32).collect();
        for (at, &(_, owner, number)) in index.names.iter().enumerate() {
            if number == 0 {
                index.owners.resize(owner as usize, at as u32);
                index.owners.push(at as u32);
            }
        }
        index.owners.push(index.names.len() as u32);
        index
    }

    /// The names closest to `wanted`, at most `limit`, best first: the names that begin as `wanted` does (or have
    /// a word that does) before the others, then the most similar; only names at least [`MIN_SIMILARITY`] alike,
    /// or beginning as typed. `words` is the completion index's word starts of the same names.
    pub(super) fn closest(&self, wanted: &str, words: &WordStarts, limit: usize) -> Vec<&str> {
        let lower = wanted.trim().to_lowercase();
        if lower.is_empty() || self.names.is_empty() {
            return Vec::new();
        }
        let mut candidates: Vec<u32> = Vec::new();
        each_deletion(&lower, |hash| {
            let bucket = (hash >> 16) as usize;
            let within = &self.deletions[self.directory[bucket] as usize..self.directory[bucket + 1] as usize];
            let first = within.partition_point(|&(h, _)| h < hash);
            candidates.extend(within[first..].iter().take_while(|&&(h, _)| h == hash).map(|&(_, name)| name));
        });
        let lower_names = &self.lower;
        let at = self.sorted.partition_point(|&name| *lower_names[name as usize] < *lower);
        candidates.extend(&self.sorted[at.saturating_sub(NEIGHBOURS)..(at + NEIGHBOURS).min(self.sorted.len())]);
        let backwards: String = lower.chars().rev().collect();
        let at = self.reversed.partition_point(|&name| *self.backwards[name as usize] < *backwards);
        candidates.extend(&self.reversed[at.saturating_sub(NEIGHBOURS)..(at + NEIGHBOURS).min(self.reversed.len())]);
        // Names with a word that begins as a typed word does (its first three letters, for a slip after them).
        let mut by_word = 0;
        for word in lower.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 2) {
            let prefix: String = word.chars().take(3).collect();
            for (owner, number) in words.first_starting_with(&prefix, WORD_CANDIDATES - by_word) {
                let (Some(&first), Some(&end)) = (self.owners.get(owner as usize), self.owners.get(owner as usize + 1))
                else {
                    continue;
                };
                // Word starts of other names of the owner (a source's title) are not in this index.
                if first + number < end {
                    candidates.push(first + number);
                    by_word += 1;
                }
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let length = lower.chars().count();
        let mut scored: Vec<(u8, f64, usize, &str)> = candidates
            .into_iter()
            .filter_map(|name| {
                let candidate = &self.lower[name as usize];
                // 2: the name begins as typed; 1: one of its words does; 0: neither.
                let begins = if candidate.starts_with(&lower) {
                    2
                } else {
                    u8::from(super::completion::has_word_starting_with(candidate, &lower))
                };
                // The edits are at least the difference in length: too far apart, the distance need not be computed.
                let longer = length.max(candidate.chars().count());
                let least_edits = length.abs_diff(candidate.chars().count());
                if begins == 0 && least_edits as f64 > (1.0 - MIN_SIMILARITY) * longer as f64 {
                    return None;
                }
                let allowed = ((1.0 - MIN_SIMILARITY) * longer as f64) as usize;
                let edits = match bounded_osa(&lower, candidate, allowed) {
                    Some(edits) => edits,
                    None if begins > 0 => longer,
                    None => return None,
                };
                let similarity = 1.0 - edits as f64 / longer.max(1) as f64;
                // Between names as alike, the one that keeps more of the beginning typed.
                let kept = candidate.chars().zip(lower.chars()).take_while(|(a, b)| a == b).count();
                (begins > 0 || similarity >= MIN_SIMILARITY).then_some((
                    begins,
                    similarity,
                    kept,
                    &*self.names[name as usize].0,
                ))
            })
            .collect();
        scored.sort_by(|a, b| (b.0.cmp(&a.0)).then(b.1.total_cmp(&a.1)).then(b.2.cmp(&a.2)).then_with(|| a.3.cmp(b.3)));
        scored.dedup_by(|a, b| a.3 == b.3);
        scored.into_iter().take(limit).map(|(_, _, _, name)| name).collect()
    }
}

/// The edits between `a` and `b` (a character added, dropped or changed, or two neighbours swapped), when there
/// are at most `allowed`; `None` when there are more. Names in ASCII are compared on the stack, row by row, and
/// the comparison stops as soon as every way through needs more than `allowed`.
fn bounded_osa(a: &str, b: &str, allowed: usize) -> Option<usize> {
    const MAX: usize = 63;
    if !(a.is_ascii() && b.is_ascii()) || a.len() > MAX || b.len() > MAX {
        return Some(strsim::osa_distance(a, b)).filter(|&edits| edits <= allowed);
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > allowed {
        return None;
    }
    let mut before = [0u8; MAX + 1];
    let mut previous: [u8; MAX + 1] = std::array::from_fn(|j| j as u8);
    let mut current = [0u8; MAX + 1];
    for i in 1..=a.len() {
        current[0] = i as u8;
        let mut smallest = current[0];
        for j in 1..=b.len() {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1).min(current[j - 1] + 1).min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
            smallest = smallest.min(best);
        }
        if smallest as usize > allowed {
            return None;
        }
        before = previous;
        previous = current;
    }
    Some(previous[b.len()] as usize).filter(|&edits| edits <= allowed)
}

/// Calls `each` with the hash of `name`, and of `name` with each of its characters left out.
fn each_deletion(name: &str, mut each: impl FnMut(u32)) {
    let hash = |parts: [&str; 2]| {
        let mut hasher = rustc_hash::FxHasher::default();
        for part in parts {
            hasher.write(part.as_bytes());
        }
        hasher.write_u8(0xff);
        let hash = hasher.finish();
        (hash ^ (hash >> 32)) as u32
    };
    each(hash([name, ""]));
    for (at, c) in name.char_indices() {
        each(hash([&name[..at], &name[at + c.len_utf8()..]]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(names: &[&str]) -> (SpellIndex, WordStarts) {
        let mut words = WordStarts::default();
        for (owner, name) in names.iter().enumerate() {
            words.push(name, owner as u32, 0);
        }
        words.sort();
        (SpellIndex::new(names.iter().enumerate().map(|(owner, name)| (*name, owner as u32, 0))), words)
    }

    #[test]
    fn bounded_edits_agree_with_the_full_count() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "kirby",
            "kriby",
            "kirbi",
            "john kirby",
            "jon kirby",
            "article-031245",
            "artilce-031245",
            "café",
            "cafe",
        ];
        for a in words {
            for b in words {
                let edits = strsim::osa_distance(a, b);
                for allowed in 0..6 {
                    assert_eq!(
                        bounded_osa(a, b, allowed),
                        (edits <= allowed).then_some(edits),
                        "{a:?} {b:?} {allowed}"
                    );
                }
            }
        }
    }

    #[test]
    fn slips_anywhere_in_a_name_are_found() {
        let names = ["John Kirby", "Kyiv", "Iran", "Kirill Dmitriev", "Mirela Ostrova", "Ana Ruiz", "Port Authority"];
        let (index, words) = index(&names);
        let closest = |wanted: &str| index.closest(wanted, &words, 3);
        assert_eq!(closest("John Kriby"), ["John Kirby"], "two letters swapped");
        assert_eq!(closest("Jon Kirby"), ["John Kirby"], "a letter left out early");
        assert_eq!(closest("Mirela Ostrov"), ["Mirela Ostrova"], "the end left out");
        assert_eq!(closest("Anna Ruiz"), ["Ana Ruiz"]);
        assert_eq!(closest("port authorty"), ["Port Authority"], "any case");
        assert!(closest("Atlantis Shipping").is_empty(), "nothing close");
    }

    #[test]
    fn names_that_begin_as_typed_come_first() {
        let names = ["Kyiv", "Iran", "John Kirby", "Kirill Dmitriev", "Kir Royale"];
        let (index, words) = index(&names);
        assert_eq!(index.closest("Kir", &words, 3), ["Kir Royale", "Kirill Dmitriev", "John Kirby"]);
    }

    #[test]
    fn among_many_similar_ids_the_one_slip_away_is_found() {
        let ids: Vec<String> = (0..50_000).map(|i| format!("article-{i:06}")).collect();
        let names: Vec<&str> = ids.iter().map(String::as_str).collect();
        let (index, words) = index(&names);
        assert_eq!(index.closest("article-031245", &words, 1), ["article-031245"]);
        assert_eq!(index.closest("artilce-031245", &words, 1), ["article-031245"], "swapped");
        assert_eq!(index.closest("article-03145", &words, 1), ["article-031450"], "the neighbour in order wins a tie");
        assert_eq!(index.closest("article-0312451", &words, 1), ["article-031245"], "one too many");
    }
}
