//! The whole analysis on an article and a note (split at the first NUL byte): diagnostics, their fixes, and
//! completion, hover and definition at every character of the note, none of which may fail.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use marginalia::analysis::{Analysis, Note};
use marginalia::corpus::{Corpus, EntityOverrides, Source};
use marginalia::text::TextSize;

fuzz_target!(|input: &str| {
    let (article, note) = input.split_once('\0').unwrap_or(("", input));
    let source = Source::new("a".into(), "sources/a.txt".into(), article.to_string());
    let analysis = Analysis::new(Arc::new(Corpus::new(vec![source], EntityOverrides::default()).0));
    let parsed = Note::new(note.to_string());
    for diagnostic in analysis.diagnostics(&parsed) {
        for fix in &diagnostic.fixes {
            let mut fixed = note.to_string();
            for edit in fix.edits.iter().rev() {
                fixed.replace_range(std::ops::Range::<usize>::from(edit.range), &edit.new_text);
            }
            analysis.diagnostics(&Note::new(fixed));
        }
    }
    for (at, _) in note.char_indices().chain(std::iter::once((note.len(), ' '))) {
        let at = TextSize::from(at as u32);
        analysis.completions(&parsed, at);
        analysis.hover(&parsed, at);
        analysis.goto_definition(&parsed, at);
    }
});
