//! What the server tells the client it can do.

use tower_lsp::lsp_types as lsp;

use super::convert::encoding_to_proto;
use crate::text::PositionEncoding;

/// Characters after which the client asks for completions: `[@`, `; @`, `[[`, and an opening quotation mark.
pub const TRIGGER_CHARACTERS: &[&str] = &["@", "[", "\"", "\u{201C}", "'", "\u{2018}"];

/// `workspace/executeCommand` with one argument, the words: the places in the articles that contain them.
pub const FIND_QUOTE_COMMAND: &str = "marginalia.findQuote";

/// The server's capabilities, with the negotiated position encoding.
pub fn server_capabilities(encoding: PositionEncoding) -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(encoding_to_proto(encoding)),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(lsp::TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
            save: Some(lsp::TextDocumentSyncSaveOptions::SaveOptions(lsp::SaveOptions { include_text: Some(false) })),
            ..lsp::TextDocumentSyncOptions::default()
        })),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(TRIGGER_CHARACTERS.iter().map(|c| c.to_string()).collect()),
            resolve_provider: Some(true),
            ..lsp::CompletionOptions::default()
        }),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
            code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
            ..lsp::CodeActionOptions::default()
        })),
        execute_command_provider: Some(lsp::ExecuteCommandOptions {
            commands: vec![FIND_QUOTE_COMMAND.to_string()],
            ..lsp::ExecuteCommandOptions::default()
        }),
        ..lsp::ServerCapabilities::default()
    }
}
