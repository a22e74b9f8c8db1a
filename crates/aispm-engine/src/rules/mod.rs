//! Rules reported by the engine itself (archives, links, limits). One file per rule,
//! holding its documentation and the functions that decide when it fires and build its
//! finding. The engine calls them where it meets the condition, as it reads:
//!
//! | rule | called from |
//! |---|---|
//! | ART001 | `archive.rs`: a zip's central directory (`open_zip`), and any member whose expansion was stopped (`report_stop`) |
//! | ART002 | `archive.rs`: every zip and tar member name, every tar link |
//! | ART003 | `archive.rs`: zip members flagged as encrypted |
//! | ART004 | `dispatch.rs` (7z, RAR, zstd) through `archive::report_uninspectable`; `archive.rs` (unreadable zip, unsupported member) |
//! | ART005 | `archive.rs`: before opening any container (`open_container`) |
//! | ART006 | `scanner.rs`: symbolic links met by the walk (`check_symlink`) |
//!
//! Findings of these rules are about the scanned tree: the history scan drops them.

use aispm_core::{RawFinding, Rule};

pub mod art001_decompression_bomb;
pub mod art002_archive_path_traversal;
pub mod art003_encrypted_member;
pub mod art004_uninspectable_archive;
pub mod art005_archive_depth;
pub mod art006_symlink_outside_root;

/// Every engine rule.
pub static RULES: &[&Rule] = &[
    &art001_decompression_bomb::RULE,
    &art002_archive_path_traversal::RULE,
    &art003_encrypted_member::RULE,
    &art004_uninspectable_archive::RULE,
    &art005_archive_depth::RULE,
    &art006_symlink_outside_root::RULE,
];

/// A finding on a container about one of its members, keyed by the member's name.
fn about_member(rule: &'static Rule, container: &str, member: &str, message: String) -> RawFinding {
    RawFinding::new(rule, container, message)
        .evidence(member)
        .key(member)
}
