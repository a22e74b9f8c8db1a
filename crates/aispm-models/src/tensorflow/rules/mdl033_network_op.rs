//! MDL033: its check is a row of the dangerous-operator table (`dangerous_ops.rs`),
//! shared with MDL030, MDL031 and MDL032.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL033: a TensorFlow graph talks to the network.
pub static RULE: Rule = Rule {
    id: "MDL033",
    name: "tf-network-op",
    title: "TensorFlow graph opens network connections",
    category: Category::Model,
    severity: Severity::High,
    what: "Reports operators that connect to other hosts when the graph runs: RPC ops \
(`Rpc`, `TryRpc`, `RpcClient`, ...), debug ops that stream tensors to `debug_urls`, \
cloud-storage credential and BigQuery ops and the tf.data service client.",
    why: "A model that sends its inputs, or anything it can read, to a remote endpoint \
exfiltrates data from every deployment that serves it.",
    example: "A node `op: \"Rpc\"` with `address: \"attacker.example:443\"`.",
    remediation: "Do not serve the model until the remote endpoint is explained; rebuild \
inference graphs without network operators.",
    controls: &[
        LLM02,
        LLM03,
        ML06,
        ATLAS_T0018_002,
        ATLAS_T0024,
        NIST_MEASURE_2_7,
    ],
};
