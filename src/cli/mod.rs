//! The command line: `marginalia check`. It uses the same analysis as the language server and never writes a file.

pub mod bib;
pub mod check;
pub mod entities;
pub mod find;
mod github;
pub mod progress;
mod sarif;
mod shown;
pub mod sources;

use std::path::{Path, PathBuf};

use crate::load::{self, LoadOptions, LoadedWorkspace, NotesToRead};
use progress::{Progress, ShowProgress};

/// How the command line reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style: file:line:col, the line, a caret under the span, and the fix.
    Human,
    /// One JSON document, for machines.
    Json,
}

/// When to colour human output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    /// When writing to a terminal (and `NO_COLOR` is unset).
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The exit codes of the command line.
pub mod exit {
    /// No errors (warnings may remain).
    pub const CLEAN: i32 = 0;
    /// At least one error.
    pub const ERRORS: i32 = 1;
    /// Bad usage or an invalid configuration.
    pub const USAGE: i32 = 2;
}

/// How paths are shown: as the user gave them. A note under the path given is shown from it (`check notes`
/// shows `notes/week.md`, `check notes/week.md` shows `notes/week.md`); another file under the current folder is
/// shown from there, and any other file in full.
#[derive(Clone, Debug)]
pub(crate) struct PathDisplay {
    /// The folder given (or the folder of the file given), as written.
    given_folder: PathBuf,
    /// The same folder, canonical.
    folder: PathBuf,
    /// The file given, as written and canonical, when a file was given.
    given_file: Option<(PathBuf, PathBuf)>,
    /// The current folder, canonical.
    current: Option<PathBuf>,
}

impl PathDisplay {
    /// How to show paths for a command given `given` (which exists).
    pub(crate) fn new(given: &Path) -> PathDisplay {
        let canonical = given.canonicalize().unwrap_or_else(|_| given.to_path_buf());
        let current = std::env::current_dir().ok().and_then(|dir| dir.canonicalize().ok());
        if canonical.is_file() {
            let given_folder = given.parent().map(Path::to_path_buf).unwrap_or_default();
            let folder = canonical.parent().map_or_else(|| canonical.clone(), Path::to_path_buf);
            return PathDisplay { given_folder, folder, given_file: Some((given.to_path_buf(), canonical)), current };
        }
        PathDisplay { given_folder: given.to_path_buf(), folder: canonical, given_file: None, current }
    }

    /// How to show the file at `path` (canonical, or under a canonical folder).
    pub(crate) fn show(&self, path: &Path) -> String {
        let shown = match &self.given_file {
            Some((as_given, canonical)) if canonical == path => as_given.clone(),
            _ => match path.strip_prefix(&self.folder) {
                Ok(relative) => self.given_folder.join(relative),
                Err(_) => match self.current.as_deref().and_then(|current| path.strip_prefix(current).ok()) {
                    Some(relative) => relative.to_path_buf(),
                    None => path.to_path_buf(),
                },
            },
        };
        let cleaned: PathBuf = shown.components().filter(|c| *c != std::path::Component::CurDir).collect();
        let text = cleaned.to_string_lossy().replace('\\', "/");
        if text.is_empty() { ".".to_string() } else { text }
    }
}

/// What a command says when `given` is in no workspace.
pub(crate) fn no_workspace(given: &Path) -> String {
    format!(
        "error: no marginalia workspace at or above {}: a workspace is a folder with a `sources/` folder (the \
         articles) or a `marginalia.toml`",
        given.display()
    )
}

/// A workspace read for a command that only reports on it.
pub(crate) struct Loaded {
    /// How to show paths.
    pub display: PathDisplay,
    /// The workspace, its articles, bibliographies and the notes read.
    pub loaded: LoadedWorkspace,
}

/// Finds the workspace at or above `path` (the current folder by default) and loads it (with every note when
/// `notes`), printing load problems to stderr as warnings. `Err` holds the exit code when the path does not exist.
pub(crate) fn load_for_report(
    path: Option<PathBuf>,
    notes: bool,
    show: ShowProgress,
) -> anyhow::Result<Result<Loaded, i32>> {
    let loaded = load_quietly(path, notes, show)?;
    if let Ok(loaded) = &loaded {
        for problem in &loaded.loaded.problems {
            eprintln!("warning: {problem}");
        }
    }
    Ok(loaded)
}

/// [`load_for_report`] for a command that reports the load problems itself. Progress is shown as `show` says.
pub(crate) fn load_quietly(
    path: Option<PathBuf>,
    notes: bool,
    show: ShowProgress,
) -> anyhow::Result<Result<Loaded, i32>> {
    let given = path.unwrap_or_else(|| PathBuf::from("."));
    if !given.exists() {
        eprintln!("error: no such file or folder: {}", given.display());
        return Ok(Err(exit::USAGE));
    }
    let root = load::find_root(&given.canonicalize()?);
    if !load::is_workspace(&root) {
        eprintln!("{}", no_workspace(&given));
        return Ok(Err(exit::USAGE));
    }
    let notes = if notes { NotesToRead::All } else { NotesToRead::None };
    let progress = Progress::new(show);
    let options = LoadOptions { progress: &|step| progress.observe(step), ..LoadOptions::notes(notes) };
    let loaded = load::load_workspace(&root, options);
    drop(progress);
    Ok(Ok(Loaded { display: PathDisplay::new(&given), loaded }))
}
