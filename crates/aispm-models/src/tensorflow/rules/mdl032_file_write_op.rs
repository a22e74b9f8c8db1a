//! MDL032: its check is a row of the dangerous-operator table (`dangerous_ops.rs`),
//! shared with MDL030, MDL031 and MDL033.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL032: a TensorFlow graph writes files.
pub static RULE: Rule = Rule {
    id: "MDL032",
    name: "tf-file-write-op",
    title: "TensorFlow graph writes files on the host",
    category: Category::Model,
    severity: Severity::Critical,
    what: "Reports operators that write files outside the checkpoint mechanism: \
`WriteFile`, dataset writers (`DatasetToTFRecord`, `SaveDataset`), summary writers and \
file-system configuration. The standard checkpoint ops (`SaveV2`, `MergeV2Checkpoints`, \
...) are not reported.",
    why: "Running the graph writes attacker-chosen bytes to an attacker-chosen path: a \
shell profile, a cron entry, a Python module on the import path. That is code execution \
one step removed.",
    example: "`Const(\"/tmp/x.sh\"), Const(\"curl ... | sh\") -> WriteFile`.",
    remediation: "Do not serve the model. Inference graphs do not need to write files; \
rebuild the model without the writing operator.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0011_000,
        ATLAS_T0018_002,
        NIST_MEASURE_2_7,
        EU_ART_15,
    ],
};
