//! `marginalia sources [PATH]`: every article of the workspace with what was read about it (title, authors,
//! outlet, date, URL, format, encoding, words) and how the notes use it, then the files that could not be read and
//! why. The JSON keys are stable (documented in `docs/configuration.md`).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;

use super::progress::ShowProgress;
use super::{Format, exit};
use crate::analysis::{Analysis, ArticleUses, Note, Notes, SharedNote};
use crate::corpus::{Source, shorten};
use crate::load::LoadProblem;

/// Lists the articles and the unreadable files; returns the exit code.
pub fn run(path: Option<PathBuf>, format: Format, show: ShowProgress) -> anyhow::Result<i32> {
    let loaded = match super::load_quietly(path, true, show)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let (display, loaded) = (loaded.display, loaded.loaded);
    let notes = Notes::new(loaded.notes.into_iter().map(|(path, text)| {
        let note: SharedNote = Arc::new(Note::at(path.clone(), text));
        (path, note)
    }));
    let analysis = Analysis::with_library(Arc::new(loaded.corpus), Arc::new(loaded.library));
    let uses = analysis.uses_of_every_article(&notes);
    let corpus = analysis.corpus();
    let unreadable: Vec<&LoadProblem> = loaded.problems.iter().filter(|problem| problem.path().is_some()).collect();
    let mut stdout = std::io::stdout().lock();
    match format {
        Format::Human => {
            writeln!(stdout, "{:<24} {:<10} {:<26} {:>5}  title", "id", "date", "outlet", "notes")?;
            for (index, source) in corpus.sources().enumerate() {
                let line = format!(
                    "{:<24} {:<10} {:<26} {:>5}  {}",
                    source.id,
                    source.date.as_deref().unwrap_or("-"),
                    shorten(source.meta.outlet.as_deref().unwrap_or("-"), 26),
                    uses[index].notes,
                    shorten(&source.title, 70)
                );
                writeln!(stdout, "{}", line.trim_end())?;
            }
            if !unreadable.is_empty() {
                writeln!(stdout, "\nnot read:")?;
                for problem in &unreadable {
                    writeln!(stdout, "  {}", shown_problem(problem, &display))?;
                }
            }
            let cited = uses.iter().filter(|uses| uses.notes > 0).count();
            let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
            writeln!(
                stdout,
                "\n{}, {cited} cited by the {}; {} not read",
                count(corpus.len(), "article", "articles"),
                count(notes.len(), "note", "notes"),
                count(unreadable.len(), "file", "files"),
            )?;
        }
        Format::Json => {
            let sources: Vec<serde_json::Value> = (corpus.sources().enumerate())
                .map(|(index, source)| article_json(source, &uses[index], &display.show(&source.path)))
                .collect();
            let problems: Vec<serde_json::Value> = (unreadable.iter())
                .map(|problem| {
                    let path = problem.path().map(|path| display.show(path));
                    json!({ "path": path, "problem": shown_problem(problem, &display) })
                })
                .collect();
            let report = json!({ "sources": sources, "unreadable": problems, "notes": notes.len() });
            serde_json::to_writer_pretty(&mut stdout, &report)?;
            writeln!(stdout)?;
        }
    }
    Ok(exit::CLEAN)
}

/// A load problem with its path shown as the user gave it.
fn shown_problem(problem: &LoadProblem, display: &super::PathDisplay) -> String {
    let text = problem.to_string();
    match problem.path() {
        Some(path) => text.replacen(&path.display().to_string(), &display.show(path), 1),
        None => text,
    }
}

/// One article as JSON: the keys documented in `docs/configuration.md`.
fn article_json(source: &Source, uses: &ArticleUses, path: &str) -> serde_json::Value {
    json!({
        "id": source.id,
        "path": path,
        "format": source.format.name(),
        // A PDF is not text in an encoding; its pages are what it has instead.
        "encoding": source.pages.is_none().then(|| source.encoding.as_deref().unwrap_or("UTF-8")),
        "pages": source.pages.as_ref().map(|pages| pages.len()),
        "title": source.title,
        "authors": source.meta.authors,
        "outlet": source.meta.outlet,
        "date": source.date,
        "url": source.url,
        "language": source.meta.language,
        "words": source.text[source.body].split_whitespace().count(),
        "notes": uses.notes,
        "citations": uses.citations,
        "quotations": uses.quotations,
    })
}
