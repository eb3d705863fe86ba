//! A seeded fuzz run of the parser, the quote matcher, the wire checks and the whole analysis, bounded so that it
//! runs on every `cargo test`: notes and articles are generated from pieces of markup, words, Unicode of every
//! kind and stray bytes, and every feature is asked about every one of them. Nothing may panic, every range any
//! feature returns must lie on character boundaries of its text, every fix must apply, and no two fixes of a
//! diagnostic may be one.
//!
//! `FUZZ_CASES=100000 cargo test --release --test fuzz` runs longer; a failing case prints its seed, and
//! `FUZZ_SEED=<seed> FUZZ_CASES=1` runs it alone. `fuzz/` has `cargo fuzz` targets for coverage-guided runs.

#[path = "common/rng.rs"]
#[allow(dead_code)]
mod rng;
use rng::Rng;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use marginalia::analysis::{Analysis, Note};
use marginalia::corpus::{Corpus, EntityOverrides, Source, quotes};
use marginalia::markup;
use marginalia::text::{TextRange, TextSize};

const MARKUP: &[&str] = &[
    "[@",
    "@",
    "]",
    "[",
    "[[",
    "]]",
    "|",
    ";",
    ", ",
    "\"",
    "\u{201C}",
    "\u{201D}",
    "'",
    "\u{2018}",
    "\u{2019}",
    "...",
    "\u{2026}",
    "[sic]",
    "-@",
    "@{",
    "}",
    "\\[@",
    "\\",
    "`",
    "```\n",
    "~~~\n",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    " ",
    "\t",
    "# ",
    "- ",
    "1. ",
    "> ",
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "---\n",
    "p. 4",
    "see ",
    "[@a]",
    "[@b, \"x\"]",
    "[[Ana Ruiz]]",
    "[[Ana|her]]",
    "(",
    ")",
    "*",
    "_",
    "    ",
];
const WORDS: &[&str] = &[
    "Dock",
    "workers",
    "walked",
    "out",
    "on",
    "Monday",
    "Ana",
    "Ruiz",
    "said",
    "the",
    "strike",
    "would",
    "last",
    "until",
    "Friday",
    "port",
    "authority",
    "café",
    "Köln",
    "€5",
    "U.S.",
    "mid-October",
    "it’s",
    "日本語",
    "한국어",
    "عربي",
    "😀",
    "👩‍👩‍👧",
    "e\u{0301}",
    "\u{200B}",
    "\u{FEFF}",
    "\u{00AD}",
    "ﬁ",
    "½",
    "\u{0}",
    "\u{7F}",
    "\u{2028}",
    "a",
    "b",
    "harbour",
    "x_y",
    "a.b:c",
    "é",
];

fn piece(rng: &mut Rng) -> String {
    match rng.below(10) {
        0..=3 => rng.pick(MARKUP).to_string(),
        4..=7 => rng.pick(WORDS).to_string(),
        8 => char::from_u32(rng.below(0x11_0000) as u32).map_or_else(String::new, String::from),
        _ => rng.pick(WORDS).repeat(1 + rng.below(40)),
    }
}

/// Between `least` and `least + spread` pieces.
fn text(rng: &mut Rng, least: usize, spread: usize) -> String {
    let pieces = least + rng.below(spread);
    (0..pieces).map(|_| piece(rng)).collect()
}

/// Checks that `range` lies in `text` on character boundaries.
fn on_boundaries(text: &str, range: TextRange, what: &str) {
    let (start, end) = (usize::from(range.start()), usize::from(range.end()));
    assert!(
        start <= end && end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: {range:?} is not a range of the text ({} bytes)",
        text.len()
    );
}

fn every_range_of_the_syntax(note: &str) {
    let syntax = markup::parse(note);
    for citation in &syntax.citations {
        on_boundaries(note, citation.range, "citation");
        for item in &citation.items {
            on_boundaries(note, item.id_range, "id");
            on_boundaries(note, item.range, "item");
            assert!(
                citation.range.contains_range(item.range),
                "item {:?} outside its citation {:?}",
                item.range,
                citation.range
            );
            assert!(
                item.range.contains_range(item.id_range),
                "id {:?} outside its item {:?}",
                item.id_range,
                item.range
            );
            for quote in &item.quotes {
                assert!(
                    item.range.contains_range(quote.range),
                    "quote {:?} outside its item {:?}",
                    quote.range,
                    item.range
                );
            }
            for part in [item.prefix, item.suffix, item.locator.as_ref().map(|l| l.whole)].into_iter().flatten() {
                on_boundaries(note, part, "prefix, suffix or locator");
            }
            for quote in &item.quotes {
                on_boundaries(note, quote.range, "quote");
                on_boundaries(note, quote.text_range, "quote words");
            }
        }
    }
    for mention in &syntax.mentions {
        on_boundaries(note, mention.range, "mention");
        on_boundaries(note, mention.name_range, "mention name");
    }
    for error in &syntax.errors {
        on_boundaries(note, error.range, "syntax error");
    }
    for quote in &syntax.plain_quotes {
        on_boundaries(note, quote.range, "plain quote");
    }
    for &ignored in &syntax.ignored {
        on_boundaries(note, ignored, "ignored");
    }
    for &restart in &syntax.restarts {
        on_boundaries(note, TextRange::empty(restart), "restart");
        markup::parse_part(&note[usize::from(restart)..]);
    }
}

fn every_feature(analysis: &Analysis, note_text: &str, rng: &mut Rng) {
    let note = Note::new(note_text.to_string());
    let diagnostics = analysis.diagnostics(&note);
    for diagnostic in &diagnostics {
        on_boundaries(note_text, diagnostic.range, "diagnostic");
        for (n, fix) in diagnostic.fixes.iter().enumerate() {
            let twin = diagnostic.fixes[..n].iter().find(|other| other.label == fix.label || other.edits == fix.edits);
            assert!(twin.is_none(), "two fixes that are one: {:?} and {fix:?}", twin);
            for edit in &fix.edits {
                on_boundaries(note_text, edit.range, "fix");
            }
            analysis.diagnostics(&Note::new(fix.apply(note_text)));
        }
    }
    // Every feature at a few places, among them the ends of the text.
    let mut offsets: Vec<usize> = (0..8).map(|_| rng.below(note_text.len() + 1)).collect();
    offsets.extend([0, note_text.len()]);
    for offset in offsets {
        let mut offset = offset;
        while !note_text.is_char_boundary(offset) {
            offset -= 1;
        }
        let at = TextSize::from(offset as u32);
        if let Some(completions) = analysis.completions(&note, at) {
            for item in &completions.items {
                on_boundaries(note_text, item.replace, "completion");
            }
        }
        if let Some(hover) = analysis.hover(&note, at) {
            on_boundaries(note_text, hover.range, "hover");
        }
        for target in analysis.goto_definition(&note, at) {
            let source = analysis.corpus().source(&target.source_id).expect("a target names an article");
            on_boundaries(&source.text, target.range, "definition");
        }
        if let Some(target) = analysis.reference_target(&note, at) {
            for range in analysis.references_in(&note, &target) {
                on_boundaries(note_text, range, "reference");
            }
        }
        let words: String = note_text[offset..].chars().take(40).collect();
        for found in analysis.find_quote(&words) {
            let source = analysis.corpus().source(&found.source_id).expect("a match names an article");
            on_boundaries(&source.text, found.range, "found passage");
        }
    }
    for range in [TextRange::up_to(TextSize::of(note_text)), TextRange::empty(TextSize::from(0))] {
        analysis.fixes(&note, range);
    }
}

/// Pieces of saved web pages: tags (closed, unclosed, stray), character references (known, unknown, unfinished),
/// comments, scripts and metadata.
const PAGE: &[&str] = &[
    "<p>",
    "</p>",
    "<div class=\"article\">",
    "</div>",
    "<em>",
    "</em>",
    "<a href=\"/x\">",
    "</a>",
    "<br>",
    "<nav>",
    "</nav>",
    "<script>var a = \"</p>\";</script>",
    "<style>p{}</style>",
    "<!-- comment -->",
    "&amp;",
    "&rsquo;",
    "&#8217;",
    "&#x1F600;",
    "&nbsp;",
    "&notin",
    "&bogus;",
    "&",
    "<",
    ">",
    "\r\n",
    "<title>T</title>",
    "<meta property=\"og:title\" content=\"O\">",
    "<script type=\"application/ld+json\">{\"@type\":",
    "<h1>",
    "</h1>",
    "<![CDATA[x]]>",
    "<li>",
    "<table><tr><td>",
];

/// A generated saved web page: page pieces between runs of generated text.
fn page(rng: &mut Rng) -> String {
    let mut html = String::from("<html><body>");
    for _ in 0..rng.below(60) {
        html.push_str(PAGE[rng.below(PAGE.len())]);
        html.push_str(&text(rng, 0, 40));
    }
    html
}

/// Every range of an extracted page's text maps onto character boundaries of the page.
fn every_range_of_a_page(rng: &mut Rng) {
    let html = page(rng);
    let Ok(page) = marginalia::load::html::extract(&html) else {
        return;
    };
    for _ in 0..8 {
        let (mut start, mut end) = (rng.below(page.text.len() + 1), rng.below(page.text.len() + 1));
        if start > end {
            std::mem::swap(&mut start, &mut end);
        }
        while !page.text.is_char_boundary(start) {
            start -= 1;
        }
        while !page.text.is_char_boundary(end) {
            end -= 1;
        }
        let range = TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32));
        if let Some(in_page) = page.map.to_file(range) {
            on_boundaries(&html, in_page, "a page's extracted range");
        }
    }
}

fn one_case(seed: u64) {
    let mut rng = Rng(seed);
    let articles: Vec<Source> = ["a", "b", "harbour"]
        .iter()
        .map(|id| {
            let body = text(&mut rng, 40, 200);
            Source::new(id.to_string(), format!("sources/{id}.txt").into(), body)
        })
        .collect();
    let article_words: Vec<String> = articles.iter().map(|a| a.text.clone()).collect();
    let analysis = Analysis::new(Arc::new(Corpus::new(articles, EntityOverrides::default()).0));
    let mut note = text(&mut rng, 20, 120);
    // Quotes taken from an article, so that matching, near misses and fixes are reached too.
    for _ in 0..rng.below(4) {
        let article = &article_words[rng.below(article_words.len())];
        let mut start = rng.below(article.len());
        while !article.is_char_boundary(start) {
            start -= 1;
        }
        let words: String = article[start..].chars().take(5 + rng.below(60)).collect();
        note.push_str(&format!(" [@{}, \"{words}\"] ", ["a", "b", "harbour", "nope"][rng.below(4)]));
    }
    every_range_of_the_syntax(&note);
    every_feature(&analysis, &note, &mut rng);
    // The quote matcher on its own, with markers the note may not have.
    let article = &article_words[0];
    let quote = text(&mut rng, 1, 30);
    if let Ok(found) = quotes::find_all(article, TextRange::up_to(TextSize::of(article)), &quote) {
        for range in found {
            on_boundaries(article, range, "quote match");
        }
    }
    // Extraction is the slowest step (a tree per page): one case in three makes a page.
    if seed.is_multiple_of(3) {
        every_range_of_a_page(&mut rng);
    }
    // The wire: any bytes get an answer, never a panic.
    let bytes: Vec<u8> = (0..rng.below(200)).map(|_| rng.below(256) as u8).collect();
    marginalia::lsp::transport::check(&bytes);
    marginalia::lsp::transport::check(note.as_bytes());
}

#[test]
fn nothing_generated_breaks_the_parser_the_matcher_or_the_analysis() {
    let cases: u64 = std::env::var("FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(250);
    let first: u64 = std::env::var("FUZZ_SEED").ok().and_then(|n| n.parse().ok()).unwrap_or(0x5eed);
    for seed in first..first + cases {
        if let Err(panic) = std::panic::catch_unwind(AssertUnwindSafe(|| one_case(seed))) {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("fuzz case {seed} failed (FUZZ_SEED={seed} FUZZ_CASES=1 to run it alone): {what}");
        }
    }
}
