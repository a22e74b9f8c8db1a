use crate::keras::config::{Issue, Lambda};
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL020: a Keras Lambda layer's bytecode reaches for the operating system.
pub static RULE: Rule = Rule {
    id: "MDL020",
    name: "keras-lambda-dangerous-code",
    title: "Keras Lambda layer bytecode calls dangerous functions",
    category: Category::Model,
    severity: Severity::Critical,
    what: "Reports Lambda layers (Keras 3 `__lambda__` objects in `config.json`, Keras 2 \
`function: [code, defaults, closure]` in an HDF5 `model_config` or SavedModel metadata) \
whose marshalled Python bytecode names dangerous functions or modules in its constant and \
name tables: `os`, `system`, `subprocess`, `eval`, `exec`, `open`, `socket`, \
`__import__` and the like. The bytecode is read as bytes, never unmarshalled.",
    why: "Keras rebuilds a Lambda layer by unmarshalling its bytecode into a Python function \
(CVE-2024-3660; `safe_mode` is ignored for HDF5 files, CVE-2025-9905). Names such as \
`os.system` or `exec` in that code mean loading or calling the model runs commands \
chosen by whoever saved it.",
    example: "`{\"class_name\": \"Lambda\", \"config\": {\"function\": {\"class_name\": \
\"__lambda__\", \"config\": {\"code\": \"4wEAAA...\"}}}}` whose names are `__import__`, \
`system` and whose constants include `os`.",
    remediation: "Do not load the model. Rebuild it without Lambda layers (a registered \
custom layer whose code lives in your own reviewed package), and load Keras models with \
`safe_mode=True`.",
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

/// A lambda whose bytecode (or source) names dangerous functions or modules.
pub(crate) fn check(l: &Lambda<'_>) -> Option<Issue> {
    if l.names.is_empty() {
        return None;
    }
    let (what, layer, form) = (l.what, l.layer, l.form);
    let list = l.names.join(", ");
    Some(Issue {
        rule: &RULE,
        message: format!(
            "{what} `{layer}` carries Python {form} naming {list}: loading or calling the model runs it"
        ),
        evidence: format!("layer: {layer}, names: {list}"),
    })
}
