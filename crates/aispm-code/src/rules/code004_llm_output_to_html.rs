//! `CODE004`. Its check is the HTML sink of `llm_output_sinks.rs`, the one matcher of
//! the sinks of model output (`CODE001`–`CODE006`): HTML calls in Python and
//! JavaScript, `innerHTML`/`outerHTML` assignments, and `dangerouslySetInnerHTML` as a
//! JSX attribute or an object property.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// CODE004: Model output is rendered as HTML.
pub static RULE: Rule = Rule {
    id: "CODE004",
    name: "llm-output-to-html",
    title: "Model output is rendered as HTML",
    category: Category::Code,
    severity: Severity::High,
    what: "Reports model output written as markup: `innerHTML`/`outerHTML` assignments, `insertAdjacentHTML`, `document.write`, jQuery `.html()`, React `dangerouslySetInnerHTML`, and in Python `Markup`, `mark_safe`, `st.markdown(..., unsafe_allow_html=True)`, `st.html`, `HTMLResponse`. `textContent`, React text children and output passed through `DOMPurify.sanitize`, `sanitize-html` or an escaping function are not reported.",
    why: "Markdown and HTML in model replies are attacker-controlled through prompt injection: a script or an image URL carrying the conversation exfiltrates data from the user's session (cross-site scripting).",
    example: "`document.getElementById(\"answer\").innerHTML = r.choices[0].message.content`.",
    remediation: "Render model output as text, or sanitise it with a maintained HTML sanitiser configured to drop scripts, event handlers and external resources; set a Content-Security-Policy that forbids inline scripts and untrusted image hosts.",
    controls: &[
        LLM05,
        LLM02,
        ATLAS_T0051,
        ATLAS_T0057,
        NIST_MEASURE_2_7,
        EU_ART_15,
    ],
};
