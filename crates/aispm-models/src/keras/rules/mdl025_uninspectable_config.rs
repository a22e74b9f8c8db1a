use crate::keras::{MAX_CONTAINERS, NotChecked};
use aispm_core::RawFinding;
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL025: a Keras model's config could not be inspected.
pub static RULE: Rule = Rule {
    id: "MDL025",
    name: "keras-uninspectable-config",
    title: "Keras model config is malformed or too large to inspect",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Reports Keras models whose `config.json` or HDF5 `model_config` is not valid \
JSON, nests deeper than any real model, or exceeds the size the scanner reads, so its \
layers were not checked for Lambda bytecode or dangerous module references.",
    why: "The config is where Keras models carry code. A config that a scanner cannot \
read but a lenient loader might is a way to hide a payload.",
    example: "A `config.json` of 200 MiB, or one truncated in the middle of a layer.",
    remediation: "Obtain the model again from a trusted source and verify its checksum; \
do not load models whose config fails to parse.",
    controls: &[LLM03, ML06, ATLAS_T0010_003, ATLAS_M0014, NIST_MEASURE_2_7],
};

/// The finding for a config (or layer metadata) that was not checked, and why.
pub(crate) fn check(path: &str, why: &NotChecked<'_>) -> RawFinding {
    let (message, evidence) = match why {
        NotChecked::Containers { origin, containers } => (
            format!(
                "{origin} holds {containers} JSON objects and arrays, more than the {MAX_CONTAINERS} the scanner parses"
            ),
            format!("{origin}: {containers} containers"),
        ),
        NotChecked::ParseCost { origin, cost } => (
            format!(
                "{origin} would take about {} MiB to parse, more than the {} MiB the scanner allows",
                cost >> 20,
                crate::json::MAX_PARSED_BYTES >> 20
            ),
            format!("{origin}: {} MiB parsed", cost >> 20),
        ),
        NotChecked::NotJson { origin, error } => (
            format!("{origin} is not valid JSON ({error}); its layers were not checked"),
            format!("{origin}: {error}"),
        ),
        NotChecked::WalkTruncated { origin } => (
            format!("{origin} has more objects than the scanner walks"),
            origin.to_string(),
        ),
        NotChecked::NotRead { limit } => (
            format!("config.json was not checked: {limit}"),
            limit.to_string(),
        ),
        NotChecked::MalformedMetadata { error } => (
            format!("keras_metadata.pb is malformed and was not fully checked: {error}"),
            error.to_string(),
        ),
    };
    RawFinding::new(&RULE, path, message).evidence(evidence)
}
