//! "Which article said this?": the places in the corpus that contain a passage, exact matches first, then near
//! ones by similarity. Used by `marginalia find` and the `marginalia.findQuote` editor command.

use std::path::PathBuf;

use crate::corpus::Corpus;
use crate::text::TextRange;

/// How many places one search reports at most.
pub const MAX_MATCHES: usize = 20;

/// Near passages less alike than this are listed only when nothing closer is found: across a whole corpus, a
/// passage half alike is more often chance than the source.
const LISTED_SIMILARITY: f64 = 0.7;

/// How many of the closest passages are listed when none is [`LISTED_SIMILARITY`] alike.
const CLOSEST_LISTED: usize = 3;

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
    // What `check` calls close (a closest passage it would name) is never "nothing close" here: without an exact
    // match or a near one alike enough to list, the closest passages are listed.
    let near: Vec<_> = (corpus.closest_passages(words, MAX_MATCHES).into_iter())
        .filter(|(_, miss)| miss.similarity >= crate::corpus::quotes::NEAR_MISS_SIMILARITY)
        .collect();
    let alike = near.iter().any(|(_, miss)| miss.similarity >= LISTED_SIMILARITY);
    let (floor, most) = match matches.is_empty() && !alike {
        true => (crate::corpus::quotes::NEAR_MISS_SIMILARITY, CLOSEST_LISTED),
        false => (LISTED_SIMILARITY, MAX_MATCHES),
    };
    let mut near = near;
    near.sort_by(|a, b| b.1.similarity.total_cmp(&a.1.similarity));
    for (source, miss) in near.into_iter().filter(|(_, miss)| miss.similarity >= floor).take(most) {
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
    fn what_check_calls_close_find_lists() {
        let fixture = "//- sources/harbour.txt\nDock workers said the strike would last until Friday, the union said.\n//- n.md\n[@harbour, \"the dockers' walkout might go on until Friday\"]\n";
        let (analysis, note, _) = from_fixture(fixture);
        let diagnostics = analysis.diagnostics(&note);
        assert!(diagnostics[0].message.contains("closest passage"), "{}", diagnostics[0].message);
        let found = analysis.find_quote("the dockers' walkout might go on until Friday");
        assert_eq!(found.len(), 1, "check names a close passage, so find lists it: {found:?}");
        assert!(found[0].similarity < 0.7, "a passage less alike than `find` used to list: {}", found[0].similarity);
    }

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
