//! What the text of a scraped page says about itself, for an article without front matter: its headline (or its
//! lede), when it was published, and the outlet that published it.
//!
//! Each is read only where pages state it (a headline beside its "Last Updated" line, a date after "Updated:" or
//! on a dateline, "Source: …" or "edited by … staff"), never guessed from the prose: no date is better than a
//! date the article merely mentions, and page furniture (navigation, labels, glued headlines) is never a title.
//! Pages put these at their top or their bottom: only the first and last [`EDGE_BYTES`] of the text are searched,
//! so that the cost per article does not grow with its length.

use std::sync::LazyLock;

use regex::Regex;

use super::source::{find_date, shorten};
use crate::text::TextRange;

/// How much of the start and of the end of an article is searched for its headline, date and outlet.
const EDGE_BYTES: usize = 4096;

/// The longest title shown, in characters; a lede is cut at a word before it.
const TITLE_CHARS: usize = 100;

/// Words that introduce a page's publication date: `Last Updated : 24 Oct 2024`, `Updated: 30 Aug 2023`,
/// `Published on 5 March 2024`, `Posted 2024-03-05`, `date 2023-08-30`.
static DATE_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:last\s+updated|updated|first\s+published|published|posted|date)\b(?:\s+on)?\s*[:\-–]*\s*")
        .expect("valid regex")
});

/// A line naming the outlet: `Source : NEW INDIAN EXPRESS`, `SOURCE :- Reuters`.
static SOURCE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?im)^[ \t]*source[ \t]*:[-–]?[ \t]*(\S[^\n]{1,60}?)[ \t]*$").expect("valid regex"));

/// A publisher's note naming its staff: `edited by NDTV staff`, `reworked by the Business Standard staff`.
static STAFF_NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:edited|reworked|written|compiled)\s+by\s+(?:the\s+)?((?:[A-Z0-9][\w.&'-]*\s+){1,4}?)staff\b")
        .expect("valid regex")
});

/// The page's headline where it stands beside its publication date (the words before "Last Updated" on the same
/// line, or the line before a line that only dates the page), else the lede: the first sentence of the prose, cut
/// at a word. `None` when the text has no prose.
pub fn title(text: &str, body: TextRange, sentences: &[TextRange], furniture: &[TextRange]) -> Option<String> {
    let (head, tail) = edges(&text[body]);
    (headline(head).or_else(|| tail.and_then(headline)))
        .or_else(|| first_line_headline(text, body, furniture))
        .or_else(|| lede(text, sentences, furniture))
        .map(|title| shorten(&title, TITLE_CHARS))
}

/// The first and the last [`EDGE_BYTES`] of `body`, at line ends; the last is `None` when the first holds it all.
fn edges(body: &str) -> (&str, Option<&str>) {
    if body.len() <= 2 * EDGE_BYTES {
        return (body, None);
    }
    let head_end = body[..body.floor_char_boundary(EDGE_BYTES)].rfind('\n').map_or(EDGE_BYTES, |at| at + 1);
    let tail_from = body.ceil_char_boundary(body.len() - EDGE_BYTES);
    let tail_start = body[tail_from..].find('\n').map_or(tail_from, |at| tail_from + at + 1);
    (&body[..body.floor_char_boundary(head_end)], Some(&body[tail_start..]))
}

fn headline(body: &str) -> Option<String> {
    let lines: Vec<&str> = body.lines().map(str::trim).collect();
    for (index, line) in lines.iter().enumerate() {
        let Some(marker) = DATE_MARKER.find(line) else {
            continue;
        };
        if find_date(&line[marker.end()..]).is_none() {
            continue;
        }
        let before = line[..marker.start()].trim_end_matches([' ', '|', '-', '–', '—', '·', ',']);
        if reads_as_headline(before) {
            return Some(before.to_string());
        }
        // A line that only dates the page: the headline is the line above it.
        if before.is_empty() {
            let above = lines[..index].iter().rev().find(|line| !line.is_empty());
            if let Some(above) = above.filter(|above| reads_as_headline(above)) {
                return Some(above.to_string());
            }
        }
    }
    None
}

/// Three to thirty words, beginning with a capital or a digit, not ending a sentence (headlines have no full stop),
/// no label ("Source:"), and not a list of links.
fn reads_as_headline(line: &str) -> bool {
    let words = line.split_whitespace().count();
    (3..=30).contains(&words)
        && line.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
        && !line.ends_with(['.', '!', '?'])
        && !line.split_whitespace().take(2).any(|word| word.ends_with(':'))
        && line.matches(" - ").count() + line.matches(" | ").count() <= 1
}

/// The first line of the text when it reads as a headline and is not page furniture.
fn first_line_headline(text: &str, body: TextRange, furniture: &[TextRange]) -> Option<String> {
    let base = usize::from(body.start());
    let offset = text[body].find(|c: char| !c.is_whitespace())?;
    let line = text[base + offset..].lines().next()?.trim_end();
    let range = crate::text::range(base + offset, base + offset + line.len());
    let in_furniture = furniture.iter().any(|f| f.contains_range(range));
    (!in_furniture && reads_as_headline(line)).then(|| line.to_string())
}

/// The first sentence that reads as one (four words or more, ending as a sentence ends) outside the page furniture
/// (which holds everything before the prose).
fn lede(text: &str, sentences: &[TextRange], furniture: &[TextRange]) -> Option<String> {
    let in_furniture = |sentence: TextRange| furniture.iter().any(|f| f.contains_range(sentence));
    sentences
        .iter()
        .copied()
        .take(200)
        .filter(|s| !in_furniture(*s))
        .map(|s| text[s].split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|s| s.split_whitespace().count() >= 4 && s.ends_with(['.', '!', '?', '"', '\u{201D}', '\u{2019}', '\'']))
}

/// The publication date as `YYYY-MM-DD`: after a word that introduces it ("Updated:", "Published", "date")
/// anywhere in the text, else on a dateline among the first lines (a short line that is mostly a date).
pub fn date(body: &str) -> Option<String> {
    let (head, tail) = edges(body);
    marked_date(head).or_else(|| tail.and_then(marked_date)).or_else(|| dateline(head))
}

/// A date right after a word that introduces it.
fn marked_date(body: &str) -> Option<String> {
    for marker in DATE_MARKER.find_iter(body) {
        let after = &body[marker.end()..];
        let window = &after[..after.floor_char_boundary(40)];
        if let Some(date) = find_date(window).filter(|_| starts_with_date(window)) {
            return Some(date);
        }
    }
    None
}

/// A dateline among the first five lines: a short line that is mostly a date.
fn dateline(body: &str) -> Option<String> {
    body.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .take(5)
        .filter(|line| line.chars().count() <= 60)
        .find_map(|line| find_date(line).filter(|_| starts_with_date(line) || line.split_whitespace().count() <= 8))
}

/// Whether `text` begins with the date (a digit or a month name), not with words before it.
fn starts_with_date(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or("");
    first.starts_with(|c: char| c.is_ascii_digit())
        || ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
            .iter()
            .any(|month| first.to_ascii_lowercase().starts_with(month))
}

/// The outlet the text names: a "Source:" line or a note on who edited it ("edited by NDTV staff"); the shortest
/// when there are several (`NEW INDIAN EXPRESS` over `NEW INDIAN EXPRESS NEWS`), in title case when written in
/// capitals.
pub fn outlet(body: &str) -> Option<String> {
    let (head, tail) = edges(body);
    let edges = || std::iter::once(head).chain(tail);
    let from_lines = edges()
        .flat_map(|edge| SOURCE_LINE.captures_iter(edge))
        .filter_map(|c| Some(c.get(1)?.as_str().trim().to_string()));
    let from_notes = edges()
        .flat_map(|edge| STAFF_NOTE.captures_iter(edge))
        .filter_map(|c| Some(c.get(1)?.as_str().trim().to_string()));
    let named = from_lines.chain(from_notes).filter(|name| (1..=6).contains(&name.split_whitespace().count()));
    named.min_by_key(|name| name.len()).map(|name| title_case_capitals(&name))
}

/// `NEW INDIAN EXPRESS` → `New Indian Express`; names with lowercase letters (`NDTV.com`, `Business Standard`)
/// are kept, and so are the acronyms of a name in capitals: words without a vowel (`BBC`, `NDTV`), and a name of
/// one short word (`AP`, `AFP`).
fn title_case_capitals(name: &str) -> String {
    if name.chars().any(char::is_lowercase) {
        return name.to_string();
    }
    let single = name.split_whitespace().nth(1).is_none();
    let words: Vec<String> = name
        .split_whitespace()
        .map(|word| {
            let acronym = !word.contains(['A', 'E', 'I', 'O', 'U']);
            if acronym || (single && word.chars().count() <= 4) {
                return word.to_string();
            }
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| first.to_string() + &chars.as_str().to_lowercase())
        })
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Source;

    fn source(text: &str) -> Source {
        Source::new("a".into(), "a.txt".into(), text.into())
    }

    #[test]
    fn the_headline_beside_its_date_line_is_the_title() {
        let text = "Home | World | Sport\nHarbour strike ends after four days Last Updated : 7 Mar 2024 10:58 AM IST \
                    Harbour strike ends after four days\nDock workers returned to work on Thursday, the union said.\n";
        let article = source(text);
        assert_eq!(article.title, "Harbour strike ends after four days");
        assert_eq!(article.date.as_deref(), Some("2024-03-07"));
        // The headline on its own line, then a line that only dates the page.
        let article = source(
            "Harbour strike ends after four days\nPublished: 5 March 2024\nDock workers returned to work on Thursday, the union said.\n",
        );
        assert_eq!(article.title, "Harbour strike ends after four days");
        assert_eq!(article.date.as_deref(), Some("2024-03-05"));
    }

    #[test]
    fn without_a_headline_the_lede_is_the_title_never_the_page_furniture() {
        let text = " date 2024-03-05 comScore\nDock workers at the northern harbour walked out on Monday over pay, \
                    the Port Authority said, in the first strike there since 1998.\n\nThe strike lasted four days.\n";
        let article = source(text);
        assert_eq!(
            article.title,
            "Dock workers at the northern harbour walked out on Monday over pay, the Port Authority said, in the…"
        );
        assert_eq!(article.date.as_deref(), Some("2024-03-05"));
        let article =
            source("Source : HARBOUR DAILY NEWS\nDock workers walked out on Monday over pay, the union said.\n");
        assert_eq!(article.title, "Dock workers walked out on Monday over pay, the union said.");
        // A headline on the first line.
        let article = source("Harbour strike ends after four days\nDock workers returned to work on Thursday.\n");
        assert_eq!(article.title, "Harbour strike ends after four days");
        // A line that is not a sentence (a headline whose date line was not recognised) is not the lede.
        let article =
            source("Home | World\nStrike at the port of Brest 5 mars 2024\nDockers at Brest stopped work on Monday.\n");
        assert_eq!(article.title, "Dockers at Brest stopped work on Monday.");
    }

    #[test]
    fn a_date_the_prose_mentions_is_not_the_publication_date() {
        let article = source("Dock workers walked out on Monday.\nThe last strike, on 4 May 1998, lasted a week.\n");
        assert_eq!(article.date, None);
        assert_eq!(date("Updated: 30 Aug 2023, 11:10 PM IST"), Some("2023-08-30".into()));
        assert_eq!(date("Posted on March 5, 2024 by the desk"), Some("2024-03-05".into()));
        assert_eq!(date("The date of the vote, 4 May 1998, was set by the council."), None);
    }

    #[test]
    fn a_long_article_is_searched_at_its_top_and_bottom_only() {
        let middle = "Dock workers walked out again on Monday, the union said.\n".repeat(500);
        let text = format!(
            "Dock workers walked out on Monday, the union said.\n{middle}Updated: 5 March 2024\nSOURCE: HARBOUR DAILY\n"
        );
        let article = source(&text);
        assert_eq!(article.date.as_deref(), Some("2024-03-05"));
        assert_eq!(article.meta.outlet.as_deref(), Some("Harbour Daily"));
        // A date line in the middle of a long text is no dateline of the page.
        let text =
            format!("Dock workers walked out on Monday, the union said.\n{middle}Updated: 5 March 2024\n{middle}");
        assert_eq!(source(&text).date, None);
    }

    #[test]
    fn the_outlet_is_read_from_a_source_line_or_a_staff_note() {
        assert_eq!(outlet("Story text.\nSOURCE :- HARBOUR DAILY\n"), Some("Harbour Daily".into()));
        assert_eq!(
            outlet("Source : HARBOUR DAILY NEWS\nText.\nSOURCE :- HARBOUR DAILY\n"),
            Some("Harbour Daily".into())
        );
        assert_eq!(
            outlet("(Only the headline may have been reworked by the Coastal Courier staff; the rest is from a feed.)"),
            Some("Coastal Courier".into())
        );
        assert_eq!(outlet("(This story has not been edited by NDTV staff.)"), Some("NDTV".into()));
        assert_eq!(outlet("SOURCE: NEW BBC TIMES\n"), Some("New BBC Times".into()));
        assert_eq!(outlet("Source: REUTERS\n"), Some("Reuters".into()));
        assert_eq!(outlet("Source: AFP\n"), Some("AFP".into()));
        assert_eq!(outlet("SOURCE: THE HARBOUR DAILY\n"), Some("The Harbour Daily".into()));
        assert_eq!(outlet("The source said the strike would end."), None);
    }
}
