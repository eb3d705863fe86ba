//! The only place where marginalia's types meet `lsp_types`: positions, ranges, diagnostics, completions,
//! hovers and locations, in both directions. Positions go through `text::LineIndex` in the negotiated encoding.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tower_lsp::lsp_types as lsp;

use crate::analysis::{self, Analysis, CompletionKind, Notes, Severity};
use crate::corpus::Source;
use crate::load::{ArticleFile, ArticleFiles};
use crate::text::{LineCol, LineIndex, PositionEncoding, TextRange, TextSize};

/// A text with its line index, for converting positions in it.
pub struct TextLines<'a> {
    /// The text.
    pub text: &'a str,
    /// Its line index.
    pub index: &'a LineIndex,
    /// The negotiated encoding.
    pub encoding: PositionEncoding,
    /// The line of the document the text starts at: 0 for a whole document, more for a part of a note.
    pub first_line: u32,
}

impl<'a> TextLines<'a> {
    /// The lines of an article's file (see [`ArticleFile`]); ranges of its indexed text are converted with
    /// [`TextLines::article_range`].
    pub fn of_article(file: &'a ArticleFile<'a>, encoding: PositionEncoding) -> TextLines<'a> {
        TextLines { text: file.text(), index: file.lines(), encoding, first_line: 0 }
    }

    /// The LSP range, in the file, of `range` of the article's indexed text.
    pub fn article_range(&self, file: &ArticleFile, range: TextRange) -> lsp::Range {
        self.range(file.range(range))
    }

    /// The byte offset of an LSP position, clamped to the text.
    pub fn offset(&self, position: lsp::Position) -> TextSize {
        if position.line < self.first_line {
            return TextSize::from(0);
        }
        let line_col = LineCol { line: position.line - self.first_line, col: position.character };
        self.index.offset(self.text, line_col, self.encoding)
    }

    /// The byte range of an LSP range, clamped to the text.
    pub fn text_range(&self, range: lsp::Range) -> TextRange {
        let start = self.offset(range.start);
        let end = self.offset(range.end).max(start);
        TextRange::new(start, end)
    }

    /// The LSP position of a byte offset.
    pub fn position(&self, offset: TextSize) -> lsp::Position {
        let line_col = self.index.line_col(self.text, offset, self.encoding);
        lsp::Position::new(line_col.line + self.first_line, line_col.col)
    }

    /// The byte offset where `line` (of the document) ends, before its line break.
    pub fn line_end(&self, line: u32) -> TextSize {
        self.index.line_range(self.text, line.saturating_sub(self.first_line)).end()
    }

    /// The LSP range of a byte range.
    pub fn range(&self, range: TextRange) -> lsp::Range {
        lsp::Range::new(self.position(range.start()), self.position(range.end()))
    }
}

/// The encoding to use, given what the client offers: the most preferred one it supports, UTF-16 by default.
pub fn negotiate_encoding(capabilities: &lsp::ClientCapabilities) -> PositionEncoding {
    capabilities
        .general
        .as_ref()
        .and_then(|general| general.position_encodings.as_ref())
        .and_then(|offered| offered.iter().filter_map(encoding_from_proto).max())
        .unwrap_or_default()
}

fn encoding_from_proto(kind: &lsp::PositionEncodingKind) -> Option<PositionEncoding> {
    match kind.as_str() {
        "utf-8" => Some(PositionEncoding::Utf8),
        "utf-16" => Some(PositionEncoding::Utf16),
        "utf-32" => Some(PositionEncoding::Utf32),
        _ => None,
    }
}

/// The protocol name of an encoding.
pub fn encoding_to_proto(encoding: PositionEncoding) -> lsp::PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => lsp::PositionEncodingKind::UTF32,
    }
}

/// An LSP diagnostic.
pub fn diagnostic(lines: &TextLines, diagnostic: &analysis::Diagnostic) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: lines.range(diagnostic.range),
        severity: Some(match diagnostic.severity() {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
            Severity::Hint => lsp::DiagnosticSeverity::HINT,
        }),
        code: Some(lsp::NumberOrString::String(diagnostic.kind.code().to_string())),
        source: Some("marginalia".to_string()),
        message: diagnostic.message.clone(),
        ..lsp::Diagnostic::default()
    }
}

/// An LSP completion list; `sort_text` keeps marginalia's ranking. With `label_details` (a client that shows them on
/// every row, as VS Code does; it shows `detail` on the selected row only), a source's detail (authors, date,
/// title, outlet) is its label's description too.
pub fn completion_list(
    lines: &TextLines,
    completions: analysis::Completions,
    label_details: bool,
) -> lsp::CompletionList {
    let items = completions
        .items
        .into_iter()
        .enumerate()
        .map(|(rank, item)| lsp::CompletionItem {
            label_details: (label_details && item.kind == CompletionKind::Source)
                .then(|| lsp::CompletionItemLabelDetails { detail: None, description: item.detail.clone() }),
            // Left out when it is the label, as the protocol allows: every byte is paid for twice per keystroke.
            filter_text: (item.filter_text != item.label).then_some(item.filter_text),
            label: item.label,
            kind: Some(completion_item_kind(item.kind)),
            detail: item.detail,
            documentation: item.documentation.map(markdown),
            sort_text: Some(format!("{rank:04}")),
            text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
                range: lines.range(item.replace),
                new_text: item.insert_text,
            })),
            ..lsp::CompletionItem::default()
        })
        .collect();
    lsp::CompletionList { is_incomplete: completions.is_incomplete, items }
}

/// Markdown documentation.
pub fn markdown(value: String) -> lsp::Documentation {
    lsp::Documentation::MarkupContent(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value })
}

/// The kind of a completion item sent back to `completionItem/resolve`, from its LSP kind.
pub fn completion_kind(item: &lsp::CompletionItem) -> Option<CompletionKind> {
    [CompletionKind::Source, CompletionKind::Entity, CompletionKind::Quote]
        .into_iter()
        .find(|&kind| item.kind == Some(completion_item_kind(kind)))
}

fn completion_item_kind(kind: CompletionKind) -> lsp::CompletionItemKind {
    match kind {
        CompletionKind::Source => lsp::CompletionItemKind::REFERENCE,
        CompletionKind::Entity => lsp::CompletionItemKind::CONSTANT,
        CompletionKind::Quote => lsp::CompletionItemKind::TEXT,
    }
}

/// An LSP hover.
pub fn hover(lines: &TextLines, hover: analysis::Hover) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: hover.markdown,
        }),
        range: Some(lines.range(hover.range)),
    }
}

/// LSP locations for navigation targets in articles and bibliography files.
pub fn locations(
    analysis: &Analysis,
    targets: &[analysis::NavigationTarget],
    encoding: PositionEncoding,
    texts: &ExtractedTexts,
) -> Vec<lsp::Location> {
    let mut locations = Vec::with_capacity(targets.len());
    let library = analysis.shared_library();
    let mut files = ArticleFiles::default();
    for target in targets {
        let article = analysis.catalog().cited(&target.source_id).and_then(|cited| cited.source);
        let (uri, range) = match article.filter(|source| source.path == target.path) {
            Some(source) => {
                let file = files.get(source);
                (article_url(source, texts), TextLines::of_article(file, encoding).article_range(file, target.range))
            }
            None => {
                let Some(file) = library.file(&target.path) else {
                    continue;
                };
                let lines = TextLines { text: &file.text, index: &file.lines, encoding, first_line: 0 };
                (file_url(&target.path), lines.range(target.range))
            }
        };
        let Some(uri) = uri else {
            continue;
        };
        locations.push(lsp::Location::new(uri, range));
    }
    locations
}

/// The LSP kind of a symbol: headings as strings (as Markdown servers show them), sources as files, entities as
/// objects.
fn symbol_kind(kind: analysis::SymbolKind) -> lsp::SymbolKind {
    match kind {
        analysis::SymbolKind::Heading => lsp::SymbolKind::STRING,
        analysis::SymbolKind::Source => lsp::SymbolKind::FILE,
        analysis::SymbolKind::Entity => lsp::SymbolKind::OBJECT,
    }
}

/// An LSP document symbol, with its children.
pub fn document_symbol(lines: &TextLines, symbol: &analysis::Symbol) -> lsp::DocumentSymbol {
    #[allow(deprecated)] // `deprecated` is a field the type requires.
    lsp::DocumentSymbol {
        name: symbol.name.clone(),
        detail: symbol.detail.clone(),
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: lines.range(symbol.range),
        selection_range: lines.range(symbol.selection),
        children: Some(symbol.children.iter().map(|child| document_symbol(lines, child)).collect()),
    }
}

/// LSP symbol information for workspace symbols, each in its article or note.
pub fn workspace_symbols(
    analysis: &Analysis,
    notes: &analysis::Notes,
    symbols: &[analysis::WorkspaceSymbol],
    encoding: PositionEncoding,
    texts: &ExtractedTexts,
) -> Vec<lsp::SymbolInformation> {
    let corpus = analysis.corpus();
    let mut files = ArticleFiles::default();
    (symbols.iter())
        .filter_map(|symbol| {
            let (uri, range) = match symbol.article {
                Some(article) => {
                    let source = corpus.source_at(article);
                    let file = files.get(source);
                    (
                        article_url(source, texts)?,
                        TextLines::of_article(file, encoding).article_range(file, symbol.range),
                    )
                }
                None => {
                    let text = notes.get(&symbol.path)?.text();
                    let index = LineIndex::new(text);
                    let lines = TextLines { text, index: &index, encoding, first_line: 0 };
                    (file_url(&symbol.path)?, lines.range(symbol.range))
                }
            };
            #[allow(deprecated)] // `deprecated` is a field the type requires.
            Some(lsp::SymbolInformation {
                name: symbol.name.clone(),
                kind: symbol_kind(symbol.kind),
                tags: None,
                deprecated: None,
                location: lsp::Location::new(uri, range),
                container_name: symbol.container.clone(),
            })
        })
        .collect()
}

/// Semantic tokens in the protocol's relative encoding, each cut at line ends (a quote may run over lines).
pub fn semantic_tokens(lines: &TextLines, tokens: &[analysis::Token]) -> Vec<lsp::SemanticToken> {
    let mut data = Vec::with_capacity(tokens.len());
    let (mut previous_line, mut previous_start) = (0u32, 0u32);
    for token in tokens {
        let token_type = match token.kind {
            analysis::TokenKind::SourceId => 0,
            analysis::TokenKind::Quote => 1,
            analysis::TokenKind::Entity => 2,
        };
        let modifiers = u32::from(token.unresolved);
        let (start, end) = (lines.position(token.range.start()), lines.position(token.range.end()));
        for line in start.line..=end.line {
            let from = if line == start.line { start.character } else { 0 };
            let to = if line == end.line {
                end.character
            } else {
                let line_end = lines.line_end(line);
                lines.position(line_end).character
            };
            if to <= from {
                continue;
            }
            let delta_start = if line == previous_line { from - previous_start } else { from };
            data.push(lsp::SemanticToken {
                delta_line: line - previous_line,
                delta_start,
                length: to - from,
                token_type,
                token_modifiers_bitset: modifiers,
            });
            (previous_line, previous_start) = (line, from);
        }
    }
    data
}

/// A `file://` URL for a path.
pub fn file_url(path: &Path) -> Option<lsp::Url> {
    lsp::Url::from_file_path(path).ok()
}

/// How the client is shown the text extracted from an article's file when it cannot show that file as text (a PDF):
/// positions in such an article are in its extracted text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExtractedTexts {
    /// As read-only `marginalia:` documents, which the client asks for with `marginalia/sourceText` (the VS Code
    /// extension and the Neovim plugin do; `sourceTextDocuments` in the initialization options says so).
    Documents,
    /// As plain-text files written in this folder, for any other client.
    Files(PathBuf),
}

impl Default for ExtractedTexts {
    fn default() -> ExtractedTexts {
        ExtractedTexts::Files(std::env::temp_dir().join("marginalia-texts"))
    }
}

/// The scheme of the documents of [`ExtractedTexts::Documents`].
pub const EXTRACTED_TEXT_SCHEME: &str = "marginalia";

/// Where the client is shown `source`: its file, or the text extracted from its PDF as `texts` says.
pub fn article_url(source: &Source, texts: &ExtractedTexts) -> Option<lsp::Url> {
    if source.pages.is_none() {
        return file_url(&source.path);
    }
    match texts {
        ExtractedTexts::Documents => {
            let file = file_url(&source.path)?;
            lsp::Url::parse(&format!("{EXTRACTED_TEXT_SCHEME}://{}.txt", file.path())).ok()
        }
        ExtractedTexts::Files(folder) => match crate::load::write_extracted_text(folder, source) {
            Ok(path) => file_url(&path),
            Err(error) => {
                tracing::warn!("cannot write the text of {} to {}: {error}", source.path.display(), folder.display());
                None
            }
        },
    }
}

/// The article file whose extracted text a `marginalia:` document shows (see [`article_url`]).
pub fn extracted_text_file(uri: &lsp::Url) -> Option<PathBuf> {
    if uri.scheme() != EXTRACTED_TEXT_SCHEME {
        return None;
    }
    let file = lsp::Url::parse(&format!("file://{}", uri.path().strip_suffix(".txt")?)).ok()?;
    file.to_file_path().ok()
}

/// LSP text edits for a fix.
pub fn text_edits(lines: &TextLines, fix: &analysis::Fix) -> Vec<lsp::TextEdit> {
    fix.edits.iter().map(|edit| lsp::TextEdit::new(lines.range(edit.range), edit.new_text.clone())).collect()
}

/// LSP locations of ranges in notes.
pub fn note_locations(
    notes: &Notes,
    found: Vec<(PathBuf, TextRange)>,
    encoding: PositionEncoding,
) -> Vec<lsp::Location> {
    let mut locations = Vec::with_capacity(found.len());
    let mut lines: Option<(PathBuf, crate::text::LineIndex)> = None;
    for (path, range) in found {
        let (Some(note), Some(uri)) = (notes.get(&path), file_url(&path)) else {
            continue;
        };
        if lines.as_ref().is_none_or(|(at, _)| *at != path) {
            lines = Some((path.clone(), LineIndex::new(note.text())));
        }
        let index = &lines.as_ref().expect("set above").1;
        let text_lines = TextLines { text: note.text(), index, encoding, first_line: 0 };
        locations.push(lsp::Location::new(uri, text_lines.range(range)));
    }
    locations
}

/// A rename as an LSP workspace edit: each note's edits (versioned when the note is open), then the file rename.
pub fn workspace_edit(
    notes: &Notes,
    rename: &crate::analysis::Rename,
    versions: &HashMap<PathBuf, i32>,
    encoding: PositionEncoding,
) -> lsp::WorkspaceEdit {
    let mut operations = Vec::new();
    for (path, edits) in &rename.edits {
        let (Some(note), Some(uri)) = (notes.get(path), file_url(path)) else {
            continue;
        };
        let index = LineIndex::new(note.text());
        let lines = TextLines { text: note.text(), index: &index, encoding, first_line: 0 };
        let edits = (edits.iter())
            .map(|edit| lsp::OneOf::Left(lsp::TextEdit::new(lines.range(edit.range), edit.new_text.clone())))
            .collect();
        let text_document = lsp::OptionalVersionedTextDocumentIdentifier { uri, version: versions.get(path).copied() };
        operations.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit { text_document, edits }));
    }
    if let Some((from, to)) = &rename.file
        && let (Some(old_uri), Some(new_uri)) = (file_url(from), file_url(to))
    {
        let options = lsp::RenameFileOptions { overwrite: Some(false), ignore_if_exists: Some(false) };
        let operation = lsp::RenameFile { old_uri, new_uri, options: Some(options), annotation_id: None };
        operations.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Rename(operation)));
    }
    lsp::WorkspaceEdit {
        document_changes: Some(lsp::DocumentChanges::Operations(operations)),
        ..lsp::WorkspaceEdit::default()
    }
}

/// LSP locations, sorted by file and position (clients list them as given).
pub fn sorted(mut locations: Vec<lsp::Location>) -> Vec<lsp::Location> {
    locations.sort_by(|a, b| {
        (a.uri.as_str(), a.range.start.line, a.range.start.character).cmp(&(
            b.uri.as_str(),
            b.range.start.line,
            b.range.start.character,
        ))
    });
    locations
}

/// The lens at the top of an article: how the notes use it. Its command runs nothing (a lens shows only what has
/// one); references on a sentence list the quotations.
pub fn article_lens(uses: &analysis::ArticleUses) -> lsp::CodeLens {
    lsp::CodeLens {
        range: lsp::Range::default(),
        command: Some(lsp::Command { title: uses.summary(), command: String::new(), arguments: None }),
        data: None,
    }
}

/// LSP document links from cited ids to their files.
pub fn document_links(lines: &TextLines, links: Vec<(TextRange, PathBuf)>) -> Vec<lsp::DocumentLink> {
    (links.into_iter())
        .filter_map(|(range, path)| {
            Some(lsp::DocumentLink {
                range: lines.range(range),
                target: Some(file_url(&path)?),
                tooltip: Some(format!("Open {}", path.file_name()?.to_string_lossy())),
                data: None,
            })
        })
        .collect()
}

/// LSP inlay hints: a title after an id.
pub fn inlay_hints(lines: &TextLines, hints: Vec<(TextSize, String)>) -> Vec<lsp::InlayHint> {
    (hints.into_iter())
        .map(|(at, title)| lsp::InlayHint {
            position: lines.position(at),
            label: lsp::InlayHintLabel::String(title),
            kind: None,
            text_edits: None,
            tooltip: None,
            padding_left: Some(true),
            padding_right: None,
            data: None,
        })
        .collect()
}

/// LSP quick fixes of the note at `uri`, each with the diagnostic it fixes; the first is the preferred one.
pub fn quick_fixes(
    lines: &TextLines,
    uri: &lsp::Url,
    fixes: &[(analysis::Diagnostic, analysis::Fix)],
) -> Vec<lsp::CodeActionOrCommand> {
    (fixes.iter().enumerate())
        .map(|(index, (fixed, fix))| {
            let changes = [(uri.clone(), text_edits(lines, fix))].into_iter().collect();
            lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: fix.label.clone(),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic(lines, fixed)]),
                edit: Some(lsp::WorkspaceEdit { changes: Some(changes), ..lsp::WorkspaceEdit::default() }),
                is_preferred: Some(index == 0),
                ..lsp::CodeAction::default()
            })
        })
        .collect()
}

/// The answer to `marginalia.findQuote`: each passage found, with its file, range, article, similarity and text.
pub fn found_quotes(
    analysis: &Analysis,
    found: &[analysis::PassageMatch],
    encoding: PositionEncoding,
    texts: &ExtractedTexts,
) -> serde_json::Value {
    let mut files = ArticleFiles::default();
    let found = (found.iter())
        .filter_map(|found| {
            let source = analysis.corpus().source(&found.source_id)?;
            let file = files.get(source);
            Some(serde_json::json!({
                "uri": article_url(source, texts)?,
                "range": TextLines::of_article(file, encoding).article_range(file, found.range),
                "source": found.source_id,
                "similarity": found.similarity,
                "text": crate::corpus::collapse_whitespace(&source.text[found.range]),
            }))
        })
        .collect();
    serde_json::Value::Array(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefers_utf8_then_utf32_then_utf16() {
        let offering = |kinds: Vec<lsp::PositionEncodingKind>| lsp::ClientCapabilities {
            general: Some(lsp::GeneralClientCapabilities { position_encodings: Some(kinds), ..Default::default() }),
            ..Default::default()
        };
        use lsp::PositionEncodingKind as K;
        assert_eq!(negotiate_encoding(&lsp::ClientCapabilities::default()), PositionEncoding::Utf16);
        assert_eq!(negotiate_encoding(&offering(vec![K::UTF16, K::UTF8])), PositionEncoding::Utf8);
        assert_eq!(negotiate_encoding(&offering(vec![K::UTF32, K::UTF16])), PositionEncoding::Utf32);
        assert_eq!(negotiate_encoding(&offering(vec![K::new("latin-1")])), PositionEncoding::Utf16);
    }
}
