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
use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Span, Tokenizer};

use super::decode::{self, Decoded, Undecodable};
use crate::corpus::{Described, OffsetMap};
use crate::text::{range, size};

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
    super::contained(|| extract(html)).unwrap_or_else(|message| Err(PageProblem::ExtractorFailed { message }))
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
    let parsed = without_inert(html, &scanned.inert);
    let mut readability =
        dom_smoothie::Readability::new(parsed.as_str(), None, Some(config)).map_err(|_| PageProblem::NoText)?;
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
    let map = align(&text, &scanned, html);
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

/// One visible word of the page: its bytes in the page, where its text is in [`Scanned::letters`], its line.
#[derive(Debug)]
struct PageWord {
    start: usize,
    end: usize,
    letters: (u32, u32),
    line: u32,
}

/// What the tokenizer pass reads from a page.
#[derive(Debug, Default)]
struct Scanned {
    /// The visible words, in order (none from scripts, styles, templates or the head).
    words: Vec<PageWord>,
    /// The decoded text of the words, one after the other.
    letters: String,
    /// The canonical URL (`<link rel="canonical">`, else `og:url`).
    canonical: Option<String>,
    /// The deepest nesting of elements (those a tree builder closes by itself left out).
    depth: usize,
    /// What the extractor need not parse: the contents of scripts (JSON-LD kept) and styles, and comments.
    inert: Vec<std::ops::Range<usize>>,
}

impl Scanned {
    /// The text of page word `index`.
    fn word(&self, index: usize) -> &str {
        let (start, end) = self.words[index].letters;
        &self.letters[start as usize..end as usize]
    }
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

/// The words being collected, with the line count kept up to date as they advance through the page.
struct WordBuilder<'a> {
    html: &'a str,
    scanned: Scanned,
    open: Option<PageWord>,
    /// The line of `counted` (from 0), and how far newlines have been counted.
    line: u32,
    counted: usize,
}

impl WordBuilder<'_> {
    /// One more character of the visible text, read from `start..end` of the page.
    fn push(&mut self, c: char, start: usize, end: usize) {
        if c.is_whitespace() {
            return self.end_word();
        }
        let mut letter = [0; 4];
        self.push_letters(c.encode_utf8(&mut letter), start);
        // A character reference stands for fewer bytes than it is written with: the word ends after it.
        if let Some(word) = self.open.as_mut() {
            word.end = end;
        }
    }

    /// A run of the visible text written in the page as it reads, at `base`: its words at once.
    fn push_verbatim(&mut self, run: &str, base: usize) {
        let mut rest = run;
        while !rest.is_empty() {
            let offset = run.len() - rest.len();
            match rest.find(char::is_whitespace) {
                Some(0) => {
                    self.end_word();
                    let space = rest.chars().next().map_or(1, char::len_utf8);
                    rest = &rest[space..];
                }
                found => {
                    let word = &rest[..found.unwrap_or(rest.len())];
                    self.push_letters(word, base + offset);
                    rest = &rest[word.len()..];
                }
            }
        }
    }

    /// Letters (no whitespace) read from the page at `start`: they start a word or go on with the open one.
    fn push_letters(&mut self, letters: &str, start: usize) {
        let end = start + letters.len();
        if self.open.is_none() {
            self.line += memchr::memchr_iter(b'\n', &self.html.as_bytes()[self.counted..start]).count() as u32;
            self.counted = start;
            let at = self.scanned.letters.len() as u32;
            self.open = Some(PageWord { start, end, letters: (at, at), line: self.line });
        }
        self.scanned.letters.push_str(letters);
        let word = self.open.as_mut().expect("a word is open");
        word.end = end;
        word.letters.1 = self.scanned.letters.len() as u32;
    }

    fn end_word(&mut self) {
        if let Some(word) = self.open.take() {
            self.scanned.words.push(word);
        }
    }
}

/// The visible words of the page with their spans and lines, its canonical URL, how deep its elements nest, and
/// the parts the extractor need not parse. The tokenizer reports each piece of the page to [`Scan::event`] as it
/// reads it; nothing is allocated per tag.
fn scan(html: &str) -> Scanned {
    let mut scan = Scan {
        words: WordBuilder { html, scanned: Scanned::default(), open: None, line: 0, counted: 0 },
        og_url: None,
        hidden: Vec::new(),
        depth: 0,
        inert_from: None,
        tag: Vec::new(),
        tag_start: 0,
        attribute: Vec::new(),
        wanted: None,
        attributes: TagAttributes::default(),
    };
    let mut emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, span: Span<usize>| {
        scan.event(event, span);
        None::<()>
    });
    emitter.naively_switch_states(true);
    Tokenizer::new_with_emitter(html, emitter).for_each(drop);
    let mut scanned = scan.words.scanned;
    scanned.canonical = scanned.canonical.or(scan.og_url);
    scanned
}

/// The attributes of the tag being read that the scan uses.
#[derive(Default)]
struct TagAttributes {
    rel: Option<String>,
    href: Option<String>,
    property: Option<String>,
    content: Option<String>,
    kind: Option<String>,
}

/// The state of [`scan`] between the tokenizer's events.
struct Scan<'a> {
    words: WordBuilder<'a>,
    og_url: Option<String>,
    /// The hidden elements open (their names as in [`HIDDEN`]).
    hidden: Vec<&'static [u8]>,
    depth: usize,
    /// Where the contents of an open script or style start, unless it is JSON-LD.
    inert_from: Option<usize>,
    /// The name of the start tag being read, lower-cased, and where it starts.
    tag: Vec<u8>,
    tag_start: usize,
    /// The attribute being read, and which of [`TagAttributes`] it fills, if any.
    attribute: Vec<u8>,
    wanted: Option<fn(&mut TagAttributes) -> &mut Option<String>>,
    attributes: TagAttributes,
}

impl Scan<'_> {
    fn event(&mut self, event: CallbackEvent<'_>, span: Span<usize>) {
        match event {
            CallbackEvent::OpenStartTag { name } => {
                self.tag.clear();
                self.tag.extend(name.iter().map(u8::to_ascii_lowercase));
                self.tag_start = span.start;
                self.attributes = TagAttributes::default();
                self.wanted = None;
            }
            CallbackEvent::AttributeName { name } => {
                self.attribute.clear();
                self.attribute.extend(name.iter().map(u8::to_ascii_lowercase));
                let tag = self.tag.as_slice();
                let in_head = matches!(tag, b"link" | b"meta" | b"script" | b"style");
                self.wanted = match self.attribute.as_slice() {
                    b"rel" if in_head => Some(|a| &mut a.rel),
                    b"href" if in_head => Some(|a| &mut a.href),
                    b"property" if in_head => Some(|a| &mut a.property),
                    b"content" if in_head => Some(|a| &mut a.content),
                    b"type" if in_head => Some(|a| &mut a.kind),
                    _ => None,
                };
            }
            CallbackEvent::AttributeValue { value } => {
                if let Some(field) = self.wanted {
                    field(&mut self.attributes).get_or_insert_default().push_str(&String::from_utf8_lossy(value));
                }
            }
            CallbackEvent::CloseStartTag { self_closing } => self.start_tag(self_closing, span.end),
            CallbackEvent::EndTag { name } => {
                let is = |known: &[u8]| name.eq_ignore_ascii_case(known);
                if !INLINE.iter().any(|known| is(known)) {
                    self.words.end_word();
                }
                if !NOT_NESTING.iter().any(|known| is(known)) {
                    self.depth = self.depth.saturating_sub(1);
                }
                if let Some(from) = self.inert_from.take().filter(|_| is(b"script") || is(b"style")) {
                    self.words.scanned.inert.push(from..span.start.max(from));
                }
                if let Some(open) = self.hidden.iter().rposition(|open| is(open)) {
                    self.hidden.truncate(open);
                }
            }
            CallbackEvent::String { value } if self.hidden.is_empty() => {
                let raw = &self.words.html[span.start..span.end];
                if value == raw.as_bytes() {
                    self.words.push_verbatim(raw, span.start);
                } else {
                    let decoded = String::from_utf8_lossy(value);
                    let words = &mut self.words;
                    aligned_chars(&decoded, raw, span.start, |c, start, end| words.push(c, start, end));
                }
            }
            CallbackEvent::Comment { .. } => {
                self.words.end_word();
                self.words.scanned.inert.push(span.start..span.end);
            }
            CallbackEvent::Doctype { .. } => self.words.end_word(),
            _ => {}
        }
    }

    /// A start tag read whole, up to `end`.
    fn start_tag(&mut self, self_closing: bool, end: usize) {
        let name = std::mem::take(&mut self.tag);
        let attributes = std::mem::take(&mut self.attributes);
        let is =
            |value: &Option<String>, wanted: &str| value.as_deref().is_some_and(|v| v.eq_ignore_ascii_case(wanted));
        match name.as_slice() {
            b"link" if is(&attributes.rel, "canonical") => {
                let scanned = &mut self.words.scanned;
                scanned.canonical = scanned.canonical.take().or(attributes.href);
            }
            b"meta" if is(&attributes.property, "og:url") => self.og_url = self.og_url.take().or(attributes.content),
            b"script" | b"style" if !is(&attributes.kind, "application/ld+json") => self.inert_from = Some(end),
            _ => {}
        }
        let known = |list: &[&[u8]]| list.contains(&name.as_slice());
        if !known(&INLINE) {
            self.words.end_word();
        }
        if !self_closing && !known(&NOT_NESTING) {
            self.depth += 1;
            self.words.scanned.depth = self.words.scanned.depth.max(self.depth);
        }
        if let Some(hidden) = HIDDEN.iter().find(|hidden| **hidden == name.as_slice()).filter(|_| !self_closing) {
            self.hidden.push(hidden);
        }
        self.tag = name;
    }
}

/// The page without what the extractor need not parse (see [`Scanned::inert`]): what it reads is unchanged, and
/// a page that is mostly scripts is parsed in a fraction of the time.
fn without_inert(html: &str, inert: &[std::ops::Range<usize>]) -> String {
    let mut kept = String::with_capacity(html.len());
    let mut from = 0;
    for range in inert {
        if range.start < from || !html.is_char_boundary(range.start) || !html.is_char_boundary(range.end) {
            continue;
        }
        kept.push_str(&html[from..range.start]);
        from = range.end;
    }
    kept.push_str(&html[from..]);
    kept
}

/// Each character of `decoded` (a run of text as the tokenizer decoded it) with the bytes of `raw` (the same run
/// as written in the page, at `base`) it was read from, given to `each`: itself, or the whole character reference
/// (`&rsquo;`) it stands for. A carriage return the tokenizer dropped is skipped.
fn aligned_chars(decoded: &str, raw: &str, base: usize, mut each: impl FnMut(char, usize, usize)) {
    let mut at = 0;
    for (index, c) in decoded.char_indices() {
        let rest = &raw[at.min(raw.len())..];
        if rest.starts_with('\r') && c == '\n' {
            at += usize::from(rest.starts_with("\r\n"));
        }
        let rest = &raw[at.min(raw.len())..];
        if rest.starts_with('&') {
            // A character reference (or a bare `&`): it ends where the rest of the raw run lines up with the rest
            // of the decoded.
            let following: String = decoded[index + c.len_utf8()..].chars().take(8).collect();
            let end = (1..=rest.len().min(40))
                .filter(|&len| rest.is_char_boundary(len))
                .find(|&len| rest[len..].starts_with(following.as_str()) && !following.is_empty())
                .unwrap_or_else(|| reference_len(rest));
            each(c, base + at, base + at + end);
            at += end;
            continue;
        }
        // The character itself, or anything else the tokenizer changed (a NUL made U+FFFD): one for one.
        let len = if rest.starts_with(c) { c.len_utf8() } else { rest.chars().next().map_or(0, char::len_utf8) };
        each(c, base + at, base + at + len);
        at += len;
    }
}

/// The length of the character reference at the start of `rest`: `&name;`, `&#123;`, `&#x1F;`, or without the `;`.
fn reference_len(rest: &str) -> usize {
    let body = rest[1..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '#')).map_or(rest.len(), |i| i + 1);
    if rest[body..].starts_with(';') { body + 1 } else { body }
}

/// Matches each word of `text` to a word of the page, in order: the next page word when it is the same, else the
/// first place after the last match (else anywhere) where it and the words after it stand in the same order.
/// A word matched nowhere is left out of the map.
fn align(text: &str, page: &Scanned, html: &str) -> OffsetMap {
    /// How many following words confirm a match found by search.
    const CONFIRM: usize = 3;
    /// How far ahead a word is looked for before the whole page is (the navigation or an advert skipped).
    const AHEAD: usize = 4096;
    let words: Vec<(usize, &str)> = word_spans(text).collect();
    let count = page.words.len();
    let confirmed = |at: usize, k: usize| {
        (1..=CONFIRM).all(|i| match words.get(k + i) {
            None => true,
            Some((_, want)) => at + i < count && page.word(at + i) == *want,
        })
    };
    // Every place of every page word, made the first time a word is not found ahead.
    let mut places: Option<HashMap<&str, Vec<usize>>> = None;
    let mut map = OffsetMap::new(super::cache::content_hash(html));
    let mut next = 0;
    let mut previous_end = None;
    for (k, &(start, word)) in words.iter().enumerate() {
        let found = if next < count && page.word(next) == word {
            Some(next)
        } else {
            (next..count.min(next + AHEAD)).find(|&at| page.word(at) == word && confirmed(at, k)).or_else(|| {
                let places = places.get_or_insert_with(|| {
                    let mut places: HashMap<&str, Vec<usize>> = HashMap::new();
                    for index in 0..count {
                        places.entry(page.word(index)).or_default().push(index);
                    }
                    places
                });
                let candidates = places.get(word).map(Vec::as_slice).unwrap_or_default();
                let after = &candidates[candidates.partition_point(|&at| at < next)..];
                (after.iter().copied().find(|&at| confirmed(at, k)))
                    .or_else(|| candidates.iter().copied().find(|&at| confirmed(at, k)))
                    .or_else(|| after.first().copied())
            })
        };
        if let Some(at) = found {
            let matched = &page.words[at];
            let verbatim = html[matched.start..matched.end] == *word;
            let (text_range, file_range) = (range(start, start + word.len()), range(matched.start, matched.end));
            // A word that goes on a run written the same in the text and the page (the same space between, on
            // the same line) lengthens it.
            let joins = verbatim
                && previous_end.is_some_and(|(text_end, file_end): (usize, usize)| {
                    file_end <= matched.start
                        && map.last_ends_verbatim_at(size(text_end), size(file_end))
                        && text[text_end..start] == html[file_end..matched.start]
                        && !text[text_end..start].contains('\n')
                });
            if joins {
                map.extend_last(text_range.end(), file_range.end());
            } else {
                map.push(text_range, file_range, matched.line, verbatim);
            }
            previous_end = Some((start + word.len(), matched.end));
            next = at + 1;
        }
    }
    map.shrink_to_fit();
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
        let mut chars = Vec::new();
        aligned_chars(decoded, raw, 100, |c, start, end| chars.push((c, start, end)));
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
        let map = align(text, &scanned, html);
        let file = map.to_file(range(0, 12)).unwrap();
        assert_eq!(&html[file], "Talks resume");
        assert!(usize::from(file.start()) > html.find("<article>").unwrap());
    }
}
