//! PDFs as articles: their text page by page, what they say of themselves (Info dictionary and XMP), and the files
//! that give no text (a page without a text layer, a password, damage) reported with why, never fatal. The
//! fixtures are printed by Chromium from HTML written for them, with metadata written by exiftool and encryption
//! by qpdf (`tests/fixtures/pdf/make.sh`).

use std::path::{Path, PathBuf};

#[path = "common/rng.rs"]
#[allow(dead_code)] // Shared with other tests, which use all of it.
mod rng;

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
        let options = LoadOptions { cache: Some(&cache), ..LoadOptions::notes(NotesToRead::None) };
        load_workspace(dir.path(), options)
    };
    let first = load();
    let Indexed::Anew { stamps, corpus_problems, unreadable, .. } = first.indexed else {
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

/// A PDF written with `lopdf`: one page per content stream given, each page's parent and the page tree's kids as
/// `tree` makes them (to build broken trees).
fn written(
    contents: &[Vec<u8>],
    tree: impl FnOnce(&mut lopdf::Document, lopdf::ObjectId, &[lopdf::ObjectId]),
) -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut document = Document::with_version("1.5");
    let pages_id = document.new_object_id();
    let font = document.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" });
    let resources = document.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let pages: Vec<lopdf::ObjectId> = contents
        .iter()
        .map(|content| {
            let contents = document.add_object(Stream::new(dictionary! {}, content.clone()));
            document.add_object(dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => contents })
        })
        .collect();
    let kids: Vec<Object> = pages.iter().map(|id| (*id).into()).collect();
    document.objects.insert(
        pages_id,
        dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => pages.len() as i64, "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }
        .into(),
    );
    let catalog = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    document.trailer.set("Root", catalog);
    tree(&mut document, pages_id, &pages);
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).unwrap();
    bytes
}

fn text_page(words: &str) -> Vec<u8> {
    format!("BT /F1 12 Tf 72 720 Td ({words}) Tj ET").into_bytes()
}

#[test]
fn a_pdf_written_by_lopdf_is_read() {
    let good = written(&[text_page("The harbour wall held.")], |_, _, _| {});
    assert!(pdf::extract(&good).unwrap().text.contains("The harbour wall held."));
}

#[test]
fn a_page_tree_that_holds_itself_is_a_problem_of_its_own() {
    let looped = written(&[text_page("First page.")], |document, pages_id, _| {
        let pages = document.get_object_mut(pages_id).unwrap().as_dict_mut().unwrap();
        pages.set("Kids", vec![lopdf::Object::Reference(pages_id)]);
    });
    let _ = pdf::extract(&looped);
}

#[test]
fn a_page_that_is_its_own_parent_is_a_problem_of_its_own() {
    // Without resources or a media box of its own, the extractor looks for them up a chain without end.
    let orphan = written(&[text_page("Orphan page.")], |document, _, pages| {
        let page = document.get_object_mut(pages[0]).unwrap().as_dict_mut().unwrap();
        page.set("Parent", lopdf::Object::Reference(pages[0]));
    });
    assert!(matches!(pdf::extract(&orphan), Err(PdfProblem::Damaged { .. })));
}

#[test]
fn arrays_nested_without_end_in_a_page_are_a_problem_of_their_own() {
    let deep = format!("BT /F1 12 Tf {}(x){} TJ ET", "[".repeat(100_000), "]".repeat(100_000));
    let _ = pdf::extract(&written(&[deep.into_bytes(), text_page("Still read.")], |_, _, _| {}));
    let open = format!("BT /F1 12 Tf {}", "[".repeat(100_000));
    let _ = pdf::extract(&written(&[open.into_bytes()], |_, _, _| {}));
}

#[test]
fn dictionaries_nested_without_end_in_the_file_are_a_problem_of_their_own() {
    let nested = format!("%PDF-1.5\n1 0 obj\n{}\nendobj\n", "<< /A ".repeat(100_000));
    assert!(pdf::extract(nested.as_bytes()).is_err());
}

#[test]
fn a_drawing_that_draws_itself_is_a_problem_of_its_own() {
    use lopdf::{Object, Stream, dictionary};
    let looped = written(&[b"/X1 Do BT /F1 12 Tf 72 720 Td (Drawn.) Tj ET".to_vec()], |document, pages_id, _| {
        let form = document.new_object_id();
        let resources = dictionary! { "XObject" => dictionary! { "X1" => form } };
        let stream = Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 10.into(), 10.into()],
            "Resources" => resources.clone() },
            b"/X1 Do".to_vec(),
        );
        document.objects.insert(form, Object::Stream(stream));
        let pages = document.get_object_mut(pages_id).unwrap().as_dict_mut().unwrap();
        pages.set("Resources", dictionary! { "XObject" => dictionary! { "X1" => form } });
    });
    assert!(matches!(pdf::extract(&looped), Err(PdfProblem::Damaged { .. })));
}

/// Bytes of a real PDF (the survey, its streams decompressed so that edits reach its structure) changed at random:
/// bytes replaced, runs cut or repeated, numbers changed (object references among them). Each is read or reported;
/// none ends the process or takes long.
#[test]
fn pdfs_changed_at_random_are_read_or_reported() {
    let mut document = lopdf::Document::load(fixture("tidal-survey.pdf")).unwrap();
    document.decompress();
    let mut original = Vec::new();
    document.save_to(&mut original).unwrap();
    // `FUZZ_CASES` and `FUZZ_SEED` run more, or others, as for `tests/fuzz.rs`.
    let cases: usize = std::env::var("FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(300);
    let mut rng = rng::Rng(std::env::var("FUZZ_SEED").ok().and_then(|n| n.parse().ok()).unwrap_or(0x9df));
    for case in 0..cases {
        let mut bytes = original.clone();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(bytes.len());
            match rng.below(4) {
                0 => bytes[at] = rng.below(256) as u8,
                1 => {
                    let end = (at + rng.below(200)).min(bytes.len());
                    bytes.drain(at..end);
                }
                2 => {
                    let end = (at + rng.below(200)).min(bytes.len());
                    let run = bytes[at..end].to_vec();
                    bytes.splice(at..at, run);
                }
                _ => {
                    if let Some(digit) = bytes[at..].iter().position(u8::is_ascii_digit) {
                        bytes[at + digit] = b'0' + rng.below(10) as u8;
                    }
                }
            }
        }
        let started = std::time::Instant::now();
        let _ = pdf::extract(&bytes);
        assert!(started.elapsed().as_secs() < 5, "case {case} took {:?}", started.elapsed());
    }
}
