//! The hand-written scanner for citation markup, run over the parts of a note that are not code.
//!
//! A citation never runs past the end of its paragraph (a blank line) or into code,
//! so one broken bracket cannot swallow the rest of the note.

use super::{
    Citation, CitationKind, CiteItem, EntityMention, NoteSyntax, Quote, SyntaxError, SyntaxErrorKind, is_id_char,
    is_id_punctuation, is_quote_mark,
};
use crate::text::{TextRange, range, size};

pub(super) fn scan(text: &str, ignored: Vec<TextRange>) -> NoteSyntax {
    let mut scanner =
        Scanner { text, bytes: text.as_bytes(), next_ignored: 0, out: NoteSyntax { ignored, ..NoteSyntax::default() } };
    scanner.run();
    scanner.out
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Index in `out.ignored` of the first ignored range that ends after the current position.
    next_ignored: usize,
    out: NoteSyntax,
}

impl Scanner<'_> {
    fn run(&mut self) {
        let mut pos = 0;
        while pos < self.bytes.len() {
            if let Some(&ignored) = self.out.ignored.get(self.next_ignored) {
                if pos >= usize::from(ignored.end()) {
                    self.next_ignored += 1;
                    continue;
                }
                if pos >= usize::from(ignored.start()) {
                    pos = usize::from(ignored.end());
                    continue;
                }
            }
            // Jump to the next byte that can start markup.
            let Some(found) = memchr::memchr3(b'[', b'@', b'\\', &self.bytes[pos..]) else {
                break;
            };
            let at = pos + found;
            if self.is_ignored_start(at) {
                pos = at;
                continue;
            }
            pos = match self.bytes[at] {
                b'\\' => self.after_escape(at),
                b'[' if self.bytes.get(at + 1) == Some(&b'[') => self.mention(at),
                b'[' if self.starts_citation(at) => self.citation(at),
                b'@' if self.starts_in_text(at) => self.in_text(at),
                _ => at + 1,
            };
        }
    }

    /// Whether an ignored range starts at or before `at` (and after the current one).
    fn is_ignored_start(&self, at: usize) -> bool {
        self.out.ignored.get(self.next_ignored).is_some_and(|r| usize::from(r.start()) <= at)
    }

    /// The offset where the current markup must end at the latest: the start of the next ignored range.
    fn ignored_limit(&self) -> usize {
        self.out.ignored.get(self.next_ignored).map_or(self.bytes.len(), |r| usize::from(r.start()))
    }

    /// Whether markup cannot continue at `i`: end of text, start of code, or a blank line.
    fn is_stop(&self, i: usize) -> bool {
        if i >= self.bytes.len() || i >= self.ignored_limit() {
            return true;
        }
        if self.bytes[i] == b'\n' {
            let mut j = i + 1;
            while j < self.bytes.len() && matches!(self.bytes[j], b' ' | b'\t' | b'\r') {
                j += 1;
            }
            return j >= self.bytes.len() || self.bytes[j] == b'\n';
        }
        false
    }

    fn is_line_end(&self, i: usize) -> bool {
        i >= self.bytes.len() || i >= self.ignored_limit() || matches!(self.bytes[i], b'\n' | b'\r')
    }

    /// Skips spaces, tabs and single line breaks, stopping at a blank line.
    fn skip_space(&self, mut i: usize) -> usize {
        while i < self.bytes.len() && matches!(self.bytes[i], b' ' | b'\t' | b'\n' | b'\r') && !self.is_stop(i) {
            i += 1;
        }
        i
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.text.get(i..).and_then(|rest| rest.chars().next())
    }

    fn after_escape(&self, at: usize) -> usize {
        match self.bytes.get(at + 1) {
            Some(b) if b.is_ascii_punctuation() => at + 2,
            _ => at + 1,
        }
    }

    fn starts_citation(&self, at: usize) -> bool {
        let mut i = at + 1;
        while matches!(self.bytes.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        if self.bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        self.bytes.get(i) == Some(&b'@')
    }

    fn starts_in_text(&self, at: usize) -> bool {
        let before_ok = at == 0 || matches!(self.bytes[at - 1], b' ' | b'\t' | b'\n' | b'\r' | b'(');
        let next_ok = self.char_at(at + 1).is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '{');
        before_ok && next_ok
    }

    fn error(&mut self, kind: SyntaxErrorKind, start: usize, end: usize) {
        self.out.errors.push(SyntaxError { kind, range: range(start, end.max(start)) });
    }

    /// Parses an id after `@` at `start`: `id` or `{any id}`. Returns the id, its range and where it ends.
    fn id(&self, start: usize) -> (String, TextRange, usize) {
        if self.bytes.get(start) == Some(&b'{') {
            let mut i = start + 1;
            while !self.is_line_end(i) && self.bytes[i] != b'}' {
                i += 1;
            }
            let end = if self.bytes.get(i) == Some(&b'}') { i + 1 } else { i };
            let raw = &self.text[start + 1..i];
            let trimmed_start = start + 1 + (raw.len() - raw.trim_start().len());
            let id = raw.trim();
            return (id.to_string(), range(trimmed_start, trimmed_start + id.len()), end);
        }
        let rest = &self.text[start..];
        let mut len = rest.find(|c: char| !is_id_char(c)).unwrap_or(rest.len());
        // Pandoc's rule: internal punctuation is part of the id, trailing punctuation is not.
        len = rest[..len].trim_end_matches(is_id_punctuation).len();
        let id = &rest[..len];
        (id.to_string(), range(start, start + len), start + len)
    }

    fn in_text(&mut self, at: usize) -> usize {
        let (id, id_range, end) = self.id(at + 1);
        if id.is_empty() {
            return at + 1;
        }
        self.out.citations.push(Citation {
            range: range(at, end),
            kind: CitationKind::InText,
            items: vec![CiteItem { id, id_range, quote: None }],
        });
        end
    }

    fn citation(&mut self, open: usize) -> usize {
        let errors_before = self.out.errors.len();
        let mut items = Vec::new();
        let mut i = open + 1;
        let mut need_item = true;
        let mut pending_semicolon: Option<usize> = None;
        let end = loop {
            i = self.skip_space(i);
            if self.is_stop(i) {
                let end = self.trim_end(open, i);
                self.error(SyntaxErrorKind::UnclosedCitation, open, end);
                break end;
            }
            match self.bytes[i] {
                b']' => {
                    if let Some(semicolon) = pending_semicolon {
                        self.error(SyntaxErrorKind::StraySemicolon, semicolon, semicolon + 1);
                    }
                    break i + 1;
                }
                b';' => {
                    if need_item {
                        self.error(SyntaxErrorKind::StraySemicolon, i, i + 1);
                    }
                    need_item = true;
                    pending_semicolon = Some(i);
                    i += 1;
                    continue;
                }
                _ => {}
            }
            pending_semicolon = None;
            if !need_item {
                let end = self.skip_to_separator(i);
                let trimmed = self.trim_end(i, end);
                self.error(SyntaxErrorKind::UnexpectedText, i, trimmed);
                i = end;
                continue;
            }
            need_item = false;
            match self.item(i) {
                ItemEnd::Item(item, next) => {
                    if let Some(item) = item {
                        items.push(item);
                    }
                    i = next;
                }
                ItemEnd::Broken(item, end) => {
                    items.extend(item);
                    break end;
                }
            }
        };
        let is_link = self.out.errors.len() == errors_before && matches!(self.bytes.get(end), Some(b'(' | b'['));
        if is_link {
            return open + 1;
        }
        self.out.citations.push(Citation { range: range(open, end), kind: CitationKind::Bracketed, items });
        end
    }

    /// Parses one `-@id, "quote"` item starting at `start`.
    fn item(&mut self, start: usize) -> ItemEnd {
        let mut i = start;
        if self.bytes[i] == b'-' && self.bytes.get(i + 1) == Some(&b'@') {
            i += 1;
        }
        if self.bytes[i] != b'@' {
            let end = self.skip_to_separator(i);
            let trimmed = self.trim_end(i, end);
            self.error(SyntaxErrorKind::ExpectedSourceId, i, trimmed);
            return ItemEnd::Item(None, end);
        }
        let at = i;
        let (id, id_range, after_id) = self.id(at + 1);
        if id.is_empty() {
            self.error(SyntaxErrorKind::EmptySourceId, at, after_id.max(at + 1));
        }
        let mut next = after_id;
        let mut quote = None;
        let j = self.skip_space(after_id);
        let quote_start = if !self.is_stop(j) && self.bytes[j] == b',' {
            let k = self.skip_space(j + 1);
            if self.char_at(k).is_some_and(is_quote_mark) {
                Some(k)
            } else {
                next = self.skip_to_separator(k);
                None
            }
        } else if let Some(mark) = self.char_at(j).filter(|&c| is_quote_mark(c) && !self.is_stop(j)) {
            self.error(SyntaxErrorKind::MissingComma, after_id, j + mark.len_utf8());
            // The range covers the gap and the opening mark, so it is never empty.
            Some(j)
        } else {
            None
        };
        if let Some(quote_start) = quote_start {
            match self.quote(quote_start) {
                Ok((parsed, after)) => {
                    quote = Some(parsed);
                    next = after;
                }
                Err(()) => {
                    let item = (!id.is_empty()).then_some(CiteItem { id, id_range, quote: None });
                    return ItemEnd::Broken(item, self.recover_after_quote(quote_start));
                }
            }
        }
        let item = (!id.is_empty()).then_some(CiteItem { id, id_range, quote });
        ItemEnd::Item(item, next)
    }

    /// Parses a quote whose opening mark is at `open`; it closes at a quotation mark followed by `]` or `;`.
    fn quote(&mut self, open: usize) -> Result<(Quote, usize), ()> {
        let opener_len = self.char_at(open).map_or(1, char::len_utf8);
        let content_start = open + opener_len;
        let mut i = content_start;
        while !self.is_stop(i) {
            let Some(c) = self.char_at(i) else { break };
            if c == '[' && self.bytes.get(i + 1) == Some(&b'@') {
                // Another citation starts: this quote was never closed.
                break;
            }
            if is_quote_mark(c) {
                let after = self.skip_space(i + c.len_utf8());
                if !self.is_stop(after) && matches!(self.bytes[after], b']' | b';') {
                    if i == content_start {
                        self.error(SyntaxErrorKind::EmptyQuote, open, i + c.len_utf8());
                    }
                    let quote = Quote {
                        text: self.text[content_start..i].to_string(),
                        text_range: range(content_start, i),
                        range: range(open, i + c.len_utf8()),
                    };
                    return Ok((quote, i + c.len_utf8()));
                }
            }
            i += c.len_utf8();
        }
        if let Some(close) = self.fallback_closer(open, content_start, i) {
            // A plausible closing mark with text after it: the quote ends there and the citation goes on.
            let quote = Quote {
                text: self.text[content_start..close].to_string(),
                text_range: range(content_start, close),
                range: range(open, close + self.char_at(close).map_or(1, char::len_utf8)),
            };
            let end = usize::from(quote.range.end());
            return Ok((quote, end));
        }
        let mut line_end = content_start;
        while !self.is_line_end(line_end) {
            line_end += 1;
        }
        self.error(SyntaxErrorKind::UnterminatedQuote, open, line_end.max(content_start));
        Err(())
    }

    /// The first mark between `from` and `to` that can close the quote opened at `open`:
    /// a double mark for a double opener, and a single mark not followed by a letter for a single one.
    fn fallback_closer(&self, open: usize, from: usize, to: usize) -> Option<usize> {
        let double = matches!(self.char_at(open), Some('"' | '\u{201C}' | '\u{201D}'));
        let mut i = from;
        while i < to {
            let c = self.char_at(i)?;
            let closes = if double {
                matches!(c, '"' | '\u{201C}' | '\u{201D}')
            } else {
                matches!(c, '\'' | '\u{2018}' | '\u{2019}')
                    && !self.char_at(i + c.len_utf8()).is_some_and(char::is_alphanumeric)
            };
            if closes {
                return Some(i);
            }
            i += c.len_utf8();
        }
        None
    }

    /// After an unterminated quote, the citation ends at the next `]` of the paragraph, or where it must stop.
    fn recover_after_quote(&self, open: usize) -> usize {
        let mut i = open + 1;
        while !self.is_stop(i) {
            if self.bytes[i] == b']' {
                return i + 1;
            }
            i += 1;
        }
        i
    }

    /// The offset of the next `;` or `]` at or after `i`, or of the stop.
    fn skip_to_separator(&self, mut i: usize) -> usize {
        while !self.is_stop(i) && !matches!(self.bytes[i], b';' | b']') {
            i += 1;
        }
        i
    }

    /// `end` moved back over trailing whitespace, but not before `start`.
    fn trim_end(&self, start: usize, end: usize) -> usize {
        let end = end.min(self.bytes.len());
        start + self.text[start..end].trim_end().len()
    }

    fn mention(&mut self, open: usize) -> usize {
        let inner = open + 2;
        let mut i = inner;
        while !self.is_line_end(i) {
            match self.bytes[i] {
                b']' if self.bytes.get(i + 1) == Some(&b']') => break,
                b'[' if self.bytes.get(i + 1) == Some(&b'[') => break,
                _ => i += 1,
            }
        }
        let closed = self.bytes.get(i) == Some(&b']') && self.bytes.get(i + 1) == Some(&b']');
        if !closed {
            let end = self.trim_end(open, i);
            self.error(SyntaxErrorKind::UnclosedEntity, open, end);
            return i.max(inner);
        }
        let content = &self.text[inner..i];
        let name_part = content.split('|').next().unwrap_or("");
        let name = name_part.trim();
        if name.is_empty() {
            self.error(SyntaxErrorKind::EmptyEntity, open, i + 2);
            return i + 2;
        }
        let name_start = inner + (name_part.len() - name_part.trim_start().len());
        self.out.mentions.push(EntityMention {
            name: name.to_string(),
            name_range: TextRange::at(size(name_start), size(name.len())),
            range: range(open, i + 2),
        });
        i + 2
    }
}

enum ItemEnd {
    /// The item (absent when its id was missing) and where parsing continues.
    Item(Option<CiteItem>, usize),
    /// The citation is broken beyond recovery and ends here, after this item.
    Broken(Option<CiteItem>, usize),
}
