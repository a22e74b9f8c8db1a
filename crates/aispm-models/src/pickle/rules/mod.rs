//! Rules of the pickle analyzer, one file each, each with its check; `check` runs
//! them on what the machine observed in one file (`Pickled`). The four rules that
//! read the import policy's verdict share one table, `import_verdicts.rs`.

use super::machine::Layout;
use super::observations::{Observations, Omitted};
use aispm_core::{RawFinding, Rule};

mod import_verdicts;
pub mod mdl001_dangerous_call;
pub mod mdl002_dangerous_import;
pub mod mdl003_dynamic_import;
pub mod mdl004_unknown_import;
pub mod mdl005_extension_code;
pub mod mdl006_malformed_stream;
pub mod mdl007_trailing_data;
pub mod mdl008_multiple_streams;
pub mod mdl009_nonstandard_opcodes;
pub mod mdl010_embedded_pickle;
pub mod mdl011_code_object;
pub mod mdl012_numpy_object_array;
pub mod mdl013_setstate_gadget;
pub mod mdl014_scanner_tampering;
pub mod mdl015_resource_limit;

/// Every rule of the pickle analyzer.
pub static RULES: &[&Rule] = &[
    &mdl001_dangerous_call::RULE,
    &mdl002_dangerous_import::RULE,
    &mdl003_dynamic_import::RULE,
    &mdl004_unknown_import::RULE,
    &mdl005_extension_code::RULE,
    &mdl006_malformed_stream::RULE,
    &mdl007_trailing_data::RULE,
    &mdl008_multiple_streams::RULE,
    &mdl009_nonstandard_opcodes::RULE,
    &mdl010_embedded_pickle::RULE,
    &mdl011_code_object::RULE,
    &mdl012_numpy_object_array::RULE,
    &mdl013_setstate_gadget::RULE,
    &mdl014_scanner_tampering::RULE,
    &mdl015_resource_limit::RULE,
];

/// One pickle file as its rules see it: where it is, how its streams were laid out,
/// and what the machine observed in them.
pub(crate) struct Pickled<'a> {
    pub path: &'a str,
    pub layout: Layout,
    pub obs: &'a Observations,
}

/// Runs the check of every rule fed by the machine (MDL012 is judged on the `.npy`
/// header before the machine runs: [`mdl012_numpy_object_array::object_array`]).
pub(crate) fn check(file: &Pickled<'_>, out: &mut Vec<RawFinding>) {
    import_verdicts::check(file, out); // MDL001, MDL002, MDL004, MDL014
    mdl003_dynamic_import::check(file, out);
    mdl005_extension_code::check(file, out);
    mdl013_setstate_gadget::check(file, out);
    mdl011_code_object::check(file, out);
    mdl010_embedded_pickle::check(file, out);
    mdl009_nonstandard_opcodes::check(file, out);
    mdl006_malformed_stream::check(file, out);
    mdl007_trailing_data::check(file, out);
    mdl008_multiple_streams::check(file, out);
    mdl015_resource_limit::check(file, out);
}

/// Sites the machine counted past its own cap and did not keep, by the ID of the rule
/// that reports them.
pub(crate) fn unkept(o: &Omitted) -> [(&'static str, usize); 6] {
    [
        (mdl003_dynamic_import::RULE.id, o.dynamic),
        (mdl005_extension_code::RULE.id, o.ext_codes),
        (mdl013_setstate_gadget::RULE.id, o.setstate),
        (mdl011_code_object::RULE.id, o.code_objects),
        (mdl010_embedded_pickle::RULE.id, o.embedded),
        (mdl009_nonstandard_opcodes::RULE.id, o.nonstandard),
    ]
}
