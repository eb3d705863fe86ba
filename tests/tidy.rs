//! Keeps the architecture and the conventions true: layering rules that separate crates would enforce,
//! a module doc on every file, no ignored tests, and an ARCHITECTURE.md that names every module.

use std::path::{Path, PathBuf};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&repo().join(dir), &mut out);
    out.sort();
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(repo()).unwrap().to_string_lossy().replace('\\', "/")
}

/// Files under `src/` that mention `needle` outside the allowed prefixes.
fn offenders(needle: &str, allowed: &[&str]) -> Vec<String> {
    rust_files("src")
        .into_iter()
        .map(|p| relative(&p))
        .filter(|p| !allowed.iter().any(|a| p.starts_with(a)))
        .filter(|p| std::fs::read_to_string(repo().join(p)).unwrap().contains(needle))
        .collect()
}

/// Which modules each module may use (`crate::…`), from the bottom up: the layers of ARCHITECTURE.md.
const LAYERS: &[(&str, &[&str])] = &[
    ("text", &[]),
    ("fixture", &["text"]),
    ("markup", &["text", "fixture"]),
    ("corpus", &["text", "fixture"]),
    ("bibliography", &["text", "corpus"]),
    ("config", &["text", "corpus"]),
    ("analysis", &["text", "fixture", "markup", "corpus", "bibliography"]),
    ("load", &["text", "corpus", "bibliography", "config"]),
    ("cli", &["text", "markup", "corpus", "bibliography", "analysis", "load", "config"]),
    ("lsp", &["text", "markup", "corpus", "bibliography", "analysis", "load", "config"]),
];

#[test]
fn each_module_uses_only_the_layers_below_it() {
    let mut offences = Vec::new();
    for path in rust_files("src") {
        let relative = relative(&path);
        let module = relative.trim_start_matches("src/").split(['/', '.']).next().unwrap().to_string();
        let Some((_, allowed)) = LAYERS.iter().find(|(name, _)| *name == module) else {
            // `lib.rs` and `main.rs` put the layers together.
            assert!(["lib", "main"].contains(&module.as_str()), "{relative}: a module missing from LAYERS");
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        for (at, _) in text.match_indices("crate::") {
            let used: String = text[at + 7..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            // `lib.rs`'s own items (the version) belong to no layer.
            if used != module && !allowed.contains(&used.as_str()) && used != "VERSION" {
                let line = text[..at].matches('\n').count() + 1;
                offences.push(format!("{relative}:{line}: `{module}` uses `crate::{used}`"));
            }
        }
    }
    assert_eq!(offences, Vec::<String>::new());
}

#[test]
fn only_the_lsp_module_knows_the_protocol() {
    assert_eq!(offenders("tower_lsp", &["src/lsp/"]), Vec::<String>::new());
    assert_eq!(offenders("lsp_types", &["src/lsp/"]), Vec::<String>::new());
}

#[test]
fn only_the_server_and_main_are_async() {
    assert_eq!(offenders("tokio", &["src/lsp/", "src/main.rs"]), Vec::<String>::new());
}

#[test]
fn only_load_and_the_command_line_touch_the_disk() {
    assert_eq!(offenders("std::fs", &["src/load/", "src/cli/"]), Vec::<String>::new());
}

#[test]
fn every_file_says_what_it_is_for() {
    let mut missing = Vec::new();
    for dir in ["src", "tests", "benches"] {
        for path in rust_files(dir) {
            let text = std::fs::read_to_string(&path).unwrap();
            if !text.starts_with("//!") {
                missing.push(relative(&path));
            }
        }
    }
    assert_eq!(missing, Vec::<String>::new(), "start these files with a `//!` module doc");
}

#[test]
fn no_test_is_ignored() {
    let attribute = concat!("#[", "ignore");
    let mut found = Vec::new();
    for dir in ["src", "tests"] {
        for path in rust_files(dir) {
            if std::fs::read_to_string(&path).unwrap().contains(attribute) {
                found.push(relative(&path));
            }
        }
    }
    assert_eq!(found, Vec::<String>::new(), "assert the wrong behaviour with a FIXME instead");
}

#[test]
fn the_architecture_names_every_module() {
    let architecture = std::fs::read_to_string(repo().join("ARCHITECTURE.md")).unwrap();
    let mut unnamed = Vec::new();
    for path in rust_files("src") {
        let relative = relative(&path);
        let module = relative.trim_start_matches("src/").trim_end_matches(".rs").trim_end_matches("/mod");
        if module == "lib" || module.ends_with("tests") {
            continue;
        }
        if !architecture.contains(&format!("`{module}`")) && !architecture.contains(&format!("`{module}.rs`")) {
            unnamed.push(module.to_string());
        }
    }
    assert_eq!(unnamed, Vec::<String>::new(), "describe these modules in ARCHITECTURE.md's code map");
}
