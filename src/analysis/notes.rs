//! Every note of a workspace as one protocol-free set: the open ones as the editor has them, the others as the
//! disk has them. Features that span notes (references, rename, symbols) read it; the programs build it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Note;

/// A note shared with whoever holds it (the server keeps notes inside its own parsed documents).
pub type SharedNote = Arc<dyn AsRef<Note> + Send + Sync>;

/// The notes of a workspace, by path; cheap to clone.
#[derive(Clone, Default)]
pub struct Notes {
    notes: Arc<Vec<(PathBuf, SharedNote)>>,
}

impl std::fmt::Debug for Notes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.notes.iter().map(|(path, _)| path)).finish()
    }
}

impl AsRef<Note> for Note {
    fn as_ref(&self) -> &Note {
        self
    }
}

impl Notes {
    /// The set of `notes`; when a path comes twice, the first is kept (give the open notes first).
    pub fn new(notes: impl IntoIterator<Item = (PathBuf, SharedNote)>) -> Notes {
        let mut notes: Vec<(PathBuf, SharedNote)> = notes.into_iter().collect();
        // A stable sort keeps the first of each path first.
        notes.sort_by(|a, b| a.0.cmp(&b.0));
        notes.dedup_by(|later, first| later.0 == first.0);
        Notes { notes: Arc::new(notes) }
    }

    /// Every note, by path.
    pub fn iter(&self) -> impl Iterator<Item = (&Path, &Note)> {
        self.notes.iter().map(|(path, note)| (path.as_path(), (**note).as_ref()))
    }

    /// The note at `path`.
    pub fn get(&self, path: &Path) -> Option<&Note> {
        let at = self.notes.binary_search_by(|(p, _)| p.as_path().cmp(path)).ok()?;
        Some((*self.notes[at].1).as_ref())
    }

    /// How many notes there are.
    pub fn len(&self) -> usize {
        self.notes.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.notes.is_empty()
    }
}
