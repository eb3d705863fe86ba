//! `marginalia check [PATH]...`: validates every note of a workspace (or the notes given) and reports like a
//! compiler, or for scripts (JSON), code-scanning pages (SARIF) and GitHub Actions annotations.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as ReportSeverity};
use codespan_reporting::files::{Files, SimpleFiles};
use codespan_reporting::term::termcolor::{BufferedStandardStream, ColorChoice};
use codespan_reporting::term::{self, Chars, Config as TermConfig, Styles, StylesWriter};
use serde_json::json;

use super::progress::{Progress, ShowProgress};
use super::shown::Shown;
use super::{ColorWhen, PathDisplay, exit, github, sarif};
use crate::analysis::{Analysis, Diagnostic, Note, Notes, Severity, SharedNote, bibliography_file_diagnostics};
use crate::bibliography::library::lexical;
use crate::config::{CONFIG_FILE, Config};
use crate::load::{self, LoadOptions, NotesToRead};
use crate::text::{LineIndex, PositionEncoding, TextRange};

/// What to check and how to report.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Workspace folders, folders inside one, or notes; the current folder when empty. Paths in different
    /// workspaces are checked each against its own articles, in one report.
    pub paths: Vec<PathBuf>,
    /// How to report.
    pub format: CheckFormat,
    /// When to colour human output.
    pub color: ColorWhen,
    /// Whether to show progress while the articles are indexed.
    pub progress: ShowProgress,
}

/// How `marginalia check` reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// rustc-style: file:line:col, the line, a caret under the span, and the fix.
    Human,
    /// One JSON document, for scripts.
    Json,
    /// SARIF 2.1.0, for code-scanning pages (GitHub code scanning, GitLab, Azure DevOps).
    Sarif,
    /// GitHub Actions workflow commands: an annotation on the pull request for each diagnostic.
    Github,
}

/// One file's diagnostics (a note's, or a bibliography's), with what is needed to print them.
pub(super) struct CheckedFile {
    /// The path as shown to the user.
    pub(super) display: String,
    /// The file's text.
    pub(super) text: String,
    /// Its diagnostics, in the order of the text.
    pub(super) diagnostics: Vec<Diagnostic>,
    /// The file, canonical: where code-scanning pages and annotations place it.
    pub(super) path: PathBuf,
}

/// A note that could not be read: nothing in it was checked, so the check fails.
pub(super) struct UnreadableNote {
    /// The path as shown to the user.
    pub(super) display: String,
    /// The file, canonical.
    pub(super) path: PathBuf,
    /// Why it could not be read.
    pub(super) message: String,
}

/// Everything a check found, across the workspaces of the paths given.
#[derive(Default)]
struct Checked {
    /// Files that could not be read, duplicate ids and the like: said, not fatal.
    problems: Vec<String>,
    /// Notes that could not be read: errors, since what they cite was not checked.
    unreadable_notes: Vec<UnreadableNote>,
    files: Vec<CheckedFile>,
    notes: usize,
    sources: usize,
    entities: usize,
}

/// Runs the check and returns the exit code. Output goes to stdout.
pub fn run(options: &CheckOptions) -> anyhow::Result<i32> {
    let given = if options.paths.is_empty() { vec![PathBuf::from(".")] } else { options.paths.clone() };
    let mut workspaces: Vec<(PathBuf, Vec<PathBuf>)> = Vec::new();
    let mut outside = Vec::new();
    for path in &given {
        if !path.exists() {
            eprintln!("error: no such file or folder: {}", path.display());
            return Ok(exit::USAGE);
        }
        let canonical = path.canonicalize().with_context(|| format!("cannot open {}", path.display()))?;
        let root = load::find_root(&canonical);
        if !load::is_workspace(&root) {
            outside.push(path);
            continue;
        }
        match workspaces.iter_mut().find(|(known, _)| *known == root) {
            Some((_, within)) => within.push(canonical),
            None => workspaces.push((root, vec![canonical])),
        }
    }
    // A path in no workspace is a usage error, unless others are in one: a hook passes every changed Markdown
    // file, and a README beside the workspace is not a note.
    if workspaces.is_empty() {
        eprintln!("{}", super::no_workspace(outside[0]));
        return Ok(exit::USAGE);
    }
    for path in outside {
        eprintln!("note: {} is in no marginalia workspace: not checked", path.display());
    }
    let display = PathDisplays::new(&given);
    let mut out = Output::new(options);
    let mut checked = Checked::default();
    for (root, within) in &workspaces {
        let config_path = root.join(CONFIG_FILE);
        if let Ok(text) = std::fs::read_to_string(&config_path)
            && let Err(error) = Config::parse(&text)
        {
            out.config_error(Path::new(&display.show(&config_path)), &config_path, &text, error.range, &error.message)?;
            return Ok(exit::USAGE);
        }
        check_workspace(root, within, &display, options.progress, &mut checked);
    }
    let summary = Summary::of(&checked);
    out.report(&checked, &summary)?;
    Ok(if summary.errors > 0 { exit::ERRORS } else { exit::CLEAN })
}

/// Checks the notes of the workspace at `root` that are in or at the paths `within`.
fn check_workspace(root: &Path, within: &[PathBuf], display: &PathDisplays, show: ShowProgress, out: &mut Checked) {
    let progress = Progress::new(show);
    let options =
        LoadOptions { progress: &|step| progress.observe(step), ..LoadOptions::notes(NotesToRead::Under(within)) };
    let loaded = load::load_workspace(root, options);
    drop(progress);
    for file in within.iter().filter(|path| path.is_file() && !loaded.workspace.is_note(path)) {
        let what = if loaded.workspace.is_source(file) {
            "an article, not a note"
        } else {
            "not a note of the workspace (see `notes` in docs/configuration.md)"
        };
        eprintln!("note: {} is {what}: not checked", display.show(file));
    }
    for problem in &loaded.problems {
        match problem.path().filter(|path| loaded.workspace.is_note(path)) {
            Some(path) => out.unreadable_notes.push(UnreadableNote {
                display: display.show(path),
                path: path.to_path_buf(),
                message: problem.to_string(),
            }),
            None => out.problems.push(problem.to_string()),
        }
    }
    let (workspace, notes, library) = (loaded.workspace, loaded.notes, std::sync::Arc::new(loaded.library));
    let analysis = Analysis::with_library(std::sync::Arc::new(loaded.corpus), library.clone());
    // A file a note names and that is missing is said at the note; the others at the file.
    let configured: Vec<PathBuf> = workspace.config.bibliography.iter().map(|path| lexical(&root.join(path))).collect();
    out.notes += notes.len();
    out.sources += analysis.corpus().len();
    out.entities += analysis.corpus().entities().len();
    for file in library.files().iter().filter(|file| !file.errors.is_empty()) {
        if !file.found && !configured.contains(&file.path) {
            continue;
        }
        let diagnostics = bibliography_file_diagnostics(file);
        let (display, path) = (display.show(&file.path), file.path.clone());
        out.files.push(CheckedFile { display, text: file.text.to_string(), diagnostics, path });
    }
    let notes = Notes::new(notes.into_iter().map(|(path, text)| {
        let note: SharedNote = std::sync::Arc::new(Note::at(path.clone(), text));
        (path, note)
    }));
    for (path, note) in notes.iter() {
        let diagnostics = analysis.diagnostics(note);
        let (display, path) = (display.show(path), path.to_path_buf());
        out.files.push(CheckedFile { display, text: note.text().to_string(), diagnostics, path });
    }
    // Which articles no note cites is known only when every note is read: the whole workspace is checked.
    if workspace.config.unused_sources && within == [root] {
        for (article, mut hint) in analysis.unused_sources(&notes) {
            let source = analysis.corpus().source_at(article);
            // A saved page is shown, and placed, in its own file's text, not in the text extracted from it.
            let file = load::ArticleFile::open(source);
            hint.range = file.range(hint.range);
            let (display, text, path) = (display.show(&source.path), file.text().to_string(), source.path.clone());
            out.files.push(CheckedFile { display, text, diagnostics: vec![hint], path });
        }
    }
}

/// How paths are shown when several were given: each file as seen from the path given that holds it.
struct PathDisplays {
    given: Vec<(PathBuf, PathDisplay)>,
}

impl PathDisplays {
    fn new(given: &[PathBuf]) -> PathDisplays {
        let given = given
            .iter()
            .map(|path| (path.canonicalize().unwrap_or_else(|_| path.clone()), PathDisplay::new(path)))
            .collect();
        PathDisplays { given }
    }

    fn show(&self, path: &Path) -> String {
        let holding = self.given.iter().find(|(given, _)| path.starts_with(given));
        let (_, display) = holding.or(self.given.first()).expect("at least one path is given");
        display.show(path)
    }
}

struct Summary {
    notes: usize,
    information: usize,
    sources: usize,
    entities: usize,
    errors: usize,
    warnings: usize,
    hints: usize,
}

impl Summary {
    fn of(checked: &Checked) -> Summary {
        let diagnostics = || checked.files.iter().flat_map(|file| &file.diagnostics);
        let count = |severity: Severity| diagnostics().filter(|d| d.severity() == severity).count();
        Summary {
            notes: checked.notes,
            sources: checked.sources,
            entities: checked.entities,
            errors: count(Severity::Error) + checked.unreadable_notes.len(),
            warnings: count(Severity::Warning),
            hints: count(Severity::Hint),
            information: count(Severity::Information),
        }
    }

    fn line(&self) -> String {
        let count = |n: usize, word: &str| {
            if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
        };
        let checked = format!(
            "{} against {} ({})",
            count(self.notes, "note"),
            count(self.sources, "article"),
            count(self.entities, "entity").replace("entitys", "entities")
        );
        let unchecked = match self.information {
            0 => String::new(),
            n => format!(" ({} not checked: nothing to check against)", count(n, "quote")),
        };
        if self.errors == 0 && self.warnings == 0 && self.hints == 0 {
            return format!("checked {checked}: no problems{unchecked}");
        }
        let mut line =
            format!("checked {checked}: {}, {}", count(self.errors, "error"), count(self.warnings, "warning"));
        if self.hints > 0 {
            line += &format!(", {}", count(self.hints, "hint"));
        }
        line + &unchecked
    }
}

enum Output {
    Human { stdout: BufferedStandardStream, config: TermConfig, styles: Box<Styles> },
    Json { stdout: std::io::Stdout },
    Sarif { stdout: std::io::Stdout },
    Github { stdout: std::io::Stdout, checkout: github::Checkout },
}

impl Output {
    fn new(options: &CheckOptions) -> Output {
        match options.format {
            CheckFormat::Json => Output::Json { stdout: std::io::stdout() },
            CheckFormat::Sarif => Output::Sarif { stdout: std::io::stdout() },
            CheckFormat::Github => Output::Github { stdout: std::io::stdout(), checkout: github::Checkout::of_run() },
            CheckFormat::Human => {
                let choice = match options.color {
                    ColorWhen::Always => ColorChoice::Always,
                    ColorWhen::Never => ColorChoice::Never,
                    ColorWhen::Auto if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() => {
                        ColorChoice::Auto
                    }
                    ColorWhen::Auto => ColorChoice::Never,
                };
                Output::Human {
                    stdout: BufferedStandardStream::stdout(choice),
                    config: TermConfig { chars: Chars::ascii(), ..TermConfig::default() },
                    styles: Box::default(),
                }
            }
        }
    }

    fn emit<'f, F: Files<'f> + ?Sized>(&mut self, files: &'f F, report: &Report<F::FileId>) -> anyhow::Result<()> {
        if let Output::Human { stdout, config, styles } = self {
            let mut writer = StylesWriter::new(stdout, styles);
            term::emit_to_write_style(&mut writer, config, files, report)?;
        }
        Ok(())
    }

    fn config_error(
        &mut self,
        path: &Path,
        canonical: &Path,
        text: &str,
        range: TextRange,
        message: &str,
    ) -> anyhow::Result<()> {
        match self {
            Output::Json { stdout } => {
                let (line, column) = one_based(text, range);
                let value = json!({
                    "error": {
                        "file": path.to_string_lossy(),
                        "line": line,
                        "column": column,
                        "message": message,
                    }
                });
                writeln!(stdout, "{}", serde_json::to_string_pretty(&value)?)?;
                Ok(())
            }
            Output::Sarif { stdout } => {
                let (line, column) = one_based(text, range);
                let value = sarif::configuration_error(canonical, line, column, message);
                writeln!(stdout, "{}", serde_json::to_string_pretty(&value)?)?;
                Ok(())
            }
            Output::Github { stdout, checkout } => {
                let (line, column) = one_based(text, range);
                let file = github::property(&checkout.path(&path.to_string_lossy(), canonical));
                let message = github::message(&format!("invalid configuration: {message}"));
                writeln!(stdout, "::error file={file},line={line},col={column},title=configuration::{message}")?;
                Ok(())
            }
            Output::Human { .. } => {
                let mut files = SimpleFiles::new();
                let file = files.add(path.to_string_lossy().into_owned(), text);
                let report = Report::error()
                    .with_message(format!("invalid configuration: {message}"))
                    .with_labels(vec![Label::primary(file, range)])
                    .with_notes(vec!["the configuration is described in docs/configuration.md".to_string()]);
                self.emit(&files, &report)?;
                if let Output::Human { stdout, .. } = self {
                    stdout.flush()?;
                }
                Ok(())
            }
        }
    }

    fn report(&mut self, report: &Checked, summary: &Summary) -> anyhow::Result<()> {
        let (problems, unreadable, checked) = (&report.problems, &report.unreadable_notes, &report.files);
        match self {
            Output::Json { stdout } => {
                let diagnostics: Vec<serde_json::Value> = checked
                    .iter()
                    .flat_map(|c| {
                        let index = LineIndex::new(&c.text);
                        c.diagnostics.iter().map(move |d| diagnostic_json(c, &index, d))
                    })
                    .collect();
                let value = json!({
                    "diagnostics": diagnostics,
                    "problems": problems,
                    "unreadable_notes": unreadable.iter().map(|note| json!({ "file": note.display, "problem": note.message })).collect::<Vec<_>>(),
                    "summary": {
                        "notes": summary.notes,
                        "articles": summary.sources,
                        "entities": summary.entities,
                        "errors": summary.errors,
                        "warnings": summary.warnings,
                        "hints": summary.hints,
                        "information": summary.information,
                    }
                });
                writeln!(stdout, "{}", serde_json::to_string_pretty(&value)?)?;
            }
            Output::Sarif { stdout } => {
                let value = sarif::report(problems, unreadable, checked);
                writeln!(stdout, "{}", serde_json::to_string_pretty(&value)?)?;
            }
            Output::Github { stdout, checkout } => {
                let mut stdout = stdout.lock();
                for problem in problems {
                    writeln!(stdout, "::warning::{}", github::message(problem))?;
                }
                for note in unreadable {
                    let file = github::property(&checkout.path(&note.display, &note.path));
                    writeln!(stdout, "::error file={file},title=unreadable-note::{}", github::message(&note.message))?;
                }
                for file in checked {
                    let index = LineIndex::new(&file.text);
                    for diagnostic in &file.diagnostics {
                        writeln!(stdout, "{}", github::annotation(checkout, file, &index, diagnostic))?;
                    }
                }
                writeln!(stdout, "{}", summary.line())?;
            }
            Output::Human { .. } => {
                let files: SimpleFiles<String, &str> = SimpleFiles::new();
                for problem in problems {
                    self.emit(&files, &Report::warning().with_message(problem))?;
                }
                for note in unreadable {
                    let message = format!("cannot check a note that cannot be read: {}", note.message);
                    self.emit(&files, &Report::error().with_message(message))?;
                }
                for checked in checked {
                    let (name, text) = (checked.display.as_str(), checked.text.as_str());
                    let index = LineIndex::new(text);
                    for diagnostic in &checked.diagnostics {
                        let (shown, underline) = Shown::new(name, text, &index, diagnostic.range);
                        self.emit(&shown, &diagnostic_report(underline, diagnostic))?;
                    }
                }
                if let Output::Human { stdout, .. } = self {
                    writeln!(stdout, "{}", summary.line())?;
                    stdout.flush()?;
                }
            }
        }
        Ok(())
    }
}

fn diagnostic_report(underline: std::ops::Range<usize>, diagnostic: &Diagnostic) -> Report<()> {
    let severity = match diagnostic.severity() {
        Severity::Error => ReportSeverity::Error,
        Severity::Warning => ReportSeverity::Warning,
        Severity::Information => ReportSeverity::Note,
        Severity::Hint => ReportSeverity::Help,
    };
    let notes = diagnostic.fixes.iter().map(|fix| format!("fix: {}", fix.label)).collect();
    Report::new(severity)
        .with_code(diagnostic.kind.code())
        .with_message(&diagnostic.message)
        .with_labels(vec![Label::primary((), underline)])
        .with_notes(notes)
}

fn diagnostic_json(checked: &CheckedFile, index: &LineIndex, diagnostic: &Diagnostic) -> serde_json::Value {
    let text = checked.text.as_str();
    let location = |range: TextRange| {
        let (start, end) = index.range(text, range, PositionEncoding::Utf32);
        json!({
            "line": start.line + 1,
            "column": start.col + 1,
            "end_line": end.line + 1,
            "end_column": end.col + 1,
            "byte_range": [u32::from(range.start()), u32::from(range.end())],
        })
    };
    let fixes: Vec<serde_json::Value> = diagnostic
        .fixes
        .iter()
        .map(|fix| {
            let edits: Vec<serde_json::Value> = fix
                .edits
                .iter()
                .map(|edit| {
                    let mut value = location(edit.range);
                    value["new_text"] = json!(edit.new_text);
                    value
                })
                .collect();
            json!({ "label": fix.label, "edits": edits })
        })
        .collect();
    let mut value = json!({
        "file": checked.display,
        "severity": diagnostic.severity().as_str(),
        "code": diagnostic.kind.code(),
        "message": diagnostic.message,
    });
    if let (Some(object), serde_json::Value::Object(range)) = (value.as_object_mut(), location(diagnostic.range)) {
        object.extend(range);
        object.insert("fixes".to_string(), json!(fixes));
    }
    value
}

fn one_based(text: &str, range: TextRange) -> (u32, u32) {
    let index = LineIndex::new(text);
    let position = index.line_col(text, range.start(), PositionEncoding::Utf32);
    (position.line + 1, position.col + 1)
}
