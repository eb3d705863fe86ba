//! Where the words of an extracted text stand in the file they were extracted from (a saved web page), so that
//! go-to-definition, hover and references land on the bytes of the quoted words in the file itself.

use crate::text::{TextRange, TextSize};

/// The words of an extracted text, each with its place in the text and in the file it came from.
///
/// A word maps byte for byte when it is written the same in both (no character reference, no tag inside it);
/// otherwise only its two ends map. Text between words (spaces, paragraph breaks made by the extractor) maps to
/// the nearest word. A run of words written the same in both, spaces included, is kept as one entry: most of a
/// page's text is such runs, so the map holds about one entry per tag or reference inside the text, not one per
/// word.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OffsetMap {
    /// In the order of the text, none overlapping.
    words: Vec<MappedWord>,
    /// A hash of the file text the map points into, to know it is that file still.
    file_hash: u64,
}

/// One word of the text and its bytes in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct MappedWord {
    text: TextRange,
    file: TextRange,
    /// The line of the file the word starts on, from 0.
    line: u32,
    /// Whether the word is written the same in the text and the file, so that every byte maps.
    verbatim: bool,
}

impl OffsetMap {
    /// An empty map into the file text whose hash is `file_hash`.
    pub fn new(file_hash: u64) -> OffsetMap {
        OffsetMap { words: Vec::new(), file_hash }
    }

    /// The hash of the file text the map points into, as given to [`OffsetMap::new`].
    pub fn file_hash(&self) -> u64 {
        self.file_hash
    }

    /// Adds the word at `text` in the text, found at `file` in the file, on its `line` (from 0); `verbatim` when
    /// the file writes it byte for byte as the text does. Words are added in the order of the text.
    pub fn push(&mut self, text: TextRange, file: TextRange, line: u32, verbatim: bool) {
        debug_assert!(self.words.last().is_none_or(|last| last.text.end() <= text.start()));
        debug_assert!(!verbatim || text.len() == file.len());
        self.words.push(MappedWord { text, file, line, verbatim });
    }

    /// Makes the last word go on to `text_end` in the text and `file_end` in the file: the words after it, and
    /// what is between them, are written the same in both, on the same line.
    pub fn extend_last(&mut self, text_end: TextSize, file_end: TextSize) {
        if let Some(last) = self.words.last_mut() {
            debug_assert!(last.verbatim && text_end - last.text.end() == file_end - last.file.end());
            last.text = TextRange::new(last.text.start(), text_end);
            last.file = TextRange::new(last.file.start(), file_end);
        }
    }

    /// Whether the last word is written the same in the text and the file, and ends at `text_end` and `file_end`.
    pub fn last_ends_verbatim_at(&self, text_end: TextSize, file_end: TextSize) -> bool {
        self.words.last().is_some_and(|w| w.verbatim && w.text.end() == text_end && w.file.end() == file_end)
    }

    /// The line of the file (from 0) of the word at `offset` of the text, or of the nearest word before it.
    pub fn line_at(&self, offset: TextSize) -> Option<u32> {
        let before = self.words.partition_point(|w| w.text.start() <= offset);
        before.checked_sub(1).and_then(|i| self.words.get(i)).or_else(|| self.words.first()).map(|w| w.line)
    }

    /// How many words are mapped.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether no word is mapped.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The bytes of the file that `range` of the text was extracted from: from where its first word starts to where
    /// its last word ends. `None` when no word is mapped.
    pub fn to_file(&self, range: TextRange) -> Option<TextRange> {
        let start = self.file_start(range.start())?;
        let end = self.file_end(range.end().max(range.start())).unwrap_or(start).max(start);
        Some(TextRange::new(start, end))
    }

    /// Where the file holds the text at `offset`, as the start of a range: inside a word, at that byte of it; between
    /// words, where the next word starts.
    fn file_start(&self, offset: TextSize) -> Option<TextSize> {
        let after = self.words.partition_point(|w| w.text.end() <= offset);
        let word = self.words.get(after).or_else(|| self.words.last())?;
        if word.text.start() >= offset {
            return Some(word.file.start());
        }
        if offset >= word.text.end() {
            return Some(word.file.end());
        }
        Some(if word.verbatim { word.file.start() + (offset - word.text.start()) } else { word.file.start() })
    }

    /// Where the file holds the text at `offset`, as the end of a range: inside a word, at that byte of it; between
    /// words, where the previous word ends.
    fn file_end(&self, offset: TextSize) -> Option<TextSize> {
        let before = self.words.partition_point(|w| w.text.start() < offset);
        let word = before.checked_sub(1).and_then(|i| self.words.get(i)).or_else(|| self.words.first())?;
        if word.text.end() <= offset {
            return Some(word.file.end());
        }
        if offset <= word.text.start() {
            return Some(word.file.start());
        }
        Some(if word.verbatim { word.file.start() + (offset - word.text.start()) } else { word.file.end() })
    }

    /// The offset of the text extracted from the file's byte `offset`: inside a word, that byte of it; elsewhere (in
    /// markup, in a part of the page that was not extracted), `None`.
    pub fn to_text(&self, offset: TextSize) -> Option<TextSize> {
        let word = self.words.iter().find(|w| w.file.start() <= offset && offset <= w.file.end())?;
        Some(if word.verbatim { word.text.start() + (offset - word.file.start()) } else { word.text.start() })
    }

    /// Frees what the map does not use, once every word is in.
    pub fn shrink_to_fit(&mut self) {
        self.words.shrink_to_fit();
    }

    /// The parts of the text the map places in the file, in order.
    pub fn text_ranges(&self) -> impl Iterator<Item = TextRange> + '_ {
        self.words.iter().map(|w| w.text)
    }

    /// The memory the map takes, in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.words.capacity() * std::mem::size_of::<MappedWord>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::range;

    /// `a&amp;b cd` in the file, `a&b cd` in the text.
    fn map() -> OffsetMap {
        let mut map = OffsetMap::default();
        map.push(range(0, 3), range(10, 17), 0, false);
        map.push(range(4, 6), range(20, 22), 1, true);
        map
    }

    #[test]
    fn a_word_written_the_same_maps_byte_for_byte() {
        assert_eq!(map().to_file(range(4, 6)), Some(range(20, 22)));
        assert_eq!(map().to_file(range(5, 6)), Some(range(21, 22)));
        assert_eq!(map().to_text(21.into()), Some(5.into()));
    }

    #[test]
    fn a_word_with_a_character_reference_maps_by_its_ends() {
        assert_eq!(map().to_file(range(0, 3)), Some(range(10, 17)));
        assert_eq!(map().to_file(range(1, 2)), Some(range(10, 17)));
        assert_eq!(map().to_text(14.into()), Some(0.into()));
    }

    #[test]
    fn a_range_spanning_words_covers_them_and_what_is_between() {
        assert_eq!(map().to_file(range(0, 6)), Some(range(10, 22)));
        // From the space between the words: the next word starts it.
        assert_eq!(map().to_file(range(3, 6)), Some(range(20, 22)));
    }

    #[test]
    fn a_position_is_on_the_line_of_its_word_in_the_file() {
        assert_eq!(map().line_at(1.into()), Some(0));
        assert_eq!(map().line_at(5.into()), Some(1));
    }

    #[test]
    fn a_run_written_the_same_is_one_entry_mapped_byte_for_byte() {
        let mut map = OffsetMap::default();
        map.push(range(0, 5), range(100, 105), 3, true);
        assert!(map.last_ends_verbatim_at(5.into(), 105.into()));
        map.extend_last(11.into(), 111.into());
        assert_eq!(map.len(), 1);
        assert_eq!(map.to_file(range(6, 11)), Some(range(106, 111)));
        assert_eq!(map.to_text(107.into()), Some(7.into()));
        assert_eq!(map.line_at(9.into()), Some(3));
    }

    #[test]
    fn markup_and_text_left_out_map_to_nothing() {
        assert_eq!(map().to_text(18.into()), None);
        assert_eq!(OffsetMap::default().to_file(range(0, 1)), None);
    }
}
