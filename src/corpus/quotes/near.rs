//! The passages of an article closest to a quote that is not in it, and what differs between a quote and a
//! passage, word by word.

use super::{Folded, fold_quote, pattern::MARKER};
use crate::text::TextRange;

/// The passage of an article closest to a quote that is not in it.
#[derive(Clone, Debug, PartialEq)]
pub struct NearMiss {
    /// The range of the passage in the article, widened to whole words.
    pub range: TextRange,
    /// How alike the quote and the passage are, from 0 to 1.
    pub similarity: f64,
}

/// The most similar passage to `quote` in `text[within]` (edit distance, ignoring case), if any is at least half alike.
pub fn closest(text: &str, within: TextRange, quote: &str) -> Option<NearMiss> {
    closest_passages(text, within, quote, 1).into_iter().next()
}

/// Up to `limit` passages of `text[within]` similar to `quote`, best first, none overlapping another.
///
/// The cost is the product of the two lengths for each passage; quotes longer than `MAX_QUOTE_CHARS` are cut for
/// the search.
pub fn closest_passages(text: &str, within: TextRange, quote: &str, limit: usize) -> Vec<NearMiss> {
    const MAX_QUOTE_CHARS: usize = 400;
    let cleaned = MARKER.replace_all(quote, " ");
    let needle: Vec<char> = fold_quote(&cleaned).to_lowercase().chars().take(MAX_QUOTE_CHARS).collect();
    if needle.is_empty() {
        return Vec::new();
    }
    let haystack = Folded::new(text, within);
    // Lowercasing can change lengths; keep the byte offset of each char to map back.
    let mut hay_chars: Vec<char> = Vec::with_capacity(haystack.text.len());
    let mut hay_offsets: Vec<usize> = Vec::with_capacity(haystack.text.len() + 1);
    for (at, c) in haystack.text.char_indices() {
        hay_chars.push(c.to_lowercase().next().unwrap_or(c));
        hay_offsets.push(at);
    }
    hay_offsets.push(haystack.text.len());
    let quote_text: String = needle.iter().collect();
    let mut found = Vec::new();
    let mut masked = hay_chars.clone();
    while found.len() < limit {
        let Some((end, _)) = best_end(&masked, &needle) else {
            break;
        };
        let start = best_start(&masked[..end], &needle);
        let (start, end) = widen_to_tokens(&hay_chars, start, end);
        if start >= end || masked[start..end].contains(&MASK) {
            break;
        }
        // The similarity is measured against the whole words shown, not the cut the alignment found.
        let passage: String = hay_chars[start..end].iter().collect();
        let distance = strsim::levenshtein(&quote_text, &passage);
        let similarity = 1.0 - distance as f64 / needle.len().max(end - start) as f64;
        if similarity < NEAR_MISS_SIMILARITY {
            break;
        }
        found.push(NearMiss { range: haystack.original_range(hay_offsets[start], hay_offsets[end]), similarity });
        masked[start..end].fill(MASK);
    }
    found
}

/// The least similarity of a near miss: below it a passage is not "close" to the quote, for `check` (the closest
/// passage it names) and for `find` (the near passages it lists) alike.
pub const NEAR_MISS_SIMILARITY: f64 = 0.5;

/// Stands for text already given as a near miss, so that the next search finds another passage.
const MASK: char = '\u{0}';

/// Semi-global edit distance: the end (exclusive) in `hay` of the best match of `needle`, and its distance.
fn best_end(hay: &[char], needle: &[char]) -> Option<(usize, usize)> {
    let m = needle.len();
    let mut column: Vec<usize> = (0..=m).collect();
    let mut best: Option<(usize, usize)> = None;
    for (j, &h) in hay.iter().enumerate() {
        let mut diagonal = column[0];
        column[0] = 0;
        for i in 1..=m {
            let substitution = diagonal + usize::from(needle[i - 1] != h);
            diagonal = column[i];
            column[i] = substitution.min(column[i] + 1).min(column[i - 1] + 1);
        }
        if best.is_none_or(|(_, d)| column[m] < d) {
            best = Some((j + 1, column[m]));
        }
    }
    best
}

/// The start of the best match ending at the end of `hay`, found by aligning both texts backwards.
fn best_start(hay: &[char], needle: &[char]) -> usize {
    let reversed_hay: Vec<char> = hay.iter().rev().copied().collect();
    let reversed_needle: Vec<char> = needle.iter().rev().copied().collect();
    // Distances from the end: the first column must start at the end of `hay`, so no free start.
    let m = reversed_needle.len();
    let mut column: Vec<usize> = (0..=m).collect();
    let mut best = (0, column[m]);
    for (j, &h) in reversed_hay.iter().enumerate() {
        let mut diagonal = column[0];
        column[0] = j + 1;
        for i in 1..=m {
            let substitution = diagonal + usize::from(reversed_needle[i - 1] != h);
            diagonal = column[i];
            column[i] = substitution.min(column[i] + 1).min(column[i - 1] + 1);
        }
        if column[m] < best.1 {
            best = (j + 1, column[m]);
        }
        if j > 2 * m {
            break;
        }
    }
    hay.len() - best.0
}

/// Widens `start..end` to whole tokens (runs of characters between spaces), so that no word, number or amount
/// is cut (`€5` stays whole, an accented letter keeps its mark), then drops the quotation marks, brackets and
/// separators a quotation would not begin or end with.
fn widen_to_tokens(hay: &[char], mut start: usize, mut end: usize) -> (usize, usize) {
    let inside = |c: char| c != ' ' && c != MASK;
    while start > 0 && start < hay.len() && inside(hay[start - 1]) && inside(hay[start]) {
        start -= 1;
    }
    while end > 0 && end < hay.len() && inside(hay[end - 1]) && inside(hay[end]) {
        end += 1;
    }
    let leading = |c: char| c == ' ' || matches!(c, '"' | '\'' | '(' | '[' | '{' | ',' | ';' | ':');
    let trailing = |c: char| c == ' ' || matches!(c, '"' | '\'' | ')' | ']' | '}' | ',' | ';' | ':' | '!' | '?');
    loop {
        while start < end && leading(hay[start]) {
            start += 1;
        }
        while end > start && trailing(hay[end - 1]) {
            end -= 1;
        }
        // A full stop ends a sentence, not the words: dropped, unless its word is an abbreviation ("U.S.").
        if end > start && hay[end - 1] == '.' {
            let word_start = hay[start..end].iter().rposition(|&c| c == ' ').map_or(start, |at| start + at + 1);
            let abbreviation = hay[word_start..end - 1].contains(&'.') || end - word_start <= 2;
            if !abbreviation {
                end -= 1;
                continue;
            }
        }
        return (start, end);
    }
}

/// One way a quote differs from the closest passage of the article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Difference {
    /// The quote has other words where the article has these.
    Changed {
        /// The words in the quote.
        quote: String,
        /// The words in the article.
        article: String,
    },
    /// A misspelt word: one or two letters differ.
    Typo {
        /// The word in the quote.
        quote: String,
        /// The word in the article.
        article: String,
    },
    /// The article has these words, which the quote leaves out.
    Missing(String),
    /// The quote has these words, which the article does not.
    Extra(String),
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Changed { quote, article } => {
                write!(f, "\u{201C}{quote}\u{201D} should be \u{201C}{article}\u{201D}")
            }
            Difference::Typo { quote, article } => {
                write!(f, "typo: \u{201C}{quote}\u{201D} for \u{201C}{article}\u{201D}")
            }
            Difference::Missing(words) => write!(f, "\u{201C}{words}\u{201D} is missing"),
            // Extra in this passage: the article may well have the word elsewhere.
            Difference::Extra(words) => write!(f, "\u{201C}{words}\u{201D} is extra"),
        }
    }
}

/// What differs between a quote and a passage, word by word (longest common subsequence of words).
pub fn differences(quote: &str, passage: &str) -> Vec<Difference> {
    let fold = |text: &str| fold_quote(text).split(' ').map(str::to_string).collect::<Vec<_>>();
    let (a, b) = (fold(quote), fold(passage));
    let key = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    // lengths[i][j]: the LCS length of a[i..] and b[j..].
    let mut lengths = vec![vec![0u16; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lengths[i][j] = if key(&a[i]) == key(&b[j]) {
                lengths[i + 1][j + 1] + 1
            } else {
                lengths[i + 1][j].max(lengths[i][j + 1])
            };
        }
    }
    let mut differences = Vec::new();
    let (mut i, mut j) = (0, 0);
    let (mut only_quote, mut only_article): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    let mut flush = |only_quote: &mut Vec<&str>, only_article: &mut Vec<&str>| {
        let (q, p) = (only_quote.join(" "), only_article.join(" "));
        match (q.is_empty(), p.is_empty()) {
            (true, true) => {}
            (false, true) => differences.push(Difference::Extra(q)),
            (true, false) => differences.push(Difference::Missing(p)),
            (false, false) if only_quote.len() == 1 && only_article.len() == 1 && is_typo(&q, &p) => {
                differences.push(Difference::Typo { quote: q, article: p })
            }
            (false, false) => differences.push(Difference::Changed { quote: q, article: p }),
        }
        only_quote.clear();
        only_article.clear();
    };
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && key(&a[i]) == key(&b[j]) {
            flush(&mut only_quote, &mut only_article);
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lengths[i][j + 1] >= lengths[i + 1][j]) {
            only_article.push(&b[j]);
            j += 1;
        } else {
            only_quote.push(&a[i]);
            i += 1;
        }
    }
    flush(&mut only_quote, &mut only_article);
    differences
}

/// Whether two words differ by a slip of the keyboard: at most two edits, and not shorter than four letters.
fn is_typo(quote: &str, article: &str) -> bool {
    quote.chars().count() >= 4 && strsim::damerau_levenshtein(&quote.to_lowercase(), &article.to_lowercase()) <= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::range;

    #[test]
    fn differences_name_the_changed_missing_and_extra_words() {
        let show = |quote: &str, passage: &str| {
            differences(quote, passage).iter().map(ToString::to_string).collect::<Vec<_>>()
        };
        assert_eq!(
            show("the strike will last", "the strike would last"),
            vec!["\u{201C}will\u{201D} should be \u{201C}would\u{201D}"]
        );
        assert_eq!(show("reopened talks", "reopened the talks"), vec!["\u{201C}the\u{201D} is missing"]);
        assert_eq!(show("a very reckless gamble", "a reckless gamble"), vec!["\u{201C}very\u{201D} is extra"]);
        assert_eq!(
            show("a reckles gamble", "a reckless gamble"),
            vec!["typo: \u{201C}reckles\u{201D} for \u{201C}reckless\u{201D}"]
        );
        assert_eq!(show("We will not, be moved", "we will not be moved"), Vec::<String>::new());
    }

    #[test]
    fn closest_passage_of_a_near_miss() {
        let text = "The union said the strike would last until Friday. Ships waited outside.";
        let miss = closest(text, range(0, text.len()), "the strike will last until Friday").unwrap();
        assert_eq!(&text[miss.range], "the strike would last until Friday");
        assert!(miss.similarity > 0.8 && miss.similarity < 1.0, "{}", miss.similarity);
        assert_eq!(closest(text, range(0, text.len()), "entirely unrelated words here"), None);
    }

    /// A passage of words, one word of it replaced, added or left out: the explanation names exactly that edit,
    /// with the words the quote and the article have there.
    mod generated_near_misses {
        use super::super::*;
        use proptest::prelude::*;

        const WORDS: [&str; 12] =
            ["strike", "port", "union", "talks", "Friday", "would", "last", "the", "workers", "said", "until", "pay"];

        #[derive(Clone, Debug)]
        enum Edit {
            Replace(usize, usize),
            Add(usize, usize),
            Leave(usize),
        }

        fn edit_strategy() -> impl Strategy<Value = (Vec<usize>, Edit)> {
            proptest::collection::vec(0..WORDS.len(), 3..12).prop_flat_map(|passage| {
                let n = passage.len();
                let edit = prop_oneof![
                    (0..n, 0..WORDS.len()).prop_map(|(at, word)| Edit::Replace(at, word)),
                    (0..=n, 0..WORDS.len()).prop_map(|(at, word)| Edit::Add(at, word)),
                    (0..n).prop_map(Edit::Leave),
                ];
                (Just(passage), edit)
            })
        }

        proptest! {
            #[test]
            fn every_explanation_is_true((passage, edit) in edit_strategy()) {
                let article: Vec<&str> = passage.iter().map(|&w| WORDS[w]).collect();
                let mut quote = article.clone();
                match edit {
                    Edit::Replace(at, word) => quote[at] = WORDS[word],
                    Edit::Add(at, word) => quote.insert(at, WORDS[word]),
                    Edit::Leave(at) => {
                        quote.remove(at);
                    }
                }
                let (quote_text, article_text) = (quote.join(" "), article.join(" "));
                let found = differences(&quote_text, &article_text);
                if quote == article {
                    prop_assert!(found.is_empty(), "{found:?}");
                    return Ok(());
                }
                // Each difference is true of the two texts; a word that repeats can make one edit read as two
                // (an extra word and a missing one for a replaced word), never more, and never as another edit.
                prop_assert!(found.len() <= 2, "{:?} for {:?} -> {:?}", found, article_text, quote_text);
                let contains = |text: &[&str], words: &str| {
                    let words: Vec<String> = words.split(' ').map(str::to_lowercase).collect();
                    text.windows(words.len()).any(|window| window.iter().map(|w| w.to_lowercase()).eq(words.iter().cloned()))
                };
                let (mut extra, mut missing, mut changed) = (false, false, false);
                for difference in &found {
                    match difference {
                        Difference::Changed { quote: q, article: a } | Difference::Typo { quote: q, article: a } => {
                            changed = true;
                            prop_assert!(contains(&quote, q) && contains(&article, a), "{:?}", found);
                        }
                        Difference::Extra(q) => {
                            extra = true;
                            prop_assert!(contains(&quote, q), "{:?}", found);
                        }
                        Difference::Missing(a) => {
                            missing = true;
                            prop_assert!(contains(&article, a), "{:?}", found);
                        }
                    }
                }
                let told = match edit {
                    Edit::Replace(..) => changed || (extra && missing),
                    Edit::Add(..) => extra && !missing && !changed,
                    Edit::Leave(..) => missing && !extra && !changed,
                };
                prop_assert!(told, "{:?} for {:?} ({:?} -> {:?})", found, edit, article_text, quote_text);
            }
        }
    }
}
