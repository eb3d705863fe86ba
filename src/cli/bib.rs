//! `marginalia bib [PATH] --format csl-json|csl-yaml|bibtex|biblatex`: prints every article as a bibliography
//! entry keyed by its id, so that notes render with `pandoc --citeproc --bibliography`. It prints to stdout and
//! never writes a file.

use std::io::Write;
use std::path::PathBuf;

use super::exit;
use crate::bibliography::Reference;
use crate::bibliography::export::{self, BibFormat};

/// Prints the bibliography of the workspace at or above `path`; the exit code is 1 when an article could not be
/// read or an id cannot be written in `format` (each said on stderr), so that a script never renders with a
/// bibliography that silently lacks an entry.
pub fn run(path: Option<PathBuf>, format: BibFormat) -> anyhow::Result<i32> {
    let loaded = match super::load_for_report(path)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let mut references: Vec<Reference> = loaded.corpus.sources().map(Reference::of_source).collect();
    references.sort_by(|a, b| a.id.cmp(&b.id));
    let (text, unwritable) = export::write(&references, format);
    std::io::stdout().lock().write_all(text.as_bytes())?;
    for key in &unwritable {
        eprintln!(
            "error: the id `{}` cannot be a BibTeX key (spaces, commas, braces, quotes, `#`, `%`, `=`, `\\` or parentheses); it is left out: use --format csl-json or csl-yaml, or rename the article",
            key.0
        );
    }
    Ok(if unwritable.is_empty() && loaded.problems == 0 { exit::CLEAN } else { exit::ERRORS })
}
