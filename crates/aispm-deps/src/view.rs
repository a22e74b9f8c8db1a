//! What the judging steps hand the rules (`rules/`): a [`Judgement`] of one
//! requirement against the advisories for its package, and [`Unpinned`], the
//! requirements of one manifest that nothing pins. The rules turn these into findings;
//! the steps that build them (`exact.rs` per file, `open.rs` after the walk) decide
//! only which versions a requirement admits and which advisory groups meet them.

use crate::advisory::Group;
use crate::manifest::Dependency;

/// Which versions of a package a requirement admits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Admits<'a> {
    /// One known version: an exact pin or a lock entry (judged per file).
    Version(&'a str),
    /// Every version a range admits; no lock or constraints file pins it (judged
    /// after the walk).
    Range,
    /// Any version: no constraint at all, so the newest release is what installs
    /// (judged after the walk).
    AnyVersion,
}

/// One advisory group that affects a version the requirement admits.
pub(crate) struct Hit<'a> {
    pub group: &'a Group<'a>,
    /// Every version the requirement admits is affected (always so for one version).
    pub every_admitted: bool,
}

/// One requirement judged against the advisories for its package.
pub(crate) struct Judgement<'a> {
    /// The manifest or lock file (display path).
    pub path: &'a str,
    pub dep: &'a Dependency,
    pub admits: Admits<'a>,
    /// The advisory groups that affect some admitted version, in the database's order.
    pub hits: Vec<Hit<'a>>,
}

/// The requirements of one manifest that are not exact versions and that no lock or
/// constraints file pins (after the walk), in the manifest's order.
pub(crate) struct Unpinned<'a> {
    pub path: &'a str,
    pub deps: Vec<&'a Dependency>,
}
