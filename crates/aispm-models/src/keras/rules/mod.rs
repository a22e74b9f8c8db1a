//! Rules of the Keras analyzer, one file each. The config walker
//! ([`crate::keras::config`]) hands them what it meets — a lambda, a serialised
//! object, a function a Lambda names — and the analyzer says which configs it could
//! not check; the functions below run the rules' checks on each. MDL022–MDL024 judge
//! one reference and share one table, `object_references.rs`.

use crate::keras::NotChecked;
use crate::keras::config::{FunctionRef, Issue, Lambda, ObjectRef};
use aispm_core::{RawFinding, Rule};

pub mod mdl020_lambda_dangerous_code;
pub mod mdl021_lambda_layer;
pub mod mdl022_dangerous_module_reference;
pub mod mdl023_custom_object;
pub mod mdl024_unsafe_keras_gadget;
pub mod mdl025_uninspectable_config;
mod object_references;

/// Every rule of the Keras analyzer.
pub static RULES: &[&Rule] = &[
    &mdl020_lambda_dangerous_code::RULE,
    &mdl021_lambda_layer::RULE,
    &mdl022_dangerous_module_reference::RULE,
    &mdl023_custom_object::RULE,
    &mdl024_unsafe_keras_gadget::RULE,
    &mdl025_uninspectable_config::RULE,
];

/// Runs the rules on a lambda (bytecode or source) of the config.
pub(crate) fn check_lambda(l: &Lambda<'_>) -> impl Iterator<Item = Issue> {
    [
        mdl020_lambda_dangerous_code::check(l),
        mdl021_lambda_layer::check(l),
    ]
    .into_iter()
    .flatten()
}

/// Runs the rules on a serialised object of the config.
pub(crate) fn check_object(o: &ObjectRef<'_>) -> Option<Issue> {
    object_references::check_object(o) // MDL022, MDL023, MDL024
}

/// Runs the rules on the function a Keras 2 Lambda names.
pub(crate) fn check_function(f: &FunctionRef<'_>) -> Option<Issue> {
    object_references::check_function(f) // MDL022, MDL023
}

/// Runs the rules on a config that was not checked.
pub(crate) fn check_not_checked(path: &str, why: &NotChecked<'_>) -> RawFinding {
    mdl025_uninspectable_config::check(path, why)
}
