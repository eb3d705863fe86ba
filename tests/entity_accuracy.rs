//! Entity extraction measured against hand-annotated gold entities (`../shared/eval-dev`), with the rules of
//! its scorer (`score_entities.py`): per article, over distinct entities, in a core and an all view.
//!
//! The targets: core precision >= 0.95 and recall >= 0.97, all-view F1 >= 0.90. Below them the test fails and
//! prints every miss and false positive. Without `../shared` (a clone outside CI) it skips with a reason.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

fn shared() -> Option<PathBuf> {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let present = shared.join("eval-dev/gold_entities.json").is_file() && shared.join("corpus").is_dir();
    if present {
        return Some(shared);
    }
    assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but {} is missing", shared.display());
    eprintln!("skipped: {} (the evaluation data) is not beside this checkout", shared.display());
    None
}

/// The scorer's normalisation: NFKC, straight quotes, collapsed whitespace, casefolded, surrounding
/// punctuation, a leading "the " and a trailing possessive removed.
fn normalise(text: &str) -> String {
    let straight: String = text
        .nfkc()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' => '\'',
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' | '\u{ab}' | '\u{bb}' => '"',
            c => c,
        })
        .collect();
    let mut s = straight.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    for _ in 0..3 {
        let before = s.clone();
        s = s.trim_matches(|c| " \"'()[]{}<>,;:!?*_`-\u{2013}\u{2014}".contains(c)).to_string();
        let abbreviation = s.len() >= 2 && {
            let tail: Vec<char> = s.chars().rev().take(3).collect();
            tail[0] == '.' && tail[1].is_ascii_lowercase() && tail.get(2).is_none_or(|c| !c.is_alphanumeric())
        };
        if !abbreviation {
            s = s.trim_end_matches('.').to_string();
        }
        if let Some(rest) = s.strip_prefix("the ") {
            s = rest.to_string();
        }
        if let Some(rest) = s.strip_suffix("'s") {
            s = rest.to_string();
        } else if let Some(rest) = s.strip_suffix('\'') {
            s = rest.to_string();
        }
        if s == before {
            break;
        }
    }
    s
}

#[derive(Default)]
struct ViewScore {
    tp: usize,
    fp: usize,
    fn_: usize,
    missed: Vec<String>,
    false_positives: Vec<String>,
}

fn strings(value: &Value, field: &str) -> Vec<String> {
    value[field].as_array().map_or(Vec::new(), |a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
}

/// Scores one article: `predicted` holds the surface forms of each predicted entity.
fn score_article(gold: &Value, predicted: &[Vec<String>]) -> [ViewScore; 2] {
    let mut form_to_entity: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut required: [BTreeSet<String>; 2] = Default::default();
    let tiers = [("entities", true), ("noise_entities", false)];
    for (field, core) in tiers {
        for entity in gold[field].as_array().into_iter().flatten() {
            let name = entity["canonical"].as_str().unwrap().to_string();
            for form_field in ["aliases", "demonyms", "navbar_aliases", "also_accept"] {
                for form in strings(entity, form_field) {
                    form_to_entity.entry(normalise(&form)).or_default().insert(name.clone());
                }
            }
            if entity["optional"].as_bool() != Some(true) {
                if core {
                    required[0].insert(name.clone());
                }
                required[1].insert(name);
            }
        }
    }
    let mut matched = BTreeSet::new();
    let mut unmatched = BTreeSet::new();
    for forms in predicted {
        let hits: BTreeSet<&String> =
            forms.iter().filter_map(|f| form_to_entity.get(&normalise(f))).flatten().collect();
        if hits.is_empty() {
            unmatched.insert(normalise(&forms[0]));
        }
        matched.extend(hits.into_iter().cloned());
    }
    unmatched.remove("");
    required.map(|required| ViewScore {
        tp: required.intersection(&matched).count(),
        fp: unmatched.len(),
        fn_: required.difference(&matched).count(),
        missed: required.difference(&matched).cloned().collect(),
        false_positives: unmatched.iter().cloned().collect(),
    })
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

#[test]
fn entity_extraction_meets_the_targets_on_the_development_set() {
    let Some(shared) = shared() else { return };
    let workspace = tempfile::tempdir().unwrap();
    let sources = workspace.path().join("sources");
    std::fs::create_dir(&sources).unwrap();
    for entry in std::fs::read_dir(shared.join("corpus")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, sources.join(path.file_name().unwrap())).unwrap();
    }
    let output = Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .args(["entities", "--format", "json"])
        .current_dir(workspace.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let listing: Value = serde_json::from_slice(&output.stdout).unwrap();

    // Per article, each entity it mentions, with the names it is written as there.
    let mut predicted: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for entity in listing["entities"].as_array().unwrap() {
        let mut forms: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for mention in entity["mentions"].as_array().unwrap() {
            let article = forms.entry(mention["source"].as_str().unwrap().to_string()).or_default();
            let text = mention["text"].as_str().unwrap().to_string();
            if !article.contains(&text) {
                article.push(text);
            }
        }
        for (article, forms) in forms {
            predicted.entry(article).or_default().push(forms);
        }
    }

    let gold: Value =
        serde_json::from_str(&std::fs::read_to_string(shared.join("eval-dev/gold_entities.json")).unwrap()).unwrap();
    let mut totals = [(0, 0, 0); 2];
    let mut report = String::new();
    for (article, gold) in gold.as_object().unwrap().iter().filter(|(k, _)| !k.starts_with('_')) {
        let scores = score_article(gold, predicted.get(article).map_or(&[][..], Vec::as_slice));
        for (view, score) in ["core", "all"].iter().zip(&scores) {
            report += &format!(
                "{article} {view:4} TP {:3} FP {:3} FN {:3}\n    missed: {:?}\n    false positives: {:?}\n",
                score.tp, score.fp, score.fn_, score.missed, score.false_positives
            );
        }
        for (total, score) in totals.iter_mut().zip(&scores) {
            *total = (total.0 + score.tp, total.1 + score.fp, total.2 + score.fn_);
        }
    }
    let [(core_tp, core_fp, core_fn), (all_tp, all_fp, all_fn)] = totals;
    let core_precision = ratio(core_tp, core_tp + core_fp);
    let core_recall = ratio(core_tp, core_tp + core_fn);
    let (all_precision, all_recall) = (ratio(all_tp, all_tp + all_fp), ratio(all_tp, all_tp + all_fn));
    let all_f1 = 2.0 * all_precision * all_recall / (all_precision + all_recall).max(f64::EPSILON);
    report += &format!(
        "core: precision {core_precision:.3} recall {core_recall:.3}; all: precision {all_precision:.3} recall \
         {all_recall:.3} F1 {all_f1:.3}\n"
    );
    eprintln!("{report}");
    assert!(
        core_precision >= 0.95 && core_recall >= 0.97 && all_f1 >= 0.90,
        "below the targets (core P >= 0.95, R >= 0.97; all F1 >= 0.90):\n{report}"
    );
}

#[test]
fn normalisation_follows_the_scorer() {
    assert_eq!(normalise("  The  Kremlin’s "), "kremlin");
    assert_eq!(normalise("\"U.S.\""), "u.s.");
    assert_eq!(normalise("Mr. Putin."), "mr. putin");
    assert_eq!(normalise("(JCS)"), "jcs");
}
