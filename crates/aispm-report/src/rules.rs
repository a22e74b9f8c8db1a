//! `aispm rules`: the rule catalogue as a table or as a JSON array of [`RuleInfo`].

use crate::table::{new_table, severity_cell};
use crate::text::count;
use crate::{Format, write_json};
use aispm_core::{Framework, Rule, RuleInfo, RuleRegistry};
use comfy_table::Cell;
use std::io::{self, Write};

/// Writes the rule catalogue to `out`.
///
/// `table` lists ID, category, severity, title and the mapped framework controls in
/// short form; `json` is an array of [`RuleInfo`] ordered by ID. `sarif` describes
/// scan results, not a catalogue, and is refused with [`io::ErrorKind::InvalidInput`].
pub fn render_rules(
    rules: &RuleRegistry,
    format: Format,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => write_table(rules, color, out),
        Format::Json => {
            let infos: Vec<RuleInfo> = rules.iter().map(RuleInfo::from).collect();
            write_json(&infos, out)
        }
        Format::Sarif => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the rule list has no SARIF form: use --format table or --format json",
        )),
    }
}

fn write_table(rules: &RuleRegistry, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let mut t = new_table(
        color,
        &["ID", "Category", "Severity", "Title", "Frameworks"],
    );
    for rule in rules.iter() {
        t.add_row(vec![
            Cell::new(rule.id),
            Cell::new(rule.category.as_str()),
            severity_cell(color, rule.severity, rule.severity.as_str()),
            Cell::new(rule.title),
            Cell::new(short_controls(rule)),
        ]);
    }
    writeln!(out, "{t}")?;
    writeln!(out, "{}", count(rules.len() as u64, "rule"))
}

/// Controls in the short form people quote: `LLM03, ML06, AML.T0010.003, NIST MEASURE 2.7`.
pub(crate) fn short_controls(rule: &Rule) -> String {
    rule.controls
        .iter()
        .map(|c| short_control(c.framework, c.id))
        .collect::<Vec<_>>()
        .join(", ")
}

fn short_control(framework: Framework, id: &str) -> String {
    match framework {
        // The year is implied by the framework edition: `LLM03:2025` → `LLM03`.
        Framework::OwaspLlm2025 | Framework::OwaspMl2023 => {
            id.split(':').next().unwrap_or(id).to_string()
        }
        Framework::MitreAtlas => id.to_string(),
        Framework::NistAiRmf => format!("NIST {id}"),
        Framework::EuAiAct => format!("EU AI Act {id}"),
        Framework::Iso42001 => format!("ISO 42001 {id}"),
        Framework::Gdpr => format!("GDPR {id}"),
        Framework::Hipaa => format!("HIPAA {}", id.trim_start_matches("45 CFR ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_shortened() {
        assert_eq!(
            short_control(Framework::OwaspLlm2025, "LLM03:2025"),
            "LLM03"
        );
        assert_eq!(short_control(Framework::OwaspMl2023, "ML06:2023"), "ML06");
        assert_eq!(
            short_control(Framework::MitreAtlas, "AML.T0010.003"),
            "AML.T0010.003"
        );
        assert_eq!(
            short_control(Framework::Hipaa, "45 CFR 164.312"),
            "HIPAA 164.312"
        );
        assert_eq!(
            short_control(Framework::EuAiAct, "Art. 15"),
            "EU AI Act Art. 15"
        );
    }
}
