//! The finding every dependency rule starts from: the package, its ecosystem and
//! requirement as written, the line, and the AI category when it has one.

use crate::ai;
use crate::manifest::{Dependency, Requirement};
use crate::osv::Ecosystem;
use aispm_core::{RawFinding, Rule};

/// A requirement as a user would write it: `torch==1.12.0`, `openai@^4.0`, `transformers`.
pub(crate) fn pkg_display(d: &Dependency) -> String {
    let req = d.requirement.display();
    if req.is_empty() || req.starts_with('@') {
        format!("{}{}{}", d.name, if req.is_empty() { "" } else { " " }, req)
    } else if d.ecosystem == Ecosystem::Npm {
        match &d.requirement {
            Requirement::Exact(v) => format!("{}@{v}", d.name),
            _ => format!("{}@{req}", d.name),
        }
    } else {
        format!("{}{req}", d.name)
    }
}

/// Common finding properties for a dependency.
pub(crate) fn dep_finding(
    rule: &'static Rule,
    path: &str,
    d: &Dependency,
    message: String,
) -> RawFinding {
    let mut f = RawFinding::new(rule, path, message)
        .property("package", d.normalized.clone())
        .property("ecosystem", d.ecosystem.as_str())
        .property("requirement", pkg_display(d));
    if let Some(line) = d.line {
        f = f.line(line);
    }
    if let Some(c) = ai::category(d.ecosystem, &d.normalized) {
        f = f.property("ai_category", c);
    }
    if let Some(c) = &d.conda_name {
        f = f.property("conda_package", c.clone());
    }
    f
}
