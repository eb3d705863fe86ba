//! What the Markdown structure of a note says to the citation scanner, from `pulldown-cmark`: where citation markup
//! means nothing (code, math, HTML tags, link destinations, front matter), where emphasis closes (an `@` right
//! after it is not a citation, as after a letter), which block starts are Pandoc example-list markers, where
//! Markdown parsing starts afresh, and which blocks of running text there are.
//!
//! Blocks of code and front matter end a citation (a citation never runs out of its paragraph); code spans, math
//! and HTML tags inside a paragraph are stepped over, so that `[@a, `x;y`]` is one citation, as for Pandoc. An
//! HTML block is read as Pandoc reads it: the text between its tags is Markdown, except in comments, `<pre>`,
//! `<script>`, `<style>` and `<textarea>`.

use std::sync::LazyLock;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use regex::Regex;

use crate::text::{TextRange, TextSize, range, size};

/// What the Markdown structure of a text says to the citation scanner.
#[derive(Debug, Default)]
pub(super) struct Structure {
    /// Code blocks, opaque HTML blocks and front matter: a citation stops at them. Sorted, disjoint.
    pub blocks: Vec<TextRange>,
    /// Code spans, math, HTML tags and comments, link destinations and autolinks: stepped over. Sorted, disjoint.
    pub inline: Vec<TextRange>,
    /// Raw HTML spans `<span …>…</span>` inside a paragraph: one inline for Pandoc, whose text is Markdown (a `;`
    /// in it does not end a citation item). Sorted by start.
    pub spans: Vec<TextRange>,
    /// The offsets right after the closing delimiter of emphasis (`*x*|`), sorted.
    pub emphasis_ends: Vec<usize>,
    /// Pandoc example-list markers at the start of a block (`@label.`, `@label)`, `(@label)`), with their labels.
    pub examples: Vec<(TextRange, String)>,
    /// Where parsing starts afresh (see [`super::NoteSyntax::restarts`]).
    pub restarts: Vec<TextSize>,
    /// The headings (see [`super::NoteSyntax::headings`]).
    pub headings: Vec<super::Heading>,
    /// The blocks of running text (see [`super::NoteSyntax::blocks`]).
    pub text_blocks: Vec<TextRange>,
}

/// HTML blocks whose content is not Markdown for Pandoc.
static OPAQUE_HTML: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*<(!--|pre[\s>]|script[\s>]|style[\s>]|textarea[\s>])").expect("valid regex"));
/// HTML tags and comments inside a block whose text is Markdown.
static HTML_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<!--[\s\S]*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>").expect("valid regex"));
/// A Pandoc example-list marker at the start of a block, and the space after it. A label is letters and digits,
/// with `_` or `-` only before a letter or digit (`@abc-)` is a citation).
static EXAMPLE_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    let label = r"((?:[\p{L}\p{N}]|[_-][\p{L}\p{N}])*)";
    Regex::new(&format!(r"^(?:@{label}[.)]|\(@{label}\))(?:[ \t]|\r?\n|$)")).expect("valid regex")
});

/// The Markdown structure of `text`; `at_note_start` says whether it may begin with front matter.
pub(super) fn structure(text: &str, at_note_start: bool) -> Structure {
    let mut options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_MATH;
    if at_note_start {
        options |= Options::ENABLE_YAML_STYLE_METADATA_BLOCKS | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    }
    let mut structure = Structure { restarts: vec![size(0)], ..Structure::default() };
    let mut block_start: Option<usize> = None;
    let mut html_block: Option<usize> = None;
    // How deep the parser is in nested blocks, and whether the block at depth 1 is a list.
    let mut depth = 0usize;
    let mut open_spans: Vec<usize> = Vec::new();
    let mut in_top_list = false;
    let at_line_start = |offset: usize| offset > 0 && text.as_bytes().get(offset - 1) == Some(&b'\n');
    // The inline content read since the last block boundary: one block of running text.
    let mut run: Option<(usize, usize)> = None;
    for (event, span) in Parser::new_ext(text, options).into_offset_iter() {
        if is_block_boundary(&event) {
            if let Some((start, end)) = run.take() {
                structure.text_blocks.push(range(start, end));
            }
        } else {
            let (start, end) = run.get_or_insert((span.start, span.end));
            *start = (*start).min(span.start);
            *end = (*end).max(span.end);
        }
        let starts_block = match &event {
            Event::Start(tag) => depth == 0 || (depth == 1 && in_top_list && matches!(tag, Tag::Item)),
            Event::Rule => depth == 0,
            _ => false,
        };
        if starts_block && at_line_start(span.start) && structure.restarts.last() != Some(&size(span.start)) {
            structure.restarts.push(size(span.start));
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
            Event::Start(Tag::CodeBlock(_) | Tag::MetadataBlock(_)) => {
                block_start.get_or_insert(span.start);
            }
            Event::End(TagEnd::CodeBlock | TagEnd::MetadataBlock(_)) => {
                if let Some(start) = block_start.take() {
                    structure.blocks.push(range(start, span.end.max(start)));
                }
            }
            Event::Start(Tag::HtmlBlock) => html_block = Some(span.start),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(start) = html_block.take() {
                    html_block_ranges(text, range(start, span.end.max(start)), &mut structure);
                }
            }
            Event::Start(Tag::Paragraph) => {
                if let Some(found) = EXAMPLE_MARKER.captures(&text[span.start..]) {
                    let label = found.get(1).or_else(|| found.get(2)).map_or("", |m| m.as_str());
                    let marker = found.get(0).map_or(0, |m| m.as_str().trim_end().len());
                    structure.examples.push((range(span.start, span.start + marker), label.to_string()));
                }
            }
            Event::Start(Tag::Link { link_type, .. } | Tag::Image { link_type, .. }) => {
                link_ranges(text, link_type, span.start, span.end, &mut structure.inline);
            }
            Event::Start(Tag::Heading { level, .. }) => {
                let first_line = text[span.clone()].lines().next().unwrap_or("");
                let title = first_line.trim().trim_start_matches('#').trim_end_matches('#').trim();
                structure.headings.push(super::Heading {
                    level: level as u8,
                    title: title.to_string(),
                    range: range(span.start, span.end),
                });
            }
            Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => {
                structure.emphasis_ends.push(span.end);
            }
            Event::InlineHtml(html) => {
                let tag = html.trim_start_matches('<').to_ascii_lowercase();
                if tag.starts_with("span") && !html.ends_with("/>") {
                    open_spans.push(span.start);
                } else if tag.starts_with("/span")
                    && let Some(start) = open_spans.pop()
                {
                    structure.spans.push(range(start, span.end));
                }
                structure.inline.push(range(span.start, span.end));
            }
            Event::End(TagEnd::Paragraph) => open_spans.clear(),
            Event::Code(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {
                structure.inline.push(range(span.start, span.end));
            }
            _ => {}
        }
    }
    if let Some((start, end)) = run {
        structure.text_blocks.push(range(start, end));
    }
    structure.blocks = merged(structure.blocks);
    structure.inline = merged(structure.inline);
    structure.emphasis_ends.sort_unstable();
    structure.spans.sort_by_key(|r| r.start());
    structure
}

/// Whether `event` starts or ends a block, so that the running text before it and after it are different blocks:
/// every tag but the inline ones (emphasis, links, images) and table cells (a table row is one block), and
/// thematic breaks.
fn is_block_boundary(event: &Event) -> bool {
    let inline = |tag: &Tag| {
        matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::TableCell
        )
    };
    let inline_end = |tag: &TagEnd| {
        matches!(
            tag,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::TableCell
        )
    };
    match event {
        Event::Start(tag) => !inline(tag),
        Event::End(tag) => !inline_end(tag),
        Event::Rule => true,
        _ => false,
    }
}

/// The parts of an HTML block that are not Markdown for Pandoc: the whole block when it is opaque, its tags
/// and comments otherwise.
fn html_block_ranges(text: &str, block: TextRange, structure: &mut Structure) {
    let content = &text[block];
    if OPAQUE_HTML.is_match(content) {
        structure.blocks.push(block);
        return;
    }
    let base = usize::from(block.start());
    for tag in HTML_TAG.find_iter(content) {
        structure.inline.push(range(base + tag.start(), base + tag.end()));
    }
}

/// The parts of a link that are not its text: the destination of `[text](url)`, the label of `[text][label]`,
/// and the whole of an autolink `<url>`.
fn link_ranges(text: &str, link_type: LinkType, start: usize, end: usize, inline: &mut Vec<TextRange>) {
    if matches!(link_type, LinkType::Autolink | LinkType::Email) {
        inline.push(range(start, end));
        return;
    }
    if matches!(link_type, LinkType::Shortcut | LinkType::ShortcutUnknown) {
        return;
    }
    // The text ends at the `]` that balances the first `[` (after a `!` for an image).
    let bytes = text.as_bytes();
    let mut depth = 0i32;
    let mut at = start;
    while at < end {
        match bytes[at] {
            b'\\' => at += 1,
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    if at + 1 < end {
                        inline.push(range(at + 1, end));
                    }
                    return;
                }
            }
            _ => {}
        }
        at += 1;
    }
}

/// `ranges` sorted, with the ranges that overlap or touch made one.
pub(super) fn merged(mut ranges: Vec<TextRange>) -> Vec<TextRange> {
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
