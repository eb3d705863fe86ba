//! `marginalia check [PATH]`: validates every note of a workspace (or one note) and reports like a compiler.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as ReportSeverity};
use codespan_reporting::files::{Files, SimpleFiles};
use codespan_reporting::term::termcolor::{BufferedStandardStream, ColorChoice};
use codespan_reporting::term::{self, Chars, Config as TermConfig, Styles, StylesWriter};
use serde_json::json;

use super::shown::Shown;
use super::{ColorWhen, Format, PathDisplay, exit};
use crate::analysis::{Analysis, Diagnostic, Note, Notes, Severity, SharedNote, bibliography_file_diagnostics};
use crate::bibliography::library::lexical;
use crate::config::{CONFIG_FILE, Config};
use crate::load::{self, LoadOptions, NotesToRead};
use crate::text::{LineIndex, PositionEncoding, TextRange};

/// What to check and how to report.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// A workspace folder, a folder inside one, or one note; the current folder when absent.
    pub path: Option<PathBuf>,
    /// Human or JSON output.
    pub format: Format,
    /// When to colour human output.
    pub color: ColorWhen,
}

/// One file's diagnostics (a note's, or a bibliography's), with what is needed to print them.
struct CheckedFile {
    display: String,
    text: String,
    diagnostics: Vec<Diagnostic>,
}

/// Runs the check and returns the exit code. Output goes to stdout.
pub fn run(options: &CheckOptions) -> anyhow::Result<i32> {
    let given = options.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !given.exists() {
        eprintln!("error: no such file or folder: {}", given.display());
        return Ok(exit::USAGE);
    }
    let root = load::find_root(&given.canonicalize().with_context(|| format!("cannot open {}", given.display()))?);
    if !load::is_workspace(&root) {
        eprintln!("{}", super::no_workspace(&given));
        return Ok(exit::USAGE);
    }
    let display = PathDisplay::new(&given);
    let mut out = Output::new(options);

    let config_path = root.join(CONFIG_FILE);
    if let Ok(text) = std::fs::read_to_string(&config_path)
        && let Err(error) = Config::parse(&text)
    {
        out.config_error(Path::new(&display.show(&config_path)), &text, error.range, &error.message)?;
        return Ok(exit::USAGE);
    }
    let within = given.canonicalize()?;
    let loaded = load::load_workspace(&root, LoadOptions::notes(NotesToRead::Under(&within)));
    let problems: Vec<String> = loaded.problems.iter().map(ToString::to_string).collect();
    let (workspace, notes, library) = (loaded.workspace, loaded.notes, std::sync::Arc::new(loaded.library));
    let analysis = Analysis::with_library(std::sync::Arc::new(loaded.corpus), library.clone());
    let mut checked = Vec::with_capacity(notes.len() + library.files().len());
    // A file a note names and that is missing is said at the note; the others at the file.
    let configured: Vec<PathBuf> = workspace.config.bibliography.iter().map(|path| lexical(&root.join(path))).collect();
    let notes_checked = notes.len();
    for file in library.files().iter().filter(|file| !file.errors.is_empty()) {
        if !file.found && !configured.contains(&file.path) {
            continue;
        }
        let diagnostics = bibliography_file_diagnostics(file);
        checked.push(CheckedFile { display: display.show(&file.path), text: file.text.to_string(), diagnostics });
    }
    let notes = Notes::new(notes.into_iter().map(|(path, text)| {
        let note: SharedNote = std::sync::Arc::new(Note::at(path.clone(), text));
        (path, note)
    }));
    for (path, note) in notes.iter() {
        let diagnostics = analysis.diagnostics(note);
        checked.push(CheckedFile { display: display.show(path), text: note.text().to_string(), diagnostics });
    }
    // Which articles no note cites is known only when every note is read: the whole workspace is checked.
    if workspace.config.unused_sources && within == root {
        for (article, hint) in analysis.unused_sources(&notes) {
            let source = analysis.corpus().source_at(article);
            let (display, text) = (display.show(&source.path), source.text.to_string());
            checked.push(CheckedFile { display, text, diagnostics: vec![hint] });
        }
    }
    let errors = checked.iter().flat_map(|c| &c.diagnostics).filter(|d| d.severity() == Severity::Error).count();
    let warnings = checked.iter().flat_map(|c| &c.diagnostics).filter(|d| d.severity() == Severity::Warning).count();
    let hints = checked.iter().flat_map(|c| &c.diagnostics).filter(|d| d.severity() == Severity::Hint).count();
    let information =
        checked.iter().flat_map(|c| &c.diagnostics).filter(|d| d.severity() == Severity::Information).count();
    let summary = Summary {
        notes: notes_checked,
        information,
        sources: analysis.corpus().len(),
        entities: analysis.corpus().entities().len(),
        errors,
        warnings,
        hints,
    };
    out.report(&problems, &checked, &summary)?;
    Ok(if errors > 0 { exit::ERRORS } else { exit::CLEAN })
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
}

impl Output {
    fn new(options: &CheckOptions) -> Output {
        match options.format {
            Format::Json => Output::Json { stdout: std::io::stdout() },
            Format::Human => {
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

    fn config_error(&mut self, path: &Path, text: &str, range: TextRange, message: &str) -> anyhow::Result<()> {
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

    fn report(&mut self, problems: &[String], checked: &[CheckedFile], summary: &Summary) -> anyhow::Result<()> {
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
            Output::Human { .. } => {
                let files: SimpleFiles<String, &str> = SimpleFiles::new();
                for problem in problems {
                    self.emit(&files, &Report::warning().with_message(problem))?;
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
