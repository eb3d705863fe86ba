//! `marginalia bib [PATH] --format csl-json|csl-yaml|bibtex|biblatex`: prints every id a note may cite (each
//! article, each entry of the workspace's bibliographies) as a bibliography entry, so that notes render with
//! `pandoc --citeproc --bibliography`. It prints to stdout and never writes a file.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use super::Loaded;
use super::exit;
use super::progress::ShowProgress;
use crate::analysis::Analysis;
use crate::bibliography::Reference;
use crate::bibliography::export::{self, BibFormat};

/// Prints the bibliography of the workspace at or above `path`: its articles, completed by the entries tied to
/// them, and the entries of the bibliographies that `marginalia.toml` and the notes name. The exit code is 1 when
/// an article or a bibliography entry could not be read or an id cannot be written in `format` (each said on
/// stderr), so that a script never renders with a bibliography that silently lacks an entry.
pub fn run(path: Option<PathBuf>, format: BibFormat, show: ShowProgress) -> anyhow::Result<i32> {
    let Loaded { display, loaded } = match super::load_for_report(path, true, show)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let mut broken = 0;
    for file in loaded.library.files() {
        for error in &file.errors {
            let at = file.lines.line_col(&file.text, error.range.start(), crate::text::PositionEncoding::Utf32);
            eprintln!("error: {}:{}:{}: {}", display.show(&file.path), at.line + 1, at.col + 1, error.message);
            broken += 1;
        }
    }
    let problems = loaded.problems.len();
    let analysis = Analysis::with_library(Arc::new(loaded.corpus), Arc::new(loaded.library));
    let catalog = analysis.catalog();
    let mut references: Vec<Reference> =
        (0..catalog.citables().len() as u32).map(|index| catalog.resolve(index).reference()).collect();
    references.sort_by(|a, b| a.id.cmp(&b.id));
    let (text, unwritable) = export::write(&references, format);
    std::io::stdout().lock().write_all(text.as_bytes())?;
    for key in &unwritable {
        eprintln!(
            "error: the id `{}` cannot be a BibTeX key (spaces, commas, braces, quotes, `#`, `%`, `=`, `\\` or parentheses); it is left out: use --format csl-json or csl-yaml, or rename the article",
            key.0
        );
    }
    Ok(if unwritable.is_empty() && problems == 0 && broken == 0 { exit::CLEAN } else { exit::ERRORS })
}
