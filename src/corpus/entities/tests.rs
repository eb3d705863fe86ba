//! Entity extraction on short articles written for the tests: what is found, and what is not.

use crate::corpus::{Corpus, EntityOverrides, Source};
use crate::fixture::Fixture;

/// Indexes the fixture's files as articles and lists the entities, one per line:
/// `type name [aliases] {demonyms} mentions/articles`.
fn entities(fixture: &str) -> String {
    entities_with(fixture, EntityOverrides::default())
}

fn entities_with(fixture: &str, overrides: EntityOverrides) -> String {
    let fixture = Fixture::parse(fixture);
    let sources =
        fixture.files.iter().map(|f| Source::new(f.path.clone(), f.path.clone().into(), f.text.clone())).collect();
    let (corpus, _) = Corpus::new(sources, overrides);
    let mut lines: Vec<String> = corpus
        .entities()
        .iter()
        .map(|e| {
            let mut line = format!("{} {}", e.kind.as_str(), e.name);
            if !e.aliases.is_empty() {
                line += &format!(" [{}]", e.aliases.join(", "));
            }
            if !e.demonyms.is_empty() {
                line += &format!(" {{{}}}", e.demonyms.join(", "));
            }
            line + &format!(" {}/{}", e.mentions.len(), e.article_count)
        })
        .collect();
    lines.sort();
    lines.join("\n")
}

#[test]
fn people_with_titles_honorifics_and_short_forms() {
    insta::assert_snapshot!(entities(r#"
//- a.txt
Union leader Ana Ruiz told reporters in Valparaiso that the strike would go on.
"We will not be moved," Ms Ruiz said on Monday.
Ruiz spoke after Labour Minister Tomas Vidal met the union.
In a statement, Vidal said the talks were over.
"#), @r"
    person Ana Ruiz [Ms Ruiz, Ruiz] 3/1
    person Tomas Vidal [Vidal] 2/1
    place Valparaiso 1/1
    ");
}

#[test]
fn acronyms_join_their_expansion_and_demonyms_their_place() {
    insta::assert_snapshot!(entities(r#"
//- a.txt
The Pacific Dockers Alliance (PDA) said Chilean ports were shut across Chile.
Officials of the PDA met in Santiago, Chile, on Tuesday.
"#), @r"
    organisation Pacific Dockers Alliance [PDA] 3/1
    place Chile {Chilean} 2/1
    place Santiago 1/1
    ");
}

#[test]
fn sentence_initial_words_are_not_names() {
    insta::assert_snapshot!(entities(r#"
//- a.txt
Following the vote, the port reopened.
Meanwhile the ships waited, following orders from Harbour Control.
Harbour Control later said the port was open.
"#), @"other Harbour Control 2/1");
}

#[test]
fn overrides_add_merge_and_hide() {
    let overrides = EntityOverrides {
        entities: vec![crate::corpus::ConfiguredEntity {
            name: "Pacific Dockers".into(),
            kind: Some(crate::corpus::EntityKind::Organisation),
            aliases: vec!["Dockers Union".into()],
        }],
        hide: vec!["Santiago".into()],
    };
    insta::assert_snapshot!(entities_with(r#"
//- a.txt
The Dockers Union met in Santiago with Mayor Rosa Diaz.
"#, overrides), @r"
    organisation Pacific Dockers [Dockers Union] 1/1
    person Rosa Diaz 1/1
    ");
}

#[test]
fn word_hashes_ignore_case_in_any_script() {
    use super::word_hash;
    assert_eq!(word_hash("Kirby"), word_hash("kirby"));
    assert_eq!(word_hash("KIRBY"), word_hash("kirby"));
    assert_eq!(word_hash("Ärzte"), word_hash("ärzte"));
    assert_ne!(word_hash("kirby"), word_hash("kirbi"));
}
