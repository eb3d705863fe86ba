//! Where CI results are read: `check --format sarif` (valid SARIF 2.1.0 by the published schema, one rule per
//! documented code, fixes that apply), `--format github` (workflow-command annotations), the notes a hook passes,
//! the pre-commit hook run by the real pre-commit, progress only on a terminal, and the version.

#[path = "common/cli.rs"]
mod cli;

use std::path::{Path, PathBuf};
use std::process::Command;

use cli::{copy_dir, marginalia, repo, stdout, write_file};

/// The codes of the diagnostics table of docs/markup.md, in its order.
fn documented_codes() -> Vec<String> {
    let docs = std::fs::read_to_string(repo().join("docs/markup.md")).unwrap();
    let table = &docs[docs.find("## Diagnostics").expect("docs/markup.md has a Diagnostics section")..];
    table
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .map(|rest| rest[..rest.find('`').unwrap()].to_string())
        .collect()
}

fn sarif_of(args: &[&str], cwd: &Path) -> serde_json::Value {
    let output = marginalia(&[&["check", "--format", "sarif"], args].concat(), cwd);
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    serde_json::from_slice(&output.stdout).expect("the SARIF log is JSON")
}

fn assert_valid_sarif(log: &serde_json::Value) {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/fixtures/sarif/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> =
        validator.iter_errors(log).map(|error| format!("{error} at {}", error.instance_path())).collect();
    assert!(errors.is_empty(), "not valid SARIF 2.1.0:\n{}", errors.join("\n"));
}

#[test]
fn sarif_is_valid_by_the_published_schema_with_a_rule_for_each_documented_code() {
    let log = sarif_of(&["examples/research"], repo());
    assert_valid_sarif(&log);
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "marginalia");
    let rules: Vec<&str> =
        run["tool"]["driver"]["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(rules, documented_codes(), "one rule per code of docs/markup.md, in its order");
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        assert!(rule["help"]["text"].as_str().is_some_and(|help| help.len() > 40), "{rule} has help text");
    }

    // The same diagnostics as the JSON report, each pointing at its rule.
    let json: serde_json::Value =
        serde_json::from_slice(&marginalia(&["check", "examples/research", "--format", "json"], repo()).stdout)
            .unwrap();
    let results = run["results"].as_array().unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(results.len(), diagnostics.len());
    for (result, diagnostic) in results.iter().zip(diagnostics) {
        assert_eq!(result["ruleId"], diagnostic["code"]);
        assert_eq!(
            run["tool"]["driver"]["rules"][result["ruleIndex"].as_u64().unwrap() as usize]["id"],
            result["ruleId"]
        );
        assert_eq!(result["message"]["text"], diagnostic["message"]);
        let location = &result["locations"][0]["physicalLocation"];
        let absolute = repo().canonicalize().unwrap().join(diagnostic["file"].as_str().unwrap());
        assert_eq!(location["artifactLocation"]["uri"], format!("file://{}", absolute.display()));
        assert_eq!(location["region"]["startLine"], diagnostic["line"]);
        assert_eq!(location["region"]["startColumn"], diagnostic["column"]);
        let levels = [("error", "error"), ("warning", "warning"), ("hint", "note"), ("information", "note")];
        let level = levels.iter().find(|(severity, _)| diagnostic["severity"] == *severity).unwrap().1;
        assert_eq!(result["level"], level);
    }
    assert!(results.iter().any(|r| r["ruleId"] == "quote-not-found"), "the example has a wrong quote");
}

#[test]
fn a_sarif_fix_applied_by_its_byte_region_passes_the_check_that_offered_it() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/research"), dir.path());
    let log = sarif_of(&["notes/mistakes.md"], dir.path());
    let results = log["runs"][0]["results"].as_array().unwrap();
    for code in ["unknown-source", "quote-not-found"] {
        let result =
            results.iter().find(|r| r["ruleId"] == code && !r["fixes"].as_array().unwrap().is_empty()).unwrap();
        let change = &result["fixes"][0]["artifactChanges"][0];
        let path = PathBuf::from(change["artifactLocation"]["uri"].as_str().unwrap().strip_prefix("file://").unwrap());
        assert!(path.starts_with(dir.path().canonicalize().unwrap()), "{}", path.display());
        let mut text = std::fs::read_to_string(&path).unwrap();
        let message = result["message"]["text"].as_str().unwrap();
        let mut replacements: Vec<&serde_json::Value> = change["replacements"].as_array().unwrap().iter().collect();
        replacements.sort_by_key(|r| std::cmp::Reverse(r["deletedRegion"]["byteOffset"].as_u64().unwrap()));
        for replacement in replacements {
            let start = replacement["deletedRegion"]["byteOffset"].as_u64().unwrap() as usize;
            let end = start + replacement["deletedRegion"]["byteLength"].as_u64().unwrap() as usize;
            text.replace_range(start..end, replacement["insertedContent"]["text"].as_str().unwrap());
        }
        std::fs::write(&path, text).unwrap();
        let after = sarif_of(&["notes/mistakes.md"], dir.path());
        let messages: Vec<&str> = after["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["message"]["text"].as_str().unwrap())
            .collect();
        assert!(!messages.contains(&message), "the {code} fix removes its diagnostic: {messages:#?}");
        assert_eq!(messages.len(), results.len() - 1, "and only that one");
        std::fs::copy(repo().join("examples/research/notes/mistakes.md"), &path).unwrap();
    }
}

#[test]
fn an_invalid_configuration_is_a_failed_sarif_run_and_a_github_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/research"), dir.path());
    write_file(dir.path(), "marginalia.toml", "notes = [\"notes/**/*.md\"]\nunknown-key = 1\n");
    let output = marginalia(&["check", "--format", "sarif"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_valid_sarif(&log);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolConfigurationNotifications"][0];
    assert_eq!(notification["locations"][0]["physicalLocation"]["region"]["startLine"], 2);

    let output = marginalia(&["check", "--format", "github"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stdout(&output).starts_with("::error file=marginalia.toml,line=2,col=1,title=configuration::"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn github_format_annotates_each_diagnostic_with_its_place_code_and_fix() {
    let output = Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .args(["check", "examples/research", "--format", "github"])
        .current_dir(repo())
        .env_remove("GITHUB_WORKSPACE")
        .output()
        .unwrap();
    insta::assert_snapshot!("check_example_github", stdout(&output));
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn github_annotations_are_placed_from_the_checkout_and_by_lines_alone_when_they_span_lines() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/research"), &dir.path().join("research"));
    // A quotation wrapped over two lines: the runner drops an annotation with columns that spans lines.
    write_file(
        dir.path(),
        "research/notes/wrapped.md",
        "The authority said [@harbour-strike, \"until Friday unless the port\nauthority reopened talks\"].\n",
    );
    let output = Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .args(["check", "--format", "github", "notes/wrapped.md"])
        .current_dir(dir.path().join("research"))
        .env("GITHUB_WORKSPACE", dir.path())
        .output()
        .unwrap();
    let text = stdout(&output);
    assert!(
        text.starts_with("::error file=research/notes/wrapped.md,line=1,endLine=2,title=quote-not-found::"),
        "relative to the checkout, lines only: {text}"
    );
}

#[test]
fn a_note_that_cannot_be_read_fails_the_check_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/research"), dir.path());
    write_file(dir.path(), "notes/latin.md", b"Caf\xe9 [@harbour-strike, \"no such words\"]\n");
    let human = marginalia(&["check", "notes/latin.md"], dir.path());
    assert_eq!(human.status.code(), Some(1), "{}", stdout(&human));
    assert!(stdout(&human).contains("error: cannot check a note that cannot be read"), "{}", stdout(&human));
    let sarif = marginalia(&["check", "--format", "sarif"], dir.path());
    assert_eq!(sarif.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_valid_sarif(&log);
    assert_eq!(log["runs"][0]["invocations"][0]["executionSuccessful"], false);
    let github = marginalia(&["check", "--format", "github", "notes/latin.md"], dir.path());
    assert!(stdout(&github).starts_with("::error file=notes/latin.md,title=unreadable-note::"), "{}", stdout(&github));
    let json = marginalia(&["check", "--format", "json", "notes/latin.md"], dir.path());
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["summary"]["errors"], 1);
    assert_eq!(json["unreadable_notes"][0]["file"], "notes/latin.md");
}

#[test]
fn an_unknown_format_is_a_usage_error_that_lists_the_formats() {
    let output = marginalia(&["check", "examples/research", "--format", "junit"], repo());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("invalid value 'junit'"), "{stderr}");
    assert!(stderr.contains("human, json, sarif, github"), "{stderr}");
}

#[test]
fn several_notes_are_checked_in_one_report_and_an_article_given_is_not_a_note() {
    let each = |args: &[&str]| {
        stdout(&marginalia(&[&["check", "--format", "json"], args].concat(), &repo().join("examples/research")))
    };
    let both = each(&["notes/clean.md", "notes/mistakes.md", "sources/council-budget.md"]);
    let skipped =
        marginalia(&["check", "notes/clean.md", "sources/council-budget.md"], &repo().join("examples/research"));
    let said = String::from_utf8_lossy(&skipped.stderr);
    assert_eq!(said, "note: sources/council-budget.md is an article, not a note: not checked\n");
    let both: serde_json::Value = serde_json::from_str(&both).unwrap();
    let whole: serde_json::Value = serde_json::from_str(&each(&[])).unwrap();
    assert_eq!(both["summary"]["notes"], 2, "the article is not read as a note");
    assert_eq!(both["diagnostics"], whole["diagnostics"]);

    // Two workspaces: each note against its own articles, one summary.
    let dir = tempfile::tempdir().unwrap();
    for name in ["one", "two"] {
        copy_dir(&repo().join("examples/research"), &dir.path().join(name));
    }
    // A file in no workspace (a README beside them, as a hook passes it) is said and left; alone, it is a usage error.
    write_file(dir.path(), "README.md", "About [@these] notes.\n");
    let output = marginalia(&["check", "README.md", "one/notes/mistakes.md", "two/notes/clean.md"], dir.path());
    assert_eq!(String::from_utf8_lossy(&output.stderr), "note: README.md is in no marginalia workspace: not checked\n");
    assert_eq!(marginalia(&["check", "README.md"], dir.path()).status.code(), Some(2));
    let text = stdout(&output);
    assert!(text.contains("one/notes/mistakes.md:3:"), "{text}");
    assert!(
        text.ends_with("checked 2 notes against 8 articles (30 entities): 9 errors, 3 warnings, 1 hint\n"),
        "{text}"
    );
}

/// `program`, or the reason it is missing: a failure in CI, a skip elsewhere.
fn require(program: &str, install: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|dir| dir.join(program)).find(|path| path.is_file()));
    if found.is_none() {
        assert!(std::env::var("CI").is_err(), "{program} is needed in CI: {install}");
        eprintln!("skipped: {program} is not installed ({install})");
    }
    found
}

fn git(args: &[&str], cwd: &Path) -> String {
    let output = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

#[test]
fn the_pre_commit_hook_refuses_a_commit_with_a_wrong_quote_and_passes_it_fixed() {
    let Some(pre_commit) = require("pre-commit", "pip install pre-commit") else { return };
    let dir = tempfile::tempdir().unwrap();
    // The hooks as a repository publishes them: this repository's .pre-commit-hooks.yaml, committed.
    let hooks = dir.path().join("hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::copy(repo().join(".pre-commit-hooks.yaml"), hooks.join(".pre-commit-hooks.yaml")).unwrap();
    git(&["init", "-q"], &hooks);
    git(&["add", "."], &hooks);
    git(&["commit", "-q", "-m", "hooks"], &hooks);
    let rev = git(&["rev-parse", "HEAD"], &hooks);

    // A research repository using them, with marginalia on PATH.
    let research = dir.path().join("research");
    std::fs::create_dir_all(&research).unwrap();
    copy_dir(&repo().join("examples/research"), &research);
    std::fs::remove_file(research.join("notes/mistakes.md")).unwrap();
    let config =
        format!("repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: marginalia-system\n", hooks.display());
    write_file(&research, ".pre-commit-config.yaml", config);
    git(&["init", "-q"], &research);
    git(&["add", "."], &research);
    let binary_dir = Path::new(env!("CARGO_BIN_EXE_marginalia")).parent().unwrap();
    let path = std::env::join_paths(
        std::iter::once(binary_dir.to_path_buf()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let pre_commit_home = dir.path().join("pre-commit-home");
    let run = |program: &Path, args: &[&str]| {
        Command::new(program)
            .args(args)
            .current_dir(&research)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", &pre_commit_home)
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.org")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.org")
            .output()
            .unwrap()
    };
    let installed = run(&pre_commit, &["install"]);
    assert!(installed.status.success(), "{}", String::from_utf8_lossy(&installed.stderr));
    let committed = run(Path::new("git"), &["commit", "-q", "-m", "sources and a clean note"]);
    assert!(committed.status.success(), "{}{}", stdout(&committed), String::from_utf8_lossy(&committed.stderr));

    let note = "Dock workers said the strike would go on [@harbour-strike, \"until Friday unless the authority \
                reopened talks\"].\n";
    let wrong = note.replace("unless the authority", "unless the port authority");
    write_file(&research, "notes/strike.md", &wrong);
    git(&["add", "notes/strike.md"], &research);
    let refused = run(Path::new("git"), &["commit", "-m", "a wrong quote"]);
    let said = format!("{}{}", stdout(&refused), String::from_utf8_lossy(&refused.stderr));
    assert!(!refused.status.success(), "the commit is refused:\n{said}");
    assert!(
        said.contains("quote-not-found") && said.contains("notes/strike.md:1:"),
        "the diagnostic is shown:\n{said}"
    );

    write_file(&research, "notes/strike.md", note);
    git(&["add", "notes/strike.md"], &research);
    let passed = run(Path::new("git"), &["commit", "-m", "the quote as the article has it"]);
    let said = format!("{}{}", stdout(&passed), String::from_utf8_lossy(&passed.stderr));
    assert!(passed.status.success(), "the fixed note is committed:\n{said}");
    assert!(said.contains("marginalia check") && said.contains("Passed"), "{said}");
}

#[test]
fn progress_is_drawn_on_a_terminal_only_and_quiet_silences_it() {
    let Some(script) = require("script", "apt-get install bsdutils") else { return };
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/research"), dir.path());
    // Enough articles that reading them takes more than one frame of the display.
    for n in 0..3000 {
        write_file(
            dir.path(),
            &format!("sources/generated/a{n}.txt"),
            format!("Article {n}\n\nThe harbour board met on day {n}.\n"),
        );
    }
    let binary = env!("CARGO_BIN_EXE_marginalia");
    let on_terminal = |args: &str| {
        // `script` gives the program a terminal and records what it drew; stdout goes to a file.
        let command = format!("{binary} {args} check notes/clean.md >/dev/null");
        let output =
            Command::new(&script).args(["-qec", &command, "/dev/null"]).current_dir(dir.path()).output().unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let drawn = on_terminal("");
    assert!(drawn.contains("reading articles"), "progress on a terminal: {drawn:?}");
    assert!(drawn.contains("/3,004"), "with the number of articles: {drawn:?}");
    assert!(!on_terminal("--quiet").contains("reading articles"), "--quiet silences it");
    let piped = marginalia(&["check", "notes/clean.md"], dir.path());
    assert_eq!(String::from_utf8_lossy(&piped.stderr), "", "nothing on stderr when it is not a terminal");
}

#[test]
fn the_version_names_the_commit_it_was_built_from() {
    let output = marginalia(&["--version"], repo());
    let version = stdout(&output);
    assert!(
        version.starts_with(&format!("marginalia {} ", env!("CARGO_PKG_VERSION")))
            || version == format!("marginalia {}\n", env!("CARGO_PKG_VERSION")),
        "{version}"
    );
    let head = Command::new("git").args(["rev-parse", "HEAD"]).current_dir(repo()).output();
    if let Some(head) = head.ok().filter(|head| head.status.success()) {
        let head = String::from_utf8_lossy(&head.stdout);
        assert!(version.contains(&format!("({})", &head.trim()[..12])), "{version} names {head}");
    }
}

#[test]
fn an_unused_saved_page_is_placed_in_its_own_file_not_in_the_text_extracted_from_it() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/research"), dir.path());
    let config = std::fs::read_to_string(dir.path().join("marginalia.toml")).unwrap();
    write_file(dir.path(), "marginalia.toml", format!("unused-sources = true\n{config}"));
    std::fs::remove_file(dir.path().join("notes/clean.md")).unwrap();
    let output = marginalia(&["check", "--format", "json"], dir.path());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let hint = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "unused-source" && d["file"].as_str().unwrap().ends_with(".html"))
        .expect("the saved page no note cites");
    let page = std::fs::read_to_string(dir.path().join(hint["file"].as_str().unwrap())).unwrap();
    let [start, end] = [0, 1].map(|i| hint["byte_range"][i].as_u64().unwrap() as usize);
    let line = page.lines().nth(hint["line"].as_u64().unwrap() as usize - 1).unwrap();
    assert!(line.contains(&page[start..end]), "the range is the page's own words: {line:?}");
    assert!(!page[start..end].contains('<') && end > start + 10, "{:?}", &page[start..end]);
}
