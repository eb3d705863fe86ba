//! Writes references as the bibliography files Pandoc's citeproc and reference managers read: CSL JSON, CSL YAML,
//! BibTeX and BibLaTeX. CSL YAML is written from the CSL JSON, every string in double quotes (JSON's escapes are
//! YAML's), so that no title can be read back as a number, a date or a boolean.

use std::fmt::Write;

use serde_json::{Value, json};

use super::{Date, Name, Reference};

/// The formats a bibliography is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BibFormat {
    /// CSL JSON: an array of items (what Zotero's "Better CSL JSON" writes).
    CslJson,
    /// CSL YAML: a `references:` list, as Pandoc reads from a `.yaml` file or a note's front matter.
    CslYaml,
    /// BibTeX, for `.bibtex` files and classic LaTeX styles.
    Bibtex,
    /// BibLaTeX, for `.bib` files as Pandoc reads them.
    Biblatex,
}

/// A citation id that a BibTeX key cannot hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnwritableKey(pub String);

/// Writes `references` in `format`. Ids that BibTeX keys cannot hold (spaces, commas, braces, quotes, `#`, `%`,
/// `=`, `\`) are left out and returned, so that the caller reports them: nothing is dropped silently.
pub fn write(references: &[Reference], format: BibFormat) -> (String, Vec<UnwritableKey>) {
    match format {
        BibFormat::CslJson => {
            let items: Vec<Value> = references.iter().map(csl_json).collect();
            let mut out = serde_json::to_string_pretty(&items).expect("JSON values always serialise");
            out.push('\n');
            (out, Vec::new())
        }
        BibFormat::CslYaml => {
            let mut out = String::from("---\nreferences:\n");
            for reference in references {
                write_yaml_item(&mut out, &csl_json(reference));
            }
            out.push_str("...\n");
            (out, Vec::new())
        }
        BibFormat::Bibtex | BibFormat::Biblatex => {
            let mut out = String::new();
            let mut unwritable = Vec::new();
            for reference in references {
                if is_bibtex_key(&reference.id) {
                    write_bibtex_entry(&mut out, reference, format == BibFormat::Biblatex);
                } else {
                    unwritable.push(UnwritableKey(reference.id.clone()));
                }
            }
            (out, unwritable)
        }
    }
}

/// A reference as a CSL JSON item.
pub fn csl_json(reference: &Reference) -> Value {
    let mut item = serde_json::Map::new();
    item.insert("id".to_string(), json!(reference.id));
    item.insert("type".to_string(), json!(reference.kind));
    if let Some(title) = &reference.title {
        item.insert("title".to_string(), json!(title));
    }
    if !reference.authors.is_empty() {
        let authors: Vec<Value> = reference
            .authors
            .iter()
            .map(|name| match name {
                Name::Person { family, given } => json!({ "family": family, "given": given }),
                Name::Literal(name) => json!({ "literal": name }),
            })
            .collect();
        item.insert("author".to_string(), Value::Array(authors));
    }
    if let Some(container) = &reference.container {
        item.insert("container-title".to_string(), json!(container));
    }
    if let Some(publisher) = &reference.publisher {
        item.insert("publisher".to_string(), json!(publisher));
    }
    if let Some(issued) = reference.issued {
        item.insert("issued".to_string(), date_parts(issued));
    }
    if let Some(url) = &reference.url {
        item.insert("URL".to_string(), json!(url));
    }
    if let Some(accessed) = reference.accessed {
        item.insert("accessed".to_string(), date_parts(accessed));
    }
    if let Some(language) = &reference.language {
        item.insert("language".to_string(), json!(language));
    }
    Value::Object(item)
}

fn date_parts(date: Date) -> Value {
    let mut parts = vec![json!(date.year)];
    if let Some(month) = date.month {
        parts.push(json!(month));
        if let Some(day) = date.day {
            parts.push(json!(day));
        }
    }
    json!({ "date-parts": [parts] })
}

/// Writes one CSL JSON item as an entry of a YAML list.
fn write_yaml_item(out: &mut String, item: &Value) {
    let Value::Object(fields) = item else { return };
    // `id` and `type` first, as reference managers write them; the rest in alphabetical order.
    let mut fields: Vec<(&String, &Value)> = fields.iter().collect();
    fields.sort_by_key(|(key, _)| (key.as_str() != "id", key.as_str() != "type"));
    let mut first = true;
    for (key, value) in fields {
        out.push_str(if first { "- " } else { "  " });
        first = false;
        write_yaml_field(out, key, value, 2);
    }
}

/// Writes `key: value` at `indent`, nested values on the lines after it.
fn write_yaml_field(out: &mut String, key: &str, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        Value::Array(items) => {
            let _ = writeln!(out, "{key}:");
            for item in items {
                match item {
                    Value::Object(fields) => {
                        let mut first = true;
                        for (key, value) in fields {
                            out.push_str(&pad);
                            out.push_str(if first { "- " } else { "  " });
                            first = false;
                            write_yaml_field(out, key, value, indent + 2);
                        }
                    }
                    // `date-parts: [[2024, 5, 1]]`
                    other => {
                        let _ = writeln!(out, "{pad}- {}", other);
                    }
                }
            }
        }
        Value::Object(fields) => {
            let _ = writeln!(out, "{key}:");
            for (key, value) in fields {
                out.push_str(&pad);
                out.push_str("  ");
                write_yaml_field(out, key, value, indent + 2);
            }
        }
        // A JSON string is a YAML double-quoted scalar; numbers are written as JSON writes them.
        scalar => {
            let _ = writeln!(out, "{key}: {scalar}");
        }
    }
}

/// Whether BibTeX can use `id` as an entry key.
fn is_bibtex_key(id: &str) -> bool {
    !id.is_empty()
        && !id.chars().any(|c| {
            c.is_whitespace() || matches!(c, ',' | '{' | '}' | '"' | '#' | '%' | '=' | '\\' | '(' | ')' | '\'')
        })
}

/// The BibTeX entry type and the field its outlet goes in.
fn bibtex_type(kind: &str, biblatex: bool) -> (&'static str, &'static str) {
    match (kind, biblatex) {
        ("article-newspaper" | "article-magazine" | "article-journal", true) => ("article", "journaltitle"),
        ("article-newspaper" | "article-magazine" | "article-journal", false) => ("article", "journal"),
        ("webpage" | "post" | "post-weblog", true) => ("online", "organization"),
        ("report", _) => ("report", "institution"),
        ("book", _) => ("book", "publisher"),
        ("thesis", _) => ("thesis", "institution"),
        (_, _) => ("misc", "howpublished"),
    }
}

fn write_bibtex_entry(out: &mut String, reference: &Reference, biblatex: bool) {
    let (mut entry_type, container_field) = bibtex_type(&reference.kind, biblatex);
    if !biblatex && entry_type == "report" {
        entry_type = "techreport";
    }
    let _ = writeln!(out, "@{entry_type}{{{},", reference.id);
    let mut fields: Vec<(&str, String)> = Vec::new();
    if !reference.authors.is_empty() {
        let names: Vec<String> = reference
            .authors
            .iter()
            .map(|name| match name {
                Name::Person { family, given } => format!("{}, {}", escape_bibtex(family), escape_bibtex(given)),
                // Braces keep an organisation's name whole.
                Name::Literal(name) => format!("{{{}}}", escape_bibtex(name)),
            })
            .collect();
        fields.push(("author", names.join(" and ")));
    }
    let mut add = |name: &'static str, value: Option<String>| {
        if let Some(value) = value {
            fields.push((name, escape_bibtex(&value)));
        }
    };
    add("title", reference.title.clone());
    add(container_field, reference.container.clone());
    if container_field != "publisher" {
        add("publisher", reference.publisher.clone());
    }
    if let Some(issued) = reference.issued {
        if biblatex {
            add("date", Some(issued.iso()));
        } else {
            add("year", Some(issued.year.to_string()));
            add("month", issued.month.map(|m| m.to_string()));
            add("day", issued.day.map(|d| d.to_string()));
        }
    }
    add("urldate", reference.accessed.map(|d| d.iso()));
    add(if biblatex { "langid" } else { "language" }, reference.language.clone());
    if let Some(url) = &reference.url {
        // A URL is verbatim in BibTeX: written as it is, only the braces that would end the field encoded.
        fields.push(("url", url.replace('{', "%7B").replace('}', "%7D")));
    }
    for (name, value) in fields {
        let _ = writeln!(out, "  {name} = {{{value}}},");
    }
    out.push_str("}\n\n");
}

/// Escapes a field value: TeX's special characters, and braces (so that a title's unbalanced brace cannot end
/// the field).
fn escape_bibtex(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\n' | '\r' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference() -> Reference {
        Reference {
            id: "harbour-strike".to_string(),
            kind: "article-newspaper".to_string(),
            title: Some("Dockers walk out: \"until Friday\" & 5% more".to_string()),
            authors: vec![
                Name::Person { family: "Doe".to_string(), given: "Jane".to_string() },
                Name::Literal("Harbour Desk".to_string()),
            ],
            container: Some("The Coastal Courier".to_string()),
            publisher: None,
            issued: Date::parse("2024-05-01"),
            url: Some("https://example.org/strike".to_string()),
            accessed: Date::parse("2024-05-03"),
            language: Some("en-GB".to_string()),
        }
    }

    #[test]
    fn csl_json_has_the_fields_citeproc_reads() {
        let (out, skipped) = write(&[reference()], BibFormat::CslJson);
        assert!(skipped.is_empty());
        let items: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            items[0],
            json!({
                "id": "harbour-strike",
                "type": "article-newspaper",
                "title": "Dockers walk out: \"until Friday\" & 5% more",
                "author": [{ "family": "Doe", "given": "Jane" }, { "literal": "Harbour Desk" }],
                "container-title": "The Coastal Courier",
                "issued": { "date-parts": [[2024, 5, 1]] },
                "URL": "https://example.org/strike",
                "accessed": { "date-parts": [[2024, 5, 3]] },
                "language": "en-GB",
            })
        );
    }

    #[test]
    fn csl_yaml_quotes_every_string() {
        let (out, _) = write(&[reference()], BibFormat::CslYaml);
        assert_eq!(
            out,
            r#"---
references:
- id: "harbour-strike"
  type: "article-newspaper"
  URL: "https://example.org/strike"
  accessed:
    date-parts:
    - [2024,5,3]
  author:
  - family: "Doe"
    given: "Jane"
  - literal: "Harbour Desk"
  container-title: "The Coastal Courier"
  issued:
    date-parts:
    - [2024,5,1]
  language: "en-GB"
  title: "Dockers walk out: \"until Friday\" & 5% more"
...
"#
        );
    }

    #[test]
    fn bibtex_escapes_and_keeps_organisations_whole() {
        let (out, _) = write(&[reference()], BibFormat::Bibtex);
        assert_eq!(
            out,
            "@article{harbour-strike,
  author = {Doe, Jane and {Harbour Desk}},
  title = {Dockers walk out: \"until Friday\" \\& 5\\% more},
  journal = {The Coastal Courier},
  year = {2024},
  month = {5},
  day = {1},
  urldate = {2024-05-03},
  language = {en-GB},
  url = {https://example.org/strike},
}

"
        );
        let (out, _) = write(&[reference()], BibFormat::Biblatex);
        assert!(out.contains("  journaltitle = {The Coastal Courier},\n  date = {2024-05-01},\n"), "{out}");
    }

    #[test]
    fn ids_bibtex_cannot_hold_are_returned_not_dropped() {
        let mut odd = reference();
        odd.id = "two words".to_string();
        let (out, skipped) = write(&[odd, reference()], BibFormat::Bibtex);
        assert_eq!(skipped, [UnwritableKey("two words".to_string())]);
        assert!(out.starts_with("@article{harbour-strike,"));
    }
}
