//! Finds the parts of a Markdown note where citation markup means nothing: code spans, code blocks,
//! raw HTML (comments included) and front matter, and the places where Markdown parsing starts afresh.
//! The Markdown itself is parsed by `pulldown-cmark`.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::text::{TextRange, TextSize, range, size};

/// What the Markdown structure of a text says to the citation scanner.
pub(super) struct Structure {
    /// Code, HTML and front matter, sorted and without overlaps.
    pub ignored: Vec<TextRange>,
    /// Where parsing starts afresh (see [`super::NoteSyntax::restarts`]).
    pub restarts: Vec<TextSize>,
}

/// The Markdown structure of `text`; `at_note_start` says whether it may begin with front matter.
pub(super) fn structure(text: &str, at_note_start: bool) -> Structure {
    let mut options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    if at_note_start {
        options |= Options::ENABLE_YAML_STYLE_METADATA_BLOCKS | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    }
    let mut ranges: Vec<TextRange> = Vec::new();
    let mut restarts = vec![size(0)];
    let mut block_start: Option<usize> = None;
    // How deep the parser is in nested blocks, and whether the block at depth 1 is a list.
    let mut depth = 0usize;
    let mut in_top_list = false;
    let at_line_start = |offset: usize| offset > 0 && text.as_bytes().get(offset - 1) == Some(&b'\n');
    for (event, span) in Parser::new_ext(text, options).into_offset_iter() {
        let starts_block = match &event {
            Event::Start(tag) => depth == 0 || (depth == 1 && in_top_list && matches!(tag, Tag::Item)),
            Event::Rule => depth == 0,
            _ => false,
        };
        if starts_block && at_line_start(span.start) && restarts.last() != Some(&size(span.start)) {
            restarts.push(size(span.start));
        }
        match &event {
            Event::Start(tag) => {
                if depth == 0 {
                    in_top_list = matches!(tag, Tag::List(_));
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::MetadataBlock(_) | Tag::HtmlBlock) => {
                block_start.get_or_insert(span.start);
            }
            Event::End(TagEnd::CodeBlock | TagEnd::MetadataBlock(_) | TagEnd::HtmlBlock) => {
                if let Some(start) = block_start.take() {
                    ranges.push(range(start, span.end.max(start)));
                }
            }
            Event::Code(_) | Event::InlineHtml(_) | Event::Html(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {
                ranges.push(range(span.start, span.end));
            }
            _ => {}
        }
    }
    ranges.sort_by_key(|r| (r.start(), r.end()));
    let mut merged: Vec<TextRange> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start() <= last.end() => *last = last.cover(r),
            _ => merged.push(r),
        }
    }
    Structure { ignored: merged, restarts }
}
