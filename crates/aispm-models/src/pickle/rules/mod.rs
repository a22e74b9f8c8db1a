//! Rules of the pickle analyzer, one file each.

use aispm_core::Rule;

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

pub use mdl001_dangerous_call::RULE as DANGEROUS_CALL;
pub use mdl002_dangerous_import::RULE as DANGEROUS_IMPORT;
pub use mdl003_dynamic_import::RULE as DYNAMIC_IMPORT;
pub use mdl004_unknown_import::RULE as UNKNOWN_IMPORT;
pub use mdl005_extension_code::RULE as EXTENSION_CODE;
pub use mdl006_malformed_stream::RULE as MALFORMED_STREAM;
pub use mdl007_trailing_data::RULE as TRAILING_DATA;
pub use mdl008_multiple_streams::RULE as MULTIPLE_STREAMS;
pub use mdl009_nonstandard_opcodes::RULE as NONSTANDARD_OPCODES;
pub use mdl010_embedded_pickle::RULE as EMBEDDED_PICKLE;
pub use mdl011_code_object::RULE as CODE_OBJECT;
pub use mdl012_numpy_object_array::RULE as NUMPY_OBJECT_ARRAY;
pub use mdl013_setstate_gadget::RULE as SETSTATE_GADGET;
pub use mdl014_scanner_tampering::RULE as SCANNER_TAMPERING;
pub use mdl015_resource_limit::RULE as RESOURCE_LIMIT;

/// Every rule of the pickle analyzer.
pub static RULES: &[&Rule] = &[
    &DANGEROUS_CALL,
    &DANGEROUS_IMPORT,
    &DYNAMIC_IMPORT,
    &UNKNOWN_IMPORT,
    &EXTENSION_CODE,
    &MALFORMED_STREAM,
    &TRAILING_DATA,
    &MULTIPLE_STREAMS,
    &NONSTANDARD_OPCODES,
    &EMBEDDED_PICKLE,
    &CODE_OBJECT,
    &NUMPY_OBJECT_ARRAY,
    &SETSTATE_GADGET,
    &SCANNER_TAMPERING,
    &RESOURCE_LIMIT,
];
