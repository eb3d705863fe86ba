//! The command line: `marginalia check`. It uses the same analysis as the language server and never writes a file.

pub mod check;
pub mod entities;
pub mod find;
mod shown;

use std::path::{Path, PathBuf};

use crate::corpus::Corpus;
use crate::load::{self, Workspace};

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

/// How paths are shown: from the path the user gave, so that they can be opened from where the command ran.
pub(crate) fn display_root(given: &Path, root: &Path) -> PathBuf {
    let given_dir = if given.is_file() { given.parent().unwrap_or(Path::new(".")) } else { given };
    let Ok(given_canonical) = given_dir.canonicalize() else {
        return root.to_path_buf();
    };
    // The root is the given folder or one of its ancestors.
    let mut display = given_dir.to_path_buf();
    let mut current = given_canonical.as_path();
    while current != root {
        match current.parent() {
            Some(parent) => {
                current = parent;
                display.push("..");
            }
            None => return root.to_path_buf(),
        }
    }
    let cleaned: PathBuf = display.components().collect();
    if cleaned.as_os_str().is_empty() { PathBuf::from(".") } else { cleaned }
}

/// A workspace file as shown: from the path the user gave, without a leading `./`.
pub(crate) fn display_path(display_root: &Path, relative: &Path) -> String {
    let path = if display_root == Path::new(".") { relative.to_path_buf() } else { display_root.join(relative) };
    path.to_string_lossy().replace('\\', "/")
}

/// A workspace read for a command that only reports on it.
pub(crate) struct Loaded {
    /// The workspace root.
    pub root: PathBuf,
    /// How to show the root's paths (see [`display_root`]).
    pub display_root: PathBuf,
    /// The indexed articles.
    pub corpus: Corpus,
}

/// Finds the workspace at or above `path` (the current folder by default) and indexes its articles, printing
/// load problems to stderr as warnings. `Err` holds the exit code when the path does not exist.
pub(crate) fn load_for_report(path: Option<PathBuf>) -> anyhow::Result<Result<Loaded, i32>> {
    let given = path.unwrap_or_else(|| PathBuf::from("."));
    if !given.exists() {
        eprintln!("error: no such file or folder: {}", given.display());
        return Ok(Err(exit::USAGE));
    }
    let root = load::find_root(&given.canonicalize()?);
    let (workspace, problem) = Workspace::open(&root);
    let (sources, problems) = workspace.read_sources();
    for problem in problem.iter().chain(&problems) {
        eprintln!("warning: {problem}");
    }
    let (corpus, corpus_problems) = Corpus::new(sources, workspace.config.entities.clone());
    for problem in corpus_problems {
        eprintln!("warning: {problem}");
    }
    Ok(Ok(Loaded { display_root: display_root(&given, &root), root, corpus }))
}
