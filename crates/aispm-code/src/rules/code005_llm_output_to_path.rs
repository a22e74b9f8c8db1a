//! `CODE005`. Its check is the file-path sink of `llm_output_sinks.rs`, the one matcher
//! of the sinks of model output (`CODE001`–`CODE006`).

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// CODE005: Model output chooses a file path.
pub static RULE: Rule = Rule {
    id: "CODE005",
    name: "llm-output-to-file-path",
    title: "Model output chooses a file path",
    category: Category::Code,
    severity: Severity::Medium,
    what: "Reports model output used as a file system path: Python `open`, `os.remove`, `os.unlink`, `os.rmdir`, `shutil.rmtree`, `shutil.move`, `shutil.copy*`, `send_file`; JavaScript `fs` reads, writes and deletions (sync, callback and promise forms).",
    why: "A path chosen by the model can read secrets (`~/.ssh`, `.env`), overwrite code or delete data (path traversal driven by prompt injection).",
    example: "`open(ask(\"Which file should I update?\"), \"w\")`.",
    remediation: "Resolve model-chosen names against a fixed base folder, reject `..` and absolute paths after normalisation, and allow only the file types the feature needs.",
    controls: &[LLM05, LLM06, ATLAS_T0051, NIST_MEASURE_2_7, EU_ART_15],
};
