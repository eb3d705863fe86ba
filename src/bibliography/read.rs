//! Reading bibliography files: CSL JSON (`serde_json`), CSL YAML (`serde_yaml_ng`) and BibTeX or BibLaTeX (the
//! `biblatex` crate), in the shapes reference managers export (Zotero, Better BibTeX) and Pandoc reads.
//!
//! Reading never fails as a whole: each entry that cannot be read is an error with its range, and every other entry
//! is kept, so that one broken entry does not hide a library of thousands.

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{Date, Name, Reference};
use crate::text::{LineCol, LineIndex, PositionEncoding, TextRange, range};

/// The syntaxes of bibliography files that are read, by their extension as Pandoc tells them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BibSyntax {
    /// CSL JSON (`.json`): an array of items, as Zotero and Better BibTeX export them.
    CslJson,
    /// CSL YAML (`.yaml`, `.yml`): a list of items, or a mapping with a `references` list (Pandoc's form).
    CslYaml,
    /// BibTeX or BibLaTeX (`.bib`, `.bibtex`).
    Biblatex,
}

impl BibSyntax {
    /// The syntax a file name's extension says, if it is one that is read.
    pub fn of_path(path: &std::path::Path) -> Option<BibSyntax> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(BibSyntax::CslJson),
            "yaml" | "yml" => Some(BibSyntax::CslYaml),
            "bib" | "bibtex" => Some(BibSyntax::Biblatex),
            _ => None,
        }
    }
}

/// One entry of a bibliography file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The reference; its id is the entry's key.
    pub reference: Reference,
    /// The files attached to the entry (its `file` field), as written: a path, absolute or relative to the
    /// bibliography's folder.
    pub files: Vec<String>,
    /// Where the entry is in its file.
    pub range: TextRange,
}

/// An entry or a file that could not be read, with where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BibError {
    /// What is wrong.
    pub message: String,
    /// Where, in the file's text.
    pub range: TextRange,
}

/// Reads the entries of a bibliography file's `text`: those that can be read, and an error for each that cannot.
/// A key seen twice keeps its first entry.
pub fn read(text: &str, syntax: BibSyntax) -> (Vec<Entry>, Vec<BibError>) {
    let (mut entries, mut errors) = match syntax {
        BibSyntax::CslJson => read_csl_json(text),
        BibSyntax::CslYaml => read_csl_yaml(text),
        BibSyntax::Biblatex => read_biblatex(text),
    };
    let mut seen = HashSet::new();
    entries.retain(|entry| {
        if seen.insert(entry.reference.id.clone()) {
            return true;
        }
        errors.push(BibError {
            message: format!("the key `{}` is used twice; the first entry is kept", entry.reference.id),
            range: entry.range,
        });
        false
    });
    errors.sort_by_key(|error| error.range.start());
    (entries, errors)
}

// CSL JSON and CSL YAML.

/// A CSL item, as far as a reference needs it; other fields are ignored.
#[derive(Deserialize)]
struct CslItem {
    id: CslId,
    #[serde(rename = "type")]
    kind: Option<String>,
    title: Option<String>,
    #[serde(default)]
    author: Vec<CslName>,
    #[serde(rename = "container-title")]
    container: Option<String>,
    publisher: Option<String>,
    issued: Option<CslDate>,
    #[serde(rename = "URL", alias = "url")]
    url: Option<String>,
    accessed: Option<CslDate>,
    /// Not CSL, but what a workspace may add to tie an item to its article.
    file: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum CslId {
    Text(String),
    Number(i64),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum CslName {
    Parts {
        family: Option<String>,
        given: Option<String>,
        literal: Option<String>,
        #[serde(rename = "non-dropping-particle")]
        particle: Option<String>,
        #[serde(rename = "dropping-particle")]
        dropping_particle: Option<String>,
        suffix: Option<String>,
    },
    Written(String),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum CslDate {
    /// `{"date-parts": [[2024, 5, 1]]}`, `{"raw": "2024-05-01"}`, `{"literal": …}`.
    Parts {
        #[serde(rename = "date-parts")]
        parts: Option<Vec<Vec<DatePart>>>,
        raw: Option<String>,
        literal: Option<String>,
    },
    /// `2024-05-01`, as Pandoc's CSL YAML writes it.
    Written(String),
    /// A bare year.
    Year(i64),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DatePart {
    Number(i64),
    Text(String),
}

impl DatePart {
    fn number(&self) -> Option<i64> {
        match self {
            DatePart::Number(n) => Some(*n),
            DatePart::Text(text) => text.trim().parse().ok(),
        }
    }
}

impl CslDate {
    fn date(&self) -> Option<Date> {
        match self {
            CslDate::Parts { parts: Some(parts), .. } if !parts.is_empty() => {
                let first = parts.first()?;
                let year = i32::try_from(first.first()?.number()?).ok()?;
                let month = first.get(1).and_then(DatePart::number).and_then(|m| u8::try_from(m).ok());
                let month = month.filter(|m| (1..=12).contains(m));
                let day = first.get(2).and_then(DatePart::number).and_then(|d| u8::try_from(d).ok());
                let day = day.filter(|d| month.is_some() && (1..=31).contains(d));
                Some(Date { year, month, day })
            }
            CslDate::Parts { raw, literal, .. } => raw.as_deref().or(literal.as_deref()).and_then(Date::parse),
            CslDate::Written(text) => Date::parse(text),
            CslDate::Year(year) => Some(Date { year: i32::try_from(*year).ok()?, month: None, day: None }),
        }
    }
}

impl CslName {
    fn name(&self) -> Option<Name> {
        match self {
            CslName::Written(written) => Some(Name::parse(written)),
            CslName::Parts { family, given, literal, particle, dropping_particle, suffix } => {
                if let Some(literal) = literal.as_deref().filter(|l| !l.trim().is_empty()) {
                    return Some(Name::Literal(literal.trim().to_string()));
                }
                let family = [particle.as_deref(), family.as_deref()].into_iter().flatten().collect::<Vec<_>>();
                let family = family.join(" ");
                let given = [given.as_deref(), dropping_particle.as_deref(), suffix.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                match (family.trim(), given.trim()) {
                    ("", "") => None,
                    ("", only) | (only, "") => Some(Name::Literal(only.to_string())),
                    (family, given) => Some(Name::Person { family: family.to_string(), given: given.to_string() }),
                }
            }
        }
    }
}

impl CslItem {
    fn entry(self, range: TextRange) -> Result<Entry, String> {
        let id = match self.id {
            CslId::Text(id) => id,
            CslId::Number(n) => n.to_string(),
        };
        if id.trim().is_empty() {
            return Err("an item with an empty `id`".to_string());
        }
        let reference = Reference {
            id,
            kind: self.kind.filter(|kind| !kind.is_empty()).unwrap_or_else(|| "document".to_string()),
            title: self.title.filter(|title| !title.trim().is_empty()),
            authors: self.author.iter().filter_map(CslName::name).collect(),
            container: self.container.filter(|c| !c.trim().is_empty()),
            publisher: self.publisher.filter(|p| !p.trim().is_empty()),
            issued: self.issued.as_ref().and_then(CslDate::date),
            url: self.url.filter(|url| !url.trim().is_empty()),
            accessed: self.accessed.as_ref().and_then(CslDate::date),
        };
        Ok(Entry { reference, files: self.file.into_iter().collect(), range })
    }
}

fn read_csl_json(text: &str) -> (Vec<Entry>, Vec<BibError>) {
    let items: Vec<&RawValue> = match serde_json::from_str(text) {
        Ok(items) => items,
        Err(error) => {
            let at = offset_of(text, error.line(), error.column());
            let message = format!("not a CSL JSON array of items: {}", strip_position(&error.to_string()));
            return (Vec::new(), vec![BibError { message, range: range(at, at) }]);
        }
    };
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for item in items {
        let start = item.get().as_ptr() as usize - text.as_ptr() as usize;
        let item_range = range(start, start + item.get().len());
        match serde_json::from_str::<CslItem>(item.get()) {
            Ok(item) => match item.entry(item_range) {
                Ok(entry) => entries.push(entry),
                Err(message) => errors.push(BibError { message, range: item_range }),
            },
            Err(error) => {
                let at = start + offset_of(item.get(), error.line(), error.column());
                let message = format!("an item that is not CSL: {}", strip_position(&error.to_string()));
                errors.push(BibError { message, range: range(at, at) });
            }
        }
    }
    (entries, errors)
}

fn read_csl_yaml(text: &str) -> (Vec<Entry>, Vec<BibError>) {
    use serde_yaml_ng::Value;
    let document: Value = match serde_yaml_ng::from_str(text) {
        Ok(document) => document,
        Err(error) => {
            let at = error.location().map_or(0, |location| location.index().min(text.len()));
            let message = format!("not YAML: {}", strip_position(&error.to_string()));
            return (Vec::new(), vec![BibError { message, range: range(at, at) }]);
        }
    };
    let items = match document {
        Value::Sequence(items) => items,
        Value::Mapping(mut mapping) => match mapping.remove("references") {
            Some(Value::Sequence(items)) => items,
            _ => {
                let message = "CSL YAML holds a list of items, or a `references:` list".to_string();
                return (Vec::new(), vec![BibError { message, range: range(0, 0) }]);
            }
        },
        Value::Null => Vec::new(),
        _ => {
            let message = "CSL YAML holds a list of items, or a `references:` list".to_string();
            return (Vec::new(), vec![BibError { message, range: range(0, 0) }]);
        }
    };
    // A YAML value keeps no position: an item is found again by its `id:` line.
    let mut search_from = 0;
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for item in items {
        let id = match item.get("id") {
            Some(Value::String(id)) => Some(id.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let at = id.as_deref().and_then(|id| find_yaml_id(text, search_from, id)).unwrap_or(search_from);
        search_from = at;
        let line_end = text[at..].find('\n').map_or(text.len(), |end| at + end);
        let item_range = range(at, line_end);
        let read = serde_yaml_ng::from_value::<CslItem>(item).map_err(|error| error.to_string());
        match read.and_then(|item| item.entry(item_range)) {
            Ok(entry) => entries.push(entry),
            Err(message) => errors.push(BibError {
                message: format!("an item that is not CSL: {}", strip_position(&message)),
                range: item_range,
            }),
        }
    }
    (entries, errors)
}

/// Where `id: <id>` (quoted or not) stands on a line, from `from` on.
fn find_yaml_id(text: &str, from: usize, id: &str) -> Option<usize> {
    let mut offset = from;
    for line in text[from..].split_inclusive('\n') {
        let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
        if let Some(value) = trimmed.strip_prefix("id:") {
            let value = value.trim().trim_matches(['"', '\'']);
            if value == id {
                return Some(offset + line.find("id:").unwrap_or(0));
            }
        }
        offset += line.len();
    }
    None
}

// BibTeX and BibLaTeX.

/// How many broken entries a file may have before the rest of it is not read.
const MAX_BROKEN_ENTRIES: usize = 64;

fn read_biblatex(text: &str) -> (Vec<Entry>, Vec<BibError>) {
    // The parser stops at the first error: the entry around it is blanked (offsets kept) and the file read again.
    let mut readable = text.to_string();
    let mut errors = Vec::new();
    // The raw parse says where each entry is and its type as written; the entries are resolved from it.
    type Places = std::collections::HashMap<String, (std::ops::Range<usize>, String)>;
    let (bibliography, places) = loop {
        let parsed = biblatex::RawBibliography::parse(&readable).and_then(|raw| {
            let places: Places = (raw.entries.iter())
                .map(|entry| (entry.v.key.v.to_string(), (entry.span.clone(), entry.v.kind.v.to_ascii_lowercase())))
                .collect();
            biblatex::Bibliography::from_raw(raw).map(|bibliography| (bibliography, places))
        });
        match parsed {
            Ok(parsed) => break parsed,
            Err(error) => {
                let at = error.span.start.min(text.len());
                let (start, end) = entry_around(&readable, at);
                let mut message = biblatex_message(&error.kind);
                // An error at the `@` of an entry belongs to the entry before it, which never closed.
                let (start, end, reported) = if start == at && at > 0 {
                    let (previous, _) = entry_around(&readable, at - 1);
                    message += " (this entry is not closed before the next one starts)";
                    let line_end = readable[previous..].find('\n').map_or(readable.len(), |i| previous + i);
                    (previous, at, range(previous, line_end))
                } else {
                    (start, end, range(at, error.span.end.clamp(at, text.len())))
                };
                errors.push(BibError { message, range: reported });
                if errors.len() > MAX_BROKEN_ENTRIES || start == end {
                    errors.push(BibError {
                        message: "too many broken entries; the rest of the file is not read".to_string(),
                        range: range(at, at),
                    });
                    return (Vec::new(), errors);
                }
                readable.replace_range(start..end, &blank(&readable[start..end]));
            }
        }
    };
    let entries = bibliography
        .iter()
        .map(|entry| {
            let (span, kind) = places.get(entry.key.as_str()).cloned().unwrap_or((0..0, String::new()));
            biblatex_entry(entry, &kind, range(span.start, span.end))
        })
        .collect();
    (entries, errors)
}

/// The bytes of the entry that holds `at`: from the `@` that starts it (at the start of a line) to the next such.
fn entry_around(text: &str, at: usize) -> (usize, usize) {
    let starts_entry =
        |offset: usize| text[offset..].starts_with('@') && (offset == 0 || text[..offset].ends_with('\n'));
    let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1));
    let line_starts: Vec<usize> = line_starts.filter(|&i| i < text.len()).collect();
    let at = at.min(text.len().saturating_sub(1));
    let start = line_starts.iter().rev().copied().find(|&i| i <= at && starts_entry(i)).unwrap_or(0);
    let end = line_starts.iter().copied().find(|&i| i > at && starts_entry(i)).unwrap_or(text.len());
    (start, end.max(start))
}

/// `text` with every character but line ends replaced by spaces of the same length in bytes.
fn blank(text: &str) -> String {
    text.chars().map(|c| if c == '\n' { "\n".to_string() } else { " ".repeat(c.len_utf8()) }).collect()
}

fn biblatex_message(kind: &biblatex::ParseErrorKind) -> String {
    use biblatex::ParseErrorKind;
    match kind {
        ParseErrorKind::UnexpectedEof => "the file ends inside an entry (a brace or quote left open?)".to_string(),
        ParseErrorKind::DuplicateKey(key) => format!("the key `{key}` is used twice; the first entry is kept"),
        ParseErrorKind::UnknownAbbreviation(name) => format!("`{name}` is not a defined @string abbreviation"),
        other => format!("not BibTeX: {other}"),
    }
}

fn biblatex_entry(entry: &biblatex::Entry, kind: &str, range: TextRange) -> Entry {
    use biblatex::{ChunksExt, PermissiveType};
    let field = |name: &str| entry.get(name).map(|chunks| chunks.format_verbatim()).filter(|v| !v.trim().is_empty());
    let date = |value: Result<PermissiveType<biblatex::Date>, _>| match value {
        Ok(PermissiveType::Typed(date)) => biblatex_date(&date),
        Ok(PermissiveType::Chunks(chunks)) => Date::parse(&chunks.format_verbatim()),
        Err(_) => None,
    };
    let subtype = field("entrysubtype").map(|s| s.to_ascii_lowercase());
    let container = ["journaltitle", "journal", "booktitle", "maintitle"].iter().find_map(|name| field(name));
    let container =
        container.or_else(|| matches!(kind, "online" | "www" | "electronic").then(|| field("organization")).flatten());
    let publisher = field("publisher").or_else(|| field("institution")).or_else(|| field("school"));
    let authors = match entry.author() {
        Ok(people) => people.iter().map(person).collect(),
        Err(_) => Vec::new(),
    };
    let reference = Reference {
        id: entry.key.clone(),
        kind: csl_type(kind, subtype.as_deref()).to_string(),
        title: field("title"),
        authors,
        container,
        publisher,
        issued: date(entry.date()),
        url: field("url").map(|url| url.replace(' ', "")),
        accessed: date(entry.url_date()),
    };
    let files = field("file").map(|files| split_file_field(&files)).unwrap_or_default();
    Entry { reference, files, range }
}

fn biblatex_date(date: &biblatex::Date) -> Option<Date> {
    use biblatex::DateValue;
    let at = match date.value {
        DateValue::At(at) | DateValue::After(at) | DateValue::Before(at) | DateValue::Between(at, _) => at,
    };
    // The crate counts months and days from zero.
    let month = at.month.map(|m| m + 1).filter(|m| (1..=12).contains(m));
    Some(Date { year: at.year, month, day: at.day.map(|d| d + 1).filter(|_| month.is_some()) })
}

fn person(person: &biblatex::Person) -> Name {
    let joined = |parts: [&str; 2]| parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ");
    let family = joined([&person.prefix, &person.name]);
    let given = joined([&person.given_name, &person.suffix]);
    if given.is_empty() { Name::Literal(family) } else { Name::Person { family, given } }
}

/// The CSL type of a BibTeX or BibLaTeX entry type, as Pandoc maps them.
fn csl_type(kind: &str, subtype: Option<&str>) -> &'static str {
    match (kind, subtype) {
        ("article", Some("newspaper")) => "article-newspaper",
        ("article", Some("magazine")) => "article-magazine",
        ("article", _) => "article-journal",
        ("book" | "mvbook" | "booklet", _) => "book",
        ("inbook" | "incollection" | "bookinbook" | "suppbook" | "suppcollection", _) => "chapter",
        ("inproceedings" | "conference", _) => "paper-conference",
        ("proceedings" | "mvproceedings" | "collection" | "mvcollection", _) => "book",
        ("online" | "www" | "electronic", _) => "webpage",
        ("report" | "techreport", _) => "report",
        ("thesis" | "phdthesis" | "mastersthesis", _) => "thesis",
        ("manual", _) => "report",
        ("unpublished", _) => "manuscript",
        ("patent", _) => "patent",
        ("dataset", _) => "dataset",
        ("software", _) => "software",
        ("inreference" | "reference" | "mvreference", _) => "entry-encyclopedia",
        ("periodical", _) => "periodical",
        _ => "document",
    }
}

/// The paths of a `file` field: `path`, `path;path`, or Zotero's `description:path:mime-type` triples.
fn split_file_field(field: &str) -> Vec<String> {
    // Zotero escapes the colon of a Windows drive (`C\:`); it is set aside while the triple is split.
    const ESCAPED_COLON: char = '\u{0}';
    field
        .replace("\\:", &ESCAPED_COLON.to_string())
        .split(';')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let pieces: Vec<&str> = part.split(':').collect();
            // `description:path:type`, where an unescaped Windows path brings its own colon (`C:\…`).
            let path = match pieces.as_slice() {
                [_, path, mime] if mime.contains('/') => path.to_string(),
                [_, drive, path, mime] if mime.contains('/') && drive.len() == 1 => format!("{drive}:{path}"),
                _ => part.to_string(),
            };
            path.replace(ESCAPED_COLON, ":")
        })
        .collect()
}

// Positions.

/// The byte offset of the 1-based line and column (in bytes) that `serde_json` reports.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let position = LineCol { line: line.saturating_sub(1) as u32, col: column.saturating_sub(1) as u32 };
    usize::from(LineIndex::new(text).offset(text, position, PositionEncoding::Utf8))
}

/// An error message without the ` at line L column C` the crates add: the position is reported on its own.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests;
