//! Completion: source ids after `[@` and `; @`, entity names after `[[`, and an article's sentences inside a quote.
//!
//! The context is read from the text before the cursor, so a half-typed citation completes as well as a whole one.
//! Lists are ranked here and cut at [`MAX_ITEMS`]; a cut list says so with `is_incomplete`.

mod index;

use std::cmp::{Ordering, Reverse};

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

pub(super) use index::{CompletionIndex, WordStarts, has_word_starting_with};
use index::{RankSet, Shape, Typed, entity_rank};

use super::Note;
use crate::bibliography::{Catalog, Cited};
use crate::corpus::blocks::Tokens;
use crate::corpus::{Corpus, Entity, collapse_whitespace, quotes, shorten};
use crate::markup::{is_quote_mark, write_id};
use crate::text::{TextRange, TextSize, range, size};

/// The most items one answer holds: an editor shows ten or so, and asks again as the user types when the list
/// says it was cut. Each item costs about 10 µs of JSON on each side of the protocol.
pub const MAX_ITEMS: usize = 50;

/// How far back the context of a completion is looked for.
const CONTEXT_BYTES: usize = 2000;

/// A ranked list of completions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completions {
    /// The items, best first.
    pub items: Vec<CompletionItem>,
    /// The list was cut: typing more asks again.
    pub is_incomplete: bool,
}

/// One completion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    /// What the list shows.
    pub label: String,
    /// What is completed.
    pub kind: CompletionKind,
    /// A short description shown beside the label.
    pub detail: Option<String>,
    /// A longer Markdown description.
    pub documentation: Option<String>,
    /// The range of the note the item replaces (what was typed so far).
    pub replace: TextRange,
    /// The text that replaces it.
    pub insert_text: String,
    /// The text an editor matches what is typed against.
    pub filter_text: String,
}

/// What a completion item completes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    /// A source id.
    Source,
    /// An entity name.
    Entity,
    /// Words quoted from an article.
    Quote,
}

enum Context {
    SourceId {
        typed: String,
        replace: TextRange,
        /// A quote already written after the id (`[@|, "words"]`): articles that contain it come first.
        quote_after: Option<String>,
    },
    Entity {
        typed: String,
        replace: TextRange,
        close: bool,
    },
    Quote {
        id: String,
        typed: String,
        replace: TextRange,
        close: String,
    },
}

/// Whether completion items carry their documentation, or leave it for [`documentation`] (`completionItem/resolve`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Documentation {
    /// Every item carries its documentation.
    #[default]
    Inline,
    /// Sources and entities leave it out; quotes, whose documentation is their sentence, keep it.
    OnResolve,
}

pub(super) fn completions(
    catalog: &Catalog,
    index: &CompletionIndex,
    note: &Note,
    offset: TextSize,
    documentation: Documentation,
) -> Option<Completions> {
    if note.syntax().is_ignored(offset) || usize::from(offset) > note.text().len() {
        return None;
    }
    let context = find_context(note, usize::from(offset))?;
    // Once something is typed, the list is ranked here, fuzzily: an editor that filtered it itself by prefix would
    // drop the matches that do not begin as typed (Neovim does), so it must ask again as the writer types.
    let typed_something = match &context {
        Context::SourceId { typed, .. } | Context::Entity { typed, .. } | Context::Quote { typed, .. } => {
            !typed.trim().is_empty()
        }
    };
    let scope = catalog.scope(note.path(), note.bibliographies());
    let (mut items, partial) = match context {
        Context::SourceId { typed, replace, quote_after } => {
            let query = SourceQuery { typed: &typed, quote_after: quote_after.as_deref(), scope: &scope };
            complete_sources(catalog, index, query, replace, documentation)
        }
        Context::Entity { typed, replace, close } => {
            complete_entities(catalog.corpus(), index, &typed, replace, close, documentation)
        }
        Context::Quote { id, typed, replace, close } => complete_quotes(catalog, &scope, &id, &typed, replace, &close),
    };
    let is_incomplete = partial || typed_something || items.len() > MAX_ITEMS;
    items.truncate(MAX_ITEMS);
    Some(Completions { items, is_incomplete })
}

/// The context of a completion at `offset`: read by the note's own parser from the block the cursor is in, with
/// a probe (a word, and what closes the markup) put at the cursor. What the parser reads as an id, a quotation or
/// an entity name being written is completed; nothing else is.
fn find_context(note: &Note, offset: usize) -> Option<Context> {
    let text = note.text();
    let start = window_start(note, offset);
    let before = &text[start..offset];
    let line_after = text[offset..].split(['\n', '\r']).next().unwrap_or("");
    let after = &line_after[..line_after.floor_char_boundary(CONTEXT_BYTES)];
    // Each reading parses the block again (tens of microseconds): it is tried only when what it needs is there
    // (an `@`, an opening mark, a `[[` on the cursor's line, as the parser requires them).
    let cited = before.contains('@');
    let line = &before[before.rfind('\n').map_or(0, |at| at + 1)..];
    (cited && before.contains(is_quote_mark))
        .then(|| quote_context(before, after, start))
        .flatten()
        .or_else(|| line.contains("[[").then(|| entity_context(before, after, start)).flatten())
        .or_else(|| cited.then(|| id_context(before, after, start)).flatten())
}

/// Where the text read for a completion at `offset` begins: where Markdown parsing starts afresh before it
/// (the block it is in, for a paragraph), or the first line start [`CONTEXT_BYTES`] back in a longer block.
fn window_start(note: &Note, offset: usize) -> usize {
    let restarts = &note.syntax().restarts;
    let before = restarts.partition_point(|&r| usize::from(r) <= offset);
    let restart = before.checked_sub(1).map_or(0, |i| usize::from(restarts[i]));
    if offset - restart <= CONTEXT_BYTES {
        return restart;
    }
    let text = note.text();
    let earliest = text.ceil_char_boundary(offset - CONTEXT_BYTES);
    text[earliest..offset].find('\n').map_or(earliest, |line_end| earliest + line_end + 1)
}

/// A source id being typed: the text before the cursor with a letter put after it and the rest of the line after
/// that, read as the parser reads it; the item whose id holds the letter is the one being typed.
fn id_context(before: &str, after: &str, base: usize) -> Option<Context> {
    let cursor = size(before.len());
    let syntax = crate::markup::parse_part(&format!("{before}x{after}"));
    let item = (syntax.citations.into_iter().flat_map(|citation| citation.items))
        .find(|item| item.id_range.start() <= cursor && item.id_range.end() > cursor)?;
    let typed = &before[usize::from(item.id_range.start())..];
    Some(Context::SourceId {
        typed: typed.to_string(),
        replace: range(base + usize::from(item.id_range.start()), base + before.len()),
        quote_after: item.quotes.into_iter().next().map(|quote| quote.text),
    })
}

/// A quotation being typed in a citation item: the text before the cursor is read as the parser reads it, with
/// a word and a closing mark put after it, and the quotation that ends with that word is the one being typed.
fn quote_context(before: &str, after: &str, base: usize) -> Option<Context> {
    let cursor = size(before.len());
    let (quote, id) = ["\"", "\u{2019}"].into_iter().find_map(|mark| {
        let syntax = crate::markup::parse_part(&format!("{before}x{mark}]"));
        syntax.citations.into_iter().flat_map(|citation| citation.items).find_map(|item| {
            let quote = item.quotes.into_iter().find(|quote| quote.text_range.end() == cursor + size(1))?;
            Some((quote, item.id))
        })
    })?;
    let opener = &before[TextRange::new(quote.range.start(), quote.text_range.start())];
    let typed = &before[usize::from(quote.text_range.start())..];
    let closing_mark = match opener {
        "\u{201C}" => '\u{201D}',
        "\u{2018}" | "\u{2019}" => '\u{2019}',
        _ => opener.chars().next()?,
    };
    let mut close = String::new();
    let rest = after.trim_start_matches([' ', '\t']);
    if !rest.starts_with(is_quote_mark) {
        close.push(closing_mark);
    }
    let rest = rest.trim_start_matches(is_quote_mark);
    if !rest.trim_start_matches([' ', '\t']).starts_with([']', ';']) {
        close.push(']');
    }
    let start = base + usize::from(quote.text_range.start());
    Some(Context::Quote { id, typed: typed.to_string(), replace: range(start, base + before.len()), close })
}

/// An entity name being typed: the text before the cursor with a letter and `]]` put after it, read as the parser
/// reads it; the mention whose name ends with the letter is the one being typed (not one after a `|`).
fn entity_context(before: &str, after: &str, base: usize) -> Option<Context> {
    let cursor = size(before.len());
    let syntax = crate::markup::parse_part(&format!("{before}x]]"));
    let mention = syntax.mentions.into_iter().find(|mention| mention.name_range.end() == cursor + size(1))?;
    let typed = &before[usize::from(mention.name_range.start())..];
    let close = !after.trim_start_matches(|c: char| c != ']' && c != '|' && c != '[').starts_with([']', '|']);
    Some(Context::Entity {
        typed: typed.to_string(),
        replace: range(base + usize::from(mention.name_range.start()), base + before.len()),
        close,
    })
}

/// Scores candidates against typed text with the fuzzy matcher; `None` when it does not match.
struct Fuzzy {
    matcher: Matcher,
    pattern: Option<(Pattern, Typed)>,
    first: Option<char>,
    buffer: Vec<char>,
}

impl Fuzzy {
    fn new(typed: &str) -> Fuzzy {
        let typed = typed.trim();
        Fuzzy {
            matcher: Matcher::new(Config::DEFAULT),
            pattern: Typed::new(typed)
                .map(|bits| (Pattern::new(typed, CaseMatching::Ignore, Normalization::Smart, AtomKind::Fuzzy), bits)),
            first: typed.chars().next(),
            buffer: Vec::new(),
        }
    }

    /// The score of `candidate`, whose shape is `shape`; everything scores 0 when nothing was typed. Like
    /// editors, the first typed character must start one of the candidate's words.
    fn score(&mut self, candidate: &str, shape: Shape) -> Option<u32> {
        let Some((pattern, bits)) = &self.pattern else {
            return self.first.is_none().then_some(0);
        };
        if !shape.may_match(bits) {
            return None;
        }
        if !shape.is_exact() && !has_word_starting_with(candidate, self.first?.encode_utf8(&mut [0; 4])) {
            return None;
        }
        pattern.score(Utf32Str::new(candidate, &mut self.buffer), &mut self.matcher)
    }
}

/// Whether a list of names matched by the beginning of a word leaves out fuzzy matches, so that typing more
/// must ask again. One character typed matches fuzzily only where it begins a word: nothing is left out.
fn leaves_out_fuzzy_matches(matched: bool, typed: &str) -> bool {
    matched && typed.trim().chars().nth(1).is_some()
}

/// The best `count` of `items` in the order of `order`, without sorting the others.
fn best<T>(mut items: Vec<T>, count: usize, order: impl Fn(&T, &T) -> Ordering) -> Vec<T> {
    if items.len() > count && count > 0 {
        items.select_nth_unstable_by(count - 1, &order);
        items.truncate(count);
    }
    items.sort_by(order);
    items
}

/// What a completion of a source id is asked for: the id typed so far, the quote typed after it, and the
/// bibliographies the note names.
struct SourceQuery<'a> {
    typed: &'a str,
    quote_after: Option<&'a str>,
    scope: &'a [u32],
}

fn complete_sources(
    catalog: &Catalog,
    index: &CompletionIndex,
    query: SourceQuery,
    replace: TextRange,
    documentation: Documentation,
) -> (Vec<CompletionItem>, bool) {
    /// Ranks articles that contain the quote above any fuzzy score.
    const CONTAINS_QUOTE: u32 = 1 << 30;
    let SourceQuery { typed, quote_after, scope } = query;
    let corpus = catalog.corpus();
    // Only what the note sees: not the entries of bibliographies other notes name.
    let visible = |citable: &u32| catalog.is_visible(*citable, scope);
    // The citables (by index) whose article contains the quote typed after the id.
    let mut containing: Vec<u32> = quote_after
        .map(|quote| {
            (corpus.find_quote(quote, 50).into_iter())
                .filter_map(|(source, _)| catalog.citable_of_article(corpus.source_index(&source.id)?))
                .filter(visible)
                .collect()
        })
        .unwrap_or_default();
    containing.sort_by(|&a, &b| catalog.citables()[a as usize].id.cmp(&catalog.citables()[b as usize].id));
    containing.dedup();
    // Ids and titles with a word that begins as typed, by the rank of their citable (by id).
    let (mut by_id, mut by_title) = (RankSet::new(index.sources_by_id.len()), RankSet::new(index.sources_by_id.len()));
    if !typed.trim().is_empty() {
        index.source_words.visit_starting_with(typed, |citable, name| {
            let rank = index.source_rank[citable as usize];
            if name == 0 { by_id.insert(rank) } else { by_title.insert(rank) }
        });
    }
    let by_word = !(by_id.is_empty() && by_title.is_empty());
    let ranked: Vec<u32> = if typed.trim().is_empty() {
        // Every citable matches: those with the quote first, then all by id.
        let others = index.sources_by_id.iter().copied().filter(|i| !containing.contains(i)).filter(visible);
        containing.iter().copied().chain(others).take(MAX_ITEMS + 1).collect()
    } else if by_word {
        // Those with the quote first (matched ids before matched titles); then matched ids, then matched titles,
        // each by id.
        let rank_of = |citable: u32| index.source_rank[citable as usize];
        let mut with_quote: Vec<(bool, u32)> = (containing.iter().copied())
            .filter(|&citable| by_id.contains(rank_of(citable)) || by_title.contains(rank_of(citable)))
            .map(|citable| (by_id.contains(rank_of(citable)), citable))
            .collect();
        with_quote.sort_by_key(|&(by_id, _)| !by_id);
        let ids = by_id.iter();
        let titles = by_title.iter().filter(|&rank| !by_id.contains(rank));
        let others = ids.chain(titles).map(|rank| index.sources_by_id[rank as usize]);
        let others = others.filter(|citable| !containing.contains(citable)).filter(visible);
        with_quote.into_iter().map(|(_, citable)| citable).chain(others).take(MAX_ITEMS + 1).collect()
    } else {
        let mut fuzzy = Fuzzy::new(typed);
        let citables = catalog.citables();
        let scored: Vec<(u32, u32)> = (index.sources_by_id.iter())
            .filter(|&i| visible(i))
            .filter_map(|&i| {
                let [id_shape, title_shape] = index.sources[i as usize];
                let by_id = fuzzy.score(&citables[i as usize].id, id_shape).map(|s| s + 1000);
                let by_title = fuzzy.score(&index.source_text[i as usize], title_shape);
                let bonus = if containing.contains(&i) { CONTAINS_QUOTE } else { 0 };
                Some((by_id.max(by_title)? + bonus, i))
            })
            .collect();
        let order = |a: &(u32, u32), b: &(u32, u32)| {
            b.0.cmp(&a.0).then_with(|| citables[a.1 as usize].id.cmp(&citables[b.1 as usize].id))
        };
        best(scored, MAX_ITEMS + 1, order).into_iter().map(|(_, citable)| citable).collect()
    };
    let items = ranked.into_iter().map(|citable| {
        let cited = catalog.resolve(citable);
        let reference = cited.reference();
        let title = reference.title.as_deref().unwrap_or("");
        let date = reference.issued.map(|date| date.iso());
        let mut detail = match (reference.authors_line(), date) {
            (Some(authors), Some(date)) => format!("{} ({date}) {}", shorten(&authors, 30), shorten(title, 60)),
            (None, Some(date)) => format!("{} ({date})", shorten(title, 60)),
            (Some(authors), None) => format!("{}: {}", shorten(&authors, 30), shorten(title, 60)),
            (None, None) => shorten(title, 60),
        };
        // The outlet, where the title does not already end with it.
        if let Some(outlet) = reference.container.as_deref().filter(|outlet| !title.ends_with(*outlet)) {
            detail = format!("{detail} · {}", shorten(outlet, 30));
        }
        CompletionItem {
            label: cited.id.to_string(),
            kind: CompletionKind::Source,
            detail: Some(detail),
            documentation: (documentation == Documentation::Inline).then(|| source_documentation(&cited)),
            replace,
            insert_text: write_id(cited.id),
            filter_text: cited.id.to_string(),
        }
    });
    (items.collect(), leaves_out_fuzzy_matches(by_word, typed))
}

fn complete_entities(
    corpus: &Corpus,
    index: &CompletionIndex,
    typed: &str,
    replace: TextRange,
    close: bool,
    documentation: Documentation,
) -> (Vec<CompletionItem>, bool) {
    let entities = corpus.entities();
    let mut fuzzy = Fuzzy::new(typed);
    // Entities with a name that has a word beginning as typed, by rank.
    let mut matched = RankSet::new(index.entities_by_rank.len());
    if !typed.trim().is_empty() {
        index
            .entity_words
            .visit_starting_with(typed, |entity, _| matched.insert(index.entity_rank_of[entity as usize]));
    }
    let by_word = !matched.is_empty();
    let ranked: Vec<(&str, &Entity)> = if typed.trim().is_empty() {
        (index.entities_by_rank.iter().take(MAX_ITEMS + 1))
            .filter_map(|&i| {
                let entity = entities.at(i as usize)?;
                Some((best_name(&mut fuzzy, entity, &index.entity_names[i as usize])?.1, entity))
            })
            .collect()
    } else if by_word {
        // The shortest of an entity's names that has such a word is the one matched.
        (matched.iter().take(MAX_ITEMS + 1))
            .filter_map(|rank| {
                let entity = entities.at(index.entities_by_rank[rank as usize] as usize)?;
                let name = entity.names().filter(|name| has_word_starting_with(name, typed)).min_by_key(|n| n.len())?;
                Some((name, entity))
            })
            .collect()
    } else {
        let scored: Vec<(u32, &str, &Entity)> = (entities.iter().zip(&index.entity_names))
            .filter_map(|(entity, shapes)| {
                let (score, name) = best_name(&mut fuzzy, entity, shapes)?;
                Some((score, name, entity))
            })
            .collect();
        let order = |a: &(u32, &str, &Entity), b: &(u32, &str, &Entity)| {
            entity_rank(a.0, a.2).cmp(&entity_rank(b.0, b.2)).then_with(|| a.2.name.cmp(&b.2.name))
        };
        best(scored, MAX_ITEMS + 1, order).into_iter().map(|(_, name, entity)| (name, entity)).collect()
    };
    let items = ranked.into_iter().map(|(matched, entity)| {
        let mentions = plural(entity.mentions.len(), "mention");
        let articles = plural(entity.article_count, "article");
        // Typing an alias in full ("JCS", "Putin") keeps it; anything else inserts the canonical name.
        let typed_alias = entity.aliases.iter().find(|alias| alias.eq_ignore_ascii_case(typed.trim()));
        let name = typed_alias.unwrap_or(&entity.name);
        CompletionItem {
            label: entity.name.clone(),
            kind: CompletionKind::Entity,
            detail: Some(format!("{} · {mentions} in {articles}", entity.kind.as_str())),
            documentation: (documentation == Documentation::Inline).then(|| entity_documentation(entity)),
            replace,
            insert_text: if close { format!("{name}]]") } else { name.clone() },
            filter_text: matched.to_string(),
        }
    });
    (items.collect(), leaves_out_fuzzy_matches(by_word, typed))
}

/// The documentation of a source or entity item, by its label; quotes carry theirs.
pub(super) fn documentation(catalog: &Catalog, kind: CompletionKind, label: &str) -> Option<String> {
    match kind {
        CompletionKind::Source => catalog.cited(label).map(|cited| source_documentation(&cited)),
        CompletionKind::Entity => catalog.corpus().entities().get(label).map(entity_documentation),
        CompletionKind::Quote => None,
    }
}

fn source_documentation(cited: &Cited) -> String {
    let reference = cited.reference();
    let mut documentation = reference.markdown(str::to_string);
    if let Some(date) = reference.issued {
        documentation += &format!("\n\n{}", date.iso());
    }
    match cited.source {
        Some(source) => {
            for line in source.opening_lines(3) {
                documentation += &format!("\n\n> {}", shorten(line, 300));
            }
        }
        None => documentation += "\n\nA bibliography entry without an article: its quotes cannot be checked.",
    }
    documentation
}

fn entity_documentation(entity: &Entity) -> String {
    let mut documentation = format!("**{}** ({})", entity.name, entity.kind.as_str());
    if let Some(description) = &entity.description {
        documentation += &format!(" \u{2014} {description}");
    }
    if !entity.aliases.is_empty() {
        documentation += &format!("\n\nAlso: {}", entity.aliases.join(", "));
    }
    documentation
}

/// The name of `entity` that matches best (the shortest of the best), with its score.
fn best_name<'e>(fuzzy: &mut Fuzzy, entity: &'e Entity, shapes: &[Shape]) -> Option<(u32, &'e str)> {
    (entity.names().zip(shapes))
        .filter_map(|(name, &shape)| fuzzy.score(name, shape).map(|score| (score, name)))
        .max_by_key(|&(score, name)| (score, Reverse(name.len())))
}

/// The most bytes of an article one quote completion reads (a few hundred microseconds): a large article is cut
/// short, and the list says it is incomplete.
const MAX_QUOTE_BYTES: usize = 64 * 1024;

/// The parts of `window` a quote completion reads one at a time: about 32 KB each, cut between words, each
/// reaching `overlap` bytes into the next so that words across the cut are found in one of them.
fn chunks(text: &str, window: TextRange, overlap: usize) -> impl Iterator<Item = TextRange> + '_ {
    const CHUNK: usize = 32 * 1024;
    let end = usize::from(window.end());
    let mut start = usize::from(window.start());
    std::iter::from_fn(move || {
        if start >= end {
            return None;
        }
        let stop = crate::text::chunk_end(text, start, CHUNK, end);
        let chunk = range(start, crate::text::chunk_end(text, stop, overlap, end));
        start = stop;
        Some(chunk)
    })
}

fn complete_quotes(
    catalog: &Catalog,
    scope: &[u32],
    id: &str,
    typed: &str,
    replace: TextRange,
    close: &str,
) -> (Vec<CompletionItem>, bool) {
    let Some(source) = catalog.cited_in(id, scope).and_then(|cited| cited.source) else {
        return (Vec::new(), false);
    };
    let finder = quotes::StartFinder::new(typed);
    let mut suggestions: Vec<(bool, TextSize, TextRange)> = Vec::new();
    let mut partial_list = false;
    if finder.is_empty() {
        // Nothing typed yet: the article's sentences from its start, page furniture aside.
        let sentences = source.sentences.iter().filter(|&&s| !source.is_furniture(s));
        suggestions.extend(sentences.take(MAX_ITEMS + 1).map(|&s| (true, s.start(), s)));
    } else {
        // In a large article, the words typed in full say which parts to read.
        let folded = quotes::fold_quote(typed);
        let whole = match typed.ends_with(char::is_whitespace) {
            true => folded.as_str(),
            false => folded.rsplit_once(' ').map_or("", |(whole, _)| whole),
        };
        let mut at_start = 0;
        let mut read = 0;
        'windows: for window in source.windows(&Tokens::of(whole), 4 * typed.len() + 1024) {
            for chunk in chunks(&source.text, window, 4 * typed.len() + 64) {
                // Enough matches at sentence starts: the rest would rank below them and be cut.
                if at_start > MAX_ITEMS {
                    break 'windows;
                }
                if read >= MAX_QUOTE_BYTES {
                    partial_list = true;
                    break 'windows;
                }
                read += usize::from(chunk.len());
                for found in finder.find_in(&quotes::Folded::new(&source.text, chunk)) {
                    let Some(sentence) = source.sentence_at(found.start()).filter(|s| found.end() <= s.end()) else {
                        continue;
                    };
                    let starts_sentence = found.start() == sentence.start();
                    at_start += usize::from(starts_sentence);
                    suggestions.push((starts_sentence, found.start(), sentence));
                }
            }
        }
        suggestions.sort_by_key(|&(_, start, _)| start);
        suggestions.dedup_by_key(|&mut (_, start, _)| start);
    }
    // Matches at the start of a sentence first, then in the order of the article; page furniture last.
    suggestions.sort_by_key(|&(at_start, start, sentence)| (source.is_furniture(sentence), !at_start, start));
    suggestions.truncate(MAX_ITEMS + 1);
    let items = suggestions
        .into_iter()
        .map(|(_, start, sentence)| {
            let words = quotable(&collapse_whitespace(&source.text[TextRange::new(start, sentence.end())]));
            let place = source.place(TextRange::empty(start));
            CompletionItem {
                label: shorten(&words, 80),
                kind: CompletionKind::Quote,
                detail: Some(format!("{id}, {place}")),
                documentation: Some(format!("> {}", collapse_whitespace(&source.text[sentence]))),
                replace,
                insert_text: format!("{words}{close}"),
                filter_text: words,
            }
        })
        .collect();
    (items, partial_list)
}

/// What of an article's words can be quoted as they stand: a sentence that opens with a quotation
/// (`"We will not be moved," said Ana Ruiz.`) gives the quoted words (`We will not be moved`); a sentence with a
/// quotation further on gives the words before it (a quotation mark inside the note's quotation would end it), when
/// there are three or more. The words are exact words of the article either way, so the quote passes the check.
fn quotable(words: &str) -> String {
    let is_double_mark = |c: char| matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}');
    let trim = |text: &str| text.trim().trim_end_matches([',', ';', ':', ' ']).trim_end().to_string();
    if let Some(first) = words.chars().next().filter(|&c| is_double_mark(c)) {
        let rest = &words[first.len_utf8()..];
        if let Some(end) = rest.find(is_double_mark) {
            let quoted = trim(&rest[..end]);
            if quoted.split_whitespace().count() >= 2 {
                return quoted;
            }
        }
    }
    match words.find(is_double_mark) {
        Some(at) if words[..at].split_whitespace().count() >= 3 => trim(&words[..at]),
        _ => words.to_string(),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

#[cfg(test)]
mod tests {
    use crate::analysis::test_support::from_fixture;

    /// Lists the completions at `$0`, one per line: `label | detail | insert_text`.
    fn completions(fixture: &str) -> String {
        let (analysis, note, parsed) = from_fixture(fixture);
        let Some(completions) = analysis.completions(&note, parsed.cursor_offset()) else {
            return "(no completion here)".to_string();
        };
        let mut lines: Vec<String> = completions
            .items
            .iter()
            .map(|item| {
                format!(
                    "{} | {} | {} <- {:?}",
                    item.label,
                    item.detail.as_deref().unwrap_or(""),
                    item.insert_text,
                    &note.text()[item.replace]
                )
            })
            .collect();
        if completions.is_incomplete {
            lines.push("(incomplete)".to_string());
        }
        lines.join("\n")
    }

    const SOURCES: &str = r#"
//- sources/harbour-strike.txt
---
title: Dockers walk out
date: 2024-03-04
---
Dock workers walked out on Monday, the Port Authority said.
"We will not be moved," said union leader Ana Ruiz.
Ruiz said the strike would last until Friday.
//- sources/harvest-report.txt
Grain harvest falls for a third year.
Farmers in the Lowlands blamed the drought, said Ana Ruiz.
"#;

    #[test]
    fn source_ids_after_bracket_at() {
        insta::assert_snapshot!(completions(&format!("{SOURCES}//- notes/n.md\nSee [@har$0")), @r#"
        harbour-strike | Dockers walk out (2024-03-04) | harbour-strike <- "har"
        harvest-report | Grain harvest falls for a third year. | harvest-report <- "har"
        (incomplete)
        "#);
    }

    #[test]
    fn words_that_begin_as_typed_come_before_fuzzy_matches() {
        // A word of a title begins with "dock": only that article; fuzzy matches are left for the next request.
        insta::assert_snapshot!(completions(&format!("{SOURCES}//- notes/n.md\nSee [@dock$0")), @r#"
        harbour-strike | Dockers walk out (2024-03-04) | harbour-strike <- "dock"
        (incomplete)
        "#);
        // One letter matches fuzzily only where it begins a word: the list is whole.
        insta::assert_snapshot!(completions(&format!("{SOURCES}//- notes/n.md\nSee [@g$0")), @r#"
        harvest-report | Grain harvest falls for a third year. | harvest-report <- "g"
        (incomplete)
        "#);
    }

    #[test]
    fn ids_are_found_by_author_outlet_and_year() {
        let sources = "//- sources/strike.txt\n---\ntitle: Dockers walk out\nauthor: Jane Doe\noutlet: The Coastal Courier\ndate: 2024-03-04\n---\nDock workers walked out.\n//- sources/harvest.txt\n---\ntitle: Grain harvest falls\ndate: 2023-09-01\n---\nFarmers blamed the drought.\n";
        insta::assert_snapshot!(completions(&format!("{sources}//- notes/n.md\nSee [@doe$0")), @r#"
        strike | Jane Doe (2024-03-04) Dockers walk out · The Coastal Courier | strike <- "doe"
        (incomplete)
        "#);
        insta::assert_snapshot!(completions(&format!("{sources}//- notes/n.md\nSee [@coastal$0")), @r#"
        strike | Jane Doe (2024-03-04) Dockers walk out · The Coastal Courier | strike <- "coastal"
        (incomplete)
        "#);
        insta::assert_snapshot!(completions(&format!("{sources}//- notes/n.md\nSee [@2023$0")), @r#"
        harvest | Grain harvest falls (2023-09-01) | harvest <- "2023"
        (incomplete)
        "#);
    }

    #[test]
    fn bibliography_entries_complete_like_articles_under_their_keys() {
        let library = "//- refs.json\n[{\"id\": \"lind2024\", \"title\": \"Harbour strike\", \"author\": [{\"family\": \"Lind\", \"given\": \"Tomas\"}], \"issued\": {\"date-parts\": [[2024, 3]]}, \"file\": \"sources/harbour-strike.txt\"}, {\"id\": \"okafor2021\", \"title\": \"Ports in transition\", \"author\": [{\"family\": \"Okafor\", \"given\": \"Ada\"}]}]\n";
        // The article tied to `lind2024` is offered under that key only; the entry without an article by its author.
        insta::assert_snapshot!(completions(&format!("{SOURCES}{library}//- notes/n.md\nSee [@$0")), @r#"
        harvest-report | Grain harvest falls for a third year. | harvest-report <- ""
        lind2024 | Tomas Lind (2024-03) Harbour strike | lind2024 <- ""
        okafor2021 | Ada Okafor: Ports in transition | okafor2021 <- ""
        "#);
        insta::assert_snapshot!(completions(&format!("{SOURCES}{library}//- notes/n.md\nSee [@okaf$0")), @r#"
        okafor2021 | Ada Okafor: Ports in transition | okafor2021 <- "okaf"
        (incomplete)
        "#);
        // Quotes complete from the article the key is tied to.
        insta::assert_snapshot!(completions(&format!("{SOURCES}{library}//- notes/n.md\nSee [@lind2024, \"Ruiz s$0")), @r#"
        Ruiz said the strike would last until Friday. | lind2024, line 7 | Ruiz said the strike would last until Friday."] <- "Ruiz s"
        (incomplete)
        "#);
    }

    #[test]
    fn source_ids_after_semicolon_rank_fuzzy_matches() {
        insta::assert_snapshot!(completions(&format!("{SOURCES}//- notes/n.md\nSee [@harbour-strike; @hvr$0]")), @r#"
        harvest-report | Grain harvest falls for a third year. | harvest-report <- "hvr"
        (incomplete)
        "#);
    }

    #[test]
    fn articles_that_contain_the_quote_after_the_id_come_first() {
        insta::assert_snapshot!(completions(&format!("{SOURCES}//- notes/n.md\nSee [@$0, \"said Ana Ruiz\"]")), @r#"
        harvest-report | Grain harvest falls for a third year. | harvest-report <- ""
        harbour-strike | Dockers walk out (2024-03-04) | harbour-strike <- ""
        "#);
    }

    #[test]
    fn entity_names_match_aliases_and_close_the_brackets() {
        insta::assert_snapshot!(completions(&format!("{SOURCES}//- notes/n.md\nThen [[Rui$0")), @r#"
        Ana Ruiz | person · 3 mentions in 2 articles | Ana Ruiz]] <- "Rui"
        (incomplete)
        "#);
        insta::assert_snapshot!(completions(&format!("{SOURCES}//- notes/n.md\nThen [[port$0]] here")), @r#"
        Port Authority | organisation · 1 mention in 1 article | Port Authority <- "port"
        (incomplete)
        "#);
    }

    #[test]
    fn entities_rank_by_match_then_mentions_with_page_furniture_last() {
        let articles = r#"
//- sources/a.txt
Home - Port News - Valmont Daily
The Pacific Dockers Alliance (PDA) said Valmont port was shut.
Valmont officials met the PDA in Valmont on Monday.
Follow Valmont Harbour Radio
//- sources/b.txt
Officials in Valmont said the PDA would meet again.
"#;
        insta::assert_snapshot!(completions(&format!("{articles}//- notes/n.md\n[[Val$0")), @r#"
        Valmont | other · 4 mentions in 2 articles | Valmont]] <- "Val"
        Valmont Daily | other · 1 mention in 1 article | Valmont Daily]] <- "Val"
        Valmont Harbour Radio | other · 1 mention in 1 article | Valmont Harbour Radio]] <- "Val"
        (incomplete)
        "#);
        // An alias typed in full stays as typed; a prefix inserts the canonical name.
        insta::assert_snapshot!(completions(&format!("{articles}//- notes/n.md\n[[pda$0")), @r#"
        Pacific Dockers Alliance | organisation · 4 mentions in 2 articles | PDA]] <- "pda"
        (incomplete)
        "#);
        insta::assert_snapshot!(completions(&format!("{articles}//- notes/n.md\n[[Pac$0")), @r#"
        Pacific Dockers Alliance | organisation · 4 mentions in 2 articles | Pacific Dockers Alliance]] <- "Pac"
        (incomplete)
        "#);
    }

    #[test]
    fn sentences_inside_a_quote_close_the_quote() {
        insta::assert_snapshot!(completions(&format!("{SOURCES}//- notes/n.md\n[@harbour-strike, \"$0")), @r#"
        Dock workers walked out on Monday, the Port Authority said. | harbour-strike, line 5 | Dock workers walked out on Monday, the Port Authority said."] <- ""
        We will not be moved | harbour-strike, line 6 | We will not be moved"] <- ""
        Ruiz said the strike would last until Friday. | harbour-strike, line 7 | Ruiz said the strike would last until Friday."] <- ""
        "#);
        insta::assert_snapshot!(completions(&format!("{SOURCES}//- notes/n.md\n[@harbour-strike, “the str$0”]")), @r#"
        the strike would last until Friday. | harbour-strike, line 7 | the strike would last until Friday. <- "the str"
        (incomplete)
        "#);
    }

    #[test]
    fn an_id_is_completed_where_the_parser_reads_one() {
        let ids = |note: &str| {
            let listed = completions(&format!("{SOURCES}//- notes/n.md\n{note}"));
            listed.lines().filter_map(|line| line.split(" | ").next()).collect::<Vec<_>>().join(", ")
        };
        // In brackets, in the text, with the author suppressed, in braces, in a block quote and in a list.
        for note in ["[see @harb$0]", "As @harb$0 says", "[-@harb$0]", "@{harb$0}", "> quoted [@harb$0", "- [@harb$0"] {
            assert_eq!(ids(note), "harbour-strike, (incomplete)", "{note}");
        }
        // Not in an e-mail address, nor after a character no id may hold, nor in a link's destination.
        for note in ["write to ana@harb$0", "[@harbour(s$0", "[text](http://x.org/@harb$0)"] {
            assert_eq!(ids(note), "(no completion here)", "{note}");
        }
    }

    #[test]
    fn a_blank_line_ends_the_context_whatever_the_line_ends() {
        // The quotation left open in the paragraph before is not the one being typed: the name is.
        let note = "[@harbour-strike, \"Dock workers\r\n\r\n[[Rui$0";
        insta::assert_snapshot!(completions(&format!("{SOURCES}//- notes/n.md\n{note}")), @r#"
        Ana Ruiz | person · 3 mentions in 2 articles | Ana Ruiz]] <- "Rui"
        (incomplete)
        "#);
    }

    #[test]
    fn page_furniture_is_not_offered_as_a_quote() {
        let page = "//- sources/page.txt\nHome | World | Sport\nDock workers walked out on Monday, the union said.\nFollow us on\n";
        // The navigation bar and the "Follow us" line are sentences of the article, and its furniture.
        let (analysis, _, _) = crate::analysis::test_support::from_fixture(&format!("{page}//- n.md\n"));
        let source = analysis.corpus().source("page").unwrap();
        let furniture: Vec<&str> =
            source.sentences.iter().filter(|s| source.is_furniture(**s)).map(|s| &source.text[*s]).collect();
        assert_eq!(furniture, ["Home | World | Sport", "Follow us on"]);
        insta::assert_snapshot!(completions(&format!("{page}//- notes/n.md\n[@page, \"$0")), @r#"Dock workers walked out on Monday, the union said. | page, line 2 | Dock workers walked out on Monday, the union said."] <- """#);
    }

    #[test]
    fn a_quote_offers_words_that_can_be_quoted_as_they_stand() {
        // The article's own quotation, without its marks and its attribution.
        assert_eq!(super::quotable("\"We will not be moved,\" said Ana Ruiz."), "We will not be moved");
        assert_eq!(super::quotable("“Through various sources,” the JCS said."), "Through various sources");
        // The words before a quotation further on: its mark would end the note's quotation.
        assert_eq!(super::quotable("The group is a \"rival\" for power, the White House said."), "The group is a");
        // Too few words before it: the sentence as it is.
        assert_eq!(super::quotable("A \"rival\" power."), "A \"rival\" power.");
        assert_eq!(super::quotable("Dock workers walked out."), "Dock workers walked out.");
    }

    #[test]
    fn nothing_in_code_or_plain_text() {
        insta::assert_snapshot!(completions(&format!("{SOURCES}//- notes/n.md\n`[@har$0`")), @"(no completion here)");
        insta::assert_snapshot!(completions(&format!("{SOURCES}//- notes/n.md\nplain text$0")), @"(no completion here)");
    }
}
