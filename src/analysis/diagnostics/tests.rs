//! The diagnostics of notes, each kind shown on a fixture annotated where it is reported.

use crate::analysis::test_support::from_fixture;
use crate::fixture::annotate;

/// Checks that the note's diagnostics are exactly the annotated ones (`^^^ severity[code]: message`).
#[track_caller]
fn check(fixture: &str) {
    let (analysis, note, parsed) = from_fixture(fixture);
    let note_index = parsed.files.len() - 1;
    let expected: Vec<_> = parsed
        .annotations
        .iter()
        .filter(|(file, _, _)| *file == note_index)
        .map(|(_, range, label)| (*range, label.clone()))
        .collect();
    let actual: Vec<_> = analysis
        .diagnostics(&note)
        .into_iter()
        .map(|d| (d.range, format!("{}[{}]: {}", d.severity().as_str(), d.kind.code(), d.message)))
        .collect();
    assert_eq!(annotate(note.text(), &actual), annotate(note.text(), &expected));
}

const ARTICLE: &str = r#"
//- sources/harbour-strike.txt
Dock workers walked out on Monday, the Port Authority said.
"We will not be moved," said union leader Ana Ruiz, who has led the
union since 2019.
Ruiz said the strike would last until Friday.
"#;

const LIBRARY: &str = r#"
//- refs/library.bib
@article{ruiz2024, title={Harbour strike}, author={Lind, Tomas}, file={../sources/harbour-strike.txt}}
@book{paper, title={Only on paper}}
"#;

#[test]
fn bibliography_keys_cite_their_articles_and_entries() {
    check(&format!(
        r#"{ARTICLE}{LIBRARY}//- notes/week.md
[@ruiz2024, "the strike would last until Friday"] and [@ruiz2024, p. 2, "the strike will last"].
                                                                         ^^^^^^^^^^^^^^^^^^^^ error[quote-not-found]: quote not found in `ruiz2024`: “will” should be “would”; closest passage (85% similar): “the strike would last”
[see @paper, "anything at all"] and [@harbour-strike, "until Friday"] and [@nope].
             ^^^^^^^^^^^^^^^^^ info[quote-without-article]: not checked: `paper` is an entry of `library.bib` without an article, so there is nothing to check this quote against (add the article to the sources, or give the entry a `file` field)
                                                                            ^^^^ error[unknown-source]: unknown source `nope`: no article or bibliography entry has this id
"#
    ));
}

#[test]
fn fixes_cite_an_article_by_the_key_its_bibliography_gives_it() {
    check(&format!(
        r#"{ARTICLE}{LIBRARY}//- notes/week.md
Ruiz said "the strike would last until Friday" and that was that.
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ hint[uncited-quote]: these words are in `ruiz2024`; cite it
"#
    ));
}

#[test]
fn a_broken_bibliography_named_in_front_matter_is_an_error_at_its_name() {
    check(&format!(
        r#"{ARTICLE}//- notes/refs.bib
@article{{good, title={{One}}}}
@article{{broken, title={{Two}}
@book{{fine, title={{Three}}}}
//- notes/week.md
---
bibliography: refs.bib
              ^^^^^^^^ error[bibliography]: the bibliography `refs.bib` has a problem; the first, at line 2, column 1: this entry never closes (a brace or quote left open?) (the other entries are read)
---
[@good] [@fine] [@broken]
                  ^^^^^^ error[unknown-source]: unknown source `broken`: no article or bibliography entry has this id
"#
    ));
}

#[test]
fn a_note_sees_the_entries_of_the_bibliographies_it_names_not_those_other_notes_name() {
    check(&format!(
        r#"{ARTICLE}//- notes/a/refs.bib
@misc{{k, title={{Not tied to any article}}}}
@misc{{only-a, title={{A}}}}
//- notes/b/refs.bib
@misc{{k, title={{Tied}}, file={{../../sources/harbour-strike.txt}}}}
//- notes/b/week.md
---
bibliography: refs.bib
---
[@k, "the strike will last"] [@only-a]
      ^^^^^^^^^^^^^^^^^^^^ error[quote-not-found]: quote not found in `k`: “will” should be “would”; closest passage (85% similar): “the strike would last”
                               ^^^^^^ error[unknown-source]: unknown source `only-a` here: it is an entry of `refs.bib`, which this note does not name in its `bibliography` (another note does)
"#
    ));
}

#[test]
fn remembered_checks_move_with_their_citations() {
    let fixture = format!(
        "{ARTICLE}//- notes/week.md
Later [@harbour-strik] and [@harbour-strike, \"the strike will last until Friday\"].
"
    );
    let (analysis, note, _) = from_fixture(&fixture);
    let first = analysis.diagnostics(&note);
    assert_eq!(first.len(), 2);
    // The same citations further down, checked by the same analysis (from its memo) and by a fresh one.
    let moved = super::Note::new(format!("A new first line, \u{201C}curly\u{201D}.\n\n{}", note.text()));
    let (fresh, _, _) = from_fixture(&fixture);
    assert_eq!(analysis.diagnostics(&moved), fresh.diagnostics(&moved));
    assert_eq!(analysis.diagnostics(&note), first);
}

#[test]
fn a_cancelled_check_stops_and_says_so() {
    let citations = "[@harbour-strike, \"the strike will last\"] ".repeat(500);
    let (analysis, note, _) = from_fixture(&format!("{ARTICLE}//- notes/week.md\n{citations}\n"));
    let asked = std::sync::atomic::AtomicUsize::new(0);
    let cancel_at_once = || asked.fetch_add(1, std::sync::atomic::Ordering::Relaxed) >= 1;
    assert_eq!(analysis.diagnostics_unless(&note, &cancel_at_once), None);
    assert!(asked.into_inner() < 500, "the check stopped before the end");
    assert_eq!(analysis.diagnostics_unless(&note, &|| false), Some(analysis.diagnostics(&note)));
}

#[test]
fn valid_citations_are_quiet() {
    check(&format!(
        "{ARTICLE}//- notes/week.md
Dockers struck [@harbour-strike]. Ruiz: [@harbour-strike, \u{201C}We will not be moved\u{201D}].
She [@harbour-strike, \"has led the union since 2019\"; @harbour-strike, 'would last until Friday'].
[[Ana Ruiz]] and [[Ruiz|her]] and [[port authority]].
Mail me@example.org or ask \\@someone; `[@not-checked]`.
"
    ));
}

#[test]
fn words_of_the_article_left_unquoted_get_a_hint_that_quotes_them() {
    check(&format!(
            "{ARTICLE}//- notes/week.md
Ruiz [@harbour-strike, p. 2, the strike would last] and [@harbour-strike, emphasis added] and [@harbour-strike, Monday].
                             ^^^^^^^^^^^^^^^^^^^^^ hint[unquoted-words]: these words are in `harbour-strike`: quote them?
"
        ));
    let (analysis, note, _) = from_fixture(&format!("{ARTICLE}//- notes/week.md\n[@harbour-strike, led the union]\n"));
    let fix = &analysis.diagnostics(&note)[0].fixes[0];
    assert_eq!(fix.label, "Quote these words");
    assert_eq!(fix.apply(note.text()), "[@harbour-strike, \"led the union\"]\n");
}

#[test]
fn an_unknown_id_alone_in_running_text_is_a_warning_that_can_be_escaped() {
    check(&format!(
            "{ARTICLE}//- notes/week.md
Ask @newsdesk, or see @harbour-strik [p. 2].
     ^^^^^^^^ warning[unknown-in-text-source]: unknown source `newsdesk`: no article has this id (an `@` in running text cites; write `\\@` if this is not a citation)
                       ^^^^^^^^^^^^^ error[unknown-source]: unknown source `harbour-strik`; did you mean `harbour-strike`?
"
        ));
    let (analysis, note, _) = from_fixture(&format!("{ARTICLE}//- notes/week.md\nAsk @newsdesk today.\n"));
    let fixes: Vec<String> = analysis.diagnostics(&note)[0].fixes.iter().map(|fix| fix.label.clone()).collect();
    assert_eq!(fixes, ["Escape the `@`: not a citation"]);
}

#[test]
fn unknown_source_suggests_the_closest_id() {
    check(&format!(
        "{ARTICLE}//- notes/week.md
Later [@harbour-strik] and [@zzz].
        ^^^^^^^^^^^^^ error[unknown-source]: unknown source `harbour-strik`; did you mean `harbour-strike`?
                             ^^^ error[unknown-source]: unknown source `zzz`: no article has this id
"
    ));
}

#[test]
fn quote_not_found_names_the_closest_passage() {
    check(&format!(
            "{ARTICLE}//- notes/week.md
[@harbour-strike, \"the strike will last until Friday\"] [@harbour-strike, \"entirely unrelated words\"]
                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[quote-not-found]: quote not found in `harbour-strike`: “will” should be “would”; closest passage (91% similar): “the strike would last until Friday”
                                                                          ^^^^^^^^^^^^^^^^^^^^^^^^ error[quote-not-found]: quote not found in `harbour-strike`, nor anything close to it
"
        ));
}

#[test]
fn a_quote_found_in_another_article_offers_to_cite_it() {
    check(&format!(
            "{ARTICLE}//- sources/harvest.txt
Grain harvest falls for a third year in the valley.
//- notes/week.md
[@harbour-strike, \"Grain harvest falls for a third year\"]
                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[quote-not-found]: quote not found in `harbour-strike`, nor anything close to it; the exact words are in `harvest`
"
        ));
}

#[test]
fn equally_close_passages_are_all_named() {
    check(
        r#"
//- sources/minutes.txt
The council voted to close the east library.
Later the council voted to close the west library.
//- notes/week.md
[@minutes, "the council voted to close the north library"]
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[quote-not-found]: quote not found in `minutes`; 2 passages are equally close (90% similar): “The council voted to close the east library” (line 1), “the council voted to close the west library” (line 2)
"#,
    );
}

#[test]
fn a_prose_quotation_from_an_article_gets_a_hint_to_cite_it() {
    check(&format!(
        "{ARTICLE}//- notes/week.md
She said “the strike would last until Friday” and “nothing else here matters much”.
          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ hint[uncited-quote]: these words are in `harbour-strike`; cite it
Cited: “the strike would last until Friday” [@harbour-strike]; short: “until Friday”.
"
    ));
}

#[test]
fn an_entity_must_be_named_by_an_article_its_paragraph_cites() {
    let articles = format!(
        "{ARTICLE}//- sources/port-report.txt
The Port Authority said Ana Ruiz met the mayor, Ines Moll, on Tuesday.
Ines Moll said the port would reopen.
"
    );
    check(&format!(
            "{articles}//- notes/week.md
[[Ines Moll]] spoke [@harbour-strike].
  ^^^^^^^^^ warning[entity-not-in-cited-source]: `Ines Moll` is not named in the cited article `harbour-strike`; it is in `port-report` (2)

[[Ana Ruiz]] spoke [@harbour-strike] and [[Ines Moll]] too [@port-report].

- [[Ines Moll]] is not checked in a list item that cites nothing.
- [[Ines Moll]] is fine here [@port-report; @harbour-strike].

A `#` with no space after it starts no heading, so the paragraph cites `harbour-strike` [@harbour-strike]
#port [[Ines Moll]] said so.
        ^^^^^^^^^ warning[entity-not-in-cited-source]: `Ines Moll` is not named in the cited article `harbour-strike`; it is in `port-report` (2)
"
        ));
    let (analysis, note, _) =
        from_fixture(&format!("{articles}//- notes/week.md\n[[Ines Moll]] spoke [@harbour-strike].\n"));
    let fixes: Vec<_> = analysis.fixes(&note, crate::text::range(3, 3)).into_iter().map(|(_, fix)| fix).collect();
    assert_eq!(fixes.len(), 1);
    assert_eq!(fixes[0].label, "Cite [@port-report] (2 mentions)");
    assert_eq!(fixes[0].edits[0].range, crate::text::range(13, 13));
    assert_eq!(fixes[0].edits[0].new_text, " [@port-report]");
}

#[test]
fn unknown_entity_suggests_the_closest_name_and_malformed_markup_is_reported() {
    check(&format!(
            "{ARTICLE}//- notes/week.md
[[Anna Ruiz]] and [[Nobody Known]] and [@harbour-strike
  ^^^^^^^^^ warning[unknown-entity]: unknown entity `Anna Ruiz`; did you mean `Ana Ruiz`?
                    ^^^^^^^^^^^^ warning[unknown-entity]: unknown entity `Nobody Known`: no article names it
                                       ^^^^^^^^^^^^^^^^ error[malformed-citation]: unclosed citation: expected `]` before the end of the paragraph
"
        ));
}

#[test]
fn a_quote_of_many_elisions_is_checked_like_any_other() {
    let found = "Dock ... workers ... walked ... out ... on ... Monday ... the ... Port ... Authority ... said";
    let absent = "Zebras ... yaks ... and ... llamas ... were ... seen ... near ... the ... old ... mill ... on ... \
                      a ... cold ... day";
    let (analysis, note, _) = from_fixture(&format!(
        "{ARTICLE}//- notes/week.md\n[@harbour-strike, \"{found}\"] [@harbour-strike, \"{absent}\"]\n"
    ));
    let kinds: Vec<_> = analysis.diagnostics(&note).iter().map(|d| (d.kind, &note.text()[d.range])).collect();
    assert_eq!(kinds, vec![(super::DiagnosticKind::QuoteNotFound, absent)]);
}

#[test]
fn a_quote_with_no_words_has_nothing_to_check_and_says_so() {
    check(&format!(
            "{ARTICLE}//- notes/week.md
[@harbour-strike, \"...\"] and [@harbour-strike, \"[sic]\"]
                  ^^^^^ error[malformed-citation]: this quote has no words to check: write the exact words between the quotation marks
                                               ^^^^^^^ error[malformed-citation]: this quote has no words to check: write the exact words between the quotation marks
"
        ));
}

#[test]
fn until_the_corpus_is_complete_only_citations_are_checked_and_no_mention_is_called_unknown() {
    use crate::analysis::{Analysis, Note};
    use crate::corpus::{Corpus, EntityOverrides, Source};
    use std::sync::Arc;

    let fixture = crate::fixture::Fixture::parse(ARTICLE);
    let article = &fixture.files[0];
    let sources = || vec![Source::new("harbour-strike".into(), article.path.clone().into(), article.text.clone())];
    let note = Note::new(
        "[@harbour-strike, \"the strike will last\"] and [@nope]. [[Ana Ruiz]] met [[Nobody Known]].\n\
         Ruiz said \"the strike would last until Friday\" and left.\n"
            .to_string(),
    );
    let codes = |corpus: Corpus| {
        let analysis = Analysis::new(Arc::new(corpus));
        let diagnostics = analysis.diagnostics(&note);
        let unresolved: Vec<bool> = analysis.semantic_tokens(&note).iter().map(|t| t.unresolved).collect();
        (diagnostics.iter().map(|d| d.kind.code()).collect::<Vec<_>>(), unresolved)
    };
    let (first, _) = Corpus::of_articles(sources(), EntityOverrides::default());
    let at_mention = crate::text::TextSize::from(note.text().find("Ana Ruiz").unwrap() as u32);
    let refused = Analysis::new(Arc::new(Corpus::of_articles(sources(), EntityOverrides::default()).0))
        .prepare_rename(&note, at_mention)
        .unwrap_err();
    assert!(refused.0.contains("still being found"), "{}", refused.0);
    assert_eq!(codes(first), (vec!["quote-not-found", "unknown-source"], vec![false, false, true, false, false]));
    let (whole, _) = Corpus::new(sources(), EntityOverrides::default());
    assert_eq!(
        codes(whole),
        (
            vec!["quote-not-found", "unknown-source", "unknown-entity", "uncited-quote"],
            vec![false, false, true, false, true]
        )
    );
}
