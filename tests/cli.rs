//! The command line, run as a user runs it: the example workspace, exact output and exit codes.

#[path = "common/cli.rs"]
mod cli;

use std::path::Path;

use cli::{copy_dir, marginalia, repo, stdout, write_file};

#[test]
fn check_reports_every_mistake_of_the_example_and_fails() {
    let output = marginalia(&["check", "examples/research"], repo());
    insta::assert_snapshot!("check_example_human", stdout(&output));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn check_json_is_for_machines() {
    let output = marginalia(&["check", "examples/research", "--format", "json"], repo());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    insta::assert_json_snapshot!("check_example_json", json);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_clean_note_passes() {
    let output = marginalia(&["check", "examples/research/notes/clean.md"], repo());
    assert_eq!(stdout(&output), "checked 1 note against 4 articles (15 entities): no problems\n");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn paths_are_shown_as_they_were_given() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/research"), &dir.path().join("ws"));
    let first_location = |args: &[&str], cwd: &Path| {
        let output = stdout(&marginalia(args, cwd));
        let line = output.lines().find(|line| line.trim_start().starts_with("-->")).unwrap_or_default().to_string();
        line.trim_start_matches([' ', '-', '>']).split(':').next().unwrap_or_default().to_string()
    };
    let notes = dir.path().join("ws/notes");
    assert_eq!(first_location(&["check", "ws/notes/mistakes.md"], dir.path()), "ws/notes/mistakes.md");
    assert_eq!(
        first_location(&["check", "./ws/notes/../notes/mistakes.md"], dir.path()),
        "ws/notes/../notes/mistakes.md"
    );
    assert_eq!(first_location(&["check", "ws/notes"], dir.path()), "ws/notes/mistakes.md");
    assert_eq!(first_location(&["check", "ws"], dir.path()), "ws/notes/mistakes.md");
    assert_eq!(first_location(&["check", "mistakes.md"], &notes), "mistakes.md");
    assert_eq!(first_location(&["check"], &notes), "mistakes.md");
    let absolute = notes.canonicalize().unwrap().join("mistakes.md");
    assert_eq!(first_location(&["check", absolute.to_str().unwrap()], dir.path()), absolute.to_str().unwrap());
}

#[test]
fn a_long_line_is_shown_as_a_window_around_each_problem() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/research"), dir.path());
    // One line of 20,000 unclosed mentions: 20,000 problems on a 40 KB line.
    std::fs::write(dir.path().join("notes/brackets.md"), "[[".repeat(20_000)).unwrap();
    let output = marginalia(&["check", "notes/brackets.md"], dir.path());
    let out = stdout(&output);
    assert_eq!(out.matches("error[malformed-citation]").count(), 20_000);
    // Each problem shows a window of the line, not the line: the output grows with the problems alone.
    assert!(out.len() < 20_000 * 400, "{} bytes of output", out.len());
    assert!(out.contains("--> notes/brackets.md:1:39999\n"), "the real column of the last one");
    let last = out.rfind("--> notes/brackets.md:1:39999").unwrap();
    let shown = out[last..].lines().nth(2).unwrap().split_once("| ").unwrap().1;
    assert!(
        shown.starts_with('…') && shown.trim_start_matches('…').chars().all(|c| c == '[') && shown.len() < 100,
        "{shown}"
    );
    // JSON lists them all, each with its line and column.
    let output = marginalia(&["check", "notes/brackets.md", "--format", "json"], dir.path());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 20_000);
    assert_eq!((diagnostics[19_999]["line"].as_u64(), diagnostics[19_999]["column"].as_u64()), (Some(1), Some(39_999)));
}

#[test]
fn check_never_writes_a_file() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/research"), dir.path());
    let before = snapshot_dir(dir.path());
    let output = marginalia(&["check", "."], dir.path());
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(snapshot_dir(dir.path()), before);
}

#[test]
fn an_invalid_configuration_is_a_usage_error_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("marginalia.toml"), "sources = [\"sources\"]\nnotes = 3\n").unwrap();
    let output = marginalia(&["check", "."], dir.path());
    insta::assert_snapshot!(stdout(&output), @r"
    error: invalid configuration: invalid type: integer `3`, expected a sequence
      --> marginalia.toml:2:9
      |
    2 | notes = 3
      |         ^
      |
      = the configuration is described in docs/configuration.md
    ");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn usage_errors_exit_with_2() {
    let output = marginalia(&["check", "no/such/folder"], repo());
    assert_eq!(String::from_utf8_lossy(&output.stderr), "error: no such file or folder: no/such/folder\n");
    assert_eq!(output.status.code(), Some(2));
    let output = marginalia(&["check", "--format", "xml"], repo());
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn unreadable_articles_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sources")).unwrap();
    std::fs::write(dir.path().join("sources/broken.txt"), b"Caf\xc3\xa9 au lait, caf\xe9\n").unwrap();
    std::fs::write(dir.path().join("sources/good.txt"), "Dock workers walked out.\n").unwrap();
    std::fs::write(dir.path().join("note.md"), "[@good, \"walked out\"]\n").unwrap();
    let output = marginalia(&["check", "."], dir.path());
    insta::assert_snapshot!(stdout(&output).replace(&*dir.path().to_string_lossy(), "<workspace>"), @r"
    warning: <workspace>/sources/broken.txt: not UTF-8 text (invalid byte at offset 18); skipped

    checked 1 note against 1 article (0 entities): no problems
    ");
    assert_eq!(output.status.code(), Some(0));
}

fn snapshot_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in walk(dir) {
        files.push((entry.to_string_lossy().into_owned(), std::fs::read(&entry).unwrap()));
    }
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn find_lists_exact_then_near_passages() {
    let output = marginalia(&["find", "the strike would last until Friday", "examples/research"], repo());
    insta::assert_snapshot!(stdout(&output), @"examples/research/sources/harbour-strike.txt:9:14: [@harbour-strike] exact: “the strike would last until Friday”");
    assert_eq!(output.status.code(), Some(0));

    let output = marginalia(&["find", "the walkout would last until Thursday", "examples/research"], repo());
    assert_eq!(output.status.code(), Some(1), "no exact match");
    let output = marginalia(&["find", "", "examples/research"], repo());
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn entities_lists_names_types_and_counts() {
    let output = marginalia(&["entities", "examples/research"], repo());
    insta::assert_snapshot!("entities_example", stdout(&output));
    assert_eq!(output.status.code(), Some(0));
}

/// A workspace whose `marginalia.toml` names a Zotero-shaped BibTeX library: one entry tied to an article, one
/// without an article, one broken.
fn workspace_with_a_library() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sources")).unwrap();
    std::fs::create_dir_all(dir.path().join("notes")).unwrap();
    std::fs::write(dir.path().join("marginalia.toml"), "bibliography = \"library.bib\"\n").unwrap();
    std::fs::write(
        dir.path().join("sources/harbour.txt"),
        "Dock workers walked out on Monday.\nThe strike would last until Friday, the union said.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("library.bib"),
        "@article{lind2024,\n  title = {Harbour Strike},\n  author = {Lind, Tomas},\n  journaltitle = {The Coastal Courier},\n  entrysubtype = {newspaper},\n  date = {2024-03-05},\n  file = {sources/harbour.txt}\n}\n\n@article{broken,\n  title = {Never closed}\n\n@book{okafor2021,\n  title = {Ports in Transition},\n  author = {Okafor, Ada},\n  publisher = {Tidewater Press},\n  date = {2021}\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("notes/week.md"),
        "The strike [@lind2024, p. 2, \"would last until Friday\"] was long [@okafor2021, \"ports change\"].\n",
    )
    .unwrap();
    dir
}

#[test]
fn check_reads_the_bibliography_reports_its_broken_entry_and_says_what_it_cannot_check() {
    let dir = workspace_with_a_library();
    let output = marginalia(&["check", "."], dir.path());
    insta::assert_snapshot!(stdout(&output), @r#"
    error[bibliography]: this entry never closes (a brace or quote left open?)
       --> library.bib:10:1
       |
    10 | @article{broken,
       | ^^^^^^^^^^^^^^^^

    note[quote-without-article]: not checked: `okafor2021` is an entry of `library.bib` without an article, so there is nothing to check this quote against (add the article to the sources, or give the entry a `file` field)
      --> notes/week.md:1:80
      |
    1 | The strike [@lind2024, p. 2, "would last until Friday"] was long [@okafor2021, "ports change"].
      |                                                                                ^^^^^^^^^^^^^^

    checked 1 note against 1 article (0 entities): 1 error, 0 warnings (1 quote not checked: nothing to check against)
    "#);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn bib_prints_the_entries_of_the_library_with_the_articles_they_describe() {
    let dir = workspace_with_a_library();
    let output = marginalia(&["bib", ".", "--format", "csl-json"], dir.path());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("CSL JSON");
    let ids: Vec<&str> = json.as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["harbour", "lind2024", "okafor2021"], "the article's own id still cites it");
    assert_eq!(json[1]["title"], "Harbour Strike");
    assert_eq!(json[1]["container-title"], "The Coastal Courier");
    assert_eq!(json[0]["title"], "Harbour Strike", "lent by the entry");
    assert_eq!(json[2]["publisher"], "Tidewater Press");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("library.bib:10:1: this entry never closes"), "{stderr}");
    assert_eq!(output.status.code(), Some(1), "a broken entry is never dropped silently");
}

#[test]
fn check_of_the_whole_workspace_names_the_articles_no_note_cites_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "sources/harbour.txt", "Dock workers walked out on Monday.\n");
    write_file(
        dir.path(),
        "sources/harvest.txt",
        "---\ntitle: Harvest\n---\n\nGrain harvest falls for a third year.\n",
    );
    write_file(dir.path(), "notes/week.md", "The walkout [@harbour, \"walked out on Monday\"].\n");
    // Not asked for: nothing said.
    let output = marginalia(&["check", "."], dir.path());
    assert!(!stdout(&output).contains("unused-source"), "{}", stdout(&output));
    write_file(dir.path(), "marginalia.toml", "unused-sources = true\n");
    let output = marginalia(&["check", "."], dir.path());
    insta::assert_snapshot!(stdout(&output), @r"
    help[unused-source]: no note cites `harvest`
      --> sources/harvest.txt:5:1
      |
    5 | Grain harvest falls for a third year.
      | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^

    checked 1 note against 2 articles (0 entities): 0 errors, 0 warnings, 1 hint
    ");
    assert_eq!(output.status.code(), Some(0), "a hint fails nothing");
    // A check of one folder does not see every note: it cannot say what no note cites.
    let output = marginalia(&["check", "notes"], dir.path());
    assert!(!stdout(&output).contains("unused-source"), "{}", stdout(&output));
}

#[test]
fn an_article_in_a_legacy_encoding_is_read_and_its_quotes_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sources")).unwrap();
    // Windows-1252, as an old word processor saves it: accented letters, curly quotes and an em dash.
    let article = b"Les dockers ont cess\xe9 le travail lundi \x97 \x93nous ne c\xe9derons pas\x94, a d\xe9clar\xe9 la d\xe9l\xe9gu\xe9e.\n";
    std::fs::write(dir.path().join("sources/greve.txt"), article).unwrap();
    std::fs::write(dir.path().join("note.md"), "[@greve, \"nous ne céderons pas\"] [@greve, \"nous cédons\"]\n")
        .unwrap();
    let output = marginalia(&["check", "."], dir.path());
    let shown = stdout(&output);
    assert!(shown.contains("quote not found in `greve`"), "{shown}");
    assert_eq!(shown.matches("error[").count(), 1, "the exact quote passes: {shown}");
    assert!(shown.contains("checked 1 note against 1 article"), "{shown}");
}

#[test]
fn sources_lists_every_article_with_what_was_read_and_how_notes_use_it() {
    let dir = tempfile::tempdir().unwrap();
    write_file(
        dir.path(),
        "sources/harbour.md",
        b"---\ntitle: Dockers walk out\nauthor: Jane Doe\noutlet: The Coastal Courier\ndate: 2024-03-04\nlanguage: en\n---\nDock workers walked out on Monday.\n",
    );
    // Scraped, in Windows-1252: a headline beside its date line, and a source line.
    write_file(
        dir.path(),
        "sources/greve.txt",
        b"Home | World\nStrike at the port of Brest Last Updated : 5 Mar 2024\nDockers at Brest stopped work on Monday, said Ren\xe9e Le Gu\xe9ven of the union.\nSource : THE BREST HARBOUR DAILY\n",
    );
    write_file(dir.path(), "sources/broken.txt", b"Caf\xc3\xa9 au lait, caf\xe9\n");
    write_file(dir.path(), "notes/week.md", b"[@harbour, \"walked out\"] and [@harbour]. Later [@greve].\n");
    write_file(dir.path(), "notes/other.md", b"[@harbour]\n");
    let output = marginalia(&["sources", "."], dir.path());
    insta::assert_snapshot!(stdout(&output), @"
    id                       date       outlet                     notes  title
    greve                    2024-03-05 The Brest Harbour Daily        1  Strike at the port of Brest
    harbour                  2024-03-04 The Coastal Courier            2  Dockers walk out

    not read:
      sources/broken.txt: not UTF-8 text (invalid byte at offset 18); skipped

    2 articles, 2 cited by the 2 notes; 1 file not read
    ");
    assert_eq!(output.status.code(), Some(0));
    let output = marginalia(&["sources", ".", "--format", "json"], dir.path());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    insta::assert_json_snapshot!(report, @r#"
    {
      "notes": 2,
      "sources": [
        {
          "authors": [],
          "citations": 1,
          "date": "2024-03-05",
          "encoding": "windows-1252",
          "format": "text",
          "id": "greve",
          "language": null,
          "notes": 1,
          "outlet": "The Brest Harbour Daily",
          "pages": null,
          "path": "sources/greve.txt",
          "quotations": 0,
          "title": "Strike at the port of Brest",
          "url": null,
          "words": 35
        },
        {
          "authors": [
            "Jane Doe"
          ],
          "citations": 3,
          "date": "2024-03-04",
          "encoding": "UTF-8",
          "format": "markdown",
          "id": "harbour",
          "language": "en",
          "notes": 2,
          "outlet": "The Coastal Courier",
          "pages": null,
          "path": "sources/harbour.md",
          "quotations": 1,
          "title": "Dockers walk out",
          "url": null,
          "words": 6
        }
      ],
      "unreadable": [
        {
          "path": "sources/broken.txt",
          "problem": "sources/broken.txt: not UTF-8 text (invalid byte at offset 18); skipped"
        }
      ]
    }
    "#);
}

#[test]
fn outside_a_workspace_the_commands_say_so_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "A project [@that] is not a workspace.\n").unwrap();
    for command in ["check", "sources", "entities", "bib"] {
        let output = marginalia(&[command, "."], dir.path());
        assert_eq!(output.status.code(), Some(2), "{command}");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(said.contains("no marginalia workspace at or above ."), "{command}: {said}");
        assert!(output.stdout.is_empty(), "{command} printed a report");
    }
}

#[test]
fn notes_are_never_read_in_dependency_folders_or_ignored_ones() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "sources/harbour.txt", "Dock workers walked out on Monday.\n");
    write_file(dir.path(), "notes/week.md", "[@harbour, \"walked out\"]\n");
    for folder in ["node_modules/pkg", "target/doc", "drafts"] {
        write_file(dir.path(), &format!("{folder}/README.md"), "[@nowhere]\n");
    }
    // Ignored without a git repository too.
    write_file(dir.path(), ".gitignore", "drafts/\n");
    let output = marginalia(&["check", "."], dir.path());
    insta::assert_snapshot!(stdout(&output), @"checked 1 note against 1 article (0 entities): no problems");
    assert_eq!(output.status.code(), Some(0));
}
