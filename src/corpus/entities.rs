//! Entity extraction: people, organisations and places named in the articles, found without any list of names.
//!
//! Two passes. [`extract`] runs once per article: it finds runs of capitalised words, splits titles
//! ("Foreign Secretary") and honorifics ("Mr") from the names they precede, notes acronyms written after
//! an expansion ("Joint Chiefs of Staff (JCS)") and counts how each word is capitalised.
//! [`build_index`] (in `cluster`) runs over the whole corpus: it uses those counts to drop words that are capitalised only
//! because they start a sentence, and clusters the names ("Kirby", "Mr Kirby" and "John Kirby" are one entity).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::{Deserialize, Serialize};

use super::Source;
use crate::text::{TextRange, range};
use words::{
    CONNECTORS, EXCLUDED, FUNCTION_WORDS, HYPHEN_ADJECTIVES, MOVEMENT_WORDS, NAME_ABBREVIATIONS, NAME_PARTICLES,
    ORG_SUFFIXES, ORG_WORDS, PLACE_PREPOSITIONS, PLACE_SUFFIXES, PLACE_WORDS, STOPWORDS, TITLE_HEADS, TITLE_MODIFIERS,
};

/// What one article contributes to the entity index.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct ArticleCandidates {
    spans: Vec<Span>,
    /// Titles and acronyms of the spans that have them, in span order.
    extras: Vec<SpanExtra>,
}

/// How every word of the corpus is written: the evidence that tells names from capitalised ordinary words.
/// Words are keyed by a 64-bit hash of their lowercase form, so the statistics of a large corpus stay small.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct WordStats(HashMap<u64, WordCount>);

impl WordStats {
    /// Adds one article's counts.
    fn add(&mut self, counts: HashMap<u64, WordCount>) {
        for (word, count) in counts {
            let entry = self.0.entry(word).or_default();
            entry.lower += count.lower;
            entry.capitalised_inside += count.capitalised_inside;
        }
    }

    /// Merges two sets of statistics.
    pub(crate) fn merge(self, other: WordStats) -> WordStats {
        let (mut larger, smaller) = if self.0.len() >= other.0.len() { (self, other) } else { (other, self) };
        larger.add(smaller.0);
        larger
    }

    /// The counts of one article whose text is `text`, with `sentences`: exactly what [`extract`] counted.
    pub(crate) fn of_article(text: &str, sentences: &[TextRange]) -> WordStats {
        let mut counts = HashMap::default();
        let mut tokens = Vec::new();
        for &sentence in sentences {
            tokenize_into(text, sentence, &mut tokens);
            count_words(text, &tokens, &mut counts);
        }
        WordStats(counts)
    }

    /// Removes the counts of an article that leaves the corpus.
    pub(crate) fn subtract(&mut self, text: &str, sentences: &[TextRange]) {
        for (word, count) in WordStats::of_article(text, sentences).0 {
            if let Some(entry) = self.0.get_mut(&word) {
                entry.lower = entry.lower.saturating_sub(count.lower);
                entry.capitalised_inside = entry.capitalised_inside.saturating_sub(count.capitalised_inside);
            }
        }
    }

    /// Every word's counts, by word hash: for tests that compare two corpora's statistics.
    #[cfg(test)]
    pub(crate) fn sorted(&self) -> Vec<(u64, u32, u32)> {
        let mut counts: Vec<_> = self.0.iter().map(|(&w, c)| (w, c.lower, c.capitalised_inside)).collect();
        counts.sort_unstable();
        counts
    }

    /// The counts of `word`, in any case.
    fn get(&self, word: &str) -> WordCount {
        self.0.get(&word_hash(word)).copied().unwrap_or_default()
    }
}

/// A 64-bit FNV-1a hash of the lowercase form of `word`, without allocating.
fn word_hash(word: &str) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    if word.is_ascii() {
        for byte in word.bytes() {
            hash = (hash ^ u64::from(byte.to_ascii_lowercase())).wrapping_mul(PRIME);
        }
        return hash;
    }
    for c in word.chars().flat_map(char::to_lowercase) {
        hash = (hash ^ u64::from(u32::from(c))).wrapping_mul(PRIME);
    }
    hash
}

/// How one word is written: in lowercase, or capitalised away from a sentence start.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub(crate) struct WordCount {
    lower: u32,
    capitalised_inside: u32,
}

/// A run of capitalised words that may name an entity, in 12 bytes: a corpus holds hundreds per article.
///
/// The words of a span are separated only by spaces, so its tokens are `text[range].split_whitespace()`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
struct Span {
    range: TextRange,
    flags: u8,
}

impl Span {
    /// The first word starts a sentence (or a quotation), so its capital proves nothing.
    const UNCERTAIN_START: u8 = 1;
    /// Preceded by a preposition of place, or followed by ", Country".
    const PLACE_CONTEXT: u8 = 2;
    /// Written right before a title ("Labour" in "Labour Minister Tomas Vidal"): a name only if seen as one elsewhere.
    const BEFORE_TITLE: u8 = 4;
    /// A title or honorific precedes the name: it names a person.
    const TITLED: u8 = 8;
    /// The next word is in lowercase ("Farmers blamed"): a lone capitalised word at a sentence start is then
    /// most likely an ordinary word.
    const NEXT_LOWERCASE: u8 = 16;
    /// Outside the article's prose: navigation bars, metadata, publisher notes.
    const FURNITURE: u8 = 32;
    /// In a title-case headline ("Wedding Pics - Sealed With A Kiss"), where capitals prove nothing.
    const TITLE_CASE: u8 = 64;

    fn has(self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// What a few spans have besides their words.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
struct SpanExtra {
    /// The index of the span in `ArticleCandidates::spans`.
    span: u32,
    /// An honorific written right before a one-word name ("Mr" in "Mr Kirby"): the pair is an alias.
    title: Option<TextRange>,
    /// An acronym written in parentheses right after the name.
    acronym: Option<TextRange>,
}

/// The type guessed for an entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EntityKind {
    /// A person.
    Person,
    /// A government, agency, company, armed force, party, publication…
    Organisation,
    /// A country, city, region, sea…
    Place,
    /// Named events and anything not classified.
    Other,
}

impl EntityKind {
    /// The lowercase word used in messages and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organisation => "organisation",
            EntityKind::Place => "place",
            EntityKind::Other => "other",
        }
    }

    /// Reads the configuration spelling; accepts a few common synonyms.
    pub fn parse(word: &str) -> Option<EntityKind> {
        match word.to_ascii_lowercase().as_str() {
            "person" | "people" | "per" => Some(EntityKind::Person),
            "organisation" | "organization" | "org" => Some(EntityKind::Organisation),
            "place" | "location" | "loc" | "gpe" => Some(EntityKind::Place),
            "other" | "event" | "misc" => Some(EntityKind::Other),
            _ => None,
        }
    }
}

/// One place where an entity is named in an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityOccurrence {
    /// The index of the article in the corpus.
    pub source: u32,
    /// The range of the name in the article.
    pub range: TextRange,
}

/// An entity of the corpus: a canonical name, the other names it goes by, and where it is mentioned.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entity {
    /// The name completion inserts and hover shows.
    pub name: String,
    /// The guessed (or configured) type.
    pub kind: EntityKind,
    /// Other names it is written as ("Kirby", "Mr Kirby", "JCS").
    pub aliases: Vec<String>,
    /// Adjectives derived from it ("Russian" for Russia); mentioned, but not names of it.
    pub demonyms: Vec<String>,
    /// Its mentions, in corpus order.
    pub mentions: Vec<EntityOccurrence>,
    /// The number of distinct articles that mention it.
    pub article_count: usize,
    /// Who or what it is, as an article says it ("White House national security spokesman").
    pub description: Option<String>,
    /// Named only in page furniture (navigation bars, publisher notes): offered last.
    pub boilerplate: bool,
}

impl Entity {
    /// The canonical name, then the aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// Entities configured by the user, applied after extraction; they always win.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityOverrides {
    /// Entities to add, or to merge with every extracted entity that has one of their names.
    pub entities: Vec<ConfiguredEntity>,
    /// Names whose entities are hidden.
    pub hide: Vec<String>,
}

/// One `[[entity]]` table of `marginalia.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfiguredEntity {
    /// The canonical name.
    pub name: String,
    /// The type, when given.
    pub kind: Option<EntityKind>,
    /// Other names; extracted entities with any of them are merged into this one.
    pub aliases: Vec<String>,
}

/// All entities of the corpus, with lookup by any of their names.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct EntityIndex {
    entities: Vec<Entity>,
    by_key: HashMap<String, usize>,
}

impl EntityIndex {
    /// The entity with this name, alias or demonym (case and full stops do not matter).
    pub fn get(&self, name: &str) -> Option<&Entity> {
        self.by_key.get(&key(name)).map(|&i| &self.entities[i])
    }

    /// Every entity, most mentioned first, those named only in page furniture last.
    pub fn iter(&self) -> impl Iterator<Item = &Entity> {
        self.entities.iter()
    }

    /// The entity at `index` in the order of [`EntityIndex::iter`].
    pub fn at(&self, index: usize) -> Option<&Entity> {
        self.entities.get(index)
    }

    /// The number of entities.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Whether there are no entities.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }
}

/// Lookup key: lowercase, without full stops, whitespace collapsed.
pub fn key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    key_into(name, &mut out);
    out
}

/// Writes the lookup [`key`] of `name` into `out`, replacing what it held.
fn key_into(name: &str, out: &mut String) {
    out.clear();
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars().filter(|&c| c != '.') {
            match c {
                '\u{2019}' => out.push('\''),
                _ if c.is_ascii() => out.push(c.to_ascii_lowercase()),
                _ => out.extend(c.to_lowercase()),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Pass 1: one article.

#[derive(Clone, Copy, Debug)]
struct Token {
    range: TextRange,
    /// Only spaces or tabs separate it from the previous token.
    joined: bool,
    /// The token is a word (else a punctuation mark).
    word: bool,
    /// A possessive `'s` followed the word and was cut off.
    possessive: bool,
    /// A scraper glued the word to the previous one ("Karnataka" in "KhanKarnataka"): it starts new text.
    glued: bool,
}

/// Finds the candidate names of one article, whose page furniture ([`furniture`], in text order) is `furniture`,
/// and counts how each of its words is written (what [`WordStats::of_article`] counts, in the same pass).
pub(crate) fn extract(text: &str, sentences: &[TextRange], furniture: &[TextRange]) -> (ArticleCandidates, WordStats) {
    let mut candidates = ArticleCandidates::default();
    // Distinct words grow slower than the text: sized for a news article, grown as needed for a book.
    let capacity = (text.len() / 12).min(16 * 1024);
    let mut counts: HashMap<u64, WordCount> = HashMap::with_capacity_and_hasher(capacity, Default::default());
    let mut tokens = Vec::new();
    for &sentence in sentences {
        tokenize_into(text, sentence, &mut tokens);
        count_words(text, &tokens, &mut counts);
        let first_span = candidates.spans.len();
        find_spans(text, &tokens, &mut candidates);
        for span in &mut candidates.spans[first_span..] {
            let at = span.range.start();
            let before = furniture.partition_point(|f| f.start() <= at);
            if before > 0 && furniture[before - 1].contains(at) {
                span.flags |= Span::FURNITURE;
            }
        }
    }
    candidates.spans.shrink_to_fit();
    (candidates, WordStats(counts))
}

/// The character that starts at byte `at` of `s` (a character boundary), read without decoding ASCII.
fn char_at(s: &str, at: usize) -> Option<char> {
    let byte = *s.as_bytes().get(at)?;
    if byte.is_ascii() { Some(char::from(byte)) } else { s[at..].chars().next() }
}

/// Splits a sentence into words and punctuation marks, reusing the buffer of the previous sentence.
fn tokenize_into(text: &str, sentence: TextRange, tokens: &mut Vec<Token>) {
    let base = usize::from(sentence.start());
    let s = &text[sentence];
    let split_glued = boilerplate::splits_glued_words(s);
    tokens.clear();
    let mut i = 0;
    let mut joined = true;
    while let Some(c) = char_at(s, i) {
        if c == ' ' || c == '\t' {
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            joined = false;
            i += c.len_utf8();
            continue;
        }
        let at = i;
        let was_joined = joined && tokens.last().is_none_or(|t: &Token| usize::from(t.range.end()) < base + at);
        if !c.is_alphanumeric() {
            tokens.push(Token {
                range: range(base + at, base + at + c.len_utf8()),
                joined: was_joined,
                word: false,
                possessive: false,
                glued: false,
            });
            joined = true;
            i += c.len_utf8();
            continue;
        }
        let mut j = i + c.len_utf8();
        let mut chars_taken = 1;
        while let Some(c) = char_at(s, j) {
            let next = char_at(s, j + c.len_utf8());
            let apostrophe = matches!(c, '\'' | '\u{2019}');
            // "O'Brien" and "Russia's" hold together; "India'PM", text glued by a scraper, does not.
            let short_prefix = chars_taken <= 2;
            let inner_joiner = match c {
                // "US-led" and "Moscow-based" are a name and an adjective.
                '-' => next.is_some_and(char::is_alphanumeric) && !adjective_suffix(&s[j + 1..]),
                '.' | '&' => next.is_some_and(char::is_alphanumeric),
                _ if apostrophe => next.is_some_and(|n| n.is_lowercase() || (short_prefix && n.is_uppercase())),
                _ => false,
            };
            if c.is_alphanumeric() || inner_joiner {
                j += c.len_utf8();
                chars_taken += 1;
            } else {
                break;
            }
        }
        let mut end = j;
        let word = &s[at..end];
        // "U.S." keeps its final full stop, and so do "St." and "Mr." before a name.
        let stop_then_name = || s[end..].starts_with(". ") && s[end + 2..].starts_with(char::is_uppercase);
        if s.as_bytes().get(j) == Some(&b'.')
            && (is_dotted_acronym(word) || (NAME_ABBREVIATIONS.contains(word) && stop_then_name()))
        {
            end += 1;
        }
        let mut possessive = false;
        let word = &s[at..end];
        for suffix in ["'s", "\u{2019}s"] {
            if word.len() > suffix.len() + 1 && word.ends_with(suffix) {
                end -= suffix.len();
                possessive = true;
            }
        }
        let mut piece_start = at;
        let mut junctions = 0;
        if split_glued {
            for junction in boilerplate::glued_junctions(&s[at..end]).map(|k| at + k) {
                tokens.push(Token {
                    range: range(base + piece_start, base + junction),
                    joined: was_joined && junctions == 0,
                    word: true,
                    possessive: false,
                    glued: junctions > 0,
                });
                piece_start = junction;
                junctions += 1;
            }
        }
        tokens.push(Token {
            range: range(base + piece_start, base + end),
            joined: was_joined && junctions == 0,
            word: true,
            possessive,
            glued: junctions > 0,
        });
        joined = true;
        i = j;
        if s.as_bytes().get(i) == Some(&b'.') && s[at..end].ends_with('.') {
            i += 1;
        }
    }
}

/// A lowercase adjective after a hyphen: "led" in "US-led", "based" in "Moscow-based".
fn adjective_suffix(rest: &str) -> bool {
    let suffix: &str = rest.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    suffix.chars().all(char::is_lowercase)
        && suffix.len() >= 3
        && (suffix.ends_with("ed") || HYPHEN_ADJECTIVES.contains(suffix))
}

/// "U.S", "N.K": two initials or more, joined by full stops.
fn is_dotted_acronym(word: &str) -> bool {
    word.contains('.') && super::sentences::is_initials(word)
}

fn count_words(text: &str, tokens: &[Token], counts: &mut HashMap<u64, WordCount>) {
    for (index, token) in tokens.iter().enumerate() {
        if !token.word {
            continue;
        }
        let word = &text[token.range];
        let Some(first) = word.chars().next() else {
            continue;
        };
        if !first.is_alphabetic() {
            continue;
        }
        let entry = counts.entry(word_hash(word)).or_default();
        if first.is_lowercase() {
            entry.lower += 1;
        } else if !starts_clause(text, tokens, index) {
            entry.capitalised_inside += 1;
        }
    }
}

/// Whether the token at `index` is the first word of a sentence or of a quotation or heading.
fn starts_clause(text: &str, tokens: &[Token], index: usize) -> bool {
    if tokens[index].glued {
        return true;
    }
    let previous_words = tokens[..index].iter().rev();
    for token in previous_words {
        if token.word {
            return false;
        }
        let mark = &text[token.range];
        if matches!(mark, "\"" | "\u{201C}" | "\u{2018}" | "'" | ":" | "(" | "-" | "\u{2013}" | "\u{2014}" | "|") {
            return true;
        }
    }
    true
}

fn is_capitalised(word: &str) -> bool {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) if c.is_uppercase() => true,
        // "comScore", "eBay": a brand's inner capital.
        Some(c) if c.is_lowercase() && word.chars().skip(1).any(char::is_uppercase) && word.is_ascii() => {
            !word.contains('-')
        }
        // "al-Assad", "bin-Salman": a lowercase particle joined to a capitalised name.
        Some(c) if c.is_lowercase() => word
            .split_once('-')
            .is_some_and(|(particle, rest)| NAME_PARTICLES.contains(particle) && rest.starts_with(char::is_uppercase)),
        _ => false,
    }
}

fn is_all_caps(word: &str) -> bool {
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    letters.clone().nth(1).is_some() && letters.all(char::is_uppercase)
}

fn find_spans(text: &str, tokens: &[Token], spans: &mut ArticleCandidates) {
    let word = |i: usize| -> Option<&str> { tokens.get(i).filter(|t| t.word).map(|t| &text[t.range]) };
    let name_word = |i: usize| word(i).is_some_and(|w| is_capitalised(w) && !is_excluded(w));
    let function_word = |i: usize| word(i).is_some_and(|w| FUNCTION_WORDS.contains(w));
    let title_case = title_case_tokens(text, tokens);
    let mut i = 0;
    while i < tokens.len() {
        if !name_word(i) {
            i += 1;
            continue;
        }
        // "10:58 AM IST" is a time.
        let after_number =
            i > 0 && tokens[i - 1].word && text[tokens[i - 1].range].starts_with(|c: char| c.is_ascii_digit());
        if after_number
            && matches!(word(i).map(|w| w.trim_end_matches('.').to_ascii_lowercase()).as_deref(), Some("am" | "pm"))
        {
            i += 1;
            while name_word(i) && tokens[i].joined {
                i += 1;
            }
            continue;
        }
        // "Bhatt's Wedding" … "And Alia Bhatt": a capitalised function word after a word does not start a name.
        if function_word(i) && i > 0 && tokens[i - 1].word {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        while !tokens[end - 1].possessive {
            let continues = |j: usize| tokens.get(j).is_some_and(|t| t.joined) && name_word(j) && !function_word(j);
            if continues(end) {
                end += 1;
                continue;
            }
            let connector = word(end).filter(|w| is_connector(w) && tokens[end].joined);
            // "Ursula von der Leyen": up to three connectors between two capitalised words.
            let connectors =
                (end..end + 3).take_while(|&j| word(j).is_some_and(is_connector) && tokens[j].joined).count();
            if connectors > 0 && continues(end + connectors) {
                end += connectors + 1;
                continue;
            }
            if connector == Some("of") && word(end + 1) == Some("the") && continues(end + 2) {
                end += 3;
                continue;
            }
            break;
        }
        let first_span = spans.spans.len();
        split_run(text, tokens, start, end, spans);
        if title_case.as_ref().is_some_and(|flags| flags[start]) {
            for span in &mut spans.spans[first_span..] {
                span.flags |= Span::TITLE_CASE;
            }
        }
        i = end;
    }
}

/// For each token, whether it is in a title-case stretch: text between punctuation marks where a function word
/// is capitalised after a capitalised word ("Ranbir Kapoor And Alia Bhatt's Wedding Pics").
fn title_case_tokens(text: &str, tokens: &[Token]) -> Option<Vec<bool>> {
    let capitalised_word = |i: usize| tokens[i].word && text[tokens[i].range].starts_with(char::is_uppercase);
    let capitalised_function_word = |i: usize| {
        i > 0 && capitalised_word(i) && capitalised_word(i - 1) && FUNCTION_WORDS.contains(&text[tokens[i].range])
    };
    if !(1..tokens.len()).any(capitalised_function_word) {
        return None;
    }
    let mut flags = vec![false; tokens.len()];
    let mut start = 0;
    for end in 0..=tokens.len() {
        let boundary =
            tokens.get(end).is_none_or(|t| t.glued || (!t.word && !matches!(&text[t.range], "'" | "," | "&")));
        if !boundary {
            continue;
        }
        if (start + 1..end).any(capitalised_function_word) {
            flags[start..end].fill(true);
        }
        start = end + 1;
    }
    Some(flags)
}

/// Splits a run of capitalised words into a title and a name, and records the candidates.
fn split_run(text: &str, tokens: &[Token], start: usize, end: usize, spans: &mut ArticleCandidates) {
    let word = |i: usize| &text[tokens[i].range];
    let run_start = start;
    let mut start = start;
    let mut uncertain_start = starts_clause(text, tokens, start);
    while start < end && uncertain_start && is_stopword(word(start)) {
        start += 1;
        uncertain_start = false;
    }
    if start >= end {
        return;
    }
    // "Union leader Ana Ruiz", "Party chairman Li Wei": one word opening the sentence before a title in lowercase
    // says whom the person speaks for; it is not a name of its own.
    let before_lowercase_title = end < tokens.len()
        && tokens[end].joined
        && tokens[end].word
        && word(end).starts_with(char::is_lowercase)
        && is_title_head(word(end));
    if uncertain_start && end - start == 1 && before_lowercase_title {
        return;
    }
    // "By Ilse Brandt" opening a line: a byline names a person.
    let before_run = text[..usize::from(tokens[run_start].range.start())].trim_end_matches([' ', '\t']);
    let byline = start == run_start + 1
        && word(run_start) == "By"
        && (2..=3).contains(&(end - start))
        && (before_run.is_empty() || before_run.ends_with('\n'));
    // The last title head with a name after it splits the run.
    let head = (start..end).rev().find(|&i| is_title_head(word(i)) && (i + 1 >= end || !is_all_caps(word(i + 1))));
    let (name_start, title, prefix_end) = match head {
        Some(h) => {
            let mut title_start = h;
            while title_start > start
                && (is_title_head(word(title_start - 1)) || is_title_modifier(word(title_start - 1)))
            {
                title_start -= 1;
            }
            // "Mr Kirby" and "President Putin" are names of their own; "Minister Tomas Vidal" is not.
            let title = (title_start == h && end - h == 2).then(|| tokens[h].range);
            (h + 1, title, title_start)
        }
        None => (start, None, start),
    };
    if prefix_end > start {
        push_span(text, tokens, start, prefix_end, None, uncertain_start, spans);
        if let Some(span) = spans.spans.last_mut() {
            span.flags |= Span::BEFORE_TITLE;
        }
    }
    if name_start < end {
        let uncertain = uncertain_start && name_start == start;
        push_span(text, tokens, name_start, end, title, uncertain, spans);
        // "spokesman John Kirby", "president Infantino": a title in lowercase before the name.
        let lowercase_title = start > 0
            && tokens[start].joined
            && tokens[start - 1].word
            && text[tokens[start - 1].range].starts_with(char::is_lowercase)
            && is_title_head(&text[tokens[start - 1].range]);
        if (head.is_some() || lowercase_title || byline)
            && let Some(span) = spans.spans.last_mut()
        {
            span.flags |= Span::TITLED;
        }
    }
}

fn push_span(
    text: &str,
    tokens: &[Token],
    start: usize,
    end: usize,
    title: Option<TextRange>,
    uncertain_start: bool,
    spans: &mut ArticleCandidates,
) {
    let word = |i: usize| tokens.get(i).filter(|t| t.word).map(|t| &text[t.range]);
    let mark = |i: usize| tokens.get(i).filter(|t| !t.word).map(|t| &text[t.range]);
    // Connectors never end a name.
    let mut end = end;
    while end > start && word(end - 1).is_some_and(|w| is_connector(w) || w == "the") {
        end -= 1;
    }
    if end <= start {
        return;
    }
    // "Last Updated: 24 Oct" is a label.
    if mark(end) == Some(":") && word(end + 1).is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit())) {
        return;
    }
    let acronym = (mark(end) == Some("(") && mark(end + 2) == Some(")"))
        .then(|| word(end + 1).filter(|w| is_all_caps(w)).map(|_| tokens[end + 1].range))
        .flatten();
    let before = start.checked_sub(1).and_then(word);
    // "visit to Pyongyang", "troops sent to Kursk": "to" after a word of movement.
    let moved_to = before.is_some_and(|w| w.eq_ignore_ascii_case("to"))
        && start.checked_sub(2).and_then(word).is_some_and(|w| MOVEMENT_WORDS.contains(w));
    let place_context = moved_to
        || before.is_some_and(|w| PLACE_PREPOSITIONS.contains(w))
        || (mark(end) == Some(",")
            && word(end + 1).is_some_and(is_capitalised)
            && tokens.get(end + 2).is_none_or(|t| !t.word));
    let next_lowercase = word(end).is_some_and(|w| w.starts_with(char::is_lowercase));
    let flags = [
        (uncertain_start, Span::UNCERTAIN_START),
        (place_context, Span::PLACE_CONTEXT),
        (next_lowercase, Span::NEXT_LOWERCASE),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .fold(0, |flags, (_, flag)| flags | flag);
    if title.is_some() || acronym.is_some() {
        spans.extras.push(SpanExtra { span: spans.spans.len() as u32, title, acronym });
    }
    spans.spans.push(Span { range: tokens[start].range.cover(tokens[end - 1].range), flags });
}

fn is_stopword(word: &str) -> bool {
    STOPWORDS.contains(word)
}

/// A connector inside a name, as written: "of" in "Joint Chiefs of Staff" (a capitalised "Of" is a name word).
fn is_connector(word: &str) -> bool {
    word.starts_with(char::is_lowercase) && CONNECTORS.contains(word)
}

/// Words that are capitalised but never part of a name: pronouns, weekdays, months.
fn is_excluded(word: &str) -> bool {
    EXCLUDED.contains(word)
}

fn is_title_head(word: &str) -> bool {
    TITLE_HEADS.contains(word.trim_end_matches('.'))
}

fn is_title_modifier(word: &str) -> bool {
    TITLE_MODIFIERS.contains(word)
}

mod boilerplate;
mod cluster;
mod words;

pub(super) use boilerplate::furniture;
pub(crate) use cluster::build_index;

#[cfg(test)]
mod tests;
