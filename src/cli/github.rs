//! `check --format github`: one GitHub Actions workflow command per diagnostic (`::error file=…,line=…::message`),
//! which the runner turns into an annotation on the pull request's changed lines.

use crate::analysis::{Diagnostic, Severity};
use crate::text::{LineIndex, PositionEncoding};

use super::check::CheckedFile;

/// The workflow command annotating `diagnostic` of `file`: its severity, place, code as the title, and the
/// message followed by the fixes.
pub(super) fn annotation(file: &CheckedFile, index: &LineIndex, diagnostic: &Diagnostic) -> String {
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
    format!(
        "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        property(&file.display),
        start.line + 1,
        start.col + 1,
        end.line + 1,
        end.col + 1,
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
