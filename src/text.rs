//! Text positions: byte offsets and ranges, line/column positions, and the one place that converts between them.
//!
//! Everything inside marginalia speaks in byte offsets (`TextSize`, `TextRange`).
//! Editors speak in zero-based lines and columns counted in UTF-16 code units, UTF-8 bytes or characters.
//! The conversion follows the LSP specification: `\n`, `\r\n` and `\r` end a line,
//! a line past the end of the text means the end of the text,
//! and a column past the end of its line means the end of that line (before the terminator).

use ropey::Rope;
pub use text_size::{TextRange, TextSize};

/// How columns are counted, as negotiated with the client.
///
/// The order is the order of preference: the server takes the greatest encoding the client offers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PositionEncoding {
    /// UTF-16 code units: the LSP default, and what VS Code uses.
    #[default]
    Utf16,
    /// Unicode scalar values (characters); also what the command line prints, one-based.
    Utf32,
    /// UTF-8 bytes: cheapest for us, preferred when the client offers it.
    Utf8,
}

/// A zero-based line and a zero-based column counted in some `PositionEncoding`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    /// Zero-based line number.
    pub line: u32,
    /// Zero-based column, in the units of the encoding it was computed for.
    pub col: u32,
}

/// The start offsets of the lines of one text, for conversions in both directions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<TextSize>,
    len: TextSize,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = vec![TextSize::from(0)];
        let mut i = 0;
        while let Some(found) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            let at = i + found;
            let next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') { at + 2 } else { at + 1 };
            line_starts.push(size(next));
            i = next;
        }
        LineIndex { line_starts, len: size(text.len()) }
    }

    /// The range of line `line` without its terminator; a line past the end is the empty range at the end.
    pub fn line_range(&self, text: &str, line: u32) -> TextRange {
        let Some(&start) = self.line_starts.get(line as usize) else {
            return TextRange::empty(self.len);
        };
        let end = self.line_starts.get(line as usize + 1).copied().unwrap_or(self.len);
        let content = &text[usize::from(start)..usize::from(end)];
        let trimmed = content.trim_end_matches(['\n', '\r']);
        TextRange::at(start, size(trimmed.len()))
    }

    /// The line and column of `offset`; an offset past the end or inside a character is moved back to a boundary.
    pub fn line_col(&self, text: &str, offset: TextSize, encoding: PositionEncoding) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(self.len));
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let line_range = self.line_range(text, line as u32);
        // An offset inside a `\r\n` terminator is reported at the end of the line.
        let before = &text[usize::from(start)..usize::from(offset.min(line_range.end()))];
        LineCol { line: line as u32, col: width(before.chars(), encoding) }
    }

    /// The byte offset of `position`, clamped as the LSP specification asks.
    pub fn offset(&self, text: &str, position: LineCol, encoding: PositionEncoding) -> TextSize {
        if position.line as usize >= self.line_starts.len() {
            return self.len;
        }
        let line_range = self.line_range(text, position.line);
        let line_text = &text[line_range];
        line_range.start() + size(byte_len_of_columns(line_text.chars(), position.col, encoding))
    }

    /// Converts a byte range to a pair of line/column positions.
    pub fn range(&self, text: &str, range: TextRange, encoding: PositionEncoding) -> (LineCol, LineCol) {
        (self.line_col(text, range.start(), encoding), self.line_col(text, range.end(), encoding))
    }
}

/// The byte offset in `rope` of `position`, clamped like [`LineIndex::offset`]; used to apply editor edits.
pub fn rope_offset(rope: &Rope, position: LineCol, encoding: PositionEncoding) -> usize {
    if position.line as usize >= rope.len_lines() {
        return rope.len_bytes();
    }
    let line_start = rope.line_to_byte(position.line as usize);
    let line = rope.line(position.line as usize);
    let content = line.chars().take_while(|&c| c != '\n' && c != '\r');
    line_start + byte_len_of_columns(content, position.col, encoding)
}

/// The number of columns `chars` take in `encoding`.
fn width(chars: impl Iterator<Item = char>, encoding: PositionEncoding) -> u32 {
    chars.map(|c| char_width(c, encoding)).sum()
}

fn char_width(c: char, encoding: PositionEncoding) -> u32 {
    match encoding {
        PositionEncoding::Utf8 => c.len_utf8() as u32,
        PositionEncoding::Utf16 => c.len_utf16() as u32,
        PositionEncoding::Utf32 => 1,
    }
}

/// The bytes taken by the first `columns` columns of a line; a column inside a character stops before it.
fn byte_len_of_columns(chars: impl Iterator<Item = char>, columns: u32, encoding: PositionEncoding) -> usize {
    let mut seen = 0;
    let mut bytes = 0;
    for c in chars {
        let w = char_width(c, encoding);
        if seen + w > columns {
            break;
        }
        seen += w;
        bytes += c.len_utf8();
    }
    bytes
}

fn floor_char_boundary(text: &str, offset: TextSize) -> TextSize {
    let mut at = usize::from(offset);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    size(at)
}

/// Converts a `usize` length or offset to a `TextSize`; texts over 4 GiB are not supported.
pub fn size(n: usize) -> TextSize {
    TextSize::try_from(n).expect("texts are smaller than 4 GiB")
}

/// Builds a `TextRange` from `usize` bounds.
pub fn range(start: usize, end: usize) -> TextRange {
    TextRange::new(size(start), size(end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use PositionEncoding::*;

    fn pos(line: u32, col: u32) -> LineCol {
        LineCol { line, col }
    }

    #[test]
    fn offsets_to_positions_in_every_encoding() {
        // (text, byte offset, encoding, expected position)
        let table = [
            ("", 0, Utf16, pos(0, 0)),
            ("", 5, Utf16, pos(0, 0)),
            ("ab\ncd", 3, Utf16, pos(1, 0)),
            ("ab\r\ncd", 4, Utf16, pos(1, 0)),
            ("ab\r\ncd", 3, Utf16, pos(0, 2)),
            ("ab\rcd", 3, Utf8, pos(1, 0)),
            ("😀x", 4, Utf16, pos(0, 2)),
            ("😀x", 4, Utf8, pos(0, 4)),
            ("😀x", 4, Utf32, pos(0, 1)),
            ("😀x", 2, Utf16, pos(0, 0)),
            ("日本語", 6, Utf16, pos(0, 2)),
            ("日本語", 6, Utf8, pos(0, 6)),
        ];
        for (text, offset, encoding, expected) in table {
            let index = LineIndex::new(text);
            assert_eq!(index.line_col(text, size(offset), encoding), expected, "{text:?} at {offset} in {encoding:?}");
        }
    }

    #[test]
    fn positions_to_offsets_clamp_as_the_spec_asks() {
        // (text, position, encoding, expected byte offset)
        let table = [
            ("", pos(0, 1), Utf16, 0),
            ("\n\n", pos(3, 0), Utf16, 2),
            ("", pos(u32::MAX, u32::MAX), Utf16, 0),
            ("ab\ncd", pos(0, 10), Utf16, 2),
            ("ab\r\ncd", pos(0, 3), Utf16, 2),
            ("ab\r\ncd", pos(1, 1), Utf16, 5),
            ("😀x", pos(0, 2), Utf16, 4),
            ("😀x", pos(0, 1), Utf16, 0),
            ("😀x", pos(0, 3), Utf16, 5),
            ("😀x", pos(0, 4), Utf8, 4),
            ("😀x", pos(0, 1), Utf32, 4),
            ("a\rb", pos(1, 1), Utf8, 3),
        ];
        for (text, position, encoding, expected) in table {
            let index = LineIndex::new(text);
            assert_eq!(
                usize::from(index.offset(text, position, encoding)),
                expected,
                "{text:?} at {position:?} in {encoding:?}"
            );
            let rope = Rope::from_str(text);
            assert_eq!(
                rope_offset(&rope, position, encoding),
                expected,
                "rope {text:?} at {position:?} in {encoding:?}"
            );
        }
    }

    #[test]
    fn round_trips_every_char_boundary() {
        let text = "a😀b\r\nдва\n\n日本\rx";
        let index = LineIndex::new(text);
        for encoding in [Utf8, Utf16, Utf32] {
            for (offset, _) in text.char_indices() {
                let position = index.line_col(text, size(offset), encoding);
                let back = index.offset(text, position, encoding);
                // Offsets inside a line terminator come back at the end of their line.
                let in_terminator =
                    matches!(text.as_bytes()[offset], b'\n') && offset > 0 && text.as_bytes()[offset - 1] == b'\r';
                if !in_terminator {
                    assert_eq!(usize::from(back), offset, "{encoding:?} {offset}");
                }
            }
        }
    }
}
