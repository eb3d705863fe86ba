//! Locators (`p. 33`, `chap. 2`, `{pp. iv, vi-xi}`) at the start of a citation item's suffix, read as Pandoc's
//! citeproc reads them with its default (en-US) terms: an optional comma and space, then either a locator in
//! braces, or a term followed by locator words (each with a digit, or a roman numeral), or words with a digit
//! alone, which are pages. What follows the locator is the rest of the suffix.

use crate::text::{TextRange, range};

/// What a locator counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LocatorLabel {
    /// `bk.`, `book`.
    Book,
    /// `chap.`, `chapter`.
    Chapter,
    /// `col.`, `column`.
    Column,
    /// `fig.`, `figure`.
    Figure,
    /// `fol.`, `folio`.
    Folio,
    /// `no.`, `number`.
    Issue,
    /// `l.`, `line`.
    Line,
    /// `n.`, `note`.
    Note,
    /// `op.`, `opus`.
    Opus,
    /// `p.`, `pp.`, `page`, or a number alone.
    Page,
    /// `para.`, `¶`, `paragraph`.
    Paragraph,
    /// `pt.`, `part`.
    Part,
    /// `sec.`, `§`, `section`.
    Section,
    /// `s.v.`, `sub verbo`.
    SubVerbo,
    /// `v.`, `verse`.
    Verse,
    /// `vol.`, `volume`.
    Volume,
}

impl LocatorLabel {
    /// The CSL name of the label, as bibliographies and Pandoc write it.
    pub fn as_str(self) -> &'static str {
        match self {
            LocatorLabel::Book => "book",
            LocatorLabel::Chapter => "chapter",
            LocatorLabel::Column => "column",
            LocatorLabel::Figure => "figure",
            LocatorLabel::Folio => "folio",
            LocatorLabel::Issue => "issue",
            LocatorLabel::Line => "line",
            LocatorLabel::Note => "note",
            LocatorLabel::Opus => "opus",
            LocatorLabel::Page => "page",
            LocatorLabel::Paragraph => "paragraph",
            LocatorLabel::Part => "part",
            LocatorLabel::Section => "section",
            LocatorLabel::SubVerbo => "sub verbo",
            LocatorLabel::Verse => "verse",
            LocatorLabel::Volume => "volume",
        }
    }
}

/// A locator read from the start of a suffix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Locator {
    /// What it counts.
    pub label: LocatorLabel,
    /// The range of the locator's value (`33-35` in `pp. 33-35`), in the note.
    pub range: TextRange,
    /// The range of the whole locator, term and braces included: where the rest of the suffix begins after it.
    pub whole: TextRange,
}

/// The terms of each label (en-US: long and short, singular and plural, and symbols).
const TERMS: &[(&str, LocatorLabel)] = &[
    ("book", LocatorLabel::Book),
    ("books", LocatorLabel::Book),
    ("bk.", LocatorLabel::Book),
    ("bks.", LocatorLabel::Book),
    ("chapter", LocatorLabel::Chapter),
    ("chapters", LocatorLabel::Chapter),
    ("chap.", LocatorLabel::Chapter),
    ("chaps.", LocatorLabel::Chapter),
    ("column", LocatorLabel::Column),
    ("columns", LocatorLabel::Column),
    ("col.", LocatorLabel::Column),
    ("cols.", LocatorLabel::Column),
    ("figure", LocatorLabel::Figure),
    ("figures", LocatorLabel::Figure),
    ("fig.", LocatorLabel::Figure),
    ("figs.", LocatorLabel::Figure),
    ("folio", LocatorLabel::Folio),
    ("folios", LocatorLabel::Folio),
    ("fol.", LocatorLabel::Folio),
    ("fols.", LocatorLabel::Folio),
    ("number", LocatorLabel::Issue),
    ("numbers", LocatorLabel::Issue),
    ("no.", LocatorLabel::Issue),
    ("nos.", LocatorLabel::Issue),
    ("line", LocatorLabel::Line),
    ("lines", LocatorLabel::Line),
    ("l.", LocatorLabel::Line),
    ("ll.", LocatorLabel::Line),
    ("note", LocatorLabel::Note),
    ("notes", LocatorLabel::Note),
    ("n.", LocatorLabel::Note),
    ("nn.", LocatorLabel::Note),
    ("opus", LocatorLabel::Opus),
    ("opera", LocatorLabel::Opus),
    ("op.", LocatorLabel::Opus),
    ("opp.", LocatorLabel::Opus),
    ("page", LocatorLabel::Page),
    ("pages", LocatorLabel::Page),
    ("p.", LocatorLabel::Page),
    ("pp.", LocatorLabel::Page),
    ("paragraph", LocatorLabel::Paragraph),
    ("paragraphs", LocatorLabel::Paragraph),
    ("para.", LocatorLabel::Paragraph),
    ("paras.", LocatorLabel::Paragraph),
    ("\u{b6}", LocatorLabel::Paragraph),
    ("\u{b6}\u{b6}", LocatorLabel::Paragraph),
    ("part", LocatorLabel::Part),
    ("parts", LocatorLabel::Part),
    ("pt.", LocatorLabel::Part),
    ("pts.", LocatorLabel::Part),
    ("section", LocatorLabel::Section),
    ("sections", LocatorLabel::Section),
    ("sec.", LocatorLabel::Section),
    ("secs.", LocatorLabel::Section),
    ("\u{a7}", LocatorLabel::Section),
    ("\u{a7}\u{a7}", LocatorLabel::Section),
    ("sub verbo", LocatorLabel::SubVerbo),
    ("sub verbis", LocatorLabel::SubVerbo),
    ("s.v.", LocatorLabel::SubVerbo),
    ("s.vv.", LocatorLabel::SubVerbo),
    ("verse", LocatorLabel::Verse),
    ("verses", LocatorLabel::Verse),
    ("v.", LocatorLabel::Verse),
    ("vv.", LocatorLabel::Verse),
    ("volume", LocatorLabel::Volume),
    ("volumes", LocatorLabel::Volume),
    ("vol.", LocatorLabel::Volume),
    ("vols.", LocatorLabel::Volume),
];

/// How much of a suffix is read for its locator, in bytes.
const MAX_LOCATOR_SCAN: usize = 512;

/// The locator at the start of `text[suffix]`, the suffix of a citation item as written (from right after the
/// id), if there is one.
pub fn parse(text: &str, suffix: TextRange) -> Option<Locator> {
    let base = usize::from(suffix.start());
    // A locator is short: reading no further than this keeps a suffix of nested brackets from being read
    // through once per item.
    let mut cut = usize::from(suffix.len()).min(MAX_LOCATOR_SCAN);
    while !text.is_char_boundary(base + cut) {
        cut -= 1;
    }
    let s = &text[base..base + cut];
    let mut at = 0;
    if s.starts_with(',') {
        at += 1;
    }
    if let Some(c) = s[at..].chars().next().filter(|c| c.is_whitespace()) {
        at += c.len_utf8();
    }
    let start = at;
    if s[at..].starts_with('{') {
        let close = matching_close(s, at)?;
        let inner = &s[at + 1..close];
        let lead = inner.len() - inner.trim_start().len();
        let (label, after_term) = term_at(inner.trim_start()).map_or((LocatorLabel::Page, 0), |(l, len)| (l, len));
        let value_start = at + 1 + lead + after_term;
        let value = s[value_start..close].trim();
        let value_start = value_start + (s[value_start..close].len() - s[value_start..close].trim_start().len());
        return Some(Locator {
            label,
            range: range(base + value_start, base + value_start + value.len()),
            whole: range(base + start, base + close + 1),
        });
    }
    let (label, explicit) = match term_at(&s[at..]) {
        Some((label, len)) => {
            at += len;
            if let Some(c) = s[at..].chars().next().filter(|c| c.is_whitespace()) {
                at += c.len_utf8();
            }
            (label, true)
        }
        None => (LocatorLabel::Page, false),
    };
    let valid = |word: &str| word.bytes().any(|b| b.is_ascii_digit()) || explicit && is_roman(word);
    let first_end = word_end(s, at);
    if first_end == at || !valid(&s[at..first_end]) {
        return None;
    }
    let value_start = at;
    let mut end = first_end;
    // Further words after `,` or a space (at most one space after the comma).
    loop {
        let mut next = end;
        if s[next..].starts_with(',') {
            next += 1;
        }
        if let Some(c) = s[next..].chars().next().filter(|c| *c == ' ' || *c == '\n') {
            next += c.len_utf8();
        }
        if next == end {
            break;
        }
        let word_stop = word_end(s, next);
        if word_stop == next || !valid(&s[next..word_stop]) {
            break;
        }
        end = word_stop;
    }
    Some(Locator { label, range: range(base + value_start, base + end), whole: range(base + start, base + end) })
}

/// The term that `text` starts with (any case), the longest, if it ends where a locator can follow it.
fn term_at(text: &str) -> Option<(LocatorLabel, usize)> {
    let lower: String = text.chars().take(12).flat_map(char::to_lowercase).collect();
    TERMS
        .iter()
        .filter(|(term, _)| lower.starts_with(term))
        .filter(|(term, _)| {
            // A word term ("page") must not run on into a longer word ("pageant"); "p." and "§" may touch it.
            let ends_in_letter = term.chars().next_back().is_some_and(char::is_alphabetic);
            !ends_in_letter || !text[term.len()..].chars().next().is_some_and(char::is_alphanumeric)
        })
        .max_by_key(|(term, _)| term.len())
        .map(|&(term, label)| (label, term.len()))
}

/// The end of the locator word starting at `at`: letters and digits, `-`, `–`, `:`, a `.` between two of them,
/// and balanced parentheses and brackets.
fn word_end(s: &str, at: usize) -> usize {
    let mut end = at;
    let mut chars = s[at..].char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        let here = at + offset;
        match c {
            c if c.is_alphanumeric() || matches!(c, '-' | '\u{2013}' | ':') => end = here + c.len_utf8(),
            '.' if end == here && chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric()) => end = here + 1,
            '(' | '[' => match matching_close(s, here) {
                Some(close) => {
                    end = close + 1;
                    while chars.peek().is_some_and(|&(o, _)| at + o <= close) {
                        chars.next();
                    }
                }
                None => break,
            },
            _ => break,
        }
    }
    end
}

/// The offset of the bracket that closes the one at `open` (`{`, `(` or `[`), brackets of all three kinds
/// balanced within.
fn matching_close(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (offset, c) in s[open..].char_indices() {
        match c {
            '{' | '(' | '[' => depth += 1,
            '}' | ')' | ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + offset);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether the letters that start `word` are a roman numeral (any case).
fn is_roman(word: &str) -> bool {
    let letters: String = word.chars().take_while(|c| c.is_alphabetic()).collect();
    !letters.is_empty() && letters.chars().all(|c| "ivxlcdmIVXLCDM".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(label, locator, rest of the suffix)` of a suffix, or `None`.
    fn read(suffix: &str) -> Option<(&'static str, &str, &str)> {
        let locator = parse(suffix, range(0, suffix.len()))?;
        Some((locator.label.as_str(), &suffix[locator.range], &suffix[usize::from(locator.whole.end())..]))
    }

    #[test]
    fn locators_as_citeproc_reads_them() {
        for (suffix, expected) in [
            (", p. 33", Some(("page", "33", ""))),
            (", p.33", Some(("page", "33", ""))),
            (" p. 33", Some(("page", "33", ""))),
            (", P. 33", Some(("page", "33", ""))),
            (", Page 33", Some(("page", "33", ""))),
            (", 33", Some(("page", "33", ""))),
            (", pp. 33-35 and *passim*", Some(("page", "33-35", " and *passim*"))),
            (", 33, 35", Some(("page", "33, 35", ""))),
            (", p. 33, emphasis added", Some(("page", "33", ", emphasis added"))),
            (", p. 3, \"words\"", Some(("page", "3", ", \"words\""))),
            (", chap. 2", Some(("chapter", "2", ""))),
            (", \u{a7} 2", Some(("section", "2", ""))),
            (", \u{a7}2", Some(("section", "2", ""))),
            (", s.v. 2", Some(("sub verbo", "2", ""))),
            (", vol. 2, p. 3", Some(("volume", "2", ", p. 3"))),
            (", p. xii", Some(("page", "xii", ""))),
            (", p. iv, vi-xi", Some(("page", "iv, vi-xi", ""))),
            (", p. 33a", Some(("page", "33a", ""))),
            (", p. 34(1)(i)", Some(("page", "34(1)(i)", ""))),
            (", p. 33.", Some(("page", "33", "."))),
            (", chap. 2.3", Some(("chapter", "2.3", ""))),
            (", 2:33", Some(("page", "2:33", ""))),
            (", {p. 3}", Some(("page", "3", ""))),
            ("{pp. iv, vi-xi} with suffix here", Some(("page", "iv, vi-xi", " with suffix here"))),
            (", {hello world}", Some(("page", "hello world", ""))),
            (", {chap. one}", Some(("chapter", "one", ""))),
            (", 3rd ed.", Some(("page", "3rd", " ed."))),
            (", p. 33, I think", Some(("page", "33, I", " think"))),
            (", 33, I think", Some(("page", "33", ", I think"))),
            (", \"words\"", None),
            (", xii", None),
            (", p. three", None),
            (", passim", None),
            (", see p. 3", None),
            (", ch. 2", None),
            (" , p. 3", None),
            (", pageant 3", None),
        ] {
            assert_eq!(read(suffix), expected, "{suffix:?}");
        }
    }
}
