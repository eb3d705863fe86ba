//! Records which commit the program was built from, for `marginalia --version` and the server's `serverInfo`.
//!
//! A packaged crate (`cargo install marginalia`) has no repository around it, but `cargo package` writes the commit
//! into `.cargo_vcs_info.json`; a checkout asks git. When neither knows, the version is the package version alone.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let version = env!("CARGO_PKG_VERSION");
    let commit = packaged_commit().or_else(checkout_commit);
    let full = match commit {
        Some(commit) => format!("{version} ({})", &commit[..commit.len().min(12)]),
        None => version.to_string(),
    };
    println!("cargo:rustc-env=MARGINALIA_VERSION={full}");
}

/// The commit `cargo package` recorded, when building from a package.
fn packaged_commit() -> Option<String> {
    let path = Path::new(".cargo_vcs_info.json");
    if !path.exists() {
        return None;
    }
    println!("cargo:rerun-if-changed=.cargo_vcs_info.json");
    let text = std::fs::read_to_string(path).ok()?;
    // {"git": {"sha1": "…"}, "path_in_vcs": ""}: the one field needed, without a JSON parser in the build.
    let after = &text[text.find("\"sha1\"")? + "\"sha1\"".len()..];
    let start = after.find('"')? + 1;
    let end = start + after[start..].find('"')?;
    hex(&after[start..end])
}

/// The commit checked out, when building from a git checkout; rebuilt when it moves.
fn checkout_commit() -> Option<String> {
    let git = |args: &[&str]| {
        let output = Command::new("git").args(args).output().ok()?;
        output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
    };
    // A linked worktree has its own HEAD; the branches are in the common folder.
    let git_dir = git(&["rev-parse", "--git-dir"])?;
    let common_dir = git(&["rev-parse", "--git-common-dir"]).unwrap_or_else(|| git_dir.clone());
    for path in [Path::new(&git_dir).join("HEAD"), Path::new(&common_dir).join("packed-refs")] {
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        let path = Path::new(&common_dir).join(branch);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    hex(&git(&["rev-parse", "HEAD"])?)
}

fn hex(text: &str) -> Option<String> {
    (text.len() >= 7 && text.bytes().all(|b| b.is_ascii_hexdigit())).then(|| text.to_string())
}
