//! Fixes for malformed markup: close a quotation that never closes, remove or escape a stray `;`, escape the `;`
//! that made a bracket of text, make the inner marks of a quotation that closed early single ones. Each fix is
//! offered only when its paragraph, edited, reads with fewer problems: a fix applied passes the check that
//! offered it. Trying fixes costs a reading of the paragraph each, so a note's fixes share a budget: a note of
//! thousands of broken brackets gets its errors at once, and fixes for as many as the budget allows.

use super::diagnostics::{Fix, TextEdit};
use crate::markup::{SyntaxError, SyntaxErrorKind, parse_part};
use crate::text::{TextRange, TextSize, range};

/// Paragraphs longer than this get no fixes: each candidate is tried by reading the paragraph again.
const MAX_PARAGRAPH: usize = 64 * 1024;

/// How many bytes of paragraphs the fixes of one note may read again, in all: about 50 ms of parsing.
const BUDGET_BYTES: usize = 4 * 1024 * 1024;

/// What is left of a note's budget for trying fixes.
pub(super) struct Budget(usize);

impl Default for Budget {
    fn default() -> Budget {
        Budget(BUDGET_BYTES)
    }
}

/// The fixes for `error` in `text`, best first; none once `budget` is spent.
pub(super) fn fixes(text: &str, error: &SyntaxError, budget: &mut Budget) -> Vec<Fix> {
    if budget.0 == 0 {
        return Vec::new();
    }
    let candidates = candidates(text, error);
    if candidates.is_empty() {
        return Vec::new();
    }
    let Some(paragraph) = paragraph_around(text, error.range) else {
        return Vec::new();
    };
    let cost = usize::from(paragraph.len()) * (candidates.len() + 1);
    if cost > budget.0 {
        // Spent: the errors after this one are reported without fixes, at no further cost.
        budget.0 = 0;
        return Vec::new();
    }
    budget.0 -= cost;
    let problems = parse_part(&text[paragraph]).errors.len();
    candidates.into_iter().filter(|fix| passes(text, paragraph, error, fix, problems)).collect()
}

/// The fixes that may apply, before they are tried.
fn candidates(text: &str, error: &SyntaxError) -> Vec<Fix> {
    let (start, end) = (usize::from(error.range.start()), usize::from(error.range.end()));
    let escape = |at: usize| Fix::replace("Escape the `;` as `\\;`".to_string(), range(at, at + 1), "\\;");
    match error.kind {
        SyntaxErrorKind::UnterminatedQuote => {
            let close = if text[start..].starts_with('\u{201C}') { "\u{201D}" } else { "\"" };
            vec![Fix::replace(format!("Close the quote with `{close}`"), TextRange::empty(error.range.end()), close)]
        }
        SyntaxErrorKind::QuoteRunsPastBracket => {
            let close = if text[start..].starts_with('\u{201C}') { "\u{201D}" } else { "\"" };
            let before = TextSize::from(text[..end].trim_end().len() as u32);
            vec![Fix::replace(format!("Close the quote with `{close}` before `]`"), TextRange::empty(before), close)]
        }
        SyntaxErrorKind::StraySemicolon => {
            vec![Fix::replace("Remove the `;`".to_string(), error.range, ""), escape(start)]
        }
        SyntaxErrorKind::ItemWithoutId => {
            // The `;` before the item, or for a first item the one after it.
            let before = text[..start].trim_end();
            let after = text.len() - text[end..].trim_start().len();
            let mut fixes = Vec::new();
            if before.ends_with(';') {
                fixes.push(escape(before.len() - 1));
            }
            if text[after..].starts_with(';') {
                fixes.push(escape(after));
            }
            fixes
        }
        SyntaxErrorKind::QuoteClosedEarly => {
            // The straight mark that closed early opens the inner quotation; the next one on the line closes it.
            // Looked for on the rest of the line, no further than a paragraph can reach.
            let limit = text.floor_char_boundary(end + MAX_PARAGRAPH);
            let line_end = text[end..limit].find('\n').map_or(limit, |at| end + at);
            let Some(close) = text[end..line_end].find('"').map(|at| end + at) else {
                return Vec::new();
            };
            let single = |at: usize| TextEdit { range: range(at, at + 1), new_text: "'".to_string() };
            vec![Fix {
                label: "Make the inner quotation marks single: '…'".to_string(),
                edits: vec![single(start), single(close)],
            }]
        }
        _ => Vec::new(),
    }
}

/// The paragraph of `text` that holds `within`: from the blank line before it to the blank line after it; `None`
/// when it is longer than [`MAX_PARAGRAPH`] (found without reading further than that either way).
fn paragraph_around(text: &str, within: TextRange) -> Option<TextRange> {
    let (start, end) = (usize::from(within.start()), usize::from(within.end()));
    let floor = text.floor_char_boundary(start.saturating_sub(MAX_PARAGRAPH));
    let from = match text[floor..start].rfind("\n\n") {
        Some(at) => floor + at + 2,
        None if floor == 0 => 0,
        None => return None,
    };
    let ceiling = text.floor_char_boundary(end + MAX_PARAGRAPH);
    let to = match text[end..ceiling].find("\n\n") {
        Some(at) => end + at,
        None if ceiling == text.len() => text.len(),
        None => return None,
    };
    (to - from <= MAX_PARAGRAPH).then(|| range(from, to))
}

/// Whether `fix` passes the check that offered it: `paragraph`, edited, reads with fewer problems than the
/// `problems` it had, and none of them is `error` again at the same place.
fn passes(text: &str, paragraph: TextRange, error: &SyntaxError, fix: &Fix, problems: usize) -> bool {
    let base = paragraph.start();
    let local = Fix {
        label: String::new(),
        edits: (fix.edits.iter())
            .map(|edit| TextEdit { range: edit.range - base, new_text: edit.new_text.clone() })
            .collect(),
    };
    // Where the error starts once the edits before it have changed the text.
    let shift: i64 = (fix.edits.iter())
        .filter(|edit| edit.range.end() <= error.range.start())
        .map(|edit| edit.new_text.len() as i64 - i64::from(u32::from(edit.range.len())))
        .sum();
    let start = i64::from(u32::from(error.range.start() - base)) + shift;
    let after = parse_part(&local.apply(&text[paragraph])).errors;
    after.len() < problems
        && !after.iter().any(|again| again.kind == error.kind && i64::from(u32::from(again.range.start())) == start)
}

#[cfg(test)]
mod tests {
    use crate::markup::parse;

    /// The note after each fix of its first problem, or the labels when asked.
    fn fixed(text: &str) -> Vec<String> {
        let syntax = parse(text);
        let error = syntax.errors.first().expect("a problem");
        super::fixes(text, error, &mut super::Budget::default())
            .into_iter()
            .map(|fix| {
                let fixed = fix.apply(text);
                format!("{}: {fixed}", fix.label)
            })
            .collect()
    }

    #[test]
    fn an_unterminated_quote_is_closed_before_the_bracket_ends() {
        assert_eq!(fixed("[@a, p. 3, \"never closed]"), ["Close the quote with `\"`: [@a, p. 3, \"never closed\"]"]);
        assert_eq!(
            fixed("[@a, \u{201C}never closed]"),
            ["Close the quote with `\u{201D}`: [@a, \u{201C}never closed\u{201D}]"]
        );
    }

    #[test]
    fn a_quote_that_runs_past_its_bracket_is_closed_before_the_bracket() {
        assert_eq!(
            fixed("[@a, \"runs on ] and \"more\" here"),
            ["Close the quote with `\"` before `]`: [@a, \"runs on\" ] and \"more\" here"]
        );
    }

    #[test]
    fn fixes_stop_when_the_budget_is_spent() {
        let text = "[@a;; @b] ".repeat(2000);
        let syntax = parse(&text);
        let mut budget = super::Budget::default();
        let fixed = syntax.errors.iter().filter(|error| !super::fixes(&text, error, &mut budget).is_empty()).count();
        assert_eq!(syntax.errors.len(), 2000);
        assert!((50..2000).contains(&fixed), "{fixed} of 2000 errors got fixes");
    }

    #[test]
    fn a_stray_semicolon_is_removed_or_escaped() {
        assert_eq!(fixed("[@a;; @b]"), ["Remove the `;`: [@a; @b]", "Escape the `;` as `\\;`: [@a\\;; @b]"]);
        assert_eq!(fixed("[@a;]"), ["Remove the `;`: [@a]", "Escape the `;` as `\\;`: [@a\\;]"]);
    }

    #[test]
    fn the_semicolon_before_an_item_without_id_is_escaped() {
        assert_eq!(fixed("[@a, p. 3; note 4]"), ["Escape the `;` as `\\;`: [@a, p. 3\\; note 4]"]);
        assert_eq!(fixed("[see also; @b]"), ["Escape the `;` as `\\;`: [see also\\; @b]"]);
    }

    #[test]
    fn inner_straight_marks_become_single() {
        assert_eq!(
            fixed("[@a, \"called it \"a gamble\" today\"]"),
            ["Make the inner quotation marks single: '…': [@a, \"called it 'a gamble' today\"]"]
        );
    }
}
