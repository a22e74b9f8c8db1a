//! MDL024: its check is a row of the object-reference table (`object_references.rs`),
//! shared with MDL022 and MDL023.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL024: a Keras config uses a Keras feature that loads code or data unsafely.
pub static RULE: Rule = Rule {
    id: "MDL024",
    name: "keras-unsafe-gadget",
    title: "Keras config uses a Keras object that loads code or files unsafely",
    category: Category::Model,
    severity: Severity::High,
    what: "Reports references to Keras objects that turn deserialisation into file \
access, download or unpickling: `TorchModuleWrapper` (stores a pickled PyTorch module, \
CVE-2025-49655), `get_file` (downloads a URL to disk, CVE-2025-8747), \
`enable_unsafe_deserialization` (turns safe mode off, CVE-2025-9906) and nested \
`load_model`/`load_weights` calls.",
    why: "These objects are part of Keras, so a module allow-list passes them, yet loading \
the model through them unpickles attacker data, fetches remote files or disables the \
protections the loader relies on.",
    example: "A layer `{\"module\": \"keras.layers\", \"class_name\": \
\"TorchModuleWrapper\", \"config\": {\"module\": \"gANjdG9yY2g...\"}}`.",
    remediation: "Do not load the model unless its origin is trusted; re-export it without \
the wrapper or download step.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0011_000,
        ATLAS_T0018_002,
        ATLAS_M0011,
        NIST_MEASURE_2_7,
    ],
};
