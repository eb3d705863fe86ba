//! Finds the parts of a Markdown note where citation markup means nothing: code spans, code blocks,
//! raw HTML (comments included) and front matter. The Markdown itself is parsed by `pulldown-cmark`.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::text::{TextRange, range};

/// The ignored ranges of `text`, sorted and without overlaps.
pub(super) fn ignored_ranges(text: &str) -> Vec<TextRange> {
    let options = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
        | Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH;
    let mut ranges: Vec<TextRange> = Vec::new();
    let mut block_start: Option<usize> = None;
    for (event, span) in Parser::new_ext(text, options).into_offset_iter() {
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
    merged
}
