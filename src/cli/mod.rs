//! The command line: `marginalia check`. It uses the same analysis as the language server and never writes a file.

pub mod check;
pub mod entities;

/// How the command line reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style: file:line:col, the line, a caret under the span, and the fix.
    Human,
    /// One JSON document, for machines.
    Json,
}

/// When to colour human output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    /// When writing to a terminal (and `NO_COLOR` is unset).
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The exit codes of the command line.
pub mod exit {
    /// No errors (warnings may remain).
    pub const CLEAN: i32 = 0;
    /// At least one error.
    pub const ERRORS: i32 = 1;
    /// Bad usage or an invalid configuration.
    pub const USAGE: i32 = 2;
}
