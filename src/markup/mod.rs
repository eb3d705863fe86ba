//! The citation markup of a note: `[@id]`, `[@id, "quote"]`, `[@a; @b]`, in-text `@id`, `[[Entity]]`.
//!
//! [`parse`] never fails: it returns what it recognised together with the errors it found,
//! so that a half-typed citation still gets completions while the rest of the note is analysed.
//! The grammar is written down in `docs/markup.md`.

mod code;
mod scanner;

#[cfg(test)]
mod tests;

use crate::text::{TextRange, TextSize};

/// Everything marginalia recognised in one note.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoteSyntax {
    /// Citations in the order they appear.
    pub citations: Vec<Citation>,
    /// Wiki-style entity mentions in the order they appear.
    pub mentions: Vec<EntityMention>,
    /// Malformed markup, each with its exact range.
    pub errors: Vec<SyntaxError>,
    /// Code spans, code blocks, HTML and front matter: ranges where markup means nothing.
    pub ignored: Vec<TextRange>,
    /// Quotations in the prose (“…” or "…", on one line) with no citation right after them.
    pub plain_quotes: Vec<Quote>,
    /// Where Markdown parsing starts afresh, in order, the start of the text first: the top-level blocks and the
    /// items of top-level lists that begin a line. The text from one of them to the end of a later paragraph,
    /// parsed alone with [`parse_part`], has the markup and the code it has within the whole note.
    pub restarts: Vec<TextSize>,
}

/// One citation: a bracket with one or more items, or a bare in-text `@id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citation {
    /// The whole citation, brackets included.
    pub range: TextRange,
    /// Whether this is a bracketed `[@…]` citation or a bare in-text `@id`.
    pub kind: CitationKind,
    /// The cited items, in order.
    pub items: Vec<CiteItem>,
}

/// The two forms a citation takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CitationKind {
    /// `[@id]`, `[@id, "quote"]`, `[@a; @b]`.
    Bracketed,
    /// A bare `@id` in running text; only meaningful when the id names a source.
    InText,
}

/// One `@id` of a citation, with its quote when it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CiteItem {
    /// The cited source id as written, without `@` or braces.
    pub id: String,
    /// The range of the id, without `@` or braces.
    pub id_range: TextRange,
    /// The quote that must occur in the source, if any.
    pub quote: Option<Quote>,
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

/// The kinds of malformed markup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// `[@id` with no `]` before the end of the paragraph.
    UnclosedCitation,
    /// `[@]` or `[@, "…"]`: an `@` with no id after it.
    EmptySourceId,
    /// An item of a bracketed citation that does not start with `@`.
    ExpectedSourceId,
    /// A quote whose closing quotation mark is missing.
    UnterminatedQuote,
    /// `""`: a quote with nothing in it.
    EmptyQuote,
    /// `[@id "quote"]`: the comma between the id and the quote is missing.
    MissingComma,
    /// A `;` with no item after it, or two in a row.
    StraySemicolon,
    /// Text after an item that is neither `;` nor `]`.
    UnexpectedText,
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
            SyntaxErrorKind::ExpectedSourceId => "expected `@source-id` in a citation",
            SyntaxErrorKind::UnterminatedQuote => {
                "unterminated quote: expected a closing quotation mark before `]` or `;`"
            }
            SyntaxErrorKind::EmptyQuote => "empty quote: write the exact words between the quotation marks",
            SyntaxErrorKind::MissingComma => "expected `,` between the source id and the quote",
            SyntaxErrorKind::StraySemicolon => "stray `;`: expected `@source-id` after it",
            SyntaxErrorKind::UnexpectedText => "unexpected text in citation: expected `;` or `]`",
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
    let code::Structure { ignored, restarts } = code::structure(text, at_note_start);
    let mut syntax = scanner::scan(text, ignored);
    syntax.plain_quotes = plain_quotes(text, &syntax);
    syntax.restarts = restarts;
    syntax
}

/// Whether a restart point still is one after its own line was edited: the line before it is blank and its line
/// begins with something other than a space, so that no block before it (a list, indented code, a paragraph)
/// can continue into it. Edits before a restart point always void it.
pub fn still_restarts(line_before: &str, line: &str) -> bool {
    line_before.trim().is_empty() && line.starts_with(|c: char| !c.is_whitespace())
}

/// The blocks of a note: paragraphs, list items and headings, in order. A citation supports the mentions of
/// its own block.
pub fn blocks(text: &str) -> Vec<TextRange> {
    let mut blocks = Vec::new();
    let mut start: Option<usize> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let blank = trimmed.trim().is_empty();
        let list_item = ["- ", "* ", "+ "].iter().any(|m| trimmed.starts_with(m)) || ordered_item(trimmed);
        let heading = trimmed.starts_with('#');
        if let Some(s) = start
            && (blank || list_item || heading)
        {
            blocks.push(crate::text::range(s, offset));
            start = None;
        }
        if !blank && start.is_none() {
            start = Some(offset);
        }
        offset += line.len();
        if heading && let Some(s) = start.take() {
            blocks.push(crate::text::range(s, offset));
        }
    }
    if let Some(s) = start {
        blocks.push(crate::text::range(s, offset));
    }
    blocks
}

/// "1. " or "2) ": an ordered list item.
fn ordered_item(line: &str) -> bool {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && (line[digits..].starts_with(". ") || line[digits..].starts_with(") "))
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
    /// The citation item whose id or quote contains `offset` (inclusive at both ends).
    pub fn item_at(&self, offset: text_size::TextSize) -> Option<(&Citation, &CiteItem)> {
        self.citations.iter().find_map(|citation| {
            if !contains_inclusive(citation.range, offset) {
                return None;
            }
            citation
                .items
                .iter()
                .find(|item| {
                    contains_inclusive(item.id_range, offset)
                        || item.quote.as_ref().is_some_and(|quote| contains_inclusive(quote.range, offset))
                })
                .map(|item| (citation, item))
        })
    }

    /// The entity mention whose brackets contain `offset`.
    pub fn mention_at(&self, offset: text_size::TextSize) -> Option<&EntityMention> {
        self.mentions.iter().find(|mention| contains_inclusive(mention.range, offset))
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

/// Whether `c` may appear in a source id (Pandoc's rule: alphanumerics, `_`, and internal punctuation).
pub fn is_id_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || is_id_punctuation(c)
}

/// Punctuation allowed inside a source id but not at its end.
pub fn is_id_punctuation(c: char) -> bool {
    matches!(c, ':' | '.' | '#' | '$' | '%' | '&' | '-' | '+' | '?' | '<' | '>' | '~' | '/')
}

/// Whether `id` can be written as a plain `@id`; other ids need braces: `@{my id}`.
pub fn is_plain_id(id: &str) -> bool {
    let mut chars = id.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_alphanumeric() || c == '_');
    starts_well && id.chars().all(is_id_char) && !id.ends_with(is_id_punctuation)
}

/// Writes `id` as it must appear after `@`.
pub fn write_id(id: &str) -> String {
    if is_plain_id(id) { id.to_string() } else { format!("{{{id}}}") }
}

/// Whether `c` opens or closes a quote: straight and curly, double and single.
pub fn is_quote_mark(c: char) -> bool {
    matches!(c, '"' | '\'' | '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}')
}
