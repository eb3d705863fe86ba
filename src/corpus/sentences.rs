//! Splits an article into sentences with byte ranges, using Unicode sentence boundaries (UAX #29)
//! corrected for abbreviations ("Mr. Kirby", "U.S. troops") and for hard-wrapped lines.

use unicode_segmentation::UnicodeSegmentation;

use crate::text::{TextRange, range};

/// Abbreviations after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "gen", "lt", "col", "sgt", "capt", "cpt", "maj", "adm", "gov", "sen", "rep",
    "jr", "sr", "no", "vs", "etc", "e.g", "i.e", "inc", "ltd", "co", "corp", "dept", "est", "approx", "fig", "jan",
    "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "rev", "hon", "pres", "mt", "ft",
];

/// The sentences of `text[body]`, trimmed, in order; line breaks inside a wrapped paragraph do not end a sentence.
pub fn split(text: &str, body: TextRange) -> Vec<TextRange> {
    let body_text = &text[body];
    let unwrapped = unwrap_soft_line_breaks(body_text);
    let base = usize::from(body.start());
    let mut sentences: Vec<TextRange> = Vec::new();
    let mut glue_next = false;
    for (start, sentence) in sentence_bounds(&unwrapped) {
        let trimmed = sentence.trim();
        if trimmed.is_empty() {
            continue;
        }
        let lead = sentence.len() - sentence.trim_start().len();
        let start = base + start + lead;
        let end = start + trimmed.len();
        match sentences.last_mut() {
            Some(last) if glue_next => *last = range(usize::from(last.start()), end),
            _ => sentences.push(range(start, end)),
        }
        glue_next = ends_with_abbreviation(trimmed) && !sentence.ends_with('\n');
    }
    sentences
}

/// Sentence boundaries: each line (a paragraph once soft breaks are removed) is split by UAX #29, except that
/// lines of plain Latin punctuation take a fast path with the same rules, which skips the per-character
/// property lookups that otherwise dominate indexing.
fn sentence_bounds(text: &str) -> Vec<(usize, &str)> {
    let mut bounds = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if line.chars().all(|c| c.is_ascii() || FAST_PATH_CHARS.contains(&c)) {
            fast_sentence_bounds(line, line_start, &mut bounds);
        } else {
            bounds.extend(line.split_sentence_bound_indices().map(|(at, sentence)| (line_start + at, sentence.len())));
        }
        line_start += line.len();
    }
    bounds.into_iter().map(|(at, len)| (at, &text[at..at + len])).collect()
}

/// Non-ASCII characters the fast path understands: curly quotes, dashes and the no-break space.
const FAST_PATH_CHARS: &[char] = &['\u{201C}', '\u{201D}', '\u{2018}', '\u{2019}', '\u{2013}', '\u{2014}', '\u{00A0}'];

/// UAX #29 for one line of ASCII text (and the characters above), rules SB6 to SB11: a sentence ends after `.`,
/// `!` or `?`, any closing quotes and brackets and the spaces after them, unless what follows continues it:
/// a digit or (after a letter) a capital right after a full stop (`3.5`, `U.S`), a lowercase word after a full
/// stop (`e.g. this`), or `,` `;` `:` and further terminators.
fn fast_sentence_bounds(line: &str, offset: usize, bounds: &mut Vec<(usize, usize)>) {
    // Byte positions; every character this looks at closely is ASCII, the others are stepped over whole.
    let char_at = |at: usize| line.get(at..).and_then(|rest| rest.chars().next());
    let is_terminator = |c: char| matches!(c, '.' | '!' | '?');
    let is_close =
        |c: char| matches!(c, '"' | '\'' | ')' | ']' | '(' | '[' | '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}');
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\u{00A0}');
    let bytes = line.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !matches!(bytes[i], b'.' | b'!' | b'?') {
            i += 1;
            continue;
        }
        let full_stop = bytes[i] == b'.';
        let after = char_at(i + 1);
        let before = line[..i].chars().next_back();
        // SB6, SB7: a digit, or a capital after "letter." continues the sentence.
        if full_stop
            && (after.is_some_and(|c| c.is_ascii_digit())
                || (after.is_some_and(char::is_uppercase) && before.is_some_and(char::is_alphabetic)))
        {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while let Some(c) = char_at(j).filter(|&c| is_close(c)) {
            j += c.len_utf8();
        }
        while let Some(c) = char_at(j).filter(|&c| is_space(c)) {
            j += c.len_utf8();
        }
        let next = char_at(j);
        // SB8a: a continuation or another terminator.
        if next.is_some_and(|c| matches!(c, ',' | ';' | ':' | '-' | '\u{2013}' | '\u{2014}') || is_terminator(c)) {
            i = j;
            continue;
        }
        // SB8: after a full stop, a lowercase letter before any other letter, terminator or line end.
        if full_stop {
            let lowercase_follows = line[j..]
                .chars()
                .find(|&c| c.is_alphabetic() || is_terminator(c) || c == '\n' || c == '\r')
                .is_some_and(char::is_lowercase);
            if lowercase_follows {
                i = j.max(i + 1);
                continue;
            }
        }
        // SB9 to SB11: the sentence ends here, with its closing marks, spaces and line break.
        while j < bytes.len() && matches!(bytes[j], b'\n' | b'\r') {
            j += 1;
        }
        bounds.push((offset + start, j - start));
        start = j;
        i = j;
    }
    if start < bytes.len() {
        bounds.push((offset + start, line.len() - start));
    }
}

/// Whether a sentence ends with an abbreviation or an initial, so that the next one continues it.
fn ends_with_abbreviation(sentence: &str) -> bool {
    let Some(without_stop) = sentence.strip_suffix('.') else {
        return false;
    };
    let last_word = without_stop.rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"').next().unwrap_or("");
    if ABBREVIATIONS.iter().any(|abbreviation| abbreviation.eq_ignore_ascii_case(last_word)) {
        return true;
    }
    is_initials(last_word)
}

/// Initials and dotted acronyms, without a final full stop: "J", "U.S", "N": single capitals joined by full stops.
pub(super) fn is_initials(word: &str) -> bool {
    word.split('.').all(|part| {
        let mut chars = part.chars();
        chars.next().is_some_and(char::is_uppercase) && chars.next().is_none()
    })
}

/// Replaces a line break by a space where a paragraph was wrapped: the line is long,
/// does not end a sentence, and the next line goes on. Lengths stay the same, so offsets do too.
fn unwrap_soft_line_breaks(text: &str) -> std::borrow::Cow<'_, str> {
    const MIN_WRAPPED_LINE: usize = 50;
    let bytes = text.as_bytes();
    let mut soft: Vec<usize> = Vec::new();
    let mut line_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'\n' {
            continue;
        }
        let line = text[line_start..i].trim_end();
        let next_line = text[i + 1..].lines().next().unwrap_or("");
        let ends_sentence = line.ends_with(['.', '!', '?', ':', '"', '\u{201D}', '\'', '\u{2019}']);
        let next_goes_on = !next_line.trim().is_empty() && !next_line.starts_with([' ', '\t', '-', '*', '#']);
        if line.len() >= MIN_WRAPPED_LINE && !ends_sentence && next_goes_on {
            soft.push(i);
        }
        line_start = i + 1;
    }
    if soft.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut owned = text.to_string().into_bytes();
    for i in soft {
        owned[i] = b' ';
    }
    std::borrow::Cow::Owned(String::from_utf8(owned).expect("a newline replaced by a space keeps UTF-8 valid"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::size;

    fn sentences(text: &str) -> Vec<&str> {
        split(text, TextRange::up_to(size(text.len()))).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn abbreviations_and_initials_do_not_end_sentences() {
        assert_eq!(
            sentences("Mr. Kirby spoke. U.S. troops left on Monday. J. R. Smith agreed!"),
            vec!["Mr. Kirby spoke.", "U.S. troops left on Monday.", "J. R. Smith agreed!"]
        );
    }

    #[test]
    fn lines_are_paragraphs_unless_wrapped() {
        let text = "A headline without a stop\nThe first paragraph, which is long enough to be wrapped\nby the writer. The end.\n";
        assert_eq!(
            sentences(text),
            vec![
                "A headline without a stop",
                "The first paragraph, which is long enough to be wrapped\nby the writer.",
                "The end."
            ]
        );
    }
}

/// The fast path must split exactly as UAX #29 does.
#[cfg(test)]
mod fast_path {
    use super::*;

    /// Both splitters on one line: the fast path and UAX #29.
    fn both(line: &str) -> (Vec<&str>, Vec<&str>) {
        let mut fast = Vec::new();
        fast_sentence_bounds(line, 0, &mut fast);
        let fast = fast.into_iter().map(|(at, len)| &line[at..at + len]).collect();
        let uax = line.split_sentence_bound_indices().map(|(_, s)| s).collect();
        (fast, uax)
    }

    #[test]
    fn agrees_with_uax29_on_the_example_articles() {
        let texts = [
            include_str!("../../examples/research/sources/harbour-strike.txt"),
            include_str!("../../examples/research/sources/grain-harvest.txt"),
            include_str!("../../examples/research/sources/council-budget.md"),
        ];
        for line in texts.iter().flat_map(|text| text.split_inclusive('\n')) {
            if line.chars().all(|c| c.is_ascii() || FAST_PATH_CHARS.contains(&c)) {
                let (fast, uax) = both(line);
                assert_eq!(fast, uax, "{line:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_uax29_on_random_lines(pieces in proptest::collection::vec(0usize..22, 0..40)) {
            const PIECES: [&str; 22] = [
                "Mr", "Kirby", "said", "it", ".", "!", "?", " ", "  ", "\"", "'", ")", "(", "3", "5", "U", "S", ",",
                "\u{201C}", "\u{201D}", "\u{2014}", "e",
            ];
            let line: String = pieces.iter().map(|&p| PIECES[p]).collect::<String>() + "\n";
            let (fast, uax) = both(&line);
            proptest::prop_assert_eq!(fast, uax, "{:?}", line);
        }
    }

    #[test]
    fn agrees_with_uax29_on_tricky_lines() {
        for line in [
            "Mr. Kirby said so. He left!\n",
            "It rose 3.5 percent. The U.S. agreed? Yes.\n",
            "\"We will not be moved,\" she said. \u{201C}Never.\u{201D} Then (quietly.) It ended...\n",
            "Wait\u{2026} what? no. ok! Fine.\t\n",
            "Trailing without stop\n",
            "Ends with quote.' Next one.\n",
        ] {
            let (fast, uax) = both(line);
            assert_eq!(fast, uax, "{line:?}");
        }
    }
}
