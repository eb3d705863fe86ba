//! The workspace configuration, `marginalia.toml`: where the articles, the notes and the bibliographies are, and
//! entity overrides.
//!
//! ```toml
//! sources = ["sources", "archive/**/*.txt"]   # folders (every .txt and .md below) or globs
//! notes = ["**/*.md"]                         # globs; the article files are never notes
//! bibliography = ["library.bib"]              # CSL JSON, CSL YAML, BibTeX or BibLaTeX files
//!
//! [entities]
//! hide = ["Follow Us"]
//!
//! [[entity]]
//! name = "Wagner Group"
//! type = "organisation"
//! aliases = ["Wagner", "PMC Wagner"]
//! ```
//!
//! Parsing is pure: it takes the text and returns the configuration or an error with its range.

use serde::Deserialize;

use crate::corpus::{ConfiguredEntity, EntityKind, EntityOverrides};
use crate::text::{TextRange, range};

/// The file name marginalia looks for at the root of a workspace.
pub const CONFIG_FILE: &str = "marginalia.toml";

/// The configuration of a workspace; `Config::default()` is what a workspace without `marginalia.toml` gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Folders or globs, relative to the root, that hold the articles.
    pub sources: Vec<String>,
    /// Globs, relative to the root, of the notes.
    pub notes: Vec<String>,
    /// Bibliography files (CSL JSON, CSL YAML, BibTeX, BibLaTeX), relative to the root, whose entries notes cite.
    pub bibliography: Vec<String>,
    /// Entities added, merged or hidden by the user.
    pub entities: EntityOverrides,
    /// Whether an article no note cites gets an `unused-source` hint (off unless asked for: most workspaces hold
    /// more articles than their notes cite).
    pub unused_sources: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            sources: vec!["sources".to_string()],
            notes: vec!["**/*.md".to_string()],
            bibliography: Vec::new(),
            entities: EntityOverrides::default(),
            unused_sources: false,
        }
    }
}

/// An error in `marginalia.toml`, with the range it is about.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    /// What is wrong and what was expected.
    pub message: String,
    /// Where, in the configuration text.
    pub range: TextRange,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    sources: Option<Vec<String>>,
    notes: Option<Vec<String>>,
    bibliography: Option<OneOrMany>,
    entities: Option<RawEntities>,
    entity: Option<Vec<RawEntity>>,
    #[serde(rename = "unused-sources")]
    unused_sources: Option<bool>,
}

/// A path or a list of paths, as Pandoc's `bibliography` takes them.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntities {
    #[serde(default)]
    hide: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntity {
    name: toml::Spanned<String>,
    #[serde(rename = "type")]
    kind: Option<toml::Spanned<String>>,
    #[serde(default)]
    aliases: Vec<toml::Spanned<String>>,
}

impl Config {
    /// Parses the text of a `marginalia.toml`.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|error| ConfigError {
            message: error.message().trim_end_matches('\n').to_string(),
            range: error.span().map_or(range(0, 0), |span| range(span.start, span.end)),
        })?;
        let mut config = Config::default();
        if let Some(sources) = raw.sources {
            config.sources = sources;
        }
        if let Some(notes) = raw.notes {
            config.notes = notes;
        }
        config.unused_sources = raw.unused_sources.unwrap_or(false);
        config.bibliography = match raw.bibliography {
            Some(OneOrMany::One(path)) => vec![path],
            Some(OneOrMany::Many(paths)) => paths,
            None => Vec::new(),
        };
        for pattern in config.sources.iter().chain(&config.notes) {
            if let Err(error) = globset::Glob::new(pattern) {
                let at = text.find(pattern.as_str()).unwrap_or(0);
                return Err(ConfigError {
                    message: format!("invalid glob `{pattern}`: {}", error.kind()),
                    range: range(at, at + pattern.len()),
                });
            }
        }
        if let Some(entities) = raw.entities {
            config.entities.hide = entities.hide;
        }
        // Each name belongs to one configured entity: two would make merging ambiguous.
        let mut owners: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        for entity in raw.entity.unwrap_or_default() {
            let names = std::iter::once(&entity.name).chain(&entity.aliases);
            for name in names {
                let span = name.span();
                if name.get_ref().trim().is_empty() {
                    return Err(ConfigError {
                        message: format!("an empty name in entity `{}`", entity.name.get_ref()),
                        range: range(span.start, span.end),
                    });
                }
                let key = crate::corpus::entity_key(name.get_ref());
                if let Some(owner) = owners.insert(key, entity.name.get_ref().clone()) {
                    return Err(ConfigError {
                        message: format!(
                            "`{}` is already a name of the entity `{owner}`; a name can belong to one entity only",
                            name.get_ref()
                        ),
                        range: range(span.start, span.end),
                    });
                }
                if config
                    .entities
                    .hide
                    .iter()
                    .any(|hidden| crate::corpus::entity_key(hidden) == crate::corpus::entity_key(name.get_ref()))
                {
                    return Err(ConfigError {
                        message: format!(
                            "`{}` is both hidden (`entities.hide`) and configured as an entity",
                            name.get_ref()
                        ),
                        range: range(span.start, span.end),
                    });
                }
            }
            let name_span = entity.name.span();
            let name = entity.name.into_inner();
            if name.trim().is_empty() {
                return Err(ConfigError {
                    message: "an entity needs a non-empty `name`".to_string(),
                    range: range(name_span.start, name_span.end),
                });
            }
            let kind = match entity.kind {
                None => None,
                Some(kind) => {
                    let span = kind.span();
                    Some(EntityKind::parse(kind.get_ref()).ok_or_else(|| ConfigError {
                        message: format!(
                            "unknown entity type `{}`: expected one of person, organisation, place, other",
                            kind.get_ref()
                        ),
                        range: range(span.start, span.end),
                    })?)
                }
            };
            let aliases = entity.aliases.into_iter().map(toml::Spanned::into_inner).collect();
            config.entities.entities.push(ConfiguredEntity { name, kind, aliases });
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unused_sources_are_reported_only_when_asked_for() {
        assert!(!Config::parse("").unwrap().unused_sources);
        assert!(Config::parse("unused-sources = true").unwrap().unused_sources);
        let error = Config::parse("unused-sources = \"yes\"").unwrap_err();
        assert!(error.message.contains("bool"), "{}", error.message);
    }

    #[test]
    fn a_bibliography_is_one_path_or_a_list() {
        assert_eq!(Config::parse("bibliography = \"refs.bib\"").unwrap().bibliography, ["refs.bib"]);
        let config = Config::parse("bibliography = [\"a.json\", \"b.yaml\"]").unwrap();
        assert_eq!(config.bibliography, ["a.json", "b.yaml"]);
        assert!(Config::parse("bibliography = 3").is_err());
        assert!(Config::default().bibliography.is_empty());
    }

    #[test]
    fn a_name_belongs_to_one_entity_and_is_not_also_hidden() {
        let error = Config::parse(
            "[[entity]]\nname = \"Wagner Group\"\naliases = [\"Wagner\"]\n[[entity]]\nname = \"Wagner\"\n",
        )
        .unwrap_err();
        assert_eq!(
            error.message,
            "`Wagner` is already a name of the entity `Wagner Group`; a name can belong to one entity only"
        );
        assert_eq!(error.range, range(72, 80), "the second `\"Wagner\"`");
        let error = Config::parse("[entities]\nhide = [\"NDTV\"]\n[[entity]]\nname = \"ndtv\"\n").unwrap_err();
        assert_eq!(error.message, "`ndtv` is both hidden (`entities.hide`) and configured as an entity");
        let error = Config::parse("[[entity]]\nname = \"Port\"\naliases = [\" \"]\n").unwrap_err();
        assert_eq!(error.message, "an empty name in entity `Port`");
    }

    #[test]
    fn defaults_when_empty() {
        assert_eq!(Config::parse("").unwrap(), Config::default());
    }

    #[test]
    fn reads_every_key() {
        let config = Config::parse(
            r#"
sources = ["articles"]
notes = ["notes/**/*.md"]
[entities]
hide = ["Follow Us"]
[[entity]]
name = "Wagner Group"
type = "org"
aliases = ["Wagner"]
"#,
        )
        .unwrap();
        assert_eq!(config.sources, vec!["articles"]);
        assert_eq!(config.notes, vec!["notes/**/*.md"]);
        assert_eq!(config.entities.hide, vec!["Follow Us"]);
        assert_eq!(config.entities.entities[0].kind, Some(EntityKind::Organisation));
    }

    #[test]
    fn errors_point_at_the_problem() {
        let text = "sources = [\"a\"]\n[[entity]]\nname = \"X\"\ntype = \"planet\"\n";
        let error = Config::parse(text).unwrap_err();
        assert_eq!(error.message, "unknown entity type `planet`: expected one of person, organisation, place, other");
        assert_eq!(&text[error.range], "\"planet\"");

        let text = "sourcs = [\"a\"]\n";
        let error = Config::parse(text).unwrap_err();
        assert!(error.message.contains("unknown field `sourcs`"), "{}", error.message);
        assert_eq!(&text[error.range], "sourcs");
    }
}
