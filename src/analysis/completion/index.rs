//! What completion prepares once per corpus so that a request does not score every name: the word starts of
//! every source id, title and entity name, sorted, to find by binary search the names with a word that begins
//! with what was typed; and for the fuzzy search when there are none, the letters of each name and the letters
//! its words start with, as bit sets, so that two bit tests reject most names before the fuzzy matcher runs.
//! Lists for an empty prefix are ranked ahead.

use std::cmp::Reverse;

use crate::bibliography::Catalog;
use crate::corpus::Entity;

/// The letters of a name, and the letters that start its words, as bit sets ([`letter_bit`]).
#[derive(Clone, Copy, Debug)]
pub(super) struct Shape {
    letters: u64,
    initials: u64,
}

/// Every name has this shape when it cannot be summed up in bits (it has letters outside ASCII).
const ANY: Shape = Shape { letters: u64::MAX, initials: u64::MAX };

impl Shape {
    /// The shape of `name`.
    pub(super) fn of(name: &str) -> Shape {
        if !name.is_ascii() {
            return ANY;
        }
        let mut shape = Shape { letters: 0, initials: 0 };
        let mut in_word = false;
        for byte in name.bytes() {
            match letter_bit(byte) {
                Some(bit) => {
                    shape.letters |= bit;
                    if !in_word {
                        shape.initials |= bit;
                    }
                    in_word = true;
                }
                None => in_word = false,
            }
        }
        shape
    }

    /// Whether the name may match `typed`: it has every letter typed, and a word that starts with the first.
    /// A `false` is certain; a `true` is for the fuzzy matcher to confirm.
    pub(super) fn may_match(self, typed: &Typed) -> bool {
        self.letters & typed.letters == typed.letters && self.initials & typed.first == typed.first
    }

    /// Whether the name was summed up exactly, so that [`Shape::may_match`] needs no second check of its words.
    pub(super) fn is_exact(self) -> bool {
        self.letters != u64::MAX
    }
}

/// What was typed, as bit sets of the same kind.
pub(super) struct Typed {
    letters: u64,
    first: u64,
}

impl Typed {
    /// The bits of `typed` (trimmed), or `None` when its first character is not a letter or digit, which no word
    /// starts with.
    pub(super) fn new(typed: &str) -> Option<Typed> {
        let typed = typed.trim();
        let first = typed.chars().next()?;
        if !first.is_alphanumeric() {
            return None;
        }
        // Letters outside ASCII may match several ASCII ones once normalised: they add no requirement.
        let letters = typed.bytes().filter_map(letter_bit).fold(0, |all, bit| all | bit);
        let first = if first.is_ascii() { letter_bit(first as u8).unwrap_or(0) } else { 0 };
        Some(Typed { letters, first })
    }
}

/// The bit of an ASCII letter (either case) or digit.
fn letter_bit(byte: u8) -> Option<u64> {
    match byte {
        b'a'..=b'z' => Some(1 << (byte - b'a')),
        b'A'..=b'Z' => Some(1 << (byte - b'A')),
        b'0'..=b'9' => Some(1 << (26 + byte - b'0')),
        _ => None,
    }
}

/// The places where words begin in a set of names, sorted by what follows them, to find by binary search the
/// names with a word that begins with what was typed ("kar" finds "Nari Karimov").
#[derive(Debug, Default)]
pub(in crate::analysis) struct WordStarts {
    /// The names, lowercased, each with its owner (a source or an entity) and its number among the owner's names.
    names: Vec<(Box<str>, u32, u32)>,
    /// (name, byte offset of a word start in it), sorted by the rest of the name from there.
    starts: Vec<(u32, u32)>,
}

impl WordStarts {
    pub(in crate::analysis) fn push(&mut self, name: &str, owner: u32, number: u32) {
        let lower = name.to_lowercase();
        let index = self.names.len() as u32;
        let mut in_word = false;
        for (at, c) in lower.char_indices() {
            let word = c.is_alphanumeric();
            if word && !in_word {
                self.starts.push((index, at as u32));
            }
            in_word = word;
        }
        self.names.push((lower.into_boxed_str(), owner, number));
    }

    pub(in crate::analysis) fn sort(&mut self) {
        let names = &self.names;
        self.starts.sort_unstable_by(|a, b| suffix(names, *a).cmp(suffix(names, *b)));
    }

    /// Calls `each` with the owner and name number of every name with a word that begins with `typed` (trimmed,
    /// any case), once per such word, in no particular order.
    pub(super) fn visit_starting_with(&self, typed: &str, mut each: impl FnMut(u32, u32)) {
        let typed = typed.trim().to_lowercase();
        let names = &self.names;
        let first = self.starts.partition_point(|&start| suffix(names, start) < typed.as_str());
        for &(name, at) in &self.starts[first..] {
            if !suffix(names, (name, at)).starts_with(&typed) {
                break;
            }
            let (_, owner, number) = &names[name as usize];
            each(*owner, *number);
        }
    }

    /// The owners and name numbers of the first `limit` word starts (in sorted order) that begin with `typed`.
    pub(in crate::analysis) fn first_starting_with(&self, typed: &str, limit: usize) -> Vec<(u32, u32)> {
        let typed = typed.trim().to_lowercase();
        let names = &self.names;
        let first = self.starts.partition_point(|&start| suffix(names, start) < typed.as_str());
        (self.starts[first..].iter())
            .take_while(|&&start| suffix(names, start).starts_with(&typed))
            .take(limit)
            .map(|&(name, _)| (names[name as usize].1, names[name as usize].2))
            .collect()
    }

    /// The owners and name numbers of the names with a word that begins with `typed`, each once, in order.
    #[cfg(test)]
    fn starting_with(&self, typed: &str) -> Vec<(u32, u32)> {
        let mut found = Vec::new();
        self.visit_starting_with(typed, |owner, number| found.push((owner, number)));
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// Whether a word of `name` begins with `typed` (trimmed, any case), as [`WordStarts`] decides it.
pub(in crate::analysis) fn has_word_starting_with(name: &str, typed: &str) -> bool {
    let typed = typed.trim();
    if name.is_ascii() && typed.is_ascii() {
        let (name, typed) = (name.as_bytes(), typed.as_bytes());
        return (0..name.len()).any(|at| {
            let starts = name[at].is_ascii_alphanumeric() && (at == 0 || !name[at - 1].is_ascii_alphanumeric());
            starts && name.len() - at >= typed.len() && name[at..at + typed.len()].eq_ignore_ascii_case(typed)
        });
    }
    let (name, typed) = (name.to_lowercase(), typed.to_lowercase());
    let mut in_word = false;
    name.char_indices().any(|(at, c)| {
        let starts = c.is_alphanumeric() && !in_word;
        in_word = c.is_alphanumeric();
        starts && name[at..].starts_with(&typed)
    })
}

/// A set of ranks (positions in a ranked list), read back in rank order: the best matches of a prefix are the
/// first ranks set, found without sorting however many names match.
pub(super) struct RankSet {
    words: Vec<u64>,
}

impl RankSet {
    /// An empty set for ranks below `len`.
    pub(super) fn new(len: usize) -> RankSet {
        RankSet { words: vec![0; len.div_ceil(64)] }
    }

    pub(super) fn insert(&mut self, rank: u32) {
        self.words[rank as usize / 64] |= 1 << (rank % 64);
    }

    pub(super) fn contains(&self, rank: u32) -> bool {
        self.words[rank as usize / 64] & (1 << (rank % 64)) != 0
    }

    pub(super) fn is_empty(&self) -> bool {
        self.words.iter().all(|&word| word == 0)
    }

    /// The ranks in the set, best first.
    pub(super) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros();
                    rest &= rest - 1;
                    i as u32 * 64 + bit
                })
            })
        })
    }
}

fn suffix(names: &[(Box<str>, u32, u32)], (name, at): (u32, u32)) -> &str {
    &names[name as usize].0[at as usize..]
}

/// The shapes of a corpus's names and its ranked lists, built on the first completion.
#[derive(Debug)]
pub(in crate::analysis) struct CompletionIndex {
    /// The word starts of every source id (name 0) and reference words (name 1: title, authors, outlet, year).
    pub(in crate::analysis) source_words: WordStarts,
    /// The word starts of every entity name, numbered as [`Entity::names`] lists them.
    pub(in crate::analysis) entity_words: WordStarts,
    /// The shapes of each citable id and of its reference's words (title, authors, outlet, year), in the
    /// catalog's order.
    pub(super) sources: Vec<[Shape; 2]>,
    /// The words of each citable's reference, in the catalog's order: what `sources` shapes.
    pub(super) source_text: Vec<String>,
    /// The indexes of the sources, by id.
    pub(super) sources_by_id: Vec<u32>,
    /// Each citable's position in `sources_by_id` (`u32::MAX` for those completion does not offer).
    pub(super) source_rank: Vec<u32>,
    /// The shapes of each entity's names ([`Entity::names`]), in the order of the entity index.
    pub(super) entity_names: Vec<Vec<Shape>>,
    /// The indexes of the entities in the order an empty prefix lists them (see [`entity_rank`]).
    pub(super) entities_by_rank: Vec<u32>,
    /// Each entity's position in `entities_by_rank`.
    pub(super) entity_rank_of: Vec<u32>,
}

impl CompletionIndex {
    /// Prepares the names of `catalog`: the ids it lists and the corpus's entities.
    pub(in crate::analysis) fn new(catalog: &Catalog) -> CompletionIndex {
        let corpus = catalog.corpus();
        let citables = catalog.citables();
        // Besides its id, an article or entry is found by its title, authors, outlet and year.
        let source_text: Vec<String> =
            (0..citables.len() as u32).map(|i| catalog.resolve(i).reference().search_text()).collect();
        let sources: Vec<[Shape; 2]> = citables
            .iter()
            .zip(&source_text)
            .map(|(citable, text)| [Shape::of(&citable.id), Shape::of(text)])
            .collect();
        let mut sources_by_id: Vec<u32> = (0..citables.len() as u32).filter(|&i| citables[i as usize].listed).collect();
        sources_by_id.sort_by(|&a, &b| citables[a as usize].id.cmp(&citables[b as usize].id));
        let entities = corpus.entities();
        let entity_names = entities.iter().map(|entity| entity.names().map(Shape::of).collect()).collect();
        let mut entities_by_rank: Vec<u32> = (0..entities.len() as u32).collect();
        let all: Vec<&Entity> = entities.iter().collect();
        entities_by_rank.sort_by(|&a, &b| {
            let (a, b) = (all[a as usize], all[b as usize]);
            entity_rank(0, a).cmp(&entity_rank(0, b)).then_with(|| a.name.cmp(&b.name))
        });
        let mut source_words = WordStarts::default();
        for &i in &sources_by_id {
            source_words.push(&citables[i as usize].id, i, 0);
            source_words.push(&source_text[i as usize], i, 1);
        }
        source_words.sort();
        let mut entity_words = WordStarts::default();
        for (i, entity) in entities.iter().enumerate() {
            for (number, name) in entity.names().enumerate() {
                entity_words.push(name, i as u32, number as u32);
            }
        }
        entity_words.sort();
        let positions = |order: &[u32], len: usize| {
            // Those left out of the order (ids completion does not offer) rank last.
            let mut rank = vec![u32::MAX; len];
            for (position, &index) in order.iter().enumerate() {
                rank[index as usize] = position as u32;
            }
            rank
        };
        CompletionIndex {
            source_text,
            source_words,
            entity_words,
            sources,
            source_rank: positions(&sources_by_id, citables.len()),
            sources_by_id,
            entity_names,
            entity_rank_of: positions(&entities_by_rank, entities_by_rank.len()),
            entities_by_rank,
        }
    }
}

/// How entities are ranked, best first: page furniture last; then the best match, the most mentioned, the most
/// widely cited.
pub(super) fn entity_rank(score: u32, entity: &Entity) -> (bool, Reverse<u32>, Reverse<(usize, usize)>) {
    (entity.boilerplate, Reverse(score), Reverse((entity.mentions.len(), entity.article_count)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_reject_only_names_that_cannot_match() {
        let typed = Typed::new("kar").unwrap();
        assert!(Shape::of("Nari Karimov").may_match(&typed));
        assert!(Shape::of("kremlin-aRchive").may_match(&typed), "letters in any order, any case");
        assert!(!Shape::of("Ankara").may_match(&typed), "no word starts with k");
        assert!(!Shape::of("Kremlin").may_match(&typed), "no a");
        assert!(Shape::of("Kärnten Åkar").may_match(&typed), "outside ASCII the matcher decides");
        assert!(Shape::of("article-004213").may_match(&Typed::new("0042").unwrap()));
        assert!(Typed::new("-x").is_none() && Typed::new("  ").is_none());
    }

    #[test]
    fn word_starts_find_names_by_the_beginning_of_any_word() {
        let mut words = WordStarts::default();
        for (owner, name) in ["Nari Karimov", "Ankara", "Karl Ōta", "kar-ma"].iter().enumerate() {
            words.push(name, owner as u32, 0);
        }
        words.sort();
        assert_eq!(words.starting_with(" KAR"), [(0, 0), (2, 0), (3, 0)]);
        assert_eq!(words.starting_with("nari k"), [(0, 0)]);
        assert_eq!(words.starting_with("ōt"), [(2, 0)]);
        assert_eq!(words.starting_with("ma"), [(3, 0)]);
        assert!(words.starting_with("ara").is_empty());
        assert!(has_word_starting_with("Karl Ōta", "ōT") && !has_word_starting_with("Ankara", "kar"));
        assert!(has_word_starting_with("Nari Karimov", " KAR") && has_word_starting_with("kar-ma", "ma"));
        assert!(!has_word_starting_with("Nari", "naria"));
    }

    #[test]
    fn rank_sets_read_back_in_rank_order() {
        let mut set = RankSet::new(200);
        assert!(set.is_empty());
        for rank in [130, 3, 64, 63, 199] {
            set.insert(rank);
        }
        assert_eq!(set.iter().collect::<Vec<_>>(), [3, 63, 64, 130, 199]);
        assert!(set.contains(64) && !set.contains(65));
    }
}
