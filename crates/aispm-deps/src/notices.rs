//! The report's notices on the advisory data behind the judgments: which data served
//! each ecosystem the scan met (info), and warnings when that data is older than
//! [`db::STALE_AFTER_DAYS`] or absent.

use crate::FileRecord;
use crate::db::{self, Advisories};
use crate::osv::Ecosystem;
use aispm_core::{AnalysisContext, Notice, NoticeLevel};

/// Notices for the ecosystems the dependencies of `files` belong to, judged as on
/// `today` (`YYYY-MM-DD`; the system clock when `None`).
pub(crate) fn advisory_data(
    advisories: &Advisories,
    today: Option<&str>,
    files: &[FileRecord],
    cx: &mut AnalysisContext,
) {
    let seen: Vec<Ecosystem> = Ecosystem::ALL
        .into_iter()
        .filter(|e| {
            files
                .iter()
                .any(|f| f.deps.iter().any(|d| d.ecosystem == *e))
        })
        .collect();
    if seen.is_empty() {
        return;
    }
    let today = today.map_or_else(db::today, str::to_string);
    let data: Vec<db::EcosystemData> = seen
        .iter()
        .map(|e| advisories.data_for(*e, &today))
        .collect();
    let mut facts = serde_json::Map::new();
    for e in &data {
        let v = match &e.source {
            Some(s) => serde_json::json!({
                "source": s.description,
                "bundled": s.bundled,
                "date": s.date,
                "age_days": s.age_days,
                "advisories": s.advisories,
            }),
            None => serde_json::Value::Null,
        };
        facts.insert(e.ecosystem.as_str().to_string(), v);
    }
    let lines: Vec<String> = data
        .iter()
        .map(|e| match &e.source {
            Some(s) => format!("{}: {}", e.ecosystem.as_str(), s.description),
            None => format!("{}: {}", e.ecosystem.as_str(), e.summary()),
        })
        .collect();
    cx.notice(
        Notice::new(
            "advisory-data",
            NoticeLevel::Info,
            format!("dependencies were matched against {}", lines.join("; ")),
        )
        .with_data("ecosystems", serde_json::Value::Object(facts))
        .with_data("today", today.clone()),
    );
    let stale: Vec<&db::EcosystemData> = data
        .iter()
        .filter(|e| e.source.as_ref().is_some_and(db::DataSource::is_stale))
        .collect();
    if !stale.is_empty() {
        let what: Vec<String> = stale
            .iter()
            .map(|e| format!("{} {}", e.ecosystem.as_str(), e.summary()))
            .collect();
        cx.notice(
            Notice::new(
                "advisory-data-stale",
                NoticeLevel::Warning,
                format!(
                    "advisory data older than {} days: {}; advisories published since are not matched; {}",
                    db::STALE_AFTER_DAYS,
                    what.join("; "),
                    db::IMPORT_HINT
                ),
            )
            .with_data(
                "ecosystems",
                stale.iter().map(|e| e.ecosystem.as_str()).collect::<Vec<_>>(),
            ),
        );
    }
    let missing: Vec<&str> = data
        .iter()
        .filter(|e| e.source.is_none())
        .map(|e| e.ecosystem.as_str())
        .collect();
    if !missing.is_empty() {
        cx.notice(
            Notice::new(
                "advisory-data-missing",
                NoticeLevel::Warning,
                format!(
                    "{} dependencies were not checked for known vulnerabilities (no advisory data); {}",
                    missing.join(" and "),
                    db::IMPORT_HINT
                ),
            )
            .with_data("ecosystems", missing.clone()),
        );
    }
}
