//! MDL023: its check is a row of the object-reference table (`object_references.rs`),
//! shared with MDL022 and MDL024.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL023: a Keras config needs code from outside Keras.
pub static RULE: Rule = Rule {
    id: "MDL023",
    name: "keras-custom-object",
    title: "Keras model depends on custom objects outside Keras",
    category: Category::Model,
    severity: Severity::Low,
    what: "Reports serialised objects and named functions in a Keras config whose module \
lies outside Keras and TensorFlow (custom layers, registered functions, objects from \
`__main__`), and that are not known to be dangerous.",
    why: "Loading the model imports and runs code from those modules. The model is only as \
trustworthy as that code, which is not in the model file and easy to overlook in a \
review of the model alone.",
    example: "`{\"module\": \"my_project.layers\", \"class_name\": \"Attention\", \
\"registered_name\": \"MyProject>Attention\"}`.",
    remediation: "Review and pin the package that provides the custom objects, or pass \
them explicitly through `custom_objects` from reviewed code.",
    controls: &[LLM03, ML06, ATLAS_T0010_003, ATLAS_M0014, NIST_MEASURE_2_7],
};
