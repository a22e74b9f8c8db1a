//! MDL030: its check is a row of the dangerous-operator table (`dangerous_ops.rs`),
//! shared with MDL031, MDL032 and MDL033.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL030: a TensorFlow graph calls into Python.
pub static RULE: Rule = Rule {
    id: "MDL030",
    name: "tf-python-op",
    title: "TensorFlow graph runs Python code (PyFunc)",
    category: Category::Model,
    severity: Severity::Critical,
    what: "Reports `PyFunc`, `PyFuncStateless` and `EagerPyFunc` nodes anywhere in a \
SavedModel or GraphDef: the main graph and every function of the function library.",
    why: "These operators call a Python function of the process that runs the graph \
(`tf.py_function`, `tf.numpy_function`). A model that carries them runs Python chosen by \
whoever built the graph, with the permissions of the serving process.",
    example: "A node `op: \"PyFunc\"` with `token: \"pyfunc_0\"` in `saved_model.pb`.",
    remediation: "Do not serve the model. Rebuild it with TensorFlow operators only; a \
model for deployment should never need `tf.py_function`.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0011_000,
        ATLAS_T0018_002,
        ATLAS_M0011,
        NIST_MEASURE_2_7,
        EU_ART_15,
    ],
};
