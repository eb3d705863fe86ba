//! What an editor draws over the markup: semantic tokens (cited ids, quotes, entity names, marked when they name
//! nothing) so that any client highlights citations without a grammar of its own, and inlay hints (the short title
//! after an id that does not say what it is, such as `@002_07ac914b`).

use super::Note;
use crate::bibliography::Catalog;
use crate::corpus::shorten;
use crate::text::{TextRange, TextSize};

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A cited id.
    SourceId,
    /// A quotation of a citation.
    Quote,
    /// The name in an entity mention.
    Entity,
}

/// A highlighted range of a note.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Where, in the note.
    pub range: TextRange,
    /// What it is.
    pub kind: TokenKind,
    /// Whether it names nothing the workspace has (an unknown id or entity).
    pub unresolved: bool,
}

/// The tokens of `note`, in the order of the text, none overlapping.
pub(super) fn semantic_tokens(catalog: &Catalog, note: &Note) -> Vec<Token> {
    let syntax = note.syntax();
    let scope = catalog.scope(note.path(), note.bibliographies());
    let entities = catalog.corpus().entities();
    let mut tokens: Vec<Token> = Vec::new();
    for item in syntax.citations.iter().flat_map(|citation| &citation.items) {
        let unresolved = catalog.cited_in(&item.id, &scope).is_none();
        tokens.push(Token { range: item.id_range, kind: TokenKind::SourceId, unresolved });
        tokens.extend(item.quotes.iter().map(|quote| Token {
            range: quote.range,
            kind: TokenKind::Quote,
            unresolved: false,
        }));
    }
    // Until the corpus is complete its entities are not known: no name is marked as naming nothing.
    let complete = catalog.corpus().is_complete();
    for mention in &syntax.mentions {
        let unresolved = complete && entities.get(&mention.name).is_none();
        tokens.push(Token { range: mention.name_range, kind: TokenKind::Entity, unresolved });
    }
    tokens.sort_by_key(|token| (token.range.start(), token.range.end()));
    // A citation nested in another's quote: the outer token is cut where the inner one starts.
    let mut disjoint: Vec<Token> = Vec::with_capacity(tokens.len());
    for token in tokens {
        if let Some(last) = disjoint.last_mut()
            && last.range.end() > token.range.start()
        {
            last.range = TextRange::new(last.range.start(), token.range.start());
        }
        disjoint.push(token);
    }
    disjoint.retain(|token| !token.range.is_empty());
    disjoint
}

/// The hints of `note` within `range`: after each id that does not read as words and cites something with a
/// title, that title, short.
pub(super) fn inlay_hints(catalog: &Catalog, note: &Note, range: TextRange) -> Vec<(TextSize, String)> {
    let scope = catalog.scope(note.path(), note.bibliographies());
    (note.syntax().citations.iter())
        .flat_map(|citation| &citation.items)
        .filter(|item| range.contains_range(item.id_range) && is_opaque(&item.id))
        .filter_map(|item| {
            let title = catalog.cited_in(&item.id, &scope)?.reference().title?;
            Some((item.id_range.end(), shorten(&title, 40)))
        })
        .collect()
}

/// Whether an id says nothing to a reader: a run of eight or more hexadecimal characters with a digit in it (a hash
/// or a generated key), or a third or more of digits among its letters and digits (`article-004213`).
fn is_opaque(id: &str) -> bool {
    let digits = id.chars().filter(char::is_ascii_digit).count();
    let letters = id.chars().filter(|c| c.is_alphabetic()).count();
    let hex_run =
        id.split(|c: char| !c.is_ascii_hexdigit()).any(|run| run.len() >= 8 && run.chars().any(|c| c.is_ascii_digit()));
    hex_run || digits * 2 >= letters
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::test_support::from_fixture;

    const WORKSPACE: &str = r#"
//- sources/002_07ac914b6ef94890.txt
---
title: Dockers walk out at the north harbour over the new night shifts
---
Dock workers walked out. Union leader Ana Ruiz said so.
//- sources/harbour-strike.txt
---
title: Harbour strike
---
Ruiz was firm.
"#;

    #[test]
    fn tokens_mark_ids_quotes_and_names_and_what_names_nothing() {
        let fixture = format!("{WORKSPACE}//- n.md\n[@harbour-strike, \"was firm\"] [@nowhere] [[Ruiz]] [[Nobody]]\n");
        let (analysis, note, _) = from_fixture(&fixture);
        let tokens: Vec<String> = analysis
            .semantic_tokens(&note)
            .iter()
            .map(|t| format!("{:?}{} {}", t.kind, if t.unresolved { "!" } else { "" }, &note.text()[t.range]))
            .collect();
        assert_eq!(
            tokens,
            ["SourceId harbour-strike", "Quote \"was firm\"", "SourceId! nowhere", "Entity Ruiz", "Entity! Nobody"]
        );
    }

    #[test]
    fn an_opaque_id_is_followed_by_its_title() {
        let fixture = format!("{WORKSPACE}//- n.md\n[@002_07ac914b6ef94890] and [@harbour-strike]\n");
        let (analysis, note, _) = from_fixture(&fixture);
        let whole = TextRange::up_to(crate::text::size(note.text().len()));
        let hints = analysis.inlay_hints(&note, whole);
        assert_eq!(hints.len(), 1, "a readable id needs no hint: {hints:?}");
        assert_eq!(usize::from(hints[0].0), "[@002_07ac914b6ef94890".len());
        assert!(hints[0].1.starts_with("Dockers walk out at the north harbour"), "{}", hints[0].1);
        assert!(is_opaque("article-004213") && is_opaque("2024") && !is_opaque("lindHarbourDockers2024"));
    }
}
