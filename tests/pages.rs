//! Saved web pages as articles (`tests/fixtures/pages`, written for these tests): the main text without the
//! navigation, cookie banner, advertising, scripts and footer around it; the title, date, outlet, authors, URL and
//! language the page states; a declared legacy character set decoded; every quote found shown on its exact bytes in
//! the page; a page without text reported, never indexed empty; and a saved index that reads the text back instead
//! of extracting it again.

use std::path::{Path, PathBuf};

use marginalia::load::{self, ArticleFile, LoadOptions, LoadProblem, NotesToRead};

fn page(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages").join(name)
}

/// The bytes of the page (as decoded) that `quote`, found in the extracted text, is shown on.
fn shown_on(path: &Path, quote: &str) -> String {
    let source = load::read_source(path).unwrap();
    let found = source.find_quote(quote, 2).unwrap();
    assert_eq!(found.len(), 1, "{quote:?} is in the text once");
    let file = ArticleFile::open(&source);
    file.text()[file.range(found[0])].to_string()
}

#[test]
fn a_news_page_gives_its_article_and_what_it_says_of_itself() {
    let source = load::read_source(&page("harbour-strike.html")).unwrap();
    assert_eq!(source.format.name(), "html");
    assert_eq!(source.id, "harbour-strike");
    assert_eq!(source.title, "Dockers walk out at Port Aldane as pay talks stall");
    assert_eq!(source.date.as_deref(), Some("2024-03-14"));
    assert_eq!(source.meta.outlet.as_deref(), Some("The Coastal Ledger"));
    assert_eq!(source.meta.authors, ["Mara Ellison"]);
    assert_eq!(source.url.as_deref(), Some("https://ledger.example/news/2024/03/port-aldane-strike"));
    assert_eq!(source.meta.language.as_deref(), Some("en"));
    assert_eq!(source.encoding, None);

    let text = &source.text;
    assert!(text.starts_with("Dockers walk out at Port Aldane as pay talks stall\n\n"), "the headline first:\n{text}");
    for kept in ["Harbour Workers’ Union", "until Friday & that members", "Talks are due to resume on Monday"] {
        assert!(text.contains(kept), "{kept:?} is in the text:\n{text}");
    }
    for dropped in ["cookies", "Subscribe", "dataLayer", "display: none", "Related stories", "All rights reserved"] {
        assert!(!text.contains(dropped), "{dropped:?} is not in the text:\n{text}");
    }
    // A comment is not text, even when it reads like the article.
    assert_eq!(source.find_quote("the strike would last until Friday", 5).unwrap().len(), 1);
}

#[test]
fn a_quote_is_shown_on_its_bytes_in_the_page() {
    let path = page("harbour-strike.html");
    // Across an inline tag, and across character references.
    assert_eq!(shown_on(&path, "offered a three per cent rise"), "offered a <em>three per cent</em> rise");
    assert_eq!(shown_on(&path, "the Harbour Workers’ Union"), "the\nHarbour Workers&rsquo; Union");
    assert_eq!(shown_on(&path, "until Friday & that"), "until\nFriday &amp; that");
    assert_eq!(shown_on(&path, "the region’s container traffic"), "the region&#8217;s container traffic");
    // Across a link; the headline is shown on the page's own heading, not on its <title>.
    assert_eq!(
        shown_on(&path, "secretary Ines Okafor told"),
        "secretary <a href=\"/people/ines-okafor\">Ines Okafor</a> told"
    );
    let heading = shown_on(&path, "Dockers walk out at Port Aldane");
    assert_eq!(heading, "Dockers walk out at Port Aldane");
    let html = std::fs::read_to_string(&path).unwrap();
    let source = load::read_source(&path).unwrap();
    let file = ArticleFile::open(&source);
    let at = file.range(source.find_quote("Dockers walk out at Port Aldane", 1).unwrap()[0]).start();
    assert!(html[..usize::from(at)].ends_with("<h1>"), "on the heading");
    // The line shown for a passage is its line in the page.
    let line = html[..usize::from(at)].lines().count() as u32;
    assert_eq!(source.line_number(source.find_quote("Dockers walk out", 1).unwrap()[0].start()), line);
}

#[test]
fn a_page_in_a_declared_legacy_character_set_is_decoded() {
    let path = page("greve-brenac.html");
    let source = load::read_source(&path).unwrap();
    assert_eq!(source.encoding.as_deref(), Some("windows-1252"));
    assert_eq!(source.title, "Grève au port de Brenac : les dockers réclament 8 %");
    assert_eq!(source.date.as_deref(), Some("2023-11-07"));
    assert_eq!(source.meta.outlet.as_deref(), Some("Le Courrier de l'Estuaire"));
    assert_eq!(source.meta.authors, ["Hélène Marchetti"]);
    assert_eq!(source.url.as_deref(), Some("https://courrier-estuaire.example/economie/greve-port-brenac"));
    assert_eq!(source.meta.language.as_deref(), Some("fr"));
    assert!(!source.text.contains("cookies") && !source.text.contains("Publicité"), "{}", source.text);
    // No-break spaces in the page, plain ones in the note; the bytes shown are the page's (CRLF lines and all).
    assert_eq!(shown_on(&path, "« la direction refuse toute hausse"), "«&nbsp;la direction refuse toute hausse");
    assert_eq!(shown_on(&path, "Terminaux de l'Ouest, affirme"), "Terminaux de l'Ouest, affirme");
}

#[test]
fn a_page_without_text_is_reported_and_the_others_are_read() {
    let workspace = tempfile::tempdir().unwrap();
    let sources = workspace.path().join("sources");
    std::fs::create_dir(&sources).unwrap();
    for name in ["harbour-strike.html", "scripts-only.html"] {
        std::fs::copy(page(name), sources.join(name)).unwrap();
    }
    std::fs::write(sources.join("empty.htm"), "").unwrap();
    let loaded = load::load_workspace(workspace.path(), LoadOptions::notes(NotesToRead::None));
    assert_eq!(loaded.corpus.sources().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["harbour-strike"]);
    let mut reported: Vec<String> = (loaded.problems.iter())
        .filter(|problem| matches!(problem, LoadProblem::NoText { .. }))
        .map(|problem| problem.path().unwrap().file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    reported.sort();
    assert_eq!(reported, ["empty.htm", "scripts-only.html"]);
    let shown = loaded.problems.iter().find(|p| matches!(p, LoadProblem::NoText { .. })).unwrap().to_string();
    assert!(shown.contains("no readable text in the page"), "{shown}");
}

#[test]
fn a_saved_index_reads_extracted_text_back_and_extracts_a_changed_page_again() {
    let workspace = tempfile::tempdir().unwrap();
    let cache_folder = tempfile::tempdir().unwrap();
    let sources = workspace.path().join("sources");
    std::fs::create_dir(&sources).unwrap();
    std::fs::copy(page("harbour-strike.html"), sources.join("harbour-strike.html")).unwrap();
    let cache = load::IndexCache::for_workspace(workspace.path(), Some(cache_folder.path())).unwrap();
    let load = || {
        let options = LoadOptions { cache: Some(&cache), ..LoadOptions::notes(NotesToRead::None) };
        load::load_workspace(workspace.path(), options)
    };
    let first = load();
    let load::Indexed::Anew { stamps, corpus_problems, unreadable, .. } = &first.indexed else {
        panic!("the first load indexes");
    };
    cache.save(&first.corpus, corpus_problems, unreadable, stamps.clone(), &Default::default()).unwrap();

    let second = load();
    assert!(matches!(second.indexed, load::Indexed::FromSaved), "read back");
    let (before, after) =
        (first.corpus.source("harbour-strike").unwrap(), second.corpus.source("harbour-strike").unwrap());
    assert_eq!(after.text, before.text);
    assert_eq!(after.title, before.title);
    assert_eq!(after.origin, before.origin);

    // A page changed since is extracted again.
    let path = sources.join("harbour-strike.html");
    let html = std::fs::read_to_string(&path).unwrap().replace("until\nFriday", "until\nSaturday");
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&path, html).unwrap();
    let third = load();
    assert!(matches!(third.indexed, load::Indexed::Anew { .. }), "indexed again");
    assert!(third.corpus.source("harbour-strike").unwrap().text.contains("until Saturday &"));
}
