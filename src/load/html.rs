//! Saved web pages (`.html`, `.htm`): their character set, their main text (through `dom_smoothie`, a port of
//! Mozilla's Readability, the extractor behind Firefox's reader view), what they say of themselves (title, site,
//! authors, date, canonical URL, language), and where each word of the text stands in the file, so that a quote
//! found in the text is shown on its bytes in the page ([`OffsetMap`]).
//!
//! The extractor parses the page into a tree and returns its text without positions. The positions come from a
//! second, cheap pass with `html5gum`, a tokenizer that gives the byte span of each run of text: the page's visible
//! words with their spans, in order. Each word of the extracted text is then matched to the page's words, in order,
//! confirmed by the words after it, so that a word the navigation also holds is not taken from the navigation.

use std::collections::HashMap;

use encoding_rs::Encoding;
use html5gum::emitters::default::DefaultEmitter;
use html5gum::{Token, Tokenizer};

use super::decode::{self, Decoded, Undecodable};
use crate::corpus::{Described, OffsetMap};
use crate::text::{LineIndex, PositionEncoding, range, size};

/// A page's main text, what it says of itself, and where the text stands in the page.
#[derive(Debug)]
pub struct Page {
    /// The headline (when the page has one), then the main text, paragraphs separated by blank lines.
    pub text: String,
    /// The page's title, site, authors, date, URL and language, where it states them.
    pub described: Described,
    /// Where the words of `text` stand in the decoded page.
    pub map: OffsetMap,
}

/// Why a page gives no text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum PageProblem {
    /// The extractor found no main text (an empty page, a page of scripts).
    #[error("no readable text in the page")]
    NoText,
    /// Elements nested deeper than a page's layout ever needs: the extractor's time grows with the square of the
    /// depth, so such a page is reported instead of read.
    #[error("elements nested {depth} deep (more than {MAX_DEPTH}): not a page the extractor can read in time")]
    TooDeep {
        /// How deep.
        depth: usize,
    },
    /// The extractor failed on this page (a defect of the extractor met on a malformed page).
    #[error("the page could not be extracted ({message})")]
    ExtractorFailed {
        /// What the extractor said.
        message: String,
    },
}

/// Extracts a page as [`extract`] does, a failure of the extractor on a malformed page included: a panic in it
/// is this page's problem, reported like any other, never the end of the process reading it.
pub fn extract_contained(html: &str) -> Result<Page, PageProblem> {
    std::panic::catch_unwind(|| extract(html)).unwrap_or_else(|panic| {
        let message = (panic.downcast_ref::<String>().cloned())
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Err(PageProblem::ExtractorFailed { message })
    })
}

/// The deepest nesting of elements read (a news page is some tens deep; at this depth extraction takes a tenth of a
/// second, at four times it, seconds).
pub const MAX_DEPTH: usize = 400;

/// Decodes a saved page: a byte-order mark first, then the character set its `<meta>` declares in its first 1024
/// bytes (as browsers do), then what [`decode::decode`] detects.
pub fn decode_page(bytes: Vec<u8>) -> Result<Decoded, Undecodable> {
    if Encoding::for_bom(&bytes).is_some() {
        return decode::decode(bytes);
    }
    match declared_charset(&bytes[..bytes.len().min(1024)]) {
        Some(encoding) if encoding != encoding_rs::UTF_8 && !is_utf16(encoding) => {
            let (text, _) = encoding.decode_without_bom_handling(&bytes);
            Ok(Decoded { text: text.into_owned(), assumed: Some(encoding.name()) })
        }
        _ => decode::decode(bytes),
    }
}

/// HTML reads a declared UTF-16 as UTF-8: a page that declares it in ASCII is not UTF-16.
fn is_utf16(encoding: &'static Encoding) -> bool {
    encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE
}

/// The encoding a `<meta charset>` or `<meta http-equiv="Content-Type" content="…; charset=…">` names in `head`.
fn declared_charset(head: &[u8]) -> Option<&'static Encoding> {
    static CHARSET: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
        regex::bytes::Regex::new(r#"(?i)<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)"#).expect("valid pattern")
    });
    let label = CHARSET.captures(head)?.get(1)?.as_bytes();
    Encoding::for_label(label)
}

/// Extracts the main text of a decoded page, with its metadata and the map of its words into the page.
pub fn extract(html: &str) -> Result<Page, PageProblem> {
    let scanned = scan(html);
    if scanned.depth > MAX_DEPTH {
        return Err(PageProblem::TooDeep { depth: scanned.depth });
    }
    let config = dom_smoothie::Config { text_mode: dom_smoothie::TextMode::Formatted, ..Default::default() };
    let mut readability = dom_smoothie::Readability::new(html, None, Some(config)).map_err(|_| PageProblem::NoText)?;
    let article = readability.parse().map_err(|_| PageProblem::NoText)?;
    let content = paragraphs(&article.text_content);
    if content.is_empty() {
        return Err(PageProblem::NoText);
    }
    let title = clean(&article.title);
    // The headline stands first, so that it can be quoted, unless the extracted text already opens with it.
    let text = match &title {
        Some(title) if !content.starts_with(title.as_str()) => format!("{title}\n\n{content}"),
        _ => content,
    };
    let map = align(&text, &scanned.words, &LineIndex::new(html), html);
    let described = Described {
        title,
        date: article.published_time.as_deref().and_then(clean),
        url: scanned.canonical.or(article.url).and_then(|url| clean(&url)),
        authors: article.byline.as_deref().and_then(byline).into_iter().collect(),
        outlet: article.site_name.as_deref().and_then(clean),
        language: article.lang.as_deref().and_then(clean),
    };
    Ok(Page { text, described, map })
}

/// `text` with its whitespace tidied: one space inside a paragraph, paragraphs separated by one blank line.
fn paragraphs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        let mut words = line.split_whitespace();
        if let Some(first) = words.next() {
            out.push_str(first);
        }
        for word in words {
            out.push(' ');
            out.push_str(word);
        }
    }
    out
}

/// `value` trimmed, with its whitespace collapsed; `None` when nothing is left.
fn clean(value: &str) -> Option<String> {
    let cleaned = value.split_whitespace().collect::<Vec<_>>().join(" ");
    (!cleaned.is_empty()).then_some(cleaned)
}

/// The author named by a byline, without its "By".
fn byline(value: &str) -> Option<String> {
    let value = clean(value)?;
    let name = ["By ", "by ", "BY "].iter().find_map(|by| value.strip_prefix(by)).unwrap_or(&value);
    clean(name)
}

/// One visible word of the page and its bytes in it.
#[derive(Debug)]
struct PageWord {
    text: String,
    start: usize,
    end: usize,
}

/// What the tokenizer pass reads from a page.
#[derive(Debug, Default)]
struct Scanned {
    /// The visible words, in order (none from scripts, styles, templates or the head).
    words: Vec<PageWord>,
    /// The canonical URL (`<link rel="canonical">`, else `og:url`).
    canonical: Option<String>,
    /// The deepest nesting of elements (those a tree builder closes by itself left out).
    depth: usize,
}

/// Elements whose text is never shown as the page's text.
const HIDDEN: [&[u8]; 8] = [b"script", b"style", b"noscript", b"template", b"title", b"textarea", b"svg", b"head"];

/// Elements inside a run of text: a word goes on across them (`<em>Ok</em>afor` is one word). Every other tag
/// separates words, as a browser lays out blocks.
const INLINE: [&[u8]; 24] = [
    b"a", b"abbr", b"b", b"bdi", b"bdo", b"cite", b"code", b"data", b"del", b"dfn", b"em", b"font", b"i", b"ins",
    b"kbd", b"mark", b"q", b"s", b"small", b"span", b"strong", b"sub", b"sup", b"u",
];

/// Elements without content, and elements whose end a tree builder implies: neither deepens the page.
const NOT_NESTING: [&[u8]; 27] = [
    b"area",
    b"base",
    b"br",
    b"col",
    b"embed",
    b"hr",
    b"img",
    b"input",
    b"link",
    b"meta",
    b"source",
    b"track",
    b"wbr",
    b"p",
    b"li",
    b"dt",
    b"dd",
    b"option",
    b"optgroup",
    b"tr",
    b"td",
    b"th",
    b"thead",
    b"tbody",
    b"tfoot",
    b"rp",
    b"rt",
];

/// The visible words of the page with their spans, its canonical URL and how deep its elements nest.
fn scan(html: &str) -> Scanned {
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    emitter.naively_switch_states(true);
    let mut scanned = Scanned::default();
    let mut og_url = None;
    let mut hidden: Vec<Vec<u8>> = Vec::new();
    let mut depth = 0usize;
    let mut word: Option<PageWord> = None;
    let end_word = |word: &mut Option<PageWord>, words: &mut Vec<PageWord>| {
        if let Some(done) = word.take() {
            words.push(done);
        }
    };
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = tag.name.to_ascii_lowercase();
                let attribute = |key: &[u8]| {
                    tag.attributes.get(key).map(|value| String::from_utf8_lossy(&value.value).into_owned())
                };
                if name == b"link" && attribute(b"rel").is_some_and(|rel| rel.eq_ignore_ascii_case("canonical")) {
                    scanned.canonical = scanned.canonical.or(attribute(b"href"));
                } else if name == b"meta" && attribute(b"property").is_some_and(|p| p.eq_ignore_ascii_case("og:url")) {
                    og_url = og_url.or(attribute(b"content"));
                }
                if !INLINE.contains(&name.as_slice()) {
                    end_word(&mut word, &mut scanned.words);
                }
                if !tag.self_closing && !NOT_NESTING.contains(&name.as_slice()) {
                    depth += 1;
                    scanned.depth = scanned.depth.max(depth);
                }
                if HIDDEN.contains(&name.as_slice()) && !tag.self_closing {
                    hidden.push(name);
                }
            }
            Token::EndTag(tag) => {
                let name = tag.name.to_ascii_lowercase();
                if !INLINE.contains(&name.as_slice()) {
                    end_word(&mut word, &mut scanned.words);
                }
                if !NOT_NESTING.contains(&name.as_slice()) {
                    depth = depth.saturating_sub(1);
                }
                if let Some(open) = hidden.iter().rposition(|open| *open == name) {
                    hidden.truncate(open);
                }
            }
            Token::String(run) if hidden.is_empty() => {
                let raw = &html[run.span.start..run.span.end];
                let decoded = String::from_utf8_lossy(&run.value);
                for (c, start, end) in aligned_chars(&decoded, raw, run.span.start) {
                    if c.is_whitespace() {
                        end_word(&mut word, &mut scanned.words);
                    } else {
                        let current = word.get_or_insert_with(|| PageWord { text: String::new(), start, end });
                        current.text.push(c);
                        current.end = end;
                    }
                }
            }
            Token::Comment(_) | Token::Doctype(_) => end_word(&mut word, &mut scanned.words),
            _ => {}
        }
    }
    end_word(&mut word, &mut scanned.words);
    scanned.canonical = scanned.canonical.or(og_url);
    scanned
}

/// Each character of `decoded` (a run of text as the tokenizer decoded it) with the bytes of `raw` (the same run
/// as written in the page, at `base`) it was read from: itself, or the whole character reference (`&rsquo;`)
/// it stands for. A carriage return the tokenizer dropped is skipped.
fn aligned_chars(decoded: &str, raw: &str, base: usize) -> Vec<(char, usize, usize)> {
    let mut out = Vec::with_capacity(decoded.len());
    if decoded == raw {
        out.extend(raw.char_indices().map(|(i, c)| (c, base + i, base + i + c.len_utf8())));
        return out;
    }
    let mut at = 0;
    for (index, c) in decoded.char_indices() {
        let rest = &raw[at.min(raw.len())..];
        if rest.starts_with('\r') && c == '\n' {
            at += if rest.starts_with("\r\n") { 1 } else { 0 };
        }
        let rest = &raw[at.min(raw.len())..];
        if rest.starts_with('&') {
            // A character reference (or a bare `&`): it ends where the rest of the raw run lines up with the rest of the decoded.
            let following: String = decoded[index + c.len_utf8()..].chars().take(8).collect();
            let end = (1..=rest.len().min(40))
                .filter(|&len| rest.is_char_boundary(len))
                .find(|&len| rest[len..].starts_with(following.as_str()) && !following.is_empty())
                .unwrap_or_else(|| reference_len(rest));
            out.push((c, base + at, base + at + end));
            at += end;
            continue;
        }
        if rest.starts_with(c) {
            out.push((c, base + at, base + at + c.len_utf8()));
            at += c.len_utf8();
            continue;
        }
        // Anything else the tokenizer changed (a NUL made U+FFFD): one character for one.
        let len = rest.chars().next().map_or(0, char::len_utf8);
        out.push((c, base + at, base + at + len));
        at += len;
    }
    out
}

/// The length of the character reference at the start of `rest`: `&name;`, `&#123;`, `&#x1F;`, or without the `;`.
fn reference_len(rest: &str) -> usize {
    let body = rest[1..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '#')).map_or(rest.len(), |i| i + 1);
    if rest[body..].starts_with(';') { body + 1 } else { body }
}

/// Matches each word of `text` to a word of the page, in order: the next page word when it is the same, else the
/// first place after the last match (else anywhere) where it and the words after it stand in the same order.
/// A word matched nowhere is left out of the map.
fn align(text: &str, page: &[PageWord], lines: &LineIndex, html: &str) -> OffsetMap {
    /// How many following words confirm a match found by search.
    const CONFIRM: usize = 3;
    let mut places: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, word) in page.iter().enumerate() {
        places.entry(word.text.as_str()).or_default().push(index);
    }
    let words: Vec<(usize, &str)> = word_spans(text).collect();
    let confirmed = |at: usize, k: usize| {
        (1..=CONFIRM).all(|i| match (words.get(k + i), page.get(at + i)) {
            (Some((_, want)), Some(found)) => *want == found.text,
            (None, _) => true,
            (Some(_), None) => false,
        })
    };
    let mut map = OffsetMap::default();
    let mut next = 0;
    for (k, &(start, word)) in words.iter().enumerate() {
        let found = if page.get(next).is_some_and(|candidate| candidate.text == word) {
            Some(next)
        } else {
            let candidates = places.get(word).map(Vec::as_slice).unwrap_or_default();
            let after = &candidates[candidates.partition_point(|&at| at < next)..];
            (after.iter().copied().find(|&at| confirmed(at, k)))
                .or_else(|| candidates.iter().copied().find(|&at| confirmed(at, k)))
                .or_else(|| after.first().copied())
        };
        if let Some(at) = found {
            let matched = &page[at];
            let line = lines.line_col(html, size(matched.start), PositionEncoding::Utf8).line;
            let verbatim = html[matched.start..matched.end] == *word;
            map.push(range(start, start + word.len()), range(matched.start, matched.end), line, verbatim);
            next = at + 1;
        }
    }
    map
}

/// The words of `text` (runs without whitespace) with their offsets.
fn word_spans(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_whitespace().map(move |word| (word.as_ptr() as usize - text.as_ptr() as usize, word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_references_map_to_their_bytes() {
        let raw = "Workers&rsquo; Union &amp; co\r\nnext";
        let decoded = "Workers’ Union & co\nnext";
        let chars = aligned_chars(decoded, raw, 100);
        let apostrophe = chars.iter().find(|(c, ..)| *c == '’').unwrap();
        assert_eq!((apostrophe.1, apostrophe.2), (107, 114));
        let ampersand = chars.iter().find(|(c, ..)| *c == '&').unwrap();
        assert_eq!(&raw[ampersand.1 - 100..ampersand.2 - 100], "&amp;");
        let last = chars.last().unwrap();
        assert_eq!(&raw[last.1 - 100..last.2 - 100], "t");
        assert_eq!(chars.len(), decoded.chars().count());
    }

    #[test]
    fn a_declared_legacy_charset_is_decoded() {
        let page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"></head>\
            <body><p>Gr\xe8ve \xe0 Brest</p></body></html>"
            .to_vec();
        let decoded = decode_page(page).unwrap();
        assert!(decoded.text.contains("Grève à Brest"), "{}", decoded.text);
        assert_eq!(decoded.assumed, Some("windows-1252"));
    }

    #[test]
    fn a_page_nested_beyond_any_layout_is_refused_at_once() {
        let deep = format!("<body>{}<p>Words.</p>{}</body>", "<div>".repeat(5000), "</div>".repeat(5000));
        let started = std::time::Instant::now();
        assert_eq!(extract(&deep).unwrap_err(), PageProblem::TooDeep { depth: 5001 });
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        // Unclosed paragraphs and list items do not count: a tree builder closes them.
        let flat = format!("<body><div>{}</div></body>", "<p>A paragraph of words, left open.".repeat(2000));
        assert_eq!(scan(&flat).depth, 2);
    }

    #[test]
    fn words_in_navigation_are_not_taken_for_the_article_s_words() {
        let html = "<nav><a>Port news</a> <a>Talks resume</a></nav><article><p>Talks resume on Monday at the port.</p></article>";
        let scanned = scan(html);
        let text = "Talks resume on Monday at the port.";
        let map = align(text, &scanned.words, &LineIndex::new(html), html);
        let file = map.to_file(range(0, 12)).unwrap();
        assert_eq!(&html[file], "Talks resume");
        assert!(usize::from(file.start()) > html.find("<article>").unwrap());
    }
}
