//! Go-to-definition: a source id leads to its article, a quote to the quoted words in it (every place they occur),
//! an entity to its mentions in the articles, the first one first.

use std::path::PathBuf;

use super::Note;
use crate::bibliography::Catalog;
use crate::text::{TextRange, TextSize};

/// A place in an article, or in a bibliography file, to jump to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavigationTarget {
    /// The id of the article or entry.
    pub source_id: String,
    /// The article's file, or the bibliography's when the id is an entry without an article.
    pub path: PathBuf,
    /// The range in that file's text.
    pub range: TextRange,
}

/// The most places a quote leads to: a client lists them all, and a stock phrase may occur thousands of times.
const MAX_TARGETS: usize = 100;

pub(super) fn goto_definition(catalog: &Catalog, note: &Note, offset: TextSize) -> Vec<NavigationTarget> {
    let corpus = catalog.corpus();
    let syntax = note.syntax();
    if let Some((_, item)) = syntax.item_at(offset) {
        let Some(cited) = catalog.cited_in(&item.id, &catalog.scope(note.path(), note.bibliographies())) else {
            return Vec::new();
        };
        let Some(source) = cited.source else {
            // An entry without an article leads to the entry in its bibliography.
            let (Some(entry), Some(path)) = (cited.entry, cited.entry_file) else {
                return Vec::new();
            };
            let start = TextRange::empty(entry.range.start());
            return vec![NavigationTarget { source_id: item.id.clone(), path: path.to_path_buf(), range: start }];
        };
        let target = |range| NavigationTarget { source_id: source.id.clone(), path: source.path.clone(), range };
        if let Some(quote) = item.quote_at(offset) {
            // A quote too complex to search has no place to go to.
            let places = source.find_quote(&quote.text, MAX_TARGETS).unwrap_or_default();
            return places.into_iter().map(target).collect();
        }
        return vec![target(TextRange::empty(source.body.start()))];
    }
    if let Some(mention) = syntax.mention_at(offset) {
        let Some(entity) = corpus.entities().get(&mention.name) else {
            return Vec::new();
        };
        return entity
            .mentions
            .iter()
            .map(|occurrence| {
                let source = corpus.source_at(occurrence.source);
                NavigationTarget { source_id: source.id.clone(), path: source.path.clone(), range: occurrence.range }
            })
            .collect();
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use crate::analysis::test_support::from_fixture;

    /// Lists the targets of `$0` as `source-id line:col-line:col "text"` (one-based, in characters).
    fn definitions(fixture: &str) -> String {
        let (analysis, note, parsed) = from_fixture(fixture);
        let targets = analysis.goto_definition(&note, parsed.cursor_offset());
        targets
            .iter()
            .map(|t| {
                let library = analysis.shared_library();
                let text = match analysis.corpus().source(&t.source_id).filter(|s| s.path == t.path) {
                    Some(source) => source.text.clone(),
                    None => library.file(&t.path).unwrap().text.to_string(),
                };
                let text = &text;
                let index = crate::text::LineIndex::new(text);
                let (start, end) = index.range(text, t.range, crate::text::PositionEncoding::Utf32);
                format!(
                    "{} {}:{}-{}:{} {:?}",
                    t.source_id,
                    start.line + 1,
                    start.col + 1,
                    end.line + 1,
                    end.col + 1,
                    &text[t.range]
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    const SOURCES: &str = r#"
//- sources/harbour-strike.txt
Dock workers walked out on Monday, the Port Authority said.
"We will not be moved," said union leader Ana Ruiz, who has led the
union since 2019. Ruiz said: "we will not be moved."
"#;

    #[test]
    fn a_source_id_leads_to_the_article() {
        insta::assert_snapshot!(definitions(&format!("{SOURCES}//- n.md\nSee [@harbour-$0strike].")), @r#"harbour-strike 1:1-1:1 """#);
    }

    #[test]
    fn an_entry_without_an_article_leads_to_its_bibliography() {
        let library =
            "//- refs.yaml\nreferences:\n- id: lind2024\n  title: Harbour strike\n- id: okafor2021\n  title: Ports\n";
        insta::assert_snapshot!(definitions(&format!("{SOURCES}{library}//- n.md\nSee [@okafor$02021].")), @r#"okafor2021 4:3-4:3 """#);
    }

    #[test]
    fn a_quote_leads_to_every_place_it_occurs_even_across_lines() {
        insta::assert_snapshot!(definitions(&format!("{SOURCES}//- n.md\n[@harbour-strike, \"We will not$0 be moved\"]")), @r#"
        harbour-strike 2:2-2:22 "We will not be moved"
        harbour-strike 3:31-3:51 "we will not be moved"
        "#);
        insta::assert_snapshot!(definitions(&format!("{SOURCES}//- n.md\n[@harbour-strike, \"who has led $0the union\"]")), @r#"
        harbour-strike 2:53-3:6 "who has led the\nunion"
        "#);
    }

    #[test]
    fn an_entity_leads_to_its_mentions() {
        insta::assert_snapshot!(definitions(&format!("{SOURCES}//- n.md\nSee [[Ru$0iz]].")), @r#"
        harbour-strike 2:43-2:51 "Ana Ruiz"
        harbour-strike 3:19-3:23 "Ruiz"
        "#);
    }
}
