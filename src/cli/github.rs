//! `check --format github`: one GitHub Actions workflow command per diagnostic (`::error file=…,line=…::message`),
//! which the runner turns into an annotation on the pull request's changed lines.

use std::path::{Path, PathBuf};

use crate::analysis::{Diagnostic, Severity};
use crate::text::{LineIndex, PositionEncoding};

use super::check::CheckedFile;

/// The folder GitHub places annotations from: the repository checked out (`GITHUB_WORKSPACE`), read once per run.
pub(super) struct Checkout(Option<PathBuf>);

impl Checkout {
    /// The checkout of this run, if any.
    pub(super) fn of_run() -> Checkout {
        Checkout(std::env::var_os("GITHUB_WORKSPACE").and_then(|dir| Path::new(&dir).canonicalize().ok()))
    }

    /// A file as GitHub places annotations: relative to the checkout when it is under it, whatever folder
    /// `check` ran in; else as shown to the user.
    pub(super) fn path(&self, shown: &str, path: &Path) -> String {
        match self.0.as_deref().and_then(|root| path.strip_prefix(root).ok()) {
            Some(relative) => relative.to_string_lossy().replace('\\', "/"),
            None => shown.to_string(),
        }
    }
}

/// The workflow command annotating `diagnostic` of `file`: its severity, place, code as the title, and the
/// message followed by the fixes.
pub(super) fn annotation(
    checkout: &Checkout,
    file: &CheckedFile,
    index: &LineIndex,
    diagnostic: &Diagnostic,
) -> String {
    let command = match diagnostic.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "notice",
    };
    // GitHub counts columns in characters; lines and columns from 1.
    let (start, end) = index.range(&file.text, diagnostic.range, PositionEncoding::Utf32);
    let mut text = diagnostic.message.clone();
    for fix in &diagnostic.fixes {
        text += &format!("\nfix: {}", fix.label);
    }
    // The runner drops an annotation with columns that spans lines: such a one is placed by its lines alone.
    let place = if start.line == end.line {
        format!("line={},col={},endLine={},endColumn={}", start.line + 1, start.col + 1, end.line + 1, end.col + 1)
    } else {
        format!("line={},endLine={}", start.line + 1, end.line + 1)
    };
    format!(
        "::{command} file={},{place},title={}::{}",
        property(&checkout.path(&file.display, &file.path)),
        property(diagnostic.kind.code()),
        message(&text)
    )
}

/// A workflow command's message, escaped: `%`, carriage returns and newlines.
pub(super) fn message(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A workflow command's property value, escaped: the message's escapes, and `:` and `,`, which end a property.
pub(super) fn property(text: &str) -> String {
    message(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_would_end_a_message_or_a_property() {
        assert_eq!(message("50% of it\nnext"), "50%25 of it%0Anext");
        assert_eq!(property("notes/a, b: c.md"), "notes/a%2C b%3A c.md");
    }
}
