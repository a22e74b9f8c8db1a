//! The `ai-dependency` asset of an AI package a manifest declares or a lock file
//! resolves.

use crate::manifest::{Dependency, ManifestKind, Requirement, Role};
use crate::osv::Ecosystem;
use aispm_core::{Asset, AssetKind};

/// The asset of `d`, an AI package of `category`, found in `path`.
pub(crate) fn ai_asset(path: &str, kind: ManifestKind, d: &Dependency, category: &str) -> Asset {
    let version = match &d.requirement {
        Requirement::Exact(v) => Some(v.clone()),
        _ => None,
    };
    let id_name = format!(
        "{}:{}@{}#{}",
        d.ecosystem.as_str(),
        d.normalized,
        d.requirement.display(),
        d.group.as_deref().unwrap_or("")
    );
    let mut a = Asset::new(AssetKind::AiDependency, path, &id_name, kind.as_str())
        .with_property("name", d.name.clone())
        .with_property("package", d.normalized.clone())
        .with_property("ecosystem", d.ecosystem.as_str())
        .with_property("ai_category", category)
        .with_property("requirement", d.requirement.display())
        .with_property("pinned", d.requirement.is_pinned())
        .with_property(
            "role",
            match d.role {
                Role::Declared => "declared",
                Role::Constraint => "constraint",
                Role::Locked => "locked",
            },
        );
    a.line = d.line;
    let purl_name = match d.ecosystem {
        Ecosystem::Npm => d.normalized.replace('@', "%40"),
        Ecosystem::PyPI => d.normalized.clone(),
    };
    match &version {
        Some(v) => {
            a.set("version", v.clone());
            a.set(
                "purl",
                format!("pkg:{}/{purl_name}@{v}", d.ecosystem.purl_type()),
            );
        }
        None => a.set(
            "purl",
            format!("pkg:{}/{purl_name}", d.ecosystem.purl_type()),
        ),
    }
    if let Some(g) = &d.group {
        a.set("group", g.clone());
    }
    if let Some(direct) = d.direct {
        a.set("direct", direct);
    }
    if let Some(c) = &d.conda_name {
        a.set("conda_package", c.clone());
    }
    a
}
