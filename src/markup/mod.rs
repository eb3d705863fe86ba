//! The citation markup of a note, read as Pandoc reads it: bracketed citations `[see @id, p. 3, "words"]` with
//! prefixes, locators, suffixes and quotations, several items `[@a; -@b]`, in-text citations `@id [p. 4]`, braced
//! ids `@{a.b.}`, and the wiki-style entity mentions `[[Entity]]` that are marginalia's own.
//!
//! [`parse`] never fails: it returns what it recognised together with the errors it found, so that a half-typed
//! citation still gets completions while the rest of the note is analysed. What Pandoc reads as a citation is read
//! as one here, and what it does not is left alone (a bracket Pandoc gives up on is reported, and the in-text
//! citations inside it are read as Pandoc reads them). The grammar is written down in `docs/markup.md`.

mod code;
pub mod locator;
mod scanner;

#[cfg(test)]
mod tests;

pub use locator::{Locator, LocatorLabel};

use crate::text::{TextRange, TextSize};

/// Everything marginalia recognised in one note.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoteSyntax {
    /// Citations in the order they start (a citation nested in another's prefix or suffix after it).
    pub citations: Vec<Citation>,
    /// Wiki-style entity mentions in the order they appear.
    pub mentions: Vec<EntityMention>,
    /// Malformed markup, each with its exact range.
    pub errors: Vec<SyntaxError>,
    /// Code spans, code blocks, HTML, math, link destinations and front matter: ranges where markup means nothing.
    pub ignored: Vec<TextRange>,
    /// Quotations in the prose (“…” or "…", on one line) with no citation right after them.
    pub plain_quotes: Vec<Quote>,
    /// Where Markdown parsing starts afresh, in order, the start of the text first: the top-level blocks and the
    /// items of top-level lists that begin a line. The text from one of them to the end of a later paragraph,
    /// parsed alone with [`parse_part`], has the markup and the code it has within the whole note.
    pub restarts: Vec<TextSize>,
    /// The headings, in order, as CommonMark reads them (ATX `#` and setext underlined ones).
    pub headings: Vec<Heading>,
    /// The blocks of running text, in order, as CommonMark reads them: the text of each paragraph, heading, list
    /// item (up to a nested block) and table row. A citation supports the entity mentions of its own block.
    pub blocks: Vec<TextRange>,
}

/// A heading of a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    /// 1 for `#`, up to 6.
    pub level: u8,
    /// Its text, without the `#` marks.
    pub title: String,
    /// The whole heading.
    pub range: TextRange,
}

/// One citation: a bracket with one or more items, or an in-text `@id` (with the items of a bracket after it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citation {
    /// The whole citation, brackets included.
    pub range: TextRange,
    /// Whether this is a bracketed `[@…]` citation or an in-text `@id`.
    pub kind: CitationKind,
    /// The cited items, in order.
    pub items: Vec<CiteItem>,
}

/// The two forms a citation takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CitationKind {
    /// `[@id]`, `[see @id, p. 3]`, `[@a; -@b]`.
    Bracketed,
    /// `@id` in running text, possibly with a bracket after it: `@id [p. 4]`.
    InText,
}

/// How an item names its source, as Pandoc's citation modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CiteMode {
    /// `[@id]`: author and date.
    Normal,
    /// `[-@id]`: the date alone, the author being named in the text.
    SuppressAuthor,
    /// `@id`: the author in the text.
    AuthorInText,
}

/// One `@id` of a citation, with what is written around it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CiteItem {
    /// The cited source id as written, without `@` or braces.
    pub id: String,
    /// The range of the id, without `@` or braces.
    pub id_range: TextRange,
    /// How the source is named.
    pub mode: CiteMode,
    /// The whole item: prefix, id and suffix.
    pub range: TextRange,
    /// The text before the `@`, trimmed (`see` in `[see @id]`), if any.
    pub prefix: Option<TextRange>,
    /// The text after the id up to `;` or `]` (`, p. 3, "words"`), trimmed, if any.
    pub suffix: Option<TextRange>,
    /// The locator at the start of the suffix (`p. 3`), read as Pandoc's citeproc reads it.
    pub locator: Option<Locator>,
    /// The quotations of the prefix and the suffix, in order: the words that must occur in the source.
    pub quotes: Vec<Quote>,
}

impl CiteItem {
    /// The quotation of this item that contains `offset` (inclusive at both ends), if any.
    pub fn quote_at(&self, offset: TextSize) -> Option<&Quote> {
        self.quotes.iter().find(|quote| contains_inclusive(quote.range, offset))
    }
}

/// Exact words quoted from a source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quote {
    /// The quoted words, as written between the quotation marks.
    pub text: String,
    /// The range of the quoted words, without the quotation marks.
    pub text_range: TextRange,
    /// The range including the quotation marks.
    pub range: TextRange,
}

/// A `[[Entity Name]]` or `[[Entity Name|shown text]]` mention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityMention {
    /// The entity name, trimmed.
    pub name: String,
    /// The range of the name as written (trimmed).
    pub name_range: TextRange,
    /// The whole mention, brackets included.
    pub range: TextRange,
}

/// Markup that could not be understood, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong.
    pub kind: SyntaxErrorKind,
    /// The exact range of the problem.
    pub range: TextRange,
}

/// The kinds of malformed markup: brackets meant as citations that Pandoc will not read as one, and quotations
/// that would not be checked as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// `[@id` with no `]` before the end of the paragraph.
    UnclosedCitation,
    /// `[@]`, `[@ x]`, `@{}`: an `@` with no id after it.
    EmptySourceId,
    /// `[@a; just text]`: an item without `@id`, which makes the whole bracket plain text for Pandoc.
    ItemWithoutId,
    /// `[@{two words}]`: a braced id with a space in it, which Pandoc does not read as an id.
    SpaceInBracedId,
    /// A quotation whose closing mark is missing: its words are not a quotation and would not be checked.
    UnterminatedQuote,
    /// `[@id, "words] and "more"`: a quotation that runs past the `]` of its citation, which then never closes.
    QuoteRunsPastBracket,
    /// `[@id, "moved,” he said"]`: a straight `"` after a word that closes no quotation, because the one before it
    /// ended earlier (at a `”`, or a `"` before a space): the words between are not part of it.
    StrayQuoteMark,
    /// `""`: a quotation with nothing in it.
    EmptyQuote,
    /// `"called it "a gamble""`: a straight `"` inside a quotation ends it, so the words after it are not quoted.
    QuoteClosedEarly,
    /// A `;` with no item after it, or two in a row, which makes the whole bracket plain text for Pandoc.
    StraySemicolon,
    /// `[[Name` with no `]]` on the same line.
    UnclosedEntity,
    /// `[[]]` or `[[ |text]]`.
    EmptyEntity,
}

impl SyntaxErrorKind {
    /// A one-line explanation, written for the person who typed the markup.
    pub fn message(self) -> &'static str {
        match self {
            SyntaxErrorKind::UnclosedCitation => "unclosed citation: expected `]` before the end of the paragraph",
            SyntaxErrorKind::EmptySourceId => "empty source id: expected a source id after `@`",
            SyntaxErrorKind::ItemWithoutId => {
                "not a citation: every item after `;` needs an `@source-id`, so Pandoc reads this bracket as text \
                 (to keep a `;` in a locator, write `\\;`)"
            }
            SyntaxErrorKind::SpaceInBracedId => "a source id in braces cannot contain spaces: Pandoc reads it as text",
            SyntaxErrorKind::UnterminatedQuote => {
                "unterminated quote: this quotation mark is never closed, so the words after it are not checked"
            }
            SyntaxErrorKind::QuoteRunsPastBracket => {
                "this quotation is not closed before `]`: it runs on to a later quotation mark, so the citation \
                 never closes (Pandoc reads the bracket as text)"
            }
            SyntaxErrorKind::StrayQuoteMark => {
                "this `\"` closes no quotation: the quotation before it ended at an earlier closing mark, so the \
                 words in between are not checked (use single marks '…' for a quotation inside a quotation)"
            }
            SyntaxErrorKind::EmptyQuote => "empty quote: write the exact words between the quotation marks",
            SyntaxErrorKind::QuoteClosedEarly => {
                "this quotation ends at the second `\"`: quotation marks inside a quotation must be single ones \
                 ('…'), or the words after them are not checked"
            }
            SyntaxErrorKind::StraySemicolon => {
                "stray `;`: expected `@source-id` after it (Pandoc reads this bracket as text)"
            }
            SyntaxErrorKind::UnclosedEntity => "unclosed entity mention: expected `]]` on the same line",
            SyntaxErrorKind::EmptyEntity => "empty entity mention: expected a name between `[[` and `]]`",
        }
    }
}

/// Parses the citation markup of a Markdown note.
pub fn parse(text: &str) -> NoteSyntax {
    parse_with(text, true)
}

/// Parses a part of a note that starts at one of its [`NoteSyntax::restarts`] other than the first: the same as
/// [`parse`], except that the part cannot begin with front matter.
pub fn parse_part(text: &str) -> NoteSyntax {
    parse_with(text, false)
}

fn parse_with(text: &str, at_note_start: bool) -> NoteSyntax {
    let structure = code::structure(text, at_note_start);
    let restarts = structure.restarts.clone();
    let headings = structure.headings.clone();
    let blocks = structure.text_blocks.clone();
    let mut syntax = scanner::scan(text, structure);
    syntax.plain_quotes = plain_quotes(text, &syntax);
    syntax.restarts = restarts;
    syntax.headings = headings;
    syntax.blocks = blocks;
    syntax
}

/// Whether a restart point still is one after its own line was edited: the line before it is blank and its line
/// begins with something other than a space, so that no block before it (a list, indented code, a paragraph)
/// can continue into it. Edits before a restart point always void it.
pub fn still_restarts(line_before: &str, line: &str) -> bool {
    line_before.trim().is_empty() && line.starts_with(|c: char| !c.is_whitespace())
}

/// Quotations in running text that no citation follows: candidates for "which article said this?".
fn plain_quotes(text: &str, syntax: &NoteSyntax) -> Vec<Quote> {
    static PLAIN_QUOTE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new("[\"\u{201C}]([^\"\u{201C}\u{201D}\n\\[\\]]{1,600}?)[\"\u{201D}]").expect("valid regex")
    });
    // Everything a plain quote may not overlap, sorted and merged into disjoint ranges, so that each quote is
    // checked with a binary search (a long note has tens of thousands of citations).
    let mut taken: Vec<TextRange> = (syntax.ignored.iter().copied())
        .chain(syntax.citations.iter().map(|c| c.range))
        .chain(syntax.mentions.iter().map(|m| m.range))
        .collect();
    taken.sort_by_key(|r| r.start());
    let mut disjoint: Vec<TextRange> = Vec::with_capacity(taken.len());
    for range in taken {
        match disjoint.last_mut() {
            Some(last) if range.start() < last.end() => *last = last.cover(range),
            _ => disjoint.push(range),
        }
    }
    let inside = |range: TextRange| {
        let first = disjoint.partition_point(|other| other.end() <= range.start());
        disjoint[first..]
            .iter()
            .take_while(|other| other.start() < range.end())
            .any(|other| other.intersect(range).is_some_and(|common| !common.is_empty()))
    };
    PLAIN_QUOTE
        .captures_iter(text)
        .filter_map(|captures| {
            let whole = captures.get(0)?;
            let words = captures.get(1)?;
            let range = crate::text::range(whole.start(), whole.end());
            let cited = text[whole.end()..].trim_start_matches([' ', '\t', ',', '.']).starts_with("[@");
            (!cited && !inside(range)).then(|| Quote {
                text: words.as_str().to_string(),
                text_range: crate::text::range(words.start(), words.end()),
                range,
            })
        })
        .collect()
}

impl NoteSyntax {
    /// The citation item whose id or one of whose quotations contains `offset` (inclusive at both ends); the
    /// innermost when citations are nested.
    pub fn item_at(&self, offset: text_size::TextSize) -> Option<(&Citation, &CiteItem)> {
        let mut found = None;
        for citation in self.citations.iter().filter(|c| contains_inclusive(c.range, offset)) {
            for item in &citation.items {
                if contains_inclusive(item.id_range, offset) || item.quote_at(offset).is_some() {
                    found = Some((citation, item));
                }
            }
        }
        found
    }

    /// The entity mention whose brackets contain `offset`.
    pub fn mention_at(&self, offset: text_size::TextSize) -> Option<&EntityMention> {
        self.mentions.iter().find(|mention| contains_inclusive(mention.range, offset))
    }

    /// The block of running text that `range` starts in, by its index in [`NoteSyntax::blocks`]; `None` when it
    /// starts outside every block.
    pub fn block_of(&self, range: TextRange) -> Option<usize> {
        let index = self.blocks.partition_point(|block| block.end() <= range.start());
        self.blocks.get(index).is_some_and(|block| block.start() <= range.start()).then_some(index)
    }

    /// Whether `offset` lies inside code, HTML or front matter.
    pub fn is_ignored(&self, offset: text_size::TextSize) -> bool {
        self.ignored.iter().any(|range| range.contains(offset))
    }
}

/// Whether `range` contains `offset`, counting its end: a cursor just after a word still touches it.
pub fn contains_inclusive(range: TextRange, offset: text_size::TextSize) -> bool {
    range.start() <= offset && offset <= range.end()
}

/// Whether `c` is a letter or a digit as Pandoc counts them: Unicode general category L* or N* (combining marks
/// and symbols that Rust calls alphabetic are not).
pub fn is_letter_or_digit(c: char) -> bool {
    use unicode_general_category::{GeneralCategory as G, get_general_category};
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    matches!(
        get_general_category(c),
        G::UppercaseLetter
            | G::LowercaseLetter
            | G::TitlecaseLetter
            | G::ModifierLetter
            | G::OtherLetter
            | G::DecimalNumber
            | G::LetterNumber
            | G::OtherNumber
    )
}

/// Whether `c` may appear inside a plain id when a letter, a digit or `_` follows it (Pandoc's rule).
pub fn is_id_punctuation(c: char) -> bool {
    matches!(c, ':' | '.' | '#' | '$' | '%' | '&' | '-' | '+' | '?' | '<' | '>' | '~' | '/')
}

/// The length in bytes of the plain id at the start of `text` (`@` already read), as Pandoc reads it: a letter,
/// digit, `_` or `*`, then letters, digits and `_`, and the punctuation of [`is_id_punctuation`] when a letter,
/// digit or `_` follows it (`:` and `/` also before `/`, as in URLs). 0 when no id starts there.
pub fn plain_id_len(text: &str) -> usize {
    let word = |c: char| is_letter_or_digit(c) || c == '_';
    let mut chars = text.char_indices().peekable();
    match chars.next() {
        Some((_, c)) if word(c) || c == '*' => {}
        _ => return 0,
    }
    let mut end = text.chars().next().map_or(0, char::len_utf8);
    while let Some((at, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let takes =
            word(c) || is_id_punctuation(c) && next.is_some_and(word) || matches!(c, ':' | '/') && next == Some('/');
        if !takes {
            break;
        }
        end = at + c.len_utf8();
    }
    end
}

/// Whether `id` can be written as a plain `@id`; other ids need braces: `@{a.b.}`.
pub fn is_plain_id(id: &str) -> bool {
    !id.is_empty() && plain_id_len(id) == id.len()
}

/// Whether `id` can be cited at all: Pandoc reads no id with a space in it, plain or braced.
pub fn is_citable_id(id: &str) -> bool {
    !id.is_empty() && !id.chars().any(char::is_whitespace) && (is_plain_id(id) || braces_balance(id))
}

fn braces_balance(id: &str) -> bool {
    let mut depth = 0i32;
    for c in id.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return false,
            '}' => depth -= 1,
            _ => {}
        }
    }
    depth == 0
}

/// The range an id is written in: `id_range` (the id alone), with its braces when it is braced (`@{odd.key}`), so
/// that writing another id there with [`write_id`] leaves one pair of braces or none.
pub fn written_id_range(text: &str, id_range: TextRange) -> TextRange {
    let (start, end) = (usize::from(id_range.start()), usize::from(id_range.end()));
    let braced = text[..start].ends_with('{') && text[end..].starts_with('}');
    if braced {
        TextRange::new(id_range.start() - TextSize::from(1), id_range.end() + TextSize::from(1))
    } else {
        id_range
    }
}

/// Writes `id` as it must appear after `@`.
pub fn write_id(id: &str) -> String {
    if is_plain_id(id) { id.to_string() } else { format!("{{{id}}}") }
}

/// Whether `c` opens or closes a quote: straight and curly, double and single.
pub fn is_quote_mark(c: char) -> bool {
    matches!(c, '"' | '\'' | '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}')
}
