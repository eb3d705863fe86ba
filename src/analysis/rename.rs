//! Rename across the workspace: a source id (the article's file with every citation of it in every note) or an
//! entity (every mention of it, by any of its names, in every note, written as another of its names). Articles are
//! never edited; what cannot be renamed is refused with the reason.

use std::path::PathBuf;

use super::diagnostics::TextEdit;
use super::{Note, Notes};
use crate::bibliography::Catalog;
use crate::corpus::{Entity, entity_key};
use crate::markup::{is_citable_id, write_id, written_id_range};
use crate::text::{TextRange, TextSize};

/// The edits of a rename: text edits per note, and the article file renamed with its id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rename {
    /// The edits of each note that changes, by path, in the order of the text.
    pub edits: Vec<(PathBuf, Vec<TextEdit>)>,
    /// The article's file and its new path, when a source id is renamed.
    pub file: Option<(PathBuf, PathBuf)>,
}

/// Why something cannot be renamed, in words for the writer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RenameRefused(pub String);

/// What is renamed.
enum Target<'a> {
    Source { id: String, article: u32, range: TextRange },
    Entity { entity: &'a Entity, range: TextRange },
}

fn target<'a>(catalog: &'a Catalog, note: &Note, offset: TextSize) -> Result<Target<'a>, RenameRefused> {
    let syntax = note.syntax();
    if let Some((_, item)) = syntax.item_at(offset) {
        let scope = catalog.scope(note.path(), note.bibliographies());
        let Some(cited) = catalog.cited_in(&item.id, &scope) else {
            return Err(RenameRefused(format!("`{}` is not a source of this workspace", item.id)));
        };
        if let (Some(_), Some(file)) = (cited.entry, cited.entry_file)
            && cited.source.is_none_or(|source| source.id != item.id)
        {
            let file = file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into());
            return Err(RenameRefused(format!(
                "`{}` is a key of `{file}`: rename it there (in the reference manager that writes it)",
                item.id
            )));
        }
        let article = catalog.article_index(&item.id, &scope).expect("an article's own id cites it");
        return Ok(Target::Source {
            id: item.id.clone(),
            article,
            range: written_id_range(note.text(), item.id_range),
        });
    }
    if let Some(mention) = syntax.mention_at(offset) {
        if !catalog.corpus().is_complete() {
            return Err(RenameRefused(
                "the names of the articles are still being found: rename this mention once they are".to_string(),
            ));
        }
        let Some(entity) = catalog.corpus().entities().get(&mention.name) else {
            return Err(RenameRefused(format!("`{}` is not an entity any article names", mention.name)));
        };
        return Ok(Target::Entity { entity, range: mention.name_range });
    }
    Err(RenameRefused("nothing to rename here: put the cursor on a source id or an entity mention".to_string()))
}

/// The range to rename at `offset` and the text it holds, or why it cannot be renamed.
pub(super) fn prepare_rename(
    catalog: &Catalog,
    note: &Note,
    offset: TextSize,
) -> Result<(TextRange, String), RenameRefused> {
    Ok(match target(catalog, note, offset)? {
        Target::Source { range, .. } | Target::Entity { range, .. } => (range, note.text()[range].to_string()),
    })
}

/// Renames what is at `offset` of `note` to `new_name`, in every note of `notes` (which holds `note`'s path with
/// the text the offset is in).
pub(super) fn rename(
    catalog: &Catalog,
    notes: &Notes,
    note: &Note,
    offset: TextSize,
    new_name: &str,
) -> Result<Rename, RenameRefused> {
    let new_name = new_name.trim();
    match target(catalog, note, offset)? {
        Target::Source { id, article, .. } => rename_source(catalog, notes, &id, article, new_name),
        Target::Entity { entity, .. } => rename_entity(catalog, notes, entity, new_name),
    }
}

fn rename_source(
    catalog: &Catalog,
    notes: &Notes,
    id: &str,
    article: u32,
    new_id: &str,
) -> Result<Rename, RenameRefused> {
    let new_id = new_id.strip_prefix('@').unwrap_or(new_id);
    let new_id = new_id.strip_prefix('{').and_then(|id| id.strip_suffix('}')).unwrap_or(new_id);
    if new_id == id {
        return Ok(Rename { edits: Vec::new(), file: None });
    }
    let unsafe_in_a_file_name =
        |c: char| matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control();
    if !is_citable_id(new_id) || new_id.contains(unsafe_in_a_file_name) || new_id.starts_with('.') {
        return Err(RenameRefused(format!(
            "`{new_id}` cannot be an id: an id has no spaces, and as an article's file name no `/ \\ : * ? \" < > |`"
        )));
    }
    if catalog.exists(new_id) {
        return Err(RenameRefused(format!("`{new_id}` is already the id of a source; choose another")));
    }
    let source = catalog.corpus().source_at(article);
    let mut edits = Vec::new();
    for (path, note) in notes.iter() {
        let scope = catalog.scope(note.path(), note.bibliographies());
        let mut in_note: Vec<TextEdit> = (note.syntax().citations.iter())
            .flat_map(|citation| &citation.items)
            .filter(|item| item.id == id && catalog.article_index(&item.id, &scope) == Some(article))
            .map(|item| TextEdit { range: written_id_range(note.text(), item.id_range), new_text: write_id(new_id) })
            .collect();
        in_note.sort_by_key(|edit| edit.range.start());
        if !in_note.is_empty() {
            edits.push((path.to_path_buf(), in_note));
        }
    }
    let extension = source.path.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    let to = source.path.with_file_name(format!("{new_id}{extension}"));
    Ok(Rename { edits, file: Some((source.path.clone(), to)) })
}

fn rename_entity(catalog: &Catalog, notes: &Notes, entity: &Entity, new_name: &str) -> Result<Rename, RenameRefused> {
    let key = entity_key(new_name);
    let Some(name) = entity.names().find(|name| entity_key(name) == key) else {
        let names: Vec<String> = entity.names().map(|name| format!("`{name}`")).collect();
        return Err(RenameRefused(format!(
            "`{new_name}` is not a name of `{}` in the articles (its names: {}); mentions renamed to it would name \
             no entity (add it as an alias in marginalia.toml first)",
            entity.name,
            names.join(", ")
        )));
    };
    let entities = catalog.corpus().entities();
    let mut edits = Vec::new();
    for (path, note) in notes.iter() {
        let in_note: Vec<TextEdit> = (note.syntax().mentions.iter())
            .filter(|mention| entities.get(&mention.name).is_some_and(|other| std::ptr::eq(other, entity)))
            .filter(|mention| note.text()[mention.name_range] != *name)
            .map(|mention| TextEdit { range: mention.name_range, new_text: name.to_string() })
            .collect();
        if !in_note.is_empty() {
            edits.push((path.to_path_buf(), in_note));
        }
    }
    Ok(Rename { edits, file: None })
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::analysis::test_support::from_fixture;
    use crate::analysis::{Analysis, Fix};

    const WORKSPACE: &str = r#"
//- sources/harbour-strike.txt
Dock workers walked out on Monday, the Port Authority said.
Union leader Ana Ruiz said the strike would last until Friday. Ruiz was firm.
//- sources/council.txt
The council met. Ana Ruiz was not there.
//- notes/old.md
Earlier [@harbour-strike, "walked out"] and [[Ruiz]]; also [@council].
"#;

    /// The analysis, the notes of the fixture (every file under `notes/`), and the note with the cursor.
    fn workspace(fixture: &str) -> (Analysis, Notes, Note, TextSize) {
        let (analysis, note, parsed) = from_fixture(fixture);
        let notes = Notes::new(parsed.files.iter().filter(|f| f.path.starts_with("notes/")).map(|f| {
            let path = Path::new("/w").join(&f.path);
            let note: super::super::notes::SharedNote = Arc::new(Note::at(path.clone(), f.text.clone()));
            (path, note)
        }));
        (analysis, notes, note, parsed.cursor_offset())
    }

    /// The notes as they read after the rename, with the file rename on its own line.
    fn renamed(fixture: &str, new_name: &str) -> String {
        let (analysis, notes, note, offset) = workspace(fixture);
        let rename = match analysis.rename(&notes, &note, offset, new_name, true) {
            Ok(rename) => rename,
            Err(refused) => return format!("refused: {refused}"),
        };
        let mut out = String::new();
        for (path, edits) in &rename.edits {
            let text = notes.get(path).unwrap().text();
            out += &format!("{}: {}", path.display(), Fix { label: String::new(), edits: edits.clone() }.apply(text));
        }
        if let Some((from, to)) = &rename.file {
            out += &format!("{} -> {}\n", from.display(), to.display());
        }
        out
    }

    #[test]
    fn a_source_id_is_renamed_in_every_note_with_its_file() {
        let fixture = format!("{WORKSPACE}//- notes/week.md\nSee [@harbour-$0strike] and @harbour-strike [p. 2].\n");
        insta::assert_snapshot!(renamed(&fixture, "dock-strike"), @r#"
        /w/notes/old.md: Earlier [@dock-strike, "walked out"] and [[Ruiz]]; also [@council].
        /w/notes/week.md: See [@dock-strike] and @dock-strike [p. 2].
        /w/sources/harbour-strike.txt -> /w/sources/dock-strike.txt
        "#);
        insta::assert_snapshot!(renamed(&fixture, "odd.key."), @r#"
        /w/notes/old.md: Earlier [@{odd.key.}, "walked out"] and [[Ruiz]]; also [@council].
        /w/notes/week.md: See [@{odd.key.}] and @{odd.key.} [p. 2].
        /w/sources/harbour-strike.txt -> /w/sources/odd.key..txt
        "#);
    }

    #[test]
    fn a_source_id_is_not_renamed_to_one_that_exists_or_cannot_be_one() {
        let fixture = format!("{WORKSPACE}//- notes/week.md\nSee [@harbour-$0strike].\n");
        insta::assert_snapshot!(renamed(&fixture, "council"), @"refused: `council` is already the id of a source; choose another");
        insta::assert_snapshot!(renamed(&fixture, "dock strike"), @r#"refused: `dock strike` cannot be an id: an id has no spaces, and as an article's file name no `/ \ : * ? " < > |`"#);
        insta::assert_snapshot!(renamed(&fixture, "a/b"), @r#"refused: `a/b` cannot be an id: an id has no spaces, and as an article's file name no `/ \ : * ? " < > |`"#);
        let unknown = format!("{WORKSPACE}//- notes/week.md\nSee [@nowhere$0].\n");
        insta::assert_snapshot!(renamed(&unknown, "x"), @"refused: `nowhere` is not a source of this workspace");
    }

    #[test]
    fn an_entity_is_renamed_to_another_of_its_names_in_every_note() {
        let fixture = format!("{WORKSPACE}//- notes/week.md\n[[Ana Ruiz]] spoke; [[Ru$0iz]] again.\n");
        insta::assert_snapshot!(renamed(&fixture, "ana ruiz"), @r#"
        /w/notes/old.md: Earlier [@harbour-strike, "walked out"] and [[Ana Ruiz]]; also [@council].
        /w/notes/week.md: [[Ana Ruiz]] spoke; [[Ana Ruiz]] again.
        "#);
        let refused = renamed(&fixture, "Ann Ruiz");
        assert!(refused.starts_with("refused: `Ann Ruiz` is not a name of `Ana Ruiz`"), "{refused}");
    }

    #[test]
    fn a_bibliography_key_is_renamed_where_it_is_kept() {
        let fixture = format!("{WORKSPACE}//- refs.bib\n@misc{{k24, title={{T}}}}\n//- notes/week.md\nSee [@k$024].\n");
        insta::assert_snapshot!(renamed(&fixture, "k25"), @"refused: `k24` is a key of `refs.bib`: rename it there (in the reference manager that writes it)");
    }
}
