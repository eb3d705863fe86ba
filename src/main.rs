//! The `marginalia` program: the language server (`marginalia lsp`) and the checker (`marginalia check`).

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};
use marginalia::bibliography::export::BibFormat;
use marginalia::cli::check::{CheckFormat, CheckOptions};
use marginalia::cli::progress::ShowProgress;
use marginalia::cli::{self, ColorWhen, Format};

/// A language server and checker for research notes that cite source articles.
#[derive(Parser)]
#[command(name = "marginalia", version = marginalia::VERSION, about, long_about = None)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// No progress on stderr while a large workspace is indexed (it is shown only when stderr is a terminal).
    #[arg(long, short, global = true)]
    quiet: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Run the language server over standard input and output (what editors start).
    Lsp {
        /// Accepted for editors that pass it; standard input and output are the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Check every note of a workspace: unknown sources, quotes not in their article, unknown entities, bad markup.
    Check {
        /// Workspace folders, folders inside one, or notes [default: the current folder].
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        /// When to use colours.
        #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
        color: ColorWhen,
    },
    /// Find the articles that contain a passage: exact matches first, then near ones.
    Find {
        /// The words to look for.
        words: String,
        /// A workspace folder or a folder inside one [default: the current folder].
        path: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Print every article as a bibliography entry keyed by its id, for `pandoc --citeproc --bibliography`.
    Bib {
        /// A workspace folder or a folder inside one [default: the current folder].
        path: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = BibFormatArg::CslJson)]
        format: BibFormatArg,
    },
    /// List the articles: what was read about each (title, outlet, date, …), how the notes use it, and the files
    /// that could not be read.
    Sources {
        /// A workspace folder or a folder inside one [default: the current folder].
        path: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// List the people, organisations and places found in the articles.
    Entities {
        /// A workspace folder or a folder inside one [default: the current folder].
        path: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

/// The bibliography formats of `marginalia bib`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum BibFormatArg {
    /// CSL JSON (a `.json` bibliography)
    CslJson,
    /// CSL YAML (a `.yaml` bibliography)
    CslYaml,
    /// BibTeX (a `.bibtex` bibliography)
    Bibtex,
    /// BibLaTeX (a `.bib` bibliography)
    Biblatex,
}

impl From<BibFormatArg> for BibFormat {
    fn from(format: BibFormatArg) -> BibFormat {
        match format {
            BibFormatArg::CslJson => BibFormat::CslJson,
            BibFormatArg::CslYaml => BibFormat::CslYaml,
            BibFormatArg::Bibtex => BibFormat::Bibtex,
            BibFormatArg::Biblatex => BibFormat::Biblatex,
        }
    }
}

fn main() -> anyhow::Result<()> {
    match run() {
        // `marginalia check | head` closes the pipe early; that is not an error.
        Err(error) if is_broken_pipe(&error) => Ok(()),
        other => other,
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run() -> anyhow::Result<()> {
    let args = Args::parse();
    let show = if args.quiet { ShowProgress::Never } else { ShowProgress::WhenTerminal };
    match args.command {
        Some(Command::Lsp { .. }) => run_server(),
        // Editors start the server without arguments; a person at a terminal gets the help instead.
        None if !std::io::stdin().is_terminal() => run_server(),
        None => {
            Args::command().print_help()?;
            Ok(())
        }
        Some(Command::Check { paths, format, color }) => {
            let code = cli::check::run(&CheckOptions { paths, format, color, progress: show })?;
            std::process::exit(code);
        }
        Some(Command::Find { words, path, format }) => {
            let code = cli::find::run(&words, path, format, show)?;
            std::process::exit(code);
        }
        Some(Command::Bib { path, format }) => {
            let code = cli::bib::run(path, format.into(), show)?;
            std::process::exit(code);
        }
        Some(Command::Sources { path, format }) => {
            let code = cli::sources::run(path, format, show)?;
            std::process::exit(code);
        }
        Some(Command::Entities { path, format }) => {
            let code = cli::entities::run(path, format, show)?;
            std::process::exit(code);
        }
    }
}

/// How long the server, once told to exit, waits for the index it is saving.
const SAVE_GRACE: std::time::Duration = std::time::Duration::from_secs(60);

fn run_server() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("MARGINALIA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let code = runtime.block_on(marginalia::lsp::serve(tokio::io::stdin(), tokio::io::stdout()));
    // The index of a large workspace takes seconds to write: a session that ends meanwhile lets it finish.
    if !marginalia::load::IndexCache::wait_for_saves(SAVE_GRACE) {
        tracing::warn!("the index was still being saved after {} s; it will be made again", SAVE_GRACE.as_secs());
    }
    // A read of stdin may still be blocking a thread; do not wait for a byte that will never come.
    runtime.shutdown_background();
    std::process::exit(code)
}
