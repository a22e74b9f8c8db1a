use crate::keras::config::{Issue, Lambda};
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL021: a Keras model carries Python bytecode in a Lambda layer.
pub static RULE: Rule = Rule {
    id: "MDL021",
    name: "keras-lambda-layer",
    title: "Keras Lambda layer carries marshalled Python bytecode",
    category: Category::Model,
    severity: Severity::High,
    what: "Reports Lambda layers and other serialised lambdas whose Python bytecode is \
stored in the model (Keras 3 `__lambda__` objects, Keras 2 `[code, defaults, closure]` \
lists), when the bytecode's tables name nothing known to be dangerous.",
    why: "The bytecode becomes a Python function when the model is loaded with \
`safe_mode=False` or from HDF5. Even harmless-looking bytecode is arbitrary code: a \
static reader cannot prove what it does, and a tampered model only needs to change it.",
    example: "A `Lambda` layer computing `x * 2`, stored as a base64 code object.",
    remediation: "Replace Lambda layers with registered custom layers whose code lives in \
a reviewed package, and keep `safe_mode=True` when loading.",
    controls: &[LLM03, ML06, ATLAS_T0011_000, ATLAS_M0011, NIST_MEASURE_2_7],
};

/// A lambda that names nothing dangerous: still code that runs when the model is
/// loaded or called.
pub(crate) fn check(l: &Lambda<'_>) -> Option<Issue> {
    if !l.names.is_empty() {
        return None;
    }
    let (what, layer, form, size) = (l.what, l.layer, l.form, l.size);
    Some(Issue {
        rule: &RULE,
        message: format!(
            "{what} `{layer}` carries {size} bytes of Python {form} that runs when the model is loaded or called"
        ),
        evidence: format!("layer: {layer}, {form}: {size} bytes"),
    })
}
