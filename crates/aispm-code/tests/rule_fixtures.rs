//! Positive and negative fixtures for every rule of the source analyzer, in several
//! shapes per language: each positive must report its rule on the marked line, each
//! negative must not report it anywhere.

use aispm_code::flow::{analyze, analyze_at};
use aispm_code::lang::Lang;
use aispm_code::rules::RULES;

/// (rule, language, source, line of the expected finding or 0 for a negative)
const CASES: &[(&str, Lang, &str, u32)] = &[
    // CODE001: code execution
    (
        "CODE001",
        Lang::Python,
        "import openai\nc = openai.OpenAI()\nr = c.chat.completions.create(model='gpt-4o', messages=[])\nexec(r.choices[0].message.content)\n",
        4,
    ),
    (
        "CODE001",
        Lang::Python,
        "from langchain_openai import ChatOpenAI\nllm = ChatOpenAI()\ndef f(q):\n    code = llm.invoke(q).content\n    eval(code.strip())\n",
        5,
    ),
    (
        "CODE001",
        Lang::Python,
        "import google.generativeai as genai\nm = genai.GenerativeModel('gemini-1.5-pro')\ndef f(q):\n    text = m.generate_content(q).text\n    return eval(text)\n",
        5,
    ),
    (
        "CODE001",
        Lang::Python,
        "import ollama\ndef f(q):\n    out = ollama.chat(model='llama3', messages=[])\n    exec(out['message']['content'])\n",
        4,
    ),
    (
        "CODE001",
        Lang::Python,
        "from litellm import completion\ndef f(q):\n    resp = completion(model='gpt-4o', messages=[])\n    return eval(resp.choices[0].message.content)\n",
        4,
    ),
    (
        "CODE001",
        Lang::JavaScript,
        "import { generateText } from 'ai';\nexport async function f(p) {\n  const { text } = await generateText({ model, prompt: p });\n  return new Function(text)();\n}\n",
        4,
    ),
    (
        "CODE001",
        Lang::TypeScript,
        "import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic();\nexport async function f(q: string) {\n  const m = await c.messages.create({ model: 'claude-3-5-sonnet-latest', max_tokens: 9, messages: [] });\n  const code = (m.content[0] as any).text as string;\n  return eval(code);\n}\n",
        6,
    ),
    (
        "CODE001",
        Lang::Python,
        "import json, ast\nfrom openai import OpenAI\nc = OpenAI()\ndef f(q):\n    t = c.chat.completions.create(model='x', messages=[]).choices[0].message.content\n    a = json.loads(t)\n    b = ast.literal_eval(t)\n    return eval('1 + 1')\n",
        0,
    ),
    (
        "CODE001",
        Lang::Python,
        "import torch\nmodel = torch.nn.Linear(2, 2)\nmodel.eval()\n",
        0,
    ),
    // CODE002: shell
    (
        "CODE002",
        Lang::Python,
        "import os\nfrom openai import OpenAI\nc = OpenAI()\ndef f(q):\n    cmd = c.chat.completions.create(model='x', messages=[]).choices[0].message.content\n    return os.popen(cmd).read()\n",
        6,
    ),
    (
        "CODE002",
        Lang::Python,
        "import subprocess\nfrom anthropic import Anthropic\nc = Anthropic()\ndef f(q):\n    msg = c.messages.create(model='x', max_tokens=5, messages=[])\n    subprocess.check_output(\n        msg.content[0].text,\n        shell=True,\n    )\n",
        6,
    ),
    (
        "CODE002",
        Lang::JavaScript,
        "const { execSync } = require('child_process');\nconst OpenAI = require('openai');\nconst c = new OpenAI();\nasync function f() {\n  const r = await c.chat.completions.create({ model: 'x', messages: [] });\n  execSync(`bash -c \"${r.choices[0].message.content}\"`);\n}\n",
        6,
    ),
    (
        "CODE002",
        Lang::Python,
        "import subprocess\nfrom openai import OpenAI\nc = OpenAI()\ndef f(q):\n    name = c.chat.completions.create(model='x', messages=[]).choices[0].message.content\n    subprocess.run(['git', 'log', '--oneline'])\n",
        0,
    ),
    (
        "CODE002",
        Lang::JavaScript,
        "import OpenAI from 'openai';\nconst c = new OpenAI();\nasync function f(re) {\n  const r = await c.chat.completions.create({ model: 'x', messages: [] });\n  return /x/.exec(r.choices[0].message.content);\n}\n",
        0,
    ),
    (
        "CODE002",
        Lang::JavaScript,
        "import { exec } from 'node:child_process';\nimport { promisify } from 'node:util';\nimport OpenAI from 'openai';\nconst run = promisify(exec);\nconst c = new OpenAI();\nasync function f() {\n  const r = await c.chat.completions.create({ model: 'x', messages: [] });\n  await run(r.choices[0].message.content);\n}\n",
        8,
    ),
    // CODE003: SQL
    (
        "CODE003",
        Lang::Python,
        "from sqlalchemy import create_engine, text\nfrom openai import OpenAI\nc = OpenAI()\nengine = create_engine('sqlite://')\ndef f():\n    q = c.chat.completions.create(model='x', messages=[]).choices[0].message.content\n    with engine.connect() as conn:\n        return conn.execute(text(q))\n",
        8,
    ),
    (
        "CODE003",
        Lang::Python,
        "import sqlite3\nfrom openai import OpenAI\nc = OpenAI()\ndb = sqlite3.connect('x')\ndef f(q):\n    sql = c.chat.completions.create(model='x', messages=[]).choices[0].message.content\n    cur = db.cursor()\n    cur.execute(\"SELECT * FROM t WHERE %s\" % sql)\n",
        8,
    ),
    (
        "CODE003",
        Lang::Python,
        "import pandas as pd\nfrom langchain_openai import ChatOpenAI\nllm = ChatOpenAI()\ndef f(q, conn):\n    query = llm.invoke(q).content\n    return pd.read_sql(query, conn)\n",
        6,
    ),
    (
        "CODE003",
        Lang::TypeScript,
        "import { ChatOpenAI } from '@langchain/openai';\nconst llm = new ChatOpenAI({});\nexport async function f(q: string, db: any) {\n  const res = await llm.invoke(q);\n  return db.query(`SELECT * FROM t WHERE ${res.content}`);\n}\n",
        5,
    ),
    (
        "CODE003",
        Lang::Python,
        "from openai import OpenAI\nc = OpenAI()\ndef f(q, db):\n    v = c.chat.completions.create(model='x', messages=[]).choices[0].message.content\n    return db.execute('SELECT * FROM t WHERE id = ?', (v,))\n",
        0,
    ),
    (
        "CODE003",
        Lang::JavaScript,
        "import OpenAI from 'openai';\nconst c = new OpenAI();\nasync function f(index) {\n  const r = await c.chat.completions.create({ model: 'x', messages: [] });\n  return index.query(r.choices[0].message.content);\n}\n",
        0,
    ),
    // CODE004: HTML
    (
        "CODE004",
        Lang::JavaScript,
        "import OpenAI from 'openai';\nconst c = new OpenAI();\nasync function f() {\n  const r = await c.chat.completions.create({ model: 'x', messages: [] });\n  $('#out').html(r.choices[0].message.content);\n}\n",
        5,
    ),
    (
        "CODE004",
        Lang::JavaScript,
        "import OpenAI from 'openai';\nconst c = new OpenAI();\nasync function f(el) {\n  const r = await c.chat.completions.create({ model: 'x', messages: [] });\n  el.innerHTML += `<p>${r.choices[0].message.content}</p>`;\n}\n",
        5,
    ),
    (
        "CODE004",
        Lang::Tsx,
        "import { useCompletion } from 'ai/react';\nimport { marked } from 'marked';\nexport function V() {\n  const { completion } = useCompletion();\n  return <div dangerouslySetInnerHTML={{ __html: marked(completion) }} />;\n}\n",
        5,
    ),
    (
        "CODE004",
        Lang::Python,
        "import streamlit as st\nfrom openai import OpenAI\nc = OpenAI()\nans = c.chat.completions.create(model='x', messages=[]).choices[0].message.content\nst.markdown(ans, unsafe_allow_html=True)\n",
        5,
    ),
    (
        "CODE004",
        Lang::Tsx,
        "import { useChat } from 'ai/react';\nimport DOMPurify from 'dompurify';\nexport function V() {\n  const { messages } = useChat();\n  return <div dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(messages[0].content) }} />;\n}\n",
        0,
    ),
    (
        "CODE004",
        Lang::Python,
        "import streamlit as st\nfrom openai import OpenAI\nc = OpenAI()\nans = c.chat.completions.create(model='x', messages=[]).choices[0].message.content\nst.markdown(ans)\n",
        0,
    ),
    // CODE005: file paths
    (
        "CODE005",
        Lang::Python,
        "from openai import OpenAI\nc = OpenAI()\ndef f():\n    name = c.chat.completions.create(model='x', messages=[]).choices[0].message.content\n    with open(name, 'w') as fh:\n        fh.write('x')\n",
        5,
    ),
    (
        "CODE005",
        Lang::JavaScript,
        "import fs from 'node:fs';\nimport OpenAI from 'openai';\nconst c = new OpenAI();\nasync function f() {\n  const r = await c.chat.completions.create({ model: 'x', messages: [] });\n  fs.unlinkSync(r.choices[0].message.content);\n}\n",
        6,
    ),
    (
        "CODE005",
        Lang::Python,
        "from openai import OpenAI\nc = OpenAI()\ndef f():\n    name = c.chat.completions.create(model='x', messages=[]).choices[0].message.content\n    with open('log.txt', 'a') as fh:\n        fh.write(name)\n",
        0,
    ),
    // CODE006: deserialisation
    (
        "CODE006",
        Lang::Python,
        "import yaml\nfrom openai import OpenAI\nc = OpenAI()\nt = c.chat.completions.create(model='x', messages=[]).choices[0].message.content\ncfg = yaml.load(t, Loader=yaml.Loader)\n",
        5,
    ),
    (
        "CODE006",
        Lang::Python,
        "import pickle, base64\nfrom openai import OpenAI\nc = OpenAI()\nt = c.chat.completions.create(model='x', messages=[]).choices[0].message.content\nobj = pickle.loads(base64.b64decode(t))\n",
        5,
    ),
    (
        "CODE006",
        Lang::Python,
        "import yaml\nfrom openai import OpenAI\nc = OpenAI()\nt = c.chat.completions.create(model='x', messages=[]).choices[0].message.content\ncfg = yaml.safe_load(t)\ncfg2 = yaml.load(t, Loader=yaml.SafeLoader)\n",
        0,
    ),
    // CODE007: request input in the system prompt
    (
        "CODE007",
        Lang::Python,
        "from flask import request\nfrom langchain_core.messages import SystemMessage\ndef f():\n    return [SystemMessage(content='Act as ' + request.form['role'])]\n",
        4,
    ),
    (
        "CODE007",
        Lang::JavaScript,
        "import OpenAI from 'openai';\nconst c = new OpenAI();\napp.post('/chat', async (req, res) => {\n  const r = await c.chat.completions.create({ model: 'x', messages: [{ role: 'system', content: req.body.persona }] });\n});\n",
        4,
    ),
    (
        "CODE007",
        Lang::Python,
        "from flask import request\nfrom openai import OpenAI\nc = OpenAI()\ndef f():\n    return c.chat.completions.create(model='x', messages=[{'role': 'system', 'content': 'Be brief.'}, {'role': 'user', 'content': request.json['q']}])\n",
        0,
    ),
    // CODE010: torch.load
    (
        "CODE010",
        Lang::Python,
        "import torch\nsd = torch.load('ckpt.pt', map_location='cpu')\n",
        2,
    ),
    (
        "CODE010",
        Lang::Python,
        "from torch import load\nsd = load(path, weights_only=False)\n",
        2,
    ),
    (
        "CODE010",
        Lang::Python,
        "import torch as T\nsd = T.load(\n    path,\n    weights_only=False,\n)\n",
        2,
    ),
    (
        "CODE010",
        Lang::Python,
        "import torch\nsd = torch.load('ckpt.pt', weights_only=True)\nfrom safetensors.torch import load_file\nw = load_file('m.safetensors')\n",
        0,
    ),
    // CODE011: pickle
    (
        "CODE011",
        Lang::Python,
        "import joblib\nclf = joblib.load('model.joblib')\n",
        2,
    ),
    (
        "CODE011",
        Lang::Python,
        "import pandas as pd\ndf = pd.read_pickle('frame.pkl')\n",
        2,
    ),
    (
        "CODE011",
        Lang::Python,
        "import dill as d\nobj = d.loads(blob)\n",
        2,
    ),
    (
        "CODE011",
        Lang::Python,
        "import pickle\nwith open('x.pkl', 'wb') as f:\n    pickle.dump(obj, f)\ns = pickle.dumps(obj)\n",
        0,
    ),
    // CODE012
    (
        "CODE012",
        Lang::Python,
        "import numpy as np\na = np.load('x.npy', allow_pickle=True)\n",
        2,
    ),
    (
        "CODE012",
        Lang::Python,
        "import numpy as np\na = np.load('x.npy')\nb = np.load('y.npy', allow_pickle=False)\n",
        0,
    ),
    // CODE013
    (
        "CODE013",
        Lang::Python,
        "import keras\nm = keras.models.load_model('m.keras', safe_mode=False)\n",
        2,
    ),
    (
        "CODE013",
        Lang::Python,
        "import tensorflow as tf\nm = tf.keras.models.load_model('m.keras', safe_mode=False)\n",
        2,
    ),
    (
        "CODE013",
        Lang::Python,
        "import keras\nm = keras.models.load_model('m.keras')\n",
        0,
    ),
    // CODE014
    (
        "CODE014",
        Lang::Python,
        "from transformers import AutoConfig\nc = AutoConfig.from_pretrained('org/m', revision='0123456789abcdef0123456789abcdef01234567', trust_remote_code=True)\n",
        2,
    ),
    (
        "CODE014",
        Lang::Python,
        "from vllm import LLM\nllm = LLM(model='org/m', trust_remote_code=True)\n",
        2,
    ),
    (
        "CODE014",
        Lang::Python,
        "from transformers import AutoModel\nm = AutoModel.from_pretrained('./local', trust_remote_code=False)\n",
        0,
    ),
    // CODE015
    (
        "CODE015",
        Lang::Python,
        "from transformers import AutoModel\nMODEL = 'org/model-7b'\nm = AutoModel.from_pretrained(MODEL)\n",
        3,
    ),
    (
        "CODE015",
        Lang::Python,
        "from transformers import AutoModel\nm = AutoModel.from_pretrained('org/model-7b', revision='main')\n",
        2,
    ),
    (
        "CODE015",
        Lang::Python,
        "from transformers import AutoModel\nREV = '0123456789abcdef0123456789abcdef01234567'\nm = AutoModel.from_pretrained('org/model-7b', revision=REV)\nn = AutoModel.from_pretrained('/opt/models/x')\no = AutoModel.from_pretrained(path)\n",
        0,
    ),
    // CODE016
    (
        "CODE016",
        Lang::Python,
        "from langchain_community.vectorstores import FAISS\ns = FAISS.load_local('idx', emb, allow_dangerous_deserialization=True)\n",
        2,
    ),
    (
        "CODE016",
        Lang::Python,
        "from langchain_community.vectorstores import FAISS\ns = FAISS.load_local('idx', emb)\n",
        0,
    ),
    // CODE017
    (
        "CODE017",
        Lang::Python,
        "from huggingface_hub import snapshot_download\np = snapshot_download('org/data-model')\n",
        2,
    ),
    (
        "CODE017",
        Lang::Python,
        "from huggingface_hub import hf_hub_download\np = hf_hub_download(repo_id='org/m', filename='a.bin', revision='0123456789abcdef0123456789abcdef01234567')\n",
        0,
    ),
    // CODE018
    (
        "CODE018",
        Lang::Python,
        "from langchain_experimental.tools import PythonREPLTool\ntools = [PythonREPLTool()]\n",
        2,
    ),
    (
        "CODE018",
        Lang::Python,
        "from langchain.agents import load_tools\ntools = load_tools(['terminal', 'llm-math'], llm=llm)\n",
        2,
    ),
    (
        "CODE018",
        Lang::Python,
        "from langchain.agents import load_tools\ntools = load_tools(['llm-math', 'wikipedia'], llm=llm)\n",
        0,
    ),
    // CODE019
    (
        "CODE019",
        Lang::Python,
        "import httpx\nfrom openai import OpenAI\nc = OpenAI(http_client=httpx.Client(verify=False))\n",
        3,
    ),
    (
        "CODE019",
        Lang::JavaScript,
        "import OpenAI from 'openai';\nimport https from 'https';\nconst agent = new https.Agent({ rejectUnauthorized: false });\n",
        3,
    ),
    (
        "CODE019",
        Lang::Python,
        "import requests\nrequests.get('https://example.com', verify=False)\n",
        0,
    ),
];

#[test]
fn every_rule_has_positive_and_negative_fixtures() {
    for rule in RULES {
        let pos = CASES.iter().filter(|c| c.0 == rule.id && c.3 > 0).count()
            + PLACED.iter().filter(|c| c.0 == rule.id && c.4 > 0).count();
        let neg = CASES.iter().filter(|c| c.0 == rule.id && c.3 == 0).count()
            + PLACED.iter().filter(|c| c.0 == rule.id && c.4 == 0).count();
        assert!(
            pos >= 1 && neg >= 1,
            "{}: {pos} positive, {neg} negative fixtures",
            rule.id
        );
    }
}

#[test]
fn fixtures() {
    let mut failures = Vec::new();
    for (i, (rule, lang, src, line)) in CASES.iter().enumerate() {
        let out = analyze(src, *lang).expect("parser loads");
        let lines: Vec<u32> = out
            .hits
            .iter()
            .filter(|h| h.rule.id == *rule)
            .map(|h| h.line)
            .collect();
        let ok = if *line == 0 {
            lines.is_empty()
        } else {
            lines.contains(line)
        };
        if !ok {
            failures.push(format!(
                "case {i} ({rule}, {lang:?}): expected line {line}, got {lines:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Fixtures whose outcome depends on where the file is and how severe the finding
/// is: (rule, language, path, source, line or 0 for none, expected severity).
const PLACED: &[(&str, Lang, &str, &str, u32, &str)] = &[
    // CODE015: tests pin nothing that matters; tokenizers and configs are data;
    // placeholders name the reader's repository; examples are low.
    (
        "CODE015",
        Lang::Python,
        "tests/test_trainer.py",
        "from transformers import AutoModelForCausalLM\nm = AutoModelForCausalLM.from_pretrained('lab-internal-testing/tiny-model')\n",
        0,
        "",
    ),
    (
        "CODE015",
        Lang::Python,
        "src/app/load.py",
        "from transformers import AutoModelForCausalLM\nm = AutoModelForCausalLM.from_pretrained('lab-internal-testing/tiny-model')\n",
        2,
        "medium",
    ),
    (
        "CODE015",
        Lang::Python,
        "serve/convert.py",
        "from transformers import AutoTokenizer, GenerationConfig\nt = AutoTokenizer.from_pretrained('some-lab/chat-7b')\ng = GenerationConfig.from_pretrained('some-lab/chat-7b')\n",
        2,
        "low",
    ),
    (
        "CODE015",
        Lang::Python,
        "src/tokens.py",
        "from tokenizers import Tokenizer\nt = Tokenizer.from_pretrained('some-lab/tok')\n",
        2,
        "low",
    ),
    (
        "CODE015",
        Lang::Python,
        "src/push.py",
        "from transformers import AutoModel\nm = AutoModel.from_pretrained('your-username/my-finetune')\n",
        0,
        "",
    ),
    // A constant whose comment tells the reader to put in their own repository.
    (
        "CODE015",
        Lang::Python,
        "src/infer.py",
        "from transformers import AutoModel\nname = 'someone/wordle-ft'  # Replace with your HF username\nm = AutoModel.from_pretrained(name)\n",
        0,
        "",
    ),
    (
        "CODE015",
        Lang::Python,
        "src/infer.py",
        "from transformers import AutoModel\nname = 'someone/wordle-ft'  # the tuned model\nm = AutoModel.from_pretrained(name)\n",
        3,
        "medium",
    ),
    (
        "CODE015",
        Lang::Python,
        "examples/sft.py",
        "from transformers import AutoModel\nm = AutoModel.from_pretrained('some-lab/chat-7b')\n",
        2,
        "low",
    ),
    // CODE015: a maintainer's script reading a tokenizer is no finding; its weights
    // load stays a low note.
    (
        "CODE015",
        Lang::Python,
        "scripts/make_tiny_model.py",
        "from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained('some-lab/chat-7b')\n",
        0,
        "",
    ),
    (
        "CODE015",
        Lang::Python,
        "scripts/make_tiny_model.py",
        "from transformers import AutoModel\nm = AutoModel.from_pretrained('some-lab/chat-7b')\n",
        2,
        "low",
    ),
    // CODE014 in a test of the flag itself: no finding.
    (
        "CODE014",
        Lang::Python,
        "tests/test_remote.py",
        "from transformers import AutoModel\ndef test_remote():\n    AutoModel.from_pretrained('lab-internal-testing/tiny-Remote', trust_remote_code=True)\n",
        0,
        "",
    ),
    (
        "CODE014",
        Lang::Python,
        "serve/load.py",
        "from transformers import AutoModel\nm = AutoModel.from_pretrained('some-lab/chat-7b', trust_remote_code=True)\n",
        2,
        "high",
    ),
    // CODE018: the OpenAI Agents SDK's shell tool, by environment and executor.
    (
        "CODE018",
        Lang::Python,
        "app/agent.py",
        "from agents import Agent, Runner, ShellTool\na = Agent(name='x', tools=[ShellTool(environment={'type': 'container_auto', 'network_policy': {'type': 'disabled'}})])\n",
        0,
        "",
    ),
    (
        "CODE018",
        Lang::Python,
        "app/agent.py",
        "from agents import Agent, Runner, ShellTool\na = Agent(name='x', tools=[ShellTool(executor=lambda req: 'ok')])\n",
        0,
        "",
    ),
    (
        "CODE018",
        Lang::Python,
        "app/agent.py",
        "import asyncio\nfrom agents import Agent, Runner, ShellTool\nclass Exec:\n    async def __call__(self, req):\n        p = await asyncio.create_subprocess_shell(req.command)\n        return await p.communicate()\na = Agent(name='x', tools=[ShellTool(executor=Exec())])\n",
        7,
        "high",
    ),
    (
        "CODE018",
        Lang::Python,
        "app/agent.py",
        "from agents import Agent, Runner, ShellTool\nfrom .exec import Exec\na = Agent(name='x', tools=[ShellTool(environment={'type': 'local'}, executor=Exec(), needs_approval=True)])\n",
        3,
        "medium",
    ),
    (
        "CODE018",
        Lang::Python,
        "app/agent.py",
        "from langchain_community.tools import ShellTool\nfrom langchain.agents import initialize_agent\ntools = [ShellTool()]\n",
        3,
        "high",
    ),
    (
        "CODE018",
        Lang::Python,
        "tests/integration/fixture/agent.py",
        "from langchain_community.tools import ShellTool\nfrom langchain.agents import initialize_agent\ntools = [ShellTool()]\n",
        0,
        "",
    ),
    // A benchmark harness is not shipped code: a host shell there is a demo.
    (
        "CODE018",
        Lang::Python,
        "bench/benchmarks/gaia/scenario.py",
        "from langchain_community.tools import ShellTool\nfrom langchain.agents import initialize_agent\ntools = [ShellTool()]\n",
        3,
        "medium",
    ),
    // CODE018: a host executor counts once handed to an agent or returned.
    (
        "CODE018",
        Lang::Python,
        "guide/executors.py",
        "from autogen_ext.code_executors.local import LocalCommandLineCodeExecutor\nfrom autogen_core.code_executor import CodeBlock\nexecutor = LocalCommandLineCodeExecutor(work_dir='w')\nprint(await executor.execute_code_blocks([CodeBlock(code='print(1)', language='python')], cancellation_token=None))\n",
        0,
        "",
    ),
    (
        "CODE018",
        Lang::Python,
        "app/team.py",
        "from autogen_ext.code_executors.local import LocalCommandLineCodeExecutor\nfrom autogen_agentchat.agents import CodeExecutorAgent\nex = LocalCommandLineCodeExecutor(work_dir='w')\nrunner = CodeExecutorAgent('runner', code_executor=ex)\n",
        3,
        "high",
    ),
    (
        "CODE018",
        Lang::Python,
        "lib/executors.py",
        "from autogen_ext.code_executors.local import LocalCommandLineCodeExecutor\ndef default_executor():\n    return LocalCommandLineCodeExecutor()\n",
        3,
        "high",
    ),
    // CODE018: a same-file shell function listed as a tool.
    (
        "CODE018",
        Lang::Python,
        "app/bot.py",
        "import subprocess\nfrom agno.agent import Agent\ndef run_shell(cmd: str) -> str:\n    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout\nbot = Agent(\n    tools=[run_shell],\n)\n",
        6,
        "high",
    ),
    (
        "CODE018",
        Lang::Python,
        "app/bot.py",
        "import subprocess\nfrom agno.agent import Agent\ndef git_log() -> str:\n    return subprocess.run(['git', 'log', '-1'], capture_output=True, text=True).stdout\nbot = Agent(tools=[git_log])\n",
        0,
        "",
    ),
    (
        "CODE018",
        Lang::Python,
        "app/bot.py",
        "from agno.agent import Agent\nfrom agno.tools.shell import ShellTools\nbot = Agent(tools=[ShellTools()])\n",
        3,
        "high",
    ),
    // CODE019: `ssl=False` on a database client is plain TCP; aiohttp's is verification off.
    (
        "CODE019",
        Lang::Python,
        "app/memory.py",
        "from openai import OpenAI\nfrom vecstore import HttpConfig\ncfg = HttpConfig(host='localhost', port=8000, ssl=False)\n",
        0,
        "",
    ),
    (
        "CODE019",
        Lang::Python,
        "app/fetch.py",
        "import aiohttp\nfrom openai import OpenAI\nasync def f(session, url):\n    return await session.get(url, ssl=False)\n",
        4,
        "medium",
    ),
    (
        "CODE019",
        Lang::Python,
        "tests/test_client.py",
        "import httpx\nfrom openai import OpenAI\nc = httpx.AsyncClient(verify=False)\n",
        0,
        "",
    ),
    (
        "CODE019",
        Lang::Python,
        "app/client.py",
        "import httpx2\nfrom agents import Agent, Runner\nfrom agents.mcp import MCPServerStreamableHttp\ndef make():\n    return httpx2.AsyncClient(verify=False)\n",
        5,
        "medium",
    ),
    // CODE011 / CODE010: round trips and files the module writes itself.
    (
        "CODE011",
        Lang::Python,
        "tests/test_pickling.py",
        "import pickle\ndef test_copy(fn):\n    assert pickle.loads(pickle.dumps(fn))(1) == 2\n",
        0,
        "",
    ),
    (
        "CODE011",
        Lang::Python,
        "app/cache.py",
        "import pickle\ndef save(db, p):\n    with open(p, 'wb') as f:\n        pickle.dump(db, f)\ndef load(p):\n    with open(p, 'rb') as f:\n        return pickle.load(f)\n",
        7,
        "low",
    ),
    (
        "CODE011",
        Lang::Python,
        "app/cache.py",
        "import pickle\ndef load(p):\n    with open(p, 'rb') as f:\n        return pickle.load(f)\n",
        4,
        "medium",
    ),
    (
        "CODE010",
        Lang::Python,
        "train.py",
        "import torch\ntorch.save({'model': 1}, 'ckpt.pt')\nck = torch.load('ckpt.pt', map_location='cpu')\n",
        3,
        "low",
    ),
    // CODE007: the operator of a command-line program is no trust boundary.
    (
        "CODE007",
        Lang::Python,
        "agent.py",
        "import sys\nfrom agno.agent import Agent\npage = sys.argv[1] if len(sys.argv) > 1 else input('> ')\nbot = Agent(instructions=f'Use page {page}')\n",
        0,
        "",
    ),
    (
        "CODE007",
        Lang::Python,
        "agent.py",
        "from flask import request\nfrom agno.agent import Agent\ndef f():\n    return Agent(instructions=f\"Act as {request.json['persona']}\")\n",
        4,
        "medium",
    ),
    // CODE004: agent frameworks' output is model output.
    (
        "CODE004",
        Lang::Python,
        "app.py",
        "import streamlit as st\nfrom agno.agent import Agent\nbot = Agent(name='x')\nq = st.text_input('q')\nreply = bot.run(q)\nst.markdown(reply.content, unsafe_allow_html=True)\n",
        6,
        "high",
    ),
    (
        "CODE004",
        Lang::Python,
        "app.py",
        "import streamlit as st\nfrom agents import Agent, Runner\nassistant = Agent(name='x')\nasync def go(q):\n    result = await Runner.run(assistant, q)\n    st.markdown(result.final_output, unsafe_allow_html=True)\n",
        6,
        "high",
    ),
    (
        "CODE004",
        Lang::Python,
        "app.py",
        "import streamlit as st\nfrom agents import Agent, Runner\nassistant = Agent(name='x')\nasync def go(q):\n    result = await Runner.run(assistant, q)\n    st.markdown(result.final_output)\n",
        0,
        "",
    ),
    (
        "CODE004",
        Lang::Python,
        "app.py",
        "import streamlit as st\nfrom google.adk.runners import Runner\nasync def go(runner, msg):\n    async for event in runner.run_async(user_id='u', session_id='s', new_message=msg):\n        if event.is_final_response():\n            st.markdown(event.content.parts[0].text, unsafe_allow_html=True)\n",
        6,
        "high",
    ),
    // CODE003: SQLAlchemy's `run_sync` is no agent run.
    (
        "CODE003",
        Lang::Python,
        "lib/db.py",
        "from sqlalchemy import select\nfrom agno.agent import Agent\nasync def get(engine, sess, load):\n    async with engine.begin() as conn:\n        table = await conn.run_sync(load)\n    stmt = select(table).limit(1)\n    return await sess.execute(stmt)\n",
        0,
        "",
    ),
    (
        "CODE003",
        Lang::Python,
        "lib/db.py",
        "from pydantic_ai import Agent\nsql_agent = Agent('openai:gpt-4o')\ndef run(cur, q):\n    res = sql_agent.run_sync(q)\n    cur.execute(res.output)\n",
        5,
        "high",
    ),
    // CODE018: a demo of a host tool in an example is medium.
    (
        "CODE018",
        Lang::Python,
        "cookbook/tools/python_tools.py",
        "from agno.agent import Agent\nfrom agno.tools.python import PythonTools\nbot = Agent(tools=[PythonTools()])\n",
        3,
        "medium",
    ),
    // CODE001: a model's tool call evaluated.
    (
        "CODE001",
        Lang::Python,
        "loop.py",
        "from anthropic import Anthropic\nclient = Anthropic()\ndef loop(messages, tools):\n    response = client.messages.create(model='m', max_tokens=9, messages=messages, tools=tools)\n    while response.stop_reason == 'tool_use':\n        tool_use = next(b for b in response.content if b.type == 'tool_use')\n        name = tool_use.name\n        out = eval(f\"{name}(**tool_use.input)\")\n",
        8,
        "critical",
    ),
    (
        "CODE001",
        Lang::Python,
        "loop.py",
        "from openai import OpenAI\ndef dispatch(tool_call):\n    return eval(tool_call.function.name + '(' + tool_call.function.arguments + ')')\n",
        3,
        "critical",
    ),
    (
        "CODE001",
        Lang::Python,
        "loop.py",
        "import json\nfrom openai import OpenAI\nTOOLS = {}\ndef dispatch(tool_call):\n    return TOOLS[tool_call.function.name](**json.loads(tool_call.function.arguments))\n",
        0,
        "",
    ),
    // CODE005: an enumerate index in a file name is a number, not model output.
    (
        "CODE005",
        Lang::Python,
        "app/images.py",
        "from agno.agent import Agent\nbot = Agent(name='x')\nresponse = bot.run('draw')\nfor i, img in enumerate(response.images):\n    path = f'image_{i}.png'\n    with open(path, 'wb') as f:\n        f.write(img)\n",
        0,
        "",
    ),
    (
        "CODE005",
        Lang::Python,
        "app/images.py",
        "from agno.agent import Agent\nbot = Agent(name='x')\nresponse = bot.run('name a file')\nfor i, name in enumerate(response.files):\n    with open(name, 'wb') as f:\n        f.write(b'')\n",
        5,
        "medium",
    ),
    // CODE020: MCP servers started from code.
    (
        "CODE020",
        Lang::Python,
        "client.py",
        "from mcp import StdioServerParameters\nparams = StdioServerParameters(\n    command='npx',\n    args=['-y', '@scope/server-files', '/data'],\n)\n",
        2,
        "medium",
    ),
    (
        "CODE020",
        Lang::Python,
        "client.py",
        "from mcp import StdioServerParameters\nparams = StdioServerParameters(command='npx', args=['-y', '@scope/server-files@1.4.2', '/data'])\nlocal = StdioServerParameters(command='python', args=['server.py'])\n",
        0,
        "",
    ),
    (
        "CODE020",
        Lang::Python,
        "client.py",
        "from agents import Agent, Runner\nfrom agents.mcp import MCPServerStdio\nserver = MCPServerStdio(params={'command': 'uvx', 'args': ['mcp-server-fetch']})\n",
        3,
        "medium",
    ),
    (
        "CODE020",
        Lang::Python,
        "client.py",
        "from agno.agent import Agent\nfrom agno.tools.mcp import MCPTools\ntools = MCPTools(command='npx -y @scope/notes-server')\n",
        3,
        "medium",
    ),
    (
        "CODE020",
        Lang::Python,
        "client.py",
        "from langchain_mcp_adapters.client import MultiServerMCPClient\nclient = MultiServerMCPClient({\n    'maps': {'command': 'npx', 'args': ['-y', 'maps-server@latest'], 'transport': 'stdio'},\n})\n",
        3,
        "medium",
    ),
    (
        "CODE020",
        Lang::TypeScript,
        "src/client.ts",
        "import { Client } from '@modelcontextprotocol/sdk/client/index.js';\nimport { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';\nconst t = new StdioClientTransport({ command: 'npx', args: ['-y', '@scope/server-x'] });\n",
        3,
        "medium",
    ),
    (
        "CODE020",
        Lang::Python,
        "client.py",
        "from mcp import StdioServerParameters\nparams = StdioServerParameters(command='uv', args=['run', 'mcp', 'run', 'server.py'])\n",
        0,
        "",
    ),
    (
        "CODE020",
        Lang::Python,
        "examples/client.py",
        "from mcp import StdioServerParameters\nparams = StdioServerParameters(command='uvx', args=['mcp-server-time'])\n",
        2,
        "low",
    ),
    (
        "CODE020",
        Lang::TypeScript,
        "src/client.ts",
        "import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';\nconst t = new StdioClientTransport({ command: 'node', args: ['dist/index.js'] });\n",
        0,
        "",
    ),
];

#[test]
fn placed_fixtures() {
    let mut failures = Vec::new();
    for (i, (rule, lang, path, src, line, severity)) in PLACED.iter().enumerate() {
        let out = analyze_at(src, *lang, path).expect("parser loads");
        let hits: Vec<(u32, &str)> = out
            .hits
            .iter()
            .filter(|h| h.rule.id == *rule)
            .map(|h| (h.line, h.severity.unwrap_or(h.rule.severity).as_str()))
            .collect();
        let ok = if *line == 0 {
            hits.is_empty()
        } else {
            hits.contains(&(*line, *severity))
        };
        if !ok {
            failures.push(format!(
                "placed {i} ({rule}, {path}): expected line {line} {severity}, got {hits:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A server's own constructor names the server: it starts nothing.
#[test]
fn a_server_constructor_is_no_launch() {
    let src = "from mcp.server.mcpserver import MCPServer\nmcp = MCPServer(\"Shrimp\")\n";
    let out = analyze_at(src, Lang::Python, "src/server.py").expect("parser loads");
    assert!(out.servers.is_empty(), "{:?}", out.servers);
    let src = "from agents.mcp import MCPServerStdio\ns = MCPServerStdio(\"npx\", args=[\"-y\", \"pkg\"])\n";
    let out = analyze_at(src, Lang::Python, "src/client.py").expect("parser loads");
    assert_eq!(out.servers.len(), 1, "{:?}", out.servers);
    let src = "from agno.tools.mcp import MCPTools\nt = MCPTools(\"npx -y @scope/server-x\")\n";
    let out = analyze_at(src, Lang::Python, "src/agent.py").expect("parser loads");
    assert_eq!(out.servers.len(), 1, "{:?}", out.servers);
}
