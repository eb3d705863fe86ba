//! The citation scanner: Pandoc's grammar of citations (pandoc 2.17's Markdown reader, `docs/markup.md`), run over
//! a note whose code, math, HTML tags and link destinations `code` has found.
//!
//! A bracket is a citation when every `;`-separated item has a prefix, an `@id` and a suffix, the bracket closes
//! before its paragraph ends, and no `(`, `[` or `{` follows it; otherwise it is text, and the `@id`s in it are
//! in-text citations, as for Pandoc (what made a bracket meant as a citation fail is reported). An in-text `@id`
//! takes the bracket after it as its suffix or further items. Quotations are Pandoc's smart quotes: `;` and `]`
//! inside a closed quotation do not end anything. A citation never runs past the end of its paragraph, so one
//! broken bracket cannot swallow the rest of the note.
//!
//! The work stays proportional to the note whatever it holds: each bracket is read once (a bracket met again
//! inside another is looked up), a quotation mark that never closes is searched for once per paragraph, and
//! brackets nest at most [`MAX_DEPTH`] deep before they are read as text.

mod keys;
mod quotations;

use std::collections::{HashMap, HashSet};

use self::keys::Key;
use super::code::{Structure, merged};
use super::{
    Citation, CitationKind, CiteItem, CiteMode, EntityMention, NoteSyntax, Quote, SyntaxError, SyntaxErrorKind,
    locator, plain_id_len,
};
use crate::text::{TextRange, range, size};

/// Brackets nested deeper than this in one another are read as text (their `@id`s as in-text citations).
pub(super) const MAX_DEPTH: usize = 32;

pub(super) fn scan(text: &str, structure: Structure) -> NoteSyntax {
    let mut skipped = structure.inline.clone();
    // Example-list markers are not citations: they are stepped over like code.
    skipped.extend(structure.examples.iter().map(|&(marker, _)| marker));
    skipped.sort_by_key(|r| (r.start(), r.end()));
    let mut ignored: Vec<TextRange> = structure.blocks.iter().chain(&structure.inline).copied().collect();
    ignored.sort_by_key(|r| (r.start(), r.end()));
    let mut scanner = Scanner {
        text,
        bytes: text.as_bytes(),
        breaks: paragraph_breaks(text, &structure.blocks),
        blocks: structure.blocks,
        skipped,
        spans: structure.spans,
        emphasis_ends: structure.emphasis_ends,
        examples: structure.examples.into_iter().map(|(_, label)| label).collect(),
        closes: memchr::memchr_iter(b']', text.as_bytes()).collect(),
        matching: HashMap::new(),
        key_ends: HashSet::new(),
        attempts: HashMap::new(),
        never_closes: [HashSet::new(), HashSet::new()],
        suffix_never_ends: HashSet::new(),
        no_bare_suffix: HashSet::new(),
        items_never_close: HashMap::new(),
        depth: 0,
        out: NoteSyntax { ignored: merged(ignored), ..NoteSyntax::default() },
    };
    scanner.matching = scanner.matching_brackets();
    scanner.find_key_ends();
    let mut pending = vec![range(0, text.len())];
    while let Some(part) = pending.pop() {
        let found = scanner.run(part);
        pending.extend(found.rescans.iter().rev());
        scanner.out.citations.extend(found.citations);
        scanner.out.mentions.extend(found.mentions);
        scanner.out.errors.extend(found.errors);
    }
    let mut out = scanner.out;
    out.citations.sort_by_key(|c| (c.range.start(), std::cmp::Reverse(c.range.end())));
    out.citations.dedup_by_key(|c| (c.range, c.items.first().map(|item| item.id_range)));
    out.mentions.sort_by_key(|m| m.range.start());
    out.mentions.dedup_by_key(|m| m.range);
    out.errors.sort_by_key(|e| (e.range.start(), e.range.end()));
    out.errors.dedup();
    out
}

/// Where paragraphs end, sorted: each line break before a blank line, the start of each block, the end of the
/// text.
fn paragraph_breaks(text: &str, blocks: &[TextRange]) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut breaks: Vec<usize> = memchr::memchr_iter(b'\n', bytes)
        .filter(|&at| {
            let rest = &bytes[at + 1..];
            let line_end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
            rest[..line_end].iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
        })
        .collect();
    breaks.extend(blocks.iter().map(|block| usize::from(block.start())));
    breaks.push(text.len());
    breaks.sort_unstable();
    breaks.dedup();
    breaks
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Code blocks, opaque HTML and front matter: a citation stops at them. Sorted, disjoint.
    blocks: Vec<TextRange>,
    /// Where paragraphs end (see [`paragraph_breaks`]).
    breaks: Vec<usize>,
    /// What is stepped over inside a paragraph: code spans, math, HTML tags, link destinations, example markers.
    skipped: Vec<TextRange>,
    /// Raw HTML spans, whole: one inline inside a citation. Sorted by start.
    spans: Vec<TextRange>,
    /// The offsets right after the closing delimiter of emphasis, sorted.
    emphasis_ends: Vec<usize>,
    /// The labels of Pandoc example lists: `@label` is then an example number, not a citation.
    examples: HashSet<String>,
    /// Where every `]` is, to see at once that a bracket cannot close.
    closes: Vec<usize>,
    /// The `]` that balances each `[` within its paragraph (escapes, code and tags aside).
    matching: HashMap<usize, usize>,
    /// Where the keys end: an `@` right after a key is not after a word (`@a@b` is two citations).
    key_ends: HashSet<usize>,
    /// What reading a bracket at each offset gave, so that a bracket is read once whether it is met in the prose
    /// or inside another bracket.
    attempts: HashMap<usize, Result<(Found, usize), Option<SyntaxError>>>,
    /// The offsets a search for the closing mark of a single (0) or double (1) quotation went through without
    /// finding one: a later search that reaches one of them fails too.
    never_closes: [HashSet<usize>; 2],
    /// The brackets and keys a suffix went through without reaching its `;` or `]` before the paragraph ended: a
    /// suffix that reaches one of them does not end either.
    suffix_never_ends: HashSet<usize>,
    /// The brackets that are not the suffix of an in-text key before them.
    no_bare_suffix: HashSet<usize>,
    /// Where items were read from without the bracket closing before the paragraph ended: whether a key was read
    /// from there on, and the quotation that ran past a `]`, if one did.
    items_never_close: HashMap<usize, (bool, Option<TextRange>)>,
    /// How deep in nested brackets the reading is.
    depth: usize,
    out: NoteSyntax,
}

/// Which part of an item a run of inline text is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Before the key: the run stops at it.
    Prefix,
    /// After the key: the run stops at a `;` or `]`, and a further `@id` is an in-text citation.
    Suffix,
}

/// What ended a run of inline text.
#[derive(Debug)]
enum Stop {
    /// The key of the item, when a prefix was being read.
    Key(Key),
    /// A `;` at the top level.
    Semicolon,
    /// A `]` at the top level.
    Close,
}

/// Why a bracket is not a citation: what to report about it, nothing when it was not meant as one.
#[derive(Debug)]
struct NotACitation(Option<SyntaxError>);

/// What reading some text found.
#[derive(Clone, Debug, Default)]
struct Found {
    citations: Vec<Citation>,
    mentions: Vec<EntityMention>,
    errors: Vec<SyntaxError>,
    /// Brackets inside a citation that are text: they are read afterwards as prose is.
    rescans: Vec<TextRange>,
}

impl Found {
    fn extend(&mut self, other: Found) {
        self.citations.extend(other.citations);
        self.mentions.extend(other.mentions);
        self.errors.extend(other.errors);
        self.rescans.extend(other.rescans);
    }
}

impl Scanner<'_> {
    /// Reads `part` as prose: entity mentions, bracketed and in-text citations.
    fn run(&mut self, part: TextRange) -> Found {
        let mut found = Found::default();
        let mut pos = usize::from(part.start());
        let end = usize::from(part.end());
        while pos < end {
            if let Some(skip) = self.skip_at(pos) {
                pos = skip;
                continue;
            }
            let Some(next) = memchr::memchr3(b'[', b'@', b'\\', &self.bytes[pos..end]) else {
                break;
            };
            let at = pos + next;
            // Something to step over may start before the byte found.
            if let Some(skip) = self.next_skip_start(pos).filter(|&start| start <= at) {
                pos = skip;
                continue;
            }
            pos = match self.bytes[at] {
                b'\\' => self.after_escape(at),
                b'[' if self.starts_mention(at) => self.mention(at, &mut found),
                b'[' if let Some(end) = self.note_reference_end(at) => end,
                // An inline note `^[…]`: its text is read as prose.
                b'[' if at > 0 && self.bytes[at - 1] == b'^' => at + 1,
                b'[' => match self.bracketed(at) {
                    Ok((citation, after)) => {
                        found.extend(citation);
                        after
                    }
                    Err(NotACitation(error)) => {
                        found.errors.extend(error);
                        at + 1
                    }
                },
                b'@' => match self.key_at(at) {
                    Err(error) => {
                        found.errors.push(error);
                        at + 1
                    }
                    Ok(Some(key)) if self.is_in_text_key(&key) => {
                        let (citation, after) = self.in_text(key);
                        found.extend(citation);
                        after
                    }
                    Ok(_) => at + 1,
                },
                _ => at + 1,
            };
        }
        found
    }

    /// The end of what must be stepped over at `pos` (code, a block, a tag), if something is there.
    fn skip_at(&self, pos: usize) -> Option<usize> {
        [&self.blocks, &self.skipped].into_iter().find_map(|ranges| {
            let index = ranges.partition_point(|r| usize::from(r.end()) <= pos);
            ranges.get(index).filter(|r| usize::from(r.start()) <= pos).map(|r| usize::from(r.end()))
        })
    }

    /// The start of the next range to step over at or after `pos`.
    fn next_skip_start(&self, pos: usize) -> Option<usize> {
        [&self.blocks, &self.skipped]
            .into_iter()
            .filter_map(|ranges| {
                let index = ranges.partition_point(|r| usize::from(r.end()) <= pos);
                ranges.get(index).map(|r| usize::from(r.start()).max(pos))
            })
            .min()
    }

    /// The raw HTML span that starts at `pos`, if one does.
    fn span_at(&self, pos: usize) -> Option<TextRange> {
        let index = self.spans.partition_point(|r| usize::from(r.start()) < pos);
        self.spans.get(index).filter(|r| usize::from(r.start()) == pos).copied()
    }

    /// Whether a block (code, front matter) contains `pos`.
    fn in_block(&self, pos: usize) -> bool {
        let index = self.blocks.partition_point(|r| usize::from(r.end()) <= pos);
        self.blocks.get(index).is_some_and(|r| usize::from(r.start()) <= pos)
    }

    /// Where the paragraph that `i` is in ends: `i` itself in a block or at a paragraph break.
    fn paragraph_end(&self, i: usize) -> usize {
        if self.in_block(i) {
            return i;
        }
        self.breaks[self.breaks.partition_point(|&at| at < i).min(self.breaks.len() - 1)]
    }

    /// Spaces and tabs, and at most one line break that does not end the paragraph.
    fn skip_spaces(&self, mut i: usize) -> usize {
        let end = self.paragraph_end(i);
        let mut newline = false;
        while i < end {
            match self.bytes[i] {
                b' ' | b'\t' | b'\r' => i += 1,
                b'\n' if !newline => {
                    newline = true;
                    i += 1;
                }
                _ => break,
            }
        }
        i
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.text.get(i..).and_then(|rest| rest.chars().next())
    }

    /// The byte offset of the character after the one at `i`.
    fn next_char(&self, i: usize) -> usize {
        i + self.char_at(i).map_or(1, char::len_utf8)
    }

    fn after_escape(&self, at: usize) -> usize {
        match self.bytes.get(at + 1) {
            Some(b) if b.is_ascii_punctuation() => at + 2,
            _ => at + 1,
        }
    }

    /// An in-text citation, with the bracket after it as further items or its suffix when there is one.
    fn in_text(&mut self, key: Key) -> (Found, usize) {
        let plain = |key: &Key| (Found { citations: vec![key.in_text()], ..Found::default() }, key.end);
        let open = self.skip_spaces(key.end);
        if self.bytes.get(open) != Some(&b'[') || self.starts_mention(open) {
            return plain(&key);
        }
        // A whole citation first: `@a [see @b]` cites `b` too.
        if let Ok((mut found, end)) = self.bracketed(open) {
            let outer = &mut found.citations[0];
            outer.items.insert(0, key.in_text_item());
            outer.range = range(key.start, end);
            outer.kind = CitationKind::InText;
            return (found, end);
        }
        // Then a suffix: `@a [p. 33]`, `@a [p. 33; @b]`.
        match self.bare_suffix(&key, open) {
            Some((found, end)) => (found, end),
            None => plain(&key),
        }
    }

    /// `[suffix]` or `[suffix; more items]` after the in-text `key`; not when a `[` or `(` follows it.
    fn bare_suffix(&mut self, key: &Key, open: usize) -> Option<(Found, usize)> {
        if self.depth >= MAX_DEPTH || self.no_bare_suffix.contains(&open) {
            return None;
        }
        self.depth += 1;
        let read = self.read_bare_suffix(key, open);
        self.depth -= 1;
        if read.is_none() {
            // Whether a bracket is a suffix does not depend on the key before it: `@a [x; @b [x; @c [` … is read
            // once, not once for each way of reaching it.
            self.no_bare_suffix.insert(open);
        }
        read
    }

    fn read_bare_suffix(&mut self, key: &Key, open: usize) -> Option<(Found, usize)> {
        let mut found = Found::default();
        let mut quotes = Vec::new();
        let (end, stop) = self.inline_run(open + 1, Part::Suffix, &mut found, &mut quotes).ok()?;
        let suffix = range(open + 1, end);
        let mut item = key.in_text_item();
        item.suffix = self.trimmed(suffix);
        item.locator = locator::parse(self.text, suffix);
        item.quotes = quotes;
        let mut items = vec![item];
        let close = match stop {
            Stop::Close => end,
            Stop::Semicolon => {
                let (more, close) = self.items(end + 1, &mut found).ok()?;
                items.extend(more);
                close
            }
            Stop::Key(_) => return None,
        };
        if matches!(self.bytes.get(close + 1), Some(b'[' | b'(' | b'{')) {
            return None;
        }
        items[0].range = range(key.start, usize::from(self.trim_end(range(key.start, end))));
        let citation = Citation { range: range(key.start, close + 1), kind: CitationKind::InText, items };
        found.citations.insert(0, citation);
        Some((found, close + 1))
    }

    /// A bracketed citation at `open`: what it holds (the citation first) and where it ends, or why it is not
    /// one. Each bracket is read once (see `attempts`).
    fn bracketed(&mut self, open: usize) -> Result<(Found, usize), NotACitation> {
        if let Some(attempt) = self.attempts.get(&open) {
            return attempt.clone().map_err(NotACitation);
        }
        let attempt = if self.depth >= MAX_DEPTH {
            Err(NotACitation(None))
        } else {
            self.depth += 1;
            let attempt = self.read_bracket(open);
            self.depth -= 1;
            attempt
        };
        let stored = match &attempt {
            Ok(read) => Ok(read.clone()),
            Err(NotACitation(error)) => Err(error.clone()),
        };
        self.attempts.insert(open, stored);
        attempt
    }

    fn read_bracket(&mut self, open: usize) -> Result<(Found, usize), NotACitation> {
        // No `]` before the paragraph ends: not a citation, without reading it.
        let paragraph_end = self.paragraph_end(open);
        let next_close = self.closes.partition_point(|&close| close <= open);
        if self.closes.get(next_close).is_none_or(|&close| close >= paragraph_end) {
            return Err(self.unclosed(open, false));
        }
        let mut found = Found::default();
        let (items, close) = self.items(open + 1, &mut found).map_err(|failure| self.why_not(open, failure))?;
        let note_after = self.note_reference_end(close + 1).is_some();
        if matches!(self.bytes.get(close + 1), Some(b'(' | b'[' | b'{')) && !note_after {
            // A link, a reference link or a span: text with in-text citations in it.
            return Err(NotACitation(None));
        }
        let citation = Citation { range: range(open, close + 1), kind: CitationKind::Bracketed, items };
        found.citations.insert(0, citation);
        Ok((found, close + 1))
    }

    /// The `;`-separated items from `from` to the `]` that closes their bracket, and where that `]` is.
    fn items(&mut self, from: usize, found: &mut Found) -> Result<(Vec<CiteItem>, usize), ItemsFailure> {
        let mut items = Vec::new();
        // The item starts read so far: if the paragraph ends first, items read from any of them never close.
        let mut starts = Vec::new();
        let mut i = from;
        loop {
            let start = self.skip_spaces(i);
            if let Some(&(keyed, past)) = self.items_never_close.get(&start) {
                return Err(ItemsFailure::Unclosed { keyed: keyed || !items.is_empty(), past });
            }
            starts.push(start);
            let mut quotes = Vec::new();
            let (key_at, stop) = match self.inline_run(start, Part::Prefix, found, &mut quotes) {
                Ok(stopped) => stopped,
                Err(past) => return Err(self.never_close(&starts, false, !items.is_empty(), past)),
            };
            let key = match stop {
                Stop::Key(key) => key,
                Stop::Semicolon | Stop::Close => {
                    return Err(ItemsFailure::WithoutId { item: range(start, key_at), keyed: !items.is_empty() });
                }
            };
            let (end, stop) = match self.inline_run(key.end, Part::Suffix, found, &mut quotes) {
                Ok(stopped) => stopped,
                Err(past) => return Err(self.never_close(&starts, true, true, past)),
            };
            let suffix = range(key.end, end);
            items.push(CiteItem {
                id: key.id.clone(),
                id_range: key.id_range,
                mode: key.mode,
                range: range(start, usize::from(self.trim_end(range(start, end)))),
                prefix: self.trimmed(range(start, key.start)),
                suffix: self.trimmed(suffix),
                locator: locator::parse(self.text, suffix),
                quotes,
            });
            match stop {
                Stop::Close => return Ok((items, end)),
                Stop::Semicolon => i = end + 1,
                Stop::Key(_) => unreachable!("a suffix ends at `;` or `]`"),
            }
        }
    }

    /// Records that items read from each of `starts` run to the end of the paragraph (the last of them, an item
    /// with a key when `last_keyed`), and says so for the bracket whose items these are.
    fn never_close(
        &mut self,
        starts: &[usize],
        last_keyed: bool,
        keyed: bool,
        past: Option<TextRange>,
    ) -> ItemsFailure {
        if let Some((&last, before)) = starts.split_last() {
            // Every item before the last ended with `;` after its key.
            self.items_never_close.extend(before.iter().map(|&start| (start, (true, past))));
            self.items_never_close.insert(last, (last_keyed, past));
        }
        ItemsFailure::Unclosed { keyed, past }
    }

    /// What to report about a bracket at `open` whose items could not be read.
    fn why_not(&self, open: usize, failure: ItemsFailure) -> NotACitation {
        match failure {
            ItemsFailure::Unclosed { past: Some(past), keyed: _ } => {
                NotACitation(Some(SyntaxError { kind: SyntaxErrorKind::QuoteRunsPastBracket, range: past }))
            }
            ItemsFailure::Unclosed { keyed, past: None } => self.unclosed(open, keyed),
            ItemsFailure::WithoutId { item, keyed } => self.item_without_id(item, keyed),
        }
    }

    /// Why a bracket that its paragraph ends is not a citation: unclosed, when it was meant as one (an item has
    /// an id, or the first begins with one).
    fn unclosed(&self, open: usize, keyed: bool) -> NotACitation {
        let start = self.skip_spaces(open + 1);
        let meant = keyed || self.key_at(start).is_ok_and(|key| key.is_some());
        let end = usize::from(self.trim_end(range(open, self.paragraph_end(open))));
        NotACitation(meant.then(|| SyntaxError { kind: SyntaxErrorKind::UnclosedCitation, range: range(open, end) }))
    }

    /// Why a bracket with an item without id (`item`, ending at a `;` or `]`) is not a citation: reported when
    /// the bracket holds a key elsewhere, or the item is an `@` with no id after it.
    fn item_without_id(&self, item: TextRange, keyed: bool) -> NotACitation {
        let (start, end) = (usize::from(item.start()), usize::from(item.end()));
        let semicolon_after = self.bytes.get(end) == Some(&b';');
        let meant = keyed || semicolon_after && self.key_follows(end);
        if let Some(trimmed) = self.trimmed(item) {
            // `[@]`, `[@ x]`, `[-@]`, `[see @, p. 3]`: an `@` with no id after it.
            if let Some(at) = self.lone_at_sign(trimmed) {
                let error = SyntaxError { kind: SyntaxErrorKind::EmptySourceId, range: range(at, at + 1) };
                return NotACitation(Some(error));
            }
            let error = SyntaxError { kind: SyntaxErrorKind::ItemWithoutId, range: trimmed };
            return NotACitation(meant.then_some(error));
        }
        // An empty item: the `;` before it, or for the first item the one after it.
        let semicolon = self.text[..start].trim_end().strip_suffix(';').map_or(end, str::len);
        let error = SyntaxError { kind: SyntaxErrorKind::StraySemicolon, range: range(semicolon, semicolon + 1) };
        NotACitation(meant.then_some(error))
    }

    /// The `@` in `item` that is meant as a key but has no id: at its start (after `-`), or followed by `,`.
    fn lone_at_sign(&self, item: TextRange) -> Option<usize> {
        let text = &self.text[item];
        let start = usize::from(item.start());
        if let Some(rest) = text.strip_prefix('@').or_else(|| text.strip_prefix("-@")) {
            return (plain_id_len(rest) == 0 && !rest.starts_with('{')).then(|| start + text.len() - rest.len() - 1);
        }
        text.match_indices('@')
            .map(|(at, _)| start + at)
            .find(|&at| !self.after_string(at) && (at + 1 == usize::from(item.end()) || self.bytes[at + 1] == b','))
    }

    /// Whether an item with a key follows the `;` at `at` in the same bracket and paragraph.
    fn key_follows(&self, at: usize) -> bool {
        let end = self.paragraph_end(at);
        let mut i = at + 1;
        while i < end && self.bytes[i] != b']' {
            if matches!(self.bytes[i], b'@') && self.key_at(i).is_ok_and(|key| key.is_some()) {
                return true;
            }
            i = self.next_char(i);
        }
        false
    }

    /// Reads inline text from `from`: a prefix up to its key, a suffix up to a `;` or `]` at the top level,
    /// stepping over code, math and tags, escapes, brackets (a nested citation is read as one) and quotations
    /// (recorded in `quotes`). Returns where it stopped and why; fails at the end of the paragraph, with the first
    /// quotation that ran past a `]` that would have closed the bracket (from its opening mark to that `]`).
    fn inline_run(
        &mut self,
        from: usize,
        part: Part,
        found: &mut Found,
        quotes: &mut Vec<Quote>,
    ) -> Result<(usize, Stop), Option<TextRange>> {
        let end = self.paragraph_end(from);
        let mut past = None;
        let mut visited = Vec::new();
        // Whether the last quotation opened with `"` and closed with `”`.
        let mut mixed_marks = false;
        let mut i = from;
        while i < end {
            if let Some(span) = self.span_at(i) {
                // The text of a span is read afterwards as prose is.
                found.rescans.push(span);
                i = usize::from(span.end());
                continue;
            }
            if let Some(skip) = self.skip_at(i) {
                i = skip;
                continue;
            }
            match self.bytes[i] {
                b'\\' => i = self.after_escape(i),
                b';' => return Ok((i, Stop::Semicolon)),
                // `[see]@id]`: for Pandoc a `]` right before the key belongs to the prefix.
                b']' if part == Part::Prefix
                    && let Ok(Some(key)) = self.key_at(i + 1) =>
                {
                    return Ok((i + 1, Stop::Key(key)));
                }
                b']' => return Ok((i, Stop::Close)),
                // A suffix that reaches a bracket or a key an earlier suffix went through without ending runs to
                // the end of the paragraph as that one did (`@a [@a [@a [` … is read once, not once per key).
                b'[' | b'@' if part == Part::Suffix && self.suffix_never_ends.contains(&i) => break,
                b'[' | b'@' if part == Part::Suffix => {
                    visited.push(i);
                    if self.bytes[i] == b'[' {
                        i = self.nested_bracket(i, found);
                    } else {
                        i = self.suffix_key(i, found);
                    }
                }
                b'[' => i = self.nested_bracket(i, found),
                b'@' | b'-' if part == Part::Prefix => match self.key_at(i) {
                    Ok(Some(key)) => return Ok((i, Stop::Key(key))),
                    Err(error) => {
                        found.errors.push(error);
                        i += 1;
                    }
                    Ok(None) => i += 1,
                },
                b'@' | b'-' => i = self.suffix_key(i, found),
                _ => match self.quotation(i, found) {
                    Some((quote, after)) => {
                        let opened_straight = self.bytes[i] == b'"';
                        let closed_curly = self.text[quote.text_range.end().into()..after].starts_with('\u{201D}');
                        mixed_marks = opened_straight && closed_curly;
                        if past.is_none() {
                            past = self.unbalanced_close(quote.text_range).map(|close| range(i, close));
                        }
                        quotes.push(quote);
                        i = after;
                    }
                    None => {
                        // `"moved,” he said"`: a straight mark after a word that closes nothing, because the
                        // straight-quoted quotation before it ended at a curly mark; the words between are not
                        // checked.
                        if self.bytes[i] == b'"'
                            && std::mem::take(&mut mixed_marks)
                            && self.text[..i].ends_with(|c: char| !c.is_whitespace())
                        {
                            let stray = SyntaxError { kind: SyntaxErrorKind::StrayQuoteMark, range: range(i, i + 1) };
                            found.errors.push(stray);
                        }
                        i = self.next_char(i)
                    }
                },
            }
        }
        self.suffix_never_ends.extend(visited);
        Err(past)
    }

    /// A key at `i` in a suffix: an in-text citation inside it (`-` is a dash there). Returns where reading goes
    /// on.
    fn suffix_key(&mut self, i: usize, found: &mut Found) -> usize {
        match self.key_at(i) {
            Ok(Some(key)) if key.mode == CiteMode::Normal => {
                if !self.is_in_text_key(&key) {
                    return key.end;
                }
                let (citation, after) = self.in_text(key);
                found.extend(citation);
                after
            }
            Err(error) => {
                found.errors.push(error);
                i + 1
            }
            Ok(_) => i + 1,
        }
    }

    /// A bracket inside a prefix, suffix or quotation: a mention, a nested citation, or balanced brackets read
    /// as text (and read again afterwards as prose is); a `[` that is never balanced is text. Returns where
    /// reading goes on.
    fn nested_bracket(&mut self, open: usize, found: &mut Found) -> usize {
        if self.starts_mention(open) {
            return self.mention(open, found);
        }
        if let Some(end) = self.note_reference_end(open) {
            return end;
        }
        match self.bracketed(open) {
            Ok((nested, end)) => {
                found.extend(nested);
                end
            }
            Err(NotACitation(error)) => {
                found.errors.extend(error);
                match self.matching.get(&open) {
                    Some(&close) => {
                        found.rescans.push(range(open + 1, close));
                        close + 1
                    }
                    None => open + 1,
                }
            }
        }
    }

    /// The `]` that balances each `[` of a paragraph, escapes, code and tags aside.
    fn matching_brackets(&self) -> HashMap<usize, usize> {
        let mut matching = HashMap::new();
        let mut open: Vec<usize> = Vec::new();
        let mut paragraph_end = 0;
        let mut i = 0;
        while i < self.bytes.len() {
            if i >= paragraph_end {
                open.clear();
                paragraph_end = self.paragraph_end(i).max(i + 1);
            }
            if let Some(skip) = self.skip_at(i) {
                i = skip;
                continue;
            }
            match self.bytes[i] {
                b'\\' => {
                    i = self.after_escape(i);
                    continue;
                }
                b'[' => open.push(i),
                b']' => {
                    if let Some(start) = open.pop() {
                        matching.insert(start, i);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        matching
    }

    /// `range` without the whitespace at its ends; `None` when nothing is left.
    fn trimmed(&self, within: TextRange) -> Option<TextRange> {
        let text = &self.text[within];
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return None;
        }
        let start = usize::from(within.start()) + (text.len() - text.trim_start().len());
        Some(range(start, start + trimmed.len()))
    }

    /// The end of `range` moved back over trailing whitespace.
    fn trim_end(&self, within: TextRange) -> crate::text::TextSize {
        within.start() + size(self.text[within].trim_end().len())
    }

    /// The end of the footnote reference `[^label]` at `at` (a label without spaces), if there is one: Pandoc
    /// reads it as a note, defined or not, never as a citation.
    fn note_reference_end(&self, at: usize) -> Option<usize> {
        let rest = self.text.get(at..)?.strip_prefix("[^")?;
        let label = rest.find(|c: char| c == ']' || c == '[' || c.is_whitespace())?;
        (label > 0 && rest[label..].starts_with(']')).then_some(at + 2 + label + 1)
    }

    /// Whether `[[` at `at` opens an entity mention (`[[@b] @a]` is a citation with a nested one).
    fn starts_mention(&self, at: usize) -> bool {
        if self.bytes.get(at + 1) != Some(&b'[') {
            return false;
        }
        let rest = &self.text[at + 2..];
        let rest = rest.trim_start_matches([' ', '\t']);
        !rest.starts_with('@') && !rest.starts_with("-@")
    }

    /// Whether a mention cannot go on at `i`: the line ends, or a block starts.
    fn is_line_end(&self, i: usize) -> bool {
        i >= self.bytes.len() || matches!(self.bytes[i], b'\n' | b'\r') || self.in_block(i)
    }

    /// The mention whose `[[` is at `open`; returns where reading goes on.
    fn mention(&mut self, open: usize, found: &mut Found) -> usize {
        let inner = open + 2;
        let mut i = inner;
        while !self.is_line_end(i) {
            match self.bytes[i] {
                b']' if self.bytes.get(i + 1) == Some(&b']') => break,
                b'[' if self.bytes.get(i + 1) == Some(&b'[') => break,
                _ => i += 1,
            }
        }
        let closed = self.bytes.get(i) == Some(&b']') && self.bytes.get(i + 1) == Some(&b']');
        if !closed {
            let end = usize::from(self.trim_end(range(open, i)));
            found.errors.push(SyntaxError { kind: SyntaxErrorKind::UnclosedEntity, range: range(open, end) });
            // What follows is read on: an unclosed `[[` hides no citation.
            return inner;
        }
        let content = &self.text[inner..i];
        let name_part = content.split('|').next().unwrap_or("");
        let name = name_part.trim();
        if name.is_empty() {
            found.errors.push(SyntaxError { kind: SyntaxErrorKind::EmptyEntity, range: range(open, i + 2) });
            return i + 2;
        }
        let name_start = inner + (name_part.len() - name_part.trim_start().len());
        found.mentions.push(EntityMention {
            name: name.to_string(),
            name_range: TextRange::at(size(name_start), size(name.len())),
            range: range(open, i + 2),
        });
        i + 2
    }
}

/// Why the items of a bracket could not be read.
enum ItemsFailure {
    /// The paragraph ended first; `keyed` when an item with a key was read, `past` when a quotation ran past the
    /// `]` that would have closed the bracket (from its opening mark to that `]`).
    Unclosed { keyed: bool, past: Option<TextRange> },
    /// An item (its range, up to the `;` or `]` that ends it) has no key; `keyed` when one before it had.
    WithoutId { item: TextRange, keyed: bool },
}
