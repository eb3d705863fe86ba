//! Properties of quote matching over many generated cases: any passage of an article, re-wrapped and with its
//! quotation marks swapped, is accepted; the same passage with one word changed is flagged, naming that word.

use std::sync::Arc;

use marginalia::analysis::{Analysis, DiagnosticKind, Note};
use marginalia::corpus::{Corpus, EntityOverrides, Source, quotes};
use marginalia::text::{TextRange, TextSize};
use proptest::prelude::*;

const ARTICLE: &str = "Dock workers at Port Halden walked out on Monday, the port authority said, leaving dozens of \
ships waiting outside the harbour.\n\u{201C}We will not be moved,\u{201D} said Ana Ruiz, the leader of the \
Coastal Dockers Union, who has led the\nunion since 2019. Ms Ruiz said the strike would last until Friday unless \
the authority reopened talks on night\u{2011}shift pay. The authority\u{2019}s chair called the walkout \
\u{2018}a reckless gamble\u{2019} with the town\u{2019}s livelihood.\n\nShipping agents said perishable cargo \
was already being diverted to Northmouth, where the port runs around the clock.\n";

fn words() -> Vec<&'static str> {
    ARTICLE.split_whitespace().collect()
}

/// Writes words back with the given separators and with every quotation mark swapped for another kind.
fn rewrap(words: &[&str], separators: &[usize], swap: bool) -> String {
    let mut out = String::new();
    for (index, word) in words.iter().enumerate() {
        if index > 0 {
            out.push_str(["  ", "\n", " \t ", " "][separators[index % separators.len()] % 4]);
        }
        let word: String = word
            .chars()
            .map(|c| match (swap, c) {
                (true, '\u{201C}' | '\u{201D}') => '"',
                (true, '\u{2018}' | '\u{2019}') => '\'',
                (true, '\u{2011}') => '-',
                _ => c,
            })
            .collect();
        out.push_str(&word);
    }
    out
}

fn analysis() -> Analysis {
    let source = Source::new("harbour".into(), "harbour.txt".into(), ARTICLE.into());
    Analysis::new(Arc::new(Corpus::new(vec![source], EntityOverrides::default()).0))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_passage_rewrapped_with_other_quotation_marks_is_found(
        start in 0usize..60,
        length in 1usize..20,
        separators in proptest::collection::vec(0usize..4, 1..8),
        swap in any::<bool>(),
    ) {
        let words = words();
        let start = start.min(words.len() - 1);
        let end = (start + length).min(words.len());
        let quote = rewrap(&words[start..end], &separators, swap);
        let found = quotes::find_all(ARTICLE, TextRange::up_to(TextSize::of(ARTICLE)), &quote).unwrap();
        prop_assert!(!found.is_empty(), "not found: {quote:?}");
    }

    #[test]
    fn one_changed_word_is_flagged_and_named(
        start in 0usize..55,
        length in 6usize..14,
        changed in 0usize..14,
    ) {
        let words = words();
        let start = start.min(words.len() - length);
        let mut quote: Vec<&str> = words[start..start + length].to_vec();
        let changed = changed % length;
        quote[changed] = "zebra";
        // Inside a straight-quoted quotation, a `"` or `”` would end it: inner marks are single ones.
        let quote = quote.join(" ").replace(['"', '\u{201C}', '\u{201D}'], "'");
        let note = Note::new(format!("[@harbour, \"{quote}\"]\n"));
        let diagnostics = analysis().diagnostics(&note);
        prop_assert_eq!(diagnostics.len(), 1, "{:?}", diagnostics);
        prop_assert_eq!(diagnostics[0].kind, DiagnosticKind::QuoteNotFound);
        prop_assert!(diagnostics[0].message.contains("zebra"), "{}", diagnostics[0].message);
    }
}
