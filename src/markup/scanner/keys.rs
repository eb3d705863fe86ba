//! Citation keys as Pandoc reads them: where an `@id`, `-@id` or `@{odd.key}` starts (not after a word, an
//! address or an escape), where its id ends, and which keys in prose are citations.

use super::{Scanner, SyntaxError, SyntaxErrorKind};
use crate::markup::{Citation, CitationKind, CiteItem, CiteMode, is_letter_or_digit, plain_id_len};
use crate::text::{TextRange, range};

/// An `@id` read at some place.
#[derive(Clone, Debug)]
pub(super) struct Key {
    /// Where the `@` (or the `-` of `-@`) is.
    pub(super) start: usize,
    pub(super) mode: CiteMode,
    pub(super) id: String,
    pub(super) id_range: TextRange,
    /// Right after the id (and its closing brace).
    pub(super) end: usize,
}

impl Key {
    /// The key as the item of an in-text citation, with nothing around it yet.
    pub(super) fn in_text_item(&self) -> CiteItem {
        CiteItem {
            id: self.id.clone(),
            id_range: self.id_range,
            mode: CiteMode::AuthorInText,
            range: range(self.start, self.end),
            prefix: None,
            suffix: None,
            locator: None,
            quotes: Vec::new(),
        }
    }

    /// The key as an in-text citation of its own.
    pub(super) fn in_text(&self) -> Citation {
        Citation { range: range(self.start, self.end), kind: CitationKind::InText, items: vec![self.in_text_item()] }
    }
}

impl Scanner<'_> {
    /// Finds where keys end, from the start of the text, so that whether an `@` starts a key can depend on a key
    /// right before it.
    pub(super) fn find_key_ends(&mut self) {
        for at in memchr::memchr_iter(b'@', self.bytes) {
            let escaped = self.bytes[..at].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1;
            if escaped || self.skip_at(at).is_some() {
                continue;
            }
            if let Ok(Some(key)) = self.key_at(at) {
                self.key_ends.insert(key.end);
            }
        }
    }

    /// The key at `at` (an `@`, or the `-` of `-@`), read as Pandoc reads keys: `Ok(None)` when there is none,
    /// `Err` when an id is clearly meant but Pandoc reads none (`@{two words}`, `@{}`).
    pub(super) fn key_at(&self, at: usize) -> Result<Option<Key>, SyntaxError> {
        if self.after_string(at) {
            return Ok(None);
        }
        let (mode, at_sign) = match self.bytes.get(at) {
            // `--@a` and `---@a` are a dash before a key, not a suppressed author.
            Some(b'-') if self.bytes.get(at + 1) == Some(&b'@') && !self.text[..at].ends_with('-') => {
                (CiteMode::SuppressAuthor, at + 1)
            }
            Some(b'@') => (CiteMode::Normal, at),
            _ => return Ok(None),
        };
        let rest = &self.text[at_sign + 1..];
        let (id_range, end) = if rest.starts_with('{') {
            match braced_id_len(rest) {
                BracedId::Id(length) => (range(at_sign + 2, at_sign + 2 + length), at_sign + 3 + length),
                BracedId::Space(length) => {
                    let kind = SyntaxErrorKind::SpaceInBracedId;
                    return Err(SyntaxError { kind, range: range(at, at_sign + 1 + length) });
                }
                BracedId::Unbalanced => return Ok(None),
            }
        } else {
            let length = plain_id_len(rest);
            if length == 0 {
                return Ok(None);
            }
            (range(at_sign + 1, at_sign + 1 + length), at_sign + 1 + length)
        };
        if id_range.is_empty() {
            return Err(SyntaxError { kind: SyntaxErrorKind::EmptySourceId, range: range(at, end) });
        }
        Ok(Some(Key { start: at, mode, id: self.text[id_range].to_string(), id_range, end }))
    }

    /// Whether `key` read in prose is a citation: an `@` (not `-@`) that is no example label.
    pub(super) fn is_in_text_key(&self, key: &Key) -> bool {
        key.mode == CiteMode::Normal && !self.examples.contains(&key.id)
    }

    /// Whether `at` comes right after a word (a letter, a digit, a `.` that is not an ellipsis) or after the end
    /// of emphasis: an `@` there is not a citation (`desk@example.org`), nor a `"` a quotation mark that opens.
    /// The end of a key is not a word.
    pub(super) fn after_string(&self, at: usize) -> bool {
        if self.key_ends.contains(&at) {
            return false;
        }
        if self.emphasis_ends.binary_search(&at).is_ok() {
            return true;
        }
        match self.text[..at].chars().next_back() {
            Some(c) if is_letter_or_digit(c) => !self.after_address(at),
            Some('.') => !self.text[..at].ends_with(".."),
            _ => false,
        }
    }

    /// Whether the word before `at` follows an unescaped `@` that began no key (`x@ab|`, `*em*@ab|`): Pandoc does
    /// not count such a word as a string, so an `@` right after it starts a key (`x@ab@c` cites `c`).
    pub(super) fn after_address(&self, at: usize) -> bool {
        let before = &self.text[..at];
        let word = before.trim_end_matches(|c: char| is_letter_or_digit(c) || c == '_' || c == '-');
        word.strip_suffix('@')
            .is_some_and(|before_at| before_at.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 0)
    }
}

/// What follows `@` when it begins with `{`.
enum BracedId {
    /// A balanced id of this many bytes (without the braces).
    Id(usize),
    /// A space comes before the closing brace (this many bytes on, `}` included), on the same line.
    Space(usize),
    /// The braces never balance.
    Unbalanced,
}

/// How far a braced id is read, in bytes: no id is longer, and a bound keeps a run of `@{{{…` from being read
/// through once per `@`.
const MAX_BRACED_ID: usize = 1024;

fn braced_id_len(rest: &str) -> BracedId {
    let mut bound = rest.len().min(MAX_BRACED_ID);
    while !rest.is_char_boundary(bound) {
        bound -= 1;
    }
    let rest = &rest[..bound];
    let mut depth = 0;
    for (offset, c) in rest.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return BracedId::Id(offset - 1);
                }
            }
            c if c.is_whitespace() => {
                let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
                return match line.find('}') {
                    Some(close) => BracedId::Space(close + 1),
                    None => BracedId::Unbalanced,
                };
            }
            _ => {}
        }
    }
    BracedId::Unbalanced
}
