//! Entity extraction: people, organisations and places named in the articles, found without any list of names.
//!
//! Two passes. [`extract`] runs once per article: it finds runs of capitalised words, splits titles
//! ("Foreign Secretary") and honorifics ("Mr") from the names they precede, notes acronyms written after
//! an expansion ("Joint Chiefs of Staff (JCS)") and counts how each word is capitalised.
//! [`build_index`] runs over the whole corpus: it uses those counts to drop words that are capitalised only
//! because they start a sentence, and clusters the names ("Kirby", "Mr Kirby" and "John Kirby" are one entity).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::Source;
use crate::text::{TextRange, range};
use words::{
    CONNECTORS, EXCLUDED, FUNCTION_WORDS, HYPHEN_ADJECTIVES, MOVEMENT_WORDS, NAME_ABBREVIATIONS, NAME_PARTICLES,
    ORG_SUFFIXES, ORG_WORDS, PLACE_PREPOSITIONS, PLACE_SUFFIXES, PLACE_WORDS, STOPWORDS, TITLE_HEADS, TITLE_MODIFIERS,
};

/// What one article contributes to the entity index.
#[derive(Debug, Default)]
pub(crate) struct ArticleCandidates {
    spans: Vec<Span>,
    /// Titles and acronyms of the spans that have them, in span order.
    extras: Vec<SpanExtra>,
    /// For each lowercased word: how often it was written in lowercase, and capitalised away from a sentence start.
    /// The corpus moves these into its [`WordStats`] when it takes the article in, so they are held once.
    word_counts: Vec<(u64, WordCount)>,
}

impl ArticleCandidates {
    /// Takes the word counts out, leaving none.
    pub(crate) fn take_word_counts(&mut self) -> Vec<(u64, WordCount)> {
        std::mem::take(&mut self.word_counts)
    }
}

/// How every word of the corpus is written: the evidence that tells names from capitalised ordinary words.
/// Words are keyed by a 64-bit hash of their lowercase form, so the statistics of a large corpus stay small.
#[derive(Clone, Debug, Default)]
pub(crate) struct WordStats(HashMap<u64, WordCount>);

impl WordStats {
    /// Adds one article's counts.
    pub(crate) fn add(&mut self, counts: Vec<(u64, WordCount)>) {
        for (word, count) in counts {
            let entry = self.0.entry(word).or_default();
            entry.lower += count.lower;
            entry.capitalised_inside += count.capitalised_inside;
        }
    }

    /// Merges two sets of statistics.
    pub(crate) fn merge(self, other: WordStats) -> WordStats {
        let (mut larger, smaller) = if self.0.len() >= other.0.len() { (self, other) } else { (other, self) };
        larger.add(smaller.0.into_iter().collect());
        larger
    }

    /// Removes the counts of an article that leaves the corpus.
    pub(crate) fn subtract(&mut self, text: &str, sentences: &[TextRange]) {
        let mut counts = HashMap::default();
        for &sentence in sentences {
            count_words(text, &tokenize(text, sentence), &mut counts);
        }
        for (word, count) in counts {
            if let Some(entry) = self.0.get_mut(&word) {
                entry.lower = entry.lower.saturating_sub(count.lower);
                entry.capitalised_inside = entry.capitalised_inside.saturating_sub(count.capitalised_inside);
            }
        }
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
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct WordCount {
    lower: u32,
    capitalised_inside: u32,
}

/// A run of capitalised words that may name an entity, in 12 bytes: a corpus holds hundreds per article.
///
/// The words of a span are separated only by spaces, so its tokens are `text[range].split_whitespace()`.
#[derive(Clone, Copy, Debug)]
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
#[derive(Clone, Copy, Debug)]
struct SpanExtra {
    /// The index of the span in `ArticleCandidates::spans`.
    span: u32,
    /// An honorific written right before a one-word name ("Mr" in "Mr Kirby"): the pair is an alias.
    title: Option<TextRange>,
    /// An acronym written in parentheses right after the name.
    acronym: Option<TextRange>,
}

/// The type guessed for an entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntityOccurrence {
    /// The index of the article in the corpus.
    pub source: u32,
    /// The range of the name in the article.
    pub range: TextRange,
}

/// An entity of the corpus: a canonical name, the other names it goes by, and where it is mentioned.
#[derive(Clone, Debug)]
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntityOverrides {
    /// Entities to add, or to merge with every extracted entity that has one of their names.
    pub entities: Vec<ConfiguredEntity>,
    /// Names whose entities are hidden.
    pub hide: Vec<String>,
}

/// One `[[entity]]` table of `marginalia.toml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfiguredEntity {
    /// The canonical name.
    pub name: String,
    /// The type, when given.
    pub kind: Option<EntityKind>,
    /// Other names; extracted entities with any of them are merged into this one.
    pub aliases: Vec<String>,
}

/// All entities of the corpus, with lookup by any of their names.
#[derive(Clone, Debug, Default)]
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
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars().filter(|&c| c != '.') {
            out.extend(c.to_lowercase());
        }
    }
    out.replace('\u{2019}', "'")
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

/// Finds the candidate names of one article.
pub(crate) fn extract(text: &str, body: TextRange, sentences: &[TextRange]) -> ArticleCandidates {
    let mut candidates = ArticleCandidates::default();
    let mut counts: HashMap<u64, WordCount> = HashMap::with_capacity_and_hasher(text.len() / 12, Default::default());
    let furniture = boilerplate::furniture(text, body);
    let (mut tokens, mut chars) = (Vec::new(), Vec::new());
    for &sentence in sentences {
        tokenize_into(text, sentence, &mut chars, &mut tokens);
        count_words(text, &tokens, &mut counts);
        let first_span = candidates.spans.len();
        find_spans(text, &tokens, &mut candidates);
        for span in &mut candidates.spans[first_span..] {
            if furniture.iter().any(|f| f.contains(span.range.start())) {
                span.flags |= Span::FURNITURE;
            }
        }
    }
    candidates.word_counts = counts.into_iter().collect();
    candidates.spans.shrink_to_fit();
    candidates
}

fn tokenize(text: &str, sentence: TextRange) -> Vec<Token> {
    let mut tokens = Vec::new();
    tokenize_into(text, sentence, &mut Vec::new(), &mut tokens);
    tokens
}

/// Splits a sentence into words and punctuation marks, reusing the buffers of the previous sentence.
fn tokenize_into(text: &str, sentence: TextRange, chars: &mut Vec<(usize, char)>, tokens: &mut Vec<Token>) {
    let base = usize::from(sentence.start());
    let s = &text[sentence];
    let split_glued = boilerplate::splits_glued_words(s);
    chars.clear();
    chars.extend(s.char_indices());
    tokens.clear();
    let mut i = 0;
    let mut joined = true;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c == ' ' || c == '\t' {
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            joined = false;
            i += 1;
            continue;
        }
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
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() {
            let c = chars[j].1;
            let next = chars.get(j + 1).map(|&(_, next)| next);
            let apostrophe = matches!(c, '\'' | '\u{2019}');
            // "O'Brien" and "Russia's" hold together; "India'PM", text glued by a scraper, does not.
            let short_prefix = chars[i..j].len() <= 2;
            let inner_joiner = match c {
                // "US-led" and "Moscow-based" are a name and an adjective.
                '-' => next.is_some_and(char::is_alphanumeric) && !adjective_suffix(&s[chars[j].0 + 1..]),
                '.' | '&' => next.is_some_and(char::is_alphanumeric),
                _ if apostrophe => next.is_some_and(|n| n.is_lowercase() || (short_prefix && n.is_uppercase())),
                _ => false,
            };
            if c.is_alphanumeric() || inner_joiner {
                j += 1;
            } else {
                break;
            }
        }
        let mut end = chars.get(j).map_or(s.len(), |&(e, _)| e);
        let word = &s[at..end];
        // "U.S." keeps its final full stop, and so do "St." and "Mr." before a name.
        let stop_then_name = || s[end..].starts_with(". ") && s[end + 2..].starts_with(char::is_uppercase);
        if chars.get(j).is_some_and(|&(_, c)| c == '.')
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
        let junctions: Vec<usize> =
            if split_glued { boilerplate::glued_junctions(&s[at..end]).map(|k| at + k).collect() } else { Vec::new() };
        for (n, &junction) in junctions.iter().enumerate() {
            let glued = n > 0;
            tokens.push(Token {
                range: range(base + piece_start, base + junction),
                joined: was_joined && !glued,
                word: true,
                possessive: false,
                glued,
            });
            piece_start = junction;
        }
        tokens.push(Token {
            range: range(base + piece_start, base + end),
            joined: was_joined && junctions.is_empty(),
            word: true,
            possessive,
            glued: !junctions.is_empty(),
        });
        joined = true;
        i = j;
        if chars.get(i).is_some_and(|&(_, c)| c == '.') && s[at..end].ends_with('.') {
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

fn is_dotted_acronym(word: &str) -> bool {
    let parts: Vec<&str> = word.split('.').collect();
    parts.len() >= 2 && parts.iter().all(|p| p.chars().count() == 1 && p.chars().all(char::is_uppercase))
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
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
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
    let mut start = start;
    let mut uncertain_start = starts_clause(text, tokens, start);
    while start < end && uncertain_start && is_stopword(word(start)) {
        start += 1;
        uncertain_start = false;
    }
    if start >= end {
        return;
    }
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
        if (head.is_some() || lowercase_title)
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

// ---------------------------------------------------------------------------------------------
// Pass 2: the corpus.

#[derive(Default)]
struct Cluster {
    /// Each name form with how often it was written.
    names: HashMap<String, u32>,
    mentions: Vec<EntityOccurrence>,
    demonyms: Vec<String>,
    demonym_mentions: Vec<EntityOccurrence>,
    titled: u32,
    place_context: u32,
    /// Mentions in page furniture or title-case headlines.
    furniture_mentions: u32,
    merged_into: Option<usize>,
    hidden: bool,
    kind: Option<EntityKind>,
}

/// Clusters the candidates of all articles into entities and applies the user's overrides.
pub(crate) fn build_index(
    sources: &[std::sync::Arc<Source>],
    word_counts: &WordStats,
    overrides: &EntityOverrides,
) -> EntityIndex {
    use rayon::prelude::*;
    // Names written in the prose of some article: evidence for the same names in furniture and title case.
    let attested: HashSet<u64> = sources
        .iter()
        .flat_map(|source| {
            let spans = source.candidates.spans.iter();
            spans.filter(|s| !s.has(Span::FURNITURE | Span::TITLE_CASE)).map(|s| name_hash(&source.text[s.range]))
        })
        .collect();
    // Deciding which candidates are names is per article and runs in parallel; clustering is sequential.
    // Articles go by batches, so that the names waiting to be clustered stay few.
    const BATCH: usize = 256;
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::default();
    let mut acronym_pairs: Vec<(String, String)> = Vec::new();
    for (batch_index, batch) in sources.chunks(BATCH).enumerate() {
        let accepted: Vec<Vec<AcceptedName>> =
            batch.par_iter().map(|source| accepted_names(source, word_counts, &attested)).collect();
        for (offset, names) in accepted.into_iter().enumerate() {
            let source_index = batch_index * BATCH + offset;
            for accepted in names {
                let mut whole = None;
                for (name, key, range) in accepted.pieces {
                    let index = match by_key.get(&key) {
                        Some(&index) => index,
                        None => {
                            clusters.push(Cluster::default());
                            by_key.insert(key, clusters.len() - 1);
                            clusters.len() - 1
                        }
                    };
                    let cluster = &mut clusters[index];
                    *cluster.names.entry(name).or_default() += 1;
                    cluster.mentions.push(EntityOccurrence { source: source_index as u32, range });
                    cluster.furniture_mentions += u32::from(accepted.furniture);
                    whole = Some(index);
                }
                let Some(index) = whole.filter(|_| accepted.whole) else {
                    continue;
                };
                let cluster = &mut clusters[index];
                cluster.titled += u32::from(accepted.titled);
                cluster.place_context += u32::from(accepted.place_context);
                if let Some(titled_name) = accepted.titled_name {
                    cluster.names.entry(titled_name).or_default();
                }
                if let Some(pair) = accepted.acronym_pair {
                    acronym_pairs.push(pair);
                }
            }
        }
    }
    let mut merger = Merger { clusters, by_key };
    for (acronym, expansion) in &acronym_pairs {
        merger.merge_keys(acronym, expansion);
    }
    merger.merge_org_suffixes();
    merger.merge_initialisms();
    merger.merge_surnames();
    merger.attach_demonyms();
    merger.apply_overrides(overrides);
    merger.finish(sources)
}

/// A candidate accepted as a name, ready to be clustered.
struct AcceptedName {
    /// Each name in it with its lookup key and range: one, or two for a compound ("Kremlin-Pyongyang").
    pieces: Vec<(String, String, TextRange)>,
    /// The candidate is one name (not split), so the facts below are about it.
    whole: bool,
    furniture: bool,
    titled: bool,
    place_context: bool,
    /// "Mr Kirby" for "Kirby" written after an honorific.
    titled_name: Option<String>,
    /// The keys of an acronym and of the name it was written after.
    acronym_pair: Option<(String, String)>,
}

/// The candidates of one article that are names, after the corpus's evidence about their words.
fn accepted_names(source: &Source, word_counts: &WordStats, attested: &HashSet<u64>) -> Vec<AcceptedName> {
    let mut accepted = Vec::new();
    let mut extras = source.candidates.extras.iter().peekable();
    for (span_index, span) in source.candidates.spans.iter().enumerate() {
        let extra = extras.next_if(|extra| extra.span as usize == span_index);
        let (title, acronym) = extra.map_or((None, None), |extra| (extra.title, extra.acronym));
        let all_tokens = word_ranges(&source.text, span.range);
        let mut tokens: &[TextRange] = &all_tokens;
        let word_of = |r: &TextRange| &source.text[*r];
        if span.has(Span::UNCERTAIN_START) {
            let first = word_of(&tokens[0]);
            let count = word_counts.get(first);
            let never_inside = count.capitalised_inside == 0;
            // "Officials of the PDA": an unproven first word joined by a connector is not part of the name.
            let joined_by_connector = tokens.len() > 1 && CONNECTORS.contains(word_of(&tokens[1]));
            if is_stopword(first) || (never_inside && (count.lower > 0 || joined_by_connector)) {
                tokens = &tokens[1..];
                while tokens.len() > 1
                    && (CONNECTORS.contains(word_of(&tokens[0])) || word_of(&tokens[0]).eq_ignore_ascii_case("the"))
                {
                    tokens = &tokens[1..];
                }
            }
        }
        if span.has(Span::BEFORE_TITLE) && tokens.len() == 1 {
            let count = word_counts.get(&source.text[tokens[0]]);
            if count.capitalised_inside < 2 && !is_all_caps(&source.text[tokens[0]]) {
                continue;
            }
        }
        let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
            continue;
        };
        let name = super::collapse_whitespace(&source.text[first.cover(*last)]);
        if name.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
            continue;
        }
        // "MPs", "Senators": people by their office, not by name.
        if tokens.len() == 1 && name.strip_suffix('s').is_some_and(is_title_head) {
            continue;
        }
        if span.has(Span::UNCERTAIN_START) && tokens.len() == 1 && all_tokens.len() == 1 && !is_all_caps(&name) {
            let count = word_counts.get(&name);
            let inflected = ["ly", "ed", "ing"].iter().any(|suffix| name.ends_with(suffix));
            if count.capitalised_inside == 0 && (inflected || span.has(Span::NEXT_LOWERCASE)) {
                continue;
            }
        }
        if tokens.len() == 1 && title.is_none() {
            let count = word_counts.get(&name);
            // A word mostly written in lowercase is a common word, not a name.
            if count.lower >= 2 && count.lower >= 3 * count.capitalised_inside.max(1) {
                continue;
            }
        }
        let range = first.cover(*last);
        let pieces = split_compound(&source.text, range, tokens, attested);
        let furniture = span.has(Span::FURNITURE) || span.has(Span::TITLE_CASE);
        if furniture && pieces.len() == 1 {
            // Capitals prove little in page furniture and title case: keep what reads as a name on its own.
            let content: Vec<&str> = tokens
                .iter()
                .map(|t| &source.text[*t])
                .filter(|w| !CONNECTORS.contains(w) && !is_stopword(w))
                .collect();
            let common = content.iter().filter(|w| word_counts.get(w).lower > 0).count();
            let reads_as_name = attested.contains(&name_hash(&name))
                || looks_like_acronym_or_brand(&name)
                || span.has(Span::TITLED)
                || (tokens.len() == 1 && span.has(Span::PLACE_CONTEXT))
                || (content.len() >= 2 && common * 2 < content.len());
            if !reads_as_name {
                continue;
            }
        }
        let pieces: Vec<(String, String, TextRange)> = pieces
            .into_iter()
            .map(|piece| {
                let name = if piece == range { name.clone() } else { source.text[piece].to_string() };
                (name.clone(), key(&name), piece)
            })
            .collect();
        let whole = pieces.len() == 1;
        accepted.push(AcceptedName {
            pieces,
            whole,
            furniture,
            titled: span.has(Span::TITLED),
            place_context: span.has(Span::PLACE_CONTEXT),
            titled_name: title.map(|title| format!("{} {}", &source.text[title], name)),
            acronym_pair: acronym.map(|acronym| (key(&source.text[acronym]), key(&name))),
        });
    }
    accepted
}

struct Merger {
    clusters: Vec<Cluster>,
    by_key: HashMap<String, usize>,
}

impl Merger {
    fn root(&self, mut index: usize) -> usize {
        while let Some(next) = self.clusters[index].merged_into {
            index = next;
        }
        index
    }

    fn find(&self, key: &str) -> Option<usize> {
        self.by_key.get(key).map(|&i| self.root(i))
    }

    /// Moves everything of cluster `from` into cluster `into`.
    fn merge(&mut self, from: usize, into: usize) {
        let (from, into) = (self.root(from), self.root(into));
        if from == into {
            return;
        }
        let moved = std::mem::take(&mut self.clusters[from]);
        let target = &mut self.clusters[into];
        for (name, count) in moved.names {
            *target.names.entry(name).or_default() += count;
        }
        target.mentions.extend(moved.mentions);
        target.demonyms.extend(moved.demonyms);
        target.demonym_mentions.extend(moved.demonym_mentions);
        target.titled += moved.titled;
        target.furniture_mentions += moved.furniture_mentions;
        target.place_context += moved.place_context;
        target.hidden |= moved.hidden;
        target.kind = target.kind.or(moved.kind);
        self.clusters[from].merged_into = Some(into);
    }

    fn merge_keys(&mut self, from: &str, into: &str) {
        if let (Some(from), Some(into)) = (self.find(from), self.find(into)) {
            self.merge(from, into);
        }
    }

    fn live(&self) -> Vec<usize> {
        (0..self.clusters.len())
            .filter(|&i| self.clusters[i].merged_into.is_none() && !self.clusters[i].names.is_empty())
            .collect()
    }

    /// "Wagner Group" and "Wagner" are one organisation, "Kursk Oblast" and "Kursk" one place.
    fn merge_org_suffixes(&mut self) {
        let keys: Vec<(String, usize)> = self.by_key.iter().map(|(k, &i)| (k.clone(), i)).collect();
        for (full, index) in keys {
            let Some((stem, last)) = full.rsplit_once(' ') else {
                continue;
            };
            if (ORG_SUFFIXES.contains(last) || PLACE_SUFFIXES.contains(last))
                && let Some(stem_index) = self.find(stem)
            {
                self.merge(stem_index, index);
            }
        }
    }

    /// "US" is "United States" and "NIS" the "National Intelligence Service" when exactly one organisation or
    /// place of the corpus has those initials.
    fn merge_initialisms(&mut self) {
        let mut by_initials: HashMap<String, Vec<usize>> = HashMap::default();
        for (full, &index) in &self.by_key {
            let words: Vec<&str> = full.split(' ').filter(|w| !CONNECTORS.contains(w) && *w != "the").collect();
            if words.len() < 2 || !words.iter().any(|w| is_org_or_place_word(w)) || self.clusters[index].titled > 0 {
                continue;
            }
            let initials: String = words.iter().filter_map(|w| w.chars().next()).collect();
            let list = by_initials.entry(initials).or_default();
            let root = self.root(index);
            if !list.contains(&root) {
                list.push(root);
            }
        }
        for index in self.live() {
            let cluster = &self.clusters[index];
            let acronym = cluster.names.keys().find(|n| is_all_caps(n) && !n.contains(' ') && n.len() <= 6);
            if cluster.names.len() != 1 || cluster.titled > 0 {
                continue;
            }
            if let Some(acronym) = acronym
                && let Some([expansion]) = by_initials.get(&acronym.to_lowercase()).map(Vec::as_slice)
                && self.root(*expansion) != index
            {
                self.merge(index, *expansion);
            }
        }
    }

    /// "Kirby" is "John Kirby" when exactly one multi-word person name ends in "Kirby".
    fn merge_surnames(&mut self) {
        let mut owners: HashMap<String, Vec<usize>> = HashMap::default();
        for (full, &index) in &self.by_key {
            let words: Vec<&str> = full.split(' ').collect();
            if !(2..=4).contains(&words.len())
                || words.iter().any(|w| is_org_or_place_word(w) || CONNECTORS.contains(w))
            {
                continue;
            }
            let surname = words[words.len() - 1].to_string();
            let root = self.root(index);
            let list = owners.entry(surname).or_default();
            if !list.contains(&root) {
                list.push(root);
            }
        }
        for (surname, full_names) in owners {
            let Some(short) = self.find(&surname) else {
                continue;
            };
            // Two people share the surname: "Singh" is the one named in full in every article that says "Singh".
            let short_articles = |owner: &usize| {
                self.clusters[short]
                    .mentions
                    .iter()
                    .all(|m| self.clusters[*owner].mentions.iter().any(|f| f.source == m.source))
            };
            let owner = match full_names.as_slice() {
                [owner] => *owner,
                many => match many.iter().filter(|o| short_articles(o)).collect::<Vec<_>>().as_slice() {
                    [owner] => **owner,
                    _ => continue,
                },
            };
            let short_cluster = &self.clusters[short];
            let full_cluster = &self.clusters[owner];
            // The short form is written as in the full name ("Un" is not "UN"),
            let same_spelling = short_cluster.names.keys().any(|short_name| {
                full_cluster.names.keys().any(|full_name| full_name.ends_with(&format!(" {short_name}")))
            });
            // the two are a person by title ("Mr Kirby") or the short form is only used where the full name
            // was given first, and the short form is not a place.
            let a_person = short_cluster.titled + full_cluster.titled > 0;
            let introduced = short_cluster
                .mentions
                .iter()
                .all(|short| full_cluster.mentions.iter().any(|full| full.source == short.source));
            let a_place = short_cluster.place_context * 2 > short_cluster.mentions.len() as u32;
            if same_spelling && (a_person || introduced) && !a_place {
                self.merge(short, owner);
            }
        }
    }

    /// "Russian" is a demonym of Russia and "North Korean" of North Korea, not entities of their own.
    fn attach_demonyms(&mut self) {
        for index in self.live() {
            let names: Vec<String> = self.clusters[index].names.keys().cloned().collect();
            // "Russian Federation", "French Republic": the demonym of a place with a word for a state is its name.
            if let [name] = names.as_slice()
                && let Some((demonym, last)) = name.rsplit_once(' ')
                && PLACE_WORDS.contains(last)
                && !demonym.contains(' ')
                && let Some(base) = demonym_bases(demonym).find_map(|base| self.find(&key(&base)))
                && base != index
            {
                self.merge(index, base);
                continue;
            }
            let Some(demonym) = names.iter().find(|n| demonym_bases(n).next().is_some()) else {
                continue;
            };
            if names.len() > 1 || self.clusters[index].titled > 0 {
                continue;
            }
            let base = demonym_bases(demonym).find_map(|base| self.find(&key(&base)));
            match base {
                Some(base) if base != index => {
                    let moved = std::mem::take(&mut self.clusters[index]);
                    let target = &mut self.clusters[base];
                    target.demonyms.push(demonym.clone());
                    target.demonym_mentions.extend(moved.mentions);
                    self.clusters[index].merged_into = Some(base);
                }
                Some(_) => {}
                None if looks_like_demonym(demonym) => self.clusters[index].hidden = true,
                None => {}
            }
        }
    }

    fn apply_overrides(&mut self, overrides: &EntityOverrides) {
        for configured in &overrides.entities {
            let index = self.clusters.len();
            self.clusters.push(Cluster { kind: configured.kind, ..Cluster::default() });
            self.clusters[index].names.insert(configured.name.clone(), CONFIGURED);
            for alias in &configured.aliases {
                self.clusters[index].names.entry(alias.clone()).or_insert(0);
            }
            for name in std::iter::once(&configured.name).chain(&configured.aliases) {
                if let Some(existing) = self.find(&key(name)) {
                    self.merge(existing, index);
                }
                self.by_key.insert(key(name), index);
            }
        }
        for name in &overrides.hide {
            if let Some(index) = self.find(&key(name)) {
                self.clusters[index].hidden = true;
            }
        }
    }

    fn finish(self, sources: &[std::sync::Arc<Source>]) -> EntityIndex {
        let mut entities: Vec<Entity> = Vec::new();
        for index in self.live() {
            let cluster = &self.clusters[index];
            if cluster.hidden {
                continue;
            }
            let name = canonical_name(&cluster.names);
            let mut aliases: Vec<String> = cluster.names.keys().filter(|n| **n != name).cloned().collect();
            aliases.sort();
            let mut demonyms = cluster.demonyms.clone();
            demonyms.sort();
            demonyms.dedup();
            let mut mentions = cluster.mentions.clone();
            mentions.sort_by_key(|m| (m.source, m.range.start()));
            let mut articles: Vec<u32> = mentions.iter().map(|m| m.source).collect();
            articles.dedup();
            let description =
                mentions.iter().take(32).find_map(|m| describe(&sources[m.source as usize].text, m.range));
            let kind = cluster.kind.unwrap_or_else(|| match guess_kind(cluster, &name) {
                EntityKind::Other if description.is_some() => EntityKind::Person,
                kind => kind,
            });
            let boilerplate = cluster.furniture_mentions as usize >= mentions.len() && !mentions.is_empty();
            let article_count = articles.len();
            entities.push(Entity { name, kind, aliases, demonyms, article_count, mentions, description, boilerplate });
        }
        entities.sort_by(|a, b| {
            (a.boilerplate, std::cmp::Reverse(a.mentions.len()), &a.name).cmp(&(
                b.boilerplate,
                std::cmp::Reverse(b.mentions.len()),
                &b.name,
            ))
        });
        let mut by_key = HashMap::default();
        for (i, entity) in entities.iter().enumerate() {
            for name in entity.names().chain(entity.demonyms.iter().map(String::as_str)) {
                by_key.entry(key(name)).or_insert(i);
            }
        }
        EntityIndex { entities, by_key }
    }
}

/// The configured name if there is one; else the most complete form of the most frequent name ("John Kirby"
/// for "Kirby", but "Russia" rather than "Russian Federation"); acronyms only when there is nothing else.
fn canonical_name(names: &HashMap<String, u32>) -> String {
    if let Some((configured, _)) = names.iter().find(|(_, count)| **count >= CONFIGURED) {
        return configured.clone();
    }
    let acronym = |n: &str| is_all_caps(n) && !n.contains(' ');
    let titled = |n: &str| n.split(' ').next().is_some_and(is_title_head);
    let most_frequent = names
        .iter()
        .filter(|(name, _)| !acronym(name) && !titled(name))
        .max_by(|(a, ca), (b, cb)| (*ca, std::cmp::Reverse(*a)).cmp(&(*cb, std::cmp::Reverse(*b))))
        .map(|(name, _)| format!(" {name} "));
    names
        .iter()
        .filter(|(name, _)| !titled(name))
        .filter(|(name, _)| most_frequent.as_ref().is_none_or(|m| format!(" {name} ").contains(m.as_str())))
        .max_by(|(a, ca), (b, cb)| {
            let words = |n: &str| n.split(' ').count();
            let acronym = |n: &str| is_all_caps(n) && !n.contains(' ');
            (!acronym(a), words(a), *ca, std::cmp::Reverse(*a)).cmp(&(
                !acronym(b),
                words(b),
                *cb,
                std::cmp::Reverse(*b),
            ))
        })
        .or_else(|| names.iter().next())
        .map(|(name, _)| name.clone())
        .unwrap_or_default()
}

fn guess_kind(cluster: &Cluster, name: &str) -> EntityKind {
    // The head of a name is its last word: "North Korean Foreign Ministry" is an organisation.
    let last = name.rsplit(' ').next().unwrap_or("").to_lowercase();
    if ORG_WORDS.contains(&last) || ORG_SUFFIXES.contains(&last) {
        return EntityKind::Organisation;
    }
    if PLACE_WORDS.contains(&last) || PLACE_SUFFIXES.contains(&last) {
        return EntityKind::Place;
    }
    let words: Vec<String> = cluster.names.keys().flat_map(|n| n.split(' ').map(str::to_lowercase)).collect();
    if words.iter().any(|w| PLACE_WORDS.contains(w.as_str())) {
        return EntityKind::Place;
    }
    if words.iter().any(|w| ORG_WORDS.contains(w.as_str())) {
        return EntityKind::Organisation;
    }
    if cluster.titled > 0 {
        return EntityKind::Person;
    }
    if !cluster.demonyms.is_empty() || cluster.place_context * 2 > cluster.mentions.len() as u32 {
        return EntityKind::Place;
    }
    if cluster.names.keys().any(|n| is_all_caps(n)) {
        return EntityKind::Organisation;
    }
    let name_words = name.split(' ').count();
    if (2..=3).contains(&name_words) && cluster.names.len() > 1 {
        return EntityKind::Person;
    }
    EntityKind::Other
}

/// A hash of a name's lookup [`key`], computed without allocating.
fn name_hash(name: &str) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (n, word) in name.split_whitespace().enumerate() {
        if n > 0 {
            hash = (hash ^ u64::from(b' ')).wrapping_mul(PRIME);
        }
        for c in word.chars().filter(|&c| c != '.').flat_map(char::to_lowercase) {
            hash = (hash ^ u64::from(u32::from(c))).wrapping_mul(PRIME);
        }
    }
    hash
}

/// "NDTV", "comScore", "NDTV.com": a single word that is a name by its shape.
fn looks_like_acronym_or_brand(name: &str) -> bool {
    if name.contains(' ') {
        return false;
    }
    let inner_capital = name.chars().skip(1).any(char::is_uppercase) && name.chars().any(char::is_lowercase);
    let domain = name.split_once('.').is_some_and(|(a, b)| !a.is_empty() && b.len() >= 2);
    is_all_caps(name) || inner_capital || domain
}

/// A mention that names two entities: "Kremlin-Pyongyang" (both written alone elsewhere), or a wire service's
/// dateline "IANS Washington" (an acronym before a name written alone elsewhere). Otherwise the whole range.
fn split_compound(text: &str, range: TextRange, words: &[TextRange], attested: &HashSet<u64>) -> Vec<TextRange> {
    let attested = |r: TextRange| attested.contains(&name_hash(&text[r]));
    if let [word] = words
        && let Some((left, right)) = text[*word].split_once('-')
        && left.starts_with(char::is_uppercase)
        && right.starts_with(char::is_uppercase)
    {
        let middle = word.start() + text_size::TextSize::of(left);
        let (left, right) =
            (TextRange::new(word.start(), middle), TextRange::new(middle + text_size::TextSize::from(1), word.end()));
        if attested(left) && attested(right) {
            return vec![left, right];
        }
    }
    if let [first, second, ..] = words
        && is_all_caps(&text[*first])
        && !attested(range)
    {
        let rest = second.cover(words[words.len() - 1]);
        if attested(rest) {
            return vec![*first, rest];
        }
    }
    vec![range]
}

/// The count given to a configured entity's name, which makes it the canonical name.
const CONFIGURED: u32 = u32::MAX / 2;

/// The role an article gives a person where it names them: the title before the name ("White House national
/// security spokesman John Kirby") or an apposition after it ("Andriy Yermak, the chief of staff to …,").
fn describe(text: &str, mention: TextRange) -> Option<String> {
    let line_start = text[..usize::from(mention.start())].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..usize::from(mention.start())];
    let mut words: Vec<&str> = Vec::new();
    for word in before.split(' ').rev().skip_while(|w| w.is_empty()) {
        let plain = word.trim_end_matches('.');
        let capitalised =
            plain.starts_with(char::is_uppercase) && plain.chars().all(|c| c.is_alphanumeric() || c == '-');
        let lower = plain.to_lowercase();
        let title_word = TITLE_HEADS.contains(&lower) || TITLE_MODIFIERS.contains(&lower);
        if words.len() >= 8 || !(capitalised || title_word || (lower == "of" && !words.is_empty())) {
            break;
        }
        words.push(word);
    }
    while words.last().is_some_and(|w| CONNECTORS.contains(w)) {
        words.pop();
    }
    words.reverse();
    let honorific = |w: &&str| NAME_ABBREVIATIONS.contains(w.trim_end_matches('.'));
    if words.len() >= 2 && words.last().is_some_and(|w| is_title_head(w)) && !words.iter().all(honorific) {
        return Some(words.join(" "));
    }
    let after = text[usize::from(mention.end())..].strip_prefix(", ")?;
    let apposition = &after[..after.find([',', '.', '\n', ';', '(', ')'])?];
    let apposition = apposition.strip_prefix("the ").unwrap_or(apposition);
    let count = apposition.split(' ').count();
    ((2..=10).contains(&count) && apposition.split(' ').any(|w| is_title_head(w.trim_end_matches("'s"))))
        .then(|| apposition.to_string())
}

/// The ranges of the whitespace-separated words of `text[range]`.
fn word_ranges(text: &str, range: TextRange) -> Vec<TextRange> {
    let base = usize::from(range.start());
    let slice = &text[range];
    let mut words = Vec::with_capacity(4);
    let mut start = None;
    for (i, c) in slice.char_indices() {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                words.push(crate::text::range(base + s, base + i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push(crate::text::range(base + s, base + slice.len()));
    }
    words
}

/// The place names a demonym may derive from: "Ukrainian" → "Ukraine", "North Korean" → "North Korea".
fn demonym_bases(name: &str) -> impl Iterator<Item = String> + '_ {
    const RULES: &[(&str, &str)] = &[
        ("ian", "ia"),
        ("ian", "e"),
        ("ian", ""),
        ("ean", "ea"),
        ("an", "a"),
        ("an", ""),
        ("n", ""),
        ("ese", ""),
        ("ese", "a"),
        ("i", ""),
        ("ish", ""),
        ("ish", "land"),
    ];
    let (prefix, last) = name.rsplit_once(' ').map_or(("", name), |(p, l)| (p, l));
    RULES.iter().filter_map(move |(suffix, replacement)| {
        let stem = last.strip_prefix("N.").map_or(last, |rest| rest).strip_suffix(suffix)?;
        if stem.chars().count() < 3 || !last.starts_with(char::is_uppercase) {
            return None;
        }
        let base = format!("{stem}{replacement}");
        let prefix = if last.starts_with("N.") { "North" } else { prefix };
        Some(if prefix.is_empty() { base } else { format!("{prefix} {base}") })
    })
}

fn looks_like_demonym(name: &str) -> bool {
    !name.contains(' ') && ["ian", "ese", "ish"].iter().any(|s| name.ends_with(s))
}

fn is_org_or_place_word(word: &str) -> bool {
    ORG_WORDS.contains(word) || PLACE_WORDS.contains(word) || ORG_SUFFIXES.contains(word)
}

fn is_stopword(word: &str) -> bool {
    STOPWORDS.contains(word)
}

/// Words that are capitalised but never part of a name: pronouns, weekdays, months.
/// A connector inside a name, as written: "of" in "Joint Chiefs of Staff" (a capitalised "Of" is a name word).
fn is_connector(word: &str) -> bool {
    word.starts_with(char::is_lowercase) && CONNECTORS.contains(word)
}

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
mod words;

#[cfg(test)]
mod tests;
