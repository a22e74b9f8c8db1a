//! `SEC006` is checked by the family table (`family_table.rs`): every detection of a
//! detector of the `DataPlatform` family is reported under this rule.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// SEC006: a data-platform credential or a database password is hard-coded.
pub static RULE: Rule = Rule {
    id: "SEC006",
    name: "data-platform-credential",
    title: "Data platform credential or database password hard-coded",
    category: Category::Secret,
    severity: Severity::High,
    what: "Reports Databricks personal access tokens and OAuth secrets, Snowflake passwords \
and tokens assigned near a Snowflake connection, and database connection strings \
(`postgres://user:password@host`, MongoDB, MySQL, Redis, AMQP, JDBC, ...) that carry a \
password, also as `Password=`/`Pwd=` in an ODBC or ADO.NET `key=value;` string. Placeholders (`user:password@`), variables and a password equal to the user \
name are not reported; a local host lowers the severity.",
    why: "Training sets, feature stores, RAG corpora and inference logs live on these \
platforms; a password there reads (and often writes) the data the models learn and \
answer from, including personal data.",
    example: "`DATABASE_URL=postgres://app:…@db.internal:5432/rag`; \
`DATABRICKS_TOKEN: dapi…` in a job definition.",
    remediation: "Change the password or revoke the token, connect with short-lived \
credentials (IAM database authentication, OAuth, key-pair authentication for Snowflake) \
or a secret manager, and check the platform's access history.",
    controls: &[
        LLM02,
        LLM04,
        ATLAS_T0055,
        ATLAS_M0005,
        NIST_MEASURE_2_7,
        NIST_MEASURE_2_10,
        EU_ART_10,
        EU_ART_15,
        ISO_A_7_4,
        GDPR_ART_32,
    ],
};
