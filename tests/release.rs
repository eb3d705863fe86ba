//! What a user installs: the crate `cargo package` makes (what it holds and leaves out), and the release archive
//! `dist/release.sh` builds (its files, its checksum, the path `cargo binstall` looks for, reproducibility).

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(command: &mut Command) -> String {
    let output = command.output().expect("the command runs");
    assert!(output.status.success(), "{command:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_crate_holds_what_cargo_install_builds_and_no_tests_or_editors() {
    let listed =
        run(Command::new(env!("CARGO")).args(["package", "--list", "--allow-dirty", "--offline"]).current_dir(repo()));
    let files: Vec<&str> = listed.lines().collect();
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "src/main.rs",
        "src/lib.rs",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
    ] {
        assert!(files.contains(&needed), "the package holds {needed}: {files:?}");
    }
    // Every file a unit test includes is there too, so `cargo test` works from the package.
    for file in files.iter().filter(|file| file.starts_with("src/")) {
        let text = std::fs::read_to_string(repo().join(file)).unwrap();
        for (at, _) in text.match_indices("include_str!(\"") {
            let included = &text[at + 14..];
            let included = &included[..included.find('"').unwrap()];
            let path = Path::new(file).parent().unwrap().join(included);
            let normal: PathBuf = path.components().fold(PathBuf::new(), |mut path, part| {
                match part {
                    std::path::Component::ParentDir => {
                        path.pop();
                    }
                    other => path.push(other),
                }
                path
            });
            assert!(
                files.contains(&normal.to_str().unwrap()),
                "{file} includes {}, which the package lacks",
                normal.display()
            );
        }
    }
    let left_out = ["tests/", "benches/", "editors/", "fuzz/", ".ci/", "dist/"];
    for file in &files {
        assert!(
            !left_out
                .iter()
                .any(|folder| file.starts_with(folder) && !file.starts_with("tests/fixtures/bibliography/")),
            "{file} is not for the package"
        );
    }
}

#[test]
fn the_release_archive_holds_the_program_the_plugins_and_a_checksum_binstall_can_use() {
    let out = tempfile::tempdir().unwrap();
    let build = |folder: &Path| {
        run(Command::new("sh")
            .arg(repo().join("dist/release.sh"))
            .arg(folder)
            .env("MARGINALIA_BINARY", env!("CARGO_BIN_EXE_marginalia"))
            .env("MARGINALIA_NO_VSIX", "1")
            .env("SOURCE_DATE_EPOCH", "1764547200"))
    };
    let first = out.path().join("first");
    let printed = build(&first);
    let version = env!("CARGO_PKG_VERSION");
    let name = format!("marginalia-{version}-x86_64-unknown-linux-gnu");
    let archive = first.join(format!("{name}.tar.gz"));
    assert_eq!(printed.trim(), archive.to_str().unwrap());
    run(Command::new("sha256sum").args(["-c", &format!("{name}.tar.gz.sha256")]).current_dir(&first));

    let listed = run(Command::new("tar").arg("tzf").arg(&archive));
    for file in [
        "marginalia",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "editors/nvim/lsp/marginalia.lua",
        "editors/nvim/plugin/marginalia.lua",
        "editors/emacs/marginalia-eglot.el",
    ] {
        assert!(listed.lines().any(|line| line == format!("{name}/{file}")), "the archive holds {file}:\n{listed}");
    }
    assert!(!listed.contains("/tests/"), "no tests in the archive:\n{listed}");

    // Where Cargo.toml tells `cargo binstall` to look: the archive's name and the program's path inside it.
    let manifest: toml::Table = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap().parse().unwrap();
    let binstall = &manifest["package"]["metadata"]["binstall"];
    let fill = |template: &str| {
        template
            .replace("{ version }", version)
            .replace("{ target }", "x86_64-unknown-linux-gnu")
            .replace("{ bin }", "marginalia")
            .replace("{ binary-ext }", "")
            .replace("{ repo }", manifest["package"]["repository"].as_str().unwrap())
    };
    assert!(fill(binstall["pkg-url"].as_str().unwrap()).ends_with(&format!("/v{version}/{name}.tar.gz")));
    let binary = fill(binstall["bin-dir"].as_str().unwrap());
    run(Command::new("tar").arg("xzf").arg(&archive).current_dir(out.path()));
    let version_said = run(Command::new(out.path().join(&binary)).arg("--version"));
    assert!(version_said.starts_with(&format!("marginalia {version}")), "{version_said}");

    // The same inputs give the same bytes.
    let second = out.path().join("second");
    build(&second);
    let bytes = |folder: &Path| std::fs::read(folder.join(format!("{name}.tar.gz"))).unwrap();
    assert!(bytes(&first) == bytes(&second), "the archive is reproducible");
}
