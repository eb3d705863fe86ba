//! `check --format sarif`: a SARIF 2.1.0 log, the format code-scanning pages read (GitHub code scanning, GitLab,
//! Azure DevOps). One rule per diagnostic code, one result per diagnostic with its place and its fixes as
//! replacements; files that could not be read are the run's notifications.

use std::path::Path;

use serde_json::{Value, json};

use crate::analysis::{Diagnostic, DiagnosticKind, Severity};
use crate::text::{LineIndex, PositionEncoding, TextRange};

use super::check::{CheckedFile, UnreadableNote};

/// The log of one check: the files checked with their diagnostics, and the problems met while reading. A note
/// that could not be read makes the run unsuccessful: it was not checked.
pub(super) fn report(problems: &[String], unreadable: &[UnreadableNote], files: &[CheckedFile]) -> Value {
    let results: Vec<Value> = files
        .iter()
        .flat_map(|file| {
            let index = LineIndex::new(&file.text);
            file.diagnostics.iter().map(move |diagnostic| result(file, &index, diagnostic))
        })
        .collect();
    let mut notifications: Vec<Value> =
        problems.iter().map(|problem| json!({ "level": "warning", "message": { "text": problem } })).collect();
    notifications.extend(unreadable.iter().map(|note| {
        json!({
            "level": "error",
            "message": { "text": format!("cannot check a note that cannot be read: {}", note.message) },
            "locations": [{ "physicalLocation": { "artifactLocation": artifact(&note.path) } }],
        })
    }));
    let invocation =
        json!({ "executionSuccessful": unreadable.is_empty(), "toolExecutionNotifications": notifications });
    log(results, invocation)
}

/// The log of a check that could not start: the configuration at `path` is invalid at `line`, `column`.
pub(super) fn configuration_error(path: &Path, line: u32, column: u32, message: &str) -> Value {
    let notification = json!({
        "level": "error",
        "message": { "text": format!("invalid configuration: {message}") },
        "locations": [{ "physicalLocation": {
            "artifactLocation": artifact(path),
            "region": { "startLine": line, "startColumn": column },
        }}],
    });
    log(Vec::new(), json!({ "executionSuccessful": false, "toolConfigurationNotifications": [notification] }))
}

fn log(results: Vec<Value>, invocation: Value) -> Value {
    let mut run = json!({
        "tool": { "driver": driver() },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let Ok(folder) = std::env::current_dir() {
        run["invocations"][0]["workingDirectory"] =
            json!({ "uri": format!("{}/", file_uri(&folder).trim_end_matches('/')) });
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    })
}

fn driver() -> Value {
    let help_uri = format!("{}/blob/main/docs/markup.md#diagnostics", env!("CARGO_PKG_REPOSITORY"));
    let rules: Vec<Value> = DiagnosticKind::ALL
        .iter()
        .map(|&kind| {
            json!({
                "id": kind.code(),
                "shortDescription": { "text": kind.summary() },
                "help": {
                    "text": format!(
                        "{} The editor and `marginalia check` name the closest fix where there is one; \
                         docs/markup.md (Diagnostics) says when each code is reported and which fixes it offers.",
                        kind.summary()
                    ),
                },
                "helpUri": help_uri,
                "defaultConfiguration": { "level": level(kind.severity()) },
            })
        })
        .collect();
    json!({
        "name": "marginalia",
        "version": crate::VERSION,
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "informationUri": env!("CARGO_PKG_REPOSITORY"),
        "rules": rules,
    })
}

fn result(file: &CheckedFile, index: &LineIndex, diagnostic: &Diagnostic) -> Value {
    let rule_index = DiagnosticKind::ALL.iter().position(|&kind| kind == diagnostic.kind);
    let fixes: Vec<Value> = diagnostic
        .fixes
        .iter()
        .map(|fix| {
            let replacements: Vec<Value> = fix
                .edits
                .iter()
                .map(|edit| {
                    json!({
                        "deletedRegion": region(file, index, edit.range),
                        "insertedContent": { "text": edit.new_text },
                    })
                })
                .collect();
            json!({
                "description": { "text": fix.label },
                "artifactChanges": [{ "artifactLocation": artifact(&file.path), "replacements": replacements }],
            })
        })
        .collect();
    json!({
        "ruleId": diagnostic.kind.code(),
        "ruleIndex": rule_index,
        "level": level(diagnostic.severity()),
        "message": { "text": diagnostic.message },
        "locations": [{ "physicalLocation": {
            "artifactLocation": artifact(&file.path),
            "region": region(file, index, diagnostic.range),
        }}],
        "fixes": fixes,
    })
}

/// A region by lines and characters (from 1, as SARIF counts) and by bytes, which a fix applies exactly.
fn region(file: &CheckedFile, index: &LineIndex, range: TextRange) -> Value {
    let (start, end) = index.range(&file.text, range, PositionEncoding::Utf32);
    json!({
        "startLine": start.line + 1,
        "startColumn": start.col + 1,
        "endLine": end.line + 1,
        "endColumn": end.col + 1,
        "byteOffset": u32::from(range.start()),
        "byteLength": u32::from(range.len()),
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "note",
    }
}

/// Where a file is: an absolute `file:` URI, which code-scanning pages resolve against the repository they
/// checked out (GitHub converts those under its checkout path), whatever folder `check` ran in.
fn artifact(path: &Path) -> Value {
    json!({ "uri": file_uri(path) })
}

/// The `file:` URI of an absolute path.
fn file_uri(path: &Path) -> String {
    let path = path.to_string_lossy().replace('\\', "/");
    // A Windows path (`C:/notes`) takes a slash before its drive.
    let rooted = if path.starts_with('/') { path } else { format!("/{path}") };
    format!("file://{}", relative_uri(&rooted).replacen("%3A", ":", 1))
}

/// A relative path as a URI reference: each byte outside the unreserved characters and `/` percent-encoded.
fn relative_uri(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => uri.push(byte as char),
            _ => uri += &format!("%{byte:02X}"),
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_uri_references() {
        assert_eq!(relative_uri("notes/week 1/été.md"), "notes/week%201/%C3%A9t%C3%A9.md");
        assert_eq!(file_uri(Path::new("/home/ana/week 1.md")), "file:///home/ana/week%201.md");
        assert_eq!(file_uri(Path::new("C:/notes/a.md")), "file:///C:/notes/a.md");
    }
}
