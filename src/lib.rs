//! marginalia: a language server and checker for research notes that cite source articles.
//!
//! The layers, from the bottom: [`text`] (offsets and positions), [`markup`] (the citation syntax of a note),
//! [`corpus`] (the index of the source articles), [`analysis`] (the features, free of any protocol),
//! [`load`] (the only code that reads the disk), and the two programs on top: [`lsp`] and [`cli`].
//! ARCHITECTURE.md has the map.

#![warn(missing_docs)]

pub mod analysis;
pub mod bibliography;
pub mod cli;
pub mod config;
pub mod corpus;
#[doc(hidden)]
pub mod fixture;
pub mod load;
pub mod lsp;
pub mod markup;
pub mod text;

/// The version and the commit the program was built from, as `marginalia --version` and the server's `serverInfo`
/// report them: `0.1.0 (1a2b3c4d5e6f)`, or the package version alone when the commit is unknown.
pub const VERSION: &str = env!("MARGINALIA_VERSION");
