//! `CODE010`: `torch.load` without `weights_only=True`, one level lower in a module
//! that writes its own checkpoints.

use super::Weighing;
use crate::flow::{Call, Walker};
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// CODE010: `torch.load` may unpickle arbitrary objects.
pub static RULE: Rule = Rule {
    id: "CODE010",
    name: "torch-load-without-weights-only",
    title: "`torch.load` may unpickle arbitrary objects",
    category: Category::Code,
    severity: Severity::High,
    what: "Reports `torch.load` called with `weights_only=False` (high) or without `weights_only` (medium: PyTorch before 2.6 defaults to a full unpickler, and the call does whatever the installed version does). A module that also writes checkpoints with `torch.save` reads back its own files: one level lower (low without `weights_only`, medium with `False`). `weights_only=True` and safetensors loaders are not reported. Low in tests (the project's own fixtures).",
    why: "A PyTorch checkpoint is a pickle: loading it with the full unpickler runs any code its author embedded, and checkpoints are downloaded from hubs, shared buckets and colleagues.",
    example: "`torch.load(path, map_location=\"cpu\", weights_only=False)`.",
    remediation: "Pass `weights_only=True`, or better store and load weights as safetensors; scan third-party checkpoints with `aispm scan` before loading them.",
    controls: &[
        LLM03,
        LLM04,
        ML06,
        ATLAS_T0011_000,
        ATLAS_T0018_002,
        ATLAS_M0011,
        NIST_MANAGE_3_2,
        EU_ART_15,
    ],
};

/// Low in tests, which load the project's own fixtures.
pub(crate) const WEIGHING: Weighing = Weighing::LowInTests;

/// `torch.load(…)`.
pub(crate) fn check<'s>(w: &mut Walker<'s>, call: &Call<'s>) {
    if call.resolved != "torch.load" {
        return;
    }
    // A module that writes checkpoints with `torch.save` and reads them back loads
    // its own files: an attacker needs write access to them first.
    let own = w.module_calls("torch.save");
    let note = if own {
        " (checkpoints this module writes itself with `torch.save`)"
    } else {
        ""
    };
    match call.kwarg("weights_only") {
        None => w.hit(
            &RULE,
            call.node,
            format!(
                "`torch.load` without `weights_only=True` (a full unpickler before PyTorch 2.6){note}"
            ),
            Some(if own { Severity::Low } else { Severity::Medium }),
        ),
        Some(v) if w.is_literal_false(v) => w.hit(
            &RULE,
            call.node,
            format!("`torch.load` with `weights_only=False` unpickles arbitrary objects{note}"),
            own.then_some(Severity::Medium),
        ),
        _ => {}
    }
}
