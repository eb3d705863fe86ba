//! A page locator checked against the pages of a paged article (a PDF): `[@report, p. 4, "words"]` whose words
//! stand on page 5 is a warning, with the fix that cites the page they are on.

use super::{Diagnostic, DiagnosticKind, Fix};
use crate::corpus::{Pages, Source};
use crate::markup::{CiteItem, LocatorLabel};
use crate::text::TextRange;

/// The most places of a quote looked at for one on the cited pages.
pub(super) const MAX_PLACES: usize = 16;

/// Whether `item`'s locator is one [`wrong_page`] checks against `source`.
pub(super) fn checks_pages(source: &Source, item: &CiteItem) -> bool {
    source.pages.is_some() && item.locator.as_ref().is_some_and(|locator| locator.label == LocatorLabel::Page)
}

/// A warning when none of the places `found` of a quote of `item` is on a page its locator cites.
pub(super) fn wrong_page(text: &str, source: &Source, item: &CiteItem, found: &[TextRange]) -> Option<Diagnostic> {
    let (Some(pages), Some(locator)) = (&source.pages, &item.locator) else {
        return None;
    };
    let &first = found.first()?;
    let written = &text[locator.range];
    let cited = cited_pages(pages, written);
    let on_cited_page = |place: &TextRange| {
        let (start, end) = (pages.index_at(place.start()), pages.index_at(place.end()));
        cited.as_ref().is_ok_and(|cited| cited.iter().any(|(from, to)| start <= *to && *from <= end))
    };
    if found.iter().any(on_cited_page) {
        return None;
    }
    let labels = pages.labels_of(first);
    let value = match labels {
        [one] => one.clone(),
        [from, .., to] => format!("{from}-{to}"),
        [] => return None,
    };
    let term = if written.contains([',', '-', '\u{2013}', '&', ';']) { "pp." } else { "p." };
    let message = match cited {
        Ok(_) => format!("the quoted words are on {} of `{}`, not {term} {written}", pages.cite(first), source.id),
        Err(missing) => format!(
            "`{}` has no page {missing} (its pages are {}); the quoted words are on {}",
            source.id,
            page_span(pages),
            pages.cite(first)
        ),
    };
    Some(Diagnostic {
        range: locator.range,
        kind: DiagnosticKind::WrongPage,
        message,
        fixes: vec![Fix::replace(format!("Cite {}", pages.cite(first)), locator.range, &value)],
    })
}

/// `1–12`, or the first and last labels of the pages.
fn page_span(pages: &Pages) -> String {
    let first = pages.label(0).unwrap_or_default();
    let last = pages.label(pages.len().saturating_sub(1)).unwrap_or_default();
    if first == last { first.to_string() } else { format!("{first}\u{2013}{last}") }
}

/// The pages (from 0, as inclusive ranges) a locator's value cites (`4`, `4-6`, `4–6, 9`, `iv`, `12f`, `12ff`), or
/// the first label it names that no page has.
fn cited_pages(pages: &Pages, written: &str) -> Result<Vec<(usize, usize)>, String> {
    let mut cited = Vec::new();
    for part in written.split([',', '&', ';']).map(str::trim).filter(|part| !part.is_empty()) {
        let (part, following) = match (part.strip_suffix("ff"), part.strip_suffix('f')) {
            (Some(start), _) => (start.trim(), usize::MAX),
            (None, Some(start)) if start.ends_with(|c: char| c.is_ascii_digit()) => (start.trim(), 1),
            _ => (part, 0),
        };
        let mut ends = part.splitn(2, ['-', '\u{2013}', '\u{2014}']).map(str::trim);
        let from = ends.next().unwrap_or_default();
        let to = ends.next().unwrap_or(from);
        let index = |label: &str| pages.indexes_of(label).next().ok_or_else(|| label.to_string());
        let (from, to) = (index(from)?, index(to)?);
        cited.push((from.min(to), from.max(to).saturating_add(following)));
    }
    Ok(cited)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages() -> Pages {
        Pages::new((0..6).map(|n| (n * 10, (n + 1).to_string())).collect(), 0)
    }

    #[test]
    fn a_locator_cites_single_pages_ranges_lists_and_following_pages() {
        assert_eq!(cited_pages(&pages(), "4"), Ok(vec![(3, 3)]));
        assert_eq!(cited_pages(&pages(), "2-3, 5"), Ok(vec![(1, 2), (4, 4)]));
        assert_eq!(cited_pages(&pages(), "2\u{2013}3"), Ok(vec![(1, 2)]));
        assert_eq!(cited_pages(&pages(), "4f"), Ok(vec![(3, 4)]));
        assert_eq!(cited_pages(&pages(), "4ff"), Ok(vec![(3, usize::MAX)]));
        assert_eq!(cited_pages(&pages(), "17"), Err("17".to_string()));
    }
}
