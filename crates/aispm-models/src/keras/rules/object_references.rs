//! What a Keras config makes the loader import, as findings: one table for the three
//! rules that judge the same reference (a serialised object's `module`,
//! `registered_name` and class, or a Keras 2 Lambda's named function), first match
//! wins. A callable of a dangerous module or a dangerous builtin
//! ([`crate::keras::config::is_dangerous_reference`]) is
//! [`mdl022_dangerous_module_reference`]; a Keras object that loads code or files when
//! deserialised is [`mdl024_unsafe_keras_gadget`]; anything from outside Keras and
//! TensorFlow is [`mdl023_custom_object`].

use super::{mdl022_dangerous_module_reference, mdl023_custom_object, mdl024_unsafe_keras_gadget};
use crate::keras::config::{
    FunctionRef, Issue, ObjectRef, is_dangerous_reference, is_keras_module,
};

/// Keras objects that load files, download or unpickle when deserialised.
const GADGETS: &[&str] = &[
    "TorchModuleWrapper",
    "get_file",
    "enable_unsafe_deserialization",
    "load_model",
    "load_weights",
];

/// The finding for one serialised object of the config, if any.
pub(crate) fn check_object(o: &ObjectRef<'_>) -> Option<Issue> {
    let (at, module, name, registered) = (o.at, o.module, o.name, o.registered);
    for (m, n) in o.refs {
        if is_dangerous_reference(m, n) {
            return Some(Issue {
                rule: &mdl022_dangerous_module_reference::RULE,
                message: format!(
                    "{at} makes Keras import `{m}` and call `{n}` while loading the model"
                ),
                evidence: format!("module: {m}, class_name: {n}"),
            });
        }
    }
    if GADGETS.contains(&name)
        || GADGETS
            .iter()
            .any(|g| registered.ends_with(&format!(">{g}")))
    {
        return Some(Issue {
            rule: &mdl024_unsafe_keras_gadget::RULE,
            message: format!(
                "{at} uses the Keras object {name}, which loads code or files when deserialised"
            ),
            evidence: format!("class_name: {name}"),
        });
    }
    if !module.is_empty() && !is_keras_module(module) {
        return Some(Issue {
            rule: &mdl023_custom_object::RULE,
            message: format!("{at} needs `{module}.{name}`, code from outside Keras, to load"),
            evidence: format!("module: {module}, class_name: {name}"),
        });
    }
    None
}

/// The finding for the function a Keras 2 Lambda names (by `module` and name), if any.
pub(crate) fn check_function(f: &FunctionRef<'_>) -> Option<Issue> {
    let (layer, module, s) = (f.layer, f.module, f.function);
    if is_dangerous_reference(module, s) || is_dangerous_reference(s, "") {
        Some(Issue {
            rule: &mdl022_dangerous_module_reference::RULE,
            message: format!("Lambda layer `{layer}` calls `{module}.{s}`"),
            evidence: format!("module: {module}, function: {s}"),
        })
    } else if !module.is_empty() && !is_keras_module(module) {
        Some(Issue {
            rule: &mdl023_custom_object::RULE,
            message: format!(
                "Lambda layer `{layer}` calls the function `{module}.{s}` from outside Keras"
            ),
            evidence: format!("module: {module}, function: {s}"),
        })
    } else {
        None
    }
}
