//! An article as its file shows it in an editor: for a plain-text article, its text; for one whose text was
//! extracted (a saved web page), the file's own text, read again, with the ranges of the extracted text mapped onto
//! it. Every position in an article given to the writer (a definition, a reference, a lens, a `find` line) goes
//! through here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::corpus::Source;
use crate::text::{LineIndex, TextRange, TextSize};

/// The files of the articles one answer places ranges in, each opened (a saved page read and decoded) once, however
/// many ranges fall in it: an entity's mentions, a passage found in many places.
#[derive(Default)]
pub struct ArticleFiles<'a> {
    opened: HashMap<&'a Path, ArticleFile<'a>>,
}

impl<'a> ArticleFiles<'a> {
    /// The file of `source`, opened the first time it is asked for.
    pub fn get(&mut self, source: &'a Source) -> &ArticleFile<'a> {
        self.opened.entry(source.path.as_path()).or_insert_with(|| ArticleFile::open(source))
    }
}

/// An article's file text, its lines, and the map from its indexed text.
pub struct ArticleFile<'a> {
    source: &'a Source,
    /// The file's text and lines, when they are not the source's own.
    file: Option<(String, LineIndex)>,
}

impl<'a> ArticleFile<'a> {
    /// The file of `source`. A file that can no longer be read (removed since it was indexed) is shown as the
    /// indexed text, so that positions stay valid until the index catches up.
    pub fn open(source: &'a Source) -> ArticleFile<'a> {
        let file = source.origin.as_ref().and_then(|_| super::read_file_text(&source.path).ok()).map(|decoded| {
            let lines = LineIndex::new(&decoded.text);
            (decoded.text, lines)
        });
        ArticleFile { source, file }
    }

    /// The text positions are in.
    pub fn text(&self) -> &str {
        self.file.as_ref().map_or(&self.source.text, |(text, _)| text)
    }

    /// The lines of [`ArticleFile::text`].
    pub fn lines(&self) -> &LineIndex {
        self.file.as_ref().map_or(self.source.line_index(), |(_, lines)| lines)
    }

    /// Where `range` of the indexed text stands in the file.
    pub fn range(&self, range: TextRange) -> TextRange {
        match (&self.file, &self.source.origin) {
            (Some((text, _)), Some(origin)) => origin.to_file(range).map_or(range, |mapped| clamped(text, mapped)),
            _ => range,
        }
    }

    /// The offset of the indexed text at byte `offset` of the file; `None` when nothing indexed stands there (the
    /// page's markup, its navigation).
    pub fn offset(&self, offset: TextSize) -> Option<TextSize> {
        match (&self.file, &self.source.origin) {
            (Some(_), Some(origin)) => origin.to_text(offset),
            _ => Some(offset),
        }
    }
}

/// `range` within `text` and on its character boundaries.
fn clamped(text: &str, range: TextRange) -> TextRange {
    let end = text.floor_char_boundary(usize::from(range.end()).min(text.len()));
    let start = text.floor_char_boundary(usize::from(range.start()).min(end));
    crate::text::range(start, end)
}

/// Writes the text extracted from `source`'s file (a PDF) in `folder`, for an editor that opens it in place of the
/// file, unless it is there already; returns its path. Each version of a file has its own folder, named by the
/// file's hash, so that a text written for an earlier version is never shown for a later one.
pub fn write_extracted_text(folder: &Path, source: &Source) -> std::io::Result<PathBuf> {
    let hash = source.pages.as_ref().map_or(0, crate::corpus::Pages::file_hash);
    let name = source.path.file_name().map_or_else(|| source.id.clone().into(), |name| name.to_os_string());
    let mut file_name = name;
    file_name.push(".txt");
    let path = folder.join(format!("{hash:016x}")).join(file_name);
    if std::fs::read(&path).is_ok_and(|written| written == source.text.as_bytes()) {
        return Ok(path);
    }
    let parent = path.parent().unwrap_or(folder);
    std::fs::create_dir_all(parent)?;
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let write = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let partial = parent.join(format!(".partial-{}-{write}", std::process::id()));
    std::fs::write(&partial, &source.text)?;
    std::fs::rename(&partial, &path)?;
    Ok(path)
}
