//! `marginalia find "words" [PATH]`: which articles contain a passage, exact matches first, then near ones.

use std::io::Write;
use std::path::PathBuf;

use serde_json::json;

use super::progress::ShowProgress;
use super::{Format, exit};
use crate::analysis::Analysis;
use crate::load::ArticleFiles;
use crate::text::PositionEncoding;

/// Prints every place that contains `words`; the exit code is 0 when one matches exactly, 1 when none does.
pub fn run(words: &str, path: Option<PathBuf>, format: Format, show: ShowProgress) -> anyhow::Result<i32> {
    if words.trim().is_empty() {
        eprintln!("error: give the words to look for");
        return Ok(exit::USAGE);
    }
    let (display, analysis) = match super::load_for_report(path, false, show)? {
        Ok(loaded) => (loaded.display, Analysis::new(std::sync::Arc::new(loaded.loaded.corpus))),
        Err(code) => return Ok(code),
    };
    let matches = analysis.find_quote(words);
    let mut stdout = std::io::stdout().lock();
    let mut results = Vec::new();
    let mut files = ArticleFiles::default();
    for found in &matches {
        let source = analysis.corpus().source(&found.source_id).expect("matches name indexed articles");
        let file = files.get(source);
        let (start, end) = file.lines().range(file.text(), file.range(found.range), PositionEncoding::Utf32);
        let file = display.show(&found.path);
        let passage = crate::corpus::collapse_whitespace(&source.text[found.range]);
        match format {
            Format::Human => {
                let how = if found.similarity >= 1.0 {
                    "exact".to_string()
                } else {
                    format!("{:.0}% similar", (found.similarity * 100.0).floor())
                };
                writeln!(
                    stdout,
                    "{file}:{}:{}: [@{}] {how}: \u{201C}{passage}\u{201D}",
                    start.line + 1,
                    start.col + 1,
                    source.id
                )?;
            }
            Format::Json => results.push(json!({
                "source": source.id,
                "file": file,
                "line": start.line + 1,
                "column": start.col + 1,
                "end_line": end.line + 1,
                "end_column": end.col + 1,
                "byte_range": [u32::from(found.range.start()), u32::from(found.range.end())],
                "similarity": found.similarity,
                "text": passage,
            })),
        }
    }
    match format {
        Format::Json => writeln!(stdout, "{}", serde_json::to_string_pretty(&json!({ "matches": results }))?)?,
        Format::Human if matches.is_empty() => writeln!(stdout, "no article contains these words, nor anything close")?,
        Format::Human => {}
    }
    let exact = matches.iter().any(|m| m.similarity >= 1.0);
    Ok(if exact { exit::CLEAN } else { exit::ERRORS })
}
