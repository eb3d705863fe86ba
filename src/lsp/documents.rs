//! The documents open in the editor, kept as ropes and edited incrementally, in the order the edits arrive.
//!
//! A parsed note is built lazily from a rope snapshot, off the async workers, and cached until the next edit.

use std::collections::HashMap;
use std::sync::Arc;

use ropey::Rope;
use tower_lsp::lsp_types as lsp;

use crate::analysis::Note;
use crate::text::{LineCol, LineIndex, PositionEncoding, rope_offset};

/// A note parsed at one version, with its line index.
#[derive(Debug)]
pub struct ParsedNote {
    /// The parsed note.
    pub note: Note,
    /// The line index of its text.
    pub line_index: LineIndex,
    /// The version it was parsed at.
    pub version: i32,
}

impl ParsedNote {
    /// Parses the text of `rope`.
    pub fn new(rope: &Rope, version: i32) -> ParsedNote {
        let note = Note::new(rope.to_string());
        let line_index = LineIndex::new(note.text());
        ParsedNote { note, line_index, version }
    }
}

/// One open document.
#[derive(Debug)]
pub struct Document {
    /// The current text.
    pub rope: Rope,
    /// The version the client gave the current text.
    pub version: i32,
    /// Bumped on every change; a debounced task checks it to know whether it is stale.
    pub generation: u64,
    /// The generation last opened or saved: the text on disk.
    pub saved_generation: u64,
    parsed: Option<Arc<ParsedNote>>,
}

impl Document {
    /// The parsed note if it is current.
    pub fn parsed(&self) -> Option<Arc<ParsedNote>> {
        self.parsed.clone().filter(|p| p.version == self.version)
    }

    /// Caches `parsed` if it is still current.
    pub fn cache(&mut self, parsed: Arc<ParsedNote>) {
        if parsed.version == self.version {
            self.parsed = Some(parsed);
        }
    }
}

/// All open documents by URI.
#[derive(Debug, Default)]
pub struct Documents {
    open: HashMap<lsp::Url, Document>,
}

impl Documents {
    /// Records a newly opened document.
    pub fn open(&mut self, uri: lsp::Url, text: &str, version: i32) {
        self.open.insert(
            uri,
            Document { rope: Rope::from_str(text), version, generation: 0, saved_generation: 0, parsed: None },
        );
    }

    /// Applies edits in order; a change without a range replaces the whole text. Returns false if not open.
    pub fn change(
        &mut self,
        uri: &lsp::Url,
        version: i32,
        changes: Vec<lsp::TextDocumentContentChangeEvent>,
        encoding: PositionEncoding,
    ) -> bool {
        let Some(document) = self.open.get_mut(uri) else {
            return false;
        };
        for change in changes {
            match change.range {
                None => document.rope = Rope::from_str(&change.text),
                Some(range) => {
                    let rope = &mut document.rope;
                    let start = rope_offset(rope, line_col(range.start), encoding);
                    let end = rope_offset(rope, line_col(range.end), encoding).max(start);
                    let start_char = rope.byte_to_char(start);
                    let end_char = rope.byte_to_char(end);
                    rope.remove(start_char..end_char);
                    rope.insert(start_char, &change.text);
                }
            }
        }
        document.version = version;
        document.generation += 1;
        true
    }

    /// Forgets a closed document.
    pub fn close(&mut self, uri: &lsp::Url) {
        self.open.remove(uri);
    }

    /// The open document at `uri`.
    pub fn get(&self, uri: &lsp::Url) -> Option<&Document> {
        self.open.get(uri)
    }

    /// The open document at `uri`, to cache a parse.
    pub fn get_mut(&mut self, uri: &lsp::Url) -> Option<&mut Document> {
        self.open.get_mut(uri)
    }

    /// The URIs of all open documents.
    pub fn uris(&self) -> Vec<lsp::Url> {
        self.open.keys().cloned().collect()
    }
}

fn line_col(position: lsp::Position) -> LineCol {
    LineCol { line: position.line, col: position.character }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: (u32, u32), end: (u32, u32), text: &str) -> lsp::TextDocumentContentChangeEvent {
        lsp::TextDocumentContentChangeEvent {
            range: Some(lsp::Range::new(lsp::Position::new(start.0, start.1), lsp::Position::new(end.0, end.1))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn incremental_edits_apply_in_order_in_utf16() {
        let uri = lsp::Url::parse("file:///n.md").unwrap();
        let mut documents = Documents::default();
        documents.open(uri.clone(), "😀 see [@a]\nnext\n", 1);
        // Column 7 in UTF-16 is after "😀 see " (the emoji counts 2).
        let changes = vec![edit((0, 7), (0, 7), "also "), edit((1, 0), (1, 4), "last")];
        assert!(documents.change(&uri, 2, changes, PositionEncoding::Utf16));
        let document = documents.get(&uri).unwrap();
        assert_eq!(document.rope.to_string(), "😀 see also [@a]\nlast\n");
        assert_eq!(document.version, 2);
    }
}
