//! The bibliography files of a workspace as read: the files `marginalia.toml` names and those the notes' front
//! matter names (`bibliography:`, as Pandoc reads it), each with its entries and the errors found in it.
//!
//! A library is made from texts; `load` reads the files.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use super::read::{self, BibError, BibSyntax, Entry};
use crate::text::{LineIndex, TextRange, range};

/// Every bibliography file of a workspace, read; immutable, shared by the snapshots that answer from it.
#[derive(Clone, Debug, Default)]
pub struct Library {
    files: Vec<BibFile>,
    /// The workspace root, where a bibliography a note names is looked for after the note's folder.
    root: Option<PathBuf>,
}

/// One bibliography file.
#[derive(Clone, Debug)]
pub struct BibFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its text (empty when it could not be read), where its entries' and errors' ranges point.
    pub text: Arc<str>,
    /// The line index of its text, made once: errors and entries are shown at their lines on every check.
    pub lines: LineIndex,
    /// The entries that could be read.
    pub entries: Vec<Entry>,
    /// The entries that could not be read, or why the file could not be read at all.
    pub errors: Vec<BibError>,
    /// Whether the file was found and read as text (its entries may still have errors).
    pub found: bool,
    /// Whether `marginalia.toml` names it (every note sees its entries), rather than only notes' front matter.
    pub configured: bool,
}

impl Library {
    /// A library of the files at `paths` with their texts, or why each could not be read. A file whose extension
    /// names no syntax that is read is an error in it, not a guess.
    pub fn new(files: Vec<(PathBuf, Result<String, String>)>) -> Library {
        let mut files: Vec<BibFile> = files
            .into_iter()
            .map(|(path, text)| match text {
                Ok(text) => match BibSyntax::of_path(&path) {
                    Some(syntax) => {
                        let (entries, errors) = read::read(&text, syntax);
                        BibFile {
                            path,
                            lines: LineIndex::default(),
                            text: text.into(),
                            entries,
                            errors,
                            found: true,
                            configured: false,
                        }
                    }
                    None => {
                        let message = "not a bibliography marginalia reads: the file name should end in .json (CSL \
                                       JSON), .yaml or .yml (CSL YAML), .bib or .bibtex (BibTeX, BibLaTeX)"
                            .to_string();
                        let errors = vec![BibError { message, range: range(0, 0) }];
                        BibFile {
                            path,
                            lines: LineIndex::default(),
                            text: text.into(),
                            entries: Vec::new(),
                            errors,
                            found: true,
                            configured: false,
                        }
                    }
                },
                Err(message) => {
                    let errors = vec![BibError { message, range: range(0, 0) }];
                    BibFile {
                        path,
                        lines: LineIndex::default(),
                        text: "".into(),
                        entries: Vec::new(),
                        errors,
                        found: false,
                        configured: false,
                    }
                }
            })
            .collect();
        for file in &mut files {
            file.lines = LineIndex::new(&file.text);
        }
        Library { files, root: None }
    }

    /// The library with the files at `paths` marked as named by the configuration: every note sees their entries.
    pub fn with_configured(mut self, paths: &[PathBuf]) -> Library {
        for file in &mut self.files {
            file.configured = paths.contains(&file.path);
        }
        self
    }

    /// The library of a workspace at `root`.
    pub fn with_root(self, root: PathBuf) -> Library {
        Library { root: Some(root), ..self }
    }

    /// The workspace root, when the library belongs to one.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The files, in the order they were given: a key in two files cites the entry of the first.
    pub fn files(&self) -> &[BibFile] {
        &self.files
    }

    /// The file at `path`, if it is one of the library's.
    pub fn file(&self, path: &Path) -> Option<&BibFile> {
        self.files.iter().find(|file| file.path == path)
    }

    /// The library with the file at `path` read again from `text` (or added), the others kept.
    pub fn with_file(&self, path: PathBuf, text: Result<String, String>) -> Library {
        let mut files = self.files.clone();
        let mut new = Library::new(vec![(path, text)]).files.remove(0);
        match files.iter_mut().find(|file| file.path == new.path) {
            Some(file) => {
                new.configured = file.configured;
                *file = new;
            }
            None => files.push(new),
        }
        Library { files, root: self.root.clone() }
    }

    /// The paths of the files.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|file| file.path.as_path())
    }
}

/// The bibliography files a note's YAML front matter names (`bibliography: refs.bib` or a list), as written,
/// each with its range in the note. A note without front matter, or whose front matter is not YAML, names none.
pub fn front_matter_bibliographies(note: &str) -> Vec<(String, TextRange)> {
    let Some(front_matter) = front_matter(note) else {
        return Vec::new();
    };
    let Ok(serde_yaml_ng::Value::Mapping(mapping)) = serde_yaml_ng::from_str(&note[front_matter.clone()]) else {
        return Vec::new();
    };
    let paths: Vec<String> = match mapping.get("bibliography") {
        Some(serde_yaml_ng::Value::String(path)) => vec![path.clone()],
        Some(serde_yaml_ng::Value::Sequence(paths)) => {
            paths.iter().filter_map(|path| path.as_str().map(str::to_string)).collect()
        }
        _ => Vec::new(),
    };
    let mut search_from = front_matter.start;
    paths
        .into_iter()
        .filter(|path| !path.trim().is_empty())
        .map(|path| {
            let found = note[search_from..front_matter.end].find(path.as_str()).map(|at| search_from + at);
            let at = found.unwrap_or(front_matter.start);
            if found.is_some() {
                search_from = at + path.len();
            }
            (path.clone(), range(at, if found.is_some() { at + path.len() } else { at }))
        })
        .collect()
}

/// The file a note at `note` means by the bibliography `written` in its front matter, among those of `library`:
/// the first candidate that was found, else the first that was looked for; `None` when it was not looked for.
pub fn named_file<'a>(library: &'a Library, note: &Path, written: &str) -> Option<&'a BibFile> {
    let root = library.root().or(note.parent()).unwrap_or(Path::new(""));
    let candidates = bibliography_candidates(note, root, written);
    (candidates.iter().find_map(|path| library.file(path).filter(|file| file.found)))
        .or_else(|| candidates.iter().find_map(|path| library.file(path)))
}

/// The bytes of a note's front matter: a first line `---`, up to a line `---` or `...`.
fn front_matter(note: &str) -> Option<std::ops::Range<usize>> {
    let first_line_end = note.find('\n')?;
    if note[..first_line_end].trim_end() != "---" {
        return None;
    }
    let start = first_line_end + 1;
    let mut offset = start;
    for line in note[start..].split_inclusive('\n') {
        if matches!(line.trim_end(), "---" | "...") {
            return Some(start..offset);
        }
        offset += line.len();
    }
    None
}

/// Where a bibliography that a note names is looked for: next to the note, then at the workspace root (Pandoc
/// reads it from the folder it runs in, which is one or the other). Both, in that order; the paths are lexically
/// normalised.
pub fn bibliography_candidates(note: &Path, root: &Path, written: &str) -> [PathBuf; 2] {
    let folder = note.parent().unwrap_or(root);
    [lexical(&folder.join(written)), lexical(&root.join(written))]
}

/// `path` with `.` and `..` components resolved without the file system.
pub fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_names_bibliographies_as_pandoc_reads_them() {
        let note = "---\ntitle: Week 12\nbibliography: refs/library.bib\n---\n\nText [@a].\n";
        let named = front_matter_bibliographies(note);
        assert_eq!(named.len(), 1);
        assert_eq!(named[0].0, "refs/library.bib");
        assert_eq!(&note[named[0].1], "refs/library.bib");

        let list = "---\nbibliography:\n  - a.json\n  - \"b.yaml\"\n...\nText\n";
        let named: Vec<String> = front_matter_bibliographies(list).into_iter().map(|(path, _)| path).collect();
        assert_eq!(named, ["a.json", "b.yaml"]);

        assert!(front_matter_bibliographies("Text\n---\nbibliography: x.bib\n---\n").is_empty());
        assert!(front_matter_bibliographies("---\nbibliography: [unclosed\n---\n").is_empty());
        assert!(front_matter_bibliographies("---\nbibliography: x.bib\n").is_empty(), "never closed");
    }

    #[test]
    fn a_named_bibliography_is_looked_for_by_the_note_then_at_the_root() {
        let [near, root] = bibliography_candidates(Path::new("/w/notes/a.md"), Path::new("/w"), "../refs/x.bib");
        assert_eq!(near, Path::new("/w/refs/x.bib"));
        assert_eq!(root, Path::new("/refs/x.bib"));
    }

    #[test]
    fn a_file_of_an_unknown_kind_is_an_error_not_a_guess() {
        let library = Library::new(vec![
            (PathBuf::from("/w/refs.ris"), Ok("TY  - JOUR\n".to_string())),
            (PathBuf::from("/w/gone.bib"), Err("No such file or directory".to_string())),
        ]);
        assert!(library.files()[0].errors[0].message.contains(".bib"));
        assert!(library.files()[0].found && !library.files()[1].found);
        let library = library.with_file(PathBuf::from("/w/gone.bib"), Ok("@misc{k, title={T}}".to_string()));
        assert_eq!(library.file(Path::new("/w/gone.bib")).unwrap().entries.len(), 1);
    }
}
