//! The pages of a text extracted from a paged file (a PDF): where each page starts in the text and the label printed
//! on it, so that a quote is placed on its page (hover says `p. 4`) and a page locator is checked against it.

use crate::text::{TextRange, TextSize};

/// Where each page of an extracted text starts, with its label.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pages {
    /// The start of each page in the text, in order; the first is 0.
    starts: Vec<TextSize>,
    /// The label printed on each page (`4`, `iv`, `A-3`), in the same order.
    labels: Vec<String>,
    /// A hash of the file's bytes, to know it is that file still.
    file_hash: u64,
}

impl Pages {
    /// The pages starting at the given offsets with the given labels, in order, of the file whose hash is
    /// `file_hash`.
    pub fn new(pages: Vec<(usize, String)>, file_hash: u64) -> Pages {
        let (starts, labels) = pages.into_iter().map(|(start, label)| (TextSize::from(start as u32), label)).unzip();
        Pages { starts, labels, file_hash }
    }

    /// The hash of the file's bytes, as given to [`Pages::new`].
    pub fn file_hash(&self) -> u64 {
        self.file_hash
    }

    /// How many pages there are.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The page (from 0) the text at `offset` is on.
    pub fn index_at(&self, offset: TextSize) -> usize {
        self.starts.partition_point(|start| *start <= offset).saturating_sub(1)
    }

    /// The labels of the pages `range` of the text runs over, in order (one for a quote within a page).
    pub fn labels_of(&self, range: TextRange) -> &[String] {
        let (first, last) = (self.index_at(range.start()), self.index_at(range.end().max(range.start())));
        self.labels.get(first..=last).unwrap_or_default()
    }

    /// The label of page `index` (from 0).
    pub fn label(&self, index: usize) -> Option<&str> {
        self.labels.get(index).map(String::as_str)
    }

    /// The indexes of the pages labelled `label`, compared without case (`iv` and `IV`).
    pub fn indexes_of<'a>(&'a self, label: &'a str) -> impl Iterator<Item = usize> + 'a {
        (self.labels.iter().enumerate()).filter(move |(_, l)| l.eq_ignore_ascii_case(label)).map(|(index, _)| index)
    }

    /// `p. 4` or `pp. 4–5`: how a writer cites the pages `range` runs over.
    pub fn cite(&self, range: TextRange) -> String {
        match self.labels_of(range) {
            [] => String::new(),
            [one] => format!("p. {one}"),
            [first, .., last] => format!("pp. {first}\u{2013}{last}"),
        }
    }

    /// The memory taken, in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.starts.capacity() * 4 + self.labels.iter().map(|l| l.capacity() + 24).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::range;

    fn pages() -> Pages {
        Pages::new(vec![(0, "iv".into()), (10, "1".into()), (20, "2".into())], 7)
    }

    #[test]
    fn a_range_is_on_the_pages_it_runs_over() {
        assert_eq!(pages().labels_of(range(2, 5)), ["iv"]);
        assert_eq!(pages().labels_of(range(12, 25)), ["1", "2"]);
        assert_eq!(pages().cite(range(10, 11)), "p. 1");
        assert_eq!(pages().cite(range(5, 25)), "pp. iv\u{2013}2");
    }

    #[test]
    fn labels_are_found_without_case() {
        assert_eq!(pages().indexes_of("IV").collect::<Vec<_>>(), [0]);
        assert_eq!(pages().indexes_of("3").count(), 0);
    }
}
