//! What marginalia reads about the sample articles of `../shared/corpus` (news pages scraped to text, without
//! front matter): each title is the page's headline or its lede, never page furniture; a date where the text
//! states one, and none where it does not; the outlet where the text names it. Without `../shared` (a clone outside
//! CI) it skips with a reason.

use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if corpus.is_dir() {
        return Some(corpus);
    }
    assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but {} is missing", corpus.display());
    eprintln!("skipped: {} (the sample articles) is not beside this checkout", corpus.display());
    None
}

#[test]
fn sample_articles_have_headlines_or_ledes_dates_where_stated_and_outlets_where_named() {
    let Some(corpus) = corpus() else {
        return;
    };
    let read = |id: &str| marginalia::load::read_source(&corpus.join(format!("{id}.txt"))).unwrap();
    let table: Vec<String> = [
        "000_cf61e6d1027e3aa9",
        "001_57226e9ca2c38bd2",
        "002_07ac914b6ef94890",
        "003_ca4f2badcaf68782",
        "004_d3f02f5ba89f5bd9",
    ]
    .iter()
    .map(|id| {
        let source = read(id);
        format!(
            "{}\n  title:  {}\n  date:   {}\n  outlet: {}",
            &id[..3],
            source.title,
            source.date.as_deref().unwrap_or("-"),
            source.meta.outlet.as_deref().unwrap_or("-")
        )
    })
    .collect();
    insta::assert_snapshot!(table.join("\n"), @r"
    000
      title:  North Korea has delivered arms to Russia's private military group Wagner, the White House said…
      date:   -
      outlet: NDTV
    001
      title:  The White House said it has new intelligence inputs which shows that Russian President Vladimir…
      date:   2023-08-30
      outlet: -
    002
      title:  3,000 N.Korean troops sent to Russia this month: White House official
      date:   2024-10-24
      outlet: -
    003
      title:  The United States and Nato have slammed the deployment of North Korean troops to Russia amid the…
      date:   -
      outlet: Business Standard
    004
      title:  More than 1,000 North Korean soldiers have been killed or wounded in Russia’s war with Ukraine,…
      date:   -
      outlet: New Indian Express
    ");
}
