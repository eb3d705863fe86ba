//! PDFs: their text page by page (through `pdf-extract`, which reads each page's content stream with its fonts'
//! encodings on top of `lopdf`), their page labels (the numbers printed on the pages, when the file says them),
//! and what they say of themselves (the Info dictionary and the XMP metadata).
//!
//! The text is laid out as `pdftotext` lays it out: each page's lines in reading order, a blank line where the
//! text jumps down more than a line and a half, and a form feed at the start of each page after the first, so
//! that a quote is found on its page and a quote running over a page break is still found. Words are separated by
//! the spaces the file writes; where a file writes none (many typesetters place each word instead), a gap wider
//! than a fifth of the font size between two letters is a space.

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

use super::contained;
use crate::corpus::Described;

/// A PDF's text, its pages and what it says of itself.
#[derive(Debug)]
pub struct Pdf {
    /// The text of every page, in order, each page after the first starting with a form feed.
    pub text: String,
    /// Where each page starts in `text`, in order, and the label printed on it.
    pub pages: Vec<(usize, String)>,
    /// The title, authors, date, publisher and language the file states.
    pub described: Described,
}

/// Why a PDF gives no text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum PdfProblem {
    /// The file is not a PDF that can be parsed (damaged, truncated, or not a PDF).
    #[error("not a PDF that can be read ({message})")]
    Damaged {
        /// What the parser said.
        message: String,
    },
    /// The file is encrypted with a password that opens it.
    #[error("encrypted with a password: save an unencrypted copy to cite it")]
    Encrypted,
    /// No page has text: a scan or a drawing without a text layer.
    #[error("no text layer in its {pages} page(s) (a scan?): run OCR on it (e.g. `ocrmypdf`) to cite it")]
    NoTextLayer {
        /// How many pages the file has.
        pages: usize,
    },
}

/// Extracts the text, pages and metadata of the PDF in `bytes`. A page the extractor cannot read (a damaged
/// content stream, or a defect of the extractor) is left empty and the others are read; a file whose every page
/// is empty is [`PdfProblem::NoTextLayer`].
pub fn extract(bytes: &[u8]) -> Result<Pdf, PdfProblem> {
    let mut document = contained(|| lopdf::Document::load_mem(bytes))
        .map_err(|message| PdfProblem::Damaged { message })?
        .map_err(|error| PdfProblem::Damaged { message: error.to_string() })?;
    if document.is_encrypted() {
        // Files encrypted to restrict printing or copying open with the empty password, as in every reader.
        document.decrypt("").map_err(|_| PdfProblem::Encrypted)?;
    }
    let page_ids = document.get_pages();
    check_structure(&document, page_ids.values()).map_err(|message| PdfProblem::Damaged { message })?;
    let numbers: Vec<u32> = page_ids.into_keys().collect();
    let labels = page_labels(&document, numbers.len());
    // The whole document in one pass (a page at a time would look up the page tree once per page).
    let mut read = PagesText::default();
    if !matches!(contained(|| pdf_extract::output_doc(&document, &mut read)), Ok(Ok(()))) {
        // A page the extractor fails on: page by page, keeping every page it can read.
        read = PagesText::default();
        for number in &numbers {
            let _ = contained(|| pdf_extract::output_doc_page(&document, &mut read, *number));
        }
    }
    let mut read: std::collections::HashMap<u32, String> = read.done.into_iter().collect();
    let mut text = String::new();
    let mut pages = Vec::with_capacity(numbers.len());
    for (index, number) in numbers.iter().enumerate() {
        if index > 0 {
            text.push_str("\n\u{c}");
        }
        pages.push((text.len(), labels[index].clone()));
        text.push_str(read.remove(number).unwrap_or_default().trim_end());
    }
    if text.chars().all(|c| c.is_whitespace()) {
        return Err(PdfProblem::NoTextLayer { pages: numbers.len() });
    }
    Ok(Pdf { text, pages, described: described(&document) })
}

/// The longest chain of page-tree parents, and of drawings drawn inside drawings, read.
const MAX_NESTING: usize = 64;

/// Refuses the structures the extractor would follow without end (it follows both by recursion, and a stack overflow
/// ends the process, which no panic handler can contain): a page whose chain of parents loops or runs deeper than
/// [`MAX_NESTING`], and a drawing (a form XObject) that draws itself, directly or through others, or draws drawings
/// nested deeper than that.
fn check_structure<'a>(
    document: &lopdf::Document,
    pages: impl Iterator<Item = &'a lopdf::ObjectId>,
) -> Result<(), String> {
    for &page in pages {
        let mut seen = vec![page];
        let mut at = page;
        while let Ok(parent) = document.get_dictionary(at).and_then(|d| d.get(b"Parent")).and_then(|p| p.as_reference())
        {
            if seen.contains(&parent) || seen.len() > MAX_NESTING {
                return Err("its page tree loops, or runs deeper than any document's".to_string());
            }
            seen.push(parent);
            at = parent;
        }
    }
    // Each form, and the forms it draws: the names its content stream draws (`/Name Do`), looked up in its own
    // resources, or where it has none in every resource dictionary that lists it (those of the pages and forms it
    // inherits from).
    let forms: std::collections::HashSet<lopdf::ObjectId> = (document.objects.iter())
        .filter(|(_, object)| {
            object.as_stream().is_ok_and(|stream| {
                stream.dict.get(b"Subtype").and_then(|s| s.as_name()).is_ok_and(|name| name == b"Form")
            })
        })
        .map(|(id, _)| *id)
        .collect();
    if forms.is_empty() {
        return Ok(());
    }
    let xobject_dicts: Vec<&lopdf::Dictionary> = (document.objects.values())
        .filter_map(|object| match object {
            lopdf::Object::Dictionary(dict) => Some(dict),
            lopdf::Object::Stream(stream) => Some(&stream.dict),
            _ => None,
        })
        .filter_map(|dict| dict.get(b"XObject").ok())
        .filter_map(|xobjects| document.dereference(xobjects).ok()?.1.as_dict().ok())
        .collect();
    let mut draws: std::collections::HashMap<lopdf::ObjectId, Vec<lopdf::ObjectId>> = Default::default();
    for &form in &forms {
        let Ok(stream) = document.get_object(form).and_then(|o| o.as_stream()) else {
            continue;
        };
        let content = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
        let Ok(content) = lopdf::content::Content::decode(&content) else {
            continue;
        };
        let names: Vec<&[u8]> = (content.operations.iter())
            .filter(|operation| operation.operator == "Do")
            .filter_map(|operation| operation.operands.first()?.as_name().ok())
            .collect();
        if names.is_empty() {
            continue;
        }
        let own = (stream.dict.get(b"Resources").ok())
            .and_then(|resources| document.dereference(resources).ok()?.1.as_dict().ok())
            .and_then(|resources| resources.get(b"XObject").ok())
            .and_then(|xobjects| document.dereference(xobjects).ok()?.1.as_dict().ok());
        let lookups: Vec<&lopdf::Dictionary> = match own {
            Some(own) => vec![own],
            None => xobject_dicts.clone(),
        };
        let drawn = (names.iter())
            .flat_map(|name| lookups.iter().filter_map(|dict| dict.get(name).ok()?.as_reference().ok()))
            .filter(|id| forms.contains(id))
            .collect();
        draws.insert(form, drawn);
    }
    // Depth-first from each form: a form met again on the path is a loop.
    fn depth(
        form: lopdf::ObjectId,
        draws: &std::collections::HashMap<lopdf::ObjectId, Vec<lopdf::ObjectId>>,
        path: &mut Vec<lopdf::ObjectId>,
        done: &mut std::collections::HashSet<lopdf::ObjectId>,
    ) -> Result<(), String> {
        if path.contains(&form) {
            return Err("a drawing in it draws itself".to_string());
        }
        if path.len() > MAX_NESTING {
            return Err("its drawings are nested deeper than any document's".to_string());
        }
        if done.contains(&form) {
            return Ok(());
        }
        path.push(form);
        for &drawn in draws.get(&form).map(Vec::as_slice).unwrap_or_default() {
            depth(drawn, draws, path, done)?;
        }
        path.pop();
        done.insert(form);
        Ok(())
    }
    let mut done = std::collections::HashSet::new();
    for &form in draws.keys() {
        depth(form, &draws, &mut Vec::new(), &mut done)?;
    }
    Ok(())
}

/// One letter (or a run the file shows as one) placed on a page.
struct Placed {
    text: String,
    x: f64,
    y: f64,
    end: f64,
    size: f64,
}

/// The pages read so far and the letters of the page being read, as the extractor places them; each page is laid
/// out as lines when it ends ([`lay_out`]).
#[derive(Default)]
struct PagesText {
    /// Each page read, by its number, with its text.
    done: Vec<(u32, String)>,
    /// The number of the page being read.
    page: u32,
    placed: Vec<Placed>,
    flip: Option<Transform>,
}

/// A page's text from its letters: lines in the order drawn, paragraphs apart, words spaced.
fn lay_out(placed: &[Placed]) -> String {
    // A file that writes its spaces is trusted with them; only larger gaps are spaces then.
    let writes_spaces = placed.iter().any(|p| p.text == " ");
    let gap = if writes_spaces { 0.6 } else { 0.2 };
    let mut text = String::new();
    let mut last: Option<&Placed> = None;
    for placed in placed {
        if let Some(last) = last {
            let rise = (placed.y - last.y).abs();
            let size = last.size.max(placed.size);
            if rise > size * 1.5 {
                text.push_str("\n\n");
            } else if rise > size * 0.5 || placed.x < last.x - size {
                text.push('\n');
            } else if placed.x > last.end + size * gap && !text.ends_with(' ') && placed.text != " " {
                text.push(' ');
            }
        }
        if text.is_empty() || text.ends_with('\n') {
            text.push_str(placed.text.trim_start());
        } else {
            text.push_str(&placed.text);
        }
        last = Some(placed);
    }
    text
}

impl OutputDev for PagesText {
    fn begin_page(
        &mut self,
        page: u32,
        media_box: &MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.page = page;
        self.placed.clear();
        self.flip = Some(Transform::row_major(1., 0., 0., -1., 0., media_box.ury - media_box.lly));
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.done.push((self.page, lay_out(&self.placed)));
        self.placed.clear();
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        let position = self.flip.map_or(*trm, |flip| trm.post_transform(&flip));
        let scaled = trm.transform_vector(euclid::vec2(font_size, font_size));
        let size = (scaled.x * scaled.y).abs().sqrt();
        let text = readable(char);
        if text.is_empty() {
            return Ok(());
        }
        let (x, y) = (position.m31, position.m32);
        self.placed.push(Placed { text, x, y, end: x + width * size, size });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// A letter as a writer types it: typographic ligatures (`ﬁ`, `ﬂ`) as their letters, control characters dropped,
/// so that a quote typed from the page is found.
fn readable(char: &str) -> String {
    char.chars()
        .flat_map(|c| match c {
            '\u{fb00}' => "ff".chars().collect::<Vec<_>>(),
            '\u{fb01}' => "fi".chars().collect(),
            '\u{fb02}' => "fl".chars().collect(),
            '\u{fb03}' => "ffi".chars().collect(),
            '\u{fb04}' => "ffl".chars().collect(),
            '\u{fb05}' | '\u{fb06}' => "st".chars().collect(),
            '\t' | '\u{a0}' => vec![' '],
            c if c.is_control() => Vec::new(),
            c => vec![c],
        })
        .collect()
}

/// The label printed on each of `count` pages: from the document's `/PageLabels` (`iv`, `215`, `A-3`) where it
/// has them, else the page's number from 1.
fn page_labels(document: &lopdf::Document, count: usize) -> Vec<String> {
    let mut labels: Vec<String> = (1..=count).map(|n| n.to_string()).collect();
    let Some(ranges) = label_ranges(document) else {
        return labels;
    };
    for (at, (start, style)) in ranges.iter().enumerate() {
        let end = ranges.get(at + 1).map_or(count, |(next, _)| *next).min(count);
        for (offset, page) in (*start..end).enumerate() {
            labels[page] = style.label(offset);
        }
    }
    labels
}

/// How a range of pages is labelled (PDF 32000-1, 12.4.2).
struct LabelStyle {
    prefix: String,
    numbering: Option<u8>,
    first: usize,
}

impl LabelStyle {
    fn label(&self, offset: usize) -> String {
        let number = self.first + offset;
        let numeral = match self.numbering {
            Some(b'D') => number.to_string(),
            Some(b'r') => roman(number).to_lowercase(),
            Some(b'R') => roman(number),
            Some(b'a') => letters(number).to_lowercase(),
            Some(b'A') => letters(number),
            _ => String::new(),
        };
        format!("{}{numeral}", self.prefix)
    }
}

/// The page ranges of the `/PageLabels` number tree (its `/Nums` array, kids not followed), sorted.
fn label_ranges(document: &lopdf::Document) -> Option<Vec<(usize, LabelStyle)>> {
    let catalog = document.catalog().ok()?;
    let (_, tree) = document.dereference(catalog.get(b"PageLabels").ok()?).ok()?;
    let (_, nums) = document.dereference(tree.as_dict().ok()?.get(b"Nums").ok()?).ok()?;
    let nums = nums.as_array().ok()?;
    let mut ranges = Vec::new();
    for pair in nums.chunks_exact(2) {
        let start = usize::try_from(pair[0].as_i64().ok()?).ok()?;
        let (_, style) = document.dereference(&pair[1]).ok()?;
        let style = style.as_dict().ok()?;
        let prefix = (style.get(b"P").ok()).and_then(|p| lopdf::decode_text_string(p).ok()).unwrap_or_default();
        let numbering = style.get(b"S").ok().and_then(|s| s.as_name().ok()).and_then(|name| name.first().copied());
        let first = style.get(b"St").ok().and_then(|s| s.as_i64().ok()).and_then(|s| usize::try_from(s).ok());
        ranges.push((start, LabelStyle { prefix, numbering, first: first.unwrap_or(1) }));
    }
    ranges.sort_by_key(|(start, _)| *start);
    Some(ranges)
}

fn roman(mut number: usize) -> String {
    const NUMERALS: [(usize, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut written = String::new();
    for (value, numeral) in NUMERALS {
        while number >= value && written.len() < 64 {
            written.push_str(numeral);
            number -= value;
        }
    }
    written
}

/// `A`…`Z`, then `AA`…`ZZ`, and so on (the PDF's alphabetic page numbering).
fn letters(number: usize) -> String {
    let number = number.max(1);
    let letter = char::from(b'A' + ((number - 1) % 26) as u8);
    std::iter::repeat_n(letter, (number - 1) / 26 + 1).take(64).collect()
}

/// What the file says of itself: the XMP metadata first (the newer, and what editing tools update), then the
/// Info dictionary. Titles that name the file a PDF was made from (`Microsoft Word - draft.docx`) are not titles.
fn described(document: &lopdf::Document) -> Described {
    let xmp = xmp_metadata(document);
    let info = info_dictionary(document);
    let info_text = |key: &[u8]| {
        info.and_then(|info| info.get(key).ok())
            .and_then(|value| document.dereference(value).ok())
            .and_then(|(_, value)| lopdf::decode_text_string(value).ok())
            .map(|value| value.trim().to_string())
            .filter(|value| !value.is_empty())
    };
    let xmp_field = |names: &[&str]| xmp.as_ref().and_then(|xmp| xmp.first(names));
    let title = xmp_field(&["title"]).or_else(|| info_text(b"Title")).filter(|title| !names_a_file(title));
    let mut authors = xmp.as_ref().map(|xmp| xmp.all("creator")).unwrap_or_default();
    if authors.is_empty() {
        authors = info_text(b"Author")
            .map(|author| author.split(';').map(str::trim).filter(|a| !a.is_empty()).map(String::from).collect())
            .unwrap_or_default();
    }
    let date = xmp_field(&["date", "CreateDate", "coverDate", "publicationDate"])
        .or_else(|| info_text(b"CreationDate").and_then(|date| pdf_date(&date)));
    Described {
        title,
        date,
        url: xmp_field(&["url", "doi"]).map(|url| doi_url(&url)),
        authors,
        outlet: xmp_field(&["publicationName", "publisher"]),
        language: xmp_field(&["language"]),
    }
}

/// Whether a title is the name of the file the PDF was printed from rather than a title.
fn names_a_file(title: &str) -> bool {
    let lower = title.to_lowercase();
    lower.starts_with("microsoft word - ")
        || lower == "untitled"
        || [".doc", ".docx", ".odt", ".rtf", ".pdf", ".tex", ".indd", ".pages"].iter().any(|ext| lower.ends_with(ext))
}

/// A DOI as a URL.
fn doi_url(url: &str) -> String {
    if url.starts_with("10.") { format!("https://doi.org/{url}") } else { url.to_string() }
}

/// `D:20250402093000+01'00'` as `2025-04-02` (or `2025-04`, `2025` when it says no more).
fn pdf_date(written: &str) -> Option<String> {
    let digits: String = written.trim_start_matches("D:").chars().take_while(char::is_ascii_digit).collect();
    match digits.len() {
        0..4 => None,
        4 | 5 => Some(digits[..4].to_string()),
        6 | 7 => Some(format!("{}-{}", &digits[..4], &digits[4..6])),
        _ => Some(format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..8])),
    }
}

fn info_dictionary(document: &lopdf::Document) -> Option<&lopdf::Dictionary> {
    let (_, info) = document.dereference(document.trailer.get(b"Info").ok()?).ok()?;
    info.as_dict().ok()
}

/// The XMP packet of the document catalog's `/Metadata` stream, parsed.
struct Xmp {
    /// Each property's local name (`title`, `creator`, `CreateDate`) with its values, in document order.
    fields: Vec<(String, String)>,
}

impl Xmp {
    /// The first value of the first of `names` the packet has.
    fn first(&self, names: &[&str]) -> Option<String> {
        names.iter().find_map(|name| self.fields.iter().find(|(field, _)| field == name).map(|(_, v)| v.clone()))
    }

    /// Every value of `name`, in order (a sequence of creators).
    fn all(&self, name: &str) -> Vec<String> {
        self.fields.iter().filter(|(field, _)| field == name).map(|(_, value)| value.clone()).collect()
    }
}

/// The properties XMP metadata is read for (Dublin Core, XMP basic, PRISM), by local name.
const XMP_FIELDS: [&str; 11] = [
    "title",
    "creator",
    "date",
    "CreateDate",
    "coverDate",
    "publicationDate",
    "publicationName",
    "publisher",
    "url",
    "doi",
    "language",
];

fn xmp_metadata(document: &lopdf::Document) -> Option<Xmp> {
    let catalog = document.catalog().ok()?;
    let (_, metadata) = document.dereference(catalog.get(b"Metadata").ok()?).ok()?;
    let stream = metadata.as_stream().ok()?;
    let bytes = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
    let packet = String::from_utf8_lossy(&bytes);
    // The packet is wrapped in `<?xpacket ?>` processing instructions and may carry padding after its root.
    let start = packet.find("<x:xmpmeta").or_else(|| packet.find("<rdf:RDF"))?;
    let end = packet
        .rfind("</x:xmpmeta>")
        .map(|end| end + "</x:xmpmeta>".len())
        .or_else(|| packet.rfind("</rdf:RDF>").map(|end| end + "</rdf:RDF>".len()))?;
    let options = roxmltree::ParsingOptions { allow_dtd: false, nodes_limit: 100_000, ..Default::default() };
    let tree = roxmltree::Document::parse_with_options(packet.get(start..end)?, options).ok()?;
    let mut fields = Vec::new();
    for node in tree.descendants().filter(|node| node.is_element()) {
        let name = node.tag_name().name();
        if !XMP_FIELDS.contains(&name) || node.tag_name().namespace() == Some(RDF) {
            continue;
        }
        // A property is a simple value, or a container (`rdf:Alt`, `rdf:Seq`, `rdf:Bag`) of `rdf:li` values.
        let items: Vec<String> = node
            .descendants()
            .filter(|li| li.tag_name().name() == "li" && li.tag_name().namespace() == Some(RDF))
            .filter_map(|li| li.text())
            .map(|text| text.trim().to_string())
            .collect();
        let values =
            if items.is_empty() { node.text().map(|t| vec![t.trim().to_string()]).unwrap_or_default() } else { items };
        fields.extend(values.into_iter().filter(|value| !value.is_empty()).map(|value| (name.to_string(), value)));
        // An attribute form (`<rdf:Description dc:format="…">`) is not used for the fields read here.
    }
    for node in tree.descendants().filter(|node| node.is_element()) {
        for attribute in node.attributes() {
            if XMP_FIELDS.contains(&attribute.name()) && attribute.namespace() != Some(RDF) {
                fields.push((attribute.name().to_string(), attribute.value().trim().to_string()));
            }
        }
    }
    Some(Xmp { fields })
}

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_labels_follow_their_style_from_their_first_number() {
        let roman = LabelStyle { prefix: String::new(), numbering: Some(b'r'), first: 1 };
        assert_eq!((0..4).map(|n| roman.label(n)).collect::<Vec<_>>(), ["i", "ii", "iii", "iv"]);
        let journal = LabelStyle { prefix: String::new(), numbering: Some(b'D'), first: 215 };
        assert_eq!(journal.label(2), "217");
        let appendix = LabelStyle { prefix: "A-".into(), numbering: Some(b'A'), first: 26 };
        assert_eq!((appendix.label(0), appendix.label(1)), ("A-Z".to_string(), "A-AA".to_string()));
        let cover = LabelStyle { prefix: "Cover".into(), numbering: None, first: 1 };
        assert_eq!(cover.label(0), "Cover");
    }

    #[test]
    fn dates_are_read_to_the_precision_written() {
        assert_eq!(pdf_date("D:20250402093000+01'00'").as_deref(), Some("2025-04-02"));
        assert_eq!(pdf_date("D:202504").as_deref(), Some("2025-04"));
        assert_eq!(pdf_date("D:2025").as_deref(), Some("2025"));
        assert_eq!(pdf_date("yesterday"), None);
    }

    #[test]
    fn the_name_of_the_file_a_pdf_was_printed_from_is_not_its_title() {
        assert!(names_a_file("Microsoft Word - draft 3.docx"));
        assert!(names_a_file("report_final.indd"));
        assert!(!names_a_file("Tidal Flooding Survey"));
    }

    #[test]
    fn ligatures_are_their_letters_and_control_characters_are_dropped() {
        assert_eq!(readable("\u{fb01}"), "fi");
        assert_eq!(readable("\u{fb03}x"), "ffix");
        assert_eq!(readable("\u{0}"), "");
        assert_eq!(readable("\u{a0}"), " ");
    }
}
