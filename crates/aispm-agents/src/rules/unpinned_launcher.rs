//! One matcher, two rules: the package a server's launcher fetches from a registry
//! ([`crate::mcp::launchers::package_of`]) without an exact version. Python launchers
//! (`uvx`, `uv tool run`, `pipx run`) are `MCP002` ([`mcp002_unpinned_uvx::RULE`]),
//! the npm ones (`npx`, `bunx`, `pnpx`, `pnpm`/`yarn dlx`, `npm exec`) `MCP001`
//! ([`mcp001_unpinned_npx::RULE`]).

use super::{mcp001_unpinned_npx, mcp002_unpinned_uvx};
use crate::mcp::ServerView;
use crate::text::preview;
use aispm_core::AnalysisContext;

/// Reports a server whose launcher runs a package with no exact version, on the
/// package argument's line.
pub(crate) fn check(view: &ServerView, cx: &mut AnalysisContext) {
    let Some(p) = view.package.filter(|p| !p.pinned) else {
        return;
    };
    let (rule, what) = if matches!(p.launcher, "uvx" | "pipx") {
        (&mcp002_unpinned_uvx::RULE, p.launcher)
    } else {
        (&mcp001_unpinned_npx::RULE, p.launcher)
    };
    let version = match &p.version {
        Some(v) => format!("`{}` is not an exact version", preview(v, 40)),
        None => "no version".to_string(),
    };
    cx.report(
        view.finding(
            rule,
            p.line,
            format!(
                "MCP server `{}` runs `{}` through {what} with {version}: whatever the registry serves next is run",
                view.name(),
                preview(&p.name, 80)
            ),
        )
        .evidence(match &p.version {
            Some(v) => format!("{what} {}@{}", preview(&p.name, 80), preview(v, 40)),
            None => format!("{what} {}", preview(&p.name, 80)),
        })
        .key(format!("{}:{}:{}", view.server.name, p.launcher, p.name))
        .property("package", p.name.clone()),
    );
}
