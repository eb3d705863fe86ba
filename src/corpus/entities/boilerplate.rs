//! Page furniture in scraped articles: the lines before and after the prose (navigation bars, metadata,
//! publisher notes, "Follow us on") and headlines glued together by a scraper ("Sara KhanKarnataka rain fury").
//!
//! Names found there are kept only when they look like names on their own, and their entities rank last.

use crate::text::{TextRange, range};

/// The ranges of `text[body]` that are page furniture: the lines before and after the prose, and short lines
/// inside it that are not sentences ("Also Read", "Advertisement").
pub(super) fn furniture(text: &str, body: TextRange) -> Vec<TextRange> {
    let prose = prose_range(text, body);
    let mut ranges = vec![range(usize::from(body.start()), usize::from(prose.start()))];
    let mut offset = usize::from(prose.start());
    for line in text[prose].split_inclusive('\n') {
        let trimmed = line.trim();
        let words = trimmed.split_whitespace().count();
        let sentence_end = trimmed.ends_with(['.', '!', '?', ':', '"', '\u{201D}', '\u{2019}']);
        if (1..=3).contains(&words) && !sentence_end && !trimmed.starts_with(['-', '\u{2013}', '\u{2014}', '#']) {
            ranges.push(range(offset, offset + line.len()));
        }
        offset += line.len();
    }
    ranges.push(range(usize::from(prose.end()), usize::from(body.end())));
    ranges.retain(|r| !r.is_empty());
    ranges
}

/// The part of `text[body]` that is the article's prose: from its title or first prose line to its last prose
/// line. Everything around it is furniture. A body without prose lines is prose throughout.
pub(super) fn prose_range(text: &str, body: TextRange) -> TextRange {
    let mut first: Option<usize> = None;
    let mut last = usize::from(body.start());
    let mut offset = usize::from(body.start());
    let mut seen_line = false;
    for line in text[body].split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let is_title = !seen_line && is_title_line(trimmed);
        seen_line = true;
        if is_title || is_prose_line(trimmed) {
            first.get_or_insert(start);
            last = start + line.trim_end().len();
        }
    }
    match first {
        Some(first) => range(first, last),
        None => body,
    }
}

/// A line of running text: six words or more, ending a sentence (or holding a sentence end and twelve words),
/// and not a parenthesised publisher's note.
fn is_prose_line(line: &str) -> bool {
    let parenthesised = line.starts_with('(') && (line.ends_with(')') || line.ends_with(").") || line.ends_with(".)"));
    if parenthesised {
        return false;
    }
    let words = line.split_whitespace().count();
    let ends_sentence = line.ends_with(['.', '!', '?', '"', '\u{201D}', '\u{2019}', '\'', '\u{2026}']);
    words >= 6 && (ends_sentence || (words >= 12 && has_sentence_end(line)))
}

/// A full stop, question or exclamation mark (perhaps closing a quotation) followed by a space or a capital.
fn has_sentence_end(line: &str) -> bool {
    let chars: Vec<char> = line.chars().collect();
    chars.windows(3).any(|w| {
        let closes = matches!(w[1], '"' | '\u{201D}' | '\u{2019}' | '\'');
        matches!(w[0], '.' | '!' | '?') && (w[1] == ' ' || (closes && (w[2] == ' ' || w[2].is_uppercase())))
    })
}

/// The first line is a headline when it reads as one: a capital, three words or more, no "Key:" label, no
/// glued text, not a list of links ("Home - World - Sport").
fn is_title_line(line: &str) -> bool {
    let mut words = line.split_whitespace();
    let labelled = words.by_ref().take(2).any(|w| w.ends_with(':')) || line.split_whitespace().nth(1) == Some(":");
    line.starts_with(char::is_uppercase)
        && line.split_whitespace().count() >= 3
        && !labelled
        && line.matches(" - ").count() + line.matches(" | ").count() + line.matches(" \u{2022} ").count() <= 1
        && line.split_whitespace().all(|w| glued_junctions(w).next().is_none())
}

/// Byte offsets inside `word` where a scraper glued two pieces of text together: a word of three lowercase
/// letters or more, or an acronym, followed by a capitalised word ("KhanKarnataka", "outfitRanbir", "USAOnly").
/// Brand names like "McDonald", "YouTube" and "iPhone" have no such junction; "PlayStation" and "comScore"
/// have one, which is why a sentence needs two junctions before any is split (see [`splits_glued_words`]).
pub(super) fn glued_junctions(word: &str) -> impl Iterator<Item = usize> + '_ {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    (2..chars.len().saturating_sub(2)).filter_map(move |k| {
        let (at, c) = chars[k];
        let right = c.is_uppercase() && chars[k + 1].1.is_lowercase() && chars[k + 2].1.is_lowercase();
        if !right {
            return None;
        }
        let lowercase_run = chars[..k].iter().rev().take_while(|(_, c)| c.is_lowercase()).count();
        let after_word = lowercase_run >= 3 && (lowercase_run == k || chars[k - lowercase_run - 1].1.is_uppercase());
        let after_acronym = chars[..k].iter().all(|(_, c)| c.is_uppercase()) && k >= 2;
        (after_word || after_acronym).then_some(at)
    })
}

/// Whether the words of a sentence hold two glued junctions or more: scraped text rather than brand names.
pub(super) fn splits_glued_words(sentence: &str) -> bool {
    sentence.split_whitespace().flat_map(glued_junctions).nth(1).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prose(text: &str) -> &str {
        &text[prose_range(text, range(0, text.len()))]
    }

    #[test]
    fn navigation_metadata_and_publisher_notes_are_furniture() {
        let page = "Home - Sport - Weather\n- Dock strike enters third week\nThe Dockers Union said on Monday that the \
                    strike would go on.\nPorts stay shut, the union said in a statement.\n(This story has not been \
                    edited by our staff.)\nFollow us on\n";
        assert_eq!(
            prose(page),
            "The Dockers Union said on Monday that the strike would go on.\nPorts stay shut, the union said in a statement."
        );
    }

    #[test]
    fn a_headline_is_prose() {
        let page = "Dock strike enters third week\nThe Dockers Union said on Monday that the strike would go on.\n";
        assert_eq!(prose(page), page.trim_end());
        let labelled = "Source : WIRE SERVICE\nThe Dockers Union said on Monday that the strike would go on.\n";
        assert_eq!(prose(labelled), "The Dockers Union said on Monday that the strike would go on.");
    }

    #[test]
    fn glued_headlines_are_split_but_brand_names_are_not() {
        fn junctions(w: &str) -> Vec<&str> {
            glued_junctions(w).map(|at| &w[at..]).collect()
        }
        assert_eq!(junctions("KhanKarnataka"), ["Karnataka"]);
        assert_eq!(junctions("USAOnly"), ["Only"]);
        assert_eq!(junctions("WinnerShane"), ["Shane"]);
        assert_eq!(junctions("outfitRanbir"), ["Ranbir"]);
        for brand in ["McDonald", "MacArthur", "YouTube", "iPhone", "eBay", "LinkedIn", "NDTV", "U.S."] {
            assert_eq!(junctions(brand), Vec::<&str>::new(), "{brand}");
        }
        assert!(!splits_glued_words("Sony sold the PlayStation in Tokyo."));
        assert!(splits_glued_words("Rain fury in KarnatakaPhotos of the streetsCannes opens"));
    }
}
