//! What the benchmarks share: the deterministic corpus generator, and generated workspaces written once.

pub mod generate;

use std::path::{Path, PathBuf};

/// Writes (once) a generated corpus of `size` articles and returns its workspace folder.
pub fn generated(size: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-corpus-{size}"));
    let done = dir.join(".complete");
    if done.exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let mut rng = generate::Rng::new(size as u64);
    let cast = generate::Cast::new(&mut rng, (size / 10).max(20));
    for i in 0..size {
        let target = 3_000 + rng.below(2_000);
        let text = generate::article(&mut rng, &cast, target);
        std::fs::write(dir.join("sources").join(format!("article-{i:06}.txt")), text).unwrap();
    }
    std::fs::write(done, "").unwrap();
    dir
}
