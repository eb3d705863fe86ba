//! Quotations as Pandoc's smart quotes read them: where one opens, where it closes (each failed search for a
//! closing mark remembered, so that a paragraph of unclosed marks is read once), and the `]` a quotation ran past.

use super::{Found, Scanner};
use crate::markup::{Quote, SyntaxError, SyntaxErrorKind, is_letter_or_digit};
use crate::text::{TextRange, range};

impl Scanner<'_> {
    /// The quotation opening at `i`, as Pandoc's smart quotes read it: `"` or `“` (closed by the first `"` or `”`),
    /// `'` or `‘` (closed by a `'` or `’` that no letter or digit follows), opening only where no word precedes
    /// it and no space follows it. Returns the quotation and where it ends, or `None` when none opens there. A
    /// quotation that never closes is reported, since its words would not be checked.
    pub(super) fn quotation(&mut self, i: usize, found: &mut Found) -> Option<(Quote, usize)> {
        let opener = self.char_at(i)?;
        let double = match opener {
            '"' | '\u{201C}' => true,
            '\'' | '\u{2018}' => false,
            _ => return None,
        };
        let content = i + opener.len_utf8();
        if self.after_string(i) || self.char_at(content).is_none_or(char::is_whitespace) {
            return None;
        }
        if double && let Some(close @ ('"' | '\u{201D}')) = self.char_at(content) {
            let empty = range(i, content + close.len_utf8());
            found.errors.push(SyntaxError { kind: SyntaxErrorKind::EmptyQuote, range: empty });
            return None;
        }
        let Some(close) = self.closing_mark(content, double, found) else {
            // Reported when words follow the mark (`"]` after a quotation that closed early is no opener).
            if double && self.char_at(content).is_some_and(is_letter_or_digit) {
                let mut end = content;
                let paragraph_end = self.paragraph_end(i);
                while end < paragraph_end && !matches!(self.bytes[end], b']' | b';') {
                    end = self.next_char(end);
                }
                let end = usize::from(self.trim_end(range(i, end))).max(content);
                found.errors.push(SyntaxError { kind: SyntaxErrorKind::UnterminatedQuote, range: range(i, end) });
            }
            return None;
        };
        let closer = self.char_at(close)?;
        let after = close + closer.len_utf8();
        // `"called it "a gamble""`: a straight mark ended the quotation before a word that goes on.
        if double && closer == '"' && self.char_at(after).is_some_and(is_letter_or_digit) {
            found.errors.push(SyntaxError { kind: SyntaxErrorKind::QuoteClosedEarly, range: range(close, after) });
        }
        let quote = Quote {
            text: self.text[content..close].to_string(),
            text_range: range(content, close),
            range: range(i, after),
        };
        Some((quote, after))
    }

    /// Where the quotation whose words start at `from` closes; `None` when its paragraph ends first. Inside it,
    /// code and tags are stepped over, a single quotation nests in a double one, and citations are read (into
    /// `found` when the quotation closes: otherwise the text is read again as not quoted).
    pub(super) fn closing_mark(&mut self, from: usize, double: bool, found: &mut Found) -> Option<usize> {
        let kind = usize::from(double);
        let end = self.paragraph_end(from);
        let mut inside = Found::default();
        let mut visited = Vec::new();
        let mut i = from;
        while i < end && !self.never_closes[kind].contains(&i) {
            visited.push(i);
            if let Some(skip) = self.skip_at(i) {
                i = skip;
                continue;
            }
            let c = self.char_at(i)?;
            match c {
                '\\' => {
                    i = self.after_escape(i);
                    continue;
                }
                '"' | '\u{201D}' if double => {
                    found.extend(inside);
                    return Some(i);
                }
                '\'' | '\u{2019}' if !double && !self.char_at(i + 1).is_some_and(is_letter_or_digit) => {
                    found.extend(inside);
                    return Some(i);
                }
                '\'' | '\u{2018}' if double && !self.after_string(i) => {
                    // A single quotation inside a double one is stepped over whole when it closes.
                    if let Some(close) = self.closing_mark(i + c.len_utf8(), false, &mut inside) {
                        i = self.next_char(close);
                        continue;
                    }
                }
                '[' => {
                    i = self.nested_bracket(i, &mut inside);
                    continue;
                }
                '@' => match self.key_at(i) {
                    Ok(Some(key)) if self.is_in_text_key(&key) => {
                        let (citation, after) = self.in_text(key);
                        inside.extend(citation);
                        i = after;
                        continue;
                    }
                    _ => {}
                },
                _ => {}
            }
            i += c.len_utf8();
        }
        self.never_closes[kind].extend(visited);
        None
    }

    /// The first `]` in `within` that no `[` in it balances: the `]` a quotation ran past.
    pub(super) fn unbalanced_close(&self, within: TextRange) -> Option<usize> {
        let mut depth = 0usize;
        let mut i = usize::from(within.start());
        while i < usize::from(within.end()) {
            match self.bytes[i] {
                b'\\' => i += 1,
                b'[' => depth += 1,
                b']' if depth == 0 => return Some(i),
                b']' => depth -= 1,
                _ => {}
            }
            i += 1;
        }
        None
    }
}
