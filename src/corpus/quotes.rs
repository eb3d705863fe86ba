//! Quote matching: where the quoted words of a citation occur in an article, and the closest passage when they do not.
//!
//! Both texts are folded first: compatibility forms are decomposed (NFKD, per character), every run of whitespace
//! becomes one space, curly quotes and apostrophes become straight ones, dashes become `-` without the spaces
//! around them, and soft hyphens vanish. Case matters, except for the first letter of the quote, which a writer
//! may capitalise to start a sentence. A quote that starts or ends with a letter or digit must start or end at a
//! word boundary of the article.
//!
//! Inside a quote, `...` or `…` (an elision) matches any stretch of the same paragraph, and `[words]`
//! (an editorial insertion) matches up to six words of the article, or none. `docs/markup.md` has examples.

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::char::decompose_compatible;

use crate::text::{TextRange, range};

/// A text folded for matching, with the way back to the original offsets.
#[derive(Debug)]
pub struct Folded {
    /// The folded text.
    pub text: String,
    /// For each byte of `text` (and one past the end), the offset of the original byte it came from.
    origin: Vec<u32>,
}

impl Folded {
    /// Folds `original[within]`.
    pub fn new(original: &str, within: TextRange) -> Folded {
        let base = usize::from(within.start());
        let slice = &original[within];
        let mut folded =
            Folded { text: String::with_capacity(slice.len()), origin: Vec::with_capacity(slice.len() + 1) };
        let mut pending_space: Option<usize> = None;
        for (at, c) in slice.char_indices() {
            let at = base + at;
            if c.is_ascii() {
                folded.push_char(c, at, &mut pending_space);
            } else {
                decompose_compatible(c, |d| folded.push_char(fold_char(d), at, &mut pending_space));
            }
        }
        if let Some(space_at) = pending_space {
            folded.emit(' ', space_at);
        }
        folded.origin.push((base + slice.len()) as u32);
        folded
    }

    fn push_char(&mut self, c: char, at: usize, pending_space: &mut Option<usize>) {
        let c = fold_char(c);
        match c {
            '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' => {}
            c if c.is_whitespace() => {
                // A space after a dash is dropped; a space before one is dropped when the dash comes.
                if !self.text.ends_with('-') && !self.text.is_empty() && pending_space.is_none() {
                    *pending_space = Some(at);
                }
            }
            '-' => {
                *pending_space = None;
                self.emit('-', at);
            }
            c => {
                if let Some(space_at) = pending_space.take() {
                    self.emit(' ', space_at);
                }
                self.emit(c, at);
            }
        }
    }

    fn emit(&mut self, c: char, at: usize) {
        for _ in 0..c.len_utf8() {
            self.origin.push(at as u32);
        }
        self.text.push(c);
    }

    /// The original range of the folded range `start..end`.
    pub fn original_range(&self, start: usize, end: usize) -> TextRange {
        range(self.origin[start] as usize, self.origin[end] as usize)
    }
}

/// Quotation marks, apostrophes and dashes of every kind folded to one form each.
fn fold_char(c: char) -> char {
    match c {
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' => '"',
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' => '-',
        c => c,
    }
}

/// Folds a quote as written in a note, trimmed.
pub fn fold_quote(quote: &str) -> String {
    let folded = Folded::new(quote, range(0, quote.len()));
    folded.text.trim().to_string()
}

/// Every place where `quote` occurs in `text[within]`, as original ranges.
pub fn find_all(text: &str, within: TextRange, quote: &str) -> Vec<TextRange> {
    match QuotePattern::new(quote) {
        Some(pattern) => pattern.find_all(&Folded::new(text, within), text),
        None => Vec::new(),
    }
}

/// The most words an editorial insertion (`[the group]`) stands for.
const MAX_INSERTION_WORDS: usize = 6;

/// The most characters an elision (`...`) stands for.
const MAX_ELISION_CHARS: usize = 1_000;

/// A quote compiled for matching: plain words are found with a substring search, quotes with elisions
/// or insertions with a regular expression over the folded article.
#[derive(Debug)]
pub struct QuotePattern {
    /// The folded quote, elisions and insertions left out: what near misses are measured against.
    pub folded: String,
    matcher: Matcher,
}

#[derive(Debug)]
enum Matcher {
    Exact(Vec<String>),
    Pattern(Regex),
}

#[derive(Debug, PartialEq)]
enum Part {
    Words(String),
    Elision,
    Insertion,
}

static ELISION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\.\s*\.\s*\.|\u{2026}|\[[^\]]*\]").expect("valid regex"));

impl QuotePattern {
    /// Compiles a quote as written in a note; `None` when it has no words.
    pub fn new(quote: &str) -> Option<QuotePattern> {
        let mut parts = Vec::new();
        let mut last = 0;
        for marker in ELISION.find_iter(quote) {
            parts.push(Part::Words(fold_quote(&quote[last..marker.start()])));
            parts.push(if marker.as_str().starts_with('[') { Part::Insertion } else { Part::Elision });
            last = marker.end();
        }
        parts.push(Part::Words(fold_quote(&quote[last..])));
        parts.retain(|part| !matches!(part, Part::Words(words) if words.is_empty()));
        let folded = parts
            .iter()
            .filter_map(|part| match part {
                Part::Words(words) => Some(words.as_str()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(" ");
        if folded.is_empty() {
            return None;
        }
        let matcher = match parts.as_slice() {
            [Part::Words(words)] => Matcher::Exact(case_variants(words)),
            _ => Matcher::Pattern(Regex::new(&pattern(&parts)).ok()?),
        };
        Some(QuotePattern { folded, matcher })
    }

    /// Every place the quote occurs in a folded text, as ranges of `original`.
    pub fn find_all(&self, haystack: &Folded, original: &str) -> Vec<TextRange> {
        let mut found = Vec::new();
        match &self.matcher {
            Matcher::Exact(variants) => {
                for variant in variants {
                    for start in memchr::memmem::find_iter(haystack.text.as_bytes(), variant.as_bytes()) {
                        let end = start + variant.len();
                        if at_word_boundaries(&haystack.text, start, end) {
                            found.push(haystack.original_range(start, end));
                        }
                    }
                }
            }
            Matcher::Pattern(regex) => {
                for m in regex.find_iter(&haystack.text) {
                    let range = haystack.original_range(m.start(), m.end());
                    if !crosses_paragraph(&original[range]) {
                        found.push(range);
                    }
                }
            }
        }
        found.sort_by_key(|r| r.start());
        found.dedup();
        found
    }

    /// Whether the quote is found anywhere in `text[within]`.
    pub fn is_in(&self, text: &str, within: TextRange) -> bool {
        !self.find_all(&Folded::new(text, within), text).is_empty()
    }
}

/// The quote with its first letter in both cases.
fn case_variants(words: &str) -> Vec<String> {
    let mut variants = vec![words.to_string()];
    if let Some(first) = words.chars().next() {
        let rest = &words[first.len_utf8()..];
        for other in first.to_uppercase().chain(first.to_lowercase()) {
            let variant = format!("{other}{rest}");
            if !variants.contains(&variant) {
                variants.push(variant);
            }
        }
    }
    variants
}

/// A regular expression for a quote with elisions or insertions, over folded text.
fn pattern(parts: &[Part]) -> String {
    let mut pattern = String::new();
    let last = parts.len() - 1;
    for (index, part) in parts.iter().enumerate() {
        match part {
            Part::Words(words) => {
                let mut chars = words.chars();
                let first = chars.next().unwrap_or(' ');
                if index == 0 {
                    if first.is_alphanumeric() {
                        pattern.push_str(r"\b");
                    }
                    let both: String = first.to_lowercase().chain(first.to_uppercase()).collect();
                    pattern.push_str(&format!("[{}]", regex::escape(&both)));
                    pattern.push_str(&regex::escape(chars.as_str()));
                } else {
                    pattern.push_str(&regex::escape(words));
                }
                if index == last && words.chars().next_back().is_some_and(char::is_alphanumeric) {
                    pattern.push_str(r"\b");
                }
            }
            Part::Elision => pattern.push_str(&format!(r"(?:\s?\b.{{0,{MAX_ELISION_CHARS}}}?\b\s?|\s)")),
            // At either end an insertion may stand for no words, so it constrains nothing.
            Part::Insertion if index == 0 || index == last => {}
            Part::Insertion => pattern.push_str(&format!(r"\s(?:[^\s]+\s){{0,{MAX_INSERTION_WORDS}}}")),
        }
    }
    pattern
}

/// Whether a match runs into another paragraph: over a blank line, or a line break after a sentence end.
fn crosses_paragraph(original: &str) -> bool {
    let lines: Vec<&str> = original.split('\n').collect();
    lines[..lines.len() - 1].iter().any(|line| {
        let line = line.trim_end();
        line.is_empty() || line.ends_with(['.', '!', '?', '"', '\u{201D}'])
    })
}

/// Where typed words (a quote being written) start in `text[within]`: like [`find_all`], but the last word
/// may be unfinished. Returns the original start offsets.
pub fn find_starts(text: &str, within: TextRange, typed: &str) -> Vec<crate::text::TextSize> {
    let needle = Folded::new(typed, range(0, typed.len())).text.trim_start().to_string();
    if needle.trim().is_empty() {
        return Vec::new();
    }
    let haystack = Folded::new(text, within);
    let mut starts = Vec::new();
    let first_is_word = needle.chars().next().is_some_and(is_word_char);
    for variant in &case_variants(&needle) {
        for start in memchr::memmem::find_iter(haystack.text.as_bytes(), variant.as_bytes()) {
            let before_is_word = haystack.text[..start].chars().next_back().is_some_and(is_word_char);
            if !(before_is_word && first_is_word) {
                starts.push(haystack.original_range(start, start).start());
            }
        }
    }
    starts.sort();
    starts.dedup();
    starts
}

fn at_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let first_is_word = text[start..].chars().next().is_some_and(is_word_char);
    let last_is_word = text[..end].chars().next_back().is_some_and(is_word_char);
    let before_is_word = text[..start].chars().next_back().is_some_and(is_word_char);
    let after_is_word = text[end..].chars().next().is_some_and(is_word_char);
    !(first_is_word && before_is_word || last_is_word && after_is_word)
}

/// Whether `c` is part of a word whose boundaries matter; scripts written without spaces have none to check.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_spaceless_script(c)
}

/// Whether `c` belongs to a script written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer,
/// Myanmar).
fn is_spaceless_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF // Thai, Lao
        | 0x1000..=0x109F // Myanmar
        | 0x1780..=0x17FF // Khmer
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF // CJK
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x2FA1F)
}

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
    let cleaned = ELISION.replace_all(quote, " ");
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
        let (start, end) = widen_to_words(&hay_chars, start, end);
        if start >= end || masked[start..end].contains(&MASK) {
            break;
        }
        // The similarity is measured against the whole words shown, not the cut the alignment found.
        let passage: String = hay_chars[start..end].iter().collect();
        let distance = strsim::levenshtein(&quote_text, &passage);
        let similarity = 1.0 - distance as f64 / needle.len().max(end - start) as f64;
        if similarity < 0.5 {
            break;
        }
        found.push(NearMiss { range: haystack.original_range(hay_offsets[start], hay_offsets[end]), similarity });
        masked[start..end].fill(MASK);
    }
    found
}

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

fn widen_to_words(hay: &[char], mut start: usize, mut end: usize) -> (usize, usize) {
    while start > 0 && hay[start - 1].is_alphanumeric() && hay[start].is_alphanumeric() {
        start -= 1;
    }
    while end < hay.len() && end > 0 && hay[end - 1].is_alphanumeric() && hay[end].is_alphanumeric() {
        end += 1;
    }
    while start < end && hay[start] == ' ' {
        start += 1;
    }
    while end > start && hay[end - 1] == ' ' {
        end -= 1;
    }
    (start, end)
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
            Difference::Extra(words) => write!(f, "\u{201C}{words}\u{201D} is not in the article"),
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

    fn find<'a>(text: &'a str, quote: &str) -> Vec<&'a str> {
        find_all(text, range(0, text.len()), quote).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn whitespace_and_line_breaks_match_any_run_of_whitespace() {
        assert_eq!(find("we will\n   not be moved", "we will not  be\nmoved"), vec!["we will\n   not be moved"]);
    }

    #[test]
    fn straight_and_curly_quotes_are_interchangeable() {
        assert_eq!(
            find("the \u{201C}rival\u{201D} power", "the \"rival\" power"),
            vec!["the \u{201C}rival\u{201D} power"]
        );
        assert_eq!(find("Russia's war", "Russia\u{2019}s war"), vec!["Russia's war"]);
    }

    #[test]
    fn only_the_first_letter_may_change_case() {
        assert_eq!(find("he said we will go", "We will go"), vec!["we will go"]);
        assert_eq!(find("he said we will go", "we Will go"), Vec::<&str>::new());
    }

    #[test]
    fn words_are_not_cut() {
        assert_eq!(find("an illegal war", "legal war"), Vec::<&str>::new());
        assert_eq!(find("an illegal war", "illegal war"), vec!["illegal war"]);
    }

    #[test]
    fn dashes_and_their_spacing_are_the_same() {
        assert_eq!(
            find("from early\u{2013} to mid\u{2014}October", "early - to mid-October"),
            vec!["early\u{2013} to mid\u{2014}October"]
        );
        assert_eq!(find("the group \u{2014} which", "the group-which"), vec!["the group \u{2014} which"]);
    }

    #[test]
    fn compatibility_forms_soft_hyphens_and_non_breaking_spaces() {
        assert_eq!(
            find("an of\u{FB01}ce re\u{00AD}opened", "an office reopened"),
            vec!["an of\u{FB01}ce re\u{00AD}opened"]
        );
        assert_eq!(find("100\u{00A0}million dollars", "100 million dollars"), vec!["100\u{00A0}million dollars"]);
        assert_eq!(find("caf\u{00E9} society", "cafe\u{0301} society"), vec!["caf\u{00E9} society"]);
    }

    #[test]
    fn an_elision_matches_words_left_out_within_a_paragraph() {
        let text = "Wagner is searching around the world for arms suppliers, he said.\nIn other news the port closed.";
        assert_eq!(
            find(text, "Wagner is searching ... for arms suppliers"),
            vec!["Wagner is searching around the world for arms suppliers"]
        );
        assert_eq!(find(text, "searching \u{2026} arms"), vec!["searching around the world for arms"]);
        assert_eq!(
            find(text, "Wagner is searching... arms suppliers"),
            vec!["Wagner is searching around the world for arms suppliers"]
        );
        assert_eq!(find(text, "he said ... the port closed"), Vec::<&str>::new(), "not across paragraphs");
        assert_eq!(find(text, "arms ... Wagner"), Vec::<&str>::new(), "in order");
    }

    #[test]
    fn an_insertion_matches_a_few_words_or_none() {
        let text = "Kirby said the Wagner group is spending more than $100 million each month.";
        assert_eq!(
            find(text, "[the group] is spending more than $100 million"),
            vec!["is spending more than $100 million"]
        );
        assert_eq!(find(text, "the [mercenary] group is spending"), vec!["the Wagner group is spending"]);
        assert_eq!(
            find(text, "the [one two three four five six seven] month"),
            Vec::<&str>::new(),
            "at most six words"
        );
        assert_eq!(find(text, "Kirby said [that] the Wagner group"), vec!["Kirby said the Wagner group"]);
        assert_eq!(find(text, "more than $100 million [a month]"), vec!["more than $100 million"]);
    }

    #[test]
    fn quotes_at_the_very_start_and_end_of_an_article() {
        let text = "Dock workers walked out. The port closed";
        assert_eq!(find(text, "Dock workers"), vec!["Dock workers"]);
        assert_eq!(find(text, "the port closed"), vec!["The port closed"]);
        assert_eq!(find(text, "Dock workers walked out. The port closed"), vec![text]);
    }

    #[test]
    fn non_ascii_text() {
        let text = "港の労働者は月曜日にストライキを始めた。 Ärzte und Pflegekräfte streikten in Köln.";
        assert_eq!(find(text, "月曜日にストライキ"), vec!["月曜日にストライキ"]);
        assert_eq!(find(text, "ärzte und Pflegekräfte"), vec!["Ärzte und Pflegekräfte"]);
        assert_eq!(find(text, "Pflegekraefte"), Vec::<&str>::new());
    }

    #[test]
    fn every_occurrence_is_found() {
        assert_eq!(find("no, no and no", "no").len(), 3);
    }

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
        assert_eq!(
            show("a very reckless gamble", "a reckless gamble"),
            vec!["\u{201C}very\u{201D} is not in the article"]
        );
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
}
