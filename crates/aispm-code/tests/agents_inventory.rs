//! Agents built in code, end to end through the engine: one `agent` asset per agent
//! in application code, examples and notebooks (lines mapped into the `.ipynb`), none
//! from tests, from a framework's own tree or from look-alike calls, and stable IDs.

use aispm_code::CodeAnalyzer;
use aispm_core::{Asset, AssetKind, ScanReport};
use aispm_engine::{ScanOptions, Scanner};
use std::fs;
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn scan(root: &Path) -> ScanReport {
    let scanner = Scanner::new(vec![Box::new(CodeAnalyzer::new())], ScanOptions::default())
        .expect("scanner builds");
    scanner.scan(&[root.to_path_buf()], None)
}

fn agents(report: &ScanReport) -> Vec<&Asset> {
    let mut v: Vec<&Asset> = report
        .assets
        .iter()
        .filter(|a| a.kind == AssetKind::Agent)
        .collect();
    v.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    v
}

fn prop<'a>(a: &'a Asset, key: &str) -> Option<&'a str> {
    a.properties.get(key).and_then(|v| v.as_str())
}

const CREW: &str = r#"from crewai import Agent, Crew, Task
from crewai_tools import CodeInterpreterTool

researcher = Agent(
    role="Senior Researcher",
    goal="Find things",
    backstory="Curious",
    llm="gpt-4o",
    tools=[CodeInterpreterTool()],
)
writer = Agent(role="Writer", goal="Write", backstory="Terse", allow_code_execution=True)
crew = Crew(agents=[researcher, writer], tasks=[])
"#;

const NOTEBOOK: &str = r##"{
 "cells": [
  {"cell_type": "markdown", "metadata": {}, "source": ["Build it with `Agent(name=\"doc\")`.\n"]},
  {
   "cell_type": "code",
   "metadata": {},
   "source": [
    "!pip install google-adk\n",
    "from google.adk.agents import Agent\n",
    "root_agent = Agent(\n",
    "    name=\"weather\",\n",
    "    model=\"gemini-2.0-flash\",\n",
    "    tools=[get_weather],\n",
    ")\n"
   ]
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}
"##;

const TS: &str = r#"import { Agent, run } from '@openai/agents';
import { ShellTool } from './tools';

export const triage = new Agent({
  name: 'Triage',
  instructions: 'Route the request.',
  model: 'gpt-4.1',
  tools: [lookupTool, new ShellTool()],
});
"#;

#[test]
fn agents_in_code_are_inventoried() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "app/crew.py", CREW);
    write(root, "notebooks/weather.ipynb", NOTEBOOK);
    write(root, "web/src/agents.ts", TS);
    // Not agents: tests, a framework's own tree, look-alikes.
    write(root, "tests/test_crew.py", CREW);
    write(
        root,
        "lib/crewai/src/crewai/utilities/planner.py",
        "from crewai.agent import Agent\ndef planner():\n    return Agent(role=\"Planner\", goal=\"Plan\", backstory=\"b\")\n",
    );
    write(
        root,
        "app/lookalike.py",
        "import openai\nfrom app.model import Agent\n\nclass Runner:\n    \"\"\"Call `Agent(name=\"x\")` to start.\"\"\"\n\ndef check(a):\n    return isinstance(a, Agent)\n\nbot = Agent(name=\"not-a-framework-agent\")\n",
    );
    let report = scan(root);
    let found = agents(&report);
    let summary: Vec<(String, u32, &str, &str)> = found
        .iter()
        .map(|a| {
            (
                a.path.clone(),
                a.line.unwrap_or(0),
                prop(a, "framework").unwrap_or(""),
                prop(a, "agent_name").unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("app/crew.py".into(), 4, "crewai", "Senior Researcher"),
            ("app/crew.py".into(), 11, "crewai", "Writer"),
            (
                "notebooks/weather.ipynb".into(),
                10,
                "google-adk",
                "weather"
            ),
            ("web/src/agents.ts".into(), 4, "openai-agents", "Triage"),
        ],
    );
    let researcher = found[0];
    assert_eq!(researcher.format, "python");
    assert_eq!(prop(researcher, "model"), Some("gpt-4o"));
    assert_eq!(prop(researcher, "provider"), Some("openai"));
    assert_eq!(prop(researcher, "defined_in"), Some("code"));
    assert_eq!(
        researcher
            .properties
            .get("tools_count")
            .and_then(|v| v.as_u64()),
        Some(1)
    );
    assert_eq!(
        researcher.properties.get("code_execution"),
        Some(&serde_json::Value::Bool(true))
    );
    assert_eq!(
        prop(found[1], "code_execution_evidence"),
        Some("allow_code_execution=True")
    );
    let notebook = found[2];
    assert_eq!(notebook.format, "notebook");
    assert_eq!(prop(notebook, "model"), Some("gemini-2.0-flash"));
    // `ShellTool` from a local module is a name, not LangChain's or the SDK's shell:
    // listed, not flagged.
    let ts = found[3];
    assert_eq!(ts.format, "typescript");
    assert!(!ts.properties.contains_key("shell_access"));

    // Same input, same IDs.
    let again = scan(root);
    let ids = |r: &ScanReport| -> Vec<String> { agents(r).iter().map(|a| a.id.clone()).collect() };
    assert_eq!(ids(&report), ids(&again));
}

#[test]
fn many_agents_in_one_file_are_capped_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let mut src = String::from("from agno.agent import Agent\n");
    for i in 0..60 {
        src.push_str(&format!("a{i} = Agent(name=\"agent {i}\")\n"));
    }
    write(dir.path(), "app/many.py", &src);
    let report = scan(dir.path());
    let found = agents(&report);
    assert_eq!(found.len(), aispm_code::flow::MAX_AGENTS_PER_FILE);
    assert!(
        found
            .iter()
            .all(|a| a.properties.get("agents_in_file").and_then(|v| v.as_u64()) == Some(60))
    );
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.path == "app/many.py" && e.message.contains("60 agents")),
        "{:?}",
        report.errors
    );
}
