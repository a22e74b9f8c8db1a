//! `CODE003`. Its check is the SQL sink of `llm_output_sinks.rs`, the one matcher of
//! the sinks of model output (`CODE001`–`CODE006`).

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// CODE003: Model output is executed as SQL.
pub static RULE: Rule = Rule {
    id: "CODE003",
    name: "llm-output-to-sql",
    title: "Model output is executed as SQL",
    category: Category::Code,
    severity: Severity::High,
    what: "Reports model output executed as a query or interpolated into a query string: Python `execute`, `executemany`, `executescript`, `exec_driver_sql`, `raw`, `read_sql*`; JavaScript `query`, `execute`, `raw`, `prepare`, `unsafe`, Prisma `$queryRawUnsafe`/`$executeRawUnsafe`. Parameterised queries, where the model output is only a bound parameter, are not reported.",
    why: "Text-to-SQL without a boundary gives anyone who can influence the prompt (a user, a document, a row in the database itself) the database user's full rights: reading other tenants' data, modifying or dropping tables.",
    example: "`where = ask(...)` then `db.execute(f\"SELECT * FROM orders WHERE {where}\")`.",
    remediation: "Run generated SQL only on a read-only connection with row-level security and a statement allow-list (SELECT on named views), or have the model fill parameters of fixed queries that are bound, not interpolated.",
    controls: &[
        LLM05,
        LLM06,
        ATLAS_T0051,
        NIST_MEASURE_2_7,
        EU_ART_15,
        ISO_A_6_2_6,
    ],
};
