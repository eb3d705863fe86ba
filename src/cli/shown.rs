//! The notes as the terminal shows them under a diagnostic: the lines of the note, or, on a line too long to
//! print whole, a window of that line around the problem, with the real line and column numbers either way.
//!
//! Printing the whole line under every diagnostic would make a note of one long line cost its length for each of
//! its diagnostics: 20,000 problems on a 40 KB line would print 800 MB.

use std::ops::Range;

use codespan_reporting::files::{Error, Files};

use crate::text::{LineIndex, PositionEncoding, TextRange, size};

/// Lines longer than this (in bytes) are shown as a window around the problem.
const MAX_SHOWN_LINE: usize = 240;
/// How much of the line is shown on each side of the problem in a window.
const CONTEXT: usize = 60;
/// How much of a long problem a window shows.
const MAX_SHOWN_SPAN: usize = 120;

/// What one diagnostic shows of its note, as a `codespan_reporting` file with the id `()`.
pub(super) enum Shown<'a> {
    /// The note itself, whose lines are short enough around the problem.
    Note { name: &'a str, text: &'a str, index: &'a LineIndex },
    /// A window of one long line.
    Window(Window),
}

/// A window of one long line: an ellipsis where the line goes on, and the real position of its first byte.
pub(super) struct Window {
    name: String,
    text: String,
    /// Zero-based line of the note.
    line: usize,
    /// The byte of the window's text where the note's text starts (after a leading ellipsis).
    prefix: usize,
    /// The zero-based column, in characters, of the note's text the window starts with.
    column: usize,
}

impl<'a> Shown<'a> {
    /// What to show of `text` for a problem at `range`, and the range to underline in it.
    pub(super) fn new(
        name: &'a str,
        text: &'a str,
        index: &'a LineIndex,
        range: TextRange,
    ) -> (Shown<'a>, Range<usize>) {
        let first_line = index.line_col(text, range.start(), PositionEncoding::Utf8).line;
        let last_line = index.line_col(text, range.end(), PositionEncoding::Utf8).line;
        let long = |line: u32| usize::from(index.line_range(text, line).len()) > MAX_SHOWN_LINE;
        if !(first_line..=last_line).any(long) {
            return (Shown::Note { name, text, index }, range.into());
        }
        // A window of the first line: the problem's start with some context, cut where the problem is long.
        let line = index.line_range(text, first_line);
        let start = usize::from(range.start());
        let end = usize::from(range.end().min(line.end())).min(start + MAX_SHOWN_SPAN).max(start);
        let window_start = text.floor_char_boundary(start.saturating_sub(CONTEXT).max(usize::from(line.start())));
        let window_end = text.ceil_char_boundary((end + CONTEXT).min(usize::from(line.end())));
        let end = text.ceil_char_boundary(end);
        let mut shown = String::new();
        if window_start > usize::from(line.start()) {
            shown.push('…');
        }
        let prefix = shown.len();
        shown.push_str(&text[window_start..window_end]);
        if window_end < usize::from(line.end()) {
            shown.push('…');
        }
        let column = index.line_col(text, size(window_start), PositionEncoding::Utf32).col as usize;
        let window = Window { name: name.to_string(), text: shown, line: first_line as usize, prefix, column };
        let underline = prefix + start - window_start..prefix + end - window_start;
        (Shown::Window(window), underline)
    }
}

impl<'a> Files<'a> for Shown<'_> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, Error> {
        Ok(match self {
            Shown::Note { name, .. } => name,
            Shown::Window(window) => &window.name,
        })
    }

    fn source(&'a self, (): ()) -> Result<&'a str, Error> {
        Ok(match self {
            Shown::Note { text, .. } => text,
            Shown::Window(window) => &window.text,
        })
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, Error> {
        Ok(match self {
            Shown::Note { text, index, .. } => {
                index.line_col(text, size(byte_index.min(text.len())), PositionEncoding::Utf8).line as usize
            }
            Shown::Window(window) => window.line,
        })
    }

    fn column_number(&'a self, (): (), _line_index: usize, byte_index: usize) -> Result<usize, Error> {
        Ok(match self {
            Shown::Note { text, index, .. } => {
                index.line_col(text, size(byte_index.min(text.len())), PositionEncoding::Utf32).col as usize + 1
            }
            Shown::Window(window) => {
                let into = window.text.get(window.prefix..byte_index.max(window.prefix)).unwrap_or("");
                window.column + into.chars().count() + 1
            }
        })
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, Error> {
        match self {
            Shown::Note { text, index, .. } => {
                if line_index >= index.line_count() {
                    return Err(Error::LineTooLarge { given: line_index, max: index.line_count() - 1 });
                }
                let line = index.line_range(text, line_index as u32);
                // codespan expects the range to include the line's terminator.
                let next = if line_index + 1 < index.line_count() {
                    usize::from(index.line_range(text, line_index as u32 + 1).start())
                } else {
                    text.len()
                };
                Ok(usize::from(line.start())..next.max(usize::from(line.end())))
            }
            Shown::Window(window) if line_index == window.line => Ok(0..window.text.len()),
            Shown::Window(window) => Err(Error::LineTooLarge { given: line_index, max: window.line }),
        }
    }

    fn line_number(&'a self, (): (), line_index: usize) -> Result<usize, Error> {
        Ok(line_index + 1)
    }
}
