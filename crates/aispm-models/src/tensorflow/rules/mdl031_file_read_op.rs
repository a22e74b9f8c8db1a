use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL031: a TensorFlow graph reads or lists files.
pub static RULE: Rule = Rule {
    id: "MDL031",
    name: "tf-file-read-op",
    title: "TensorFlow graph reads files from the host",
    category: Category::Model,
    severity: Severity::High,
    what: "Reports operators that read or list files of the machine that runs the graph: \
`ReadFile`, `MatchingFiles`, the file readers (`WholeFileReader`, `TextLineReader`, \
`TFRecordReader`, ...), file-backed datasets, `ImmutableConst` (maps a file into memory) \
and table initialisers fed from text files. Also reports asset files (`AssetFileDef`) \
whose name climbs out of the SavedModel's `assets/` folder or is absolute. The standard \
checkpoint ops (`SaveV2`, `RestoreV2`, `MergeV2Checkpoints`, ...) are not reported.",
    why: "A served model that reads `/etc/passwd`, credentials or other models into a \
tensor can return their content through its outputs: the graph itself is the \
exfiltration path.",
    example: "`Const(\"/etc/passwd\") -> ReadFile -> Identity(output)` in a signature.",
    remediation: "Do not serve the model until the file access is explained. Inference \
graphs need no file access beyond their own variables and assets.",
    controls: &[
        LLM02,
        LLM03,
        ML06,
        ATLAS_T0011_000,
        ATLAS_T0018_002,
        NIST_MEASURE_2_7,
        EU_ART_15,
    ],
};
