//! What the Hub pinning rules share (`code015_hub_model_unpinned`,
//! `code017_hub_download_unpinned`): which string names a Hub repository, and whether
//! a call pins the revision it fetches.

use crate::flow::{Call, Walker, is_hub_id, is_placeholder_repo};
use tree_sitter::Node;

/// The Hub repository a node names: a literal (or a module constant) `org/name` that
/// is not a local folder or file, nor a placeholder for the reader's own repository.
pub(crate) fn hub_repo<'s>(w: &Walker<'s>, n: Node<'s>) -> Option<String> {
    w.string_literal(n)
        .filter(|id| is_hub_id(id) && !is_placeholder_repo(id))
}

/// Whether the call pins its `revision`: `Some(true)` for a commit (40 hex digits) or
/// a variable (trusted to hold one), `Some(false)` for a branch or a tag, `None`
/// without one.
pub(crate) fn pinned_revision<'s>(w: &Walker<'s>, call: &Call<'s>) -> Option<bool> {
    call.kwarg("revision").map(|r| match w.string_literal(r) {
        Some(s) => is_hex40(&s),
        None => true,
    })
}

fn is_hex40(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}
