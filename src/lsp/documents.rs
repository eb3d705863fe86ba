//! The documents open in the editor, kept as ropes and edited incrementally, in the order the edits arrive.
//!
//! A whole note is parsed lazily from a rope snapshot, off the async workers, and kept until a newer parse
//! replaces it. Between the two, a request at a position parses only the part of the note around it, from the
//! last restart point of the kept parse that no edit has touched ([`Document::part_around`]): typing in a large
//! note costs one paragraph, not the note.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use ropey::Rope;
use tower_lsp::lsp_types as lsp;

use super::convert::TextLines;
use crate::analysis::{Note, Notes, SharedNote};
use crate::bibliography::library::front_matter_bibliographies;
use crate::markup;
use crate::text::{LineCol, LineIndex, PositionEncoding, rope_offset};

impl AsRef<Note> for ParsedNote {
    fn as_ref(&self) -> &Note {
        &self.note
    }
}

/// The [`Document::latest_version`] of a closed document: no version is current.
pub const CLOSED: i64 = i64::MIN;

/// A note, or a part of one, parsed at one version, with its line index.
#[derive(Debug)]
pub struct ParsedNote {
    /// The parsed note or part.
    pub note: Note,
    /// The line index of its text.
    pub line_index: LineIndex,
    /// The version it was parsed at.
    pub version: i32,
    /// The line of the document its text starts at: 0 for the whole note.
    pub first_line: u32,
}

impl ParsedNote {
    /// Parses the whole text of `rope`, the note at `path`.
    pub fn new(rope: &Rope, version: i32, path: Option<PathBuf>) -> ParsedNote {
        ParsedNote::whole(rope.to_string(), version, path)
    }

    /// Parses `text`, the whole text of the note at `path`.
    pub fn whole(text: String, version: i32, path: Option<PathBuf>) -> ParsedNote {
        let note = match path {
            Some(path) => Note::at(path, text),
            None => Note::new(text),
        };
        ParsedNote::from_note(note, version, 0)
    }

    /// Its text with its line index, for converting positions in `encoding`.
    pub fn lines(&self, encoding: PositionEncoding) -> TextLines<'_> {
        TextLines { text: self.note.text(), index: &self.line_index, encoding, first_line: self.first_line }
    }

    fn from_note(note: Note, version: i32, first_line: u32) -> ParsedNote {
        let line_index = LineIndex::new(note.text());
        ParsedNote { note, line_index, version, first_line }
    }

    /// Parses a part of the note at `path` that starts at `first_line` (see [`Document::part_around`]), whose
    /// front matter names `bibliographies`.
    pub fn part(
        first_line: u32,
        text: String,
        version: i32,
        path: Option<PathBuf>,
        bibliographies: Vec<String>,
    ) -> ParsedNote {
        let note = match (first_line, path) {
            (0, Some(path)) => Note::at(path, text),
            (0, None) => Note::new(text),
            (_, Some(path)) => Note::part_at(path, text, bibliographies),
            (_, None) => Note::part(text),
        };
        ParsedNote::from_note(note, version, first_line)
    }
}

/// One open document; cheap to clone (the rope shares its text).
#[derive(Clone, Debug)]
pub struct Document {
    /// The current text.
    pub rope: Rope,
    /// The version the client gave the current text.
    pub version: i32,
    /// Bumped on every change; a debounced task checks it to know whether it is stale.
    pub generation: u64,
    /// The generation last opened or saved: the text on disk.
    pub saved_generation: u64,
    /// The version of the current text, shared with work started on older versions so that it can stop;
    /// [`CLOSED`] once the document is closed.
    pub latest_version: Arc<AtomicI64>,
    /// The file, when the document is one.
    pub path: Option<PathBuf>,
    /// The latest parse of the whole note, possibly of an older version.
    parsed: Option<Arc<ParsedNote>>,
    /// How many bytes at the start of the current text are as they were when `parsed` was made.
    unchanged_prefix: usize,
    /// Where the last change put its text (bytes of the current text), until the note is saved: the place being
    /// typed, where an unfinished citation is not yet an error.
    pub editing: Option<std::ops::Range<usize>>,
}

impl Document {
    /// The parsed whole note if it is current.
    pub fn parsed(&self) -> Option<Arc<ParsedNote>> {
        self.parsed.clone().filter(|p| p.version == self.version)
    }

    /// The whole note parsed: the kept parse when it is current, else a new one (CPU work: off the async workers).
    pub fn whole(&self) -> Arc<ParsedNote> {
        self.parsed().unwrap_or_else(|| Arc::new(ParsedNote::new(&self.rope, self.version, self.path.clone())))
    }

    /// The bibliographies the note's front matter names now, as written.
    pub fn named_bibliographies(&self) -> Vec<String> {
        /// Front matter longer than this is not read for a part (a whole parse reads it all).
        const FRONT_MATTER_BYTES: usize = 64 * 1024;
        if !self.rope.chunks().next().is_some_and(|chunk| chunk.starts_with("---")) {
            return Vec::new();
        }
        let end = self.rope.byte_to_char(self.rope.len_bytes().min(FRONT_MATTER_BYTES));
        let start = self.rope.slice(..end).to_string();
        front_matter_bibliographies(&start).into_iter().map(|(name, _)| name).collect()
    }

    /// Keeps `parsed`, a parse of the whole note, if it is still current.
    pub fn cache(&mut self, parsed: Arc<ParsedNote>) {
        if parsed.version == self.version {
            self.parsed = Some(parsed);
            self.unchanged_prefix = self.rope.len_bytes();
        }
    }

    /// The smallest part of the current text around `line` that parses alone as it does within the whole note:
    /// from the last restart point before the line that no edit has voided (the start of the note when there is
    /// none) to the end of the first blank line after it. Returns the part's first line and its text.
    pub fn part_around(&self, line: u32) -> (u32, String) {
        let rope = &self.rope;
        let line = (line as usize).min(rope.len_lines().saturating_sub(1));
        let line_start = rope.line_to_byte(line);
        let start = self.restart_before(line_start);
        let first_line = rope.byte_to_line(start);
        // The part ends after the first blank line at or after the cursor's line: no paragraph, code span or
        // citation continues past it.
        let mut end_line = line;
        while end_line < rope.len_lines() && !is_blank(rope.line(end_line)) {
            end_line += 1;
        }
        let end = rope.line_to_byte((end_line + 1).min(rope.len_lines()));
        (first_line as u32, rope.byte_slice(start..end.max(start)).to_string())
    }

    /// The last usable restart point at or before `offset`.
    fn restart_before(&self, offset: usize) -> usize {
        let Some(parsed) = &self.parsed else {
            return 0;
        };
        let restarts = &parsed.note.syntax().restarts;
        // Only restart points in the unchanged prefix are where they were; an edit may still have touched their line.
        let limit = offset.min(self.unchanged_prefix);
        let candidates = restarts.partition_point(|&r| usize::from(r) <= limit);
        let rope = &self.rope;
        for &restart in restarts[..candidates].iter().rev() {
            let at = usize::from(restart);
            if at == 0 {
                return 0;
            }
            let line = rope.byte_to_line(at);
            let line_end = rope.line_to_byte(line + 1);
            if line_end <= self.unchanged_prefix
                || markup::still_restarts(&rope.line(line - 1).to_string(), &rope.line(line).to_string())
            {
                return at;
            }
        }
        0
    }
}

fn is_blank(line: ropey::RopeSlice) -> bool {
    line.chars().all(char::is_whitespace)
}

/// All open documents by URI.
#[derive(Debug, Default)]
pub struct Documents {
    open: HashMap<lsp::Url, Document>,
}

impl Documents {
    /// Records a newly opened document.
    pub fn open(&mut self, uri: lsp::Url, text: &str, version: i32) {
        let path = uri.to_file_path().ok();
        self.open.insert(
            uri,
            Document {
                rope: Rope::from_str(text),
                version,
                generation: 0,
                saved_generation: 0,
                latest_version: Arc::new(AtomicI64::new(i64::from(version))),
                path,
                parsed: None,
                unchanged_prefix: 0,
                editing: None,
            },
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
                None => {
                    document.rope = Rope::from_str(&change.text);
                    document.unchanged_prefix = 0;
                    document.editing = None;
                }
                Some(range) => {
                    let rope = &mut document.rope;
                    let start = rope_offset(rope, line_col(range.start), encoding);
                    let end = rope_offset(rope, line_col(range.end), encoding).max(start);
                    document.unchanged_prefix = document.unchanged_prefix.min(start);
                    let start_char = rope.byte_to_char(start);
                    let end_char = rope.byte_to_char(end);
                    rope.remove(start_char..end_char);
                    rope.insert(start_char, &change.text);
                    document.editing = Some(start..start + change.text.len());
                }
            }
        }
        document.version = version;
        document.latest_version.store(i64::from(version), Ordering::Relaxed);
        document.generation += 1;
        true
    }

    /// Forgets a closed document.
    pub fn close(&mut self, uri: &lsp::Url) {
        if let Some(document) = self.open.remove(uri) {
            document.latest_version.store(CLOSED, Ordering::Relaxed);
        }
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

/// A note as the disk holds it: parsed when it was read, or the text the editor saved, recorded when the save
/// was notified and parsed when first needed.
#[derive(Clone, Debug)]
pub enum DiskNote {
    /// Read from disk and parsed.
    Parsed(Arc<ParsedNote>),
    /// Saved from the editor: the document as it was when saved.
    Saved(Document),
}

impl DiskNote {
    /// The note parsed (CPU work for a saved one not parsed yet: off the async workers).
    pub fn parse(&self) -> Arc<ParsedNote> {
        match self {
            DiskNote::Parsed(parsed) => parsed.clone(),
            DiskNote::Saved(document) => document.whole(),
        }
    }

    /// The version of the text: the one saved, or 0 for a note read from disk.
    pub fn version(&self) -> i32 {
        match self {
            DiskNote::Parsed(parsed) => parsed.version,
            DiskNote::Saved(document) => document.version,
        }
    }
}

/// The notes of the workspace as the server holds them: the open documents (parsed or not yet) and the notes as
/// the disk holds them; [`GatheredNotes::parse`] makes them one [`Notes`], off the async workers.
pub struct GatheredNotes {
    /// The open documents.
    pub open: Vec<Document>,
    /// The notes as read from disk or last saved.
    pub on_disk: Arc<HashMap<PathBuf, DiskNote>>,
}

impl GatheredNotes {
    /// The notes as one set, the open ones parsed where they are not yet (CPU work: off the async workers).
    pub fn parse(self) -> Notes {
        let open: Vec<(PathBuf, SharedNote)> = (self.open.into_iter())
            .filter_map(|document| Some((document.path.clone()?, document.whole() as SharedNote)))
            .collect();
        // The open notes win over the disk: theirs are not parsed.
        let is_open: std::collections::HashSet<&PathBuf> = open.iter().map(|(path, _)| path).collect();
        let on_disk: Vec<(PathBuf, SharedNote)> = (self.on_disk.iter())
            .filter(|(path, _)| !is_open.contains(path))
            .map(|(path, note)| (path.clone(), note.parse() as SharedNote))
            .collect();
        Notes::new(open.into_iter().chain(on_disk))
    }
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

    const NOTE: &str = "# Notes [@a]\n\nFirst paragraph [@b].\n\n- item [@c]\n\n  still the item [@d]\n\nLast [@e] and\n[[Ana]].\n\nEnd.\n";

    /// A document opened with `NOTE`, parsed whole, then edited.
    fn edited(start: (u32, u32), end: (u32, u32), text: &str) -> Document {
        let uri = lsp::Url::parse("file:///n.md").unwrap();
        let mut documents = Documents::default();
        documents.open(uri.clone(), NOTE, 1);
        let document = documents.get_mut(&uri).unwrap();
        let whole = Arc::new(ParsedNote::new(&document.rope, 1, None));
        document.cache(whole);
        assert!(documents.change(&uri, 2, vec![edit(start, end, text)], PositionEncoding::Utf16));
        documents.get(&uri).unwrap().clone()
    }

    /// The citations and mentions of a parse, as text, with their lines in the document.
    fn markup_lines(parsed: &ParsedNote) -> Vec<(u32, String)> {
        let syntax = parsed.note.syntax();
        let ranges = syntax.citations.iter().map(|c| c.range).chain(syntax.mentions.iter().map(|m| m.range));
        let mut found: Vec<(u32, String)> = ranges
            .map(|range| {
                let line = parsed.line_index.line_col(parsed.note.text(), range.start(), PositionEncoding::Utf8).line;
                (line + parsed.first_line, parsed.note.text()[range].to_string())
            })
            .collect();
        found.sort();
        found
    }

    #[test]
    fn a_part_is_the_paragraph_around_the_line_and_parses_as_in_the_whole_note() {
        let document = edited((8, 5), (8, 5), "[@new] ");
        let (first_line, text) = document.part_around(8);
        assert_eq!((first_line, text.as_str()), (8, "Last [@new] [@e] and\n[[Ana]].\n\n"));
        let whole = ParsedNote::new(&document.rope, 2, None);
        for line in 0..document.rope.len_lines() as u32 {
            let (first_line, text) = document.part_around(line);
            let part = ParsedNote::part(first_line, text, 2, None, Vec::new());
            let in_part: Vec<_> = markup_lines(&whole)
                .into_iter()
                .filter(|(l, _)| {
                    (part.first_line..part.first_line + part.note.text().lines().count() as u32).contains(l)
                })
                .collect();
            assert_eq!(markup_lines(&part), in_part, "part around line {line}");
        }
    }

    #[test]
    fn an_edit_before_a_restart_point_voids_it() {
        // An edit at the end of line 2 opens a code fence: the parts after it start at its paragraph, and see
        // the rest of the note as code.
        let document = edited((2, 21), (2, 21), "\n```");
        let (first_line, text) = document.part_around(10);
        assert_eq!(first_line, 2);
        let part = ParsedNote::part(first_line, text, 2, None, Vec::new());
        assert_eq!(markup_lines(&part), [(2, "[@b]".to_string())]);
    }

    #[test]
    fn an_edited_restart_line_counts_only_at_column_zero_after_a_blank_line() {
        // Indenting "Last" makes it part of the list item before it.
        let document = edited((8, 0), (8, 0), "  ");
        let (first_line, _) = document.part_around(8);
        assert_eq!(first_line, 4);
        // Editing its words keeps it a restart point.
        let document = edited((8, 0), (8, 4), "First");
        assert_eq!(document.part_around(8).0, 8);
    }

    #[test]
    fn a_note_never_parsed_whole_is_parsed_from_its_start() {
        let uri = lsp::Url::parse("file:///n.md").unwrap();
        let mut documents = Documents::default();
        documents.open(uri.clone(), NOTE, 1);
        let (first_line, text) = documents.get(&uri).unwrap().part_around(4);
        assert_eq!((first_line, text.as_str()), (0, &NOTE[..NOTE.find("  still").unwrap()]));
    }
}
