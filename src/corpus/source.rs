//! One source article: its text and what is read from it once (front matter, title, date, sentences), and its
//! entity candidates, found when the corpus is completed.

use std::path::PathBuf;
use std::sync::{LazyLock, OnceLock};

use regex::Regex;

use super::blocks::{BlockIndex, Tokens};
use super::origin::OffsetMap;
use super::pages::Pages;
use super::quotes::{self, Folded, NearMiss, QuotePattern, TooComplex};
use super::{entities, sentences};
use crate::text::{LineIndex, TextRange, TextSize, range};

/// A source article, indexed.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Source {
    /// The id notes cite it by: its file stem.
    pub id: String,
    /// Where it was read from, for go-to-definition and messages.
    pub path: PathBuf,
    /// The whole file text; not part of a saved index, which is kept beside the files it was made from.
    #[serde(skip)]
    pub text: String,
    /// The article body: the text after any front matter.
    pub body: TextRange,
    /// The title from the front matter, else the first meaningful line.
    pub title: String,
    /// The date as `YYYY-MM-DD` (or `YYYY-MM`, `YYYY` when the front matter says no more), from the front matter or
    /// the first lines of the text.
    pub date: Option<String>,
    /// The `url` of the front matter.
    pub url: Option<String>,
    /// Who wrote it and where it appeared, for its bibliography entry.
    pub meta: SourceMeta,
    /// What the file is: plain text, or a saved web page whose text was extracted.
    pub format: SourceFormat,
    /// Where the words of the text stand in the file, when the text was extracted from it (a saved web page):
    /// positions shown to the writer are in the file.
    pub origin: Option<OffsetMap>,
    /// The pages of a text extracted from a paged file (a PDF): positions shown to the writer are in the text, which
    /// the editor shows in place of the file, and each is on a page.
    pub pages: Option<Pages>,
    /// The encoding the file was decoded from (`windows-1252`, `UTF-16LE`, …), when it is not UTF-8: what was
    /// assumed, shown with the article.
    pub encoding: Option<String>,
    /// The sentences of the body, in order.
    pub sentences: Vec<TextRange>,
    /// The page furniture of the body (navigation, labels, publisher notes), in order: never a title, never offered
    /// as a quote.
    pub furniture: Vec<TextRange>,
    /// Entity name candidates found in this article, which the corpus clusters: found when the corpus is
    /// completed ([`super::Corpus::completed`]), after the article is ready for citations and quotes, and saved
    /// with it.
    #[serde(with = "saved_once")]
    pub(crate) candidates: OnceLock<entities::ArticleCandidates>,
    /// The line starts of the text, for positions in it; made again from the text when a saved index is read.
    #[serde(skip)]
    line_index: LineIndex,
    /// Blocks with the words they hold, when the article is large; made again from the text like the lines.
    #[serde(skip)]
    blocks: Option<BlockIndex>,
}

impl Source {
    /// Reads everything marginalia needs from one article's text.
    pub fn new(id: String, path: PathBuf, text: String) -> Source {
        let front_matter = FrontMatter::parse(&text);
        let body = front_matter.body;
        let sentences = sentences::split(&text, body);
        // Page furniture, found once: the title never comes from it, and its names rank last.
        let furniture = entities::furniture(&text, body);
        let title = (front_matter.title.clone())
            .or_else(|| super::scraped::title(&text, body, &sentences, &furniture))
            .unwrap_or_else(|| first_meaningful_line(&text[body]));
        let date = front_matter.date.as_deref().and_then(|date| find_date(date).or_else(|| year_or_month(date)));
        let date = date.or_else(|| super::scraped::date(&text[body]));
        let (line_index, blocks) = (LineIndex::new(&text), BlockIndex::build(&text, body));
        let mut meta = front_matter.meta;
        if meta.authors.is_empty() {
            meta.authors = byline(&text[body]);
        }
        if meta.outlet.is_none() {
            meta.outlet = super::scraped::outlet(&text[body]);
        }
        Source {
            id,
            path,
            title,
            date,
            url: front_matter.url,
            meta,
            encoding: None,
            format: SourceFormat::Text,
            origin: None,
            pages: None,
            body,
            sentences,
            furniture,
            candidates: OnceLock::new(),
            text,
            line_index,
            blocks,
        }
    }

    /// Reads an article whose `text` was extracted from a file in another `format`, which `described` it (its
    /// metadata overrides what the text says) and where `origin` places its words.
    pub fn extracted(
        id: String,
        path: PathBuf,
        text: String,
        format: SourceFormat,
        described: Described,
        origin: OffsetMap,
    ) -> Source {
        let mut source = Source::new(id, path, text).described(described);
        source.format = format;
        source.origin = Some(origin);
        source
    }

    /// Reads an article whose `text` was extracted from a paged file (a PDF), which `described` it, with its `pages`.
    pub fn paged(id: String, path: PathBuf, text: String, described: Described, pages: Pages) -> Source {
        let mut source = Source::new(id, path, text).described(described);
        source.format = SourceFormat::Pdf;
        source.pages = Some(pages);
        source
    }

    /// The source with what its file says of itself over what its text says.
    fn described(mut self, described: Described) -> Source {
        let Described { title, date, url, authors, outlet, language } = described;
        if let Some(title) = title {
            self.title = title;
        }
        if let Some(date) = date.as_deref().and_then(|date| find_date(date).or_else(|| year_or_month(date))) {
            self.date = Some(date);
        }
        self.url = url.or(self.url);
        if !authors.is_empty() {
            self.meta.authors = authors;
        }
        self.meta.outlet = outlet.or(self.meta.outlet);
        self.meta.language = language.or(self.meta.language);
        self
    }

    /// The entity candidates of the article, found now unless they were already, with the counts of its words when
    /// they were found now (`None` when they had been: the caller that found them counted them).
    pub(crate) fn candidates(&self) -> (&entities::ArticleCandidates, Option<entities::WordStats>) {
        let mut counted = None;
        let candidates = self.candidates.get_or_init(|| {
            let (candidates, counts) = entities::extract(&self.text, &self.sentences, &self.furniture);
            counted = Some(counts);
            candidates
        });
        (candidates, counted)
    }

    /// Whether `range` lies in the page furniture.
    pub fn is_furniture(&self, range: TextRange) -> bool {
        let after = self.furniture.partition_point(|f| f.end() <= range.start());
        self.furniture.get(after).is_some_and(|f| f.contains_range(range))
    }

    /// Gives a source read back from a saved index its text, and what is made from the text alone.
    pub(crate) fn set_text(&mut self, text: String) {
        self.line_index = LineIndex::new(&text);
        self.blocks = BlockIndex::build(&text, self.body);
        self.text = text;
    }

    /// The sentence that contains `offset`, or the nearest one before it.
    pub fn sentence_at(&self, offset: TextSize) -> Option<TextRange> {
        let index = self.sentences.partition_point(|s| s.end() < offset);
        self.sentences
            .get(index)
            .filter(|s| s.start() <= offset)
            .or_else(|| index.checked_sub(1).and_then(|i| self.sentences.get(i)))
            .copied()
    }

    /// The sentences that overlap `range`, joined into one range.
    pub fn sentences_around(&self, target: TextRange) -> TextRange {
        let first = self.sentence_at(target.start()).unwrap_or(target);
        let last = self.sentence_at(target.end()).unwrap_or(target);
        first.cover(last).cover(target)
    }

    /// The first `lines` non-empty lines of the body, for previews.
    pub fn opening_lines(&self, lines: usize) -> Vec<&str> {
        self.text[self.body].lines().map(str::trim).filter(|line| !line.is_empty()).take(lines).collect()
    }

    /// The line (from 1) the writer finds the text at `offset` on, in the article's file.
    pub fn line_number(&self, offset: TextSize) -> u32 {
        let line = match &self.origin {
            Some(origin) => origin.line_at(offset),
            None => None,
        };
        1 + line
            .unwrap_or_else(|| self.line_index.line_col(&self.text, offset, crate::text::PositionEncoding::Utf32).line)
    }

    /// Where the writer finds `range` in the article's file: its page in a PDF (`p. 4`, `pp. 4–5`), else the line
    /// it starts on (`line 12`).
    pub fn place(&self, range: TextRange) -> String {
        match &self.pages {
            Some(pages) => pages.cite(range),
            None => format!("line {}", self.line_number(range.start())),
        }
    }

    /// The line index of the text.
    pub fn line_index(&self) -> &LineIndex {
        &self.line_index
    }

    /// The parts of the body where `tokens` may all occur within `span` bytes: the whole body, or in a large
    /// article the windows around its blocks that hold them (see `blocks`).
    pub fn windows(&self, tokens: &Tokens, span: usize) -> Vec<TextRange> {
        match &self.blocks {
            None => vec![self.body],
            Some(blocks) => blocks.candidates(&self.text, tokens, span),
        }
    }

    /// The parts of the body a search for `pattern` must read.
    fn search_windows(&self, pattern: &QuotePattern) -> Vec<TextRange> {
        // Folding can shorten a text (runs of whitespace become one space): allow twice the folded span.
        self.windows(&Tokens::of(&pattern.folded), 2 * pattern.max_folded_len() + 1024)
    }

    /// The places in the body where `pattern` occurs, in order, at most `limit` of them.
    pub fn find(&self, pattern: &QuotePattern, limit: usize) -> Result<Vec<TextRange>, TooComplex> {
        let mut found = Vec::new();
        for window in self.search_windows(pattern) {
            found.extend(pattern.find_all(&Folded::new(&self.text, window), &self.text)?);
            if found.len() >= limit {
                found.truncate(limit);
                break;
            }
        }
        Ok(found)
    }

    /// The places in the body where the quote `quote` (as written in a note) occurs, at most `limit`; none when it
    /// has no words.
    pub fn find_quote(&self, quote: &str, limit: usize) -> Result<Vec<TextRange>, TooComplex> {
        match QuotePattern::new(quote) {
            Some(pattern) => self.find(&pattern, limit),
            None => Ok(Vec::new()),
        }
    }

    /// Up to `limit` passages of the body closest to `quote`, best first, none overlapping another; in a large
    /// article, among the blocks that share the most words with it.
    pub fn closest_passages(&self, quote: &str, limit: usize) -> Vec<NearMiss> {
        /// Windows of a large article compared with the quote.
        const WINDOWS: usize = 3;
        let Some(blocks) = &self.blocks else {
            return quotes::closest_passages(&self.text, self.body, quote, limit);
        };
        let tokens = Tokens::of(&quotes::fold_quote(quote));
        let mut found: Vec<NearMiss> = blocks
            .best(&tokens, WINDOWS)
            .into_iter()
            .flat_map(|window| quotes::closest_passages(&self.text, window, quote, limit))
            .collect();
        found.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then(a.range.start().cmp(&b.range.start())));
        let mut kept: Vec<NearMiss> = Vec::new();
        for miss in found {
            if kept.len() < limit && !kept.iter().any(|k| k.range.intersect(miss.range).is_some_and(|r| !r.is_empty()))
            {
                kept.push(miss);
            }
        }
        kept
    }

    /// Whether the article is large enough to be searched by its blocks (see `blocks`).
    pub fn is_large(&self) -> bool {
        self.blocks.is_some()
    }

    /// The memory taken by the block index of a large article, in bytes.
    pub fn block_index_bytes(&self) -> usize {
        self.blocks.as_ref().map_or(0, BlockIndex::bytes)
    }
}

/// The kind of file an article was read from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SourceFormat {
    /// A text file (`.txt`), the text itself.
    #[default]
    Text,
    /// A Markdown file (`.md`), the text itself.
    Markdown,
    /// A saved web page (`.html`, `.htm`), its main text extracted.
    Html,
    /// A PDF, its text extracted page by page.
    Pdf,
}

impl SourceFormat {
    /// The name shown to the writer and in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            SourceFormat::Text => "text",
            SourceFormat::Markdown => "markdown",
            SourceFormat::Html => "html",
            SourceFormat::Pdf => "pdf",
        }
    }
}

/// What a file says of itself (a page's `<title>`, its OpenGraph and JSON-LD metadata), over what its text says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Described {
    /// The headline.
    pub title: Option<String>,
    /// The publication date as written (an ISO timestamp, a date).
    pub date: Option<String>,
    /// The canonical URL.
    pub url: Option<String>,
    /// The authors, in order.
    pub authors: Vec<String>,
    /// The site or newspaper.
    pub outlet: Option<String>,
    /// The language (`en`, `fr-FR`).
    pub language: Option<String>,
}

/// What an article says about itself beyond its title, date and URL: from its front matter (`author`, `authors`,
/// `outlet`, `publisher`, `type`, `accessed`, …), else from a byline (`By Jane Doe and John Roe`) in its first lines.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceMeta {
    /// The authors as written, in order.
    pub authors: Vec<String>,
    /// The newspaper, site or journal it appeared in.
    pub outlet: Option<String>,
    /// Who published it, when that is not the outlet (a report's institution).
    pub publisher: Option<String>,
    /// The CSL type the front matter names (`report`, `webpage`, …).
    pub kind: Option<String>,
    /// When it was read or saved, as written.
    pub accessed: Option<String>,
    /// The language it is written in, as the front matter gives it (`en`, `fr-FR`).
    pub language: Option<String>,
}

struct FrontMatter {
    title: Option<String>,
    date: Option<String>,
    url: Option<String>,
    meta: SourceMeta,
    body: TextRange,
}

impl FrontMatter {
    fn none(text: &str) -> FrontMatter {
        FrontMatter { title: None, date: None, url: None, meta: SourceMeta::default(), body: range(0, text.len()) }
    }

    /// Reads `---`-delimited front matter with `key: value` lines (and `- item` lists under a key with no value);
    /// other keys are ignored.
    fn parse(text: &str) -> FrontMatter {
        let mut front = FrontMatter::none(text);
        let text_without_bom = text.strip_prefix('\u{feff}').unwrap_or(text);
        let offset = text.len() - text_without_bom.len();
        let Some(rest) = text_without_bom.strip_prefix("---\n").or_else(|| text_without_bom.strip_prefix("---\r\n"))
        else {
            return front;
        };
        let header_len = text_without_bom.len() - rest.len();
        let mut consumed = 0;
        let mut list_key: Option<String> = None;
        for line in rest.split_inclusive('\n') {
            consumed += line.len();
            let line = line.trim_end();
            if line == "---" || line == "..." {
                front.body = range(offset + header_len + consumed, text.len());
                return front;
            }
            if let (Some(key), Some(item)) = (&list_key, line.trim_start().strip_prefix("- ")) {
                front.set(key, unquote(item), true);
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            list_key = value.is_empty().then(|| key.clone());
            if let Some(items) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
                for item in items.split(',') {
                    front.set(&key, unquote(item), true);
                }
            } else {
                front.set(&key, unquote(value), false);
            }
        }
        // No closing delimiter: not front matter after all.
        FrontMatter::none(text)
    }

    /// Records `value` under `key`; `listed` when it is one item of a list.
    fn set(&mut self, key: &str, value: &str, listed: bool) {
        if value.is_empty() {
            return;
        }
        let value = value.to_string();
        match key {
            "title" => self.title = Some(value),
            "date" | "published" => self.date = Some(value),
            "url" | "link" | "source" => self.url = Some(value),
            "author" | "authors" | "byline" | "creator" if listed => self.meta.authors.push(value),
            "author" | "authors" | "byline" | "creator" => self.meta.authors.extend(split_names(&value)),
            "outlet" | "container-title" | "site_name" | "site" | "newspaper" | "journal" | "publication" => {
                self.meta.outlet = Some(value)
            }
            "publisher" | "institution" => self.meta.publisher = Some(value),
            "type" => self.meta.kind = Some(value.to_ascii_lowercase()),
            "accessed" | "retrieved" | "saved" => self.meta.accessed = Some(value),
            "language" | "lang" => self.meta.language = Some(value),
            _ => {}
        }
    }
}

fn unquote(value: &str) -> &str {
    value.trim().trim_matches(['"', '\'']).trim()
}

/// The names of a list written on one line: `Jane Doe and John Roe`, `Jane Doe; John Roe`, `Jane Doe & John Roe`.
fn split_names(value: &str) -> Vec<String> {
    value
        .split(';')
        .flat_map(|part| part.split(" and "))
        .flat_map(|part| part.split(" & "))
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .collect()
}

/// The authors of a byline among the first lines of `body`: a short line `By Jane Doe, John Roe and Ann Poe`
/// whose names are each two to four capitalised words (a trailing outlet or role, `Reuters`, is left out).
fn byline(body: &str) -> Vec<String> {
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()).take(8) {
        let Some(rest) = line.strip_prefix("By ").or_else(|| line.strip_prefix("BY ")) else {
            continue;
        };
        if rest.len() > 100 {
            continue;
        }
        let names: Vec<String> = rest
            .split([',', ';', '|'])
            .flat_map(|part| part.split(" and "))
            .map(str::trim)
            .take_while(|name| {
                let words: Vec<&str> = name.split_whitespace().collect();
                (2..=4).contains(&words.len())
                    && words.iter().all(|w| {
                        w.starts_with(char::is_uppercase)
                            || matches!(*w, "de" | "van" | "von" | "da" | "al" | "bin" | "le" | "la")
                    })
            })
            .map(str::to_string)
            .collect();
        return names;
    }
    Vec::new()
}

/// The first line with at least three words (else the first non-empty line), bylines aside, shortened for display.
fn first_meaningful_line(body: &str) -> String {
    let lines = || {
        body.lines().map(|l| l.trim().trim_start_matches('#').trim()).filter(|l| !l.is_empty() && byline(l).is_empty())
    };
    let line = lines().find(|l| l.split_whitespace().count() >= 3).or_else(|| lines().next()).unwrap_or("");
    shorten(line, 100)
}

/// `text` with every run of whitespace made one space, for showing a passage on one line.
pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` cut at a word boundary to at most `max` characters, with an ellipsis when cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let at_word = cut.rfind(char::is_whitespace).filter(|&i| i > max / 2).unwrap_or(cut.len());
    format!("{}…", cut[..at_word].trim_end())
}

static DATE_PATTERNS: LazyLock<[Regex; 3]> = LazyLock::new(|| {
    [
        // ASCII classes and boundaries (`(?-u)`) keep the search fast; dates are written in ASCII digits.
        Regex::new(r"(?-u)\b(\d{4})-(\d{2})-(\d{2})(?:T|\b)").expect("valid regex"),
        Regex::new(r"(?-u)\b(\d{1,2})\s+([A-Z][a-z]{2,8})\.?,?\s+(\d{4})\b").expect("valid regex"),
        Regex::new(r"(?-u)\b([A-Z][a-z]{2,8})\.?\s+(\d{1,2}),?\s+(\d{4})\b").expect("valid regex"),
    ]
});

/// The first date written in `text`, as `YYYY-MM-DD`.
/// A front matter date given to the year or the month only: `2022`, `2022-05`.
fn year_or_month(text: &str) -> Option<String> {
    let text = text.trim();
    let (year, month) = text.split_once('-').map_or((text, None), |(y, m)| (y, Some(m)));
    let year_ok = year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit());
    let month_ok = month.is_none_or(|m| m.len() == 2 && m.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m)));
    (year_ok && month_ok).then(|| text.to_string())
}

/// A value found once, saved as an `Option`: a corpus is saved only when it is complete, so its candidates are
/// there.
mod saved_once {
    use std::sync::OnceLock;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn serialize<T: Serialize, S: Serializer>(
        value: &OnceLock<T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.get().serialize(serializer)
    }

    pub(super) fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<OnceLock<T>, D::Error> {
        let value = Option::<T>::deserialize(deserializer)?;
        Ok(value.map_or_else(OnceLock::new, OnceLock::from))
    }
}

pub(super) fn find_date(text: &str) -> Option<String> {
    let [iso, day_month, month_day] = &*DATE_PATTERNS;
    let mut found: Vec<(usize, String)> = Vec::new();
    if let Some(c) = iso.captures(text) {
        let (y, m, d) = (&c[1], &c[2], &c[3]);
        if valid(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?) {
            found.push((c.get(0)?.start(), format!("{y}-{m}-{d}")));
        }
    }
    for (pattern, day_first) in [(day_month, true), (month_day, false)] {
        for c in pattern.captures_iter(text) {
            let (day, month) = if day_first { (&c[1], &c[2]) } else { (&c[2], &c[1]) };
            let (Some(month), Ok(day), Ok(year)) = (month_number(month), day.parse::<u32>(), c[3].parse::<u32>())
            else {
                continue;
            };
            if valid(year, month, day) {
                found.push((c.get(0)?.start(), format!("{year:04}-{month:02}-{day:02}")));
                break;
            }
        }
    }
    found.into_iter().min_by_key(|(at, _)| *at).map(|(_, date)| date)
}

fn valid(year: u32, month: u32, day: u32) -> bool {
    (1800..=2200).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day)
}

fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let lower = name.to_ascii_lowercase();
    let index = MONTHS.iter().position(|m| lower.starts_with(m))?;
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ][index];
    (lower.len() <= 4 || full.starts_with(&lower)).then_some(index as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_gives_title_date_and_url() {
        let text = "---\ntitle: \"Harbour strike\"\ndate: 2024-03-05\nurl: https://example.org/a\n---\nDock workers walked out.\n";
        let source = Source::new("a".into(), "a.md".into(), text.into());
        assert_eq!(source.title, "Harbour strike");
        assert_eq!(source.date.as_deref(), Some("2024-03-05"));
        assert_eq!(source.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(&source.text[source.body], "Dock workers walked out.\n");
    }

    #[test]
    fn title_and_date_from_the_text() {
        let text = "Port news\nLast Updated : 7 Mar 2024 10:58 AM\nDock workers walked out on Monday in the port.\n";
        let source = Source::new("a".into(), "a.txt".into(), text.into());
        assert_eq!(source.title, "Dock workers walked out on Monday in the port.");
        assert_eq!(source.date.as_deref(), Some("2024-03-07"));
    }

    #[test]
    fn dates_in_words() {
        assert_eq!(find_date("Published March 5, 2024 by"), Some("2024-03-05".into()));
        assert_eq!(find_date("On 30 Sept. 2023"), Some("2023-09-30".into()));
        assert_eq!(find_date("Monday 40 March 2024"), None);
    }
}
