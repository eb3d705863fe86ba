//! Quote matching: where the quoted words of a citation occur in an article, and the closest passage when they do not.
//!
//! Both texts are folded first: compatibility forms are decomposed (NFKD, per character), every run of whitespace
//! becomes one space, curly quotes and apostrophes become straight ones, dashes become `-` without the spaces
//! around them, and soft hyphens vanish. Case matters, except for the first letter of the quote, which a writer
//! may capitalise to start a sentence. A quote that starts or ends with a letter or digit must start or end at a
//! word boundary of the article.
//!
//! Inside a quote, `...` or `…` (an elision) matches any stretch of the same paragraph, and `[words]`
//! (an editorial insertion) matches up to six words of the article, or none (`pattern`). `docs/markup.md` has
//! examples. `near` finds the closest passages to a quote that is not found, and says what differs.

mod near;
mod pattern;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

pub use near::{Difference, NEAR_MISS_SIMILARITY, NearMiss, closest, closest_passages, differences};
use pattern::case_variants;
pub use pattern::{MAX_ELISION_CHARS, MAX_INSERTION_WORDS, QuotePattern, TooComplex};

use crate::text::{TextRange, range};

/// A text folded for matching, with the way back to the original offsets.
#[derive(Debug)]
pub struct Folded {
    /// The folded text.
    pub text: String,
    /// For each byte of `text` (and one past the end), the offset of the original byte it came from; empty when
    /// only the text was wanted.
    origin: Vec<u32>,
    track_origin: bool,
}

impl Folded {
    /// Folds `original[within]`.
    pub fn new(original: &str, within: TextRange) -> Folded {
        Folded::fold(original, within, true)
    }

    /// The folded text of `original[within]` alone, without the way back (a fifth of the memory).
    pub fn text_of(original: &str, within: TextRange) -> String {
        Folded::fold(original, within, false).text
    }

    fn fold(original: &str, within: TextRange, track_origin: bool) -> Folded {
        let base = usize::from(within.start());
        let slice = &original[within];
        let origin = if track_origin { Vec::with_capacity(slice.len() + 1) } else { Vec::new() };
        let mut folded = Folded { text: String::with_capacity(slice.len()), origin, track_origin };
        let mut pending_space: Option<usize> = None;
        // ASCII other than whitespace and `-` folds to itself: such runs are copied whole.
        let plain = |b: u8| b.is_ascii() && !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | b'-');
        let bytes = slice.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if plain(bytes[i]) {
                // Single spaces between such characters fold to themselves too.
                let mut run = 1;
                while i + run < bytes.len() {
                    let b = bytes[i + run];
                    if plain(b) || b == b' ' && bytes.get(i + run + 1).is_some_and(|&next| plain(next)) {
                        run += 1;
                    } else {
                        break;
                    }
                }
                if let Some(space_at) = pending_space.take() {
                    folded.emit(' ', space_at);
                }
                folded.text.push_str(&slice[i..i + run]);
                if track_origin {
                    folded.origin.extend((base + i..base + i + run).map(|at| at as u32));
                }
                i += run;
                continue;
            }
            let c = slice[i..].chars().next().expect("at a character boundary");
            let at = base + i;
            if c.is_ascii() {
                folded.push_char(c, at, &mut pending_space);
            } else {
                decompose_compatible(c, |d| folded.push_char(fold_char(d), at, &mut pending_space));
            }
            i += c.len_utf8();
        }
        if let Some(space_at) = pending_space {
            folded.emit(' ', space_at);
        }
        if track_origin {
            folded.origin.push((base + slice.len()) as u32);
        }
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
        if self.track_origin {
            for _ in 0..c.len_utf8() {
                self.origin.push(at as u32);
            }
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

/// Every place where `quote` occurs in `text[within]`, as original ranges; none when the quote has no words.
pub fn find_all(text: &str, within: TextRange, quote: &str) -> Result<Vec<TextRange>, TooComplex> {
    match QuotePattern::new(quote) {
        Some(pattern) => pattern.find_all(&Folded::new(text, within), text),
        None => Ok(Vec::new()),
    }
}

/// Whether a match runs into another paragraph: over a blank line, or a line break after a sentence end.
pub(crate) fn crosses_paragraph(original: &str) -> bool {
    let lines: Vec<&str> = original.split('\n').collect();
    lines[..lines.len() - 1].iter().any(|line| {
        let line = line.trim_end();
        line.is_empty() || line.ends_with(['.', '!', '?', '"', '\u{201D}'])
    })
}

/// Finds where typed words (a quote being written) start: like [`find_all`], but the last word may be unfinished.
pub struct StartFinder {
    /// The folded words in the case variants of their first letter; none when nothing was typed.
    variants: Vec<String>,
    first_is_word: bool,
}

impl StartFinder {
    /// A finder of `typed`, folded once for every text it is asked about.
    pub fn new(typed: &str) -> StartFinder {
        let needle = Folded::text_of(typed, range(0, typed.len())).trim_start().to_string();
        let first_is_word = needle.chars().next().is_some_and(is_word_char);
        let variants = if needle.trim().is_empty() { Vec::new() } else { case_variants(&needle) };
        StartFinder { variants, first_is_word }
    }

    /// Where the typed words occur in a folded text, as original ranges, in order.
    pub fn find_in(&self, haystack: &Folded) -> Vec<TextRange> {
        let mut found = Vec::new();
        for variant in &self.variants {
            for start in memchr::memmem::find_iter(haystack.text.as_bytes(), variant.as_bytes()) {
                let before_is_word = haystack.text[..start].chars().next_back().is_some_and(is_word_char);
                if !(before_is_word && self.first_is_word) {
                    found.push(haystack.original_range(start, start + variant.len()));
                }
            }
        }
        found.sort_by_key(|r| (r.start(), r.end()));
        found.dedup_by_key(|r| r.start());
        found
    }

    /// Whether nothing but spaces was typed.
    pub fn is_empty(&self) -> bool {
        self.variants.is_empty()
    }
}

/// Whether `c` is part of a word whose boundaries matter: a letter, a digit, or a combining mark (folding
/// decomposes accented letters); scripts written without spaces have no boundaries to check.
pub fn is_word_char(c: char) -> bool {
    (c.is_alphanumeric() || is_combining_mark(c)) && !is_spaceless_script(c)
}

/// The tokens of folded text that an article's words are indexed by: runs of word characters, lowercased, and
/// each character of a script written without spaces on its own.
pub fn tokens(folded: &str, mut each: impl FnMut(&str)) {
    let mut lower = String::new();
    let mut start = None;
    for (at, c) in folded.char_indices().chain(std::iter::once((folded.len(), ' '))) {
        if is_word_char(c) {
            start.get_or_insert(at);
            continue;
        }
        if let Some(begin) = start.take() {
            lower.clear();
            lower.extend(folded[begin..at].chars().flat_map(char::to_lowercase));
            each(&lower);
        }
        if at < folded.len() && is_spaceless_script(c) {
            lower.clear();
            lower.extend(c.to_lowercase());
            each(&lower);
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(text: &'a str, quote: &str) -> Vec<&'a str> {
        find_all(text, range(0, text.len()), quote).unwrap().into_iter().map(|r| &text[r]).collect()
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
    fn any_number_of_elisions_and_insertions_is_matched_not_given_up() {
        let words: Vec<String> = (0..400).map(|i| format!("w{i}")).collect();
        let text = words.join(" ");
        // Two hundred elisions, every other word left out.
        let elided: Vec<&str> = words.iter().step_by(2).map(String::as_str).collect();
        let quote = elided.join(" ... ");
        assert_eq!(find(&text, &quote), vec![&text[..text.len() - " w399".len()]]);
        // The same shape with words the article does not have is not found, however many elisions it has.
        let absent = quote.replace("w3", "zz");
        assert_eq!(find(&text, &absent), Vec::<&str>::new());
        let unrelated = vec!["nothing"; 50].join(" ... ");
        assert_eq!(find(&text, &unrelated), Vec::<&str>::new());
        // Three hundred insertions.
        let inserted = words[..300].join(" [sic] ");
        assert_eq!(find(&text, &inserted).len(), 1);
        assert_eq!(find(&text, &inserted.replace("w299", "w2999")), Vec::<&str>::new());
    }

    #[test]
    fn a_search_too_long_to_finish_says_so_instead_of_guessing() {
        let text = "a ".repeat(20_000);
        let quote = format!("{}b", "a ... ".repeat(40));
        assert_eq!(find_all(&text, range(0, text.len()), &quote), Err(TooComplex));
    }
}
