//! Specification of the markup, one fixture per rule: each `^^^` line says what the parser must find there.

use super::{CiteMode, SyntaxErrorKind, parse};
use crate::fixture::{Fixture, annotate};

/// Parses the fixture's note without its annotations and checks that the parser finds exactly the annotated ranges.
#[track_caller]
fn check(expected: &str) {
    let fixture = Fixture::parse(expected);
    let text = &fixture.main_file().text;
    let syntax = parse(text);
    let mut found = Vec::new();
    for citation in &syntax.citations {
        for item in &citation.items {
            let label = match item.mode {
                CiteMode::Normal => "source",
                CiteMode::SuppressAuthor => "source, author suppressed",
                CiteMode::AuthorInText => "in-text source",
            };
            found.push((item.id_range, label.to_string()));
            for quote in &item.quotes {
                found.push((quote.text_range, "quote".to_string()));
            }
        }
    }
    for mention in &syntax.mentions {
        found.push((mention.name_range, "entity".to_string()));
    }
    for error in &syntax.errors {
        found.push((error.range, format!("error: {}", error.kind.message())));
    }
    let expected = annotate(text, &fixture.annotations.iter().map(|(_, r, l)| (*r, l.clone())).collect::<Vec<_>>());
    assert_eq!(annotate(text, &found), expected);
}

#[test]
fn whole_source_citation() {
    check(
        r#"
Dockers struck [@harbour-strike] on Monday.
                 ^^^^^^^^^^^^^^ source
"#,
    );
}

#[test]
fn several_sources_in_one_bracket() {
    check(
        r#"
Both said so [@a-1; @b_2;@c.3].
               ^^^ source
                     ^^^ source
                          ^^^ source
"#,
    );
}

#[test]
fn quote_with_straight_and_curly_marks() {
    check(
        r#"
[@port, "We will not be moved"] and [@port, “the ‘big’ walkout”] and [@port, 'Russia's war'].
         ^^^^^^^^^^^^^^^^^^^^ quote
  ^^^^ source
                                      ^^^^ source
                                             ^^^^^^^^^^^^^^^^^ quote
                                                                       ^^^^ source
                                                                              ^^^^^^^^^^^^ quote
"#,
    );
}

#[test]
fn quotes_may_hold_quotation_marks_of_their_own() {
    check(
        r#"
[@port, "called it "a gamble""] and [@port, 'the port's chair'; @b]
  ^^^^ source
         ^^^^^^^^^^ quote
                   ^ error: this quotation ends at the second `"`: quotation marks inside a quotation must be single ones ('…'), or the words after them are not checked
                                      ^^^^ source
                                             ^^^^^^^^^^^^^^^^ quote
                                                                 ^ source
"#,
    );
}

#[test]
fn quote_across_a_line_break() {
    check(
        r#"
As the minister put it [@port, "we will not
                         ^^^^ source
                                ^^^^^^^^^^^ quote
be moved"].
"#,
    );
}

#[test]
fn several_quotes_in_one_bracket() {
    check(
        r#"
[@a, "first words"; @b, "second; words"]
  ^ source
      ^^^^^^^^^^^ quote
                     ^ source
                         ^^^^^^^^^^^^^ quote
"#,
    );
}

#[test]
fn in_text_citation_but_not_an_email() {
    check(
        r#"
As @smith04 says, write to ana@example.org or (@doe.) today.
    ^^^^^^^ in-text source
                                                ^^^ in-text source
"#,
    );
}

#[test]
fn braced_id_with_a_space_is_no_id() {
    check(
        r#"
See [@{Harbour strike notes}].
     ^^^^^^^^^^^^^^^^^^^^^^^ error: a source id in braces cannot contain spaces: Pandoc reads it as text
"#,
    );
}

#[test]
fn locator_after_the_id_is_allowed() {
    check(
        r#"
See [@report, p. 33].
      ^^^^^^ source
"#,
    );
}

#[test]
fn entity_mentions_with_and_without_shown_text() {
    check(
        r#"
[[Ana Ruiz]] met [[ Port Authority | the port ]].
  ^^^^^^^^ entity
                    ^^^^^^^^^^^^^^ entity
"#,
    );
}

#[test]
fn markup_in_code_is_ignored() {
    check(
        r#"
Inline `[@a]` and ``[[B]]`` are code, [@c] is not.
                                        ^ source

```
[@fenced, "not a citation"] [[Nor This]]
```

<!-- [@hidden] -->
~~~markdown
[[Tilde Fence]]
~~~
"#,
    );
}

#[test]
fn front_matter_is_ignored() {
    check(
        r#"
---
title: "[@not-a-citation]"
---
Body [@real].
       ^^^^ source
"#,
    );
}

#[test]
fn escapes_make_plain_text() {
    check(
        r#"
\[@a] and \@not-cited and \[[Not Entity]] but [@yes] and [see \@x @b\; c].
   ^ in-text source
                                                ^^^ source
                                                                   ^ source
"#,
    );
}

#[test]
fn link_text_is_prose_and_link_destinations_are_not() {
    check(
        r#"
[@handle](https://example.org/@x) and <https://example.org/@y> and [@real] and [@span]{.note}.
  ^^^^^^ in-text source
                                                                     ^^^^ source
                                                                                 ^^^^ in-text source
"#,
    );
}

#[test]
fn prefix_locator_and_suffix_around_the_id() {
    check(
        r#"
[see @a, p. 33; also -@b chap. 2, and elsewhere; @c{pp. iv, vi-xi}].
      ^ source
                       ^ source, author suppressed
                                                  ^ source
"#,
    );
    assert_eq!(
        items("[see @a, p. 33; also -@b chap. 2, and elsewhere; @c{pp. iv, vi-xi}]"),
        [
            "[see] @a [, p. 33] page 33",
            "[also] -@b [chap. 2, and elsewhere] chapter 2",
            "[] @c [{pp. iv, vi-xi}] page iv, vi-xi",
        ]
    );
}

/// Each item of the text's citations as `[prefix] @id [suffix] label locator`.
fn items(text: &str) -> Vec<String> {
    let syntax = parse(text);
    let part = |range: Option<crate::text::TextRange>| range.map_or("", |r| &text[r]);
    (syntax.citations.iter().flat_map(|citation| &citation.items))
        .map(|item| {
            let mode = if item.mode == CiteMode::SuppressAuthor { "-@" } else { "@" };
            let locator =
                (item.locator.as_ref()).map_or(String::new(), |l| format!(" {} {}", l.label.as_str(), &text[l.range]));
            format!("[{}] {mode}{} [{}]{locator}", part(item.prefix), item.id, part(item.suffix))
        })
        .collect()
}

#[test]
fn every_quotation_of_an_item_is_read_wherever_it_is() {
    check(
        r#"
[as "the walkout" shows, @a, p. 3, "not moved" and "the port"; see @b chap. 2, “the harvest”]
     ^^^^^^^^^^^ quote
                          ^ source
                                    ^^^^^^^^^ quote
                                                    ^^^^^^^^ quote
                                                                    ^ source
                                                                                ^^^^^^^^^^^ quote
"#,
    );
}

#[test]
fn quotation_marks_are_read_as_pandoc_smart_quotes() {
    check(
        r#"
[@a, the port's chair, x"not a quote", " nor this", 'but this', ‘and this’; @b, "one; two] three"]
  ^ source
                                                     ^^^^^^^^ quote
                                                                 ^^^^^^^^ quote
                                                                             ^ source
                                                                                 ^^^^^^^^^^^^^^^ quote
"#,
    );
}

#[test]
fn in_text_citations_take_the_bracket_after_them() {
    check(
        r#"
@a says so, @b [p. 33] too, and @c [see @d] and @e ["the walkout"; @f]. Not [@g](http://x) or @h [p. 3](y).
 ^ in-text source
             ^ in-text source
                                 ^ in-text source
                                         ^ source
                                                 ^ in-text source
                                                     ^^^^^^^^^^^ quote
                                                                    ^ source
                                                                              ^ in-text source
                                                                                               ^ in-text source
"#,
    );
    assert_eq!(items("@b [p. 33] too"), ["[] @b [p. 33] page 33"]);
}

#[test]
fn keys_end_where_pandoc_ends_them() {
    check(
        r#"
By @doi:10.1000/xyz.123, @a--b, @{x.y.}, @é, @a@b, (@c) and -@d; not me@example.org, *x*@e or \@f.
    ^^^^^^^^^^^^^^^^^^^ in-text source
                          ^ in-text source
                                  ^^^^ in-text source
                                          ^ in-text source
                                              ^ in-text source
                                                ^ in-text source
                                                     ^ in-text source
                                                              ^ in-text source
"#,
    );
}

#[test]
fn brackets_pandoc_reads_as_text_are_reported_when_meant_as_citations() {
    check(
        r#"
[@a; just text] and [see also; @b] and [@c;] and [@d;; @e] and [just text] and [see @{two words}]
  ^ in-text source
     ^^^^^^^^^ error: not a citation: every item after `;` needs an `@source-id`, so Pandoc reads this bracket as text (to keep a `;` in a locator, write `\;`)
                     ^^^^^^^^ error: not a citation: every item after `;` needs an `@source-id`, so Pandoc reads this bracket as text (to keep a `;` in a locator, write `\;`)
                                ^ in-text source
                                         ^ in-text source
                                          ^ error: stray `;`: expected `@source-id` after it (Pandoc reads this bracket as text)
                                                   ^ in-text source
                                                    ^ error: stray `;`: expected `@source-id` after it (Pandoc reads this bracket as text)
                                                        ^ in-text source
                                                                                    ^^^^^^^^^^^^ error: a source id in braces cannot contain spaces: Pandoc reads it as text
"#,
    );
}

#[test]
fn empty_ids() {
    check(
        r#"
[@] and [@ harbour] and [-@] and [see @, p. 3] and @{}
 ^ error: empty source id: expected a source id after `@`
         ^ error: empty source id: expected a source id after `@`
                          ^ error: empty source id: expected a source id after `@`
                                      ^ error: empty source id: expected a source id after `@`
                                                   ^^^ error: empty source id: expected a source id after `@`
"#,
    );
}

#[test]
fn unclosed_bracket_stops_at_the_paragraph() {
    check(
        r#"
Open [@port, "words" and more
     ^^^^^^^^^^^^^^^^^^^^^^^^ error: unclosed citation: expected `]` before the end of the paragraph
       ^^^^ in-text source

Next paragraph [@fine].
                 ^^^^ source
"#,
    );
}

#[test]
fn unterminated_empty_and_early_closed_quotes() {
    check(
        r#"
[@a, "never closed] and more
  ^ source
     ^^^^^^^^^^^^^ error: unterminated quote: this quotation mark is never closed, so the words after it are not checked
[@b, ""] and [@c, "called it "a gamble""]
  ^ source
     ^^ error: empty quote: write the exact words between the quotation marks
               ^ source
                   ^^^^^^^^^^ quote
                             ^ error: this quotation ends at the second `"`: quotation marks inside a quotation must be single ones ('…'), or the words after them are not checked
"#,
    );
}

#[test]
fn a_straight_mark_left_after_a_quotation_closed_by_a_curly_one_is_reported() {
    check(
        r#"
[@a, "not be moved,” said Ana Ruiz"] and [@b, "fine,” she said]
  ^ source
      ^^^^^^^^^^^^^ quote
                                  ^ error: this `"` closes no quotation: the quotation before it ended at an earlier closing mark, so the words in between are not checked (use single marks '…' for a quotation inside a quotation)
                                           ^ source
                                               ^^^^^ quote
"#,
    );
}

#[test]
fn a_quote_that_runs_past_the_bracket_is_reported_where_it_opens() {
    check(
        r#"
[@a, "never closed] and "words" here
     ^^^^^^^^^^^^^ error: this quotation is not closed before `]`: it runs on to a later quotation mark, so the citation never closes (Pandoc reads the bracket as text)
  ^ in-text source
"#,
    );
}

#[test]
fn nested_citations_are_read() {
    check(
        r#"
[@a, cf. [@b, "one"]] and [[@c] @d] and [@e, "one [@f] two"] and [@g, see [the appendix] too]
  ^ source
           ^ source
               ^^^ quote
                             ^ source
                                 ^ source
                                          ^ source
                                              ^^^^^^^^^^^^ quote
                                                    ^ source
                                                                   ^ source
"#,
    );
}

#[test]
fn code_math_html_and_notes_do_not_split_items() {
    check(
        r#"
[@a, `x;y`] and [@b, $a;b$] and [@c, <span>a;b</span>] and Text^[See @d.] and x[^1] and [^1]@e]
  ^ source
                  ^ source
                                  ^ source
                                                                      ^ in-text source
                                                                                             ^ in-text source
"#,
    );
}

#[test]
fn unclosed_and_empty_entities() {
    check(
        r#"
[[Open name and [[]] then [[ | x]]
^^^^^^^^^^^^^^^ error: unclosed entity mention: expected `]]` on the same line
                ^^^^ error: empty entity mention: expected a name between `[[` and `]]`
                          ^^^^^^^^ error: empty entity mention: expected a name between `[[` and `]]`
"#,
    );
}

#[test]
fn cjk_and_emoji_around_markup() {
    check(
        r#"
😀 記者は [@東京-記事, "港の労働者"] と [[田中 太郎]] 🎉
        ^^^^^ source
                ^^^^^ quote
                            ^^^^^ entity
"#,
    );
}

/// The blocks of running text of `text`, as written.
fn blocks(text: &str) -> Vec<&str> {
    super::parse(text).blocks.into_iter().map(|r| &text[r]).collect()
}

#[test]
fn blocks_are_paragraphs_list_items_headings_and_table_rows() {
    let text = "# Title\nFirst paragraph\nstill first.\n\n- item one\n  continued\n- item two\n1. ordered\n\n\
                | a | b |\n|---|---|\n| c | d |\n\n> quoted\n\nLast.";
    assert_eq!(
        blocks(text),
        [
            "Title",
            "First paragraph\nstill first.",
            "item one\n  continued",
            "item two",
            "ordered",
            " a | b ",
            " c | d ",
            "quoted",
            "Last."
        ]
    );
}

#[test]
fn blocks_are_read_as_commonmark_reads_them() {
    // A `#` without a space after it starts no heading: the line goes on the paragraph.
    assert_eq!(blocks("Said [@a].\n#hashtag [[Ana Ruiz]]\n"), ["Said [@a].\n#hashtag [[Ana Ruiz]]"]);
    // A blank line in a note with CRLF line ends ends a paragraph; a line of spaces does too.
    assert_eq!(blocks("One [@a].\r\n\r\nTwo.\r\n   \r\nThree."), ["One [@a].", "Two.", "Three."]);
    // Indented four spaces after a paragraph, a line continues it (it is no code block).
    assert_eq!(blocks("One\n    two\n"), ["One\n    two"]);
    // A nested list ends the text of its item.
    assert_eq!(blocks("- outer\n  - inner\n"), ["outer", "inner"]);
}

/// A note that uses every block Markdown has, with citations inside and around them.
const MIXED_BLOCKS: &str = r#"---
title: "[@not-a-citation]"
---
# Heading [@a]
Paragraph after a heading [[Port Authority]] and `code [@b]`
spanning [@c, "two lines"].

- tight item [@d]
- item with `[@e]` code
  continued [@f]

- loose item after a blank line [@g]

      indented code in an item [@h]

  back in the item [@i]

Column-zero text after a list [@j].

```text
[@k] in a fence

[@l] after a blank line in the fence
```

<!-- a comment
[@m]

[@n] still in the comment -->

> quoted [@o]
lazy continuation [@p]

    indented code [@q]

| a | b |
|---|---|
| [@r] | x |
after the table row [@s]

***
[^1]: a footnote [@t]

Last paragraph [@u, "words"] and [[Ana Ruiz]].
"#;

/// What a parse found in `from..to`, as offsets relative to `from`; ranges that run past `to` are cut there.
fn found_in(syntax: &super::NoteSyntax, from: usize, to: usize) -> Vec<(String, usize, usize)> {
    let mut found = Vec::new();
    let mut push = |label: &str, range: crate::text::TextRange| {
        let (start, end) = (usize::from(range.start()), usize::from(range.end()));
        if start >= from && start < to {
            found.push((label.to_string(), start - from, end.min(to) - from));
        }
    };
    syntax.citations.iter().for_each(|c| push("citation", c.range));
    syntax.mentions.iter().for_each(|m| push("mention", m.range));
    syntax.errors.iter().for_each(|e| push("error", e.range));
    syntax.ignored.iter().for_each(|r| push("ignored", *r));
    syntax.restarts.iter().for_each(|r| push("restart", crate::text::TextRange::empty(*r)));
    found
}

#[test]
fn a_part_from_a_restart_point_parses_as_it_does_in_the_whole_note() {
    let whole = parse(MIXED_BLOCKS);
    assert!(whole.restarts.len() > 10, "{:?}", whole.restarts);
    // Parts end after a blank line, anywhere after their start.
    let ends: Vec<usize> =
        MIXED_BLOCKS.match_indices("\n\n").map(|(at, _)| at + 2).chain([MIXED_BLOCKS.len()]).collect();
    for &restart in &whole.restarts[1..] {
        let from = usize::from(restart);
        for &to in ends.iter().filter(|&&to| to > from) {
            let part = super::parse_part(&MIXED_BLOCKS[from..to]);
            assert_eq!(found_in(&part, 0, to - from), found_in(&whole, from, to), "part {:?}", &MIXED_BLOCKS[from..to]);
        }
    }
}

#[test]
fn restart_points_are_never_inside_a_block() {
    let whole = parse(MIXED_BLOCKS);
    let starts: Vec<&str> =
        whole.restarts.iter().map(|&r| MIXED_BLOCKS[usize::from(r)..].lines().next().unwrap()).collect();
    for inside in ["[@l] after a blank line in the fence", "[@n] still in the comment -->", "lazy continuation [@p]"] {
        assert!(!starts.contains(&inside), "{inside:?} is inside a block: {starts:#?}");
    }
    for outside in
        ["# Heading [@a]", "- loose item after a blank line [@g]", "Column-zero text after a list [@j].", "***"]
    {
        assert!(starts.contains(&outside), "{outside:?} starts a block: {starts:#?}");
    }
}

#[test]
fn an_edited_restart_line_restarts_only_after_a_blank_line_and_at_column_zero() {
    assert!(super::still_restarts("", "Text"));
    assert!(super::still_restarts("  \r", "- item"));
    assert!(!super::still_restarts("Paragraph", "Text"));
    assert!(!super::still_restarts("", "  continued item text"));
}

#[test]
fn an_empty_quote_closed_by_a_curly_mark_ends_after_it() {
    let syntax = parse("[@d, \"\u{201D}]");
    assert_eq!(
        syntax.errors.iter().map(|e| (e.kind, e.range)).collect::<Vec<_>>(),
        [(SyntaxErrorKind::EmptyQuote, crate::text::range(5, 9))]
    );
}

#[test]
fn repeated_unclosed_marks_are_each_read_once() {
    // Each of these once took time that grew with the square of the repetitions, or doubled with each one.
    for (pattern, citations) in [("@a [p. 1; @b [", 2), ("@a [", 1), ("@{{", 0), ("[@a, [", 1), ("[@a, ", 1)] {
        let syntax = parse(&pattern.repeat(5000));
        assert_eq!(syntax.citations.len(), citations * 5000, "{pattern}");
    }
}
