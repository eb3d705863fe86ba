//! Find references: every place in the notes that cites the source under the cursor (by its id, quoted or not),
//! or mentions the entity under the cursor (by any of its names).

use super::Note;
use crate::bibliography::Catalog;
use crate::corpus::entities;
use crate::text::{TextRange, TextSize};

/// What a search for references looks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReferenceTarget {
    /// A source, by id.
    Source(String),
    /// An entity of the corpus, by its name; or, when the corpus knows no such entity, the name as written.
    Entity(String),
}

pub(super) fn reference_target(catalog: &Catalog, note: &Note, offset: TextSize) -> Option<ReferenceTarget> {
    let corpus = catalog.corpus();
    let syntax = note.syntax();
    if let Some((_, item)) = syntax.item_at(offset) {
        return Some(ReferenceTarget::Source(item.id.clone()));
    }
    let mention = syntax.mention_at(offset)?;
    let name = corpus.entities().get(&mention.name).map_or(&mention.name, |entity| &entity.name);
    Some(ReferenceTarget::Entity(name.clone()))
}

pub(super) fn references(catalog: &Catalog, note: &Note, target: &ReferenceTarget) -> Vec<TextRange> {
    let corpus = catalog.corpus();
    let syntax = note.syntax();
    let scope = catalog.scope(note.path(), note.bibliographies());
    match target {
        // An article cited by its own id and by a bibliography key is one source.
        ReferenceTarget::Source(id) => syntax
            .citations
            .iter()
            .flat_map(|citation| &citation.items)
            .filter(|item| {
                &item.id == id
                    || catalog
                        .article_index(id, &[])
                        .is_some_and(|article| catalog.article_index(&item.id, &scope) == Some(article))
            })
            .map(|item| item.id_range)
            .collect(),
        ReferenceTarget::Entity(name) => {
            let known = corpus.entities().get(name);
            let key = entities::key(name);
            syntax
                .mentions
                .iter()
                .filter(|mention| match (known, corpus.entities().get(&mention.name)) {
                    (Some(entity), Some(other)) => std::ptr::eq(entity, other),
                    _ => entities::key(&mention.name) == key,
                })
                .map(|mention| mention.name_range)
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ReferenceTarget;
    use crate::analysis::test_support::from_fixture;
    use crate::fixture::annotate;

    /// Marks the references in the note to what is at `$0`, with the target as the label.
    fn references(fixture: &str) -> String {
        let (analysis, note, parsed) = from_fixture(fixture);
        let Some(target) = analysis.reference_target(&note, parsed.cursor_offset()) else {
            return "(nothing to look for here)".to_string();
        };
        let label = match &target {
            ReferenceTarget::Source(id) => format!("source {id}"),
            ReferenceTarget::Entity(name) => format!("entity {name}"),
        };
        let found: Vec<_> =
            analysis.references_in(&note, &target).into_iter().map(|range| (range, label.clone())).collect();
        annotate(note.text(), &found)
    }

    const SOURCES: &str = r#"
//- sources/harbour.txt
Dock workers walked out on Monday, the Port Authority (PA) said.
Union leader Ana Ruiz said the strike would last. Ruiz spoke outside.
//- sources/harvest.txt
Grain harvest falls.
"#;

    #[test]
    fn a_source_is_referred_to_by_its_id_quoted_or_not() {
        insta::assert_snapshot!(references(&format!("{SOURCES}//- notes/n.md\nSee [@har$0bour] and [@harvest; @harbour, \"walked out\"].\nAlso @harbour.\n")), @r#"
        See [@harbour] and [@harvest; @harbour, "walked out"].
              ^^^^^^^ source harbour
                                       ^^^^^^^ source harbour
        Also @harbour.
              ^^^^^^^ source harbour
        "#);
    }

    #[test]
    fn an_entity_is_referred_to_by_any_of_its_names() {
        insta::assert_snapshot!(references(&format!("{SOURCES}//- notes/n.md\n[[Ana R$0uiz]] met [[Ruiz|her]] and [[Port Authority]].\n[[ruiz]] again; [[Nobody]].\n")), @r#"
        [[Ana Ruiz]] met [[Ruiz|her]] and [[Port Authority]].
          ^^^^^^^^ entity Ana Ruiz
                           ^^^^ entity Ana Ruiz
        [[ruiz]] again; [[Nobody]].
          ^^^^ entity Ana Ruiz
        "#);
        // A name the corpus does not know is looked for as written.
        insta::assert_snapshot!(references(&format!("{SOURCES}//- notes/n.md\n[[Nob$0ody]] and [[nobody]], not [[Ana Ruiz]].\n")), @r#"
        [[Nobody]] and [[nobody]], not [[Ana Ruiz]].
          ^^^^^^ entity Nobody
                         ^^^^^^ entity Nobody
        "#);
    }

    #[test]
    fn plain_text_has_no_references() {
        insta::assert_snapshot!(references(&format!("{SOURCES}//- notes/n.md\nPlain$0 text.\n")), @"(nothing to look for here)");
    }
}
