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
    for (start, sentence) in unwrapped.split_sentence_bound_indices() {
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

/// Whether a sentence ends with an abbreviation or an initial, so that the next one continues it.
fn ends_with_abbreviation(sentence: &str) -> bool {
    let Some(without_stop) = sentence.strip_suffix('.') else {
        return false;
    };
    let last_word = without_stop.rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"').next().unwrap_or("");
    let lower = last_word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return true;
    }
    // Initials and dotted acronyms: "J.", "U.S.", "N.".
    let letters: Vec<&str> = last_word.split('.').collect();
    !last_word.is_empty()
        && letters.iter().all(|part| part.chars().count() == 1 && part.chars().all(char::is_uppercase))
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
