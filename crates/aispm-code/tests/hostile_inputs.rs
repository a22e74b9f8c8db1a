//! Bad input is normal input: arbitrary bytes, broken syntax, deep nesting and long
//! lines never panic and stay bounded.

use aispm_code::flow::analyze;
use aispm_code::lang::Lang;
use proptest::prelude::*;

const LANGS: [Lang; 4] = [Lang::Python, Lang::JavaScript, Lang::TypeScript, Lang::Tsx];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,400}") {
        for lang in LANGS {
            let src = format!("import openai\n{s}\neval(x)\n");
            let _ = analyze(&src, lang);
        }
    }

    #[test]
    fn mutated_sources_never_panic(cut in 0usize..600, junk in "[(){}\\[\\]'\"`:=,.+ \n]{0,40}") {
        let base = "from openai import OpenAI\nc = OpenAI()\ndef ask(q):\n    return c.chat.completions.create(model='x', messages=[]).choices[0].message.content\ndef f(q):\n    x = ask(q)\n    eval(f\"{x}\")\n";
        let cut = cut.min(base.len());
        let cut = (0..=cut).rev().find(|&i| base.is_char_boundary(i)).unwrap_or(0);
        let src = format!("{}{}{}", &base[..cut], junk, &base[cut..]);
        for lang in LANGS {
            let _ = analyze(&src, lang);
        }
    }

    #[test]
    fn mutated_agent_definitions_never_panic(cut in 0usize..700, junk in "[(){}\\[\\]'\"`:=,.+ \n]{0,40}") {
        let py = "from crewai import Agent\nfrom langchain.agents import AgentExecutor, load_tools\ntools = [ShellTool(), *more]\nllm = ChatOpenAI(model='gpt-4o')\na = Agent(role='r', goal='g', llm=llm, tools=tools, config=self.c['k'])\nx = AgentExecutor(agent=a, tools=load_tools(['terminal']))\ndef f():\n    return Agent(role=f'{x}', code_execution_config={'use_docker': False})\n";
        let js = "import { Agent } from '@openai/agents';\nconst t = [lookup];\nexport const a = new Agent({ name: 'A', model: openai('gpt-4o'), tools: { t, s: new ShellTool() } });\nconst b = Agent.create({ name: `x${y}` });\n";
        for (base, langs) in [(py, &LANGS[..1]), (js, &LANGS[1..])] {
            let cut = cut.min(base.len());
            let cut = (0..=cut).rev().find(|&i| base.is_char_boundary(i)).unwrap_or(0);
            let src = format!("{}{}{}", &base[..cut], junk, &base[cut..]);
            for &lang in langs {
                let _ = analyze(&src, lang);
            }
        }
    }
}

#[test]
fn deep_and_long_inputs_are_bounded() {
    let deep_js = format!(
        "import OpenAI from 'openai';\nconst x = {}1{};\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let out = analyze(&deep_js, Lang::JavaScript).unwrap();
    assert!(out.truncated);
    let calls = format!(
        "import openai\nx = {}1{}\n",
        "f(".repeat(4000),
        ")".repeat(4000)
    );
    let out = analyze(&calls, Lang::Python).unwrap();
    assert!(out.truncated);
    let long_line = format!("import openai\nx = '{}'\n", "a".repeat(1 << 20));
    assert!(analyze(&long_line, Lang::Python).is_some());
}
