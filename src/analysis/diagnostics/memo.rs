//! The memo of checks made against one snapshot: a citation's diagnostics by the text of the item (and the
//! bibliographies its note names), an unknown name's by the name, kept relative to where they start so that they
//! move with the text.

use std::sync::Mutex;

use rustc_hash::FxHashMap as HashMap;

use super::{Context, Diagnostic, check_item, unchecked, unknown_entity};
use crate::bibliography::Scope;
use crate::markup::{CiteItem, EntityMention};
use crate::text::{TextRange, TextSize};

/// Citation checks already made against one corpus, so that checking a note again (on each save) re-checks
/// only the citations that changed. A check depends on the cited id, the quoted words and their layout, not on
/// where the citation sits: results are kept relative to the start of the id and moved to each new place.
#[derive(Debug, Default)]
pub(in crate::analysis) struct CheckMemo {
    citations: Mutex<HashMap<MemoKey, Vec<Diagnostic>>>,
    /// The diagnostics of mentions of names no article has, by name, relative to the start of the name.
    unknown_entities: Mutex<HashMap<String, Diagnostic>>,
}

/// What a check of an item depends on: whether it is a bare in-text `@id`, the bibliographies the note names,
/// and the text of the item.
type MemoKey = (bool, Scope, String);

impl CheckMemo {
    /// Entries kept at most; past this the memo starts again (notes this large are rare).
    const CAPACITY: usize = 200_000;
    /// The longest item, in bytes, whose check is remembered.
    const MAX_KEY: usize = 4096;

    pub(super) fn check(
        &self,
        context: &Context,
        scope: &Scope,
        text: &str,
        item: &CiteItem,
        bare: bool,
    ) -> Vec<Diagnostic> {
        let anchor = item.range.start();
        // An item that holds nested citations may be as long as the note: it is checked afresh rather than kept
        // under its whole text, which would cost memory and hashing that grow with the square of the nesting.
        let key = (item.range.len() <= TextSize::from(Self::MAX_KEY as u32))
            .then(|| (bare, scope.clone(), text[item.range].to_string()));
        let lock = || self.citations.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(found) = key.as_ref().and_then(|key| lock().get(key).cloned()) {
            return found.iter().map(|d| d.moved(TextSize::from(0), anchor)).collect();
        }
        // A failure inside one check is that citation's error, not a note that passes.
        let found =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check_item(context, scope, text, item, bare)))
                .unwrap_or_else(|panic| {
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned());
                    let message = format!(
                        "this citation could not be checked: internal error ({}); please report it",
                        what.unwrap_or_else(|| "a panic".to_string())
                    );
                    vec![unchecked(item.range, &message)]
                });
        let Some(key) = key else {
            return found;
        };
        let relative = found.iter().map(|d| d.moved(anchor, TextSize::from(0))).collect();
        let mut memo = lock();
        if memo.len() >= Self::CAPACITY {
            memo.clear();
        }
        memo.insert(key, relative);
        found
    }

    /// The diagnostic of a mention of a name no article has, remembered by name: looking for the closest names is
    /// done once per name and corpus, however often the note mentions it or is saved.
    pub(super) fn unknown_entity(&self, context: &Context, mention: &EntityMention) -> Diagnostic {
        let anchor = mention.name_range.start();
        let lock = || self.unknown_entities.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(found) = lock().get(&mention.name) {
            return found.moved(TextSize::from(0), anchor);
        }
        let found = unknown_entity(context, mention);
        let mut memo = lock();
        if memo.len() >= Self::CAPACITY {
            memo.clear();
        }
        memo.insert(mention.name.clone(), found.moved(anchor, TextSize::from(0)));
        found
    }
}

impl Diagnostic {
    /// The same diagnostic with every range moved from being relative to `from` to being relative to `to`.
    fn moved(&self, from: TextSize, to: TextSize) -> Diagnostic {
        let shift = |range: TextRange| range - from + to;
        let mut moved = self.clone();
        moved.range = shift(moved.range);
        for edit in moved.fixes.iter_mut().flat_map(|fix| fix.edits.iter_mut()) {
            edit.range = shift(edit.range);
        }
        moved
    }
}
