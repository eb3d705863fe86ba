//! Fixes that fix, over many generated articles and altered quotes: every fix a diagnostic offers, applied to the
//! note, leaves a note that passes the check that offered it; a replacement never cuts a word, a number or an
//! amount; and every range marginalia reports lies on character boundaries.

#[path = "common/rng.rs"]
#[allow(dead_code)]
mod rng;
use rng::Rng;

use std::sync::Arc;

use marginalia::analysis::{Analysis, Diagnostic, DiagnosticKind, Note};
use marginalia::corpus::{Corpus, EntityOverrides, Source};
use proptest::prelude::*;

/// The words articles are made of: plain words, accented ones, numbers and amounts, abbreviations, hyphenated
/// words, words in quotation marks and in brackets.
const WORDS: &[&str] = &[
    "the",
    "strike",
    "would",
    "last",
    "until",
    "Friday",
    "dock",
    "workers",
    "said",
    "port",
    "authority",
    "talks",
    "üntil",
    "Köln",
    "naïve",
    "café",
    "Zürich",
    "Ørsted",
    "São",
    "Paulo",
    "2019",
    "3,000",
    "€5",
    "$100",
    "5%",
    "10.5",
    "U.S.",
    "Mr.",
    "mid-October",
    "night\u{2011}shift",
    "\u{201C}We",
    "moved,\u{201D}",
    "\u{2018}a",
    "gamble\u{2019}",
    "(AP)",
    "[sic]",
    "—",
    "it\u{2019}s",
    "co-op",
    "№7",
    "½",
    "ﬁnance",
];

/// One of the article words.
fn word(rng: &mut Rng) -> &'static str {
    rng.pick(WORDS)
}

/// An article of a few sentences, and the words of one of them.
fn article(rng: &mut Rng) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut chosen = Vec::new();
    let sentences = 3 + rng.below(5);
    let pick = rng.below(sentences);
    for index in 0..sentences {
        let words: Vec<String> = (0..6 + rng.below(9)).map(|_| word(rng).to_string()).collect();
        text.push_str(&words.join(if rng.below(4) == 0 { "\n" } else { " " }));
        text.push_str(if rng.below(3) == 0 { ".\n\n" } else { ". " });
        if index == pick {
            chosen = words;
        }
    }
    (text, chosen)
}

/// A run of the sentence's words with one change a writer makes: a word changed, a digit changed, a word left
/// out or added, an accent dropped.
fn altered(rng: &mut Rng, words: &[String]) -> String {
    let length = (4 + rng.below(7)).min(words.len());
    let start = rng.below(words.len() - length + 1);
    let mut quote: Vec<String> = words[start..start + length].to_vec();
    let at = rng.below(quote.len());
    match rng.below(5) {
        0 => quote[at] = word(rng).to_string(),
        1 => {
            let changed: String = quote[at]
                .chars()
                .map(|c| if c.is_ascii_digit() { char::from(b'0' + (c as u8 - b'0' + 1) % 10) } else { c })
                .collect();
            quote[at] = if changed == quote[at] { format!("{changed}9") } else { changed };
        }
        2 if quote.len() > 2 => {
            quote.remove(at);
        }
        3 => quote.insert(at, word(rng).to_string()),
        _ => {
            let plain: String = quote[at]
                .chars()
                .map(|c| match c {
                    'ü' => 'u',
                    'ö' => 'o',
                    'ï' => 'i',
                    'é' => 'e',
                    'ã' => 'a',
                    c => c,
                })
                .collect();
            quote[at] = plain;
        }
    }
    // A `"` or a `”` would end the quote in the note (a `"` left after it is reported as malformed).
    quote.join(" ").replace(['"', '\u{201C}', '\u{201D}'], "'")
}

fn analysis(text: &str) -> Analysis {
    let source = Source::new("a".into(), "sources/a.txt".into(), text.to_string());
    Analysis::new(Arc::new(Corpus::new(vec![source], EntityOverrides::default()).0))
}

/// Every range of every diagnostic and fix lies inside the text, on character boundaries.
fn assert_on_boundaries(text: &str, diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        let ranges = std::iter::once(diagnostic.range)
            .chain(diagnostic.fixes.iter().flat_map(|fix| fix.edits.iter().map(|edit| edit.range)));
        for range in ranges {
            let (start, end) = (usize::from(range.start()), usize::from(range.end()));
            assert!(
                start <= end && end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end),
                "{range:?} in {text:?}: {diagnostic:?}"
            );
        }
    }
}

/// The punctuation a passage may be trimmed of at its ends.
fn trimmed(token: &str) -> &str {
    token.trim_matches(|c: char| "\"'“”‘’()[]{},;:!?.".contains(c))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn every_fix_offered_passes_the_check_that_offered_it(seed in any::<u64>()) {
        let mut rng = Rng(seed);
        let (text, sentence) = article(&mut rng);
        let quote = altered(&mut rng, &sentence);
        let note = format!("The report [@a, \"{quote}\"] and [@b].\n");
        let analysis = analysis(&text);
        let diagnostics = analysis.diagnostics(&Note::new(note.clone()));
        assert_on_boundaries(&note, &diagnostics);
        let article_tokens: Vec<&str> = text.split_whitespace().map(trimmed).collect();
        for diagnostic in &diagnostics {
            for fix in 0..diagnostic.fixes.len() {
                let fixed = diagnostic.fixes[fix].apply(&note);
                let after = analysis.diagnostics(&Note::new(fixed.clone()));
                assert_on_boundaries(&fixed, &after);
                let same_place = |d: &&Diagnostic| d.kind == diagnostic.kind && d.range.start() == diagnostic.range.start();
                prop_assert!(
                    !after.iter().any(|d| same_place(&d) || d.kind == DiagnosticKind::MalformedCitation),
                    "fix {:?} of {:?}\nin {:?}\nleft {:?}\narticle {:?}",
                    diagnostic.fixes[fix].label, diagnostic.message, fixed, after, text
                );
                if diagnostic.kind == DiagnosticKind::QuoteNotFound {
                    for edit in &diagnostic.fixes[fix].edits {
                        for token in edit.new_text.split_whitespace().map(trimmed).filter(|t| !t.is_empty()) {
                            prop_assert!(
                                article_tokens.contains(&token) || text.contains(token) && token.contains(' '),
                                "{token:?} is cut from a word of the article in {:?}\narticle {:?}",
                                edit.new_text, text
                            );
                        }
                    }
                }
            }
        }
    }
}
