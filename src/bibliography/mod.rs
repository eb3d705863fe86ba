//! Bibliographic references: what a citation id stands for, as a reference manager and Pandoc's citeproc see it.
//! A reference is made from an article's metadata (its front matter, else what the text says) or read from a
//! bibliography file (`read`, `library`); `catalog` ties entries to articles and says what each id cites; `export`
//! writes references as CSL JSON, CSL YAML, BibTeX or BibLaTeX, so that notes render with `pandoc --citeproc`.

pub mod catalog;
pub mod export;
pub mod library;
pub mod read;

pub use catalog::{Catalog, Citable, Cited, Scope};
pub use library::{BibFile, Library};
pub use read::{BibError, BibSyntax, Entry};

use serde::Serialize;

use crate::corpus::Source;

/// One entry of a bibliography, in the vocabulary of CSL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// The citation key: the id notes cite.
    pub id: String,
    /// The CSL item type (`article-newspaper`, `webpage`, `report`, …).
    pub kind: String,
    /// The title.
    pub title: Option<String>,
    /// The authors, in order.
    pub authors: Vec<Name>,
    /// The outlet: newspaper, site or journal (CSL `container-title`).
    pub container: Option<String>,
    /// The publisher (for reports and books).
    pub publisher: Option<String>,
    /// When it was published.
    pub issued: Option<Date>,
    /// Where it is online.
    pub url: Option<String>,
    /// When it was read online.
    pub accessed: Option<Date>,
    /// The language it is written in, as given (`en`, `fr-FR`, `French`).
    pub language: Option<String>,
}

/// A person's or an organisation's name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Name {
    /// A person: family name (with any particle, `van Gogh`) and given names.
    Person {
        /// The family name, with any particle.
        family: String,
        /// The given names.
        given: String,
    },
    /// A name to print as written: an organisation, or a single name.
    Literal(String),
}

/// A date to the day, month or year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Date {
    /// The year.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: Option<u8>,
    /// The day of the month.
    pub day: Option<u8>,
}

/// The CSL item types a front matter `type:` may name.
pub const CSL_TYPES: &[&str] = &[
    "article",
    "article-journal",
    "article-magazine",
    "article-newspaper",
    "bill",
    "book",
    "broadcast",
    "chapter",
    "dataset",
    "document",
    "entry",
    "entry-dictionary",
    "entry-encyclopedia",
    "figure",
    "graphic",
    "interview",
    "legal_case",
    "legislation",
    "manuscript",
    "map",
    "motion_picture",
    "musical_score",
    "pamphlet",
    "paper-conference",
    "patent",
    "personal_communication",
    "post",
    "post-weblog",
    "report",
    "review",
    "review-book",
    "song",
    "speech",
    "thesis",
    "treaty",
    "webpage",
];

impl Reference {
    /// The reference of an article: its front matter's `type`, or the type its metadata suggests (a newspaper
    /// article when it names its outlet, a web page when it has only a URL, an article otherwise).
    pub fn of_source(source: &Source) -> Reference {
        let meta = &source.meta;
        let kind = match meta.kind.as_deref() {
            Some(kind) if CSL_TYPES.contains(&kind) => kind.to_string(),
            _ if meta.outlet.is_some() => "article-newspaper".to_string(),
            _ if source.url.is_some() => "webpage".to_string(),
            _ => "article".to_string(),
        };
        let container = meta.outlet.clone().or_else(|| source.url.as_deref().and_then(host).map(str::to_string));
        Reference {
            id: source.id.clone(),
            kind,
            title: Some(source.title.clone()).filter(|title| !title.is_empty()),
            authors: meta.authors.iter().map(|name| Name::parse(name)).collect(),
            container,
            publisher: meta.publisher.clone(),
            issued: source.date.as_deref().and_then(Date::parse),
            url: source.url.clone(),
            accessed: meta.accessed.as_deref().and_then(Date::parse),
            language: meta.language.clone(),
        }
    }
}

impl Reference {
    /// The authors as a byline reads: `Jane Doe`, `Jane Doe and Tomas Lind`, `A, B and C`, `A et al.` past three.
    pub fn authors_line(&self) -> Option<String> {
        let names: Vec<String> = self.authors.iter().map(Name::display).collect();
        match names.as_slice() {
            [] => None,
            [one] => Some(one.clone()),
            [rest @ .., last] if names.len() <= 3 => Some(format!("{} and {last}", rest.join(", "))),
            [first, ..] => Some(format!("{first} et al.")),
        }
    }

    /// The reference as a reader sees it, in Markdown: `Jane Doe and Tomas Lind (2024). **Title**. *Outlet*.`
    /// (what is unknown left out; the title alone when nothing else is known). `escape` escapes Markdown.
    pub fn markdown(&self, escape: impl Fn(&str) -> String) -> String {
        let mut out = String::new();
        if let Some(authors) = self.authors_line() {
            out += &escape(&authors);
            match self.issued {
                Some(date) => out += &format!(" ({}). ", date.year),
                None => out += ". ",
            }
        }
        if let Some(title) = &self.title {
            out += &format!("**{}**", escape(title));
        }
        if let Some(container) = self.container.as_ref().or(self.publisher.as_ref()) {
            out += &format!(". *{}*.", escape(container));
        }
        out
    }

    /// The words a completion of the id may be matched by besides the id: title, authors, outlet and year.
    pub fn search_text(&self) -> String {
        let mut words: Vec<String> = self.title.iter().cloned().collect();
        words.extend(self.authors.iter().map(Name::display));
        words.extend(self.container.iter().cloned());
        words.extend(self.issued.map(|date| date.year.to_string()));
        words.join(" \u{b7} ")
    }
}

/// The host of a URL without `www.`: the name a web page's site goes by when it gives no other.
fn host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, host)| host);
    let host = host.split(':').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then_some(host)
}

impl Name {
    /// Reads a name as written in a byline or a front matter: `Family, Given`, or `Given Family` (lowercase
    /// particles such as `van` or `de` belong to the family name), or a single word or an organisation (`Reuters`,
    /// `Associated Press staff`), kept as written.
    pub fn parse(written: &str) -> Name {
        let written = written.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some((family, given)) = written.split_once(',') {
            let (family, given) = (family.trim(), given.trim());
            if !family.is_empty() && !given.is_empty() {
                return Name::Person { family: family.to_string(), given: given.to_string() };
            }
        }
        let words: Vec<&str> = written.split(' ').collect();
        let is_person = (2..=5).contains(&words.len())
            && words.iter().all(|word| word.chars().next().is_some_and(|c| c.is_uppercase() || c.is_lowercase()))
            && words.first().is_some_and(|word| word.starts_with(char::is_uppercase))
            && words.last().is_some_and(|word| word.starts_with(char::is_uppercase))
            && !words.iter().any(|word| ORGANISATION_WORDS.contains(&word.to_lowercase().as_str()));
        if !is_person {
            return Name::Literal(written);
        }
        // The family name starts at the first lowercase particle, or is the last word.
        let family_start =
            words.iter().position(|word| word.starts_with(char::is_lowercase)).unwrap_or(words.len() - 1);
        let family_start = family_start.max(1);
        Name::Person { family: words[family_start..].join(" "), given: words[..family_start].join(" ") }
    }

    /// The name as a reader sees it in a byline: `Given Family`.
    pub fn display(&self) -> String {
        match self {
            Name::Person { family, given } => format!("{given} {family}"),
            Name::Literal(name) => name.clone(),
        }
    }
}

/// Words that make a byline an organisation's.
const ORGANISATION_WORDS: &[&str] =
    &["staff", "desk", "agency", "agencies", "news", "press", "service", "team", "bureau", "reporters", "editors"];

impl Date {
    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (and anything after a `T`).
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        let day_part = text.split(['T', ' ']).next()?;
        let mut parts = day_part.split('-');
        let year = parts.next().filter(|y| y.len() == 4)?.parse().ok()?;
        let month = match parts.next() {
            Some(month) => Some(month.parse::<u8>().ok().filter(|m| (1..=12).contains(m))?),
            None => None,
        };
        let day = match parts.next() {
            Some(day) => Some(day.parse::<u8>().ok().filter(|d| (1..=31).contains(d))?),
            None => None,
        };
        Some(Date { year, month, day })
    }

    /// The date as `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub fn iso(&self) -> String {
        match (self.month, self.day) {
            (Some(month), Some(day)) => format!("{:04}-{month:02}-{day:02}", self.year),
            (Some(month), None) => format!("{:04}-{month:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(family: &str, given: &str) -> Name {
        Name::Person { family: family.to_string(), given: given.to_string() }
    }

    #[test]
    fn names_are_split_as_a_reference_manager_would() {
        assert_eq!(Name::parse("Jane Doe"), person("Doe", "Jane"));
        assert_eq!(Name::parse("Doe, Jane Q."), person("Doe", "Jane Q."));
        assert_eq!(Name::parse("Maria  Anna de la Cruz"), person("de la Cruz", "Maria Anna"));
        assert_eq!(Name::parse("Vincent van Gogh"), person("van Gogh", "Vincent"));
        assert_eq!(Name::parse("Reuters"), Name::Literal("Reuters".to_string()));
        assert_eq!(Name::parse("Harbour Desk"), Name::Literal("Harbour Desk".to_string()));
    }

    #[test]
    fn a_reference_reads_as_a_reader_sees_it() {
        let mut reference = Reference {
            id: "a".to_string(),
            kind: "article-newspaper".to_string(),
            title: Some("Dockers stop work".to_string()),
            authors: vec![Name::parse("Jane Doe"), Name::parse("Tomas Lind")],
            container: Some("The Coastal Courier".to_string()),
            publisher: None,
            issued: Date::parse("2024-05-01"),
            url: None,
            accessed: None,
            language: None,
        };
        let plain = |text: &str| text.to_string();
        assert_eq!(
            reference.markdown(plain),
            "Jane Doe and Tomas Lind (2024). **Dockers stop work**. *The Coastal Courier*."
        );
        assert_eq!(
            reference.search_text(),
            "Dockers stop work \u{b7} Jane Doe \u{b7} Tomas Lind \u{b7} The Coastal Courier \u{b7} 2024"
        );
        reference.authors.extend([Name::parse("Ann Poe"), Name::parse("Bo Lee")]);
        assert_eq!(reference.authors_line().as_deref(), Some("Jane Doe et al."));
        reference.authors.truncate(3);
        assert_eq!(reference.authors_line().as_deref(), Some("Jane Doe, Tomas Lind and Ann Poe"));
    }

    #[test]
    fn dates_to_the_day_month_or_year() {
        assert_eq!(Date::parse("2024-05-01").map(|d| d.iso()), Some("2024-05-01".to_string()));
        assert_eq!(Date::parse("2024-05").map(|d| d.iso()), Some("2024-05".to_string()));
        assert_eq!(Date::parse("2024").map(|d| d.iso()), Some("2024".to_string()));
        assert_eq!(Date::parse("2024-05-01T10:00:00Z").map(|d| d.iso()), Some("2024-05-01".to_string()));
        assert_eq!(Date::parse("2024-13-01"), None);
        assert_eq!(Date::parse("May 2024"), None);
    }

    #[test]
    fn a_site_is_named_by_its_host() {
        assert_eq!(host("https://www.example.org/news/1?x=2"), Some("example.org"));
        assert_eq!(host("http://user@news.example.com:8080/a"), Some("news.example.com"));
        assert_eq!(host("not a url"), None);
    }
}
