//! `CODE002`. Its check is the shell sink of `llm_output_sinks.rs`, the one matcher of
//! the sinks of model output (`CODE001`–`CODE006`).

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// CODE002: Model output reaches a shell command.
pub static RULE: Rule = Rule {
    id: "CODE002",
    name: "llm-output-to-shell",
    title: "Model output reaches a shell command",
    category: Category::Code,
    severity: Severity::Critical,
    what: "Reports model output passed to a command sink: Python `os.system`, `os.popen`, `subprocess.*` with `shell=True` or a tainted program, `subprocess.getoutput`, `asyncio.create_subprocess_shell`, `pexpect`; JavaScript `child_process` `exec`, `execSync`, `spawn` and `execFile` of a tainted command, `execa` commands. A fixed argument vector with a constant program is not reported.",
    why: "A shell interprets metacharacters, so any prompt injection that shapes the model's reply runs commands on the host: exfiltration of credentials, persistence, lateral movement.",
    example: "`cmd = ask(f\"Give a bash command to {goal}\")` then `subprocess.run(cmd, shell=True)`.",
    remediation: "Do not let a model compose commands. Map the model's choice onto a fixed allow-list of commands with validated arguments, pass argument vectors without a shell, and require human approval for anything destructive.",
    controls: &[
        LLM05,
        LLM06,
        ATLAS_T0051,
        ATLAS_T0053,
        ATLAS_M0029,
        NIST_MEASURE_2_7,
        EU_ART_15,
        ISO_A_6_2_6,
    ],
};
