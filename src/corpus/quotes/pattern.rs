//! A quote compiled for matching: runs of words, and between them the gaps that elisions (`...`, `…`) and
//! editorial insertions (`[words]`) leave.
//!
//! Matching walks the folded article: every place the first run of words occurs (at a word boundary, its first
//! letter in either case) is extended run by run through the gaps, keeping every position the gap allows, and the
//! earliest end that satisfies the last run is the match. Nothing is compiled into an automaton, so a quote of a
//! thousand elisions costs a thousand steps, not an automaton too large to build. The work of one search is
//! bounded ([`MAX_STEPS`]); a search that would take longer answers [`TooComplex`] and the caller reports the quote
//! as unchecked, never as found.

use std::sync::LazyLock;

use regex::Regex;

use super::{Folded, crosses_paragraph, fold_quote, is_word_char};
use crate::text::TextRange;

/// The most words an editorial insertion (`[the group]`) stands for.
pub const MAX_INSERTION_WORDS: usize = 6;

/// The most characters an elision (`...`) stands for.
pub const MAX_ELISION_CHARS: usize = 1_000;

/// The most elementary steps one search takes (positions tried, bytes searched) before giving up.
const MAX_STEPS: usize = 20_000_000;

/// The elisions and insertions of a quote as written.
pub(super) static MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\.\s*\.\s*\.|\u{2026}|\[[^\]]*\]").expect("valid regex"));

/// A search that would have taken more than [`MAX_STEPS`]: the quote was neither found nor ruled out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooComplex;

/// A quote compiled for matching.
#[derive(Clone, Debug)]
pub struct QuotePattern {
    /// The folded quote, elisions and insertions left out: what near misses are measured against.
    pub folded: String,
    /// The first run of words, with its first letter in each case.
    first: Vec<String>,
    /// Every later run of words, with the gap before it.
    rest: Vec<(Gap, String)>,
}

/// What may stand between two runs of words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Gap {
    /// Elisions: any stretch of the same paragraph of at most this many characters, cutting no word.
    Elision { max_chars: usize },
    /// Insertions only: at most this many words of the article, or none.
    Insertion { max_words: usize },
}

impl QuotePattern {
    /// Compiles a quote as written in a note; `None` when it has no words (only elisions and insertions, say).
    ///
    /// Elisions and insertions before the first word or after the last constrain nothing and are left out;
    /// several in a row between two runs of words act as one that is as long as all of them.
    pub fn new(quote: &str) -> Option<QuotePattern> {
        let mut runs: Vec<String> = Vec::new();
        let mut gaps: Vec<Gap> = Vec::new();
        let (mut elisions, mut insertions) = (0, 0);
        let mut push_words = |words: &str, elisions: &mut usize, insertions: &mut usize| {
            let words = fold_quote(words);
            if words.is_empty() {
                return;
            }
            if !runs.is_empty() {
                gaps.push(match (*elisions, *insertions) {
                    (0, insertions) => Gap::Insertion { max_words: insertions.max(1) * MAX_INSERTION_WORDS },
                    (elisions, insertions) => Gap::Elision { max_chars: (elisions + insertions) * MAX_ELISION_CHARS },
                });
            }
            runs.push(words);
            (*elisions, *insertions) = (0, 0);
        };
        let mut last = 0;
        for marker in MARKER.find_iter(quote) {
            push_words(&quote[last..marker.start()], &mut elisions, &mut insertions);
            if marker.as_str().starts_with('[') {
                insertions += 1;
            } else {
                elisions += 1;
            }
            last = marker.end();
        }
        push_words(&quote[last..], &mut elisions, &mut insertions);
        let folded = runs.join(" ");
        let mut runs = runs.into_iter();
        let first = case_variants(&runs.next()?);
        Some(QuotePattern { folded, first, rest: gaps.into_iter().zip(runs).collect() })
    }

    /// The runs of folded words of the quote, in order.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.first[0].as_str()).chain(self.rest.iter().map(|(_, words)| words.as_str()))
    }

    /// The most bytes of folded text a match can take.
    pub fn max_folded_len(&self) -> usize {
        let gaps: usize = (self.rest.iter())
            .map(|(gap, _)| match gap {
                Gap::Elision { max_chars } => max_chars * 4 + 2,
                // A word of an insertion is not bounded by the markup; 64 bytes a word is generous.
                Gap::Insertion { max_words } => (max_words + 1) * 65,
            })
            .sum();
        self.words().map(str::len).sum::<usize>() + gaps
    }

    /// Every place the quote occurs in a folded text, as ranges of `original`, in order.
    pub fn find_all(&self, haystack: &Folded, original: &str) -> Result<Vec<TextRange>, TooComplex> {
        let text = haystack.text.as_str();
        let mut steps = Steps(0);
        let mut starts: Vec<usize> = Vec::new();
        for variant in &self.first {
            for start in memchr::memmem::find_iter(text.as_bytes(), variant.as_bytes()) {
                steps.take(1)?;
                if boundary_at(text, start) {
                    starts.push(start);
                }
            }
        }
        starts.sort_unstable();
        starts.dedup();
        let mut found = Vec::new();
        let mut taken_until = 0;
        for start in starts {
            // Matches do not overlap: the first one found wins.
            if start < taken_until {
                continue;
            }
            if let Some(end) = self.end_from(haystack, original, start, &mut steps)? {
                found.push(haystack.original_range(start, end));
                taken_until = end;
            }
        }
        Ok(found)
    }

    /// Whether the quote is found anywhere in `text[within]`.
    pub fn is_in(&self, text: &str, within: TextRange) -> Result<bool, TooComplex> {
        Ok(!self.find_all(&Folded::new(text, within), text)?.is_empty())
    }

    /// The earliest end of a match that starts at `start`, where the first run of words is.
    fn end_from(
        &self,
        haystack: &Folded,
        original: &str,
        start: usize,
        steps: &mut Steps,
    ) -> Result<Option<usize>, TooComplex> {
        let text = haystack.text.as_str();
        let first_len = self.first.iter().find(|v| text[start..].starts_with(v.as_str())).map_or(0, String::len);
        let mut reach = vec![start + first_len];
        for (gap, words) in &self.rest {
            let mut next = Vec::new();
            match *gap {
                Gap::Elision { max_chars } => {
                    // Each reachable position opens a window; overlapping windows are searched once.
                    let mut windows: Vec<(usize, usize)> = Vec::new();
                    for &from in &reach {
                        // Characters take four bytes at most; the exact count is checked below.
                        let until = from.saturating_add((max_chars + 2) * 4 + words.len());
                        match windows.last_mut() {
                            Some(last) if from <= last.1 => last.1 = last.1.max(until),
                            _ => windows.push((from, until.min(text.len()))),
                        }
                    }
                    for (low, high) in windows {
                        let high = high.min(text.len());
                        steps.take(high - low)?;
                        for found in memchr::memmem::find_iter(&text.as_bytes()[low..high], words.as_bytes()) {
                            let at = low + found;
                            steps.take(1)?;
                            if !boundary_at(text, at) {
                                continue;
                            }
                            // The closest positions before it leave the shortest gaps.
                            let reachable = reach.partition_point(|&from| from <= at);
                            for &from in reach[..reachable].iter().rev().take(8) {
                                steps.take(at - from)?;
                                if text[from..at].chars().count() <= max_chars + 2
                                    && boundary_at(text, from)
                                    && !gap_crosses_paragraph(haystack, original, from, at)
                                {
                                    next.push(at + words.len());
                                    break;
                                }
                            }
                        }
                    }
                }
                Gap::Insertion { max_words } => {
                    for &from in &reach {
                        // Up to `max_words` words (runs of characters between spaces), cutting none. Spaces are
                        // optional around them: folding drops the spaces around a dash.
                        if !boundary_at(text, from) {
                            continue;
                        }
                        let mut at = from + usize::from(text.as_bytes().get(from) == Some(&b' '));
                        for skipped in 0..=max_words {
                            steps.take(1)?;
                            if text[at..].starts_with(words.as_str())
                                && boundary_at(text, at)
                                && !gap_crosses_paragraph(haystack, original, from, at)
                            {
                                next.push(at + words.len());
                            }
                            if skipped == max_words || at >= text.len() {
                                break;
                            }
                            let word = memchr::memchr(b' ', &text.as_bytes()[at..]).unwrap_or(text.len() - at);
                            at += word + 1;
                            if at > text.len() {
                                break;
                            }
                        }
                    }
                }
            }
            next.sort_unstable();
            next.dedup();
            if next.is_empty() {
                return Ok(None);
            }
            reach = next;
        }
        let last_is_word = self.rest.last().map_or(&self.first[0], |(_, words)| words).chars().next_back();
        Ok(reach.into_iter().find(|&end| !last_is_word.is_some_and(is_word_char) || boundary_at(text, end)))
    }
}

/// Whether the gap between two runs of words, from `from` to `at` in the folded text, runs into another paragraph.
/// The last character before the gap is looked at too: a line break after a sentence ends the paragraph.
fn gap_crosses_paragraph(haystack: &Folded, original: &str, from: usize, at: usize) -> bool {
    let gap = haystack.original_range(from, at);
    let start = usize::from(gap.start());
    let start = original[..start].char_indices().next_back().map_or(start, |(before, _)| before);
    crosses_paragraph(&original[start..usize::from(gap.end())])
}

/// Counts the work of one search.
struct Steps(usize);

impl Steps {
    fn take(&mut self, n: usize) -> Result<(), TooComplex> {
        self.0 += n;
        if self.0 > MAX_STEPS { Err(TooComplex) } else { Ok(()) }
    }
}

/// Whether a match may start or end at byte `at` of `text` without cutting a word.
fn boundary_at(text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back().is_some_and(is_word_char);
    let after = text[at..].chars().next().is_some_and(is_word_char);
    !(before && after)
}

/// The words with their first letter in both cases.
pub(super) fn case_variants(words: &str) -> Vec<String> {
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
