//! Hover previews, in Markdown: a source (title, date, file, opening lines), a quote (inside its sentence in the
//! article, with the line), an entity (aliases, type, counts and a few sentences that mention it).

use super::Note;
use crate::bibliography::{Catalog, Cited};
use crate::corpus::{Corpus, Entity, Source, collapse_whitespace, shorten};
use crate::markup::{CiteItem, EntityMention, Quote};
use crate::text::{TextRange, TextSize};

/// A hover preview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// The range of the note the preview is about.
    pub range: TextRange,
    /// The preview, in Markdown.
    pub markdown: String,
}

/// How many sentences an entity preview shows.
const ENTITY_SENTENCES: usize = 3;

pub(super) fn hover(catalog: &Catalog, note: &Note, offset: TextSize) -> Option<Hover> {
    let corpus = catalog.corpus();
    let syntax = note.syntax();
    if let Some((_, item)) = syntax.item_at(offset) {
        let cited = catalog.cited_in(&item.id, &catalog.scope(note.path(), note.bibliographies()))?;
        return Some(match (cited.source, item.quote_at(offset)) {
            (Some(source), Some(quote)) => Hover { range: quote.range, markdown: quote_preview(source, item, quote) },
            (None, Some(quote)) => Hover {
                range: quote.range,
                markdown: format!(
                    "**Quote not checked**: `{}` is a bibliography entry without an article, so there is nothing \
                     to check it against\n\n{}",
                    item.id,
                    cited.reference().markdown(escape)
                ),
            },
            (_, None) => Hover { range: item.id_range, markdown: source_preview(&cited) },
        });
    }
    let mention = syntax.mention_at(offset)?;
    let entity = corpus.entities().get(&mention.name)?;
    Some(Hover { range: mention.range, markdown: entity_preview(corpus, entity, mention) })
}

fn file_name(source: &Source) -> String {
    source
        .path
        .file_name()
        .map_or_else(|| source.path.display().to_string(), |name| name.to_string_lossy().into_owned())
}

fn source_preview(cited: &Cited) -> String {
    let reference = cited.reference();
    let mut out = reference.markdown(escape) + "\n\n";
    if let Some(date) = reference.issued {
        out += &format!("{} · ", date.iso());
    }
    let Some(source) = cited.source else {
        let file = cited.entry_file.and_then(|path| path.file_name()).map(|name| name.to_string_lossy());
        out += &format!("entry of `{}`", file.unwrap_or_default());
        if let Some(url) = &reference.url {
            out += &format!(" · <{url}>");
        }
        return out + "\n\nNo article: quotes of it cannot be checked.";
    };
    out += &format!("`{}`", file_name(source));
    if let Some(encoding) = &source.encoding {
        out += &format!(" (read as {encoding})");
    }
    if let Some(url) = &reference.url {
        out += &format!(" · <{url}>");
    }
    // The opening lines, but not the one the title already shows (a title taken from the lede).
    let title = source.title.trim_end_matches('\u{2026}');
    for line in
        source.opening_lines(4).into_iter().filter(|line| title.is_empty() || !line.trim().starts_with(title)).take(3)
    {
        out += &format!("\n\n> {}", escape(&shorten(line, 300)));
    }
    out
}

/// The most places of a quote a preview counts.
const MAX_COUNTED: usize = 100;

fn quote_preview(source: &Source, item: &CiteItem, quote: &Quote) -> String {
    let Ok(found) = source.find_quote(&quote.text, MAX_COUNTED + 1) else {
        return format!("**Quote not checked** in `{}`: too many ways to read its elisions and insertions", item.id);
    };
    let Some(&first) = found.first() else {
        let mut out = format!("**Quote not found** in `{}`", item.id);
        if let Some(miss) = source.closest_passages(&quote.text, 1).first() {
            out += &format!(
                "\n\nClosest passage ({:.0}% similar):\n\n> {}",
                (miss.similarity * 100.0).floor(),
                escape(&collapse_whitespace(&source.text[miss.range]))
            );
        }
        return out;
    };
    let context = source.sentences_around(first);
    let before = collapse_whitespace(&source.text[TextRange::new(context.start(), first.start())]);
    let quoted = collapse_whitespace(&source.text[first]);
    let after = collapse_whitespace(&source.text[TextRange::new(first.end(), context.end())]);
    let space_before = source.text[..usize::from(first.start())].ends_with(char::is_whitespace);
    let space_after = source.text[usize::from(first.end())..].starts_with(char::is_whitespace);
    let join = |a: &str, b: &str, c: &str| {
        let mut s = escape(a);
        if !a.is_empty() && space_before {
            s.push(' ');
        }
        s += &format!("**{}**", escape(b));
        if !c.is_empty() {
            if space_after {
                s.push(' ');
            }
            s += &escape(c);
        }
        s
    };
    let place = source.place(first);
    let mut out = format!("> {}\n\n`{}`, {place} · `{}`", join(&before, &quoted, &after), item.id, file_name(source));
    match found.len() {
        1 => {}
        n if n > MAX_COUNTED => out += &format!(" · found more than {MAX_COUNTED} times"),
        n => out += &format!(" · found {n} times"),
    }
    out
}

fn entity_preview(corpus: &Corpus, entity: &Entity, mention: &EntityMention) -> String {
    let mut out = format!("**{}** · {}", escape(&entity.name), entity.kind.as_str());
    if let Some(description) = &entity.description {
        out += &format!(" · {}", escape(description));
    }
    let aliases: Vec<&String> = entity.aliases.iter().filter(|a| **a != mention.name).collect();
    if !aliases.is_empty() {
        out += &format!("\n\nAlso: {}", escape(&aliases.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", ")));
    }
    if !entity.demonyms.is_empty() {
        out += &format!("\n\nDemonyms: {}", escape(&entity.demonyms.join(", ")));
    }
    out += &format!(
        "\n\n{} {} in {} {}",
        entity.mentions.len(),
        if entity.mentions.len() == 1 { "mention" } else { "mentions" },
        entity.article_count,
        if entity.article_count == 1 { "article" } else { "articles" }
    );
    let naming = super::diagnostics::articles_naming(entity);
    let named: Vec<String> =
        naming.iter().take(5).map(|&(s, n)| format!("`{}` ({n})", corpus.source_at(s).id)).collect();
    let more = if naming.len() > 5 { format!(", {} more", naming.len() - 5) } else { String::new() };
    out += &format!(": {}{more}", named.join(", "));
    // One sentence per article first, so the preview shows the breadth of sources.
    let mut shown: Vec<(u32, TextRange)> = Vec::new();
    for pass in 0..2 {
        for occurrence in &entity.mentions {
            if shown.len() >= ENTITY_SENTENCES {
                break;
            }
            let seen_article = shown.iter().any(|(s, _)| *s == occurrence.source);
            if pass == 0 && seen_article {
                continue;
            }
            let source = corpus.source_at(occurrence.source);
            let Some(sentence) = source.sentence_at(occurrence.range.start()) else {
                continue;
            };
            if shown.contains(&(occurrence.source, sentence)) {
                continue;
            }
            shown.push((occurrence.source, sentence));
        }
    }
    for (source_index, sentence) in shown {
        let source = corpus.source_at(source_index);
        let text = shorten(&collapse_whitespace(&source.text[sentence]), 240);
        out += &format!("\n\n> {} — `{}`", escape(&text), source.id);
    }
    out
}

/// Escapes the characters Markdown would read as markup.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::analysis::test_support::from_fixture;

    fn hover(fixture: &str) -> String {
        let (analysis, note, parsed) = from_fixture(fixture);
        match analysis.hover(&note, parsed.cursor_offset()) {
            Some(hover) => format!("[{:?}]\n{}", &note.text()[hover.range], hover.markdown),
            None => "(no hover)".to_string(),
        }
    }

    const SOURCES: &str = r#"
//- sources/harbour-strike.txt
---
title: Dockers walk out
date: 2024-03-04
---
Dock workers walked out on Monday, the Port Authority said.
"We will not be moved," said union leader Ana Ruiz, who has led
the union since 2019. Ruiz said the strike would last until Friday.
"#;

    #[test]
    fn a_source_shows_title_date_file_and_opening_lines() {
        insta::assert_snapshot!(hover(&format!("{SOURCES}//- n.md\nSee [@harbour$0-strike].")), @r#"
        ["harbour-strike"]
        **Dockers walk out**

        2024-03-04 · `harbour-strike.txt`

        > Dock workers walked out on Monday, the Port Authority said.

        > "We will not be moved," said union leader Ana Ruiz, who has led

        > the union since 2019. Ruiz said the strike would last until Friday.
        "#);
    }

    #[test]
    fn a_title_taken_from_the_lede_is_not_shown_twice() {
        let source = "//- sources/strike.txt\nDock workers walked out on Monday, the Port Authority said.\nThe strike lasted four days.\n";
        insta::assert_snapshot!(hover(&format!("{source}//- n.md\nSee [@str$0ike].")), @r#"
        ["strike"]
        **Dock workers walked out on Monday, the Port Authority said.**

        `strike.txt`

        > The strike lasted four days.
        "#);
    }

    #[test]
    fn a_source_with_authors_and_outlet_shows_its_reference() {
        let source = "//- sources/harbour-strike.txt\n---\ntitle: Dockers walk out\nauthor: Jane Doe and Tomas Lind\noutlet: The Coastal Courier\ndate: 2024-03-04\n---\nDock workers walked out.\n";
        insta::assert_snapshot!(hover(&format!("{source}//- n.md\nSee [@harbour$0-strike].")), @r#"
        ["harbour-strike"]
        Jane Doe and Tomas Lind (2024). **Dockers walk out**. *The Coastal Courier*.

        2024-03-04 · `harbour-strike.txt`

        > Dock workers walked out.
        "#);
    }

    #[test]
    fn a_bibliography_entry_lends_its_article_a_reference_or_stands_alone() {
        let library = "//- refs/library.bib\n@article{lind2024, title={Harbour Strike}, author={Lind, Tomas}, journaltitle={The Coastal Courier}, entrysubtype={newspaper}, date={2024-03-05}, file={../sources/harbour-strike.txt}}\n@book{okafor2021, title={Ports in Transition}, author={Okafor, Ada}, publisher={Tidewater}, date={2021}}\n";
        insta::assert_snapshot!(hover(&format!("{SOURCES}{library}//- n.md\nSee [@lind$02024].")), @r#"
        ["lind2024"]
        Tomas Lind (2024). **Harbour Strike**. *The Coastal Courier*.

        2024-03-05 · `harbour-strike.txt`

        > Dock workers walked out on Monday, the Port Authority said.

        > "We will not be moved," said union leader Ana Ruiz, who has led

        > the union since 2019. Ruiz said the strike would last until Friday.
        "#);
        insta::assert_snapshot!(hover(&format!("{SOURCES}{library}//- n.md\nSee [@okafor$02021].")), @r#"
        ["okafor2021"]
        Ada Okafor (2021). **Ports in Transition**. *Tidewater*.

        2021 · entry of `library.bib`

        No article: quotes of it cannot be checked.
        "#);
        insta::assert_snapshot!(hover(&format!("{SOURCES}{library}//- n.md\nSee [@okafor2021, p. 4, \"a $0quote\"].")), @r#"
        ["\"a quote\""]
        **Quote not checked**: `okafor2021` is a bibliography entry without an article, so there is nothing to check it against

        Ada Okafor (2021). **Ports in Transition**. *Tidewater*.
        "#);
    }

    #[test]
    fn a_quote_shows_its_sentence_with_the_line() {
        insta::assert_snapshot!(hover(&format!("{SOURCES}//- n.md\n[@harbour-strike, \"who has led the $0union\"]")), @r#"
        ["\"who has led the union\""]
        > "We will not be moved," said union leader Ana Ruiz, **who has led the union** since 2019.

        `harbour-strike`, line 6 · `harbour-strike.txt`
        "#);
    }

    #[test]
    fn a_missing_quote_shows_the_closest_passage() {
        insta::assert_snapshot!(hover(&format!("{SOURCES}//- n.md\n[@harbour-strike, \"the strike will last$0\"]")), @r#"
        ["\"the strike will last\""]
        **Quote not found** in `harbour-strike`

        Closest passage (85% similar):

        > the strike would last
        "#);
    }

    #[test]
    fn an_entity_shows_aliases_counts_and_sentences() {
        insta::assert_snapshot!(hover(&format!("{SOURCES}//- n.md\nSee [[Ana R$0uiz]].")), @r#"
        ["[[Ana Ruiz]]"]
        **Ana Ruiz** · person

        Also: Ruiz

        2 mentions in 1 article: `harbour-strike` (2)

        > "We will not be moved," said union leader Ana Ruiz, who has led the union since 2019. — `harbour-strike`

        > Ruiz said the strike would last until Friday. — `harbour-strike`
        "#);
    }
}
