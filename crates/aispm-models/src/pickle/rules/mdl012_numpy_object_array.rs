use aispm_core::RawFinding;
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL012: NumPy array with object dtype needs allow_pickle.
pub static RULE: Rule = Rule {
    id: "MDL012",
    name: "numpy-object-array",
    title: "NumPy array with object dtype needs allow_pickle",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Reports `.npy` files (also inside `.npz`) whose dtype is or contains `object`: their data is a pickle, which is analysed by the other rules.",
    why: "`numpy.load` refuses such files unless `allow_pickle=True`, and with it the file can run code (CVE-2019-6446). Numeric data never needs object arrays.",
    example: "`features.npy` with header `{'descr': '|O', ...}`.",
    remediation: "Store numeric arrays with a numeric dtype; keep `allow_pickle=False` when loading.",
    controls: &[LLM03, ML06, ATLAS_T0011_000, ATLAS_M0014, NIST_MEASURE_2_7],
};

/// An `.npy` file (or `.npz` member) whose header declares an object dtype
/// (`crate::pickle::npy_object_data_offset`); its pickle data is then analysed by the
/// other pickle rules.
pub(crate) fn object_array(path: &str) -> RawFinding {
    RawFinding::new(
        &RULE,
        path,
        "NumPy array has an object dtype: its data is a pickle and loading it needs \
         allow_pickle=True",
    )
    .evidence("dtype object")
}
