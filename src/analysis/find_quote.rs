//! "Which article said this?": the places in the corpus that contain a passage, exact matches first, then near
//! ones by similarity. Used by `marginalia find` and the `marginalia.findQuote` editor command.

use std::path::PathBuf;

use crate::corpus::Corpus;
use crate::text::TextRange;

/// How many places one search reports at most.
pub const MAX_MATCHES: usize = 20;

/// Near matches less alike than this are not worth showing.
const MIN_NEAR_SIMILARITY: f64 = 0.7;

/// A place in an article that contains (or nearly contains) the searched words.
#[derive(Clone, Debug, PartialEq)]
pub struct PassageMatch {
    /// The article's id.
    pub source_id: String,
    /// The article's file.
    pub path: PathBuf,
    /// The range of the passage in the article's text.
    pub range: TextRange,
    /// How alike the words and the passage are: 1 for an exact match.
    pub similarity: f64,
}

pub(super) fn find_quote(corpus: &Corpus, words: &str) -> Vec<PassageMatch> {
    let mut matches: Vec<PassageMatch> = corpus
        .find_quote(words, MAX_MATCHES)
        .into_iter()
        .flat_map(|(source, ranges)| {
            ranges.into_iter().map(|range| PassageMatch {
                source_id: source.id.clone(),
                path: source.path.clone(),
                range,
                similarity: 1.0,
            })
        })
        .collect();
    for (source, miss) in corpus.closest_passages(words, MAX_MATCHES) {
        if miss.similarity < MIN_NEAR_SIMILARITY {
            continue;
        }
        let overlaps_exact =
            matches.iter().any(|m| m.source_id == source.id && m.range.intersect(miss.range).is_some());
        if !overlaps_exact {
            matches.push(PassageMatch {
                source_id: source.id.clone(),
                path: source.path.clone(),
                range: miss.range,
                similarity: miss.similarity,
            });
        }
    }
    matches.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then_with(|| a.source_id.cmp(&b.source_id)));
    matches.truncate(MAX_MATCHES);
    matches
}

#[cfg(test)]
mod tests {
    use crate::analysis::test_support::from_fixture;

    #[test]
    fn exact_matches_come_first_then_near_ones() {
        let (analysis, _, _) = from_fixture(
            r#"
//- sources/harbour.txt
Dock workers said the strike would last until Friday, the union said.
//- sources/council.txt
The council said the strike will last until Friday at least.
//- n.md
"#,
        );
        let found: Vec<String> = analysis
            .find_quote("the strike would last until Friday")
            .iter()
            .map(|m| {
                let text = &analysis.corpus().source(&m.source_id).unwrap().text[m.range];
                format!("{} {:.2} {text:?}", m.source_id, m.similarity)
            })
            .collect();
        assert_eq!(
            found,
            vec![
                "harbour 1.00 \"the strike would last until Friday\"",
                "council 0.91 \"the strike will last until Friday\""
            ]
        );
    }
}
