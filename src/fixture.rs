//! A small language for test fixtures, shared by the unit tests and the integration tests.
//!
//! ```text
//! //- sources/harbour-strike.txt
//! Dock workers walked out on Monday.
//! //- notes/week.md
//! See [@harbour-strik$0].
//!       ^^^^^^^^^^^^^ error[unknown-source]: …
//! ```
//!
//! `//- path` starts a file (a fixture without one is a single file, `note.md`).
//! `$0` marks the cursor and is removed.
//! A line made only of spaces and `^` (and a label after them) annotates the line above it and is removed.

use crate::text::{TextRange, TextSize, range, size};

/// A parsed fixture: files, an optional cursor and the annotations.
#[derive(Clone, Debug, Default)]
pub struct Fixture {
    /// The files, in order.
    pub files: Vec<FixtureFile>,
    /// The file index and offset of `$0`, if there was one.
    pub cursor: Option<(usize, TextSize)>,
    /// `(file index, range, label)` for each `^^^` line.
    pub annotations: Vec<(usize, TextRange, String)>,
}

/// One file of a fixture.
#[derive(Clone, Debug, Default)]
pub struct FixtureFile {
    /// The path, relative to the fixture's root.
    pub path: String,
    /// The text, with cursor and annotation lines removed.
    pub text: String,
}

const CURSOR: &str = "$0";

impl Fixture {
    /// Parses a fixture.
    pub fn parse(fixture: &str) -> Fixture {
        let fixture = fixture.strip_prefix('\n').unwrap_or(fixture);
        let mut result = Fixture::default();
        let mut current: Option<FixtureFile> = None;
        let mut lines_of_current: Vec<String> = Vec::new();
        let finish = |file: Option<FixtureFile>, lines: &mut Vec<String>, result: &mut Fixture| {
            if let Some(mut file) = file {
                file.text = lines.join("\n");
                if !file.text.is_empty() {
                    file.text.push('\n');
                }
                result.files.push(file);
            }
            lines.clear();
        };
        for line in fixture.lines() {
            if let Some(path) = line.strip_prefix("//- ") {
                finish(current.take(), &mut lines_of_current, &mut result);
                current = Some(FixtureFile { path: path.trim().to_string(), text: String::new() });
                continue;
            }
            if current.is_none() {
                current = Some(FixtureFile { path: "note.md".to_string(), text: String::new() });
            }
            let file_index = result.files.len();
            if let Some((start_col, width, label)) = annotation(line) {
                let line_start: usize = lines_of_current.iter().map(|l| l.len() + 1).sum::<usize>()
                    - lines_of_current.last().map_or(0, |l| l.len() + 1);
                let above = lines_of_current.last().map(String::as_str).unwrap_or("");
                let start = line_start + byte_of_char(above, start_col);
                let end = line_start + byte_of_char(above, start_col + width);
                result.annotations.push((file_index, range(start, end), label.to_string()));
                continue;
            }
            let mut line = line.to_string();
            if let Some(at) = line.find(CURSOR) {
                let line_start: usize = lines_of_current.iter().map(|l| l.len() + 1).sum();
                result.cursor = Some((file_index, size(line_start + at)));
                line.replace_range(at..at + CURSOR.len(), "");
            }
            lines_of_current.push(line);
        }
        finish(current.take(), &mut lines_of_current, &mut result);
        result
    }

    /// The text of the only file, or of the file with the cursor.
    pub fn main_file(&self) -> &FixtureFile {
        let index = self.cursor.map_or(self.files.len() - 1, |(file, _)| file);
        &self.files[index]
    }

    /// The cursor offset; panics when the fixture has none.
    pub fn cursor_offset(&self) -> TextSize {
        self.cursor.expect("the fixture needs a $0 cursor").1
    }
}

/// Reads `   ^^^^ label` as (column of the first `^`, number of `^`, label).
fn annotation(line: &str) -> Option<(usize, usize, &str)> {
    let trimmed = line.trim_start();
    if !trimmed.starts_with('^') {
        return None;
    }
    let start_col = line.chars().count() - trimmed.chars().count();
    let width = trimmed.chars().take_while(|&c| c == '^').count();
    let label = trimmed[width..].trim();
    Some((start_col, width, label))
}

fn byte_of_char(line: &str, col: usize) -> usize {
    line.char_indices().nth(col).map_or(line.len(), |(i, _)| i)
}

/// Writes `text` with a `^^^ label` line under each annotated range, the inverse of the annotation syntax.
///
/// A range that spans several lines is underlined to the end of its first line.
pub fn annotate(text: &str, annotations: &[(TextRange, String)]) -> String {
    let mut sorted: Vec<&(TextRange, String)> = annotations.iter().collect();
    sorted.sort_by_key(|(r, label)| (r.start(), r.end(), label.clone()));
    let mut out = String::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        out.push_str(content);
        out.push('\n');
        let line_end = line_start + content.len();
        for (r, label) in &sorted {
            let start = usize::from(r.start());
            let on_this_line = start >= line_start && (start < line_end || (start == line_end && r.is_empty()));
            let at_empty_end = start == line_end && !r.is_empty() && start == line_start + line.len();
            if !on_this_line && !at_empty_end {
                continue;
            }
            let end = usize::from(r.end()).min(line_end).max(start);
            let col = content[..start - line_start].chars().count();
            let width = content[start - line_start..end - line_start].chars().count().max(1);
            out.push_str(&" ".repeat(col));
            out.push_str(&"^".repeat(width));
            if !label.is_empty() {
                out.push(' ');
                out.push_str(label);
            }
            out.push('\n');
        }
        line_start += line.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_files_cursor_and_annotations() {
        let fixture = Fixture::parse(
            r#"
//- sources/a.txt
Alpha beta.
//- notes/n.md
See [@a$0].
     ^ the id
"#,
        );
        assert_eq!(fixture.files.len(), 2);
        assert_eq!(fixture.files[0].path, "sources/a.txt");
        assert_eq!(fixture.files[0].text, "Alpha beta.\n");
        assert_eq!(fixture.files[1].text, "See [@a].\n");
        assert_eq!(fixture.cursor, Some((1, size(7))));
        assert_eq!(fixture.annotations, vec![(1, range(5, 6), "the id".to_string())]);
    }

    #[test]
    fn annotate_inverts_parse() {
        let text = "one two\nthree\n";
        let annotated = annotate(text, &[(range(4, 7), "second".into()), (range(8, 13), "third".into())]);
        assert_eq!(annotated, "one two\n    ^^^ second\nthree\n^^^^^ third\n");
    }
}
