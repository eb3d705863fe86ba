//! Symbols and links: a note's outline (its headings, with the sources it cites and the entities it mentions under
//! each), the workspace's symbols (articles by id and title, entities by any name, notes by heading), and the links
//! of a note (each cited id to its article, or to its entry in a bibliography).

use std::path::PathBuf;

use super::{Note, Notes};
use crate::bibliography::Catalog;
use crate::corpus::collapse_whitespace;
use crate::text::TextRange;

/// What a symbol is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// A heading of a note.
    Heading,
    /// A cited source, or an article.
    Source,
    /// A mentioned entity.
    Entity,
}

/// A symbol of one note, with the symbols under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// What it is called.
    pub name: String,
    /// More about it: an article's title, an entity's type.
    pub detail: Option<String>,
    /// What it is.
    pub kind: SymbolKind,
    /// All of it (a heading's section runs to the next heading of its level or above).
    pub range: TextRange,
    /// The part to show selected: the heading line, the id, the name.
    pub selection: TextRange,
    /// The symbols under it.
    pub children: Vec<Symbol>,
}

/// A symbol of the workspace, in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    /// What it is called.
    pub name: String,
    /// Where it belongs: an article's title, an entity's type, a note's file name.
    pub container: Option<String>,
    /// What it is.
    pub kind: SymbolKind,
    /// The file.
    pub path: PathBuf,
    /// The article the file is, by its index in the corpus (none for a note).
    pub article: Option<u32>,
    /// Where in the file.
    pub range: TextRange,
}

/// The most workspace symbols one query answers: an editor shows a screenful and asks again as the user types.
pub const MAX_WORKSPACE_SYMBOLS: usize = 200;

/// The outline of `note`: headings nested by level, and under each (or at the top, before the first heading) the
/// sources it cites and the entities it mentions, each once, where it first appears.
pub(super) fn document_symbols(catalog: &Catalog, note: &Note) -> Vec<Symbol> {
    let syntax = note.syntax();
    let text_end = crate::text::size(note.text().len());
    // Each heading's section: up to the next heading of the same level or above.
    let headings = &syntax.headings;
    let mut sections: Vec<Symbol> = headings
        .iter()
        .enumerate()
        .map(|(i, heading)| {
            let end = headings[i + 1..]
                .iter()
                .find(|next| next.level <= heading.level)
                .map_or(text_end, |next| next.range.start());
            Symbol {
                name: if heading.title.is_empty() { "(untitled)".to_string() } else { heading.title.clone() },
                detail: None,
                kind: SymbolKind::Heading,
                range: TextRange::new(heading.range.start(), end),
                selection: heading.range,
                children: Vec::new(),
            }
        })
        .collect();
    let scope = catalog.scope(note.path(), note.bibliographies());
    let mut leaves: Vec<Symbol> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for item in syntax.citations.iter().flat_map(|citation| &citation.items) {
        if !seen.insert(("source", item.id.clone())) {
            continue;
        }
        let title = catalog.cited_in(&item.id, &scope).and_then(|cited| cited.reference().title);
        leaves.push(Symbol {
            name: format!("@{}", item.id),
            detail: title,
            kind: SymbolKind::Source,
            range: item.range,
            selection: item.id_range,
            children: Vec::new(),
        });
    }
    let entities = catalog.corpus().entities();
    for mention in &syntax.mentions {
        let entity = entities.get(&mention.name);
        let name = entity.map_or(&mention.name, |entity| &entity.name);
        if !seen.insert(("entity", name.clone())) {
            continue;
        }
        leaves.push(Symbol {
            name: name.clone(),
            detail: entity.map(|entity| entity.kind.as_str().to_string()),
            kind: SymbolKind::Entity,
            range: mention.range,
            selection: mention.name_range,
            children: Vec::new(),
        });
    }
    leaves.sort_by_key(|leaf| leaf.range.start());
    // Each leaf goes to the innermost section that holds it; sections nest by level.
    let mut top: Vec<Symbol> = Vec::new();
    for leaf in leaves {
        match sections.iter().rposition(|section| section.range.contains_range(leaf.range)) {
            Some(at) => sections[at].children.push(leaf),
            None => top.push(leaf),
        }
    }
    let levels: Vec<u8> = headings.iter().map(|heading| heading.level).collect();
    top.extend(nest(sections, &levels));
    top.sort_by_key(|symbol| symbol.range.start());
    top
}

/// Sections nested by level: each under the nearest section before it with a lower level.
fn nest(sections: Vec<Symbol>, levels: &[u8]) -> Vec<Symbol> {
    let mut stack: Vec<(u8, Symbol)> = Vec::new();
    let mut roots = Vec::new();
    let close = |stack: &mut Vec<(u8, Symbol)>, roots: &mut Vec<Symbol>| {
        let (_, done) = stack.pop().expect("an open section");
        match stack.last_mut() {
            Some((_, parent)) => {
                parent.children.push(done);
                parent.children.sort_by_key(|child| child.range.start());
            }
            None => roots.push(done),
        }
    };
    for (section, &level) in sections.into_iter().zip(levels) {
        while stack.last().is_some_and(|&(open, _)| open >= level) {
            close(&mut stack, &mut roots);
        }
        stack.push((level, section));
    }
    while !stack.is_empty() {
        close(&mut stack, &mut roots);
    }
    roots
}

/// The symbols of the workspace whose name holds `query` (case and spacing aside; every symbol for an empty one):
/// articles by id and by title, entities by any of their names, notes by heading. At most
/// [`MAX_WORKSPACE_SYMBOLS`], articles first, then entities, then headings.
pub(super) fn workspace_symbols(catalog: &Catalog, notes: &Notes, query: &str) -> Vec<WorkspaceSymbol> {
    let query = collapse_whitespace(query).to_lowercase();
    let matches = |name: &str| query.is_empty() || name.to_lowercase().contains(&query);
    let mut found = Vec::new();
    let corpus = catalog.corpus();
    for (index, source) in corpus.sources().enumerate() {
        if found.len() >= MAX_WORKSPACE_SYMBOLS {
            return found;
        }
        if matches(&source.id) || matches(&source.title) {
            found.push(WorkspaceSymbol {
                name: source.id.clone(),
                container: Some(source.title.clone()).filter(|title| !title.is_empty()),
                kind: SymbolKind::Source,
                path: source.path.clone(),
                article: Some(index as u32),
                range: TextRange::empty(source.body.start()),
            });
        }
    }
    for entity in corpus.entities().iter() {
        if found.len() >= MAX_WORKSPACE_SYMBOLS {
            return found;
        }
        let (Some(name), Some(first)) = (entity.names().find(|name| matches(name)), entity.mentions.first()) else {
            continue;
        };
        let source = corpus.source_at(first.source);
        found.push(WorkspaceSymbol {
            name: name.to_string(),
            container: Some(format!("{} \u{b7} {}", entity.kind.as_str(), entity.name)),
            kind: SymbolKind::Entity,
            path: source.path.clone(),
            article: Some(first.source),
            range: first.range,
        });
    }
    for (path, note) in notes.iter() {
        for heading in note.syntax().headings.iter().filter(|heading| matches(&heading.title)) {
            if found.len() >= MAX_WORKSPACE_SYMBOLS {
                return found;
            }
            found.push(WorkspaceSymbol {
                name: heading.title.clone(),
                container: path.file_name().map(|name| name.to_string_lossy().into_owned()),
                kind: SymbolKind::Heading,
                path: path.to_path_buf(),
                article: None,
                range: heading.range,
            });
        }
    }
    found
}

/// The links of `note`: each cited id (that cites something) to its article's file, or to its bibliography.
pub(super) fn document_links(catalog: &Catalog, note: &Note) -> Vec<(TextRange, PathBuf)> {
    let scope = catalog.scope(note.path(), note.bibliographies());
    (note.syntax().citations.iter())
        .flat_map(|citation| &citation.items)
        .filter_map(|item| {
            let cited = catalog.cited_in(&item.id, &scope)?;
            let path = match (cited.source, cited.entry_file) {
                (Some(source), _) => source.path.clone(),
                (None, Some(file)) => file.to_path_buf(),
                (None, None) => return None,
            };
            Some((item.id_range, path))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::test_support::from_fixture;

    const WORKSPACE: &str = r#"
//- sources/harbour-strike.txt
---
title: Dockers walk out
---
Dock workers walked out. Union leader Ana Ruiz said so. Ruiz was firm.
//- sources/council.txt
The council met in Vellbridge.
"#;

    fn outline(symbols: &[Symbol], depth: usize, out: &mut String) {
        for symbol in symbols {
            let detail = symbol.detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
            *out += &format!("{}{:?} {}{detail}\n", "  ".repeat(depth), symbol.kind, symbol.name);
            outline(&symbol.children, depth + 1, out);
        }
    }

    #[test]
    fn the_outline_nests_headings_with_the_sources_and_entities_under_them() {
        let fixture = format!(
            "{WORKSPACE}//- notes/week.md\nIntro [@council].\n\n# Strike\n\nAs [[Ruiz]] said [@harbour-strike, \"walked out\"].\n\n## Aftermath\n\n[[Ana Ruiz]] again, and [@council].\n\nCouncil\n=======\n\nNothing [@nowhere].\n"
        );
        let (analysis, note, _) = from_fixture(&fixture);
        let mut out = String::new();
        outline(&analysis.document_symbols(&note), 0, &mut out);
        insta::assert_snapshot!(out, @r"
        Source @council (The council met in Vellbridge.)
        Heading Strike
          Entity Ana Ruiz (person)
          Source @harbour-strike (Dockers walk out)
          Heading Aftermath
        Heading Council
          Source @nowhere
        ");
    }

    #[test]
    fn links_lead_from_each_cited_id_to_its_article() {
        let fixture = format!("{WORKSPACE}//- notes/week.md\n[@council] [@nowhere] @harbour-strike.\n");
        let (analysis, note, _) = from_fixture(&fixture);
        let links: Vec<String> = analysis
            .document_links(&note)
            .into_iter()
            .map(|(range, path)| format!("{} -> {}", &note.text()[range], path.display()))
            .collect();
        assert_eq!(links, ["council -> /w/sources/council.txt", "harbour-strike -> /w/sources/harbour-strike.txt"]);
    }
}
