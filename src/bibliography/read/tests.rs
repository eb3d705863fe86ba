//! Reading bibliography files in the shapes Zotero and Better BibTeX export, and broken ones.

use super::*;

const ZOTERO_CSL_JSON: &str = include_str!("../../../tests/fixtures/bibliography/zotero-better-csl.json");
const BETTER_BIBTEX: &str = include_str!("../../../tests/fixtures/bibliography/zotero-better.bib");
const ZOTERO_BIBTEX: &str = include_str!("../../../tests/fixtures/bibliography/zotero-native.bib");

fn person(family: &str, given: &str) -> Name {
    Name::Person { family: family.to_string(), given: given.to_string() }
}

fn ids(entries: &[Entry]) -> Vec<&str> {
    entries.iter().map(|entry| entry.reference.id.as_str()).collect()
}

#[test]
fn csl_json_as_better_bibtex_exports_it() {
    let (entries, errors) = read(ZOTERO_CSL_JSON, BibSyntax::CslJson);
    assert_eq!(errors, []);
    assert_eq!(
        ids(&entries),
        ["lindHarbourDockersStop2024", "portAuthorityAnnualReport2023", "vanDerBergQuaysideVoices2022"]
    );
    let news = &entries[0].reference;
    assert_eq!(news.kind, "article-newspaper");
    assert_eq!(news.title.as_deref(), Some("Harbour dockers stop work over night shifts"));
    assert_eq!(news.authors, [person("Lind", "Tomas"), person("Okafor", "Adaeze")]);
    assert_eq!(news.container.as_deref(), Some("The Coastal Courier"));
    assert_eq!(news.issued.map(|d| d.iso()).as_deref(), Some("2024-05-01"), "years written as strings");
    assert_eq!(news.accessed.map(|d| d.iso()).as_deref(), Some("2024-05-03"));
    assert_eq!(news.url.as_deref(), Some("https://coastalcourier.example/2024/05/harbour-dockers"));
    assert!(ZOTERO_CSL_JSON[entries[0].range].starts_with('{'));
    let report = &entries[1].reference;
    assert_eq!(report.authors, [Name::Literal("Northport Port Authority".to_string())]);
    assert_eq!(report.issued.map(|d| d.iso()).as_deref(), Some("2024-03"));
    assert_eq!(entries[2].reference.authors, [person("van der Berg", "Marit")]);
    assert_eq!(entries[2].reference.issued.map(|d| d.year), Some(2022), "raw dates");
}

#[test]
fn biblatex_as_better_bibtex_exports_it() {
    let (entries, errors) = read(BETTER_BIBTEX, BibSyntax::Biblatex);
    assert_eq!(errors, []);
    assert_eq!(
        ids(&entries),
        ["lindHarbourDockersStop2024", "portAuthorityAnnualReport2023", "vanderbergQuaysideVoices2022"]
    );
    let news = &entries[0].reference;
    assert_eq!(news.kind, "article-newspaper", "entrysubtype = newspaper");
    assert_eq!(news.title.as_deref(), Some("Harbour Dockers Stop Work over Night Shifts"));
    assert_eq!(news.container.as_deref(), Some("The Coastal Courier"), "through an @string");
    assert_eq!(news.issued.map(|d| d.iso()).as_deref(), Some("2024-05-01"));
    assert_eq!(news.accessed.map(|d| d.iso()).as_deref(), Some("2024-05-03"));
    assert_eq!(entries[0].files, ["/home/analyst/Zotero/storage/Q7ZK2M4D/harbour-dockers.html"]);
    assert!(BETTER_BIBTEX[entries[0].range].starts_with("@article{lindHarbour"));
    let report = &entries[1].reference;
    assert_eq!(report.kind, "report");
    assert_eq!(report.authors, [Name::Literal("Northport Port Authority".to_string())], "braced: an organisation");
    assert_eq!(report.publisher.as_deref(), Some("Northport Port Authority"));
    assert_eq!(report.issued.map(|d| d.iso()).as_deref(), Some("2024-03"));
    assert_eq!(entries[2].reference.authors, [person("van der Berg", "Marit")]);
}

#[test]
fn bibtex_as_zotero_exports_it() {
    let (entries, errors) = read(ZOTERO_BIBTEX, BibSyntax::Biblatex);
    assert_eq!(errors, []);
    assert_eq!(ids(&entries), ["lind_harbour_2024", "quay_webcam_2024"]);
    let news = &entries[0].reference;
    assert_eq!(news.kind, "article-journal");
    assert_eq!(news.issued.map(|d| d.iso()).as_deref(), Some("2024-05"), "year and month fields");
    assert_eq!(entries[0].files, ["files/31/harbour-dockers.html", "files/32/Lind - 2024 - Harbour dockers.pdf"]);
    assert_eq!(entries[1].reference.kind, "document");
    assert_eq!(entries[1].reference.url.as_deref(), Some("https://northport.example/webcam"));
}

#[test]
fn csl_yaml_as_pandoc_writes_it() {
    let yaml = "---\nreferences:\n- id: doe2024\n  type: webpage\n  title: \"Tides: a log\"\n  author:\n  - family: Doe\n    given: Jane\n  issued: 2024-05-01\n- id: 1999\n  title: Numbered\n...\n";
    let (entries, errors) = read(yaml, BibSyntax::CslYaml);
    assert_eq!(errors, []);
    assert_eq!(ids(&entries), ["doe2024", "1999"]);
    assert_eq!(entries[0].reference.title.as_deref(), Some("Tides: a log"));
    assert_eq!(entries[0].reference.issued.map(|d| d.iso()).as_deref(), Some("2024-05-01"));
    assert!(yaml[entries[0].range].starts_with("id: doe2024"));
    let (entries, _) = read("- id: bare\n  title: A list\n", BibSyntax::CslYaml);
    assert_eq!(ids(&entries), ["bare"]);
}

#[test]
fn a_broken_entry_is_an_error_at_its_place_and_the_others_are_kept() {
    let bib = "@article{good1, title={One}}\n\n@article{broken, title={Two}\n\n@book{good2, title={Three}}\n";
    let (entries, errors) = read(bib, BibSyntax::Biblatex);
    assert_eq!(ids(&entries), ["good1", "good2"]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let at = usize::from(errors[0].range.start());
    assert!((bib.find("@article{broken").unwrap()..bib.find("@book").unwrap()).contains(&at), "{errors:?}");

    let json = r#"[{"id": "ok", "title": "Fine"}, {"id": ["bad"], "title": "A list for an id"}, {"title": "no id"}]"#;
    let (entries, errors) = read(json, BibSyntax::CslJson);
    assert_eq!(ids(&entries), ["ok"]);
    assert_eq!(errors.len(), 2);
    assert_eq!(usize::from(errors[0].range.start()), json.find(r#"{"id": ["bad"]"#).unwrap(), "at its item");

    let (entries, errors) = read("[{\"id\": \"a\"},\n {\"id\": ", BibSyntax::CslJson);
    assert!(entries.is_empty());
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.starts_with("not a CSL JSON array"), "{}", errors[0].message);

    let (entries, errors) = read("- id: a\n  title: [unclosed\n", BibSyntax::CslYaml);
    assert!(entries.is_empty() && errors.len() == 1);
}

#[test]
fn an_entry_that_never_closes_costs_itself_only() {
    let mut bib: String = (0..300).map(|i| format!("@article{{k{i}, title={{Title {i}}}}}\n")).collect();
    let at = bib.find("@article{k4,").unwrap();
    bib.insert_str(at, "@article{open, title={Unclosed,\n");
    let (entries, errors) = read(&bib, BibSyntax::Biblatex);
    assert_eq!(entries.len(), 300, "{errors:?}");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(usize::from(errors[0].range.start()), at);
    assert!(errors[0].message.contains("never closes"), "{}", errors[0].message);
}

#[test]
fn indented_entries_and_comments_with_an_at_are_read() {
    let bib = "  @article{a, title={One}}\n\tcontact: someone@example.org\n  @book{b, title={Two}\n  @misc{c, title={Three}}\n";
    let (entries, errors) = read(bib, BibSyntax::Biblatex);
    assert_eq!(ids(&entries), ["a", "c"], "{errors:?}");
    assert_eq!(errors.len(), 2, "the comment and the unclosed entry: {errors:?}");
}

#[test]
fn cross_references_that_never_end_are_cut_not_followed() {
    let bib = "@book{a, title={A}, crossref={b}}\n@book{b, title={B}, crossref={a}}\n@book{self, title={S}, crossref={self}}\n@incollection{ch, title={Chapter}, crossref={parent}}\n@book{parent, title={Parent}, publisher={P}}\n";
    let (entries, errors) = read(bib, BibSyntax::Biblatex);
    assert_eq!(ids(&entries), ["a", "b", "self", "ch", "parent"]);
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors.iter().all(|e| e.message.contains("comes back to it")));
    let chapter = &entries[3].reference;
    assert_eq!(chapter.publisher.as_deref(), Some("P"), "a cross-reference that ends is resolved");
}

#[test]
fn a_key_used_twice_keeps_its_first_entry() {
    let json = r#"[{"id": "k", "title": "First"}, {"id": "k", "title": "Second"}]"#;
    let (entries, errors) = read(json, BibSyntax::CslJson);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].reference.title.as_deref(), Some("First"));
    assert!(errors[0].message.contains("used twice"));
    let (entries, errors) = read("@misc{k, title={A}}\n@misc{k, title={B}}\n", BibSyntax::Biblatex);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].reference.title.as_deref(), Some("A"));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(usize::from(errors[0].range.start()), 20, "at the second");
}

#[test]
fn many_broken_entries_stop_reading_not_the_program() {
    let bib: String = (0..200).map(|i| format!("@article{{k{i}, title={{x}}\n")).collect();
    let (entries, errors) = read(&bib, BibSyntax::Biblatex);
    assert!(entries.is_empty());
    assert_eq!(errors.len(), 200, "each entry that never closes is said once");
    // Entries that each read alone but not with the others (an abbreviation never defined) are blanked one by one:
    // the reading stops after so many, bounded.
    let bib: String = (0..200).map(|i| format!("@misc{{k{i}, title=undefined}}\n")).collect();
    let (entries, errors) = read(&bib, BibSyntax::Biblatex);
    assert!(entries.is_empty() && errors.len() <= MAX_BROKEN_ENTRIES + 2, "{}", errors.len());
    assert!(errors.iter().any(|error| error.message.contains("too many")));
    // A key used again and again keeps its first entry, each other an error.
    let bib: String = (0..200).map(|i| format!("@misc{{same, title={{{i}}}}}\n")).collect();
    let (entries, errors) = read(&bib, BibSyntax::Biblatex);
    assert_eq!((entries.len(), errors.len()), (1, 199));
}

#[test]
fn odd_fields_are_read_as_well_as_they_can_be_not_dropped_with_their_item() {
    let json =
        "\u{feff}[{\"id\": \"n\", \"title\": 1984, \"author\": null, \"issued\": [{\"year\": 2024, \"month\": 5}]}]";
    let (entries, errors) = read(json, BibSyntax::CslJson);
    assert_eq!(errors, [], "a byte order mark is not an error");
    assert_eq!(entries[0].reference.title.as_deref(), Some("1984"));
    assert!(entries[0].reference.authors.is_empty());
    assert_eq!(entries[0].reference.issued.map(|d| d.iso()).as_deref(), Some("2024-05"));
    assert_eq!(usize::from(entries[0].range.start()), 4, "ranges count the mark's bytes");
    let yaml = "- id: y\n  title: 2001\n  author: Doe, Jane\n  issued: {year: 1999}\n";
    let (entries, errors) = read(yaml, BibSyntax::CslYaml);
    assert_eq!(errors, []);
    assert_eq!(entries[0].reference.title.as_deref(), Some("2001"));
    assert_eq!(entries[0].reference.authors, [person("Doe", "Jane")]);
    assert_eq!(entries[0].reference.issued.map(|d| d.year), Some(1999));
}

#[test]
fn flow_style_yaml_is_placed_in_one_pass() {
    let yaml: String = (0..20_000).map(|i| format!("- {{id: k{i}, title: T}}\n")).collect();
    let started = std::time::Instant::now();
    let (entries, errors) = read(&yaml, BibSyntax::CslYaml);
    assert_eq!((entries.len(), errors.len()), (20_000, 0));
    assert!(yaml[entries[19_999].range].starts_with("id: k19999"));
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());
}

#[test]
fn file_fields_in_every_shape() {
    assert_eq!(split_file_field("sources/a.txt"), ["sources/a.txt"]);
    assert_eq!(split_file_field("Snapshot:files/1/a.html:text/html"), ["files/1/a.html"]);
    assert_eq!(split_file_field("PDF:C\\:/Users/x/a.pdf:application/pdf"), ["C:/Users/x/a.pdf"]);
    assert_eq!(split_file_field("a.pdf;b.html"), ["a.pdf", "b.html"]);
    assert_eq!(split_file_field(":files/x.pdf:PDF"), ["files/x.pdf"], "JabRef and Mendeley");
    assert_eq!(split_file_field("PDF:files/a\\;b.pdf:application/pdf"), ["files/a;b.pdf"], "an escaped `;`");
}

#[test]
fn deep_nesting_is_an_error_never_a_crash_or_a_stall() {
    let started = std::time::Instant::now();
    let depth = 100_000;
    let bib =
        format!("@misc{{deep, title={}{}}}\n@misc{{after, title={{Fine}}}}\n", "{".repeat(depth), "}".repeat(depth));
    let (entries, _) = read(&bib, BibSyntax::Biblatex);
    assert!(entries.iter().any(|entry| entry.reference.id == "after"));
    let json = format!("[{{\"id\": \"x\", \"title\": {}1{}}}]", "[".repeat(depth), "]".repeat(depth));
    let (_, errors) = read(&json, BibSyntax::CslJson);
    assert!(!errors.is_empty());
    let yaml = format!("- id: x\n  title: {}1{}\n", "[".repeat(depth), "]".repeat(depth));
    let (_, errors) = read(&yaml, BibSyntax::CslYaml);
    assert!(!errors.is_empty());
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
}
