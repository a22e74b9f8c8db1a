//! Rules reported by the engine itself (archives, links, limits). One file per rule.

use aispm_core::Rule;

pub mod art001_decompression_bomb;
pub mod art002_archive_path_traversal;
pub mod art003_encrypted_member;
pub mod art004_uninspectable_archive;
pub mod art005_archive_depth;
pub mod art006_symlink_outside_root;

pub use art001_decompression_bomb::RULE as DECOMPRESSION_BOMB;
pub use art002_archive_path_traversal::RULE as ARCHIVE_PATH_TRAVERSAL;
pub use art003_encrypted_member::RULE as ENCRYPTED_MEMBER;
pub use art004_uninspectable_archive::RULE as UNINSPECTABLE_ARCHIVE;
pub use art005_archive_depth::RULE as ARCHIVE_TOO_DEEP;
pub use art006_symlink_outside_root::RULE as SYMLINK_OUTSIDE_ROOT;

/// Every engine rule.
pub static RULES: &[&Rule] = &[
    &DECOMPRESSION_BOMB,
    &ARCHIVE_PATH_TRAVERSAL,
    &ENCRYPTED_MEMBER,
    &UNINSPECTABLE_ARCHIVE,
    &ARCHIVE_TOO_DEEP,
    &SYMLINK_OUTSIDE_ROOT,
];
