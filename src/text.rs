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
///
/// A conversion costs a binary search plus a walk over at most [`CHECKPOINT_BYTES`] of its line: lines longer than
/// that keep checkpoints (their columns counted in every encoding) every so many bytes, so that a note made of one
/// 200 KB line converts each of its positions in constant time, not in time proportional to the column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<TextSize>,
    /// Inside lines longer than [`CHECKPOINT_BYTES`], a checkpoint every [`CHECKPOINT_BYTES`] or so, in text order.
    checkpoints: Vec<Checkpoint>,
    len: TextSize,
}

impl Default for LineIndex {
    fn default() -> LineIndex {
        LineIndex::new("")
    }
}

/// How far a conversion walks at most: the distance between two checkpoints of a long line.
pub const CHECKPOINT_BYTES: usize = 1024;

/// A character boundary inside a long line with its column in UTF-16 and UTF-32 (in UTF-8, the column is the
/// distance in bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Checkpoint {
    offset: TextSize,
    utf16: u32,
    utf32: u32,
}

impl Checkpoint {
    fn col(&self, line_start: TextSize, encoding: PositionEncoding) -> u32 {
        match encoding {
            PositionEncoding::Utf8 => u32::from(self.offset - line_start),
            PositionEncoding::Utf16 => self.utf16,
            PositionEncoding::Utf32 => self.utf32,
        }
    }
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = vec![TextSize::from(0)];
        let mut checkpoints = Vec::new();
        let mut i = 0;
        loop {
            let found = memchr::memchr2(b'\n', b'\r', &bytes[i..]);
            let line_end = found.map_or(bytes.len(), |found| i + found);
            if line_end - i > CHECKPOINT_BYTES {
                add_checkpoints(text, i, line_end, &mut checkpoints);
            }
            let Some(found) = found else { break };
            let at = i + found;
            let next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') { at + 2 } else { at + 1 };
            line_starts.push(size(next));
            i = next;
        }
        LineIndex { line_starts, checkpoints, len: size(text.len()) }
    }

    /// The number of lines (a text without a line break has one).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The range of line `line` without its terminator; a line past the end is the empty range at the end.
    pub fn line_range(&self, text: &str, line: u32) -> TextRange {
        let Some(&start) = self.line_starts.get(line as usize) else {
            return TextRange::empty(self.len);
        };
        let end = self.line_starts.get(line as usize + 1).copied().unwrap_or(self.len);
        let content = &text.as_bytes()[usize::from(start)..usize::from(end)];
        let terminator = content.iter().rev().take_while(|&&b| b == b'\n' || b == b'\r').count();
        TextRange::new(start, end - size(terminator))
    }

    /// The last checkpoint of `line` for which `key` holds (it holds for a prefix of them), or the line start.
    fn checkpoint_before(&self, line: TextRange, key: impl Fn(&Checkpoint) -> bool) -> Checkpoint {
        let line_start = line.start();
        let first = self.checkpoints.partition_point(|c| c.offset < line_start);
        let last = self.checkpoints.partition_point(|c| c.offset <= line.end());
        let in_line = &self.checkpoints[first..last];
        let count = in_line.partition_point(|c| key(c));
        if count == 0 { Checkpoint { offset: line_start, utf16: 0, utf32: 0 } } else { in_line[count - 1] }
    }

    /// The line and column of `offset`; an offset past the end or inside a character is moved back to a boundary.
    pub fn line_col(&self, text: &str, offset: TextSize, encoding: PositionEncoding) -> LineCol {
        let offset = size(text.floor_char_boundary(usize::from(offset.min(self.len))));
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let line_range = self.line_range(text, line as u32);
        // An offset inside a `\r\n` terminator is reported at the end of the line.
        let offset = offset.min(line_range.end());
        let checkpoint = self.checkpoint_before(line_range, |c| c.offset <= offset);
        let before = &text[usize::from(checkpoint.offset)..usize::from(offset)];
        LineCol { line: line as u32, col: checkpoint.col(start, encoding) + width(before, encoding) }
    }

    /// The byte offset of `position`, clamped as the LSP specification asks.
    pub fn offset(&self, text: &str, position: LineCol, encoding: PositionEncoding) -> TextSize {
        if position.line as usize >= self.line_starts.len() {
            return self.len;
        }
        let line_range = self.line_range(text, position.line);
        let start = line_range.start();
        let checkpoint = self.checkpoint_before(line_range, |c| c.col(start, encoding) <= position.col);
        let rest = &text[usize::from(checkpoint.offset)..usize::from(line_range.end())];
        let columns = position.col - checkpoint.col(start, encoding);
        checkpoint.offset + size(byte_len_of_columns(rest, columns, encoding))
    }

    /// Converts a byte range to a pair of line/column positions.
    pub fn range(&self, text: &str, range: TextRange, encoding: PositionEncoding) -> (LineCol, LineCol) {
        (self.line_col(text, range.start(), encoding), self.line_col(text, range.end(), encoding))
    }
}

/// Adds a checkpoint every [`CHECKPOINT_BYTES`] or so to the line `text[start..end]`.
fn add_checkpoints(text: &str, start: usize, end: usize, checkpoints: &mut Vec<Checkpoint>) {
    let (mut utf16, mut utf32) = (0u32, 0u32);
    let mut at = start;
    while end - at > CHECKPOINT_BYTES {
        let mut next = at + CHECKPOINT_BYTES;
        while !text.is_char_boundary(next) {
            next += 1;
        }
        let chunk = &text[at..next];
        utf16 += width(chunk, PositionEncoding::Utf16);
        utf32 += width(chunk, PositionEncoding::Utf32);
        checkpoints.push(Checkpoint { offset: size(next), utf16, utf32 });
        at = next;
    }
}

/// The byte offset in `rope` of `position`, clamped like [`LineIndex::offset`]; used to apply editor edits.
/// Runs in time logarithmic in the rope's length, whatever the length of the line.
pub fn rope_offset(rope: &Rope, position: LineCol, encoding: PositionEncoding) -> usize {
    if position.line as usize >= rope.len_lines() {
        return rope.len_bytes();
    }
    let line_start = rope.line_to_char(position.line as usize);
    let line = rope.line(position.line as usize);
    let terminator = line.chars_at(line.len_chars()).reversed().take_while(|&c| c == '\n' || c == '\r').count();
    let line_end = line_start + line.len_chars() - terminator;
    let char_index = match encoding {
        PositionEncoding::Utf32 => line_start.saturating_add(position.col as usize).min(line_end),
        PositionEncoding::Utf16 => {
            let start_cu = rope.char_to_utf16_cu(line_start);
            let end_cu = rope.char_to_utf16_cu(line_end);
            // A column inside a surrogate pair stops before the character.
            rope.utf16_cu_to_char(start_cu.saturating_add(position.col as usize).min(end_cu))
        }
        PositionEncoding::Utf8 => {
            let start_byte = rope.char_to_byte(line_start);
            let end_byte = rope.char_to_byte(line_end);
            // A column inside a character stops before it.
            rope.byte_to_char(start_byte.saturating_add(position.col as usize).min(end_byte))
        }
    };
    rope.char_to_byte(char_index)
}

/// The number of columns `text` takes in `encoding`.
fn width(text: &str, encoding: PositionEncoding) -> u32 {
    if text.is_ascii() || encoding == PositionEncoding::Utf8 {
        return text.len() as u32;
    }
    text.chars().map(|c| char_width(c, encoding)).sum()
}

fn char_width(c: char, encoding: PositionEncoding) -> u32 {
    match encoding {
        PositionEncoding::Utf8 => c.len_utf8() as u32,
        PositionEncoding::Utf16 => c.len_utf16() as u32,
        PositionEncoding::Utf32 => 1,
    }
}

/// The bytes taken by the first `columns` columns of `line`; a column inside a character stops before it.
fn byte_len_of_columns(line: &str, columns: u32, encoding: PositionEncoding) -> usize {
    if encoding == PositionEncoding::Utf8 || line.is_ascii() {
        let mut at = (columns as usize).min(line.len());
        while !line.is_char_boundary(at) {
            at -= 1;
        }
        return at;
    }
    let mut seen = 0;
    let mut bytes = 0;
    for c in line.chars() {
        let w = char_width(c, encoding);
        if seen + w > columns {
            break;
        }
        seen += w;
        bytes += c.len_utf8();
    }
    bytes
}

/// Where a chunk of `text[..end]` that starts at `start` and is about `size` bytes long should end, so that it cuts
/// no word: after the first line break from `start + size` on, or, on a line that goes on for another `size`
/// bytes, after the first space there, or at the next character boundary when there is none.
pub fn chunk_end(text: &str, start: usize, size: usize, end: usize) -> usize {
    let from = start.saturating_add(size).min(end);
    let reach = from.saturating_add(size).min(end);
    let bytes = &text.as_bytes()[from..reach];
    if let Some(at) = memchr::memchr(b'\n', bytes).or_else(|| memchr::memchr(b' ', bytes)) {
        return from + at + 1;
    }
    let mut at = reach;
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
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

#[cfg(test)]
mod chunk_tests {
    use super::chunk_end;

    #[test]
    fn chunks_end_between_words() {
        let lines = "one two\nthree four\nfive six\n";
        assert_eq!(&lines[..chunk_end(lines, 0, 5, lines.len())], "one two\n");
        assert_eq!(chunk_end(lines, 0, 100, lines.len()), lines.len());
        let line = "word ".repeat(100);
        assert_eq!(chunk_end(&line, 0, 12, line.len()), 15, "after a space when the line goes on");
        let solid = "é".repeat(100);
        let end = chunk_end(&solid, 0, 11, solid.len());
        assert!(solid.is_char_boundary(end) && end >= 22);
    }
}

#[cfg(test)]
mod long_line_tests {
    //! The checkpoints of long lines give the same answers as walking each line from its start.

    use super::*;
    use proptest::prelude::*;

    /// Walks the line from its start: the obvious conversion, as the reference.
    fn naive_line_col(text: &str, offset: usize, encoding: PositionEncoding) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let index = LineIndex::new(text);
        let line = index.line_starts.partition_point(|&s| usize::from(s) <= offset) - 1;
        let range = index.line_range(text, line as u32);
        let before = &text[usize::from(range.start())..offset.min(usize::from(range.end()))];
        LineCol { line: line as u32, col: before.chars().map(|c| char_width(c, encoding)).sum() }
    }

    fn naive_offset(text: &str, position: LineCol, encoding: PositionEncoding) -> usize {
        let index = LineIndex::new(text);
        if position.line as usize >= index.line_count() {
            return text.len();
        }
        let range = index.line_range(text, position.line);
        let mut seen = 0;
        let mut at = usize::from(range.start());
        for c in text[range].chars() {
            if seen + char_width(c, encoding) > position.col {
                break;
            }
            seen += char_width(c, encoding);
            at += c.len_utf8();
        }
        at
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            8 => Just("a"),
            2 => Just(" "),
            2 => Just("é"),
            1 => Just("😀"),
            1 => Just("日"),
            1 => Just("\n"),
            1 => Just("\r\n"),
            1 => Just("\r"),
        ];
        // Runs of pieces long enough to make lines of several checkpoints.
        proptest::collection::vec((piece, 1usize..700), 1..12)
            .prop_map(|runs| runs.into_iter().map(|(piece, n)| piece.repeat(n)).collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn conversions_agree_with_walking_the_line(text in text_strategy(), picks in proptest::collection::vec(0usize..100_000, 16)) {
            let index = LineIndex::new(&text);
            let rope = Rope::from_str(&text);
            for pick in picks {
                let offset = pick % (text.len() + 1);
                for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32] {
                    let expected = naive_line_col(&text, offset, encoding);
                    prop_assert_eq!(index.line_col(&text, size(offset), encoding), expected);
                    // Columns around the position, including past the end of the line and inside characters.
                    for col in [expected.col.saturating_sub(1), expected.col, expected.col + 1, expected.col + 5_000] {
                        let position = LineCol { line: expected.line, col };
                        let want = naive_offset(&text, position, encoding);
                        prop_assert_eq!(usize::from(index.offset(&text, position, encoding)), want);
                        prop_assert_eq!(rope_offset(&rope, position, encoding), want);
                    }
                }
            }
        }
    }
}
