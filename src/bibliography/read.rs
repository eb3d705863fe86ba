//! Reading bibliography files: CSL JSON (`serde_json`), CSL YAML (`serde_yaml_ng`) and BibTeX or BibLaTeX (the
//! `biblatex` crate), in the shapes reference managers export (Zotero, Better BibTeX) and Pandoc reads.
//!
//! Reading never fails as a whole: each entry that cannot be read is an error with its range, and every other entry
//! is kept, so that one broken entry does not hide a library of thousands.

use std::collections::HashSet;

use serde_json::value::RawValue;

use super::{Date, Name, Reference};
use crate::text::{LineCol, LineIndex, PositionEncoding, TextRange, TextSize, range};

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
    // A byte order mark, as Windows tools write one, is not part of the text; ranges stay in the file's bytes.
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        let bom = TextSize::from(3);
        let (mut entries, mut errors) = read(rest, syntax);
        entries.iter_mut().for_each(|entry| entry.range += bom);
        errors.iter_mut().for_each(|error| error.range += bom);
        return (entries, errors);
    }
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

/// Reads a CSL item, as JSON values (a YAML item is converted first). Only a missing `id` makes it unreadable:
/// a field of an unexpected shape (a number for a title, `null` for the authors, a date in an old form) is read as
/// well as it can be, or left out.
fn csl_entry(item: serde_json::Value, range: TextRange) -> Result<Entry, String> {
    use serde_json::Value;
    let Value::Object(item) = item else {
        return Err("an item that is not a mapping of fields".to_string());
    };
    let id = match item.get("id") {
        Some(Value::String(id)) if !id.trim().is_empty() => id.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err("an item without an `id`".to_string()),
    };
    let text = |key: &str| match item.get(key) {
        Some(Value::String(text)) => Some(text.trim().to_string()).filter(|text| !text.is_empty()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let authors = match item.get("author") {
        Some(Value::Array(names)) => names.iter().filter_map(csl_name).collect(),
        Some(Value::String(names)) => names.split(" and ").map(Name::parse).collect(),
        _ => Vec::new(),
    };
    let reference = Reference {
        id,
        kind: text("type").unwrap_or_else(|| "document".to_string()),
        title: text("title"),
        authors,
        container: text("container-title"),
        publisher: text("publisher"),
        issued: item.get("issued").and_then(csl_date),
        url: text("URL").or_else(|| text("url")),
        accessed: item.get("accessed").and_then(csl_date),
        language: text("language"),
    };
    Ok(Entry { reference, files: text("file").into_iter().collect(), range })
}

/// A CSL name: `{family, given, non-dropping-particle, dropping-particle, suffix}`, `{literal}`, or a string.
fn csl_name(name: &serde_json::Value) -> Option<Name> {
    use serde_json::Value;
    let part = |key: &str| name.get(key).and_then(Value::as_str).map(str::trim).filter(|part| !part.is_empty());
    if let Value::String(written) = name {
        return Some(Name::parse(written)).filter(|_| !written.trim().is_empty());
    }
    if let Some(literal) = part("literal") {
        return Some(Name::Literal(literal.to_string()));
    }
    let family = [part("non-dropping-particle"), part("family")].into_iter().flatten().collect::<Vec<_>>().join(" ");
    let given =
        [part("given"), part("dropping-particle"), part("suffix")].into_iter().flatten().collect::<Vec<_>>().join(" ");
    match (family.as_str(), given.as_str()) {
        ("", "") => None,
        ("", only) | (only, "") => Some(Name::Literal(only.to_string())),
        (family, given) => Some(Name::Person { family: family.to_string(), given: given.to_string() }),
    }
}

/// A CSL date: `{"date-parts": [[2024, 5, 1]]}` (numbers or strings), `{"raw": …}`, `{"literal": …}`,
/// `{year, month, day}` (an old form, also in a list), `2024-05-01` as Pandoc's CSL YAML writes it, or a year.
fn csl_date(date: &serde_json::Value) -> Option<Date> {
    use serde_json::Value;
    let number = |value: &Value| match value {
        Value::Number(n) => n.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    };
    let from_parts = |year: Option<&Value>, month: Option<&Value>, day: Option<&Value>| {
        let year = i32::try_from(number(year?)?).ok()?;
        let month = month.and_then(number).and_then(|m| u8::try_from(m).ok()).filter(|m| (1..=12).contains(m));
        let day = day.and_then(number).and_then(|d| u8::try_from(d).ok()).filter(|d| (1..=31).contains(d));
        Some(Date { year, month, day: day.filter(|_| month.is_some()) })
    };
    match date {
        Value::String(text) => Date::parse(text),
        Value::Number(_) => from_parts(Some(date), None, None),
        Value::Array(items) => items.first().and_then(csl_date),
        Value::Object(fields) => {
            if let Some(Value::Array(parts)) = fields.get("date-parts")
                && let Some(Value::Array(first)) = parts.first()
                && let Some(date) = from_parts(first.first(), first.get(1), first.get(2))
            {
                return Some(date);
            }
            if let Some(date) = from_parts(fields.get("year"), fields.get("month"), fields.get("day")) {
                return Some(date);
            }
            ["raw", "literal"].iter().find_map(|key| fields.get(*key).and_then(Value::as_str).and_then(Date::parse))
        }
        _ => None,
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
        let read = serde_json::from_str::<serde_json::Value>(item.get()).map_err(|error| error.to_string());
        match read.and_then(|item| csl_entry(item, item_range)) {
            Ok(entry) => entries.push(entry),
            Err(message) => errors.push(BibError { message, range: TextRange::empty(item_range.start()) }),
        }
    }
    (entries, errors)
}

fn read_csl_yaml(text: &str) -> (Vec<Entry>, Vec<BibError>) {
    use serde_yaml_ng::Value;
    let too_deep =
        nested_deeper_than(text, MAX_NESTING, b'[', b']').or_else(|| nested_deeper_than(text, MAX_NESTING, b'{', b'}'));
    if let Some(at) = too_deep {
        let message = format!("brackets nested more than {MAX_NESTING} deep: not a bibliography");
        return (Vec::new(), vec![BibError { message, range: range(at, at) }]);
    }
    let document: Value = match serde_yaml_ng::from_str(text) {
        Ok(document) => document,
        Err(error) => {
            let at = error.location().map_or(0, |location| location.index().min(text.len()));
            let message = format!("not YAML: {}", strip_position(&error.to_string()));
            return (Vec::new(), vec![BibError { message, range: range(at, at) }]);
        }
    };
    let not_csl = || {
        let message = "CSL YAML holds a list of items, or a `references:` list".to_string();
        (Vec::new(), vec![BibError { message, range: range(0, 0) }])
    };
    let items = match document {
        Value::Sequence(items) => items,
        Value::Mapping(mut mapping) => match mapping.remove("references") {
            Some(Value::Sequence(items)) => items,
            _ => return not_csl(),
        },
        Value::Null => Vec::new(),
        _ => return not_csl(),
    };
    // A YAML value keeps no position: an item is found again by its `id:`, in one pass over the text.
    let mut places = yaml_id_places(text);
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    let mut last = 0;
    for item in items {
        let id = match item.get("id") {
            Some(Value::String(id)) => Some(id.trim().to_string()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let at = id.and_then(|id| places.get_mut(&id)?.pop_front()).unwrap_or(last);
        last = at;
        let line_end = text[at..].find('\n').map_or(text.len(), |end| at + end);
        let item_range = range(at, line_end);
        let read = serde_yaml_ng::from_value::<serde_json::Value>(item).map_err(|error| error.to_string());
        match read.and_then(|item| csl_entry(item, item_range)) {
            Ok(entry) => entries.push(entry),
            Err(message) => {
                errors.push(BibError { message: format!("an item that is not CSL: {message}"), range: item_range })
            }
        }
    }
    (entries, errors)
}

/// Where each `id:` of a YAML text stands (at a line's start, after `- `, or after `{` or `,` in flow style), by
/// the id that follows it, in order.
fn yaml_id_places(text: &str) -> std::collections::HashMap<String, std::collections::VecDeque<usize>> {
    let mut places: std::collections::HashMap<String, std::collections::VecDeque<usize>> = Default::default();
    for (at, _) in text.match_indices("id:") {
        let before = text[..at].trim_end_matches([' ', '\t']);
        let starts_key = before.is_empty() || before.ends_with(['\n', '-', '{', ',']);
        if !starts_key {
            continue;
        }
        let value = text[at + 3..].split(['\n', ',', '}']).next().unwrap_or("");
        let id = value.trim().trim_matches(['"', '\'']).to_string();
        places.entry(id).or_default().push_back(at);
    }
    places
}

// BibTeX and BibLaTeX.

/// How many broken entries a file may have before the rest of it is not read.
const MAX_BROKEN_ENTRIES: usize = 64;

fn read_biblatex(text: &str) -> (Vec<Entry>, Vec<BibError>) {
    // The parser stops at the first error. The entries that are broken are found by reading each alone, blanked
    // (offsets kept) and the file read again, so that `@string`s, cross-references and comments still work across
    // the others.
    let mut readable = text.to_string();
    let mut errors = Vec::new();
    // The crate's reading of braces costs the square of their depth: an entry nested too deep is not read.
    let starts = entry_starts(text);
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        if let Some(at) = nested_deeper_than(&text[start..end], MAX_NESTING, b'{', b'}') {
            let message = format!("braces nested more than {MAX_NESTING} deep: this entry is not read");
            errors.push(BibError { message, range: range(start + at, start + at) });
            readable.replace_range(start..end, &blank(&text[start..end]));
        }
    }
    let (bibliography, places, cut) = loop {
        let error = match parse_resolved(&readable) {
            Ok(parsed) => break parsed,
            Err(error) => error,
        };
        if errors.len() > MAX_BROKEN_ENTRIES {
            errors.push(BibError {
                message: "too many broken entries; the rest of the file is not read".to_string(),
                range: range(0, 0),
            });
            return (Vec::new(), errors);
        }
        let at = error.span.start.min(readable.len());
        let is_syntax = !matches!(
            error.kind,
            biblatex::ParseErrorKind::DuplicateKey(_)
                | biblatex::ParseErrorKind::UnknownAbbreviation(_)
                | biblatex::ParseErrorKind::ResolutionError(_)
        );
        let broken = if is_syntax { broken_entries(&readable) } else { Vec::new() };
        if broken.is_empty() {
            // An entry that reads alone but not with the others (a key used twice, an abbreviation or a
            // cross-reference that is not defined), or a syntax error no entry has alone: the entry around it.
            let (start, end) = entry_around(&readable, at);
            let line_end = readable[start..end].find('\n').map_or(end, |i| start + i);
            let reported = if is_syntax { range(at, at) } else { range(start, line_end.max(start)) };
            errors.push(BibError { message: biblatex_message(&error.kind), range: reported });
            if start == end {
                return (Vec::new(), errors);
            }
            readable.replace_range(start..end, &blank(&readable[start..end]));
            continue;
        }
        for (blanked, error) in broken {
            readable.replace_range(blanked.clone(), &blank(&readable[blanked]));
            errors.push(error);
        }
    };
    errors.extend(cut);
    let entries = bibliography
        .iter()
        .map(|entry| {
            let (span, kind) = places.get(entry.key.as_str()).cloned().unwrap_or((0..0, String::new()));
            biblatex_entry(entry, &kind, range(span.start, span.end))
        })
        .collect();
    (entries, errors)
}

/// Where each entry is and its type as written, by key.
type Places = std::collections::HashMap<String, (std::ops::Range<usize>, String)>;

/// Reads `text` whole: the raw entries, with cross-references that could never resolve cut (and said), then
/// resolved.
fn parse_resolved(text: &str) -> Result<(biblatex::Bibliography, Places, Vec<BibError>), biblatex::ParseError> {
    let mut raw = biblatex::RawBibliography::parse(text)?;
    // A key used again: the first entry is kept (the crate would stop at the second).
    let mut seen = std::collections::HashSet::new();
    let mut cut = Vec::new();
    raw.entries.retain(|entry| {
        if seen.insert(entry.v.key.v) {
            return true;
        }
        let line_end = text[entry.span.start..].find('\n').map_or(entry.span.end, |i| entry.span.start + i);
        cut.push(BibError {
            message: format!("the key `{}` is used twice; the first entry is kept", entry.v.key.v),
            range: range(entry.span.start, line_end.min(entry.span.end).max(entry.span.start)),
        });
        false
    });
    cut.extend(cut_cross_reference_cycles(&mut raw));
    let places: Places = (raw.entries.iter())
        .map(|entry| (entry.v.key.v.to_string(), (entry.span.clone(), entry.v.kind.v.to_ascii_lowercase())))
        .collect();
    biblatex::Bibliography::from_raw(raw).map(|bibliography| (bibliography, places, cut))
}

/// How deep brackets or braces may nest in a bibliography: far deeper than any real entry, shallow enough that the
/// parsers' cost, which grows with the square of the depth, stays small.
const MAX_NESTING: usize = 64;

/// Where `open` first nests deeper than `limit` in `text` (ignoring quoting: a guard, not a parser).
fn nested_deeper_than(text: &str, limit: usize, open: u8, close: u8) -> Option<usize> {
    let mut depth = 0usize;
    for (at, &byte) in text.as_bytes().iter().enumerate() {
        if byte == open {
            depth += 1;
            if depth > limit {
                return Some(at);
            }
        } else if byte == close {
            depth = depth.saturating_sub(1);
        }
    }
    None
}

/// How many entries a chain of `crossref` or `xdata` fields may pass through.
const MAX_CROSS_REFERENCE_DEPTH: usize = 8;

/// Removes the `crossref` and `xdata` fields of every entry whose chain of them comes back on itself or runs deeper
/// than [`MAX_CROSS_REFERENCE_DEPTH`]: the crate resolves them recursively, and would never stop. Each is an error.
fn cut_cross_reference_cycles(raw: &mut biblatex::RawBibliography) -> Vec<BibError> {
    let is_reference = |key: &str| key.eq_ignore_ascii_case("crossref") || key.eq_ignore_ascii_case("xdata");
    let parents: Vec<Vec<String>> = (raw.entries.iter())
        .map(|entry| {
            (entry.v.fields.iter())
                .filter(|pair| is_reference(pair.key.v))
                .flat_map(|pair| {
                    let value: String = (pair.value.v.iter())
                        .map(|chunk| match chunk.v {
                            biblatex::RawChunk::Normal(text) | biblatex::RawChunk::Abbreviation(text) => text,
                        })
                        .collect();
                    value.split(',').map(|key| key.trim().to_string()).filter(|key| !key.is_empty()).collect::<Vec<_>>()
                })
                .collect()
        })
        .collect();
    let index: std::collections::HashMap<&str, usize> =
        raw.entries.iter().enumerate().map(|(i, entry)| (entry.v.key.v, i)).collect();
    // Whether a walk from `entry` meets an entry already on its path, or goes too deep.
    fn unending(
        entry: usize,
        parents: &[Vec<String>],
        index: &std::collections::HashMap<&str, usize>,
        path: &mut Vec<usize>,
    ) -> bool {
        if path.contains(&entry) || path.len() > MAX_CROSS_REFERENCE_DEPTH {
            return true;
        }
        path.push(entry);
        let found = parents[entry]
            .iter()
            .filter_map(|key| index.get(key.as_str()).copied())
            .any(|parent| unending(parent, parents, index, path));
        path.pop();
        found
    }
    let cut: Vec<usize> = (0..raw.entries.len())
        .filter(|&entry| !parents[entry].is_empty() && unending(entry, &parents, &index, &mut Vec::new()))
        .collect();
    let mut errors = Vec::new();
    for entry in cut {
        let entry = &mut raw.entries[entry].v;
        for pair in entry.fields.iter().filter(|pair| is_reference(pair.key.v)) {
            errors.push(BibError {
                message: format!(
                    "the `{}` of `{}` comes back to it or passes through more than {MAX_CROSS_REFERENCE_DEPTH} \
                     entries; it is ignored",
                    pair.key.v, entry.key.v
                ),
                range: range(pair.key.span.start, pair.value.span.end.max(pair.key.span.start)),
            });
        }
        entry.fields.retain(|pair| !is_reference(pair.key.v));
    }
    errors
}

/// The offsets of the lines whose first character that is not a space or tab is an `@`: where entries start.
fn entry_starts(text: &str) -> Vec<usize> {
    let line_starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
    line_starts
        .filter_map(|start| {
            let indent = text.get(start..)?.len() - text[start..].trim_start_matches([' ', '\t']).len();
            text[start + indent..].starts_with('@').then_some(start + indent)
        })
        .collect()
}

/// The entries that cannot be read even alone, each with the bytes to blank and its error: the whole entry, or
/// only what follows it when the entry reads and the text after it does not (a comment with an `@`).
fn broken_entries(text: &str) -> Vec<(std::ops::Range<usize>, BibError)> {
    let starts = entry_starts(text);
    let mut broken = Vec::new();
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        let chunk = &text[start..end];
        let Err(error) = biblatex::RawBibliography::parse(chunk) else {
            continue;
        };
        let at = error.span.start.min(chunk.len());
        // Text after a whole entry, from the last `@` before the error on (a comment with an address in it).
        let junk = chunk.get(..at).and_then(|before| before.rfind('@')).filter(|&junk| {
            junk > 0 && biblatex::RawBibliography::parse(&chunk[..junk]).is_ok_and(|raw| !raw.entries.is_empty())
        });
        let first_line = chunk.find('\n').unwrap_or(chunk.len());
        let (blanked, reported, message) = if let Some(junk) = junk {
            let message = "text after this entry that starts like another (an `@` in a comment?)".to_string();
            (start + junk..end, range(start + junk, start + junk), message)
        } else if at >= chunk.trim_end().len() {
            let message = "this entry never closes (a brace or quote left open?)".to_string();
            (start..end, range(start, start + first_line), message)
        } else {
            (start..end, range(start + at, start + at), biblatex_message(&error.kind))
        };
        broken.push((blanked, BibError { message, range: reported }));
    }
    broken
}

/// The bytes of the entry that holds `at`: from the `@` that starts it to the next entry's.
fn entry_around(text: &str, at: usize) -> (usize, usize) {
    let starts = entry_starts(text);
    let next = starts.partition_point(|&start| start <= at);
    let start = if next == 0 { 0 } else { starts[next - 1] };
    let end = starts.get(next).copied().unwrap_or(text.len());
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
        ParseErrorKind::ResolutionError(_) => "a cross-reference of this entry cannot be resolved".to_string(),
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
        language: field("langid").or_else(|| field("language")),
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
    // Zotero escapes the colon of a Windows drive (`C\:`) and a `;` in a name (`\;`): both are set aside while the
    // field is split.
    const ESCAPED_COLON: char = '\u{0}';
    const ESCAPED_SEMICOLON: char = '\u{1}';
    field
        .replace("\\:", &ESCAPED_COLON.to_string())
        .replace("\\;", &ESCAPED_SEMICOLON.to_string())
        .split(';')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let pieces: Vec<&str> = part.split(':').collect();
            // `description:path:type` (Zotero's type is a MIME type, JabRef's and Mendeley's a word), where an
            // unescaped Windows path brings its own colon (`C:\…`).
            let path = match pieces.as_slice() {
                [_, drive, path, _] if drive.len() == 1 => format!("{drive}:{path}"),
                [_, path, kind] if !path.is_empty() && !kind.contains(' ') => path.to_string(),
                _ => part.to_string(),
            };
            path.replace(ESCAPED_COLON, ":").replace(ESCAPED_SEMICOLON, ";")
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
