//! MDL022: its check is a row of the object-reference table (`object_references.rs`),
//! shared with MDL023 and MDL024.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL022: a Keras config resolves an object from a dangerous module.
pub static RULE: Rule = Rule {
    id: "MDL022",
    name: "keras-dangerous-module-reference",
    title: "Keras config references a dangerous Python module or function",
    category: Category::Model,
    severity: Severity::Critical,
    what: "Reports serialised Keras objects (layers, activations, losses, initialisers, \
functions, nested models) whose `module`, `class_name`, `registered_name` or function \
name resolves to a dangerous callable: `os.system`, `subprocess.*`, `builtins.eval`, \
`builtins.exec`, `socket.*`, `importlib.*` and the like.",
    why: "Keras imports the named module and calls the named object with the layer's \
config while it deserialises the model (CVE-2025-1550). A `module` of `os` and \
`class_name` of `system` runs a shell command on load, with no Lambda layer needed.",
    example: "`{\"module\": \"os\", \"class_name\": \"system\", \"config\": \
{\"command\": \"curl ... | sh\"}}` among a model's layers.",
    remediation: "Do not load the model. Upgrade Keras (3.9 or later restricts module \
resolution), load with `safe_mode=True`, and obtain the model from a trusted source.",
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
