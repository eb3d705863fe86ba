//! Validates every citation and mention of a note against the corpus. A diagnostic is data: a stable code,
//! one message (the editor and `marginalia check` show the same words), a range, and the fixes that apply.

mod memo;
mod pages;

pub(super) use memo::CheckMemo;

use super::Note;
use crate::bibliography::{Catalog, Cited};
use crate::corpus::quotes::{self, NearMiss};
use crate::corpus::{Entity, Source, collapse_whitespace, shorten};
use crate::markup::{Citation, CitationKind, CiteItem, EntityMention, NoteSyntax, Quote, write_id, written_id_range};
use crate::text::PositionEncoding;
use crate::text::{TextRange, TextSize};

/// One problem in a note.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Where the problem is.
    pub range: TextRange,
    /// What kind of problem, with its stable code; it decides how serious the problem is ([`Diagnostic::severity`]).
    pub kind: DiagnosticKind,
    /// What is wrong and, when known, the closest fix, in one sentence.
    pub message: String,
    /// Edits that fix it, best first.
    pub fixes: Vec<Fix>,
}

/// The kinds of problems, each with a stable code used by editors, `check --format json` and the docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DiagnosticKind {
    /// A citation names no article of the corpus.
    UnknownSource,
    /// An `@id` alone in running text names no article: it may be a citation or a handle (`@newsdesk`).
    UnknownInTextSource,
    /// A quote is not in the article it cites.
    QuoteNotFound,
    /// A `[[mention]]` names no entity of the corpus.
    UnknownEntity,
    /// Markup that cannot be understood.
    MalformedCitation,
    /// A quotation in the prose whose words are in an article that is not cited for it.
    UncitedQuote,
    /// A `[[mention]]` in a paragraph whose cited articles never name the entity.
    EntityNotInCitedSource,
    /// A remark in a citation whose words are in the cited article: perhaps a quote without its marks.
    UnquotedWords,
    /// A citation that could not be checked (a quote too complex to search, or an internal failure): an error,
    /// because a check never passes what it did not check.
    Unchecked,
    /// A quote of a bibliography entry that has no article: there is nothing to check it against.
    QuoteWithoutArticle,
    /// A bibliography the note's front matter names that cannot be read, or has entries that cannot.
    Bibliography,
    /// A page locator (`p. 4`) that is not the page of a PDF the quoted words are on.
    WrongPage,
    /// An article no note cites (reported only when the configuration asks for it), at its first line.
    UnusedSource,
}

impl DiagnosticKind {
    /// Every kind, in the order of the diagnostics table of `docs/markup.md` (the rules of a SARIF report).
    pub const ALL: [DiagnosticKind; 13] = [
        DiagnosticKind::UnknownSource,
        DiagnosticKind::UnknownInTextSource,
        DiagnosticKind::QuoteNotFound,
        DiagnosticKind::UnknownEntity,
        DiagnosticKind::EntityNotInCitedSource,
        DiagnosticKind::WrongPage,
        DiagnosticKind::UncitedQuote,
        DiagnosticKind::UnquotedWords,
        DiagnosticKind::MalformedCitation,
        DiagnosticKind::QuoteWithoutArticle,
        DiagnosticKind::Bibliography,
        DiagnosticKind::UnusedSource,
        DiagnosticKind::Unchecked,
    ];

    /// What a problem of this kind is, in one sentence, for reports that describe their rules (SARIF).
    pub fn summary(self) -> &'static str {
        match self {
            DiagnosticKind::UnknownSource => "A citation names no article and no bibliography entry.",
            DiagnosticKind::UnknownInTextSource => {
                "An @id in running text names no article: a citation with a wrong id, or a handle to escape as \\@id."
            }
            DiagnosticKind::QuoteNotFound => "The quoted words are not in the article the citation names.",
            DiagnosticKind::UnknownEntity => "A [[mention]] names no person, organisation or place of the articles.",
            DiagnosticKind::EntityNotInCitedSource => {
                "A [[mention]] in a paragraph whose cited articles never name the entity."
            }
            DiagnosticKind::WrongPage => "A page locator names no page of the PDF that the quoted words are on.",
            DiagnosticKind::UncitedQuote => "A quotation in the prose whose words are in an article it does not cite.",
            DiagnosticKind::UnquotedWords => {
                "A remark in a citation whose words are in the cited article: perhaps a quote without its marks."
            }
            DiagnosticKind::MalformedCitation => {
                "Markup meant as a citation that Pandoc would read as text, or that could not be checked."
            }
            DiagnosticKind::QuoteWithoutArticle => {
                "A quote of a bibliography entry that has no article: there is nothing to check it against."
            }
            DiagnosticKind::Bibliography => "A bibliography the note names cannot be read, or has entries that cannot.",
            DiagnosticKind::UnusedSource => "An article no note cites.",
            DiagnosticKind::Unchecked => {
                "A citation that could not be checked; an error, because a check never passes what it did not check."
            }
        }
    }

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            DiagnosticKind::UnknownSource => "unknown-source",
            DiagnosticKind::UnknownInTextSource => "unknown-in-text-source",
            DiagnosticKind::QuoteNotFound => "quote-not-found",
            DiagnosticKind::UnknownEntity => "unknown-entity",
            DiagnosticKind::MalformedCitation => "malformed-citation",
            DiagnosticKind::UncitedQuote => "uncited-quote",
            DiagnosticKind::EntityNotInCitedSource => "entity-not-in-cited-source",
            DiagnosticKind::Unchecked => "unchecked",
            DiagnosticKind::UnquotedWords => "unquoted-words",
            DiagnosticKind::QuoteWithoutArticle => "quote-without-article",
            DiagnosticKind::Bibliography => "bibliography",
            DiagnosticKind::UnusedSource => "unused-source",
            DiagnosticKind::WrongPage => "wrong-page",
        }
    }
}

impl DiagnosticKind {
    /// How serious a problem of this kind is: the kind alone decides.
    pub fn severity(self) -> Severity {
        match self {
            DiagnosticKind::UnknownSource
            | DiagnosticKind::QuoteNotFound
            | DiagnosticKind::MalformedCitation
            | DiagnosticKind::Unchecked
            | DiagnosticKind::Bibliography => Severity::Error,
            DiagnosticKind::UnknownInTextSource
            | DiagnosticKind::UnknownEntity
            | DiagnosticKind::EntityNotInCitedSource
            | DiagnosticKind::WrongPage => Severity::Warning,
            DiagnosticKind::QuoteWithoutArticle => Severity::Information,
            DiagnosticKind::UncitedQuote | DiagnosticKind::UnquotedWords | DiagnosticKind::UnusedSource => {
                Severity::Hint
            }
        }
    }
}

impl Diagnostic {
    /// How serious it is, as its kind says.
    pub fn severity(&self) -> Severity {
        self.kind.severity()
    }
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The note says something the sources do not support: `check` fails.
    Error,
    /// Probably a mistake, but the note may be right: `check` passes.
    Warning,
    /// Something the writer should know, such as what was not checked and why: `check` passes.
    Information,
    /// A suggestion: nothing is wrong.
    Hint,
}

impl Severity {
    /// The lowercase word used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "info",
            Severity::Hint => "hint",
        }
    }
}

/// A set of edits that fixes a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, as a command: "Change to `harbour-strike`".
    pub label: String,
    /// The edits, in the note, that do it; they never overlap.
    pub edits: Vec<TextEdit>,
}

impl Fix {
    /// A fix that replaces one range of the note.
    pub fn replace(label: String, range: TextRange, new_text: &str) -> Fix {
        Fix { label, edits: vec![TextEdit { range, new_text: new_text.to_string() }] }
    }

    /// `text` with this fix applied.
    pub fn apply(&self, text: &str) -> String {
        let mut edits: Vec<&TextEdit> = self.edits.iter().collect();
        edits.sort_by_key(|edit| std::cmp::Reverse(edit.range.start()));
        let mut fixed = text.to_string();
        for edit in edits {
            fixed.replace_range(std::ops::Range::<usize>::from(edit.range), &edit.new_text);
        }
        fixed
    }
}

/// Replace `range` of the note by `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    /// The range to replace.
    pub range: TextRange,
    /// The replacement.
    pub new_text: String,
}

/// What checks need besides the note: the corpus and bibliographies, and their prepared names, which give the
/// names closest to a misspelt one at a cost that does not grow with the corpus.
pub(super) struct Context<'a> {
    pub(super) catalog: &'a Catalog,
    pub(super) names: &'a super::Names,
}

/// Every problem in `note`, or `None` as soon as `cancelled` says that the answer is no longer wanted; it is
/// asked between citations, so a large note stops within milliseconds.
pub(super) fn diagnostics(
    context: &Context,
    note: &Note,
    memo: &CheckMemo,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<Diagnostic>> {
    use rayon::prelude::*;
    let corpus = context.catalog.corpus();
    let syntax = note.syntax();
    let mut budget = super::syntax_fixes::Budget::default();
    let mut found: Vec<Diagnostic> = syntax
        .errors
        .iter()
        .map(|error| Diagnostic {
            range: error.range,
            kind: DiagnosticKind::MalformedCitation,
            message: error.kind.message().to_string(),
            fixes: super::syntax_fixes::fixes(note.text(), error, &mut budget),
        })
        .collect();
    let items: Vec<(&CiteItem, bool)> = syntax
        .citations
        .iter()
        .flat_map(|citation| citation.items.iter().map(move |item| (item, is_bare_in_text(citation, item))))
        .collect();
    // Quote checks with near misses take milliseconds each: a note of a thousand citations is checked on all cores.
    let scope = context.catalog.scope(note.path(), note.bibliographies());
    let checked: Option<Vec<Vec<Diagnostic>>> = items
        .par_iter()
        .with_min_len(64)
        .map(|&(item, bare)| (!cancelled()).then(|| memo.check(context, &scope, note.text(), item, bare)))
        .collect();
    found.extend(checked?.into_iter().flatten());
    // Entity mentions and quotations without a citation are checked against the entities and the passage index:
    // until the corpus is complete (a server shows citations first), they are left for the check that follows.
    let complete = corpus.is_complete();
    let mentions = if complete { &syntax.mentions[..] } else { &[] };
    let plain_quotes = if complete { &syntax.plain_quotes[..] } else { &[] };
    let cited = cited_by_block(context.catalog, &scope, syntax);
    // Mentions are checked on all cores too: a name no article has costs a search for the closest ones.
    let mentions: Option<Vec<Option<Diagnostic>>> = mentions
        .par_iter()
        .with_min_len(64)
        .map(|mention| {
            if cancelled() {
                return None;
            }
            let Some(entity) = corpus.entities().get(&mention.name) else {
                return Some(Some(memo.unknown_entity(context, mention)));
            };
            let cited = syntax.block_of(mention.range).and_then(|block| cited.get(block));
            let cited = cited.map_or(&[][..], Vec::as_slice);
            Some(entity_not_in_cited_source(context.catalog, entity, mention, cited))
        })
        .collect();
    found.extend(mentions?.into_iter().flatten());
    for (n, quote) in plain_quotes.iter().enumerate() {
        if n % 64 == 0 && cancelled() {
            return None;
        }
        found.extend(uncited_quote(context.catalog, quote));
    }
    if let Some(path) = note.path() {
        found.extend(named_bibliographies(context.catalog, note.text(), path));
    }
    found.sort_by_key(|d| (d.range.start(), d.range.end()));
    for diagnostic in &mut found {
        diagnostic.fixes = distinct(std::mem::take(&mut diagnostic.fixes));
    }
    Some(found)
}

/// `fixes` without the ones that would write what an earlier one writes, or say what it says: a writer is never
/// offered two choices that are one.
fn distinct(fixes: Vec<Fix>) -> Vec<Fix> {
    let mut kept: Vec<Fix> = Vec::with_capacity(fixes.len());
    for fix in fixes {
        if !kept.iter().any(|k| k.edits == fix.edits || k.label == fix.label) {
            kept.push(fix);
        }
    }
    kept
}

/// The bibliographies the note's front matter names that cannot be read, or that have entries that cannot, at
/// the name in the front matter. One that was not looked for yet (the note has just named it) is left to the
/// program, which reads it and checks again.
fn named_bibliographies(catalog: &Catalog, text: &str, path: &std::path::Path) -> Vec<Diagnostic> {
    use crate::bibliography::library::{front_matter_bibliographies, named_file};
    let mut found = Vec::new();
    for (written, range) in front_matter_bibliographies(text) {
        let Some(file) = named_file(catalog.library(), path, &written) else {
            continue;
        };
        let Some(first) = file.errors.first() else {
            continue;
        };
        let message = if !file.found {
            format!("cannot read the bibliography `{written}`: {}", first.message)
        } else {
            let at = file.lines.line_col(&file.text, first.range.start(), PositionEncoding::Utf32);
            let count = match file.errors.len() {
                1 => "a problem".to_string(),
                n => format!("{n} problems"),
            };
            format!(
                "the bibliography `{written}` has {count}; the first, at line {}, column {}: {} (the other entries \
                 are read)",
                at.line + 1,
                at.col + 1,
                first.message
            )
        };
        found.push(Diagnostic { range, kind: DiagnosticKind::Bibliography, message, fixes: Vec::new() });
    }
    found
}

/// Whether `item` is an `@id` alone in running text, with no bracket after it: it may be meant as a citation or
/// be a handle (`@newsdesk`), so an unknown one is a warning, not an error.
fn is_bare_in_text(citation: &Citation, item: &CiteItem) -> bool {
    citation.kind == CitationKind::InText && citation.items.len() == 1 && item.range == citation.range
}

/// For each block of the note, the known articles its citations cite.
fn cited_by_block(catalog: &Catalog, scope: &[u32], syntax: &NoteSyntax) -> Vec<Vec<u32>> {
    let mut cited = vec![Vec::new(); syntax.blocks.len()];
    for citation in &syntax.citations {
        let Some(sources) = syntax.block_of(citation.range).and_then(|block| cited.get_mut(block)) else {
            continue;
        };
        for index in citation.items.iter().filter_map(|item| catalog.article_index(&item.id, scope)) {
            if !sources.contains(&index) {
                sources.push(index);
            }
        }
    }
    cited
}

fn unknown_entity(context: &Context, mention: &EntityMention) -> Diagnostic {
    let closest = context.names.closest_entity_names(&mention.name, 3);
    let message = match closest.as_slice() {
        [] => format!("unknown entity `{}`: no article names it", mention.name),
        [name] => format!("unknown entity `{}`; did you mean `{name}`?", mention.name),
        [first, others @ ..] => {
            let others: Vec<String> = others.iter().map(|n| format!("`{n}`")).collect();
            format!("unknown entity `{}`; did you mean `{first}` (or {})?", mention.name, others.join(", "))
        }
    };
    Diagnostic {
        range: mention.name_range,
        kind: DiagnosticKind::UnknownEntity,
        message,
        fixes: closest
            .iter()
            .map(|name| Fix::replace(format!("Change to `{name}`"), mention.name_range, name))
            .collect(),
    }
}

/// The articles that name `entity`, with how often, the most mentions first.
pub(super) fn articles_naming(entity: &Entity) -> Vec<(u32, usize)> {
    let mut counts: Vec<(u32, usize)> = Vec::new();
    for mention in &entity.mentions {
        match counts.last_mut() {
            Some((source, count)) if *source == mention.source => *count += 1,
            _ => counts.push((mention.source, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
}

/// A mention in a block that cites articles, none of which names the entity under any of its names.
fn entity_not_in_cited_source(
    catalog: &Catalog,
    entity: &Entity,
    mention: &EntityMention,
    cited: &[u32],
) -> Option<Diagnostic> {
    if cited.is_empty() || entity.mentions.is_empty() {
        return None;
    }
    // Mentions are sorted by article, so each cited article is a binary search.
    let named_in = |source: u32| {
        let first = entity.mentions.partition_point(|m| m.source < source);
        entity.mentions.get(first).is_some_and(|m| m.source == source)
    };
    if cited.iter().any(|&source| named_in(source)) {
        return None;
    }
    let id = |source: u32| catalog.offered_id(source);
    let cited_ids: Vec<String> = cited.iter().map(|&s| format!("`{}`", id(s))).collect();
    let naming = articles_naming(entity);
    let named: Vec<String> = naming.iter().take(3).map(|&(s, n)| format!("`{}` ({n})", id(s))).collect();
    let more = if naming.len() > 3 { format!(" and {} more", naming.len() - 3) } else { String::new() };
    let message = format!(
        "`{}` is not named in the cited {} {}; it is in {}{more}",
        mention.name,
        if cited.len() == 1 { "article" } else { "articles" },
        cited_ids.join(", "),
        named.join(", ")
    );
    let fixes = naming
        .iter()
        .take(3)
        .map(|&(source, count)| {
            let id = id(source);
            let label = format!("Cite [@{id}] ({count} {})", if count == 1 { "mention" } else { "mentions" });
            Fix::replace(label, TextRange::empty(mention.range.end()), &format!(" [@{}]", write_id(id)))
        })
        .collect();
    Some(Diagnostic { range: mention.name_range, kind: DiagnosticKind::EntityNotInCitedSource, message, fixes })
}

/// The fewest words a prose quotation needs before marginalia looks for its source.
const MIN_UNCITED_QUOTE_WORDS: usize = 5;

fn uncited_quote(catalog: &Catalog, quote: &Quote) -> Option<Diagnostic> {
    if quote.text.split_whitespace().count() < MIN_UNCITED_QUOTE_WORDS {
        return None;
    }
    let found = catalog.corpus().find_quote(&quote.text, 3);
    let (source, _) = found.first()?;
    let words = collapse_whitespace(&quote.text);
    let others: Vec<String> = found[1..].iter().map(|(s, _)| format!("`{}`", catalog.offered_id_of(s))).collect();
    let mut message = format!("these words are in `{}`; cite it", catalog.offered_id_of(source));
    if !others.is_empty() {
        message += &format!(" (also in {})", others.join(", "));
    }
    let fixes = found
        .iter()
        .map(|(source, _)| {
            let id = catalog.offered_id_of(source);
            let citation = format!(" [@{}, \"{words}\"]", write_id(id));
            Fix::replace(
                format!("Cite [@{id}, \"{}\"]", crate::corpus::shorten(&words, 40)),
                TextRange::empty(quote.range.end()),
                &citation,
            )
        })
        .collect();
    Some(Diagnostic { range: quote.text_range, kind: DiagnosticKind::UncitedQuote, message, fixes })
}

fn check_item(context: &Context, scope: &[u32], text: &str, item: &CiteItem, bare: bool) -> Vec<Diagnostic> {
    let Some(cited) = context.catalog.cited_in(&item.id, scope) else {
        return vec![unknown_source(context, scope, text, item, bare)];
    };
    let Some(source) = cited.source else {
        return item.quotes.iter().map(|quote| quote_without_article(&cited, quote)).collect();
    };
    let mut found: Vec<Diagnostic> =
        item.quotes.iter().filter_map(|quote| check_quote(context.catalog, text, source, item, quote)).collect();
    found.extend(unquoted_words(text, source, item));
    found
}

/// The entries of a bibliography file that cannot be read, each an error at its place in the file; a file that
/// cannot be read at all is one error at its start.
pub fn bibliography_file_diagnostics(file: &crate::bibliography::BibFile) -> Vec<Diagnostic> {
    (file.errors.iter())
        .map(|error| Diagnostic {
            range: error.range,
            kind: DiagnosticKind::Bibliography,
            message: match file.found {
                true => error.message.clone(),
                false => format!("cannot read this bibliography: {}", error.message),
            },
            fixes: Vec::new(),
        })
        .collect()
}

/// A quote of an entry without an article: said, never passed as if it were checked.
fn quote_without_article(cited: &Cited, quote: &Quote) -> Diagnostic {
    let file = cited.entry_file.and_then(|path| path.file_name()).map(|name| name.to_string_lossy());
    Diagnostic {
        range: quote.range,
        kind: DiagnosticKind::QuoteWithoutArticle,
        message: format!(
            "not checked: `{}` is an entry of `{}` without an article, so there is nothing to check this quote \
             against (add the article to the sources, or give the entry a `file` field)",
            cited.id,
            file.unwrap_or_default()
        ),
        fixes: Vec::new(),
    }
}

/// The fewest words a remark needs before marginalia asks whether it is a quote without its marks.
const MIN_UNQUOTED_WORDS: usize = 2;

/// A remark of a citation without quotations (`[@id, fair targets]`: the suffix after any locator) whose words
/// are in the cited article: a hint that it may be a quote without its marks, with a fix that adds them.
fn unquoted_words(text: &str, source: &Source, item: &CiteItem) -> Option<Diagnostic> {
    if !item.quotes.is_empty() {
        return None;
    }
    let suffix = item.suffix?;
    let start = item.locator.as_ref().map_or(suffix.start(), |locator| locator.whole.end());
    let remark = &text[TextRange::new(start, suffix.end())];
    let lead = remark.len() - remark.trim_start_matches([',', ' ', '\t', '\n', '\r']).len();
    let words = remark[lead..].trim_end();
    let is_plain =
        |c: char| c.is_alphanumeric() || c.is_whitespace() || matches!(c, '\'' | '\u{2019}' | '-' | ',' | '.');
    if words.len() > 300 || words.split_whitespace().count() < MIN_UNQUOTED_WORDS || !words.chars().all(is_plain) {
        return None;
    }
    let pattern = quotes::QuotePattern::new(words)?;
    if !source.find(&pattern, 1).is_ok_and(|found| !found.is_empty()) {
        return None;
    }
    let marks = QuoteMarks { open: "\"", close: "\"" };
    let words_range = TextRange::at(start + TextSize::from(lead as u32), TextSize::from(words.len() as u32));
    let fixes = if marks.would_pass(source, words) {
        vec![Fix {
            label: "Quote these words".to_string(),
            edits: vec![
                TextEdit { range: TextRange::empty(words_range.start()), new_text: "\"".to_string() },
                TextEdit { range: TextRange::empty(words_range.end()), new_text: "\"".to_string() },
            ],
        }]
    } else {
        Vec::new()
    };
    Some(Diagnostic {
        range: words_range,
        kind: DiagnosticKind::UnquotedWords,
        message: format!("these words are in `{}`: quote them?", source.id),
        fixes,
    })
}

fn unknown_source(context: &Context, scope: &[u32], text: &str, item: &CiteItem, bare: bool) -> Diagnostic {
    // An entry of a bibliography this note does not name: Pandoc would not find it either.
    if let Some(file) = context.catalog.unseen_files(&item.id, scope).first() {
        let name = file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
        return Diagnostic {
            range: item.id_range,
            kind: DiagnosticKind::UnknownSource,
            message: format!(
                "unknown source `{}` here: it is an entry of `{name}`, which this note does not name in its \
                 `bibliography` (another note does)",
                item.id
            ),
            fixes: Vec::new(),
        };
    }
    let closest = context.names.closest_source_id(&item.id, |id| context.catalog.index_in(id, scope).is_some());
    let mut fixes: Vec<Fix> = closest
        .map(|id| Fix::replace(format!("Change to `{id}`"), written_id_range(text, item.id_range), &write_id(id)))
        .into_iter()
        .collect();
    let mut message = match closest {
        Some(id) => format!("unknown source `{}`; did you mean `{id}`?", item.id),
        None if context.catalog.library().files().is_empty() => {
            format!("unknown source `{}`: no article has this id", item.id)
        }
        None => format!("unknown source `{}`: no article or bibliography entry has this id", item.id),
    };
    if bare {
        // `@name` in running text is a citation for Pandoc; `\@name` is not.
        message += " (an `@` in running text cites; write `\\@` if this is not a citation)";
        let at = TextRange::at(item.range.start(), TextSize::from(1));
        fixes.push(Fix::replace("Escape the `@`: not a citation".to_string(), at, "\\@"));
    }
    Diagnostic {
        range: item.id_range,
        kind: if bare { DiagnosticKind::UnknownInTextSource } else { DiagnosticKind::UnknownSource },
        message,
        fixes,
    }
}

fn check_quote(catalog: &Catalog, text: &str, source: &Source, item: &CiteItem, quote: &Quote) -> Option<Diagnostic> {
    let Some(pattern) = quotes::QuotePattern::new(&quote.text) else {
        // `""` is reported by the parser; a quote of spaces, elisions or insertions has nothing to check either.
        return (!quote.text.is_empty()).then(|| Diagnostic {
            range: quote.range,
            kind: DiagnosticKind::MalformedCitation,
            message: "this quote has no words to check: write the exact words between the quotation marks".to_string(),
            fixes: Vec::new(),
        });
    };
    let places = if pages::checks_pages(source, item) { pages::MAX_PLACES } else { 1 };
    match source.find(&pattern, places) {
        Ok(found) if !found.is_empty() => pages::wrong_page(text, source, item, &found),
        Ok(_) => Some(quote_not_found(catalog, text, source, item, quote)),
        Err(quotes::TooComplex) => Some(unchecked(
            quote.text_range,
            "this quote could not be checked: its elisions and insertions allow too many readings; \
             quote a longer run of exact words",
        )),
    }
}

/// A citation that could not be checked, reported as an error: a check never passes what it did not check.
fn unchecked(range: TextRange, message: &str) -> Diagnostic {
    Diagnostic { range, kind: DiagnosticKind::Unchecked, message: message.to_string(), fixes: Vec::new() }
}

/// Two near misses this close in similarity are both named: the note may mean either.
const AMBIGUITY: f64 = 0.02;

/// The quotation marks a quote is written with, so that a fix can be tried as it will read.
struct QuoteMarks<'a> {
    open: &'a str,
    close: &'a str,
}

impl<'a> QuoteMarks<'a> {
    fn of(text: &'a str, quote: &Quote) -> QuoteMarks<'a> {
        QuoteMarks {
            open: &text[TextRange::new(quote.range.start(), quote.text_range.start())],
            close: &text[TextRange::new(quote.text_range.end(), quote.range.end())],
        }
    }

    /// Whether `words`, written between these marks in place of the quote, would be read back as exactly these
    /// words and found in `source`: a fix is offered only when it passes the check that offers it.
    fn would_pass(&self, source: &Source, words: &str) -> bool {
        let citation = format!("[@x, {}{words}{}]", self.open, self.close);
        let syntax = crate::markup::parse(&citation);
        let read_back = syntax.citations.first().and_then(|c| c.items.first()).and_then(|item| item.quotes.first());
        syntax.errors.is_empty()
            && read_back.is_some_and(|quote| quote.text == words)
            && quotes::QuotePattern::new(words)
                .is_some_and(|pattern| source.find(&pattern, 1).is_ok_and(|f| !f.is_empty()))
    }
}

fn quote_not_found(catalog: &Catalog, text: &str, source: &Source, item: &CiteItem, quote: &Quote) -> Diagnostic {
    let corpus = catalog.corpus();
    let marks = QuoteMarks::of(text, quote);
    let misses = source.closest_passages(&quote.text, 3);
    let best = misses.first();
    let candidates: Vec<&NearMiss> =
        misses.iter().filter(|m| best.is_some_and(|b| b.similarity - m.similarity <= AMBIGUITY)).collect();
    let passage = |miss: &NearMiss| collapse_whitespace(&source.text[miss.range]);
    let mut message = format!("quote not found in `{}`", item.id);
    match candidates.as_slice() {
        [] => message += ", nor anything close to it",
        [miss] => {
            let differences = quotes::differences(&quote.text, &passage(miss));
            if (1..=3).contains(&differences.len()) {
                let explained: Vec<String> = differences.iter().map(ToString::to_string).collect();
                message += &format!(": {}", explained.join(", "));
            }
            message += &format!(
                "; closest passage ({:.0}% similar): \u{201C}{}\u{201D}",
                (miss.similarity * 100.0).floor(),
                shorten(&passage(miss), 160)
            );
        }
        several => {
            let named: Vec<String> = several
                .iter()
                .map(|miss| format!("\u{201C}{}\u{201D} ({})", shorten(&passage(miss), 80), source.place(miss.range)))
                .collect();
            message += &format!(
                "; {} passages are equally close ({:.0}% similar): {}",
                several.len(),
                (several[0].similarity * 100.0).floor(),
                named.join(", ")
            );
        }
    }
    let elsewhere: Vec<&Source> = corpus
        .find_quote(&quote.text, 4)
        .into_iter()
        .map(|(other, _)| other)
        .filter(|other| other.id != source.id)
        .take(3)
        .collect();
    if let Some(other) = elsewhere.first() {
        message += &format!("; the exact words are in `{}`", catalog.offered_id_of(other));
    }
    let mut fixes: Vec<Fix> = elsewhere
        .iter()
        .map(|other| {
            let id = catalog.offered_id_of(other);
            Fix::replace(format!("Cite [@{id}] instead"), written_id_range(text, item.id_range), &write_id(id))
        })
        .collect();
    let mut offered: Vec<String> = Vec::new();
    for miss in &candidates {
        let words = passage(miss);
        if offered.contains(&words) || !marks.would_pass(source, &words) {
            continue;
        }
        let label = format!("Replace with \u{201C}{}\u{201D}", shorten(&words, 60));
        fixes.push(Fix::replace(label, quote.text_range, &words));
        offered.push(words);
    }
    Diagnostic { range: quote.text_range, kind: DiagnosticKind::QuoteNotFound, message, fixes }
}

#[cfg(test)]
mod tests;
