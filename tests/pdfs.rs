//! PDFs as articles: their text page by page, what they say of themselves (Info dictionary and XMP), and the files
//! that give no text (a page without a text layer, a password, damage) reported with why, never fatal. The
//! fixtures are printed by Chromium from HTML written for them, with metadata written by exiftool and encryption
//! by qpdf (`tests/fixtures/pdf/make.sh`).

use std::path::{Path, PathBuf};

use marginalia::load::pdf::{self, PdfProblem};
use marginalia::load::{IndexCache, Indexed, LoadOptions, LoadProblem, NotesToRead, load_workspace};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pdf").join(name)
}

fn extract(name: &str) -> Result<pdf::Pdf, PdfProblem> {
    pdf::extract(&std::fs::read(fixture(name)).unwrap())
}

#[test]
fn a_report_gives_its_text_page_by_page_and_what_it_says_of_itself() {
    let survey = extract("tidal-survey.pdf").unwrap();
    let described = &survey.described;
    assert_eq!(described.title.as_deref(), Some("Tidal Flooding Survey of the Lower Esk Estuary"));
    assert_eq!(described.authors, ["Ruth Adeyemi", "Colm Hartigan"]);
    assert_eq!(described.outlet.as_deref(), Some("Esk Valley District Council"));
    assert!(described.date.as_deref().is_some_and(|date| date.starts_with("2025-04-02")), "{described:?}");

    let labels: Vec<&str> = survey.pages.iter().map(|(_, label)| label.as_str()).collect();
    assert_eq!(labels, ["1", "2", "3"]);
    let page = |n: usize| {
        let end = survey.pages.get(n + 1).map_or(survey.text.len(), |(start, _)| *start);
        survey.text[survey.pages[n].0..end].split_whitespace().collect::<Vec<_>>().join(" ")
    };
    assert!(page(0).starts_with("Tidal Flooding Survey of the Lower Esk Estuary Prepared for"), "{}", page(0));
    // A ligature is its letters; a kerned pair is one word.
    assert!(page(0).contains("complaints about flooded cellars"), "{}", page(0));
    assert!(page(0).contains("visited Marrick, Holme Ferry and Saltby"), "{}", page(0));
    // Each page after the first starts after a form feed, as `pdftotext` writes it.
    assert!(page(1).starts_with("Findings at Marrick"), "{}", page(1));
    assert_eq!(&survey.text[survey.pages[1].0 - 2..survey.pages[1].0], "\n\u{c}");
    assert!(page(1).contains("\"no longer high enough for the tides we now see every winter\""), "{}", page(1));
    assert!(page(2).contains("A public meeting on the findings will be held"), "{}", page(2));
}

#[test]
fn a_pdf_encrypted_only_against_copying_is_read_and_one_with_a_password_is_reported() {
    let restricted = extract("print-only-survey.pdf").unwrap();
    assert!(restricted.text.contains("Findings at Marrick"));
    assert_eq!(extract("sealed-survey.pdf").unwrap_err(), PdfProblem::Encrypted);
}

#[test]
fn a_pdf_without_text_and_a_damaged_one_are_reported_with_why() {
    assert_eq!(extract("no-text-layer.pdf").unwrap_err(), PdfProblem::NoTextLayer { pages: 1 });
    let bytes = std::fs::read(fixture("tidal-survey.pdf")).unwrap();
    for damaged in [&bytes[..bytes.len() / 3], &b"%PDF-1.7\nnot really a PDF"[..], &[][..]] {
        let read = pdf::extract(damaged);
        assert!(matches!(read, Err(PdfProblem::Damaged { .. }) | Err(PdfProblem::NoTextLayer { .. })), "{read:?}");
    }
}

#[test]
fn a_workspace_of_pdfs_reads_the_good_ones_and_names_the_others() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sources")).unwrap();
    for name in ["tidal-survey.pdf", "sealed-survey.pdf", "no-text-layer.pdf"] {
        std::fs::copy(fixture(name), dir.path().join("sources").join(name)).unwrap();
    }
    let loaded = load_workspace(dir.path(), LoadOptions::notes(NotesToRead::None));
    let ids: Vec<&str> = loaded.corpus.sources().map(|source| source.id.as_str()).collect();
    assert_eq!(ids, ["tidal-survey"]);
    let source = loaded.corpus.sources().next().unwrap();
    assert_eq!(source.format.name(), "pdf");
    let found = source.find_quote("the sea wall was overtopped on nine occasions", 2).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(source.place(found[0]), "p. 2");
    let problems: Vec<String> = loaded.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].ends_with("no-text-layer.pdf: no text layer in its 1 page(s) (a scan?): run OCR on it (e.g. `ocrmypdf`) to cite it; skipped"), "{problems:?}");
    assert!(
        problems[1]
            .ends_with("sealed-survey.pdf: encrypted with a password: save an unencrypted copy to cite it; skipped"),
        "{problems:?}"
    );
    assert!(loaded.problems.iter().all(|problem| matches!(problem, LoadProblem::Pdf { .. })));
}

#[test]
fn a_restart_reads_the_pdf_text_back_from_the_saved_index() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sources")).unwrap();
    for name in ["tidal-survey.pdf", "sealed-survey.pdf"] {
        std::fs::copy(fixture(name), dir.path().join("sources").join(name)).unwrap();
    }
    let cache_folder = tempfile::tempdir().unwrap();
    let cache = IndexCache::for_workspace(dir.path(), Some(cache_folder.path())).unwrap();
    let load = || {
        let options = LoadOptions { notes: NotesToRead::None, open_notes: &[], cache: Some(&cache), progress: &|_| {} };
        load_workspace(dir.path(), options)
    };
    let first = load();
    let Indexed::Anew { stamps, corpus_problems, unreadable } = first.indexed else {
        panic!("nothing was saved yet");
    };
    cache.save(&first.corpus, &corpus_problems, &unreadable, stamps, &first.workspace.config.entities).unwrap();

    let again = load();
    assert!(matches!(again.indexed, Indexed::FromSaved));
    let (before, after) = (first.corpus.sources().next().unwrap(), again.corpus.sources().next().unwrap());
    assert_eq!(after.text, before.text);
    let found = after.find_quote("raise the Marrick sea wall", 1).unwrap();
    assert_eq!(after.place(found[0]), "p. 3");
    assert!(matches!(&again.problems[..], [LoadProblem::Pdf { problem: PdfProblem::Encrypted, .. }]));
}
