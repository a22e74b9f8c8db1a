//! The inventory rolled up for people: assets grouped by kind and by what they are
//! (the SDK, the model, the package, the server, the agent framework; the format of a
//! data or model file), with how many there are and where, largest group first. A
//! repository that imports `openai` in 120 files has one `openai` row, not 120, and
//! one whose examples build 300 agents with agno has one `agno` row with their names,
//! models and how many can run code or a shell.

use crate::text::{count, human_bytes, one_line};
use aispm_core::{Asset, AssetKind};
use std::collections::{BTreeMap, BTreeSet};

/// Kinds in the order the inventory lists them: what runs or serves models first, then
/// what code and manifests use, then data and documents.
const KIND_ORDER: [AssetKind; 14] = [
    AssetKind::Model,
    AssetKind::HfCacheRepo,
    AssetKind::McpServer,
    AssetKind::Agent,
    AssetKind::AiService,
    AssetKind::ModelReference,
    AssetKind::AiSdkUsage,
    AssetKind::AiDependency,
    AssetKind::Dataset,
    AssetKind::Prompt,
    AssetKind::Notebook,
    AssetKind::ModelConfig,
    AssetKind::Tokenizer,
    AssetKind::ModelCard,
];

/// Position of `kind` in the listing; kinds added later come last, in their own order.
pub(crate) fn kind_rank(kind: AssetKind) -> usize {
    KIND_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(KIND_ORDER.len())
}

/// Assets of one kind that are the same thing.
pub(crate) struct Group<'a> {
    pub kind: AssetKind,
    pub name: String,
    pub assets: Vec<&'a Asset>,
}

impl Group<'_> {
    /// Distinct files the group's assets are in.
    pub fn files(&self) -> usize {
        self.assets
            .iter()
            .map(|a| a.path.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// A few words on the group as a whole (ecosystems, providers, requirements,
    /// launchers, total size), from the assets' properties.
    pub fn detail(&self) -> String {
        let props = |key: &str| distinct(self.assets.iter().filter_map(|a| prop(a, key)));
        let parts: Vec<String> = match self.kind {
            AssetKind::AiSdkUsage => vec![props("language"), imports(&self.assets)],
            AssetKind::ModelReference => vec![props("provider")],
            AssetKind::AiDependency => vec![props("ecosystem"), requirements(&self.assets)],
            AssetKind::McpServer => {
                let package = props("package");
                let package = if package == self.name {
                    String::new()
                } else {
                    package
                };
                vec![props("transport"), package, props("url_host")]
            }
            AssetKind::Agent => vec![
                distinct(self.assets.iter().filter_map(|a| agent_name(a))),
                props("model"),
                capabilities(&self.assets),
            ],
            _ => vec![total_size(&self.assets)],
        };
        parts
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn prop<'a>(a: &'a Asset, key: &str) -> Option<&'a str> {
    a.properties
        .get(key)
        .and_then(|v| v.as_str())
        .filter(|s| !s.trim().is_empty())
}

/// Up to three distinct values, most frequent first, and how many more there are.
fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> String {
    const SHOWN: usize = 3;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    let mut sorted: Vec<(&str, usize)> = counts.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut text = sorted
        .iter()
        .take(SHOWN)
        .map(|(v, _)| one_line(v))
        .collect::<Vec<_>>()
        .join(", ");
    if sorted.len() > SHOWN {
        text.push_str(&format!(" (+{} more)", sorted.len() - SHOWN));
    }
    text
}

/// An agent's own name: given in its definition (`name=`, `role=`, a configuration
/// key), not a stand-in such as the variable it is assigned to.
fn agent_name(a: &Asset) -> Option<&str> {
    match prop(a, "named_by") {
        None | Some("name" | "role" | "argument" | "config") => prop(a, "agent_name"),
        Some(_) => None,
    }
}

/// How many of the agents can run code or a shell, when any can.
fn capabilities(assets: &[&Asset]) -> String {
    let flagged = |key: &str| {
        assets
            .iter()
            .filter(|a| a.properties.get(key).and_then(|v| v.as_bool()) == Some(true))
            .count()
    };
    [
        (flagged("code_execution"), "code execution"),
        (flagged("shell_access"), "shell access"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} with {what}"))
    .collect::<Vec<_>>()
    .join(", ")
}

/// How many import statements the group's assets stand for, when they say (one
/// asset per file and SDK carries an `imports` count); empty otherwise.
fn imports(assets: &[&Asset]) -> String {
    let n: u64 = assets
        .iter()
        .filter_map(|a| a.properties.get("imports").and_then(|v| v.as_u64()))
        .fold(0, u64::saturating_add);
    if n == 0 {
        String::new()
    } else {
        count(n, "import")
    }
}

/// The versions a package is locked or installed at, else the requirements it is
/// declared with.
fn requirements(assets: &[&Asset]) -> String {
    let locked = distinct(
        assets
            .iter()
            .filter_map(|a| prop(a, "locked_version").or_else(|| prop(a, "version"))),
    );
    if locked.is_empty() {
        distinct(assets.iter().filter_map(|a| prop(a, "requirement")))
    } else {
        format!("locked {locked}")
    }
}

/// The total size of whole-file assets; empty for assets inside a file.
fn total_size(assets: &[&Asset]) -> String {
    let total: u64 = assets.iter().map(|a| a.size).fold(0, u64::saturating_add);
    if total == 0 {
        String::new()
    } else {
        human_bytes(total)
    }
}

/// What makes two assets of one kind the same thing: the SDK, the model, the package,
/// the server name, the agent framework (agents are many, and often named only by
/// the variable they are assigned to); for files, their format (and a model's
/// framework).
fn identity(a: &Asset) -> String {
    let named = |keys: &[&str]| keys.iter().find_map(|k| prop(a, k)).map(one_line);
    let name = match a.kind {
        AssetKind::AiSdkUsage => named(&["sdk", "module"]),
        AssetKind::ModelReference => named(&["model", "repo_id"]),
        AssetKind::AiDependency => named(&["package", "name"]),
        AssetKind::McpServer => named(&["server_name", "package", "command", "url_host"]),
        AssetKind::Agent => named(&["framework", "agent_name"]),
        AssetKind::HfCacheRepo => named(&["repo_id", "name"]),
        AssetKind::Prompt => named(&["role"]),
        AssetKind::Notebook => named(&["language"]),
        AssetKind::Model => {
            let framework = prop(a, "framework").map(one_line);
            let format = one_line(&a.format);
            Some(match framework {
                Some(fw) if fw != format => format!("{format} ({fw})"),
                _ => format,
            })
        }
        AssetKind::Dataset | AssetKind::ModelConfig | AssetKind::Tokenizer => None,
        _ => named(&["name", "service", "sdk", "model", "server_name"]),
    };
    name.filter(|n| !n.is_empty())
        .unwrap_or_else(|| one_line(&a.format))
}

/// Every asset in exactly one group: kinds in listing order, then the largest group
/// first, then by name.
pub(crate) fn roll_up(assets: &[Asset]) -> Vec<Group<'_>> {
    let mut groups: BTreeMap<(usize, AssetKind, String), Vec<&Asset>> = BTreeMap::new();
    for a in assets {
        groups
            .entry((kind_rank(a.kind), a.kind, identity(a)))
            .or_default()
            .push(a);
    }
    let mut out: Vec<Group<'_>> = groups
        .into_iter()
        .map(|((_, kind, name), mut assets)| {
            assets.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
            Group { kind, name, assets }
        })
        .collect();
    out.sort_by(|a, b| {
        (kind_rank(a.kind), a.kind)
            .cmp(&(kind_rank(b.kind), b.kind))
            .then(b.assets.len().cmp(&a.assets.len()))
            .then(a.name.cmp(&b.name))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sdk(path: &str, line: u32, name: &str, language: &str) -> Asset {
        let mut a = Asset::new(
            AssetKind::AiSdkUsage,
            path,
            &format!("{name}{line}"),
            language,
        );
        a.line = Some(line);
        a.set("sdk", name);
        a.set("language", language);
        a
    }

    #[test]
    fn same_sdk_is_one_group_largest_first() {
        let assets = vec![
            sdk("a.py", 1, "openai", "python"),
            sdk("a.py", 2, "anthropic", "python"),
            sdk("b.py", 1, "openai", "python"),
            sdk("c.ts", 1, "openai", "typescript"),
            sdk("a.py", 9, "openai", "python"),
        ];
        let groups = roll_up(&assets);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].name, "openai");
        assert_eq!(groups[0].assets.len(), 4);
        assert_eq!(groups[0].files(), 3);
        assert_eq!(groups[0].detail(), "python, typescript");
        assert_eq!(groups[1].name, "anthropic");
    }

    #[test]
    fn kinds_are_listed_in_order_and_files_by_format() {
        let mut model = Asset::new(AssetKind::Model, "m.pkl", "", "pickle");
        model.size = 2000;
        model.set("framework", "pytorch");
        let mut data = Asset::new(AssetKind::Dataset, "d.csv", "", "csv");
        data.size = 1500;
        let mut data2 = Asset::new(AssetKind::Dataset, "e.csv", "", "csv");
        data2.size = 1500;
        let assets = vec![data, model, data2];
        let groups = roll_up(&assets);
        assert_eq!(groups[0].name, "pickle (pytorch)");
        assert_eq!(groups[0].detail(), "2.0 kB");
        assert_eq!(groups[1].name, "csv");
        assert_eq!(groups[1].detail(), "3.0 kB");
    }

    #[test]
    fn dependencies_show_requirements_and_locks() {
        let dep = |path: &str, req: &str, locked: Option<&str>| {
            let mut a = Asset::new(AssetKind::AiDependency, path, "openai", "requirements");
            a.set("package", "openai");
            a.set("ecosystem", "PyPI");
            a.set("requirement", req);
            if let Some(v) = locked {
                a.set("locked_version", v);
            }
            a
        };
        let assets = vec![
            dep("a/requirements.txt", ">=1.0", None),
            dep("b/requirements.txt", ">=1.0", None),
            dep("c/uv.lock", "", Some("1.3.0")),
        ];
        let groups = roll_up(&assets);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].detail(), "PyPI; locked 1.3.0");
        assert_eq!(roll_up(&assets[..2])[0].detail(), "PyPI; >=1.0");
    }

    #[test]
    fn agents_roll_up_by_framework() {
        let agent = |path: &str, name: &str, by: Option<&str>, model: Option<&str>| {
            let mut a = Asset::new(AssetKind::Agent, path, name, "python");
            a.line = Some(1);
            a.set("framework", "agno");
            a.set("agent_name", name);
            if let Some(b) = by {
                a.set("named_by", b);
            }
            if let Some(m) = model {
                a.set("model", m);
            }
            a
        };
        let mut coder = agent("b.py", "Coder", Some("name"), Some("gpt-4o"));
        coder.set("code_execution", true);
        let mut yaml = Asset::new(AssetKind::Agent, "agents.yaml", "researcher", "crewai-yaml");
        yaml.set("framework", "crewai");
        yaml.set("agent_name", "researcher");
        let assets = vec![
            agent("a.py", "agent", Some("variable"), Some("gpt-4o")),
            agent("a.py", "Writer", Some("name"), None),
            coder,
            yaml,
        ];
        let groups = roll_up(&assets);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].name, "agno");
        assert_eq!(groups[0].assets.len(), 3);
        // Stand-in names (the variable) are not listed; models and capabilities are.
        assert_eq!(
            groups[0].detail(),
            "Coder, Writer; gpt-4o; 1 with code execution"
        );
        assert_eq!(groups[1].name, "crewai");
        assert_eq!(groups[1].detail(), "researcher");
    }

    #[test]
    fn distinct_values_are_capped() {
        let values = ["a", "b", "b", "c", "d", "e"];
        assert_eq!(distinct(values.into_iter()), "b, a, c (+2 more)");
    }
}
