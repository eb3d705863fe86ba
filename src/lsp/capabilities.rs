//! What the server tells the client it can do.

use tower_lsp::lsp_types as lsp;

use super::convert::encoding_to_proto;
use crate::text::PositionEncoding;

/// Characters after which the client asks for completions: `[@`, `; @`, `[[`, and an opening quotation mark.
pub const TRIGGER_CHARACTERS: &[&str] = &["@", "[", "\"", "\u{201C}", "'", "\u{2018}"];

/// `workspace/executeCommand` with one argument, the words: the places in the articles that contain them.
pub const FIND_QUOTE_COMMAND: &str = "marginalia.findQuote";

/// The semantic token types, in the order of [`crate::analysis::TokenKind`]: ids as variables, quotes as strings,
/// entity names as classes (standard types, which every theme colours).
pub const TOKEN_TYPES: [lsp::SemanticTokenType; 3] =
    [lsp::SemanticTokenType::VARIABLE, lsp::SemanticTokenType::STRING, lsp::SemanticTokenType::CLASS];

/// The one token modifier: an id or a name that the workspace does not have.
pub const UNRESOLVED_MODIFIER: &str = "unresolved";

/// The server's capabilities, with the negotiated position encoding; pulled diagnostics for a client that pulls.
pub fn server_capabilities(encoding: PositionEncoding, pull_diagnostics: bool) -> lsp::ServerCapabilities {
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
        semantic_tokens_provider: Some(lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
            lsp::SemanticTokensOptions {
                legend: lsp::SemanticTokensLegend {
                    token_types: TOKEN_TYPES.to_vec(),
                    token_modifiers: vec![lsp::SemanticTokenModifier::new(UNRESOLVED_MODIFIER)],
                },
                full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                range: None,
                work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
            },
        )),
        inlay_hint_provider: Some(lsp::OneOf::Left(true)),
        code_lens_provider: Some(lsp::CodeLensOptions { resolve_provider: Some(false) }),
        // Offered only to a client that pulls and can be told to pull again; the others are sent diagnostics.
        diagnostic_provider: pull_diagnostics.then(|| {
            lsp::DiagnosticServerCapabilities::Options(lsp::DiagnosticOptions {
                identifier: Some("marginalia".to_string()),
                // A note's diagnostics change with the articles and bibliographies, not only with its own text.
                inter_file_dependencies: true,
                workspace_diagnostics: true,
                work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
            })
        }),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        document_link_provider: Some(lsp::DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
        }),
        rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
        })),
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
