//! `marginalia entities [PATH]`: lists the entities found in the articles, for review and for scripts.

use std::io::Write;
use std::path::PathBuf;

use serde_json::json;

use super::progress::ShowProgress;
use super::{Format, exit};
use crate::load::ArticleFiles;
use crate::text::PositionEncoding;

/// Lists every entity with its type, names and mentions; returns the exit code.
pub fn run(path: Option<PathBuf>, format: Format, show: ShowProgress) -> anyhow::Result<i32> {
    let corpus = match super::load_for_report(path, false, show)? {
        Ok(loaded) => loaded.loaded.corpus,
        Err(code) => return Ok(code),
    };
    let mut stdout = std::io::stdout().lock();
    match format {
        Format::Human => {
            writeln!(
                stdout,
                "{:<13} {:>8} {:>8}  {:<32} aliases \u{2014} description",
                "type", "mentions", "articles", "name"
            )?;
            let mut in_furniture = false;
            for entity in corpus.entities().iter() {
                if entity.boilerplate && !in_furniture {
                    in_furniture = true;
                    writeln!(stdout, "\nnamed only in page furniture (navigation, publisher notes):")?;
                }
                let mut names = entity.aliases.clone();
                names.extend(entity.demonyms.iter().map(|d| format!("{d} (demonym)")));
                let mut about = names.join(", ");
                if let Some(description) = &entity.description {
                    about = format!("{about} \u{2014} {description}").trim_start().to_string();
                }
                let line = format!(
                    "{:<13} {:>8} {:>8}  {:<32} {}",
                    entity.kind.as_str(),
                    entity.mentions.len(),
                    entity.article_count,
                    entity.name,
                    about
                );
                writeln!(stdout, "{}", line.trim_end())?;
            }
            let total = corpus.entities().len();
            writeln!(stdout, "\n{total} entities in {} articles", corpus.len())?;
        }
        Format::Json => {
            // Positions are in the article files (a saved page's markup included), each file read once.
            let mut files = ArticleFiles::default();
            let entities: Vec<serde_json::Value> = corpus
                .entities()
                .iter()
                .map(|entity| {
                    let mentions: Vec<serde_json::Value> = entity
                        .mentions
                        .iter()
                        .map(|mention| {
                            let source = corpus.source_at(mention.source);
                            let file = files.get(source);
                            let in_file = file.range(mention.range);
                            let position = file.lines().line_col(file.text(), in_file.start(), PositionEncoding::Utf32);
                            json!({
                                "source": source.id,
                                "text": &source.text[mention.range],
                                "line": position.line + 1,
                                "column": position.col + 1,
                                "byte_range": [u32::from(in_file.start()), u32::from(in_file.end())],
                            })
                        })
                        .collect();
                    json!({
                        "name": entity.name,
                        "type": entity.kind.as_str(),
                        "aliases": entity.aliases,
                        "demonyms": entity.demonyms,
                        "description": entity.description,
                        "boilerplate": entity.boilerplate,
                        "mention_count": entity.mentions.len(),
                        "articles": entity.article_count,
                        "mentions": mentions,
                    })
                })
                .collect();
            writeln!(stdout, "{}", serde_json::to_string_pretty(&json!({ "entities": entities }))?)?;
        }
    }
    Ok(exit::CLEAN)
}
