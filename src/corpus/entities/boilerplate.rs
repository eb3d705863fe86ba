//! Page furniture in scraped articles: the lines before and after the prose (navigation bars, metadata,
//! publisher notes, "Follow us on") and headlines glued together by a scraper ("Sara KhanKarnataka rain fury").
//!
//! Names found there are kept only when they look like names on their own, and their entities rank last.

use crate::text::{TextRange, range};

/// The ranges of `text[body]` that are page furniture: the lines before and after the prose, and short lines
/// inside it that are not sentences ("Also Read", "Advertisement"); in text order, none overlapping another.
pub(in crate::corpus) fn furniture(text: &str, body: TextRange) -> Vec<TextRange> {
    let prose = prose_range(text, body);
    let mut ranges = vec![range(usize::from(body.start()), usize::from(prose.start()))];
    let mut offset = usize::from(prose.start());
    for line in text[prose].split_inclusive('\n') {
        if line.len() > 80 {
            offset += line.len();
            continue;
        }
        let trimmed = line.trim();
        let words = trimmed.split_whitespace().take(4).count();
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
    let base = usize::from(body.start());
    let body_text = &text[body];
    // Line ranges within the body; only the first and last lines are read, up to the prose.
    let mut lines: Vec<(usize, usize)> = Vec::with_capacity(body_text.len() / 64 + 1);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', body_text.as_bytes()) {
        lines.push((start, end));
        start = end + 1;
    }
    lines.push((start, body_text.len()));
    let line = |&(start, end): &(usize, usize)| body_text[start..end].trim();
    let non_blank = lines.iter().position(|l| !line(l).is_empty());
    let first = lines.iter().enumerate().find(|(i, l)| {
        let trimmed = line(l);
        is_prose_line(trimmed) || (Some(*i) == non_blank && is_title_line(trimmed))
    });
    let Some((first_index, &(first_start, _))) = first else {
        return body;
    };
    let last = lines[first_index..].iter().rev().find(|l| is_prose_line(line(l))).unwrap_or(&lines[first_index]);
    let last_end = last.0 + body_text[last.0..last.1].trim_end().len();
    range(base + first_start, base + last_end.max(first_start))
}

/// A line of running text: six words or more, ending a sentence (or holding a sentence end and twelve words),
/// and not a parenthesised publisher's note.
fn is_prose_line(line: &str) -> bool {
    let parenthesised = line.starts_with('(') && (line.ends_with(')') || line.ends_with(").") || line.ends_with(".)"));
    if parenthesised {
        return false;
    }
    let words = line.split_whitespace().take(12).count();
    let ends_sentence = line.ends_with(['.', '!', '?', '"', '\u{201D}', '\u{2019}', '\'', '\u{2026}']);
    words >= 6 && (ends_sentence || (words >= 12 && has_sentence_end(line)))
}

/// A full stop, question or exclamation mark (perhaps closing a quotation) followed by a space or a capital.
fn has_sentence_end(line: &str) -> bool {
    line.match_indices(['.', '!', '?']).any(|(at, _)| {
        let mut next = line[at + 1..].chars();
        match next.next() {
            Some(' ') => next.next().is_some(),
            Some('"' | '\u{201D}' | '\u{2019}' | '\'') => next.next().is_some_and(|c| c == ' ' || c.is_uppercase()),
            _ => false,
        }
    })
}

/// The first line is a headline when it reads as one: a capital, three words or more, no "Key:" label, no
/// glued text, not a list of links ("Home - World - Sport").
fn is_title_line(line: &str) -> bool {
    // "Source : WIRE", "Updated: 30 Aug": a colon ends one of the first two words.
    let labelled = line.split_whitespace().take(2).any(|w| w.ends_with(':'));
    line.starts_with(char::is_uppercase)
        && line.split_whitespace().nth(2).is_some()
        && !labelled
        && line.matches(" - ").count() + line.matches(" | ").count() + line.matches(" \u{2022} ").count() <= 1
        && line.split_whitespace().all(|w| glued_junctions(w).next().is_none())
}

/// Byte offsets inside `word` where a scraper glued two pieces of text together: a word of three lowercase
/// letters or more, or an acronym, followed by a capitalised word ("KhanKarnataka", "outfitRanbir", "USAOnly").
/// Brand names like "McDonald", "YouTube" and "iPhone" have no such junction; "PlayStation" and "comScore"
/// have one, which is why a sentence needs two junctions before any is split (see [`splits_glued_words`]).
pub(super) fn glued_junctions(word: &str) -> impl Iterator<Item = usize> + '_ {
    // Most words have no capital after their first two letters: no junction, and nothing to allocate.
    let possible = word.len() >= 5 && word.bytes().skip(2).any(|b| b.is_ascii_uppercase() || b >= 0x80);
    let chars: Vec<(usize, char)> = if possible { word.char_indices().collect() } else { Vec::new() };
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
    // A junction needs a capital right after a lowercase letter, or two capitals before a lowercase letter;
    // most sentences have neither, and are passed over without splitting them into words.
    let bytes = sentence.as_bytes();
    let possible = (1..bytes.len()).filter(|&i| {
        bytes[i].is_ascii_uppercase()
            && (bytes[i - 1].is_ascii_lowercase()
                || (bytes[i - 1].is_ascii_uppercase() && bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase)))
    });
    if sentence.is_ascii() && possible.take(2).count() < 2 {
        return false;
    }
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
