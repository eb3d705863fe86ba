//! marginalia reads citations as Pandoc does: each case of `tests/pandoc/citations.md` is given to the real
//! `pandoc` (its JSON output) and to marginalia's parser, and both must find the same citations, in the same
//! order, with the same items, citation modes and quotations (compared by their words).
//!
//! Without pandoc on PATH a local run prints why and passes; with `CI=true` it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use marginalia::markup::{self, CiteMode};
use serde_json::Value;

/// One citation as both sides describe it: `mode id [quotation words | …]` per item.
type Described = Vec<String>;

#[test]
fn citations_are_read_as_pandoc_reads_them() {
    let Some(pandoc) = require_pandoc() else {
        return;
    };
    let cases = cases();
    assert!(cases.len() > 100, "{} cases", cases.len());
    let mut failures = Vec::new();
    for (name, input) in &cases {
        let expected = pandoc_citations(&pandoc, input);
        let actual = marginalia_citations(input);
        if expected != actual {
            failures.push(format!(
                "{name}:\n  input:      {input:?}\n  pandoc:     {expected:?}\n  marginalia: {actual:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

/// The cases of the fixture file: a `### name` line, then the Markdown up to the next case.
fn cases() -> Vec<(String, String)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/pandoc/citations.md");
    let text = std::fs::read_to_string(&path).expect("the fixture file");
    let mut cases: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("### ") {
            cases.push((name.to_string(), String::new()));
        } else if let Some((_, input)) = cases.last_mut() {
            input.push_str(line);
            input.push('\n');
        }
    }
    for (_, input) in &mut cases {
        let trimmed = input.trim_end().len();
        input.truncate(trimmed);
    }
    cases
}

fn require_pandoc() -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).map(|dir| dir.join("pandoc")).find(|path| path.is_file()));
    if let Some(path) = found.flatten() {
        return Some(path);
    }
    let reason = "pandoc is not on PATH (apt-get install pandoc)";
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{reason}, and CI=true requires it");
    eprintln!("skipped: {reason}");
    None
}

fn marginalia_citations(input: &str) -> Vec<Described> {
    let syntax = markup::parse(input);
    syntax
        .citations
        .iter()
        .map(|citation| {
            citation
                .items
                .iter()
                .map(|item| {
                    let mode = match item.mode {
                        CiteMode::Normal => "normal",
                        CiteMode::SuppressAuthor => "suppress-author",
                        CiteMode::AuthorInText => "in-text",
                    };
                    let quotes: Vec<String> = item.quotes.iter().map(|quote| words(&quote.text)).collect();
                    format!("{mode} {} [{}]", item.id, quotes.join(" | "))
                })
                .collect()
        })
        .collect()
}

fn pandoc_citations(pandoc: &PathBuf, input: &str) -> Vec<Described> {
    let output = Command::new(pandoc)
        .args(["--from", "markdown", "--to", "json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().expect("stdin").write_all(input.as_bytes())?;
            child.wait_with_output()
        })
        .expect("pandoc runs");
    assert!(output.status.success(), "pandoc failed on {input:?}");
    let document: Value = serde_json::from_slice(&output.stdout).expect("pandoc's JSON");
    let mut citations = Vec::new();
    collect_cites(&document["blocks"], &mut citations);
    citations
}

/// Every `Cite` in `value`, outer before inner, in the order of the text.
fn collect_cites(value: &Value, out: &mut Vec<Described>) {
    match value {
        Value::Array(values) => values.iter().for_each(|v| collect_cites(v, out)),
        Value::Object(object) if object.get("t").and_then(Value::as_str) == Some("Cite") => {
            let citations = object["c"][0].as_array().expect("citations");
            let mut described = Vec::new();
            for citation in citations {
                let mode = match citation["citationMode"]["t"].as_str() {
                    Some("NormalCitation") => "normal",
                    Some("SuppressAuthor") => "suppress-author",
                    _ => "in-text",
                };
                let mut quotes = Vec::new();
                collect_quotes(&citation["citationPrefix"], &mut quotes);
                collect_quotes(&citation["citationSuffix"], &mut quotes);
                let id = citation["citationId"].as_str().expect("id");
                described.push(format!("{mode} {id} [{}]", quotes.join(" | ")));
            }
            out.push(described);
            for citation in citations {
                collect_cites(&citation["citationPrefix"], out);
                collect_cites(&citation["citationSuffix"], out);
            }
        }
        Value::Object(object) => object.values().for_each(|v| collect_cites(v, out)),
        _ => {}
    }
}

/// The words of each quotation in `inlines`, through formatting but not into links, notes or citations.
fn collect_quotes(inlines: &Value, out: &mut Vec<String>) {
    let Some(inlines) = inlines.as_array() else {
        return;
    };
    for inline in inlines {
        match inline["t"].as_str() {
            Some("Quoted") => out.push(words(&stringify(&inline["c"][1]))),
            Some("Cite" | "Link" | "Image" | "Note" | "Code" | "Math" | "RawInline") => {}
            Some("Span") => collect_quotes(&inline["c"][1], out),
            _ => collect_quotes(&inline["c"], out),
        }
    }
}

/// The text of pandoc inlines.
fn stringify(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(values) => values.iter().map(stringify).collect(),
        Value::Object(object) => match object.get("t").and_then(Value::as_str) {
            Some("Space" | "SoftBreak" | "LineBreak") => " ".to_string(),
            Some("Str") => stringify(&object["c"]),
            Some("Code" | "Math") => stringify(&object["c"][1]),
            Some("Cite") => stringify(&object["c"][1]),
            Some(_) => object.get("c").map(stringify).unwrap_or_default(),
            None => String::new(),
        },
        _ => String::new(),
    }
}

/// The letters and digits of `text`, in words separated by single spaces: how both sides' quotations compare
/// (pandoc turns `...` into `…` and `'` into `’`; the words are the same).
fn words(text: &str) -> String {
    let spaced: String = text.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Random strings of citation markup, seeded (`PANDOC_CASES`, `PANDOC_SEED`): where the fixtures cannot
/// foresee a combination, pandoc says what it means. The pieces leave out what a CommonMark parser and Pandoc may
/// read differently around citations in contrived strings (`$` math, `^` superscripts and notes, raw HTML, email
/// addresses); the fixtures have each of them in ordinary use.
#[test]
fn random_markup_is_read_as_pandoc_reads_it() {
    let Some(pandoc) = require_pandoc() else {
        return;
    };
    let cases: usize = std::env::var("PANDOC_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(150);
    let mut seed: u64 = std::env::var("PANDOC_SEED").ok().and_then(|n| n.parse().ok()).unwrap_or(0x5eed_cafe);
    const PIECES: &[&str] = &[
        "[",
        "]",
        "[",
        "]",
        "@harbour-strike",
        "@grain-harvest",
        "-@grain-harvest",
        "; ",
        ";",
        ", ",
        "p. 3",
        " ",
        " ",
        "\"",
        "\"",
        "\u{201C}",
        "\u{201D}",
        "'",
        "see ",
        "the words ",
        "walkout",
        "`x;y`",
        "\\;",
        "\\@",
        "\n",
        "\n\n",
        "@{a b}",
        "@{x.y.}",
        "*em*",
        "(",
        ")",
        "{",
        "}",
        "...",
        "x",
        "@",
        "-",
        "(http://x.org)",
    ];
    let mut failures = Vec::new();
    for _ in 0..cases {
        let mut input = String::new();
        seed = next(seed);
        for _ in 0..(4 + seed % 14) {
            seed = next(seed);
            input.push_str(PIECES[(seed >> 33) as usize % PIECES.len()]);
        }
        if !comparable(&input) {
            continue;
        }
        let expected = pandoc_citations(&pandoc, &input);
        let actual = marginalia_citations(&input);
        if expected != actual {
            failures.push(format!("input: {input:?}\n  pandoc:     {expected:?}\n  marginalia: {actual:?}"));
        }
    }
    assert!(failures.is_empty(), "{} of {cases} cases differ:\n{}", failures.len(), failures.join("\n"));
}

/// Whether marginalia means to read `input` as pandoc 2.17 does. Not: `[[…]]`, marginalia's own markup, which
/// Pandoc reads as a bracket in a bracket; a `[` before a blank line and a `]` after it, where pandoc 2.17 drops
/// the text between them (`x [` ⏎⏎ `y @a]` renders as `x []`); `@*` and `**`, where a key that starts with `*`
/// and emphasis compete; `@{}`, which pandoc cites as an empty id and marginalia reports.
fn comparable(input: &str) -> bool {
    let across_blank_line =
        input.match_indices("\n\n").any(|(blank, _)| input[..blank].contains('[') && input[blank..].contains(']'));
    !input.contains("[[")
        && !across_blank_line
        && !input.contains("@*")
        && !input.contains("**")
        && !input.contains("@{}")
}

/// A step of a 64-bit linear congruential generator: enough to vary the cases, the same on every machine.
fn next(seed: u64) -> u64 {
    seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407)
}

/// A workspace renders with pandoc using nothing but `marginalia bib`: a note that uses every citation form, with
/// quotes and locators, passes `marginalia check`, and `pandoc --citeproc` with the printed bibliography (in each
/// format) resolves every citation without a warning and prints every entry.
#[test]
fn notes_render_with_pandoc_and_the_printed_bibliography() {
    let Some(pandoc) = require_pandoc() else {
        return;
    };
    let dir = empty_workspace();
    let root = dir.path();
    let articles = [
        (
            "harbour-strike.txt",
            "---\ntitle: Dockers stop work at the north harbour\nauthor: Jane Doe and Tomas Lind\noutlet: The Coastal Courier\ndate: 2024-05-01\nurl: https://example.org/harbour\naccessed: 2024-05-03\n---\nDock workers walked out on Monday. The strike was to last until Friday unless the port authority reopened the talks.\n",
        ),
        (
            "grain-harvest.txt",
            "---\ntitle: A thin harvest on the plains\nauthors:\n  - Lind, Mara\ndate: 2023-09-12\nurl: https://news.example.com/grain\n---\nFarmers blamed a dry summer for the smallest harvest in a decade.\n",
        ),
        (
            "council.budget.txt",
            "---\ntitle: Council budget: libraries to close early\ntype: report\npublisher: Vellbridge City Council\ndate: 2022\n---\nThe council chose to shorten opening hours at three public libraries, a decision it called painful but unavoidable.\n",
        ),
        ("plain-note.txt", "By Ana Ruiz\n\nA short article with no front matter at all, written on its own.\n"),
    ];
    for (name, text) in articles {
        std::fs::write(root.join("sources").join(name), text).unwrap();
    }
    let note = "\
# Every citation form

The strike was to last [@harbour-strike, p. 1, \"until Friday\"]. Farmers blamed the weather
[see @grain-harvest, \"a dry summer\"; also @harbour-strike, chap. 2]. @harbour-strike [para. 2] says the
talks stalled, as Lind notes [-@grain-harvest, \"smallest harvest in a decade\"]. The council called
it \"painful but unavoidable\" [@{council.budget}, pp. 3-4, \u{201C}painful but unavoidable\u{201D}, emphasis added].
@plain-note [{sec. 1}] agrees [cf. @plain-note, \"written on its own\"; @{council.budget}].
";
    std::fs::write(root.join("notes/all-forms.md"), note).unwrap();

    check_passes(root);

    let formats =
        [("csl-json", "refs.json"), ("csl-yaml", "refs.yaml"), ("bibtex", "refs.bibtex"), ("biblatex", "refs.bib")];
    let expected = [
        "Dockers stop work at the north harbour",
        "Coastal Courier",
        "A thin harvest on the plains",
        "Council budget",
        "Vellbridge City Council",
        "Ruiz, Ana. n.d. “A short article with no front matter at all",
        "Doe",
        "2023",
    ];
    render_with_printed_bibliography(&pandoc, root, &formats, "notes/all-forms.md", &expected);
}

/// A temporary workspace with empty `sources/` and `notes/` folders.
fn empty_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sources")).unwrap();
    std::fs::create_dir_all(dir.path().join("notes")).unwrap();
    dir
}

/// Runs `marginalia check` on the workspace at `root` and insists that it finds no error.
fn check_passes(root: &Path) {
    let check = Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .args(["check", "--format", "json"])
        .current_dir(root)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&check.stdout).unwrap();
    assert!(check.status.success(), "{report:#}");
    assert_eq!(report["summary"]["errors"], 0, "{report:#}");
}

/// Renders `note` with `pandoc --citeproc` and what `marginalia bib` prints in each of `formats` (written to the
/// file beside it), and checks that pandoc says nothing, that every citation is resolved, and that the rendering
/// has every `expected` text (in any case: styles change the case of titles).
fn render_with_printed_bibliography(
    pandoc: &Path,
    root: &Path,
    formats: &[(&str, &str)],
    note: &str,
    expected: &[&str],
) {
    for &(format, file) in formats {
        let bib = Command::new(env!("CARGO_BIN_EXE_marginalia"))
            .args(["bib", "--format", format])
            .current_dir(root)
            .output()
            .unwrap();
        assert!(bib.status.success(), "{format}: {}", String::from_utf8_lossy(&bib.stderr));
        std::fs::write(root.join(file), &bib.stdout).unwrap();
        let rendered = Command::new(pandoc)
            .args(["--citeproc", "--bibliography", file, "-t", "plain", "--wrap=none", note])
            .current_dir(root)
            .output()
            .unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&rendered.stdout), String::from_utf8_lossy(&rendered.stderr));
        assert!(rendered.status.success() && stderr.trim().is_empty(), "{format}: pandoc said:\n{stderr}");
        assert!(!stdout.contains("???") && !stdout.contains('@'), "{format}: an unresolved citation:\n{stdout}");
        for expected in expected {
            let found = stdout.to_lowercase().contains(&expected.to_lowercase());
            assert!(found, "{format}: the rendering lacks {expected:?}:\n{stdout}");
        }
    }
}

/// Bibliographies in: a workspace whose `marginalia.toml` names a BibLaTeX library (as Better BibTeX exports it)
/// and whose note names a Zotero BibTeX file in its front matter checks, and renders with pandoc using nothing but
/// `marginalia bib`: entries tied to an article (by their key) and entries without one alike.
#[test]
fn notes_citing_bibliography_entries_render_with_the_printed_bibliography() {
    let Some(pandoc) = require_pandoc() else {
        return;
    };
    let dir = empty_workspace();
    let root = dir.path();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bibliography");
    std::fs::copy(fixtures.join("zotero-better.bib"), root.join("library.bib")).unwrap();
    std::fs::copy(fixtures.join("zotero-native.bib"), root.join("notes/zotero.bib")).unwrap();
    std::fs::write(root.join("marginalia.toml"), "bibliography = [\"library.bib\"]\n").unwrap();
    std::fs::write(
        root.join("sources/lindHarbourDockersStop2024.txt"),
        "Dockers at the north quay stopped work on Tuesday over the new night shifts.\n",
    )
    .unwrap();
    let note = "---\ntitle: Week 18\nbibliography: zotero.bib\n---\n\n\
The dockers \"stopped work on Tuesday\" [@lindHarbourDockersStop2024, p. 2, \"stopped work on Tuesday\"], as the \
port's own report allows [see @portAuthorityAnnualReport2023, chap. 3; @vanderbergQuaysideVoices2022]. The webcam \
archive shows the quay [@quay_webcam_2024].\n";
    std::fs::write(root.join("notes/week.md"), note).unwrap();

    check_passes(root);

    let expected = [
        "Harbour Dockers Stop Work over Night Shifts",
        "Coastal Courier",
        "Northport Port Authority",
        "Quayside Voices",
        // BibLaTeX sorts a particle after the given name: "Berg, Marit van der".
        "Berg",
        "Marit",
        "Quay webcam archive",
    ];
    render_with_printed_bibliography(
        &pandoc,
        root,
        &[("csl-json", "all.json"), ("biblatex", "all.bib")],
        "notes/week.md",
        &expected,
    );
}
