//! MDL031: operators that read host files are a row of the dangerous-operator table
//! (`dangerous_ops.rs`, shared with MDL030, MDL032 and MDL033); asset files that lie
//! outside the SavedModel are checked here.

use crate::onnx::rules::mdl035_external_data_escape::lexical_escape;
use crate::tensorflow::GraphFacts;
use aispm_core::RawFinding;
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

/// Every asset file name of the meta graphs that leaves the SavedModel's `assets/`
/// folder (an absolute path, a URL, `..` climbing out), judged from its text as ONNX
/// external data is (MDL035).
pub(crate) fn check_assets(path: &str, facts: &GraphFacts, out: &mut Vec<RawFinding>) {
    for asset in &facts.assets {
        if let Some(why) = lexical_escape(asset) {
            out.push(
                RawFinding::new(
                    &RULE,
                    path,
                    format!(
                        "asset `{asset}` is {why}: loading the SavedModel reads a file outside its assets folder"
                    ),
                )
                .evidence(format!("asset filename: {asset}"))
                .key(asset.clone()),
            );
        }
    }
}
